"""numba kernels: exhaustive rank scans of affine families of alternating matrices over F_p.

Every point ``B + t_1 D_1 + ... + t_d D_d`` (``t`` in ``F_p^d``) is visited in odometer order
(point index ``k`` has base-``p`` digits ``t_1, t_2, ...``, least significant first), the
matrix is updated incrementally (one or a few ``+D_i`` per step), and its rank is computed by
skew Gaussian elimination with 2x2 pivot blocks (Bunch 1982): pivot ``a = W[i, j] != 0``,
then ``W[u, v] += (W[j, u] W[i, v] - W[i, u] W[j, v]) / a`` on the remaining indices and the
rank grows by 2. Entries stay in ``[0, p)`` with ``p < 2^31`` so products fit in int64.
"""

from __future__ import annotations

import numpy as np

from engine._numba import kernel, kernel_array

__all__ = ["alt_rank_mod_p", "scan_family", "first_extension"]


@kernel("int64(int64, int64)", no_cpython_wrapper=True, no_cfunc_wrapper=True)
def _inv_mod(a, p):
    # extended Euclid, a in [1, p)
    t, newt = 0, 1
    r, newr = p, a
    while newr != 0:
        q = r // newr
        t, newt = newt, t - q * newt
        r, newr = newr, r - q * newr
    if t < 0:
        t += p
    return t


@kernel("int64(int64[:, ::1], int64, int64, int64[::1])")
def _alt_rank_inplace(W, n, p, act):
    """Rank of the alternating matrix W (n x n, entries in [0, p)); W and act are scratch."""
    m = n
    for k in range(n):
        act[k] = k
    rank = 0
    while m >= 2:
        pi = -1
        pj = -1
        for a in range(m):
            i = act[a]
            for b in range(a + 1, m):
                if W[i, act[b]] != 0:
                    pi = a
                    pj = b
                    break
            if pi >= 0:
                break
        if pi < 0:
            break
        i = act[pi]
        j = act[pj]
        inv = _inv_mod(W[i, j], p)
        # remove positions pj then pi (pj > pi) from the active list
        act[pj] = act[m - 1]
        m -= 1
        act[pi] = act[m - 1]
        m -= 1
        for a in range(m):
            u = act[a]
            wiu = W[i, u]
            wju = W[j, u]
            if wiu == 0 and wju == 0:
                continue
            for b in range(a + 1, m):
                v = act[b]
                t = (wju * W[i, v] - wiu * W[j, v]) % p
                if t != 0:
                    val = (W[u, v] + t * inv) % p
                    W[u, v] = val
                    W[v, u] = (p - val) % p
        rank += 2
    return rank


def alt_rank_mod_p(A: np.ndarray, p: int) -> int:
    """Rank over F_p of one alternating matrix (int64 entries in [0, p)).

    Examples:
        >>> import numpy as np
        >>> from solvers.constant_rank._kernels import alt_rank_mod_p
        >>> alt_rank_mod_p(np.array([[0, 1], [2, 0]]), 3)
        2
    """
    W = np.array(A, dtype=np.int64, order="C")  # a copy: the elimination works in place
    return int(_alt_rank_inplace(W, W.shape[0], int(p), np.empty(W.shape[0], dtype=np.int64)))


def scan_family(base: np.ndarray, dirs: np.ndarray, p: int, start: int, count: int, target: int,
                stop_on_diff: bool, counts: np.ndarray) -> int:
    """Scan points ``start .. start+count-1`` of the family; return the first index whose rank
    differs from ``target`` (when ``stop_on_diff``) or -1; ``counts[r]`` (an int64 array,
    updated in place) accumulates ranks."""
    if not (isinstance(counts, np.ndarray) and counts.dtype == np.int64 and counts.flags.c_contiguous
            and counts.flags.writeable):
        raise TypeError("counts must be a writable C-contiguous int64 array (it is updated in place)")
    base = kernel_array(base, np.int64)
    dirs = kernel_array(dirs, np.int64)
    return int(_scan_family(base, dirs, int(p), int(start), int(count), int(target), bool(stop_on_diff), counts,
                            *_scan_work(base.shape[0], dirs.shape[0])))


def _scan_work(n: int, d: int) -> tuple[np.ndarray, ...]:
    """Scratch arrays of :func:`_scan_family` (allocated in numpy: nothing more to compile)."""
    return (np.empty((n, n), dtype=np.int64), np.empty(d, dtype=np.int64), np.empty((n, n), dtype=np.int64),
            np.empty(n, dtype=np.int64))


@kernel("int64(int64[:, ::1], int64[:, :, ::1], int64, int64, int64, int64, boolean, int64[::1], "
        "int64[:, ::1], int64[::1], int64[:, ::1], int64[::1])")
def _scan_family(base, dirs, p, start, count, target, stop_on_diff, counts, M, digits, W, act):
    n = base.shape[0]
    d = dirs.shape[0]
    for u in range(n):
        for v in range(n):
            M[u, v] = base[u, v]
    # position at `start`
    k = start
    for i in range(d):
        digits[i] = k % p  # (every digit is set here: the scratch array needs no zeroing)
        k //= p
        if digits[i] != 0:
            for u in range(n):
                for v in range(n):
                    M[u, v] = (M[u, v] + digits[i] * dirs[i, u, v]) % p
    for step in range(count):
        for u in range(n):
            for v in range(n):
                W[u, v] = M[u, v]
        r = _alt_rank_inplace(W, n, p, act)
        counts[r] += 1
        if stop_on_diff and r != target:
            return start + step
        # odometer increment: add D_i on every digit of the carry chain
        for i in range(d):
            digits[i] += 1
            for u in range(n):
                for v in range(u + 1, n):
                    x = M[u, v] + dirs[i, u, v]
                    if x >= p:
                        x -= p
                    M[u, v] = x
                    M[v, u] = (p - x) % p
            if digits[i] < p:
                break
            digits[i] = 0
    return -1


def first_extension(base: np.ndarray, dirs: np.ndarray, cands: np.ndarray, p: int, target: int) -> int:
    """Index of the first candidate direction ``D`` (rows of ``cands``) such that every point
    ``x + t D`` (x in the family, t = 1..p-1) has rank ``target``, or -1."""
    base = kernel_array(base, np.int64)
    dirs = kernel_array(dirs, np.int64)
    n = base.shape[0]
    return int(_first_extension(base, dirs, kernel_array(cands, np.int64), int(p), int(target),
                                np.zeros(n + 1, dtype=np.int64), np.empty((n, n), dtype=np.int64),
                                *_scan_work(n, dirs.shape[0])))


@kernel("int64(int64[:, ::1], int64[:, :, ::1], int64[:, :, ::1], int64, int64, int64[::1], int64[:, ::1], "
        "int64[:, ::1], int64[::1], int64[:, ::1], int64[::1])")
def _first_extension(base, dirs, cands, p, target, counts, b2, M, digits, W, act):
    n = base.shape[0]
    d = dirs.shape[0]
    total = 1
    for _ in range(d):
        total *= p
    for c in range(cands.shape[0]):
        ok = True
        for t in range(1, p):
            for u in range(n):
                for v in range(n):
                    b2[u, v] = (base[u, v] + t * cands[c, u, v]) % p
            if _scan_family(b2, dirs, p, 0, total, target, True, counts, M, digits, W, act) >= 0:
                ok = False
                break
        if ok:
            return c
    return -1
