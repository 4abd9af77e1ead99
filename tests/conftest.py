"""Shared helpers: lint a snippet in-process, or run the installed CLI in a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

import pytest

from credlint.catalogue import Example
from credlint.engine import lint_source
from credlint.finding import Finding
from credlint.registry import RULES
from credlint.settings import DotenvCredential, RuleSettings

REPO = Path(__file__).resolve().parent.parent


def lint(code: str, path: str = "snippet.py", select: str = "CL") -> list[Finding]:
    """Findings of the rules whose codes start with select, on a dedented snippet."""
    source = textwrap.dedent(code).encode()
    rules = [info for info in RULES.values() if info.code.startswith(select)]
    return list(lint_source(path, source, rules).findings)


def codes(code: str, path: str = "snippet.py", select: str = "CL") -> list[tuple[int, str]]:
    return [(finding.span.line, finding.code) for finding in lint(code, path, select)]


def credential_lint(code: str, path: str = "snippet.py") -> list[Finding]:
    """The hard-coded credential family alone, for tests whose snippets need no region."""
    return lint(code, path, "CL1")


def credential_codes(code: str, path: str = "snippet.py") -> list[tuple[int, str]]:
    return codes(code, path, "CL1")


def example_findings(example: Example, source: str) -> tuple[Finding, ...]:
    """A catalogue example's findings (or those of source in its place), with the settings its page
    gives and the default-region that CL301's fix needs."""
    settings = RuleSettings(
        root="/catalogue",
        dotenv_credentials=tuple(DotenvCredential(path, variable, line) for path, line, variable in example.dotenv),
        default_region="eu-west-1",
    )
    return lint_source(
        example.path, source.encode(), list(RULES.values()), kind=example.kind, settings=settings
    ).findings


def credlint_executable() -> str:
    found = shutil.which("credlint", path=os.path.dirname(sys.executable)) or shutil.which("credlint")
    if found is None:
        pytest.fail("the credlint console script is not installed")
    return found


def run_cli(args: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [credlint_executable(), *args], cwd=cwd, capture_output=True, text=True, env=environment, timeout=120
    )
