"""`[tool.credlint]` in pyproject.toml: found by walking up from each file, validated strictly."""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Optional

from credlint.registry import RULES
from credlint.settings import TEST_POLICIES, TEST_POLICY_INFO

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on older interpreters only
    import tomli as tomllib

# ref. ruff's default exclude list: folders that hold tools' copies of code, not the project's.
DEFAULT_EXCLUDE = (
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".hg",
    ".mypy_cache",
    ".nox",
    ".pants.d",
    ".pytype",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    "__pypackages__",
    "_build",
    "buck-out",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
    ".credlint_cache",
)
DEFAULT_MAX_FILE_SIZE = 2_000_000
# Seconds one file may take. The largest real modules take about a second; past this a file is
# pathological (generated, minified), and a pre-commit run must not wait on it.
DEFAULT_FILE_TIMEOUT = 20.0


REGION_FROM_VALUES = ("environment",)
# ref. aws-chain-reference.md section 2: region names as botocore spells them (eu-west-1, us-gov-west-1).
REGION_NAME = re.compile(r"[a-z]{2}(-[a-z]+)+-[0-9]+")
DEFAULT_TEST_FILES = ("tests/", "test/", "testing/", "test_*.py", "*_test.py", "conftest.py")


class ConfigError(ValueError):
    """A configuration problem, worded as one line that names the key."""


@dataclass(frozen=True)
class Config:
    """The settings that apply to one file. `root` anchors exclude and per-file-ignores patterns."""

    root: Path
    source: Optional[Path] = None  # the pyproject.toml it came from
    select: tuple[str, ...] = ("CL",)
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    extend_exclude: tuple[str, ...] = ()
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    force_exclude: bool = False
    respect_gitignore: bool = True
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    file_timeout: Optional[float] = DEFAULT_FILE_TIMEOUT
    region_from: Optional[str] = None
    default_region: Optional[str] = None  # what CL301's fix passes as region_name
    test_files: tuple[str, ...] = DEFAULT_TEST_FILES
    test_policy: str = TEST_POLICY_INFO

    def enabled(self, code: str) -> bool:
        """ruff's rule: the most specific of select/ignore that matches wins; ignore wins ties."""
        selected = max((len(prefix) for prefix in self.select if code.startswith(prefix)), default=-1)
        ignored = max((len(prefix) for prefix in self.ignore if code.startswith(prefix)), default=-1)
        return selected >= 0 and selected > ignored

    @property
    def exclusions(self) -> tuple[str, ...]:
        return (self.exclude or DEFAULT_EXCLUDE) + self.extend_exclude

    @functools.cached_property
    def enabled_codes(self) -> tuple[str, ...]:
        """Every rule select and ignore leave on; asked once per configuration, not per file."""
        return tuple(code for code in RULES if self.enabled(code))

    @functools.cached_property
    def resolved_root(self) -> Path:
        return self.root.resolve()


def _string_list(key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"`{key}` must be a list of strings")
    return tuple(value)


def _globs(key: str, value: Any) -> tuple[str, ...]:
    patterns = _string_list(key, value)
    for pattern in patterns:
        check_glob(key, pattern)
    return patterns


def check_glob(key: str, pattern: str) -> None:
    """A pattern that cannot match anything is a typo worth stopping for, named with its key."""
    import pathspec

    try:
        pathspec.PathSpec.from_lines("gitignore", [pattern])
    except (ValueError, re.error) as error:
        raise ConfigError(f"`{key}` has an invalid glob {pattern!r} ({error})") from None


def _codes(key: str, value: Any) -> tuple[str, ...]:
    codes = tuple(code.strip().upper() for code in _string_list(key, value))
    for code in codes:
        if code != "ALL" and not any(known.startswith(code) for known in RULES):
            raise ConfigError(f"`{key}` names {code!r}, which matches no rule (see `credlint rules`)")
    return tuple("CL" if code == "ALL" else code for code in codes)


def _bool(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"`{key}` must be true or false")
    return value


def _positive_int(key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(f"`{key}` must be a positive whole number")
    return value


def _seconds(key: str, value: Any) -> Optional[float]:
    """A positive number of seconds; 0 for no limit."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ConfigError(f"`{key}` must be a number of seconds (0 for no limit)")
    return float(value) or None


def _region_from(key: str, value: Any) -> str:
    if value not in REGION_FROM_VALUES:
        raise ConfigError(f"`{key}` must be one of: {', '.join(repr(v) for v in REGION_FROM_VALUES)}")
    return str(value)


def _region_name(key: str, value: Any) -> str:
    if not isinstance(value, str) or not REGION_NAME.fullmatch(value):
        raise ConfigError(f"`{key}` must be an AWS region name such as 'eu-west-1'")
    return value


def _test_policy(key: str, value: Any) -> str:
    if value not in TEST_POLICIES:
        raise ConfigError(f"`{key}` must be one of: {', '.join(repr(v) for v in TEST_POLICIES)}")
    return str(value)


def _per_file_ignores(key: str, value: Any) -> Mapping[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise ConfigError(f"`{key}` must be a table of glob = [codes]")
    for pattern in value:
        check_glob(key, pattern)
    return {pattern: _codes(f"{key}.{pattern}", codes) for pattern, codes in value.items()}


_PARSERS = {
    "select": ("select", _codes),
    "ignore": ("ignore", _codes),
    "exclude": ("exclude", _globs),
    "extend-exclude": ("extend_exclude", _globs),
    "per-file-ignores": ("per_file_ignores", _per_file_ignores),
    "force-exclude": ("force_exclude", _bool),
    "respect-gitignore": ("respect_gitignore", _bool),
    "max-file-size": ("max_file_size", _positive_int),
    "file-timeout": ("file_timeout", _seconds),
    "region-from": ("region_from", _region_from),
    "default-region": ("default_region", _region_name),
    "test-files": ("test_files", _globs),
    "test-policy": ("test_policy", _test_policy),
}


def parse_table(table: Mapping[str, Any], root: Path, source: Optional[Path]) -> Config:
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in _PARSERS:
            known = ", ".join(sorted(_PARSERS))
            raise ConfigError(f"unknown key `{key}` in [tool.credlint] (known keys: {known})")
        attribute, parse = _PARSERS[key]
        values[attribute] = parse(key, value)
    return Config(root=root, source=source, **values)


def read_pyproject(path: Path) -> Optional[Config]:
    """The config in one pyproject.toml, or None when it has no [tool.credlint] table."""
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot be read ({error.strerror})") from None
    table = document.get("tool", {}).get("credlint")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.credlint] must be a table")
    try:
        return parse_table(table, path.parent, path)
    except ConfigError as error:
        raise ConfigError(f"{path}: {error}") from None


@dataclass(frozen=True)
class Overrides:
    """Command-line settings, applied on top of whichever file config is found."""

    select: Optional[tuple[str, ...]] = None
    ignore: tuple[str, ...] = ()
    extend_exclude: tuple[str, ...] = ()
    force_exclude: Optional[bool] = None
    file_timeout: Optional[float] = None  # seconds, 0 for no limit; None keeps the file's setting

    def apply(self, config: Config) -> Config:
        return replace(
            config,
            select=self.select if self.select is not None else config.select,
            ignore=config.ignore + self.ignore,
            extend_exclude=config.extend_exclude + self.extend_exclude,
            force_exclude=self.force_exclude if self.force_exclude is not None else config.force_exclude,
            file_timeout=config.file_timeout if self.file_timeout is None else self.file_timeout or None,
        )


class ConfigFinder:
    """Finds the config for each directory once, walking up to the nearest [tool.credlint]."""

    def __init__(
        self, overrides: Overrides, fixed: Optional[Config] = None, fallback_root: Optional[Path] = None
    ) -> None:
        self._overrides = overrides
        self._fixed = overrides.apply(fixed) if fixed is not None else None
        self._fallback_root = fallback_root or Path.cwd()
        self._by_directory: dict[Path, Config] = {}
        self._by_given_directory: dict[Path, Config] = {}  # resolving costs a system call per part

    def for_path(self, path: Path) -> Config:
        if self._fixed is not None:
            return self._fixed
        directory = path.parent if not path.is_dir() else path
        config = self._by_given_directory.get(directory)
        if config is None:
            config = self._by_given_directory[directory] = self._for_directory(directory.resolve())
        return config

    def _for_directory(self, directory: Path) -> Config:
        cached = self._by_directory.get(directory)
        if cached is not None:
            return cached
        candidate = directory / "pyproject.toml"
        found = read_pyproject(candidate) if candidate.is_file() else None
        if found is not None:
            config = self._overrides.apply(found)
        elif directory.parent != directory:
            config = self._for_directory(directory.parent)
        else:
            config = self._overrides.apply(Config(root=self._fallback_root.resolve()))
        self._by_directory[directory] = config
        return config
