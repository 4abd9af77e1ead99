"""CL508: AWS credentials written to a log or a console, where they outlive the process and travel."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst
from libcst.metadata import PositionProvider

from credlint.analysis.bindings import BINDING_PROVIDERS
from credlint.analysis.literals import fold_string
from credlint.checks.exposure.credential_values import (
    FROZEN_POSITIONS,
    WHOLE,
    WHOLE_ENVIRONMENT,
    CredentialValues,
    Leak,
    truncated_arguments,
)
from credlint.checks.exposure.explanations import explanation, message, only_key_id
from credlint.checks.exposure.machine_output import meant_for_a_program
from credlint.checks.exposure.sinks import Sink, find_sink
from credlint.finding import Severity
from credlint.lambda_handlers import has_handler_signature
from credlint.rule import Rule
from credlint.settings import FileContext


@dataclass(frozen=True)
class _Written:
    call: cst.Call
    sink: Sink


class CredentialsLogged(Rule):
    """A secret key or session token in a log is a leaked credential: logs are shipped and kept."""

    METADATA_DEPENDENCIES = (PositionProvider, *BINDING_PROVIDERS)

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._written: list[_Written] = []
        self._unpackings: list[tuple[cst.Tuple | cst.List, cst.BaseExpression]] = []
        self._loops: list[tuple[cst.BaseAssignTargetExpression, cst.BaseExpression]] = []
        self._on_lambda = False

    def visit_Call(self, node: cst.Call) -> None:
        sink = find_sink(self, node)
        if sink is not None and sink.values:
            self._written.append(_Written(node, sink))

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, (cst.Tuple, cst.List)):
                self._unpackings.append((target.target, node.value))

    def visit_For(self, node: cst.For) -> None:
        self._loops.append((node.target, node.iter))

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._loops.append((node.target, node.iter))

    def leave_Module(self, original_node: cst.Module) -> None:
        if not self._written:
            return
        self._on_lambda = any(_is_lambda_handler(statement) for statement in original_node.body)
        values = CredentialValues(self, self._unpacked(CredentialValues(self, {})))
        for written in self._written:
            self._check(values, written)

    def _unpacked(self, values: CredentialValues) -> dict[cst.CSTNode, Leak]:
        """`key, secret, token = creds.get_frozen_credentials()`: each name takes its part."""
        unpacked: dict[cst.CSTNode, Leak] = {}
        for target, value in self._unpackings:
            obj = values.credentials_object(value)
            if obj is None or not obj.frozen or any(isinstance(e, cst.StarredElement) for e in target.elements):
                continue
            for element, part in zip(target.elements, FROZEN_POSITIONS):
                if isinstance(element.value, cst.Name):
                    unpacked[element.value] = Leak(part, obj.origin)
        for loop_target, iterated in self._loops:
            unpacked.update(_loop_values(values, loop_target, iterated))
        return unpacked

    def _check(self, values: CredentialValues, written: _Written) -> None:
        sink = written.sink
        if sink.console and meant_for_a_program(self, sink.values):
            return
        # logger.info("key %.4s", key): the arguments after a logging message fill its %-format.
        cut = truncated_arguments(fold_string(self, sink.values[0])) if not sink.console else frozenset()
        carried = [
            (leak, value)
            for position, value in enumerate(sink.values)
            if position - 1 not in cut
            for leak in values.leaks(value)
        ]
        if not carried:
            return
        # The most serious part decides the severity, the words and where the finding points
        # (the sort is stable: the first argument carrying it).
        carried.sort(key=lambda pair: only_key_id([pair[0]]))
        leaks = [leak for leak, _ in carried]
        anchor = carried[0][1]
        described = [leak for leak in leaks if leak.origin == leaks[0].origin]
        line = self.line_of(written.call)
        severity = Severity.INFO if only_key_id(leaks) else None
        if all(leak.origin.label == WHOLE_ENVIRONMENT for leak in described) and not self._on_lambda:
            severity = Severity.WARNING  # elsewhere the environment may hold no credentials at all
        self.report(anchor, message(described, sink.label), explanation(described, sink.label, line), severity=severity)


def _is_lambda_handler(statement: cst.CSTNode) -> bool:
    """A module-level function Lambda may call: named so, or taking (event, context)."""
    return isinstance(statement, cst.FunctionDef) and has_handler_signature(
        statement.name.value, [param.name.value for param in statement.params.params]
    )


def _loop_values(
    values: CredentialValues, target: cst.BaseAssignTargetExpression, iterated: cst.BaseExpression
) -> dict[cst.CSTNode, Leak]:
    """The loop name that takes a whole mapping's values, `v` in `for k, v in os.environ.items()`
    or `for v in credentials.values()`, carries what the mapping does; its keys carry nothing."""
    if not (isinstance(iterated, cst.Call) and isinstance(iterated.func, cst.Attribute) and not iterated.args):
        return {}
    method = iterated.func.attr.value
    if method == "items" and isinstance(target, cst.Tuple) and len(target.elements) == 2:
        value = target.elements[1].value
    elif method == "values":
        value = target
    else:
        return {}
    leaks = [leak for leak in values.leaks(iterated.func.value) if leak.part == WHOLE]
    return {value: leaks[0]} if leaks and isinstance(value, cst.Name) else {}
