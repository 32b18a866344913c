"""Gauss's continued fraction and the contiguous-relation fractions of 2F1, 1F1 and 0F1 as
polynomial continued fractions: each formula agrees with mpmath's hypergeometric functions
and with its stored closed form to 50 digits; the stored table is what the generator makes."""

from __future__ import annotations

import random

import mpmath
import pytest
import sympy

from engine.contfrac import PCF
from engine.errors import InvalidInputError
from solvers.pcf_hypergeometric import (
    contiguous_pcf,
    gauss_pcf,
    hypergeometric_formulas,
    hypergeometric_pcf,
    load_table,
)
from solvers.pcf_known import KNOWN_FORMULAS, SOURCES, label

TABLE = load_table()


def _close(x, y, digits):
    return abs(x - y) <= mpmath.mpf(10) ** (-digits) * max(1, abs(y))


@pytest.mark.parametrize("a,c,z", [(1, sympy.Rational(3, 2), -1), (sympy.Rational(1, 3), 2,
                                   sympy.Rational(1, 2)), (2, sympy.Rational(7, 3),
                                   sympy.Rational(-2, 5)), (sympy.Rational(3, 4), 1,
                                   sympy.Rational(1, 3))])
def test_gauss_fraction_matches_hyp2f1(a, c, z):
    f, s = gauss_pcf(a, c, z)
    with mpmath.workdps(60):
        A, C, Z = (mpmath.mpf(sympy.Rational(v).p) / sympy.Rational(v).q for v in (a, c, z))
        want = mpmath.mpf(int(s.p)) / int(s.q) * mpmath.hyp2f1(A, A - 0.5, C, Z) / \
            mpmath.hyp2f1(A, A + 0.5, C + 1, Z)
        assert _close(f.evaluate(50).value, want, 50)


def test_contiguous_fractions_match_mpmath_off_the_table():
    rng = random.Random(16)
    R = sympy.Rational
    for _ in range(3):
        a, b = R(rng.randint(1, 9), rng.randint(1, 4)), R(rng.randint(1, 9), rng.randint(1, 4))
        c = R(rng.randint(1, 9), rng.randint(1, 4))
        f, s, ratio = hypergeometric_pcf("contiguous_2f1_c", {"a": a, "b": b, "c": c, "z": -1})
        with mpmath.workdps(60):
            want = sympy.N(s * ratio, 60)
            assert _close(f.evaluate(50).value, mpmath.mpf(str(want)), 48)
    f, s, ratio = hypergeometric_pcf("contiguous_0f1_c", {"c": R(1, 3), "z": R(5, 2)})
    with mpmath.workdps(60):
        want = s * mpmath.hyp0f1(mpmath.mpf(1) / 3, 2.5) / mpmath.hyp0f1(mpmath.mpf(4) / 3, 2.5)
        assert _close(f.evaluate(50).value, mpmath.mpf(str(sympy.N(want, 60))), 48)


def test_classical_cases_come_out():
    # Brouncker-type 4/pi from Gauss's fraction, Lambert's tanh 1 from 0F1 (a Bessel ratio)
    f, s, _ = hypergeometric_pcf("gauss_2f1", {"a": sympy.Rational(1, 2), "c": sympy.Rational(1, 2),
                                               "z": -1})
    assert f == PCF("2n+1", "n^2")
    f, s, _ = hypergeometric_pcf("contiguous_0f1_c", {"c": sympy.Rational(1, 2), "z": 1})
    with mpmath.workdps(40):
        assert _close(f.evaluate(30).value, s * mpmath.cosh(2) / (mpmath.sinh(2) / 2), 28)


def test_table_is_in_the_database_with_sources():
    assert len(TABLE) >= 300
    fams = {r["family"] for r in TABLE}
    assert fams == {"gauss_2f1", "contiguous_2f1_c", "contiguous_1f1_c", "contiguous_0f1_c"}
    names = {f.name for f in KNOWN_FORMULAS}
    assert all(r["name"] in names or any(f.a == tuple(r["a"]) and f.b == tuple(r["b"])
                                         for f in KNOWN_FORMULAS) for r in TABLE)
    for fam in fams:
        assert "Gauss" in SOURCES[fam] or "Cuyt" in SOURCES[fam]


@pytest.mark.parametrize("i", range(0, 330, 37))
def test_sample_of_table_values_to_50_digits(i):
    row = TABLE[i % len(TABLE)]
    f = PCF(row["a"], row["b"])
    v = sympy.sympify(row["value"])
    with mpmath.workdps(60):
        assert _close(f.evaluate(50).value, mpmath.mpf(str(sympy.N(v, 60))), 50)


@pytest.mark.slow
def test_every_table_value_to_50_digits():
    for row in TABLE:
        f = PCF(row["a"], row["b"])
        v = sympy.sympify(row["value"])
        with mpmath.workdps(60):
            assert _close(f.evaluate(50).value, mpmath.mpf(str(sympy.N(v, 60))), 50), row["name"]


def test_stored_table_is_what_the_generator_makes():
    fresh = hypergeometric_formulas(50, limit=10)
    assert fresh and fresh == TABLE[:len(fresh)]


def test_default_box_classes_labelled_by_the_hypergeometric_table():
    lab = label(PCF("3n+2", "-2n^2"))              # 2F1(1,1;c;-1) in c: log 2
    assert lab.kind == "equivalent" and lab.known.family == "contiguous_2f1_c"
    lab.check()
    assert sympy.simplify(lab.expression - 1 / sympy.log(2)) == 0
    lab = label(PCF("3n+1", "-2n^2+n"))
    assert lab.kind == "equivalent" and sympy.simplify(lab.expression - 2 / sympy.pi) == 0


def test_hostile():
    with pytest.raises(InvalidInputError, match="kind"):
        hypergeometric_pcf("3F2", {})
    with pytest.raises(InvalidInputError, match="params"):
        hypergeometric_pcf("gauss_2f1", {"a": 1})
    with pytest.raises(InvalidInputError, match="z"):
        hypergeometric_pcf("contiguous_0f1_c", {"c": 1, "z": "pi"})
    with pytest.raises(InvalidInputError, match="c"):
        gauss_pcf(1, 0, sympy.Rational(1, 2))
    with pytest.raises(InvalidInputError, match="Q"):
        contiguous_pcf(1, 0, 1)
    with pytest.raises(InvalidInputError, match="a"):
        gauss_pcf(10**9, 1, -1)
