"""Building a project's index for a run, or taking what the last run over the same files found.

A run keeps the views with the stamps (time and size) of the checked files, of every other file
the index read and of every directory it walked: while none has changed, a warm run neither
reads, walks nor parses anything for the index. An edit that keeps a file's time and size to the
nanosecond is the one change it cannot see, as with every cache that trusts stamps.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import astuple
from pathlib import Path
from typing import Any, Optional, Union

from credlint import cache
from credlint.config import ConfigFinder
from credlint.discovery import python_modules
from credlint.project.index import ProjectIndex
from credlint.project.reading import python_sources, read_python_source
from credlint.project.view import (
    CallSite,
    ConstantReach,
    FactoryReach,
    ImportedEnvRead,
    ImportedFunction,
    ImportedValue,
    ProjectView,
)

Stamps = list[tuple[str, int, int]]  # path, st_mtime_ns, st_size
_WALK_FILES = ("", ".gitignore", "pyproject.toml")  # a directory itself, and what decides its walk


def project_views(
    root: Path,
    finder: ConfigFinder,
    max_file_size: int,
    checked: Sequence[str],
    *,
    covered: bool,
    buffers: Mapping[str, bytes] = {},
    cache_directory: Optional[str] = None,
) -> Mapping[str, ProjectView]:
    """The views of the checked files (resolved paths, as strings) in the project at root.
    covered: they are all of the project's Python files; otherwise the project is walked for the
    others when the index asks for them. buffers: contents that stand for files on disk (an editor's unsaved
    buffer, stdin). cache_directory: where the last run's views are kept, if anywhere."""
    key = _key(root, finder, max_file_size, checked) if cache_directory is not None and not buffers else None
    if cache_directory is not None and key is not None:
        kept = _kept_views(cache_directory, key)
        if kept is not None:
            return kept
    stamps: Stamps = [_stamp(path) for path in checked if path not in buffers]
    on_disk = python_sources((Path(path) for path in checked if path not in buffers), max_file_size)
    checked_sources = [*on_disk, *((Path(path), source) for path, source in buffers.items())]

    def others() -> Iterator[tuple[Path, bytes]]:
        done = {Path(path) for path in checked}
        modules, directories = python_modules(root, finder)
        # A directory's time changes as files come and go; a .gitignore or pyproject.toml edited in
        # place (what the walk leaves out) does not.
        stamps.extend(_stamp(directory / name) for directory in directories for name in _WALK_FILES)
        others = [path for path in modules if path not in done]
        stamps.extend(_stamp(path) for path in others)  # before reading: an edit after it shows
        yield from python_sources(others, max_file_size)

    def read(path: Path) -> Optional[bytes]:
        stamps.append(_stamp(path))  # a module a checked file imports from: also when it is missing
        return read_python_source(path, max_file_size)

    index = ProjectIndex(root, checked_sources, tuple if covered else others, read)
    views = {str(path): view for path, view in index.views.items()}
    if cache_directory is not None and key is not None:
        data = {"views": [[path, astuple(view)] for path, view in views.items()], "stamps": stamps}
        cache.store_entry(cache_directory, key, data)
    return views


def _key(root: Path, finder: ConfigFinder, max_file_size: int, checked: Sequence[str]) -> Optional[str]:
    """The entry's name: the project and its checked files; their contents are in its stamps."""
    parts = [b"project-index", str(root).encode(), repr(finder.for_path(root)).encode(), str(max_file_size).encode()]
    parts.extend(path.encode() for path in sorted(checked))
    signed = cache.signed_key(parts)
    return cache.PROJECT_KEY_PREFIX + signed if signed is not None else None


def _stamp(path: Union[Path, str]) -> tuple[str, int, int]:
    """A path's time and size, (-1, -1) when it is gone. Strings in, to skip pathlib's cost."""
    name = str(path)
    try:
        status = os.stat(name)
    except OSError:
        return name, -1, -1
    return name, status.st_mtime_ns, status.st_size


def _kept_views(directory: str, key: str) -> Optional[dict[str, ProjectView]]:
    """The kept views while every stamped file and directory is as it was, else None."""
    try:
        data = cache.load_entry(directory, key)
        if any(_stamp(path) != (path, mtime, size) for path, mtime, size in data["stamps"]):
            return None
        return {path: _view_from(view) for path, view in data["views"]}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _view_from(data: list[Any]) -> ProjectView:
    factories, constants, imported, predicates, env_reads = data
    return ProjectView(
        tuple(
            FactoryReach(line, region, tuple(CallSite(*site) for site in sites)) for line, region, sites in factories
        ),
        tuple(ConstantReach(*reach) for reach in constants),
        tuple(ImportedValue(*value) for value in imported),
        tuple(ImportedFunction(*function) for function in predicates),
        tuple(ImportedEnvRead(*read) for read in env_reads),
    )
