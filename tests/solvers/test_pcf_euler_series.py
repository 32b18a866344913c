"""Euler-form fractions: exact series identities and proved values (solvers.pcf_euler).

Oracles: Euler's continued fractions of classical series (log 2, pi/4, 1 - 1/e), the binomial
and Gauss summations checked against mpmath's hypergeometric functions, and the identity
``c(0) p(N)/q(N) = h2(0) + h1(0)/S(N)`` recomputed from scratch with Fractions.
"""

from __future__ import annotations

import json
from fractions import Fraction

import mpmath
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.contfrac import PCF
from engine.errors import InvalidInputError, VerificationError
from solvers.pcf_euler import (
    EulerForm,
    ProvedValue,
    euler_form,
    euler_pcf,
    pcf_series,
    proved_value,
)
from solvers.pcf_known import PCFLabel, label

E, PI, LOG2 = sympy.E, sympy.pi, sympy.log(2)


def _num(x) -> mpmath.mpf:
    with mpmath.workdps(40):
        return mpmath.mpf(sympy.N(x, 40))


@pytest.mark.parametrize("a, b, theorem, value", [
    ("1", "n^2", "logarithm", 1 / LOG2),                 # Euler: log 2 = 1 - 1/2 + 1/3 - ...
    ("2", "(2n-1)^2", "kummer", 1 + 4 / PI),              # Brouncker / Leibniz: pi/4
    ("n", "n", "exponential", 1 / (E - 1)),               # Euler: 1/(e-1)
    ("3n", "3+n-2n^2", "gauss_second", (8 + 3 * PI) / (10 + 3 * PI)),  # default box, "new"
    ("n+3", "-n", "exponential", E),                      # Euler: e = sum 1/k!, via its tail
    ("6", "(2n-1)^2", "kummer", 3 + PI),                  # Lange (1999), via its tail
])
def test_classical_fractions_get_their_proved_value(a, b, theorem, value):
    pv = proved_value(PCF(a, b))
    assert pv is not None and pv.theorem == theorem
    assert sympy.simplify(pv.value - value) == 0
    pv.check()
    with mpmath.workdps(30):
        assert abs(PCF(a, b).limit(25) - _num(value)) < mpmath.mpf(10) ** -20


def test_log2_series_terms_and_convergents():
    s = pcf_series(PCF(1, "n^2"))
    assert [s.term(k) for k in range(5)] == [Fraction((-1) ** k, k + 1) for k in range(5)]
    f = PCF(1, "n^2")
    for n in range(10):
        p, q = f.convergent(n)
        assert s.convergent_from_series(n) == Fraction(p, q)


def test_gauss_summation_at_one_matches_mpmath():
    # ratio (k - 1/2)(k + 1/2)/((k + 1)(k + 5/2)): S = 3F2(1/2, 3/2, 1; 2, 7/2; 1), a tail
    # (from k = 1) of 2F1(-1/2, 1/2; 5/2; 1), summed by Gauss
    h1, h2 = [10, 14, 4], [-1, 0, 4]                     # 2(n+1)(2n+5), (2n-1)(2n+1)
    f = euler_pcf(h1, h2)
    pv = proved_value(f)
    assert pv is not None and pv.theorem == "gauss" and pv.tail_m == 2
    with mpmath.workdps(30):
        h = mpmath.mpf(1) / 2
        S = mpmath.hyp3f2(h, 3 * h, 1, 2, 7 * h, 1)
        want = h2[0] + h1[0] / S          # L = h2(0) + h1(0)/S
        assert abs(_num(pv.value) - want) < mpmath.mpf(10) ** -25


def test_binomial_series():
    # ratio (k - 1/2)/(4(k + 1)): S = 2F1(1/2, 1; 2; 1/2), a tail of 1F0(-1/2;; 1/2) = sqrt(1/2)
    h1, h2 = [4, 4], [-1, 2]
    pv = proved_value(euler_pcf(h1, h2))
    assert pv is not None and pv.theorem == "binomial" and pv.tail_m == 2
    with mpmath.workdps(30):
        S = mpmath.hyp2f1(mpmath.mpf(1) / 2, 1, 2, mpmath.mpf(1) / 2)
        assert abs(_num(pv.value) - (h2[0] + h1[0] / S)) < mpmath.mpf(10) ** -25


def test_euler_form_check_rejects_tampering():
    cert = euler_form(PCF("n", "n"))
    cert.check()
    import dataclasses

    bad = dataclasses.replace(cert, h1=(Fraction(2), Fraction(1)))
    with pytest.raises(VerificationError):
        bad.check()
    with pytest.raises(VerificationError):       # inflation with a zero at n = 0
        dataclasses.replace(cert, num=(Fraction(0), Fraction(1))).check()


def test_proved_value_round_trips_json():
    pv = proved_value(PCF("3n", "3+n-2n^2"))
    doc = json.loads(json.dumps(pv.to_json()))
    back = ProvedValue.from_json(doc)
    back.check()
    assert back.to_json() == pv.to_json()


def test_labeller_marks_a_proved_value_known():
    lab = label(PCF("3n", "3+n-2n^2"))
    assert lab.kind == "known" and lab.proof is not None
    assert lab.formula == "Euler series (gauss_second)"
    assert sympy.simplify(lab.expression - (8 + 3 * PI) / (10 + 3 * PI)) == 0
    assert "Euler" in lab.known.source
    lab.check()
    back = PCFLabel.from_json(json.loads(json.dumps(lab.to_json())))
    back.check()
    import dataclasses

    with pytest.raises(VerificationError):
        dataclasses.replace(lab, kind="new").check()
    with pytest.raises(VerificationError):
        dataclasses.replace(lab, a=(1, 3)).check()


@pytest.mark.parametrize("a, b, kind", [([1], [0, 1, 1], "known"), ([2], [0, 0, 1], "known"),
                                        ([3], [0, 1, 1], "new"), ([1], [0, 3, 1], "known"),
                                        ([2], [0, 2, 1], "known"), ([3], [0, 3, 1], "new")])
def test_default_box_fractions_without_a_hypergeometric_solution(a, b, kind):
    # their recurrences y(n) = a y(n-1) + b(n) y(n-2) have no hypergeometric solution
    # (Petkovsek's Hyper, sympy.rsolve_hyper), so no inflation puts them in Euler form; four of
    # them have an even or odd part that has one (solvers.pcf_equivalence.contraction), which
    # proves their value; the two with a = 3 stay new
    assert euler_form(PCF(a, b)) is None
    assert proved_value(PCF(a, b)) is None
    lab = label(PCF(a, b))
    assert lab.kind == kind
    if kind == "known":
        assert lab.relation.kind == "contraction" and lab.is_valid()


@pytest.mark.parametrize("a, b", [(1, "n^2+n"), (2, "n^2")])
def test_no_hypergeometric_solution_means_no_euler_form(a, b):
    # Petkovsek's Hyper (sympy.rsolve_hyper): y(n+2) = a y(n+1) + b(n+2) y(n) has no
    # hypergeometric solution, so no rational inflation puts the fraction in Euler form
    from sympy.solvers.recurr import rsolve_hyper

    n = sympy.Symbol("n", integer=True)
    bb = sympy.sympify(b.replace("^", "**"), locals={"n": n}).subs(n, n + 2)
    assert rsolve_hyper([-bb, -a, 1], 0, n) in (0, None)
    # and the Euler form of a fraction that has one is found: y(n) = (2n-1)!! 2^n-like
    assert rsolve_hyper([2 * (n + 2) ** 2 - (n + 2) - 3, -3 * (n + 2), 1], 0, n) not in (0, None)
    assert euler_form(PCF("3n", "3+n-2n^2")) is not None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(-4, 4), min_size=1, max_size=3).filter(lambda c: c[-1] != 0),
       st.lists(st.integers(-4, 4), min_size=1, max_size=3).filter(lambda c: c[-1] != 0))
def test_any_euler_pcf_has_a_certificate_and_exact_partial_sums(h1, h2):
    import flint

    P1 = flint.fmpz_poly(h1)
    if any(int(r) >= 1 for r, _ in P1.roots()):       # h1(j) = 0 for some j >= 1: excluded
        return
    f = euler_pcf(h1, h2)
    cert = euler_form(f)
    assert cert is not None
    cert.check()
    s = pcf_series(f)
    for n in range(8):
        p, q = f.convergent(n)
        S = s.partial_sum(n)
        c0 = cert.c0
        h10, h20 = s.scale * c0, s.offset * c0
        assert c0 * p * S == h20 * q * S + h10 * q     # p/q = (h2(0) + h1(0)/S(n))/c(0)


@pytest.mark.parametrize("bad, name", [("x", "pcf"), (3, "pcf"), ([1, 2, 3], "pcf")])
def test_hostile_inputs_name_the_argument(bad, name):
    with pytest.raises(InvalidInputError, match=name):
        euler_form(bad)
    with pytest.raises(InvalidInputError, match=name):
        proved_value(bad)


def test_hostile_inflation_degree():
    with pytest.raises(InvalidInputError, match="max_inflation_degree"):
        euler_form(PCF(1, "n^2"), max_inflation_degree=9)
    with pytest.raises(InvalidInputError, match="max_inflation_degree"):
        pcf_series(PCF(1, "n^2"), max_inflation_degree="2")


def test_euler_pcf_rejects_non_polynomials():
    with pytest.raises(InvalidInputError, match="h1"):
        euler_pcf("n^(1/2)", 1)


def test_example_classes():
    for cls in (EulerForm, ProvedValue):
        assert cls.example().is_valid()
        assert not cls.tampered().is_valid()


def _agree_with_database(formulas) -> int:
    from solvers.pcf_known import KNOWN_FORMULAS  # noqa: F401  (the database is the oracle)

    proved = 0
    for kf in formulas:
        pv = proved_value(kf.pcf)
        if pv is None:
            continue
        proved += 1
        assert abs(sympy.N(pv.value - kf.value, 30)) < 1e-20, kf.name
    return proved


def test_proved_values_agree_with_the_classical_database_entries():
    from solvers.pcf_known import KNOWN_FORMULAS

    names = {"1 + 4/pi (Brouncker)", "1/(e-1) (Euler)", "1/log(2) (Euler)", "K -n/(n+2)"}
    chosen = [kf for kf in KNOWN_FORMULAS if kf.name in names]
    assert len(chosen) == 4 and _agree_with_database(chosen) == 4


@pytest.mark.slow
def test_proved_values_agree_with_the_whole_database():
    from solvers.pcf_known import KNOWN_FORMULAS

    assert _agree_with_database(KNOWN_FORMULAS) >= 80     # 86 of 545 when written


def test_rational_contiguity_proves_a_database_2f1_fraction():
    # 2F1 contiguous fraction at z = -1 (Gauss 1812): its Euler series needs a rational g
    from solvers.pcf_known import KNOWN_FORMULAS

    kf = next(k for k in KNOWN_FORMULAS if k.name == "contiguous_2f1_c(a=1/2,b=1,c=3/2,z=-1)")
    pv = proved_value(kf.pcf)
    assert pv is not None and pv.g_den and pv.theorem == "gauss_second"
    assert sympy.simplify(pv.value - kf.value) == 0
    pv.check()
    back = ProvedValue.from_json(json.loads(json.dumps(pv.to_json())))
    back.check()
    import dataclasses

    with pytest.raises(VerificationError):
        dataclasses.replace(pv, g_den=tuple(x * 2 for x in pv.g_den)).check()
