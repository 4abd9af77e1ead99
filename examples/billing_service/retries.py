"""Reads invoices from S3 and records usage in DynamoDB, with hand-written retries (CL401-CL404)."""

import random
import time

import backoff
import boto3
from botocore.exceptions import ClientError

s3 = boto3.client("s3", region_name="eu-west-1")
usage = boto3.resource("dynamodb", region_name="eu-west-1").Table("usage")
# AccessDeniedException does not belong here: it fails the same way on every attempt.
RETRYABLE_CODES = ("ThrottlingException", "ProvisionedThroughputExceededException", "AccessDeniedException")


def fetch_invoice(key):
    for attempt in range(5):
        try:
            return s3.get_object(Bucket="invoices", Key=key)["Body"].read()
        except ClientError:
            time.sleep(2)


def record_usage(item):
    for attempt in range(4):
        try:
            return usage.put_item(Item=item)
        except ClientError as error:
            if error.response["Error"]["Code"] not in RETRYABLE_CODES:
                raise
            time.sleep(random.uniform(0, 2**attempt))


@backoff.on_exception(backoff.expo, ClientError, max_tries=6)
def archive_invoice(key):
    s3.copy_object(Bucket="archive", Key=key, CopySource={"Bucket": "invoices", "Key": key})


def delete_invoice(key):
    """The right way round: only 5xx and 429 go round again, with exponential backoff and jitter."""
    for attempt in range(5):
        try:
            return s3.delete_object(Bucket="invoices", Key=key)
        except ClientError as error:
            status = error.response["ResponseMetadata"]["HTTPStatusCode"]
            if status < 500 and status != 429:
                raise
            time.sleep(random.uniform(0, min(20, 2**attempt)))
