"""Checking files across worker processes, where a worker that dies costs its own file, never the run.

A worker can die in ways no `except` sees: killed for its memory, or a crash in native code. The
pool then fails every file in flight. Each worker marks a batch as started in shared memory, so
the files of the batches in flight are told apart from those that never began: the latter are
checked again in a new pool, the former once more each on its own, where a death names its file.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Optional, TypeVar

Job = TypeVar("Job")
Result = TypeVar("Result")

BATCH_SIZE = 8  # files sent to a worker at a time: fewer round trips, and a small loss when one dies

_started: Any = None  # in a worker: the shared flags, one per batch of the current pool


def run_in_workers(
    jobs: Sequence[Job],
    check: Callable[[Job], Result],
    workers: int,
    on_death: Callable[[Job], Result],
) -> list[Result]:
    """check(job) for every job, in order; on_death(job) for a job whose worker died checking it."""
    results: dict[int, Result] = {}
    suspects: list[int] = []
    remaining = list(range(len(jobs)))
    while remaining:
        batches = [remaining[start : start + BATCH_SIZE] for start in range(0, len(remaining), BATCH_SIZE)]
        suspects += _run_batches(jobs, check, batches, workers, results)
        left = [index for index in remaining if index not in results and index not in suspects]
        if len(left) == len(remaining):  # a death outside every batch: trust no file of this round
            suspects += left
            left = []
        remaining = left
    for index in suspects:
        if _run_batches(jobs, check, [[index]], 1, results) or index not in results:
            results[index] = on_death(jobs[index])
    return [results[index] for index in range(len(jobs))]


def _run_batches(
    jobs: Sequence[Job],
    check: Callable[[Job], Result],
    batches: list[list[int]],
    workers: int,
    results: dict[int, Result],
) -> list[int]:
    """Run the batches in one pool, filling results; the jobs of the batches a dying worker had started."""
    context = multiprocessing.get_context()
    started = context.RawArray("b", len(batches))
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_enter_worker, initargs=(started,))
    try:
        futures: list[Future[list[Result]]] = [
            pool.submit(_check_batch, number, [jobs[index] for index in batch], check)
            for number, batch in enumerate(batches)
        ]
        lost: list[int] = []
        for number, (batch, future) in enumerate(zip(batches, futures)):
            try:
                results.update(zip(batch, future.result()))
            except BrokenProcessPool:
                if started[number]:
                    lost += batch
        return lost
    except BaseException:  # Ctrl-C above all: stop the workers now rather than after their batches
        _stop(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _enter_worker(started: Any) -> None:
    global _started
    _started = started
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle, once


def _check_batch(number: int, batch: list[Job], check: Callable[[Job], Result]) -> list[Result]:
    _started[number] = 1
    return [check(job) for job in batch]


def _stop(pool: ProcessPoolExecutor) -> None:
    processes: Optional[dict[int, Any]] = getattr(pool, "_processes", None)
    for process in (processes or {}).values():
        process.terminate()
