"""What a rule is called and when it runs, as light data: listing rules or prefiltering files imports no LibCST."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Optional, Union

from credlint.file_kinds import PYTHON, PYTHON_KINDS
from credlint.finding import Severity
from credlint.prefilter import FileProbe

if TYPE_CHECKING:
    from credlint.deployment.rule import DeploymentRule
    from credlint.project.view import ProjectView
    from credlint.rule import Rule
    from credlint.slicing import Members
    from credlint.text_rule import TextRule

    RuleClass = Union[type[Rule], type[DeploymentRule], type[TextRule]]


@dataclass(frozen=True)
class RuleInfo:
    """A rule's code, name and triggers; its behaviour lives in its implementations, loaded on first use."""

    code: str
    name: str
    category: str
    severity: Severity
    summary: str
    triggers: tuple[bytes, ...]  # one must occur in a file's bytes for the rule to run
    implementation: str  # "package.module:Class" for `kinds`; "" for findings the engine makes itself
    # A second, still cheap check on the file (see prefilter.py) for files the triggers pass.
    candidate: Optional[Callable[[FileProbe], bool]] = None
    # The lines a finding can start on, for a file the candidate check passes (see slicing.py);
    # None: anywhere, so the whole module is parsed.
    seeds: Optional[Callable[[FileProbe], frozenset[int]]] = None
    # The lines of module-wide facts that decide findings anywhere (a Lambda handler, an import):
    # kept whatever part of the module is analysed.
    module_facts: Optional[Callable[[FileProbe], frozenset[int]]] = None
    # Its findings depend on the whole module at once, so it is never checked part by part.
    module_wide: bool = False
    # Its analysis looks functions, attributes and `with` names up by name anywhere in the module:
    # any of them (True), or the names a check on the file gives.
    by_member: Union[bool, Callable[[FileProbe], frozenset[str]]] = False
    kinds: frozenset[str] = PYTHON_KINDS  # the file kinds (file_kinds.py) the implementation reads
    # A TextRule that reads every file but Python ones as lines of text: shell, Terraform, documents.
    text_implementation: str = ""
    # It also runs on a file whose project view (project/view.py) gives it something to report:
    # factories other modules reach, another module's environment read passed as a credential.
    reached_by_view: Optional[Callable[[ProjectView], bool]] = None

    def implementation_for(self, kind: str) -> str:
        """The class that checks a file of this kind, or "" when the rule does not read it."""
        if kind in self.kinds and self.implementation:
            return self.implementation
        return self.text_implementation if kind != PYTHON else ""

    def triggered_by(self, probe: FileProbe, kind: str = PYTHON) -> bool:
        if self.triggers and not any(probe.contains(trigger) for trigger in self.triggers):
            return False
        # The candidate checks read Python; the text implementations are cheap scans themselves.
        reads_python = kind in self.kinds and self.implementation
        return self.candidate is None or not reads_python or self.candidate(probe)

    def looks_up_members(self, probe: FileProbe) -> Members:
        """The members its analysis may look up by name in this file, which slicing must keep."""
        return probe.once(self.by_member) if callable(self.by_member) else self.by_member

    def reached_by(self, view: ProjectView) -> bool:
        """Whether the project's other modules give this rule something to report in the file."""
        return self.reached_by_view is not None and bool(self.reached_by_view(view))

    def load(self, kind: str = PYTHON) -> RuleClass:
        module_name, class_name = self.implementation_for(kind).split(":")
        rule_class: RuleClass = getattr(importlib.import_module(module_name), class_name)
        rule_class.info = self
        return rule_class
