"""What the project index tells one module, delivered with the file's settings: who reaches its
own definitions, and what it takes from other modules: its clients' services, its retries'
predicates, and credentials read from the environment there.

Only facts its findings depend on travel, so a file's cached result changes exactly when
something elsewhere in the project changes what its findings say.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class CallSite:
    """A call, in this module or another, of a function that builds a client from its arguments."""

    path: str  # relative to the project root, POSIX separators
    line: int
    label: str  # e.g. "make_client('sqs')"
    service: str

    @property
    def place(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class FactoryReach:
    """A client call inside a function of this module that some call sites reach with no region."""

    line: int  # the client call's line
    region_parameter: str  # the parameter the region would come through; "" when there is none
    sites: tuple[CallSite, ...]


@dataclass(frozen=True)
class ConstantReach:
    """A module-level constant of this module that another module passes to an SDK credential parameter."""

    name: str
    line: int  # where the constant is bound
    parameter: str  # e.g. "aws_secret_access_key"
    link: str  # "explicit" for a client or resource, "session" for a Session
    target: str  # e.g. "boto3.client('s3')"
    target_place: str  # where that call is: "shop/handlers.py:22", relative to the project root


@dataclass(frozen=True)
class ImportedValue:
    """Another module's constant that this module passes to a client call as its service."""

    written: str  # as this module writes it: "SERVICE", "settings.QUEUE_SERVICE"
    line: int  # the client call
    text: str  # the constant's text, a service name
    place: str  # where the constant is bound: "shop/settings.py:12", relative to the project root


@dataclass(frozen=True)
class ImportedFunction:
    """Another module's function that this module's retries may take as their predicate."""

    written: str  # as this module writes it: "is_retryable", "utils.is_retryable"
    name: str  # as the defining module names it
    path: str  # the defining file, as the run names it
    line: int  # its first line, decorators included
    digest: str  # of its text: an edit changes this module's view, and so its cached result
    place: str  # "shop/utils.py:5", relative to the project root


@dataclass(frozen=True)
class ImportedEnvRead:
    """Another module's constant, read from the environment, that this module passes to an SDK
    credential parameter (`from .settings import AWS_KEY`, `AWS_KEY = os.environ["..."]` there)."""

    written: str  # as this module writes it: "AWS_KEY", "settings.AWS_KEY"
    line: int  # the SDK call
    variable: str
    missing: str  # what a missing variable gives: env_reads.py MISSING_*
    default: Optional[str]  # the default, only when it is a stand-in ("testing"): never a real value
    place: str  # where the read is: "shop/settings.py:4", relative to the project root


@dataclass(frozen=True)
class ProjectView:
    """Everything the project index knows that this module's findings depend on."""

    factories: tuple[FactoryReach, ...] = ()
    constants: tuple[ConstantReach, ...] = ()
    imported: tuple[ImportedValue, ...] = ()
    predicates: tuple[ImportedFunction, ...] = ()
    env_reads: tuple[ImportedEnvRead, ...] = ()

    @property
    def reaches_clients(self) -> bool:
        """Other modules' calls reach this module's factories, or give its clients their service."""
        return bool(self.factories or self.imported)

    @property
    def lines(self) -> frozenset[int]:
        """Where the module's code that others reach, or that reads others' constants, is written:
        seeds for slicing."""
        lines = [*(reach.line for reach in self.factories), *(reach.line for reach in self.constants)]
        return frozenset([*lines, *(value.line for value in self.imported)])

    def __bool__(self) -> bool:
        return bool(self.factories or self.constants or self.imported or self.predicates or self.env_reads)


NO_PROJECT_VIEW = ProjectView()
