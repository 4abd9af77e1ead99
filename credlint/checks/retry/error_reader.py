"""Reads the conditions of a handler or a helper as predicates on the caught error: which part
of the error each expression holds (code, status, message), and the paths through the code."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Optional

import libcst as cst

from credlint.analysis.bindings import MAX_RESOLUTION_DEPTH, qualified_names
from credlint.analysis.literals import fold_string, int_value
from credlint.checks.retry.conditions import (
    AllOf,
    AnyOf,
    CodeTest,
    Condition,
    Free,
    Known,
    Not,
    Opaque,
    Pred,
    StatusTest,
)
from credlint.checks.retry.exceptions import caught_by, instance_test
from credlint.checks.retry.imported_helpers import imported_helper
from credlint.checks.retry.paths import FALL, RETRY, RETURN, STOP, Path, PathContext
from credlint.checks.retry.syntax import FunctionNode, Helper, ModuleIndex, names_read, statements, walk
from credlint.checks.retry.values import ValueReader

EXCEPTION, RESPONSE, ERROR, METADATA, CODE, STATUS, STATUS_TEXT, TEXT = (
    "exception",
    "response",
    "error",
    "metadata",
    "code",
    "status",
    "status-text",
    "text",
)
_SUBSCRIPT_ROLES: Mapping[tuple[str, str], str] = {
    (RESPONSE, "Error"): ERROR,
    (RESPONSE, "ResponseMetadata"): METADATA,
    (ERROR, "Code"): CODE,
    (ERROR, "Message"): TEXT,
    (METADATA, "HTTPStatusCode"): STATUS,
}
_SAME_ROLE_METHODS = frozenset({"strip"})
_RAISING_WORDS = ("raise", "reraise", "check", "handle", "assert", "verify", "validate", "throw", "fail", "abort")
_NON_RETURNING = frozenset(
    {
        "sys.exit",
        "builtins.exit",
        "builtins.quit",
        "os._exit",
        "os.abort",
        "pytest.fail",
        "pytest.skip",
    }
)
MAX_LIVE_PATHS = 64
MAX_HELPER_DEPTH = 3
# A code is one CamelCase word; anything else tested against str(e) is a piece of the message.
_CODE_SHAPED = re.compile(r"^[A-Za-z0-9.]+$")


class ErrorReader(ValueReader):
    """Reads conditions of one function (or handler) as predicates on the caught error."""

    def __init__(
        self,
        owner: cst.MetadataDependent,
        index: ModuleIndex,
        body: Sequence[cst.CSTNode],
        roles: Mapping[str, str],
        depth: int = 0,
    ) -> None:
        super().__init__(owner, index, body)
        self.roles = dict(roles)
        self.depth = depth
        self.dependent = self._dependent_names()

    def _dependent_names(self) -> set[str]:
        """Names whose value, or whether they are bound, depends on the error (a fixpoint)."""
        dependent = set(self.roles)
        changed = True
        while changed:
            changed = False
            for name, bindings in self.bindings.items():
                if name in dependent:
                    continue
                for binding in bindings:
                    reads = set(names_read(binding.value)) if binding.value is not None else set()
                    for control in binding.controls:
                        reads |= set(names_read(control))
                    if reads & dependent:
                        dependent.add(name)
                        changed = True
                        break
        return dependent

    def depends(self, expr: cst.CSTNode) -> bool:
        return any(name in self.dependent for name in names_read(expr))

    # Roles: what part of the error an expression holds.
    def role(self, expr: cst.BaseExpression, depth: int = 0) -> Optional[str]:
        if depth > MAX_RESOLUTION_DEPTH:
            return None
        if isinstance(expr, cst.Name):
            if expr.value in self.roles:
                return self.roles[expr.value]
            # `code = e.response["Error"]["Code"]`, written once or in several handlers alike
            bindings = self.bindings.get(expr.value, [])
            roles = {self.role(binding.value, depth + 1) if binding.value is not None else None for binding in bindings}
            return roles.pop() if len(roles) == 1 else None
        if isinstance(expr, cst.Attribute):
            if expr.attr.value == "response" and self.role(expr.value, depth + 1) == EXCEPTION:
                return RESPONSE
            return None
        if isinstance(expr, cst.Subscript) and len(expr.slice) == 1:
            index = expr.slice[0].slice
            key = fold_string(self.owner, index.value) if isinstance(index, cst.Index) else None
            base = self.role(expr.value, depth + 1)
            return _SUBSCRIPT_ROLES.get((base or "", key or ""))
        if isinstance(expr, cst.BooleanOperation) and isinstance(expr.operator, cst.Or):
            return self.role(expr.left, depth + 1)
        if isinstance(expr, cst.FormattedString):
            parts = [part.expression for part in expr.parts if isinstance(part, cst.FormattedStringExpression)]
            return TEXT if any(self.role(part, depth + 1) in (EXCEPTION, TEXT) for part in parts) else None
        if isinstance(expr, cst.Call):
            return self._call_role(expr, depth)
        return None

    def _call_role(self, call: cst.Call, depth: int) -> Optional[str]:
        func = call.func
        args = [arg.value for arg in call.args]
        if isinstance(func, cst.Attribute):
            base = self.role(func.value, depth + 1)
            method = func.attr.value
            if method == "get" and args:
                key = fold_string(self.owner, args[0])
                return _SUBSCRIPT_ROLES.get((base or "", key or ""))
            if method in _SAME_ROLE_METHODS and base in (CODE, TEXT):
                return base
            return None
        returned = self._returned_role(call, depth)
        if returned is not None:
            return returned
        if isinstance(func, cst.Name) and args:
            first = self.role(args[0], depth + 1)
            if func.value == "getattr" and len(args) >= 2 and fold_string(self.owner, args[1]) == "response":
                return RESPONSE if first == EXCEPTION else None
            if func.value in ("str", "repr", "format"):
                if first in (EXCEPTION, TEXT):
                    return TEXT
                if first == STATUS:
                    return STATUS_TEXT
                return CODE if first == CODE else None
            if func.value == "int" and first in (CODE, STATUS):
                return STATUS
        return None

    def _returned_role(self, call: cst.Call, depth: int) -> Optional[str]:
        """`client_error_code(e)` for `client_error_code = lambda e: e.response["Error"]["Code"]`."""
        helper = self.resolve_callable(call.func)
        if helper is None or self.depth >= MAX_HELPER_DEPTH:
            return None
        function = helper.function
        roles = self.argument_roles(function, call)
        if not roles:
            return None
        reader = helper_reader(helper, roles, self.depth + 1)
        if isinstance(function, cst.Lambda):
            return reader.role(function.body, depth + 1)
        returned = [
            node.value for node in walk(function.body) if isinstance(node, cst.Return) and node.value is not None
        ]
        found = {reader.role(value, depth + 1) for value in returned}
        return found.pop() if len(found) == 1 else None

    # Conditions.
    def condition(self, expr: cst.BaseExpression, depth: int = 0) -> Pred:
        if depth > MAX_RESOLUTION_DEPTH:
            return self._unread(expr)
        if isinstance(expr, cst.Name) and expr.value in ("True", "False"):
            return Known(expr.value == "True")
        if isinstance(expr, cst.Integer):
            return Known(expr.evaluated_value != 0)
        if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Not):
            return Not(self.condition(expr.expression, depth + 1))
        if isinstance(expr, cst.BooleanOperation):
            left, right = self.condition(expr.left, depth + 1), self.condition(expr.right, depth + 1)
            return AllOf((left, right)) if isinstance(expr.operator, cst.And) else AnyOf((left, right))
        if isinstance(expr, cst.Comparison):
            return self._comparison(expr)
        if isinstance(expr, cst.Call):
            return self._call_condition(expr, depth)
        if isinstance(expr, cst.Name) and expr.value not in self.roles:
            value = self.local_value(expr.value)
            if value is not None:
                return self.condition(value, depth + 1)
        if isinstance(expr, cst.Await):
            return self.condition(expr.expression, depth + 1)
        return self._unread(expr)

    def _unread(self, expr: cst.CSTNode) -> Pred:
        return Opaque() if self.depends(expr) else Free()

    def _comparison(self, expr: cst.Comparison) -> Pred:
        parts: list[Pred] = []
        left = expr.left
        for target in expr.comparisons:
            parts.append(self._compare(left, target.operator, target.comparator))
            left = target.comparator
        return parts[0] if len(parts) == 1 else AllOf(tuple(parts))

    def _compare(self, left: cst.BaseExpression, operator: cst.BaseCompOp, right: cst.BaseExpression) -> Pred:
        negated = isinstance(operator, (cst.NotEqual, cst.NotIn, cst.IsNot))
        left_role, right_role = self.role(left), self.role(right)
        pred: Optional[Pred] = None
        if isinstance(operator, (cst.In, cst.NotIn)):
            if left_role == CODE:
                values = self.string_values(right)
                pred = CodeTest(values) if values is not None else None
            elif left_role == STATUS:
                ranges = self.status_ranges(right)
                pred = StatusTest(ranges) if ranges is not None else None
            elif right_role in (CODE, TEXT):
                text = fold_string(self.owner, left)
                if text is not None and (right_role == CODE or _CODE_SHAPED.match(text)):
                    pred = CodeTest(frozenset({text}), "contains")
        elif isinstance(operator, (cst.Equal, cst.NotEqual, cst.Is, cst.IsNot)):
            pred = self._equality(left, left_role, right, right_role)
        else:
            pred = self._ordering(left, left_role, operator, right, right_role)
        if pred is None:
            return self._unread(cst.Tuple([cst.Element(left), cst.Element(right)]))
        return Not(pred) if negated else pred

    def _equality(
        self, left: cst.BaseExpression, left_role: Optional[str], right: cst.BaseExpression, right_role: Optional[str]
    ) -> Optional[Pred]:
        for side_role, other in ((left_role, right), (right_role, left)):
            if side_role == CODE:
                text = fold_string(self.owner, other)
                return CodeTest(frozenset({text})) if text is not None else None
            if side_role == STATUS:
                status = int_value(self.owner, other)
                return StatusTest(((status, status),)) if status is not None else None
        hundreds = self._status_class(left, right) or self._status_class(right, left)
        return StatusTest(((hundreds * 100, hundreds * 100 + 99),)) if hundreds is not None else None

    def _status_class(self, divided: cst.BaseExpression, other: cst.BaseExpression) -> Optional[int]:
        """`status // 100 == 5`."""
        if (
            isinstance(divided, cst.BinaryOperation)
            and isinstance(divided.operator, cst.FloorDivide)
            and self.role(divided.left) == STATUS
            and int_value(self.owner, divided.right) == 100
        ):
            return int_value(self.owner, other)
        return None

    def _ordering(
        self,
        left: cst.BaseExpression,
        left_role: Optional[str],
        operator: cst.BaseCompOp,
        right: cst.BaseExpression,
        right_role: Optional[str],
    ) -> Optional[Pred]:
        symbols = {cst.LessThan: "<", cst.LessThanEqual: "<=", cst.GreaterThan: ">", cst.GreaterThanEqual: ">="}
        symbol = symbols.get(type(operator))
        if right_role == STATUS and left_role != STATUS:
            # `500 <= status` reads as `status >= 500`
            left, right, left_role = right, left, right_role
            symbol = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(symbol or "")
        bound = int_value(self.owner, right) if left_role == STATUS else None
        if bound is None or symbol is None:
            return None
        ranges = {"<": (0, bound - 1), "<=": (0, bound), ">": (bound + 1, 999), ">=": (bound, 999)}
        return StatusTest((ranges[symbol],))

    def _call_condition(self, call: cst.Call, depth: int) -> Pred:
        func = call.func
        args = [arg.value for arg in call.args]
        is_instance_check = isinstance(func, cst.Name) and func.value == "isinstance" and len(args) == 2
        if is_instance_check and self.role(args[0]) == EXCEPTION:
            return instance_test(caught_by(self.owner, args[1]))
        if isinstance(func, cst.Name) and func.value == "bool" and len(args) == 1:
            return self.condition(args[0], depth + 1)
        if isinstance(func, cst.Attribute) and func.attr.value in ("startswith", "endswith") and args:
            base = self.role(func.value)
            prefixes = self.string_values(args[0])
            if base == CODE and prefixes is not None:
                return CodeTest(prefixes, "prefix" if func.attr.value == "startswith" else "suffix")
            if base == STATUS_TEXT and prefixes is not None and func.attr.value == "startswith":
                return StatusTest(tuple(_prefix_range(prefix) for prefix in sorted(prefixes)))
        helper = self.helper_predicate(call, depth)
        if helper is not None:
            return helper
        return self._unread(call)

    def helper_predicate(self, call: cst.Call, depth: int) -> Optional[Pred]:
        """What a helper returns, given the error parts passed to it."""
        helper = self.resolve_callable(call.func)
        if helper is None or self.depth >= MAX_HELPER_DEPTH:
            return None
        roles = self.argument_roles(helper.function, call)
        if roles is None:
            return None
        return helper_reader(helper, roles, self.depth + 1).returns_predicate(helper.function)

    def resolve_callable(self, func: cst.BaseExpression) -> Optional[Helper]:
        """A function or lambda that a call or argument names: of this module, or one another
        module of the project defines and this one imports."""
        found: Optional[FunctionNode] = None
        if isinstance(func, cst.Lambda):
            found = func
        elif isinstance(func, cst.Name):
            value = self.value_of(func)
            found = value if isinstance(value, cst.Lambda) else self.index.function(func.value)
        elif (
            isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value in ("self", "cls")
        ):
            found = self.index.function(func.attr.value)
        if found is not None:
            return Helper(found, self.owner, self.index)
        return imported_helper(self.owner, self.index, func)

    def argument_roles(self, function: FunctionNode, call: cst.Call) -> Optional[dict[str, str]]:
        """The role each parameter gets from the call, or None when no argument carries the error."""
        params = [param.name.value for param in function.params.params]
        if params and params[0] in ("self", "cls") and isinstance(call.func, cst.Attribute):
            params = params[1:]
        roles: dict[str, str] = {}
        carried = False
        positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
        for param, arg in zip(params, positional):
            carried |= self._pass(param, arg.value, roles)
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value in params:
                carried |= self._pass(arg.keyword.value, arg.value, roles)
        return roles if carried else None

    def _pass(self, param: str, value: cst.BaseExpression, roles: dict[str, str]) -> bool:
        role = self.role(value)
        if role is not None:
            roles[param] = role
            return True
        return self.depends(value)

    # Paths through statements.
    def paths(self, body: Sequence[cst.CSTNode], context: PathContext) -> list[Path]:
        live: list[tuple[Condition, ...]] = [()]
        done: list[Path] = []
        for statement in body:
            following: list[tuple[Condition, ...]] = []
            for conditions in live:
                for path in self.statement_paths(statement, conditions, context):
                    if path.end == FALL:
                        if path.conditions not in following:
                            following.append(path.conditions)
                    else:
                        done.append(path)
            if len(following) > MAX_LIVE_PATHS:
                following = [((Opaque(), True),)]  # too many ways through to read: "maybe"
            live = following
            if not live:
                break
        return done + [Path(FALL, conditions) for conditions in live]

    def statement_paths(self, node: cst.CSTNode, conditions: tuple[Condition, ...], context: PathContext) -> list[Path]:
        if isinstance(node, cst.Raise):
            return [Path(STOP, conditions)]
        if isinstance(node, cst.Continue):
            return [Path(RETRY, conditions, node)]
        if isinstance(node, cst.Break):
            return [Path(STOP, conditions)]
        if isinstance(node, cst.Return):
            recursive = context.recursive_call(node.value) if node.value is not None else None
            if recursive is not None:
                return [Path(RETRY, conditions, recursive)]
            if context.function_mode:
                return [Path(RETURN, conditions, node, node.value)]
            return [Path(STOP, conditions)]
        if isinstance(node, cst.Assert):
            return [Path(FALL, (*conditions, (self.condition(node.test), True)))]
        if isinstance(node, cst.If):
            test = self.condition(node.test)
            taken = self.paths(statements(node.body), context)
            if node.orelse is None:
                skipped = [Path(FALL, ())]
            elif isinstance(node.orelse, cst.If):
                skipped = self.paths([node.orelse], context)
            else:
                skipped = self.paths(statements(node.orelse.body), context)
            return [path.after((*conditions, (test, True))) for path in taken] + [
                path.after((*conditions, (test, False))) for path in skipped
            ]
        if isinstance(node, cst.With):
            return [path.after(conditions) for path in self.paths(statements(node.body), context)]
        if isinstance(node, cst.Try):
            succeeded = [*statements(node.body), *(statements(node.orelse.body) if node.orelse else [])]
            inner = self.paths(succeeded, context)
            for handler in node.handlers:
                inner += self.paths(statements(handler.body), context)
            return [path.after(conditions) for path in inner]
        if isinstance(node, cst.Expr):
            return self._expression_paths(node.value, conditions, context)
        return [Path(FALL, conditions)]

    def _expression_paths(
        self, expr: cst.BaseExpression, conditions: tuple[Condition, ...], context: PathContext
    ) -> list[Path]:
        if isinstance(expr, cst.Await):
            expr = expr.expression
        recursive = context.recursive_call(expr)
        if recursive is not None:
            return [Path(RETRY, conditions, recursive)]
        if not isinstance(expr, cst.Call):
            return [Path(FALL, conditions)]
        if qualified_names(self.owner, expr.func) & _NON_RETURNING or _is_test_failure(expr.func):
            return [Path(STOP, conditions)]
        helper = self.resolve_callable(expr.func)
        function = helper.function if helper is not None else None
        if helper is not None and isinstance(function, cst.FunctionDef) and self.depth < MAX_HELPER_DEPTH:
            roles = self.argument_roles(function, expr)
            if roles is not None:
                # A helper that raises unless the error is retryable: its raise ends this path too.
                reader = helper_reader(helper, roles, self.depth + 1)
                helper_paths = reader.paths(statements(function.body), PathContext(function_mode=True))
                return [
                    Path(STOP if path.end == STOP else FALL, (*conditions, *path.conditions)) for path in helper_paths
                ]
        callee = (cst.helpers.get_full_name_for_node(expr.func) or "").lower()
        if any(word in callee.rsplit(".", 1)[-1] for word in _RAISING_WORDS) and any(
            self.depends(arg.value) for arg in expr.args
        ):
            return [Path(FALL, (*conditions, (Opaque(), True)))]
        return [Path(FALL, conditions)]

    def returns_predicate(self, function: FunctionNode) -> Pred:
        """When the function returns a true value, as a predicate on the error."""
        if isinstance(function, cst.Lambda):
            return self.condition(function.body)
        options: list[Pred] = []
        for path in self.paths(statements(function.body), PathContext(function_mode=True)):
            if path.end != RETURN or path.value is None:
                continue  # falling off the end returns None; a raise is no answer
            options.append(AllOf((*(_as_pred(condition) for condition in path.conditions), self.condition(path.value))))
        return AnyOf(tuple(options)) if options else Known(False)


def _as_pred(condition: Condition) -> Pred:
    pred, want = condition
    return pred if want else Not(pred)


def _prefix_range(prefix: str) -> tuple[int, int]:
    """`str(status).startswith("5")` -> 500..599."""
    digits = prefix[:3]
    if not digits.isdigit():
        return (0, -1)
    low = int(digits.ljust(3, "0"))
    return (low, int(digits.ljust(3, "9")))


def _is_test_failure(func: cst.BaseExpression) -> bool:
    return (
        isinstance(func, cst.Attribute)
        and func.attr.value in ("fail", "skipTest")
        and (isinstance(func.value, cst.Name) and func.value.value == "self")
    )


def helper_reader(helper: Helper, roles: Mapping[str, str], depth: int) -> ErrorReader:
    """A reader of a helper's body, in the module the helper is written in."""
    function = helper.function
    body = statements(function.body) if isinstance(function, cst.FunctionDef) else []
    return ErrorReader(helper.owner, helper.index, body, roles, depth)
