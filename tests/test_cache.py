"""The result cache, through the installed CLI: a warm run says exactly what a cold one said, and
anything that could change a result (the file, the configuration, credlint itself) misses it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import run_cli

KEY = "AKIAQ7RWN3HV5D2KT4LM"
APP = f'import boto3\n\nboto3.client("s3", aws_access_key_id="{KEY}")\n'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / "deploy.sh").write_text(f"export AWS_ACCESS_KEY_ID={KEY}\n")
    (tmp_path / "clean.py").write_text("print('hello')\n")
    return tmp_path


def entries(project: Path) -> list[Path]:
    """The kept results of files (the project index keeps its own under projects/)."""
    return sorted((project / ".credlint_cache").glob("v*/??/*.json"))


def check(project: Path, *options: str, env: dict[str, str] | None = None) -> str:
    result = run_cli(["check", "--format", "json", *options, "."], cwd=project, env=env)
    assert result.returncode == 1, result.stderr
    return result.stdout


def test_a_warm_run_repeats_the_cold_one_byte_for_byte(project: Path) -> None:
    cold = check(project)
    assert len(entries(project)) == 3
    assert len(list((project / ".credlint_cache").glob("v*/projects/project-*.json"))) == 1
    assert (project / ".credlint_cache" / ".gitignore").read_text().splitlines()[-1] == "*"
    assert check(project) == cold
    assert run_cli(["check", "."], cwd=project).stdout == run_cli(["check", "--no-cache", "."], cwd=project).stdout


@pytest.mark.parametrize("copies", [0, 60], ids=["one-process", "enough-for-a-pool"])
def test_a_warm_run_parses_nothing(project: Path, copies: int) -> None:
    for number in range(copies):
        (project / f"app{number:02}.py").write_text(APP)
    cold = check(project, "--jobs", "2")
    script = (
        "import sys\nfrom credlint.cli import run\nrun(sys.argv[1:])\nprint('libcst' in sys.modules, file=sys.stderr)\n"
    )
    command = [sys.executable, "-c", script, "check", "--jobs", "2", "--format", "json", "."]
    warm = subprocess.run(command, cwd=project, capture_output=True, text=True)
    assert warm.stderr.strip() == "False" and warm.stdout == cold


def test_an_edited_file_is_checked_again(project: Path) -> None:
    check(project)
    (project / "clean.py").write_text(APP)
    codes = [(f["path"], f["code"]) for f in json.loads(check(project))["findings"]]
    assert ("clean.py", "CL101") in codes


def test_a_changed_configuration_misses_the_cache(project: Path) -> None:
    check(project)
    (project / "pyproject.toml").write_text('[tool.credlint]\nignore = ["CL101"]\n')
    assert "CL101" not in {f["code"] for f in json.loads(check(project))["findings"]}


def test_another_version_of_credlint_misses_the_cache(project: Path) -> None:
    check(project)
    script = (
        "import sys, credlint.cache\n"
        "credlint.cache._code_identity = lambda: 'credlint 99.0'\n"
        "from credlint.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    )
    subprocess.run([sys.executable, "-c", script, "check", "."], cwd=project, capture_output=True, check=False)
    assert len(entries(project)) == 6  # the same three files under three new keys


def test_a_corrupt_entry_is_ignored_and_rewritten(project: Path) -> None:
    cold = check(project)
    for entry in entries(project):
        entry.write_bytes(b'{"findings": [{"path": 3}], "error"')
    assert check(project) == cold
    assert all(json.loads(entry.read_text())["findings"] is not None for entry in entries(project))


def test_a_cache_made_elsewhere_cannot_hide_a_finding(project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """A cache folder committed to a repository is keyed for another user's machine: it never matches."""
    elsewhere = {"XDG_CACHE_HOME": str(tmp_path_factory.mktemp("elsewhere"))}
    check(project, env=elsewhere)
    for entry in entries(project):  # what an attacker would commit: every file clean
        entry.write_text('{"findings": [], "error": null, "parsed": true}')
    here = {"XDG_CACHE_HOME": str(tmp_path_factory.mktemp("here"))}
    assert "CL101" in {f["code"] for f in json.loads(check(project, env=here))["findings"]}


def test_no_cache_keeps_nothing_and_cache_dir_moves_it(project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    check(project, "--no-cache")
    assert not (project / ".credlint_cache").exists()
    elsewhere = tmp_path_factory.mktemp("kept")
    check(project, "--cache-dir", str(elsewhere))
    assert not (project / ".credlint_cache").exists() and len(list(elsewhere.glob("v*/??/*.json"))) == 3


def test_the_cache_folder_is_never_checked(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.credlint]\nexclude = ["nothing/"]\n')  # no default excludes
    check(project)
    result = run_cli(["check", "--verbose", "."], cwd=project)
    assert ".credlint_cache" not in result.stderr + result.stdout and os.listdir(project / ".credlint_cache")


def test_entries_unused_for_a_month_are_pruned_once_a_day(project: Path) -> None:
    check(project)
    kept = entries(project)
    month_ago = time.time() - 31 * 24 * 3600
    stale = kept[0].parent / ("0" * 64 + ".json")
    stale.write_text(kept[0].read_text())
    os.utime(stale, (month_ago, month_ago))
    for entry in kept:  # old, but used by the next run: kept
        os.utime(entry, (month_ago, month_ago))
    stamp = project / ".credlint_cache" / "last-pruned"
    os.utime(stamp, (month_ago, month_ago))
    check(project)
    assert entries(project) == kept and not stale.exists()
    stale.write_text(kept[0].read_text())
    os.utime(stale, (month_ago, month_ago))
    check(project)  # pruned a moment ago: not again today
    assert stale.exists()
