"""CL508 credentials-logged: the credentials it follows into logs and consoles, the shapes it leaves
alone, and what its explanations say."""

from __future__ import annotations

import dataclasses
import json
import textwrap
from pathlib import Path

import pytest

from credlint.checks.exposure.candidates import lines_logging_sources, lines_of_sinks, may_log_credentials
from credlint.engine import lint_source
from credlint.finding import Finding, Severity
from credlint.prefilter import FileProbe
from credlint.registry import RULES
from tests.conftest import REPO, lint, run_cli

RULE = RULES["CL508"]
E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


def logged(code: str, path: str = "snippet.py") -> list[tuple[int, Severity]]:
    return [(finding.span.line, finding.severity) for finding in lint(code, path, "CL508")]


def only(code: str) -> Finding:
    found = lint(code, select="CL508")
    assert len(found) == 1, found
    return found[0]


# --- flagged ------------------------------------------------------------------------------------------

SESSION = "import logging\nimport boto3\nlogger = logging.getLogger(__name__)\n"

FLAGGED = {
    "secret key of a session's credentials, to print": (
        "import boto3\ncreds = boto3.Session().get_credentials()\nprint(creds.secret_key)\n",
        [(3, E)],
    ),
    "aliased module, session in a name that does not say so": (
        "import boto3 as b3\ns = b3.Session(profile_name='ops')\nc = s.get_credentials()\nprint(c.token)\n",
        [(4, E)],
    ),
    "new IAM access key, printed": (
        "import boto3\nkey = boto3.client('iam').create_access_key(UserName='ci')['AccessKey']\n"
        "print(key['AccessKeyId'], key['SecretAccessKey'])\n",
        [(3, E)],
    ),
    "the whole environment, printed and logged": (
        "import json\nimport logging\nimport os\nfrom os import environ as env\nlog = logging.getLogger()\n"
        "print(os.environ)\nlog.info('env %s', dict(os.environ))\nprint(json.dumps(env.copy()))\n"
        "snapshot = dict(os.environ)\nprint(f'{snapshot}')\n",
        [(6, W), (7, W), (8, W), (10, W)],
    ),
    "the environment's values, in a loop and a comprehension": (
        "import os\nfrom os import environ\ndef handler(event, context):\n    for name, value in os.environ.items():\n"
        "        print(name, value)\n    print('\\n'.join([str((k, v)) for k, v in environ.items()]))\n"
        "    for value in os.environ.values():\n        print(value)\n",
        [(5, E), (6, E), (8, E)],
    ),
    "an STS response's credentials, in a loop": (
        "import boto3\nsts = boto3.client('sts', region_name='eu-west-1')\n"
        "creds = sts.assume_role(RoleArn='a', RoleSessionName='b')['Credentials']\n"
        "for field, value in creds.items():\n    print(field, value)\n",
        [(5, E)],
    ),
    "the whole environment, in a Lambda handler": (
        "import os\ndef lambda_handler(event, context):\n    print('environment:', os.environ)\n",
        [(3, E)],
    ),
    "the whole environment, in a helper of a Lambda module": (
        "import os\ndef dump():\n    print(os.environ)\ndef unrelated():\n    return 1\n"
        "def handler(event, context):\n    return unrelated()\n",
        [(3, E)],
    ),
    "imported Session class": (
        "from boto3.session import Session\nprint(Session().get_credentials().secret_key)\n",
        [(2, E)],
    ),
    "botocore session": (
        "import botocore.session\nprint(botocore.session.get_session().get_credentials().token)\n",
        [(2, E)],
    ),
    "self.session and self.logger in a method": (
        "import logging\nclass Reporter:\n    def __init__(self, session):\n        self.session = session\n"
        "        self.logger = logging.getLogger('r')\n    def show(self):\n"
        "        creds = self.session.get_credentials()\n        self.logger.debug('secret=%s', creds.secret_key)\n",
        [(8, E)],
    ),
    "aioboto3 awaits": (
        "import logging\nlog = logging.getLogger()\nasync def show(session):\n"
        "    creds = await session.get_credentials()\n    frozen = await creds.get_frozen_credentials()\n"
        "    log.error(frozen.token)\n",
        [(6, E)],
    ),
    "frozen credentials whole, with %r": (
        SESSION + "frozen = boto3.Session().get_credentials().get_frozen_credentials()\n"
        "logger.info('creds %r', frozen)\n",
        [(5, E)],
    ),
    "frozen credentials unpacked": (
        SESSION + "key, secret, token = boto3.Session().get_credentials().get_frozen_credentials()\n"
        "logger.info('secret ' + secret)\n",
        [(5, E)],
    ),
    "frozen credentials by position, and starred into print": (
        "import boto3\nfrozen = boto3.Session().get_credentials().get_frozen_credentials()\n"
        "print(frozen[1])\nprint(*frozen)\n",
        [(3, E), (4, E)],
    ),
    "credentials rebound to their frozen form": (
        "import boto3\nsession = boto3.Session()\ncredentials = session.get_credentials()\n"
        "credentials = credentials.get_frozen_credentials()\nprint(credentials.secret_key)\n",
        [(5, E)],
    ),
    "vars() of the credentials": (
        "import boto3\nc = boto3.Session().get_credentials()\nprint(vars(c))\n",
        [(3, E)],
    ),
    "message built in a variable with an f-string": (
        SESSION
        + "c = boto3.Session().get_credentials()\nmessage = f'secret={c.secret_key}'\nlogger.warning(message)\n",
        [(6, E)],
    ),
    "str.format and concatenation": (
        "import boto3\nc = boto3.Session().get_credentials()\nprint('{} {}'.format('key', c.secret_key))\n"
        "print('token: ' + c.token.strip())\n",
        [(3, E), (4, E)],
    ),
    "logging extra, structlog keywords, loguru": (
        "import logging\nimport boto3\nimport structlog\nfrom loguru import logger as loguru_logger\n"
        "c = boto3.Session().get_credentials()\nlogging.info('x', extra={'secret': c.secret_key})\n"
        "structlog.get_logger().info('event', token=c.token)\nloguru_logger.info('{}', c.token)\n",
        [(6, E), (7, E), (8, E)],
    ),
    "print to stderr, sys.stdout.write, click.echo": (
        "import sys\nimport boto3\nimport click\nc = boto3.Session().get_credentials()\n"
        "print(c.secret_key, file=sys.stderr)\nsys.stdout.write(c.token)\nclick.echo(c.secret_key)\n",
        [(5, E), (6, E), (7, E)],
    ),
    "logger made inline, and one named by habit": (
        "import logging\nimport boto3\nc = boto3.Session().get_credentials()\n"
        "logging.getLogger(__name__).info(c.secret_key)\nLOG.critical(c.token)\n",
        [(4, E), (5, E)],
    ),
    "environment secret and token, by constant and by alias": (
        "import os\nfrom os import environ as env\nSECRET = 'AWS_SECRET_ACCESS_KEY'\n"
        "print(os.environ[SECRET])\nprint(env.get('AWS_SESSION_TOKEN'))\nprint(os.getenv('AWS_SECURITY_TOKEN'))\n",
        [(4, E), (5, E), (6, E)],
    ),
    "os.environ held in a name": (
        "import os\nenvironment = os.environ\nprint(environment['AWS_SECRET_ACCESS_KEY'])\n",
        [(3, E)],
    ),
    "assume_role response whole, its credentials, its secret": (
        SESSION + "sts = boto3.client('sts', region_name='eu-west-1')\n"
        "response = sts.assume_role(RoleArn='arn', RoleSessionName='s')\nlogger.debug(response)\n"
        "credentials = response['Credentials']\nprint(credentials)\nprint(credentials['SecretAccessKey'])\n",
        [(6, E), (8, E), (9, E)],
    ),
    "get_session_token through json.dumps and .get": (
        "import json\nimport boto3\nsts = boto3.client('sts', region_name='eu-west-1')\n"
        "r = sts.get_session_token()\nprint(json.dumps(r, default=str))\n"
        "print(r.get('Credentials').get('SessionToken'))\n",
        [(5, E), (6, E)],
    ),
    "an unknown helper's assume_role, read by its STS keys": (
        "def run(helper):\n    resp = helper.assume_role('r')\n    print(resp['Credentials']['SecretAccessKey'])\n",
        [(3, E)],
    ),
    "client made inline, and a client attribute named sts": (
        "import boto3\nprint(boto3.client('sts', region_name='eu-west-1').assume_role(RoleArn='a', RoleSessionName='b'))\n"
        "class A:\n    def run(self):\n        print(self.sts_client.assume_role_with_web_identity(RoleArn='a'))\n",
        [(2, E), (5, E)],
    ),
    "SSO and Cognito credentials": (
        "import boto3\nsso = boto3.client('sso', region_name='eu-west-1')\n"
        "rc = sso.get_role_credentials(roleName='r', accountId='1', accessToken='t')['roleCredentials']\n"
        "print(rc['secretAccessKey'])\nidentity = boto3.client('cognito-identity', region_name='eu-west-1')\n"
        "print(identity.get_credentials_for_identity(IdentityId='x')['Credentials']['SecretKey'])\n",
        [(4, E), (6, E)],
    ),
    "access key ID alone is info": (
        "import os\nimport boto3\nc = boto3.Session().get_credentials()\nprint(c.access_key)\n"
        "print(os.environ['AWS_ACCESS_KEY_ID'])\n",
        [(4, INFO), (5, INFO)],
    ),
    "key ID and secret in one call is one error": (
        "import boto3\nc = boto3.Session().get_credentials()\nprint(c.access_key, c.secret_key)\n",
        [(3, E)],
    ),
    "test files are not spared": (
        "import boto3\ndef test_creds():\n    print(boto3.Session().get_credentials().secret_key)\n",
        [(3, E)],
    ),
}


@pytest.mark.parametrize("name", FLAGGED)
def test_flagged(name: str) -> None:
    code, expected = FLAGGED[name]
    path = "tests/test_creds.py" if name.startswith("test files") else "snippet.py"
    assert logged(code, path) == expected


# --- not flagged --------------------------------------------------------------------------------------

NOT_FLAGGED = {
    "a masked prefix": "import boto3\nc = boto3.Session().get_credentials()\nprint(c.access_key[:4], c.secret_key[:4])\n",
    "precision in an f-string, %-format and logging arguments": (
        "import logging\nimport boto3\nc = boto3.Session().get_credentials()\nprint(f'{c.secret_key:.4}')\n"
        "print('%.4s' % c.secret_key)\nlogging.info('%.4s %s', c.secret_key, c.method)\n"
    ),
    "a masked value built in a name": (
        "import boto3\nc = boto3.Session().get_credentials()\nsecret = c.secret_key\nmasked = secret[:4] + '***'\n"
        "print(masked)\n"
    ),
    "the provider name, and whether credentials exist": (
        "import logging\nimport boto3\ncreds = boto3.Session().get_credentials()\n"
        "logging.info('from %s', creds.method)\nlogging.info('missing: %s', creds is None)\n"
        "print(bool(creds.token), len(creds.secret_key))\nprint(f'{creds.token is not None}')\n"
    ),
    "the Credentials object, whose repr shows no secret": (
        "import boto3\ncreds = boto3.Session().get_credentials()\nprint(creds)\nprint(creds.account_id)\n"
    ),
    "other variables and presence checks": (
        "import os\nprint(os.environ['AWS_REGION'])\nprint('AWS_SECRET_ACCESS_KEY' in os.environ)\n"
        "print(bool(os.getenv('AWS_SESSION_TOKEN')))\n"
    ),
    "one variable, the names, or the size of the environment": (
        "import os\ndef handler(event, context):\n    print(os.environ.get('HOME'), os.environ['PATH'])\n"
        "    print(len(os.environ), sorted(os.environ), list(os.environ.keys()))\n"
        "    for name in os.environ:\n        print(name)\n"
        "    for name, value in os.environ.items():\n        print(name)\n"
        "    print([name for name, value in os.environ.items() if name.startswith('APP_')])\n"
    ),
    "an unrelated string": "import logging\nlogger = logging.getLogger()\nlogger.debug('%s', 'secret')\n",
    "a name given the secret, then something else": (
        "import os\ntoken = os.environ.get('AWS_SESSION_TOKEN')\ntoken = 'set' if token else 'unset'\nprint(token)\n"
    ),
    "a parameter named like credentials": "def show(credentials):\n    print(credentials.secret_key)\n",
    "get_credentials on something that is not a session": (
        "def show(hook):\n    print(hook.get_credentials().secret_key)\n"
    ),
    "a helper's assume_role response printed whole": (
        "def run(helper):\n    resp = helper.assume_role('r')\n    print(resp)\n"
    ),
    "other parts of an STS response": (
        "import boto3\nsts = boto3.client('sts', region_name='eu-west-1')\nr = sts.assume_role(RoleArn='a', RoleSessionName='b')\n"
        "print(r['AssumedRoleUser']['Arn'], r['Credentials']['Expiration'], r['ResponseMetadata'])\n"
    ),
    "a local print, and print to a file": (
        "import boto3\nc = boto3.Session().get_credentials()\ndef show():\n    def print(*args):\n        pass\n"
        "    print(c.secret_key)\nwith open('out', 'w') as handle:\n    print(c.secret_key, file=handle)\n"
    ),
    "a credential_process document": (
        "import json\nimport boto3\nf = boto3.Session().get_credentials().get_frozen_credentials()\n"
        "document = {'Version': 1, 'AccessKeyId': f.access_key, 'SecretAccessKey': f.secret_key, 'SessionToken': f.token}\n"
        "print(json.dumps(document))\n"
    ),
    "shell export lines": (
        "import boto3\nf = boto3.Session().get_credentials().get_frozen_credentials()\n"
        "print(f'export AWS_SECRET_ACCESS_KEY={f.secret_key}')\nprint('$env:AWS_SESSION_TOKEN = \"%s\"' % f.token)\n"
        "print(f'set -gx AWS_SESSION_TOKEN {f.token}')\n"
    ),
    "a method call on self that is named log": (
        "import boto3\nclass A:\n    def run(self):\n        self.log(boto3.Session().get_credentials().secret_key)\n"
    ),
}


@pytest.mark.parametrize("name", NOT_FLAGGED)
def test_not_flagged(name: str) -> None:
    assert logged(NOT_FLAGGED[name]) == []


def test_shell_lines_are_spared_on_the_console_only() -> None:
    code = (
        "import logging\nimport boto3\nf = boto3.Session().get_credentials().get_frozen_credentials()\n"
        "logging.info(f'export AWS_SECRET_ACCESS_KEY={f.secret_key}')\n"
    )
    assert logged(code) == [(4, E)]


# --- messages and explanations ------------------------------------------------------------------------


def test_chain_credentials_explanation() -> None:
    finding = only(
        SESSION + "session = boto3.Session()\ncreds = session.get_credentials()\nlogger.debug(creds.secret_key)\n"
    )
    assert (finding.span.line, finding.span.column) == (6, 14)
    assert finding.message.startswith(
        "logger.debug() writes the secret access key of the credentials session.get_credentials() resolved"
    )
    explanation = finding.explanation
    assert explanation.chain == "credential"
    assert "whichever link of the credential chain answered first" in explanation.summary
    assert (explanation.steps[0].method, explanation.steps[0].line) == ("session.get_credentials()", 6)
    assert [step.method for step in explanation.steps[1:]][:2] == ["env", "assume-role"]
    assert len(explanation.steps) == 13 and {s.status for s in explanation.steps[1:]} == {"may have answered"}
    assert (
        "third-party log services" in explanation.runtime and "credentials.method names the link" in explanation.runtime
    )
    assert "log credentials.method" in explanation.fix
    assert "deactivate and delete the logged one" in explanation.fix and "Revoke active sessions" in explanation.fix


def test_environment_explanation_names_link_1() -> None:
    finding = only("import os\nprint(os.environ['AWS_SECRET_ACCESS_KEY'])\n")
    assert finding.message.startswith(
        "print() writes AWS_SECRET_ACCESS_KEY (the secret access key) from the environment"
    )
    explanation = finding.explanation
    assert "botocore's env provider (link 1)" in explanation.summary
    first = explanation.steps[0]
    assert (first.position, first.method, first.status, first.line) == ("1", "env", "this code", 2)
    assert "On Lambda it holds the execution role's temporary credentials" in explanation.runtime
    assert "create a new access key for the IAM user" in explanation.fix


def test_environment_token_is_temporary() -> None:
    explanation = only("import os\nprint(os.getenv('AWS_SESSION_TOKEN'))\n").explanation
    assert "the session token of temporary credentials" in explanation.runtime
    assert "a session token belongs to temporary credentials: revoke the role's active sessions" in explanation.fix
    assert "IAM user" not in explanation.fix


def test_issued_credentials_explanation() -> None:
    code = (
        "import boto3\nsts = boto3.client('sts', region_name='eu-west-1')\n"
        "r = sts.assume_role(RoleArn='a', RoleSessionName='b')\nprint(r['Credentials']['SessionToken'])\n"
    )
    finding = only(code)
    assert "temporary credentials sts.assume_role(...) returned" in finding.message
    explanation = finding.explanation
    assert "(AssumeRole): credentials issued to this code" in explanation.summary
    assert [(step.status, step.line) for step in explanation.steps] == [("this code", 4)]
    assert "valid until the Expiration in the response" in explanation.runtime
    assert "revoke the role's active sessions" in explanation.fix


def test_the_whole_environment_explains_link_1_and_lambda() -> None:
    finding = only("import os\ndef handler(event, context):\n    print(os.environ)\n")
    assert finding.message.startswith("print() writes the whole environment (os.environ), with AWS_SECRET_ACCESS_KEY")
    explanation = finding.explanation
    assert [(step.method, step.status, step.line) for step in explanation.steps] == [("env", "this code", 3)]
    assert "On Lambda the runtime always sets these to the execution role's temporary credentials" in (
        explanation.runtime
    )
    assert "never the whole environment" in explanation.fix


def test_a_new_iam_access_key_is_a_long_term_key() -> None:
    code = (
        "import boto3\niam = boto3.client('iam')\nresponse = iam.create_access_key(UserName='ci')\n"
        "print(f\"Secret Key: {response['AccessKey']['SecretAccessKey']}\")\n"
    )
    finding = only(code)
    assert finding.severity == E
    assert "the secret access key of the access key iam.create_access_key(UserName='ci') created" in finding.message
    explanation = finding.explanation
    assert "(CreateAccessKey): an IAM user's long-term key" in explanation.summary
    assert "with no expiry" in explanation.runtime
    assert "deactivate and delete the access key in IAM" in explanation.fix


def test_get_session_token_explanation_gives_its_durations_and_the_user_policy() -> None:
    code = "import boto3\nsts = boto3.client('sts', region_name='eu-west-1')\nprint(sts.get_session_token())\n"
    explanation = only(code).explanation
    assert "GetSessionToken: 900 to 129,600 seconds, 12 hours by default" in explanation.runtime
    assert "aws:TokenIssueTime" in explanation.fix and "root user" in explanation.fix


def test_key_id_alone_is_info_with_its_own_words() -> None:
    finding = only("import boto3\nc = boto3.Session().get_credentials()\nprint(c.access_key)\n")
    assert finding.severity is Severity.INFO
    assert finding.message.endswith("mask it to its first four characters")
    assert finding.explanation.runtime.startswith("The access key ID alone signs nothing")
    assert "leaked" not in finding.explanation.fix


def test_mixed_origins_describe_the_secret() -> None:
    code = "import os\nimport boto3\nc = boto3.Session().get_credentials()\nprint(c.access_key, os.environ['AWS_SECRET_ACCESS_KEY'])\n"
    finding = only(code)
    assert finding.severity is Severity.ERROR and finding.span.column == 21
    assert "AWS_SECRET_ACCESS_KEY" in finding.message and "access key ID" not in finding.message


# --- prefilter ----------------------------------------------------------------------------------------


def test_candidate_pass_needs_a_sink_and_a_source() -> None:
    assert not may_log_credentials(FileProbe(b"import boto3\nc = boto3.Session().get_credentials()\n"))
    assert not may_log_credentials(FileProbe(b"import os\nprint(os.environ['AWS_REGION'])\n"))
    assert may_log_credentials(FileProbe(b"import os\nV = 'AWS_SESSION_' + 'TOKEN'\nprint(os.environ[V])\n"))
    assert lines_of_sinks(FileProbe(b"import logging as l\nfrom logging import info as say\n\nsay(\n  1)\n")) == {4, 5}


def test_only_sinks_that_see_a_source_are_seeds() -> None:
    code = textwrap.dedent(
        """\
        import logging
        import boto3
        log = logging.getLogger()
        CREDENTIALS = boto3.Session().get_credentials()
        def started():
            log.info("started")
        def show():
            log.info("%s", CREDENTIALS.secret_key)
        def own():
            credentials = boto3.Session().get_credentials()
            print(credentials.token)
        """
    )
    assert lines_logging_sources(FileProbe(code.encode())) == {8, 11}


@pytest.mark.parametrize("name", FLAGGED)
def test_prefilter_and_slicing_hide_nothing(name: str) -> None:
    code, _ = FLAGGED[name]
    source = textwrap.dedent(code).encode()
    unfiltered = dataclasses.replace(RULE, triggers=(), candidate=None, seeds=None)
    assert (
        lint_source("snippet.py", source, [RULE]).findings == lint_source("snippet.py", source, [unfiltered]).findings
    )


# --- end to end ---------------------------------------------------------------------------------------


def test_cli_reports_the_leak_with_its_explanation(tmp_path: Path) -> None:
    (tmp_path / "ops.py").write_text(
        "import logging\nimport os\n\nlog = logging.getLogger(__name__)\n"
        "log.info('token %s', os.environ['AWS_SESSION_TOKEN'])\nlog.info('region %s', os.environ['AWS_REGION'])\n"
    )
    result = run_cli(["check", "--format", "json", "--select", "CL508", "."], cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    (finding,) = json.loads(result.stdout)["findings"]
    assert (finding["path"], finding["line"], finding["code"], finding["severity"]) == ("ops.py", 5, "CL508", "error")
    assert "AWS_SESSION_TOKEN" in finding["message"] and "link 1" in finding["explanation"]["summary"]


def test_example_project_file_shows_one_finding() -> None:
    result = run_cli(["check", "--no-explain", "examples/billing_service/diagnostics.py"], cwd=REPO)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[0].startswith("examples/billing_service/diagnostics.py:16:48: CL508 ")
    assert "Found 1 finding (1 error)" in result.stdout
