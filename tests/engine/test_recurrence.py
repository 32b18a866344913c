"""LinearRecurrence (terms, inflation/deflation, composition, folding, Newton-polygon
asymptotics) and exact coboundaries. Oracles: Fibonacci numbers (OEIS A000045), the
convergents of Apery's and Brouncker's fractions, the characteristic roots 17 +- 12 sqrt 2
of Apery's recurrence (Apery 1979; van der Poorten 1979)."""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.contfrac import PCF
from engine.errors import InvalidInputError, NoConvergenceError, VerificationError
from engine.recurrence import CoboundaryCertificate, LinearRecurrence, find_coboundary

FIB = [0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144]


def test_fibonacci_terms_and_residual():
    r = LinearRecurrence([1, -1, -1])
    u = r.terms([0, 1], 13)
    assert u == FIB
    assert r.residual(u) == [0] * 11


def test_pcf_recurrence_gives_convergents():
    f = PCF("34n^3+51n^2+27n+5", "-n^6")
    r = LinearRecurrence.from_pcf(f)
    q = r.terms([0, 1], 8, start=-1)     # q_{-1} = 0, q_0 = 1
    p = r.terms([1, f.a_at(0)], 8, start=-1)
    assert (p[4], q[4]) == f.convergent(3)


def test_inflate_matches_pcf_inflation_and_deflates_back():
    f = PCF("2n+1", "n^2")
    r = LinearRecurrence.from_pcf(f)
    assert r.inflate("n+1") == LinearRecurrence.from_pcf(f.inflate("n+1"))
    back, c = r.inflate("3n+2").deflate()
    assert back == r and c == [2, 3]


def test_compose_contains_solutions():
    a, b = LinearRecurrence([1, -2]), LinearRecurrence.from_pcf("n", "n")
    comp = a.compose(b)
    u = b.terms([1, 0], 12)
    assert comp.order == 3 and comp.residual(u) == [0] * 9


@pytest.mark.parametrize("k, offset", [(2, 0), (2, 1), (3, 2)])
def test_fold_annihilates_subsequence(k, offset):
    r = LinearRecurrence.from_pcf("2n+1", "n^2")
    u = r.terms([1, 3], 60)
    f = r.fold(k, offset)
    w = u[offset::k]
    assert f.order <= 2 and f.residual(w) == [0] * (len(w) - f.order)


def test_asymptotics_apery():
    g = LinearRecurrence.from_pcf("34n^3+51n^2+27n+5", "-n^6").asymptotics()
    assert [x.slope for x in g] == [3, 3]
    assert math.isclose(g[0].root, 17 + 12 * math.sqrt(2), rel_tol=1e-12)
    assert math.isclose(g[1].root, 17 - 12 * math.sqrt(2), rel_tol=1e-9)


def test_newton_polygon_factorial_and_geometric():
    # Euler's PCF(n, n): q_n ~ n! and a second family of slope 0
    edges = LinearRecurrence.from_pcf("n", "n").newton_polygon()
    assert [e[0] for e in edges] == [1, 0]


def test_predicted_delta_apery_and_brouncker():
    p = PCF("34n^3+51n^2+27n+5", "-n^6").predicted_delta()
    assert abs(p.value - 0.0805) < 0.006           # Apery: 0.080529
    assert math.isclose(p.ratio_log, 4 * math.log(17 + 12 * math.sqrt(2)) / 2, rel_tol=1e-9)
    q = PCF("2n+1", "n^2").predicted_delta()     # 4/pi: compare with the measured estimate
    assert abs(q.value - PCF("2n+1", "n^2").delta_estimate().value) < 0.01
    with pytest.raises(NoConvergenceError):
        PCF("n", "n").predicted_delta()


def test_delta_sequence_has_depths():
    seq = PCF("34n^3+51n^2+27n+5", "-n^6").delta_sequence((50, 100, 200))
    assert [d for d, _ in seq] == [50, 100, 200]
    assert all(0 < v < 0.2 for _, v in seq)


def test_coboundary_tail_and_inflation():
    # tail: M(n) M(n+1) = M(n) M(n+1): U = M
    M1 = [[[0, 1], [1]], [[0, 1], [0]]]
    M2 = [[[1, 1], [1]], [[1, 1], [0]]]
    c = find_coboundary(M1, M2, max_degree=1)
    assert c is not None and c.is_valid()
    # inflation by c(n) = n+2: M'(n) = diag(1, c(n-1)) M(n) diag(c(n), 1), hence
    # M'(n+1) U(n+1) = c(n+1) U(n) M(n+1) with U(n) = diag(1, c(n))
    f = PCF("2n+1", "n^2")
    g = f.inflate("n+2")
    A = [[_shift(f.a), [1]], [_shift(f.b), [0]]]           # M_f(n+1)
    B = [[_shift(g.a), [1]], [_shift(g.b), [0]]]           # M_g(n+1)
    cert = find_coboundary(B, A, max_degree=1, scalar=[3, 1])
    assert cert is not None and cert.is_valid()
    assert cert.U == (((1,), (0,)), ((0,), (2, 1)))


def _shift(c):
    import flint

    return [int(x) for x in flint.fmpz_poly(list(c))(flint.fmpz_poly([1, 1])).coeffs()]


def test_no_coboundary_of_low_degree():
    assert find_coboundary([[1, 1], [1, 0]], [[2, 1], [1, 0]], max_degree=2) is None


def test_certificate_tamper_and_roundtrip():
    ex = CoboundaryCertificate.example()
    assert CoboundaryCertificate.from_json(ex.to_json()) == ex
    with pytest.raises(VerificationError):
        CoboundaryCertificate.tampered().check()
    with pytest.raises(VerificationError):
        dataclasses.replace(ex, U=((((0,), (0,)), ((0,), (0,))))).check()


def test_hostile_inputs():
    with pytest.raises(InvalidInputError, match="coefficients"):
        LinearRecurrence([1])
    with pytest.raises(InvalidInputError, match="c_0"):
        LinearRecurrence([0, 1])
    with pytest.raises(InvalidInputError, match="initial"):
        LinearRecurrence([1, -1, -1]).terms([1], 5)
    with pytest.raises(InvalidInputError, match="k"):
        LinearRecurrence([1, -1, -1]).fold(0)
    with pytest.raises(InvalidInputError, match="M2"):
        find_coboundary([[1, 1], [1, 0]], [[1]])
    with pytest.raises(InvalidInputError, match="max_degree"):
        find_coboundary([[1, 1], [1, 0]], [[1, 1], [1, 0]], max_degree=99)
    with pytest.raises(InvalidInputError, match="c_0"):
        LinearRecurrence(["n", -1]).terms([1], 5, start=-1)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-3, 3), min_size=1, max_size=3),
       st.lists(st.integers(-3, 3), min_size=1, max_size=3).filter(any),
       st.lists(st.integers(-3, 3), min_size=1, max_size=2).filter(any))
def test_inflation_scales_terms(a, b, c):
    f = PCF(a, b)
    if f.b == [0]:
        return
    r = LinearRecurrence.from_pcf(f)
    ri = r.inflate(c)
    u = r.terms([1, 2], 10)
    ui = ri.terms([1, 2 * _ev(c, 1)], 10)    # u'(n) = c(1)...c(n) u(n), u'(0) = u(0)
    prod = 1
    for n in range(10):
        if n >= 1:
            prod *= _ev(c, n)
        if n >= 1 and _ev(c, n) == 0:
            return
        assert ui[n] == prod * u[n]


def _ev(c, n):
    return sum(x * n**i for i, x in enumerate(c))


@pytest.mark.parametrize("a, b, k, offset", [("2n+1", "n^2", 2, 1), ("n", "n", 3, 2),
                                             ("34n^3+51n^2+27n+5", "-n^6", 2, 0)])
def test_fold_certificates(a, b, k, offset):
    from engine.recurrence import FoldCertificate, fold_certificate

    c = fold_certificate(LinearRecurrence.from_pcf(a, b), k, offset)
    c.check()
    assert FoldCertificate.from_json(c.to_json()) == c
    with pytest.raises(VerificationError):
        FoldCertificate.tampered().check()


def test_coboundary_with_left_scalar_and_denominator():
    # the inflation identity M'(n+1) U(n+1) = c(n+1) U(n) M(n+1), U = diag(1, c), c = n+2,
    # multiplied by g(n) = n+3 on both sides
    f = PCF("2n+1", "n^2")
    g = f.inflate("n+2")
    A = [[_shift(f.a), [1]], [_shift(f.b), [0]]]
    B = [[_shift(g.a), [1]], [_shift(g.b), [0]]]
    cert = find_coboundary(B, A, max_degree=1, scalar=[9, 6, 1], left=[3, 1])
    assert cert is not None and cert.U == (((1,), (0,)), ((0,), (2, 1)))
    assert CoboundaryCertificate.from_json(cert.to_json()) == cert
    # a rational V = U/d with d(n) = n+1: d(n) M1 U(n+1) = d(n+1) U(n) M2 for M1 = M2 = I*(n+1)
    # is solved by U = I (n+1): V = I
    eye = [[[1, 1], [0]], [[0], [1, 1]]]
    c = find_coboundary(eye, eye, max_degree=1, denominator=[1, 1])
    assert c is not None and c.is_valid()
    with pytest.raises(InvalidInputError, match="denominator"):
        find_coboundary(eye, eye, denominator=0)
