"""Uploads invoices to S3 with keys pasted in by hand (CL101, CL102)."""

import boto3 as b3
from boto3.session import Session

ACCESS_KEY_ID = "AKIA42YQICSX5QSIJMWQ"
SECRET_ACCESS_KEY = "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"


def invoices_bucket():
    session = Session(aws_access_key_id=ACCESS_KEY_ID, aws_secret_access_key=SECRET_ACCESS_KEY)
    return session.resource("s3", region_name="eu-west-1").Bucket("invoices")


def archive_client():
    return b3.client("s3", "eu-west-1", aws_access_key_id="AKIA" + "WHINN7HI565VH25Y")
