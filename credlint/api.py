"""Checking many files: discovery, configuration per file, reading, a process pool, the report."""

from __future__ import annotations

import errno
import functools
import os
import stat
import time
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:  # imported where used: checking one file needs neither
    import pathspec
    from pathspec.pattern import Pattern

from credlint.budget import BudgetExceeded, run_within_budget
from credlint.cache import CACHE_DIRECTORY
from credlint.config import Config, ConfigFinder
from credlint.deployment.declared_region import find_declared_region
from credlint.engine import FileResult, lint_source
from credlint.file_kinds import CERTAIN_KINDS, PYTHON, TEXT, kind_by_name, kind_of_file, kind_of_named_file
from credlint.finding import FileError, Finding
from credlint.registry import PARSE_ERROR_RULE, RULES
from credlint.settings import RuleSettings

# Below this many files a process pool costs more to start than it saves.
POOL_THRESHOLD = 48
BINARY_SNIFF_BYTES = 8192


@dataclass(frozen=True)
class Report:
    """Everything one run found, sorted, ready for any reporter."""

    findings: tuple[Finding, ...]
    errors: tuple[FileError, ...]
    files_checked: int
    rules_run: tuple[str, ...] = ()  # codes enabled for at least one checked file, in registry order
    timings: tuple[tuple[str, float], ...] = ()  # each checked file and the seconds it took

    @property
    def failed(self) -> bool:
        """A file that should have been checked was not: the run exits 2."""
        return any(error.blocking for error in self.errors)


@dataclass(frozen=True)
class FileJob:
    """One file to check and the rule codes that apply to it."""

    path: str
    display: str
    codes: tuple[str, ...]
    max_file_size: int
    settings: RuleSettings
    kind: str = PYTHON
    file_timeout: Optional[float] = None  # seconds; None for no limit
    cache_directory: Optional[str] = None  # where results are kept (cache.py); None: no cache

    @property
    def quiet(self) -> bool:
        """A YAML or JSON file may be any data: too large or binary, it is simply not ours."""
        return self.kind not in CERTAIN_KINDS


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

    def _config_spec(self, config: Config) -> pathspec.PathSpec[Pattern]:
        spec = self._config_specs.get(id(config))
        if spec is None:
            import pathspec

            spec = pathspec.PathSpec.from_lines("gitwildmatch", config.exclusions)
            self._config_specs[id(config)] = spec
        return spec

    def excluded_by_config(self, path: Path, config: Config, is_dir: bool, anchor: Optional[Path] = None) -> bool:
        relative = _relative(path, anchor or config.root)
        if relative is None:
            return False
        return self._config_spec(config).match_file(relative + ("/" if is_dir else ""))

    def ignored_by_git(self, path: Path, is_dir: bool) -> bool:
        for directory in path.parents:
            spec = self._gitignore(directory)
            if spec is not None:
                relative = path.relative_to(directory).as_posix() + ("/" if is_dir else "")
                if spec.match_file(relative):
                    return True
            if (directory / ".git").exists():
                break
        return False

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


def _relative(path: Path, root: Path) -> Optional[str]:
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
            if config.force_exclude and _filtered(absolute, config, path_filter, is_dir=False):
                continue
            yield absolute, config, kind_of_named_file(absolute)


def _filtered(
    path: Path, config: Config, path_filter: PathFilter, *, is_dir: bool, anchor: Optional[Path] = None
) -> bool:
    if path_filter.excluded_by_config(path, config, is_dir, anchor):
        return True
    return config.respect_gitignore and path_filter.ignored_by_git(path, is_dir)


def _walk(root: Path, finder: ConfigFinder, path_filter: PathFilter) -> Iterator[DiscoveredFile | FileError]:
    root_config = finder.for_path(root)
    # A directory named on the command line is checked even when it is excluded; patterns then
    # apply below it, matched from the directory itself.
    root_filtered = _filtered(root, root_config, path_filter, is_dir=True)
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
            and not _filtered(here / name, config, path_filter, is_dir=True, anchor=anchor)
        )
        for name in sorted(files):
            path = here / name
            if _filtered(path, config, path_filter, is_dir=False, anchor=anchor):
                continue
            try:
                mode = os.stat(path).st_mode
            except OSError:
                yield _unreachable(path, display_path(path), blocking=False)
                continue
            if not stat.S_ISREG(mode):
                yield _special_file(display_path(path), mode, blocking=False)
                continue
            yield path, config, kind_of_file(path)
    yield from _unlisted(unreadable)


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


def _special_file(display: str, mode: int, *, blocking: bool) -> FileError:
    """A FIFO, socket or device is never opened: reading one can block forever or never end."""
    what = next((name for test, name in _SPECIAL_FILES if test(mode)), "not a regular file")
    return FileError(display, f"{display}: {what}, not a regular file; skipped", "special-file", blocking=blocking)


def rule_codes_for(path: Path, config: Config) -> tuple[str, ...]:
    ignored: tuple[str, ...] = ()
    for pattern, codes in config.per_file_ignores.items():
        if _matches(path, config, (pattern,)):
            ignored += codes
    return tuple(
        code for code in RULES if config.enabled(code) and not any(code.startswith(prefix) for prefix in ignored)
    )


def job_for(path: Path, config: Config, kind: str, cache: Optional[CacheChoice] = None) -> FileJob:
    from credlint.deployment.dotenv import dotenv_files_near

    root = config.root.resolve()
    dotenv_files, dotenv_credentials = dotenv_files_near(path.resolve(), root) if kind == PYTHON else ((), ())
    settings = RuleSettings(
        region_from=config.region_from,
        declared_region=find_declared_region(config.root),
        test_file=_matches(path, config, config.test_files),
        test_policy=config.test_policy,
        root=root.as_posix(),
        dotenv_credentials=dotenv_credentials,
        dotenv_files=dotenv_files,
    )
    return FileJob(
        str(path),
        display_path(path),
        rule_codes_for(path, config),
        config.max_file_size,
        settings,
        kind,
        config.file_timeout,
        cache.directory_for(config) if cache is not None else None,
    )


@dataclass(frozen=True)
class CacheChoice:
    """Whether results are kept, and where: by default in .credlint_cache at each project's root."""

    enabled: bool = True
    directory: Optional[Path] = None

    def directory_for(self, config: Config) -> Optional[str]:
        if not self.enabled:
            return None
        return str((self.directory or config.root / CACHE_DIRECTORY).absolute())


def _matches(path: Path, config: Config, patterns: tuple[str, ...]) -> bool:
    relative = _relative(path, config.root)
    return relative is not None and bool(patterns) and _pattern_spec(patterns).match_file(relative)


@functools.lru_cache(maxsize=128)
def _pattern_spec(patterns: tuple[str, ...]) -> pathspec.PathSpec[Pattern]:
    import pathspec

    return pathspec.PathSpec.from_lines("gitwildmatch", patterns)


def check_file(job: FileJob) -> FileResult:
    """Read and check one file; every way a file can be unreadable becomes a FileError."""
    display = job.display
    try:
        # Opened without blocking and checked before reading: a FIFO put in the file's place since
        # discovery must not stall the run.
        descriptor = os.open(job.path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(descriptor, "rb") as handle:
            status = os.fstat(descriptor)
            if not stat.S_ISREG(status.st_mode):
                return FileResult(error=_special_file(display, status.st_mode, blocking=True))
            if status.st_size > job.max_file_size:
                if job.quiet and _binary(job, handle.read(BINARY_SNIFF_BYTES)):
                    return FileResult()  # an image or an archive: not ours, whatever its size
                message = f"{display}: {status.st_size:,} bytes is over max-file-size ({job.max_file_size:,}); skipped"
                return FileResult(error=FileError(display, message, "too-large", blocking=not job.quiet))
            source = handle.read()
    except FileNotFoundError:
        message = f"{display}: file disappeared or is a broken link; skipped"
        return FileResult(error=FileError(display, message, "missing"))
    except PermissionError:
        return FileResult(error=FileError(display, f"{display}: permission denied; skipped", "unreadable"))
    except OSError as error:
        if error.errno == errno.ENXIO:  # a socket: it cannot be opened at all
            return FileResult(error=_special_file(display, os.stat(job.path).st_mode, blocking=True))
        message = f"{display}: cannot be read ({error.strerror}); skipped"
        return FileResult(error=FileError(display, message, "unreadable"))
    if job.cache_directory is None:
        return check_bytes(job, source)
    from credlint import cache

    key = cache.key_of(job, source)
    kept = cache.load(job.cache_directory, key) if key is not None else None
    if kept is not None:
        return kept
    result = check_bytes(job, source)
    if key is not None:
        cache.store(job.cache_directory, key, result)
    return result


def check_bytes(job: FileJob, source: bytes) -> FileResult:
    """Check one file's content; a bug in one rule costs that file, never the whole report."""
    display = job.display
    if _binary(job, source[:BINARY_SNIFF_BYTES]):
        if job.quiet:
            return FileResult()
        return FileResult(error=FileError(display, f"{display}: binary file (contains NUL bytes); skipped", "binary"))
    rules = [RULES[code] for code in job.codes]
    check_parse = PARSE_ERROR_RULE.code in job.codes

    def check() -> FileResult:
        return lint_source(display, source, rules, check_parse=check_parse, settings=job.settings, kind=job.kind)

    try:
        result = run_within_budget(check, job.file_timeout)
    except BudgetExceeded:
        message = f"{display}: not checked within file-timeout ({job.file_timeout:g} s); skipped"
        return FileResult(error=FileError(display, message, "timeout", blocking=not job.quiet))
    except Exception as error:
        return _internal_error(display, error)
    if result.failures and result.error is None:
        bugs = "; ".join(f"{failure.code}: {describe_bug(failure.error)}" for failure in result.failures)
        message = f"{display}: internal error in {bugs}; the other rules' findings are reported, please report it"
        return replace(result, error=FileError(display, message, "internal-error"))
    return result


def describe_bug(error: BaseException) -> str:
    """The exception's type and the line of credlint that raised it, never its text: that may quote
    the file, and with it a secret."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if _PACKAGE_DIR in frame.filename]
    if not frames:
        return type(error).__name__
    where = Path(frames[-1].filename).relative_to(Path(_PACKAGE_DIR).parent).as_posix()
    return f"{type(error).__name__} at {where}:{frames[-1].lineno}"


_PACKAGE_DIR = str(Path(__file__).parent)


def _binary(job: FileJob, head: bytes) -> bool:
    """A NUL byte; for a file of no known kind, identify's test as pre-commit applies it, which
    also tells an image or archive without a NUL."""
    if b"\0" in head:
        return True
    if job.kind != TEXT:
        return False
    import io

    from identify.identify import is_text

    return not is_text(io.BytesIO(head))


def check_paths(
    paths: Sequence[str],
    finder: ConfigFinder,
    *,
    jobs: Optional[int] = None,
    only: Optional[frozenset[Path]] = None,
    cache: Optional[CacheChoice] = None,
) -> Report:
    """Check every file under paths with the configuration that applies to it.

    `only`, when given, limits the run to those files (changed-files mode); `cache`, when given,
    keeps each file's result for the next run.
    """
    errors: list[FileError] = []
    file_jobs: list[FileJob] = []
    seen: set[Path] = set()
    for item in discover(paths, finder):
        if isinstance(item, FileError):
            errors.append(item)
            continue
        path, config, kind = item
        if path in seen or (only is not None and path.resolve() not in only):
            continue
        seen.add(path)
        file_jobs.append(job_for(path, config, kind, cache))
    return _report(file_jobs, _run(file_jobs, jobs), errors)


def check_source(path: Path, source: bytes, finder: ConfigFinder) -> Report:
    """Check a buffer that is not on disk yet (an editor's, or stdin) as if it were the file at path.

    A name without a suffix (an untitled buffer, a script) is read as Python; any other name of
    no kind of its own (README.md, main.tf) as text.
    """
    absolute = path.absolute()
    config = finder.for_path(absolute)
    kind = kind_by_name(absolute) or (PYTHON if not absolute.suffix else TEXT)
    if config.force_exclude and _filtered(absolute, config, PathFilter(), is_dir=False):
        return _report([], [], [])
    job = job_for(absolute, config, kind)
    return _report([job], [check_bytes(job, source)], [])


def _report(file_jobs: Sequence[FileJob], results: Sequence[FileResult], errors: list[FileError]) -> Report:
    findings: list[Finding] = []
    for result in results:
        findings.extend(result.findings)
        if result.error is not None:
            errors.append(result.error)
    return Report(
        findings=tuple(sorted(findings, key=lambda finding: finding.sort_key)),
        errors=tuple(sorted(errors, key=lambda error: error.path)),
        files_checked=len(file_jobs),
        rules_run=tuple(code for code in RULES if any(code in job.codes for job in file_jobs)),
        timings=tuple((job.display, result.seconds) for job, result in zip(file_jobs, results)),
    )


def _run(file_jobs: Sequence[FileJob], jobs: Optional[int]) -> list[FileResult]:
    workers = jobs if jobs is not None else min(os.cpu_count() or 1, 8)
    if workers <= 1 or len(file_jobs) < POOL_THRESHOLD:
        return [timed_check(job) for job in file_jobs]

    from credlint.workers import run_in_workers

    return run_in_workers(file_jobs, timed_check, workers, on_death=_worker_died)


def timed_check(job: FileJob) -> FileResult:
    """check_file, timed; whatever goes wrong in it costs this file only."""
    started = time.perf_counter()
    try:
        result = check_file(job)
    except Exception as error:
        result = _internal_error(job.display, error)
    return replace(result, seconds=time.perf_counter() - started)


def _internal_error(display: str, error: Exception) -> FileResult:
    message = f"{display}: internal error while checking ({describe_bug(error)}); skipped, please report it"
    return FileResult(error=FileError(display, message, "internal-error"))


def _worker_died(job: FileJob) -> FileResult:
    message = f"{job.display}: the process checking it died (crashed or was killed); skipped, please report it"
    return FileResult(error=FileError(job.display, message, "worker-died"))
