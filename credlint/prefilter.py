"""The bytes of one file and the cheap analyses that rules' candidate checks share.

Deciding which rules could fire on a file happens in stages, each only when the previous one
passes: substring triggers on the raw bytes (registry), then a family's candidate check on this
probe (a regex, or a stdlib `ast` parse shared by every check), and LibCST only for the files
that are left. A candidate check may only skip work: a file it rejects never holds a finding.
"""

from __future__ import annotations

import ast
import functools
from typing import Callable, Optional, TypeVar

Answer = TypeVar("Answer")


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

    @functools.cached_property
    def tree(self) -> Optional[ast.Module]:
        """The stdlib parse every candidate check shares; None when Python cannot parse the file,
        which every check then passes on to LibCST so that it reports what is wrong."""
        try:
            return ast.parse(self.source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None

    def once(self, analysis: Callable[[FileProbe], Answer]) -> Answer:
        """analysis(self), computed on the first call and remembered for the rules that ask next."""
        if analysis not in self._answers:
            self._answers[analysis] = analysis(self)
        return self._answers[analysis]  # type: ignore[return-value]
