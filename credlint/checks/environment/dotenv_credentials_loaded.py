"""CL204: python-dotenv, environs or django-environ loading a .env file of the scanned tree that
defines AWS credentials."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Optional

import libcst as cst
from libcst.metadata import PositionProvider

from credlint.analysis.bindings import BINDING_PROVIDERS, imported_names, single_bound_value
from credlint.analysis.literals import fold_string
from credlint.analysis.platforms import PLATFORM_ANY, PLATFORM_CONTAINER
from credlint.analysis.sdk import CallArguments, call_arguments
from credlint.analysis.stand_ins import stand_in_severity
from credlint.chain import STATUS_WHERE_PASSED, CredentialPlacement, Explanation, credential_steps
from credlint.checks.environment.dotenv_paths import (
    ANCHOR_FILE_DIRECTORY,
    ANCHOR_WORKING_DIRECTORY,
    FoldedPath,
    fold_path,
)
from credlint.checks.environment.env_reads import (
    DJANGO_ENVIRON_CLASSES,
    ENVIRONS_CLASSES,
    instance_of,
)
from credlint.checks.environment.shadowing import FIX_BY_PLATFORM, ROTATE, env_explanation
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
# ref. environs __init__.py: the staticmethod Env.read_env(path=None, recurse=True, verbose=False,
# override=False) (keyword-only after path in current releases, positional in older ones) calls
# python-dotenv's load_dotenv on the first file named like path walking up from path's directory
# (the working directory for a bare name), or on the first `.env` walking up from the calling file's
# directory; recurse=False loads path itself. `from environs import env` is a ready Env.
ENVIRONS_READ_ENV_PARAMETERS = ("path", "recurse", "verbose", "override")
ENVIRONS_INSTANCES = frozenset({"environs.env"})
# ref. django-environ environ.py: the classmethod Env.read_env(env_file=None, overwrite=False,
# parse_comments=False, encoding='utf8', **overrides) reads env_file, or `.env` beside the calling
# file (no walk up), and sets each variable with os.environ.setdefault, os.environ.update when overwrite.
DJANGO_ENVIRON_READ_ENV_PARAMETERS = ("env_file", "overwrite", "parse_comments", "encoding")
DEFAULT_DOTENV_NAME = ".env"
# ref. aws-chain-reference.md section 1: the env provider answers only when AWS_ACCESS_KEY_ID is set;
# a secret or a token alone leaves the chain to the roles.
ACTIVATING_VARIABLE = "AWS_ACCESS_KEY_ID"

# ref. python-dotenv main.py DotEnv.set_as_environment_variables and django-environ Env.read_env:
# without override (overwrite), variables already set are kept. ref. aws-chain-reference.md section 7:
# Lambda sets AWS_ACCESS_KEY_ID itself.
_NO_OVERRIDE = (
    "With {parameter}=False (the default) variables already set win: on Lambda, whose runtime sets them "
    "from the execution role, the file's keys are ignored, but on ECS, EKS and EC2 nothing sets them "
    "first and the file's keys take over."
)
_OVERRIDE = "With {parameter}=True they replace variables already set, even Lambda's execution role credentials."
_HOW_ENVIRONS_READS = (
    " environs' Env.read_env() finds the file by walking up from the calling file's directory (from the "
    "directory of the path given, unless recurse=False) and loads it with python-dotenv's load_dotenv."
)
_HOW_DJANGO_ENVIRON_READS = (
    " django-environ's Env.read_env() reads the .env beside the calling file (or the path given) with "
    "its own parser and sets each variable with os.environ.setdefault (os.environ.update with overwrite=True)."
)
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
class _Target:
    """Which dotenv file a call reads: a nearest file by name, a folded path, or the first file
    named like a folded path walking up from its directory."""

    nearest: Optional[str] = None  # find_dotenv's walk up from the file's directory, for this name
    path: Optional[FoldedPath] = None
    walk: Optional[FoldedPath] = None


@dataclass(frozen=True)
class _Loader:
    """A function that reads a dotenv file, and what its parameters are called."""

    label: str  # as messages name it
    parameters: tuple[str, ...]
    path: str  # the parameter naming the file
    unnamed: _Target  # the file read when none is named
    override: str = ""  # the parameter that lets the file replace variables already set; "" for no os.environ
    recurse: str = ""  # the parameter that, unless False, turns a named path into a walk up
    how: str = ""  # how the library finds and loads the file, for the explanation


_NEAREST_DOTENV = _Target(nearest=DEFAULT_DOTENV_NAME)
LOAD_DOTENV_LOADER = _Loader("load_dotenv", LOAD_DOTENV_PARAMETERS, "dotenv_path", _NEAREST_DOTENV, "override")
DOTENV_VALUES_LOADER = _Loader("dotenv_values", DOTENV_VALUES_PARAMETERS, "dotenv_path", _NEAREST_DOTENV)
ENVIRONS_LOADER = _Loader(
    "environs' read_env",
    ENVIRONS_READ_ENV_PARAMETERS,
    "path",
    _NEAREST_DOTENV,
    "override",
    "recurse",
    _HOW_ENVIRONS_READS,
)
DJANGO_ENVIRON_LOADER = _Loader(
    "django-environ's read_env",
    DJANGO_ENVIRON_READ_ENV_PARAMETERS,
    "env_file",
    _Target(path=FoldedPath(ANCHOR_FILE_DIRECTORY, (DEFAULT_DOTENV_NAME,))),
    "overwrite",
    how=_HOW_DJANGO_ENVIRON_READS,
)


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
        func = node.func
        names = imported_names(self, func)
        if names & LOAD_DOTENV:
            self._check(node, LOAD_DOTENV_LOADER)
        elif names & DOTENV_VALUES:
            self._check(node, DOTENV_VALUES_LOADER)
        elif isinstance(func, cst.Attribute) and func.attr.value == "read_env":
            loader = _read_env_loader(self, func.value)
            if loader is not None:
                self._check(node, loader)

    def _check(self, node: cst.Call, loader: _Loader) -> None:
        arguments = call_arguments(self, node, loader.parameters)
        target = self._loaded(arguments, loader)
        if target is None:
            return
        matched = self._matching_credentials(target)
        if not any(credential.variable == ACTIVATING_VARIABLE for credential in matched):
            return
        fake = all(credential.fake for credential in matched)
        severity = stand_in_severity(self.info.severity, self.context.settings, fake=fake)
        if severity is None:
            return
        override = arguments.get(loader.override) if loader.override else None
        overrides = isinstance(override, cst.Name) and override.value == "True"
        dotenv_file = matched[0].path
        defined = ", ".join(f"{c.path}:{c.line} defines {c.variable}" for c in matched)
        call = f"{loader.label}({loader.override}=True)" if overrides else f"{loader.label}()"
        if loader.override:
            message = f"{call} puts the AWS credentials of {dotenv_file} into os.environ ({defined})"
        else:
            message = f"{call} reads the AWS credentials of {dotenv_file} ({defined})"
        line = self.line_of(node)
        explanation = _explanation(loader, dotenv_file, defined, line, overrides)
        self.report(node, message, explanation, severity=severity)

    def _loaded(self, arguments: CallArguments, loader: _Loader) -> Optional[_Target]:
        """The file the call reads, as far as it is known here."""
        path = arguments.get(loader.path)
        if path is None or _is_none(path):
            if arguments.get("stream") is not None or arguments.has_unknown_spread:
                return None
            return loader.unnamed
        target = self._target(path)
        recurse = arguments.get(loader.recurse) if loader.recurse else None
        walks = loader.recurse and not (isinstance(recurse, cst.Name) and recurse.value == "False")
        if target is not None and target.path is not None and walks:
            return _Target(walk=target.path)
        return target

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
        if target.nearest is not None:
            return self._nearest_named(target.nearest)
        path = target.path or target.walk
        assert path is not None
        bases: list[tuple[str, ...]] = []
        if path.anchor == ANCHOR_FILE_DIRECTORY and self._directory is not None:
            bases.append(self._directory)
        elif path.anchor == ANCHOR_WORKING_DIRECTORY:
            # The working directory is not known here: the configuration root (where a project is
            # usually started from) first, then the file's own directory.
            bases.append(())
            if self._directory is not None:
                bases.append(self._directory)
        else:
            return self._nearest_named(path.parts[-1])
        for base in bases:
            if target.walk is not None:
                found = self._first_existing(_walk_up((*base, *path.parts)))
                if found is not None:
                    return found
                continue
            matched = tuple(c for c in self._credentials if c.path == _normalised((*base, *path.parts)))
            if matched:
                return matched
        return ()

    def _first_existing(self, candidates: Iterable[str]) -> Optional[tuple[DotenvCredential, ...]]:
        """The credentials of the first candidate that is a dotenv file of the tree (a file without
        credentials stops the walk too); None when none is."""
        known = self.context.settings.dotenv_files
        for candidate in candidates:
            matched = tuple(c for c in self._credentials if c.path == candidate)
            if matched or candidate in known:
                return matched
        return None


def _first_file(credentials: Iterable[DotenvCredential]) -> tuple[DotenvCredential, ...]:
    """The credentials of the first file among them (they come nearest directory first)."""
    found = list(credentials)
    return tuple(c for c in found if c.path == found[0].path) if found else ()


def _normalised(parts: Sequence[str]) -> str:
    kept = _normalised_parts(parts)
    return "/".join(kept) if kept is not None else ""


def _normalised_parts(parts: Sequence[str]) -> Optional[list[str]]:
    """The parts with `.` and `..` resolved; None for a path outside the configuration root."""
    kept: list[str] = []
    for part in parts:
        if part == "..":
            if not kept:
                return None
            kept.pop()
        elif part not in ("", "."):
            kept.append(part)
    return kept


def _walk_up(parts: Sequence[str]) -> list[str]:
    """The files named like the last part in its directory and in each directory above it, nearest first."""
    directory = _normalised_parts(parts[:-1])
    if directory is None:
        return []
    return ["/".join((*directory[:end], parts[-1])) for end in range(len(directory), -1, -1)]


def _read_env_loader(owner: cst.MetadataDependent, expr: cst.BaseExpression) -> Optional[_Loader]:
    """Whose read_env `expr.read_env(...)` calls: environs' or django-environ's Env, the class or an instance."""
    names = imported_names(owner, expr)
    if names & (ENVIRONS_CLASSES | ENVIRONS_INSTANCES) or instance_of(owner, expr, ENVIRONS_CLASSES):
        return ENVIRONS_LOADER
    if names & DJANGO_ENVIRON_CLASSES or instance_of(owner, expr, DJANGO_ENVIRON_CLASSES):
        return DJANGO_ENVIRON_LOADER
    return None


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
    if isinstance(expr, cst.Call) and imported_names(owner, expr.func) & FIND_DOTENV:
        return expr
    return None


def _explanation(loader: _Loader, dotenv_file: str, defined: str, line: int, overrides: bool) -> Explanation:
    fix = _FIX.format(file=dotenv_file)
    if loader.override:
        summary = (
            f"{loader.label}() at line {line} loads {dotenv_file} ({defined}) into os.environ: link 1 (env) "
            "of the credential chain, ahead of every role."
        )
        platform = PLATFORM_ANY if overrides else PLATFORM_CONTAINER
        note = (_OVERRIDE if overrides else _NO_OVERRIDE).format(parameter=loader.override) + loader.how
        target = f"{loader.label}() of {dotenv_file}"
        return env_explanation(summary, target, line, platform, runtime_note=note, fix=fix)
    summary = f"dotenv_values() at line {line} reads {dotenv_file} ({defined}): AWS keys kept in a file of the project."
    steps = credential_steps(CredentialPlacement("explicit", "wherever it is passed", None), STATUS_WHERE_PASSED)
    return Explanation(
        chain="credential",
        summary=summary,
        steps=steps,
        runtime=_VALUES_RUNTIME,
        fix=f"{fix} {FIX_BY_PLATFORM[PLATFORM_ANY]}{ROTATE}",
    )
