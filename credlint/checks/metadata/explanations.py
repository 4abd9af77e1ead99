"""The explanations of the metadata rules: link 12 (iam-role) of the credential chain, and how
botocore itself talks to the instance metadata service."""

from __future__ import annotations

from typing import Optional

from credlint.chain import STATUS_WHERE_PASSED, CredentialPlacement, Explanation, credential_steps
from credlint.checks.metadata.metadata_requests import MetadataRequest

# ref. aws-chain-reference.md section 5 (botocore utils.py): the token flow, the fallback to IMDSv1
# and the variables botocore's own metadata requests honour.
_HOW_BOTOCORE_ASKS = (
    "botocore reads instance metadata at link 12 (iam-role) of the credential chain, and asks for an "
    "IMDSv2 token first: PUT latest/api/token with x-aws-ec2-metadata-token-ttl-seconds: 21600, then "
    "every GET with x-aws-ec2-metadata-token. It falls back to IMDSv1 only on a 403, 404 or 405 or a "
    "timeout, and never when AWS_EC2_METADATA_V1_DISABLED is set. It also honours "
    "AWS_EC2_METADATA_DISABLED=true and AWS_EC2_METADATA_SERVICE_ENDPOINT, which a request written by "
    "hand ignores."
)
# ref. aws-chain-reference.md section 5: instances enforce IMDSv2 with HttpTokens=required.
_WITHOUT_TOKEN_FAILS = (
    "Instances can enforce IMDSv2 (HttpTokens=required), and there a request without a token gets no "
    "metadata: this code fails on exactly the hardened instances, while working on the others. "
)
_FIX_TOKEN = (
    "Fetch a token first, as botocore does: PUT http://{endpoint}/latest/api/token with the header "
    "X-aws-ec2-metadata-token-ttl-seconds: 21600, then send the token it returns as "
    "X-aws-ec2-metadata-token on this request, and reuse it on later ones until the TTL runs out."
)
# ref. aws-chain-reference.md section 5: `latest/meta-data/iam/security-credentials/` gives the role
# name and `.../<role>` AccessKeyId, SecretAccessKey, Token, Expiration; section 1: explicit keys
# build Credentials(method='explicit') and the chain is not consulted for that client.
# Refreshing before Expiration: botocore credentials.py InstanceMetadataProvider, whose credentials
# are RefreshableCredentials (not yet in the reference; proposed for section 5).
_ROLE_READ_BY_HAND = (
    "botocore's iam-role provider (link 12) reads latest/meta-data/iam/security-credentials/ for the "
    "role name and .../<role> for AccessKeyId, SecretAccessKey, Token and Expiration, with an IMDSv2 "
    "token, and fetches them again before they expire. Keys fetched by hand are a snapshot: passed to "
    "boto3 they build Credentials(method='explicit'), the provider chain is never consulted for that "
    "client, and nothing fetches new keys when these reach their Expiration. "
)
_ROLE_READ_WITHOUT_TOKEN = (
    "This request also sends no IMDSv2 token, so it fails where instances enforce IMDSv2 (HttpTokens=required). "
)
_HAND_WRITTEN_IGNORES = (
    "A request written by hand also ignores AWS_EC2_METADATA_DISABLED and AWS_EC2_METADATA_SERVICE_ENDPOINT."
)
_FIX_ROLE = (
    "Delete the request and the keys it feeds: create clients without keys (boto3.client('s3', "
    "region_name=...)) and the chain reaches the instance profile at link 12 itself, with a token and "
    "fresh keys. Code that needs the values can take them from boto3.Session().get_credentials()."
)


def imds_v1_explanation(found: MetadataRequest) -> Explanation:
    label = found.request.label
    summary = (
        f"{label} (line {found.line}) requests {found.url.shown} from the instance metadata service "
        "without an IMDSv2 token: it sends no x-aws-ec2-metadata-token header, and nothing in this "
        "module fetches one (PUT latest/api/token)."
    )
    steps = credential_steps(CredentialPlacement("iam-role", label, found.line))
    runtime = _WITHOUT_TOKEN_FAILS + _HOW_BOTOCORE_ASKS
    fix = _FIX_TOKEN.format(endpoint=found.url.endpoint)
    return Explanation(chain="credential", summary=summary, steps=steps, runtime=runtime, fix=fix)


def role_read_by_hand_explanation(
    found: MetadataRequest, without_token: bool, passed_to: Optional[CredentialPlacement]
) -> Explanation:
    label = found.request.label
    summary = (
        f"{label} (line {found.line}) reads the instance role's credentials by hand from "
        f"{found.url.shown}: the work of link 12 (iam-role), which botocore does itself."
    )
    if passed_to is not None:
        summary += (
            f" This module passes credentials explicitly to {passed_to.target} (line {passed_to.line}): "
            f"the {passed_to.link} link, which ends credential resolution before the provider chain starts."
        )
        steps = credential_steps(passed_to)
    else:
        steps = credential_steps(CredentialPlacement("explicit", "wherever they are passed", None), STATUS_WHERE_PASSED)
    runtime = _ROLE_READ_BY_HAND + (_ROLE_READ_WITHOUT_TOKEN if without_token else "") + _HAND_WRITTEN_IGNORES
    return Explanation(chain="credential", summary=summary, steps=steps, runtime=runtime, fix=_FIX_ROLE)
