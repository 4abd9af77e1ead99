"""The cheap candidate checks of the signing rules, on the stdlib parse and the bytes: a file they
reject holds no finding."""

from __future__ import annotations

import ast
import re

from credlint.analysis.folded_strings import folded_strings_with_lines
from credlint.analysis.module_names import called_name, names_bound_to
from credlint.prefilter import FileProbe
from credlint.secrets import ACCESS_KEY_TRIGGERS, is_documentation_example, looks_like_secret_access_key
from credlint.slicing import lines_matching

# ref. signature_versions.py CONFIG_CLASSES: the modules and names a Config is imported as.
_CONFIG_MODULES = frozenset({"botocore.config", "botocore.client", "aiobotocore.config"})
_CONFIG_NAMES = frozenset({"Config", "AioConfig"})
# ref. sigv2_signature.py DJANGO_SIGNATURE_SETTING: django-storages' setting.
_DJANGO_SETTING = "AWS_S3_SIGNATURE_VERSION"
# ref. signature_versions.py SIGV2_VERSIONS (botocore auth.py AUTH_TYPE_MAPS): the SigV2 signers. A
# candidate check imports no other module of its family, which imports the candidates.
SIGV2_NAMES = frozenset({"s3", "s3-query", "s3-presign-post", "v2"})
# ref. AWS IAM user guide, "Create a signed AWS API request" (SigV4): the signing key is
# HMAC-SHA256 chained from kSecret = "AWS4" + secret access key, over date, region and service.
SIGV4_KEY_PREFIX = "AWS4"
# Every pre-signed URL carries one: SigV4's X-Amz-Signature or SigV2's Signature.
_SIGNATURE_PARAMETER = re.compile(rb"signature=", re.IGNORECASE)


def may_set_signature_version(probe: FileProbe) -> bool:
    """A SigV2 name given as a signature_version: by keyword, in a dict literal (for `**`), or to a
    Config by position; written there, or through a name some assignment binds to it. botocore's
    own modules pass signature versions along in variables, and stay out."""
    if probe.tree is None:
        return True
    sigv2_names = names_bound_to(probe, _is_sigv2)

    def sigv2(value: ast.expr) -> bool:
        return _is_sigv2(value) or (isinstance(value, ast.Name) and value.id in sigv2_names)

    settings = [(t, a.value) for a in probe.nodes(ast.Assign) for t in a.targets]
    settings += [(a.target, a.value) for a in probe.nodes(ast.AnnAssign) if a.value is not None]
    if any(
        isinstance(target, ast.Name) and target.id == _DJANGO_SETTING and sigv2(value) for target, value in settings
    ):
        return True
    config_names = _CONFIG_NAMES | _aliases_of_config(probe)
    for call in probe.nodes(ast.Call):
        if any(keyword.arg == "signature_version" and sigv2(keyword.value) for keyword in call.keywords):
            return True
        if len(call.args) >= 2 and called_name(call.func) in config_names and sigv2(call.args[1]):
            return True
    return any(
        isinstance(key, ast.Constant) and key.value == "signature_version" and sigv2(value)
        for literal in probe.nodes(ast.Dict)
        for key, value in zip(literal.keys, literal.values)
    )


def _is_sigv2(value: ast.expr) -> bool:
    return isinstance(value, ast.Constant) and isinstance(value.value, str) and value.value in SIGV2_NAMES


def may_hold_presigned_url(probe: FileProbe) -> bool:
    """A signature parameter and an access key id prefix, both in the bytes."""
    return bool(_SIGNATURE_PARAMETER.search(probe.source)) and any(
        probe.contains(prefix) for prefix in ACCESS_KEY_TRIGGERS
    )


def may_derive_sigv4_key(probe: FileProbe) -> bool:
    """A string or bytes literal that is "AWS4" or a template of it ("AWS4{}"), or an f-string that
    starts with it; and a string that may hold a secret access key (not the documentation's), which
    CL509 needs too."""
    if probe.tree is None:
        return True
    derives = any(_is_key_prefix(constant.value) for constant in probe.nodes(ast.Constant))
    derives = derives or any(
        isinstance(first, ast.Constant) and first.value == SIGV4_KEY_PREFIX
        for joined in probe.nodes(ast.JoinedStr)
        for first in joined.values[:1]
    )
    return derives and bool(probe.once(lines_of_secret_keys))


# "AWS4" alone, or as a template of the secret: "AWS4{}", "AWS4{0}", "AWS4%s".
_KEY_PREFIX_TEMPLATE = re.compile(r"AWS4(?:\{\d*\}|%s)?")


def _is_key_prefix(value: object) -> bool:
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return isinstance(value, str) and _KEY_PREFIX_TEMPLATE.fullmatch(value) is not None


def lines_of_secret_keys(probe: FileProbe) -> frozenset[int]:
    """The lines of strings that may hold a secret access key: where CL509's secret is written."""
    return frozenset(
        line
        for line, text in folded_strings_with_lines(probe)
        if looks_like_secret_access_key(text) and not is_documentation_example(text)
    )


_SIGV4_KEY_PREFIX_BYTES = re.compile(rb"AWS4")


def lines_of_sigv4_keys(probe: FileProbe) -> frozenset[int]:
    """Where CL509 reads: each "AWS4", and each secret that may reach one (the calls between them,
    from one part to the other, are kept as callers of the derivation: slicing.py)."""
    return frozenset(lines_matching(probe, _SIGV4_KEY_PREFIX_BYTES)) | probe.once(lines_of_secret_keys)


def lines_of_signature_parameters(probe: FileProbe) -> frozenset[int]:
    """Where CL507 reads: a signature parameter, which every pre-signed URL holds (a constant
    holding it brings its readers along)."""
    return frozenset(lines_matching(probe, _SIGNATURE_PARAMETER))


def _aliases_of_config(probe: FileProbe) -> set[str]:
    return {
        alias.asname
        for node in probe.nodes(ast.ImportFrom)
        if node.module in _CONFIG_MODULES
        for alias in node.names
        if alias.asname and alias.name in _CONFIG_NAMES
    }


_SIGNATURE_VERSIONS = re.compile(rb"signature_version|Config\(|AWS_S3_SIGNATURE_VERSION|AWS_S3_ENDPOINT_URL")


def lines_of_signature_versions(probe: FileProbe) -> frozenset[int]:
    """Where a CL506 finding can start: a signature_version, or a Config called by position."""
    return frozenset(lines_matching(probe, _SIGNATURE_VERSIONS))
