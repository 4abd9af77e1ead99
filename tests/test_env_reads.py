"""CL202 and CL204: environment and dotenv credentials that reach the SDK, flagged and not."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from credlint.engine import lint_source
from credlint.finding import Finding, Severity
from credlint.registry import RULES
from credlint.settings import DotenvCredential, RuleSettings
from tests.conftest import run_cli

NO_SETTINGS = RuleSettings()
REAL_LOOKING_KEY = "AKIAQ7RWN3HV5D2KT4LM"


def findings(code: str, rule: str, settings: RuleSettings = NO_SETTINGS, path: str = "app.py") -> list[Finding]:
    source = textwrap.dedent(code).encode()
    return list(lint_source(path, source, [RULES[rule]], settings=settings).findings)


def cl202(code: str, settings: RuleSettings = NO_SETTINGS, path: str = "app.py") -> list[tuple[int, str]]:
    return [(f.span.line, f.code) for f in findings(code, "CL202", settings, path)]


PASSED_EXPLICITLY = {
    "os.environ subscripts to boto3.client": (
        """
        import os
        import boto3
        s3 = boto3.client(
            "s3",
            aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
        )
        """,
        [(6, "CL202")],
    ),
    "import os as _os, getenv, a constant for the name": (
        """
        import os as _os
        import boto3
        KEY_ID = "AWS_ACCESS_KEY_ID"
        table = boto3.resource("dynamodb", aws_access_key_id=_os.getenv(KEY_ID), aws_secret_access_key=_os.getenv("AWS_SECRET_ACCESS_KEY"))
        """,
        [(5, "CL202")],
    ),
    "from os import environ, environ.get": (
        """
        from os import environ
        from boto3 import client
        sqs = client("sqs", aws_access_key_id=environ.get("AWS_ACCESS_KEY_ID"), aws_secret_access_key=environ.get("AWS_SECRET_ACCESS_KEY"))
        """,
        [(4, "CL202")],
    ),
    "from os import environ as env, through module variables to a Session": (
        """
        from os import environ as env
        from boto3.session import Session
        KEY = env["UPLOADER_KEY_ID"]
        SECRET = env.get("UPLOADER_SECRET") or ""
        session = Session(aws_access_key_id=KEY, aws_secret_access_key=SECRET)
        """,
        [(6, "CL202")],
    ),
    "f-string and a function parameter default": (
        """
        import os
        import boto3
        def make(key=os.environ.get("KEY"), secret=f"{os.environ['SECRET']}"):
            return boto3.client("s3", aws_access_key_id=key, aws_secret_access_key=secret)
        """,
        [(5, "CL202")],
    ),
    "a helper function that reads the variable it is given": (
        """
        import os
        import boto3
        def required(name):
            value = os.environ.get(name)
            if not value:
                raise RuntimeError(name)
            return value.strip()
        s3 = boto3.client("s3", aws_access_key_id=required("KEY"), aws_secret_access_key=required("SECRET"))
        """,
        [(9, "CL202")],
    ),
    "positional botocore Credentials and set_credentials": (
        """
        import os
        import botocore.session
        from botocore.credentials import Credentials
        credentials = Credentials(os.environ["A"], os.environ["B"])
        core = botocore.session.get_session()
        core.set_credentials(os.environ["A"], os.environ["B"])
        """,
        [(5, "CL202"), (7, "CL202")],
    ),
    "keyword arguments spread from a literal dict": (
        """
        import os
        import boto3
        options = {"aws_access_key_id": os.getenv("AWS_ACCESS_KEY_ID"), "aws_secret_access_key": os.getenv("AWS_SECRET_ACCESS_KEY")}
        boto3.client("s3", **options)
        """,
        [(4, "CL202")],
    ),
    "JSON kept in one variable, and os.environ held in a name": (
        """
        import json
        import os
        import boto3
        creds = json.loads(os.environ["AWS_CREDS_JSON"])
        a = boto3.client("s3", aws_access_key_id=creds["key"], aws_secret_access_key=creds["secret"])
        env = os.environ
        b = boto3.client("s3", aws_access_key_id=str(env["A"]), aws_secret_access_key=env.get("B").strip())
        """,
        [(6, "CL202"), (8, "CL202")],
    ),
    "aioboto3 session": (
        """
        import os
        import aioboto3
        session = aioboto3.Session(aws_access_key_id=os.environ["K"], aws_secret_access_key=os.environ["S"])
        """,
        [(4, "CL202")],
    ),
    "dotenv_values and python-decouple": (
        """
        import boto3
        from decouple import config
        from dotenv import dotenv_values
        values = dotenv_values(".env")
        a = boto3.client("s3", aws_access_key_id=values["AWS_ACCESS_KEY_ID"], aws_secret_access_key=values["AWS_SECRET_ACCESS_KEY"])
        b = boto3.client("s3", aws_access_key_id=config("AWS_ACCESS_KEY_ID"), aws_secret_access_key=config("AWS_SECRET_ACCESS_KEY"))
        """,
        [(6, "CL202"), (7, "CL202")],
    ),
    "python-dotenv's documented merge with os.environ": (
        """
        import os
        import boto3
        from dotenv import dotenv_values
        config = {**dotenv_values(".env.shared"), **os.environ}
        boto3.client("s3", aws_access_key_id=config["AWS_ACCESS_KEY_ID"], aws_secret_access_key=config["AWS_SECRET_ACCESS_KEY"])
        """,
        [(6, "CL202")],
    ),
    "django-environ in a settings module": (
        """
        import boto3
        import environ
        env = environ.Env()
        AWS_ACCESS_KEY_ID = env("AWS_ACCESS_KEY_ID")
        AWS_SECRET_ACCESS_KEY = env.str("AWS_SECRET_ACCESS_KEY", default="")
        SES = boto3.client("ses", aws_access_key_id=AWS_ACCESS_KEY_ID, aws_secret_access_key=AWS_SECRET_ACCESS_KEY)
        """,
        [(7, "CL202")],
    ),
    "a session whose clients do not all name an endpoint": (
        """
        import os
        import boto3
        session = boto3.Session(aws_access_key_id=os.environ["K"], aws_secret_access_key=os.environ["S"])
        minio = session.client("s3", endpoint_url="http://minio:9000")
        sqs = session.client("sqs")
        """,
        [(4, "CL202")],
    ),
    "the secret alone, without the key id, still takes the slot": (
        """
        import os
        import boto3
        boto3.client("s3", aws_access_key_id=KEY_ID, aws_secret_access_key=os.environ["SECRET"])
        """,
        [(4, "CL202")],
    ),
}


@pytest.mark.parametrize("code, expected", PASSED_EXPLICITLY.values(), ids=PASSED_EXPLICITLY.keys())
def test_env_credentials_passed_explicitly_are_flagged(code: str, expected: list[tuple[int, str]]) -> None:
    assert cl202(code) == expected


NOT_PASSED_EXPLICITLY = {
    "assume_role credentials": """
        import boto3
        def cross_account(role_arn):
            creds = boto3.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="x")["Credentials"]
            return boto3.Session(
                aws_access_key_id=creds["AccessKeyId"],
                aws_secret_access_key=creds["SecretAccessKey"],
                aws_session_token=creds["SessionToken"],
            )
        """,
    "get_session_token and web identity": """
        import os
        import boto3
        sts = boto3.client("sts")
        token = sts.get_session_token(SerialNumber=os.environ["MFA_SERIAL"], TokenCode=code)
        creds = token["Credentials"]
        boto3.client("s3", aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"])
        web = sts.assume_role_with_web_identity(RoleArn=os.environ["ROLE"], WebIdentityToken=t)["Credentials"]
        boto3.client("s3", aws_access_key_id=web["AccessKeyId"], aws_secret_access_key=web["SecretAccessKey"])
        """,
    "a Secrets Manager secret named by an environment variable": """
        import json
        import os
        import boto3
        response = boto3.client("secretsmanager").get_secret_value(SecretId=os.environ["SECRET_ID"])
        secret = json.loads(response["SecretString"])
        boto3.client("s3", aws_access_key_id=secret["key_id"], aws_secret_access_key=secret["secret"])
        """,
    "an SSM parameter": """
        import os
        import boto3
        ssm = boto3.client("ssm")
        key = ssm.get_parameter(Name=os.environ["KEY_PARAMETER"], WithDecryption=True)["Parameter"]["Value"]
        boto3.client("s3", aws_access_key_id=key, aws_secret_access_key=ssm.get_parameter(Name="s")["Parameter"]["Value"])
        """,
    "function parameters without a default": """
        import boto3
        def client(key_id, secret):
            return boto3.client("s3", aws_access_key_id=key_id, aws_secret_access_key=secret)
        """,
    "settings attributes (origin not visible in this file)": """
        import boto3
        from django.conf import settings
        boto3.client("s3", aws_access_key_id=settings.AWS_ACCESS_KEY_ID, aws_secret_access_key=settings.AWS_SECRET_ACCESS_KEY)
        """,
    "a session token alone": """
        import os
        import boto3
        boto3.client("s3", aws_session_token=os.environ["AWS_SESSION_TOKEN"])
        """,
    "environment read used for something else": """
        import os
        import boto3
        boto3.client("s3", region_name=os.environ["AWS_REGION"], endpoint_url=None)
        boto3.Session(profile_name=os.environ.get("PROFILE"))
        """,
    "a client for another endpoint (MinIO, LocalStack)": """
        import os
        import boto3
        boto3.client("s3", endpoint_url=os.environ["MINIO_URL"], aws_access_key_id=os.environ["MINIO_KEY"], aws_secret_access_key=os.environ["MINIO_SECRET"])
        """,
    "a session used only for another endpoint": """
        import os
        import boto3
        session = boto3.Session(aws_access_key_id=os.environ["R2_KEY"], aws_secret_access_key=os.environ["R2_SECRET"])
        r2 = session.client("s3", endpoint_url=os.environ["R2_ENDPOINT"])
        """,
    "botocore's own variables passed only where AWS_ACCESS_KEY_ID is set": """
        import os
        import boto3
        if os.environ.get("AWS_ACCESS_KEY_ID") and os.environ.get("AWS_SECRET_ACCESS_KEY"):
            options = {
                "aws_access_key_id": os.environ.get("AWS_ACCESS_KEY_ID"),
                "aws_secret_access_key": os.environ.get("AWS_SECRET_ACCESS_KEY"),
            }
            session = boto3.Session(**options)
        if "AWS_ACCESS_KEY_ID" in os.environ:
            boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])
        """,
    "not an SDK call": """
        import os
        import s3fs
        fs = s3fs.S3FileSystem(key=os.environ["AWS_ACCESS_KEY_ID"], secret=os.environ["AWS_SECRET_ACCESS_KEY"])
        other = make_client(aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=os.environ["S"])
        """,
    "a name that shadows os": """
        import boto3
        class Settings:
            environ = {"K": "v"}
        os = Settings()
        boto3.client("s3", aws_access_key_id=os.environ["K"], aws_secret_access_key=os.environ["K"])
        """,
}


@pytest.mark.parametrize("code", NOT_PASSED_EXPLICITLY.values(), ids=NOT_PASSED_EXPLICITLY.keys())
def test_deliberate_or_unknown_credentials_are_not_flagged(code: str) -> None:
    assert cl202(code) == []


BOTH_FROM_ENV = """
import os
import boto3
s3 = boto3.client("s3", aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID"), aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY"))
"""


def test_the_message_names_the_variables_the_parameters_and_the_call() -> None:
    (finding,) = findings(BOTH_FROM_ENV, "CL202")
    assert finding.message == (
        "Credentials read from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) passed explicitly as "
        "aws_access_key_id, aws_secret_access_key to boto3.client('s3'): botocore reads these variables itself, "
        "and explicit keys hide profile_name and every role"
    )
    assert finding.severity == Severity.WARNING
    assert (finding.span.line, finding.span.column) == (4, 25)


def test_the_explanation_puts_the_call_on_the_explicit_link_and_explains_a_missing_variable() -> None:
    (finding,) = findings(BOTH_FROM_ENV, "CL202")
    explanation = finding.explanation
    assert explanation.chain == "credential"
    assert (explanation.steps[0].method, explanation.steps[0].line) == ("explicit", 4)
    assert {step.status for step in explanation.steps[1:]} == {"never consulted"}
    assert "PartialCredentialsError(provider='explicit')" in explanation.runtime
    assert "reads itself" in explanation.runtime
    assert "no aws_session_token is passed" in explanation.runtime
    assert explanation.fix.startswith("Remove the arguments: botocore reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY")


def test_a_session_signs_with_secret_none_and_other_names_are_not_called_redundant() -> None:
    code = """
    import os
    import boto3
    session = boto3.Session(aws_access_key_id=os.getenv("APP_KEY"), aws_secret_access_key=os.getenv("APP_SECRET"))
    """
    (finding,) = findings(code, "CL202")
    assert finding.message.endswith(
        "(APP_KEY, APP_SECRET) passed explicitly as aws_access_key_id, "
        "aws_secret_access_key to boto3.Session(...): explicit keys win over "
        "profile_name and every role"
    )
    assert finding.explanation.steps[0].method == "session"
    assert "signed with secret 'None'" in finding.explanation.runtime
    assert "reads itself" not in finding.explanation.runtime


def test_a_subscript_read_explains_that_the_code_needs_keys_everywhere() -> None:
    code = 'import os, boto3\nboto3.client("s3", aws_access_key_id=os.environ["K"], aws_secret_access_key=os.environ["S"])\n'
    (finding,) = findings(code, "CL202")
    assert "cannot run where the platform provides a role" in finding.explanation.runtime
    assert "PartialCredentialsError" not in finding.explanation.runtime


def test_a_default_value_is_never_in_the_message() -> None:
    code = f"""
    import os, boto3
    boto3.client("s3", aws_access_key_id=os.environ.get("K", "{REAL_LOOKING_KEY}"), aws_secret_access_key=os.environ["S"])
    """
    (finding,) = findings(code, "CL202")
    assert REAL_LOOKING_KEY not in finding.message
    assert REAL_LOOKING_KEY not in json.dumps(finding.explanation.to_dict())


@pytest.mark.parametrize(
    "settings, expected",
    [
        (RuleSettings(test_file=True), [(6, "CL202", Severity.INFO)]),
        (RuleSettings(test_file=True, test_policy="ignore"), []),
        (RuleSettings(test_file=True, test_policy="report"), [(6, "CL202", Severity.WARNING)]),
    ],
    ids=["info by default", "ignore", "report"],
)
def test_test_files_follow_the_test_policy(settings: RuleSettings, expected: list[tuple[int, str, Severity]]) -> None:
    code = """
    import os
    import boto3
    @mock.patch.dict(os.environ, {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"})
    def test_upload():
        boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])
    """
    found = findings(code, "CL202", settings, "tests/test_upload.py")
    assert [(f.span.line, f.code, f.severity) for f in found] == expected


def test_a_fake_default_is_info_and_an_empty_one_is_not() -> None:
    code = """
    import os, boto3
    a = boto3.client("s3", aws_access_key_id=os.environ.get("K", "testing"), aws_secret_access_key=os.environ.get("S", "testing"))
    b = boto3.client("s3", aws_access_key_id=os.environ.get("K", ""), aws_secret_access_key=os.environ.get("S", ""))
    """
    assert [(f.span.line, f.severity) for f in findings(code, "CL202")] == [(3, Severity.INFO), (4, Severity.WARNING)]


# CL204 -----------------------------------------------------------------------------------------

DOTENV_KEYS = (DotenvCredential(".env", "AWS_ACCESS_KEY_ID", 3), DotenvCredential(".env", "AWS_SECRET_ACCESS_KEY", 4))
WITH_DOTENV = RuleSettings(root="/x", dotenv_credentials=DOTENV_KEYS)


def cl204(code: str, settings: RuleSettings = WITH_DOTENV, path: str = "app.py") -> list[tuple[int, str]]:
    return [(f.span.line, f.code) for f in findings(code, "CL204", settings, path)]


DOTENV_LOADED = {
    "load_dotenv() finds the nearest .env": ("from dotenv import load_dotenv\nload_dotenv()\n", [(2, "CL204")]),
    "aliased module, find_dotenv, override": (
        "import dotenv as de\nde.load_dotenv(de.find_dotenv(), override=True)\n",
        [(2, "CL204")],
    ),
    "a path beside the file": (
        "import os\nfrom dotenv import load_dotenv\nload_dotenv(os.path.join(os.path.dirname(__file__), '.env'))\n",
        [(3, "CL204")],
    ),
    "pathlib through a constant": (
        "from pathlib import Path\nfrom dotenv import load_dotenv\nBASE_DIR = Path(__file__).resolve().parent\n"
        "ENV_FILE = BASE_DIR / '.env'\nload_dotenv(dotenv_path=ENV_FILE)\n",
        [(5, "CL204")],
    ),
    "an f-string on a base directory": (
        "from pathlib import Path\nfrom dotenv import load_dotenv\nBASE = Path(__file__).parent\nload_dotenv(f'{BASE}/.env')\n",
        [(4, "CL204")],
    ),
    "a relative path, opened from the working directory": (
        "from dotenv import load_dotenv\nload_dotenv('.env')\n",
        [(2, "CL204")],
    ),
    "dotenv_values returns the keys": ("from dotenv import dotenv_values\nconfig = dotenv_values()\n", [(2, "CL204")]),
    "a base not known here: matched by name": (
        "import os\nfrom dotenv import load_dotenv\nfrom django.conf import settings\n"
        "load_dotenv(os.path.join(settings.BASE_DIR, '.env'))\n",
        [(4, "CL204")],
    ),
}


@pytest.mark.parametrize("code, expected", DOTENV_LOADED.values(), ids=DOTENV_LOADED.keys())
def test_loading_a_dotenv_file_with_keys_is_flagged(code: str, expected: list[tuple[int, str]]) -> None:
    assert cl204(code) == expected


DOTENV_NOT_LOADED = {
    "another file": "from dotenv import load_dotenv\nload_dotenv('.env.test')\n",
    "a stream": "import io\nfrom dotenv import load_dotenv\nload_dotenv(stream=io.StringIO('A=1'))\n",
    "a path not known here": "from dotenv import load_dotenv\ndef setup(path):\n    load_dotenv(path)\n",
    "the directory above the file is outside the root": (
        "import os\nfrom dotenv import load_dotenv\nload_dotenv(os.path.join(os.path.dirname(__file__), '..', '.env'))\n"
    ),
    "find_dotenv for another name": "from dotenv import load_dotenv, find_dotenv\nload_dotenv(find_dotenv('.env.local'))\n",
    "a load_dotenv that is not python-dotenv's": "def load_dotenv():\n    pass\nload_dotenv()\n",
}


@pytest.mark.parametrize("code", DOTENV_NOT_LOADED.values(), ids=DOTENV_NOT_LOADED.keys())
def test_other_files_and_unknown_paths_are_not_flagged(code: str) -> None:
    assert cl204(code) == []


def test_no_dotenv_credentials_means_no_finding() -> None:
    assert cl204("from dotenv import load_dotenv\nload_dotenv()\n", RuleSettings(root="/x")) == []


def test_a_dotenv_file_with_only_a_session_token_is_not_flagged() -> None:
    settings = RuleSettings(root="/x", dotenv_credentials=(DotenvCredential(".env", "AWS_SESSION_TOKEN", 1),))
    assert cl204("from dotenv import load_dotenv\nload_dotenv()\n", settings) == []


def test_the_nearest_env_file_is_the_one_loaded() -> None:
    settings = RuleSettings(
        root="/x",
        dotenv_credentials=(
            DotenvCredential("service/.env", "AWS_ACCESS_KEY_ID", 2),
            DotenvCredential(".env", "AWS_ACCESS_KEY_ID", 7),
        ),
    )
    (finding,) = findings("from dotenv import load_dotenv\nload_dotenv()\n", "CL204", settings, "service/app.py")
    assert finding.message == (
        "load_dotenv() puts the AWS credentials of service/.env into os.environ (service/.env:2 defines AWS_ACCESS_KEY_ID)"
    )
    up = "import os\nfrom dotenv import load_dotenv\nload_dotenv(os.path.join(os.path.dirname(__file__), '..', '.env'))\n"
    (root_file,) = findings(up, "CL204", settings, "service/app.py")
    assert "(.env:7 defines AWS_ACCESS_KEY_ID)" in root_file.message


def test_the_message_and_explanation_name_the_file_lines_and_override() -> None:
    (finding,) = findings("from dotenv import load_dotenv\nload_dotenv()\n", "CL204", WITH_DOTENV)
    assert finding.message == (
        "load_dotenv() puts the AWS credentials of .env into os.environ "
        "(.env:3 defines AWS_ACCESS_KEY_ID, .env:4 defines AWS_SECRET_ACCESS_KEY)"
    )
    explanation = finding.explanation
    assert [step.method for step in explanation.steps if step.status == "this code"] == ["env"]
    assert (
        "on Lambda, whose runtime sets them from the execution role, the file's keys are ignored" in explanation.runtime
    )
    assert "deactivate and rotate" in explanation.fix
    (override,) = findings("from dotenv import load_dotenv\nload_dotenv(override=True)\n", "CL204", WITH_DOTENV)
    assert override.message.startswith("load_dotenv(override=True) puts")
    assert "even Lambda's execution role credentials" in override.explanation.runtime
    (values,) = findings("from dotenv import dotenv_values\nconfig = dotenv_values('.env')\n", "CL204", WITH_DOTENV)
    assert values.explanation.steps[0].status == "wherever it is passed"


def test_dotenv_in_test_files_follows_the_test_policy() -> None:
    code = "from dotenv import load_dotenv\nload_dotenv()\n"
    info = findings(code, "CL204", RuleSettings(root="/x", dotenv_credentials=DOTENV_KEYS, test_file=True))
    assert [(f.span.line, f.severity) for f in info] == [(2, Severity.INFO)]
    ignored = RuleSettings(root="/x", dotenv_credentials=DOTENV_KEYS, test_file=True, test_policy="ignore")
    assert cl204(code, ignored) == []


def test_a_local_object_named_like_a_module_is_not_python_dotenv() -> None:
    code = "class Loader:\n    def load_dotenv(self):\n        pass\ndotenv = Loader()\ndotenv.load_dotenv()\n"
    assert cl204(code) == []


# End to end --------------------------------------------------------------------------------------

APP = """\
import os

import boto3
from dotenv import load_dotenv

load_dotenv()

s3 = boto3.client(
    "s3",
    region_name="eu-west-1",
    aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
    aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
)
"""


def test_the_installed_cli_reports_both_rules_on_a_project(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.credlint]\n")
    (tmp_path / ".env").write_text(f"DEBUG=1\nAWS_ACCESS_KEY_ID={REAL_LOOKING_KEY}\nAWS_SECRET_ACCESS_KEY=abc\n")
    (tmp_path / "app.py").write_text(APP)
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_app.py").write_text("from dotenv import load_dotenv\n\nload_dotenv()\n")
    result = run_cli(["check", "--format", "json", "--select", "CL202,CL204", "."], cwd=tmp_path)
    assert "Traceback" not in result.stderr, result.stderr
    document = json.loads(result.stdout)
    found = sorted((f["path"], f["line"], f["code"], f["severity"]) for f in document["findings"])
    assert found == [
        ("app.py", 6, "CL204", "warning"),
        ("app.py", 11, "CL202", "warning"),
        ("tests/test_app.py", 3, "CL204", "info"),
    ]
    assert REAL_LOOKING_KEY not in result.stdout
    assert result.returncode == 1


def test_a_nearer_dotenv_file_without_keys_hides_a_farther_one_with_them(tmp_path: Path) -> None:
    """find_dotenv stops at the first .env walking up, whether or not it holds AWS keys."""
    (tmp_path / ".env").write_text("AWS_ACCESS_KEY_ID=AKIAQ7RWN3HV5D2KT4LM\n")
    service = tmp_path / "service"
    service.mkdir()
    (service / "app.py").write_text("from dotenv import load_dotenv\n\nload_dotenv()\n")
    (tmp_path / "main.py").write_text("from dotenv import load_dotenv\n\nload_dotenv()\n")
    (service / ".env").write_text("LOG_LEVEL=debug\n")
    result = run_cli(["check", "--format", "json", "--select", "CL204", "."], cwd=tmp_path)
    assert [(f["path"], f["line"]) for f in json.loads(result.stdout)["findings"]] == [("main.py", 3)]


def test_a_dotenv_file_of_stand_in_keys_is_info(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("AWS_ACCESS_KEY_ID=test\nAWS_SECRET_ACCESS_KEY=test\n")
    (tmp_path / "app.py").write_text("from dotenv import load_dotenv\n\nload_dotenv()\n")
    result = run_cli(["check", "--format", "json", "--select", "CL204", "."], cwd=tmp_path)
    assert [(f["line"], f["severity"]) for f in json.loads(result.stdout)["findings"]] == [(3, "info")]
