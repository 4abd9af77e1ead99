"""Shapes seen in real AWS code, flagged and not flagged."""

from __future__ import annotations

import pytest

from tests.conftest import credential_codes as codes
from tests.conftest import credential_lint as lint

KEY = "AKIA42YQICSX5QSIJMWQ"
SECRET = "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"
TOKEN = "FwoGZXIvYXdzEZyV6QVrOWlq/1GlMq6q37TP4jYfB/vHW7MvL2vXHWhr4SVqMZjNGRK9Hc5TTqc72vt8C5nnwwHRp7+iCEvlX3CK7AJ7"


@pytest.mark.parametrize(
    "code",
    [
        f'import boto3\ndef get_client(aws_secret_access_key="{SECRET}"):\n    return boto3.client("s3")\n',
        f'def test_env(monkeypatch):\n    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "{SECRET}")\n',
        f'import os\nos.environ.setdefault("AWS_SECRET_ACCESS_KEY", "{SECRET}")\n',
        f'import os\nos.environ["AWS_SECRET_ACCESS_KEY"] = "{SECRET}"\n',
        f'import boto3\nAWS_KEY, AWS_SECRET = "{KEY[:4]}", "{SECRET}"\n',
        f'AWS_S3_SECRET_ACCESS_KEY = "{SECRET}"  # django-storages setting\n',
        f'import configparser\nc = configparser.ConfigParser()\nc.set("default", "aws_secret_access_key", "{SECRET}")\n',
        f'class Handler:\n    def client(self):\n        return self.session.client("s3", None, None, True, None, None, None, "{SECRET}")\n',
    ],
    ids=[
        "param-default",
        "monkeypatch-setenv",
        "environ-setdefault",
        "environ-item",
        "tuple-target",
        "django-storages",
        "configparser",
        "injected-session-positional",
    ],
)
def test_secret_shapes_flagged(code: str) -> None:
    assert [code for _, code in codes(code)] == ["CL102"]


def test_environment_write_is_explained_as_link_1() -> None:
    (finding,) = lint(f'import os\nos.environ["AWS_SECRET_ACCESS_KEY"] = "{SECRET}"\n')
    occupied = [step for step in finding.explanation.steps if step.status == "this code"]
    assert [(step.position, step.method) for step in occupied] == [("1", "env")]
    assert "execution role" in finding.explanation.runtime
    assert {step.status for step in finding.explanation.steps[1:]} == {"shadowed"}


def test_unpassed_literal_is_not_explained_as_passed() -> None:
    (finding,) = lint(f'import boto3\nBACKUP_AWS_SECRET = "{SECRET}"\n')
    assert finding.explanation.steps[0].status == "wherever it is passed"
    assert "not passed to the SDK in this file" in finding.explanation.runtime


def test_non_sdk_call_is_not_explained_as_explicit_credentials() -> None:
    code = f'from unittest import mock\nmock.patch.dict("os.environ", aws_secret_access_key="{SECRET}")\n'
    (finding,) = lint(code)
    assert "botocore builds" not in finding.explanation.runtime


@pytest.mark.parametrize(
    "code",
    [
        f'h = "AWS4-HMAC-SHA256 Credential={KEY}/20240101/us-east-1/s3/aws4_request"\n',
        f'url = "https://example.com/keys/{KEY}"\n',
        f'uri = "s3://bucket/{KEY}/data.csv"\n',
    ],
)
def test_key_id_next_to_slashes(code: str) -> None:
    assert [c for _, c in codes(code)] == ["CL101"]


def test_key_in_a_docstring_is_reported_on_its_line() -> None:
    code = f'def f():\n    """Notes.\n\n    old key {KEY}\n    """\n'
    (finding,) = lint(code)
    assert (finding.span.line, finding.span.column, finding.span.end_column) == (4, 13, 33)


def test_sts_documentation_samples_are_examples() -> None:
    code = """
import boto3
RESPONSE = {
    "AccessKeyId": "AKIAIOSFODNN7EXAMPLE",
    "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
    "SessionToken": "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==",
}
"""
    assert [c for _, c in codes(code)] == ["CL104", "CL104", "CL104"]


@pytest.mark.parametrize(
    "code",
    [
        'import boto3\nsecret_name = "prod/Billing/Stripe2024/ApiKeyRotationV3abcd"\n',
        'import boto3\nSECRET_ARN = "arn/Prod/Billing/Stripe2024/ApiKeyRotatioV3"\n',
        'import boto3\nsecret_param = "/Prod/Billing/Service2/DatabaseMasterPwd12"\n',
        f'import boto3\nboto3.client("secretsmanager").create_secret(Name="db", SecretString="{SECRET}")\n',
        'def test(monkeypatch):\n    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")\n',
        'import boto3\nDUO = {"secret_key": "abcdefghijklmnopqrstuvwxyz1234567890ABCD"}\n',
    ],
    ids=["secret-name", "secret-arn", "ssm-parameter", "secrets-manager-value", "moto-testing", "alphabet-stand-in"],
)
def test_not_flagged(code: str) -> None:
    assert codes(code) == []


def test_token_positional_to_credentials() -> None:
    code = f'from botocore.credentials import Credentials\nc = Credentials("a", "b", "{TOKEN}")\n'
    assert [c for _, c in codes(code)] == ["CL103"]
