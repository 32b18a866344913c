"""Measure the speed-up of 2 local Dask workers over 1 for each parallel search.

    python examples/hpc/measure_speedup.py            # about a minute on a quiet 2-core machine
    python examples/hpc/measure_speedup.py --scale 0.05   # a smoke test

The same fixed work runs on a ``distributed.LocalCluster`` of 1 and then 2 single-threaded
workers (:func:`search.backends.local_cluster`, as ``backend="dask"`` starts them), so the speed-up is the time to the same result (the same work per wall second):

- PCF enumeration: the whole box, cut into 4 pieces per worker with chunks of ~0.3 s
  (:func:`search.pcf.search_pcfs`); the hits do not depend on the cut;
- flip graph: 1.6e7 flips split evenly over the same 2 walkers in both runs (2e6 flips per
  chunk); the walkers pass their best scheme to each other between chunks, so their paths,
  unlike the flip count, depend on timing;
- graphs: 64000 tabu steps split evenly over 2 independent walkers (8000 per chunk);
- constant rank: 600 proposals split evenly over 8 independent walks in 0.5 s chunks (a walk's
  proposals get dearer as its family grows, so with one walk per worker the luckier walk
  would wait for the other); the maximality check after the walk (serial, the same for any
  number of workers) is left out.

Worker start-up is not charged: before the clock starts, every worker runs each search once at a tiny size
(:meth:`search.backends.DaskBackend.warm_workers`: imports, numba kernels loaded from the
disk cache, per-process tables), and so does this process.

Printed per search: the wall seconds with 1 and 2 workers, the speed-up and the 1.7x target;
then figures that do not depend on how loaded the machine is, so a run on a shared machine can
still be judged:

- ``tasks``: the tasks of the 2-worker run, their mean length and the largest task's share of
  all task time (a share near 1/2 or above caps the speed-up whatever the machine);
- ``busy balance``: all task time over the busiest worker's (2.00 = both workers equally busy);
- ``CPU speed-up``: the 1-worker run's worker CPU seconds over the busier worker's CPU
  seconds in the 2-worker run (what a quiet machine would give, apart from waiting);
- ``coordinator CPU``: CPU seconds of this process (verifying and storing what the workers
  report, the scheduler of the LocalCluster): with 2 workers on 2 cores it is taken from them;
- ``idle-machine estimate``: the speed-up these CPU seconds and the busy balance give on
  this many idle cores (:func:`estimate`; waiting not counted): the figure to compare with
  the target when the machine is shared;
- ``round trip``: one no-op task's scheduler round trip and its share of the task time;
- ``compiled``: kernel compile seconds in the workers during the runs (0: loaded from cache);
- ``same result``: the 1- and 2-worker runs found the same thing (the PCF hits; the best
  graph and the best constant-rank dimension, whose walkers never wait for each other);
  the flip walkers share their best schemes as they go, so only their flip count is compared.

A reference line runs 16 independent CPU-bound tasks (no disco) the same way: its speed-up
is what the machine gives right now (2.00x on a quiet machine with 2 free cores), and each
search's speed-up is also given as a share of it. The load average before and after is
printed: on a loaded machine the wall-clock speed-up measures the machine, not disco.
"""
from __future__ import annotations

import argparse
import os
import time

import distributed

from search.backends import DaskBackend, SerialBackend, local_cluster

TARGET = 1.7

#: (name, what a speed-up is measured on); the work of each is fixed by ``runs``.
SEARCHES = (
    "PCF enumeration, box a1 b2 range 5",
    "flip graph 4x4x4, 1.6e7 flips",
    "graphs n=64, 64000 tabu steps",
    "constant rank A_8(F_3) r=6, 600 steps",
)


REFERENCE = "reference: 16 CPU-bound tasks, no disco"


def runs(be, scale: float) -> dict[str, tuple]:
    """Each search at ``scale`` of its measured size on backend ``be``:
    ``{name: timed(...)}`` (see :func:`timed`)."""
    from search.altspaces.search import search_constant_rank
    from search.flipgraph import flip_search
    from search.graphs import extremal_graph_search
    from search.pcf import search_pcfs

    jobs = {
        SEARCHES[0]: lambda: sorted(h.key() for h in search_pcfs(
            a_degree=1, b_degree=2, coefficient_range=5 if scale > 0.5 else 1,
            constants=["e", "pi"], backend=be, workers=2, progress=False).hits),
        SEARCHES[1]: lambda: ("flips", flip_search(
            (4, 4, 4), ring="ZT", target_rank=40, seed=1, max_flips=int(1.6e7 * scale),
            time_limit=120, walkers=2, backend=be, workers=2).flips),
        SEARCHES[2]: lambda: _fields(extremal_graph_search(
            n=64, seed=1, steps=max(2, int(64000 * scale)), time_limit=120, walkers=2,
            backend=be, progress=False), "edges", "steps"),
        # 8 independent walks (4 per worker of the larger run): a walk's proposals get dearer
        # as its family grows, so with one walk per worker the luckier walk would wait for
        # the other; with several, a worker that finishes its walk takes the next one
        SEARCHES[3]: lambda: _fields(search_constant_rank(
            n=8, r=6, field=3, seed=1, steps=max(8, int(600 * scale)), time_limit=120,
            walkers=8, backend=be, stop_at_bound=False, check_maximal=False),
            "dimension", "steps"),
    }
    return {name: timed(be, job) for name, job in jobs.items()}


def _fields(res, *names):
    return tuple((k, getattr(res, k)) for k in names)


def _cpu() -> float:
    return time.process_time()


def _compiled() -> float:
    from engine._numba import compile_seconds

    return compile_seconds()


def timed(be, fn) -> tuple:
    """``(wall s, {worker or "coordinator": CPU s}, [task s], compile s, result,
    {worker: busy s})`` of ``fn()`` on ``be``."""
    if isinstance(be, SerialBackend):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        return time.perf_counter() - t, {"serial": time.process_time() - c}, [], 0.0, out, {}
    client = be.client
    cpu0, comp0 = client.run(_cpu), client.run(_compiled)
    with distributed.get_task_stream(client=client) as ts:
        t, here = time.perf_counter(), time.process_time()
        out = fn()
        wall, here = time.perf_counter() - t, time.process_time() - here
    cpu1, comp1 = client.run(_cpu), client.run(_compiled)
    tasks = [s["stop"] - s["start"] for d in ts.data for s in d["startstops"]
             if s["action"] == "compute"]
    busy: dict[str, float] = {}
    for d in ts.data:
        for s in d["startstops"]:
            if s["action"] == "compute":
                busy[d["worker"]] = busy.get(d["worker"], 0.0) + s["stop"] - s["start"]
    cpu = {w: cpu1[w] - cpu0[w] for w in cpu0}
    cpu["coordinator"] = here
    compiled = sum(comp1[w] - comp0[w] for w in comp0)
    return wall, cpu, tasks, compiled, out, busy


def _spin(n: int) -> int:
    """Fixed pure-Python CPU work (no disco, no memory traffic): the reference task."""
    acc = 0
    for i in range(n):
        acc = (acc + i * i) % 1000003
    return acc


def reference(be, scale: float) -> tuple:
    """16 independent tasks of fixed CPU work: the speed-up the machine itself gives now."""
    n = max(1000, int(3_000_000 * scale))
    return timed(be, lambda: be.client.gather(
        [be.client.submit(_spin, n, pure=False) for _ in range(16)])[0])


def warm_process() -> float:
    """Every search once at a tiny size in this process (imports, kernels, tables); returns
    the kernel compile seconds of this process so far."""
    runs(SerialBackend(), 0.02)
    return _compiled()


def measure(n_workers: int, scale: float) -> tuple[dict, float]:
    """The runs on a new LocalCluster of ``n_workers``; also the no-op task round trip."""
    with local_cluster(n_workers) as lc, distributed.Client(lc) as c:
        c.wait_for_workers(n_workers, timeout=120)
        be = DaskBackend(client=c)
        be.warm_workers(warm_process)
        rt = be.task_overhead(20)
        out = {REFERENCE: reference(be, scale)}
        out.update(runs(be, scale))
        return out, rt


def estimate(w1: float, c1: float, w2: list[float], c2: float, cores: int,
             balance: float = 2.0) -> float:
    """The speed-up the measured CPU seconds give on ``cores`` idle cores.

    1 worker takes ``max(w1, c1)`` (the coordinator has a core of its own). 2 workers share
    their CPU seconds as the task stream shows them busy (``balance`` = all task time over the
    busiest worker's: the busiest does ``sum(w2) / balance``; CPU seconds per worker are not
    used because on a loaded machine one worker gets more of the CPU in the same wall time);
    on 2 cores the coordinator's seconds are taken from the workers, so not less than
    ``(sum(w2) + c2) / 2``. Waiting is not counted.

    Examples:
        >>> round(estimate(10.0, 1.0, [5.0, 5.0], 1.0, 2), 2)      # 10 / ((10 + 1) / 2)
        1.82
        >>> estimate(10.0, 1.0, [5.0, 5.0], 1.0, 4), estimate(10.0, 1.0, [6.0, 4.0], 1.0, 4, 1.25)
        (2.0, 1.25)
    """
    busiest = sum(w2) / max(1.0, min(2.0, balance))
    two = max(busiest, (sum(w2) + c2) / 2) if cores <= 2 else max(busiest, c2)
    return max(w1, c1) / two if two > 0 else float("nan")


def report(res1: dict, res2: dict, rt: float) -> list[str]:
    """The printed lines (see the module docstring)."""
    lines = []
    ceiling = res1[REFERENCE][0] / res2[REFERENCE][0]
    for name in res1:
        w1, cpu1, _, comp1, out1, _ = res1[name]
        w2, cpu2, tasks, comp2, out2, busy = res2[name]
        sp = w1 / w2
        total = sum(tasks) or float("nan")
        cpu1, cpu2 = dict(cpu1), dict(cpu2)
        coord1, coord = cpu1.pop("coordinator", 0.0), cpu2.pop("coordinator", 0.0)
        c1, c2 = sum(cpu1.values()), sorted(cpu2.values(), reverse=True)
        balance = total / max(busy.values(), default=float("nan"))
        est = estimate(c1, coord1, c2, coord, os.cpu_count() or 1, balance)
        if name == REFERENCE:
            lines.append(f"{name:38s} 1 worker {w1:6.2f} s | 2 workers {w2:6.2f} s | speed-up "
                         f"{sp:.2f}x: what this machine gives now (2.00x when quiet)")
            continue
        lines.append(f"{name:38s} 1 worker {w1:6.2f} s | 2 workers {w2:6.2f} s | speed-up "
                     f"{sp:.2f}x (target {TARGET}x: {'met' if sp >= TARGET else 'NOT met'}; "
                     f"{sp / ceiling:.0%} of the reference)")
        lines.append(
            f"{'':38s} tasks {len(tasks)} (mean {total / max(1, len(tasks)):.2f} s, largest "
            f"{max(tasks, default=0) / total:.0%}) | busy balance {balance:.2f} | worker CPU "
            f"1w {c1:.2f} s,"
            f" 2w {' + '.join(f'{c:.2f}' for c in c2)} s: CPU speed-up {c1 / c2[0]:.2f}x | "
            f"coordinator CPU 1w {coord1:.2f} s, 2w {coord:.2f} s | idle-machine estimate "
            f"{est:.2f}x | "
            f"round trip {rt * 1e3:.1f} ms ({len(tasks) * rt / total:.1%}) | compiled "
            f"{comp1 + comp2:.1f} s | same result {'yes' if out1 == out2 else 'NO'}")
    return lines


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0,
                    help="fraction of the measured work (default 1; 0.05 for a smoke test)")
    args = ap.parse_args(argv)
    if not 0 < args.scale <= 10:
        ap.error(f"--scale {args.scale} must be in (0, 10]")
    t0 = time.perf_counter()
    load0 = os.getloadavg()
    warm_process()
    res1, _ = measure(1, args.scale)
    res2, rt = measure(2, args.scale)
    load1 = os.getloadavg()
    for line in report(res1, res2, rt):
        print(line, flush=True)
    if args.scale != 1.0:
        print(f"work scaled by --scale {args.scale:g} (the names give the work at scale 1; the PCF box "
              "is the range-5 box at any scale above 0.5)", flush=True)
    print(f"load average {load0[0]:.2f} before, {load1[0]:.2f} after, on {os.cpu_count()} cores; "
          f"{time.perf_counter() - t0:.0f} s in all", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
