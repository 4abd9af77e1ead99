"""RetryRule, the base of every CL4xx rule: it collects loops, decorated functions and handlers
while visiting a module, then hands each retry found to the rule's check.

A retry is a loop around a `try` whose handler lets the loop go round again, a decorator from
tenacity, backoff, retrying or retry (or retry's retry_call), or a handler that calls its own
function again. What a handler retries is decided by evaluating its paths (which end in a retry,
which in raise/return/break) on sample errors: codes it names, codes it does not name, and HTTP
statuses. Conditions credlint cannot read make the answer "maybe", and "maybe" never produces a
finding.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Optional

import libcst as cst
from libcst.metadata import PositionProvider
from libcst.metadata.base_provider import ProviderT

from credlint.analysis.bindings import BINDING_PROVIDERS
from credlint.checks.retry.aws_calls import is_sdk_object
from credlint.checks.retry.libraries import controller_site
from credlint.checks.retry.retry_site import RetrySite
from credlint.checks.retry.sites import find_retries
from credlint.checks.retry.syntax import ModuleIndex, statements
from credlint.rule import Rule
from credlint.settings import FileContext

RETRY_RULE_PROVIDERS: Sequence[ProviderT] = (PositionProvider, *BINDING_PROVIDERS)
# The last module whose retries were found, and those retries (LibCST nodes take no weak reference).
_last_module: list[tuple[cst.Module, tuple[RetrySite, ...]]] = []


class RetryRule(Rule):
    """Collects loops, decorated functions and handlers while visiting; analyses them at the end."""

    METADATA_DEPENDENCIES = RETRY_RULE_PROVIDERS

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self.index = ModuleIndex(imported={f.written: f for f in context.settings.project.predicates})
        self._functions: list[cst.FunctionDef] = []
        self._classes: list[cst.ClassDef] = []
        self._loop_depth: list[int] = [0]

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.index.functions.setdefault(node.name.value, []).append(node)
        if node.decorators:
            self.index.decorated.append(node)
        self._functions.append(node)
        self._loop_depth.append(0)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._functions.pop()
        self._loop_depth.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._classes.append(node)
        for statement in statements(node.body):
            if isinstance(statement, cst.Assign):
                for target in statement.targets:
                    if isinstance(target.target, cst.Name):
                        self.index.class_constants.setdefault(target.target.value, []).append(statement.value)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._classes.pop()

    def _function(self) -> Optional[cst.FunctionDef]:
        return self._functions[-1] if self._functions else None

    def visit_For(self, node: cst.For) -> None:
        self.index.loops.append((node, self._function()))
        self._loop_depth[-1] += 1

    def leave_For(self, original_node: cst.For) -> None:
        self._loop_depth[-1] -= 1

    def visit_While(self, node: cst.While) -> None:
        self.index.loops.append((node, self._function()))
        self._loop_depth[-1] += 1

    def leave_While(self, original_node: cst.While) -> None:
        self._loop_depth[-1] -= 1

    def visit_Try(self, node: cst.Try) -> None:
        function = self._function()
        if function is not None and self._loop_depth[-1] == 0:
            self.index.tries.append((node, function))

    def visit_Call(self, node: cst.Call) -> None:
        # by name first: qualified names are looked up for these few calls only
        func = node.func
        name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
        if name == "retry_call":
            self.index.retry_calls.append((node, self._function()))

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Attribute) and is_sdk_object(self, self.index, node.value):
                self.index.sdk_attributes.add(target.target.attr.value)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        asname = node.asname.name if node.asname is not None else None
        if isinstance(asname, cst.Name) and is_sdk_object(self, self.index, node.item):
            self.index.sdk_names.add(asname.value)

    def leave_Module(self, original_node: cst.Module) -> None:
        for site in self._shared_sites(original_node):
            self.check(site)

    def _shared_sites(self, module: cst.Module) -> tuple[RetrySite, ...]:
        """The module's retries, found once for every CL4xx rule: they visit the same module, with
        the same metadata, and index it the same way."""
        if _last_module and _last_module[0][0] is module:
            return _last_module[0][1]
        sites = tuple(self.sites())
        _last_module[:] = [(module, sites)]
        return sites

    def sites(self) -> Iterator[RetrySite]:
        yield from find_retries(self, self.index)
        for loop, function in self.index.loops:
            if isinstance(loop, cst.For):
                site = controller_site(self, self.index, loop, function)
                if site is not None:
                    yield site

    def check(self, site: RetrySite) -> None:
        raise NotImplementedError
