"""Benchmark: extremal girth-5 graphs against the known values (OEIS A006856 / best bounds),
a networkx random-greedy baseline, and Dask scale-out (1 vs 2 workers).

Parts (``--part``, default ``small``):

- ``small``: every n <= 32, one core, fixed seed, ``--time-small`` seconds each (target: the
  known optimum within 10 s each);
- ``mid``: n = 40..53, two walkers on the process pool, ``--time-mid`` seconds each (target:
  optimum for >= 10 of 14 within 2 minutes each);
- ``large``: n = 54..64 with the curriculum from n = 53, ``--time-large`` seconds in total
  (target: within 2 of the best known bound for every size in 10 minutes);
- ``dask``: tabu iterations per second with a local Dask cluster of 1 and of 2 workers on
  the same search (target: >= 1.6x);
- ``throughput``: tabu iterations per second of :func:`extremal_graph_search` on the search
  runner (chunks, verification, progress bookkeeping) against the bare kernel (one call of
  ``walker_chunk`` over the whole budget), fixed seeds, one core (target: >= 0.95x);
- ``all``: everything.

The peer is a random-greedy maximal girth-5 graph built with networkx (add edges in random
order when ``shortest_path_length >= 4``), the naive method the search must beat.

Run: ``disco bench graphs --part small`` or ``python tests/benchmarks/bench_graphs.py``.
"""

from __future__ import annotations

import argparse
import os
import time

import networkx as nx
import numpy as np


def greedy_networkx(n: int, seed: int) -> int:
    """Peer: random maximal graph with no C3/C4 using networkx distance queries."""
    rng = np.random.default_rng(seed)
    G = nx.empty_graph(n)
    pairs = [(u, v) for u in range(n) for v in range(u + 1, n)]
    for i in rng.permutation(len(pairs)):
        u, v = pairs[i]
        try:
            d = nx.shortest_path_length(G, u, v)
        except nx.NetworkXNoPath:
            d = n
        if d >= 4:
            G.add_edge(u, v)
    return G.number_of_edges()


def _row(n, res, known, peer, peer_s):
    ratio = res.edges / known if known else float("nan")
    return (f"n={n:3d} ours={res.edges:4d} known={known:4d} gap={known - res.edges:3d} "
            f"ours/known={ratio:.3f} peer={peer:4d} ours/peer={res.edges / max(peer, 1):.3f} "
            f"t={res.elapsed:7.2f}s (peer {peer_s:.2f}s) steps={res.steps}")


def part_small(seed: int, limit: float) -> None:
    from search.graphs import extremal_graph_search, known_value

    hit = 0
    worst = 0.0
    for n in range(1, 33):
        t = time.perf_counter()
        peer = greedy_networkx(n, seed)
        peer_s = time.perf_counter() - t
        res = extremal_graph_search(n=n, seed=seed, time_limit=limit)
        kv = known_value(n).edges
        hit += res.edges == kv
        worst = max(worst, res.elapsed)
        print(_row(n, res, kv, peer, peer_s), flush=True)
    print(f"SMALL: optimum reached for {hit}/32 sizes (n <= 32), slowest {worst:.2f} s "
          f"(limit {limit:g} s each, one core)")


def part_mid(seed: int, limit: float, workers: int) -> None:
    from search.backends import get_backend
    from search.graphs import extremal_graph_search, known_value

    hit = 0
    with get_backend("process", workers=workers) as be:
        for n in range(40, 54):
            t = time.perf_counter()
            peer = greedy_networkx(n, seed)
            peer_s = time.perf_counter() - t
            res = extremal_graph_search(n=n, seed=seed, time_limit=limit, walkers=workers,
                                        backend=be)
            kv = known_value(n).edges
            hit += res.edges == kv
            print(_row(n, res, kv, peer, peer_s), flush=True)
    print(f"MID: optimum reached for {hit}/14 sizes (n = 40..53), {limit:g} s each, "
          f"{workers} walkers on the process pool")


def part_large(seed: int, total: float, workers: int) -> None:
    from search.graphs import curriculum_graph_search, known_value

    sizes = list(range(53, 65))
    per = total / len(sizes)
    t0 = time.perf_counter()

    def show(st):
        kv = known_value(st.size).edges
        print(f"n={st.size:3d} ours={st.edges:4d} best_known={kv:4d} gap={kv - st.edges:3d} "
              f"t={st.elapsed:6.1f}s (cumulative {time.perf_counter() - t0:6.1f}s)", flush=True)

    res = curriculum_graph_search(sizes, seed=seed, time_per_size=per, walkers=workers,
                                  backend="process" if workers > 1 else "serial",
                                  workers=workers, on_stage=show)
    gaps = {n: known_value(n).edges - st.edges for n, st in res.best.items() if n >= 54}
    print(f"LARGE: curriculum 53..64, {per:.0f} s per size, total "
          f"{time.perf_counter() - t0:.0f} s; max gap {max(gaps.values())}; "
          f"within 2 for {sum(g <= 2 for g in gaps.values())}/{len(gaps)} sizes")


def part_dask(seed: int, seconds: float) -> None:
    try:
        import distributed  # noqa: F401
    except ImportError:
        print("DASK: skipped (distributed not installed; pip install disco-engine[dask])")
        return
    from search.backends import get_backend
    from search.graphs import extremal_graph_search

    rates: dict[int, float] = {}
    cores: dict[int, float] = {}
    for w in (1, 2):
        with get_backend("dask", workers=w) as be:
            # warm both workers (numba cache load) outside the measurement
            extremal_graph_search(n=60, seed=seed, steps=4 * w, walkers=2 * w, backend=be,
                                  chunk_steps=2)
            cpu0 = be.client.run(time.process_time)
            res = extremal_graph_search(n=60, seed=seed, time_limit=seconds, walkers=2 * w,
                                        backend=be)
            cpu1 = be.client.run(time.process_time)
        cpu = sum(cpu1[k] - cpu0.get(k, 0.0) for k in cpu1)
        rates[w] = res.steps / res.elapsed
        cores[w] = cpu / res.elapsed
        print(f"dask workers={w}: {res.steps} tabu iterations in {res.elapsed:.1f} s = "
              f"{rates[w]:.0f} it/s; worker CPU {cpu:.1f} s = {cores[w]:.2f} cores busy, "
              f"{res.steps / max(cpu, 1e-9):.0f} it per CPU-second (best {res.edges} edges)",
              flush=True)
    print(f"DASK: 2 workers / 1 worker throughput = {rates[2] / rates[1]:.2f}x; CPU obtained "
          f"{cores[2] / cores[1]:.2f}x (cores: {os.cpu_count()}, load average "
          f"{os.getloadavg()[0]:.1f}); throughput per CPU obtained = "
          f"{(rates[2] / cores[2]) / (rates[1] / cores[1]):.2f}x of the 1-worker value")


def part_throughput(seeds: int, steps: int) -> None:
    import numpy as np

    from search.graphs import extremal_graph_search
    from search.graphs.spec import new_walker, walker_chunk, warm_up

    warm_up((3, 4))
    for n in (60, 80, 100):
        runner_s = kernel_s = 0.0
        for seed in range(1, seeds + 1):
            t = time.perf_counter()
            res = extremal_graph_search(n, seed=seed, steps=steps)
            runner_s += time.perf_counter() - t
            assert res.steps == steps
            st = new_walker(n, (3, 4), np.random.SeedSequence(int(seed)).spawn(1)[0])
            t = time.perf_counter()
            st, _ = walker_chunk(st, steps, target=0)
            kernel_s += time.perf_counter() - t
            assert st["done"] == steps and int(st["info"][2]) == res.edges  # the same walk
        total = seeds * steps
        print(f"n={n:3d}: runner {total / runner_s:8.0f} it/s, bare kernel {total / kernel_s:8.0f} "
              f"it/s, runner/kernel = {kernel_s / runner_s:.3f} ({seeds} seeds x {steps} it)",
              flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="bench_graphs", description=__doc__.splitlines()[0])
    ap.add_argument("--part", choices=["small", "mid", "large", "dask", "throughput", "all"],
                    default="small")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--time-small", type=float, default=10.0)
    ap.add_argument("--time-mid", type=float, default=120.0)
    ap.add_argument("--time-large", type=float, default=600.0)
    ap.add_argument("--time-dask", type=float, default=20.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seeds", type=int, default=3, help="seeds of the throughput part")
    ap.add_argument("--steps", type=int, default=60_000, help="iterations per throughput run")
    a = ap.parse_args(argv)
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if a.part in ("small", "all"):
        part_small(a.seed, a.time_small)
    if a.part in ("mid", "all"):
        part_mid(a.seed, a.time_mid, a.workers)
    if a.part in ("large", "all"):
        part_large(a.seed, a.time_large, a.workers)
    if a.part in ("dask", "all"):
        part_dask(a.seed, a.time_dask)
    if a.part in ("throughput", "all"):
        part_throughput(a.seeds, a.steps)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
