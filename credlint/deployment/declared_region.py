"""Where a scanned project itself sets AWS_DEFAULT_REGION for its processes.

Region rules ask this once per configuration root: a project whose image, compose file, `.env`
or CI workflow sets AWS_DEFAULT_REGION gives every client a region through link 4 of botocore's
region chain, so a client with no region in code is not a surprise there. The files are read
with the same parsers as the deployment rules (credlint/deployment). Limits, on purpose: only
the root and `.github/workflows/` are looked at, and a Dockerfile `ARG` alone does not count
(build arguments are gone when the container runs). tox's `setenv` and pytest-env's `env` count:
the tests run with them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Optional

from credlint.file_kinds import kind_by_name

# ref. aws-chain-reference.md section 2: botocore reads AWS_DEFAULT_REGION for a client's region;
# AWS_REGION is not read, so a project that declares only AWS_REGION declares nothing here.
DEFAULT_REGION_VARIABLE = "AWS_DEFAULT_REGION"
MAX_DECLARATION_FILE_SIZE = 256_000

ROOT_PATTERNS = (
    "Dockerfile", "Dockerfile.*", "*.Dockerfile", "*.dockerfile", "Containerfile",
    "compose.yml", "compose.yaml", "docker-compose.yml", "docker-compose.yaml", "docker-compose.*.yml",
    "docker-compose.*.yaml", ".env",
)  # fmt: skip
WORKFLOW_DIRECTORY = Path(".github") / "workflows"


@functools.lru_cache(maxsize=64)
def find_declared_region(root: Path) -> Optional[str]:
    """`file:line` of the first place under root that sets AWS_DEFAULT_REGION, or None.

    Cached per root: check_paths asks once for every file under the same configuration.
    """
    for path in _declaration_files(root):
        text = _read(path)
        read = test_runner_line if path.name in TEST_RUNNER_FILES else None
        relative = path.relative_to(root).as_posix()
        line = (read(text) if read else declaration_line(relative, text)) if text is not None else None
        if line is not None:
            return f"{path.relative_to(root).as_posix()}:{line}"
    return None


def declaration_line(path: str, text: str) -> Optional[int]:
    """The line of a deployment file (named by its path) that gives its processes AWS_DEFAULT_REGION."""
    from credlint.deployment.dockerfile import ARG_WHERE
    from credlint.deployment.model import VALUE_LITERAL, DeploymentParseError
    from credlint.deployment.read import read_deployment_file

    kind = kind_by_name(Path(path))
    if kind is None:
        return None
    try:
        document = read_deployment_file(kind, path, text)
    except DeploymentParseError:
        return None
    for entry in document.entries:
        if entry.variable != DEFAULT_REGION_VARIABLE or entry.where == ARG_WHERE:
            continue
        if entry.value_kind != VALUE_LITERAL or (entry.value or "").strip():
            return entry.span.line
    return None


# ref. tox's `setenv` and pytest-env's `env` settings: the variables they give the test processes,
# one `NAME=value` per line (in pyproject.toml, one per string).
TEST_RUNNER_FILES = ("tox.ini", "pytest.ini", "setup.cfg", "pyproject.toml")
_TEST_RUNNER_SETTING = re.compile(
    r"""^[ \t]*(?:(?:set)?env[ \t]*=[ \t]*\[?[ \t]*)?["']?(?:[DR]:)?AWS_DEFAULT_REGION[ \t]*=[ \t]*[A-Za-z0-9{$]""",
    re.MULTILINE,
)


def test_runner_line(text: str) -> Optional[int]:
    """The line of a tox or pytest setting that gives the test processes AWS_DEFAULT_REGION."""
    match = _TEST_RUNNER_SETTING.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _declaration_files(root: Path) -> Iterator[Path]:
    yield from sorted({path for pattern in ROOT_PATTERNS for path in root.glob(pattern) if path.is_file()})
    yield from (root / name for name in TEST_RUNNER_FILES if (root / name).is_file())
    workflows = root / WORKFLOW_DIRECTORY
    if workflows.is_dir():
        yield from sorted(path for path in workflows.iterdir() if path.suffix in (".yml", ".yaml") and path.is_file())


def _read(path: Path) -> Optional[str]:
    try:
        if path.stat().st_size > MAX_DECLARATION_FILE_SIZE:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
