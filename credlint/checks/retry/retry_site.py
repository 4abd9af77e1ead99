"""A retry found in the code, with every fact its rules and explanation read: what each handler
retries, how often, with what delay, on which SDK retry layer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import libcst as cst
from libcst.metadata import PositionProvider

from credlint.checks.retry.aws_calls import SdkRetries
from credlint.checks.retry.conditions import Verdict
from credlint.checks.retry.exceptions import Caught
from credlint.checks.retry.pacing import CONSTANT_DELAY, UNKNOWN_DELAY, Attempts, Delay
from credlint.checks.retry.sdk_retries import is_absence_code

LOOP, DECORATOR, RECURSION = "loop", "decorator", "recursion"


@dataclass(frozen=True)
class HandlerRetry:
    """One except clause (or a decorator's predicate) and what it retries."""

    node: cst.CSTNode  # where a finding about it is reported
    caught: Caught
    verdict: Verdict
    except_type: Optional[cst.BaseExpression] = None  # the clause's type, where a guard's fix is anchored

    @property
    def retries_any_error(self) -> bool:
        """Retries codes it does not name (CL401/CL402)."""
        return self.verdict.others

    @property
    def retries_named_non_retryable(self) -> bool:
        """Named codes, modeled classes or 4xx statuses botocore does not retry, and no others (CL403)."""
        return not self.verdict.others and self.verdict.non_retryable

    @property
    def modeled_only(self) -> bool:
        """Takes modeled classes alone (`except s3.exceptions.NoSuchKey`), no ClientError."""
        return bool(self.caught.specific) and not (self.caught.takes_client_errors or self.caught.botocore_error)


@dataclass(frozen=True)
class RetrySite:
    """A retry in the code, with every fact its explanation needs."""

    kind: str
    label: str  # "for attempt in range(5)", "@retry (tenacity)", "retry_call(...) (retry)", "recursive call to fetch()"
    where: str  # "fetch()" or "module level"
    node: cst.CSTNode
    line: int
    handlers: tuple[HandlerRetry, ...]
    attempts: Attempts
    delay: Delay
    sdk: SdkRetries
    library: Optional[str] = None

    @property
    def retries_throttling(self) -> bool:
        return any(handler.verdict.retries_throttling for handler in self.handlers)

    def waits_for_resource(self, handler: HandlerRetry) -> bool:
        """A poll, not a retry: only codes of a missing resource (`NoSuchKey`, `ResourceNotFoundException`,
        HTTP 404), a bounded number of attempts and a fixed interval (or a wait credlint cannot read,
        such as a waiter's): the shape of botocore's own waiters (waiters-2.json `delay`, `maxAttempts`)."""
        result = handler.verdict
        return (
            all(is_absence_code(code) for code in result.retried_codes)
            and set(result.retried_statuses) <= {404}
            and not self.attempts.unbounded
            and self.delay.kind in (CONSTANT_DELAY, UNKNOWN_DELAY)
        )

    @property
    def subject(self) -> str:
        if self.kind == LOOP:
            return f"Retry loop in {self.where}" if self.where != "module level" else "Retry loop at module level"
        if self.kind == DECORATOR:
            return f"{self.label} on {self.where}" if self.label.startswith("@") else f"{self.label} in {self.where}"
        return f"Recursive retry in {self.where}"


def where_of(function: Optional[cst.FunctionDef]) -> str:
    return f"{function.name.value}()" if function is not None else "module level"


def line_of(owner: cst.MetadataDependent, node: cst.CSTNode) -> int:
    return owner.get_metadata(PositionProvider, node).start.line
