"""Dockerfiles: the variables `ENV` bakes into the image and the build arguments `ARG` declares,
read with dockerfile-parse's instruction splitter and word splitter."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Optional

from credlint.analysis.platforms import PLATFORM_CONTAINER
from credlint.deployment.documents import refers_to_variable
from credlint.deployment.model import VALUE_HOST, VALUE_LITERAL, EnvironmentEntry, TextPlace, whole_lines
from credlint.finding import Span

ENV_WHERE = "an ENV instruction"
ARG_WHERE = "an ARG instruction"
# ref. Dockerfile reference, "Here-documents": RUN, COPY and ADD take `<<EOF`, `<<-EOF`, `<<"EOF"`.
_HEREDOC = re.compile(r"<<(-?)\s*([\"']?)([A-Za-z_][\w.-]*)\2")
HEREDOC_INSTRUCTIONS = ("RUN", "COPY", "ADD")


def dockerfile_entries(text: str) -> Iterator[EnvironmentEntry]:
    """ENV and ARG variables, at their name; dockerfile-parse reads a BytesIO here, so it never
    opens a file, and no substitution is asked of it, so it never reads the environment."""
    from dockerfile_parse import DockerfileParser  # type: ignore[import-untyped]

    lines = text.split("\n")  # as dockerfile-parse reads them, so that line numbers agree
    parser = DockerfileParser(fileobj=io.BytesIO(text.encode("utf-8")), env_replace=False)
    heredoc_last = -1
    for instruction in parser.structure:
        if instruction["startline"] <= heredoc_last:
            continue  # a here-document's body: shell or file content, not instructions
        name = instruction["instruction"]
        if name in HEREDOC_INSTRUCTIONS:
            heredoc_last = heredoc_end(lines, instruction)
        elif name in ("ENV", "ARG"):
            bindings = _bindings(name, instruction["value"])
            spans = [_variable_span(lines, instruction, binding.variable) for binding in bindings]
            places = _places(lines, instruction, bindings, spans)
            where = ENV_WHERE if name == "ENV" else ARG_WHERE
            for binding, span, place in zip(bindings, spans, places):
                yield EnvironmentEntry(
                    binding.variable, binding.value, binding.value_kind, where, PLATFORM_CONTAINER, span, place
                )


@dataclass(frozen=True)
class _Binding:
    variable: str
    value: Optional[str]
    value_kind: str  # VALUE_*
    word: str  # as written: `K=v`, `K`; the whole value in the legacy `ENV K v` form


def _bindings(instruction: str, value: str) -> list[_Binding]:
    """`ENV K=v ...`, legacy `ENV K v`, and `ARG K` / `ARG K=default ...`."""
    from dockerfile_parse.util import WordSplitter  # type: ignore[import-untyped]

    words = list(WordSplitter(value).split(dequote=False))
    if not words:
        return []
    if instruction == "ENV" and "=" not in words[0]:
        # ref. Dockerfile reference, "ENV": the legacy `ENV key value` form takes the rest of the line.
        name, rest = [*re.split(r"\s+", value.strip(), maxsplit=1), ""][:2]
        return [_Binding(_dequote(name), _dequote(rest.strip()), _kind(rest), value)]
    found: list[_Binding] = []
    for word in words:
        name, equals, raw = word.partition("=")
        if not equals:
            if instruction == "ARG":  # ref. Dockerfile reference, "ARG": no default, --build-arg gives it
                found.append(_Binding(_dequote(name), None, VALUE_HOST, word))
            continue
        default = _dequote(raw)
        # An ARG default can be overridden by --build-arg; an empty one says it will be.
        value_kind = VALUE_HOST if instruction == "ARG" and not default else _kind(raw)
        found.append(_Binding(_dequote(name), default, value_kind, word))
    return found


def _places(
    lines: list[str], instruction: dict[str, Any], bindings: list[_Binding], spans: list[Span]
) -> list[Optional[TextPlace]]:
    """Each binding's word on its line, in the instruction's lines; none when a word is not found
    where its variable is, as written (then no binding of the instruction can be taken out)."""
    group_start, group_end = whole_lines(instruction["startline"] + 1, instruction["endline"] + 1)
    if len(bindings) == 1:
        return [TextPlace(group_start, group_end, group_start, group_end)]
    places: list[Optional[TextPlace]] = []
    for binding, span in zip(bindings, spans):
        line = lines[span.line - 1] if span.line <= len(lines) else ""
        column = span.column - 1
        if column > 0 and line[column - 1] in "'\"" and binding.word.startswith(line[column - 1]):
            column -= 1  # a quoted word: `"AWS_ACCESS_KEY_ID=..."`
        if line[column : column + len(binding.word)] != binding.word:
            return [None] * len(bindings)
        start, end = (span.line, column), (span.line, column + len(binding.word))
        places.append(TextPlace(start, end, group_start, group_end, words=True))
    return places


def _dequote(word: str) -> str:
    from dockerfile_parse.util import WordSplitter

    return str(WordSplitter(word).dequote())


def _kind(raw: str) -> str:
    # ref. Dockerfile reference, "Environment replacement": $NAME and ${NAME} in ENV take earlier
    # ARG and ENV values, so the value comes from whoever runs the build.
    return VALUE_HOST if refers_to_variable(raw) and not raw.lstrip().startswith("'") else VALUE_LITERAL


def _variable_span(lines: list[str], instruction: dict[str, Any], variable: str) -> Span:
    """The variable's name on the physical line that holds it (an instruction may continue)."""
    pattern = re.compile(r"(?<![\w${])" + re.escape(variable) + r"(?=[\"']?(=|\s|$))")
    first, last = instruction["startline"], instruction["endline"]
    for number in range(first, min(last, len(lines) - 1) + 1):
        line = lines[number]
        start = len(line) - len(line.lstrip()) + 3 if number == first else 0  # after the instruction word
        match = pattern.search(line, start)
        if match:
            column = match.start() + 1
            return Span(number + 1, column, number + 1, column + len(variable))
    return Span(first + 1, 1, first + 1, 1)


def heredoc_end(lines: list[str], instruction: dict[str, Any]) -> int:
    """The 0-based line of the last here-document terminator opened by this instruction, or -1."""
    end = -1
    cursor = instruction["endline"] + 1
    for match in _HEREDOC.finditer(instruction["value"]):
        strip_tabs, delimiter = match.group(1), match.group(3)
        while cursor < len(lines):
            candidate = lines[cursor].lstrip("\t") if strip_tabs else lines[cursor]
            cursor += 1
            if candidate.rstrip("\r") == delimiter:
                end = cursor - 1
                break
    return end
