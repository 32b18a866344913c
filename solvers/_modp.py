"""Gaussian elimination mod a small prime p (numba), for the Hensel systems of
:mod:`solvers.lifting` over F3 and other prime fields (F2 has the bit-packed
:mod:`solvers._gf2`).

A module of its own, importing only numpy and :mod:`engine._numba`, so the kernel is compiled
when the package is installed (:mod:`engine._kernel_build`).

Examples:
    >>> import numpy as np
    >>> from solvers._modp import echelon_mod_p
    >>> rank, columns, rows = echelon_mod_p(np.array([[1, 2], [2, 1], [0, 1]], dtype=np.int64), 3)
    >>> int(rank), columns.tolist()
    (2, [0, 1])
"""

from __future__ import annotations

import numpy as np

from engine._numba import kernel

__all__ = ["echelon_mod_p"]


@kernel("Tuple((int64, int64[::1], int64[::1]))(int64[:, ::1], int64)")
def echelon_mod_p(A, p):  # pragma: no cover - compiled
    """Row echelon form of ``A`` mod p in place; returns (rank, pivot columns, pivot rows)."""
    E, V = A.shape
    perm = np.arange(E)
    piv = np.empty(min(E, V), dtype=np.int64)
    rk = 0
    for c in range(V):
        if rk == E:
            break
        pr = -1
        for i in range(rk, E):
            if A[i, c] != 0:
                pr = i
                break
        if pr < 0:
            continue
        if pr != rk:
            for j in range(V):
                tmp = A[pr, j]
                A[pr, j] = A[rk, j]
                A[rk, j] = tmp
            tmp2 = perm[pr]
            perm[pr] = perm[rk]
            perm[rk] = tmp2
        inv = 1
        while (A[rk, c] * inv) % p != 1:
            inv += 1
        for j in range(c, V):
            A[rk, j] = (A[rk, j] * inv) % p
        for i in range(rk + 1, E):
            f = A[i, c]
            if f != 0:
                for j in range(c, V):
                    A[i, j] = (A[i, j] - f * A[rk, j]) % p
        piv[rk] = c
        rk += 1
    return rk, piv[:rk].copy(), perm[:rk].copy()
