"""solvers.constants: the checked constant-expression parser (ESMA's input), the text printer
(``e``, not sympy's ``E``) and decimal values of any length.

The parser is fuzzed (it never crashes: a one-line InvalidInputError or a finite real value) and
checked against sympy on generated formulas (sympy evaluates the same text; the formulas contain
only integers, catalogue constants, + - * / ** and the functions exp, log, sqrt, sin, atan).
"""

from __future__ import annotations

import mpmath
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.errors import InvalidInputError
from solvers.constants import expression_text, identify, parse_expression

_ALPHABET = "0123456789e+-*/^().,pi sqrtlogexpzetagam_[]{}'\"\\:=@!x"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=30))
def test_random_text_never_crashes(text):
    try:
        p = parse_expression(text)
    except InvalidInputError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("expression")
        return
    v = p.value(20)
    assert isinstance(v, mpmath.mpf) and mpmath.isfinite(v)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=20))
def test_arbitrary_unicode_never_crashes(text):
    try:
        parse_expression(text)
    except InvalidInputError as exc:
        assert "\n" not in str(exc)


def _formulas():
    leaf = st.one_of(st.integers(1, 9).map(str), st.sampled_from(["e", "pi", "catalan"]))

    def extend(children):
        return st.one_of(
            st.tuples(children, st.sampled_from(["+", "-", "*", "/"]), children).map(
                lambda t: f"({t[0]}){t[1]}({t[2]})"),
            st.tuples(children, st.integers(-3, 3)).map(lambda t: f"({t[0]})**{t[1]}"),
            st.tuples(st.sampled_from(["exp", "atan", "sin", "sqrt", "log"]), children).map(
                lambda t: f"{t[0]}({t[1]})"),
        )

    return st.recursive(leaf, extend, max_leaves=6)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_formulas())
def test_values_agree_with_sympy(text):
    try:
        p = parse_expression(text)
    except InvalidInputError:
        return  # division by zero, log of a negative number, a value beyond 10^1000 ...
    ours = p.value(40)
    ref = sympy.N(sympy.sympify(text, locals={"e": sympy.E, "catalan": sympy.Catalan}), 40)
    if not isinstance(sympy.re(ref), sympy.Float):
        return  # sympy finds an exact pole or an undefined value (1/sin(pi)): mpmath sees a
        # 40-digit rounding error there, not comparable
    with mpmath.workdps(40):
        ref = mpmath.mpf(str(sympy.re(ref)))
        if ref == 0:  # an exact zero (sin(pi)) is a 40-digit rounding error for mpmath, and
            # sqrt/log of it are not small: only the magnitude can be compared
            assert abs(ours) < mpmath.mpf(10) ** -15, text
            return
        assert abs(ours - ref) <= mpmath.mpf(10) ** -30 * max(1, abs(ref)), text


@pytest.mark.parametrize("text, value", [
    ("e", lambda: mpmath.e), ("(e+1)/(e-1)", lambda: (mpmath.e + 1) / (mpmath.e - 1)),
    ("e^2", lambda: mpmath.e ** 2), ("tan(1)", lambda: mpmath.tan(1)),
    ("Log 2", lambda: mpmath.log(2)), ("zeta3", lambda: mpmath.zeta(3)),
    ("gamma", lambda: +mpmath.euler), ("gamma(1/3)", lambda: mpmath.gamma(mpmath.mpf(1) / 3)),
    ("pi**2/6", lambda: mpmath.pi ** 2 / 6),
    ("I1(2)/I0(2)", lambda: mpmath.besseli(1, 2) / mpmath.besseli(0, 2)),
])
def test_known_values(text, value):
    with mpmath.workdps(30):
        assert abs(parse_expression(text).value(30) - value()) < mpmath.mpf(10) ** -25


@pytest.mark.parametrize("text, what", [
    ("1/0", "division by zero"), ("zeta(1)", "zeta"), ("log(0)", "log(0)"),
    ("sqrt(-1)", "not a real number"), ("10**10**10", "exceeds"), ("x", "free symbols"),
    ("__import__('os')", "cannot be parsed"), ("e.real", "not allowed"), ("foo(", "cannot be parsed"),
    ("gamma(0)", "pole"), ("(" * 600 + "1" + ")" * 600, "characters"), ("", "empty"),
])
def test_refusals(text, what):
    with pytest.raises(InvalidInputError) as info:
        parse_expression(text)
    assert what in str(info.value) and "\n" not in str(info.value)


def test_rationals_are_exact():
    assert parse_expression("2^-3").rational == sympy.Rational(1, 8)
    assert parse_expression("1/3 + 1/6").rational == sympy.Rational(1, 2)
    assert parse_expression("0.5").rational is None and parse_expression("0.5").has_decimal


@pytest.mark.parametrize("expr, text", [
    (1 / (sympy.E - 1), "1/(-1 + e)"), (sympy.exp(2) / 7, "e^2/7"), (sympy.pi ** 2 / 6, "pi^2/6"),
    (6 / sympy.zeta(3), "6/zeta(3)"), (sympy.GoldenRatio + 1, "1 + phi"),
    (2 * sympy.Catalan, "2*catalan"), (sympy.EulerGamma, "euler_gamma"),
])
def test_text_printer_uses_e_not_E(expr, text):
    assert expression_text(expr) == text


def test_identify_prints_e_and_keeps_latex():
    r = identify("2.718281828459045235360287471352662497757247093699959574966967627724")
    assert str(r).startswith("e ") and r.latex == "e" and str(r.expression) == "E"


def test_decimal_values_longer_than_pythons_int_limit():
    value = "1." + "4142135623730950488016887242096980785696718753769480731766797379907324784621" * 70
    r = identify(value, digits=60)  # 5000+ characters: no int-conversion limit is hit
    assert r is None or r.digits_available == 60
    with pytest.raises(InvalidInputError, match="value="):
        identify("1" * 20 + "x")
    with pytest.raises(InvalidInputError, match="at least 8"):
        identify("0")
    with pytest.raises(InvalidInputError, match="between 8 and"):
        identify("3.14159265358979323846", digits=10**6)
