"""The byte prefilter only skips work: with it or without it, every example gives the same findings."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from credlint.catalogue import examples, pages_directory
from credlint.engine import lint_source
from credlint.registry import RULES

REPO = Path(__file__).resolve().parent.parent
UNFILTERED = [dataclasses.replace(info, triggers=(), candidate=None) for info in RULES.values()]
SOURCES = [(e.path, e.source.encode()) for page in sorted(pages_directory().glob("CL*.md")) for e in examples(page)]
SOURCES += [(str(path), path.read_bytes()) for path in sorted((REPO / "examples").rglob("*.py"))]


@pytest.mark.parametrize("path,source", SOURCES, ids=[f"{i}:{Path(p).name}" for i, (p, _) in enumerate(SOURCES)])
def test_prefilter_never_hides_a_finding(path: str, source: bytes) -> None:
    filtered = lint_source(path, source, list(RULES.values())).findings
    unfiltered = lint_source(path, source, UNFILTERED).findings
    assert filtered == unfiltered


def test_prefilter_skips_files_without_triggers() -> None:
    result = lint_source("plain.py", b"def add(a, b):\n    return a + b\n", list(RULES.values()))
    assert result.parsed is False and result.findings == ()
