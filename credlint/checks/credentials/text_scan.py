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

import bisect
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Optional

from credlint.chain import ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN
from credlint.secrets import (
    find_access_key_ids,
    is_documentation_example,
    looks_like_secret_access_key,
    looks_like_session_token,
)

# A run of the base64 alphabet, with padding only at its end, standing on its own.
_BASE64_RUN = re.compile(r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40,}={0,2}(?![A-Za-z0-9/+=])")
# What a value is assigned to, just before it on its line: `name = `, `name: `, `"name": "`,
# `name => '`, `NAME=`, `--name `, `set name `, `<Name>`.
_NAME_BEFORE = re.compile(
    r"""(?:<(?P<tag>[A-Za-z_][\w.:-]*)>|(?P<name>[A-Za-z_][\w.\-]*)["'\]]?\s*(?P<sign>=>|:=|[:=]|\s)\s*["'`]?)$"""
)
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


def normalized(name: str) -> str:
    """`AWS_SECRET_ACCESS_KEY`, `aws.secretKey` and `secretAccessKey` all read alike."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def names_secret_key(name: str) -> bool:
    """AWS's names for a secret key; `jwt_secret_key` or a bare `secret` may be anything."""
    word = normalized(name)
    return "secretaccesskey" in word or word.endswith("awssecretkey") or word in ("secretkey", "awssecret")


def names_session_token(name: str) -> bool:
    word = normalized(name)
    return "sessiontoken" in word or "securitytoken" in word


@functools.lru_cache(maxsize=4)  # the four text rules read the same file in a row
def scan_text(text: str, skipped_lines: frozenset[int] = frozenset()) -> tuple[TextCredential, ...]:
    """Every credential value in text, outside skipped_lines, in the order they stand."""
    line_starts = [0, *(match.end() for match in re.finditer("\n", text))]
    found: list[TextCredential] = []
    key_ids: list[TextCredential] = []
    for match in find_access_key_ids(text):
        credential = _at(text, line_starts, match.start(), ACCESS_KEY_ID, match.group())
        key_ids.append(credential)
        if credential.line not in skipped_lines:
            found.append(credential)
    for match in _BASE64_RUN.finditer(text):
        value = _classify(text, line_starts, match.start(), match.group(), key_ids)
        if value is not None and value.line not in skipped_lines:
            found.append(value)
    return tuple(sorted(found, key=lambda credential: (credential.line, credential.column)))


def _at(text: str, line_starts: Sequence[int], offset: int, credential: str, value: str) -> TextCredential:
    line = bisect.bisect_right(line_starts, offset)
    start = line_starts[line - 1]
    before = _NAME_BEFORE.search(text, max(start, offset - _NAME_WINDOW), offset)
    name = (before.group("tag") or before.group("name")) if before else ""
    if before and before.group("sign") and before.group("sign").isspace() and _PROSE_WORD.fullmatch(name):
        name = ""
    return TextCredential(credential, value, line, offset - start + 1, name, is_documentation_example(value))


def _classify(
    text: str, line_starts: Sequence[int], offset: int, value: str, key_ids: Sequence[TextCredential]
) -> Optional[TextCredential]:
    if looks_like_session_token(value):
        token = _at(text, line_starts, offset, SESSION_TOKEN, value)
        if value.startswith(STS_TOKEN_HEADERS) or names_session_token(token.name) or _paired(token, key_ids):
            return token
        return None
    if looks_like_secret_access_key(value):
        secret = _at(text, line_starts, offset, SECRET_ACCESS_KEY, value)
        if names_secret_key(secret.name) or _paired(secret, key_ids):
            return secret
    return None


def _paired(value: TextCredential, key_ids: Sequence[TextCredential]) -> bool:
    """A key id of the same kind (real, or AWS's example) stands within a few lines."""
    return any(abs(value.line - key_id.line) <= PAIR_DISTANCE and key_id.example == value.example for key_id in key_ids)
