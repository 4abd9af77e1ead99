"""Applying the fixes findings carry: to a Python module with LibCST (python_fixes.py), to a
deployment file by cutting a variable's text (deployment/removal.py). Either keeps the file's
formatting and comments, and neither writes anything: the caller decides where the result goes."""

from __future__ import annotations

import codecs
import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Optional

import libcst as cst

from credlint.file_kinds import DOCKERFILE, DOTENV, YAML, kind_by_name
from credlint.finding import REMOVE_ENTRY, SAFE, Finding
from credlint.python_fixes import fix_module
from credlint.secrets import redact, redact_credentials_only

# The deployment files whose credential variables CL205's fix takes out. ref. rules/CL205 *Fix
# safety*: a direnv `.envrc` is a shell script, which a line cut could break.
REMOVABLE_KINDS = frozenset({DOCKERFILE, DOTENV, YAML})
_SHELL_SCRIPTS = (".envrc",)


@dataclass(frozen=True)
class FixedFile:
    """A file's text before and after its fixes, the findings they resolve, and the values they
    took out, which its diff shows redacted."""

    path: str
    before: str
    after: str
    after_bytes: bytes  # in the file's own encoding and line endings
    fixed: tuple[Finding, ...]
    removed_values: tuple[str, ...] = ()

    def diff(self) -> str:
        """A unified diff in which the values taken out, and every value of a credential's shape,
        are shown redacted."""
        lines = difflib.unified_diff(
            self.before.splitlines(keepends=True),
            self.after.splitlines(keepends=True),
            fromfile=f"a/{self.path}",
            tofile=f"b/{self.path}",
        )
        text = "".join(self._hidden(line) if line.endswith("\n") else f"{self._hidden(line)}\n" for line in lines)
        return redact_credentials_only(text)

    def _hidden(self, line: str) -> str:
        if not line.startswith("-") or line.startswith("---"):
            return line
        for value in self.removed_values:
            for piece in value.split():  # a value folded over several lines is cut piece by piece
                line = line.replace(piece, redact(piece))
        return line


def fixable(findings: Iterable[Finding], *, unsafe: bool) -> list[Finding]:
    """The findings whose fix may be applied: the safe ones, and the unsafe ones when asked for."""
    return [finding for finding in findings if finding.fix is not None and (unsafe or finding.fix.safety == SAFE)]


def fix_source(path: str, source: bytes, findings: Sequence[Finding]) -> Optional[FixedFile]:
    """The file with the fixes of findings applied, or None when none applies or it no longer parses."""
    kind = kind_by_name(PurePath(path))
    if kind in REMOVABLE_KINDS:
        return None if PurePath(path).name in _SHELL_SCRIPTS else _fix_deployment(path, kind, source, findings)
    try:
        module = cst.parse_module(source)
    except (cst.ParserSyntaxError, RecursionError, ValueError):
        return None
    fixed = fix_module(module, findings)
    if fixed is None:
        return None
    before = module.bytes.decode(module.encoding)
    after = fixed.module.bytes.decode(fixed.module.encoding)
    return FixedFile(path, before, after, fixed.module.bytes, fixed.fixed, fixed.removed_strings)


def _fix_deployment(path: str, kind: str, source: bytes, findings: Sequence[Finding]) -> Optional[FixedFile]:
    """A deployment file without the variables of findings, in its own encoding (UTF-8, its BOM kept)."""
    from credlint.deployment.removal import without_entries

    anchors = {(f.fix.line, f.fix.column): f for f in findings if f.fix is not None and f.fix.action == REMOVE_ENTRY}
    try:
        before = source.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    removed = without_entries(kind, path, before, anchors) if anchors else None
    if removed is None:
        return None
    bom = codecs.BOM_UTF8 if source.startswith(codecs.BOM_UTF8) else b""
    fixed = tuple(anchors[(entry.span.line, entry.span.column)] for entry in removed.entries)
    values = tuple(entry.value for entry in removed.entries if entry.value)
    return FixedFile(path, before, removed.text, bom + removed.text.encode("utf-8"), fixed, values)
