"""Which expression each name was bound to, so rules can follow constants across a module."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Optional

import libcst as cst
from libcst.metadata import BatchableMetadataProvider, Scope, ScopeProvider
from libcst.metadata.base_provider import ProviderT

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


BINDING_PROVIDERS: Sequence[ProviderT] = (ScopeProvider, AssignedValueProvider)


def qualified_names(owner: cst.MetadataDependent, node: cst.CSTNode) -> set[str]:
    """The dotted names node may refer to, with import aliases undone (`b3.client` -> `boto3.client`).

    Asked of the scope directly: QualifiedNameProvider would cost a traversal of the whole tree
    to answer for every node, and rules ask about a few call targets.
    """
    scope = owner.get_metadata(ScopeProvider, node, None)
    if not isinstance(scope, Scope):
        return set()
    return {qualified.name for qualified in scope.get_qualified_names_for(node)}


def bound_values(owner: cst.MetadataDependent, name: cst.Name) -> Iterator[Optional[cst.BaseExpression]]:
    """Every expression the name may hold where it is read, through LibCST's scope analysis.

    None stands for a binding whose value is not an expression in this module: a parameter,
    an import, a loop target, a builtin.
    """
    scope = owner.get_metadata(ScopeProvider, name, None)
    if not isinstance(scope, Scope):
        yield None
        return
    assignments = scope[name.value]
    if not assignments:
        yield None
    for assignment in assignments:
        target = getattr(assignment, "node", None)
        value = owner.get_metadata(AssignedValueProvider, target, None) if isinstance(target, cst.Name) else None
        yield value


def single_bound_value(owner: cst.MetadataDependent, name: cst.Name) -> Optional[cst.BaseExpression]:
    """The expression a name holds when it is bound exactly once, to an expression, else None."""
    values = list(bound_values(owner, name))
    return values[0] if len(values) == 1 else None
