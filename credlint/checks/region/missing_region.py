"""CL301: a client for a regional service created with no region the code controls."""

from __future__ import annotations

from typing import Optional

from credlint.checks.region.explanations import missing_region_explanation
from credlint.checks.region.rule_base import RegionRule
from credlint.checks.region.sources import AWS_REGION_VARIABLE, ClientWithoutRegion, ModuleRegionFacts
from credlint.finding import ADD_REGION, SAFE, Fix, Severity


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
                fix=self._fix(client),
            )

    def _fix(self, client: ClientWithoutRegion) -> Optional[Fix]:
        """Passing the configured default-region, to a client call that names its service alone
        (a factory's call takes its region from its callers: the fix is theirs to make)."""
        region = self.context.settings.default_region
        arguments = client.call.args
        alone = len(arguments) == 1 and arguments[0].keyword is None and not arguments[0].star
        if region is None or client.sites or not alone:
            return None
        description = f"pass region_name={region!r}, the project's default-region"
        return self.fix_at(client.call, SAFE, ADD_REGION, description, region)
