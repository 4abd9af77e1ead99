"""Instance metadata (CL5xx, `metadata`): IMDSv1 requests and instance-profile credentials read by
hand instead of through the SDK's iam-role link."""

from __future__ import annotations

from credlint.checks.metadata.candidates import (
    lines_fetching_tokens,
    lines_naming_metadata,
    may_read_role_credentials,
    may_request_instance_metadata,
)
from credlint.finding import Severity
from credlint.rule_info import RuleInfo

CATEGORY = "metadata"
W = Severity.WARNING
# ref. aws-chain-reference.md section 5: 169.254.169.254 and [fd00:ec2::254]; triggers short
# enough that a host split over two literals still passes.
IMDS_TRIGGERS = (b"169.254", b"::254", b"instance-data")

# fmt: off
RULES: tuple[RuleInfo, ...] = (
    # Every request depends on whether the module fetches a token anywhere: a module fact.
    RuleInfo("CL504", "imds-v1", CATEGORY, W, "Instance metadata requested without an IMDSv2 token", IMDS_TRIGGERS, f"{__name__}.imds_v1:ImdsV1", may_request_instance_metadata, seeds=lines_naming_metadata, module_facts=lines_fetching_tokens),
    RuleInfo("CL511", "instance-credentials-read-by-hand", CATEGORY, W, "Instance role credentials fetched from instance metadata by hand", (b"security-credentials",), f"{__name__}.instance_credentials_read_by_hand:InstanceCredentialsReadByHand", may_read_role_credentials, seeds=lines_naming_metadata, module_facts=lines_fetching_tokens),
)
# fmt: on
