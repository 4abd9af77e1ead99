"""CL204 for environs' and django-environ's `Env.read_env()`: which .env file each one loads."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from credlint.engine import lint_source
from credlint.finding import Finding
from credlint.registry import RULES
from credlint.settings import DotenvCredential, RuleSettings
from tests.conftest import run_cli

ROOT_KEYS = (DotenvCredential(".env", "AWS_ACCESS_KEY_ID", 2), DotenvCredential(".env", "AWS_SECRET_ACCESS_KEY", 3))
ROOT_ENV = RuleSettings(root="/x", dotenv_credentials=ROOT_KEYS, dotenv_files=(".env",))
REAL_LOOKING_KEY = "AKIAQ7RWN3HV5D2KT4LM"


def findings(code: str, path: str, settings: RuleSettings = ROOT_ENV) -> list[Finding]:
    source = textwrap.dedent(code).encode()
    return list(lint_source(path, source, [RULES["CL204"]], settings=settings).findings)


def cl204(code: str, path: str = "app.py", settings: RuleSettings = ROOT_ENV) -> list[int]:
    return [finding.span.line for finding in findings(code, path, settings)]


LOADED = {
    "environs: an instance, the class, the module's ready env, from the file's directory": (
        "config/settings.py",
        """
        import environs
        from environs import Env, env as ready
        env = environs.Env()
        env.read_env()
        Env.read_env()
        ready.read_env(override=True)
        Env().read_env()
        """,
        [5, 6, 7, 8],
    ),
    "environs: a path is the start of a walk up, unless recurse=False": (
        "app.py",
        """
        import os
        from environs import Env
        BASE_DIR = os.path.dirname(os.path.abspath(__file__))
        Env.read_env(os.path.join(BASE_DIR, "config", ".env"))
        Env.read_env("config/.env")
        Env.read_env(".env", recurse=False)
        Env.read_env(".env", False)
        """,
        [5, 6, 7, 8],
    ),
    "django-environ: the .env beside the file, and paths to it": (
        "app.py",
        """
        import environ
        environ.Env.read_env()
        env = environ.Env()
        env.read_env(overwrite=True)
        """,
        [3, 5],
    ),
    "django-environ: a path from a settings package, with os.path and environ.Path": (
        "config/settings/base.py",
        """
        import os
        from pathlib import Path
        import environ
        BASE_DIR = Path(__file__).resolve().parent.parent.parent
        ROOT_DIR = environ.Path(__file__) - 3
        APPS_DIR = environ.Path(__file__, is_file=True).path("..", "..")
        env = environ.Env()
        environ.Env.read_env(os.path.join(BASE_DIR, ".env"))
        env.read_env(str(ROOT_DIR.path(".env")))
        env.read_env(ROOT_DIR(".env"))
        env.read_env(APPS_DIR(".env"))
        """,
        [9, 10, 11, 12],
    ),
}


@pytest.mark.parametrize("path, code, expected", LOADED.values(), ids=LOADED.keys())
def test_read_env_of_a_dotenv_file_with_keys_is_flagged(path: str, code: str, expected: list[int]) -> None:
    assert cl204(code, path) == expected


NOT_LOADED = {
    "django-environ does not walk up: no .env beside the file": (
        "config/settings.py",
        "import environ\nenviron.Env.read_env()\nenviron.Env().read_env()\n",
    ),
    "another file, a file in a directory that has none, a path not known here": (
        "app.py",
        """
        import environ
        from environs import Env
        Env.read_env(".env.test")
        Env.read_env("config/.env", recurse=False)
        environ.Env.read_env("config/.env")
        def setup(path):
            Env.read_env(path)
            environ.Env.read_env(path)
        """,
    ),
    "read_env of objects that are not environs' or django-environ's Env": (
        "app.py",
        """
        import os
        class Loader:
            def read_env(self):
                pass
        Loader().read_env()
        loader = Loader()
        loader.read_env()
        os.environ.read_env()
        """,
    ),
}


@pytest.mark.parametrize("path, code", NOT_LOADED.values(), ids=NOT_LOADED.keys())
def test_read_env_of_other_files_is_not_flagged(path: str, code: str) -> None:
    assert cl204(code, path) == []


def test_a_nearer_dotenv_file_without_keys_stops_environs_walk() -> None:
    settings = RuleSettings(root="/x", dotenv_credentials=ROOT_KEYS, dotenv_files=("config/.env", ".env"))
    code = "import os\nfrom environs import Env\nEnv.read_env()\nEnv.read_env(os.path.join(os.path.dirname(__file__), '.env'))\n"
    assert cl204(code, "config/settings.py", settings) == []
    # From the directory above, the walk starts past config/.env.
    above = "import os\nfrom environs import Env\nEnv.read_env(os.path.join(os.path.dirname(__file__), '..', '.env'))\n"
    assert cl204(above, "config/settings.py", settings) == [3]


def test_the_message_and_explanation_say_which_library_loads_and_what_wins() -> None:
    environs_code = "from environs import Env\nEnv.read_env()\nEnv.read_env(override=True)\n"
    default, override = findings(environs_code, "app.py")
    assert default.message == (
        "environs' read_env() puts the AWS credentials of .env into os.environ "
        "(.env:2 defines AWS_ACCESS_KEY_ID, .env:3 defines AWS_SECRET_ACCESS_KEY)"
    )
    assert [step.method for step in default.explanation.steps if step.status == "this code"] == ["env"]
    assert "With override=False (the default) variables already set win" in default.explanation.runtime
    assert "walking up from the calling file's directory" in default.explanation.runtime
    assert override.message.startswith("environs' read_env(override=True) puts")
    assert "even Lambda's execution role credentials" in override.explanation.runtime

    (django,) = findings("import environ\nenviron.Env.read_env(overwrite=True)\n", "app.py")
    assert django.message.startswith("django-environ's read_env(overwrite=True) puts the AWS credentials of .env")
    assert "With overwrite=True they replace variables already set" in django.explanation.runtime
    assert "os.environ.setdefault" in django.explanation.runtime
    assert "deactivate and rotate" in django.explanation.fix


def test_read_env_in_a_test_file_is_info() -> None:
    settings = RuleSettings(root="/x", dotenv_credentials=ROOT_KEYS, test_file=True)
    (finding,) = findings("import environ\nenviron.Env.read_env()\n", "conftest.py", settings)
    assert finding.severity.value == "info"


SETTINGS = """\
import os

import environ
from environs import Env

BASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

environ.Env.read_env()
environ.Env.read_env(os.path.join(BASE_DIR, ".env"))
Env.read_env()
"""


def test_the_installed_cli_finds_the_file_each_library_loads(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.credlint]\n")
    (tmp_path / ".env").write_text(f"DEBUG=1\nAWS_ACCESS_KEY_ID={REAL_LOOKING_KEY}\nAWS_SECRET_ACCESS_KEY=abc\n")
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.py").write_text(SETTINGS)
    result = run_cli(["check", "--format", "json", "--select", "CL204", "."], cwd=tmp_path)
    assert "Traceback" not in result.stderr, result.stderr
    document = json.loads(result.stdout)
    # django-environ reads config/.env, which does not exist; the other two reach the root's .env.
    assert [(f["path"], f["line"]) for f in document["findings"]] == [
        ("config/settings.py", 9),
        ("config/settings.py", 10),
    ]
    assert REAL_LOOKING_KEY not in result.stdout
    assert result.returncode == 1
