"""Benchmark of engine.linalg against sympy and python-flint (issue 2 speed list).

Runs, in one process:

1. exact rank of a random 300x300 integer matrix (entries in [-100, 100]) over Q:
   ``engine.linalg.rank`` vs python-flint called directly (``fmpz_mat(rows).rank()``,
   target: within 2x) and vs sympy. sympy's ``Matrix.rank`` takes seconds already at 20x20
   and does not finish at 300x300 in hours, so it is timed at a smaller size (``--sympy-n``,
   default 16, where it takes ~0.3 s) and compared with our time at that same size; sympy's
   faster ``DomainMatrix(QQ).rank`` is timed at ``--dm-n`` (default 100; use 300 with
   ``--full``, about two minutes).
2. nullspace (primitive integer basis) of a random 60x100 integer matrix: target < 50 ms.
3. 200x200 dense rational system: ``solve(..., method="multimodular")`` vs
   ``fmpq_mat.solve``, on (a) a random right-hand side (solution of full height) and (b) a
   system with a small solution (``b = A x0``), where early termination wins; also
   (c) a sparse system.

Usage: ``python tests/benchmarks/bench_linalg.py [--full] [--repeat R] [--seed S]`` or
``disco bench linalg``.
"""

from __future__ import annotations

import argparse
import sys
from fractions import Fraction

import numpy as np

from search.benchmarking import best_cpu_time, best_wall_time, load_average


def flint_to_fraction(v: object) -> Fraction:
    return Fraction(int(v.p), int(v.q))  # type: ignore[attr-defined]


def _fmt(t: float) -> str:
    return f"{t * 1e3:9.2f} ms"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="bench_linalg", description=__doc__.splitlines()[0])
    ap.add_argument("--full", action="store_true", help="sympy DomainMatrix at 300x300 (~2 min)")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--sympy-n", type=int, default=16)
    ap.add_argument("--dm-n", type=int, default=100)
    args = ap.parse_args(argv)

    import flint

    from engine.linalg import nullspace, rank, solve

    rng = np.random.default_rng(args.seed)
    R = args.repeat
    print(f"engine.linalg benchmark (python-flint {flint.__version__}, seed {args.seed}, "
          f"best of {R}; machine {load_average()})")

    # ---------------------------------------------------------------- 1. rank 300x300
    n = 300
    A = rng.integers(-100, 101, (n, n)).tolist()
    t_ours = best_wall_time(lambda: rank(A, "Q"), R)
    t_flint = best_wall_time(lambda: flint.fmpz_mat(A).rank(), R)
    assert rank(A, "Q") == int(flint.fmpz_mat(A).rank())
    print("\n[1] rank of a random 300x300 integer matrix over Q")
    print(f"    engine.linalg.rank         {_fmt(t_ours)}")
    print(f"    flint fmpz_mat(rows).rank  {_fmt(t_flint)}")
    print(f"    ratio ours/flint = {t_ours / t_flint:.2f}  (target <= 2)")
    try:
        import sympy
        from sympy import QQ
        from sympy.polys.matrices import DomainMatrix
    except ImportError:  # pragma: no cover
        print("    sympy not installed: skipping the sympy comparison")
    else:
        m = args.sympy_n
        As = rng.integers(-100, 101, (m, m)).tolist()
        t_sym = best_wall_time(lambda: sympy.Matrix(As).rank(), 1)
        t_small = best_wall_time(lambda: rank(As, "Q"), R)
        print(f"    sympy Matrix.rank at {m}x{m} (300x300 does not finish): {_fmt(t_sym)}; "
              f"ours at {m}x{m}: {_fmt(t_small)}; ratio sympy/ours = {t_sym / t_small:,.0f}x "
              f"(target >= 100)")
        d = 300 if args.full else args.dm_n
        Ad = A if d == 300 else rng.integers(-100, 101, (d, d)).tolist()
        t_dm = best_wall_time(lambda: DomainMatrix.from_list(Ad, QQ).rank(), 1)
        t_d = t_ours if d == 300 else best_wall_time(lambda: rank(Ad, "Q"), R)
        print(f"    sympy DomainMatrix(QQ).rank at {d}x{d}: {_fmt(t_dm)}; ours: {_fmt(t_d)}; "
              f"ratio sympy/ours = {t_dm / t_d:,.0f}x")

    # ---------------------------------------------------------------- 2. nullspace 60x100
    B = rng.integers(-100, 101, (60, 100)).tolist()
    t_ns = best_wall_time(lambda: nullspace(B, "Q"), R)
    N = nullspace(B, "Q")
    assert len(N) == 40 and (flint.fmpz_mat(B) * flint.fmpz_mat(N).transpose()).is_zero()
    t_flint_ns = best_wall_time(lambda: flint.fmpz_mat(B).nullspace(), R)
    print("\n[2] nullspace of a random 60x100 integer matrix (primitive integer basis)")
    c_ns = best_cpu_time(lambda: nullspace(B, "Q"), R)
    c_flint_ns = best_cpu_time(lambda: flint.fmpz_mat(B).nullspace(), R)
    print(f"    engine.linalg.nullspace    {_fmt(t_ns)} wall, {_fmt(c_ns)} CPU  (target < 50 ms: "
          f"{'met' if t_ns < 0.05 else 'NOT met'} on wall time)")
    print(f"    flint fmpz_mat.nullspace   {_fmt(t_flint_ns)} wall, {_fmt(c_flint_ns)} CPU  "
          f"(no primitive basis); ratio ours/flint = {t_ns / t_flint_ns:.2f}")

    # ---------------------------------------------------------------- 3. solve 200x200
    n = 200
    print("\n[3] 200x200 rational systems: multimodular vs flint fmpq_mat.solve")
    cases = {}
    Aq = [[Fraction(int(a), int(d)) for a, d in zip(ra, rd, strict=True)]
          for ra, rd in zip(rng.integers(-50, 51, (n, n)), rng.integers(1, 10, (n, n)),
                            strict=True)]
    cases["dense rational, random b"] = (Aq, [Fraction(int(x)) for x in
                                              rng.integers(-50, 51, n)])
    x0 = [Fraction(int(x)) for x in rng.integers(-5, 6, n)]
    Ai = rng.integers(-100, 101, (n, n)).tolist()
    cases["dense integer, small solution b=A*x0"] = (
        Ai, [sum(a * x for a, x in zip(row, x0, strict=True)) for row in Ai])
    S = np.zeros((n, n), dtype=np.int64)
    S[np.arange(n), np.arange(n)] = rng.integers(1, 100, n)
    mask = rng.random((n, n)) < 0.02
    S[mask] = rng.integers(-100, 101, mask.sum())
    cases["sparse integer (2%), random b"] = (S.tolist(), rng.integers(-50, 51, n).tolist())
    for label, (Ac, bc) in cases.items():
        Fq = flint.fmpq_mat(n, n, [flint.fmpq(x.numerator, x.denominator)
                                   if isinstance(x, Fraction) else int(x)
                                   for row in Ac for x in row])
        Fb = flint.fmpq_mat(n, 1, [flint.fmpq(x.numerator, x.denominator)
                                   if isinstance(x, Fraction) else int(x) for x in bc])
        t_mm = best_wall_time(lambda Fq=Fq, Fb=Fb: solve(Fq, Fb, "Q", method="multimodular"), R)
        t_fl = best_wall_time(lambda Fq=Fq, Fb=Fb: Fq.solve(Fb), R)
        t_mm_l = best_wall_time(lambda Ac=Ac, bc=bc: solve(Ac, bc, "Q", method="multimodular"), R)
        t_fl_l = best_wall_time(lambda Ac=Ac, bc=bc: solve(Ac, bc, "Q", method="flint"), R)
        x_mm = solve(Fq, Fb, "Q", method="multimodular")
        assert x_mm == [[flint_to_fraction(v)] for v in Fq.solve(Fb).entries()]
        print(f"    {label}:")
        print(f"      flint matrices in: solve(method='multimodular') {_fmt(t_mm)}   "
              f"fmpq_mat.solve {_fmt(t_fl)}   ratio multimodular/flint = {t_mm / t_fl:.2f} "
              f"({'multimodular faster' if t_mm < t_fl else 'flint faster'})")
        print(f"      Python lists in:   method='multimodular' {_fmt(t_mm_l)}   method='flint' "
              f"{_fmt(t_fl_l)}   ratio = {t_mm_l / t_fl_l:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
