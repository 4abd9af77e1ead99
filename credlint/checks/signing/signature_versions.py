"""botocore's signature version names, the Config classes that set them, and what a SigV2 one
does to a client's requests (CL506)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Optional

from credlint.chain import STATUS_SHADOWED, STATUS_THIS_CODE, ChainStep, Explanation

SIGNING_CHAIN = "signing"
# ref. botocore config.py (Config), client.py (`from botocore.config import Config`, the name
# older boto3 docs import), aiobotocore config.py (AioConfig subclasses it).
CONFIG_CLASSES = frozenset({"botocore.config.Config", "botocore.client.Config", "aiobotocore.config.AioConfig"})
# ref. botocore config.py Config.OPTION_DEFAULTS: positional arguments fill options in this order.
CONFIG_PARAMETERS = ("region_name", "signature_version")
# ref. botocore auth.py AUTH_TYPE_MAPS (1.43.x): the SigV2 signers. 's3v4', 'v4', 'v4a' and their
# -query / -presign-post forms are SigV4; 'v3'/'v3https' (SigV3) are another, older scheme.
SIGV2_VERSIONS: dict[str, str] = {
    "s3": (
        "S3's Signature Version 2 (botocore's HmacV1Auth: an HMAC-SHA1 keyed with the secret key, in the "
        "Authorization header; the pre-signed URLs it makes carry AWSAccessKeyId, Signature and Expires)"
    ),
    "s3-query": "S3's Signature Version 2 in the query string (HmacV1QueryAuth), the form of SigV2 pre-signed URLs",
    "s3-presign-post": "S3's Signature Version 2 for pre-signed POST policies (HmacV1PostAuth)",
    "v2": (
        "Signature Version 2 of the query APIs (SigV2Auth: an HmacSHA256 keyed with the secret key, over the "
        "parameters)"
    ),
}
S3_SERVICES = frozenset({"s3", None})  # a client whose service is not known may well be S3

# ref. botocore client.py _get_configured_signature_version (the client's Config, then the
# profile's per-service signature_version) and ClientEndpointBridge._resolve_signature_version
# (s3 and s3-control: s3v4; others: the service model's auth, SigV4).
_CONFIG_FILE = "signature_version under the profile's `<service> =` section (~/.aws/config, AWS_CONFIG_FILE)"
_SERVICE_DEFAULT = "the service's own: s3v4 for S3, SigV4 from the service model elsewhere"
# ref. AWS S3 API reference, "Appendix: Authenticating requests (AWS signature version 2)"
# (SigV2 is turned off; SigV4 only in new regions) and the re:Post announcement of 2019-06-14
# (buckets created after June 24, 2020 refuse SigV2); the error S3 returns is its InvalidRequest
# "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256."
_S3_RUNTIME = (
    "S3 refuses SigV2 for every bucket created after June 24, 2020 and in every region opened after "
    "January 30, 2014, with 400 InvalidRequest ('The authorization mechanism you have provided is not "
    "supported. Please use AWS4-HMAC-SHA256.'); older buckets in the oldest regions still take it, so the "
    "same code works against one bucket and fails against the next. Pre-signed URLs the client "
    "generates are SigV2 URLs too."
)
# ref. botocore data/*/service-2.json: signatureVersion "v2" only for sdb and importexport.
_OTHER_RUNTIME = (
    " botocore's service models list SigV4 for every service but SimpleDB and Import/Export: other "
    "services are sent a signature scheme their model does not declare, and the failure shows only "
    "at the first call."
)
_FIX = (
    "Remove signature_version from the Config (botocore then signs with s3v4 for S3 and SigV4 elsewhere), "
    "or set signature_version='s3v4'."
)
# ref. AWS S3 API reference, SigV4 query parameters: the credential scope names the region, and
# X-Amz-Expires is at most 604800 seconds.
_S3_FIX = (
    " A SigV4 pre-signed URL needs the bucket's region (pass region_name) and lasts at most 7 days: "
    "generate long-lived links closer to their use instead."
)


def sigv2_explanation(
    version: str,
    clients: Sequence[str],
    services: Sequence[Optional[str]],
    line: int,
    source: str = "Config(signature_version=...) given to the client",
) -> Explanation:
    """Why the clients' signature version comes from this code, and what AWS does with it."""
    steps = (
        ChainStep("1", "client-config", source, STATUS_THIS_CODE, line),
        ChainStep("2", "config-file", _CONFIG_FILE, STATUS_SHADOWED),
        ChainStep("3", "service-default", _SERVICE_DEFAULT, STATUS_SHADOWED),
    )
    takes, their = ("takes", "its") if len(clients) == 1 else ("take", "their")
    summary = (
        f"{', '.join(clients)} {takes} signature_version={version!r} from line {line}: botocore "
        f"signs {their} requests with {SIGV2_VERSIONS[version]}. A client's Config wins over the profile "
        "and the service's default SigV4."
    )
    talks_to_s3 = any(service in S3_SERVICES for service in services)
    runtime = _S3_RUNTIME if talks_to_s3 else ""
    if any(service not in S3_SERVICES for service in services):
        runtime = (runtime + _OTHER_RUNTIME).strip()
    fix = _FIX + (_S3_FIX if talks_to_s3 else "")
    return Explanation(chain=SIGNING_CHAIN, summary=summary, steps=steps, runtime=runtime, fix=fix)
