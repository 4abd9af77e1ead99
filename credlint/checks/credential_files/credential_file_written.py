"""CL503 in Python: code writes the shared credentials file, which link 5 of the credential chain
reads in every later process of the user, before the container role and the instance profile."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Optional

import libcst as cst
from libcst.metadata import PositionProvider
from libcst.metadata.base_provider import ProviderT

from credlint.analysis.bindings import BINDING_PROVIDERS, qualified_names
from credlint.analysis.literals import fold_string
from credlint.analysis.stand_ins import stand_in_severity
from credlint.checks.credential_files.explanations import written_explanation
from credlint.checks.credential_files.path_values import SHARED_FILE, SHARED_FILE_VARIABLE, path_values
from credlint.finding import Severity
from credlint.rule import Rule
from credlint.settings import FileContext

# A misconfiguration rather than a leak: the keys were in memory already, and a login helper on a
# developer machine writes the file on purpose.
WRITTEN_SEVERITY = Severity.WARNING
_OPENERS = frozenset({"builtins.open", "io.open", "codecs.open"})
# ref. Python docs, open(): "w", "a", "x" and "+" open a file for writing.
_WRITING_MODES = frozenset("wax+")
# ref. Python docs, os.open(): the flags that open a file for writing or create it.
_WRITING_FLAGS = frozenset({"O_WRONLY", "O_RDWR", "O_CREAT", "O_APPEND", "O_TRUNC"})
# Functions that put a file at their second argument (`dst`), replacing what was there.
_MOVERS = frozenset({f"shutil.{name}" for name in ("copy", "copy2", "copyfile", "move")} | {"os.replace", "os.rename"})
# pathlib.Path methods: write_text/write_bytes write the path; rename/replace move it onto their target.
_PATH_WRITERS = frozenset({"write_text", "write_bytes"})
_PATH_MOVERS = frozenset({"rename", "replace"})


@dataclass(frozen=True)
class FileWrite:
    """A call that writes a file: the expression of the path it writes, and how, for messages."""

    path: cst.BaseExpression
    how: str


class CredentialFileWritten(Rule):
    """Keys written to ~/.aws/credentials answer for every later process, before any role."""

    METADATA_DEPENDENCIES: ClassVar[Sequence[ProviderT]] = (PositionProvider, *BINDING_PROVIDERS)

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._touched: set[cst.CSTNode] = set()

    def visit_With(self, node: cst.With) -> None:
        """`with open(path, "a"): pass` creates the file or leaves it as it was: it writes no keys."""
        body = node.body.body if isinstance(node.body, cst.IndentedBlock) else []
        statements = [small for line in body if isinstance(line, cst.SimpleStatementLine) for small in line.body]
        if len(body) == len(statements) == 1 and _does_nothing(statements[0]):
            self._touched.update(item.item for item in node.items)

    def visit_Call(self, node: cst.Call) -> None:
        write = self._file_write(node) if node not in self._touched else None
        if write is None:
            return
        found = path_values(self, write.path)
        if not found or any(value is None or not value.is_shared_credentials_file for value in found):
            return
        severity = self._severity()
        if severity is None:
            return
        named = all(value is not None and value.start == SHARED_FILE for value in found)
        shown = f"the file {SHARED_FILE_VARIABLE} names" if named else "~/.aws/credentials"
        line = self.line_of(node)
        self.report(
            node,
            f"Code writes the shared credentials file ({shown}) with {write.how}: link 5 of the credential "
            "chain then answers before the container role and the instance profile",
            written_explanation(shown, write.how, line),
            severity=severity,
        )

    def _file_write(self, call: cst.Call) -> Optional[FileWrite]:
        names = qualified_names(self, call.func)
        if names & _OPENERS:
            path, mode = _argument(call, 0, "file"), _argument(call, 1, "mode")
            return FileWrite(path, "open()") if path is not None and self._writes(mode) else None
        if names & {"os.open"}:
            path, flags = _argument(call, 0, "path"), _argument(call, 1, "flags")
            return FileWrite(path, "os.open()") if path is not None and _writing_flags(flags) else None
        if names & _MOVERS:
            target = _argument(call, 1, "dst")
            return FileWrite(target, f"{sorted(names & _MOVERS)[0]}()") if target is not None else None
        func = call.func
        if not isinstance(func, cst.Attribute):
            return None
        method, positional = func.attr.value, _positional(call)
        if method in _PATH_WRITERS:
            return FileWrite(func.value, f".{method}()")
        if method == "open" and self._writes(_argument(call, 0, "mode")):
            return FileWrite(func.value, ".open()")
        # str.replace takes two arguments; Path.rename and Path.replace one, the target.
        if method in _PATH_MOVERS and len(call.args) == 1 and len(positional) == 1:
            return FileWrite(positional[0], f".{method}()")
        return None

    def _writes(self, mode: Optional[cst.BaseExpression]) -> bool:
        """Whether a mode opens for writing; a mode that is not a known string is taken as reading."""
        text = fold_string(self, mode) if mode is not None else None
        return text is not None and bool(_WRITING_MODES & set(text))

    def _severity(self) -> Optional[Severity]:
        """Tests often write a credentials file under a temporary HOME on purpose: `test-policy`."""
        return stand_in_severity(WRITTEN_SEVERITY, self.context.settings)


def _positional(call: cst.Call) -> list[cst.BaseExpression]:
    return [arg.value for arg in call.args if arg.keyword is None and not arg.star]


def _argument(call: cst.Call, position: int, keyword: str) -> Optional[cst.BaseExpression]:
    """An argument given at its position or by its keyword; None when absent or spread with * or **."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    if any(arg.star for arg in call.args[: position + 1]):
        return None
    positional = _positional(call)
    return positional[position] if position < len(positional) else None


def _writing_flags(flags: Optional[cst.BaseExpression]) -> bool:
    """Whether os.open flags (`os.O_WRONLY | os.O_CREAT`) name one that writes."""
    if flags is None:
        return False
    named: set[str] = set()

    class _Names(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            named.add(node.value)

    flags.visit(_Names())
    return bool(named & _WRITING_FLAGS)


def _does_nothing(statement: cst.BaseSmallStatement) -> bool:
    return isinstance(statement, cst.Pass) or (
        isinstance(statement, cst.Expr) and isinstance(statement.value, cst.Ellipsis)
    )
