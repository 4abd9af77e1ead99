"""Recognising AWS secret shapes, and the only two forms in which a secret ever leaves a rule.

Key-id matching and entropy come from detect-secrets; it is imported on first use because
its import costs more than a whole lint of a small file.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterator
from typing import Callable

FINGERPRINT_SALT = b"credlint-fingerprint-v1"

# Prefixes of access key ids, as opposed to other unique ids (AIDA user, AROA role...)
# that identify but do not authenticate. ref. aws-chain-reference.md section 6;
# detect-secrets' AWSKeyDetector uses the same four plus the legacy A3T.
ACCESS_KEY_PREFIXES = ("AKIA", "ASIA", "ABIA", "ACCA")
ACCESS_KEY_TRIGGERS = (*(prefix.encode() for prefix in ACCESS_KEY_PREFIXES), b"A3T")

# ref. aws-chain-reference.md section 6: secret keys are 40 base64-like characters.
_SECRET_KEY_SHAPE = re.compile(r"[A-Za-z0-9/+]{40}")
_EXAMPLE_SECRET_SHAPE = re.compile(r"[A-Za-z0-9/+]{30,50}")
# STS session tokens are long base64 blobs; every one seen begins with one of these
# base64-encoded headers. ref. AWS STS API reference examples.
_SESSION_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9/+=]{100,}")
# A key id inside a longer run of letters and digits is part of something else; `/`, `=`, `:`
# around it are URL, SigV4 `Credential=AKIA.../date/...` and ARN syntax.
_KEY_ID_NEIGHBOUR = re.compile(r"[A-Za-z0-9]")

# Words that mark a value as a stand-in rather than a credential.
_PLACEHOLDER_WORDS = re.compile(
    r"example|fake|dummy|test|sample|placeholder|changeme|change_me|your|redacted|"
    r"mock|xxxx|foobar|secret|token|replace|insert|abcdefgh|01234567|12345678",
    re.IGNORECASE,
)
_TEMPLATE_MARKERS = re.compile(r"[<>{}$%*]|\.\.\.")

SECRET_KEY_MIN_ENTROPY = 4.0
SESSION_TOKEN_MIN_ENTROPY = 4.5


@functools.lru_cache(maxsize=1)
def _key_id_pattern() -> re.Pattern[str]:
    from detect_secrets.plugins.aws import AWSKeyDetector

    pattern: re.Pattern[str] = AWSKeyDetector.denylist[0]
    return pattern


@functools.lru_cache(maxsize=1)
def _entropy() -> Callable[[str], float]:
    from detect_secrets.plugins.high_entropy_strings import Base64HighEntropyString

    calculate: Callable[[str], float] = Base64HighEntropyString().calculate_shannon_entropy
    return calculate


def find_access_key_ids(text: str) -> Iterator[re.Match[str]]:
    """Access key ids standing on their own in text, not inside a longer base64 run."""
    for match in _key_id_pattern().finditer(text):
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end()] if match.end() < len(text) else ""
        if _KEY_ID_NEIGHBOUR.fullmatch(before or " ") or _KEY_ID_NEIGHBOUR.fullmatch(after or " "):
            continue
        if len(set(match.group()[4:])) < 5:  # AKIAXXXXXXXXXXXXXXXX and friends
            continue
        yield match


def is_documentation_example(value: str) -> bool:
    """AWS's documentation keys end in EXAMPLE or EXAMPLEKEY (ref. reference section 6); its
    sample session tokens carry EXAMPLE inside."""
    return value.endswith("EXAMPLE") or value.endswith("EXAMPLEKEY") or "EXAMPLE" in value


def _has_mixed_alphabet(value: str) -> bool:
    return (
        any(c.isupper() for c in value)
        and any(c.islower() for c in value)
        and any(c.isdigit() or c in "/+" for c in value)
    )


def looks_like_secret_access_key(value: str) -> bool:
    """A 40-character, mixed-case, high-entropy base64 string that no placeholder word marks."""
    if is_documentation_example(value):
        # The STS pages print a 41-character variant of the example secret.
        return value.endswith("EXAMPLEKEY") and bool(_EXAMPLE_SECRET_SHAPE.fullmatch(value))
    if not _SECRET_KEY_SHAPE.fullmatch(value) or not _has_mixed_alphabet(value):
        return False
    if _PLACEHOLDER_WORDS.search(value):
        return False
    return _entropy()(value) >= SECRET_KEY_MIN_ENTROPY


def looks_like_session_token(value: str) -> bool:
    """A long, high-entropy base64 blob: the only form STS session tokens take."""
    if not _SESSION_TOKEN_SHAPE.fullmatch(value) or not _has_mixed_alphabet(value):
        return False
    if _TEMPLATE_MARKERS.search(value):
        return False
    return _entropy()(value) >= SESSION_TOKEN_MIN_ENTROPY


def redact(value: str) -> str:
    """Keep four characters at each end so a user can find the key; never more than that."""
    if len(value) <= 12:
        return "*" * len(value)
    hidden = min(len(value) - 8, 32)
    return f"{value[:4]}{'*' * hidden}{value[-4:]}"


# What could be a key id, or (part of) a secret or token, in text that is not a value of its own.
_KEY_ID_LIKE = re.compile(rf"(?:A3T[A-Z0-9]|{'|'.join(ACCESS_KEY_PREFIXES)})[A-Z0-9]{{16}}")
_SECRET_RUN = re.compile(r"[A-Za-z0-9/+=]{16,}")
# A value's run, its base64 padding included: `=` elsewhere joins a name to its value (`KEY=value`).
_VALUE_RUN = re.compile(r"[A-Za-z0-9/+]{16,}={0,2}")


def redact_credentials_in(text: str) -> str:
    """Text that may quote a file (a parser's message, a name read beside a value) with every key
    id, and every run that could be part of a secret or token, redacted."""
    text = _KEY_ID_LIKE.sub(lambda match: redact(match.group()), text)
    return _SECRET_RUN.sub(lambda match: redact(run) if _has_mixed_alphabet(run := match.group()) else run, text)


def redact_credentials_only(text: str) -> str:
    """Text with every value of a credential's shape redacted (key ids, 40-character secret keys,
    session tokens), and nothing else: a diff of code must keep its other words as written."""
    text = _KEY_ID_LIKE.sub(lambda match: redact(match.group()), text)
    return _VALUE_RUN.sub(lambda match: redact(run) if _credential_shaped(run := match.group()) else run, text)


def _credential_shaped(run: str) -> bool:
    return looks_like_secret_access_key(run) or looks_like_session_token(run)


def fingerprint(code: str, basis: str) -> str:
    """A salted hash that identifies a finding's value without revealing it."""
    digest = hashlib.sha256(FINGERPRINT_SALT + b"\0" + code.encode() + b"\0" + basis.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]
