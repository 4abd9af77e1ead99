"""The text report: ruff-style `path:line:col: CODE message`, then the chain explanation."""

from __future__ import annotations

import os
import textwrap
from functools import lru_cache
from typing import IO

from credlint.api import Report
from credlint.chain import STATUS_THIS_CODE, ChainStep, Explanation
from credlint.finding import SAFE, Finding, Severity

WIDTH = 100
INDENT = "    "
_SEVERITY_COLOUR = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}
# How each chain combines its links: resolution chains stop at the first answer; retry layers
# multiply their attempts.
CHAIN_HEADINGS = {"retry": "retry layers, attempts multiply:"}


def use_colour(stream: IO[str]) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty()


class TextRenderer:
    """Renders a report for people: a head line per finding, then (unless --no-explain) its chain."""

    def __init__(self, *, colour: bool, explain: bool) -> None:
        self.colour = colour
        self.explain = explain

    def paint(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.colour else text

    def render(self, report: Report) -> str:
        blocks = [self.finding(finding) for finding in report.findings]
        blocks.append(self.summary(report))
        return ("\n\n" if self.explain else "\n").join(blocks) + "\n"

    def finding(self, finding: Finding) -> str:
        location = self.paint(f"{printable(finding.path)}:{finding.span.line}:{finding.span.column}:", "1")
        code = self.paint(finding.code, "1;" + _SEVERITY_COLOUR[finding.severity])
        preview = f" [{finding.preview}]" if finding.preview else ""
        fixable = " [*]" if finding.fix is not None and finding.fix.safety == SAFE else ""  # as ruff marks it
        head = f"{location} {code}{fixable} {printable(finding.message)}{preview} ({finding.severity.value})"
        if not self.explain:
            return head
        lines = [head, self.explanation(finding.explanation)]
        if finding.fix is not None:
            flags = "--fix" if finding.fix.safety == SAFE else "--fix --unsafe-fixes"
            lines.extend(_wrap(f"Autofix ({finding.fix.safety}, {flags}): {finding.fix.description}", INDENT))
        return "\n".join(lines)

    def explanation(self, explanation: Explanation) -> str:
        lines = list(_wrap(explanation.summary, INDENT))
        if explanation.steps:
            heading = CHAIN_HEADINGS.get(explanation.chain, f"{explanation.chain} chain, first link that answers wins:")
            lines.append(f"{INDENT}{heading}")
            lines.extend(self.step(step) for step in explanation.steps)
        lines.extend(_wrap("At runtime: " + explanation.runtime, INDENT))
        lines.extend(_wrap("Fix: " + explanation.fix, INDENT))
        return "\n".join(lines)

    def step(self, step: ChainStep) -> str:
        marker = ">>" if step.status == STATUS_THIS_CODE else "  "
        where = f", line {step.line}" if step.line is not None else ""
        status = f"{step.status}{where}"
        row = f"{INDENT}{marker} {step.position:>2} {step.method:<30} {status:<24} {step.reads}"
        if step.status == STATUS_THIS_CODE:
            return self.paint(row, "1")
        return row

    def summary(self, report: Report) -> str:
        count = len(report.findings)
        if not count:
            text = f"No findings in {_plural(report.files_checked, 'file')}."
        else:
            by_severity = ", ".join(
                f"{sum(1 for f in report.findings if f.severity is severity)} {severity.value}"
                for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO)
                if any(f.severity is severity for f in report.findings)
            )
            files = len({f.path for f in report.findings})
            text = (
                f"Found {_plural(count, 'finding')} ({by_severity}) "
                f"in {_plural(files, 'file')} of {report.files_checked} checked."
            )
        failed = sum(1 for error in report.errors if error.blocking)
        if failed:
            text += f" {_plural(failed, 'file')} could not be checked."
        if len(report.errors) > failed:
            text += f" {_plural(len(report.errors) - failed, 'file')} skipped."
        return text + _fixable(report)


def _fixable(report: Report) -> str:
    """How many findings --fix would fix, and how many more --unsafe-fixes would, as ruff says it."""
    safe = sum(1 for f in report.findings if f.fix is not None and f.fix.safety == SAFE)
    unsafe = sum(1 for f in report.findings if f.fix is not None) - safe
    if safe:
        more = f" ({unsafe} more with --unsafe-fixes)" if unsafe else ""
        return f"\n[*] {safe} fixable with --fix{more}."
    return f"\n{unsafe} fixable with --fix --unsafe-fixes." if unsafe else ""


def printable(text: str) -> str:
    """Control characters (a line break or a terminal escape in a file name) as escapes: one
    finding stays one line, and a name cannot drive the terminal."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


@lru_cache(maxsize=1024)
def _wrap(text: str, indent: str) -> tuple[str, ...]:
    """Wrapped once per distinct text: findings of one rule often share their explanation."""
    return tuple(textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ")) or (indent,)


def render(report: Report, *, colour: bool, explain: bool) -> str:
    return TextRenderer(colour=colour, explain=explain).render(report)
