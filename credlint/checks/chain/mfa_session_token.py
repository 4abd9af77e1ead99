"""CL505: STS calls for MFA sessions given a one-time code written in the source, or a DurationSeconds
STS cannot accept."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Optional

import libcst as cst
from libcst.metadata import PositionProvider

from credlint.analysis.bindings import BINDING_PROVIDERS, MAX_RESOLUTION_DEPTH, bindings_of
from credlint.analysis.literals import fold_string, int_value
from credlint.analysis.sdk import CLIENT, call_arguments, classify_call
from credlint.analysis.stand_ins import stand_in_severity
from credlint.chain import Explanation
from credlint.finding import Severity
from credlint.rule import Rule
from credlint.settings import FileContext

STS = "sts"
CHAIN = "sts"


@dataclass(frozen=True)
class _Operation:
    name: str
    minimum: int
    maximum: int
    default: str


# ref. aws-chain-reference.md section 7: GetSessionToken DurationSeconds 900-129,600 (default 43,200).
# The others are not in the reference: botocore data/sts/2011-06-15/service-2.json gives the
# AssumeRole* operations roleDurationSecondsType 900-43,200 (default 3,600) and GetFederationToken
# durationSecondsType 900-129,600 (default 43,200), defaults as the model's documentation says.
OPERATIONS = {
    "get_session_token": _Operation("GetSessionToken", 900, 129_600, "43,200 seconds (12 hours)"),
    "get_federation_token": _Operation("GetFederationToken", 900, 129_600, "43,200 seconds (12 hours)"),
    "assume_role": _Operation("AssumeRole", 900, 43_200, "3,600 seconds (1 hour)"),
    "assume_role_with_saml": _Operation("AssumeRoleWithSAML", 900, 43_200, "3,600 seconds (1 hour)"),
    "assume_role_with_web_identity": _Operation("AssumeRoleWithWebIdentity", 900, 43_200, "3,600 seconds (1 hour)"),
}
# Name words that make an object of unknown origin (a parameter, an attribute set elsewhere) the STS client.
_NAME_WORDS = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")

# ref. aws-chain-reference.md section 7: TokenCode is exactly 6 digits, a one-time code, and a literal
# in code is a mistake; the STS model (AssumeRole TokenCode) says an expired code gets "access denied".
_STALE_CODE = (
    "TokenCode is the six-digit code the MFA device shows at the moment of the call, and STS takes it "
    "only while it is current: a code saved in the source is stale soon after it is written, so every "
    "later run is refused by {operation}. If the call ever succeeds this way, someone is "
    "pasting fresh codes into code or generating them next to the keys, and the second factor no longer "
    "proves that a person holding the device is present."
)
_FIX_CODE = {
    "GetSessionToken": (
        "Read the code when the program runs (getpass.getpass('MFA code: '), a command-line argument) "
        "and keep SerialNumber in configuration; pass the temporary credentials the call returns to a "
        "boto3.Session."
    ),
    "AssumeRole": (
        "Read the code when the program runs (getpass.getpass('MFA code: ')), or put role_arn, "
        "source_profile and mfa_serial in a profile: botocore's assume-role provider (link 2 of the "
        "credential chain) then prompts for the code itself."
    ),
}
# ref. botocore validate.py range_check: only the model's minimum is checked before sending.
_TOO_SHORT = (
    "botocore checks DurationSeconds against the model's minimum of {minimum} before sending and raises "
    "ParamValidationError: the call never reaches STS."
)
_TOO_LONG = (
    "botocore checks only the minimum, so the request is sent, and STS rejects a DurationSeconds above "
    "{maximum} for {operation} with a validation error instead of shortening the session."
)
_ROLE_LIMIT = (
    " Values up to {maximum} are accepted only up to the role's own maximum session duration (1 to 12 "
    "hours, set on the role)."
)
_ROOT_LIMIT = " Sessions of the account's root user are limited further, to 900-3,600 seconds."


class MfaSessionToken(Rule):
    """A one-time code in the source is stale or defeats MFA; an out-of-range duration always fails."""

    METADATA_DEPENDENCIES = (PositionProvider, *BINDING_PROVIDERS)

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._calls: list[cst.Call] = []
        self._with_targets: dict[cst.CSTNode, cst.BaseExpression] = {}
        self._self_attributes: defaultdict[str, list[cst.BaseExpression]] = defaultdict(list)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None and isinstance(node.asname.name, cst.Name):
            self._with_targets[node.asname.name] = node.item

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            attribute = target.target
            if _is_self_attribute(attribute):
                assert isinstance(attribute, cst.Attribute)
                self._self_attributes[attribute.attr.value].append(node.value)

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Attribute) and node.func.attr.value in OPERATIONS:
            self._calls.append(node)

    def leave_Module(self, original_node: cst.Module) -> None:
        severity = stand_in_severity(self.info.severity, self.context.settings)
        if severity is None:
            return
        for call in self._calls:
            assert isinstance(call.func, cst.Attribute)
            if not self._is_sts_client(call.func.value):
                continue
            operation = OPERATIONS[call.func.attr.value]
            label = f"{self._receiver_label(call.func.value)}.{call.func.attr.value}(...)"
            arguments = call_arguments(self, call, ())
            code = arguments.get("TokenCode") if operation.name in _FIX_CODE else None  # the MFA calls
            if code is not None and _is_literal(self, code):
                self._report_code(call, code, label, operation, severity)
            duration = arguments.get("DurationSeconds")
            seconds = int_value(self, duration, defaults=False) if duration is not None else None
            if duration is not None and seconds is not None and not operation.minimum <= seconds <= operation.maximum:
                self._report_duration(call, duration, seconds, label, operation, severity)

    def _is_sts_client(self, receiver: cst.BaseExpression, depth: int = 0) -> bool:
        """The receiver is a client for STS: built here (through any alias or session), bound to a
        name or `self` attribute built so, or of unknown origin and named for STS (`sts_client`)."""
        if depth > MAX_RESOLUTION_DEPTH:
            return False
        if isinstance(receiver, cst.Await):
            receiver = receiver.expression
        if isinstance(receiver, cst.Call):
            model = classify_call(self, receiver)
            return model is not None and model.kind == CLIENT and model.service == STS
        values: list[Optional[cst.BaseExpression]] = []
        if isinstance(receiver, cst.Name):
            for binding in bindings_of(self, receiver):
                value = binding.value
                if value is None and binding.node is not None:
                    value = self._with_targets.get(binding.node)
                values.append(value)
            name = receiver.value
        elif isinstance(receiver, cst.Attribute) and _is_self_attribute(receiver):
            values = list(self._self_attributes.get(receiver.attr.value, ()))
            name = receiver.attr.value
        else:
            return False
        known = [value for value in values if value is not None]
        if known:
            return len(known) == len(values) and all(self._is_sts_client(value, depth + 1) for value in known)
        return STS in (word.lower() for word in _NAME_WORDS.split(name))

    def _receiver_label(self, receiver: cst.BaseExpression) -> str:
        """How messages name the client: `sts`, `self.sts`, or the call that builds it."""
        inner = receiver.expression if isinstance(receiver, cst.Await) else receiver
        model = classify_call(self, inner) if isinstance(inner, cst.Call) else None
        return model.label if model is not None else cst.helpers.get_full_name_for_node(receiver) or STS

    def _report_code(
        self, call: cst.Call, code: cst.BaseExpression, label: str, operation: _Operation, severity: Severity
    ) -> None:
        line = self.line_of(call)
        message = (
            f"A literal MFA code is passed as TokenCode to {label}: one-time codes expire, so the call "
            "is refused, or the MFA it stands for is defeated"
        )
        summary = (
            f"{label} (line {line}) asks STS {operation.name} for MFA credentials with a TokenCode written "
            "in the source instead of one read from the device when the code runs."
        )
        explanation = Explanation(
            CHAIN, summary, (), _STALE_CODE.format(operation=operation.name), _FIX_CODE[operation.name]
        )
        self.report(_argument_of(call, code), message, explanation, severity=severity)

    def _report_duration(
        self,
        call: cst.Call,
        duration: cst.BaseExpression,
        seconds: int,
        label: str,
        operation: _Operation,
        severity: Severity,
    ) -> None:
        line = self.line_of(call)
        too_short = seconds < operation.minimum
        outcome = "botocore raises ParamValidationError before sending" if too_short else "STS rejects the call"
        message = (
            f"DurationSeconds {seconds} is outside the {operation.minimum}-{operation.maximum} seconds STS "
            f"allows for {operation.name}: {outcome}"
        )
        summary = f"{label} (line {line}) asks for a {seconds}-second session, which {operation.name} never grants."
        if too_short:
            runtime = _TOO_SHORT.format(minimum=operation.minimum)
        else:
            runtime = _TOO_LONG.format(maximum=operation.maximum, operation=operation.name)
        runtime += (
            _ROLE_LIMIT.format(maximum=operation.maximum) if operation.name.startswith("AssumeRole") else _ROOT_LIMIT
        )
        fix = (
            f"Ask for {operation.minimum}-{operation.maximum} seconds, or leave DurationSeconds out for the "
            f"default of {operation.default}."
        )
        explanation = Explanation(CHAIN, summary, (), runtime, fix)
        self.report(_argument_of(call, duration), message, explanation, severity=severity)


def _is_literal(rule: Rule, expr: cst.BaseExpression) -> bool:
    """A code written in the source: digits in a string, a number, or a constant bound to one. A
    word (`"PERIODIC_TOKEN"`, `"<mfa-code>"`) is a placeholder, which STS's digit pattern refuses."""
    text = fold_string(rule, expr)
    return text.strip().isdigit() if text is not None else int_value(rule, expr, defaults=False) is not None


def _is_self_attribute(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name) and expr.value.value == "self"


def _argument_of(call: cst.Call, expr: cst.BaseExpression) -> cst.CSTNode:
    return next((arg for arg in call.args if arg.value is expr), expr)
