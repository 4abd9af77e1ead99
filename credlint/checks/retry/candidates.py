"""The cheap candidate pass for the retry rules (CL4xx): could this file hold a retry?

The retry rules need a LibCST parse and the module's binding table, and their triggers (`ClientError`, `Exception`,
`except:`) occur in most AWS code. A stdlib `ast` walk keeps only the files with a shape that
sites.py and libraries.py can report, judged more loosely than they judge them, so that a skipped
file never holds a finding: a loop that can stop on success, around a try statement with an
except clause that may take a ClientError; with tenacity, backoff, retrying or retry in the file,
any decorated function or `for` loop; a call of retry_call; a function whose except clause calls a
function of the same name (a recursive retry).
"""

from __future__ import annotations

import ast
import re
from typing import Union

from credlint.prefilter import FileProbe

# ref. credlint/checks/retry/libraries.py DECORATOR_FACTORIES and TENACITY_CONTROLLERS: their modules.
# The retry package is imported as a module of its own (`from retry import retry`, `import retry`);
# `from localstack.utils.sync import retry` is another project's helper, which the rules do not read.
RETRY_LIBRARIES = re.compile(rb"tenacity|backoff|retrying|^[ \t]*(?:from|import)[ \t]+retry\b", re.MULTILINE)
# ref. credlint/checks/retry/exceptions.py caught_by: the class names an except clause takes ClientError by.
CATCHING_NAMES = frozenset({"ClientError", "BotoCoreError", "Exception", "BaseException"})


def may_hold_retry(probe: FileProbe) -> bool:
    return probe.tree is None or bool(probe.once(lines_with_retry_shape))


def lines_with_retry_shape(probe: FileProbe) -> frozenset[int]:
    """Where a CL4xx finding can start: each loop, decorated function or handler of a retry shape."""
    tree = probe.tree
    if tree is None:
        return frozenset()
    shapes = _RetryShapes(uses_library=RETRY_LIBRARIES.search(probe.source) is not None)
    shapes.scan(tree.body, (), ())
    if b"retry_call" in probe.source:
        shapes.found.update(
            node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call) and _is_retry_call(node)
        )
    return shapes.lines()


def _is_retry_call(node: ast.Call) -> bool:
    """The retry package's `retry_call(f, ...)`, by the name libraries.py reads it by."""
    func = node.func
    return (isinstance(func, ast.Name) and func.id == "retry_call") or (
        isinstance(func, ast.Attribute) and func.attr == "retry_call"
    )


Loop = Union[ast.For, ast.AsyncFor, ast.While]
Function = Union[ast.FunctionDef, ast.AsyncFunctionDef]


class _RetryShapes:
    """One pass over a module's statements, never its expressions but for the calls in except
    clauses: a loop ends on success when a break or return lies anywhere in its body (a `while`
    may also end through its test); a try statement counts for every loop whose body holds it."""

    def __init__(self, *, uses_library: bool) -> None:
        self.uses_library = uses_library
        self.aliases: set[str] = set()  # `from botocore.exceptions import ClientError as CE`, `ERRORS = (...)`
        self.found: set[int] = set()
        self.stopping: set[ast.stmt] = set()
        self.tries: list[tuple[Union[ast.Try, ast.TryStar], tuple[Loop, ...]]] = []

    def lines(self) -> frozenset[int]:
        for statement, loops in self.tries:
            if any(_may_catch(handler, self.aliases) for handler in statement.handlers):
                self.found.update(loop.lineno for loop in loops if loop in self.stopping)
        return frozenset(self.found)

    def scan(self, body: list[ast.stmt], loops: tuple[Loop, ...], functions: tuple[Function, ...]) -> None:
        for statement in body:
            if isinstance(statement, (ast.For, ast.AsyncFor, ast.While)):
                if isinstance(statement, ast.While):
                    self.stopping.add(statement)
                elif self.uses_library:
                    self.found.add(statement.lineno)
                self.scan(statement.body, (*loops, statement), functions)
                self.scan(statement.orelse, loops, functions)
            elif isinstance(statement, (ast.Break, ast.Return)):
                self.stopping.update(loops)
            elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if self.uses_library and statement.decorator_list:
                    self.found.add(statement.lineno)
                self.scan(statement.body, loops, (*functions, statement))
            elif isinstance(statement, (ast.Try, ast.TryStar)):
                if loops:
                    self.tries.append((statement, loops))
                self.scan(statement.body, loops, functions)
                for handler in statement.handlers:
                    self._calls_in_handler(handler, functions)
                    self.scan(handler.body, loops, functions)
                self.scan(statement.orelse, loops, functions)
                self.scan(statement.finalbody, loops, functions)
            elif isinstance(statement, (ast.ClassDef, ast.With, ast.AsyncWith)):
                self.scan(statement.body, loops, functions)
            elif isinstance(statement, ast.If):
                self.scan(statement.body, loops, functions)
                self.scan(statement.orelse, loops, functions)
            elif isinstance(statement, ast.Match):
                for case in statement.cases:
                    self.scan(case.body, loops, functions)
            elif isinstance(statement, ast.ImportFrom):
                self.aliases.update(alias.asname for alias in statement.names if alias.asname)
            elif isinstance(statement, ast.Assign):
                self.aliases.update(target.id for target in statement.targets if isinstance(target, ast.Name))

    def _calls_in_handler(self, handler: ast.ExceptHandler, functions: tuple[Function, ...]) -> None:
        """A function whose except clause calls a function of its own name: a recursive retry."""
        if not functions:
            return
        called = {
            callee.id if isinstance(callee, ast.Name) else getattr(callee, "attr", None)
            for node in ast.walk(handler)
            if isinstance(node, ast.Call)
            for callee in [node.func]
        }
        self.found.update(function.lineno for function in functions if function.name in called)


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
