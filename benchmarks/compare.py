"""Time credlint next to the tools people already run for secrets and lint, and print ratios.

Why: the project's speed goals are ratios against the tools people already run (detect-secrets,
bandit, ruff, semgrep) and against the floor of any LibCST linter (a bare parse); this script
produces those numbers as Markdown tables. Run it with the project's virtual environment
(benchmarks/README.md has the commands and results):

    python benchmarks/compare.py --suite [--runs N] [--corpus DIR] [--sdist-dir DIR] [--packages NAME ...]
    python benchmarks/compare.py PATH [PATH ...] [--runs N] [--memory]
    python benchmarks/compare.py --single-file FILE [--runs N]
    python benchmarks/compare.py --relint FILE [--runs N]
    python benchmarks/compare.py --all-files PATH [PATH ...] [--runs N] [--before CREDLINT]

The suite is what benchmarks/README.md reports: it builds the pinned corpus (corpus.py), runs
the second form on it with --memory, times credlint and bandit on 1x, 2x and 4x copies of it,
runs the third form on benchmarks/fixtures/service_module.py and plain_module.py and the fourth
on the service module, and prints each result next to the project's goals (print_goals).

The second form collects every .py file under the PATHs once and gives that same explicit
list to every tool, each started as a subprocess and timed with time.perf_counter:

    credlint check --no-cache --no-explain --format json FILES
    credlint check --cache-dir TEMP --no-explain --format json FILES   (warm: its cache filled
                                                                        by one untimed run)
    detect-secrets scan --all-files FILES
    bandit -q -f json -t B105,B106,B107 -r FILES     (bandit's hard-coded password tests)
    ruff check --isolated --no-cache --select S105,S106,S107 --output-format json FILES
    semgrep scan --config benchmarks/semgrep-boto3-credentials.yaml --json --quiet --metrics off
        --disable-version-check --max-target-bytes MAX_FILE_SIZE FILES
    python benchmarks/libcst_floor.py PASSING FILES  (the LibCST parse floor: a bare parse of
                                                     the files credlint's prefilter passes)

It prints each tool's median, min and max wall time, its file and finding counts (parsed from
its JSON report), and its median as a ratio of credlint's cold one and of the faster of
detect-secrets and bandit. With --memory each tool then runs once more, untimed, while its
process tree is sampled (peak_memory.py): the largest single process and the whole tree. To
keep it fair:

* Files, not directories, are passed: given directories, detect-secrets lists git-tracked
  files, credlint honours .gitignore and its excludes, and bandit, ruff and semgrep their own;
  every tool checks every file named on the command line. ruff runs --isolated so that a
  project's own ruff settings (per-file ignores) do not apply; semgrep is told credlint's size
  limit instead of its own 1 MB.
* Every tool runs in the deepest directory containing all PATHs, with file names relative
  to it: detect-secrets silently skips files outside its working directory.
* A list longer than ARG_BUDGET bytes is cut into chunks, the same chunks for every tool;
  a run's time is the sum of its chunks' times.
* Every file is read once before timing so the page cache is warm for all tools, and the
  tools take turns within each run so changes in machine load are shared.
* Files over credlint's default max-file-size (MAX_FILE_SIZE) are left out for every tool:
  credlint would skip them while the peers scan them (detect-secrets takes ~40 s on moto's
  4.7 MB iam/aws_managed_policies.py), which would skew the ratios. Each one is named.
* Tools otherwise run with their defaults: credlint, detect-secrets, semgrep and the floor use
  a process (semgrep: a thread) per CPU, bandit one process; ruff uses its own threads.
* Every tool caches its bytecode, as installed tools do: PYTHONDONTWRITEBYTECODE, set in some
  sandboxes, is removed from their environment (peak_memory.TOOL_ENVIRONMENT), or an editable
  credlint alone would compile its sources in every process.
* The floor's list of files is decided once, before timing, with credlint's own prefilter
  (each Python rule's byte triggers and candidate check); the floor parses whole files.

The third form measures a save in an editor that runs each tool on the saved file: a fresh
`credlint check --no-cache FILE` (a saved file has changed, so a cache entry would not match)
next to `detect-secrets scan FILE`, `bandit -q -t B105,B106,B107 FILE`, `python -c pass` and
`python -c "import libcst"` with the same interpreter, each run in the file's directory, warmed
up once untimed, then run in turns.

The fourth form measures what the language server does after each edit: check the buffer
again in a warm process (imports done), after typing a comment at the end of a statement in
the middle function, with the buffer's PartMemo as `credlint lsp` keeps it (only the parts the
edit changed are analysed again), and without it, for comparison.

The fifth form measures a whole tree: credlint looks for hard-coded keys in every text file,
so a repository's data files (botocore's thousands of JSON service models, fixtures, docs)
cost it time too, and only a scan of everything shows that cost next to detect-secrets, which
always reads every file. It collects every regular file under the PATHs, whatever its name,
and times the second form's credlint and detect-secrets commands on that list, with the same
rules for fairness. Bandit reads only Python, so it is left out. Under the PATHs, `.git`
directories are not entered and symbolic links are left out (each one named), as are files
over MAX_FILE_SIZE. With --before, another credlint executable (say an earlier commit
installed in a scratch virtual environment) runs the same credlint command as a third tool,
"credlint (before)", in the same turns, so a change's cost is measured under the same load
as the gap to detect-secrets.

Tools are looked up next to sys.executable, then on PATH; a missing one is reported and
skipped. Only counts are printed, never what a tool found.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import shutil
import stat
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Optional

import corpus
import peak_memory

BENCHMARKS = Path(__file__).resolve().parent
SEMGREP_RULES = BENCHMARKS / "semgrep-boto3-credentials.yaml"
LIBCST_FLOOR = BENCHMARKS / "libcst_floor.py"
SERVICE_MODULE = BENCHMARKS / "fixtures" / "service_module.py"
PLAIN_MODULE = BENCHMARKS / "fixtures" / "plain_module.py"
# Bytes of file names per command line: enough for the 4x corpus in one line, within Linux's
# 2 MiB and macOS's 1 MiB for arguments and environment together.
ARG_BUDGET = 500_000
# credlint's default max-file-size; it skips larger files, so no tool is given them.
MAX_FILE_SIZE = 2_000_000
ERRORS_SHOWN = 10
# The copies of the corpus the scaling measurement times.
SCALES = (1, 2, 4)


@dataclass(frozen=True)
class Counts:
    """What a tool's JSON report says; None where the report does not say."""

    findings: Optional[int] = 0
    checked: Optional[int] = None
    errors: Optional[tuple[str, ...]] = None

    def __add__(self, other: Counts) -> Counts:
        findings = None if self.findings is None or other.findings is None else self.findings + other.findings
        checked = None if self.checked is None or other.checked is None else self.checked + other.checked
        errors = None if self.errors is None or other.errors is None else self.errors + other.errors
        return Counts(findings, checked, errors)


def credlint_counts(report: Any) -> Counts:
    errors = tuple(f"{error['kind']}: {error['path']}" for error in report["errors"])
    return Counts(report["summary"]["findings"], report["summary"]["files_checked"], errors)


def detect_secrets_counts(baseline: Any) -> Counts:
    return Counts(sum(len(secrets) for secrets in baseline["results"].values()))


def bandit_counts(report: Any) -> Counts:
    checked = sum(1 for name in report["metrics"] if name != "_totals")
    errors = tuple(f"error: {error['filename']}" for error in report["errors"])
    return Counts(len(report["results"]), checked, errors)


def ruff_counts(diagnostics: Any) -> Counts:
    unparsed = sorted({item["filename"] for item in diagnostics if item["code"] == "invalid-syntax"})
    findings = sum(1 for item in diagnostics if item["code"] != "invalid-syntax")
    return Counts(findings, None, tuple(f"invalid-syntax: {name}" for name in unparsed))


def semgrep_counts(report: Any) -> Counts:
    errors = []
    for error in report["errors"]:
        kind = error.get("type", "error")
        # A type is a name, or a list whose first item is the name.
        errors.append(f"{kind[0] if isinstance(kind, list) else kind}: {error.get('path', '-')}")
    return Counts(len(report["results"]), len(report["paths"]["scanned"]), tuple(errors))


def floor_counts(report: Any) -> Counts:
    return Counts(None, report["parsed"], tuple(f"parse error: {name}" for name in report["failed"]))


@dataclass(frozen=True)
class Tool:
    name: str
    # A name looked up with find_tool, or a path.
    program: str
    arguments: tuple[str, ...]
    ok_statuses: frozenset[int]
    count: Callable[[Any], Counts]
    # Run once, untimed, before the timed runs: a cache's first run is a cold one.
    primed: bool = False


CREDLINT = Tool(
    "credlint (cold)",
    "credlint",
    ("check", "--no-cache", "--no-explain", "--format", "json"),
    # 1: findings; 2: some files could not be checked, listed in the report's errors.
    frozenset({0, 1, 2}),
    credlint_counts,
)


def warm_credlint(cache_directory: Path) -> Tool:
    """credlint again, with its result cache kept in cache_directory and filled before timing."""
    arguments = ("check", "--cache-dir", str(cache_directory), "--no-explain", "--format", "json")
    return replace(CREDLINT, name="credlint (warm)", arguments=arguments, primed=True)


def libcst_floor(passing_list: Path) -> Tool:
    """A bare LibCST parse of the files named in passing_list, of those on its command line."""
    return Tool(
        "libcst parse floor",
        sys.executable,
        (str(LIBCST_FLOOR), str(passing_list)),
        frozenset({0}),
        floor_counts,
    )


DETECT_SECRETS = Tool(
    "detect-secrets", "detect-secrets", ("scan", "--all-files"), frozenset({0}), detect_secrets_counts
)
BANDIT = Tool("bandit", "bandit", ("-q", "-f", "json", "-t", "B105,B106,B107", "-r"), frozenset({0, 1}), bandit_counts)
PEERS = (DETECT_SECRETS, BANDIT)
RUFF = Tool(
    "ruff",
    "ruff",
    ("check", "--isolated", "--no-cache", "--select", "S105,S106,S107", "--output-format", "json"),
    frozenset({0, 1}),
    ruff_counts,
)
SEMGREP = Tool(
    "semgrep",
    "semgrep",
    (
        "scan",
        "--config",
        str(SEMGREP_RULES),
        "--json",
        "--quiet",
        "--metrics",
        "off",
        "--disable-version-check",
        "--max-target-bytes",
        str(MAX_FILE_SIZE),
    ),
    frozenset({0}),
    semgrep_counts,
)


@dataclass(frozen=True)
class Job:
    """One tool on one list of files: what takes turns with the others in each run."""

    label: str
    tool: Tool
    chunks: Sequence[Sequence[str]]


class ToolFailed(Exception):
    """A tool exited with an unexpected status or wrote no readable JSON report."""

    def __init__(self, reason: str, stderr: str) -> None:
        super().__init__(reason)
        self.stderr = stderr


@dataclass
class Measurement:
    executable: str
    times: list[float] = field(default_factory=list)
    counts: Counts = Counts()
    stderr: list[str] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def find_tool(program: str) -> Optional[str]:
    """A path as it is if it can be run; else the program in the running interpreter's bin directory, else on PATH."""
    if os.path.isabs(program):
        return program if os.access(program, os.X_OK) else None
    beside = Path(sys.executable).parent / program
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which(program)


def timed(command: Sequence[str], cwd: Optional[Path] = None) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    completed = subprocess.run(
        command, cwd=cwd, capture_output=True, encoding="utf-8", errors="replace", env=peak_memory.TOOL_ENVIRONMENT
    )
    return time.perf_counter() - start, completed


def python_files(paths: Sequence[Path]) -> list[Path]:
    found: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found.update(candidate for candidate in path.rglob("*.py") if candidate.is_file())
        elif path.suffix == ".py":
            found.add(path)
    return sorted(found)


def every_file(paths: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """Every regular file under the paths, and the symbolic links and other non-regular files under them.

    A PATH given is followed even if it is a link; below it `.git` directories are not entered
    and links are not followed.
    """
    found: set[Path] = set()
    left_out: set[Path] = set()
    for path in paths:
        if not path.is_dir():
            (found if path.is_file() else left_out).add(path)
            continue
        for directory, directory_names, file_names in os.walk(path):
            directory_names[:] = [name for name in directory_names if name != ".git"]
            for name in (*directory_names, *file_names):
                candidate = Path(directory, name)
                mode = candidate.lstat().st_mode
                if stat.S_ISREG(mode):
                    found.add(candidate)
                elif not stat.S_ISDIR(mode):
                    left_out.add(candidate)
    return sorted(found), sorted(left_out)


def within_max_file_size(files: Sequence[Path]) -> list[Path]:
    """The files credlint would not skip for their size; each one left out is named."""
    kept: list[Path] = []
    for path in files:
        if path.stat().st_size <= MAX_FILE_SIZE:
            kept.append(path)
        else:
            print(f"left out (over {MAX_FILE_SIZE:,} bytes, credlint's max-file-size): {path}")
    return kept


def common_root(paths: Sequence[Path]) -> Path:
    return Path(os.path.commonpath([path if path.is_dir() else path.parent for path in paths]))


def relative_names(files: Iterable[Path], root: Path) -> list[str]:
    return [path.relative_to(root).as_posix() for path in files]


def chunked(names: Sequence[str], budget: int = ARG_BUDGET) -> list[list[str]]:
    chunks: list[list[str]] = [[]]
    size = 0
    for name in names:
        cost = len(os.fsencode(name)) + 1
        if chunks[-1] and size + cost > budget:
            chunks.append([])
            size = 0
        chunks[-1].append(name)
        size += cost
    return chunks


def warm_page_cache(files: Sequence[Path]) -> None:
    for path in files:
        path.read_bytes()


def passing_prefilter(files: Sequence[Path]) -> list[Path]:
    """The files credlint hands to LibCST: some Python rule's byte triggers and candidate check pass them."""
    from credlint.file_kinds import PYTHON
    from credlint.prefilter import FileProbe
    from credlint.registry import RULES

    python_rules = [info for info in RULES.values() if info.implementation_for(PYTHON)]
    passing = []
    for path in files:
        probe = FileProbe(path.read_bytes())
        if any(info.triggered_by(probe) for info in python_rules):
            passing.append(path)
    return passing


def read_report(tool: Tool, stdout: str, returncode: int, stderr: str) -> Counts:
    if returncode not in tool.ok_statuses:
        raise ToolFailed(f"exit status {returncode}", stderr)
    try:
        return tool.count(json.loads(stdout))
    except (ValueError, KeyError, TypeError) as error:
        raise ToolFailed(f"no readable JSON report ({error!r})", stderr) from None


def run_once(
    tool: Tool, executable: str, chunks: Sequence[Sequence[str]], cwd: Path
) -> tuple[float, Counts, list[str]]:
    """One run of a tool over every chunk: total seconds, summed counts, non-empty stderr."""
    seconds, counts, stderr = 0.0, Counts(0, 0, ()), []
    for chunk in chunks:
        elapsed, completed = timed([executable, *tool.arguments, *chunk], cwd)
        counts += read_report(tool, completed.stdout, completed.returncode, completed.stderr)
        seconds += elapsed
        if completed.stderr.strip():
            stderr.append(completed.stderr)
    return seconds, counts, stderr


def located(jobs: Sequence[Job]) -> dict[str, str]:
    """Each job's executable by label; a job whose tool is missing is reported and left out."""
    executables: dict[str, str] = {}
    for job in jobs:
        executable = find_tool(job.tool.program)
        if executable is None:
            print(f"{job.label}: {job.tool.program} not found next to {sys.executable} or on PATH; skipped")
        else:
            executables[job.label] = executable
    return executables


def measure(jobs: Sequence[Job], cwd: Path, runs: int) -> dict[str, Measurement]:
    """Run the jobs in turns, `runs` times; a job that fails is reported and dropped."""
    measurements = {label: Measurement(executable) for label, executable in located(jobs).items()}
    by_label = {job.label: job for job in jobs}
    for label, measurement in measurements.items():
        job = by_label[label]
        if job.tool.primed:
            run_once(job.tool, measurement.executable, job.chunks, cwd)
    for run in range(1, runs + 1):
        for label in list(measurements):
            measurement, job = measurements[label], by_label[label]
            try:
                seconds, counts, stderr = run_once(job.tool, measurement.executable, job.chunks, cwd)
            except ToolFailed as failure:
                print(f"{label}: failed in run {run}: {failure}; skipped. Its stderr:")
                print(failure.stderr.rstrip() or "(empty)")
                del measurements[label]
                continue
            measurement.times.append(seconds)
            measurement.counts = counts
            measurement.stderr.extend(text for text in stderr if text not in measurement.stderr)
            print(f"  run {run}/{runs}: {label} {seconds:.2f}s", flush=True)
    return measurements


def ratio(seconds: Optional[float], reference: Optional[float]) -> str:
    """seconds as a multiple of the reference's: below 1x is faster."""
    if seconds is None or not reference:
        return "-"
    return f"{seconds / reference:.2f}x"


def optional(value: Optional[int]) -> str:
    return "-" if value is None else f"{value:,}"


def median_of(measurements: Mapping[str, Measurement], label: str) -> Optional[float]:
    measurement = measurements.get(label)
    return measurement.median if measurement else None


def fastest_peer(measurements: Mapping[str, Measurement]) -> Optional[float]:
    """The lower median of detect-secrets and bandit, of those measured."""
    medians = [measurements[tool.name].median for tool in PEERS if tool.name in measurements]
    return min(medians) if medians else None


def print_markdown(header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    print("\n| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


def print_table(measurements: Mapping[str, Measurement], file_count: int) -> None:
    credlint = median_of(measurements, CREDLINT.name)
    peer = fastest_peer(measurements)
    rows = []
    for name, measurement in measurements.items():
        counts = measurement.counts
        errors = None if counts.errors is None else len(counts.errors)
        rows.append(
            [
                name,
                f"{measurement.median:.2f} s",
                f"{min(measurement.times):.2f} s",
                f"{max(measurement.times):.2f} s",
                f"{file_count:,}",
                optional(counts.checked),
                optional(errors),
                optional(counts.findings),
                ratio(measurement.median, credlint),
                ratio(measurement.median, peer),
            ]
        )
    header = ["tool", "median", "min", "max", "files", "checked", "errors", "findings"]
    print_markdown([*header, "vs credlint (cold)", "vs faster of detect-secrets, bandit"], rows)
    print(
        "\nfiles: given to the tool; checked/errors: as its report says ('-': it does not say); "
        "ratios: median over the other's median, below 1x is faster"
    )


def print_notes(measurements: Mapping[str, Measurement]) -> None:
    for name, measurement in measurements.items():
        errors = measurement.counts.errors or ()
        if errors:
            print(f"\n{name} could not check {len(errors)} file(s):")
            for error in errors[:ERRORS_SHOWN]:
                print(f"  {error}")
            if len(errors) > ERRORS_SHOWN:
                print(f"  ... and {len(errors) - ERRORS_SHOWN} more")
        for text in measurement.stderr:
            print(f"\n{name} wrote to stderr:\n{text.rstrip()}")


def compare(paths: Sequence[Path], runs: int, memory: bool) -> dict[str, Measurement]:
    """The second form: every tool on the .py files under the paths, and with memory their peaks."""
    files = within_max_file_size(python_files(paths))
    if not files:
        print("no .py files to check under the given paths")
        return {}
    root = common_root(paths)
    with tempfile.TemporaryDirectory() as scratch:
        passing_list = Path(scratch, "passing.txt")
        passing = relative_names(passing_prefilter(files), root)
        passing_list.write_text("".join(f"{name}\n" for name in passing), encoding="utf-8")
        tools = (
            CREDLINT,
            warm_credlint(Path(scratch, "cache")),
            *PEERS,
            RUFF,
            SEMGREP,
            libcst_floor(passing_list),
        )
        measurements, jobs = compare_on(root, len(paths), files, ".py files", tools, runs)
        if memory:
            print_memory(measure_memory([job for job in jobs if job.label in measurements], root, measurements))
    print_notes(measurements)
    return measurements


def compare_all_files(paths: Sequence[Path], runs: int, before: Optional[str]) -> int:
    """The fifth form: every regular file under the paths; credlint (and credlint before) next to detect-secrets."""
    collected, left_out = every_file(paths)
    for path in left_out:
        print(f"left out (symbolic link or not a regular file): {path}")
    files = within_max_file_size(collected)
    if not files:
        print("no files to check under the given paths")
        return 1
    suffixes = Counter(path.suffix or "(none)" for path in files).most_common(5)
    print("most common suffixes: " + ", ".join(f"{count} {suffix}" for suffix, count in suffixes))
    # An earlier credlint may predate --no-cache; it is given the options every version has.
    before_tool = (
        None
        if before is None
        else replace(
            CREDLINT, name="credlint (before)", program=before, arguments=("check", "--no-explain", "--format", "json")
        )
    )
    tools = [CREDLINT] + ([before_tool] if before_tool else []) + [DETECT_SECRETS]
    measurements, _ = compare_on(common_root(paths), len(paths), files, "files", tools, runs)
    if before_tool and {CREDLINT.name, before_tool.name} <= measurements.keys():
        # The change's cost, finer than the table's two decimals.
        after_median = measurements[CREDLINT.name].median
        before_median = measurements[before_tool.name].median
        print(
            f"{CREDLINT.name} median / {before_tool.name} median: {after_median / before_median:.3f} "
            f"({after_median - before_median:+.2f}s)"
        )
    print_notes(measurements)
    return 0 if CREDLINT.name in measurements else 1


def compare_on(
    root: Path, path_count: int, files: Sequence[Path], what: str, tools: Sequence[Tool], runs: int
) -> tuple[dict[str, Measurement], list[Job]]:
    """Time the tools on the same explicit list of files, run in root, and print the table."""
    chunks = chunked(relative_names(files, root))
    jobs = [Job(tool.name, tool, chunks) for tool in tools]
    warm_page_cache(files)
    print(
        f"{len(files)} {what} under {path_count} path(s); every tool runs in {root} on the same list, "
        f"{len(chunks)} command line(s) per run; {runs} run(s); {os.cpu_count()} CPU(s)"
    )
    measurements = measure(jobs, root, runs)
    print_table(measurements, len(files))
    return measurements, jobs


def measure_memory(
    jobs: Sequence[Job], cwd: Path, measurements: Mapping[str, Measurement]
) -> dict[str, peak_memory.PeakMemory]:
    """One more run of each job, untimed, sampling its process tree; a job that fails is reported and left out."""
    if not peak_memory.supported():
        print("\npeak memory: needs Linux's /proc; not measured")
        return {}
    print("\npeak memory: one more run of each tool, untimed", flush=True)
    peaks: dict[str, peak_memory.PeakMemory] = {}
    for job in jobs:
        executable = measurements[job.label].executable
        try:
            for chunk in job.chunks:
                completed = peak_memory.run([executable, *job.tool.arguments, *chunk], cwd)
                read_report(job.tool, completed.stdout, completed.returncode, completed.stderr)
                earlier = peaks.get(job.label)
                peaks[job.label] = completed.memory if earlier is None else earlier | completed.memory
        except ToolFailed as failure:
            print(f"{job.label}: failed in its memory run: {failure}; left out")
            peaks.pop(job.label, None)
    return peaks


def print_memory(peaks: Mapping[str, peak_memory.PeakMemory]) -> None:
    if not peaks:
        return
    rows = [
        [label, f"{peak.largest_process_kib / 1024:,.0f} MiB", f"{peak.tree_kib / 1024:,.0f} MiB", str(peak.processes)]
        for label, peak in peaks.items()
    ]
    print_markdown(["tool", "largest process (peak RSS)", "process tree (peak of summed RSS)", "processes seen"], rows)
    largest = "from GNU time and samples" if peak_memory.has_gnu_time() else "sampled only (no GNU time)"
    print(
        f"\nlargest process: {largest}; process tree: sampled every {peak_memory.POLL_SECONDS * 1000:.0f} ms, "
        "pages shared by forked workers count once per process, so it is an upper bound"
    )


def scaling(corpus_root: Path, sdists: Sequence[corpus.Sdist], runs: int) -> None:
    """credlint (cold) and bandit on 1x, 2x and 4x copies of the corpus, all in turns; a table of medians."""
    tools = (CREDLINT, BANDIT)
    jobs: list[Job] = []
    file_counts: dict[int, int] = {}
    for scale in SCALES:
        files = within_max_file_size(python_files(corpus.package_sources(corpus_root, sdists, scale)))
        warm_page_cache(files)
        file_counts[scale] = len(files)
        chunks = chunked(relative_names(files, corpus_root))
        jobs.extend(Job(f"{tool.name} {scale}x", tool, chunks) for tool in tools)
    print(f"{', '.join(f'{scale}x: {count} files' for scale, count in file_counts.items())}; {runs} run(s)")
    measurements = measure(jobs, corpus_root, runs)
    rows = []
    for scale in SCALES:
        row = [f"{scale}x", f"{file_counts[scale]:,}"]
        for tool in tools:
            seconds = median_of(measurements, f"{tool.name} {scale}x")
            single = median_of(measurements, f"{tool.name} 1x")
            row += ["-", "-"] if seconds is None else [f"{seconds:.2f} s", ratio(seconds, single)]
        rows.append(row)
    header = ["corpus", "files"]
    for tool in tools:
        header += [f"{tool.name} median", f"{tool.name} / its 1x"]
    print_markdown(header, rows)


ON_SAVE_CREDLINT = "credlint check --no-cache FILE"
ON_SAVE_DETECT_SECRETS = "detect-secrets scan FILE"
ON_SAVE_BANDIT = "bandit -q -t B105,B106,B107 FILE"


def on_save(path: Path, runs: int) -> dict[str, float]:
    """The third form: a fresh process of each tool on one file, in turns; medians by command."""
    programs = {
        ON_SAVE_CREDLINT: ("credlint", ("check", "--no-cache")),
        ON_SAVE_DETECT_SECRETS: ("detect-secrets", ("scan",)),
        ON_SAVE_BANDIT: ("bandit", ("-q", "-t", "B105,B106,B107")),
    }
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        'python -c "import libcst"': [sys.executable, "-c", "import libcst"],
    }
    for label, (program, arguments) in programs.items():
        executable = find_tool(program)
        if executable is None:
            print(f"{label}: {program} not found next to {sys.executable} or on PATH; skipped")
        else:
            commands[label] = [executable, *arguments, path.name]
    times: dict[str, list[float]] = {label: [] for label in commands}
    for run in range(runs + 1):
        for label, command in commands.items():
            seconds, completed = timed(command, path.parent)
            # Each writes to stderr only when something went wrong; 1: findings for credlint and bandit.
            if completed.returncode not in (0, 1) or completed.stderr.strip():
                print(f"{label}: exit status {completed.returncode}. Its stderr:")
                print(completed.stderr.rstrip() or "(empty)")
                return {}
            if run:
                times[label].append(seconds)
    line_count = len(path.read_bytes().splitlines())
    print(f"{path} ({line_count} lines); interpreter {sys.executable}; {runs} run(s) after one warm-up")
    medians = {label: statistics.median(samples) for label, samples in times.items()}
    credlint = medians.get(ON_SAVE_CREDLINT)
    rows = [
        [
            f"`{label}`",
            f"{medians[label] * 1000:.0f} ms",
            f"{min(samples) * 1000:.0f} ms",
            f"{max(samples) * 1000:.0f} ms",
            ratio(medians[label], credlint),
        ]
        for label, samples in times.items()
    ]
    print_markdown(["command", "median", "min", "max", "vs credlint"], rows)
    return medians


def relint(path: Path, runs: int) -> float:
    """The language server's cost per edit, the median: check_source in a warm process with the
    buffer's PartMemo, as `credlint lsp` keeps it, after typing in one function of the buffer;
    the same check without the memo (the whole buffer analysed) is printed for comparison."""
    import ast

    from credlint.api import check_source
    from credlint.config import ConfigFinder, Overrides
    from credlint.engine import PartMemo

    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    functions = [node for node in ast.walk(ast.parse(text)) if isinstance(node, ast.FunctionDef) and node.body]
    edited_line = (functions[len(functions) // 2].body[0].end_lineno or 1) - 1  # a statement in the middle function
    memo = PartMemo()
    check_source(path, text.encode(), ConfigFinder(Overrides()), memo)  # the buffer as opened; imports done
    samples: dict[str, list[float]] = {"with the buffer's memo": [], "whole buffer": []}
    for run in range(max(runs, 5)):
        typed = lines[edited_line].rstrip("\n") + f"  # typed {run}\n"
        edited = "".join([*lines[:edited_line], typed, *lines[edited_line + 1 :]]).encode()
        for label, kept in (("with the buffer's memo", memo), ("whole buffer", None)):
            start = time.perf_counter()
            report = check_source(path, edited, ConfigFinder(Overrides()), kept)
            samples[label].append(time.perf_counter() - start)
    print(
        f"{path} ({len(lines)} lines), {len(samples['whole buffer'])} checks after typing on line "
        f"{edited_line + 1}, {len(report.findings)} finding(s)"
    )
    for label, times in samples.items():
        print(
            f"{label}: median {statistics.median(times) * 1000:.1f}ms, min {min(times) * 1000:.1f}ms, "
            f"max {max(times) * 1000:.1f}ms per check"
        )
    return statistics.median(samples["with the buffer's memo"])


@dataclass(frozen=True)
class Goal:
    """One of the project's speed goals: a measured figure that should be at most `limit`."""

    what: str
    value: Optional[float]
    limit: float
    unit: str

    def row(self) -> list[str]:
        target = f"<= {self.limit:g}{self.unit}"
        if self.value is None:
            return [self.what, "not measured", target, "-"]
        return [self.what, f"{self.value:.2f}{self.unit}", target, "yes" if self.value <= self.limit else "no"]


def quotient(measured: Optional[float], reference: Optional[float]) -> Optional[float]:
    return None if measured is None or not reference else measured / reference


def print_goals(
    corpus_times: Mapping[str, Measurement],
    service: Mapping[str, float],
    plain: Mapping[str, float],
    relint_seconds: Optional[float],
) -> None:
    cold, warm = median_of(corpus_times, CREDLINT.name), median_of(corpus_times, "credlint (warm)")
    goals = (
        Goal("cold scan / faster of detect-secrets, bandit", quotient(cold, fastest_peer(corpus_times)), 0.2, "x"),
        Goal("warm re-scan / ruff", quotient(warm, median_of(corpus_times, RUFF.name)), 3, "x"),
        Goal(
            "on save, service module: credlint / detect-secrets",
            quotient(service.get(ON_SAVE_CREDLINT), service.get(ON_SAVE_DETECT_SECRETS)),
            1,
            "x",
        ),
        Goal(
            "on save, plain module: credlint / bandit",
            quotient(plain.get(ON_SAVE_CREDLINT), plain.get(ON_SAVE_BANDIT)),
            1,
            "x",
        ),
        Goal(
            "language-server re-check, service module",
            None if relint_seconds is None else relint_seconds * 1000,
            50,
            " ms",
        ),
    )
    print_markdown(["goal", "measured", "target", "met"], [goal.row() for goal in goals])


def print_versions() -> None:
    """What was measured: each tool's version, LibCST's, and the credlint commit, marked when the tree has changes."""
    for program in ("credlint", "detect-secrets", "bandit", "ruff", "semgrep"):
        executable = find_tool(program)
        if executable is None:
            print(f"- {program}: not found")
            continue
        completed = subprocess.run([executable, "--version"], capture_output=True, text=True, check=False)
        first_line = (completed.stdout or completed.stderr).strip().splitlines()[:1]
        print(f"- {program}: {first_line[0] if first_line else '(no version printed)'}")
    print(f"- libcst: {importlib.metadata.version('libcst')}")
    repository = BENCHMARKS.parent
    commit = subprocess.run(
        ["git", "-C", str(repository), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    changes = subprocess.run(["git", "-C", str(repository), "status", "--porcelain"], capture_output=True, text=True)
    if commit.returncode == 0:
        changed = " with uncommitted changes" if changes.stdout.strip() else ""
        print(f"- credlint source: commit {commit.stdout.strip()}{changed}")


def suite(corpus_root: Path, sdists: Sequence[corpus.Sdist], sdist_dir: Optional[Path], runs: int) -> int:
    """Everything benchmarks/README.md reports, in order, with the goals at the end."""
    print(f"# credlint benchmark suite\n\n{runs} run(s); {os.cpu_count()} CPU(s); Python {sys.version.split()[0]}\n")
    print_versions()
    print(f"\n## Corpus\n\nbuilding {corpus_root} ...", flush=True)
    try:
        corpus.build(corpus_root, sdists, max(SCALES), sdist_dir)
    except (corpus.CorpusError, OSError) as error:
        print(f"corpus not built: {error}")
        return 1
    print("\n## Cold, warm and peers on the corpus (1x), and peak memory\n", flush=True)
    corpus_times = compare(corpus.package_sources(corpus_root, sdists), runs, memory=True)
    print("\n## Scaling: 1x, 2x, 4x copies of the corpus\n", flush=True)
    scaling(corpus_root, sdists, runs)
    print(f"\n## On save: {SERVICE_MODULE.name}\n", flush=True)
    service = on_save(SERVICE_MODULE, runs)
    print(f"\n## On save: {PLAIN_MODULE.name}\n", flush=True)
    plain = on_save(PLAIN_MODULE, runs)
    print(f"\n## Language-server re-check: {SERVICE_MODULE.name}\n", flush=True)
    relint_seconds = relint(SERVICE_MODULE, runs)
    print("\n## Goals", flush=True)
    print_goals(corpus_times, service, plain, relint_seconds)
    return 0 if CREDLINT.name in corpus_times else 1


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time credlint next to detect-secrets, bandit, ruff and semgrep; see the docstring."
    )
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="files or directories to scan")
    parser.add_argument("--runs", type=positive_int, default=5, help="timed runs per tool (default 5)")
    parser.add_argument("--suite", action="store_true", help="build the corpus and run every measurement in order")
    parser.add_argument("--memory", action="store_true", help="with PATHs: also measure each tool's peak memory")
    parser.add_argument("--single-file", type=Path, metavar="FILE", help="measure a save of one file instead")
    parser.add_argument("--relint", type=Path, metavar="FILE", help="measure a warm check after an edit instead")
    parser.add_argument(
        "--all-files", action="store_true", help="scan every file under the PATHs, not only .py; bandit left out"
    )
    parser.add_argument(
        "--before", metavar="CREDLINT", help="with --all-files: another credlint executable to time next to this one"
    )
    corpus.add_corpus_arguments(parser)
    args = parser.parse_args(argv)
    modes = [bool(args.paths), args.single_file is not None, args.relint is not None, args.suite]
    if sum(modes) != 1:
        parser.error("give one or more PATHs, or --single-file FILE, or --relint FILE, or --suite")
    if (args.all_files or args.memory) and not args.paths:
        parser.error("--all-files and --memory go with PATHs")
    if args.all_files and args.memory:
        parser.error("--memory goes with the .py comparison, not --all-files")
    if args.before is not None:
        if not args.all_files:
            parser.error("--before goes with --all-files")
        executable = shutil.which(args.before)
        if executable is None:
            parser.error(f"--before: no executable {args.before}")
        args.before = str(Path(executable).absolute())
    given = [*args.paths, *(path for path in (args.single_file, args.relint) if path is not None)]
    missing = [path for path in given if not path.exists()]
    if missing:
        parser.error(f"no such file or directory: {missing[0]}")
    args.paths = [path.absolute() for path in args.paths]
    return args


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    if args.suite:
        return suite(args.corpus.absolute(), corpus.chosen_sdists(args.packages), args.sdist_dir, args.runs)
    if args.single_file is not None:
        return 0 if on_save(args.single_file.absolute(), args.runs) else 1
    if args.relint is not None:
        relint(args.relint, args.runs)
        return 0
    if args.all_files:
        return compare_all_files(args.paths, args.runs, args.before)
    return 0 if CREDLINT.name in compare(args.paths, args.runs, args.memory) else 1


if __name__ == "__main__":
    sys.exit(main())
