"""QA regressions: :class:`engine.tensors.TargetTensor` rejects malformed input with one clear error."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import InvalidInputError
from engine.tensors import TargetTensor, matmul_tensor


def _msg(array, **kw):
    with pytest.raises(InvalidInputError) as exc:
        TargetTensor(array, **kw)
    return str(exc.value)


def test_format_must_match_the_array():
    msg = _msg(np.ones((2, 2, 2), int), format=(3, 3, 3))
    assert "format=(3, 3, 3)" in msg and "9x9x9" in msg and "matmul_tensor(3, 3, 3)" in msg
    # right shape, wrong contents: the <2,2,2> shape with all ones is not matrix multiplication
    msg = _msg(np.ones((4, 4, 4), int), format=(2, 2, 2))
    assert "not the tensor of <2,2,2>" in msg
    for bad in [(2, 2), (2, 2, 0), "2x2x2", (2, 2, 2.5), (True, 2, 2)]:
        assert "format=" in _msg(np.ones((4, 4, 4), int), format=bad)
    # the generator and an equal array with the format both pass
    T = matmul_tensor(2, 3, 4)
    assert TargetTensor(T.array.copy(), format=[2, 3, 4]).format == (2, 3, 4)


def test_ragged_and_non_numeric_entries():
    msg = _msg([[[1, 0], [0]], [[1, 1], [0, 1]]])
    assert msg.startswith("array=") and "rectangular" in msg
    msg = _msg(np.array([[["a"]]], dtype=object))
    assert "array[(0, 0, 0)] = 'a'" in msg and "integer" in msg
    assert "<U1" in _msg(np.array([[["1"]]]))
    assert "0.5" in _msg(np.array([[[0.5]]]))
    assert "nan" in _msg(np.array([[[np.nan]]]))
    assert "integer" in _msg(np.array([[[1 + 2j]]]))
    assert "Fraction(1, 2)" in _msg(np.array([[[Fraction(1, 2)]]], dtype=object))
    assert "int64" in _msg(np.array([[[1 << 70]]], dtype=object))


def test_empty_and_wrong_dimensions():
    assert "empty dimension" in _msg(np.zeros((2, 0, 2), int))
    assert "3-way" in _msg(np.ones((2, 2), int))
    assert "3-way" in _msg(5)


def test_names_are_checked():
    assert "one name per coordinate" in _msg(np.ones((1, 1, 1), int), a_names=("x", "y"))
    assert "single string" in _msg(np.ones((2, 1, 1), int), a_names="xy")
    assert "not a string" in _msg(np.ones((1, 1, 1), int), c_names=(3,))


def test_integral_inputs_are_converted():
    T = TargetTensor(np.array([[[1.0, -2.0]]]))
    assert T.array.dtype == np.int64 and T.array.tolist() == [[[1, -2]]]
    T = TargetTensor(np.array([[[Fraction(4, 2), np.int8(3), True]]], dtype=object))
    assert T.array.tolist() == [[[2, 3, 1]]]


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4))
def test_matmul_tensor_is_the_loop_definition(n, m, p):
    # oracle: the definition T[i*m+j, j*p+k, i*p+k] = 1 written as a plain loop
    want = np.zeros((n * m, m * p, n * p), dtype=np.int64)
    for i in range(n):
        for j in range(m):
            for k in range(p):
                want[i * m + j, j * p + k, i * p + k] = 1
    T = matmul_tensor(n, m, p)
    assert np.array_equal(T.array, want) and T.format == (n, m, p)
