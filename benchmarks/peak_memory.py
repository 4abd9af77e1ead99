"""Run a command and measure the peak memory of its whole process tree (Linux).

Why: credlint, detect-secrets and semgrep work in several processes, so the peak RSS of the
process started says little. Two figures are kept:

* the largest process: the highest peak RSS of any one process of the tree. GNU time reports
  it exactly (the kernel keeps, for each process, the highest peak of the descendants it
  waited for); each process's VmHWM, as sampled, is taken too. The command runs under GNU
  time because a child of this Python process would carry this process's own peak: the
  kernel counts the memory a child had before it replaced itself with the command;
* the tree: the highest sum of the RSS of the tree's processes at one sample, sampled every
  POLL_SECONDS by walking /proc. Pages shared between processes (a forked worker's copy of
  its parent) are counted in each, so this is an upper bound; never below the largest process.

Without GNU time the largest process is sampled only, and a peak in a process's last
POLL_SECONDS can be missed.
"""

from __future__ import annotations

import functools
import os
import subprocess
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

POLL_SECONDS = 0.05
GNU_TIME = "/usr/bin/time"
# Every tool runs as installed, caching its bytecode: pip compiled the peers' when it installed
# them, and an editable credlint writes its own on the first run. PYTHONDONTWRITEBYTECODE, set in
# some sandboxes, would make credlint alone compile its sources in every process.
TOOL_ENVIRONMENT = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


@dataclass(frozen=True)
class PeakMemory:
    largest_process_kib: int
    tree_kib: int
    processes: int

    def __or__(self, other: PeakMemory) -> PeakMemory:
        """The peaks of two runs, one after the other: the higher of each."""
        return PeakMemory(
            max(self.largest_process_kib, other.largest_process_kib),
            max(self.tree_kib, other.tree_kib),
            max(self.processes, other.processes),
        )


@dataclass(frozen=True)
class Completed:
    returncode: int
    stdout: str
    stderr: str
    memory: PeakMemory


def supported() -> bool:
    return Path("/proc/self/status").is_file()


@functools.cache
def has_gnu_time() -> bool:
    """Whether GNU_TIME is GNU time, which has -f and -o (BusyBox's and the BSDs' have not)."""
    try:
        completed = subprocess.run([GNU_TIME, "--version"], capture_output=True, text=True, check=False)
    except OSError:
        return False
    return "GNU" in completed.stdout + completed.stderr


def children_by_parent() -> dict[int, list[int]]:
    children: dict[int, list[int]] = defaultdict(list)
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text(encoding="utf-8", errors="replace")
        except OSError:  # it exited while we looked
            continue
        # The parent's id follows the state, after the ')' that ends the command name, which may hold spaces.
        children[int(stat.rpartition(")")[2].split()[1])].append(int(entry.name))
    return children


def descendants(root: int) -> list[int]:
    children = children_by_parent()
    found, waiting = [], list(children.get(root, ()))
    while waiting:
        pid = waiting.pop()
        found.append(pid)
        waiting.extend(children.get(pid, ()))
    return found


def resident_kib(pid: int) -> Optional[tuple[int, int]]:
    """The process's RSS now and its peak RSS (VmHWM) in KiB; None once it has exited."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    if "VmRSS" not in fields or "VmHWM" not in fields:  # a zombie: its memory is gone
        return None
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def run(command: Sequence[str], cwd: Optional[Path] = None) -> Completed:
    """Run the command to its end, sampling its process tree, and return its output and peaks."""
    with (
        tempfile.TemporaryFile() as stdout,
        tempfile.TemporaryFile() as stderr,
        tempfile.TemporaryDirectory() as scratch,
    ):
        report = Path(scratch, "maxrss")
        wrapped = has_gnu_time()
        started = [GNU_TIME, "-f", "%M", "-o", str(report), *command] if wrapped else list(command)
        process = subprocess.Popen(started, cwd=cwd, stdout=stdout, stderr=stderr, env=TOOL_ENVIRONMENT)
        largest = tree_total = 0
        seen: set[int] = set()
        while process.poll() is None:
            total = 0
            # GNU time itself, a few MiB, is left out of the tree.
            for pid in descendants(process.pid) if wrapped else [process.pid, *descendants(process.pid)]:
                sample = resident_kib(pid)
                if sample is not None:
                    seen.add(pid)
                    total += sample[0]
                    largest = max(largest, sample[1])
            tree_total = max(tree_total, total)
            time.sleep(POLL_SECONDS)
        if wrapped:
            # The last line is the figure; a line before it may say how the command exited.
            largest = max(largest, int(report.read_text(encoding="utf-8").split()[-1]))
        stdout.seek(0)
        stderr.seek(0)
        return Completed(
            process.returncode,
            stdout.read().decode("utf-8", errors="replace"),
            stderr.read().decode("utf-8", errors="replace"),
            PeakMemory(largest, max(tree_total, largest), len(seen)),
        )
