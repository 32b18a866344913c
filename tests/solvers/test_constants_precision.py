"""identify() refuses to work on fewer digits than requested (QA finding on issue #4).

``with mpmath.workdps(20): v = +mpmath.pi`` then ``identify(v, digits=60)`` used to return
None silently: exactly the failure the issue criticises in other tools. The rule (see
``identify``'s docstring): an mpf must carry ``digits*log2(10) - 10`` mantissa bits unless it is
a short exact dyadic rational (<= 32 bits); strings their significant digits; LimitResults
their certified digits. NaN and infinities are InvalidInputError, not bare ValueError.
Expected identities: pi, log 2 (mpmath values), 6/zeta(3) for Apery's fraction (Apery 1979).
"""

from fractions import Fraction

import mpmath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.contfrac import PCF
from engine.errors import InvalidInputError
from solvers.constants import identify


def test_low_precision_mpf_raises_with_the_fix():
    with mpmath.workdps(20):
        v = +mpmath.pi
    with pytest.raises(InvalidInputError) as info:
        identify(v, digits=60)
    msg = str(info.value)
    assert "digits=60" in msg and "about 21 significant digits" in msg
    assert "mpmath.workdps(70)" in msg


def test_default_precision_mpf_raises():
    with mpmath.workdps(15):
        v = mpmath.mpf(mpmath.pi)
        with pytest.raises(InvalidInputError, match="digits=60"):
            identify(v, digits=60)


def test_enough_precision_is_identified():
    with mpmath.workdps(60):  # computed at exactly the digits asked for: accepted
        v = +mpmath.pi
    assert str(identify(v, digits=60).expression) == "pi"
    with mpmath.workdps(20):  # 20 digits asked of a 20-digit value: fine
        v = mpmath.log(2)
    assert str(identify(v, digits=20).expression) == "log(2)"


@settings(max_examples=40, deadline=None)
@given(dps=st.integers(15, 80), extra=st.integers(8, 60), k=st.integers(1, 1000))
def test_any_value_rounded_below_the_request_raises(dps, extra, k):
    # x = log(k + 1) + pi/7, a full-mantissa value rounded to dps digits, asked for
    # dps + extra digits (>= 8 more, i.e. > 26 bits short): always refused
    with mpmath.workdps(dps):
        x = mpmath.log(k + 1) + mpmath.pi / 7
    with pytest.raises(InvalidInputError, match="were requested"):
        identify(x, digits=dps + extra)


@settings(max_examples=40, deadline=None)
@given(dps=st.integers(15, 80), k=st.integers(1, 1000))
def test_any_value_at_the_requested_precision_is_accepted(dps, k):
    # computed at >= digits: never refused (the result may be None: no relation is claimed)
    with mpmath.workdps(dps):
        x = mpmath.log(k + 1) + mpmath.pi / 7
    identify(x, digits=max(8, dps), method="rational")


@pytest.mark.parametrize(
    "value, expected",
    [
        (mpmath.mpf(0.5), "1/2"),      # short exact dyadic mantissas are exact
        (mpmath.mpf(-3), "-3"),
        (mpmath.mpf(0), "0"),
        (Fraction(22, 7), "22/7"),     # exact inputs carry any precision
        (5, "5"),
    ],
)
def test_exact_values_carry_any_precision(value, expected):
    r = identify(value, digits=60)
    assert str(r.expression) == expected and r.digits_available == 60


@pytest.mark.parametrize("bad", [mpmath.nan, mpmath.inf, -mpmath.inf, "nan", "-inf", float("inf")])
def test_non_finite_values(bad):
    with pytest.raises(InvalidInputError, match="not finite"):
        identify(bad)
    with pytest.raises(InvalidInputError, match="not finite"):
        identify(bad, digits=30)


def test_short_string_and_limit_result():
    with pytest.raises(InvalidInputError, match="significant digits given"):
        identify("0.69314718055994530941723212145817656807550013436", digits=60)
    res = PCF("34n^3+51n^2+27n+5", "-n^6").evaluate(30)
    with pytest.raises(InvalidInputError, match="certified"):
        identify(res, digits=60)
    assert str(identify(res, digits=30).expression) == "6/zeta(3)"
    # the PCF itself is evaluated to the digits asked for
    assert str(identify(PCF("34n^3+51n^2+27n+5", "-n^6"), digits=60).expression) == "6/zeta(3)"


def test_float_beyond_16_digits():
    with pytest.raises(InvalidInputError, match="float"):
        identify(0.6931471805599453, digits=30)
