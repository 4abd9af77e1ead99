"""CloudFormation and SAM templates: Lambda functions' environment variables (SAM's Globals too)
and ECS task definitions' container environment."""

from __future__ import annotations

from typing import Optional

from credlint.analysis.platforms import PLATFORM_LAMBDA
from credlint.deployment.documents import (
    YamlNode,
    child,
    is_mapping,
    is_null,
    is_scalar,
    mapping_items,
    name_span,
    path,
    scalar_text,
    sequence_items,
)
from credlint.deployment.ecs import ecs_entries
from credlint.deployment.model import (
    CLOUDFORMATION,
    SAM,
    VALUE_EXPRESSION,
    VALUE_LITERAL,
    VALUE_SECRET,
    EnvironmentEntry,
)

# ref. AWS CloudFormation User Guide, "Template anatomy"; AWS SAM, "AWS SAM template anatomy"
# (Transform: AWS::Serverless-2016-10-31).
_SAM_TRANSFORM = "AWS::Serverless"
_FUNCTION_TYPES = ("AWS::Lambda::Function", "AWS::Serverless::Function")
_TASK_DEFINITION_TYPE = "AWS::ECS::TaskDefinition"
# ref. AWS CloudFormation User Guide, "Using dynamic references": secretsmanager and ssm-secure
# resolve secrets at deployment; plain ssm resolves a parameter.
_SECRET_REFERENCES = ("{{resolve:secretsmanager:", "{{resolve:ssm-secure:")


def template_kind(root: YamlNode) -> Optional[str]:
    """SAM or CloudFormation for a template, None for anything else."""
    resources = child(root, "Resources")
    typed = is_mapping(resources) and any(
        (scalar_text(child(resource, "Type")) or "").startswith(("AWS::", "Custom::"))
        for _, _, resource in mapping_items(resources)
    )
    if not typed and child(root, "AWSTemplateFormatVersion") is None:
        return None
    transform = child(root, "Transform")
    transforms = [
        scalar_text(node) or "" for node in ([transform] if is_scalar(transform) else sequence_items(transform))
    ]
    return SAM if any(name.startswith(_SAM_TRANSFORM) for name in transforms) else CLOUDFORMATION


def template_entries(root: YamlNode) -> list[EnvironmentEntry]:
    entries = list(
        _variables(path(root, "Globals", "Function", "Environment", "Variables"), "Globals.Function.Environment")
    )
    for logical_id, _, resource in mapping_items(child(root, "Resources")):
        resource_type = scalar_text(child(resource, "Type"))
        properties = child(resource, "Properties")
        if resource_type in _FUNCTION_TYPES:
            where = f"the Environment of function '{logical_id}'"
            entries.extend(_variables(path(properties, "Environment", "Variables"), where))
        elif resource_type == _TASK_DEFINITION_TYPE:
            entries.extend(ecs_entries(properties, cloudformation=True, read_value=cloudformation_value))
    return entries


def _variables(variables: YamlNode, where: str) -> list[EnvironmentEntry]:
    return [
        EnvironmentEntry(name, value, value_kind, where, PLATFORM_LAMBDA, name_span(key_node, name))
        for name, key_node, value_node in mapping_items(variables)
        for value_kind, value in [cloudformation_value(value_node)]
    ]


def cloudformation_value(node: YamlNode) -> tuple[str, Optional[str]]:
    """A value's kind: literal text, a secret dynamic reference, or an intrinsic function
    (`!Ref`, `!Sub`, `{"Fn::GetAtt": ...}`) that CloudFormation evaluates."""
    if is_null(node):
        return VALUE_LITERAL, ""
    text = scalar_text(node)
    raw = str(node.value) if is_scalar(node) else ""
    if any(reference in raw for reference in _SECRET_REFERENCES):
        return VALUE_SECRET, None
    if text is None or "{{resolve:" in text:
        return VALUE_EXPRESSION, None
    return VALUE_LITERAL, text
