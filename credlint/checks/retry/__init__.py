"""Retries on 4xx errors (CL4xx): hand-written retries of client errors that fail the same way every time."""

from __future__ import annotations

from credlint.checks.retry.candidates import lines_with_retry_shape, may_hold_retry
from credlint.finding import Severity
from credlint.rule_info import RuleInfo

CATEGORY = "retry-4xx"
E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
# What an except clause or a retry library in the file is named by.
RETRY_TRIGGERS = (
    b"ClientError",
    b"BotoCoreError",
    b"exceptions.",
    b"Exception",
    b"except:",
    b"except :",
    b"tenacity",
    b"backoff",
    b"retrying",
    b"from retry",
    b"import retry",
)

# fmt: off
RULES = (
    RuleInfo("CL401", "retry-any-client-error", CATEGORY, W, "Retry loop retries every ClientError without checking the error code", RETRY_TRIGGERS, f"{__name__}.retry_any_client_error:RetryAnyClientError", may_hold_retry, seeds=lines_with_retry_shape, by_member=True),
    RuleInfo("CL402", "retry-decorator-without-predicate", CATEGORY, W, "Retry decorator or recursive handler retries every ClientError without a predicate", RETRY_TRIGGERS, f"{__name__}.retry_decorator_without_predicate:RetryDecoratorWithoutPredicate", may_hold_retry, seeds=lines_with_retry_shape, by_member=True),
    RuleInfo("CL403", "retry-non-retryable-code", CATEGORY, W, "Retry on error codes or 4xx statuses that botocore deliberately does not retry", RETRY_TRIGGERS, f"{__name__}.retry_non_retryable_code:RetryNonRetryableCode", may_hold_retry, seeds=lines_with_retry_shape, by_member=True),
    RuleInfo("CL404", "retry-without-backoff", CATEGORY, INFO, "Retry of throttling or server errors with no delay or a constant delay between attempts", RETRY_TRIGGERS, f"{__name__}.retry_without_backoff:RetryWithoutBackoff", may_hold_retry, seeds=lines_with_retry_shape, by_member=True),
)
# fmt: on
