"""What a deployment file says about its processes' environment, whatever its format."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from credlint.finding import Span

# How an entry's value is given.
VALUE_LITERAL = "literal"  # written in the file
VALUE_HOST = "host"  # taken from the environment of whoever starts it (`- KEY`, `${KEY}`, `ARG KEY`)
VALUE_SECRET = "secret"  # a reference to a secret store (secretKeyRef, ECS `secrets`, `${{ secrets.X }}`)
VALUE_EXPRESSION = "expression"  # computed by the tool (`!Ref`, `${{ vars.X }}`, `${param}`)

# What a file is, once its name and shape are known.
DOCKERFILE = "Dockerfile"
COMPOSE = "compose file"
KUBERNETES = "Kubernetes manifest"
ECS_TASK_DEFINITION = "ECS task definition"
GITHUB_WORKFLOW = "GitHub Actions workflow"
DOTENV = "dotenv file"
SYSTEMD_UNIT = "systemd unit"
CLOUDFORMATION = "CloudFormation template"
SAM = "SAM template"


class DeploymentParseError(ValueError):
    """The file is not valid in its format; line and column are 1-based."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


Position = tuple[int, int]  # a 1-based line and a 0-based column


@dataclass(frozen=True)
class TextPlace:
    """Where an entry is written, for a fix that takes it out: its own text and its group's (a
    Dockerfile instruction, a YAML block with its key), ends exclusive. A group goes whole when all
    its entries do; an entry that is one word of several goes with the space up to the next."""

    start: Position
    end: Position
    group_start: Position
    group_end: Position
    words: bool = False
    opens_with: str = ""  # what its first line holds first, indentation aside: "-" for a YAML sequence item


def whole_lines(first: int, last: int) -> tuple[Position, Position]:
    """The start and end of lines first to last (1-based), their line breaks included."""
    return (first, 0), (last + 1, 0)


@dataclass(frozen=True)
class EnvironmentEntry:
    """One environment variable a deployment file gives a process (or an action input that does)."""

    variable: str
    value: Optional[str]  # the literal value, when VALUE_LITERAL; never shown, only redacted
    value_kind: str  # VALUE_*
    where: str  # for messages: "ENV in the Dockerfile", "service 'web' environment", ...
    platform: str  # a PLATFORM_* of credlint.checks.environment.shadowing
    span: Span  # the variable's name in the file
    place: Optional[TextPlace] = None  # where a fix can take it out; None where none is offered


@dataclass(frozen=True)
class DeploymentFile:
    """A parsed deployment file: what it is (None when its shape is none of ours) and its entries."""

    what: Optional[str]
    entries: tuple[EnvironmentEntry, ...] = ()
