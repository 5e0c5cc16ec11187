"""Where a build's per-item work runs: in this process, or on forked worker processes.

Most of a big build is one file at a time, each independent of the others: parsing incident
files, rendering pages, writing the output. :func:`generator.build.build` takes one
:class:`Workers` for the whole build and hands it to the stages that have such work; nothing
else in the code starts a process.

The fork rule: workers are forked, so they start with the parent's read-only state (the parsed
site, the derived facts, the compiled templates) without pickling it, and only their results
travel back, in order, so the output is the same as a single-process build. Forking is safe
only where the platform is made for it (Linux: macOS's system libraries and Windows are not)
and while this process runs no other thread (a thread may hold a lock that the child would
inherit held for ever: the live preview serves from threads). Anywhere else, for small work, or
with ``STATUSGEN_JOBS=1``, everything runs in this process; so it does, once and cleanly, when
workers cannot be started or one dies.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType
from typing import Any, Generic, TypeVar

from generator.problems import UsageError

T = TypeVar("T")

# Below these, starting workers costs more than it saves: items that each take a fraction of a
# millisecond (files to write), and items of real work (incident files to parse, pages to
# render, each a millisecond or so; the benchmark's sites of 10 to 200 incidents build faster
# on workers).
MIN_ITEMS = 400
MIN_HEAVY_ITEMS = 20
MAX_WORKERS = 8  # by default; STATUSGEN_JOBS may ask for more


def fork_is_safe() -> bool:
    """Whether this process may fork workers now (see the module's fork rule)."""
    if not sys.platform.startswith("linux"):
        return False
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    if threading.active_count() > 1:
        return False
    try:  # threads that Python does not know of (started by a C library) count too
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


def requested_jobs() -> int | None:
    """``STATUSGEN_JOBS``: a number of processes, or None (unset or ``auto``) for the cores."""
    text = os.environ.get("STATUSGEN_JOBS", "").strip()
    if text in ("", "auto"):
        return None
    if not text.isdigit() or int(text) < 1:
        raise UsageError(
            f"STATUSGEN_JOBS={text!r} is not a number of processes: use a whole number such "
            "as STATUSGEN_JOBS=1 (one process), or auto"
        )
    return int(text)


class Workers:
    """``count`` processes for per-item work; 1 means this process only."""

    def __init__(self, count: int = 1):
        self.count = max(1, count)

    @classmethod
    def available(cls) -> Workers:
        """As many as ``STATUSGEN_JOBS`` asks for, else one per core (at most eight); one when
        this process may not fork."""
        requested = requested_jobs()
        if requested == 1 or not fork_is_safe():
            return cls(1)
        if requested is not None:
            return cls(requested)
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        return cls(min(cores or 1, MAX_WORKERS))

    def start(
        self,
        task: Callable[[int, int], list[T]],
        items: int,
        before_fork: Callable[[], None] | None = None,
        alone: int = 0,
        least: int = MIN_ITEMS,
    ) -> Pending[T]:
        """``task(start, stop)`` over consecutive ranges covering ``range(items)``, begun on the
        workers now; collect the results, in order, with :meth:`Pending.results`.
        ``before_fork`` works out what every worker would otherwise work out again. The first
        ``alone`` items are long ones, each given to a worker on its own while the others
        share out the rest. With fewer than ``least`` items besides those, the work is done
        here."""
        workers = self.count if items - alone >= least else 1
        return Pending(task, items, workers, before_fork, alone)

    def map(
        self,
        task: Callable[[int, int], list[T]],
        items: int,
        meanwhile: Callable[[], object] | None = None,
        least: int = MIN_ITEMS,
    ) -> list[T]:
        """The results of ``task(start, stop)`` over ``range(items)``, in order; this
        process runs ``meanwhile()`` while the workers work (before them, with none)."""
        with self.start(task, items, least=least) as pending:
            if meanwhile is not None:
                meanwhile()
            return pending.results()


IN_PROCESS = Workers(1)

# In a worker: the task it runs, installed when the worker starts. Set only in the workers'
# own memory, never in the parent's.
_worker_task: Callable[[int, int], Any] | None = None


def _install(task: Callable[[int, int], Any]) -> None:
    global _worker_task
    _worker_task = task
    gc.enable()  # a worker collects its own garbage, whatever the parent had paused


def _run(bounds: tuple[int, int]) -> Any:
    assert _worker_task is not None
    return _worker_task(*bounds)


class Pending(Generic[T]):
    """Work begun on forked workers (or, with one process, to be done when collected)."""

    def __init__(
        self,
        task: Callable[[int, int], list[T]],
        items: int,
        workers: int,
        before_fork: Callable[[], None] | None = None,
        alone: int = 0,
    ):
        self._task, self._items = task, items
        self._pool: ProcessPoolExecutor | None = None
        self._futures: list[Future[list[T]]] = []
        self._frozen = False
        if workers == 1 or not fork_is_safe():  # again: a thread may have started since
            return
        if before_fork is not None:
            before_fork()
        # The workers' collectors leave alone what they inherit (which this process still
        # holds): touching it would copy each of its memory pages into the worker.
        gc.freeze()
        self._frozen = True
        try:
            # The task reaches the workers by fork, as the initializer's argument: not pickled.
            self._pool = ProcessPoolExecutor(
                workers,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_install,
                initargs=(task,),
            )
            # Several chunks per worker even out their load; the long items go first.
            chunks = [(item, item + 1) for item in range(alone)]
            chunks += [(alone + a, alone + b) for a, b in _ranges(items - alone, workers * 4)]
            self._futures = [self._pool.submit(_run, chunk) for chunk in chunks]
        except (OSError, BrokenProcessPool):  # no processes to be had: do it here instead
            self._close()

    def results(self) -> list[T]:
        """Every item's result, in order."""
        if self._pool is None:
            return self._task(0, self._items)
        try:
            return [item for future in self._futures for item in future.result()]
        except BrokenProcessPool:  # a worker died (the machine ran out of memory, say)
            self._close()
            return self._task(0, self._items)

    def _close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
        self._pool, self._futures = None, []
        if self._frozen:
            gc.unfreeze()
            self._frozen = False

    def __enter__(self) -> Pending[T]:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._close()


def _ranges(items: int, parts: int) -> Sequence[tuple[int, int]]:
    size = -(-items // parts)
    return [(start, min(start + size, items)) for start in range(0, items, size)]
