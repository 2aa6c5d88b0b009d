"""Worker processes for batches: they end with the parent, and one crash fails only its own item.

:func:`run_in_processes` is the one way marsound runs a batch in parallel:

* each worker is started with the default action for SIGTERM/SIGHUP, ignores SIGINT (a Ctrl-C
  reaches the whole process group; the parent decides) and, on Linux, asks the kernel to kill it
  when the parent dies (``PR_SET_PDEATHSIG``), so no worker outlives a ``kill -9`` of the parent;
* when the parent is interrupted (any exception, including the CLI's signal exception), the
  queued items are cancelled and the running workers terminated before the exception goes on;
* when a worker dies (killed by the kernel for memory, a crash in a C library), the pool breaks
  and every unfinished item sees the error. The unfinished items are then run again one at a time
  in a fresh process until the one that kills its process is found: it alone is reported failed
  (``WorkerDied``), the rest go on in parallel again.
"""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from marsound.errors import MarsoundError

T = TypeVar("T")
R = TypeVar("R")


class WorkerDied(MarsoundError):
    """The worker process running an item ended abruptly (killed, e.g. out of memory, or crashed)."""


def _worker_init() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            pr_set_pdeathsig = 1
            libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0)


def _stop(pool: ProcessPoolExecutor, futures: Sequence[Future[Any]]) -> None:
    """Cancel what has not started and terminate the workers (no waiting for running items)."""
    for f in futures:
        f.cancel()
    procs = list((getattr(pool, "_processes", None) or {}).values())  # private, stable since Python 3.2
    for p in procs:
        with contextlib.suppress(Exception):
            p.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        with contextlib.suppress(Exception):
            p.join(timeout=5)
            if p.is_alive():
                p.kill()


def _round(
    fn: Callable[[T], R], items: Sequence[T], todo: list[int], workers: int,
    on_result: Callable[[int, R | None, BaseException | None], None],
) -> list[int]:  # fmt: skip
    """Run ``todo`` in one pool; returns the indices left unfinished because the pool broke."""
    broken: list[int] = []
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_init)
    futures: dict[Future[R], int] = {}
    try:
        futures = {pool.submit(fn, items[i]): i for i in todo}
        for fut in as_completed(futures):
            i = futures[fut]
            try:
                res = fut.result()
            except BrokenProcessPool:
                broken.append(i)
                continue
            except Exception as exc:  # the item's own failure: reported, the batch goes on
                on_result(i, None, exc)
                continue
            on_result(i, res, None)
    except BaseException:
        _stop(pool, list(futures))
        raise
    pool.shutdown(wait=True)
    return sorted(broken)


def run_in_processes(
    fn: Callable[[T], R],
    items: Sequence[T],
    *,
    max_workers: int,
    on_result: Callable[[int, R | None, BaseException | None], None],
) -> None:
    """Call ``fn(item)`` for every item in worker processes; ``on_result(index, result, error)`` for each.

    ``fn`` must be picklable (a module-level function). Exactly one call of ``on_result`` per
    item: ``(i, result, None)``, or ``(i, None, exc)`` when ``fn`` raised or its process died
    (:class:`WorkerDied`). See the module docstring for signals and crashes.
    """
    todo = list(range(len(items)))
    parallel = True
    while todo:
        unfinished = _round(fn, items, todo, max(1, min(max_workers, len(todo))) if parallel else 1, on_result)
        if not unfinished:
            return
        if parallel:  # find the culprit: one process at a time, in order
            parallel, todo = False, unfinished
            continue
        culprit, todo = unfinished[0], unfinished[1:]
        on_result(culprit, None, WorkerDied("the worker process died (killed, e.g. out of memory, or crashed)"))
        parallel = True
