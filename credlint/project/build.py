"""Building a project's index for a run: from the run's own files, or by walking the project."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Optional

from credlint.config import ConfigFinder
from credlint.discovery import discover
from credlint.file_kinds import PYTHON
from credlint.finding import FileError
from credlint.project.index import ProjectIndex, python_sources


def project_index(
    root: Path,
    finder: ConfigFinder,
    max_file_size: int,
    buffers: Mapping[Path, bytes] = {},
    files: Optional[Sequence[Path]] = None,
) -> ProjectIndex:
    """The index of the project at root (resolved), by resolved paths. files: its Python files,
    resolved, when the run has found them; buffers: contents that stand for files on disk (an
    editor's unsaved buffer, stdin)."""
    if files is None:
        found = discover([str(root)], finder)
        files = [item[0].resolve() for item in found if not isinstance(item, FileError) and item[2] == PYTHON]
    standing_in = {path.resolve(): source for path, source in buffers.items()}
    on_disk = python_sources((path for path in files if path not in standing_in), max_file_size)
    return ProjectIndex(root, [*on_disk, *standing_in.items()])
