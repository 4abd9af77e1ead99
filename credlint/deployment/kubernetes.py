"""Kubernetes manifests: the `env` of every container of every pod template they hold."""

from __future__ import annotations

from collections.abc import Iterator

from credlint.analysis.platforms import PLATFORM_KUBERNETES
from credlint.deployment.documents import (
    YamlNode,
    child,
    is_mapping,
    name_span,
    path,
    scalar_text,
    sequence_items,
)
from credlint.deployment.model import VALUE_EXPRESSION, VALUE_LITERAL, VALUE_SECRET, EnvironmentEntry

# ref. Kubernetes API reference, PodSpec: containers, initContainers, ephemeralContainers.
_CONTAINER_LISTS = {
    "containers": "container",
    "initContainers": "init container",
    "ephemeralContainers": "ephemeral container",
}
# Where a pod spec sits: Pod (spec); Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, and
# custom resources built the same way (spec.template.spec); CronJob (spec.jobTemplate.spec.template.spec);
# PodTemplate (template.spec).
_POD_SPEC_PATHS = (
    ("spec",),
    ("spec", "template", "spec"),
    ("spec", "jobTemplate", "spec", "template", "spec"),
    ("template", "spec"),
)


def is_kubernetes_object(root: YamlNode) -> bool:
    """Every Kubernetes object names its apiVersion and kind."""
    return scalar_text(child(root, "apiVersion")) is not None and scalar_text(child(root, "kind")) is not None


def kubernetes_entries(root: YamlNode) -> list[EnvironmentEntry]:
    return list(_object_entries(root, depth=0))


def _object_entries(obj: YamlNode, depth: int) -> Iterator[EnvironmentEntry]:
    kind = scalar_text(child(obj, "kind")) or "object"
    # ref. kubectl: `kind: List` (and any *List) carries its objects in items.
    if kind.endswith("List") and depth < 4:
        for item in sequence_items(child(obj, "items")):
            yield from _object_entries(item, depth + 1)
        return
    name = scalar_text(path(obj, "metadata", "name"))
    owner = f"{kind} '{name}'" if name else kind
    for keys in _POD_SPEC_PATHS:
        pod_spec = path(obj, *keys)
        if not is_mapping(pod_spec):
            continue
        for list_key, label in _CONTAINER_LISTS.items():
            for container in sequence_items(child(pod_spec, list_key)):
                container_name = scalar_text(child(container, "name")) or "?"
                where = f"the env of {label} '{container_name}' in {owner}"
                yield from _env_entries(child(container, "env"), where)


def _env_entries(env: YamlNode, where: str) -> Iterator[EnvironmentEntry]:
    # ref. Kubernetes API reference, EnvVar: name, value ($(VAR) expands earlier variables) or
    # valueFrom (secretKeyRef, configMapKeyRef, fieldRef, resourceFieldRef); neither means "".
    for item in sequence_items(env):
        name_node = child(item, "name")
        variable = scalar_text(name_node)
        if variable is None:
            continue
        value = scalar_text(child(item, "value"))
        value_from = child(item, "valueFrom")
        if is_mapping(value_from):
            value_kind = VALUE_SECRET if child(value_from, "secretKeyRef") is not None else VALUE_EXPRESSION
            value = None
        elif value is not None and "$(" in value:
            value_kind = VALUE_EXPRESSION
        else:
            value_kind, value = VALUE_LITERAL, value or ""
        yield EnvironmentEntry(variable, value, value_kind, where, PLATFORM_KUBERNETES, name_span(name_node, variable))
