"""ECS task definitions: each container's `environment` and `secrets`, as ECS takes them from a
register-task-definition input, a describe-task-definition output or a CloudFormation resource."""

from __future__ import annotations

from collections.abc import Iterator

from credlint.analysis.platforms import PLATFORM_ECS
from credlint.deployment.documents import (
    ValueReader,
    YamlNode,
    child,
    is_mapping,
    name_span,
    plain_value,
    scalar_text,
    sequence_items,
)
from credlint.deployment.model import VALUE_SECRET, EnvironmentEntry

# ref. Amazon ECS API reference, ContainerDefinition: environment [{name, value}], secrets
# [{name, valueFrom}] (Secrets Manager or SSM Parameter Store). CloudFormation capitalises them.
_API_KEYS = ("containerDefinitions", "name", "environment", "secrets", "value")
_CLOUDFORMATION_KEYS = ("ContainerDefinitions", "Name", "Environment", "Secrets", "Value")


def task_definition(root: YamlNode) -> YamlNode:
    """The task definition in a file: at the top (register-task-definition's input) or under
    `taskDefinition` (describe-task-definition's output); None when neither holds containers."""
    for candidate in (root, child(root, "taskDefinition")):
        definitions = sequence_items(child(candidate, "containerDefinitions"))
        if definitions and all(is_mapping(item) for item in definitions):
            return candidate
    return None


def ecs_entries(
    definition: YamlNode, *, cloudformation: bool = False, read_value: ValueReader = plain_value
) -> Iterator[EnvironmentEntry]:
    """Every variable of every container; definition is a task definition, or the Properties of a
    CloudFormation AWS::ECS::TaskDefinition."""
    lists, name_key, environment_key, secrets_key, value_key = _CLOUDFORMATION_KEYS if cloudformation else _API_KEYS
    for container in sequence_items(child(definition, lists)):
        container_name = scalar_text(child(container, name_key)) or "?"
        for key in (environment_key, secrets_key):
            where = f"the {key} of container '{container_name}'"
            for item in sequence_items(child(container, key)):
                name_node = child(item, name_key)
                variable = scalar_text(name_node)
                if variable is None:
                    continue
                span = name_span(name_node, variable)
                if key == secrets_key:
                    yield EnvironmentEntry(variable, None, VALUE_SECRET, where, PLATFORM_ECS, span)
                else:
                    value_kind, value = read_value(child(item, value_key))
                    yield EnvironmentEntry(variable, value, value_kind, where, PLATFORM_ECS, span)
