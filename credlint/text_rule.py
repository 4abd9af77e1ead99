"""The base class of rules that read any file but Python as lines of text."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Optional

from credlint.span_rule import SpanRule


@dataclass(frozen=True)
class TextFile:
    """A file's text, its kind (file_kinds.py) and the lines another reading already covers."""

    path: str
    kind: str
    text: str
    # Lines a rule must not read: a notebook's code cells, which the Python rules check.
    covered_lines: frozenset[int] = frozenset()
    cell_starts: tuple[int, ...] = ()  # a notebook's cells, by the line each starts on

    def cell_of(self, line: int) -> Optional[int]:
        """The 1-based notebook cell a line belongs to; None outside notebooks."""
        return bisect.bisect_right(self.cell_starts, line) or None


class TextRule(SpanRule):
    """A check over a file's text. Subclasses implement check() and call report()."""

    def check(self, document: TextFile) -> None:
        raise NotImplementedError
