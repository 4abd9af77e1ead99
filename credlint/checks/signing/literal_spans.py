"""Where a piece of text is written inside a string literal, so a finding marks the value itself
(on its own line in a multi-line string) rather than the whole expression."""

from __future__ import annotations

from typing import Optional

import libcst as cst
from libcst.metadata import PositionProvider

from credlint.finding import Span
from credlint.rule import Rule


def span_in_literal(rule: Rule, literal: cst.CSTNode, written: str) -> Optional[Span]:
    """The span of written in literal as the source spells it; None when it is not a plain string
    literal or escapes hide the text from the source."""
    if not isinstance(literal, cst.SimpleString):
        return None
    found = literal.value.find(written)
    if found < 0:
        return None
    start = rule.get_metadata(PositionProvider, literal).start
    newlines = literal.value.count("\n", 0, found)
    line_start = literal.value.rfind("\n", 0, found) + 1
    column = (start.column + found if newlines == 0 else found - line_start) + 1
    return Span(start.line + newlines, column, start.line + newlines, column + len(written))
