"""What a hard-coded credential does to the credential chain, for every CL1xx explanation."""

from __future__ import annotations

from typing import Optional

from credlint.chain import CredentialPlacement, Explanation, credential_steps
from credlint.checks.credential_slots import (
    ACCESS_KEY_ID,
    PLACEMENT_EXPLICIT,
    PLACEMENT_SESSION,
    SESSION_TOKEN,
    CredentialUse,
)
from credlint.checks.sdk import CLIENT, RESOURCE

CREDENTIAL_WORDS = {
    ACCESS_KEY_ID: "access key ID",
    "secret-access-key": "secret access key",
    SESSION_TOKEN: "session token",
}

# ref. aws-chain-reference.md section 1: explicit keys build Credentials(method='explicit') and
# the chain is not consulted for that client; session keys override profile_name.
_RUNTIME_BY_LINK = {
    PLACEMENT_EXPLICIT: (
        "botocore builds Credentials(method='explicit') for {target} and never consults the "
        "provider chain for it: on every laptop, CI runner, EC2 instance, ECS task and Lambda "
        "function, its requests are signed as the IAM user that owns this key. AWS_PROFILE, "
        "~/.aws/credentials, SSO, the container (task) role and the instance profile are all ignored."
    ),
    PLACEMENT_SESSION: (
        "{target} takes these keys as the credentials of the whole session and they override "
        "profile_name for credentials (the profile still supplies region); every client made from "
        "the session signs as the IAM user that owns this key, and the provider chain (env, shared "
        "files, SSO, container role, instance profile) is never consulted."
    ),
}
_RUNTIME_UNPLACED = (
    "This value is not passed to the SDK in this file, but it is in the source and in its history. "
    "Wherever it reaches the SDK it wins over the roles: as an argument it takes the explicit link "
    "ahead of the whole chain; exported as an environment variable it takes link 1 (env), ahead of "
    "web identity (3), the container role (11) and the instance profile (12)."
)
_TEMPORARY_KEY = (
    " An ASIA key is a temporary STS key: it needs its secret and session token and expires, "
    "but it was valid when it was written and names the account and role it came from."
)
_TOKEN_ALONE = (
    " Passed without an access key id, a session token is ignored by botocore and the chain "
    "is used instead (observed in botocore 1.44): the literal is useless as well as exposed."
)
FIX = (
    "Delete the value from the code and let the chain resolve credentials: a profile or SSO on "
    "developer machines (AWS_PROFILE), the task role, instance profile or IRSA in AWS. Then "
    "deactivate and rotate the key in IAM: it stays in the repository's history after this line "
    "is removed."
)


def best_use(uses: tuple[CredentialUse, ...]) -> Optional[CredentialUse]:
    return uses[0] if uses else None


def placement_of(use: Optional[CredentialUse], line: int) -> CredentialPlacement:
    if use is None or use.slot.placement.link not in (PLACEMENT_EXPLICIT, PLACEMENT_SESSION):
        where = f"bound to {use.slot.name}" if use else "written in a string"
        return CredentialPlacement(PLACEMENT_EXPLICIT, f"not passed to the SDK here ({where})", line)
    return use.slot.placement


def where_phrase(use: Optional[CredentialUse]) -> str:
    """How a message says where the literal goes, without the value."""
    if use is None:
        return ""
    placement = use.slot.placement
    if use.slot.sdk_call is not None:
        return f" passed as {use.slot.name} to {placement.target}"
    return f" under {use.slot.name!r}"


def hardcoded_explanation(
    credential: str, use: Optional[CredentialUse], line: int, *, temporary: bool = False
) -> Explanation:
    placement = placement_of(use, line)
    passed = use is not None and use.slot.placement.link in (PLACEMENT_EXPLICIT, PLACEMENT_SESSION)
    word = CREDENTIAL_WORDS[credential]
    if passed:
        assert use is not None
        summary = (
            f"A hard-coded {word} is passed as {use.slot.name} to {placement.target} "
            f"(line {placement.line}): the {placement.link} link, which ends credential "
            "resolution before the provider chain starts."
        )
        runtime = _RUNTIME_BY_LINK[placement.link].format(target=placement.target)
    else:
        summary = f"A hard-coded {word} is written in the source (line {line})."
        runtime = _RUNTIME_UNPLACED
    if temporary:
        runtime += _TEMPORARY_KEY
    if credential == SESSION_TOKEN and use is not None and _token_without_key(use):
        runtime += _TOKEN_ALONE
    return Explanation(
        chain="credential",
        summary=summary,
        steps=credential_steps(placement),
        runtime=runtime,
        fix=FIX,
    )


def _token_without_key(use: CredentialUse) -> bool:
    call = use.slot.sdk_call
    return call is not None and call.kind in (CLIENT, RESOURCE) and ACCESS_KEY_ID not in use.slot.given_with
