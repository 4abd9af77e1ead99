"""Writing a file whole or not at all, for reports, baselines and cache entries."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Optional, Union


def write_atomically(path: Path, text: Union[str, bytes], *, mode: Optional[int] = None) -> None:
    """text into path by way of a temporary file beside it, renamed over it: a reader, a concurrent
    run or Ctrl-C finds the old file or the new one, never half of one. Raises OSError as open() does."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        if isinstance(text, bytes):
            with open(descriptor, "wb") as binary:
                binary.write(text)
        else:
            with open(descriptor, "w", encoding="utf-8") as handle:
                handle.write(text)
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
