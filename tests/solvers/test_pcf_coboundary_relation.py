"""Relations certified by a coboundary (gauge) search: found on its own for pairs built with a
known gauge (Bauer-Muir transforms of Brouncker's 4/pi and Lange's pi), for inflations followed
by tail shifts, between Brouncker's and Lange's classical fractions of pi; never claimed for
unrelated fractions; certificates re-verified exactly and against the certified limits."""

from __future__ import annotations

import dataclasses

import mpmath
import pytest
import sympy

from engine.contfrac import PCF
from engine.errors import InvalidInputError, VerificationError
from engine.recurrence import _identity_holds
from solvers.pcf_equivalence import (
    PCFRelation,
    coboundary_relation,
    pcf_matrix,
    relate,
    shifted,
)
from solvers.pcf_known import label


def _bauer_muir(a, b, w):
    """The fraction A, B with M1(n) U(n+1) = U(n) M2(n) for U = [[a + w(n+1), 1], [b, w]]."""
    n = sympy.Symbol("n")
    a, b, w = (sympy.sympify(x) for x in (a, b, w))
    X = a.subs(n, n + 1) + w.subs(n, n + 2)
    A = sympy.cancel((a * w * X + b.subs(n, n + 1) * w - b * X) / (w * (a + w.subs(n, n + 1)) - b))
    B = sympy.cancel(b * (X - A) / w)
    assert A.is_polynomial(n) and B.is_polynomial(n)
    return PCF(str(sympy.expand(A)), str(sympy.expand(B)))


def test_bauer_muir_transform_of_brouncker_found_with_its_gauge():
    f1 = PCF("2n+1", "n^2")                       # 4/pi (Brouncker)
    f2 = _bauer_muir("2*n+1", "n**2", "n")
    assert f2 == PCF("2n+3", "n^2+2n")
    assert f1.canonical_key() != f2.canonical_key()   # not an inflation
    r = relate(f1, f2)
    assert r is not None and r.kind == "coboundary"
    # the gauge we built: U = [[a(n) + w(n+1), 1], [b(n), w(n)]] = [[3n+2, 1], [n^2, n]]
    assert r.gauge == (((2, 3), (1,)), ((0, 0, 1), (0, 1)))
    r.check()
    assert r.check_numerically(40) >= 38
    # the limit 4/(pi - 2), from the Mobius map applied to 4/pi
    m0, m1, m2, m3 = r.mobius
    x = 4 / sympy.pi
    assert abs(sympy.N((m0 * x + m1) / (m2 * x + m3) - 4 / (sympy.pi - 2), 50)) < 1e-45


def test_bauer_muir_transform_with_rational_modifier_of_lange():
    f1 = PCF(6, "(2n-1)^2")                       # 3 + pi (Lange)
    f2 = PCF(2, "(2n-1)^2")                       # 1 + 4/pi (Brouncker's original)
    r = coboundary_relation(f1, f2)
    assert r is not None and r.is_valid()
    ok, _ = _identity_holds(pcf_matrix(f1), pcf_matrix(f2), r.gauge, r.scalar, r.left)
    assert ok
    v = r.check_numerically(50)
    assert v >= 48
    m0, m1, m2, m3 = r.mobius
    x = 3 + sympy.pi
    assert abs(sympy.N((m0 * x + m1) / (m2 * x + m3) - (1 + 4 / sympy.pi), 50)) < 1e-45


def test_inflation_then_tail_shift_found_by_the_gauge_search_alone():
    f = PCF("n", "n")                                   # 1/(e-1)
    g = shifted(f.inflate("n+2"), 1)
    r = coboundary_relation(f, g, max_degree=2)
    assert r is not None and r.kind == "coboundary"
    assert r.check_numerically(30) >= 28
    # and the same for 4/pi with inflations by 2n+1 (gauge of degree 3), by 3 (a constant scalar)
    f = PCF("2n+1", "n^2")
    for c, deg in (("2n+1", 3), ("3", 2)):
        r = coboundary_relation(f, shifted(f.inflate(c), 1), max_degree=deg)
        assert r is not None and r.is_valid() and r.check_numerically(30) >= 28
    assert coboundary_relation(f, shifted(f.inflate("2n+1"), 1), max_degree=2) is None


@pytest.mark.parametrize("f1,f2", [
    (PCF("2n+1", "n^2"), PCF("2n+1", "2n^2")),          # 4/pi and a fraction of other growth
    (PCF("n", "n"), PCF("n", "2n")),
    (PCF("2n+1", "n^2"), PCF("2n+1", "-n^2")),          # 4/pi and log: same degrees
    (PCF(1, "n^2"), PCF(1, "2n^2")),                    # 1/log 2 and another growth
])
def test_unrelated_pairs_get_no_relation(f1, f2):
    assert coboundary_relation(f1, f2) is None
    assert relate(f1, f2) is None


def test_tampered_coboundary_certificates_fail():
    r = relate(PCF("2n+1", "n^2"), PCF("2n+3", "n^2+2n"))
    U = [list(row) for row in r.gauge]
    U[0][1] = (2,)
    for bad in (dataclasses.replace(r, gauge=tuple(tuple(x) for x in U)),
                dataclasses.replace(r, mobius=(1, 0, 0, 1)),
                dataclasses.replace(r, depth=r.depth + 1),
                dataclasses.replace(r, scalar=(2,)),
                dataclasses.replace(r, gauge=((1,),))):
        with pytest.raises(VerificationError):
            bad.check()
    back = PCFRelation.from_json(r.to_json())
    assert back == r and back.is_valid()


def test_euler_log2_fractions_with_other_partial_denominators():
    # K n^2/3 is a Mobius image of Euler's 1/log 2 = K n^2/1: 1/(1 - log 2)
    r = coboundary_relation(PCF(1, "n^2"), PCF(3, "n^2"))
    assert r is not None and r.is_valid() and r.check_numerically(40) >= 38
    lab = label(PCF(3, "n^2"))
    assert lab.kind == "equivalent" and lab.formula == "1/log(2) (Euler)"
    assert sympy.simplify(lab.expression - 1 / (1 - sympy.log(2))) == 0


def test_labeller_uses_the_coboundary():
    # K n(n+1)/2 (a class of the default box): a gauge of Euler's 1/log 2 = K n^2/1
    lab = label(PCF(2, "n^2+n"))
    assert lab.kind == "equivalent" and lab.formula == "1/log(2) (Euler)"
    assert lab.relation.kind == "coboundary"
    lab.check()
    assert sympy.simplify(lab.expression - 1 / (2 * sympy.log(2) - 1)) == 0
    with mpmath.workdps(40):
        want = mpmath.mpf(str(sympy.N(lab.expression, 40)))
        assert abs(want - PCF(2, "n^2+n").evaluate(30).value) < mpmath.mpf(10) ** -25
    assert label(PCF("2n+1", "2n^2")).kind == "new"


def test_hostile_arguments():
    with pytest.raises(InvalidInputError, match="max_degree"):
        coboundary_relation(PCF(1, 1), PCF(1, 1), max_degree=9)
    with pytest.raises(InvalidInputError, match="seconds"):
        coboundary_relation(PCF(1, 1), PCF(1, 1), seconds=float("nan"))
    with pytest.raises(InvalidInputError, match="f2"):
        coboundary_relation(PCF(1, 1), "x")
    with pytest.raises(InvalidInputError, match="max_degree"):
        relate(PCF(1, 1), PCF(1, 2), max_degree=-2)
    assert coboundary_relation(PCF(0, 1), PCF(1, 1)) is None
