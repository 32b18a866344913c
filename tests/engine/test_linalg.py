"""Unit tests of engine.linalg: known values, every input kind, every error path.

Expected values are hand-computed (2x2/3x3 cases checked by substitution) or come from
textbook examples: the Smith form of [[2,4,4],[-6,6,12],[10,-4,-16]] is diag(2, 6, 12)
(Wikipedia, "Smith normal form", worked example); the 4x4 Hilbert matrix has determinant
1/6048000 (Hilbert 1894; OEIS A005249).
"""

from __future__ import annotations

from fractions import Fraction as F

import flint
import numpy as np
import pytest
import sympy

from engine.errors import EngineError, InfeasibleError, InvalidInputError
from engine.linalg import (
    SOLVE_METHODS,
    crt,
    det,
    hnf,
    left_nullspace,
    nullspace,
    particular_solution,
    rank,
    rational_reconstruction,
    rref,
    snf,
    solve,
)

BIG_P = 2**64 + 13  # prime (checked below) above 2**63: exercises fmpz_mod_mat


def test_big_prime_is_prime():
    assert sympy.isprime(BIG_P)


# --------------------------------------------------------------------------- acceptance


def test_acceptance_interface():
    assert rank([[1, 2], [2, 4]], ring="Q") == 1
    ns = nullspace([[1, 2, 3]], ring="Q")
    assert len(ns) == 2
    for v in ns:
        assert all(type(x) is int for x in v)
        assert v[0] + 2 * v[1] + 3 * v[2] == 0
    x = solve([[2, 1], [1, 3]], [1, 2], ring="Q")
    assert x == [F(1, 5), F(3, 5)] and all(type(t) is F for t in x)


# --------------------------------------------------------------------------- input kinds


@pytest.mark.parametrize(
    "A",
    [
        [[1, 2], [3, 4]],
        ((1, 2), (3, 4)),
        np.array([[1, 2], [3, 4]], dtype=np.int64),
        np.array([[1, 2], [3, 4]], dtype=np.uint8),
        np.array([[1, 2], [3, 4]], dtype=object),
        [np.array([1, 2]), np.array([3, 4])],
        sympy.Matrix([[1, 2], [3, 4]]),
        flint.fmpz_mat([[1, 2], [3, 4]]),
        flint.fmpq_mat([[1, 2], [3, 4]]),
        [[F(1), F(2)], [F(3), F(4)]],
        [[np.int32(1), sympy.Integer(2)], [flint.fmpz(3), flint.fmpq(4)]],
    ],
)
def test_input_kinds_agree(A):
    assert rank(A, "Q") == 2
    assert rank(A, "Z") == 2
    assert det(A, "Z") == -2
    assert det(A, "Q") == F(-2)
    assert solve(A, [1, 1], "Q") == [F(-1), F(1)]
    assert rank(A, 2) == 1


def test_rational_inputs():
    A = [[F(1, 2), F(1, 3)], [F(1, 4), F(1, 6)]]
    assert rank(A, "Q") == 1
    assert nullspace(A, "Q") == [[2, -3]]
    S = sympy.Matrix([[sympy.Rational(1, 2), 1], [1, 3]])
    assert solve(S, [1, 1], "Q") == [F(4), F(-1)]
    assert det(flint.fmpq_mat([[F(1, 2).numerator, 0], [0, 3]]), "Q") == F(3)


def test_hilbert_determinant():
    H = [[F(1, i + j + 1) for j in range(4)] for i in range(4)]
    assert det(H, "Q") == F(1, 6048000)


# --------------------------------------------------------------------------- F_p


def test_mod_p_small_and_big():
    A = [[1, 2], [3, 4]]
    assert rank(A, 2) == 1
    assert rank(A, 3) == 2
    for p in (7, BIG_P):
        x = solve(A, [5, 6], p)
        assert all(0 <= t < p for t in x)
        assert (x[0] + 2 * x[1] - 5) % p == 0 and (3 * x[0] + 4 * x[1] - 6) % p == 0
        assert det(A, p) == (-2) % p
    assert nullspace([[1, 2, 3]], BIG_P) == [[BIG_P - 2, 1, 0], [BIG_P - 3, 0, 1]]


def test_mod_p_fractions_map_through_inverse():
    p = 11
    x = solve([[F(1, 2)]], [1], p)
    assert x == [2]


def test_residue_matrix_inputs():
    N = flint.nmod_mat([[1, 2], [3, 4]], 7)
    assert rank(N, 7) == 2
    assert solve(N, flint.nmod_mat([[1], [1]], 7), 7) == [[6], [1]]
    ctx = flint.fmpz_mod_ctx(BIG_P)
    Mb = flint.fmpz_mod_mat([[1, 2], [2, 4]], ctx)
    assert rank(Mb, BIG_P) == 1


def test_rref():
    R, piv = rref([[1, 2, 3], [2, 4, 7]], "Q")
    assert R == [[1, 2, 0], [0, 0, 1]] and piv == [0, 2]
    assert all(type(x) is F for row in R for x in row)
    R, piv = rref([[F(1, 2), 1], [1, 2]], "Q")
    assert R == [[1, 2], [0, 0]] and piv == [0]
    R, piv = rref([[2, 4], [1, 1]], 7)
    assert R == [[1, 0], [0, 1]] and piv == [0, 1]
    R, piv = rref([[2, 4], [1, 2]], BIG_P)
    assert R == [[1, 2], [0, 0]] and piv == [0]


# --------------------------------------------------------------------------- nullspace


def test_nullspace_bases():
    A = [[1, 2, 3]]
    lll = nullspace(A, "Q", basis="lll")
    ech = nullspace(A, "Q", basis="echelon")
    assert ech == [[2, -1, 0], [3, 0, -1]]
    assert sorted(sum(x * x for x in v) for v in lll) == [3, 5]
    assert nullspace([[1, 0], [0, 1]], "Q") == []
    assert nullspace([[0, 0]], "Z") == [[1, 0], [0, 1]]


def test_nullspace_is_saturated_lattice_basis():
    # [[2, 4]]: kernel lattice is Z*(2, -1); the echelon vector (2,-1) is primitive too
    assert nullspace([[2, 4]], "Z") == [[2, -1]]
    # the lattice {x : 2x+2y+2z=0 and x-y=0 ...}; check via Smith form of the basis
    A = [[6, 10, 15, 7], [3, 5, 9, 1]]
    N = nullspace(A, "Z", basis="lll")
    S = snf(N)
    assert all(S[i][i] == 1 for i in range(len(N)))


def test_left_nullspace():
    assert left_nullspace([[1, 2], [2, 4], [0, 1]], "Q") == [[2, -1, 0]]
    assert left_nullspace([[1, 2], [2, 4]], 5) == [[3, 1]]


# --------------------------------------------------------------------------- solve


@pytest.mark.parametrize("method", ["auto", *SOLVE_METHODS])
def test_solve_methods(method):
    A = [[2, 1, 0], [1, 3, 1], [0, 1, 4]]
    b = [1, 2, 3]
    x = solve(A, b, "Q", method=method)
    assert [sum(F(a) * t for a, t in zip(row, x, strict=True)) for row in A] == b
    X = solve(A, [[1, 0], [0, 1], [0, 0]], "Q", method=method)
    assert len(X) == 3 and len(X[0]) == 2
    # overdetermined, consistent
    assert solve([[1, 2], [3, 4], [5, 6]], [1, 2, 3], "Q", method=method) == [F(0), F(1, 2)]
    with pytest.raises(InfeasibleError):
        solve([[1, 2], [3, 4], [5, 6]], [1, 2, 4], "Q", method=method)
    with pytest.raises(InvalidInputError, match="singular"):
        solve([[1, 2], [2, 4]], [1, 2], "Q", method=method)
    with pytest.raises(InfeasibleError, match="inconsistent"):
        solve([[1, 2], [2, 4]], [1, 3], "Q", method=method)


def test_solve_over_z():
    assert solve([[1, 1], [1, -1]], [4, 2], "Z") == [3, 1]
    with pytest.raises(InfeasibleError, match="no integer solution"):
        solve([[2]], [1], "Z")


def test_solve_mod_p_singular_and_inconsistent():
    # mod 2 both rows reduce to (1, 0)
    with pytest.raises(InvalidInputError, match="singular"):
        solve([[1, 2], [3, 4]], [1, 1], 2)
    with pytest.raises(InfeasibleError, match="inconsistent"):
        solve([[1, 2], [3, 4]], [1, 0], 2)


def test_particular_solution():
    x = particular_solution([[1, 2, 3]], [6], "Q")
    assert x[0] + 2 * x[1] + 3 * x[2] == 6
    x = particular_solution([[6, 10, 15]], [1], "Z")
    assert 6 * x[0] + 10 * x[1] + 15 * x[2] == 1
    with pytest.raises(InfeasibleError, match="no integer"):
        particular_solution([[2, 4]], [1], "Z")
    with pytest.raises(InfeasibleError):
        particular_solution([[1, 1], [1, 1]], [1, 2], "Z")
    x = particular_solution([[1, 1], [1, 1]], [1, 1], 5)
    assert (x[0] + x[1]) % 5 == 1


# --------------------------------------------------------------------------- HNF / SNF


def test_hnf_and_snf():
    assert hnf([[2, 4], [3, 5]]) == [[1, 1], [0, 2]]
    H, U = hnf([[2, 4], [3, 5]], transform=True)
    assert (flint.fmpz_mat(U) * flint.fmpz_mat([[2, 4], [3, 5]])).tolist() == H
    assert abs(det(U, "Z")) == 1
    assert snf([[2, 4, 4], [-6, 6, 12], [10, -4, -16]]) == [[2, 0, 0], [0, 6, 0], [0, 0, 12]]
    with pytest.raises(InvalidInputError, match="not an integer"):
        hnf([[F(1, 2)]])


# --------------------------------------------------------------------------- CRT / ratrec


def test_crt_and_reconstruction():
    assert crt([2, 3, 2], [3, 5, 7]) == (23, 105)
    assert crt([1, 3], [4, 6]) == (9, 12)
    assert crt([[1, 2], [0, 3]], [5, 7]) == ([21, 17], 35)
    with pytest.raises(InfeasibleError):
        crt([1, 2], [4, 6])
    with pytest.raises(InvalidInputError):
        crt([1], [0])
    with pytest.raises(InvalidInputError):
        crt([1, 2], [3])
    m = 10**9 + 7
    assert rational_reconstruction(-3 * pow(7, -1, m) % m, m) == F(-3, 7)
    a = 123456789
    assert not any((r - a * t) % m == 0 for r in range(-10, 11) for t in range(1, 11))
    with pytest.raises(InfeasibleError):
        rational_reconstruction(a, m, num_bound=10, den_bound=10)
    with pytest.raises(InvalidInputError):
        rational_reconstruction(1, 100, num_bound=10, den_bound=10)
    with pytest.raises(InvalidInputError):
        rational_reconstruction(1, 1)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: rank([[1.0, 2]]), r"A\[0\]\[0\]=1.0 is a floating-point"),
        (lambda: rank([[1, 2], [3, 4.5]]), r"A\[1\]\[1\]=4.5"),
        (lambda: rank(np.array([[1.5, 2]])), "floating-point"),
        (lambda: rank(sympy.Matrix([[sympy.Float(1.5)]])), "floating-point"),
        (lambda: rank([[1, 2], [3]]), "not rectangular"),
        (lambda: rank([]), "empty"),
        (lambda: rank([[]]), "empty"),
        (lambda: rank([1, 2]), "not a row"),
        (lambda: rank("abc"), "not a matrix"),
        (lambda: rank([["a", 1]]), "not an exact number"),
        (lambda: rank(sympy.Matrix([[sympy.Symbol("x")]])), "not an exact number"),
        (lambda: rank([[True, 1]]), "boolean"),
        (lambda: rank(np.array([[1, 2]]), ring=4), "ring=4 is not a prime"),
        (lambda: rank([[1]], ring=1), "not a prime"),
        (lambda: rank([[1]], ring="R"), "ring='R' is not supported"),
        (lambda: rank([[1]], ring=2.0), "not supported"),
        (lambda: rank([[F(1, 2)]], ring="Z"), "ring='Z' needs integer"),
        (lambda: rank(flint.nmod_mat([[1]], 7), ring=5), "moduli differ"),
        (lambda: rank(flint.nmod_mat([[1]], 7), ring="Q"), "cannot be lifted"),
        (lambda: solve([[F(1, 7)]], [1], ring=7), r"A\[0\]\[0\]=1/7 .*zero divisor"),
        (lambda: solve([[1]], [F(1, 7)], ring=7), "zero divisor"),
        (lambda: solve([[1, 2]], [1, 2], "Q"), "b has 2 rows but A has 1"),
        (lambda: solve([[1]], [1], "Q", method="gauss"), "method='gauss' is unknown"),
        (lambda: nullspace([[1]], "Q", basis="x"), "basis='x' is unknown"),
        (lambda: det([[1, 2]], "Q"), "square"),
        (lambda: rref([[1, 2]], "Z"), "hnf"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(EngineError, match=match):
        call()


def test_errors_are_builtin_compatible():
    with pytest.raises(ValueError):
        rank([[1.0]])


def test_flint_matrix_fast_paths():
    A = flint.fmpz_mat([[2, 1], [1, 3]])
    B = flint.fmpz_mat([[1], [2]])
    assert solve(A, B, "Q") == [[F(1, 5)], [F(3, 5)]]
    Aq = flint.fmpq_mat([[1, flint.fmpq(1, 2)], [flint.fmpq(1, 3), 1]])
    Bq = flint.fmpq_mat([[flint.fmpq(1, 7)], [2]])
    for method in ("flint", "multimodular"):
        x = solve(Aq, Bq, "Q", method=method)
        assert F(1) * x[0][0] + F(1, 2) * x[1][0] == F(1, 7)
        assert F(1, 3) * x[0][0] + x[1][0] == 2
    assert rank(Aq, "Q") == 2 and nullspace(flint.fmpq_mat([[1, flint.fmpq(1, 2)]])) == [[1, -2]]
    with pytest.raises(InvalidInputError, match="not an integer"):
        solve(Aq, Bq, "Z")
    with pytest.raises(InvalidInputError, match="not an integer"):
        rank(Aq, "Z")
    with pytest.raises(InvalidInputError, match="empty"):
        rank(flint.fmpz_mat(0, 3), "Q")


def test_ring_spellings():
    assert rank([[1, 2], [3, 4]], ring="F_2") == rank([[1, 2], [3, 4]], ring="GF(2)") == 1
    assert rank([[1, 2], [3, 4]], ring="ZZ") == rank([[1, 2], [3, 4]], ring="QQ") == 2
    with pytest.raises(InvalidInputError, match="not a prime"):
        rank([[1]], ring="GF(8)")
