"""The fixes of retries that take every ClientError: the library's own predicate keyword set to a
predicate botocore's retries agree with, or a guard in the clause of a function that calls itself."""

from __future__ import annotations

import json
from pathlib import Path

import libcst as cst
import pytest

from credlint.engine import lint_source
from credlint.finding import SET_RETRY_PREDICATE, Finding
from credlint.fixing import fix_source, fixable
from credlint.registry import RULES
from credlint.settings import RuleSettings
from tests.conftest import run_cli

HEADER = """import boto3
from botocore.exceptions import ClientError

s3 = boto3.client("s3", region_name="eu-west-1")
"""


def findings_of(source: str) -> tuple[Finding, ...]:
    settings = RuleSettings(root="/project")
    return lint_source("jobs.py", source.encode(), list(RULES.values()), kind="python", settings=settings).findings


def fixed(source: str) -> str:
    """The module after every fix; it must still parse, leave no CL402 or CL403 and fix to itself."""
    result = fix_source("jobs.py", source.encode(), fixable(findings_of(source), unsafe=True))
    assert result is not None
    cst.parse_module(result.after)
    after = findings_of(result.after)
    assert {f.code for f in after} & {"CL401", "CL402", "CL403"} == set()
    assert fix_source("jobs.py", result.after_bytes, fixable(after, unsafe=True)) is None
    return result.after


def test_tenacity_by_its_own_names_gets_the_import_it_needs_and_loses_the_one_it_no_longer_uses() -> None:
    source = f"""from tenacity import retry, retry_if_exception_type, stop_after_attempt
{HEADER}

@retry(retry=retry_if_exception_type(ClientError), stop=stop_after_attempt(3))
def fetch(key):
    return s3.get_object(Bucket="b", Key=key)
"""
    after = fixed(source)
    assert "from tenacity import retry_if_exception, retry, stop_after_attempt\n" in after
    assert "@retry(retry=retry_if_exception(is_retryable), stop=stop_after_attempt(3))" in after
    assert after.index("def is_retryable(error):") < after.index("@retry(")
    assert '\n\n\ndef is_retryable(error):\n    """' in after and "    )\n\n\n@retry(" in after


@pytest.mark.parametrize("retried", ["", ", retry=t.retry_if_exception_type(Exception)"])
def test_tenacity_by_its_module_alias_is_written_with_that_alias(retried: str) -> None:
    source = f"""import tenacity as t
{HEADER}

@t.retry(stop=t.stop_after_attempt(4), wait=t.wait_random_exponential(max=10){retried})
def fetch(key):
    return s3.get_object(Bucket="b", Key=key)
"""
    after = fixed(source)
    assert "import tenacity as t\n" in after and "from tenacity" not in after
    assert (
        "@t.retry(stop=t.stop_after_attempt(4), wait=t.wait_random_exponential(max=10), retry=t.retry_if_exception(is_retryable))"
        in after
    )


def test_a_bare_decorator_of_a_method_is_called_and_the_predicate_goes_before_its_class() -> None:
    source = f"""from tenacity import retry
{HEADER}

# stores invoices
class Store:
    @retry
    def tag(self, key):
        return s3.put_object_tagging(Bucket="b", Key=key, Tagging={{"TagSet": []}})
"""
    after = fixed(source)
    assert "    @retry(retry=retry_if_exception(is_retryable))\n    def tag" in after
    assert after.index("def is_retryable") < after.index("# stores invoices") < after.index("class Store")


def test_backoff_gives_up_and_retrying_is_given_the_predicate() -> None:
    source = f"""import backoff
from retrying import retry as with_retries
{HEADER}

@backoff.on_exception(
    backoff.expo,
    ClientError,
    max_tries=6,
)
def archive(key):
    s3.copy_object(Bucket="a", Key=key, CopySource={{"Bucket": "b", "Key": key}})


@with_retries(retry_on_exception=lambda error: True, stop_max_attempt_number=4, wait_exponential_multiplier=200)
def remove(key):
    s3.delete_object(Bucket="b", Key=key)
"""
    after = fixed(source)
    assert "    max_tries=6,\n    giveup=lambda error: not is_retryable(error),\n)\ndef archive" in after
    assert "@with_retries(retry_on_exception=is_retryable, stop_max_attempt_number=4" in after
    assert after.count("def is_retryable(") == 1


def test_the_predicate_takes_a_name_the_module_does_not_use_and_client_error_is_imported() -> None:
    source = """import boto3
from retrying import retry


def is_retryable(status):
    return status >= 500


s3 = boto3.client("s3", region_name="eu-west-1")


@retry(stop_max_attempt_number=3, wait_exponential_multiplier=100)
def remove(key):
    s3.delete_object(Bucket="b", Key=key)
"""
    after = fixed(source)
    assert "from botocore.exceptions import ClientError\n" in after
    assert "def is_retryable_2(error):" in after and "retry_on_exception=is_retryable_2)" in after
    assert "def is_retryable(status):" in after


RECURSIVE = f"""import time
{HEADER}

def record(key, retries=3):
    try:
        return s3.get_object(Bucket="b", Key=key)
    except {{clause}}:
        if retries == 0:
            raise
        time.sleep(2 ** (3 - retries))
        return record(key, retries - 1)
"""


def test_a_function_calling_itself_again_gets_a_guard_in_its_clause() -> None:
    after = fixed(RECURSIVE.format(clause="ClientError"))
    assert '    except ClientError as error:\n        if error.response["Error"]["Code"] not in (' in after


def test_a_clause_that_also_takes_other_errors_gets_no_guard() -> None:
    reported = [f for f in findings_of(RECURSIVE.format(clause="(ClientError, ValueError)")) if f.code == "CL402"]
    assert reported and reported[0].fix is None


@pytest.mark.parametrize(
    "decorator",
    [
        "@tenacity.retry(None, None, None, tenacity.retry_if_exception_type(ClientError))",  # retry= by position
        "@tenacity.retry(**OPTIONS)",  # options spread
        "@tenacity.retry(retry=tenacity.retry_if_exception_type((ClientError, OSError)))",  # OSError kept
        "@retry(ClientError, tries=3, delay=1, backoff=2)",  # the retry package: classes only
        "@tenacity.retry(tenacity.retry_if_exception_type(ClientError))",  # tenacity decorates the filter
    ],
)
def test_a_predicate_credlint_cannot_set_whole_has_no_fix(decorator: str) -> None:
    source = f"""import tenacity
from retry import retry
{HEADER}
OPTIONS = {{"stop": tenacity.stop_after_attempt(3), "reraise": True}}


{decorator}
def fetch(key):
    return s3.get_object(Bucket="b", Key=key)
"""
    reported = [f for f in findings_of(source) if f.code == "CL402"]
    assert reported and all(f.fix is None for f in reported)


def test_the_installed_cli_fixes_a_decorator_and_only_with_unsafe_fixes(tmp_path: Path) -> None:
    source = f"""from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential
{HEADER}

@retry(  # the invoices are large
    retry=retry_if_exception_type(ClientError),
    stop=stop_after_attempt(5),
    wait=wait_random_exponential(max=20),
)
def fetch(key):
    return s3.get_object(Bucket="b", Key=key)
"""
    path = tmp_path / "jobs.py"
    path.write_text(source)
    safe = run_cli(["check", "--no-cache", "--fix", "jobs.py"], cwd=tmp_path)
    assert "1 more with --unsafe-fixes" in safe.stderr and path.read_text() == source
    result = run_cli(["check", "--no-cache", "--fix", "--unsafe-fixes", "jobs.py"], cwd=tmp_path)
    assert result.returncode == 0 and "Fixed 1 finding(s)" in result.stderr
    after = path.read_text()
    assert "@retry(  # the invoices are large\n    retry=retry_if_exception(is_retryable),\n" in after
    report = run_cli(["check", "--no-cache", "--format", "json", "jobs.py"], cwd=tmp_path)
    assert json.loads(report.stdout)["findings"] == []


def test_the_fix_says_what_it_sets() -> None:
    source = f"""import backoff
{HEADER}

@backoff.on_exception(backoff.expo, ClientError, max_tries=6)
def archive(key):
    s3.delete_object(Bucket="b", Key=key)
"""
    (finding,) = [f for f in findings_of(source) if f.code == "CL402"]
    assert finding.fix is not None and finding.fix.action == SET_RETRY_PREDICATE
    assert finding.fix.arguments[:2] == ("giveup", "lambda error: not {}(error)")


@pytest.mark.parametrize(
    "binding",
    [
        "from mylib.errors import ClientError",
        "try:\n    from botocore.exceptions import ClientError\nexcept ImportError:\n    ClientError = Exception",
    ],
)
def test_no_predicate_where_client_error_means_something_else_or_may_be_missing(binding: str) -> None:
    source = f"""import boto3
from tenacity import retry
{binding}

s3 = boto3.client("s3", region_name="eu-west-1")


def handle(key):
    try:
        return s3.get_object(Bucket="b", Key=key)
    except ClientError:
        return None


@retry
def fetch(key):
    return s3.get_object(Bucket="b", Key=key)
"""
    found = fixable(findings_of(source), unsafe=True)
    assert [f.code for f in found] == ["CL402"] and fix_source("jobs.py", source.encode(), found) is None


def test_the_predicate_names_client_error_as_the_module_imports_it() -> None:
    source = """import boto3
from botocore.exceptions import ClientError as AwsError
from tenacity import retry

s3 = boto3.client("s3", region_name="eu-west-1")


@retry(reraise=True)
def fetch(key):
    return s3.get_object(Bucket="b", Key=key)
"""
    after = fixed(source)
    assert "    if not isinstance(error, AwsError):\n" in after and after.count("botocore.exceptions") == 1


def test_the_guard_takes_a_name_the_function_does_not_use() -> None:
    after = fixed(
        RECURSIVE.format(clause="ClientError").replace("import time\n", "import time\nfrom logging import error\n")
    )
    assert '    except ClientError as error_2:\n        if error_2.response["Error"]["Code"] not in (' in after


def test_an_added_keyword_leaves_every_comment_with_its_argument() -> None:
    source = f"""import backoff
{HEADER}

@backoff.on_exception(
    backoff.expo,
    ClientError,  # all of them
    max_tries=3,  # enough
)
def archive(key):
    s3.delete_object(Bucket="b", Key=key)


@backoff.on_exception(
    backoff.expo,
    ClientError  # no trailing comma
)
def remove(key):
    s3.delete_object(Bucket="b", Key=key)
"""
    after = fixed(source)
    assert (
        "    ClientError,  # all of them\n    max_tries=3,  # enough\n    giveup=lambda error: not is_retryable(error),\n)\n"
        in after
    )
    assert "    ClientError,  # no trailing comma\n    giveup=lambda error: not is_retryable(error)\n)\n" in after
