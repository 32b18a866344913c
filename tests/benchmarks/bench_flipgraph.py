"""Benchmark of the flip-graph search against the C++ ternary flip-graph framework's figures.

The peer (the open-source C++ ternary flip-graph framework, arXiv:2511.20317) cannot be
fetched or built here (no network beyond package registries), so its *published* figures
from the issue are used for the ratios: ~9 M flips per CPU-second on 3x3x3 ternary, ~5 M on
4x4x4; 3x3x3 -> 23 (ZT) median 0.6 CPU-s; 4x4x4 -> 49 over F2 in 12-74 CPU-s.

Measured here, on one core, CPU time (``time.process_time``; the machine may be shared, so
wall time overstates our cost; the load average is printed with the figures):

1. flips per CPU-second of the numba kernel on 3x3x3 ZT, 4x4x4 ZT and 4x4x4 F2 (after
   warm-up, from the standard algorithm, plus transitions on);
2. a times-to-target table: CPU seconds of :func:`search.flipgraph.flip_search` (default
   strategy: two walkers round-robin in this process, one with the fixed and one with the
   adaptive plus period) to reach the target rank from the standard algorithm, median over ``--seeds``
   seeds, for 2x2x2 -> 7 and 3x3x3 -> 23 (ZT); with ``--full`` also 2x2x3 -> 11, 2x3x3 -> 15,
   2x2x4 -> 14, 2x3x4 -> 20, 2x4x4 -> 26, 3x3x4 -> 29, 3x4x4 -> 38 (ZT, limit 120 s each),
   3x4x4 -> 38 over F2 and the same lifted to Z and made ternary (seeds 1..N, limit 240 s) and
   4x4x4 -> 49 over F2 (limit ``--f2-limit`` seconds, then lifted to Z), and 4x4x4 -> 49 over
   F2 and ZT by the meta search (Kronecker/format moves, then flips).

Each run's limit is wall-clock (``flip_search(time_limit=...)``), so on a loaded machine a run
gets fewer CPU seconds than its limit; the table reports CPU seconds and the rank reached.

Usage: ``python tests/benchmarks/bench_flipgraph.py [--full] [--seeds 5] [--only 2x4x4,3x3x4]`` or
``disco bench flipgraph [--full]``.
"""

from __future__ import annotations

import argparse
import statistics
import time

PEER = {
    "flips_333": 9.0e6,
    "flips_444": 5.0e6,
    "t_333_23": 0.6,
    "t_444_49_f2": (12.0, 74.0),
}

#: (format, ring, target, CPU-second goal of the issue)
CASES = [
    ((2, 2, 2), "ZT", 7, 1.0),
    ((3, 3, 3), "ZT", 23, 5.0),
]
FULL_CASES = [
    ((2, 2, 3), "ZT", 11, 120.0),
    ((2, 3, 3), "ZT", 15, 120.0),
    ((2, 2, 4), "ZT", 14, 120.0),
    ((2, 3, 4), "ZT", 20, 120.0),
    ((2, 4, 4), "ZT", 26, 120.0),
    ((3, 3, 4), "ZT", 29, 120.0),
    ((3, 4, 4), "ZT", 38, 120.0),
    ((3, 4, 4), "F2", 38, 120.0),
]


def _flips_per_second(fmt: tuple[int, int, int], ring: str, flips: int) -> tuple[float, int]:
    import numpy as np

    from engine.schemes import Scheme
    from search.flipgraph import _kernels as K
    from search.flipgraph.walk import FlipWalker

    s = Scheme.standard(*fmt)
    w = FlipWalker.start(s, ring, 12345, rmax=s.rank + 4)
    best = np.array([w.best_r], dtype=np.int64)
    K.walk(w.P, w.N, w.r, w.mode, 1000, 0, 0, s.rank, w.rng, w.bestP, w.bestN, best, 0, 0)  # warm-up/compile
    t = time.process_time()
    r, done, _ = K.walk(w.P, w.N, w.r, w.mode, flips, 0, 100_000, w.best_r + 4, w.rng, w.bestP, w.bestN, best, 0, 0)
    dt = time.process_time() - t
    return done / dt, int(best[0])


def _time_to_target(fmt, ring, target, seeds, limit, **kw):
    from search.flipgraph import flip_search

    times, ranks, reached = [], [], 0
    for seed in range(seeds):
        t = time.process_time()
        res = flip_search(fmt, ring=ring, target_rank=target, seed=seed, time_limit=limit, **kw)
        times.append(time.process_time() - t)
        ranks.append(res.rank)
        reached += res.reached
    return statistics.median(times), reached, times, ranks


def main(argv: list[str] | None = None) -> int:
    from search.benchmarking import load_average

    ap = argparse.ArgumentParser(prog="bench_flipgraph", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--full", action="store_true", help="all formats of the issue and 4x4x4 over F2")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--flips", type=int, default=5_000_000)
    ap.add_argument("--limit", type=float, default=None, help="time limit per run (default: 120 s, 10 s for 2x2x2)")
    ap.add_argument("--f2-limit", type=float, default=600.0)
    ap.add_argument("--only", default=None, help="comma-separated formats of the table to run, e.g. 2x4x4,3x4x4")
    ap.add_argument("--no-meta", action="store_true", help="with --full, skip the 4x4x4 lines (F2 walk and meta search)")
    ap.add_argument("--no-fps", action="store_true", help="skip the flips-per-second lines")
    ap.add_argument("--restart", default=None, help="flip_search restart policy (none/fixed/geometric/luby)")
    ap.add_argument("--restart-base", type=int, default=None, help="flip_search restart_base (flips)")
    args = ap.parse_args(argv)
    kw = {}
    if args.restart is not None:
        kw["restart"] = args.restart
    if args.restart_base is not None:
        kw["restart_base"] = args.restart_base

    print("peer: C++ ternary flip-graph framework (cannot be fetched here: its published figures are used)")
    print(load_average())
    if not args.no_fps:
        print("\nflips per CPU-second (one core, from the standard algorithm, plus transitions on)")
        print(f"{'case':<12} {'ours':>10} {'peer':>8} {'ours/peer':>10}")
    for fmt, ring, peer in () if args.no_fps else (((3, 3, 3), "ZT", PEER["flips_333"]), ((4, 4, 4), "ZT", PEER["flips_444"]),
                                                   ((4, 4, 4), "F2", None)):
        fps, _ = _flips_per_second(fmt, ring, args.flips)
        name = f"{fmt[0]}x{fmt[1]}x{fmt[2]} {ring}"
        if peer:
            print(f"{name:<12} {fps / 1e6:>8.2f} M {peer / 1e6:>6.1f} M {fps / peer:>10.2f}")
        else:
            print(f"{name:<12} {fps / 1e6:>8.2f} M {'-':>8} {'-':>10}")

    _time_to_target((2, 2, 2), "ZT", 7, 1, 10)  # warm-up (numba cache load)
    cases = CASES + (FULL_CASES if args.full else [])
    if args.only:
        wanted = {tuple(int(x) for x in f.split("x")) for f in args.only.split(",")}
        cases = [c for c in CASES + FULL_CASES if c[0] in wanted]
    print(f"\ntimes to target from the standard algorithm (flip_search default strategy {kw or ''}, one core, "
          f"median over {args.seeds} seeds, CPU seconds)")
    print(f"{'case':<18} {'median':>8} {'goal':>6} {'reached':>8}  per seed (rank reached)")
    for fmt, ring, target, goal in cases:
        limit = args.limit or (10.0 if fmt == (2, 2, 2) else 120.0)
        med, ok, times, ranks = _time_to_target(fmt, ring, target, args.seeds, limit, **kw)
        extra = ""
        if fmt == (3, 3, 3):
            extra = f"   peer median {PEER['t_333_23']} CPU-s -> ours/peer {med / PEER['t_333_23']:.2f}"
        name = f"{fmt[0]}x{fmt[1]}x{fmt[2]} -> {target} {ring}"
        per = ", ".join(f"{t:.2f} ({r})" for t, r in zip(times, ranks, strict=True))
        print(f"{name:<18} {med:>8.2f} {goal:>6.0f} {ok:>5}/{args.seeds}  {per}{extra}", flush=True)
    if args.full or (args.only and "3x4x4" in args.only):
        from engine.schemes import Scheme
        from search.flipgraph.bilinear import bilinear_search

        times, ok, rows = [], 0, []
        for seed in range(1, args.seeds + 1):
            t = time.process_time()
            res = bilinear_search(Scheme.standard(3, 4, 4), field="F2", target_rank=38, lift_to="ZT", seed=seed,
                                  time_limit=args.limit or 240.0)
            dt = time.process_time() - t
            times.append(dt if res.reached else float("inf"))
            ok += res.reached
            L = res.lifted
            rows.append(f"{dt:.1f}" + (f" ({res.lift_ring})" if L is not None else " (no lift)"))
        print(f"{'3x4x4 -> 38 F2->ZT':<18} {statistics.median(times):>8.2f} {120:>6.0f} {ok:>5}/{args.seeds}  "
              f"{', '.join(rows)}   (F2 search, Hensel lift to Z, sandwich to ternary: "
              "disco mm search 3x4x4 --ring F2 --lift ZT)")
    if args.full and not args.no_meta:
        from search.flipgraph import flip_search
        from solvers.lifting import lift_scheme

        t = time.process_time()
        res = flip_search((4, 4, 4), ring="F2", target_rank=49, seed=0, time_limit=args.f2_limit, **kw)
        dt = time.process_time() - t
        lo, hi = PEER["t_444_49_f2"]
        print(f"\n4x4x4 -> 49 (F2, one core, seed 0): rank {res.rank} in {dt:.1f} CPU-s ({res.flips} flips); "
              f"peer {lo}-{hi} CPU-s -> ours/peer {dt / hi:.2f}-{dt / lo:.2f}")
        if res.reached:
            lifted = lift_scheme(res.scheme, to="Z")
            print(f"  lifted to Z: {lifted.lifted} ({lifted.ring or lifted.reason})")
        from search.flipgraph.meta import meta_search

        for ring in ("F2", "ZT"):
            t = time.process_time()
            meta = meta_search((4, 4, 4), ring=ring, target_rank=49, seed=0, time_limit=300)
            dt = time.process_time() - t
            print(f"4x4x4 -> 49 ({ring}, meta search with format moves): rank {meta.rank} in {dt:.1f} CPU-s, "
                  f"route {' / '.join(meta.route)}")
    print(load_average())
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
