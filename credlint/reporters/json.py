"""The JSON report: version 1, stable keys, sorted findings, explanations as structured data."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from credlint.api import Report
from credlint.finding import FileError, Finding

JSON_VERSION = 1


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code,
        "name": finding.name,
        "category": finding.category,
        "severity": finding.severity.value,
        "path": finding.path,
        "line": finding.span.line,
        "column": finding.span.column,
        "end_line": finding.span.end_line,
        "end_column": finding.span.end_column,
        "message": finding.message,
        "preview": finding.preview,
        "fingerprint": finding.fingerprint,
        "explanation": finding.explanation.to_dict(),
        # what --fix (safe) or --fix --unsafe-fixes would do; null when the finding has no fix
        "fix": None if finding.fix is None else {"safety": finding.fix.safety, "description": finding.fix.description},
    }


def error_to_dict(error: FileError) -> dict[str, Any]:
    return {"path": error.path, "kind": error.kind, "level": error.level, "message": error.message}


def summary(report: Report) -> dict[str, Any]:
    return {
        "files_checked": report.files_checked,
        "findings": len(report.findings),
        "errors": len(report.errors),
        "by_severity": dict(sorted(Counter(f.severity.value for f in report.findings).items())),
        "by_code": dict(sorted(Counter(f.code for f in report.findings).items())),
    }


def render(report: Report) -> str:
    document = {
        "version": JSON_VERSION,
        "findings": [finding_to_dict(finding) for finding in report.findings],
        "errors": [error_to_dict(error) for error in report.errors],
        "summary": summary(report),
    }
    return json.dumps(document, indent=2, sort_keys=False) + "\n"
