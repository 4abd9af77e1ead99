"""The cheap candidate pass for the hard-coded credential rules (CL101-CL104).

A file passes when a quoted run of random-looking base64 stands in its bytes (a secret split in
up to three pieces still leaves one) and some folded string literal of a stdlib `ast` parse has
the shape the rule's final check looks for.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from credlint.analysis.folded_strings import folded_strings, folded_strings_with_lines
from credlint.prefilter import FileProbe
from credlint.secrets import (
    find_access_key_ids,
    is_documentation_example,
    looks_like_secret_access_key,
    looks_like_session_token,
)
from credlint.slicing import lines_matching

# ref. detect-secrets AWSKeyDetector: the key id prefixes, as bytes, for comments and plain strings.
_KEY_ID_BYTES = re.compile(rb"(?:A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA)[0-9A-Z]{16}")
# Quoted, or next to an f-string brace: where a literal (piece of a) secret stands in source.
_QUOTED_BASE64_RUN = re.compile(rb"""["'}]([A-Za-z0-9/+=]{14,})["'{]""")
_DIGIT_OR_SYMBOL = re.compile(rb"[0-9/+]")

ACCESS_KEY_ID = "access-key-id"
EXAMPLE_KEY = "example-key"
SECRET_ACCESS_KEY = "secret-access-key"
SESSION_TOKEN = "session-token"
ALL_KINDS = frozenset({ACCESS_KEY_ID, EXAMPLE_KEY, SECRET_ACCESS_KEY, SESSION_TOKEN})


def has_random_looking_literal(probe: FileProbe) -> bool:
    """A quoted run of base64 in both cases with a digit or symbol, as secrets and tokens have."""
    for match in _QUOTED_BASE64_RUN.finditer(probe.source):
        run = match.group(1)
        if run.upper() != run and run.lower() != run and _DIGIT_OR_SYMBOL.search(run):
            return True
    return False


def literal_kinds(probe: FileProbe) -> frozenset[str]:
    """Which credential shapes some folded string literal of the file has."""
    return ALL_KINDS if probe.tree is None else _kinds(iter(folded_strings(probe)))


def _kinds(texts: Iterator[str]) -> frozenset[str]:
    kinds: set[str] = set()
    for text in texts:
        for match in find_access_key_ids(text):
            kinds.add(EXAMPLE_KEY if is_documentation_example(match.group()) else ACCESS_KEY_ID)
        if looks_like_secret_access_key(text):
            kinds.add(EXAMPLE_KEY if is_documentation_example(text) else SECRET_ACCESS_KEY)
        if looks_like_session_token(text):
            kinds.add(EXAMPLE_KEY if is_documentation_example(text) else SESSION_TOKEN)
        if kinds == ALL_KINDS:
            break
    return frozenset(kinds)


def may_hold_access_key_id(probe: FileProbe) -> bool:
    return bool(_KEY_ID_BYTES.search(probe.source)) or ACCESS_KEY_ID in probe.once(literal_kinds)


def may_hold_example_key(probe: FileProbe) -> bool:
    return EXAMPLE_KEY in probe.once(literal_kinds)


def may_hold_secret_access_key(probe: FileProbe) -> bool:
    return probe.once(has_random_looking_literal) and SECRET_ACCESS_KEY in probe.once(literal_kinds)


def may_hold_session_token(probe: FileProbe) -> bool:
    return probe.once(has_random_looking_literal) and SESSION_TOKEN in probe.once(literal_kinds)


def lines_with_credentials(probe: FileProbe) -> frozenset[int]:
    """Where a finding can start: a key id's bytes (in a comment too) or a folded literal of a
    credential's shape."""
    if probe.tree is None:
        return frozenset()
    found = set(lines_matching(probe, _KEY_ID_BYTES))
    found.update(line for line, text in folded_strings_with_lines(probe) if _kinds(iter((text,))))
    return frozenset(found)


def lines_of_imports(probe: FileProbe) -> frozenset[int]:
    """Importing an AWS library anywhere makes weaker credential names count for every literal
    (analysis/credential_slots.py)."""
    return frozenset(node.lineno for kind in (ast.Import, ast.ImportFrom) for node in probe.nodes(kind))
