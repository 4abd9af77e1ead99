"""Tags each invoice batch with the instance that produced it, over IMDSv1 (CL504)."""

import requests

METADATA = "http://169.254.169.254/latest/meta-data"


def producing_instance():
    # No IMDSv2 token: on instances launched with HttpTokens=required this request fails (CL504).
    return requests.get(f"{METADATA}/instance-id", timeout=1).text


def batch_tags(batch_id):
    return {"batch": batch_id, "instance": producing_instance()}
