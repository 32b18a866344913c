"""Tests of the slow-fraction stage of search.pcf: power fits, classification of the rest.

Oracles: Ramanujan's gamma-function value of x + 1^2/(2x + 3^2/(2x + ...)) (Berndt,
*Ramanujan's Notebooks* II, ch. 12, Entry 25; scaled by the equivalence transformation, see
tests/engine/test_contfrac_brouncker.py) for Brouncker-type rows with irrational exponent; the
golden ratio for the parabolic PCF(2n+2, -n^2-n+1) (x_n - phi ~ n^-sqrt 5); the limit-periodic
classification of Lorentzen-Waadeland (vol. 1, ch. 4) for the kinds.
"""

import math

import mpmath
import numpy as np
import pytest

from search.pcf import classify_fraction, evaluate_box


def _ramanujan(c, lam2):
    lam = mpmath.sqrt(lam2)
    x = mpmath.mpf(c) / lam / 2
    return lam * (x + 4 * mpmath.gamma((x + 3) / 4) ** 2 / mpmath.gamma((x + 1) / 4) ** 2)


def test_float_power_fit_resolves_irrational_exponents():
    A = np.array([[2, 0], [3, 0], [2, 2]])
    B = np.array([[2, -8, 8], [3, -12, 12], [1, -1, -1]])  # g = 1/sqrt 2, sqrt 3/2, sqrt 5
    r = evaluate_box(A, B)
    assert r["status"].tolist() == [1, 1, 1]
    refs = [float(_ramanujan(2, 2)), float(_ramanujan(3, 3)), (1 + math.sqrt(5)) / 2]
    for v, tol, ref in zip(r["value"], r["tol"], refs, strict=True):
        assert abs(v - ref) <= max(tol, 1e-12) * abs(ref)
        assert abs(v - ref) <= 1e-8 * abs(ref)


@pytest.mark.parametrize(
    "a, b, kind",
    [
        ([0, 2], [1, 2, -2], "divergent"),     # beta_n -> -1/2: elliptic
        ([1], [3, -3, -2], "divergent"),       # beta_n -> -inf
        ([1, 2], [0, 0, -1], "parabolic"),     # 1 + 16k = 0: 1/log n (Euler: harmonic series)
        ([-2, 2], [1, -3, -1], "divergent"),   # 1 + 16k < 0: cos(mu log n)
        ([2, 2], [1, -1, -1], "parabolic"),    # g = sqrt 5
        ([1], [0, 0, 3], "brouncker"),         # g = 1/sqrt 3
        ([0, 0], [1, 1, 1], "divergent"),      # a = 0
        ([1, 1], [-2, 1], "rational"),         # b(2) = 0: terminates
        ([5, 27, 51, 34], [0, 0, 0, 0, 0, 0, -1], "convergent"),  # Apery: beta_n -> -1/1156
    ],
)
def test_classification(a, b, kind):
    k, why = classify_fraction(a, b)
    assert k == kind, why
    assert why
