"""CL403: a retry that checks the error code, or catches modeled classes, but retries codes or 4xx
statuses botocore does not; a bounded poll for a resource to appear is a wait, not a retry."""

from __future__ import annotations

from credlint.checks.retry.explanations import explain, retried_phrase
from credlint.checks.retry.retry_site import RetrySite
from credlint.checks.retry.rule_base import RetryRule


class RetryNonRetryableCode(RetryRule):
    """AccessDenied or ValidationException in a retry allow-list is retried to no avail, every time."""

    def check(self, site: RetrySite) -> None:
        for handler in site.handlers:
            if handler.retries_named_non_retryable and not site.waits_for_resource(handler):
                self.report(
                    handler.node,
                    f"{site.subject} retries {retried_phrase(site, handler)}, which botocore does not retry",
                    explain(site, handler, "codes"),
                )
