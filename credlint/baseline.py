"""Baselines: adopt credlint on an existing code base and report only what is new.

Entries are keyed by code, path and the finding's salted fingerprint (never line numbers, so
edits above a finding do not revive it), counted when one file repeats a finding, sorted, and
written without timestamps so that the file merges cleanly. No entry holds a secret.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from credlint.finding import Finding

BASELINE_VERSION = 1
BaselineKey = tuple[str, str, str]


class BaselineError(ValueError):
    """A baseline file that cannot be read, in one line."""


def _key(finding: Finding, anchor: Path) -> BaselineKey:
    """Paths are stored relative to the baseline file, so any working directory gives the same key."""
    path = Path(os.path.relpath(Path(finding.path).absolute(), anchor)).as_posix()
    return (finding.code, path, finding.fingerprint)


def render_baseline(findings: Iterable[Finding], baseline_path: Path) -> str:
    anchor = baseline_path.absolute().parent
    counts = Counter(_key(finding, anchor) for finding in findings)
    ordered = sorted(counts.items(), key=lambda item: (item[0][1], item[0][0], item[0][2]))
    entries = [
        {"code": code, "path": path, "fingerprint": fingerprint, "count": count}
        for (code, path, fingerprint), count in ordered
    ]
    document = {"version": BASELINE_VERSION, "tool": "credlint", "findings": entries}
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def read_baseline(baseline_path: Path) -> Counter[BaselineKey]:
    try:
        document = json.loads(baseline_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"{baseline_path}: no such baseline file (create it with `credlint baseline`)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BaselineError(f"{baseline_path}: not a readable baseline ({error})") from None
    if not isinstance(document, dict) or document.get("version") != BASELINE_VERSION:
        raise BaselineError(f"{baseline_path}: not a credlint baseline of version {BASELINE_VERSION}")
    try:
        entries = document["findings"]
        return Counter({(entry["code"], entry["path"], entry["fingerprint"]): int(entry["count"]) for entry in entries})
    except (KeyError, TypeError, ValueError):
        raise BaselineError(f"{baseline_path}: a baseline entry lacks code, path, fingerprint or count") from None


def new_findings(findings: Iterable[Finding], baseline_path: Path) -> tuple[list[Finding], int]:
    """The findings the baseline does not already hold, and how many it held."""
    remaining = read_baseline(baseline_path)
    anchor = baseline_path.absolute().parent
    fresh: list[Finding] = []
    known = 0
    for finding in findings:
        key = _key(finding, anchor)
        if remaining[key] > 0:
            remaining[key] -= 1
            known += 1
        else:
            fresh.append(finding)
    return fresh, known
