"""What botocore retries by itself: attempts per retry mode and the error codes each retries,
read from credlint/data/retry_codes.json, so a hand-written retry can be weighed against it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Optional

from credlint.data import load_data

STANDARD, LEGACY, ADAPTIVE = "standard", "legacy", "adaptive"
# ref. aws-chain-reference.md section 3: default mode standard since botocore 1.44.0, legacy before.
DEFAULT_MODE_CHANGE = "1.44.0"
# The tables are facts about botocore: credlint/data/retry_codes.json records the botocore version
# they were read from, and scripts/regenerate_retry_codes.py regenerates them.
_TABLES = load_data("retry_codes")
# ref. aws-chain-reference.md section 3: total attempts per call (botocore retries/standard.py
# DEFAULT_MAX_ATTEMPTS and _SERVICE_MAX_ATTEMPTS; data/_retry.json for legacy).
STANDARD_ATTEMPTS: int = _TABLES["standard_attempts"]
STANDARD_ATTEMPTS_BY_SERVICE: Mapping[str, int] = dict(_TABLES["standard_attempts_by_service"])
LEGACY_ATTEMPTS: int = _TABLES["legacy_attempts"]
LEGACY_ATTEMPTS_BY_SERVICE: Mapping[str, int] = dict(_TABLES["legacy_attempts_by_service"])

# ref. aws-chain-reference.md section 3: standard mode's throttling codes (any status).
THROTTLING_CODES: frozenset[str] = frozenset(_TABLES["throttling_codes"])
# ref. aws-chain-reference.md section 3: standard mode's transient codes.
TRANSIENT_CODES: frozenset[str] = frozenset(_TABLES["transient_codes"])
# What a fix lets a retry take: the codes botocore's standard mode retries too.
SDK_RETRIED_CODES: tuple[str, ...] = tuple(sorted(THROTTLING_CODES | TRANSIENT_CODES))
# ref. aws-chain-reference.md section 3: legacy mode's per-service code+status pairs (data/_retry.json).
LEGACY_CODES: frozenset[str] = frozenset(_TABLES["legacy_codes"])
# ref. botocore 1.44.8 data/*/*/service-2.json: error shapes whose httpStatusCode is 429 or >= 500.
# Whatever the code, botocore retries these statuses (section 3), so retrying the code is right.
MODELED_SERVER_ERROR_CODES: frozenset[str] = frozenset(_TABLES["modeled_server_error_codes"])
# ref. aws-chain-reference.md section 3 ("modeled errors with the retryable trait", 248 shapes in
# 1.44.8) and botocore 1.44.8 service-2.json: the retryable codes not covered above, with the only
# services that model them so. Standard mode retries them for those services alone.
MODELED_RETRYABLE_BY_SERVICE: Mapping[str, frozenset[str]] = {
    code: frozenset(services) for code, services in _TABLES["modeled_retryable_by_service"].items()
}
# ref. aws-chain-reference.md section 3: observed not retried, whatever one niche service models.
OBSERVED_NOT_RETRIED = frozenset({"ValidationException", "AccessDenied", "AccessDeniedException"})
# Words of client-error codes: 4xx errors that fail the same way every time. ref. botocore 1.44.8
# service-2.json (names of the error shapes modeled with a 4xx status) and the unmodeled S3, EC2,
# IAM and STS codes (AccessDenied, InvalidClientTokenId, UnauthorizedOperation). CL403 names only
# codes like these: a name in a retry list that is no AWS code at all (`EndpointConnectionError`)
# is dead, not harmful.
_CLIENT_ERROR_WORDS = re.compile(
    r"AccessDenied|NoSuch|NotFound|Invalid|Validation|AlreadyExists|AlreadyOwned|Conflict|ConditionalCheckFailed|"
    r"Malformed|Missing|Unauthori[sz]ed|NotAuthorized|Forbidden|Expired|InUse|Unsupported|NotSupported|Duplicate|"
    r"Incompatible|Precondition|TooLarge|Unrecognized|SignatureDoesNotMatch|IncompleteSignature|OptInRequired|"
    r"NotEmpty|DoesNotExist|Violation|NotPermitted|AuthFailure|Incorrect|Mismatch"
)
# Codes of a resource that is not there (yet). ref. botocore 1.44.8 data/*/*/waiters-2.json: the
# waiters poll through these (acceptors `"matcher": "error", "state": "retry"` on NoSuchEntity,
# ResourceNotFoundException, InvalidInstanceID.NotFound, InvocationDoesNotExist; s3 ObjectExists and
# BucketExists on status 404) at a fixed `delay` for at most `maxAttempts`.
_ABSENCE_WORDS = re.compile(r"NoSuch|NotFound|DoesNotExist|NonExistent|^404$")
# Codes quoted when a retry takes every error, to make "every ClientError" concrete.
EXAMPLE_CLIENT_ERRORS = ("AccessDenied", "ValidationException", "ResourceNotFoundException")

NUMERIC_CODE = re.compile(r"^[1-5][0-9][0-9]$")


def sdk_retries_status(status: int) -> bool:
    """ref. aws-chain-reference.md section 3: 429 and 5xx are the SDK's; other 4xx are never retried."""
    return status == 429 or status >= 500


def sdk_retries_code(code: str, service: Optional[str]) -> bool:
    """Whether botocore (standard or legacy mode) retries this error code for service."""
    if code in THROTTLING_CODES or code in TRANSIENT_CODES or code in LEGACY_CODES:
        return True
    if code in MODELED_SERVER_ERROR_CODES:
        return True
    if NUMERIC_CODE.match(code):  # with no usable body, Code is the status as a string
        return sdk_retries_status(int(code))
    services = MODELED_RETRYABLE_BY_SERVICE.get(code)
    if services is None:
        return False
    if service is not None:
        return service in services
    return code not in OBSERVED_NOT_RETRIED


def is_client_error_code(code: str, service: Optional[str]) -> bool:
    """A code (or status string) that is surely a 4xx client error botocore does not retry."""
    if sdk_retries_code(code, service):
        return False
    if NUMERIC_CODE.match(code):
        return 400 <= int(code) <= 499
    return bool(_CLIENT_ERROR_WORDS.search(code))


def is_absence_code(code: str) -> bool:
    """A code saying the resource is not there, which a waiter polls through until it appears."""
    return bool(_ABSENCE_WORDS.search(code))


def sdk_attempts(mode: str, service: Optional[str]) -> int:
    if mode == LEGACY:
        return LEGACY_ATTEMPTS_BY_SERVICE.get(service or "", LEGACY_ATTEMPTS)
    return STANDARD_ATTEMPTS_BY_SERVICE.get(service or "", STANDARD_ATTEMPTS)
