"""Time credlint next to detect-secrets and bandit on the same files, and print ratios.

Why: the README promises a speed comparison with the tools people already run for secrets;
this script produces those numbers. Run it with the project's virtual environment:

    python benchmarks/compare.py PATH [PATH ...] [--runs N]      # default 5 runs
    python benchmarks/compare.py --single-file FILE [--runs N]
    python benchmarks/compare.py --relint FILE [--runs N]
    python benchmarks/compare.py --all-files PATH [PATH ...] [--runs N] [--before CREDLINT]

The first form collects every .py file under the PATHs once and gives that same explicit
list to every tool, each started as a subprocess and timed with time.perf_counter:

    credlint check --no-cache --no-explain --format json FILES
    credlint check --cache-dir TEMP --no-explain --format json FILES   (warm: its cache filled
                                                                        by one untimed run)
    detect-secrets scan --all-files FILES
    bandit -q -f json -t B105,B106,B107 -r FILES     (bandit's hard-coded password tests)

It prints each tool's median, min and max wall time, its file and finding counts (parsed
from its JSON report) and each peer's median as a ratio of credlint's. To keep it fair:

* Files, not directories, are passed: given directories, detect-secrets lists git-tracked
  files, credlint honours .gitignore and its excludes and bandit its own; all three check
  every file named on the command line.
* Every tool runs in the deepest directory containing all PATHs, with file names relative
  to it: detect-secrets silently skips files outside its working directory.
* A list longer than ARG_BUDGET bytes is cut into chunks, the same chunks for every tool;
  a run's time is the sum of its chunks' times.
* Every file is read once before timing so the page cache is warm for all tools, and the
  tools take turns within each run so changes in machine load are shared.
* Files over credlint's default max-file-size (MAX_FILE_SIZE) are left out for every tool:
  credlint would skip them while the peers scan them (detect-secrets takes ~40 s on moto's
  4.7 MB iam/aws_managed_policies.py), which would skew the ratios. Each one is named.
* Tools otherwise run with their defaults: credlint and detect-secrets use a process per
  CPU, bandit one process.

The second form measures start-up: a fresh `credlint check FILE` process next to
`python -c pass` and `python -c "import libcst"` with the same interpreter, each warmed up
once untimed, then run in turns.

The third form measures what the language server does after each edit: check the buffer
again in a warm process (imports done), with a one-character edit before every check, so
nothing is reused between checks.

The fourth form measures a whole tree: credlint looks for hard-coded keys in every text file,
so a repository's data files (botocore's thousands of JSON service models, fixtures, docs)
cost it time too, and only a scan of everything shows that cost next to detect-secrets, which
always reads every file. It collects every regular file under the PATHs, whatever its name,
and times the first form's credlint and detect-secrets commands on that list, with the same
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
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Optional

# Bytes of file names per command line; Linux allows 2 MiB of arguments, macOS 1 MiB.
ARG_BUDGET = 100_000
# credlint's default max-file-size; it skips larger files, so no tool is given them.
MAX_FILE_SIZE = 2_000_000
ERRORS_SHOWN = 10


@dataclass(frozen=True)
class Counts:
    """What a tool's JSON report says; None where the report does not say."""

    findings: int = 0
    checked: Optional[int] = None
    errors: Optional[tuple[str, ...]] = None

    def __add__(self, other: Counts) -> Counts:
        checked = None if self.checked is None or other.checked is None else self.checked + other.checked
        errors = None if self.errors is None or other.errors is None else self.errors + other.errors
        return Counts(self.findings + other.findings, checked, errors)


def credlint_counts(report: dict[str, Any]) -> Counts:
    errors = tuple(f"{error['kind']}: {error['path']}" for error in report["errors"])
    return Counts(report["summary"]["findings"], report["summary"]["files_checked"], errors)


def detect_secrets_counts(baseline: dict[str, Any]) -> Counts:
    return Counts(sum(len(secrets) for secrets in baseline["results"].values()))


def bandit_counts(report: dict[str, Any]) -> Counts:
    checked = sum(1 for name in report["metrics"] if name != "_totals")
    errors = tuple(f"error: {error['filename']}" for error in report["errors"])
    return Counts(len(report["results"]), checked, errors)


@dataclass(frozen=True)
class Tool:
    name: str
    arguments: tuple[str, ...]
    ok_statuses: frozenset[int]
    count: Callable[[dict[str, Any]], Counts]
    # The program to run; None: find_tool(name).
    executable: Optional[str] = None
    # Run once, untimed, before the timed runs: a cache's first run is a cold one.
    primed: bool = False


CREDLINT = Tool(
    "credlint",
    ("check", "--no-cache", "--no-explain", "--format", "json"),
    # 1: findings; 2: some files could not be checked, listed in the report's errors.
    frozenset({0, 1, 2}),
    credlint_counts,
)


def warm_credlint(cache_directory: Path) -> Tool:
    """credlint again, with its result cache kept in cache_directory and filled before timing."""
    arguments = ("check", "--cache-dir", str(cache_directory), "--no-explain", "--format", "json")
    executable = find_tool(CREDLINT.name)
    return replace(CREDLINT, name=f"{CREDLINT.name} (warm)", arguments=arguments, executable=executable, primed=True)


DETECT_SECRETS = Tool("detect-secrets", ("scan", "--all-files"), frozenset({0}), detect_secrets_counts)
BANDIT = Tool("bandit", ("-q", "-f", "json", "-t", "B105,B106,B107", "-r"), frozenset({0, 1}), bandit_counts)
PEERS = (DETECT_SECRETS, BANDIT)


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


def find_tool(name: str) -> Optional[str]:
    """The tool's script in the running interpreter's bin directory, else on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which(name)


def timed(command: Sequence[str], cwd: Optional[Path] = None) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    completed = subprocess.run(command, cwd=cwd, capture_output=True, encoding="utf-8", errors="replace")
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


def run_once(
    tool: Tool, executable: str, chunks: Sequence[Sequence[str]], cwd: Path
) -> tuple[float, Counts, list[str]]:
    """One run of a tool over every chunk: total seconds, summed counts, non-empty stderr."""
    seconds, counts, stderr = 0.0, Counts(0, 0, ()), []
    for chunk in chunks:
        elapsed, completed = timed([executable, *tool.arguments, *chunk], cwd)
        if completed.returncode not in tool.ok_statuses:
            raise ToolFailed(f"exit status {completed.returncode}", completed.stderr)
        try:
            counts += tool.count(json.loads(completed.stdout))
        except (ValueError, KeyError, TypeError) as error:
            raise ToolFailed(f"no readable JSON report ({error!r})", completed.stderr) from None
        seconds += elapsed
        if completed.stderr.strip():
            stderr.append(completed.stderr)
    return seconds, counts, stderr


def measure(tools: Sequence[Tool], chunks: Sequence[Sequence[str]], cwd: Path, runs: int) -> dict[str, Measurement]:
    """Run the tools in turns, `runs` times; a tool that fails is reported and dropped."""
    measurements: dict[str, Measurement] = {}
    for tool in tools:
        executable = tool.executable or find_tool(tool.name)
        if executable is None:
            print(f"{tool.name}: not found next to {sys.executable} or on PATH; skipped")
        else:
            measurements[tool.name] = Measurement(executable)
    by_name = {tool.name: tool for tool in tools}
    for name, measurement in measurements.items():
        if by_name[name].primed:
            run_once(by_name[name], measurement.executable, chunks, cwd)
    for run in range(1, runs + 1):
        for name in list(measurements):
            measurement = measurements[name]
            try:
                seconds, counts, stderr = run_once(by_name[name], measurement.executable, chunks, cwd)
            except ToolFailed as failure:
                print(f"{name}: failed in run {run}: {failure}; skipped. Its stderr:")
                print(failure.stderr.rstrip() or "(empty)")
                del measurements[name]
                continue
            measurement.times.append(seconds)
            measurement.counts = counts
            measurement.stderr.extend(text for text in stderr if text not in measurement.stderr)
            print(f"  run {run}/{runs}: {name} {seconds:.2f}s", flush=True)
    return measurements


def versus(seconds: float, credlint_seconds: float) -> str:
    if seconds >= credlint_seconds:
        return f"{seconds / credlint_seconds:.1f}x slower than credlint"
    return f"{credlint_seconds / seconds:.1f}x faster than credlint"


def optional(value: Optional[int]) -> str:
    return "-" if value is None else str(value)


def print_table(measurements: dict[str, Measurement], file_count: int) -> None:
    credlint = measurements.get(CREDLINT.name)
    baseline = statistics.median(credlint.times) if credlint else None
    width = max(15, *(len(name) for name in measurements))
    print(
        f"\n{'tool':<{width}} {'median':>9} {'min':>9} {'max':>9} "
        f"{'files':>6} {'checked':>8} {'errors':>7} {'findings':>9}  vs credlint"
    )
    for name, measurement in measurements.items():
        median = statistics.median(measurement.times)
        counts = measurement.counts
        errors = None if counts.errors is None else len(counts.errors)
        ratio = "-" if baseline is None or name == CREDLINT.name else versus(median, baseline)
        print(
            f"{name:<{width}} {median:>8.2f}s {min(measurement.times):>8.2f}s {max(measurement.times):>8.2f}s "
            f"{file_count:>6} {optional(counts.checked):>8} {optional(errors):>7} {counts.findings:>9}  {ratio}"
        )
    print("files: given to the tool; checked/errors: as its report says ('-': it does not say)")


def print_notes(measurements: dict[str, Measurement]) -> None:
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


def compare(paths: Sequence[Path], runs: int) -> int:
    files = within_max_file_size(python_files(paths))
    if not files:
        print("no .py files to check under the given paths")
        return 1
    with tempfile.TemporaryDirectory() as cache_directory:
        tools = (CREDLINT, warm_credlint(Path(cache_directory)), *PEERS)
        measurements = compare_on(paths, files, ".py files", tools, runs)
    print_notes(measurements)
    return 0 if CREDLINT.name in measurements else 1


def compare_all_files(paths: Sequence[Path], runs: int, before: Optional[str]) -> int:
    """The fourth form: every regular file under the paths; credlint (and credlint before) next to detect-secrets."""
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
            CREDLINT,
            name=f"{CREDLINT.name} (before)",
            executable=before,
            arguments=("check", "--no-explain", "--format", "json"),
        )
    )
    tools = [CREDLINT] + ([before_tool] if before_tool else []) + [DETECT_SECRETS]
    measurements = compare_on(paths, files, "files", tools, runs)
    if before_tool and {CREDLINT.name, before_tool.name} <= measurements.keys():
        # The change's cost, finer than the table's one decimal.
        after_median = statistics.median(measurements[CREDLINT.name].times)
        before_median = statistics.median(measurements[before_tool.name].times)
        print(
            f"{CREDLINT.name} median / {before_tool.name} median: {after_median / before_median:.3f} "
            f"({after_median - before_median:+.2f}s)"
        )
    print_notes(measurements)
    return 0 if CREDLINT.name in measurements else 1


def compare_on(
    paths: Sequence[Path], files: Sequence[Path], what: str, tools: Sequence[Tool], runs: int
) -> dict[str, Measurement]:
    """Time the tools on the same explicit list of files, run in the paths' common root, and print the table."""
    root = common_root(paths)
    chunks = chunked([path.relative_to(root).as_posix() for path in files])
    warm_page_cache(files)
    print(
        f"{len(files)} {what} under {len(paths)} path(s); every tool runs in {root} on the same list, "
        f"{len(chunks)} command line(s) per run; {runs} run(s); {os.cpu_count()} CPU(s)"
    )
    measurements = measure(tools, chunks, root, runs)
    print_table(measurements, len(files))
    return measurements


def single_file(path: Path, runs: int) -> int:
    """Start-up cost: a fresh credlint process on one file next to bare and libcst-importing interpreters."""
    credlint = find_tool(CREDLINT.name)
    if credlint is None:
        print(f"credlint: not found next to {sys.executable} or on PATH")
        return 1
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        'python -c "import libcst"': [sys.executable, "-c", "import libcst"],
        "credlint check FILE": [credlint, "check", str(path)],
    }
    times: dict[str, list[float]] = {label: [] for label in commands}
    for run in range(runs + 1):
        for label, command in commands.items():
            seconds, completed = timed(command)
            # credlint writes to stderr only when something went wrong; a traceback exits 1.
            if completed.returncode not in (0, 1) or completed.stderr.strip():
                print(f"{label}: exit status {completed.returncode}. Its stderr:")
                print(completed.stderr.rstrip() or "(empty)")
                return 1
            if run:
                times[label].append(seconds)
    line_count = len(path.read_bytes().splitlines())
    print(f"{path} ({line_count} lines); interpreter {sys.executable}; {runs} run(s) after one warm-up\n")
    print(f"{'command':<28} {'median':>10} {'min':>10} {'max':>10}")
    for label, samples in times.items():
        milliseconds = [statistics.median(samples) * 1000, min(samples) * 1000, max(samples) * 1000]
        print(f"{label:<28} " + " ".join(f"{value:>8.1f}ms" for value in milliseconds))
    credlint_median = statistics.median(times["credlint check FILE"])
    for label in ("python -c pass", 'python -c "import libcst"'):
        baseline = statistics.median(times[label])
        print(
            f"credlint check FILE takes {credlint_median / baseline:.1f}x as long as {label} "
            f"({(credlint_median - baseline) * 1000:+.0f}ms)"
        )
    return 0


def relint(path: Path, runs: int) -> int:
    """The language server's cost per edit: check_source on a warm process, after a small edit."""
    from credlint.api import check_source
    from credlint.config import ConfigFinder, Overrides

    text = path.read_text(encoding="utf-8")
    check_source(path, text.encode(), ConfigFinder(Overrides()))  # warm-up: imports, caches of the interpreter
    samples = []
    for run in range(max(runs, 5)):
        edited = f"{text}# edit {run}\n".encode()
        start = time.perf_counter()
        report = check_source(path, edited, ConfigFinder(Overrides()))
        samples.append(time.perf_counter() - start)
    line_count = len(text.splitlines())
    print(f"{path} ({line_count} lines), {len(samples)} checks after an edit, {len(report.findings)} finding(s)")
    print(
        f"median {statistics.median(samples) * 1000:.1f}ms, min {min(samples) * 1000:.1f}ms, "
        f"max {max(samples) * 1000:.1f}ms per check"
    )
    return 0


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Time credlint next to detect-secrets and bandit; see the docstring.")
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="files or directories to scan")
    parser.add_argument("--runs", type=positive_int, default=5, help="timed runs per tool (default 5)")
    parser.add_argument("--single-file", type=Path, metavar="FILE", help="measure start-up on one file instead")
    parser.add_argument("--relint", type=Path, metavar="FILE", help="measure a warm check after an edit instead")
    parser.add_argument(
        "--all-files", action="store_true", help="scan every file under the PATHs, not only .py; bandit left out"
    )
    parser.add_argument(
        "--before", metavar="CREDLINT", help="with --all-files: another credlint executable to time next to this one"
    )
    args = parser.parse_args(argv)
    single = args.single_file or args.relint
    if bool(args.paths) == (single is not None) or (args.single_file and args.relint):
        parser.error("give one or more PATHs, or --single-file FILE, or --relint FILE")
    if args.all_files and single is not None:
        parser.error("--all-files takes PATHs, not --single-file or --relint")
    if args.before is not None:
        if not args.all_files:
            parser.error("--before goes with --all-files")
        executable = shutil.which(args.before)
        if executable is None:
            parser.error(f"--before: no executable {args.before}")
        args.before = str(Path(executable).absolute())
    given = args.paths if single is None else [single]
    missing = [path for path in given if not path.exists()]
    if missing:
        parser.error(f"no such file or directory: {missing[0]}")
    args.paths = [path.absolute() for path in args.paths]
    return args


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    if args.single_file is not None:
        return single_file(args.single_file, args.runs)
    if args.relint is not None:
        return relint(args.relint, args.runs)
    if args.all_files:
        return compare_all_files(args.paths, args.runs, args.before)
    return compare(args.paths, args.runs)


if __name__ == "__main__":
    sys.exit(main())
