"""Bit-packed GF(2) elimination against the dense mod-p elimination of solvers.lifting (oracle)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers._gf2 import echelon_gf2, inverse_gf2, pack_rows, unpack_rows
from solvers.lifting import _echelon_mod_p, _inverse_mod_p


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 140), st.integers(1, 140), st.floats(0.02, 0.7), st.integers(0, 2**31))
def test_packed_echelon_matches_dense(E, V, dens, seed):
    A = (np.random.default_rng(seed).random((E, V)) < dens).astype(np.int64)
    assert np.array_equal(unpack_rows(pack_rows(A), V), A)
    rk, cols, rows = echelon_gf2(A)
    rk2, cols2, rows2 = _echelon_mod_p(A.copy(), 2)
    assert rk == rk2 and np.array_equal(cols, cols2) and np.array_equal(rows, rows2)
    if rk:
        B = A[np.ix_(rows, cols)]
        Bi = inverse_gf2(B)
        assert np.array_equal((B @ Bi) % 2, np.eye(rk, dtype=np.int64))
        assert np.array_equal(Bi, _inverse_mod_p(B.copy(), 2))


def test_singular_matrix_is_refused():
    with pytest.raises(ValueError, match="singular"):
        inverse_gf2(np.array([[1, 1], [1, 1]]))
