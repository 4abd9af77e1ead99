"""RegionRule: one visit collects a module's region facts, and each CL3xx rule reports from them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import ClassVar, Optional

import libcst as cst
from libcst.metadata import PositionProvider
from libcst.metadata.base_provider import ProviderT

from credlint.analysis.bindings import BINDING_PROVIDERS, qualified_names
from credlint.analysis.environment_writes import environ_item_write, environment_writes_in_call
from credlint.analysis.sdk import (
    CLIENT,
    DEFAULT_SESSION,
    RESOURCE,
    SESSION_METHODS,
    classify_call,
)
from credlint.checks.region.sources import (
    ClientWithoutRegion,
    ModuleRegionFacts,
    RegionFromEnvironment,
    catches_no_region_error,
    lambda_entry_point,
    may_set_session_region,
    resolve_region_sources,
)
from credlint.project.view import ImportedValue
from credlint.rule import Rule
from credlint.settings import FileContext

# ref. python-dotenv load_dotenv(): fills os.environ from a file credlint does not read here.
DOTENV_LOADERS = frozenset({"dotenv.load_dotenv", "dotenv.main.load_dotenv"})
# ref. environs Env.read_env() (load_dotenv underneath) and django-environ Env.read_env(): the same,
# on an Env instance or class, read by the method's name alone.
ENV_FILE_READER = "read_env"
CLIENT_METHODS = (*SESSION_METHODS, "setup_default_session")
# ref. botocore session.py set_config_variable('region', ...) and set_default_client_config(Config).
SESSION_CONFIG_SETTERS = ("set_config_variable", "set_default_client_config")


class RegionRule(Rule):
    """Collects a module's region facts in one visit; each rule reports from them at the end."""

    METADATA_DEPENDENCIES: ClassVar[Sequence[ProviderT]] = (PositionProvider, *BINDING_PROVIDERS)

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self.facts = ModuleRegionFacts()
        self._functions: list[cst.FunctionDef] = []
        self._classes: list[Optional[cst.ClassDef]] = [None]

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._classes.append(node)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._classes.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.facts.flow.note_function(node, self._classes[-1])
        self._functions.append(node)
        self._classes.append(None)  # a function's own body is no class body

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._functions.pop()
        self._classes.pop()

    def _function(self) -> Optional[cst.FunctionDef]:
        return self._functions[-1] if self._functions else None

    def check_module(self, facts: ModuleRegionFacts) -> None:
        raise NotImplementedError

    def visit_Module(self, node: cst.Module) -> None:
        self.facts.lambda_entry = lambda_entry_point(self, node)

    def visit_Try(self, node: cst.Try) -> None:
        if any(handler.type is not None and catches_no_region_error(self, handler.type) for handler in node.handlers):
            self.facts.guarded_bodies.append(node.body)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        method = func.attr.value if isinstance(func, cst.Attribute) else None
        flow, function = self.facts.flow, self._function()
        flow.note_call(node, function)
        if isinstance(func, cst.Name) or method in CLIENT_METHODS:
            sdk_call = classify_call(self, node)
            if sdk_call is not None and sdk_call.kind in (CLIENT, RESOURCE):
                self.facts.clients.append((node, sdk_call))
                flow.note(node, function)
            elif sdk_call is not None and sdk_call.kind == DEFAULT_SESSION:
                self.facts.default_session_setups.append(node)
                flow.note(node, function)
        if method in SESSION_CONFIG_SETTERS and may_set_session_region(self, node):
            self.facts.session_region_settings.append(node)
        for write in environment_writes_in_call(self, node):
            self.facts.environment_writes.append(write)
            flow.note(write.node, function)
        name = func.value if isinstance(func, cst.Name) else method
        if method == ENV_FILE_READER or (name == "load_dotenv" and qualified_names(self, func) & DOTENV_LOADERS):
            self.facts.environment_loads.append(node)
            flow.note(node, function)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            write = environ_item_write(self, target.target)
            if write is not None:
                self.facts.environment_writes.append(write)
                self.facts.flow.note(write.node, self._function())
            elif "boto3.DEFAULT_SESSION" in qualified_names(self, target.target):
                self.facts.default_session_replaced = True

    def leave_Module(self, original_node: cst.Module) -> None:
        self.check_module(self.facts)

    def clients_without_region(self, facts: ModuleRegionFacts) -> list[ClientWithoutRegion]:
        """Every client of the module whose region the code leaves entirely to links 4 and 5."""
        project = self.context.settings.project
        reaches = {reach.line: reach for reach in project.factories}
        imported: dict[int, dict[str, ImportedValue]] = defaultdict(dict)
        for value in project.imported:
            imported[value.line][value.written] = value
        found: list[ClientWithoutRegion] = []
        for call, sdk_call in facts.clients:
            # Lines suffice: a try's handlers start on a later line than its body ends.
            guarded = any(self.within(call, body) for body in facts.guarded_bodies)
            if guarded or facts.may_set_default_region(self, call):
                continue
            line = self.line_of(call)
            client = resolve_region_sources(self, facts, call, sdk_call, reaches.get(line), imported.get(line, {}))
            if client is not None:
                found.append(client)
        return found

    def region_from_environment(self, facts: ModuleRegionFacts) -> Optional[RegionFromEnvironment]:
        """Where link 4 is known to answer for this module: Lambda, the team's setting, the project."""
        if facts.lambda_entry is not None:
            label, node = facts.lambda_entry
            return RegionFromEnvironment("lambda", f"{label} at line {self.line_of(node)}")
        settings = self.context.settings
        if settings.region_from == "environment":
            return RegionFromEnvironment("setting", '[tool.credlint] region-from = "environment"')
        if settings.declared_region is not None:
            return RegionFromEnvironment("declared", settings.declared_region)
        return None
