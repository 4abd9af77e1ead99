"""Credential files baked into images or written by code (CL5xx, `chain-misuse`): a shared
credentials file (link 5) that wins over the container role and the instance profile."""

from __future__ import annotations

from credlint.checks.credential_files.candidates import lines_writing_credentials_files, may_write_credentials_file
from credlint.finding import Severity
from credlint.rule_info import RuleInfo

CATEGORY = "chain-misuse"
E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
# ref. aws-chain-reference.md section 1: the files links 5, 8, 9 and 10 read, and the variables
# that name them elsewhere. Python code is a candidate only when it names `.aws` or
# AWS_SHARED_CREDENTIALS_FILE (candidates.py); a Dockerfile's RUN may write the file with `aws configure`.
CREDENTIAL_FILE_TRIGGERS = (
    b".aws",
    b".boto",
    b"boto.cfg",
    b"AWS_SHARED_CREDENTIALS_FILE",
    b"AWS_CONFIG_FILE",
    b"AWS_CREDENTIAL_FILE",
    b"BOTO_CONFIG",
    b"aws configure",
)

# fmt: off
RULES = (
    # One rule, two readers: a Dockerfile that copies the file into the image (error: the keys leak
    # with it), and Python code that writes ~/.aws/credentials at run time (warning).
    RuleInfo("CL503", "credential-file-baked", CATEGORY, E, "AWS credentials file copied into an image or written by code", CREDENTIAL_FILE_TRIGGERS, f"{__name__}.credential_file_written:CredentialFileWritten", may_write_credentials_file, seeds=lines_writing_credentials_files, text_implementation=f"{__name__}.credential_file_baked:CredentialFileBaked"),
)
# fmt: on
