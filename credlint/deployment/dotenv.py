"""Dotenv files (`.env`, `*.env`, `.envrc`) read with python-dotenv's own parser.

Also answers, for a Python file, which credential variables the dotenv files beside it and in the
directories above it define: what `load_dotenv()` would find (python-dotenv's find_dotenv walks up
from the calling file's directory).
"""

from __future__ import annotations

import functools
import io
import os
import re
from collections.abc import Iterator
from pathlib import Path

from credlint.analysis.platforms import PLATFORM_HOST
from credlint.analysis.stand_ins import looks_fake
from credlint.chain import CREDENTIAL_VARIABLES
from credlint.deployment.model import VALUE_HOST, VALUE_LITERAL, EnvironmentEntry, TextPlace, whole_lines
from credlint.file_kinds import DOTENV, kind_by_name
from credlint.finding import Span
from credlint.settings import DotenvCredential

MAX_DOTENV_SIZE = 256_000


def dotenv_entries(
    text: str, where: str = "the dotenv file", platform: str = PLATFORM_HOST
) -> Iterator[EnvironmentEntry]:
    """Each `KEY=value` (or `export KEY=value`) binding, at its key; lines python-dotenv rejects
    are skipped, as python-dotenv and docker compose skip them."""
    from dotenv.parser import parse_stream

    # Line breaks made "\n" first: python-dotenv counts a CRLF after a line it rejects as two.
    for binding in parse_stream(io.StringIO(text, newline=None)):
        if binding.error or binding.key is None:
            continue
        # The binding's text starts with the blank lines before it, and ends with its line break.
        written = binding.original.string
        before_key = re.search(rf"^[ \t]*(?:export[ \t]+)?['\"]?(?={re.escape(binding.key)})", written, re.MULTILINE)
        at = before_key.end() if before_key else 0
        line = binding.original.line + written.count("\n", 0, at)
        column = at - (written.rfind("\n", 0, at) + 1) + 1
        last = binding.original.line + written.rstrip("\n").count("\n")
        value = binding.value
        value_kind = VALUE_HOST if value is None or "${" in value else VALUE_LITERAL
        span = Span(line, column, line, column + len(binding.key))
        start, end = whole_lines(line, last)
        place = TextPlace(start, end, start, end)
        yield EnvironmentEntry(binding.key, value, value_kind, where, platform, span, place)


def dotenv_files_near(path: Path, root: Path) -> tuple[tuple[str, ...], tuple[DotenvCredential, ...]]:
    """The dotenv files in path's directory and each one above it up to root (resolved), nearest
    first, and the credential variables they define."""
    directory = path.resolve().parent if path.is_symlink() else _resolved_directory(path.parent)
    return _dotenv_files_from(directory, root)


@functools.lru_cache(maxsize=1024)
def _resolved_directory(directory: Path) -> Path:
    """Resolving costs a system call per part of the path: once per directory, not per file."""
    return directory.resolve()


@functools.lru_cache(maxsize=1024)
def _dotenv_files_from(directory: Path, root: Path) -> tuple[tuple[str, ...], tuple[DotenvCredential, ...]]:
    """dotenv_files_near for every file of directory: asked once per directory, not per file."""
    files, credentials = _dotenv_in_directory(directory, root)
    if directory == root or directory.parent == directory or root not in directory.parents:
        return files, credentials
    files_above, credentials_above = _dotenv_files_from(directory.parent, root)
    return files + files_above, credentials + credentials_above


@functools.lru_cache(maxsize=256)
def _dotenv_in_directory(directory: Path, root: Path) -> tuple[tuple[str, ...], tuple[DotenvCredential, ...]]:
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return (), ()
    files: list[str] = []
    credentials: list[DotenvCredential] = []
    for name in names:
        candidate = directory / name
        if kind_by_name(candidate) != DOTENV or not candidate.is_file():
            continue
        relative = candidate.relative_to(root).as_posix() if root in candidate.parents else candidate.as_posix()
        files.append(relative)
        try:
            if candidate.stat().st_size > MAX_DOTENV_SIZE:
                continue
            text = candidate.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        for entry in dotenv_entries(text):
            if entry.variable in CREDENTIAL_VARIABLES and entry.value:
                fake = entry.value_kind == VALUE_LITERAL and looks_fake(entry.value)
                credentials.append(DotenvCredential(relative, entry.variable, entry.span.line, fake))
    return tuple(files), tuple(credentials)
