"""What a file's bytes say before any parse: whether the project index must read it with `ast`.

Cheap tests on the shapes the index looks for, run on every checked file; a file they pass over is
never parsed for the index. `bytes.find` and `in` rather than regexes where the words are frequent.
"""

from __future__ import annotations

import re

from credlint.secrets import (
    ACCESS_KEY_PREFIXES,
    find_access_key_ids,
    looks_like_secret_access_key,
    looks_like_session_token,
)

# An assignment of a quoted run of base64: where a credential constant's bytes stand. A regex that
# starts with `=` skips ahead fast; whether the target starts its line is checked after.
_ASSIGNED_RUN = re.compile(rb"""=[ \t]*[rRbBuU]{0,2}["']([A-Za-z0-9/+=]{16,})["']""")
# Where a retry library takes a predicate: tenacity retry_if_(not_)exception, backoff giveup=,
# retrying retry_on_exception=.
_PREDICATE_ARGUMENT_WORDS = (b"retry_if_", b"giveup", b"retry_on_exception")
_HANDLER_WINDOW = 2000  # bytes after an except clause where its error may be passed on
# A def's parameter whose name says region, defaulting to None: a factory's region comes through it.
_REGION_PARAMETER = re.compile(rb"region\w*\s*(?::[^=,)\n]*)?=\s*None")
_CLIENT_CALLS = (b"client(", b"resource(")
_STRING_PREFIX_LENGTH = 2  # rb'', f'' ...
# ref. secrets.py: a secret key has 40 characters (41 for the STS pages' example), a token 100 or more.
_SECRET_LENGTHS = (40, 41)
_MIN_TOKEN_LENGTH = 100
_KEY_PREFIXES = (*ACCESS_KEY_PREFIXES, "A3T")


def credential_shaped(text: str) -> bool:
    """A constant worth following: it has the shape one of the CL1xx rules reports. Lengths and
    prefixes are judged first: the rules' patterns and entropy load detect-secrets."""
    length = len(text)
    if length not in _SECRET_LENGTHS and length < _MIN_TOKEN_LENGTH and not any(key in text for key in _KEY_PREFIXES):
        return False
    return bool(
        any(True for _ in find_access_key_ids(text))
        or looks_like_secret_access_key(text)
        or looks_like_session_token(text)
    )


def client_calls(source: bytes) -> list[tuple[int, bool]]:
    """Where each client and resource call of a file that names the SDK opens, and whether a name
    (not a string) follows as its service. bytes.find rather than a regex: the words are frequent."""
    if b"boto3" not in source:  # aioboto3 too
        return []
    calls: list[tuple[int, bool]] = []
    for word in _CLIENT_CALLS:
        found = source.find(word)
        while found >= 0:
            before = source[found - 1 : found]
            if not (before.isalnum() or before == b"_"):
                calls.append((found, _name_follows(source, found + len(word))))
            found = source.find(word, found + 1)
    return sorted(calls)


def factory_client_lines(source: bytes, calls: list[tuple[int, bool]]) -> frozenset[int]:
    """Where the client calls of a file that may define a factory stand: one with a name for its
    service, or a parameter named for a region defaulting to None, makes it one."""
    named_service = any(named for _, named in calls)
    if not calls or not (named_service or (b"region" in source and _REGION_PARAMETER.search(source))):
        return frozenset()
    lines, line, counted = set(), 1, 0
    for offset, _ in calls:
        line += source.count(b"\n", counted, offset)
        counted = offset
        lines.add(line)
    return frozenset(lines)


def _name_follows(source: bytes, start: int) -> bool:
    while source[start : start + 1] in (b" ", b"\t", b"\n", b"\r"):
        start += 1
    end = start
    while source[end : end + 1].isalpha() and end - start < _STRING_PREFIX_LENGTH:
        end += 1
    first = source[start : start + 1]
    return (first.isalpha() or first == b"_") and source[end : end + 1] not in (b'"', b"'")


def may_take_imported_predicate(source: bytes) -> bool:
    """A retry library given a predicate, or an except clause that passes its error to a function
    the module imports by name (`if not is_throttled(error): raise`), judged on the bytes."""
    if any(word in source for word in _PREDICATE_ARGUMENT_WORDS):
        return True
    start = source.find(b"except ")
    while start >= 0:
        end = source.find(b"\n", start)
        end = len(source) if end < 0 else end
        clause = source[start:end].rstrip()
        named = clause.rfind(b" as ")
        if named >= 0 and clause.endswith(b":"):
            error = clause[named + 4 : -1].strip()
            if _passed_to_import(source, source[end : end + _HANDLER_WINDOW], b"(" + error):
                return True
        start = source.find(b"except ", end)
    return False


def _passed_to_import(source: bytes, window: bytes, opening: bytes) -> bool:
    """Whether `name(error` stands in the window, for a name a `from ... import` line names."""
    found = window.find(opening)
    while found >= 0:
        following = window[found + len(opening) : found + len(opening) + 1]
        start = found
        while start > 0 and (window[start - 1 : start].isalnum() or window[start - 1 : start] == b"_"):
            start -= 1
        callee = window[start:found]
        plain = callee[:1].isalpha() or callee[:1] == b"_"
        called = plain and window[start - 1 : start] != b"." and not (following.isalnum() or following == b"_")
        if called and re.search(rb"^[ \t]*from[ \t][^\n]*\b" + re.escape(callee) + rb"\b", source, re.MULTILINE):
            return True
        found = window.find(opening, found + 1)
    return False


def may_define_constant(source: bytes) -> bool:
    """A module-level assignment of a string of a credential's shape, judged on its bytes."""
    for match in _ASSIGNED_RUN.finditer(source):
        line_start = source.rfind(b"\n", 0, match.start()) + 1
        first = source[line_start : line_start + 1]
        if (first.isalpha() or first == b"_") and credential_shaped(match.group(1).decode()):
            return True
    return False


def may_pass_credentials(source: bytes) -> bool:
    """An SDK credential parameter named: a name passed to it may be another module's read."""
    return b"aws_secret_access_key" in source or b"aws_access_key_id" in source
