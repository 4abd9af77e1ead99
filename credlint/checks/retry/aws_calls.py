"""Requests to AWS in the code (calls of methods on clients, resources and what they make) and the
SDK retry layer under them: the client's service and its Config(retries=...)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Optional

import libcst as cst
from libcst.metadata import PositionProvider

from credlint.analysis.bindings import MAX_RESOLUTION_DEPTH, bound_values, qualified_names, single_bound_value
from credlint.analysis.literals import fold_string, int_value
from credlint.analysis.sdk import CLIENT, RESOURCE, call_arguments, classify_call, literal_keywords
from credlint.checks.retry.sdk_retries import ADAPTIVE, sdk_attempts
from credlint.checks.retry.syntax import ModuleIndex, walk


def is_sdk_object(owner: cst.MetadataDependent, index: ModuleIndex, expr: cst.BaseExpression, depth: int = 0) -> bool:
    """Whether expr holds a client, resource or something made from one (a table, a paginator)."""
    if depth > MAX_RESOLUTION_DEPTH:
        return False
    if isinstance(expr, cst.Await):
        return is_sdk_object(owner, index, expr.expression, depth + 1)
    if isinstance(expr, cst.Call):
        model = classify_call(owner, expr)
        if model is not None:
            return model.kind in (CLIENT, RESOURCE)
        return isinstance(expr.func, cst.Attribute) and is_sdk_object(owner, index, expr.func.value, depth + 1)
    if isinstance(expr, cst.Name):
        if expr.value in index.sdk_names:
            return True
        values = bound_values(owner, expr)
        return any(value is not None and is_sdk_object(owner, index, value, depth + 1) for value in values)
    if isinstance(expr, cst.Attribute):
        if isinstance(expr.value, cst.Name) and expr.value.value in ("self", "cls"):
            return expr.attr.value in index.sdk_attributes
        return is_sdk_object(owner, index, expr.value, depth + 1)
    return False


def aws_requests(owner: cst.MetadataDependent, index: ModuleIndex, nodes: Iterable[cst.CSTNode]) -> list[cst.Attribute]:
    """The methods of SDK objects (requests to AWS) called among nodes and their descendants."""
    found = []
    for root in nodes:
        for node in walk(root):
            if (
                isinstance(node, cst.Call)
                and isinstance(node.func, cst.Attribute)
                and is_sdk_object(owner, index, node.func.value)
            ):
                found.append(node.func)
    return found


@dataclass(frozen=True)
class SdkRetries:
    """The SDK retry layer a retry sits on: the client's service and any Config(retries=...)."""

    service: Optional[str] = None
    mode: Optional[str] = None
    total_attempts: Optional[int] = None
    line: Optional[int] = None  # where Config(retries=...) is written

    def attempts(self, mode: str) -> int:
        if self.total_attempts is not None and (self.mode is None or self.mode in (mode, ADAPTIVE)):
            return self.total_attempts
        return sdk_attempts(mode, self.service)


CONFIG_NAMES = frozenset({"botocore.config.Config", "aiobotocore.config.AioConfig"})


def sdk_retries_of(owner: cst.MetadataDependent, requests: Sequence[cst.Attribute]) -> SdkRetries:
    """The first AWS request's client: which service it talks to and how its config sets retries."""
    for method in requests:
        creation = _client_creation(owner, method.value)
        if creation is None:
            continue
        model = classify_call(owner, creation)
        if model is None:
            continue
        config = call_arguments(owner, creation, model.parameters).get("config")
        return _with_config(owner, SdkRetries(service=model.service), config)
    return SdkRetries()


def _client_creation(owner: cst.MetadataDependent, expr: cst.BaseExpression, depth: int = 0) -> Optional[cst.Call]:
    if depth > MAX_RESOLUTION_DEPTH:
        return None
    if isinstance(expr, cst.Await):
        return _client_creation(owner, expr.expression, depth + 1)
    if isinstance(expr, cst.Name):
        value = single_bound_value(owner, expr)
        return _client_creation(owner, value, depth + 1) if value is not None else None
    if isinstance(expr, cst.Call):
        model = classify_call(owner, expr)
        if model is not None and model.kind in (CLIENT, RESOURCE):
            return expr
        if isinstance(expr.func, cst.Attribute):
            return _client_creation(owner, expr.func.value, depth + 1)
    if isinstance(expr, cst.Attribute):
        return _client_creation(owner, expr.value, depth + 1)
    return None


def _with_config(owner: cst.MetadataDependent, base: SdkRetries, config: Optional[cst.BaseExpression]) -> SdkRetries:
    if isinstance(config, cst.Name):
        config = single_bound_value(owner, config)
    if not isinstance(config, cst.Call) or not qualified_names(owner, config.func) & CONFIG_NAMES:
        return base
    retries_expr = call_arguments(owner, config, ()).get("retries")
    retries = literal_keywords(owner, retries_expr) if retries_expr is not None else None
    if not retries:
        return base
    mode_expr = retries.get("mode")
    mode = fold_string(owner, mode_expr) if mode_expr is not None else None
    total = int_value(owner, retries.get("total_max_attempts"))
    if total is None:
        # ref. aws-chain-reference.md section 3: 'max_attempts' counts retries, so N+1 in total
        retries_only = int_value(owner, retries.get("max_attempts"))
        total = retries_only + 1 if retries_only is not None else None
    line = owner.get_metadata(PositionProvider, config).start.line
    return SdkRetries(base.service, mode, total, line)


def client_service(owner: cst.MetadataDependent, expr: cst.BaseExpression) -> Optional[str]:
    """The service of the client (or resource) expr holds, when this module creates it."""
    creation = _client_creation(owner, expr)
    model = classify_call(owner, creation) if creation is not None else None
    return model.service if model is not None else None
