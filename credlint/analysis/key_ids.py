"""What an access key id tells about itself, offline: its type, from its documented prefix, and
for newer key ids the account it belongs to, which is encoded in it (undocumented)."""

from __future__ import annotations

import base64
import binascii
from typing import Optional

# ref. aws-chain-reference.md section 6 (IAM User Guide, "Understanding unique ID prefixes").
KEY_TYPES = {
    "AKIA": (
        " An AKIA key id is the long-term access key of an IAM user (or the root user): it stays valid "
        "until someone deactivates it."
    ),
    "ASIA": (
        " An ASIA key id is a temporary STS key: it works with its secret and session token until it "
        "expires, and names the role or user it was issued to."
    ),
    "ABIA": " An ABIA key id is an STS bearer token.",
    "ACCA": " An ACCA key id is a context-specific credential.",
}
# ref. aws-chain-reference.md section 6: "The account id can be derived from newer-generation key
# ids (undocumented; official route is sts:GetAccessKeyInfo)". The 16 characters after the prefix
# are base32; in newer key ids the first bit is set, and the next 40 bits, shifted by 7, are the
# account id (published research: A. Steele, "AWS Access Key ID formats", 2020; T. Beery, 2021).
_NEWER_GENERATION_BIT = 0x800000000000
_ACCOUNT_BITS = 0x7FFFFFFFFF80
_ACCOUNT_SHIFT = 7


def key_id_note(key_id: str) -> str:
    """The key's type and, when its id encodes one, its account, as sentences for an explanation."""
    note = KEY_TYPES.get(key_id[:4], "")
    account = account_of(key_id)
    if account is not None:
        note += (
            f" Its account, decoded offline from the key id, is {account} (the encoding is undocumented: "
            "`aws sts get-access-key-info` gives the official answer)."
        )
    return note


def account_of(key_id: str) -> Optional[str]:
    """The 12-digit account a newer-generation key id encodes; None for older ones and non-keys."""
    if len(key_id) != 20 or key_id[:4] not in KEY_TYPES:
        return None
    try:
        decoded = base64.b32decode(key_id[4:])
    except (binascii.Error, ValueError):
        return None
    head = int.from_bytes(decoded[:6], "big")
    if not head & _NEWER_GENERATION_BIT:
        return None
    return f"{(head & _ACCOUNT_BITS) >> _ACCOUNT_SHIFT:012d}"
