"""Applying the fixes findings carry: LibCST transformations of the whole file, which keep its
formatting and comments. A fix is found again from where it is anchored, so a file that changed
since it was checked is edited only where the fix still applies."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Optional, Union

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from credlint.finding import REMOVE_CREDENTIAL_ARGUMENTS, SAFE, Finding
from credlint.secrets import redact_credentials_in

# ref. analysis/credential_slots.py SDK_PARAMETER_SLOTS: what an explicit credential is passed as.
CREDENTIAL_KEYWORDS = frozenset({"aws_access_key_id", "aws_secret_access_key", "aws_session_token"})


@dataclass(frozen=True)
class FixedFile:
    """A file's text before and after its fixes, and the findings they resolve."""

    path: str
    before: str
    after: str
    after_bytes: bytes  # in the file's own encoding and line endings
    fixed: tuple[Finding, ...]

    def diff(self) -> str:
        """A unified diff in which every credential-shaped value is shown redacted."""
        lines = difflib.unified_diff(
            self.before.splitlines(keepends=True),
            self.after.splitlines(keepends=True),
            fromfile=f"a/{self.path}",
            tofile=f"b/{self.path}",
        )
        text = "".join(line if line.endswith("\n") else f"{line}\n" for line in lines)
        return redact_credentials_in(text)


def fixable(findings: Iterable[Finding], *, unsafe: bool) -> list[Finding]:
    """The findings whose fix may be applied: the safe ones, and the unsafe ones when asked for."""
    return [finding for finding in findings if finding.fix is not None and (unsafe or finding.fix.safety == SAFE)]


def fix_source(path: str, source: bytes, findings: Sequence[Finding]) -> Optional[FixedFile]:
    """The file with the fixes of findings applied, or None when none applies or it no longer parses."""
    try:
        module = cst.parse_module(source)
    except (cst.ParserSyntaxError, RecursionError, ValueError):
        return None
    anchors = {
        (finding.fix.line, finding.fix.column): finding
        for finding in findings
        if finding.fix is not None and finding.fix.action == REMOVE_CREDENTIAL_ARGUMENTS
    }
    remover = _CredentialArgumentRemover(anchors)
    fixed = MetadataWrapper(module, unsafe_skip_copy=True).visit(remover)
    if not remover.applied:
        return None
    before = module.bytes.decode(module.encoding)
    after = fixed.bytes.decode(fixed.encoding)
    return FixedFile(path, before, after, fixed.bytes, tuple(remover.applied))


class _CredentialArgumentRemover(cst.CSTTransformer):
    """Takes every explicit credential keyword out of a call one of whose arguments is an anchor."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, anchors: dict[tuple[int, int], Finding]) -> None:
        super().__init__()
        self.anchors = anchors
        self.applied: list[Finding] = []

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> Union[cst.Call, cst.BaseExpression]:
        anchored = [self._anchor(arg.value) for arg in original_node.args]
        found = [finding for finding in anchored if finding is not None]
        if not found:
            return updated_node
        kept = [arg for arg in updated_node.args if not _is_credential_keyword(arg)]
        if len(kept) == len(updated_node.args):
            return updated_node
        last = updated_node.args[-1]
        if kept and kept[-1] is not last:  # the call keeps how its arguments end: a comma, a line break
            kept[-1] = kept[-1].with_changes(comma=last.comma, whitespace_after_arg=last.whitespace_after_arg)
        self.applied.extend(found)
        if not kept:
            return updated_node.with_changes(args=(), whitespace_before_args=cst.SimpleWhitespace(""))
        return updated_node.with_changes(args=kept)

    def _anchor(self, value: cst.CSTNode) -> Optional[Finding]:
        start = self.get_metadata(PositionProvider, value).start
        return self.anchors.get((start.line, start.column + 1))


def _is_credential_keyword(arg: cst.Arg) -> bool:
    return arg.keyword is not None and arg.keyword.value in CREDENTIAL_KEYWORDS
