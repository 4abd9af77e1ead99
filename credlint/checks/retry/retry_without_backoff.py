"""CL404: a retry of throttling or server errors with no delay, or the same delay, between attempts."""

from __future__ import annotations

from credlint.checks.retry.explanations import explain
from credlint.checks.retry.pacing import CONSTANT_DELAY, NO_DELAY
from credlint.checks.retry.retry_site import RetrySite
from credlint.checks.retry.rule_base import RetryRule


class RetryWithoutBackoff(RetryRule):
    """Retries at fixed moments arrive in bursts while a service throttles; backoff with jitter spreads them."""

    def check(self, site: RetrySite) -> None:
        if site.delay.kind not in (NO_DELAY, CONSTANT_DELAY):
            return
        throttling = [handler for handler in site.handlers if handler.verdict.retries_throttling]
        if not throttling:
            return
        if site.delay.kind == CONSTANT_DELAY:
            message = f"{site.subject} waits a constant delay between attempts ({site.delay.text})"
        else:
            message = f"{site.subject} retries with no delay between attempts"
        self.report(site.delay.node or site.node, message, explain(site, throttling[0], "backoff"))
