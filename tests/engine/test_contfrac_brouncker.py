"""Tests of the power extrapolation of Brouncker-type PCFs (x_n - L ~ n^-g, g irrational).

Oracle: Ramanujan's gamma-function evaluation (Berndt, *Ramanujan's Notebooks* II, ch. 12,
Entry 25): x + 1^2/(2x + 3^2/(2x + 5^2/(2x + ...))) = 4 (Gamma((x+3)/4)/Gamma((x+1)/4))^2, which
gives 4/pi at x = 1 (Brouncker) and pi at x = 3. The equivalence transformation a -> lam a,
b -> lam^2 b multiplies the value by lam, so PCF(c, lam^2 (2n-1)^2) with lam = sqrt 2 or sqrt 3
has an irrational exponent g = c/(2 lam) and a closed form evaluated independently by mpmath.
"""

from fractions import Fraction

import mpmath
import pytest

from engine.contfrac import PCF
from engine.errors import EngineError


def _ramanujan(c, lam2):
    lam = mpmath.sqrt(lam2)
    x = mpmath.mpf(c) / lam / 2
    return lam * (x + 4 * mpmath.gamma((x + 3) / 4) ** 2 / mpmath.gamma((x + 1) / 4) ** 2)


@pytest.mark.parametrize("c, lam2", [(2, 2), (3, 3), (3, 2), (1, 1)])
def test_irrational_exponent_matches_gamma_closed_form(c, lam2):
    f = PCF(c, [lam2, -4 * lam2, 4 * lam2])  # c ; lam^2 (2n-1)^2
    assert f.power_exponent() == (Fraction(c * c, 4 * lam2), "brouncker")
    r = f.evaluate(16, max_depth=1 << 15)
    assert r.certification == "accelerated" and not r.rigorous
    assert r.method == "power-extrapolation" and r.digits >= 16
    with mpmath.workdps(50):
        ref = _ramanujan(c, lam2)
        assert abs(r.value - ref) <= abs(ref) * mpmath.mpf(10) ** (-r.digits)
    assert "empirical" in r.statement and "g =" in r.statement


def test_not_brouncker_type():
    assert PCF("2n+1", "n^2").power_exponent() is None   # deg b = 2 deg a, beta -> 1/4
    assert PCF(1, "-2n^2").power_exponent() is None      # b -> -inf: elliptic
    assert PCF(0, "n^2").power_exponent() is None
    # parabolic, beta_n = -n^2/(4n^2 - 1) = -1/4 - 1/(16 n^2) + ...: G = 0, logarithmic
    assert PCF("2n+1", "-n^2").power_exponent() is None


def test_parabolic_exponent_sqrt5_golden_ratio():
    # beta_n = -1/4 + 1/(4 n (n+1)): G = 1 + 16/4 = 5, x_n - phi ~ n^-sqrt(5) (observed ratio
    # 22.1 per factor 4 in n); the limit is the golden ratio (x = 1 + 1/x at infinity, checked
    # here only numerically, against mpmath's phi)
    f = PCF("2n+2", "-n^2-n+1")
    assert f.power_exponent() == (Fraction(5), "parabolic")
    r = f.evaluate(16)
    assert r.method == "power-extrapolation" and not r.rigorous
    with mpmath.workdps(40):
        assert abs(r.value - mpmath.phi) <= mpmath.phi * mpmath.mpf(10) ** (-r.digits)


def test_too_small_exponent_is_refused_not_guessed():
    # g = 1/sqrt(8) = 0.35: the fit does not settle within the depth; an error, not digits
    f = PCF(1, "8n^2-8n+2")
    with pytest.raises(EngineError):
        f.evaluate(16, max_depth=1 << 15)
