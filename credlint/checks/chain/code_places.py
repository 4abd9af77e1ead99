"""Where code sits relative to other code: arms of one `if`, functions, blocks that expect an exception.

Shared by the CL5xx rules so that code which never runs together, or fails on purpose, is not
reported as if it did.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Optional

import libcst as cst
from libcst.metadata import CodeRange, PositionProvider

from credlint.analysis.bindings import bound_values, qualified_names
from credlint.analysis.literals import simple_string_text

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


def enclosing_function(
    owner: cst.MetadataDependent, functions: Sequence[cst.FunctionDef], node: cst.CSTNode
) -> Optional[cst.FunctionDef]:
    """The innermost of functions (in the order they start) that holds node; None at module level."""
    position = owner.get_metadata(PositionProvider, node)
    holding = [f for f in functions if _contains(owner.get_metadata(PositionProvider, f), position)]
    return holding[-1] if holding else None


def is_test(function: cst.FunctionDef) -> bool:
    """A function pytest and unittest collect, which they run on its own."""
    return function.name.value.startswith("test")


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


def catches(owner: cst.MetadataDependent, handler: cst.ExceptHandler, exceptions: frozenset[str]) -> bool:
    """An `except` clause naming one of the exceptions (by qualified name), alone or in a tuple."""
    caught = handler.type
    named = caught.elements if isinstance(caught, cst.Tuple) else [caught] if caught is not None else []
    return any(
        qualified_names(owner, element.value if isinstance(element, cst.Element) else element) & exceptions
        for element in named
    )


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
