"""Inline suppressions: on the line, on a statement's first line, by code, prefix or pragma."""

from __future__ import annotations

from tests.conftest import credential_codes as codes

KEY = "AKIA42YQICSX5QSIJMWQ"
SECRET = "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"


def test_ignore_on_the_line() -> None:
    assert codes(f'a = "{KEY}"  # credlint: ignore[CL101]\nb = "{KEY}"\n') == [(2, "CL101")]


def test_ignore_other_code_does_not_silence() -> None:
    assert codes(f'a = "{KEY}"  # credlint: ignore[CL102]\n') == [(1, "CL101")]


def test_bare_ignore_and_prefix() -> None:
    assert codes(f'a = "{KEY}"  # credlint: ignore\nb = "{KEY}"  # credlint: ignore[CL1]\n') == []


def test_statement_first_line_covers_the_statement() -> None:
    code = f'''
import boto3
client = boto3.client(  # credlint: ignore[CL101, CL102]
    "s3",
    aws_access_key_id="{KEY}",
    aws_secret_access_key="{SECRET}",
)
other = boto3.client(
    "s3",  # credlint: ignore[CL101]
    aws_access_key_id="{KEY}",
)
'''
    assert codes(code) == [(10, "CL101")]


def test_detect_secrets_pragma_silences_credential_rules_only() -> None:
    assert codes(f'a = "{KEY}"  # pragma: allowlist secret\n') == []
    assert codes(f'a = "{KEY}"  # pragma: allowlist-secret\n') == []
