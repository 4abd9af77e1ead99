"""CL507 in every file but Python: a pre-signed URL in a document, a notebook's output, a test
fixture, a script or another language's code."""

from __future__ import annotations

from credlint.checks.signing.presigned_explanation import presigned_explanation, presigned_message
from credlint.checks.signing.presigned_urls import find_presigned_urls
from credlint.finding import Span
from credlint.text_rule import TextFile, TextRule

PLACE = "this file"


class PresignedUrlInCodeInText(TextRule):
    """A pre-signed URL works for whoever reads it, whatever kind of file it is written in."""

    def check(self, document: TextFile) -> None:
        text = document.text
        reported: set[str] = set()
        for url in find_presigned_urls(text):
            line = text.count("\n", 0, url.start) + 1
            if line in document.covered_lines or url.signature in reported:
                continue
            reported.add(url.signature)
            column = url.start - (text.rfind("\n", 0, url.start) + 1) + 1
            cell = document.cell_of(line)
            in_cell = f" (cell {cell})" if cell else ""
            self.report(
                Span(line, column, line, column + url.end - url.start),
                presigned_message(url) + in_cell,
                presigned_explanation(url, PLACE, line),
                secret=url.signature,
            )
