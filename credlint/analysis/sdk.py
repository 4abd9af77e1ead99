"""The SDK call model: which calls build AWS clients, resources, sessions and credentials.

Recognised through LibCST's qualified names, so aliases (`import boto3 as b3`,
`from boto3 import client`) and sessions held in variables all resolve to one model.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Optional

import libcst as cst

from credlint.analysis.bindings import MAX_RESOLUTION_DEPTH, qualified_names, scope_of, single_bound_value
from credlint.analysis.literals import fold_string, string_pieces

CLIENT = "client"
RESOURCE = "resource"
SESSION = "session"
DEFAULT_SESSION = "default-session"
CREDENTIALS = "credentials"
SET_CREDENTIALS = "set-credentials"

SDK_LIBRARIES = ("boto3", "botocore", "aioboto3", "aiobotocore")

# Calls that build a session, by qualified name: (library, kind).
SESSION_FACTORIES: Mapping[str, tuple[str, str]] = {
    "boto3.Session": ("boto3", SESSION),
    "boto3.session.Session": ("boto3", SESSION),
    "boto3.setup_default_session": ("boto3", DEFAULT_SESSION),
    "aioboto3.Session": ("aioboto3", SESSION),
    "aioboto3.session.Session": ("aioboto3", SESSION),
    "botocore.session.Session": ("botocore", SESSION),
    "botocore.session.get_session": ("botocore", SESSION),
    "aiobotocore.session.AioSession": ("aiobotocore", SESSION),
    "aiobotocore.session.get_session": ("aiobotocore", SESSION),
}
# Module-level shortcuts that build a client on boto3's default session.
CLIENT_FACTORIES: Mapping[str, tuple[str, str]] = {
    "boto3.client": ("boto3", CLIENT),
    "boto3.resource": ("boto3", RESOURCE),
}
CREDENTIAL_CLASSES: Mapping[str, str] = {
    "botocore.credentials.Credentials": "botocore",
    "botocore.credentials.ReadOnlyCredentials": "botocore",
    "aiobotocore.credentials.AioCredentials": "aiobotocore",
}
SESSION_METHODS: Mapping[str, str] = {"client": CLIENT, "resource": RESOURCE, "create_client": CLIENT}

# Parameter order of each kind of call, for reading positional arguments.
# ref. boto3 session.py Session.__init__/client/resource, botocore session.py create_client,
# botocore credentials.py Credentials.__init__, Session.set_credentials.
CLIENT_PARAMETERS = (
    "service_name",
    "region_name",
    "api_version",
    "use_ssl",
    "verify",
    "endpoint_url",
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "config",
    "aws_account_id",
)
PARAMETERS: Mapping[str, tuple[str, ...]] = {
    CLIENT: CLIENT_PARAMETERS,
    RESOURCE: CLIENT_PARAMETERS,
    SESSION: (
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
        "region_name",
        "botocore_session",
        "profile_name",
        "aws_account_id",
    ),
    DEFAULT_SESSION: (),
    CREDENTIALS: ("access_key", "secret_key", "token", "method", "account_id"),
    SET_CREDENTIALS: ("access_key", "secret_key", "token", "account_id"),
}
BOTOCORE_SESSION_PARAMETERS = ("session_vars", "event_hooks", "include_builtin_handlers", "profile")


@dataclass(frozen=True)
class SdkCall:
    """A call that builds something of the SDK, with what is known of it."""

    kind: str
    library: str
    label: str  # how explanations name it, e.g. "boto3.client('s3')"
    service: Optional[str] = None
    session: Optional[cst.Call] = None  # the session construction a client comes from, when known
    on_default_session: bool = False  # boto3.client()/resource(): built on boto3's module-level session

    def with_service(self, service: str) -> SdkCall:
        """The same call, its service known from elsewhere: another module's constant."""
        return replace(self, service=service, label=_label(self.label.rpartition("(")[0], service))

    @property
    def parameters(self) -> tuple[str, ...]:
        if self.kind == SESSION and self.library in ("botocore", "aiobotocore"):
            return BOTOCORE_SESSION_PARAMETERS
        return PARAMETERS[self.kind]


@dataclass(frozen=True)
class CallArguments:
    """A call's arguments by parameter name, with **kwargs from literal dicts spread in."""

    values: Mapping[str, cst.BaseExpression]
    has_unknown_spread: bool  # *args or **kwargs whose content is not known here

    def get(self, name: str) -> Optional[cst.BaseExpression]:
        return self.values.get(name)


def call_arguments(owner: cst.MetadataDependent, call: cst.Call, parameters: tuple[str, ...]) -> CallArguments:
    values: dict[str, cst.BaseExpression] = {}
    unknown = False
    position = 0
    for arg in call.args:
        if arg.star == "*":
            unknown = True
        elif arg.star == "**":
            spread = literal_keywords(owner, arg.value)
            if spread is None:
                unknown = True
            else:
                values.update(spread)
        elif arg.keyword is not None:
            values[arg.keyword.value] = arg.value
        else:
            if position < len(parameters):
                values[parameters[position]] = arg.value
            position += 1
    return CallArguments(values, unknown)


def literal_keywords(
    owner: cst.MetadataDependent, expr: cst.BaseExpression, depth: int = 0
) -> Optional[dict[str, cst.BaseExpression]]:
    """The keys and values of a dict written in this module: `{...}`, `dict(...)`, or a name of one."""
    if depth > MAX_RESOLUTION_DEPTH:
        return None
    if isinstance(expr, cst.Name):
        scope = scope_of(owner, expr)
        if scope is not None and expr.value in scope.module.changed_in_place:
            return None  # `kw = {}; kw["region_name"] = region`: the literal is not all it holds
        value = single_bound_value(owner, expr)
        return literal_keywords(owner, value, depth + 1) if value is not None else None
    if isinstance(expr, cst.Dict):
        entries: dict[str, cst.BaseExpression] = {}
        for element in expr.elements:
            if not isinstance(element, cst.DictElement):
                nested = literal_keywords(owner, element.value, depth + 1)
                if nested is None:
                    return None
                entries.update(nested)
                continue
            key = fold_string(owner, element.key)
            if key is None:
                return None
            entries[key] = element.value
        return entries
    if isinstance(expr, cst.Call) and qualified_names(owner, expr.func) & {"builtins.dict", "dict"}:
        entries = {}
        for arg in expr.args:
            if arg.keyword is None:
                return None
            entries[arg.keyword.value] = arg.value
        return entries
    return None


def classify_call(owner: cst.MetadataDependent, call: cst.Call, depth: int = 0) -> Optional[SdkCall]:
    """What an SDK call builds, or None for any other call.

    Computed on demand rather than by a metadata provider: a provider costs a whole traversal
    of the tree, and only calls that carry credentials or regions are ever asked about.
    Needs BINDING_PROVIDERS declared by owner.
    """
    if depth > MAX_RESOLUTION_DEPTH:
        return None
    names = qualified_names(owner, call.func)
    for name in sorted(names):
        if name in CLIENT_FACTORIES:
            library, kind = CLIENT_FACTORIES[name]
            service = _service_name(owner, call)
            return SdkCall(kind, library, _label(name, service), service, on_default_session=True)
        if name in SESSION_FACTORIES:
            library, kind = SESSION_FACTORIES[name]
            return SdkCall(kind, library, f"{name}(...)")
        if name in CREDENTIAL_CLASSES:
            return SdkCall(CREDENTIALS, CREDENTIAL_CLASSES[name], f"{name}(...)")
    func = call.func
    if not isinstance(func, cst.Attribute):
        return None
    method = func.attr.value
    if method == "set_credentials":
        session = _session_behind(owner, func.value, depth)
        library = session[1].library if session else "botocore"
        return SdkCall(SET_CREDENTIALS, library, "session.set_credentials(...)")
    if method not in SESSION_METHODS:
        return None
    kind = SESSION_METHODS[method]
    service = _service_name(owner, call)
    session = _session_behind(owner, func.value, depth)
    if session is None:
        # A session made elsewhere and handed in (self.session, a parameter): recognised by name,
        # as in the aws-doc-sdk-examples style of code; what it was built with is unknown here.
        receiver = cst.helpers.get_full_name_for_node(func.value) or ""
        if "session" not in receiver.lower() or service is None:
            return None
        return SdkCall(kind, "boto3", _label(f"{receiver}.{method}", service), service)
    session_call, session_model = session
    return SdkCall(kind, session_model.library, _label(f"session.{method}", service), service, session_call)


def _session_behind(
    owner: cst.MetadataDependent, receiver: cst.BaseExpression, depth: int
) -> Optional[tuple[cst.Call, SdkCall]]:
    """The session construction that a method's receiver holds: `Session().client`, `s.client`."""
    if isinstance(receiver, cst.Name):
        value = single_bound_value(owner, receiver)
        receiver = value if value is not None else receiver
    if isinstance(receiver, cst.Await):
        receiver = receiver.expression
    if not isinstance(receiver, cst.Call):
        return None
    model = classify_call(owner, receiver, depth + 1)
    if model is None or model.kind != SESSION:
        return None
    return receiver, model


def _service_name(owner: cst.MetadataDependent, call: cst.Call) -> Optional[str]:
    arguments = call_arguments(owner, call, ("service_name",))
    service = arguments.get("service_name")
    return fold_string(owner, service) if service is not None else None


def _label(callee: str, service: Optional[str]) -> str:
    return f"{callee}({service!r})" if service else f"{callee}(...)"


# AWS's own endpoint domains (`s3.eu-west-1.amazonaws.com`, `*.api.aws`); any other endpoint_url is
# another store or a local stand-in (MinIO, Ceph, LocalStack).
AWS_ENDPOINT_DOMAIN = re.compile(r"\.amazonaws\.com(?:\.cn)?(?![\w.-])|\.api\.aws(?![\w.-])")


def names_aws_endpoint(owner: cst.MetadataDependent, endpoint: cst.BaseExpression) -> bool:
    """An endpoint_url that is AWS's own: None (botocore's default), or text written with an AWS
    domain (`f"https://s3.{region}.amazonaws.com"`)."""
    if isinstance(endpoint, cst.Name) and endpoint.value == "None":
        return True
    return any(piece.text and AWS_ENDPOINT_DOMAIN.search(piece.text) for piece in string_pieces(owner, endpoint) or [])
