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

from credlint.engine import lint_source
from credlint.finding import Finding
from credlint.registry import RULES

REPO = Path(__file__).resolve().parent.parent


def lint(code: str, path: str = "snippet.py") -> list[Finding]:
    source = textwrap.dedent(code).encode()
    return list(lint_source(path, source, list(RULES.values())).findings)


def codes(code: str, path: str = "snippet.py") -> list[tuple[int, str]]:
    return [(finding.span.line, finding.code) for finding in lint(code, path)]


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
