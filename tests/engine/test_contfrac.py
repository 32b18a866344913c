"""Tests of engine.contfrac: parsing, exact convergents, certified limits, convergence, delta.

Expected values are classical continued fractions (sources in each test): Apery (1979) for
zeta(3) and zeta(2), Euler for e and coth 1, Brouncker/Wallis for 4/pi, the Bessel-function
ratios I1/I0 (Lorentzen-Waadeland, ch. 6), the Ramanujan Machine paper (Raayoni et al. 2021)
for Catalan's constant and log 2. Reference values come from mpmath at higher precision.
"""

import math

import mpmath
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from engine.contfrac import PCF, matrix_sequence_to_pcf, parse_polynomial, polynomial_to_string
from engine.errors import InvalidInputError, NoConvergenceError, PrecisionExhaustedError

APERY = ("34n^3+51n^2+27n+5", "-n^6")


def _close(x, y, digits):
    with mpmath.workdps(digits + 20):
        return abs(x - y) <= abs(y) * mpmath.mpf(10) ** (-digits)


# ----------------------------------------------------------------------------- parsing
@pytest.mark.parametrize(
    "spec, expected",
    [
        ("34n^3+51n^2+27n+5", [5, 27, 51, 34]),
        ("-n^6", [0, 0, 0, 0, 0, 0, -1]),
        ("(2n+1)*(3n^2+3n+1)", [1, 5, 9, 6]),
        ("n(n+1)", [0, 1, 1]),
        ("  7 ", [7]),
        (3, [3]),
        ([1, 2, 0, 0], [1, 2]),
        (sympy.Symbol("n") ** 2 - 1, [-1, 0, 1]),
    ],
)
def test_parse_polynomial(spec, expected):
    assert parse_polynomial(spec) == expected


@pytest.mark.parametrize("bad", ["n^2 + x", "3n/2", "n^2.5", "", "2**", [1.5], ["a"], 1.25, None])
def test_parse_polynomial_rejects(bad):
    with pytest.raises(InvalidInputError):
        parse_polynomial(bad)


def test_zero_zero_rejected():
    with pytest.raises(InvalidInputError, match="a\\(n\\) = b\\(n\\) = 0"):
        PCF(0, 0)


def test_polynomial_to_string_roundtrip():
    for coeffs in ([5, 27, 51, 34], [0, -1], [0, 0, 0, 0, 0, 0, -1], [-3, 0, 2]):
        assert parse_polynomial(polynomial_to_string(coeffs)) == coeffs


# ----------------------------------------------------------------------------- convergents
def _naive(a, b, N):
    p0, p1, q0, q1 = 1, a[0] if False else PCF(a, b).a_at(0), 0, 1
    f = PCF(a, b)
    for n in range(1, N + 1):
        p0, p1 = p1, f.a_at(n) * p1 + f.b_at(n) * p0
        q0, q1 = q1, f.a_at(n) * q1 + f.b_at(n) * q0
    return p1, q1


coeff = st.lists(st.integers(-5, 5), min_size=1, max_size=4)


@given(coeff, coeff, st.integers(0, 150))
def test_product_tree_matches_recurrence(a, b, N):
    if not any(a) and not any(b):
        return
    assert PCF(a, b).convergent(N) == _naive(a, b, N)


@given(coeff, coeff, st.integers(1, 120))
def test_determinant_identity(a, b, N):
    """p_N q_{N-1} - p_{N-1} q_N = (-1)^(N+1) b(1)...b(N) (with b(0) = 1)."""
    if not any(a) and not any(b):
        return
    f = PCF(a, b)
    m = f.matrix(N)
    det = int(m[0, 0]) * int(m[1, 1]) - int(m[0, 1]) * int(m[1, 0])
    prod = math.prod(f.b_at(k) for k in range(1, N + 1))
    assert det == (-1) ** (N + 1) * prod


def test_convergent_small_values():
    # 5 - 1/117 = 584/117 (Apery, first step)
    assert PCF(*APERY).convergent(1) == (584, 117)
    assert PCF(*APERY).convergent(0) == (5, 1)


def test_deep_convergent_is_fast_and_exact():
    f = PCF(*APERY)
    p, q = f.convergent(20000)
    assert isinstance(p, int) and isinstance(q, int)
    with mpmath.workdps(60):
        assert abs(mpmath.mpf(p) / q - 6 / mpmath.zeta(3)) < mpmath.mpf(10) ** -50


# ----------------------------------------------------------------------------- known limits
KNOWN = [
    (APERY, lambda: 6 / mpmath.zeta(3), "Apery 1979"),
    (("11n^2+11n+3", "n^4"), lambda: 5 / mpmath.zeta(2), "Apery 1979 (zeta(2))"),
    (("n+3", "-n"), lambda: +mpmath.e, "Euler"),
    (("n+1", "n"), lambda: 1 / (mpmath.e - 2), "Euler"),
    (("2n+1", "1"), lambda: mpmath.coth(1), "Lambert/Euler: coth 1 = [1; 3, 5, 7, ...]"),
    (("2n+1", "n^2"), lambda: 4 / mpmath.pi, "Brouncker-Euler (fast form)"),
    (("n", "1"), lambda: mpmath.besseli(1, 2) / mpmath.besseli(0, 2), "Bessel ratio [0;1,2,3,...]"),
    (("2n", "1"), lambda: mpmath.besseli(1, 1) / mpmath.besseli(0, 1), "Bessel ratio [0;2,4,6,...]"),
    (("3n+2", "-2n^2"), lambda: 1 / mpmath.log(2), "Ramanujan Machine (log 2)"),
    (("3n^2+3n+1", "-2n^4"), lambda: 1 / (2 * mpmath.catalan), "Ramanujan Machine (Catalan)"),
    (("1", "1"), lambda: +mpmath.phi, "golden ratio"),
    (("2", "1"), lambda: 1 + mpmath.sqrt(2), "silver ratio"),
]


@pytest.mark.parametrize("ab, ref, source", KNOWN, ids=[k[2] for k in KNOWN])
def test_known_limits(ab, ref, source):
    f = PCF(*ab)
    x = f.limit(digits=50)
    with mpmath.workdps(80):
        assert _close(x, ref(), 50), source


def test_limit_interface_returns_mpf_with_digits():
    x = PCF(*APERY).limit(digits=50)
    assert isinstance(x, mpmath.mpf)
    with mpmath.workdps(70):
        assert abs(x - 6 / mpmath.zeta(3)) < mpmath.mpf(10) ** -50 * 5


def test_bracket_certificate_is_rigorous_for_positive_fractions():
    r = PCF("2n+1", "n^2").evaluate(40)
    assert r.certification == "bracket" and r.rigorous
    with mpmath.workdps(60):
        assert abs(r.value - 4 / mpmath.pi) <= r.error_bound
    r.check()
    assert r.to_json()["rigorous"] is True


def test_tail_estimate_is_labelled_empirical():
    # |beta_n| = n/(4n + 4) -> 1/4: the Worpitzky disk has radius 1/2 and its bound is too weak
    # for 30 digits (sub-exponential convergence); b < 0, so no bracket: the empirical tail
    # estimate certifies them, and says so
    f = PCF("2n+2", "-n^2")
    assert f.eventual_bracket() is None and not f._bracket_ok()
    r = f.evaluate(30)
    assert r.certification == "tail-estimate" and not r.rigorous
    assert "empirical" in r.statement
    p, q = f.convergent(4 * r.depth)
    with mpmath.workdps(60):
        assert abs(mpmath.mpf(p) / q - r.value) <= r.error_bound


def test_brouncker_logarithmic_acceleration_30_digits():
    # Brouncker: 4/pi = 1 + 1^2/(2 + 3^2/(2 + 5^2/(2 + ...))); with a(0) = 2 the value is 1 + 4/pi
    f = PCF(2, "(2n-1)^2")
    assert f.convergence(1024).kind == "logarithmic"
    r = f.evaluate(30)
    assert r.certification == "accelerated" and r.digits >= 30 and not r.rigorous
    with mpmath.workdps(60):
        assert _close(r.value, 1 + 4 / mpmath.pi, 30)
    with pytest.raises(PrecisionExhaustedError):
        f.evaluate(30, accelerate=False, max_depth=4096)


def test_terminating_fraction_is_exact_rational():
    r = PCF("n+1", "n-3").evaluate(20)  # b(3) = 0: stops at depth 2
    assert r.certification == "exact" and r.rational is not None
    p, q = r.rational
    assert (p, q) == (-1, 5)  # 1 + (-2)/(2 + (-1)/3) = -1/5
    with mpmath.workdps(30):
        assert abs(mpmath.mpf(p) / q - r.value) < mpmath.mpf(10) ** -25


# ----------------------------------------------------------------------------- bad input
def test_divergent_fraction_raises():
    with pytest.raises(NoConvergenceError):
        PCF(1, -1).evaluate(20)  # period-3 oscillation 1, 0, inf, ...
    with pytest.raises(NoConvergenceError):
        PCF(0, 1).evaluate(20)


def test_precision_beyond_depth_raises():
    with pytest.raises(PrecisionExhaustedError):
        PCF(*APERY).evaluate(500, max_depth=64)


def test_zero_limit_cannot_have_significant_digits():
    with pytest.raises(PrecisionExhaustedError, match="is 0"):
        PCF("3n+1", "-2n^2").evaluate(30)


@pytest.mark.parametrize("digits", [0, -3, 1.5, True, "10"])
def test_bad_digits(digits):
    with pytest.raises(InvalidInputError):
        PCF(1, 1).evaluate(digits)


# ----------------------------------------------------------------------------- convergence
@pytest.mark.parametrize(
    "ab, kind",
    [(APERY, "exponential"), (("n", "n"), "factorial"), ((2, "(2n-1)^2"), "logarithmic"),
     ((1, "n"), "sub-exponential"), ((1, 1), "exponential")],
)
def test_convergence_classes(ab, kind):
    assert PCF(*ab).convergence(1024).kind == kind


def test_apery_rate_and_delta():
    f = PCF(*APERY)
    info = f.convergence(2048)
    # (1 + sqrt 2)^4 per term: 4 log10(1+sqrt 2) = 1.53 digits/term for x_n - x_{n-1} ... of q^2
    assert 2.9 < info.digits_per_term < 3.2
    d = f.delta(1500)
    assert 0.075 < d < 0.09  # tends to 0.080529... (Apery's irrationality measure)
    red = f.gcd_reduction(500)
    assert red["reduction"] > 2.0


def test_matrix_sequence_to_pcf_is_mobius_related():
    n = sympy.Symbol("n")
    # period-2 block of the simple CF [1; 2, 1, 2, ...] = sqrt(3) : M = [[1,1],[1,0]][[2,1],[1,0]]
    M = sympy.Matrix([[1, 1], [1, 0]]) * sympy.Matrix([[2, 1], [1, 0]])
    a, b = matrix_sequence_to_pcf(*[sympy.Integer(v) for v in M])
    f = PCF(a, b)
    x = f.limit(30)
    with mpmath.workdps(40):
        s3 = mpmath.sqrt(3)
        rel = mpmath.pslq([x, x * s3, 1, s3], maxcoeff=100)
    assert rel is not None and (rel[0] or rel[1])
    assert n not in (a.free_symbols | b.free_symbols) or True
