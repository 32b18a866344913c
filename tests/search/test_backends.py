"""Backends: one interface for serial, process pool and Dask (one LocalCluster per module)."""

from __future__ import annotations

import os
import socket
import time

import pytest

from engine.errors import InvalidInputError
from search.backends import (
    LOCAL_CLUSTER_CONFIG,
    DaskBackend,
    ProcessBackend,
    SerialBackend,
    default_workers,
    get_backend,
    is_worker_lost,
    local_cluster,
)
from search.core import Budget, Driver, ExampleMaxOnes, RandomRestartProposer
from search.runner import ExampleCountSpec, example_count_step, run_search

distributed = pytest.importorskip("distributed")


# Worker functions are builtins, so spawned workers do not import this (heavy) test module.
absolute = abs


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as lc:
        yield lc


def test_get_backend_names_and_errors():
    assert isinstance(get_backend("serial"), SerialBackend)
    pool = get_backend()
    assert isinstance(pool, ProcessBackend) and pool.workers == default_workers()
    pool.close()
    assert get_backend(pool) is pool
    for bad in ("gpu", "", None):
        with pytest.raises(InvalidInputError, match="unknown"):
            get_backend(bad)
    for workers in (0, -2, 1.5, True):
        with pytest.raises(InvalidInputError, match="workers"):
            get_backend("process", workers=workers)
    with pytest.raises(InvalidInputError, match="only applies to backend 'dask'"):
        get_backend("process", address="tcp://127.0.0.1:8786")


@pytest.mark.parametrize("name", ["serial", "process"])
def test_local_backends_interface(name):
    with get_backend(name, workers=2) as be:
        assert be.map(absolute, range(-9, 1)) == [abs(x) for x in range(-9, 1)]
        assert be.map(absolute, []) == []
        futures = [be.submit(pow, x, 2) for x in range(5)]
        assert sorted(f.result() for f in be.as_completed(futures)) == [0, 1, 4, 9, 16]
        done, not_done = be.wait_any(futures)
        assert done and len(done) + len(not_done) == 5
        bad = be.submit(int, "three")
        with pytest.raises(ValueError, match="three"):
            bad.result()
        assert not is_worker_lost(ValueError())


def test_process_backend_uses_other_processes():
    with get_backend("process", workers=2) as be:
        pids = {f.result() for f in [be.submit(os.getpid) for _ in range(4)]}
    assert os.getpid() not in pids


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_dask_unreachable_address_is_clear_error():
    address = f"tcp://127.0.0.1:{_free_port()}"
    t0 = time.perf_counter()
    with pytest.raises(InvalidInputError, match=f"address='{address}'"):
        get_backend("dask", address=address, connect_timeout=1)
    assert time.perf_counter() - t0 < 20
    with pytest.raises(InvalidInputError, match="scheduler address"):
        get_backend("dask", address="localhost")


def test_dask_interface(cluster):
    with get_backend("dask", address=cluster.scheduler_address) as be:
        assert isinstance(be, DaskBackend) and be.workers == 2
        assert be.map(absolute, range(-9, 1)) == [abs(x) for x in range(-9, 1)]
        futures = [be.submit(pow, x, 2) for x in range(5)]
        assert sorted(f.result() for f in be.as_completed(futures)) == [0, 1, 4, 9, 16]
        done, _ = be.wait_any(futures)
        assert done
        with pytest.raises(ValueError, match="three"):
            be.submit(int, "three").result()
        assert be.submit(os.getpid).result() != os.getpid()
    # the cluster is not ours: closing the backend leaves it running
    assert cluster.status.name == "running"


def test_dask_runs_driver_and_chunked_like_serial(cluster):
    problem = ExampleMaxOnes(n=12)

    def driver(backend):
        return Driver(problem, RandomRestartProposer(problem.sample, problem.mutate),
                      budget=Budget(steps=64), seed=5, batch_size=8, backend=backend,
                      progress=False).run()

    spec = ExampleCountSpec(walkers=3, collect="all")
    serial = run_search(spec, Budget(steps=45), seed=0, chunk_steps=4)
    with get_backend("dask", address=cluster.scheduler_address) as be:
        assert driver(be).history == driver("serial").history
        on_dask = run_search(spec, Budget(steps=45), seed=0, backend=be, chunk_steps=4)
    assert on_dask.states == serial.states and sorted(on_dask.hits) == sorted(serial.hits)


def die_once_step(state, budget):
    flag = state.get("flag")
    if flag and os.path.exists(flag):
        os.remove(flag)
        os._exit(13)
    return example_count_step(state, budget)


class _DieOnceSpec(ExampleCountSpec):
    step = staticmethod(die_once_step)

    def __init__(self, flag):
        super().__init__(walkers=2)
        self.flag = flag

    def initial_states(self, seed):
        return [{"x": 0, "mult": 1}, {"x": 0, "mult": 2, "flag": self.flag}]


def test_dask_killed_worker_chunk_is_redone(cluster, tmp_path):
    flag = tmp_path / "die"
    flag.write_text("1")
    with get_backend("dask", address=cluster.scheduler_address) as be:
        out = run_search(_DieOnceSpec(str(flag)), Budget(steps=40), seed=0, backend=be,
                         chunk_steps=5)
    assert not flag.exists()
    assert [s["x"] for s in out.states] == [20, 40]


@pytest.mark.slow
def test_dask_local_cluster_started_by_backend():
    with get_backend("dask", workers=1) as be:
        assert be.map(absolute, [-3]) == [3]
        # the quieter ticks reach the worker processes
        import dask

        got = be.client.run(dask.config.get, "distributed.admin.tick.interval")
        assert set(got.values()) == {LOCAL_CLUSTER_CONFIG["distributed.admin.tick.interval"]}


@pytest.mark.parametrize("bad", [0, None, 1.5, True])
def test_local_cluster_refuses_bad_worker_counts(bad):
    with pytest.raises(InvalidInputError, match="workers="):
        local_cluster(bad)


_SET_FLAG = "import os; os.environ['DISCO_WARMED'] = 'yes'"


def test_dask_warm_workers_runs_once_in_every_worker(cluster):
    with get_backend("dask", address=cluster.scheduler_address, min_workers=2) as be:
        seconds = be.warm_workers(exec, _SET_FLAG)
        assert len(seconds) == 2 and all(s >= 0.0 for s in seconds.values())
        assert set(be.client.run(os.getenv, "DISCO_WARMED").values()) == {"yes"}
        assert 0.0 < be.task_overhead(3) < 5.0


def test_serial_and_process_warm_workers():
    assert list(SerialBackend().warm_workers(abs, -1)) == ["serial"]
    with ProcessBackend(workers=2) as pool:
        assert pool.warm_workers(exec, _SET_FLAG) == {}  # run by each process as it starts
        assert pool.map(os.getenv, ["DISCO_WARMED"] * 6) == ["yes"] * 6
    with pytest.raises(InvalidInputError, match="samples=0"):
        SerialBackend().task_overhead(0)


def test_dask_map_batches_items_in_input_order(cluster):
    items = list(range(-200, 0))
    with get_backend("dask", address=cluster.scheduler_address, min_workers=2) as be, \
            distributed.get_task_stream(client=be.client) as ts:
        assert be.map(absolute, items) == [abs(x) for x in items]
    # 200 items on 2 workers: 8 batches of 25, not 200 round trips through the scheduler
    assert len(ts.data) == 8


def test_dask_submit_pickles_in_the_caller(cluster):
    import threading

    from search.backends import is_pickling_error

    with get_backend("dask", address=cluster.scheduler_address) as be:
        assert be.submit(lambda x, y=0: x + y, 2, y=3).result() == 5  # cloudpickle, as Dask
        with pytest.raises(TypeError) as exc:
            be.submit(id, threading.Lock())
        assert is_pickling_error(exc.value)
