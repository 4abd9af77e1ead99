"""CL103: an STS session token literal that reaches a credential parameter, key or name."""

from __future__ import annotations

import libcst as cst

from credlint.checks.credential_slots import CREDENTIAL_RULE_PROVIDERS, SESSION_TOKEN, literals_in_slots
from credlint.checks.hardcoded import hardcoded_explanation, where_phrase
from credlint.checks.string_roots import text_span
from credlint.rule import Rule
from credlint.secrets import is_documentation_example, looks_like_session_token


class HardcodedSessionToken(Rule):
    """A session token with its key pair grants the role's rights until it expires, up to 36 hours."""

    METADATA_DEPENDENCIES = CREDENTIAL_RULE_PROVIDERS

    def leave_Module(self, original_node: cst.Module) -> None:
        for node, use in literals_in_slots(self, original_node, SESSION_TOKEN):
            if is_documentation_example(use.value) or not looks_like_session_token(use.value):
                continue
            line = self.line_of(node)
            self.report(
                node,
                f"Hard-coded AWS session token{where_phrase(use)}",
                hardcoded_explanation(SESSION_TOKEN, use, line),
                secret=use.value,
                span=text_span(self, node, use.value),
            )
