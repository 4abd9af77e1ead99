"""The SDK call model and literal folding, seen through the credential rules (part 3 shapes)."""

from __future__ import annotations

import pytest

from tests.conftest import credential_codes as codes
from tests.conftest import credential_lint as lint

KEY = "AKIA42YQICSX5QSIJMWQ"
SECRET = "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"


@pytest.mark.parametrize(
    "code",
    [
        # aliased module import
        f'import boto3 as b3\nb3.client("s3", aws_secret_access_key="{SECRET}")\n',
        # from-import of the factory
        f'from boto3 import client\nclient("s3", aws_secret_access_key="{SECRET}")\n',
        # aliased from-import
        f'from boto3 import resource as res\nres("s3", aws_secret_access_key="{SECRET}")\n',
        # boto3.session.Session
        f'import boto3\nboto3.session.Session(aws_secret_access_key="{SECRET}")\n',
        # session held in a variable, then .client
        f'import boto3\ns = boto3.Session()\ns.client("s3", aws_secret_access_key="{SECRET}")\n',
        # Session().client chained
        f'from boto3.session import Session\nSession().resource("s3", aws_secret_access_key="{SECRET}")\n',
        # botocore session
        "import botocore.session\n"
        f'botocore.session.get_session().create_client("s3", aws_secret_access_key="{SECRET}")\n',
        # aiobotocore
        "from aiobotocore.session import get_session\n"
        f'get_session().create_client("s3", aws_secret_access_key="{SECRET}")\n',
        # aioboto3
        f'import aioboto3\naioboto3.Session().client("s3", aws_secret_access_key="{SECRET}")\n',
        # default session
        f'import boto3\nboto3.setup_default_session(aws_secret_access_key="{SECRET}")\n',
    ],
    ids=[
        "alias",
        "from-import",
        "from-import-alias",
        "session-module",
        "session-variable",
        "session-chained",
        "botocore",
        "aiobotocore",
        "aioboto3",
        "default-session",
    ],
)
def test_secret_reaching_sdk_call_is_flagged_with_the_call_named(code: str) -> None:
    findings = lint(code)
    assert [(f.span.line, f.code) for f in findings] == [(code.count("\n"), "CL102")]
    assert findings[0].message.startswith("Hard-coded AWS secret access key passed as aws_secret_access_key to ")


def test_positional_arguments_map_to_parameters() -> None:
    code = f'import boto3\nboto3.client("s3", "eu-west-1", None, True, None, None, "{KEY}", "{SECRET}")\n'
    found = lint(code)
    assert [(f.code, f.message) for f in found] == [
        ("CL101", "Hard-coded AWS access key ID passed as aws_access_key_id to boto3.client('s3')"),
        ("CL102", "Hard-coded AWS secret access key passed as aws_secret_access_key to boto3.client('s3')"),
    ]


def test_positional_session_arguments() -> None:
    code = f'import boto3\nboto3.Session("{KEY}", "{SECRET}")\n'
    assert [f.explanation.steps[0].method for f in lint(code)] == ["session", "session"]


def test_module_constant_used_in_a_function_is_reported_at_the_constant() -> None:
    code = f'''
        import boto3

        def make():
            return boto3.client("s3", aws_secret_access_key=SECRET)

        SECRET = "{SECRET}"
    '''
    found = lint(code)
    assert [(f.span.line, f.code) for f in found] == [(7, "CL102")]
    assert "boto3.client('s3')" in found[0].message
    assert found[0].explanation.steps[0].line == 5


def test_function_local_binding() -> None:
    code = f'''
        import boto3

        def make():
            secret = "{SECRET}"
            return boto3.client("s3", aws_secret_access_key=secret)
    '''
    assert codes(code) == [(5, "CL102")]


def test_shadowed_local_does_not_borrow_the_module_constant() -> None:
    code = f'''
        import os
        import boto3

        SECRET = "{SECRET}"

        def make(SECRET):
            return boto3.client("s3", aws_secret_access_key=SECRET)
    '''
    # The module constant is still flagged by its name; the call's argument is a parameter.
    found = lint(code)
    assert [(f.span.line, f.code) for f in found] == [(5, "CL102")]
    assert "boto3.client" not in found[0].message


@pytest.mark.parametrize(
    "spread",
    [
        f'{{"aws_secret_access_key": "{SECRET}"}}',
        f'dict(aws_secret_access_key="{SECRET}")',
    ],
)
def test_kwargs_spread_from_a_literal_dict(spread: str) -> None:
    code = f'import boto3\nSETTINGS = {spread}\nboto3.client("sqs", **SETTINGS)\n'
    found = lint(code)
    assert [(f.span.line, f.code) for f in found] == [(2, "CL102")]
    assert "boto3.client('sqs')" in found[0].message


def test_concatenation_and_fstring_of_constants_fold() -> None:
    code = f'''
        import boto3
        HEAD = "{SECRET[:20]}"
        boto3.client("s3", aws_secret_access_key=f"{{HEAD}}{SECRET[20:]}")
        boto3.client("s3", aws_access_key_id="AKIA" + "{KEY[4:]}")
    '''
    assert codes(code) == [(4, "CL102"), (5, "CL101")]


def test_key_split_over_a_constant_is_reported_once_at_the_expression() -> None:
    code = f'PREFIX = "AKIA"\nKEY = PREFIX + "{KEY[4:]}"\nOTHER = KEY\n'
    assert codes(code) == [(2, "CL101")]


def test_environment_default_is_a_hard_coded_value() -> None:
    code = f'import os, boto3\nboto3.client("s3", aws_secret_access_key=os.getenv("S", "{SECRET}"))\n'
    assert codes(code) == [(2, "CL102")]


def test_either_branch_of_a_conditional_and_of_or() -> None:
    code = f'import os, boto3\nboto3.client("s3", aws_secret_access_key=os.environ.get("S") or "{SECRET}")\n'
    assert codes(code) == [(2, "CL102")]


def test_botocore_credentials_and_set_credentials_positional() -> None:
    code = f'''
        import botocore.session
        from botocore.credentials import Credentials
        creds = Credentials("{KEY}", "{SECRET}")
        session = botocore.session.get_session()
        session.set_credentials("{KEY}", "{SECRET}")
    '''
    found = lint(code)
    assert [(f.span.line, f.code) for f in found] == [(4, "CL101"), (4, "CL102"), (6, "CL101"), (6, "CL102")]


@pytest.mark.parametrize(
    "code",
    [
        # environment reads are CL2xx's business, not hard-coded credentials
        'import os, boto3\nboto3.client("s3", aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])\n',
        # assume-role responses passed on
        'import boto3\nc = boto3.client("sts").assume_role(RoleArn="a", RoleSessionName="b")["Credentials"]\n'
        'boto3.client("s3", aws_secret_access_key=c["SecretAccessKey"])\n',
        # a parameter
        'import boto3\ndef make(secret):\n    return boto3.client("s3", aws_secret_access_key=secret)\n',
        # a non-AWS module with a generic secret name
        f'SECRET_KEY = "{SECRET}"\n',
        # a generic password in an AWS module
        'import boto3\nDB_PASSWORD = "hunter2-hunter2"\n',
        # hex digest under a secret-like name
        'import boto3\nsecret_hash = "da39a3ee5e6b4b0d3255bfef95601890afd80709"\n',
    ],
    ids=["environ", "assume-role", "parameter", "non-aws-module", "password", "hex"],
)
def test_not_flagged(code: str) -> None:
    assert codes(code) == []
