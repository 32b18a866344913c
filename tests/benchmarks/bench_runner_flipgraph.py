"""Overhead of the search runner on the flip-graph walk: bare kernel loop vs ``flip_search``.

Both sides do the same work in one process, with the same seed and the same flip budget:

- *bare*: the in-process strategy written out as a plain loop, two :class:`FlipWalker` taking
  turns in kernel calls of 500 000 flips (one with the fixed and one with the adaptive plus
  period), the copy-the-best move and Luby restarts; nothing else (no verification, no store,
  no checkpoint, no progress);
- *runner*: :func:`search.flipgraph.flip_search` with the same seed and ``max_flips``, serial
  backend, i.e. :func:`search.runner.run_search` with its chunks, exact verification of every
  improvement (Brent equations), result building; and again with a results store and a
  checkpoint every ``--checkpoint-every`` seconds (default 2 s, fifteen times more often than
  the CLI's default 30 s).

With the same seed and no time limit the two walks make exactly the same flips (the runner's
chunks are whole kernel calls), so the ratio of the flip rates is the runner's overhead. The
target rank is out of reach (the default case: ``<4,4,4>`` over F2 towards 47, the record, from
the standard algorithm), so every run spends its whole flip budget. Each variant runs
``--repeats`` times, interleaved (load on a shared machine hits all alike); the best run of
each gives flips per second in wall time and in CPU time of the process. Within every run the
time spent inside the kernel calls (:meth:`FlipWalker.run`) is measured too: ``in-run`` is the
share of the run spent outside them, the runner's own cost in that very run, which load
between runs cannot distort. The first call of each kind is a warm-up (numba cache load).

Usage: ``python tests/benchmarks/bench_runner_flipgraph.py [--flips 60000000] [--repeats 3]
[--format 4x4x4 --ring F2 --target 47]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time


def bare_walk(fmt: tuple[int, int, int], ring: str, target: int, seed: int, flips: int) -> tuple[int, int, float]:
    """The in-process walk of :func:`flip_search` as a plain loop; returns ``(flips, best rank,
    seconds)``."""
    import numpy as np

    from engine.schemes import Scheme
    from search.flipgraph.walk import FlipWalker, walk_config

    p = walk_config(ring)
    s = Scheme.standard(*fmt)
    seeds = [int(x) for x in np.random.SeedSequence(seed).generate_state(2, dtype=np.uint64)]
    walkers = [FlipWalker.start(s, ring, sd, rmax=s.rank + p["plus_limit"] + 4) for sd in seeds]
    for w in walkers:
        w.split = p["split"]
    adapt = [False, True]
    copy_rng = np.random.default_rng(seeds[0])
    best = s.rank
    done = 0
    t = time.perf_counter()
    while done < flips and best > target:
        for i, w in enumerate(walkers):
            f0 = w.flips
            w.run(min(p["chunk"], flips - done), target, p["plus_after"], p["plus_limit"], p["restart_after"],
                  adapt[i])
            done += max(1, w.flips - f0)
            if w.best_r < best:
                best = w.best_r
                for w2 in walkers:
                    if w2 is not w and w2.best_r > best and copy_rng.random() < p["copy_best"]:
                        w2.adopt(w)
            if best <= target or done >= flips:
                break
            w.maybe_restart(p["restart"], p["restart_base"])
    return done, best, time.perf_counter() - t


def runner_walk(fmt: tuple[int, int, int], ring: str, target: int, seed: int, flips: int,
                store: bool = False, checkpoint_every: float = 2.0) -> tuple[int, int, float]:
    """:func:`flip_search` on the runner (serial); returns ``(flips, best rank, seconds)``."""
    from search.flipgraph import flip_search

    kw: dict = {}
    with tempfile.TemporaryDirectory() as d:
        if store:
            kw = dict(store=os.path.join(d, "s.db"), checkpoint=os.path.join(d, "ck.json"),
                      checkpoint_every=checkpoint_every)
        t = time.perf_counter()
        res = flip_search(fmt, ring=ring, target_rank=target, seed=seed, max_flips=flips, backend="serial", **kw)
        dt = time.perf_counter() - t
    return res.flips, res.rank, dt


class _KernelClock:
    """Wall time spent inside :meth:`FlipWalker.run` (the kernel calls), while installed."""

    def __init__(self) -> None:
        from search.flipgraph.walk import FlipWalker

        self.cls = FlipWalker
        self.orig = FlipWalker.run
        self.seconds = 0.0
        clock = self

        def run(walker, *args, **kw):  # noqa: ANN001, ANN002, ANN003
            t = time.perf_counter()
            try:
                return clock.orig(walker, *args, **kw)
            finally:
                clock.seconds += time.perf_counter() - t

        self.cls.run = run

    def close(self) -> None:
        self.cls.run = self.orig


def _timed(fn, *args, **kw) -> dict:  # noqa: ANN001
    clock = _KernelClock()
    try:
        t, c = time.perf_counter(), time.process_time()
        flips, rank, _ = fn(*args, **kw)
        wall, cpu = time.perf_counter() - t, time.process_time() - c
    finally:
        clock.close()
    return {"flips": flips, "rank": rank, "wall": wall, "cpu": cpu, "kernel": clock.seconds}


def main(argv: list[str] | None = None) -> int:
    from engine.tensors import parse_format
    from search.benchmarking import load_average

    ap = argparse.ArgumentParser(prog="bench_runner_flipgraph", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--format", default="4x4x4")
    ap.add_argument("--ring", default="F2")
    ap.add_argument("--target", type=int, default=47)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--flips", type=int, default=60_000_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--checkpoint-every", type=float, default=2.0)
    args = ap.parse_args(argv)
    fmt = parse_format(args.format)
    case = (fmt, args.ring, args.target, args.seed)

    print(load_average())
    t = time.perf_counter()
    runner_walk(*case, 2_000_000)  # warm-up: numba cache load, imports
    print(f"cold first call (imports, numba cache load, 2 M flips): {time.perf_counter() - t:.2f} s")
    bare_walk(*case, 2_000_000)
    variants = {
        "bare": (bare_walk, {}),
        "runner": (runner_walk, {}),
        "runner+store+checkpoint": (runner_walk, {"store": True, "checkpoint_every": args.checkpoint_every}),
    }
    rows: dict[str, list[dict]] = {name: [] for name in variants}
    for _ in range(args.repeats):
        for name, (fn, kw) in variants.items():
            rows[name].append(_timed(fn, *case, args.flips, **kw))
    print(f"\n<{fmt[0]},{fmt[1]},{fmt[2]}> over {args.ring} -> {args.target}, seed {args.seed}, "
          f"{args.flips} flips per run, best of {args.repeats} interleaved runs, one process")
    print(f"{'':<26} {'wall M/s':>9} {'ratio':>6} {'cpu M/s':>9} {'ratio':>6} {'in-run':>7} {'rank':>5}")
    base_w = max(r["flips"] / r["wall"] for r in rows["bare"])
    base_c = max(r["flips"] / r["cpu"] for r in rows["bare"])
    for name, runs in rows.items():
        w = max(r["flips"] / r["wall"] for r in runs)
        c = max(r["flips"] / r["cpu"] for r in runs)
        inrun = statistics.median(1 - r["kernel"] / r["wall"] for r in runs)
        ranks = "/".join(str(x) for x in sorted({r["rank"] for r in runs}))
        flips = {r["flips"] for r in runs}
        note = "" if len(flips) == 1 else f"  (flips differ: {sorted(flips)})"
        print(f"{name:<26} {w / 1e6:>9.2f} {w / base_w:>6.3f} {c / 1e6:>9.2f} {c / base_c:>6.3f} "
              f"{100 * inrun:>6.2f}% {ranks:>5}{note}")
    same = {(r["flips"], r["rank"]) for r in rows["bare"]} == {(r["flips"], r["rank"]) for r in rows["runner"]}
    print(f"same flips and ranks, bare vs runner: {same}")
    print(load_average())
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
