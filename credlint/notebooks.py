"""A Jupyter notebook read as the Python of its code cells, with every line's place in the .ipynb.

The Python rules check the code cells as one module, in order, as the kernel runs them. As
nbformat writes a notebook, each source line is a JSON string on a line of its own: the view
puts every code line on that same line number, so findings, and the lines their explanations
cite, point where a user finds them. A notebook written otherwise (a cell's source in one
string) falls back to the cells one after another, each line pointing at its cell's source.
IPython's own syntax (`%pip`, `!aws ...`, `files = !ls`, `obj?`, a `%%bash` cell) is not
Python: those lines become comments, which the credential rules still read. The JSON around
the cells (Markdown cells, outputs) is left to the text rules.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Optional

# ref. JSON (RFC 8259) string literals; nbformat writes one per source line.
_JSON_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
# IPython, not Python: `%pip ...`, `!aws ...`, `files = !ls`, `t = %timeit f()`, `obj?`, `?obj`,
# and magics run without their `%` (automagic): `pip install boto3`, `conda install ...`.
_LINE_MAGIC = re.compile(
    r"^\s*(?:[%!?]|[\w.,\s]+=\s*[%!]|[\w.]+\?{1,2}\s*$|(?:pip|conda|mamba)\s+(?:install|uninstall)\b)"
)


class NotebookError(ValueError):
    """The file is not a notebook credlint can read: not JSON, or no list of cells."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


@dataclass(frozen=True)
class CodeLine:
    """Where one line of the Python view stands in the .ipynb file."""

    line: int
    column_offset: int  # add to a column of the view to get the column in the file
    cell: int  # 1-based, counting every cell


@dataclass(frozen=True)
class NotebookView:
    """The code cells as one Python module, and where each of its lines comes from."""

    python: str
    places: dict[int, CodeLine]  # view line -> place in the .ipynb
    cell_starts: tuple[int, ...]  # the .ipynb line each cell starts on, in order

    @property
    def covered_lines(self) -> frozenset[int]:
        """The .ipynb lines of code cells, which the text rules need not read again."""
        return frozenset(place.line for place in self.places.values())


@dataclass(frozen=True)
class _Literal:
    value: str
    line: int
    column: int  # of the first character inside the quotes, 1-based
    is_key: bool  # followed by a colon: an object's key


@dataclass(frozen=True)
class _CodeCell:
    number: int
    source: list[str]  # as written, magics included
    python: list[tuple[str, int]]  # each line as Python, and how far its columns moved


def read_notebook(text: str) -> NotebookView:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotebookError(f"not valid JSON: {error.msg}", error.lineno, error.colno) from None
    cells = document.get("cells") if isinstance(document, dict) else None
    if not isinstance(cells, list):
        raise NotebookError("not a Jupyter notebook (nbformat 4): no list of cells")
    code = [_code_cell(number, cell) for number, cell in enumerate(cells, start=1) if _is_code(cell)]
    literals = list(_string_literals(text))
    located = _locate_lines(code, literals)
    python, places = _line_for_line(code, located) if located is not None else _cell_after_cell(code, literals)
    cell_starts = tuple(literal.line for literal in literals if literal.is_key and literal.value == "cell_type")
    return NotebookView(python, places, cell_starts)


def _is_code(cell: Any) -> bool:
    return isinstance(cell, dict) and cell.get("cell_type") == "code"


def _code_cell(number: int, cell: dict[str, Any]) -> _CodeCell:
    source = cell.get("source", "")
    text = "".join(part for part in source if isinstance(part, str)) if isinstance(source, list) else str(source)
    lines = text.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):  # a cell magic: the whole cell is another language
        return _CodeCell(number, lines, [("#" + line, -1) for line in lines])
    return _CodeCell(number, lines, [(line, 0) for line in _as_python(lines)])


def _as_python(lines: Sequence[str]) -> Iterator[str]:
    """Each magic line as a comment of the same length, so that columns stay where they were; a
    magic continued with a backslash (`!pip install \\`) goes on over the lines after it."""
    continued = False
    for line in lines:
        if not (continued or _LINE_MAGIC.search(line)) or not line.strip():
            continued = False
            yield line
            continue
        continued = line.rstrip().endswith("\\")
        indent = len(line) - len(line.lstrip())
        yield line[:indent] + "#" + line[indent + 1 :]


def _string_literals(text: str) -> Iterator[_Literal]:
    line, counted_to = 1, 0
    for match in _JSON_STRING.finditer(text):
        line += text.count("\n", counted_to, match.start())
        counted_to = match.start()
        try:
            value = json.loads(match.group())
        except json.JSONDecodeError:
            continue
        line_start = text.rfind("\n", 0, match.start()) + 1
        is_key = text[match.end() : match.end() + 8].lstrip().startswith(":")
        yield _Literal(value, line, match.start() - line_start + 2, is_key)


def _locate_lines(code: Sequence[_CodeCell], literals: Sequence[_Literal]) -> Optional[list[_Literal]]:
    """The literal of each code line, in order, when every one stands on a line of its own."""
    sources = _source_keys(literals)
    found: list[_Literal] = []
    for cell in code:
        position = sources.get(cell.number)
        if position is None:
            return None
        for source_line in cell.source:
            while position < len(literals) and literals[position].value.rstrip("\n") != source_line:
                position += 1
            if position == len(literals) or (found and literals[position].line <= found[-1].line):
                return None
            found.append(literals[position])
            position += 1
    return found


def _source_keys(literals: Sequence[_Literal]) -> dict[int, int]:
    """For each cell number, the position just past its `"source":` key.

    A cell starts at its `"cell_type"` key, and nbformat sorts keys, so the cell's own source is
    the last `"source"` key before the next cell: its outputs come before it and may hold one.
    """
    found: dict[int, int] = {}
    cell = 0
    for index, literal in enumerate(literals):
        if literal.is_key and literal.value == "cell_type":
            cell += 1
        elif literal.is_key and literal.value == "source" and cell:
            found[cell] = index + 1
    return found


def _line_for_line(code: Sequence[_CodeCell], located: Sequence[_Literal]) -> tuple[str, dict[int, CodeLine]]:
    lines: dict[int, str] = {}
    places: dict[int, CodeLine] = {}
    literals = iter(located)
    for cell in code:
        for python_line, shift in cell.python:
            literal = next(literals)
            lines[literal.line] = python_line
            places[literal.line] = CodeLine(literal.line, literal.column - 1 + shift, cell.number)
    last = max(lines, default=0)
    return "".join(lines.get(number, "") + "\n" for number in range(1, last + 1)), places


def _cell_after_cell(code: Sequence[_CodeCell], literals: Sequence[_Literal]) -> tuple[str, dict[int, CodeLine]]:
    lines: list[str] = []
    places: dict[int, CodeLine] = {}
    sources = _source_keys(literals)
    for cell in code:
        position = sources.get(cell.number, len(literals))
        anchor = literals[position] if position < len(literals) else None
        for python_line, _ in cell.python:
            lines.append(python_line)
            places[len(lines)] = CodeLine(anchor.line if anchor else 1, 0, cell.number)
    return "".join(line + "\n" for line in lines), places
