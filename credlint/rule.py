"""The Rule base class: one LibCST batchable visitor per rule, and report() to make findings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar, Optional

import libcst as cst
from libcst.metadata import PositionProvider
from libcst.metadata.base_provider import ProviderT

from credlint.chain import Explanation
from credlint.finding import (
    ADD_REGION,
    GUARD_RETRY,
    REMOVE_CREDENTIAL_ARGUMENTS,
    REMOVE_STATEMENT,
    SAFE,
    UNSAFE,
    Finding,
    Fix,
    Severity,
    Span,
    make_finding,
)
from credlint.settings import FileContext
from credlint.visitor_methods import MethodsByClass

if TYPE_CHECKING:
    from credlint.rule_info import RuleInfo

REMOVE_CREDENTIALS_DESCRIPTION = (
    "remove the explicit credential arguments, so the provider chain finds the role; rotate the key too"
)


def node_span(position: cst.metadata.CodeRange) -> Span:
    return Span(position.start.line, position.start.column + 1, position.end.line, position.end.column + 1)


class Rule(MethodsByClass):
    """A check. Subclasses visit nodes and call report(); the registry supplies `info`."""

    info: ClassVar[RuleInfo]

    METADATA_DEPENDENCIES: ClassVar[Sequence[ProviderT]] = (PositionProvider,)

    def __init__(self, context: FileContext) -> None:
        super().__init__()
        self.context = context
        self.findings: list[Finding] = []

    def line_of(self, node: cst.CSTNode) -> int:
        return self.get_metadata(PositionProvider, node).start.line

    def removing_credentials(self, value: cst.CSTNode) -> Fix:
        """The unsafe fix that takes the explicit credential arguments out of the SDK call whose
        argument value is given: the chain then finds the role."""
        start = self.get_metadata(PositionProvider, value).start
        return Fix(UNSAFE, REMOVE_CREDENTIAL_ARGUMENTS, start.line, start.column + 1, REMOVE_CREDENTIALS_DESCRIPTION)

    def removing_statement(self, node: cst.CSTNode, description: str) -> Fix:
        """The unsafe fix that deletes the simple statement starting at node (`pass` where a block
        would be left empty)."""
        start = self.get_metadata(PositionProvider, node).start
        return Fix(UNSAFE, REMOVE_STATEMENT, start.line, start.column + 1, description)

    def adding_region(self, call: cst.Call, region: str) -> Fix:
        """The safe fix that passes the project's configured region to a client call."""
        start = self.get_metadata(PositionProvider, call).start
        description = f"pass region_name={region!r}, the project's default-region"
        return Fix(SAFE, ADD_REGION, start.line, start.column + 1, description, region)

    def guarding_retry(self, caught: cst.CSTNode, codes: Sequence[str]) -> Fix:
        """The unsafe fix that makes an except clause re-raise every error but the codes given and
        the 5xx statuses, which are worth retrying."""
        start = self.get_metadata(PositionProvider, caught).start
        description = "re-raise every error but throttling, transient codes and 5xx statuses"
        return Fix(UNSAFE, GUARD_RETRY, start.line, start.column + 1, description, ",".join(codes))

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
        then dropped."""
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
