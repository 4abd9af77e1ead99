"""GitHub Actions workflow commands: one annotation per finding, escaped as the runner requires."""

from __future__ import annotations

from credlint.api import Report
from credlint.finding import Finding, Severity

COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """ref. actions/toolkit command.ts escapeData: %, CR and LF in a command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """ref. actions/toolkit command.ts escapeProperty: also `:` and `,` in a property value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    properties = ",".join(
        f"{key}={escape_property(str(value))}"
        for key, value in (
            ("file", finding.path),
            ("line", finding.span.line),
            ("col", finding.span.column),
            ("endLine", finding.span.end_line),
            ("endColumn", finding.span.end_column),
            ("title", f"{finding.code} {finding.name}"),
        )
    )
    message = f"{finding.message}\n{finding.explanation.summary}\nFix: {finding.explanation.fix}"
    return f"::{COMMAND[finding.severity]} {properties}::{escape_data(message)}"


def render(report: Report) -> str:
    lines = [annotation(finding) for finding in report.findings]
    lines += [
        f"::{error.level} file={escape_property(error.path)}::{escape_data(error.message)}" for error in report.errors
    ]
    return "".join(line + "\n" for line in lines)
