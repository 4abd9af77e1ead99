"""The retry chain of a finding in words: its message, the SDK's layer and this code's layer, the
worst case they multiply to, and the fix."""

from __future__ import annotations

from collections.abc import Sequence

from credlint.chain import STATUS_THIS_CODE, ChainStep, Explanation
from credlint.checks.retry.aws_calls import SdkRetries
from credlint.checks.retry.libraries import PREDICATE_ARGUMENTS
from credlint.checks.retry.retry_site import DECORATOR, HandlerRetry, RetrySite
from credlint.checks.retry.sdk_retries import (
    ADAPTIVE,
    DEFAULT_MODE_CHANGE,
    EXAMPLE_CLIENT_ERRORS,
    LEGACY,
    STANDARD,
    is_absence_code,
)


def _quote(items: Sequence[str]) -> str:
    quoted = [item if item.startswith("HTTP ") else repr(item) for item in items]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def retried_phrase(site: RetrySite, handler: HandlerRetry) -> str:
    """What the retry retries, in the words of a message: "every ClientError", "'AccessDenied'"."""
    result = handler.verdict
    caught = handler.caught.describe()
    if result.others:
        base = "every exception (ClientError included)" if handler.caught.broad else f"every {caught}"
        spared = [item for item in result.spared]
        return f"{base} except {_quote(spared)}" if spared else base
    named = [*result.retried_codes, *(f"HTTP {status}" for status in result.retried_statuses)]
    return _quote(named)


def any_error_message(site: RetrySite, handler: HandlerRetry) -> str:
    """CL401/CL402's message: no check at all, or a deny-list that lets every other code through."""
    retried = retried_phrase(site, handler)
    if handler.verdict.spared:
        still = [code for code in EXAMPLE_CLIENT_ERRORS if code not in handler.verdict.spared][:2]
        return f"{site.subject} retries {retried}: {', '.join(still)} and other 4xx codes too"
    return f"{site.subject} retries {retried} without checking the error code"


def _sdk_steps(sdk: SdkRetries) -> list[ChainStep]:
    retried = "throttling and transient codes, 429, 500/502/503/504"
    if sdk.mode is not None or sdk.total_attempts is not None:
        mode = sdk.mode or STANDARD
        attempts = sdk.attempts(mode if mode != ADAPTIVE else STANDARD)
        reads = f"{attempts} attempts per call; {retried}"
        return [ChainStep("1", f"botocore {mode} mode", reads, "set by Config", sdk.line)]
    service = f" ({sdk.service})" if sdk.service else ""
    standard = f"{sdk.attempts(STANDARD)} attempts per call{service}; {retried}"
    legacy = f"{sdk.attempts(LEGACY)} attempts per call{service}; same codes, also 509"
    return [
        ChainStep("1", "botocore standard mode", standard, f"default >= {DEFAULT_MODE_CHANGE}"),
        ChainStep("1", "botocore legacy mode", legacy, "default <= 1.43.x"),
    ]


def _modes(sdk: SdkRetries) -> list[tuple[str, int]]:
    if sdk.mode is not None or sdk.total_attempts is not None:
        mode = sdk.mode or STANDARD
        return [(mode, sdk.attempts(mode if mode != ADAPTIVE else STANDARD))]
    return [(STANDARD, sdk.attempts(STANDARD)), (LEGACY, sdk.attempts(LEGACY))]


def worst_case(site: RetrySite) -> str:
    """The requests one call can cost when both layers retry, per SDK mode."""
    modes = _modes(site.sdk)
    count = site.attempts.count
    if count is not None:
        return ", ".join(f"{count} x {attempts} = {count * attempts} requests ({mode})" for mode, attempts in modes)
    if site.attempts.unbounded:
        return "unbounded: this code never gives up, and each attempt costs " + " or ".join(
            f"{attempts} requests ({mode})" for mode, attempts in modes
        )
    return "N x " + " or ".join(f"{attempts} ({mode})" for mode, attempts in modes) + ", N not known from the code"


def _sdk_runtime(sdk: SdkRetries) -> str:
    # ref. aws-chain-reference.md section 3
    if sdk.mode is not None or sdk.total_attempts is not None:
        mode = sdk.mode or STANDARD
        attempts = sdk.attempts(mode if mode != ADAPTIVE else STANDARD)
        statuses = "500/502/503/504/509" if mode == LEGACY else "500/502/503/504"
        return (
            f"Each call already goes through botocore's retry layer, set here to {mode} mode with {attempts} "
            f"attempts per call, which retries throttling and transient codes, 429 and {statuses} with "
            "exponential backoff and jitter. "
        )
    dynamo = " (DynamoDB 4)" if sdk.service not in ("dynamodb", "dynamodbstreams") else ""
    legacy_dynamo = " (DynamoDB 10)" if sdk.service != "dynamodb" else ""
    return (
        "Each call already goes through botocore's retry layer: standard mode, the default since botocore "
        f"{DEFAULT_MODE_CHANGE}, makes up to {sdk.attempts(STANDARD)} attempts{dynamo}; legacy mode, the default "
        f"up to 1.43.x, up to {sdk.attempts(LEGACY)}{legacy_dynamo}. Both retry only throttling and transient "
        "codes, 429 and 500/502/503/504 (legacy also 509; standard also modeled retryable errors), with "
        "exponential backoff and jitter (AWS_RETRY_MODE and AWS_MAX_ATTEMPTS change this). "
    )


def fourxx_cost(site: RetrySite) -> str:
    """The requests one call costs when this code retries only 4xx codes: botocore sends each once."""
    count = site.attempts.count
    if count is not None:
        return f"{count} x 1 = {count} requests, each failing the same way"
    if site.attempts.unbounded:
        return "unbounded: this code never gives up, and each attempt is 1 request botocore does not retry"
    return "N x 1 = N requests, N not known from the code"


def explain(site: RetrySite, handler: HandlerRetry, focus: str) -> Explanation:
    """The retry chain for one finding: the SDK's layer, this code's layer, the product, the fix."""
    retried = retried_phrase(site, handler)
    code_reads = f"{site.attempts.describe()}; {site.delay.describe()}; retries {retried}"
    only_fourxx = focus == "codes" and not handler.verdict.retries_throttling
    product = (
        ChainStep("=", "requests per call", fourxx_cost(site), "4xx: botocore sends it once")
        if only_fourxx
        else ChainStep("=", "worst case per call", worst_case(site), "throttling or 5xx")
    )
    steps = [*_sdk_steps(site.sdk), ChainStep("2", site.label, code_reads, STATUS_THIS_CODE, site.line), product]
    loop_attempts = site.attempts.count
    repeats = (
        f"{loop_attempts} times"
        if loop_attempts is not None
        else ("forever" if site.attempts.unbounded else "as many times as the code allows")
    )
    if only_fourxx:
        errors = "4xx client errors" if _count(handler) > 1 else "a 4xx client error"
        runtime = (
            f"{_sdk_runtime(site.sdk)}This code adds a second retry layer (link 2) on top of it for {retried} "
            f"alone: {errors}, which botocore's layer (link 1) hands back after the first attempt, because the "
            f"same request fails the same way every time. This code sends that request {repeats} and reports "
            "the real error (a missing resource, a wrong parameter, a permission) only after every delay."
        )
        return Explanation(
            "retry", _summary(site, handler, focus, retried), tuple(steps), runtime, _fix_fourxx(handler)
        )
    fourxx = ""
    if focus != "backoff" and (handler.verdict.others or handler.verdict.non_retryable):
        if handler.verdict.others:
            examples = [code for code in EXAMPLE_CLIENT_ERRORS if code not in handler.verdict.spared]
        else:
            examples = [*handler.verdict.retried_codes, *(f"HTTP {s}" for s in handler.verdict.retried_statuses)]
        fourxx = (
            f" A 4xx error ({', '.join(examples)}) is not retried by botocore: this code sends the same failing "
            f"request {repeats} and reports the real error only after every delay, hiding permission and "
            "validation bugs."
        )
    runtime = (
        f"{_sdk_runtime(site.sdk)}This code retries on top of it: during throttling or an outage, when the "
        f"service is already overloaded, one call can cost {worst_case(site)}.{fourxx}"
    )
    summary = _summary(site, handler, focus, retried)
    fix = _fix(site, handler, focus)
    return Explanation(chain="retry", summary=summary, steps=tuple(steps), runtime=runtime, fix=fix)


def _summary(site: RetrySite, handler: HandlerRetry, focus: str, retried: str) -> str:
    where = f"{site.subject} (line {site.line})"
    if focus == "any":
        return (
            f"{where} retries {retried} without checking the error code or HTTP status: it sits on top of "
            "botocore's own retry layer and repeats errors the SDK deliberately does not retry."
        )
    if focus == "codes" and handler.modeled_only:
        return (
            f"{where} catches the client's modeled exception {'classes' if _count(handler) > 1 else 'class'} for "
            f"{retried} and retries {'them' if _count(handler) > 1 else 'it'}, which botocore deliberately does not "
            "retry: a 4xx client error fails the same way on every attempt."
        )
    if focus == "codes":
        return (
            f"{where} checks the error but retries {retried}, which botocore deliberately does not retry: "
            "a 4xx client error fails the same way on every attempt."
        )
    return (
        f"{where} retries with {site.delay.describe()}: every client retries at the same moments, "
        "so retries arrive in bursts while the service is throttling; AWS guidance is exponential backoff with jitter."
    )


def _named(handler: HandlerRetry) -> str:
    return _quote([*handler.verdict.retried_codes, *(f"HTTP {s}" for s in handler.verdict.retried_statuses)])


def _count(handler: HandlerRetry) -> int:
    return len(handler.verdict.retried_codes) + len(handler.verdict.retried_statuses)


def _waiting(handler: HandlerRetry) -> str:
    """How to wait for a resource or a change instead; a bounded poll for a missing resource at a fixed
    interval is what botocore's waiters do (waiters-2.json `delay`, `maxAttempts`), and CL403 spares it."""
    if all(is_absence_code(code) for code in handler.verdict.retried_codes):
        return (
            "If the code waits for a resource that is being created (eventual consistency), use the client's "
            "waiter (client.get_waiter(...)), or poll at a fixed interval with a bounded number of attempts, as "
            "waiters do."
        )
    return (
        "If the code waits for a change to take effect (an IAM role that has not propagated yet), use a waiter "
        "where the client has one (client.get_waiter(...)), or bound the wait and suppress this finding with "
        "the reason."
    )


def _fix_fourxx(handler: HandlerRetry) -> str:
    """The fix for a retry of 4xx codes alone: let them through; the SDK retries what is retryable."""
    plural = _count(handler) > 1
    if handler.modeled_only:
        how = f"take {'their classes' if plural else 'its class'} out of the retry and let the error reach the caller"
    else:
        how = "re-raise at once (`if code not in RETRYABLE_CODES: raise`)"
    return (
        f"Stop retrying {_named(handler)}: {how}, or handle {'them' if plural else 'it'} once. botocore already "
        f"retries throttling and transient errors inside each call. {_waiting(handler)}"
    )


def _fix(site: RetrySite, handler: HandlerRetry, focus: str) -> str:
    config = (
        'delete the retry and set Config(retries={"mode": "standard" or "adaptive", "total_max_attempts": N}) '
        "on the client ('max_attempts' counts retries, so N-1)"
    )
    if focus == "backoff":
        return (
            "Wait with exponential backoff and full jitter, e.g. time.sleep(random.uniform(0, min(20, 0.5 * 2 ** "
            f"attempt))) (tenacity: wait_random_exponential; backoff: backoff.expo) — or {config}: botocore waits "
            "rand * min(base * 2^i, 20 s) itself and adaptive mode also rate-limits the client."
        )
    if focus == "codes":
        return (
            f"Stop retrying {_named(handler)}: retry only throttling and transient codes and status >= 500 or "
            f"429, and re-raise the rest — or {config}. {_waiting(handler)}"
        )
    if site.kind == DECORATOR:
        library_fix = PREDICATE_ARGUMENTS.get(site.library or "", ("", "Give the retry a predicate"))[1]
        return (
            f"{library_fix}, where is_retryable checks e.response['Error']['Code'] against throttling and "
            f"transient codes (or the status is >= 500 or 429) — or {config}."
        )
    return (
        "Re-raise codes that are not retryable: `if e.response['Error']['Code'] not in RETRYABLE_CODES: raise` "
        f"(throttling and transient codes, or status >= 500 or 429) — or {config}. If this waits for a "
        "resource to appear, use the client's waiter (client.get_waiter(...))."
    )
