"""Instance metadata (CL5xx, `metadata`): IMDSv1 requests and instance-profile credentials read by
hand instead of through the SDK's iam-role link."""

from __future__ import annotations

from credlint.rule_info import RuleInfo

CATEGORY = "metadata"

RULES: tuple[RuleInfo, ...] = ()
