"""The cheap candidate pass for the region rules: could this file create a client with no region?

Region rules need a LibCST parse and the module's bindings, which cost several `ast` parses, and
most AWS code passes a region to every client. Two stages decide, each judging more loosely than the rules so
that a skipped file never holds a finding:

1. bytes: every `client(`/`resource(`/`create_client(` call whose arguments are read with a small
   bracket- and string-aware scanner and hold a region that surely carries a value (a string, an
   expression, or a name never bound to None or to another name) cannot be reported. A file with
   only such calls is skipped without any parse; on the first other call, or anything the scanner
   is unsure of, stage 2 decides.
2. a stdlib `ast` walk: any call named client/resource/create_client (on a name or a call, as SDK
   calls are written, or an alias imported from boto3) with a service that may fold to a string,
   no `*args`, no region argument that surely carries a value, and no `config=` call that
   carries one.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Optional, Union

from credlint.lambda_handlers import is_lambda_handler
from credlint.prefilter import FileProbe
from credlint.slicing import lines_matching

CLIENT_METHODS = frozenset({"client", "resource", "create_client"})
# ref. credlint/analysis/sdk.py CLIENT_FACTORIES: the module-level factories that can be imported alone.
FACTORY_MODULES = frozenset({"boto3"})
REGION_POSITION = 1  # ref. sdk.py CLIENT_PARAMETERS: service_name, region_name, ...
MAX_ARGUMENTS_BYTES = 4096
# What may give every client of a module its region (region/rule_base.py ModuleRegionFacts): an
# environment write or load, the default session, a session's config, a NoRegionError handler.
_MODULE_REGION_WORDS = re.compile(
    rb"environ|putenv|setenv|load_dotenv|read_env|setup_default_session|set_config_variable|"
    rb"set_default_client_config|DEFAULT_SESSION|NoRegionError|Chalice"
)

# create_client ends with "client": finding these words finds every method of CLIENT_METHODS.
_METHOD_WORDS = (b"client", b"resource")
_CREATE_PREFIX = b"create_"
# ref. Python grammar: `from boto3 import client as make` makes an alias the bytes cannot follow
# (also inside parentheses or after a backslash continuation).
_FACTORY_IMPORT = re.compile(rb"from\s+boto3\s+import\b(?:[^\n]*\b(?:client|resource)\b|\s*\(|[^\n]*\\\r?\n)")
# ref. Python lexical analysis: string literal prefixes (r, b, u, f and pairs) then a quote.
_STRING_START = re.compile(rb"[rRbBuUfF]{0,2}['\"]")
_IDENTIFIER = re.compile(rb"[A-Za-z_]\w*")
_REGION_KEYWORD = re.compile(rb"region_name\s*=(?!=)\s*")
_CONFIG_CALL = re.compile(rb"config\s*=(?!=)\s*[A-Za-z_][\w.]*\s*\(")
# What follows an assignment target: an optional annotation, `=` (not `==`), then the value.
_ASSIGNED_VALUE = re.compile(rb"[ \t]*(?::[^=\n]*)?(?<![=!<>])=(?!=)[ \t]*(?P<value>[^\n#]*)")
# A line that starts with a target list holding a comma, then `=`: an unpacking assignment.
_UNPACKING_ASSIGNMENT = re.compile(rb"[ \t]*(?P<targets>[\w \t.*()\[\]]*,[\w \t,.*()\[\]]*)(?<![=!<>])=(?!=)")
# The bytes where the argument scanner has something to decide.
_SCANNER_STOP = re.compile(rb"[\"'#()\[\]{},]")


def may_create_client_without_region(probe: FileProbe) -> bool:
    return probe.once(_has_candidate_call)  # every rule of the family asks about the same file


def _has_candidate_call(probe: FileProbe) -> bool:
    source = probe.source
    names = _NamesBoundToNone(source)
    if not _FACTORY_IMPORT.search(source) and all(
        _surely_has_region(source, start, names) for start in _call_openings(source)
    ):
        return False
    return probe.tree is None or bool(probe.once(lines_of_clients))


# --- Stage 1: bytes ------------------------------------------------------------------------------


def _call_openings(source: bytes) -> Iterator[int]:
    """Where the arguments start of every call of client/resource/create_client (not of a `def`).

    bytes.find rather than one regex: the words are frequent and a regex tried at every position
    of every file costs more than this whole stage.
    """
    for word in _METHOD_WORDS:
        found = source.find(word)
        while found >= 0:
            start = found
            if word == b"client" and source.endswith(_CREATE_PREFIX, 0, found):
                start = found - len(_CREATE_PREFIX)
            after = found + len(word)
            while source[after : after + 1] in (b" ", b"\t"):
                after += 1
            before = source[start - 1 : start] if start else b""
            is_name = not (before.isalnum() or before == b"_")
            if is_name and source[after : after + 1] == b"(" and not source.endswith(b"def ", 0, start):
                yield after + 1
            found = source.find(word, found + 1)


def _surely_has_region(source: bytes, start: int, names: _NamesBoundToNone) -> bool:
    """Whether the call whose arguments start at `start` can never be reported: a region that surely
    carries a value, or `*args`. False when unsure."""
    arguments = _top_level_arguments(source, start)
    if arguments is None:
        return False
    if any(argument.startswith(b"*") and not argument.startswith(b"**") for argument in arguments):
        return True  # *args: an unknown region, never reported
    positional = [argument for argument in arguments if not _is_keyword_argument(argument)]
    for argument in arguments:
        keyword = _REGION_KEYWORD.match(argument)
        if keyword is not None:
            return _surely_a_value(argument[keyword.end() :], names)
    if len(positional) > REGION_POSITION and not positional[0].startswith(b"*"):
        return _surely_a_value(positional[REGION_POSITION], names)
    return any(_config_with_region(argument, names) for argument in arguments)


def _config_with_region(argument: bytes, names: _NamesBoundToNone) -> bool:
    """config=SomeCall(..., region_name=value, ...): a Config with a region, or a call the rules
    cannot see through; either way never reported."""
    keyword = _CONFIG_CALL.match(argument)
    if keyword is None:
        return False
    inner = _top_level_arguments(argument, keyword.end())
    return inner is not None and any(
        region is not None and _surely_a_value(argument_text[region.end() :], names)
        for argument_text in inner
        for region in [_REGION_KEYWORD.match(argument_text)]
    )


def _is_keyword_argument(argument: bytes) -> bool:
    name = _IDENTIFIER.match(argument)
    rest = argument[name.end() :].lstrip() if name is not None else b""
    return rest.startswith(b"=") and not rest.startswith(b"==")


def _surely_a_value(value: bytes, names: _NamesBoundToNone) -> bool:
    """A region expression that is not None and cannot be a name bound to None."""
    value = value.strip()
    while value.startswith(b"(") and value.endswith(b")"):
        value = value[1:-1].strip()
    if not value or value == b"None" or value.startswith(b"**"):
        return False
    if _STRING_START.match(value):
        return True
    name = _IDENTIFIER.fullmatch(value)
    if name is None:
        return True  # an attribute, call, subscript or operation: the rules count it as a region
    return not names.may_be_none(value)


class _NamesBoundToNone:
    """Answers, once per name, whether a file may assign that name None or another name (loosely)."""

    def __init__(self, source: bytes) -> None:
        self.source = source
        self.known: dict[bytes, bool] = {}

    def may_be_none(self, name: bytes) -> bool:
        if name not in self.known:
            self.known[name] = any(self._may_bind(name, found) for found in _occurrences(self.source, name))
        return self.known[name]

    def _may_bind(self, name: bytes, found: int) -> bool:
        """Whether this occurrence of name is an assignment target whose value may be None."""
        source = self.source
        line_start = source.rfind(b"\n", 0, found) + 1
        line_end = source.find(b"\n", found)
        before = source[line_start:found].rstrip()
        after = source[found + len(name) : line_end if line_end >= 0 else len(source)]
        if after.lstrip().startswith(b":="):
            return True
        # ref. Python grammar: NAME = value, NAME: T = value, A = NAME = value, x; NAME = value,
        # if x: NAME = value.
        assignment = _ASSIGNED_VALUE.match(after)
        if assignment is not None and (not before or before.endswith((b";", b"=", b":"))):
            value = assignment.group("value").strip()
            return not value or value == b"None" or value[:1] in (b"(", b"\\") or bool(_IDENTIFIER.fullmatch(value))
        # ref. Python grammar: unpacking targets (A, NAME = ..., [NAME, *rest] = ...).
        unpacking = _UNPACKING_ASSIGNMENT.match(source, line_start, line_end if line_end >= 0 else len(source))
        return unpacking is not None and name in _IDENTIFIER.findall(unpacking.group("targets"))


def _occurrences(source: bytes, name: bytes) -> Iterator[int]:
    """Where name occurs as a whole word."""
    found = source.find(name)
    while found >= 0:
        before = source[found - 1 : found] if found else b""
        after = source[found + len(name) : found + len(name) + 1]
        if not (before.isalnum() or before == b"_") and not (after.isalnum() or after == b"_"):
            yield found
        found = source.find(name, found + 1)


def _top_level_arguments(source: bytes, start: int) -> Optional[list[bytes]]:
    """The arguments of a call as written, split at top-level commas, comments dropped; None when
    the scanner is unsure (too long, unbalanced, or end of file)."""
    arguments: list[bytes] = []
    current = bytearray()
    depth = 0
    index = start
    end = min(len(source), start + MAX_ARGUMENTS_BYTES)
    while True:
        found = _SCANNER_STOP.search(source, index, end)
        if found is None:
            return None
        current += source[index : found.start()]
        index = found.start()
        char = found.group()
        if char in (b"'", b'"'):
            closing = _string_end(source, index, end)
            if closing is None:
                return None
            current += source[index:closing]
            index = closing
            continue
        if char == b"#":
            newline = source.find(b"\n", index, end)
            if newline < 0:
                return None
            index = newline
            continue
        index += 1
        if char in b"([{":
            depth += 1
        elif char in b")]}" and depth == 0:
            if current.strip():
                arguments.append(bytes(current).strip())
            return arguments
        elif char in b")]}":
            depth -= 1
        elif depth == 0:  # a comma between arguments
            arguments.append(bytes(current).strip())
            current = bytearray()
            continue
        current += char


def _string_end(source: bytes, start: int, end: int) -> Optional[int]:
    """The index after the string literal that starts at `start` (single or triple quoted)."""
    quote = source[start : start + 3] if source[start : start + 3] in (b"'''", b'"""') else source[start : start + 1]
    index = start + len(quote)
    while index < end:
        if source[index : index + 1] == b"\\":
            index += 2
            continue
        if source.startswith(quote, index):
            return index + len(quote)
        if len(quote) == 1 and source[index : index + 1] == b"\n":
            return None
        index += 1
    return None


# --- Stage 2: ast --------------------------------------------------------------------------------


def lines_of_clients(probe: FileProbe) -> frozenset[int]:
    """Where a CL3xx finding can start: each client call that may lack a region."""
    return frozenset(call.lineno for call in _candidate_calls(probe))


def lines_of_module_region_facts(probe: FileProbe) -> frozenset[int]:
    """What decides every client's finding at once: each line that may give every client a region,
    and each Lambda handler."""
    tree = probe.tree
    if tree is None:
        return frozenset()
    found = set(lines_matching(probe, _MODULE_REGION_WORDS))
    found.update(statement.lineno for statement in tree.body if is_lambda_handler(statement))
    return frozenset(found)


def _candidate_calls(probe: FileProbe) -> Iterator[ast.Call]:
    facts = _TreeFacts()
    for node in probe.nodes(ast.ImportFrom):
        if node.module in FACTORY_MODULES:
            facts.factories.update(alias.asname or alias.name for alias in node.names if alias.name in CLIENT_METHODS)
    assignments: list[Union[ast.Assign, ast.AnnAssign, ast.NamedExpr]] = [
        *probe.nodes(ast.Assign),
        *probe.nodes(ast.AnnAssign),
        *probe.nodes(ast.NamedExpr),
    ]
    for assignment in assignments:
        facts.maybe_none.update(_names_that_may_be_none(assignment))
        facts.assigned.update(_target_names(assignment))
    return (call for call in probe.nodes(ast.Call) if _may_be_reported(call, facts))


class _TreeFacts:
    """What the ast walk learns about the names of a module."""

    def __init__(self) -> None:
        self.factories: set[str] = set()  # aliases of boto3.client / boto3.resource
        self.maybe_none: set[str] = set()  # may be bound to None or another name
        self.assigned: set[str] = set()  # bound by an assignment anywhere: may fold to a string

    def surely_a_value(self, expr: ast.expr) -> bool:
        if isinstance(expr, ast.Constant):
            return expr.value is not None
        return not isinstance(expr, ast.Name) or expr.id not in self.maybe_none


def _names_that_may_be_none(node: Union[ast.Assign, ast.AnnAssign, ast.NamedExpr]) -> set[str]:
    """Names bound to None or to another name (which may be None): `REGION = None`, `r = REGION`.

    Unpacking targets are taken whole, whatever they are bound to.
    """
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    value = node.value
    names: set[str] = set()
    for target in targets:
        if isinstance(target, ast.Name) and _is_none_or_name(value):
            names.add(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            names.update(element.id for element in ast.walk(target) if isinstance(element, ast.Name))
    return names


def _target_names(node: Union[ast.Assign, ast.AnnAssign, ast.NamedExpr]) -> Iterator[str]:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return (name.id for target in targets for name in ast.walk(target) if isinstance(name, ast.Name))


def _is_none_or_name(value: Optional[ast.expr]) -> bool:
    return isinstance(value, ast.Name) or (isinstance(value, ast.Constant) and value.value is None)


def _may_be_reported(call: ast.Call, facts: _TreeFacts) -> bool:
    func = call.func
    if isinstance(func, ast.Attribute):
        receiver = func.value.value if isinstance(func.value, ast.Await) else func.value
        # A session handed in (self.session.client) is never reported; sessions and factories
        # are reached through a name (boto3, session) or a call (Session(), get_session()).
        if func.attr not in CLIENT_METHODS or not isinstance(receiver, (ast.Name, ast.Call)):
            return False
    elif not (isinstance(func, ast.Name) and func.id in facts.factories):
        return False
    if any(isinstance(arg, ast.Starred) for arg in call.args):
        return False  # *args: an unknown region, never reported
    keywords = {keyword.arg: keyword.value for keyword in call.keywords if keyword.arg is not None}
    spread = any(keyword.arg is None for keyword in call.keywords)  # **settings may be a literal dict
    service = call.args[0] if call.args else keywords.get("service_name")
    if service is None:
        return spread
    if isinstance(service, ast.Name) and service.id not in facts.assigned:
        return False  # a parameter or an import: no string the rules can fold
    if not isinstance(service, (ast.Constant, ast.Name, ast.BinOp, ast.JoinedStr)):
        return False  # a service the rules cannot fold to a name is never reported
    region = call.args[REGION_POSITION] if len(call.args) > REGION_POSITION else keywords.get("region_name")
    if region is not None:
        return not facts.surely_a_value(region)
    config = keywords.get("config")
    if isinstance(config, ast.Call):
        config_region = next((k.value for k in config.keywords if k.arg == "region_name"), None)
        # A Config with a region, or a call the rules cannot see through: never reported.
        return config_region is None or not facts.surely_a_value(config_region)
    return True
