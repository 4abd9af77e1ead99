"""Access key ids, secret keys and session tokens written in any text: shell, INI, YAML, JSON, HCL,
properties, XML, other languages' code, documents and notebook outputs.

Key ids are found by detect-secrets' AWS pattern wherever they stand. A 40-character secret or a
long token is taken only where something says what it is: a credential name it is assigned to
(`aws_secret_access_key = ...`, `export AWS_SECRET_ACCESS_KEY=...`, `"secretAccessKey": "..."`,
`<SecretAccessKey>...`), a key id within a few lines (a credentials.csv row, a pasted pair), or,
for tokens, the header every STS session token begins with. The shape checks are the Python
rules' own (credlint/secrets.py): placeholders, templates and low-entropy strings never match.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Optional

from credlint.chain import ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN
from credlint.secrets import (
    find_access_key_ids,
    is_documentation_example,
    looks_like_secret_access_key,
    looks_like_session_token,
    redact_credentials_in,
)

# A run of the base64 alphabet, with padding only at its end, standing on its own.
_BASE64_RUN = re.compile(r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40,}={0,2}(?![A-Za-z0-9/+=])")
# What a value is assigned to, just before it on its line: `name = `, `name: `, `"name": "`,
# `name => '`, `NAME=`, `--name `, `set name `, `<Name>`.
_NAME_BEFORE = re.compile(
    r"""(?:<(?P<tag>[A-Za-z_][\w.:-]*)>|(?<![\w/+.\-])(?P<name>[A-Za-z_][\w.\-]*)["'\]]?\s*(?P<sign>=>|:=|[:=]|\s)\s*["'`]?)$"""
)
# What may follow a credential's name before its value: the separators _NAME_BEFORE allows, or
# the end of an XML tag.
_VALUE_AFTER_NAME = re.compile(r"""["'\]]?\s*(?:=>|:=|[:=>]|\s)\s*["'`]?(?P<value>[A-Za-z0-9/+])""")
_NAME_CHARACTER = re.compile(r"[\w.\-]")
_NAME_WORDS = ("secret", "Secret", "SECRET", "token", "Token", "TOKEN")
_SESSION_WORDS = ("ession", "ESSION", "ecurity", "ECURITY")
# A plain word before a value with only a space between is prose ("the key AKIA..."), not a name.
_PROSE_WORD = re.compile(r"[a-z]+")
_NAME_WINDOW = 120  # characters before a value in which its name is looked for
# ref. aws-chain-reference.md section 6: STS session tokens are base64 of a binary header that
# starts the same way for every token of a generation (IQoJb3JpZ2luX2Vj: "!\n\torigin_ec").
STS_TOKEN_HEADERS = ("IQoJb3JpZ2luX2Vj", "FwoGZXIvYXdzE", "FQoGZXIvYXdzE", "AQoDYXdzE")
# How far from a key id a secret written without a name may stand (a CSV row, a pasted pair).
PAIR_DISTANCE = 3


@dataclass(frozen=True)
class TextCredential:
    """One credential value found in a text, where it stands and what it is called there."""

    credential: str  # ACCESS_KEY_ID, SECRET_ACCESS_KEY or SESSION_TOKEN (credlint/chain.py)
    value: str
    line: int
    column: int  # 1-based
    name: str  # the name it is assigned to, as written; "" when none
    example: bool  # AWS's documentation example (AKIAIOSFODNN7EXAMPLE and its secret)
    offset: int  # where it starts in the text


def normalized(name: str) -> str:
    """`AWS_SECRET_ACCESS_KEY`, `aws.secretKey` and `secretAccessKey` all read alike."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def names_secret_key(name: str) -> bool:
    """AWS's names for a secret key; `jwt_secret_key` or a bare `secret` may be anything."""
    word = normalized(name)
    return "secretaccesskey" in word or word.endswith("awssecretkey") or word in ("secretkey", "awssecret")


def names_session_token(name: str) -> bool:
    lowered = name.lower()
    if "session" not in lowered and "security" not in lowered:
        return False  # most names with "token" in them (NextToken, PaginationToken) end here
    word = normalized(name)
    return "sessiontoken" in word or "securitytoken" in word


@functools.lru_cache(maxsize=4)  # the four text rules read the same file in a row
def scan_text(text: str, skipped_lines: frozenset[int] = frozenset()) -> tuple[TextCredential, ...]:
    """Every credential value in text, outside skipped_lines, in the order they stand."""
    found: list[TextCredential] = []
    key_ids: list[TextCredential] = []
    for match in find_access_key_ids(text):
        credential = _at(text, match.start(), ACCESS_KEY_ID, match.group())
        key_ids.append(credential)
        if credential.line not in skipped_lines:
            found.append(credential)
    for offset, value in sorted(_candidate_values(text, key_ids)):
        classified = _classify(text, offset, value, key_ids)
        if classified is not None and classified.line not in skipped_lines:
            found.append(classified)
    return tuple(sorted(found, key=lambda credential: (credential.line, credential.column)))


def _candidate_values(text: str, key_ids: Sequence[TextCredential]) -> set[tuple[int, str]]:
    """The base64 runs a secret or token could be: only those it is reported for are looked at
    (after a credential name, near a key id, or with an STS header), so a large data file costs
    a few substring searches rather than a scan of every run it holds. A run next to a percent
    escape is a piece of a URL-encoded value (a pre-signed URL's token), never a value itself."""
    return {(start, run) for start, run in _runs(text, key_ids) if not _percent_encoded(text, start, start + len(run))}


# ref. RFC 3986 section 2.1: a percent-encoded octet.
_PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")


def _percent_encoded(text: str, start: int, end: int) -> bool:
    return bool(_PERCENT_ESCAPE.match(text, max(start - 3, 0), start) or _PERCENT_ESCAPE.match(text, end))


def _runs(text: str, key_ids: Sequence[TextCredential]) -> set[tuple[int, str]]:
    runs: set[tuple[int, str]] = set()
    for name_end in _credential_name_ends(text):
        value = _VALUE_AFTER_NAME.match(text, name_end)
        if value is not None:
            run = _BASE64_RUN.match(text, value.start("value"))
            if run is not None:
                runs.add((run.start(), run.group()))
    for key_id in key_ids:
        first, last = _lines_around(text, key_id.offset, PAIR_DISTANCE)
        runs.update((run.start(), run.group()) for run in _BASE64_RUN.finditer(text, first, last))
    for header in STS_TOKEN_HEADERS:
        position = text.find(header)
        while position >= 0:
            run = _BASE64_RUN.match(text, position)
            if run is not None:
                runs.add((run.start(), run.group()))
            position = text.find(header, position + 1)
    return runs


def _credential_name_ends(text: str) -> Iterator[int]:
    """Where each name of a secret key or session token ends (`aws_secret_access_key`,
    `SessionToken`, `X-Amz-Security-Token`), found by substring searches for its word as names
    spell it in lower, title or upper case."""
    has_session_words = any(word in text for word in _SESSION_WORDS)
    for word in _NAME_WORDS:
        if word.lower() == "token" and not has_session_words:
            continue  # NextToken, PaginationToken: no session or security token is named here
        position = text.find(word)
        while position >= 0:
            start, end = position, position + len(word)
            while start and _NAME_CHARACTER.match(text, start - 1):
                start -= 1
            while end < len(text) and _NAME_CHARACTER.match(text, end):
                end += 1
            name = text[start:end]
            if names_secret_key(name) or names_session_token(name):
                yield end
            position = text.find(word, end)


def _lines_around(text: str, offset: int, lines: int) -> tuple[int, int]:
    """The start of the line `lines` lines above offset's and the end of the one as far below."""
    first = last = offset
    for _ in range(lines + 1):
        first = text.rfind("\n", 0, first) if first > 0 else -1
        if first < 0:
            break
    for _ in range(lines + 1):
        last = text.find("\n", last + 1) if last >= 0 else -1
        if last < 0:
            break
    return first + 1, len(text) if last < 0 else last


def _at(text: str, offset: int, credential: str, value: str) -> TextCredential:
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    before = _NAME_BEFORE.search(text, max(start, offset - _NAME_WINDOW), offset)
    name = (before.group("tag") or before.group("name")) if before else ""
    if before and before.group("sign") and before.group("sign").isspace() and _PROSE_WORD.fullmatch(name):
        name = ""
    if name and redact_credentials_in(name) != name:  # the word before a value is another credential
        name = ""
    return TextCredential(credential, value, line, offset - start + 1, name, is_documentation_example(value), offset)


def _classify(text: str, offset: int, value: str, key_ids: Sequence[TextCredential]) -> Optional[TextCredential]:
    if looks_like_session_token(value):
        token = _at(text, offset, SESSION_TOKEN, value)
        if value.startswith(STS_TOKEN_HEADERS) or names_session_token(token.name) or _paired(token, key_ids):
            return token
        return None
    if looks_like_secret_access_key(value):
        secret = _at(text, offset, SECRET_ACCESS_KEY, value)
        if names_secret_key(secret.name) or _paired(secret, key_ids):
            return secret
    return None


def _paired(value: TextCredential, key_ids: Sequence[TextCredential]) -> bool:
    """A key id of the same kind (real, or AWS's example) stands within a few lines."""
    return any(abs(value.line - key_id.line) <= PAIR_DISTANCE and key_id.example == value.example for key_id in key_ids)
