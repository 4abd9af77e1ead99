"""A deployment file's text to what it is and the environment it gives its processes.

Dockerfiles, dotenv files and systemd units are known by name; a YAML or JSON file is ours only
when its shape is one we read (compose, Kubernetes, ECS, GitHub Actions, CloudFormation or SAM).
Anything else is DeploymentFile(None), with no findings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import PurePosixPath

from credlint.deployment import model
from credlint.deployment.documents import (
    YamlNode,
    is_mapping,
    json_document,
    json_nodes,
    refers_to_variable,
    yaml_documents,
)
from credlint.deployment.model import VALUE_EXPRESSION, VALUE_HOST, VALUE_LITERAL, DeploymentFile, EnvironmentEntry
from credlint.file_kinds import DOCKERFILE, DOTENV, JSON, SYSTEMD, YAML

# Top-level keys of the JSON shapes we read; any other JSON (package data, API models, fixtures)
# is left after json's fast parse, without composing position-carrying nodes.
_JSON_SHAPE_KEYS = frozenset(
    {
        "containerDefinitions",
        "taskDefinition",
        "AWSTemplateFormatVersion",
        "Resources",
        "apiVersion",
        "services",
        "jobs",
    }
)
# ref. VS Code docs, "JSON with Comments": these are JSONC, read by editors and tools that accept
# comments, and are none of the deployment formats read here.
_JSONC_NAMES = ("devcontainer.json", ".devcontainer.json", "tsconfig.json", "jsconfig.json")
_JSONC_DIRECTORIES = (".vscode", ".devcontainer")


def read_deployment_file(kind: str, path: str, text: str) -> DeploymentFile:
    """Parse one file of a deployment kind (file_kinds.py); DeploymentParseError when it is invalid."""
    if kind == DOCKERFILE:
        from credlint.deployment.dockerfile import dockerfile_entries

        return DeploymentFile(model.DOCKERFILE, _unique(dockerfile_entries(text)))
    if kind == DOTENV:
        from credlint.deployment.dotenv import dotenv_entries

        return DeploymentFile(model.DOTENV, _unique(map(_shell_value, dotenv_entries(text, where=""))))
    if kind == SYSTEMD:
        from credlint.deployment.systemd import systemd_entries

        return DeploymentFile(model.SYSTEMD_UNIT, _unique(systemd_entries(text)))
    if kind == YAML:
        return _read_documents(yaml_documents(text), path)
    if kind == JSON:
        if _is_jsonc(path):
            return DeploymentFile(None)
        value = json_document(text)
        if not (isinstance(value, dict) and _JSON_SHAPE_KEYS.intersection(value)):
            return DeploymentFile(None)
        nodes = json_nodes(text)
        return DeploymentFile(None) if nodes is None else _read_documents(nodes, path)
    return DeploymentFile(None)


def _shell_value(entry: EnvironmentEntry) -> EnvironmentEntry:
    """`$VAR` and `$(command)` in a dotenv value: docker compose's env_file and direnv's .envrc
    expand them (ref. Compose Specification, "Interpolation"; direnv runs .envrc in bash)."""
    value = entry.value
    if entry.value_kind != VALUE_LITERAL or not value:
        return entry
    if "$(" in value:
        return replace(entry, value=None, value_kind=VALUE_EXPRESSION)
    if refers_to_variable(value):
        return replace(entry, value=None, value_kind=VALUE_HOST)
    return entry


def _is_jsonc(path: str) -> bool:
    posix = PurePosixPath(path.replace("\\", "/"))
    return (
        posix.name in _JSONC_NAMES
        or posix.name.startswith("tsconfig.")
        or any(part in _JSONC_DIRECTORIES for part in posix.parts[:-1])
    )


def _read_documents(documents: list[YamlNode], path: str) -> DeploymentFile:
    """The first shape any document has names the file; every document of a known shape adds entries."""
    from credlint.deployment.cloudformation import template_entries, template_kind
    from credlint.deployment.compose import compose_entries, is_compose
    from credlint.deployment.ecs import ecs_entries, task_definition
    from credlint.deployment.kubernetes import is_kubernetes_object, kubernetes_entries
    from credlint.deployment.workflows import is_workflow, workflow_entries

    what = None
    entries: list[EnvironmentEntry] = []
    for root in documents:
        if not is_mapping(root):
            continue
        template = template_kind(root)
        definition = task_definition(root)
        if template is not None:
            shape, found = template, template_entries(root)
        elif is_kubernetes_object(root):
            shape, found = model.KUBERNETES, kubernetes_entries(root)
        elif definition is not None:
            shape, found = model.ECS_TASK_DEFINITION, list(ecs_entries(definition))
        elif is_workflow(root, path):
            shape, found = model.GITHUB_WORKFLOW, workflow_entries(root)
        elif is_compose(root):
            shape, found = model.COMPOSE, compose_entries(root)
        else:
            continue
        what = what or shape
        entries.extend(found)
    return DeploymentFile(what, _unique(entries))


def _unique(entries: Iterable[EnvironmentEntry]) -> tuple[EnvironmentEntry, ...]:
    """One entry per variable and place: a YAML anchor merged into several services is one line."""
    seen: set[tuple[str, int, int]] = set()
    kept = []
    for entry in entries:
        key = (entry.variable, entry.span.line, entry.span.column)
        if key not in seen:
            seen.add(key)
            kept.append(entry)
    return tuple(kept)
