"""`credlint lsp`: a Language Server over stdio that checks buffers as they are edited.

Diagnostics carry the rule code, a link to its page and the chain explanation; code actions
apply the finding's fix (fixing.py; an unsafe one says so) or, in Python, insert a `# credlint:
ignore[CODE]` comment where --add-ignore would (ignores.py). Needs the `lsp` extra (pygls).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path, PurePath
from typing import Optional

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from credlint import __version__
from credlint.api import check_source
from credlint.catalogue import page_url
from credlint.config import ConfigError, ConfigFinder, Overrides
from credlint.engine import PartMemo
from credlint.file_kinds import PYTHON, kind_by_name
from credlint.finding import SAFE, Finding, Severity
from credlint.fixing import fix_source
from credlint.ignores import with_ignores

# Typing pauses shorter than this do not start a check: one check per burst of edits.
DEBOUNCE_SECONDS = 0.3
SOURCE = "credlint"
_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}


def diagnostic(finding: Finding, uri: str) -> types.Diagnostic:
    """One finding as an LSP diagnostic (0-based positions), with its explanation."""
    explanation = finding.explanation
    message = "\n".join(
        [finding.message, explanation.summary, f"At runtime: {explanation.runtime}", f"Fix: {explanation.fix}"]
    )
    related = [
        types.DiagnosticRelatedInformation(
            location=types.Location(uri=uri, range=_line_range(line)), message=f"{SOURCE}: {note}"
        )
        for line, note in explanation.related_lines
    ]
    return types.Diagnostic(
        range=types.Range(
            start=types.Position(line=finding.span.line - 1, character=finding.span.column - 1),
            end=types.Position(line=finding.span.end_line - 1, character=finding.span.end_column - 1),
        ),
        message=message,
        severity=_SEVERITY[finding.severity],
        code=finding.code,
        code_description=types.CodeDescription(href=page_url(finding.code)),
        source=SOURCE,
        related_information=related or None,
    )


def _line_range(line: int) -> types.Range:
    return types.Range(start=types.Position(line=line - 1, character=0), end=types.Position(line=line, character=0))


class CredlintServer(LanguageServer):
    """Keeps one pending check per document, so bursts of edits cost one check."""

    def __init__(self) -> None:
        super().__init__("credlint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.memos: dict[str, PartMemo] = {}  # per open buffer: its last findings, part by part
        self.findings: dict[str, tuple[Finding, ...]] = {}  # per open buffer: its last findings, for fixes

    def check(self, uri: str) -> None:
        document = self.workspace.get_text_document(uri)
        # A fresh finder each time: an edited pyproject.toml applies to the next check.
        try:
            memo = self.memos.setdefault(uri, PartMemo())
            report = check_source(Path(document.path), document.source.encode("utf-8"), ConfigFinder(Overrides()), memo)
        except ConfigError as error:
            message = f"credlint: {error}"
            self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=message))
            return
        for file_error in report.errors:
            self.window_log_message(types.LogMessageParams(type=types.MessageType.Warning, message=file_error.message))
        self.findings[uri] = report.findings
        diagnostics = [diagnostic(finding, uri) for finding in report.findings]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, version=document.version, diagnostics=diagnostics)
        )

    def findings_at(self, uri: str, found: types.Diagnostic) -> list[Finding]:
        """The last check's findings behind a diagnostic: its code, where it starts."""
        start = (found.range.start.line + 1, found.range.start.character + 1)
        return [
            finding
            for finding in self.findings.get(uri, ())
            if finding.code == found.code and (finding.span.line, finding.span.column) == start
        ]

    def check_soon(self, uri: str) -> None:
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        self.pending[uri] = asyncio.get_running_loop().create_task(self._check_after_pause(uri))

    async def _check_after_pause(self, uri: str) -> None:
        await asyncio.sleep(DEBOUNCE_SECONDS)
        self.pending.pop(uri, None)
        self.check(uri)


def build_server() -> CredlintServer:
    server = CredlintServer()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: CredlintServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.check(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: CredlintServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.check_soon(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: CredlintServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.check(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: CredlintServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.memos.pop(params.text_document.uri, None)
        ls.findings.pop(params.text_document.uri, None)
        cleared = types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
        ls.text_document_publish_diagnostics(cleared)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: CredlintServer, params: types.DidChangeWatchedFilesParams) -> None:
        if any(change.uri.endswith("pyproject.toml") for change in params.changes):
            for uri in list(ls.workspace.text_documents):
                ls.check(uri)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    def code_action(ls: CredlintServer, params: types.CodeActionParams) -> Optional[list[types.CodeAction]]:
        uri = params.text_document.uri
        actions: list[types.CodeAction] = []
        for found in params.context.diagnostics:
            if found.source != SOURCE or not isinstance(found.code, str):
                continue
            matching = ls.findings_at(uri, found)
            actions.extend(
                action
                for action in (fix_action(ls, uri, found, matching), suppress_action(ls, uri, found, matching))
                if action
            )
        return actions or None

    return server


def fix_action(
    ls: CredlintServer, uri: str, found: types.Diagnostic, matching: Sequence[Finding]
) -> Optional[types.CodeAction]:
    """The diagnostic's fix, when its finding has one that applies."""
    document = ls.workspace.get_text_document(uri)
    fixes = [(finding, finding.fix) for finding in matching if finding.fix is not None]
    fixed = fix_source(document.path, document.source.encode("utf-8"), [f for f, _ in fixes]) if fixes else None
    if fixed is None:
        return None
    fix = fixes[0][1]
    unsafe = " (unsafe: changes behaviour)" if fix.safety != SAFE else ""
    title = f"Fix {found.code}: {fix.description}{unsafe}"
    return _whole_buffer_action(title, uri, found, document.source, fixed.after, preferred=fix.safety == SAFE)


def suppress_action(
    ls: CredlintServer, uri: str, found: types.Diagnostic, matching: Sequence[Finding]
) -> Optional[types.CodeAction]:
    """An ignore comment for the diagnostic's finding where --add-ignore would put it: in Python,
    on its line or its statement's first, never inside a string."""
    document = ls.workspace.get_text_document(uri)
    if not matching or kind_by_name(PurePath(document.path)) != PYTHON:
        return None
    ignored = with_ignores(document.source.encode("utf-8"), matching)
    if ignored.source is None:
        return None
    title = f"Suppress {found.code} (# credlint: ignore[{found.code}])"
    return _whole_buffer_action(title, uri, found, document.source, ignored.source.decode("utf-8"))


def _whole_buffer_action(
    title: str, uri: str, found: types.Diagnostic, before: str, after: str, *, preferred: bool = False
) -> types.CodeAction:
    lines = before.splitlines(keepends=True)
    whole = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=len(lines), character=0))
    return types.CodeAction(
        title=title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[found],
        is_preferred=preferred,
        edit=types.WorkspaceEdit(changes={uri: [types.TextEdit(range=whole, new_text=after)]}),
    )


def serve() -> int:
    build_server().start_io()
    return 0
