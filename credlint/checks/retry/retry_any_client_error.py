"""CL401: a retry loop whose handler retries every ClientError, without checking the error code."""

from __future__ import annotations

from credlint.checks.retry.explanations import any_error_message, explain
from credlint.checks.retry.retry_site import LOOP, RetrySite
from credlint.checks.retry.rule_base import RetryRule
from credlint.checks.retry.sdk_retries import THROTTLING_CODES, TRANSIENT_CODES
from credlint.finding import GUARD_RETRY, UNSAFE

# What the fix lets the loop retry: the codes botocore's standard mode retries too (section 3).
SDK_RETRIED_CODES = tuple(sorted(THROTTLING_CODES | TRANSIENT_CODES))
_GUARD = "re-raise every error but throttling, transient codes and 5xx statuses"


class RetryAnyClientError(RetryRule):
    """4xx errors fail the same way every time; a loop that retries them multiplies load and hides bugs."""

    def check(self, site: RetrySite) -> None:
        if site.kind != LOOP:
            return
        for handler in site.handlers:
            if handler.retries_any_error:
                caught = handler.caught
                # Only a ClientError clause: its errors all have a code and a status to test.
                guarded = caught.client_error and not caught.broad
                fix = (
                    self.fix_at(handler.node, UNSAFE, GUARD_RETRY, _GUARD, ",".join(SDK_RETRIED_CODES))
                    if guarded
                    else None
                )
                self.report(handler.node, any_error_message(site, handler), explain(site, handler, "any"), fix=fix)
