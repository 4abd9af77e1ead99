"""The Rule base class: one LibCST batchable visitor per rule, and report() to make findings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar, Optional

import libcst as cst
from libcst.metadata import PositionProvider
from libcst.metadata.base_provider import ProviderT

from credlint.analysis.stand_ins import stand_in_severity
from credlint.chain import Explanation
from credlint.finding import Finding, Fix, Severity, Span, make_finding
from credlint.settings import FileContext
from credlint.visitor_methods import MethodsByClass

if TYPE_CHECKING:
    from credlint.rule_info import RuleInfo


def node_span(position: cst.metadata.CodeRange) -> Span:
    return Span(position.start.line, position.start.column + 1, position.end.line, position.end.column + 1)


class Rule(MethodsByClass):
    """A check. Subclasses visit nodes and call report(); the registry supplies `info`."""

    info: ClassVar[RuleInfo]

    METADATA_DEPENDENCIES: ClassVar[Sequence[ProviderT]] = (PositionProvider,)
    # What code does rather than a secret it holds: tests do it on purpose, against mocks (test-policy).
    FOLLOWS_TEST_POLICY: ClassVar[bool] = False

    def __init__(self, context: FileContext) -> None:
        super().__init__()
        self.context = context
        self.findings: list[Finding] = []

    def line_of(self, node: cst.CSTNode) -> int:
        return self.get_metadata(PositionProvider, node).start.line

    def fix_at(self, node: cst.CSTNode, safety: str, action: str, description: str, *arguments: str) -> Fix:
        """A fix anchored where node starts (fixing.py finds it there again): safety SAFE or UNSAFE,
        action one of finding.py's, arguments what it writes."""
        start = self.get_metadata(PositionProvider, node).start
        return Fix(safety, action, start.line, start.column + 1, description, arguments)

    def within(self, node: cst.CSTNode, block: cst.CSTNode) -> bool:
        """Whether node lies in block (a body, a function, a class), judged by lines."""
        inner, outer = self.get_metadata(PositionProvider, node), self.get_metadata(PositionProvider, block)
        return outer.start.line <= inner.start.line and inner.end.line <= outer.end.line

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
        fix: Optional[Fix] = None,
    ) -> None:
        """Record a finding at node (or a span inside it). A secret is redacted and hashed here and
        then dropped. A rule that FOLLOWS_TEST_POLICY reports test files' findings as it says."""
        if self.FOLLOWS_TEST_POLICY:
            severity = stand_in_severity(severity or self.info.severity, self.context.settings)
            if severity is None:
                return
        self.findings.append(
            make_finding(
                self.info,
                self.context.path,
                span or node_span(self.get_metadata(PositionProvider, node)),
                message,
                explanation,
                secret=secret,
                preview=preview,
                severity=severity,
                fix=fix,
            )
        )
