"""Which files credlint reads, and as what: by name, and a Python script by its shebang."""

from __future__ import annotations

import json
from pathlib import Path, PurePath

import pytest

from credlint.file_kinds import DOCKERFILE, DOTENV, JSON, PYTHON, SYSTEMD, TEXT, YAML, kind_by_name, kind_of_named_file
from tests.conftest import run_cli


@pytest.mark.parametrize(
    "name,kind",
    [
        ("app.py", PYTHON),
        ("stubs.pyi", PYTHON),
        ("Dockerfile", DOCKERFILE),
        ("Dockerfile.prod", DOCKERFILE),
        ("dockerfile", DOCKERFILE),
        ("worker.dockerfile", DOCKERFILE),
        ("Containerfile", DOCKERFILE),
        (".env", DOTENV),
        (".env.production", DOTENV),
        ("staging.env", DOTENV),
        (".envrc", DOTENV),
        ("uploader.service", SYSTEMD),
        ("uploader.service.d/override.conf", SYSTEMD),
        ("docker-compose.yml", YAML),
        ("template.yaml", YAML),
        ("task-definition.json", JSON),
        ("README.md", None),
        ("nginx.conf", None),
        ("environment.py", PYTHON),
        ("Dockerfile.md", None),
        ("Dockerfile.j2", None),
        (".env.json", JSON),
    ],
)
def test_kind_by_name(name: str, kind: str | None) -> None:
    assert kind_by_name(PurePath(name)) == kind


def test_a_named_file_without_suffix_is_python_by_its_shebang_else_text(tmp_path: Path) -> None:
    script = tmp_path / "deploy"
    script.write_text("#!/usr/bin/env python3\nimport boto3\n")
    script.chmod(0o755)
    notes = tmp_path / "NOTES"
    notes.write_text("AWS_ACCESS_KEY_ID is read from the environment\n")
    assert kind_of_named_file(script) == PYTHON
    assert kind_of_named_file(notes) == TEXT


def test_files_of_no_known_kind_are_scanned_as_text(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("AKIAQ7RWN3HV5D2KT4LM\n")
    (tmp_path / "data.json").write_text('{"AWS_ACCESS_KEY_ID": "not a deployment file"}\n')
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x01\x02AKIAQ7RWN3HV5D2KT4LM\x03")
    result = run_cli(["check", "--format", "json", ".", "notes.txt"], cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    document = json.loads(result.stdout)
    assert [(f["path"], f["code"]) for f in document["findings"]] == [("notes.txt", "CL101")]
    assert document["errors"] == [] and document["summary"]["files_checked"] == 3
