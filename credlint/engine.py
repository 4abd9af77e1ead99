"""One file's bytes to its findings: prefilter, one parse, one metadata wrapper, one batched visit.

Pure: no file system, no configuration lookup. LibCST is imported only when a file gets past
the prefilter, so files that cannot hold a finding cost a substring search.
"""

from __future__ import annotations

import codecs
import io
import re
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Optional

from credlint.chain import no_chain_explanation
from credlint.file_kinds import PYTHON
from credlint.finding import FileError, Finding, Span
from credlint.prefilter import FileProbe
from credlint.registry import PARSE_ERROR_RULE
from credlint.rule_info import RuleInfo
from credlint.secrets import fingerprint
from credlint.settings import DEFAULT_RULE_SETTINGS, FileContext, RuleSettings


@dataclass(frozen=True)
class FileResult:
    """What checking one file produced."""

    findings: tuple[Finding, ...] = ()
    error: Optional[FileError] = None
    parsed: bool = False


class DecodeError(ValueError):
    """The bytes are not text in the encoding the file declares (UTF-8 by default)."""


def decode_python(source: bytes) -> str:
    """Decode as Python does: a PEP 263 coding cookie or a BOM, else UTF-8."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
        return source.decode(encoding)
    except SyntaxError:
        raise DecodeError("is not valid UTF-8 and declares no other encoding; skipped") from None
    except LookupError as error:
        raise DecodeError(f"declares an encoding Python does not know ({error}); skipped") from None
    except UnicodeDecodeError as error:
        declared = "UTF-8" if codecs.lookup(encoding).name == "utf-8" else encoding
        raise DecodeError(f"is not valid {declared} (byte {error.start}); skipped") from None


def lint_source(
    path: str,
    source: bytes,
    rules: Sequence[RuleInfo],
    *,
    check_parse: bool = True,
    settings: RuleSettings = DEFAULT_RULE_SETTINGS,
    kind: str = PYTHON,
) -> FileResult:
    """Check one file's bytes, of a kind from file_kinds, with the rules whose triggers occur in them."""
    probe = FileProbe(source)
    active = [info for info in rules if info.implementation and kind in info.kinds and info.triggered_by(probe)]
    if not active:
        return FileResult()
    try:
        text = decode_python(source) if kind == PYTHON else decode_utf8(source)
    except DecodeError as error:
        return FileResult(error=FileError(path, f"{path}: {error}", "encoding"))
    context = FileContext(path, settings)
    if kind == PYTHON:
        return _lint_tree(context, text, source, active, report_parse_error=check_parse)
    return _lint_deployment(context, kind, text, active, report_parse_error=check_parse)


def decode_utf8(source: bytes) -> str:
    """Configuration files are UTF-8 (YAML, JSON, Docker and systemd all say so); a BOM is allowed."""
    try:
        return source.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DecodeError(f"is not valid UTF-8 (byte {error.start}); skipped") from None


def _lint_deployment(
    context: FileContext, kind: str, text: str, active: Sequence[RuleInfo], *, report_parse_error: bool
) -> FileResult:
    from credlint.deployment.model import DeploymentParseError
    from credlint.deployment.read import read_deployment_file
    from credlint.deployment.rule import DeploymentRule

    try:
        document = read_deployment_file(kind, context.path, text)
    except DeploymentParseError as error:
        failure = parse_error_finding(context.path, error.line, error.column, error.message, language=kind)
        return FileResult(findings=(failure,) if report_parse_error else ())
    found: list[Finding] = []
    for info in active:
        rule_class = info.load()
        if issubclass(rule_class, DeploymentRule):
            rule = rule_class(context)
            rule.check(document)
            found.extend(rule.findings)
    return FileResult(findings=tuple(sorted(set(found), key=lambda f: f.sort_key)), parsed=True)


def _lint_tree(
    context: FileContext,
    text: str,
    source: bytes,
    active: Sequence[RuleInfo],
    *,
    report_parse_error: bool,
) -> FileResult:
    import libcst as cst

    from credlint.rule import Rule
    from credlint.suppressions import SUPPRESSION_TRIGGERS, SuppressionCollector

    path = context.path
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        failure = parse_error_finding(path, error.editor_line, error.editor_column, error.message)
        return FileResult(findings=(failure,) if report_parse_error else ())
    except (RecursionError, MemoryError):
        failure = parse_error_finding(path, 1, 1, "the file is too deeply nested to parse")
        return FileResult(findings=(failure,) if report_parse_error else ())

    visitors = [rule_class(context) for rule_class in map(RuleInfo.load, active) if issubclass(rule_class, Rule)]
    collector = SuppressionCollector() if any(t in source for t in SUPPRESSION_TRIGGERS) else None
    batch: list[cst.BatchableCSTVisitor] = [*visitors, *([collector] if collector else [])]
    cst.MetadataWrapper(module, unsafe_skip_copy=True).visit_batched(batch)
    found = [finding for visitor in visitors for finding in visitor.findings]
    kept = collector.keep(found) if collector is not None else found
    return FileResult(findings=tuple(sorted(set(kept), key=lambda f: f.sort_key)), parsed=True)


# LibCST's native parser puts the real position in its message, not in raw_line/raw_column.
_PARSER_PREFIX = re.compile(r"^(parser error: )?(error at (?P<line>\d+):(?P<column>\d+): )?")


def parse_error_finding(path: str, line: int, column: int, message: str, language: str = PYTHON) -> Finding:
    """CL000 at the parser's 1-based line and column, with its message minus the position it repeats."""
    info = PARSE_ERROR_RULE
    first_line = message.strip().splitlines()[0] if message.strip() else "invalid syntax"
    prefix = _PARSER_PREFIX.match(first_line)
    if prefix and prefix.group("line"):
        line, column = int(prefix.group("line")), int(prefix.group("column")) + 1
    summary = first_line[prefix.end() :] if prefix else first_line
    return Finding(
        path=path,
        span=Span(line, column, line, column),
        code=info.code,
        name=info.name,
        category=info.category,
        severity=info.severity,
        message=f"Could not parse the file: {summary}",
        preview="",
        fingerprint=fingerprint(info.code, f"{path}:{summary}"),
        explanation=_PARSE_ERROR_EXPLANATIONS.get(language, _PARSE_ERROR_EXPLANATIONS["configuration"]),
    )


_PARSE_ERROR_EXPLANATIONS = {
    PYTHON: no_chain_explanation(
        summary="credlint could not parse this file, so no rule checked it.",
        runtime="Python raises SyntaxError when this module is imported; none of its AWS calls run.",
        fix="Fix the syntax error (or exclude the file if it is a template that is not Python).",
    ),
    "configuration": no_chain_explanation(
        summary="credlint could not parse this configuration file, so no rule checked it.",
        runtime="The tool that reads this file (Docker, compose, kubectl, ECS, GitHub Actions, systemd) rejects "
        "it or reads it differently from what it seems to say.",
        fix="Fix the syntax (or exclude the file if it is a template, such as a Helm chart, that is rendered "
        "before use).",
    ),
}
