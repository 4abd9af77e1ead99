"""One module's facts for the project index, read from a stdlib `ast` parse.

Only what other modules can reach is kept: imports, module-level string constants, classes and
their bases, functions that build SDK clients from their parameters, the calls and credential
arguments that may reach another module's definitions, and whether the module may give its
clients a region from the environment.
"""

from __future__ import annotations

import ast
import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, TypeVar, Union

from credlint.lambda_handlers import is_lambda_handler
from credlint.prefilter import FileProbe, walk_tree
from credlint.project.environment_reads import EnvironmentRead, constant_read, settings_fields
from credlint.project.module_names import ModuleName, dotted, imported_module

CLIENT_METHODS = frozenset({"client", "resource"})
# ref. analysis/credential_slots.py SDK_PARAMETER_SLOTS, the boto3 spelling (that module imports LibCST).
SDK_CREDENTIAL_PARAMETERS = frozenset({"aws_access_key_id", "aws_secret_access_key", "aws_session_token"})
# What may put a region in the process environment (region/rule_base.py reads them in one module):
# a write of AWS_DEFAULT_REGION or of an unknown variable, a dotenv load, the default session.
REGION_SETTERS = frozenset({"load_dotenv", "read_env", "setup_default_session", "putenv", "setenv"})
ENVIRON_SETTERS = frozenset({"setdefault", "update"})
REGION_VARIABLE = "AWS_DEFAULT_REGION"

# A service name as botocore spells them ("s3", "dynamodb", "sso-oidc"): the only text of a call site
# an explanation quotes, so nothing else written there (a key passed by mistake) is ever printed.
_SERVICE_NAME = re.compile(r"[a-z][a-z0-9-]*")

# Words of the retry libraries' callables that take a predicate: tenacity's retry and
# retry_if_exception, backoff's on_exception, retrying's Retrying, the retry package's retry_call.
_RETRY_LIBRARY_WORDS = ("retry", "on_exception", "on_predicate")

FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef]
Scope = TypeVar("Scope", ast.ClassDef, FunctionNode)

DIGEST_LENGTH = 16
REQUIRED = "required"
DEFAULT_NONE = "none"
DEFAULT_VALUE = "value"


@dataclass(frozen=True)
class Factory:
    """A function whose client call takes its service or region from the function's parameters."""

    qualname: str  # "make_client", or "Helper.client" for a method
    line: int  # the client call
    positional: tuple[str, ...]  # parameters that take positional arguments, self left out
    defaults: tuple[tuple[str, str, Optional[str]], ...]  # (parameter, REQUIRED/DEFAULT_*, a string default)
    service_parameter: str  # "" when the service is written in the call
    service: Optional[str]  # the written service, when it is
    region_parameter: str  # "" when the call is given no region at all
    forwards_keywords: bool  # **kwargs of the function go on to the client call

    def same_sources(self, other: Factory) -> bool:
        """Whether another client call takes its service and region the way this one does."""
        mine = (self.service_parameter, self.service, self.region_parameter, self.forwards_keywords)
        return mine == (other.service_parameter, other.service, other.region_parameter, other.forwards_keywords)

    def default_of(self, parameter: str) -> tuple[str, Optional[str]]:
        for name, kind, text in self.defaults:
            if name == parameter:
                return kind, text
        return REQUIRED, None


@dataclass(frozen=True)
class CallOf:
    """A call that may reach a factory of another module (or this one)."""

    node: ast.Call
    callee: str  # "make_client", "aws.make_client", "self.client"; on an instance, "Clients().client"
    enclosing_class: Optional[str]
    written: str  # the callee as written: "clients.client" for an instance's method too


@dataclass(frozen=True)
class CredentialArgument:
    """A name or attribute passed to an SDK credential parameter: maybe another module's constant."""

    parameter: str
    value: str  # as written: "KEY", "settings.KEY"
    link: str
    target: str
    line: int


@dataclass
class ModuleSummary:
    name: ModuleName
    imports: dict[str, tuple[str, Optional[str]]] = field(default_factory=dict)  # local -> (module, attribute)
    constants: dict[str, tuple[int, str]] = field(default_factory=dict)  # string constants: line, text
    bound: set[str] = field(default_factory=set)  # names assigned at module level
    functions: dict[str, tuple[int, int]] = field(default_factory=dict)  # first (decorators too) and last line
    env_reads: dict[str, EnvironmentRead] = field(default_factory=dict)  # constants read from os.environ
    settings_classes: dict[str, dict[str, EnvironmentRead]] = field(default_factory=dict)  # pydantic-settings
    instances: dict[str, str] = field(default_factory=dict)  # `settings = Settings()`: name -> class
    classes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # class -> its bases as written
    methods: dict[str, frozenset[str]] = field(default_factory=dict)  # class -> the methods it defines
    factories: dict[str, Factory] = field(default_factory=dict)
    calls: list[CallOf] = field(default_factory=list)
    credential_arguments: list[CredentialArgument] = field(default_factory=list)
    credential_arguments_read: bool = False
    # Imported names (or their attributes) a client call takes as its service: line, name.
    imported_services: list[tuple[int, str]] = field(default_factory=list)
    # Imported names a retry may take as its predicate: called in an except clause with the error,
    # or given to a retry library (`retry=retry_if_exception(is_retryable)`).
    imported_predicates: set[str] = field(default_factory=set)


def function_digest(source: bytes, first: int, last: int) -> str:
    """A short digest of a function's text, lines first to last: its users' cached results
    follow its edits."""
    return hashlib.sha256(b"\n".join(source.splitlines()[first - 1 : last])).hexdigest()[:DIGEST_LENGTH]


def module_function_digest(source: bytes, name: str) -> Optional[str]:
    """The digest of the module-level function called name, None when there is none."""
    tree = FileProbe(source).tree
    summary = summarise(tree, ModuleName("", Path(), False)) if tree is not None else None
    lines = summary.functions.get(name) if summary is not None else None
    return function_digest(source, *lines) if lines is not None else None


def is_service_name(text: str) -> bool:
    return bool(_SERVICE_NAME.fullmatch(text))


def summarise(tree: ast.Module, name: ModuleName, client_lines: frozenset[int] = frozenset()) -> ModuleSummary:
    """The module's definitions, with the factories among the functions that hold client_lines
    (where client calls may be); its calls are read later, once the project's factories are known."""
    summary = ModuleSummary(name)
    for statement in tree.body:
        _read_statement(summary, statement, client_lines)
    return summary


def _method_of(call: ast.Call) -> Optional[str]:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None


def _read_statement(summary: ModuleSummary, statement: ast.stmt, client_lines: frozenset[int]) -> None:
    """One module-level statement; client_lines: where client calls are, to look for factories."""
    if isinstance(statement, ast.Import):
        for alias in statement.names:
            if alias.asname:
                summary.imports[alias.asname] = (alias.name, None)
            else:
                top = alias.name.split(".")[0]
                summary.imports[top] = (top, None)
    elif isinstance(statement, ast.ImportFrom):
        module = imported_module(summary.name, statement)
        if module is not None:
            for alias in statement.names:
                summary.imports[alias.asname or alias.name] = (module, alias.name)
    elif isinstance(statement, (ast.Assign, ast.AnnAssign)):
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        text = _string(statement.value, summary.constants) if statement.value is not None else None
        read = constant_read(statement.value) if statement.value is not None else None
        made = _settings_made(summary, statement.value)
        for target in (target for target in targets if isinstance(target, ast.Name)):
            if made is not None and target.id not in summary.bound:
                summary.instances[target.id] = made
            else:
                summary.instances.pop(target.id, None)
            if read is not None and target.id not in summary.bound:
                summary.env_reads[target.id] = EnvironmentRead(statement.lineno, *read)
            else:
                summary.env_reads.pop(target.id, None)
            if text is not None and target.id not in summary.bound:
                summary.constants[target.id] = (statement.lineno, text)
            else:
                summary.constants.pop(target.id, None)  # bound twice: no constant
            summary.bound.add(target.id)
    elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
        first = min([statement.lineno, *(decorator.lineno for decorator in statement.decorator_list)])
        summary.functions[statement.name] = (first, statement.end_lineno or statement.lineno)
        if _holds_line(statement, client_lines):
            _note_factory(summary, statement, statement.name, method=False)
    elif isinstance(statement, ast.ClassDef):
        summary.classes[statement.name] = tuple(text for base in statement.bases if (text := dotted(base)))
        fields = settings_fields(statement)
        if fields is not None:
            summary.settings_classes[statement.name] = fields
        members = [member for member in statement.body if isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef))]
        summary.methods[statement.name] = frozenset(member.name for member in members)
        for member in (member for member in members if _holds_line(member, client_lines)):
            static = any(dotted(decorator) == "staticmethod" for decorator in member.decorator_list)
            _note_factory(summary, member, f"{statement.name}.{member.name}", method=not static)
    elif isinstance(statement, (ast.If, ast.Try)):
        for inner in [*statement.body, *statement.orelse]:  # `if TYPE_CHECKING:`, `try: import ...`
            _read_statement(summary, inner, client_lines)


def _settings_made(summary: ModuleSummary, value: Optional[ast.expr]) -> Optional[str]:
    """The settings class a module-level value is made of with no arguments: `Settings()`."""
    if isinstance(value, ast.Call) and not value.args and not value.keywords and isinstance(value.func, ast.Name):
        return value.func.id if value.func.id in summary.settings_classes else None
    return None


def _holds_line(node: ast.stmt, lines: frozenset[int]) -> bool:
    end = node.end_lineno or node.lineno
    return any(node.lineno <= line <= end for line in lines)


def _string(node: ast.expr, constants: dict[str, tuple[int, str]]) -> Optional[str]:
    """A string constant's text: a literal, a concatenation, or an earlier constant's name."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _string(node.left, constants), _string(node.right, constants)
        return left + right if left is not None and right is not None else None
    if isinstance(node, ast.Name) and node.id in constants:
        return constants[node.id][1]
    return None


def _note_factory(summary: ModuleSummary, function: FunctionNode, qualname: str, *, method: bool) -> None:
    arguments = function.args
    positional = [arg.arg for arg in [*arguments.posonlyargs, *arguments.args]]
    if method:
        positional = positional[1:]
    defaults = _defaults(arguments)
    parameters = {*positional, *(arg.arg for arg in arguments.kwonlyargs)}
    keywords_parameter = arguments.kwarg.arg if arguments.kwarg is not None else None
    found = [
        _factory_call(call, qualname, tuple(positional), defaults, parameters, keywords_parameter)
        for call in _own_calls(function)
        if _method_of(call) in CLIENT_METHODS
    ]
    # Every client call must take its service and region the same way: a branch that gives a
    # region of its own (`if region is None: ...`) decides what the call sites get.
    factories = [factory for factory in found if factory is not None]
    if factories and len(factories) == len(found) and all(factory.same_sources(factories[0]) for factory in factories):
        summary.factories[qualname] = min(factories, key=lambda factory: factory.line)


def _defaults(arguments: ast.arguments) -> tuple[tuple[str, str, Optional[str]], ...]:
    positional = [*arguments.posonlyargs, *arguments.args]
    given = [None] * (len(positional) - len(arguments.defaults)) + list(arguments.defaults)
    pairs = [*zip(positional, given), *zip(arguments.kwonlyargs, arguments.kw_defaults)]
    found: list[tuple[str, str, Optional[str]]] = []
    for arg, default in pairs:
        if default is None:
            found.append((arg.arg, REQUIRED, None))
        elif isinstance(default, ast.Constant) and default.value is None:
            found.append((arg.arg, DEFAULT_NONE, None))
        else:
            text = default.value if isinstance(default, ast.Constant) and isinstance(default.value, str) else None
            found.append((arg.arg, DEFAULT_VALUE, text))
    return tuple(found)


def _own_calls(function: FunctionNode) -> Iterator[ast.Call]:
    """The calls in a function's body, not in the functions and classes defined inside it."""
    pending: list[ast.AST] = list(function.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.Call):
            yield node
        pending.extend(ast.iter_child_nodes(node))


def _factory_call(
    call: ast.Call,
    qualname: str,
    positional: tuple[str, ...],
    defaults: tuple[tuple[str, str, Optional[str]], ...],
    parameters: set[str],
    keywords_parameter: Optional[str],
) -> Optional[Factory]:
    """The factory a client call makes of its function, when its service or region is a parameter."""
    values: dict[str, ast.expr] = {}
    forwards = False
    for index, arg in enumerate(call.args):
        if isinstance(arg, ast.Starred):
            return None
        values[("service_name", "region_name")[index] if index < 2 else f"#{index}"] = arg
    for keyword in call.keywords:
        if keyword.arg is None:
            if not (isinstance(keyword.value, ast.Name) and keyword.value.id == keywords_parameter):
                return None
            forwards = True
        else:
            values[keyword.arg] = keyword.value
    service = values.get("service_name")
    region = values.get("region_name")
    service_parameter = service.id if isinstance(service, ast.Name) and service.id in parameters else ""
    written = service.value if isinstance(service, ast.Constant) and isinstance(service.value, str) else None
    if not service_parameter and written is None:
        return None
    region_parameter = region.id if isinstance(region, ast.Name) and region.id in parameters else ""
    if region is not None and not region_parameter:
        return None
    if not service_parameter and not region_parameter and not forwards:
        return None  # a written service and no region: the client call itself is reported
    if "config" in values:
        return None
    line = call.lineno
    return Factory(qualname, line, positional, defaults, service_parameter, written, region_parameter, forwards)


def read_uses(summary: ModuleSummary, tree: ast.Module, callee_names: frozenset[str]) -> None:
    """The calls whose callee ends in one of callee_names, and the names passed as credentials.
    A method called on an instance is written with its class: `Clients().client`."""
    nodes = list(walk_tree(tree))
    classes = [node for node in nodes if isinstance(node, ast.ClassDef)]
    functions = [node for node in nodes if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    instances: dict[Optional[FunctionNode], dict[str, Optional[str]]] = {}
    for call in (node for node in nodes if isinstance(node, ast.Call)):
        written = callee = dotted(call.func)
        if isinstance(call.func, ast.Attribute) and call.func.attr in callee_names:
            receiver = call.func.value
            made = dotted(receiver.func) if isinstance(receiver, ast.Call) else None
            if isinstance(receiver, ast.Name):
                made = _instance_of(instances, (_innermost(functions, call.lineno), None), tree, receiver.id)
            if made is not None:
                callee = f"{made}().{call.func.attr}"  # Clients().client("sqs"), clients.client("sqs")
        if callee is not None and callee.rpartition(".")[2] in callee_names:
            enclosing = _innermost(classes, call.lineno)
            summary.calls.append(CallOf(call, callee, enclosing.name if enclosing else None, written or callee))
        if call.keywords and not summary.credential_arguments_read:
            _note_credential_arguments(summary, call, dotted(call.func))
    summary.credential_arguments_read = True


def _instance_of(
    instances: dict[Optional[FunctionNode], dict[str, Optional[str]]],
    scopes: tuple[Optional[FunctionNode], None],
    tree: ast.Module,
    name: str,
) -> Optional[str]:
    """What a name read in a function holds when it is an instance (`clients = Clients()`): bound
    in the function, or else at module level. Scopes: the function (None at module level), then
    the module."""
    for scope in scopes:
        if scope not in instances:
            instances[scope] = _instances(scope or tree)
        if name in instances[scope]:
            return instances[scope][name]
    return None


def _instances(scope: Union[ast.Module, FunctionNode]) -> dict[str, Optional[str]]:
    """The names a scope binds: to what a call of a named callable made when bound once so
    (`clients = Clients()`), to None when bound any other way, or twice."""
    made: dict[str, str] = {}
    stores: dict[str, int] = {}
    pending: list[ast.AST] = list(scope.body)
    if not isinstance(scope, ast.Module):
        arguments = scope.args
        for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
            stores[arg.arg] = 2
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            stores[node.id] = stores.get(node.id, 0) + 1
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            callee = dotted(node.value.func) if isinstance(node.value, ast.Call) else None
            if callee is not None:
                made[node.targets[0].id] = callee
        pending.extend(ast.iter_child_nodes(node))
    return {name: made.get(name) if count == 1 else None for name, count in stores.items()}


def read_imports_used(
    summary: ModuleSummary, tree: ast.Module, *, services: bool, predicates: bool, credentials: bool
) -> None:
    """In one walk of a checked module, the imported names it uses where another module's value
    decides its findings: as a client's service (`boto3.client(SERVICE)`), as a retry's predicate
    (called in an except clause with the caught error, or given to a retry library), and as a
    credential argument (services, predicates, credentials: which of them its bytes may hold)."""
    credentials = credentials and not summary.credential_arguments_read
    summary.credential_arguments_read |= credentials
    if not (services or predicates or credentials):
        return
    for node in walk_tree(tree):
        if predicates and isinstance(node, ast.ExceptHandler) and node.name is not None:
            for call in (inner for inner in ast.walk(node) if isinstance(inner, ast.Call)):
                if any(node.name in _names_in(arg) for arg in [*call.args, *(k.value for k in call.keywords)]):
                    _note_imported(summary, call.func)
        if not isinstance(node, ast.Call):
            continue
        if services and _method_of(node) in CLIENT_METHODS:
            _note_imported_service(summary, node)
        if predicates and _is_retry_library_call(node):
            for value in [*node.args, *(keyword.value for keyword in node.keywords)]:
                _note_imported(summary, value)
        if credentials and node.keywords:
            _note_credential_arguments(summary, node, dotted(node.func))


def _note_imported_service(summary: ModuleSummary, call: ast.Call) -> None:
    first = call.args[0] if call.args else None
    named = [keyword.value for keyword in call.keywords if keyword.arg == "service_name"]
    service = first if first is not None and not isinstance(first, ast.Starred) else next(iter(named), None)
    written = dotted(service) if service is not None else None
    if written is not None and written.partition(".")[0] in summary.imports:
        summary.imported_services.append((call.lineno, written))


def _names_in(node: ast.expr) -> set[str]:
    return {inner.id for inner in ast.walk(node) if isinstance(inner, ast.Name)}


def _is_retry_library_call(call: ast.Call) -> bool:
    callee = (dotted(call.func) or "").rpartition(".")[2].lower()
    return any(word in callee for word in _RETRY_LIBRARY_WORDS)


def _note_imported(summary: ModuleSummary, node: ast.expr) -> None:
    written = dotted(node)
    if written is not None and written.partition(".")[0] in summary.imports:
        summary.imported_predicates.add(written)


def _innermost(nodes: Sequence[Scope], line: int) -> Optional[Scope]:
    """The class or function whose body holds the line, the innermost when they nest."""
    holding = [node for node in nodes if node.lineno <= line <= (node.end_lineno or node.lineno)]
    return max(holding, key=lambda node: node.lineno) if holding else None


def _note_credential_arguments(summary: ModuleSummary, call: ast.Call, callee: Optional[str]) -> None:
    for keyword in call.keywords:
        if keyword.arg not in SDK_CREDENTIAL_PARAMETERS:
            continue
        value = dotted(keyword.value)
        if value is None or callee is None:
            continue
        link = "session" if callee.rpartition(".")[2].endswith("Session") else "explicit"
        service = call.args[0] if call.args and link == "explicit" else None
        written = service.value if isinstance(service, ast.Constant) and isinstance(service.value, str) else None
        target = f"{callee}({written!r})" if written and is_service_name(written) else f"{callee}(...)"
        summary.credential_arguments.append(CredentialArgument(keyword.arg, value, link, target, call.lineno))


def may_set_region(tree: ast.Module) -> bool:
    """Whether the module may put a region into its environment, or runs where Lambda does:
    judged loosely, as a call site in such a module is never reported."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and node.value == REGION_VARIABLE:
            return True
        if isinstance(node, ast.Call):
            callee = dotted(node.func) or ""
            method = callee.rpartition(".")[2]
            if method in REGION_SETTERS or (method in ENVIRON_SETTERS and "environ" in callee):
                return True
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, ast.Store)
            and "environ" in (dotted(node.value) or "")
        ):
            return True  # os.environ[name] = ...: a variable credlint cannot name here
    return any(is_lambda_handler(statement) for statement in tree.body)
