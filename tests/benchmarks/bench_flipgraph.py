"""Benchmark of the flip-graph search against the C++ ternary flip-graph framework's figures.

The peer (the open-source C++ ternary flip-graph framework, arXiv:2603.02398) cannot be
fetched or built here (no network beyond package registries), so its *published* figures
from the issue are used for the ratios: ~9 M flips per CPU-second on 3x3x3 ternary, ~5 M on
4x4x4; 3x3x3 -> 23 (ZT) median 0.6 CPU-s; 4x4x4 -> 49 over F2 in 12-74 CPU-s.

Measured here, on one core, CPU time (``time.process_time``; the machine is shared, so wall
time overstates our cost):

1. flips/s of the numba kernel on 3x3x3 ZT and 4x4x4 ZT (after warm-up, from the standard
   algorithm, plus transitions on);
2. CPU seconds to reach the target rank from the standard algorithm, median over 5 seeds,
   for 2x2x2 -> 7 and 3x3x3 -> 23 (ZT); with ``--full`` also 2x2x3 -> 11, 2x3x3 -> 15,
   2x2x4 -> 14, 2x3x4 -> 20, 2x4x4 -> 26, 3x3x4 -> 29, 3x4x4 -> 38 (ZT, limit 120 s each) and
   4x4x4 -> 49 over F2 (limit ``--f2-limit`` seconds) followed by lifting to Z, and
   4x4x4 -> 49 over F2 and ZT by the meta search (Kronecker/format moves, then flips).

Usage: ``python tests/benchmarks/bench_flipgraph.py [--full] [--seeds 5]`` or
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


def _flips_per_second(fmt: tuple[int, int, int], ring: str, flips: int) -> tuple[float, int]:
    import numpy as np

    from engine.schemes import Scheme
    from search.flipgraph import _kernels as K
    from search.flipgraph.walk import FlipWalker

    s = Scheme.standard(*fmt)
    w = FlipWalker.start(s, ring, 12345, rmax=s.rank + 4)
    best = np.array([w.best_r], dtype=np.int64)
    K.walk(w.P, w.N, w.r, w.mode, 1000, 0, 0, s.rank, w.rng, w.bestP, w.bestN, best)  # warm-up/compile
    t = time.process_time()
    r, done, _ = K.walk(w.P, w.N, w.r, w.mode, flips, 0, 2000, w.best_r + 2, w.rng, w.bestP, w.bestN, best)
    dt = time.process_time() - t
    return done / dt, int(best[0])


def _time_to_target(fmt, ring, target, seeds, limit):
    from search.flipgraph import flip_search

    times, reached = [], 0
    for seed in range(seeds):
        t = time.process_time()
        res = flip_search(fmt, ring=ring, target_rank=target, seed=seed, time_limit=limit)
        times.append(time.process_time() - t)
        reached += res.reached
    return statistics.median(times), reached, times


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="bench_flipgraph", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--full", action="store_true", help="all formats of the issue and 4x4x4 over F2")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--flips", type=int, default=3_000_000)
    ap.add_argument("--f2-limit", type=float, default=600.0)
    args = ap.parse_args(argv)

    print("peer: C++ ternary flip-graph framework (not installable here: published figures used)")
    fps, r = _flips_per_second((3, 3, 3), "ZT", args.flips)
    print(f"flips/s 3x3x3 ZT: {fps / 1e6:.2f} M/CPU-s (reached rank {r}); peer ~9 M -> ratio ours/peer {fps / PEER['flips_333']:.2f}")
    fps4, r4 = _flips_per_second((4, 4, 4), "ZT", args.flips)
    print(f"flips/s 4x4x4 ZT: {fps4 / 1e6:.2f} M/CPU-s (reached rank {r4}); peer ~5 M -> ratio ours/peer {fps4 / PEER['flips_444']:.2f}")

    _time_to_target((2, 2, 2), "ZT", 7, 1, 10)  # warm-up (numba cache load)
    cases = [((2, 2, 2), 7, 10.0), ((3, 3, 3), 23, 60.0)]
    if args.full:
        cases += [((2, 2, 3), 11, 120.0), ((2, 3, 3), 15, 120.0), ((2, 2, 4), 14, 120.0), ((2, 3, 4), 20, 120.0),
                  ((2, 4, 4), 26, 120.0), ((3, 3, 4), 29, 120.0), ((3, 4, 4), 38, 120.0)]
    for fmt, target, limit in cases:
        med, ok, times = _time_to_target(fmt, "ZT", target, args.seeds, limit)
        extra = ""
        if fmt == (3, 3, 3):
            extra = f"; peer median {PEER['t_333_23']} CPU-s -> ratio ours/peer {med / PEER['t_333_23']:.2f}"
        print(f"{fmt[0]}x{fmt[1]}x{fmt[2]} -> {target} (ZT): median {med:.2f} CPU-s over {args.seeds} seeds, "
              f"reached {ok}/{args.seeds} (times {', '.join(f'{t:.2f}' for t in times)}){extra}")
    if args.full:
        from search.flipgraph import flip_search
        from solvers.lifting import lift_scheme

        t = time.process_time()
        res = flip_search((4, 4, 4), ring="F2", target_rank=49, seed=0, time_limit=args.f2_limit)
        dt = time.process_time() - t
        lo, hi = PEER["t_444_49_f2"]
        print(f"4x4x4 -> 49 (F2, 1 walker): rank {res.rank} in {dt:.1f} CPU-s ({res.flips} flips); "
              f"peer {lo}-{hi} CPU-s -> ratio ours/peer {dt / hi:.2f}-{dt / lo:.2f}")
        if res.reached:
            lifted = lift_scheme(res.scheme, to="Z")
            print(f"  lifted to Z: {lifted.lifted} ({lifted.ring or lifted.reason})")
        from search.flipgraph.moves import meta_search

        for ring in ("F2", "ZT"):
            t = time.process_time()
            meta = meta_search((4, 4, 4), ring=ring, target_rank=49, seed=0, time_limit=300)
            dt = time.process_time() - t
            print(f"4x4x4 -> 49 ({ring}, meta search with format moves): rank {meta.rank} in {dt:.1f} CPU-s, "
                  f"route {' / '.join(meta.route)}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
