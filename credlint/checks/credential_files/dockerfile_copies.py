"""The COPY and ADD instructions of a Dockerfile, with their stages and where each word is written.

credlint/deployment/dockerfile.py reads only ENV and ARG; this reads the files an image is given,
with the same parser (dockerfile-parse, on a BytesIO, never substituting variables).
"""

from __future__ import annotations

import io
import json
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Optional

from credlint.deployment.dockerfile import HEREDOC_INSTRUCTIONS, heredoc_end
from credlint.finding import Span

# ref. Dockerfile reference, "Here-documents": RUN, COPY and ADD take `<<EOF`, `<<-EOF`, `<<"EOF"`.
_COPYING = ("COPY", "ADD")
# ref. Dockerfile reference, "COPY": a destination ending in / is a directory, and so is it when
# several sources or a wildcard are given.
_WILDCARD = re.compile(r"[*?\[]")
_KEYWORD = re.compile(r"\s*(?:ONBUILD\s+)?\S+", re.IGNORECASE)


@dataclass(frozen=True)
class Word:
    """A source or destination as Docker reads it (unquoted), and where it is written."""

    text: str
    span: Span

    @property
    def heredoc(self) -> bool:
        """A here-document: the file's content is written in the Dockerfile itself."""
        return self.text.startswith("<<")


@dataclass(frozen=True)
class Stage:
    """One FROM: its name, and the earlier stage it builds on (None for an image from a registry)."""

    index: int
    name: Optional[str]
    parent: Optional[int]


@dataclass(frozen=True)
class Copy:
    """A COPY or ADD: its sources, its destination and the stage whose filesystem it writes."""

    instruction: str
    line: int  # 1-based, where the instruction starts
    sources: tuple[Word, ...]
    destination: Word
    stage: int
    workdir: Optional[str]  # the WORKDIR a relative destination is under; None when the base image sets it

    @property
    def into_directory(self) -> bool:
        """Whether Docker treats the destination as a directory the sources go into."""
        texts = [source.text for source in self.sources]
        destination = self.destination.text
        directory = destination.endswith("/") or posixpath.basename(destination) in (".", "..")  # the WORKDIR
        return directory or len(texts) > 1 or any(_WILDCARD.search(t) for t in texts)

    def absolute(self, path: str) -> Optional[str]:
        """A destination path made absolute with the WORKDIR; None when that is not known."""
        if path.startswith("/"):
            return posixpath.normpath(path)
        return posixpath.normpath(posixpath.join(self.workdir, path)) if self.workdir else None


@dataclass(frozen=True)
class Write:
    """A RUN that writes a file of the chain: `aws configure set aws_access_key_id ...` (the shared
    credentials file), or a shell redirect into `.aws/credentials` or `.aws/config`."""

    line: int
    word: Word  # what writes it: the credential key `aws configure set` is given, or the file
    command: str  # how messages show it
    stage: int


@dataclass(frozen=True)
class DockerfileCopies:
    """Every COPY and ADD of a Dockerfile, the RUNs that write a credentials file, and its stages
    (the last one is the image)."""

    copies: tuple[Copy, ...]
    stages: tuple[Stage, ...]
    stage_starts: tuple[int, ...]  # the 1-based line of each FROM
    writes: tuple[Write, ...] = ()

    def lineage(self, index: int) -> frozenset[int]:
        """The stage and the earlier stages it is built FROM, whose files it holds."""
        found: set[int] = set()
        current: Optional[int] = index
        while current is not None and current not in found and current < len(self.stages):
            found.add(current)  # instructions before any FROM belong to no stage
            current = self.stages[current].parent
        return frozenset(found)

    def in_image(self, stage: int) -> bool:
        """Whether the files of a stage are in the image the Dockerfile builds (its last stage)."""
        return not self.stages or stage in self.lineage(len(self.stages) - 1)

    def stage_of_line(self, line: int) -> int:
        return max((index for index, start in enumerate(self.stage_starts) if start <= line), default=0)


def read_copies(text: str) -> DockerfileCopies:
    """The COPY and ADD instructions (also under ONBUILD) and the RUNs that write a credentials
    file, skipping here-document bodies."""
    from dockerfile_parse import DockerfileParser  # type: ignore[import-untyped]

    lines = text.split("\n")  # as dockerfile-parse reads them, so that line numbers agree
    parser = DockerfileParser(fileobj=io.BytesIO(text.encode("utf-8")), env_replace=False)
    copies: list[Copy] = []
    writes: list[Write] = []
    stages: list[Stage] = []
    starts: list[int] = []
    workdirs: list[Optional[str]] = []
    heredoc_last = -1
    for instruction in parser.structure:
        if instruction["startline"] <= heredoc_last:
            continue  # a here-document's body: shell or file content, not instructions
        name, value = instruction["instruction"], instruction["value"]
        if name == "ONBUILD":
            name, _, value = value.strip().partition(" ")
            name = name.upper()
        if name in HEREDOC_INSTRUCTIONS:
            heredoc_last = heredoc_end(lines, instruction)
        if name == "FROM":
            started = _stage(len(stages), value, stages)
            stages.append(started)
            starts.append(instruction["startline"] + 1)
            workdirs.append(workdirs[started.parent] if started.parent is not None else None)
        elif name == "WORKDIR" and workdirs:
            workdirs[-1] = _workdir(workdirs[-1], value)
        elif name == "RUN":
            stage = max(len(stages) - 1, 0)
            writes.extend(_credential_writes(lines, instruction, value, stage))
        elif name in _COPYING:
            words = list(_located_words(lines, instruction, value))
            operands = [word for word in words if not word.text.startswith("--")]
            if len(operands) >= 2:
                stage = max(len(stages) - 1, 0)
                workdir = workdirs[-1] if workdirs else None
                line = instruction["startline"] + 1
                copies.append(Copy(name, line, tuple(operands[:-1]), operands[-1], stage, workdir))
    return DockerfileCopies(tuple(copies), tuple(stages), tuple(starts), tuple(writes))


# ref. AWS CLI `aws configure set`: a credential key (plain, or `default.` / `profile.NAME.` before
# it) goes to the shared credentials file; and a shell redirect or tee into `.aws/credentials` or
# `.aws/config`.
_CONFIGURE_SET = re.compile(
    r"\baws\s+configure\s+set\s+(?:--\S+\s+\S+\s+)*(?:[\w.-]+\.)?(?P<word>aws_access_key_id|aws_secret_access_key|aws_session_token)\b"
)
_REDIRECT = re.compile(r"(?:>>?|\btee\s+(?:-a\s+)?)\s*[\"']?(?P<word>[^\s\"';&|]*\.aws/(?:credentials|config))\b")


def _credential_writes(lines: list[str], instruction: dict[str, Any], value: str, stage: int) -> Iterator[Write]:
    first, last = instruction["startline"], instruction["endline"]
    for pattern in (_CONFIGURE_SET, _REDIRECT):
        for match in pattern.finditer(value):
            word = match["word"]
            found = _find(lines, word, first, 0, last)
            line, column = found if found is not None else (first, 0)
            span = Span(line + 1, column + 1, line + 1, column + 1 + len(word))
            yield Write(first + 1, Word(word, span), " ".join(match[0].split()), stage)


def _stage(index: int, value: str, earlier: list[Stage]) -> Stage:
    """`FROM [--platform=...] image [AS name]`; stage names are matched case-insensitively."""
    from dockerfile_parse.util import WordSplitter  # type: ignore[import-untyped]

    words = [word for word in WordSplitter(value).split() if not word.startswith("--")]
    base = words[0].lower() if words else ""
    name = words[2].lower() if len(words) >= 3 and words[1].lower() == "as" else None
    parent = next((stage.index for stage in reversed(earlier) if stage.name == base), None)
    return Stage(index, name, parent)


def _workdir(current: Optional[str], value: str) -> Optional[str]:
    path = value.strip().strip("\"'")
    if path.startswith("/"):
        return posixpath.normpath(path)
    return posixpath.normpath(posixpath.join(current, path)) if current and "$" not in path else None


def _located_words(lines: list[str], instruction: dict[str, Any], value: str) -> Iterator[Word]:
    """The instruction's words, unquoted, each at its place on the physical line that holds it."""
    from dockerfile_parse.util import WordSplitter

    stripped = value.strip()
    written: list[tuple[str, str]] = []  # (as written, as Docker reads it)
    if stripped.startswith("["):  # ref. Dockerfile reference: the JSON form, for paths with spaces
        try:
            items = json.loads(stripped)
        except ValueError:
            items = None
        if isinstance(items, list) and all(isinstance(item, str) for item in items):
            written = [(json.dumps(item), item) for item in items]
    if not written:
        splitter = WordSplitter(value)
        written = [(raw, str(WordSplitter(raw).dequote())) for raw in splitter.split(dequote=False)]
    first, last = instruction["startline"], instruction["endline"]
    keyword = _KEYWORD.match(lines[first]) if first < len(lines) else None
    line_number, column = first, keyword.end() if keyword else 0
    for raw, text in written:
        found = _find(lines, raw, line_number, column, last)
        if found is None:
            yield Word(text, Span(first + 1, 1, first + 1, 1))
            continue
        line_number, start = found
        column = start + len(raw)
        yield Word(text, Span(line_number + 1, start + 1, line_number + 1, column + 1))


def _find(lines: list[str], raw: str, line_number: int, column: int, last: int) -> Optional[tuple[int, int]]:
    """The first place at or after (line, column), up to the instruction's last line, that holds raw."""
    while line_number <= min(last, len(lines) - 1):
        start = lines[line_number].find(raw, column)
        if start >= 0:
            return line_number, start
        line_number, column = line_number + 1, 0
    return None
