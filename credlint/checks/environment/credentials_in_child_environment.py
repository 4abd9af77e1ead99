"""CL203: AWS credential variables put into the environment a child process starts with."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Optional

import libcst as cst

from credlint.analysis.bindings import qualified_names
from credlint.analysis.platforms import PLATFORM_ANY
from credlint.analysis.sdk import call_arguments
from credlint.checks.environment.env_writes import (
    CredentialEntry,
    EnvironmentWriteRule,
    MappingModel,
)
from credlint.checks.environment.shadowing import env_explanation
from credlint.settings import FileContext

# ref. Python's subprocess.Popen signature: run/call/check_call/check_output pass their
# positional arguments on to it, so env is the eleventh.
POPEN_PARAMETERS = (
    "args", "bufsize", "executable", "stdin", "stdout", "stderr", "preexec_fn", "close_fds", "shell", "cwd", "env",
)  # fmt: skip
# Child-process starters and the parameters they take in order; env is among them (or keyword only).
# ref. Python's os.exec*/os.spawn* and asyncio.create_subprocess_* signatures.
CHILD_STARTERS: Mapping[str, tuple[str, ...]] = {
    **{f"subprocess.{name}": POPEN_PARAMETERS for name in ("run", "call", "check_call", "check_output", "Popen")},
    "os.execve": ("path", "args", "env"),
    "os.execvpe": ("file", "args", "env"),
    "os.spawnve": ("mode", "file", "args", "env"),
    "os.spawnvpe": ("mode", "file", "args", "env"),
    "asyncio.create_subprocess_exec": (),
    "asyncio.create_subprocess_shell": (),
    "asyncio.subprocess.create_subprocess_exec": (),
    "asyncio.subprocess.create_subprocess_shell": (),
}
# These take the environment as their last positional argument, after a variable argument list.
ENV_LAST = frozenset({"os.execle", "os.execlpe", "os.spawnle", "os.spawnlpe"})
_STARTER_NAMES = frozenset(name.rsplit(".", 1)[1] for name in (*CHILD_STARTERS, *ENV_LAST))

# ref. aws-chain-reference.md section 4: the AWS CLI v2, the Java and Go SDKs v2 read environment
# keys ahead of their container and instance roles too; the JavaScript SDK v3 skips them only when
# AWS_PROFILE is set.
_CHILD_RUNTIME = (
    "The child process starts with these variables: botocore in it (and so the AWS CLI v1) answers from "
    "link 1 (env) before any role its host provides; the AWS CLI v2 and the Java and Go SDKs v2 also read "
    "environment keys before their container and instance roles, and the JavaScript SDK v3 skips them only "
    "when AWS_PROFILE is set."
)
FIX = (
    "Let the child resolve its own credentials: pass os.environ unchanged (or without the AWS_* credential "
    "variables), or hand it a profile (AWS_PROFILE) or short-lived credentials from sts.assume_role."
)


@dataclass(frozen=True)
class ChildStart:
    """A call that starts a child process with an explicit environment."""

    call: cst.Call
    label: str  # e.g. "subprocess.run(...)"
    env: cst.BaseExpression


class CredentialsInChildEnvironment(EnvironmentWriteRule):
    """A child given credential variables signs with them, ahead of the roles its host provides."""

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self.children: list[ChildStart] = []

    def called(self, node: cst.Call) -> None:
        func = node.func
        name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
        if name in _STARTER_NAMES:
            child = self._child_start(node)
            if child is not None:
                self.children.append(child)

    def _child_start(self, call: cst.Call) -> Optional[ChildStart]:
        for name in sorted(qualified_names(self, call.func)):
            env: Optional[cst.BaseExpression] = None
            if name in CHILD_STARTERS:
                env = call_arguments(self, call, CHILD_STARTERS[name]).get("env")
            elif name in ENV_LAST and not any(arg.star for arg in call.args):
                positional = [arg.value for arg in call.args if arg.keyword is None]
                env = positional[-1] if len(positional) >= 3 else None
            if env is not None:
                return ChildStart(call, f"{name}(...)", env)
        return None

    def leave_Module(self, original_node: cst.Module) -> None:
        model = MappingModel(self, self.mutations)
        reported: set[cst.CSTNode] = set()
        for child in self.children:
            for entry in model.entries(child.env):
                if entry.node not in reported:
                    reported.add(entry.node)
                    self._report_entry(child, entry)

    def _report_entry(self, child: ChildStart, entry: CredentialEntry) -> None:
        judged = self.judge(entry)
        if judged is None:
            return
        value, severity = judged
        line = self.line_of(entry.node)
        call_line = self.line_of(child.call)
        explanation = env_explanation(
            f"{entry.variable} is put into the environment of the child process that {child.label} starts "
            f"(line {call_line}): link 1 (env) of the child's credential chain.",
            f"the environment given to {child.label}",
            line,
            PLATFORM_ANY,
            runtime_note=_CHILD_RUNTIME,
            fix=FIX,
        )
        self.report(
            entry.node,
            f"{entry.variable} put into the environment of {child.label}: the child's env provider (link 1) "
            "answers ahead of its roles",
            explanation,
            secret=value.literal,
            preview=None if value.literal is not None else "",
            severity=severity,
        )
