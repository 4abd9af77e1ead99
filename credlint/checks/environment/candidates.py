"""The cheap candidate pass for the env-shadowing rules that read Python (CL201-CL203)."""

from __future__ import annotations

import ast
import re

from credlint.analysis.folded_strings import folded_strings
from credlint.chain import CREDENTIAL_VARIABLES
from credlint.prefilter import FileProbe
from credlint.slicing import lines_matching

CREDENTIAL_VARIABLE_NAMES = frozenset(CREDENTIAL_VARIABLES)


def names_credential_variable(probe: FileProbe) -> bool:
    """Some folded string literal, or a keyword argument (`environ.update(AWS_ACCESS_KEY_ID=...)`),
    is AWS_ACCESS_KEY_ID or another variable of the env provider."""
    if probe.tree is None:
        return True
    keywords = (node.arg for node in probe.nodes(ast.keyword))
    return any(name in CREDENTIAL_VARIABLE_NAMES for name in keywords) or any(
        text in CREDENTIAL_VARIABLE_NAMES for text in folded_strings(probe)
    )


def may_write_environment(probe: FileProbe) -> bool:
    """CL201's writes all go through os.environ or os.putenv, and name a credential variable."""
    return (b"environ" in probe.source or b"putenv" in probe.source) and probe.once(names_credential_variable)


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
    return any(name in probe.source for name in _CHILD_STARTERS) and probe.once(names_credential_variable)


# An environment read reaches the SDK only through a credential parameter named in the file (a
# keyword, or a dict key spread with **), or by position: to a session, Credentials or
# set_credentials (key id first), or as a client's seventh argument or later.
# ref. analysis/credential_slots.py SDK_PARAMETER_SLOTS and the signatures in analysis/sdk.py.
_CREDENTIAL_PARAMETERS = frozenset(
    {"aws_access_key_id", "aws_secret_access_key", "aws_session_token", "access_key", "secret_key", "token"}
)
_POSITIONAL_CREDENTIAL_TAKERS = frozenset({"Session", "Credentials", "set_credentials"})
_CLIENT_FACTORIES = frozenset({"client", "resource", "create_client"})
_FIRST_POSITIONAL_CLIENT_CREDENTIAL = 7


def may_pass_env_credentials(probe: FileProbe) -> bool:
    """CL202 needs credentials given to the SDK by name, or enough positional arguments to do so."""
    return probe.tree is None or bool(probe.once(lines_giving_credentials))


def lines_giving_credentials(probe: FileProbe) -> frozenset[int]:
    """Where a CL202 finding can start: each call or name that may give the SDK credentials."""
    givers: list[ast.Call | ast.Constant] = [*probe.nodes(ast.Call), *probe.nodes(ast.Constant)]
    return frozenset(node.lineno for node in givers if _may_give_credentials(node))


def _may_give_credentials(node: ast.Call | ast.Constant) -> bool:
    if isinstance(node, ast.Call):
        if any(keyword.arg in _CREDENTIAL_PARAMETERS for keyword in node.keywords):
            return True
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name in _POSITIONAL_CREDENTIAL_TAKERS and node.args:
            return True
        return name in _CLIENT_FACTORIES and len(node.args) >= _FIRST_POSITIONAL_CLIENT_CREDENTIAL
    return isinstance(node, ast.Constant) and node.value in _CREDENTIAL_PARAMETERS


# What may read the environment (env_reads.py), judged loosely: os.environ, getenv, dotenv_values,
# or any call given a variable's name (decouple's `config("AWS_KEY")`, `env.str("AWS_KEY")`).
_READER_NAMES = frozenset({"environ", "getenv", "dotenv_values"})
_VARIABLE_NAME = re.compile(r"[A-Z][A-Z0-9_]*")


def attributes_followed(probe: FileProbe) -> frozenset[str]:
    """The attributes CL202 may follow a credential through into a method (`self.key` set in
    `__init__`, a property): slicing keeps the methods that set them or are named so. Judged
    loosely: the attribute chains read where credentials are given (in the function that gives
    them, or a module function it calls) that hold an attribute a method sets from the
    environment, or a property reading such an attribute is named: each whole chain, since
    `self.settings.secret` needs what `self.settings` holds too."""
    chains = _attribute_chains_where_credentials_are_given(probe)
    from_environment = _attributes_from_environment(probe) if chains else set()
    return frozenset(name for chain in chains if from_environment.intersection(chain) for name in chain)


def _attribute_chains_where_credentials_are_given(probe: FileProbe) -> set[tuple[str, ...]]:
    tree = probe.tree
    if tree is None:
        return set()
    functions = {node.name: node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    scopes: list[ast.AST] = [*probe.nodes(ast.FunctionDef), *probe.nodes(ast.AsyncFunctionDef)]
    read: dict[int, ast.AST] = {}  # each function (or module-level call) read once, however many calls it gives
    for call in (node for node in probe.nodes(ast.Call) if _may_give_credentials(node)):
        holding = [scope for scope in scopes if _holds(scope, call)]
        enclosing = max(holding, key=lambda scope: getattr(scope, "lineno", 0)) if holding else call
        read[id(enclosing)] = enclosing
    for enclosing in list(read.values()):
        for node in ast.walk(enclosing):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in functions:
                helper = functions[node.func.id]
                read[id(helper)] = helper
    return {_chain(node) for scope in read.values() for node in ast.walk(scope) if isinstance(node, ast.Attribute)}


def _chain(node: ast.Attribute) -> tuple[str, ...]:
    """The attribute names of `a.b.c`, outermost last."""
    names: list[str] = []
    current: ast.expr = node
    while isinstance(current, ast.Attribute):
        names.insert(0, current.attr)
        current = current.value
    return tuple(names)


def _holds(scope: ast.AST, node: ast.expr) -> bool:
    first, last = getattr(scope, "lineno", 0), getattr(scope, "end_lineno", 0) or 0
    return first <= node.lineno <= last


def _attributes_from_environment(probe: FileProbe) -> set[str]:
    """Attributes a method sets where the environment may be read, and properties (or any method
    setting attributes) reading those, until nothing changes."""
    methods = [
        member
        for owner in probe.nodes(ast.ClassDef)
        for member in owner.body
        if isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]
    found: set[str] = set()
    reading = {id(method) for method in methods if any(_may_read_environment(node) for node in ast.walk(method))}
    changed = True
    while changed:
        changed = False
        for method in methods:
            nodes = list(ast.walk(method))
            if id(method) not in reading and not any(
                isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load) and node.attr in found
                for node in nodes
            ):
                continue
            stored = {
                node.attr for node in nodes if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
            }
            named = {method.name} if method.decorator_list else set()
            if not (stored | named) <= found:
                found |= stored | named
                changed = True
    return found


def _may_read_environment(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute):
        return node.attr in _READER_NAMES
    if isinstance(node, ast.Name):
        return node.id in _READER_NAMES
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
        return isinstance(node.args[0].value, str) and bool(_VARIABLE_NAME.fullmatch(node.args[0].value))
    return False


# CL201 and CL203 write the environment, or a child's, through these words or a constant of the
# module that names a variable (`AWS_...`); statements that merely alias os.environ are seeds too,
# so that the definitions using the alias are kept.
_ENVIRONMENT_WORDS = re.compile(rb"environ|putenv|getenv|AWS_|" + b"|".join(_CHILD_STARTERS))


def lines_touching_environment(probe: FileProbe) -> frozenset[int]:
    """Where a CL201 or CL203 finding can start."""
    return frozenset(lines_matching(probe, _ENVIRONMENT_WORDS))
