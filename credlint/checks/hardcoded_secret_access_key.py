"""CL102: a secret access key literal that reaches a credential parameter, key or name."""

from __future__ import annotations

import libcst as cst

from credlint.checks.credential_slots import CREDENTIAL_RULE_PROVIDERS, SECRET_ACCESS_KEY, literals_in_slots
from credlint.checks.hardcoded import hardcoded_explanation, where_phrase
from credlint.checks.string_roots import text_span
from credlint.rule import Rule
from credlint.secrets import is_documentation_example, looks_like_secret_access_key


class HardcodedSecretAccessKey(Rule):
    """The secret key is the credential itself: whoever reads the code can sign as its owner."""

    METADATA_DEPENDENCIES = CREDENTIAL_RULE_PROVIDERS

    def leave_Module(self, original_node: cst.Module) -> None:
        for node, use in literals_in_slots(self, original_node, SECRET_ACCESS_KEY):
            if is_documentation_example(use.value) or not looks_like_secret_access_key(use.value):
                continue
            line = self.line_of(node)
            self.report(
                node,
                f"Hard-coded AWS secret access key{where_phrase(use)}",
                hardcoded_explanation(SECRET_ACCESS_KEY, use, line),
                secret=use.value,
                span=text_span(self, node, use.value),
            )
