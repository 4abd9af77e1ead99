"""The retry rules (CL401-CL404) on real-code shapes, their explanations, and their prefilter."""

from __future__ import annotations

import dataclasses
import textwrap

import pytest

from credlint.checks.retry.candidates import lines_with_retry_shape
from credlint.checks.retry.sdk_retries import is_client_error_code, sdk_retries_code
from credlint.engine import lint_source
from credlint.prefilter import FileProbe
from credlint.registry import RULES
from tests.conftest import lint

HEAD = """
import asyncio
import random
import time

import boto3
from botocore.exceptions import BotoCoreError, ClientError

s3 = boto3.client("s3", region_name="eu-west-1")
"""


def retry_codes(body: str, head: str = HEAD) -> list[tuple[int, str]]:
    """(line within body, code) of the CL4xx findings for a snippet placed after HEAD."""
    offset = head.count("\n")
    found = lint(head + textwrap.dedent(body))
    return [(finding.span.line - offset, finding.code) for finding in found if finding.code.startswith("CL4")]


def retry_findings(body: str, head: str = HEAD):
    return [finding for finding in lint(head + textwrap.dedent(body)) if finding.code.startswith("CL4")]


FLAGGED = {
    "for range, constant sleep": (
        """
        def fetch(key):
            for attempt in range(5):
                try:
                    return s3.get_object(Bucket="b", Key=key)
                except ClientError:
                    time.sleep(1)
        """,
        [(6, "CL401"), (7, "CL404")],
    ),
    "while True, no sleep, counter guard": (
        """
        def fetch(key):
            attempts = 0
            while True:
                try:
                    return s3.get_object(Bucket="b", Key=key)
                except ClientError:
                    attempts += 1
                    if attempts >= 5:
                        raise
        """,
        [(4, "CL404"), (7, "CL401")],
    ),
    "while attempts < n with a module constant": (
        """
        MAX_ATTEMPTS = 4

        def fetch(key):
            attempts = 0
            while attempts < MAX_ATTEMPTS:
                try:
                    return s3.get_object(Bucket="b", Key=key)
                except ClientError:
                    attempts += 1
                    time.sleep(2 ** attempts)
        """,
        [(9, "CL401")],
    ),
    "aliased imports": (
        """
        import boto3 as b3
        from botocore.exceptions import ClientError as CE

        sqs = b3.client("sqs", region_name="eu-west-1")

        def send(body):
            for attempt in range(3):
                try:
                    return sqs.send_message(QueueUrl="q", MessageBody=body)
                except CE:
                    time.sleep(2 ** attempt)
        """,
        [(11, "CL401")],
    ),
    "client.exceptions.ClientError on a session's client": (
        """
        session = boto3.Session(region_name="eu-west-1")
        sns = session.client("sns")

        def publish(message):
            for attempt in range(3):
                try:
                    return sns.publish(TopicArn="t", Message=message)
                except sns.exceptions.ClientError:
                    time.sleep(random.uniform(0, 2 ** attempt))
        """,
        [(9, "CL401")],
    ),
    "botocore.exceptions.ClientError by module path": (
        """
        import botocore

        def fetch(key):
            for attempt in range(3):
                try:
                    return s3.get_object(Bucket="b", Key=key)
                except botocore.exceptions.ClientError:
                    time.sleep(random.uniform(0, 2 ** attempt))
        """,
        [(8, "CL401")],
    ),
    "except (ClientError, BotoCoreError)": (
        """
        def fetch(key):
            for attempt in range(3):
                try:
                    return s3.get_object(Bucket="b", Key=key)
                except (ClientError, BotoCoreError):
                    time.sleep(random.uniform(0, 2 ** attempt))
        """,
        [(6, "CL401")],
    ),
    "a tuple of errors in a module constant": (
        """
        AWS_ERRORS = (ClientError, BotoCoreError)

        def fetch(key):
            for attempt in range(3):
                try:
                    return s3.get_object(Bucket="b", Key=key)
                except AWS_ERRORS:
                    time.sleep(random.uniform(0, 2 ** attempt))
        """,
        [(8, "CL401")],
    ),
    "except Exception around a client held by the instance": (
        """
        class Store:
            def __init__(self):
                self.table = boto3.resource("dynamodb", region_name="eu-west-1").Table("usage")

            def put(self, item):
                while True:
                    try:
                        self.table.put_item(Item=item)
                        return
                    except Exception:
                        time.sleep(random.uniform(0, 1))
        """,
        [(11, "CL401")],
    ),
    "bare except around an aioboto3 client": (
        """
        import aioboto3

        async def fetch(key):
            session = aioboto3.Session()
            async with session.client("s3", region_name="eu-west-1") as client:
                for attempt in range(3):
                    try:
                        return await client.get_object(Bucket="b", Key=key)
                    except:
                        await asyncio.sleep(1)
        """,
        [(10, "CL401"), (11, "CL404")],
    ),
    "retry helper used by others in the module": (
        """
        def with_retries(call, *args, **kwargs):
            for attempt in range(5):
                try:
                    return call(*args, **kwargs)
                except ClientError:
                    time.sleep(random.uniform(0, 2 ** attempt))

        def fetch(key):
            return with_retries(s3.get_object, Bucket="b", Key=key)

        def delete(key):
            return with_retries(s3.delete_object, Bucket="b", Key=key)
        """,
        [(6, "CL401")],
    ),
    "nested loops: the inner loop retries": (
        """
        def delete_all(keys):
            for key in keys:
                for attempt in range(3):
                    try:
                        s3.delete_object(Bucket="b", Key=key)
                        break
                    except ClientError:
                        time.sleep(random.uniform(0, 2 ** attempt))
        """,
        [(8, "CL401")],
    ),
    "continue in the handler, break after the try": (
        """
        def fetch(key):
            for attempt in range(3):
                try:
                    body = s3.get_object(Bucket="b", Key=key)
                except ClientError:
                    time.sleep(random.uniform(0, 2 ** attempt))
                    continue
                break
        """,
        [(6, "CL401")],
    ),
    "a flag set on success": (
        """
        def upload(body):
            done = False
            while not done:
                try:
                    s3.put_object(Bucket="b", Key="k", Body=body)
                    done = True
                except ClientError:
                    time.sleep(random.uniform(0, 2))
        """,
        [(8, "CL401")],
    ),
    "a deny-list still retries the other codes": (
        """
        def fetch(key):
            for attempt in range(3):
                try:
                    return s3.get_object(Bucket="b", Key=key)
                except s3.exceptions.NoSuchKey:
                    return None
                except ClientError as error:
                    if error.response["Error"]["Code"] == "AccessDenied":
                        raise
                    time.sleep(random.uniform(0, 2 ** attempt))
        """,
        [(8, "CL401")],
    ),
    "tenacity @retry bare": (
        """
        from tenacity import retry

        @retry
        def fetch(key):
            return s3.get_object(Bucket="b", Key=key)
        """,
        [(4, "CL402"), (4, "CL404")],
    ),
    "tenacity with an alias and retry_if_exception_type(ClientError) | ...": (
        """
        import tenacity as t

        @t.retry(
            retry=t.retry_if_exception_type(ClientError) | t.retry_if_exception_type(ConnectionError),
            stop=t.stop_after_attempt(3),
            wait=t.wait_exponential(),
        )
        def fetch(key):
            return s3.get_object(Bucket="b", Key=key)
        """,
        [(4, "CL402")],
    ),
    "tenacity Retrying as a loop": (
        """
        from tenacity import Retrying, stop_after_attempt, wait_random_exponential

        def fetch(key):
            for attempt in Retrying(stop=stop_after_attempt(3), wait=wait_random_exponential()):
                with attempt:
                    return s3.get_object(Bucket="b", Key=key)
        """,
        [(5, "CL402")],
    ),
    "backoff from-import without giveup": (
        """
        from backoff import expo, on_exception

        @on_exception(expo, ClientError, max_tries=4)
        def fetch(key):
            return s3.get_object(Bucket="b", Key=key)
        """,
        [(4, "CL402")],
    ),
    "backoff constant without jitter": (
        """
        import backoff

        @backoff.on_exception(backoff.constant, ClientError, interval=1, jitter=None, giveup=lambda e: e.response["Error"]["Code"] != "SlowDown")
        def fetch(key):
            return s3.get_object(Bucket="b", Key=key)
        """,
        [(4, "CL404")],
    ),
    "retrying defaults": (
        """
        from retrying import retry

        @retry
        def fetch(key):
            return s3.get_object(Bucket="b", Key=key)
        """,
        [(4, "CL402"), (4, "CL404")],
    ),
    "retrying with a predicate that takes every ClientError": (
        """
        from retrying import retry

        def retry_if_client_error(exception):
            return isinstance(exception, ClientError)

        @retry(retry_on_exception=retry_if_client_error, wait_exponential_multiplier=100)
        def fetch(key):
            return s3.get_object(Bucket="b", Key=key)
        """,
        [(7, "CL402")],
    ),
    "a method calling itself again": (
        """
        class Invoices:
            def fetch(self, key, retries=3):
                try:
                    return s3.get_object(Bucket="b", Key=key)
                except ClientError:
                    if not retries:
                        raise
                    return self.fetch(key, retries - 1)
        """,
        [(9, "CL402"), (9, "CL404")],
    ),
    "allow-list with AccessDenied in a set": (
        """
        RETRY_ON = {"Throttling", "AccessDenied"}

        def fetch(key):
            for attempt in range(3):
                try:
                    return s3.get_object(Bucket="b", Key=key)
                except ClientError as error:
                    if error.response["Error"]["Code"] not in RETRY_ON:
                        raise
                    time.sleep(random.uniform(0, 2 ** attempt))
        """,
        [(8, "CL403")],
    ),
    "numeric code 404 with ==": (
        """
        def head(key):
            for attempt in range(3):
                try:
                    return s3.head_object(Bucket="b", Key=key)
                except ClientError as error:
                    if error.response["Error"]["Code"] == "404":
                        time.sleep(random.uniform(0, 2 ** attempt))
                        continue
                    raise
        """,
        [(6, "CL403")],
    ),
    "ConditionalCheckFailedException by isinstance of a modeled class": (
        """
        ddb = boto3.client("dynamodb", region_name="eu-west-1")

        def put(item):
            for attempt in range(3):
                try:
                    return ddb.put_item(TableName="t", Item=item)
                except ClientError as error:
                    if isinstance(error, ddb.exceptions.ConditionalCheckFailedException):
                        time.sleep(random.uniform(0, 2 ** attempt))
                        continue
                    raise
        """,
        [(8, "CL403")],
    ),
    "helper predicate that lets AccessDenied through": (
        """
        def retryable(error):
            code = error.response.get("Error", {}).get("Code", "")
            return code.startswith("Throttl") or code == "AccessDeniedException"

        def fetch(key):
            for attempt in range(3):
                try:
                    return s3.get_object(Bucket="b", Key=key)
                except ClientError as error:
                    if not retryable(error):
                        raise
                    time.sleep(random.uniform(0, 2 ** attempt))
        """,
        [(10, "CL403")],
    ),
    "backoff giveup that lets 403 through": (
        """
        import backoff

        def fatal(error):
            status = error.response["ResponseMetadata"]["HTTPStatusCode"]
            return status < 403 or (404 <= status < 500 and status != 429)

        @backoff.on_exception(backoff.expo, ClientError, max_tries=4, giveup=fatal)
        def fetch(key):
            return s3.get_object(Bucket="b", Key=key)
        """,
        [(8, "CL403")],
    ),
    "throttling class retried immediately": (
        """
        ddb = boto3.client("dynamodb", region_name="eu-west-1")

        def put(item):
            for attempt in range(3):
                try:
                    return ddb.put_item(TableName="t", Item=item)
                except ddb.exceptions.ProvisionedThroughputExceededException:
                    pass
        """,
        [(5, "CL404")],
    ),
    "constant delay from an attribute": (
        """
        class Poller:
            delay = 2

            def fetch(self, key):
                for attempt in range(3):
                    try:
                        return s3.get_object(Bucket="b", Key=key)
                    except ClientError as error:
                        if error.response["Error"]["Code"] != "SlowDown":
                            raise
                        time.sleep(self.delay)
        """,
        [(12, "CL404")],
    ),
    # Shapes seen in public code.
    "tenacity on a method whose client comes from a session in __init__": (
        """
        import os
        from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

        class VectorStore:
            def __init__(self, region_name):
                profile_name = os.getenv("AWS_PROFILE")
                session = boto3.Session(profile_name=profile_name, region_name=region_name)
                self.client = session.client("s3vectors")

            @retry(stop=stop_after_attempt(8), wait=wait_exponential(multiplier=2, min=4, max=120), retry=retry_if_exception_type(ClientError))
            def put_vectors(self, vectors):
                try:
                    self.client.put_vectors(vectorBucketName="b", indexName="i", vectors=vectors)
                except ClientError as error:
                    print(error.response.get("Error", {}).get("Code", ""))
                    raise
        """,
        [(11, "CL402")],
    ),
    "a helper with a lambda reading the code and an ignore list": (
        """
        client_error_code = lambda ex: ex.response["Error"]["Code"]

        def try_client(call, max_attempts=10, sleep_time=1.0, ignore=[]):
            for attempt in range(1, max_attempts + 1):
                try:
                    call()
                    return True
                except ClientError as ex:
                    if client_error_code(ex) in ignore:
                        break
                    if attempt == max_attempts:
                        raise ex
                    time.sleep(sleep_time)
            return False
        """,
        [(9, "CL401"), (14, "CL404")],
    ),
}


@pytest.mark.parametrize("body,expected", FLAGGED.values(), ids=FLAGGED.keys())
def test_flagged(body: str, expected: list[tuple[int, str]]) -> None:
    assert sorted(retry_codes(body)) == sorted(expected)


NOT_FLAGGED = {
    "a handler that hands the request's list to a function that drops the bad item": """
        def tag(ids, drop):
            while ids:
                try:
                    return s3.delete_objects(Bucket="b", Delete={"Objects": [{"Key": key} for key in ids]})
                except ClientError as error:
                    bad = error.response["Error"].get("Key")
                    if bad:
                        drop(bad, ids)
                        continue
                    raise
        """,
    "a handler that asks AWS to remove the cause first": """
        def terminate(ec2, ids):
            while True:
                try:
                    ec2.terminate_instances(InstanceIds=ids)
                    return
                except ClientError as error:
                    if error.response["Error"]["Code"] != "OperationNotPermitted":
                        raise
                    ec2.modify_instance_attribute(InstanceId=ids[0], DisableApiTermination={"Value": False})
                    time.sleep(1)
        """,
    "a loop that drops the item the error names and sends the rest": """
        def delete(ids):
            while ids:
                try:
                    s3.delete_objects(Bucket="b", Delete={"Objects": [{"Key": key} for key in ids]})
                    break
                except ClientError as error:
                    if error.response["Error"]["Code"] != "InvalidSnapshot.NotFound":
                        raise
                    ids.remove(error.response["Error"]["Message"].split()[-1])
                    continue
        """,
    "a recursion one level up the key space": """
        def fetch(key):
            try:
                return s3.get_object(Bucket="b", Key=key)
            except ClientError as error:
                if error.response["Error"]["Code"] != "NoSuchKey" or "/" not in key:
                    raise
                parent_key = key.rsplit("/", 1)[0]
                return fetch(parent_key)
        """,
    "a recursion with arguments the handler rewrote": """
        def query(**kwargs):
            try:
                return s3.list_objects_v2(**kwargs)
            except ClientError as error:
                if error.response["Error"]["Code"] != "ValidationException":
                    raise
                kwargs["Prefix"] = kwargs["Prefix"].strip("/")
                return query(**kwargs)
        """,
    "gated by a tuple of codes": """
        def fetch(key):
            for attempt in range(5):
                try:
                    return s3.get_object(Bucket="b", Key=key)
                except ClientError as error:
                    if error.response["Error"]["Code"] not in ("Throttling", "SlowDown", "RequestTimeout"):
                        raise
                    time.sleep(random.uniform(0, 2 ** attempt))
        """,
    "gated with == and or on the status": """
        def fetch(key):
            for attempt in range(5):
                try:
                    return s3.get_object(Bucket="b", Key=key)
                except ClientError as error:
                    code = error.response["Error"]["Code"]
                    if code == "SlowDown" or error.response["ResponseMetadata"]["HTTPStatusCode"] >= 500:
                        time.sleep(random.uniform(0, 2 ** attempt))
                        continue
                    raise
        """,
    "gated by a chained comparison": """
        def fetch(key):
            for attempt in range(5):
                try:
                    return s3.get_object(Bucket="b", Key=key)
                except ClientError as error:
                    status = error.response["ResponseMetadata"]["HTTPStatusCode"]
                    if not (500 <= status < 600 or status == 429):
                        raise
                    time.sleep(random.uniform(0, 2 ** attempt))
        """,
    "gated by a helper that raises": """
        THROTTLING = frozenset({"Throttling", "ThrottlingException"})

        def raise_unless_throttled(error):
            if error.response["Error"]["Code"] not in THROTTLING:
                raise error

        def fetch(key):
            for attempt in range(5):
                try:
                    return s3.get_object(Bucket="b", Key=key)
                except ClientError as error:
                    raise_unless_throttled(error)
                    time.sleep(random.uniform(0, 2 ** attempt))
        """,
    "gated by a method predicate on the class": """
        class Store:
            RETRYABLE = ("ProvisionedThroughputExceededException", "ThrottlingException")

            def _retryable(self, error):
                return error.response["Error"]["Code"] in self.RETRYABLE

            def fetch(self, key):
                for attempt in range(5):
                    try:
                        return s3.get_object(Bucket="b", Key=key)
                    except ClientError as error:
                        if self._retryable(error):
                            time.sleep(random.uniform(0, 2 ** attempt))
                            continue
                        raise
        """,
    "a predicate imported from elsewhere is trusted": """
        from myapp.aws import is_retryable

        def fetch(key):
            for attempt in range(5):
                try:
                    return s3.get_object(Bucket="b", Key=key)
                except ClientError as error:
                    if not is_retryable(error):
                        raise
                    time.sleep(random.uniform(0, 2 ** attempt))
        """,
    "message checks are deliberate": """
        def notify(config):
            for attempt in range(4):
                try:
                    s3.put_bucket_notification_configuration(Bucket="b", NotificationConfiguration=config)
                    break
                except ClientError as error:
                    if "Unable to validate" in str(error) and attempt < 3:
                        time.sleep(2 ** attempt)
                    else:
                        raise
        """,
    "catch, log and break": """
        def fetch(key):
            for attempt in range(5):
                try:
                    return s3.get_object(Bucket="b", Key=key)
                except ClientError as error:
                    print("giving up", error)
                    break
        """,
    "catch and return a default": """
        def fetch(key):
            while True:
                try:
                    return s3.get_object(Bucket="b", Key=key)
                except ClientError:
                    return None
        """,
    "a loop over items is not a retry": """
        def delete(keys):
            for key in keys:
                try:
                    s3.delete_object(Bucket="b", Key=key)
                except ClientError:
                    continue
        """,
    "failing over to the next region": """
        def find(regions):
            for region in regions:
                try:
                    return boto3.client("s3", region_name=region).head_bucket(Bucket="b")
                except ClientError:
                    time.sleep(1)
        """,
    "a traversal that moves on in the handler": """
        def walk(key):
            while key:
                try:
                    body = s3.get_object(Bucket="b", Key=key)
                    key = body["Metadata"].get("next")
                except ClientError:
                    key = None
        """,
    "pagination by token": """
        def keys(bucket):
            token = None
            while True:
                try:
                    page = s3.list_objects_v2(Bucket=bucket, ContinuationToken=token)
                except ClientError:
                    time.sleep(1)
                    continue
                token = page.get("NextContinuationToken")
                if not token:
                    break
        """,
    "polling until deleted": """
        def wait_deleted(key):
            deleted = False
            attempts = 0
            while not deleted and attempts < 10:
                try:
                    attempts += 1
                    s3.head_object(Bucket="b", Key=key)
                    time.sleep(1)
                except ClientError as error:
                    deleted = error.response["Error"]["Code"] == "404"
        """,
    "waiters": """
        def wait(key):
            s3.get_waiter("object_exists").wait(Bucket="b", Key=key)
        """,
    "Config(retries=...) is the fix": """
        from botocore.config import Config

        client = boto3.client("s3", region_name="eu-west-1", config=Config(retries={"mode": "adaptive", "max_attempts": 9}))
        client.get_object(Bucket="b", Key="k")
        """,
    "except Exception around code that is not AWS": """
        def ping(session):
            while True:
                try:
                    session.get("https://example.com/health")
                    break
                except Exception:
                    time.sleep(1)
        """,
    "ClientError of another library": """
        from aiohttp import ClientError as HttpError

        async def get(session):
            for attempt in range(3):
                try:
                    return await session.get("https://example.com")
                except HttpError:
                    await asyncio.sleep(1)
        """,
    "tenacity with a predicate that checks the code": """
        from tenacity import retry, retry_if_exception, stop_after_attempt, wait_random_exponential

        def is_throttled(error):
            return isinstance(error, ClientError) and error.response["Error"]["Code"] in ("Throttling", "SlowDown")

        @retry(retry=retry_if_exception(is_throttled), stop=stop_after_attempt(3), wait=wait_random_exponential())
        def fetch(key):
            return s3.get_object(Bucket="b", Key=key)
        """,
    "tenacity on errors that are not AWS errors": """
        from tenacity import retry, retry_if_exception_type

        @retry(retry=retry_if_exception_type(TimeoutError))
        def compute():
            return 42
        """,
    "recursion gated to throttling with a growing delay": """
        def fetch(key, retries=3):
            try:
                return s3.get_object(Bucket="b", Key=key)
            except ClientError as error:
                if retries == 0 or error.response["Error"]["Code"] != "SlowDown":
                    raise
                time.sleep(2 ** (3 - retries))
                return fetch(key, retries - 1)
        """,
    "polling for a key with its modeled class": """
        def wait_for(key):
            for attempt in range(30):
                try:
                    return s3.get_object(Bucket="b", Key=key)
                except s3.exceptions.NoSuchKey:
                    time.sleep(5)
        """,
    "a code list with names that are not client errors": """
        RETRY_CODES = ["ThrottlingException", "EndpointConnectionError", "Unavailable", "InternalError"]

        def fetch(key):
            for attempt in range(5):
                try:
                    return s3.get_object(Bucket="b", Key=key)
                except ClientError as error:
                    if error.response["Error"]["Code"] not in RETRY_CODES:
                        raise
                    time.sleep(random.uniform(0, 2 ** attempt))
        """,
    "a retrying helper that takes any callable (its callers are not followed)": """
        from retrying import retry

        @retry(stop_max_attempt_number=10, wait_fixed=2000)
        def do_with_retry(action):
            action()
        """,
    "refreshing the client before trying again": """
        def fetch(key, client):
            for attempt in range(2):
                try:
                    return client.get_object(Bucket="b", Key=key)
                except ClientError as error:
                    if error.response["Error"]["Code"] != "ExpiredToken":
                        raise
                    client = boto3.client("s3", region_name="eu-west-1")
        """,
}


@pytest.mark.parametrize("body", NOT_FLAGGED.values(), ids=NOT_FLAGGED.keys())
def test_not_flagged(body: str) -> None:
    assert retry_codes(body) == []


def test_explanation_prints_both_retry_layers_and_the_worst_case() -> None:
    (finding, _) = retry_findings(FLAGGED["for range, constant sleep"][0])
    explanation = finding.explanation
    assert explanation.chain == "retry"
    methods = [(step.method, step.status) for step in explanation.steps]
    assert methods[:2] == [
        ("botocore standard mode", "default >= 1.44.0"),
        ("botocore legacy mode", "default <= 1.43.x"),
    ]
    this_code = [step for step in explanation.steps if step.status == "this code"]
    assert [(step.method, step.line) for step in this_code] == [("for attempt in range(5)", HEAD.count("\n") + 3)]
    assert "retries every ClientError" in this_code[0].reads and "time.sleep(1)" in this_code[0].reads
    assert explanation.steps[-1].reads == "5 x 3 = 15 requests (standard), 5 x 5 = 25 requests (legacy)"
    assert "AccessDenied" in explanation.runtime and "5 times" in explanation.runtime
    assert 'Config(retries={"mode": "standard" or "adaptive"' in explanation.fix
    assert "not in RETRYABLE_CODES: raise" in explanation.fix


def test_dynamodb_attempts_and_config_in_code() -> None:
    body = """
        from botocore.config import Config

        ddb = boto3.client("dynamodb", region_name="eu-west-1")
        tuned = boto3.client("dynamodb", region_name="eu-west-1", config=Config(retries={"mode": "standard", "max_attempts": 7}))

        def put(item):
            for attempt in range(4):
                try:
                    return ddb.put_item(TableName="t", Item=item)
                except ClientError:
                    time.sleep(random.uniform(0, 2 ** attempt))

        def put_tuned(item):
            for attempt in range(4):
                try:
                    return tuned.put_item(TableName="t", Item=item)
                except ClientError:
                    time.sleep(random.uniform(0, 2 ** attempt))
        """
    default, configured = retry_findings(body)
    assert default.explanation.steps[-1].reads == "4 x 4 = 16 requests (standard), 4 x 10 = 40 requests (legacy)"
    assert "DynamoDB" not in default.explanation.runtime.split("This code")[0].replace("(dynamodb)", "")
    sdk_step = configured.explanation.steps[0]
    assert (sdk_step.method, sdk_step.status, sdk_step.line) == (
        "botocore standard mode",
        "set by Config",
        HEAD.count("\n") + 5,
    )
    assert sdk_step.reads.startswith("8 attempts per call")  # max_attempts counts retries
    assert configured.explanation.steps[-1].reads == "4 x 8 = 32 requests (standard)"


def test_unbounded_and_unknown_attempts() -> None:
    unbounded = retry_findings("""
        def fetch(key):
            while True:
                try:
                    return s3.get_object(Bucket="b", Key=key)
                except ClientError:
                    time.sleep(random.uniform(0, 1))
        """)[0]
    assert unbounded.explanation.steps[-1].reads.startswith("unbounded: this code never gives up")
    assert "forever" in unbounded.explanation.runtime
    unknown = retry_findings("""
        def fetch(key, attempts):
            for attempt in range(attempts):
                try:
                    return s3.get_object(Bucket="b", Key=key)
                except ClientError:
                    time.sleep(random.uniform(0, 1))
        """)[0]
    assert "N not known from the code" in unknown.explanation.steps[-1].reads
    guarded = retry_findings(FLAGGED["while True, no sleep, counter guard"][0])
    assert guarded[0].explanation.steps[-1].reads.startswith("5 x 3 = 15")


def test_messages_quote_the_codes() -> None:
    (allow_list,) = retry_findings(FLAGGED["allow-list with AccessDenied in a set"][0])
    assert allow_list.message == "Retry loop in fetch() retries 'AccessDenied', which botocore does not retry"
    assert "Stop retrying 'AccessDenied'" in allow_list.explanation.fix
    (deny_list,) = retry_findings(FLAGGED["a deny-list still retries the other codes"][0])
    assert deny_list.message == (
        "Retry loop in fetch() retries every ClientError except 'AccessDenied' and 'NoSuchKey': "
        "ValidationException, ResourceNotFoundException and other 4xx codes too"
    )
    status = retry_findings(FLAGGED["backoff giveup that lets 403 through"][0])[0]
    assert (
        status.message == "@backoff.on_exception (backoff) on fetch() retries HTTP 403, which botocore does not retry"
    )
    recursion = retry_findings(FLAGGED["a method calling itself again"][0])
    assert recursion[0].message == "fetch() calls itself again on every ClientError, without checking the error code"
    assert recursion[0].explanation.steps[-2].reads.startswith("4 attempts (retries=3, counting down)")


def test_every_finding_explains_the_retry_chain() -> None:
    for body, _ in FLAGGED.values():
        for finding in retry_findings(body):
            explanation = finding.explanation
            assert explanation.chain == "retry"
            assert any(step.status == "this code" for step in explanation.steps)
            assert "botocore" in explanation.runtime and explanation.fix


@pytest.mark.parametrize(
    "code,service,retried",
    [
        ("ThrottlingException", None, True),
        ("SlowDown", None, True),
        ("RequestTimeout", None, True),
        ("InternalError", None, True),  # S3's 500
        ("503", None, True),
        ("429", None, True),
        ("404", None, False),
        ("AccessDenied", None, False),
        ("ValidationException", None, False),
        ("ValidationException", "migrationhuborchestrator", True),  # modeled retryable there only
        ("ConflictException", "s3", False),
        ("ConflictException", "mediaconnect", True),
        ("ConditionalCheckFailedException", "dynamodb", False),
    ],
)
def test_which_codes_botocore_retries(code: str, service: str | None, retried: bool) -> None:
    assert sdk_retries_code(code, service) is retried


@pytest.mark.parametrize(
    "code,client_error",
    [
        ("AccessDenied", True),
        ("NoSuchKey", True),
        ("InvalidParameterValue", True),
        ("404", True),
        ("ThrottlingException", False),
        ("EndpointConnectionError", False),
        ("Unavailable", False),
        ("503", False),
    ],
)
def test_which_codes_are_client_errors(code: str, client_error: bool) -> None:
    assert is_client_error_code(code, None) is client_error


UNFILTERED = [dataclasses.replace(info, triggers=(), candidate=None) for info in RULES.values()]
SNIPPETS = [HEAD + textwrap.dedent(body) for body, _ in FLAGGED.values()] + [
    HEAD + textwrap.dedent(body) for body in NOT_FLAGGED.values()
]


@pytest.mark.parametrize("source", SNIPPETS)
def test_prefilter_never_hides_a_retry_finding(source: str) -> None:
    filtered = lint_source("snippet.py", source.encode(), list(RULES.values())).findings
    assert filtered == lint_source("snippet.py", source.encode(), UNFILTERED).findings


def test_candidate_pass_skips_aws_code_without_retries() -> None:
    source = HEAD + textwrap.dedent("""
        def fetch(key):
            try:
                return s3.get_object(Bucket="b", Key=key)
            except ClientError:
                return None

        for key in ("a", "b"):
            fetch(key)
        """)
    result = lint_source("plain.py", source.encode(), [RULES[code] for code in ("CL401", "CL402", "CL403", "CL404")])
    assert result.parsed is False


@pytest.mark.parametrize(
    ("imports", "seeded"),
    [
        ("from retry import retry\n", True),
        ("import retry as r\n", True),
        ("try:\n    from retry.api import retry_call\nexcept ImportError:\n    pass\n", True),
        ("from localstack.utils.sync import retry\n", False),
    ],
)
def test_only_the_retry_package_makes_every_decorated_function_a_retry_shape(imports: str, seeded: bool) -> None:
    """Another project's helper named retry is not a decorator the rules read: its module's
    decorated tests are left out of the parse."""
    source = imports + "import pytest\n\n@pytest.mark.slow\ndef test_bucket(s3):\n    s3.list_buckets()\n"
    lines = lines_with_retry_shape(FileProbe(source.encode()))
    assert (source.count("\n") - 1 in lines) is seeded
