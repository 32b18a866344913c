"""Divergence of polynomial continued fractions: proved (DivergenceError, exit 3) or not.

Corpus (hand-checked; each row says which theorem applies):

- Elliptic case, ``beta_n = b(n)/(a(n-1)a(n)) -> c < -1/4``: the characteristic roots of
  ``x^2 - x - c`` are complex conjugates of equal modulus; by Birkhoff's theorem (normal case,
  G. D. Birkhoff, Trans. AMS 12 (1911)) every solution of the recurrence has the modulus of
  every other, none is minimal, and by Pincherle's theorem (W. B. Jones, W. J. Thron,
  *Continued Fractions*, 1980; W. Gautschi, SIAM Review 9 (1967)) the fraction diverges. This is
  the elliptic case of limit-periodic fractions (L. Lorentzen, H. Waadeland, *Continued
  Fractions*, vol. 1, 2008, ch. 4). The issue's example ``PCF(n, -n^2)`` has ``c = -1``; the
  periodic ``PCF(1, -1)`` (``x -> 1 - 1/x``, period 3) is the classical example.
- Stern-Stolz: ``deg b >= 2 deg a + 3`` gives ``K(1/d_n)`` with ``sum |d_n| < inf``; the even and
  the odd approximants converge to different values (Jones-Thron 1980; Lorentzen-Waadeland).
- ``a = 0``: ``q_1 = 0`` and ``q_n = b(n) q_{n-2}`` (elementary).
- ``deg b = 2 deg a + 2`` with ``lead b < 0``: characteristic roots ``+-i sqrt(-lead b)``.
- A terminating fraction whose last denominator vanishes has no finite value.

Not proved (NoConvergenceError, exit 1, with the reason): ``deg b = 2 deg a + 1`` with
``lead b < 0`` (``beta_n -> -inf`` like ``-n``) and the parabolic-elliptic case
``beta_n = -1/4 - c/n + ...``.

Never flagged: Apery's fraction (``beta_n -> -1/1156``), Brouncker's ``4/pi`` (``b > 0``), the
log-2 fraction ``(3n+2, -2n^2)`` (``beta_n -> -2/9``), the golden ratio, ``e``-type fractions.
"""

from __future__ import annotations

import itertools

import mpmath
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.contfrac import PCF, DivergenceError
from engine.errors import InfeasibleError, NoConvergenceError

PROVED = [
    # (a, b, reason, source)
    ("n", "-n^2", "elliptic", "issue example: beta_n -> -1 < -1/4"),
    ("1", "-1", "elliptic", "x -> 1 - 1/x has period 3 (beta = -1)"),
    ("3n+1", "-3n^2", "elliptic", "beta_n -> -1/3 < -1/4"),
    ("n^100", "-n^200", "elliptic", "beta_n -> -1, degree 100"),
    ("n-5", "-n^2", "elliptic", "a(5) = 0 does not matter: beta_n -> -1"),
    ("2n+1", "-2n^2-n", "elliptic", "beta_n -> -1/2, b(n) = -n(2n+1)"),
    ("1", "n^3", "stern_stolz", "deg b = 3 = 2 deg a + 3, b > 0"),
    ("1", "-n^3", "stern_stolz", "deg b = 3, b < 0"),
    ("n", "n^5+1", "stern_stolz", "deg b = 5 = 2 deg a + 3"),
    ("1", "n^200", "stern_stolz", "deg b = 200"),
    ("0", "1", "a_zero", "a = 0: q_odd = 0"),
    ("0", "n", "a_zero", "a = 0"),
    ("1", "-n^2", "elliptic_infinite", "deg b = 2 deg a + 2, lead b = -1"),
    ("2n+1", "-n^4", "elliptic_infinite", "deg b = 4, lead b = -1"),
    ("1", "-2n^2+3n", "elliptic_infinite", "lead b = -2"),
]

UNPROVED = [
    ("1", "-n", "-inf like -n"),                    # deg b = 2 deg a + 1, b < 0
    ("2n+1", "-n^2-n", "parabolic-elliptic"),        # beta_n = -1/4 - ...
    ("n+1", "-n-1", "grow without bound"),           # q_n = n + 1: |x_n| -> infinity
]

CONVERGENT = [
    ("34n^3+51n^2+27n+5", "-n^6"),   # Apery: 6/zeta(3)
    ("2n+1", "n^2"),                 # Brouncker: 4/pi
    ("3n+2", "-2n^2"),               # log 2 type, beta_n -> -2/9
    ("1", "1"),                      # golden ratio
    ("n", "n"),                      # 1/(e - 1) (Euler)
    ("11n^2+11n+3", "n^4"),          # Apery's zeta(2) fraction
    ("2", "(2n-1)^2"),               # 1 + 4/pi, logarithmic
    ("3", "-2"),                     # beta = -2/9: limit 2
    ("2", "-1"),                     # beta = -1/4 exactly (parabolic, limit 1)
]


@pytest.mark.parametrize("a, b, reason, source", PROVED, ids=[f"{r[0]}|{r[1]}" for r in PROVED])
def test_proved_divergence_raises_infeasible(a, b, reason, source):
    f = PCF(a, b)
    proof = f.divergence()
    assert proof is not None and proof.reason == reason, source
    with pytest.raises(DivergenceError) as info:
        f.evaluate(20)
    exc = info.value
    assert isinstance(exc, InfeasibleError) and isinstance(exc, NoConvergenceError)
    assert exc.exit_code == 3 and exc.reason == reason
    assert "diverges (proved)" in str(exc) and "\n" not in str(exc)


@pytest.mark.parametrize("a, b, why", UNPROVED)
def test_unproved_divergence_stays_no_convergence(a, b, why):
    f = PCF(a, b)
    assert f.divergence() is None
    with pytest.raises(NoConvergenceError) as info:
        f.evaluate(20)
    assert not isinstance(info.value, InfeasibleError)
    assert info.value.exit_code == 1
    assert why in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize("a, b", CONVERGENT)
def test_convergent_fractions_are_never_flagged(a, b):
    assert PCF(a, b).divergence() is None
    PCF(a, b).evaluate(12)


def test_terminating_fraction_with_zero_denominator_has_no_value():
    # a(1) = 0 and b(2) = 0: x = a(0) + b(1)/a(1) = -2 + (-2)/0
    with pytest.raises(DivergenceError, match="no finite value") as info:
        PCF("2n-2", "n^2-n-2").evaluate(10)
    assert info.value.reason == "zero_denominator"


def _oscillates(f: PCF) -> bool:
    """The exact approximants x_400 ... x_411 spread over more than 1e-6 (relative), or some
    denominator vanishes: the sequence is visibly not settling."""
    xs = []
    with mpmath.workdps(30):
        for n in range(400, 412):
            p, q = f.convergent(n)
            if q == 0:
                return True
            xs.append(mpmath.mpf(p) / q)
        spread = max(xs) - min(xs)
        return spread > mpmath.mpf(10) ** -6 * max(1, max(abs(x) for x in xs))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(-4, 4), min_size=1, max_size=3),
       st.lists(st.integers(-4, 4), min_size=1, max_size=5))
def test_every_proved_divergence_is_visible_in_the_convergents(a, b):
    """Property: whenever a divergence proof exists, the exact approximants do not settle."""
    if not any(a) and not any(b):
        return
    f = PCF(a, b)
    proof = f.divergence()
    if proof is not None:
        assert _oscillates(f), (a, b, proof.reason)


def test_no_rigorously_certified_limit_in_a_box_is_called_divergent():
    """Exhaustive over a(n) = a0 + a1 n, b(n) = b0 + b1 n + b2 n^2, coefficients in [-1, 1]:
    a fraction with a proved divergence never gets a certified value, and one with a rigorous
    value (bracket or Worpitzky) never has a divergence proof."""
    for a0, a1, b0, b1, b2 in itertools.product(range(-1, 2), repeat=5):
        if not any((a0, a1, b0, b1, b2)):
            continue
        f = PCF([a0, a1], [b0, b1, b2])
        proof = f.divergence()
        try:
            res = f.evaluate(12, max_depth=4096)
        except DivergenceError:
            assert proof is not None or f.terminating_depth() is not None
            continue
        except (NoConvergenceError, ArithmeticError, ValueError):
            continue
        assert proof is None, ([a0, a1], [b0, b1, b2], res.certification)
