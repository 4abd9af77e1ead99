"""The prefilter and the slicing of modules only skip work: with them or without them, every example
gives the same findings."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from credlint.catalogue import examples, pages_directory
from credlint.engine import lint_source
from credlint.file_kinds import kind_by_name
from credlint.prefilter import walk_tree
from credlint.registry import RULES

REPO = Path(__file__).resolve().parent.parent
UNFILTERED = [dataclasses.replace(info, triggers=(), candidate=None, seeds=None) for info in RULES.values()]
SOURCES = [
    (e.path, e.source.encode(), e.kind) for page in sorted(pages_directory().glob("CL*.md")) for e in examples(page)
]
SOURCES += [
    (str(path), path.read_bytes(), kind)
    for path in sorted((REPO / "examples").rglob("*"))
    for kind in [kind_by_name(path)]
    if kind is not None
]


@pytest.mark.parametrize(
    "path,source,kind", SOURCES, ids=[f"{i}:{Path(p).name}" for i, (p, _, _) in enumerate(SOURCES)]
)
def test_prefilter_never_hides_a_finding(path: str, source: bytes, kind: str) -> None:
    filtered = lint_source(path, source, list(RULES.values()), kind=kind).findings
    unfiltered = lint_source(path, source, UNFILTERED, kind=kind).findings
    assert filtered == unfiltered


def test_prefilter_skips_files_without_triggers() -> None:
    result = lint_source("plain.py", b"def add(a, b):\n    return a + b\n", list(RULES.values()))
    assert result.parsed is False and result.findings == ()


TRICKY = {
    "secret split over names in a function": """
import boto3
HEAD = "nnHXcSoBI/nRmLWgp8o8"
def make():
    tail = "BVcXP2rk5osNQp/hZzJ3"
    return boto3.client("s3", aws_secret_access_key=HEAD + tail)
""",
    "secret in an f-string of a constant": """
import boto3
HEAD = "nnHXcSoBI/nRmLWgp8o8"
boto3.client("s3", aws_secret_access_key=f"{HEAD}BVcXP2rk5osNQp/hZzJ3")
""",
    "key id split in three": 'KEY = "AKIA" + "42YQICSX" + "5QSIJMWQ"\n',
    "key id in a comment": "# old key AKIA42YQICSX5QSIJMWQ\n",
    "token across implicit concatenation": """
import boto3
boto3.client("s3", aws_session_token=(
    "FwoGZXIvYXdzEZyV6QVrOWlq/1GlMq6q37TP4jYfB/vHW7MvL2vXHWhr4SVqMZjNGRK9Hc5TTqc72vt8C5nnwwHR"
    "p7+iCEvlX3CK7AJ7ncKGtgUuRuixHecpBfprOOyHqNixOZUJ7h1IXMh0lYGTccMBEercpPNCPPS92rHi2CRxr47Mp"
))
""",
    "positional secret without the word": """
from botocore.credentials import Credentials
Credentials("AKIA42YQICSX5QSIJMWQ", "nnHXcSoBI/nRmLWgp8o8BVcXP2rk5osNQp/hZzJ3")
""",
}


@pytest.mark.parametrize("source", TRICKY.values(), ids=TRICKY.keys())
def test_prefilter_keeps_tricky_shapes(source: str) -> None:
    filtered = lint_source("tricky.py", source.encode(), list(RULES.values())).findings
    assert filtered, "every tricky shape holds a finding"
    assert filtered == lint_source("tricky.py", source.encode(), UNFILTERED).findings


@pytest.mark.parametrize("package", ["credlint", "tests"])
def test_walk_tree_meets_every_node_in_ast_walk_order(package: str) -> None:
    root = Path(__file__).resolve().parent.parent / package
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_bytes())
        assert [type(node) for node in walk_tree(tree)] == [type(node) for node in ast.walk(tree)], path
        assert all(ours is theirs for ours, theirs in zip(walk_tree(tree), ast.walk(tree)))
