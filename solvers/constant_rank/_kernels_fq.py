"""numba kernels over F_q (q <= 9, elements 0..q-1) with addition/multiplication tables.

The same scans as :mod:`solvers.constant_rank._kernels` (which works with residues mod a
prime), for the fields F4, F8, F9 whose arithmetic is not arithmetic mod q: every field
operation is a table look-up (``add[a, b]``, ``mul[a, b]``, ``neg[a]``, ``inv[a]``, the tables
of :class:`engine.alternating_fields.SmallField`). Rank by skew Gaussian elimination with 2x2
pivot blocks (J. R. Bunch, Math. Comp. 38 (1982) 475-479): pivot ``a = W[i, j] != 0``, then
``W[u, v] += (W[j, u] W[i, v] - W[i, u] W[j, v]) / a`` on the remaining indices, rank += 2.

The family ``B + t_1 D_1 + ... + t_d D_d`` is visited in odometer order (point ``k`` has the
base-``q`` digits ``t_1, t_2, ...`` as element codes, least significant first); when the digit
``t_i`` moves from ``a`` to ``b`` the matrix changes by ``(b - a) D_i``, computed entrywise as
``M - a D_i + b D_i`` with the tables. Explicit signatures (:func:`engine._numba.kernel`): compiled on first use, or at install.
"""

from __future__ import annotations

import numpy as np

from engine._numba import kernel

__all__ = ["alt_rank_fq", "scan_family_fq", "first_extension_fq", "tables"]

_I2 = "int64[:, :]"
_I1 = "int64[:]"
_I3 = "int64[:, :, :]"


@kernel(f"int64({_I2}, int64, {_I2}, {_I2}, {_I1}, {_I1}, {_I1})")
def _alt_rank_fq_inplace(W, n, add, mul, neg, inv, act):  # pragma: no cover - compiled
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
        iv = inv[W[i, j]]
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
                t = add[mul[wju, W[i, v]], neg[mul[wiu, W[j, v]]]]
                if t != 0:
                    val = add[W[u, v], mul[t, iv]]
                    W[u, v] = val
                    W[v, u] = neg[val]
        rank += 2
    return rank


@kernel(f"int64({_I2}, {_I2}, {_I2}, {_I1}, {_I1})")
def alt_rank_fq(A, add, mul, neg, inv):  # pragma: no cover - compiled
    """Rank over F_q of one alternating matrix of element codes."""
    n = A.shape[0]
    W = A.copy()
    act = np.empty(n, dtype=np.int64)
    return _alt_rank_fq_inplace(W, n, add, mul, neg, inv, act)


@kernel(f"int64({_I2}, {_I3}, {_I2}, {_I2}, {_I1}, {_I1}, int64, int64, int64, int64, boolean, {_I1})")
def scan_family_fq(base, dirs, add, mul, neg, inv, q, start, count, target, stop_on_diff, counts):  # pragma: no cover
    """Scan points ``start .. start+count-1``; return the first index whose rank differs from
    ``target`` (when ``stop_on_diff``) or -1; ``counts[r]`` accumulates the ranks."""
    n = base.shape[0]
    d = dirs.shape[0]
    M = base.copy()
    digits = np.zeros(d, dtype=np.int64)
    k = start
    for i in range(d):
        digits[i] = k % q
        k //= q
        c = digits[i]
        if c != 0:
            for u in range(n):
                for v in range(n):
                    M[u, v] = add[M[u, v], mul[c, dirs[i, u, v]]]
    W = np.empty((n, n), dtype=np.int64)
    act = np.empty(n, dtype=np.int64)
    for step in range(count):
        for u in range(n):
            for v in range(n):
                W[u, v] = M[u, v]
        r = _alt_rank_fq_inplace(W, n, add, mul, neg, inv, act)
        counts[r] += 1
        if stop_on_diff and r != target:
            return start + step
        for i in range(d):
            old = digits[i]
            new = old + 1
            if new == q:
                new = 0
            digits[i] = new
            for u in range(n):
                for v in range(u + 1, n):
                    e = dirs[i, u, v]
                    if e != 0:
                        x = add[add[M[u, v], neg[mul[old, e]]], mul[new, e]]
                        M[u, v] = x
                        M[v, u] = neg[x]
            if new != 0:
                break
    return -1


@kernel(f"int64({_I2}, {_I3}, {_I3}, {_I2}, {_I2}, {_I1}, {_I1}, int64, int64)")
def first_extension_fq(base, dirs, cands, add, mul, neg, inv, q, target):  # pragma: no cover
    """Index of the first candidate direction ``D`` (``cands[c]``) such that every point
    ``x + t D`` (x in the family, ``t`` a nonzero element) has rank ``target``, or -1."""
    n = base.shape[0]
    d = dirs.shape[0]
    total = 1
    for _ in range(d):
        total *= q
    counts = np.zeros(n + 1, dtype=np.int64)
    b2 = np.empty((n, n), dtype=np.int64)
    for c in range(cands.shape[0]):
        ok = True
        for t in range(1, q):
            for u in range(n):
                for v in range(n):
                    b2[u, v] = add[base[u, v], mul[t, cands[c, u, v]]]
            if scan_family_fq(b2, dirs, add, mul, neg, inv, q, 0, total, target, True, counts) >= 0:
                ok = False
                break
        if ok:
            return c
    return -1


def tables(q: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Writable contiguous copies of the F_q tables ``(add, mul, neg, inv)`` for the kernels."""
    from engine.alternating_fields import small_field

    F = small_field(q)
    return tuple(np.ascontiguousarray(a, dtype=np.int64).copy() for a in (F.add, F.mul, F.neg, F.inv))  # type: ignore[return-value]
