"""[tool.credlint]: discovery per file, select/ignore, excludes, .gitignore, per-file-ignores, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from credlint.config import Config
from tests.conftest import run_cli

KEY = "AKIA42YQICSX5QSIJMWQ"
EXAMPLE = "AKIAIOSFODNN7EXAMPLE"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def flagged(result_stdout: str) -> list[str]:
    return sorted(line.split(" ")[0] + line.split(" ")[1] for line in result_stdout.splitlines() if ": CL" in line)


@pytest.mark.parametrize(
    "select,ignore,code,enabled",
    [
        (("CL",), (), "CL101", True),
        (("CL",), ("CL1",), "CL101", False),
        (("CL",), ("CL1",), "CL000", True),
        (("CL101",), ("CL1",), "CL101", True),  # the more specific selection wins
        (("CL1",), ("CL101",), "CL101", False),
        (("CL1",), ("CL101",), "CL102", True),
        (("CL2",), (), "CL101", False),
    ],
)
def test_select_and_ignore_precedence(select, ignore, code, enabled) -> None:
    assert Config(root=Path("."), select=select, ignore=ignore).enabled(code) is enabled


def test_config_found_by_walking_up_from_each_file(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.credlint]\nignore = ["CL104"]\n')
    write(tmp_path / "service/app.py", f'k = "{EXAMPLE}"\nj = "{KEY}"\n')
    write(tmp_path / "legacy/pyproject.toml", '[tool.credlint]\nignore = ["CL101"]\n')
    write(tmp_path / "legacy/old.py", f'k = "{EXAMPLE}"\nj = "{KEY}"\n')
    result = run_cli(["check", "--no-explain", "."], cwd=tmp_path)
    assert flagged(result.stdout) == ["legacy/old.py:1:6:CL104", "service/app.py:2:6:CL101"]


def test_pyproject_without_section_is_skipped_on_the_way_up(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.credlint]\nignore = ["CL101"]\n')
    write(tmp_path / "pkg/pyproject.toml", '[project]\nname = "pkg"\n')
    write(tmp_path / "pkg/app.py", f'j = "{KEY}"\n')
    assert run_cli(["check", "."], cwd=tmp_path).returncode == 0


def test_cli_select_and_ignore(tmp_path: Path) -> None:
    write(tmp_path / "app.py", f'k = "{EXAMPLE}"\nj = "{KEY}"\n')
    only_examples = run_cli(["check", "--no-explain", "--select", "CL104", "."], cwd=tmp_path)
    assert flagged(only_examples.stdout) == ["app.py:1:6:CL104"]
    without = run_cli(["check", "--no-explain", "--ignore", "CL101", "."], cwd=tmp_path)
    assert flagged(without.stdout) == ["app.py:1:6:CL104"]


def test_per_file_ignores(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.credlint]\nper-file-ignores = { "tests/**" = ["CL104"] }\n')
    write(tmp_path / "tests/test_s3.py", f'k = "{EXAMPLE}"\n')
    write(tmp_path / "app.py", f'k = "{EXAMPLE}"\n')
    result = run_cli(["check", "--no-explain", "."], cwd=tmp_path)
    assert flagged(result.stdout) == ["app.py:1:6:CL104"]


def test_exclude_gitignore_and_default_excludes(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.credlint]\nextend-exclude = ["generated/"]\n')
    write(tmp_path / ".gitignore", "scratch/\n*.local.py\n")
    for name in ("generated/a.py", "scratch/b.py", "c.local.py", ".venv/lib/d.py", "build/e.py", "src/f.py"):
        write(tmp_path / name, f'j = "{KEY}"\n')
    result = run_cli(["check", "--no-explain", "."], cwd=tmp_path)
    assert flagged(result.stdout) == ["src/f.py:1:6:CL101"]


def test_explicit_files_are_checked_unless_force_exclude(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.credlint]\nexclude = ["generated/"]\n')
    write(tmp_path / "generated/a.py", f'j = "{KEY}"\n')
    assert run_cli(["check", "generated/a.py"], cwd=tmp_path).returncode == 1
    assert run_cli(["check", "generated/"], cwd=tmp_path).returncode == 1
    assert run_cli(["check", "--force-exclude", "generated/a.py"], cwd=tmp_path).returncode == 0
    write(tmp_path / "pyproject.toml", '[tool.credlint]\nexclude = ["generated/"]\nforce-exclude = true\n')
    assert run_cli(["check", "generated/a.py"], cwd=tmp_path).returncode == 0


@pytest.mark.parametrize(
    "table,message",
    [
        ('selekt = ["CL1"]', "unknown key `selekt` in [tool.credlint]"),
        ('select = "CL1"', "`select` must be a list of strings"),
        ('ignore = ["CL9"]', "`ignore` names 'CL9', which matches no rule"),
        ("force-exclude = 1", "`force-exclude` must be true or false"),
        ("max-file-size = -3", "`max-file-size` must be a positive whole number"),
        ('per-file-ignores = { "t/**" = ["XX1"] }', "`per-file-ignores.t/**` names 'XX1'"),
        ('test-policy = "quiet"', "`test-policy` must be one of: 'info', 'ignore', 'report'"),
        ("test-files = 3", "`test-files` must be a list of strings"),
        ('exclude = ["gen/[z-a]*"]', "`exclude` has an invalid glob 'gen/[z-a]*' (bad character range z-a"),
        ('extend-exclude = ["!"]', "`extend-exclude` has an invalid glob '!'"),
        ('test-files = ["\\\\"]', "`test-files` has an invalid glob '\\\\'"),
        ('per-file-ignores = { "[9-0]" = ["CL1"] }', "`per-file-ignores` has an invalid glob '[9-0]'"),
        ('file-timeout = "fast"', "`file-timeout` must be a number of seconds (0 for no limit)"),
    ],
)
def test_bad_configuration_is_one_line_and_exit_2(tmp_path: Path, table: str, message: str) -> None:
    write(tmp_path / "pyproject.toml", f"[tool.credlint]\n{table}\n")
    write(tmp_path / "app.py", "x = 1\n")
    result = run_cli(["check", "."], cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(f"credlint: error: {tmp_path / 'pyproject.toml'}: ")
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_invalid_toml(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.credlint\n")
    write(tmp_path / "app.py", "x = 1\n")
    result = run_cli(["check", "."], cwd=tmp_path)
    assert result.returncode == 2 and "not valid TOML" in result.stderr


def test_bad_cli_code(tmp_path: Path) -> None:
    result = run_cli(["check", "--select", "XYZ", "."], cwd=tmp_path)
    assert result.returncode == 2 and "`--select` names 'XYZ'" in result.stderr


@pytest.mark.parametrize(
    "options,message",
    [
        (["--extend-exclude", "[z-a]"], "credlint: error: `--extend-exclude` has an invalid glob '[z-a]'"),
        (["--jobs", "0"], "argument --jobs: must be a whole number of at least 1, not '0'"),
        (["--file-timeout", "-1"], "argument --file-timeout: must be a number of seconds (0 for no limit), not '-1'"),
    ],
)
def test_bad_cli_values_are_usage_errors(tmp_path: Path, options: list[str], message: str) -> None:
    result = run_cli(["check", *options, "."], cwd=tmp_path)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_test_files_decide_which_files_follow_the_test_policy(tmp_path: Path) -> None:
    """Only files matching `test-files` have their env-shadowing findings lowered to info."""
    write(tmp_path / "pyproject.toml", '[tool.credlint]\ntest-files = ["qa/"]\n')
    writes_env = 'import os\nos.environ["AWS_ACCESS_KEY_ID"] = os.environ["STAGING_KEY"]\n'
    write(tmp_path / "qa" / "fixtures.py", writes_env)
    write(tmp_path / "tests" / "test_app.py", writes_env)
    result = run_cli(["check", "--no-explain", "--select", "CL201", "."], cwd=tmp_path)
    lines = sorted(line for line in result.stdout.splitlines() if ": CL201" in line)
    assert len(lines) == 2, result.stdout
    assert lines[0].startswith("qa/fixtures.py:2:") and lines[0].endswith("(info)")
    assert lines[1].startswith("tests/test_app.py:2:") and lines[1].endswith("(warning)")


def test_a_test_file_outside_the_working_directory_is_still_a_test_file(tmp_path: Path) -> None:
    """No config above the file, checked by its absolute path from elsewhere: the default
    test-files patterns (`tests/`, `test_*.py`) still find it."""
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    write(project / "tests" / "unit" / "test_app.py", 'import os\nos.environ["AWS_ACCESS_KEY_ID"] = os.environ["K"]\n')
    elsewhere.mkdir()
    target = str(project / "tests" / "unit" / "test_app.py")
    result = run_cli(["check", "--no-explain", "--select", "CL201", target], cwd=elsewhere)
    [finding] = [line for line in result.stdout.splitlines() if ": CL201" in line]
    assert finding.endswith("(info)"), result.stdout
