"""The known-formula database (>= 200 formulas, each with a source) and the labeller
known / equivalent / new. Oracle: every database value is re-evaluated from the fraction with
certified digits (engine.contfrac) and compared with mpmath's value of the closed form."""

from __future__ import annotations

import dataclasses

import mpmath
import pytest
import sympy

from engine.contfrac import PCF
from engine.errors import InvalidInputError, VerificationError
from solvers.pcf_equivalence import apply_mobius
from solvers.pcf_known import KNOWN_FORMULAS, SOURCES, PCFLabel, label


def _agree(f, digits: int) -> bool:
    res = f.pcf.evaluate(digits, max_depth=1 << 15)
    with mpmath.workdps(digits + 10):
        v = mpmath.mpf(str(sympy.N(f.value, digits + 10)))
        return abs(res.value - v) <= mpmath.mpf(10) ** (2 - min(digits, res.digits)) * max(1, abs(v))


def test_database_size_and_sources():
    assert len(KNOWN_FORMULAS) >= 200
    assert len({f.name for f in KNOWN_FORMULAS}) == len(KNOWN_FORMULAS)
    assert len({(f.a, f.b) for f in KNOWN_FORMULAS}) == len(KNOWN_FORMULAS)
    assert all(f.family in SOURCES and f.source for f in KNOWN_FORMULAS)
    assert {"apery3", "brouncker", "arctan", "lehmer_i"} <= {f.family for f in KNOWN_FORMULAS}


@pytest.mark.parametrize("i", range(0, 208, 13))
def test_sample_of_entries_evaluates_to_its_value(i):
    f = KNOWN_FORMULAS[i % len(KNOWN_FORMULAS)]
    assert _agree(f, 20), f.name


@pytest.mark.slow
def test_every_entry_evaluates_to_its_value():
    bad = [f.name for f in KNOWN_FORMULAS if not _agree(f, 20)]
    assert not bad


def test_known_equivalent_new():
    lab = label(PCF("34n^3+51n^2+27n+5", "-n^6"))
    assert lab.kind == "known" and lab.expression == 6 / sympy.zeta(3)
    lab = label(PCF("-34n^3-51n^2-27n-5", "-n^6"))        # the mirror: -6/zeta(3)
    assert lab.kind == "equivalent" and sympy.simplify(lab.expression + 6 / sympy.zeta(3)) == 0
    lab.check()
    assert label(PCF("3n^2+1", "n")).kind == "new"
    assert label((PCF("n", "n").a, PCF("n", "n").b)).kind == "known"


def test_equivalent_value_matches_limit():
    # a tail of the arctan(1/3) fraction, inflated by 2
    f = PCF("2(6n+9)", "4(n+1)^2")
    lab = label(f)
    assert lab.kind == "equivalent"
    with mpmath.workdps(40):
        v = mpmath.mpf(str(sympy.N(lab.expression, 40)))
        assert abs(f.evaluate(30).value - v) < mpmath.mpf(10) ** -28
    kf = lab.known
    with mpmath.workdps(40):
        x = mpmath.mpf(str(sympy.N(kf.value, 40)))
        r = lab.relation
        y = apply_mobius(r.mobius, x) if r.pcf1 == kf.pcf else None
        if y is not None:
            assert abs(y - v) < mpmath.mpf(10) ** -28


def test_label_certificate_contract():
    ex = PCFLabel.example()
    ex.check()
    assert PCFLabel.from_json(ex.to_json()).to_json() == ex.to_json()
    with pytest.raises(VerificationError):
        PCFLabel.tampered().check()
    with pytest.raises(VerificationError):
        dataclasses.replace(ex, kind="new").check()          # it is related to a known one
    with pytest.raises(VerificationError):
        dataclasses.replace(ex, formula="no such formula").check()


def test_hostile():
    with pytest.raises(InvalidInputError, match="item"):
        label("2n+1")
    with pytest.raises(InvalidInputError):
        label(("n", "x"))
