"""One file's bytes to its findings: prefilter, one parse, one metadata wrapper, one batched visit.

Pure: no file system, no configuration lookup. LibCST is imported only when a file gets past
the prefilter, so files that cannot hold a finding cost a substring search.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
import tokenize
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Optional

from credlint.chain import no_chain_explanation
from credlint.file_kinds import NOTEBOOK, PYTHON, TEXT
from credlint.finding import FileError, Finding, Span
from credlint.prefilter import FileProbe
from credlint.registry import PARSE_ERROR_RULE
from credlint.rule_info import RuleInfo
from credlint.secrets import fingerprint, redact_credentials_in
from credlint.settings import DEFAULT_RULE_SETTINGS, FileContext, RuleSettings
from credlint.slicing import Members, lines_by_part, merged_members, part_of_line, relevant_source
from credlint.suppressions import SUPPRESSION_TRIGGERS, keep_unsuppressed_lines
from credlint.text_rule import TextFile, TextRule

if TYPE_CHECKING:
    from credlint.deployment.rule import DeploymentRule
    from credlint.notebooks import CodeLine
    from credlint.rule import Rule


@dataclass(frozen=True)
class RuleFailure:
    """A rule that raised on a file: a bug of credlint's, reported while the other rules' findings stand."""

    code: str
    error: Exception


@dataclass(frozen=True)
class FileResult:
    """What checking one file produced."""

    findings: tuple[Finding, ...] = ()
    error: Optional[FileError] = None
    parsed: bool = False
    failures: tuple[RuleFailure, ...] = ()
    seconds: float = 0.0  # how long reading and checking the file took


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
    except UnicodeError:  # a codec that decodes nothing, such as `undefined`
        raise DecodeError(f"declares an encoding that cannot read it ({encoding}); skipped") from None


def lint_source(
    path: str,
    source: bytes,
    rules: Sequence[RuleInfo],
    *,
    check_parse: bool = True,
    settings: RuleSettings = DEFAULT_RULE_SETTINGS,
    kind: str = PYTHON,
    memo: Optional[PartMemo] = None,
) -> FileResult:
    """Check one file's bytes, of a kind from file_kinds, with the rules whose triggers occur in them.
    memo: the same buffer's findings from its last check, to reuse where its code is unchanged."""
    probe = FileProbe(source)
    active = [
        info
        for info in rules
        if info.implementation_for(kind) and (info.triggered_by(probe, kind) or info.reached_by(settings.project))
    ]
    if kind == NOTEBOOK:
        return _lint_notebook(path, source, rules, active, settings, report_parse_error=check_parse)
    if not active:
        return FileResult()
    try:
        text = decode_python(source) if kind == PYTHON else decode_text(source, strict=kind != TEXT)
    except DecodeError as error:
        return FileResult(error=FileError(path, f"{path}: {error}", "encoding"))
    context = FileContext(path, settings)
    if kind == PYTHON:
        result = _lint_tree(context, text, probe, active, report_parse_error=check_parse, memo=memo)
        return result if result.parsed else _with_text_rules(result, context, text, probe, rules)
    return _lint_text(context, TextFile(path, kind, text), active, report_parse_error=check_parse)


def _with_text_rules(
    result: FileResult, context: FileContext, text: str, probe: FileProbe, rules: Sequence[RuleInfo]
) -> FileResult:
    """A module that does not parse still holds what any text file may: keys, secrets, pre-signed
    URLs (a Python 2 module, a template). The rules that read any text file read it as text."""
    active = [info for info in rules if info.implementation_for(TEXT) and info.triggered_by(probe, TEXT)]
    if not active:
        return result
    read = _lint_text(context, TextFile(context.path, TEXT, text), active, report_parse_error=False)
    return FileResult(findings=_in_order([*result.findings, *read.findings]), failures=result.failures + read.failures)


def decode_text(source: bytes, *, strict: bool) -> str:
    """UTF-8, as YAML, JSON, Docker, systemd and Jupyter all say, a BOM allowed. Other text files
    may be in any encoding: keys are ASCII, so Latin-1 reads them all where UTF-8 fails."""
    try:
        return source.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if strict:
            raise DecodeError(f"is not valid UTF-8 (byte {error.start}); skipped") from None
        return source.decode("latin-1")


def _lint_text(
    context: FileContext, document: TextFile, active: Sequence[RuleInfo], *, report_parse_error: bool
) -> FileResult:
    """Text rules on the lines of the file; for deployment files, their rules on the parsed document."""
    from credlint.deployment.rule import DeploymentRule

    found: list[Finding] = []
    failures: list[RuleFailure] = []
    deployment_rules: list[DeploymentRule] = []
    for info in active:
        rule_class = info.load(document.kind)
        if issubclass(rule_class, TextRule):
            rule = rule_class(context)
            try:
                rule.check(document)
            except Exception as error:
                failures.append(RuleFailure(info.code, error))
                continue
            found.extend(rule.findings)
        elif issubclass(rule_class, DeploymentRule):
            deployment_rules.append(rule_class(context))
    if deployment_rules:
        found.extend(
            _check_deployment(context, document, deployment_rules, failures, report_parse_error=report_parse_error)
        )
    kept = keep_unsuppressed_lines(found, document.text)
    return FileResult(findings=_in_order(kept), parsed=True, failures=tuple(failures))


def _check_deployment(
    context: FileContext,
    document: TextFile,
    rules: Sequence[DeploymentRule],
    failures: list[RuleFailure],
    *,
    report_parse_error: bool,
) -> list[Finding]:
    from credlint.deployment.model import DeploymentParseError
    from credlint.deployment.read import read_deployment_file

    try:
        parsed = read_deployment_file(document.kind, context.path, document.text)
    except DeploymentParseError as error:
        failure = parse_error_finding(context.path, error.line, error.column, error.message, language=document.kind)
        return [failure] if report_parse_error else []
    found: list[Finding] = []
    for rule in rules:
        try:
            rule.check(parsed)
        except Exception as error:
            failures.append(RuleFailure(rule.info.code, error))
            continue
        found.extend(rule.findings)
    return found


def _lint_tree(
    context: FileContext,
    text: str,
    probe: FileProbe,
    active: Sequence[RuleInfo],
    *,
    report_parse_error: bool,
    language: str = PYTHON,
    memo: Optional[PartMemo] = None,
) -> FileResult:
    from credlint.rule import Rule

    path = context.path
    refusal = probe.too_deep
    if refusal is not None:
        failure = parse_error_finding(path, refusal.lineno or 1, refusal.offset or 1, refusal.msg, language)
        return FileResult(findings=(failure,) if report_parse_error else ())
    rule_classes = [(info.code, rule_class) for info in active if issubclass(rule_class := info.load(PYTHON), Rule)]
    # Rules of a family share their seed and fact functions: probe.once computes each one once.
    seeds = [probe.once(info.seeds) for info in active if info.seeds is not None]
    if rule_classes and len(seeds) == len(active):
        seed_lines: frozenset[int] = frozenset().union(*seeds, context.settings.project.lines)
        facts = frozenset().union(*(probe.once(info.module_facts) for info in active if info.module_facts is not None))
        by_member = merged_members(info.looks_up_members(probe) for info in active)
        if memo is not None and not any(info.module_wide for info in active):
            by_part = _lint_by_part(context, text, probe, rule_classes, seed_lines, facts, by_member, memo, language)
            if by_part is not None:
                return by_part
        text = relevant_source(text, probe, seed_lines, by_member=by_member, facts=facts)
    return _analyse(context, text, probe, rule_classes, report_parse_error=report_parse_error, language=language)


def _analyse(
    context: FileContext,
    text: str,
    probe: FileProbe,
    rule_classes: Sequence[tuple[str, type[Rule]]],
    *,
    report_parse_error: bool,
    language: str,
) -> FileResult:
    """The LibCST parse of text and every rule in one batched visit."""
    import libcst as cst

    from credlint.metadata_wrapper import DirectMetadataWrapper
    from credlint.python_suppressions import SuppressionCollector

    path = context.path
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        line, column = error.editor_line, error.editor_column
        python_error = probe.syntax_error
        if error.message.startswith("tokenizer error") and python_error is not None and python_error.lineno:
            line, column = python_error.lineno, python_error.offset or 1  # LibCST's tokenizer says 1:1
        failure = parse_error_finding(path, line, column, error.message, language)
        return FileResult(findings=(failure,) if report_parse_error else ())

    collector = SuppressionCollector() if any(probe.contains(t) for t in SUPPRESSION_TRIGGERS) else None
    wrapper = DirectMetadataWrapper(module, unsafe_skip_copy=True)
    visitors = [rule_class(context) for _, rule_class in rule_classes]
    failures: list[RuleFailure] = []
    try:
        wrapper.visit_batched([*visitors, *([collector] if collector else [])])
    except Exception:
        # One rule raised, and the batch with it: visit again one rule at a time to keep the others.
        visitors = []
        for code, rule_class in rule_classes:
            visitor = rule_class(context)
            try:
                wrapper.visit_batched([visitor])
            except Exception as error:
                failures.append(RuleFailure(code, error))
            else:
                visitors.append(visitor)
        if collector is not None:
            collector = SuppressionCollector()
            wrapper.visit_batched([collector])
    found = [finding for visitor in visitors for finding in visitor.findings]
    kept = collector.keep(found) if collector is not None else found
    return FileResult(findings=_in_order(kept), parsed=True, failures=tuple(failures))


def _in_order(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(sorted(set(findings), key=lambda finding: finding.sort_key))


@dataclass
class PartMemo:
    """One buffer's findings from its last check, per part of the module (slicing.py), under a
    digest of the text that part's analysis read: what the language server keeps between edits."""

    findings: dict[bytes, tuple[Finding, ...]] = field(default_factory=dict)


def _lint_by_part(
    context: FileContext,
    text: str,
    probe: FileProbe,
    rule_classes: Sequence[tuple[str, type[Rule]]],
    seed_lines: frozenset[int],
    facts: frozenset[int],
    by_member: Members,
    memo: PartMemo,
    language: str,
) -> Optional[FileResult]:
    """Findings part by part, analysing only the parts whose relevant text changed since the last
    check. A part's findings are those its own seed lines give on the text sliced to them, which
    slicing.py keeps equal to the whole module's; a part whose sliced text is unchanged (its code,
    what it needs, and every line number) has unchanged findings. None: check the whole module."""
    grouped, between_parts = lines_by_part(probe, seed_lines)
    if not grouped or between_parts:
        return None  # nothing to keep, or a key in a comment between parts, which no part holds
    identity = f"{context!r}\0{language}\0{','.join(code for code, _ in rule_classes)}\0"

    def digest(lines: frozenset[int]) -> bytes:
        sliced = relevant_source(text, probe, lines, by_member=by_member, facts=facts)
        return hashlib.blake2b(f"{identity}{sorted(lines)}\0{sliced}".encode()).digest()

    digests = {part: digest(lines) for part, lines in grouped.items()}
    missing = {part: lines for part, lines in grouped.items() if digests[part] not in memo.findings}
    if missing:
        sliced = relevant_source(text, probe, frozenset().union(*missing.values()), by_member=by_member, facts=facts)
        result = _analyse(context, sliced, probe, rule_classes, report_parse_error=True, language=language)
        if not result.parsed or result.failures:
            return None
        parts_found = [part_of_line(probe, finding.span.line) for finding in result.findings]
        if None in parts_found:
            return None  # a finding no part holds
        for part in missing:
            own = tuple(finding for finding, found in zip(result.findings, parts_found) if found == part)
            memo.findings[digests[part]] = own
    memo.findings = {digest: memo.findings[digest] for digest in digests.values()}
    return FileResult(findings=_in_order(f for findings in memo.findings.values() for f in findings), parsed=True)


def _lint_notebook(
    path: str,
    source: bytes,
    rules: Sequence[RuleInfo],
    text_active: Sequence[RuleInfo],
    settings: RuleSettings,
    *,
    report_parse_error: bool,
) -> FileResult:
    """The code cells through every Python rule, at their lines in the .ipynb; the rest as text."""
    from credlint.notebooks import NotebookError, read_notebook

    try:
        text = decode_text(source, strict=True)
        view = read_notebook(text)
    except DecodeError as error:
        return FileResult(error=FileError(path, f"{path}: {error}", "encoding"))
    except NotebookError as error:
        failure = parse_error_finding(path, error.line, error.column, error.message, language=NOTEBOOK)
        return FileResult(findings=(failure,) if report_parse_error else ())
    context = FileContext(path, settings)
    python = view.python.encode()
    probe = FileProbe(python)
    python_active = [info for info in rules if info.implementation_for(PYTHON) and info.triggered_by(probe)]
    in_cells = _lint_tree(
        context, view.python, probe, python_active, report_parse_error=report_parse_error, language=NOTEBOOK_CELLS
    )
    document = TextFile(path, NOTEBOOK, text, view.covered_lines, view.cell_starts)
    around_cells = _lint_text(context, document, text_active, report_parse_error=report_parse_error)
    findings = [_in_notebook(finding, view.places) for finding in in_cells.findings] + list(around_cells.findings)
    failures = in_cells.failures + around_cells.failures
    return FileResult(findings=tuple(sorted(findings, key=lambda f: f.sort_key)), parsed=True, failures=failures)


def _in_notebook(finding: Finding, places: Mapping[int, CodeLine]) -> Finding:
    """A finding of the Python view, moved to its place in the .ipynb and told its cell."""
    place = places.get(finding.span.line) or _last_place_before(finding.span.line, places)
    if place is None:
        return finding
    span, end = finding.span, places.get(finding.span.end_line, place)
    moved = Span(place.line, span.column + place.column_offset, end.line, span.end_column + end.column_offset)
    return replace(finding, span=moved, message=f"{finding.message} (cell {place.cell})")


def _last_place_before(line: int, places: Mapping[int, CodeLine]) -> Optional[CodeLine]:
    """Where a parse error past the last code line belongs: the end of the cells."""
    earlier = [known for known in places if known < line]
    return places[max(earlier)] if earlier else None


NOTEBOOK_CELLS = "notebook-cells"  # a notebook's code cells, read as one Python module

# LibCST's native parser puts the real position in its message, not in raw_line/raw_column.
_PARSER_PREFIX = re.compile(r"^(parser error: )?(error at (?P<line>\d+):(?P<column>\d+): )?")


def parse_error_finding(path: str, line: int, column: int, message: str, language: str = PYTHON) -> Finding:
    """CL000 at the parser's 1-based line and column, with its message minus the position it repeats."""
    info = PARSE_ERROR_RULE
    first_line = message.strip().splitlines()[0] if message.strip() else "invalid syntax"
    prefix = _PARSER_PREFIX.match(first_line)
    if prefix and prefix.group("line"):
        line, column = int(prefix.group("line")), int(prefix.group("column")) + 1
    summary = redact_credentials_in(first_line[prefix.end() :] if prefix else first_line)
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
        summary=(
            "credlint could not parse this file, so no rule of Python code checked it; the rules that read any "
            "text file (keys, secrets, pre-signed URLs) still did."
        ),
        runtime="Python raises SyntaxError when this module is imported; none of its AWS calls run.",
        fix="Fix the syntax error (or exclude the file if it is a template that is not Python).",
    ),
    NOTEBOOK_CELLS: no_chain_explanation(
        summary="credlint could not parse the notebook's code cells as Python, so no Python rule checked them.",
        runtime="Running the cell raises SyntaxError; the cells after it may still run, but their AWS calls "
        "were not checked.",
        fix="Fix the syntax error in the cell (IPython's %magics and !commands are understood).",
    ),
    NOTEBOOK: no_chain_explanation(
        summary="credlint could not read this notebook, so no rule checked it.",
        runtime="Jupyter cannot open it either: the file is not a valid notebook.",
        fix="Repair the JSON (a merge conflict often breaks it), or exclude the file.",
    ),
    "configuration": no_chain_explanation(
        summary="credlint could not parse this configuration file, so no rule checked it.",
        runtime="The tool that reads this file (Docker, compose, kubectl, ECS, GitHub Actions, systemd) rejects "
        "it or reads it differently from what it seems to say.",
        fix="Fix the syntax (or exclude the file if it is a template, such as a Helm chart, that is rendered "
        "before use).",
    ),
}
