"""Spreading a large site's per-file work over the machine's cores.

Most of a big build is Markdown parsing and page rendering, one file at a time and each
independent of the others. Workers are forked, so they start with the parent's read-only state
(the parsed site, the derived facts, the compiled templates) without pickling it; only their
results travel back, in order, so the output is the same as a single-process build.

Small sites, single-core machines, and processes that run other threads (the live preview, where
forking could copy a held lock) do the work in-process.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Generic, TypeVar

T = TypeVar("T")

MIN_ITEMS = 400  # below this, starting workers costs more than it saves
MAX_WORKERS = 8

_task: Callable[[int, int], Any] | None = None


def worker_count(items: int) -> int:
    """How many processes to use for ``items`` pieces of work."""
    if items < MIN_ITEMS or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if threading.active_count() > 1 or os.environ.get("STATUSGEN_JOBS") == "1":
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, MAX_WORKERS))


def _run(bounds: tuple[int, int]) -> Any:
    assert _task is not None
    return _task(*bounds)


class Pending(Generic[T]):
    """``task(start, stop)`` over consecutive ranges covering ``range(items)``, started on the
    workers at once; the caller goes on with other work and collects with :meth:`results`.

    The workers are forked when it starts, so they see the caller's state as it is then.
    """

    def __init__(self, task: Callable[[int, int], T], items: int):
        global _task
        self._task, self._items = task, items
        self._pool: ProcessPoolExecutor | None = None
        self._futures: list[Future[T]] = []
        workers = worker_count(items)
        if workers == 1:
            return
        assert _task is None, "one piece of parallel work at a time"
        _task = task
        context = multiprocessing.get_context("fork")
        self._pool = ProcessPoolExecutor(workers, mp_context=context)
        # Several chunks per worker even out their load.
        self._futures = [self._pool.submit(_run, chunk) for chunk in _ranges(items, workers * 4)]

    def results(self) -> list[T]:
        """Each range's result, in order (run here and now when there are no workers)."""
        global _task
        if self._pool is None:
            return [self._task(0, self._items)]
        try:
            return [future.result() for future in self._futures]
        finally:
            self._pool.shutdown(cancel_futures=True)
            _task = None


def map_ranges(task: Callable[[int, int], T], items: int) -> list[T]:
    """``task(start, stop)`` over consecutive ranges covering ``range(items)``, in order."""
    return Pending(task, items).results()


def _ranges(items: int, parts: int) -> Sequence[tuple[int, int]]:
    size = -(-items // parts)
    return [(start, min(start + size, items)) for start in range(0, items, size)]
