"""CL103: an STS session token literal that reaches a credential parameter, key or name."""

from __future__ import annotations

import libcst as cst

from credlint.analysis.credential_slots import CREDENTIAL_RULE_PROVIDERS
from credlint.chain import SESSION_TOKEN
from credlint.checks.credentials.hardcoded import hardcoded_explanation, report_slot_literals
from credlint.rule import Rule
from credlint.secrets import is_documentation_example, looks_like_session_token


def is_real_session_token(value: str) -> bool:
    return not is_documentation_example(value) and looks_like_session_token(value)


class HardcodedSessionToken(Rule):
    """A session token with its key pair grants the role's rights until it expires, up to 36 hours."""

    METADATA_DEPENDENCIES = CREDENTIAL_RULE_PROVIDERS

    def leave_Module(self, original_node: cst.Module) -> None:
        report_slot_literals(
            self,
            original_node,
            SESSION_TOKEN,
            accept=is_real_session_token,
            label="Hard-coded AWS session token",
            explain=hardcoded_explanation,
            fixable=True,
        )
