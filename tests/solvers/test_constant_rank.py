"""Tests for solvers.constant_rank: the constant-rank decision and the known theory.

Oracles: the explicit extremal constructions (constant rank by the Pfaffian-minor argument
in solvers.constant_rank.theory), hand-made families whose Pfaffian is t^2 + 1 (no root over
Q or F3, roots over F5), agreement between the exhaustive and the symbolic methods, and the
dimension formula of Rubei (arXiv:2209.07633, Theorem 6) / de Seguins Pazzis (arXiv:2307.10347,
abstract) with the field conditions stated there, the elementary cases proved in
solvers.constant_rank.theory (a(2,2)=0, a(3,2)=2 over every field; a(4,2)=2 for |F| >= 3), and
our exhaustively verified small-field spaces that exceed the formula.
"""

import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import InvalidInputError, VerificationError
from solvers.constant_rank import (
    AffineAlternatingSpace,
    NotCoveredError,
    best_found,
    constant_rank_by_slices,
    constant_rank_theory,
    extremal_space,
    formula_dimension,
    formula_space,
    frobenius_space,
    max_constant_rank_dimension,
    pointwise_vanishing_certificate,
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
    # s(n-s-1) for n != r+1, s(s+1) for n = r+1: the value of Rubei (arXiv:2209.07633 v3,
    # Theorem 6, over R) that de Seguins Pazzis (arXiv:2307.10347, abstract) extends to large
    # fields; the lower bound is also checked by the explicit spaces below
    assert [formula_dimension(n, 2) for n in range(2, 8)] == [0, 2, 2, 3, 4, 5]
    assert [formula_dimension(n, 4) for n in range(4, 9)] == [2, 6, 6, 8, 10]
    assert formula_dimension(6, 6) == 6 and formula_dimension(7, 6) == 12 and formula_dimension(9, 8) == 20
    assert formula_dimension(5, 0) == 0
    assert max_constant_rank_dimension(7, 4, field="Q") == 8


def test_theory_over_q_cites_both_papers():
    # Q is infinite, so of "large enough cardinality" (de Seguins Pazzis 2023, abstract)
    for n, r in [(4, 4), (5, 4), (6, 4), (7, 4), (9, 6)]:
        th = constant_rank_theory(n, r, "Q")
        assert th.covered and th.dimension == formula_dimension(n, r) and th.is_valid()
        assert "2307.10347" in th.reference and "Theorem 6" in th.reference
        assert th.classified == (n >= r + 3)  # classification only for n >= r+3 (abstract)


def test_theory_finite_fields_n_ge_r_plus_3():
    """de Seguins Pazzis 2023 (abstract): extremal spaces determined for n >= r+3 and
    |F| >= min(r-1, r/2+2), i.e. |F| >= 1, 3, 5, 6 for r = 2, 4, 6, 8."""
    for r, smallest in [(2, 2), (4, 3), (6, 5), (8, 7)]:
        n = r + 3
        th = constant_rank_theory(n, r, smallest)
        assert th.covered and th.classified and th.dimension == formula_dimension(n, r)
        assert "min(r-1, r/2+2)" in th.reference
    for r, too_small in [(4, 2), (6, 3), (8, 5)]:
        th = constant_rank_theory(r + 3, r, too_small)
        assert not th.covered and th.dimension is None and "fewer than" in th.reason
    assert max_constant_rank_dimension(7, 4, field=3) == 8


def test_theory_elementary_cases():
    # A_2, A_3: every nonzero matrix has rank 2, so a = dim A_n - 1 over every field
    for p in (2, 3, 5, 7):
        assert max_constant_rank_dimension(2, 2, field=p) == 0
        assert max_constant_rank_dimension(3, 2, field=p) == 2
        assert max_constant_rank_dimension(6, 0, field=p) == 0
    # (4, 2), |F| >= 3: the Pfaffian quadric has Witt index 3 (proof in the module docstring);
    # exact_max_dimension(4, 2, 3) == 2 in tests/search/test_altspaces.py agrees
    for p in (3, 5, 7):
        th = constant_rank_theory(4, 2, p)
        assert th.covered and th.dimension == 2 and th.reference.startswith("elementary")
    # over F2 the Pfaffian t^2 + t vanishes on F2 without vanishing identically: a(4,2) = 3,
    # not by a theorem but by the exhaustive branch and bound (run: 2^6 elements)
    th = constant_rank_theory(4, 2, 2)
    assert not th.covered and th.best_found == 3 and th.best_found_proved
    assert th.proved and th.value == 3 and th.proved_by == "exact" and th.is_valid()


def test_theory_not_covered_n_le_r_plus_2():
    """For n <= r+2 (n >= 4) the field bound of the dimension theorem was not confirmed: no
    finite field is claimed; the answer carries the lower bound and the stored best."""
    for n, r, p in [(5, 4, 3), (5, 4, 5), (6, 4, 5), (6, 4, 7), (4, 4, 2), (8, 6, 5), (6, 6, 7)]:
        th = constant_rank_theory(n, r, p)
        assert not th.covered and th.dimension is None and th.is_valid()
        assert th.lower_bound == formula_dimension(n, r) and "not confirmed" in th.reason
    th = constant_rank_theory(4, 4, 3)  # proved by the exhaustive branch and bound
    assert th.best_found == 2 and th.best_found_proved
    # and by the elementary Klein-quadric argument for every q >= 3 (theory docstring)
    assert th.covered and th.dimension == 2
    with pytest.raises(NotCoveredError) as info:
        max_constant_rank_dimension(6, 6, field=7)
    th = info.value.theory
    assert "not covered" in str(info.value) and th.lower_bound == 6 == th.best_lower
    assert th.upper_bound == 10 and th.upper_method == "incidence" and "<= 10" in str(info.value)
    assert isinstance(info.value, LookupError)
    for n, r in [(4, 3), (3, 4), (4, -2)]:
        with pytest.raises(InvalidInputError):
            max_constant_rank_dimension(n, r)
    with pytest.raises(InvalidInputError):
        max_constant_rank_dimension(5, 2, field=16)
    with pytest.raises(InvalidInputError):
        extremal_space(5, 2, field="R")


@pytest.mark.parametrize("p, n, r, dim", [(2, 4, 2, 3), (2, 6, 4, 7), (2, 8, 6, 13), (3, 6, 4, 7)])
def test_small_field_spaces_beat_formula(p, n, r, dim):
    """Our stored spaces above the formula (n = r+2, p <= r/2+1): re-verified at all p^d points,
    and the certificate shows why the field is too small: the Pfaffian of order r+2 is a
    nonzero polynomial (some variable of degree >= p) vanishing at every F_p-point."""
    sp = AffineAlternatingSpace.from_json(best_found(n, r, p)["space"])
    assert sp.dimension == dim > formula_dimension(n, r) and sp.field == p
    res = sp.constant_rank(method="exhaustive")
    assert res.status == "constant" and res.rank == r and res.certificate["points"] == p**dim
    cert = pointwise_vanishing_certificate(sp, r + 2)
    assert cert["vanish_at_every_point"] and cert["nonzero_polynomials"] == 1
    assert cert["max_variable_degree"] >= p and p <= r // 2 + 1


@pytest.mark.parametrize("r, p", [(2, 2), (4, 2), (6, 2), (4, 3), (6, 3), (8, 3), (8, 5)])
def test_frobenius_space_beats_formula_for_every_small_field(r, p):
    """frobenius_space: n = r+2, p <= r/2+1, dimension s(s+1)+1 = formula + 1, Pfaffian
    +-(t^p - t) (vanishes at every point, not identically). Checked exhaustively when
    p^d <= 3*10^6, and always by the exact slice decomposition."""
    s = r // 2
    sp = frobenius_space(r, p)
    assert sp.n == r + 2 and sp.field == p and sp.dimension == s * (s + 1) + 1 == formula_dimension(r + 2, r) + 1
    cert = pointwise_vanishing_certificate(sp, r + 2)
    assert cert["vanish_at_every_point"] and cert["nonzero_polynomials"] == 1 and cert["max_variable_degree"] == p
    if p**sp.dimension <= 3 * 10**6:
        res = sp.constant_rank(method="exhaustive", max_points=3 * 10**6)
        assert res.status == "constant" and res.rank == r
    slices = constant_rank_by_slices(sp, r, method="symbolic")
    assert len(slices) == p and all(x.certificate["kind"] == "nonzero_constant_minor" for x in slices)
    th = constant_rank_theory(r + 2, r, p)
    assert not th.covered and th.best_found >= sp.dimension and "frobenius_space" in th.reason
    assert th.best_lower == sp.dimension and th.value_space in ("frobenius", "exact")


def test_frobenius_space_and_slices_bad_input():
    for r, f in [(4, 5), (2, 3), (3, 2), (0, 2), (4, "Q")]:
        with pytest.raises(InvalidInputError):
            frobenius_space(r, f)
    with pytest.raises(InvalidInputError):
        constant_rank_by_slices(extremal_space(4, 2, "Q"), 2)
    with pytest.raises(InvalidInputError):
        constant_rank_by_slices(frobenius_space(2, 2), 2, param=3)
    # Pf = t^2 + 1 over F5: the slice t = 2 is a single point of rank 2, not 4
    with pytest.raises(VerificationError):
        constant_rank_by_slices(pf_t2_plus_1_family(5), 4)


def test_stored_frobenius_entries():
    for p, n, r in [(3, 8, 6), (2, 10, 8), (3, 10, 8), (5, 10, 8)]:
        entry = best_found(n, r, p)
        assert entry["method"] == "frobenius_space" and entry["dimension"] == formula_dimension(n, r) + 1
        assert AffineAlternatingSpace.from_json(entry["space"]) == frobenius_space(r, p)


def test_pointwise_vanishing_certificate_contrast():
    # the extremal space over F5: Pfaffian minors of order r+2 vanish identically
    cert = pointwise_vanishing_certificate(extremal_space(6, 4, 5), 6)
    assert cert["nonzero_polynomials"] == 0 and cert["vanish_at_every_point"]
    # Pf = t^2 + 1 over F5 is nonzero at t = 0
    cert = pointwise_vanishing_certificate(pf_t2_plus_1_family(5), 4)
    assert cert["nonzero_polynomials"] == 1 and not cert["vanish_at_every_point"]
    with pytest.raises(InvalidInputError):
        pointwise_vanishing_certificate(extremal_space(6, 4, "Q"), 6)
    with pytest.raises(InvalidInputError):
        pointwise_vanishing_certificate(extremal_space(6, 4, 5), 5)


CASES = [(n, r) for n in range(1, 10) for r in range(0, n, 2)]


@pytest.mark.parametrize("field", ["Q", 2, 3, 5])
def test_extremal_spaces_have_constant_rank(field):
    """Every n <= 9 and even r < n: the explicit space has dimension a(n, r) and constant rank r.

    Over F_p the exhaustive scan is used up to 2*10^5 points (the rest by the symbolic
    Pfaffian-minor certificate; the full exhaustive check is in the slow test below).
    """
    for n, r in CASES:
        sp = formula_space(n, r, field)
        assert sp.dimension == formula_dimension(n, r)
        th = constant_rank_theory(n, r, field)
        if not (th.proved and th.value > formula_dimension(n, r)):
            assert extremal_space(n, r, field) == sp
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
        sp = formula_space(n, r, field)
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
    # Pf = t1^2 + t2^2 + 1: a positive-dimensional complex variety without rational points; it
    # used to be "unknown", the definite quadratic form x^2 + t1^2 + t2^2 now decides it
    base = add(E(4, 0, 3), E(4, 1, 2))
    dirs = [add(E(4, 0, 1), E(4, 2, 3)), add(E(4, 0, 2), E(4, 1, 3, -1))]
    res = AffineAlternatingSpace(base, dirs, field="Q").constant_rank()
    assert res.status == "constant" and res.certificate["place"] == "infinity" and res.is_valid()
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


# -- what our own computations prove (solvers.constant_rank.bounds) ---------------------------------
@pytest.mark.parametrize("n, r, q, value, by", [
    (4, 2, 2, 3, "exact"),       # exhaustive branch and bound over the 2^6 elements of A_4(F2)
    (4, 4, 2, 2, "exact"),       # the same, rank 4
    (5, 4, 2, 6, "deletion"),    # a(4, 4; F2) = 2 (exhaustive) + 4 = the formula 6
    (5, 4, 3, 6, "deletion"),    # a(4, 4; F_q) = 2 (Klein quadric, q >= 3) + 4
    (5, 4, 4, 6, "deletion"),
    (5, 4, 9, 6, "deletion"),
])
def test_proved_values_are_returned(n, r, q, value, by):
    """a(n, r; F_q) that the project proves by its own computations are returned, with the
    method, and extremal_space returns a verified space of that dimension."""
    assert max_constant_rank_dimension(n, r, field=q) == value
    th = constant_rank_theory(n, r, q)
    assert th.proved and th.value == value == th.upper_bound and th.proved_by == by and th.is_valid()
    sp = extremal_space(n, r, field=q)
    assert sp.dimension == value and sp.field == q
    res = sp.constant_rank()
    assert res.is_constant and res.rank == r


def test_proved_value_over_f2_beats_formula_with_exhaustive_witness():
    from solvers.constant_rank.optimality import exact_max_dimension, is_maximal

    sp = extremal_space(4, 2, field=2)
    assert (sp.dimension, sp.constant_rank().rank) == (3, 2) and is_maximal(sp, 2)
    assert exact_max_dimension(4, 2, 2).dimension == 3  # the oracle: the plain exhaustive search
    assert formula_space(4, 2, 2).dimension == 2


def test_open_cases_still_raise_with_both_bounds():
    for n, r, q in [(6, 4, 2), (6, 6, 3), (7, 6, 9), (7, 4, 2)]:
        with pytest.raises(NotCoveredError) as info:
            max_constant_rank_dimension(n, r, field=q)
        th = info.value.theory
        assert not th.proved and th.value is None and th.proved_by is None
        assert th.best_lower < th.upper_bound and th.is_valid()
        # extremal_space in an open case: the generic construction (best_known: the best space)
        assert extremal_space(n, r, field=q).dimension == formula_dimension(n, r)
        assert extremal_space(n, r, field=q, best_known=True).dimension == th.best_lower


def test_tampered_proof_fields_are_caught():
    import dataclasses

    th = constant_rank_theory(4, 2, 2)
    for k, v in [("value", 4), ("proved_by", "deletion"), ("upper_bound", 2), ("proved", False)]:
        with pytest.raises(VerificationError):
            dataclasses.replace(th, **{k: v}).check()
