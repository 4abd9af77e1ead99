"""Which AWS credentials an expression carries, and where they come from: the credentials a
session's provider chain resolved, the variables botocore's env provider reads, or the temporary
credentials STS (or SSO, or Cognito) issued.

A value carries credentials through names (when every value the name is given carries them, or is
None), f-strings, `%` and `str.format`, `+`, `str()`, `repr()`, `json.dumps()`, `.strip()`,
containers, `x or y` and `x if c else y`. Anything else (a slice, `len()`, a comparison, a call
of unknown code) is taken to hide them: a masked prefix is not a credential.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Optional, TypeVar

import libcst as cst

from credlint.analysis.bindings import MAX_RESOLUTION_DEPTH, bindings_of, imported_names, single_bound_value
from credlint.analysis.literals import fold_string
from credlint.analysis.name_scopes import Binding
from credlint.analysis.sdk import CLIENT, DEFAULT_SESSION, SESSION, classify_call
from credlint.chain import ACCESS_KEY_ID, CREDENTIAL_VARIABLES, SECRET_ACCESS_KEY, SESSION_TOKEN
from credlint.checks.exposure.sinks import written

WHOLE = "whole"  # every part at once: a frozen credentials tuple, an STS Credentials dict or response
CHAIN, ENVIRONMENT, ISSUED = "chain", "environment", "issued"
MAX_DEPTH = 2 * MAX_RESOLUTION_DEPTH
Found = TypeVar("Found")

# ref. botocore credentials.py: Credentials and ReadOnlyCredentials(access_key, secret_key, token,
# account_id). Credentials defines no __repr__, so printing the object itself shows no secret.
CREDENTIAL_ATTRIBUTES = {"access_key": ACCESS_KEY_ID, "secret_key": SECRET_ACCESS_KEY, "token": SESSION_TOKEN}
FROZEN_POSITIONS = (ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN)
ENV_GETTERS = frozenset({"os.getenv", "os.environ.get"})
ENVIRON = frozenset({"os.environ"})
BOTO3_DEFAULT_SESSION = frozenset({"boto3._get_default_session"})
# Calls whose result shows their first argument's text whole.
SHOWING_FUNCTIONS = frozenset(
    {
        "builtins.str",
        "builtins.repr",
        "builtins.dict",
        "builtins.list",
        "builtins.tuple",
        "json.dumps",
        "pprint.pformat",
    }
)
SHOWING_METHODS = frozenset({"strip", "lstrip", "rstrip", "encode", "decode", "copy", "items", "values"})
# The whole environment shown at once: every credential variable in it, whatever it holds.
WHOLE_ENVIRONMENT = "os.environ"
# ref. Python docs, printf-style String Formatting: %[(key)][flags][width][.precision]type. A
# precision on %s, %r or %a writes only that many characters: `"%.4s" % key` is a prefix.
PERCENT_CONVERSION = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?P<precision>\.(?:\*|\d*))?(?P<type>[a-zA-Z%])")
# ref. Python docs, Format String Syntax: a precision in a replacement field, `{:.4}`, `{0:.4s}`.
TRUNCATING_FIELD = re.compile(r"\{[^{}]*:[^{}]*\.\d+[^{}]*\}")


@dataclass(frozen=True)
class Issuer:
    """An API call that returns temporary credentials, and the shape of its response."""

    service: str
    operation: str
    container: str  # the response key that holds the credentials
    fields: Mapping[str, str]  # key in that dict -> credential part
    client_name: re.Pattern[str]  # how a client of the service is named by habit: `sts`, `self.sts_client`
    long_term: bool = False  # an IAM user's access key, valid until deleted, not temporary credentials


_STS_FIELDS = {"AccessKeyId": ACCESS_KEY_ID, "SecretAccessKey": SECRET_ACCESS_KEY, "SessionToken": SESSION_TOKEN}
_STS = re.compile(r"(?<![a-z])sts(?![a-z])", re.IGNORECASE)
# ref. botocore 1.44.18 data/sts/2011-06-15/service-2.json (Credentials), data/sso/2019-06-10
# (roleCredentials), data/cognito-identity/2014-06-30 (Credentials, SecretKey), data/iam/2010-05-08
# (AccessKey): every output member holding a secret key.
ISSUERS: Mapping[str, Issuer] = {
    "assume_role": Issuer("sts", "AssumeRole", "Credentials", _STS_FIELDS, _STS),
    "assume_role_with_saml": Issuer("sts", "AssumeRoleWithSAML", "Credentials", _STS_FIELDS, _STS),
    "assume_role_with_web_identity": Issuer("sts", "AssumeRoleWithWebIdentity", "Credentials", _STS_FIELDS, _STS),
    "assume_root": Issuer("sts", "AssumeRoot", "Credentials", _STS_FIELDS, _STS),
    "get_session_token": Issuer("sts", "GetSessionToken", "Credentials", _STS_FIELDS, _STS),
    "get_federation_token": Issuer("sts", "GetFederationToken", "Credentials", _STS_FIELDS, _STS),
    "get_delegated_access_token": Issuer("sts", "GetDelegatedAccessToken", "Credentials", _STS_FIELDS, _STS),
    "get_scoped_credentials": Issuer("sts", "GetScopedCredentials", "Credentials", _STS_FIELDS, _STS),
    "get_role_credentials": Issuer(
        "sso",
        "GetRoleCredentials",
        "roleCredentials",
        {"accessKeyId": ACCESS_KEY_ID, "secretAccessKey": SECRET_ACCESS_KEY, "sessionToken": SESSION_TOKEN},
        re.compile(r"(?<![a-z])sso(?![a-z])", re.IGNORECASE),
    ),
    # ref. botocore data/iam/2010-05-08 (CreateAccessKey: AccessKey.AccessKeyId, SecretAccessKey): the
    # only time IAM returns a user's secret access key.
    "create_access_key": Issuer(
        "iam",
        "CreateAccessKey",
        "AccessKey",
        {"AccessKeyId": ACCESS_KEY_ID, "SecretAccessKey": SECRET_ACCESS_KEY},
        re.compile(r"(?<![a-z])iam(?![a-z])", re.IGNORECASE),
        long_term=True,
    ),
    "get_credentials_for_identity": Issuer(
        "cognito-identity",
        "GetCredentialsForIdentity",
        "Credentials",
        {"AccessKeyId": ACCESS_KEY_ID, "SecretKey": SECRET_ACCESS_KEY, "SessionToken": SESSION_TOKEN},
        re.compile(r"cognito", re.IGNORECASE),
    ),
}


@dataclass(frozen=True)
class Origin:
    """Where logged credentials come from."""

    kind: str  # CHAIN, ENVIRONMENT or ISSUED
    label: str  # "session.get_credentials()", "AWS_SECRET_ACCESS_KEY", "sts.assume_role(...)"
    issuer: Optional[Issuer] = None


@dataclass(frozen=True)
class Leak:
    """One part of a credential (or all of it) that an expression carries."""

    part: str  # ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN or WHOLE
    origin: Origin


@dataclass(frozen=True)
class CredentialsObject:
    """A botocore Credentials object, or the ReadOnlyCredentials tuple get_frozen_credentials() gives."""

    origin: Origin
    frozen: bool  # a namedtuple, whose repr shows every part


def truncated_arguments(text: Optional[str]) -> frozenset[int]:
    """The positions of the arguments a %-format writes only a prefix of."""
    if text is None:
        return frozenset()
    conversions = [match for match in PERCENT_CONVERSION.finditer(text) if match["type"] != "%"]
    return frozenset(
        position
        for position, match in enumerate(conversions)
        if match["precision"] is not None and match["type"] in "sra"
    )


def truncates(text: Optional[str]) -> bool:
    """A str.format template with a precision: which argument it cuts is not worth working out."""
    return text is not None and TRUNCATING_FIELD.search(text) is not None


def _unwrapped(expr: cst.BaseExpression) -> cst.BaseExpression:
    return expr.expression if isinstance(expr, cst.Await) else expr


def _is_none(value: Optional[cst.BaseExpression]) -> bool:
    return isinstance(value, cst.Name) and value.value == "None"


def _single_key(node: cst.Subscript) -> Optional[cst.BaseExpression]:
    if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
        return None
    return node.slice[0].slice.value


def _first_argument(call: cst.Call, keyword: str) -> Optional[cst.BaseExpression]:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    first = call.args[0] if call.args else None
    return first.value if first is not None and first.keyword is None and not first.star else None


class CredentialValues:
    """Answers, for one module, which credentials expressions carry. Needs BINDING_PROVIDERS
    declared by owner. `unpacked` maps names bound by unpacking frozen credentials
    (`key, secret, token = creds.get_frozen_credentials()`) to the part each takes."""

    def __init__(self, owner: cst.MetadataDependent, unpacked: Mapping[cst.CSTNode, Leak]) -> None:
        self.owner = owner
        self.unpacked = unpacked
        self._following: set[Binding] = set()

    # --- what a value carries --------------------------------------------------------------------

    def leaks(self, expr: cst.BaseExpression, depth: int = 0) -> tuple[Leak, ...]:
        """The credential parts expr carries, with their origin; () when it carries none."""
        if depth > MAX_DEPTH:
            return ()
        inner = depth + 1
        if isinstance(expr, (cst.Name, cst.Attribute)) and imported_names(self.owner, expr) & ENVIRON:
            return (Leak(WHOLE, Origin(ENVIRONMENT, WHOLE_ENVIRONMENT)),)
        if isinstance(expr, cst.Name):
            return self._name_leaks(expr, inner)
        if isinstance(expr, (cst.Attribute, cst.Subscript, cst.Call)):
            return self._access_leaks(expr, inner)
        if isinstance(expr, cst.FormattedString):
            return tuple(
                leak
                for part in expr.parts
                if isinstance(part, cst.FormattedStringExpression) and not _cut_short(part)
                for leak in self.leaks(part.expression, inner)
            )
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Modulo):
            return self.leaks(expr.left, inner) + self._formatted_leaks(expr, inner)
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
            return self.leaks(expr.left, inner) + self.leaks(expr.right, inner)
        if isinstance(expr, (cst.Tuple, cst.List, cst.Set)):
            return tuple(leak for element in expr.elements for leak in self.leaks(element.value, inner))
        if isinstance(expr, (cst.ListComp, cst.SetComp, cst.GeneratorExp)):
            return self.leaks(expr.elt, inner)
        if isinstance(expr, cst.DictComp):
            return self.leaks(expr.key, inner) + self.leaks(expr.value, inner)
        if isinstance(expr, cst.Dict):
            values = [e.value for e in expr.elements] + [e.key for e in expr.elements if isinstance(e, cst.DictElement)]
            return tuple(leak for value in values for leak in self.leaks(value, inner))
        if isinstance(expr, cst.IfExp):
            return self.leaks(expr.body, inner) + self.leaks(expr.orelse, inner)
        if isinstance(expr, cst.BooleanOperation):
            return self.leaks(expr.left, inner) + self.leaks(expr.right, inner)
        if isinstance(expr, (cst.Await, cst.NamedExpr)):
            return self.leaks(expr.expression if isinstance(expr, cst.Await) else expr.value, inner)
        return ()

    def _formatted_leaks(self, expr: cst.BinaryOperation, depth: int) -> tuple[Leak, ...]:
        """`template % values`, but for the values a precision cuts to a prefix."""
        cut = truncated_arguments(fold_string(self.owner, expr.left))
        values = expr.right
        if not cut:
            return self.leaks(values, depth)
        if not isinstance(values, cst.Tuple):
            return () if 0 in cut else self.leaks(values, depth)
        return tuple(
            leak
            for position, element in enumerate(values.elements)
            if position not in cut
            for leak in self.leaks(element.value, depth)
        )

    def _name_leaks(self, name: cst.Name, depth: int) -> tuple[Leak, ...]:
        """What a name carries: every value it is given must carry credentials (or be None)."""
        found: list[Leak] = []
        for binding in bindings_of(self.owner, name):
            unpacked = self.unpacked.get(binding.node) if binding.node is not None else None
            if unpacked is not None:
                found.append(unpacked)
                continue
            if binding in self._following or _is_none(binding.value):
                continue
            if binding.value is None:
                return ()
            self._following.add(binding)
            try:
                leaks = self.leaks(binding.value, depth)
            finally:
                self._following.discard(binding)
            if not leaks:
                return ()
            found.extend(leaks)
        return tuple(found)

    def _access_leaks(self, expr: cst.Attribute | cst.Subscript | cst.Call, depth: int) -> tuple[Leak, ...]:
        issued = self.issued_credentials(expr, depth)
        if issued is not None:
            return (Leak(WHOLE, issued),)
        if isinstance(expr, cst.Attribute):
            obj = self.credentials_object(expr.value, depth)
            if obj is None:
                return ()
            if expr.attr.value in CREDENTIAL_ATTRIBUTES:
                return (Leak(CREDENTIAL_ATTRIBUTES[expr.attr.value], obj.origin),)
            return (Leak(WHOLE, obj.origin),) if expr.attr.value == "__dict__" and not obj.frozen else ()
        variable = self.environment_variable(expr)
        if variable is not None:
            part = CREDENTIAL_VARIABLES.get(variable)
            return (Leak(part, Origin(ENVIRONMENT, variable)),) if part is not None else ()
        if isinstance(expr, cst.Subscript):
            return self._item_leaks(expr, depth)
        return self._call_leaks(expr, depth)

    def _item_leaks(self, expr: cst.Subscript, depth: int) -> tuple[Leak, ...]:
        """`credentials["SecretAccessKey"]` of an STS response; `frozen[1]` of frozen credentials."""
        key = _single_key(expr)
        if key is None:
            return ()
        field = self._field(expr.value, key, depth)
        if field is not None:
            return (field,)
        if isinstance(key, cst.Integer):
            obj = self.credentials_object(expr.value, depth)
            position = int(key.value, 0)
            if obj is not None and obj.frozen and position < len(FROZEN_POSITIONS):
                return (Leak(FROZEN_POSITIONS[position], obj.origin),)
        return ()

    def _call_leaks(self, call: cst.Call, depth: int) -> tuple[Leak, ...]:
        func = call.func
        names = imported_names(self.owner, func)
        first = _first_argument(call, "obj")
        if names & SHOWING_FUNCTIONS:
            return self.leaks(call.args[0].value, depth) if call.args else ()
        if "builtins.vars" in names and first is not None:
            obj = self.credentials_object(first, depth)
            return (Leak(WHOLE, obj.origin),) if obj is not None and not obj.frozen else ()
        if not isinstance(func, cst.Attribute):
            return ()
        method = func.attr.value
        if method == "get" and first is not None:
            field = self._field(func.value, first, depth)
            return (field,) if field is not None else ()
        if method in SHOWING_METHODS:
            return self.leaks(func.value, depth)
        if method == "format" and not truncates(fold_string(self.owner, func.value)):
            return tuple(leak for arg in call.args for leak in self.leaks(arg.value, depth))
        if method == "join" and call.args:
            return self.leaks(call.args[0].value, depth)
        if method in ("get_frozen_credentials", "_asdict"):
            obj = self.credentials_object(call if method == "get_frozen_credentials" else func.value, depth)
            return (Leak(WHOLE, obj.origin),) if obj is not None and obj.frozen else ()
        response = self.issuing_call(call, depth)
        return (Leak(WHOLE, response[0]),) if response is not None and response[1] else ()

    # --- the objects that hold credentials --------------------------------------------------------

    def credentials_object(self, expr: cst.BaseExpression, depth: int = 0) -> Optional[CredentialsObject]:
        """The Credentials a session resolved (`session.get_credentials()`), or their frozen tuple."""
        if depth > MAX_DEPTH:
            return None
        expr = _unwrapped(expr)
        if isinstance(expr, cst.Name):
            objects = self._through_name(expr, lambda value: self.credentials_object(value, depth + 1))
            if not objects:
                return None
            return CredentialsObject(objects[0].origin, all(obj.frozen for obj in objects))
        if not (isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute)):
            return None
        method, receiver = expr.func.attr.value, expr.func.value
        if method == "get_credentials" and not expr.args:
            session = self.session_label(receiver, depth + 1)
            return CredentialsObject(Origin(CHAIN, f"{session}.get_credentials()"), False) if session else None
        if method == "get_frozen_credentials":
            resolved = self.credentials_object(receiver, depth + 1)
            origin = resolved.origin if resolved else Origin(CHAIN, f"{written(receiver)}.get_frozen_credentials()")
            return CredentialsObject(origin, True)
        return None

    def session_label(self, receiver: cst.BaseExpression, depth: int = 0) -> Optional[str]:
        """How a message names a boto3 or botocore session, or None for anything else. A session
        made elsewhere (`self.session`, a parameter) is known by its name, as in sdk.py."""
        receiver = _unwrapped(receiver)
        if isinstance(receiver, cst.Call):
            model = classify_call(self.owner, receiver)
            if model is not None and model.kind in (SESSION, DEFAULT_SESSION):
                return written(receiver)
            return written(receiver) if imported_names(self.owner, receiver.func) & BOTO3_DEFAULT_SESSION else None
        if not isinstance(receiver, (cst.Name, cst.Attribute)):
            return None
        name = written(receiver)
        if "session" in name.lower():
            return name
        value = single_bound_value(self.owner, receiver) if isinstance(receiver, cst.Name) else None
        if value is not None and depth <= MAX_DEPTH and self.session_label(value, depth + 1) is not None:
            return name
        return None

    def environment_variable(self, expr: cst.BaseExpression) -> Optional[str]:
        """The variable `os.environ[NAME]`, `os.environ.get(NAME)` or `os.getenv(NAME)` reads."""
        if isinstance(expr, cst.Subscript) and self._is_environ(expr.value):
            key = _single_key(expr)
            return fold_string(self.owner, key) if key is not None else None
        if not isinstance(expr, cst.Call):
            return None
        func = expr.func
        getter = bool(imported_names(self.owner, func) & ENV_GETTERS) or (
            isinstance(func, cst.Attribute) and func.attr.value == "get" and self._is_environ(func.value)
        )
        key = _first_argument(expr, "key") if getter else None
        return fold_string(self.owner, key) if key is not None else None

    def _is_environ(self, expr: cst.BaseExpression) -> bool:
        if imported_names(self.owner, expr) & ENVIRON:
            return True
        value = single_bound_value(self.owner, expr) if isinstance(expr, cst.Name) else None
        return value is not None and bool(imported_names(self.owner, value) & ENVIRON)

    def issuing_call(self, expr: cst.BaseExpression, depth: int = 0) -> Optional[tuple[Origin, bool]]:
        """An STS (SSO, Cognito) call's response, and whether its receiver is surely that service's
        client. A call only named like one (`helper.assume_role(role)`) may return anything."""
        if depth > MAX_DEPTH:
            return None
        expr = _unwrapped(expr)
        if isinstance(expr, cst.Name):
            found = self._through_name(expr, lambda value: self.issuing_call(value, depth + 1))
            return (found[0][0], all(sure for _, sure in found)) if found else None
        if not (isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute)):
            return None
        issuer = ISSUERS.get(expr.func.attr.value)
        if issuer is None:
            return None
        return Origin(ISSUED, written(expr), issuer), self._is_client_of(expr.func.value, issuer)

    def issued_credentials(self, expr: cst.BaseExpression, depth: int = 0) -> Optional[Origin]:
        """The credentials dict of an issuing call's response: `response["Credentials"]`."""
        if depth > MAX_DEPTH:
            return None
        if isinstance(expr, cst.Name):
            found = self._through_name(expr, lambda value: self.issued_credentials(value, depth + 1))
            return found[0] if found else None
        if isinstance(expr, cst.Subscript):
            container, key = expr.value, _single_key(expr)
        elif isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "get":
            container, key = expr.func.value, _first_argument(expr, "key")
        else:
            return None
        response = self.issuing_call(container, depth + 1) if key is not None else None
        if response is None or key is None or response[0].issuer is None:
            return None
        return response[0] if fold_string(self.owner, key) == response[0].issuer.container else None

    def _field(self, container: cst.BaseExpression, key: cst.BaseExpression, depth: int) -> Optional[Leak]:
        origin = self.issued_credentials(container, depth)
        if origin is None or origin.issuer is None:
            return None
        part = origin.issuer.fields.get(fold_string(self.owner, key) or "")
        return Leak(part, origin) if part is not None else None

    def _is_client_of(self, receiver: cst.BaseExpression, issuer: Issuer) -> bool:
        value = single_bound_value(self.owner, receiver) if isinstance(receiver, cst.Name) else receiver
        if isinstance(value, cst.Call):
            model = classify_call(self.owner, value)
            if model is not None and model.kind == CLIENT and model.service == issuer.service:
                return True
        return issuer.client_name.search(written(receiver, limit=200)) is not None

    def _through_name(self, name: cst.Name, judge: Callable[[cst.BaseExpression], Optional[Found]]) -> list[Found]:
        """judge's answer for every value the name is given (None values aside), or [] when one fails."""
        found: list[Found] = []
        for binding in bindings_of(self.owner, name):
            if binding in self._following or _is_none(binding.value):
                continue
            if binding.value is None:
                return []
            self._following.add(binding)
            try:
                answer = judge(binding.value)
            finally:
                self._following.discard(binding)
            if answer is None:
                return []
            found.append(answer)
        return found


def _cut_short(part: cst.FormattedStringExpression) -> bool:
    """`f"{secret:.4}"`: a precision in the format spec writes only a prefix."""
    spec = part.format_spec or ()
    return any(isinstance(piece, cst.FormattedStringText) and "." in piece.value for piece in spec)
