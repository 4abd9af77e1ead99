"""The command line: `credlint check`, `rules` and `explain`, over the api."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Optional

from credlint import __version__
from credlint.config import ConfigError, ConfigFinder, Overrides, read_pyproject

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _codes(value: str) -> tuple[str, ...]:
    return tuple(code.strip().upper() for code in value.split(",") if code.strip())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="credlint",
        description="Find AWS credential, region and retry mistakes in Python code, and explain them.",
    )
    parser.add_argument("--version", action="version", version=f"credlint {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="check files and directories (default: .)")
    check.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--no-explain", action="store_true", help="one line per finding, no chain explanation")
    check.add_argument("--select", type=_codes, help="comma-separated codes or prefixes to enable")
    check.add_argument("--ignore", type=_codes, default=(), help="comma-separated codes or prefixes to disable")
    check.add_argument("--extend-exclude", action="append", default=[], metavar="PATTERN")
    check.add_argument("--config", type=Path, help="use this pyproject.toml instead of discovering one per file")
    check.add_argument(
        "--force-exclude", action="store_true", default=None, help="apply excludes to files named on the command line"
    )
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    check.add_argument("--jobs", type=int, help="worker processes (default: number of CPUs)")

    rules = commands.add_parser("rules", help="list every rule")
    rules.add_argument("--format", choices=("text", "json"), default="text")

    explain = commands.add_parser("explain", help="print a rule's catalogue page")
    explain.add_argument("code")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "check":
            return run_check(args)
        if args.command == "rules":
            return run_rules(args.format)
        return run_explain(args.code)
    except ConfigError as error:
        print(f"credlint: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_ERROR


def run_check(args: argparse.Namespace) -> int:
    from credlint.api import check_paths
    from credlint.config import _codes as validate_codes

    select = validate_codes("--select", list(args.select)) if args.select is not None else None
    ignore = validate_codes("--ignore", list(args.ignore))
    overrides = Overrides(select, ignore, tuple(args.extend_exclude), args.force_exclude)
    fixed = None
    if args.config is not None:
        fixed = read_pyproject(args.config)
        if fixed is None:
            raise ConfigError(f"{args.config}: has no [tool.credlint] table")
    finder = ConfigFinder(overrides, fixed)
    report = check_paths(args.paths, finder, jobs=args.jobs)
    if args.format == "json":
        from credlint.reporters.json import render as render_json

        sys.stdout.write(render_json(report))
    else:
        from credlint.reporters.text import render as render_text
        from credlint.reporters.text import use_colour

        for error in report.errors:
            print(f"credlint: error: {error.message}", file=sys.stderr)
        sys.stdout.write(render_text(report, colour=use_colour(sys.stdout), explain=not args.no_explain))
    if report.errors:
        return EXIT_ERROR
    if report.findings and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def run_rules(output_format: str) -> int:
    from credlint.registry import RULES

    if output_format == "json":
        rows = [
            {"code": r.code, "name": r.name, "category": r.category, "severity": r.severity.value, "summary": r.summary}
            for r in RULES.values()
        ]
        print(json.dumps(rows, indent=2))
        return EXIT_CLEAN
    print(f"{'code':<6} {'name':<30} {'category':<21} {'severity':<8} summary")
    for r in RULES.values():
        print(f"{r.code:<6} {r.name:<30} {r.category:<21} {r.severity.value:<8} {r.summary}")
    return EXIT_CLEAN


def run_explain(code: str) -> int:
    from credlint.catalogue import page_path

    page = page_path(code)
    if page is None:
        print(f"credlint: error: no rule {code.upper()!r} (see `credlint rules`)", file=sys.stderr)
        return EXIT_ERROR
    sys.stdout.write(page.read_text(encoding="utf-8"))
    return EXIT_CLEAN
