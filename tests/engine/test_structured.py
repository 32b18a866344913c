"""Tests of engine.structured: structured product tensors and generic bilinear targets.

Oracle: the tensor evaluated on random structured matrices must equal the numpy product
(C = A B, or the upper triangle of X X^T), on the independent coordinates.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import InvalidInputError
from engine.structured import (
    STRUCTURED_FORMATS,
    StructuredTarget,
    bilinear_target,
    operand_coordinates,
    parse_structure,
    structured_tensor,
)
from engine.tensors import TargetTensor, matmul_tensor


def _random_operand(struct, n, rng):
    coords, entry = operand_coordinates(struct, n)
    x = rng.integers(-5, 6, len(coords))
    X = np.zeros((n, n), dtype=np.int64)
    for (i, j), (a, sgn) in entry.items():
        X[i, j] = sgn * x[a]
    return x, X


def _check_structure(struct, X):
    if struct == "u":
        assert not np.tril(X, -1).any()
    elif struct == "l":
        assert not np.triu(X, 1).any()
    elif struct == "s":
        assert (X == X.T).all()
    elif struct == "k":
        assert (X == -X.T).all()


@settings(max_examples=60, deadline=None)
@given(code=st.sampled_from(STRUCTURED_FORMATS), n=st.integers(1, 4), seed=st.integers(0, 2**32 - 1))
def test_tensor_evaluates_the_structured_product(code, n, seed):
    rng = np.random.default_rng(seed)
    T = structured_tensor(code, n)
    x_s, y_s = T.operands
    x, A = _random_operand(x_s, n, rng)
    y, B = _random_operand(y_s, n, rng)
    _check_structure(x_s, A)
    _check_structure(y_s, B)
    C = A @ B.T if T.transposed else A @ B
    got = np.einsum("abc,a,b->c", T.array, x, y)
    want = np.array([C[i, j] for i, j in T.c_coords])
    assert (got == want).all()
    # dropped outputs are structurally zero (or the lower triangle of a symmetric product)
    if not T.transposed:
        for i in range(n):
            for j in range(n):
                if (i, j) not in T.c_coords:
                    assert C[i, j] == 0
    assert set(np.unique(T.array)) <= {-1, 0, 1}
    assert len(T.a_names) == T.shape[0] and len(T.c_names) == T.shape[2]


def test_gg_is_matrix_multiplication_and_known_shapes():
    assert np.array_equal(structured_tensor("gg", 3).array, matmul_tensor(3, 3, 3).array)
    # counts of independent coordinates: n^2, n(n+1)/2, n(n-1)/2
    assert structured_tensor("kg", 3).shape == (3, 9, 9)
    assert structured_tensor("ss", 2).shape == (3, 3, 4)
    assert structured_tensor("gt", 4).shape == (16, 16, 10)
    assert structured_tensor("uu", 3).shape == (6, 6, 6)
    # naive ranks: A A^T for 4x4 needs 10 * 4 = 40 products
    assert structured_tensor("gt", 4).nnz == 40
    assert structured_tensor("ss", 2).nnz == 8
    T = structured_tensor("aat", 2)
    assert isinstance(T, StructuredTarget) and T.structure == "gt" and isinstance(T, TargetTensor)
    assert T.to_json()["structure"] == "gt"


def test_parse_structure_and_errors():
    assert parse_structure(" KG ") == "kg"
    assert len(STRUCTURED_FORMATS) == 30
    for bad in ("zz", "g", "gtt", "tg", 3, None):
        with pytest.raises(InvalidInputError):
            structured_tensor(bad, 2)
    with pytest.raises(InvalidInputError, match="does not exist"):
        parse_structure("xy")
    for bad_n in (0, -1, 2.5, True, 9):
        with pytest.raises(InvalidInputError, match="n="):
            structured_tensor("gg", bad_n)
    with pytest.raises(InvalidInputError):
        operand_coordinates("q", 2)


def test_bilinear_target_validation():
    T = bilinear_target((2, 2, 3), [(0, 0, 0, 1), (0, 1, 1, 1), (1, 0, 1, 1), (1, 1, 2, 1)], name="polmul")
    assert T.shape == (2, 2, 3) and T.nnz == 4
    with pytest.raises(InvalidInputError, match="outside"):
        bilinear_target((2, 2, 2), [(2, 0, 0, 1)])
    with pytest.raises(InvalidInputError, match="not an integer"):
        bilinear_target((2, 2, 2), [(0, 0, 0, 0.5)])
    with pytest.raises(InvalidInputError, match="three positive"):
        bilinear_target((2, 2), [])
    with pytest.raises(InvalidInputError, match="three positive"):
        bilinear_target((2, 0, 2), [])
    with pytest.raises(InvalidInputError, match="names"):
        bilinear_target((2, 2, 2), [], a_names=("x",))
    with pytest.raises(InvalidInputError, match="must be"):
        bilinear_target((2, 2, 2), [(0, 0)])
    # the TargetTensor boundary itself: non-integer entries, wrong number of dimensions
    with pytest.raises(InvalidInputError, match="non-integer"):
        TargetTensor(np.full((1, 1, 1), 0.5))
    with pytest.raises(InvalidInputError, match="3-way"):
        TargetTensor(np.ones((2, 2), dtype=np.int64))
