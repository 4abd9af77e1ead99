"""Which names each scope binds, and what a name read refers to: a purpose-built binding table.

It answers the two questions the rules ask of LibCST's ScopeProvider, `scope[name]` and
`scope.get_qualified_names_for(node)`, with the same answers (name_scopes.py), but walks the
module once through node fields (syntax_children.py) instead of two LibCST visits (expression
contexts, then scopes) that rebuild every node. String annotations are not parsed: no rule asks
what a name inside one refers to.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from functools import cache
from typing import Optional, Union

import libcst as cst
from libcst.metadata import BaseMetadataProvider

from credlint.analysis.name_scopes import (
    AnnotationScope,
    ClassScope,
    ComprehensionScope,
    FunctionScope,
    ImportBinding,
    ModuleScope,
    NameScope,
    Read,
    dotted_names,
)
from credlint.analysis.syntax_children import code_children

# Nodes after which a scope counts one more binding step: reads made before it cannot see
# what it binds.
_BINDING_STEPS = (
    cst.AnnAssign,
    cst.AsName,
    cst.Assign,
    cst.AugAssign,
    cst.ClassDef,
    cst.CompFor,
    cst.FunctionDef,
    cst.Global,
    cst.Import,
    cst.ImportFrom,
    cst.NamedExpr,
    cst.Nonlocal,
    cst.Parameters,
    cst.WithItem,
    cst.TypeVar,
    cst.TypeAlias,
    cst.TypeVarTuple,
    cst.ParamSpec,
)


@cache
def _is_binding_step(node_type: type[cst.CSTNode]) -> bool:
    return issubclass(node_type, _BINDING_STEPS)


_TYPE_FACTORIES = frozenset({"typing.NewType", "typing.TypeVar"})
# Methods that change a dict, list or set in place, so that its literal no longer says what it holds.
CHANGING_METHODS = frozenset(
    {
        "update",
        "setdefault",
        "__setitem__",
        "pop",
        "popitem",
        "clear",
        "append",
        "extend",
        "insert",
        "remove",
        "discard",
        "add",
    }
)


class Context(Enum):
    """Whether a name is read or bound where it is written (LibCST's expression context)."""

    LOAD = "load"
    STORE = "store"


class _TableBuilder:
    """Walks a module in LibCST's visiting order, binding and reading names scope by scope."""

    def __init__(self, record: Callable[[cst.CSTNode, NameScope], None]) -> None:
        self.record = record
        self.scope: NameScope = ModuleScope()
        self.reads: list[tuple[Read, Optional[cst.Attribute]]] = []
        self.attribute_chains: list[Optional[cst.Attribute]] = [None]
        self.assigned: dict[cst.CSTNode, cst.BaseExpression] = {}  # target name -> its value

    def build(self, module: cst.Module) -> None:
        self.visit(module, Context.LOAD)
        for read, chain in self.reads:
            assert isinstance(read.node, cst.Name)
            name = read.node.value
            if chain is not None:
                for dotted, node in dotted_names(chain):
                    if dotted in read.scope:
                        read.node, name = node, dotted
                        break
            read.resolve(name)
            read.scope.reads_by_node.setdefault(read.node, set()).add(read)

    def visit(self, node: cst.CSTNode, context: Context) -> None:
        handler = _handler_for(type(node))
        if handler is None:
            self.visit_children(node, context)
        else:
            handler(self, node, context)
        self.leave(node)

    def visit_children(self, node: cst.CSTNode, context: Context) -> None:
        for child in code_children(node):
            self.visit(child, context)

    def leave(self, node: cst.CSTNode) -> None:
        self.record(node, self.scope)
        if _is_binding_step(type(node)):
            self.scope.steps += 1

    def in_scope(self, scope: NameScope, *nodes: Optional[cst.CSTNode]) -> None:
        outer, self.scope = self.scope, scope
        for node in nodes:
            if node is not None:
                self.visit(node, Context.LOAD)
        self.scope = outer

    def visit_Name(self, node: cst.Name, context: Context) -> None:
        if context is Context.STORE:
            self.scope.bind(node.value, node, value=self.assigned.pop(node, None))
        else:
            self.reads.append((Read(node, self.scope), self.attribute_chains[-1]))

    def visit_Attribute(self, node: cst.Attribute, context: Context) -> None:
        if self.attribute_chains[-1] is None:
            self.attribute_chains[-1] = node
        self.visit(node.value, Context.LOAD)
        if self.attribute_chains[-1] is node:
            self.attribute_chains[-1] = None

    def visit_Subscript(self, node: cst.Subscript, context: Context) -> None:
        if context is not Context.LOAD and isinstance(node.value, cst.Name):  # `kw["region_name"] = r`, del
            self.scope.module.changed_in_place.add(node.value.value)
        self.visit_children(node, Context.LOAD)

    def visit_Call(self, node: cst.Call, context: Context) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.attr.value in CHANGING_METHODS:
            self.scope.module.changed_in_place.add(func.value.value)  # `kw.update(region_name=r)`
        self.attribute_chains.append(None)
        factory = {qualified.name for qualified in self.scope.qualified_names_for(node)} & _TYPE_FACTORIES
        if factory:  # as in LibCST, the name given to NewType or TypeVar is not read
            self.visit(node.func, context)
            for argument in node.args[1:]:
                self.visit(argument, context)
        else:
            self.visit_children(node, context)
        self.attribute_chains.pop()

    def visit_Arg(self, node: cst.Arg, context: Context) -> None:
        self.visit(node.value, context)

    def note_value(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        """Pairs the names of a target with the parts of the value they take, `a, b = 1, 2` too."""
        if isinstance(target, cst.Name):
            self.assigned[target] = value
        elif isinstance(target, (cst.Tuple, cst.List)) and isinstance(value, (cst.Tuple, cst.List)):
            targets = [element.value for element in target.elements]
            values = [element.value for element in value.elements]
            starred = any(isinstance(e, cst.StarredElement) for e in (*target.elements, *value.elements))
            if len(targets) == len(values) and not starred:
                for sub_target, sub_value in zip(targets, values):
                    self.note_value(sub_target, sub_value)

    def visit_Assign(self, node: cst.Assign, context: Context) -> None:
        for target in node.targets:
            self.note_value(target.target, node.value)
            self.visit(target, Context.STORE)
        self.visit(node.value, context)

    def visit_AnnAssign(self, node: cst.AnnAssign, context: Context) -> None:
        if node.value is not None:
            self.note_value(node.target, node.value)
        self.visit(node.target, Context.STORE)
        self.visit(node.annotation, context)
        if node.value is not None:
            self.visit(node.value, context)

    def visit_AugAssign(self, node: cst.AugAssign, context: Context) -> None:
        if isinstance(node.target, cst.Name):  # `kw |= {...}` changes a dict in place
            self.scope.module.changed_in_place.add(node.target.value)
        self.visit(node.target, Context.STORE)
        self.visit(node.operator, context)
        self.visit(node.value, context)

    def visit_NamedExpr(self, node: cst.NamedExpr, context: Context) -> None:
        self.note_value(node.target, node.value)
        self.visit(node.target, Context.STORE)
        self.visit(node.value, context)

    def visit_AsName(self, node: cst.AsName, context: Context) -> None:
        self.visit(node.name, Context.STORE)

    def visit_Del(self, node: cst.Del, context: Context) -> None:
        self.visit(node.target, Context.LOAD)

    def visit_Import(self, node: Union[cst.Import, cst.ImportFrom], context: Context) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            self.record(alias, self.scope)
            bound = alias.asname.name if alias.asname is not None else alias.name
            assert isinstance(bound, (cst.Name, cst.Attribute))
            for dotted, _ in dotted_names(bound):
                self.scope.bind(dotted, node, ImportBinding)

    def visit_Global(self, node: cst.Global, context: Context) -> None:
        for item in node.names:
            if self.scope.module is not self.scope:
                self.scope.redirects[item.name.value] = self.scope.module

    def visit_Nonlocal(self, node: cst.Nonlocal, context: Context) -> None:
        for item in node.names:
            if self.scope.module is not self.scope:
                self.scope.redirects[item.name.value] = self.scope.parent

    def _define(self, node: Union[cst.FunctionDef, cst.ClassDef]) -> None:
        name = node.name.value
        self.scope.bind(name, node)
        self.record(node.name, self.scope)

    def visit_FunctionDef(self, node: cst.FunctionDef, context: Context) -> None:
        self._define(node)
        outer = self.scope
        if node.type_parameters is not None:
            self.scope = AnnotationScope(outer)
            self.visit(node.type_parameters, context)
        self.in_scope(FunctionScope(self.scope, node.name.value), node.params, node.body)
        for decorator in node.decorators:
            self.visit(decorator, context)
        if node.returns is not None:
            self.visit(node.returns, context)
        self.scope = outer

    def visit_Lambda(self, node: cst.Lambda, context: Context) -> None:
        self.in_scope(FunctionScope(self.scope, None), node.params, node.body)

    def visit_Param(self, node: cst.Param, context: Context) -> None:
        self.scope.bind(node.name.value, node)
        self.record(node.name, self.scope)
        self.in_scope(self.scope.parent, node.default, node.annotation)

    def visit_ClassDef(self, node: cst.ClassDef, context: Context) -> None:
        self._define(node)
        for decorator in node.decorators:
            self.visit(decorator, context)
        outer = self.scope
        if node.type_parameters is not None:
            self.scope = AnnotationScope(outer)
            self.visit(node.type_parameters, context)
        for argument in (*node.bases, *node.keywords):
            self.visit(argument, context)
        self.in_scope(ClassScope(self.scope, node.name.value), *node.body.body)
        self.scope = outer

    def visit_For(self, node: cst.For, context: Context) -> None:
        self.visit(node.target, Context.STORE)
        self.scope.steps += 1
        for child in (node.iter, node.body, node.orelse):
            if child is not None:
                self.visit(child, context)

    def visit_CompFor(self, node: cst.CompFor, context: Context) -> None:
        self.visit(node.target, Context.STORE)
        self.visit(node.iter, context)
        for condition in node.ifs:
            self.visit(condition, context)
        if node.inner_for_in is not None:
            self.visit(node.inner_for_in, context)

    def visit_ListComp(
        self, node: Union[cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp], context: Context
    ) -> None:
        for_in = node.for_in
        self.visit(for_in.iter, context)
        self.record(for_in, self.scope)
        outer, self.scope = self.scope, ComprehensionScope(self.scope)
        self.visit(for_in.target, Context.STORE)
        self.scope.steps += 1
        for condition in for_in.ifs:
            self.visit(condition, context)
        if for_in.inner_for_in is not None:
            self.visit(for_in.inner_for_in, context)
        results = (node.key, node.value) if isinstance(node, cst.DictComp) else (node.elt,)
        for result in results:
            self.visit(result, context)
        self.scope = outer

    def visit_TypeAlias(self, node: cst.TypeAlias, context: Context) -> None:
        name = node.name.value
        self.scope.bind(name, node)
        self.in_scope(AnnotationScope(self.scope), node.type_parameters, node.value)

    def visit_TypeVar(self, node: Union[cst.TypeVar, cst.TypeVarTuple, cst.ParamSpec], context: Context) -> None:
        name = node.name.value
        self.scope.bind(name, node)
        if isinstance(node, cst.TypeVar) and node.bound is not None:
            self.visit(node.bound, context)

    visit_ImportFrom = visit_Import
    visit_SetComp = visit_ListComp
    visit_DictComp = visit_ListComp
    visit_GeneratorExp = visit_ListComp
    visit_TypeVarTuple = visit_TypeVar
    visit_ParamSpec = visit_TypeVar


@cache
def _handler_for(node_type: type[cst.CSTNode]) -> Optional[Callable[[_TableBuilder, cst.CSTNode, Context], None]]:
    """The builder's visit_<Class> method for a node type, looked up once, as LibCST visitors do."""
    handler: Optional[Callable[[_TableBuilder, cst.CSTNode, Context], None]]
    handler = getattr(_TableBuilder, f"visit_{node_type.__name__}", None)
    return handler


class BindingTableProvider(BaseMetadataProvider[NameScope]):
    """The scope each node of the module is in, from one walk of its own: no LibCST visit."""

    def _gen_impl(self, module: cst.Module) -> None:
        _TableBuilder(self.set_metadata).build(module)
