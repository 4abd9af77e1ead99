"""Parse with LibCST, and do nothing else, the named files that credlint's prefilter lets through.

Why: credlint's rules run on LibCST trees, so the time to parse the files that reach LibCST is
the floor under any cold run; compare.py times this script next to credlint. It is started as

    python benchmarks/libcst_floor.py PASSING_LIST FILE [FILE ...]

and parses each FILE named in PASSING_LIST (one name a line, as compare.py writes it), with
one process per CPU as credlint has. It prints a JSON report: how many files it parsed and the
names of those LibCST could not parse.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Optional

import libcst


def parse(name: str) -> Optional[str]:
    """None when LibCST parses the file, else the file's name."""
    try:
        libcst.parse_module(Path(name).read_bytes())
    except (libcst.ParserSyntaxError, RecursionError, ValueError):
        return name
    return None


def main(argv: Sequence[str]) -> int:
    passing_list, *names = argv
    passing = set(Path(passing_list).read_text(encoding="utf-8").splitlines())
    chosen = [name for name in names if name in passing]
    with ProcessPoolExecutor(max_workers=os.cpu_count()) as pool:
        failed = [name for name in pool.map(parse, chosen, chunksize=8) if name is not None]
    json.dump({"parsed": len(chosen) - len(failed), "failed": failed}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
