"""What every regeneration script does with its table: write the data file, or check it is current."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Callable

DATA_DIRECTORY = Path(__file__).resolve().parent.parent / "credlint" / "data"


def regenerate(name: str, generate: Callable[[], dict[str, Any]], description: str) -> int:
    """Write credlint/data/<name>.json from generate(); with --check, exit 1 if it differs instead."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when the file differs")
    arguments = parser.parse_args()
    data_file = DATA_DIRECTORY / f"{name}.json"
    text = json.dumps(generate(), indent=2, sort_keys=True) + "\n"
    if not arguments.check:
        data_file.write_text(text, encoding="utf-8")
        return 0
    if (data_file.read_text(encoding="utf-8") if data_file.exists() else "") != text:
        print(f"{data_file} is out of date with this botocore", file=sys.stderr)
        return 1
    return 0
