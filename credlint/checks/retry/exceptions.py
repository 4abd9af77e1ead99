"""Which errors an except clause takes: ClientError, BotoCoreError, every exception, or the
modeled classes of a client (`client.exceptions.ThrottlingException`); and what `isinstance(e, X)` tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import libcst as cst

from credlint.analysis.bindings import MAX_RESOLUTION_DEPTH, qualified_names, single_bound_value
from credlint.analysis.sdk import SDK_LIBRARIES
from credlint.checks.retry.conditions import CodeTest, Known, Opaque, Pred

CLIENT_ERROR_NAMES = frozenset(
    {
        "botocore.exceptions.ClientError",
        "botocore.errorfactory.ClientError",
        "botocore.waiter.ClientError",
    }
)
BOTOCORE_ERROR_NAMES = frozenset({"botocore.exceptions.BotoCoreError", "botocore.discovery.BotoCoreError"})
BROAD_NAMES = frozenset({"Exception", "BaseException", "builtins.Exception", "builtins.BaseException"})


@dataclass(frozen=True)
class Caught:
    """Which errors an except clause (or a retry library's exception argument) takes."""

    client_error: bool = False  # botocore's ClientError, by name
    botocore_error: bool = False  # BotoCoreError: no code, and ParamValidationError fails every time
    broad: bool = False  # bare except, Exception: AWS only when an AWS call is inside
    specific: tuple[str, ...] = ()  # modeled classes (`client.exceptions.ThrottlingException`): their codes
    unknown: bool = False  # something credlint cannot resolve

    @property
    def takes_client_errors(self) -> bool:
        return self.client_error or self.broad

    @property
    def relevant(self) -> bool:
        return self.client_error or self.botocore_error or self.broad or bool(self.specific)

    def merged(self, other: Caught) -> Caught:
        return Caught(
            self.client_error or other.client_error,
            self.botocore_error or other.botocore_error,
            self.broad or other.broad,
            self.specific + other.specific,
            self.unknown or other.unknown,
        )

    def describe(self) -> str:
        if self.broad:
            return "every exception"
        named = (("ClientError", self.client_error), ("BotoCoreError", self.botocore_error))
        names = [name for name, present in named if present]
        return " and ".join(names) if names else ", ".join(self.specific)


def caught_by(owner: cst.MetadataDependent, expr: Optional[cst.BaseExpression], depth: int = 0) -> Caught:
    """The exceptions an except clause's type expression names (None: a bare except)."""
    if expr is None:
        return Caught(broad=True)
    if depth > MAX_RESOLUTION_DEPTH:
        return Caught(unknown=True)
    if isinstance(expr, (cst.Tuple, cst.List)):
        result = Caught()
        for element in expr.elements:
            result = result.merged(caught_by(owner, element.value, depth + 1))
        return result
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
        return caught_by(owner, expr.left, depth + 1).merged(caught_by(owner, expr.right, depth + 1))
    names = qualified_names(owner, expr)
    if names & CLIENT_ERROR_NAMES:
        return Caught(client_error=True)
    if names & BOTOCORE_ERROR_NAMES:
        return Caught(botocore_error=True)
    if names & BROAD_NAMES:
        return Caught(broad=True)
    if (
        isinstance(expr, cst.Attribute)
        and isinstance(expr.value, cst.Attribute)
        and expr.value.attr.value == "exceptions"
        and not _is_module_path(owner, expr.value.value)
    ):
        # `client.exceptions.X`, `s3.meta.client.exceptions.X`: botocore's modeled classes
        if expr.attr.value == "ClientError":
            return Caught(client_error=True)
        return Caught(specific=(expr.attr.value,))
    if isinstance(expr, cst.Name):
        value = single_bound_value(owner, expr)
        if value is not None:
            return caught_by(owner, value, depth + 1)
    return Caught(unknown=True)


def _is_module_path(owner: cst.MetadataDependent, expr: cst.BaseExpression) -> bool:
    """`botocore.exceptions.X` is a module path, not a client's `exceptions` attribute."""
    return any(name.split(".")[0] in SDK_LIBRARIES for name in qualified_names(owner, expr))


def instance_test(caught: Caught) -> Pred:
    """`isinstance(e, X)` for a ClientError e."""
    if caught.takes_client_errors:
        return Known(True)
    if caught.specific:
        return CodeTest(frozenset(caught.specific))
    if caught.unknown:
        return Opaque()
    return Known(False)
