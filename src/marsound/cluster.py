"""Running a batch on a Dask cluster (``distributed``): connect, check the workers, one task per item.

marsound does not manage clusters: it plugs into a running Dask scheduler (started by hand with
``dask scheduler`` / ``dask worker``, by dask-jobqueue on an HPC queue, by Kubernetes...) or, for
``"local"``, starts a :class:`distributed.LocalCluster` of worker *processes* sized to this
machine. :func:`run_on_dask` mirrors the local process pool: ``on_result(index, result, error)``
once per item, as tasks complete.

* A worker that dies while running a task (killed for memory, a crash) is replaced by the
  scheduler and its tasks run again elsewhere; a task that kills more workers than the
  scheduler's ``distributed.scheduler.allowed-failures`` is reported as failed
  (``distributed.KilledWorker``), never lost.
* Any exception in the caller's thread while waiting (Ctrl-C, the CLI's signal exception)
  cancels every task of the batch before going on.

Requires the ``dask`` extra (``pip install "marsound[dask]"``).
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from marsound.errors import MarsoundError

if TYPE_CHECKING:
    from distributed import Client

T = TypeVar("T")
R = TypeVar("R")

LOCAL = "local"
"""The scheduler address that starts a local cluster of worker processes."""
DEFAULT_CONNECT_TIMEOUT_S = 5.0
"""How long to try reaching a scheduler, and to wait for its first worker [s]."""


class ClusterError(MarsoundError):
    """The Dask cluster cannot run marsound's tasks (unreachable, no workers, marsound missing there)."""


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise ClusterError(
            f"running on a Dask cluster needs dask.distributed ({exc}); install it with: pip install 'marsound[dask]'"
        ) from None
    return distributed


def local_workers() -> int:
    """Worker processes of a ``"local"`` cluster: the CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


@contextlib.contextmanager
def connect(
    address: str, *, timeout_s: float = DEFAULT_CONNECT_TIMEOUT_S, n_workers: int | None = None
) -> Iterator[Client]:
    """A checked :class:`distributed.Client` for ``address`` (``tcp://host:port`` or ``"local"``).

    ``"local"`` starts a :class:`distributed.LocalCluster` of ``n_workers`` single-threaded worker
    processes (default :func:`local_workers`), closed on exit. Any other address must be a
    running scheduler; the client is closed on exit, the cluster left running.

    Raises
    ------
    ClusterError
        The scheduler cannot be reached within ``timeout_s``, it has no worker, or its workers
        cannot import marsound (see :func:`check_workers`).
    """
    distributed = _distributed()
    address = str(address).strip()
    if not address:
        raise ClusterError("the scheduler address is empty (expected tcp://host:port or 'local')")
    cluster = None
    try:
        if address == LOCAL:
            cluster = distributed.LocalCluster(
                n_workers=n_workers or local_workers(),
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            client = distributed.Client(cluster, timeout=timeout_s)
        else:
            try:
                client = distributed.Client(address, timeout=timeout_s)
            except (OSError, TimeoutError, ValueError) as exc:
                raise ClusterError(
                    f"cannot reach the Dask scheduler at {address!r} within {timeout_s:g} s "
                    f"({type(exc).__name__}: {exc or 'no answer'})"
                ) from None
        try:
            check_workers(client, timeout_s=timeout_s)
            yield client
        finally:
            client.close()
    finally:
        if cluster is not None:
            cluster.close()


def check_workers(client: Client, *, timeout_s: float = DEFAULT_CONNECT_TIMEOUT_S, package: str = "marsound") -> int:
    """Check that the cluster has a worker and that every worker has ``package`` installed.

    The version each worker reports (``importlib.metadata.version`` run there) must equal this
    process's: different versions could give different results. Returns the number of workers.

    Raises
    ------
    ClusterError
        No worker joined within ``timeout_s``, or a worker lacks ``package`` or has another version.
    """
    from importlib.metadata import PackageNotFoundError, version

    try:
        client.wait_for_workers(1, timeout=timeout_s)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"no Dask worker joined the Dask scheduler within {timeout_s:g} s ({exc})") from None
    try:
        mine = version(package)
    except PackageNotFoundError:
        mine = None
    answers = client.run(version, package, on_error="return")
    missing = {w: v for w, v in answers.items() if isinstance(v, BaseException)}
    if missing:
        w, why = next(iter(missing.items()))
        raise ClusterError(
            f"{len(missing)}/{len(answers)} Dask worker(s) cannot import {package} (e.g. {w}: "
            f"{type(why).__name__}: {why}); install it in the workers' environment"
        )
    other = {w: v for w, v in answers.items() if mine is not None and v != mine}
    if other:
        w, v = next(iter(other.items()))
        raise ClusterError(f"Dask worker {w} runs {package} {v}, this client {mine}: install the same version")
    return len(answers)


def run_on_dask(
    client: Client,
    fn: Callable[[T], R],
    items: Sequence[T],
    *,
    on_result: Callable[[int, R | None, BaseException | None], None],
    prepare: Callable[[T], T] | None = None,
    max_in_flight: int | None = None,
    name: str = "marsound",
) -> None:
    """Run ``fn(item)`` as one Dask task per item; ``on_result(index, result, error)`` for each, as they complete.

    ``fn`` and the items are pickled to the workers (``fn`` must be importable there). With
    ``prepare``, each item is replaced by ``prepare(item)`` on this machine just before it is
    sent, and sent to a worker on its own (:meth:`distributed.Client.scatter`): this is how data
    the workers cannot read travels (at most ``max_in_flight`` items at a time, default twice the
    worker threads, so that the client's memory stays bounded). An exception of ``prepare`` or
    ``fn`` is that item's error; a task whose workers kept dying gets
    :class:`distributed.KilledWorker`. Any exception in this thread while waiting (e.g.
    :class:`KeyboardInterrupt`) cancels the batch's tasks, then propagates.
    """
    distributed = _distributed()
    n = len(items)
    if prepare is not None and max_in_flight is None:
        threads = sum(w.get("nthreads", 1) for w in client.scheduler_info().get("workers", {}).values())
        max_in_flight = 2 * max(1, threads)
    limit = n if max_in_flight is None else max(1, max_in_flight)
    index: dict[Any, int] = {}
    pending = iter(range(n))
    done = distributed.as_completed([], with_results=False)

    def submit_next() -> bool:
        for i in pending:
            item = items[i]
            try:
                if prepare is not None:
                    item = client.scatter(prepare(item), hash=False)
            except Exception as exc:  # this item's data cannot be read or sent
                on_result(i, None, exc)
                continue
            fut = client.submit(fn, item, key=f"{name}-{i}-{os.urandom(6).hex()}", pure=False)
            index[fut] = i
            done.add(fut)
            return True
        return False

    try:
        while len(index) < limit and submit_next():
            pass
        for fut in done:
            i = index.pop(fut)
            try:
                res, err = fut.result(), None
            except Exception as exc:  # the task raised, or its workers kept dying (KilledWorker)
                res, err = None, exc
            fut.release()
            on_result(i, res, err)
            while len(index) < limit and submit_next():
                pass
    except BaseException:
        client.cancel(list(index), force=True)
        raise
