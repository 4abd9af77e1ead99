"""The ways through a block of statements: how each ends (retry, stop, fall through, return) and
under which conditions on the caught error."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import libcst as cst

from credlint.checks.retry.conditions import Condition

RETRY, STOP, FALL, RETURN = "retry", "stop", "fall", "return"


@dataclass(frozen=True)
class Path:
    """One way through a block: how it ends, under which conditions."""

    end: str
    conditions: tuple[Condition, ...]
    node: Optional[cst.CSTNode] = None  # the `continue`, recursive call or `return` that ends it
    value: Optional[cst.BaseExpression] = None  # what a RETURN returns

    def after(self, conditions: tuple[Condition, ...]) -> Path:
        return Path(self.end, (*conditions, *self.conditions), self.node, self.value)


@dataclass(frozen=True)
class PathContext:
    function_mode: bool = False  # `return x` is an answer (a helper), not the end of a retry
    function_name: Optional[str] = None  # a call to it is a recursive retry

    def recursive_call(self, expr: Optional[cst.BaseExpression]) -> Optional[cst.Call]:
        if self.function_name is None or expr is None:
            return None
        if isinstance(expr, cst.Await):
            expr = expr.expression
        if not isinstance(expr, cst.Call):
            return None
        func = expr.func
        if isinstance(func, cst.Name) and func.value == self.function_name:
            return expr
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == self.function_name
            and isinstance(func.value, cst.Name)
            and func.value.value in ("self", "cls")
        ):
            return expr
        return None
