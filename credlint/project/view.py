"""What the project index tells one module about its own code, delivered with the file's settings.

Only facts about the module's own definitions travel, so a file's cached result changes exactly
when something elsewhere in the project changes what its findings say.
"""

from __future__ import annotations

from dataclasses import dataclass


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
class ProjectView:
    """Everything the project index knows that this module's findings depend on."""

    factories: tuple[FactoryReach, ...] = ()
    constants: tuple[ConstantReach, ...] = ()

    @property
    def lines(self) -> frozenset[int]:
        """Where the module's code that others reach is written: seeds for slicing."""
        return frozenset({reach.line for reach in self.factories} | {reach.line for reach in self.constants})

    def __bool__(self) -> bool:
        return bool(self.factories or self.constants)


NO_PROJECT_VIEW = ProjectView()
