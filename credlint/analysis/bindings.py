"""Which expression each name was bound to, so rules can follow constants across a module."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Optional

import libcst as cst
from libcst.metadata import BatchableMetadataProvider
from libcst.metadata.base_provider import ProviderT

from credlint.analysis.binding_table import BindingTableProvider
from credlint.analysis.name_scopes import Binding, NameScope
from credlint.visitor_methods import MethodsByClass

MAX_RESOLUTION_DEPTH = 6


class AssignedValueProvider(MethodsByClass, BatchableMetadataProvider[cst.BaseExpression]):
    """Maps each Name that is the target of an assignment to the expression assigned to it."""

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._bind(node.target, node.value)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind(node.target, node.value)

    def _bind(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            self.set_metadata(target, value)
        elif isinstance(target, (cst.Tuple, cst.List)) and isinstance(value, (cst.Tuple, cst.List)):
            targets = [element.value for element in target.elements]
            values = [element.value for element in value.elements]
            starred = any(isinstance(e, cst.StarredElement) for e in (*target.elements, *value.elements))
            if len(targets) == len(values) and not starred:
                for sub_target, sub_value in zip(targets, values):
                    self._bind(sub_target, sub_value)


BINDING_PROVIDERS: Sequence[ProviderT] = (BindingTableProvider, AssignedValueProvider)


def scope_of(owner: cst.MetadataDependent, node: cst.CSTNode) -> Optional[NameScope]:
    """The scope node is read or bound in, from the module's binding table."""
    scope = owner.get_metadata(BindingTableProvider, node, None)
    return scope if isinstance(scope, NameScope) else None


def bindings_of(owner: cst.MetadataDependent, name: cst.Name) -> set[Binding]:
    """Every binding of the name its scope can see, wherever in the scope it is made."""
    scope = scope_of(owner, name)
    return scope[name.value] if scope is not None else set()


def qualified_names(owner: cst.MetadataDependent, node: cst.CSTNode) -> set[str]:
    """The dotted names node may refer to, with import aliases undone (`b3.client` -> `boto3.client`)."""
    scope = scope_of(owner, node)
    return {qualified.name for qualified in scope.qualified_names_for(node)} if scope is not None else set()


def bound_values(owner: cst.MetadataDependent, name: cst.Name) -> Iterator[Optional[cst.BaseExpression]]:
    """Every expression the name may hold where it is read.

    None stands for a binding whose value is not an expression in this module: a parameter,
    an import, a loop target, a builtin.
    """
    bindings = bindings_of(owner, name)
    if not bindings:
        yield None
    for binding in bindings:
        target = binding.node
        yield owner.get_metadata(AssignedValueProvider, target, None) if isinstance(target, cst.Name) else None


def single_bound_value(owner: cst.MetadataDependent, name: cst.Name) -> Optional[cst.BaseExpression]:
    """The expression a name holds when it is bound exactly once, to an expression, else None."""
    values = list(bound_values(owner, name))
    return values[0] if len(values) == 1 else None
