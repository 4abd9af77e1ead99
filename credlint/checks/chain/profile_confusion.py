"""CL502: a profile chosen in a way that silently loses: a session's profile_name next to keys written
into the environment, or AWS_PROFILE written where AWS_DEFAULT_PROFILE is written too."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import libcst as cst
import libcst.matchers as matchers
from libcst.metadata import PositionProvider

from credlint.analysis.bindings import BINDING_PROVIDERS, qualified_names, single_bound_value
from credlint.analysis.environment_writes import (
    ENVIRON,
    UNKNOWN_VARIABLE,
    EnvironmentWrite,
    environ_item_write,
    environment_writes_in_call,
)
from credlint.analysis.literals import ENV_READERS, fold_string
from credlint.analysis.sdk import DEFAULT_SESSION, SESSION, SdkCall, call_arguments, classify_call
from credlint.analysis.stand_ins import looks_fake, stand_in_severity
from credlint.chain import (
    CREDENTIAL_CHAIN,
    STATUS_NEVER_CONSULTED,
    STATUS_SHADOWED,
    STATUS_THIS_CODE,
    ChainStep,
    Explanation,
)
from credlint.checks.chain.code_places import enclosing_function, in_exclusive_arms, is_none, is_test
from credlint.finding import Severity
from credlint.rule import Rule
from credlint.settings import FileContext

# ref. aws-chain-reference.md section 1: the env provider answers only when AWS_ACCESS_KEY_ID is non-empty.
ACTIVATING_VARIABLE = "AWS_ACCESS_KEY_ID"
# ref. aws-chain-reference.md section 1: profile_name, then AWS_DEFAULT_PROFILE, then AWS_PROFILE, then default.
DEFAULT_PROFILE_VARIABLE = "AWS_DEFAULT_PROFILE"
PROFILE_VARIABLE = "AWS_PROFILE"
# ref. boto3 session.py Session(profile_name=...), botocore session.py Session(profile=...).
BOTO3_PROFILE, BOTOCORE_PROFILE = "profile_name", "profile"
CREDENTIAL_PARAMETERS = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token")
STATUS_REMOVED = "removed"
STATUS_CONSULTED = "consulted as usual"
STATUS_IN_CODE = "wins when given"

# ref. aws-chain-reference.md section 1: "An explicit profile_name in code removes EnvProvider from the
# chain (env keys ignored). AWS_PROFILE in the environment does not: env keys still win (observed)."
_PROFILE_REMOVES_ENV = (
    "botocore leaves the env provider (link 1) out of the chain of a session whose profile is named in "
    "code, so clients made from {label} never read the AWS_ACCESS_KEY_ID written at line {line}: they "
    "sign with what the profile gives (its role, SSO, or its keys in ~/.aws/credentials, link 5), or "
    "raise ProfileNotFound where the profile does not exist. AWS_PROFILE set in the environment would "
    "not do this: then the env keys still win, link 1 before the profile's link 5. Clients made "
    "without this session (boto3.client(), a Session with no profile) still sign with the keys."
)
_PROFILE_FIX = (
    "Choose one source. To use the profile, stop writing AWS_ACCESS_KEY_ID into the environment: "
    "every other client of the process, and every child process, still picks it up. To use the keys, "
    "drop profile_name and pass region and other settings to the Session directly."
)
# ref. aws-chain-reference.md section 1: AWS_DEFAULT_PROFILE beats AWS_PROFILE (observed); the
# reference says nothing of the AWS CLI or other SDKs on this, so the text does not either.
_DEFAULT_PROFILE_WINS = (
    "botocore takes a session's profile from profile_name, then AWS_DEFAULT_PROFILE, then AWS_PROFILE, "
    "then 'default': every session created here without profile_name uses the profile written at line "
    "{line}, and the AWS_PROFILE value is ignored. Either profile matters only when the env provider "
    "has nothing: where AWS_ACCESS_KEY_ID is set, link 1 still wins over both. How other tools the "
    "process starts (the AWS CLI, other SDKs) weigh the two variables is not covered by credlint's "
    "chain reference."
)
_DEFAULT_PROFILE_FIX = (
    "Write AWS_PROFILE only, and remove AWS_DEFAULT_PROFILE (os.environ.pop('AWS_DEFAULT_PROFILE', None)) "
    "so that no inherited value overrides it; or pass profile_name to boto3.Session, which beats both."
)


@dataclass(frozen=True)
class _ProfileSession:
    call: cst.Call
    sdk_call: SdkCall
    parameter: str
    anchor: cst.CSTNode  # the argument that names the profile


class ProfileConfusion(Rule):
    """A profile that looks chosen but is not the one botocore uses."""

    METADATA_DEPENDENCIES = (PositionProvider, *BINDING_PROVIDERS)

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._ifs: list[cst.If] = []
        self._functions: list[cst.FunctionDef] = []
        self._writes: list[EnvironmentWrite] = []
        self._sessions: list[_ProfileSession] = []

    def visit_If(self, node: cst.If) -> None:
        self._ifs.append(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._functions.append(node)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._note(environ_item_write(self, target.target, node.value))

    def visit_Call(self, node: cst.Call) -> None:
        for write in environment_writes_in_call(self, node):
            self._note(write)
        sdk_call = classify_call(self, node)
        if sdk_call is None or sdk_call.kind not in (SESSION, DEFAULT_SESSION):
            return
        arguments = call_arguments(self, node, sdk_call.parameters)
        # Keys given to the session win over the profile and the environment alike: nothing is lost here.
        if arguments.has_unknown_spread or any(
            not is_none(self, v) for p in CREDENTIAL_PARAMETERS if (v := arguments.get(p)) is not None
        ):
            return
        # profile= is botocore's spelling, profile_name= boto3's (setup_default_session passes it on).
        parameter = BOTOCORE_PROFILE if BOTOCORE_PROFILE in sdk_call.parameters else BOTO3_PROFILE
        profile = arguments.get(parameter)
        if profile is None or is_none(self, profile):
            return
        anchor = next((arg for arg in node.args if arg.value is profile), profile)
        self._sessions.append(_ProfileSession(node, sdk_call, parameter, anchor))

    def _note(self, write: Optional[EnvironmentWrite]) -> None:
        """A write of os.environ the module makes itself (not a test's setenv or patch.dict)."""
        if write is not None and write.on_environ and write.variable != UNKNOWN_VARIABLE:
            self._writes.append(write)

    def leave_Module(self, original_node: cst.Module) -> None:
        severity = stand_in_severity(self.info.severity, self.context.settings)
        if severity is None:
            return
        # The env provider answers only when AWS_ACCESS_KEY_ID is non-empty: writing "" clears it.
        key_writes = [
            write
            for write in self._writes
            if write.variable == ACTIVATING_VARIABLE and (write.value is None or fold_string(self, write.value) != "")
        ]
        for session in self._sessions:
            together = [w for w in key_writes if self._may_run_together(session.call, w.node)]
            own = enclosing_function(self, self._functions, session.call)
            write = next((w for w in together if enclosing_function(self, self._functions, w.node) is own), None)
            write = write or next(iter(together), None)
            # Keys such as moto's "testing" keep a test away from AWS: they follow test-policy.
            fake = write is not None and write.value is not None and looks_fake(fold_string(self, write.value) or "?")
            write_severity = stand_in_severity(self.info.severity, self.context.settings, fake=fake)
            if write is not None and write_severity is not None:
                self._report_profile_session(session, write, write_severity)
        # A variable given back the value it had (saved before a change) chooses nothing.
        choices = [write for write in self._writes if not self._restores(write)]
        defaults = [write for write in choices if write.variable == DEFAULT_PROFILE_VARIABLE]
        for write in choices:
            if write.variable != PROFILE_VARIABLE:
                continue
            # Written together with the same value somewhere: the code keeps the two in step on purpose.
            if any(_same_value(self, write, default) for default in defaults):
                continue
            rival = next((d for d in defaults if self._may_differ(write, d)), None)
            if rival is not None:
                self._report_profile_variable(write, rival, severity)

    def _may_differ(self, profile: EnvironmentWrite, default: EnvironmentWrite) -> bool:
        return self._may_run_together(profile.node, default.node) and not _same_value(self, profile, default)

    def _may_run_together(self, first: cst.CSTNode, second: cst.CSTNode) -> bool:
        """Not in the two arms of one `if`, nor in two test functions, which a runner runs apart."""
        if in_exclusive_arms(self, self._ifs, first, second):
            return False
        one, other = (enclosing_function(self, self._functions, node) for node in (first, second))
        return one is other or one is None or other is None or not (is_test(one) and is_test(other))

    def _restores(self, write: EnvironmentWrite) -> bool:
        value = write.value
        if isinstance(value, cst.Name):
            value = single_bound_value(self, value)
        return value is not None and _reads_variable(self, value, write.variable)

    def _report_profile_session(self, session: _ProfileSession, write: EnvironmentWrite, severity: Severity) -> None:
        label = session.sdk_call.label
        line, write_line = self.line_of(session.call), self.line_of(write.node)
        parameter = session.parameter
        message = (
            f"{label} names a profile with {parameter}=, which removes the env provider from its chain: "
            f"the AWS_ACCESS_KEY_ID written at line {write_line} is ignored by this session"
        )
        summary = (
            f"{label} (line {line}) chooses its profile in code, and this module writes AWS_ACCESS_KEY_ID "
            f"into the environment ({write.label}, line {write_line}): the two credential sources exclude each other."
        )
        steps = (
            ChainStep("0", parameter, f"profile named in code by {label}", STATUS_THIS_CODE, line),
            ChainStep("1", "env", CREDENTIAL_CHAIN[0].reads, STATUS_REMOVED, write_line),
            *(ChainStep(str(c.position), c.method, c.reads, STATUS_CONSULTED) for c in CREDENTIAL_CHAIN[1:]),
        )
        runtime = _PROFILE_REMOVES_ENV.format(label=label, line=write_line)
        explanation = Explanation("credential", summary, steps, runtime, _PROFILE_FIX)
        self.report(session.anchor, message, explanation, severity=severity)

    def _report_profile_variable(self, write: EnvironmentWrite, rival: EnvironmentWrite, severity: Severity) -> None:
        line, rival_line = self.line_of(write.node), self.line_of(rival.node)
        message = (
            f"AWS_PROFILE is written while AWS_DEFAULT_PROFILE is written too (line {rival_line}): botocore reads "
            "AWS_DEFAULT_PROFILE first, so this profile is ignored"
        )
        summary = (
            f"{write.label} (line {line}) and {rival.label} (line {rival_line}) both choose the profile, "
            "possibly differently: only one of them answers."
        )
        steps = (
            ChainStep("1", "profile_name", "boto3.Session(profile_name=...) in code", STATUS_IN_CODE),
            ChainStep("2", DEFAULT_PROFILE_VARIABLE, "environment variable", STATUS_THIS_CODE, rival_line),
            ChainStep("3", PROFILE_VARIABLE, "environment variable", STATUS_SHADOWED, line),
            ChainStep("4", "default", "the [default] profile", STATUS_NEVER_CONSULTED),
        )
        runtime = _DEFAULT_PROFILE_WINS.format(line=rival_line)
        explanation = Explanation("profile", summary, steps, runtime, _DEFAULT_PROFILE_FIX)
        self.report(write.node, message, explanation, severity=severity)


def _same_value(rule: Rule, first: EnvironmentWrite, second: EnvironmentWrite) -> bool:
    """Both writes surely give the same value: one expression, one folded text, the same name, or a copy."""
    a, b = first.value, second.value
    if a is None or b is None:
        return False
    if a is b:
        return True
    if _reads_variable(rule, a, second.variable) or _reads_variable(rule, b, first.variable):
        return True
    folded_a, folded_b = fold_string(rule, a), fold_string(rule, b)
    if folded_a is not None or folded_b is not None:
        return folded_a == folded_b
    # The same expression, calling nothing (`name`, `options.profile`, `profile or "default"`).
    return not _calls(a) and _code(a) == _code(b)


def _calls(node: cst.CSTNode) -> bool:
    return bool(matchers.findall(node, matchers.Call()))


def _code(node: cst.CSTNode) -> Optional[str]:
    return cst.Module([]).code_for_node(node)


def _reads_variable(owner: cst.MetadataDependent, expr: cst.BaseExpression, variable: str) -> bool:
    """`os.environ[variable]`, `os.environ.get(variable)` or `os.getenv(variable)`: a copy of it."""
    if isinstance(expr, cst.Subscript) and ENVIRON in qualified_names(owner, expr.value) and len(expr.slice) == 1:
        index = expr.slice[0].slice
        return isinstance(index, cst.Index) and fold_string(owner, index.value) == variable
    if isinstance(expr, cst.Call) and qualified_names(owner, expr.func) & ENV_READERS and expr.args:
        return fold_string(owner, expr.args[0].value) == variable
    return False
