"""The region chain as data, which region sources each client of a module has, and the explanations.

Shared by CL301-CL303. A client is reported only when every link the code could fill is known to
be empty: anything credlint cannot see through (a variable region, `**kwargs`, a session handed
in, a Config from a parameter) counts as a region, because a guess would cost trust.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Optional

import libcst as cst
from libcst.metadata import PositionProvider
from libcst.metadata.base_provider import ProviderT

from credlint.analysis.bindings import BINDING_PROVIDERS, MAX_RESOLUTION_DEPTH, bound_values, qualified_names
from credlint.analysis.literals import fold_string
from credlint.analysis.sdk import (
    CLIENT,
    DEFAULT_SESSION,
    PARAMETERS,
    RESOURCE,
    SESSION,
    SESSION_METHODS,
    SdkCall,
    call_arguments,
    classify_call,
    literal_keywords,
)
from credlint.chain import ChainLink, ChainStep, Explanation
from credlint.rule import Rule
from credlint.settings import FileContext

# ref. aws-chain-reference.md section 2 (botocore Session.create_client -> _resolve_region_name):
# 1 region_name, 2 Config(region_name), 3 the session's region: Session(region_name), then
# AWS_DEFAULT_REGION, then the profile's region; otherwise none. No default region exists.
REGION_CHAIN: tuple[ChainLink, ...] = (
    ChainLink(1, "region_name", "region_name= (or 2nd positional) of client()/resource()/create_client()"),
    ChainLink(2, "Config(region_name)", "config=Config(region_name=...) given to the client"),
    ChainLink(3, "session region_name", "the session's own region: Session(region_name=...)"),
    ChainLink(4, "AWS_DEFAULT_REGION", "environment variable of the process (AWS_REGION is not read)"),
    ChainLink(5, "profile region", "region of the profile in ~/.aws/config (AWS_CONFIG_FILE)"),
)
CHAIN_NAME = "region"
STATUS_ABSENT = "absent in code"
STATUS_SET = "set in code"
STATUS_RUNTIME = "decided at runtime"

DEFAULT_REGION_VARIABLE = "AWS_DEFAULT_REGION"
# ref. aws-chain-reference.md section 2: not honoured by botocore (boto3 issue #3620), used by other SDKs.
AWS_REGION_VARIABLE = "AWS_REGION"
UNKNOWN_VARIABLE = ""  # an environment write whose variable name is not known here

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
ENVIRON = "os.environ"
# ref. unittest.mock.patch.dict(in_dict, values=(), clear=False, **kwargs): other keywords are entries.
PATCH_DICT = frozenset({"unittest.mock.patch.dict", "mock.patch.dict"})
PATCH_DICT_OPTIONS = ("values", "clear")
# ref. python-dotenv load_dotenv(): fills os.environ from a file credlint does not read here.
DOTENV_LOADERS = frozenset({"dotenv.load_dotenv", "dotenv.main.load_dotenv"})
# Methods that put one variable in the process environment: os.environ.setdefault, pytest's
# monkeypatch.setenv. (os.putenv does not update os.environ, which is what botocore reads.)
SINGLE_VARIABLE_SETTERS = ("setdefault", "setenv")
CLIENT_METHODS = (*SESSION_METHODS, "setup_default_session")
# ref. botocore session.py set_config_variable('region', ...) and set_default_client_config(Config).
SESSION_CONFIG_SETTERS = ("set_config_variable", "set_default_client_config")
# ref. the Lambda Python runtime calls `handler(event, context)`; the console's default names.
LAMBDA_HANDLER_NAMES = ("handler", "lambda_handler")
LAMBDA_HANDLER_PARAMETERS = ["event", "context"]
# A Chalice app module is deployed as a Lambda function's handler (ref. chalice app.py Chalice).
CHALICE_APPS = frozenset({"chalice.Chalice", "chalice.app.Chalice"})
# ref. botocore exceptions.py: what client creation raises when no region is found.
NO_REGION_ERROR = "botocore.exceptions.NoRegionError"


@dataclass(frozen=True)
class GlobalService:
    """A service botocore can reach with no region: where it goes, and whether a region moves it."""

    name: str
    region_name: str  # what the client's region becomes with no region anywhere
    endpoint: str
    signing_region: Optional[str]  # None: not SigV4-signed (bearer token)
    regionalized: bool  # a region found at runtime moves the client to a regional endpoint


def _global_services() -> dict[str, GlobalService]:
    # ref. aws-chain-reference.md section 2 table. Signing regions, `taxsettings` (endpoint prefix
    # "tax"), codecatalyst, notificationscontacts and which services a region moves were observed
    # with botocore 1.44.8 (`env -i`, temporary HOME, client.meta and the request signer; no request).
    services = [
        GlobalService("s3", "us-east-1 (forced)", "s3.amazonaws.com", "us-east-1", True),
        GlobalService("sts", "aws-global", "sts.amazonaws.com", "us-east-1", True),
        GlobalService("support", "aws-global", "support.us-east-1.amazonaws.com", "us-east-1", True),
        GlobalService("taxsettings", "aws-global", "tax.us-east-1.amazonaws.com", "us-east-1", False),
        GlobalService("health", "aws-global", "global.health.amazonaws.com", "us-east-1", False),
        GlobalService("networkmanager", "aws-global", "networkmanager.us-west-2.amazonaws.com", "us-west-2", False),
        GlobalService("codecatalyst", "aws-global", "codecatalyst.global.api.aws", None, False),
        GlobalService(
            "notificationscontacts", "aws-global", "notifications-contacts.us-east-1.api.aws", "us-east-1", False
        ),
    ]
    for name in ("iam", "route53", "cloudfront", "waf", "budgets", "savingsplans", "importexport"):
        services.append(GlobalService(name, "aws-global", f"{name}.amazonaws.com", "us-east-1", False))
    for name in ("organizations", "shield", "ce", "account", "billingconductor", "chime"):
        services.append(GlobalService(name, "aws-global", f"{name}.us-east-1.amazonaws.com", "us-east-1", False))
    return {service.name: service for service in services}


GLOBAL_SERVICES: dict[str, GlobalService] = _global_services()


@dataclass(frozen=True)
class EnvironmentWrite:
    """A place where the code puts a variable in its own process environment."""

    variable: str  # UNKNOWN_VARIABLE when the name is not known here
    node: cst.CSTNode  # the expression that names the variable, where findings point
    label: str  # how explanations name the write, e.g. "os.environ['AWS_REGION'] = ..."


@dataclass
class ModuleRegionFacts:
    """What one module does that can give its clients a region, collected in one visit."""

    clients: list[tuple[cst.Call, SdkCall]] = field(default_factory=list)
    default_session_setups: list[cst.Call] = field(default_factory=list)
    session_region_settings: list[cst.Call] = field(default_factory=list)  # some session's region set late
    default_session_replaced: bool = False  # boto3.DEFAULT_SESSION = ...
    environment_writes: list[EnvironmentWrite] = field(default_factory=list)
    environment_loads: list[cst.Call] = field(default_factory=list)  # load_dotenv(): unknown variables
    lambda_entry: Optional[tuple[str, cst.CSTNode]] = None  # how it is named, and where
    # Bodies of `try` statements that catch NoRegionError: there the code expects no region.
    guarded_bodies: list[cst.BaseSuite] = field(default_factory=list)

    def writes_of(self, variable: str) -> list[EnvironmentWrite]:
        return [write for write in self.environment_writes if write.variable == variable]

    @property
    def may_set_default_region(self) -> bool:
        """Whether the code may put AWS_DEFAULT_REGION (link 4) in its environment itself."""
        written = self.writes_of(DEFAULT_REGION_VARIABLE) or self.writes_of(UNKNOWN_VARIABLE)
        return bool(written or self.environment_loads)


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

    @property
    def global_service(self) -> Optional[GlobalService]:
        return GLOBAL_SERVICES.get(self.service)


@dataclass(frozen=True)
class RegionFromEnvironment:
    """Why AWS_DEFAULT_REGION (link 4) is known to be provided where the module runs."""

    kind: str  # "lambda", "setting" or "declared"
    where: str  # e.g. "Lambda handler handler() at line 3", "Dockerfile:4"


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


def lambda_entry_point(owner: cst.MetadataDependent, module: cst.Module) -> Optional[tuple[str, cst.CSTNode]]:
    """What makes a module a Lambda function's code: a module-level function named like a handler
    or taking (event, context), or a Chalice app."""
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef):
            parameters = [param.name.value.lstrip("_") for param in statement.params.params]
            if statement.name.value in LAMBDA_HANDLER_NAMES or parameters == LAMBDA_HANDLER_PARAMETERS:
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
    owner: Rule, facts: ModuleRegionFacts, call: cst.Call, sdk_call: SdkCall
) -> Optional[ClientWithoutRegion]:
    """The client with its empty links when links 1-3 are all known to be empty, else None."""
    if sdk_call.service is None:
        return None  # a service named by a variable: regional or global cannot be told
    arguments = call_arguments(owner, call, sdk_call.parameters)
    if arguments.has_unknown_spread or gives_value(owner, arguments.get("region_name")):
        return None
    config_line: Optional[int] = None
    config = arguments.get("config")
    if config is not None and gives_value(owner, config):
        constructions = config_constructions(owner, config)
        if constructions is None or any(config_may_set_region(owner, c) for c in constructions):
            return None
        config_line = owner.line_of(constructions[0])
    session = session_without_region(owner, facts, sdk_call)
    if session is None:
        return None
    session_kind, session_line = session
    custom_endpoint = gives_value(owner, arguments.get("endpoint_url"))
    return ClientWithoutRegion(
        call, sdk_call, sdk_call.service, owner.line_of(call), config_line, custom_endpoint, session_kind, session_line
    )


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
    owner: Rule, facts: ModuleRegionFacts, sdk_call: SdkCall
) -> Optional[tuple[str, Optional[int]]]:
    """(kind, line) of the session behind a client when it is known to carry no region, else None."""
    if facts.session_region_settings:
        return None  # some session's region is set after construction: do not guess which
    if sdk_call.on_default_session:
        if facts.default_session_replaced:
            return None
        line: Optional[int] = None
        for setup in facts.default_session_setups:
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


def environ_item_write(owner: cst.MetadataDependent, target: cst.BaseExpression) -> Optional[EnvironmentWrite]:
    """`os.environ[NAME] = ...` as a write of NAME."""
    if not isinstance(target, cst.Subscript) or ENVIRON not in qualified_names(owner, target.value):
        return None
    if len(target.slice) != 1 or not isinstance(target.slice[0].slice, cst.Index):
        return None
    variable = fold_string(owner, target.slice[0].slice.value)
    if variable is None:
        return EnvironmentWrite(UNKNOWN_VARIABLE, target, "os.environ[...] = ...")
    return EnvironmentWrite(variable, target, f"os.environ[{variable!r}] = ...")


def environment_writes_in_call(owner: cst.MetadataDependent, call: cst.Call) -> list[EnvironmentWrite]:
    """Variables a call puts in the process environment: setdefault, setenv, update, patch.dict."""
    func = call.func
    if not isinstance(func, cst.Attribute):
        return []
    method = func.attr.value
    callee = cst.helpers.get_full_name_for_node(func) or method
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    if method == "setenv" or (method == "setdefault" and ENVIRON in qualified_names(owner, func.value)):
        return [_named_write(owner, positional[0].value, callee)] if positional else []
    if method == "update" and ENVIRON in qualified_names(owner, func.value):
        return _mapping_writes(owner, call.args, callee, ())
    patches_environ = positional and method == "dict" and _names_environ(owner, positional[0].value)
    if patches_environ and qualified_names(owner, func) & PATCH_DICT:
        return _mapping_writes(owner, call.args[1:], callee, PATCH_DICT_OPTIONS)
    return []


def _names_environ(owner: cst.MetadataDependent, expr: cst.BaseExpression) -> bool:
    """os.environ itself, or the "os.environ" string that patch.dict also accepts."""
    return ENVIRON in qualified_names(owner, expr) or fold_string(owner, expr) == ENVIRON


def _named_write(owner: cst.MetadataDependent, name: cst.BaseExpression, callee: str) -> EnvironmentWrite:
    variable = fold_string(owner, name)
    if variable is None:
        return EnvironmentWrite(UNKNOWN_VARIABLE, name, f"{callee}(...)")
    return EnvironmentWrite(variable, name, f"{callee}({variable!r}, ...)")


def _mapping_writes(
    owner: cst.MetadataDependent, args: Sequence[cst.Arg], callee: str, options: tuple[str, ...]
) -> list[EnvironmentWrite]:
    """Keywords and dict entries given to update()/patch.dict(); a mapping not known here is an
    unknown write."""
    writes: list[EnvironmentWrite] = []
    for arg in args:
        keyword = arg.keyword.value if arg.keyword is not None else None
        if keyword is not None and keyword not in options:
            writes.append(EnvironmentWrite(keyword, arg, f"{callee}({keyword}=...)"))
        elif keyword is None or keyword == "values":
            entries = literal_keywords(owner, arg.value)
            if entries is None:
                writes.append(EnvironmentWrite(UNKNOWN_VARIABLE, arg, f"{callee}(...)"))
                continue
            for variable in entries:
                node = _dict_key(owner, arg.value, variable) or arg
                writes.append(EnvironmentWrite(variable, node, f"{callee}({{{variable!r}: ...}})"))
    return writes


def _dict_key(owner: cst.MetadataDependent, mapping: cst.BaseExpression, variable: str) -> Optional[cst.CSTNode]:
    """The key as written in a dict literal, so that a finding points at the entry."""
    if not isinstance(mapping, cst.Dict):
        return None
    for element in mapping.elements:
        if isinstance(element, cst.DictElement) and fold_string(owner, element.key) == variable:
            return element.key
    return None


# --- Explanations -------------------------------------------------------------------------------

# ref. aws-chain-reference.md section 2: regional services raise NoRegionError at client creation
# (observed with botocore 1.44.8, also with endpoint_url); the us-east-1 belief is wrong for them.
_NO_REGION_OUTCOME = (
    "botocore resolves the region when the client is created, and {service} has no partition-wide "
    "endpoint: where neither AWS_DEFAULT_REGION nor the profile's region is set (a CI runner, a "
    "container or cron job with a clean environment, a new laptop), creating the client raises "
    "NoRegionError ('You must specify a region.'), even with endpoint_url. There is no default "
    "region: the belief that the SDK falls back to us-east-1 holds only for S3 and the global "
    "services. Where one is set, the client follows that machine's choice, so the same code reaches "
    "different regions on different machines."
)
_ENVIRONMENT_PREFIXES = {
    # ref. aws-chain-reference.md sections 2 and 7: Lambda sets AWS_REGION and AWS_DEFAULT_REGION.
    "lambda": (
        "This module is a Lambda function's code ({where}): the Lambda runtime sets AWS_DEFAULT_REGION "
        "(and AWS_REGION) to the function's region, so in Lambda link 4 answers and the client uses "
        "the function's region. Imported anywhere else (tests, scripts, a container): "
    ),
    "setting": (
        "The project states with {where} that every process it runs gets AWS_DEFAULT_REGION: where "
        "that holds, link 4 answers. Where it does not (a test run, a script, another deployment): "
    ),
    "declared": (
        "The project sets AWS_DEFAULT_REGION in {where}: where the code runs with that configuration, "
        "link 4 answers. Run any other way (tests, scripts, another image or workflow): "
    ),
}
_IGNORED_AWS_REGION = (
    " AWS_REGION, which this code sets at line {lines}, is not read by botocore for a client's region "
    "(other AWS SDKs read it)."
)
_MISSING_REGION_FIX = (
    "Pass region_name='<region>' where the client is created (or config=Config(region_name=...)), "
    "or create it from boto3.Session(region_name=...). To take the region from the environment on "
    "purpose, set AWS_DEFAULT_REGION (not AWS_REGION) wherever the code runs and say so with "
    '[tool.credlint] region-from = "environment".'
)
_ENVIRONMENT_FIX = (
    "Nothing breaks where AWS_DEFAULT_REGION is provided. To make the module safe to import "
    "elsewhere, pass region_name= (for example os.environ['AWS_DEFAULT_REGION'], which fails "
    "clearly when it is missing)."
)
_GLOBAL_OUTCOME = (
    "botocore resolves the region when the client is created. Where neither AWS_DEFAULT_REGION nor "
    "the profile's region is set, it does not fail: {service} has a partition endpoint, so the "
    "client's region becomes {region_name} and requests go to {endpoint}."
)
_REGIONALIZED = (
    " Where a region is set, the client uses that region's endpoint instead: the endpoint depends on the machine."
)
# ref. aws-chain-reference.md section 2: non-regionalized services use the global endpoint even
# with a region; the partition change was observed with region_name='cn-north-1' for iam.
_NOT_REGIONALIZED = (
    " {service} is not regionalized: a region found at runtime does not change the endpoint, it only "
    "selects the partition (a China or GovCloud region moves the client to that partition's global "
    "endpoint)."
)
# ref. botocore 1.44.8 utils.py S3RegionRedirectorv2 (redirect_from_error, get_bucket_region,
# redirect_from_cache), registered on the client's 'needs-retry.s3' event: requests sent only.
_S3_REDIRECTS = (
    " A bucket in another region is reached by a detour: the request goes to s3.amazonaws.com "
    "signed for us-east-1, S3 answers with an error (301 PermanentRedirect, 400 "
    "AuthorizationHeaderMalformed, or a bare 400/301 to HEAD), botocore reads the bucket's region "
    "from the x-amz-bucket-region header (or the error body, or an extra HeadBucket call), "
    "re-resolves the endpoint and sends the request again: an extra round trip per bucket for every "
    "new client, since the region is cached inside the client only. Presigned URLs are built without "
    "a request, so no redirect ever happens for them: they stay signed for us-east-1 whatever the "
    "bucket's region."
)
# ref. aws-chain-reference.md section 2: STS regional endpoints are the default since botocore 1.40.0.
_STS_ENDPOINTS = (
    " sts_regional_endpoints (AWS_STS_REGIONAL_ENDPOINTS) defaults to 'regional' since botocore "
    "1.40.0: with a region STS uses sts.<region>.amazonaws.com, with none the global sts.amazonaws.com."
)
_SERVICE_NOTES = {"s3": _S3_REDIRECTS, "sts": _STS_ENDPOINTS}
_GLOBAL_FIXES = {
    "s3": (
        "Pass region_name= the bucket's region (one client per region when buckets live in several): "
        "requests then go straight to the bucket's regional endpoint and presigned URLs are signed "
        "for the right region."
    ),
    "sts": (
        "Pass region_name= (usually the region the code runs in) to use the regional STS endpoint, "
        "as botocore does whenever it finds a region."
    ),
}
_GLOBAL_FIX = (
    "Pass region_name='{region}' to make the endpoint explicit and independent of each machine's "
    "settings; in the aws partition it stays {endpoint}."
)
_AWS_REGION_ONLY_OUTCOME = (
    "botocore's region chain is region_name, Config(region_name), then the session's region: "
    "Session(region_name), AWS_DEFAULT_REGION, the profile's region. AWS_REGION is not part of it "
    "(botocore 1.44.8; boto3 issue #3620), though other AWS SDKs read it, which is why this write "
    "looks right. Where neither AWS_DEFAULT_REGION nor a profile region is set, {consequences}."
)
_AWS_REGION_IN_ENVIRONMENT = {
    "lambda": (
        " In Lambda ({where}) the runtime sets AWS_DEFAULT_REGION to the function's region: this write "
        "does not change the region botocore uses, so the clients stay in the function's region "
        "whatever value is written here."
    ),
    "setting": " Where AWS_DEFAULT_REGION is provided ({where}), it wins: the value written here is not used.",
    "declared": " Where the project's AWS_DEFAULT_REGION applies ({where}), it wins: the value written is not used.",
}
_AWS_REGION_ONLY_FIX = (
    "Set AWS_DEFAULT_REGION instead of (or as well as) AWS_REGION, or better pass region_name= to "
    "each client or build them from boto3.Session(region_name=...)."
)
_SESSION_READS = {
    "default": "boto3's default session: setup_default_session(region_name=...)",
    "boto3": "the session it comes from: boto3.Session(region_name=...)",
    "botocore": "the botocore session: set_config_variable('region', ...)",
}


def region_steps(
    owner: Rule,
    client: Optional[ClientWithoutRegion],
    environment: Optional[RegionFromEnvironment],
    aws_region_writes: Sequence[EnvironmentWrite],
) -> tuple[ChainStep, ...]:
    """The five links, each absent in code or decided at runtime, and any AWS_REGION write beside them."""
    argument, config, session, variable, profile = REGION_CHAIN
    config_reads, config_line = config.reads, None
    session_reads, session_line = session.reads, None
    if client is not None:
        session_reads, session_line = _SESSION_READS[client.session_kind], client.session_line
        if client.config_line is not None:
            config_reads, config_line = "config= is given, but that Config has no region_name", client.config_line
    variable_reads = variable.reads if environment is None else f"{variable.reads}; provided: {environment.where}"
    steps = [
        ChainStep(str(argument.position), argument.method, argument.reads, STATUS_ABSENT),
        ChainStep(str(config.position), config.method, config_reads, STATUS_ABSENT, config_line),
        ChainStep(str(session.position), session.method, session_reads, STATUS_ABSENT, session_line),
        ChainStep(str(variable.position), variable.method, variable_reads, STATUS_RUNTIME),
    ]
    steps.extend(
        ChainStep("-", AWS_REGION_VARIABLE, "not a link: botocore never reads it", STATUS_SET, owner.line_of(w.node))
        for w in aws_region_writes
    )
    steps.append(ChainStep(str(profile.position), profile.method, profile.reads, STATUS_RUNTIME))
    return tuple(steps)


def _summary(client: ClientWithoutRegion) -> str:
    config = (
        f"the Config it is given (line {client.config_line}) has no region_name"
        if client.config_line is not None
        else "no Config(region_name=...)"
    )
    if client.session_kind != "default":
        session = f"the session it comes from (line {client.session_line}) has none"
    elif client.session_line is not None:
        session = f"boto3's default session has none (setup_default_session at line {client.session_line} sets none)"
    else:
        session = "boto3's default session has none"
    return (
        f"{client.sdk_call.label} (line {client.line}) is created with no region in code: no "
        f"region_name argument, {config}, {session}, and the code does not set AWS_DEFAULT_REGION. "
        "The region is left to links 4 and 5, decided by whatever machine runs it."
    )


def _ignored_aws_region(owner: Rule, aws_region_writes: Sequence[EnvironmentWrite]) -> str:
    if not aws_region_writes:
        return ""
    return _IGNORED_AWS_REGION.format(lines=", ".join(str(owner.line_of(w.node)) for w in aws_region_writes))


def missing_region_explanation(
    owner: Rule,
    client: ClientWithoutRegion,
    environment: Optional[RegionFromEnvironment],
    aws_region_writes: Sequence[EnvironmentWrite],
) -> Explanation:
    """CL301: a regional client that raises NoRegionError wherever links 4 and 5 are empty."""
    outcome = _NO_REGION_OUTCOME.format(service=client.service)
    if environment is not None:
        outcome = _ENVIRONMENT_PREFIXES[environment.kind].format(where=environment.where) + outcome
    return Explanation(
        chain=CHAIN_NAME,
        summary=_summary(client),
        steps=region_steps(owner, client, environment, aws_region_writes),
        runtime=outcome + _ignored_aws_region(owner, aws_region_writes),
        fix=_MISSING_REGION_FIX if environment is None else _ENVIRONMENT_FIX,
    )


def global_endpoint_phrase(service: GlobalService) -> str:
    signing = f", signed for {service.signing_region}" if service.signing_region else ""
    return f"https://{service.endpoint}{signing}"


def global_service_explanation(
    owner: Rule, client: ClientWithoutRegion, service: GlobalService, aws_region_writes: Sequence[EnvironmentWrite]
) -> Explanation:
    """CL302: a global-service client that falls back to its partition endpoint, and what that means."""
    outcome = _GLOBAL_OUTCOME.format(
        service=service.name, region_name=service.region_name, endpoint=global_endpoint_phrase(service)
    )
    outcome += _REGIONALIZED if service.regionalized else _NOT_REGIONALIZED.format(service=service.name)
    outcome += _SERVICE_NOTES.get(service.name, "")
    fix = _GLOBAL_FIXES.get(service.name) or _GLOBAL_FIX.format(
        region=service.signing_region or "us-east-1", endpoint=service.endpoint
    )
    return Explanation(
        chain=CHAIN_NAME,
        summary=_summary(client),
        steps=region_steps(owner, client, None, aws_region_writes),
        runtime=outcome + _ignored_aws_region(owner, aws_region_writes),
        fix=fix,
    )


def aws_region_only_explanation(
    owner: Rule,
    write: EnvironmentWrite,
    clients: Sequence[ClientWithoutRegion],
    environment: Optional[RegionFromEnvironment],
) -> Explanation:
    """CL303: AWS_REGION written, AWS_DEFAULT_REGION not, and clients that still have no region."""
    regional = sorted({client.service for client in clients if client.global_service is None})
    global_ones = sorted({client.service for client in clients if client.global_service is not None})
    consequences = []
    if regional:
        consequences.append(f"the regional clients ({', '.join(regional)}) raise NoRegionError when created")
    if global_ones:
        consequences.append(f"the global ones ({', '.join(global_ones)}) fall back to their global endpoint")
    outcome = _AWS_REGION_ONLY_OUTCOME.format(consequences=" and ".join(consequences))
    if environment is not None:
        outcome += _AWS_REGION_IN_ENVIRONMENT[environment.kind].format(where=environment.where)
    listed = ", ".join(f"{client.sdk_call.label} line {client.line}" for client in clients)
    summary = (
        f"{write.label} (line {owner.line_of(write.node)}) sets AWS_REGION, which botocore does not read "
        "for a client's region, and the code never sets AWS_DEFAULT_REGION: the clients created here "
        f"without a region ({listed}) still depend on AWS_DEFAULT_REGION (link 4) and the profile's "
        "region (link 5)."
    )
    return Explanation(
        chain=CHAIN_NAME,
        summary=summary,
        steps=region_steps(owner, None, environment, [write]),
        runtime=outcome,
        fix=_AWS_REGION_ONLY_FIX,
    )
