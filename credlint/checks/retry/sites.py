"""Finding the retries of a module: loops around a try, handlers that call their own function
again, and (from libraries.py) retry decorators and retry_call."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Optional

import libcst as cst

from credlint.analysis.binding_table import CHANGING_METHODS
from credlint.analysis.bindings import imported_names
from credlint.analysis.syntax_children import code_children
from credlint.checks.retry.aws_calls import SdkRetries, aws_requests, is_sdk_object, sdk_retries_of
from credlint.checks.retry.conditions import CodeTest, Condition, Known, verdict
from credlint.checks.retry.error_reader import EXCEPTION, ErrorReader
from credlint.checks.retry.exceptions import Caught, caught_by
from credlint.checks.retry.libraries import decorator_sites, retry_call_site
from credlint.checks.retry.pacing import handler_delay, loop_attempts, loop_delay, recursion_attempts
from credlint.checks.retry.paths import FALL, RETRY, PathContext
from credlint.checks.retry.retry_site import LOOP, RECURSION, HandlerRetry, RetrySite, line_of, where_of
from credlint.checks.retry.syntax import Loop, ModuleIndex, source_of, statements, walk


def find_retries(owner: cst.MetadataDependent, index: ModuleIndex) -> Iterator[RetrySite]:
    """Every retry of the module: loops, decorators, retry_call and recursive handlers."""
    for loop, function in index.loops:
        site = _loop_site(owner, index, loop, function)
        if site is not None:
            yield site
    for function in index.decorated:
        yield from decorator_sites(owner, index, function)
    for call, caller in index.retry_calls:
        library_site = retry_call_site(owner, index, call, caller)
        if library_site is not None:
            yield library_site
    for try_node, function in index.tries:
        site = _recursion_site(owner, index, try_node, function)
        if site is not None:
            yield site


Blocks = tuple[Sequence[cst.CSTNode], ...]


def tries_in(block: Sequence[cst.CSTNode]) -> Iterator[tuple[cst.Try, Blocks, tuple[int, ...]]]:
    """Each try statement of a loop body (not inside nested loops), with the blocks around it and
    its position in each, outermost first."""

    def visit(
        nodes: Sequence[cst.CSTNode], blocks: Blocks, positions: tuple[int, ...]
    ) -> Iterator[tuple[cst.Try, Blocks, tuple[int, ...]]]:
        for position, node in enumerate(nodes):
            here_blocks, here_positions = (*blocks, nodes), (*positions, position)
            if isinstance(node, cst.Try):
                yield node, here_blocks, here_positions
            elif isinstance(node, cst.With):
                yield from visit(statements(node.body), here_blocks, here_positions)
            elif isinstance(node, cst.If):
                yield from visit(statements(node.body), here_blocks, here_positions)
                if isinstance(node.orelse, cst.Else):
                    yield from visit(statements(node.orelse.body), here_blocks, here_positions)

    yield from visit(block, (), ())


def _exits(nodes: Sequence[cst.CSTNode]) -> bool:
    """Whether a block leaves the loop when every call in it succeeds (break or return at its own
    level, or in the body of a `with` or a later `try`)."""
    for node in nodes:
        if isinstance(node, (cst.Break, cst.Return)):
            return True
        if isinstance(node, cst.With) and _exits(statements(node.body)):
            return True
        if isinstance(node, cst.Try) and _exits(
            [*statements(node.body), *(statements(node.orelse.body) if node.orelse else [])]
        ):
            return True
    return False


def _sets_loop_flag(nodes: Sequence[cst.CSTNode], test: cst.BaseExpression) -> bool:
    """`while not done: ... done = True`, `while response is None: ... response = call()`: success
    ends the loop through its condition. A counter or a cursor moved forward does not count."""
    flags = _flag_names(test)
    for node in nodes:
        if isinstance(node, cst.With) and _sets_loop_flag(statements(node.body), test):
            return True
        if not isinstance(node, cst.Assign):
            continue
        for target in node.targets:
            if not isinstance(target.target, cst.Name) or target.target.value not in flags:
                continue
            constant = isinstance(node.value, cst.Integer) or source_of(node.value) in ("True", "False")
            if flags[target.target.value] == "none" or constant:
                return True
    return False


def _flag_names(test: cst.BaseExpression) -> dict[str, str]:
    """The names a while test checks as flags (`not done`, `done`) or as "not set yet" (`x is None`)."""
    if isinstance(test, cst.BooleanOperation):
        return {**_flag_names(test.left), **_flag_names(test.right)}
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return _flag_names(test.expression)
    if isinstance(test, cst.Name):
        return {test.value: "flag"}
    if (
        isinstance(test, cst.Comparison)
        and isinstance(test.left, cst.Name)
        and len(test.comparisons) == 1
        and isinstance(test.comparisons[0].operator, cst.Is)
        and source_of(test.comparisons[0].comparator) == "None"
    ):
        return {test.left.value: "none"}
    return {}


def _leaves_after(blocks: Blocks, positions: tuple[int, ...]) -> bool:
    """Whether the statements after the try, up to the end of the loop body, leave the loop."""
    return any(_exits(block[position + 1 :]) for block, position in zip(blocks, positions))


def _loop_site(
    owner: cst.MetadataDependent, index: ModuleIndex, loop: Loop, function: Optional[cst.FunctionDef]
) -> Optional[RetrySite]:
    """The loop as a retry, with the handlers of every try statement in it that let it go round again."""
    body = statements(loop.body)
    handlers: list[HandlerRetry] = []
    clauses: list[cst.ExceptHandler] = []
    layers: list[SdkRetries] = []
    for try_node, blocks, positions in tries_in(body):
        candidates = [(handler, caught_by(owner, handler.type)) for handler in try_node.handlers]
        if not any(caught.relevant for _, caught in candidates):
            continue
        success = [*statements(try_node.body), *(statements(try_node.orelse.body) if try_node.orelse else [])]
        leaves_after = _leaves_after(blocks, positions)
        exits_on_success = _exits(success) or leaves_after
        if isinstance(loop, cst.While):
            exits_on_success |= _sets_loop_flag(success, loop.test)
        if not exits_on_success or not _same_call_each_time(loop, try_node):
            continue
        requests = aws_requests(owner, index, statements(try_node.body))
        try_sdk = sdk_retries_of(owner, requests)
        found = _handler_retries(
            owner, index, function, candidates, try_node, try_sdk, fall_retries=not leaves_after, recursion=None
        )
        if found:
            handlers.extend(found)
            clauses.extend(handler for handler, _ in candidates)
            layers.append(try_sdk)
    if not handlers:
        return None
    return RetrySite(
        kind=LOOP,
        label=loop_header(loop),
        where=where_of(function),
        node=loop,
        line=line_of(owner, loop),
        handlers=tuple(handlers),
        attempts=loop_attempts(owner, loop, clauses),
        delay=loop_delay(owner, loop),
        sdk=next((layer for layer in layers if layer.service is not None), layers[0]),
    )


def loop_header(loop: Loop) -> str:
    if isinstance(loop, cst.For):
        return f"for {source_of(loop.target)} in {source_of(loop.iter)}"
    return f"while {source_of(loop.test)}"


def _same_call_each_time(loop: Loop, try_node: cst.Try) -> bool:
    """A loop retries only when each pass makes the same request: not when the loop target
    (`for region in regions`) or what a handler assigns or changes in place (`key = next_key`,
    `ids.remove(bad)`) changes what the try body does. Logging those names is fine."""
    changing = _changed_by_handlers(try_node)
    if isinstance(loop, cst.For):
        changing |= {node.value for node in walk(loop.target) if isinstance(node, cst.Name)}
    return not _reads_outside_logging(try_node.body, changing)


def _changed_by_handlers(try_node: cst.Try, caller: Optional[str] = None) -> set[str]:
    """The names the except clauses bind again, change in place, or hand to a function that may
    (other than the caller itself, which a recursive retry calls again with them)."""
    changed: set[str] = set()
    for node in (inner for handler in try_node.handlers for inner in walk(handler.body)):
        if isinstance(node, (cst.Assign, cst.AugAssign, cst.AnnAssign)):
            targets = [target.target for target in node.targets] if isinstance(node, cst.Assign) else [node.target]
            changed.update(name.value for target in targets for name in walk(target) if isinstance(name, cst.Name))
        elif isinstance(node, cst.Call) and not _is_logging(node):
            # `ids.remove(bad)`; `remove_snapshot(bad, ids)`, which may change what it is given
            func = node.func
            if (
                isinstance(func, cst.Attribute)
                and isinstance(func.value, cst.Name)
                and func.attr.value in CHANGING_METHODS
            ):
                changed.add(func.value.value)
            called = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", None)
            if called != caller:
                changed.update(arg.value.value for arg in node.args if isinstance(arg.value, cst.Name))
    return changed


def _sends_another_request(function: cst.FunctionDef, try_node: cst.Try, call: cst.Call) -> bool:
    """A recursive call that gives a parameter the try body reads something other than itself
    (`fetch(parent_key)` for `key`), or after the handler changed it (`kwargs["Key"] = ...`): a
    new request, not a retry. A counter (`attempt + 1`) the request does not read changes nothing."""
    params = function.params
    positional = [param.name.value for param in (*params.posonly_params, *params.params)]
    if positional[:1] in (["self"], ["cls"]) and isinstance(call.func, cst.Attribute):
        positional = positional[1:]  # `self.fetch(key)` gives key to the parameter after self
    stars = [param for param in (params.star_arg, params.star_kwarg) if isinstance(param, cst.Param)]
    every = {*positional, *(param.name.value for param in (*params.kwonly_params, *stars))}
    given: dict[str, cst.BaseExpression] = {}
    plain = [arg for arg in call.args if not arg.star]
    for position, arg in enumerate(plain):
        name = (
            arg.keyword.value
            if arg.keyword is not None
            else positional[position]
            if position < len(positional)
            else None
        )
        if name is not None:
            given[name] = arg.value
    changed = _changed_by_handlers(try_node, function.name.value)
    for name in every:
        if not _reads_outside_logging(try_node.body, {name}):
            continue
        value = given.get(name)
        if name in changed or (value is not None and not (isinstance(value, cst.Name) and value.value == name)):
            return True
    return False


def _reads_outside_logging(node: cst.CSTNode, names: set[str]) -> bool:
    if isinstance(node, cst.Call) and _is_logging(node):
        return False
    if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
        return False
    if isinstance(node, cst.Name):
        return node.value in names
    if isinstance(node, cst.Attribute):
        return _reads_outside_logging(node.value, names)
    if isinstance(node, cst.Arg):
        return _reads_outside_logging(node.value, names)
    return any(_reads_outside_logging(child, names) for child in code_children(node))


def _is_logging(call: cst.Call) -> bool:
    callee = cst.helpers.get_full_name_for_node(call.func) or ""
    parts = callee.lower().split(".")
    return parts[-1] in ("print", "debug", "info", "warning", "warn", "error", "exception", "log") or any(
        part.startswith("log") for part in parts[:-1]
    )


def _handler_retries(
    owner: cst.MetadataDependent,
    index: ModuleIndex,
    function: Optional[cst.FunctionDef],
    candidates: Sequence[tuple[cst.ExceptHandler, Caught]],
    try_node: cst.Try,
    sdk: SdkRetries,
    *,
    fall_retries: bool,
    recursion: Optional[str],
) -> list[HandlerRetry]:
    """What each relevant except clause of one try retries."""
    found: list[HandlerRetry] = []
    has_aws_call = bool(aws_requests(owner, index, statements(try_node.body)))
    body = statements(function.body) if function is not None else []
    earlier_codes: list[str] = []  # codes that earlier `except client.exceptions.X` clauses take
    context = PathContext(function_name=recursion)
    for handler, caught in candidates:
        if caught.specific and not caught.takes_client_errors:
            earlier_codes.extend(caught.specific)
        if not caught.relevant or (caught.broad and not caught.client_error and not has_aws_call):
            continue
        if _asks_aws_first(owner, index, handler, try_node):
            continue  # it asks AWS to change what failed (lifts termination protection) first: a remedy
        roles = {}
        if handler.name is not None and isinstance(handler.name.name, cst.Name):
            roles[handler.name.name.value] = EXCEPTION
        reader = ErrorReader(owner, index, body or statements(handler.body), roles)
        paths = reader.paths(statements(handler.body), context)
        retry_paths = [path.conditions for path in paths if path.end == RETRY or (path.end == FALL and fall_retries)]
        if not retry_paths:
            continue
        prior: list[Condition] = []
        if earlier_codes and caught.takes_client_errors:
            prior.append((CodeTest(frozenset(earlier_codes)), False))
        if not caught.takes_client_errors:
            # BotoCoreError has no code; specific classes retry only their own code
            prior.append((CodeTest(frozenset(caught.specific)), True) if caught.specific else (Known(True), True))
        result = verdict([(*prior, *conditions) for conditions in retry_paths], caught.service or sdk.service)
        found.append(HandlerRetry(handler.type or handler, caught, result, handler.type))
    return found


def _asks_aws_first(
    owner: cst.MetadataDependent, index: ModuleIndex, handler: cst.ExceptHandler, try_node: cst.Try
) -> bool:
    """The except clause calls an SDK object, or the object the try body sends its request
    through (`ec2` handed in as a parameter), for something other than logging."""
    receivers = {source_of(receiver) for receiver in _called_objects(owner, try_node.body)}
    return any(
        is_sdk_object(owner, index, receiver) or source_of(receiver) in receivers
        for receiver in _called_objects(owner, handler.body)
    )


def _called_objects(owner: cst.MetadataDependent, block: cst.CSTNode) -> Iterator[cst.BaseExpression]:
    """What methods are called on: objects the code made or was given, not a module (`json.dumps`),
    not the object's own methods (`self.fetch(...)`), not a logger."""
    for node in walk(block):
        if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)) or _is_logging(node):
            continue
        receiver = node.func.value
        head = receiver
        while isinstance(head, cst.Attribute):
            head = head.value
        if isinstance(receiver, cst.Name) and receiver.value in ("self", "cls"):
            continue
        if not (isinstance(head, cst.Name) and imported_names(owner, head)):
            yield receiver


def _recursion_site(
    owner: cst.MetadataDependent, index: ModuleIndex, try_node: cst.Try, function: cst.FunctionDef
) -> Optional[RetrySite]:
    candidates = [(handler, caught_by(owner, handler.type)) for handler in try_node.handlers]
    if not any(caught.relevant for _, caught in candidates):
        return None
    context = PathContext(function_name=function.name.value)
    recursive_calls = [
        node
        for handler, _ in candidates
        for node in walk(handler.body)
        if isinstance(node, cst.Call)
        and context.recursive_call(node) is not None
        and not _sends_another_request(function, try_node, node)
    ]
    if not recursive_calls:
        return None
    requests = aws_requests(owner, index, statements(try_node.body))
    sdk = sdk_retries_of(owner, requests)
    handlers = _handler_retries(
        owner, index, function, candidates, try_node, sdk, fall_retries=False, recursion=function.name.value
    )
    if not handlers:
        return None
    # reported at the call that retries: the one line that makes the handler a retry
    handlers = [replace(handler, node=recursive_calls[0]) for handler in handlers]
    delay = handler_delay(owner, function, [handler for handler, _ in candidates])
    return RetrySite(
        kind=RECURSION,
        label=f"recursive call to {function.name.value}()",
        where=where_of(function),
        node=recursive_calls[0],
        line=line_of(owner, recursive_calls[0]),
        handlers=tuple(handlers),
        attempts=recursion_attempts(owner, function, recursive_calls[0]),
        delay=delay,
        sdk=sdk,
    )
