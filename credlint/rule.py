"""The Rule base class: one LibCST batchable visitor per rule, and report() to make findings."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, ClassVar, Optional

import libcst as cst
from libcst.metadata import PositionProvider
from libcst.metadata.base_provider import ProviderT

from credlint.chain import Explanation
from credlint.finding import Finding, Severity, Span, make_finding
from credlint.settings import FileContext

if TYPE_CHECKING:
    from credlint.rule_info import RuleInfo


@functools.cache
def _visitor_names(rule_class: type[Rule]) -> tuple[str, ...]:
    """The names of the methods a batched visit calls, without LibCST's empty stubs."""
    return tuple(
        name
        for name in dir(rule_class)
        if name.startswith(("visit_", "leave_"))
        and callable(method := getattr(rule_class, name))
        and not getattr(method, "_is_no_op", False)
    )


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

    def get_visitors(self) -> Mapping[str, Callable[[cst.CSTNode], None]]:
        """The visit_ and leave_ methods, as LibCST's own version finds them by inspecting every
        member of the instance for every file; which they are depends on the class alone."""
        return {name: getattr(self, name) for name in _visitor_names(type(self))}

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
            )
        )
