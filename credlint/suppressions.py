"""Inline suppressions: `# credlint: ignore[CL101]` and detect-secrets' `# pragma: allowlist secret`.

In Python a comment applies to its own line and, when it sits on a statement's first line, to
the whole statement (python_suppressions.py). In every other file, whatever its comment syntax,
the words apply to their own line, and detect-secrets' `pragma: allowlist nextline secret` to the
line after.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Optional

from credlint.finding import Finding

SUPPRESSION_TRIGGERS = (b"credlint:", b"allowlist")
_IGNORE = re.compile(r"credlint:\s*ignore(?:\[(?P<codes>[^\]]*)\])?", re.IGNORECASE)
# A comment that names its codes, where tools add one more (--add-ignore, the language server).
IGNORE_LIST_COMMENT = re.compile(r"#\s*credlint:\s*ignore\[(?P<codes>[^\]]*)\]", re.IGNORECASE)
_ALLOWLIST = re.compile(r"pragma:\s*allowlist[ -]secret", re.IGNORECASE)
_ALLOWLIST_NEXT_LINE = re.compile(r"pragma:\s*allowlist[ -]nextline[ -]secret", re.IGNORECASE)
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


def keep_unsuppressed_lines(findings: Sequence[Finding], text: str) -> list[Finding]:
    """The findings no suppression on their line (or an allowlist-nextline before it) silences."""
    if not any(trigger.decode() in text for trigger in SUPPRESSION_TRIGGERS):
        return list(findings)
    lines = text.splitlines()
    kept: list[Finding] = []
    for finding in findings:
        number = finding.span.line
        prefixes = parse_suppression(lines[number - 1]) or () if number <= len(lines) else ()
        if number >= 2 and _ALLOWLIST_NEXT_LINE.search(lines[number - 2]):
            prefixes += ALLOWLIST_CODES
        if not any(finding.code.startswith(prefix) for prefix in prefixes):
            kept.append(finding)
    return kept
