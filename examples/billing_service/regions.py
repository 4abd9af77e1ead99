"""Publishes invoice events and exports invoices, trusting each machine for the region (CL301-CL303)."""

import os

import boto3
from botocore.config import Config

# Meant for the Node.js exporter and for boto3 alike; botocore never reads AWS_REGION (CL303).
os.environ.setdefault("AWS_REGION", "eu-west-1")

RETRIES = Config(retries={"mode": "standard", "max_attempts": 5})


def invoice_events():
    # A regional service with no region: NoRegionError on a clean CI runner (CL301).
    return boto3.client("events", config=RETRIES)


def export_bucket():
    # A global endpoint with no region: us-east-1 and a redirect for an EU bucket (CL302).
    return boto3.resource("s3").Bucket("billing-exports-eu")
