"""Exact minimum-sum positive balances (the *canonical* balance) and positivity certificates.

Problem: given the signed composition matrix ``M`` (n columns) and lower bounds ``l`` (1 for
species that must take part, 0 for optional ones), find the integer ``x`` with ``M x = 0``,
``x >= l`` and the smallest total ``sum(x)``; among those, the lexicographically smallest
``x`` in input order (the documented deterministic tie-breaker, the same for every method
that is exact).

Methods (the one used is recorded in ``method``; ``certified`` says whether both the
minimum and the tie-break are proved):

- ``"unique"``: the balance lattice has rank 1, so the primitive kernel vector is the answer.
- ``"line"``: rank 2. With a lattice basis ``G`` (n x 2), ``x = G lam``; the integer points of
  the slice ``sum(x) = S`` lie on a line ``lam0 + t w`` (extended Euclid), and ``x >= l``
  is an interval of ``t`` computed in exact rationals. Slices are scanned upwards from the
  exactly certified LP bound, so the first non-empty slice is the minimum.
- ``"branch-and-bound"``: rank 3 or 4 and at most ``_BNB_MAX_N`` (12) species. LP-based
  branch and bound whose bounds are exact (see :mod:`solvers.reactions.ilp`), then the
  lexicographic tie-breaker by fixing the coordinates one at a time, each step again an
  exact integer program.
- ``"group-enumeration"``: everything larger. Gomory's group relaxation at an exactly
  verified optimal LP basis, and a complete enumeration of the non-basic parts whose cost
  fits between the LP bound and the total tried, pruned by exact shortest-path tables in
  the group and by the basic rows (:mod:`solvers.reactions.gomory`). Totals are tried
  upwards from the LP bound, so the first feasible one is the minimum, and all balances
  of that total are enumerated, so the lexicographic tie-break is exact as well. All
  arithmetic that decides anything is exact integer or rational arithmetic.
- ``"milp-certified"`` / ``"milp"``: only when the enumeration exceeds its node limit
  (``certified=False``). HiGHS branch-and-cut (SciPy ``milp``, zero gap) for the minimum
  total, then the smallest position-weighted sum ``sum((j + 1) x_j)`` among balances with
  that total; the balance is verified exactly; its *total* is proved minimal when the
  safe LP bound or Gomory's bound (:func:`group_bound`) reaches it (``"milp-certified"``),
  otherwise it rests on HiGHS' floating-point optimality proof, or is HiGHS' best point
  when its time limit (``_MILP_TIME_LIMIT`` per phase) struck (``"milp"``). Neither
  proves the tie-break.

Positivity is decided first: a positive rational balance found by the LP is verified
exactly; otherwise a Stiemke certificate ``y`` with ``M^T y >= 0``, ``M^T y != 0`` is
verified exactly (Stiemke 1915; Schrijver, *Theory of Linear and Integer Programming*,
Sec. 7.8), which proves that no strictly positive balance exists.

Examples:
    >>> from solvers.reactions.canonical import min_sum_balance
    >>> M = [[1, 0, -1, -1], [0, 2, -1, -2]]       # C + O2 -> CO + CO2
    >>> min_sum_balance(M, [1, 1, 1, 1]).x
    (3, 2, 2, 1)
"""

from __future__ import annotations

import dataclasses
import functools
import heapq
import math
from dataclasses import dataclass, field
from fractions import Fraction

from engine._lazy import lazy_module
from engine.errors import InfeasibleError, VerificationError
from engine.results import Result
from solvers.reactions._json import json_guard
from solvers.reactions.lattice import independent_columns, kernel_basis, mat_vec, primitive

np = lazy_module("numpy", globals(), "np")  # imported on first use: most balances never need it

__all__ = ["MinSumResult", "min_sum_balance", "positive_point", "stiemke_certificate"]


@dataclass(frozen=True)
class MinSumResult(Result):
    """Outcome of :func:`min_sum_balance`.

    Attributes:
        x: the canonical balance.
        total: ``sum(x)``.
        method: ``"unique"``, ``"line"``, ``"branch-and-bound"``, ``"group-enumeration"``,
            ``"milp-certified"`` or ``"milp"`` (see the module docstring).
        basis: the lattice basis used.
        nodes: search nodes (0 for the closed-form methods).
        certified: ``True`` when the minimum total and the lexicographic tie-break are
            proved exactly (every method but the two ``"milp"`` fallbacks).
        rows: the matrix ``M`` of the problem (echoed by :func:`min_sum_balance`; empty
            when the result was built by hand).
        lower: the lower bounds of the problem (echoed likewise).
    """

    x: tuple[int, ...]
    total: int
    method: str
    basis: tuple[tuple[int, ...], ...]
    nodes: int = 0
    certified: bool = True
    rows: tuple[tuple[int, ...], ...] = field(default=(), repr=False, compare=False)
    lower: tuple[int, ...] = field(default=(), repr=False, compare=False)

    def check(self, *, optimality: bool = True) -> None:
        """Re-verify exactly.

        Always: ``total = sum(x)``, the basis vectors are independent and ``x`` is an integer
        combination of them. With the problem recorded (``rows``, ``lower``): ``M x = 0``,
        ``x >= lower``, ``M b = 0`` for every basis vector and as many of them as the
        nullity of ``M``; and, for a ``certified`` result with ``optimality``, the exact
        integer program is solved again (:func:`min_sum_balance`, with this basis) and must
        give ``x``: no balance with a smaller total, or the same total and lexicographically
        smaller, exists.

        Raises:
            VerificationError: a datum above does not hold (the message names it).
        """
        import flint

        x = tuple(self.x)
        n = len(x)
        if self.total != sum(x):
            raise VerificationError(f"total={self.total} but sum(x) = {sum(x)}")
        if not self.basis or any(len(b) != n for b in self.basis):
            raise VerificationError(f"the basis {self.basis} does not consist of vectors of length {n}")
        B = flint.fmpz_mat([list(b) for b in self.basis])
        if B.rank() != len(self.basis):
            raise VerificationError("the basis vectors are linearly dependent")
        # x = lam B with lam integral: solve B^T lam = x over Q (B^T has full column rank)
        Bt = B.transpose()
        cols = independent_columns([list(r) for r in self.basis], range(n), len(self.basis))
        sq = flint.fmpq_mat([[Bt[j, i] for i in range(len(self.basis))] for j in cols])
        lam = sq.solve(flint.fmpq_mat([[x[j]] for j in cols]))
        lam_i = [lam[i, 0] for i in range(len(self.basis))]
        if any(q.q != 1 for q in lam_i) or any(
                sum(int(q.p) * b[j] for q, b in zip(lam_i, self.basis, strict=True)) != x[j] for j in range(n)):
            raise VerificationError(f"x={x} is not an integer combination of the basis")
        if not self.lower:  # the problem was not recorded
            return
        rows = [list(r) for r in self.rows]
        if len(self.lower) != n or any(len(r) != n for r in rows):
            raise VerificationError(f"rows and lower do not have {n} columns")
        if any(mat_vec(rows, x)):
            raise VerificationError(f"x={x} is not a balance: M x = {mat_vec(rows, x)}")
        if any(a < lb for a, lb in zip(x, self.lower, strict=True)):
            raise VerificationError(f"x={x} violates the lower bounds {self.lower}")
        for b in self.basis:
            if any(mat_vec(rows, b)):
                raise VerificationError(f"basis vector {b} is not a balance")
        nullity = n - (flint.fmpz_mat(rows).rank() if rows else 0)
        if len(self.basis) != nullity:
            raise VerificationError(f"{len(self.basis)} basis vectors, but the nullity is {nullity}")
        if self.certified and optimality:
            best = _min_sum_balance(rows, list(self.lower), basis=self.basis)
            if tuple(best.x) != x:
                raise VerificationError(
                    f"x={x} (total {sum(x)}) is not the canonical balance: the exact integer "
                    f"program gives {best.x} (total {best.total})")

    def to_json(self) -> dict:
        """JSON form (every field)."""
        return {
            "x": list(self.x), "total": self.total, "method": self.method,
            "basis": [list(b) for b in self.basis], "nodes": self.nodes,
            "certified": self.certified, "rows": [list(r) for r in self.rows],
            "lower": list(self.lower),
        }

    @classmethod
    @json_guard
    def from_json(cls, d: dict) -> MinSumResult:
        """Rebuild from :meth:`to_json`."""
        return cls(
            x=tuple(int(a) for a in d["x"]), total=int(d["total"]), method=d["method"],
            basis=tuple(tuple(int(a) for a in b) for b in d["basis"]), nodes=int(d.get("nodes", 0)),
            certified=bool(d.get("certified", True)),
            rows=tuple(tuple(int(a) for a in r) for r in d.get("rows", ())),
            lower=tuple(int(a) for a in d.get("lower", ())),
        )

    @classmethod
    def example(cls) -> MinSumResult:
        """``C + O2 -> CO + CO2``: a rank-2 lattice of balances whose minimum-total positive
        member is ``3 C + 2 O2 -> 2 CO + CO2`` (total 8; e.g. ``4 C + 3 O2 -> 2 CO + 2 CO2``
        has total 11), computed by :func:`min_sum_balance` (method ``"line"``).

        Examples:
            >>> from solvers.reactions.canonical import MinSumResult
            >>> MinSumResult.example().x
            (3, 2, 2, 1)
        """
        return min_sum_balance([[1, 0, -1, -1], [0, 2, -1, -2]], [1, 1, 1, 1])

    @classmethod
    def tampered(cls) -> MinSumResult:
        """:meth:`example` claiming ``(4, 3, 2, 2)``: a balance, but not the minimum."""
        return dataclasses.replace(cls.example(), x=(4, 3, 2, 2), total=11)


def _ext_gcd(a: int, b: int) -> tuple[int, int, int]:
    x0, x1, y0, y1 = 1, 0, 0, 1
    while b:
        q, a, b = a // b, b, a % b
        x0, x1 = x1, x0 - q * x1
        y0, y1 = y1, y0 - q * y1
    return a, x0, y0


def positive_point(rows, lower) -> tuple[int, ...] | None:
    """An integer ``x`` with ``M x = 0`` and ``x >= lower`` (exactly verified), or ``None``.

    ``None`` means the LP found no such point; callers must then prove infeasibility with
    :func:`stiemke_certificate` (this function alone proves nothing negative).

    Examples:
        >>> from solvers.reactions.canonical import positive_point
        >>> positive_point([[2, -1]], [1, 1])
        (1, 2)
    """
    import numpy as np
    from scipy.optimize import linprog

    n = len(lower)
    A = np.asarray(rows, dtype=float).reshape(len(rows), n)
    res = linprog(np.ones(n), A_eq=A, b_eq=np.zeros(len(rows)),
                  bounds=[(float(lb), None) for lb in lower], method="highs")
    if res.status != 0:
        return None
    for lim in (10**6, 10**9, 10**12):
        fr = [Fraction(float(v)).limit_denominator(lim) for v in res.x]
        den = 1
        for f in fr:
            den = den * f.denominator // math.gcd(den, f.denominator)
        x = tuple(int(f * den) for f in fr)
        if not any(mat_vec(rows, x)) and all(a >= lb for a, lb in zip(x, lower, strict=False)):
            if all(lb == 0 for lb in lower) and not any(x):
                return None
            return x
    return None


def stiemke_certificate(rows, n: int, support=None) -> tuple[Fraction, ...] | None:
    """A rational ``y`` with ``(M^T y)_j >= 0`` on ``support`` (default all), not all zero there,
    and ``(M^T y)_j = 0`` off it; verified exactly. Proves no balance is positive on ``support``.

    Examples:
        >>> from solvers.reactions.canonical import stiemke_certificate
        >>> stiemke_certificate([[1, 1]], 2)     # x1 + x2 = 0 has no positive solution
        (Fraction(1, 2),)
    """
    import numpy as np
    from scipy.optimize import linprog

    m = len(rows)
    if m == 0:
        return None
    support = list(range(n)) if support is None else list(support)
    sset = set(support)
    MT = np.asarray(rows, dtype=float).reshape(m, n).T
    # find y: M^T y >= 0 on support, = 0 elsewhere, sum over support of M^T y = 1
    A_ub = -MT[support] if support else None
    b_ub = np.zeros(len(support)) if support else None
    others = [j for j in range(n) if j not in sset]
    eq_rows = [MT[support].sum(axis=0)] + [MT[j] for j in others]
    b_eq = [1.0] + [0.0] * len(others)
    res = linprog(np.zeros(m), A_ub=A_ub, b_ub=b_ub, A_eq=np.asarray(eq_rows), b_eq=b_eq,
                  bounds=[(None, None)] * m, method="highs")
    if res.status != 0:
        return None
    for lim in (10**4, 10**6, 10**9):
        y = tuple(Fraction(float(v)).limit_denominator(lim) for v in res.x)
        g = [sum(rows[i][j] * y[i] for i in range(m)) for j in range(n)]
        if all(g[j] >= 0 for j in support) and any(g[j] > 0 for j in support) and all(
            g[j] == 0 for j in others
        ):
            return y
    return None


def min_sum_balance(rows, lower, *, basis=None, incumbent=None, max_nodes: int | None = None) -> MinSumResult:
    """The exact minimum-total balance ``x >= lower`` of ``M x = 0`` (lexicographic tie-break).

    Args:
        rows: signed composition matrix ``M`` (rows of ints).
        lower: lower bounds (typically all 1).
        basis: the lattice basis of ``ker M`` if already known.
        incumbent: a known feasible integer point, if any.
        max_nodes: node limit of the group enumeration (default
            :data:`solvers.reactions.gomory.MAX_NODES`); past it the MILP fallback answers
            with ``certified=False``.

    Returns:
        :class:`MinSumResult`.

    Raises:
        InfeasibleError: no balance satisfies the lower bounds (reason ``"no_positive"``).

    Examples:
        >>> from solvers.reactions.canonical import min_sum_balance
        >>> min_sum_balance([[1, 1]], [1, 1])              # x1 + x2 = 0
        Traceback (most recent call last):
        ...
        engine.errors.InfeasibleError: no balance satisfies the required bounds
        >>> min_sum_balance([[2, 0, -2], [0, 2, -1]], [1, 1, 1])        # 2 H2 + O2 -> 2 H2O
        MinSumResult(x=(2, 1, 2), total=5, method='unique', basis=((2, 1, 2),), nodes=0, certified=True)
    """
    res = _min_sum_balance(rows, lower, basis=basis, incumbent=incumbent, max_nodes=max_nodes)
    return dataclasses.replace(res, rows=tuple(tuple(int(a) for a in r) for r in rows),
                               lower=tuple(int(v) for v in lower))


def _min_sum_balance(rows, lower, *, basis=None, incumbent=None, max_nodes: int | None = None) -> MinSumResult:
    """:func:`min_sum_balance` without the echo of the problem in the result."""
    n = len(lower)
    lower = [int(v) for v in lower]
    K = kernel_basis(rows, n) if basis is None else tuple(basis)
    d = len(K)
    if d == 0:
        raise InfeasibleError("no balance satisfies the required bounds", reason="zero_only")
    if d == 1:
        v = K[0]
        for s in (1, -1):
            w = tuple(s * a for a in v)
            if all(a >= 0 for a in w) and any(w):
                k = max(-(-lb // a) if a > 0 else (0 if lb <= 0 else math.inf) for a, lb in zip(w, lower, strict=False))
                if k == math.inf:
                    continue
                k = max(k, 1)
                x = tuple(k * a for a in w)
                return MinSumResult(x=x, total=sum(x), method="unique", basis=K)
        raise InfeasibleError("no balance satisfies the required bounds", reason="no_positive")
    if d > 2 and not (n <= _BNB_MAX_N and d <= _BNB_MAX_D):
        return _group(rows, lower, K, max_nodes)
    if incumbent is None and d == 2:
        incumbent = _plane_point(K, lower)
        if incumbent is None:
            raise InfeasibleError("no balance satisfies the required bounds", reason="no_positive")
    if incumbent is None:
        incumbent = positive_point(rows, lower)
        if incumbent is None:
            raise InfeasibleError("no balance satisfies the required bounds", reason="no_positive")
    if d == 2:
        return _line(rows, lower, K, incumbent)
    return _bnb(rows, lower, K, incumbent)


def _group(rows, lower, K, max_nodes=None) -> MinSumResult:
    """Large systems: the exact group enumeration, or the MILP fallback past its node limit."""
    from solvers.reactions.gomory import MAX_NODES, group_min_sum

    sol = group_min_sum(rows, lower, max_nodes=MAX_NODES if max_nodes is None else max_nodes)
    if sol.stop == "infeasible":
        raise InfeasibleError("no balance satisfies the required bounds", reason="no_positive")
    if sol.certified:
        x = sol.x
        if any(mat_vec(rows, x)) or any(a < lb for a, lb in zip(x, lower, strict=True)):
            raise ArithmeticError("min_sum_balance: verification failed")  # pragma: no cover
        return MinSumResult(x=x, total=sol.total, method="group-enumeration", basis=K, nodes=sol.nodes)
    incumbent = sol.x if sol.x is not None else positive_point(rows, lower)
    if incumbent is None:  # pragma: no cover - the exact LP found a positive point
        raise InfeasibleError("no balance satisfies the required bounds", reason="no_positive")
    return _milp(rows, lower, K, incumbent)


def _plane_point(K, lower):
    """Rank-2 positivity, exactly: a lattice point with ``x_j > 0`` where ``lower_j > 0`` and
    ``x_j >= 0`` elsewhere, or ``None`` when none exists.

    The set ``{lam : G lam > 0}`` is an open angular sector; if it is non-empty it contains
    the sum of its two boundary rays, and every boundary ray is perpendicular to a row of
    ``G``; so testing those sums (and the rows themselves) is a complete decision procedure.
    """
    n = len(lower)
    G = [(K[0][j], K[1][j]) for j in range(n)]
    strict = [g for g, lb in zip(G, lower, strict=False) if lb > 0]
    weak = [g for g, lb in zip(G, lower, strict=False) if lb <= 0]
    rays = []
    for a, b in G:
        if a or b:
            rays.append((-b, a))
            rays.append((b, -a))
    cands = [g for g in G if g != (0, 0)] + rays
    cands += [(u[0] + v[0], u[1] + v[1]) for i, u in enumerate(rays) for v in rays[i + 1:]]
    for lam in cands:
        if all(a * lam[0] + b * lam[1] > 0 for a, b in strict) and all(
            a * lam[0] + b * lam[1] >= 0 for a, b in weak
        ) and lam != (0, 0):
            x = [a * lam[0] + b * lam[1] for a, b in G]
            k = 1
            for v, lb in zip(x, lower, strict=False):
                if lb > 0 and v < lb:
                    k = max(k, -(-lb // v))
            x = tuple(k * v for v in x)
            if any(x):
                return x
    return None


def _slice_interval(G, lower, s, S):
    """Real and integer ``t`` ranges of the slice ``s.lam = S`` (``None`` if ``gcd`` fails)."""
    g, a, b = _ext_gcd(abs(s[0]), abs(s[1]))
    a = a if s[0] >= 0 else -a
    b = b if s[1] >= 0 else -b
    w = (s[1] // g, -s[0] // g)
    return g, a, b, w


def _t_range(G, lower, lam0, w):
    lo_t, hi_t = -math.inf, math.inf
    for (g1, g2), lb in zip(G, lower, strict=False):
        base = g1 * lam0[0] + g2 * lam0[1]
        c = g1 * w[0] + g2 * w[1]
        if c == 0:
            if base < lb:
                return None
        elif c > 0:
            lo_t = max(lo_t, Fraction(lb - base, c))
        else:
            hi_t = min(hi_t, Fraction(base - lb, -c))
    return lo_t, hi_t


def _line(rows, lower, K, incumbent) -> MinSumResult:
    n = len(lower)
    G = [(K[0][j], K[1][j]) for j in range(n)]
    s = (sum(K[0]), sum(K[1]))
    if s == (0, 0):  # pragma: no cover - impossible when a positive point exists
        raise InfeasibleError("no balance satisfies the required bounds", reason="no_positive")
    g, a, b, w = _slice_interval(G, lower, s, 0)

    def lam0(S):
        k = S // g
        return (k * a, k * b)

    def real_nonempty(S):
        # real slice: lam = lam_r + t w with lam_r any real point of s.lam = S
        ss = s[0] * s[0] + s[1] * s[1]
        lam_r = (Fraction(S * s[0], ss), Fraction(S * s[1], ss))
        rng = _t_range(G, lower, lam_r, w)
        return rng is not None and rng[0] <= rng[1]

    S_hi = sum(incumbent)
    # exact lower start: real slices below the LP minimum are empty and they form an interval
    lo_S, hi_S = sum(lower) - 1, S_hi  # lo_S is empty (sum x >= sum lower), hi_S feasible
    while hi_S - lo_S > 1:
        mid = (lo_S + hi_S) // 2
        if real_nonempty(mid):
            hi_S = mid
        else:
            lo_S = mid
    S = hi_S
    while S <= S_hi:
        if S % g == 0:
            l0 = lam0(S)
            rng = _t_range(G, lower, l0, w)
            if rng is not None:
                t_lo = math.ceil(rng[0]) if rng[0] != -math.inf else None
                t_hi = math.floor(rng[1]) if rng[1] != math.inf else None
                if t_lo is None or t_hi is None or t_lo <= t_hi:
                    cvec = [g1 * w[0] + g2 * w[1] for g1, g2 in G]
                    first = next((c for c in cvec if c), 0)
                    t = t_lo if first > 0 else t_hi
                    if t is None:  # pragma: no cover - bounded since sum(x) is fixed
                        t = t_hi if t_lo is None else t_lo
                    x = tuple(g1 * (l0[0] + t * w[0]) + g2 * (l0[1] + t * w[1]) for g1, g2 in G)
                    assert not any(mat_vec(rows, x)) and all(v >= lb for v, lb in zip(x, lower, strict=False))
                    return MinSumResult(x=x, total=S, method="line", basis=K)
        S += 1
    # the incumbent itself is optimal (cannot happen: its slice is non-empty)
    x = tuple(incumbent)  # pragma: no cover
    return MinSumResult(x=x, total=sum(x), method="line", basis=K)  # pragma: no cover


#: Seconds HiGHS may spend on each phase of the (uncertified) MILP fallback; past it its
#: best point so far is used, which is still an exactly verified balance.
_MILP_TIME_LIMIT = 5.0

#: Up to this many species and independent balances the canonical balance comes from the
#: LP branch and bound (:func:`_bnb`); above, from the group enumeration (:func:`_group`).
_BNB_MAX_N = 12
_BNB_MAX_D = 4


class _quiet_stdout:
    """Silence C-level writes to file descriptor 1 (HiGHS prints stray lines there)."""

    def __enter__(self):
        import os
        import sys

        try:
            sys.stdout.flush()
            self.fd = os.dup(1)
            self.null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(self.null, 1)
        except (OSError, ValueError):  # pragma: no cover - no real fd 1 (some test runners)
            self.fd = None
        return self

    def __exit__(self, *exc):
        import os

        if self.fd is not None:
            os.dup2(self.fd, 1)
            os.close(self.fd)
            os.close(self.null)
        return False


def _milp(rows, lower, K, incumbent) -> MinSumResult:
    """Large instances: HiGHS branch-and-cut (SciPy ``milp``, zero gap) on the objective
    ``W sum(x) + sum((j + 1) x_j)`` (``W`` exceeds any second term: minimum total first, then
    the smallest position-weighted sum). The point is verified exactly; the minimum total
    is *certified* exactly when the safe LP bound rounds up to it, otherwise it rests on
    HiGHS' own (floating-point) optimality proof, and ``method`` says which."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    from solvers.reactions.ilp import _safe_bound

    n = len(lower)
    m = len(rows)
    A = np.asarray(rows, dtype=float).reshape(m, n)
    S_inc = sum(incumbent)
    ub = Bounds(np.asarray(lower, float), np.full(n, float(S_inc)))
    opts = {"mip_rel_gap": 0.0, "disp": False, "time_limit": _MILP_TIME_LIMIT}
    best = list(incumbent)

    def take(res):
        nonlocal best
        if res.x is None:
            return
        x = [int(round(v)) for v in res.x]
        if not any(mat_vec(rows, x)) and all(a >= lb for a, lb in zip(x, lower, strict=False)) and (
            sum(x), [j * v for j, v in enumerate(x)]) <= (sum(best), [j * v for j, v in enumerate(best)]):
            best = x

    with _quiet_stdout():
        # phase 1: minimum total
        take(milp(np.ones(n), constraints=LinearConstraint(A, 0, 0), integrality=np.ones(n),
                  bounds=ub, options=opts))
        # phase 2: among totals equal to it, the smallest position-weighted sum
        S1 = sum(best)
        A2 = np.vstack([A, np.ones((1, n))])
        take(milp(np.arange(1, n + 1, dtype=float),
                  constraints=LinearConstraint(A2, np.r_[np.zeros(m), S1], np.r_[np.zeros(m), S1]),
                  integrality=np.ones(n), bounds=ub, options=opts))
    S = sum(best)
    lp = _highs_lp(A, lower)
    certified = False
    if lp is not None:
        Ai = np.asarray(rows, dtype=object).reshape(m, n)
        sb = _safe_bound(Ai, [0] * m, [1] * n, list(lower), [S] * n, lp)
        certified = math.ceil(sb) >= S
    if not certified:
        try:
            gb = group_bound(rows, lower, limit=S - 1)
        except Exception:  # noqa: BLE001 - the certificate is optional; never fail on it
            gb = None
        certified = gb is not None and math.ceil(gb) >= S
    method = "milp-certified" if certified else "milp"
    return MinSumResult(x=tuple(best), total=S, method=method, basis=K, certified=False)


def _highs_lp(A, lower):
    import numpy as np
    from scipy.optimize import linprog

    n = A.shape[1]
    res = linprog(np.ones(n), A_eq=A, b_eq=np.zeros(A.shape[0]),
                  bounds=[(float(lb), None) for lb in lower], method="highs")
    return res.eqlin.marginals if res.status == 0 else None


def _bnb(rows, lower, K, incumbent) -> MinSumResult:
    from solvers.reactions.ilp import solve_ilp

    n = len(lower)
    m = len(rows)
    sol = solve_ilp(rows, [0] * m, lower=lower, incumbent=incumbent)
    best = list(sol.x)
    S = sol.value
    nodes = sol.nodes
    # lexicographic tie-break: fix x_0, x_1, ... to their smallest values with sum(x) = S
    lo = list(lower)
    fixed = [False] * n
    A2 = [list(r) for r in rows] + [[1] * n]
    b2 = [0] * m + [S]
    for j in range(n):
        if best[j] > lo[j]:
            slack = S - sum(lo)
            hi = [lo[k] if fixed[k] else lo[k] + slack for k in range(n)]
            c = [0] * n
            c[j] = 1
            sj = solve_ilp(A2, b2, lower=lo, upper=hi, c=c, incumbent=best)
            nodes += sj.nodes
            best = list(sj.x)
        lo[j] = best[j]
        fixed[j] = True
    x = tuple(best)
    if any(mat_vec(rows, x)) or sum(x) != S:  # pragma: no cover - exact re-check
        raise ArithmeticError("min_sum_balance: verification failed")
    return MinSumResult(x=x, total=S, method="branch-and-bound", basis=K, nodes=nodes)


def _primitive(x):  # pragma: no cover - kept for callers that scale
    return primitive(x)


def _dijkstra_group(mods, gens, costs, target, limit):  # pragma: no cover - compiled below
    """Shortest path from 0 to ``target`` in the finite abelian group prod Z/mods_i whose
    steps are the generators ``gens`` (residue rows) with integer ``costs``; -1 if the
    distance exceeds ``limit``."""
    k = mods.shape[0]
    order = 1
    for i in range(k):
        order *= mods[i]
    INF = np.int64(1) << 62
    dist = np.full(order, INF, dtype=np.int64)
    tgt = 0
    for i in range(k):
        tgt = tgt * mods[i] + target[i]
    dist[0] = 0
    heap = [(np.int64(0), np.int64(0))]
    res = np.zeros(k, dtype=np.int64)
    ng = gens.shape[0]
    while len(heap) > 0:
        d, u = heapq.heappop(heap)
        if d != dist[u]:
            continue
        if u == tgt:
            return d
        if d > limit:
            return -1
        t = u
        for i in range(k - 1, -1, -1):
            res[i] = t % mods[i]
            t //= mods[i]
        for g in range(ng):
            v = 0
            for i in range(k):
                v = v * mods[i] + (res[i] + gens[g, i]) % mods[i]
            nd = d + costs[g]
            if nd < dist[v]:
                dist[v] = nd
                heapq.heappush(heap, (nd, np.int64(v)))
    return -1


@functools.cache
def _dijkstra_jit():
    """:func:`_dijkstra_group` compiled (or loaded from numba's cache) on first use: importing
    this module does not import numba (most balances never need it)."""
    try:
        from numba import njit
    except ImportError:  # pragma: no cover
        return _dijkstra_group
    return njit(cache=True)(_dijkstra_group)


def _dijkstra_group_jit(*args):
    return _dijkstra_jit()(*args)


def group_bound(rows, lower, *, max_order: int = 2_000_000, limit=None) -> Fraction | None:
    """Exact lower bound on ``min sum(x)`` over integer balances ``x >= lower`` from Gomory's
    group relaxation at an optimal LP basis (Gomory, "On the relation between integer and
    non-integer solutions to linear programs", PNAS 53 (1965) 260-265).

    With the basis ``B`` verified optimal in exact arithmetic (reduced costs ``r >= 0``),
    every integer balance satisfies ``sum(x) = LP* + sum_N r_j (x_j - l_j)`` and the basic
    part is integral only if ``sum_N (x_j - l_j) N_j`` lies in the coset of ``B Z^r`` fixed by
    the bounds; the cheapest such combination (a shortest path in the group ``Z^r / B Z^r``,
    via its Smith normal form) bounds the optimum from below. Returns ``None`` when the
    basis cannot be certified or the group is larger than ``max_order``. With ``limit``
    the search stops early and returns a bound just above ``limit`` once it is exceeded.

    Examples:
        >>> from solvers.reactions.canonical import group_bound
        >>> group_bound([[1, 0, -1, -1], [0, 2, -1, -2]], [1, 1, 1, 1])   # C + O2 -> CO + CO2
        Fraction(8, 1)
    """
    import flint
    import numpy as np
    from scipy.optimize import linprog
    from sympy import Matrix
    from sympy.matrices.normalforms import smith_normal_decomp
    from sympy.polys.domains import ZZ

    n = len(lower)
    # independent rows
    MT = flint.fmpq_mat([[rows[i][j] for i in range(len(rows))] for j in range(n)])
    R, r = MT.rref()
    piv = []
    for i in range(r):
        for j in range(len(rows)):
            if R[i, j] != 0:
                piv.append(j)
                break
    A = [list(rows[i]) for i in piv]
    if r == 0:
        return None
    res = linprog(np.ones(n), A_eq=np.asarray(A, float), b_eq=np.zeros(r),
                  bounds=[(float(lb), None) for lb in lower], method="highs")
    if res.status != 0:
        return None
    y = res.eqlin.marginals
    rc = np.ones(n) - np.asarray(A, float).T @ y
    cand = sorted((j for j in range(n) if abs(rc[j]) < 1e-7), key=lambda j: -res.x[j])
    basis = independent_columns(A, cand, r)
    if basis is None:
        return None
    Bq = flint.fmpq_mat([[A[i][c] for c in basis] for i in range(r)])
    if Bq.det() == 0:
        return None
    Binv = Bq.inv()
    yq = flint.fmpq_mat([[1] * r]) * Binv
    nonb = [j for j in range(n) if j not in set(basis)]
    rcq = {j: 1 - sum(yq[0, i] * A[i][j] for i in range(r)) for j in nonb}
    if any(v < 0 for v in rcq.values()):
        return None
    rhs = flint.fmpq_mat([[-sum(A[i][j] * lower[j] for j in nonb)] for i in range(r)])
    xB = Binv * rhs
    if any(xB[i, 0] < lower[basis[i]] for i in range(r)):
        return None
    lp = sum(Fraction(int(xB[i, 0].p), int(xB[i, 0].q)) for i in range(r)) + sum(lower[j] for j in nonb)
    a, S, _T = smith_normal_decomp(Matrix([[A[i][c] for c in basis] for i in range(r)]), domain=ZZ)
    s = [abs(int(a[i, i])) for i in range(r)]
    keep = [i for i in range(r) if s[i] > 1]
    order = 1
    for i in keep:
        order *= s[i]
    if order > max_order:
        return None
    if order == 1:
        return lp
    Sm = [[int(S[i, j]) for j in range(r)] for i in range(r)]

    def enc(v):
        return [sum(Sm[i][k] * v[k] for k in range(r)) % s[i] for i in keep]

    den = 1
    for v in rcq.values():
        q = int(v.q)
        den = den * q // math.gcd(den, q)
    gens, costs = [], []
    for j in nonb:
        g = enc([A[i][j] for i in range(r)])
        c = int(rcq[j] * den)
        gens.append(g)
        costs.append(c)
    target = enc([-sum(A[i][j] * lower[j] for j in nonb) for i in range(r)])
    if limit is not None and Fraction(limit) < lp:
        return lp
    lim = np.int64((1 << 62) if limit is None else math.floor((Fraction(limit) - lp) * den))
    dist = _dijkstra_group_jit(np.asarray([s[i] for i in keep], dtype=np.int64),
                               np.asarray(gens, dtype=np.int64).reshape(len(gens), len(keep)),
                               np.asarray(costs, dtype=np.int64), np.asarray(target, dtype=np.int64),
                               lim)
    if dist < 0:  # every coset path costs more than lim: the bound exceeds ``limit``
        return lp + Fraction(int(lim) + 1, den) if limit is not None else None
    return lp + Fraction(int(dist), den)
