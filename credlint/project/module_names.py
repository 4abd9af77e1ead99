"""Dotted module names of a project's files, and the import statements that name them.

A file's name is its stem under every enclosing directory that holds an `__init__.py`; the first
directory without one is where Python would find it on sys.path (a source root, or a script's
own directory). Imports resolve the way the interpreter would from there.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

PACKAGE_MARKER = "__init__.py"


@dataclass(frozen=True)
class ModuleName:
    """Where a file sits in the import system."""

    dotted: str  # e.g. "app.aws"; "" for a source root's own __init__.py, which nothing imports
    source_root: Path  # the sys.path entry it is found under
    is_package: bool  # an __init__.py: its name is its package's

    @property
    def package(self) -> str:
        """What relative imports in this module start from."""
        return self.dotted if self.is_package else self.dotted.rpartition(".")[0]


def module_name_of(path: Path) -> ModuleName:
    is_package = path.name == PACKAGE_MARKER
    parts = [] if is_package else [path.stem]
    directory = path.parent
    if is_package:
        parts.insert(0, directory.name)
        directory = directory.parent
    while (directory / PACKAGE_MARKER).is_file() and directory.parent != directory:
        parts.insert(0, directory.name)
        directory = directory.parent
    return ModuleName(".".join(parts), directory, is_package)


def imported_module(name: ModuleName, node: ast.ImportFrom) -> Optional[str]:
    """The absolute name of the module a `from ... import` statement reads from."""
    if not node.level:
        return node.module
    base = name.package.split(".") if name.package else []
    if node.level - 1 > len(base):
        return None  # beyond the top-level package: ImportError at runtime
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


class ModuleTable:
    """The project's modules by dotted name; a name held by several files resolves only from a
    file under the same source root (two scripts' directories may each have a settings.py)."""

    def __init__(self, names: Iterable[tuple[Path, ModuleName]]) -> None:
        self._paths: dict[str, list[tuple[Path, ModuleName]]] = defaultdict(list)
        for path, name in names:
            if name.dotted:
                self._paths[name.dotted].append((path, name))

    def find(self, dotted: str, importer: ModuleName) -> Optional[Path]:
        candidates = self._paths.get(dotted, [])
        same_root = [path for path, name in candidates if name.source_root == importer.source_root]
        if len(same_root) == 1:
            return same_root[0]
        return candidates[0][0] if len(candidates) == 1 else None


def dotted(node: ast.expr) -> Optional[str]:
    """The dotted name an expression writes (`a.b.c`), None for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = dotted(node.value)
        return f"{inner}.{node.attr}" if inner is not None else None
    return None
