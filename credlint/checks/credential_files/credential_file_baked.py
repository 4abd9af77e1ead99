"""CL503: a Dockerfile copies an AWS credentials or config file into the image, where the
shared-credentials-file provider (link 5) answers before the task role and the instance profile."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Optional

from credlint.analysis.stand_ins import stand_in_severity
from credlint.checks.credential_files.chain_files import (
    AWS_DIRECTORY,
    AWS_DIRECTORY_NAME,
    FILE_VARIABLES,
    SHARED_CREDENTIALS,
    CredentialFile,
    components,
    lower,
    named_file,
    worse,
)
from credlint.checks.credential_files.dockerfile_copies import Copy, DockerfileCopies, Word, Write, read_copies
from credlint.checks.credential_files.explanations import baked_explanation
from credlint.file_kinds import DOCKERFILE
from credlint.finding import Severity
from credlint.text_rule import TextFile, TextRule


@dataclass(frozen=True)
class NamedFile:
    """A file an ENV instruction names as one the chain reads (AWS_SHARED_CREDENTIALS_FILE=...)."""

    path: str  # absolute and normalised
    kind: CredentialFile
    variable: str
    line: int
    stage: int


class CredentialFileBaked(TextRule):
    """Keys copied into an image are read before the role wherever it runs, by anyone who pulls it."""

    def check(self, document: TextFile) -> None:
        if document.kind != DOCKERFILE:
            return
        dockerfile = read_copies(document.text)
        named = _files_named_by_env(document.text, dockerfile)
        for copy in dockerfile.copies:
            for source in copy.sources:
                self._check_source(dockerfile, copy, source, named)
        for write in dockerfile.writes:
            self._report_write(dockerfile, write)

    def _report_write(self, dockerfile: DockerfileCopies, write: Write) -> None:
        kind = named_file(components(write.word.text)) or SHARED_CREDENTIALS  # `aws configure set`: credentials
        in_image = dockerfile.in_image(write.stage)
        message = f"RUN writes {kind.what} into the image ({write.command})"
        if not in_image:
            message += ", in a build stage the image does not hold"
        explanation = baked_explanation(
            kind, "RUN", f"RUN {write.command}", write.line, in_image=in_image, written=True
        )
        severity = kind.severity if in_image else lower(kind.severity)
        self.report(write.word.span, message, explanation, preview="", severity=severity)

    def _check_source(self, dockerfile: DockerfileCopies, copy: Copy, source: Word, named: list[NamedFile]) -> None:
        landing = _landing(copy, source)
        absolute = copy.absolute(landing)
        into_aws_directory = AWS_DIRECTORY if _into_aws_directory(copy) else None
        by_path = worse(
            None if source.heredoc else named_file(components(source.text)),
            named_file(components(absolute or landing)) or into_aws_directory,
        )
        naming = next(
            (entry for entry in named if entry.path == absolute and _same_lineage(dockerfile, entry.stage, copy.stage)),
            None,
        )
        kind = worse(by_path, naming.kind if naming else None)
        if kind is None:
            return
        naming = naming if naming is not None and naming.kind is kind else None
        in_image = dockerfile.in_image(copy.stage)
        shown = "a here-document" if source.heredoc else source.text
        named_by = f"{naming.variable} (line {naming.line})" if naming else None
        message = f"{copy.instruction} puts {kind.what} into the image ({shown} to {copy.destination.text})"
        if naming:
            message += f", the file {named_by} names"
        if not in_image:
            message += ", in a build stage the image does not hold"
        explanation = baked_explanation(
            kind,
            copy.instruction,
            f"{copy.instruction} {shown} {copy.destination.text}",
            copy.line,
            in_image=in_image,
            named_by=named_by,
        )
        severity: Optional[Severity] = kind.severity if in_image else lower(kind.severity)
        if not source.heredoc and _TEST_DIRECTORIES.intersection(components(source.text)):
            # A test suite's fixture (tests/fixtures/.aws) holds stand-in keys: test-policy decides.
            severity = stand_in_severity(kind.severity, self.context.settings, fake=True)
        if severity is not None:
            self.report(source.span, message, explanation, preview="", severity=severity)


# Directories a test suite keeps its files in.
_TEST_DIRECTORIES = frozenset({"test", "tests", "testing", "fixtures", "testdata", "test_data", "__fixtures__"})


def _landing(copy: Copy, source: Word) -> str:
    """Where a source that is a file lands: in the destination directory under its own name, or as
    the destination itself. A directory source's contents land in the destination either way."""
    names = components(source.text)
    if copy.into_directory and names and not source.heredoc and not source.text.endswith("/"):
        return posixpath.join(copy.destination.text, names[-1])
    return copy.destination.text


def _into_aws_directory(copy: Copy) -> bool:
    """The destination is an .aws directory itself (under the WORKDIR when relative): whatever goes
    there is the CLI's and the SDK's."""
    names = components(copy.absolute(copy.destination.text) or copy.destination.text)
    return bool(names) and names[-1] == AWS_DIRECTORY_NAME


def _same_lineage(dockerfile: DockerfileCopies, first: int, second: int) -> bool:
    """Whether one stage is built on the other, so that a variable set in one reaches the other's files."""
    return first in dockerfile.lineage(second) or second in dockerfile.lineage(first)


def _files_named_by_env(text: str, dockerfile: DockerfileCopies) -> list[NamedFile]:
    """The absolute paths ENV gives the variables that name a credential file elsewhere."""
    from credlint.deployment.dockerfile import ENV_WHERE, dockerfile_entries
    from credlint.deployment.model import VALUE_LITERAL

    found: list[NamedFile] = []
    for entry in dockerfile_entries(text):
        kind = FILE_VARIABLES.get(entry.variable)
        value: Optional[str] = entry.value
        if kind is None or entry.where != ENV_WHERE or entry.value_kind != VALUE_LITERAL or not value:
            continue
        if value.startswith("/"):
            stage = dockerfile.stage_of_line(entry.span.line)
            found.append(NamedFile(posixpath.normpath(value), kind, entry.variable, entry.span.line, stage))
    return found
