"""Even and odd parts of a PCF (contractions) and the proved relation of their limits, and the
labels they give Stieltjes-type fractions (a(n) constant), whose parts have Euler-series values.

Oracles: the limits themselves (certified evaluation to 30 digits) and classical values
(Euler: pi/2 - 1 = K n(n+1)/1; 2 + K n^2/2 = 2/(4 - pi))."""

from __future__ import annotations

import dataclasses

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.contfrac import PCF
from engine.errors import InvalidInputError, VerificationError
from solvers.pcf_equivalence import PCFRelation, contraction, contraction_relation
from solvers.pcf_known import PCFLabel, label

FRACTIONS = [("1", "n(n+1)"), ("2", "n^2"), ("2n+1", "n^2"), ("n", "n"), ("n+4", "-n"),
             ("34n^3+51n^2+27n+5", "-n^6"), ("n-3", "n^2+1"), ("3", "n^2+n"), ("5n+2", "3n^2-n")]


@pytest.mark.parametrize("a, b", FRACTIONS)
@pytest.mark.parametrize("parity", [0, 1])
def test_the_part_limit_is_the_mobius_image(a, b, parity):
    f = PCF(a, b)
    r = contraction_relation(f, parity)
    assert r is not None and r.kind == "contraction" and r.shift % 2 == parity
    r.check()
    assert r.pcf2 == contraction(f, r.shift)
    assert r.check_numerically(30) >= 27


def _exact_at_finite_depth(f: PCF, r: PCFRelation, count: int = 8) -> None:
    """The part's convergents are exactly the Mobius image of f's at 2m + offset, m >= depth."""
    m0, m1, m2, m3 = r.mobius
    for m in range(r.depth, r.depth + count):
        p, q = f.convergent(2 * m + r.shift)
        P, Q = r.pcf2.convergent(m)
        assert P * (m2 * p + m3 * q) == Q * (m0 * p + m1 * q), (f, r.shift, m)


@pytest.mark.parametrize("a, b", FRACTIONS)
def test_the_part_convergents_are_mobius_images_of_every_second_convergent(a, b):
    f = PCF(a, b)
    for parity in (0, 1):
        _exact_at_finite_depth(f, contraction_relation(f, parity))


def test_a_tampered_contraction_is_refused():
    r = contraction_relation(PCF("1", "n(n+1)"), 1)
    with pytest.raises(VerificationError):
        dataclasses.replace(r, mobius=(1, 1, 0, 1)).check()
    with pytest.raises(VerificationError):
        dataclasses.replace(r, b2=tuple(list(r.b2[:-1]) + [r.b2[-1] + 1])).check()
    with pytest.raises(VerificationError):
        dataclasses.replace(r, shift=3).check()
    assert PCFRelation.from_json(r.to_json()) == r


def test_bad_offsets_and_parities_are_refused():
    with pytest.raises(InvalidInputError, match="offset"):
        contraction(PCF(1, "n^2"), 65)
    with pytest.raises(InvalidInputError, match="parity"):
        contraction_relation(PCF(1, "n^2"), 2)


@pytest.mark.parametrize("a, b, value", [
    ("1", "n(n+1)", 2 / (sympy.pi - 2)),          # Euler: pi/2 - 1 = K n(n+1)/1
    ("2", "n^2", 2 / (4 - sympy.pi)),             # 2 + K n^2/2
    ("1", "n^2+3n", 12 / (3 * sympy.pi - 4)),
])
def test_stieltjes_fractions_are_known_through_a_part(a, b, value):
    lab = label(PCF(a, b))
    assert lab.kind == "known" and lab.relation is not None and lab.relation.kind == "contraction"
    assert "part" in lab.formula
    assert sympy.simplify(lab.expression - value) == 0
    lab.check()
    back = PCFLabel.from_json(lab.to_json())
    assert back == lab and back.is_valid()
    with pytest.raises(VerificationError):
        dataclasses.replace(lab, formula="Euler series (gauss)").check()
    with pytest.raises(VerificationError):
        dataclasses.replace(lab, kind="equivalent").check()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-4, 4), min_size=1, max_size=3), st.lists(st.integers(-4, 4), min_size=1, max_size=4),
       st.integers(0, 1))
def test_contraction_relations_are_exact_at_every_depth(a, b, parity):
    """Any fraction: a relation, when there is one, is exact for the convergents from its depth."""
    try:
        f = PCF(a, b)
    except InvalidInputError:
        return
    if f.b == [0] or f.a == [0]:
        return
    r = contraction_relation(f, parity)
    if r is None:
        return
    r.check()
    _exact_at_finite_depth(f, r)
