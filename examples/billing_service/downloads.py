"""Gives customers links to their invoice PDFs (CL506, CL507, CL509; CL101 reports the key id in
the pasted URL)."""

import hashlib
import hmac

import boto3
import requests
from botocore.client import Config

# Copied from an old blog post to get year-long links: S3 refuses SigV2 for buckets created after
# June 24, 2020 and in regions opened since 2014 (CL506).
LEGACY_LINKS = Config(signature_version="s3")

# Pasted from a console session for the auditors: it works for anyone until it expires (CL507),
# and the key id in it is a hard-coded access key id as well (CL101).
AUDIT_EXPORT_URL = (
    "https://billing-exports.s3.eu-west-1.amazonaws.com/2024/05/invoices.csv"
    "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
    "&X-Amz-Credential=AKIAXJ2WQ4H5RTM7YBNC%2F20240521%2Feu-west-1%2Fs3%2Faws4_request"
    "&X-Amz-Date=20240521T101500Z&X-Amz-Expires=604800&X-Amz-SignedHeaders=host"
    "&X-Amz-Signature=5f4c7e1b9a2d3c8e6f0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6"
)


def invoice_link(customer_id, invoice_id):
    s3 = boto3.client("s3", region_name="eu-west-1", config=LEGACY_LINKS)
    return s3.generate_presigned_url(
        "get_object",
        Params={"Bucket": "billing-invoices", "Key": f"{customer_id}/{invoice_id}.pdf"},
        ExpiresIn=3600,
    )


def audit_export():
    return requests.get(AUDIT_EXPORT_URL, timeout=30).content


def _hmac(key, message):
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


def download_api_signing_key(secret, date_stamp):
    # The SigV4 key derived by hand, so the download API is always called as one IAM user (CL509).
    k_date = _hmac(("AWS4" + secret).encode("utf-8"), date_stamp)
    return _hmac(_hmac(_hmac(k_date, "eu-west-1"), "execute-api"), "aws4_request")


def download_api_key(date_stamp):
    return download_api_signing_key("C79DO25lR7hWskM32AWYW7V/K9xRUSYRByKdDsHb", date_stamp)
