"""Removable common factors of PCFs (engine.contfrac.PCF.deflate) and ESMA's PCFs.

Oracle: the equivalence transformation ``c_n = 1/g(n)`` (Lorentzen-Waadeland, *Continued
Fractions*, vol. 1, section 1.4) maps ``PCF(g a, g(n) g(n-1) b)`` to ``PCF(a, b)`` with every
approximant multiplied by ``g(0)``; checked here on exact convergents.
"""

from __future__ import annotations

from fractions import Fraction

import flint
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from engine.contfrac import PCF
from solvers.esma import analyze

SHIFT = flint.fmpz_poly([-1, 1])


def _inflate(a, b, g):
    A, B, G = flint.fmpz_poly(a), flint.fmpz_poly(b), flint.fmpz_poly(g)
    return [int(c) for c in (G * A).coeffs()], [int(c) for c in (G * G(SHIFT) * B).coeffs()]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(-5, 5), min_size=1, max_size=3),
       st.lists(st.integers(-5, 5), min_size=1, max_size=4),
       st.lists(st.integers(1, 4), min_size=1, max_size=2))
def test_deflate_undoes_an_equivalence_transformation(a, b, g):
    assume(any(a) and any(b))
    big_a, big_b = _inflate(a, b, g)
    f = PCF(big_a, big_b)
    assume(f.terminating_depth() is None)
    small, g0 = f.deflate()
    assert g0 != 0
    for N in (1, 2, 5, 17):
        p, q = f.convergent(N)
        p2, q2 = small.convergent(N)
        if q == 0 or q2 == 0:
            assert q == 0 and q2 == 0
            continue
        assert Fraction(p, q) == g0 * Fraction(p2, q2)
    # nothing is left to remove: the deflated fraction deflates to itself
    assert small.deflate() == (small, 1)


def test_known_factor():
    # g(n) = 3: PCF(6n + 3, 9n^2) = 3 PCF(2n + 1, n^2) = 3 * 4/pi
    assert PCF("6n+3", "9n^2").deflate() == (PCF("2n+1", "n^2"), 3)
    # g(n) = n + 1: PCF((n+1)(2n+1), (n+1) n n^2) = g(0) PCF(2n + 1, n^2)
    assert PCF("(n+1)(2n+1)", "(n+1)n*n^2").deflate() == (PCF("2n+1", "n^2"), 1)
    # nothing to remove in Apery's fraction
    f = PCF("34n^3+51n^2+27n+5", "-n^6")
    assert f.deflate() == (f, 1)


@pytest.mark.parametrize("expr, terms", [("e^2", 300), ("e", 300), ("(e+1)/(e-1)", 100)])
def test_esma_pcfs_are_deflated_and_identified(expr, terms):
    r = analyze(expr, n_terms=terms)
    assert r.pcf is not None and r.pcf.deflate() == (r.pcf, 1)
    assert r.mobius is not None and r.identification is not None
    r.check()
