"""GitHub Actions workflows: `env` at workflow, job, container, service and step level, and the
access key given to aws-actions/configure-aws-credentials."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Optional

from credlint.analysis.platforms import PLATFORM_GITHUB_ACTIONS
from credlint.deployment.documents import (
    YamlNode,
    child,
    has_keys,
    is_mapping,
    mapping_items,
    name_span,
    plain_value,
    scalar_text,
    sequence_items,
)
from credlint.deployment.model import VALUE_EXPRESSION, VALUE_LITERAL, VALUE_SECRET, EnvironmentEntry

# ref. aws-actions/configure-aws-credentials README: with aws-access-key-id (and
# aws-secret-access-key) the action exports them as AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY for
# the job's later steps; with role-to-assume alone it gets a role's credentials through OIDC.
CONFIGURE_AWS_CREDENTIALS = "aws-actions/configure-aws-credentials"
ACCESS_KEY_INPUT = "aws-access-key-id"
# ref. the same README, "Role chaining": keys from an earlier step's session (`${{ env.* }}`,
# `${{ steps.*.outputs.* }}`), given with role-to-assume, are used only to assume that role.
ROLE_INPUT = "role-to-assume"
# ref. aws-actions/configure-aws-credentials src/helpers.ts exportRegion: the `aws-region` input is
# exported as AWS_DEFAULT_REGION and AWS_REGION, unless output-env-credentials is false.
REGION_INPUT = "aws-region"
DEFAULT_REGION_VARIABLE = "AWS_DEFAULT_REGION"


def is_workflow(root: YamlNode, file_path: str) -> bool:
    """A mapping of `jobs`, in .github/workflows/ or beside an `on:` trigger."""
    if not is_mapping(child(root, "jobs")):
        return False
    parts = PurePosixPath(file_path.replace("\\", "/")).parts
    in_workflows = any(parts[i : i + 2] == (".github", "workflows") for i in range(len(parts) - 1))
    # ref. GitHub docs, "Workflow syntax": `on` is required; YAML 1.1 would read the key as True,
    # but node keys keep their text.
    return in_workflows or has_keys(root, "on")


def workflow_entries(root: YamlNode) -> list[EnvironmentEntry]:
    entries = list(_env_entries(child(root, "env"), "the workflow-level env"))
    for job_name, _, job in mapping_items(child(root, "jobs")):
        entries.extend(_env_entries(child(job, "env"), f"the env of job '{job_name}'"))
        container = child(job, "container")
        entries.extend(_env_entries(child(container, "env"), f"the container env of job '{job_name}'"))
        for service_name, _, service in mapping_items(child(job, "services")):
            entries.extend(
                _env_entries(child(service, "env"), f"the env of service '{service_name}' of job '{job_name}'")
            )
        for number, step in enumerate(sequence_items(child(job, "steps")), start=1):
            label = scalar_text(child(step, "name")) or scalar_text(child(step, "id"))
            step_label = f"step {number}" + (f" ('{label}')" if label else "")
            entries.extend(_env_entries(child(step, "env"), f"the env of {step_label} of job '{job_name}'"))
            entries.extend(_action_inputs(step, f"{step_label} of job '{job_name}'"))
    return entries


def _env_entries(env: YamlNode, where: str) -> Iterator[EnvironmentEntry]:
    for variable, key_node, value_node in mapping_items(env):
        value_kind, value = _expression_value(value_node)
        yield EnvironmentEntry(
            variable, value, value_kind, where, PLATFORM_GITHUB_ACTIONS, name_span(key_node, variable)
        )


def _action_inputs(step: YamlNode, where: str) -> Iterator[EnvironmentEntry]:
    """The configure-aws-credentials inputs that end up in the job's environment: a stored access
    key (under its input name) and the region (as AWS_DEFAULT_REGION)."""
    uses = scalar_text(child(step, "uses")) or ""
    if uses.split("@", 1)[0].lower() != CONFIGURE_AWS_CREDENTIALS:
        return
    inputs = list(mapping_items(child(step, "with")))
    assumes_role = any(name == ROLE_INPUT for name, _, _ in inputs)
    exports_env = all(
        name != "output-env-credentials" or (scalar_text(value) or "").lower() != "false" for name, _, value in inputs
    )
    for name, key_node, value_node in inputs:
        value_kind, value = _expression_value(value_node)
        if value_kind == VALUE_LITERAL and not value:
            continue
        span = name_span(key_node, name)
        if name == ACCESS_KEY_INPUT and not (assumes_role and value_kind == VALUE_EXPRESSION):
            yield EnvironmentEntry(name, value, value_kind, where, PLATFORM_GITHUB_ACTIONS, span)
        elif name == REGION_INPUT and exports_env:
            region_where = f"the {REGION_INPUT} input of {where}"
            yield EnvironmentEntry(
                DEFAULT_REGION_VARIABLE, value, value_kind, region_where, PLATFORM_GITHUB_ACTIONS, span
            )


def _expression_value(node: YamlNode) -> tuple[str, Optional[str]]:
    # ref. GitHub docs, "Contexts": `${{ secrets.NAME }}` reads a repository or environment secret;
    # other `${{ }}` expressions (vars, inputs, steps outputs) are evaluated when the job runs.
    value_kind, value = plain_value(node)
    if value is not None and "${{" in value:
        return (VALUE_SECRET if "secrets." in value else VALUE_EXPRESSION), None
    return value_kind, value
