"""The file paths a Python expression may hold, as far as they decide whether it is the shared
credentials file in the home directory: strings, os.path, pathlib, environment reads, constants."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

import libcst as cst

from credlint.analysis.bindings import MAX_RESOLUTION_DEPTH, bound_values, qualified_names
from credlint.analysis.literals import StringPiece, fold_string, string_pieces, template_pieces
from credlint.checks.credential_files.chain_files import components

# Where a path starts.
HOME = "home"  # the user's home directory, expanded
TILDE = "tilde"  # `~` not yet expanded: open() takes it as a directory named so
HOME_VARIABLE = "home-variable"  # `$HOME` not yet expanded
SHARED_FILE = "shared-file"  # the file AWS_SHARED_CREDENTIALS_FILE names, itself
ABSOLUTE = "absolute"  # an absolute path outside the home directory
RELATIVE = "relative"  # relative: os.path.join and `/` put it under what stands on their left
UNKNOWN = "unknown"  # a path whose start is not known
SHARED_FILE_VARIABLE = "AWS_SHARED_CREDENTIALS_FILE"
_HOME_VARIABLES = frozenset({"HOME", "USERPROFILE"})
_HOME_DIRECTORY = re.compile(r"^(?:/root|/home/[^/]+|/Users/[^/]+|[A-Za-z]:/Users/[^/]+)(?=/|$)")
_TILDE = re.compile(r"^~[^/]*(?=/|$)")
_HOME_VARIABLE = re.compile(r"^(?:\$HOME|\$\{HOME\}|%USERPROFILE%)(?=/|$)")
_ABSOLUTE = re.compile(r"^(?:/|[A-Za-z]:/)")
_MAX_ALTERNATIVES = 8

_JOINS = frozenset({"os.path.join", "posixpath.join", "ntpath.join"})
_PATH_CLASSES = frozenset(
    f"pathlib.{name}" for name in ("Path", "PurePath", "PosixPath", "WindowsPath", "PurePosixPath", "PureWindowsPath")
)
_HOME_CALLS = frozenset({"pathlib.Path.home", "pathlib.PosixPath.home", "pathlib.WindowsPath.home"})
_SAME_PATH = frozenset({"os.fspath", "os.path.abspath", "os.path.normpath", "os.path.realpath", "builtins.str", "str"})
_ENV_READERS = frozenset({"os.getenv", "os.environ.get"})
_ENVIRON = "os.environ"


@dataclass(frozen=True)
class PathValue:
    """A path: where it starts, and the names after that which are known (the last ones)."""

    start: str
    names: tuple[str, ...] = ()

    def joined(self, other: PathValue) -> PathValue:
        """os.path.join and `/`: a path that is not relative replaces what stands on its left."""
        if other.start != RELATIVE:
            return other
        if self.start == SHARED_FILE:
            return PathValue(UNKNOWN, other.names)  # under a file: nothing the chain reads
        return PathValue(self.start, self.names + other.names)

    def expanded(self, unexpanded: str) -> PathValue:
        """expanduser() expands `~`, expandvars() `$HOME`."""
        return PathValue(HOME, self.names) if self.start == unexpanded else self

    @property
    def is_shared_credentials_file(self) -> bool:
        """The file link 5 reads: ~/.aws/credentials, or the one AWS_SHARED_CREDENTIALS_FILE names."""
        return self.start == SHARED_FILE or (self.start == HOME and self.names[-2:] == (".aws", "credentials"))


def parse_path(text: str) -> PathValue:
    """A path written as text: `~/.aws/credentials`, `/root/.aws/credentials`, `.aws/credentials`."""
    text = text.replace("\\", "/")
    for pattern, start in ((_HOME_DIRECTORY, HOME), (_TILDE, TILDE), (_HOME_VARIABLE, HOME_VARIABLE)):
        match = pattern.match(text)
        if match:
            return PathValue(start, components(text[match.end() :]))
    return PathValue(ABSOLUTE if _ABSOLUTE.match(text) else RELATIVE, components(text))


_RELATIVE = PathValue(RELATIVE)
Alternatives = list[Optional[PathValue]]  # None: a value that is not known


def path_values(owner: cst.MetadataDependent, expr: cst.BaseExpression, depth: int = 0) -> Alternatives:
    """Every path expr may hold, following names to their bindings and both sides of `a or b`."""
    if depth > MAX_RESOLUTION_DEPTH:
        return [None]
    if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)) or (
        isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add)
    ):
        return [_string_path(owner, string_pieces(owner, expr), depth)]
    formatted = template_pieces(owner, expr)
    if formatted is not None:
        return [_string_path(owner, formatted, depth)]
    if isinstance(expr, cst.Name):
        return _capped(
            [found for value in bound_values(owner, expr) for found in _value_paths(owner, value, depth + 1)]
        )
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Divide):
        return _joined(path_values(owner, expr.left, depth + 1), path_values(owner, expr.right, depth + 1))
    if isinstance(expr, cst.IfExp):
        return _capped(path_values(owner, expr.body, depth + 1) + path_values(owner, expr.orelse, depth + 1))
    if isinstance(expr, cst.BooleanOperation) and isinstance(expr.operator, cst.Or):
        return _capped(path_values(owner, expr.left, depth + 1) + path_values(owner, expr.right, depth + 1))
    if isinstance(expr, cst.Call):
        return _call_paths(owner, expr, depth)
    if isinstance(expr, cst.Subscript) and qualified_names(owner, expr.value) & {_ENVIRON}:
        index = expr.slice[0].slice if len(expr.slice) == 1 else None
        return [_environment_path(owner, index.value) if isinstance(index, cst.Index) else None]
    return [None]


def _value_paths(owner: cst.MetadataDependent, value: Optional[cst.BaseExpression], depth: int) -> Alternatives:
    return [None] if value is None else path_values(owner, value, depth)


def _string_path(owner: cst.MetadataDependent, pieces: Optional[list[StringPiece]], depth: int) -> Optional[PathValue]:
    """A string's path; an unknown part starts it afresh, unless it is a path the code builds first
    (`f"{Path.home()}/.aws/credentials"`, `"%s/.aws/credentials" % home`)."""
    if not pieces:
        return None
    start: Optional[PathValue] = None
    text = ""
    for piece in pieces:
        if piece.text is not None:
            text += piece.text
            continue
        node = piece.node.expression if isinstance(piece.node, cst.FormattedStringExpression) else piece.node
        known = path_values(owner, node, depth + 1) if isinstance(node, cst.BaseExpression) else [None]
        first = start is None and not text and len(known) == 1 and known[0] is not None
        start, text = (known[0] if first else PathValue(UNKNOWN)), ""
    if start is None:
        return parse_path(text)
    return PathValue(start.start, start.names + components(text))


def _call_paths(owner: cst.MetadataDependent, call: cst.Call, depth: int) -> Alternatives:
    names = qualified_names(owner, call.func)
    positional = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
    if names & _HOME_CALLS:
        return [PathValue(HOME)]
    if names & {"os.path.expanduser"} and len(positional) == 1:
        return _expanded(path_values(owner, positional[0], depth + 1), TILDE)
    if names & {"os.path.expandvars"} and len(positional) == 1:
        return _expanded(path_values(owner, positional[0], depth + 1), HOME_VARIABLE)
    if names & _SAME_PATH and len(positional) == 1:
        return path_values(owner, positional[0], depth + 1)
    if names & _ENV_READERS and positional:
        return [_environment_path(owner, positional[0])]
    if names & (_JOINS | _PATH_CLASSES) and len(positional) == len(call.args):
        return _joined_all(owner, positional, depth) if positional else [_RELATIVE]
    func = call.func
    if not isinstance(func, cst.Attribute):
        return [None]
    method = func.attr.value
    if method == "expanduser" and not call.args:
        return _expanded(path_values(owner, func.value, depth + 1), TILDE)
    if method in ("resolve", "absolute") and not positional:
        return path_values(owner, func.value, depth + 1)
    if method == "joinpath" and len(positional) == len(call.args):
        return _joined_all(owner, [func.value, *positional], depth)
    return [None]


def _joined_all(owner: cst.MetadataDependent, parts: list[cst.BaseExpression], depth: int) -> Alternatives:
    found = path_values(owner, parts[0], depth + 1)
    for part in parts[1:]:
        found = _joined(found, path_values(owner, part, depth + 1))
    return found


def _environment_path(owner: cst.MetadataDependent, name: cst.BaseExpression) -> Optional[PathValue]:
    """`os.environ["HOME"]` is the home directory; AWS_SHARED_CREDENTIALS_FILE names the file itself."""
    variable = fold_string(owner, name)
    if variable in _HOME_VARIABLES:
        return PathValue(HOME)
    return PathValue(SHARED_FILE) if variable == SHARED_FILE_VARIABLE else None


def _joined(lefts: Alternatives, rights: Alternatives) -> Alternatives:
    return _capped(
        [left.joined(right) if left is not None and right is not None else None for left in lefts for right in rights]
    )


def _expanded(found: Alternatives, unexpanded: str) -> Alternatives:
    return [value.expanded(unexpanded) if value is not None else None for value in found]


def _capped(found: Alternatives) -> Alternatives:
    """At most a few alternatives; past that the value is taken as unknown."""
    return found if len(found) <= _MAX_ALTERNATIVES else [None]
