"""Console output meant for another program rather than for a log: a credential_process document,
or shell lines that export the credential variables (`eval "$(tool)"`). Printing credentials is
what such tools are for."""

from __future__ import annotations

import re
from collections.abc import Iterator

import libcst as cst

from credlint.analysis.bindings import single_bound_value
from credlint.analysis.literals import fold_string, simple_string_text

# ref. AWS CLI User Guide, "Sourcing credentials with an external process": the process writes to
# stdout a JSON document with Version 1, AccessKeyId, SecretAccessKey, SessionToken, Expiration.
PROCESS_DOCUMENT_KEYS = frozenset({"Version", "AccessKeyId", "SecretAccessKey"})
_CREDENTIAL_VARIABLE = r"AWS_(?:ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|SECURITY_TOKEN)"
# A shell assignment of botocore's env variables (ref. aws-chain-reference.md section 1): POSIX
# `NAME=` (no space allowed), PowerShell `$env:NAME =`, fish `set -gx NAME value`.
SHELL_ASSIGNMENT = re.compile(
    rf"(?<![\w$]){_CREDENTIAL_VARIABLE}=|\$env:{_CREDENTIAL_VARIABLE}\s*=|\bset\s+(?:-\w+\s+)*{_CREDENTIAL_VARIABLE}\s"
)
MAX_FOLLOW = 3


def meant_for_a_program(owner: cst.MetadataDependent, values: tuple[cst.BaseExpression, ...]) -> bool:
    """Whether the values printed are a credential_process document or shell export lines."""
    for node in (found for value in values for found in _nodes_reached(owner, value, 0)):
        if isinstance(node, (cst.SimpleString, cst.FormattedStringText)):
            text = simple_string_text(node) if isinstance(node, cst.SimpleString) else node.value
            if text is not None and SHELL_ASSIGNMENT.search(text):
                return True
        if isinstance(node, cst.Dict):
            keys = {fold_string(owner, e.key) for e in node.elements if isinstance(e, cst.DictElement)}
            if keys >= PROCESS_DOCUMENT_KEYS:
                return True
    return False


def _nodes_reached(owner: cst.MetadataDependent, node: cst.CSTNode, depth: int) -> Iterator[cst.CSTNode]:
    """Every node under node, and under the values of the names it reads, a few names deep."""
    yield node
    if isinstance(node, cst.Name) and depth < MAX_FOLLOW:
        value = single_bound_value(owner, node)
        if value is not None:
            yield from _nodes_reached(owner, value, depth + 1)
    for child in node.children:
        yield from _nodes_reached(owner, child, depth)
