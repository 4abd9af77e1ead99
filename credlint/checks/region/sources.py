"""Which region sources each client of a module has: links 1-3 read from the code, link 4 from where it runs.

A client is reported only when every link the code could fill is known to be empty: anything
credlint cannot see through (a variable region, `**kwargs`, a session handed in, a Config from a
parameter) counts as a region, because a guess would cost trust.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Optional

import libcst as cst

from credlint.analysis.bindings import MAX_RESOLUTION_DEPTH, bound_values, imported_name, qualified_names
from credlint.analysis.environment_writes import UNKNOWN_VARIABLE, EnvironmentWrite
from credlint.analysis.literals import fold_string
from credlint.analysis.sdk import (
    PARAMETERS,
    SESSION,
    SdkCall,
    call_arguments,
    classify_call,
)
from credlint.checks.region.flow import ModuleFlow
from credlint.checks.region.global_services import GLOBAL_SERVICES, GlobalService
from credlint.lambda_handlers import has_handler_signature
from credlint.project.view import CallSite, FactoryReach, ImportedValue
from credlint.rule import Rule

DEFAULT_REGION_VARIABLE = "AWS_DEFAULT_REGION"
# ref. aws-chain-reference.md section 2: not honoured by botocore (boto3 issue #3620), used by other SDKs.
AWS_REGION_VARIABLE = "AWS_REGION"

# ref. botocore config.py Config.OPTION_DEFAULTS (region_name first, so also positional 0);
# aiobotocore config.py AioConfig takes connector_args first, so only its keyword counts.
CONFIG_PARAMETERS = {
    "botocore.config.Config": ("region_name",),
    "botocore.client.Config": ("region_name",),
    "aiobotocore.config.AioConfig": (),
}
# Session arguments through which a region may arrive: the region itself, a profile whose region
# the code chose to rely on, or a botocore session built elsewhere. ref. boto3 session.py.
SESSION_REGION_ARGUMENTS = ("region_name", "profile_name", "botocore_session")
# A Chalice app module is deployed as a Lambda function's handler (ref. chalice app.py Chalice).
CHALICE_APPS = frozenset({"chalice.Chalice", "chalice.app.Chalice"})
# ref. botocore exceptions.py: what client creation raises when no region is found.
NO_REGION_ERROR = "botocore.exceptions.NoRegionError"


@dataclass
class ModuleRegionFacts:
    """What one module does that can give its clients a region, collected in one visit."""

    clients: list[tuple[cst.Call, SdkCall]] = field(default_factory=list)
    default_session_setups: list[cst.Call] = field(default_factory=list)
    session_region_settings: list[cst.Call] = field(default_factory=list)  # some session's region set late
    default_session_replaced: bool = False  # boto3.DEFAULT_SESSION = ...
    environment_writes: list[EnvironmentWrite] = field(default_factory=list)
    environment_loads: list[cst.Call] = field(default_factory=list)  # load_dotenv(), read_env(): unknown variables
    lambda_entry: Optional[tuple[str, cst.CSTNode]] = None  # how it is named, and where
    # Bodies of `try` statements that catch NoRegionError: there the code expects no region.
    guarded_bodies: list[cst.BaseSuite] = field(default_factory=list)
    flow: ModuleFlow = field(default_factory=ModuleFlow)  # what runs before which client

    def writes_of(self, variable: str) -> list[EnvironmentWrite]:
        return [write for write in self.environment_writes if write.variable == variable]

    def may_set_default_region(self, owner: Rule, client: cst.Call) -> bool:
        """Whether the code may put AWS_DEFAULT_REGION (link 4) in its environment itself before
        the client is created."""
        writes = [*self.writes_of(DEFAULT_REGION_VARIABLE), *self.writes_of(UNKNOWN_VARIABLE)]
        setters = [*(write.node for write in writes), *self.environment_loads]
        return any(self.flow.runs_before(owner, setter, client) for setter in setters)


@dataclass(frozen=True)
class ClientWithoutRegion:
    """A client or resource whose links 1-3 are known to be empty, and what the code gave instead."""

    call: cst.Call
    sdk_call: SdkCall
    service: str
    line: int
    config_line: Optional[int]  # a Config given without region_name
    custom_endpoint: bool  # endpoint_url= given: a global service's fallback endpoint is not used
    session_kind: str  # "default", "boto3" or "botocore": which session link 3 would come from
    session_line: Optional[int]  # that session's construction (or setup_default_session), without region
    # For a client built by a factory function from its arguments: the call sites that reach it
    # with a regional service and no region (project/index.py).
    sites: tuple[CallSite, ...] = ()
    # Another module's constant that gave it its service (project/index.py).
    imported_service: Optional[ImportedValue] = None

    @property
    def global_service(self) -> Optional[GlobalService]:
        return GLOBAL_SERVICES.get(self.service)

    @property
    def subject(self) -> str:
        """How a message names the client: with the first call site that reaches a factory's."""
        if not self.sites:
            return self.sdk_call.label
        first = self.sites[0]
        others = f" and {len(self.sites) - 1} more" if len(self.sites) > 1 else ""
        return f"{self.sdk_call.label}, reached as {first.label} from {first.place}{others},"


@dataclass(frozen=True)
class RegionFromEnvironment:
    """Why AWS_DEFAULT_REGION (link 4) is known to be provided where the module runs."""

    kind: str  # "lambda", "setting" or "declared"
    where: str  # e.g. "Lambda handler handler() at line 3", "Dockerfile:4"


def lambda_entry_point(owner: cst.MetadataDependent, module: cst.Module) -> Optional[tuple[str, cst.CSTNode]]:
    """What makes a module a Lambda function's code: a module-level function named like a handler
    or taking (event, context), or a Chalice app."""
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef):
            if has_handler_signature(statement.name.value, [param.name.value for param in statement.params.params]):
                return f"Lambda handler {statement.name.value}()", statement
        elif isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                app = small.value if isinstance(small, cst.Assign) else None
                if isinstance(app, cst.Call) and qualified_names(owner, app.func) & CHALICE_APPS:
                    return "Chalice app", small
    return None


def catches_no_region_error(owner: cst.MetadataDependent, caught: cst.BaseExpression) -> bool:
    caught_types = [element.value for element in caught.elements] if isinstance(caught, cst.Tuple) else [caught]
    return any(NO_REGION_ERROR in qualified_names(owner, caught_type) for caught_type in caught_types)


def resolve_region_sources(
    owner: Rule,
    facts: ModuleRegionFacts,
    call: cst.Call,
    sdk_call: SdkCall,
    reach: Optional[FactoryReach] = None,
    imported: Mapping[str, ImportedValue] = {},
) -> Optional[ClientWithoutRegion]:
    """The client with its empty links when links 1-3 are all known to be empty, else None.
    reach: the call sites that give a factory's client call its service and no region.
    imported: other modules' constants this module passes to the call, by the names it writes."""
    arguments = call_arguments(owner, call, sdk_call.parameters)
    imported_service = imported_value(owner, arguments.get("service_name"), imported)
    if sdk_call.service is not None:
        imported_service = None  # folded in this module
    elif imported_service is not None:
        sdk_call = sdk_call.with_service(imported_service.text)
    # A factory's regional call sites make its CL301; with none, its global ones make its CL302.
    every_site = reach.sites if reach else ()
    sites = tuple(site for site in every_site if site.service not in GLOBAL_SERVICES) or every_site
    service = sites[0].service if sites else sdk_call.service
    if service is None or (reach is not None and not sites):
        return None  # a service named by a variable: regional or global cannot be told
    region = arguments.get("region_name")
    if reach is not None and isinstance(region, cst.Name) and region.value == reach.region_parameter:
        region = None  # the factory's parameter, which these call sites leave at None
    # The index checked that a factory's **kwargs carry nothing from these call sites.
    if (arguments.has_unknown_spread and reach is None) or gives_value(owner, region):
        return None
    config_line: Optional[int] = None
    config = arguments.get("config")
    if config is not None and gives_value(owner, config):
        constructions = config_constructions(owner, config)
        if constructions is None or any(config_may_set_region(owner, c) for c in constructions):
            return None
        config_line = owner.line_of(constructions[0])
    session = session_without_region(owner, facts, call, sdk_call)
    if session is None:
        return None
    session_kind, session_line = session
    custom_endpoint = gives_value(owner, arguments.get("endpoint_url"))
    return ClientWithoutRegion(
        call,
        sdk_call,
        service,
        owner.line_of(call),
        config_line,
        custom_endpoint,
        session_kind,
        session_line,
        sites,
        imported_service,
    )


def imported_value(
    owner: cst.MetadataDependent, expr: Optional[cst.BaseExpression], imported: Mapping[str, ImportedValue]
) -> Optional[ImportedValue]:
    """The other module's constant an argument names, when the name is the module's import of it."""
    if not imported or expr is None:
        return None
    return imported.get(imported_name(owner, expr) or "")


def gives_value(owner: cst.MetadataDependent, expr: Optional[cst.BaseExpression], depth: int = 0) -> bool:
    """Whether an argument may carry a value: anything but a missing argument or None."""
    if expr is None or (isinstance(expr, cst.Name) and expr.value == "None"):
        return False
    if isinstance(expr, cst.Name) and depth < MAX_RESOLUTION_DEPTH:
        values = list(bound_values(owner, expr))
        # A name bound only to None (REGION = None) gives nothing; a parameter or import may.
        return not values or any(value is None or gives_value(owner, value, depth + 1) for value in values)
    return True


def config_constructions(
    owner: cst.MetadataDependent, expr: cst.BaseExpression, depth: int = 0
) -> Optional[list[cst.Call]]:
    """The Config(...) calls an argument may hold, or None when any of its values is unknown here."""
    if depth > MAX_RESOLUTION_DEPTH:
        return None
    if isinstance(expr, cst.Call) and qualified_names(owner, expr.func) & CONFIG_PARAMETERS.keys():
        return [expr]
    if not isinstance(expr, cst.Name):
        return None  # Config(...).merge(...), a parameter's attribute, a factory's result
    found: list[cst.Call] = []
    for value in bound_values(owner, expr):
        nested = config_constructions(owner, value, depth + 1) if value is not None else None
        if nested is None:
            return None
        found.extend(nested)
    return found or None


def config_may_set_region(owner: cst.MetadataDependent, construction: cst.Call) -> bool:
    names = qualified_names(owner, construction.func) & CONFIG_PARAMETERS.keys()
    arguments = call_arguments(owner, construction, CONFIG_PARAMETERS[min(names)] if names else ())
    return arguments.has_unknown_spread or gives_value(owner, arguments.get("region_name"))


def session_without_region(
    owner: Rule, facts: ModuleRegionFacts, call: cst.Call, sdk_call: SdkCall
) -> Optional[tuple[str, Optional[int]]]:
    """(kind, line) of the session behind a client when it is known to carry no region, else None."""
    if facts.session_region_settings:
        return None  # some session's region is set after construction: do not guess which
    if sdk_call.on_default_session:
        if facts.default_session_replaced:
            return None
        line: Optional[int] = None
        # A default session set up after the client is made is not the one the client came from.
        for setup in (setup for setup in facts.default_session_setups if facts.flow.runs_before(owner, setup, call)):
            # setup_default_session(**kwargs) takes keywords only.
            if _session_arguments_may_give_region(owner, setup, ()):
                return None
            line = owner.line_of(setup)
        return "default", line
    session_call = sdk_call.session
    if session_call is None:
        return None  # a session handed in (self.session, a parameter): its region is not visible here
    session_model = classify_call(owner, session_call)
    if session_model is None or session_model.kind != SESSION:
        return None
    if session_model.library in ("boto3", "aioboto3"):
        if _session_arguments_may_give_region(owner, session_call, PARAMETERS[SESSION]):
            return None
        return "boto3", owner.line_of(session_call)
    # botocore and aiobotocore sessions: session_vars, profile or env_vars may all carry a region.
    if session_call.args:
        return None
    return "botocore", owner.line_of(session_call)


def _session_arguments_may_give_region(
    owner: cst.MetadataDependent, session_call: cst.Call, parameters: tuple[str, ...]
) -> bool:
    arguments = call_arguments(owner, session_call, parameters)
    return arguments.has_unknown_spread or any(
        gives_value(owner, arguments.get(name)) for name in SESSION_REGION_ARGUMENTS
    )


def may_set_session_region(owner: cst.MetadataDependent, call: cst.Call) -> bool:
    """set_config_variable('region', ...), or with a name not known here; any set_default_client_config()."""
    func = call.func
    if not isinstance(func, cst.Attribute) or func.attr.value != "set_config_variable":
        return True
    if not call.args:
        return False
    name = fold_string(owner, call.args[0].value)
    return name is None or name == "region"
