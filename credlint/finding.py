"""The immutable values a check produces: findings, file errors and their severities."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Optional

from credlint.chain import Explanation
from credlint.secrets import fingerprint, redact, redact_credentials_in

if TYPE_CHECKING:
    from credlint.rule_info import RuleInfo


class Severity(str, enum.Enum):
    """How bad a finding is; ordered so that thresholds compare."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True, order=True)
class Span:
    """A 1-based source range; end_column is exclusive like LibCST's."""

    line: int
    column: int
    end_line: int
    end_column: int


SAFE, UNSAFE = "safe", "unsafe"
REMOVE_CREDENTIAL_ARGUMENTS = "remove-credential-arguments"
REMOVE_STATEMENT = "remove-statement"
ADD_REGION = "add-region"
GUARD_RETRY = "guard-retry"
SET_RETRY_PREDICATE = "set-retry-predicate"
REMOVE_ENTRY = "remove-entry"  # a variable out of a deployment file (deployment/removal.py)
# What taking the explicit credentials out of an SDK call does (CL101-CL103, CL202).
REMOVE_CREDENTIALS_DESCRIPTION = (
    "remove the explicit credential arguments, so the provider chain finds the role; rotate the key too"
)


@dataclass(frozen=True)
class Fix:
    """An edit that resolves a finding, described by where it applies rather than by text: it is
    made on the whole file when asked for (fixing.py), and holds no secret."""

    safety: str  # SAFE keeps behaviour; UNSAFE changes it (--unsafe-fixes)
    action: str  # one of the names above
    line: int  # where the edit is anchored: an argument's value, a statement's start, a call, an except type
    column: int  # 1-based, as Span's
    description: str  # what it does, for a diff's heading
    # What the edit writes, "{}" standing for a name the fixer chooses: ADD_REGION (region,);
    # GUARD_RETRY (statement,), given the error's name; SET_RETRY_PREDICATE (keyword, value, function
    # defining the predicate, *imports), value and function given the predicate's name, each import
    # "+module.name" to add or "-module.name" to drop once nothing uses it.
    arguments: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    """One problem at one place. It never holds a secret: only its redacted preview."""

    path: str
    span: Span
    code: str
    name: str
    category: str
    severity: Severity
    message: str
    preview: str
    fingerprint: str
    explanation: Explanation = field(compare=False)
    fix: Optional[Fix] = field(default=None, compare=False)

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.span.line, self.span.column, self.code)


@dataclass(frozen=True)
class FileError:
    """A file that could not be checked, and why in words a user can act on."""

    path: str
    message: str
    kind: str
    # False for a file skipped by its nature (a FIFO, a dangling link, a data file over the size
    # limit): reported as a warning, and the run still passes.
    blocking: bool = True

    @property
    def level(self) -> str:
        return "error" if self.blocking else "warning"


def make_finding(
    info: RuleInfo,
    path: str,
    span: Span,
    message: str,
    explanation: Explanation,
    *,
    secret: Optional[str] = None,
    preview: Optional[str] = None,
    severity: Optional[Severity] = None,
    fix: Optional[Fix] = None,
) -> Finding:
    """A finding of rule info; a secret is redacted and hashed here and goes no further."""
    if secret is not None:
        shown, basis = redact(secret), secret
    else:
        shown = preview or ""
        basis = shown or message
    return Finding(
        path=path,
        span=span,
        code=info.code,
        name=info.name,
        category=info.category,
        severity=severity or info.severity,
        message=redact_credentials_in(message),
        preview=shown,
        fingerprint=fingerprint(info.code, basis),
        explanation=replace(explanation, summary=redact_credentials_in(explanation.summary)),
        fix=fix,
    )
