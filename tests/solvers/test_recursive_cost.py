"""Tests of solvers.recursive_cost.

Oracles (hand-computed from the recursion gamma (n^omega - R) = G + sum gamma_other with
omega = log2 7): the standard 2x2 upper x general algorithm has 4 recursive and 2 general
products, gamma = 2/(7-4) = 2/3; the standard 4x4 one has 16 recursive and 24 general,
gamma = 24/(49-16) = 8/11; the paper's figures follow from the same formula:
(34-12)/(49-12) = 22/37 (ug, 4x4, rank 34) and (34-10)/(49-10) = 8/13 (A A^T).
"""

from fractions import Fraction

import numpy as np
import pytest

from engine.errors import InvalidInputError
from engine.schemes import BilinearScheme, Scheme
from engine.structured import structured_tensor
from engine.tensors import complex_multiplication_tensor
from solvers.recursive_cost import classify_products, naive_additions, recursive_cost


def _standard(code, n):
    T = structured_tensor(code, n)
    return BilinearScheme(T, *T.trivial_scheme())


def test_standard_upper_times_general():
    c = recursive_cost(_standard("ug", 2))
    assert (c.rank, c.recursive_calls, c.general_calls, c.factor) == (6, 4, 2, Fraction(2, 3))
    c4 = recursive_cost(_standard("ug", 4))
    assert (c4.rank, c4.recursive_calls, c4.general_calls) == (40, 16, 24)
    assert c4.factor == Fraction(8, 11) and c4.n_omega == 49 and c4.block_exact


def test_standard_aat_and_lower():
    c = recursive_cost(_standard("gt", 4))        # 4 diagonal outputs x 4 = 16 L L^T calls
    assert (c.rank, c.recursive_calls, c.general_calls) == (40, 16, 24)
    assert c.factor == Fraction(24, 33)
    # U U^T (2x2 blocks): U_00 U_00^T and U_11 U_11^T recurse, U_01 U_01^T is a general
    # A A^T call (gt) and U_01 U_11^T a general-times-lower call (gl): gamma = 2/(7-2)
    c = recursive_cost(_standard("ut", 2))
    assert c.kinds.count("self") == 2 and c.structured_calls == {"gt": 1, "gl": 1}
    assert c.factor == Fraction(2, 5)
    assert recursive_cost(_standard("ut", 2), gammas={"gt": Fraction(1, 2)}).factor == Fraction(3, 10)


def test_paper_factors_from_the_formula():
    # a synthetic rank-34 ug "reading": 12 self + 22 general products gives 22/37
    T = structured_tensor("ug", 4)
    diag = [a for a, (i, j) in enumerate(T.a_coords) if i == j]
    off = [a for a, (i, j) in enumerate(T.a_coords) if i != j]
    u = np.zeros((34, T.shape[0]), dtype=np.int64)
    for t in range(34):
        u[t, diag[t % 4] if t < 12 else off[t % len(off)]] = 1
    kinds = ["self" if t < 12 else "general" for t in range(34)]
    v = np.ones((34, T.shape[1]), dtype=np.int64)
    w = np.zeros((34, T.shape[2]), dtype=np.int64)
    fake = BilinearScheme(T, u, v, w)  # not a valid scheme: only the reading is tested
    assert classify_products(fake) == kinds
    assert recursive_cost(fake).factor == Fraction(22, 37)


def test_general_products_and_gammas():
    s = _standard("ss", 2)
    c = recursive_cost(s)
    assert not c.block_exact
    assert sum(c.structured_calls.values()) + c.recursive_calls + c.general_calls == s.rank
    c2 = recursive_cost(s, gammas={"sg": Fraction(1, 2), "gs": Fraction(1, 2)})
    assert c2.factor <= c.factor
    # omega as a float gives a float factor
    c3 = recursive_cost(_standard("ug", 3), omega=2.81)
    assert isinstance(c3.factor, float) and 0 < c3.factor < 1
    # Strassen as a gg scheme: 7 self calls = 2^omega, the recursion itself sets the exponent
    st = Scheme.strassen()
    T = structured_tensor("gg", 2)
    assert recursive_cost(BilinearScheme(T, st.u, st.v, st.w)).factor is None
    assert recursive_cost(BilinearScheme(T, st.u, st.v, st.w)).to_json()["factor"] is None


def test_naive_additions():
    assert naive_additions(Scheme.strassen()) == 18          # textbook count
    assert naive_additions(_standard("gg", 2)) == 4          # 8 products, 4 additions


def test_errors():
    T = complex_multiplication_tensor()
    s = BilinearScheme(T, [[1, 1], [1, 0], [0, 1]], [[1, 1], [1, 0], [0, 1]], [[0, 1], [1, -1], [-1, -1]])
    with pytest.raises(InvalidInputError, match="structure"):
        recursive_cost(s)
    with pytest.raises(InvalidInputError, match="not the"):
        recursive_cost(s, structure="gg", n=2)
    with pytest.raises(InvalidInputError, match="omega"):
        recursive_cost(_standard("ug", 2), omega=5)
    with pytest.raises(InvalidInputError):
        recursive_cost(_standard("ug", 2), gammas={"gt": 2})
    with pytest.raises(InvalidInputError):
        recursive_cost(_standard("ug", 2), gammas={"zz": 0.5})
    # re-reading a plain-target scheme with structure and n
    plain = _standard("ug", 2)
    from engine.tensors import TargetTensor

    P = TargetTensor(plain.target.array)
    c = recursive_cost(BilinearScheme(P, plain.u, plain.v, plain.w), structure="ug", n=2)
    assert c.factor == Fraction(2, 3)
