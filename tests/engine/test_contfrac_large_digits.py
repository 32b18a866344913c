"""Requests for more digits than the accelerated paths can give (engine.contfrac).

Regression tests for a QA finding: ``PCF("2", "(2n-1)^2").limit(digits=500)`` raised
``InvalidInputError: depth=-13 ...`` from the Euler-averaging stage (it asked for
``digits + 13`` consecutive convergents ending below depth ``digits + 13``). The contract
(issue #4, "Bad input": a precision request beyond what the depth can give) is a
``PrecisionExhaustedError`` that says how many digits are reachable, never an error that
blames the user's input, never a wrong digit. Values: Brouncker's fraction
``2 + 1/(2 + 9/(2 + ...)) = 1 + 4/pi`` (Lorentzen-Waadeland, Continued Fractions, 2008), a
logarithmically converging fraction ``PCF(1, n^2)``, and the power-law fractions of
``PCF.power_exponent`` (g = 1/sqrt 2 and g = sqrt 5).
"""

import re

import mpmath
import pytest

from engine.contfrac import PCF
from engine.errors import InvalidInputError, NoConvergenceError, PrecisionExhaustedError

BROUNCKER = ("2", "(2n-1)^2")


@pytest.mark.parametrize("digits", [500, 2500])
def test_brouncker_beyond_reach_is_precision_exhausted(digits):
    with pytest.raises(PrecisionExhaustedError) as info:
        PCF(*BROUNCKER).limit(digits=digits, max_depth=1000)
    msg = str(info.value)
    m = re.search(r"supports only (\d+) digits", msg)
    assert m, msg
    reachable = int(m.group(1))
    assert 30 <= reachable < digits  # the 30-digit acceptance level is reachable at depth 1000
    assert "depth=" not in msg


def test_reachable_digits_are_correct():
    # the digits the message promises are obtained, and they are right (1 + 4/pi)
    with pytest.raises(PrecisionExhaustedError) as info:
        PCF(*BROUNCKER).evaluate(500, max_depth=1000)
    reachable = int(re.search(r"supports only (\d+) digits", str(info.value)).group(1))
    r = PCF(*BROUNCKER).evaluate(reachable, max_depth=1000)
    assert r.digits >= reachable and not r.rigorous
    with mpmath.workdps(reachable + 40):
        assert abs(r.value - (1 + 4 / mpmath.pi)) <= mpmath.mpf(10) ** (-r.digits) * 3


def test_averaging_skips_depths_too_small():
    # the averaging stage alone: no negative start index, just "not reached" at these digits
    f = PCF(*BROUNCKER)
    info = f.convergence(1024)
    assert f._averaged(500, info, 1000) == (None, 0)  # needs 513 convergents before depth 500
    res, reached = f._averaged(2500, info, 4000)  # needs 2513 convergents before depth 2000
    assert res is None and reached == 0


@pytest.mark.parametrize(
    "ab, digits, max_depth",
    [
        (("1", "n^2"), 500, 1000),          # logarithmic: Richardson / averaging path
        (("1", "n^2"), 2100, 4000),         # averaging needs 2113 convergents before 2000
        (("1", "2n^2+1"), 500, 8192),       # Brouncker type, g = 1/sqrt 2: power fit
        (("2n+2", "-n^2-n+1"), 500, 8192),  # parabolic, g = sqrt 5: power fit
        (("2n+1", "-n^2"), 500, 1000),      # 1/log n type: no acceleration settles
    ],
)
def test_large_digits_never_blame_the_input(ab, digits, max_depth):
    with pytest.raises((PrecisionExhaustedError, NoConvergenceError)) as info:
        PCF(*ab).evaluate(digits, max_depth=max_depth)
    assert not isinstance(info.value, InvalidInputError)
    assert "ask for" in str(info.value) or "raise max_depth" in str(info.value) \
        or "do not agree" in str(info.value)


def test_power_fit_needs_depth_message():
    with pytest.raises(PrecisionExhaustedError, match="raise max_depth"):
        PCF("1", "2n^2+1").evaluate(20, max_depth=4000)
