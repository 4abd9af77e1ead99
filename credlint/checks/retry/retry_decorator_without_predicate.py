"""CL402: a retry decorator (tenacity, backoff, retrying, retry), tenacity's Retrying, retry's
retry_call, or a handler that calls its own function again, retrying every ClientError without a
predicate."""

from __future__ import annotations

from credlint.checks.retry.explanations import any_error_message, explain, retried_phrase
from credlint.checks.retry.libraries import PREDICATE_ARGUMENTS
from credlint.checks.retry.retry_fixes import guard_fix, predicate_fix
from credlint.checks.retry.retry_site import LOOP, RECURSION, HandlerRetry, RetrySite
from credlint.checks.retry.rule_base import RetryRule


class RetryDecoratorWithoutPredicate(RetryRule):
    """A decorator retries whatever its exception filter lets through: with no predicate, every 4xx."""

    def check(self, site: RetrySite) -> None:
        if site.kind == LOOP:
            return
        for handler in site.handlers:
            if handler.retries_any_error:
                fix = guard_fix(self, handler) if site.kind == RECURSION else predicate_fix(self, site)
                self.report(handler.node, _message(site, handler), explain(site, handler, "any"), fix=fix)


def _message(site: RetrySite, handler: HandlerRetry) -> str:
    if handler.verdict.spared:
        return any_error_message(site, handler)
    retried = retried_phrase(site, handler)
    if site.kind == RECURSION:
        return f"{site.where} calls itself again on {retried}, without checking the error code"
    missing = PREDICATE_ARGUMENTS.get(site.library or "", ("nothing checks the error code", ""))[0]
    return f"{site.subject} retries {retried}: {missing}"
