"""Parallel backends behind one interface: serial, a local process pool, or a Dask cluster.

Every backend offers ``submit(fn, *args, **kw) -> future``, ``as_completed(futures)``,
``map(fn, items) -> list`` (input order, batched: about four tasks per worker),
``warm_workers(fn, *args)`` (per-process start-up, such as loading the numba kernels from the
disk cache, done once in every worker before the timed work), ``task_overhead()`` (the round
trip one task costs), ``restart()`` and ``close()``, and is a context manager. Futures have ``result()``, ``done()`` and ``cancel()``. Functions and arguments sent to
the ``"process"`` and ``"dask"`` backends must be picklable: top-level functions (not lambdas
or closures) and plain data.

- ``"serial"``: runs each call immediately in this process (debugging, tiny jobs, tests).
- ``"process"`` (default): :class:`concurrent.futures.ProcessPoolExecutor` with ``workers``
  processes (default: the number of cores) started with the ``spawn`` method, so it behaves
  the same on Linux, macOS and Windows and never forks a process holding threads.
- ``"dask"``: :class:`distributed.Client` connected to ``address`` (``"tcp://host:8786"``;
  an unreachable scheduler raises :class:`~engine.errors.InvalidInputError` naming the address
  after ``connect_timeout`` seconds), or, without an address, to a new
  :class:`distributed.LocalCluster` of ``workers`` single-threaded worker processes.

Reference: Python documentation, ``concurrent.futures``; Dask distributed documentation,
"Futures" (https://distributed.dask.org/en/stable/client.html).

Examples:
    >>> from search.backends import get_backend
    >>> with get_backend("serial") as backend:
    ...     backend.map(abs, [-1, 2, -3])
    [1, 2, 3]
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import pickle
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Literal

from engine.errors import InvalidInputError

__all__ = [
    "Backend",
    "SerialBackend",
    "ProcessBackend",
    "DaskBackend",
    "get_backend",
    "BACKENDS",
    "default_workers",
    "local_cluster",
    "LOCAL_CLUSTER_CONFIG",
    "is_worker_lost",
    "is_pickling_error",
    "add_backend_flags",
    "backend_from_args",
]

BackendName = Literal["serial", "process", "dask"]


def default_workers() -> int:
    """The number of usable cores (respects CPU affinity where the OS reports it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - macOS/Windows
        return max(1, os.cpu_count() or 1)


def _check_workers(workers: Any) -> int | None:
    if workers is None:
        return None
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise InvalidInputError(f"workers={workers!r} must be a positive integer or None (= cores)")
    return workers


class Backend:
    """Base class: run picklable functions somewhere and collect their results."""

    name: str = "base"
    workers: int = 1

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        """Schedule ``fn(*args, **kwargs)`` and return a future (``.result()``)."""
        raise NotImplementedError

    def as_completed(self, futures: Iterable[Any]) -> Iterator[Any]:
        """Yield the given futures as they finish."""
        return cf.as_completed(list(futures))

    def wait_any(self, futures: Iterable[Any], timeout: float | None = None) -> tuple[set, set]:
        """Block until at least one future is done (or ``timeout``); return ``(done, not_done)``."""
        done, not_done = cf.wait(list(futures), timeout=timeout, return_when=cf.FIRST_COMPLETED)
        return set(done), set(not_done)

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
        """``[fn(x) for x in items]`` computed on the backend, in input order."""
        futures = [self.submit(fn, x) for x in items]
        return [f.result() for f in futures]

    def warm_workers(self, fn: Callable[..., Any], /, *args: Any) -> dict[str, float]:
        """Run ``fn(*args)`` once in every worker process, before the work that needs it.

        For per-process start-up a search should not be charged for: imports, loading the
        numba kernels from the on-disk cache, per-process tables. Returns the seconds ``fn``
        took per worker (empty where the workers start later and run it then).
        """
        raise NotImplementedError

    def task_overhead(self, samples: int = 20) -> float:
        """Median wall seconds of one no-op task's round trip (submit, run, result): the
        scheduling cost each chunk pays; chunks should last a hundred times longer.

        Raises:
            InvalidInputError: ``samples`` is not a positive integer.

        Examples:
            >>> from search.backends import SerialBackend
            >>> SerialBackend().task_overhead(5) < 0.01
            True
        """
        if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
            raise InvalidInputError(f"samples={samples!r} must be a positive integer")
        times = []
        for _ in range(samples):
            t = time.perf_counter()
            self.submit(_noop).result()
            times.append(time.perf_counter() - t)
        times.sort()
        return times[len(times) // 2]

    def restart(self) -> None:
        """Replace broken workers (after a worker process died); no-op where not needed."""

    def close(self) -> None:
        """Release workers and connections. Idempotent."""

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(workers={self.workers})"


class SerialBackend(Backend):
    """Runs every call immediately in the calling process.

    Examples:
        >>> from search.backends import SerialBackend
        >>> SerialBackend().submit(pow, 2, 10).result()
        1024
    """

    name = "serial"

    def __init__(self, workers: int | None = None) -> None:
        _check_workers(workers)
        self.workers = 1

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future:
        future: cf.Future = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # noqa: BLE001 - delivered through the future like a pool would
            future.set_exception(exc)
        return future

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
        return [fn(x) for x in items]

    def warm_workers(self, fn: Callable[..., Any], /, *args: Any) -> dict[str, float]:
        """Run ``fn(*args)`` here, in the one worker: this process."""
        return {"serial": _timed_call(fn, *args)}


class ProcessBackend(Backend):
    """A local pool of ``workers`` processes (default: all cores), started lazily.

    Args:
        workers: number of processes (default :func:`default_workers`).
        start_method: multiprocessing start method, ``"spawn"`` by default.

    Examples:
        >>> from search.backends import ProcessBackend
        >>> with ProcessBackend(workers=1) as pool:  # doctest: +SKIP
        ...     pool.map(abs, [-1, -2])
        [1, 2]
    """

    name = "process"

    def __init__(self, workers: int | None = None, *, start_method: str = "spawn") -> None:
        self.workers = _check_workers(workers) or default_workers()
        if start_method not in multiprocessing.get_all_start_methods():
            raise InvalidInputError(
                f"start_method={start_method!r} is not available here; use one of "
                f"{multiprocessing.get_all_start_methods()}"
            )
        self.start_method = start_method
        self._executor: cf.ProcessPoolExecutor | None = None
        self._warmers: list[bytes] = []  # run by every pool process when it starts

    @property
    def executor(self) -> cf.ProcessPoolExecutor:
        if self._executor is None:
            self._executor = cf.ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context(self.start_method),
                initializer=_run_warmers if self._warmers else None,
                initargs=(tuple(self._warmers),) if self._warmers else (),
            )
        return self._executor

    def warm_workers(self, fn: Callable[..., Any], /, *args: Any) -> dict[str, float]:
        """Make every pool process run ``fn(*args)`` when it starts (the pool starts its
        processes lazily, and again after :meth:`restart`), so returns ``{}``. A pool already
        running is shut down first (waiting for its tasks), so call it before submitting."""
        self._warmers.append(_dumps((fn, args)))
        self.close()
        return {}

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future:
        # Pickle here, in the caller: an unpicklable task then fails at once with a clear
        # error instead of inside the executor's feeder thread (which can hang shutdown).
        return self.executor.submit(_run_pickled, _dumps((fn, args, kwargs)))

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
        items = list(items)
        if not items:
            return []
        size = _batch_size(len(items), self.workers)
        futures = [self.executor.submit(_run_chunk_pickled, _dumps((fn, items[i:i + size])))
                   for i in range(0, len(items), size)]
        return [y for f in futures for y in f.result()]

    def restart(self) -> None:
        self.close()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


def _dumps(task: Any) -> bytes:
    return pickle.dumps(task, protocol=pickle.HIGHEST_PROTOCOL)


def _cloud_dumps(task: Any) -> bytes:
    """``task`` pickled with cloudpickle (lambdas and closures by value, as Dask does)."""
    import cloudpickle

    return cloudpickle.dumps(task, protocol=pickle.HIGHEST_PROTOCOL)


def _loads(blob: bytes) -> Any:
    try:
        return pickle.loads(blob)
    except Exception as exc:  # noqa: BLE001 - any failure means the worker cannot rebuild the task
        raise pickle.UnpicklingError(
            f"a worker process cannot unpickle the task ({type(exc).__name__}: {exc}); define "
            "functions and classes at module top level in an importable module"
        ) from None


def _run_pickled(blob: bytes) -> Any:
    """Worker side of :meth:`ProcessBackend.submit` and :meth:`DaskBackend.submit`."""
    fn, args, kwargs = _loads(blob)
    return fn(*args, **kwargs)


def _run_chunk_pickled(blob: bytes) -> list[Any]:
    """Worker side of :meth:`ProcessBackend.map`."""
    fn, items = _loads(blob)
    return [fn(x) for x in items]


def _run_chunk(fn: Callable[[Any], Any], items: list[Any]) -> list[Any]:
    """Worker side of :meth:`DaskBackend.map`: one task for a batch of items."""
    return [fn(x) for x in items]


def _run_warmers(blobs: tuple[bytes, ...]) -> None:
    """Initializer of the pool processes: the functions given to :meth:`warm_workers`."""
    for blob in blobs:
        fn, args = _loads(blob)
        fn(*args)


def _timed_call(fn: Callable[..., Any], *args: Any) -> float:
    """Wall seconds of ``fn(*args)`` (its result is dropped)."""
    t = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t


def _noop() -> None:
    """The task of :meth:`Backend.task_overhead`."""


def _batch_size(n_items: int, workers: int) -> int:
    """Items per task of ``map``: about four tasks per worker, so that a slow batch does not
    leave the other workers idle at the end while each task still pays one round trip for
    many items.

    Examples:
        >>> from search.backends import _batch_size
        >>> _batch_size(1000, 2), _batch_size(5, 2)
        (125, 1)
    """
    return max(1, n_items // (4 * workers))


class DaskBackend(Backend):
    """A Dask ``distributed`` cluster: a given scheduler ``address`` or a new LocalCluster.

    Args:
        workers: number of LocalCluster worker processes (default: cores); ignored with
            ``address``.
        address: scheduler address such as ``"tcp://127.0.0.1:8786"``.
        connect_timeout: seconds to wait for the scheduler before giving up.
        client: an existing ``distributed.Client`` to use (not closed by :meth:`close`).
        min_workers: wait (up to ``worker_timeout`` seconds) until this many workers have
            joined the scheduler, e.g. batch jobs of a dask-jobqueue cluster still queued.
        worker_timeout: seconds to wait for ``min_workers``.

    Attributes:
        startup_seconds: wall seconds spent starting the cluster or connecting to it and
            waiting for its workers (so a campaign can leave them out of its search budget).

    Raises:
        InvalidInputError: ``distributed`` is not installed, the address is malformed or the
            scheduler cannot be reached within ``connect_timeout``.
    """

    name = "dask"

    def __init__(self, workers: int | None = None, address: str | None = None, *,
                 connect_timeout: float = 5.0, client: Any = None, min_workers: int | None = None,
                 worker_timeout: float = 300.0) -> None:
        t0 = time.monotonic()
        try:
            import distributed
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise InvalidInputError(
                "backend='dask' needs the 'distributed' package; install disco-engine[dask]"
            ) from exc
        self._distributed = distributed
        self._cluster = None
        self._own_client = client is None
        workers = _check_workers(workers)
        if min_workers is not None:
            min_workers = _check_workers(min_workers)
        if isinstance(worker_timeout, bool) or not isinstance(worker_timeout, int | float) \
                or not 0 < worker_timeout < float("inf"):
            raise InvalidInputError(
                f"worker_timeout={worker_timeout!r} must be a positive, finite number of seconds")
        if client is not None:
            self.client = client
        elif address is not None:
            if not isinstance(address, str) or "://" not in address:
                raise InvalidInputError(
                    f"address={address!r} is not a scheduler address; use 'tcp://host:port'"
                )
            try:
                self.client = distributed.Client(address, timeout=connect_timeout)
            except (OSError, TimeoutError) as exc:
                raise InvalidInputError(
                    f"cannot reach the Dask scheduler at address={address!r} within "
                    f"{connect_timeout:g} s ({type(exc).__name__}); start one with "
                    "`dask scheduler` or omit the address to use a local cluster"
                ) from exc
        else:
            self._cluster = local_cluster(workers or default_workers())
            self.client = distributed.Client(self._cluster)
        if min_workers is not None:
            try:
                self.client.wait_for_workers(min_workers, timeout=worker_timeout)
            except TimeoutError as exc:
                have = len(self.client.nthreads())
                self.close()
                raise InvalidInputError(
                    f"min_workers={min_workers}: only {have} worker(s) joined the Dask scheduler "
                    f"within {worker_timeout:g} s; start more workers or lower min_workers"
                ) from exc
        # nthreads() lists every worker (scheduler_info() may list only the first few)
        self.workers = max(1, sum(self.client.nthreads().values()))
        self.address = self.client.scheduler.address
        self.startup_seconds = time.monotonic() - t0

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        """Schedule ``fn(*args, **kwargs)`` on the cluster and return its future.

        The task is pickled here, in the caller (with cloudpickle, as Dask would): the
        scheduler then ships one bytes object instead of walking every nested list of a
        walker's state looking for futures (milliseconds of the coordinator's CPU per chunk,
        which on a small machine is taken from the workers), and a task that cannot be pickled
        fails at once. Futures are therefore not resolved inside the arguments.
        """
        return self.client.submit(_run_pickled, _cloud_dumps((fn, args, kwargs)), pure=False)

    def as_completed(self, futures: Iterable[Any]) -> Iterator[Any]:
        return iter(self._distributed.as_completed(list(futures)))

    def wait_any(self, futures: Iterable[Any], timeout: float | None = None) -> tuple[set, set]:
        futures = list(futures)
        try:
            res = self._distributed.wait(futures, timeout=timeout, return_when="FIRST_COMPLETED")
        except TimeoutError:
            return set(), set(futures)
        return set(res.done), set(res.not_done)

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
        """``[fn(x) for x in items]`` in input order, in batches of about four tasks per worker
        (one task per item pays the scheduler's round trip per item)."""
        items = list(items)
        if not items:
            return []
        size = _batch_size(len(items), self.workers)
        if size == 1:
            return self.client.gather(self.client.map(fn, items, pure=False))
        futures = [self.client.submit(_run_chunk, fn, items[i:i + size], pure=False)
                   for i in range(0, len(items), size)]
        return [y for part in self.client.gather(futures) for y in part]

    def warm_workers(self, fn: Callable[..., Any], /, *args: Any) -> dict[str, float]:
        """Run ``fn(*args)`` on every worker of the cluster now (``Client.run``); returns the
        seconds per worker address. A worker that joins later (or replaces a lost one) does
        not run it: it loads what it needs with its first task."""
        return dict(self.client.run(_timed_call, fn, *args))

    def close(self) -> None:
        if self._own_client and getattr(self, "client", None) is not None:
            self.client.close()
        self.client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def __repr__(self) -> str:
        return f"DaskBackend(address={getattr(self, 'address', None)!r}, workers={self.workers})"


#: Dask settings of the LocalClusters disco starts: the event-loop health tick every 0.5 s
#: (Dask's default 20 ms) and the system monitor every 2 s (0.5 s). Chunks last tenths of a
#: second or more, so nothing needs the finer ticks, and at idle they cost the coordinator
#: (scheduler and client) about 3.6% of a core and each worker 1.4%, which on a small machine
#: is taken from the search; with these settings 1.3% and 0.8%.
LOCAL_CLUSTER_CONFIG = {
    "distributed.admin.tick.interval": "500ms",
    "distributed.admin.system-monitor.interval": "2s",
}


def local_cluster(workers: int, **options: Any) -> Any:
    """A ``distributed.LocalCluster`` of ``workers`` single-threaded worker processes (no
    dashboard port clash: ``":0"``), with :data:`LOCAL_CLUSTER_CONFIG`.

    Raises:
        InvalidInputError: ``workers`` is not a positive integer, or ``distributed`` is
            missing.
    """
    workers = _check_workers(workers)
    if workers is None:
        raise InvalidInputError("workers=None: give the number of worker processes")
    try:
        import dask
        import distributed
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise InvalidInputError(
            "a Dask cluster needs the 'distributed' package; install disco-engine[dask]"
        ) from exc
    opts = {"threads_per_worker": 1, "processes": True, "dashboard_address": ":0", **options}
    with dask.config.set(LOCAL_CLUSTER_CONFIG):
        return distributed.LocalCluster(n_workers=workers, **opts)


BACKENDS: dict[str, type[Backend]] = {
    "serial": SerialBackend,
    "process": ProcessBackend,
    "dask": DaskBackend,
}


def get_backend(name: BackendName | Backend = "process", workers: int | None = None,
                address: str | None = None, **options: Any) -> Backend:
    """Create a backend by name (or pass an existing :class:`Backend` through).

    Args:
        name: ``"process"`` (default), ``"serial"`` or ``"dask"``, or a Backend instance.
        workers: number of workers (default: the number of cores).
        address: Dask scheduler address (``"tcp://..."``); only for ``"dask"``.
        **options: backend-specific options (``start_method``, ``connect_timeout``, ``client``).

    Returns:
        A context-managed :class:`Backend`.

    Raises:
        InvalidInputError: unknown name, bad ``workers``, an address for a non-Dask backend,
            or an unreachable Dask scheduler.

    Examples:
        >>> from search.backends import get_backend
        >>> get_backend("serial").map(str, [1, 2])
        ['1', '2']
        >>> get_backend("gpu")
        Traceback (most recent call last):
        ...
        engine.errors.InvalidInputError: backend name='gpu' is unknown; use one of ['dask', 'process', 'serial']
    """
    if isinstance(name, Backend):
        return name
    if name not in BACKENDS:
        raise InvalidInputError(f"backend name={name!r} is unknown; use one of {sorted(BACKENDS)}")
    if name == "dask":
        return DaskBackend(workers=workers, address=address, **options)
    if address is not None:
        raise InvalidInputError(
            f"address={address!r} only applies to backend 'dask', not {name!r}"
        )
    return BACKENDS[name](workers=workers, **options)


def is_worker_lost(exc: BaseException) -> bool:
    """Whether ``exc`` means a worker process died (so the task can be resubmitted).

    True for a broken process pool, Dask's ``KilledWorker`` and lost connections to workers.
    """
    from concurrent.futures.process import BrokenProcessPool

    if isinstance(exc, BrokenProcessPool):
        return True
    names = {cls.__name__ for cls in type(exc).__mro__}
    return bool(names & {"KilledWorker", "CommClosedError", "FutureCancelledError"})


def is_pickling_error(exc: BaseException) -> bool:
    """Whether ``exc`` says a function or argument could not be pickled for a worker.

    Examples:
        >>> import pickle
        >>> from search.backends import is_pickling_error
        >>> is_pickling_error(pickle.PicklingError("x")), is_pickling_error(ValueError("x"))
        (True, False)
    """
    if isinstance(exc, pickle.PickleError):
        return True
    return isinstance(exc, AttributeError | TypeError) and "pickle" in str(exc).lower()


def add_backend_flags(parser: Any) -> Any:
    """Add ``--backend {process,serial,dask}``, ``--workers N`` and ``--address URL`` to a parser.

    Examples:
        >>> import argparse
        >>> from search.backends import add_backend_flags, backend_from_args
        >>> args = add_backend_flags(argparse.ArgumentParser()).parse_args(["--backend", "serial"])
        >>> backend_from_args(args).name
        'serial'
    """
    parser.add_argument("--backend", choices=sorted(BACKENDS), default="process",
                        help="where to run: local process pool (default), serial, or Dask")
    parser.add_argument("--workers", type=int, default=None,
                        help="worker processes (default: number of cores)")
    parser.add_argument("--address", default=None,
                        help="Dask scheduler address tcp://host:port (--backend dask)")
    return parser


def backend_from_args(args: Any) -> Backend:
    """The backend named by :func:`add_backend_flags` options (``--address`` implies Dask).

    Raises:
        InvalidInputError: bad workers, or an unreachable Dask scheduler.
    """
    name = getattr(args, "backend", "process")
    address = getattr(args, "address", None)
    if address is not None:
        name = "dask"
    return get_backend(name, workers=getattr(args, "workers", None), address=address)
