"""Alternating (skew-symmetric) matrices over Z, Q, F_p, F4, F8, F9 and polynomial rings.

A square matrix ``A`` is *alternating* when its diagonal is zero and ``A^T = -A``. Over a
field of characteristic 2 this means: zero diagonal and symmetric (``-1 = 1``). Every
alternating matrix has even rank, and for even ``n`` its determinant is the square of the
*Pfaffian* ``Pf(A)``, the polynomial in the entries with ``Pf(J_2) = 1`` for the standard
block ``J_2 = [[0, 1], [-1, 0]]``::

    Pf(A) = sum over perfect matchings M of {1..n} of sgn(M) * prod_{(i<j) in M} a_ij .

The *Pfaffian minor* ``Pf_I(A)`` for an ordered index list ``I`` is the Pfaffian of the
principal submatrix ``A[I, I]``; an alternating matrix has rank ``<= r`` iff all its
principal Pfaffian minors of order ``r + 2`` vanish (and its rank is the largest order of a
nonzero principal Pfaffian minor).

This module offers

- :class:`AlternatingMatrix`: a validated alternating matrix over ``"Z"``, ``"Q"``, a prime
  ``p``, ``q`` in 4, 8, 9 (elements ``0..q-1``, the base-``p`` digits of a polynomial in the
  generator modulo a Conway polynomial: :mod:`engine.alternating_fields`) or ``"poly"`` (entries in a polynomial ring: python-flint ``fmpz_mpoly``/``fmpq_mpoly``
  or any commutative ring objects), with :meth:`~AlternatingMatrix.rank`,
  :meth:`~AlternatingMatrix.pfaffian`, :meth:`~AlternatingMatrix.pfaffian_minor`,
  :meth:`~AlternatingMatrix.minor` and :meth:`~AlternatingMatrix.darboux_basis`;
- functions :func:`pfaffian`, :func:`alternating_rank`, :func:`pfaffian_division_free`,
  :func:`darboux_basis`, :func:`check_alternating`, :func:`random_alternating`.

Algorithms:

- Pfaffian over a field: skew Gaussian elimination by 2x2 pivot blocks, ``O(n^3)`` field
  operations (``Pf([[P, Q], [-Q^T, R]]) = Pf(P) * Pf(R + Q^T P^{-1} Q)``), see
  J. R. Bunch, "A note on the stable decomposition of skew-symmetric matrices", Math. Comp.
  38 (1982) 475-479. Over Z and Q the default is the exact determinant (python-flint,
  multimodular) and ``|Pf| = sqrt(det)`` with the sign fixed by the Pfaffian modulo a prime.
- Pfaffian over a commutative ring without division: the alternating clow-sequence dynamic
  programme of M. Mahajan, P. R. Subramanya, V. Vinay, "The combinatorial approach yields an
  NC algorithm for computing Pfaffians", Discrete Appl. Math. 143 (2004) 1-16 (``O(n^4)`` ring
  operations, only ``+``, ``-``, ``*``).
- Rank: python-flint ``fmpq_mat`` / ``nmod_mat`` / ``fmpz_mod_mat`` (exact).
- Darboux (symplectic) basis: symplectic Gram-Schmidt, e.g. E. Artin, *Geometric Algebra*
  (1957), Ch. III, Thm 3.7.

Examples:
    >>> from engine.alternating import AlternatingMatrix
    >>> A = AlternatingMatrix([[0, 1, 2, 3], [-1, 0, 4, 5], [-2, -4, 0, 6], [-3, -5, -6, 0]])
    >>> A.pfaffian()          # a12 a34 - a13 a24 + a14 a23 = 6 - 10 + 12
    8
    >>> A.rank(), A.rank(ring=2)
    (4, 2)
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from fractions import Fraction
from functools import lru_cache
from math import isqrt
from typing import Any

import flint
import numpy as np

from engine._args import check_flag, check_int, check_seed, short_repr
from engine.alternating_fields import MODULI, small_field
from engine.errors import InvalidInputError, VerificationError

__all__ = [
    "AlternatingMatrix",
    "check_alternating",
    "alternating_rank",
    "pfaffian",
    "pfaffian_division_free",
    "pfaffian_minor",
    "darboux_basis",
    "random_alternating",
    "parse_field",
]

#: Primes below this bound use word-size ``nmod_mat`` arithmetic; larger primes ``fmpz_mod_mat``.
_WORD_PRIME = 2**63
#: Largest size :func:`random_alternating` draws (an n x n list of Python ints).
MAX_RANDOM_SIZE = 4096
#: Primes below this bound use the numpy int64 elimination (products fit in 63 bits).
_NUMPY_PRIME = 2**31


@lru_cache(maxsize=256)
def _is_prime(p: int) -> bool:
    return p >= 2 and bool(flint.fmpz(p).is_prime())


def _is_fq(ring: Any) -> bool:
    """``ring`` is F4, F8 or F9 (a field size that is a prime power but not a prime)."""
    return type(ring) is int and ring in MODULI


def parse_field(field: Any, name: str = "field", allow_z: bool = False) -> str | int:
    """Normalise a field argument: ``"Q"`` (also ``"QQ"``), a prime ``p``, or ``q`` in 4, 8, 9.

    Over ``F_q`` with ``q`` in ``(4, 8, 9)`` the elements are the integers ``0..q-1`` (the
    base-``p`` digits of a polynomial in the generator ``g``; moduli ``g^2 + g + 1``,
    ``g^3 + g + 1``, ``g^2 + 2g + 2``: see :mod:`engine.alternating_fields`).

    Args:
        field: ``"Q"``, a prime int, 4, 8, 9, or a string such as ``"F3"``, ``"GF(9)"``, ``"7"``.
        name: argument name used in error messages.
        allow_z: also accept ``"Z"`` (the integers).

    Returns:
        ``"Q"``, ``"Z"`` or the prime as a Python int.

    Raises:
        InvalidInputError: for anything else (composite moduli, ``"R"``, floats...).

    Examples:
        >>> from engine.alternating import parse_field
        >>> parse_field("F3"), parse_field("Q"), parse_field(5), parse_field("GF(9)")
        (3, 'Q', 5, 9)
    """
    allow_z = check_flag(allow_z, "allow_z")
    if isinstance(field, str):
        key = field.strip().upper().replace(" ", "")
        if key in ("Q", "QQ"):
            return "Q"
        if allow_z and key in ("Z", "ZZ"):
            return "Z"
        if key.startswith("GF(") and key.endswith(")"):
            key = key[3:-1]
        else:
            for prefix in ("F_", "F", "GF"):
                if key.startswith(prefix):
                    key = key[len(prefix):]
                    break
        if key.isascii() and key.isdigit():
            return parse_field(int(key), name, allow_z)
        raise InvalidInputError(
            f"{name}={short_repr(field)} is not supported; use 'Q', a prime p or q = 4, 8, 9 (an int, or 'F3', 'GF(9)')"
        )
    if isinstance(field, bool) or not isinstance(field, numbers.Integral):
        raise InvalidInputError(
            f"{name}={short_repr(field)} is not supported; use 'Q', a prime p or q = 4, 8, 9 (an int, or 'F3', 'GF(9)')"
        )
    p = int(field)
    if p in MODULI:
        return p
    if not _is_prime(p):
        base = next((b for b in range(2, 64) if _is_prime(b) and p > 1 and _is_power_of(p, b)), None)
        if base is not None:
            raise InvalidInputError(
                f"{name}={p} = {base}^k is a prime power above 9; finite fields F_q are supported for "
                "q prime or q in (4, 8, 9)")
        raise InvalidInputError(
            f"{name}={p} is not a prime power; finite fields need q prime or q in (4, 8, 9)"
        )
    return p


def _is_power_of(x: int, b: int) -> bool:
    while x % b == 0:
        x //= b
    return x == 1


def _to_fraction(x: Any, where: str) -> Fraction:
    if isinstance(x, bool):
        raise InvalidInputError(f"entry {where} is a bool ({short_repr(x)}); use integers or fractions")
    if isinstance(x, numbers.Integral):
        return Fraction(int(x))
    if isinstance(x, Fraction):
        return x
    if isinstance(x, flint.fmpz):
        return Fraction(int(x))
    if isinstance(x, flint.fmpq):
        return Fraction(int(x.p), int(x.q))
    if isinstance(x, numbers.Rational):
        return Fraction(int(x.numerator), int(x.denominator))
    if isinstance(x, str):
        try:
            return Fraction(x.strip())
        except (ValueError, ZeroDivisionError):
            pass
    if isinstance(x, np.integer):
        return Fraction(int(x))
    raise InvalidInputError(
        f"entry {where} = {short_repr(x)} is not an exact number; use ints, Fractions or strings like '3/4'"
    )


def _rows_of(matrix: Any) -> list[list[Any]]:
    if isinstance(matrix, AlternatingMatrix):
        return [list(r) for r in matrix.entries]
    if isinstance(matrix, (flint.fmpz_mat, flint.fmpq_mat, flint.nmod_mat)):
        return [list(r) for r in matrix.tolist()]
    if isinstance(matrix, np.ndarray):
        if matrix.ndim != 2:
            raise InvalidInputError(f"matrix has shape {matrix.shape}; give a square 2-D array")
        if matrix.dtype.kind == "f":
            raise InvalidInputError("matrix has float entries; give exact integers or fractions")
        return [list(r) for r in matrix.tolist()]
    if isinstance(matrix, (str, bytes)) or not isinstance(matrix, Sequence):
        raise InvalidInputError(
            f"matrix={short_repr(matrix, 60)} is not a square matrix; give a list of rows (lists of numbers)"
        )
    rows = []
    for i, row in enumerate(matrix):
        if isinstance(row, np.ndarray):
            row = row.tolist()
        if isinstance(row, (str, bytes)) or not isinstance(row, Sequence):
            raise InvalidInputError(f"row {i} of the matrix is {short_repr(row, 40)}; each row must be a list")
        rows.append(list(row))
    return rows


def _normalise(matrix: Any, ring: str | int) -> list[list[Any]]:
    rows = _rows_of(matrix)
    n = len(rows)
    for i, row in enumerate(rows):
        if len(row) != n:
            raise InvalidInputError(
                f"matrix is not square: row {i} has {len(row)} entries, expected {n}"
            )
    if ring == "poly":
        return rows
    if _is_fq(ring):
        F = small_field(ring)
        return [[F.element(x.item() if isinstance(x, np.integer) else x, f"entry ({i}, {j})")
                 for j, x in enumerate(row)] for i, row in enumerate(rows)]
    if all(type(x) is int for row in rows for x in row):  # fast path: plain Python ints
        if isinstance(ring, int):
            return [[x % ring for x in row] for row in rows]
        return [list(row) for row in rows]  # ints are exact rationals as well
    out: list[list[Any]] = []
    for i, row in enumerate(rows):
        new = []
        for j, x in enumerate(row):
            f = _to_fraction(x, f"({i}, {j})")
            if ring == "Z":
                if f.denominator != 1:
                    raise InvalidInputError(
                        f"entry ({i}, {j}) = {f} is not an integer but ring='Z'; use ring='Q'"
                    )
                new.append(int(f))
            elif ring == "Q":
                new.append(f)
            else:
                p = int(ring)
                if f.denominator % p == 0:
                    raise InvalidInputError(
                        f"entry ({i}, {j}) = {f} has a denominator divisible by p={p}"
                    )
                new.append(f.numerator * pow(f.denominator, -1, p) % p)
        out.append(new)
    return out


def _is_zero(x: Any) -> bool:
    if hasattr(x, "is_zero") and callable(x.is_zero):
        return bool(x.is_zero())
    return x == 0


def check_alternating(matrix: Any, ring: Any = "Q") -> list[list[Any]]:
    """Validate that ``matrix`` is alternating over ``ring`` and return its normalised rows.

    Over ``F_p`` the entries are reduced into ``[0, p)``; over F2 this means zero diagonal
    and symmetric.

    Args:
        matrix: a square matrix (list of rows, numpy integer array, python-flint matrix).
        ring: ``"Z"``, ``"Q"``, a prime ``p`` or ``"poly"``.

    Returns:
        The rows as lists (ints, Fractions, ints mod p, or the given ring elements).

    Raises:
        InvalidInputError: not square, inexact entries, or an entry that breaks the
            alternating property (the message names the entry).

    Examples:
        >>> from engine.alternating import check_alternating
        >>> check_alternating([[0, 1], [1, 0]], ring=2)
        [[0, 1], [1, 0]]
        >>> check_alternating([[0, 1], [1, 0]], ring="Q")
        Traceback (most recent call last):
        ...
        engine.errors.InvalidInputError: matrix is not alternating over Q: entry (1, 0) = 1 but -entry (0, 1) = -1; an alternating matrix has A[j][i] = -A[i][j]
    """
    ring = _parse_ring(ring)
    fast = _fast_int_check(matrix, ring)
    if fast is not None:
        return fast
    rows = _normalise(matrix, ring)
    n = len(rows)
    name = {"Z": "Z", "Q": "Q", "poly": "the polynomial ring"}.get(ring, f"F_{ring}")  # type: ignore[arg-type]
    if _is_fq(ring):
        neg = small_field(ring).neg
        for i in range(n):
            if rows[i][i]:
                raise InvalidInputError(
                    f"matrix is not alternating over F{ring}: diagonal entry ({i}, {i}) = {rows[i][i]} must be 0")
            for j in range(i + 1, n):
                if rows[j][i] != neg[rows[i][j]]:
                    raise InvalidInputError(
                        f"matrix is not alternating over F{ring}: entry ({j}, {i}) = {rows[j][i]} but "
                        f"-entry ({i}, {j}) = {int(neg[rows[i][j]])} in F{ring}; an alternating matrix has "
                        "A[j][i] = -A[i][j]")
        return rows
    for i in range(n):
        if not _is_zero(rows[i][i]):
            raise InvalidInputError(
                f"matrix is not alternating over {name}: diagonal entry ({i}, {i}) = {rows[i][i]} "
                "must be 0"
            )
        for j in range(i + 1, n):
            a, b = rows[i][j], rows[j][i]
            if isinstance(ring, int):
                ok = (a + b) % ring == 0
            else:
                ok = _is_zero(a + b)
            if not ok:
                neg = (-a) % ring if isinstance(ring, int) else -a
                raise InvalidInputError(
                    f"matrix is not alternating over {name}: entry ({j}, {i}) = {b} but "
                    f"-entry ({i}, {j}) = {neg}; an alternating matrix has A[j][i] = -A[i][j]"
                )
    return rows


def _fast_int_check(matrix: Any, ring: str | int) -> list[list[int]] | None:
    """Vectorised validation for machine-size integer input (None: use the generic path).

    Returns the normalised rows when the matrix is alternating; when it is not, returns None
    so that the generic path produces the detailed error message.
    """
    if ring == "poly" or _is_fq(ring) or not (ring in ("Z", "Q") or int(ring) < _WORD_PRIME):
        return None
    try:
        if isinstance(matrix, np.ndarray):
            if matrix.dtype.kind not in "iu":
                return None
            arr = matrix.astype(np.int64, copy=False)
        elif isinstance(matrix, list) and matrix and isinstance(matrix[0], list):
            arr = np.array(matrix)  # int64 only when every entry is a machine-size int
            if arr.dtype.kind not in "iu" or arr.dtype == np.uint64:
                return None
            arr = arr.astype(np.int64, copy=False)
        else:
            return None
    except (OverflowError, ValueError, TypeError):
        return None
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or arr.size == 0:
        return None
    if isinstance(ring, int):
        p = np.uint64(ring)
        u = (arr % ring).astype(np.uint64) if ring < 2**62 else np.mod(arr, ring).astype(np.uint64)
        ok = not u.diagonal().any() and bool(((u + u.T) % p == 0).all())
        return u.tolist() if ok else None
    ok = not arr.diagonal().any() and bool((arr == -arr.T).all())
    return arr.tolist() if ok else None


def _parse_ring(ring: Any) -> str | int:
    if isinstance(ring, str) and ring.strip().lower() in ("poly", "polynomial"):
        return "poly"
    return parse_field(ring, "ring", allow_z=True)


# ---------------------------------------------------------------------------------------
# rank
# ---------------------------------------------------------------------------------------


def _flint_mod_mat(rows: list[list[int]], p: int):
    if p < _WORD_PRIME:
        # fmpz_mat then a C-level reduction is ~1.5x faster than nmod_mat(rows) for big n
        # (python-flint 0.9: 0.49 s vs 0.72 s at 1000 x 1000 with 60-bit entries)
        return flint.nmod_mat(flint.fmpz_mat(rows), p)
    ctx = flint.fmpz_mod_ctx(p)
    return flint.fmpz_mod_mat(rows, ctx)


def _rank_rows(rows: list[list[Any]], ring: str | int) -> int:
    n = len(rows)
    if n == 0:
        return 0
    if ring == "Z" or ring == "Q":
        if all(isinstance(x, int) or x.denominator == 1 for row in rows for x in row):
            return int(flint.fmpz_mat([[int(x) for x in row] for row in rows]).rank())
        return int(flint.fmpq_mat([[flint.fmpq(x.numerator, x.denominator) for x in row] for row in rows]).rank())
    if _is_fq(ring):
        return small_field(ring).rank(rows)
    if isinstance(ring, int):
        return int(_flint_mod_mat(rows, ring).rank())
    raise InvalidInputError(
        "rank over a polynomial ring is the rank over its fraction field; use "
        "solvers.constant_rank.AffineAlternatingSpace for families of matrices"
    )


def alternating_rank(matrix: Any, ring: Any = "Q", *, check: bool = True) -> int:
    """Exact rank of an alternating matrix over Q (also for ``ring="Z"``) or F_p.

    Args:
        matrix: a square alternating matrix.
        ring: ``"Z"``, ``"Q"``, a prime ``p`` (integer entries are reduced mod ``p``), or
            ``q`` in 4, 8, 9 (F4, F8, F9: entries are the codes ``0..q-1``).
        check: validate the alternating property first (set ``False`` only for trusted input).

    Returns:
        The rank (always even).

    Raises:
        InvalidInputError: for a non-alternating matrix or an unsupported ring.

    Examples:
        >>> from engine.alternating import alternating_rank
        >>> alternating_rank([[0, 2], [-2, 0]]), alternating_rank([[0, 2], [-2, 0]], ring=2)
        (2, 0)
    """
    check = check_flag(check, "check")
    ring = _parse_ring(ring)
    rows = check_alternating(matrix, ring) if check else _normalise(matrix, ring)
    return _rank_rows(rows, ring)


# ---------------------------------------------------------------------------------------
# Pfaffian over a field: skew elimination with 2x2 pivots
# ---------------------------------------------------------------------------------------


def _pf_elim_mod_numpy(a: np.ndarray, p: int) -> int:
    """Pfaffian mod p < 2^31 by skew elimination on an int64 array (destroyed)."""
    n = a.shape[0]
    if n % 2:
        return 0
    pf = 1
    k = 0
    while k < n:
        row = a[k, k + 1 :]
        nz = np.nonzero(row)[0]
        if nz.size == 0:
            return 0
        j = k + 1 + int(nz[0])
        if j != k + 1:
            a[[k + 1, j], :] = a[[j, k + 1], :]
            a[:, [k + 1, j]] = a[:, [j, k + 1]]
            pf = -pf
        piv = int(a[k, k + 1])
        pf = pf * piv % p
        if k + 2 < n:
            inv = pow(piv, -1, p)
            q0 = a[k, k + 2 :] % p  # row k of the off-diagonal block Q
            q1 = a[k + 1, k + 2 :] % p
            q1s = q1 * inv % p
            upd = (np.outer(q1s, q0) - np.outer(q0, q1s)) % p
            # R' = R + Q^T P^{-1} Q with P = [[0, piv], [-piv, 0]]
            a[k + 2 :, k + 2 :] = (a[k + 2 :, k + 2 :] + upd) % p
        k += 2
    return pf % p


def _pf_elim_generic(rows: list[list[Any]], p: int | None) -> Any:
    """Pfaffian by skew elimination over Q (Fractions) or F_p (Python ints, any p)."""
    a = [list(r) for r in rows]
    n = len(a)
    if n % 2:
        return 0
    pf: Any = 1
    for k in range(0, n, 2):
        j = next((c for c in range(k + 1, n) if (a[k][c] % p if p else a[k][c]) != 0), None)
        if j is None:
            return 0
        if j != k + 1:
            a[k + 1], a[j] = a[j], a[k + 1]
            for r in a:
                r[k + 1], r[j] = r[j], r[k + 1]
            pf = -pf
        piv = a[k][k + 1]
        pf = pf * piv
        inv = pow(piv, -1, p) if p else 1 / Fraction(piv)
        q0 = a[k][k + 2 :]
        q1 = [x * inv for x in a[k + 1][k + 2 :]]
        m = len(q0)
        for u in range(m):
            ru = a[k + 2 + u]
            for v in range(u + 1, m):
                val = ru[k + 2 + v] + (q1[u] * q0[v] - q0[u] * q1[v])
                if p:
                    val %= p
                ru[k + 2 + v] = val
                a[k + 2 + v][k + 2 + u] = -val if not p else (-val) % p
        if p:
            pf %= p
    return pf % p if p else pf


#: primes below 2^31 for the sign of sqrt(det) (numpy elimination; tried until one does not divide Pf)
_SIGN_PRIMES = [2147483647, 2147483629, 2147483587, 2147483579, 2147483563, 2147483549]


def _pf_integer(rows: list[list[int]]) -> int:
    """Exact Pfaffian of an integer alternating matrix: sqrt(det) with the sign mod a prime."""
    n = len(rows)
    if n == 0:
        return 1
    if n % 2:
        return 0
    det = int(flint.fmpz_mat(rows).det())
    if det == 0:
        return 0
    mag = isqrt(det)
    if mag * mag != det:  # pragma: no cover - impossible for alternating matrices
        raise VerificationError(f"det={det} of an alternating matrix is not a square")
    for p in _SIGN_PRIMES:
        m = mag % p
        if m == 0:
            continue
        pf_p = _pf_elim_mod_numpy(np.array([[x % p for x in r] for r in rows], dtype=np.int64), p)
        if pf_p == m:
            return mag
        if pf_p == (-m) % p:
            return -mag
        raise VerificationError("Pfaffian sign check failed: Pf mod p is not +-sqrt(det)")  # pragma: no cover
    return _pf_elim_generic([[Fraction(x) for x in r] for r in rows], None)  # pragma: no cover


def _pf_field(rows: list[list[Any]], ring: str | int, method: str) -> Any:
    n = len(rows)
    if n == 0:
        return 1
    if n % 2:
        return 0
    if isinstance(ring, int):
        if ring < _NUMPY_PRIME and method != "elimination_python":
            return _pf_elim_mod_numpy(np.array(rows, dtype=np.int64), ring)
        return _pf_elim_generic(rows, ring)
    if method in ("elimination", "elimination_python"):
        return _pf_elim_generic([[Fraction(x) for x in r] for r in rows], None)
    # "det": clear denominators, Pf(L*A) = L^(n/2) Pf(A)
    den = 1
    for r in rows:
        for x in r:
            d = x.denominator if isinstance(x, Fraction) else 1
            den = den * d // _gcd(den, d)
    ints = [[int(x * den) for x in r] for r in rows]
    val = _pf_integer(ints)
    res = Fraction(val, den ** (n // 2))
    if ring == "Z":
        return int(res)
    return res if res.denominator != 1 else int(res)


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a


# ---------------------------------------------------------------------------------------
# Division-free Pfaffian (Mahajan-Subramanya-Vinay alternating clow sequences)
# ---------------------------------------------------------------------------------------


def _not_ring_element(x: Any) -> bool:
    return x is None or isinstance(x, str | bytes | bool | np.bool_) or (
        isinstance(x, np.ndarray) and x.ndim > 0)


def _ring_rows(rows: Any, zero: Any, one: Any) -> list[list[Any]]:
    """Check the shape of ``rows`` and that its entries, ``zero`` and ``one`` are ring elements."""
    for nm, x in (("zero", zero), ("one", one)):
        if _not_ring_element(x):
            raise InvalidInputError(f"{nm}={short_repr(x)} is not a ring element; give e.g. 0 and 1 "
                                    "or ctx.constant(0) and ctx.constant(1)")
    out = _rows_of(rows)
    n = len(out)
    for i, row in enumerate(out):
        if len(row) != n:
            raise InvalidInputError(f"rows is not square: row {i} has {len(row)} entries, expected {n}")
        for j, x in enumerate(row):
            if _not_ring_element(x):
                raise InvalidInputError(
                    f"rows[{i}][{j}]={short_repr(x)} is not a ring element; entries must be numbers "
                    "or polynomials")
    try:
        _ = one * one + zero - zero
    except TypeError as exc:
        raise InvalidInputError(
            f"zero={short_repr(zero)} and one={short_repr(one)} do not support + and *: {exc}") from None
    return out


def pfaffian_division_free(rows: Sequence[Sequence[Any]], zero: Any = 0, one: Any = 1) -> Any:
    """Pfaffian over any commutative ring using only ``+``, ``-`` and ``*``.

    Alternating clow sequences (Mahajan, Subramanya, Vinay 2004): a clow with head ``h``
    (``h`` even, 0-based) is a closed walk that leaves ``h`` by a weighted edge ``a_{v,u}``
    (``u > h``) and then jumps along the fixed matching ``u -> u xor 1``, until it jumps back
    to ``h`` from ``h + 1``; clow sequences have increasing heads and ``n/2`` weighted edges
    in total; their signed weights sum to ``Pf(A)`` (non-matching terms cancel in pairs).
    ``O(n^4)`` ring operations, no division, so it works for polynomial entries.

    Args:
        rows: the alternating matrix (not validated here; see :class:`AlternatingMatrix`).
        zero: the ring's zero (for empty sums), e.g. ``ctx.constant(0)``.
        one: the ring's one.

    Returns:
        ``Pf(A)`` as a ring element (``one`` for the empty matrix, ``zero`` for odd ``n``).

    Examples:
        >>> from engine.alternating import pfaffian_division_free
        >>> pfaffian_division_free([[0, 1, 2, 3], [-1, 0, 4, 5], [-2, -4, 0, 6], [-3, -5, -6, 0]])
        8

    Raises:
        InvalidInputError: ``rows`` is not a square list of rows, or an entry, ``zero`` or
            ``one`` is not a ring element (None, a string, a bool).
    """
    rows = _ring_rows(rows, zero, one)
    n = len(rows)
    if n == 0:
        return one
    if n % 2:
        return zero
    half = n // 2
    # f[h][v]: signed weight of partial sequences whose current clow has head h and sits at
    # vertex v, ready to take a weighted edge (after m weighted edges in total: layer index).
    # Start: an "empty" prefix may open a clow at any even head h with sign (-1) per clow.
    cur: dict[tuple[int, int], Any] = {}
    for h in range(0, n, 2):
        cur[(h, h)] = one  # opening the first clow; sign handled when the clow closes
    total = zero
    for m in range(half):
        nxt: dict[tuple[int, int], Any] = {}
        last = m == half - 1
        for (h, v), val in cur.items():
            row = rows[v]
            # close the clow: weighted edge v -> h+1, then jump h+1 -> h
            w = row[h + 1]
            if not _is_zero(w):
                # jump h+1 -> h has orientation sign -1, and each clow carries a factor -1
                closed = val * w
                if last:
                    total = total + closed
                else:
                    for h2 in range(h + 2, n, 2):
                        key = (h2, h2)
                        nxt[key] = nxt[key] + closed if key in nxt else closed
            if last:
                continue
            # continue the clow: weighted edge v -> u (u > h+1), then jump u -> u xor 1
            for u in range(h + 2, n):
                w = row[u]
                if _is_zero(w):
                    continue
                key = (h, u ^ 1)
                term = val * w if u % 2 == 0 else -(val * w)  # jump u -> u xor 1: +1 up, -1 down
                nxt[key] = nxt[key] + term if key in nxt else term
        cur = nxt
    return total


def _pf_dispatch(rows: list[list[Any]], ring: str | int, method: str) -> Any:
    if _is_fq(ring):
        F = small_field(ring)
        if method == "division_free":
            el = [[F.to_flint(x) for x in r] for r in rows]
            return F.from_flint(pfaffian_division_free(el, F.to_flint(0), F.to_flint(1)))
        return F.pfaffian(rows)
    if ring == "poly" or method == "division_free":
        if ring == "poly":
            zero, one = _ring_zero_one(rows)
            return pfaffian_division_free(rows, zero, one)
        val = pfaffian_division_free(rows)
        if isinstance(ring, int):
            return val % ring
        return val if not isinstance(val, Fraction) or val.denominator != 1 else int(val)
    return _pf_field(rows, ring, method)


def _ring_zero_one(rows: list[list[Any]]) -> tuple[Any, Any]:
    for r in rows:
        for x in r:
            if hasattr(x, "context") and callable(x.context):
                ctx = x.context()
                return ctx.constant(0), ctx.constant(1)
            if not isinstance(x, numbers.Number):
                return x * 0, x * 0 + 1
    return 0, 1


_PF_METHODS = {
    "auto": "exact determinant + sign mod p over Z/Q, skew elimination over F_p, MSV over rings",
    "elimination": "skew Gaussian elimination with 2x2 pivots (O(n^3) field operations)",
    "division_free": "alternating clow sequences (Mahajan-Subramanya-Vinay), O(n^4) ring ops",
}


def _check_method(method: Any) -> None:
    if not isinstance(method, str) or method not in _PF_METHODS:
        raise InvalidInputError(f"method={short_repr(method)} is not one of {sorted(_PF_METHODS)}")


def _index_list(x: Any, name: str, n: int) -> list[int]:
    """A sequence of 0-based indices into an ``n x n`` matrix, as ints (else one clear error)."""
    if isinstance(x, np.ndarray):
        x = x.tolist()
    if isinstance(x, str | bytes) or not isinstance(x, Sequence):
        raise InvalidInputError(f"{name}={short_repr(x)} must be a list of indices 0..{n - 1}")
    out = []
    for k, i in enumerate(x):
        if isinstance(i, bool) or not isinstance(i, numbers.Integral) or not 0 <= i < n:
            raise InvalidInputError(
                f"{name}[{k}]={short_repr(i)} is not an index of the {n}x{n} matrix; use 0..{n - 1}"
            )
        out.append(int(i))
    return out


def pfaffian(matrix: Any, ring: Any = "Q", *, method: str = "auto", check: bool = True) -> Any:
    """The Pfaffian of an alternating matrix.

    Args:
        matrix: a square alternating matrix.
        ring: ``"Z"``, ``"Q"``, a prime ``p`` or ``"poly"``.
        method: ``"auto"``, ``"elimination"`` (fields only) or ``"division_free"``.
        check: validate the alternating property.

    Returns:
        An int (Z, F_p as a residue in ``[0, p)``), an int or Fraction (Q), or a ring
        element; ``0`` for odd ``n`` and ``1`` for the empty matrix.

    Raises:
        InvalidInputError: non-alternating input, unknown ring or method.

    Examples:
        >>> from engine.alternating import pfaffian
        >>> pfaffian([[0, 3], [-3, 0]]), pfaffian([[0, 3], [-3, 0]], ring=5, method="elimination")
        (3, 3)
    """
    _check_method(method)
    check = check_flag(check, "check")
    ring = _parse_ring(ring)
    if ring == "poly" and method == "elimination":
        raise InvalidInputError("method='elimination' needs a field; use 'division_free' for 'poly'")
    rows = check_alternating(matrix, ring) if check else _normalise(matrix, ring)
    return _pf_dispatch(rows, ring, method)


def pfaffian_minor(matrix: Any, indices: Sequence[int], ring: Any = "Q", *, method: str = "auto") -> Any:
    """The Pfaffian minor ``Pf(A[I, I])`` for an ordered index list ``I`` (0-based).

    Reordering ``I`` by a permutation multiplies the minor by its sign; repeated indices
    give 0.

    Raises:
        InvalidInputError: an index out of range.

    Examples:
        >>> from engine.alternating import pfaffian_minor
        >>> A = [[0, 1, 2, 3], [-1, 0, 4, 5], [-2, -4, 0, 6], [-3, -5, -6, 0]]
        >>> pfaffian_minor(A, [0, 2]), pfaffian_minor(A, [2, 0]), pfaffian_minor(A, [1, 2, 3, 0])
        (2, -2, -8)
    """
    _check_method(method)
    return AlternatingMatrix(matrix, ring).pfaffian_minor(indices, method=method)


# ---------------------------------------------------------------------------------------
# Darboux basis
# ---------------------------------------------------------------------------------------


def _darboux(rows: list[list[Any]], p: int | None, field_ops: tuple | None = None) -> tuple[list[list[Any]], int]:
    """Symplectic Gram-Schmidt over Q (``p`` None), F_p, or (``field_ops = (zero, one)``) a
    field whose elements are objects with ``+ - * /`` (python-flint ``fq_default``)."""
    n = len(rows)

    def norm(x: Any) -> Any:
        return x % p if p else x

    def inv(x: Any) -> Any:
        if field_ops is not None:
            return field_ops[1] / x
        return pow(x, -1, p) if p else 1 / Fraction(x)

    # basis vectors as columns; omega(x, y) = x^T A y
    def omega(x: list[Any], y: list[Any]) -> Any:
        s: Any = 0
        for i in range(n):
            if x[i]:
                ri = rows[i]
                t: Any = 0
                for j in range(n):
                    if y[j]:
                        t += ri[j] * y[j]
                s += x[i] * t
        return norm(s)

    one: Any = 1 if p else Fraction(1)
    zero: Any = 0 if p else Fraction(0)
    if field_ops is not None:
        zero, one = field_ops
    pool = [[one if i == j else zero for i in range(n)] for j in range(n)]
    out: list[list[Any]] = []
    pairs = 0
    while pool:
        found = None
        for a in range(len(pool)):
            for b in range(a + 1, len(pool)):
                w = omega(pool[a], pool[b])
                if w != 0:
                    found = (a, b, w)
                    break
            if found:
                break
        if found is None:
            break
        a, b, w = found
        e = pool[a]
        f = [norm(x * inv(w)) for x in pool[b]]  # omega(e, f) = 1
        rest = [v for k, v in enumerate(pool) if k not in (a, b)]
        new_pool = []
        for v in rest:
            cf = omega(v, f)
            ce = omega(v, e)
            new_pool.append([norm(v[i] - cf * e[i] + ce * f[i]) for i in range(n)])
        pool = new_pool
        out.extend([e, f])
        pairs += 1
    out.extend(pool)
    # P has the basis vectors as columns
    P = [[out[j][i] for j in range(n)] for i in range(n)]
    return P, 2 * pairs


def darboux_basis(matrix: Any, ring: Any = "Q") -> tuple[list[list[Any]], int]:
    """A symplectic (Darboux) basis: invertible ``P`` with ``P^T A P = J_r (+) 0``.

    ``J_r = diag([[0, 1], [-1, 0]], ..., [[0, 1], [-1, 0]])`` (r/2 blocks) followed by a zero
    block of size ``n - r``; the last ``n - r`` columns of ``P`` span the radical of ``A``.

    Args:
        matrix: an alternating matrix over Q (``"Z"`` is read as Q) or F_p.
        ring: ``"Q"``, ``"Z"``, a prime ``p``, or ``q`` in 4, 8, 9 (F4, F8, F9).

    Returns:
        ``(P, r)`` where ``P`` is a list of rows (Fractions over Q, ints mod p) and ``r``
        the rank. The identity ``P^T A P = J_r (+) 0`` is verified before returning.

    Raises:
        InvalidInputError: non-alternating input or a polynomial ring.
        VerificationError: if the congruence check fails (a bug; never expected).

    Examples:
        >>> from engine.alternating import darboux_basis
        >>> P, r = darboux_basis([[0, 2, 0], [-2, 0, 4], [0, -4, 0]])
        >>> r
        2
    """
    ring = _parse_ring(ring)
    if ring == "poly":
        raise InvalidInputError("darboux_basis needs a field: ring='Q' or a prime p")
    if _is_fq(ring):
        return _darboux_fq(check_alternating(matrix, ring), ring)
    rows = check_alternating(matrix, ring)
    p = ring if isinstance(ring, int) else None
    if p is None:
        rows = [[Fraction(x) for x in r] for r in rows]
    P, r = _darboux(rows, p)
    n = len(rows)
    # verify P^T A P
    for i in range(n):
        for j in range(n):
            s: Any = 0
            for k in range(n):
                if P[k][i]:
                    t = sum(rows[k][m] * P[m][j] for m in range(n))
                    s += P[k][i] * t
            if p:
                s %= p
            want = 0
            if i < r and j < r and i // 2 == j // 2 and i != j:
                want = 1 if i < j else (-1 if not p else p - 1)
            if s != want:
                raise VerificationError(f"Darboux basis check failed at ({i}, {j})")  # pragma: no cover
    return P, r


def _darboux_fq(codes: list[list[int]], q: int) -> tuple[list[list[int]], int]:
    """Darboux basis over F4, F8, F9 (python-flint ``fq_default`` arithmetic), as element codes,
    verified with the field tables."""
    F = small_field(q)
    zero, one = F.to_flint(0), F.to_flint(1)
    rows = [[F.to_flint(x) for x in r] for r in codes]
    P_el, r = _darboux(rows, None, (zero, one))
    P = [[F.from_flint(x) for x in row] for row in P_el]
    n = len(codes)
    for i in range(n):  # verify P^T A P = J_r (+) 0 with the tables
        for j in range(n):
            acc = 0
            for k in range(n):
                if P[k][i]:
                    t = 0
                    for m in range(n):
                        t = F.add_elem(t, F.mul_elem(codes[k][m], P[m][j]))
                    acc = F.add_elem(acc, F.mul_elem(P[k][i], t))
            want = 0
            if i < r and j < r and i // 2 == j // 2 and i != j:
                want = 1 if i < j else F.neg_elem(1)
            if acc != want:
                raise VerificationError(f"Darboux basis check failed at ({i}, {j})")  # pragma: no cover
    return P, r


# ---------------------------------------------------------------------------------------
# the class
# ---------------------------------------------------------------------------------------


class AlternatingMatrix:
    """A validated alternating matrix over ``"Z"``, ``"Q"``, a prime ``p`` or ``"poly"``.

    Args:
        matrix: a square matrix (list of rows, numpy integer array, python-flint matrix or
            another :class:`AlternatingMatrix`).
        ring: ``"Z"``, ``"Q"``, a prime ``p`` (``"F3"`` is accepted) or ``"poly"``
            (entries are polynomial-ring elements, e.g. python-flint ``fmpq_mpoly``).

    Attributes:
        n: the size.
        ring: ``"Z"``, ``"Q"``, the prime ``p`` or ``"poly"``.
        entries: tuple of row tuples (ints, Fractions, residues in ``[0, p)``, ring elements).

    Raises:
        InvalidInputError: non-square, inexact, or not alternating (the entry is named).

    Examples:
        >>> from engine.alternating import AlternatingMatrix
        >>> A = AlternatingMatrix([[0, 1, 1], [1, 0, 1], [1, 1, 0]], ring=2)
        >>> A.rank(), A.pfaffian_minor([0, 2]), A.pfaffian()
        (2, 1, 0)
    """

    __slots__ = ("n", "ring", "entries")

    def __init__(self, matrix: Any, ring: Any = "Q"):
        ring = _parse_ring(ring)
        rows = check_alternating(matrix, ring)
        self.n = len(rows)
        self.ring = ring
        self.entries = tuple(tuple(r) for r in rows)

    def __repr__(self) -> str:
        return f"AlternatingMatrix(n={self.n}, ring={self.ring!r})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, AlternatingMatrix)
            and self.ring == other.ring
            and self.entries == other.entries
        )

    def __hash__(self) -> int:
        return hash((self.ring, self.entries))

    def tolist(self) -> list[list[Any]]:
        """The entries as a list of lists."""
        return [list(r) for r in self.entries]

    def _rows_over(self, ring: Any) -> tuple[list[list[Any]], str | int]:
        if ring is None:
            return self.tolist(), self.ring
        ring = _parse_ring(ring)
        if ring == self.ring:
            return self.tolist(), ring
        if _is_fq(ring) and self.ring in ("Z", "Q"):
            # the ring map Z -> F_q lands in the prime subfield, whose codes are the residues mod p
            return check_alternating(self.tolist(), small_field(ring).p), ring
        if isinstance(ring, int) and self.ring in ("Z", "Q"):
            return check_alternating(self.tolist(), ring), ring
        if ring == "Q" and self.ring == "Z":
            return [[Fraction(x) for x in r] for r in self.entries], "Q"
        raise InvalidInputError(f"cannot reinterpret a matrix over {short_repr(self.ring)} over {short_repr(ring)}")

    def rank(self, ring: Any = None) -> int:
        """Exact rank over the matrix's field, or over ``ring`` (e.g. reduce a Z matrix mod p).

        Raises:
            InvalidInputError: for ``ring="poly"`` (use the constant-rank solver) or an
                impossible reinterpretation (F_p to Q).
        """
        rows, r = self._rows_over(ring)
        return _rank_rows(rows, r)

    def pfaffian(self, *, method: str = "auto", ring: Any = None) -> Any:
        """The Pfaffian (see :func:`pfaffian`)."""
        _check_method(method)
        rows, r = self._rows_over(ring)
        return _pf_dispatch(rows, r, method)

    def pfaffian_minor(self, indices: Sequence[int], *, method: str = "auto") -> Any:
        """Pfaffian of the principal submatrix on the ordered index list ``indices``."""
        _check_method(method)
        idx = _index_list(indices, "indices", self.n)
        if len(set(idx)) != len(idx):
            return 0 if self.ring != "poly" else _ring_zero_one(self.tolist())[0]
        sub = [[self.entries[i][j] for j in idx] for i in idx]
        return _pf_dispatch(sub, self.ring, method)

    def pfaffian_minors(self, order: int) -> dict[tuple[int, ...], Any]:
        """All principal Pfaffian minors of even ``order`` on increasing index sets.

        Raises:
            InvalidInputError: odd or out-of-range order.
        """
        from itertools import combinations

        if isinstance(order, bool) or not isinstance(order, numbers.Integral) or order % 2 \
                or not 0 <= order <= self.n:
            raise InvalidInputError(f"order={short_repr(order)} must be an even integer and between 0 and n={self.n}")
        return {idx: self.pfaffian_minor(idx) for idx in combinations(range(self.n), order)}

    def minor(self, rows: Sequence[int], cols: Sequence[int]) -> Any:
        """A (possibly non-principal) minor ``det A[rows, cols]``, exactly.

        For ``rows == cols`` this is ``Pf_rows(A)^2``.

        Raises:
            InvalidInputError: index lists of different lengths or out of range.
        """
        rows, cols = _index_list(rows, "rows", self.n), _index_list(cols, "cols", self.n)
        if len(rows) != len(cols):
            raise InvalidInputError(f"rows ({len(rows)}) and cols ({len(cols)}) must have the same length")
        sub = [[self.entries[i][j] for j in cols] for i in rows]
        if not sub:
            return 1
        if self.ring == "Z":
            return int(flint.fmpz_mat(sub).det())
        if self.ring == "Q":
            d = flint.fmpq_mat([[flint.fmpq(x.numerator, x.denominator) for x in r] for r in sub]).det()
            f = Fraction(int(d.p), int(d.q))
            return int(f) if f.denominator == 1 else f
        if _is_fq(self.ring):
            return small_field(self.ring).det(sub)
        if isinstance(self.ring, int):
            return int(_flint_mod_mat(sub, self.ring).det())
        raise InvalidInputError("minor() over 'poly' is not supported; use pfaffian_minor")

    def darboux_basis(self) -> tuple[list[list[Any]], int]:
        """A Darboux basis ``(P, r)`` with ``P^T A P = J_r (+) 0`` (see :func:`darboux_basis`)."""
        return darboux_basis(self.tolist(), self.ring)


def random_alternating(n: int, ring: Any = "Q", *, seed: int | None = None, bound: int = 10, rank: int | None = None) -> AlternatingMatrix:
    """A random alternating matrix (entries in ``[-bound, bound]`` or uniform mod p).

    Args:
        n: size.
        ring: ``"Z"``, ``"Q"``, a prime, or 4, 8, 9 (F4, F8, F9).
        seed: seed of the generator (``numpy.random.default_rng``).
        bound: entry bound over Z/Q.
        rank: if given (even, ``<= n``), return ``X^T J_rank X`` for random ``X`` (rank at most
            ``rank``; exactly ``rank`` with high probability).

    Raises:
        InvalidInputError: bad ``n`` or ``rank``.

    Examples:
        >>> from engine.alternating import random_alternating
        >>> random_alternating(6, ring=7, seed=1, rank=4).rank() <= 4
        True
    """
    n = check_int(n, "n", low=0, high=MAX_RANDOM_SIZE, what="a matrix size")
    ring = _parse_ring(ring)
    rng = np.random.default_rng(check_seed(seed))
    bound = check_int(bound, "bound", low=0, high=2**62, what="an entry bound")
    p = ring if isinstance(ring, int) else None

    def draw() -> int:
        return int(rng.integers(0, p)) if p else int(rng.integers(-bound, bound + 1))

    F = small_field(ring) if _is_fq(ring) else None
    if rank is None:
        A = [[0] * n for _ in range(n)]
        for i in range(n):
            for j in range(i + 1, n):
                v = draw()
                A[i][j] = v
                A[j][i] = -v if F is None else int(F.neg[v])
        return AlternatingMatrix(A, ring)
    if isinstance(rank, bool) or not isinstance(rank, numbers.Integral) or rank % 2 \
            or not 0 <= rank <= n:
        raise InvalidInputError(f"rank={short_repr(rank)} must be an even integer between 0 and n={n}")
    X = [[draw() for _ in range(n)] for _ in range(rank)]
    A = [[0] * n for _ in range(n)]
    if F is not None:  # X^T J X with the field tables
        for k in range(0, rank, 2):
            for i in range(n):
                for j in range(n):
                    A[i][j] = F.add_elem(A[i][j], F.sub_elem(F.mul_elem(X[k][i], X[k + 1][j]),
                                                             F.mul_elem(X[k + 1][i], X[k][j])))
        return AlternatingMatrix(A, ring)
    for k in range(0, rank, 2):
        for i in range(n):
            for j in range(n):
                A[i][j] += X[k][i] * X[k + 1][j] - X[k + 1][i] * X[k][j]
    return AlternatingMatrix(A, ring)

