"""Variables a module puts in os.environ, which botocore reads: item assignment, setdefault, update.

os.putenv is left out on purpose: it changes the C environment that child processes inherit, not
os.environ, so botocore in this process never sees it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import libcst as cst

from credlint.analysis.bindings import qualified_names
from credlint.analysis.literals import fold_string
from credlint.analysis.sdk import literal_keywords

ENVIRON = "os.environ"
ENV_READERS = frozenset({"os.environ.get", "os.getenv"})


@dataclass(frozen=True)
class EnvironmentWrite:
    """A variable this module writes into os.environ, with the value when it is written here."""

    variable: str
    node: cst.CSTNode  # where findings point: the subscript, the name argument, the key
    value: Optional[cst.BaseExpression]
    label: str  # how explanations name the write


def item_writes(owner: cst.MetadataDependent, node: cst.Assign) -> list[EnvironmentWrite]:
    """`os.environ[NAME] = value`, each target of a chained assignment too."""
    writes = []
    for target in node.targets:
        subscript = target.target
        if not isinstance(subscript, cst.Subscript) or ENVIRON not in qualified_names(owner, subscript.value):
            continue
        index = subscript.slice[0].slice if len(subscript.slice) == 1 else None
        variable = fold_string(owner, index.value) if isinstance(index, cst.Index) else None
        if variable is not None:
            writes.append(EnvironmentWrite(variable, subscript, node.value, f"os.environ[{variable!r}] = ..."))
    return writes


def call_writes(owner: cst.MetadataDependent, call: cst.Call) -> list[EnvironmentWrite]:
    """`os.environ.setdefault(NAME, value)`, `os.environ.update({NAME: value})`, `update(NAME=value)`."""
    func = call.func
    if not isinstance(func, cst.Attribute) or ENVIRON not in qualified_names(owner, func.value):
        return []
    method = func.attr.value
    positional = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
    if method == "setdefault" and positional:
        variable = fold_string(owner, positional[0])
        value = positional[1] if len(positional) > 1 else None
        return (
            [EnvironmentWrite(variable, positional[0], value, f"os.environ.setdefault({variable!r}, ...)")]
            if variable
            else []
        )
    if method != "update":
        return []
    writes = []
    for arg in call.args:
        if arg.keyword is not None:
            name = arg.keyword.value
            writes.append(EnvironmentWrite(name, arg, arg.value, f"os.environ.update({name}=...)"))
        elif not arg.star:
            for variable, value in (literal_keywords(owner, arg.value) or {}).items():
                node = _key_written(owner, arg.value, variable) or value
                writes.append(EnvironmentWrite(variable, node, value, f"os.environ.update({{{variable!r}: ...}})"))
    return writes


def _key_written(owner: cst.MetadataDependent, mapping: cst.BaseExpression, variable: str) -> Optional[cst.CSTNode]:
    """The key of a dict literal written in the call, so that a finding points at the entry."""
    if isinstance(mapping, cst.Dict):
        for element in mapping.elements:
            if isinstance(element, cst.DictElement) and fold_string(owner, element.key) == variable:
                return element.key
    return None


def reads_variable(owner: cst.MetadataDependent, expr: cst.BaseExpression, variable: str) -> bool:
    """`os.environ[variable]`, `os.environ.get(variable)` or `os.getenv(variable)`: a copy of it."""
    if isinstance(expr, cst.Subscript) and ENVIRON in qualified_names(owner, expr.value) and len(expr.slice) == 1:
        index = expr.slice[0].slice
        return isinstance(index, cst.Index) and fold_string(owner, index.value) == variable
    if isinstance(expr, cst.Call) and qualified_names(owner, expr.func) & ENV_READERS and expr.args:
        return fold_string(owner, expr.args[0].value) == variable
    return False
