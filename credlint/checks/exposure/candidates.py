"""The cheap candidate pass for CL508: a call that may print or log, and something that may be a credential.

Judged more loosely than the rule (sinks.py, credential_values.py), so that a file it skips never
holds a finding: any call named like a log level, print, echo or write (or a name imported from
a module that provides one), and a credential source named in the file.
"""

from __future__ import annotations

import ast
import re

from credlint.analysis.folded_strings import folded_strings
from credlint.analysis.module_names import called_name, environ_names, names_bound_to
from credlint.chain import CREDENTIAL_VARIABLES
from credlint.lambda_handlers import is_lambda_handler
from credlint.prefilter import FileProbe
from credlint.slicing import lines_matching, lines_meeting

# ref. credlint/checks/exposure/sinks.py: LOG_METHODS and the print, echo and stream functions.
SINK_CALL_NAMES = frozenset(
    {
        "debug",
        "info",
        "warning",
        "warn",
        "error",
        "exception",
        "critical",
        "fatal",
        "log",
        "msg",
        "print",
        "pprint",
        "pp",
        "echo",
        "secho",
        "write",
        "writelines",
    }
)
# Modules whose functions sinks.py recognises; a name imported from them may be a sink under an alias.
SINK_MODULES = frozenset({"builtins", "logging", "pprint", "click", "typer", "sys", "loguru", "structlog"})
# ref. credlint/checks/exposure/credential_values.py: the calls that give credentials. b"assume_r"
# covers assume_role, assume_role_with_saml, assume_role_with_web_identity and assume_root.
SOURCE_WORDS = (
    b"get_credentials",
    b"get_frozen_credentials",
    b"assume_r",
    b"get_session_token",
    b"get_federation_token",
    b"get_delegated_access_token",
    b"get_scoped_credentials",
    b"get_role_credentials",
    b"create_access_key",
)
# Variable names may come from constants, so the env reads trigger on the AWS_ prefix alone; the
# candidate then asks for a credential variable's name or a credential call.
TRIGGERS = (b"AWS_", b"environ", *SOURCE_WORDS)
_SOURCE_BYTES = (*SOURCE_WORDS, b"ACCESS_KEY", b"TOKEN", b"Credentials")
# `environ` other than to read one variable (`environ["X"]`, `environ.get(...)`): what the whole
# environment written out needs, judged on the bytes so that other files are never parsed.
_WHOLE_ENVIRON = re.compile(rb"environ(?![\[\w]|\.(?:get|setdefault|pop|keys)\b)")


def may_log_credentials(probe: FileProbe) -> bool:
    """A call that may print or log, and a credential source: an SDK call that gives credentials,
    a string that may name a credential variable of botocore's env provider, or the whole
    environment given to the call itself."""
    names_source = any(probe.contains(word) for word in _SOURCE_BYTES)
    shows_environ = _WHOLE_ENVIRON.search(probe.source) is not None
    if not names_source and not shows_environ:
        return False  # before any parse: most files that say AWS_ or environ name no credential at all
    if probe.tree is None:
        return True
    if not probe.once(lines_of_sinks):
        return False
    if shows_environ and probe.once(lines_logging_whole_environment):
        return True
    return names_source and (
        any(probe.contains(word) for word in SOURCE_WORDS)
        or any(text in CREDENTIAL_VARIABLES for text in folded_strings(probe))
    )


# The lines a logged credential comes from: a call that gives credentials, a credential field of
# an STS response, a credential variable's name.
_SOURCE_LINES = re.compile(
    rb"get_credentials|get_frozen_credentials|assume_r|get_session_token|get_federation_token|"
    rb"get_delegated_access_token|get_scoped_credentials|get_role_credentials|create_access_key|Credentials|"
    rb"SecretAccessKey|SessionToken|AccessKeyId|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|"
    rb"AWS_SECURITY_TOKEN|AWS_ACCESS_KEY_ID"
)


def lines_logging_sources(probe: FileProbe) -> frozenset[int]:
    """Where a CL508 finding can start: a call that may print or log, in a part that reads a
    credential source itself or through a module-level name (the rule follows no value out of
    another function), or given the whole environment."""
    sources = lines_meeting(probe, probe.once(lines_of_sinks), lines_matching(probe, _SOURCE_LINES))
    return sources | probe.once(lines_logging_whole_environment)


def lines_logging_whole_environment(probe: FileProbe) -> frozenset[int]:
    """Each line of a call that may print or log and is given `os.environ` itself (not one of its
    variables), or a name some assignment or loop binds to an expression holding it."""
    environ = environ_names(probe)
    copies = names_bound_to(probe, lambda value: _shows(value, environ))
    loops: list[ast.For | ast.comprehension] = [*probe.nodes(ast.For), *probe.nodes(ast.comprehension)]
    copies |= {  # `for name, value in os.environ.items()`
        name.id
        for loop in loops
        if _shows(loop.iter, environ)
        for name in ast.walk(loop.target)
        if isinstance(name, ast.Name)
    }
    lines: set[int] = set()
    for call in probe.once(_sink_calls):
        arguments = [*call.args, *(keyword.value for keyword in call.keywords)]
        if any(_shows(argument, environ | copies) for argument in arguments):
            lines.update(range(call.lineno, (call.end_lineno or call.lineno) + 1))
    return frozenset(lines)


# Reading one variable, or only the names: `environ["X"]`, `environ.get("X")`, `environ.keys()`.
_ONE_VARIABLE_METHODS = frozenset({"get", "keys", "setdefault", "pop"})


def _shows(expr: ast.expr, names: set[str]) -> bool:
    """Whether expr holds one of the names (or `x.environ`) other than to read one variable."""
    reading_one: set[int] = set()
    for node in ast.walk(expr):
        if isinstance(node, ast.Subscript) or (isinstance(node, ast.Attribute) and node.attr in _ONE_VARIABLE_METHODS):
            reading_one.add(id(node.value))
    return any(
        id(node) not in reading_one
        and (
            (isinstance(node, ast.Attribute) and node.attr == "environ")
            or (isinstance(node, ast.Name) and node.id in names)
        )
        for node in ast.walk(expr)
    )


def lines_of_sinks(probe: FileProbe) -> frozenset[int]:
    """Every line of each call that may print or log."""
    return frozenset(
        line for call in probe.once(_sink_calls) for line in range(call.lineno, (call.end_lineno or call.lineno) + 1)
    )


def _sink_calls(probe: FileProbe) -> tuple[ast.Call, ...]:
    """Each call that may print or log: named so, or a name imported from a module that does."""
    names = SINK_CALL_NAMES | _names_imported_from_sink_modules(probe)
    return tuple(call for call in probe.nodes(ast.Call) if called_name(call.func) in names)


def lines_of_lambda_handlers(probe: FileProbe) -> frozenset[int]:
    """Where a Lambda handler is defined: CL508 weighs a logged environment by it, module-wide."""
    tree = probe.tree
    return frozenset(statement.lineno for statement in (tree.body if tree else []) if is_lambda_handler(statement))


def _names_imported_from_sink_modules(probe: FileProbe) -> frozenset[str]:
    return frozenset(
        alias.asname or alias.name
        for statement in probe.nodes(ast.ImportFrom)
        if (statement.module or "").split(".")[0] in SINK_MODULES
        for alias in statement.names
    )
