"""No output of credlint holds a planted credential: every report format, the baseline, editor
mode and the language server, on a project with keys in every file kind, and on the very lines
where a file fails to parse, since parser messages quote the text they stop at."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

# Imported outright, unlike tests/test_lsp.py: the test extra installs it, and a leak test that
# skips itself would prove nothing.
import pytest_lsp
from lsprotocol import types
from lsprotocol.converters import get_converter
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.conftest import credlint_executable

KEY = "AKIAEUPUKFZ77LHXQT5S"
TEMPORARY_KEY = "ASIAEQGLZB4DFQ6GN73C"
SECRET = "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"
TOKEN = (
    "FwoGZXIvYXdzEXBZTMEDHachY9xtk+4arNDNRlhC/n91QIJDUonR4FDgjYwGmXO89Ppkhjv3IJzu+e+lf7RcIeqV5q8+8dBxTpU29D+5R/rRIV"
    "pHBmsyW3xPq9tfuHDLYiQo+NOjJIkYdF3OsukE5mDdtpHwq+jWjNFFDSTf5yHnGnbMf8SPQUlEd2vcvTvqgT0F9jHPhJM1u1oPfy4Gq+FGZKvkVu"
    "2/iWFD7L+vhLg1TvxEtJLBGaI6EP+ah88yNZ+C3LAik5W7y3dwVGAs58om70ICjLOshfy5sgIVi9QI"
)
PLANTED = (KEY, TEMPORARY_KEY, SECRET, TOKEN)
# The product's redacted form: the first four and the last four characters, the rest starred.
REDACTED = (
    "AKIA************QT5S",
    "ASIA************N73C",
    "1SGq********************************5CM5",
    "FwoG********************************i9QI",
)
# A part of a secret is still a leak. Redaction shows four characters at each end, never a longer
# run; eight is twice that, and a chance match of eight base64 characters in prose, paths or hex
# fingerprints is about one in 62**8 (2e14), so any run of eight comes from the planted value.
LEAK_RUN = 8
# Every session token of this generation begins with this header, which the rule pages quote: a
# run inside it is public, not the token's own.
TOKEN_HEADER = "FwoGZXIvYXdzE"
_LEAK = re.compile(
    b"|".join(
        re.escape(run.encode())
        for value in PLANTED
        for run in (value[start : start + LEAK_RUN] for start in range(len(value) - LEAK_RUN + 1))
        if run not in TOKEN_HEADER
    )
)


def notebook(*source: str) -> str:
    """An nbformat 4 notebook with one code cell, written as Jupyter writes it."""
    cell: dict[str, object] = {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {},
        "outputs": [],
        "source": list(source),
    }
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1) + "\n"


# Every file kind credlint reads, each holding planted values.
FILES = {
    "app.py": f"""import os

import boto3

ACCESS_KEY = "{KEY}"
SECRET_KEY = "{SECRET}"
s3 = boto3.client("s3", region_name="eu-west-1", aws_access_key_id="{TEMPORARY_KEY}", aws_secret_access_key="{SECRET}", aws_session_token="{TOKEN}")
session = boto3.Session(aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, region_name="eu-west-1")
os.environ["AWS_ACCESS_KEY_ID"] = "{KEY}"
os.environ["AWS_SECRET_ACCESS_KEY"] = "{SECRET}"
os.environ["AWS_SESSION_TOKEN"] = "{TOKEN}"
HEAD = "{SECRET[:20]}"
sts = boto3.client("sts", region_name="eu-west-1", aws_access_key_id=f"{KEY}", aws_secret_access_key=f"{{HEAD}}{SECRET[20:]}")
""",
    ".env": f"AWS_ACCESS_KEY_ID={KEY}\nAWS_SECRET_ACCESS_KEY={SECRET}\nAWS_SESSION_TOKEN={TOKEN}\n",
    "docker-compose.yml": f"services:\n  app:\n    image: app\n    environment:\n      AWS_ACCESS_KEY_ID: {KEY}\n      AWS_SECRET_ACCESS_KEY: {SECRET}\n",
    ".github/workflows/deploy.yml": f"""on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          aws-access-key-id: {TEMPORARY_KEY}
          aws-secret-access-key: {SECRET}
          aws-session-token: {TOKEN}
          aws-region: eu-west-1
""",
    "k8s/deployment.yaml": f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    spec:
      containers:
        - name: app
          image: app
          env:
            - name: AWS_ACCESS_KEY_ID
              value: {KEY}
            - name: AWS_SECRET_ACCESS_KEY
              value: "{SECRET}"
""",
    "config/settings.json": json.dumps({"aws": {"accessKeyId": KEY, "secretAccessKey": SECRET, "sessionToken": TOKEN}}),
    "infra/main.tf": f'provider "aws" {{\n  region     = "eu-west-1"\n  access_key = "{KEY}"\n  secret_key = "{SECRET}"\n  token      = "{TOKEN}"\n}}\n',
    "deploy.sh": f"#!/bin/sh\nexport AWS_ACCESS_KEY_ID={TEMPORARY_KEY}\nexport AWS_SECRET_ACCESS_KEY='{SECRET}'\nexport AWS_SESSION_TOKEN=\"{TOKEN}\"\naws s3 ls\n",
    ".aws/credentials": f"[default]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\naws_session_token = {TOKEN}\n",
    "analysis.ipynb": notebook(
        "import boto3\n",
        f's3 = boto3.client("s3", region_name="eu-west-1", aws_access_key_id="{KEY}", aws_secret_access_key="{SECRET}")\n',
    ),
    "docs/setup.md": f"# Setup\n\nThe deploy user's pair, as IAM showed it: {KEY} {SECRET}\n\n```ini\naws_session_token = {TOKEN}\n```\n",
    # Files that fail to parse on the line holding the value, often at the value itself.
    "broken/unterminated.py": f'x = "{KEY}" "\n',
    "broken/operator.py": f"key = {TEMPORARY_KEY} +\n",
    "broken/juxtaposed.py": f'import boto3\ns3 = boto3.client("s3", aws_secret_access_key="{SECRET}" {TOKEN})\n',
    "broken/fstring.py": f'import boto3\ns3 = boto3.client("s3", aws_session_token=f"{{{TOKEN}")\n',
    "broken/docker-compose.yml": f"services:\n  app:\n    environment:\n      AWS_ACCESS_KEY_ID: {KEY}: {SECRET}\n",
    "broken/k8s/pod.yaml": f"apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - env:\n        - name: AWS_ACCESS_KEY_ID\n          value: *{KEY}\n",
    "broken/.github/workflows/ci.yml": f"on: push\njobs:\n  ci:\n    steps:\n      - with:\n          aws-access-key-id: !{TEMPORARY_KEY}!x value\n",
    "broken/ecs/task-definition.json": f'{{"containerDefinitions": [{{"name": "app", "environment": [{{"name": "AWS_ACCESS_KEY_ID", "value": {KEY}}}, {{"name": "AWS_SECRET_ACCESS_KEY", "value": "{SECRET}" "{TOKEN}"}}]}}]}}\n',
    "broken/notebook.ipynb": f'{{"cells": [{{"cell_type": "code", "source": ["key = \\"{KEY}\\"\\n", {SECRET}]}}]}}\n',
}


def leaks(**outputs: bytes) -> str:
    """Each line of the named outputs that holds a planted value, whole or a run of LEAK_RUN of its
    characters, after the output's name: empty when nothing leaked."""
    return "\n".join(
        f"{name}: {line.decode(errors='replace')}"
        for name, output in outputs.items()
        for line in output.splitlines()
        if _LEAK.search(line)
    )


def credlint(args: Sequence[str], cwd: Path, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    """The installed CLI with its streams as raw bytes, so that no decoding can hide a leak."""
    environment = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [credlint_executable(), *args], cwd=cwd, input=stdin, capture_output=True, env=environment, timeout=120
    )


def plant(root: Path) -> None:
    """Write every file of FILES under root."""
    for path, text in FILES.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    plant(tmp_path / "project")
    return tmp_path / "project"


# Each format's arguments, and what its report must show so that it cannot pass by showing nothing:
# the redacted values, or for GitHub annotations, which carry no preview, the credential rules.
FORMATS = {
    "text": ((), REDACTED),
    "text-no-explain": (("--no-explain",), REDACTED),
    "text-verbose": (("--verbose",), REDACTED),
    "json": (("--format", "json"), REDACTED),
    "sarif": (("--format", "sarif"), REDACTED),
    "github": (("--format", "github"), ("title=CL101", "title=CL102", "title=CL103")),
}


@pytest.mark.parametrize("to_file", [False, True], ids=["stdout", "output-file"])
@pytest.mark.parametrize(("arguments", "shown"), FORMATS.values(), ids=FORMATS.keys())
def test_check_holds_no_secret(
    project: Path, tmp_path: Path, arguments: tuple[str, ...], shown: tuple[str, ...], to_file: bool
) -> None:
    target = tmp_path / "report"
    result = credlint(["check", *arguments, *(["-o", str(target)] if to_file else []), "."], cwd=project)
    report = target.read_bytes() if to_file else result.stdout
    assert result.returncode == 1, result.stderr
    leaked = leaks(report=report, stdout=result.stdout, stderr=result.stderr)
    assert not leaked, leaked
    assert all(text.encode() in report for text in shown)


def test_baseline_and_a_check_against_it_hold_no_secret(project: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    written = credlint(["baseline", "-o", str(baseline), "."], cwd=project)
    assert written.returncode == 0, written.stderr
    leaked = leaks(baseline=baseline.read_bytes(), stdout=written.stdout, stderr=written.stderr)
    assert not leaked, leaked
    recorded = {entry["code"] for entry in json.loads(baseline.read_text())["findings"]}
    assert {"CL000", "CL101", "CL102", "CL103"} <= recorded

    # The same files again, added after the baseline, so that the check has every finding to show.
    plant(project / "late")
    result = credlint(["check", "--baseline", str(baseline), "."], cwd=project)
    assert result.returncode == 1, result.stderr
    leaked = leaks(stdout=result.stdout, stderr=result.stderr)
    assert not leaked, leaked
    assert b"late/" in result.stdout and all(text.encode() in result.stdout for text in REDACTED)


def test_the_cache_holds_no_secret(project: Path) -> None:
    cold = credlint(["check", "--format", "json", "."], cwd=project)
    warm = credlint(["check", "--format", "json", "."], cwd=project)
    assert warm.stdout == cold.stdout
    kept = sorted((project / ".credlint_cache").rglob("*"))
    assert len([path for path in kept if path.suffix == ".json"]) >= len(FILES)
    leaked = leaks(**{path.name: path.read_bytes() for path in kept if path.is_file()})
    assert not leaked, leaked


@pytest.mark.parametrize("path", FILES)
def test_editor_buffer_holds_no_secret(tmp_path: Path, path: str) -> None:
    result = credlint(["check", "--stdin-filename", path, "-"], cwd=tmp_path, stdin=FILES[path].encode())
    leaked = leaks(stdout=result.stdout, stderr=result.stderr)
    assert not leaked, leaked
    # A file that fails to parse as Python shows no value at all, only its CL000.
    assert b"CL000" in result.stdout or any(text.encode() in result.stdout for text in REDACTED)


@pytest_lsp.fixture(  # type: ignore[untyped-decorator]
    config=ClientServerConfig(server_command=[sys.executable, "-m", "credlint", "lsp"])
)
async def client(lsp_client: LanguageClient, tmp_path: Path) -> AsyncIterator[None]:
    params = types.InitializeParams(capabilities=types.ClientCapabilities(), root_uri=tmp_path.as_uri())
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio
@pytest.mark.parametrize("path", FILES)
async def test_language_server_holds_no_secret(client: LanguageClient, tmp_path: Path, path: str) -> None:
    uri = (tmp_path / path).as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=FILES[path])
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    diagnostics = list(client.diagnostics[uri])
    # As the client receives them: diagnostics, log and shown messages in their JSON form.
    sent = get_converter().unstructure([diagnostics, client.log_messages, client.messages])
    leaked = leaks(lsp=json.dumps(sent, indent=1).encode())
    assert not leaked, leaked
    # Diagnostics carry no preview: the codes show that the values were seen.
    assert {diagnostic.code for diagnostic in diagnostics} & {"CL000", "CL101", "CL102", "CL103"}
