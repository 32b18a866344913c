"""Tests for solvers.constant_rank: the constant-rank decision and the known theory.

Oracles: the explicit extremal constructions (constant rank by the Pfaffian-minor argument
in solvers.constant_rank.theory), hand-made families whose Pfaffian is t^2 + 1 (no root over
Q or F3, roots over F5), agreement between the exhaustive and the symbolic methods, and the
dimension formula of Rubei / de Seguins Pazzis (small values checked by hand: a(3,2)=2 is an
affine plane of A_3 missing 0, a(4,4)=2).
"""

import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import InvalidInputError
from solvers.constant_rank import (
    AffineAlternatingSpace,
    NotCoveredError,
    constant_rank_theory,
    extremal_space,
    formula_dimension,
    max_constant_rank_dimension,
)


def E(n, i, j, c=1):
    m = [[0] * n for _ in range(n)]
    m[i][j], m[j][i] = c, -c
    return m


def add(*ms):
    n = len(ms[0])
    return [[sum(m[i][j] for m in ms) for j in range(n)] for i in range(n)]


# --------------------------------------------------------------------------- theory
def test_formula_values():
    # s(n-s-1) for n != r+1, s(s+1) for n = r+1
    assert [formula_dimension(n, 2) for n in range(2, 8)] == [0, 2, 2, 3, 4, 5]
    assert [formula_dimension(n, 4) for n in range(4, 9)] == [2, 6, 6, 8, 10]
    assert formula_dimension(6, 6) == 6 and formula_dimension(7, 6) == 12 and formula_dimension(9, 8) == 20
    assert formula_dimension(5, 0) == 0
    assert max_constant_rank_dimension(7, 4, field="Q") == 8


def test_theory_fields_and_not_covered():
    th = constant_rank_theory(7, 4, 3)  # n >= r+3, |F| >= min(r-1, r/2+2) = 3
    assert th.covered and th.classified and th.dimension == 8 and th.is_valid()
    th = constant_rank_theory(5, 4, 3)  # n <= r+2 needs |F| >= 4
    assert not th.covered and th.dimension is None and th.lower_bound == 6 and th.reason
    assert constant_rank_theory(5, 4, 5).covered and not constant_rank_theory(5, 4, 5).classified
    with pytest.raises(NotCoveredError) as info:
        max_constant_rank_dimension(4, 2, field=2)
    assert "not covered" in str(info.value) and info.value.theory.lower_bound == 2
    assert isinstance(info.value, LookupError)
    for n, r in [(4, 3), (3, 4), (4, -2)]:
        with pytest.raises(InvalidInputError):
            max_constant_rank_dimension(n, r)
    with pytest.raises(InvalidInputError):
        max_constant_rank_dimension(5, 2, field=4)
    with pytest.raises(InvalidInputError):
        extremal_space(5, 2, field="R")


CASES = [(n, r) for n in range(1, 10) for r in range(0, n, 2)]


@pytest.mark.parametrize("field", ["Q", 2, 3, 5])
def test_extremal_spaces_have_constant_rank(field):
    """Every n <= 9 and even r < n: the explicit space has dimension a(n, r) and constant rank r.

    Over F_p the exhaustive scan is used up to 2*10^5 points (the rest by the symbolic
    Pfaffian-minor certificate; the full exhaustive check is in the slow test below).
    """
    for n, r in CASES:
        sp = extremal_space(n, r, field)
        assert sp.dimension == formula_dimension(n, r)
        res = sp.constant_rank(max_points=2 * 10**5)
        assert res.is_constant is True and res.rank == r, (n, r, field, res)
        res.check()
    # n = r as well
    for r in (2, 4, 6, 8):
        assert extremal_space(r, r, field).constant_rank(max_points=2 * 10**5).rank == r


@pytest.mark.slow
@pytest.mark.parametrize("field", [2, 3, 5])
def test_extremal_spaces_exhaustive(field):
    for n, r in CASES:
        sp = extremal_space(n, r, field)
        if field**sp.dimension > 2 * 10**7:
            continue
        res = sp.constant_rank(method="exhaustive", max_points=2 * 10**7)
        assert res.status == "constant" and res.rank == r


# --------------------------------------------------------------------------- decision
def pf_t2_plus_1_family(field):
    """4x4 family with Pf = t^2 + 1: a01 = a23 = t, a02 = 1, a13 = -1."""
    base = add(E(4, 0, 2), E(4, 1, 3, -1))
    return AffineAlternatingSpace(base, [add(E(4, 0, 1), E(4, 2, 3))], field=field)


def test_rational_groebner_certificates():
    res = pf_t2_plus_1_family("Q").constant_rank()
    assert res.is_constant and res.rank == 4 and res.certificate["kind"] == "no_rational_common_zero"
    assert pf_t2_plus_1_family(3).constant_rank().is_constant  # -1 is not a square mod 3
    res5 = pf_t2_plus_1_family(5).constant_rank()
    assert res5.is_constant is False and res5.witness[0] in (2, 3) and res5.witness_rank == 2
    # a01 = t, a02 = 1 - t: no common zero even over C (Groebner basis [1])
    sp = AffineAlternatingSpace(E(3, 0, 2), [add(E(3, 0, 1), E(3, 0, 2, -1))], field="Q")
    res = sp.constant_rank()
    assert res.is_constant and res.certificate["kind"] == "groebner_unit"


def test_rational_witness_for_rank_drop():
    # [[0, 1+t], [-1-t, 0]]: rank 2 except at t = -1
    sp = AffineAlternatingSpace(E(2, 0, 1), [E(2, 0, 1)], field="Q")
    res = sp.constant_rank()
    assert res.is_constant is False and res.witness == (Fraction(-1),) and res.witness_rank == 0
    # a witness with higher rank: generic rank 4 family containing a rank-2 base point
    sp = AffineAlternatingSpace(E(4, 0, 1), [E(4, 2, 3)], field="Q")
    res = sp.constant_rank()
    assert res.is_constant is False and {res.rank, res.witness_rank} == {2, 4}
    assert sp.rank_at(res.witness) == res.witness_rank


def test_unknown_is_explicit():
    # Pf = t1^2 + t2^2 + 1: a positive-dimensional complex variety without rational points
    base = add(E(4, 0, 3), E(4, 1, 2))
    dirs = [add(E(4, 0, 1), E(4, 2, 3)), add(E(4, 0, 2), E(4, 1, 3, -1))]
    res = AffineAlternatingSpace(base, dirs, field="Q").constant_rank()
    assert res.status == "unknown" and res.is_constant is None and "rational points" in res.reason
    # over F3 the same family is decided exhaustively (x^2 + y^2 + 1 has zeros mod 3)
    assert AffineAlternatingSpace(base, dirs, field=3).constant_rank().is_constant is False
    big = extremal_space(9, 4, 5)
    res = big.constant_rank(method="exhaustive", max_points=1000)
    assert res.status == "unknown" and "max_points" in res.reason


def test_exhaustive_profile_and_witness():
    sp = AffineAlternatingSpace(E(4, 0, 1), [E(4, 2, 3), E(4, 0, 2)], field=3)
    prof = sp.rank_profile()
    assert sum(prof.values()) == 9 and prof == {2: 3, 4: 6}
    res = sp.constant_rank()
    assert res.is_constant is False and sp.rank_at(res.witness) == res.witness_rank == 4
    with pytest.raises(InvalidInputError):
        AffineAlternatingSpace(E(4, 0, 1), [], field="Q").rank_profile()


@st.composite
def small_family(draw):
    n = draw(st.integers(2, 5))
    d = draw(st.integers(0, 3))
    m = n * (n - 1) // 2
    vals = draw(st.lists(st.integers(-1, 1), min_size=m * (d + 1), max_size=m * (d + 1)))
    mats = []
    for k in range(d + 1):
        A = [[0] * n for _ in range(n)]
        it = iter(vals[k * m : (k + 1) * m])
        for i, j in itertools.combinations(range(n), 2):
            v = next(it)
            A[i][j], A[j][i] = v, -v
        mats.append(A)
    return mats[0], mats[1:]


@settings(max_examples=30, deadline=None)
@given(small_family(), st.sampled_from([3, 5, 7]))
def test_exhaustive_and_symbolic_agree(fam, p):
    base, dirs = fam
    try:
        sp = AffineAlternatingSpace(base, dirs, field=p)
    except InvalidInputError:
        return  # dependent directions
    ex = sp.constant_rank(method="exhaustive")
    sy = sp.constant_rank(method="symbolic")
    if sy.status != "unknown":
        assert sy.is_constant == ex.is_constant
        if ex.is_constant:
            assert sy.rank == ex.rank
    if not ex.is_constant:
        assert sp.rank_at(ex.witness) != ex.rank


@settings(max_examples=15, deadline=None)
@given(st.integers(3, 6), st.integers(0, 10**6))
def test_congruent_copies_of_extremal_spaces(n, seed):
    """X^T S X for invertible X keeps constant rank (rank is a congruence invariant)."""
    from flint import nmod_mat

    p = 3
    rng = np.random.default_rng(seed)
    for r in range(2, n + 1, 2):
        sp = extremal_space(n, r, p)
        while True:
            X = rng.integers(0, p, (n, n))
            if nmod_mat(X.tolist(), p).rank() == n:
                break
        conj = lambda M, X=X: ((X.T @ np.array(M) @ X) % p).tolist()  # noqa: E731
        sp2 = AffineAlternatingSpace(conj(sp.base), [conj(D) for D in sp.directions], field=p)
        res = sp2.constant_rank(max_points=10**5)
        assert res.status in ("constant", "unknown")
        if res.status == "constant":
            assert res.rank == r


# --------------------------------------------------------------------------- bad input
def test_bad_input_messages():
    with pytest.raises(InvalidInputError, match=r"directions\[1\] lies in the span"):
        AffineAlternatingSpace(E(3, 0, 1), [E(3, 0, 2), E(3, 0, 2, 2)], field="Q")
    with pytest.raises(InvalidInputError, match=r"directions\[0\] is 2x2 but the base is 3x3"):
        AffineAlternatingSpace(E(3, 0, 1), [E(2, 0, 1)])
    with pytest.raises(InvalidInputError, match=r"directions\[0\]: matrix is not alternating"):
        AffineAlternatingSpace(E(3, 0, 1), [[[0, 1, 0], [1, 0, 0], [0, 0, 0]]])
    with pytest.raises(InvalidInputError, match=r"base: .*diagonal"):
        AffineAlternatingSpace([[1, 0], [0, 0]], [])
    with pytest.raises(InvalidInputError, match="dependent over F3"):
        AffineAlternatingSpace(E(3, 0, 1), [E(3, 0, 2), E(3, 0, 2, 4)], field=3)
    with pytest.raises(InvalidInputError, match="zero matrix"):
        AffineAlternatingSpace(E(3, 0, 1), [E(3, 0, 2, 3)], field=3)
    with pytest.raises(InvalidInputError):
        AffineAlternatingSpace(E(3, 0, 1), [], field=6)
    sp = AffineAlternatingSpace(E(3, 0, 1), [E(3, 0, 2)], field="Q")
    with pytest.raises(InvalidInputError):
        sp.constant_rank(method="exhaustive")
    with pytest.raises(InvalidInputError):
        sp.constant_rank(method="magic")
    with pytest.raises(InvalidInputError):
        sp.point([1, 2])


def test_json_round_trip():
    sp = extremal_space(6, 4, 5)
    js = sp.to_json()
    assert js["n"] == 6 and js["field"] == 5 and len(js["directions"]) == sp.dimension
    assert AffineAlternatingSpace.from_json(js) == sp
    q = AffineAlternatingSpace([[0, Fraction(1, 2)], [Fraction(-1, 2), 0]], [], field="Q")
    assert AffineAlternatingSpace.from_json(q.to_json()) == q
    with pytest.raises(InvalidInputError):
        AffineAlternatingSpace.from_json({"n": 3, "base": E(2, 0, 1)})
    with pytest.raises(InvalidInputError):
        AffineAlternatingSpace.from_json("{not json")
    assert AffineAlternatingSpace.from_json({"field": "F3", "base": E(2, 0, 1), "directions": []}).field == 3
