"""Where code sits relative to other code: arms of one `if`, blocks that expect an exception, test files.

Shared by the CL5xx rules so that code which never runs together, or fails on purpose, is not
reported as if it did.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Optional

import libcst as cst
from libcst.metadata import CodeRange, PositionProvider

from credlint.analysis.bindings import bound_values
from credlint.analysis.literals import simple_string_text
from credlint.finding import Severity
from credlint.settings import TEST_POLICY_IGNORE, TEST_POLICY_REPORT, RuleSettings

# ref. pytest.raises, unittest TestCase.assertRaises / assertRaisesRegex: a `with` over one of them
# expects the block to raise, as a test of PartialCredentialsError does.
EXPECTS_EXCEPTION = frozenset({"raises", "assertRaises", "assertRaisesRegex"})


def _contains(outer: CodeRange, inner: CodeRange) -> bool:
    return (outer.start.line, outer.start.column) <= (inner.start.line, inner.start.column) and (
        inner.end.line,
        inner.end.column,
    ) <= (outer.end.line, outer.end.column)


def in_exclusive_arms(
    owner: cst.MetadataDependent, ifs: Sequence[cst.If], first: cst.CSTNode, second: cst.CSTNode
) -> bool:
    """Whether one node lies in an `if` body and the other in its `else`/`elif`: they never run together."""
    one, other = owner.get_metadata(PositionProvider, first), owner.get_metadata(PositionProvider, second)
    for statement in ifs:
        if statement.orelse is None:
            continue
        body = owner.get_metadata(PositionProvider, statement.body)
        orelse = owner.get_metadata(PositionProvider, statement.orelse)
        if (_contains(body, one) and _contains(orelse, other)) or (_contains(body, other) and _contains(orelse, one)):
            return True
    return False


def expects_exception(with_statement: cst.With) -> bool:
    """`with pytest.raises(...)`, `with self.assertRaises(...)`: the block is meant to fail."""
    for item in with_statement.items:
        call = item.item
        if isinstance(call, cst.Call):
            func = call.func
            name = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", None)
            if name in EXPECTS_EXCEPTION:
                return True
    return False


def inside_any(owner: cst.MetadataDependent, blocks: Sequence[cst.CSTNode], node: cst.CSTNode) -> bool:
    position = owner.get_metadata(PositionProvider, node)
    return any(_contains(owner.get_metadata(PositionProvider, block), position) for block in blocks)


def is_none(owner: cst.MetadataDependent, expr: cst.BaseExpression) -> bool:
    """`None`, or a name every binding of which is `None`: an argument botocore treats as not given."""
    if isinstance(expr, cst.Name) and expr.value == "None":
        return True
    if not isinstance(expr, cst.Name):
        return False
    values = list(bound_values(owner, expr))
    return bool(values) and all(isinstance(value, cst.Name) and value.value == "None" for value in values)


def is_empty_string(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.SimpleString) and simple_string_text(expr) == ""


def stand_in_severity(default: Severity, settings: RuleSettings) -> Optional[Severity]:
    """A test file's finding follows `test-policy`, as env-shadowing findings do: tests use literal MFA
    codes against moto and build partial credentials to see them fail. None: not reported."""
    if not settings.test_file or settings.test_policy == TEST_POLICY_REPORT:
        return default
    return None if settings.test_policy == TEST_POLICY_IGNORE else Severity.INFO
