"""Every text the string literals of a stdlib `ast` tree may hold, folded generously.

The candidate passes fold the way the rules fold, but more loosely: every binding of a name is
tried, in any scope, so that a file they skip can never hold a finding.
"""

from __future__ import annotations

import ast
import itertools
from collections import defaultdict
from collections.abc import Iterator
from typing import TypeGuard

_UNKNOWN = "\0"
_MAX_COMBINATIONS = 32
_MAX_DEPTH = 6


def folded_strings(tree: ast.AST) -> Iterator[str]:
    bindings: dict[str, list[ast.expr]] = defaultdict(list)
    compound: list[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
            yield _text(node.value)
        elif _is_compound(node):
            compound.append(node)
        else:
            _note_binding(bindings, node)
    for node in compound:
        yield from _fold(node, bindings, 0)


def folded_strings_with_lines(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """folded_strings, each text with the line its literal starts on."""
    bindings: dict[str, list[ast.expr]] = defaultdict(list)
    for node in ast.walk(tree):
        _note_binding(bindings, node)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
            yield node.lineno, _text(node.value)
        elif _is_compound(node):
            yield from ((node.lineno, text) for text in _fold(node, bindings, 0))


def _text(value: str | bytes) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


def _is_compound(node: ast.AST) -> TypeGuard[ast.expr]:
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add))


def _note_binding(bindings: dict[str, list[ast.expr]], node: ast.AST) -> None:
    if isinstance(node, ast.Assign):
        for target in node.targets:
            _bind(bindings, target, node.value)
    elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)) and node.value is not None:
        _bind(bindings, node.target, node.value)


def _bind(bindings: dict[str, list[ast.expr]], target: ast.expr, value: ast.expr) -> None:
    if isinstance(target, ast.Name):
        bindings[target.id].append(value)
    elif isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (ast.Tuple, ast.List)):
        for sub_target, sub_value in zip(target.elts, value.elts):
            _bind(bindings, sub_target, sub_value)


def _fold(node: ast.expr, bindings: dict[str, list[ast.expr]], depth: int) -> list[str]:
    """Every text a string expression may hold; unknown parts become a NUL that no key spans."""
    if depth > _MAX_DEPTH:
        return [_UNKNOWN]
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bytes):
            return [node.value.decode("latin-1")]
        return [node.value] if isinstance(node.value, str) else [_UNKNOWN]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _combine([_fold(node.left, bindings, depth + 1), _fold(node.right, bindings, depth + 1)])
    if isinstance(node, ast.JoinedStr):
        return _combine([_fold(value, bindings, depth + 1) for value in node.values])
    if isinstance(node, ast.FormattedValue) and node.format_spec is None and node.conversion == -1:
        return _fold(node.value, bindings, depth + 1)
    if isinstance(node, ast.Name) and node.id in bindings:
        return [text for value in bindings[node.id] for text in _fold(value, bindings, depth + 1)][:_MAX_COMBINATIONS]
    return [_UNKNOWN]


def _combine(parts: list[list[str]]) -> list[str]:
    return ["".join(combination) for combination in itertools.islice(itertools.product(*parts), _MAX_COMBINATIONS)]
