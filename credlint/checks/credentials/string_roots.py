"""Visiting each whole string expression once, with its text mapped back to where it is written."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from credlint.analysis.literals import StringPiece, is_string_expression, string_pieces
from credlint.rule import Rule
from credlint.settings import FileContext


class StringRootRule(Rule):
    """A rule that looks at the text of every string expression and comment.

    A concatenation or f-string is seen as a whole, once, so that a key split across
    `"AKIA" + "..."` is found, and found only once.
    """

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._string_depth = 0

    def check_string(self, root: cst.BaseExpression, text: str, pieces: list[StringPiece]) -> None:
        """Called once for each outermost string expression."""

    def check_comment(self, node: cst.Comment) -> None:
        """Called for each comment."""

    def _enter(self, node: cst.BaseExpression) -> None:
        if self._string_depth == 0:
            pieces = string_pieces(self, node) or []
            text = "".join(piece.text or "\0" for piece in pieces)
            self.check_string(node, text, pieces)
        self._string_depth += 1

    def _leave(self) -> None:
        self._string_depth -= 1

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self._enter(node)

    def leave_SimpleString(self, original_node: cst.SimpleString) -> None:
        self._leave()

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> None:
        self._enter(node)

    def leave_ConcatenatedString(self, original_node: cst.ConcatenatedString) -> None:
        self._leave()

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        self._enter(node)

    def leave_FormattedString(self, original_node: cst.FormattedString) -> None:
        self._leave()

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        if is_string_expression(node):
            self._enter(node)

    def leave_BinaryOperation(self, original_node: cst.BinaryOperation) -> None:
        if is_string_expression(original_node):
            self._leave()

    def visit_Comment(self, node: cst.Comment) -> None:
        self.check_comment(node)


def node_for_span(root: cst.BaseExpression, pieces: list[StringPiece], start: int, end: int) -> Optional[cst.CSTNode]:
    """Where text[start:end] is written: one piece's node, the root, or None when it is all
    borrowed from names (it is then reported where those names are bound)."""
    offset = 0
    covering: list[StringPiece] = []
    for piece in pieces:
        length = len(piece.text) if piece.text is not None else 1
        if offset < end and start < offset + length:
            covering.append(piece)
        offset += length
    if covering and all(piece.borrowed for piece in covering):
        return None
    if len(covering) == 1:
        return covering[0].node
    return root
