"""CL204: python-dotenv loading a .env file of the scanned tree that defines AWS credentials."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Optional

import libcst as cst
from libcst.metadata import PositionProvider

from credlint.analysis.bindings import BINDING_PROVIDERS, MAX_RESOLUTION_DEPTH, single_bound_value
from credlint.analysis.literals import fold_string
from credlint.analysis.platforms import PLATFORM_ANY, PLATFORM_CONTAINER
from credlint.analysis.sdk import call_arguments
from credlint.chain import STATUS_WHERE_PASSED, CredentialPlacement, Explanation, credential_steps
from credlint.checks.environment.env_reads import qualified_names
from credlint.checks.environment.shadowing import FIX_BY_PLATFORM, ROTATE, env_explanation, shadowing_severity
from credlint.rule import Rule
from credlint.settings import DotenvCredential, FileContext

LOAD_DOTENV = frozenset({"dotenv.load_dotenv", "dotenv.main.load_dotenv"})
DOTENV_VALUES = frozenset({"dotenv.dotenv_values", "dotenv.main.dotenv_values"})
FIND_DOTENV = frozenset({"dotenv.find_dotenv", "dotenv.main.find_dotenv"})
# ref. python-dotenv main.py: load_dotenv(dotenv_path, stream, verbose, override, interpolate, encoding),
# dotenv_values(dotenv_path, stream, verbose, interpolate, encoding), find_dotenv(filename, ...).
LOAD_DOTENV_PARAMETERS = ("dotenv_path", "stream", "verbose", "override", "interpolate", "encoding")
DOTENV_VALUES_PARAMETERS = ("dotenv_path", "stream", "verbose", "interpolate", "encoding")
FIND_DOTENV_PARAMETERS = ("filename", "raise_error_if_not_found", "usecwd")
DEFAULT_DOTENV_NAME = ".env"
# ref. aws-chain-reference.md section 1: the env provider answers only when AWS_ACCESS_KEY_ID is set;
# a secret or a token alone leaves the chain to the roles.
ACTIVATING_VARIABLE = "AWS_ACCESS_KEY_ID"

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

# ref. python-dotenv main.py DotEnv.set_as_environment_variables: without override, variables
# already set are kept. ref. aws-chain-reference.md section 7: Lambda sets AWS_ACCESS_KEY_ID itself.
_NO_OVERRIDE = (
    "With override=False (the default) variables already set win: on Lambda, whose runtime sets them "
    "from the execution role, the file's keys are ignored, but on ECS, EKS and EC2 nothing sets them "
    "first and the file's keys take over."
)
_OVERRIDE = "With override=True they replace variables already set, even Lambda's execution role credentials."
_VALUES_RUNTIME = (
    "dotenv_values only returns the file's variables as a dict; wherever those keys are passed (as SDK "
    "arguments, or written into os.environ) they win over the roles: as arguments they take the explicit "
    "link ahead of the whole chain, in os.environ link 1 (env), ahead of IRSA web identity (link 3), the "
    "container role (link 11) and the instance profile (link 12)."
)
_FIX = (
    "Remove the AWS keys from {file} (keep it for settings that are not credentials) and keep dotenv files "
    "out of images and version control; on developer machines use a profile (AWS_PROFILE) or SSO, in AWS "
    "the task role, IRSA or the instance profile."
)


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


@dataclass(frozen=True)
class _Target:
    """Which dotenv file a call reads: a nearest file by name, or a folded path."""

    nearest: Optional[str] = None  # find_dotenv's walk up from the file's directory, for this name
    path: Optional[FoldedPath] = None


class DotenvCredentialsLoaded(Rule):
    """A loaded .env file's keys take the env link and hide the platform's role."""

    METADATA_DEPENDENCIES = (PositionProvider, *BINDING_PROVIDERS)

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._credentials = context.settings.dotenv_credentials
        self._directory = _file_directory_in_root(context) if self._credentials else None

    def visit_Call(self, node: cst.Call) -> None:
        if not self._credentials:
            return
        names = qualified_names(self, node.func)
        if names & LOAD_DOTENV:
            self._check(node, "load_dotenv", LOAD_DOTENV_PARAMETERS)
        elif names & DOTENV_VALUES:
            self._check(node, "dotenv_values", DOTENV_VALUES_PARAMETERS)

    def _check(self, node: cst.Call, function: str, parameters: tuple[str, ...]) -> None:
        arguments = call_arguments(self, node, parameters)
        path = arguments.get("dotenv_path")
        if path is None or _is_none(path):
            if arguments.get("stream") is not None or arguments.has_unknown_spread:
                return
            target: Optional[_Target] = _Target(nearest=DEFAULT_DOTENV_NAME)
        else:
            target = self._target(path)
        if target is None:
            return
        matched = self._matching_credentials(target)
        if not any(credential.variable == ACTIVATING_VARIABLE for credential in matched):
            return
        fake = all(credential.fake for credential in matched)
        severity = shadowing_severity(self.info.severity, self.context.settings, fake=fake)
        if severity is None:
            return
        override = arguments.get("override")
        overrides = isinstance(override, cst.Name) and override.value == "True"
        dotenv_file = matched[0].path
        defined = ", ".join(f"{c.path}:{c.line} defines {c.variable}" for c in matched)
        if function == "load_dotenv":
            call = "load_dotenv(override=True)" if overrides else "load_dotenv()"
            message = f"{call} puts the AWS credentials of {dotenv_file} into os.environ ({defined})"
        else:
            message = f"dotenv_values() reads the AWS credentials of {dotenv_file} ({defined})"
        line = self.line_of(node)
        explanation = _explanation(function, dotenv_file, defined, line, overrides)
        self.report(node, message, explanation, severity=severity)

    def _target(self, path: cst.BaseExpression) -> Optional[_Target]:
        found = _find_dotenv_call(self, path)
        if found is not None:
            arguments = call_arguments(self, found, FIND_DOTENV_PARAMETERS)
            filename = arguments.get("filename")
            name = fold_string(self, filename) if filename is not None else DEFAULT_DOTENV_NAME
            if name is None:
                return None
            usecwd = arguments.get("usecwd")
            if usecwd is not None and not (isinstance(usecwd, cst.Name) and usecwd.value == "False"):
                return _Target(path=FoldedPath(ANCHOR_WORKING_DIRECTORY, (name,)))
            return _Target(nearest=name)
        folded = fold_path(self, path)
        return _Target(path=folded) if folded is not None and folded.parts else None

    def _nearest_named(self, name: str) -> tuple[DotenvCredential, ...]:
        """The credentials of the nearest dotenv file called name, as find_dotenv finds it: a nearer
        file without credentials hides a farther one with them."""
        files = [path for path in self.context.settings.dotenv_files if PurePosixPath(path).name == name]
        if files:
            return tuple(c for c in self._credentials if c.path == files[0])
        return _first_file(c for c in self._credentials if PurePosixPath(c.path).name == name)

    def _matching_credentials(self, target: _Target) -> tuple[DotenvCredential, ...]:
        """The credentials of the one file the target names; nearest first when only a name is known."""
        credentials = self._credentials
        if target.nearest is not None:
            return self._nearest_named(target.nearest)
        path = target.path
        assert path is not None
        candidates: list[str] = []
        if path.anchor == ANCHOR_FILE_DIRECTORY and self._directory is not None:
            candidates.append(_normalised(self._directory + path.parts))
        elif path.anchor == ANCHOR_WORKING_DIRECTORY:
            # The working directory is not known here: the configuration root (where a project is
            # usually started from) first, then the file's own directory.
            candidates.append(_normalised(path.parts))
            if self._directory is not None:
                candidates.append(_normalised(self._directory + path.parts))
        else:
            return self._nearest_named(path.parts[-1])
        for candidate in candidates:
            matched = tuple(c for c in credentials if c.path == candidate)
            if matched:
                return matched
        return ()


def _first_file(credentials: Iterable[DotenvCredential]) -> tuple[DotenvCredential, ...]:
    """The credentials of the first file among them (they come nearest directory first)."""
    found = list(credentials)
    return tuple(c for c in found if c.path == found[0].path) if found else ()


def _normalised(parts: Sequence[str]) -> str:
    kept: list[str] = []
    for part in parts:
        if part == "..":
            if not kept:
                return ""  # outside the configuration root
            kept.pop()
        elif part not in ("", "."):
            kept.append(part)
    return "/".join(kept)


def _file_directory_in_root(context: FileContext) -> Optional[tuple[str, ...]]:
    """The parts of the file's directory below the configuration root, or None when not known.

    FileContext.path is the display path (relative to the working directory); a path that does not
    resolve under the root is taken as relative to the root, as in-process callers name files.
    """
    root = context.settings.root
    if not root:
        return None
    root_path = PurePosixPath(root)
    path = PurePosixPath(context.path.replace(os.sep, "/"))
    absolute = path if path.is_absolute() else PurePosixPath(os.path.abspath(context.path).replace(os.sep, "/"))
    if absolute == root_path or root_path in absolute.parents:
        return absolute.relative_to(root_path).parent.parts
    if path.is_absolute():
        return None
    return tuple(part for part in path.parent.parts if part != ".")


def _is_none(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "None"


def _find_dotenv_call(owner: cst.MetadataDependent, expr: cst.BaseExpression) -> Optional[cst.Call]:
    if isinstance(expr, cst.Name):
        value = single_bound_value(owner, expr)
        expr = value if value is not None else expr
    if isinstance(expr, cst.Call) and qualified_names(owner, expr.func) & FIND_DOTENV:
        return expr
    return None


def fold_path(owner: cst.MetadataDependent, expr: cst.BaseExpression, depth: int = 0) -> Optional[FoldedPath]:
    """A path expression folded: literals, constants, __file__, os.path.join/dirname, pathlib `/` and
    `.parent`, f-strings that start with a path. A known tail on an unknown base keeps the tail."""
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
    if isinstance(expr, cst.FormattedString):
        return _formatted_path(owner, expr, depth)
    if isinstance(expr, cst.Call):
        return _called_path(owner, expr, depth)
    return None


def _called_path(owner: cst.MetadataDependent, call: cst.Call, depth: int) -> Optional[FoldedPath]:
    func = call.func
    names = qualified_names(owner, func)
    args = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
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
    if isinstance(func, cst.Attribute) and func.attr.value == "joinpath":
        return _joined(owner, func.value, args, depth)
    return None


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


def _explanation(function: str, dotenv_file: str, defined: str, line: int, overrides: bool) -> Explanation:
    fix = _FIX.format(file=dotenv_file)
    if function == "load_dotenv":
        summary = (
            f"load_dotenv() at line {line} loads {dotenv_file} ({defined}) into os.environ: link 1 (env) "
            "of the credential chain, ahead of every role."
        )
        platform = PLATFORM_ANY if overrides else PLATFORM_CONTAINER
        note = _OVERRIDE if overrides else _NO_OVERRIDE
        return env_explanation(summary, f"load_dotenv() of {dotenv_file}", line, platform, runtime_note=note, fix=fix)
    summary = f"dotenv_values() at line {line} reads {dotenv_file} ({defined}): AWS keys kept in a file of the project."
    steps = credential_steps(CredentialPlacement("explicit", "wherever it is passed", None), STATUS_WHERE_PASSED)
    return Explanation(
        chain="credential",
        summary=summary,
        steps=steps,
        runtime=_VALUES_RUNTIME,
        fix=f"{fix} {FIX_BY_PLATFORM[PLATFORM_ANY]}{ROTATE}",
    )
