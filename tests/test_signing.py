"""The signing rules: CL506 (a client configured for SigV2) and CL507 (a pre-signed URL written in
code or any other file)."""

from __future__ import annotations

import dataclasses
import json
import textwrap
from pathlib import Path, PurePath

import pytest

from credlint.engine import lint_source
from credlint.file_kinds import kind_of_file
from credlint.finding import Finding
from credlint.prefilter import FileProbe
from credlint.registry import RULES
from credlint.secrets import redact
from tests.conftest import run_cli

REPO = Path(__file__).resolve().parent.parent
KEY = "AKIAXJ2WQ4H5RTM7YBNC"
SECRET = "kQ3mZ8vR2xT5nB7wY1cF4hJ6pL9sD0gA/E+uI2oW"
TEMPORARY_KEY = "ASIAQ7RWN3HV5D2KT4LM"
SIGV4_SIGNATURE = "5f4c7e1b9a2d3c8e6f0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6"
SIGV2_SIGNATURE = "vjbyPxybdZaNmGa%2ByT272YEAiv4%3D"
SIGV4_QUERY = (
    "X-Amz-Algorithm=AWS4-HMAC-SHA256"
    f"&X-Amz-Credential={KEY}%2F20240521%2Feu-west-1%2Fs3%2Faws4_request"
    "&X-Amz-Date=20240521T101500Z&X-Amz-Expires=604800&X-Amz-SignedHeaders=host"
    f"&X-Amz-Signature={SIGV4_SIGNATURE}"
)
SIGV4_URL = f"https://exports.s3.eu-west-1.amazonaws.com/2024/invoices.csv?{SIGV4_QUERY}"
SIGV2_URL = (
    f"https://assets.s3.amazonaws.com/logo.png?AWSAccessKeyId={KEY}&Expires=1767225600&Signature={SIGV2_SIGNATURE}"
)


def signing(code: str, path: str = "app.py", select: tuple[str, ...] = ("CL506", "CL507", "CL509")) -> list[Finding]:
    """The findings of the selected rules on a dedented snippet, read as the kind its path gives."""
    source = textwrap.dedent(code).encode()
    rules = [RULES[rule] for rule in select]
    return list(lint_source(path, source, rules, kind=kind_of_file(PurePath(path))).findings)


def lines(code: str, path: str = "app.py") -> list[tuple[int, str]]:
    return [(finding.span.line, finding.code) for finding in signing(code, path)]


def codes(code: str, path: str = "app.py") -> list[tuple[int, str]]:
    """Every rule's findings: CL101 and CL104 report the key id inside a URL too."""
    return [(finding.span.line, finding.code) for finding in signing(code, path, tuple(RULES))]


# --- CL506 sigv2-signature ----------------------------------------------------------------------


@pytest.mark.parametrize("version", ["s3", "s3-query", "s3-presign-post", "v2"])
def test_every_sigv2_signer_name_is_flagged(version: str) -> None:
    code = f"""
    import boto3
    from botocore.config import Config

    s3 = boto3.client("s3", region_name="us-east-1", config=Config(signature_version="{version}"))
    """
    assert lines(code) == [(5, "CL506")]


@pytest.mark.parametrize("version", ["s3v4", "v4", "v4a", "s3v4-query", "v3", "s3v2"])
def test_sigv4_and_other_names_are_not_flagged(version: str) -> None:
    code = f"""
    import boto3
    from botocore.config import Config

    s3 = boto3.client("s3", region_name="us-east-1", config=Config(signature_version="{version}"))
    """
    assert lines(code) == []


def test_unsigned_anonymous_access_is_not_flagged() -> None:
    code = """
    import boto3
    import botocore
    from botocore import UNSIGNED
    from botocore.config import Config

    public = boto3.client("s3", region_name="us-east-1", config=Config(signature_version=UNSIGNED))
    other = boto3.client("s3", region_name="us-east-1", config=Config(signature_version=botocore.UNSIGNED))
    """
    assert lines(code) == []


def test_aliases_and_the_botocore_client_name() -> None:
    code = """
    import boto3 as b3
    import botocore.config
    from boto3 import client
    from botocore.client import Config as C

    one = b3.client("s3", region_name="us-east-1", config=C(signature_version="s3"))
    two = client("s3", region_name="us-east-1", config=botocore.config.Config(signature_version="s3"))
    """
    assert lines(code) == [(7, "CL506"), (8, "CL506")]


def test_constant_config_passed_later_is_reported_where_it_is_written() -> None:
    code = """
    import boto3
    from botocore.config import Config

    SIGNATURE = "s3"
    LEGACY = Config(retries={"mode": "standard"}, signature_version=SIGNATURE)


    def reports():
        session = boto3.session.Session(profile_name="billing")
        return session.resource("s3", region_name="eu-west-1", config=LEGACY)
    """
    findings = signing(code)
    assert [(f.span.line, f.code) for f in findings] == [(6, "CL506")]
    assert "session.resource('s3')" in findings[0].message


def test_positional_and_spread_signature_versions() -> None:
    code = """
    import boto3
    from botocore.config import Config

    a = boto3.client("s3", region_name="us-east-1", config=Config("us-east-1", "s3"))
    options = {"signature_version": "s3"}
    b = boto3.client("s3", region_name="us-east-1", config=Config(**options))
    """
    assert lines(code) == [(5, "CL506"), (6, "CL506")]  # where the spread dict holds the value


def test_aiobotocore_config_on_an_aioboto3_session() -> None:
    code = """
    import aioboto3
    from aiobotocore.config import AioConfig


    async def fetch():
        session = aioboto3.Session()
        async with session.client("s3", region_name="us-east-1", config=AioConfig(signature_version="s3")) as s3:
            return await s3.list_buckets()
    """
    assert lines(code) == [(8, "CL506")]


def test_merge_keeps_the_version_the_merged_config_sets() -> None:
    code = """
    import boto3
    from botocore.config import Config

    BASE = Config(signature_version="s3")
    kept = boto3.client("s3", region_name="us-east-1", config=BASE.merge(Config(retries={"max_attempts": 3})))
    replaced = boto3.client("s3", region_name="us-east-1", config=Config(signature_version="s3").merge(Config(signature_version="s3v4")))
    added = boto3.client("s3", region_name="us-east-1", config=Config(connect_timeout=5).merge(Config(signature_version="s3-query")))
    """
    assert lines(code) == [(5, "CL506"), (8, "CL506")]


def test_other_endpoints_sdb_unrelated_classes_and_unused_configs_are_not_flagged() -> None:
    code = """
    import os

    import boto3
    from botocore.config import Config

    from storage.settings import Config as StorageConfig

    LEGACY = Config(signature_version="s3")
    minio = boto3.client("s3", region_name="us-east-1", endpoint_url="http://minio:9000", config=LEGACY)
    ceph = boto3.client("s3", region_name="us-east-1", endpoint_url=os.environ["S3_ENDPOINT"], config=LEGACY)
    domains = boto3.client("sdb", region_name="us-east-1", config=Config(signature_version="v2"))
    mine = StorageConfig(signature_version="s3")
    EXPORTED = Config(signature_version="s3")


    def store_client(**connection):
        return boto3.client("s3", region_name="us-east-1", config=LEGACY, **connection)
    """
    assert lines(code) == []


def test_an_aws_endpoint_url_is_still_aws() -> None:
    code = """
    import boto3
    from botocore.config import Config

    s3 = boto3.client(
        "s3",
        region_name="eu-west-1",
        endpoint_url="https://s3.eu-west-1.amazonaws.com",
        config=Config(signature_version="s3"),
    )
    """
    assert lines(code) == [(9, "CL506")]


def test_one_config_shared_by_aws_and_other_clients_names_only_the_aws_ones() -> None:
    code = """
    import boto3
    from botocore.config import Config

    LEGACY = Config(signature_version="s3")
    aws = boto3.client("s3", region_name="eu-west-1", config=LEGACY)
    minio = boto3.client("s3", region_name="eu-west-1", endpoint_url="http://minio:9000", config=LEGACY)
    """
    [finding] = signing(code)
    assert finding.message == "signature_version='s3' makes boto3.client('s3') sign with retired SigV2"


def test_django_storages_setting_signs_with_sigv2() -> None:
    settings = """
    AWS_STORAGE_BUCKET_NAME = "media"
    AWS_S3_SIGNATURE_VERSION = "s3"
    LEGACY_SIGNATURE: str = "s3"
    AWS_S3_REGION_NAME = "eu-west-1"
    """
    [finding] = signing(settings, "config/settings/production.py")
    assert (finding.span.line, finding.code) == (3, "CL506")
    assert finding.message == ("AWS_S3_SIGNATURE_VERSION='s3' makes django-storages' S3 client sign with retired SigV2")
    assert (
        finding.explanation.steps[0].reads
        == "AWS_S3_SIGNATURE_VERSION, which django-storages passes to its client's Config"
    )
    annotated = 'AWS_S3_SIGNATURE_VERSION: str = "s3"\nAWS_S3_ENDPOINT_URL = "https://s3.eu-west-1.amazonaws.com"\n'
    assert lines(annotated, "settings.py") == [(1, "CL506")]


@pytest.mark.parametrize(
    "settings",
    [
        'AWS_S3_SIGNATURE_VERSION = "s3v4"\n',
        'AWS_S3_SIGNATURE_VERSION = "s3"\nAWS_S3_ENDPOINT_URL = "http://minio:9000"\n',
        'import os\nAWS_S3_SIGNATURE_VERSION = os.environ.get("AWS_S3_SIGNATURE_VERSION", "s3v4")\n',
    ],
)
def test_django_storages_sigv4_and_other_stores_are_not_flagged(settings: str) -> None:
    assert lines(settings, "settings.py") == []


def test_sigv2_explanation_shows_the_signing_chain_and_s3s_refusal() -> None:
    code = """
    import boto3
    from botocore.config import Config

    s3 = boto3.client("s3", region_name="us-east-1", config=Config(signature_version="s3"))
    """
    [finding] = signing(code)
    explanation = finding.explanation
    assert explanation.chain == "signing"
    assert [(step.method, step.status, step.line) for step in explanation.steps] == [
        ("client-config", "this code", 5),
        ("config-file", "shadowed", None),
        ("service-default", "shadowed", None),
    ]
    assert "HmacV1Auth" in explanation.summary and "boto3.client('s3') takes" in explanation.summary
    assert "created after June 24, 2020" in explanation.runtime
    assert "Please use AWS4-HMAC-SHA256" in explanation.runtime
    assert "signature_version='s3v4'" in explanation.fix and "7 days" in explanation.fix
    assert finding.severity.value == "warning"


def test_sigv2_explanation_for_another_service() -> None:
    code = """
    import boto3
    from botocore.config import Config

    sqs = boto3.client("sqs", region_name="us-east-1", config=Config(signature_version="v2"))
    """
    [finding] = signing(code)
    assert "SigV2Auth" in finding.explanation.summary
    assert "SimpleDB and Import/Export" in finding.explanation.runtime
    assert "June 24, 2020" not in finding.explanation.runtime
    assert "7 days" not in finding.explanation.fix


# --- CL507 presigned-url-in-code ----------------------------------------------------------------


def test_sigv4_url_split_over_literals_is_reported_once_where_it_starts() -> None:
    code = f"""
    import requests

    URL = (
        "https://exports.s3.eu-west-1.amazonaws.com/2024/invoices.csv"
        "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential={KEY}%2F20240521%2Feu-west-1%2Fs3%2Faws4_request"
        "&X-Amz-Date=20240521T101500Z&X-Amz-Expires=604800&X-Amz-SignedHeaders=host"
        "&X-Amz-Signature={SIGV4_SIGNATURE}"
    )
    data = requests.get(URL, timeout=5)
    """
    assert codes(code) == [(5, "CL507"), (7, "CL101")]


def test_sigv2_url_on_one_line_carries_both_markers() -> None:
    assert codes(f'LOGO = "{SIGV2_URL}"\n') == [(1, "CL507"), (1, "CL101")]


def test_url_built_from_constants_is_reported_at_the_constant() -> None:
    code = f"""
    BASE = "https://exports.s3.eu-west-1.amazonaws.com/invoices.csv"
    QUERY = "?{SIGV4_QUERY}"
    URL = BASE + QUERY
    LINK = f"{{BASE}}{{QUERY}}"
    """
    assert lines(code) == [(3, "CL507")]


def test_url_in_a_comment_and_in_a_docstring() -> None:
    code = f'''
    def download():
        """Fetch the export.

        Example: {SIGV4_URL}
        """
        # curl "{SIGV2_URL}"
    '''
    findings = signing(code)
    assert [(f.span.line, f.span.column, f.code) for f in findings] == [(5, 14, "CL507"), (7, 13, "CL507")]


def test_a_literal_url_in_an_f_string_with_a_computed_bucket_is_still_found() -> None:
    code = f"""
    def link(bucket):
        return f"https://{{bucket}}.s3.amazonaws.com/invoices.csv?{SIGV4_QUERY}"
    """
    assert lines(code) == [(3, "CL507")]


def test_placeholders_computed_signatures_and_generated_urls_are_not_flagged() -> None:
    code = f"""
    import boto3

    DOC = "?X-Amz-Credential=<key>/<date>/<region>/s3/aws4_request&X-Amz-Signature=<signature>"
    DOTS = "?X-Amz-Credential={KEY}%2F20240521%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Signature=..."
    ZEROS = "?X-Amz-Credential={KEY}%2F20240521%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Signature={"0" * 64}"
    NO_KEY = "?X-Amz-Credential=minioadmin%2F20240521%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature={SIGV4_SIGNATURE}"
    NO_EXPIRY = "?AWSAccessKeyId={KEY}&Signature={SIGV2_SIGNATURE}&Timestamp=2024-05-21T10:15:00Z"


    def signed(base, credential, signature):
        return f"{{base}}?X-Amz-Credential={{credential}}&X-Amz-Signature={{signature}}"


    def signed_v4(base, signature):
        return base + "?X-Amz-Credential={KEY}%2F20240521%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Signature=" + signature


    s3 = boto3.client("s3", region_name="eu-west-1")
    url = s3.generate_presigned_url("get_object", Params={{"Bucket": "b", "Key": "k"}}, ExpiresIn=300)
    """
    assert lines(code) == []


def test_the_documentation_example_key_is_left_to_cl104() -> None:
    code = """
    EXAMPLE = (
        "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
        "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
        "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
    )
    """
    assert codes(code) == [(4, "CL104")]


def test_presigned_finding_never_shows_the_signature_or_key_in_full() -> None:
    [finding] = signing(f'URL = "{SIGV4_URL}"\n')
    shown = json.dumps([finding.message, finding.preview, finding.explanation.to_dict()])
    assert KEY not in shown and SIGV4_SIGNATURE not in shown
    assert finding.preview == redact(SIGV4_SIGNATURE)
    assert redact(KEY) in finding.message
    assert finding.severity.value == "error"


def test_presigned_explanation_gives_scope_and_lifetime() -> None:
    [finding] = signing(f'URL = "{SIGV4_URL}"\n')
    explanation = finding.explanation
    assert explanation.chain == "signing" and explanation.steps == ()
    assert "credential scope eu-west-1/s3" in explanation.runtime
    assert "signed 2024-05-21 10:15 UTC, valid until 2024-05-28 10:15 UTC. After that time S3 refuses it" in (
        explanation.runtime
    )
    assert "long-term access key" in explanation.runtime
    assert "deactivating the access key" in explanation.fix and "generate_presigned_url" in explanation.fix


def test_temporary_credentials_url_says_its_session_ends_it() -> None:
    url = SIGV4_URL.replace(KEY, TEMPORARY_KEY) + "&X-Amz-Security-Token=IQoJb3JpZ2luX2VjEJr%2F%2F%2FwEaCWV1"
    [finding] = signing(f'URL = "{url}"\n')
    assert "X-Amz-Security-Token" in finding.explanation.runtime
    assert "revoking the role's active sessions" in finding.explanation.fix


def test_sigv2_explanation_gives_its_expires_time() -> None:
    [finding] = signing(f'URL = "{SIGV2_URL}"\n')
    assert "until its Expires time, 2026-01-01 00:00 UTC" in finding.explanation.runtime
    assert "(SigV2)" in finding.message


# --- CL507 in other files -----------------------------------------------------------------------


def test_markdown_html_and_json_escapes() -> None:
    html_url = SIGV4_URL.replace("&", "&amp;")
    json_url = SIGV4_URL.replace("&", "\\u0026").replace(SIGV4_SIGNATURE, SIGV4_SIGNATURE[::-1])
    markdown = f"Download [the export]({SIGV4_URL}) before Friday.\n"
    assert [(f.span.line, f.span.column) for f in signing(markdown, "README.md")] == [(1, 23)]
    html = f'<p>\n  <a href="{html_url}">export</a>\n</p>\n'
    assert [(f.span.line, f.code) for f in signing(html, "share.html")] == [(2, "CL507")]
    document = json.dumps({"cassette": [{"uri": json_url}]}, indent=1).replace("\\\\u0026", "\\u0026")
    assert [f.code for f in signing(document, "fixtures/cassette.json")] == ["CL507"]


def test_text_rule_skips_placeholders_and_example_keys() -> None:
    text = (
        "GET /k?X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
        f"&X-Amz-Signature={SIGV4_SIGNATURE}\n"
        f"GET /k?AWSAccessKeyId={KEY}&Expires=<expires>&Signature=<signature>\n"
    )
    assert signing(text, "notes.txt") == []


def test_text_and_key_id_findings_sit_together() -> None:
    text = f"curl -o logo.png '{SIGV2_URL}'\n"
    assert codes(text, "fetch.sh") == [(1, "CL507"), (1, "CL101")]


def test_notebook_output_is_read_and_code_cells_by_the_python_rule(tmp_path: Path) -> None:
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": 1,
                "metadata": {},
                "source": ["import boto3\n", 'print("ready")\n'],
                "outputs": [{"name": "stdout", "output_type": "stream", "text": [SIGV4_URL + "\n"]}],
            }
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    text = json.dumps(notebook, indent=1)
    findings = signing(text, "share.ipynb")
    assert [f.code for f in findings] == ["CL507"]
    assert "(cell 1)" in findings[0].message


# --- CL509 hand-rolled-sigv4 --------------------------------------------------------------------


def test_documentation_style_helper_reached_through_its_callers() -> None:
    code = f"""
    import hashlib
    import hmac


    def sign(key, msg):
        return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


    def get_signature_key(key, date_stamp, region_name, service_name):
        k_date = sign(("AWS4" + key).encode("utf-8"), date_stamp)
        return sign(sign(sign(k_date, region_name), service_name), "aws4_request")


    first = get_signature_key("{SECRET}", "20240521", "eu-west-1", "es")
    second = get_signature_key(date_stamp="20240521", key="{SECRET[::-1]}", region_name="eu-west-1", service_name="s3")
    """
    findings = signing(code)
    assert [(f.span.line, f.span.column, f.code) for f in findings] == [(15, 28, "CL509"), (16, 56, "CL509")]
    assert findings[0].message.endswith("used to derive a SigV4 signing key on line 11")


def test_constants_f_strings_bytes_methods_and_environment_defaults() -> None:
    code = f"""
    import hashlib
    import hmac
    import os

    SECRET = "{SECRET}"
    fallback = os.environ.get("SIGNING_SECRET", "{SECRET[::-1]}")
    a = hmac.new(f"AWS4{{SECRET}}".encode(), b"20240521", hashlib.sha256)
    b = hmac.new(b"AWS4" + fallback.encode(), b"20240521", hashlib.sha256)


    class Signer:
        def key(self, secret, date_stamp="20240521"):
            return hmac.new(("AWS4" + secret).encode(), date_stamp.encode(), hashlib.sha256)


    c = Signer().key("{SECRET.swapcase()}")
    """
    assert lines(code) == [(6, "CL509"), (7, "CL509"), (17, "CL509")]


def test_key_derived_through_format_and_percent() -> None:
    code = f"""
    import hashlib
    import hmac

    SECRET = "{SECRET}"
    a = hmac.new("AWS4{{}}".format(SECRET).encode(), b"20240521", hashlib.sha256)
    b = hmac.new(("AWS4%s" % "{SECRET[::-1]}").encode(), b"20240521", hashlib.sha256)
    c = hmac.new("AWS4{{0}}{{1}}".format(SECRET, "x").encode(), b"20240521", hashlib.sha256)
    """
    assert lines(code) == [(5, "CL509"), (7, "CL509")]


def test_environment_secrets_algorithm_names_and_documentation_keys_are_not_flagged() -> None:
    code = """
    import hashlib
    import hmac
    import os

    ALGORITHM = "AWS4" + "-HMAC-SHA256"


    def signing_key(secret, date_stamp):
        return hmac.new(("AWS4" + secret).encode(), date_stamp.encode(), hashlib.sha256)


    from_environment = signing_key(os.environ["AWS_SECRET_ACCESS_KEY"], "20240521")
    placeholder = signing_key("your-secret-access-key-goes-here-please", "20240521")
    documentation = signing_key("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "20240521")
    """
    assert lines(code) == []


def test_hand_rolled_explanation_names_both_lines_and_the_skipped_chain() -> None:
    code = f"""
    import hashlib
    import hmac

    SECRET = "{SECRET}"
    key = hmac.new(("AWS4" + SECRET).encode(), b"20240521", hashlib.sha256)
    """
    [finding] = signing(code)
    explanation = finding.explanation
    assert "written on line 5 becomes a SigV4 signing key on line 6" in explanation.summary
    assert explanation.steps[0].method == "hand-rolled SigV4" and explanation.steps[0].line == 6
    assert {step.status for step in explanation.steps[1:]} == {"never consulted"}
    assert "SigV4Auth" in explanation.fix and "rotate" in explanation.fix
    assert SECRET not in json.dumps([finding.message, finding.preview, explanation.to_dict()])


# --- The example project ------------------------------------------------------------------------


def test_example_module_shows_each_signing_rule() -> None:
    path = REPO / "examples/billing_service/downloads.py"
    findings = lint_source(str(path), path.read_bytes(), list(RULES.values())).findings
    assert [(f.span.line, f.code) for f in findings] == [(13, "CL506"), (18, "CL507"), (20, "CL101"), (50, "CL509")]


# --- The installed command ----------------------------------------------------------------------


def test_cli_reports_both_rules_and_never_prints_the_signature(tmp_path: Path) -> None:
    (tmp_path / "links.py").write_text(
        "import boto3\n"
        "from botocore.client import Config\n\n"
        'legacy = boto3.client("s3", region_name="us-east-1", config=Config(signature_version="s3"))\n'
        f'SHARED = "{SIGV4_URL}"\n'
    )
    (tmp_path / "NOTES.md").write_text(f"Link: {SIGV2_URL}\n")
    result = run_cli(["check", "--format", "json", "."], cwd=tmp_path)
    found = sorted((f["path"], f["line"], f["code"]) for f in json.loads(result.stdout)["findings"])
    assert found == [
        ("NOTES.md", 1, "CL101"),
        ("NOTES.md", 1, "CL507"),
        ("links.py", 4, "CL506"),
        ("links.py", 5, "CL101"),
        ("links.py", 5, "CL507"),
    ]
    text = run_cli(["check", "."], cwd=tmp_path).stdout
    assert "signing chain, first link that answers wins:" in text
    for secret in (KEY, SIGV4_SIGNATURE, "vjbyPxybdZaNmGa"):
        assert secret not in result.stdout and secret not in text


UNRELATED = """
def unrelated_{n}(rows):
    return [len(row) for row in rows]
"""
# Findings that cross the parts of a module: a secret passed from a caller, a URL split between a
# constant and the function reading it, a comment inside a function.
CROSSING_PARTS = {
    "secret passed by a caller in another function": f"""
import hashlib
import hmac
def derive(key, day):
    return hmac.new(("AWS4" + key).encode(), day.encode(), hashlib.sha256).digest()
def main():
    return derive("{SECRET}", "20240521")
""",
    "secret held by a method's default": f"""
import hashlib
import hmac
class Signer:
    def key(self, day, secret="{SECRET}"):
        return hmac.new(f"AWS4{{secret}}".encode(), day.encode(), hashlib.sha256)
""",
    "url query in a constant read by a function": f"""
import requests
QUERY = "?{SIGV4_QUERY}"
def fetch():
    return requests.get("https://exports.s3.eu-west-1.amazonaws.com/invoices.csv" + QUERY)
""",
    "url in a comment inside a function": f"""
def fetch():
    # curl "{SIGV2_URL}"
    return None
""",
}


@pytest.mark.parametrize("name", CROSSING_PARTS)
def test_candidate_checks_and_slicing_hide_no_signing_finding(name: str) -> None:
    source = (UNRELATED.format(n=1) + CROSSING_PARTS[name] + UNRELATED.format(n=2)).encode()
    rules = [RULES[code] for code in ("CL506", "CL507", "CL509")]
    whole = [dataclasses.replace(info, candidate=None, seeds=None) for info in rules]
    found = lint_source("app.py", source, rules).findings
    assert found, "the shape must be one the rules report"
    assert found == lint_source("app.py", source, whole).findings


def test_a_sigv4_derivation_without_a_secret_in_the_module_is_never_parsed() -> None:
    code = b'import hmac\ndef derive(key, day):\n    return hmac.new(("AWS4" + key).encode(), day.encode(), "sha256")\n'
    assert not RULES["CL509"].triggered_by(FileProbe(code))


def test_the_candidate_check_knows_every_sigv2_signer() -> None:
    from credlint.checks.signing import candidates
    from credlint.checks.signing.signature_versions import SIGV2_VERSIONS

    assert set(SIGV2_VERSIONS) == candidates.SIGV2_NAMES
