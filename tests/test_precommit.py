"""The real pre-commit, using this checkout's .pre-commit-hooks.yaml, on a staged file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

KEY = "AKIAPRCXEMR26FKM72QG"


def run(arguments: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(arguments, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


@pytest.mark.slow
def test_pre_commit_hook_blocks_a_staged_key_and_passes_without_it(tmp_path: Path) -> None:
    pre_commit = shutil.which("pre-commit", path=os.path.dirname(sys.executable)) or shutil.which("pre-commit")
    if pre_commit is None:
        pytest.fail("pre-commit is not installed (pip install '.[test]')")
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}
    project = tmp_path / "project"
    project.mkdir()
    run(["git", "init", "-q"], project, env)
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {REPO}\n    rev: {head.stdout.strip()}\n    hooks:\n      - id: credlint\n"
        "      - id: credlint-env-files\n"
    )
    app = project / "app.py"
    app.write_text(f'import boto3\ns3 = boto3.client("s3", aws_access_key_id="{KEY}")\n')
    run(["git", "add", "."], project, env)

    (project / ".env").write_text(f"AWS_ACCESS_KEY_ID={KEY}\n")
    (project / "Dockerfile").write_text("FROM python:3.12\nARG AWS_SECRET_ACCESS_KEY\n")
    (project / "README.md").write_text(f"Never write {KEY} anywhere.\n")
    run(["git", "add", "."], project, env)

    failing = run([pre_commit, "run", "--files", "app.py", ".env", "Dockerfile", "README.md"], project, env)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "app.py:2:" in failing.stdout and "CL101" in failing.stdout
    # The dotenv file reaches credlint through the second hook, the Dockerfile through the first.
    assert ".env:1:" in failing.stdout and "Dockerfile:2:" in failing.stdout
    assert "README.md" not in failing.stdout
    assert KEY not in failing.stdout

    app.write_text('import boto3\ns3 = boto3.client("s3", region_name="eu-west-1")\n')
    (project / ".env").write_text("AWS_DEFAULT_REGION=eu-west-1\n")
    (project / "Dockerfile").write_text("FROM python:3.12\n")
    run(["git", "add", "."], project, env)
    passing = run([pre_commit, "run", "--files", "app.py", ".env", "Dockerfile"], project, env)
    assert passing.returncode == 0, passing.stdout + passing.stderr
