"""The F3 walk: reductions over F3, wrapping moves (1 + 1 = -1) and the start-scheme reduction.

The issue: over F3 the walk from the standard algorithm never reached the known rank on
``<2,3,4>`` (stuck at 23-24) while ZT and F2 reached 20 in a fraction of a second. The
arithmetic was right (these tests pin it: reductions fire on factors equal up to a unit,
``2x = -x``, zero terms vanish); the cause was that the F3 walk took every *wrapping* move,
a flip or plus transition whose sum has a coordinate ``1 + 1 = -1``, which leads into
schemes valid only modulo 3 where reductions are rare. The walk now refuses such moves unless
``wrap`` says otherwise (:mod:`search.flipgraph._kernels`).

Oracles: Strassen's scheme (V. Strassen, Numer. Math. 13, 1969) with one product rewritten
as two products that sum to it modulo 3; the known ranks of :mod:`solvers.known_ranks`.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import InvalidInputError
from engine.schemes import Scheme
from search.flipgraph import _kernels as K
from search.flipgraph import flip_search
from search.flipgraph.walk import MODES, FlipWalker, bits_to_scheme, scheme_to_bits, walk_config


def _strassen_with(rows_u, rows_v, rows_w, ring):
    """Strassen's scheme with product 0 replaced by the given products."""
    s = Scheme.strassen()
    u = [list(r) for r in s.u[1:]] + rows_u
    v = [list(r) for r in s.v[1:]] + rows_v
    w = [list(r) for r in s.w[1:]] + rows_w
    return Scheme((2, 2, 2), u, v, w, ring="Z" if ring != "F3" else "F3").with_ring(ring)


def _neg(row):
    return [-int(x) for x in row]


def _dbl(row):
    return [2 * int(x) for x in row]


# ----------------------------------------------------------------------------- reductions
def test_f3_reduction_fires_on_factors_equal_up_to_the_unit_two():
    """u0 (2 v0) w0 + (2 u0) v0 w0 = 4 u0 v0 w0 = u0 v0 w0 mod 3: the two products share u and
    v up to the unit 2 = -1 and merge into one; the walker starts at rank 7."""
    s = Scheme.strassen()
    u0, v0, w0 = (list(s.u[0]), list(s.v[0]), list(s.w[0]))
    s8 = _strassen_with([u0, _dbl(u0)], [_dbl(v0), v0], [w0, w0], "F3")
    assert s8.rank == 8 and s8.is_valid("F3") and not s8.is_valid("Q")
    w = FlipWalker.start(s8, "F3", seed=1)
    assert w.r == w.best_r == w.start_r == 7
    out = bits_to_scheme(w.P, w.N, w.r, s8.target, "F3")
    assert out.rank == 7 and out.is_valid("F3")


@pytest.mark.parametrize("ring", ["F2", "F3", "ZT"])
def test_a_term_with_a_zero_factor_is_removed(ring):
    s = Scheme.strassen()
    u0, v0, w0 = (list(s.u[0]), list(s.v[0]), list(s.w[0]))
    s8 = _strassen_with([u0, u0], [v0, _neg(v0)], [w0, [0, 0, 0, 0]], ring)
    assert s8.rank == 8 and s8.is_valid(ring)
    w = FlipWalker.start(s8, ring, seed=1)
    assert w.r == 7
    assert bits_to_scheme(w.P, w.N, w.r, s8.target, ring).is_valid(ring)


@pytest.mark.parametrize("ring", ["F2", "F3", "ZT"])
def test_three_copies_of_a_product_reduce_to_one(ring):
    """u0 v0 w0 + u0 v0 w0 - u0 v0 w0 (valid over every ring): over ZT only the merge that
    cancels is an integer identity within {-1, 0, 1}; every ring ends at rank 7."""
    s = Scheme.strassen()
    u0, v0, w0 = (list(s.u[0]), list(s.v[0]), list(s.w[0]))
    s9 = _strassen_with([u0, u0, u0], [v0, v0, v0], [w0, w0, _neg(w0)], ring)
    assert s9.is_valid(ring)
    w = FlipWalker.start(s9, ring, seed=1)
    assert w.r == 7 and bits_to_scheme(w.P, w.N, w.r, s9.target, ring).is_valid(ring)


def test_reduce_scheme_keeps_ternary_safety_over_zt_only():
    """Two equal products x y z + x y z = x y (2z): over ZT the merge would need a 2 and is not
    taken; over F3 it is (2 = -1); over F2 the sum vanishes."""
    for mode, rank in ((MODES["ZT"], 2), (MODES["F3"], 1), (MODES["F2"], 0)):
        P = np.zeros((3, 3), dtype=np.uint64)
        N = np.zeros((3, 3), dtype=np.uint64)
        P[:, 0] = P[:, 1] = [0b01, 0b10, 0b11]
        assert K.reduce_scheme(P, N, 2, mode) == rank
        if rank == 1:  # the merged product x y (-z)
            assert (P[0, 0], P[1, 0], P[2, 0], N[2, 0]) == (0b01, 0b10, 0, 0b11)


# ----------------------------------------------------------------------------- wrapping flips
def _wrapping_pair():
    """Two products sharing x = e0, with y, z in {e0 + e1, e0 - e1}: every flip between them
    wraps (y1 +- y2 = 2 e0 or 2 e1), and they share no second factor (no reduction)."""
    P = np.zeros((3, 3), dtype=np.uint64)
    N = np.zeros((3, 3), dtype=np.uint64)
    P[0, 0] = P[0, 1] = 0b01
    for s in (1, 2):
        P[s, 0] = 0b11          # e0 + e1
        P[s, 1] = 0b01          # e0 - e1
        N[s, 1] = 0b10
    return P, N


@pytest.mark.parametrize("mode, wrap, moves", [(1, 0, False), (1, 256, True), (2, 256, False), (0, 0, True)])
def test_wrapping_flips_are_refused_unless_wrap_allows_them(mode, wrap, moves):
    P, N = _wrapping_pair()
    if mode == 0:  # over F2 the same supports, N = 0
        N[:] = 0
    st_ = np.array([12345], dtype=np.uint64)
    best = np.array([2], dtype=np.int64)
    r, flips, status = K.walk(P, N, 2, mode, 50, 0, 0, 2, st_, P.copy(), N.copy(), best, 0, wrap)
    if moves:
        assert flips > 0
    else:
        assert (r, flips, status) == (2, 0, K.STATUS_STUCK)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([0, 16, 256]), st.sampled_from([(2, 2, 3), (2, 3, 3), (3, 3, 3)]))
def test_f3_walks_keep_the_scheme_valid_for_every_wrap(seed, wrap, fmt):
    s = Scheme.standard(*fmt)
    w = FlipWalker.start(s, "F3", seed, rmax=s.rank + 4)
    w.wrap = wrap
    w.split = 128
    w.run(30_000, 0, 2_000, 4, 0)
    assert bits_to_scheme(w.P, w.N, w.r, s.target, "F3").is_valid("F3")
    assert bits_to_scheme(w.bestP, w.bestN, w.best_r, s.target, "F3").is_valid("F3")


def test_f3_walk_without_wrapping_moves_stays_integral_until_a_reduction_wraps():
    """With wrap=0 and no rank decrease, every flip is an integer identity: the scheme read as
    integers (P - N) is valid over Z, as the ZT walk's is."""
    s = Scheme.standard(2, 2, 3)
    w = FlipWalker.start(s, "F3", 5, rmax=s.rank)
    w.run(2_000, 0, 0, 0, 0)
    if w.best_r == s.rank:  # no reduction happened (a reduction may wrap over F3)
        z = bits_to_scheme(w.P, w.N, w.r, s.target, "F3", verify=False)
        assert z.with_ring("Z").is_valid("Z")


# ----------------------------------------------------------------------------- the option
def test_wrap_option_is_checked():
    assert walk_config("F3")["wrap"] == 0 and walk_config("F3", wrap=1.0)["wrap"] == 256
    with pytest.raises(InvalidInputError, match="wrap=0.5 applies to F3"):
        walk_config("ZT", wrap=0.5)
    for bad in (-0.1, 1.5, "x", True):
        with pytest.raises(InvalidInputError, match="wrap="):
            walk_config("F3", wrap=bad)


def test_flip_search_records_wrap():
    res = flip_search((2, 2, 2), ring="F3", target_rank=7, seed=1, max_flips=200_000, wrap=0.25)
    assert res.reached and res.wrap == 0.25 and res.to_json()["wrap"] == 0.25
    assert type(res).from_json(res.to_json()).wrap == 0.25


def test_the_issue_command_reaches_rank_20_on_2x3x4_over_f3():
    """``disco mm search 2x3x4 --ring F3 --target 20 --seed 1``: stuck at 23-24 before the fix
    (6e8 flips in 60 s); now within a fixed flip budget."""
    res = flip_search((2, 3, 4), ring="F3", target_rank=20, seed=1, max_flips=40_000_000)
    assert res.reached and res.rank == 20 and res.scheme.is_valid("F3")


def test_scheme_to_bits_round_trip_over_f3_keeps_twos_as_minus_one():
    s = _strassen_with([list(Scheme.strassen().u[0])] * 2, [_dbl(Scheme.strassen().v[0]), list(Scheme.strassen().v[0])],
                       [_dbl(Scheme.strassen().w[0]), list(Scheme.strassen().w[0])], "F3")
    P, N, r = scheme_to_bits(s, "F3")
    back = bits_to_scheme(P, N, r, s.target, "F3", verify=False)
    assert np.array_equal(np.mod(np.asarray(back.v, dtype=np.int64), 3), np.mod(np.asarray(s.v, dtype=np.int64), 3))
