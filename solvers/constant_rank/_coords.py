"""Coordinates of alternating matrices over F_p: upper-triangle vectors, echelon forms mod p.

An alternating ``n x n`` matrix is the vector of its ``m = n(n-1)/2`` entries above the
diagonal (:func:`_vec`, :func:`_mat`); subspaces of ``A_n(F_p)`` are handled through the
reduced row echelon form of their direction vectors (:func:`_rref`, :func:`_reduce`). Shared
by the optimality proofs (:mod:`solvers.constant_rank.optimality`) and the search
(:mod:`search.altspaces`).
"""

from __future__ import annotations

import numpy as np

from engine.alternating import _is_fq
from engine.alternating_fields import small_field

#: exhaustive candidate enumeration when A_n(F_p) has at most this many elements
_FULL_ENUM = 1 << 15


def _iu(n: int) -> tuple[np.ndarray, np.ndarray]:
    return np.triu_indices(n, 1)


def _vec(M: np.ndarray) -> np.ndarray:
    n = M.shape[-1]
    iu = _iu(n)
    return M[..., iu[0], iu[1]]


def _mat(v: np.ndarray, n: int, p: int) -> np.ndarray:
    iu = _iu(n)
    shape = v.shape[:-1] + (n, n)
    M = np.zeros(shape, dtype=np.int64)
    if _is_fq(p):  # F4, F8, F9: element codes, negation by the table
        M[..., iu[0], iu[1]] = v
        M[..., iu[1], iu[0]] = small_field(p).neg[v]
        return M
    M[..., iu[0], iu[1]] = v % p
    M[..., iu[1], iu[0]] = (-v) % p
    return M


def _rref(vecs: np.ndarray, p: int) -> tuple[np.ndarray, list[int]]:
    """Reduced row echelon form over F_p (or F_q by tables) of the rows of ``vecs`` (zero rows dropped)."""
    if _is_fq(p):
        return _rref_fq(vecs, p)
    A = vecs.copy() % p
    rows, cols = A.shape if A.ndim == 2 else (0, 0)
    piv: list[int] = []
    r = 0
    for c in range(cols):
        if r == rows:
            break
        nz = np.nonzero(A[r:, c])[0]
        if nz.size == 0:
            continue
        k = r + int(nz[0])
        A[[r, k]] = A[[k, r]]
        A[r] = A[r] * pow(int(A[r, c]), -1, p) % p
        f = A[:, c].copy()
        f[r] = 0
        A = (A - np.outer(f, A[r])) % p
        piv.append(c)
        r += 1
    return A[:r], piv


def _reduce(cands: np.ndarray, basis: np.ndarray, piv: list[int], p: int) -> np.ndarray:
    """Reduce candidate vectors modulo the row space of an RREF ``basis``."""
    if _is_fq(p):
        F = small_field(p)
        C = cands.copy()
        for row, c in zip(basis, piv, strict=True):
            f = C[:, c].copy()
            if f.any():
                C = F.sub[C, F.mul[f[:, None], row[None, :]]]
        return C
    C = cands % p
    for row, c in zip(basis, piv, strict=True):
        f = C[:, c].copy()
        if f.any():
            C = (C - np.outer(f, row)) % p
    return C


def _all_vectors(m: int, p: int) -> np.ndarray:
    """Every nonzero vector of ``F_p^m`` (rows, least significant digit first), ``p^m - 1`` rows."""
    digits = np.arange(p**m, dtype=np.int64)
    allv = np.zeros((digits.size, m), dtype=np.int64)
    x = digits.copy()
    for k in range(m):
        allv[:, k] = x % p
        x //= p
    return allv[1:]


def _rref_fq(vecs: np.ndarray, q: int) -> tuple[np.ndarray, list[int]]:
    F = small_field(q)
    A = vecs.copy()
    rows, cols = A.shape if A.ndim == 2 else (0, 0)
    piv: list[int] = []
    r = 0
    for c in range(cols):
        if r == rows:
            break
        nz = np.nonzero(A[r:, c])[0]
        if nz.size == 0:
            continue
        k = r + int(nz[0])
        A[[r, k]] = A[[k, r]]
        A[r] = F.mul[F.inv[A[r, c]], A[r]]
        f = A[:, c].copy()
        f[r] = 0
        A = F.sub[A, F.mul[f[:, None], A[r][None, :]]]
        piv.append(c)
        r += 1
    return A[:r], piv
