"""Alternating matrices over F4, F8, F9: arithmetic, rank and Pfaffian against an independent
implementation (polynomials over F_p reduced by the Conway modulus, written here from the
definition, and brute-force kernel counting: |ker A| = q^(n - rank A))."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.alternating import (
    AlternatingMatrix,
    alternating_rank,
    parse_field,
    pfaffian,
    random_alternating,
)
from engine.alternating_fields import MODULI, small_field
from engine.errors import InvalidInputError

CHAR = {4: (2, 2), 8: (2, 3), 9: (3, 2)}


# ---------------------------------------------------------------- independent field arithmetic
def _digits(a, p, k):
    return [(a // p**i) % p for i in range(k)]


def _code(c, p):
    return sum(x * p**i for i, x in enumerate(c))


def ref_mul(a, b, q):
    """Schoolbook product of the polynomials, reduced by the monic modulus (lowest degree first)."""
    p, k = CHAR[q]
    m = MODULI[q]
    x, y = _digits(a, p, k), _digits(b, p, k)
    prod = [0] * (2 * k - 1)
    for i, u in enumerate(x):
        for j, v in enumerate(y):
            prod[i + j] = (prod[i + j] + u * v) % p
    for d in range(2 * k - 2, k - 1, -1):  # g^d = -(m_0 .. m_{k-1}) g^(d-k)
        c = prod[d]
        if c:
            prod[d] = 0
            for i in range(k):
                prod[d - k + i] = (prod[d - k + i] - c * m[i]) % p
    return _code(prod[:k], p)


def ref_add(a, b, q):
    p, k = CHAR[q]
    return _code([(u + v) % p for u, v in zip(_digits(a, p, k), _digits(b, p, k), strict=True)], p)


def ref_neg(a, q):
    p, k = CHAR[q]
    return _code([(-u) % p for u in _digits(a, p, k)], p)


def ref_kernel_rank(A, q):
    """n - log_q |{x : A x = 0}| by enumerating all q^n vectors."""
    n = len(A)
    zeros = 0
    for x in itertools.product(range(q), repeat=n):
        ok = True
        for i in range(n):
            s = 0
            for j in range(n):
                s = ref_add(s, ref_mul(A[i][j], x[j], q), q)
            if s:
                ok = False
                break
        zeros += ok
    k = 0
    while q**k < zeros:
        k += 1
    assert q**k == zeros
    return n - k


def ref_pfaffian(A, q):
    """Sum over perfect matchings with the sign of the matching (Pf definition)."""
    n = len(A)
    if n == 0:
        return 1

    def rec(idx):
        if not idx:
            return [(1, [])]
        i = idx[0]
        out = []
        for pos in range(1, len(idx)):
            j = idx[pos]
            rest = idx[1:pos] + idx[pos + 1:]
            for sgn, pairs in rec(rest):
                out.append((sgn * (-1) ** (pos - 1), [(i, j)] + pairs))
        return out

    total = 0
    for sgn, pairs in rec(list(range(n))):
        t = 1
        for i, j in pairs:
            t = ref_mul(t, A[i][j], q)
        total = ref_add(total, t if sgn > 0 else ref_neg(t, q), q)
    return total


def random_alt(n, q, rng):
    F = small_field(q)
    A = [[0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            v = int(rng.integers(0, q))
            A[i][j], A[j][i] = v, int(F.neg[v])
    return A


# ---------------------------------------------------------------- tests
@pytest.mark.parametrize("q", [4, 8, 9])
def test_tables_match_polynomial_arithmetic(q):
    F = small_field(q)
    for a in range(q):
        for b in range(q):
            assert F.mul_elem(a, b) == ref_mul(a, b, q)
            assert F.add_elem(a, b) == ref_add(a, b, q)
        if a:
            assert ref_mul(a, F.inv_elem(a), q) == 1
    # the multiplicative group is cyclic of order q - 1 (Lidl-Niederreiter Thm 2.8): some element
    # has order exactly q - 1
    orders = []
    for a in range(1, q):
        x, k = a, 1
        while x != 1:
            x, k = F.mul_elem(x, a), k + 1
        orders.append(k)
    assert max(orders) == q - 1 and all((q - 1) % o == 0 for o in orders)


def test_documented_encoding():
    # F4 = F2[g]/(g^2+g+1): 2 = g, 3 = g+1, g*g = g+1
    assert small_field(4).mul_elem(2, 2) == 3 and small_field(4).modulus_text == "g^2 + g + 1"
    # F9 = F3[g]/(g^2+2g+2): 3 = g, 2 = -1, g^2 = g + 1 = 4
    assert small_field(9).mul_elem(3, 3) == 4 and small_field(9).neg_elem(1) == 2
    assert small_field(8).modulus_text == "g^3 + g + 1"


@pytest.mark.parametrize("q", [4, 8, 9])
def test_rank_against_kernel_count(q):
    rng = np.random.default_rng(q)
    for n in (2, 3, 4):
        for _ in range(6 if q < 9 else 3):
            A = random_alt(n, q, rng)
            assert alternating_rank(A, ring=q) == ref_kernel_rank(A, q)
    # a rank-2 matrix built as x y^T - y x^T
    A = random_alternating(4, ring=q, seed=3, rank=2)
    assert A.rank() <= 2


@settings(max_examples=40, deadline=None)
@given(st.sampled_from([4, 8, 9]), st.integers(0, 6), st.integers(0, 10**6))
def test_pfaffian_matches_matching_sum_and_det(q, n, seed):
    rng = np.random.default_rng(seed)
    A = random_alt(n, q, rng)
    M = AlternatingMatrix(A, ring=q)
    pf = M.pfaffian()
    assert pf == ref_pfaffian(A, q) if n % 2 == 0 else pf == 0
    assert M.pfaffian(method="division_free") == pf
    if n % 2 == 0:
        assert M.minor(list(range(n)), list(range(n))) == ref_mul(pf, pf, q)  # det = Pf^2
        assert (M.rank() == n) == (pf != 0)


def test_reinterpret_integer_matrix_over_fq():
    A = AlternatingMatrix([[0, 3], [-3, 0]], ring="Z")
    assert A.rank(ring=9) == 0 and A.rank(ring=4) == 2  # 3 = 0 in characteristic 3


def test_bad_input_names_the_entry():
    with pytest.raises(InvalidInputError, match=r"entry \(0, 1\) = 9 is not an element of F9"):
        AlternatingMatrix([[0, 9], [0, 0]], ring=9)
    with pytest.raises(InvalidInputError, match=r"entry \(0, 1\) = -1"):
        AlternatingMatrix([[0, -1], [1, 0]], ring=4)
    with pytest.raises(InvalidInputError, match=r"entry \(1, 0\) = 1 but -entry \(0, 1\) = 2 in F9"):
        AlternatingMatrix([[0, 1], [1, 0]], ring=9)
    with pytest.raises(InvalidInputError, match=r"diagonal entry \(1, 1\)"):
        AlternatingMatrix([[0, 0], [0, 3]], ring=4)
    with pytest.raises(InvalidInputError, match="prime power above 9"):
        parse_field(16)
    with pytest.raises(InvalidInputError, match="not a prime power"):
        parse_field(6)
    with pytest.raises(InvalidInputError, match="not an element"):
        pfaffian([[0, 1.5], [1.5, 0]], ring=4)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from([4, 8, 9, "F4", "GF(9)", 16, 6, "F27"]),
       st.lists(st.lists(st.one_of(st.integers(-3, 12), st.floats(allow_nan=True), st.text(max_size=2),
                                   st.none(), st.booleans()), min_size=0, max_size=4), min_size=0, max_size=4))
def test_fq_input_never_crashes(field, rows):
    """Any input is either an alternating matrix over F_q or one InvalidInputError (one line)."""
    try:
        A = AlternatingMatrix(rows, ring=field)
    except InvalidInputError as exc:
        assert "\n" not in str(exc)
        return
    assert A.rank() % 2 == 0 and A.rank() <= A.n


@pytest.mark.parametrize("q", [4, 8, 9])
def test_darboux_basis_over_fq(q):
    """P^T A P = J_r (+) 0 with P invertible (checked with the independent arithmetic here)."""
    from engine.alternating import darboux_basis

    for seed in range(3):
        A = random_alternating(4, ring=q, seed=seed, rank=2).tolist()
        P, r = darboux_basis(A, ring=q)
        assert r == alternating_rank(A, ring=q) and ref_kernel_rank(P, q) == 4
        n = len(A)
        for i in range(n):
            for j in range(n):
                acc = 0
                for k in range(n):
                    for m in range(n):
                        acc = ref_add(acc, ref_mul(P[k][i], ref_mul(A[k][m], P[m][j], q), q), q)
                want = 0
                if i < r and j < r and i // 2 == j // 2 and i != j:
                    want = 1 if i < j else ref_neg(1, q)
                assert acc == want
