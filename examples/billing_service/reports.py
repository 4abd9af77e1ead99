"""Reads reports with temporary credentials copied from a terminal (CL101 on ASIA, CL103)."""

import os

import boto3

CREDENTIALS = {
    "aws_access_key_id": "ASIAWJTBJMCXUPZW2AGB",
    "aws_secret_access_key": os.environ.get("REPORTS_SECRET", ""),
    "aws_session_token": "FwoGZXIvYXdzEZyV6QVrOWlq/1GlMq6q37TP4jYfB/vHW7MvL2vXHWhr4SVqMZjNGRK9Hc5TTqc72vt8C5nnwwHRp7+iCEvlX3CK7AJ7ncKGtgUuRuixHecpBfprOOyHqNixOZUJ7h1IXMh0lYGTccMBEercpPNCPPS92rHi2CRxr47Mp5cNEycWs7//O9AsGfwIHJAmsjrY6OSQ3yQms0d4eNq9+U2PS4qNj+Ci8kQUdnmqvRSpnt077IktDzZ4DJLBSJsTJHx+pe3DIbaJkWLvQLIZwbbTWAZh6",
}


def reports_table():
    return boto3.resource("dynamodb", region_name="eu-west-1", **CREDENTIALS).Table("reports")
