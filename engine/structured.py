"""Structured matrix products as target tensors (bilinear maps with named coordinates).

An ``n x n`` operand has one of five structures, each stored by its independent entries:

========  ====================  =========================================  ==============
code      structure             independent coordinates                    count
========  ====================  =========================================  ==============
``g``     general               every ``X[i][j]``                          ``n^2``
``u``     upper triangular      ``X[i][j]``, ``i <= j`` (others are 0)     ``n(n+1)/2``
``l``     lower triangular      ``X[i][j]``, ``i >= j``                    ``n(n+1)/2``
``s``     symmetric             ``X[i][j]``, ``i <= j``; ``X[j][i] = X[i][j]``  ``n(n+1)/2``
``k``     skew-symmetric        ``X[i][j]``, ``i < j``; ``X[j][i] = -X[i][j]``  ``n(n-1)/2``
========  ====================  =========================================  ==============

A *format* is a two-letter code:

- ``xy`` (every pairing of ``g, u, l, s, k``): ``C = A B`` with ``A`` of structure ``x`` and
  ``B`` of structure ``y``; the output coordinates are the entries ``C[i][k]`` that are not
  identically zero (an upper x upper product keeps its upper triangle). ``gg`` is ``<n,n,n>``.
- ``xt`` (``gt, ut, lt, st, kt``): ``C = X X^T`` for ``X`` of structure ``x``, as the bilinear
  map ``(A, B) -> upper triangle of A B^T`` (``i <= j``, the output is symmetric); a scheme
  for it computes ``X X^T`` with ``B = A``.

Coordinates are named ``a{i}{j}``, ``b{i}{j}``, ``c{i}{j}`` (1-based, ``_`` between indices
when ``n > 9``); :class:`StructuredTarget` keeps the ``(i, j)`` of every coordinate, which
:mod:`solvers.recursive_cost` uses to read a scheme as a block-recursive algorithm.

Reference: K. Khoruzhii, P. Gelss, S. Pokutta, "Faster algorithms for structured matrix
multiplication via flip graph search", arXiv:2511.10786 (2025) (the formats and the
``Up(A B^T)`` encoding of ``A A^T``); J.-G. Dumas, C. Pernet, A. Sedoglavic, "On fast
multiplication of a matrix by its transpose", ISSAC 2020.

Examples:
    >>> from engine.structured import structured_tensor
    >>> T = structured_tensor("kg", 3)
    >>> T.shape, T.a_names
    ((3, 9, 9), ('a12', 'a13', 'a23'))
    >>> structured_tensor("gt", 2).c_names
    ('c11', 'c12', 'c22')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine._args import short_repr
from engine.errors import InvalidInputError
from engine.tensors import TargetTensor, _check_size

__all__ = [
    "STRUCTURES",
    "STRUCTURED_FORMATS",
    "StructuredTarget",
    "structured_tensor",
    "parse_structure",
    "operand_coordinates",
    "bilinear_target",
]

#: Operand structures (code -> description).
STRUCTURES: dict[str, str] = {
    "g": "general",
    "u": "upper triangular",
    "l": "lower triangular",
    "s": "symmetric",
    "k": "skew-symmetric",
}

#: Every format code: the 25 pairings ``xy`` and the 5 transpose products ``xt``.
STRUCTURED_FORMATS: tuple[str, ...] = tuple(x + y for x in STRUCTURES for y in STRUCTURES) + tuple(
    x + "t" for x in STRUCTURES
)

_ALIASES = {"aat": "gt", "a*a^t": "gt", "aa^t": "gt", "xxt": "gt"}


def parse_structure(code: Any) -> str:
    """Normalise a format code (``"kg"``, ``"GT"``, ``"aat"``) and validate it.

    Raises:
        InvalidInputError: a code that is not one of :data:`STRUCTURED_FORMATS`.

    Examples:
        >>> from engine.structured import parse_structure
        >>> parse_structure("KG"), parse_structure("aat")
        ('kg', 'gt')
    """
    if not isinstance(code, str):
        raise InvalidInputError(f"structure={short_repr(code)} must be a string such as 'kg' or 'gt'")
    c = code.strip().lower().replace(" ", "")
    c = _ALIASES.get(c, c)
    if c not in STRUCTURED_FORMATS:
        raise InvalidInputError(
            f"structure={short_repr(code)} does not exist; use two letters from g (general), u (upper), "
            "l (lower), s (symmetric), k (skew) such as 'kg', or 'xt' for X*X^T ('gt', 'ut', 'lt', 'st', 'kt')"
        )
    return c


def operand_coordinates(struct: str, n: int) -> tuple[list[tuple[int, int]], dict[tuple[int, int], tuple[int, int]]]:
    """Independent coordinates of an ``n x n`` operand and the entry map.

    Returns:
        ``(coords, entry)``: ``coords[a] = (i, j)`` for coordinate ``a``; ``entry[(i, j)] =
        (a, sign)`` expresses ``X[i][j] = sign * x_a`` (entries missing from ``entry`` are 0).

    Raises:
        InvalidInputError: unknown structure letter or bad ``n``.

    Examples:
        >>> from engine.structured import operand_coordinates
        >>> coords, entry = operand_coordinates("k", 3)
        >>> coords, entry[(1, 0)]
        ([(0, 1), (0, 2), (1, 2)], (0, -1))
    """
    if not isinstance(struct, str) or struct not in STRUCTURES:
        raise InvalidInputError(f"structure letter {short_repr(struct)} does not exist; use one of g, u, l, s, k")
    _check_n(n)
    if struct == "g":
        coords = [(i, j) for i in range(n) for j in range(n)]
    elif struct in ("u", "s"):
        coords = [(i, j) for i in range(n) for j in range(i, n)]
    elif struct == "l":
        coords = [(i, j) for i in range(n) for j in range(i + 1)]
    else:
        coords = [(i, j) for i in range(n) for j in range(i + 1, n)]
    idx = {c: a for a, c in enumerate(coords)}
    entry: dict[tuple[int, int], tuple[int, int]] = {}
    for i in range(n):
        for j in range(n):
            if (i, j) in idx:
                entry[(i, j)] = (idx[(i, j)], 1)
            elif struct == "s":
                entry[(i, j)] = (idx[(j, i)], 1)
            elif struct == "k" and i != j:
                entry[(i, j)] = (idx[(j, i)], -1)
    return coords, entry


def _check_n(n: Any) -> None:
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or int(n) < 1:
        raise InvalidInputError(f"n={short_repr(n)} must be a positive integer (the matrix size)")
    if int(n) > 8:
        raise InvalidInputError(f"n={short_repr(n)} is too large for a structured target; use n <= 8 (n*n <= 64 coordinates)")


def _name(letter: str, i: int, j: int, n: int) -> str:
    return f"{letter}{i + 1}_{j + 1}" if n > 9 else f"{letter}{i + 1}{j + 1}"


@dataclass(frozen=True, eq=False)
class StructuredTarget(TargetTensor):
    """A :class:`~engine.tensors.TargetTensor` of a structured product, with its layout.

    Attributes:
        structure: the format code (``"kg"``, ``"gt"``, ...); n: the matrix size.
        a_coords, b_coords, c_coords: ``(i, j)`` of every input/output coordinate.

    Examples:
        >>> from engine.structured import structured_tensor
        >>> T = structured_tensor("ug", 2)
        >>> T.structure, T.a_coords
        ('ug', ((0, 0), (0, 1), (1, 1)))
    """

    structure: str = "gg"
    n: int = 0
    a_coords: tuple = field(default=())
    b_coords: tuple = field(default=())
    c_coords: tuple = field(default=())

    @property
    def operands(self) -> tuple[str, str]:
        """Structure letters of the two operands (for ``xt`` both are ``x``)."""
        x, y = self.structure
        return (x, x) if y == "t" else (x, y)

    @property
    def transposed(self) -> bool:
        """True for the ``X X^T`` formats."""
        return self.structure[1] == "t"

    def to_json(self) -> dict:
        """JSON form of :class:`TargetTensor` plus the structure code and size."""
        d = super().to_json()
        d.update(structure=self.structure, n=self.n)
        return d


def structured_tensor(structure: str, n: int) -> StructuredTarget:
    """The tensor of a structured ``n x n`` product (see the module docstring for codes).

    Args:
        structure: format code: ``xy`` with ``x, y`` in ``g, u, l, s, k`` (``C = A B``) or
            ``xt`` (``C = X X^T``, upper triangle); ``"aat"`` is an alias of ``"gt"``.
        n: matrix size, ``1 <= n <= 8``.

    Returns:
        :class:`StructuredTarget` with entries in {-1, 0, 1}.

    Raises:
        InvalidInputError: unknown structure code or bad ``n``.

    Examples:
        >>> from engine.structured import structured_tensor
        >>> T = structured_tensor("ss", 2)
        >>> T.shape, T.nnz          # 2x2 symmetric x symmetric: 8 products naively
        ((3, 3, 4), 8)
        >>> structured_tensor("uu", 3).c_names   # the product stays upper triangular
        ('c11', 'c12', 'c13', 'c22', 'c23', 'c33')
    """
    code = parse_structure(structure)
    _check_n(n)
    n = int(n)
    x, y = code
    transposed = y == "t"
    a_coords, a_entry = operand_coordinates(x, n)
    b_coords, b_entry = operand_coordinates(x if transposed else y, n)
    if transposed:
        out = [(i, j) for i in range(n) for j in range(i, n)]
    else:
        out = [(i, k) for i in range(n) for k in range(n)]
    T = np.zeros((len(a_coords), len(b_coords), len(out)), dtype=np.int64)
    for c, (i, k) in enumerate(out):
        for j in range(n):
            ea = a_entry.get((i, j))
            # C = A B: B[j][k]; C = A B^T: B^T[j][k] = B[k][j]
            eb = b_entry.get((k, j) if transposed else (j, k))
            if ea is None or eb is None:
                continue
            T[ea[0], eb[0], c] += ea[1] * eb[1]
    keep = [c for c in range(len(out)) if np.any(T[:, :, c])]
    T = np.ascontiguousarray(T[:, :, keep])
    out = [out[c] for c in keep]
    desc = f"{STRUCTURES[x]} X times its transpose" if transposed else f"{STRUCTURES[x]} x {STRUCTURES[y]}"
    return StructuredTarget(
        T,
        tuple(_name("a", i, j, n) for i, j in a_coords),
        tuple(_name("b", i, j, n) for i, j in b_coords),
        tuple(_name("c", i, j, n) for i, j in out),
        name=f"{code}{n} ({desc}, {n}x{n})",
        format=None,
        structure=code,
        n=n,
        a_coords=tuple(a_coords),
        b_coords=tuple(b_coords),
        c_coords=tuple(out),
    )


def bilinear_target(
    shape: Any,
    entries: Any,
    a_names: Any = (),
    b_names: Any = (),
    c_names: Any = (),
    name: str = "bilinear map",
) -> TargetTensor:
    """Build a target tensor of any bilinear map from its nonzero entries.

    Args:
        shape: ``(I, J, K)``, the numbers of coordinates of ``x``, ``y`` and the output.
        entries: iterable of ``(a, b, c, value)`` with integer ``value`` (0-based indices).
        a_names, b_names, c_names: optional coordinate names (one per coordinate).
        name: description.

    Raises:
        InvalidInputError: non-positive or non-integer dimensions, an index outside the
            shape, a non-integer value, or name lists of the wrong length.

    Examples:
        >>> from engine.structured import bilinear_target
        >>> T = bilinear_target((2, 2, 3), [(0, 0, 0, 1), (0, 1, 1, 1), (1, 0, 1, 1), (1, 1, 2, 1)])
        >>> T.shape, T.nnz
        ((2, 2, 3), 4)
    """
    try:
        dims = tuple(shape)
    except TypeError:
        raise InvalidInputError(f"shape={short_repr(shape)} must be three positive integers (I, J, K)") from None
    if len(dims) != 3 or any(isinstance(d, bool) or not isinstance(d, int | np.integer) or d < 1 for d in dims):
        raise InvalidInputError(f"shape={short_repr(shape)} must be three positive integers (I, J, K)")
    dims = tuple(int(d) for d in dims)
    _check_size(dims, f"shape={dims}")
    names = []
    for nm, given in (("a_names", a_names), ("b_names", b_names), ("c_names", c_names)):
        try:
            if isinstance(given, str | bytes):
                raise TypeError
            names.append(tuple(given))
        except TypeError:
            raise InvalidInputError(f"{nm}={short_repr(given)} must be a sequence of names (one string per coordinate)") from None
    try:
        if isinstance(entries, str | bytes):
            raise TypeError
        entries = list(entries)
    except TypeError:
        raise InvalidInputError(f"entries={short_repr(entries)} must be an iterable of (a, b, c, value)") from None
    T = np.zeros(dims, dtype=np.int64)
    for pos, e in enumerate(entries):
        try:
            a, b, c, val = e
        except (TypeError, ValueError):
            raise InvalidInputError(f"entry {pos} = {short_repr(e)} must be (a, b, c, value)") from None
        for nm, ix, d in (("a", a, dims[0]), ("b", b, dims[1]), ("c", c, dims[2])):
            if isinstance(ix, bool) or not isinstance(ix, int | np.integer) or not 0 <= ix < d:
                raise InvalidInputError(
                    f"entry {pos} = {short_repr(e)}: index {nm}={short_repr(ix)} is outside 0..{d - 1}; the shape is {dims}"
                )
        if isinstance(val, bool) or not isinstance(val, int | np.integer):
            if isinstance(val, float) and val.is_integer():
                val = int(val)
            else:
                raise InvalidInputError(f"entry {pos} = {short_repr(e)}: value {short_repr(val)} is not an integer; target tensors are integer")
        total = int(T[a, b, c]) + int(val)
        if abs(total) > 2**63 - 1:
            raise InvalidInputError(f"entry {pos} = {short_repr(e)}: the entry {total} does not fit in int64; target entries must be smaller")
        T[a, b, c] = total
    return TargetTensor(T, *names, name=name)
