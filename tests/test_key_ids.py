"""What a reported access key id tells about itself: its type, and the account newer ids encode."""

from __future__ import annotations

import pytest

from credlint.analysis.key_ids import account_of, key_id_note
from credlint.engine import lint_source
from credlint.file_kinds import TEXT
from credlint.registry import RULES
from tests.conftest import lint

NEWER = "ASIAY34FZKBOKMUTVV7A"  # published with its account: A. Steele, "AWS Access Key ID formats"


@pytest.mark.parametrize(
    ("key_id", "account"),
    [
        (NEWER, "609629065308"),
        ("AKIARZPUZDIKGB2VALC4", "123456789012"),
        ("AKIAIOSFODNN7EXAMPLE", None),  # older generation: no account in it
        ("AKIAJ2345678ABCDEFGH", None),
        ("AKIA0123", None),  # not a key id
        ("AIDACKCEVSQ6C2EXAMPLE", None),  # a user id, not a key
    ],
)
def test_newer_key_ids_give_their_account_and_older_ones_none(key_id: str, account: str | None) -> None:
    assert account_of(key_id) == account


def test_the_note_names_the_type_and_says_the_decoding_is_undocumented() -> None:
    note = key_id_note(NEWER)
    assert "temporary STS key" in note and "609629065308" in note and "undocumented" in note
    assert "long-term access key of an IAM user" in key_id_note("AKIAIOSFODNN7EXAMPLE")
    assert "account" not in key_id_note("AKIAIOSFODNN7EXAMPLE")


def test_cl101_explains_the_key_in_python_and_in_other_files() -> None:
    (in_code,) = [
        f for f in lint(f'import boto3\ns3 = boto3.client("s3", aws_access_key_id="{NEWER}")\n') if f.code == "CL101"
    ]
    shell = f"export AWS_ACCESS_KEY_ID={NEWER}\n".encode()
    (in_shell,) = [
        f for f in lint_source("deploy.sh", shell, list(RULES.values()), kind=TEXT).findings if f.code == "CL101"
    ]
    for finding in (in_code, in_shell):
        assert finding.code == "CL101" and "609629065308" in finding.explanation.runtime
        assert NEWER not in finding.explanation.runtime + finding.explanation.summary + finding.message
