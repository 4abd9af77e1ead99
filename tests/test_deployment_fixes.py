"""CL205's fix: a credential variable taken out of a Dockerfile, a compose file or a dotenv file by
cutting its own text, so that comments, order and quoting survive; and never a broken file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import pytest

from credlint.catalogue import examples, pages_directory
from credlint.engine import lint_source
from credlint.file_kinds import DOCKERFILE, DOTENV, YAML
from credlint.finding import REMOVE_ENTRY, UNSAFE, Finding
from credlint.fixing import fix_source, fixable
from credlint.registry import RULES
from credlint.settings import RuleSettings
from tests.conftest import example_findings, run_cli

KEY_ID = "AKIA42YQICSX5QSIJMWQ"
SECRET = "nnHXcSoBI/nRmLWgp8o8BVcXP2rk5osNQp/hZzJ3"
KINDS = {"docker-compose.yml": YAML, "Dockerfile": DOCKERFILE, ".env": DOTENV}


def findings_of(name: str, text: str) -> tuple[Finding, ...]:
    settings = RuleSettings(root="/project")
    return lint_source(name, text.encode(), list(RULES.values()), kind=KINDS[name], settings=settings).findings


def fixed(name: str, text: str) -> Optional[str]:
    """The file with every CL205 fix applied; a fixed file keeps nothing to fix and fixes to itself."""
    found = [finding for finding in fixable(findings_of(name, text), unsafe=True) if finding.code == "CL205"]
    result = fix_source(name, text.encode(), found)
    if result is None:
        return None
    after = findings_of(name, result.after)
    assert fixable(after, unsafe=True) == []
    assert fix_source(name, result.after.encode(), fixable(after, unsafe=True)) is None
    return result.after


def test_compose_entries_go_with_their_comments_and_an_emptied_block_with_its_key() -> None:
    text = f"""# the stack
services:
  worker:
    image: example/worker:1.4
    environment:
      - AWS_ACCESS_KEY_ID={KEY_ID}  # from the console
      - "AWS_SECRET_ACCESS_KEY"
      - AWS_DEFAULT_REGION=eu-west-1  # kept
  web:
    image: example/web:2
    environment:
      AWS_ACCESS_KEY_ID: "${{AWS_ACCESS_KEY_ID}}"
      AWS_SECRET_ACCESS_KEY: |
        {SECRET}
    # the web port
    ports: ["8080:80"]
"""
    assert (
        fixed("docker-compose.yml", text)
        == """# the stack
services:
  worker:
    image: example/worker:1.4
    environment:
      - AWS_DEFAULT_REGION=eu-west-1  # kept
  web:
    image: example/web:2
    # the web port
    ports: ["8080:80"]
"""
    )


def test_dockerfile_words_go_with_the_space_up_to_the_next_and_a_lone_one_with_its_instruction() -> None:
    text = f"""FROM python:3.12-slim
ARG AWS_ACCESS_KEY_ID
ENV AWS_SECRET_ACCESS_KEY={SECRET} \\
    AWS_DEFAULT_REGION=eu-west-1
ENV A=1 AWS_SESSION_TOKEN=$SESSION_TOKEN "B=2 3" \\
    AWS_ACCESS_KEY_ID=$KEY_ID
ENV AWS_SESSION_TOKEN ${{SESSION_TOKEN}}
COPY . /app
"""
    assert (
        fixed("Dockerfile", text)
        == 'FROM python:3.12-slim\nENV AWS_DEFAULT_REGION=eu-west-1\nENV A=1 "B=2 3"\nCOPY . /app\n'
    )


def test_dotenv_bindings_go_whole_and_what_stands_between_them_stays() -> None:
    text = f'# local\r\nDEBUG=1\r\n\r\nAWS_ACCESS_KEY_ID={KEY_ID}\r\nexport AWS_SECRET_ACCESS_KEY="{SECRET}\r\n"  # mine\r\nAWS_REGION=eu-west-1'
    assert fixed(".env", text) == "# local\r\nDEBUG=1\r\n\r\nAWS_REGION=eu-west-1"


@pytest.mark.parametrize(
    "environment",
    [
        "    environment: [AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY]\n",  # flow style
        "    environment:\n      -\n        AWS_ACCESS_KEY_ID\n",  # a dash alone on its line
        "    environment:\n      <<: *common\n      AWS_ACCESS_KEY_ID: x\n",  # merged keys
    ],
)
def test_a_block_credlint_cannot_cut_cleanly_is_left_as_it_is(environment: str) -> None:
    text = f"x-common: &common\n  DEBUG: '1'\nservices:\n  worker:\n    image: w\n{environment}"
    assert [f for f in findings_of("docker-compose.yml", text) if f.code == "CL205"]
    assert fixed("docker-compose.yml", text) is None


def test_a_dotenv_binding_is_reported_on_its_own_line_after_blank_lines() -> None:
    found = findings_of(".env", f"DEBUG=1\n\n\nexport AWS_ACCESS_KEY_ID={KEY_ID}\n")
    assert {(f.code, f.span.line, f.span.column) for f in found if f.code == "CL205"} == {("CL205", 4, 8)}


def test_stand_ins_keep_localstack_and_moto_away_from_aws_and_are_left_alone(tmp_path: Path) -> None:
    assert fixed(".env", "AWS_ACCESS_KEY_ID=test\nAWS_SECRET_ACCESS_KEY=test\n") is None
    fixture = 'import os\n\n\ndef aws_credentials():\n    os.environ["AWS_ACCESS_KEY_ID"] = "AKIA42YQICSX5QSIJMWQ"\n'
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "conftest.py").write_text(fixture)
    report = run_cli(["check", "--no-cache", "--format", "json", "tests/conftest.py"], cwd=tmp_path)
    written = [f for f in json.loads(report.stdout)["findings"] if f["code"] == "CL201"]
    assert written and written[0]["severity"] == "info" and written[0]["fix"] is None


def test_the_fix_is_unsafe_and_says_the_key_must_be_rotated() -> None:
    (finding,) = [f for f in findings_of(".env", f"AWS_ACCESS_KEY_ID={KEY_ID}\n") if f.code == "CL205"]
    assert finding.fix is not None and (finding.fix.safety, finding.fix.action) == (UNSAFE, REMOVE_ENTRY)
    assert "rotate any key" in finding.fix.description


def test_the_installed_cli_diffs_redacted_then_fixes_in_place(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(f"FROM python:3.12\nENV AWS_SECRET_ACCESS_KEY={SECRET} A=1\n")
    (tmp_path / ".env").write_bytes(f"\ufeffAWS_ACCESS_KEY_ID={KEY_ID}\nDEBUG=1\n".encode())
    diff = run_cli(["check", "--no-cache", "--diff", "--unsafe-fixes", "."], cwd=tmp_path)
    assert diff.returncode == 1 and "-ENV AWS_SECRET_ACCESS_KEY=nnHX" in diff.stdout
    assert "+ENV A=1\n" in diff.stdout and "-AWS_ACCESS_KEY_ID=AKIA************JMWQ" in diff.stdout
    assert SECRET not in diff.stdout + diff.stderr and KEY_ID not in diff.stdout + diff.stderr
    result = run_cli(["check", "--no-cache", "--fix", "--unsafe-fixes", "."], cwd=tmp_path)
    assert result.returncode == 0 and "Fixed" in result.stderr
    assert (tmp_path / "Dockerfile").read_text() == "FROM python:3.12\nENV A=1\n"
    assert (tmp_path / ".env").read_bytes() == "\ufeffDEBUG=1\n".encode()  # its byte-order mark kept
    report = run_cli(["check", "--no-cache", "--format", "json", "."], cwd=tmp_path)
    assert json.loads(report.stdout)["findings"] == []


def test_the_rule_page_shows_its_examples_as_the_fix_leaves_them() -> None:
    page = pages_directory() / "CL205-deployment-env-credentials.md"
    shown = examples(page)
    sources = {(example.kind, example.source) for example in shown}
    for example in shown[:2]:
        found = fixable(example_findings(example, example.source), unsafe=True)
        result = fix_source(example.path, example.source.encode(), found)
        assert result is not None and (example.kind, result.after) in sources


@pytest.mark.parametrize(
    "text",
    [
        # a merge of a mapping that would be left empty
        "x-base: &base\n  environment:\n    AWS_ACCESS_KEY_ID: $KEY\nservices:\n  a:\n    <<: *base\n    image: x\n",
        # a build that would be left with nothing
        "services:\n  a:\n    image: x\n    build:\n      args:\n        AWS_ACCESS_KEY_ID: $KEY\n",
        # one block, two services
        "services:\n  a:\n    image: x\n    environment: &env\n      AWS_ACCESS_KEY_ID: $KEY\n"
        "  b:\n    image: y\n    environment: *env\n",
    ],
)
def test_no_fix_is_offered_where_the_cut_would_break_or_reach_past_one_service(text: str) -> None:
    found = [f for f in findings_of("docker-compose.yml", text) if f.code == "CL205"]
    assert found and all(f.fix is None for f in found)


def test_a_direnv_script_is_shell_and_is_never_cut(tmp_path: Path) -> None:
    (tmp_path / ".envrc").write_text(f'if [ -z "$CI" ]; then\n  export AWS_ACCESS_KEY_ID={KEY_ID}\nfi\n')
    result = run_cli(["check", "--no-cache", "--fix", "--unsafe-fixes", ".envrc"], cwd=tmp_path)
    assert "Fixed 0 finding(s)" in result.stderr and "fi\n" in (tmp_path / ".envrc").read_text()


def test_a_diff_hides_the_values_it_takes_out(tmp_path: Path) -> None:
    token = " ".join(["FwoGZXIvYXdzEBYaDH7bX1kDq0Zx5yJbQSKBAd"] * 3)
    (tmp_path / ".env").write_text("AWS_SECRET_ACCESS_KEY=Zq9-vT5mZ2nW7pL0xY3cB6dF9g\n")
    (tmp_path / "docker-compose.yml").write_text(
        f"services:\n  a:\n    image: x\n    environment:\n      AWS_SESSION_TOKEN: >-\n        {token.replace(' ', chr(10) + '        ')}\n      DEBUG: '1'\n"
    )
    result = run_cli(["check", "--no-cache", "--diff", "--unsafe-fixes", "."], cwd=tmp_path)
    assert result.stdout.count("--- a/") == 2
    assert (
        "Zq9-vT5mZ2nW7pL0xY3cB6dF9g" not in result.stdout
        and "FwoGZXIvYXdzEBYaDH7bX1kDq0Zx5yJbQSKBAd" not in result.stdout
    )
