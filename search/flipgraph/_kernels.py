"""Numba kernels of the flip-graph walk on bit-packed rank-one terms.

A scheme of rank ``r`` is held as two ``uint64`` arrays ``P`` and ``N`` of shape
``(3, rmax)``: factor ``s`` of term ``t`` has the coordinates set in ``P[s, t]`` equal to
+1 and those set in ``N[s, t]`` equal to -1 (over F2 ``N`` stays 0 and addition is XOR).
Modes: 0 = F2, 1 = F3, 2 = ZT (integers in {-1, 0, 1}: F3 arithmetic plus *ternary safety*,
a move is taken only when no coordinate would leave {-1, 0, 1}, so the integer identity
holds exactly).

Moves (every one is an exact identity of tensors, so validity is preserved):

- flip (terms i, j with ``x_i = s x_j``, ``s = +-1``; mu a unit):
  ``y_i <- y_i + mu y_j``, ``z_j <- z_j - s mu z_i``;
- reduction: two terms sharing two factors merge into one; a term with a zero factor
  vanishes;
- plus transition (rank + 1) for terms i, j without a common factor:
  ``(x_i - x_j) y_i z_i + x_j (y_i - y_j) z_i + x_j y_j (z_i + z_j)``.

Reference: M. Kauers, J. Moosbauer, "Flip graphs for matrix multiplication", ISSAC 2023;
"Some new non-commutative matrix multiplication algorithms of size (n,m,6)", 2025.
"""

from __future__ import annotations

import numpy as np
from numba import njit

U0 = np.uint64(0)
U1 = np.uint64(1)
U12 = np.uint64(12)
U25 = np.uint64(25)
U27 = np.uint64(27)
U32 = np.uint64(32)
UMUL = np.uint64(2685821657736338717)

STATUS_TARGET = 0
STATUS_BUDGET = 1
STATUS_STUCK = 2


@njit(inline="always")
def _next(st):
    x = st[0]
    x ^= x >> U12
    x ^= x << U25
    x ^= x >> U27
    st[0] = x
    return x * UMUL


@njit(inline="always")
def _randint(st, n):
    """Uniform integer in [0, n) for n < 2**32 (Lemire's multiply-shift)."""
    r = _next(st) >> U32
    return np.int64((r * np.uint64(n)) >> U32)


@njit(inline="always")
def _eq(p1, n1, p2, n2, mode):
    """+1 if equal, -1 if negatives of each other (not over F2), 0 otherwise."""
    if p1 == p2 and n1 == n2:
        return 1
    if mode != 0 and p1 == n2 and n1 == p2:
        return -1
    return 0


@njit(inline="always")
def _add(xp, xn, yp, yn, mode):
    """x + y; returns (p, n, safe). ``safe`` is False only in ZT mode on a +-2 coordinate."""
    if mode == 0:
        return xp ^ yp, U0, True
    xa = xp | xn
    ya = yp | yn
    p = (xp & ~ya) | (yp & ~xa) | (xn & yn)
    n = (xn & ~ya) | (yn & ~xa) | (xp & yp)
    safe = True
    if mode == 2:
        safe = ((xp & yp) | (xn & yn)) == U0
    return p, n, safe


# ---------------------------------------------------------------- flippable-pair list
# Pairs (slot s, term i, term j) whose factors s agree up to sign, held in three int64
# arrays PS, PI, PJ of length L (unordered: (s, i, j) and (s, j, i) are the same pair).


@njit(inline="always")
def _pairs_drop(PS, PI, PJ, L, s, t):
    """Remove every pair of slot s that contains term t (branch-free compaction)."""
    w = 0
    for q in range(L):
        ps = PS[q]
        pi = PI[q]
        pj = PJ[q]
        PS[w] = ps
        PI[w] = pi
        PJ[w] = pj
        w += 1 - ((ps == s) & ((pi == t) | (pj == t)))
    return w


@njit(inline="always")
def _pairs_drop_term(PS, PI, PJ, L, t):
    q = 0
    while q < L:
        if PI[q] == t or PJ[q] == t:
            L -= 1
            PS[q] = PS[L]
            PI[q] = PI[L]
            PJ[q] = PJ[L]
        else:
            q += 1
    return L


@njit(inline="always")
def _pairs_rename(PI, PJ, L, old, new):
    for q in range(L):
        if PI[q] == old:
            PI[q] = new
        if PJ[q] == old:
            PJ[q] = new


@njit(inline="always")
def _pairs_add(P, N, r, mode, PS, PI, PJ, L, s, t):
    """Add the pairs of slot s between term t and every other term (no duplicates)."""
    xp = P[s, t]
    xn = N[s, t]
    if (xp | xn) == U0:
        return L
    for k in range(r):
        if k == t:
            continue
        if (P[s, k] == xp and N[s, k] == xn) or (mode != 0 and P[s, k] == xn and N[s, k] == xp):
            dup = False
            for q in range(L):
                if PS[q] == s and ((PI[q] == t and PJ[q] == k) or (PI[q] == k and PJ[q] == t)):
                    dup = True
                    break
            if not dup and L < PS.shape[0]:
                PS[L] = s
                PI[L] = t
                PJ[L] = k
                L += 1
    return L


@njit(cache=True)
def pairs_build(P, N, r, mode, PS, PI, PJ):
    """All flippable pairs of the scheme; returns their number L."""
    L = 0
    for s in range(3):
        for i in range(r):
            for j in range(i + 1, r):
                if _eq(P[s, i], N[s, i], P[s, j], N[s, j], mode) != 0 and L < PS.shape[0]:
                    PS[L] = s
                    PI[L] = i
                    PJ[L] = j
                    L += 1
    return L


@njit(inline="always")
def _remove(P, N, r, k, t, other, PS, PI, PJ, L):
    """Delete term k (the last term moves into its place); track indices t and other."""
    last = r - 1
    L = _pairs_drop_term(PS, PI, PJ, L, k)
    if other == k:
        other = -1
    if t == k:
        t = -1
    if k != last:
        for s in range(3):
            P[s, k] = P[s, last]
            N[s, k] = N[s, last]
        _pairs_rename(PI, PJ, L, last, k)
        if t == last:
            t = k
        if other == last:
            other = k
    return r - 1, t, other, L


@njit(inline="always")
def _scan(P, N, r, mode, PS, PI, PJ, L, t, sl):
    """Add the pairs of slot ``sl`` of term ``t``; return ``(L, k, x)`` where ``k >= 0`` is a
    term sharing factor ``sl`` and a second factor ``x`` with ``t`` (a reduction)."""
    Ps = P[sl]
    Ns = N[sl]
    xp = Ps[t]
    xn = Ns[t]
    cap = PS.shape[0]
    neg = mode != 0
    for k in range(r):
        pk = Ps[k]
        nk = Ns[k]
        hit = (pk == xp) & (nk == xn)
        if neg:
            hit |= (pk == xn) & (nk == xp)
        if hit and k != t:
            for d in range(1, 3):
                x = (sl + d) % 3
                if _eq(P[x, k], N[x, k], P[x, t], N[x, t], mode) != 0:
                    return L, k, x
            if L < cap:
                PS[L] = sl
                PI[L] = t
                PJ[L] = k
                L += 1
    return L, -1, -1


@njit(cache=True)
def settle(P, N, r, t, sl, mode, other, PS, PI, PJ, L):
    """Register the changed factor ``sl`` of term ``t`` and apply the reductions it enables.

    The pairs of ``(sl, t)`` must have been dropped before the change. Returns
    ``(r, t, other, L)`` with updated indices (``-1`` for a removed term).
    """
    while t >= 0:
        if P[sl, t] == U0 and N[sl, t] == U0:
            r, t, other, L = _remove(P, N, r, t, t, other, PS, PI, PJ, L)
            return r, -1, other, L
        L0 = L
        L, k, x = _scan(P, N, r, mode, PS, PI, PJ, L, t, sl)
        if k < 0:
            return r, t, other, L
        e1 = _eq(P[sl, k], N[sl, k], P[sl, t], N[sl, t], mode)
        e2 = _eq(P[x, k], N[x, k], P[x, t], N[x, t], mode)
        z = 3 - sl - x
        # k = (e1 t_sl) (e2 t_x) k_z  ->  t_z += e1 e2 k_z
        zp = P[z, k]
        zn = N[z, k]
        if e1 * e2 < 0:
            zp, zn = zn, zp
        np_, nn_, safe = _add(P[z, t], N[z, t], zp, zn, mode)
        if not safe:
            # ternary-unsafe reduction: keep both terms, register the remaining pairs
            L = L0
            L = _pairs_add(P, N, r, mode, PS, PI, PJ, L, sl, t)
            return r, t, other, L
        # pairs of slot sl added so far stay valid (t keeps its factor sl)
        L = _pairs_drop(PS, PI, PJ, L, z, t)
        P[z, t] = np_
        N[z, t] = nn_
        r, t, other, L = _remove(P, N, r, k, t, other, PS, PI, PJ, L)
        # finish the pairs of slot sl (the scan stopped early), then continue with slot z
        L = _pairs_drop(PS, PI, PJ, L, sl, t)
        L = _pairs_add(P, N, r, mode, PS, PI, PJ, L, sl, t)
        L = _pairs_drop(PS, PI, PJ, L, z, t)
        sl = z
    return r, t, other, L


@njit(cache=True)
def _plus(P, N, r, rmax, mode, st, PS, PI, PJ, L):
    """One plus transition on a random pair without common factors; returns (r, L)."""
    if r + 1 > rmax or r < 2:
        return r, L
    for _ in range(64):
        i = _randint(st, r)
        j = _randint(st, r - 1)
        if j >= i:
            j += 1
        share = False
        for s in range(3):
            if _eq(P[s, i], N[s, i], P[s, j], N[s, j], mode) != 0:
                share = True
                break
        if share:
            continue
        x = _randint(st, 3)
        y = (x + 1 + _randint(st, 2)) % 3
        z = 3 - x - y
        for variant in range(2):
            # j represented as (sg x_j, y_j, sg z_j), sg = +-1
            jxp, jxn, jzp, jzn = P[x, j], N[x, j], P[z, j], N[z, j]
            if variant == 1:
                if mode == 0:
                    break
                jxp, jxn = jxn, jxp
                jzp, jzn = jzn, jzp
            if mode != 0:
                a_p, a_n, s1 = _add(P[x, i], N[x, i], jxn, jxp, mode)
                b_p, b_n, s2 = _add(P[y, i], N[y, i], N[y, j], P[y, j], mode)
            else:
                a_p, a_n, s1 = _add(P[x, i], N[x, i], jxp, U0, mode)
                b_p, b_n, s2 = _add(P[y, i], N[y, i], P[y, j], U0, mode)
            c_p, c_n, s3 = _add(P[z, i], N[z, i], jzp, jzn, mode)
            if not (s1 and s2 and s3):
                continue
            if (a_p | a_n) == U0 or (b_p | b_n) == U0 or (c_p | c_n) == U0:
                continue
            k = r
            L = _pairs_drop(PS, PI, PJ, L, x, i)
            L = _pairs_drop(PS, PI, PJ, L, x, j)
            L = _pairs_drop(PS, PI, PJ, L, z, j)
            # new term k = (jx, y_i - y_j, z_i)
            P[x, k] = jxp
            N[x, k] = jxn
            P[y, k] = b_p
            N[y, k] = b_n
            P[z, k] = P[z, i]
            N[z, k] = N[z, i]
            # term i = (x_i - jx, y_i, z_i)
            P[x, i] = a_p
            N[x, i] = a_n
            # term j = (jx, y_j, z_i + jz)
            P[x, j] = jxp
            N[x, j] = jxn
            P[z, j] = c_p
            N[z, j] = c_n
            r += 1
            L = _pairs_add(P, N, r, mode, PS, PI, PJ, L, x, i)
            L = _pairs_add(P, N, r, mode, PS, PI, PJ, L, x, j)
            L = _pairs_add(P, N, r, mode, PS, PI, PJ, L, z, j)
            for s in range(3):
                L = _pairs_add(P, N, r, mode, PS, PI, PJ, L, s, k)
            return r, L
    return r, L


@njit(cache=True)
def walk(P, N, r, mode, max_flips, target, plus_after, rmax, st, bestP, bestN, best):
    """Random flip-graph walk with reductions and plus transitions.

    Flips are sampled uniformly from the maintained list of flippable pairs.

    Args:
        P, N: ``(3, rmax)`` factor bitmasks (modified in place); ``r`` the current rank.
        mode: 0 F2, 1 F3, 2 ZT.
        max_flips: flips to perform at most in this call.
        target: stop once ``r <= target``.
        plus_after: flips without a new best rank before a plus transition (0: never).
        rmax: largest rank a plus transition may create.
        st: one-element ``uint64`` xorshift state (advanced in place).
        bestP, bestN, best: best scheme seen so far and ``best[0]`` its rank (updated).

    Returns:
        ``(r, flips, status)``: status 0 target reached, 1 flip budget used, 2 stuck.
    """
    cap = 3 * P.shape[1] * P.shape[1] // 2 + 16
    PS = np.empty(cap, dtype=np.int64)
    PI = np.empty(cap, dtype=np.int64)
    PJ = np.empty(cap, dtype=np.int64)
    L = pairs_build(P, N, r, mode, PS, PI, PJ)
    flips = 0
    since = 0
    if r < best[0]:
        best[0] = r
        for s in range(3):
            for t in range(r):
                bestP[s, t] = P[s, t]
                bestN[s, t] = N[s, t]
    fails = 0
    while r > target and flips < max_flips:
        if L == 0 or fails > 8 * L + 64:
            # no (safe) flip available
            if plus_after > 0 and r < rmax:
                r2, L = _plus(P, N, r, rmax, mode, st, PS, PI, PJ, L)
                if r2 == r:
                    return r, flips, STATUS_STUCK
                r = r2
                fails = 0
                since = 0
                continue
            return r, flips, STATUS_STUCK
        q = _randint(st, L)
        s = PS[q]
        i = PI[q]
        j = PJ[q]
        rb = _next(st)
        if rb & U1:
            i, j = j, i
        sg = 1
        if not (P[s, j] == P[s, i] and N[s, j] == N[s, i]):
            sg = -1
        a = (s + 1) % 3
        b = (s + 2) % 3
        if (rb >> U1) & U1:
            a, b = b, a
        mu = 1
        if mode != 0 and (rb >> U32) & U1:
            mu = -1
        # y_i += mu y_j   (slot a)
        yp = P[a, j]
        yn = N[a, j]
        if mu < 0:
            yp, yn = yn, yp
        na_p, na_n, s1 = _add(P[a, i], N[a, i], yp, yn, mode)
        # z_j -= sg mu z_i  (slot b)
        zp = P[b, i]
        zn = N[b, i]
        if mode != 0 and sg * mu > 0:
            zp, zn = zn, zp
        nb_p, nb_n, s2 = _add(P[b, j], N[b, j], zp, zn, mode)
        if not (s1 and s2):
            fails += 1
            continue
        fails = 0
        L = _pairs_drop(PS, PI, PJ, L, a, i)
        L = _pairs_drop(PS, PI, PJ, L, b, j)
        P[a, i] = na_p
        N[a, i] = na_n
        P[b, j] = nb_p
        N[b, j] = nb_n
        flips += 1
        since += 1
        r, i, j, L = settle(P, N, r, i, a, mode, j, PS, PI, PJ, L)
        if j >= 0:
            r, j, i, L = settle(P, N, r, j, b, mode, i, PS, PI, PJ, L)
        if r < best[0]:
            best[0] = r
            since = 0
            for s2_ in range(3):
                for t in range(r):
                    bestP[s2_, t] = P[s2_, t]
                    bestN[s2_, t] = N[s2_, t]
        elif plus_after > 0 and since >= plus_after and r < rmax:
            r, L = _plus(P, N, r, rmax, mode, st, PS, PI, PJ, L)
            since = 0
    if r <= target:
        return r, flips, STATUS_TARGET
    return r, flips, STATUS_BUDGET


@njit(cache=True)
def count_flippable(P, N, r, mode):
    """Number of unordered pairs of terms sharing a factor (up to sign), over all slots."""
    c = 0
    for s in range(3):
        for i in range(r):
            for j in range(i + 1, r):
                if _eq(P[s, i], N[s, i], P[s, j], N[s, j], mode) != 0:
                    c += 1
    return c
