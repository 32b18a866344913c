"""Proved upper bounds (solvers.constant_rank.bounds) against the plain exhaustive search.

Oracle: ``exact_max_dimension`` (branch and bound over all of A_n(F_q)) on the tiny cases; every
bound derived without it (theorem, deletion, counting) must be >= the exhaustive value, and a
value is proved only when a verified space attains the bound.
"""

import pytest

from engine.errors import InvalidInputError
from solvers.constant_rank import (
    NotCoveredError,
    best_upper_bound,
    constant_rank_theory,
    count_rank_matrices,
    max_constant_rank_dimension,
    proved_value,
)
from solvers.constant_rank.bounds import upper_bound_by
from solvers.constant_rank.optimality import exact_max_dimension

TINY = [(3, 2, 2), (4, 2, 2), (4, 4, 2), (3, 2, 3), (4, 2, 3), (5, 2, 2)]


@pytest.mark.parametrize("n, r, q", TINY)
def test_bounds_without_the_exhaustive_search_are_sound(n, r, q):
    exact = exact_max_dimension(n, r, q, max_elements=1024).dimension
    for method in ("theorem", "deletion", "incidence", "counting"):
        u = upper_bound_by(method, n, r, q, 0)  # exact_limit 0: the branch and bound is not run
        assert u is None or u[0] >= exact, (method, u, exact)
    b = best_upper_bound(n, r, q, exact_limit=0)
    assert b is None or b[0] >= exact
    pv = proved_value(n, r, q, exact_limit=1024)
    assert pv["value"] in (None, exact) and pv["lower"] <= exact <= (pv["upper"] or exact)


def test_rank_counts_sum_to_the_whole_space():
    for q in (2, 3, 4, 5):
        for n in range(1, 7):
            assert sum(count_rank_matrices(n, r, q) for r in range(0, n + 1, 2)) == q ** (n * (n - 1) // 2)


def test_open_table_entries_n_le_7():
    """The entries of the n <= 7 table that stay open: (6,4), (6,6), (7,6) over every finite
    field of the table and (7,4) over F2, with the bounds we can prove."""
    open_cases = []
    for q in (2, 3, 4, 5, 7, 8, 9):
        for n in range(1, 8):
            for r in range(2, n + 1, 2):
                if not constant_rank_theory(n, r, q).proved:
                    open_cases.append((n, r, q))
    want = sorted([(n, r, q) for q in (2, 3, 4, 5, 7, 8, 9) for n, r in ((6, 4), (6, 6), (7, 6))] + [(7, 4, 2)])
    assert sorted(open_cases) == want
    th = constant_rank_theory(7, 6, 2)
    assert (th.best_lower, th.upper_bound, th.upper_method) == (12, 16, "deletion")


def test_bad_input():
    for args in [(4, 3, 2), (3, 4, 2), (4, 2, 6), (4, 2, "R")]:
        with pytest.raises(InvalidInputError):
            proved_value(*args)
        with pytest.raises(InvalidInputError):
            best_upper_bound(*args)
    with pytest.raises(InvalidInputError, match="exact_limit"):
        proved_value(4, 2, 2, exact_limit=-1)
    for bad in ("magic", None, 3):
        with pytest.raises(InvalidInputError, match="method="):
            upper_bound_by(bad, 6, 4, 2)
    with pytest.raises(InvalidInputError, match="field"):
        upper_bound_by("counting", 6, 4, 6)
    assert max_constant_rank_dimension(100, 2, "Q") == 98  # large n: the theorem only, no recursion
    with pytest.raises(NotCoveredError) as info:
        max_constant_rank_dimension(100, 98, 2)
    assert info.value.theory.upper_bound is None


@pytest.mark.parametrize("q", [2, 3, 4, 5, 7, 8, 9])
def test_incidence_counts_sharpen_the_open_entries(q):
    """The incidence counts of solvers.constant_rank.bounds: a(n, n) <= a(n-1, n-2) + n - 2 and,
    for r < n, a(n, r) <= a(n-1, r) + e with q^e (q^(n-r) - 1) <= q^n - 1. With a(5, 4) = 6:
    a(6, 6) <= 10 and a(6, 4) <= 10 (the deletion bound gives 11), a(7, 6) <= 16 (17 before),
    and over F2 a(7, 4) <= 14 (17 before)."""
    assert upper_bound_by("incidence", 6, 6, q)[0] == 10 < upper_bound_by("deletion", 6, 6, q, 0)[0] + 1
    assert upper_bound_by("incidence", 6, 4, q)[0] == 10
    assert best_upper_bound(6, 4, q)[:2] == (10, "incidence") and best_upper_bound(6, 6, q)[:2] == (10, "incidence")
    assert best_upper_bound(7, 6, q)[0] == 16
    if q == 2:
        assert best_upper_bound(7, 4, 2)[:2] == (14, "incidence")


def test_incidence_exponent_is_the_largest():
    # q^e (q^k - 1) <= q^n - 1 < q^(e+1) (q^k - 1): e = r for k >= 2, e = n - 1 for k = 1
    for q in (2, 3, 4, 5):
        for n in range(3, 9):
            for r in range(2, n, 2):
                k = n - r
                u = upper_bound_by("incidence", n, r, q, 0)
                sub = best_upper_bound(n - 1, r, q, exact_limit=0)
                e = u[0] - sub[0]
                assert q**e * (q**k - 1) <= q**n - 1 < q ** (e + 1) * (q**k - 1)
                assert e == (n - 1 if k == 1 else r)
