"""Missing region configuration (CL3xx): clients created with no region from any source the code controls."""

from __future__ import annotations

from operator import attrgetter

from credlint.checks.region.candidates import (
    lines_of_clients,
    lines_of_module_region_facts,
    may_create_client_without_region,
)
from credlint.finding import Severity
from credlint.rule_info import RuleInfo

CATEGORY = "missing-region"
E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

REACHES_CLIENTS = attrgetter("reaches_clients")

# fmt: off
RULES = (
    # A client is reported only when it is built on a session or factory imported from an SDK
    # library, so the file holds "boto"; candidates.py then looks for a call without a region.
    RuleInfo("CL301", "missing-region", CATEGORY, W, "Client for a regional service created with no region the code controls", (b"boto",), f"{__name__}.missing_region:MissingRegion", may_create_client_without_region, seeds=lines_of_clients, module_facts=lines_of_module_region_facts, reached_by_view=REACHES_CLIENTS),
    RuleInfo("CL302", "global-service-without-region", CATEGORY, INFO, "Client for a global service (s3, iam, sts...) created with no region", (b"boto",), f"{__name__}.global_service_without_region:GlobalServiceWithoutRegion", may_create_client_without_region, seeds=lines_of_clients, module_facts=lines_of_module_region_facts, reached_by_view=REACHES_CLIENTS),
    RuleInfo("CL303", "aws-region-only", CATEGORY, W, "Code sets AWS_REGION, which botocore ignores, and creates clients without a region", (b"REGION",), f"{__name__}.aws_region_only:AwsRegionOnly", may_create_client_without_region, seeds=lines_of_clients, module_facts=lines_of_module_region_facts, module_wide=True),
)
# fmt: on
