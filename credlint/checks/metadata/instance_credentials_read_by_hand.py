"""CL511: the instance role's credentials fetched from the metadata service by hand."""

from __future__ import annotations

from typing import Optional

import libcst as cst
from libcst.helpers import get_full_name_for_node

from credlint.analysis.credential_slots import SDK_PARAMETER_SLOTS
from credlint.analysis.sdk import CLIENT, CREDENTIALS, RESOURCE, call_arguments, classify_call
from credlint.chain import CredentialPlacement
from credlint.checks.metadata.explanations import role_read_by_hand_explanation
from credlint.checks.metadata.metadata_requests import SENDS_NO_TOKEN, MetadataRequest, MetadataRequestRule

# ref. aws-chain-reference.md section 1: keys given to a client (or botocore Credentials) build
# Credentials(method='explicit'); keys given to a session are the session's for every client.
_EXPLICIT_KINDS = (CLIENT, RESOURCE, CREDENTIALS)


class InstanceCredentialsReadByHand(MetadataRequestRule):
    """Role keys fetched by hand skip the chain's iam-role link, its IMDSv2 token and its refresh."""

    FOLLOWS_TEST_POLICY = True

    def report_requests(self, requests: list[MetadataRequest]) -> None:
        reads = [found for found in requests if found.url.reads_role_credentials]
        if not reads:
            return
        passed_to = self._explicit_credentials()
        for found in reads:
            without_token = found.token == SENDS_NO_TOKEN and not self.fetches_token
            explanation = role_read_by_hand_explanation(found, without_token, passed_to)
            self.report(found.request.call, _message(found, without_token), explanation)

    def _explicit_credentials(self) -> Optional[CredentialPlacement]:
        """The first SDK call of the module given credentials computed at runtime (not literals,
        which the CL1xx rules report), where keys read by hand usually go."""
        for call in self.calls:
            sdk_call = classify_call(self, call)
            if sdk_call is None:
                continue
            arguments = call_arguments(self, call, sdk_call.parameters)
            given = [
                value
                for name, value in arguments.values.items()
                if name in SDK_PARAMETER_SLOTS and (name.startswith("aws_") or sdk_call.kind == CREDENTIALS)
            ]
            if any(_computed(value) for value in given):
                link = "explicit" if sdk_call.kind in _EXPLICIT_KINDS else "session"
                return CredentialPlacement(link, sdk_call.label, self.line_of(call))
        return None


def _computed(value: cst.BaseExpression) -> bool:
    if isinstance(value, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
        return False
    return get_full_name_for_node(value) != "None"


def _message(found: MetadataRequest, without_token: bool) -> str:
    text = (
        f"Instance role credentials read by hand: {found.request.label} fetches {found.url.shown}, which "
        "boto3's iam-role provider (link 12) reads itself, with an IMDSv2 token and fresh keys before expiry"
    )
    return text + ("; this request also sends no IMDSv2 token" if without_token else "")
