"""Compose files: the `environment` (and `build.args`) of each service."""

from __future__ import annotations

from collections import Counter
from typing import Optional

from credlint.analysis.platforms import PLATFORM_CONTAINER
from credlint.deployment.documents import (
    YamlNode,
    block_places,
    child,
    has_keys,
    is_mapping,
    is_null,
    is_sequence,
    keyed_child,
    mapping_items,
    name_span,
    refers_to_variable,
    scalar_text,
    sequence_items,
)
from credlint.deployment.model import VALUE_HOST, VALUE_LITERAL, EnvironmentEntry, TextPlace

# ref. Compose Specification, "Services top-level elements": keys that make a mapping a service.
_SERVICE_KEYS = ("image", "build", "environment", "env_file", "command", "entrypoint", "extends")


def is_compose(root: YamlNode) -> bool:
    """A top-level `services:` mapping with at least one service that looks like one."""
    services = child(root, "services")
    return is_mapping(services) and any(
        is_mapping(service) and any(has_keys(service, key) for key in _SERVICE_KEYS)
        for _, _, service in mapping_items(services)
    )


def compose_entries(root: YamlNode) -> list[EnvironmentEntry]:
    """Each variable a service's container (or its image build) is given.

    `env_file:` is not followed: the engine reads one file at a time, and the .env file it names is
    checked on its own when it is in the tree.
    """
    blocks = []
    for name, _, service in mapping_items(child(root, "services")):
        blocks.append((service, "environment", f"the environment of service '{name}'"))
        build = child(service, "build")
        if is_mapping(build):
            blocks.append((build, "args", f"the build args of service '{name}'"))
    written = [(parent, *keyed_child(parent, key), where) for parent, key, where in blocks]
    # A block reached twice (an alias of it, `environment: *common`) cannot be cut for one service.
    reached = Counter(id(block) for _, _, block, _ in written if block is not None)
    entries: list[EnvironmentEntry] = []
    for parent, key, block, where in written:
        places = block_places(parent, key, block) if reached[id(block)] == 1 else {}
        entries.extend(_variables(block, places, where))
    return entries


def _variables(node: YamlNode, places: dict[int, TextPlace], where: str) -> list[EnvironmentEntry]:
    # ref. Compose Specification, "environment": a list of `KEY=VAL` or bare `KEY`, or a mapping; a
    # key with no value is resolved from the shell that runs compose (unset if it has none there).
    entries = []
    if is_sequence(node):
        for item in sequence_items(node):
            text = scalar_text(item)
            if text is None:
                continue
            variable, equals, value = text.partition("=")
            entries.append(_entry(variable, value if equals else None, where, item, places.get(id(item))))
    elif is_mapping(node):
        for variable, key_node, value_node in mapping_items(node):
            mapped = None if is_null(value_node) else scalar_text(value_node)
            if mapped is None and not is_null(value_node):
                continue  # a list or mapping: compose rejects the file
            entries.append(_entry(variable, mapped, where, key_node, places.get(id(key_node))))
    return entries


def _entry(
    variable: str, value: Optional[str], where: str, node: YamlNode, place: Optional[TextPlace]
) -> EnvironmentEntry:
    # ref. Compose Specification, "Interpolation": `$VAR` and `${VAR}` come from the shell (or the
    # project's .env file); `$$` is a literal dollar.
    from_host = value is None or refers_to_variable(value)
    value_kind = VALUE_HOST if from_host else VALUE_LITERAL
    span = name_span(node, variable)
    return EnvironmentEntry(variable, value, value_kind, where, PLATFORM_CONTAINER, span, place)
