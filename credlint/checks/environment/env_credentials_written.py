"""CL201: code writes AWS credential variables into its own process environment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Union

import libcst as cst

from credlint.analysis.bindings import qualified_names
from credlint.analysis.platforms import PLATFORM_ANY
from credlint.analysis.stand_ins import is_stand_in
from credlint.chain import Explanation
from credlint.checks.environment.env_writes import (
    CredentialEntry,
    EnvironmentWriteRule,
    MappingModel,
    WrittenValue,
    call_entries,
    credential_variable,
    is_environ,
)
from credlint.checks.environment.shadowing import env_explanation
from credlint.finding import REMOVE_STATEMENT, UNSAFE, Fix
from credlint.settings import FileContext

ITEM = "item"
UPDATE = "update"
MERGE = "merge"
SETDEFAULT = "setdefault"
PUTENV = "putenv"
PUTENV_FUNCTIONS = frozenset({"os.putenv"})

# How each kind of write is named in messages and explanations.
_WRITTEN_BY = {
    ITEM: "written into os.environ",
    UPDATE: "written into os.environ by update()",
    MERGE: "merged into os.environ with |=",
    SETDEFAULT: "written into os.environ by setdefault()",
    PUTENV: "exported by os.putenv()",
}
_EFFECT = {
    ITEM: "it takes link 1 (env) ahead of the instance and task roles",
    UPDATE: "it takes link 1 (env) ahead of the instance and task roles",
    MERGE: "it takes link 1 (env) ahead of the instance and task roles",
    SETDEFAULT: "where it is unset, it takes link 1 (env) ahead of the instance and task roles",
    PUTENV: "child processes take it as link 1 (env) ahead of their instance and task roles",
}
_TARGET = {
    ITEM: "os.environ[{variable!r}] = ...",
    UPDATE: "os.environ.update({variable}=...)",
    MERGE: "os.environ |= {{{variable!r}: ...}}",
    SETDEFAULT: "os.environ.setdefault({variable!r}, ...)",
    PUTENV: "os.putenv({variable!r}, ...)",
}
# ref. aws-chain-reference.md sections 1 and 7: Lambda sets these variables from the execution
# role before the code runs, so setdefault leaves the role in place there.
_RUNTIME_NOTES = {
    SETDEFAULT: (
        "setdefault writes only where the variable is unset: on Lambda, where the runtime has set it from "
        "the execution role, the role stays; on EC2, ECS, EKS and developer machines these keys win."
    ),
    PUTENV: (
        "os.putenv changes the environment that child processes inherit, not os.environ, which botocore in "
        "this process reads: this process keeps its chain, and every child it starts takes these keys."
    ),
}
# ref. aws-chain-reference.md section 1: the token is read from AWS_SECURITY_TOKEN, then AWS_SESSION_TOKEN.
_TOKEN_NOTE = (
    "The env provider reads a token only with AWS_ACCESS_KEY_ID, and takes AWS_SECURITY_TOKEN before AWS_SESSION_TOKEN."
)


# Writes of one variable each, which the fix deletes whole (fixing.py finds the statement that
# starts with the written item, or whose call takes it first); update() and |= write several.
_WHOLE_STATEMENT_WRITES = frozenset({ITEM, SETDEFAULT, PUTENV})
_REMOVE_WRITE = "delete the write, so the provider chain goes on to the role; rotate a key that was written here"


@dataclass(frozen=True)
class EnvironmentWrite:
    """A statement or call that writes into the process environment, before its variables are known."""

    kind: str
    node: Union[cst.Subscript, cst.Call, cst.AugAssign]
    value: Optional[cst.BaseExpression]  # the value of `os.environ[K] = v`


class EnvCredentialsWritten(EnvironmentWriteRule):
    """Keys written into os.environ take link 1 (env) and hide every role for the rest of the process."""

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self.writes: list[EnvironmentWrite] = []

    def assigned(self, target: cst.BaseExpression, value: Optional[cst.BaseExpression]) -> None:
        if isinstance(target, cst.Subscript) and not self.under_patched_environ and is_environ(self, target.value):
            self.writes.append(EnvironmentWrite(ITEM, target, value))

    def augmented(self, node: cst.AugAssign) -> None:
        merged = isinstance(node.operator, cst.BitOrAssign) and is_environ(self, node.target)
        if merged and not self.under_patched_environ:
            self.writes.append(EnvironmentWrite(MERGE, node, None))

    def called(self, node: cst.Call) -> None:
        if self.under_patched_environ:
            return
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in (UPDATE, SETDEFAULT):
            if is_environ(self, func.value):
                self.writes.append(EnvironmentWrite(func.attr.value, node, None))
        elif (isinstance(func, cst.Name) or (isinstance(func, cst.Attribute) and func.attr.value == PUTENV)) and (
            qualified_names(self, func) & PUTENV_FUNCTIONS
        ):
            self.writes.append(EnvironmentWrite(PUTENV, node, None))

    def leave_Module(self, original_node: cst.Module) -> None:
        model = MappingModel(self, self.mutations)
        reported: set[cst.CSTNode] = set()
        for write in self.writes:
            for entry in self._entries(model, write):
                if entry.node not in reported:
                    reported.add(entry.node)
                    self._report_entry(write.kind, entry)

    def _entries(self, model: MappingModel, write: EnvironmentWrite) -> list[CredentialEntry]:
        node = write.node
        if isinstance(node, cst.Subscript):
            index = node.slice[0].slice if len(node.slice) == 1 else None
            variable = credential_variable(self, index.value) if isinstance(index, cst.Index) else None
            return [CredentialEntry(variable, node, write.value)] if variable else []
        if isinstance(node, cst.AugAssign):
            return model.entries(node.value)
        if write.kind == PUTENV:
            positional = [arg.value for arg in node.args if arg.keyword is None and not arg.star]
            variable = credential_variable(self, positional[0]) if len(positional) == 2 else None
            return [CredentialEntry(variable, positional[0], positional[1])] if variable else []
        return call_entries(model, node)

    def _report_entry(self, kind: str, entry: CredentialEntry) -> None:
        judged = self.judge(entry)
        if judged is None:
            return
        value, severity = judged
        self.report(
            entry.node,
            f"{entry.variable} {_WRITTEN_BY[kind]}: {_EFFECT[kind]}",
            self._explanation(kind, entry),
            secret=value.literal,
            preview=None if value.literal is not None else "",
            severity=severity,
            fix=self._fix(kind, entry, value),
        )

    def _fix(self, kind: str, entry: CredentialEntry, value: WrittenValue) -> Optional[Fix]:
        """Deleting the statement, for a write of one variable that is no stand-in."""
        if kind not in _WHOLE_STATEMENT_WRITES or is_stand_in(self.context.settings, fake=value.fake):
            return None
        return self.fix_at(entry.node, UNSAFE, REMOVE_STATEMENT, _REMOVE_WRITE)

    def _explanation(self, kind: str, entry: CredentialEntry) -> Explanation:
        line = self.line_of(entry.node)
        target = _TARGET[kind].format(variable=entry.variable)
        notes = [_RUNTIME_NOTES.get(kind, "")]
        if entry.variable in ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
            notes.append(_TOKEN_NOTE)
        return env_explanation(
            f"{entry.variable} is written into the process environment by {target} (line {line}): botocore's "
            "env provider, link 1 of the credential chain, reads it for every client created afterwards.",
            target,
            line,
            PLATFORM_ANY,
            runtime_note=" ".join(note for note in notes if note),
        )
