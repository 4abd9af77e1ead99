"""Reporting the credentials a text scan finds, with the message and explanation of their place."""

from __future__ import annotations

from credlint.checks.credentials.text_places import WHERE, place_of, text_explanation
from credlint.checks.credentials.text_scan import scan_text
from credlint.finding import Span
from credlint.text_rule import TextFile, TextRule


def report_in_text(
    rule: TextRule, document: TextFile, credentials: frozenset[str], *, example: bool, label: str
) -> None:
    """Report each value of these credential kinds, AWS's examples or the others, in the file."""
    first_line = document.text[: document.text.find("\n")]
    for found in scan_text(document.text, document.covered_lines):
        if found.credential not in credentials or found.example != example:
            continue
        place = place_of(document.path, document.kind, found, first_line)
        cell = document.cell_of(found.line)
        named = f" as {found.name}" if found.name else ""
        in_cell = f" (cell {cell})" if cell else ""
        rule.report(
            Span(found.line, found.column, found.line, found.column + len(found.value)),
            f"{label}{named} in {WHERE[place]}{in_cell}",
            text_explanation(found, place, cell),
            secret=found.value,
        )
