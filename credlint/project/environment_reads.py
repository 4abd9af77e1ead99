"""What a module reads from the process environment, read with `ast` for the project index:
module-level constants (`KEY = os.environ["AWS_KEY"]`), and the fields of pydantic-settings
classes, each a read of the variable named after it (env_prefix + name, or its alias), so
`settings.AWS_KEY` of a `settings = Settings()` in another module is a read there too.

ref. checks/environment/env_reads.py and attribute_values.py, which read the same shapes within
one module.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Optional

from credlint.project.module_names import dotted

# ref. checks/environment/env_reads.py MISSING_*: what a read of a missing variable gives.
MISSING_RAISES, MISSING_GIVES_NONE, MISSING_GIVES_DEFAULT = "raises", "none", "default"

SETTINGS_BASE = "BaseSettings"  # pydantic_settings.BaseSettings, pydantic.BaseSettings (v1)
FIELD_FUNCTION = "Field"
# pydantic v2 names the variable with validation_alias or alias, pydantic v1 with env.
FIELD_VARIABLE_KEYWORDS = ("validation_alias", "alias", "env")


@dataclass(frozen=True)
class EnvironmentRead:
    """A module-level constant read from the process environment: `KEY = os.environ["AWS_KEY"]`."""

    line: int
    variable: str
    missing: str  # what a missing variable gives (checks/environment/env_reads.py MISSING_*)
    default: Optional[str]  # a written string default


def constant_read(node: ast.expr) -> Optional[tuple[str, str, Optional[str]]]:
    """(variable, what a missing one gives, default) for `os.environ["X"]`, `os.environ.get("X",
    d)` and `os.getenv("X", d)`, as written or after `from os import environ, getenv`."""
    if isinstance(node, ast.Subscript) and (dotted(node.value) or "").endswith("environ"):
        key = node.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            return key.value, MISSING_RAISES, None
        return None
    if not isinstance(node, ast.Call) or not node.args or len(node.args) > 2 or node.keywords:
        return None
    callee = dotted(node.func) or ""
    if not (callee.endswith("environ.get") or callee in ("os.getenv", "getenv")):
        return None
    key, default = node.args[0], node.args[1] if len(node.args) == 2 else None
    if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
        return None
    if default is None or (isinstance(default, ast.Constant) and default.value is None):
        return key.value, MISSING_GIVES_NONE, None
    text = default.value if isinstance(default, ast.Constant) and isinstance(default.value, str) else None
    return key.value, MISSING_GIVES_DEFAULT, text


def settings_fields(statement: ast.ClassDef) -> Optional[dict[str, EnvironmentRead]]:
    """The fields of a class whose base is named BaseSettings, as reads; None for other classes or
    when the env_prefix is not a written string."""
    if not any(_dotted_tail(base) == SETTINGS_BASE for base in statement.bases):
        return None
    prefix = _env_prefix(statement)
    if prefix is None:
        return None
    fields: dict[str, EnvironmentRead] = {}
    for member in statement.body:
        if isinstance(member, ast.AnnAssign) and isinstance(member.target, ast.Name):
            read = _field_read(member, prefix)
            if read is not None:
                fields[member.target.id] = read
    return fields


def _field_read(member: ast.AnnAssign, prefix: str) -> Optional[EnvironmentRead]:
    assert isinstance(member.target, ast.Name)
    variable = f"{prefix}{member.target.id}".upper()
    default: Optional[ast.expr] = member.value
    if isinstance(default, ast.Call) and _dotted_tail(default.func) == FIELD_FUNCTION:
        keywords = {keyword.arg: keyword.value for keyword in default.keywords if keyword.arg is not None}
        for name in FIELD_VARIABLE_KEYWORDS:
            if name in keywords:
                alias = keywords[name]
                if not (isinstance(alias, ast.Constant) and isinstance(alias.value, str)):
                    return None
                variable = alias.value
                break
        default = keywords.get("default", default.args[0] if default.args else None)
        if default is None or (isinstance(default, ast.Constant) and default.value is Ellipsis):
            return EnvironmentRead(member.lineno, variable, MISSING_RAISES, None)
    if default is None:
        return EnvironmentRead(member.lineno, variable, MISSING_RAISES, None)
    if isinstance(default, ast.Constant) and default.value is None:
        return EnvironmentRead(member.lineno, variable, MISSING_GIVES_NONE, None)
    text = default.value if isinstance(default, ast.Constant) and isinstance(default.value, str) else None
    return EnvironmentRead(member.lineno, variable, MISSING_GIVES_DEFAULT, text)


def _env_prefix(statement: ast.ClassDef) -> Optional[str]:
    """env_prefix from the class keywords, `model_config` or an inner `class Config`, in the order
    pydantic reads them: "" when none is set, None when it is not a written string."""
    for value in _prefix_settings(statement):
        return value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else None
    return ""


def _prefix_settings(statement: ast.ClassDef) -> list[ast.expr]:
    found = [keyword.value for keyword in statement.keywords if keyword.arg == "env_prefix"]
    for member in statement.body:
        targets = member.targets if isinstance(member, ast.Assign) else []
        if any(isinstance(target, ast.Name) and target.id == "model_config" for target in targets):
            assert isinstance(member, ast.Assign)
            value = member.value
            if isinstance(value, ast.Call):
                found.extend(keyword.value for keyword in value.keywords if keyword.arg == "env_prefix")
            elif isinstance(value, ast.Dict):
                found.extend(
                    item
                    for key, item in zip(value.keys, value.values)
                    if isinstance(key, ast.Constant) and key.value == "env_prefix"
                )
        elif isinstance(member, ast.ClassDef) and member.name == "Config":
            for inner in member.body:
                if isinstance(inner, ast.Assign) and any(
                    isinstance(target, ast.Name) and target.id == "env_prefix" for target in inner.targets
                ):
                    found.append(inner.value)
    return found


def _dotted_tail(node: ast.expr) -> str:
    return node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""
