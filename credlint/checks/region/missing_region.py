"""CL301: a client for a regional service created with no region the code controls."""

from __future__ import annotations

from credlint.checks.region.explanations import missing_region_explanation
from credlint.checks.region.rule_base import RegionRule
from credlint.checks.region.sources import AWS_REGION_VARIABLE, ModuleRegionFacts
from credlint.finding import Severity


class MissingRegion(RegionRule):
    """Regional clients raise NoRegionError at creation wherever AWS_DEFAULT_REGION and the profile are empty."""

    def check_module(self, facts: ModuleRegionFacts) -> None:
        environment = self.region_from_environment(facts)
        aws_region_writes = facts.writes_of(AWS_REGION_VARIABLE)
        for client in self.clients_without_region(facts):
            if client.global_service is not None:
                continue  # CL302 explains where a global service goes instead
            self.report(
                client.call,
                f"{client.subject} is created with no region in code: NoRegionError wherever "
                "AWS_DEFAULT_REGION and the profile's region are unset",
                missing_region_explanation(self, client, environment, aws_region_writes),
                # Where the environment is known to provide the region, only a note for other callers.
                severity=Severity.INFO if environment is not None else None,
            )
