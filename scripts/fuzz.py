"""Fuzz the engine (`python scripts/fuzz.py --inputs 20000`): checking any bytes must never raise, fail
inside a rule, or point outside the file. Inputs are checked in child processes, a batch at a time, so that
one that kills the interpreter (segfault, stack overflow, hang) costs a child, not the run.

The strategies live here and tests/test_fuzz.py imports them as `scripts.fuzz` (pytest puts the repository
root on sys.path), rather than this script importing a test module, which would need a sys.path hack.
"""

from __future__ import annotations

import argparse
import faulthandler
import functools
import json
import pickle
import re
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path, PurePosixPath
from typing import NamedTuple

import yaml  # type: ignore[import-untyped]
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from credlint.api import FileJob, check_bytes
from credlint.catalogue import examples, pages_directory
from credlint.file_kinds import DOCKERFILE, DOTENV, JSON, NOTEBOOK, PYTHON, SYSTEMD, TEXT, YAML
from credlint.registry import RULES
from credlint.settings import DotenvCredential, RuleSettings

SETTINGS = RuleSettings(root="/fuzz", dotenv_credentials=(DotenvCredential(".env", "AWS_ACCESS_KEY_ID", 1),))
# Generated syntax is slow to draw and often discarded: none of that is a fault of the code under test.
SLOW_CHECKS = [
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.large_base_example,
    HealthCheck.filter_too_much,
]
LINE_BREAK = re.compile(rb"\r\n|\r|\n")  # ref. Python's universal newlines, as LibCST and editors count lines
# Every Python rule's triggers and candidate checks pass on this module, so every rule reads what follows it.
PRELUDE = """import os, subprocess, boto3; from botocore.exceptions import ClientError
from dotenv import load_dotenv; load_dotenv()
os.environ["AWS_ACCESS_KEY_ID"] = "AKIAZ7Q3R5T2W4Y6B8D3"; os.environ["AWS_REGION"] = "eu-west-1"
subprocess.run(["aws"], env={"AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"})
SECRET = "x9Vq2LrT8mKp4Wz7Yb1Nc6Hd3Jf5Gs0Aq8Re2Tu4"
SESSION_TOKEN = "FwoGZXIvYXdzEZyV6QVrOWlq/1GlMq6q37TP4jYfB/vHW7MvL2vXHWhr4SVqMZjNGRK9Hc5TTqc72vt8C5nnwwHRp7+iCEvlX3CK"
s3 = boto3.client("s3", aws_access_key_id=os.environ["K"], aws_secret_access_key=SECRET)
while True:
    try:
        boto3.client("sqs").send_message(QueueUrl="q", MessageBody="m"); break
    except ClientError as error:
        if error.response["Error"]["Code"] == "AccessDenied": continue
"""
BASE32, BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+"
# ref. credlint/secrets.py: key id prefixes, 40-character secrets, the STS token headers, AWS's example keys.
FAKE_KEYS = st.one_of(
    st.tuples(st.sampled_from(["AKIA", "ASIA", "ABIA", "ACCA", "A3TX"]), st.text(BASE32, min_size=16, max_size=16)),
    st.tuples(st.just(""), st.text(BASE64, min_size=40, max_size=40)),
    st.tuples(st.sampled_from(["FwoGZXIvYXdzE", "IQoJb3JpZ2luX2Vj"]), st.text(BASE64 + "=", min_size=90, max_size=300)),
    st.tuples(st.sampled_from(["AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"]), st.just("")),
).map("".join)
# Tokens the readers treat specially, beside the words of the catalogue's examples of each kind.
TOKENS = ["\\", "${", "$(", "{{", "&a", "*a", "<<:", "---", "'", '"', "#", "\x85", "\u2028", "\x0c", "<<EOF", "["]
NASTY_BYTES = [b"\0", b"\r", b"\x0b", b"\x0c", b"\x1c", "\x85".encode(), "\u2028".encode(), b"\xef\xbb\xbf", b"\xff"]
NASTY_BYTES += [b"\\", b"'''", b'"', b"\t", b"${", b"\xc3", b"# coding: utf-16\n", b"# coding: undefined\n"]
NESTINGS = [(b"(", b")"), (b"[", b"]"), (b"{", b"}"), (b"-", b""), (b"not ", b""), (b"lambda: ", b""), (b"f(", b")")]
BLOCKS = [b"if x:", b"for x in y:", b"def f():", b"with x:", b"while x:", b"class C:"]
SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | FAKE_KEYS | st.text(max_size=10)
TREES = st.recursive(SCALARS, lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner), max_leaves=20)
MUTATIONS = ["delete", "duplicate", "swap", "insert", "truncate", "nest", "blocks", "line-endings", "bom", "nul"]


class Case(NamedTuple):
    """One input: a file's kind, its name (some readers look at it) and its bytes."""

    kind: str
    path: str
    source: bytes


def problems(case: Case) -> list[str]:
    """What is wrong with checking case: an internal error or an impossible span. An exception propagates."""
    result = check_bytes(FileJob(case.path, case.path, tuple(RULES), 2_000_000, SETTINGS, case.kind), case.source)
    found = []
    if result.error is not None and result.error.kind == "internal-error":  # its message names one line; show more
        errors = [failure.error for failure in result.failures]
        frames = ("".join(traceback.format_exception(type(error), error, error.__traceback__, -6)) for error in errors)
        found.append("\n".join([f"internal-error: {result.error.message}", *frames]))
    lines = len(LINE_BREAK.split(case.source))
    for finding in result.findings:
        span = finding.span
        if min(span.line, span.column, span.end_column) < 1 or not span.line <= span.end_line <= lines:
            found.append(f"bad span: {finding.code} at {span} in a file of {lines} lines: {finding.message}")
    return found


def _mutate(draw: st.DrawFn, source: bytes) -> bytes:
    """One mutation, chosen and placed by draws, so that a failure shrinks to the mutations that matter."""
    how = draw(st.sampled_from(MUTATIONS))
    lines = source.splitlines(keepends=True) or [b""]
    at, other = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
    line, before, after = lines[at], b"".join(lines[:at]), b"".join(lines[at + 1 :])
    offset, depth = draw(st.integers(0, len(source))), draw(st.integers(50, 300))
    if how == "delete":
        return before + after
    if how == "duplicate":
        return before + line + line + after
    if how == "swap":
        lines[at], lines[other] = lines[other], lines[at]
        return b"".join(lines)
    if how == "insert":
        return source[:offset] + draw(st.sampled_from(NASTY_BYTES) | st.binary(min_size=1)) + source[offset:]
    if how == "truncate":
        return source[:offset]
    if how == "nest":  # the readers recurse, and so may the rules; Python refuses 200 brackets, not 6,000 `not`s
        opening, closing = draw(st.sampled_from(NESTINGS))
        depth *= draw(st.sampled_from([1, 4, 20]))
        nested = opening * depth + line.strip() + closing * (depth - draw(st.integers(0, 1)))
        return before + line[: len(line) - len(line.lstrip())] + nested + b"\n" + after
    if how == "blocks":
        block = draw(st.sampled_from(BLOCKS))
        return before + b"".join(b" " * level + block + b"\n" for level in range(depth)) + b" " * depth + line + after
    if how == "line-endings":
        return source.replace(b"\r\n", b"\n").replace(b"\n", draw(st.sampled_from([b"\r\n", b"\r"])))
    if how == "bom":
        return b"\xef\xbb\xbf" + source
    padding = b"\n" * 8192 if draw(st.booleans()) else b""  # past check_bytes's binary sniff, into the readers
    return padding + source[:offset] + b"\0" + source[offset:]


@st.composite
def _mutated(draw: st.DrawFn, cases: st.SearchStrategy[Case]) -> Case:
    """A case after up to four mutations."""
    case, count = draw(cases), draw(st.integers(0, 4))
    for _ in range(count):
        case = case._replace(source=_mutate(draw, case.source))
    return case


def _python(code: str, placement: str) -> Case:
    """Generated code after, before or inside the prelude's retry loop, so that every rule reads it."""
    indented = "".join(f"        {line}" for line in code.splitlines(keepends=True))
    source = {"before": f"{code}\n{PRELUDE}", "inside": PRELUDE + indented}.get(placement, PRELUDE + code)
    return Case(PYTHON, "fuzz.py", source.encode("utf-8", "surrogatepass"))


def _graft(draw: st.DrawFn, value: object) -> object:
    """value with one subtree replaced by a random one: the document keeps its shape around it."""
    if isinstance(value, dict) and value and draw(st.integers(0, 3)):
        key = draw(st.sampled_from(sorted(value, key=str)))
        return {**value, key: _graft(draw, value[key])}
    if isinstance(value, list) and value and draw(st.integers(0, 3)):
        at = draw(st.integers(0, len(value) - 1))
        return [*value[:at], _graft(draw, value[at]), *value[at + 1 :]]
    return draw(TREES)


@st.composite
def _document(draw: st.DrawFn, kind: str, paths: st.SearchStrategy[str], values: st.SearchStrategy[object]) -> Case:
    """A catalogue YAML or JSON file, or a notebook, perhaps with a subtree grafted, written out again."""
    value = _graft(draw, draw(values)) if draw(st.booleans()) else draw(values)
    if kind == YAML:
        documents = value if isinstance(value, list) else [value]
        text = yaml.safe_dump_all(documents, default_flow_style=draw(st.booleans()), allow_unicode=True)
    else:
        value = value[0] if kind == JSON and isinstance(value, list) and value else value
        text = json.dumps(value, indent=draw(st.sampled_from([1, 2, None])), default=str, ensure_ascii=False)
    return Case(kind, draw(paths), text.encode("utf-8", "surrogatepass"))


@functools.cache
def strategies() -> dict[str, st.SearchStrategy[Case]]:
    """Every strategy by name, built on first use: hypothesmith and the catalogue take a second to load."""
    import hypothesmith

    catalogue = [example for page in sorted(pages_directory().glob("*.md")) for example in examples(page)]
    python = [example.source for example in catalogue if example.kind == PYTHON] + [PRELUDE]
    magics = ["%env AWS_ACCESS_KEY_ID=AKIAZ7Q3R5T2W4Y6B8D3\n", "!aws s3 ls\n", "%%bash\n", "x?\n"]
    lines = st.lists(st.sampled_from([line for source in python for line in source.splitlines(True)] + magics))
    source = st.sampled_from(python).map(lambda text: text.splitlines(True)) | lines
    joined = source.map("".join)
    cell = st.fixed_dictionaries({"cell_type": st.sampled_from(["code", "markdown"]), "source": source | joined})
    notebook = st.fixed_dictionaries({"cells": st.lists(cell, max_size=5), "nbformat": st.just(4)})
    # Each YAML or JSON example as its documents; JSON is YAML, and CloudFormation's !tags are left out.
    loaded = [list(yaml.safe_load_all(e.source)) for e in catalogue if e.kind in (YAML, JSON) and "!" not in e.source]
    placements = st.sampled_from(["after", "before", "inside"])
    found: dict[str, st.SearchStrategy[Case]] = {
        "grammar": st.builds(_python, hypothesmith.from_grammar(), placements),
        "node": st.builds(_python, hypothesmith.from_node(), placements),
        "examples": _mutated(st.sampled_from([Case(e.kind, e.path, e.source.encode()) for e in catalogue])),
        NOTEBOOK: _mutated(_document(NOTEBOOK, st.just("analysis.ipynb"), notebook)),
    }
    for kind in (YAML, JSON, DOTENV, DOCKERFILE, SYSTEMD, TEXT):
        paths = sorted({e.path for e in catalogue if e.kind == kind})
        words = sorted({word for e in catalogue if e.kind == kind for word in e.source.split()}) + TOKENS
        token = st.sampled_from(words) | FAKE_KEYS
        tokens = st.lists(token | st.text(st.characters(codec="utf-8"), max_size=6), min_size=1, max_size=6)
        line = st.builds(str.join, st.sampled_from([" ", "", "=", ": ", "\t", ", "]), tokens)
        text = st.lists(st.builds(str.__add__, st.sampled_from(["", "  ", "- "]), line), min_size=1, max_size=30)
        soup = st.builds(Case, st.just(kind), st.sampled_from(paths), text.map("\n".join).map(str.encode))
        binary = st.builds(lambda *parts: b"".join(parts), st.binary(), token.map(str.encode), st.binary())
        raw = st.builds(Case, st.just(kind), st.sampled_from(paths), binary)  # random bytes around a key
        documents = _document(kind, st.sampled_from(paths), st.sampled_from(loaded))
        found[kind] = _mutated(soup | raw | documents if kind in (YAML, JSON) else soup | raw)
    return found


STRATEGY_NAMES = ["grammar", "node", "examples", NOTEBOOK, YAML, JSON, DOTENV, DOCKERFILE, SYSTEMD, TEXT]
LONG_RUN = settings(database=None, deadline=None, phases=[Phase.generate], suppress_health_check=SLOW_CHECKS)
Found = list[tuple[Case, str]]  # each problem, with the input that shows it
WEIGHTS = {"grammar": 3, "node": 1, "examples": 4}  # shares of the inputs, against 1 for each kind of data file


def _check_batch(cases: list[Case], timeout: float, work: Path) -> Found:
    """Problems in a batch, found by a child; if it dies, the batch again, one input per child, finds the killer."""
    (work / "batch.pickle").write_bytes(pickle.dumps([tuple(case) for case in cases]))
    command = [sys.executable, "-X", "faulthandler", __file__, "--child", str(work), "--timeout", str(timeout)]
    child = subprocess.run(command, capture_output=True)
    if child.returncode == 0:
        return [(cases[index], problem) for index, problem in pickle.loads((work / "batch.out").read_bytes())]
    if len(cases) > 1:
        return [found for case in cases for found in _check_batch([case], timeout, work)]
    status = signal.Signals(-child.returncode).name if child.returncode < 0 else str(child.returncode)
    said = child.stderr.decode(errors="replace")  # faulthandler puts the innermost frame first, a traceback last
    said = said if len(said) < 4000 else f"{said[:2000]}\n[...]\n{said[-2000:]}"
    return [(cases[0], f"child died (exit status {status}):\n{said}")]


def _child(work: Path, timeout: float) -> None:
    """Check a batch. An exception ends the child with its traceback; so does an input that takes too long."""
    found: list[tuple[int, str]] = []
    for index, fields in enumerate(pickle.loads((work / "batch.pickle").read_bytes())):
        faulthandler.dump_traceback_later(timeout, exit=True)
        found.extend((index, problem) for problem in problems(Case(*fields)))
    faulthandler.cancel_dump_traceback_later()
    (work / "batch.out").write_bytes(pickle.dumps(found))


def _run_strategy(name: str, count: int, arguments: argparse.Namespace, work: Path) -> tuple[int, Found]:
    """count inputs of one strategy, checked a batch at a time: how many were tried, and the problems."""
    batch: list[Case] = []
    found: Found = []
    tried = 0

    @settings(LONG_RUN, max_examples=count)
    @seed(arguments.seed)
    @given(strategies()[name])
    def collect(case: Case) -> None:
        nonlocal tried
        tried += 1
        batch.append(case)
        if len(batch) == arguments.batch:
            found.extend(_check_batch(batch, arguments.timeout, work))
            batch.clear()

    collect()
    found.extend(_check_batch(batch, arguments.timeout, work) if batch else [])
    return tried, found


def main() -> int:
    """Each strategy's share of the inputs, checked in children; every problem printed, and its input saved."""
    parser = argparse.ArgumentParser(description="Fuzz credlint's engine; report every input that breaks it.")
    parser.add_argument("--inputs", type=int, default=5000, help="inputs in all, shared by the strategies")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--save-to", help="directory for the inputs that fail (default: a new temporary one)")
    parser.add_argument("--strategy", action="append", choices=STRATEGY_NAMES, help="only this one (repeatable)")
    parser.add_argument("--batch", type=int, default=100, help="inputs per child process")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds one input may take")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    warnings.simplefilter("ignore")  # hypothesmith compiles code that warns, e.g. `0()`
    if arguments.child:
        _child(Path(arguments.child), arguments.timeout)
        return 0
    save_to = Path(arguments.save_to or tempfile.mkdtemp(prefix="credlint-fuzz-"))
    save_to.mkdir(parents=True, exist_ok=True)
    names = arguments.strategy or STRATEGY_NAMES
    total, started = 0, time.monotonic()
    with tempfile.TemporaryDirectory() as work:
        for name in names:
            began, share = time.monotonic(), WEIGHTS.get(name, 1) / sum(WEIGHTS.get(other, 1) for other in names)
            tried, found = _run_strategy(name, max(1, round(arguments.inputs * share)), arguments, Path(work))
            for number, (case, problem) in enumerate(found, start=total + 1):
                saved = save_to / f"{number:04d}-{name}-{PurePosixPath(case.path).name}"
                saved.write_bytes(case.source)
                print(f"--- problem {number}: {name}, kind {case.kind}, {len(case.source)} bytes: {saved}\n{problem}")
            total += len(found)
            print(f"{name}: {tried} inputs, {len(found)} problems, {time.monotonic() - began:.0f} s", flush=True)
    print(f"{total} problems in {time.monotonic() - started:.0f} s; inputs saved in {save_to}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
