"""CL102 in every file but Python: a secret key named as one, or written beside its key id."""

from __future__ import annotations

from credlint.chain import SECRET_ACCESS_KEY
from credlint.checks.credentials.text_findings import report_in_text
from credlint.text_rule import TextFile, TextRule


class HardcodedSecretAccessKeyInText(TextRule):
    """The secret key is the credential itself: whoever reads the file can sign as its owner."""

    def check(self, document: TextFile) -> None:
        label = "Hard-coded AWS secret access key"
        report_in_text(self, document, frozenset({SECRET_ACCESS_KEY}), example=False, label=label)
