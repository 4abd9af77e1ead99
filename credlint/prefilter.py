"""Deciding cheaply which rules could fire on a file, so that LibCST parses as little as possible.

Three stages, each only when the previous one passes: substring triggers on the raw bytes; a
regex for quoted runs of random-looking base64 (a secret split in up to three pieces still
leaves one); then the string literals of a stdlib `ast` parse, folded the way the rules fold
them but more generously: every binding of a name is tried, in any scope. A rule is skipped
only when no folded literal could satisfy its final check.
"""

from __future__ import annotations

import ast
import functools
import itertools
import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Optional

from credlint.chain import CREDENTIAL_VARIABLES
from credlint.secrets import (
    find_access_key_ids,
    is_documentation_example,
    looks_like_secret_access_key,
    looks_like_session_token,
)

# ref. detect-secrets AWSKeyDetector: the key id prefixes, as bytes, for comments and plain strings.
_KEY_ID_BYTES = re.compile(rb"(?:A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA)[0-9A-Z]{16}")
# Quoted, or next to an f-string brace: where a literal (piece of a) secret stands in source.
_QUOTED_BASE64_RUN = re.compile(rb"""["'}]([A-Za-z0-9/+=]{14,})["'{]""")
_DIGIT_OR_SYMBOL = re.compile(rb"[0-9/+]")
_UNKNOWN = "\0"
_MAX_COMBINATIONS = 32
_MAX_DEPTH = 6

ACCESS_KEY_ID = "access-key-id"
EXAMPLE_KEY = "example-key"
SECRET_ACCESS_KEY = "secret-access-key"
SESSION_TOKEN = "session-token"
ALL_KINDS = frozenset({ACCESS_KEY_ID, EXAMPLE_KEY, SECRET_ACCESS_KEY, SESSION_TOKEN})
CREDENTIAL_VARIABLE_NAMES = frozenset(CREDENTIAL_VARIABLES)


class FileProbe:
    """One file's bytes, with the cheap analyses rules' candidate checks share, each done once."""

    def __init__(self, source: bytes) -> None:
        self.source = source

    @functools.cached_property
    def has_random_looking_literal(self) -> bool:
        """A quoted run of base64 in both cases with a digit or symbol, as secrets and tokens have."""
        for match in _QUOTED_BASE64_RUN.finditer(self.source):
            run = match.group(1)
            if run.upper() != run and run.lower() != run and _DIGIT_OR_SYMBOL.search(run):
                return True
        return False

    @functools.cached_property
    def tree(self) -> Optional[ast.Module]:
        """The stdlib parse every candidate check shares; None when Python cannot parse the file,
        which every check then passes on to LibCST so that it reports what is wrong."""
        try:
            return ast.parse(self.source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None

    @functools.cached_property
    def names_credential_variable(self) -> bool:
        """Some folded string literal, or a keyword argument (`environ.update(AWS_ACCESS_KEY_ID=...)`),
        is AWS_ACCESS_KEY_ID or another variable of the env provider."""
        if self.tree is None:
            return True
        keywords = (node.arg for node in ast.walk(self.tree) if isinstance(node, ast.keyword))
        return any(name in CREDENTIAL_VARIABLE_NAMES for name in keywords) or any(
            text in CREDENTIAL_VARIABLE_NAMES for text in _folded_strings(self.tree)
        )

    @functools.cached_property
    def literal_kinds(self) -> frozenset[str]:
        """Which credential shapes some folded string literal of the file has."""
        return ALL_KINDS if self.tree is None else _kinds(_folded_strings(self.tree))


def _kinds(texts: Iterator[str]) -> frozenset[str]:
    kinds: set[str] = set()
    for text in texts:
        for match in find_access_key_ids(text):
            kinds.add(EXAMPLE_KEY if is_documentation_example(match.group()) else ACCESS_KEY_ID)
        if looks_like_secret_access_key(text):
            kinds.add(EXAMPLE_KEY if is_documentation_example(text) else SECRET_ACCESS_KEY)
        if looks_like_session_token(text):
            kinds.add(EXAMPLE_KEY if is_documentation_example(text) else SESSION_TOKEN)
        if kinds == ALL_KINDS:
            break
    return frozenset(kinds)


def _folded_strings(tree: ast.AST) -> Iterator[str]:
    bindings: dict[str, list[ast.expr]] = defaultdict(list)
    compound: list[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
            yield node.value.decode("latin-1") if isinstance(node.value, bytes) else node.value
        elif isinstance(node, ast.JoinedStr) or (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add)):
            compound.append(node)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                _bind(bindings, target, node.value)
        elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)) and node.value is not None:
            _bind(bindings, node.target, node.value)
    for node in compound:
        yield from _fold(node, bindings, 0)


def _bind(bindings: dict[str, list[ast.expr]], target: ast.expr, value: ast.expr) -> None:
    if isinstance(target, ast.Name):
        bindings[target.id].append(value)
    elif isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (ast.Tuple, ast.List)):
        for sub_target, sub_value in zip(target.elts, value.elts):
            _bind(bindings, sub_target, sub_value)


def _fold(node: ast.expr, bindings: dict[str, list[ast.expr]], depth: int) -> list[str]:
    """Every text a string expression may hold; unknown parts become a NUL that no key spans."""
    if depth > _MAX_DEPTH:
        return [_UNKNOWN]
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bytes):
            return [node.value.decode("latin-1")]
        return [node.value] if isinstance(node.value, str) else [_UNKNOWN]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _combine([_fold(node.left, bindings, depth + 1), _fold(node.right, bindings, depth + 1)])
    if isinstance(node, ast.JoinedStr):
        return _combine([_fold(value, bindings, depth + 1) for value in node.values])
    if isinstance(node, ast.FormattedValue) and node.format_spec is None and node.conversion == -1:
        return _fold(node.value, bindings, depth + 1)
    if isinstance(node, ast.Name) and node.id in bindings:
        return [text for value in bindings[node.id] for text in _fold(value, bindings, depth + 1)][:_MAX_COMBINATIONS]
    return [_UNKNOWN]


def _combine(parts: list[list[str]]) -> list[str]:
    return ["".join(combination) for combination in itertools.islice(itertools.product(*parts), _MAX_COMBINATIONS)]


def may_hold_access_key_id(probe: FileProbe) -> bool:
    return bool(_KEY_ID_BYTES.search(probe.source)) or ACCESS_KEY_ID in probe.literal_kinds


def may_hold_example_key(probe: FileProbe) -> bool:
    return EXAMPLE_KEY in probe.literal_kinds


def may_hold_secret_access_key(probe: FileProbe) -> bool:
    return probe.has_random_looking_literal and SECRET_ACCESS_KEY in probe.literal_kinds


def may_hold_session_token(probe: FileProbe) -> bool:
    return probe.has_random_looking_literal and SESSION_TOKEN in probe.literal_kinds


def may_write_environment(probe: FileProbe) -> bool:
    """CL201's writes all go through os.environ or os.putenv, and name a credential variable."""
    return (b"environ" in probe.source or b"putenv" in probe.source) and probe.names_credential_variable


# asyncio's create_subprocess_* hold b"subprocess" too.
_CHILD_STARTERS = (
    b"subprocess",
    b"execve",
    b"execvpe",
    b"execle",
    b"execlpe",
    b"spawnve",
    b"spawnvpe",
    b"spawnle",
    b"spawnlpe",
)


def may_start_child_with_environment(probe: FileProbe) -> bool:
    """CL203 needs a function that starts a child process, and a credential variable's name."""
    return any(name in probe.source for name in _CHILD_STARTERS) and probe.names_credential_variable


# An environment read reaches the SDK only through a credential parameter named in the file (a
# keyword, or a dict key spread with **), or by position: to a session, Credentials or
# set_credentials (key id first), or as a client's seventh argument or later.
# ref. credential_slots.SDK_PARAMETER_SLOTS and the signatures in checks/sdk.py.
_CREDENTIAL_PARAMETERS = frozenset(
    {"aws_access_key_id", "aws_secret_access_key", "aws_session_token", "access_key", "secret_key", "token"}
)
_POSITIONAL_CREDENTIAL_TAKERS = frozenset({"Session", "Credentials", "set_credentials"})
_CLIENT_FACTORIES = frozenset({"client", "resource", "create_client"})
_FIRST_POSITIONAL_CLIENT_CREDENTIAL = 7


def may_pass_env_credentials(probe: FileProbe) -> bool:
    """CL202 needs credentials given to the SDK by name, or enough positional arguments to do so."""
    tree = probe.tree
    if tree is None:
        return True
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if any(keyword.arg in _CREDENTIAL_PARAMETERS for keyword in node.keywords):
                return True
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name in _POSITIONAL_CREDENTIAL_TAKERS and node.args:
                return True
            if name in _CLIENT_FACTORIES and len(node.args) >= _FIRST_POSITIONAL_CLIENT_CREDENTIAL:
                return True
        elif isinstance(node, ast.Constant) and node.value in _CREDENTIAL_PARAMETERS:
            return True
    return False
