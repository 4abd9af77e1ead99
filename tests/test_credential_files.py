"""CL503 credential-file-baked: credential files copied into images, or written by Python code."""

from __future__ import annotations

import dataclasses
import json
import textwrap
from pathlib import Path

import pytest

from credlint.checks.credential_files.candidates import (
    lines_writing_credentials_files,
    lines_writing_files,
    may_write_credentials_file,
)
from credlint.engine import lint_source
from credlint.file_kinds import DOCKERFILE, PYTHON, TEXT, YAML
from credlint.finding import Finding, Severity
from credlint.prefilter import FileProbe
from credlint.registry import RULES
from credlint.settings import (
    DEFAULT_RULE_SETTINGS,
    TEST_POLICY_IGNORE,
    TEST_POLICY_INFO,
    TEST_POLICY_REPORT,
    RuleSettings,
)
from tests.conftest import REPO, run_cli

RULE = RULES["CL503"]
KEY_ID = "AKIA42YQICSX5QSIJMWQ"


def check(code: str, kind: str, path: str, settings: RuleSettings = DEFAULT_RULE_SETTINGS) -> list[Finding]:
    source = textwrap.dedent(code).encode()
    return [f for f in lint_source(path, source, [RULE], kind=kind, settings=settings).findings]


def docker(code: str, path: str = "Dockerfile") -> list[Finding]:
    return check(code, DOCKERFILE, path)


def python(code: str, path: str = "tool.py", settings: RuleSettings = DEFAULT_RULE_SETTINGS) -> list[Finding]:
    return check(code, PYTHON, path, settings)


def lines(findings: list[Finding]) -> list[tuple[int, str]]:
    return [(finding.span.line, finding.severity.value) for finding in findings]


# --- Dockerfiles ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "instruction",
    [
        "COPY .aws/credentials /root/.aws/credentials",
        "COPY .aws /root/.aws",
        "COPY .aws/ /root/.aws/",
        "COPY .aws/* /root/.aws/",
        "COPY ./.aws/cred* /root/.aws/",
        "COPY credentials /root/.aws/",
        "COPY deploy/worker-keys /root/.aws/credentials",
        "COPY aws /home/app/.aws",
        "COPY --chown=app:app --chmod=600 .aws/credentials /home/app/.aws/credentials",
        "COPY --from=build /root/.aws /root/.aws",
        "COPY --from=amazon/aws-cli /root/.aws/credentials /tmp/credentials",
        'COPY ["deploy/aws keys", "/root/.aws/credentials"]',
        "ADD https://config.example.com/worker/credentials /root/.aws/credentials",
        "ADD .boto /root/.boto",
        "COPY settings/boto.cfg /etc/boto.cfg",
        "copy .aws /root/.aws",
        "ONBUILD COPY .aws /root/.aws",
    ],
)
def test_copying_a_credential_file_into_the_image_is_an_error(instruction: str) -> None:
    assert lines(docker(f"FROM python:3.12-slim\n{instruction}\n")) == [(2, "error")]


@pytest.mark.parametrize(
    "instructions",
    [
        "RUN aws configure set aws_access_key_id $AWS_ACCESS_KEY_ID",
        'RUN aws configure set default.aws_secret_access_key "$AWS_SECRET_ACCESS_KEY"',
        "RUN aws configure set --profile ci profile.ci.aws_session_token $TOKEN",
        "RUN printf '[default]\\naws_access_key_id=%s\\n' \"$KEY\" > /root/.aws/credentials",
        'RUN echo "$CREDENTIALS" | tee -a ~/.aws/credentials',
        'RUN echo "aws_secret_access_key = $SECRET" >> ~/.aws/credentials',
        "WORKDIR /root/.aws\nCOPY credentials .",
        "WORKDIR /root\nCOPY keys/ .aws/",
    ],
)
def test_writing_the_credentials_file_into_a_layer_is_an_error(instructions: str) -> None:
    found = docker(f"FROM python:3.12-slim\nARG KEY\n{instructions}\n")
    assert lines(found) == [(instructions.count("\n") + 3, "error")]


def test_a_run_that_writes_the_config_file_is_a_warning() -> None:
    found = docker(
        "FROM python:3.12-slim\nRUN { echo '[default]'; echo 'aws_access_key_id = $KEY'; } > /root/.aws/config\n"
    )
    assert lines(found) == [(2, "warning")]
    assert found[0].message == "RUN writes an AWS config file into the image (> /root/.aws/config)"


def test_a_run_that_writes_the_file_names_the_command_and_the_layer() -> None:
    [finding] = docker(
        """\
        FROM python:3.12-slim
        RUN pip install awscli && \\
            aws configure set aws_access_key_id "$KEY" && \\
            aws configure set region eu-west-1
        """
    )
    assert (finding.span.line, finding.span.column, finding.span.end_column) == (3, 23, 40)
    assert finding.message == (
        "RUN writes an AWS shared credentials file into the image (aws configure set aws_access_key_id)"
    )
    assert "written into the image at line 2" in finding.explanation.summary
    assert "RUN --mount=type=secret" in finding.explanation.fix


def test_a_test_suites_fixture_follows_test_policy() -> None:
    found = docker("FROM python:3.12-slim\nCOPY tests/fixtures/.aws /app/tests/fixtures/.aws\nCOPY .aws /root/.aws\n")
    assert lines(found) == [(2, "info"), (3, "error")]
    ignoring = RuleSettings(test_policy=TEST_POLICY_IGNORE)
    assert lines(check("FROM python:3.12-slim\nCOPY test/.aws /root/.aws\n", DOCKERFILE, "Dockerfile", ignoring)) == []


def test_config_file_is_a_warning_since_it_may_hold_only_a_region() -> None:
    found = docker(
        """\
        FROM python:3.12-slim
        COPY .aws/config /root/.aws/config
        COPY aws-settings /root/.aws/config
        COPY config /root/.aws/
        """
    )
    assert lines(found) == [(2, "warning"), (3, "warning"), (4, "warning")]
    assert found[0].message == "COPY puts an AWS config file into the image (.aws/config to /root/.aws/config)"
    assert "AWS_DEFAULT_REGION" in found[0].explanation.fix
    assert "credential_process (link 7)" in found[0].explanation.runtime


def test_the_finding_is_at_the_source_word_on_its_own_line() -> None:
    found = docker(
        """\
        FROM python:3.12-slim
        COPY --chown=app:app \\
             .aws/credentials \\
             /home/app/.aws/credentials
        """
    )
    assert [(f.span.line, f.span.column, f.span.end_column) for f in found] == [(3, 6, 22)]


def test_each_source_of_one_copy_is_reported() -> None:
    found = docker("FROM python:3.12-slim\nCOPY .aws/credentials .aws/config /root/.aws/\n")
    assert [(f.span.column, f.severity) for f in found] == [(6, Severity.ERROR), (23, Severity.WARNING)]


def test_here_document_into_the_credentials_file_names_no_content() -> None:
    found = docker(
        f"""\
        FROM python:3.12-slim
        COPY <<EOF /root/.aws/credentials
        [default]
        aws_access_key_id = {KEY_ID}
        EOF
        COPY requirements.txt /srv/app/
        """
    )
    assert lines(found) == [(2, "error")]
    assert "a here-document to /root/.aws/credentials" in found[0].message
    assert KEY_ID not in found[0].message + found[0].explanation.summary + found[0].preview


def test_a_file_the_env_names_as_the_credentials_file_is_reported() -> None:
    found = docker(
        """\
        FROM python:3.12-slim
        WORKDIR /etc/app
        COPY deploy/aws.ini ./aws.ini
        ENV AWS_SHARED_CREDENTIALS_FILE=/etc/app/aws.ini
        COPY deploy/settings.ini /etc/app/
        ENV AWS_CONFIG_FILE=/etc/app/settings.ini
        COPY deploy/legacy.cfg /etc/app/legacy.cfg
        ENV BOTO_CONFIG=/etc/app/legacy.cfg
        """
    )
    assert lines(found) == [(3, "error"), (5, "warning"), (7, "error")]
    assert found[0].message == (
        "COPY puts an AWS shared credentials file into the image (deploy/aws.ini to ./aws.ini), "
        "the file AWS_SHARED_CREDENTIALS_FILE (line 4) names"
    )
    assert "the file AWS_SHARED_CREDENTIALS_FILE (line 4) names" in found[0].explanation.summary
    assert found[2].explanation.steps[9].status == "this code"  # boto-config, link 10


def test_a_variable_set_in_an_unrelated_stage_names_nothing_here() -> None:
    code = """\
        FROM python:3.12 AS tools
        ENV AWS_SHARED_CREDENTIALS_FILE=/etc/app/aws.ini
        FROM python:3.12-slim
        COPY deploy/aws.ini /etc/app/aws.ini
        """
    assert docker(code) == []


def test_a_build_stage_the_image_does_not_hold_is_one_step_lower() -> None:
    found = docker(
        """\
        FROM python:3.12 AS build
        COPY .aws /root/.aws
        COPY .aws/config /root/.aws/config
        RUN aws s3 cp s3://example-models/model.bin /models/model.bin
        FROM python:3.12-slim
        COPY --from=build /models /models
        """
    )
    assert lines(found) == [(2, "warning"), (3, "info")]
    assert found[0].message.endswith(", in a build stage the image does not hold")
    assert "--target" in found[0].explanation.runtime
    assert "every container started from this build stage" in found[0].explanation.summary


def test_a_stage_the_image_is_built_from_is_in_the_image() -> None:
    found = docker(
        """\
        FROM python:3.12-slim AS base
        COPY .aws /root/.aws
        FROM base AS app
        COPY . /srv/app
        FROM APP
        CMD ["python", "-m", "app"]
        """
    )
    assert lines(found) == [(2, "error")]


def test_explanation_places_the_file_at_link_5_before_the_roles() -> None:
    [finding] = docker("FROM python:3.12-slim\nCOPY .aws/credentials /root/.aws/credentials\n")
    explanation = finding.explanation
    assert explanation.chain == "credential"
    statuses = {step.method: (step.status, step.line) for step in explanation.steps}
    assert statuses["shared-credentials-file"] == ("this code", 2)
    assert statuses["env"][0] == "consulted before"
    assert statuses["container-role"][0] == statuses["iam-role"][0] == "shadowed"
    assert "link 5 of the credential chain" in explanation.summary
    assert "container role (link 11) and the instance profile (link 12)" in explanation.summary
    assert "docker save" in explanation.runtime and "`RUN rm` only hides it" in explanation.runtime
    assert "RUN --mount=type=secret,id=aws,target=/root/.aws/credentials" in explanation.fix
    assert "Rotate" in explanation.fix
    assert finding.message == (
        "COPY puts an AWS shared credentials file into the image (.aws/credentials to /root/.aws/credentials)"
    )


def test_boto_config_is_link_10_and_the_directory_link_5() -> None:
    boto, directory = docker("FROM python:3.12-slim\nCOPY .boto /root/.boto\nCOPY .aws /root/.aws\n")
    assert "boto-config provider, link 10" in boto.explanation.summary
    assert "~/.aws/sso/cache" in directory.explanation.runtime


@pytest.mark.parametrize(
    "instruction",
    [
        "RUN --mount=type=secret,id=aws,target=/root/.aws/credentials pip install -r requirements.txt",
        "COPY credentials.py /srv/app/credentials.py",
        "COPY app/credentials/ /srv/app/credentials/",
        "COPY credentials /srv/app/credentials",
        "COPY .aws-sam/build /var/task",
        "COPY aws-cli-alias /root/.aws/cli/alias",
        "COPY . /srv/app",
        "COPY .awsrc /root/",
        "ENV AWS_SHARED_CREDENTIALS_FILE=/run/secrets/aws",
        "ENV AWS_CONFIG_FILE=/etc/app/aws-config",
        "# COPY .aws /root/.aws",
        "RUN cp -r /tmp/.aws /root/.aws",
        "RUN aws configure set region eu-west-1 && aws configure get aws_access_key_id",
        "RUN cat ~/.aws/credentials > /dev/null",
        "WORKDIR /srv/app\nCOPY credentials .",
    ],
)
def test_not_flagged_in_a_dockerfile(instruction: str) -> None:
    assert docker(f"FROM python:3.12-slim\n{instruction}\n") == []


def test_here_document_bodies_are_not_instructions() -> None:
    code = """\
        FROM python:3.12-slim
        RUN <<EOF
        COPY .aws /root/.aws
        EOF
        COPY <<-NOTES /srv/app/NOTES
        \tADD .boto /root/.boto
        \tNOTES
        """
    assert docker(code) == []


@pytest.mark.parametrize(
    ("kind", "path"),
    [(TEXT, "build.sh"), (YAML, "docker-compose.yml"), (TEXT, "README.md")],
)
def test_other_files_are_not_read_as_dockerfiles(kind: str, path: str) -> None:
    code = "COPY .aws /root/.aws\ncp -r ~/.aws /srv/image/.aws\n"
    assert check(code, kind, path) == []


# --- Python -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        'import os\nopen(os.path.expanduser("~/.aws/credentials"), "w")',
        'import os\nopen(os.path.expanduser("~/.aws/credentials"), mode="a")',
        'import os\nopen(os.path.expanduser("~/.aws/credentials"), "r+")',
        'from pathlib import Path\n(Path.home() / ".aws" / "credentials").write_text("[default]\\n")',
        'import pathlib as pl\npl.Path.home().joinpath(".aws", "credentials").open("w")',
        'from pathlib import Path\nPath("~/.aws/credentials").expanduser().write_bytes(b"")',
        'from os.path import expanduser, join\nopen(join(expanduser("~"), ".aws", "credentials"), "w")',
        'import os\nopen(os.environ["HOME"] + "/.aws/credentials", "w")',
        'import os\nopen(f"{os.getenv(\'HOME\')}/.aws/credentials", "w")',
        'from pathlib import Path\nopen(f"{Path.home()}/.aws/credentials", "w")',
        'open("/root/.aws/credentials", "w")',
        'import io\nio.open("/home/app/.aws/credentials", "w")',
        'from io import open as io_open\nio_open("/root/.aws/credentials", "w")',
        'import os\nopen(os.path.expandvars("$HOME/.aws/credentials"), "w")',
        'import os\nos.open(os.path.expanduser("~/.aws/credentials"), os.O_WRONLY | os.O_CREAT, 0o600)',
        'import os\nos.replace("/tmp/creds.tmp", os.path.expanduser("~/.aws/credentials"))',
        'import shutil, os\nshutil.copyfile("creds.ini", dst=os.path.expanduser("~/.aws/credentials"))',
        'from shutil import copy as cp\nimport os\ncp("creds.ini", os.path.expanduser("~/.aws/credentials"))',
        'from pathlib import Path\nPath("/tmp/creds").replace(Path.home() / ".aws" / "credentials")',
        'import os\nopen(os.environ["AWS_SHARED_CREDENTIALS_FILE"], "w")',
        'import os\nopen(os.environ.get("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials"), "w")',
        "import os\nopen('%s/.aws/credentials' % (os.path.expanduser('~'),), 'w')",
        "import os\nopen('%s/%s/credentials' % (os.environ['HOME'], '.aws'), 'a')",
        "import os\nopen('{}/.aws/credentials'.format(os.path.expanduser('~')), 'w')",
        "from pathlib import Path\nopen('{home}/.aws/{0}'.format('credentials', home=Path.home()), 'w')",
    ],
)
def test_writing_the_shared_credentials_file_is_a_warning(code: str) -> None:
    found = python(code)
    assert lines(found) == [(code.count("\n") + 1, "warning")]


def test_paths_held_in_constants_and_either_side_of_or() -> None:
    found = python(
        """\
        import configparser
        import os
        from pathlib import Path

        CREDENTIALS = Path.home() / ".aws" / "credentials"
        FALLBACK = os.path.expanduser("~/.aws/credentials")


        def save(profile: configparser.ConfigParser) -> None:
            path = os.environ.get("AWS_SHARED_CREDENTIALS_FILE") or FALLBACK
            with open(path, "w") as handle:
                profile.write(handle)
            with CREDENTIALS.open("w") as handle:
                profile.write(handle)
        """
    )
    assert lines(found) == [(11, "warning"), (13, "warning")]


def test_message_and_explanation_name_the_file_and_link_5() -> None:
    [finding] = python('import os\nopen(os.path.expanduser("~/.aws/credentials"), "w")\n')
    assert finding.message == (
        "Code writes the shared credentials file (~/.aws/credentials) with open(): link 5 of the credential "
        "chain then answers before the container role and the instance profile"
    )
    explanation = finding.explanation
    statuses = {step.method: (step.status, step.line) for step in explanation.steps}
    assert statuses["shared-credentials-file"] == ("this code", 2)
    assert statuses["container-role"][0] == statuses["iam-role"][0] == "shadowed"
    assert "every process of this user" in explanation.runtime
    assert "botocore caches the first result" in explanation.runtime
    assert "boto3.Session(" in explanation.fix and "aws configure" in explanation.fix


def test_the_variable_names_the_file_in_the_message() -> None:
    [finding] = python('import os\nopen(os.environ["AWS_SHARED_CREDENTIALS_FILE"], "a")\n')
    assert "(the file AWS_SHARED_CREDENTIALS_FILE names)" in finding.message


@pytest.mark.parametrize(
    "code",
    [
        'import os\nopen(os.path.expanduser("~/.aws/credentials"))',
        'import os\nopen(os.path.expanduser("~/.aws/credentials"), "rb")',
        'import os\ndef f(mode):\n    open(os.path.expanduser("~/.aws/credentials"), mode)',
        'open("~/.aws/credentials", "w")',
        'open(".aws/credentials", "w")',
        'open("/tmp/test/.aws/credentials", "w")',
        'import os\nopen(os.path.join("/srv", ".aws", "credentials"), "w")',
        'from pathlib import Path\n(Path.home() / ".aws" / "config").write_text("[default]\\n")',
        'from pathlib import Path\n(Path.home() / "/srv/.aws/credentials").write_text("")',
        'def f(tmp_path):\n    (tmp_path / ".aws" / "credentials").write_text("[default]\\n")',
        'import os\ndef f(home):\n    open(os.path.join(home, ".aws", "credentials"), "w")',
        'import os, shutil\nshutil.copy(os.path.expanduser("~/.aws/credentials"), "/backup/credentials")',
        'import os\nnote = "see {}".replace(os.path.expanduser("~/.aws/credentials"), "~")',
        'import configparser, os\nconfigparser.ConfigParser().read(os.path.expanduser("~/.aws/credentials"))',
        (
            "from pathlib import Path\n"
            'path = Path.home() / ".aws" / "credentials"\n'
            'path = path.with_suffix(".bak")\n'
            'path.write_text("")'
        ),
        'import os\nopen(os.environ["AWS_CONFIG_FILE"], "w")',
        "open('%s/.aws/credentials' % ('/srv/fixtures',), 'w')",
        "import os\nopen('%d/.aws/credentials' % (os.getpid(),), 'w')",
        "import os\nopen('{0.home}/.aws/credentials'.format(os), 'w')",
        "import os\nopen('%(home)s/.aws/credentials' % {'home': os.path.expanduser('~')}, 'w')",
        "import os\nwith open(os.path.expanduser('~/.aws/credentials'), 'a'):\n    pass",
    ],
)
def test_not_flagged_in_python(code: str) -> None:
    assert python(code) == []


@pytest.mark.parametrize(
    ("policy", "expected"),
    [(TEST_POLICY_INFO, [(2, "info")]), (TEST_POLICY_IGNORE, []), (TEST_POLICY_REPORT, [(2, "warning")])],
)
def test_test_files_follow_the_test_policy(policy: str, expected: list[tuple[int, str]]) -> None:
    settings = RuleSettings(test_file=True, test_policy=policy)
    code = 'import os\nopen(os.path.expanduser("~/.aws/credentials"), "w")\n'
    assert lines(python(code, "tests/test_login.py", settings)) == expected


CANDIDATE_SHAPES = [
    'from shutil import copyfile as put\nimport os\nput("c", os.path.expanduser("~/.aws/credentials"))\n',
    'import os\nD = ".aws"\nopen(os.path.join(os.path.expanduser("~"), D, "credentials"), "w")\n',
    'import os\nV = "AWS_SHARED_CREDENTIALS_FILE"\nopen(os.environ[V], "w")\n',
    'import os\nP = os.path.expanduser(f"~/{\'.aws\'}/credentials")\ndef f(t):\n    open(P, "a").write(t)\n',
    'from pathlib import Path\ndef f():\n    p = Path.home() / ".aws" / "credentials"\n'
    '    g = 1\n    p.write_text("")\n',
    'import os\nclass Login:\n    HOME = os.path.expanduser("~")\n    def save(self, text):\n'
    '        open(os.path.join(os.path.expanduser("~"), ".aws", "credentials"), "w").write(text)\n',
]


@pytest.mark.parametrize("code", CANDIDATE_SHAPES)
def test_the_candidate_pass_never_hides_a_finding(code: str) -> None:
    """The byte triggers aside (a path split as `"." + "aws"` is not looked for), the candidate
    check and the seed lines keep every finding the rule makes on the whole module."""
    unfiltered = dataclasses.replace(RULE, candidate=None, seeds=None)
    whole = lint_source("tool.py", code.encode(), [unfiltered]).findings
    assert whole, "the shape must be one the rule reports"
    probe = FileProbe(code.encode())
    assert may_write_credentials_file(probe)
    assert {finding.span.line for finding in whole} <= lines_writing_credentials_files(probe)
    assert lint_source("tool.py", code.encode(), [RULE]).findings == whole


def test_writes_in_functions_naming_no_credentials_file_are_no_seeds() -> None:
    code = (
        'import os\nCREDENTIALS = os.path.expanduser("~/.aws/credentials")\n'
        'def notes(text):\n    open("notes.txt", "w").write(text)\n'
        'def save(text):\n    open(CREDENTIALS, "w").write(text)\n'
    )
    probe = FileProbe(code.encode())
    assert lines_writing_files(probe) == {4, 6}
    assert lines_writing_credentials_files(probe) == {6}


def test_unrelated_python_is_never_parsed() -> None:
    probe = FileProbe(b'import os\nopen(os.path.expanduser("~/notes.txt"), "w")\n')
    assert not RULE.triggered_by(probe)


# --- End to end -------------------------------------------------------------------------------


def test_cli_reports_a_baked_file_and_a_written_one(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(
        "FROM python:3.12-slim\nCOPY .aws/config /root/.aws/config\nCOPY .aws/credentials /root/.aws/\n"
    )
    (tmp_path / "login.py").write_text(
        'import os\n\n\ndef save(text):\n    with open(os.path.expanduser("~/.aws/credentials"), "w") as f:\n'
        "        f.write(text)\n"
    )
    result = run_cli(["check", "--format", "json", "--select", "CL503", "."], cwd=tmp_path)
    document = json.loads(result.stdout)
    found = sorted((f["path"], f["line"], f["severity"]) for f in document["findings"])
    assert found == [("Dockerfile", 2, "warning"), ("Dockerfile", 3, "error"), ("login.py", 5, "warning")]
    assert result.returncode == 1 and document["errors"] == []


def test_cli_on_the_bundled_worker_dockerfile() -> None:
    result = run_cli(["check", "--no-explain", "examples/billing_service/deploy/Dockerfile.worker"], cwd=REPO)
    flagged = [line for line in result.stdout.splitlines() if ": CL" in line]
    assert flagged == [
        "examples/billing_service/deploy/Dockerfile.worker:7:6: CL503 COPY puts an AWS shared credentials file "
        "into the image (deploy/worker-credentials to /root/.aws/credentials) (error)"
    ]
