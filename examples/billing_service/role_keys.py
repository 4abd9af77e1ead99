"""Reads the instance role's credentials from instance metadata by hand (CL511) and passes them
to the archive client, which then never refreshes them."""

import boto3
import requests

CREDENTIALS = "http://169.254.169.254/latest/meta-data/iam/security-credentials/"


def archive_client():
    token = requests.put(
        "http://169.254.169.254/latest/api/token",
        headers={"X-aws-ec2-metadata-token-ttl-seconds": "21600"},
        timeout=1,
    ).text
    headers = {"X-aws-ec2-metadata-token": token}
    role = requests.get(CREDENTIALS, headers=headers, timeout=1).text
    keys = requests.get(CREDENTIALS + role, headers=headers, timeout=1).json()
    return boto3.client(
        "s3",
        region_name="eu-west-1",
        aws_access_key_id=keys["AccessKeyId"],
        aws_secret_access_key=keys["SecretAccessKey"],
        aws_session_token=keys["Token"],
    )
