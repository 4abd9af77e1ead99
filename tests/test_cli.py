"""The installed `credlint` command, run as a user would, in a subprocess."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from credlint.registry import RULES
from tests.conftest import REPO, run_cli

KEY = "AKIA42YQICSX5QSIJMWQ"
SECRET = "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"
LEAKY = f'import boto3\nboto3.client("s3", aws_access_key_id="{KEY}", aws_secret_access_key="{SECRET}", region_name="eu-west-1")\n'
KEY_COLUMN = LEAKY.splitlines()[1].index(KEY) + 1  # findings span the secret itself
SECRET_COLUMN = LEAKY.splitlines()[1].index(SECRET) + 1


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(LEAKY)
    (tmp_path / "clean.py").write_text("import boto3\nboto3.client('s3', region_name='eu-west-1')\n")
    return tmp_path


def test_bundled_examples_show_every_rule_with_explanations() -> None:
    result = run_cli(["check", "examples/"], cwd=REPO)
    assert result.returncode == 1, result.stderr
    found = set(re.findall(r"^\S+:\d+:\d+: (CL\d{3}) ", result.stdout, flags=re.M))
    assert found == set(RULES)
    assert result.stdout.count("At runtime:") == result.stdout.count(": CL")
    assert ">>  0 session" in result.stdout and "never consulted" in result.stdout


def test_text_output_is_ruff_like_and_exit_1(project: Path) -> None:
    result = run_cli(["check", "--no-explain", "."], cwd=project)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"app.py:2:{KEY_COLUMN}: CL101 Hard-coded AWS access key ID passed as aws_access_key_id")
    assert lines[1].startswith(f"app.py:2:{SECRET_COLUMN}: CL102 ")
    assert lines[-2:] == ["Found 2 findings (2 error) in 1 file of 2 checked.", "2 fixable with --fix --unsafe-fixes."]


def test_clean_tree_exits_0(project: Path) -> None:
    (project / "app.py").unlink()
    result = run_cli(["check", "."], cwd=project)
    assert (result.returncode, result.stdout) == (0, "No findings in 1 file.\n")


def test_json_report_shape(project: Path) -> None:
    result = run_cli(["check", "--format", "json", "."], cwd=project)
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert document["version"] == 1 and document["errors"] == []
    assert document["summary"] == {
        "files_checked": 2,
        "findings": 2,
        "errors": 0,
        "by_severity": {"error": 2},
        "by_code": {"CL101": 1, "CL102": 1},
    }
    first = document["findings"][0]
    assert set(first) == {
        "code",
        "name",
        "category",
        "severity",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "message",
        "preview",
        "fingerprint",
        "explanation",
        "fix",
    }
    assert (first["code"], first["category"], first["path"], first["line"], first["column"]) == (
        "CL101",
        "hardcoded-credential",
        "app.py",
        2,
        KEY_COLUMN,
    )
    assert first["end_column"] - first["column"] == len(KEY)
    assert first["preview"] == "AKIA************JMWQ"
    steps = first["explanation"]["steps"]
    assert steps[0]["status"] == "this code" and steps[0]["method"] == "explicit"
    assert [s["method"] for s in steps[1:]][-2:] == ["container-role", "iam-role"]
    assert all(s["status"] == "never consulted" for s in steps[1:])


def test_output_is_deterministic(project: Path) -> None:
    first = run_cli(["check", "--format", "json", "."], cwd=project).stdout
    assert run_cli(["check", "--format", "json", "."], cwd=project).stdout == first


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_no_output_contains_a_full_secret(project: Path, output_format: str) -> None:
    result = run_cli(["check", "--format", output_format, "."], cwd=project)
    for secret in (KEY, SECRET):
        assert secret not in result.stdout and secret not in result.stderr


def test_rules_and_explain() -> None:
    table = run_cli(["rules"], cwd=REPO)
    assert table.returncode == 0
    assert re.search(r"^CL101\s+hardcoded-access-key-id\s+hardcoded-credential\s+error\s+", table.stdout, re.M)
    rows = json.loads(run_cli(["rules", "--format", "json"], cwd=REPO).stdout)
    assert [row["code"] for row in rows] == list(RULES)
    page = run_cli(["explain", "cl101"], cwd=Path("/"))
    assert page.returncode == 0 and page.stdout.startswith("# CL101 hardcoded-access-key-id")
    missing = run_cli(["explain", "CL999"], cwd=REPO)
    assert missing.returncode == 2 and "no rule 'CL999'" in missing.stderr


def test_python_dash_m(project: Path) -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "credlint", "check", "--no-explain", "app.py"],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1 and "CL101" in result.stdout


def test_bad_files_are_reported_and_others_still_checked(project: Path) -> None:
    (project / "latin1.py").write_bytes(b"name = '\xe9t\xe9'\nkey = 'AKIA'\n")
    (project / "binary.py").write_bytes(b"\x00\x01AKIA" * 10)
    (project / "huge.py").write_text("x = 1\n" * 100)
    (project / "folder.py").mkdir()
    (project / "broken.py").symlink_to(project / "missing-target.py")
    (project / "syntax.py").write_text(f'key = ("{KEY}",\n')
    (project / "pyproject.toml").write_text("[tool.credlint]\nmax-file-size = 500\n")
    result = run_cli(["check", "--no-explain", "."], cwd=project)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"app.py:2:{KEY_COLUMN}: CL101" in result.stdout  # the good file is still checked
    assert "syntax.py:2:1: CL000" in result.stdout
    errors = result.stderr
    assert "latin1.py: is not valid UTF-8" in errors
    assert "binary.py: binary file" in errors
    assert "huge.py: 600 bytes is over max-file-size (500)" in errors
    assert "folder.py: cannot be read" in errors or "folder.py" not in result.stdout
    assert "broken.py: broken symbolic link" in errors
    document = json.loads(run_cli(["check", "--format", "json", "."], cwd=project).stdout)
    kinds = {error["path"]: error["kind"] for error in document["errors"]}
    assert kinds["latin1.py"] == "encoding" and kinds["binary.py"] == "binary"
    assert kinds["huge.py"] == "too-large" and kinds["broken.py"] == "broken-symlink"


def test_coding_cookie_is_honoured(tmp_path: Path) -> None:
    (tmp_path / "legacy.py").write_bytes(f"# -*- coding: latin-1 -*-\nname = '\xe9'\nkey = '{KEY}'\n".encode("latin-1"))
    result = run_cli(["check", "--no-explain", "legacy.py"], cwd=tmp_path)
    assert result.returncode == 1 and "legacy.py:3:8: CL101" in result.stdout


def test_unreadable_file(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    target = tmp_path / "secret.py"
    target.write_text(LEAKY)
    target.chmod(0)
    result = run_cli(["check", "."], cwd=tmp_path)
    assert result.returncode == 2 and "permission denied" in result.stderr


def test_verbose_lists_each_file_with_its_time(project: Path) -> None:
    result = run_cli(["check", "--verbose", "--no-explain", "."], cwd=project)
    lines = result.stderr.splitlines()
    assert re.fullmatch(r"credlint: app\.py: 2 finding\(s\) in \d+ ms", lines[0]), lines
    assert re.fullmatch(r"credlint: \d+ file\(s\) in [\d.]+ s of checking; slowest .+ \([\d.]+ s\)", lines[-1])
    assert result.stdout == run_cli(["check", "--no-explain", "."], cwd=project).stdout


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli(["check", "nope/"], cwd=tmp_path)
    assert result.returncode == 2 and "nope/: no such file or directory" in result.stderr


def test_bad_option_is_exit_2(tmp_path: Path) -> None:
    assert run_cli(["check", "--format", "xml", "."], cwd=tmp_path).returncode == 2


def test_colour_only_on_request(project: Path) -> None:
    plain = run_cli(["check", "app.py"], cwd=project)
    assert "\x1b[" not in plain.stdout
    forced = run_cli(["check", "app.py"], cwd=project, env={"NO_COLOR": "", "FORCE_COLOR": "1"})
    assert "\x1b[" in forced.stdout


def test_exit_zero(project: Path) -> None:
    result = run_cli(["check", "--exit-zero", "."], cwd=project)
    assert result.returncode == 0 and "CL101" in result.stdout


def test_stdin_with_the_configuration_of_its_path(tmp_path: Path) -> None:
    import subprocess

    from tests.conftest import credlint_executable

    (tmp_path / "pyproject.toml").write_text(
        '[tool.credlint]\nselect = ["CL0", "CL1"]\nper-file-ignores = { "tests/**" = ["CL101"] }\n'
    )

    def check(name: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [credlint_executable(), "check", "--no-explain", "--stdin-filename", name, "-"],
            input=LEAKY,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env={**os.environ, "NO_COLOR": "1"},
        )

    flagged = check("src/app.py")
    assert flagged.returncode == 1
    assert flagged.stdout.startswith(f"src/app.py:2:{KEY_COLUMN}: CL101 ")
    assert not (tmp_path / "src").exists()
    assert check("tests/test_app.py").stdout.splitlines()[0].startswith("tests/test_app.py:2:") is True
    assert "CL101" not in check("tests/test_app.py").stdout
    misuse = subprocess.run(
        [credlint_executable(), "check", "--stdin-filename", "a.py", "."], cwd=tmp_path, capture_output=True, text=True
    )
    assert misuse.returncode == 2 and "give `-` as the only path" in misuse.stderr


def test_stdin_is_read_as_the_kind_its_name_gives(tmp_path: Path) -> None:
    """An editor's YAML buffer is a deployment file, a buffer with no suffix Python, its notes text."""
    import subprocess

    from tests.conftest import credlint_executable

    compose = "services:\n  app:\n    image: app\n    environment:\n      - AWS_ACCESS_KEY_ID\n"

    def check(name: str, text: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [credlint_executable(), "check", "--no-explain", "--stdin-filename", name, "-"],
            input=text,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env={**os.environ, "NO_COLOR": "1"},
        )

    assert check("docker-compose.yml", compose).stdout.startswith("docker-compose.yml:5:9: CL205 ")
    notes = check("notes.md", LEAKY).stdout
    assert notes.startswith("notes.md:2:39: CL101 Hard-coded AWS access key ID as aws_access_key_id in a document")
    assert check("deploy", LEAKY).stdout.startswith(f"deploy:2:{KEY_COLUMN}: CL101 ")
