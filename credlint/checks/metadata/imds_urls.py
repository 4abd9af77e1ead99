"""Which URLs reach the EC2 instance metadata service, folded from the expressions that build them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

import libcst as cst

from credlint.analysis.bindings import MAX_RESOLUTION_DEPTH, qualified_names, single_bound_value
from credlint.analysis.literals import (
    UNKNOWN_VALUE,
    is_string_expression,
    literal_sources,
    string_pieces,
    template_pieces,
)

UNKNOWN = "\0"  # a part of a URL the code computes at runtime
SHOWN_UNKNOWN = "{...}"

# ref. aws-chain-reference.md section 5: IMDS answers at http://169.254.169.254/ and
# http://[fd00:ec2::254]/. Nothing else at 169.254.x.y is IMDS (section 7: ECS is 169.254.170.2).
# `instance-data` is the name the VPC's Amazon DNS gives 169.254.169.254; scripts of every age use
# it (not in the reference).
_IMDS_URL = re.compile(
    r"^https?://(?P<endpoint>169\.254\.169\.254|\[fd00:ec2::254\]|instance-data(?:\.ec2\.internal)?)(?::[\d\0]+)?(?P<path>[/?#\0].*)?$",
    re.IGNORECASE | re.DOTALL,
)
# ref. EC2 user guide, "Instance metadata categories": every path starts with a version, `latest`,
# a date (`2021-07-15`) or the first, `1.0`; nothing at the root but the list of versions.
_EC2_VERSION = re.compile(r"|latest|1\.0|\d{4}-\d{2}-\d{2}")
# ref. aws-chain-reference.md section 5: IMDSv2 sessions start with `PUT latest/api/token`.
_TOKEN_PATH = re.compile(r"^/*[^/]*/api/token\b")
# ref. aws-chain-reference.md section 5: `latest/meta-data/iam/security-credentials/` gives the
# role name, and `.../<role>` its AccessKeyId, SecretAccessKey, Token and Expiration.
_ROLE_CREDENTIALS_PATH = re.compile(r"meta-data/+iam/+security-credentials")
URL_JOINERS = frozenset({"urllib.parse.urljoin", "urlparse.urljoin"})


@dataclass(frozen=True)
class ImdsUrl:
    """A URL of the instance metadata service; unknown runs of it hold UNKNOWN."""

    endpoint: str  # "169.254.169.254" or "[fd00:ec2::254]", as written
    path: str  # everything after the endpoint (and port)
    text: str

    @property
    def shown(self) -> str:
        return self.text.replace(UNKNOWN, SHOWN_UNKNOWN)

    @property
    def is_probe(self) -> bool:
        """Only the service's root: code checking it runs on EC2, not reading metadata."""
        return self.path.strip("/") == ""

    @property
    def is_token_request(self) -> bool:
        return bool(_TOKEN_PATH.match(self.path))

    @property
    def reads_role_credentials(self) -> bool:
        return bool(_ROLE_CREDENTIALS_PATH.search(self.path))

    @property
    def path_is_computed(self) -> bool:
        """The path starts with a value computed at runtime, which may be `latest/api/token`."""
        return self.path.lstrip("/").startswith(UNKNOWN)


def imds_url(text: Optional[str]) -> Optional[ImdsUrl]:
    """The metadata-service URL text is, or None for any other URL: another cloud's metadata
    service at the same address (Azure, Google Cloud, OpenStack, Oracle, DigitalOcean), whose
    path starts with a word of its own."""
    match = _IMDS_URL.match(text or "")
    if match is None:
        return None
    path = match["path"] or ""
    first = re.split(r"[/?#]", path.lstrip("/"), maxsplit=1)[0]
    if UNKNOWN not in first and not _EC2_VERSION.fullmatch(first):
        return None
    return ImdsUrl(match["endpoint"], path, match.group(0))


def url_text(owner: cst.MetadataDependent, expr: cst.BaseExpression, depth: int = 0) -> Optional[str]:
    """The text a URL expression holds, UNKNOWN where it is computed; None when nothing is known.

    Folds literals, concatenation, f-strings, module constants, `str.format`, `%` formatting,
    `urljoin`, and a value with a single literal source (`os.environ.get(NAME, "http://...")`).
    """
    if depth > MAX_RESOLUTION_DEPTH:
        return None
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
        left, right = url_text(owner, expr.left, depth + 1), url_text(owner, expr.right, depth + 1)
        if left is None and right is None:
            return None
        return (UNKNOWN if left is None else left) + (UNKNOWN if right is None else right)
    pieces = string_pieces(owner, expr) if is_string_expression(expr) or isinstance(expr, cst.Name) else None
    if pieces is not None:
        return "".join(
            piece.text if piece.text is not None else _piece_text(owner, piece.node, depth) for piece in pieces
        )
    if isinstance(expr, cst.Name):
        value = single_bound_value(owner, expr)
        if value is not None and not isinstance(value, cst.Name):
            folded = url_text(owner, value, depth + 1)
            if folded is not None:
                return folded
    formatted = template_pieces(owner, expr)
    if formatted is not None:
        return "".join(
            piece.text if piece.text is not None else _piece_text(owner, piece.node, depth) for piece in formatted
        )
    if isinstance(expr, cst.Call):
        folded = _called_text(owner, expr, depth)
        if folded is not None:
            return folded
    return _single_literal(owner, expr)


def _piece_text(owner: cst.MetadataDependent, node: cst.CSTNode, depth: int) -> str:
    inner = node.expression if isinstance(node, cst.FormattedStringExpression) else node
    if isinstance(node, cst.FormattedStringExpression) and (node.format_spec or node.conversion):
        return UNKNOWN
    if not isinstance(inner, cst.BaseExpression) or inner is UNKNOWN_VALUE:
        return UNKNOWN
    folded = url_text(owner, inner, depth + 1)
    return folded if folded is not None else UNKNOWN


def _called_text(owner: cst.MetadataDependent, call: cst.Call, depth: int) -> Optional[str]:
    if qualified_names(owner, call.func) & URL_JOINERS and len(call.args) >= 2:
        base = url_text(owner, call.args[0].value, depth + 1)
        reference = url_text(owner, call.args[1].value, depth + 1)
        return join_url(base, reference) if base is not None and reference is not None else None
    return None


def _single_literal(owner: cst.MetadataDependent, expr: cst.BaseExpression) -> Optional[str]:
    """The one literal that reaches expr (a constant, an environment default), else None."""
    texts = {text for text, _ in literal_sources(owner, expr)}
    return texts.pop() if len(texts) == 1 else None


def join_url(base: str, reference: str) -> str:
    """urljoin's result for the shapes code writes: an absolute reference, a rooted path, a relative one."""
    if re.match(r"^https?://", reference, re.IGNORECASE):
        return reference
    origin = re.match(r"^(https?://[^/]*)(.*)$", base, re.IGNORECASE | re.DOTALL)
    if origin is None:
        return base + reference
    if reference.startswith("/"):
        return origin[1] + reference
    directory = origin[2].rpartition("/")[0]
    return f"{origin[1]}{directory}/{reference}"


def join_base_url(base: str, url: str) -> str:
    """A session's base_url and a request's URL, as httpx and aiohttp join them: an absolute URL
    stands alone, any other is appended to the base."""
    if re.match(r"^https?://", url, re.IGNORECASE):
        return url
    return f"{base.rstrip('/')}/{url.lstrip('/')}"
