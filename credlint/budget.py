"""One file's check on a thread of its own: a deep stack for deeply nested code, and a time budget.

LibCST's parser and visitors recurse once per level of nesting, and Python accepts code nested
thousands of levels deep (a long `a + b + ...` chain is one level per term). That needs more
stack than a main thread has, so each check runs on a thread with a deep one. The thread also
lets a budget stop a file that takes too long, and lets the caller go on to the next file.
"""

from __future__ import annotations

import ctypes
import sys
import threading
from collections.abc import Callable
from typing import Generic, Optional, TypeVar

Result = TypeVar("Result")

# Reserved address space, not memory: pages are touched only as deep as the code goes. 256 MB
# holds the deepest code Python's own parser accepts (about 6,000 levels).
STACK_BYTES = 256 * 1024 * 1024
RECURSION_LIMIT = 100_000
# After the budget, how long a check has to notice it was stopped before it is left behind.
GRACE_SECONDS = 1.0


class OverBudget(BaseException):
    """Raised inside a check whose time ran out; a BaseException so no rule's handler swallows it."""


class BudgetExceeded(Exception):
    """The check did not finish within its budget."""


class _Outcome(Generic[Result]):
    def __init__(self) -> None:
        self.value: Optional[Result] = None
        self.error: Optional[BaseException] = None
        self.finished = False


def run_within_budget(check: Callable[[], Result], seconds: Optional[float]) -> Result:
    """check() on a deep-stack thread; BudgetExceeded when it runs past `seconds` (None: no limit)."""
    outcome: _Outcome[Result] = _Outcome()

    def run() -> None:
        try:
            outcome.value = check()
        except BaseException as error:  # carried to the caller's thread, raised there
            outcome.error = error
        outcome.finished = True

    # The limit is the interpreter's, not the thread's: raised once, it stays. The other threads
    # recurse only a few levels, and prefilter.py judges Python's own depth at the usual limit.
    if sys.getrecursionlimit() < RECURSION_LIMIT:
        sys.setrecursionlimit(RECURSION_LIMIT)
    previous = threading.stack_size(STACK_BYTES)
    try:
        thread = threading.Thread(target=run, name="credlint-check", daemon=True)
        thread.start()
    finally:
        threading.stack_size(previous)
    try:
        thread.join(seconds)
    finally:
        if thread.is_alive():  # over budget, or Ctrl-C
            _raise_in(thread, OverBudget)
            thread.join(GRACE_SECONDS)  # native code (the parser) notices only when it returns
            if thread.is_alive():
                _left_behind.append(thread)
    if not outcome.finished or isinstance(outcome.error, OverBudget):
        raise BudgetExceeded
    if outcome.error is not None:
        raise outcome.error
    return outcome.value  # type: ignore[return-value]  # set whenever no error was


def checks_left_behind() -> bool:
    """Whether a stopped check is still running native code, which the process must not wait for."""
    return any(thread.is_alive() for thread in _left_behind)


_left_behind: list[threading.Thread] = []


def _raise_in(thread: threading.Thread, exception: type[BaseException]) -> None:
    """Python's documented way to interrupt another thread: at its next bytecode, it raises."""
    if thread.ident is not None:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident), ctypes.py_object(exception))
