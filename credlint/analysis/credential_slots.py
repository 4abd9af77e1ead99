"""Where credentials enter code: SDK parameters, credential dict keys and credential-named bindings.

A metadata provider, so that every credential rule sees the same slots and the literal values
that reach them, found once per file in one walk of its own (no LibCST visit).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Optional

import libcst as cst
from libcst.metadata import BaseMetadataProvider, PositionProvider
from libcst.metadata.base_provider import ProviderT

from credlint.analysis.bindings import BINDING_PROVIDERS, qualified_names
from credlint.analysis.literals import fold_string, literal_sources
from credlint.analysis.sdk import (
    CLIENT,
    CREDENTIALS,
    RESOURCE,
    SDK_LIBRARIES,
    SET_CREDENTIALS,
    SdkCall,
    call_arguments,
    classify_call,
)
from credlint.analysis.syntax_children import code_nodes
from credlint.chain import ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN, CredentialPlacement

# SDK parameters and the credential each carries. ref. boto3/botocore signatures (sdk.py).
SDK_PARAMETER_SLOTS = {
    "aws_access_key_id": ACCESS_KEY_ID,
    "aws_secret_access_key": SECRET_ACCESS_KEY,
    "aws_session_token": SESSION_TOKEN,
    "access_key": ACCESS_KEY_ID,
    "secret_key": SECRET_ACCESS_KEY,
    "token": SESSION_TOKEN,
}
# Words in a normalised name that make it AWS-specific on its own.
_AWS_WORDS = ("aws", "boto", "s3", "iam")
# Names that hold something about a secret rather than the secret: secret_name, SECRET_ARN...
_NOT_A_CREDENTIAL = re.compile(
    r"name|arn|path|param|prefix|string|binary|manager|version|region|url|uri|file|bucket|type|hash|"
    r"salt|length|count|policy|rotation|field|header|env|var|id$"
)
# Functions that take a variable name then its value, and put it in the process environment.
ENV_SETTERS = frozenset({"os.environ.setdefault", "os.putenv"})
ENV_SETTER_METHODS = frozenset({"setenv"})  # pytest's monkeypatch.setenv, and look-alikes
ENVIRON = "os.environ"
# Modules whose import makes a plain `secret` name worth reading as an AWS secret.
AWS_MODULE_PREFIXES = (*SDK_LIBRARIES, "moto", "s3fs", "aws_cdk", "awswrangler", "chalice")

PLACEMENT_EXPLICIT = "explicit"
PLACEMENT_SESSION = "session"
PLACEMENT_ENV = "env"
PLACEMENT_UNUSED = "unused"


def credential_named(name: str) -> Optional[tuple[str, bool]]:
    """Which credential a variable, key or parameter name denotes, and whether it says AWS itself.

    A name that is only about a secret (`secret_name`, `SECRET_ARN`) denotes none.
    """
    normalised = normalise_name(name)
    aws = any(word in normalised for word in _AWS_WORDS)
    if "accesskeyid" in normalised:
        return ACCESS_KEY_ID, True
    if "secretaccesskey" in normalised:
        return SECRET_ACCESS_KEY, True
    if "sessiontoken" in normalised or "securitytoken" in normalised:
        return SESSION_TOKEN, aws or normalised in ("sessiontoken", "securitytoken")
    if _NOT_A_CREDENTIAL.search(normalised):
        return None
    if "secret" in normalised:
        return SECRET_ACCESS_KEY, aws
    if normalised in ("token", "ststoken"):
        return SESSION_TOKEN, False
    return None


@dataclass(frozen=True)
class CredentialSlot:
    """One place a credential goes in: which credential, under what name, and into what."""

    credential: str
    name: str  # the parameter, key or variable it is written under
    expr: cst.BaseExpression
    placement: CredentialPlacement
    sdk_call: Optional[SdkCall]
    strong: bool  # an AWS-specific name or an SDK parameter, not just "secret" in a boto3 module
    given_with: frozenset[str] = frozenset()  # every credential the same SDK call receives
    keyword: bool = False  # passed to the SDK call as a keyword argument, here in the module

    @property
    def rank(self) -> int:
        """How much a slot tells about runtime: an SDK call beats a dict key beats a name."""
        return (2 if self.sdk_call else 0) + (1 if self.strong else 0)


@dataclass(frozen=True)
class CredentialUse:
    """A literal string that reaches a slot."""

    value: str
    slot: CredentialSlot


@dataclass(frozen=True)
class CredentialIndex:
    """Every slot of a module, and every literal that reaches one with its uses, best first."""

    slots: tuple[CredentialSlot, ...]
    literals: tuple[tuple[cst.CSTNode, tuple[CredentialUse, ...]], ...]


def normalise_name(name: str) -> str:
    return name.replace("_", "").replace("-", "").lower()


class CredentialSlotProvider(BaseMetadataProvider[object]):
    """Sets, on each literal that reaches a credential slot, its uses; on the Module, all slots."""

    METADATA_DEPENDENCIES = (*BINDING_PROVIDERS, PositionProvider)

    def __init__(self) -> None:
        super().__init__()
        self._slots: list[CredentialSlot] = []
        self._uses_aws = False

    def _gen_impl(self, module: cst.Module) -> None:
        visits = {
            cst.Import: self.visit_Import,
            cst.ImportFrom: self.visit_ImportFrom,
            cst.Call: self.visit_Call,
            cst.Dict: self.visit_Dict,
            cst.Param: self.visit_Param,
            cst.Assign: self.visit_Assign,
            cst.AnnAssign: self.visit_AnnAssign,
        }
        for node in code_nodes(module):
            visit = visits.get(type(node))
            if visit is not None:
                visit(node)  # type: ignore[operator]  # the visit method of node's own type
        self.leave_Module(module)

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            self._note_module(cst.helpers.get_full_name_for_node(alias.name) or "")

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.module is not None and not node.relative:
            self._note_module(cst.helpers.get_full_name_for_node(node.module) or "")

    def _note_module(self, module: str) -> None:
        if module.split(".")[0] in AWS_MODULE_PREFIXES:
            self._uses_aws = True

    def visit_Call(self, node: cst.Call) -> None:
        sdk_call = classify_call(self, node)
        if sdk_call is not None:
            self._add_sdk_call(node, sdk_call)
            return
        callee = cst.helpers.get_full_name_for_node(node.func) or "a call"
        qualified = qualified_names(self, node.func)
        sets_env = bool(qualified & ENV_SETTERS) or (
            isinstance(node.func, cst.Attribute) and node.func.attr.value in ENV_SETTER_METHODS
        )
        link = PLACEMENT_ENV if sets_env else PLACEMENT_UNUSED
        placement = CredentialPlacement(link, f"{callee}(...)", self._line(node))
        positional = [arg.value for arg in node.args if arg.keyword is None and not arg.star]
        for name_arg, value_arg in zip(positional, positional[1:]):
            name = fold_string(self, name_arg)
            if name is not None:
                self._add_named(name, value_arg, placement)
        keyword_placement = CredentialPlacement(PLACEMENT_UNUSED, f"{callee}(...)", self._line(node))
        for arg in node.args:
            if arg.keyword is not None:
                self._add_named(arg.keyword.value, arg.value, keyword_placement)

    def _add_sdk_call(self, node: cst.Call, sdk_call: SdkCall) -> None:
        arguments = call_arguments(self, node, sdk_call.parameters)
        link = PLACEMENT_EXPLICIT if sdk_call.kind in (CLIENT, RESOURCE) else PLACEMENT_SESSION
        placement = CredentialPlacement(link, sdk_call.label, self._line(node))
        given = [
            (SDK_PARAMETER_SLOTS[parameter], parameter, expr)
            for parameter, expr in arguments.values.items()
            if parameter in SDK_PARAMETER_SLOTS
            and (sdk_call.kind in (CREDENTIALS, SET_CREDENTIALS) or parameter.startswith("aws_"))
        ]
        credentials = frozenset(credential for credential, _, _ in given)
        keywords = {id(arg.value) for arg in node.args if arg.keyword is not None}
        for credential, parameter, expr in given:
            slot = CredentialSlot(
                credential, parameter, expr, placement, sdk_call, True, credentials, id(expr) in keywords
            )
            self._slots.append(slot)

    def visit_Dict(self, node: cst.Dict) -> None:
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                key = fold_string(self, element.key)
                if key is not None:
                    placement = CredentialPlacement(PLACEMENT_UNUSED, "a dict", self._line(element))
                    self._add_named(key, element.value, placement)

    def visit_Param(self, node: cst.Param) -> None:
        if node.default is not None:
            placement = CredentialPlacement(PLACEMENT_UNUSED, f"the default of {node.name.value}", self._line(node))
            self._add_named(node.name.value, node.default, placement)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._add_target(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._add_target(node.target, node.value)

    def _add_target(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if isinstance(target, (cst.Tuple, cst.List)) and isinstance(value, (cst.Tuple, cst.List)):
            if len(target.elements) == len(value.elements):
                for sub_target, sub_value in zip(target.elements, value.elements):
                    self._add_target(sub_target.value, sub_value.value)
            return
        name: Optional[str] = None
        link = PLACEMENT_UNUSED
        if isinstance(target, cst.Name):
            name = target.value
        elif isinstance(target, cst.Attribute):
            name = target.attr.value
        elif isinstance(target, cst.Subscript) and len(target.slice) == 1:
            index = target.slice[0].slice
            name = fold_string(self, index.value) if isinstance(index, cst.Index) else None
            if ENVIRON in qualified_names(self, target.value):
                link = PLACEMENT_ENV
        if name is not None:
            self._add_named(name, value, CredentialPlacement(link, name, self._line(target)))

    def _add_named(self, name: str, expr: cst.BaseExpression, placement: CredentialPlacement) -> None:
        named = credential_named(name)
        if named is not None:
            credential, strong = named
            self._slots.append(CredentialSlot(credential, name, expr, placement, None, strong))

    def _line(self, node: cst.CSTNode) -> int:
        return self.get_metadata(PositionProvider, node).start.line

    def leave_Module(self, original_node: cst.Module) -> None:
        slots = tuple(slot for slot in self._slots if slot.strong or self._uses_aws)
        uses: dict[cst.CSTNode, list[CredentialUse]] = {}
        for slot in slots:
            for value, node in literal_sources(self, slot.expr):
                uses.setdefault(node, []).append(CredentialUse(value, slot))
        literals = []
        for node, node_uses in uses.items():
            ranked = tuple(sorted(node_uses, key=lambda use: -use.slot.rank))
            self.set_metadata(node, ranked)
            literals.append((node, ranked))
        self.set_metadata(original_node, CredentialIndex(slots, tuple(literals)))


# What a rule that reads credential slots must declare.
CREDENTIAL_RULE_PROVIDERS: Sequence[ProviderT] = (PositionProvider, *BINDING_PROVIDERS, CredentialSlotProvider)


def credential_uses(owner: cst.MetadataDependent, node: cst.CSTNode) -> tuple[CredentialUse, ...]:
    """The credential slots a literal reaches, most telling first."""
    uses = owner.get_metadata(CredentialSlotProvider, node, ())
    return uses if isinstance(uses, tuple) else ()


def credential_index(owner: cst.MetadataDependent, module: cst.Module) -> CredentialIndex:
    index = owner.get_metadata(CredentialSlotProvider, module, None)
    return index if isinstance(index, CredentialIndex) else CredentialIndex((), ())


def literals_in_slots(
    owner: cst.MetadataDependent, module: cst.Module, credential: str
) -> Iterator[tuple[cst.CSTNode, CredentialUse]]:
    """Each literal node that reaches a slot for credential, with the use that says most about it."""
    for node, uses in credential_index(owner, module).literals:
        matching = [use for use in uses if use.slot.credential == credential]
        if matching:
            yield node, matching[0]
