"""Over Q, constant rank decided through quadratic forms (Hasse-Minkowski) and definiteness.

Oracles: Hilbert's product formula prod_v (a, b)_v = 1 (Serre, Ch. III, Thm 3); Legendre's
theorem with Holzer's bound (a ternary form a x^2 + b y^2 + c z^2 with squarefree pairwise
coprime coefficients is isotropic iff it has a zero with |x| <= sqrt|bc|, |y| <= sqrt|ac|,
|z| <= sqrt|ab|), checked by brute force; classical anisotropic forms (x^2 + y^2 + z^2 - 7 w^2:
7 is not a sum of three rational squares)."""

from __future__ import annotations

import dataclasses
import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import InvalidInputError, VerificationError
from solvers.constant_rank import AffineAlternatingSpace
from solvers.constant_rank.quadratic import (
    anisotropy_certificate,
    check_anisotropy,
    diagonalize,
    hilbert_symbol,
)
from solvers.constant_rank.standard import (
    anisotropic_plane,
    bordered_space,
    padded_space,
    quaternion_plane,
    standard_spaces,
)

PRIMES = [p for p in range(2, 80) if all(p % k for k in range(2, p))]


def diag(*a):
    return [[a[i] if i == j else 0 for j in range(len(a))] for i in range(len(a))]


@settings(max_examples=200, deadline=None)
@given(st.integers(-60, 60).filter(bool), st.integers(-60, 60).filter(bool))
def test_hilbert_product_formula(a, b):
    prod = hilbert_symbol(a, b, "infinity")
    for p in PRIMES:
        prod *= hilbert_symbol(a, b, p)
    assert prod == 1


def _brute_zero(a, b, c):
    X, Y, Z = (math.isqrt(abs(b * c)) + 1, math.isqrt(abs(a * c)) + 1, math.isqrt(abs(a * b)) + 1)
    for x in range(X + 1):
        for y in range(-Y, Y + 1):
            for z in range(-Z, Z + 1):
                if (x, y, z) != (0, 0, 0) and a * x * x + b * y * y + c * z * z == 0:
                    return (x, y, z)
    return None


SQUAREFREE = [1, 2, 3, 5, 6, 7, 10, 11, 13, 14, 15]


@settings(max_examples=120, deadline=None)
@given(st.sampled_from(SQUAREFREE), st.sampled_from(SQUAREFREE), st.sampled_from(SQUAREFREE),
       st.sampled_from([(1, 1, -1), (1, -1, -1), (1, 1, 1), (-1, 1, 1)]))
def test_ternary_anisotropy_matches_legendre(a, b, c, signs):
    if math.gcd(a, b) > 1 or math.gcd(b, c) > 1 or math.gcd(a, c) > 1:
        return
    a, b, c = a * signs[0], b * signs[1], c * signs[2]
    cert = anisotropy_certificate(diag(a, b, c))
    assert (cert is None) == (_brute_zero(a, b, c) is not None)
    if cert is not None:
        check_anisotropy(diag(a, b, c), cert)


def test_classical_forms():
    assert anisotropy_certificate(diag(1, 1, 1, -7)) is not None        # 7 not a sum of 3 squares
    assert anisotropy_certificate(diag(1, 1, 1, -1)) is None            # 1 + 0 + 0 - 1
    assert anisotropy_certificate(diag(1, 1, 1, 1, -1)) is None         # indefinite, rank 5
    assert anisotropy_certificate(diag(1, 1, 1, 1, 1))["place"] == "infinity"
    assert anisotropy_certificate([[0, 1], [1, 0]]) is None             # hyperbolic plane
    assert anisotropy_certificate(diag(1, 0, 1)) is None                # degenerate
    assert [str(x) for x in diagonalize([[0, 1], [1, 0]])] == ["2", "-1/2"]


def test_certificate_tampering_is_caught():
    cert = anisotropy_certificate(diag(1, 1, -3))
    with pytest.raises(VerificationError):
        check_anisotropy(diag(1, 1, -3), {**cert, "place": 5})           # isotropic over Q_5
    with pytest.raises(VerificationError):
        check_anisotropy(diag(1, 1, -2), {**cert, "diagonal": [1, 1, -2]})


def test_no_standard_space_is_unknown():
    for name, (sp, r) in standard_spaces().items():
        res = sp.constant_rank()
        assert res.status == "constant" and res.rank == r, name
        assert res.is_valid(), name


def test_quaternion_plane_certificate_and_json():
    res = quaternion_plane().constant_rank()
    assert res.certificate["kind"] == "anisotropic_quadratic_minor"
    assert res.certificate["place"] == "infinity"  # positive definite: no real zero
    back = type(res).from_json(res.to_json())
    assert back.is_valid()
    # a certificate claiming the wrong place does not re-verify
    bad = dataclasses.replace(res, certificate={**res.certificate, "place": 3})
    with pytest.raises(VerificationError):
        bad.check()


def test_isotropic_planes_have_rank_drops():
    # 1 + t^2 - 2 u^2 = 0 at (1, 1); 2 - t^2 - u^2 = 0 at (1, 1)
    for form in ((1, 1, -2), (2, -1, -1), (-1, 1, 1)):
        res = anisotropic_plane(*form).constant_rank()
        assert res.status == "not_constant" and res.witness_rank < 4 and res.is_valid()


def test_bordered_and_padded_keep_the_rank():
    sp = bordered_space(anisotropic_plane(1, -2, -5))
    assert sp.n == 5 and sp.dimension == 6
    assert sp.constant_rank().rank == 4
    assert padded_space(quaternion_plane(), 3).constant_rank().rank == 4


def test_bad_input():
    with pytest.raises(InvalidInputError, match="a=0"):
        anisotropic_plane(0, 1, 1)
    with pytest.raises(InvalidInputError, match="must be an AffineAlternatingSpace over Q"):
        bordered_space("x")
    with pytest.raises(InvalidInputError, match="not symmetric"):
        anisotropy_certificate([[1, 2], [0, 1]])
    with pytest.raises(InvalidInputError, match="prime or 'infinity'"):
        hilbert_symbol(2, 3, 4)
    with pytest.raises(InvalidInputError):
        AffineAlternatingSpace([[0, 1], [-1, 0]], [], field=6)
    assert list(itertools.islice(standard_spaces(), 1))


def test_products_of_anisotropic_quadratics_are_decided_by_factorisation():
    from solvers.constant_rank.standard import direct_sum

    sp = direct_sum(quaternion_plane(), anisotropic_plane(1, 1, -3))  # Pf = (1 + t^2 + u^2)(1 + t^2 - 3u^2)
    res = sp.constant_rank()
    assert res.status == "constant" and res.rank == 8
    facs = res.certificate["factors"]
    assert sorted(str(c["place"]) for c in facs) == ["2", "infinity"]
    assert res.is_valid()
    bad = dict(res.certificate, factors=facs[:1])  # a factor left out
    with pytest.raises(VerificationError):
        dataclasses.replace(res, certificate=bad).check()
    # an isotropic factor: 1 + t^2 - 2u^2 vanishes at (1, 1), so the rank drops there
    iso = direct_sum(quaternion_plane(), anisotropic_plane(1, 1, -2)).constant_rank()
    assert iso.status == "not_constant" and iso.witness_rank < 8
    with pytest.raises(InvalidInputError, match="same dimension|dimensions"):
        direct_sum(quaternion_plane(), bordered_space(quaternion_plane()))


def test_positive_definite_quartic_by_sum_of_squares():
    """Pf = (1 + t^2)^2 + u^2 > 0 (irreducible over Q): a Gram matrix on (1, t, u, t^2),
    positive definite, proves it has no real (so no rational) zero."""
    from fractions import Fraction

    from solvers.constant_rank.quadratic import check_sos, sos_certificate
    from solvers.constant_rank.standard import continuant_space

    res = continuant_space().constant_rank()
    assert res.status == "constant" and res.rank == 8
    assert res.certificate["kind"] == "positive_definite_minor" and res.is_valid()
    g = [row[:] for row in res.certificate["gram"]]
    g[0][0] = "-1"  # no longer positive definite (and no longer the polynomial)
    with pytest.raises(VerificationError):
        dataclasses.replace(res, certificate={**res.certificate, "gram": g}).check()
    # polynomials with real zeros never get a certificate; 1 + t^4 does
    for f, nv in (([((0,), -1), ((2,), 1)], 1), ([((2, 0), 1), ((0, 2), 1)], 2)):
        assert sos_certificate([(e, Fraction(c)) for e, c in f], nv) is None
    cert = sos_certificate([((0,), Fraction(1)), ((4,), Fraction(1))], 1)
    check_sos([((0,), Fraction(1)), ((4,), Fraction(1))], cert)
    with pytest.raises(VerificationError):
        check_sos([((0,), Fraction(1)), ((4,), Fraction(2))], cert)


def test_sos_hostile_terms():
    from solvers.constant_rank.quadratic import sos_certificate

    for terms, nv, words in [("x", 1, "terms="), ([((0,), 1)], 0, "nvars"), ([((0, 1), 1)], 1, r"terms\[0\]"),
                             ([((0,), "a")], 1, "coefficient"), ([((True,), 1)], 1, r"terms\[0\]")]:
        with pytest.raises(InvalidInputError, match=words):
            sos_certificate(terms, nv)
