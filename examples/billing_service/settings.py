"""Local development settings with the documentation's example keys (CL104)."""

import boto3

LOCALSTACK = boto3.client(
    "sqs",
    region_name="us-east-1",
    endpoint_url="http://localhost:4566",
    aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
    aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
)
LEGACY_KEY = "AKIAZD6RFARUDWYG6SSM"  # credlint: ignore[CL101] -- revoked in 2024, kept for the audit trail
