"""Exact canonical (minimum-total, lexicographically smallest) balances of large systems.

Oracles: brute-force enumeration of every point with a bounded total on small systems
(hypothesis), HiGHS' MILP optimum on the benchmark's random 100-species systems (checked
when these tests were written and, for several seeds, again in the slow test), and the
textbook ``C + O2 -> CO + CO2`` (3 C + 2 O2 -> 2 CO + CO2, total 8).
"""

from __future__ import annotations

import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import InfeasibleError, VerificationError
from solvers.reactions.canonical import min_sum_balance
from solvers.reactions.equation import parse_equation
from solvers.reactions.gomory import (
    GroupSolution,
    exact_lp_basis,
    group_min_sum,
    verify_group_solution,
)
from solvers.reactions.lattice import composition_matrix

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import bench_reactions  # noqa: E402


def _matrix(eq: str):
    e = parse_equation(eq)
    return [list(r) for r in composition_matrix(e.species, e.signs)[1]]


def _brute(M, lower, cap):
    """All points ``x >= lower`` of ``M x = 0`` with ``sum(x) <= cap``: (min total, lex-min x, count)."""
    n = len(lower)
    best = None
    count = 0

    def rec(j, x, left):
        nonlocal best, count
        if j == n:
            if all(sum(a * v for a, v in zip(row, x, strict=True)) == 0 for row in M):
                key = (sum(x), tuple(x))
                if best is None or key[0] < best[0]:
                    best, count = key, 1
                elif key[0] == best[0]:
                    count += 1
                    best = min(best, key)
            return
        for v in range(lower[j], lower[j] + left + 1):
            x.append(v)
            rec(j + 1, x, left - (v - lower[j]))
            x.pop()

    rec(0, [], cap - sum(lower))
    return best[0], best[1], count


@st.composite
def _systems(draw):
    """Random integer systems with a known positive balance ``x0`` (so a minimum exists)."""
    n = draw(st.integers(3, 6))
    m = draw(st.integers(1, 3))
    x0 = [draw(st.integers(1, 3)) for _ in range(n - 1)] + [1]
    rows = []
    for _ in range(m):
        r = [draw(st.integers(-3, 3)) for _ in range(n - 1)]
        r.append(-sum(a * v for a, v in zip(r, x0, strict=False)))
        rows.append(r)
    lower = [draw(st.sampled_from([1, 1, 1, 0])) for _ in range(n)]
    lower[-1] = 1
    return rows, lower, x0


@settings(max_examples=60, deadline=None)
@given(_systems(), st.sampled_from([None, 2, 6]))
def test_group_enumeration_matches_brute_force(system, max_order):
    """Minimum total and lexicographic tie-break equal brute force, with the full group
    and with small quotient groups (which must stay complete)."""
    rows, lower, x0 = system
    total, x, _count = _brute(rows, lower, sum(x0))
    sol = group_min_sum(rows, lower, max_order=max_order)
    assert sol.certified and sol.stop == "optimal"
    assert (sol.total, sol.x) == (total, x)
    assert sol.lp_bound <= total


@settings(max_examples=40, deadline=None)
@given(_systems())
def test_min_sum_balance_matches_brute_force(system):
    """Every exact path of ``min_sum_balance`` (unique, line, B&B, group) agrees with brute force."""
    rows, lower, x0 = system
    total, x, _count = _brute(rows, lower, sum(x0))
    try:
        res = min_sum_balance(rows, lower)
    except InfeasibleError:  # pragma: no cover - x0 is a positive balance
        pytest.fail("a positive balance exists by construction")
    assert res.certified
    assert res.total == total
    # rank 1 (unique) scales the primitive vector, which is also the minimum
    assert res.x == x


@settings(max_examples=40, deadline=None)
@given(_systems())
def test_exact_lp_basis_is_optimal(system):
    """The basis is exactly primal and dual feasible, from a HiGHS hint or from phase 1."""
    rows, lower, _x0 = system
    import flint

    from solvers.reactions.gomory import _independent_rows

    piv = _independent_rows(rows, len(lower))
    A = [rows[i] for i in piv]
    b = [-sum(a * lv for a, lv in zip(row, lower, strict=True)) for row in A]
    for hint in (None, "highs"):
        h = None
        if hint and A:
            from solvers.reactions.gomory import _lp_hint

            h = _lp_hint(A, b)
        lb = exact_lp_basis(A, b, [1] * len(lower), hint=h)
        assert lb is not None
        assert all(v >= 0 for v in lb.beta) and all(v >= 0 for v in lb.reduced)
        assert all(lb.reduced[j] == 0 for j in lb.basis)
        # B beta = b exactly
        for i, row in enumerate(A):
            assert sum(row[j] * v for j, v in zip(lb.basis, lb.beta, strict=True)) == b[i]
        assert flint.fmpz_mat([[row[j] for j in lb.basis] for row in A]).rank() == len(A)


def test_exact_lp_basis_infeasible_and_textbook():
    # y1 + y2 = -1 has no solution y >= 0
    assert exact_lp_basis([[1, 1]], [-1]) is None
    lb = exact_lp_basis([[1, -2, 0], [0, 1, -3]], [0, 1])
    assert lb.value == Fraction(3) and lb.pivots >= 0


def test_textbook_multiple_balances():
    """C + O2 -> CO + CO2: the canonical balance 3 C + 2 O2 -> 2 CO + CO2 (total 8)."""
    M = _matrix("C + O2 -> CO + CO2")
    sol = group_min_sum(M, [1, 1, 1, 1])
    assert (sol.x, sol.total, sol.certified) == ((3, 2, 2, 1), 8, True)
    verify_group_solution(M, [1, 1, 1, 1], sol)


def _with_ties():
    """A small system with several minimum-total points (found by brute force)."""
    rng = np.random.default_rng(5)
    while True:
        n = 6
        x0 = [int(v) for v in rng.integers(1, 4, n - 1)] + [1]
        rows = []
        for _ in range(2):
            r = [int(v) for v in rng.integers(-3, 4, n - 1)]
            r.append(-sum(a * v for a, v in zip(r, x0, strict=False)))
            rows.append(r)
        total, x, count = _brute(rows, [1] * n, sum(x0))
        if count >= 2:
            return rows, total, x


def test_certificate_rejects_wrong_answers():
    """A non-minimal balance, a non-lexicographically-smallest tie and a wrong total are
    all rejected by the independent re-proof."""
    rows, total, x = _with_ties()
    n = len(x)
    sol = group_min_sum(rows, [1] * n)
    assert sol.optima >= 1 and sol.x == x and sol.total == total
    verify_group_solution(rows, [1] * n, sol)
    # another minimum-total point: a tie that is not the lexicographically smallest
    others = []

    def rec(j, cur, left):
        if j == n:
            if left == 0 and all(sum(a * v for a, v in zip(r, cur, strict=True)) == 0 for r in rows):
                others.append(tuple(cur))
            return
        for v in range(1, left + 2):
            rec(j + 1, cur + [v], left - (v - 1))

    rec(0, [], total - n)
    tie = next(t for t in others if t != x)
    fake = GroupSolution(**{**sol.__dict__, "x": tie})
    with pytest.raises(VerificationError, match="lexicographically"):
        verify_group_solution(rows, [1] * n, fake)
    # a balance with a larger total (twice the minimum)
    double = GroupSolution(**{**sol.__dict__, "x": tuple(2 * v for v in x), "total": 2 * total})
    with pytest.raises(VerificationError):
        verify_group_solution(rows, [1] * n, double)
    # a claimed total that does not match the point
    with pytest.raises(VerificationError, match="total"):
        verify_group_solution(rows, [1] * n, GroupSolution(**{**sol.__dict__, "total": total - 1}))
    # a point that does not balance
    bad = tuple(v + (1 if i == 0 else 0) for i, v in enumerate(x))
    with pytest.raises(VerificationError, match="balance"):
        verify_group_solution(rows, [1] * n, GroupSolution(**{**sol.__dict__, "x": bad, "total": sum(bad)}))
    # an uncertified answer is never accepted
    with pytest.raises(VerificationError, match="not certified"):
        verify_group_solution(rows, [1] * n, GroupSolution(**{**sol.__dict__, "certified": False}))


def test_dual_infeasible_basis_is_refused():
    """The enumeration is only complete at a dual-feasible basis: a basis with a negative
    reduced cost is rejected before any search."""
    from solvers.reactions.gomory import LpBasis, _group_problem

    A, b = [[1, -2, 0], [0, 1, -3]], [0, 1]
    good = exact_lp_basis(A, b)
    bad = LpBasis(basis=good.basis, beta=good.beta, reduced=(Fraction(-1),) + good.reduced[1:],
                  value=good.value, pivots=0)
    with pytest.raises(VerificationError, match="negative reduced cost"):
        _group_problem(A, b, [1, 1, 1], bad, 1000)


def test_node_limit_is_reported_not_claimed():
    """Past its node limit the enumeration says so; min_sum_balance then falls back to the
    MILP and marks the answer uncertified."""
    M = _matrix(bench_reactions._random_canonical(20, 10, 2))
    n = len(M[0])
    sol = group_min_sum(M, [1] * n, max_nodes=3)
    assert not sol.certified and sol.stop == "node-limit"
    res = min_sum_balance(M, [1] * n, max_nodes=3)
    assert not res.certified and res.method in {"milp", "milp-certified"}
    exact = min_sum_balance(M, [1] * n)
    assert exact.certified and exact.method == "group-enumeration"
    assert res.total == exact.total  # HiGHS agrees with the proved minimum here


def test_benchmark_case_100_species():
    """The benchmark's 100 species over 10 elements (90 independent balances), seed 1:
    minimum total 130 (HiGHS' MILP gives the same), proved, and re-proved independently."""
    M = _matrix(bench_reactions._random_canonical(100, 10, 1))
    n = len(M[0])
    res = min_sum_balance(M, [1] * n)
    assert res.method == "group-enumeration" and res.certified
    assert res.total == 130 and len(res.basis) == 90
    assert not any(sum(a * v for a, v in zip(row, res.x, strict=True)) for row in M)
    sol = group_min_sum(M, [1] * n)
    assert sol.x == res.x and sol.optima >= 1
    verify_group_solution(M, [1] * n, sol)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(1, 13))
def test_random_100_species_against_highs(seed):
    """Random 100 x 10 systems: the proved minimum equals HiGHS' MILP optimum."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    M = _matrix(bench_reactions._random_canonical(100, 10, seed))
    n = len(M[0])
    sol = group_min_sum(M, [1] * n)
    assert sol.certified
    A = np.asarray(M, float)
    ref = milp(np.ones(n), constraints=LinearConstraint(A, 0, 0), integrality=np.ones(n),
               bounds=Bounds(np.ones(n), np.full(n, 400.0)), options={"mip_rel_gap": 0.0})
    assert round(ref.fun) == sol.total


def test_unknown_element_message_names_the_span():
    """Parser errors give the start column and, for two-letter symbols, the whole span."""
    from engine.errors import InvalidInputError
    from solvers.reactions import parse_species

    with pytest.raises(InvalidInputError, match=r"unknown element 'Xx' at column 1 of 'Xx2O' \(columns 1-2\)"):
        parse_species("Xx2O")
    with pytest.raises(InvalidInputError, match=r"at column 3 of 'H2Xx' \(columns 3-4\)"):
        parse_species("H2Xx")
