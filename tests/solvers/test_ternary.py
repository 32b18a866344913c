"""Ternary forms by sandwiching (solvers.ternary) and lifting to ZT.

Oracles: the sandwich symmetry A -> P A Q^-1, B -> Q B R^-1 of engine.schemes.Scheme.sandwich
(exact rational arithmetic) and the Brent equations over Z / ZT.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import InvalidInputError
from engine.schemes import BilinearScheme, Scheme
from engine.tensors import complex_multiplication_tensor
from solvers.lifting import lift_scheme
from solvers.ternary import excess, ternarize


def _unimodular(d, rng, steps):
    M = np.eye(d, dtype=np.int64)
    for _ in range(steps):
        i, j = rng.choice(d, 2, replace=False)
        M[:, j] += int(rng.choice([-1, 1])) * M[:, i]
    return M


@settings(max_examples=12, deadline=None)
@given(st.integers(0, 2**31), st.sampled_from(["strassen", "laderman"]))
def test_ternarize_undoes_random_unimodular_sandwiches(seed, name):
    base = getattr(Scheme, name)()
    n, m, p = base.format
    rng = np.random.default_rng(seed)
    s = base.sandwich(*(_unimodular(d, rng, 4).tolist() for d in (n, m, p)))
    res = ternarize(s, seed=seed % 1000)
    # exact oracle: the result is the input sandwiched by the reported matrices
    again = s.sandwich(res.P.tolist(), res.Q.tolist(), res.R.tolist())
    assert np.array_equal(np.asarray(again.u), np.asarray(res.scheme.u))
    assert np.array_equal(np.asarray(again.w), np.asarray(res.scheme.w))
    assert res.scheme.is_valid("Z") and res.excess == excess(res.scheme) <= res.start_excess
    assert abs(round(float(np.linalg.det(res.P)))) == 1
    if res.ternary:
        assert res.scheme.is_valid("ZT") and res.scheme.ring == "ZT"


def test_ternarize_finds_a_ternary_form_of_a_disguised_laderman():
    s = Scheme.laderman().sandwich([[1, 2, 0], [0, 1, 0], [0, 0, 1]], [[1, 0, 0], [1, 1, 0], [1, 0, 1]],
                                   [[1, 1, 1], [0, 1, 0], [0, 0, 1]])
    assert excess(s) > 0
    res = ternarize(s, seed=3)
    assert res.ternary and res.scheme.is_valid("ZT") and res.scheme.rank == 23


def test_already_ternary_input_is_kept():
    res = ternarize(Scheme.strassen(), seed=0)
    assert res.ternary and res.moves == 0 and np.array_equal(res.P, np.eye(2, dtype=np.int64))
    assert res.to_json()["ternary"] is True


def test_ternarize_bad_input():
    with pytest.raises(InvalidInputError, match="matrix-multiplication"):
        ternarize("strassen.json")
    s = Scheme.strassen()
    f2 = Scheme(s.format, *(np.abs(np.array(a)) for a in (s.u, s.v, s.w)), ring="F2")  # valid mod 2 only
    assert f2.is_valid("F2") and not f2.is_valid("Z")
    with pytest.raises(InvalidInputError, match="not valid over Z"):
        ternarize(f2)
    with pytest.raises(InvalidInputError, match="max_moves"):
        ternarize(s, max_moves=0)
    with pytest.raises(InvalidInputError, match="temperature"):
        ternarize(s, temperature=-1.0)
    huge = Scheme.strassen().sandwich([[1, 2**21], [0, 1]], [[1, 0], [0, 1]], [[1, 0], [0, 1]])
    assert excess(huge) > 2**21
    with pytest.raises(InvalidInputError, match="too large"):
        ternarize(huge)


def test_lift_to_zt():
    res = lift_scheme(Scheme.laderman().with_ring("F2"), to="zt")
    assert res.lifted and res.to == "ZT" and res.ring == "ZT" and res.scheme.is_valid("ZT") and res.is_valid()
    cm = BilinearScheme(complex_multiplication_tensor(), [[1, 1], [1, 0], [0, 1]],
                        [[1, 1], [1, 0], [0, 1]], [[0, 1], [1, 2], [2, 2]], ring="F3")
    with pytest.raises(InvalidInputError, match="ZT"):
        lift_scheme(cm, to="ZT")


def test_bilinear_search_lifts_a_matrix_format_to_zt():
    from search.flipgraph.bilinear import bilinear_search

    res = bilinear_search(Scheme.standard(2, 2, 3), field="F2", target_rank=11, lift_to="ZT", seed=1, time_limit=60)
    assert res.reached and res.lifted.is_valid("ZT") and res.lift_ring == "ZT"
    with pytest.raises(InvalidInputError, match="ZT"):
        bilinear_search(complex_multiplication_tensor(), field="F3", target_rank=3, lift_to="ZT", max_flips=1000)
