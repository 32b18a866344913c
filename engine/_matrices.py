"""Private helpers of :mod:`engine.linalg`: ring parsing and matrix conversion.

Everything here validates at the public boundary of :mod:`engine.linalg` and turns the
accepted input kinds (nested lists/tuples, numpy integer arrays, sympy matrices, python-flint
matrices, :class:`fractions.Fraction` entries) into python-flint matrices over the requested
ring, raising :class:`~engine.errors.InvalidInputError` for ring mismatches instead of
coercing silently.
"""

from __future__ import annotations

import math
import numbers
import re
from fractions import Fraction
from functools import lru_cache
from typing import Any

import flint

from engine._args import short_repr
from engine.errors import InvalidInputError

__all__ = [
    "WORD_PRIME_LIMIT",
    "parse_ring",
    "ring_name",
    "read_matrix",
    "read_vector_or_matrix",
    "rows_to_fmpz",
    "rows_to_fmpq",
    "rows_to_mod",
    "integerize_rows",
    "mod_ctx",
]

#: Primes below this bound use ``nmod_mat`` (word-size arithmetic); larger ones ``fmpz_mod_mat``.
WORD_PRIME_LIMIT = 2**63

_FLINT_MATS = (flint.fmpz_mat, flint.fmpq_mat, flint.nmod_mat, flint.fmpz_mod_mat)


@lru_cache(maxsize=256)
def _is_prime(p: int) -> bool:
    return bool(flint.fmpz(p).is_prime())


def parse_ring(ring: Any, name: str = "ring") -> str | int:
    """Return ``"Z"``, ``"Q"`` or a verified prime ``p`` (a Python int).

    Strings ``"ZZ"``, ``"QQ"``, ``"F_7"``, ``"F7"``, ``"GF(7)"`` are accepted as spellings.

    Raises:
        InvalidInputError: for anything else, including a composite modulus.
    """
    if isinstance(ring, str):
        key = ring.strip()
        if key in ("Z", "ZZ"):
            return "Z"
        if key in ("Q", "QQ"):
            return "Q"
        m = re.fullmatch(r"(?:F_?|GF\(|Z/)([0-9]+)\)?(?:Z)?", key)
        if m and (key.startswith("GF(") == key.endswith(")")):
            return parse_ring(int(m.group(1)), name)
        raise InvalidInputError(
            f"{name}={short_repr(ring)} is not supported; use 'Z', 'Q' or a prime modulus p (an int)"
        )
    if isinstance(ring, bool) or not isinstance(ring, numbers.Integral):
        raise InvalidInputError(
            f"{name}={short_repr(ring)} is not supported; use 'Z', 'Q' or a prime modulus p (an int)"
        )
    p = int(ring)
    if p < 2 or not _is_prime(p):
        q = max(p, 2)
        while not _is_prime(q):
            q += 1
        raise InvalidInputError(
            f"{name}={p} is not a prime; F_p needs a prime modulus (for instance {q})"
        )
    return p


def ring_name(ring: str | int) -> str:
    return ring if isinstance(ring, str) else f"F_{ring}"


def mod_ctx(p: int) -> Any:
    return _mod_ctx(p)


@lru_cache(maxsize=64)
def _mod_ctx(p: int) -> Any:
    return flint.fmpz_mod_ctx(p)


# --------------------------------------------------------------------------------------------
# entries
# --------------------------------------------------------------------------------------------


def _entry(x: Any, name: str, i: int, j: int | None) -> int | Fraction:
    """Convert one entry to ``int`` or ``Fraction``; reject floats and non-numbers."""
    t = type(x)
    if t is int:
        return x
    if t is Fraction:
        return x if x.denominator != 1 else x.numerator
    where = f"{name}[{i}]" if j is None else f"{name}[{i}][{j}]"
    if isinstance(x, bool):
        raise InvalidInputError(
            f"{where}={short_repr(x)} is a boolean; give integers (0/1) explicitly"
        )
    if isinstance(x, (float, complex)) or t.__name__ in ("float16", "float32", "float64",
                                                          "longdouble", "Float", "mpf", "arb"):
        raise InvalidInputError(
            f"{where}={short_repr(x)} is a floating-point number; exact linear algebra needs integers "
            f"or fractions.Fraction (for example Fraction('{x}') if the decimal is exact)"
        )
    if isinstance(x, numbers.Integral):  # numpy integer scalars, sympy Integer, ...
        return int(x)
    if isinstance(x, flint.fmpz):
        return int(x)
    if isinstance(x, flint.fmpq):
        num, den = int(x.p), int(x.q)
        return num if den == 1 else Fraction(num, den)
    if isinstance(x, numbers.Rational):  # sympy Rational and other exact rationals
        num, den = int(x.numerator), int(x.denominator)
        return num if den == 1 else Fraction(num, den)
    if isinstance(x, (flint.nmod, flint.fmpz_mod)):
        raise InvalidInputError(
            f"{where}={short_repr(x)} is a residue class; pass the whole matrix as nmod_mat/fmpz_mod_mat "
            f"with ring=<its modulus>, or give plain integers"
        )
    raise InvalidInputError(
        f"{where}={short_repr(x)} (type {t.__name__}) is not an exact number; entries must be integers "
        f"or fractions.Fraction"
    )


def _numpy_rows(A: Any, name: str) -> list[list[Any]]:
    kind = A.dtype.kind
    if A.ndim != 2:
        raise InvalidInputError(
            f"{name} has shape {A.shape}; a matrix must be 2-dimensional"
        )
    if kind in "iu":
        return A.tolist()
    if kind == "b":
        raise InvalidInputError(f"{name} has boolean dtype; convert it to an integer dtype")
    if kind in "fc":
        # name the first entry (every one is a float)
        idx = (0, 0) if A.size else None
        if idx is None:
            raise InvalidInputError(f"{name} has float dtype; use an integer dtype")
        raise InvalidInputError(
            f"{name}[0][0]={short_repr(A[0, 0])} is a floating-point number ({name} has dtype "
            f"{A.dtype}); exact linear algebra needs an integer dtype, Fractions or ints"
        )
    if kind == "O":
        return A.tolist()
    raise InvalidInputError(f"{name} has dtype {A.dtype}; use an integer dtype")


def read_matrix(A: Any, name: str = "A") -> tuple[list[list[int | Fraction]], int | None]:
    """Read a matrix into rows of ``int``/``Fraction`` entries.

    Returns:
        ``(rows, modulus)`` where ``modulus`` is the modulus of an ``nmod_mat`` /
        ``fmpz_mod_mat`` input and ``None`` otherwise.

    Raises:
        InvalidInputError: non-rectangular, empty, non-numeric or floating-point input.
    """
    modulus = None
    if isinstance(A, flint.fmpz_mat):
        rows: list[list[Any]] = [[int(x) for x in r] for r in A.table()]
        if A.nrows() == 0 or A.ncols() == 0:
            _empty(name, A.nrows(), A.ncols())
        return rows, None
    if isinstance(A, flint.fmpq_mat):
        if A.nrows() == 0 or A.ncols() == 0:
            _empty(name, A.nrows(), A.ncols())
        return [[_entry(x, name, i, j) for j, x in enumerate(r)]
                for i, r in enumerate(A.table())], None
    if isinstance(A, flint.nmod_mat):
        modulus = int(A.modulus())
        if A.nrows() == 0 or A.ncols() == 0:
            _empty(name, A.nrows(), A.ncols())
        return [[int(x) for x in r] for r in A.table()], modulus
    if isinstance(A, flint.fmpz_mod_mat):
        modulus = int(A.modulus())
        if A.nrows() == 0 or A.ncols() == 0:
            _empty(name, A.nrows(), A.ncols())
        return [[int(x) for x in r] for r in A.table()], modulus
    mod = type(A).__module__ or ""
    if mod.startswith("numpy"):
        raw = _numpy_rows(A, name)
    elif mod.startswith("sympy"):
        if not hasattr(A, "tolist"):
            raise InvalidInputError(f"{name} of type {type(A).__name__} is not a matrix")
        raw = A.tolist()
    elif isinstance(A, (list, tuple)):
        raw = list(A)
    else:
        raise InvalidInputError(
            f"{name} of type {type(A).__name__} is not a matrix; give a list of rows, a numpy "
            f"integer array, a sympy Matrix or a python-flint matrix"
        )
    if len(raw) == 0:
        raise InvalidInputError(f"{name} is empty; a matrix needs at least one row and column")
    rows = []
    ncols = None
    for i, r in enumerate(raw):
        if type(r).__module__.startswith("numpy") and hasattr(r, "tolist"):
            r = r.tolist()
        if not isinstance(r, (list, tuple)):
            raise InvalidInputError(
                f"{name}[{i}]={short_repr(r)} is not a row; give a list of rows (lists of numbers)"
            )
        if ncols is None:
            ncols = len(r)
            if ncols == 0:
                raise InvalidInputError(
                    f"{name} has empty rows; a matrix needs at least one column"
                )
        elif len(r) != ncols:
            raise InvalidInputError(
                f"{name} is not rectangular: row 0 has {ncols} entries but row {i} has {len(r)}"
            )
        if all(type(x) is int for x in r):
            rows.append(r if isinstance(r, list) else list(r))
        elif all(type(x) is int or type(x) is Fraction for x in r):
            rows.append([x.numerator if type(x) is Fraction and x.denominator == 1 else x
                         for x in r])
        else:
            rows.append([_entry(x, name, i, j) for j, x in enumerate(r)])
    return rows, modulus


def _empty(name: str, m: int, n: int) -> None:
    raise InvalidInputError(
        f"{name} is empty ({m}x{n}); a matrix needs at least one row and column"
    )


def read_vector_or_matrix(
    b: Any, name: str = "b"
) -> tuple[list[list[int | Fraction]], int | None, bool]:
    """Read a right-hand side: a vector (1-D) or a matrix (2-D).

    Returns:
        ``(rows, modulus, is_vector)``; a vector becomes a one-column matrix.
    """
    if isinstance(b, _FLINT_MATS):
        rows, modulus = read_matrix(b, name)
        return rows, modulus, False
    mod = type(b).__module__ or ""
    if mod.startswith("numpy") and getattr(b, "ndim", None) == 1:
        import numpy as np

        rows, modulus = read_matrix(np.asarray(b).reshape(-1, 1), name)
        return rows, modulus, True
    if mod.startswith("numpy") or mod.startswith("sympy"):
        rows, modulus = read_matrix(b, name)
        return rows, modulus, False
    if isinstance(b, (list, tuple)):
        if len(b) == 0:
            raise InvalidInputError(f"{name} is empty; give one entry per row of A")
        if all(not isinstance(x, (list, tuple)) and not hasattr(x, "tolist") for x in b):
            return [[_entry(x, name, i, None)] for i, x in enumerate(b)], None, True
        rows, modulus = read_matrix(b, name)
        return rows, modulus, False
    raise InvalidInputError(
        f"{name} of type {type(b).__name__} is not a vector or matrix; give a list of numbers"
    )


# --------------------------------------------------------------------------------------------
# conversion to flint matrices
# --------------------------------------------------------------------------------------------


def has_fractions(rows: list[list[Any]]) -> bool:
    return any(type(x) is not int for r in rows for x in r)


def check_integral(rows: list[list[Any]], name: str, ring: str | int) -> None:
    for i, r in enumerate(rows):
        for j, x in enumerate(r):
            if type(x) is not int:
                raise InvalidInputError(
                    f"{name}[{i}][{j}]={x} is not an integer, but ring={short_repr(ring)} needs integer "
                    f"entries; use ring='Q' to work over the rationals"
                )


def rows_to_fmpz(rows: list[list[Any]]) -> flint.fmpz_mat:
    return flint.fmpz_mat(rows)


def rows_to_fmpq(rows: list[list[Any]]) -> flint.fmpq_mat:
    if not has_fractions(rows):
        return flint.fmpq_mat(flint.fmpz_mat(rows))
    m, n = len(rows), len(rows[0])
    return flint.fmpq_mat(
        m, n, [flint.fmpq(x.numerator, x.denominator) if type(x) is Fraction else x
               for r in rows for x in r]
    )


def integerize_rows(rows: list[list[Any]]) -> list[list[int]]:
    """Scale each row by the lcm of its denominators (keeps the row space and nullspace)."""
    out = []
    for r in rows:
        if all(type(x) is int for x in r):
            out.append(r)
            continue
        lcm = math.lcm(*[x.denominator for x in r if type(x) is not int])
        out.append([x * lcm if type(x) is int else x.numerator * (lcm // x.denominator)
                    for x in r])
    return out


def reduce_entry_mod(x: int | Fraction, p: int, name: str, i: int, j: int) -> int:
    if type(x) is int:
        return x % p
    den = x.denominator % p
    if den == 0:
        raise InvalidInputError(
            f"{name}[{i}][{j}]={x} has a denominator divisible by p={p} (a zero divisor in F_p); "
            f"it has no image mod {p}: choose another prime or clear denominators"
        )
    return x.numerator * pow(den, -1, p) % p


def reduce_rows_mod(rows: list[list[Any]], p: int, name: str) -> list[list[int]]:
    """Map rows of ints/Fractions to residues in [0, p) (zero divisors raise)."""
    return [[reduce_entry_mod(x, p, name, i, j) for j, x in enumerate(r)]
            for i, r in enumerate(rows)]


def rows_to_mod(rows: list[list[Any]], p: int, name: str = "A") -> Any:
    """``nmod_mat`` for word-size primes, ``fmpz_mod_mat`` for larger ones."""
    if has_fractions(rows):
        rows = [[reduce_entry_mod(x, p, name, i, j) for j, x in enumerate(r)]
                for i, r in enumerate(rows)]
        if p < WORD_PRIME_LIMIT:
            return flint.nmod_mat(rows, p)
        return flint.fmpz_mod_mat(rows, mod_ctx(p))
    if p < WORD_PRIME_LIMIT:
        return flint.nmod_mat(flint.fmpz_mat(rows), p)
    return flint.fmpz_mod_mat(flint.fmpz_mat(rows), mod_ctx(p))


def check_modulus(modulus: int | None, ring: str | int, name: str) -> None:
    """An ``nmod_mat``/``fmpz_mod_mat`` input only works over its own field."""
    if modulus is None:
        return
    if isinstance(ring, str):
        raise InvalidInputError(
            f"{name} is a matrix mod {modulus} but ring={short_repr(ring)}; a residue matrix cannot be "
            f"lifted to {ring} silently: pass ring={modulus} or integer entries"
        )
    if ring != modulus:
        raise InvalidInputError(
            f"{name} is a matrix mod {modulus} but ring={ring}; the moduli differ: pass "
            f"ring={modulus} or integer entries"
        )
