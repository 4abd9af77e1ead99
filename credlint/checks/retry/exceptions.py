"""Which errors an except clause takes: ClientError, BotoCoreError, every exception, or the
modeled classes of a client (`client.exceptions.ThrottlingException`, by any alias); and what
`isinstance(e, X)` tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import libcst as cst

from credlint.analysis.bindings import MAX_RESOLUTION_DEPTH, bindings_of, qualified_names, single_bound_value
from credlint.analysis.name_scopes import ImportBinding
from credlint.checks.retry.aws_calls import client_service
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
    service: Optional[str] = None  # the service of the client whose modeled classes these are

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
            self.service or other.service,
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
    client = modeled_client(owner, expr.value) if isinstance(expr, cst.Attribute) else None
    if isinstance(expr, cst.Attribute) and client is not None:
        # `client.exceptions.X`, `s3.meta.client.exceptions.X`, `errors.X` after `errors = client.exceptions`.
        # The class name stands for its code. ref. botocore errorfactory.py: classes are named after
        # their error shape, whose code may differ (`NoSuchEntityException` for `NoSuchEntity`); in
        # botocore 1.44.8 service-2.json no such name reads as a client error while its code is retried.
        if expr.attr.value == "ClientError":
            return Caught(client_error=True)
        return Caught(specific=(expr.attr.value,), service=client_service(owner, client))
    if isinstance(expr, cst.Name):
        value = single_bound_value(owner, expr)
        if value is not None:
            return caught_by(owner, value, depth + 1)
    return Caught(unknown=True)


def modeled_client(owner: cst.MetadataDependent, expr: cst.BaseExpression) -> Optional[cst.BaseExpression]:
    """The client whose `exceptions` expr is (`s3.exceptions`, or a name bound once to it); None for a
    module's `exceptions` (`botocore.exceptions`, `requests.exceptions`)."""
    if isinstance(expr, cst.Name):
        value = single_bound_value(owner, expr)
        expr = value if value is not None else expr
    if isinstance(expr, cst.Attribute) and expr.attr.value == "exceptions" and not _is_module(owner, expr.value):
        return expr.value
    return None


def _is_module(owner: cst.MetadataDependent, expr: cst.BaseExpression) -> bool:
    """An attribute chain that starts at an imported name: a module path, not a client. A client
    imported from another module is read as a module too, and its classes are not followed."""
    root = expr
    while isinstance(root, cst.Attribute):
        root = root.value
    if not isinstance(root, cst.Name):
        return False
    bindings = bindings_of(owner, root)
    return bool(bindings) and all(isinstance(binding, ImportBinding) for binding in bindings)


def instance_test(caught: Caught) -> Pred:
    """`isinstance(e, X)` for a ClientError e."""
    if caught.takes_client_errors:
        return Known(True)
    if caught.specific:
        return CodeTest(frozenset(caught.specific))
    if caught.unknown:
        return Opaque()
    return Known(False)
