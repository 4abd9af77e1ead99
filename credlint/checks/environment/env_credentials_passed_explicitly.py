"""CL202: credentials read from the environment and passed explicitly to the SDK."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Optional

import libcst as cst
from libcst.metadata import PositionProvider

from credlint.analysis.bindings import BINDING_PROVIDERS
from credlint.analysis.credential_slots import SDK_PARAMETER_SLOTS
from credlint.analysis.platforms import PLATFORM_ANY
from credlint.analysis.sdk import (
    CLIENT,
    CREDENTIALS,
    RESOURCE,
    SESSION,
    SET_CREDENTIALS,
    CallArguments,
    SdkCall,
    call_arguments,
    classify_call,
    names_aws_endpoint,
)
from credlint.analysis.stand_ins import is_stand_in, looks_fake, stand_in_severity
from credlint.chain import CREDENTIAL_VARIABLES, SESSION_TOKEN, CredentialPlacement, Explanation, credential_steps
from credlint.checks.environment.attribute_values import ModuleAttributes
from credlint.checks.environment.env_reads import (
    MISSING_GIVES_NONE,
    MISSING_RAISES,
    SOURCE_DECOUPLE,
    SOURCE_DOTENV_FILE,
    SOURCE_ENVIRONMENT,
    EnvRead,
    reaching_env_reads,
    variables_tested_set,
)
from credlint.checks.environment.shadowing import FIX_BY_PLATFORM
from credlint.finding import REMOVE_CREDENTIAL_ARGUMENTS, REMOVE_CREDENTIALS_DESCRIPTION, UNSAFE, Fix
from credlint.project.view import ImportedEnvRead
from credlint.rule import Rule
from credlint.settings import FileContext

# ref. aws-chain-reference.md section 1: the env provider answers only when AWS_ACCESS_KEY_ID is non-empty.
ACTIVATING_VARIABLE = "AWS_ACCESS_KEY_ID"
_SOURCE_PHRASES = {
    SOURCE_ENVIRONMENT: "read from the environment",
    SOURCE_DOTENV_FILE: "read from a dotenv file by dotenv_values",
    SOURCE_DECOUPLE: "read with python-decouple's config",
}

# ref. aws-chain-reference.md section 1: explicit keys build Credentials(method='explicit') and the
# chain is not consulted for that client; session keys override profile_name for credentials.
_RUNTIME_BY_LINK = {
    "explicit": (
        "botocore builds Credentials(method='explicit') for {target} and never consults the provider "
        "chain for it: whatever these variables hold wins over profile_name, AWS_PROFILE, SSO, IRSA web "
        "identity (link 3), the ECS task role or EKS Pod Identity (link 11) and the EC2 instance "
        "profile (link 12)."
    ),
    "session": (
        "{target} takes these values as the credentials of the whole session: they override "
        "profile_name for credentials (the profile still supplies region), and the provider chain "
        "(env, shared files, SSO, IRSA, the container role, the instance profile) is never consulted "
        "for any client made from it."
    ),
}
# ref. aws-chain-reference.md section 1: "Key id without secret: PartialCredentialsError(provider=
# 'explicit')" for clients; a Session does not check and signs with secret "None".
_MISSING_GIVES_NONE = {
    "explicit": (
        " A missing variable becomes None: with both missing botocore falls back to the chain, but "
        "with only one of the pair set it raises PartialCredentialsError(provider='explicit') instead "
        "of falling through to the role."
    ),
    "session": (
        " A missing variable becomes None: with only the key id set the session does not check, and "
        "its requests are signed with secret 'None' and fail server-side instead of falling through "
        "the chain to the role."
    ),
}
_MISSING_RAISES = (
    " Reading a missing variable raises (KeyError or the library's own error): this code cannot run "
    "where the platform provides a role instead of keys, so every deployment has to hand it long-term keys."
)
# ref. aws-chain-reference.md sections 1 and 7: the env provider (link 1) reads these names itself;
# on Lambda they hold the execution role's temporary key, which needs its session token.
_OWN_NAMES = (
    " {variables} are the variables botocore's env provider (link 1) reads itself: where they are set, "
    "passing them changes nothing but hides profile_name; where they are not, the chain would have "
    "gone on to the role."
)
_TEMPORARY_WITHOUT_TOKEN = (
    " On Lambda AWS_ACCESS_KEY_ID holds the execution role's temporary key, which is rejected "
    "without its session token, and no aws_session_token is passed here."
)
_FIX_OWN_NAMES = "Remove the arguments: botocore reads {variables} itself and otherwise goes on to the role. "
_FIX_OTHER_NAMES = "Remove the arguments and the variables: long-term keys under other names are still long-term keys. "
_FIX_DOTENV = "Remove the arguments and the keys from the dotenv file; use a profile or SSO locally. "


@dataclass(frozen=True)
class _PassedCredential:
    parameter: str
    credential: str
    expr: cst.BaseExpression
    reads: tuple[EnvRead, ...]


@dataclass(frozen=True)
class _Candidate:
    call: cst.Call
    sdk_call: SdkCall
    passed: tuple[_PassedCredential, ...]


class EnvCredentialsPassedExplicitly(Rule):
    """Environment keys passed as arguments hide profiles and roles, and turn a missing variable into None."""

    METADATA_DEPENDENCIES = (PositionProvider, *BINDING_PROVIDERS)

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._candidates: list[_Candidate] = []
        # For each session construction, whether each client made from it names an endpoint_url.
        self._client_endpoints: dict[cst.Call, list[bool]] = {}
        # Conditions, read only when a candidate needs them: the variables they require to be set.
        self._conditionals: list[cst.If | cst.IfExp] = []
        self._attributes: Optional[ModuleAttributes] = None
        self._imported = {read.written: read for read in context.settings.project.env_reads}

    def visit_Module(self, node: cst.Module) -> None:
        self._attributes = ModuleAttributes(self, node)

    def visit_If(self, node: cst.If) -> None:
        self._conditionals.append(node)

    def visit_IfExp(self, node: cst.IfExp) -> None:
        self._conditionals.append(node)

    def visit_Call(self, node: cst.Call) -> None:
        sdk_call = classify_call(self, node)
        if sdk_call is None:
            return
        arguments = call_arguments(self, node, sdk_call.parameters)
        if sdk_call.kind in (CLIENT, RESOURCE) and sdk_call.session is not None:
            self._client_endpoints.setdefault(sdk_call.session, []).append(_names_other_endpoint(self, arguments))
        passed = _passed_credentials(self, sdk_call, arguments, self._attributes, self._imported)
        if passed is None or all(item.credential == SESSION_TOKEN for item in passed):
            return
        # A client for another endpoint (MinIO, LocalStack, R2) needs keys no AWS role can give.
        if not (sdk_call.kind in (CLIENT, RESOURCE) and _names_other_endpoint(self, arguments)):
            self._candidates.append(_Candidate(node, sdk_call, passed))

    def leave_Module(self, original_node: cst.Module) -> None:
        for candidate in self._candidates:
            if candidate.sdk_call.kind == SESSION:
                endpoints = self._client_endpoints.get(candidate.call, [])
                if endpoints and all(endpoints):
                    continue
            if self._only_where_set(candidate):
                continue
            self._report(candidate)

    def _only_where_set(self, candidate: _Candidate) -> bool:
        """botocore's own variables passed only under a test that AWS_ACCESS_KEY_ID is set: the env
        provider would have answered with the same values (ref. aws-chain-reference.md section 1)."""
        reads = [read for item in candidate.passed for read in item.reads]
        if not _own_names(reads):
            return False
        guarded = [
            self.get_metadata(PositionProvider, node.body)
            for node in self._conditionals
            if ACTIVATING_VARIABLE in variables_tested_set(self, node.test, self._attributes)
        ]
        if not guarded:
            return False

        def inside(node: cst.CSTNode) -> bool:
            start = self.get_metadata(PositionProvider, node).start
            return any(
                (body.start.line, body.start.column) <= (start.line, start.column) <= (body.end.line, body.end.column)
                for body in guarded
            )

        return inside(candidate.call) or all(inside(read.node) for read in reads)

    def _report(self, candidate: _Candidate) -> None:
        reads = [read for item in candidate.passed for read in item.reads]
        # A stand-in default ("testing") marks local or test use; an empty one only means "unset".
        fake = any(read.default and looks_fake(read.default) for read in reads)
        severity = stand_in_severity(self.info.severity, self.context.settings, fake=fake)
        if severity is None:
            return
        anchor = _first_argument(candidate)
        line = self.line_of(candidate.call)
        explanation = _explanation(candidate, reads, line)
        fix = None if is_stand_in(self.context.settings, fake=fake) else self._fix(candidate)
        self.report(anchor, _message(candidate, reads), explanation, severity=severity, fix=fix)

    def _fix(self, candidate: _Candidate) -> Optional[Fix]:
        """Taking the credentials out of the call, when one is passed by keyword: a positional one
        would shift the arguments after it."""
        keywords = {id(arg.value) for arg in candidate.call.args if arg.keyword is not None}
        passed = [item.expr for item in candidate.passed if id(item.expr) in keywords]
        if not passed:
            return None
        return self.fix_at(passed[0], UNSAFE, REMOVE_CREDENTIAL_ARGUMENTS, REMOVE_CREDENTIALS_DESCRIPTION)


def _passed_credentials(
    rule: Rule,
    sdk_call: SdkCall,
    arguments: CallArguments,
    attributes: Optional[ModuleAttributes],
    imported: Mapping[str, ImportedEnvRead],
) -> tuple[_PassedCredential, ...] | None:
    """The credential arguments that environment reads reach; None when deliberate credentials reach one."""
    passed = []
    for parameter, expr in arguments.values.items():
        if parameter not in SDK_PARAMETER_SLOTS:
            continue
        if sdk_call.kind not in (CREDENTIALS, SET_CREDENTIALS) and not parameter.startswith("aws_"):
            continue
        reaching = reaching_env_reads(rule, expr, attributes, imported)
        if reaching.deliberate:
            return None
        if reaching.reads:
            passed.append(_PassedCredential(parameter, SDK_PARAMETER_SLOTS[parameter], expr, reaching.reads))
    return tuple(passed)


def _names_other_endpoint(rule: Rule, arguments: CallArguments) -> bool:
    """An endpoint_url that may be another service's (MinIO, LocalStack): not one written as AWS's
    own (`f"https://s3.{region}.amazonaws.com"`), where the role's credentials would do."""
    endpoint = arguments.get("endpoint_url")
    return endpoint is not None and not names_aws_endpoint(rule, endpoint)


def _first_argument(candidate: _Candidate) -> cst.CSTNode:
    """The argument that carries the first credential, in source order; the value when it was spread."""
    carried = {id(item.expr) for item in candidate.passed}
    for arg in candidate.call.args:
        if id(arg.value) in carried:
            return arg
    return candidate.passed[0].expr


def _variables(reads: list[EnvRead]) -> list[str]:
    named = list(dict.fromkeys(read.variable for read in reads if read.variable is not None))
    if any(read.variable is None for read in reads):
        named.append("a variable whose name is computed")
    return named


def _own_names(reads: list[EnvRead]) -> bool:
    """Every read takes one of botocore's own variables from the process environment."""
    return all(read.source == SOURCE_ENVIRONMENT and read.variable in CREDENTIAL_VARIABLES for read in reads)


def _message(candidate: _Candidate, reads: list[EnvRead]) -> str:
    sources = " and ".join(_SOURCE_PHRASES[source] for source in dict.fromkeys(read.source for read in reads))
    parameters = ", ".join(item.parameter for item in candidate.passed)
    target = candidate.sdk_call.label
    text = f"Credentials {sources} ({', '.join(_variables(reads))}) passed explicitly as {parameters} to {target}"
    if _own_names(reads):
        return f"{text}: botocore reads these variables itself, and explicit keys hide profile_name and every role"
    return f"{text}: explicit keys win over profile_name and every role"


def _explanation(candidate: _Candidate, reads: list[EnvRead], line: int) -> Explanation:
    sdk_call = candidate.sdk_call
    link = "explicit" if sdk_call.kind in (CLIENT, RESOURCE) else "session"
    placement = CredentialPlacement(link, sdk_call.label, line)
    variables = ", ".join(_variables(reads))
    parameters = ", ".join(item.parameter for item in candidate.passed)
    places = list(dict.fromkeys(read.place for read in reads if read.place))
    elsewhere = f" (read in {', '.join(places)})" if places else ""
    summary = (
        f"Values read from {variables}{elsewhere} are passed as {parameters} to {sdk_call.label} (line {line}): "
        f"the {link} link, which ends credential resolution before the provider chain starts."
    )
    runtime = _RUNTIME_BY_LINK[link].format(target=sdk_call.label)
    if any(read.missing == MISSING_GIVES_NONE for read in reads):
        runtime += _MISSING_GIVES_NONE[link]
    elif all(read.missing == MISSING_RAISES for read in reads):
        runtime += _MISSING_RAISES
    own = _own_names(reads)
    if own:
        runtime += _OWN_NAMES.format(variables=variables)
        passes_token = any(item.credential == SESSION_TOKEN for item in candidate.passed)
        if not passes_token and any(read.variable == "AWS_ACCESS_KEY_ID" for read in reads):
            runtime += _TEMPORARY_WITHOUT_TOKEN
        fix = _FIX_OWN_NAMES.format(variables=variables)
    elif any(read.source == SOURCE_DOTENV_FILE for read in reads):
        fix = _FIX_DOTENV
    else:
        fix = _FIX_OTHER_NAMES
    steps = credential_steps(placement)
    fix += FIX_BY_PLATFORM[PLATFORM_ANY]
    return Explanation(chain="credential", summary=summary, steps=steps, runtime=runtime, fix=fix)
