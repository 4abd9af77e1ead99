"""Which link of the credential chain a key written in a non-Python file would take, if the file is
used as written, and the explanation of CL101-CL104 findings there.

The file's name says most: a shared credentials or config file (links 5 and 8), a boto config
(link 10), a shell script, dotenv file or container setting that exports the variables (link 1),
Terraform (the AWS provider's own arguments), code in another language (an SDK constructor's
explicit keys), a document (no link at all: a leak only). A value named like one of the
variables botocore's env provider reads is link 1 wherever it stands.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Optional

from credlint.analysis.key_ids import key_id_note
from credlint.chain import (
    ACCESS_KEY_ID,
    CREDENTIAL_VARIABLES,
    CREDENTIAL_WORDS,
    SESSION_TOKEN,
    STATUS_WHERE_PASSED,
    CredentialPlacement,
    Explanation,
    credential_steps,
)
from credlint.checks.credentials.text_scan import TextCredential
from credlint.file_kinds import DOCKERFILE, DOTENV, NOTEBOOK, SYSTEMD

SHARED_CREDENTIALS = "shared-credentials-file"
CONFIG_FILE = "config-file"
BOTO_CONFIG = "boto-config"
ENV = "env"
TERRAFORM = "terraform"
OTHER_SDK = "other-sdk"
UNPARSED_PYTHON = "unparsed-python"  # a Python module read as text because it does not parse
DOCUMENT = "document"
SETTING = "setting"
OTHER_TOOL = "other-tool"

_SHELL_NAMES = frozenset({".bashrc", ".bash_profile", ".profile", ".zshrc", ".zprofile", ".kshrc", "makefile"})
_SHELL_SUFFIXES = frozenset({".sh", ".bash", ".zsh", ".ksh", ".fish", ".ps1", ".bat", ".cmd", ".mk"})
# ref. POSIX `#!` lines: /bin/sh, /usr/bin/env bash, /bin/zsh...
_SHELL_SHEBANG = re.compile(r"#!\S*(?:/|\s)(?:env\s+)?(?:ba|z|k|da)?sh\b")
_TERRAFORM_SUFFIXES = frozenset({".tf", ".tfvars", ".hcl"})
# ref. aws-chain-reference.md section 4: the SDKs of these languages take explicit keys first.
_CODE_SUFFIXES = frozenset(
    {".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".java", ".kt", ".kts", ".scala", ".groovy", ".go", ".rb",
     ".php", ".cs", ".swift", ".rs", ".c", ".cc", ".cpp", ".m", ".dart", ".lua", ".pl", ".r"}
)  # fmt: skip
_DOCUMENT_SUFFIXES = frozenset(
    {".md", ".markdown", ".rst", ".txt", ".adoc", ".asciidoc", ".org", ".html", ".htm", ".tex"}
)
_INI_SUFFIXES = frozenset({".ini", ".cfg", ".conf", ".config"})
# ref. aws-chain-reference.md section 1, link 10 (BotoProvider): BOTO_CONFIG, /etc/boto.cfg, ~/.boto.
_BOTO_NAMES = frozenset({".boto", "boto.cfg", "boto.config"})

_TOKEN_TYPE = (
    " A session token belongs to temporary STS credentials: with its ASIA key id and secret it works "
    "until it expires (up to 36 hours), as the role or user it was issued to."
)
ROTATE = (
    " Deactivate and rotate the key in IAM now: deleting the line does not remove it from the "
    "repository's history, where anyone who can clone it can read it."
)
_RUNTIME = {
    SHARED_CREDENTIALS: (
        "Used as the shared credentials file (~/.aws/credentials, or the file AWS_SHARED_CREDENTIALS_FILE "
        "names), this profile answers at link 5 (shared-credentials-file) whenever no environment keys are "
        "set: ahead of the container role (link 11) and the instance profile (link 12). A file like this "
        "copied into an image beats the ECS task role and the EC2 instance role."
    ),
    CONFIG_FILE: (
        "Used as the config file (~/.aws/config, or the file AWS_CONFIG_FILE names), keys in a profile "
        "answer at link 8 (config-file), ahead of the container role (link 11) and the instance profile "
        "(link 12)."
    ),
    BOTO_CONFIG: (
        "botocore still reads the legacy boto config (BOTO_CONFIG, /etc/boto.cfg, ~/.boto) at link 10, "
        "ahead of the container role (link 11) and the instance profile (link 12)."
    ),
    ENV: (
        "Exported into a process's environment, these variables are read by botocore's env provider "
        "(link 1), which answers first: every client without explicit keys signs as the key's owner and "
        "the roles (web identity, container role, instance profile) are never consulted."
    ),
    TERRAFORM: (
        "The AWS provider uses access_key/secret_key/token given in its configuration before its own "
        "chain (environment, shared files, web identity, container role, instance profile), like "
        "explicit keys in an SDK: every plan and apply runs as the key's owner, whatever role the "
        "runner has. Values in a .tfvars file reach the provider through its variables."
    ),
    UNPARSED_PYTHON: (
        "Given to a boto3 client or session, keys are the explicit link, used before the whole provider "
        "chain, so no role of the platform is used. The module does not parse as Python 3, so its "
        "surroundings were not read; the value is in the source either way."
    ),
    OTHER_SDK: (
        "AWS SDKs in every language take keys given to a client or credentials object before their "
        "default provider chain (Java's DefaultCredentialsProvider, JavaScript's fromNodeProviderChain, "
        "Go's LoadDefaultConfig): the explicit link, so no role of the platform is used."
    ),
    DOCUMENT: (
        "No program reads this file for credentials, so it takes no link of any chain: it is a leak "
        "only, readable by everyone who can read the repository."
    ),
    SETTING: (
        "A program that reads this setting and passes it to an SDK gives it the explicit link, ahead of "
        "the whole chain; exported as AWS_ACCESS_KEY_ID and friends it takes link 1 (env). Either way "
        "the platform's roles are never consulted."
    ),
    OTHER_TOOL: (
        "This file configures another tool (s3cmd reads ~/.s3cfg); botocore's chain never reads it, but "
        "the tool signs every request as the key's owner."
    ),
}
_NO_CREDENTIAL_FILES = (
    "Keep credential files out of the repository and out of images: use SSO or credential_process on "
    "developer machines and the platform's role in AWS."
)
_CODE_FIX = (
    "Remove the keys from the code and create clients with the default provider chain, which finds a "
    "profile, SSO or the platform's role."
)
_FIX = {
    SHARED_CREDENTIALS: _NO_CREDENTIAL_FILES,
    CONFIG_FILE: _NO_CREDENTIAL_FILES,
    BOTO_CONFIG: "Delete the keys from the boto config; use a profile with SSO, or the platform's role.",
    ENV: "Do not set key variables in scripts or settings: use a profile (AWS_PROFILE) with SSO locally "
    "and the task role, instance profile or IRSA in AWS; in CI, assume a role through OIDC.",
    TERRAFORM: "Remove the keys from the provider and its variables: let the provider find a role "
    "(assume_role, OIDC in CI, a profile with SSO locally).",
    OTHER_SDK: _CODE_FIX,
    UNPARSED_PYTHON: _CODE_FIX,
    DOCUMENT: "Replace the key with AWS's documentation example (AKIAIOSFODNN7EXAMPLE) or a placeholder.",
    SETTING: "Remove the keys from the file; let the SDK's chain find a role, or read them from a "
    "secret store at runtime.",
    OTHER_TOOL: "Remove the file from the repository and configure the tool with a role or short-lived keys.",
}


def place_of(path: str, kind: str, credential: TextCredential, first_line: str = "") -> str:
    """Which link the value would take where it is written, from the file's name (or a script's
    shebang) and the value's own name."""
    if credential.name in CREDENTIAL_VARIABLES:
        return ENV
    file = PurePosixPath(path)
    name, suffix = file.name.lower(), file.suffix.lower()
    shell_script = bool(_SHELL_SHEBANG.match(first_line))
    if kind in (DOTENV, DOCKERFILE, SYSTEMD) or suffix in _SHELL_SUFFIXES or name in _SHELL_NAMES or shell_script:
        return ENV
    if name in _BOTO_NAMES:
        return BOTO_CONFIG
    if name == ".s3cfg":
        return OTHER_TOOL
    if name == "credentials" or name.startswith("credentials."):
        return SHARED_CREDENTIALS
    if name == "config" or (name.startswith("config.") and suffix in _INI_SUFFIXES):
        return CONFIG_FILE
    if suffix in _INI_SUFFIXES and credential.name.lower().startswith("aws_"):
        return SHARED_CREDENTIALS
    if suffix in _TERRAFORM_SUFFIXES or name.endswith(".tf.json"):
        return TERRAFORM
    if suffix in _CODE_SUFFIXES:
        return OTHER_SDK
    if suffix in (".py", ".pyw", ".pyi"):
        return UNPARSED_PYTHON
    if kind == NOTEBOOK or suffix in _DOCUMENT_SUFFIXES or name.startswith("readme"):
        return DOCUMENT
    return SETTING


# The places that are links of botocore's chain; their names are the links' METHOD names.
_CHAIN_LINKS = frozenset({SHARED_CREDENTIALS, CONFIG_FILE, BOTO_CONFIG, ENV})
WHERE = {
    SHARED_CREDENTIALS: "a shared credentials file",
    CONFIG_FILE: "an AWS config file",
    BOTO_CONFIG: "a boto config file",
    ENV: "an environment setting",
    TERRAFORM: "Terraform configuration",
    OTHER_SDK: "non-Python code",
    UNPARSED_PYTHON: "a Python module that does not parse (read as text)",
    DOCUMENT: "a document",
    SETTING: "a configuration file",
    OTHER_TOOL: "another tool's configuration",
}


def text_explanation(credential: TextCredential, place: str, cell: Optional[int] = None) -> Explanation:
    """Which link the value takes in this place, what it shadows, the key's type and the fix."""
    word = CREDENTIAL_WORDS[credential.credential]
    named = f" as {credential.name}" if credential.name else ""
    where = f"line {credential.line}, cell {cell}" if cell else f"line {credential.line}"
    summary = f"A hard-coded {word} is written{named} in {WHERE[place]} ({where})."
    if place in _CHAIN_LINKS:
        steps = credential_steps(CredentialPlacement(place, f"this file, line {credential.line}", credential.line))
    elif place in (TERRAFORM, OTHER_SDK, UNPARSED_PYTHON):
        steps = credential_steps(CredentialPlacement("explicit", "the client or provider", credential.line))
    elif place == DOCUMENT:
        steps = ()
    else:
        steps = credential_steps(CredentialPlacement("explicit", "wherever it is passed", None), STATUS_WHERE_PASSED)
    key_type = key_id_note(credential.value) if credential.credential == ACCESS_KEY_ID else ""
    if credential.credential == SESSION_TOKEN:
        key_type = _TOKEN_TYPE
    runtime = _RUNTIME[place] + key_type
    return Explanation(chain="credential", summary=summary, steps=steps, runtime=runtime, fix=_FIX[place] + ROTATE)
