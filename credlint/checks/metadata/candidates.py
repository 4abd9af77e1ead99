"""The cheap candidate pass of the metadata rules: does any string of the file name the
instance metadata service?

The rules fold URLs more ways than folded_strings does (`str.format`, `%`, `urljoin`, a
session's base_url), but each of those keeps the endpoint and the path words inside one literal
or f-string, which folded_strings sees, so a file skipped here never holds a finding.
"""

from __future__ import annotations

import ast
import re

from credlint.analysis.folded_strings import folded_strings
from credlint.prefilter import FileProbe
from credlint.slicing import lines_matching

# ref. aws-chain-reference.md section 5: the IPv4 and IPv6 endpoints of IMDS, and its DNS name (imds_urls.py).
_IMDS_ENDPOINT = re.compile(r"169\.254\.169\.254|fd00:ec2::254|//instance-data\b", re.IGNORECASE)
# ref. aws-chain-reference.md section 5: latest/meta-data/iam/security-credentials/.
ROLE_CREDENTIALS_WORD = "security-credentials"


def may_request_instance_metadata(probe: FileProbe) -> bool:
    """A string of the file names an IMDS endpoint, and it imports an HTTP library the rules read
    (or Python cannot parse it: LibCST decides)."""
    return probe.tree is None or (probe.once(_imports_http_library) and probe.once(_names_endpoint))


def may_read_role_credentials(probe: FileProbe) -> bool:
    """Also a string naming the role credentials path."""
    return may_request_instance_metadata(probe) and (probe.tree is None or probe.once(_names_role_credentials))


# ref. http_requests.py: the rules know a request by the qualified name of what it calls, which
# starts at an import of one of these packages.
_HTTP_LIBRARIES = frozenset({"requests", "httpx", "aiohttp", "urllib3", "urllib"})


def _imports_http_library(probe: FileProbe) -> bool:
    imported = [alias.name for node in probe.nodes(ast.Import) for alias in node.names]
    imported += [node.module or "" for node in probe.nodes(ast.ImportFrom) if not node.level]
    return any(name.split(".")[0] in _HTTP_LIBRARIES for name in imported)


def _names_endpoint(probe: FileProbe) -> bool:
    return any(_IMDS_ENDPOINT.search(text) for text in folded_strings(probe))


def _names_role_credentials(probe: FileProbe) -> bool:
    return any(ROLE_CREDENTIALS_WORD in text for text in folded_strings(probe))


# Where a finding can start: a line naming the endpoint or a metadata path (a constant holding it
# brings its readers along, slicing.py); and what decides every request at once: a token fetched.
_METADATA_LINES = re.compile(rb"169\.254|::254|instance-data|meta-data|security-credentials")
_TOKEN_LINES = re.compile(rb"api/token|metadata-token", re.IGNORECASE)


def lines_naming_metadata(probe: FileProbe) -> frozenset[int]:
    return frozenset(lines_matching(probe, _METADATA_LINES))


def lines_fetching_tokens(probe: FileProbe) -> frozenset[int]:
    return frozenset(lines_matching(probe, _TOKEN_LINES))
