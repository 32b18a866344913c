"""Bit-packed Gaussian elimination over GF(2) (numba): 64 columns per machine word.

Used by :mod:`solvers.lifting` for the Hensel systems of F2 schemes, whose Jacobians have a
few thousand rows and columns (3x4x4 rank 38: 2304 x 1520); the dense int64 elimination
costs seconds there, the packed one milliseconds.

Reference: G. V. Bard, "Algebraic Cryptanalysis", Springer 2009, ch. 9 (dense linear
algebra over GF(2), packed rows).
"""

from __future__ import annotations

import numpy as np

from engine._numba import kernel

__all__ = ["pack_rows", "unpack_rows", "echelon_gf2", "inverse_gf2"]


def pack_rows(A: np.ndarray) -> np.ndarray:
    """Pack the 0/1 matrix ``A mod 2`` into ``uint64`` words, 64 columns per word.

    Examples:
        >>> import numpy as np
        >>> from solvers._gf2 import pack_rows
        >>> pack_rows(np.array([[1, 0, 1], [0, 1, 3]])).tolist()
        [[5], [6]]
    """
    A = np.asarray(A) % 2
    E, V = A.shape
    W = (V + 63) // 64
    pad = np.zeros((E, W * 64), dtype=np.uint8)
    pad[:, :V] = A
    bits = np.packbits(pad.reshape(E, W, 64)[:, :, ::-1], axis=2, bitorder="big")  # bit j of word = column 64w + j
    return bits.view(">u8").reshape(E, W).astype(np.uint64)


@kernel("Tuple((int64, int64[::1], int64[::1]))(uint64[:, ::1], int64)")
def _echelon(Ap, V):
    E, W = Ap.shape
    perm = np.arange(E)
    piv = np.empty(min(E, V), dtype=np.int64)
    rk = 0
    one = np.uint64(1)
    for c in range(V):
        if rk == E:
            break
        w = c >> 6
        m = one << np.uint64(c & 63)
        pr = -1
        for i in range(rk, E):
            if Ap[i, w] & m:
                pr = i
                break
        if pr < 0:
            continue
        if pr != rk:
            for j in range(W):
                t = Ap[pr, j]
                Ap[pr, j] = Ap[rk, j]
                Ap[rk, j] = t
            t2 = perm[pr]
            perm[pr] = perm[rk]
            perm[rk] = t2
        for i in range(rk + 1, E):
            if Ap[i, w] & m:
                for j in range(w, W):
                    Ap[i, j] ^= Ap[rk, j]
        piv[rk] = c
        rk += 1
    return rk, piv[:rk].copy(), perm[:rk].copy()


def echelon_gf2(A: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """Row echelon form of ``A mod 2``: ``(rank, pivot columns, original indices of the pivot rows)``.

    The pivot rows are linearly independent and the submatrix on (pivot rows, pivot
    columns) is invertible, the same contract as :func:`solvers._modp.echelon_mod_p`.

    Examples:
        >>> import numpy as np
        >>> from solvers._gf2 import echelon_gf2
        >>> rk, cols, rows = echelon_gf2(np.array([[1, 1, 0], [1, 1, 0], [0, 1, 1]]))
        >>> rk, cols.tolist(), rows.tolist()
        (2, [0, 1], [0, 2])
    """
    A = np.asarray(A)
    return _echelon(pack_rows(A), A.shape[1])


@kernel("boolean(uint64[:, ::1], int64)")
def _gauss_jordan(M, n):
    """Gauss-Jordan on the packed ``[B | I]`` (n rows); returns False when B is singular."""
    E, W = M.shape
    one = np.uint64(1)
    for c in range(n):
        w = c >> 6
        m = one << np.uint64(c & 63)
        pr = -1
        for i in range(c, n):
            if M[i, w] & m:
                pr = i
                break
        if pr < 0:
            return False
        if pr != c:
            for j in range(W):
                t = M[pr, j]
                M[pr, j] = M[c, j]
                M[c, j] = t
        for i in range(n):
            if i != c and (M[i, w] & m):
                for j in range(w, W):
                    M[i, j] ^= M[c, j]
    return True


def inverse_gf2(B: np.ndarray) -> np.ndarray:
    """Inverse of the square matrix ``B mod 2`` as a 0/1 ``int64`` array.

    Raises:
        ValueError: ``B`` is singular mod 2.

    Examples:
        >>> import numpy as np
        >>> from solvers._gf2 import inverse_gf2
        >>> inverse_gf2(np.array([[1, 1], [0, 1]])).tolist()
        [[1, 1], [0, 1]]
    """
    B = np.asarray(B) % 2
    n = B.shape[0]
    M = pack_rows(np.concatenate([B, np.eye(n, dtype=B.dtype)], axis=1))
    if not _gauss_jordan(M, n):
        raise ValueError("matrix is singular mod 2")
    return unpack_rows(M, 2 * n)[:, n:].astype(np.int64)


def unpack_rows(Mp: np.ndarray, V: int) -> np.ndarray:
    """Inverse of :func:`pack_rows` (first ``V`` columns, as 0/1 ``uint8``).

    Examples:
        >>> import numpy as np
        >>> from solvers._gf2 import pack_rows, unpack_rows
        >>> unpack_rows(pack_rows(np.array([[1, 0, 1]])), 3).tolist()
        [[1, 0, 1]]
    """
    E, W = Mp.shape
    bits = np.unpackbits(Mp.astype(">u8").view(np.uint8).reshape(E, W, 8), axis=2, bitorder="big")
    return bits.reshape(E, W, 64)[:, :, ::-1].reshape(E, W * 64)[:, :V]
