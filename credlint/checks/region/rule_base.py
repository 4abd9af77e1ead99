"""RegionRule: one visit collects a module's region facts, and each CL3xx rule reports from them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Optional

import libcst as cst
from libcst.metadata import PositionProvider
from libcst.metadata.base_provider import ProviderT

from credlint.analysis.bindings import BINDING_PROVIDERS, qualified_names
from credlint.analysis.sdk import (
    CLIENT,
    DEFAULT_SESSION,
    RESOURCE,
    SESSION_METHODS,
    classify_call,
)
from credlint.checks.region.environment_writes import environ_item_write, environment_writes_in_call
from credlint.checks.region.sources import (
    ClientWithoutRegion,
    ModuleRegionFacts,
    RegionFromEnvironment,
    catches_no_region_error,
    lambda_entry_point,
    may_set_session_region,
    resolve_region_sources,
)
from credlint.rule import Rule
from credlint.settings import FileContext

# ref. python-dotenv load_dotenv(): fills os.environ from a file credlint does not read here.
DOTENV_LOADERS = frozenset({"dotenv.load_dotenv", "dotenv.main.load_dotenv"})
CLIENT_METHODS = (*SESSION_METHODS, "setup_default_session")
# ref. botocore session.py set_config_variable('region', ...) and set_default_client_config(Config).
SESSION_CONFIG_SETTERS = ("set_config_variable", "set_default_client_config")


class RegionRule(Rule):
    """Collects a module's region facts in one visit; each rule reports from them at the end."""

    METADATA_DEPENDENCIES: ClassVar[Sequence[ProviderT]] = (PositionProvider, *BINDING_PROVIDERS)

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self.facts = ModuleRegionFacts()

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
        if isinstance(func, cst.Name) or method in CLIENT_METHODS:
            sdk_call = classify_call(self, node)
            if sdk_call is not None and sdk_call.kind in (CLIENT, RESOURCE):
                self.facts.clients.append((node, sdk_call))
            elif sdk_call is not None and sdk_call.kind == DEFAULT_SESSION:
                self.facts.default_session_setups.append(node)
        if method in SESSION_CONFIG_SETTERS and may_set_session_region(self, node):
            self.facts.session_region_settings.append(node)
        self.facts.environment_writes.extend(environment_writes_in_call(self, node))
        name = func.value if isinstance(func, cst.Name) else method
        if name == "load_dotenv" and qualified_names(self, func) & DOTENV_LOADERS:
            self.facts.environment_loads.append(node)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            write = environ_item_write(self, target.target)
            if write is not None:
                self.facts.environment_writes.append(write)
            elif "boto3.DEFAULT_SESSION" in qualified_names(self, target.target):
                self.facts.default_session_replaced = True

    def leave_Module(self, original_node: cst.Module) -> None:
        self.check_module(self.facts)

    def clients_without_region(self, facts: ModuleRegionFacts) -> list[ClientWithoutRegion]:
        """Every client of the module whose region the code leaves entirely to links 4 and 5."""
        if facts.may_set_default_region:
            return []
        found = (
            resolve_region_sources(self, facts, call, sdk_call)
            for call, sdk_call in facts.clients
            if not any(self.within(call, body) for body in facts.guarded_bodies)
        )
        return [client for client in found if client is not None]

    def within(self, node: cst.CSTNode, block: cst.CSTNode) -> bool:
        """Whether node lies in block; lines suffice, since a try's handlers start on a later line."""
        inner, outer = self.get_metadata(PositionProvider, node), self.get_metadata(PositionProvider, block)
        return outer.start.line <= inner.start.line and inner.end.line <= outer.end.line

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
