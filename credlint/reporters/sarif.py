"""SARIF 2.1.0 for code scanning: one reportingDescriptor per rule, results with the explanation.

Paths stay relative to the run's working directory (`%SRCROOT%`), as GitHub code scanning wants.
"""

from __future__ import annotations

import json
from typing import Any

from credlint import __version__
from credlint.api import Report
from credlint.catalogue import page_path, page_url
from credlint.finding import Finding, Severity
from credlint.registry import RULES
from credlint.rule_info import RuleInfo

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
# ref. SARIF 2.1.0 section 3.27.10: level is one of none, note, warning, error.
SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# GitHub code scanning reads security-severity (0.0-10.0) to rank security alerts.
SECURITY_SEVERITY = {Severity.ERROR: "8.0", Severity.WARNING: "5.0", Severity.INFO: "2.0"}


def reporting_descriptor(info: RuleInfo) -> dict[str, Any]:
    page = page_path(info.code)
    markdown = page.read_text(encoding="utf-8") if page is not None else info.summary
    return {
        "id": info.code,
        "name": info.name,
        "shortDescription": {"text": info.summary},
        "fullDescription": {"text": info.summary},
        "helpUri": page_url(info.code),
        "help": {"text": f"{info.summary}. See {page_url(info.code)}", "markdown": markdown},
        "defaultConfiguration": {"level": SARIF_LEVEL[info.severity]},
        "properties": {
            "category": info.category,
            "tags": ["security", info.category],
            "security-severity": SECURITY_SEVERITY[info.severity],
        },
    }


def _location(finding: Finding) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": finding.path, "uriBaseId": SRCROOT},
            "region": {
                "startLine": finding.span.line,
                "startColumn": finding.span.column,
                "endLine": finding.span.end_line,
                "endColumn": finding.span.end_column,
            },
        }
    }


def explanation_markdown(finding: Finding) -> str:
    explanation = finding.explanation
    lines = [f"**{finding.code}** {finding.message}", "", explanation.summary, ""]
    if explanation.steps:
        lines += [f"| # | {explanation.chain} link | status | reads |", "| --- | --- | --- | --- |"]
        for step in explanation.steps:
            where = f", line {step.line}" if step.line is not None else ""
            marker = "**" if step.status == "this code" else ""
            lines.append(f"| {step.position} | {marker}{step.method}{marker} | {step.status}{where} | {step.reads} |")
        lines.append("")
    lines += [f"At runtime: {explanation.runtime}", "", f"Fix: {explanation.fix}"]
    return "\n".join(lines)


def result(finding: Finding, rule_index: int) -> dict[str, Any]:
    related = [
        {
            "id": number,
            "message": {"text": note},
            "physicalLocation": {
                "artifactLocation": {"uri": finding.path, "uriBaseId": SRCROOT},
                "region": {"startLine": line},
            },
        }
        for number, (line, note) in enumerate(finding.explanation.related_lines, start=1)
    ]
    entry: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": SARIF_LEVEL[finding.severity],
        "message": {
            "text": f"{finding.message}. {finding.explanation.summary}",
            "markdown": explanation_markdown(finding),
        },
        "locations": [_location(finding)],
        "partialFingerprints": {"credlintFingerprint/v1": finding.fingerprint},
        "properties": {
            "category": finding.category,
            "preview": finding.preview,
            "explanation": finding.explanation.to_dict(),
        },
    }
    if related:
        entry["relatedLocations"] = related
    return entry


def render(report: Report) -> str:
    rule_index = {code: index for index, code in enumerate(report.rules_run)}
    notifications = [
        {
            "level": error.level,
            "message": {"text": error.message},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": error.path, "uriBaseId": SRCROOT}}}],
        }
        for error in report.errors
    ]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "credlint",
                "version": __version__,
                "informationUri": page_url(None),
                "rules": [reporting_descriptor(RULES[code]) for code in report.rules_run],
            }
        },
        "originalUriBaseIds": {
            SRCROOT: {"description": {"text": "The directory credlint ran in; result paths are relative to it."}}
        },
        "results": [result(finding, rule_index[finding.code]) for finding in report.findings],
        "invocations": [{"executionSuccessful": not report.failed, "toolExecutionNotifications": notifications}],
    }
    document = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, indent=2) + "\n"
