"""CL104 in every file but Python: AWS's documentation example keys, which authenticate nothing."""

from __future__ import annotations

from credlint.chain import ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN
from credlint.checks.credentials.text_findings import report_in_text
from credlint.text_rule import TextFile, TextRule


class DocumentationExampleKeyInText(TextRule):
    """Example keys are harmless, but a file that holds them is where real keys get pasted next."""

    def check(self, document: TextFile) -> None:
        credentials = frozenset({ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN})
        report_in_text(self, document, credentials, example=True, label="AWS documentation example key")
