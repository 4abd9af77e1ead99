"""Fixes: every catalogue example with a fix, fixed, parses, keeps nothing fixable and fixes to
itself; and the installed CLI's --diff, --fix and --unsafe-fixes on a mixed module."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import libcst as cst
import pytest

from credlint.catalogue import examples, pages_directory
from credlint.deployment.read import read_deployment_file
from credlint.file_kinds import PYTHON
from credlint.finding import SAFE, UNSAFE
from credlint.fixing import fix_source, fixable
from tests.conftest import example_findings, run_cli

PAGES = sorted(pages_directory().glob("CL*.md"))
EXAMPLES = [example for page in PAGES for example in examples(page)]
KEY_ID = "AKIAZ7QRSTUVWXYZ2345"
SECRET = "pLx9Qw2Er5Ty8Ui0Op3As6Df9Gh2Jk5Lz8Xc1Vb4"


WITH_FIXES = [e for e in EXAMPLES if fixable(example_findings(e, e.source), unsafe=True)]


def test_the_credential_pages_have_examples_with_fixes() -> None:
    pages = {(example.page.split("-")[0], example.kind) for example in WITH_FIXES}
    python = {(code, "python") for code in ("CL101", "CL102", "CL201", "CL202", "CL301", "CL401", "CL402")}
    assert python | {("CL205", "yaml"), ("CL205", "dockerfile"), ("CL205", "dotenv")} <= pages


@pytest.mark.parametrize("example", WITH_FIXES, ids=lambda e: f"{e.page}:{e.first_line}")
def test_a_fixed_example_parses_keeps_nothing_fixable_and_fixes_to_itself(example) -> None:  # type: ignore[no-untyped-def]
    found = fixable(example_findings(example, example.source), unsafe=True)
    fixed = fix_source(example.path, example.source.encode(), found)
    assert fixed is not None and set(fixed.fixed) == set(found)
    if example.kind == PYTHON:
        cst.parse_module(fixed.after)  # still Python
    else:
        read_deployment_file(example.kind, example.path, fixed.after)  # still valid in its format
    after = example_findings(example, fixed.after)
    assert fixable(after, unsafe=True) == []
    assert {f.code for f in after} <= {f.code for f in example_findings(example, example.source)}
    assert fix_source(example.path, fixed.after_bytes, fixable(after, unsafe=True)) is None  # idempotent


def test_the_installed_cli_fixes_every_example_once_and_for_all(tmp_path: Path) -> None:
    """Each example in a directory of its own, under the name its page gives it: one --fix run
    leaves every file valid and nothing fixable, and a second run changes nothing."""
    (tmp_path / "pyproject.toml").write_text('[tool.credlint]\ndefault-region = "eu-west-1"\n')
    written = []
    for number, example in enumerate(WITH_FIXES):
        path = tmp_path / f"example{number}" / example.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(example.source)
        written.append((example, path))
    first = run_cli(["check", "--no-cache", "--fix", "--unsafe-fixes", "."], cwd=tmp_path)
    assert "Traceback" not in first.stderr and "Fixed 0 finding(s)" not in first.stderr
    fixed = {path: path.read_text() for _, path in written}
    for example, path in written:
        assert fixed[path] != example.source
        if example.kind == PYTHON:
            cst.parse_module(fixed[path])
        else:
            read_deployment_file(example.kind, example.path, fixed[path])
    report = run_cli(["check", "--no-cache", "--format", "json", "."], cwd=tmp_path)
    assert [f for f in json.loads(report.stdout)["findings"] if f["fix"] is not None] == []
    again = run_cli(["check", "--no-cache", "--fix", "--unsafe-fixes", "."], cwd=tmp_path)
    assert "Fixed 0 finding(s)" in again.stderr and {path: path.read_text() for _, path in written} == fixed


def test_credential_and_retry_fixes_are_unsafe_and_the_region_fix_is_safe() -> None:
    fixes = {(f.code, f.fix.safety) for e in WITH_FIXES for f in example_findings(e, e.source) if f.fix is not None}
    assert {safety for code, safety in fixes if code[:3] in ("CL1", "CL2", "CL4")} == {UNSAFE}
    assert {safety for code, safety in fixes if code == "CL301"} == {SAFE}


MIXED = f'''"""Uploads."""

import os
import time

import boto3
from botocore.exceptions import ClientError

# the uploader's own client
s3 = boto3.client(
    "s3",
    region_name="eu-west-1",
    aws_access_key_id="{KEY_ID}",  # pasted from the console
    aws_secret_access_key="{SECRET}",
)
queue = boto3.client(
    "sqs", region_name="eu-west-1", aws_access_key_id=os.environ["APP_KEY"], aws_secret_access_key=os.environ["APP_SECRET"]
)


def for_children(key):
    # the workers read these
    os.environ["AWS_ACCESS_KEY_ID"] = key


def upload(body):
    for attempt in range(5):
        try:
            return s3.put_object(Bucket="b", Key="k", Body=body)  # keep this comment
        except ClientError:
            time.sleep(2 ** attempt)
'''


def mixed_module(tmp_path: Path) -> Path:
    path = tmp_path / "uploads.py"
    path.write_text(MIXED)
    path.chmod(0o750)
    return path


def codes(tmp_path: Path) -> set[str]:
    result = run_cli(["check", "--no-cache", "--format", "json", "uploads.py"], cwd=tmp_path)
    return {finding["code"] for finding in json.loads(result.stdout)["findings"]}


def test_diff_prints_the_fixes_redacted_and_writes_nothing(tmp_path: Path) -> None:
    path = mixed_module(tmp_path)
    safe_only = run_cli(["check", "--no-cache", "--diff", "uploads.py"], cwd=tmp_path)
    assert (safe_only.returncode, safe_only.stdout) == (0, "")
    assert "5 more with --unsafe-fixes" in safe_only.stderr
    result = run_cli(["check", "--no-cache", "--diff", "--unsafe-fixes", "uploads.py"], cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("--- a/uploads.py\n+++ b/uploads.py\n")
    assert '-    aws_access_key_id="AKIA************2345",  # pasted from the console' in result.stdout
    assert KEY_ID not in result.stdout + result.stderr and SECRET not in result.stdout + result.stderr
    assert '+                "EC2ThrottledException",' in result.stdout  # only credentials are redacted
    assert path.read_text() == MIXED


def test_unsafe_fixes_remove_the_credentials_keep_the_rest_and_run_twice_to_the_same_file(tmp_path: Path) -> None:
    path = mixed_module(tmp_path)
    assert {"CL101", "CL102", "CL201", "CL202", "CL401"} <= codes(tmp_path)
    result = run_cli(["check", "--no-cache", "--fix", "--unsafe-fixes", "uploads.py"], cwd=tmp_path)
    assert "Fixed 5 finding(s)" in result.stderr
    fixed = path.read_text()
    cst.parse_module(fixed)
    assert "# the uploader's own client" in fixed and "# keep this comment" in fixed
    assert KEY_ID not in fixed and SECRET not in fixed and "APP_KEY" not in fixed
    assert 'queue = boto3.client(\n    "sqs", region_name="eu-west-1"\n)' in fixed
    assert "def for_children(key):\n    # the workers read these\n    pass\n" in fixed
    assert 'except ClientError as error:\n            if error.response["Error"]["Code"] not in (' in fixed
    assert {"CL101", "CL102", "CL201", "CL202", "CL401"} & codes(tmp_path) == set()
    assert stat.S_IMODE(path.stat().st_mode) == 0o750
    assert sorted(os.listdir(tmp_path)) == ["uploads.py"]  # no backup holds the key
    again = run_cli(["check", "--no-cache", "--fix", "--unsafe-fixes", "uploads.py"], cwd=tmp_path)
    assert "Fixed 0 finding(s)" in again.stderr and path.read_text() == fixed


def test_fix_without_unsafe_fixes_leaves_unsafe_fixes_alone(tmp_path: Path) -> None:
    path = mixed_module(tmp_path)
    result = run_cli(["check", "--no-cache", "--fix", "uploads.py"], cwd=tmp_path)
    assert result.returncode == 1 and "Fixed 0 finding(s); 5 more with --unsafe-fixes" in result.stderr
    assert path.read_text() == MIXED


def test_fix_does_not_read_stdin(tmp_path: Path) -> None:
    result = run_cli(["check", "--fix", "--stdin-filename", "a.py", "-"], cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr


IGNORED = f'''import os

import boto3

s3 = boto3.client("s3", aws_access_key_id="{KEY_ID}")  # the uploader
DOC = """
key: {KEY_ID}
"""
queue = boto3.client(
    "sqs",
    aws_access_key_id="{KEY_ID}",  # credlint: ignore[CL301]
)
'''


def test_add_ignore_silences_every_finding_a_line_can_hold_a_comment_for(tmp_path: Path) -> None:
    path = tmp_path / "uploads.py"
    path.write_bytes(IGNORED.replace("\n", "\r\n").encode())
    result = run_cli(["check", "--no-cache", "--add-ignore", "uploads.py"], cwd=tmp_path)
    assert result.returncode == 0
    assert "Added 3 ignore comment(s); 1 finding(s) with no line to hold one" in result.stderr
    text = path.read_bytes().decode()
    assert text.count("\r\n") == IGNORED.count("\n") and "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")
    assert lines[4].endswith("# the uploader  # credlint: ignore[CL101, CL302, CL501]")
    assert lines[8] == "queue = boto3.client(  # credlint: ignore[CL301]"
    assert lines[10].endswith("# credlint: ignore[CL101, CL301, CL501]")  # merged with the comment there
    assert lines[5:8] == IGNORED.split("\n")[5:8]  # nothing written inside the string
    cst.parse_module(path.read_bytes())
    assert codes(tmp_path) == {"CL101"}  # only the key inside the string is left
    again = run_cli(["check", "--no-cache", "--add-ignore", "uploads.py"], cwd=tmp_path)
    assert "Added 0 ignore comment(s)" in again.stderr and path.read_bytes().decode() == text


def test_the_configured_default_region_is_passed_to_clients_created_without_one(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.credlint]\ndefault-region = "eu-west-1"\n')
    path = tmp_path / "queues.py"
    path.write_text('import boto3\n\nsqs = boto3.client("sqs")\nsns = boto3.client(\n    "sns",\n)\n')
    result = run_cli(["check", "--no-cache", "--fix", "queues.py"], cwd=tmp_path)  # a safe fix
    assert result.returncode == 0 and "Fixed 2 finding(s)" in result.stderr
    assert path.read_text() == (
        'import boto3\n\nsqs = boto3.client("sqs", region_name="eu-west-1")\n'
        'sns = boto3.client(\n    "sns",\n    region_name="eu-west-1",\n)\n'
    )
    again = run_cli(["check", "--no-cache", "--fix", "queues.py"], cwd=tmp_path)
    assert "Fixed 0 finding(s)" in again.stderr


def test_a_default_region_that_is_no_region_name_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.credlint]\ndefault-region = "Europe"\n')
    (tmp_path / "app.py").write_text("x = 1\n")
    result = run_cli(["check", "--no-cache", "app.py"], cwd=tmp_path)
    assert result.returncode == 2 and "default-region" in result.stderr and "Traceback" not in result.stderr


def test_the_text_report_marks_what_fix_would_fix_as_ruff_does(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.credlint]\ndefault-region = "eu-west-1"\n')
    (tmp_path / "queues.py").write_text(
        f'import boto3\n\nsqs = boto3.client("sqs")\ns3 = boto3.client("s3", region_name="eu-west-1", aws_access_key_id="{KEY_ID}")\n'
    )
    result = run_cli(["check", "--no-cache", "queues.py"], cwd=tmp_path)
    heads = [line for line in result.stdout.splitlines() if line.startswith("queues.py:")]
    assert [head.split(" ")[1:3] for head in heads] == [
        ["CL301", "[*]"],
        ["CL501", "boto3.client('s3')"],
        ["CL101", "Hard-coded"],
    ]
    assert "    Autofix (safe, --fix): pass region_name='eu-west-1', the project's default-region" in result.stdout
    assert result.stdout.splitlines()[-1] == "[*] 1 fixable with --fix (1 more with --unsafe-fixes)."


def test_a_diff_never_shows_a_value_the_fix_takes_out_whatever_its_shape(tmp_path: Path) -> None:
    odd = "Zq9-vT5mZ2nW7pL0xY3cB6dF9g"  # no key's shape, but in the key's place
    (tmp_path / "app.py").write_text(
        f'import boto3\n\ns3 = boto3.client("s3", aws_access_key_id="{KEY_ID}", aws_secret_access_key="{odd}")\n'
    )
    result = run_cli(["check", "--no-cache", "--diff", "--unsafe-fixes", "app.py"], cwd=tmp_path)
    assert result.stdout.startswith("--- a/app.py") and odd not in result.stdout and KEY_ID not in result.stdout
