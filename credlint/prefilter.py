"""The bytes of one file and the cheap analyses that rules' candidate checks share.

Deciding which rules could fire on a file happens in stages, each only when the previous one
passes: substring triggers on the raw bytes (registry), then a family's candidate check on this
probe (a regex, or a stdlib `ast` parse shared by every check), and LibCST only for the files
that are left. A candidate check may only skip work: a file it rejects never holds a finding.
"""

from __future__ import annotations

import ast
import functools
import sys
from collections import defaultdict, deque
from collections.abc import Iterator
from typing import Callable, Optional, TypeVar

Answer = TypeVar("Answer")
Node = TypeVar("Node", bound=ast.AST)

PYTHON_RECURSION_LIMIT = 1000  # sys.getrecursionlimit() in a fresh interpreter
TOO_DEEP = "the code is nested too deeply for Python to compile it"
_NESTING_LIMITS = ("too many nested parentheses", "too many levels of indentation", TOO_DEEP)


def walk_tree(root: ast.AST) -> Iterator[ast.AST]:
    """The nodes under root in `ast.walk`'s order, in half its time: no generators per node."""
    pending = deque([root])
    take, add = pending.popleft, pending.append
    while pending:
        node = take()
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, ast.AST):
                add(value)
            elif value.__class__ is list:
                for item in value:
                    if isinstance(item, ast.AST):
                        add(item)
        yield node


class FileProbe:
    """One file's bytes, with each cheap analysis of them done once, whichever rule asks first."""

    def __init__(self, source: bytes) -> None:
        self.source = source
        self._answers: dict[Callable[[FileProbe], object], object] = {}
        self._contains: dict[bytes, bool] = {}

    def contains(self, trigger: bytes) -> bool:
        """Whether trigger occurs in the bytes; rules share triggers, so each is searched once."""
        found = self._contains.get(trigger)
        if found is None:
            found = self._contains[trigger] = trigger in self.source
        return found

    @property
    def tree(self) -> Optional[ast.Module]:
        """The stdlib parse every candidate check shares; None when Python cannot parse the file,
        which every check then passes on to LibCST so that it reports what is wrong."""
        return self._parse[0]

    @property
    def syntax_error(self) -> Optional[SyntaxError]:
        """Why Python cannot parse the file, if it cannot."""
        return self._parse[1]

    @property
    def too_deep(self) -> Optional[SyntaxError]:
        """Python's own refusal of code nested too deeply to compile. LibCST, recursing once per
        level, would exhaust even a deep stack on it; other syntax is LibCST's to judge, since it
        reads newer grammar than the running Python may."""
        error = self._parse[1]
        return error if error is not None and error.msg in _NESTING_LIMITS else None

    @functools.cached_property
    def _parse(self) -> tuple[Optional[ast.Module], Optional[SyntaxError]]:
        # Python's depth limit follows the recursion limit, which budget.py raises for LibCST:
        # judge at the limit a program runs with, as `python` itself would.
        raised = sys.getrecursionlimit()
        sys.setrecursionlimit(PYTHON_RECURSION_LIMIT)
        try:
            return ast.parse(self.source), None
        except (RecursionError, MemoryError):
            return None, SyntaxError(TOO_DEEP)
        except SyntaxError as error:
            return None, error
        except ValueError:  # a NUL byte: LibCST says where
            return None, None
        finally:
            sys.setrecursionlimit(raised)

    def nodes(self, kind: type[Node]) -> list[Node]:
        """Every node of the stdlib parse of this type, in `ast.walk` order: the candidate checks
        each ask for a few types, and one walk over the tree answers them all."""
        return self._nodes_by_type.get(kind, [])  # type: ignore[return-value]

    @functools.cached_property
    def _nodes_by_type(self) -> dict[type[ast.AST], list[ast.AST]]:
        found: dict[type[ast.AST], list[ast.AST]] = defaultdict(list)
        if self.tree is not None:
            for node in walk_tree(self.tree):
                found[type(node)].append(node)
        return found

    def once(self, analysis: Callable[[FileProbe], Answer]) -> Answer:
        """analysis(self), computed on the first call and remembered for the rules that ask next."""
        if analysis not in self._answers:
            self._answers[analysis] = analysis(self)
        return self._answers[analysis]  # type: ignore[return-value]
