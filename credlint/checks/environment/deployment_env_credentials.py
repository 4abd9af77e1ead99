"""CL205: deployment configuration that puts AWS credential variables into a process's
environment, where botocore's env provider (link 1) takes them before any role."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Optional

from credlint.analysis.platforms import PLATFORM_CONTAINER, PLATFORM_GITHUB_ACTIONS, PLATFORM_LAMBDA
from credlint.analysis.stand_ins import is_stand_in, looks_fake, stand_in_severity
from credlint.chain import CREDENTIAL_VARIABLES, Explanation
from credlint.checks.environment.lambda_reserved_variable import LAMBDA_RESERVED_VARIABLES
from credlint.checks.environment.shadowing import FIX_BY_PLATFORM, env_explanation
from credlint.deployment import model
from credlint.deployment.dockerfile import ARG_WHERE
from credlint.deployment.model import VALUE_EXPRESSION, VALUE_HOST, VALUE_LITERAL, VALUE_SECRET, EnvironmentEntry
from credlint.deployment.rule import DeploymentRule
from credlint.deployment.workflows import ACCESS_KEY_INPUT, CONFIGURE_AWS_CREDENTIALS
from credlint.finding import REMOVE_ENTRY, UNSAFE, Fix

_TEMPLATES = (model.CLOUDFORMATION, model.SAM)
# Where a value that is not written in the file comes from, by file and value kind.
_SOURCES: Mapping[tuple[str, str], str] = {
    (model.DOCKERFILE, VALUE_HOST): "value given with --build-arg when the image is built, and kept in the image",
    (model.COMPOSE, VALUE_HOST): "value taken from the shell (or .env file) of whoever runs docker compose",
    (model.SYSTEMD_UNIT, VALUE_HOST): "value passed on from the service manager's own environment",
    (model.DOTENV, VALUE_HOST): "value taken from the environment where the file is loaded",
    (model.DOTENV, VALUE_EXPRESSION): "value printed by a shell command, $(...)",
    (model.KUBERNETES, VALUE_SECRET): "value from a Kubernetes Secret",
    (model.KUBERNETES, VALUE_EXPRESSION): "value from a ConfigMap, a field reference or $(VAR) expansion",
    (model.ECS_TASK_DEFINITION, VALUE_SECRET): "value from Secrets Manager or SSM Parameter Store",
    (model.GITHUB_WORKFLOW, VALUE_SECRET): "value from a GitHub secret",
    (model.GITHUB_WORKFLOW, VALUE_EXPRESSION): "value from a workflow expression",
    **{
        (template, VALUE_SECRET): "value from a Secrets Manager or SecureString dynamic reference"
        for template in _TEMPLATES
    },
    **{(template, VALUE_EXPRESSION): "value from an intrinsic function or parameter" for template in _TEMPLATES},
}
_DEFAULT_SOURCES: Mapping[str, str] = {
    VALUE_LITERAL: "value written in the file",
    VALUE_HOST: "value taken from the environment of whoever starts it",
    VALUE_SECRET: "value from a secret store",
    VALUE_EXPRESSION: "value computed when it is deployed",
}
# Who gets the variable, for the explanation's summary.
_RECEIVERS: Mapping[str, str] = {
    model.DOCKERFILE: "every container started from the image",
    model.COMPOSE: "the service's container",
    model.KUBERNETES: "the container",
    model.ECS_TASK_DEFINITION: "the task's container",
    model.GITHUB_WORKFLOW: "the steps it covers",
    model.DOTENV: "every process that loads this file (docker compose, python-dotenv, direnv)",
    model.SYSTEMD_UNIT: "the service's processes",
    model.CLOUDFORMATION: "the task's container",
    model.SAM: "the task's container",
}
# ref. Dockerfile reference, "ENV" and "ARG": ENV values persist in the image; build arguments are
# visible with `docker history`; BuildKit secret mounts (RUN --mount=type=secret) are neither.
_IMAGE_HISTORY = (
    "Docker keeps ENV values in the image configuration and build arguments in `docker history`: "
    "anyone who can pull the image can read the value."
)
_REMOVE_VARIABLE = "remove the variable, so the provider chain finds the platform's role; rotate any key it held"
_DOCKERFILE_FIX = (
    f"{FIX_BY_PLATFORM[PLATFORM_CONTAINER]} A build step that needs AWS access can read a BuildKit secret "
    "(RUN --mount=type=secret,id=aws), which is never stored in the image."
)


# An endpoint override that is not AWS (localstack, MinIO, DynamoDB Local...): credentials set
# beside it are that service's stand-ins. ref. botocore config: AWS_ENDPOINT_URL and
# AWS_ENDPOINT_URL_<SERVICE> send every client to that endpoint; other tools name theirs
# *_ENDPOINT_URL (MLFLOW_S3_ENDPOINT_URL, DYNAMODB_ENDPOINT_URL).
_URL_HOST = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://(?:[^/@]*@)?(?P<host>\[[^\]]*\]|[^/:?#]+)")
_AWS_HOST_SUFFIXES = (".amazonaws.com", ".amazonaws.com.cn", ".api.aws")


def non_aws_endpoints(entries: Iterable[EnvironmentEntry]) -> dict[str, str]:
    """For each place (`where`), the variable that points its clients at an endpoint outside AWS."""
    found: dict[str, str] = {}
    for entry in entries:
        if "ENDPOINT" not in entry.variable.upper() or entry.value_kind != VALUE_LITERAL or not entry.value:
            continue
        match = _URL_HOST.match(entry.value.strip())
        host = match.group("host").lower() if match else ""
        if host and not host.endswith(_AWS_HOST_SUFFIXES):
            found.setdefault(entry.where, entry.variable)
    return found


class DeploymentEnvCredentials(DeploymentRule):
    """Credential variables set by a Dockerfile, compose file, Kubernetes manifest, ECS task
    definition, workflow, dotenv file or systemd unit: the platform's role is never used."""

    def check(self, document: model.DeploymentFile) -> None:
        if document.what is None:
            return
        endpoints = non_aws_endpoints(document.entries)
        for entry in document.entries:
            if entry.platform == PLATFORM_LAMBDA and entry.variable in LAMBDA_RESERVED_VARIABLES:
                continue  # CL206: Lambda refuses the whole configuration
            if entry.value_kind == VALUE_LITERAL and not entry.value:
                continue  # empty: the env provider answers only when AWS_ACCESS_KEY_ID is non-empty
            if entry.variable == ACCESS_KEY_INPUT and entry.platform == PLATFORM_GITHUB_ACTIONS:
                self._report_action_input(document.what, entry)
            elif entry.variable in CREDENTIAL_VARIABLES:
                self._report_variable(document.what, entry, endpoints.get(entry.where))

    def _report_variable(self, what: str, entry: EnvironmentEntry, endpoint: Optional[str]) -> None:
        source = _SOURCES.get((what, entry.value_kind), _DEFAULT_SOURCES[entry.value_kind])
        stand_in = endpoint is not None and entry.value_kind == VALUE_LITERAL
        if stand_in:
            source = f"{source}, beside {endpoint}, which points at an endpoint outside AWS"
        message = (
            f"The {what} sets {entry.variable} in {entry.where} ({source})"
            if entry.where
            else f"The {what} sets {entry.variable} ({source})"
        )
        receiver = _RECEIVERS.get(what, "the process")
        if entry.where == ARG_WHERE:
            receiver = "the build steps after it"
        elif entry.platform == PLATFORM_LAMBDA:
            receiver = "the function, beside the execution role's own AWS_SESSION_TOKEN"
        place = f"{entry.where} of this {what}" if entry.where else f"this {what}"
        summary = (
            f"{entry.variable} set in {place} (line {entry.span.line}) is in the environment of {receiver}: "
            "botocore's env provider, link 1 of the credential chain, reads it before any role."
        )
        dockerfile = what == model.DOCKERFILE
        explanation = env_explanation(
            summary,
            target=place,
            line=entry.span.line,
            platform=entry.platform,
            runtime_note=_IMAGE_HISTORY if dockerfile else "",
            fix=_DOCKERFILE_FIX if dockerfile else "",
        )
        self._report(entry, message, explanation, stand_in=stand_in, removable=True)

    def _report_action_input(self, what: str, entry: EnvironmentEntry) -> None:
        source = _SOURCES.get((what, entry.value_kind), _DEFAULT_SOURCES[entry.value_kind])
        message = (
            f"The {what} gives {CONFIGURE_AWS_CREDENTIALS} a stored access key in {entry.where} ({source}) "
            "instead of a role to assume"
        )
        summary = (
            f"The `{ACCESS_KEY_INPUT}` input (line {entry.span.line}) makes {CONFIGURE_AWS_CREDENTIALS} export "
            "a long-lived key as AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY for the job's later steps, "
            "where botocore's env provider (link 1) reads them."
        )
        explanation = env_explanation(summary, target=entry.where, line=entry.span.line, platform=entry.platform)
        self._report(entry, message, explanation)

    def _report(
        self,
        entry: EnvironmentEntry,
        message: str,
        explanation: Explanation,
        *,
        stand_in: bool = False,
        removable: bool = False,
    ) -> None:
        literal = entry.value if entry.value_kind == VALUE_LITERAL else None
        fake = stand_in or (literal is not None and looks_fake(literal))
        severity = stand_in_severity(self.info.severity, self.context.settings, fake=fake)
        if severity is None:
            return
        fix = None
        if removable and entry.place is not None and not is_stand_in(self.context.settings, fake=fake):
            fix = Fix(UNSAFE, REMOVE_ENTRY, entry.span.line, entry.span.column, _REMOVE_VARIABLE)
        self.report(entry.span, message, explanation, secret=literal, severity=severity, fix=fix)
