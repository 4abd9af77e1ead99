"""A node's code children in source order, read from its fields.

LibCST's `children` rebuilds the node with a visitor to list them, which costs tens of
microseconds a node; analyses that walk the same loop body several times spent most of their time
there. Whitespace, brackets, punctuation and comments are left out: no analysis looks for them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from functools import cache

import libcst as cst

_TRIVIA_FIELDS = frozenset(
    {
        "asynchronous",
        "colon",
        "comma",
        "comment",
        "dot",
        "empty_lines",
        "equal",
        "first_colon",
        "first_line",
        "footer",
        "header",
        "lbrace",
        "lbracket",
        "leading_lines",
        "leading_whitespace",
        "last_line",
        "lines_after_decorators",
        "lpar",
        "newline",
        "rbrace",
        "rbracket",
        "relative",
        "rpar",
        "second_colon",
        "semicolon",
        "trailing_whitespace",
    }
)
# The classes whose fields are not declared in the order their code is written.
_SOURCE_ORDER: dict[type[cst.CSTNode], tuple[str, ...]] = {
    cst.FunctionDef: ("decorators", "name", "type_parameters", "params", "returns", "body"),
    cst.ClassDef: ("decorators", "name", "type_parameters", "bases", "keywords", "body"),
    cst.Arg: ("keyword", "value"),
    cst.IfExp: ("body", "test", "orelse"),
    cst.ExceptHandler: ("type", "name", "body"),
    cst.ExceptStarHandler: ("type", "name", "body"),
    cst.MatchCase: ("pattern", "guard", "body"),
    cst.Parameters: ("posonly_params", "posonly_ind", "params", "star_arg", "kwonly_params", "star_kwarg"),
    cst.TypeAlias: ("name", "type_parameters", "value"),
}


@cache
def _code_fields(node_type: type[cst.CSTNode]) -> tuple[str, ...]:
    if node_type in _SOURCE_ORDER:
        return _SOURCE_ORDER[node_type]
    return tuple(
        field.name
        for field in dataclasses.fields(node_type)
        if field.name not in _TRIVIA_FIELDS and not field.name.startswith("whitespace")
    )


_node_types: dict[type[object], bool] = {}


def _is_node_type(value_type: type[object]) -> bool:
    """Asked once per type: CSTNode is an ABC, and isinstance against one is slow."""
    known = _node_types.get(value_type)
    if known is None:
        known = _node_types[value_type] = issubclass(value_type, cst.CSTNode)
    return known


def code_children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The nodes of code directly under node, in the order they are written."""
    found: list[cst.CSTNode] = []
    for name in _code_fields(type(node)):
        value: object = getattr(node, name)
        if isinstance(value, (tuple, list)):
            found.extend(item for item in value if _is_node_type(type(item)))
        elif _is_node_type(type(value)):
            found.append(value)  # type: ignore[arg-type]  # a CSTNode: _is_node_type said so
    return found


def code_nodes(root: cst.CSTNode, left_out: frozenset[type[cst.CSTNode]] = frozenset()) -> Iterator[cst.CSTNode]:
    """root and every node of code under it, in the order LibCST visits them, less the nodes of a
    left-out type under root and what they hold. A stack: nested generators cost a step per level."""
    pending = [root]
    while pending:
        node = pending.pop()
        yield node
        pending.extend(child for child in reversed(code_children(node)) if type(child) not in left_out)
