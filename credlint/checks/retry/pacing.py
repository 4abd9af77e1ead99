"""How often a retry tries and how long it waits between attempts: bounds read from loops,
guards and counters passed down, delays read from sleeps."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Optional

import libcst as cst

from credlint.analysis.bindings import bound_values, qualified_names, single_bound_value
from credlint.analysis.literals import int_parameter_default, int_value
from credlint.checks.retry.syntax import Loop, names_read, source_of, walk

NO_DELAY, CONSTANT_DELAY, GROWING_DELAY, UNKNOWN_DELAY = "none", "constant", "growing", "unknown"
_DELAY_WORDS = ("backoff", "jitter", "delay", "wait")
_PURE_BUILTINS = frozenset({"int", "float", "round", "abs", "min", "max"})


@dataclass(frozen=True)
class Delay:
    kind: str
    text: str = ""  # how the code writes it: "time.sleep(1)", "wait_fixed(2)"
    node: Optional[cst.CSTNode] = None

    def describe(self) -> str:
        if self.kind == NO_DELAY:
            return "no delay between attempts"
        if self.kind == CONSTANT_DELAY:
            return f"a constant delay ({self.text})"
        if self.kind == GROWING_DELAY:
            return f"a growing delay ({self.text})" if self.text else "a growing delay"
        return "a delay credlint cannot read"


@dataclass(frozen=True)
class Attempts:
    count: Optional[int]
    unbounded: bool
    text: str  # where the bound comes from: "range(5)", "stop_after_attempt(3)"

    def describe(self) -> str:
        if self.count is not None:
            return f"{self.count} attempts ({self.text})" if self.text else f"{self.count} attempts"
        if self.unbounded:
            return f"no limit on attempts ({self.text})" if self.text else "no limit on attempts"
        return f"attempts not known from the code ({self.text})" if self.text else "attempts not known from the code"


def loop_delay(owner: cst.MetadataDependent, loop: Loop) -> Delay:
    """The delay a loop waits between attempts: every sleep in it, constant only if all are."""
    varying = _names_changed_in(loop)
    constant: Optional[cst.Call] = None
    for node in walk(loop.body):
        if not isinstance(node, cst.Call):
            continue
        callee = cst.helpers.get_full_name_for_node(node.func) or ""
        last = callee.rsplit(".", 1)[-1].lower()
        if last == "sleep":
            argument = node.args[0].value if node.args else None
            if argument is not None and not _constant_expression(owner, argument, varying):
                return Delay(GROWING_DELAY, source_of(node))
            constant = constant or node
        elif any(word in last for word in _DELAY_WORDS):
            return Delay(UNKNOWN_DELAY, source_of(node))
    if constant is not None:
        return Delay(CONSTANT_DELAY, source_of(constant), constant)
    return Delay(NO_DELAY)


def _names_changed_in(loop: Loop) -> set[str]:
    """Names (and `self.x` attributes) that take a new value on each attempt."""
    changed: set[str] = set()
    if isinstance(loop, cst.For):
        changed |= {node.value for node in walk(loop.target) if isinstance(node, cst.Name)}
    for node in walk(loop.body):
        targets: list[cst.BaseExpression] = []
        if isinstance(node, cst.Assign):
            targets = [target.target for target in node.targets]
        elif isinstance(node, (cst.AugAssign, cst.AnnAssign, cst.NamedExpr, cst.For)):
            targets = [node.target]
        for target in targets:
            for name in walk(target):
                if isinstance(name, cst.Name):
                    changed.add(name.value)
            if isinstance(target, cst.Attribute):
                changed.add(source_of(target))
    return changed


def _constant_expression(owner: cst.MetadataDependent, expr: cst.BaseExpression, varying: set[str]) -> bool:
    if isinstance(expr, (cst.Integer, cst.Float)):
        return True
    if isinstance(expr, cst.Name):
        return expr.value not in varying
    if isinstance(expr, cst.Attribute):
        return source_of(expr) not in varying and _constant_expression(owner, expr.value, varying)
    if isinstance(expr, cst.BinaryOperation):
        return _constant_expression(owner, expr.left, varying) and _constant_expression(owner, expr.right, varying)
    if isinstance(expr, cst.UnaryOperation):
        return _constant_expression(owner, expr.expression, varying)
    if isinstance(expr, cst.Subscript):
        return all(name not in varying for name in names_read(expr))
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name) and expr.func.value in _PURE_BUILTINS:
        return all(_constant_expression(owner, arg.value, varying) for arg in expr.args)
    return False


def loop_attempts(owner: cst.MetadataDependent, loop: Loop, handlers: Sequence[cst.ExceptHandler]) -> Attempts:
    if isinstance(loop, cst.For):
        iterable = loop.iter
        text = source_of(iterable)
        if isinstance(iterable, cst.Call) and isinstance(iterable.func, cst.Name) and iterable.func.value == "range":
            bounds = [int_value(owner, arg.value) for arg in iterable.args]
            if len(bounds) == 1 and bounds[0] is not None:
                return Attempts(max(bounds[0], 0), False, text)
            if len(bounds) == 2 and bounds[0] is not None and bounds[1] is not None:
                return Attempts(max(bounds[1] - bounds[0], 0), False, text)
            return Attempts(None, False, text)
        if qualified_names(owner, iterable.func if isinstance(iterable, cst.Call) else iterable) & {
            "itertools.count",
            "itertools.repeat",
        }:
            return _guarded(owner, handlers, text)
        sequence = iterable
        if isinstance(sequence, cst.Name):
            sequence = single_bound_value(owner, sequence) or sequence
        if isinstance(sequence, (cst.Tuple, cst.List)):
            return Attempts(len(sequence.elements), False, text)
        return Attempts(None, False, text)
    text = f"while {source_of(loop.test)}"
    bound = _while_bound(owner, loop.test)
    if bound is not None:
        return Attempts(bound, False, text)
    if isinstance(loop.test, (cst.Name, cst.Integer)) and source_of(loop.test) in ("True", "1"):
        return _guarded(owner, handlers, text)
    return Attempts(None, False, text)


def _while_bound(owner: cst.MetadataDependent, test: cst.BaseExpression) -> Optional[int]:
    """`attempts < 5`, `retries > 0`, also inside `and`: the number of passes from the start value."""
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        return _while_bound(owner, test.left) or _while_bound(owner, test.right)
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return None
    operator = test.comparisons[0].operator
    counter, limit = test.left, test.comparisons[0].comparator
    if not isinstance(counter, cst.Name):
        return None
    start = _start_value(owner, counter)
    end = int_value(owner, limit)
    if start is None or end is None:
        return None
    if isinstance(operator, cst.LessThan):
        return max(end - start, 0)
    if isinstance(operator, cst.LessThanEqual):
        return max(end - start + 1, 0)
    if isinstance(operator, cst.GreaterThan):
        return max(start - end, 0)
    if isinstance(operator, cst.GreaterThanEqual):
        return max(start - end + 1, 0)
    return None


def _start_value(owner: cst.MetadataDependent, counter: cst.Name) -> Optional[int]:
    starts = [int_value(owner, value) for value in bound_values(owner, counter) if value is not None]
    known = [start for start in starts if start is not None]
    if len(known) == 1:
        return known[0]
    return int_parameter_default(owner, counter, 0)


def _guarded(owner: cst.MetadataDependent, handlers: Sequence[cst.ExceptHandler], text: str) -> Attempts:
    """`while True` with `if attempt >= 5: raise` in the handler: bounded by the guard."""
    for handler in handlers:
        for node in walk(handler.body):
            if not isinstance(node, cst.If) or not isinstance(node.test, cst.Comparison):
                continue
            if not any(isinstance(inner, (cst.Raise, cst.Return, cst.Break)) for inner in walk(node.body)):
                continue
            comparison = node.test
            if len(comparison.comparisons) != 1 or not isinstance(comparison.left, cst.Name):
                continue
            operator = comparison.comparisons[0].operator
            limit = int_value(owner, comparison.comparisons[0].comparator)
            if limit is None:
                continue
            if isinstance(operator, (cst.GreaterThanEqual, cst.Equal)):
                return Attempts(limit, False, f"{text}, stops at {source_of(comparison)}")
            if isinstance(operator, cst.GreaterThan):
                return Attempts(limit + 1, False, f"{text}, stops at {source_of(comparison)}")
    return Attempts(None, True, text)


def handler_delay(
    owner: cst.MetadataDependent, function: cst.FunctionDef, handlers: Sequence[cst.ExceptHandler]
) -> Delay:
    """The delay before a recursive retry: parameters take new values on each call."""
    parameters = {param.name.value for param in function.params.params}
    for handler in handlers:
        for node in walk(handler.body):
            if isinstance(node, cst.Call):
                last = (cst.helpers.get_full_name_for_node(node.func) or "").rsplit(".", 1)[-1].lower()
                if last == "sleep":
                    argument = node.args[0].value if node.args else None
                    if argument is None or _constant_expression(owner, argument, parameters):
                        return Delay(CONSTANT_DELAY, source_of(node), node)
                    return Delay(GROWING_DELAY, source_of(node))
                if any(word in last for word in _DELAY_WORDS):
                    return Delay(UNKNOWN_DELAY, source_of(node))
    return Delay(NO_DELAY)


def recursion_attempts(owner: cst.MetadataDependent, function: cst.FunctionDef, call: cst.Call) -> Attempts:
    """`retries - 1` passed for a parameter with a default: that many retries, plus the first call."""
    for param in function.params.params:
        default = int_value(owner, param.default) if param.default is not None else None
        if default is None:
            continue
        for arg in call.args:
            value = arg.value
            if (
                isinstance(value, cst.BinaryOperation)
                and isinstance(value.operator, cst.Subtract)
                and isinstance(value.left, cst.Name)
                and value.left.value == param.name.value
            ):
                return Attempts(default + 1, False, f"{param.name.value}={default}, counting down")
    return Attempts(None, True, "no count passed down")
