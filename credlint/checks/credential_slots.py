"""Where credentials enter code: SDK parameters, credential dict keys and credential-named bindings.

A metadata provider, so that every credential rule sees the same slots and the literal values
that reach them, found once per file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Optional

import libcst as cst
from libcst.metadata import BatchableMetadataProvider, PositionProvider
from libcst.metadata.base_provider import ProviderT

from credlint.chain import CredentialPlacement
from credlint.checks.bindings import BINDING_PROVIDERS
from credlint.checks.literals import fold_string, literal_sources
from credlint.checks.sdk import (
    CLIENT,
    CREDENTIALS,
    RESOURCE,
    SDK_LIBRARIES,
    SET_CREDENTIALS,
    SdkCall,
    call_arguments,
    classify_call,
)

ACCESS_KEY_ID = "access-key-id"
SECRET_ACCESS_KEY = "secret-access-key"
SESSION_TOKEN = "session-token"

# SDK parameters and the credential each carries. ref. boto3/botocore signatures (sdk.py).
SDK_PARAMETER_SLOTS = {
    "aws_access_key_id": ACCESS_KEY_ID,
    "aws_secret_access_key": SECRET_ACCESS_KEY,
    "aws_session_token": SESSION_TOKEN,
    "access_key": ACCESS_KEY_ID,
    "secret_key": SECRET_ACCESS_KEY,
    "token": SESSION_TOKEN,
}
# Names that mean an AWS credential wherever they appear: keyword arguments, dict keys
# (STS responses use the CamelCase forms), assignment targets.
AWS_CREDENTIAL_NAMES = {
    "awsaccesskeyid": ACCESS_KEY_ID,
    "accesskeyid": ACCESS_KEY_ID,
    "awssecretaccesskey": SECRET_ACCESS_KEY,
    "secretaccesskey": SECRET_ACCESS_KEY,
    "awssecretkey": SECRET_ACCESS_KEY,
    "awssessiontoken": SESSION_TOKEN,
    "awssecuritytoken": SESSION_TOKEN,
}
# Names that carry a credential only in a module that uses an AWS SDK.
_WEAK_SECRET_NAME = re.compile(r"secret")
_WEAK_TOKEN_NAME = re.compile(r"sessiontoken|securitytoken|ststoken")
AWS_MODULE_PREFIXES = (*SDK_LIBRARIES, "moto", "s3fs", "aws_cdk", "awswrangler", "chalice")

PLACEMENT_EXPLICIT = "explicit"
PLACEMENT_SESSION = "session"
PLACEMENT_UNUSED = "unused"


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


class CredentialSlotProvider(BatchableMetadataProvider[object]):
    """Sets, on each literal that reaches a credential slot, its uses; on the Module, all slots."""

    METADATA_DEPENDENCIES = (*BINDING_PROVIDERS, PositionProvider)

    def __init__(self) -> None:
        super().__init__()
        self._slots: list[CredentialSlot] = []
        self._uses_aws = False

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
            for credential, parameter, expr in given:
                self._slots.append(CredentialSlot(credential, parameter, expr, placement, sdk_call, True, credentials))
            return
        callee = cst.helpers.get_full_name_for_node(node.func) or "a call"
        for arg in node.args:
            if arg.keyword is not None:
                placement = CredentialPlacement(PLACEMENT_EXPLICIT, f"{callee}(...)", self._line(node))
                self._add_named(arg.keyword.value, arg.value, placement)

    def visit_Dict(self, node: cst.Dict) -> None:
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                key = fold_string(self, element.key)
                if key is not None:
                    placement = CredentialPlacement(PLACEMENT_UNUSED, "a dict", self._line(element))
                    self._add_named(key, element.value, placement)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._add_target(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._add_target(node.target, node.value)

    def _add_target(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        name: Optional[str] = None
        if isinstance(target, cst.Name):
            name = target.value
        elif isinstance(target, cst.Attribute):
            name = target.attr.value
        elif isinstance(target, cst.Subscript) and len(target.slice) == 1:
            index = target.slice[0].slice
            name = fold_string(self, index.value) if isinstance(index, cst.Index) else None
        if name is not None:
            self._add_named(name, value, CredentialPlacement(PLACEMENT_UNUSED, name, self._line(target)))

    def _add_named(self, name: str, expr: cst.BaseExpression, placement: CredentialPlacement) -> None:
        normalised = normalise_name(name)
        credential = AWS_CREDENTIAL_NAMES.get(normalised)
        if credential is not None:
            self._slots.append(CredentialSlot(credential, name, expr, placement, None, True))
        elif _WEAK_TOKEN_NAME.search(normalised):
            self._slots.append(CredentialSlot(SESSION_TOKEN, name, expr, placement, None, False))
        elif _WEAK_SECRET_NAME.search(normalised):
            self._slots.append(CredentialSlot(SECRET_ACCESS_KEY, name, expr, placement, None, False))

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
