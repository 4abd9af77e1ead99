"""Taking environment entries out of a deployment file's text (CL205's fix): each entry's own text,
or its whole group when every entry of the group goes, and nothing else. Comments, order, quoting
and line breaks stay as written, since the file is edited, never written out again from a parse.
The result is read back, and must be the same file less exactly those entries, or nothing changes."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Optional

from credlint.deployment.model import DeploymentParseError, EnvironmentEntry, Position, TextPlace
from credlint.deployment.read import read_deployment_file
from credlint.file_kinds import YAML

# Line breaks other than \n and \r\n, which the readers count differently: no fix in such a file.
_ODD_LINE_BREAK = re.compile("\r(?!\n)|[\x85\u2028\u2029]")
_LINE = re.compile(r"[^\n]*\n|[^\n]+$")


@dataclass(frozen=True)
class Removal:
    """A file's text without some of its entries, and those entries."""

    text: str
    entries: tuple[EnvironmentEntry, ...]


def without_entries(kind: str, path: str, text: str, anchors: Collection[Position]) -> Optional[Removal]:
    """The text without the entries whose variable starts at one of anchors (line, column: 1-based);
    None when none can be taken out."""
    if _ODD_LINE_BREAK.search(text):
        return None
    try:
        parsed = read_deployment_file(kind, path, text)
    except DeploymentParseError:
        return None
    before = parsed.entries
    starts = [0, *(match.end() for match in _LINE.finditer(text))]
    placed = [entry for entry in before if entry.place is not None]
    chosen = [
        entry
        for entry in placed
        if (entry.span.line, entry.span.column) in anchors and _starts_as_placed(text, starts, _place(entry))
    ]
    if not chosen:
        return None
    cuts = [(_offset(starts, start), _offset(starts, end)) for start, end in _removals(placed, chosen)]
    after = _cut(text, cuts)
    try:
        reread = read_deployment_file(kind, path, after)
    except DeploymentParseError:
        return None
    left = Counter(map(_comparison_key, before)) - Counter(map(_comparison_key, chosen))
    if reread.what != parsed.what or Counter(map(_comparison_key, reread.entries)) != left:
        return None
    if kind == YAML and _loads(text) and not _loads(after):
        return None  # composed, but no longer loadable: a merge (`<<: *base`) of what is now empty
    return Removal(after, tuple(chosen))


def _removals(
    placed: Sequence[EnvironmentEntry], chosen: Sequence[EnvironmentEntry]
) -> Iterator[tuple[Position, Position]]:
    """What to cut, group by group: the group whole when all of it goes; else each chosen entry's
    lines, or for words each run of them up to the next word kept, or back from the end to the last."""
    taken = {id(entry) for entry in chosen}
    ordered = sorted(placed, key=lambda entry: (_group(entry), _place(entry).start))
    for group, members in groupby(ordered, _group):
        places = [(_place(entry), id(entry) in taken) for entry in members]
        if all(gone for _, gone in places):
            yield group
            continue
        index = 0
        for gone, run in groupby(places, key=lambda pair: pair[1]):
            count = len(list(run))
            first, last = places[index][0], places[index + count - 1][0]
            if gone and not first.words:
                yield from ((place.start, place.end) for place, _ in places[index : index + count])
            elif gone and index + count < len(places):
                yield first.start, places[index + count][0].start
            elif gone:
                yield places[index - 1][0].end, last.end
            index += count


def _group(entry: EnvironmentEntry) -> tuple[Position, Position]:
    place = _place(entry)
    return place.group_start, place.group_end


def _loads(text: str) -> bool:
    import yaml  # type: ignore[import-untyped]

    try:
        for _ in yaml.load_all(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            pass
    except (yaml.YAMLError, RecursionError):
        return False
    return True


def _starts_as_placed(text: str, starts: Sequence[int], place: TextPlace) -> bool:
    line_start = _offset(starts, (place.start[0], 0))
    return text[line_start : _offset(starts, place.end)].lstrip(" \t").startswith(place.opens_with)


def _place(entry: EnvironmentEntry) -> TextPlace:
    assert entry.place is not None
    return entry.place


def _comparison_key(entry: EnvironmentEntry) -> tuple[str, Optional[str], str, str]:
    return entry.variable, entry.value, entry.value_kind, entry.where


def _offset(starts: Sequence[int], position: Position) -> int:
    line, column = position
    return starts[line - 1] + column if line <= len(starts) else starts[-1]


def _cut(text: str, cuts: Iterable[tuple[int, int]]) -> str:
    """text without the ranges given, which may overlap."""
    kept: list[str] = []
    position = 0
    for start, end in sorted(cuts):
        if start > position:
            kept.append(text[position:start])
        position = max(position, end)
    kept.append(text[position:])
    return "".join(kept)
