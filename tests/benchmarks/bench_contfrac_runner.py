"""Runner overhead of the continued-fraction enumeration (issue: "one search runner").

Runs, in one process, on the same box (default ``a`` of degree 1, ``b`` of degree 2,
coefficients in [-3, 3], constants e, pi, log 2; 8,575 fractions after the symmetry):

- **bare**: the kernel alone, :func:`search.pcf.enumerate.process_range` over the whole box in
  one call (float stage, hashing, high-precision verification of every hit, payloads built);
- **runner**: :func:`search.pcf.search_pcfs` serial (``workers=1``) on
  :func:`search.runner.run_search`: chunks, the runner's quick re-check of every hit, the
  result; no store and no checkpoint;
- **runner+store+checkpoint**: the same with a results store (every hit committed when found)
  and a checkpoint every ``--checkpoint-every`` seconds.

Each is timed ``--repeat`` times, interleaved (so load on the machine hits all alike); the
best time of each gives fractions/s, and the ratio runner/bare (target >= 0.95: overhead at
most 5%), in wall time and in CPU time of the process (less sensitive to other load on a
shared machine). In the runner's runs the CPU time spent inside the kernel is also measured,
which gives the runner's own share of the same run (``IN-RUN``), a figure that load between
runs cannot distort. The store exists (empty) before each timed run; creating the file is not
part of the search. Warm: numba kernels are loaded and the box is cached before timing (the first,
cold call of the process is reported separately).

Usage: ``python tests/benchmarks/bench_contfrac_runner.py [--repeat R] [--range R]``.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="bench_contfrac_runner", description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--a-degree", type=int, default=1)
    ap.add_argument("--b-degree", type=int, default=2)
    ap.add_argument("--range", type=int, default=3)
    ap.add_argument("--constants", default="e,pi,log(2)")
    ap.add_argument("--checkpoint-every", type=float, default=30.0)
    args = ap.parse_args(argv)

    from search.benchmarking import load_average

    t = time.perf_counter()
    from search.pcf import box_size, process_range, search_pcfs
    from search.pcf.enumerate import _check_box, _warm_kernels

    consts = _check_box(args.a_degree, args.b_degree, args.range, args.constants.split(","),
                        64, 4096, 30)
    spec = {"a_degree": args.a_degree, "b_degree": args.b_degree, "R": args.range,
            "constants": consts, "max_height": 64, "depth": 4096, "verify_digits": 30}
    total = box_size(args.a_degree, args.b_degree, args.range)
    _warm_kernels()
    hits, _ = process_range(spec, 0, total)
    cold = time.perf_counter() - t
    print(f"# bench_contfrac_runner ({load_average()})")
    print(f"box deg({args.a_degree},{args.b_degree}) [-{args.range},{args.range}] {consts}: "
          f"{total} fractions after symmetry, {len(hits)} hits; cold first pass (imports, "
          f"kernels, box) {cold:.2f} s")

    import search.pcf.enumerate as enumerate_module

    kernel = {"cpu": 0.0}

    def timed_kernel(*a):  # the runner's steps call the same kernel; time spent inside it
        c = time.process_time()
        try:
            return process_range(*a)
        finally:
            kernel["cpu"] += time.process_time() - c

    enumerate_module.process_range = timed_kernel

    def bare() -> int:
        return len(process_range(spec, 0, total)[0])

    def runner() -> int:
        return len(search_pcfs(args.a_degree, args.b_degree, args.range, consts,
                               workers=1).hits)

    from search.store import ResultsStore

    tmp = tempfile.mkdtemp()
    stores: list = []

    def fresh_store() -> None:  # an existing, empty store (creating the file is not timed)
        st = ResultsStore(os.path.join(tmp, f"s{len(stores)}.db"))
        st.count()
        stores.append(st)

    def stored() -> int:
        ck = os.path.join(tmp, f"c{len(stores)}.json")
        return len(search_pcfs(args.a_degree, args.b_degree, args.range, consts, workers=1,
                               store=stores[-1], checkpoint=ck,
                               checkpoint_every=args.checkpoint_every).hits)

    cases = {"bare": bare, "runner": runner, "runner+store+checkpoint": stored}
    wall: dict[str, list[float]] = {k: [] for k in cases}
    cpu: dict[str, list[float]] = {k: [] for k in cases}
    own: dict[str, list[float]] = {k: [] for k in cases}
    counts = {}
    for _ in range(args.repeat):
        fresh_store()
        for name, fn in cases.items():
            kernel["cpu"] = 0.0
            gc.collect()  # every case starts from a collected heap
            t, c = time.perf_counter(), time.process_time()
            counts[name] = fn()
            wall[name].append(time.perf_counter() - t)
            cpu[name].append(time.process_time() - c)
            if name != "bare":
                own[name].append(1 - kernel["cpu"] / cpu[name][-1])
    assert len(set(counts.values())) == 1, counts
    for label, times in (("wall", wall), ("CPU", cpu)):
        best = {k: min(v) for k, v in times.items()}
        for name in cases:
            print(f"{label:<4} {name:<24} best {best[name]:.3f} s "
                  f"({total / best[name]:,.0f} fractions/s), median "
                  f"{statistics.median(times[name]):.3f} s over {args.repeat}")
        for name in ("runner", "runner+store+checkpoint"):
            ratio = best["bare"] / best[name]
            paired = statistics.median(b / r for b, r in zip(times["bare"], times[name],
                                                             strict=True))
            print(f"RATIO {label} {name}/bare throughput = {ratio:.3f} best/best, "
                  f"{paired:.3f} median of paired runs (overhead {100 * (1 - ratio):.1f}%, "
                  f"{100 * (1 - paired):.1f}%; target <= 5%)")
    for name in ("runner", "runner+store+checkpoint"):
        print(f"IN-RUN {name}: CPU outside the kernel = "
              f"{100 * statistics.median(own[name]):.1f}% of the run (median over "
              f"{args.repeat}; the same run, so insensitive to load between runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
