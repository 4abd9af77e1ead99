"""CL501: an SDK client or session given half an explicit credential: a key id without its secret,
a secret without its key id, or a session token alone."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Optional

import libcst as cst
from libcst.metadata import PositionProvider

from credlint.analysis.bindings import BINDING_PROVIDERS, single_bound_value
from credlint.analysis.credential_slots import SDK_PARAMETER_SLOTS
from credlint.analysis.sdk import (
    CLIENT,
    DEFAULT_SESSION,
    RESOURCE,
    SESSION,
    SdkCall,
    call_arguments,
    classify_call,
)
from credlint.analysis.stand_ins import stand_in_severity
from credlint.chain import (
    ACCESS_KEY_ID,
    CREDENTIAL_CHAIN,
    SECRET_ACCESS_KEY,
    SESSION_TOKEN,
    STATUS_NEVER_CONSULTED,
    STATUS_THIS_CODE,
    ChainStep,
    CredentialPlacement,
    Explanation,
    credential_steps,
)
from credlint.checks.chain.code_places import (
    catches,
    expects_exception,
    inside_any,
    is_empty_string,
    is_none,
)
from credlint.rule import Rule
from credlint.settings import FileContext

# ref. boto3 session.py Session.client/resource, botocore session.py create_client: the explicit credential arguments.
KEY_ID, SECRET, TOKEN = "aws_access_key_id", "aws_secret_access_key", "aws_session_token"
CREDENTIAL_PARAMETERS = tuple(p for p in SDK_PARAMETER_SLOTS if p in (KEY_ID, SECRET, TOKEN))
CLIENT_KINDS = (CLIENT, RESOURCE)
SESSION_KINDS = (SESSION, DEFAULT_SESSION)
# botocore's own Session takes no credential arguments (set_credentials instead); boto3's and aioboto3's do.
SESSION_LIBRARIES = ("boto3", "aioboto3")
# Methods that fill a dict after it is written: a spread of such a dict is not known from its literal.
# ref. botocore exceptions.py: what a client given half a key pair raises; code catching it expects it.
PARTIAL_CREDENTIALS_ERRORS = frozenset({"botocore.exceptions.PartialCredentialsError"})
STATUS_CONSULTED = "consulted as usual"
STATUS_IGNORED = "ignored"

# ref. aws-chain-reference.md section 1: "Key id without secret: PartialCredentialsError(provider=
# 'explicit')"; botocore session.py _missing_cred_vars raises for a secret without key id the same way.
_CLIENT_HALF_PAIR = (
    "botocore builds explicit credentials for {label} only from a key id and a secret together; with "
    "one of them missing or None it raises PartialCredentialsError(provider='explicit', cred_var='{missing}') "
    "while creating the client. The provider chain is not tried instead, so no role the platform "
    "provides (IRSA, the ECS task role, the instance profile) is ever reached from here."
)
# ref. aws-chain-reference.md section 1: "Only aws_session_token: ignored, chain used (observed)";
# botocore session.py create_client logs the ignored token at debug level only.
_CLIENT_TOKEN_ONLY = (
    "Without a key id and a secret botocore drops aws_session_token (it says so only in a debug log) and "
    "takes the credentials of the session {label} is made from: {source}. The token is never sent, so "
    "the client signs with other credentials than the ones this code meant, or raises "
    "NoCredentialsError on its first request when the chain finds none."
)
_SESSION_SOURCE_KEYS = "the keys given to the session at line {line}"
_SESSION_SOURCE_CHAIN = "whatever the provider chain finds, from the env provider (link 1) on"
# ref. aws-chain-reference.md section 1: session keys are not checked; a key id with no secret signs
# with secret "None" and fails server-side. boto3 session.py calls set_credentials when any argument
# is truthy, so a secret or a token alone is stored the same way.
_SESSION_STORED = (
    "{label} stores any credential argument it is given as the whole session's credentials "
    "(set_credentials) without checking that the pair is complete, so the provider chain is never "
    "consulted for any client made from it."
)
_SESSION_OUTCOME = {
    SECRET_ACCESS_KEY: " Its requests are signed with the secret 'None' and fail server-side.",
    ACCESS_KEY_ID: (
        " With no key id botocore cannot build the request's Authorization header: the first request "
        "fails while it is signed, before anything is sent."
    ),
    SESSION_TOKEN: (
        " Unlike a client, which drops a token given alone, the session keeps it as credentials with no "
        "key id and no secret: the first request fails while it is signed, before anything is sent."
    ),
}
_FIX_PAIR = (
    "Pass aws_access_key_id and aws_secret_access_key together (with aws_session_token for a temporary "
    "ASIA key), all from the same source, or pass none of them: then botocore resolves the chain and "
    "finds the platform's role."
)
_FIX_TOKEN = (
    "Pass the token with the key id and secret it belongs to (the three values of one STS response), "
    "or drop it and let the chain resolve credentials."
)


@dataclass(frozen=True)
class _Candidate:
    call: cst.Call
    sdk_call: SdkCall
    given: tuple[tuple[str, cst.BaseExpression], ...]  # (parameter, value) of the credentials passed


class PartialCredentials(Rule):
    """Half a credential fails late and far from the cause, or is silently dropped."""

    METADATA_DEPENDENCIES = (PositionProvider, *BINDING_PROVIDERS)

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._candidates: list[_Candidate] = []
        self._expecting_failure: list[cst.CSTNode] = []

    def visit_With(self, node: cst.With) -> None:
        if expects_exception(node):
            self._expecting_failure.append(node.body)

    def visit_Try(self, node: cst.Try) -> None:
        if any(catches(self, handler, PARTIAL_CREDENTIALS_ERRORS) for handler in node.handlers):
            self._expecting_failure.append(node.body)

    def visit_Call(self, node: cst.Call) -> None:
        sdk_call = classify_call(self, node)
        if sdk_call is None or not _takes_credentials(sdk_call):
            return
        arguments = call_arguments(self, node, sdk_call.parameters)
        if arguments.has_unknown_spread:
            return  # the missing half may be in the spread
        if sdk_call.kind in CLIENT_KINDS and _unsigned(self, arguments.get("config")):
            return  # ref. botocore session.py create_client: UNSIGNED uses no credentials at all
        given = tuple(
            (parameter, expr)
            for parameter in CREDENTIAL_PARAMETERS
            if (expr := arguments.get(parameter)) is not None and not is_none(self, expr)
        )
        # ref. boto3 session.py Session.__init__: credentials are set only when one of them is truthy.
        if sdk_call.kind in SESSION_KINDS and all(is_empty_string(expr) for _, expr in given):
            return
        if _missing_part(dict(given)) is None:
            return
        self._candidates.append(_Candidate(node, sdk_call, given))

    def leave_Module(self, original_node: cst.Module) -> None:
        for candidate in self._candidates:
            if inside_any(self, self._expecting_failure, candidate.call):
                continue
            self._report(candidate)

    def _report(self, candidate: _Candidate) -> None:
        severity = stand_in_severity(self.info.severity, self.context.settings)
        if severity is None:
            return
        given = dict(candidate.given)
        missing = _missing_part(given)
        assert missing is not None
        anchor = _argument_of(candidate.call, candidate.given[0][1])
        explanation = self._explanation(candidate, missing)
        self.report(anchor, _message(candidate.sdk_call, given, missing), explanation, severity=severity)

    def _explanation(self, candidate: _Candidate, missing: str) -> Explanation:
        sdk_call = candidate.sdk_call
        line = self.line_of(candidate.call)
        client = sdk_call.kind in CLIENT_KINDS
        link = "explicit" if client else "session"
        passed = " and ".join(parameter for parameter, _ in candidate.given)
        summary = (
            f"{sdk_call.label} (line {line}) is given {passed} alone: the {link} link half filled, "
            "which botocore does not complete from anywhere else."
        )
        steps = credential_steps(CredentialPlacement(link, sdk_call.label, line))
        if client and missing == SESSION_TOKEN:
            summary = (
                f"{sdk_call.label} (line {line}) is given aws_session_token alone: the explicit link needs a "
                "key id and a secret, so botocore passes it over, and the token with it."
            )
            runtime, steps = self._token_only_client(sdk_call, steps)
            return Explanation("credential", summary, steps, runtime, _FIX_TOKEN)
        reads = f"{passed} only, no {_parameter_missing(missing)}"
        steps = (dataclasses.replace(steps[0], reads=reads), *steps[1:])
        if client:
            runtime = _CLIENT_HALF_PAIR.format(label=sdk_call.label, missing=_parameter_missing(missing))
        else:
            runtime = _SESSION_STORED.format(label=sdk_call.label) + _SESSION_OUTCOME[missing]
        return Explanation("credential", summary, steps, runtime, _FIX_TOKEN if missing == SESSION_TOKEN else _FIX_PAIR)

    def _token_only_client(self, sdk_call: SdkCall, steps: tuple[ChainStep, ...]) -> tuple[str, tuple[ChainStep, ...]]:
        """The dropped token, then the session's keys or the chain that answers in its place."""
        ignored = dataclasses.replace(
            steps[0], reads="aws_session_token alone, dropped by botocore", status=STATUS_IGNORED
        )
        session_keys = self._session_keys_line(sdk_call)
        if session_keys is not None:
            source = _SESSION_SOURCE_KEYS.format(line=session_keys)
            session = ChainStep("0", "session", "credentials given to the session", STATUS_THIS_CODE, session_keys)
            later = tuple(
                ChainStep(str(c.position), c.method, c.reads, STATUS_NEVER_CONSULTED) for c in CREDENTIAL_CHAIN
            )
            steps = (ignored, session, *later)
        else:
            source = _SESSION_SOURCE_CHAIN
            chain = tuple(ChainStep(str(c.position), c.method, c.reads, STATUS_CONSULTED) for c in CREDENTIAL_CHAIN)
            steps = (ignored, *chain)
        return _CLIENT_TOKEN_ONLY.format(label=sdk_call.label, source=source), steps

    def _session_keys_line(self, sdk_call: SdkCall) -> Optional[int]:
        """The line of the session construction a client comes from, when it is given a key pair."""
        session = sdk_call.session
        if session is None:
            return None
        model = classify_call(self, session)
        if model is None or not _takes_credentials(model):
            return None
        arguments = call_arguments(self, session, model.parameters)
        has_pair = all(
            (expr := arguments.get(parameter)) is not None and not is_none(self, expr) for parameter in (KEY_ID, SECRET)
        )
        return self.line_of(session) if has_pair else None


def _takes_credentials(sdk_call: SdkCall) -> bool:
    if sdk_call.kind in CLIENT_KINDS or sdk_call.kind == DEFAULT_SESSION:
        return True
    return sdk_call.kind == SESSION and sdk_call.library in SESSION_LIBRARIES


def _missing_part(given: dict[str, cst.BaseExpression]) -> Optional[str]:
    """Which credential makes the arguments incomplete: the absent half of the pair, or SESSION_TOKEN
    for a token alone; None when they are complete or absent."""
    key, secret = KEY_ID in given, SECRET in given
    if key and not secret:
        return SECRET_ACCESS_KEY
    if secret and not key:
        return ACCESS_KEY_ID
    if not key and TOKEN in given:
        return SESSION_TOKEN
    return None


def _parameter_missing(missing: str) -> str:
    return {ACCESS_KEY_ID: KEY_ID, SECRET_ACCESS_KEY: SECRET, SESSION_TOKEN: f"{KEY_ID} / {SECRET}"}[missing]


def _unsigned(rule: Rule, config: Optional[cst.BaseExpression]) -> bool:
    """A config that names UNSIGNED (`Config(signature_version=UNSIGNED)`), here or where a name is bound."""
    if config is None:
        return False
    if isinstance(config, cst.Name):
        config = single_bound_value(rule, config) or config
    return "UNSIGNED" in cst.Module([]).code_for_node(config)


def _argument_of(call: cst.Call, expr: cst.BaseExpression) -> cst.CSTNode:
    for arg in call.args:
        if arg.value is expr:
            return arg
    return expr  # spread from a dict written elsewhere in the module: point at its entry


def _message(sdk_call: SdkCall, given: dict[str, cst.BaseExpression], missing: str) -> str:
    label = sdk_call.label
    client = sdk_call.kind in CLIENT_KINDS
    if missing == SESSION_TOKEN:
        if client:
            return f"{label} is given only aws_session_token: botocore drops it and resolves other credentials"
        return f"{label} is given only aws_session_token: the session keeps it as credentials that cannot sign"
    present = KEY_ID if missing == SECRET_ACCESS_KEY else SECRET
    head = f"{label} is given {present} without {_parameter_missing(missing)}"
    if client:
        return f"{head}: botocore raises PartialCredentialsError when the client is created"
    if missing == SECRET_ACCESS_KEY:
        return f"{head}: the session does not check, and signs its requests with the secret 'None'"
    return f"{head}: the session does not check, and its requests cannot be signed"
