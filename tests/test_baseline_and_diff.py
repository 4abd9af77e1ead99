"""Adopting credlint on an existing code base: baselines and changed-files mode."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_cli

FIXTURE = Path(__file__).parent / "fixtures" / "ci_project"
SELECTION = ["--select", "CL0,CL1"]
NEW_KEY = "AKIAZD6RFARUDWYG6SSM"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURE, tmp_path / "project")
    return tmp_path / "project"


def flagged(stdout: str) -> list[str]:
    return [line.split(" ")[0] + line.split(" ")[1] for line in stdout.splitlines() if ": CL" in line]


def test_baseline_reports_only_new_findings_after_edits(project: Path) -> None:
    written = run_cli(["baseline", *SELECTION, "."], cwd=project)
    assert written.returncode == 0 and "Wrote 3 finding(s)" in written.stderr
    baseline = project / ".credlint-baseline.json"
    document = json.loads(baseline.read_text())
    assert [(entry["code"], entry["path"], entry["count"]) for entry in document["findings"]] == [
        ("CL101", "app.py", 1),
        ("CL102", "app.py", 1),
        ("CL104", "nested/settings.py", 1),
    ]
    assert "AKIAPRCXEMR26FKM72QG" not in baseline.read_text() and "timestamp" not in baseline.read_text()
    assert baseline.read_text() == json.dumps(document, indent=2, sort_keys=True) + "\n"

    app = project / "app.py"
    app.write_text("# a header added later\n\n\n" + app.read_text() + f'\nOTHER = "{NEW_KEY}"\n')
    result = run_cli(["check", "--no-explain", *SELECTION, "--baseline", str(baseline), "."], cwd=project)
    assert result.returncode == 1
    assert flagged(result.stdout) == ["app.py:14:10:CL101"]

    clean = run_cli(["check", *SELECTION, "--baseline", ".credlint-baseline.json", "nested"], cwd=project)
    assert clean.returncode == 0


def test_rewriting_the_baseline_drops_fixed_findings(project: Path) -> None:
    run_cli(["baseline", *SELECTION, "."], cwd=project)
    (project / "nested" / "settings.py").write_text("import boto3\n")
    run_cli(["baseline", *SELECTION, "."], cwd=project)
    entries = json.loads((project / ".credlint-baseline.json").read_text())["findings"]
    assert {entry["path"] for entry in entries} == {"app.py"}


def test_baseline_paths_do_not_depend_on_the_working_directory(project: Path) -> None:
    run_cli(["baseline", *SELECTION, "-o", "../base.json", "."], cwd=project / "nested")
    result = run_cli(["check", *SELECTION, "--baseline", "project/base.json", "project/nested"], cwd=project.parent)
    assert result.returncode == 0, result.stdout


def test_bad_baseline_is_a_one_line_error(project: Path) -> None:
    (project / "bad.json").write_text("{not json")
    result = run_cli(["check", "--baseline", "bad.json", "."], cwd=project)
    assert result.returncode == 2 and "not a readable baseline" in result.stderr
    missing = run_cli(["check", "--baseline", "nope.json", "."], cwd=project)
    assert missing.returncode == 2 and "no such baseline file" in missing.stderr


def git(cwd: Path, *arguments: str) -> None:
    subprocess.run(["git", *arguments], cwd=cwd, check=True, capture_output=True)


def test_changed_files_mode(project: Path) -> None:
    git(project, "init", "-q")
    git(project, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "--allow-empty", "-m", "root")
    git(project, "add", ".")
    git(project, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "fixture")
    assert run_cli(["check", *SELECTION, "--changed-since", "HEAD", "."], cwd=project).returncode == 0
    (project / "nested" / "new.py").write_text(f'KEY = "{NEW_KEY}"\n')
    result = run_cli(["check", "--no-explain", *SELECTION, "--changed-since", "HEAD", "."], cwd=project)
    assert flagged(result.stdout) == ["nested/new.py:1:8:CL101"]
    everything = run_cli(["check", "--no-explain", *SELECTION, "--changed-since", "HEAD~1", "."], cwd=project)
    assert len(flagged(everything.stdout)) == 4


def test_changed_files_mode_with_a_bad_revision(project: Path) -> None:
    git(project, "init", "-q")
    result = run_cli(["check", "--changed-since", "no-such-branch", "."], cwd=project)
    assert result.returncode == 2 and result.stderr.startswith("credlint: error: git ")
