"""The project index: which of the checked modules' definitions other modules reach, and what
the checked modules take from others, found in one cheap pass.

A checked file's findings change only with its own definitions and what it imports. So only
checked files are looked at for definitions (a client factory: a boto3 client call whose service
or region is a parameter; a credential constant) and for imported names that matter (a client's
service, a retry predicate). Most files are never parsed: a checked file is read with `ast` only
when its bytes may hold one of these; the rest of the project is walked only when some checked
file defines something, and then parsed only where its bytes name what was found; a module a
checked file imports from is read directly.
"""

from __future__ import annotations

import ast
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from pathlib import Path
from typing import Optional

from credlint.analysis.stand_ins import looks_fake
from credlint.config import DEFAULT_MAX_FILE_SIZE
from credlint.prefilter import FileProbe
from credlint.project.byte_gates import (
    client_calls,
    credential_shaped,
    factory_client_lines,
    may_define_constant,
    may_pass_credentials,
    may_take_imported_predicate,
)
from credlint.project.environment_reads import EnvironmentRead
from credlint.project.module_names import PACKAGE_MARKER, ModuleName, ModuleTable, dotted, module_name_of
from credlint.project.reading import read_python_source
from credlint.project.summary import (
    DEFAULT_NONE,
    REQUIRED,
    CallOf,
    Factory,
    ModuleSummary,
    function_digest,
    is_service_name,
    may_set_region,
    read_imports_used,
    read_uses,
    summarise,
)
from credlint.project.view import (
    CallSite,
    ConstantReach,
    FactoryReach,
    ImportedEnvRead,
    ImportedFunction,
    ImportedValue,
    ProjectView,
)

_SELF_NAMES = ("self", "cls")
MAX_CLASS_DEPTH = 8
MAX_REEXPORTS = 4  # `from .aws import make_client` in a package's __init__.py, and so on


class ProjectIndex:
    """The index of one project's Python files, and the view it gives each of them."""

    def __init__(
        self,
        root: Path,
        checked: Iterable[tuple[Path, bytes]],
        others: Callable[[], Iterable[tuple[Path, bytes]]] = tuple,
        read: Optional[Callable[[Path], Optional[bytes]]] = None,
    ) -> None:
        """checked: the files whose findings are wanted; others: the rest of the project's Python
        files, asked for only when a checked file defines something others may use; read: one
        file's bytes (None when it is missing or not a regular file), for the modules a checked
        file imports constants from."""
        self.root = root
        self._read = read or partial(read_python_source, max_size=DEFAULT_MAX_FILE_SIZE)
        checked_files = dict(checked)
        self._summaries: dict[Path, ModuleSummary] = {}
        self._trees: dict[Path, ast.Module] = {}
        self._sources: dict[Path, bytes] = {}
        for path, source in checked_files.items():
            names_sdk = b"boto" in source  # boto3, aioboto3, botocore
            calls = client_calls(source) if names_sdk else []
            client_lines = factory_client_lines(source, calls)
            # A name for a service, in a module that imports: maybe another module's constant.
            names_service = b"import" in source and any(named for _, named in calls)
            takes_predicate = names_sdk and may_take_imported_predicate(source)
            passes_credentials = names_sdk and b"import" in source and may_pass_credentials(source)
            if client_lines or names_service or takes_predicate or passes_credentials or may_define_constant(source):
                self._parse(path, source, client_lines)
            if path in self._summaries:
                self._read_imports_used(path, names_service, takes_predicate, passes_credentials)
        wanted = self._exported_names(checked_files)
        if wanted:
            names = frozenset(words[-1].decode() for words in wanted)  # what a call's callee ends in
            for path, source in itertools.chain(checked_files.items(), others()):
                if not any(all(word in source for word in words) for words in wanted):
                    continue
                if path not in self._trees:
                    self._parse(path, source)
                if path in self._trees:
                    read_uses(self._summaries[path], self._trees[path], names)
        self._table = ModuleTable((path, summary.name) for path, summary in self._summaries.items())
        self._sets_region: dict[Path, bool] = {}
        self._views = self._resolve()
        del self._trees, self._sources

    @property
    def views(self) -> Mapping[Path, ProjectView]:
        """The views of the checked files that hold something other modules reach, by path."""
        return self._views

    def _parse(self, path: Path, source: bytes, client_lines: frozenset[int] = frozenset()) -> None:
        tree = FileProbe(source).tree
        self._sources[path] = source
        if tree is not None:
            self._trees[path] = tree
            self._summaries[path] = summarise(tree, module_name_of(path), client_lines)

    def _read_imports_used(self, path: Path, names_service: bool, takes_predicate: bool, passes: bool) -> None:
        """The imported names a checked module's client calls take as their service, its retries
        as their predicate or its SDK calls as credentials (passes), and the modules that bind them."""
        summary = self._summaries[path]
        read_imports_used(
            summary, self._trees[path], services=names_service, predicates=takes_predicate, credentials=passes
        )
        credentials = (argument.value for argument in summary.credential_arguments)
        used = {*(written for _, written in summary.imported_services), *summary.imported_predicates, *credentials}
        for written in (written for written in used if written.partition(".")[0] in summary.imports):
            head, _, rest = written.partition(".")
            module, attribute = summary.imports[head]
            parts = [*module.split("."), *([attribute] if attribute else []), *(rest.split(".") if rest else [])]
            # `settings.KEY`: KEY of a module settings, or of an instance `settings` of a module
            for split in (1, 2)[: len(parts) - 1]:
                self._load(".".join(parts[:-split]), parts[-split], summary.name, 0)

    def _load(self, module: str, name: str, importer: ModuleName, hops: int) -> None:
        """Summarise the project's module that binds name, following re-exports."""
        found = self._module_summary(module, importer)
        if found is None or hops >= MAX_REEXPORTS or name in found.bound or name in found.functions:
            return
        if name in found.imports:
            module, attribute = found.imports[name]
            if attribute is not None:
                self._load(module, attribute, found.name, hops + 1)

    def _module_summary(self, module: str, importer: ModuleName) -> Optional[ModuleSummary]:
        """The summary of the file where the importer's interpreter finds a module, when it is a
        file of the project, read if it was not."""
        base = importer.source_root.joinpath(*module.split("."))
        for candidate in (base.with_name(base.name + ".py"), base / PACKAGE_MARKER):
            if not candidate.is_relative_to(self.root):
                return None
            if candidate not in self._summaries:
                source = self._read(candidate)
                if source is None:
                    continue
                self._parse(candidate, source)
            return self._summaries.get(candidate)
        return None

    def _exported_names(self, checked: Iterable[Path]) -> set[tuple[bytes, ...]]:
        """The words a module must hold to reach a checked module's definition: a constant's or a
        function's name; for a method, its class's name too (a subclass names its base) and then
        the method's."""
        names: set[tuple[bytes, ...]] = set()
        for summary in (self._summaries[path] for path in checked if path in self._summaries):
            names.update(tuple(part.encode() for part in qualname.split(".")) for qualname in summary.factories)
            names.update((name.encode(),) for name, (_, text) in summary.constants.items() if credential_shaped(text))
        return names

    def _resolve(self) -> dict[Path, ProjectView]:
        sites: dict[tuple[Path, str], list[CallSite]] = defaultdict(list)
        constants: dict[Path, list[ConstantReach]] = defaultdict(list)
        for path, summary in self._summaries.items():
            for call in summary.calls:
                found = self._factory_of(path, summary, call)
                if found is not None:
                    site = self._site(path, summary, call, found[1])
                    if site is not None:
                        sites[(found[0], found[1].qualname)].append(site)
            for argument in summary.credential_arguments:
                reached = self._constant_of(path, summary, argument.value)
                if reached is not None and reached[0] != path:
                    defining, name, line = reached
                    place = f"{self._display(path)}:{argument.line}"
                    reach = ConstantReach(name, line, argument.parameter, argument.link, argument.target, place)
                    constants[defining].append(reach)
        imported = {path: values for path in self._summaries if (values := self._imported_values(path))}
        predicates = {path: used for path in self._summaries if (used := self._imported_functions(path))}
        env_reads = {path: passed for path in self._summaries if (passed := self._imported_env_reads(path))}
        views: dict[Path, ProjectView] = {}
        for path in {*(path for path, _ in sites), *constants, *imported, *predicates, *env_reads}:
            summary = self._summaries[path]
            factories = tuple(
                FactoryReach(
                    factory.line,
                    factory.region_parameter,
                    tuple(sorted(set(sites[(path, qualname)]), key=lambda site: (site.path, site.line))),
                )
                for qualname, factory in sorted(summary.factories.items())
                if sites.get((path, qualname))
            )
            reaches = tuple(sorted(set(constants.get(path, ())), key=lambda r: (r.line, r.target_place)))
            views[path] = ProjectView(
                factories, reaches, imported.get(path, ()), predicates.get(path, ()), env_reads.get(path, ())
            )
        return views

    def _imported_values(self, path: Path) -> tuple[ImportedValue, ...]:
        """The other modules' constants a module's client calls take as their service."""
        summary = self._summaries[path]
        found: list[ImportedValue] = []
        for line, written in summary.imported_services:
            constant = self._constant(path, summary, written)
            if constant is not None and constant[0] != path and is_service_name(constant[3]):
                module, _, bound, text = constant
                found.append(ImportedValue(written, line, text, f"{self._display(module)}:{bound}"))
        return tuple(sorted(set(found), key=lambda value: (value.line, value.written)))

    def _imported_functions(self, path: Path) -> tuple[ImportedFunction, ...]:
        """The other modules' functions a module's retries may take as their predicate."""
        summary = self._summaries[path]
        found: list[ImportedFunction] = []
        for written in summary.imported_predicates:
            target = self._target(path, summary, written)
            if target is None or target[0] == path or target[1] not in self._summaries[target[0]].functions:
                continue
            module, name = target
            first, last = self._summaries[module].functions[name]
            digest = function_digest(self._sources[module], first, last)
            place = f"{self._display(module)}:{first}"
            found.append(ImportedFunction(written, name, str(module), first, digest, place))
        return tuple(sorted(found, key=lambda function: function.written))

    def _imported_env_reads(self, path: Path) -> tuple[ImportedEnvRead, ...]:
        """The other modules' environment reads a module passes to SDK credential parameters: their
        constants, and the fields of their pydantic-settings instances."""
        summary = self._summaries[path]
        found: set[ImportedEnvRead] = set()
        for argument in summary.credential_arguments:
            located = self._environment_read(path, summary, argument.value)
            if located is not None:
                module, read = located
                # Only a stand-in default travels: a real value never reaches a cache or a report.
                default = read.default if read.default is not None and looks_fake(read.default) else None
                place = f"{self._display(module)}:{read.line}"
                found.add(ImportedEnvRead(argument.value, argument.line, read.variable, read.missing, default, place))
        return tuple(sorted(found, key=lambda read: (read.line, read.written)))

    def _environment_read(
        self, path: Path, summary: ModuleSummary, written: str
    ) -> Optional[tuple[Path, EnvironmentRead]]:
        """The read of another module a name refers to: `KEY`, `config.KEY`, `settings.KEY`."""
        target = self._target(path, summary, written)
        if target is not None and target[0] != path and target[1] in self._summaries[target[0]].env_reads:
            return target[0], self._summaries[target[0]].env_reads[target[1]]
        owner, _, field_name = written.rpartition(".")
        instance = self._target(path, summary, owner) if owner else None
        if instance is None or instance[0] == path:
            return None
        defining = self._summaries[instance[0]]
        made = defining.instances.get(instance[1])
        read = defining.settings_classes[made].get(field_name) if made is not None else None
        return (instance[0], read) if read is not None else None

    def _display(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def _module(self, dotted_name: str, importer: ModuleName) -> Optional[Path]:
        found = self._table.find(dotted_name, importer)
        return found if found in self._summaries else None

    def _target(self, path: Path, summary: ModuleSummary, written: str) -> Optional[tuple[Path, str]]:
        """The module and the name in it that a dotted name written in a module refers to, through
        the modules that only import it again (a package's __init__.py)."""
        target = self._written_target(path, summary, written)
        for _ in range(MAX_REEXPORTS):
            if target is None:
                return None
            module, name = target
            found = self._summaries[module]
            if name not in found.imports or name in found.bound or name in found.functions:
                return target
            target = self._written_target(module, found, name)
        return target

    def _written_target(self, path: Path, summary: ModuleSummary, written: str) -> Optional[tuple[Path, str]]:
        head, _, rest = written.partition(".")
        if not rest:
            if head in summary.imports:
                module, attribute = summary.imports[head]
                found = self._module(module, summary.name)
                return (found, attribute) if found is not None and attribute is not None else None
            return path, head
        if head not in summary.imports:
            return None
        module, attribute = summary.imports[head]
        parts = [*module.split("."), *([attribute] if attribute else []), *rest.split(".")]
        found = self._module(".".join(parts[:-1]), summary.name)
        return (found, parts[-1]) if found is not None else None

    def _factory_of(self, path: Path, summary: ModuleSummary, call: CallOf) -> Optional[tuple[Path, Factory]]:
        head, _, method = call.callee.partition(".")
        if head in _SELF_NAMES and "." not in method and call.enclosing_class is not None:
            return self._method_factory(path, call.enclosing_class, method, 0)
        made, instance, method = call.callee.rpartition("().")
        if instance:  # a method called on an instance: `Clients().client`, `clients.client`
            target = self._target(path, summary, made)
            return self._method_factory(*target, method, 0) if target is not None else None
        target = self._target(path, summary, call.callee)
        if target is None:
            return None
        module, name = target
        factory = self._summaries[module].factories.get(name)
        return (module, factory) if factory is not None else None

    def _method_factory(self, path: Path, class_name: str, method: str, depth: int) -> Optional[tuple[Path, Factory]]:
        """The factory method a class gets from itself or its bases, in the order Python looks."""
        summary = self._summaries[path]
        if depth > MAX_CLASS_DEPTH or class_name not in summary.classes:
            return None
        factory = summary.factories.get(f"{class_name}.{method}")
        if factory is not None:
            return path, factory
        if method in summary.methods.get(class_name, frozenset()):
            return None  # defined here without a client call: it overrides any base's
        for base in summary.classes[class_name]:
            target = self._target(path, summary, base)
            found = self._method_factory(*target, method, depth + 1) if target is not None else None
            if found is not None:
                return found
        return None

    def _site(self, path: Path, summary: ModuleSummary, call: CallOf, factory: Factory) -> Optional[CallSite]:
        """The call site when it reaches the factory's client call with a known service and no region."""
        if path not in self._sets_region:
            self._sets_region[path] = may_set_region(self._trees[path])
        if self._sets_region[path]:
            return None
        given = _arguments(call.node, factory)
        if given is None:
            return None
        service = factory.service
        if factory.service_parameter:
            value = given.get(factory.service_parameter)
            if value is not None:
                service = self._fold(path, summary, value)
            else:
                kind, text = factory.default_of(factory.service_parameter)
                service = text if kind != REQUIRED else None
        if service is None or not is_service_name(service):
            return None
        if factory.region_parameter:
            value = given.get(factory.region_parameter)
            if value is None and factory.default_of(factory.region_parameter)[0] != DEFAULT_NONE:
                return None
            if value is not None and not (isinstance(value, ast.Constant) and value.value is None):
                return None
        if factory.forwards_keywords and any(name not in factory.positional for name in given):
            return None  # a keyword that goes on to the client: region_name=, config=...
        label = f"{call.written}({service!r})"
        return CallSite(self._display(path), call.node.lineno, label, service)

    def _fold(self, path: Path, summary: ModuleSummary, value: ast.expr) -> Optional[str]:
        if isinstance(value, ast.Constant):
            return value.value if isinstance(value.value, str) else None
        written = dotted(value)
        constant = self._constant(path, summary, written) if written is not None else None
        return constant[3] if constant is not None else None

    def _constant_of(self, path: Path, summary: ModuleSummary, written: str) -> Optional[tuple[Path, str, int]]:
        """The credential-shaped constant a name passed as a credential refers to."""
        constant = self._constant(path, summary, written)
        if constant is None or not credential_shaped(constant[3]):
            return None
        return constant[:3]

    def _constant(self, path: Path, summary: ModuleSummary, written: str) -> Optional[tuple[Path, str, int, str]]:
        """The module, name, line and text of the string constant a dotted name refers to."""
        target = self._target(path, summary, written)
        if target is None:
            return None
        constant = self._summaries[target[0]].constants.get(target[1])
        return (*target, *constant) if constant is not None else None


def _arguments(call: ast.Call, factory: Factory) -> Optional[dict[str, ast.expr]]:
    """The call's arguments by the factory's parameter names; None when *args or **kwargs hide some."""
    given: dict[str, ast.expr] = {}
    for index, arg in enumerate(call.args):
        if isinstance(arg, ast.Starred) or index >= len(factory.positional):
            return None
        given[factory.positional[index]] = arg
    for keyword in call.keywords:
        if keyword.arg is None:
            return None
        given[keyword.arg] = keyword.value
    return given
