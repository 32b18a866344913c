"""Property tests of the polynomial parser (engine.contfrac.parse_polynomial) and of the A/B
arguments of ``disco cf``: random text never crashes (only a one-line InvalidInputError that
names the argument), and well-formed text means what sympy says it means (sympy is the oracle
on generated formulas, which contain nothing but integers, n, + - * ** and parentheses).
"""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout

import pytest
import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from engine.contfrac import (
    MAX_COEFFICIENT_DIGITS,
    MAX_DEGREE,
    PCF,
    parse_polynomial,
    polynomial_to_string,
)
from engine.errors import InvalidInputError
from search.cli import main

_ALPHABET = "0123456789n+-*^() \t()nn^^**x.e/,[]{}'\"\\\x00é٣"


def _parse_or_refuse(text: str, name: str = "a"):
    try:
        return parse_polynomial(text, name)
    except InvalidInputError as exc:
        msg = str(exc)
        assert "\n" not in msg and msg.startswith(f"{name}") and len(msg) < 400, msg
        return None


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=40))
def test_random_text_never_crashes(text):
    out = _parse_or_refuse(text)
    if out is not None:
        assert all(isinstance(c, int) for c in out) and len(out) - 1 <= MAX_DEGREE


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_arbitrary_unicode_never_crashes(text):
    _parse_or_refuse(text, "b")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-10**6, 10**6), min_size=1, max_size=12))
def test_round_trip_through_the_printed_form(coeffs):
    want = list(coeffs)
    while len(want) > 1 and want[-1] == 0:
        want.pop()
    assert parse_polynomial(polynomial_to_string(coeffs)) == want


def _formulas():
    leaf = st.one_of(st.integers(0, 40).map(str), st.just("n"))

    def extend(children):
        return st.one_of(
            st.tuples(children, st.sampled_from(["+", "-", "*"]), children).map(
                lambda t: f"({t[0]}{t[1]}{t[2]})"),
            st.tuples(children, st.integers(0, 4)).map(lambda t: f"({t[0]})**{t[1]}"),
            children.map(lambda c: f"-({c})"),
        )

    return st.recursive(leaf, extend, max_leaves=10)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_formulas())
def test_well_formed_formulas_agree_with_sympy(text):
    n = sympy.Symbol("n")
    expr = sympy.expand(sympy.sympify(text, locals={"n": n}))
    poly = sympy.Poly(expr, n)
    assume(poly.degree() <= MAX_DEGREE)
    want = [int(c) for c in reversed(poly.all_coeffs())] or [0]
    while len(want) > 1 and want[-1] == 0:
        want.pop()
    assume(all(len(str(abs(c))) <= MAX_COEFFICIENT_DIGITS for c in want))
    assert parse_polynomial(text) == want
    # the caret and implicit products of parenthesised factors are the same polynomial
    assert parse_polynomial(text.replace("**", "^").replace(")*(", ")(")) == want


@pytest.mark.parametrize("text, coeffs", [
    ("34n^3+51n^2+27n+5", [5, 27, 51, 34]),
    ("-n^6", [0, 0, 0, 0, 0, 0, -1]),
    ("(2n+1)*(3n^2+3n+1)", [1, 5, 9, 6]),
    ("(n+1)(n+2)", [2, 3, 1]),
    ("2(n+1)", [2, 2]),
    ("n^2^2", [0, 0, 0, 0, 1]),         # right associative, as sympy's n**2**2
    ("-2^2", [-4]),                     # the power binds tighter than the sign
    ("- n^6", [0, 0, 0, 0, 0, 0, -1]),
    ("nnn", [0, 0, 0, 1]),
    ("0^0", [1]),
])
def test_examples(text, coeffs):
    assert parse_polynomial(text) == coeffs


@pytest.mark.parametrize("text, what", [
    ("n^100000", "degree 100000 exceeds"),
    ("10^10^10", "more than 1000 digits"),
    ("9" * 1001, "more than 1000 digits"),
    ("(" * 150 + "n" + ")" * 150, "nested deeper"),
    ("2^" * 300 + "2", "nested deeper"),
    ("n^-1", "negative exponent"),
    ("2^n", "not a constant"),
    ("n^(1/2)", "unexpected '/'"),
    ("2 3", "two numbers in a row"),
    ("()", "empty parentheses"),
    ("n-", "ends"),
    ("x" * 20000, "characters"),
])
def test_refusals_name_the_problem(text, what):
    with pytest.raises(InvalidInputError, match="^b") as info:
        parse_polynomial(text, "b")
    assert what in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize("spec", [None, 1.5, b"12", {1: 2}, [1, "a"], [1.5], object(), True,
                                  [0] * 5000 + [1], 10**2000])
def test_non_text_inputs_are_refused(spec):
    with pytest.raises(InvalidInputError):
        PCF(spec, 1)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=_ALPHABET, max_size=25), st.text(alphabet=_ALPHABET, max_size=25))
def test_cli_arguments_never_crash(a, b):
    """``disco cf eval A B``: an unparseable A or B is exit 2 with one line; nothing raises."""
    assume(not a.startswith("-") or a[1:2] in "0123456789n(. ")
    assume(not b.startswith("-") or b[1:2] in "0123456789n(. ")
    try:
        PCF(a, b)
        parses = True
    except InvalidInputError:
        parses = False
    assume(not parses)  # evaluating random valid fractions is the other tests' business
    err = io.StringIO()
    with redirect_stdout(io.StringIO()), redirect_stderr(err):
        code = main(["cf", "eval", "--digits", "5", "--max-depth", "64", "--", a, b])
    assert code == 2
    assert err.getvalue().count("\n") == 1 and "Traceback" not in err.getvalue()
