"""Target tensors of bilinear maps (3-way integer tensors with named coordinates).

A bilinear map ``f: K^I x K^J -> K^K`` is the 3-way tensor ``T[a, b, c]`` with
``f(x, y)_c = sum_{a,b} T[a, b, c] x_a y_b``. A rank-``r`` *scheme* for it is three
coefficient matrices ``u`` (r x I), ``v`` (r x J), ``w`` (r x K) with the Brent equations
``sum_t u[t,a] v[t,b] w[t,c] = T[a,b,c]`` for every ``(a, b, c)``.

Matrix multiplication ``<n,m,p>`` (an ``n x m`` matrix ``A`` times an ``m x p`` matrix ``B``)
is the generator :func:`matmul_tensor`: ``a = i*m + j`` indexes ``A[i][j]``, ``b = j*p + k``
indexes ``B[j][k]`` and ``c = i*p + k`` indexes ``C[i][k]`` (row-major, *not* transposed).
Polynomial and complex multiplication are small sanity targets; structured products
(issue 9) are further generators of the same :class:`TargetTensor` type.

Reference: R. P. Brent, "Algorithms for matrix multiplication", Stanford CS report 157 (1970).

Examples:
    >>> from engine.tensors import matmul_tensor
    >>> T = matmul_tensor(2, 2, 2)
    >>> T.shape, int(T.array.sum()), T.a_names[1], T.c_names[3]
    ((4, 4, 4), 8, 'a12', 'c22')
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine.errors import InvalidInputError

__all__ = [
    "TargetTensor",
    "matmul_tensor",
    "polynomial_multiplication_tensor",
    "complex_multiplication_tensor",
    "parse_format",
]


def _index_name(letter: str, i: int, j: int, big: bool) -> str:
    return f"{letter}{i + 1}_{j + 1}" if big else f"{letter}{i + 1}{j + 1}"


@dataclass(frozen=True, eq=False)
class TargetTensor:
    """A bilinear map as a dense 3-way integer tensor with named coordinates.

    Attributes:
        array: ``int64`` array of shape ``(I, J, K)``.
        a_names, b_names, c_names: names of the input/output coordinates.
        name: short description (for example ``"<2,2,2>"``).
        format: the ``(n, m, p)`` matrix-multiplication format, or ``None``.

    Raises:
        InvalidInputError: non-integer entries, a non-3-way array, or name lists whose
            lengths do not match the dimensions.

    Examples:
        >>> import numpy as np
        >>> from engine.tensors import TargetTensor
        >>> T = TargetTensor(np.ones((1, 1, 1), dtype=np.int64))
        >>> T.shape, T.nnz
        ((1, 1, 1), 1)
    """

    array: np.ndarray
    a_names: tuple[str, ...] = field(default=())
    b_names: tuple[str, ...] = field(default=())
    c_names: tuple[str, ...] = field(default=())
    name: str = "bilinear map"
    format: tuple[int, int, int] | None = None

    def __post_init__(self) -> None:
        arr = np.asarray(self.array)
        if arr.ndim != 3:
            raise InvalidInputError(
                f"array has {arr.ndim} dimensions; a target tensor needs a 3-way array (I, J, K)"
            )
        if arr.dtype.kind not in "iub":
            if arr.dtype.kind == "O" and all(float(x) == int(x) for x in arr.flat):
                arr = arr.astype(np.int64)
            elif arr.dtype.kind == "f" and np.all(np.mod(arr, 1) == 0):
                arr = arr.astype(np.int64)
            else:
                raise InvalidInputError(
                    f"array has non-integer entries (dtype {arr.dtype}); target tensors are integer"
                )
        arr = np.ascontiguousarray(arr, dtype=np.int64)
        object.__setattr__(self, "array", arr)
        for nm, letter, size in (
            ("a_names", "x", arr.shape[0]),
            ("b_names", "y", arr.shape[1]),
            ("c_names", "z", arr.shape[2]),
        ):
            names = tuple(getattr(self, nm))
            if not names:
                names = tuple(f"{letter}{i}" for i in range(size))
            if len(names) != size:
                raise InvalidInputError(
                    f"{nm} has {len(names)} names but the dimension is {size}; give one name per coordinate"
                )
            object.__setattr__(self, nm, names)

    @property
    def shape(self) -> tuple[int, int, int]:
        """The dimensions ``(I, J, K)``."""
        return tuple(int(x) for x in self.array.shape)  # type: ignore[return-value]

    @property
    def nnz(self) -> int:
        """Number of nonzero entries (the rank of the trivial scheme when entries are 0/1)."""
        return int(np.count_nonzero(self.array))

    def trivial_scheme(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The scheme with one product per nonzero entry ``T[a,b,c] x_a y_b z_c``.

        Returns:
            ``(u, v, w)`` integer arrays of shapes ``(nnz, I)``, ``(nnz, J)``, ``(nnz, K)``.

        Examples:
            >>> from engine.tensors import matmul_tensor
            >>> u, v, w = matmul_tensor(2, 2, 2).trivial_scheme()
            >>> u.shape
            (8, 4)
        """
        idx = np.argwhere(self.array != 0)
        r = len(idx)
        I, J, K = self.shape  # noqa: E741 (tensor dimensions I, J, K)
        u = np.zeros((r, I), dtype=np.int64)
        v = np.zeros((r, J), dtype=np.int64)
        w = np.zeros((r, K), dtype=np.int64)
        for t, (a, b, c) in enumerate(idx):
            u[t, a] = 1
            v[t, b] = 1
            w[t, c] = self.array[a, b, c]
        return u, v, w

    def flattening_ranks(self) -> tuple[int, int, int]:
        """Ranks over Q of the three flattenings (each a lower bound for the tensor rank).

        Examples:
            >>> from engine.tensors import matmul_tensor
            >>> matmul_tensor(2, 3, 4).flattening_ranks()
            (6, 12, 8)
        """
        I, J, K = self.shape  # noqa: E741 (tensor dimensions I, J, K)
        a = self.array.astype(float)
        return (
            int(np.linalg.matrix_rank(a.reshape(I, J * K))),
            int(np.linalg.matrix_rank(a.transpose(1, 0, 2).reshape(J, I * K))),
            int(np.linalg.matrix_rank(a.transpose(2, 0, 1).reshape(K, I * J))),
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TargetTensor) and np.array_equal(self.array, other.array)

    def __hash__(self) -> int:
        return hash(self.array.tobytes())

    def to_json(self) -> dict:
        """JSON form: shape, nonzero entries ``[a, b, c, value]`` and the names."""
        return {
            "name": self.name,
            "shape": list(self.shape),
            "format": list(self.format) if self.format else None,
            "entries": [[int(a), int(b), int(c), int(self.array[a, b, c])] for a, b, c in np.argwhere(self.array)],
            "a_names": list(self.a_names),
            "b_names": list(self.b_names),
            "c_names": list(self.c_names),
        }


def _check_dims(**dims: int) -> None:
    for k, v in dims.items():
        if isinstance(v, bool) or not isinstance(v, int | np.integer) or int(v) < 1:
            raise InvalidInputError(f"{k}={v!r} must be a positive integer")


def matmul_tensor(n: int, m: int, p: int) -> TargetTensor:
    """The tensor of ``<n,m,p>`` matrix multiplication (``C = A B``, ``A`` is ``n x m``).

    Coordinates: ``a = i*m + j`` for ``A[i][j]`` (named ``a{i+1}{j+1}``), ``b = j*p + k`` for
    ``B[j][k]``, ``c = i*p + k`` for ``C[i][k]``; ``T[a,b,c] = 1`` exactly when the indices match.

    Args:
        n, m, p: positive dimensions.

    Returns:
        The :class:`TargetTensor` with ``format=(n, m, p)``.

    Raises:
        InvalidInputError: a dimension that is not a positive integer.

    Examples:
        >>> from engine.tensors import matmul_tensor
        >>> matmul_tensor(2, 3, 4).shape
        (6, 12, 8)
    """
    _check_dims(n=n, m=m, p=p)
    n, m, p = int(n), int(m), int(p)
    T = np.zeros((n * m, m * p, n * p), dtype=np.int64)
    for i in range(n):
        for j in range(m):
            for k in range(p):
                T[i * m + j, j * p + k, i * p + k] = 1
    big = max(n, m, p) > 9
    return TargetTensor(
        T,
        tuple(_index_name("a", i, j, big) for i in range(n) for j in range(m)),
        tuple(_index_name("b", j, k, big) for j in range(m) for k in range(p)),
        tuple(_index_name("c", i, k, big) for i in range(n) for k in range(p)),
        name=f"<{n},{m},{p}>",
        format=(n, m, p),
    )


def polynomial_multiplication_tensor(da: int, db: int) -> TargetTensor:
    """Product of polynomials of degrees ``da`` and ``db`` (coefficient vectors in, out).

    Its rank over an infinite field is ``da + db + 1`` (evaluation/interpolation, Toom-Cook).

    Raises:
        InvalidInputError: a negative degree.

    Examples:
        >>> from engine.tensors import polynomial_multiplication_tensor
        >>> polynomial_multiplication_tensor(1, 1).shape
        (2, 2, 3)
    """
    for k, v in (("da", da), ("db", db)):
        if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < 0:
            raise InvalidInputError(f"{k}={v!r} must be a non-negative integer degree")
    T = np.zeros((da + 1, db + 1, da + db + 1), dtype=np.int64)
    for i in range(da + 1):
        for j in range(db + 1):
            T[i, j, i + j] = 1
    return TargetTensor(
        T,
        tuple(f"f{i}" for i in range(da + 1)),
        tuple(f"g{j}" for j in range(db + 1)),
        tuple(f"h{k}" for k in range(da + db + 1)),
        name=f"polmul({da},{db})",
    )


def complex_multiplication_tensor() -> TargetTensor:
    """``(a0 + a1 i)(b0 + b1 i)`` over the reals: rank 3 (Gauss's trick).

    Examples:
        >>> from engine.tensors import complex_multiplication_tensor
        >>> complex_multiplication_tensor().array[1, 1, 0]
        np.int64(-1)
    """
    T = np.zeros((2, 2, 2), dtype=np.int64)
    T[0, 0, 0] = 1
    T[1, 1, 0] = -1
    T[0, 1, 1] = 1
    T[1, 0, 1] = 1
    return TargetTensor(T, ("a0", "a1"), ("b0", "b1"), ("re", "im"), name="complex multiplication")


def parse_format(text: str | tuple | list) -> tuple[int, int, int]:
    """Parse ``"3x3x3"``, ``"3,4,5"``, ``"<3,4,5>"`` or a 3-tuple into ``(n, m, p)``.

    Raises:
        InvalidInputError: anything that is not three positive integers.

    Examples:
        >>> from engine.tensors import parse_format
        >>> parse_format("2x3x4"), parse_format((3, 3, 3))
        ((2, 3, 4), (3, 3, 3))
    """
    if isinstance(text, tuple | list):
        parts = list(text)
    else:
        s = str(text).strip().strip("<>()[] ").lower().replace("x", ",").replace("*", ",")
        parts = [x for x in s.replace(" ", ",").split(",") if x]
    try:
        vals = [int(x) for x in parts]
    except (TypeError, ValueError):
        raise InvalidInputError(
            f"format={text!r} is not three positive integers; write it as '3x3x3' or (3, 3, 3)"
        ) from None
    if len(vals) != 3 or any(v < 1 for v in vals) or any(isinstance(x, bool) for x in parts):
        raise InvalidInputError(
            f"format={text!r} is not three positive integers; write it as '3x3x3' or (3, 3, 3)"
        )
    return vals[0], vals[1], vals[2]
