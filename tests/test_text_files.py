"""Hard-coded keys in every file a repository holds, through the installed CLI: each file kind
with a key that must be reported and a placeholder that must stay quiet."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli

KEY = "AKIAQ7RWN3HV5D2KT4LM"
TEMPORARY_KEY = "ASIAY34FZKBOKMUTVV7A"
SECRET = "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"
TOKEN = (
    "IQoJb3JpZ2luX2VjPtYgjmUhBel31iEl2hpChYgCfrL1spNxnyVmihA+2O76UMFxFkM+R5Kjp1vRt/1fjORS+6ilI8ihN5KXSc7Tvo+hBKq"
    "FYY+kv5ZJr3J1TWDtkwtDDb/xHKas1VOqg6YYZYn9ZhyiA4uoRgnatmUdjAWtGSU8po/799NksnRH9ucAUsdMlHUvTCQCyEZDz+TddJ8HyS5S"
)
PLANTED = (KEY, TEMPORARY_KEY, SECRET, TOKEN)
PLACEHOLDER = "AKIAXXXXXXXXXXXXXXXX"

# (path, text with keys, {(line, code)}, the place its explanation names, text with placeholders)
CASES = [
    (
        ".aws/credentials",
        f"[default]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n",
        {(2, "CL101"), (3, "CL102")},
        "shared-credentials-file",
        "[default]\naws_access_key_id = YOUR_ACCESS_KEY_ID\naws_secret_access_key = YOUR_SECRET_ACCESS_KEY\n",
    ),
    (
        "aws/config",
        f"[profile ci]\nregion = eu-west-1\naws_access_key_id={KEY}\naws_secret_access_key={SECRET}\n",
        {(3, "CL101"), (4, "CL102")},
        "config-file",
        "[profile ci]\nregion = eu-west-1\nsso_session = corp\n",
    ),
    (
        "settings.ini",
        f"[aws]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n",
        {(2, "CL101"), (3, "CL102")},
        "shared-credentials-file",
        "[aws]\naws_access_key_id = <access key>\naws_secret_access_key = <secret key>\n",
    ),
    (
        "setup.cfg",
        f"[tool:pytest]\nenv =\n    AWS_ACCESS_KEY_ID={KEY}\n    AWS_SECRET_ACCESS_KEY={SECRET}\n",
        {(3, "CL101"), (4, "CL102")},
        "env",
        "[tool:pytest]\nenv =\n    AWS_ACCESS_KEY_ID=testing\n    AWS_SECRET_ACCESS_KEY=testing\n",
    ),
    (
        ".boto",
        f"[Credentials]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n",
        {(2, "CL101"), (3, "CL102")},
        "boto-config",
        "[Credentials]\naws_access_key_id = $AWS_ACCESS_KEY_ID\n",
    ),
    (
        ".s3cfg",
        f"[default]\naccess_key = {KEY}\nsecret_key = {SECRET}\n",
        {(2, "CL101"), (3, "CL102")},
        "other-tool",
        "[default]\naccess_key = \nsecret_key = \n",
    ),
    (
        "deploy.sh",
        f'#!/bin/sh\nexport AWS_ACCESS_KEY_ID={KEY}\nexport AWS_SECRET_ACCESS_KEY="{SECRET}"\n'
        f"export AWS_SESSION_TOKEN='{TOKEN}'\naws s3 ls\n",
        {(2, "CL101"), (3, "CL102"), (4, "CL103")},
        "env",
        '#!/bin/sh\nexport AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:?}"\nexport AWS_SECRET_ACCESS_KEY=$(vault read -field=secret aws/creds)\n',
    ),
    (
        "bin/deploy",
        f"#!/usr/bin/env bash\nset -e\nKEY={KEY}\n",
        {(3, "CL101")},
        "env",
        "#!/usr/bin/env bash\nset -e\nKEY=$(pass aws/key)\n",
    ),
    (
        "home/.bashrc",
        f"alias ll='ls -l'\nexport AWS_ACCESS_KEY_ID={KEY}\n",
        {(2, "CL101")},
        "env",
        "alias ll='ls -l'\nexport AWS_PROFILE=dev\n",
    ),
    (
        "config/settings.json",
        f'{{"aws": {{"accessKeyId": "{KEY}", "secretAccessKey": "{SECRET}"}}}}\n',
        {(1, "CL101"), (1, "CL102")},
        "setting",
        '{"aws": {"accessKeyId": "process.env.AWS_ACCESS_KEY_ID", "secretAccessKey": "xxxxxxxx"}}\n',
    ),
    (
        "config/values.yaml",
        f"storage:\n  s3:\n    accessKey: {KEY}\n    secretKey: {SECRET}\n",
        {(3, "CL101"), (4, "CL102")},
        "setting",
        "storage:\n  s3:\n    accessKey: ${S3_ACCESS_KEY}\n    secretKey: ${S3_SECRET_KEY}\n",
    ),
    (
        "infra/main.tf",
        f'provider "aws" {{\n  region     = "eu-west-1"\n  access_key = "{KEY}"\n  secret_key = "{SECRET}"\n}}\n',
        {(3, "CL101"), (4, "CL102")},
        "terraform",
        'provider "aws" {\n  region     = "eu-west-1"\n  access_key = var.access_key\n  secret_key = var.secret_key\n}\n',
    ),
    (
        "infra/prod.tfvars",
        f'access_key = "{KEY}"\nsecret_key = "{SECRET}"\n',
        {(1, "CL101"), (2, "CL102")},
        "terraform",
        'access_key = "REPLACE_ME"\nsecret_key = "REPLACE_ME"\n',
    ),
    (
        "src/main/resources/application.properties",
        f"cloud.aws.credentials.access-key={KEY}\ncloud.aws.credentials.secret-key={SECRET}\n",
        {(1, "CL101"), (2, "CL102")},
        "setting",
        "cloud.aws.credentials.access-key=${AWS_ACCESS_KEY_ID}\ncloud.aws.credentials.secret-key=${AWS_SECRET_ACCESS_KEY}\n",
    ),
    (
        "src/main/resources/beans.xml",
        f'<bean id="credentials">\n  <accessKey>{KEY}</accessKey>\n  <secretAccessKey>{SECRET}</secretAccessKey>\n</bean>\n',
        {(2, "CL101"), (3, "CL102")},
        "setting",
        '<bean id="credentials">\n  <accessKey>${aws.accessKey}</accessKey>\n</bean>\n',
    ),
    (
        "web/upload.ts",
        f'const s3 = new S3Client({{\n  credentials: {{ accessKeyId: "{KEY}", secretAccessKey: "{SECRET}" }},\n}});\n',
        {(2, "CL101"), (2, "CL102")},
        "other-sdk",
        "const s3 = new S3Client({ credentials: fromNodeProviderChain() });\n",
    ),
    (
        "web/legacy.js",
        f"AWS.config.update({{ accessKeyId: '{TEMPORARY_KEY}', secretAccessKey: '{SECRET}',\n"
        f"  sessionToken: '{TOKEN}' }});\n",
        {(1, "CL101"), (1, "CL102"), (2, "CL103")},
        "other-sdk",
        "AWS.config.update({ accessKeyId: process.env.AWS_ACCESS_KEY_ID });\n",
    ),
    (
        "docs/setup.md",
        f"# Setup\n\nRun with the key `{KEY}`:\n\n```\naws_secret_access_key = {SECRET}\n```\n",
        {(3, "CL101"), (6, "CL102")},
        "document",
        "# Setup\n\nRun with your key (`AKIA...`) and `aws_secret_access_key = <secret>`.\n",
    ),
    (
        "docs/index.rst",
        f"Credentials\n===========\n\n.. code-block:: ini\n\n   aws_access_key_id = {KEY}\n",
        {(6, "CL101")},
        "document",
        "Credentials\n===========\n\nSee :doc:`profiles`.\n",
    ),
    (
        "notes.txt",
        f"{KEY},{SECRET}\n",
        {(1, "CL101"), (1, "CL102")},
        "document",
        "Access key ID,Secret access key\n",
    ),
    (
        ".env.example",
        f"AWS_ACCESS_KEY_ID={KEY}\nAWS_SECRET_ACCESS_KEY={SECRET}\n",
        {(1, "CL101"), (2, "CL102"), (1, "CL205"), (2, "CL205")},
        "env",
        "AWS_ACCESS_KEY_ID=YOUR_ACCESS_KEY\nAWS_SECRET_ACCESS_KEY=YOUR_SECRET_KEY\n",
    ),
    (
        ".env.sample",
        f"AWS_ACCESS_KEY_ID={KEY}\n",
        {(1, "CL101"), (1, "CL205")},
        "env",
        "AWS_ACCESS_KEY_ID=\n",
    ),
    (
        "pyproject.toml",
        f'[tool.pytest.ini_options]\nenv = ["AWS_ACCESS_KEY_ID={KEY}", "AWS_SECRET_ACCESS_KEY={SECRET}"]\n',
        {(2, "CL101"), (2, "CL102")},
        "env",
        '[tool.pytest.ini_options]\nenv = ["AWS_ACCESS_KEY_ID=testing", "AWS_SECRET_ACCESS_KEY=testing"]\n',
    ),
    (
        "Makefile",
        f"deploy:\n\tAWS_ACCESS_KEY_ID={KEY} AWS_SECRET_ACCESS_KEY={SECRET} ./deploy.sh\n",
        {(2, "CL101"), (2, "CL102")},
        "env",
        "deploy:\n\t./deploy.sh\n",
    ),
    (
        ".gitlab-ci.yml",
        f"deploy:\n  variables:\n    AWS_ACCESS_KEY_ID: {KEY}\n    AWS_SECRET_ACCESS_KEY: {SECRET}\n  script: ./deploy.sh\n",
        {(3, "CL101"), (4, "CL102")},
        "env",
        "deploy:\n  id_tokens:\n    AWS_TOKEN:\n      aud: sts.amazonaws.com\n  script: ./deploy.sh\n",
    ),
    (
        "Jenkinsfile",
        f"pipeline {{\n  environment {{\n    AWS_ACCESS_KEY_ID = '{KEY}'\n  }}\n}}\n",
        {(3, "CL101")},
        "env",
        "pipeline {\n  environment {\n    AWS_ACCESS_KEY_ID = credentials('aws-key')\n  }\n}\n",
    ),
]


def check_tree(root: Path, texts: dict[str, str], expected_status: int) -> dict[str, list[dict]]:
    """Write the files, check the tree once with the installed CLI, and group findings by path."""
    for path, text in texts.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    result = run_cli(["check", "--format", "json", "--severity-threshold", "warning", "."], cwd=root)
    document = json.loads(result.stdout)
    assert result.returncode == expected_status and document["errors"] == [], result.stderr
    by_path: dict[str, list[dict]] = {}
    for finding in document["findings"]:
        by_path.setdefault(finding["path"], []).append(finding)
    return by_path


@pytest.fixture(scope="module")
def reported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict]]:
    """Every flagged case in one tree."""
    return check_tree(tmp_path_factory.mktemp("flagged"), {case[0]: case[1] for case in CASES}, 1)


@pytest.fixture(scope="module")
def quiet_reported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict]]:
    """Every case's placeholder text in one tree: nothing at warning or above."""
    return check_tree(tmp_path_factory.mktemp("quiet"), {case[0]: case[4] for case in CASES}, 0)


@pytest.mark.parametrize(("path", "text", "expected", "place", "quiet"), CASES, ids=[case[0] for case in CASES])
def test_a_key_is_reported_in_every_file_kind(
    reported: dict[str, list[dict]], path: str, text: str, expected: set, place: str, quiet: str
) -> None:
    findings = reported.get(path, [])
    assert {(f["line"], f["code"]) for f in findings} == expected
    severities = {f["code"]: f["severity"] for f in findings}
    assert severities.get("CL101", "error") == "error" and severities.get("CL102", "error") == "error"
    assert severities.get("CL103", "warning") == "warning"


@pytest.mark.parametrize(("path", "text", "expected", "place", "quiet"), CASES, ids=[case[0] for case in CASES])
def test_the_explanation_names_the_link_the_key_would_take(
    reported: dict[str, list[dict]], path: str, text: str, expected: set, place: str, quiet: str
) -> None:
    explanation = next(f["explanation"] for f in reported[path] if f["code"] in ("CL101", "CL102"))
    steps = {step["method"]: step["status"] for step in explanation["steps"]}
    if place in ("shared-credentials-file", "config-file", "boto-config", "env"):
        assert steps[place] == "this code"
    elif place in ("terraform", "other-sdk"):
        assert steps["explicit"] == "this code"
    elif place == "document":
        assert steps == {} and "leak only" in explanation["runtime"]
    elif place == "other-tool":
        assert "s3cmd" in explanation["runtime"]
    else:
        assert steps["explicit"] == "wherever it is passed"
    assert "rotate" in explanation["fix"]


@pytest.mark.parametrize(("path", "text", "expected", "place", "quiet"), CASES, ids=[case[0] for case in CASES])
def test_a_placeholder_stays_quiet_in_every_file_kind(
    quiet_reported: dict[str, list[dict]], path: str, text: str, expected: set, place: str, quiet: str
) -> None:
    findings = quiet_reported.get(path, [])
    assert [f["code"] for f in findings if f["code"].startswith("CL1") or f["severity"] != "info"] == []


def test_the_key_type_comes_from_its_prefix(reported: dict[str, list[dict]]) -> None:
    temporary = next(f for f in reported["web/legacy.js"] if f["code"] == "CL101")
    long_term = next(f for f in reported["deploy.sh"] if f["code"] == "CL101")
    assert "temporary STS key" in temporary["explanation"]["runtime"]
    assert "long-term access key" in long_term["explanation"]["runtime"]
    token = next(f for f in reported["web/legacy.js"] if f["code"] == "CL103")
    assert "temporary STS credentials" in token["explanation"]["runtime"]


def test_a_secret_with_no_name_and_no_key_id_nearby_is_not_a_key(tmp_path: Path) -> None:
    (tmp_path / "hashes.txt").write_text(f"sha: {SECRET}\n\n\n\n\nid: {KEY}\n")
    (tmp_path / "jwt.yaml").write_text(f"jwt_secret_key: {SECRET}\n")
    result = run_cli(["check", "--format", "json", "."], cwd=tmp_path)
    findings = json.loads(result.stdout)["findings"]
    assert [(f["path"], f["line"], f["code"]) for f in findings] == [("hashes.txt", 6, "CL101")]


def test_pieces_of_a_percent_encoded_token_are_not_values(tmp_path: Path) -> None:
    encoded = TOKEN[:60] + "%2F" + SECRET + "%2B" + TOKEN[60:180] + "%3D"
    location = (
        "https://awslambda-eu-west-1-tasks.s3.eu-west-1.amazonaws.com/snapshots/fn?"
        f"X-Amz-Security-Token={encoded}&X-Amz-Credential={TEMPORARY_KEY}%2F20240101%2Feu-west-1%2Fs3%2Faws4_request"
    )
    (tmp_path / "lambda.GetFunction_1.json").write_text(json.dumps({"Code": {"Location": location}}) + "\n")
    result = run_cli(["check", "--format", "json", "."], cwd=tmp_path)
    assert {f["code"] for f in json.loads(result.stdout)["findings"]} == {"CL101"}


def test_a_python_module_that_does_not_parse_is_still_read_for_keys(tmp_path: Path) -> None:
    (tmp_path / "legacy.py").write_text(
        f'import boto\nprint "connecting"\nconn = boto.connect_s3("{KEY}", "{SECRET}")\n# and "{PLACEHOLDER}"\n'
    )
    result = run_cli(["check", "--format", "json", "."], cwd=tmp_path)
    assert result.returncode == 1
    findings = json.loads(result.stdout)["findings"]
    assert [(f["line"], f["code"]) for f in findings] == [(2, "CL000"), (3, "CL101"), (3, "CL102")]
    assert "the rules that read any text file" in findings[0]["explanation"]["summary"]
    assert "a Python module that does not parse" in findings[1]["message"]
    assert not any(value in result.stdout for value in PLANTED)


def test_the_compose_file_of_temporary_keys_beside_a_local_endpoint_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text(
        "services:\n  app:\n    image: app\n    environment:\n"
        f"      AWS_ACCESS_KEY_ID: {TEMPORARY_KEY}\n      AWS_SECRET_ACCESS_KEY: {SECRET}\n"
        f"      AWS_SESSION_TOKEN: {TOKEN}\n      AWS_ENDPOINT_URL_S3: http://localstack:4566\n"
    )
    result = run_cli(["check", "--format", "json", "--severity-threshold", "warning", "."], cwd=tmp_path)
    found = {(f["line"], f["code"], f["severity"]) for f in json.loads(result.stdout)["findings"]}
    assert {(5, "CL101", "error"), (6, "CL102", "error"), (7, "CL103", "warning")} <= found
    assert {(line, "CL205", "info") for line in (5, 6, 7)} <= found
    assert result.returncode == 1


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "github"])
def test_no_output_format_holds_a_planted_value(tmp_path: Path, output_format: str) -> None:
    for path, text, *_ in CASES:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    result = run_cli(["check", "--format", output_format, "."], cwd=tmp_path)
    assert result.returncode == 1
    assert not [value for value in PLANTED if value in result.stdout + result.stderr]
    if output_format in ("text", "json"):
        assert "AKIA************T4LM" in result.stdout


def test_a_baseline_keeps_text_findings_and_holds_no_key(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(f'provider "aws" {{\n  access_key = "{KEY}"\n}}\n')
    assert run_cli(["baseline", "."], cwd=tmp_path).returncode == 0
    baseline = (tmp_path / ".credlint-baseline.json").read_text()
    assert KEY not in baseline and "CL101" in baseline
    assert run_cli(["check", "--baseline", ".credlint-baseline.json", "."], cwd=tmp_path).returncode == 0
    (tmp_path / "deploy.sh").write_text(f"export AWS_ACCESS_KEY_ID={KEY}\n")
    again = run_cli(["check", "--format", "json", "--baseline", ".credlint-baseline.json", "."], cwd=tmp_path)
    assert [f["path"] for f in json.loads(again.stdout)["findings"]] == ["deploy.sh"]


def test_suppressions_work_in_any_comment_syntax(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(f'access_key = "{KEY}" # credlint: ignore[CL101]\n')
    (tmp_path / "app.js").write_text(f"const id = '{KEY}'; // pragma: allowlist secret\n")
    (tmp_path / "config.yaml").write_text(f"# pragma: allowlist nextline secret\nkey: {KEY}\nother: {KEY}\n")
    result = run_cli(["check", "--format", "json", "."], cwd=tmp_path)
    assert [(f["path"], f["line"]) for f in json.loads(result.stdout)["findings"]] == [("config.yaml", 3)]
