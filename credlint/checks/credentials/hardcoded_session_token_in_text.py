"""CL103 in every file but Python: an STS session token, by its name, its header or its key id."""

from __future__ import annotations

from credlint.chain import SESSION_TOKEN
from credlint.checks.credentials.text_findings import report_in_text
from credlint.text_rule import TextFile, TextRule


class HardcodedSessionTokenInText(TextRule):
    """A session token with its key id and secret is a working credential until it expires."""

    def check(self, document: TextFile) -> None:
        report_in_text(self, document, frozenset({SESSION_TOKEN}), example=False, label="Hard-coded AWS session token")
