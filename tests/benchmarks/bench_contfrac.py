"""Benchmark of engine.contfrac / search.pcf against ramanujantools (issue 4 speed list).

Runs, in one process:

1. Apery's PCF ``34n^3+51n^2+27n+5 ; -n^6`` to depth 10,000: our exact product tree
   (``PCF(...).convergent(10000)`` plus the conversion of ``p/q`` to a 50-digit mpf, on a fresh
   object each time, so nothing is cached) against ramanujantools' ``PCF(...).limit(10000)``
   (followed by ``as_float()``). Target: ours >= 10x faster (issue #16). Best of ``--repeat`` runs.
2. The enumeration box ``a = c0 + c1 n``, ``b = d0 + d1 n + d2 n^2``, coefficients in [-3, 3]
   (16,807 fractions) against {e, pi, zeta(3), log 2, Catalan} with ``--workers`` (default 2),
   including the high-precision verification of every hit. Target: < 5 s wall. ramanujantools
   has no search API; its naive loop (``limit(depth)`` + ``Limit.identify(K)`` per fraction and
   constant) is timed on ``--sample`` fractions and extrapolated to the whole box (printed as
   an estimate).

Usage: ``python tests/benchmarks/bench_contfrac.py [--repeat R] [--workers W] [--sample S]``
or ``disco bench contfrac``.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time

from search.benchmarking import best_cpu_time, best_wall_time, load_average


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="bench_contfrac", description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--depth", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--sample", type=int, default=40, help="fractions for the peer's naive loop")
    ap.add_argument("--skip-box", action="store_true")
    args = ap.parse_args(argv)

    import mpmath

    from engine.contfrac import PCF

    print(f"# bench_contfrac ({load_average()})")
    A, B = "34n^3+51n^2+27n+5", "-n^6"

    def ours() -> None:
        f = PCF(A, B)
        p, q = f.convergent(args.depth)
        with mpmath.workdps(50):
            mpmath.mpf(p) / q

    ours()
    t_ours = best_wall_time(ours, args.repeat)
    c_ours = best_cpu_time(ours, args.repeat)
    print(f"apery depth {args.depth}: ours {t_ours * 1e3:.1f} ms wall, {c_ours * 1e3:.1f} ms CPU")
    try:
        import sympy
        from ramanujantools.pcf import PCF as RPCF
    except ImportError:
        print("ramanujantools is not installed (pip install ramanujantools): peer skipped")
        RPCF = None
    if RPCF is not None:
        n = sympy.Symbol("n")

        def theirs() -> None:
            lim = RPCF(34 * n**3 + 51 * n**2 + 27 * n + 5, -(n**6)).limit(args.depth)
            lim.as_float()

        theirs()
        t_theirs = best_wall_time(theirs, args.repeat)
        c_theirs = best_cpu_time(theirs, args.repeat)
        print(f"apery depth {args.depth}: ramanujantools {t_theirs * 1e3:.1f} ms wall, "
              f"{c_theirs * 1e3:.1f} ms CPU")
        print(f"RATIO apery_depth_{args.depth} ramanujantools/ours = {t_theirs / t_ours:.1f}x wall, "
              f"{c_theirs / c_ours:.1f}x CPU (target >= 10x)")

    if args.skip_box:
        return 0
    from search.pcf.enumerate import _warm_kernels, search_pcfs

    _warm_kernels()  # numba compilation/caching is not part of the search time
    consts = ["e", "pi", "zeta(3)", "log(2)", "catalan"]
    import resource

    def _cpu() -> float:
        s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime

    c0 = _cpu()
    t = time.perf_counter()
    res = search_pcfs(1, 2, 3, consts, workers=args.workers)
    t_box = time.perf_counter() - t
    cpu = _cpu() - c0
    print(f"box [-3,3] deg(1,2), {res.n_candidates} fractions, {len(consts)} constants, "
          f"{args.workers} workers: {t_box:.2f} s wall ({cpu:.2f} s CPU over all processes), "
          f"{len(res.hits)} verified hits "
          f"({res.n_converged} converged, {res.n_slow_resolved}/{res.n_slow} slow resolved, "
          f"{res.n_divergent} divergent) (target < 5 s)")
    from collections import Counter

    kinds = Counter(u["kind"] for u in res.unresolved)
    print(f"slow but unresolved: {len(res.unresolved)} {dict(kinds)}; rejected as divergent by "
          f"the float stage: {res.divergent_by_reason}")
    if RPCF is not None:
        import random

        n = sympy.Symbol("n")
        rng = range(-3, 4)
        box = list(itertools.product(rng, repeat=5))
        sample = random.Random(0).sample(box, args.sample)
        Ks = [mpmath.e, mpmath.pi, mpmath.zeta(3), mpmath.log(2), mpmath.catalan]
        t = time.perf_counter()
        for c0, c1, d0, d1, d2 in sample:
            bb = d0 + d1 * n + d2 * n**2
            if bb == 0:
                continue
            try:
                lim = RPCF(c0 + c1 * n, bb).limit(1000)
                for K in Ks:
                    lim.identify(K)
            except Exception:  # the peer raises on degenerate fractions; count the time
                pass
        per = (time.perf_counter() - t) / len(sample)
        est = per * len(box)
        print(f"ramanujantools naive loop: {per * 1e3:.1f} ms/fraction on {len(sample)} sampled "
              f"fractions -> about {est:.0f} s for the box (extrapolated)")
        print(f"RATIO box ramanujantools_estimate/ours = {est / t_box:.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
