"""Sample errors and three-valued conditions: what a retry retries, decided by evaluating its
paths on sample codes and statuses, where a condition credlint cannot read answers "maybe"."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Optional

from credlint.checks.retry.sdk_retries import NUMERIC_CODE, is_client_error_code, sdk_retries_code, sdk_retries_status

OTHER_CODE = "<any other code>"
YES, MAYBE, NO = 2, 1, 0
# Statuses every retry is tried with; a gate's own bounds are added to them.
SAMPLE_STATUSES = (400, 403, 404, 409, 429, 500, 503)


@dataclass(frozen=True)
class Probe:
    """A sample ClientError: its code and HTTP status."""

    code: str
    status: int

    def retried_by_sdk(self, service: Optional[str]) -> bool:
        if self.code != OTHER_CODE and sdk_retries_code(self.code, service):
            return True
        return sdk_retries_status(self.status)


class Pred:
    """A condition on the caught error, as far as credlint can read it."""

    def possible(self, probe: Probe, want: bool) -> int:
        """YES if the condition can have value `want` for this error, NO if not, MAYBE if unknown."""
        raise NotImplementedError

    def named_codes(self) -> Iterator[str]:
        return iter(())

    def named_statuses(self) -> Iterator[int]:
        return iter(())


@dataclass(frozen=True)
class Known(Pred):
    value: bool

    def possible(self, probe: Probe, want: bool) -> int:
        return YES if self.value == want else NO


@dataclass(frozen=True)
class Free(Pred):
    """A condition that does not depend on the error (an attempt counter): either branch may run."""

    def possible(self, probe: Probe, want: bool) -> int:
        return YES


@dataclass(frozen=True)
class Opaque(Pred):
    """A condition on the error that credlint cannot read (a message, a helper it cannot see)."""

    def possible(self, probe: Probe, want: bool) -> int:
        return MAYBE


@dataclass(frozen=True)
class CodeTest(Pred):
    values: frozenset[str]
    how: str = "equals"  # "equals", "prefix", "suffix", "contains"

    def holds(self, code: str) -> bool:
        if code == OTHER_CODE:
            return False
        if self.how == "prefix":
            return any(code.startswith(value) for value in self.values)
        if self.how == "suffix":
            return any(code.endswith(value) for value in self.values)
        if self.how == "contains":
            return any(value in code for value in self.values)
        return code in self.values

    def possible(self, probe: Probe, want: bool) -> int:
        return YES if self.holds(probe.code) == want else NO

    def named_codes(self) -> Iterator[str]:
        return iter(sorted(self.values) if self.how in ("equals", "contains") else ())


@dataclass(frozen=True)
class StatusTest(Pred):
    ranges: tuple[tuple[int, int], ...]  # inclusive

    def possible(self, probe: Probe, want: bool) -> int:
        holds = any(low <= probe.status <= high for low, high in self.ranges)
        return YES if holds == want else NO

    def named_statuses(self) -> Iterator[int]:
        for low, high in self.ranges:
            yield from (status for status in (low - 1, low, high, high + 1) if 400 <= status <= 599)


@dataclass(frozen=True)
class Not(Pred):
    operand: Pred

    def possible(self, probe: Probe, want: bool) -> int:
        return self.operand.possible(probe, not want)

    def named_codes(self) -> Iterator[str]:
        return self.operand.named_codes()

    def named_statuses(self) -> Iterator[int]:
        return self.operand.named_statuses()


@dataclass(frozen=True)
class AllOf(Pred):
    operands: tuple[Pred, ...]

    def possible(self, probe: Probe, want: bool) -> int:
        results = [operand.possible(probe, want) for operand in self.operands]
        return (min(results, default=YES)) if want else max(results, default=NO)

    def named_codes(self) -> Iterator[str]:
        return (code for operand in self.operands for code in operand.named_codes())

    def named_statuses(self) -> Iterator[int]:
        return (status for operand in self.operands for status in operand.named_statuses())


@dataclass(frozen=True)
class AnyOf(Pred):
    operands: tuple[Pred, ...]

    def possible(self, probe: Probe, want: bool) -> int:
        results = [operand.possible(probe, want) for operand in self.operands]
        return max(results, default=NO) if want else min(results, default=YES)

    def named_codes(self) -> Iterator[str]:
        return (code for operand in self.operands for code in operand.named_codes())

    def named_statuses(self) -> Iterator[int]:
        return (status for operand in self.operands for status in operand.named_statuses())


Condition = tuple[Pred, bool]  # a predicate and the value it has on a path


def path_possible(conditions: Sequence[Condition], probe: Probe) -> int:
    return min((pred.possible(probe, want) for pred, want in conditions), default=YES)


@dataclass(frozen=True)
class Verdict:
    """What a retry retries, decided on sample errors."""

    others: bool  # codes it does not name are retried: every ClientError, or all but a deny-list
    retried_codes: tuple[str, ...]  # named codes botocore does not retry, retried here
    retried_statuses: tuple[int, ...]  # named 4xx statuses (not 429) retried here
    spared: tuple[str, ...]  # named codes and statuses it does not retry
    retries_throttling: bool  # it retries (or may retry) some error botocore retries too

    @property
    def non_retryable(self) -> bool:
        return bool(self.retried_codes or self.retried_statuses)


def verdict(paths: Sequence[Sequence[Condition]], service: Optional[str]) -> Verdict:
    """Evaluate retry paths (each a conjunction of conditions) on sample errors."""
    preds = [pred for conditions in paths for pred, _ in conditions]
    codes = sorted({code for pred in preds for code in pred.named_codes()})
    statuses = sorted({*SAMPLE_STATUSES, *(status for pred in preds for status in pred.named_statuses())})
    mentioned_statuses = {status for pred in preds for status in pred.named_statuses()}

    def retried(probe: Probe) -> int:
        return max((path_possible(conditions, probe) for conditions in paths), default=NO)

    code_probes = [Probe(code, int(code) if NUMERIC_CODE.match(code) else 400) for code in codes]
    status_probes = [Probe(OTHER_CODE, status) for status in statuses]
    results = {probe: retried(probe) for probe in (*code_probes, *status_probes)}
    retried_codes = tuple(
        probe.code for probe in code_probes if results[probe] == YES and is_client_error_code(probe.code, service)
    )
    retried_statuses = tuple(
        probe.status
        for probe in status_probes
        if probe.status in mentioned_statuses and results[probe] == YES and not probe.retried_by_sdk(service)
    )
    spared = tuple(probe.code for probe in code_probes if results[probe] == NO) + tuple(
        f"HTTP {probe.status}" for probe in status_probes if probe.status in mentioned_statuses and results[probe] == NO
    )
    return Verdict(
        others=results[Probe(OTHER_CODE, 400)] == YES,
        retried_codes=retried_codes,
        retried_statuses=retried_statuses,
        spared=spared,
        retries_throttling=any(result != NO and probe.retried_by_sdk(service) for probe, result in results.items()),
    )
