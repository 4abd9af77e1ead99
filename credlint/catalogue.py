"""The rule catalogue: one Markdown page per rule, printed by `credlint explain` and run as tests.

Code blocks mark each line that must be flagged with `# error: [CODE]` (`// error:` in languages
that comment so); every other line of
every block must stay quiet. A block's file name gives its kind: Python blocks need no more,
blocks of other files name their file (```yaml path="docker-compose.yml"```) or take a default
name from their language (```sh``` is `example.sh`, ```hcl``` is `main.tf`), and files without
comments, such as JSON and Markdown, list their expected findings in the fence
(```json path="task.json" errors="7:CL205"```). A Python block may declare
the dotenv files beside it, as `path:line:VARIABLE` items (```python dotenv=".env:2:AWS_ACCESS_KEY_ID"```).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Optional

PROJECT_URL = "https://github.com/credlint/credlint"
REQUIRED_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Not flagged", "References")
_FENCE = re.compile(r"^```(?P<lang>\w+)?(?P<info>.*)$")
_EXPECTED = re.compile(r"(?:#|//)\s*error:\s*\[(?P<codes>[A-Z0-9, ]+)\]")
_PATH_INFO = re.compile(r'path="(?P<path>[^"]+)"')
_ERRORS_INFO = re.compile(r'errors="(?P<errors>[^"]*)"')
_DOTENV_INFO = re.compile(r'dotenv="(?P<dotenv>[^"]*)"')
# The file a block of each language stands for when it names none.
_LANGUAGE_FILES = {
    "sh": "example.sh",
    "bash": "example.sh",
    "ini": "settings.ini",
    "hcl": "main.tf",
    "properties": "application.properties",
    "xml": "config.xml",
    "javascript": "example.js",
    "typescript": "example.ts",
    "toml": "settings.toml",
    "markdown": "README.md",
    "text": "notes.txt",
}


@dataclass(frozen=True)
class Example:
    """One code block of a page, with the findings its comments promise."""

    page: str
    section: str
    first_line: int  # where the block starts in the page, for failure messages
    path: str
    source: str
    expected: tuple[tuple[int, str], ...]
    dotenv: tuple[tuple[str, int, str], ...] = ()  # (path, line, variable) of the dotenv files beside it

    @property
    def kind(self) -> str:
        from credlint.file_kinds import kind_of_file

        return kind_of_file(PurePath(self.path))


def pages_directory() -> Path:
    """Inside an installed wheel the pages sit in the package; in a checkout, beside it."""
    packaged = Path(__file__).parent / "rules"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "rules"


def page_path(code: str) -> Optional[Path]:
    matches = sorted(pages_directory().glob(f"{code.upper()}-*.md"))
    return matches[0] if matches else None


def page_url(code: Optional[str]) -> str:
    """Where a rule's page is read online; the project's home without a code."""
    page = page_path(code) if code else None
    return f"{PROJECT_URL}/blob/main/rules/{page.name}" if page else PROJECT_URL


def sections(text: str) -> list[str]:
    return [line[3:].strip() for line in text.splitlines() if line.startswith("## ")]


def examples(page: Path) -> list[Example]:
    found: list[Example] = []
    section = ""
    block: Optional[list[str]] = None
    block_start = 0
    block_path = ""
    fence_errors: tuple[tuple[int, str], ...] = ()
    fence_dotenv: tuple[tuple[str, int, str], ...] = ()
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), start=1):
        if block is None:
            if line.startswith("## "):
                section = line[3:].strip()
            fence = _FENCE.match(line)
            path_info = _PATH_INFO.search(fence.group("info")) if fence else None
            language = fence.group("lang") if fence else None
            if fence and (language == "python" or language in _LANGUAGE_FILES or path_info):
                block, block_start = [], number
                default = _LANGUAGE_FILES.get(language or "", f"{page.stem}.py")
                block_path = path_info.group("path") if path_info else default
                errors_info = _ERRORS_INFO.search(fence.group("info"))
                fence_errors = tuple(
                    (int(line_number), code)
                    for item in (errors_info.group("errors").split() if errors_info else ())
                    for line_number, code in [item.split(":")]
                )
                dotenv_info = _DOTENV_INFO.search(fence.group("info"))
                fence_dotenv = tuple(
                    (dotenv_path, int(line_number), variable)
                    for item in (dotenv_info.group("dotenv").split() if dotenv_info else ())
                    for dotenv_path, line_number, variable in [item.split(":")]
                )
            continue
        if line.startswith("```"):
            source = "\n".join(block) + "\n"
            expected = fence_errors + tuple(
                (offset, code.strip())
                for offset, code_line in enumerate(block, start=1)
                for match in [_EXPECTED.search(code_line)]
                if match
                for code in match.group("codes").split(",")
            )
            found.append(Example(page.name, section, block_start, block_path, source, expected, fence_dotenv))
            block = None
        else:
            block.append(line)
    return found
