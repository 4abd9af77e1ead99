"""CL101 in every file but Python: an access key id in shell, Terraform, INI, YAML, JSON, documents."""

from __future__ import annotations

from credlint.chain import ACCESS_KEY_ID
from credlint.checks.credentials.text_findings import report_in_text
from credlint.text_rule import TextFile, TextRule


class HardcodedAccessKeyIdInText(TextRule):
    """A key id leaks wherever it is committed, whatever the file's language."""

    def check(self, document: TextFile) -> None:
        report_in_text(self, document, frozenset({ACCESS_KEY_ID}), example=False, label="Hard-coded AWS access key ID")
