"""CL501 partial-credentials, CL502 profile-confusion and CL505 mfa-session-token: what they flag, the
shapes they leave alone, and what their explanations say."""

from __future__ import annotations

import dataclasses
import json
import textwrap
from pathlib import Path

import pytest

from credlint.engine import lint_source
from credlint.finding import Finding, Severity
from credlint.registry import RULES
from credlint.settings import TEST_POLICY_IGNORE, RuleSettings
from tests.conftest import lint, run_cli


def chain_codes(code: str, path: str = "snippet.py") -> list[tuple[int, str]]:
    return [(finding.span.line, finding.code) for finding in lint(code, path, "CL5")]


def only(code: str, rule: str) -> Finding:
    found = [finding for finding in lint(code, select=rule)]
    assert len(found) == 1, found
    return found[0]


# --- CL501 partial-credentials ----------------------------------------------------------------------


PARTIAL = {
    "key id without secret": 'boto3.client("s3", region_name="eu-west-1", aws_access_key_id=key_id)',
    "secret without key id, aliased module": 'b3.resource("s3", region_name="eu-west-1", aws_secret_access_key=secret)',
    "token alone, imported factory": 'client("sqs", region_name="eu-west-1", aws_session_token=token)',
    "key id and token without secret": (
        'boto3.client("s3", region_name="eu-west-1", aws_access_key_id=key_id, aws_session_token=token)'
    ),
    "secret given as None": (
        'boto3.client("s3", region_name="eu-west-1", aws_access_key_id=key_id, aws_secret_access_key=None)'
    ),
    "secret bound to None": 'boto3.client("s3", region_name="eu-west-1", aws_access_key_id=key_id, aws_secret_access_key=NO_SECRET)',
    "spread dict written here": 'boto3.client("s3", region_name="eu-west-1", **{"aws_access_key_id": key_id})',
    "session key id alone": 'boto3.Session(aws_access_key_id=key_id, region_name="eu-west-1")',
    "session class imported": 'Session(aws_secret_access_key=secret, region_name="eu-west-1")',
    "default session token alone": "boto3.setup_default_session(aws_session_token=token)",
    "aioboto3 session": 'aioboto3.Session(aws_access_key_id=key_id, region_name="eu-west-1")',
    "botocore create_client": (
        'botocore.session.get_session().create_client("s3", region_name="eu-west-1", aws_access_key_id=key_id)'
    ),
}
PARTIAL_HEADER = """\
import aioboto3
import boto3
import boto3 as b3
import botocore.session
from boto3 import client
from boto3.session import Session

NO_SECRET = None


def make(key_id, secret, token):
    return {call}
"""


@pytest.mark.parametrize("call", PARTIAL.values(), ids=PARTIAL.keys())
def test_partial_credentials_are_flagged(call: str) -> None:
    assert chain_codes(PARTIAL_HEADER.format(call=call)) == [(12, "CL501")]


NOT_PARTIAL = {
    "key pair": 'boto3.client("s3", region_name="eu-west-1", aws_access_key_id=key_id, aws_secret_access_key=secret)',
    "pair and token": "Session(aws_access_key_id=key_id, aws_secret_access_key=secret, aws_session_token=token)",
    "all None": 'boto3.client("s3", region_name="eu-west-1", aws_access_key_id=None, aws_session_token=None)',
    "session given empty strings": 'boto3.Session(aws_access_key_id="", aws_session_token=None, region_name="eu-west-1")',
    "unknown **kwargs": 'boto3.client("s3", region_name="eu-west-1", aws_access_key_id=key_id, **options)',
    "unknown *args": 'boto3.client("s3", *args, aws_access_key_id=key_id)',
    "dict filled after it is written": 'boto3.client("s3", region_name="eu-west-1", **params)',
    "unsigned client": (
        'boto3.client("s3", region_name="eu-west-1", aws_access_key_id=key_id, '
        "config=Config(signature_version=UNSIGNED))"
    ),
    "botocore session": "botocore.session.Session()",
    "not the SDK": 'requests.Session().get("https://example.com", aws_access_key_id=key_id)',
}
NOT_PARTIAL_HEADER = """\
import boto3
import botocore.session
import requests
from boto3.session import Session
from botocore import UNSIGNED
from botocore.config import Config


def make(key_id, secret, token, *args, **options):
    params = {{"aws_access_key_id": key_id}}
    params["aws_secret_access_key"] = secret
    return {call}
"""


@pytest.mark.parametrize("call", NOT_PARTIAL.values(), ids=NOT_PARTIAL.keys())
def test_complete_or_unknown_credentials_are_not_flagged(call: str) -> None:
    assert chain_codes(NOT_PARTIAL_HEADER.format(call=call)) == []


def test_a_call_expected_to_raise_is_not_flagged() -> None:
    code = """
    import boto3
    import pytest
    from botocore.exceptions import PartialCredentialsError


    def test_half_a_key(key_id):
        with pytest.raises(PartialCredentialsError):
            boto3.client("s3", region_name="eu-west-1", aws_access_key_id=key_id)
    """
    assert chain_codes(code) == []


def test_a_call_whose_partial_credentials_error_is_caught_is_not_flagged() -> None:
    code = """
    import boto3
    import botocore.exceptions
    from botocore.exceptions import PartialCredentialsError as Partial


    def probe(key_id):
        try:
            return boto3.client("s3", region_name="eu-west-1", aws_access_key_id=key_id)
        except (ValueError, Partial):
            return None


    def probe_again(key_id):
        try:
            return boto3.client("s3", region_name="eu-west-1", aws_access_key_id=key_id)
        except botocore.exceptions.PartialCredentialsError:
            return None


    def anything(key_id):
        try:
            return boto3.client("s3", region_name="eu-west-1", aws_access_key_id=key_id)
        except Exception:
            return None
    """
    assert chain_codes(code) == [(23, "CL501")]


def test_client_half_pair_explains_partial_credentials_error() -> None:
    finding = only(PARTIAL_HEADER.format(call=PARTIAL["key id without secret"]), "CL501")
    assert finding.message.startswith("boto3.client('s3') is given aws_access_key_id without aws_secret_access_key")
    assert "PartialCredentialsError" in finding.message
    explanation = finding.explanation
    assert explanation.chain == "credential"
    assert "the explicit link half filled" in explanation.summary
    first = explanation.steps[0]
    assert (first.method, first.status, first.line) == ("explicit", "this code", 12)
    assert first.reads == "aws_access_key_id only, no aws_secret_access_key"
    assert {step.status for step in explanation.steps[1:]} == {"never consulted"}
    assert "PartialCredentialsError(provider='explicit', cred_var='aws_secret_access_key')" in explanation.runtime
    assert "not tried instead" in explanation.runtime
    assert explanation.fix.startswith("Pass aws_access_key_id and aws_secret_access_key together")


def test_secret_without_key_id_names_the_missing_key_id() -> None:
    finding = only(PARTIAL_HEADER.format(call=PARTIAL["secret without key id, aliased module"]), "CL501")
    assert "aws_secret_access_key without aws_access_key_id" in finding.message
    assert "cred_var='aws_access_key_id'" in finding.explanation.runtime


def test_session_half_pair_explains_secret_none() -> None:
    finding = only(PARTIAL_HEADER.format(call=PARTIAL["session key id alone"]), "CL501")
    assert "signs its requests with the secret 'None'" in finding.message
    explanation = finding.explanation
    assert explanation.steps[0].method == "session"
    assert "without checking that the pair is complete" in explanation.runtime
    assert "signed with the secret 'None' and fail server-side" in explanation.runtime


def test_session_token_alone_is_kept_not_dropped() -> None:
    finding = only(PARTIAL_HEADER.format(call=PARTIAL["default session token alone"]), "CL501")
    assert "the session keeps it as credentials that cannot sign" in finding.message
    assert "Unlike a client, which drops a token given alone" in finding.explanation.runtime
    assert finding.explanation.fix.startswith("Pass the token with the key id and secret it belongs to")


def test_client_token_alone_explains_the_chain_answers() -> None:
    finding = only(PARTIAL_HEADER.format(call=PARTIAL["token alone, imported factory"]), "CL501")
    assert "botocore drops it" in finding.message
    explanation = finding.explanation
    assert explanation.steps[0].status == "ignored"
    assert [step.method for step in explanation.steps[1:3]] == ["env", "assume-role"]
    assert {step.status for step in explanation.steps[1:]} == {"consulted as usual"}
    assert "drops aws_session_token" in explanation.runtime
    assert "from the env provider (link 1) on" in explanation.runtime


def test_client_token_alone_on_a_keyed_session_points_at_the_session() -> None:
    code = """
    import boto3


    def make(key_id, secret, token):
        session = boto3.Session(aws_access_key_id=key_id, aws_secret_access_key=secret)
        return session.client("s3", region_name="eu-west-1", aws_session_token=token)
    """
    finding = only(code, "CL501")
    assert finding.span.line == 7
    assert "the keys given to the session at line 6" in finding.explanation.runtime
    session_step = finding.explanation.steps[1]
    assert (session_step.method, session_step.line) == ("session", 6)


def test_partial_credentials_in_a_test_file_follow_test_policy() -> None:
    source = PARTIAL_HEADER.format(call=PARTIAL["key id without secret"]).encode()
    rules = [RULES["CL501"]]
    found = lint_source("tests/test_s3.py", source, rules, settings=RuleSettings(test_file=True)).findings
    assert [finding.severity for finding in found] == [Severity.INFO]
    ignored = RuleSettings(test_file=True, test_policy=TEST_POLICY_IGNORE)
    assert lint_source("tests/test_s3.py", source, rules, settings=ignored).findings == ()


# --- CL502 profile-confusion ------------------------------------------------------------------------


def test_profile_name_next_to_env_keys_is_flagged_in_every_spelling() -> None:
    code = """
    import os
    from os import environ

    import boto3 as b3
    import botocore.session

    KEY = "AWS_ACCESS_KEY_ID"


    def login(settings):
        environ[KEY] = settings.key_id


    reports = b3.Session(profile_name="reporting", region_name="eu-west-1")
    b3.setup_default_session(profile_name="billing")
    ops = botocore.session.Session(profile="ops")
    """
    assert [c for c in chain_codes(code) if c[1] == "CL502"] == [(15, "CL502"), (16, "CL502"), (17, "CL502")]


@pytest.mark.parametrize(
    "write",
    [
        'os.environ.setdefault("AWS_ACCESS_KEY_ID", key_id)',
        'os.environ.update({"AWS_ACCESS_KEY_ID": key_id, "AWS_SECRET_ACCESS_KEY": secret})',
        "os.environ.update(AWS_ACCESS_KEY_ID=key_id)",
        'os.environ["AWS_ACCESS_KEY_ID"] = os.environ["AWS_SECRET_ACCESS_KEY"] = key_id',
    ],
)
def test_every_environment_write_counts(write: str) -> None:
    code = f"""
import os

import boto3


def session(key_id, secret):
    {write}
    return boto3.Session(profile_name="dev", region_name="eu-west-1")
"""
    assert ("CL502", 9) in [(f.code, f.span.line) for f in lint(code, select="CL502")]


def test_profile_session_explanation_says_env_is_removed_and_aws_profile_would_not() -> None:
    code = """
    import os

    import boto3

    os.environ["AWS_ACCESS_KEY_ID"] = "placeholder"
    session = boto3.Session(profile_name="reporting", region_name="eu-west-1")
    """
    finding = only(code, "CL502")
    assert finding.span.line == 7
    assert "profile_name=, which removes the env provider" in finding.message
    assert "written at line 6 is ignored by this session" in finding.message
    steps = finding.explanation.steps
    assert (steps[0].method, steps[0].status, steps[0].line) == ("profile_name", "this code", 7)
    assert (steps[1].method, steps[1].status, steps[1].line) == ("env", "removed", 6)
    runtime = finding.explanation.runtime
    assert "leaves the env provider (link 1) out of the chain" in runtime
    assert "AWS_PROFILE set in the environment would not do this" in runtime
    assert "link 1 before the profile's link 5" in runtime
    assert finding.explanation.fix.startswith("Choose one source")


PROFILE_QUIET = {
    "if and else": """
    if options.profile:
        session = boto3.Session(profile_name=options.profile)
    else:
        os.environ["AWS_ACCESS_KEY_ID"] = options.key_id
    """,
    "elif": """
    if options.profile:
        session = boto3.Session(profile_name=options.profile)
    elif options.key_id:
        os.environ["AWS_ACCESS_KEY_ID"] = options.key_id
    """,
    "profile_name None": """
    os.environ["AWS_ACCESS_KEY_ID"] = options.key_id
    session = boto3.Session(profile_name=None)
    """,
    "session given keys": """
    os.environ["AWS_ACCESS_KEY_ID"] = options.key_id
    session = boto3.Session(profile_name="ops", aws_access_key_id=options.key_id, aws_secret_access_key=options.secret)
    """,
    "only the secret written": """
    os.environ["AWS_SECRET_ACCESS_KEY"] = options.secret
    session = boto3.Session(profile_name="ops")
    """,
    "key id cleared, which the env provider skips": """
    os.environ["AWS_ACCESS_KEY_ID"] = ""
    os.environ.update(AWS_ACCESS_KEY_ID="", AWS_SECRET_ACCESS_KEY="")
    session = boto3.Session(profile_name="ops")
    """,
    "putenv, which botocore never sees": """
    os.putenv("AWS_ACCESS_KEY_ID", options.key_id)
    session = boto3.Session(profile_name="ops")
    """,
    "no profile": """
    os.environ["AWS_ACCESS_KEY_ID"] = options.key_id
    session = boto3.Session(region_name="eu-west-1")
    """,
}


@pytest.mark.parametrize("body", PROFILE_QUIET.values(), ids=PROFILE_QUIET.keys())
def test_profile_sessions_that_lose_nothing_are_not_flagged(body: str) -> None:
    code = "import os\n\nimport boto3\n\n\ndef setup(options):\n" + textwrap.indent(textwrap.dedent(body), "    ")
    assert [c for c in chain_codes(code) if c[1] == "CL502"] == []


def test_aws_profile_beside_aws_default_profile_is_flagged_at_aws_profile() -> None:
    code = """
    import os

    os.environ.setdefault("AWS_DEFAULT_PROFILE", "billing")


    def use(name):
        os.environ["AWS_PROFILE"] = name
    """
    finding = only(code, "CL502")
    assert finding.span.line == 8
    assert "AWS_DEFAULT_PROFILE is written too (line 4)" in finding.message
    explanation = finding.explanation
    assert explanation.chain == "profile"
    assert [(s.method, s.status, s.line) for s in explanation.steps] == [
        ("profile_name", "wins when given", None),
        ("AWS_DEFAULT_PROFILE", "this code", 4),
        ("AWS_PROFILE", "shadowed", 8),
        ("default", "never consulted", None),
    ]
    assert "then AWS_DEFAULT_PROFILE, then AWS_PROFILE" in explanation.runtime
    assert "not covered by credlint's chain reference" in explanation.runtime
    assert "os.environ.pop('AWS_DEFAULT_PROFILE', None)" in explanation.fix


PROFILE_PAIRS_QUIET = {
    "same literal": 'os.environ["AWS_PROFILE"] = "ops"\nos.environ["AWS_DEFAULT_PROFILE"] = "ops"',
    "same name": "os.environ.update(AWS_PROFILE=name, AWS_DEFAULT_PROFILE=name)",
    "chained": 'os.environ["AWS_DEFAULT_PROFILE"] = os.environ["AWS_PROFILE"] = name',
    "copied": 'os.environ["AWS_PROFILE"] = name\nos.environ["AWS_DEFAULT_PROFILE"] = os.environ["AWS_PROFILE"]',
    "exclusive": 'if name:\n    os.environ["AWS_PROFILE"] = name\nelse:\n    os.environ["AWS_DEFAULT_PROFILE"] = "ops"',
    "only AWS_PROFILE": 'os.environ["AWS_PROFILE"] = name',
    "same expression": 'os.environ["AWS_PROFILE"] = name or "default"\nos.environ["AWS_DEFAULT_PROFILE"] = name or "default"',
    "each given back its own value": 'before = os.environ.get("AWS_PROFILE")\nbefore_default = os.environ.get("AWS_DEFAULT_PROFILE")\n'
    'load(name)\nos.environ["AWS_PROFILE"] = before\nos.environ["AWS_DEFAULT_PROFILE"] = before_default',
}


@pytest.mark.parametrize("body", PROFILE_PAIRS_QUIET.values(), ids=PROFILE_PAIRS_QUIET.keys())
def test_profile_variables_kept_in_step_are_not_flagged(body: str) -> None:
    code = "import os\n\n\ndef use(name):\n" + textwrap.indent(body, "    ") + "\n"
    assert chain_codes(code) == []


def test_each_test_function_is_paired_with_its_own_writes() -> None:
    code = """
    import os

    import boto3


    def test_env_keys_win():
        os.environ["AWS_ACCESS_KEY_ID"] = "env"
        assert boto3.Session().get_credentials().access_key == "env"


    def test_profile_alone():
        assert boto3.Session(profile_name="ops").profile_name == "ops"


    def test_profile_beside_keys():
        os.environ["AWS_ACCESS_KEY_ID"] = "env"
        os.environ["AWS_ACCESS_KEY_ID"] = "again"
        return boto3.Session(profile_name="ops")
    """
    found = [(f.span.line, f.message) for f in lint(code, select="CL502")]
    assert [line for line, _ in found] == [19]
    assert "written at line 17" in found[0][1]


def test_a_write_in_a_helper_still_counts_outside_tests() -> None:
    code = """
    import os

    import boto3


    def configure(key_id):
        os.environ["AWS_ACCESS_KEY_ID"] = key_id


    def reports():
        return boto3.Session(profile_name="reporting")
    """
    assert [(f.span.line, f.code) for f in lint(code, select="CL502")] == [(12, "CL502")]


def test_fake_keys_beside_a_profile_are_info() -> None:
    code = """
    import os

    import boto3

    os.environ["AWS_ACCESS_KEY_ID"] = "testing"
    session = boto3.Session(profile_name="prod")
    """
    assert only(code, "CL502").severity == Severity.INFO


def test_the_write_cited_is_the_one_in_the_sessions_own_function() -> None:
    code = """
    import os

    import boto3

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "inherited")


    def reports(key_id):
        os.environ["AWS_ACCESS_KEY_ID"] = key_id
        return boto3.Session(profile_name="reporting")
    """
    assert "the AWS_ACCESS_KEY_ID written at line 10 is ignored" in only(code, "CL502").message


# --- CL505 mfa-session-token ------------------------------------------------------------------------


MFA_HEADER = """\
import aiobotocore.session
import boto3
import boto3 as b3
from boto3 import client

CODE = "492817"
DEVICE = "arn:aws:iam::123456789012:mfa/ops"
PREFIX = "49"

"""


MFA_FLAGGED = {
    "string literal": 'boto3.client("sts").get_session_token(SerialNumber=DEVICE, TokenCode="318204")',
    "constant": 'b3.Session().client("sts").assume_role(RoleArn="r", RoleSessionName="s", TokenCode=CODE)',
    "integer": 'client("sts").get_session_token(SerialNumber=DEVICE, TokenCode=318204)',
    "f-string of constants": 'client("sts").get_session_token(SerialNumber=DEVICE, TokenCode=f"{PREFIX}2817")',
    "spread dict": 'client("sts").get_session_token(**{"SerialNumber": DEVICE, "TokenCode": "318204"})',
    "too long a session": 'client("sts").get_session_token(DurationSeconds=36 * 3600 + 1)',
    "too short a session": 'client("sts").get_session_token(DurationSeconds=600)',
    "role session over 12 hours": 'client("sts").assume_role(RoleArn="r", RoleSessionName="s", DurationSeconds=43201)',
    "role session under 15 minutes": 'client("sts").assume_role(RoleArn="r", RoleSessionName="s", DurationSeconds=899)',
    "web identity session over 12 hours": (
        'client("sts").assume_role_with_web_identity(RoleArn="r", RoleSessionName="s", WebIdentityToken=t, '
        "DurationSeconds=86400)"
    ),
    "federation session over 36 hours": 'client("sts").get_federation_token(Name="ci", DurationSeconds=200000)',
}


@pytest.mark.parametrize("call", MFA_FLAGGED.values(), ids=MFA_FLAGGED.keys())
def test_literal_codes_and_impossible_durations_are_flagged(call: str) -> None:
    assert chain_codes(MFA_HEADER + call + "\n") == [(10, "CL505")]


def test_the_sts_client_is_found_through_names_attributes_and_with() -> None:
    code = (
        MFA_HEADER
        + """\
sts = boto3.Session(region_name="eu-west-1").client("sts")
sts.get_session_token(TokenCode="111111")


class Operator:
    def __init__(self):
        self.sts = client("sts")

    def elevate(self):
        return self.sts.assume_role(RoleArn="r", RoleSessionName="s", TokenCode="222222")


async def refresh():
    async with aiobotocore.session.get_session().create_client("sts") as remote:
        await remote.get_session_token(TokenCode="333333")


def handed_in(sts_client):
    return sts_client.get_session_token(TokenCode="444444")
"""
    )
    assert chain_codes(code) == [(11, "CL505"), (19, "CL505"), (24, "CL505"), (28, "CL505")]


def test_codes_read_at_runtime_and_other_clients_are_not_flagged() -> None:
    code = (
        MFA_HEADER
        + """\
s3 = boto3.client("s3")
sts = boto3.client("sts")


def refresh(code, hours, costs):
    sts.get_session_token(TokenCode=code, DurationSeconds=hours * 3600)
    sts.get_session_token(TokenCode=input("MFA code: "), DurationSeconds=129600)
    sts.get_session_token(SerialNumber=DEVICE, TokenCode="PERIODIC_TOKEN")
    sts.get_federation_token(Name="ci", TokenCode="123456", DurationSeconds=129600)
    sts.assume_role_with_saml(RoleArn="r", PrincipalArn="p", SAMLAssertion="a", DurationSeconds=43200)
    sts.get_session_token(SerialNumber=DEVICE, TokenCode="<mfa-code>")
    sts.get_session_token(DurationSeconds=900)
    sts.assume_role(RoleArn="r", RoleSessionName="s", DurationSeconds=43200)
    s3.get_session_token(TokenCode="123456")
    costs.get_session_token(TokenCode="123456")
    boto3.client("sts").get_caller_identity()
"""
    )
    assert [c for c in chain_codes(code) if c[1] == "CL505"] == []


def test_literal_code_explanation_says_it_is_stale_and_how_to_read_it() -> None:
    finding = only(MFA_HEADER + MFA_FLAGGED["string literal"] + "\n", "CL505")
    assert finding.message.startswith(
        "A literal MFA code is passed as TokenCode to boto3.client('sts').get_session_token"
    )
    assert "318204" not in finding.message
    explanation = finding.explanation
    assert "GetSessionToken" in explanation.summary
    assert "stale soon after it is written" in explanation.runtime
    assert "second factor no longer proves" in explanation.runtime
    assert "getpass" in explanation.fix


def test_role_code_fix_points_at_the_assume_role_provider() -> None:
    finding = only(MFA_HEADER + MFA_FLAGGED["constant"] + "\n", "CL505")
    assert "mfa_serial" in finding.explanation.fix
    assert "link 2" in finding.explanation.fix


def test_durations_explain_where_they_fail() -> None:
    short = only(MFA_HEADER + MFA_FLAGGED["too short a session"] + "\n", "CL505")
    assert short.message == (
        "DurationSeconds 600 is outside the 900-129600 seconds STS allows for GetSessionToken: "
        "botocore raises ParamValidationError before sending"
    )
    assert "never reaches STS" in short.explanation.runtime
    assert "root user" in short.explanation.runtime
    long = only(MFA_HEADER + MFA_FLAGGED["role session over 12 hours"] + "\n", "CL505")
    assert long.message.endswith("allows for AssumeRole: STS rejects the call")
    assert "checks only the minimum, so the request is sent" in long.explanation.runtime
    assert "role's own maximum session duration" in long.explanation.runtime
    assert "default of 3,600 seconds" in long.explanation.fix


# --- all three: prefilter, the example project, the installed CLI ----------------------------------


def test_triggers_never_hide_a_finding() -> None:
    unfiltered = [dataclasses.replace(RULES[code], triggers=()) for code in ("CL501", "CL502", "CL505")]
    sources = [PARTIAL_HEADER.format(call=call) for call in PARTIAL.values()]
    sources += [MFA_HEADER + call + "\n" for call in MFA_FLAGGED.values()]
    for source in sources:
        filtered = lint_source("snippet.py", source.encode(), [RULES[c] for c in ("CL501", "CL502", "CL505")])
        assert filtered.findings == lint_source("snippet.py", source.encode(), unfiltered).findings


def test_example_project_shows_each_rule_once() -> None:
    path = Path(__file__).resolve().parent.parent / "examples/billing_service/profiles.py"
    found = lint_source(str(path), path.read_bytes(), list(RULES.values())).findings
    assert [(f.span.line, f.code) for f in found] == [(15, "CL502"), (20, "CL501"), (26, "CL505")]


def test_cli_reports_all_three_with_explanations(tmp_path: Path) -> None:
    (tmp_path / "ops.py").write_text(
        textwrap.dedent(
            """\
            import os

            import boto3

            os.environ["AWS_ACCESS_KEY_ID"] = os.environ["OPS_KEY_ID"]
            session = boto3.Session(profile_name="ops", region_name="eu-west-1")


            def partner(key_id):
                return boto3.client("s3", region_name="eu-west-1", aws_access_key_id=key_id)


            sts = session.client("sts")
            sts.get_session_token(TokenCode="204816", DurationSeconds=200000)
            """
        )
    )
    result = run_cli(["check", "--format", "json", "--select", "CL5", "."], cwd=tmp_path)
    document = json.loads(result.stdout)
    assert result.returncode == 1, result.stderr
    found = [(f["line"], f["code"]) for f in document["findings"]]
    assert found == [(6, "CL502"), (10, "CL501"), (14, "CL505"), (14, "CL505")]
    assert all(f["explanation"]["runtime"] and f["explanation"]["fix"] for f in document["findings"])
    assert "204816" not in result.stdout
    text = run_cli(["check", "--select", "CL501", "ops.py"], cwd=tmp_path).stdout
    assert "ops.py:10:" in text and "CL501" in text and "At runtime: botocore builds explicit credentials" in text
