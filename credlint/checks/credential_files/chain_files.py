"""The files botocore's credential chain reads from disk, and how a path names one of them."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from typing import Optional

from credlint.finding import Severity

AWS_DIRECTORY_NAME = ".aws"


@dataclass(frozen=True)
class CredentialFile:
    """A file (or directory) of credentials or configuration that a link of the chain reads."""

    what: str  # for messages: "an AWS shared credentials file"
    link: str  # the CREDENTIAL_CHAIN method that reads it
    severity: Severity  # in the image; one step lower in a build stage the image does not hold


# ref. aws-chain-reference.md section 1: link 5 reads AWS_SHARED_CREDENTIALS_FILE (default
# ~/.aws/credentials), link 8 AWS_CONFIG_FILE (default ~/.aws/config), link 9 the file
# AWS_CREDENTIAL_FILE names, link 10 BOTO_CONFIG, /etc/boto.cfg or ~/.boto.
SHARED_CREDENTIALS = CredentialFile("an AWS shared credentials file", "shared-credentials-file", Severity.ERROR)
AWS_DIRECTORY = CredentialFile("an .aws directory", "shared-credentials-file", Severity.ERROR)
# A config file may hold nothing but a region; credlint cannot open it to tell, so a warning.
CONFIG = CredentialFile("an AWS config file", "config-file", Severity.WARNING)
EC2_CREDENTIALS = CredentialFile("an EC2 credentials file", "ec2-credentials-file", Severity.ERROR)
BOTO_CONFIG = CredentialFile("a boto configuration file", "boto-config", Severity.ERROR)

# The variables that name each file somewhere else.
FILE_VARIABLES = {
    "AWS_SHARED_CREDENTIALS_FILE": SHARED_CREDENTIALS,
    "AWS_CONFIG_FILE": CONFIG,
    "AWS_CREDENTIAL_FILE": EC2_CREDENTIALS,
    "BOTO_CONFIG": BOTO_CONFIG,
}
BOTO_FILE_NAMES = (".boto", "boto.cfg")
_SEPARATORS = re.compile(r"[/\\]+")
# Worse first: a path that names two of them is reported as the worse.
_BY_RANK = (SHARED_CREDENTIALS, AWS_DIRECTORY, BOTO_CONFIG, EC2_CREDENTIALS, CONFIG)


def components(path: str) -> tuple[str, ...]:
    """A path's names, `/` or `\\` separated, without empty names and `.`."""
    return tuple(name for name in _SEPARATORS.split(path) if name and name != ".")


def named_file(names: tuple[str, ...]) -> Optional[CredentialFile]:
    """The file a path's last names give: `.aws/credentials`, `.aws/config`, `.aws`, `.boto`,
    `boto.cfg`; a wildcard counts when it matches (`.aws/cred*`, `.aws/*`)."""
    if not names:
        return None
    last = names[-1]
    if last == AWS_DIRECTORY_NAME:
        return AWS_DIRECTORY
    if len(names) >= 2 and names[-2] == AWS_DIRECTORY_NAME:
        if fnmatch.fnmatchcase("credentials", last):
            return SHARED_CREDENTIALS
        if fnmatch.fnmatchcase("config", last):
            return CONFIG
    if last in BOTO_FILE_NAMES:
        return BOTO_CONFIG
    return None


def worse(*found: Optional[CredentialFile]) -> Optional[CredentialFile]:
    """The worst of the files found, or None."""
    present = {kind for kind in found if kind is not None}
    return next((kind for kind in _BY_RANK if kind in present), None)


def lower(severity: Severity) -> Severity:
    return Severity.WARNING if severity is Severity.ERROR else Severity.INFO
