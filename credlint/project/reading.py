"""Reading the project's Python files for the index: regular files only, opened without blocking."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Optional


def python_sources(paths: Iterable[Path], max_size: int) -> Iterator[tuple[Path, bytes]]:
    """The bytes of each regular file no larger than max_size; the run reports the others."""
    for path in paths:
        source = read_python_source(path, max_size)
        if source is not None:
            yield path, source


def read_python_source(path: Path, max_size: int) -> Optional[bytes]:
    """A regular file's bytes, None for anything else or anything larger than max_size. Opened
    without blocking and checked before reading, as api.read_file does: a FIFO must not stall."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(descriptor, "rb") as handle:
            status = os.fstat(descriptor)
            return handle.read() if stat.S_ISREG(status.st_mode) and status.st_size <= max_size else None
    except OSError:
        return None
