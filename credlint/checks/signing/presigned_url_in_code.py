"""CL507: a pre-signed URL written in a string or comment, which works for whoever reads it."""

from __future__ import annotations

from typing import Optional

import libcst as cst
from libcst.metadata import PositionProvider

from credlint.analysis.bindings import BINDING_PROVIDERS
from credlint.analysis.literal_spans import text_span
from credlint.analysis.literals import StringPiece, is_string_expression, string_pieces
from credlint.checks.signing.presigned_explanation import presigned_explanation, presigned_message
from credlint.checks.signing.presigned_urls import PresignedUrl, find_presigned_urls
from credlint.finding import Span
from credlint.rule import Rule, node_span
from credlint.settings import FileContext

PLACE = "the code"
UNKNOWN_PIECE = "\0"  # an f-string part or name whose text is unknown: no URL runs across it


class PresignedUrlInCode(Rule):
    """A pre-signed URL is a bearer credential for its request: committing it shares that request.

    Each whole string expression is read once (a concatenation or f-string as one text, so a URL
    split over lines is found), and each URL reported once, where the first string holding all of
    it is written.
    """

    METADATA_DEPENDENCIES = (PositionProvider, *BINDING_PROVIDERS)

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._string_depth = 0
        self._reported: set[str] = set()

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self._enter(node)

    def leave_SimpleString(self, original_node: cst.SimpleString) -> None:
        self._string_depth -= 1

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> None:
        self._enter(node)

    def leave_ConcatenatedString(self, original_node: cst.ConcatenatedString) -> None:
        self._string_depth -= 1

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        self._enter(node)

    def leave_FormattedString(self, original_node: cst.FormattedString) -> None:
        self._string_depth -= 1

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        if is_string_expression(node):
            self._enter(node)

    def leave_BinaryOperation(self, original_node: cst.BinaryOperation) -> None:
        if is_string_expression(original_node):
            self._string_depth -= 1

    def visit_Comment(self, node: cst.Comment) -> None:
        start = self.get_metadata(PositionProvider, node).start
        for url in find_presigned_urls(node.value):
            column = start.column + url.start + 1
            self._report(node, url, Span(start.line, column, start.line, start.column + url.end + 1))

    def _enter(self, node: cst.BaseExpression) -> None:
        if self._string_depth == 0:
            pieces = string_pieces(self, node) or []
            text = "".join(UNKNOWN_PIECE if piece.text is None else piece.text for piece in pieces)
            for url in find_presigned_urls(text):
                self._report(node, url, self._span_of(node, pieces, text, url))
        self._string_depth += 1

    def _report(self, node: cst.CSTNode, url: PresignedUrl, span: Optional[Span]) -> None:
        if url.signature in self._reported:
            return
        self._reported.add(url.signature)
        span = span or node_span(self.get_metadata(PositionProvider, node))
        explanation = presigned_explanation(url, PLACE, span.line)
        self.report(node, presigned_message(url), explanation, secret=url.signature, span=span)

    def _span_of(
        self, root: cst.BaseExpression, pieces: list[StringPiece], text: str, url: PresignedUrl
    ) -> Optional[Span]:
        """Where the URL starts: in the literal that holds its first character, on that literal's
        own line inside a multi-line string; None (the whole expression) when escapes or a name
        hide it."""
        offset = 0
        for piece in pieces:
            length = len(piece.text) if piece.text is not None else len(UNKNOWN_PIECE)
            if offset <= url.start < offset + length:
                if piece.borrowed:
                    return None
                return text_span(self, piece.node, text[url.start : min(url.end, offset + length)])
            offset += length
        return None
