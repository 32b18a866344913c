"""Benchmark: how each capability's cost grows with the work (issue #18, scaling curves).

One curve per measured quantity, each point the best of ``--repeat`` runs (CPU seconds of
this process, after a warm-up, so compilation is not in the curves):

- flip graphs: flips per CPU-second against the format ``n x n x n`` (ZT, from the standard
  algorithm); CPU seconds to reach the best known rank against the format size ``n m p``;
- PCF enumeration: CPU seconds against the box size (number of ``(a, b)`` coefficient
  vectors, degrees 1/1, coefficient range 2..5, constant e);
- balancing: CPU seconds against the number of species (unique balance), and against the
  number of independent reactions (canonical minimum-total balance, 10 elements);
- alternating rank over F_p (skew elimination): CPU seconds against the matrix size, for a
  small and a large prime;
- extremal graphs: CPU seconds of 20000 tabu iterations against ``n`` (girth 5).

The growth exponent ``k`` of each curve (least squares of ``log y = k log x + c``) is printed
with the table; the table (Markdown and CSV) and a log-log plot are written to ``--out``.

Usage: ``disco bench --scaling [--out scaling] [--quick]`` (or ``disco bench scaling``).
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
import time
from pathlib import Path

import numpy as np


def _cpu(fn, repeat: int) -> float:
    best = math.inf
    for _ in range(repeat):
        t = time.process_time()
        fn()
        best = min(best, time.process_time() - t)
    return max(best, 1e-6)


def flips_per_second(sizes, repeat):
    from engine.schemes import Scheme
    from search.flipgraph import _kernels as K
    from search.flipgraph.walk import FlipWalker

    out = []
    for n in sizes:
        s = Scheme.standard(n, n, n)
        w = FlipWalker.start(s, "ZT", 12345, rmax=s.rank + 4)
        best = np.array([w.best_r], dtype=np.int64)
        flips = 200_000
        K.walk(w.P, w.N, w.r, w.mode, 1000, 0, 0, s.rank, w.rng, w.bestP, w.bestN, best, 0, 0)
        t = _cpu(lambda w=w, best=best, flips=flips: K.walk(w.P, w.N, w.r, w.mode, flips, 0, 100_000, w.best_r + 4,
                                                            w.rng, w.bestP, w.bestN, best, 0, 0), repeat)
        out.append((n, flips / t))
    return out


def time_to_rank(formats, repeat, limit=20.0):
    from search.flipgraph import flip_search
    from solvers.known_ranks import known_rank

    out = []
    for fmt in formats:
        target = known_rank(fmt, "ZT")
        t = _cpu(lambda fmt=fmt, target=target: flip_search(fmt, ring="ZT", target_rank=target, seed=1,
                                                             time_limit=limit, walkers=1), repeat)
        out.append((fmt[0] * fmt[1] * fmt[2], t))
    return out


def pcf_box(ranges, repeat):
    from search.pcf import enumerate_pcfs

    out = []
    for R in ranges:
        t = _cpu(lambda R=R: enumerate_pcfs(a_degree=1, b_degree=1, coefficient_range=R, constants=["e"],
                                            workers=1), repeat)
        out.append(((2 * R + 1) ** 4, t))
    return out


def balance_species_count(sizes, repeat):
    from bench_reactions import _random_unique

    from solvers.reactions import balance

    out = []
    for n in sizes:
        eq = _random_unique(n, 1)
        balance(eq)
        out.append((n, _cpu(lambda eq=eq: balance(eq), repeat)))
    return out


def balance_independent(sizes, repeat):
    from bench_reactions import _random_canonical

    from solvers.reactions import balance

    out = []
    for n in sizes:
        eq = _random_canonical(n, 10, 1)
        r = balance(eq)
        out.append((len(r.basis), _cpu(lambda eq=eq: balance(eq), repeat)))
    return out


def alternating_rank(sizes, p, repeat):
    from solvers.constant_rank._kernels import alt_rank_mod_p

    rng = np.random.default_rng(0)
    out = []
    alt_rank_mod_p(np.zeros((2, 2), dtype=np.int64), p)
    for n in sizes:
        U = np.triu(rng.integers(0, p, size=(n, n)), 1)
        A = (U - U.T) % p
        reps = max(1, 20000 // (n * n))
        out.append((n, _cpu(lambda A=A, reps=reps: [alt_rank_mod_p(A, p) for _ in range(reps)], repeat) / reps))
    return out


def graph_iterations(sizes, repeat, steps=20000):
    from search.graphs.spec import new_walker, walker_chunk

    out = []
    walker_chunk(new_walker(8, (3, 4), np.random.SeedSequence(0)), 10)
    for n in sizes:
        st = new_walker(n, (3, 4), np.random.SeedSequence(1))
        out.append((n, _cpu(lambda st=st: walker_chunk(st, steps), repeat)))
    return out


def growth_exponent(points) -> float:
    """Slope of ``log y`` against ``log x`` (least squares); nan with fewer than 2 points.

    Examples:
        >>> round(growth_exponent([(1, 3.0), (2, 12.0), (4, 48.0)]), 6)
        2.0
    """
    pts = [(x, y) for x, y in points if x > 0 and y > 0]
    if len(pts) < 2:
        return float("nan")
    lx = np.log([x for x, _ in pts])
    ly = np.log([y for _, y in pts])
    return float(np.polyfit(lx, ly, 1)[0])


def curves(quick: bool, repeat: int):
    """``[(capability, curve name, x label, y label, points)]``."""
    q = quick
    yield ("flip graphs", "flips per CPU-second (ZT walk)", "n (format n x n x n)", "flips/s",
           flips_per_second((2, 3, 4) if q else (2, 3, 4, 5), repeat))
    yield ("flip graphs", "time to the best known rank (ZT, seed 1)", "n m p", "CPU s",
           time_to_rank(((2, 2, 2), (2, 2, 3)) if q else ((2, 2, 2), (2, 2, 3), (2, 3, 3), (3, 3, 3)), 1))
    yield ("PCF enumeration", "enumeration (degrees 1/1, constant e)", "box size", "CPU s",
           pcf_box((1, 2) if q else (2, 3, 4, 5), 1))
    yield ("balancing", "unique balance", "species", "CPU s",
           balance_species_count((10, 20, 40) if q else (10, 20, 40, 80, 110), repeat))
    yield ("balancing", "canonical balance (10 elements)", "independent reactions", "CPU s",
           balance_independent((20, 40) if q else (20, 40, 70, 100), 1))
    for p in (3, 65521):
        yield ("alternating rank", f"rank over F_{p}", "matrix size n", "CPU s",
               alternating_rank((16, 32, 64) if q else (16, 32, 64, 128, 256), p, repeat))
    yield ("extremal graphs", f"{2000 if q else 20000} tabu iterations (girth 5)", "n", "CPU s",
           graph_iterations((16, 24, 32) if q else (16, 24, 32, 48, 64), repeat, 2000 if q else 20000))


def plot(rows, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, (len(rows) + 1) // 2, figsize=(4 * ((len(rows) + 1) // 2), 7))
    for ax, (cap, name, xl, yl, pts, k) in zip(axes.ravel(), rows, strict=False):
        xs, ys = zip(*pts, strict=True)
        ax.loglog(xs, ys, "o-")
        ax.set_title(f"{cap}: {name}\ngrowth exponent {k:.2f}", fontsize=8)
        ax.set_xlabel(xl, fontsize=8)
        ax.set_ylabel(yl, fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in axes.ravel()[len(rows):]:
        ax.axis("off")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    from search.benchmarking import load_average

    ap = argparse.ArgumentParser(prog="bench_scaling", description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="scaling", help="folder for scaling.md, scaling.csv, scaling.png")
    ap.add_argument("--quick", action="store_true", help="fewer, smaller points (a smoke run)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_reactions' generators
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for cap, name, xl, yl, pts in curves(args.quick, max(1, args.repeat)):
        k = growth_exponent(pts)
        rows.append((cap, name, xl, yl, pts, k))
        print(f"{cap}: {name}: growth exponent {k:.2f} ({yl} against {xl})", flush=True)
    lines = [f"# Scaling curves ({load_average()})", "",
             "| capability | curve | x | y | points (x: y) | growth exponent |", "|---|---|---|---|---|---|"]
    with open(out / "scaling.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["capability", "curve", "x_label", "y_label", "x", "y"])
        for cap, name, xl, yl, pts, k in rows:
            for x, y in pts:
                w.writerow([cap, name, xl, yl, x, f"{y:.6g}"])
            shown = ", ".join(f"{x:g}: {y:.3g}" for x, y in pts)
            lines.append(f"| {cap} | {name} | {xl} | {yl} | {shown} | {k:.2f} |")
    (out / "scaling.md").write_text("\n".join(lines) + "\n")
    plot(rows, out / "scaling.png")
    print("\n".join(lines[2:]))
    print(f"wrote {out / 'scaling.md'}, {out / 'scaling.csv'}, {out / 'scaling.png'}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
