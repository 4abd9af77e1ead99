"""Batched LibCST visitors whose visit_ and leave_ methods are looked up once per class.

LibCST finds them by inspecting every member of each visitor instance, for every file, and a
file is visited by every rule, the suppression collector and the metadata providers; which
methods a visitor has depends on its class alone.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping

import libcst as cst


class MethodsByClass(cst.BatchableCSTVisitor):
    """Put first among a batched visitor's bases."""

    def get_visitors(self) -> Mapping[str, Callable[[cst.CSTNode], None]]:
        return {name: getattr(self, name) for name in _visitor_names(type(self))}


@functools.cache
def _visitor_names(visitor_class: type[cst.BatchableCSTVisitor]) -> tuple[str, ...]:
    """The names of the methods a batched visit calls, without LibCST's empty stubs."""
    return tuple(
        name
        for name in dir(visitor_class)
        if name.startswith(("visit_", "leave_"))
        and callable(method := getattr(visitor_class, name))
        and not getattr(method, "_is_no_op", False)
    )
