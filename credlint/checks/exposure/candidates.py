"""The cheap candidate pass for CL508: a call that may print or log, and something that may be a credential.

Judged more loosely than the rule (sinks.py, credential_values.py), so that a file it skips never
holds a finding: any call named like a log level, print, echo or write (or a name imported from
a module that provides one), and a credential source named in the file.
"""

from __future__ import annotations

import ast
import re

from credlint.analysis.folded_strings import folded_strings
from credlint.chain import CREDENTIAL_VARIABLES
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
TRIGGERS = (b"AWS_", *SOURCE_WORDS)
_SOURCE_BYTES = (*SOURCE_WORDS, b"ACCESS_KEY", b"TOKEN", b"Credentials")


def may_log_credentials(probe: FileProbe) -> bool:
    """A call that may print or log, and a credential source: an SDK call that gives credentials,
    or a string that may name a credential variable of botocore's env provider."""
    if not any(probe.contains(word) for word in _SOURCE_BYTES):
        return False  # before any parse: most files that say AWS_ name no credential at all
    if probe.tree is None:
        return True
    if not probe.once(lines_of_sinks):
        return False
    return any(probe.contains(word) for word in SOURCE_WORDS) or any(
        text in CREDENTIAL_VARIABLES for text in folded_strings(probe)
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
    another function)."""
    return lines_meeting(probe, probe.once(lines_of_sinks), lines_matching(probe, _SOURCE_LINES))


def lines_of_sinks(probe: FileProbe) -> frozenset[int]:
    """Where a CL508 finding can start: every line of each call that may print or log."""
    aliases = _names_imported_from_sink_modules(probe)
    lines: set[int] = set()
    for call in probe.nodes(ast.Call):
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name in SINK_CALL_NAMES or name in aliases:
            lines.update(range(call.lineno, (call.end_lineno or call.lineno) + 1))
    return frozenset(lines)


def _names_imported_from_sink_modules(probe: FileProbe) -> frozenset[str]:
    return frozenset(
        alias.asname or alias.name
        for statement in probe.nodes(ast.ImportFrom)
        if (statement.module or "").split(".")[0] in SINK_MODULES
        for alias in statement.names
    )
