"""Each file's result, kept by the hash of everything that decides it, so an unchanged file is
read once and never parsed again.

The key, an HMAC under a key of this user's, covers the file's bytes, its path as reported, its
kind, the rules that run on it, its settings and credlint's own code: change any of them and the
entry is simply not found. Entries are JSON, written whole (a temporary file, then a rename), so
concurrent runs and Ctrl-C leave either an entry or none. An entry that cannot be read is treated
as missing and written again. Findings hold only redacted previews and salted fingerprints, and
so does the cache.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
import time
from collections.abc import Iterable
from dataclasses import astuple
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from credlint import __version__
from credlint.atomic_write import write_atomically
from credlint.chain import ChainStep, Explanation
from credlint.finding import FileError, Finding, Fix, Severity, Span

if TYPE_CHECKING:
    from credlint.api import FileJob
    from credlint.engine import FileResult

CACHE_DIRECTORY = ".credlint_cache"
FORMAT = 2
PRUNE_EVERY_SECONDS = 24 * 3600
UNUSED_FOR_SECONDS = 30 * 24 * 3600
PROJECTS_FOLDER = "projects"
PROJECT_KEY_PREFIX = "project-"
# Results that say more about this run than about the file are checked again next time.
_NOT_KEPT = frozenset({"timeout", "internal-error", "worker-died"})


def key_of(job: FileJob, source: bytes) -> Optional[str]:
    """The entry's name; None when this machine has no key to sign it with (no cache then)."""
    parts = (job.display, job.kind, ",".join(job.codes), repr(job.settings), str(job.max_file_size))
    return signed_key([part.encode("utf-8", "surrogatepass") for part in parts], source)


def signed_key(parts: Iterable[bytes], last: bytes = b"") -> Optional[str]:
    """An entry's name for everything that decides it, signed with this user's key and credlint's
    code identity; None when this machine has no key (no cache then)."""
    signed = _signed_code_identity()
    if signed is None:
        return None
    digest = signed.copy()
    for part in parts:
        digest.update(part + b"\0")
    digest.update(last)
    return digest.hexdigest()


def load(directory: str, key: str) -> Optional[FileResult]:
    """The kept result, or None when there is none or it cannot be read (it is then rewritten).
    A result read is marked as used, so that pruning keeps it."""
    try:
        return _result_from(load_entry(directory, key))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def load_entry(directory: str, key: str) -> Any:
    """An entry's JSON, marked as used so that pruning keeps it; raises OSError or ValueError when
    there is none or it cannot be read."""
    entry = _entry(directory, key)
    with open(entry, encoding="utf-8") as handle:
        data = json.load(handle)
    os.utime(entry)
    return data


def prune(directory: str) -> None:
    """Once a day, remove the entries no run has used for a month: the results of file versions
    that are gone, of other configurations and of older credlints."""
    stamp = Path(directory) / "last-pruned"
    now = time.time()
    try:
        if now - stamp.stat().st_mtime < PRUNE_EVERY_SECONDS:
            return
    except FileNotFoundError:
        pass
    except OSError:
        return
    for entry in Path(directory).glob("v*/*/*.json"):
        try:
            if now - entry.stat().st_mtime > UNUSED_FOR_SECONDS:
                entry.unlink()
        except OSError:
            continue
    try:
        stamp.touch()
    except OSError:
        return


def store(directory: str, key: str, result: FileResult) -> None:
    """Keep result, unless it is about this run; a cache that cannot be written only costs time."""
    if result.failures or (result.error is not None and result.error.kind in _NOT_KEPT):
        return
    store_entry(directory, key, _result_to(result))


def store_entry(directory: str, key: str, data: Any) -> None:
    """Keep data as JSON under key, whole or not at all; a cache that cannot be written only costs time."""
    entry = _entry(directory, key)
    try:
        _prepare(Path(directory))
        entry.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(entry, json.dumps(data, separators=(",", ":")))
    except OSError:
        return


def _entry(directory: str, key: str) -> Path:
    """A file's result under its key's first two characters; a project's index under "projects"."""
    folder = PROJECTS_FOLDER if key.startswith(PROJECT_KEY_PREFIX) else key[:2]
    return Path(directory) / f"v{FORMAT}" / folder / f"{key}.json"


def _prepare(directory: Path) -> None:
    """Create the folder once, with a .gitignore so that it is never committed."""
    if not (directory / ".gitignore").exists():
        directory.mkdir(parents=True, exist_ok=True)
        (directory / ".gitignore").write_text("# Created by credlint.\n*\n", encoding="utf-8")


@functools.lru_cache(maxsize=1)
def _machine_key() -> Optional[bytes]:
    """A random key of this user's, outside every project: a cache folder committed to a
    repository, or made on another machine, matches nothing, so it cannot hide a finding."""
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "credlint"
    path = home / "cache-key"
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        pass
    try:
        home.mkdir(parents=True, exist_ok=True)
        write_atomically(path, os.urandom(32).hex())  # two first runs at once: the last key written is everyone's
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None


@functools.lru_cache(maxsize=1)
def _signed_code_identity() -> Optional[hmac.HMAC]:
    """The HMAC of credlint's code identity under this user's key, which every entry's starts
    from: computed once per run, not once per file."""
    salt = _machine_key()
    return hmac.new(salt, _code_identity().encode(), hashlib.sha256) if salt is not None else None


@functools.lru_cache(maxsize=1)
def _code_identity() -> str:
    """credlint's version and the size and time of each of its files: a new release or an edited
    checkout both miss every entry."""
    package = Path(__file__).parent
    stamps = sorted(
        f"{path.relative_to(package)}:{status.st_size}:{status.st_mtime_ns}"
        for path in package.rglob("*")
        if path.suffix in (".py", ".json") and (status := path.stat())
    )
    return f"{__version__}\n{FORMAT}\n" + "\n".join(stamps)


def _result_to(result: FileResult) -> dict[str, Any]:
    error = result.error
    return {
        "findings": [_finding_to(finding) for finding in result.findings],
        "error": None if error is None else [error.path, error.message, error.kind, error.blocking],
        "parsed": result.parsed,
    }


def _result_from(data: dict[str, Any]) -> FileResult:
    from credlint.engine import FileResult

    error = data["error"]
    return FileResult(
        findings=tuple(_finding_from(item) for item in data["findings"]),
        error=None if error is None else FileError(*error),
        parsed=bool(data["parsed"]),
    )


def _finding_to(finding: Finding) -> dict[str, Any]:
    explanation = finding.explanation
    return {
        "path": finding.path,
        "span": [finding.span.line, finding.span.column, finding.span.end_line, finding.span.end_column],
        "code": finding.code,
        "name": finding.name,
        "category": finding.category,
        "severity": finding.severity.value,
        "message": finding.message,
        "preview": finding.preview,
        "fingerprint": finding.fingerprint,
        "explanation": {
            "chain": explanation.chain,
            "summary": explanation.summary,
            "steps": [[s.position, s.method, s.reads, s.status, s.line] for s in explanation.steps],
            "runtime": explanation.runtime,
            "fix": explanation.fix,
        },
        "fix": None if finding.fix is None else list(astuple(finding.fix)),
    }


def _fix_from(values: list[Any]) -> Fix:
    safety, action, line, column, description, arguments = values
    return Fix(safety, action, line, column, description, tuple(arguments))


def _finding_from(data: dict[str, Any]) -> Finding:
    explanation = data["explanation"]
    return Finding(
        path=data["path"],
        span=Span(*data["span"]),
        code=data["code"],
        name=data["name"],
        category=data["category"],
        severity=Severity(data["severity"]),
        message=data["message"],
        preview=data["preview"],
        fingerprint=data["fingerprint"],
        explanation=Explanation(
            chain=explanation["chain"],
            summary=explanation["summary"],
            steps=tuple(ChainStep(*step) for step in explanation["steps"]),
            runtime=explanation["runtime"],
            fix=explanation["fix"],
        ),
        fix=None if data["fix"] is None else _fix_from(data["fix"]),
    )
