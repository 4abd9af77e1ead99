"""The base of rules that read a file other than through LibCST and report findings by span."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Optional

from credlint.chain import Explanation
from credlint.finding import Finding, Fix, Severity, Span, make_finding
from credlint.settings import FileContext

if TYPE_CHECKING:
    from credlint.rule_info import RuleInfo


class SpanRule:
    """A check that collects findings; subclasses add the check() their kind of file needs."""

    info: ClassVar[RuleInfo]

    def __init__(self, context: FileContext) -> None:
        self.context = context
        self.findings: list[Finding] = []

    def report(
        self,
        span: Span,
        message: str,
        explanation: Explanation,
        *,
        secret: Optional[str] = None,
        preview: Optional[str] = None,
        severity: Optional[Severity] = None,
        fix: Optional[Fix] = None,
    ) -> None:
        """Record a finding; a secret is redacted and hashed here and then dropped."""
        self.findings.append(
            make_finding(
                self.info,
                self.context.path,
                span,
                message,
                explanation,
                secret=secret,
                preview=preview,
                severity=severity,
                fix=fix,
            )
        )
