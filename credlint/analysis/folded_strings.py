"""Every text the string literals of a file's stdlib `ast` parse may hold, folded generously.

The candidate passes fold the way the rules fold, but more loosely: every binding of a name is
tried, in any scope, so that a file they skip can never hold a finding.
"""

from __future__ import annotations

import ast
import itertools
from collections import defaultdict
from collections.abc import Iterator

from credlint.prefilter import FileProbe

_UNKNOWN = "\0"
_MAX_COMBINATIONS = 32
_MAX_DEPTH = 6


def folded_strings(probe: FileProbe) -> tuple[str, ...]:
    """Every text a string expression of the file may hold, each literal's own text first."""
    return probe.once(_folded_strings)


def _folded_strings(probe: FileProbe) -> tuple[str, ...]:
    return tuple(text for _, text in folded_strings_with_lines(probe))


def folded_strings_with_lines(probe: FileProbe) -> tuple[tuple[int, str], ...]:
    """folded_strings, each text with the line its literal starts on; folded once per file."""
    return probe.once(_folded_with_lines)


def _folded_with_lines(probe: FileProbe) -> tuple[tuple[int, str], ...]:
    return tuple(_fold_all(probe))


def _fold_all(probe: FileProbe) -> Iterator[tuple[int, str]]:
    bindings: dict[str, list[ast.expr]] = defaultdict(list)
    for kind in (ast.Assign, ast.AnnAssign, ast.NamedExpr):
        for node in probe.nodes(kind):
            _note_binding(bindings, node)
    for constant in probe.nodes(ast.Constant):
        if isinstance(constant.value, (str, bytes)):
            yield constant.lineno, _text(constant.value)
    compounds = [
        *probe.nodes(ast.JoinedStr),
        *(node for node in probe.nodes(ast.BinOp) if isinstance(node.op, ast.Add)),
    ]
    for compound in compounds:
        yield from ((compound.lineno, text) for text in _fold(compound, bindings, 0))


def _text(value: str | bytes) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


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
