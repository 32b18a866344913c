"""Canonical form of a PCF up to inflation (Lorentzen-Waadeland vol. 1, section 1.4: equivalence
transformations): inflations share the key, the canonical form is idempotent and depends on
the class alone, and the limit scales by c(0)."""

from __future__ import annotations

import random

import mpmath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.contfrac import PCF
from engine.errors import InvalidInputError

coef = st.integers(-4, 4)
poly = st.lists(coef, min_size=1, max_size=3)


def test_inflation_shares_the_key_apery():
    # Apery's fraction for 6/zeta(3) (Apery 1979) and its inflation by (n+1)
    f = PCF("34n^3+51n^2+27n+5", "-n^6")
    g = f.inflate("n+1")
    assert g.a == [5, 32, 78, 85, 34]
    assert g.canonical_key() == f.canonical_key()
    assert g.canonical() == f
    assert f.canonical() == f


def test_sign_and_scale_normalised():
    # Brouncker: 4/pi = PCF(2n+1, n^2); -3 times it is PCF(-6n-3, 9n^2)
    assert PCF("-6n-3", "9n^2").canonical() == PCF("2n+1", "n^2")
    assert PCF(2, 4).canonical() == PCF(1, 1)
    assert PCF(-1, 1).canonical_key() == PCF(1, 1).canonical_key()


def test_different_fractions_have_different_keys():
    assert PCF(1, 1).canonical_key() != PCF(1, 2).canonical_key()
    assert PCF(1, 1).canonical_key() != PCF(1, -1).canonical_key()
    assert PCF("2n+1", "n^2").canonical_key() != PCF("2n+1", "n^2+1").canonical_key()


def test_beta_form():
    r, num, den = PCF("n", "n").beta_form()       # n/(n (n-1)) = 1/(n-1)
    assert (r, num, den) == (1, [1], [-1, 1])
    assert PCF(0, 1).beta_form() is None
    assert PCF(0, 1).canonical_key().startswith("a=0")
    assert PCF(3, 0).canonical_key() == "beta=0"


def test_limit_scales_by_c0():
    f = PCF("2n+1", "n^2")            # 4/pi (Brouncker)
    g = f.inflate("n+2")               # limit times c(0) = 2
    with mpmath.workdps(30):
        assert abs(g.limit(25) - 2 * f.limit(25)) < mpmath.mpf(10) ** -20


def test_inflate_rejects_zero():
    with pytest.raises(InvalidInputError, match="c=0"):
        PCF(1, 1).inflate(0)
    with pytest.raises(InvalidInputError):
        PCF(1, 1).inflate("n+x")


@settings(max_examples=150, deadline=None)
@given(poly, poly, poly)
def test_inflations_share_key_and_canonical_form(a, b, c):
    if not any(a) or not any(c):
        return
    f = PCF(a, b)
    g = f.inflate(c)
    assert g.canonical_key() == f.canonical_key()
    cf = f.canonical()
    assert cf.canonical_key() == f.canonical_key()
    assert g.canonical() == cf
    assert cf.canonical() == cf
    if cf.a != [0]:
        assert cf.a[-1] > 0


def test_canonical_is_smallest_on_random_inflations():
    rnd = random.Random(7)
    for _ in range(50):
        a = [rnd.randint(-3, 3) for _ in range(2)]
        if not any(a):
            continue
        f = PCF(a, [rnd.randint(-3, 3) for _ in range(3)])
        c = f.canonical()
        assert len(c.a) <= len(f.a)
