"""Small finite fields F_q (q <= 9) with elements written as the integers 0..q-1.

``F_q`` with ``q = p^k`` is ``F_p[g] / (m(g))`` for a fixed irreducible *modulus* ``m`` of
degree ``k``. An element ``c_0 + c_1 g + ... + c_{k-1} g^{k-1}`` (``0 <= c_i < p``) is written
as the integer ``c_0 + c_1 p + ... + c_{k-1} p^{k-1}`` (its base-``p`` digits are the
coefficients, lowest degree first). For a prime ``q = p`` this is the usual residue ``0..p-1``.

The moduli are the Conway polynomials (the ones python-flint's ``fq_default_ctx`` picks):

====  ==================  =====================================================
q     modulus m(g)        examples
====  ==================  =====================================================
4     g^2 + g + 1         ``2 = g``, ``3 = g + 1``; ``2 * 2 = 3`` (g^2 = g + 1)
8     g^3 + g + 1         ``2 = g``, ``4 = g^2``; ``4 * 2 = 3`` (g^3 = g + 1)
9     g^2 + 2g + 2        ``3 = g``, ``2 = -1``; ``3 * 3 = 4`` (g^2 = g + 1)
====  ==================  =====================================================

:func:`small_field` returns a cached :class:`SmallField` with numpy addition and
multiplication tables (built from python-flint's ``fq_default`` arithmetic), used by the
alternating-matrix routines (:mod:`engine.alternating`) and the numba kernels of
:mod:`solvers.constant_rank`.

Reference:
    R. Lidl, H. Niederreiter, *Finite Fields*, Cambridge (1997), Ch. 2 (construction of
    F_q as F_p[x]/(m)); Conway polynomials: F. Luebeck's tables.

Examples:
    >>> from engine.alternating_fields import small_field
    >>> F9 = small_field(9)
    >>> F9.modulus_text, F9.mul_elem(3, 3), F9.neg_elem(1), F9.inv_elem(3)
    ('g^2 + 2*g + 2', 4, 2, 5)
"""

from __future__ import annotations

import numbers
from functools import cache
from typing import Any

import flint
import numpy as np

from engine._args import short_repr
from engine.errors import InvalidInputError

__all__ = ["SmallField", "small_field", "MODULI", "SMALL_FIELD_SIZES", "is_small_field"]

#: Conway moduli, coefficients lowest degree first (also python-flint's default choice).
MODULI: dict[int, tuple[int, ...]] = {4: (1, 1, 1), 8: (1, 1, 0, 1), 9: (2, 2, 1)}
#: Field sizes with tables (every prime power <= 9).
SMALL_FIELD_SIZES = (2, 3, 4, 5, 7, 8, 9)
_CHAR = {2: (2, 1), 3: (3, 1), 4: (2, 2), 5: (5, 1), 7: (7, 1), 8: (2, 3), 9: (3, 2)}


def is_small_field(q: Any) -> bool:
    """Whether ``q`` is a field size that is a prime power but not a prime (4, 8, 9)."""
    return not isinstance(q, bool) and isinstance(q, int) and q in MODULI


def _poly_text(coeffs: tuple[int, ...]) -> str:
    parts = []
    for e in range(len(coeffs) - 1, -1, -1):
        c = coeffs[e]
        if not c:
            continue
        mono = "" if e == 0 else ("g" if e == 1 else f"g^{e}")
        if not mono:
            parts.append(str(c))
        else:
            parts.append(mono if c == 1 else f"{c}*{mono}")
    return " + ".join(parts)


class SmallField:
    """The field ``F_q`` (``q <= 9``) on the integers ``0..q-1`` (see the module docstring).

    Attributes:
        q, p, k: size, characteristic and degree (``q = p^k``).
        modulus: coefficients of ``m(g)``, lowest degree first (``(0, 1)``-free: ``None``
            for a prime field, where the elements are residues).
        add, mul: ``q x q`` int64 tables; ``neg``, ``inv`` length-``q`` arrays (``inv[0] = 0``).

    Raises:
        InvalidInputError: ``q`` is not a prime power ``<= 9``.
    """

    __slots__ = ("q", "p", "k", "modulus", "add", "mul", "neg", "inv", "sub", "_ctx")

    def __init__(self, q: int):
        if isinstance(q, bool) or not isinstance(q, int) or q not in _CHAR:
            raise InvalidInputError(f"q={short_repr(q)} is not a prime power <= 9; use 2, 3, 4, 5, 7, 8 or 9")
        self.q = q
        self.p, self.k = _CHAR[q]
        self.modulus = MODULI.get(q)
        if self.modulus is None:
            self._ctx = None
            els = list(range(q))
            add = [[(a + b) % q for b in els] for a in els]
            mul = [[(a * b) % q for b in els] for a in els]
        else:
            mod = flint.fmpz_mod_poly_ctx(self.p)(list(self.modulus))
            self._ctx = flint.fq_default_ctx(modulus=mod, var="g")
            fl = [self.to_flint(a) for a in range(q)]
            add = [[self.from_flint(a + b) for b in fl] for a in fl]
            mul = [[self.from_flint(a * b) for b in fl] for a in fl]
        self.add = np.array(add, dtype=np.int64)
        self.mul = np.array(mul, dtype=np.int64)
        self.neg = np.array([int(np.nonzero(self.add[a] == 0)[0][0]) for a in range(q)], dtype=np.int64)
        self.inv = np.array([0] + [int(np.nonzero(self.mul[a] == 1)[0][0]) for a in range(1, q)], dtype=np.int64)
        self.sub = self.add[:, self.neg]
        for arr in (self.add, self.mul, self.neg, self.inv, self.sub):
            arr.setflags(write=False)

    def __repr__(self) -> str:
        return f"small_field({self.q})"

    @property
    def name(self) -> str:
        """``"F9"`` etc."""
        return f"F{self.q}"

    @property
    def modulus_text(self) -> str:
        """The modulus as text, e.g. ``'g^2 + g + 1'`` (``'prime field'`` for ``q = p``)."""
        return "prime field" if self.modulus is None else _poly_text(self.modulus)

    # ------------------------------------------------------------------ conversions
    def digits(self, a: int) -> list[int]:
        """Coefficients ``c_0..c_{k-1}`` of the element ``a`` (its base-``p`` digits)."""
        return [(a // self.p**i) % self.p for i in range(self.k)]

    def to_flint(self, a: int) -> Any:
        """The python-flint ``fq_default`` element for ``a`` (prime fields: ``nmod``)."""
        if self._ctx is None:
            return flint.nmod(a, self.q)
        return self._ctx(self.digits(int(a)))

    def from_flint(self, x: Any) -> int:
        """The integer code of a python-flint ``fq_default`` (or ``nmod``) element."""
        if self._ctx is None:
            return int(x)
        coeffs = [int(c) for c in x.to_list()]
        return sum(c * self.p**i for i, c in enumerate(coeffs))

    def element(self, x: Any, where: str = "element") -> int:
        """Check that ``x`` is an element code ``0..q-1`` (an int) and return it.

        Raises:
            InvalidInputError: naming ``where``, the value and the range.
        """
        if isinstance(x, bool) or not isinstance(x, numbers.Integral) or not 0 <= int(x) < self.q:
            raise InvalidInputError(
                f"{where} = {short_repr(x)} is not an element of F{self.q}; use an integer 0..{self.q - 1} "
                f"(base-{self.p} digits of the coefficients modulo {self.modulus_text}), or choose another ring or field")
        return int(x)

    def from_integer(self, x: int) -> int:
        """The image of an integer under ``Z -> F_q`` (``x mod p`` in the prime subfield)."""
        return int(x) % self.p

    # ------------------------------------------------------------------ scalar arithmetic
    def add_elem(self, a: int, b: int) -> int:
        return int(self.add[a, b])

    def sub_elem(self, a: int, b: int) -> int:
        return int(self.sub[a, b])

    def mul_elem(self, a: int, b: int) -> int:
        return int(self.mul[a, b])

    def neg_elem(self, a: int) -> int:
        return int(self.neg[a])

    def inv_elem(self, a: int) -> int:
        if a == 0:
            raise ZeroDivisionError("0 has no inverse")
        return int(self.inv[a])

    # ------------------------------------------------------------------ linear algebra
    def rank(self, rows: Any) -> int:
        """Rank of a matrix of element codes (rows), by Gaussian elimination with the tables.

        Examples:
            >>> from engine.alternating_fields import small_field
            >>> small_field(4).rank([[1, 2], [2, 3]])      # row 2 = g * row 1 (g * g = g + 1 = 3)
            1
        """
        A = np.array(rows, dtype=np.int64)
        if A.size == 0:
            return 0
        A = A.reshape(len(rows), -1).copy()
        m, ncols = A.shape
        r = 0
        for c in range(ncols):
            if r == m:
                break
            nz = np.nonzero(A[r:, c])[0]
            if nz.size == 0:
                continue
            k = r + int(nz[0])
            if k != r:
                A[[r, k]] = A[[k, r]]
            A[r] = self.mul[self.inv[A[r, c]], A[r]]
            f = A[:, c].copy()
            f[r] = 0
            rows_nz = np.nonzero(f)[0]
            if rows_nz.size:
                A[rows_nz] = self.sub[A[rows_nz], self.mul[f[rows_nz][:, None], A[r][None, :]]]
            r += 1
        return r

    def det(self, rows: Any) -> int:
        """Determinant of a square matrix of element codes (Gaussian elimination)."""
        A = np.array(rows, dtype=np.int64)
        n = A.shape[0] if A.ndim == 2 else 0
        if n == 0:
            return 1
        A = A.copy()
        det = 1
        for c in range(n):
            nz = np.nonzero(A[c:, c])[0]
            if nz.size == 0:
                return 0
            k = c + int(nz[0])
            if k != c:
                A[[c, k]] = A[[k, c]]
                det = int(self.neg[det])
            det = int(self.mul[det, A[c, c]])
            A[c] = self.mul[self.inv[A[c, c]], A[c]]
            f = A[c + 1:, c].copy()
            idx = np.nonzero(f)[0]
            if idx.size:
                A[c + 1 + idx] = self.sub[A[c + 1 + idx], self.mul[f[idx][:, None], A[c][None, :]]]
        return det

    def pfaffian(self, rows: Any) -> int:
        """Pfaffian of an alternating matrix of element codes (skew elimination, 2x2 pivots).

        ``Pf([[P, Q], [-Q^T, R]]) = Pf(P) Pf(R + Q^T P^{-1} Q)`` (J. R. Bunch, Math. Comp. 38
        (1982) 475-479), with the tables for the arithmetic.

        Examples:
            >>> from engine.alternating_fields import small_field
            >>> F4 = small_field(4)
            >>> F4.pfaffian([[0, 2, 0, 0], [2, 0, 0, 0], [0, 0, 0, 2], [0, 0, 2, 0]])   # g * g
            3
        """
        a = np.array(rows, dtype=np.int64)
        n = a.shape[0] if a.ndim == 2 else 0
        if n == 0:
            return 1
        if n % 2:
            return 0
        a = a.copy()
        add, mul, neg, sub = self.add, self.mul, self.neg, self.sub
        pf = 1
        for k in range(0, n, 2):
            nz = np.nonzero(a[k, k + 1:])[0]
            if nz.size == 0:
                return 0
            j = k + 1 + int(nz[0])
            if j != k + 1:
                a[[k + 1, j], :] = a[[j, k + 1], :]
                a[:, [k + 1, j]] = a[:, [j, k + 1]]
                pf = int(neg[pf])
            piv = int(a[k, k + 1])
            pf = int(mul[pf, piv])
            if k + 2 < n:
                inv = int(self.inv[piv])
                q0 = a[k, k + 2:]
                q1s = mul[inv, a[k + 1, k + 2:]]
                # R' = R + q1s q0^T - q0 q1s^T   (entries (u, v))
                upd = sub[mul[q1s[:, None], q0[None, :]], mul[q0[:, None], q1s[None, :]]]
                a[k + 2:, k + 2:] = add[a[k + 2:, k + 2:], upd]
        return pf


@cache
def small_field(q: int) -> SmallField:
    """The cached :class:`SmallField` for ``q`` in ``(2, 3, 4, 5, 7, 8, 9)``.

    Raises:
        InvalidInputError: any other ``q``.
    """
    return SmallField(q)
