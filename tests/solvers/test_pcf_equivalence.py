"""Proved relations between PCFs (inflation, tail shift, composite): exact certificates that
check() re-derives, and that agree with the certified limits (Euler's 1/(e-1), Brouncker's
4/pi, Apery's 6/zeta(3))."""

from __future__ import annotations

import dataclasses

import pytest

from engine.contfrac import PCF
from engine.errors import InvalidInputError, VerificationError
from solvers.pcf_equivalence import (
    PCFRelation,
    inflation_relation,
    relate,
    shifted,
    tail_shift_relation,
)


def test_inflation_relation_apery_mirror():
    f = PCF("34n^3+51n^2+27n+5", "-n^6")
    r = relate(f, PCF("-34n^3-51n^2-27n-5", "-n^6"))
    assert r.kind == "inflation" and r.mobius == (-1, 0, 0, 1)
    r.check()
    assert r.check_numerically(30) >= 28


def test_tail_shift_euler():
    r = tail_shift_relation(PCF("n", "n"), 3)    # tail of Euler's 1/(e-1)
    assert r.pcf2 == PCF("n+3", "n+3")
    r.check()
    assert r.check_numerically(25) >= 23


def test_composite_relation_and_direction():
    f1, f2 = PCF("2n+1", "n^2"), PCF("-4n-6", "4(n+1)^2")
    r = relate(f1, f2)
    assert r is not None and r.kind == "composite"
    r.check()
    assert r.check_numerically(25) >= 23
    back = relate(f2, f1)
    assert back is not None and back.is_valid()


def test_unrelated_fractions():
    assert relate(PCF(1, 1), PCF(1, 2)) is None
    assert inflation_relation(PCF("n", "n"), PCF("2n+1", "n^2")) is None


def test_tampered_certificates_fail():
    r = PCFRelation.example()
    with pytest.raises(VerificationError):
        dataclasses.replace(r, b2=(0, 0, 2)).check()
    with pytest.raises(VerificationError):
        dataclasses.replace(r, kind="tail-shift", shift=1).check()
    with pytest.raises(VerificationError):
        dataclasses.replace(r, kind="bogus").check()
    with pytest.raises(VerificationError):
        PCFRelation.tampered().check()


def test_hostile_arguments():
    with pytest.raises(InvalidInputError, match="f1"):
        relate("x", PCF(1, 1))
    with pytest.raises(InvalidInputError, match="max_shift"):
        relate(PCF(1, 1), PCF(1, 1), max_shift=-1)
    with pytest.raises(InvalidInputError, match="k="):
        tail_shift_relation(PCF(1, 1), 0)
    with pytest.raises(InvalidInputError, match="terminates"):
        tail_shift_relation(PCF(1, "n-2"), 3)
    with pytest.raises(InvalidInputError, match="k="):
        shifted(PCF(1, 1), 10**9)


def test_terminating_fractions_have_no_degenerate_certificate():
    # PCF(n+1, n-3) stops at b(3) = 0 (a rational): labelling and relating never raise
    from solvers.pcf_known import label

    assert label(PCF("n+1", "n-3")).kind == "new"
    r = relate(PCF("n+1", "n-3"), PCF("2n+2", "4n-12"))
    assert r is None or r.is_valid()
