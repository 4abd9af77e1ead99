"""Building a project's index for a run: its checked files, and the rest when they are needed."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from credlint.config import ConfigFinder
from credlint.discovery import discover
from credlint.file_kinds import PYTHON
from credlint.finding import FileError
from credlint.project.index import ProjectIndex, python_sources


def project_index(
    root: Path,
    finder: ConfigFinder,
    max_file_size: int,
    checked: Sequence[Path],
    *,
    covered: bool,
    buffers: Mapping[Path, bytes] = {},
) -> ProjectIndex:
    """The index of the project at root for the checked files, all paths resolved. covered: the
    checked files are all of the project's Python files; otherwise the project is walked for the
    others, when the index asks for them. buffers: contents that stand for files on disk (an
    editor's unsaved buffer, stdin)."""
    on_disk = python_sources((path for path in checked if path not in buffers), max_file_size)
    checked_sources = [*on_disk, *buffers.items()]
    if covered:
        return ProjectIndex(root, checked_sources)

    def others() -> Iterator[tuple[Path, bytes]]:
        done = set(checked)
        found = discover([str(root)], finder)
        paths = (item[0].resolve() for item in found if not isinstance(item, FileError) and item[2] == PYTHON)
        yield from python_sources((path for path in paths if path not in done), max_file_size)

    return ProjectIndex(root, checked_sources, others)
