"""Profiles, partner keys and MFA sessions for the billing exports, each half right (CL501, CL502, CL505)."""

import os

import boto3

REGION = "eu-west-1"
MFA_DEVICE = "arn:aws:iam::123456789012:mfa/billing-operator"

os.environ["AWS_DEFAULT_PROFILE"] = "billing"


def use_reporting_profile() -> None:
    """Switch the exports to the reporting account; AWS_DEFAULT_PROFILE above still wins."""
    os.environ["AWS_PROFILE"] = "reporting"


def partner_bucket(partner_key_id: str):
    """The partner's drop bucket; the secret never made it into the call."""
    return boto3.client("s3", region_name=REGION, aws_access_key_id=partner_key_id)


def operator_session() -> boto3.Session:
    """An MFA session for the month-end close, with a code pasted in once and left behind."""
    sts = boto3.client("sts", region_name=REGION)
    credentials = sts.get_session_token(SerialNumber=MFA_DEVICE, TokenCode="204816")["Credentials"]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=REGION,
    )
