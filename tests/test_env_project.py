"""The installed CLI over a project whose Python code and deployment files all hand out keys."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import REPO, run_cli

FIXTURE = REPO / "tests" / "fixtures" / "env_project"
REAL_LOOKING_KEY = "AKIAQ7RWN3HV5D2KT4LM"

# (path, line, code, severity) for every finding of the project.
EXPECTED = {
    (".github/workflows/deploy.yml", 9, "CL205", "warning"),
    ("Dockerfile", 2, "CL205", "warning"),
    ("Dockerfile", 4, "CL205", "warning"),
    ("deploy/uploader.service", 5, "CL205", "info"),
    ("docker-compose.yml", 6, "CL205", "warning"),
    ("docker-compose.yml", 7, "CL205", "warning"),
    ("docker-compose.yml", 11, "CL205", "info"),
    ("ecs/broken.json", 3, "CL000", "error"),
    ("ecs/task-definition.json", 12, "CL205", "warning"),
    ("k8s/broken.yaml", 9, "CL000", "error"),
    ("k8s/deployment.yaml", 15, "CL205", "warning"),
    ("service/.env", 3, "CL205", "warning"),
    ("service/.env", 3, "CL101", "error"),  # a real-shaped key, in any file
    ("service/app.py", 11, "CL204", "warning"),
    ("service/app.py", 16, "CL202", "warning"),
    ("service/app.py", 22, "CL201", "warning"),
    ("service/app.py", 23, "CL201", "warning"),
    ("service/app.py", 24, "CL203", "warning"),
    ("template.yaml", 12, "CL206", "error"),
    ("tests/test_upload.py", 3, "CL201", "info"),
    ("tests/test_upload.py", 4, "CL201", "info"),
}


def copy_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    return project


def check_json(project: Path, *arguments: str) -> tuple[int, dict]:
    result = run_cli(["check", "--format", "json", *arguments, "."], cwd=project)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, json.loads(result.stdout)


def test_every_file_kind_reports_exactly_its_findings(tmp_path: Path) -> None:
    returncode, document = check_json(copy_project(tmp_path))
    found = {(f["path"], f["line"], f["code"], f["severity"]) for f in document["findings"]}
    assert found == EXPECTED
    assert document["errors"] == []
    assert returncode == 1


def test_a_malformed_file_costs_only_itself(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    _, document = check_json(project)
    broken = {f["path"]: f["message"] for f in document["findings"] if f["code"] == "CL000"}
    assert broken.keys() == {"k8s/broken.yaml", "ecs/broken.json"}
    assert "YAML" in broken["k8s/broken.yaml"] and "JSON" in broken["ecs/broken.json"]
    # The files beside the broken ones are still read.
    paths = {f["path"] for f in document["findings"]}
    assert {"k8s/deployment.yaml", "ecs/task-definition.json"} <= paths


def test_every_env_finding_explains_the_chain_and_names_the_shadowed_roles(tmp_path: Path) -> None:
    _, document = check_json(copy_project(tmp_path))
    for finding in document["findings"]:
        if finding["code"] in ("CL000", "CL206"):
            continue
        explanation = finding["explanation"]
        assert explanation["chain"] == "credential", finding
        marked = [step for step in explanation["steps"] if step["status"] == "this code"]
        assert len(marked) == 1, finding
        assert marked[0]["method"] in ("env", "explicit", "session"), finding
        text = explanation["runtime"]
        if finding["path"].startswith("k8s/"):
            assert "IRSA" in text and "Pod Identity" in text
        elif finding["path"].startswith("ecs/"):
            assert "task role" in text
        elif finding["path"].startswith(".github/"):
            assert "OIDC" in text
        elif finding["path"].endswith(".py") and finding["code"] == "CL201":
            assert "execution role" in text and "instance profile" in text


def test_no_output_format_holds_the_key(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    for output_format in ("text", "json", "sarif", "github"):
        result = run_cli(["check", "--format", output_format, "."], cwd=project)
        assert result.returncode == 1, result.stderr
        assert REAL_LOOKING_KEY not in result.stdout + result.stderr
        assert "AKIA************T4LM" in result.stdout or output_format == "github"


def test_test_policy_ignore_drops_test_files_and_fake_values(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    (project / "pyproject.toml").write_text('[tool.credlint]\ntest-policy = "ignore"\n')
    _, document = check_json(project)
    found = {(f["path"], f["line"], f["code"], f["severity"]) for f in document["findings"]}
    assert found == {finding for finding in EXPECTED if finding[3] != "info"}


def test_selecting_one_family_checks_only_its_files(tmp_path: Path) -> None:
    returncode, document = check_json(copy_project(tmp_path), "--select", "CL201")
    assert {f["path"] for f in document["findings"]} == {"service/app.py", "tests/test_upload.py"}
    assert returncode == 1
