"""CL101: an AWS access key id written anywhere in a string, bytes, f-string or comment."""

from __future__ import annotations

import libcst as cst

from credlint.checks.credential_slots import ACCESS_KEY_ID, CREDENTIAL_RULE_PROVIDERS
from credlint.checks.hardcoded import hardcoded_explanation, report_key_ids
from credlint.checks.literals import StringPiece
from credlint.checks.string_roots import StringRootRule, text_span
from credlint.secrets import find_access_key_ids, is_documentation_example

LABEL = "Hard-coded AWS access key ID"


class HardcodedAccessKeyId(StringRootRule):
    """Access key ids are half of a credential and name an IAM user; none belongs in code."""

    METADATA_DEPENDENCIES = CREDENTIAL_RULE_PROVIDERS

    def check_string(self, root: cst.BaseExpression, text: str, pieces: list[StringPiece]) -> None:
        report_key_ids(self, root, text, pieces, examples=False, label=LABEL, explain=hardcoded_explanation)

    def check_comment(self, node: cst.Comment) -> None:
        for match in find_access_key_ids(node.value):
            key_id = match.group()
            if not is_documentation_example(key_id):
                self.report(
                    node,
                    f"{LABEL} in a comment",
                    hardcoded_explanation(ACCESS_KEY_ID, None, self.line_of(node), temporary=key_id.startswith("ASIA")),
                    secret=key_id,
                    span=text_span(self, node, key_id),
                )
