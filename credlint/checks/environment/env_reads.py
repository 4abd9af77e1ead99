"""Reads of environment variables, and the values that carry them to an argument, for the CL2xx rules.

A read is `os.environ[...]`, `os.environ.get(...)`, `os.getenv(...)` (through any import alias), a
lookup in python-dotenv's `dotenv_values(...)`, python-decouple's `config(...)`, an environs /
django-environ `Env` call, or a pydantic-settings field. Values are followed through names,
parameter defaults, `or`, `if`-`else`, f-strings, small helper functions of the module (through its
binding table) and attributes of the module's classes (attribute_values.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Optional

import libcst as cst

from credlint.analysis.bindings import bindings_of, imported_name, imported_names, single_bound_value
from credlint.analysis.literals import fold_string, simple_string_text
from credlint.checks.environment.attribute_values import ModuleAttributes, SettingsField
from credlint.checks.environment.helper_functions import helper_function, parameters_given, returned_values
from credlint.project.view import ImportedEnvRead

# Where a read takes its value from.
SOURCE_ENVIRONMENT = "environment"  # the process environment, which botocore's env provider reads too
SOURCE_DOTENV_FILE = "dotenv-file"  # a dict python-dotenv parsed from a file; os.environ is untouched
SOURCE_DECOUPLE = "decouple"  # python-decouple: os.environ first, then .env or settings.ini

# What the read gives when the variable is missing.
MISSING_GIVES_NONE = "none"
MISSING_RAISES = "raises"
MISSING_GIVES_DEFAULT = "default"

ENVIRON_MAPPINGS = frozenset({"os.environ"})
ENV_GETTERS = frozenset({"os.getenv", "os.environ.get"})
DOTENV_VALUES = frozenset({"dotenv.dotenv_values", "dotenv.main.dotenv_values"})
DECOUPLE_CONFIG = frozenset({"decouple.config"})
DECOUPLE_CONFIG_CLASSES = frozenset({"decouple.AutoConfig", "decouple.Config"})
# environs.Env and django-environ's environ.Env: `env("NAME")`, `env.str("NAME")`, both read os.environ.
ENVIRONS_CLASSES = frozenset({"environs.Env", "environs.FileAwareEnv"})
DJANGO_ENVIRON_CLASSES = frozenset({"environ.Env", "environ.environ.Env", "environ.FileAwareEnv"})
ENV_CLASSES = ENVIRONS_CLASSES | DJANGO_ENVIRON_CLASSES
ENV_CLASS_METHODS = frozenset({"str", "get_value"})
# Calls whose result carries their first argument's text unchanged, as far as a credential goes.
_PASS_THROUGH_FUNCTIONS = frozenset({"builtins.str", "str", "json.loads"})
_PASS_THROUGH_METHODS = frozenset({"strip", "rstrip", "lstrip"})
# ref. aws-chain-reference.md section 7: STS's temporary credentials, and secrets fetched at runtime
# from Secrets Manager or SSM, are deliberate credentials, not keys kept in the environment.
DELIBERATE_CREDENTIAL_METHODS = frozenset(
    {
        "assume_role",
        "assume_role_with_web_identity",
        "assume_role_with_saml",
        "get_session_token",
        "get_federation_token",
        "get_role_credentials",
        "get_credentials_for_identity",
        "get_secret_value",
        "get_parameter",
        "get_parameters",
        "get_parameters_by_path",
    }
)
MAX_FOLLOW_DEPTH = 10
_NOTHING_GIVEN: Mapping[cst.Param, cst.BaseExpression] = MappingProxyType({})
_NO_IMPORTED_READS: Mapping[str, ImportedEnvRead] = MappingProxyType({})


@dataclass(frozen=True)
class EnvRead:
    """One read of an environment-style variable."""

    node: cst.BaseExpression
    variable: Optional[str]  # None when the name is computed in a way not folded here
    source: str
    missing: str
    default: Optional[str] = None  # the literal default, when one is written
    place: str = ""  # where another module of the project reads it ("app/settings.py:4"); "" here


@dataclass(frozen=True)
class ReachingValues:
    """The environment reads that may reach an expression, and whether deliberate credentials do too."""

    reads: tuple[EnvRead, ...]
    deliberate: bool


def reaching_env_reads(
    owner: cst.MetadataDependent,
    expr: cst.BaseExpression,
    attributes: Optional[ModuleAttributes] = None,
    imported: Mapping[str, ImportedEnvRead] = _NO_IMPORTED_READS,
) -> ReachingValues:
    """Every environment read whose value may end up in expr; attributes of the module's classes are
    followed when given, and other modules' reads by the names this one imports them by
    (project/view.py). Needs BINDING_PROVIDERS declared by owner."""
    walker = _ValueWalker(owner, attributes, imported)
    walker.walk(expr, _NOTHING_GIVEN, 0)
    return ReachingValues(tuple(walker.reads), walker.deliberate)


def env_read(
    owner: cst.MetadataDependent,
    expr: cst.BaseExpression,
    substitutions: Mapping[cst.Param, cst.BaseExpression] | None = None,
) -> Optional[EnvRead]:
    """expr itself as a read of one variable, or None."""
    given = substitutions or {}
    if isinstance(expr, cst.Subscript) and len(expr.slice) == 1:
        index = expr.slice[0].slice
        source = env_mapping_source(owner, expr.value)
        if source is not None and isinstance(index, cst.Index):
            return EnvRead(expr, _fold_name(owner, index.value, given), source, MISSING_RAISES)
        return None
    if not isinstance(expr, cst.Call):
        return None
    func = expr.func
    names = imported_names(owner, func)
    if names & ENV_GETTERS:
        return _getter_read(owner, expr, SOURCE_ENVIRONMENT, given)
    if isinstance(func, cst.Attribute) and func.attr.value == "get":
        source = env_mapping_source(owner, func.value)
        return _getter_read(owner, expr, source, given) if source is not None else None
    if names & DECOUPLE_CONFIG or instance_of(owner, func, DECOUPLE_CONFIG_CLASSES):
        return _keyword_default_read(owner, expr, SOURCE_DECOUPLE, given)
    if instance_of(owner, func, ENV_CLASSES) or (
        isinstance(func, cst.Attribute)
        and func.attr.value in ENV_CLASS_METHODS
        and instance_of(owner, func.value, ENV_CLASSES)
    ):
        return _keyword_default_read(owner, expr, SOURCE_ENVIRONMENT, given)
    return None


def env_mapping_source(owner: cst.MetadataDependent, expr: cst.BaseExpression, depth: int = 0) -> Optional[str]:
    """Which source a mapping reads: os.environ (also copied, or held in a name), a dotenv_values()
    dict, or `{**dotenv_values(...), **os.environ}` as python-dotenv's documentation combines them."""
    if depth > MAX_FOLLOW_DEPTH:
        return None
    if imported_names(owner, expr) & ENVIRON_MAPPINGS:
        return SOURCE_ENVIRONMENT
    if isinstance(expr, cst.Name):
        value = single_bound_value(owner, expr)
        return env_mapping_source(owner, value, depth + 1) if value is not None else None
    if isinstance(expr, cst.Call):
        func = expr.func
        if imported_names(owner, func) & DOTENV_VALUES:
            return SOURCE_DOTENV_FILE
        if imported_names(owner, func) & {"builtins.dict", "dict"} and len(expr.args) == 1:
            return env_mapping_source(owner, expr.args[0].value, depth + 1)
        if isinstance(func, cst.Attribute) and func.attr.value == "copy" and not expr.args:
            return env_mapping_source(owner, func.value, depth + 1)
        return None
    if isinstance(expr, cst.Dict) and expr.elements:
        sources = set()
        for element in expr.elements:
            if not isinstance(element, cst.StarredDictElement):
                return None
            source = env_mapping_source(owner, element.value, depth + 1)
            if source is None:
                return None
            sources.add(source)
        return SOURCE_ENVIRONMENT if SOURCE_ENVIRONMENT in sources else SOURCE_DOTENV_FILE
    return None


def instance_of(owner: cst.MetadataDependent, expr: cst.BaseExpression, classes: frozenset[str]) -> bool:
    """expr is a name bound once to a call of one of classes: `config = AutoConfig(...)`, `env = Env()`."""
    value = single_bound_value(owner, expr) if isinstance(expr, cst.Name) else expr
    return isinstance(value, cst.Call) and bool(imported_names(owner, value.func) & classes)


def _getter_read(
    owner: cst.MetadataDependent, call: cst.Call, source: str, given: Mapping[cst.Param, cst.BaseExpression]
) -> Optional[EnvRead]:
    key, default = _argument(call, 0, "key"), _argument(call, 1, "default")
    if key is None:
        return None
    return _read(owner, call, key, default, source, MISSING_GIVES_NONE, given)


def _keyword_default_read(
    owner: cst.MetadataDependent, call: cst.Call, source: str, given: Mapping[cst.Param, cst.BaseExpression]
) -> Optional[EnvRead]:
    key, default = _argument(call, 0, "option"), _argument(call, None, "default")
    if key is None:
        key = _argument(call, None, "var")
    if key is None:
        return None
    return _read(owner, call, key, default, source, MISSING_RAISES, given)


def _read(
    owner: cst.MetadataDependent,
    call: cst.Call,
    key: cst.BaseExpression,
    default: Optional[cst.BaseExpression],
    source: str,
    missing: str,
    given: Mapping[cst.Param, cst.BaseExpression],
) -> EnvRead:
    return _with_default(EnvRead(call, _fold_name(owner, key, given), source, missing), default)


def settings_read(field: SettingsField) -> EnvRead:
    """A pydantic-settings field as a read: a required field raises ValidationError when unset."""
    return _with_default(EnvRead(field.node, field.variable, SOURCE_ENVIRONMENT, MISSING_RAISES), field.default)


def _with_default(read: EnvRead, default: Optional[cst.BaseExpression]) -> EnvRead:
    if default is None:
        return read
    if isinstance(default, cst.Name) and default.value == "None":
        return EnvRead(read.node, read.variable, read.source, MISSING_GIVES_NONE)
    literal = simple_string_text(default) if isinstance(default, cst.SimpleString) else None
    return EnvRead(read.node, read.variable, read.source, MISSING_GIVES_DEFAULT, literal)


def _argument(call: cst.Call, position: Optional[int], keyword: str) -> Optional[cst.BaseExpression]:
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    if position is not None and position < len(positional):
        return positional[position].value
    return None


def _fold_name(
    owner: cst.MetadataDependent, key: cst.BaseExpression, given: Mapping[cst.Param, cst.BaseExpression]
) -> Optional[str]:
    """The variable name a key expression holds; a helper's parameter takes the caller's argument."""
    if isinstance(key, cst.Name) and given:
        for binding in _binding_nodes(owner, key):
            if isinstance(binding, cst.Param) and binding in given:
                return fold_string(owner, given[binding])
    return fold_string(owner, key)


def _binding_nodes(owner: cst.MetadataDependent, name: cst.Name) -> list[Optional[cst.CSTNode]]:
    """The nodes that bind name where it is read: assignment targets, parameters, function definitions."""
    return [binding.node for binding in bindings_of(owner, name)]


class _ValueWalker:
    """Follows an expression back to the reads that may give it its value."""

    def __init__(
        self,
        owner: cst.MetadataDependent,
        attributes: Optional[ModuleAttributes],
        imported: Mapping[str, ImportedEnvRead],
    ) -> None:
        self.owner = owner
        self.attributes = attributes
        self.imported = imported
        self.reads: list[EnvRead] = []
        self.deliberate = False
        self._seen: set[tuple[int, int]] = set()
        self._following: set[tuple[str, frozenset[cst.ClassDef]]] = set()  # attributes being followed

    def walk(self, expr: cst.BaseExpression, given: Mapping[cst.Param, cst.BaseExpression], depth: int) -> None:
        key = (id(expr), id(given))
        if depth > MAX_FOLLOW_DEPTH or key in self._seen:
            return
        self._seen.add(key)
        read = env_read(self.owner, expr, given)
        if read is not None:
            self.reads.append(read)
            default = _argument(expr, 1, "default") if isinstance(expr, cst.Call) else None
            if default is not None:
                self.walk(default, given, depth + 1)
            return
        imported = self._imported_read(expr)
        if imported is not None:
            self.reads.append(imported)
        elif isinstance(expr, cst.Name):
            self._walk_name(expr, given, depth)
        elif isinstance(expr, cst.BooleanOperation):
            self.walk(expr.left, given, depth + 1)
            self.walk(expr.right, given, depth + 1)
        elif isinstance(expr, cst.IfExp):
            self.walk(expr.body, given, depth + 1)
            self.walk(expr.orelse, given, depth + 1)
        elif isinstance(expr, cst.Await):
            self.walk(expr.expression, given, depth + 1)
        elif isinstance(expr, cst.FormattedString):
            for part in expr.parts:
                if isinstance(part, cst.FormattedStringExpression):
                    self.walk(part.expression, given, depth + 1)
        elif isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
            self.walk(expr.left, given, depth + 1)
            self.walk(expr.right, given, depth + 1)
        elif isinstance(expr, cst.Call):
            self._walk_call(expr, given, depth)
        elif isinstance(expr, (cst.Subscript, cst.Attribute)):
            self._walk_container(expr, given, depth)

    def _imported_read(self, expr: cst.BaseExpression) -> Optional[EnvRead]:
        """Another module's read, when expr names it through this module's import."""
        read = self.imported.get(imported_name(self.owner, expr) or "") if self.imported else None
        if read is None:
            return None
        return EnvRead(expr, read.variable, SOURCE_ENVIRONMENT, read.missing, read.default, read.place)

    def _walk_name(self, name: cst.Name, given: Mapping[cst.Param, cst.BaseExpression], depth: int) -> None:
        for binding in bindings_of(self.owner, name):
            node = binding.node
            if isinstance(node, cst.Param):
                # A parameter's origin is unknown, unless a helper call supplies it or it has a default.
                if node in given:
                    self.walk(given[node], _NOTHING_GIVEN, depth + 1)
                elif node.default is not None:
                    self.walk(node.default, given, depth + 1)
            elif binding.value is not None:
                self.walk(binding.value, given, depth + 1)

    def _walk_call(self, call: cst.Call, given: Mapping[cst.Param, cst.BaseExpression], depth: int) -> None:
        func = call.func
        if imported_names(self.owner, func) & _PASS_THROUGH_FUNCTIONS:
            if call.args:
                self.walk(call.args[0].value, given, depth + 1)
        elif isinstance(func, cst.Attribute):
            method = func.attr.value
            if method in DELIBERATE_CREDENTIAL_METHODS:
                self.deliberate = True
            elif method in _PASS_THROUGH_METHODS:
                self.walk(func.value, given, depth + 1)
        elif isinstance(func, cst.Name):
            helper = helper_function(self.owner, func)
            if helper is not None:
                bound = {**given, **parameters_given(helper, call)}
                for returned in returned_values(helper):
                    self.walk(returned, bound, depth + 1)

    def _walk_container(
        self, expr: cst.Subscript | cst.Attribute, given: Mapping[cst.Param, cst.BaseExpression], depth: int
    ) -> None:
        """`creds["AccessKeyId"]`, `CONFIG["key"]`, `self.key`: the container's own origin decides."""
        if isinstance(expr, cst.Attribute):
            self._walk_attribute(expr, depth)
            return
        if len(expr.slice) == 1:
            index = expr.slice[0].slice
            key = fold_string(self.owner, index.value) if isinstance(index, cst.Index) else None
            container = self._single_value(expr.value)
            if key is not None and isinstance(container, cst.Dict):
                for element in container.elements:
                    if isinstance(element, cst.DictElement) and fold_string(self.owner, element.key) == key:
                        self.walk(element.value, given, depth + 1)
                return
        self.walk(expr.value, given, depth + 1)

    def _walk_attribute(self, expr: cst.Attribute, depth: int) -> None:
        """An attribute counts only when every value the module gives it carries a read (or is the
        attribute itself again, `self.key = self.key.strip()`): one other value, and it is not known."""
        held = self.attributes.values_of(expr) if self.attributes is not None else None
        if held is None or held.key in self._following:
            return
        start = len(self.reads)
        self.reads.extend(settings_read(field) for field in held.fields)
        self._following.add(held.key)
        for value in held.values:
            if self._same_attribute(value, held.key):
                continue
            before, deliberate = len(self.reads), self.deliberate
            self.walk(value, _NOTHING_GIVEN, depth + 1)
            if len(self.reads) == before and self.deliberate == deliberate:
                del self.reads[start:]
                break
        self._following.discard(held.key)

    def _same_attribute(self, value: cst.BaseExpression, key: tuple[str, frozenset[cst.ClassDef]]) -> bool:
        """value is the attribute itself, passed through `.strip()` or `str()`."""
        while isinstance(value, cst.Call):
            func = value.func
            if isinstance(func, cst.Attribute) and func.attr.value in _PASS_THROUGH_METHODS:
                value = func.value
            elif value.args and imported_names(self.owner, func) & _PASS_THROUGH_FUNCTIONS:
                value = value.args[0].value
            else:
                return False
        held = self.attributes.values_of(value) if self.attributes and isinstance(value, cst.Attribute) else None
        return held is not None and held.key == key

    def _single_value(self, expr: cst.BaseExpression) -> Optional[cst.BaseExpression]:
        if isinstance(expr, cst.Name):
            return single_bound_value(self.owner, expr)
        held = self.attributes.values_of(expr) if self.attributes and isinstance(expr, cst.Attribute) else None
        return held.values[0] if held is not None and not held.fields and len(held.values) == 1 else None


def variables_tested_set(
    owner: cst.MetadataDependent, test: cst.BaseExpression, attributes: Optional[ModuleAttributes] = None
) -> set[str]:
    """The variables a condition requires to be set: `os.environ.get("A")`, `"A" in os.environ`,
    `key is not None` for a name (or an attribute) that holds a read, and `and` of those. `not` and
    `or` require none."""
    if isinstance(test, cst.BooleanOperation):
        if isinstance(test.operator, cst.And):
            left = variables_tested_set(owner, test.left, attributes)
            return left | variables_tested_set(owner, test.right, attributes)
        return set()
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        comparison = test.comparisons[0]
        if isinstance(comparison.operator, cst.In) and env_mapping_source(owner, comparison.comparator):
            name = fold_string(owner, test.left)
            return {name} if name is not None else set()
        if isinstance(comparison.operator, (cst.IsNot, cst.NotEqual)):
            return variables_tested_set(owner, test.left, attributes)
        return set()
    if isinstance(test, (cst.Name, cst.Call, cst.Subscript, cst.Attribute)):
        reads = reaching_env_reads(owner, test, attributes).reads
        return {read.variable for read in reads if read.variable is not None}
    return set()
