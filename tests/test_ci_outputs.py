"""CI outputs: JSON, SARIF and GitHub annotations pinned by golden files; SARIF validated by schema."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from credlint.reporters.github import escape_data, escape_property
from tests.conftest import REPO, run_cli

FIXTURE = Path(__file__).parent / "fixtures" / "ci_project"
GOLDEN = Path(__file__).parent / "golden"
SCHEMA = REPO.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
# Rewrite the golden files with CREDLINT_UPDATE_GOLDEN=1 after a deliberate change of output.
UPDATE = os.environ.get("CREDLINT_UPDATE_GOLDEN") == "1"
SELECTION = ["--select", "CL0,CL1"]  # the families the fixture exercises


@pytest.mark.parametrize("output_format", ["json", "sarif", "github"])
def test_output_matches_golden_file(output_format: str) -> None:
    result = run_cli(["check", "--format", output_format, *SELECTION, "."], cwd=FIXTURE)
    assert result.returncode == 1, result.stderr
    golden = GOLDEN / f"ci_project.{output_format}"
    if UPDATE:
        golden.write_text(result.stdout)
    assert result.stdout == golden.read_text()


def test_sarif_validates_against_the_oasis_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    if not SCHEMA.is_file():
        pytest.skip(f"the SARIF schema is not beside the repository ({SCHEMA})")
    result = run_cli(["check", "--format", "sarif", *SELECTION, "."], cwd=FIXTURE)
    document = json.loads(result.stdout)
    jsonschema.validate(document, json.loads(SCHEMA.read_text()))
    run = document["runs"][0]
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]][:2] == ["CL000", "CL101"]
    first = run["results"][0]
    assert first["ruleId"] == "CL101" and first["level"] == "error"
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "app.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"]["startLine"] == 7
    assert first["partialFingerprints"]["credlintFingerprint/v1"]
    assert first["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 5
    assert "| **explicit** |" in first["message"]["markdown"]
    assert str(FIXTURE) not in result.stdout  # no absolute paths


def test_github_escaping() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"


def test_no_format_leaks_a_secret() -> None:
    for output_format in ("text", "json", "sarif", "github"):
        output = run_cli(["check", "--format", output_format, *SELECTION, "."], cwd=FIXTURE).stdout
        for secret in ("AKIAPRCXEMR26FKM72QG", "eo2wjj07NYgezISq344Y6FgwzgN6kJ7GKx5ta1m+"):
            assert secret not in output, output_format


def test_severity_threshold(tmp_path: Path) -> None:
    shutil.copy(FIXTURE / "nested" / "settings.py", tmp_path / "settings.py")  # only CL104, info
    assert run_cli(["check", *SELECTION, "."], cwd=tmp_path).returncode == 1
    quiet = run_cli(["check", *SELECTION, "--severity-threshold", "warning", "."], cwd=tmp_path)
    assert quiet.returncode == 0 and "CL104" in quiet.stdout


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "report.sarif"
    result = run_cli(["check", "--format", "sarif", *SELECTION, "-o", str(target), "."], cwd=FIXTURE)
    assert result.returncode == 1 and result.stdout == ""
    assert json.loads(target.read_text())["version"] == "2.1.0"
