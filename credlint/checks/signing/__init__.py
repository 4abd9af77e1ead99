"""Request signing (CL5xx, `signing`): SigV2 signature versions, pre-signed URLs written in code,
hand-rolled SigV4 with literal keys."""

from __future__ import annotations

from credlint.checks.signing.candidates import (
    lines_of_signature_parameters,
    lines_of_signature_versions,
    lines_of_sigv4_keys,
    may_derive_sigv4_key,
    may_hold_presigned_url,
    may_set_signature_version,
)
from credlint.finding import Severity
from credlint.rule_info import RuleInfo

CATEGORY = "signing"
E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

# fmt: off
RULES: tuple[RuleInfo, ...] = (
    # A SigV2 signer is chosen by the signature_version keyword, or django-storages' AWS_S3_SIGNATURE_VERSION.
    RuleInfo("CL506", "sigv2-signature", CATEGORY, W, "Client configured to sign with the retired Signature Version 2", (b"signature_version", b"SIGNATURE_VERSION"), f"{__name__}.sigv2_signature:Sigv2Signature", may_set_signature_version, seeds=lines_of_signature_versions),
    # Every pre-signed URL has a Signature= or X-Amz-Signature= parameter.
    RuleInfo("CL507", "presigned-url-in-code", CATEGORY, E, "Pre-signed URL with a live signature written in the code or any other file", (b"ignature=", b"IGNATURE="), f"{__name__}.presigned_url_in_code:PresignedUrlInCode", may_hold_presigned_url, seeds=lines_of_signature_parameters, text_implementation=f"{__name__}.presigned_url_in_code_in_text:PresignedUrlInCodeInText"),
    # The SigV4 key derivation writes "AWS4" before the secret: "AWS4" + key, f"AWS4{key}", b"AWS4".
    RuleInfo("CL509", "hand-rolled-sigv4", CATEGORY, E, "Secret access key written in the code and used to sign SigV4 requests by hand", (b"AWS4",), f"{__name__}.hand_rolled_sigv4:HandRolledSigv4", may_derive_sigv4_key, seeds=lines_of_sigv4_keys),
)
# fmt: on
