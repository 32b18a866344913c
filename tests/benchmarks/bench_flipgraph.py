"""Benchmark of the flip-graph search against the C++ ternary flip-graph framework, side by side.

The peer (the open-source C++ ternary flip-graph framework, arXiv:2511.20317, MIT licence) is
kept as a source archive in ``/work/shared/peers``; when a C++ compiler is present it is built
once into a cache folder outside the repository (:func:`search.benchmarking.build_peer`) and run
in the same benchmark run as our code, on the same seeds, one runner on one thread. Without a
compiler (or the archive) the script says so and uses the peer's *published* figures instead
(~9 M flips per CPU-second on 3x3x3 ternary, ~5 M on 4x4x4; 3x3x3 -> 23 (ZT) median 0.6 CPU-s;
4x4x4 -> 49 over F2 in 12-74 CPU-s).

What counts as a flip: the peer's walk loop counts an iteration only when ``tryFlip`` applied a
flip (its ``tryFlip`` keeps drawing pairs until one is valid); our kernel counts only applied
flips too (a drawn flip refused by ternary safety is not counted). Both therefore count
*applied flips*; reductions and plus transitions are extra work inside both counts.

Measured (CPU time: ``time.process_time`` for ours, ``getrusage`` of the child for the peer;
the machine may be shared, the load average is printed):

1. flips per CPU-second, one core, from the standard algorithm with plus transitions
   (ours: the numba kernel after warm-up, plus period <= 1e5, rank margin 4; the peer: its
   defaults, plus period 5K-100K, plus-diff 4) for 3x3x3 and 4x4x4 over ZT and F2. The peer
   reports every 1e5 flips and is killed after ``--fps-time`` seconds, so its CPU time holds
   up to one unreported batch (its rate is understated by at most ~3 %);
2. time to rank 23 for 3x3x3 (ZT and F2) from the standard algorithm, seeds 1..``--seeds``
   (ours: :func:`search.flipgraph.flip_search`, default strategy; the peer: ``flip_graph
   --count 1 --threads 1 --target-rank 23``), medians and ours/peer;
3. 4x4x4 -> 49 over ZT and F2 with both capped at ``--cap`` wall seconds (seed 1): the rank
   each reached at equal time;
   The last column compares flips per CPU-second of the whole searches (ours with its Python
   driver, restarts and exact verification of what it reports);
4. with ``--full``, the old table of times to target for the other small formats, 3x4x4 over F2
   lifted to ternary, 4x4x4 over F2 for ``--f2-limit`` seconds and the meta search.

Usage: ``python tests/benchmarks/bench_flipgraph.py [--seeds 3] [--cap 20] [--full]`` or
``disco bench flipgraph [...]``; ``--device gpu [--walkers 16384 ...]`` first measures the GPU walks
against one CPU core instead (:func:`search.flipgraph.gpu.bench_gpu`, also
``examples/gpu_flipgraph_benchmark.py``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

PEER = {
    "flips_333": 9.0e6,
    "flips_444": 5.0e6,
    "t_333_23": 0.6,
    "t_444_49_f2": (12.0, 74.0),
}

#: (format, ring, target, CPU-second goal of the issue), with --full or --only
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
FPS_CASES = [((3, 3, 3), "ZT"), ((3, 3, 3), "F2"), ((4, 4, 4), "ZT"), ((4, 4, 4), "F2")]


def _flips_per_second(fmt: tuple[int, int, int], ring: str, flips: int, seed: int = 1) -> tuple[float, int]:
    """Applied flips per CPU-second of our kernel from the standard algorithm (after warm-up)."""
    import numpy as np

    from engine.schemes import Scheme
    from search.flipgraph import _kernels as K
    from search.flipgraph.walk import FlipWalker

    s = Scheme.standard(*fmt)
    w = FlipWalker.start(s, ring, 1000 + seed, rmax=s.rank + 4)
    best = np.array([w.best_r], dtype=np.int64)
    K.walk(w.P.copy(), w.N.copy(), w.r, w.mode, 1000, 0, 0, s.rank, w.rng.copy(), w.bestP.copy(), w.bestN.copy(),
           best.copy(), 0, 0)  # warm-up/compile
    t = time.process_time()
    r, done, _ = K.walk(w.P, w.N, w.r, w.mode, flips, 0, 100_000, w.best_r + 4, w.rng, w.bestP, w.bestN, best, 0, 0)
    dt = time.process_time() - t
    return done / dt, int(best[0])


def _time_to_target(fmt, ring, target, seeds, limit, **kw):
    from search.flipgraph import flip_search

    times, ranks, reached, flips = [], [], 0, []
    for seed in seeds:
        t = time.process_time()
        res = flip_search(fmt, ring=ring, target_rank=target, seed=seed, time_limit=limit, **kw)
        times.append(time.process_time() - t)
        ranks.append(res.rank)
        flips.append(res.flips)
        reached += res.reached
    return statistics.median(times), reached, times, ranks, flips


def _peer_binary(say):
    from search.benchmarking import FLIP_GRAPH_PEER, build_peer, find_cxx

    if not FLIP_GRAPH_PEER.is_file():
        say(f"peer archive {FLIP_GRAPH_PEER} not found: the peer's published figures are used")
        return None
    if find_cxx() is None:
        say("no C++ compiler here: the peer cannot be built, its published figures are used")
        return None
    binary = build_peer(FLIP_GRAPH_PEER, "flip_graph", log=say)
    if binary is None:
        say("the peer could not be built: its published figures are used")
    return binary


def _name(fmt, ring=""):
    return f"{fmt[0]}x{fmt[1]}x{fmt[2]}" + (f" {ring}" if ring else "")


def _side_by_side(args, kw, binary) -> None:
    from search.benchmarking import load_average, run_flip_graph_peer

    seeds = list(range(1, args.seeds + 1))
    if not args.no_fps:
        print("\nflips per CPU-second (one core, one thread, from the standard algorithm, plus transitions on; "
              "both count applied flips)")
        print(f"{'case':<10} {'ours':>10} {'peer':>10} {'ours/peer':>10}   (peer: {'measured now' if binary else 'published'})")
        for fmt, ring in FPS_CASES:
            fps, _ = _flips_per_second(fmt, ring, args.flips)
            if binary is not None:
                run = run_flip_graph_peer(binary, fmt, ring, seed=1, time_limit=args.fps_time,
                                          flip_iterations=100_000)
                peer = run.flips_per_cpu_s
            else:
                peer = PEER["flips_333"] if fmt == (3, 3, 3) and ring == "ZT" else (
                    PEER["flips_444"] if fmt == (4, 4, 4) and ring == "ZT" else 0.0)
            ratio = f"{fps / peer:>10.2f}" if peer else f"{'-':>10}"
            ptxt = f"{peer / 1e6:>8.2f} M" if peer else f"{'-':>10}"
            print(f"{_name(fmt, ring):<10} {fps / 1e6:>8.2f} M {ptxt} {ratio}", flush=True)

    _time_to_target((2, 2, 2), "ZT", 7, [1], 10)  # warm-up (numba cache load)
    print(f"\ntime to rank 23 for 3x3x3 from the standard algorithm, seeds {seeds[0]}..{seeds[-1]}, CPU seconds "
          f"(ours: flip_search default strategy{' ' + str(kw) if kw else ''}; peer: one runner, one thread)")
    print(f"{'case':<16} {'ours med':>9} {'peer med':>9} {'ours/peer':>10}  per seed ours (rank) | peer (rank)")
    for ring in ("ZT", "F2"):
        med, ok, times, ranks, _fl = _time_to_target((3, 3, 3), ring, 23, seeds, args.limit or 60.0, **kw)
        ours = ", ".join(f"{t:.2f} ({r})" for t, r in zip(times, ranks, strict=True))
        if binary is not None:
            runs = [run_flip_graph_peer(binary, (3, 3, 3), ring, seed=sd, target_rank=23, time_limit=args.limit or 60.0,
                                        flip_iterations=50_000) for sd in seeds]
            pmed = statistics.median(r.cpu_s for r in runs)
            peer = ", ".join(f"{r.cpu_s:.2f} ({r.best_rank})" for r in runs)
            pok = sum(r.reached for r in runs)
        else:
            pmed, peer, pok = (PEER["t_333_23"], "published median", len(seeds)) if ring == "ZT" else (0.0, "-", 0)
        ratio = f"{med / pmed:>10.2f}" if pmed else f"{'-':>10}"
        print(f"{'3x3x3 -> 23 ' + ring:<16} {med:>9.2f} {pmed:>9.2f} {ratio}  {ours} [{ok}/{len(seeds)}] | "
              f"{peer} [{pok}/{len(seeds)}]", flush=True)

    from search.flipgraph import flip_search

    print(f"\n4x4x4 -> 49 with both capped at {args.cap:.0f} wall seconds (seed 1): rank reached at equal time")
    print(f"{'case':<10} {'ours rank':>10} {'ours CPU-s':>11} {'ours flips':>11} {'peer rank':>10} {'peer CPU-s':>11} "
          f"{'peer flips':>11}  flips/CPU-s ours/peer")
    for ring in ("ZT", "F2"):
        t = time.process_time()
        res = flip_search((4, 4, 4), ring=ring, target_rank=49, seed=1, time_limit=args.cap, **kw)
        dt = time.process_time() - t
        if binary is not None:
            run = run_flip_graph_peer(binary, (4, 4, 4), ring, seed=1, target_rank=49, time_limit=args.cap,
                                      flip_iterations=200_000)
            ptxt = f"{run.best_rank:>10} {run.cpu_s:>11.1f} {run.flips / 1e6:>9.1f} M"
            if run.flips_per_cpu_s > 0 and dt > 0:
                ptxt += f"  {res.flips / dt / 1e6:.2f} M / {run.flips_per_cpu_s / 1e6:.2f} M = " \
                        f"{res.flips / dt / run.flips_per_cpu_s:.2f}"
        else:
            ptxt = f"{'-':>10} {'-':>11} {'-':>11}" + (f"   (published: 49 in {PEER['t_444_49_f2'][0]}-"
                                                      f"{PEER['t_444_49_f2'][1]} CPU-s)" if ring == "F2" else "")
        print(f"{_name((4, 4, 4), ring):<10} {res.rank:>10} {dt:>11.1f} {res.flips / 1e6:>9.1f} M {ptxt}", flush=True)
    print(load_average())


def main(argv: list[str] | None = None) -> int:
    from search.benchmarking import load_average

    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:2] == ["--device", "gpu"]:  # the GPU walks against one core (search.flipgraph.gpu.bench_gpu)
        from search.flipgraph.gpu import bench_gpu

        bench_gpu(argv[2:])
        return 0
    ap = argparse.ArgumentParser(prog="bench_flipgraph", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--full", action="store_true", help="also the old table of small formats, 3x4x4 and 4x4x4 over F2")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--flips", type=int, default=5_000_000, help="flips of our kernel per flips-per-second case")
    ap.add_argument("--fps-time", type=float, default=3.0, help="wall seconds of the peer per flips-per-second case")
    ap.add_argument("--cap", type=float, default=20.0, help="wall seconds of each 4x4x4 -> 49 run (both programs)")
    ap.add_argument("--limit", type=float, default=None, help="time limit per run (default: 60 s side by side, "
                    "120 s in the --full table, 10 s for 2x2x2)")
    ap.add_argument("--f2-limit", type=float, default=600.0)
    ap.add_argument("--only", default=None, help="comma-separated formats of the old table to run, e.g. 2x4x4,3x4x4 "
                    "(skips the side-by-side part)")
    ap.add_argument("--no-meta", action="store_true", help="with --full, skip the 4x4x4 lines (F2 walk and meta search)")
    ap.add_argument("--no-fps", action="store_true", help="skip the flips-per-second lines")
    ap.add_argument("--no-peer", action="store_true", help="do not build or run the peer (published figures)")
    ap.add_argument("--restart", default=None, help="flip_search restart policy (none/fixed/geometric/luby)")
    ap.add_argument("--restart-base", type=int, default=None, help="flip_search restart_base (flips)")
    args = ap.parse_args(argv)
    if args.seeds < 1:
        ap.error(f"--seeds={args.seeds} must be >= 1")
    kw = {}
    if args.restart is not None:
        kw["restart"] = args.restart
    if args.restart_base is not None:
        kw["restart_base"] = args.restart_base

    print(load_average())
    if not args.only:
        binary = None if args.no_peer else _peer_binary(lambda m: print("peer: " + m, flush=True))
        if binary is not None:
            print(f"peer: C++ ternary flip-graph framework, built here ({binary}), run in this process run")
        elif args.no_peer:
            print("peer: not run (--no-peer): its published figures are used")
        _side_by_side(args, kw, binary)
        if not args.full:
            return 0

    _time_to_target((2, 2, 2), "ZT", 7, [1], 10)  # warm-up (numba cache load)
    cases = FULL_CASES
    if args.only:
        wanted = {tuple(int(x) for x in f.split("x")) for f in args.only.split(",")}
        cases = [c for c in CASES + FULL_CASES if c[0] in wanted]
    print(f"\ntimes to target from the standard algorithm (flip_search default strategy {kw or ''}, one core, "
          f"median over {args.seeds} seeds, CPU seconds)")
    print(f"{'case':<18} {'median':>8} {'goal':>6} {'reached':>8}  per seed (rank reached)")
    for fmt, ring, target, goal in cases:
        limit = args.limit or (10.0 if fmt == (2, 2, 2) else 120.0)
        med, ok, times, ranks, _fl = _time_to_target(fmt, ring, target, range(args.seeds), limit, **kw)
        name = f"{fmt[0]}x{fmt[1]}x{fmt[2]} -> {target} {ring}"
        per = ", ".join(f"{t:.2f} ({r})" for t, r in zip(times, ranks, strict=True))
        print(f"{name:<18} {med:>8.2f} {goal:>6.0f} {ok:>5}/{args.seeds}  {per}", flush=True)
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
