"""Where a piece of text is written inside a string literal or a comment, so a finding marks the
value itself (on its own line in a multi-line string) rather than the whole expression."""

from __future__ import annotations

from typing import Optional

import libcst as cst
from libcst.metadata import PositionProvider

from credlint.finding import Span


def text_span(owner: cst.MetadataDependent, node: cst.CSTNode, text: str) -> Optional[Span]:
    """The span of text in a plain string literal or a comment as the source spells it; None for
    any other node, or when escapes hide the text from the source."""
    if not isinstance(node, (cst.SimpleString, cst.Comment)):
        return None
    offset = node.value.find(text)
    if offset < 0:
        return None
    start = owner.get_metadata(PositionProvider, node).start
    newlines = node.value.count("\n", 0, offset)
    line_start = node.value.rfind("\n", 0, offset) + 1
    column = (start.column + offset if newlines == 0 else offset - line_start) + 1
    return Span(start.line + newlines, column, start.line + newlines, column + len(text))
