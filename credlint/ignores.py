"""`--add-ignore`: a `# credlint: ignore[CODE]` comment for each finding of a Python file, as
ruff's `--add-noqa` does, so that a project can adopt credlint and fix its findings over time.

The comment goes at the end of the finding's line, or of the first line of its statement (where
it silences the whole statement, python_suppressions.py) when the finding's line ends inside a
string or a backslash continuation; codes already named on that line are merged, not repeated.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Optional

from credlint.finding import Finding
from credlint.prefilter import FileProbe
from credlint.suppressions import ALL_CODES, IGNORE_LIST_COMMENT, parse_suppression

_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_LINE_BREAK = re.compile(r"(\r\n|\r|\n)$")


@dataclass(frozen=True)
class Ignored:
    """A file with its ignore comments: its new bytes (None when unchanged), how many lines gained
    or extended one, and how many findings had no line to hold one (inside a multi-line string)."""

    source: Optional[bytes]
    added: int
    left: int


def with_ignores(source: bytes, findings: Sequence[Finding]) -> Ignored:
    """The source with an ignore comment for every finding it can hold one for."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
        text = source.decode(encoding)
        closed = _lines_that_can_end_in_a_comment(text)
    except (SyntaxError, UnicodeDecodeError, tokenize.TokenError, LookupError):
        return Ignored(None, 0, len(findings))
    statements = _statement_first_lines(FileProbe(source))
    codes_by_line: defaultdict[int, set[str]] = defaultdict(set)
    left = 0
    for finding in findings:
        line = finding.span.line
        target = line if line in closed else statements.get(line)
        if target is not None and target in closed:
            codes_by_line[target].add(finding.code)
        else:
            left += 1
    lines = text.splitlines(keepends=True)
    changed = 0
    for number, codes in codes_by_line.items():
        updated = _with_codes(lines[number - 1], codes)
        if updated != lines[number - 1]:
            lines[number - 1] = updated
            changed += 1
    return Ignored("".join(lines).encode(encoding) if changed else None, changed, left)


def _with_codes(line: str, codes: set[str]) -> str:
    """The line with its ignore comment naming codes too."""
    ending = _LINE_BREAK.search(line)
    body = line[: ending.start()] if ending else line
    existing = parse_suppression(body) or ()
    if existing == ALL_CODES or all(any(code.startswith(prefix) for prefix in existing) for code in codes):
        return line
    present = IGNORE_LIST_COMMENT.search(body)
    if present is not None:
        named = [code.strip() for code in present.group("codes").split(",") if code.strip()]
        merged = ", ".join(sorted({*named, *codes}))
        body = f"{body[: present.start('codes')]}{merged}{body[present.end('codes') :]}"
    else:
        body = f"{body.rstrip()}  # credlint: ignore[{', '.join(sorted(codes))}]"
    return body + (ending.group() if ending else "")


def _lines_that_can_end_in_a_comment(text: str) -> set[int]:
    """Lines whose end lies outside any string and is not a backslash continuation."""
    lines = text.splitlines()
    inside: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.STRING and token.end[0] > token.start[0]:
            inside.update(range(token.start[0], token.end[0]))
    return {
        number
        for number, line in enumerate(lines, start=1)
        if number not in inside and not line.rstrip().endswith("\\")
    }


def _statement_first_lines(probe: FileProbe) -> dict[int, int]:
    """For each line of a statement, the first line of the innermost statement holding it."""
    first: dict[int, int] = {}
    tree = probe.tree
    if tree is None:
        return first
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and not isinstance(node, _DEFINITIONS):
            for line in range(node.lineno, (node.end_lineno or node.lineno) + 1):
                first[line] = max(first.get(line, 0), node.lineno)  # the innermost statement
    return first
