"""systemd unit files and drop-ins: `Environment=` and `PassEnvironment=` of the exec sections."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator

from credlint.analysis.platforms import PLATFORM_HOST
from credlint.deployment.model import VALUE_HOST, VALUE_LITERAL, EnvironmentEntry
from credlint.finding import Span

# ref. systemd.exec(5): the sections whose processes take an environment.
_EXEC_SECTIONS = ("Service", "Socket", "Mount", "Swap")
# ref. systemd.exec(5), "Environment=": names as env_name_is_valid() accepts them.
_VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def systemd_entries(text: str) -> Iterator[EnvironmentEntry]:
    """Each assignment of `Environment=` and each name of `PassEnvironment=`, at its name.

    `EnvironmentFile=` names a file on the host that is usually not in the tree: not followed.
    """
    section = ""
    for first, physical, logical in _logical_lines(text):
        stripped = logical.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            section = stripped[1:-1].strip()
            continue
        key, equals, value = stripped.partition("=")
        key = key.strip()
        if not equals or section not in _EXEC_SECTIONS or key not in ("Environment", "PassEnvironment"):
            continue
        try:
            # ref. systemd.syntax(7), "Quoting": words split at whitespace, single or double
            # quotes and C-style escapes, as shell-like splitting reads them.
            words = shlex.split(value, comments=False, posix=True)
        except ValueError:
            continue  # unbalanced quotes: systemd logs the line and ignores it
        for word in words:
            name, has_value, assigned = word.partition("=")
            # ref. systemd.exec(5): Environment= words without "=" are invalid and ignored;
            # PassEnvironment= takes names and passes the manager's values for them.
            if not _VARIABLE_NAME.fullmatch(name) or bool(has_value) != (key == "Environment"):
                continue
            value_kind, entry_value = (VALUE_LITERAL, assigned) if has_value else (VALUE_HOST, None)
            where = f"an {key}= line of [{section}]" if key == "Environment" else f"a {key}= line of [{section}]"
            yield EnvironmentEntry(
                name, entry_value, value_kind, where, PLATFORM_HOST, _span(physical, first, name, key)
            )


def _logical_lines(text: str) -> Iterator[tuple[int, list[str], str]]:
    """(first line number, its physical lines, the joined line): a trailing backslash continues a
    line, and comment lines inside a continuation are skipped (ref. systemd.syntax(7))."""
    physical: list[str] = []
    parts: list[str] = []
    first = 0
    for number, line in enumerate((line.rstrip("\r") for line in text.split("\n")), start=1):
        if not parts:
            if line.lstrip().startswith(("#", ";")):
                continue
            first, physical = number, []
        elif line.lstrip().startswith(("#", ";")):
            physical.append("")
            continue
        physical.append(line)
        if line.endswith("\\"):
            parts.append(line[:-1])
            continue
        parts.append(line)
        yield first, physical, " ".join(parts)
        parts = []
    if parts:
        yield first, physical, " ".join(parts)


def _span(physical: list[str], first: int, name: str, key: str) -> Span:
    pattern = re.compile(r"(?<![\w$])" + re.escape(name) + ("=" if key == "Environment" else r"(?![\w])"))
    for offset, line in enumerate(physical):
        start = line.find("=") + 1 if offset == 0 else 0
        match = pattern.search(line, start)
        if match:
            line_number, column = first + offset, match.start() + 1
            return Span(line_number, column, line_number, column + len(name))
    return Span(first, 1, first, 1)
