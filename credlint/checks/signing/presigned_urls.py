"""Finding pre-signed URLs whose query string still authenticates: a real key id, a real signature,
an expiry. Shared by CL507's Python and text implementations; pure text in, offsets out."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Optional
from urllib.parse import unquote

from credlint.secrets import find_access_key_ids, is_documentation_example

SIGV4 = "SigV4"
SIGV2 = "SigV2"

# A URL runs until whitespace, a quote, or the brackets and separators that end one in Markdown,
# HTML, JSON and code; S3 keys in a URL are percent-encoded (botocore quotes every byte of the
# path but `/~`), so none of these stands inside a real one. \0 stands for an unknown f-string part.
_URL_END = frozenset("\"'`<>()[]{}|,\\\0")  # and whitespace, as str.isspace and \s say
_URL_RUN = re.compile(r"[^\s\"'`<>()\[\]{}|,\\\0]+")
# Where to start looking: a signature parameter, SigV4's or SigV2's.
_SIGNATURE_PARAMETER = re.compile(r"signature=", re.IGNORECASE)
# HTML writes `&` as `&amp;`; Go's encoding/json and some JavaScript serialisers as `\u0026`,
# which the run above stops at: both are read as separators, their length kept for the offsets.
_ESCAPED_AMPERSANDS = {"&amp;": "&&&&&", "\\u0026": "&&&&&&"}
_QUERY_SEPARATOR = re.compile(r"[?&]")
# ref. AWS S3 API reference, "Authenticating Requests: Using Query Parameters (AWS Signature
# Version 4)": X-Amz-Signature is the hex HMAC-SHA256, X-Amz-Credential is
# <key id>/<yyyymmdd>/<region>/<service>/aws4_request, X-Amz-Date is yyyymmddThhmmssZ,
# X-Amz-Expires is seconds (at most 604800, 7 days).
_SIGV4_SIGNATURE = re.compile(r"[0-9a-fA-F]{64}")
_AMZ_DATE = re.compile(r"\d{8}T\d{6}Z")
# S3 refuses an X-Amz-Expires over 604800 seconds: a longer one leaves the expiry unknown.
_MAX_LIFETIME_DIGITS = 9
# ref. botocore auth.py HmacV1QueryAuth (signature_version 's3-query'), AWS S3 "Authenticating
# Requests (AWS Signature Version 2)": Signature is the base64 HMAC-SHA1 (28 characters);
# SigV2Auth (query APIs) signs with HmacSHA256 (44 characters). Expires is seconds since the epoch.
_SIGV2_SIGNATURE = re.compile(r"[A-Za-z0-9+/]{27}=|[A-Za-z0-9+/]{43}=")
_EPOCH_SECONDS = re.compile(r"\d{9,11}")
# A real MAC has near-uniform characters; placeholders repeat a few.
_MIN_DISTINCT_SIGNATURE_CHARACTERS = 8


@dataclass(frozen=True)
class PresignedUrl:
    """A query-authenticated URL found in text, with what its parameters say about its life."""

    start: int  # offsets of the URL (or bare query string) in the scanned text
    end: int
    version: str  # SIGV4 or SIGV2
    key_id: str = field(repr=False)  # kept out of any repr, which a traceback could print
    signature: str = field(repr=False)
    expires_at: Optional[datetime]  # None when the URL does not say
    signed_at: Optional[datetime] = None
    scope: str = ""  # "<region>/<service>" of a SigV4 credential scope
    has_session_token: bool = False  # X-Amz-Security-Token: signed with temporary credentials


def find_presigned_urls(text: str) -> Iterator[PresignedUrl]:
    """Every pre-signed URL in text whose key id is real (not AWS's documentation example) and whose
    signature has the shape a signer produces, not a placeholder."""
    readable = text
    for escaped, separators in _ESCAPED_AMPERSANDS.items():
        readable = readable.replace(escaped, separators)
    searched_until = 0
    for parameter in _SIGNATURE_PARAMETER.finditer(readable):
        if parameter.start() < searched_until:
            continue  # in the URL just read
        start = parameter.start()
        while start and not (readable[start - 1].isspace() or readable[start - 1] in _URL_END):
            start -= 1
        run = _URL_RUN.match(readable, start)
        if run is None or run.end() <= parameter.start():
            continue
        searched_until = run.end()
        found = _presigned(run.group(), run.start(), run.end())
        if found is not None:
            yield found


def _presigned(url: str, start: int, end: int) -> Optional[PresignedUrl]:
    parameters: dict[str, str] = {}
    for part in _QUERY_SEPARATOR.split(url):
        name, equals, value = part.partition("=")
        if equals:
            parameters.setdefault(name.strip().lower(), unquote(value))
    if "x-amz-signature" in parameters:
        return _sigv4(parameters, start, end)
    if "awsaccesskeyid" in parameters:
        return _sigv2(parameters, start, end)
    return None


def _sigv4(parameters: dict[str, str], start: int, end: int) -> Optional[PresignedUrl]:
    signature = parameters["x-amz-signature"]
    scope = parameters.get("x-amz-credential", "").split("/")
    key_id = _real_key_id(scope[0])
    if key_id is None or not _SIGV4_SIGNATURE.fullmatch(signature) or _placeholder(signature):
        return None
    signed_at = _amz_date(parameters.get("x-amz-date", ""))
    lifetime = parameters.get("x-amz-expires", "")
    expires_at = None
    if signed_at is not None and lifetime.isdigit() and len(lifetime) <= _MAX_LIFETIME_DIGITS:
        expires_at = signed_at + timedelta(seconds=int(lifetime))
    return PresignedUrl(
        start,
        end,
        SIGV4,
        key_id,
        signature,
        expires_at,
        signed_at,
        "/".join(scope[2:4]) if len(scope) >= 4 else "",
        "x-amz-security-token" in parameters,
    )


def _sigv2(parameters: dict[str, str], start: int, end: int) -> Optional[PresignedUrl]:
    signature = parameters.get("signature", "")
    key_id = _real_key_id(parameters["awsaccesskeyid"])
    expires = parameters.get("expires", "")
    # ref. AWS S3 "Query string request authentication alternative" (SigV2): Expires is required;
    # a SigV2 query request without it (Timestamp instead) is good for 15 minutes only.
    if key_id is None or not _SIGV2_SIGNATURE.fullmatch(signature) or not _EPOCH_SECONDS.fullmatch(expires):
        return None
    if _placeholder(signature):
        return None
    expires_at = datetime.fromtimestamp(int(expires), tz=timezone.utc)
    token = "x-amz-security-token" in parameters
    return PresignedUrl(start, end, SIGV2, key_id, signature, expires_at, has_session_token=token)


def _real_key_id(value: str) -> Optional[str]:
    """value when it is exactly one access key id, and not one of AWS's documentation examples."""
    match = next(find_access_key_ids(value), None)
    if match is None or match.group() != value or is_documentation_example(value):
        return None
    return value


def _placeholder(signature: str) -> bool:
    return len(set(signature.lower())) < _MIN_DISTINCT_SIGNATURE_CHARACTERS


def _amz_date(value: str) -> Optional[datetime]:
    if not _AMZ_DATE.fullmatch(value):
        return None
    try:
        return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return None
