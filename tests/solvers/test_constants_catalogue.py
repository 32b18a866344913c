"""The constant catalogue (>= 60 constants with sources), user constants given as expressions,
products and powers of constants, degree-2 relations, and the one over-fitting rule.
Oracle: mpmath/sympy values of the closed forms."""

from __future__ import annotations

import json

import mpmath
import pytest
import sympy

from engine.errors import InvalidInputError
from solvers.constants import (
    CATALOGUE,
    CATALOGUE_SOURCES,
    IdentifyResult,
    _digits_ok,
    identify,
    resolve_constant,
)


def _val(fn, dps=80):
    with mpmath.workdps(dps):
        return +fn()


def test_catalogue_size_and_sources():
    assert len(CATALOGUE) >= 60
    assert set(CATALOGUE_SOURCES) == set(CATALOGUE)
    assert all(CATALOGUE_SOURCES[k] for k in CATALOGUE)
    for name in ("tan(1)", "Gamma(1/4)", "zeta(7)", "L(2,chi_-3)", "J1(2)/J0(2)", "khinchin"):
        assert name in CATALOGUE
    assert resolve_constant("Gamma(1/3)") == "Gamma(1/3)" and resolve_constant("zeta7") == "zeta(7)"


@pytest.mark.slow
def test_catalogue_values_agree_with_sympy():
    for name, (sym, fn) in CATALOGUE.items():
        with mpmath.workdps(45):
            v = fn()
            ref = mpmath.mpf(str(sympy.N(sym, 50)))
            assert abs(v - ref) <= mpmath.mpf(10) ** -40 * max(1, abs(ref)), name


def test_user_constant_expression():
    # (tan(1) + 2)/(3 tan(1) - 1): a Mobius form of tan(1) given as an expression
    x = _val(lambda: (mpmath.tan(1) + 2) / (3 * mpmath.tan(1) - 1))
    r = identify(x, digits=60, constants=["tan(1)"])
    assert r is not None and r.method == "mobius"
    assert sympy.simplify(r.expression - (sympy.tan(1) + 2) / (3 * sympy.tan(1) - 1)) == 0
    assert r.digits_used == 30 and r.digits_verified >= 56


def test_user_constant_not_in_catalogue():
    # besseli(2,1)/besseli(0,1) is no catalogue constant: its Mobius form is found and re-verified
    x = _val(lambda: 1 / (1 + mpmath.besseli(2, 1) / mpmath.besseli(0, 1)))
    r = identify(x, digits=50, constants=["besseli(2,1)/besseli(0,1)"])
    assert r is not None and r.constants == ("besseli(2,1)/besseli(0,1)",)
    r.check()
    back = IdentifyResult.from_json(json.loads(json.dumps(r.to_json())))
    back.check()


@pytest.mark.parametrize("fn, expected", [
    (lambda: mpmath.zeta(3) / mpmath.pi**3, sympy.zeta(3) / sympy.pi**3),
    (lambda: 3 * mpmath.catalan**2 / 7, 3 * sympy.Catalan**2 / 7),
    (lambda: mpmath.pi**2 * mpmath.log(2) / 5, sympy.pi**2 * sympy.log(2) / 5),
    (lambda: mpmath.gamma(mpmath.mpf(1) / 4) ** 4 / mpmath.pi**2,
     sympy.gamma(sympy.Rational(1, 4)) ** 4 / sympy.pi**2),
])
def test_products_and_powers(fn, expected):
    r = identify(_val(fn), digits=60)
    assert r is not None, expected
    assert sympy.simplify(r.expression - expected) == 0
    assert r.digits_verified >= 56
    r.check()


@pytest.mark.parametrize("fn, method", [
    (lambda: (mpmath.pi**2 + 1) / (mpmath.pi + 3), "quadratic"),
    (lambda: mpmath.sqrt(mpmath.e + 2), "quadratic"),
])
def test_degree_two_relations(fn, method):
    x = _val(fn)
    r = identify(x, digits=70)
    assert r is not None and r.method == method
    with mpmath.workdps(60):
        assert abs(mpmath.mpf(str(sympy.N(r.expression, 65))) - x) < mpmath.mpf(10) ** -55
    r.check()
    assert IdentifyResult.from_json(r.to_json()).is_valid()


def test_no_false_positives_on_random_numbers():
    # digits of 1/7 + 1/sqrt(997) etc. have no small relation over the catalogue
    for fn in (lambda: mpmath.sqrt(997) / 31 + mpmath.zeta(3) ** 3,
               lambda: mpmath.exp(mpmath.sqrt(11)) / 1000):
        assert identify(_val(fn), digits=40) is None


def test_one_overfitting_rule():
    assert _digits_ok([1, 0, 0, -1], 20)
    assert not _digits_ok([123456, 654321, 1, 1], 20)
    # trying many bases costs log10(tries) digits
    assert _digits_ok([7, 9, 2, 3], 9) and not _digits_ok([7, 9, 2, 3], 9, tries=1000)


def test_bad_constants():
    with pytest.raises(InvalidInputError, match="'x'"):
        identify("0.123456789012345678", constants=["tan(x)"])
    with pytest.raises(InvalidInputError, match="carries only 5 significant digits"):
        identify(_val(lambda: mpmath.pi), digits=40, constants=["1.2345*pi"])
    with pytest.raises(InvalidInputError, match="constant"):
        identify("0.123456789012345678", constants=[3])
    with pytest.raises(InvalidInputError, match="method"):
        identify("0.123456789012345678", method="magic")


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=30))
def test_user_constant_never_crashes(text):
    try:
        identify("0.12345678901234567890", constants=[text], method="mobius")
    except InvalidInputError as exc:
        assert "\n" not in str(exc)


@pytest.mark.parametrize("text, digits", [("0E0", 1), ("1e-3*pi", 1), ("2.50*e", 3), (".5", 1), ("tan(1)", None)])
def test_a_user_constant_carries_the_digits_of_its_float_literals(text, digits):
    from solvers.constants import _user_constant

    assert _user_constant(text)[3] == digits
