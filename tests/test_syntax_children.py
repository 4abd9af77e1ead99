"""code_children must list what LibCST's `children` lists, less layout, in the same order: the
retry analysis reads loops and handlers through it and quotes the first match it meets."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from credlint.analysis.syntax_children import code_children

REPOSITORY = Path(__file__).resolve().parent.parent
LAYOUT = (
    cst.BaseParenthesizableWhitespace,
    cst.EmptyLine,
    cst.Newline,
    cst.TrailingWhitespace,
    cst.Comment,
    cst.LeftParen,
    cst.RightParen,
    cst.LeftSquareBracket,
    cst.RightSquareBracket,
    cst.LeftCurlyBrace,
    cst.RightCurlyBrace,
    cst.Comma,
    cst.Dot,
    cst.Semicolon,
    cst.Colon,
    cst.AssignEqual,
    cst.Asynchronous,
)
# Shapes whose fields are declared in another order than the code is written.
REORDERED = """
@retry(stop=stop_after_attempt(3))
class Poller(Base, metaclass=Meta):
    @staticmethod
    async def poll(client, /, region=default(), *, delay: int = 1) -> dict:
        value = time.sleep(delay) if ready() else time.sleep(backoff(delay))
        call(key=first(), *rest)
        try:
            pass
        except errors() as error:
            handle(error)
        match event:
            case {"kind": kind} if check(kind):
                pass
        from . import sibling
        return {}


type Pair[K] = tuple[K, K]
"""


def _code_nodes(module: cst.Module) -> list[cst.CSTNode]:
    found, pending = [], [module]
    while pending:
        node = pending.pop()
        found.append(node)
        pending.extend(reversed(code_children(node)))
    return found


def _assert_same_as_libcst(source: str) -> int:
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError:  # the examples hold a broken file on purpose
        return 0
    nodes = _code_nodes(module)
    for node in nodes:
        expected = [child for child in node.children if not isinstance(child, LAYOUT)]
        assert code_children(node) == expected, type(node).__name__
    return len(nodes)


def test_reordered_fields_come_back_in_source_order() -> None:
    module = cst.parse_module(REORDERED)
    calls = [cst.Module([]).code_for_node(node) for node in _code_nodes(module) if isinstance(node, cst.Call)]
    assert calls[:5] == ["retry(stop=stop_after_attempt(3))", "stop_after_attempt(3)", *calls[2:5]]
    assert calls.index("time.sleep(delay)") < calls.index("ready()") < calls.index("time.sleep(backoff(delay))")
    assert calls.index("first()") < calls.index("errors()") < calls.index("handle(error)")
    assert calls.index("check(kind)") == len(calls) - 1
    parameters = next(node for node in _code_nodes(module) if isinstance(node, cst.Parameters))
    assert [node.name.value for node in code_children(parameters) if isinstance(node, cst.Param)] == [
        "client",
        "region",
        "delay",
    ]
    _assert_same_as_libcst(REORDERED)


@pytest.mark.parametrize("package", ["credlint", "tests", "examples"])
def test_every_node_of_real_modules_matches_libcst(package: str) -> None:
    checked = sum(
        _assert_same_as_libcst(path.read_text(encoding="utf-8"))
        for path in sorted((REPOSITORY / package).rglob("*.py"))
    )
    assert checked > 500
