"""The language server, driven over stdio by a real LSP client (pytest-lsp)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest_lsp = pytest.importorskip("pytest_lsp")
from lsprotocol import types  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient  # noqa: E402

KEY = "AKIAPRCXEMR26FKM72QG"
LEAKY = f'import boto3\ns3 = boto3.client("s3", aws_access_key_id="{KEY}")\n'


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "credlint", "lsp"]))
async def client(lsp_client: LanguageClient, tmp_path: Path):  # type: ignore[no-untyped-def]
    params = types.InitializeParams(capabilities=types.ClientCapabilities(), root_uri=tmp_path.as_uri())
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


async def next_diagnostics(client: LanguageClient, uri: str) -> list[types.Diagnostic]:
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return list(client.diagnostics[uri])


@pytest.mark.asyncio
async def test_open_edit_and_fix(client: LanguageClient, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.credlint]\nselect = ["CL0", "CL1"]\n')
    uri = (tmp_path / "app.py").as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=LEAKY)
        )
    )
    (found,) = await next_diagnostics(client, uri)
    assert found.code == "CL101" and found.source == "credlint"
    column = LEAKY.splitlines()[1].index(KEY)
    assert (found.range.start.line, found.range.start.character) == (1, column)
    assert (found.range.end.line, found.range.end.character) == (1, column + len(KEY))
    assert found.severity == types.DiagnosticSeverity.Error
    assert found.code_description is not None and found.code_description.href.endswith(
        "CL101-hardcoded-access-key-id.md"
    )
    assert "never consulted" not in found.message and "explicit" in found.message and KEY not in found.message
    assert found.related_information and found.related_information[0].location.range.start.line == 1

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=found.range,
            context=types.CodeActionContext(diagnostics=[found]),
        )
    )
    assert actions and [action.title.split(":")[0] for action in actions] == ["Fix CL101", "Suppress CL101 (# credlint"]
    fixing, suppressing = actions
    assert fixing.title.endswith("(unsafe: changes behaviour)") and not fixing.is_preferred
    assert edited(fixing, uri) == 'import boto3\ns3 = boto3.client("s3")\n'
    assert edited(suppressing, uri) == LEAKY.replace(")\n", ")  # credlint: ignore[CL101]\n")

    key_range = types.Range(start=found.range.start, end=found.range.end)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangePartial(range=key_range, text="")],
        )
    )
    assert await next_diagnostics(client, uri) == []


def edited(action: types.CodeAction, uri: str) -> str:
    """The buffer as an action leaves it: every action replaces the whole buffer."""
    assert action.edit is not None and action.edit.changes is not None
    (edit,) = action.edit.changes[uri]
    assert (edit.range.start.line, edit.range.start.character) == (0, 0)
    return edit.new_text


@pytest.mark.asyncio
async def test_a_deployment_file_is_fixed_and_never_given_a_comment_it_cannot_hold(
    client: LanguageClient, tmp_path: Path
) -> None:
    uri = (tmp_path / "Dockerfile").as_uri()
    text = "FROM python:3.12\nENV AWS_ACCESS_KEY_ID=$KEY_ID AWS_DEFAULT_REGION=eu-west-1\n"
    document = types.TextDocumentItem(uri=uri, language_id="dockerfile", version=1, text=text)
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=document))
    (found,) = [d for d in await next_diagnostics(client, uri) if d.code == "CL205"]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=found.range,
            context=types.CodeActionContext(diagnostics=[found]),
        )
    )
    assert actions is not None and [action.title.split(":")[0] for action in actions] == ["Fix CL205"]
    assert edited(actions[0], uri) == "FROM python:3.12\nENV AWS_DEFAULT_REGION=eu-west-1\n"


@pytest.mark.asyncio
async def test_configuration_is_reread_when_pyproject_changes(client: LanguageClient, tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.credlint]\nselect = ["CL0", "CL1"]\n')
    uri = (tmp_path / "app.py").as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=LEAKY)
        )
    )
    assert [d.code for d in await next_diagnostics(client, uri)] == ["CL101"]
    pyproject.write_text('[tool.credlint]\nselect = ["CL0", "CL1"]\nignore = ["CL101"]\n')
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=pyproject.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    assert await next_diagnostics(client, uri) == []


TWO_CLIENTS = f'''import boto3


def first():
    return boto3.client("s3", region_name="eu-west-1", aws_access_key_id="{KEY}")


def second():
    return boto3.client("sqs", region_name="eu-west-1", aws_access_key_id="{KEY}")
'''


def key_lines(diagnostics: list[types.Diagnostic]) -> list[int]:
    """The lines of the key ids (CL101); each client given one alone also has a CL501."""
    return [found.range.start.line for found in diagnostics if found.code == "CL101"]


@pytest.mark.asyncio
async def test_edits_keep_every_finding_in_place(client: LanguageClient, tmp_path: Path) -> None:
    uri = (tmp_path / "app.py").as_uri()
    document = types.TextDocumentItem(uri=uri, language_id="python", version=1, text=TWO_CLIENTS)
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=document))
    assert key_lines(await next_diagnostics(client, uri)) == [4, 8]

    def change(version: int, line: int, text: str) -> None:
        where = types.Range(start=types.Position(line=line, character=0), end=types.Position(line=line, character=0))
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangePartial(range=where, text=text)],
            )
        )

    change(2, 8, "    # typed in the second function\n")
    assert key_lines(await next_diagnostics(client, uri)) == [4, 9]
    change(3, 0, "# a line at the top moves every finding\n")
    assert key_lines(await next_diagnostics(client, uri)) == [5, 10]
