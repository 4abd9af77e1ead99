"""The immutable values a check produces: findings, file errors and their severities."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Optional

from credlint.chain import Explanation


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

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.span.line, self.span.column, self.code)


@dataclass(frozen=True)
class FileError:
    """A file that could not be checked, and why in words a user can act on."""

    path: str
    message: str
    kind: str
    line: Optional[int] = None
