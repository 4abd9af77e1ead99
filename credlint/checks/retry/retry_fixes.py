"""The fixes of a retry that takes every ClientError (CL401, CL402): a guard first in its except
clause that re-raises what botocore would not retry, or a predicate, in its library's own keyword,
that lets through only what botocore retries too. Either changes which errors are retried: unsafe."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from credlint.analysis.bindings import qualified_names
from credlint.checks.retry.exceptions import caught_by
from credlint.checks.retry.libraries import BACKOFF, RETRYING, TENACITY
from credlint.checks.retry.retry_site import HandlerRetry, RetrySite
from credlint.checks.retry.sdk_retries import SDK_RETRIED_CODES
from credlint.finding import GUARD_RETRY, SET_RETRY_PREDICATE, UNSAFE, Fix
from credlint.rule import Rule

GUARD_DESCRIPTION = "re-raise every error but throttling, transient codes and 5xx statuses"
PREDICATE_DESCRIPTION = "retry only throttling, transient codes and 5xx statuses, through a predicate function"
# Each library's predicate keyword, and the value that passes it the predicate ("{}": its name).
# ref. tenacity retry=retry_if_exception(f); backoff giveup= (true: stop); retrying retry_on_exception=.
PREDICATE_KEYWORDS = {
    TENACITY: ("retry", "retry_if_exception({})"),
    BACKOFF: ("giveup", "lambda error: not {}(error)"),
    RETRYING: ("retry_on_exception", "{}"),
}
_EXCEPTION_TYPE_FILTER = "tenacity.retry_if_exception_type"


def _retried_codes(indent: str) -> str:
    return "".join(f'{indent}"{code}",\n' for code in SDK_RETRIED_CODES)


# What the fixes write; "{}" is the name of the error (the guard) or of the predicate.
GUARD = (
    f'if {{0}}.response["Error"]["Code"] not in (\n{_retried_codes("    ")}) and '
    '{0}.response["ResponseMetadata"]["HTTPStatusCode"] < 500:\n    raise\n'
)
PREDICATE = (
    "def {0}(error):\n"
    '    """What botocore retries too: throttling and transient codes, and 5xx statuses."""\n'
    "    if not isinstance(error, ClientError):\n"
    "        return False\n"
    '    if error.response["ResponseMetadata"]["HTTPStatusCode"] >= 500:\n'
    "        return True\n"
    f'    return error.response["Error"]["Code"] in (\n{_retried_codes("        ")}    )\n'
)
PREDICATE_IMPORT = "botocore.exceptions.ClientError"


def guard_fix(rule: Rule, handler: HandlerRetry) -> Optional[Fix]:
    """A guard for a clause that takes ClientError alone: its errors all have a code and a status to test."""
    written = handler.except_type
    if written is None or isinstance(written, (cst.Tuple, cst.List, cst.BinaryOperation)):
        return None
    if not caught_by(rule, written).client_error:
        return None
    return rule.fix_at(written, UNSAFE, GUARD_RETRY, GUARD_DESCRIPTION, GUARD)


def predicate_fix(rule: Rule, site: RetrySite) -> Optional[Fix]:
    """A predicate for a decorator or a Retrying(...) whose keyword credlint can set: absent, or for
    tenacity a filter of ClientError or of every exception; given by keyword, not spread from options."""
    if site.library not in PREDICATE_KEYWORDS:
        return None
    written = site.node.decorator if isinstance(site.node, cst.Decorator) else site.node
    if not isinstance(written, (cst.Call, cst.Name, cst.Attribute)):
        return None
    arguments = written.args if isinstance(written, cst.Call) else ()
    if any(arg.star for arg in arguments):
        return None
    keyword, value = PREDICATE_KEYWORDS[site.library]
    current = next((arg.value for arg in arguments if arg.keyword is not None and arg.keyword.value == keyword), None)
    imports = [f"+{PREDICATE_IMPORT}"]
    if site.library == TENACITY:
        if any(arg.keyword is None for arg in arguments):
            return None  # retry= may be given by position; `@retry(f)` alone decorates f, not the function
        callee = written.func if isinstance(written, cst.Call) else written
        if isinstance(callee, cst.Attribute) and isinstance(callee.value, cst.Name):
            value = f"{callee.value.value}.{value}"  # the module's own alias: `t.retry_if_exception`
        elif isinstance(callee, cst.Name):
            imports.append("+tenacity.retry_if_exception")
        else:
            return None
        if current is not None:
            if not _filters_client_errors(rule, current):
                return None
            if isinstance(current, cst.Call) and _is_name(current.func, "retry_if_exception_type"):
                imports.append(f"-{_EXCEPTION_TYPE_FILTER}")  # imported by its own name: dropped once unused
    return rule.fix_at(written, UNSAFE, SET_RETRY_PREDICATE, PREDICATE_DESCRIPTION, keyword, value, PREDICATE, *imports)


def _filters_client_errors(rule: Rule, written: cst.BaseExpression) -> bool:
    """`retry_if_exception_type(ClientError)`, of `Exception` or of nothing (every exception): a
    filter the predicate replaces whole, with no other class in it to keep."""
    if not isinstance(written, cst.Call) or _EXCEPTION_TYPE_FILTER not in qualified_names(rule, written.func):
        return False
    if not written.args:
        return True
    filtered = written.args[0].value
    if len(written.args) > 1 or isinstance(filtered, (cst.Tuple, cst.List)):
        return False
    caught = caught_by(rule, filtered)
    return caught.client_error or caught.broad


def _is_name(expression: cst.BaseExpression, name: str) -> bool:
    return isinstance(expression, cst.Name) and expression.value == name
