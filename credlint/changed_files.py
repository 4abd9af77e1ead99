"""Changed-files mode: the files git says changed since a revision, for fast CI on large repositories."""

from __future__ import annotations

import subprocess
from pathlib import Path


class ChangedFilesError(ValueError):
    """git could not answer, in one line."""


def _git(arguments: list[str], cwd: Path) -> str:
    try:
        completed = subprocess.run(["git", *arguments], cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise ChangedFilesError("--diff needs git, which is not on PATH") from None
    if completed.returncode != 0:
        message = completed.stderr.strip().splitlines()
        raise ChangedFilesError(f"git {' '.join(arguments)}: {message[-1] if message else 'failed'}")
    return completed.stdout


def changed_since(revision: str, cwd: Path) -> frozenset[Path]:
    """Files added, copied, modified or renamed since revision (committed or not), plus untracked ones."""
    top = Path(_git(["rev-parse", "--show-toplevel"], cwd).strip())
    _git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], cwd)
    changed = _git(["diff", "--name-only", "--diff-filter=ACMR", "-z", revision, "--"], cwd).split("\0")
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z"], top).split("\0")
    return frozenset((top / name).resolve() for name in (*changed, *untracked) if name)
