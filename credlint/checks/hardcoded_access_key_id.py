"""CL101: an AWS access key id written anywhere in a string, bytes, f-string or comment."""

from __future__ import annotations

import libcst as cst

from credlint.checks.credential_slots import ACCESS_KEY_ID, CREDENTIAL_RULE_PROVIDERS, credential_uses
from credlint.checks.hardcoded import best_use, hardcoded_explanation, where_phrase
from credlint.checks.literals import StringPiece
from credlint.checks.string_roots import StringRootRule, node_for_span, text_span
from credlint.secrets import find_access_key_ids, is_documentation_example


class HardcodedAccessKeyId(StringRootRule):
    """Access key ids are half of a credential and name an IAM user; none belongs in code."""

    METADATA_DEPENDENCIES = CREDENTIAL_RULE_PROVIDERS

    def check_string(self, root: cst.BaseExpression, text: str, pieces: list[StringPiece]) -> None:
        for match in find_access_key_ids(text):
            key_id = match.group()
            if is_documentation_example(key_id):
                continue
            node = node_for_span(root, pieces, match.start(), match.end())
            if node is None:
                continue
            use = best_use(credential_uses(self, root))
            line = self.line_of(node)
            self.report(
                node,
                f"Hard-coded AWS access key ID{where_phrase(use)}",
                hardcoded_explanation(ACCESS_KEY_ID, use, line, temporary=key_id.startswith("ASIA")),
                secret=key_id,
                span=text_span(self, node, key_id),
            )

    def check_comment(self, node: cst.Comment) -> None:
        for match in find_access_key_ids(node.value):
            if not is_documentation_example(match.group()):
                line = self.line_of(node)
                self.report(
                    node,
                    "Hard-coded AWS access key ID in a comment",
                    hardcoded_explanation(ACCESS_KEY_ID, None, line, temporary=match.group().startswith("ASIA")),
                    secret=match.group(),
                    span=text_span(self, node, match.group()),
                )
