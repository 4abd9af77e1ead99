"""Inline suppressions: `# credlint: ignore[CL101]` and detect-secrets' `# pragma: allowlist secret`.

A comment applies to its own line and, when it sits on a statement's first line, to the whole
statement, so a multi-line call is silenced from where it starts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Optional

import libcst as cst
from libcst.metadata import PositionProvider

from credlint.finding import Finding

SUPPRESSION_TRIGGERS = (b"credlint:", b"allowlist")
_IGNORE = re.compile(r"credlint:\s*ignore(?:\[(?P<codes>[^\]]*)\])?", re.IGNORECASE)
_ALLOWLIST = re.compile(r"pragma:\s*allowlist[ -]secret", re.IGNORECASE)
# detect-secrets' pragma speaks of secrets only, so it silences the hard-coded credential family.
ALLOWLIST_CODES = ("CL1",)
ALL_CODES: tuple[str, ...] = ("",)


def parse_suppression(comment: str) -> Optional[tuple[str, ...]]:
    """The code prefixes a comment silences, ALL_CODES for a bare ignore, None if none."""
    codes: list[str] = []
    ignore = _IGNORE.search(comment)
    if ignore:
        listed = ignore.group("codes")
        if listed is None or not listed.strip():
            return ALL_CODES
        codes.extend(code.strip().upper() for code in listed.split(",") if code.strip())
    if _ALLOWLIST.search(comment):
        codes.extend(ALLOWLIST_CODES)
    return tuple(codes) if codes else None


class SuppressionCollector(cst.BatchableCSTVisitor):
    """Collects suppression comments and statement spans in the same visit as the rules."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self) -> None:
        super().__init__()
        self.by_line: dict[int, tuple[str, ...]] = {}
        self.statements: list[tuple[int, int]] = []

    def visit_Comment(self, node: cst.Comment) -> None:
        codes = parse_suppression(node.value)
        if codes is not None:
            line = self.get_metadata(PositionProvider, node).start.line
            self.by_line[line] = self.by_line.get(line, ()) + codes

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self._statement(node)

    # Batched visitors dispatch on concrete classes, so each compound statement is named.
    def visit_If(self, node: cst.If) -> None:
        self._statement(node)

    def visit_For(self, node: cst.For) -> None:
        self._statement(node)

    def visit_While(self, node: cst.While) -> None:
        self._statement(node)

    def visit_With(self, node: cst.With) -> None:
        self._statement(node)

    def visit_Try(self, node: cst.Try) -> None:
        self._statement(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._statement(node)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._statement(node)

    def _statement(self, node: cst.CSTNode) -> None:
        position = self.get_metadata(PositionProvider, node)
        self.statements.append((position.start.line, position.end.line))

    def first_line_of_statement(self, line: int) -> int:
        containing = [start for start, end in self.statements if start <= line <= end]
        return max(containing) if containing else line

    def is_suppressed(self, finding: Finding) -> bool:
        line = finding.span.line
        for comment_line in {line, self.first_line_of_statement(line)}:
            prefixes = self.by_line.get(comment_line, ())
            if any(finding.code.startswith(prefix) for prefix in prefixes):
                return True
        return False

    def keep(self, findings: Iterable[Finding]) -> list[Finding]:
        return [finding for finding in findings if not self.is_suppressed(finding)]
