"""Tests of engine.precision.

Reference digits: pi, e, Euler's gamma, Catalan's G, zeta(3) and log 2 to 50 places from
OEIS A000796, A001113, A001620, A006752, A002117, A002162; the other constants are checked
against mpmath at much higher precision (an independent implementation).
"""

from __future__ import annotations

import flint
import mpmath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import InvalidInputError, PrecisionExhaustedError
from engine.precision import (
    CONSTANTS,
    ConstantValue,
    constant_names,
    evaluate_constant,
    precision,
)

OEIS_50 = {
    "pi": "3.1415926535897932384626433832795028841971693993751",
    "e": "2.7182818284590452353602874713526624977572470936999",
    "euler_gamma": "0.57721566490153286060651209008240243104215933593992",
    "catalan": "0.91596559417721901505460351493238411077414937428167",
    "zeta3": "1.2020569031595942853997381615114499907649862923405",
    "log2": "0.69314718055994530941723212145817656807550013436026",
}

MPMATH = {
    "zeta2": lambda: mpmath.zeta(2),
    "zeta5": lambda: mpmath.zeta(5),
    "zeta7": lambda: mpmath.zeta(7),
    "log3": lambda: mpmath.log(3),
    "log10": lambda: mpmath.log(10),
    "sqrt2": lambda: mpmath.sqrt(2),
    "sqrt3": lambda: mpmath.sqrt(3),
    "sqrt5": lambda: mpmath.sqrt(5),
    "golden_ratio": lambda: mpmath.phi,
    "pi2": lambda: mpmath.pi**2,
    "e2": lambda: mpmath.e**2,
    "sqrt_pi": lambda: mpmath.sqrt(mpmath.pi),
    "1/pi": lambda: 1 / mpmath.pi,
    "glaisher": lambda: mpmath.glaisher,
    "khinchin": lambda: mpmath.khinchin,
}


def _state():
    return mpmath.mp.prec, flint.ctx.prec


def test_precision_sets_and_restores_both():
    before = _state()
    with precision(dps=40) as p:
        assert mpmath.mp.dps == 40 and flint.ctx.dps == 40
        assert mpmath.mp.prec == flint.ctx.prec == p.bits
    assert _state() == before
    with precision(bits=300) as p:
        assert _state() == (300, 300) and p.bits == 300
    assert _state() == before


def test_precision_restores_on_exception_and_nests():
    before = _state()
    with pytest.raises(ZeroDivisionError):
        with precision(dps=60):
            with precision(bits=80):
                assert _state() == (80, 80)
                raise ZeroDivisionError
    assert _state() == before
    with precision(dps=50):
        outer = _state()
        with precision(dps=10):
            pass
        assert _state() == outer


@pytest.mark.parametrize(
    "kwargs", [{}, {"dps": 10, "bits": 40}, {"dps": 0}, {"bits": -1}, {"dps": 1.5},
               {"bits": 10**12}]
)
def test_precision_bad_arguments(kwargs):
    with pytest.raises(InvalidInputError):
        with precision(**kwargs):
            pass


@pytest.mark.parametrize("name", sorted(OEIS_50))
def test_constants_against_oeis(name):
    ref = OEIS_50[name]
    digits = len(ref.replace(".", "").lstrip("0"))
    v = evaluate_constant(name, digits - 1)  # reference is truncated; round one digit shorter
    assert v.is_certified
    with mpmath.workdps(80):
        expected = mpmath.nstr(mpmath.mpf(ref), digits - 1, strip_zeros=False)
    assert v.text == expected


@pytest.mark.parametrize("name", sorted(MPMATH))
def test_constants_against_mpmath(name):
    v = evaluate_constant(name, 60)
    with mpmath.workdps(120):
        ref = MPMATH[name]()
        assert abs(ref - v.mid) <= v.radius
        assert abs(ref - mpmath.mpf(v.text)) < mpmath.mpf(10) ** (-58) * abs(ref)
    assert isinstance(v, ConstantValue) and v.is_certified and v.is_valid()


def test_every_constant_has_a_test():
    assert set(constant_names()) == set(CONSTANTS) == set(OEIS_50) | set(MPMATH)


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(sorted(CONSTANTS)), st.integers(1, 120))
def test_ball_contains_text_within_half_ulp(name, digits):
    v = evaluate_constant(name, digits)
    v.check()
    with mpmath.workprec(v.prec + 64):
        # the true value lies in the ball, and the ball inside text +- half an ulp
        x = mpmath.mpf(v.text)
        assert abs(v.mid - x) + v.radius <= 0.5 * mpmath.mpf(10) ** (
            mpmath.floor(mpmath.log10(abs(x))) - digits + 1
        ) * (1 + mpmath.mpf(10) ** -digits)
    assert len(v.text.replace("-", "").replace(".", "").split("e")[0].lstrip("0")) <= digits
    assert v.to_json()["value"] == v.text == str(v)


def test_aliases_and_errors():
    assert evaluate_constant("zeta(3)", 10).name == "zeta3"
    assert evaluate_constant("phi", 5).text == "1.6180"
    assert evaluate_constant("Gamma", 4).text == "0.5772"
    with pytest.raises(InvalidInputError, match="unknown constant"):
        evaluate_constant("tau_prime", 10)
    with pytest.raises(InvalidInputError):
        evaluate_constant("pi", 0)
    with pytest.raises(InvalidInputError):
        evaluate_constant(3.14, 10)


def test_precision_exhausted():
    with pytest.raises(PrecisionExhaustedError):
        evaluate_constant("pi", 200, max_prec=100)
    v = evaluate_constant("pi", 200, max_prec=100, strict=False)
    assert not v.is_certified and not v.is_valid()


def test_no_global_precision_leak():
    before = _state()
    evaluate_constant("catalan", 300)
    assert _state() == before
