"""The base class of rules that read deployment files rather than Python."""

from __future__ import annotations

from typing import TYPE_CHECKING

from credlint.span_rule import SpanRule

if TYPE_CHECKING:
    from credlint.deployment.model import DeploymentFile


class DeploymentRule(SpanRule):
    """A check over a parsed deployment file. Subclasses implement check() and call report()."""

    def check(self, document: DeploymentFile) -> None:
        raise NotImplementedError
