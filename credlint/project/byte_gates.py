"""What a file's bytes say before any parse: whether the project index must read it with `ast`.

Cheap tests on the shapes the index looks for, run on every checked file; a file they pass over is
never parsed for the index. `bytes.find` and `in` rather than regexes where the words are frequent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from credlint.secrets import (
    ACCESS_KEY_PREFIXES,
    find_access_key_ids,
    looks_like_secret_access_key,
    looks_like_session_token,
)

# An assignment of a quoted run of base64: where a credential constant's bytes stand. A regex that
# starts with `=` skips ahead fast; whether the target starts its line is checked after.
_ASSIGNED_RUN = re.compile(rb"""=[ \t]*[rRbBuU]{0,2}["']([A-Za-z0-9/+=]{16,})["']""")
# Where a retry library takes a predicate: tenacity retry_if_(not_)exception, retrying
# retry_on_exception=; backoff's giveup= apart, so a file without "retry" costs one scan less.
_RETRY_PREDICATE_WORDS = (b"retry_if_", b"retry_on_exception")
_HANDLER_WINDOW = 2000  # bytes after an except clause where its error may be passed on
# A def's parameter whose name says region, defaulting to None: a factory's region comes through it.
_REGION_PARAMETER = re.compile(rb"region\w*\s*(?::[^=,)\n]*)?=\s*None")
_CLIENT_CALLS = (b"client(", b"resource(")
_CREDENTIAL_KEYWORDS = (b"aws_access_key_id", b"aws_secret_access_key")
# `=` and the first name of the value: `KEY`, `settings` of `settings.KEY`.
_CREDENTIAL_VALUE = re.compile(rb"\s*=\s*([A-Za-z_]\w*)")
_LOCAL_HEADS = frozenset({b"os", b"None", b"self", b"cls", b"environ"})
_IMPORT_STATEMENT = re.compile(rb"^[ \t]*(?:from|import)[ \t][^\n(]*(?:\([^)]*\))?[^\n]*", re.MULTILINE)
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
    if (b"retry" in source and any(word in source for word in _RETRY_PREDICATE_WORDS)) or b"giveup" in source:
        return True
    callees: set[bytes] = set()
    start = source.find(b"except ")
    while start >= 0:
        end = source.find(b"\n", start)
        end = len(source) if end < 0 else end
        clause = source[start:end].rstrip()
        named = clause.rfind(b" as ")
        if named >= 0 and clause.endswith(b":"):
            error = clause[named + 4 : -1].strip()
            callees.update(_called_with(source[end : end + _HANDLER_WINDOW], b"(" + error))
        start = source.find(b"except ", end)
    import_lines = _import_lines(source) if callees else b""
    return any(_imports(import_lines, callee) for callee in callees)


def _called_with(window: bytes, opening: bytes) -> Iterator[bytes]:
    """The plain names called with the error first (`name(error`) in the window."""
    found = window.find(opening)
    while found >= 0:
        following = window[found + len(opening) : found + len(opening) + 1]
        start = found
        while start > 0 and (window[start - 1 : start].isalnum() or window[start - 1 : start] == b"_"):
            start -= 1
        callee = window[start:found]
        plain = callee[:1].isalpha() or callee[:1] == b"_"
        if plain and window[start - 1 : start] != b"." and not (following.isalnum() or following == b"_"):
            yield callee
        found = window.find(opening, found + 1)


def may_define_constant(source: bytes) -> bool:
    """A module-level assignment of a string of a credential's shape, judged on its bytes."""
    for match in _ASSIGNED_RUN.finditer(source):
        line_start = source.rfind(b"\n", 0, match.start()) + 1
        first = source[line_start : line_start + 1]
        if (first.isalpha() or first == b"_") and credential_shaped(match.group(1).decode()):
            return True
    return False


def may_pass_credentials(source: bytes) -> bool:
    """An SDK credential parameter given a name an import line names (`aws_access_key_id=KEY`,
    `=settings.KEY`): the value may be another module's read of the environment."""
    heads: set[bytes] = set()
    for word in _CREDENTIAL_KEYWORDS:
        found = source.find(word)
        while found >= 0:
            head = _CREDENTIAL_VALUE.match(source, found + len(word))
            if head is not None and head.group(1) not in _LOCAL_HEADS:
                heads.add(head.group(1))
            found = source.find(word, found + 1)
    import_lines = _import_lines(source) if heads else b""
    return any(_imports(import_lines, head) for head in heads)


def _import_lines(source: bytes) -> bytes:
    """A module's import statements, parenthesised lists included: where a name may be imported."""
    return b"\n".join(_IMPORT_STATEMENT.findall(source))


def _imports(import_lines: bytes, name: bytes) -> bool:
    """Whether the import lines name name (`from .settings import KEY`, `import config`)."""
    return re.search(rb"\b" + re.escape(name) + rb"\b", import_lines) is not None
