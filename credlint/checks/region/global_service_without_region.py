"""CL302: a client for a global service (s3, iam, sts...) created with no region."""

from __future__ import annotations

from credlint.checks.region.explanations import global_endpoint_phrase, global_service_explanation
from credlint.checks.region.rule_base import RegionRule
from credlint.checks.region.sources import AWS_REGION_VARIABLE, ModuleRegionFacts


class GlobalServiceWithoutRegion(RegionRule):
    """Global services do not fail without a region: they go to a partition endpoint, said here."""

    def check_module(self, facts: ModuleRegionFacts) -> None:
        if self.region_from_environment(facts) is not None:
            return  # AWS_DEFAULT_REGION is provided there: the fallback endpoint is never used
        aws_region_writes = facts.writes_of(AWS_REGION_VARIABLE)
        for client in self.clients_without_region(facts):
            service = client.global_service
            if service is None or client.custom_endpoint:
                continue  # regional: CL301; endpoint_url given: the fallback endpoint is not used
            self.report(
                client.call,
                f"{client.subject} is created with no region in code: wherever AWS_DEFAULT_REGION "
                f"and the profile's region are unset it goes to {global_endpoint_phrase(service)}",
                global_service_explanation(self, client, service, aws_region_writes),
            )
