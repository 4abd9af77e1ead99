"""The binding table must answer what LibCST's ScopeProvider answers, node for node: the rules
moved from one to the other, and their findings must not change."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, Scope, ScopeProvider

from credlint.analysis.binding_table import BindingTableProvider
from credlint.analysis.name_scopes import NameScope
from credlint.analysis.syntax_children import code_children

REPOSITORY = Path(__file__).resolve().parent.parent
SCOPING = """
import os.path
import boto3 as b3, botocore.config
from boto3 import client as make_client, Session
from . import sibling
from ..package.module import helper as h
from typing import TypeVar as TV
T = TV("T")
counter = 0
REGION = os.environ.get("AWS_REGION")
s3 = b3.client("s3", region_name=REGION, config=botocore.config.Config())
path = os.path.join("a", "b")

def bump(step=counter, *, key: str = REGION):
    global counter
    counter = counter + step
    total = 0
    def inner():
        nonlocal total
        total += 1
        return make_client("sts")
    return inner

class Settings:
    region = "eu-west-1"
    REGION = region

    def default_region(self):
        return REGION  # the module's: a class body is no enclosing scope
    client = b3.client("s3", region_name=region)

    def build(self, region=region):
        return [region for region in (region, REGION) if (found := region)]

    @property
    def session(self):
        return Session(region_name=self.region)

square = lambda value, base=counter: value * base
names = {key: value for key, value in os.environ.items() if key.startswith("AWS_")}
try:
    import ujson as json
except ImportError as error:
    json = None
with open(path) as handle, open(path) as (first, second):
    data = handle.read()
del data
for index, item in enumerate(names):
    print(index, item, open, h, sibling)
REGION = None
later = REGION
"""


def _assert_same_answers(source: str) -> int:
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError:  # the examples hold a broken file on purpose
        return 0
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    expected, actual = wrapper.resolve(ScopeProvider), wrapper.resolve(BindingTableProvider)
    compared, pending = 0, [module]
    while pending:
        node = pending.pop()
        pending.extend(code_children(node))
        libcst_scope, table_scope = expected.get(node), actual.get(node)
        assert (libcst_scope is None) == (table_scope is None), node
        if not isinstance(libcst_scope, Scope) or not isinstance(table_scope, NameScope):
            continue
        compared += 1
        if isinstance(node, (cst.Name, cst.Attribute, cst.Call)):
            names = {(name.name, name.source) for name in libcst_scope.get_qualified_names_for(node)}
            assert {(name.name, name.source) for name in table_scope.qualified_names_for(node)} == names, node
        if isinstance(node, cst.Name):
            bound = {
                (type(a).__name__.replace("Assignment", "Binding"), getattr(a, "node", None))
                for a in libcst_scope[node.value]
            }
            assert {(type(b).__name__, b.node) for b in table_scope[node.value]} == bound, node.value
    return compared


def test_names_resolve_as_libcst_resolves_them() -> None:
    assert _assert_same_answers(SCOPING) > 250


def test_aliases_and_scopes_resolve_to_their_origin() -> None:
    module = cst.parse_module(SCOPING)
    scopes = MetadataWrapper(module, unsafe_skip_copy=True).resolve(BindingTableProvider)
    calls = {cst.Module([]).code_for_node(node.func): node for node in scopes if isinstance(node, cst.Call)}
    assert {name.name for name in scopes[calls["b3.client"]].qualified_names_for(calls["b3.client"])} == {
        "boto3.client"
    }
    assert {name.name for name in scopes[calls["make_client"]].qualified_names_for(calls["make_client"])} == {
        "boto3.client"
    }
    assert {name.name for name in scopes[calls["os.path.join"]].qualified_names_for(calls["os.path.join"])} == {
        "os.path.join"
    }


@pytest.mark.parametrize("package", ["credlint", "tests", "examples"])
def test_every_name_of_real_modules_resolves_as_libcst_resolves_it(package: str) -> None:
    compared = sum(
        _assert_same_answers(path.read_text(encoding="utf-8")) for path in sorted((REPOSITORY / package).rglob("*.py"))
    )
    assert compared > 500
