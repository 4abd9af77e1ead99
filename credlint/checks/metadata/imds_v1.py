"""CL504: requests to the instance metadata service without an IMDSv2 token."""

from __future__ import annotations

from credlint.checks.metadata.explanations import imds_v1_explanation
from credlint.checks.metadata.metadata_requests import SENDS_NO_TOKEN, MetadataRequest, MetadataRequestRule


class ImdsV1(MetadataRequestRule):
    """IMDSv1 requests fail on instances that require IMDSv2; botocore asks for a token first."""

    FOLLOWS_TEST_POLICY = True

    def report_requests(self, requests: list[MetadataRequest]) -> None:
        if self.fetches_token:
            return
        for found in requests:
            if _reads_metadata(found) and found.token == SENDS_NO_TOKEN:
                self.report(found.request.call, _message(found), imds_v1_explanation(found))


def _reads_metadata(found: MetadataRequest) -> bool:
    """A metadata read: not the service's root (an "am I on EC2" probe), not the token request
    itself, not role credentials (CL511's), and not a computed path a PUT may send to the token."""
    url = found.url
    if url.is_probe or url.is_token_request or url.reads_role_credentials:
        return False
    return not (url.path_is_computed and found.request.method in (None, "PUT"))


def _message(found: MetadataRequest) -> str:
    return (
        f"IMDSv1 request: {found.request.label} fetches {found.url.shown} without an "
        "X-aws-ec2-metadata-token header, and this module fetches no IMDSv2 token; it fails where "
        "instances require IMDSv2 (HttpTokens=required)"
    )
