"""CL102: a secret access key literal that reaches a credential parameter, key or name."""

from __future__ import annotations

import libcst as cst

from credlint.analysis.credential_slots import CREDENTIAL_RULE_PROVIDERS
from credlint.chain import SECRET_ACCESS_KEY
from credlint.checks.credentials.hardcoded import hardcoded_explanation, report_slot_literals
from credlint.rule import Rule
from credlint.secrets import is_documentation_example, looks_like_secret_access_key


def is_real_secret_access_key(value: str) -> bool:
    return not is_documentation_example(value) and looks_like_secret_access_key(value)


class HardcodedSecretAccessKey(Rule):
    """The secret key is the credential itself: whoever reads the code can sign as its owner."""

    METADATA_DEPENDENCIES = CREDENTIAL_RULE_PROVIDERS

    def leave_Module(self, original_node: cst.Module) -> None:
        report_slot_literals(
            self,
            original_node,
            SECRET_ACCESS_KEY,
            accept=is_real_secret_access_key,
            label="Hard-coded AWS secret access key",
            explain=hardcoded_explanation,
            fixable=True,
        )
