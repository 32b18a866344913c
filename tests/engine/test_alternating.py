"""Tests for engine.alternating: validation, rank, Pfaffians, minors, Darboux bases.

Oracles: the Pfaffian expansion along the first row (definition), Pf(A)^2 = det(A)
(Cayley), Pf(X^T A X) = det(X) Pf(A), sympy's rank, and the 4x4 formula
Pf = a01 a23 - a02 a13 + a03 a12.
"""

from fractions import Fraction

import flint
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.alternating import (
    AlternatingMatrix,
    alternating_rank,
    check_alternating,
    darboux_basis,
    parse_field,
    pfaffian,
    pfaffian_division_free,
    pfaffian_minor,
    random_alternating,
)
from engine.errors import InvalidInputError


def pf_expand(A):
    """Pfaffian by expansion along the first row (the definition; exponential)."""
    n = len(A)
    if n == 0:
        return 1
    if n % 2:
        return 0
    s = 0
    for j in range(1, n):
        if A[0][j] == 0:
            continue
        idx = [k for k in range(1, n) if k != j]
        s += (-1) ** (j - 1) * A[0][j] * pf_expand([[A[a][b] for b in idx] for a in idx])
    return s


def alt_from_upper(n, vals):
    A = [[0] * n for _ in range(n)]
    k = 0
    for i in range(n):
        for j in range(i + 1, n):
            A[i][j] = vals[k]
            A[j][i] = -vals[k]
            k += 1
    return A


@st.composite
def alternating_ints(draw, max_n=8, bound=5):
    n = draw(st.integers(0, max_n))
    vals = draw(st.lists(st.integers(-bound, bound), min_size=n * (n - 1) // 2, max_size=n * (n - 1) // 2))
    return alt_from_upper(n, vals)


# --------------------------------------------------------------------------- validation
def test_rejects_nonalternating_naming_the_entry():
    with pytest.raises(InvalidInputError, match=r"entry \(2, 0\) = 5"):
        AlternatingMatrix([[0, 1, -4], [-1, 0, 2], [5, -2, 0]])
    with pytest.raises(InvalidInputError, match=r"diagonal entry \(1, 1\)"):
        AlternatingMatrix([[0, 1], [-1, 3]])
    with pytest.raises(InvalidInputError, match="not square"):
        AlternatingMatrix([[0, 1], [-1]])
    with pytest.raises(InvalidInputError, match="float"):
        import numpy as np

        AlternatingMatrix(np.zeros((2, 2)))


def test_f2_alternating_means_symmetric_zero_diagonal():
    A = AlternatingMatrix([[0, 1], [1, 0]], ring=2)
    assert A.rank() == 2 and A.pfaffian() == 1
    with pytest.raises(InvalidInputError):
        AlternatingMatrix([[1, 1], [1, 0]], ring=2)  # nonzero diagonal: symmetric but not alternating
    # over F3 the same matrix is not alternating
    with pytest.raises(InvalidInputError):
        AlternatingMatrix([[0, 1], [1, 0]], ring=3)


def test_fields_and_rings():
    assert parse_field("F5") == 5 and parse_field("GF(7)") == 7 and parse_field("QQ") == "Q"
    assert parse_field(4) == 4 and parse_field("F9") == 9 and parse_field("GF(8)") == 8
    for bad in ("R", 16, 6, 1, 2.0, "F27", True):
        with pytest.raises(InvalidInputError):
            parse_field(bad)
    with pytest.raises(InvalidInputError, match="not an integer"):
        AlternatingMatrix([[0, Fraction(1, 2)], [Fraction(-1, 2), 0]], ring="Z")
    with pytest.raises(InvalidInputError, match="denominator divisible"):
        AlternatingMatrix([[0, Fraction(1, 3)], [Fraction(-1, 3), 0]], ring=3)
    A = AlternatingMatrix([[0, "1/2"], ["-1/2", 0]])
    assert A.pfaffian() == Fraction(1, 2)


# --------------------------------------------------------------------------- Pfaffian
def test_pfaffian_known_values():
    # Pf of the standard symplectic form diag(J, J, J) is 1; 4x4 formula
    J = [[0] * 6 for _ in range(6)]
    for k in range(0, 6, 2):
        J[k][k + 1], J[k + 1][k] = 1, -1
    assert pfaffian(J) == 1 and pfaffian(J, ring=7) == 1
    a = [3, -2, 5, 7, 1, -4]  # a01 a02 a03 a12 a13 a23
    A = alt_from_upper(4, a)
    assert pfaffian(A) == a[0] * a[5] - a[1] * a[4] + a[2] * a[3]
    assert pfaffian([[0, 1, 2], [-1, 0, 3], [-2, -3, 0]]) == 0  # odd size
    assert pfaffian([]) == 1


@settings(max_examples=40, deadline=None)
@given(alternating_ints())
def test_pfaffian_methods_agree_with_expansion_and_det(A):
    ref = pf_expand(A)
    assert pfaffian(A) == ref
    assert pfaffian(A, method="elimination") == ref
    assert pfaffian_division_free(A) == ref
    assert pfaffian(A, ring=13) == ref % 13
    assert pfaffian(A, ring=2**61 - 1) == ref % (2**61 - 1)  # Python-int elimination path
    if A:
        assert ref**2 == int(flint.fmpz_mat(A).det())  # Cayley: det = Pf^2


@settings(max_examples=25, deadline=None)
@given(alternating_ints(max_n=6), st.lists(st.integers(-3, 3), min_size=36, max_size=36))
def test_pfaffian_congruence(A, xs):
    n = len(A)
    X = [[xs[i * 6 + j] for j in range(n)] for i in range(n)]
    XtAX = (sympy.Matrix(X).T * sympy.Matrix(A) * sympy.Matrix(X)).tolist() if n else []
    det = int(sympy.Matrix(X).det()) if n else 1
    assert pfaffian([[int(v) for v in r] for r in XtAX]) == det * pf_expand(A)


def test_pfaffian_rational_entries():
    A = [[0, Fraction(1, 2), 1, 0], [Fraction(-1, 2), 0, 0, 3], [-1, 0, 0, Fraction(2, 3)], [0, -3, Fraction(-2, 3), 0]]
    expect = Fraction(1, 2) * Fraction(2, 3) - 1 * 3 + 0
    assert pfaffian(A) == expect and pfaffian(A, method="elimination") == expect


def test_division_free_pfaffian_over_polynomial_ring():
    ctx = flint.fmpz_mpoly_ctx.get(("x", 6), ordering="lex")
    x = ctx.gens()
    A = alt_from_upper(4, list(x))
    pf = pfaffian(A, ring="poly")
    assert pf == x[0] * x[5] - x[1] * x[4] + x[2] * x[3]
    # a 6x6 polynomial Pfaffian agrees with the integer Pfaffian at points
    ctx2 = flint.fmpq_mpoly_ctx.get(("t", 2), ordering="lex")
    t0, t1 = ctx2.gens()
    vals = [t0, 1, t1, 2, 0, t0 + t1, 3, -1, 1, t0 * t1, 5, 1, 2, 0, t1]
    P = alt_from_upper(6, vals)
    pf6 = AlternatingMatrix(P, ring="poly").pfaffian()
    for a, b in [(0, 0), (1, 2), (-3, 5)]:
        num = alt_from_upper(6, [v(a, b) if hasattr(v, "context") else v for v in vals])
        assert pf6(a, b) == pf_expand([[int(e) for e in r] for r in num])


def test_pfaffian_minors():
    A = alt_from_upper(4, [1, 2, 3, 4, 5, 6])
    M = AlternatingMatrix(A)
    assert M.pfaffian_minor([0, 2]) == 2 and M.pfaffian_minor([2, 0]) == -2
    assert M.pfaffian_minor([1, 2, 3, 0]) == -M.pfaffian()  # a 4-cycle is an odd permutation
    assert M.pfaffian_minor([0, 0]) == 0
    assert pfaffian_minor(A, [1, 3]) == 5
    minors = M.pfaffian_minors(2)
    assert len(minors) == 6 and minors[(2, 3)] == 6
    # non-principal minor: det A[{0,1},{2,3}] = a02 a13 - a03 a12
    assert M.minor([0, 1], [2, 3]) == 2 * 5 - 3 * 4
    assert M.minor([0, 1, 2, 3], [0, 1, 2, 3]) == M.pfaffian() ** 2
    with pytest.raises(InvalidInputError):
        M.pfaffian_minor([0, 9])
    with pytest.raises(InvalidInputError):
        M.pfaffian_minors(3)


# --------------------------------------------------------------------------- rank
@settings(max_examples=30, deadline=None)
@given(alternating_ints(max_n=9, bound=3), st.sampled_from([2, 3, 5, 7]))
def test_rank_matches_sympy_and_is_even(A, p):
    r = alternating_rank(A)
    assert r % 2 == 0
    assert r == (sympy.Matrix(A).rank() if A else 0)
    rp = alternating_rank(A, ring=p)
    assert rp % 2 == 0 and rp <= r
    import numpy as np

    from solvers.constant_rank._kernels import alt_rank_mod_p

    if A:
        assert alt_rank_mod_p(np.array(A, dtype=np.int64) % p, p) == rp


def test_rank_large_prime_and_constructed_ranks():
    p = 2**89 - 1  # above 2^63: fmpz_mod_mat path
    for r in (0, 2, 4, 6):
        A = random_alternating(8, ring=101, seed=r, rank=r)
        assert A.rank() == r
    B = random_alternating(6, ring="Z", seed=3)
    assert B.rank(ring=p) == B.rank()
    with pytest.raises(InvalidInputError):
        random_alternating(5, rank=3)


# --------------------------------------------------------------------------- Darboux
@settings(max_examples=20, deadline=None)
@given(alternating_ints(max_n=7, bound=4), st.sampled_from(["Q", 2, 5]))
def test_darboux_basis(A, field):
    P, r = darboux_basis(A, field)  # verified internally: P^T A P = J_r + 0
    assert r == alternating_rank(A, field)
    n = len(A)
    if n:
        if field == "Q":
            assert flint.fmpq_mat([[flint.fmpq(x.numerator, x.denominator) for x in row] for row in P]).rank() == n
        else:
            assert flint.nmod_mat([[int(x) for x in row] for row in P], field).rank() == n


def test_check_alternating_returns_normalised_rows():
    assert check_alternating([[0, -1], [1, 0]], ring=3) == [[0, 2], [1, 0]]
