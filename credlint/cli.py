"""The command line: `credlint check`, `baseline`, `rules` and `explain`, over the api."""

from __future__ import annotations

import argparse
import json
import os
import stat
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from credlint import __version__
from credlint.budget import checks_left_behind
from credlint.config import ConfigError, ConfigFinder, Overrides, read_pyproject
from credlint.finding import Finding, Severity

if TYPE_CHECKING:
    from credlint.api import Report

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it
FORMATS = ("text", "json", "sarif", "github")
DEFAULT_BASELINE = ".credlint-baseline.json"


def _codes(value: str) -> tuple[str, ...]:
    return tuple(code.strip().upper() for code in value.split(",") if code.strip())


def _positive_int(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {value!r}")
    return int(value)


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"must be a number of seconds (0 for no limit), not {value!r}")
    return seconds


def _add_selection(parser: argparse.ArgumentParser) -> None:
    """The options that decide which files and rules a run covers, shared by check and baseline."""
    parser.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    parser.add_argument("--select", type=_codes, help="comma-separated codes or prefixes to enable")
    parser.add_argument("--ignore", type=_codes, default=(), help="comma-separated codes or prefixes to disable")
    parser.add_argument("--extend-exclude", action="append", default=[], metavar="PATTERN")
    parser.add_argument("--config", type=Path, help="use this pyproject.toml instead of discovering one per file")
    parser.add_argument(
        "--force-exclude", action="store_true", default=None, help="apply excludes to files named on the command line"
    )
    parser.add_argument("--jobs", type=_positive_int, help="worker processes (default: number of CPUs)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each file and how long it took, on stderr")
    parser.add_argument("--no-cache", action="store_true", help="check every file again; keep no results")
    parser.add_argument(
        "--cache-dir", type=Path, metavar="DIR", help="keep results here (default: .credlint_cache at the project root)"
    )
    parser.add_argument(
        "--file-timeout", type=_seconds, metavar="SECONDS", help="give up on a file after this long (0: no limit)"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="credlint",
        description="Find AWS credential, region and retry mistakes in Python code, and explain them.",
    )
    parser.add_argument("--version", action="version", version=f"credlint {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="check files and directories (default: .)")
    _add_selection(check)
    check.add_argument("--format", choices=FORMATS, default="text")
    check.add_argument("-o", "--output-file", type=Path, help="write the report to this file instead of stdout")
    check.add_argument("--no-explain", action="store_true", help="one line per finding, no chain explanation")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    check.add_argument(
        "--severity-threshold",
        choices=[severity.value for severity in Severity],
        default=Severity.INFO.value,
        help="exit 1 only for findings at or above this severity (all are still reported)",
    )
    check.add_argument("--baseline", type=Path, metavar="FILE", help="report only findings this baseline lacks")
    check.add_argument("--changed-since", metavar="REV", help="check only files changed since a git revision")
    check.add_argument("--fix", action="store_true", help="apply the fixes of the findings, in place (safe ones only)")
    check.add_argument(
        "--unsafe-fixes", action="store_true", help="with --fix or --diff: also the fixes that change behaviour"
    )
    check.add_argument("--diff", action="store_true", help="print the fixes as a unified diff instead of applying them")
    check.add_argument(
        "--add-ignore", action="store_true", help="add a `# credlint: ignore[CODE]` comment for each Python finding"
    )
    check.add_argument(
        "--stdin-filename",
        metavar="PATH",
        help="with the path `-`: read the file from stdin, with the configuration and name of PATH",
    )

    baseline = commands.add_parser("baseline", help="record today's findings so that checks report only new ones")
    _add_selection(baseline)
    baseline.add_argument("-o", "--output-file", type=Path, default=Path(DEFAULT_BASELINE))

    rules = commands.add_parser("rules", help="list every rule")
    rules.add_argument("--format", choices=("text", "json"), default="text")

    explain = commands.add_parser("explain", help="print a rule's catalogue page")
    explain.add_argument("code")

    commands.add_parser("lsp", help="run the language server on stdio (needs `pip install 'credlint[lsp]'`)")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    status = run(argv)
    if status == EXIT_INTERRUPTED or checks_left_behind():
        # A check stopped half way (by Ctrl-C, or over its time budget and still inside the
        # parser) must not be running or torn down while the interpreter shuts down: leave now.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    return status


def run(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    from credlint.baseline import BaselineError
    from credlint.changed_files import ChangedFilesError

    try:
        if args.command == "check":
            return run_check(args)
        if args.command == "baseline":
            return run_baseline(args)
        if args.command == "rules":
            return run_rules(args.format)
        if args.command == "lsp":
            return run_lsp()
        return run_explain(args.code)
    except (ConfigError, BaselineError, ChangedFilesError, OutputError) as error:
        print(f"credlint: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("credlint: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def config_finder(args: argparse.Namespace) -> ConfigFinder:
    from credlint.config import _codes as validate_codes
    from credlint.config import check_glob

    select = validate_codes("--select", list(args.select)) if args.select is not None else None
    ignore = validate_codes("--ignore", list(args.ignore))
    for pattern in args.extend_exclude:
        check_glob("--extend-exclude", pattern)
    overrides = Overrides(select, ignore, tuple(args.extend_exclude), args.force_exclude, args.file_timeout)
    fixed = None
    if args.config is not None:
        fixed = read_pyproject(args.config)
        if fixed is None:
            raise ConfigError(f"{args.config}: has no [tool.credlint] table")
    return ConfigFinder(overrides, fixed, _given_root(args.paths))


# What marks a project's top directory, as git, pip and pre-commit find it.
_PROJECT_MARKERS = (".git", "pyproject.toml", "setup.py", "setup.cfg")


def _given_root(paths: Sequence[str]) -> Optional[Path]:
    """The project root where no pyproject.toml configures one: the nearest directory at or above
    the paths given that holds a repository or a package (`credlint check vendor/billing/` from a
    parent checks billing's project); None for the working directory when none does."""
    directories = [path if os.path.isdir(path) else os.path.dirname(path) or "." for path in paths if path != "-"]
    try:
        current = os.path.commonpath([os.path.abspath(directory) for directory in directories]) if directories else ""
    except ValueError:  # paths on two drives
        return None
    while current:
        if any(os.path.exists(os.path.join(current, marker)) for marker in _PROJECT_MARKERS):
            return Path(current)
        parent = os.path.dirname(current)
        current = parent if parent != current else ""
    return None


def run_selection(args: argparse.Namespace, only: Optional[frozenset[Path]] = None) -> Report:
    from credlint.api import CacheChoice, check_paths

    cache = CacheChoice(enabled=not args.no_cache, directory=args.cache_dir)
    return check_paths(args.paths, config_finder(args), jobs=args.jobs, only=only, cache=cache)


def read_stdin(args: argparse.Namespace) -> Report:
    """An editor's buffer, checked with the configuration of the file it will be saved as."""
    from credlint.api import check_source

    if args.paths != ["-"]:
        raise ConfigError("--stdin-filename reads the file from stdin: give `-` as the only path")
    return check_source(Path(args.stdin_filename), sys.stdin.buffer.read(), config_finder(args))


def run_check(args: argparse.Namespace) -> int:
    from dataclasses import replace

    only = None
    if args.changed_since is not None:
        from credlint.changed_files import changed_since

        only = changed_since(args.changed_since, Path.cwd())
    if (args.fix or args.diff or args.add_ignore) and args.stdin_filename is not None:
        raise ConfigError("--fix, --diff and --add-ignore edit files on disk: they do not read stdin")
    report = read_stdin(args) if args.stdin_filename is not None else run_selection(args, only)
    if args.add_ignore:
        add_ignores(report)
        return EXIT_ERROR if report.failed else EXIT_CLEAN
    if args.diff:  # the fixes as a diff, and nothing else on stdout
        fixed = apply_fixes(args, report, write=False)
        return EXIT_ERROR if report.failed else EXIT_FINDINGS if fixed else EXIT_CLEAN
    if args.fix and apply_fixes(args, report, write=True):
        report = run_selection(args, only)  # what the fixes left
    if args.baseline is not None:
        from credlint.baseline import new_findings

        fresh, _ = new_findings(report.findings, args.baseline)
        report = replace(report, findings=tuple(fresh))
    rendered = render(report, args)
    if args.verbose:
        print_timings(report)
    if args.format in ("text", "github"):
        print_file_errors(report)
    if args.output_file is not None:
        write_whole(args.output_file, rendered)
    else:
        sys.stdout.write(rendered)
    if report.failed:
        return EXIT_ERROR
    threshold = Severity(args.severity_threshold).rank
    failing = [finding for finding in report.findings if finding.severity.rank >= threshold]
    if failing and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def apply_fixes(args: argparse.Namespace, report: Report, *, write: bool) -> int:
    """Apply (write) or print as a diff the fixes the findings carry; how many findings they fix."""
    from collections import defaultdict

    from credlint.fixing import fix_source, fixable

    by_path: defaultdict[str, list[Finding]] = defaultdict(list)
    for finding in fixable(report.findings, unsafe=args.unsafe_fixes):
        by_path[finding.path].append(finding)
    fixed_count = 0
    for path, findings in sorted(by_path.items()):
        try:
            fixed = fix_source(path, Path(path).read_bytes(), findings)
            if fixed is not None and write:
                write_fixed(Path(path), fixed.after_bytes)
        except OSError as error:
            print(f"credlint: error: {path}: cannot fix: {error.strerror}", file=sys.stderr)
            continue
        except Exception as error:  # a fix's bug: this file is left as it was, the others are fixed
            print(
                f"credlint: error: {path}: internal error while fixing ({type(error).__name__}); please report it",
                file=sys.stderr,
            )
            continue
        if fixed is not None:
            fixed_count += len(fixed.fixed)
            if not write:
                sys.stdout.write(fixed.diff())
    hidden = len(fixable(report.findings, unsafe=True)) - len(fixable(report.findings, unsafe=args.unsafe_fixes))
    more = f"; {hidden} more with --unsafe-fixes" if hidden else ""
    print(f"credlint: {'Fixed' if write else 'Would fix'} {fixed_count} finding(s){more}.", file=sys.stderr)
    return fixed_count


def add_ignores(report: Report) -> None:
    """An ignore comment for each finding of a Python file, written in place."""
    from collections import defaultdict

    from credlint.file_kinds import PYTHON, kind_of_file
    from credlint.ignores import with_ignores

    by_path: defaultdict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        by_path[finding.path].append(finding)
    added = skipped = 0
    for path, findings in sorted(by_path.items()):
        if kind_of_file(Path(path)) != PYTHON:
            skipped += len(findings)
            continue
        try:
            ignored = with_ignores(Path(path).read_bytes(), findings)
            if ignored.source is not None:
                write_fixed(Path(path), ignored.source)
        except OSError as error:
            print(f"credlint: error: {path}: cannot add ignores: {error.strerror}", file=sys.stderr)
            continue
        added, skipped = added + ignored.added, skipped + ignored.left
    where = "not Python, or inside a multi-line string or a continued line"
    others = f"; {skipped} finding(s) with no line to hold one ({where})" if skipped else ""
    print(f"credlint: Added {added} ignore comment(s){others}.", file=sys.stderr)


def write_fixed(path: Path, data: bytes) -> None:
    """The fixed file in place of the old one, with the old one's permissions; nothing else keeps
    the old text (it may hold a key)."""
    from credlint.atomic_write import write_atomically

    write_atomically(path, data, mode=stat.S_IMODE(path.stat().st_mode))


def print_file_errors(report: Report) -> None:
    from credlint.reporters.text import printable

    for error in report.errors:
        print(f"credlint: {error.level}: {printable(error.message)}", file=sys.stderr)


def print_timings(report: Report) -> None:
    """Each file with its findings and time, then the slowest: what to exclude, or to report."""
    from collections import Counter

    from credlint.reporters.text import printable

    counts = Counter(finding.path for finding in report.findings)
    for path, seconds in sorted(report.timings):
        print(f"credlint: {printable(path)}: {counts[path]} finding(s) in {seconds * 1000:.0f} ms", file=sys.stderr)
    if report.timings:
        path, seconds = max(report.timings, key=lambda timing: timing[1])
        total = sum(seconds for _, seconds in report.timings)
        print(
            f"credlint: {len(report.timings)} file(s) in {total:.2f} s of checking; slowest {printable(path)} "
            f"({seconds:.2f} s)",
            file=sys.stderr,
        )


def write_whole(path: Path, text: str) -> None:
    """Write beside the file, then rename over it: an interrupted run leaves the old file or none,
    never half of one."""
    from credlint.atomic_write import write_atomically

    try:
        write_atomically(path, text, mode=_new_file_mode())
    except OSError as error:
        raise OutputError(f"{path}: cannot be written ({error.strerror})") from None


def _new_file_mode() -> int:
    """The mode a plain open() would give (mkstemp's is owner-only)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


class OutputError(OSError):
    """The report or baseline cannot be written where asked."""


def render(report: Report, args: argparse.Namespace) -> str:
    if args.format == "json":
        from credlint.reporters.json import render as render_json

        return render_json(report)
    if args.format == "sarif":
        from credlint.reporters.sarif import render as render_sarif

        return render_sarif(report)
    if args.format == "github":
        from credlint.reporters.github import render as render_github

        return render_github(report)
    from credlint.reporters.text import render as render_text
    from credlint.reporters.text import use_colour

    colour = args.output_file is None and use_colour(sys.stdout)
    return render_text(report, colour=colour, explain=not args.no_explain)


def run_baseline(args: argparse.Namespace) -> int:
    from credlint.baseline import render_baseline

    report = run_selection(args)
    write_whole(args.output_file, render_baseline(report.findings, args.output_file))
    if args.verbose:
        print_timings(report)
    print_file_errors(report)
    print(f"Wrote {len(report.findings)} finding(s) to {args.output_file}.", file=sys.stderr)
    return EXIT_ERROR if report.failed else EXIT_CLEAN


def run_rules(output_format: str) -> int:
    from credlint.registry import RULES

    if output_format == "json":
        rows = [
            {"code": r.code, "name": r.name, "category": r.category, "severity": r.severity.value, "summary": r.summary}
            for r in RULES.values()
        ]
        print(json.dumps(rows, indent=2))
        return EXIT_CLEAN
    print(f"{'code':<6} {'name':<34} {'category':<21} {'severity':<8} summary")
    for r in RULES.values():
        print(f"{r.code:<6} {r.name:<34} {r.category:<21} {r.severity.value:<8} {r.summary}")
    return EXIT_CLEAN


def run_lsp() -> int:
    try:
        from credlint.lsp import serve
    except ImportError:
        print("credlint: error: the language server needs pygls: pip install 'credlint[lsp]'", file=sys.stderr)
        return EXIT_ERROR
    return serve()


def run_explain(code: str) -> int:
    from credlint.catalogue import page_path

    page = page_path(code)
    if page is None:
        print(f"credlint: error: no rule {code.upper()!r} (see `credlint rules`)", file=sys.stderr)
        return EXIT_ERROR
    sys.stdout.write(page.read_text(encoding="utf-8"))
    return EXIT_CLEAN
