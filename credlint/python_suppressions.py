"""Suppression comments in Python, collected in the same LibCST visit as the rules."""

from __future__ import annotations

from collections.abc import Iterable

import libcst as cst
from libcst.metadata import PositionProvider

from credlint.finding import Finding
from credlint.suppressions import parse_suppression
from credlint.visitor_methods import MethodsByClass


class SuppressionCollector(MethodsByClass):
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
