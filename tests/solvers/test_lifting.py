"""Tests of solvers.lifting (Hensel lifting + rational reconstruction).

Oracles: Strassen and Laderman reduced mod 2/3 lift back to integer schemes; a rank-1
decomposition that exists only mod 2 (T = e111 + 2 e222) does not lift; rational
reconstruction of known fractions.
"""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import InfeasibleError, InvalidInputError
from engine.schemes import BilinearScheme, Scheme
from engine.tensors import TargetTensor
from solvers.lifting import hensel_lift, lift_scheme, rational_reconstruction


def test_strassen_mod2_lifts_to_z():
    s2 = Scheme.strassen().with_ring("F2")
    assert s2.ring == "F2" and s2.coefficient_set() == [0, 1]
    res = lift_scheme(s2, to="Z")
    assert res.lifted and res.ring == "ZT"
    assert res.scheme.is_valid("Z") and res.is_valid()
    assert res.scheme.with_ring("F2") == s2


def test_laderman_mod3_lifts():
    s3 = Scheme.laderman().with_ring("F3")
    res = lift_scheme(s3, to="Q")
    assert res.lifted and res.scheme.is_valid("Q")
    assert res.scheme.with_ring("F3") == s3


def test_hensel_lift_mod_power():
    h = hensel_lift(Scheme.strassen().with_ring("F2"), k=6)
    assert h.modulus == 64 and h.verified


def test_mod2_only_decomposition_does_not_lift():
    T = np.zeros((2, 2, 2), dtype=np.int64)
    T[0, 0, 0] = 1
    T[1, 1, 1] = 2  # vanishes mod 2
    s = BilinearScheme(TargetTensor(T), [[1, 0]], [[1, 0]], [[1, 0]], ring="F2")
    assert s.is_valid("F2") and not s.is_valid("Q")
    res = lift_scheme(s, to="Q")
    assert not res.lifted and res.scheme is None
    assert "does not lift" in res.reason and "no solution" in res.reason
    with pytest.raises(InfeasibleError, match="does not lift"):
        hensel_lift(s, k=4)


def test_bad_inputs():
    with pytest.raises(InvalidInputError, match="F2 or F3"):
        lift_scheme(Scheme.strassen())
    bad = Scheme((1, 1, 1), [[1]], [[1]], [[0]], ring="F2")
    with pytest.raises(InvalidInputError, match="not valid over F2"):
        lift_scheme(bad)
    with pytest.raises(InvalidInputError, match="to="):
        lift_scheme(Scheme.strassen().with_ring("F2"), to="R")


@settings(max_examples=30, deadline=None)
@given(st.integers(-300, 300), st.integers(1, 300))
def test_rational_reconstruction_property(a, b):
    q = Fraction(a, b)
    m = 2**20 + 7 if b % 2 == 0 else 2**20  # any modulus prime to b
    if np.gcd(b, m) != 1:
        m = 3**12
    x = (q.numerator * pow(q.denominator, -1, m)) % m
    assert rational_reconstruction(x, m) == q


def test_search_then_lift_f2_3x3x3():
    from search.flipgraph import flip_search

    res = flip_search((3, 3, 3), ring="F2", target_rank=23, seed=4, max_flips=3_000_000)
    assert res.rank == 23
    lifted = lift_scheme(res.scheme, to="Q")
    assert lifted.lifted and lifted.scheme.is_valid("Q") and lifted.scheme.rank == 23
