"""Where Python code puts AWS credential variables into an environment: shared by CL201 and CL203.

Names, keys and values are followed through the module's binding table (aliases of os.environ,
module constants, f-strings, dicts built up in the module), so both rules see one model.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar, Optional, Union

import libcst as cst
from libcst.metadata import PositionProvider
from libcst.metadata.base_provider import ProviderT

from credlint.analysis.bindings import (
    BINDING_PROVIDERS,
    MAX_RESOLUTION_DEPTH,
    bindings_of,
    bound_values,
    qualified_names,
)
from credlint.analysis.literals import ENV_READERS, fold_string
from credlint.analysis.stand_ins import looks_fake, stand_in_severity
from credlint.chain import CREDENTIAL_VARIABLES
from credlint.finding import Severity
from credlint.rule import Rule
from credlint.settings import FileContext

ENVIRON = "os.environ"
# Patches that swap or restore os.environ when the block or the decorated test ends.
# ref. unittest.mock patch.dict / patch / patch.object.
PATCH_DICT = frozenset({"unittest.mock.patch.dict", "mock.patch.dict"})
PATCH_TARGET = frozenset({"unittest.mock.patch", "mock.patch"})
PATCH_OBJECT = frozenset({"unittest.mock.patch.object", "mock.patch.object"})
# Calls whose results hold temporary role credentials (ref. aws-chain-reference.md section 7, STS),
# a secret the team stored on purpose (Secrets Manager), or the credentials the caller's own chain
# already resolved (botocore Session.get_credentials): handing those on is deliberate role use.
ROLE_CREDENTIAL_CALLS = frozenset(
    {
        "assume_role",
        "assume_role_with_web_identity",
        "assume_role_with_saml",
        "get_session_token",
        "get_federation_token",
        "get_secret_value",
        "get_credentials",
        "get_frozen_credentials",
    }
)
# Calls through which a value keeps its origin: `response.get("Credentials")`, `json.loads(...)`.
_TRANSPARENT_METHODS = frozenset({"get", "copy"})
_TRANSPARENT_FUNCTIONS = frozenset(
    {"json.loads", "builtins.dict", "dict", "builtins.str", "str", "copy.copy", "copy.deepcopy"}
)
_DICT_CONSTRUCTORS = frozenset({"builtins.dict", "dict"})
_COPIES = frozenset({"copy.copy", "copy.deepcopy"})
_MUTATORS = frozenset({"update", "setdefault"})  # mapping methods that add entries


@dataclass(frozen=True)
class CredentialEntry:
    """A credential variable that a write or a mapping puts in an environment."""

    variable: str
    node: cst.CSTNode  # where a finding goes: the key, keyword or subscript that names the variable
    value: Optional[cst.BaseExpression]  # None when the value is not known here


@dataclass(frozen=True)
class WrittenValue:
    """What is known of the value written: its text when written in code, and whether it is a stand-in."""

    literal: Optional[str]
    fake: bool


def credential_variable(owner: cst.MetadataDependent, expr: cst.BaseExpression) -> Optional[str]:
    """The credential variable an expression names: a literal, a constant, an f-string."""
    name = fold_string(owner, expr)
    return name if name in CREDENTIAL_VARIABLES else None


def is_environ(owner: cst.MetadataDependent, expr: cst.BaseExpression, depth: int = 0) -> bool:
    """os.environ under any import (`import os as _os`, `from os import environ as env`) or a name bound to it."""
    if ENVIRON in qualified_names(owner, expr):
        return True
    if isinstance(expr, cst.Name) and depth < MAX_RESOLUTION_DEPTH:
        values = list(bound_values(owner, expr))
        return len(values) == 1 and values[0] is not None and is_environ(owner, values[0], depth + 1)
    return False


def reads_environment_variable(
    owner: cst.MetadataDependent, expr: cst.BaseExpression, variable: str, depth: int = 0
) -> bool:
    """`os.environ[V]`, `os.environ.get(V)` or `os.getenv(V)`: the variable's own value, passed through
    or saved earlier and restored."""
    if isinstance(expr, cst.Name) and depth < MAX_RESOLUTION_DEPTH:
        values = list(bound_values(owner, expr))
        return bool(values) and all(
            value is not None and reads_environment_variable(owner, value, variable, depth + 1) for value in values
        )
    if isinstance(expr, cst.BooleanOperation):
        return all(
            reads_environment_variable(owner, side, variable) or _empty(owner, side) for side in (expr.left, expr.right)
        ) and not (_empty(owner, expr.left) and _empty(owner, expr.right))
    if isinstance(expr, cst.Subscript) and len(expr.slice) == 1 and isinstance(expr.slice[0].slice, cst.Index):
        return is_environ(owner, expr.value) and fold_string(owner, expr.slice[0].slice.value) == variable
    if isinstance(expr, cst.Call) and expr.args:
        func = expr.func
        reader = bool(qualified_names(owner, func) & ENV_READERS) or (
            isinstance(func, cst.Attribute) and func.attr.value == "get" and is_environ(owner, func.value)
        )
        return reader and fold_string(owner, expr.args[0].value) == variable
    return False


def _empty(owner: cst.MetadataDependent, expr: cst.BaseExpression) -> bool:
    return (isinstance(expr, cst.Name) and expr.value == "None") or fold_string(owner, expr) == ""


def from_role_credentials(owner: cst.MetadataDependent, expr: cst.BaseExpression, depth: int = 0) -> bool:
    """Whether a value comes out of an STS, Secrets Manager or resolved-credentials response."""
    if depth > MAX_RESOLUTION_DEPTH:
        return False
    if isinstance(expr, cst.Name):
        return any(
            value is not None and from_role_credentials(owner, value, depth + 1) for value in bound_values(owner, expr)
        )
    if isinstance(expr, (cst.Subscript, cst.Attribute)):
        return from_role_credentials(owner, expr.value, depth + 1)
    if isinstance(expr, cst.Await):
        return from_role_credentials(owner, expr.expression, depth + 1)
    if not isinstance(expr, cst.Call):
        return False
    func = expr.func
    if isinstance(func, cst.Attribute):
        if func.attr.value in ROLE_CREDENTIAL_CALLS:
            return True
        if func.attr.value in _TRANSPARENT_METHODS:
            return from_role_credentials(owner, func.value, depth + 1)
    if expr.args and qualified_names(owner, func) & _TRANSPARENT_FUNCTIONS:
        return from_role_credentials(owner, expr.args[0].value, depth + 1)
    return False


def written_value(owner: cst.MetadataDependent, entry: CredentialEntry) -> Optional[WrittenValue]:
    """The value an entry writes, or None when writing it is not a credential to report.

    Not reported: an empty string (it switches the env provider off: ref. aws-chain-reference.md
    section 1, link 1 answers only when AWS_ACCESS_KEY_ID is non-empty), the variable's own value
    passed through, and role credentials handed on.
    """
    value = entry.value
    if value is None:
        return WrittenValue(None, False)
    literal = fold_string(owner, value)
    if literal is not None:
        return WrittenValue(literal, looks_fake(literal)) if literal else None
    if _empty(owner, value) or reads_environment_variable(owner, value, entry.variable):
        return None
    if from_role_credentials(owner, value):
        return None
    return WrittenValue(None, False)


@dataclass(frozen=True)
class Mutation:
    """A change made to a mapping held in a name: `env[K] = v`, `env.update(...)`, `env |= {...}`."""

    receiver: cst.Name
    node: Union[cst.Subscript, cst.Call, cst.AugAssign]
    value: Optional[cst.BaseExpression]  # the value of `env[K] = v`


class MappingModel:
    """The credential entries that a mapping expression holds, through names and their mutations."""

    def __init__(self, owner: cst.MetadataDependent, mutations: Sequence[Mutation]) -> None:
        self.owner = owner
        self.mutations = mutations

    def entries(self, expr: cst.BaseExpression, depth: int = 0) -> list[CredentialEntry]:
        """Credential variables added by a mapping: `{...}`, `dict(...)`, `{**a, ...}`, `a | b`, a name."""
        owner = self.owner
        if depth > MAX_RESOLUTION_DEPTH or is_environ(owner, expr):
            return []
        if isinstance(expr, cst.Dict):
            found: list[CredentialEntry] = []
            for element in expr.elements:
                if isinstance(element, cst.DictElement):
                    variable = credential_variable(owner, element.key)
                    if variable is not None:
                        found.append(CredentialEntry(variable, element.key, element.value))
                else:
                    found.extend(self.entries(element.value, depth + 1))
            return found
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.BitOr):
            return self.entries(expr.left, depth + 1) + self.entries(expr.right, depth + 1)
        if isinstance(expr, cst.Call):
            names = qualified_names(owner, expr.func)
            if names & _DICT_CONSTRUCTORS:
                return self.argument_entries(expr.args, depth + 1)
            if names & _COPIES and expr.args:
                return self.entries(expr.args[0].value, depth + 1)
            if isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "copy":
                return self.entries(expr.func.value, depth + 1)
            return []
        if isinstance(expr, cst.Name):
            found = []
            for value in bound_values(owner, expr):
                if value is not None:
                    found.extend(self.entries(value, depth + 1))
            for mutation in self.mutations_of(expr):
                found.extend(self.mutation_entries(mutation, depth + 1))
            return found
        return []

    def argument_entries(self, args: Sequence[cst.Arg], depth: int) -> list[CredentialEntry]:
        """Entries given to dict(...) or update(...): keywords, mappings and `**` spreads."""
        found: list[CredentialEntry] = []
        for arg in args:
            if arg.keyword is not None:
                if arg.keyword.value in CREDENTIAL_VARIABLES:
                    found.append(CredentialEntry(arg.keyword.value, arg.keyword, arg.value))
            elif arg.star != "*":
                found.extend(self.entries(arg.value, depth))
        return found

    def mutations_of(self, name: cst.Name) -> Iterator[Mutation]:
        bindings = bindings_of(self.owner, name)
        if not bindings:
            return
        for mutation in self.mutations:
            if mutation.receiver.value == name.value and bindings_of(self.owner, mutation.receiver) & bindings:
                yield mutation

    def mutation_entries(self, mutation: Mutation, depth: int) -> list[CredentialEntry]:
        node = mutation.node
        if isinstance(node, cst.Subscript):
            index = node.slice[0].slice
            variable = credential_variable(self.owner, index.value) if isinstance(index, cst.Index) else None
            return [CredentialEntry(variable, node, mutation.value)] if variable else []
        if isinstance(node, cst.AugAssign):
            return self.entries(node.value, depth)
        return call_entries(self, node, depth)


def call_entries(model: MappingModel, call: cst.Call, depth: int = 0) -> list[CredentialEntry]:
    """Entries a mapping method call adds: update(...) and setdefault(K, v)."""
    if not isinstance(call.func, cst.Attribute):
        return []
    method = call.func.attr.value
    if method == "update":
        return model.argument_entries(call.args, depth)
    if method == "setdefault":
        positional = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
        variable = credential_variable(model.owner, positional[0]) if len(positional) == 2 else None
        return [CredentialEntry(variable, positional[0], positional[1])] if variable else []
    return []


def restores_environ(owner: cst.MetadataDependent, expr: cst.BaseExpression) -> bool:
    """A mock patch of os.environ, which undoes its writes when the block or test ends."""
    if not isinstance(expr, cst.Call) or not expr.args:
        return False
    names = qualified_names(owner, expr.func)
    first = expr.args[0].value
    if names & PATCH_DICT:
        return is_environ(owner, first) or fold_string(owner, first) == ENVIRON
    if names & PATCH_TARGET:
        return fold_string(owner, first) == ENVIRON
    if names & PATCH_OBJECT and len(expr.args) >= 2:
        return "os" in qualified_names(owner, first) and fold_string(owner, expr.args[1].value) == "environ"
    return False


class EnvironmentWriteRule(Rule):
    """Collects the mappings the module builds, and which code runs under a patched os.environ."""

    METADATA_DEPENDENCIES: ClassVar[Sequence[ProviderT]] = (PositionProvider, *BINDING_PROVIDERS)

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self.mutations: list[Mutation] = []
        self._restoring: set[cst.CSTNode] = set()
        self.restored_depth = 0

    @property
    def under_patched_environ(self) -> bool:
        return self.restored_depth > 0

    def visit_With(self, node: cst.With) -> None:
        self._enter_if(node, any(restores_environ(self, item.item) for item in node.items))

    def leave_With(self, original_node: cst.With) -> None:
        self._leave(original_node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._enter_if(node, any(restores_environ(self, d.decorator) for d in node.decorators))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._leave(original_node)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._enter_if(node, any(restores_environ(self, d.decorator) for d in node.decorators))

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._leave(original_node)

    def _enter_if(self, node: cst.CSTNode, restoring: bool) -> None:
        if restoring:
            self._restoring.add(node)
            self.restored_depth += 1

    def _leave(self, node: cst.CSTNode) -> None:
        if node in self._restoring:
            self.restored_depth -= 1

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            for sub_target, value in assigned_pairs(target.target, node.value):
                self.note_assignment(sub_target, value)
                self.assigned(sub_target, value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self.note_augmented(node)
        self.augmented(node)

    def visit_Call(self, node: cst.Call) -> None:
        self.note_call(node)
        self.called(node)

    def assigned(self, target: cst.BaseExpression, value: Optional[cst.BaseExpression]) -> None:
        """Each `target = value`, tuples unpacked, for rules that look at writes."""

    def augmented(self, node: cst.AugAssign) -> None:
        """Each augmented assignment, for rules that look at `|=`."""

    def called(self, node: cst.Call) -> None:
        """Each call, for rules that look at calls."""

    def note_assignment(self, target: cst.BaseExpression, value: Optional[cst.BaseExpression]) -> None:
        """Remember `name[K] = v` on a plain name, for mappings handed on later."""
        if (
            isinstance(target, cst.Subscript)
            and isinstance(target.value, cst.Name)
            and len(target.slice) == 1
            and isinstance(target.slice[0].slice, cst.Index)
        ):
            self.mutations.append(Mutation(target.value, target, value))

    def note_call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.attr.value in _MUTATORS:
            self.mutations.append(Mutation(func.value, node, None))

    def note_augmented(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Name) and isinstance(node.operator, cst.BitOrAssign):
            self.mutations.append(Mutation(node.target, node, None))

    def judge(self, entry: CredentialEntry) -> Optional[tuple[WrittenValue, Severity]]:
        """What an entry writes and the severity of its finding; None when it is not reported.

        The test policy applies: test files and stand-in values are info, dropped or in full.
        """
        value = written_value(self, entry)
        if value is None:
            return None
        severity = stand_in_severity(self.info.severity, self.context.settings, fake=value.fake)
        return None if severity is None else (value, severity)


def assigned_pairs(
    target: cst.BaseExpression, value: Optional[cst.BaseExpression]
) -> Iterator[tuple[cst.BaseExpression, Optional[cst.BaseExpression]]]:
    """Each target of an assignment with its value, unpacking `a, b = x, y` (None when unknown)."""
    if isinstance(target, (cst.Tuple, cst.List)):
        values: list[Optional[cst.BaseExpression]] = [None] * len(target.elements)
        if (
            isinstance(value, (cst.Tuple, cst.List))
            and len(value.elements) == len(target.elements)
            and not any(isinstance(e, cst.StarredElement) for e in value.elements)
        ):
            values = [element.value for element in value.elements]
        for element, element_value in zip(target.elements, values):
            if not isinstance(element, cst.StarredElement):
                yield from assigned_pairs(element.value, element_value)
        return
    yield target, value
