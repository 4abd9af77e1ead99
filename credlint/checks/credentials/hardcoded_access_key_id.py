"""CL101: an AWS access key id written anywhere in a string, bytes, f-string or comment."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from credlint.analysis.credential_slots import CREDENTIAL_RULE_PROVIDERS
from credlint.analysis.literals import StringPiece
from credlint.checks.credentials.hardcoded import (
    ProjectUses,
    hardcoded_explanation,
    project_uses,
    report_key_id,
    report_key_ids,
)
from credlint.checks.credentials.string_roots import StringRootRule
from credlint.secrets import find_access_key_ids, is_documentation_example

LABEL = "Hard-coded AWS access key ID"


class HardcodedAccessKeyId(StringRootRule):
    """Access key ids are half of a credential and name an IAM user; none belongs in code."""

    METADATA_DEPENDENCIES = CREDENTIAL_RULE_PROVIDERS

    reached: Optional[ProjectUses] = None

    def visit_Module(self, node: cst.Module) -> None:
        self.reached = project_uses(self, node)

    def check_string(self, root: cst.BaseExpression, text: str, pieces: list[StringPiece]) -> None:
        report_key_ids(
            self, root, text, pieces, examples=False, label=LABEL, explain=hardcoded_explanation, reached=self.reached
        )

    def check_comment(self, node: cst.Comment) -> None:
        for match in find_access_key_ids(node.value):
            if not is_documentation_example(match.group()):
                label = f"{LABEL} in a comment"
                report_key_id(self, node, match.group(), None, label=label, explain=hardcoded_explanation)
