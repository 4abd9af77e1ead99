"""The cheap candidate pass for CL503 in Python, on the stdlib `ast` parse every candidate check shares."""

from __future__ import annotations

import ast
import re

from credlint.analysis.folded_strings import folded_strings
from credlint.analysis.module_names import called_name
from credlint.prefilter import FileProbe
from credlint.slicing import lines_matching, lines_meeting

# The calls CL503 reads as writes, by their last name: open(), Path.open/write_text/write_bytes,
# shutil's copies and moves, os.replace/os.rename and Path.replace/rename.
_WRITING_CALLS = frozenset(
    {"open", "write_text", "write_bytes", "copy", "copy2", "copyfile", "move", "replace", "rename"}
)
# A path the rule reports has a `.aws` directory, or reads the variable that names the file; an
# endpoint (`api.aws`, `on.aws`) holds the bytes `.aws` but no such directory.
_NAMES_FILE = re.compile(r"(?:^|[/\\])\.aws(?:[/\\]|$)|AWS_SHARED_CREDENTIALS_FILE")


# The bytes a credentials file's path or variable is written with: `.aws` as a path component
# (".aws", "~/.aws/..."), not `api.aws` in a host name; `.boto` as a word, not `x.botocore`.
_PATH_BYTES = re.compile(
    rb"\.aws[\x22\x27/\\]|\.boto\b|boto\.cfg|AWS_SHARED_CREDENTIALS_FILE|AWS_CREDENTIAL_FILE|AWS_CONFIG_FILE|BOTO_CONFIG"
)


def may_write_credentials_file(probe: FileProbe) -> bool:
    """Some string names `.aws` or AWS_SHARED_CREDENTIALS_FILE, and some call may write a file."""
    if not _PATH_BYTES.search(probe.source):
        return False
    if probe.tree is None:
        return True
    names_file = any(_NAMES_FILE.search(text) for text in folded_strings(probe))
    return names_file and bool(probe.once(lines_writing_files))


def lines_writing_credentials_files(probe: FileProbe) -> frozenset[int]:
    """Where a CL503 finding in Python can start: each call that may write a file, in a part that
    names a credentials file's path itself or through module code (the rule follows names, not
    calls)."""
    return lines_meeting(probe, probe.once(lines_writing_files), lines_matching(probe, _PATH_BYTES))


def lines_writing_files(probe: FileProbe) -> frozenset[int]:
    """Each call that may write a file."""
    # `from shutil import copyfile as cp`: the alias writes too.
    aliases = {
        alias.asname
        for node in probe.nodes(ast.ImportFrom)
        for alias in node.names
        if alias.asname and alias.name in _WRITING_CALLS
    }
    writing = _WRITING_CALLS | aliases
    return frozenset(node.lineno for node in probe.nodes(ast.Call) if called_name(node.func) in writing)
