"""Reads the values a function body writes down: locals bound once, module constants, class
attributes, parameter defaults, and the collections of constants retry conditions test against."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Optional, Union

import libcst as cst

from credlint.analysis.bindings import MAX_RESOLUTION_DEPTH, parameter_default, single_bound_value
from credlint.analysis.literals import fold_string, int_value
from credlint.checks.retry.syntax import ModuleIndex, scan_bindings


class ValueReader:
    """The values one function (or handler) body holds, read without running it."""

    def __init__(self, owner: cst.MetadataDependent, index: ModuleIndex, body: Sequence[cst.CSTNode]) -> None:
        self.owner = owner
        self.index = index
        self.bindings = scan_bindings(body)

    def local_value(self, name: str) -> Optional[cst.BaseExpression]:
        """The value of a local bound exactly once, unconditionally."""
        bindings = self.bindings.get(name, [])
        if len(bindings) == 1 and bindings[0].value is not None and not bindings[0].controls:
            return bindings[0].value
        return None

    def value_of(self, name: cst.Name) -> Optional[cst.BaseExpression]:
        """A local's single value, else a module constant's."""
        if name.value in self.bindings:
            return self.local_value(name.value)
        return single_bound_value(self.owner, name)

    # Collections written in the code.
    def string_values(self, expr: cst.BaseExpression, depth: int = 0) -> Optional[frozenset[str]]:
        values = self.constants(expr, depth)
        if values is None or not all(isinstance(value, str) for value in values):
            return None
        return frozenset(str(value) for value in values)

    def status_ranges(self, expr: cst.BaseExpression) -> Optional[tuple[tuple[int, int], ...]]:
        if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name) and expr.func.value == "range":
            bounds = [int_value(self.owner, arg.value) for arg in expr.args]
            if len(bounds) == 2 and bounds[0] is not None and bounds[1] is not None:
                return ((bounds[0], bounds[1] - 1),)
            return None
        values = self.constants(expr)
        if values is None or not all(isinstance(value, int) for value in values):
            return None
        return tuple((int(value), int(value)) for value in sorted(values, key=int))

    def constants(self, expr: cst.BaseExpression, depth: int = 0) -> Optional[frozenset[Union[str, int]]]:
        """The constants of a tuple, list, set, frozenset or dict (keys), written here or in a constant."""
        if depth > MAX_RESOLUTION_DEPTH:
            return None
        if isinstance(expr, (cst.Tuple, cst.List, cst.Set)):
            found: set[Union[str, int]] = set()
            for element in expr.elements:
                if isinstance(element, cst.StarredElement):
                    nested = self.constants(element.value, depth + 1)
                    if nested is None:
                        return None
                    found |= nested
                    continue
                single = self._constant(element.value)
                if single is None:
                    return None
                found.add(single)
            return frozenset(found)
        if isinstance(expr, cst.Dict):
            keys: set[Union[str, int]] = set()
            for dict_element in expr.elements:
                key = self._constant(dict_element.key) if isinstance(dict_element, cst.DictElement) else None
                if key is None:
                    return None
                keys.add(key)
            return frozenset(keys)
        if (
            isinstance(expr, cst.Call)
            and isinstance(expr.func, cst.Name)
            and len(expr.args) == 1
            and expr.func.value in ("frozenset", "set", "tuple", "list")
        ):
            return self.constants(expr.args[0].value, depth + 1)
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, (cst.BitOr, cst.Add)):
            left, right = self.constants(expr.left, depth + 1), self.constants(expr.right, depth + 1)
            return left | right if left is not None and right is not None else None
        if isinstance(expr, cst.Name):
            value = self.value_of(expr)
            if value is None and expr.value not in self.bindings:
                value = parameter_default(self.owner, expr)  # `def call(fn, ignore=()):`
            return self.constants(value, depth + 1) if value is not None else None
        if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name):
            # `self.RETRYABLE_CODES`, `Client.RETRYABLE_CODES`: a class attribute of this module
            values = self.index.class_constants.get(expr.attr.value, [])
            return self.constants(values[0], depth + 1) if len(values) == 1 else None
        return None

    def _constant(self, expr: cst.BaseExpression) -> Optional[Union[str, int]]:
        text = fold_string(self.owner, expr)
        if text is not None:
            return text
        return int_value(self.owner, expr)
