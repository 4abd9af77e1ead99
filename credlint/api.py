"""Checking many files: configuration per file, reading, a process pool, the cache, the report."""

from __future__ import annotations

import errno
import functools
import os
import stat
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Optional, Union

if TYPE_CHECKING:  # imported where used: checking one file needs neither
    import pathspec
    from pathspec.pattern import Pattern

from credlint.budget import BudgetExceeded, run_within_budget
from credlint.cache import CACHE_DIRECTORY
from credlint.cache import prune as prune_cache
from credlint.config import Config, ConfigFinder
from credlint.deployment.declared_region import find_declared_region
from credlint.discovery import PathFilter, discover, display_path, filtered, relative_path, special_file
from credlint.engine import FileResult, PartMemo, lint_source
from credlint.file_kinds import CERTAIN_KINDS, PYTHON, TEXT, kind_by_name
from credlint.finding import FileError, Finding
from credlint.project.view import NO_PROJECT_VIEW
from credlint.registry import PARSE_ERROR_RULE, RULES
from credlint.settings import RuleSettings

# Below this many files a process pool costs more to start than it saves.
POOL_THRESHOLD = 48
COLD_CACHE_PROBE = 16  # files looked up before a run decides its cache is cold
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


def rule_codes_for(path: Path, config: Config) -> tuple[str, ...]:
    ignored: tuple[str, ...] = ()
    for pattern, codes in config.per_file_ignores.items():
        if _matches(path, config, (pattern,)):
            ignored += codes
    if not ignored:
        return config.enabled_codes
    return tuple(code for code in config.enabled_codes if not any(code.startswith(prefix) for prefix in ignored))


def job_for(path: Path, config: Config, kind: str, cache: Optional[CacheChoice] = None) -> FileJob:
    from credlint.deployment.dotenv import dotenv_files_near

    root = config.resolved_root
    dotenv_files, dotenv_credentials = dotenv_files_near(path, root) if kind == PYTHON else ((), ())
    settings = RuleSettings(
        region_from=config.region_from,
        default_region=config.default_region,
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
    """Whether a pattern matches the path below the config's root; a file outside it (named by an
    absolute path, with no config above it) is matched by its whole path, where unanchored
    patterns (`tests/`, `test_*.py`) still find it."""
    relative = relative_path(path, config.root) or path.absolute().as_posix().lstrip("/")
    return bool(patterns) and _pattern_spec(patterns).match_file(relative)


@functools.lru_cache(maxsize=128)
def _pattern_spec(patterns: tuple[str, ...]) -> pathspec.PathSpec[Pattern]:
    import pathspec

    return pathspec.PathSpec.from_lines("gitignore", patterns)


def check_file(job: FileJob) -> FileResult:
    """Read and check one file, or take its kept result."""
    source = read_file(job)
    if isinstance(source, FileResult):
        return source
    key, kept = _look_up(job, source)
    if kept is not None:
        return kept
    result = check_bytes(job, source)
    if key is not None and job.cache_directory is not None:
        from credlint import cache

        cache.store(job.cache_directory, key, result)
    return result


def _look_up(job: FileJob, source: bytes) -> tuple[Optional[str], Optional[FileResult]]:
    """The file's cache key and its kept result; None for either when there is none."""
    if job.cache_directory is None:
        return None, None
    from credlint import cache

    key = cache.key_of(job, source)
    return key, cache.load(job.cache_directory, key) if key is not None else None


def read_file(job: FileJob) -> Union[bytes, FileResult]:
    """The file's bytes; every way a file can be unreadable becomes a FileError."""
    display = job.display
    try:
        # Opened without blocking and checked before reading: a FIFO put in the file's place since
        # discovery must not stall the run.
        descriptor = os.open(job.path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(descriptor, "rb") as handle:
            status = os.fstat(descriptor)
            if not stat.S_ISREG(status.st_mode):
                return FileResult(error=special_file(display, status.st_mode, blocking=True))
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
            return FileResult(error=special_file(display, os.stat(job.path).st_mode, blocking=True))
        message = f"{display}: cannot be read ({error.strerror}); skipped"
        return FileResult(error=FileError(display, message, "unreadable"))
    return source


def check_bytes(job: FileJob, source: bytes, memo: Optional[PartMemo] = None) -> FileResult:
    """Check one file's content; a bug in one rule costs that file, never the whole report."""
    display = job.display
    if _binary(job, source[:BINARY_SNIFF_BYTES]):
        if job.quiet:
            return FileResult()
        return FileResult(error=FileError(display, f"{display}: binary file (contains NUL bytes); skipped", "binary"))
    rules = [RULES[code] for code in job.codes]
    check_parse = PARSE_ERROR_RULE.code in job.codes

    def check() -> FileResult:
        return lint_source(
            display, source, rules, check_parse=check_parse, settings=job.settings, kind=job.kind, memo=memo
        )

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
    # A changed-files run checks some of a project's files: its index reads them all.
    file_jobs = _with_project_views(file_jobs, finder, [Path(path) for path in paths] if only is None else [])
    results = _run(file_jobs, jobs)
    for directory in sorted({job.cache_directory for job in file_jobs if job.cache_directory is not None}):
        prune_cache(directory)
    return _report(file_jobs, results, errors)


def check_source(path: Path, source: bytes, finder: ConfigFinder, memo: Optional[PartMemo] = None) -> Report:
    """Check a buffer that is not on disk yet (an editor's, or stdin) as if it were the file at path.

    A name without a suffix (an untitled buffer, a script) is read as Python; any other name of
    no kind of its own (README.md, main.tf) as text. memo: what the last check of the same buffer
    kept, to analyse again only the parts an edit changed (engine.PartMemo).
    """
    absolute = path.absolute()
    config = finder.for_path(absolute)
    kind = kind_by_name(absolute) or (PYTHON if not absolute.suffix else TEXT)
    if config.force_exclude and filtered(absolute, config, PathFilter(), is_dir=False):
        return _report([], [], [])
    job = job_for(absolute, config, kind)
    if kind == PYTHON:
        from credlint.project.build import project_views

        resolved = os.path.realpath(absolute)
        root = Path(_project_root(resolved, os.path.normpath(job.settings.root), []))
        views = project_views(root, finder, config.max_file_size, [resolved], covered=False, buffers={resolved: source})
        job = replace(job, settings=replace(job.settings, project=views.get(resolved, NO_PROJECT_VIEW)))
    return _report([job], [check_bytes(job, source, memo)], [])


def _with_project_views(file_jobs: list[FileJob], finder: ConfigFinder, given: Sequence[Path]) -> list[FileJob]:
    """Each Python file's job with what its project's index says about it. A project is the
    configuration root, or for files outside it the directory the run was given; one the run
    does not cover is walked for its other files when the index needs them. Paths are handled as
    strings: a warm run spends its time here."""
    from credlint.project.build import project_views

    directories = [os.path.realpath(path) for path in given if path.is_dir()]
    by_root: dict[str, list[tuple[int, str]]] = {}
    resolved: dict[str, str] = {}  # each directory resolved once, not once per file
    for position, job in enumerate(file_jobs):
        if job.kind == PYTHON:
            folder, name = os.path.split(os.path.abspath(job.path))
            if folder not in resolved:
                resolved[folder] = os.path.realpath(folder)
            path = os.path.join(resolved[folder], name)
            root = _project_root(path, os.path.normpath(job.settings.root), directories)
            by_root.setdefault(root, []).append((position, path))
    updated = list(file_jobs)
    for root, members in by_root.items():
        covered = any(root == directory or root.startswith(directory + os.sep) for directory in directories)
        first = file_jobs[members[0][0]]
        checked = [path for _, path in members]
        views = project_views(
            Path(root), finder, first.max_file_size, checked, covered=covered, cache_directory=first.cache_directory
        )
        for position, path in members:
            view = views.get(path)
            if view:
                job = updated[position]
                updated[position] = replace(job, settings=replace(job.settings, project=view))
    return updated


def _project_root(path: str, config_root: str, directories: Sequence[str]) -> str:
    """The configuration root when the file is under it, else the given directory it is under."""
    return next(
        (root for root in (config_root, *directories) if path.startswith(root.rstrip(os.sep) + os.sep)),
        os.path.dirname(path),
    )


def _report(file_jobs: Sequence[FileJob], results: Sequence[FileResult], errors: list[FileError]) -> Report:
    findings: list[Finding] = []
    for result in results:
        findings.extend(result.findings)
        if result.error is not None:
            errors.append(result.error)
    used: set[str] = set().union(*{job.codes for job in file_jobs})  # most jobs share one tuple of codes
    return Report(
        findings=tuple(sorted(findings, key=lambda finding: finding.sort_key)),
        errors=tuple(sorted(errors, key=lambda error: error.path)),
        files_checked=len(file_jobs),
        rules_run=tuple(code for code in RULES if code in used),
        timings=tuple((job.display, result.seconds) for job, result in zip(file_jobs, results)),
    )


def _run(file_jobs: Sequence[FileJob], jobs: Optional[int]) -> list[FileResult]:
    workers = jobs if jobs is not None else min(os.cpu_count() or 1, 8)
    if workers <= 1 or len(file_jobs) < POOL_THRESHOLD:
        return [timed_check(job) for job in file_jobs]
    results = _kept_results(file_jobs)
    left = [job for index, job in enumerate(file_jobs) if index not in results]
    if len(left) < POOL_THRESHOLD:
        checked = [timed_check(job) for job in left]
    else:
        from credlint.workers import run_in_workers

        checked = run_in_workers(left, timed_check, workers, on_death=_worker_died)
    unkept = iter(checked)
    return [results[index] if index in results else next(unkept) for index in range(len(file_jobs))]


def _kept_results(file_jobs: Sequence[FileJob]) -> dict[int, FileResult]:
    """Kept results, read here before any pool starts: a pool costs more to start than reading
    them takes. When the first files all miss, the cache is cold (new, or made by another version
    or configuration), and each worker looks up its own files instead of having them read twice."""
    results: dict[int, FileResult] = {}
    for index, job in enumerate(file_jobs):
        if index == COLD_CACHE_PROBE and not results:
            break
        if job.cache_directory is None:
            continue
        started = time.perf_counter()
        source = read_file(job)
        kept = None if isinstance(source, FileResult) else _look_up(job, source)[1]
        if kept is not None:
            results[index] = replace(kept, seconds=time.perf_counter() - started)
    return results


def timed_check(job: FileJob) -> FileResult:
    """check_file, timed; whatever goes wrong in it costs this file only."""
    started = time.perf_counter()
    try:
        result = check_file(job)
    except Exception as error:
        result = _internal_error(job.display, error)
    # Only words leave: the failures are in the error's message, and an exception may not survive
    # the trip back from a worker process.
    return replace(result, seconds=time.perf_counter() - started, failures=())


def _internal_error(display: str, error: Exception) -> FileResult:
    message = f"{display}: internal error while checking ({describe_bug(error)}); skipped, please report it"
    return FileResult(error=FileError(display, message, "internal-error"))


def _worker_died(job: FileJob) -> FileResult:
    message = f"{job.display}: the process checking it died (crashed or was killed); skipped, please report it"
    return FileResult(error=FileError(job.display, message, "worker-died"))
