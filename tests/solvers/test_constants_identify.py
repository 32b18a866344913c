"""Tests of solvers.constants.identify: known identities (oracle: mpmath values of the closed
forms), rejection of unrelated numbers and of over-fitted relations, the 2x verification."""

import mpmath
import pytest
import sympy

from engine.contfrac import PCF
from engine.errors import InvalidInputError
from solvers.constants import CATALOGUE, check_mobius, constant_value, identify, resolve_constant


def _val(fn, dps=70):
    with mpmath.workdps(dps):
        return +fn()


@pytest.mark.parametrize(
    "fn, expected",
    [
        (lambda: 6 / mpmath.zeta(3), 6 / sympy.zeta(3)),
        (lambda: 1 / (mpmath.e - 2), 1 / (sympy.E - 2)),
        (lambda: 4 / mpmath.pi, 4 / sympy.pi),
        (lambda: (3 * mpmath.catalan + 1) / (mpmath.catalan - 2), (3 * sympy.Catalan + 1) / (sympy.Catalan - 2)),
        (lambda: mpmath.log(2), sympy.log(2)),
        (lambda: mpmath.euler / 7, sympy.EulerGamma / 7),
        (lambda: mpmath.zeta(5) + 2, sympy.zeta(5) + 2),
        (lambda: mpmath.mpf(22) / 7, sympy.Rational(22, 7)),
        (lambda: mpmath.besseli(1, 2) / mpmath.besseli(0, 2), sympy.besseli(1, 2) / sympy.besseli(0, 2)),
        (lambda: 2 * mpmath.pi - 3 * mpmath.log(3) + 1, 2 * sympy.pi - 3 * sympy.log(3) + 1),
    ],
)
def test_identify_known(fn, expected):
    r = identify(_val(fn), digits=60)
    assert r is not None
    assert sympy.simplify(r.expression - expected) == 0
    assert r.digits_used == 30 and r.digits_verified >= 56
    r.check()
    assert r.is_valid()
    assert r.to_json()["latex"] == sympy.latex(r.expression)


def test_identify_interface_with_pcf_limit():
    f = PCF("34n^3+51n^2+27n+5", "-n^6")
    r = identify(f.limit(digits=60), digits=60)
    assert r.expression == 6 / sympy.zeta(3)
    # also directly from the PCF
    r2 = identify(f, digits=40)
    assert r2.expression == 6 / sympy.zeta(3)


def test_golden_ratio_algebraic():
    r = identify(_val(lambda: mpmath.phi), digits=50)
    assert sympy.simplify(r.expression - sympy.GoldenRatio) == 0
    r = identify(_val(lambda: mpmath.sqrt(7)), digits=50)  # not in the catalogue: quadratic
    assert r.method == "algebraic" and sympy.simplify(r.expression - sympy.sqrt(7)) == 0


def test_unrelated_number_gives_none():
    assert identify("1.2345678901234567890123456789012345678901", digits=40) is None
    with mpmath.workdps(60):
        x = mpmath.zeta(7) ** 2 + mpmath.sqrt(mpmath.pi)
    assert identify(x, digits=50, method="mobius") is None


def test_overfitting_rejected_with_few_digits():
    # 12 digits: Mobius relations of height ~ 10^(6/4) would be chance; must not report e.g. pi
    with mpmath.workdps(30):
        x = mpmath.mpf("0.318309886184")  # 1/pi to 12 digits, but then garbled
        x = x + mpmath.mpf("3.3e-13")
    r = identify(x, digits=12, constants=["e"], method="mobius")
    assert r is None


def test_wrong_digit_breaks_verification():
    with mpmath.workdps(60):
        x = 6 / mpmath.zeta(3) + mpmath.mpf(10) ** -45
    # found with 30 digits but fails the check with 60
    assert identify(x, digits=60, constants=["zeta(3)"], method="mobius") is None


def test_catalogue_and_aliases():
    assert len(CATALOGUE) >= 17
    for name in CATALOGUE:
        v = constant_value(name, 30)
        assert mpmath.isfinite(v)
    assert resolve_constant("ln2") == "log(2)" and resolve_constant("Gompertz") == "gompertz"
    with pytest.raises(InvalidInputError):
        resolve_constant("tau-prime")
    assert check_mobius(_val(lambda: 1 / (mpmath.e - 2)), "e", (1, 0, -2, 1), 40) >= 40


@pytest.mark.parametrize("bad", [float("nan"), "abc", object(), True])
def test_bad_values(bad):
    with pytest.raises(InvalidInputError):
        identify(bad)


def test_bad_digits():
    with pytest.raises(InvalidInputError):
        identify("3.14159", digits=4)
    with pytest.raises(InvalidInputError):
        identify("3.14159265358979", digits=30)  # more digits than given
