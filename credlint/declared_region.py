"""Where a scanned project itself sets AWS_DEFAULT_REGION for its processes, read from a few files.

Region rules ask this once per configuration root: a project whose image, compose file, `.env`
or CI workflow sets AWS_DEFAULT_REGION gives every client a region through link 4 of botocore's
region chain, so a client with no region in code is not a surprise there. No LibCST and no YAML
parser (not a dependency): a careful line-based reading of the few files where the variable is
declared. Limits, on purpose: only the root and `.github/workflows/` are looked at; YAML
anchors, multi-document tricks and flow mappings (`environment: {A: b}`) are not understood; a
Dockerfile `ARG` alone does not count (build arguments are gone when the container runs).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Callable, Optional

# ref. aws-chain-reference.md section 2: botocore reads AWS_DEFAULT_REGION for a client's region;
# AWS_REGION is not read, so a project that declares only AWS_REGION declares nothing here.
DEFAULT_REGION_VARIABLE = "AWS_DEFAULT_REGION"
MAX_DECLARATION_FILE_SIZE = 256_000

DOCKERFILE_PATTERNS = ("Dockerfile", "Dockerfile.*", "*.Dockerfile", "*.dockerfile", "Containerfile")
COMPOSE_PATTERNS = ("compose.yml", "compose.yaml", "docker-compose.yml", "docker-compose.yaml", "docker-compose.*.yml",
                    "docker-compose.*.yaml")
DOTENV_NAMES = (".env",)
WORKFLOW_DIRECTORY = Path(".github") / "workflows"

# ref. Dockerfile reference, ENV: `ENV KEY=value ...` or the legacy `ENV KEY value`.
_DOCKER_ENV = re.compile(r"^\s*ENV\s+(?P<rest>.*)$", re.IGNORECASE)
_DOCKER_ENV_PAIR = re.compile(r"""(?:^|\s)AWS_DEFAULT_REGION=(?P<value>"[^"]*"|'[^']*'|\S*)""")
_DOCKER_ENV_LEGACY = re.compile(r"^AWS_DEFAULT_REGION\s+(?P<value>\S.*)$")
# ref. compose file reference, `environment`: a list item `- KEY=value` / `- KEY` (taken from the
# host) or a mapping entry `KEY: value`; and GitHub Actions `env:` mappings.
_YAML_LIST_ITEM = re.compile(r"""^(?P<indent>\s*)-\s*["']?AWS_DEFAULT_REGION(?:=(?P<value>.*?))?["']?\s*(?:#.*)?$""")
_YAML_MAPPING_ENTRY = re.compile(r"""^(?P<indent>\s*)["']?AWS_DEFAULT_REGION["']?\s*:\s*(?P<value>.*?)\s*(?:#.*)?$""")
_YAML_KEY = re.compile(r"""^(?P<indent>\s*)(?:-\s+)?["']?(?P<key>[\w.-]+)["']?\s*:""")
# ref. dotenv files as docker compose and python-dotenv read them: `KEY=value`, `export KEY=value`.
_DOTENV_ENTRY = re.compile(r"""^\s*(?:export\s+)?AWS_DEFAULT_REGION\s*=\s*(?P<value>.*?)\s*$""")
# ref. aws-actions/configure-aws-credentials src/helpers.ts exportRegion: the action exports both
# AWS_DEFAULT_REGION and AWS_REGION from its `aws-region` input, unless output-env-credentials is false.
_CONFIGURE_CREDENTIALS_ACTION = "aws-actions/configure-aws-credentials"
_ACTION_REGION_INPUT = re.compile(r"^\s*aws-region\s*:\s*(?P<value>\S.*?)\s*(?:#.*)?$")
_ACTION_ENV_DISABLED = re.compile(r"^\s*output-env-credentials\s*:\s*['\"]?false", re.IGNORECASE)

ENVIRONMENT_KEYS = ("environment",)
WORKFLOW_ENV_KEYS = ("env",)

# Reads one file's lines and returns the line that declares the variable.
_Reader = Callable[[list[str]], Optional[int]]


@functools.lru_cache(maxsize=64)
def find_declared_region(root: Path) -> Optional[str]:
    """`file:line` of the first place under root that sets AWS_DEFAULT_REGION, or None.

    Cached per root: check_paths asks once for every file under the same configuration.
    """
    for path, reader in _declaration_files(root):
        lines = _read_lines(path)
        if lines is None:
            continue
        line = reader(lines)
        if line is not None:
            return f"{path.relative_to(root).as_posix()}:{line}"
    return None


def _declaration_files(root: Path) -> Iterator[tuple[Path, _Reader]]:
    readers: tuple[tuple[tuple[str, ...], _Reader], ...] = (
        (DOCKERFILE_PATTERNS, dockerfile_declaration),
        (COMPOSE_PATTERNS, compose_declaration),
        (DOTENV_NAMES, dotenv_declaration),
    )
    for patterns, reader in readers:
        for path in _matching(root, patterns):
            yield path, reader
    workflows = root / WORKFLOW_DIRECTORY
    if workflows.is_dir():
        for path in _matching(workflows, ("*.yml", "*.yaml")):
            yield path, workflow_declaration


def _matching(directory: Path, patterns: tuple[str, ...]) -> list[Path]:
    found = {path for pattern in patterns for path in directory.glob(pattern) if path.is_file()}
    return sorted(found)


def _read_lines(path: Path) -> Optional[list[str]]:
    try:
        if path.stat().st_size > MAX_DECLARATION_FILE_SIZE:
            return None
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None


def _has_value(value: Optional[str]) -> bool:
    return value is not None and value.strip().strip("\"'") != ""


def dockerfile_declaration(lines: list[str]) -> Optional[int]:
    """The line of an `ENV` instruction that sets AWS_DEFAULT_REGION to something."""
    for number, instruction in _joined_instructions(lines):
        match = _DOCKER_ENV.match(instruction)
        if match is None:
            continue
        rest = match.group("rest").strip()
        pair = _DOCKER_ENV_PAIR.search(rest)
        legacy = _DOCKER_ENV_LEGACY.match(rest)
        value = pair.group("value") if pair else legacy.group("value") if legacy else None
        if _has_value(value):
            return number
    return None


def _joined_instructions(lines: list[str]) -> Iterator[tuple[int, str]]:
    """Instructions with backslash continuations joined, each with the line it starts on."""
    start = 0
    parts: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not parts:
            start = number
            if line.lstrip().startswith("#"):
                continue
        if line.rstrip().endswith("\\"):
            parts.append(line.rstrip()[:-1])
            continue
        parts.append(line)
        yield start, " ".join(parts)
        parts = []
    if parts:
        yield start, " ".join(parts)


def compose_declaration(lines: list[str]) -> Optional[int]:
    """The line of AWS_DEFAULT_REGION under a service's `environment:` (listed or mapped)."""
    return _yaml_variable(lines, ENVIRONMENT_KEYS, allow_host_value=True)


def workflow_declaration(lines: list[str]) -> Optional[int]:
    """The line of AWS_DEFAULT_REGION under an `env:` block, or of the configure-aws-credentials
    action's `aws-region` input (the action exports AWS_DEFAULT_REGION)."""
    found = _yaml_variable(lines, WORKFLOW_ENV_KEYS, allow_host_value=False)
    if found is not None:
        return found
    text = "\n".join(lines)
    if _CONFIGURE_CREDENTIALS_ACTION not in text or any(_ACTION_ENV_DISABLED.match(line) for line in lines):
        return None
    for number, line in enumerate(lines, start=1):
        match = _ACTION_REGION_INPUT.match(line)
        if match and _has_value(match.group("value")):
            return number
    return None


def _yaml_variable(lines: list[str], parent_keys: tuple[str, ...], *, allow_host_value: bool) -> Optional[int]:
    for number, line in enumerate(lines, start=1):
        item = _YAML_LIST_ITEM.match(line)
        entry = _YAML_MAPPING_ENTRY.match(line) if item is None else None
        if item is not None:
            # `- AWS_DEFAULT_REGION` with no value takes the host's value: compose only.
            declared = _has_value(item.group("value")) or (allow_host_value and item.group("value") is None)
            indent, list_item = len(item.group("indent")), True
        elif entry is not None:
            declared = _has_value(entry.group("value"))
            indent, list_item = len(entry.group("indent")), False
        else:
            continue
        if declared and _parent_key(lines, number - 1, indent, list_item) in parent_keys:
            return number
    return None


def _parent_key(lines: list[str], index: int, indent: int, list_item: bool) -> Optional[str]:
    """The YAML key that owns lines[index]: the nearest earlier key indented less (or, for a list
    item, indented no more, as YAML allows `- item` level with its key)."""
    for previous in reversed(lines[:index]):
        stripped = previous.strip()
        if not stripped or stripped.startswith("#"):
            continue
        key = _YAML_KEY.match(previous)
        if key is None:
            continue
        key_indent = len(key.group("indent"))
        if key_indent < indent or (list_item and key_indent == indent and not previous.lstrip().startswith("-")):
            return key.group("key")
    return None


def dotenv_declaration(lines: list[str]) -> Optional[int]:
    for number, line in enumerate(lines, start=1):
        match = _DOTENV_ENTRY.match(line)
        if match and _has_value(match.group("value")):
            return number
    return None

