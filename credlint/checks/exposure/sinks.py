"""Where a value is written to a log or a console: print, logging, loggers, sys.stdout and sys.stderr."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

import libcst as cst

from credlint.analysis.bindings import bound_values, imported_names

# ref. Python docs, logging: Logger.debug/info/warning/warn/error/exception/critical/fatal/log;
# structlog's BoundLogger.msg; loguru's logger has the same level methods.
LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log", "msg"})
LOGGING_FUNCTIONS = frozenset(f"logging.{method}" for method in LOG_METHODS - {"msg"})
# Functions that write their arguments to stdout or stderr, as they are written.
CONSOLE_FUNCTIONS = frozenset(
    {"builtins.print", "pprint.pprint", "pprint.pp", "click.echo", "click.secho", "typer.echo", "typer.secho"}
)
STREAM_WRITES = frozenset(
    f"sys.{stream}.{method}" for stream in ("stdout", "stderr") for method in ("write", "writelines")
)
CONSOLE_STREAMS = frozenset({"sys.stdout", "sys.stderr", "sys.__stdout__", "sys.__stderr__"})
# ref. Python docs, logging: calls that make or derive a logger; structlog and loguru alike.
LOGGER_FACTORIES = frozenset(
    {
        "logging.getLogger",
        "logging.Logger",
        "logging.LoggerAdapter",
        "structlog.get_logger",
        "structlog.getLogger",
        "structlog.wrap_logger",
        "structlog.stdlib.get_logger",
    }
)
LOGGER_DERIVATIONS = frozenset({"getChild", "bind", "new", "opt", "patch"})
IMPORTED_LOGGERS = ("loguru.logger", "logging.root")
# Keywords of a call that say where to write or how, rather than what: never written themselves.
# ref. Python docs: print(file=, flush=), pprint(stream=), Logger.debug(exc_info=, stack_info=, stacklevel=).
NOT_WRITTEN_KEYWORDS = frozenset({"file", "stream", "flush", "err", "exc_info", "stack_info", "stacklevel"})
OUTPUT_KEYWORDS = ("file", "stream")
# ref. Python docs pprint.pprint(object, stream=None, ...); click.echo(message=None, file=None, ...).
OUTPUT_POSITION = {
    "pprint.pprint": 1,
    "pprint.pp": 1,
    "click.echo": 1,
    "click.secho": 1,
    "typer.echo": 1,
    "typer.secho": 1,
}
# A logger named by habit: `log`, `logger`, `LOGGER`, `_log`, `self.logger`, `app.logger`, `audit_logger`.
_LOGGER_NAME = re.compile(r"_*(log|\w*logger)", re.IGNORECASE)


@dataclass(frozen=True)
class Sink:
    """A call that writes values to a log or a console."""

    label: str  # how messages name it: "print()", "logger.info()", "sys.stdout.write()"
    values: tuple[cst.BaseExpression, ...]  # the expressions it writes, in source order
    console: bool  # stdout or stderr, where the output may be meant for another program


def written(node: cst.CSTNode, limit: int = 40) -> str:
    """How a message names an expression: its code, or its callee with `(...)` when that is long."""
    code = cst.Module([]).code_for_node(node)
    if len(code) <= limit or not isinstance(node, cst.Call):
        return code if len(code) <= limit else code[: limit - 3] + "..."
    return f"{written(node.func, limit)}(...)"


def find_sink(owner: cst.MetadataDependent, call: cst.Call) -> Optional[Sink]:
    """The call as a sink, or None. Needs BINDING_PROVIDERS declared by owner."""
    func = call.func
    method = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else None
    if method is None:
        return None
    names = imported_names(owner, func)
    if names & (CONSOLE_FUNCTIONS | STREAM_WRITES):
        function = min(names & (CONSOLE_FUNCTIONS | STREAM_WRITES))
        output = OUTPUT_POSITION.get(function)
        if not _writes_to_console(owner, call, output):
            return None
        return Sink(f"{function.removeprefix('builtins.')}()", _written_values(call, output), console=True)
    if names & LOGGING_FUNCTIONS:
        return Sink(f"{min(names & LOGGING_FUNCTIONS)}()", _written_values(call), console=False)
    if isinstance(func, cst.Attribute) and method in LOG_METHODS and is_logger(owner, func.value):
        return Sink(f"{written(func.value)}.{method}()", _written_values(call), console=False)
    return None


def is_logger(owner: cst.MetadataDependent, receiver: cst.BaseExpression) -> bool:
    """A logger: made by a logging, structlog or loguru factory, imported as one, or named as one."""
    if any(name.startswith(IMPORTED_LOGGERS) for name in imported_names(owner, receiver)):
        return True
    if isinstance(receiver, cst.Call):
        func = receiver.func
        if imported_names(owner, func) & LOGGER_FACTORIES:
            return True
        return (
            isinstance(func, cst.Attribute) and func.attr.value in LOGGER_DERIVATIONS and is_logger(owner, func.value)
        )
    if isinstance(receiver, cst.Name):
        made = any(
            isinstance(value, cst.Call) and bool(imported_names(owner, value.func) & LOGGER_FACTORIES)
            for value in bound_values(owner, receiver)
        )
        return made or bool(_LOGGER_NAME.fullmatch(receiver.value))
    return isinstance(receiver, cst.Attribute) and bool(_LOGGER_NAME.fullmatch(receiver.attr.value))


def _writes_to_console(owner: cst.MetadataDependent, call: cst.Call, output: Optional[int]) -> bool:
    """print(file=...) and pprint(x, stream) write elsewhere unless given sys.stdout or sys.stderr
    (or None, the default)."""
    positional = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
    given = [arg.value for arg in call.args if arg.keyword is not None and arg.keyword.value in OUTPUT_KEYWORDS]
    if output is not None and len(positional) > output:
        given.append(positional[output])
    return all(
        (isinstance(value, cst.Name) and value.value == "None") or bool(imported_names(owner, value) & CONSOLE_STREAMS)
        for value in given
    )


def _written_values(call: cst.Call, output: Optional[int] = None) -> tuple[cst.BaseExpression, ...]:
    """The arguments a sink writes: every one but those saying where or how (and, for pprint and
    click.echo, every positional after the first)."""
    values = []
    position = 0
    for arg in call.args:
        if arg.keyword is None and not arg.star:
            position += 1
            if output is not None and position > output:
                continue
        if arg.keyword is None or arg.keyword.value not in NOT_WRITTEN_KEYWORDS:
            values.append(arg.value)
    return tuple(values)
