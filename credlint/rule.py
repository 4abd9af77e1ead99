"""The Rule base class: one LibCST batchable visitor per rule, and report() to make findings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Optional

import libcst as cst
from libcst.metadata import PositionProvider
from libcst.metadata.base_provider import ProviderT

from credlint.chain import Explanation
from credlint.config import DEFAULT_RULE_SETTINGS, RuleSettings
from credlint.finding import Finding, Severity, Span
from credlint.secrets import fingerprint, redact

if TYPE_CHECKING:
    from credlint.registry import RuleInfo


@dataclass(frozen=True)
class FileContext:
    """What a rule may know about the file it checks, beyond its syntax tree."""

    path: str
    settings: RuleSettings = DEFAULT_RULE_SETTINGS


def node_span(position: cst.metadata.CodeRange) -> Span:
    return Span(position.start.line, position.start.column + 1, position.end.line, position.end.column + 1)


class Rule(cst.BatchableCSTVisitor):
    """A check. Subclasses visit nodes and call report(); the registry supplies `info`."""

    info: ClassVar[RuleInfo]

    METADATA_DEPENDENCIES: ClassVar[Sequence[ProviderT]] = (PositionProvider,)

    def __init__(self, context: FileContext) -> None:
        super().__init__()
        self.context = context
        self.findings: list[Finding] = []

    def line_of(self, node: cst.CSTNode) -> int:
        return self.get_metadata(PositionProvider, node).start.line

    def report(
        self,
        node: cst.CSTNode,
        message: str,
        explanation: Explanation,
        *,
        secret: Optional[str] = None,
        preview: Optional[str] = None,
        severity: Optional[Severity] = None,
        span: Optional[Span] = None,
    ) -> None:
        """Record a finding at node (or a span inside it). A secret is redacted and hashed here and
        then dropped."""
        if secret is not None:
            shown, basis = redact(secret), secret
        else:
            shown = preview or ""
            basis = shown or message
        info = self.info
        self.findings.append(
            Finding(
                path=self.context.path,
                span=span or node_span(self.get_metadata(PositionProvider, node)),
                code=info.code,
                name=info.name,
                category=info.category,
                severity=severity or info.severity,
                message=message,
                preview=shown,
                fingerprint=fingerprint(info.code, basis),
                explanation=explanation,
            )
        )
