"""DirectMetadataWrapper must give the rules the metadata LibCST's wrapper gives, without the
visit of the whole module LibCST makes for a round with no batchable provider."""

from __future__ import annotations

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider

from credlint.analysis.bindings import qualified_names
from credlint.analysis.credential_slots import CREDENTIAL_RULE_PROVIDERS, CredentialIndex, CredentialSlotProvider
from credlint.metadata_wrapper import DirectMetadataWrapper

SOURCE = """
import boto3 as b3
KEY = "AKIAIOSFODNN7EXAMPLE"

def connect(secret="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"):
    return b3.client("s3", aws_access_key_id=KEY, aws_secret_access_key=secret)
"""


class CallNames(cst.BatchableCSTVisitor):
    METADATA_DEPENDENCIES = CREDENTIAL_RULE_PROVIDERS

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[int, frozenset[str]]] = []

    def visit_Call(self, node: cst.Call) -> None:
        line = self.get_metadata(PositionProvider, node).start.line
        self.calls.append((line, frozenset(qualified_names(self, node.func))))

    def visit_Module(self, node: cst.Module) -> None:
        self.index = self.get_metadata(CredentialSlotProvider, node)


def _run(wrapper_class: type[MetadataWrapper]) -> tuple[list[tuple[int, frozenset[str]]], CredentialIndex]:
    visitor = CallNames()
    wrapper_class(cst.parse_module(SOURCE), unsafe_skip_copy=True).visit_batched([visitor])
    return visitor.calls, visitor.index


def test_rules_see_the_same_metadata() -> None:
    direct_calls, direct_index = _run(DirectMetadataWrapper)
    stock_calls, stock_index = _run(MetadataWrapper)
    assert direct_calls == stock_calls == [(6, frozenset({"boto3.client"}))]
    assert [(slot.credential, slot.name) for slot in direct_index.slots] == [
        (slot.credential, slot.name) for slot in stock_index.slots
    ]
    assert len(direct_index.literals) == len(stock_index.literals) == 2


def _visits(monkeypatch: pytest.MonkeyPatch, wrapper_class: type[MetadataWrapper]) -> int:
    counted: list[cst.Module] = []
    original = cst.Module.visit

    def counting(module: cst.Module, visitor: cst.CSTVisitorT) -> cst.Module:
        counted.append(module)
        return original(module, visitor)

    monkeypatch.setattr(cst.Module, "visit", counting)
    _run(wrapper_class)
    return len(counted)


def test_only_the_rules_visit_the_module(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _visits(monkeypatch, DirectMetadataWrapper) == 1
    # LibCST's rounds depend on the order of a set of providers: one or two idle visits.
    assert _visits(monkeypatch, MetadataWrapper) in (2, 3)


def test_a_batchable_provider_is_resolved_in_libcst_rounds() -> None:
    module = cst.parse_module(SOURCE)
    parents = DirectMetadataWrapper(module, unsafe_skip_copy=True).resolve(ParentNodeProvider)
    assert parents[module.body[0]] is module
