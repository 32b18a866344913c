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
from fractions import Fraction

import numpy as np

from engine._args import short_repr
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
        InvalidInputError: a ragged or non-3-way array, an empty dimension (generators such
            as :func:`engine.structured.structured_tensor` may build one), non-integer
            (string, fractional, NaN, out-of-int64) entries, name lists whose lengths do not
            match the dimensions, or a ``format`` whose ``<n,m,p>`` tensor is not ``array``
            (a ``(3, 3, 3)`` format needs the 9 x 9 x 9 tensor of :func:`matmul_tensor`).

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
        arr = _integer_array(self.array)
        # An empty dimension is a mistake for a map given directly. Subclasses built by a
        # generator keep it: the 1 x 1 skew-symmetric operand of engine.structured has no
        # free coordinate at all, so its structured products are zero maps of rank 0.
        if 0 in arr.shape and type(self) is TargetTensor:
            raise InvalidInputError(
                f"array has shape {arr.shape} with an empty dimension; every dimension of a target tensor must be >= 1"
            )
        object.__setattr__(self, "array", arr)
        for nm, letter, size in (
            ("a_names", "x", arr.shape[0]),
            ("b_names", "y", arr.shape[1]),
            ("c_names", "z", arr.shape[2]),
        ):
            given = getattr(self, nm)
            if isinstance(given, str):
                raise InvalidInputError(
                    f"{nm}={short_repr(given)} is a single string; give a sequence with one name per coordinate"
                )
            try:
                names = tuple(given)
            except TypeError:
                raise InvalidInputError(
                    f"{nm}={short_repr(given)} is not a sequence of names; give one string per coordinate"
                ) from None
            if not names:
                names = tuple(f"{letter}{i}" for i in range(size))
            if len(names) != size:
                raise InvalidInputError(
                    f"{nm} has {len(names)} names but the dimension is {size}; give one name per coordinate"
                )
            bad = [x for x in names if not isinstance(x, str)]
            if bad:
                raise InvalidInputError(f"{nm} contains {short_repr(bad[0])}, not a string; coordinate names are strings")
            object.__setattr__(self, nm, names)
        if self.format is not None:
            fmt = self.format
            try:
                dims = tuple(fmt)
            except TypeError:
                dims = ()
            if len(dims) != 3 or any(isinstance(d, bool) or not isinstance(d, int | np.integer) or d < 1 for d in dims):
                raise InvalidInputError(
                    f"format={short_repr(fmt)} must be None or three positive integers (n, m, p) of matrix multiplication"
                )
            n, m, p = (int(d) for d in dims)
            want = (n * m, m * p, n * p)
            if arr.shape != want:
                raise InvalidInputError(
                    f"array has shape {arr.shape} but format={short_repr(fmt)} needs the {want[0]}x{want[1]}x{want[2]} "
                    f"tensor of <{n},{m},{p}>; build it with engine.tensors.matmul_tensor({n}, {m}, {p}) "
                    "or pass format=None for another bilinear map"
                )
            if not np.array_equal(arr, _matmul_array(n, m, p)):
                raise InvalidInputError(
                    f"array is not the tensor of <{n},{m},{p}> matrix multiplication although format={short_repr(fmt)}; "
                    f"build it with engine.tensors.matmul_tensor({n}, {m}, {p}) or pass format=None"
                )
            object.__setattr__(self, "format", (n, m, p))

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


_INT64_MAX = (1 << 63) - 1

#: Most entries of a dense target tensor built by :func:`matmul_tensor` and friends (int64:
#: 1 GiB); <16,16,16> has 256^3 = 2^24.
MAX_TENSOR_ENTRIES = 1 << 27


def _check_size(shape: tuple[int, ...], args: str) -> None:
    """Refuse a dense tensor of more than :data:`MAX_TENSOR_ENTRIES` entries (``args`` names
    the arguments that set its shape)."""
    size = 1
    for d in shape:
        size *= d
    if size > MAX_TENSOR_ENTRIES:
        raise InvalidInputError(
            f"{args}: the target tensor would have {size if size < 10**12 else f'~10^{len(str(size)) - 1}'} entries, beyond "
            f"MAX_TENSOR_ENTRIES={MAX_TENSOR_ENTRIES}; use smaller dimensions"
        )


def _integer_array(data: object) -> np.ndarray:
    """``data`` as a C-contiguous ``int64`` 3-way array, else one clear :class:`InvalidInputError`."""
    try:
        arr = np.asarray(data)
    except (ValueError, TypeError) as exc:  # ragged nested lists, odd objects
        raise InvalidInputError(
            f"array={_short(data)} is not a rectangular 3-way array ({exc}); give an (I, J, K) array of integers"
        ) from None
    if arr.ndim != 3:
        raise InvalidInputError(
            f"array has {arr.ndim} dimensions (shape {arr.shape}); a target tensor needs a 3-way array (I, J, K)"
        )
    kind = arr.dtype.kind
    if kind in "iub":
        if kind == "u" and arr.size and int(arr.max()) > _INT64_MAX:
            raise InvalidInputError(f"array has an entry {int(arr.max())} beyond int64; target entries must fit in int64")
        return np.ascontiguousarray(arr, dtype=np.int64)
    if kind == "f":
        ok = np.isfinite(arr) & (np.mod(arr, 1) == 0) & (np.abs(arr) <= 2.0**62)
        if not ok.all():
            idx = tuple(int(i) for i in np.argwhere(~ok)[0])
            raise InvalidInputError(
                f"array[{idx}] = {short_repr(float(arr[idx]))} is a non-integer entry; target tensors have integer entries"
            )
        return np.ascontiguousarray(arr, dtype=np.int64)
    if kind == "O":
        out = np.empty(arr.shape, dtype=np.int64)
        for idx, x in np.ndenumerate(arr):
            val = None
            if isinstance(x, int | np.integer) and not isinstance(x, bool | np.bool_):
                val = int(x)
            elif isinstance(x, bool | np.bool_):
                val = int(x)
            elif isinstance(x, float | np.floating) and np.isfinite(x) and float(x).is_integer():
                val = int(x)
            elif isinstance(x, Fraction) and x.denominator == 1:
                val = int(x)
            if val is None:
                raise InvalidInputError(
                    f"array[{idx}] = {short_repr(x)} is a non-integer entry; target tensors have integer entries"
                )
            if abs(val) > _INT64_MAX:
                raise InvalidInputError(f"array[{idx}] = {val} does not fit in int64; target entries must be smaller")
            out[idx] = val
        return out
    first = arr.flat[0]
    raise InvalidInputError(
        f"array has non-integer entries of dtype {arr.dtype} (for example {short_repr(first)}); "
        "target tensors have integer entries"
    )


def _short(data: object) -> str:
    text = repr(data)
    return text if len(text) <= 60 else text[:57] + "..."


def _matmul_array(n: int, m: int, p: int) -> np.ndarray:
    """The dense ``<n,m,p>`` tensor: ``T[i*m+j, j*p+k, i*p+k] = 1``."""
    T = np.zeros((n * m, m * p, n * p), dtype=np.int64)
    i, j, k = np.meshgrid(np.arange(n), np.arange(m), np.arange(p), indexing="ij")
    T[(i * m + j).ravel(), (j * p + k).ravel(), (i * p + k).ravel()] = 1
    return T


def _check_dims(**dims: int) -> None:
    for k, v in dims.items():
        if isinstance(v, bool) or not isinstance(v, int | np.integer) or int(v) < 1:
            raise InvalidInputError(f"{k}={short_repr(v)} must be a positive integer")


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
    _check_size((n * m, m * p, n * p), f"n={n}, m={m}, p={p}")
    T = _matmul_array(n, m, p)
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
            raise InvalidInputError(f"{k}={short_repr(v)} must be a non-negative integer degree")
    da, db = int(da), int(db)
    _check_size((da + 1, db + 1, da + db + 1), f"da={da}, db={db}")
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
        >>> parse_format((2.5, 2, 2))
        Traceback (most recent call last):
        ...
        engine.errors.InvalidInputError: format=(2.5, 2, 2) is not three positive integers; write it as '3x3x3' or (3, 3, 3)
    """
    if isinstance(text, tuple | list):
        parts = list(text)
    else:
        s = str(text).strip().strip("<>()[] ").lower().replace("x", ",").replace("*", ",")
        parts = [x for x in s.replace(" ", ",").split(",") if x]
    try:
        if any(isinstance(x, float | np.floating) and not float(x).is_integer() for x in parts):
            raise ValueError("non-integral dimension")  # int(2.5) would truncate it to 2
        vals = [int(x) for x in parts]
    except (TypeError, ValueError, OverflowError):
        raise InvalidInputError(
            f"format={short_repr(text)} is not three positive integers; write it as '3x3x3' or (3, 3, 3)"
        ) from None
    if len(vals) != 3 or any(v < 1 for v in vals) or any(isinstance(x, bool) for x in parts):
        raise InvalidInputError(
            f"format={short_repr(text)} is not three positive integers; write it as '3x3x3' or (3, 3, 3)"
        )
    return vals[0], vals[1], vals[2]
