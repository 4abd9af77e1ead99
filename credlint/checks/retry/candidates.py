"""The cheap candidate pass for the retry rules (CL4xx): could this file hold a retry?

The retry rules need LibCST's scope analysis, and their triggers (`ClientError`, `Exception`,
`except:`) occur in most AWS code. A stdlib `ast` walk keeps only the files with a shape that
sites.py and libraries.py can report, judged more loosely than they judge them, so that a skipped
file never holds a finding: a loop that can stop on success, around a try statement with an
except clause that may take a ClientError; with tenacity, backoff or retrying in the file, any
decorated function or `for` loop; a function whose except clause calls a function of the same
name (a recursive retry).
"""

from __future__ import annotations

import ast
from typing import TypeGuard

from credlint.prefilter import FileProbe

# ref. credlint/checks/retry/libraries.py DECORATOR_FACTORIES and TENACITY_CONTROLLERS: their modules.
RETRY_LIBRARIES = (b"tenacity", b"backoff", b"retrying")
# ref. credlint/checks/retry/exceptions.py caught_by: the class names an except clause takes ClientError by.
CATCHING_NAMES = frozenset({"ClientError", "BotoCoreError", "Exception", "BaseException"})


def may_hold_retry(probe: FileProbe) -> bool:
    return probe.tree is None or bool(lines_with_retry_shape(probe))


def lines_with_retry_shape(probe: FileProbe) -> frozenset[int]:
    """Where a CL4xx finding can start: each loop, decorated function or handler of a retry shape."""
    return probe.once(_lines_with_retry_shape)  # every rule of the family asks about the same file


def _lines_with_retry_shape(probe: FileProbe) -> frozenset[int]:
    tree, source = probe.tree, probe.source
    if tree is None:
        return frozenset()
    uses_library = any(library in source for library in RETRY_LIBRARIES)
    aliases = _names_that_may_alias_a_class(tree)
    return frozenset(node.lineno for node in ast.walk(tree) if _is_retry_shape(node, uses_library, aliases))


def _is_retry_shape(node: ast.AST, uses_library: bool, aliases: set[str]) -> TypeGuard[ast.stmt]:
    if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
        if uses_library and not isinstance(node, ast.While):
            return True
        return _may_stop_on_success(node) and any(
            isinstance(inner, ast.Try) and any(_may_catch(handler, aliases) for handler in inner.handlers)
            for statement in node.body
            for inner in ast.walk(statement)
        )
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return (uses_library and bool(node.decorator_list)) or _calls_itself_in_a_handler(node)
    return False


def _may_stop_on_success(loop: ast.For | ast.AsyncFor | ast.While) -> bool:
    """A retry loop ends when the call succeeds: by break or return, or (while) through its test."""
    if isinstance(loop, ast.While):
        return True
    return any(isinstance(node, (ast.Break, ast.Return)) for statement in loop.body for node in ast.walk(statement))


def _names_that_may_alias_a_class(tree: ast.AST) -> set[str]:
    """`from botocore.exceptions import ClientError as CE`, `RETRYABLE_ERRORS = (...)`."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names.update(alias.asname for alias in node.names if alias.asname)
        elif isinstance(node, ast.Assign):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
    return names


def _may_catch(handler: ast.ExceptHandler, aliases: set[str]) -> bool:
    """A bare except, a ClientError or a base of it by any spelling, `client.exceptions.X`, or an alias."""
    if handler.type is None:
        return True
    for node in ast.walk(handler.type):
        if isinstance(node, ast.Name) and (node.id in CATCHING_NAMES or node.id in aliases):
            return True
        if isinstance(node, ast.Attribute):
            if node.attr in CATCHING_NAMES:
                return True
            if isinstance(node.value, ast.Attribute) and node.value.attr == "exceptions":
                return True
    return False


def _calls_itself_in_a_handler(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for handler in ast.walk(function):
        if not isinstance(handler, ast.ExceptHandler):
            continue
        for call in ast.walk(handler):
            if isinstance(call, ast.Call):
                callee = call.func
                name = callee.id if isinstance(callee, ast.Name) else getattr(callee, "attr", None)
                if name == function.name:
                    return True
    return False
