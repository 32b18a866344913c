"""Tests of the rigorous Worpitzky value-set certificate of engine.contfrac (b(n) of any sign).

Oracles: known limits from the literature with mpmath reference values at higher precision
(Apery 1979: 6/zeta(3); Euler: e = 3 - 1/(4 - 2/(5 - ...)); Raayoni et al. 2021 (Ramanujan
Machine): 1/log 2 and 1/(2 Catalan)); for random fractions, a much deeper exact convergent, whose
own error is far below the bound being checked; and exact rational arithmetic for the proved
inequality |b(n)| <= M |a(n-1) a(n)| (checked on many n beyond the threshold).
"""

from fractions import Fraction

import mpmath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.contfrac import PCF, _worpitzky_holds, worpitzky_bound
from engine.errors import EngineError

APERY = ("34n^3+51n^2+27n+5", "-n^6")

NEGATIVE_B = [
    (APERY, lambda: 6 / mpmath.zeta(3), "Apery 1979"),
    (("n+3", "-n"), lambda: +mpmath.e, "Euler: e = 3 - 1/(4 - 2/(5 - ...))"),
    (("3n+2", "-2n^2"), lambda: 1 / mpmath.log(2), "Ramanujan Machine (log 2)"),
    (("3n^2+3n+1", "-2n^4"), lambda: 1 / (2 * mpmath.catalan), "Ramanujan Machine (Catalan)"),
    (("3", "-2"), lambda: mpmath.mpf(2), "x = 3 - 2/x: attracting root 2"),
]


@pytest.mark.parametrize("ab, ref, source", NEGATIVE_B, ids=[k[2] for k in NEGATIVE_B])
@pytest.mark.parametrize("digits", [30, 300])
def test_negative_b_limits_are_rigorous_and_contain_the_true_value(ab, ref, source, digits):
    r = PCF(*ab).evaluate(digits)
    assert r.certification == "worpitzky" and r.rigorous, source
    assert "Worpitzky" in r.statement
    r.check()
    with mpmath.workdps(digits + 40):
        true = ref()
        assert abs(r.value - true) <= r.error_bound, source
        assert abs(r.value - true) <= abs(true) * mpmath.mpf(10) ** (-digits)
    js = r.to_json()
    assert js["rigorous"] is True and js["worpitzky"]["n0"] >= 0


def test_apery_costs_almost_nothing():
    f = PCF(*APERY)
    w = f.worpitzky()
    assert w.limit == Fraction(1, 1156) and w.m == Fraction(1, 578) and w.n0 == 0
    # 1000 digits at ~3.06 digits per term: depth 512 would not do, 1024 does
    r = f.evaluate(1000)
    assert r.certification == "worpitzky" and r.depth <= 1024
    with mpmath.workdps(1050):
        assert abs(r.value - 6 / mpmath.zeta(3)) <= r.error_bound


def test_condition_failing_gets_no_rigorous_claim():
    # |beta_n| = n^2/(4n^2 - 1) > 1/4: Worpitzky does not apply (logarithmic convergence)
    f = PCF("2n+1", "-n^2")
    assert f.worpitzky() is None
    try:
        r = f.evaluate(8)
    except EngineError:
        pass
    else:
        assert not r.rigorous and r.certification in ("tail-estimate", "accelerated")
    # deg b > 2 deg a: no bound
    assert worpitzky_bound([1, 1], [0, 0, 0, -1]) is None
    # lim |beta_n| = 1/2 > 1/4
    assert worpitzky_bound([1, 2], [0, 0, -2]) is None


def test_parabolic_case_uses_the_quarter_bound_or_stays_empirical():
    # |beta_n| = n/(4(n+1)) < 1/4 for all n: classical Worpitzky (M = 1/4, radius 1/2)
    f = PCF("2n+2", "-n^2")
    w = f.worpitzky()
    assert w.m == Fraction(1, 4) and w.radius == Fraction(1, 2)
    r10 = f.evaluate(10)
    assert r10.certification == "worpitzky" and r10.rigorous
    r30 = f.evaluate(30)  # too slow for the value-set bound: labelled empirical
    with mpmath.workdps(50):
        assert abs(r10.value - r30.value) <= r10.error_bound
    assert r30.rigorous == (r30.certification == "worpitzky")


def test_threshold_is_shifted_past_sign_changes():
    # a(n) = n - 7 vanishes at n = 7; b(n) = -n - 1: the bound must start beyond the zero
    w = worpitzky_bound([-7, 1], [-1, -1])
    assert w is not None and w.n0 >= 8
    r = PCF("n-7", "-n-1").evaluate(30)
    assert r.certification == "worpitzky" and r.depth > w.n0
    p, q = PCF("n-7", "-n-1").convergent(4 * r.depth)
    with mpmath.workdps(60):
        assert abs(mpmath.mpf(p) / q - r.value) <= r.error_bound


poly = st.lists(st.integers(-6, 6), min_size=1, max_size=3)


def _trim(c):
    c = list(c)
    while len(c) > 1 and c[-1] == 0:
        c.pop()
    return c


@settings(max_examples=60, deadline=None)
@given(poly, st.lists(st.integers(-6, 6), min_size=1, max_size=5))
def test_proved_inequality_holds_on_many_n(a, b):
    a, b = _trim(a), _trim(b)
    w = worpitzky_bound(a, b, max_n0=1 << 12)
    if w is None:
        return
    assert 0 < w.m <= Fraction(1, 4) and w.radius * (1 - w.radius) >= w.m

    def ev(c, n):
        return sum(v * n**k for k, v in enumerate(c))

    for n in range(w.n0 + 1, w.n0 + 400):
        den = ev(a, n - 1) * ev(a, n)
        assert den != 0
        assert Fraction(abs(ev(b, n)), abs(den)) <= w.m
    for extra in (1, 5, 37):
        assert _worpitzky_holds(a, b, w.n0 + extra, w.m)  # monotone in the threshold


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-4, 4), min_size=2, max_size=3),
       st.lists(st.integers(-4, 4), min_size=1, max_size=5))
def test_rigorous_interval_contains_deep_convergent(a, b):
    a, b = _trim(a), _trim(b)
    if a == [0] or b == [0]:
        return
    f = PCF(a, b)
    if f.terminating_depth() is not None or f.worpitzky() is None:
        return
    try:
        r = f.evaluate(20, max_depth=1 << 12, accelerate=False)
    except EngineError:
        return
    if r.certification != "worpitzky":
        return
    p, q = f.convergent(4 * r.depth + 8)
    with mpmath.workdps(60):
        assert abs(mpmath.mpf(p) / q - r.value) <= r.error_bound


# ----------------------------------------------------------------------------- eventual bracket
@pytest.mark.parametrize("a, b, n0, sign", [("2n-5", "n^2", 3, 1), ("n-3", "n^2", 4, 1),
                                             ("-n+2", "n^2", 3, -1), ("n", "n^2-5n+3", 5, 1)])
def test_eventual_bracket_is_rigorous(a, b, n0, sign):
    # b(n) > 0 and a(n) of one sign only from n0 on: the tail beyond n0 brackets the limit
    f = PCF(a, b)
    assert f.eventual_bracket() == (n0, sign) and not f._bracket_ok()
    r = f.evaluate(40)
    assert r.certification == "bracket" and r.rigorous and f"n >= {n0}" in r.statement
    p, q = f.convergent(4 * r.depth)
    with mpmath.workdps(70):
        assert abs(mpmath.mpf(p) / q - r.value) <= r.error_bound


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-6, 6), min_size=1, max_size=3),
       st.lists(st.integers(-6, 6), min_size=1, max_size=4))
def test_eventual_bracket_signs_hold_on_many_n(a, b):
    a, b = _trim(a), _trim(b)
    if not any(a) or not any(b):
        return
    eb = PCF(a, b).eventual_bracket()
    if eb is None:
        return
    n0, s = eb
    for n in range(n0, n0 + 300):
        assert sum(v * n**k for k, v in enumerate(b)) > 0
        assert s * sum(v * n**k for k, v in enumerate(a)) > 0

