"""CL401: a retry loop whose handler retries every ClientError, without checking the error code."""

from __future__ import annotations

from credlint.checks.retry.explanations import any_error_message, explain
from credlint.checks.retry.retry_fixes import guard_fix
from credlint.checks.retry.retry_site import LOOP, RetrySite
from credlint.checks.retry.rule_base import RetryRule


class RetryAnyClientError(RetryRule):
    """4xx errors fail the same way every time; a loop that retries them multiplies load and hides bugs."""

    def check(self, site: RetrySite) -> None:
        if site.kind != LOOP:
            return
        for handler in site.handlers:
            if handler.retries_any_error:
                fix = guard_fix(self, handler)
                self.report(handler.node, any_error_message(site, handler), explain(site, handler, "any"), fix=fix)
