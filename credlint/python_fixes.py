"""The LibCST fixes of a Python module, which keep its formatting and comments. A fix is found
again from where it is anchored, so a module that changed since it was checked is edited only
where the fix still applies."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Optional, TypeVar, Union

import libcst as cst
import libcst.matchers as matchers
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.helpers import get_full_name_for_node
from libcst.metadata import MetadataWrapper, PositionProvider

from credlint.finding import (
    ADD_REGION,
    GUARD_RETRY,
    REMOVE_CREDENTIAL_ARGUMENTS,
    REMOVE_STATEMENT,
    SET_RETRY_PREDICATE,
    Finding,
    Fix,
)

ACTIONS = (REMOVE_CREDENTIAL_ARGUMENTS, REMOVE_STATEMENT, ADD_REGION, GUARD_RETRY, SET_RETRY_PREDICATE)
GUARD_NAME = "error"  # what an except clause with no name is given to test, unless the module uses the name
PREDICATE_NAME = "is_retryable"  # the predicate a retry library is given, unless the module uses the name
# ref. analysis/credential_slots.py SDK_PARAMETER_SLOTS: what an explicit credential is passed as.
CREDENTIAL_KEYWORDS = frozenset({"aws_access_key_id", "aws_secret_access_key", "aws_session_token"})


@dataclass(frozen=True)
class FixedModule:
    """A module after its fixes: the findings they resolve, and the strings they took out (which a
    diff must not show)."""

    module: cst.Module
    fixed: tuple[Finding, ...]
    removed_strings: tuple[str, ...]


def fix_module(module: cst.Module, findings: Sequence[Finding]) -> Optional[FixedModule]:
    """The module with the fixes of findings applied; None when none applies."""
    fixer = _Fixer(findings)
    fixed = MetadataWrapper(module, unsafe_skip_copy=True).visit(fixer)
    if not fixer.applied:
        return None
    if fixer.imports:
        fixed = _with_imports(fixed, fixer.imports)
    return FixedModule(fixed, tuple(fixer.applied), tuple(fixer.removed_strings))


Block = TypeVar("Block", cst.Module, cst.IndentedBlock)


class _Fixer(cst.CSTTransformer):
    """Applies the fixes anchored in the module, each where its anchor still stands: credential
    keywords out of a call one of whose arguments is an anchor; a simple statement that starts with
    an anchor, or calls with one first; region_name for an anchored call; a guard first in an except
    clause whose type is an anchor."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, findings: Sequence[Finding]) -> None:
        super().__init__()
        self.anchors: dict[str, dict[tuple[int, int], Finding]] = {action: {} for action in ACTIONS}
        for finding in findings:
            if finding.fix is not None and finding.fix.action in self.anchors:
                self.anchors[finding.fix.action][(finding.fix.line, finding.fix.column)] = finding
        self.applied: list[Finding] = []
        # Statement lines all of whose statements were deleted, by id until their block drops them:
        # held, so that no other node takes the id of one while it waits.
        self._emptied: dict[int, cst.SimpleStatementLine] = {}
        self.imports: set[str] = set()  # "+module.name" to add, "-module.name" to drop if unused
        self.removed_strings: list[str] = []  # the string values of what was deleted
        self._guard_name = GUARD_NAME
        self._predicate_name = PREDICATE_NAME
        self._imported: dict[str, Optional[tuple[str, bool]]] = {}  # _imported_as(), by "module.name"
        self._predicate: Optional[tuple[int, str]] = None  # the first line given it, the function defining it

    def visit_Module(self, node: cst.Module) -> None:
        if not (self.anchors[SET_RETRY_PREDICATE] or self.anchors[GUARD_RETRY]):
            return
        used = _names_used(node)
        self._guard_name = _unused_name(used, GUARD_NAME)
        self._predicate_name = _unused_name(used, PREDICATE_NAME)
        for found in self.anchors[SET_RETRY_PREDICATE].values():
            assert found.fix is not None
            for change in found.fix.arguments[3:]:
                if change.startswith("+"):
                    self._imported[change[1:]] = _imported_as(node, change[1:], used)

    def _anchor(self, action: str, node: cst.CSTNode) -> Optional[Finding]:
        start = self.get_metadata(PositionProvider, node).start
        return self.anchors[action].get((start.line, start.column + 1))

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> Union[cst.Call, cst.BaseExpression]:
        region = self._anchor(ADD_REGION, original_node)
        if region is not None and len(updated_node.args) == 1 and region.fix is not None:
            self.applied.append(region)
            (name,) = region.fix.arguments
            return _with_argument(updated_node, "region_name", _string_like(updated_node.args[0].value, name))
        retry = self._anchor(SET_RETRY_PREDICATE, original_node)
        if retry is not None and retry.fix is not None:
            return self._with_predicate(retry, retry.fix, updated_node)
        anchored = [self._anchor(REMOVE_CREDENTIAL_ARGUMENTS, arg.value) for arg in original_node.args]
        found = [finding for finding in anchored if finding is not None]
        if not found:
            return updated_node
        kept = [arg for arg in updated_node.args if not _is_credential_keyword(arg)]
        if len(kept) == len(updated_node.args):
            return updated_node
        self.applied.extend(found)
        self.removed_strings.extend(_strings_in(arg for arg in updated_node.args if _is_credential_keyword(arg)))
        if not kept:
            return updated_node.with_changes(args=(), whitespace_before_args=cst.SimpleWhitespace(""))
        last = updated_node.args[-1]
        if kept[-1] is not last:  # the call keeps how its arguments end: a comma, a line break
            kept[-1] = kept[-1].with_changes(comma=last.comma, whitespace_after_arg=last.whitespace_after_arg)
        return updated_node.with_changes(args=kept)

    def leave_Decorator(self, original_node: cst.Decorator, updated_node: cst.Decorator) -> cst.Decorator:
        """`@retry` with no call: called, to take the predicate."""
        retry = self._anchor(SET_RETRY_PREDICATE, original_node.decorator)
        if retry is None or retry.fix is None or isinstance(updated_node.decorator, cst.Call):
            return updated_node
        called = self._with_predicate(retry, retry.fix, cst.Call(updated_node.decorator))
        return updated_node.with_changes(decorator=called)

    def _with_predicate(self, found: Finding, fix: Fix, call: cst.Call) -> cst.Call:
        """The call given the predicate in its library's keyword, in place of what that keyword had;
        left alone when a name the predicate needs means something else in the module."""
        keyword, value, function, *imports = fix.arguments
        local_names: dict[str, str] = {}
        changes: list[str] = []  # "-" ones, and "+" ones the module does not have yet
        for change in imports:
            imported = self._imported.get(change[1:]) if change.startswith("+") else ("", False)
            if imported is None:
                return call
            if change.startswith("+"):
                local_names[change.rsplit(".", 1)[1]] = imported[0]
            if not imported[1]:
                changes.append(change)
        self.imports.update(changes)
        self.applied.append(found)
        value, function = _renamed(value, local_names), _renamed(function, local_names)
        if self._predicate is None or fix.line < self._predicate[0]:
            self._predicate = (fix.line, function)
        written = cst.parse_expression(value.format(self._predicate_name))
        if not any(arg.keyword is not None and arg.keyword.value == keyword for arg in call.args):
            return _with_argument(call, keyword, written)
        return call.with_changes(
            args=[
                arg.with_changes(value=written) if arg.keyword is not None and arg.keyword.value == keyword else arg
                for arg in call.args
            ]
        )

    def leave_ExceptHandler(
        self, original_node: cst.ExceptHandler, updated_node: cst.ExceptHandler
    ) -> cst.ExceptHandler:
        """A guard first in the clause: re-raise unless the code is one worth retrying or the status 5xx."""
        found = self._anchor(GUARD_RETRY, original_node.type) if original_node.type is not None else None
        if found is None or found.fix is None or not isinstance(updated_node.body, cst.IndentedBlock):
            return updated_node
        named = updated_node.name.name if updated_node.name is not None else None
        if named is not None and not isinstance(named, cst.Name):
            return updated_node
        name = named.value if named is not None else self._guard_name
        (guard_text,) = found.fix.arguments
        guard = cst.parse_statement(guard_text.format(name))
        self.applied.append(found)
        body = updated_node.body.with_changes(body=[guard, *updated_node.body.body])
        if named is None:
            return updated_node.with_changes(body=body, name=cst.AsName(cst.Name(name)))
        return updated_node.with_changes(body=body)

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        kept = self._kept_statements(original_node.body, updated_node.body)
        if kept is None:
            return updated_node
        if not kept:
            self._emptied[id(updated_node)] = updated_node  # the block it is in drops it (_without_emptied)
            return updated_node
        return updated_node.with_changes(body=kept)

    def leave_SimpleStatementSuite(
        self, original_node: cst.SimpleStatementSuite, updated_node: cst.SimpleStatementSuite
    ) -> cst.SimpleStatementSuite:
        """`if ready: os.environ[K] = v`: the statements after the colon, `pass` when none is left."""
        kept = self._kept_statements(original_node.body, updated_node.body)
        if kept is None:
            return updated_node
        return updated_node.with_changes(body=kept or [cst.Pass()])

    def _kept_statements(
        self, original: Sequence[cst.BaseSmallStatement], updated: Sequence[cst.BaseSmallStatement]
    ) -> Optional[list[cst.BaseSmallStatement]]:
        """The statements no fix deletes, the last without its semicolon; None when none is deleted."""
        kept: list[cst.BaseSmallStatement] = []
        for before, after in zip(original, updated):
            found = self._statement_anchor(before)
            if found is None:
                kept.append(after)
            else:
                self.applied.append(found)
                self.removed_strings.extend(_strings_in([before]))
        if len(kept) == len(updated):
            return None
        return [*kept[:-1], kept[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)] if kept else []

    def _statement_anchor(self, statement: cst.BaseSmallStatement) -> Optional[Finding]:
        """`os.environ[K] = v` starts with its anchor; `os.environ.setdefault(K, v)` and
        `os.putenv(K, v)` take theirs first."""
        if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
            return self._anchor(REMOVE_STATEMENT, statement.targets[0].target)
        if isinstance(statement, cst.Expr) and isinstance(statement.value, cst.Call) and statement.value.args:
            return self._anchor(REMOVE_STATEMENT, statement.value.args[0].value)
        return None

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        return self._without_emptied(updated_node)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if self._predicate is not None:
            updated_node = self._with_predicate_function(original_node, updated_node, *self._predicate)
        return self._without_emptied(updated_node)

    def _with_predicate_function(self, original: cst.Module, updated: cst.Module, first: int, text: str) -> cst.Module:
        """The predicate defined before the first statement that uses it, two blank lines on each side."""
        index = next(
            index
            for index, statement in enumerate(original.body)
            if self.get_metadata(PositionProvider, statement).end.line >= first
        )
        function = cst.parse_statement(text.format(self._predicate_name))
        before = updated.body[index]
        lines = list(before.leading_lines)
        blank = next((count for count, line in enumerate(lines) if line.comment is not None), len(lines))
        spaced = before.with_changes(leading_lines=[*[cst.EmptyLine()] * max(0, 2 - blank), *lines])
        function = function.with_changes(leading_lines=[cst.EmptyLine()] * 2 if index else [])
        return updated.with_changes(body=[*updated.body[:index], function, spaced, *updated.body[index + 1 :]])

    def _without_emptied(self, block: Block) -> Block:
        """The block without its emptied lines; their comments go to what follows, and a block left
        with no statement gets `pass`."""
        body: list[cst.BaseStatement] = []
        comments: list[cst.EmptyLine] = []
        for statement in block.body:
            lines: list[cst.EmptyLine] = list(getattr(statement, "leading_lines", ()))
            if self._emptied.pop(id(statement), None) is statement:
                comments.extend(lines)
                continue
            body.append(statement.with_changes(leading_lines=[*comments, *lines]) if comments else statement)
            comments = []
        if len(body) == len(block.body):
            return block
        if not body and isinstance(block, cst.IndentedBlock):
            body.append(cst.SimpleStatementLine([cst.Pass()], leading_lines=comments))
            comments = []
        return block.with_changes(body=body, footer=[*comments, *block.footer])


def _with_argument(call: cst.Call, keyword: str, value: cst.BaseExpression) -> cst.Call:
    """The call given `keyword=value` last: on a line of its own when the arguments end with a line
    break, after a comma and a space otherwise. Every comment stays with the argument it follows."""
    written = cst.Arg(value, keyword=cst.Name(keyword), equal=_TIGHT_EQUAL)
    if not call.args:
        return call.with_changes(args=[written])
    last = call.args[-1]
    ending = last.comma.whitespace_after if isinstance(last.comma, cst.Comma) else last.whitespace_after_arg
    if isinstance(ending, cst.ParenthesizedWhitespace):  # the closing bracket on a line of its own
        own_line = cst.ParenthesizedWhitespace(indent=ending.indent, last_line=_argument_indent(call, ending))
        after_last = own_line.with_changes(first_line=ending.first_line, empty_lines=ending.empty_lines)
        kept = last.with_changes(comma=cst.Comma(whitespace_after=after_last), whitespace_after_arg=_NO_SPACE)
        closing = cst.ParenthesizedWhitespace(indent=ending.indent, last_line=ending.last_line)
        trailing = isinstance(last.comma, cst.Comma)
        written = written.with_changes(
            comma=cst.Comma(whitespace_after=closing) if trailing else cst.MaybeSentinel.DEFAULT,
            whitespace_after_arg=_NO_SPACE if trailing else closing,
        )
        return call.with_changes(args=[*call.args[:-1], kept, written])
    kept = last.with_changes(
        comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")), whitespace_after_arg=_NO_SPACE
    )
    written = written.with_changes(comma=last.comma, whitespace_after_arg=last.whitespace_after_arg)
    return call.with_changes(args=[*call.args[:-1], kept, written])


def _argument_indent(call: cst.Call, ending: cst.ParenthesizedWhitespace) -> cst.SimpleWhitespace:
    """How the arguments are indented: as the last one is, from the line break before it."""
    before = call.whitespace_before_args
    if len(call.args) > 1 and isinstance(call.args[-2].comma, cst.Comma):
        before = call.args[-2].comma.whitespace_after
    if isinstance(before, cst.ParenthesizedWhitespace):
        return before.last_line
    return cst.SimpleWhitespace(ending.last_line.value + "    ")


_NO_SPACE = cst.SimpleWhitespace("")
_TIGHT_EQUAL = cst.AssignEqual(_NO_SPACE, _NO_SPACE)


def _string_like(neighbour: cst.BaseExpression, text: str) -> cst.SimpleString:
    """text as a string literal in the quotes of the string beside it."""
    quote = "'" if isinstance(neighbour, cst.SimpleString) and neighbour.quote == "'" else '"'
    return cst.SimpleString(f"{quote}{text}{quote}")


def _names_used(module: cst.Module) -> set[str]:
    """Every name the module binds or reads; not attribute names (`logging.error`)."""
    collector = _NameCollector()
    module.visit(collector)
    return collector.names


class _NameCollector(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)
        return False


def _unused_name(used: set[str], name: str) -> str:
    """name, or name with a number, whichever the module does not use."""
    candidates = itertools.chain([name], (f"{name}_{number}" for number in itertools.count(2)))
    return next(candidate for candidate in candidates if candidate not in used)


def _imported_as(module: cst.Module, qualified: str, used: set[str]) -> Optional[tuple[str, bool]]:
    """How the module may name module.name: as a `from module import name [as alias]` of its top
    level names it (and True); by its own name when the module uses no such name (False: to be
    imported); None when the name is bound to something else, or imported only conditionally."""
    source, name = qualified.rsplit(".", 1)
    for statement in module.body:
        for small in statement.body if isinstance(statement, cst.SimpleStatementLine) else ():
            if not isinstance(small, cst.ImportFrom) or small.relative or isinstance(small.names, cst.ImportStar):
                continue
            if small.module is None or get_full_name_for_node(small.module) != source:
                continue
            for alias in small.names:
                if get_full_name_for_node(alias.name) == name:
                    local = alias.asname.name if alias.asname is not None else alias.name
                    return (local.value, True) if isinstance(local, cst.Name) else None
    return None if name in used else (name, False)


def _renamed(text: str, local_names: dict[str, str]) -> str:
    """The text a fix writes, with each name it imports as the module names it."""
    for name, local in local_names.items():
        text = re.sub(rf"\b{re.escape(name)}\b", local, text)
    return text


def _strings_in(nodes: Iterable[cst.CSTNode]) -> list[str]:
    """The values of the string literals in nodes, for a diff to hide."""
    found: list[str] = []
    for node in nodes:
        for string in matchers.findall(node, matchers.SimpleString()):
            if isinstance(string, cst.SimpleString) and isinstance(string.evaluated_value, str):
                found.append(string.evaluated_value)
    return found


def _with_imports(module: cst.Module, imports: Iterable[str]) -> cst.Module:
    """The module importing what the fixes use ("+module.name"), and no longer what they replaced
    ("-module.name") once nothing else uses it."""
    context = CodemodContext()
    for change in sorted(imports):
        source, name = change[1:].rsplit(".", 1)
        if change.startswith("+"):
            AddImportsVisitor.add_needed_import(context, source, name)
        else:
            RemoveImportsVisitor.remove_unused_import(context, source, name)
    module = AddImportsVisitor(context).transform_module(module)
    return RemoveImportsVisitor(context).transform_module(module)


def _is_credential_keyword(arg: cst.Arg) -> bool:
    return arg.keyword is not None and arg.keyword.value in CREDENTIAL_KEYWORDS
