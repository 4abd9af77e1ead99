"""Applying the fixes findings carry: LibCST transformations of the whole file, which keep its
formatting and comments. A fix is found again from where it is anchored, so a file that changed
since it was checked is edited only where the fix still applies."""

from __future__ import annotations

import codecs
import difflib
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Optional, TypeVar, Union

import libcst as cst
import libcst.matchers as matchers
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.metadata import MetadataWrapper, PositionProvider

from credlint.file_kinds import DOCKERFILE, DOTENV, YAML, kind_by_name
from credlint.finding import (
    ADD_REGION,
    GUARD_RETRY,
    REMOVE_CREDENTIAL_ARGUMENTS,
    REMOVE_ENTRY,
    REMOVE_STATEMENT,
    SAFE,
    SET_RETRY_PREDICATE,
    Finding,
    Fix,
)
from credlint.secrets import redact_credentials_only

DEPLOYMENT_KINDS = frozenset({DOCKERFILE, DOTENV, YAML})  # those whose variables CL205's fix takes out

ACTIONS = (REMOVE_CREDENTIAL_ARGUMENTS, REMOVE_STATEMENT, ADD_REGION, GUARD_RETRY, SET_RETRY_PREDICATE)
GUARD_NAME = "error"  # what an except clause with no name is given to test
PREDICATE_NAME = "is_retryable"  # the predicate a retry library is given, unless the module uses the name
# ref. analysis/credential_slots.py SDK_PARAMETER_SLOTS: what an explicit credential is passed as.
CREDENTIAL_KEYWORDS = frozenset({"aws_access_key_id", "aws_secret_access_key", "aws_session_token"})


@dataclass(frozen=True)
class FixedFile:
    """A file's text before and after its fixes, and the findings they resolve."""

    path: str
    before: str
    after: str
    after_bytes: bytes  # in the file's own encoding and line endings
    fixed: tuple[Finding, ...]

    def diff(self) -> str:
        """A unified diff in which every value of a credential's shape is shown redacted."""
        lines = difflib.unified_diff(
            self.before.splitlines(keepends=True),
            self.after.splitlines(keepends=True),
            fromfile=f"a/{self.path}",
            tofile=f"b/{self.path}",
        )
        text = "".join(line if line.endswith("\n") else f"{line}\n" for line in lines)
        return redact_credentials_only(text)


def fixable(findings: Iterable[Finding], *, unsafe: bool) -> list[Finding]:
    """The findings whose fix may be applied: the safe ones, and the unsafe ones when asked for."""
    return [finding for finding in findings if finding.fix is not None and (unsafe or finding.fix.safety == SAFE)]


def fix_source(path: str, source: bytes, findings: Sequence[Finding]) -> Optional[FixedFile]:
    """The file with the fixes of findings applied, or None when none applies or it no longer parses."""
    kind = kind_by_name(PurePath(path))
    if kind in DEPLOYMENT_KINDS:
        return _fix_deployment(path, kind, source, findings)
    try:
        module = cst.parse_module(source)
    except (cst.ParserSyntaxError, RecursionError, ValueError):
        return None
    fixer = _Fixer(findings)
    fixed = MetadataWrapper(module, unsafe_skip_copy=True).visit(fixer)
    if not fixer.applied:
        return None
    if fixer.imports:
        fixed = _with_imports(fixed, fixer.imports)
    before = module.bytes.decode(module.encoding)
    after = fixed.bytes.decode(fixed.encoding)
    return FixedFile(path, before, after, fixed.bytes, tuple(fixer.applied))


def _fix_deployment(path: str, kind: str, source: bytes, findings: Sequence[Finding]) -> Optional[FixedFile]:
    """A deployment file without the variables of findings, in its own encoding (UTF-8, its BOM kept)."""
    from credlint.deployment.removal import without_entries

    anchors = {(f.fix.line, f.fix.column): f for f in findings if f.fix is not None and f.fix.action == REMOVE_ENTRY}
    try:
        before = source.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    removed = without_entries(kind, path, before, anchors) if anchors else None
    if removed is None:
        return None
    after, taken = removed
    bom = codecs.BOM_UTF8 if source.startswith(codecs.BOM_UTF8) else b""
    return FixedFile(
        path, before, after, bom + after.encode("utf-8"), tuple(anchors[anchor] for anchor in sorted(taken))
    )


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
        self._emptied: set[int] = set()  # statement lines all of whose statements were deleted
        self.imports: set[str] = set()  # "+module.name" to add, "-module.name" to drop if unused
        self._predicate_name = PREDICATE_NAME
        self._predicates: dict[int, str] = {}  # the function defining the predicate, by where it is given

    def visit_Module(self, node: cst.Module) -> None:
        if self.anchors[SET_RETRY_PREDICATE]:
            self._predicate_name = _unused_name(node, PREDICATE_NAME)

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
        """The call given the predicate in its library's keyword, in place of what that keyword had."""
        keyword, value, function, *imports = fix.arguments
        self.applied.append(found)
        self._predicates[fix.line] = function
        self.imports.update(imports)
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
        name = named.value if named is not None else GUARD_NAME
        (guard_text,) = found.fix.arguments
        guard = cst.parse_statement(guard_text.format(name))
        self.applied.append(found)
        body = updated_node.body.with_changes(body=[guard, *updated_node.body.body])
        if named is None:
            return updated_node.with_changes(body=body, name=cst.AsName(cst.Name(GUARD_NAME)))
        return updated_node.with_changes(body=body)

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        kept = self._kept_statements(original_node.body, updated_node.body)
        if kept is None:
            return updated_node
        if not kept:
            self._emptied.add(id(updated_node))  # the block it is in drops it (_without_emptied)
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
        if self._predicates:
            updated_node = self._with_predicate_function(original_node, updated_node)
        return self._without_emptied(updated_node)

    def _with_predicate_function(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        """The predicate defined before the first statement that uses it, after its blank lines."""
        first = min(self._predicates)
        index = next(
            index
            for index, statement in enumerate(original.body)
            if self.get_metadata(PositionProvider, statement).end.line >= first
        )
        before = updated.body[index]
        blank = [line for line in before.leading_lines if line.comment is None][:2] or [cst.EmptyLine()] * 2
        text = self._predicates[first].format(self._predicate_name)
        function = cst.parse_statement(text).with_changes(leading_lines=blank)
        return updated.with_changes(body=[*updated.body[:index], function, *updated.body[index:]])

    def _without_emptied(self, block: Block) -> Block:
        """The block without its emptied lines; their comments go to what follows, and a block left
        with no statement gets `pass`."""
        body: list[cst.BaseStatement] = []
        comments: list[cst.EmptyLine] = []
        for statement in block.body:
            lines: list[cst.EmptyLine] = list(getattr(statement, "leading_lines", ()))
            if id(statement) in self._emptied:
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
    """The call given `keyword=value` last; the call keeps how its arguments end (a line break, a
    trailing comma) and how they are separated."""
    if not call.args:
        return call.with_changes(args=[cst.Arg(value, keyword=cst.Name(keyword), equal=_TIGHT_EQUAL)])
    last = call.args[-1]
    between = call.args[-2].comma if len(call.args) > 1 else cst.MaybeSentinel.DEFAULT
    separator = between if isinstance(between, cst.Comma) else cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    written = cst.Arg(
        value,
        keyword=cst.Name(keyword),
        equal=_TIGHT_EQUAL,
        comma=last.comma,
        whitespace_after_arg=last.whitespace_after_arg,
    )
    kept = last.with_changes(comma=separator, whitespace_after_arg=cst.SimpleWhitespace(""))
    return call.with_changes(args=[*call.args[:-1], kept, written])


_TIGHT_EQUAL = cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))


def _string_like(neighbour: cst.BaseExpression, text: str) -> cst.SimpleString:
    """text as a string literal in the quotes of the string beside it."""
    quote = "'" if isinstance(neighbour, cst.SimpleString) and neighbour.quote == "'" else '"'
    return cst.SimpleString(f"{quote}{text}{quote}")


def _unused_name(module: cst.Module, name: str) -> str:
    """name, or name with a number, whichever no name in the module is."""
    used = {found.value for found in matchers.findall(module, matchers.Name()) if isinstance(found, cst.Name)}
    candidates = itertools.chain([name], (f"{name}_{number}" for number in itertools.count(2)))
    return next(candidate for candidate in candidates if candidate not in used)


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
