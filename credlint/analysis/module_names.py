"""Names a module binds, read from the stdlib `ast` parse the candidate checks share: judged
loosely (any scope), so that a file these checks skip holds no finding."""

from __future__ import annotations

import ast
from collections.abc import Callable

from credlint.prefilter import FileProbe


def names_bound_to(probe: FileProbe, holds: Callable[[ast.expr], bool]) -> set[str]:
    """The names some plain assignment (`name = value`) binds to a value holds accepts."""
    return {
        target.id
        for assign in probe.nodes(ast.Assign)
        if holds(assign.value)
        for target in assign.targets
        if isinstance(target, ast.Name)
    }


def environ_names(probe: FileProbe) -> set[str]:
    """The names os.environ goes by without `os.`: `environ`, and what `from os import environ as
    name` binds."""
    return {"environ"} | {
        alias.asname
        for statement in probe.nodes(ast.ImportFrom)
        if statement.module == "os"
        for alias in statement.names
        if alias.name == "environ" and alias.asname
    }


def called_name(func: ast.expr) -> str:
    """The last name of what a call calls: `print`, `logger.info` -> `info`; "" for anything else."""
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
