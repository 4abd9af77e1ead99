"""`credlint lsp`: a Language Server over stdio that checks Python buffers as they are edited.

Diagnostics carry the rule code, a link to its page and the chain explanation; code actions
apply the finding's fix (fixing.py; an unsafe one says so) or insert a `# credlint:
ignore[CODE]` comment. Needs the `lsp` extra (pygls).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Optional

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from credlint import __version__
from credlint.api import check_source
from credlint.catalogue import page_url
from credlint.config import ConfigError, ConfigFinder, Overrides
from credlint.engine import PartMemo
from credlint.finding import SAFE, Finding, Severity
from credlint.fixing import fix_source
from credlint.suppressions import IGNORE_LIST_COMMENT

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


def suppression_edit(line_text: str, line: int, code: str) -> types.TextEdit:
    """Add code to the line's `# credlint: ignore[...]` comment, or append one."""
    existing = IGNORE_LIST_COMMENT.search(line_text)
    if existing:
        codes = [c.strip() for c in existing.group("codes").split(",") if c.strip()] + [code]
        start, end = existing.span("codes")
        new_text = ", ".join(dict.fromkeys(codes))
    else:
        start = end = len(line_text.rstrip("\r\n"))
        new_text = f"  # credlint: ignore[{code}]"
    return types.TextEdit(
        range=types.Range(
            start=types.Position(line=line, character=start), end=types.Position(line=line, character=end)
        ),
        new_text=new_text,
    )


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
        document = ls.workspace.get_text_document(params.text_document.uri)
        actions = []
        for found in params.context.diagnostics:
            if found.source != SOURCE or not isinstance(found.code, str):
                continue
            fixing = fix_action(ls, params.text_document.uri, found)
            if fixing is not None:
                actions.append(fixing)
            line = found.range.start.line
            line_text = document.lines[line] if line < len(document.lines) else ""
            edit = suppression_edit(line_text, line, found.code)
            actions.append(
                types.CodeAction(
                    title=f"Suppress {found.code} on this line (# credlint: ignore[{found.code}])",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[found],
                    edit=types.WorkspaceEdit(changes={params.text_document.uri: [edit]}),
                )
            )
        return actions or None

    return server


def fix_action(ls: CredlintServer, uri: str, found: types.Diagnostic) -> Optional[types.CodeAction]:
    """The diagnostic's fix as an edit of the whole buffer, when its finding has one that applies."""
    start = (found.range.start.line + 1, found.range.start.character + 1)
    matching = [
        finding
        for finding in ls.findings.get(uri, ())
        if finding.fix is not None and finding.code == found.code and (finding.span.line, finding.span.column) == start
    ]
    if not matching:
        return None
    document = ls.workspace.get_text_document(uri)
    fixed = fix_source(document.path, document.source.encode("utf-8"), matching)
    fix = matching[0].fix
    if fixed is None or fix is None:
        return None
    lines = document.source.splitlines(keepends=True)
    whole = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=len(lines), character=0))
    unsafe = " (unsafe: changes behaviour)" if fix.safety != SAFE else ""
    return types.CodeAction(
        title=f"Fix {found.code}: {fix.description}{unsafe}",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[found],
        is_preferred=fix.safety == SAFE,
        edit=types.WorkspaceEdit(changes={uri: [types.TextEdit(range=whole, new_text=fixed.after)]}),
    )


def serve() -> int:
    build_server().start_io()
    return 0
