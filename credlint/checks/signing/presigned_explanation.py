"""What a pre-signed URL written in a file lets its readers do, and how to take it back (CL507)."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from credlint.analysis.key_ids import key_id_note
from credlint.chain import Explanation
from credlint.checks.signing.presigned_urls import SIGV2, PresignedUrl
from credlint.checks.signing.signature_versions import SIGNING_CHAIN
from credlint.secrets import redact

TEMPORARY_PREFIX = "ASIA"

# ref. AWS S3 user guide, "Download and upload objects with presigned URLs": the URL acts with the
# credentials of the principal that signed it, and can be used many times until it expires.
_USE = (
    "Anyone who reads the URL can send the request it was signed for (its method, and for S3 its "
    "bucket and object), as often as they like and with no credentials of their own, as the IAM "
    "principal that owns the key"
)
_UNREAD_EXPIRY = ", until it expires (its expiry is not written in a form credlint reads)."
# A URL past its time is refused, but what it names stays readable in the source.
_AFTER_EXPIRY = (
    " After that time S3 refuses it; the key id, the bucket and the object it names stay readable here, "
    "so check that date against today before deciding how urgent the fix is."
)
# ref. AWS S3 API reference, SigV4 query parameters: X-Amz-Expires is at most 604800 s (7 days).
_SIGV4_CAP = " A SigV4 URL lives at most 7 days after X-Amz-Date."
# ref. re:Post announcement of 2019-06-14: new buckets created after June 24, 2020 refuse SigV2.
_SIGV2_BUCKETS = " S3 accepts SigV2 only for buckets created before June 24, 2020, in regions that took it."
# ref. AWS S3 user guide, presigned URL expiration: a URL signed with temporary credentials
# stops working when they expire, even before its own expiry.
_SESSION = (
    " It carries X-Amz-Security-Token: it was signed with temporary credentials and stops working "
    "when their session ends, if that comes first."
)
_SECRET_SAFE = (
    " The signature does not reveal the secret key; the key id and the URL stay in the repository's "
    "history after this line is removed."
)
_FIX = (
    "Delete the URL and generate one where it is needed, for minutes rather than days: "
    "s3.generate_presigned_url('get_object', Params={...}, ExpiresIn=300), signed with the caller's "
    "role. A pre-signed URL cannot be revoked on its own: until it expires, only "
)
_REVOKE_LONG_TERM = "deactivating the access key in IAM stops it (and every other URL the key signed); rotate the key."
_REVOKE_TEMPORARY = "revoking the role's active sessions in IAM (or removing the permission it used) stops it."


def presigned_message(url: PresignedUrl) -> str:
    return f"Pre-signed URL ({url.version}) signed by access key {redact(url.key_id)}, usable until it expires"


def presigned_explanation(url: PresignedUrl, place: str, line: int) -> Explanation:
    """The explanation of a pre-signed URL found at line of place ("the code", "this file")."""
    summary = (
        f"A pre-signed URL ({url.version} query authentication) is written in {place} (line {line}): its "
        f"query string names access key {redact(url.key_id)} and a signature made with that key's secret."
    )
    runtime = _USE + _lifetime(url)
    if url.has_session_token:
        runtime += _SESSION
    runtime += _SECRET_SAFE + key_id_note(url.key_id)
    revoke = _REVOKE_TEMPORARY if url.key_id.startswith(TEMPORARY_PREFIX) else _REVOKE_LONG_TERM
    return Explanation(chain=SIGNING_CHAIN, summary=summary, steps=(), runtime=runtime, fix=_FIX + revoke)


def _lifetime(url: PresignedUrl) -> str:
    scope = f" (credential scope {url.scope})" if url.scope else ""
    if url.expires_at is None:
        return scope + _UNREAD_EXPIRY
    if url.version == SIGV2:
        return f", until its Expires time, {_when(url.expires_at)}.{_AFTER_EXPIRY}{_SIGV2_BUCKETS}"
    signed = f"signed {_when(url.signed_at)}, " if url.signed_at else ""
    return f"{scope}: {signed}valid until {_when(url.expires_at)}.{_AFTER_EXPIRY}{_SIGV4_CAP}"


def _when(moment: Optional[datetime]) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "an unknown time"
