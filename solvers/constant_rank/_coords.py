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


# --------------------------------------------------------------------------- field-generic helpers
def _combine(base: np.ndarray, t: np.ndarray, dirs: np.ndarray, q: int) -> np.ndarray:
    """``base + sum_i t_i dirs_i`` over F_q (prime: mod p; F4, F8, F9: the tables)."""
    if not _is_fq(q):
        return (base + np.tensordot(t, dirs, axes=1)) % q
    F = small_field(q)
    out = base.copy()
    for ti, D in zip(t, dirs, strict=True):
        if ti:
            out = F.add[out, F.mul[int(ti), D]]
    return out


def _congruent(X: np.ndarray, M: np.ndarray, q: int) -> np.ndarray:
    """``X^T M X`` over F_q."""
    M = np.asarray(M, dtype=np.int64)
    if not _is_fq(q):
        return (X.T @ M @ X) % q
    F = small_field(q)

    def matmul(A: np.ndarray, B: np.ndarray) -> np.ndarray:
        prod = F.mul[A[:, :, None], B[None, :, :]]  # (i, k, j)
        out = prod[:, 0, :]
        for k in range(1, A.shape[1]):
            out = F.add[out, prod[:, k, :]]
        return out

    return matmul(matmul(X.T.copy(), M), X)


def _rank(M: np.ndarray, q: int) -> int:
    """Rank over F_q of a (not necessarily alternating) matrix of element codes."""
    if _is_fq(q):
        return small_field(q).rank(M.tolist())
    import flint

    return int(flint.nmod_mat(np.asarray(M, dtype=np.int64).tolist(), q).rank())


def _alt_rank(M: np.ndarray, q: int) -> int:
    """Rank of one alternating matrix over F_q (the numba kernels)."""
    if _is_fq(q):
        from solvers.constant_rank._kernels_fq import alt_rank_fq, tables

        return int(alt_rank_fq(np.ascontiguousarray(M, dtype=np.int64), *tables(q)))
    from solvers.constant_rank._kernels import alt_rank_mod_p

    return int(alt_rank_mod_p(np.ascontiguousarray(M, dtype=np.int64), q))


def _first_extension(base: np.ndarray, dirs: np.ndarray, cands: np.ndarray, q: int, r: int) -> int:
    """The first candidate direction that extends the family keeping rank ``r`` (or -1)."""
    base = np.ascontiguousarray(base, dtype=np.int64)
    dirs = np.ascontiguousarray(dirs, dtype=np.int64)
    cands = np.ascontiguousarray(cands, dtype=np.int64)
    if _is_fq(q):
        from solvers.constant_rank._kernels_fq import first_extension_fq, tables

        add, mul, neg, inv = tables(q)
        return int(first_extension_fq(base, dirs, cands, add, mul, neg, inv, q, r))
    from solvers.constant_rank._kernels import first_extension

    return int(first_extension(base, dirs, cands, q, r))
