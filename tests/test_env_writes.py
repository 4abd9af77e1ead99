"""CL201 and CL203: credential variables written into the process environment or a child's."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from credlint.engine import lint_source
from credlint.finding import Finding, Severity
from credlint.registry import RULES
from credlint.settings import TEST_POLICY_IGNORE, TEST_POLICY_INFO, TEST_POLICY_REPORT, RuleSettings
from tests.conftest import codes, lint, run_cli

CL201_FLAGGED = {
    "subscript": ('import os\nos.environ["AWS_ACCESS_KEY_ID"] = key\n', [(2, "CL201")]),
    "aliased module": ('import os as _os\n_os.environ["AWS_SECRET_ACCESS_KEY"] = secret\n', [(2, "CL201")]),
    "from os import environ": ('from os import environ\nenviron["AWS_SESSION_TOKEN"] = token\n', [(2, "CL201")]),
    "environ imported under another name": (
        'from os import environ as env\nenv["AWS_SECURITY_TOKEN"] = token\n',
        [(2, "CL201")],
    ),
    "name bound to os.environ": (
        'import os\nenviron = os.environ\nenviron["AWS_ACCESS_KEY_ID"] = key\n',
        [(3, "CL201")],
    ),
    "module alias used in a function": (
        "import os\nENV = os.environ\ndef login(key):\n    ENV['AWS_ACCESS_KEY_ID'] = key\n",
        [(4, "CL201")],
    ),
    "variable name from a constant": (
        'import os\nKEY_VARIABLE = "AWS_ACCESS_KEY_ID"\nos.environ[KEY_VARIABLE] = key\n',
        [(3, "CL201")],
    ),
    "variable name from an f-string": (
        'import os\nPART = "SECRET"\nos.environ[f"AWS_{PART}_ACCESS_KEY"] = secret\n',
        [(3, "CL201")],
    ),
    "tuple assignment": (
        'import os\nos.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"] = key, secret\n',
        [(2, "CL201"), (2, "CL201")],
    ),
    "update with a dict literal": (
        'import os\nos.environ.update({\n    "AWS_ACCESS_KEY_ID": key,\n    "AWS_SECRET_ACCESS_KEY": secret,\n})\n',
        [(3, "CL201"), (4, "CL201")],
    ),
    "update with keywords": ("import os\nos.environ.update(AWS_ACCESS_KEY_ID=key, REGION='x')\n", [(2, "CL201")]),
    "update with a dict built in the module": (
        'import os\nCREDS = {"AWS_ACCESS_KEY_ID": key}\nCREDS["AWS_SESSION_TOKEN"] = token\n'
        "def export():\n    os.environ.update(CREDS)\n",
        [(2, "CL201"), (3, "CL201")],
    ),
    "update with dict(...)": ("import os\nos.environ.update(dict(AWS_SECRET_ACCESS_KEY=secret))\n", [(2, "CL201")]),
    "setdefault": ('import os\nos.environ.setdefault("AWS_ACCESS_KEY_ID", key)\n', [(2, "CL201")]),
    "putenv": ('import os\nos.putenv("AWS_SECRET_ACCESS_KEY", secret)\n', [(2, "CL201")]),
    "putenv imported": ('from os import putenv\nputenv("AWS_SECRET_ACCESS_KEY", secret)\n', [(2, "CL201")]),
    "merge operator": ('import os\nos.environ |= {"AWS_SESSION_TOKEN": token}\n', [(2, "CL201")]),
    "another variable's value": (
        'import os\nos.environ["AWS_ACCESS_KEY_ID"] = os.environ["DEPLOY_KEY_ID"]\n',
        [(2, "CL201")],
    ),
    "long-term keys from iam.create_access_key": (
        "import os\nimport boto3\nkey = boto3.client('iam').create_access_key(UserName='ci')['AccessKey']\n"
        "os.environ['AWS_ACCESS_KEY_ID'] = key['AccessKeyId']\n",
        [(4, "CL201")],
    ),
    "a parameter that holds credentials": (
        "import os\ndef export(credentials):\n    os.environ['AWS_ACCESS_KEY_ID'] = credentials['AccessKeyId']\n",
        [(3, "CL201")],
    ),
}

CL201_QUIET = {
    "deleting": ('import os\ndel os.environ["AWS_ACCESS_KEY_ID"]\n'),
    "popping": ('import os\nos.environ.pop("AWS_SECRET_ACCESS_KEY", None)\n'),
    "unsetenv": ('import os\nos.unsetenv("AWS_SESSION_TOKEN")\n'),
    "empty value switches the env provider off": ('import os\nos.environ["AWS_ACCESS_KEY_ID"] = ""\n'),
    "other AWS variables": (
        'import os\nos.environ["AWS_DEFAULT_REGION"] = "eu-west-1"\nos.environ.setdefault("AWS_PROFILE", "dev")\n'
    ),
    "a plain dict": ('env = {}\nenv["AWS_ACCESS_KEY_ID"] = key\n'),
    "a copy of os.environ": ('import os\nenv = os.environ.copy()\nenv["AWS_ACCESS_KEY_ID"] = key\n'),
    "reading": ('import os\nkey = os.environ["AWS_ACCESS_KEY_ID"]\nos.environ.get("AWS_SECRET_ACCESS_KEY")\n'),
    "saved and restored": (
        'import os\nsaved = os.environ.get("AWS_ACCESS_KEY_ID", "")\nrun()\nos.environ["AWS_ACCESS_KEY_ID"] = saved\n'
    ),
    "assume-role credentials": (
        "import os\nimport boto3\n"
        "creds = boto3.client('sts').assume_role(RoleArn=arn, RoleSessionName='job')['Credentials']\n"
        "os.environ['AWS_ACCESS_KEY_ID'] = creds['AccessKeyId']\n"
        "os.environ.update({'AWS_SECRET_ACCESS_KEY': creds['SecretAccessKey'], 'AWS_SESSION_TOKEN': creds['SessionToken']})\n"
    ),
    "web identity and session token": (
        "import os\n"
        "response = sts.assume_role_with_web_identity(RoleArn=arn, RoleSessionName='s', WebIdentityToken=t)\n"
        "os.environ['AWS_ACCESS_KEY_ID'] = response.get('Credentials', {}).get('AccessKeyId')\n"
        "token = sts.get_session_token(SerialNumber=mfa, TokenCode=code)['Credentials']\n"
        "os.environ['AWS_SESSION_TOKEN'] = token['SessionToken']\n"
    ),
    "a secret from Secrets Manager": (
        "import json, os\nsecret = json.loads(client.get_secret_value(SecretId='ci')['SecretString'])\n"
        "os.environ['AWS_SECRET_ACCESS_KEY'] = secret['aws_secret_access_key']\n"
    ),
    "credentials the chain resolved": (
        "import os, boto3\ncreds = boto3.Session().get_credentials().get_frozen_credentials()\n"
        "os.environ['AWS_ACCESS_KEY_ID'] = creds.access_key\n"
    ),
    "monkeypatch": ("def test_x(monkeypatch):\n    monkeypatch.setenv('AWS_ACCESS_KEY_ID', 'AKIAZD6RFARUDWYG6SSM')\n"),
    "patch.dict context": (
        "import os\nfrom unittest import mock\n"
        "with mock.patch.dict(os.environ, {'AWS_ACCESS_KEY_ID': key}):\n    pass\n"
    ),
    "writes under a patch.dict context are restored": (
        "import os\nfrom unittest.mock import patch\n"
        "def test_x():\n    with patch.dict('os.environ', clear=True):\n        os.environ['AWS_ACCESS_KEY_ID'] = key\n"
    ),
    "writes in a test decorated with patch.dict are restored": (
        "import os\nfrom unittest import mock\n"
        "@mock.patch.dict(os.environ, {})\ndef test_x():\n    os.environ['AWS_SECRET_ACCESS_KEY'] = secret\n"
    ),
    "os.environ patched with a dict": (
        "import os\nfrom unittest import mock\nenviron = {}\n"
        "with mock.patch('os.environ', environ):\n    environ['AWS_ACCESS_KEY_ID'] = key\n"
        "    os.environ['AWS_SECRET_ACCESS_KEY'] = secret\n"
    ),
    "os.environ patched as an object": (
        "import os\nfrom unittest import mock\n"
        "@mock.patch.object(os, 'environ', {})\ndef test_x():\n    os.environ['AWS_ACCESS_KEY_ID'] = key\n"
    ),
    "environ shadowed by a local dict": (
        "from os import environ\ndef build():\n    environ = {}\n    environ['AWS_ACCESS_KEY_ID'] = key\n"
        "    return environ\n"
    ),
    "key not known here": ("import os\nfor name, value in pairs:\n    os.environ[name] = value\n"),
}


@pytest.mark.parametrize("name", CL201_FLAGGED)
def test_cl201_flags(name: str) -> None:
    code, expected = CL201_FLAGGED[name]
    assert codes(code, select="CL201") == expected


@pytest.mark.parametrize("name", CL201_QUIET)
def test_cl201_stays_quiet(name: str) -> None:
    assert codes(CL201_QUIET[name], select="CL201") == []


CL203_FLAGGED = {
    "dict literal": (
        "import subprocess\nsubprocess.run(cmd, env={'AWS_ACCESS_KEY_ID': key, 'PATH': '/bin'})\n",
        [(2, "CL203")],
    ),
    "dict(os.environ, ...)": (
        "import os, subprocess\nsubprocess.check_call(cmd, env=dict(os.environ, AWS_SECRET_ACCESS_KEY=secret))\n",
        [(2, "CL203")],
    ),
    "spread of os.environ": (
        "import os\nfrom subprocess import Popen\nPopen(cmd, env={**os.environ, 'AWS_SESSION_TOKEN': token})\n",
        [(3, "CL203")],
    ),
    "union with os.environ": (
        "import os\nimport subprocess as sp\nsp.call(cmd, env=os.environ | {'AWS_SECURITY_TOKEN': token})\n",
        [(3, "CL203")],
    ),
    "copy built up in the function": (
        "import os, subprocess\n"
        "def deploy(key, secret):\n"
        "    env = os.environ.copy()\n"
        "    env['AWS_ACCESS_KEY_ID'] = key\n"
        "    env.update({'AWS_SECRET_ACCESS_KEY': secret})\n"
        "    env.update(AWS_SESSION_TOKEN=token)\n"
        "    subprocess.run(['terraform', 'apply'], env=env, check=True)\n",
        [(4, "CL203"), (5, "CL203"), (6, "CL203")],
    ),
    "dict(os.environ) then setdefault": (
        "import os, subprocess\nenv = dict(os.environ)\nenv.setdefault('AWS_ACCESS_KEY_ID', key)\n"
        "subprocess.check_output(cmd, env=env)\n",
        [(3, "CL203")],
    ),
    "names from constants": (
        "import os, subprocess\nKEY_ID = 'AWS_ACCESS_KEY_ID'\nenv = {**os.environ, KEY_ID: key}\n"
        "subprocess.run(cmd, env=env)\n",
        [(3, "CL203")],
    ),
    "os.execve": ("import os\nos.execve('/usr/bin/aws', ['aws'], {'AWS_ACCESS_KEY_ID': key})\n", [(2, "CL203")]),
    "os.execvpe": ("import os\nos.execvpe('aws', ['aws'], {'AWS_ACCESS_KEY_ID': key})\n", [(2, "CL203")]),
    "os.execle": ("import os\nos.execle('/usr/bin/aws', 'aws', 's3', {'AWS_SESSION_TOKEN': token})\n", [(2, "CL203")]),
    "os.spawnve": (
        "import os\nos.spawnve(os.P_WAIT, '/usr/bin/aws', ['aws'], {'AWS_SECRET_ACCESS_KEY': secret})\n",
        [(2, "CL203")],
    ),
    "Popen env by position": (
        "import subprocess\nsubprocess.Popen(cmd, -1, None, None, None, None, None, True, False, None, "
        "{'AWS_ACCESS_KEY_ID': key})\n",
        [(2, "CL203")],
    ),
    "asyncio": (
        "import asyncio, os\nasync def run(key):\n"
        "    return await asyncio.create_subprocess_exec('aws', 's3', 'ls', env={**os.environ, 'AWS_ACCESS_KEY_ID': key})\n",
        [(3, "CL203")],
    ),
    "options spread": (
        "import subprocess\nOPTIONS = {'env': {'AWS_ACCESS_KEY_ID': key}}\nsubprocess.run(cmd, **OPTIONS)\n",
        [(2, "CL203")],
    ),
}

CL203_QUIET = {
    "os.environ unchanged": ("import os, subprocess\nsubprocess.run(cmd, env=os.environ)\n"),
    "a copy with other variables": (
        "import os, subprocess\nenv = os.environ.copy()\nenv['AWS_DEFAULT_REGION'] = 'eu-west-1'\n"
        "subprocess.run(cmd, env=env)\n"
    ),
    "credentials removed": (
        "import os, subprocess\nenv = dict(os.environ)\nenv.pop('AWS_ACCESS_KEY_ID', None)\n"
        "del env['AWS_SECRET_ACCESS_KEY']\nsubprocess.run(cmd, env=env)\n"
    ),
    "credentials cleared": ("import subprocess\nsubprocess.run(cmd, env={'AWS_ACCESS_KEY_ID': ''})\n"),
    "the parent's own variables passed through": (
        "import os, subprocess\n"
        "env = {'PATH': os.environ['PATH'], 'AWS_ACCESS_KEY_ID': os.environ['AWS_ACCESS_KEY_ID'],\n"
        "       'AWS_SESSION_TOKEN': os.getenv('AWS_SESSION_TOKEN', '')}\nsubprocess.run(cmd, env=env)\n"
    ),
    "assume-role credentials handed to the child": (
        "import os, subprocess, boto3\n"
        "creds = boto3.client('sts').assume_role(RoleArn=arn, RoleSessionName='job')['Credentials']\n"
        "env = {**os.environ, 'AWS_ACCESS_KEY_ID': creds['AccessKeyId'],\n"
        "       'AWS_SECRET_ACCESS_KEY': creds['SecretAccessKey'], 'AWS_SESSION_TOKEN': creds['SessionToken']}\n"
        "subprocess.run(cmd, env=env)\n"
    ),
    "the parent's resolved credentials handed on": (
        "import os, subprocess\ncredentials = session.get_credentials()\nenvironment = os.environ.copy()\n"
        "environment['AWS_ACCESS_KEY_ID'] = credentials.access_key\nsubprocess.check_call(cmd, env=environment)\n"
    ),
    "a dict never given to a child": ("env = {'AWS_ACCESS_KEY_ID': key}\nprint(env)\n"),
    "a call that only looks like one": ("runner.run(cmd, env={'AWS_ACCESS_KEY_ID': key})\n"),
    "another function's mapping": (
        "import os, subprocess\n"
        "def login(key):\n    env = os.environ.copy()\n    env['AWS_ACCESS_KEY_ID'] = key\n    return env\n"
        "def run(cmd):\n    env = os.environ.copy()\n    env['AWS_DEFAULT_REGION'] = 'eu-west-1'\n"
        "    subprocess.run(cmd, env=env)\n"
    ),
    "os.environ aliased is CL201's": (
        "import os, subprocess\nenv = os.environ\nenv['AWS_ACCESS_KEY_ID'] = key\nsubprocess.run(cmd, env=env)\n"
    ),
}


@pytest.mark.parametrize("name", CL203_FLAGGED)
def test_cl203_flags(name: str) -> None:
    code, expected = CL203_FLAGGED[name]
    assert codes(code, select="CL203") == expected


@pytest.mark.parametrize("name", CL203_QUIET)
def test_cl203_stays_quiet(name: str) -> None:
    assert codes(CL203_QUIET[name], select="CL203") == []


def test_aliased_environ_write_is_cl201_alone() -> None:
    code = CL203_QUIET["os.environ aliased is CL201's"]
    assert codes(code, select="CL20") == [(3, "CL201")]


def test_one_mapping_given_to_two_children_is_reported_once() -> None:
    code = (
        "import os, subprocess\nenv = {**os.environ, 'AWS_ACCESS_KEY_ID': key}\n"
        "subprocess.run(a, env=env)\nsubprocess.run(b, env=env)\n"
    )
    findings = lint(code, select="CL203")
    assert [(f.span.line, f.code) for f in findings] == [(2, "CL203")]
    assert "subprocess.run(...)" in findings[0].message
    assert "line 3" in findings[0].explanation.summary


def test_cl201_span_is_the_write() -> None:
    findings = lint('import os\nos.environ.update({"AWS_ACCESS_KEY_ID": key})\n', select="CL201")
    span = findings[0].span
    assert (span.line, span.column, span.end_column) == (2, 20, 39)


def test_messages_name_the_variable_and_never_the_value() -> None:
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"[::-1]
    code = f'import os, subprocess\nos.environ["AWS_SECRET_ACCESS_KEY"] = "{secret}"\n'
    code += f'subprocess.run(cmd, env={{"AWS_SECRET_ACCESS_KEY": "{secret}"}})\n'
    findings = lint(code, select="CL20")
    assert [(f.span.line, f.code) for f in findings] == [(2, "CL201"), (3, "CL203")]
    assert findings[0].message == (
        "AWS_SECRET_ACCESS_KEY written into os.environ: it takes link 1 (env) ahead of the instance and task roles"
    )
    assert findings[1].message.startswith("AWS_SECRET_ACCESS_KEY put into the environment of subprocess.run(...)")
    for finding in findings:
        assert secret not in finding.message
        assert secret not in json.dumps(finding.explanation.to_dict())
        assert finding.preview == secret[:4] + "*" * 32 + secret[-4:]


def test_variable_value_has_no_preview() -> None:
    (finding,) = lint('import os\nos.environ["AWS_ACCESS_KEY_ID"] = key\n', select="CL201")
    assert finding.preview == ""
    assert finding.severity is Severity.WARNING


def test_cl201_explanation_takes_link_one_and_names_the_lambda_role() -> None:
    (finding,) = lint('import os\n\nos.environ["AWS_ACCESS_KEY_ID"] = key\n', select="CL201")
    explanation = finding.explanation
    assert explanation.chain == "credential"
    first, *later = explanation.steps
    assert (first.method, first.status, first.line) == ("env", "this code", 3)
    assert {step.status for step in later} == {"shadowed"}
    assert "execution role" in explanation.runtime
    assert "container-role, link 11" in explanation.runtime


def test_setdefault_and_putenv_explain_what_they_change() -> None:
    findings = lint(
        'import os\nos.environ.setdefault("AWS_ACCESS_KEY_ID", key)\nos.putenv("AWS_SESSION_TOKEN", token)\n',
        select="CL201",
    )
    setdefault, putenv = findings
    assert "where it is unset" in setdefault.message
    assert "on Lambda, where the runtime has set it" in setdefault.explanation.runtime
    assert "child processes" in putenv.message
    assert "not os.environ" in putenv.explanation.runtime
    assert "AWS_SECURITY_TOKEN before AWS_SESSION_TOKEN" in putenv.explanation.runtime


def test_cl203_explanation_is_about_the_child() -> None:
    (finding,) = lint("import subprocess\nsubprocess.run(cmd, env={'AWS_ACCESS_KEY_ID': key})\n", select="CL203")
    explanation = finding.explanation
    assert explanation.steps[0].method == "env"
    assert "child process" in explanation.summary
    assert "JavaScript SDK v3 skips them only when AWS_PROFILE is set" in explanation.runtime
    assert explanation.fix.startswith("Let the child resolve its own credentials")


def settings_findings(code: str, select: str, settings: RuleSettings, path: str = "app.py") -> list[Finding]:
    source = textwrap.dedent(code).encode()
    rules = [RULES[code_] for code_ in select.split(",")]
    return list(lint_source(path, source, rules, settings=settings).findings)


REAL_AND_FAKE = (
    "import os, subprocess\n"
    "os.environ['AWS_ACCESS_KEY_ID'] = key\n"
    "os.environ['AWS_SECRET_ACCESS_KEY'] = 'testing'\n"
    "subprocess.run(cmd, env={'AWS_ACCESS_KEY_ID': key, 'AWS_SECRET_ACCESS_KEY': 'foobar'})\n"
)


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (RuleSettings(), [(2, "warning"), (3, "info"), (4, "warning"), (4, "info")]),
        (RuleSettings(test_policy=TEST_POLICY_IGNORE), [(2, "warning"), (4, "warning")]),
        (
            RuleSettings(test_policy=TEST_POLICY_REPORT),
            [(2, "warning"), (3, "warning"), (4, "warning"), (4, "warning")],
        ),
        (RuleSettings(test_file=True), [(2, "info"), (3, "info"), (4, "info"), (4, "info")]),
        (
            RuleSettings(test_file=True, test_policy=TEST_POLICY_INFO),
            [(2, "info"), (3, "info"), (4, "info"), (4, "info")],
        ),
        (RuleSettings(test_file=True, test_policy=TEST_POLICY_IGNORE), []),
        (
            RuleSettings(test_file=True, test_policy=TEST_POLICY_REPORT),
            [(2, "warning"), (3, "warning"), (4, "warning"), (4, "warning")],
        ),
    ],
    ids=["default", "ignore", "report", "test file", "test file info", "test file ignore", "test file report"],
)
def test_test_policy(settings: RuleSettings, expected: list[tuple[int, str]]) -> None:
    findings = settings_findings(REAL_AND_FAKE, "CL201,CL203", settings)
    assert [(f.span.line, f.severity.value) for f in findings] == expected


def test_documentation_example_key_is_fake() -> None:
    code = "import os\nos.environ['AWS_ACCESS_KEY_ID'] = 'AKIAIOSFODNN7EXAMPLE'\n"
    (finding,) = settings_findings(code, "CL201", RuleSettings())
    assert finding.severity is Severity.INFO


def write_project(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


PROJECT = {
    "deploy.py": """\
        import os
        import subprocess
        from os import environ as env

        KEY_VARIABLE = "AWS_ACCESS_KEY_ID"


        def login(key, secret):
            os.environ[KEY_VARIABLE] = key
            env.update({"AWS_SECRET_ACCESS_KEY": secret})


        def terraform(key):
            child_env = os.environ.copy()
            child_env["AWS_ACCESS_KEY_ID"] = key
            subprocess.run(["terraform", "apply"], env=child_env, check=True)
        """,
    "roles.py": """\
        import os
        import subprocess

        import boto3

        creds = boto3.client("sts").assume_role(RoleArn="arn:aws:iam::123456789012:role/ci", RoleSessionName="ci")
        keys = creds["Credentials"]
        os.environ["AWS_ACCESS_KEY_ID"] = keys["AccessKeyId"]
        subprocess.run(["aws", "s3", "ls"], env={**os.environ, "AWS_SESSION_TOKEN": keys["SessionToken"]})
        os.environ.pop("AWS_SECRET_ACCESS_KEY", None)
        """,
    "tests/test_upload.py": """\
        import os


        def setup_module():
            os.environ["AWS_ACCESS_KEY_ID"] = make_key()


        def test_upload(monkeypatch):
            monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        """,
}


def cli_findings(root: Path) -> list[tuple[str, int, str, str]]:
    result = run_cli(["check", "--format", "json", "--select", "CL201,CL203", "."], cwd=root)
    document = json.loads(result.stdout)
    assert document["errors"] == []
    return sorted((f["path"], f["line"], f["code"], f["severity"]) for f in document["findings"])


def test_cli_reports_a_project(tmp_path: Path) -> None:
    write_project(tmp_path, PROJECT)
    assert cli_findings(tmp_path) == [
        ("deploy.py", 9, "CL201", "warning"),
        ("deploy.py", 10, "CL201", "warning"),
        ("deploy.py", 15, "CL203", "warning"),
        ("tests/test_upload.py", 5, "CL201", "info"),
    ]


def test_cli_test_policy_ignore_drops_test_files(tmp_path: Path) -> None:
    write_project(tmp_path, {**PROJECT, "pyproject.toml": '[tool.credlint]\ntest-policy = "ignore"\n'})
    assert cli_findings(tmp_path) == [
        ("deploy.py", 9, "CL201", "warning"),
        ("deploy.py", 10, "CL201", "warning"),
        ("deploy.py", 15, "CL203", "warning"),
    ]
