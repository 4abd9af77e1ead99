"""Parse only the functions a file's findings can come from, each at its own line.

LibCST's parse and its scope metadata cost most of a check and grow with the whole module, while
findings sit in a few places: a test module of 4,000 lines may pass keys to one client. Each rule
family names the lines its findings can start on (RuleInfo.seeds). The module is cut into parts:
each module-level function, each method of a module-level class, each class's own header and
body without its methods, and each other module-level statement. Kept are:

- every module-level statement that is not a definition (imports, constants, module code, which
  any rule may read), and each part holding a seed line;
- each part that names something a seed part binds (the callers of a seeded helper, the readers
  of a seeded constant), and so on up: the callers' callers;
- until nothing changes, each part binding a name that needed code reads (helpers, predicates,
  base classes; for rules that look them up by name, methods called on self and attributes), and
  the class of each needed method; module code is needed, and what it reads with it, once needed
  code reads a name it binds.

Each run of lines of the other parts becomes one string statement as many lines long, at the
run's indentation, so every kept token keeps its line and column, and a class whose methods are
all left out keeps a body.
"""

from __future__ import annotations

import ast
import bisect
import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Optional, Union

from credlint.prefilter import FileProbe, walk_tree

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
# The members a rule looks up by name (RuleInfo.by_member): every one, none, or those named.
Members = Union[bool, frozenset[str]]
DEFINITIONS = (*FUNCTIONS, ast.ClassDef)
IMPORTS = (ast.Import, ast.ImportFrom)
# Python ends a line at \r\n, \r or \n, and at nothing else (str.splitlines also splits at \f).
_LINE_END = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")
_LINE_END_BYTES = re.compile(rb"\r\n|\r|\n")


@dataclass
class _Part:
    """A piece of the module that is kept or left out as a whole."""

    first_line: int  # a decorated definition starts at its first decorator
    last_line: int
    defines: frozenset[str]  # the names it binds in the module's scope
    members: frozenset[str]  # what a module index finds by name wherever it is (see _part)
    names: frozenset[str]  # the names it reads
    attributes: frozenset[str]  # the attributes it reads, by their last name
    optional: bool  # a definition, which may be left out
    owner: Optional[int] = None  # a method's class (the index of the class's part)


def relevant_source(
    text: str, probe: FileProbe, seed_lines: Iterable[int], *, by_member: Members, facts: Iterable[int] = ()
) -> str:
    """text with the parts the seed lines do not need turned into placeholders. by_member: for
    rules that look functions and attributes up by name anywhere in the module (RuleInfo.by_member),
    every member (True) or those named;
    facts: lines of module-wide facts, kept with what they need but not what reads them."""
    if probe.tree is None:
        return text
    parts = probe.once(_parts_of)
    kept = _kept(parts, _parts_holding(probe, seed_lines), _parts_holding(probe, facts), by_member)
    if len(kept) == len(parts):
        return text
    lines, starts = _lines_of(text), _line_starts_of(text)
    left_out = sorted(
        (part.first_line, min(part.last_line, len(lines)))
        for index, part in enumerate(parts)
        if index not in kept and (part.owner is None or part.owner in kept)
    )
    pieces: list[str] = []
    kept_from = 1  # the first line not yet written
    for first, last in _joined(left_out):
        pieces.append(text[starts[kept_from - 1] : starts[first - 1]])
        pieces.append(_placeholder(lines[first - 1 : last], "\r" in text))
        kept_from = last + 1
    pieces.append(text[starts[kept_from - 1] :])
    return "".join(pieces)


def _joined(ranges: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """Sorted, disjoint line ranges with the adjacent ones joined: one placeholder for each run."""
    run: Optional[tuple[int, int]] = None
    for first, last in ranges:
        if run is not None and first == run[1] + 1:
            run = (run[0], last)
            continue
        if run is not None:
            yield run
        run = (first, last)
    if run is not None:
        yield run


def lines_by_part(probe: FileProbe, lines: Iterable[int]) -> tuple[dict[int, frozenset[int]], frozenset[int]]:
    """The lines grouped by the innermost part that holds them (parts by index, in order), and
    the lines no part holds (comments between parts)."""
    grouped: dict[int, set[int]] = {}
    outside: set[int] = set()
    for line in lines:
        part = part_of_line(probe, line)
        if part is None:
            outside.add(line)
        else:
            grouped.setdefault(part, set()).add(line)
    return {index: frozenset(held) for index, held in sorted(grouped.items())}, frozenset(outside)


def part_of_line(probe: FileProbe, line: int) -> Optional[int]:
    """The innermost part that holds the line, by index; None for a line between parts (a comment),
    which is never left out."""
    parts, starts = probe.once(_parts_of), probe.once(_first_lines_of)
    index = bisect.bisect_right(starts, line) - 1
    while index >= 0 and not parts[index].first_line <= line <= parts[index].last_line:
        owner = parts[index].owner
        index = owner if owner is not None else -1
    return index if index >= 0 else None


def lines_meeting(probe: FileProbe, lines: Iterable[int], sources: Iterable[int]) -> frozenset[int]:
    """The lines held by a part that holds a source line too, or that reads a name bound by
    module code holding one: where a rule that follows values within a function, and from module
    code, can see both ends. An import is no such code: a name it binds is read under its own
    name, a source line of the part that reads it."""
    parts = probe.once(_parts_of)
    grouped, _ = lines_by_part(probe, lines)
    source_parts = _parts_holding(probe, sources)
    imports = _parts_holding(probe, (s.lineno for s in _module_body(probe) if isinstance(s, IMPORTS)))
    module_bound: frozenset[str] = frozenset().union(
        *(parts[index].defines for index in source_parts - imports if not parts[index].optional)
    )
    return frozenset(
        line
        for index, held in grouped.items()
        if index in source_parts or parts[index].names & module_bound
        for line in held
    )


def lines_matching(probe: FileProbe, pattern: re.Pattern[bytes]) -> Iterator[int]:
    """The line of each match of pattern in the file's bytes."""
    source = probe.source
    line_starts = [0, *(match.end() for match in _LINE_END_BYTES.finditer(source))]
    return (bisect.bisect_right(line_starts, match.start()) for match in pattern.finditer(source))


def _parts_of(probe: FileProbe) -> list[_Part]:
    return _parts(probe.tree) if probe.tree is not None else []


def _module_body(probe: FileProbe) -> list[ast.stmt]:
    return probe.tree.body if probe.tree is not None else []


def _first_lines_of(probe: FileProbe) -> list[int]:
    return [part.first_line for part in probe.once(_parts_of)]


def _parts(tree: ast.Module) -> list[_Part]:
    parts: list[_Part] = []
    for statement in tree.body:
        if not isinstance(statement, ast.ClassDef):
            parts.append(_part(statement, [statement], optional=isinstance(statement, FUNCTIONS)))
            continue
        methods = [member for member in statement.body if isinstance(member, FUNCTIONS)]
        shell = [*statement.bases, *statement.keywords, *statement.decorator_list]
        shell += [member for member in statement.body if not isinstance(member, FUNCTIONS)]
        owner = len(parts)
        parts.append(_part(statement, shell, optional=True, name=statement.name))
        parts[owner].members |= _members(statement)
        for method in methods:
            parts.append(_part(method, [method], optional=True, owner=owner))
    return parts


def _part(
    statement: ast.stmt, nodes: list[ast.AST], *, optional: bool, owner: Optional[int] = None, name: str = ""
) -> _Part:
    """A part's extent and names. A definition defines in the module's scope its own name and its
    `global` names; module code, everything it stores. Its members are what an index of the whole
    module finds by name, whichever function holds them (the retry rules' ModuleIndex): methods
    and nested functions, class constants, `with ... as` names and attributes set."""
    names: set[str] = set()
    attributes: set[str] = set()
    defines: set[str] = {name} if name else set()
    members: set[str] = set()
    if isinstance(statement, FUNCTIONS):
        (defines if owner is None else members).add(statement.name)
    for node in (inner for top in nodes for inner in walk_tree(top)):
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                names.add(node.id)
            elif not optional:
                defines.add(node.id)
        elif isinstance(node, ast.Attribute):
            (attributes if isinstance(node.ctx, ast.Load) else members).add(node.attr)
        elif isinstance(node, ast.Global):
            defines.update(node.names)
        elif isinstance(node, DEFINITIONS):
            (members if optional else defines).add(node.name)
            if isinstance(node, ast.ClassDef):
                members |= _members(node)
        elif isinstance(node, ast.withitem) and isinstance(node.optional_vars, ast.Name):
            members.add(node.optional_vars.id)
        elif not optional and isinstance(node, IMPORTS):
            defines.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    last_line = statement.end_lineno or statement.lineno
    return _Part(
        _first_line(statement),
        last_line,
        _plain(defines),
        _plain(members),
        _plain(names),
        _plain(attributes),
        optional,
        owner,
    )


def _members(statement: ast.ClassDef) -> frozenset[str]:
    """The names a class body assigns: what `Class.name` and `self.name` reach from elsewhere."""
    names: set[str] = set()
    for member in statement.body:
        if isinstance(member, (ast.Assign, ast.AnnAssign)):
            targets = member.targets if isinstance(member, ast.Assign) else [member.target]
            names.update(name.id for target in targets for name in ast.walk(target) if isinstance(name, ast.Name))
    return _plain(names)


def _plain(names: set[str]) -> frozenset[str]:
    """Dunder names are reached through their class, which is named itself; `__init__` would tie
    every class of a module together."""
    return frozenset(name for name in names if not (name.startswith("__") and name.endswith("__")))


def _parts_holding(probe: FileProbe, lines: Iterable[int]) -> set[int]:
    return {part for line in lines if (part := part_of_line(probe, line)) is not None}


def _kept(parts: list[_Part], seeds: set[int], facts: set[int], by_member: Members) -> set[int]:
    """The seeds, what reads their names and so on up, the facts, and what all those need; module
    code stays in any case, but what it names is needed only once something needed reads a name
    it binds. Members and attributes count only for rules that look members up by name (by_member),
    and only those it names when it names some."""
    binds = [part.defines | _looked_up(part.members, by_member) for part in parts]
    reads = [part.names | _looked_up(part.attributes, by_member) for part in parts]
    needed = seeds | facts
    callers = seeds
    while callers:  # the seed parts' callers, theirs, and so on: where the calling code decides
        seeded: frozenset[str] = frozenset().union(*(parts[index].defines for index in callers))
        callers = {index for index in range(len(parts)) if index not in needed and reads[index] & seeded}
        needed |= callers
    while True:
        needed |= {part.owner for index in needed if (part := parts[index]).owner is not None}
        read: frozenset[str] = frozenset().union(*(reads[index] for index in needed))
        named = {index for index in range(len(parts)) if index not in needed and binds[index] & read}
        if not named:
            return needed | {index for index, part in enumerate(parts) if not part.optional}
        needed |= named


def _looked_up(names: frozenset[str], by_member: Members) -> frozenset[str]:
    if by_member is True:
        return names
    return names & by_member if by_member else frozenset()


def merged_members(each: Iterable[Members]) -> Members:
    """What several rules look up together: every member if one of them does."""
    found: frozenset[str] = frozenset()
    for members in each:
        if members is True:
            return True
        if members:
            found |= members
    return found


def _first_line(statement: ast.stmt) -> int:
    decorators: list[ast.expr] = getattr(statement, "decorator_list", [])
    return min([statement.lineno, *(decorator.lineno for decorator in decorators)])


@functools.lru_cache(maxsize=4)
def _lines_of(text: str) -> tuple[str, ...]:
    """The text's lines with their endings; the language server slices one text once per part."""
    return tuple(_LINE_END.split(text))


@functools.lru_cache(maxsize=4)
def _line_starts_of(text: str) -> tuple[int, ...]:
    """Where each line of the text starts, and where the text ends."""
    starts = [0]
    for line in _lines_of(text):
        starts.append(starts[-1] + len(line))
    return tuple(starts)


def _placeholder(lines: Sequence[str], carriage_returns: bool) -> str:
    """A string statement as long as the lines it stands for, at the first one's indentation:
    one token for the parser, where blank lines would each be a node for every visit."""
    first, ending = lines[0], _line_ending(lines[-1])
    indentation = first[: len(first) - len(first.lstrip(" \t"))]
    if len(lines) == 1:
        return f'{indentation}""{ending}'
    inside = "".join(_line_ending(line) for line in lines[:-1]) if carriage_returns else "\n" * (len(lines) - 1)
    return f'{indentation}"""{inside}"""{ending}'


def _line_ending(line: str) -> str:
    return line[len(line.rstrip("\r\n")) :]
