"""What rules may know about a file beyond its content, delivered with each file as immutable values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from credlint.project.view import NO_PROJECT_VIEW, ProjectView

# What env-shadowing rules do in test files and with fake values: pytest fixtures and moto-style
# "testing" keys set credentials in the environment on purpose, so by default they are only info.
TEST_POLICY_INFO = "info"
TEST_POLICY_IGNORE = "ignore"
TEST_POLICY_REPORT = "report"
TEST_POLICIES = (TEST_POLICY_INFO, TEST_POLICY_IGNORE, TEST_POLICY_REPORT)


@dataclass(frozen=True)
class DotenvCredential:
    """An AWS credential variable that a dotenv file under the configuration root defines."""

    path: str  # relative to the configuration root, POSIX separators
    variable: str
    line: int
    fake: bool = False  # a stand-in value ("test", "dummy"...), as analysis.stand_ins.looks_fake says


@dataclass(frozen=True)
class RuleSettings:
    """The settings rules read, delivered with each file (never a global)."""

    # "environment": the team provides AWS_DEFAULT_REGION to every process on purpose.
    region_from: Optional[str] = None
    # The region CL301's fix passes to clients created without one ([tool.credlint] default-region).
    default_region: Optional[str] = None
    # Where the scanned project itself sets AWS_DEFAULT_REGION, e.g. "Dockerfile:4".
    declared_region: Optional[str] = None
    # The file matches `test-files`; env-shadowing findings there follow `test_policy`.
    test_file: bool = False
    test_policy: str = TEST_POLICY_INFO
    # The configuration root (absolute, POSIX) and the credential variables its dotenv files define.
    root: str = ""
    dotenv_credentials: tuple[DotenvCredential, ...] = ()
    # Every dotenv file there, nearest first, with credentials or not: find_dotenv stops at the first.
    dotenv_files: tuple[str, ...] = ()
    # What the project's other modules do with this module's definitions (project/index.py).
    project: ProjectView = NO_PROJECT_VIEW


DEFAULT_RULE_SETTINGS = RuleSettings()


@dataclass(frozen=True)
class FileContext:
    """What a rule may know about the file it checks, beyond its content."""

    path: str
    settings: RuleSettings = DEFAULT_RULE_SETTINGS
