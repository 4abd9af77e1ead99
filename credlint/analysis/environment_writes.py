"""Where a module puts variables in its own process environment (os.environ, patch.dict, setenv):
read by the region rules (AWS_DEFAULT_REGION) and by CL502 (AWS_ACCESS_KEY_ID, the profiles)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Optional

import libcst as cst

from credlint.analysis.bindings import qualified_names
from credlint.analysis.literals import fold_string
from credlint.analysis.sdk import literal_keywords

UNKNOWN_VARIABLE = ""  # an environment write whose variable name is not known here
ENVIRON = "os.environ"
# ref. unittest.mock.patch.dict(in_dict, values=(), clear=False, **kwargs): other keywords are entries.
PATCH_DICT = frozenset({"unittest.mock.patch.dict", "mock.patch.dict"})
PATCH_DICT_OPTIONS = ("values", "clear")


@dataclass(frozen=True)
class EnvironmentWrite:
    """A place where the code puts a variable in its own process environment."""

    variable: str  # UNKNOWN_VARIABLE when the name is not known here
    node: cst.CSTNode  # the expression that names the variable, where findings point
    label: str  # how explanations name the write, e.g. "os.environ['AWS_REGION'] = ..."
    value: Optional[cst.BaseExpression] = None  # the value, when it is written here
    on_environ: bool = True  # os.environ itself, not a test's monkeypatch.setenv or patch.dict


def environ_item_write(
    owner: cst.MetadataDependent, target: cst.BaseExpression, value: Optional[cst.BaseExpression] = None
) -> Optional[EnvironmentWrite]:
    """`os.environ[NAME] = value` as a write of NAME."""
    if not isinstance(target, cst.Subscript) or ENVIRON not in qualified_names(owner, target.value):
        return None
    if len(target.slice) != 1 or not isinstance(target.slice[0].slice, cst.Index):
        return None
    variable = fold_string(owner, target.slice[0].slice.value)
    if variable is None:
        return EnvironmentWrite(UNKNOWN_VARIABLE, target, "os.environ[...] = ...", value)
    return EnvironmentWrite(variable, target, f"os.environ[{variable!r}] = ...", value)


def environment_writes_in_call(owner: cst.MetadataDependent, call: cst.Call) -> list[EnvironmentWrite]:
    """Variables a call puts in the process environment: setdefault, setenv, update, patch.dict."""
    func = call.func
    if not isinstance(func, cst.Attribute):
        return []
    method = func.attr.value
    callee = cst.helpers.get_full_name_for_node(func) or method
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    on_environ = ENVIRON in qualified_names(owner, func.value)
    if method == "setenv" or (method == "setdefault" and on_environ):
        value = positional[1].value if len(positional) > 1 else None
        return [_named_write(owner, positional[0].value, callee, value, on_environ)] if positional else []
    if method == "update" and on_environ:
        return _mapping_writes(owner, call.args, callee, (), on_environ=True)
    patches_environ = positional and method == "dict" and _names_environ(owner, positional[0].value)
    if patches_environ and qualified_names(owner, func) & PATCH_DICT:
        return _mapping_writes(owner, call.args[1:], callee, PATCH_DICT_OPTIONS, on_environ=False)
    return []


def _names_environ(owner: cst.MetadataDependent, expr: cst.BaseExpression) -> bool:
    """os.environ itself, or the "os.environ" string that patch.dict also accepts."""
    return ENVIRON in qualified_names(owner, expr) or fold_string(owner, expr) == ENVIRON


def _named_write(
    owner: cst.MetadataDependent,
    name: cst.BaseExpression,
    callee: str,
    value: Optional[cst.BaseExpression],
    on_environ: bool,
) -> EnvironmentWrite:
    variable = fold_string(owner, name)
    if variable is None:
        return EnvironmentWrite(UNKNOWN_VARIABLE, name, f"{callee}(...)", value, on_environ)
    return EnvironmentWrite(variable, name, f"{callee}({variable!r}, ...)", value, on_environ)


def _mapping_writes(
    owner: cst.MetadataDependent, args: Sequence[cst.Arg], callee: str, options: tuple[str, ...], *, on_environ: bool
) -> list[EnvironmentWrite]:
    """Keywords and dict entries given to update()/patch.dict(); a mapping not known here is an
    unknown write."""
    writes: list[EnvironmentWrite] = []
    for arg in args:
        keyword = arg.keyword.value if arg.keyword is not None else None
        if keyword is not None and keyword not in options:
            writes.append(EnvironmentWrite(keyword, arg, f"{callee}({keyword}=...)", arg.value, on_environ))
        elif keyword is None or keyword == "values":
            entries = literal_keywords(owner, arg.value)
            if entries is None:
                writes.append(EnvironmentWrite(UNKNOWN_VARIABLE, arg, f"{callee}(...)", None, on_environ))
                continue
            for variable, value in entries.items():
                node = _dict_key(owner, arg.value, variable) or arg
                writes.append(EnvironmentWrite(variable, node, f"{callee}({{{variable!r}: ...}})", value, on_environ))
    return writes


def _dict_key(owner: cst.MetadataDependent, mapping: cst.BaseExpression, variable: str) -> Optional[cst.CSTNode]:
    """The key as written in a dict literal, so that a finding points at the entry."""
    if not isinstance(mapping, cst.Dict):
        return None
    for element in mapping.elements:
        if isinstance(element, cst.DictElement) and fold_string(owner, element.key) == variable:
            return element.key
    return None
