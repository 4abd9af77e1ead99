"""The scopes of a module and the names they bind, with LibCST's rules of resolution.

A read refers to the bindings its scope made before it, else to every binding the scope can
see; class scopes are hidden from the functions inside them; `global` and `nonlocal` send a
binding elsewhere. binding_table.py fills these scopes from a module.
"""

from __future__ import annotations

import builtins
from collections.abc import Collection, Iterator
from typing import Optional, Union

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import QualifiedName, QualifiedNameSource


class Binding:
    """A name bound in a scope by a node of this module: an assignment target, a parameter, a
    definition; a builtin has no node. `index` orders it among the scope's binding steps."""

    def __init__(
        self,
        name: str,
        scope: NameScope,
        node: Optional[cst.CSTNode],
        index: int,
        value: Optional[cst.BaseExpression] = None,
    ) -> None:
        self.name = name
        self.scope = scope
        self.node = node
        self.index = index
        self.value = value  # the expression assigned, for `name = ...`, `name: T = ...`, `(name := ...)`

    def qualified_names(self, full_name: str) -> set[QualifiedName]:
        prefix = self.scope.name_prefix
        return {QualifiedName(f"{prefix}.{full_name}" if prefix else full_name, QualifiedNameSource.LOCAL)}


class ImportBinding(Binding):
    """A name an import statement binds; `node` is the whole statement."""

    def qualified_names(self, full_name: str) -> set[QualifiedName]:
        statement = self.node
        assert isinstance(statement, (cst.Import, cst.ImportFrom))
        module = _module_of(statement)
        found: set[QualifiedName] = set()
        if isinstance(statement.names, cst.ImportStar):
            return found
        for alias in statement.names:
            real_name = get_full_name_for_node(alias.name)
            if not real_name:
                continue
            parts = real_name.split(".")
            for prefix in (".".join(parts[:end]) for end in range(len(parts), 0, -1)):
                bound_as = alias.evaluated_alias if alias.asname is not None else None
                bound_as = bound_as if bound_as is not None else prefix
                origin = f"{module}{prefix}" if module.endswith(".") else ".".join(filter(None, (module, prefix)))
                if full_name.startswith(bound_as):
                    rest = full_name.split(bound_as, 1)[1]
                    if rest and not rest.startswith("."):
                        continue
                    rest = rest.lstrip(".")
                    found.add(QualifiedName(f"{origin}.{rest}" if rest else origin, QualifiedNameSource.IMPORT))
                    break
        return found


class BuiltinBinding(Binding):
    """A builtin such as `open` or `int`: bound by Python, by no node of this module."""

    def __init__(self, name: str, scope: NameScope) -> None:
        super().__init__(name, scope, None, -1)

    def qualified_names(self, full_name: str) -> set[QualifiedName]:
        return {QualifiedName(f"builtins.{self.name}", QualifiedNameSource.BUILTIN)}


def _module_of(statement: Union[cst.Import, cst.ImportFrom]) -> str:
    if not isinstance(statement, cst.ImportFrom):
        return ""
    module = (get_full_name_for_node(statement.module) or "") if statement.module is not None else ""
    return "." * len(statement.relative) + module


class Read:
    """A name read; it refers to the bindings its scope made before it, or else to any it sees."""

    def __init__(self, node: cst.CSTNode, scope: NameScope) -> None:
        self.node = node
        self.scope = scope
        self.index = scope.steps
        self.referents: set[Binding] = set()

    def resolve(self, name: str) -> None:
        candidates = self.scope.resolve(name, self.scope)
        earlier = {binding for binding in candidates if binding.scope is not self.scope or binding.index < self.index}
        if not earlier and candidates and self.scope.parent is not self.scope:
            earlier = self.scope.parent.resolve(name, self.scope)
        self.referents |= earlier


class NameScope:
    """A module, class, function, lambda, comprehension or annotation scope, with its bindings."""

    def __init__(self, parent: Optional[NameScope]) -> None:
        self.parent: NameScope = parent if parent is not None else self
        self.module: NameScope = parent.module if parent is not None else self
        self.bindings: dict[str, set[Binding]] = {}
        self.steps = 0
        self.reads_by_node: dict[cst.CSTNode, set[Read]] = {}
        self.redirects: dict[str, NameScope] = {}  # `global x` / `nonlocal x`
        self.changed_in_place: set[str] = set()  # the module's: names whose container a statement changes
        self.name_prefix = ""

    def bind(
        self, name: str, node: cst.CSTNode, kind: type[Binding] = Binding, value: Optional[cst.BaseExpression] = None
    ) -> None:
        target = self.binding_target(name)
        target.bindings.setdefault(name, set()).add(kind(name, target, node, target.steps, value))

    def binding_target(self, name: str) -> NameScope:
        if name in self.redirects:
            return self.visible_parent(self, self.redirects[name]).binding_target(name)
        return self

    def visible_to(self, scope: NameScope) -> bool:
        return True

    def visible_parent(self, scope: NameScope, first: Optional[NameScope] = None) -> NameScope:
        parent = first if first is not None else self.parent
        while not parent.visible_to(scope):
            parent = parent.parent
        return parent

    def __contains__(self, name: str) -> bool:
        if name in self.redirects:
            return name in self.redirects[name]
        if name in self.bindings:
            return bool(self.bindings[name])
        return name in self.visible_parent(self)

    def __getitem__(self, name: str) -> set[Binding]:
        return self.resolve(name, self)

    def resolve(self, name: str, scope: NameScope) -> set[Binding]:
        if name in self.redirects:
            return self.visible_parent(scope, self.redirects[name]).resolve(name, scope)
        if name in self.bindings:
            return self.bindings[name]
        return self.visible_parent(scope).resolve(name, scope)

    def qualified_names_for(self, node: cst.CSTNode) -> set[QualifiedName]:
        """The dotted names node stands for, with imports undone: `b3.client` -> `boto3.client`."""
        reads = self.reads_by_node.get(node)
        if reads:
            return {
                qualified
                for read in reads
                for referent in read.referents
                for qualified in referent.qualified_names(referent.name)
            }
        full_name = get_full_name_for_node(node)
        if full_name is None:
            return set()
        bindings: Collection[Binding] = set()
        prefix: Optional[str] = full_name
        while prefix:
            if prefix in self:
                bindings = self[prefix]
                break
            cut = prefix.rfind(".")
            prefix = None if cut == -1 else prefix[:cut]
        for binding in bindings:
            if binding.node is not None and _binds(node, binding.node):
                return binding.qualified_names(full_name)
        return {qualified for binding in bindings for qualified in binding.qualified_names(full_name)}


class ModuleScope(NameScope):
    """The module's scope; names it does not bind are looked up among the builtins."""

    def __init__(self) -> None:
        super().__init__(None)
        self.parent = BuiltinScope(self)


class BuiltinScope(NameScope):
    def __init__(self, module: ModuleScope) -> None:
        super().__init__(None)
        self.module = module

    def __contains__(self, name: str) -> bool:
        return hasattr(builtins, name)

    def resolve(self, name: str, scope: NameScope) -> set[Binding]:
        if name not in self.bindings and hasattr(builtins, name):
            self.bindings[name] = {BuiltinBinding(name, self)}
        return self.bindings.get(name, set())


class FunctionScope(NameScope):
    """A function's or a lambda's scope: its names are qualified `function.<locals>.name`."""

    def __init__(self, parent: NameScope, name: Optional[str]) -> None:
        super().__init__(parent)
        self.name_prefix = ".".join(filter(None, [parent.name_prefix, name, "<locals>"]))


class ClassScope(NameScope):
    """A class body: hidden from the functions inside it, so a method's `region` is never the
    class attribute."""

    def __init__(self, parent: NameScope, name: str) -> None:
        super().__init__(parent)
        self.name_prefix = ".".join(filter(None, [parent.name_prefix, name]))

    def visible_to(self, scope: NameScope) -> bool:
        return scope.parent is self and isinstance(scope, AnnotationScope)


class ComprehensionScope(NameScope):
    def __init__(self, parent: NameScope) -> None:
        super().__init__(parent)
        self.name_prefix = ".".join(filter(None, [parent.name_prefix, "<comprehension>"]))


class AnnotationScope(NameScope):
    """PEP 695 type parameters and type aliases: transparent to qualified names."""

    def __init__(self, parent: NameScope) -> None:
        super().__init__(parent)
        self.name_prefix = parent.name_prefix


def _binds(node: cst.CSTNode, binding_node: cst.CSTNode) -> bool:
    """node is the binding's own node, or a name inside the import statement that binds it."""
    if node is binding_node:
        return True
    if isinstance(binding_node, (cst.Import, cst.ImportFrom)) and not isinstance(binding_node.names, cst.ImportStar):
        return any(
            alias.name is node or (alias.asname is not None and alias.asname.name is node)
            for alias in binding_node.names
        )
    return False


def dotted_names(node: Union[cst.Attribute, cst.Name]) -> Iterator[tuple[str, cst.CSTNode]]:
    """The dotted names an attribute chain starts with, longest first: `a.b.c` -> a.b.c, a.b, a.
    A call in the chain ends the names at its callee: `a.b().c` -> a.b, a."""
    if isinstance(node, cst.Name):
        yield node.value, node
        return
    value = node.value
    if isinstance(value, cst.Call):
        if isinstance(value.func, (cst.Attribute, cst.Name)):
            yield from dotted_names(value.func)
    elif isinstance(value, (cst.Attribute, cst.Name)):
        inner = list(dotted_names(value))
        if inner:
            yield f"{inner[0][0]}.{node.attr.value}", node
            yield from inner
