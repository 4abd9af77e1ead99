"""What a rule is called and when it runs, as light data: listing rules or prefiltering files imports no LibCST."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Optional

from credlint.file_kinds import PYTHON_KINDS
from credlint.finding import Severity
from credlint.prefilter import FileProbe

if TYPE_CHECKING:
    from credlint.deployment.rule import DeploymentRule
    from credlint.rule import Rule


@dataclass(frozen=True)
class RuleInfo:
    """A rule's code, name and triggers; its behaviour lives in `implementation`, loaded on first use."""

    code: str
    name: str
    category: str
    severity: Severity
    summary: str
    triggers: tuple[bytes, ...]  # one must occur in a file's bytes for the rule to run
    implementation: str  # "package.module:Class"; "" for findings the engine makes itself
    # A second, still cheap check on the file (see prefilter.py) for files the triggers pass.
    candidate: Optional[Callable[[FileProbe], bool]] = None
    kinds: frozenset[str] = PYTHON_KINDS  # the file kinds (file_kinds.py) the rule reads

    def triggered_by(self, probe: FileProbe) -> bool:
        if self.triggers and not any(trigger in probe.source for trigger in self.triggers):
            return False
        return self.candidate is None or self.candidate(probe)

    def load(self) -> type[Rule] | type[DeploymentRule]:
        module_name, class_name = self.implementation.split(":")
        rule_class: type[Rule] | type[DeploymentRule] = getattr(importlib.import_module(module_name), class_name)
        rule_class.info = self
        return rule_class
