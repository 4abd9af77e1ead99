"""Retries by tenacity, backoff, retrying and the retry package: their decorators, tenacity's
Retrying loops and retry's retry_call, read into what they retry, how often and how long they wait."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Optional

import libcst as cst

from credlint.analysis.bindings import MAX_RESOLUTION_DEPTH, qualified_names, single_bound_value
from credlint.analysis.literals import int_value
from credlint.analysis.sdk import CallArguments, call_arguments
from credlint.checks.retry.aws_calls import aws_requests, is_sdk_object, sdk_retries_of
from credlint.checks.retry.conditions import AllOf, AnyOf, Known, Not, Opaque, Pred, verdict
from credlint.checks.retry.error_reader import EXCEPTION, ErrorReader, helper_reader
from credlint.checks.retry.exceptions import Caught, caught_by, instance_test
from credlint.checks.retry.pacing import CONSTANT_DELAY, GROWING_DELAY, NO_DELAY, UNKNOWN_DELAY, Attempts, Delay
from credlint.checks.retry.retry_site import DECORATOR, HandlerRetry, RetrySite, line_of, where_of
from credlint.checks.retry.syntax import Helper, ModuleIndex, source_of, statements

Keywords = Mapping[str, cst.BaseExpression]

TENACITY, BACKOFF, RETRYING, RETRY = "tenacity", "backoff", "retrying", "retry"
DECORATOR_FACTORIES: Mapping[str, str] = {
    "tenacity.retry": TENACITY,
    "backoff.on_exception": BACKOFF,
    "retrying.retry": RETRYING,
    "retry.retry": RETRY,
    "retry.api.retry": RETRY,
}
RETRY_CALLS = frozenset({"retry.api.retry_call"})
# Each library's parameters in the order positional arguments fill them. ref. tenacity 9.2.1
# BaseRetrying.__init__ (tenacity.retry passes its arguments on to Retrying); backoff 2.2.1
# on_exception (keyword-only after `exception`); retrying 1.4.2 retry (keywords, in practice);
# retry 0.9.2 retry/api.py retry() and retry_call().
TENACITY_PARAMETERS = ("sleep", "stop", "wait", "retry", "before", "after", "before_sleep", "reraise")
RETRY_PARAMETERS = ("exceptions", "tries", "delay", "max_delay", "backoff", "jitter", "logger")
RETRY_CALL_PARAMETERS = ("f", "fargs", "fkwargs", *RETRY_PARAMETERS)
LIBRARY_PARAMETERS: Mapping[str, tuple[str, ...]] = {
    TENACITY: TENACITY_PARAMETERS,
    BACKOFF: ("wait_gen", "exception"),
    RETRYING: (),
    RETRY: RETRY_PARAMETERS,
}
# What each library lacks when nothing checks the error code, and the fix that uses its predicate.
# ref. tenacity `retry=`, backoff `giveup=` (true: stop), retrying `retry_on_exception=`; the retry
# package filters by exception class alone.
PREDICATE_ARGUMENTS: Mapping[str, tuple[str, str]] = {
    TENACITY: (
        "no retry= predicate checks the error code",
        "Give the decorator a predicate, retry=retry_if_exception(is_retryable)",
    ),
    BACKOFF: (
        "no giveup= predicate checks the error code",
        "Give the decorator a predicate, giveup=lambda e: not is_retryable(e)",
    ),
    RETRYING: (
        "no retry_on_exception= predicate checks the error code",
        "Give the decorator a predicate, retry_on_exception=is_retryable",
    ),
    RETRY: (
        "the retry package takes exception classes only, so nothing checks the error code",
        "The retry package cannot check the error code: catch only the client's throttling classes "
        "(exceptions=(client.exceptions.ThrottlingException, ...)), or move to tenacity with "
        "retry=retry_if_exception(is_retryable)",
    ),
}
TENACITY_CONSTANT_PREDICATES = frozenset({"tenacity.retry_always", "tenacity.retry_never"})
TENACITY_CONTROLLERS = frozenset({"tenacity.Retrying", "tenacity.AsyncRetrying", "tenacity.asyncio.AsyncRetrying"})
_TENACITY_GROWING_WAITS = frozenset(
    {
        "wait_exponential",
        "wait_random_exponential",
        "wait_full_jitter",
        "wait_exponential_jitter",
        "wait_random",
        "wait_incrementing",
        "wait_chain",
    }
)
# ref. retrying.py Retrying.__init__: these arguments add a wait that is not constant.
_RETRYING_GROWING_WAITS = (
    "wait_random_min",
    "wait_random_max",
    "wait_incrementing_start",
    "wait_incrementing_increment",
    "wait_exponential_multiplier",
    "wait_exponential_max",
    "wait_jitter_max",
)


@dataclass(frozen=True)
class LibraryPolicy:
    """A retry library's decorator, read into what it retries, how often and how long it waits."""

    library: str
    predicate: Pred
    caught: Caught
    attempts: Attempts
    delay: Delay


def decorator_library(owner: cst.MetadataDependent, decorator: cst.BaseExpression) -> Optional[str]:
    target = decorator.func if isinstance(decorator, cst.Call) else decorator
    for name in qualified_names(owner, target):
        if name in DECORATOR_FACTORIES:
            return DECORATOR_FACTORIES[name]
    return None


def decorator_sites(owner: cst.MetadataDependent, index: ModuleIndex, function: cst.FunctionDef) -> Iterator[RetrySite]:
    for decorator in function.decorators:
        library = decorator_library(owner, decorator.decorator)
        call = decorator.decorator if isinstance(decorator.decorator, cst.Call) else None
        if library is None or (library == RETRY and call is None):
            # a bare @retry of the retry package takes the function for its exception classes: no retry
            continue
        label = f"@{source_of(call.func if call is not None else decorator.decorator)} ({library})"
        arguments = call_arguments(owner, call, LIBRARY_PARAMETERS[library]) if call is not None else None
        requests = aws_requests(owner, index, statements(function.body))
        site = library_site(owner, index, library, arguments, requests, function, decorator, label)
        if site is not None:
            yield site


def library_site(
    owner: cst.MetadataDependent,
    index: ModuleIndex,
    library: str,
    arguments: Optional[CallArguments],
    requests: Sequence[cst.Attribute],
    function: Optional[cst.FunctionDef],
    anchor: cst.CSTNode,
    label: str,
) -> Optional[RetrySite]:
    """A retry library applied to code that makes the AWS requests given (a decorated function, a
    `for attempt in Retrying(...)` body, the function retry_call calls). arguments: None for a
    decorator written without a call."""
    reader = ErrorReader(owner, index, statements(function.body) if function is not None else [], {})
    policy = _read_policy(owner, reader, library, arguments or CallArguments({}, False))
    if policy is None:
        return None
    caught = policy.caught
    if not (caught.client_error or caught.specific or (caught.broad and requests)):
        return None
    sdk = sdk_retries_of(owner, requests)
    result = verdict([[(policy.predicate, True)]], caught.service or sdk.service)
    return RetrySite(
        kind=DECORATOR,
        label=label,
        where=where_of(function),
        node=anchor,
        line=line_of(owner, anchor),
        handlers=(HandlerRetry(anchor, caught, result),),
        attempts=policy.attempts,
        delay=policy.delay,
        sdk=sdk,
        library=library,
    )


def _read_policy(
    owner: cst.MetadataDependent, reader: ErrorReader, library: str, arguments: CallArguments
) -> Optional[LibraryPolicy]:
    """None when `**options` hide what the call sets, or the call does not fit the library."""
    if arguments.has_unknown_spread:
        return None
    if library == TENACITY:
        return _tenacity_policy(owner, reader, arguments.values)
    if library == BACKOFF:
        return _backoff_policy(owner, reader, arguments.values)
    if library == RETRY:
        return _retry_package_policy(owner, arguments.values)
    return _retrying_policy(owner, reader, arguments.values)


def _callee_name(owner: cst.MetadataDependent, expr: cst.BaseExpression) -> str:
    """The last part of a library function's qualified name: `wait_fixed`, `expo`."""
    target = expr.func if isinstance(expr, cst.Call) else expr
    names = qualified_names(owner, target)
    best = sorted(names)[0] if names else (cst.helpers.get_full_name_for_node(target) or "")
    return best.rsplit(".", 1)[-1]


def _tenacity_policy(owner: cst.MetadataDependent, reader: ErrorReader, keywords: Keywords) -> LibraryPolicy:
    # ref. tenacity BaseRetrying.__init__: stop=stop_never, wait=wait_none(), retry=retry_if_exception_type()
    retry_expr = keywords.get("retry")
    predicate: Pred
    if retry_expr is None:
        predicate, caught = Known(True), Caught(broad=True)
    else:
        predicate, caught = _tenacity_retry(owner, reader, retry_expr, 0)
    stop = keywords.get("stop")
    attempts = Attempts(None, True, "no stop=")
    if stop is not None:
        attempts = _tenacity_stop(owner, stop, 0) or Attempts(None, False, source_of(stop))
    wait = keywords.get("wait")
    delay = Delay(NO_DELAY, "no wait=") if wait is None else _tenacity_wait(owner, wait)
    return LibraryPolicy(TENACITY, predicate, caught, attempts, delay)


def _tenacity_retry(
    owner: cst.MetadataDependent, reader: ErrorReader, expr: cst.BaseExpression, depth: int
) -> tuple[Pred, Caught]:
    if depth > MAX_RESOLUTION_DEPTH:
        return Opaque(), Caught(unknown=True)
    if isinstance(expr, cst.Name) and not qualified_names(owner, expr) & TENACITY_CONSTANT_PREDICATES:
        value = single_bound_value(owner, expr)
        if value is not None:
            return _tenacity_retry(owner, reader, value, depth + 1)
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, (cst.BitOr, cst.BitAnd)):
        left, left_caught = _tenacity_retry(owner, reader, expr.left, depth + 1)
        right, right_caught = _tenacity_retry(owner, reader, expr.right, depth + 1)
        combined: Pred = AnyOf((left, right)) if isinstance(expr.operator, cst.BitOr) else AllOf((left, right))
        return combined, left_caught.merged(right_caught)
    name = _callee_name(owner, expr)
    args = [arg.value for arg in expr.args] if isinstance(expr, cst.Call) else []
    if name == "retry_always":
        return Known(True), Caught(broad=True)
    if name in ("retry_never", "retry_if_result", "retry_if_not_result"):
        return Known(False), Caught()
    if name in ("retry_if_exception_type", "retry_unless_exception_type", "retry_if_not_exception_type"):
        caught = caught_by(owner, args[0]) if args else Caught(broad=True)
        test = instance_test(caught)
        if name == "retry_if_exception_type":
            return test, caught
        return Not(test), Caught(broad=True)
    if name == "retry_if_exception" and args:
        helper = reader.resolve_callable(args[0])
        return (_predicate_of(reader, helper) if helper is not None else Opaque()), Caught(broad=True)
    if name in ("retry_any", "retry_all"):
        parts = [_tenacity_retry(owner, reader, arg, depth + 1) for arg in args]
        preds = tuple(pred for pred, _ in parts)
        caught = Caught()
        for _, part_caught in parts:
            caught = caught.merged(part_caught)
        return (AnyOf(preds) if name == "retry_any" else AllOf(preds)), caught
    return Opaque(), Caught(unknown=True)


def _predicate_of(reader: ErrorReader, helper: Helper) -> Pred:
    """A predicate function given the exception as its first parameter."""
    params = [param.name.value for param in helper.function.params.params]
    if params and params[0] in ("self", "cls"):
        params = params[1:]
    if not params:
        return Opaque()
    predicate_reader = helper_reader(helper, {params[0]: EXCEPTION}, reader.depth + 1)
    return predicate_reader.returns_predicate(helper.function)


def _tenacity_stop(owner: cst.MetadataDependent, expr: cst.BaseExpression, depth: int) -> Optional[Attempts]:
    if depth > MAX_RESOLUTION_DEPTH:
        return None
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.BitOr):
        return _tenacity_stop(owner, expr.left, depth + 1) or _tenacity_stop(owner, expr.right, depth + 1)
    if isinstance(expr, cst.Name):
        value = single_bound_value(owner, expr)
        if value is not None:
            return _tenacity_stop(owner, value, depth + 1)
    name = _callee_name(owner, expr)
    if name == "stop_after_attempt" and isinstance(expr, cst.Call) and expr.args:
        count = int_value(owner, expr.args[0].value)
        return Attempts(count, False, source_of(expr)) if count is not None else None
    if name == "stop_never":
        return Attempts(None, True, source_of(expr))
    return None


def _tenacity_wait(owner: cst.MetadataDependent, expr: cst.BaseExpression) -> Delay:
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
        parts = [_tenacity_wait(owner, expr.left), _tenacity_wait(owner, expr.right)]
        if any(part.kind == GROWING_DELAY for part in parts):
            return Delay(GROWING_DELAY, source_of(expr))
        if all(part.kind in (CONSTANT_DELAY, NO_DELAY) for part in parts):
            return Delay(CONSTANT_DELAY, source_of(expr), expr)
        return Delay(UNKNOWN_DELAY, source_of(expr))
    name = _callee_name(owner, expr)
    if name == "wait_fixed":
        return Delay(CONSTANT_DELAY, source_of(expr), expr)
    if name == "wait_none":
        return Delay(NO_DELAY, source_of(expr), expr)
    if name in _TENACITY_GROWING_WAITS:
        return Delay(GROWING_DELAY, source_of(expr))
    return Delay(UNKNOWN_DELAY, source_of(expr))


def _backoff_policy(owner: cst.MetadataDependent, reader: ErrorReader, keywords: Keywords) -> LibraryPolicy:
    # ref. backoff on_exception(wait_gen, exception, max_tries=None, max_time=None,
    # jitter=full_jitter, giveup=lambda e: False, ...): no limit and no give-up by default.
    exception = keywords.get("exception")
    caught = caught_by(owner, exception) if exception is not None else Caught(unknown=True)
    predicate: Pred = instance_test(caught)
    giveup = keywords.get("giveup")
    if giveup is not None:
        helper = reader.resolve_callable(giveup)
        gives_up = _predicate_of(reader, helper) if helper is not None else Opaque()
        predicate = AllOf((predicate, Not(gives_up)))
    max_tries = keywords.get("max_tries")
    if max_tries is not None:
        count = int_value(owner, max_tries)
        attempts = Attempts(count, False, f"max_tries={source_of(max_tries)}")
    elif "max_time" in keywords:
        attempts = Attempts(None, False, f"max_time={source_of(keywords['max_time'])}")
    else:
        attempts = Attempts(None, True, "no max_tries=")
    wait_gen = keywords.get("wait_gen")
    delay = Delay(UNKNOWN_DELAY)
    if wait_gen is not None:
        name = _callee_name(owner, wait_gen)
        jitter = keywords.get("jitter")
        if name == "constant" and isinstance(jitter, cst.Name) and jitter.value == "None":
            delay = Delay(CONSTANT_DELAY, f"{source_of(wait_gen)}, jitter=None", wait_gen)
        elif name in ("expo", "fibo", "constant", "decay"):
            # backoff jitters every wait by default (full_jitter): a "constant" wait is random
            delay = Delay(GROWING_DELAY, source_of(wait_gen))
    return LibraryPolicy(BACKOFF, predicate, caught, attempts, delay)


def _retrying_policy(owner: cst.MetadataDependent, reader: ErrorReader, keywords: Keywords) -> LibraryPolicy:
    # ref. retrying.py Retrying.__init__: retry_on_exception defaults to always_reject (every
    # exception); no stop_max_* means never stop; no wait_* means no sleep.
    retry_on_exception = keywords.get("retry_on_exception")
    predicate: Pred = Known(True)
    if retry_on_exception is not None:
        helper = reader.resolve_callable(retry_on_exception)
        predicate = _predicate_of(reader, helper) if helper is not None else Opaque()
    if "stop_max_attempt_number" in keywords:
        expr = keywords["stop_max_attempt_number"]
        attempts = Attempts(int_value(owner, expr), False, f"stop_max_attempt_number={source_of(expr)}")
    elif "stop_max_delay" in keywords or "stop_func" in keywords or "stop" in keywords:
        attempts = Attempts(None, False, "a time or custom stop")
    else:
        attempts = Attempts(None, True, "no stop_max_attempt_number=")
    if any(name in keywords for name in _RETRYING_GROWING_WAITS):
        delay = Delay(GROWING_DELAY)
    elif "wait_func" in keywords or "wait" in keywords:
        delay = Delay(UNKNOWN_DELAY)
    elif "wait_fixed" in keywords:
        delay = Delay(CONSTANT_DELAY, f"wait_fixed={source_of(keywords['wait_fixed'])} ms", keywords["wait_fixed"])
    else:
        delay = Delay(NO_DELAY, "no wait_*=")
    return LibraryPolicy(RETRYING, predicate, Caught(broad=True), attempts, delay)


def controller_site(
    owner: cst.MetadataDependent, index: ModuleIndex, loop: cst.For, function: Optional[cst.FunctionDef]
) -> Optional[RetrySite]:
    """`for attempt in Retrying(...): with attempt: ...`: tenacity's retry as a loop."""
    if not isinstance(loop.iter, cst.Call) or not qualified_names(owner, loop.iter.func) & TENACITY_CONTROLLERS:
        return None
    label = f"for ... in {source_of(loop.iter.func)}(...) ({TENACITY})"
    arguments = call_arguments(owner, loop.iter, TENACITY_PARAMETERS)
    requests = aws_requests(owner, index, statements(loop.body))
    return library_site(owner, index, TENACITY, arguments, requests, function, loop.iter, label)


def retry_call_site(
    owner: cst.MetadataDependent, index: ModuleIndex, call: cst.Call, function: Optional[cst.FunctionDef]
) -> Optional[RetrySite]:
    """`retry_call(f, fargs, fkwargs, exceptions, tries, ...)` of the retry package: a retry of f, a
    method of a client (`s3.get_object`), a lambda or a function of this module."""
    if not qualified_names(owner, call.func) & RETRY_CALLS:
        return None
    arguments = call_arguments(owner, call, RETRY_CALL_PARAMETERS)
    target = arguments.get("f")
    if target is None:
        return None
    requests: list[cst.Attribute] = []
    if isinstance(target, cst.Attribute) and is_sdk_object(owner, index, target.value):
        requests.append(target)
    else:
        reader = ErrorReader(owner, index, statements(function.body) if function is not None else [], {})
        callee = reader.resolve_callable(target)
        if callee is not None and callee.owner is owner:  # requests are read in this module only
            called = callee.function
            body = [called.body] if isinstance(called, cst.Lambda) else statements(called.body)
            requests = aws_requests(callee.owner, callee.index, body)
    label = f"{source_of(call.func)}(...) ({RETRY})"
    return library_site(owner, index, RETRY, arguments, requests, function, call, label)


def _retry_package_policy(owner: cst.MetadataDependent, keywords: Keywords) -> Optional[LibraryPolicy]:
    # ref. retry 0.9.2 retry/api.py: exceptions=Exception (every exception), tries=-1 (a negative
    # count never reaches 0: no limit), delay=0; each wait is the last one times backoff (default
    # 1), plus jitter (a number, or random between the two of a tuple), capped at max_delay.
    if set(keywords) - {*RETRY_CALL_PARAMETERS}:
        return None  # another signature: a project's own `retry` module
    exceptions = keywords.get("exceptions")
    caught = caught_by(owner, exceptions) if exceptions is not None else Caught(broad=True)
    tries = keywords.get("tries")
    attempts = Attempts(None, True, "no tries=")
    if tries is not None:
        count = int_value(owner, tries)
        text = f"tries={source_of(tries)}"
        if count is None:
            attempts = Attempts(None, False, text)
        else:
            attempts = Attempts(None, True, text) if count < 0 else Attempts(count, False, text)
    return LibraryPolicy(RETRY, instance_test(caught), caught, attempts, _retry_package_delay(owner, keywords))


def _retry_package_delay(owner: cst.MetadataDependent, keywords: Keywords) -> Delay:
    written = {name: keywords[name] for name in ("delay", "backoff", "jitter") if name in keywords}
    text = ", ".join(f"{name}={source_of(expr)}" for name, expr in written.items())
    if isinstance(written.get("jitter"), cst.Tuple):
        return Delay(GROWING_DELAY, text)  # a random jitter on every wait
    numbers = {name: _number(owner, expr) for name, expr in written.items()}
    delay, backoff, jitter = numbers.get("delay", 0.0), numbers.get("backoff", 1.0), numbers.get("jitter", 0.0)
    if delay is None or backoff is None or jitter is None:
        return Delay(UNKNOWN_DELAY, text)
    if jitter:
        return Delay(GROWING_DELAY, text)  # added to the wait after every attempt
    if not delay:
        return Delay(NO_DELAY, text)
    if backoff > 1:
        return Delay(GROWING_DELAY, text)
    return Delay(CONSTANT_DELAY, text, written["delay"]) if backoff == 1 else Delay(UNKNOWN_DELAY, text)


def _number(owner: cst.MetadataDependent, expr: cst.BaseExpression, depth: int = 0) -> Optional[float]:
    """An int or float written here or in a module constant."""
    if isinstance(expr, cst.Float):
        return float(expr.evaluated_value)
    if isinstance(expr, cst.Name) and depth < MAX_RESOLUTION_DEPTH:
        value = single_bound_value(owner, expr)
        if value is not None:
            return _number(owner, value, depth + 1)
    count = int_value(owner, expr)
    return float(count) if count is not None else None
