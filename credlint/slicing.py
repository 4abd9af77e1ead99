"""Parse only the functions a file's findings can come from, each at its own line.

LibCST's parse and its scope metadata cost most of a check and grow with the whole module, while
findings sit in a few places: a test module of 4,000 lines may pass keys to one client. Each rule
family names the lines its findings can start on (RuleInfo.seeds). The module is cut into parts:
each module-level function, each method of a module-level class, each class's own header and
body without its methods, and each other module-level statement. Kept are:

- every module-level statement that is not a definition (imports, constants, module code, which
  any rule may read), and each part holding a seed line;
- each part that names something a seed part binds (the callers of a seeded helper, the readers
  of a seeded constant);
- until nothing changes, each part binding a name that kept code reads (helpers, predicates,
  methods called on self, base classes), and the class of each kept method.

The other parts become blank lines, so every kept token keeps its line and column; a class whose
methods are all left out gets a `pass` so that its body stays a body.
"""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Optional

from credlint.prefilter import FileProbe

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
DEFINITIONS = (*FUNCTIONS, ast.ClassDef)
# Python ends a line at \r\n, \r or \n, and at nothing else (str.splitlines also splits at \f).
_LINE_END = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")
_LINE_END_BYTES = re.compile(rb"\r\n|\r|\n")


@dataclass
class _Part:
    """A piece of the module that is kept or left out as a whole."""

    first_line: int  # a decorated definition starts at its first decorator
    last_line: int
    defines: frozenset[str]  # the names it binds in the module's scope
    binds: frozenset[str]  # those, and what the retry rules look up by name (see _part)
    reads: frozenset[str]  # the identifiers it reads: names, and attributes by their last name
    optional: bool  # a definition, which may be left out
    owner: Optional[int] = None  # a method's class (the index of the class's part)
    methods: tuple[int, ...] = ()  # a class's methods
    only_methods: bool = False  # a class whose body is methods alone


def relevant_source(text: str, probe: FileProbe, seed_lines: Iterable[int]) -> str:
    """text with the parts the seed lines do not need turned into blank lines."""
    tree = probe.tree
    if tree is None:
        return text
    parts = _parts(tree)
    kept = _kept(parts, _parts_at(parts, seed_lines))
    if len(kept) == len(parts):
        return text
    lines = _LINE_END.split(text)
    blank = [False] * (len(lines) + 2)
    for index, part in enumerate(parts):
        if index not in kept and (part.owner is None or part.owner in kept):
            for line in range(part.first_line, min(part.last_line, len(lines)) + 1):
                blank[line] = True
    filler = {
        parts[part.methods[0]].first_line
        for index, part in enumerate(parts)
        if index in kept and part.only_methods and not kept.intersection(part.methods)
    }
    return "".join(
        _filled(line) if number in filler else _line_ending(line) if blank[number] else line
        for number, line in enumerate(lines, start=1)
    )


def lines_matching(probe: FileProbe, pattern: re.Pattern[bytes]) -> Iterator[int]:
    """The line of each match of pattern in the file's bytes."""
    source = probe.source
    line_starts = [0, *(match.end() for match in _LINE_END_BYTES.finditer(source))]
    return (bisect.bisect_right(line_starts, match.start()) for match in pattern.finditer(source))


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
        parts[owner].binds |= _members(statement)
        for method in methods:
            parts.append(_part(method, [method], optional=True, owner=owner))
        parts[owner].methods = tuple(range(owner + 1, len(parts)))
        parts[owner].only_methods = len(methods) == len(statement.body)
    return parts


def _part(
    statement: ast.stmt, nodes: list[ast.AST], *, optional: bool, owner: Optional[int] = None, name: str = ""
) -> _Part:
    """A part's extent and names. A definition defines in the module's scope its own name and its
    `global` names; module code, everything it stores. The retry rules also look up by name, in
    whichever function holds them (retry/syntax.py ModuleIndex), functions, class constants,
    `with ... as` names and attributes set, so a part binds those too."""
    reads: set[str] = set()
    defines: set[str] = {name} if name else set()
    binds: set[str] = set()
    if isinstance(statement, FUNCTIONS) and owner is None:
        defines.add(statement.name)
    for node in (inner for top in nodes for inner in ast.walk(top)):
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                reads.add(node.id)
            elif not optional:
                defines.add(node.id)
        elif isinstance(node, ast.Attribute):
            (reads if isinstance(node.ctx, ast.Load) else binds).add(node.attr)
        elif isinstance(node, ast.Global):
            defines.update(node.names)
        elif isinstance(node, DEFINITIONS):
            (binds if optional else defines).add(node.name)
            if isinstance(node, ast.ClassDef):
                binds |= _members(node)
        elif isinstance(node, ast.withitem) and isinstance(node.optional_vars, ast.Name):
            binds.add(node.optional_vars.id)
        elif not optional and isinstance(node, (ast.Import, ast.ImportFrom)):
            defines.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    last_line = statement.end_lineno or statement.lineno
    return _Part(
        _first_line(statement), last_line, _plain(defines), _plain(binds | defines), _plain(reads), optional, owner
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


def _parts_at(parts: list[_Part], lines: Iterable[int]) -> set[int]:
    """The innermost part spanning each line; lines between parts (comments) are never blanked."""
    starts = [part.first_line for part in parts]
    found = set()
    for line in lines:
        index = bisect.bisect_right(starts, line) - 1
        while index >= 0 and not parts[index].first_line <= line <= parts[index].last_line:
            owner = parts[index].owner
            index = owner if owner is not None else -1
        if index >= 0:
            found.add(index)
    return found


def _kept(parts: list[_Part], seeds: set[int]) -> set[int]:
    kept = {index for index, part in enumerate(parts) if not part.optional} | seeds
    seeded: frozenset[str] = frozenset().union(*(parts[index].defines for index in seeds))
    kept |= {index for index, part in enumerate(parts) if part.reads & seeded}
    while True:
        kept |= {part.owner for index in kept if (part := parts[index]).owner is not None}
        read: frozenset[str] = frozenset().union(*(parts[index].reads for index in kept))
        named = {index for index, part in enumerate(parts) if index not in kept and part.binds & read}
        if not named:
            return kept
        kept |= named


def _first_line(statement: ast.stmt) -> int:
    decorators: list[ast.expr] = getattr(statement, "decorator_list", [])
    return min([statement.lineno, *(decorator.lineno for decorator in decorators)])


def _line_ending(line: str) -> str:
    return line[len(line.rstrip("\r\n")) :]


def _filled(line: str) -> str:
    """The first line of a left-out method, as a `pass` at the method's indentation."""
    indentation = line[: len(line) - len(line.lstrip(" \t"))]
    return f"{indentation}pass{_line_ending(line)}"
