"""CL303: the code sets AWS_REGION, which botocore ignores, and creates clients without a region."""

from __future__ import annotations

from credlint.checks.region.explanations import aws_region_only_explanation
from credlint.checks.region.rule_base import RegionRule
from credlint.checks.region.sources import AWS_REGION_VARIABLE, ModuleRegionFacts


class AwsRegionOnly(RegionRule):
    """AWS_REGION looks like the region setting and other SDKs read it; botocore does not."""

    def check_module(self, facts: ModuleRegionFacts) -> None:
        writes = facts.writes_of(AWS_REGION_VARIABLE)
        if not writes:
            return
        # Empty when the module also sets AWS_DEFAULT_REGION: then the AWS_REGION write is harmless.
        clients = self.clients_without_region(facts)
        if not clients:
            return
        environment = self.region_from_environment(facts)
        for write in writes:
            self.report(
                write.node,
                "AWS_REGION is set, but botocore reads AWS_DEFAULT_REGION: clients created here "
                "without a region do not get it",
                aws_region_only_explanation(self, write, clients, environment),
            )
