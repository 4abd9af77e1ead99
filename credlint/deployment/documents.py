"""YAML and JSON files as PyYAML nodes, so that every key and value keeps its line and column.

Nodes are composed, never constructed: unknown tags such as CloudFormation's `!Ref` and `!Sub`
stay plain tagged nodes, keys such as GitHub's `on` stay text (a constructed YAML 1.1 document
would read it as True), and no Python object is ever built from the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Callable, Optional

from credlint.deployment.model import VALUE_EXPRESSION, VALUE_LITERAL, DeploymentParseError, TextPlace, whole_lines
from credlint.finding import Span

YamlNode = Any  # a yaml.Node: PyYAML ships no type information
ValueReader = Callable[[YamlNode], "tuple[str, Optional[str]]"]  # a value node to (VALUE_*, literal text)
_NULL_TAG = "tag:yaml.org,2002:null"
_MERGE_TAG = "tag:yaml.org,2002:merge"  # a plain `<<` key; a quoted one is an ordinary key
_QUOTED_STYLES = ("'", '"')


def yaml_documents(text: str) -> list[YamlNode]:
    """Every document of a YAML stream as a node tree; invalid YAML is a DeploymentParseError."""
    import yaml  # type: ignore[import-untyped]

    # libyaml's composer (CSafeLoader) is the same SafeLoader grammar, many times faster.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return [node for node in yaml.compose_all(text, Loader=loader) if node is not None]
    except yaml.YAMLError as error:
        raise _yaml_parse_error(text, error) from None
    except RecursionError:
        raise DeploymentParseError("not valid YAML: the file is too deeply nested to parse") from None


def _yaml_parse_error(text: str, error: Any) -> DeploymentParseError:
    """PyYAML's own wording and position, the same with or without libyaml installed."""
    import yaml

    try:
        list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as python_error:
        error = python_error
    except RecursionError:
        pass
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    problem = getattr(error, "problem", None) or getattr(error, "context", None)
    context_mark = getattr(error, "context_mark", None)
    if mark is not None and context_mark is not None and mark.index >= len(text.rstrip()):
        mark = context_mark  # the file ended inside a construct: point at where that construct opens
    if isinstance(error, yaml.reader.ReaderError):
        # ref. PyYAML reader.py: ReaderError holds a character position, not a mark.
        before = text[: error.position]
        line, column = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
        return DeploymentParseError("not valid YAML: the file holds a character YAML does not allow", line, column)
    if mark is None:
        return DeploymentParseError(f"not valid YAML: {problem or error}")
    return DeploymentParseError(f"not valid YAML: {problem}", mark.line + 1, mark.column + 1)


def json_document(text: str) -> Any:
    """The parsed JSON value; invalid JSON is a DeploymentParseError at json's own line and column."""
    import json

    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise DeploymentParseError(f"not valid JSON: {error.msg}", error.lineno, error.colno) from None
    except RecursionError:
        raise DeploymentParseError("not valid JSON: the file is too deeply nested to parse") from None


# ref. PyYAML reader.py NON_PRINTABLE, and YAML 1.1 line breaks (NEL, LS, PS): characters valid
# JSON may hold raw inside its strings, which the YAML reader refuses or counts as new lines.
_NOT_YAML_TEXT = re.compile("[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def json_nodes(text: str) -> Optional[list[YamlNode]]:
    """Nodes with positions for JSON that json has already accepted; None in the rare case that
    YAML's flow syntax cannot read it (a key over 1,024 characters).

    JSON is YAML in flow style. A raw tab in valid JSON can only be whitespace (json rejects it in
    strings), and the characters YAML refuses can only be inside strings: one space in their place
    keeps every line and column.
    """
    try:
        return yaml_documents(_NOT_YAML_TEXT.sub(" ", text.replace("\t", " ")))
    except DeploymentParseError:
        return None


def is_mapping(node: YamlNode) -> bool:
    return type(node).__name__ == "MappingNode"


def is_sequence(node: YamlNode) -> bool:
    return type(node).__name__ == "SequenceNode"


def is_scalar(node: YamlNode) -> bool:
    return type(node).__name__ == "ScalarNode"


def is_null(node: YamlNode) -> bool:
    return node is None or (is_scalar(node) and node.tag == _NULL_TAG)


def scalar_text(node: YamlNode) -> Optional[str]:
    """The text of a plain or quoted scalar; None for null, collections and tagged values such as
    CloudFormation's `!Ref Name`, whose text is not the value."""
    if not is_scalar(node) or node.tag == _NULL_TAG or str(node.tag).startswith("!"):
        return None
    return str(node.value)


def plain_value(node: YamlNode) -> tuple[str, Optional[str]]:
    """A value's kind and its text when it is written in the file (a missing or null value is "")."""
    if is_null(node):
        return VALUE_LITERAL, ""
    text = scalar_text(node)
    return (VALUE_EXPRESSION, None) if text is None else (VALUE_LITERAL, text)


def mapping_items(node: YamlNode) -> Iterator[tuple[str, YamlNode, YamlNode]]:
    """(key text, key node, value node) of a mapping, with `<<: *anchor` merges expanded as
    YAML 1.1 defines them: keys written in the mapping win over merged ones."""
    yield from _mapping_items(node, set(), set())


def _mapping_items(
    node: YamlNode, seen_nodes: set[int], seen_keys: set[str]
) -> Iterator[tuple[str, YamlNode, YamlNode]]:
    if not is_mapping(node) or id(node) in seen_nodes:
        return
    seen_nodes.add(id(node))
    merged: list[YamlNode] = []
    for key_node, value_node in node.value:
        key = scalar_text(key_node)
        if key is None:
            continue
        if key_node.tag == _MERGE_TAG:
            merged.extend(value_node.value if is_sequence(value_node) else [value_node])
            continue
        if key not in seen_keys:
            seen_keys.add(key)
            yield key, key_node, value_node
    for source in merged:
        yield from _mapping_items(source, seen_nodes, seen_keys)


def child(node: YamlNode, key: str) -> YamlNode:
    """The value under key in a mapping node, or None."""
    return keyed_child(node, key)[1]


def keyed_child(node: YamlNode, key: str) -> tuple[YamlNode, YamlNode]:
    """The key node and value node of key in a mapping node, or (None, None)."""
    for name, key_node, value in mapping_items(node):
        if name == key:
            return key_node, value
    return None, None


def block_places(parent: YamlNode, key: YamlNode, block: YamlNode) -> dict[int, TextPlace]:
    """Where each item of a block-style sequence or mapping is written, by the id of its first
    node, all in one group with the key that holds the block in parent: the lines each item alone
    takes up. Nothing for a flow-style block (`[A, B]`, `{A: b}`), one with merged keys
    (`<<: *common`), one merged into parent from elsewhere, or one whose parent holds nothing else
    (taking the block out whole would leave the parent empty)."""
    if key is None or getattr(block, "flow_style", True) or not (is_sequence(block) or is_mapping(block)):
        return {}
    if not is_mapping(parent) or len(parent.value) < 2 or not any(written is key for written, _ in parent.value):
        return {}
    items = [(item, item) for item in block.value] if is_sequence(block) else list(block.value)
    if not items or any(first.tag == _MERGE_TAG for first, _ in items):
        return {}
    lines = [(first.start_mark.line + 1, _last_line(first if is_null(last) else last)) for first, last in items]
    group_start, group_end = whole_lines(key.start_mark.line + 1, max(last for _, last in lines))
    places = {}
    marker = "-" if is_sequence(block) else ""  # an item whose dash is on a line of its own is not ours
    for (first, _), (first_line, last_line) in zip(items, lines):
        start, end = whole_lines(first_line, last_line)
        places[id(first)] = TextPlace(start, end, group_start, group_end, opens_with=marker)
    return places


def _last_line(node: YamlNode) -> int:
    """The 1-based line a node ends on; a block scalar's end mark is at the start of the next line."""
    mark = node.end_mark
    return int(mark.line) + 1 if mark.column > 0 else int(mark.line)


def path(node: YamlNode, *keys: str) -> YamlNode:
    """The value at a path of mapping keys, or None where any step is missing."""
    for key in keys:
        node = child(node, key)
        if node is None:
            return None
    return node


def sequence_items(node: YamlNode) -> list[YamlNode]:
    return list(node.value) if is_sequence(node) else []


def has_keys(node: YamlNode, *keys: str) -> bool:
    names = {name for name, _, _ in mapping_items(node)}
    return all(key in names for key in keys)


def name_span(node: YamlNode, name: str) -> Span:
    """The span of a variable name that starts a scalar (`KEY`, `"KEY"`, `KEY=value`)."""
    line, column = node.start_mark.line + 1, node.start_mark.column + 1
    if getattr(node, "style", None) in _QUOTED_STYLES:
        column += 1
    return Span(line, column, line, column + len(name))


_SHELL_REFERENCE = re.compile(r"(?<!\$)\$(\{|[A-Za-z_])")


def refers_to_variable(value: str) -> bool:
    """`$NAME` or `${NAME...}` (but not `$$`, an escaped dollar), as compose and Docker expand them."""
    return bool(_SHELL_REFERENCE.search(value))
