"""Overlap reading, filtering and writing: a reader thread, filter workers, a writer thread, bounded queues.

libsndfile (through cffi), pocketfft and numpy release the GIL, so on two cores the next block is
decoded, the current blocks transformed (by :class:`Workers`, several blocks at once) and the
previous ones encoded at the same time. The queues hold at most ``depth`` blocks each, so memory
stays bounded for any file length; results are taken in the order the blocks were read, so the
output is exactly that of the plain loop. An error in any thread is raised in the caller's
thread; an error (or a signal) in the caller stops every thread before it propagates, so no
thread touches a file after the caller's cleanup (atomic outputs) has run. On one CPU nothing
can overlap, and the same calls run everything in the caller's loop, without threads.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from marsound.audio import AudioWriter

DEPTH = 2
"""Blocks queued between threads (each way)."""
BUFFERS = DEPTH + 2
"""Reused buffers a producer of :func:`prefetched` needs (blocks valid until the next is asked for),
and a :class:`~marsound.rendering.engine.StreamingFilter` feeding a :class:`BackgroundWriter`: when
block ``i`` is prepared, block ``i - 1`` is queued, at most ``DEPTH`` blocks wait in the writer's
queue and the writer holds one more, so block ``i - BUFFERS`` is written (its job done)."""
MAX_WORKERS = 2
"""Filter threads at most (each FFT job is a few milliseconds; two cores are what CI has)."""
_POLL_S = 0.05


def available_cpus() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def use_threads() -> bool:
    """Whether the pipeline runs threads: only with two CPUs or more.

    On one CPU nothing overlaps; the threads would only cost switches and caches (about 20 %
    more CPU time, measured), so reading, filtering and writing then run in the caller's loop.
    """
    return available_cpus() > 1


def default_workers() -> int:
    """Filter threads: the CPUs this process may use, at most :data:`MAX_WORKERS`; 0 on one CPU (inline)."""
    cpus = available_cpus()
    return min(MAX_WORKERS, cpus) if cpus > 1 else 0


def _put(q: queue.Queue[Any], item: object, stop: threading.Event) -> bool:
    """Put unless ``stop`` is set first (returns False then)."""
    while not stop.is_set():
        try:
            q.put(item, timeout=_POLL_S)
            return True
        except queue.Full:
            continue
    return False


Block = NDArray[np.float32]


def prefetched(
    make_blocks: Callable[[], Iterator[Block]], *, depth: int = DEPTH, threaded: bool | None = None
) -> Iterator[Block]:
    """Iterate the blocks of ``make_blocks()`` produced ahead by a background thread.

    ``threaded=False`` (default: :func:`use_threads`) iterates them here, without a thread.

    A block is handed on as it is: the producer may reuse its buffer only ``depth + 2`` blocks
    later (``AudioReader.blocks(buffers=depth + 2)``, see :data:`BUFFERS`), when the consumer has
    asked for the next block (``depth`` queued, one being read, one held by the consumer).
    Exceptions of the producer are raised here, at the point of the stream where they happened.
    """
    if not (use_threads() if threaded is None else threaded):
        gen = make_blocks()
        try:
            yield from gen
        finally:
            gen.close()  # type: ignore[attr-defined]
        return
    q: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def run() -> None:
        gen = make_blocks()
        try:
            for block in gen:
                if not _put(q, ("block", block), stop):
                    return
            _put(q, ("end", None), stop)
        except BaseException as exc:  # handed to the consumer
            _put(q, ("error", exc), stop)
        finally:
            gen.close()  # type: ignore[attr-defined]

    thread = threading.Thread(target=run, name="marsound-reader", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = q.get()
            if kind == "block":
                yield value
            elif kind == "end":
                return
            else:
                raise value
    finally:
        stop.set()
        thread.join()


def done(value: Any) -> Future[Any]:
    """A :class:`~concurrent.futures.Future` already holding ``value`` (work run in the caller's thread)."""
    future: Future[Any] = Future()
    future.set_result(value)
    return future


class Workers:
    """Filter threads (a :class:`~concurrent.futures.ThreadPoolExecutor`) that run jobs concurrently.

    :meth:`submit` returns a :class:`~concurrent.futures.Future` at once; the caller bounds how
    many are outstanding (here, the writer's queue does). On exit the threads are joined; on an
    error, jobs not started by then are cancelled. With ``count=0`` (the default on one CPU, see
    :func:`default_workers`) :meth:`submit` runs the job itself and no thread is started.
    """

    def __init__(self, count: int | None = None) -> None:
        self.count = default_workers() if count is None else max(0, int(count))
        self._pool = ThreadPoolExecutor(self.count, thread_name_prefix="marsound-filter") if self.count else None

    def submit(self, job: Callable[[], Any]) -> Future[Any]:
        """Run ``job`` on a worker thread; its result comes through the returned future."""
        if self._pool is None:
            return done(job())
        return self._pool.submit(job)

    def __enter__(self) -> Workers:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=exc_type is not None)


class BackgroundWriter:
    """Write one block per output on a background thread (a context manager).

    ``write([y0, y1, ...])`` queues one block for each writer (in the writers' order): arrays, or
    futures of :class:`Workers`, waited for here in the order queued. On a
    normal exit the queue is drained and the thread joined; an error of the thread is raised by
    the next ``write`` or at exit. On an error in the ``with`` body the thread is stopped and
    joined before the error propagates (nothing is written after that). ``threaded=False``
    (default: :func:`use_threads`) writes each block in :meth:`write` itself.
    """

    def __init__(self, writers: Sequence[AudioWriter], *, depth: int = DEPTH, threaded: bool | None = None) -> None:
        self.writers = list(writers)
        self.threaded = use_threads() if threaded is None else bool(threaded)
        self._q: queue.Queue[list[NDArray[np.float32] | Future[Any]] | None] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="marsound-writer", daemon=True)

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                try:
                    blocks = self._q.get(timeout=_POLL_S)
                except queue.Empty:
                    continue
                if blocks is None:
                    return
                for w, y in zip(self.writers, blocks):
                    w.write(y.result() if isinstance(y, Future) else y)
        except BaseException as exc:  # raised in the caller's thread
            self._error = exc
            self._stop.set()

    def _raise_error(self) -> None:
        if self._error is not None:
            raise self._error

    def write(self, blocks: list[NDArray[np.float32] | Future[Any]]) -> None:
        """Queue one block per writer (blocks until there is room); without a thread, write them now."""
        if not self.threaded:
            for w, y in zip(self.writers, blocks):
                w.write(y.result() if isinstance(y, Future) else y)
            return
        self._raise_error()
        if not _put(self._q, blocks, self._stop):
            self._raise_error()

    def __enter__(self) -> BackgroundWriter:
        if self.threaded:
            self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if not self.threaded:
            return
        if exc_type is None:
            _put(self._q, None, self._stop)
        else:
            self._stop.set()
        self._thread.join()
        if exc_type is None:
            self._raise_error()
