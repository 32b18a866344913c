"""Measure the speed-up of 2 local Dask workers over 1 for each parallel search.

    python examples/hpc/measure_speedup.py

The same fixed work (2 walkers, a step budget; the whole box for PCF enumeration) runs on a
``distributed.LocalCluster`` of 1 and then 2 single-threaded workers, after a short warm-up
(imports and kernel cache loads in the workers). Printed per search: the wall-clock speed-up,
the workers' CPU seconds (efficiency: CPU for the same work, 1 worker / 2 workers), how many
workers the Dask task stream shows busy, and how many cores the workers actually got. On a
shared, loaded machine the last figure, not disco, limits the wall-clock speed-up: read the
occupancy and efficiency too. Takes about two minutes.
"""
import time

import distributed

from search.backends import DaskBackend


def _cpu():
    return time.process_time()


def timed(be, fn):
    """(wall s, worker CPU s, busy s from the task stream) of ``fn()``."""
    c = be.client
    a = c.run(_cpu)
    with distributed.get_task_stream(client=c) as ts:
        t = time.perf_counter()
        fn()
        wall = time.perf_counter() - t
    b = c.run(_cpu)
    busy = sum(s["stop"] - s["start"] for d in ts.data for s in d["startstops"] if s["action"] == "compute")
    return wall, sum(b[k] - a[k] for k in a), busy


def runs(be, scale):
    from search.altspaces.search import search_constant_rank
    from search.flipgraph import flip_search
    from search.graphs import extremal_graph_search
    from search.pcf import search_pcfs
    out = {}
    out["PCF enumeration, box a1 b2 range 4"] = timed(be, lambda: search_pcfs(
        a_degree=1, b_degree=2, coefficient_range=4 if scale > 0.5 else 1, constants=["e", "pi"],
        backend=be, workers=2, progress=False))
    out["flip graph 4x4x4, 1.6e7 flips"] = timed(be, lambda: flip_search(
        (4, 4, 4), ring="ZT", target_rank=40, seed=1, max_flips=int(1.6e7 * scale), time_limit=120,
        walkers=2, backend=be, workers=2))
    out["graphs n=64, 64000 tabu steps"] = timed(be, lambda: extremal_graph_search(
        n=64, seed=1, steps=int(64000 * scale), time_limit=120, walkers=2, backend=be, progress=False))
    out["constant rank A_8(F_3) r=6, 200 steps"] = timed(be, lambda: search_constant_rank(
        n=8, r=6, field=3, seed=1, steps=max(2, int(200 * scale)), time_limit=120, walkers=2,
        backend=be, stop_at_bound=False))
    return out


if __name__ == "__main__":
    res = {}
    for n in (1, 2):
        lc = distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                      dashboard_address=":0")
        c = distributed.Client(lc)
        be = DaskBackend(client=c)
        runs(be, 0.02)  # warm: imports and kernel cache loads in the workers
        res[n] = runs(be, 1.0)
        c.close()
        lc.close()
    for k in res[1]:
        (w1, c1, b1), (w2, c2, b2) = res[1][k], res[2][k]
        print(f"{k:38s} wall 1w {w1:6.2f} s 2w {w2:6.2f} s speed-up {w1 / w2:.2f}x | worker CPU 1w {c1:6.2f} "
              f"2w {c2:6.2f} (efficiency {c1 / c2:.2f}) | occupancy 2w {b2 / w2:.2f} workers busy, "
              f"CPU share {c2 / w2:.2f} cores", flush=True)
