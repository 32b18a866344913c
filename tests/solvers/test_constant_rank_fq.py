"""Constant-rank spaces over F4, F8, F9: the decision, extremal and Frobenius spaces, maxima.

Oracles: ranks recomputed point by point with the engine's table elimination (itself checked
against polynomial arithmetic in tests/engine/test_alternating_fq.py); the formula
a(n, r) = s(n - s - 1) (Rubei; de Seguins Pazzis) for covered cases; the generalised Frobenius
space of dimension s(s + 1) + 1 whose Pfaffian is t^q - t (Lidl-Niederreiter Thm 2.8)."""

from __future__ import annotations

import itertools

import pytest

from engine.alternating_fields import small_field
from engine.errors import InvalidInputError
from solvers.constant_rank import (
    AffineAlternatingSpace,
    ConstantRankResult,
    constant_rank_by_slices,
    constant_rank_theory,
    extremal_space,
    frobenius_space,
    max_constant_rank_dimension,
    pointwise_vanishing_certificate,
)
from solvers.constant_rank.optimality import exact_max_dimension, is_maximal


def E(n, i, j, v, q):
    F = small_field(q)
    m = [[0] * n for _ in range(n)]
    m[i][j], m[j][i] = v, F.neg_elem(v)
    return m


def add(q, *ms):
    F = small_field(q)
    out = [[0] * len(ms[0]) for _ in ms[0]]
    for m in ms:
        out = [[F.add_elem(a, b) for a, b in zip(r1, r2, strict=True)] for r1, r2 in zip(out, m, strict=True)]
    return out


def brute_profile(sp):
    q = sp.field
    prof = {}
    for t in itertools.product(range(q), repeat=sp.dimension):
        r = sp.rank_at(list(t))
        prof[r] = prof.get(r, 0) + 1
    return prof


@pytest.mark.parametrize("q", [4, 8, 9])
def test_exhaustive_profile_matches_pointwise_ranks(q):
    # Pf(B + t D1 + u D2) = g + t*u-ish: every combination checked point by point
    g = 2 if q in (4, 8) else 3
    base = add(q, E(4, 0, 1, 1, q), E(4, 2, 3, g, q))
    dirs = [E(4, 0, 2, 1, q), E(4, 1, 3, 1, q)]
    sp = AffineAlternatingSpace(base, dirs, field=q)
    assert sp.rank_profile() == brute_profile(sp)
    res = sp.constant_rank()
    assert res.method == "exhaustive" and res.is_valid()
    # Pf = g + t u (up to sign): zero at t u = -g, so not constant
    assert res.is_constant is False and sp.rank_at(list(res.witness)) == res.witness_rank == 2


@pytest.mark.parametrize("q", [4, 8, 9])
def test_symbolic_agrees_with_exhaustive(q):
    base = add(q, E(4, 0, 1, 1, q), E(4, 2, 3, 1, q))
    for dirs in ([E(4, 0, 2, 1, q)], [E(4, 0, 2, 1, q), E(4, 0, 3, 1, q)], [E(4, 2, 3, 1, q)]):
        sp = AffineAlternatingSpace(base, dirs, field=q)
        ex = sp.constant_rank(method="exhaustive")
        sy = sp.constant_rank(method="symbolic")
        assert sy.status in (ex.status, "unknown")
        assert ex.is_valid() and sy.is_valid()
    # E01 + E23 + t E23: rank 2 at t = -1 only; the symbolic method never claims "constant"
    sp = AffineAlternatingSpace(base, [E(4, 2, 3, 1, q)], field=q)
    assert sp.constant_rank(method="symbolic").status in ("not_constant", "unknown")
    assert sp.rank_at([small_field(q).neg_elem(1)]) == 2


@pytest.mark.parametrize("q", [4, 8, 9])
@pytest.mark.parametrize("n, r", [(3, 2), (4, 2), (5, 2), (4, 4), (5, 4), (6, 4)])
def test_extremal_spaces_have_constant_rank(q, n, r):
    sp = extremal_space(n, r, field=q)
    assert sp.field == q and sp.dimension == constant_rank_theory(n, r, q).lower_bound
    res = sp.constant_rank(max_points=2 * 10**5)
    assert res.status == "constant" and res.rank == r and res.is_valid()


@pytest.mark.parametrize("q", [4, 8, 9])
def test_covered_values(q):
    # n >= r + 3 and |F| >= min(r - 1, r/2 + 2): de Seguins Pazzis; (4, 2) with |F| >= 3: elementary
    assert max_constant_rank_dimension(5, 2, field=q) == 1 * (5 - 1 - 1)
    assert max_constant_rank_dimension(7, 4, field=q) == 2 * (7 - 2 - 1)
    assert max_constant_rank_dimension(4, 2, field=q) == 2
    assert max_constant_rank_dimension(4, 4, field=q) == 2  # the Klein-quadric argument, q >= 3


def test_full_rank_4x4_bound_agrees_with_branch_and_bound():
    """a(4, 4; F3) = 2 both by the elementary argument and by the exhaustive search."""
    assert exact_max_dimension(4, 4, 3, max_elements=729).dimension == max_constant_rank_dimension(4, 4, 3) == 2


def test_frobenius_over_f4_pfaffian_is_t4_minus_t():
    sp = frobenius_space(6, 4)
    assert (sp.n, sp.dimension, sp.field) == (8, 13, 4)
    # each slice t = a decided exactly: 4 slices of dimension 12
    assert [res.rank for res in constant_rank_by_slices(sp, 6)] == [6, 6, 6, 6]
    cert = pointwise_vanishing_certificate(sp, 8)
    assert cert["vanish_at_every_point"] and cert["nonzero_polynomials"] == 1 and cert["max_variable_degree"] == 4
    with pytest.raises(InvalidInputError, match="q <= r/2 \\+ 1"):
        frobenius_space(4, 4)


@pytest.mark.slow
def test_frobenius_over_f4_exhaustive():
    res = frobenius_space(6, 4).constant_rank(max_points=10**8)
    assert res.status == "constant" and res.points_checked == 4**13


def test_frobenius_small_fields_exhaustive():
    for r, q in [(2, 2), (4, 2), (4, 3)]:
        sp = frobenius_space(r, q)
        assert sp.constant_rank(method="exhaustive").rank == r


def test_maximality_over_f4():
    assert is_maximal(extremal_space(4, 2, 4), 2) is True  # a(4, 2; F4) = 2
    ex = exact_max_dimension(3, 2, 9)
    assert ex.dimension == 2 and ex.is_valid()


@pytest.mark.slow
def test_exact_maximum_4_2_f4():
    assert exact_max_dimension(4, 2, 4, max_elements=5000).dimension == 2


def test_json_round_trip_and_result_contract():
    sp = extremal_space(5, 4, field=9)
    again = AffineAlternatingSpace.from_json(sp.to_json())
    assert again == sp and again.field == 9
    res = sp.constant_rank()
    back = ConstantRankResult.from_json(res.to_json())
    assert back.is_valid() and back.rank == 4


def test_bad_input_over_fq():
    with pytest.raises(InvalidInputError, match=r"directions\[0\]: entry \(0, 1\) = 9 is not an element of F9"):
        AffineAlternatingSpace(E(3, 0, 1, 1, 9), [[[0, 9, 0], [0, 0, 0], [0, 0, 0]]], field=9)
    with pytest.raises(InvalidInputError, match=r"base: matrix is not alternating over F4"):
        AffineAlternatingSpace([[0, 1], [2, 0]], [], field=4)
    with pytest.raises(InvalidInputError, match="prime power above 9"):
        extremal_space(4, 2, field=16)
    sp = extremal_space(4, 2, field=8)
    with pytest.raises(InvalidInputError, match=r"params\[1\] = 8 is not an element of F8"):
        sp.rank_at([0, 8])
    with pytest.raises(InvalidInputError, match="linearly dependent over F4"):
        AffineAlternatingSpace(E(3, 0, 1, 1, 4), [E(3, 0, 2, 1, 4), E(3, 0, 2, 2, 4)], field=4)


@pytest.mark.parametrize("r, q", [(2, 2), (4, 2), (4, 3), (6, 4), (6, 3)])
def test_symbolic_frobenius_uses_pointwise_vanishing(r, q):
    """Rank <= r: the Pfaffian t^q - t vanishes at every point (reduced modulo t^q - t);
    rank >= r: on each slice t = a some order-r minor is a nonzero constant."""
    import dataclasses

    from engine.errors import VerificationError

    sp = frobenius_space(r, q)
    res = sp.constant_rank(method="symbolic")
    assert res.status == "constant" and res.rank == r
    assert res.certificate["kind"] == "constant_minor_per_value"
    assert res.certificate["upper_minors_vanish_pointwise"] == 1
    assert res.is_valid()
    per = dict(res.certificate["minors"])
    per["0"] = per["1"]  # the minor of another slice: zero (not constant) on t = 0
    bad = dataclasses.replace(res, certificate={**res.certificate, "minors": per})
    with pytest.raises(VerificationError):
        bad.check()
    # without the pointwise claim the upper minor t^q - t is not zero as a polynomial
    no_pw = {k: v for k, v in res.certificate.items() if k != "upper_minors_vanish_pointwise"}
    with pytest.raises(VerificationError):
        dataclasses.replace(res, certificate=no_pw).check()


def test_symbolic_detects_a_minor_that_does_not_vanish_pointwise():
    # Pf = t over F4: nonzero at t = 1, so a point of rank 4 beside the rank-2 base point
    q = 4
    sp = AffineAlternatingSpace(E(4, 0, 1, 1, q), [E(4, 2, 3, 1, q)], field=q)
    res = sp.constant_rank(method="symbolic")
    assert res.status == "not_constant" and res.is_valid()
