"""The retry rules on a client's modeled exception classes (`except s3.exceptions.NoSuchKey`),
polls that wait for a resource, loops with several try statements, the retry package (`from retry
import retry`, retry_call) and tenacity's positional arguments."""

from __future__ import annotations

import json
import textwrap

import pytest

from credlint.engine import lint_source
from credlint.registry import RULES
from tests.conftest import run_cli
from tests.test_retry import HEAD, UNFILTERED, retry_codes, retry_findings

FLAGGED = {
    "a modeled 4xx class retried with backoff": (
        """
        def fetch(key):
            for attempt in range(5):
                try:
                    return s3.get_object(Bucket="b", Key=key)
                except s3.exceptions.NoSuchKey:
                    time.sleep(2 ** attempt)
        """,
        [(6, "CL403")],
    ),
    "an alias of the class": (
        """
        NoKey = s3.exceptions.NoSuchKey

        def fetch(key):
            for attempt in range(5):
                try:
                    return s3.get_object(Bucket="b", Key=key)
                except NoKey:
                    time.sleep(2 ** attempt)
        """,
        [(8, "CL403")],
    ),
    "an alias of the client's exceptions": (
        """
        errors = s3.exceptions

        def fetch(key):
            for attempt in range(5):
                try:
                    return s3.get_object(Bucket="b", Key=key)
                except errors.NoSuchKey:
                    time.sleep(2 ** attempt)
        """,
        [(8, "CL403")],
    ),
    "a tuple constant of modeled classes": (
        """
        MISSING = (s3.exceptions.NoSuchKey, s3.exceptions.NoSuchBucket)

        def fetch(key):
            for attempt in range(5):
                try:
                    return s3.get_object(Bucket="b", Key=key)
                except MISSING:
                    time.sleep(random.uniform(0, 2 ** attempt))
        """,
        [(8, "CL403")],
    ),
    "a client passed as a parameter (IAM role not propagated yet)": (
        """
        def create(client, role_arn):
            for attempt in range(6):
                try:
                    return client.create_function(FunctionName="f", Role=role_arn)
                except client.exceptions.InvalidParameterValueException:
                    time.sleep(2 ** attempt)
        """,
        [(6, "CL403")],
    ),
    "a client held by the instance": (
        """
        class Store:
            def __init__(self):
                self.client = boto3.client("s3", region_name="eu-west-1")

            def get(self, key):
                for attempt in range(5):
                    try:
                        return self.client.get_object(Bucket="b", Key=key)
                    except self.client.exceptions.NoSuchKey:
                        time.sleep(2 ** attempt)
        """,
        [(10, "CL403")],
    ),
    "a resource's client": (
        """
        resource = boto3.resource("s3", region_name="eu-west-1")

        def get(key):
            for attempt in range(5):
                try:
                    return resource.Object("b", key).get()
                except resource.meta.client.exceptions.NoSuchKey:
                    time.sleep(2 ** attempt)
        """,
        [(8, "CL403")],
    ),
    "a DynamoDB table's client": (
        """
        table = boto3.resource("dynamodb", region_name="eu-west-1").Table("orders")

        def put(item):
            for attempt in range(4):
                try:
                    return table.put_item(Item=item, ConditionExpression="attribute_not_exists(pk)")
                except table.meta.client.exceptions.ConditionalCheckFailedException:
                    time.sleep(random.uniform(0, 2 ** attempt))
        """,
        [(8, "CL403")],
    ),
    "a modeled class next to ClientError: every ClientError": (
        """
        def fetch(key):
            for attempt in range(5):
                try:
                    return s3.get_object(Bucket="b", Key=key)
                except (s3.exceptions.NoSuchKey, ClientError):
                    time.sleep(2 ** attempt)
        """,
        [(6, "CL401")],
    ),
    "a modeled class retried until the last attempt": (
        """
        def fetch(key):
            for attempt in range(5):
                try:
                    return s3.get_object(Bucket="b", Key=key)
                except s3.exceptions.NoSuchKey:
                    if attempt == 4:
                        raise
                    time.sleep(2 ** attempt)
        """,
        [(6, "CL403")],
    ),
    "a wait for a key with no bound": (
        """
        def wait_for(key):
            while True:
                try:
                    return s3.get_object(Bucket="b", Key=key)
                except s3.exceptions.NoSuchKey:
                    time.sleep(5)
        """,
        [(6, "CL403")],
    ),
    "a modeled class retried at once": (
        """
        def fetch(key):
            for attempt in range(3):
                try:
                    return s3.get_object(Bucket="b", Key=key)
                except s3.exceptions.NoSuchKey:
                    pass
        """,
        [(6, "CL403")],
    ),
    "a code list of absent keys with backoff": (
        """
        def fetch(key):
            for attempt in range(5):
                try:
                    return s3.get_object(Bucket="b", Key=key)
                except ClientError as error:
                    if error.response["Error"]["Code"] != "NoSuchKey":
                        raise
                    time.sleep(random.uniform(0, 2 ** attempt))
        """,
        [(6, "CL403")],
    ),
    "tenacity limited to a modeled class, with exponential waits": (
        """
        from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

        @retry(retry=retry_if_exception_type(s3.exceptions.NoSuchKey), stop=stop_after_attempt(5), wait=wait_exponential())
        def fetch(key):
            return s3.get_object(Bucket="b", Key=key)
        """,
        [(4, "CL403")],
    ),
    "backoff on a modeled class": (
        """
        import backoff

        ddb = boto3.client("dynamodb", region_name="eu-west-1")

        @backoff.on_exception(backoff.expo, ddb.exceptions.ConditionalCheckFailedException, max_tries=3)
        def put(item):
            return ddb.put_item(TableName="t", Item=item)
        """,
        [(6, "CL403")],
    ),
    "a handler that calls its own function again on a modeled class": (
        """
        def fetch(key, retries=3):
            try:
                return s3.get_object(Bucket="b", Key=key)
            except s3.exceptions.NoSuchBucket:
                if not retries:
                    raise
                time.sleep(2 ** (3 - retries))
                return fetch(key, retries - 1)
        """,
        [(9, "CL403")],
    ),
    "two try statements in one loop: each handler counts": (
        """
        sqs = boto3.client("sqs", region_name="eu-west-1")

        def forward(key):
            for attempt in range(5):
                try:
                    body = s3.get_object(Bucket="b", Key=key)["Body"].read()
                except ClientError:
                    time.sleep(random.uniform(0, 2 ** attempt))
                    continue
                try:
                    return sqs.send_message(QueueUrl="q", MessageBody=body)
                except ClientError as error:
                    if error.response["Error"]["Code"] != "AccessDenied":
                        raise
                    time.sleep(random.uniform(0, 2 ** attempt))
        """,
        [(8, "CL401"), (13, "CL403")],
    ),
    "a first try whose success leads to a later return": (
        """
        def parse(key):
            for attempt in range(5):
                try:
                    body = s3.get_object(Bucket="b", Key=key)["Body"].read()
                except ClientError:
                    time.sleep(random.uniform(0, 2 ** attempt))
                    continue
                try:
                    return int(body)
                except ValueError:
                    return None
        """,
        [(6, "CL401")],
    ),
    "try statements in both branches of an if": (
        """
        def fetch(key, head):
            while True:
                if head:
                    try:
                        return s3.head_object(Bucket="b", Key=key)
                    except s3.exceptions.NoSuchKey:
                        time.sleep(random.random())
                else:
                    try:
                        return s3.get_object(Bucket="b", Key=key)
                    except ClientError:
                        time.sleep(random.random())
        """,
        [(7, "CL403"), (12, "CL401")],
    ),
    "a class the client's service does not model as retryable": (
        """
        def update(key):
            for attempt in range(5):
                try:
                    return s3.put_object(Bucket="b", Key=key, Body=b"")
                except s3.exceptions.ConflictException:
                    time.sleep(random.uniform(0, 2 ** attempt))
        """,
        [(6, "CL403")],
    ),
    "retry with keywords and backoff": (
        """
        from retry import retry

        @retry(exceptions=ClientError, tries=5, delay=1, backoff=2)
        def fetch(key):
            return s3.get_object(Bucket="b", Key=key)
        """,
        [(4, "CL402")],
    ),
    "retry with positional arguments and a constant delay": (
        """
        from retry import retry

        @retry(ClientError, 5, 1)
        def fetch(key):
            return s3.get_object(Bucket="b", Key=key)
        """,
        [(4, "CL402"), (4, "CL404")],
    ),
    "retry's defaults: every exception, no limit, no delay": (
        """
        from retry import retry

        @retry()
        def fetch(key):
            return s3.get_object(Bucket="b", Key=key)
        """,
        [(4, "CL402"), (4, "CL404")],
    ),
    "retry by its module, with a random jitter": (
        """
        import retry

        @retry.retry(Exception, tries=3, delay=1, jitter=(0, 1))
        def fetch(key):
            return s3.get_object(Bucket="b", Key=key)
        """,
        [(4, "CL402")],
    ),
    "retry from retry.api under another name, constant delay by a module constant": (
        """
        from retry.api import retry as with_retries

        DELAY = 0.5

        @with_retries((ClientError, BotoCoreError), tries=4, delay=DELAY)
        def fetch(key):
            return s3.get_object(Bucket="b", Key=key)
        """,
        [(6, "CL402"), (6, "CL404")],
    ),
    "retry limited to a modeled 4xx class": (
        """
        from retry import retry

        @retry(s3.exceptions.NoSuchKey, tries=4, delay=1, backoff=2)
        def fetch(key):
            return s3.get_object(Bucket="b", Key=key)
        """,
        [(4, "CL403")],
    ),
    "retry_call of a client's method": (
        """
        from retry.api import retry_call

        def fetch(key):
            return retry_call(s3.get_object, fkwargs={"Bucket": "b", "Key": key}, exceptions=ClientError, tries=3, delay=1, backoff=2)
        """,
        [(5, "CL402")],
    ),
    "retry_call with positional arguments": (
        """
        import retry.api

        def fetch(key):
            return retry.api.retry_call(s3.get_object, None, {"Bucket": "b", "Key": key}, ClientError, 3, 2)
        """,
        [(5, "CL402"), (5, "CL404")],
    ),
    "retry_call of a lambda, no delay": (
        """
        from retry.api import retry_call

        def fetch(key):
            return retry_call(lambda: s3.get_object(Bucket="b", Key=key), exceptions=(ClientError,), tries=3)
        """,
        [(5, "CL402"), (5, "CL404")],
    ),
    "retry_call of a function of the module, every exception": (
        """
        from retry.api import retry_call

        def read(key):
            return s3.get_object(Bucket="b", Key=key)["Body"].read()

        def fetch(key):
            return retry_call(read, fargs=[key], tries=3, delay=1, backoff=2)
        """,
        [(8, "CL402")],
    ),
    "tenacity's retry with positional arguments": (
        """
        import tenacity
        from tenacity import retry_if_exception_type, stop_after_attempt, wait_fixed

        @tenacity.retry(tenacity.nap.sleep, stop_after_attempt(3), wait_fixed(1), retry_if_exception_type(ClientError))
        def fetch(key):
            return s3.get_object(Bucket="b", Key=key)
        """,
        [(5, "CL402"), (5, "CL404")],
    ),
    "tenacity's Retrying with positional arguments": (
        """
        import tenacity
        from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

        def fetch(key):
            for attempt in Retrying(tenacity.nap.sleep, stop_after_attempt(3), wait_exponential(), retry_if_exception_type(s3.exceptions.NoSuchKey)):
                with attempt:
                    return s3.get_object(Bucket="b", Key=key)
        """,
        [(6, "CL403")],
    ),
    "tenacity with its options in a module dict": (
        """
        import tenacity

        OPTIONS = {"stop": tenacity.stop_after_attempt(3), "retry": tenacity.retry_if_exception_type(ClientError)}

        @tenacity.retry(**OPTIONS)
        def fetch(key):
            return s3.get_object(Bucket="b", Key=key)
        """,
        [(6, "CL402"), (6, "CL404")],
    ),
}

NOT_FLAGGED = {
    "a throttling class with backoff": """
        ddb = boto3.client("dynamodb", region_name="eu-west-1")

        def put(item):
            for attempt in range(5):
                try:
                    return ddb.put_item(TableName="t", Item=item)
                except (ddb.exceptions.ProvisionedThroughputExceededException, ddb.exceptions.ThrottlingException):
                    time.sleep(random.uniform(0, 2 ** attempt))
        """,
    "a class the client's service models as retryable": """
        media = boto3.client("mediaconnect", region_name="eu-west-1")

        def start(arn):
            for attempt in range(5):
                try:
                    return media.start_flow(FlowArn=arn)
                except media.exceptions.ConflictException:
                    time.sleep(random.uniform(0, 2 ** attempt))
        """,
    "a bounded poll for a key at a fixed interval": """
        def wait_for(key):
            for attempt in range(20):
                try:
                    return s3.get_object(Bucket="b", Key=key)
                except s3.exceptions.NoSuchKey:
                    time.sleep(5)
        """,
    "a bounded poll written with the error code": """
        def wait_for(key):
            for attempt in range(20):
                try:
                    return s3.head_object(Bucket="b", Key=key)
                except ClientError as error:
                    if error.response["Error"]["Code"] not in ("404", "NoSuchKey"):
                        raise
                    time.sleep(5)
        """,
    "a waiter called in the handler": """
        def delete(bucket):
            waiter = s3.get_waiter("bucket_exists")
            for attempt in range(5):
                try:
                    s3.delete_bucket(Bucket=bucket)
                    return
                except s3.exceptions.NoSuchBucket:
                    waiter.wait(Bucket=bucket)
        """,
    "tenacity polling at a fixed interval": """
        from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_fixed

        @retry(retry=retry_if_exception_type(s3.exceptions.NoSuchKey), stop=stop_after_attempt(10), wait=wait_fixed(5))
        def wait_for_report(key):
            return s3.get_object(Bucket="reports", Key=key)
        """,
    "a module's exceptions, not a client's": """
        import mylib

        def fetch(key):
            for attempt in range(5):
                try:
                    return s3.get_object(Bucket="b", Key=key)
                except mylib.exceptions.InvalidKeyError:
                    time.sleep(2 ** attempt)
        """,
    "a modeled class handled once": """
        def fetch(key):
            for attempt in range(5):
                try:
                    return s3.get_object(Bucket="b", Key=key)
                except s3.exceptions.NoSuchKey:
                    return None
                except ClientError as error:
                    if error.response["Error"]["Code"] != "SlowDown":
                        raise
                    time.sleep(random.uniform(0, 2 ** attempt))
        """,
    "each bucket once": """
        def delete_all(buckets):
            for bucket in buckets:
                try:
                    s3.delete_bucket(Bucket=bucket)
                except s3.exceptions.NoSuchBucket:
                    continue
        """,
    "two try statements, neither retrying a 4xx": """
        def forward(key):
            for attempt in range(5):
                try:
                    body = s3.get_object(Bucket="b", Key=key)["Body"].read()
                except s3.exceptions.NoSuchKey:
                    return None
                try:
                    return json.loads(body)
                except ValueError:
                    time.sleep(1)
        """,
    "retry on errors that are not AWS errors": """
        from retry import retry

        @retry(ValueError, tries=3)
        def fetch(key):
            return s3.get_object(Bucket="b", Key=key)
        """,
    "retry without AWS calls": """
        from retry import retry

        @retry(tries=3, delay=1)
        def compute():
            return 42
        """,
    "retry of throttling classes with a random jitter": """
        from retry import retry

        ddb = boto3.client("dynamodb", region_name="eu-west-1")

        @retry(ddb.exceptions.ProvisionedThroughputExceededException, tries=4, delay=1, jitter=(0, 2))
        def put(item):
            return ddb.put_item(TableName="t", Item=item)
        """,
    "retry polling for a key at a fixed interval": """
        from retry import retry

        @retry(s3.exceptions.NoSuchKey, tries=20, delay=5)
        def wait_for(key):
            return s3.get_object(Bucket="b", Key=key)
        """,
    "a bare @retry of the retry package retries nothing": """
        from retry import retry

        @retry
        def fetch(key):
            return s3.get_object(Bucket="b", Key=key)
        """,
    "a project's own retry module with another signature": """
        from retry import retry

        @retry(times=3)
        def fetch(key):
            return s3.get_object(Bucket="b", Key=key)
        """,
    "a retry helper of the package itself": """
        from .retry import retry

        @retry()
        def fetch(key):
            return s3.get_object(Bucket="b", Key=key)
        """,
    "retry_call of code that makes no AWS request": """
        from retry.api import retry_call

        def fetch(url):
            return retry_call(len, fargs=[url], tries=3)
        """,
    "another library's retry_call": """
        from mylib import retry_call

        def fetch(key):
            return retry_call(s3.get_object, exceptions=ClientError, tries=3)
        """,
    "tenacity with options it cannot see": """
        import tenacity

        def make(options):
            @tenacity.retry(**options)
            def fetch(key):
                return s3.get_object(Bucket="b", Key=key)

            return fetch
        """,
}


@pytest.mark.parametrize("body,expected", FLAGGED.values(), ids=FLAGGED.keys())
def test_flagged(body: str, expected: list[tuple[int, str]]) -> None:
    assert retry_codes(body) == expected


@pytest.mark.parametrize("body", NOT_FLAGGED.values(), ids=NOT_FLAGGED.keys())
def test_not_flagged(body: str) -> None:
    assert retry_codes(body) == []


@pytest.mark.parametrize(
    "source", [HEAD + textwrap.dedent(body) for body in (*(b for b, _ in FLAGGED.values()), *NOT_FLAGGED.values())]
)
def test_prefilter_never_hides_a_retry_finding(source: str) -> None:
    filtered = lint_source("snippet.py", source.encode(), list(RULES.values())).findings
    assert filtered == lint_source("snippet.py", source.encode(), UNFILTERED).findings


def test_a_modeled_class_explains_which_link_and_what_botocore_does() -> None:
    (finding,) = retry_findings(FLAGGED["a modeled 4xx class retried with backoff"][0])
    assert finding.message == "Retry loop in fetch() retries 'NoSuchKey', which botocore does not retry"
    explanation = finding.explanation
    assert "catches the client's modeled exception class for 'NoSuchKey'" in explanation.summary
    links = [(step.position, step.method, step.status) for step in explanation.steps]
    assert links[:3] == [
        ("1", "botocore standard mode", "default >= 1.44.0"),
        ("1", "botocore legacy mode", "default <= 1.43.x"),
        ("2", "for attempt in range(5)", "this code"),
    ]
    assert explanation.steps[-1].reads == "5 x 1 = 5 requests, each failing the same way"
    assert "second retry layer (link 2)" in explanation.runtime
    assert "botocore's layer (link 1) hands back after the first attempt" in explanation.runtime
    assert "overloaded" not in explanation.runtime  # it does not retry throttling: no multiplication
    assert explanation.fix.startswith("Stop retrying 'NoSuchKey': take its class out of the retry")
    assert "client.get_waiter(...)" in explanation.fix and "bounded number of attempts" in explanation.fix


def test_a_change_that_has_to_propagate_is_told_to_suppress_with_a_reason() -> None:
    (finding,) = retry_findings(FLAGGED["a client passed as a parameter (IAM role not propagated yet)"][0])
    assert "'InvalidParameterValueException'" in finding.message
    assert "an IAM role that has not propagated yet" in finding.explanation.fix
    assert "suppress this finding with the reason" in finding.explanation.fix


def test_several_modeled_classes_read_in_the_plural() -> None:
    (finding,) = retry_findings(FLAGGED["a tuple constant of modeled classes"][0])
    assert (
        finding.message == "Retry loop in fetch() retries 'NoSuchBucket' and 'NoSuchKey', which botocore does not retry"
    )
    assert (
        "modeled exception classes for 'NoSuchBucket' and 'NoSuchKey' and retries them" in finding.explanation.summary
    )
    assert "take their classes out of the retry" in finding.explanation.fix


def test_an_unbounded_wait_says_so() -> None:
    (finding,) = retry_findings(FLAGGED["a wait for a key with no bound"][0])
    assert finding.explanation.steps[-1].reads.startswith("unbounded: this code never gives up")
    assert "forever" in finding.explanation.runtime


def test_the_installed_command_reads_modeled_classes_and_the_retry_package(tmp_path) -> None:
    (tmp_path / "jobs.py").write_text(
        textwrap.dedent("""\
            import time

            import boto3
            from botocore.exceptions import ClientError
            from retry import retry

            s3 = boto3.client("s3", region_name="eu-west-1")


            def fetch(key):
                for attempt in range(5):
                    try:
                        return s3.get_object(Bucket="b", Key=key)
                    except s3.exceptions.NoSuchKey:
                        time.sleep(2**attempt)


            def wait_for(key):
                for attempt in range(20):
                    try:
                        return s3.get_object(Bucket="b", Key=key)
                    except s3.exceptions.NoSuchKey:
                        time.sleep(5)


            @retry(ClientError, tries=4, delay=1, backoff=2)
            def head(key):
                return s3.head_object(Bucket="b", Key=key)
            """)
    )
    result = run_cli(["check", "--format", "json", "--select", "CL4", "."], cwd=tmp_path)
    document = json.loads(result.stdout)
    found = [(f["path"], f["line"], f["code"], f["message"]) for f in document["findings"]]
    assert found == [
        ("jobs.py", 14, "CL403", "Retry loop in fetch() retries 'NoSuchKey', which botocore does not retry"),
        (
            "jobs.py",
            26,
            "CL402",
            "@retry (retry) on head() retries every ClientError: the retry package takes exception classes only, "
            "so nothing checks the error code",
        ),
    ]
    assert document["errors"] == []


def test_retry_package_reads_tries_and_delay() -> None:
    default, backoff_free = (
        retry_findings(FLAGGED["retry's defaults: every exception, no limit, no delay"][0]),
        retry_findings(FLAGGED["retry with positional arguments and a constant delay"][0]),
    )
    assert default[0].message == (
        "@retry (retry) on fetch() retries every exception (ClientError included): the retry package takes "
        "exception classes only, so nothing checks the error code"
    )
    this_code = next(step for step in default[0].explanation.steps if step.status == "this code")
    assert this_code.reads.startswith("no limit on attempts (no tries=); no delay between attempts")
    assert default[1].message == "@retry (retry) on fetch() retries with no delay between attempts"
    assert backoff_free[1].message == "@retry (retry) on fetch() waits a constant delay between attempts (delay=1)"
    this_code = next(step for step in backoff_free[0].explanation.steps if step.status == "this code")
    assert this_code.reads.startswith("5 attempts (tries=5); a constant delay (delay=1)")
    assert "or move to tenacity with retry=retry_if_exception(is_retryable)" in backoff_free[0].explanation.fix


def test_retry_call_is_reported_at_the_call() -> None:
    (finding,) = retry_findings(FLAGGED["retry_call of a client's method"][0])
    assert finding.message.startswith("retry_call(...) (retry) in fetch() retries every ClientError")
    assert finding.explanation.steps[-1].reads == "3 x 3 = 9 requests (standard), 3 x 5 = 15 requests (legacy)"
