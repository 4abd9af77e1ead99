"""Small LibCST helpers the retry analysis reads code with: statements, walks, names read, integer
values, bindings in a function body, and the index a retry rule collects while visiting."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Optional, Union

import libcst as cst

from credlint.analysis.syntax_children import code_children, code_nodes
from credlint.project.view import ImportedFunction

Loop = Union[cst.For, cst.While]
FunctionNode = Union[cst.FunctionDef, cst.Lambda]


def statements(suite: cst.BaseSuite) -> list[cst.CSTNode]:
    """The statements of a block, with simple statement lines split into their small statements."""
    if isinstance(suite, cst.SimpleStatementSuite):
        return list(suite.body)
    found: list[cst.CSTNode] = []
    for statement in suite.body:
        if isinstance(statement, cst.SimpleStatementLine):
            found.extend(statement.body)
        else:
            found.append(statement)
    return found


_NESTED_SCOPES: frozenset[type[cst.CSTNode]] = frozenset({cst.FunctionDef, cst.ClassDef, cst.Lambda})


def walk(node: cst.CSTNode, *, into_functions: bool = False) -> Iterator[cst.CSTNode]:
    """node and the code under it in source order, not entering nested functions, classes or
    lambdas unless asked."""
    return code_nodes(node, frozenset() if into_functions else _NESTED_SCOPES)


def names_read(expr: cst.CSTNode) -> Iterator[str]:
    """The variable names an expression reads (not attribute or keyword names)."""
    if isinstance(expr, cst.Name):
        yield expr.value
        return
    if isinstance(expr, cst.Attribute):
        yield from names_read(expr.value)
        return
    if isinstance(expr, cst.Arg):
        yield from names_read(expr.value)
        return
    for child in code_children(expr):
        yield from names_read(child)


def source_of(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node).strip()


@dataclass
class ModuleIndex:
    """What the retry rules collect while visiting a module, for the analysis at its end."""

    functions: dict[str, list[cst.FunctionDef]] = field(default_factory=dict)
    class_constants: dict[str, list[cst.BaseExpression]] = field(default_factory=dict)
    sdk_attributes: set[str] = field(default_factory=set)  # `self.s3 = boto3.client(...)` -> "s3"
    sdk_names: set[str] = field(default_factory=set)  # `async with session.client(...) as s3` -> "s3"
    loops: list[tuple[Loop, Optional[cst.FunctionDef]]] = field(default_factory=list)
    decorated: list[cst.FunctionDef] = field(default_factory=list)
    tries: list[tuple[cst.Try, cst.FunctionDef]] = field(default_factory=list)  # not inside a loop
    retry_calls: list[tuple[cst.Call, Optional[cst.FunctionDef]]] = field(default_factory=list)  # `retry_call(f, ...)`
    # Other modules' functions the retries may take as predicates, by the name written here
    # (project/view.py), and those read so far.
    imported: Mapping[str, ImportedFunction] = field(default_factory=dict)
    loaded: dict[str, Optional[Helper]] = field(default_factory=dict)

    def function(self, name: str) -> Optional[cst.FunctionDef]:
        found = self.functions.get(name, [])
        return found[0] if len(found) == 1 else None


@dataclass(frozen=True)
class Helper:
    """A function or lambda the analysis reads into, with the module it is read in: this one, or
    another module of the project for an imported predicate."""

    function: FunctionNode
    owner: cst.MetadataDependent
    index: ModuleIndex


Controls = tuple[cst.BaseExpression, ...]  # the tests of the if/while/for statements around a binding


@dataclass(frozen=True)
class Binding:
    value: Optional[cst.BaseExpression]  # None: a loop target, an augmented assignment, a `with` target
    controls: Controls


def scan_bindings(body: Sequence[cst.CSTNode]) -> dict[str, list[Binding]]:
    """Every binding of a name in a function body, with the tests that decide whether it runs."""
    found: dict[str, list[Binding]] = {}

    def bind(target: cst.BaseExpression, value: Optional[cst.BaseExpression], controls: Controls) -> None:
        if isinstance(target, cst.Name):
            found.setdefault(target.value, []).append(Binding(value, controls))
        elif isinstance(target, (cst.Tuple, cst.List)):
            values: list[Optional[cst.BaseExpression]] = [None] * len(target.elements)
            if isinstance(value, (cst.Tuple, cst.List)) and len(value.elements) == len(target.elements):
                values = [element.value for element in value.elements]
            elif value is not None:
                controls = (*controls, value)
            for element, sub_value in zip(target.elements, values):
                bind(element.value, sub_value, controls)

    def visit(nodes: Sequence[cst.CSTNode], controls: Controls) -> None:
        for node in nodes:
            if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
                continue
            if isinstance(node, cst.Assign):
                for target in node.targets:
                    bind(target.target, node.value, controls)
            elif isinstance(node, cst.AnnAssign) and node.value is not None:
                bind(node.target, node.value, controls)
            elif isinstance(node, cst.AugAssign):
                bind(node.target, None, (*controls, node.value))
            elif isinstance(node, cst.If):
                visit(statements(node.body), (*controls, node.test))
                if node.orelse is not None:
                    orelse = [node.orelse] if isinstance(node.orelse, cst.If) else statements(node.orelse.body)
                    visit(orelse, (*controls, node.test))
            elif isinstance(node, cst.While):
                visit(statements(node.body), (*controls, node.test))
            elif isinstance(node, cst.For):
                bind(node.target, None, (*controls, node.iter))
                visit(statements(node.body), (*controls, node.iter))
            elif isinstance(node, cst.With):
                for item in node.items:
                    if item.asname is not None:
                        bind(item.asname.name, item.item, controls)
                visit(statements(node.body), controls)
            elif isinstance(node, cst.Try):
                visit(statements(node.body), controls)
                for handler in node.handlers:
                    visit(statements(handler.body), controls)
                if node.orelse is not None:
                    visit(statements(node.orelse.body), controls)
                if node.finalbody is not None:
                    visit(statements(node.finalbody.body), controls)

    visit(body, ())
    return found
