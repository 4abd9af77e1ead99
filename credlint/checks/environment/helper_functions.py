"""The small functions of a module that CL202 follows into: which function a call names, which
argument each parameter takes, and what it returns."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Optional

import libcst as cst

from credlint.analysis.bindings import bindings_of


def helper_function(owner: cst.MetadataDependent, func: cst.Name) -> Optional[cst.FunctionDef]:
    """The function of this module a name is bound to, when it is bound once."""
    bindings = [binding.node for binding in bindings_of(owner, func)]
    if len(bindings) == 1 and isinstance(bindings[0], cst.FunctionDef):
        return bindings[0]
    return None


def parameters_given(helper: cst.FunctionDef, call: cst.Call) -> dict[cst.Param, cst.BaseExpression]:
    """Which argument of the call each parameter of the helper receives."""
    parameters = [*helper.params.posonly_params, *helper.params.params]
    by_name = {param.name.value: param for param in (*parameters, *helper.params.kwonly_params)}
    given: dict[cst.Param, cst.BaseExpression] = {}
    positional = [arg for arg in call.args if arg.keyword is None]
    if any(arg.star for arg in call.args):
        return given
    for param, arg in zip(parameters, positional):
        given[param] = arg.value
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in by_name:
            given[by_name[arg.keyword.value]] = arg.value
    return given


def returned_values(helper: cst.FunctionDef) -> Iterator[cst.BaseExpression]:
    collector = _ReturnCollector()
    helper.body.visit(collector)
    yield from collector.values


class _ReturnCollector(cst.CSTVisitor):
    """The values a function returns, not counting nested functions, lambdas and classes."""

    def __init__(self) -> None:
        super().__init__()
        self.values: list[cst.BaseExpression] = []

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None:
            self.values.append(node.value)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False
