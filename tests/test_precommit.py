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


def project_with_hooks(tmp_path: Path, hooks: str) -> tuple[str, Path, dict[str, str]]:
    """pre-commit, and a new git repository whose configuration runs hooks (YAML under `hooks:`)
    from this checkout's committed HEAD."""
    pre_commit = shutil.which("pre-commit", path=os.path.dirname(sys.executable)) or shutil.which("pre-commit")
    if pre_commit is None:
        pytest.fail("pre-commit is not installed (pip install '.[test]')")
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}
    project = tmp_path / "project"
    project.mkdir()
    run(["git", "init", "-q"], project, env)
    config = f"repos:\n  - repo: {REPO}\n    rev: {head.stdout.strip()}\n    hooks:\n{hooks}"
    (project / ".pre-commit-config.yaml").write_text(config)
    return pre_commit, project, env


@pytest.mark.slow
def test_pre_commit_hook_blocks_a_staged_key_and_passes_without_it(tmp_path: Path) -> None:
    pre_commit, project, env = project_with_hooks(tmp_path, "      - id: credlint\n      - id: credlint-env-files\n")
    app = project / "app.py"
    app.write_text(f'import boto3\ns3 = boto3.client("s3", aws_access_key_id="{KEY}")\n')
    run(["git", "add", "."], project, env)

    (project / ".env").write_text(f"AWS_ACCESS_KEY_ID={KEY}\n")
    (project / "Dockerfile").write_text("FROM python:3.12\nARG AWS_SECRET_ACCESS_KEY\n")
    (project / "README.md").write_text(f"Never write {KEY} anywhere.\n")
    (project / "main.tf").write_text(f'provider "aws" {{\n  access_key = "{KEY}"\n}}\n')
    (project / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + KEY.encode())
    files = ["app.py", ".env", "Dockerfile", "README.md", "main.tf", "logo.png"]
    run(["git", "add", "."], project, env)

    failing = run([pre_commit, "run", "--files", *files], project, env)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "app.py:2:" in failing.stdout and "CL101" in failing.stdout
    # Every text file reaches credlint through the first hook, without a list of file types; the
    # second hook is kept for configurations that name it, and checks nothing twice.
    for place in (".env:1:", "Dockerfile:2:", "README.md:1:", "main.tf:2:"):
        assert failing.stdout.count(place) >= 1, place
    assert failing.stdout.count(".env:1:") == 2  # CL205 and CL101, once each
    assert "logo.png" not in failing.stdout
    assert KEY not in failing.stdout

    app.write_text('import boto3\ns3 = boto3.client("s3", region_name="eu-west-1")\n')
    (project / ".env").write_text("AWS_DEFAULT_REGION=eu-west-1\n")
    (project / "Dockerfile").write_text("FROM python:3.12\n")
    (project / "README.md").write_text("Keys come from the profile.\n")
    (project / "main.tf").write_text('provider "aws" {\n  profile = "dev"\n}\n')
    run(["git", "add", "."], project, env)
    passing = run([pre_commit, "run", "--files", *files], project, env)
    assert passing.returncode == 0, passing.stdout + passing.stderr


@pytest.mark.slow
def test_pre_commit_fix_hook_takes_the_keys_out_and_passes_on_the_next_run(tmp_path: Path) -> None:
    hooks = "      - id: credlint-fix\n        args: [--unsafe-fixes]\n"
    pre_commit, project, env = project_with_hooks(tmp_path, hooks)
    app = project / "app.py"
    app.write_text(
        f'import boto3\n\n# the uploads client\ns3 = boto3.client("s3", region_name="eu-west-1", aws_access_key_id="{KEY}")\n'
    )
    run(["git", "add", "."], project, env)
    fixing = run([pre_commit, "run", "--files", "app.py"], project, env)
    assert fixing.returncode == 1, fixing.stdout + fixing.stderr  # the file was changed: review and stage it
    assert app.read_text() == 'import boto3\n\n# the uploads client\ns3 = boto3.client("s3", region_name="eu-west-1")\n'
    assert KEY not in fixing.stdout + fixing.stderr
    run(["git", "add", "."], project, env)
    passing = run([pre_commit, "run", "--files", "app.py"], project, env)
    assert passing.returncode == 0, passing.stdout + passing.stderr
