"""CL508's words: which credential is logged, which link it came from, how long it stays usable,
and how to rotate or revoke it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Optional

from credlint.chain import (
    ACCESS_KEY_ID,
    CREDENTIAL_CHAIN,
    CREDENTIAL_WORDS,
    SESSION_TOKEN,
    STATUS_THIS_CODE,
    ChainStep,
    CredentialPlacement,
    Explanation,
    credential_steps,
)
from credlint.checks.exposure.credential_values import (
    CHAIN,
    ENVIRONMENT,
    ISSUED,
    WHOLE,
    WHOLE_ENVIRONMENT,
    Leak,
    Origin,
)

PART_WORDS = {**CREDENTIAL_WORDS, WHOLE: "key ID, secret access key and session token"}
STATUS_MAY_HAVE_ANSWERED = "may have answered"
# ref. IAM User Guide, "Revoke IAM role temporary security credentials": the console's "Revoke active
# sessions" attaches a policy denying every action to sessions with aws:TokenIssueTime before now.
REVOKE_ROLE_SESSIONS = (
    "revoke the role's active sessions (IAM console, Revoke active sessions: an inline policy that denies "
    "every session issued before now) or wait for them to expire"
)
# ref. IAM User Guide, "Disabling permissions for temporary security credentials": temporary
# credentials cannot be revoked, but their permissions are evaluated on every request.
REVOKE_USER_TOKENS = (
    "deny the IAM user that requested them every action for tokens issued before now (an inline policy "
    "with a DateLessThan aws:TokenIssueTime condition) or wait for them to expire; tokens a root user "
    "requested cannot be restricted"
)
ROTATE_USER_KEY = "create a new access key for the IAM user, deploy it, then deactivate and delete the logged one"
# What to log instead, by origin: something that tells which credentials are in use, never a secret.
DO_NOT_LOG = {
    CHAIN: "log credentials.method (the link that answered), the key ID cut to its first four characters, "
    "or whether credentials were found",
    ENVIRONMENT: "log whether the variable is set, or the key ID cut to its first four characters; log the "
    "variables you need by name, never the whole environment",
    ISSUED: "log the assumed role's ARN, the key ID cut to its first four characters, or the Expiration",
}
PURGE = "Purge the lines from the log store where it allows."
LOGS_TRAVEL = (
    "Log output and console output end up in log collectors, third-party log services and CI job logs, "
    "kept for months and readable by far more people than the credentials ever were: "
)
SIGNS_AS = "whoever reads them can sign requests as this identity. "
# ref. aws-chain-reference.md section 6: the account can be derived from newer key IDs; ASIA is temporary.
KEY_ID_ONLY = (
    "The access key ID alone signs nothing (the secret access key is needed), but it names the key in "
    "CloudTrail and the account can be derived from newer key IDs: it is an identifier worth masking, not a "
    "credential to rotate. "
)
# ref. aws-chain-reference.md section 1: the first provider that answers supplies the credentials.
CHAIN_RUNTIME = (
    "{label} returns the credentials of the first provider of the chain that answered: long-term IAM user "
    "keys (AKIA...) from the env link, the shared credentials file or the config file, which stay valid "
    "until deleted, or temporary ones (ASIA..., with a session token) from assume-role, SSO, web identity, "
    "the container role or the instance profile. credentials.method names the link at runtime."
)
# ref. aws-chain-reference.md sections 1 and 7: link 1 reads these; Lambda fills them from the role.
ENV_RUNTIME = (
    "botocore's env provider (link 1) reads {variable}. On Lambda it holds the execution role's temporary "
    "credentials; elsewhere it usually holds an IAM user's long-term key, valid until deleted."
)
# ref. aws-chain-reference.md section 7: Lambda sets the three variables from the execution role.
WHOLE_ENVIRONMENT_RUNTIME = (
    "On Lambda the runtime always sets these to the execution role's temporary credentials, so every "
    "invocation logs a working session; in a container or on a host they hold whatever keys the process "
    "was given, or nothing."
)
ENV_TOKEN_RUNTIME = (
    "botocore's env provider (link 1) reads {variable}, the session token of temporary credentials: on "
    "Lambda the execution role's, elsewhere whatever role or GetSessionToken call issued them."
)
# ref. aws-chain-reference.md section 7: GetSessionToken DurationSeconds 900-129,600, default 43,200.
ISSUED_RUNTIME = (
    "{operation} issued these credentials to this code, outside the provider chain; they stay valid until "
    "the Expiration in the response{duration} and cannot be deleted one by one."
)
# ref. IAM User Guide, "Manage access keys for IAM users": the secret is shown only at creation, and
# a key stays valid until it is deactivated or deleted.
NEW_KEY_RUNTIME = (
    "CreateAccessKey returns the secret access key once, at creation; the key then signs as the IAM user "
    "until it is deactivated or deleted, with no expiry."
)
DELETE_NEW_KEY = "deactivate and delete the access key in IAM, and create a new one the same way without logging it"
GET_SESSION_TOKEN_DURATION = " (GetSessionToken: 900 to 129,600 seconds, 12 hours by default)"
USER_TOKEN_OPERATIONS = ("GetSessionToken", "GetFederationToken")


def parts_phrase(leaks: Sequence[Leak]) -> str:
    parts = list(dict.fromkeys(leak.part for leak in leaks))
    if WHOLE in parts:
        return PART_WORDS[WHOLE]
    words = [PART_WORDS[part] for part in parts]
    return " and ".join(words)


def origin_phrase(origin: Origin) -> str:
    if origin.kind == CHAIN:
        return f"the credentials {origin.label} resolved"
    if origin.kind == ENVIRONMENT:
        return f"{origin.label} from the environment"
    if origin.issuer is not None and origin.issuer.long_term:
        return f"the access key {origin.label} created"
    return f"the temporary credentials {origin.label} returned"


def message(leaks: Sequence[Leak], sink: str) -> str:
    origin = leaks[0].origin
    if origin.label == WHOLE_ENVIRONMENT:
        return (
            f"{sink} writes the whole environment ({WHOLE_ENVIRONMENT}), with AWS_SECRET_ACCESS_KEY and "
            "AWS_SESSION_TOKEN wherever they are set (always on Lambda): write the variables it needs by name"
        )
    if origin.kind == ENVIRONMENT:
        what = f"{origin.label} (the {parts_phrase(leaks)}) from the environment"
    else:
        what = f"the {parts_phrase(leaks)} of {origin_phrase(origin)}"
    if only_key_id(leaks):
        return f"{sink} writes {what}: mask it to its first four characters"
    return f"{sink} writes {what}: a logged secret is a leaked credential; rotate or revoke it"


def only_key_id(leaks: Sequence[Leak]) -> bool:
    return all(leak.part == ACCESS_KEY_ID for leak in leaks)


def explanation(leaks: Sequence[Leak], sink: str, line: int) -> Explanation:
    origin = leaks[0].origin
    words = {CHAIN: _chain_words, ENVIRONMENT: _environment_words, ISSUED: _issued_words}[origin.kind]
    summary, runtime, revoke = words(leaks, origin, f"{sink} (line {line})")
    steps = _steps(origin, sink, line)
    instead = f"Do not write the value: {DO_NOT_LOG[origin.kind]}."
    if only_key_id(leaks):
        return Explanation("credential", summary, steps, KEY_ID_ONLY + runtime, instead)
    fix = f"{instead} Then treat the value as leaked: {revoke}. {PURGE}"
    return Explanation("credential", summary, steps, LOGS_TRAVEL + SIGNS_AS + runtime, fix)


def _chain_words(leaks: Sequence[Leak], origin: Origin, where: str) -> tuple[str, str, str]:
    summary = (
        f"{where} writes the {parts_phrase(leaks)} of the credentials {origin.label} resolved: whichever link "
        "of the credential chain answered first, which the key ID's prefix (AKIA long-term, ASIA temporary) "
        "and credentials.method tell."
    )
    revoke = f"for an AKIA key, {ROTATE_USER_KEY}; for a role's ASIA credentials, {REVOKE_ROLE_SESSIONS}"
    return summary, CHAIN_RUNTIME.format(label=origin.label), revoke


def _environment_words(leaks: Sequence[Leak], origin: Origin, where: str) -> tuple[str, str, str]:
    if origin.label == WHOLE_ENVIRONMENT:
        summary = (
            f"{where} writes the whole environment, which holds what botocore's env provider (link 1) reads "
            "wherever it is set: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN."
        )
        return (
            summary,
            WHOLE_ENVIRONMENT_RUNTIME,
            f"if it held an IAM user's key, {ROTATE_USER_KEY}; on Lambda, {REVOKE_ROLE_SESSIONS}",
        )
    summary = (
        f"{where} writes {origin.label}, the {parts_phrase(leaks)} that botocore's env provider (link 1) reads: "
        "the credentials this process signs with wherever link 1 answers."
    )
    if all(leak.part == SESSION_TOKEN for leak in leaks):
        revoke = f"a session token belongs to temporary credentials: {REVOKE_ROLE_SESSIONS}"
        return summary, ENV_TOKEN_RUNTIME.format(variable=origin.label), revoke
    revoke = f"if it is an IAM user's key, {ROTATE_USER_KEY}; on Lambda, {REVOKE_ROLE_SESSIONS}"
    return summary, ENV_RUNTIME.format(variable=origin.label), revoke


def _issued_words(leaks: Sequence[Leak], origin: Origin, where: str) -> tuple[str, str, str]:
    if origin.issuer is not None and origin.issuer.long_term:
        summary = (
            f"{where} writes the {parts_phrase(leaks)} of {origin_phrase(origin)} ({origin.issuer.operation}): "
            "an IAM user's long-term key, which this code holds outside the provider chain."
        )
        return summary, NEW_KEY_RUNTIME, DELETE_NEW_KEY
    operation = origin.issuer.operation if origin.issuer is not None else "STS"
    summary = (
        f"{where} writes the {parts_phrase(leaks)} of the temporary credentials {origin.label} returned "
        f"({operation}): credentials issued to this code, which it holds outside the provider chain."
    )
    duration = GET_SESSION_TOKEN_DURATION if operation == "GetSessionToken" else ""
    runtime = ISSUED_RUNTIME.format(operation=operation, duration=duration)
    return summary, runtime, REVOKE_USER_TOKENS if operation in USER_TOKEN_OPERATIONS else REVOKE_ROLE_SESSIONS


def _steps(origin: Origin, sink: str, line: Optional[int]) -> tuple[ChainStep, ...]:
    """The chain as it gave the logged value: link 1 for the environment, every link for resolved
    credentials (any may have answered), none for credentials STS issued outside the chain."""
    if origin.label == WHOLE_ENVIRONMENT:  # link 1's variables, whether or not they are set
        return (ChainStep("1", "env", CREDENTIAL_CHAIN[0].reads, STATUS_THIS_CODE, line),)
    if origin.kind == ENVIRONMENT:
        return credential_steps(CredentialPlacement("env", sink, line))
    logged = ChainStep("-", origin.label, f"logged by {sink}", STATUS_THIS_CODE, line)
    if origin.kind != CHAIN:
        return (logged,)
    links = tuple(
        ChainStep(str(link.position), link.method, link.reads, STATUS_MAY_HAVE_ANSWERED) for link in CREDENTIAL_CHAIN
    )
    return (logged, *links)
