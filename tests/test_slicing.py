"""Slicing a module to the parts its findings need keeps every finding and every position."""

from __future__ import annotations

import ast
import dataclasses
import json
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credlint.engine import PartMemo, lint_source
from credlint.finding import Finding
from credlint.prefilter import FileProbe
from credlint.registry import RULES
from credlint.slicing import merged_members, relevant_source
from tests.conftest import run_cli

SLICED = list(RULES.values())
WHOLE = [dataclasses.replace(info, seeds=None) for info in SLICED]
KEY_ID = "AKIA42YQICSX5QSIJMWQ"
SECRET = "nnHXcSoBI/nRmLWgp8o8BVcXP2rk5osNQp/hZzJ3"
UNRELATED = """
def unrelated_{n}(rows):
    total = 0
    for row in rows:
        total += len(row)
    return total
"""


def findings(source: str, rules: list) -> tuple[Finding, ...]:  # type: ignore[type-arg]
    return lint_source("module.py", source.encode(), rules).findings


def sliced_text(source: str) -> str:
    probe = FileProbe(source.encode())
    active = [info for info in SLICED if info.implementation_for("python") and info.triggered_by(probe)]
    seeds = frozenset().union(*(info.seeds(probe) for info in active if info.seeds is not None))
    facts = frozenset().union(*(info.module_facts(probe) for info in active if info.module_facts is not None))
    return relevant_source(
        source, probe, seeds, by_member=merged_members(info.looks_up_members(probe) for info in active), facts=facts
    )


def padded(code: str) -> str:
    """code between unrelated functions, which the slicing must leave out."""
    return UNRELATED.format(n=1) + textwrap.dedent(code) + UNRELATED.format(n=2)


# Each shape: code, and the codes it must report, reached through another part of the module.
SHAPES = {
    "constant key read by a client in a far function": (
        f"""
        import boto3
        KEY_ID = "{KEY_ID}"
        def make():
            return boto3.client("s3", region_name="eu-west-1", aws_access_key_id=KEY_ID)
        """,
        ["CL101", "CL501"],
    ),
    "environment read in a helper function": (
        """
        import os
        import boto3
        def key():
            return os.environ["AWS_ACCESS_KEY_ID"]
        def make():
            return boto3.client("s3", region_name="eu-west-1", aws_access_key_id=key(),
                                aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])
        """,
        ["CL202"],
    ),
    "session whose clients, elsewhere, all name an endpoint": (
        """
        import os
        import boto3
        session = boto3.Session(aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
                                aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])
        def local():
            return session.client("s3", region_name="eu-west-1", endpoint_url="http://localhost:4566")
        """,
        [],
    ),
    "global that a far function rebinds": (
        """
        import os
        import boto3
        KEY = os.environ["AWS_ACCESS_KEY_ID"]
        def reset():
            global KEY
            KEY = None
        def make():
            return boto3.client("s3", region_name="eu-west-1", aws_access_key_id=KEY, aws_secret_access_key=KEY)
        """,
        ["CL202"],
    ),
    "retry on a client set by a base class": (
        """
        import time
        import boto3
        from botocore.exceptions import ClientError
        class Store:
            def __init__(self):
                self.s3 = boto3.client("s3", region_name="eu-west-1")
            def unused(self):
                return 1
        class Worker(Store):
            def fetch(self, key):
                while True:
                    try:
                        return self.s3.get_object(Bucket="b", Key=key)
                    except ClientError:
                        time.sleep(1)
        """,
        ["CL401", "CL404"],
    ),
    "retry predicate defined twice, so unknown": (
        """
        import time
        import boto3
        from botocore.exceptions import ClientError
        class A:
            def should_retry(self, error):
                return error.response["Error"]["Code"] == "ThrottlingException"
        class B:
            def should_retry(self, error):
                return True
            def fetch(self, s3):
                while True:
                    try:
                        return s3.get_object(Bucket="b", Key="k")
                    except ClientError as error:
                        if not self.should_retry(error):
                            raise
                        time.sleep(1)
        """,
        ["CL404"],
    ),
    "region written to the environment by another function": (
        """
        import os
        import boto3
        def configure():
            os.environ["AWS_DEFAULT_REGION"] = "eu-west-1"
        def make():
            configure()
            return boto3.client("sqs")
        """,
        [],
    ),
    "region written first by the caller of the client's caller": (
        """
        import os
        import boto3
        def configure():
            os.environ["AWS_DEFAULT_REGION"] = "eu-west-1"
        def run():
            return boto3.client("sqs")
        def run_all():
            return run()
        def main():
            configure()
            run_all()
        """,
        [],
    ),
    "credentials resolved by module code, logged in a function": (
        """
        import logging
        import boto3
        log = logging.getLogger(__name__)
        CREDENTIALS = boto3.Session().get_credentials()
        def show():
            log.info("secret %s", CREDENTIALS.secret_key)
        """,
        ["CL508"],
    ),
    "credential variable named by a constant, printed in a function": (
        """
        import os
        NAME = "AWS_SECRET_ACCESS_KEY"
        def show():
            print(os.environ[NAME])
        """,
        ["CL508"],
    ),
    "client in a Lambda module": (
        """
        import boto3
        def make():
            return boto3.client("sqs")
        def handler(event, context):
            return make().list_queues()
        """,
        ["CL301"],
    ),
}


@pytest.mark.parametrize("code,expected", SHAPES.values(), ids=SHAPES.keys())
def test_slicing_keeps_findings_that_cross_parts(code: str, expected: list[str]) -> None:
    source = padded(code)
    assert "unrelated_1" not in sliced_text(source), "the shape must exercise the slicing"
    sliced = findings(source, SLICED)
    assert sliced == findings(source, WHOLE)
    assert sorted({finding.code for finding in sliced}) == expected


def test_sliced_text_keeps_every_kept_line_where_it_was() -> None:
    source = padded(SHAPES["retry on a client set by a base class"][0]).replace("\n", "\r\n")
    sliced = sliced_text(source)
    assert sliced.count("\r\n") == source.count("\r\n") and "\n" not in sliced.replace("\r\n", "")
    for original, kept in zip(source.split("\r\n"), sliced.split("\r\n")):
        assert kept == original or kept.strip() in ("", '"""', '""')
    assert "def unused" not in sliced and "self.s3 = boto3.client" in sliced


def test_cl202_keeps_only_the_methods_that_set_the_attributes_it_follows() -> None:
    source = padded(
        """
        import os
        import boto3
        class Uploader:
            def __init__(self):
                self.key = os.environ["AWS_ACCESS_KEY_ID"]
                self.bucket = os.environ["BUCKET"]
            def client(self):
                return boto3.client("s3", region_name=os.environ.get("REGION"), aws_access_key_id=self.key)
        class Cache:
            def __init__(self):
                self.store = {}
            def get(self, name):
                return self.store.get(name)
        """
    )
    sliced = sliced_text(source)
    assert 'self.key = os.environ["AWS_ACCESS_KEY_ID"]' in sliced  # what self.key holds
    assert "self.store = {}" not in sliced and "def get" not in sliced  # no other member is looked up
    assert [finding.code for finding in findings(source, SLICED)] == ["CL202", "CL501"]


def test_a_kept_class_whose_methods_are_all_left_out_still_parses() -> None:
    source = padded(
        """
        import time
        from botocore.exceptions import ClientError
        class Base:
            def helper(self):
                return 1
        class Worker(Base):
            def fetch(self, s3):
                while True:
                    try:
                        return s3.get_object(Bucket="b", Key="k")
                    except ClientError:
                        time.sleep(1)
        """
    )
    sliced = sliced_text(source)
    assert "class Base:" in sliced and "def helper" not in sliced
    ast.parse(sliced)
    assert findings(source, SLICED) == findings(source, WHOLE)


# Pieces of modules that name each other, for modules made of any of them in any order.
PIECES = [
    "import os\nimport time\nimport boto3\nfrom botocore.exceptions import ClientError\n",
    f'KEY_ID = "{KEY_ID}"\n',
    'SECRET = os.environ.get("AWS_SECRET_ACCESS_KEY")\n',
    'def key():\n    return os.environ["AWS_ACCESS_KEY_ID"]\n',
    'def make():\n    return boto3.client("s3", region_name="eu-west-1", aws_access_key_id=key(), '
    "aws_secret_access_key=SECRET)\n",
    'def make_literal():\n    return boto3.client("s3", region_name="eu-west-1", aws_access_key_id=KEY_ID, '
    f'aws_secret_access_key="{SECRET}")\n',
    'session = boto3.Session(aws_access_key_id=key(), aws_secret_access_key=SECRET, region_name="eu-west-1")\n',
    'def local():\n    return session.client("s3", endpoint_url="http://localhost:4566")\n',
    'def plain():\n    return boto3.client("sqs")\n',
    'def configure():\n    os.environ["AWS_DEFAULT_REGION"] = "eu-west-1"\n',
    "def handler(event, context):\n    return plain()\n",
    'def set_env():\n    os.environ["AWS_ACCESS_KEY_ID"] = KEY_ID\n',
    "def forget():\n    global SECRET\n    SECRET = None\n",
    'def is_retryable(error):\n    return error.response["Error"]["Code"] == "ThrottlingException"\n',
    "def is_retryable(error):\n    return True\n",
    "def poll(client):\n    while True:\n        try:\n            return client.describe_table(TableName='t')\n"
    "        except ClientError as error:\n            if is_retryable(error):\n                time.sleep(2)\n"
    "                continue\n            raise\n",
    "class Store:\n    def __init__(self):\n        self.s3 = make()\n    def unused(self):\n        return 0\n",
    "class Worker(Store):\n    def fetch(self):\n        for attempt in range(5):\n            try:\n"
    "                return self.s3.list_buckets()\n            except ClientError:\n                continue\n",
    'def reports():\n    return boto3.Session(profile_name="ops")\n',
    'KEY_VARIABLE = "AWS_ACCESS_KEY_ID"\n',
    "def set_named(value):\n    os.environ[KEY_VARIABLE] = value\n",
    "creds = boto3.Session().get_credentials()\n",
    "def show():\n    print(creds.secret_key)\n",
    'def dump():\n    token = os.environ.get("AWS_SESSION_TOKEN")\n    print(token)\n',
    UNRELATED.format(n=1),
    UNRELATED.format(n=2),
]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=10), st.sampled_from(["\n", "\r\n"]))
def test_any_module_of_pieces_gives_the_same_findings_sliced(pieces: list[str], newline: str) -> None:
    source = "".join(pieces).replace("\n", newline)
    ast.parse(sliced_text(source))
    assert findings(source, SLICED) == findings(source, WHOLE)


def test_cli_reports_a_key_used_far_away_at_its_place(tmp_path: Path) -> None:
    functions = "".join(UNRELATED.format(n=n) for n in range(200))
    source = f'import boto3\nKEY_ID = "{KEY_ID}"\n{functions}\ndef make():\n'
    source += '    return boto3.client("s3", region_name="eu-west-1", aws_access_key_id=KEY_ID)\n'
    (tmp_path / "service.py").write_text(source)
    client_line = source.count("\n")
    result = run_cli(["check", "--no-cache", "--format", "json", "service.py"], cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    (finding,) = [found for found in json.loads(result.stdout)["findings"] if found["code"] == "CL101"]
    assert (finding["line"], finding["column"]) == (2, 11)
    assert f"line {client_line}" in json.dumps(finding["explanation"])


def edits_of(source: str) -> list[str]:
    """What typing does to a buffer: a comment in one line, a line added at the top, a line gone."""
    lines = source.split("\n")
    middle = len(lines) // 2
    typed = [*lines[:middle], lines[middle] + "  # typed", *lines[middle + 1 :]]
    return ["\n".join(typed), "# header\n" + source, "\n".join(lines[1:])]


@pytest.mark.parametrize("code,expected", SHAPES.values(), ids=SHAPES.keys())
def test_a_buffer_checked_part_by_part_gives_the_whole_checks_findings(code: str, expected: list[str]) -> None:
    memo = PartMemo()
    source = padded(code)
    for text in [source, *edits_of(source), source]:
        assert lint_source("module.py", text.encode(), SLICED, memo=memo).findings == findings(text, SLICED)


def test_an_edit_in_one_function_analyses_that_function_alone() -> None:
    source = padded(
        f"""
        import boto3
        def first():
            return boto3.client("s3", region_name="eu-west-1", aws_access_key_id="{KEY_ID}")
        def second():
            return boto3.client("sqs", region_name="eu-west-1", aws_access_key_id="{KEY_ID}")
        """
    )
    memo = PartMemo()
    lint_source("module.py", source.encode(), SLICED, memo=memo)
    before = set(memo.findings)
    edited = source.replace('"sqs"', '"sns"')
    result = lint_source("module.py", edited.encode(), SLICED, memo=memo)
    assert len(memo.findings) == len(before) and len(before - set(memo.findings)) == 1
    assert result.findings == findings(edited, SLICED) and len(result.findings) == 4  # CL101 and CL501 each


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=8), st.lists(st.sampled_from(PIECES), max_size=3))
def test_any_module_edited_gives_the_same_findings_part_by_part(pieces: list[str], added: list[str]) -> None:
    memo = PartMemo()
    for text in ["".join(pieces), "".join([*pieces, *added]), "".join([*added, *pieces])]:
        assert lint_source("module.py", text.encode(), SLICED, memo=memo).findings == findings(text, SLICED)
