"""What a name refers to and which expression it was bound to, so rules can follow constants and
import aliases across a module."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Optional

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import QualifiedNameSource
from libcst.metadata.base_provider import ProviderT

from credlint.analysis.binding_table import BindingTableProvider
from credlint.analysis.name_scopes import Binding, ImportBinding, NameScope

MAX_RESOLUTION_DEPTH = 6


BINDING_PROVIDERS: Sequence[ProviderT] = (BindingTableProvider,)


def scope_of(owner: cst.MetadataDependent, node: cst.CSTNode) -> Optional[NameScope]:
    """The scope node is read or bound in, from the module's binding table."""
    scope = owner.get_metadata(BindingTableProvider, node, None)
    return scope if isinstance(scope, NameScope) else None


def bindings_of(owner: cst.MetadataDependent, name: cst.Name) -> set[Binding]:
    """Every binding of the name its scope can see, wherever in the scope it is made."""
    scope = scope_of(owner, name)
    return scope[name.value] if scope is not None else set()


def imported_name(owner: cst.MetadataDependent, expr: cst.BaseExpression) -> Optional[str]:
    """The dotted name a name or attribute chain writes (`KEY`, `settings.KEY`) when the name it
    starts from is bound only by imports at module level: then another module of the project may
    define it (project/index.py). None for anything else: a local of the same name is another."""
    written = get_full_name_for_node(expr) if isinstance(expr, (cst.Name, cst.Attribute)) else None
    head = expr
    while isinstance(head, cst.Attribute):
        head = head.value
    bindings = bindings_of(owner, head) if written is not None and isinstance(head, cst.Name) else set()
    module_imports = all(isinstance(b, ImportBinding) and b.scope is b.scope.module for b in bindings)
    return written if bindings and module_imports else None


def qualified_names(owner: cst.MetadataDependent, node: cst.CSTNode) -> set[str]:
    """The dotted names node may refer to, with import aliases undone (`b3.client` -> `boto3.client`)."""
    scope = scope_of(owner, node)
    return {qualified.name for qualified in scope.qualified_names_for(node)} if scope is not None else set()


def imported_names(owner: cst.MetadataDependent, node: cst.CSTNode) -> set[str]:
    """The dotted names node refers to through an import or a builtin; a local `os = Settings()` or
    `print = log` is something else (qualified_names keeps local names too)."""
    scope = scope_of(owner, node)
    if scope is None:
        return set()
    return {
        qualified.name
        for qualified in scope.qualified_names_for(node)
        if qualified.source in (QualifiedNameSource.IMPORT, QualifiedNameSource.BUILTIN)
    }


def bound_values(owner: cst.MetadataDependent, name: cst.Name) -> Iterator[Optional[cst.BaseExpression]]:
    """Every expression the name may hold where it is read.

    None stands for a binding whose value is not an expression in this module: a parameter,
    an import, a loop target, a builtin.
    """
    bindings = bindings_of(owner, name)
    if not bindings:
        yield None
    for binding in bindings:
        yield binding.value


def single_bound_value(owner: cst.MetadataDependent, name: cst.Name) -> Optional[cst.BaseExpression]:
    """The expression a name holds when it is bound exactly once, to an expression, else None."""
    values = list(bound_values(owner, name))
    return values[0] if len(values) == 1 else None


def parameter_default(owner: cst.MetadataDependent, name: cst.Name) -> Optional[cst.BaseExpression]:
    """The default of the parameter a name reads, when the name is bound only as that parameter."""
    bindings = list(bindings_of(owner, name))
    if len(bindings) == 1 and isinstance(bindings[0].node, cst.Param):
        return bindings[0].node.default
    return None
