"""Folding string expressions to the text they hold: literals, concatenation, f-strings, constants."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Optional, Union

import libcst as cst

from credlint.analysis.bindings import (
    MAX_RESOLUTION_DEPTH,
    bound_values,
    parameter_default,
    qualified_names,
    single_bound_value,
)


@dataclass(frozen=True)
class StringPiece:
    """A run of a string expression: its text (None when unknown) and where it is written."""

    text: Optional[str]
    node: cst.CSTNode
    borrowed: bool  # the text is written elsewhere and reached through a name


STRING_ROOT_TYPES = (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)
ENV_READERS = frozenset({"os.getenv", "os.environ.get"})


def simple_string_text(node: cst.SimpleString) -> Optional[str]:
    try:
        value = node.evaluated_value
    except Exception:  # LibCST evaluates with literal_eval; odd escapes raise many kinds
        return None
    return value.decode("latin-1") if isinstance(value, bytes) else value


def is_string_expression(node: cst.CSTNode) -> bool:
    if isinstance(node, STRING_ROOT_TYPES):
        return True
    return (
        isinstance(node, cst.BinaryOperation)
        and isinstance(node.operator, cst.Add)
        and (is_string_expression(node.left) or is_string_expression(node.right))
    )


def string_pieces(owner: cst.MetadataDependent, expr: cst.CSTNode, depth: int = 0) -> Optional[list[StringPiece]]:
    """The pieces of a string expression, or None when expr is not one."""
    if depth > MAX_RESOLUTION_DEPTH:
        return None
    if isinstance(expr, cst.SimpleString):
        return [StringPiece(simple_string_text(expr), expr, False)]
    if isinstance(expr, cst.ConcatenatedString):
        return (string_pieces(owner, expr.left, depth + 1) or []) + (string_pieces(owner, expr.right, depth + 1) or [])
    if isinstance(expr, cst.FormattedString):
        return _formatted_pieces(owner, expr, depth)
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
        left = string_pieces(owner, expr.left, depth + 1)
        right = string_pieces(owner, expr.right, depth + 1)
        if left is None and right is None:
            return None
        return (left or [StringPiece(None, expr.left, False)]) + (right or [StringPiece(None, expr.right, False)])
    if isinstance(expr, cst.Name):
        value = single_bound_value(owner, expr)
        if value is None or not is_string_expression(value):
            return None
        pieces = string_pieces(owner, value, depth + 1)
        return [StringPiece(p.text, p.node, True) for p in pieces] if pieces is not None else None
    return None


def _formatted_pieces(owner: cst.MetadataDependent, expr: cst.FormattedString, depth: int) -> list[StringPiece]:
    pieces: list[StringPiece] = []
    for part in expr.parts:
        if isinstance(part, cst.FormattedStringText):
            pieces.append(StringPiece(part.value.replace("{{", "{").replace("}}", "}"), part, False))
            continue
        assert isinstance(part, cst.FormattedStringExpression)
        inner = None if part.format_spec or part.conversion else string_pieces(owner, part.expression, depth + 1)
        pieces.extend(inner if inner is not None else [StringPiece(None, part, False)])
    return pieces


def fold_string(owner: cst.MetadataDependent, expr: cst.CSTNode) -> Optional[str]:
    """The full text of a string expression when every piece is known, else None."""
    pieces = string_pieces(owner, expr)
    if not pieces or any(piece.text is None for piece in pieces):
        return None
    return "".join(piece.text for piece in pieces if piece.text is not None)


def literal_sources(
    owner: cst.MetadataDependent, expr: cst.BaseExpression, depth: int = 0
) -> list[tuple[str, cst.CSTNode]]:
    """Every literal string that may reach expr, with the node where each is written.

    Follows names to their bindings, both branches of `a if c else b` and `a or b`, and the
    default of `os.environ.get(NAME, default)`: a default written in code is hard-coded too.
    """
    if depth > MAX_RESOLUTION_DEPTH:
        return []
    if is_string_expression(expr) or (isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add)):
        text = fold_string(owner, expr)
        return [(text, expr)] if text is not None else []
    if isinstance(expr, cst.Name):
        found: list[tuple[str, cst.CSTNode]] = []
        for value in bound_values(owner, expr):
            if value is not None:
                found.extend(literal_sources(owner, value, depth + 1))
        return found
    if isinstance(expr, cst.IfExp):
        return literal_sources(owner, expr.body, depth + 1) + literal_sources(owner, expr.orelse, depth + 1)
    if isinstance(expr, cst.BooleanOperation):
        return literal_sources(owner, expr.left, depth + 1) + literal_sources(owner, expr.right, depth + 1)
    if isinstance(expr, cst.Call) and qualified_names(owner, expr.func) & ENV_READERS:
        if len(expr.args) >= 2:
            return literal_sources(owner, expr.args[1].value, depth + 1)
        return []
    if isinstance(expr, cst.Subscript) and isinstance(expr.value, cst.Name) and len(expr.slice) == 1:
        index = expr.slice[0].slice
        key = fold_string(owner, index.value) if isinstance(index, cst.Index) else None
        container = single_bound_value(owner, expr.value)
        if key is not None and isinstance(container, cst.Dict):
            entry = dict_entry(owner, container, key)
            return literal_sources(owner, entry, depth + 1) if entry is not None else []
    return []


def dict_entry(owner: cst.MetadataDependent, mapping: cst.Dict, key: str) -> Optional[cst.BaseExpression]:
    for element in mapping.elements:
        if isinstance(element, cst.DictElement) and fold_string(owner, element.key) == key:
            return element.value
    return None


def int_value(
    owner: cst.MetadataDependent, expr: Optional[cst.BaseExpression], depth: int = 0, *, defaults: bool = True
) -> Optional[int]:
    """An integer written here or in a module constant (`MAX_ATTEMPTS = 5`, `36 * 3600`), or, with
    defaults, the default of the parameter a name reads."""
    if expr is None or depth > MAX_RESOLUTION_DEPTH:
        return None
    if isinstance(expr, cst.Integer):
        value = expr.evaluated_value
        return value if isinstance(value, int) else None
    if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Minus):
        inner = int_value(owner, expr.expression, depth + 1, defaults=defaults)
        return -inner if inner is not None else None
    if isinstance(expr, cst.BinaryOperation):
        left = int_value(owner, expr.left, depth + 1, defaults=defaults)
        right = int_value(owner, expr.right, depth + 1, defaults=defaults)
        if left is None or right is None:
            return None
        if isinstance(expr.operator, cst.Add):
            return left + right
        if isinstance(expr.operator, cst.Subtract):
            return left - right
        if isinstance(expr.operator, cst.Multiply):
            return left * right
        return None
    if isinstance(expr, cst.Name):
        bound = single_bound_value(owner, expr)
        if bound is not None:
            return int_value(owner, bound, depth + 1, defaults=defaults)
        return int_parameter_default(owner, expr, depth) if defaults else None
    return None


def int_parameter_default(owner: cst.MetadataDependent, name: cst.Name, depth: int = 0) -> Optional[int]:
    default = parameter_default(owner, name)
    return int_value(owner, default, depth + 1) if default is not None else None


# A value no folding knows: `...`, written nowhere, so nothing reads its position or scope.
UNKNOWN_VALUE = cst.Ellipsis()
# ref. Python docs, printf-style String Formatting, and Format String Syntax: the placeholders.
_PRINTF_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d*))?[a-zA-Z%]")
_FORMAT_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")


def template_pieces(owner: cst.MetadataDependent, expr: cst.BaseExpression) -> Optional[list[StringPiece]]:
    """The pieces of `template % values` or `template.format(...)` with a template written in the
    module: its text, and each placeholder as the value it takes, written as is (`%s`, `{}`, `{0}`,
    `{name}`), with its text when it folds to one; one whose value is not known so (a width, an
    attribute, a missing value) is UNKNOWN_VALUE. None for any other expression."""
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Modulo):
        template_node, right = expr.left, expr.right
        values = [element.value for element in right.elements] if isinstance(right, cst.Tuple) else [right]
        pattern, take = _PRINTF_PLACEHOLDER, _printf_value(values)
    elif isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "format":
        template_node = expr.func.value
        pattern, take = _FORMAT_PLACEHOLDER, _format_value(expr)
    else:
        return None
    template = fold_string(owner, template_node)
    if template is None:
        return None
    pieces: list[StringPiece] = []
    written = 0
    for match in pattern.finditer(template):
        pieces.append(StringPiece(template[written : match.start()], template_node, False))
        value = take(match)
        if isinstance(value, str):
            pieces.append(StringPiece(value, template_node, False))
        elif value is not None:
            text = fold_string(owner, value)
            pieces.append(StringPiece(text, value, text is not None and not is_string_expression(value)))
        else:
            pieces.append(StringPiece(None, UNKNOWN_VALUE, False))
        written = match.end()
    pieces.append(StringPiece(template[written:], template_node, False))
    return [piece for piece in pieces if piece.text != ""]


def _printf_value(values: list[cst.BaseExpression]) -> Callable[[re.Match[str]], Union[str, cst.BaseExpression, None]]:
    remaining = iter(values)

    def take(match: re.Match[str]) -> Union[str, cst.BaseExpression, None]:
        placeholder = match[0]
        if placeholder == "%%":
            return "%"
        value = next(remaining, None) if not placeholder.startswith("%(") and "*" not in placeholder else None
        return value if placeholder in ("%s", "%r") else None

    return take


def _format_value(call: cst.Call) -> Callable[[re.Match[str]], Union[str, cst.BaseExpression, None]]:
    positional = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
    keywords = {arg.keyword.value: arg.value for arg in call.args if arg.keyword is not None}
    counter = iter(range(len(positional) + 1))

    def take(match: re.Match[str]) -> Union[str, cst.BaseExpression, None]:
        if match[1] is None:
            return match[0][0]  # `{{` or `}}`
        field = match[1]
        if field == "" or field.isdigit():
            index = int(field) if field else next(counter, len(positional))
            return positional[index] if index < len(positional) else None
        return keywords.get(field) if field.isidentifier() else None  # `{0.name}`, `{:>8}`: not the value as is

    return take
