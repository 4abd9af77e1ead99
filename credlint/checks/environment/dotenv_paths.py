"""Which file a path expression names, as far as the module shows: the dotenv paths CL204 follows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Optional

import libcst as cst

from credlint.analysis.bindings import MAX_RESOLUTION_DEPTH, imported_names, single_bound_value
from credlint.analysis.literals import fold_string

# ref. django-environ environ.py: Path(start='', *paths, is_file=False), `path - n`, `path(...)`, `path.path(...)`.
DJANGO_ENVIRON_PATH = frozenset({"environ.Path", "environ.environ.Path"})

ANCHOR_FILE_DIRECTORY = "file-directory"  # from __file__
ANCHOR_WORKING_DIRECTORY = "working-directory"  # a relative path: python-dotenv opens it from the cwd
ANCHOR_UNKNOWN = "unknown"  # an absolute path or a base not known here: only the name is matched

_PATH_IDENTITY = frozenset(
    {
        "os.path.abspath",
        "os.path.realpath",
        "os.path.normpath",
        "os.path.expanduser",
        "os.fspath",
        "builtins.str",
        "str",
        "pathlib.Path",
        "pathlib.PurePath",
        "pathlib.PosixPath",
    }
)
_PATH_IDENTITY_METHODS = frozenset({"resolve", "absolute", "expanduser"})
_PATH_CLASSES = frozenset({"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath"})


@dataclass(frozen=True)
class FoldedPath:
    """A path expression as far as it is known: its anchor and the parts that follow it."""

    anchor: str
    parts: tuple[str, ...]

    def join(self, more: Sequence[str]) -> FoldedPath:
        parts = list(self.parts)
        anchor = self.anchor
        for part in more:
            if part.startswith(("/", "~")):
                anchor, parts = ANCHOR_UNKNOWN, []
            parts.extend(piece for piece in part.split("/") if piece not in ("", "."))
        return FoldedPath(anchor, tuple(parts))

    def parent(self) -> FoldedPath:
        if self.parts and self.parts[-1] != "..":
            return FoldedPath(self.anchor, self.parts[:-1])
        if self.anchor == ANCHOR_UNKNOWN:
            return FoldedPath(ANCHOR_UNKNOWN, ())
        return FoldedPath(self.anchor, (*self.parts, ".."))


# __file__ itself: the file's directory, then its name (which dirname or .parent removes).
_THIS_FILE = FoldedPath(ANCHOR_FILE_DIRECTORY, ("<this file>",))


def fold_path(owner: cst.MetadataDependent, expr: cst.BaseExpression, depth: int = 0) -> Optional[FoldedPath]:
    """A path expression folded: literals, constants, __file__, os.path.join/dirname, pathlib `/` and
    `.parent`, django-environ's Path (`environ.Path(__file__) - 2`, `root(".env")`, `root.path(".env")`),
    f-strings that start with a path. A known tail on an unknown base keeps the tail."""
    if depth > MAX_RESOLUTION_DEPTH:
        return None
    text = fold_string(owner, expr)
    if text is not None:
        return FoldedPath(ANCHOR_WORKING_DIRECTORY, ()).join([text])
    if isinstance(expr, cst.Name):
        if expr.value == "__file__":
            return _THIS_FILE
        value = single_bound_value(owner, expr)
        return fold_path(owner, value, depth + 1) if value is not None else None
    if isinstance(expr, cst.Attribute) and expr.attr.value == "parent":
        base = fold_path(owner, expr.value, depth + 1)
        return base.parent() if base is not None else None
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Divide):
        return _joined(owner, expr.left, [expr.right], depth)
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Subtract):
        # ref. django-environ Path.__sub__: `path - n` is n directories up; nothing else subtracts from a path.
        base = fold_path(owner, expr.left, depth + 1)
        levels = expr.right.evaluated_value if isinstance(expr.right, cst.Integer) else None
        if base is None or not isinstance(levels, int):
            return None
        for _ in range(min(levels, MAX_RESOLUTION_DEPTH)):
            base = base.parent()
        return base
    if isinstance(expr, cst.FormattedString):
        return _formatted_path(owner, expr, depth)
    if isinstance(expr, cst.Call):
        return _called_path(owner, expr, depth)
    return None


def _called_path(owner: cst.MetadataDependent, call: cst.Call, depth: int) -> Optional[FoldedPath]:
    func = call.func
    names = imported_names(owner, func)
    args = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
    if names & DJANGO_ENVIRON_PATH:
        return _django_environ_path(owner, call, args, depth)
    if len(args) != len(call.args) or not args:
        if isinstance(func, cst.Attribute) and func.attr.value in _PATH_IDENTITY_METHODS and not call.args:
            return fold_path(owner, func.value, depth + 1)
        return None
    if "os.path.dirname" in names and len(args) == 1:
        base = fold_path(owner, args[0], depth + 1)
        return base.parent() if base is not None else None
    if "os.path.join" in names or (names & _PATH_CLASSES and len(args) > 1):
        return _joined(owner, args[0], args[1:], depth)
    if names & _PATH_IDENTITY and len(args) == 1:
        return fold_path(owner, args[0], depth + 1)
    if isinstance(func, cst.Attribute) and func.attr.value in ("joinpath", "path"):
        return _joined(owner, func.value, args, depth)
    if isinstance(func, (cst.Name, cst.Attribute)):
        # Of the paths folded here only django-environ's Path is callable: `root(".env")` joins.
        callee = fold_path(owner, func, depth + 1)
        return _joined(owner, func, args, depth) if callee is not None else None
    return None


def _django_environ_path(
    owner: cst.MetadataDependent, call: cst.Call, args: Sequence[cst.BaseExpression], depth: int
) -> Optional[FoldedPath]:
    """ref. django-environ Path(start='', *paths, is_file=False, required=False): start joined with
    paths, from start's directory when is_file."""
    spread = any(arg.star for arg in call.args)
    is_file = any(arg.keyword is not None and arg.keyword.value == "is_file" for arg in call.args)
    if spread or not args:
        return None
    folded = _joined(owner, args[0], args[1:], depth)
    return folded.parent() if folded is not None and is_file else folded


def _joined(
    owner: cst.MetadataDependent, base: cst.BaseExpression, rest: Sequence[cst.BaseExpression], depth: int
) -> Optional[FoldedPath]:
    tail = [fold_string(owner, part) for part in rest]
    if any(part is None for part in tail):
        return None
    known = [part for part in tail if part is not None]
    folded = fold_path(owner, base, depth + 1) or FoldedPath(ANCHOR_UNKNOWN, ())
    return folded.join(known)


def _formatted_path(owner: cst.MetadataDependent, expr: cst.FormattedString, depth: int) -> Optional[FoldedPath]:
    """f"{BASE_DIR}/.env": a path expression first, then text."""
    folded: Optional[FoldedPath] = None
    for index, part in enumerate(expr.parts):
        if isinstance(part, cst.FormattedStringExpression):
            if index != 0 or part.format_spec or part.conversion:
                return None
            folded = fold_path(owner, part.expression, depth + 1) or FoldedPath(ANCHOR_UNKNOWN, ())
        elif isinstance(part, cst.FormattedStringText):
            text = part.value.replace("{{", "{").replace("}}", "}")
            folded = (folded or FoldedPath(ANCHOR_WORKING_DIRECTORY, ())).join([text])
    return folded
