"""The irrationality-measure exponent ``delta`` (``|L - p_N/q_N| = q_N^-(1+delta)``, ``q_N``
reduced): extrapolated values against known mathematics, and independence of ``--digits``.

Known values (the oracle):

- Apery's fraction ``PCF(34n^3+51n^2+27n+5, -n^6) = 6/zeta(3)``: Apery's sequences give
  ``|q_n zeta(3) - p_n| ~ alpha^-n`` with ``alpha = (1 + sqrt 2)^4 = 17 + 12 sqrt 2``, and the
  reduced denominators ``q_n ~ d_n^3 alpha^n`` (``d_n = lcm(1..n) = e^(n(1+o(1)))``, the prime
  number theorem), so ``|zeta(3) - p_n/q_n| ~ q_n^-(1+delta)`` with
  ``delta = (log alpha - 3)/(log alpha + 3) = 0.080529...`` (the same exponent that gives
  Apery's irrationality measure ``1 + 1/delta = 13.41782``; R. Apery, Asterisque 61 (1979);
  A. van der Poorten, "A proof that Euler missed", Math. Intelligencer 1 (1979) 195-203;
  G. Raayoni et al., Nature 590 (2021) quote delta = 0.0805 for this fraction).
- Apery's ``zeta(2)`` fraction ``PCF(11n^2+11n+3, n^4) = 5/zeta(2)``: ``alpha = phi^5`` and
  ``d_n^2``: ``delta = (5 log phi - 2)/(5 log phi + 2) = 0.092159...`` (same references).
- Quadratic irrationals with period-1 simple fractions: the golden ratio ``PCF(1, 1)`` and
  ``1 + sqrt 2 = PCF(2, 1)``: ``|x - p/q| ~ 1/(sqrt(D) q^2)``, ``delta = 1`` (Lagrange; Hardy
  and Wright, ch. 10).
- Euler's ``PCF(n, n) = 1/(e - 1)``: its convergents are partial sums of ``sum 1/k!`` (Euler's
  transformation of a series into a continued fraction), errors ``~ 1/(N+1)!`` and reduced
  denominators ``<= N!``: ``delta = lim log (N+1)! / log N! - 1 = 0``.
- Brouncker's ``PCF(2, (2n-1)^2) = 1 + 4/pi``: errors ``~ 1/N`` against factorially growing
  denominators: ``delta = -1``.
"""

from __future__ import annotations

import json
import math

import pytest

from engine.contfrac import PCF
from engine.errors import InvalidInputError, PrecisionExhaustedError
from search.cli import main

ALPHA = (1 + math.sqrt(2)) ** 4
APERY_DELTA = (math.log(ALPHA) - 3) / (math.log(ALPHA) + 3)
PHI = (1 + math.sqrt(5)) / 2
ZETA2_DELTA = (5 * math.log(PHI) - 2) / (5 * math.log(PHI) + 2)

CORPUS = [
    # (a, b, delta, tolerance, source)
    ("34n^3+51n^2+27n+5", "-n^6", APERY_DELTA, 0.002, "Apery zeta(3)"),
    ("11n^2+11n+3", "n^4", ZETA2_DELTA, 0.003, "Apery zeta(2)"),
    ("1", "1", 1.0, 1e-4, "golden ratio"),
    ("2", "1", 1.0, 1e-4, "1 + sqrt 2"),
    ("n", "n", 0.0, 0.002, "Euler 1/(e-1)"),
    ("2", "(2n-1)^2", -1.0, 0.002, "Brouncker 1 + 4/pi"),
]


def test_the_known_values_are_the_derived_ones():
    assert abs(APERY_DELTA - 0.080529) < 1e-6
    assert abs(1 + 1 / APERY_DELTA - 13.41782) < 1e-4  # Apery's irrationality measure
    assert abs(ZETA2_DELTA - 0.092159) < 1e-6


@pytest.mark.parametrize("a, b, delta, tol, source", CORPUS, ids=[c[4] for c in CORPUS])
def test_extrapolated_delta_matches_known_values(a, b, delta, tol, source):
    est = PCF(a, b).delta_estimate()
    assert abs(est.value - delta) <= tol, (source, est)
    # the uncertainty is honest: the known value lies within a few of them
    assert abs(est.value - delta) <= max(3 * est.uncertainty, 1e-4), (source, est)


def test_apery_extrapolation_beats_the_finite_depth_values():
    f = PCF("34n^3+51n^2+27n+5", "-n^6")
    raw = [f.delta(n) for n in (25, 250)]  # what --digits 50 / 1000 used to report
    assert raw[0] > 0.15 and raw[1] > 0.09
    est = f.delta_estimate()
    assert abs(est.value - APERY_DELTA) < 0.002 < min(abs(r - APERY_DELTA) for r in raw)
    assert est.depth == 4096 and est.samples >= 64


def test_delta_of_a_terminating_fraction_is_refused():
    with pytest.raises(PrecisionExhaustedError, match="rational"):
        PCF("n+1", "n-3").delta_estimate()


@pytest.mark.parametrize("bad", [0, 63, 1.5, "4096", None, True, 1 << 40])
def test_bad_max_depth(bad):
    with pytest.raises(InvalidInputError, match="max_depth"):
        PCF(1, 1).delta_estimate(bad)


@pytest.mark.parametrize("a, b", [("34n^3+51n^2+27n+5", "-n^6"), ("2n+1", "n^2"), ("1", "n^2")])
def test_cli_delta_does_not_depend_on_digits(a, b, capsys):
    seen = []
    for digits in (10, 50, 120):
        assert main(["cf", "eval", "--digits", str(digits), "--json", a, b]) == 0
        d = json.loads(capsys.readouterr().out)
        seen.append((d["delta"], d["delta_estimate"]["depth"], d["delta_estimate"]["at_depth"]))
    assert len(set(seen)) == 1, seen


def test_cli_reports_apery_delta(capsys):
    assert main(["cf", "eval", "--digits", "50", "--json", "34n^3+51n^2+27n+5", "-n^6"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert abs(d["delta"] - 0.0805) < 0.002
    assert d["delta_estimate"]["depth"] == 4096
    assert main(["cf", "eval", "--digits", "50", "34n^3+51n^2+27n+5", "-n^6"]) == 0
    out = capsys.readouterr().out
    assert "delta  = 0.080" in out and "extrapolated" in out and "delta(4096)" in out
