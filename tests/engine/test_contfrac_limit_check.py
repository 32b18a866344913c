"""LimitResult under the result contract: check() recomputes the certified digits.

Oracles: Apery's fraction -> 6/zeta(3) (Worpitzky certificate), 1 + 4/pi and 4/pi by
Brouncker/Euler-type fractions with positive terms (bracketing), a terminating fraction
(-1/5), a fraction whose signs are fixed only from n = 3 on (eventual bracketing), and the
empirical certificates (tail estimate, Richardson and power-law acceleration).
"""

from __future__ import annotations

import dataclasses
import json
from fractions import Fraction

import mpmath
import pytest

from engine.contfrac import PCF, LimitResult
from engine.errors import VerificationError

CASES = [
    (("34n^3+51n^2+27n+5", "-n^6"), 30, "worpitzky"),
    (("3n+2", "-2n^2"), 200, "worpitzky"),
    (("2n+1", "n^2"), 40, "bracket"),
    (("2n-5", "n^2"), 30, "bracket"),  # eventual: signs fixed from n = 3
    (("n+1", "n-3"), 20, "exact"),
    (("2n+2", "-n^2"), 30, "tail-estimate"),
    ((2, "(2n-1)^2"), 30, "accelerated"),  # Richardson, 53 digits claimed
    ((2, [2, -8, 8]), 16, "accelerated"),  # power extrapolation, x_n - L ~ n^-g, g = 1/sqrt 2
]


def _roundtrip(r: LimitResult) -> LimitResult:
    text = json.dumps(r.to_json(), allow_nan=False, sort_keys=True)
    back = LimitResult.from_json(json.loads(text))
    assert json.dumps(back.to_json(), allow_nan=False, sort_keys=True) == text
    return back


@pytest.mark.parametrize("ab, digits, cert", CASES, ids=[c[2] + ":" + str(c[0][0]) for c in CASES])
def test_every_certification_rechecks_and_roundtrips(ab, digits, cert):
    r = PCF(*ab).evaluate(digits)
    assert r.certification == cert
    r.check()
    assert r.is_valid()
    back = _roundtrip(r)
    back.check()
    assert back.value == r.value and back.error_bound == r.error_bound and back.extra == r.extra


def test_example_is_apery():
    r = LimitResult.example()
    with mpmath.workdps(50):
        assert abs(r.value - 6 / mpmath.zeta(3)) <= r.error_bound
    assert not LimitResult.tampered().is_valid()


def test_falsified_data_are_caught():
    r = PCF("2n+1", "n^2").evaluate(40)  # 4/pi, bracketing
    with mpmath.workdps(60):
        bad_value = dataclasses.replace(r, value=r.value * (1 + mpmath.mpf(10) ** -35))
    # more digits claimed with a smaller bound than the convergent supports
    with mpmath.workdps(60):
        bad_digits = dataclasses.replace(r, digits=60, error_bound=abs(r.value) * mpmath.mpf(10) ** -61)
    bad_depth = dataclasses.replace(r, depth=r.depth // 4)
    bad_flag = dataclasses.replace(r, rigorous=False)
    for bad in (bad_value, bad_digits, bad_depth, bad_flag):
        with pytest.raises(VerificationError):
            bad.check()
    ex = PCF("n+1", "n-3").evaluate(20)
    with pytest.raises(VerificationError, match="value is -1/5"):
        dataclasses.replace(ex, rational=(1, 5)).check()


def test_certificate_records_are_reproved():
    ev = PCF("2n-5", "n^2").evaluate(30)
    assert ev.extra["bracket_from"] == 3
    with pytest.raises(VerificationError, match="fixed signs"):
        dataclasses.replace(ev, extra={**ev.extra, "bracket_from": 1}).check()  # a(1) = -3 < 0
    w = LimitResult.example()
    rec = dict(w.extra["worpitzky"])
    rec.update(M="1/2000", radius=str(Fraction(1, 2000) / (1 - Fraction(2, 2000))))  # below lim 1/1156
    with pytest.raises(VerificationError, match="could not be proved"):
        dataclasses.replace(w, extra={**w.extra, "worpitzky": rec}).check()
    with pytest.raises(VerificationError, match="malformed"):
        dataclasses.replace(w, extra={}).check()


def test_infinite_extra_is_json_safe_and_old_records_load():
    r = PCF("2n+1", "n^2").evaluate(20)
    r = dataclasses.replace(r, extra={**r.extra, "error_log10": float("-inf")})
    doc = json.loads(json.dumps(r.to_json(), allow_nan=False))
    assert doc["error_log10"] == "-inf"
    old = {k: v for k, v in doc.items() if not k.endswith("_dyadic")}
    back = LimitResult.from_json(old)  # decimal value only: loads, digits as recorded
    assert back.digits == 20 and back.certification == "bracket"


def test_worpitzky_bound_is_reproved():
    from engine.contfrac import WorpitzkyBound, worpitzky_bound

    w = worpitzky_bound([2, 2], [0, 0, -1])  # |beta_n| = n/(4n + 4) <= 1/4
    w.check()
    back = WorpitzkyBound.from_json(json.loads(json.dumps(w.to_json())))
    back.check()
    assert back == w and back.a == (2, 2)
    with pytest.raises(VerificationError, match="not recorded"):
        WorpitzkyBound(w.n0, w.m, w.radius, w.limit).check()
    with pytest.raises(VerificationError, match="limit"):
        dataclasses.replace(w, limit=Fraction(1, 8)).check()


def test_constant_values_recheck_from_a_fresh_ball():
    from engine.precision import ConstantValue, evaluate_constant

    for name, digits in (("pi", 100), ("catalan", 40), ("golden_ratio", 25)):
        v = evaluate_constant(name, digits)
        text = json.dumps(v.to_json(), allow_nan=False, sort_keys=True)
        back = ConstantValue.from_json(json.loads(text))
        back.check()
        assert json.dumps(back.to_json(), allow_nan=False, sort_keys=True) == text
        assert back.mid == v.mid and back.radius == v.radius
    v = ConstantValue.example()
    assert v.text == "1.20205690315959428539973816151"  # OEIS A002117
    with mpmath.workdps(60):
        shifted = dataclasses.replace(v, mid=v.mid + mpmath.mpf(10) ** -30)
    with pytest.raises(VerificationError, match="recorded ball"):
        shifted.check()
    with pytest.raises(VerificationError, match="not certified"):
        evaluate_constant("pi", 200, max_prec=100, strict=False).check()
