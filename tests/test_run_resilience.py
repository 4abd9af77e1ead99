"""A run survives its own failures: a rule that raises, a worker that dies, Ctrl-C; and the same
input always gives the same bytes out, whatever the number of workers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import run_cli

KEY = "AKIAQ7RWN3HV5D2KT4LM"
SECRET = "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"
APP = f'import boto3\n\nboto3.client("s3", aws_access_key_id="{KEY}")\n'
FILES = 60  # above the size at which a run starts a process pool


def run_patched(
    patch: str, args: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The CLI in a fresh interpreter after `patch` ran: how a test plants a bug in credlint."""
    script = textwrap.dedent(patch) + "\nimport sys\nfrom credlint.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
        timeout=300,
    )


# A rule class replaced, on load, by a subclass that raises with the file's secret in its message.
CRASHING_RULE = """
import os
from credlint.rule_info import RuleInfo

load = RuleInfo.load

def crashing_load(self, kind="python"):
    rule_class = load(self, kind)
    if self.code != os.environ["CRASHING_RULE"]:
        return rule_class

    def explode(*args):
        raise ZeroDivisionError("while reading " + os.environ["CRASHING_TEXT"])

    explode.__name__ = os.environ["CRASHING_METHOD"]  # LibCST finds visit_ methods by their name
    crashing = type("Crashing", (rule_class,), {os.environ["CRASHING_METHOD"]: explode})
    crashing.info = self
    return crashing

RuleInfo.load = crashing_load
"""


SHELL = ("other.sh", f"export AWS_ACCESS_KEY_ID={KEY}\n", "other.sh:1:26: CL101")
PYTHON = ("other.py", APP, "other.py:3:39: CL101")
DOTENV = f"AWS_ACCESS_KEY_ID={KEY}\nAWS_SECRET_ACCESS_KEY={SECRET}\n"


# Each rule crashes on one file; the other file is of a kind that rule does not read.
@pytest.mark.parametrize(
    "code,method,name,text,kept,other",
    [
        ("CL302", "visit_Module", "app.py", APP, "app.py:3:39: CL101", SHELL),
        ("CL102", "check", "settings.env", DOTENV, "settings.env:1:19: CL101", PYTHON),
    ],
    ids=["python-rule", "text-rule"],
)
def test_a_rule_that_raises_costs_only_its_own_findings(
    tmp_path: Path, code: str, method: str, name: str, text: str, kept: str, other: tuple[str, str, str]
) -> None:
    (tmp_path / name).write_text(text)
    other_name, other_text, other_finding = other
    (tmp_path / other_name).write_text(other_text)
    crash = {"CRASHING_RULE": code, "CRASHING_METHOD": method, "CRASHING_TEXT": SECRET}
    result = run_patched(CRASHING_RULE, ["check", "--no-explain", "."], tmp_path, crash)
    assert result.returncode == 2
    assert kept in result.stdout and other_finding in result.stdout
    assert code not in result.stdout  # the crashed rule reported nothing, not even half
    [line] = result.stderr.splitlines()
    assert line.startswith(f"credlint: error: {name}: internal error in {code}: ZeroDivisionError at credlint/")
    assert line.endswith("the other rules' findings are reported, please report it")
    assert SECRET not in result.stderr + result.stdout  # the exception's text is never shown


def test_a_rule_that_raises_in_a_worker_is_reported_the_same_way(tmp_path: Path) -> None:
    for number in range(FILES):
        (tmp_path / f"app{number:02}.py").write_text(APP)
    crash = {"CRASHING_RULE": "CL302", "CRASHING_METHOD": "visit_Module", "CRASHING_TEXT": SECRET}
    result = run_patched(CRASHING_RULE, ["check", "--no-explain", "--jobs", "2", "."], tmp_path, crash)
    lines = result.stderr.splitlines()
    assert len(lines) == FILES and all(
        "internal error in CL302: ZeroDivisionError at credlint/" in line for line in lines
    )
    assert sum(": CL101 " in line for line in result.stdout.splitlines()) == FILES
    assert result.returncode == 2


KILLER = """
import os, signal
import credlint.api

check = credlint.api.lint_source

def dying_check(path, *args, **kwargs):
    if "killer" in path:
        os.kill(os.getpid(), signal.SIGKILL)
    return check(path, *args, **kwargs)

credlint.api.lint_source = dying_check
"""


def test_a_worker_that_dies_costs_only_its_file(tmp_path: Path) -> None:
    for number in range(FILES):
        (tmp_path / f"app{number:02}.py").write_text(APP)
    (tmp_path / "killer.py").write_text(APP)
    result = run_patched(KILLER, ["check", "--no-explain", "--jobs", "2", "."], tmp_path)
    assert result.stderr.splitlines() == [
        "credlint: error: killer.py: the process checking it died (crashed or was killed); skipped, please report it"
    ]
    reported = {line.split(":")[0] for line in result.stdout.splitlines() if ": CL101 " in line}
    assert reported == {f"app{number:02}.py" for number in range(FILES)}
    assert result.returncode == 2


@pytest.mark.parametrize("files", [1, FILES], ids=["one-process", "worker-pool"])
def test_ctrl_c_exits_130_with_one_line_and_no_report(tmp_path: Path, files: int) -> None:
    for number in range(files):
        (tmp_path / f"app{number:02}.py").write_text(APP)
    # Slow enough to be still running when the signal comes: a minute of analysis.
    (tmp_path / "table.py").write_text('import boto3\nboto3.client("s3")\nx = [' + "1," * 200_000 + "]\n")
    command = [sys.executable, "-m", "credlint", "check", "--jobs", "2", "--file-timeout", "0", "-o", "report.json"]
    process = subprocess.Popen([*command, "."], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(3)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert (process.returncode, stdout, stderr) == (130, "", "credlint: interrupted\n")
    assert not (tmp_path / "report.json").exists()
    assert [path.name for path in tmp_path.rglob("*") if ".tmp" in path.name or "report" in path.name] == []


def test_output_is_byte_identical_across_runs_and_worker_counts(tmp_path: Path) -> None:
    for number in range(FILES):
        (tmp_path / f"app{number:02}.py").write_text(APP)
        (tmp_path / f"deploy{number:02}.env").write_text(f"AWS_ACCESS_KEY_ID={KEY}\n")
    (tmp_path / "broken.py").write_text(f'key = ("{KEY}",\n')
    (tmp_path / "binary.py").write_bytes(b"\0" * 10)
    for output_format in ("json", "sarif", "text"):
        outputs = {
            run_cli(["check", "--format", output_format, *jobs, "."], cwd=tmp_path).stdout
            for jobs in ([], ["--jobs", "1"], ["--jobs", "2"], ["--jobs", "3"], [])
        }
        assert len(outputs) == 1 and KEY[:8] not in outputs.pop()
