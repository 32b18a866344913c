"""Property tests of engine.linalg over Z, Q and F_p, with sympy as the oracle.

sympy's ``Matrix.rank`` / ``Matrix.nullspace`` (over QQ) and ``DomainMatrix`` over ``GF(p)``
are independent implementations; exact identities (A*N == 0, A*x == b, unimodularity)
are checked directly.
"""

from __future__ import annotations

import math
from fractions import Fraction as F

import flint
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sympy import GF
from sympy.polys.matrices import DomainMatrix

from engine.errors import InfeasibleError, InvalidInputError
from engine.linalg import (
    crt,
    det,
    hnf,
    nullspace,
    particular_solution,
    rank,
    rational_reconstruction,
    snf,
    solve,
)

PRIMES = [2, 3, 5, 101, 2**31 - 1, 2**64 + 13]
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def int_matrices(draw, max_m=5, max_n=6, lo=-6, hi=6, low_rank=True):
    m = draw(st.integers(1, max_m))
    n = draw(st.integers(1, max_n))
    if low_rank and draw(st.booleans()):
        k = draw(st.integers(1, min(m, n)))
        B = draw(st.lists(st.lists(st.integers(-3, 3), min_size=k, max_size=k), min_size=m,
                          max_size=m))
        C = draw(st.lists(st.lists(st.integers(-3, 3), min_size=n, max_size=n), min_size=k,
                          max_size=k))
        return [[sum(B[i][t] * C[t][j] for t in range(k)) for j in range(n)] for i in range(m)]
    return draw(st.lists(st.lists(st.integers(lo, hi), min_size=n, max_size=n), min_size=m,
                         max_size=m))


fractions = st.fractions(min_value=-5, max_value=5, max_denominator=7)


@st.composite
def rat_matrices(draw, max_m=4, max_n=5):
    m = draw(st.integers(1, max_m))
    n = draw(st.integers(1, max_n))
    return draw(st.lists(st.lists(fractions, min_size=n, max_size=n), min_size=m, max_size=m))


def matvec(A, x, mod=None):
    out = [sum(a * t for a, t in zip(row, x, strict=True)) for row in A]
    return [v % mod for v in out] if mod else out


@SETTINGS
@given(int_matrices())
def test_rank_and_nullspace_over_q_match_sympy(A):
    S = sympy.Matrix(A)
    r = rank(A, "Q")
    assert r == S.rank() == rank(A, "Z")
    for basis in ("lll", "echelon"):
        N = nullspace(A, "Q", basis=basis)
        assert len(N) == len(A[0]) - r == len(S.nullspace())
        for v in N:
            assert all(type(x) is int for x in v)
            assert math.gcd(*v) == 1
            assert next(x for x in v if x) > 0
            assert matvec(A, v) == [0] * len(A)
        if N:
            assert sympy.Matrix(N).rank() == len(N)


@SETTINGS
@given(int_matrices(max_m=4, max_n=6))
def test_lll_nullspace_is_a_z_basis_of_the_kernel_lattice(A):
    N = nullspace(A, "Z", basis="lll")
    if N:  # saturated: all invariant factors 1
        S = snf(N)
        assert all(S[i][i] == 1 for i in range(len(N)))


@SETTINGS
@given(rat_matrices())
def test_rational_matrices(A):
    S = sympy.Matrix([[sympy.Rational(x.numerator, x.denominator) for x in r] for r in A])
    assert rank(A, "Q") == S.rank()
    for v in nullspace(A, "Q"):
        assert matvec(A, v) == [0] * len(A)
    if len(A) == len(A[0]):
        d = det(A, "Q")
        assert d == F(int(S.det().p), int(S.det().q))


@SETTINGS
@given(int_matrices(max_m=5, max_n=5), st.sampled_from(PRIMES))
def test_mod_p_rank_and_nullspace_match_domainmatrix(A, p):
    K = GF(p)
    D = DomainMatrix([[K(x) for x in r] for r in A], (len(A), len(A[0])), K)
    r = rank(A, p)
    assert r == D.rank()
    N = nullspace(A, p)
    assert len(N) == len(A[0]) - r
    for v in N:
        assert all(0 <= x < p for x in v)
        assert matvec(A, v, p) == [0] * len(A)


@SETTINGS
@given(int_matrices(max_m=5, max_n=5, low_rank=False), st.data())
def test_solve_over_q_both_methods(A, data):
    n = len(A[0])
    b = data.draw(st.lists(st.integers(-9, 9), min_size=len(A), max_size=len(A)))
    S = sympy.Matrix(A)
    if S.rank() < n:
        with pytest.raises((InvalidInputError, InfeasibleError)):
            solve(A, b, "Q")
        return
    try:
        x = solve(A, b, "Q", method="flint")
    except InfeasibleError:
        # overdetermined and inconsistent: sympy agrees
        assert S.rank() < sympy.Matrix.hstack(S, sympy.Matrix(b)).rank()
        with pytest.raises(InfeasibleError):
            solve(A, b, "Q", method="multimodular")
        return
    assert matvec(A, x) == b
    assert solve(A, b, "Q", method="multimodular") == x


@SETTINGS
@given(int_matrices(max_m=4, max_n=4, low_rank=False), st.sampled_from(PRIMES), st.data())
def test_solve_mod_p(A, p, data):
    b = data.draw(st.lists(st.integers(-9, 9), min_size=len(A), max_size=len(A)))
    n = len(A[0])
    try:
        x = solve(A, b, p)
    except InvalidInputError:
        assert rank(A, p) < n
        return
    except InfeasibleError:
        aug = [r + [t] for r, t in zip(A, b, strict=True)]
        assert rank(A, p) < rank(aug, p)
        return
    assert matvec(A, x, p) == [t % p for t in b]


@SETTINGS
@given(int_matrices(max_m=3, max_n=5), st.data())
def test_particular_solution_over_z(A, data):
    n = len(A[0])
    x0 = data.draw(st.lists(st.integers(-4, 4), min_size=n, max_size=n))
    b = matvec(A, x0)  # an integer solution exists by construction
    x = particular_solution(A, b, "Z")
    assert matvec(A, x) == b


@SETTINGS
@given(int_matrices(max_m=4, max_n=4))
def test_hnf_snf_invariants(A):
    H, U = hnf(A, transform=True)
    assert (flint.fmpz_mat(U) * flint.fmpz_mat(A)).tolist() == H
    assert abs(det(U, "Z")) == 1
    assert flint.fmpz_mat(H).is_hnf()
    S = snf(A)
    assert flint.fmpz_mat(S).is_snf()
    if len(A) == len(A[0]):
        prod = 1
        for i in range(len(A)):
            prod *= S[i][i]
        assert prod == abs(det(A, "Z"))


@SETTINGS
@given(st.integers(-10**6, 10**6), st.integers(1, 10**6))
def test_rational_reconstruction_roundtrip(num, den):
    f = F(num, den)
    m = (2**61 - 1) * (2**31 - 1)  # product of two Mersenne primes > 2 * 10**12
    a = f.numerator * pow(f.denominator, -1, m) % m
    assert rational_reconstruction(a, m) == f


@SETTINGS
@given(st.lists(st.integers(0, 10**30), min_size=1, max_size=4))
def test_crt_roundtrip(xs):
    moduli = [2**61 - 1, 2**31 - 1, 10**9 + 7, 998244353]
    x = xs[0]
    res, M = crt([x % q for q in moduli], moduli)
    assert M == math.prod(moduli) and res == x % M
    vec, _ = crt([[t % q for t in xs] for q in moduli], moduli)
    assert vec == [t % M for t in xs]


def test_multimodular_medium_system_matches_flint():
    import numpy as np

    rng = np.random.default_rng(1)
    A = rng.integers(-50, 51, (25, 25)).tolist()
    b = rng.integers(-50, 51, 25).tolist()
    assert rank(A, "Q") == 25
    assert solve(A, b, method="multimodular") == solve(A, b, method="flint")


@SETTINGS
@given(int_matrices(max_m=4, max_n=4, low_rank=False), st.data())
def test_solve_over_z_and_q_against_sympy(A, data):
    n = len(A[0])
    assume_square = len(A) == n
    x0 = data.draw(st.lists(st.integers(-5, 5), min_size=n, max_size=n))
    b = matvec(A, x0)
    S = sympy.Matrix(A)
    if S.rank() < n:
        return
    assert solve(A, b, "Z") == x0  # unique solution, and it is integral
    if assume_square:
        c = data.draw(st.lists(st.integers(-9, 9), min_size=n, max_size=n))
        ref = S.LUsolve(sympy.Matrix(c))
        assert solve(A, c, "Q") == [F(int(t.p), int(t.q)) for t in ref]


@SETTINGS
@given(
    st.integers(1, 6).flatmap(
        lambda n: st.tuples(
            st.lists(st.lists(st.integers(-10**20, 10**20), min_size=n, max_size=n),
                     min_size=n, max_size=n),
            st.lists(st.integers(-10**20, 10**20), min_size=n, max_size=n),
        )
    ),
    st.sampled_from([1, 3]),
)
def test_multimodular_known_determinant_phase(system, ratrec_primes):
    """Large entries force phase 2 (CRT of det(A) * x); compare with FLINT's solver."""
    import engine.linalg as la

    A, b = system
    if sympy.Matrix(A).rank() < len(A):
        return
    old = la.RATREC_PRIMES
    la.RATREC_PRIMES = ratrec_primes
    try:
        x = solve(A, b, "Q", method="multimodular")
    finally:
        la.RATREC_PRIMES = old
    assert x == solve(A, b, "Q", method="flint")
    assert matvec(A, x) == b
