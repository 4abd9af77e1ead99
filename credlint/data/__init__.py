"""Facts taken from botocore, kept as JSON data files beside this module.

Each file records the botocore version it was taken from and the script under scripts/ that
regenerates it; `<name>.schema.json` beside it is the shape tests hold it to.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any


@functools.cache
def load_data(name: str) -> dict[str, Any]:
    """The `tables` of data file `name`.json, read once per process."""
    text = resources.files(__name__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    tables: dict[str, Any] = document["tables"]
    return tables
