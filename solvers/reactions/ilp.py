"""Exact small integer programs ``min c.x  s.t.  A x = b, l <= x <= u, x integer``.

Used for the canonical (minimum total coefficient) balance and for its tie-breaker. The
method is LP-based branch and bound in which *every* pruning decision is proved in exact
rational arithmetic, so the answer is the true optimum, never a heuristic one:

- each node's LP relaxation is solved in floating point (HiGHS via SciPy) only to obtain a
  dual vector ``y``; the node's lower bound is then recomputed exactly by weak Lagrangian
  duality, ``c.x >= b.y + sum_j min((c - A^T y)_j l_j, (c - A^T y)_j u_j)`` for every
  ``x`` in the box, with ``y`` rounded to a rational (Neumaier and Shcherbina, "Safe bounds
  in linear and mixed-integer linear programming", Math. Program. 99 (2004) 283-296);
- node LPs are elastic (each equality gets penalised slacks), so they are always feasible;
  an infeasible box is closed by the same exact bound exceeding the incumbent (the dual
  of the penalised LP is a Farkas-type certificate), or split further;
- integer candidates are checked exactly (``A x == b`` over the integers) before they
  become incumbents; since ``c`` is integral the bound is rounded up.

Variables without an upper bound get the implied bound ``u_j = (UB - sum_k c_k l_k) / c_j``
from the incumbent (valid when ``c > 0``), which keeps every node finite.

Examples:
    >>> from solvers.reactions.ilp import solve_ilp
    >>> sol = solve_ilp([[1, 1, -1, -2]], [0], lower=[1, 1, 1, 1], incumbent=[2, 2, 2, 1])   # x1 + x2 = x3 + 2 x4
    >>> sol.x, sol.value
    ((1, 2, 1, 1), 5)
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from engine.errors import InvalidInputError

__all__ = ["IlpSolution", "solve_ilp", "lp_relaxation"]

_SCALE = 1 << 24  # denominator used to round dual vectors to rationals


@dataclass(frozen=True)
class IlpSolution:
    """An exactly verified optimum of an integer program.

    Attributes:
        x: the optimal integer vector (ties broken by the caller's objective).
        value: ``c.x`` (an int).
        lower_bound: the proved lower bound at the end (equals ``value``).
        nodes: number of branch-and-bound nodes explored.
    """

    x: tuple[int, ...]
    value: int
    lower_bound: int
    nodes: int


def _linprog(c, A, b, lo, hi):
    from scipy.optimize import linprog  # local import: SciPy is only needed here

    bounds = [(float(a), None if h is None else float(h)) for a, h in zip(lo, hi, strict=False)]
    return linprog(c, A_eq=A, b_eq=b, bounds=bounds, method="highs")


def lp_relaxation(A, b, c, lower, upper=None):
    """Solve the LP relaxation in floating point; returns ``(x, y)`` or ``None`` if infeasible.

    Args:
        A: equality matrix (list of rows of ints).
        b: right-hand side.
        c: objective.
        lower: lower bounds.
        upper: upper bounds (``None`` entries for +infinity).

    Examples:
        >>> from solvers.reactions.ilp import lp_relaxation
        >>> x, y = lp_relaxation([[1, -2]], [0], [1, 1], [1, 1])
        >>> [round(float(v), 6) for v in x]
        [2.0, 1.0]
    """
    n = len(c)
    upper = upper if upper is not None else [None] * n
    res = _linprog(np.asarray(c, float), np.asarray(A, float), np.asarray(b, float), lower, upper)
    if res.status != 0:
        return None
    return res.x, res.eqlin.marginals


def solve_ilp(A, b, *, lower, upper=None, c=None, incumbent, max_nodes: int = 100000,
              slack_cost: float = 1e4) -> IlpSolution:
    """Exact branch and bound for ``min c.x, A x = b, lower <= x <= upper, x in Z^n``.

    Args:
        A: equality constraints, rows of integers.
        b: right-hand side (integers).
        lower: integer lower bounds.
        upper: integer upper bounds, ``None`` entries meaning +infinity (allowed only where
            ``c_j > 0``: the incumbent then implies a finite bound).
        c: non-negative integer objective (default all ones).
        incumbent: a feasible integer point (checked exactly); it starts the search.
        max_nodes: safety limit on nodes.
        slack_cost: cost of the elastic slacks that keep node LPs feasible.

    Returns:
        The optimum (the smallest ``c.x``; the point returned among equal values is the
        first one found), verified exactly, with the number of nodes.

    Raises:
        InvalidInputError: bad shapes, a negative objective, an infeasible incumbent or an
            unbounded variable with zero cost.
        NoConvergenceError: more than ``max_nodes`` nodes were needed.

    Examples:
        >>> from solvers.reactions.ilp import solve_ilp
        >>> solve_ilp([[2, -3]], [0], lower=[1, 1], incumbent=[6, 4]).x   # 2 x = 3 y
        (3, 2)
    """
    from engine.errors import NoConvergenceError

    A = [[int(v) for v in row] for row in A]
    b = [int(v) for v in b]
    n = len(lower)
    m = len(A)
    c = [1] * n if c is None else [int(v) for v in c]
    if any(len(row) != n for row in A) or len(b) != m or len(c) != n:
        raise InvalidInputError("solve_ilp: A, b, c and lower have inconsistent sizes")
    if any(v < 0 for v in c):
        raise InvalidInputError("solve_ilp: the objective c must be non-negative")
    lo0 = [int(v) for v in lower]
    hi0 = [None if (upper is None or upper[j] is None) else int(upper[j]) for j in range(n)]
    if any(h is None and cj == 0 for h, cj in zip(hi0, c, strict=False)):
        raise InvalidInputError("solve_ilp: a variable with zero cost needs a finite upper bound")
    Ai = np.asarray(A, dtype=object).reshape(m, n)

    def feasible_int(x) -> bool:
        if any(x[j] < lo0[j] or (hi0[j] is not None and x[j] > hi0[j]) for j in range(n)):
            return False
        return all(sum(A[i][j] * x[j] for j in range(n) if A[i][j]) == b[i] for i in range(m))

    best_x = [int(v) for v in incumbent]
    if len(best_x) != n or not feasible_int(best_x):
        raise InvalidInputError("solve_ilp: the incumbent is not a feasible integer point")
    best_v = sum(cj * xj for cj, xj in zip(c, best_x, strict=False))

    # elastic LP: variables x (n), s+ (m), s- (m)
    eye = np.eye(m)
    A_el = np.hstack([np.asarray(A, dtype=float).reshape(m, n), eye, -eye])
    c_el = np.concatenate([np.asarray(c, float), np.full(2 * m, slack_cost)])
    bf = np.asarray(b, dtype=float)

    def caps(lo, hi):
        base = sum(cj * lj for cj, lj in zip(c, lo, strict=False))
        out = []
        for j in range(n):
            h = hi[j]
            if c[j] > 0:
                cap = lo[j] + (best_v - base) // c[j]
                h = cap if h is None else min(h, cap)
            out.append(h)
        return out

    counter = 0
    heap: list = [(Fraction(-10**30), counter, lo0, hi0)]
    nodes = 0
    while heap:
        bound, _, lo, hi = heapq.heappop(heap)
        if math.ceil(bound) >= best_v:
            continue  # exact bound: nothing strictly better in this node
        nodes += 1
        if nodes > max_nodes:
            raise NoConvergenceError(
                f"solve_ilp: more than max_nodes={max_nodes} branch-and-bound nodes; raise max_nodes"
            )
        hi = caps(lo, hi)
        if any(h < lb for lb, h in zip(lo, hi, strict=False)):
            continue  # empty box
        bounds = [(float(lb), float(h)) for lb, h in zip(lo, hi, strict=False)] + [(0.0, None)] * (2 * m)
        res = _highs(c_el, A_el, bf, bounds)
        if res.status != 0:
            raise NoConvergenceError(f"solve_ilp: LP solver status {res.status}: {res.message}")
        sb = _safe_bound(Ai, b, c, lo, hi, res.eqlin.marginals)
        if math.ceil(sb) >= best_v:
            continue  # proved: no strictly better point in this box
        x = res.x[:n]
        xr = [int(round(v)) for v in x]
        if feasible_int(xr):
            v = sum(cj * xj for cj, xj in zip(c, xr, strict=False))
            if v < best_v:
                best_x, best_v = xr, v
                if math.ceil(sb) >= best_v:
                    continue
        frac = np.abs(x - np.round(x))
        j = int(np.argmax(frac))
        if frac[j] > 1e-7:
            split = math.floor(x[j])
        else:  # integral LP point that is not feasible (slack used): bisect the widest range
            j = max(range(n), key=lambda k: hi[k] - lo[k])
            if hi[j] == lo[j]:
                continue  # a single point, and it is not feasible
            split = (lo[j] + hi[j]) // 2
        for a, h in ((lo[j], split), (split + 1, hi[j])):
            if h < a:
                continue
            lo2, hi2 = list(lo), list(hi)
            lo2[j], hi2[j] = a, h
            counter += 1
            heapq.heappush(heap, (sb, counter, lo2, hi2))
    return IlpSolution(x=tuple(best_x), value=best_v, lower_bound=best_v, nodes=nodes)


def _highs(c, A, b, bounds):
    from scipy.optimize import linprog  # local import: SciPy is only needed here

    return linprog(c, A_eq=A, b_eq=b, bounds=bounds, method="highs")


def _safe_bound(Ai, b, c, lo, hi, y) -> Fraction:
    """Exact lower bound of ``c.x`` over ``{A x = b, lo <= x <= hi}`` from a rounded dual ``y``.

    For any ``y``: ``c.x = b.y + (c - A^T y).x`` on the affine space, and the last term is
    at least ``sum_j min(r_j lo_j, r_j hi_j)`` on the box. ``y`` is rounded to
    ``Y / 2^24`` with integer ``Y`` so everything is exact integer arithmetic.
    """
    Y = np.array([int(round(float(v) * _SCALE)) for v in y], dtype=object)
    r = np.asarray(c, dtype=object) * _SCALE - Ai.T.dot(Y) if len(Y) else np.asarray(c, dtype=object) * _SCALE
    total = sum(int(bi) * int(Yi) for bi, Yi in zip(b, Y, strict=False))
    for j, rj in enumerate(r):
        rj = int(rj)
        total += rj * (lo[j] if rj >= 0 else hi[j])
    return Fraction(total, _SCALE)
