"""Finding the files to check: walking the paths with excludes and .gitignore, and telling apart
the files that must never be opened (FIFOs, sockets, devices) and links that lead nowhere."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:  # imported where used: checking one file needs neither
    import pathspec
    from pathspec.pattern import Pattern

from credlint.cache import CACHE_DIRECTORY
from credlint.config import Config, ConfigFinder
from credlint.file_kinds import kind_of_file, kind_of_named_file
from credlint.finding import FileError


def display_path(path: Path) -> str:
    """The path as users and CI tools want it: relative to the working directory when inside it."""
    try:
        return path.absolute().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


class PathFilter:
    """Exclusion patterns and .gitignore files, as gitignore-style specs anchored where they live."""

    def __init__(self) -> None:
        self._config_specs: dict[int, pathspec.PathSpec[Pattern]] = {}
        self._gitignores: dict[Path, Optional[pathspec.PathSpec[Pattern]]] = {}
        self._gitignores_by_directory: dict[Path, tuple[tuple[Path, pathspec.PathSpec[Pattern]], ...]] = {}

    def _config_spec(self, config: Config) -> pathspec.PathSpec[Pattern]:
        spec = self._config_specs.get(id(config))
        if spec is None:
            import pathspec

            spec = pathspec.PathSpec.from_lines("gitignore", config.exclusions)
            self._config_specs[id(config)] = spec
        return spec

    def excluded_by_config(self, path: Path, config: Config, is_dir: bool, anchor: Optional[Path] = None) -> bool:
        relative = relative_path(path, anchor or config.root)
        if relative is None:
            return False
        return self._config_spec(config).match_file(relative + ("/" if is_dir else ""))

    def ignored_by_git(self, path: Path, is_dir: bool) -> bool:
        for directory, spec in self._gitignores_over(path.parent):
            relative = path.relative_to(directory).as_posix() + ("/" if is_dir else "")
            if spec.match_file(relative):
                return True
        return False

    def _gitignores_over(self, directory: Path) -> tuple[tuple[Path, pathspec.PathSpec[Pattern]], ...]:
        """The .gitignore files that apply in directory, up to its repository's root: found once
        per directory rather than once per file."""
        found = self._gitignores_by_directory.get(directory)
        if found is None:
            spec = self._gitignore(directory)
            own = ((directory, spec),) if spec is not None else ()
            at_root = (directory / ".git").exists() or directory.parent == directory
            found = own if at_root else own + self._gitignores_over(directory.parent)
            self._gitignores_by_directory[directory] = found
        return found

    def _gitignore(self, directory: Path) -> Optional[pathspec.PathSpec[Pattern]]:
        if directory not in self._gitignores:
            import pathspec

            ignore_file = directory / ".gitignore"
            try:
                lines = ignore_file.read_text(encoding="utf-8", errors="replace").splitlines()
                self._gitignores[directory] = pathspec.GitIgnoreSpec.from_lines(lines)
            except OSError:
                self._gitignores[directory] = None
        return self._gitignores[directory]


def relative_path(path: Path, root: Path) -> Optional[str]:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return None


DiscoveredFile = tuple[Path, Config, str]  # the file, its configuration and its kind


def discover(paths: Sequence[str], finder: ConfigFinder) -> Iterator[DiscoveredFile | FileError]:
    """Every file under the given paths, with its config and kind; unreadable paths as errors.

    Files named on the command line are always checked unless force-exclude is set; files
    found in directories are filtered by exclude patterns and .gitignore.
    """
    path_filter = PathFilter()
    for argument in paths:
        given = Path(argument)
        if given.is_symlink() and not given.exists():
            yield _unreachable(given, argument, blocking=True)
        elif not given.exists():
            yield FileError(argument, f"{argument}: no such file or directory", "missing")
        elif given.is_dir():
            yield from _walk(given.absolute(), finder, path_filter)
        else:
            absolute = given.absolute()
            config = finder.for_path(absolute)
            if config.force_exclude and filtered(absolute, config, path_filter, is_dir=False):
                continue
            yield absolute, config, kind_of_named_file(absolute)


def filtered(
    path: Path, config: Config, path_filter: PathFilter, *, is_dir: bool, anchor: Optional[Path] = None
) -> bool:
    if path_filter.excluded_by_config(path, config, is_dir, anchor):
        return True
    return config.respect_gitignore and path_filter.ignored_by_git(path, is_dir)


def _walk(root: Path, finder: ConfigFinder, path_filter: PathFilter) -> Iterator[DiscoveredFile | FileError]:
    root_config = finder.for_path(root)
    # A directory named on the command line is checked even when it is excluded; patterns then
    # apply below it, matched from the directory itself.
    root_filtered = filtered(root, root_config, path_filter, is_dir=True)
    if root_filtered and root_config.force_exclude:
        return
    anchor = root if root_filtered else None
    unreadable: list[OSError] = []  # directories os.walk could not list, reported in walk order
    for directory, subdirectories, files in os.walk(root, onerror=unreadable.append):
        yield from _unlisted(unreadable)
        here = Path(directory)
        config = finder.for_path(here / "__init__.py")
        subdirectories[:] = sorted(
            name
            for name in subdirectories
            if name != CACHE_DIRECTORY  # credlint's own, whatever `exclude` says
            and not filtered(here / name, config, path_filter, is_dir=True, anchor=anchor)
        )
        for name in sorted(files):
            path = here / name
            if filtered(path, config, path_filter, is_dir=False, anchor=anchor):
                continue
            try:
                mode = os.stat(path).st_mode
            except OSError:
                yield _unreachable(path, display_path(path), blocking=False)
                continue
            if not stat.S_ISREG(mode):
                yield special_file(display_path(path), mode, blocking=False)
                continue
            yield path, config, kind_of_file(path)
    yield from _unlisted(unreadable)


def python_modules(root: Path, finder: ConfigFinder) -> tuple[list[Path], list[Path]]:
    """The `.py` files under root that a run over root checks, and the directories walked to find
    them, with no look at any other file: the project index's walk (project/build.py)."""
    path_filter = PathFilter()
    modules: list[Path] = []
    directories: list[Path] = []
    for directory, subdirectories, files in os.walk(root):
        here = Path(directory)
        directories.append(here)
        config = finder.for_path(here / "__init__.py")
        subdirectories[:] = [
            name
            for name in subdirectories
            if name != CACHE_DIRECTORY and not filtered(here / name, config, path_filter, is_dir=True)
        ]
        for name in files:
            path = here / name
            if name.endswith(".py") and not filtered(path, config, path_filter, is_dir=False):
                modules.append(path)
    return modules, directories


def _unlisted(unreadable: list[OSError]) -> Iterator[FileError]:
    while unreadable:
        error = unreadable.pop(0)
        display = display_path(Path(str(error.filename)))
        yield FileError(display, f"{display}: directory cannot be read ({error.strerror}); skipped", "unreadable")


def _unreachable(path: Path, display: str, *, blocking: bool) -> FileError:
    """A link to nowhere, or to itself through other links: reported, never followed further."""
    try:
        os.stat(path)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return FileError(display, f"{display}: symbolic link loop; skipped", "symlink-loop", blocking=blocking)
        if error.errno != errno.ENOENT:
            return FileError(display, f"{display}: cannot be read ({error.strerror}); skipped", "unreadable")
    return FileError(display, f"{display}: broken symbolic link; skipped", "broken-symlink", blocking=blocking)


_SPECIAL_FILES = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a directory"),
)


def special_file(display: str, mode: int, *, blocking: bool) -> FileError:
    """A FIFO, socket or device is never opened: reading one can block forever or never end."""
    what = next((name for test, name in _SPECIAL_FILES if test(mode)), "not a regular file")
    return FileError(display, f"{display}: {what}, not a regular file; skipped", "special-file", blocking=blocking)
