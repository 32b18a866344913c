"""Numba kernels of the flip-graph walk on bit-packed rank-one terms.

A scheme of rank ``r`` is held as two ``uint64`` arrays ``P`` and ``N`` of shape
``(3, rmax)``: factor ``s`` of term ``t`` has the coordinates set in ``P[s, t]`` equal to
+1 and those set in ``N[s, t]`` equal to -1 (over F2 ``N`` stays 0 and addition is XOR).
Modes: 0 = F2, 1 = F3, 2 = ZT (integers in {-1, 0, 1}: F3 arithmetic plus *ternary safety*,
a move is taken only when no coordinate would leave {-1, 0, 1}, so the integer identity
holds exactly).

Over F3 a sum whose coordinate *wraps* (``1 + 1 = -1``, ``-1 - 1 = 1``) is a valid move, but a
walk that takes such moves drifts into schemes that hold only modulo 3, where reductions
are rare. Measured from the standard algorithm on ``<2,3,4>`` (one walker, plus period 1e5,
seeds 1-4, 3e7 flips): taking every wrapping move it ends at ranks 22, 21, 24 (seeds 1-3, the
issue's 23-24), and even wrap = 1/256 leaves it at 21-22; refusing wrapping flips and plus
transitions but taking wrapping reductions (the rank drops, the result holds modulo 3) reaches
20 for 1 of 4 seeds; refusing every wrapping move reaches 20 for all four (1.5-11 M flips), as
the ZT walk does (0.8-13.5 M). So an F3 walk takes a wrapping flip, plus transition, split or
reduction only with probability ``wrap / 256`` (default 0: it moves like the ZT walk, on
schemes that may hold only modulo 3 when it starts from one). Targets that exist only modulo
3 need wrapping moves (``ss`` n=2 at rank 5, lifted to Q: see :mod:`search.flipgraph.bilinear`).

Moves (every one is an exact identity of tensors, so validity is preserved):

- flip (terms i, j with ``x_i = s x_j``, ``s = +-1``; mu a unit):
  ``y_i <- y_i + mu y_j``, ``z_j <- z_j - s mu z_i``;
- reduction: two terms sharing two factors merge into one; a term with a zero factor
  vanishes;
- plus transition (rank + 1) for terms i, j without a common factor:
  ``(x_i - x_j) y_i z_i + x_j (y_i - y_j) z_i + x_j y_j (z_i + z_j)``;
- split (rank + 1): ``x_i y_i z_i = x_j y_i z_i + (x_i - x_j) y_i z_i`` for another term j.

Data structure (no list of flippable pairs to maintain):

- ``K[s, t]``: a sign-canonical 64-bit key of factor ``s`` of term ``t`` (the factor with its
  lowest nonzero coordinate made +1, packed as ``p ^ rotl(n, 32)``; exact for up to 32
  coordinates, otherwise a hash whose matches are re-checked on the factors);
- ``NX, PV``: the terms sharing factor ``s`` up to sign form a circular doubly linked list
  (a *class*); leaving a class is O(1), joining one is one scan of slot ``s`` that stops at
  the first equal factor;
- ``TAB`` (inside :func:`walk`, exact keys only): per slot, an open-addressing table with
  linear probing from a key to one term of its class, so a flip joins its new class in O(1)
  (the lowest term of the class, the one a scan would find, so walks are unchanged) instead
  of scanning all ``r`` terms; entries are handed to a class mate or deleted by backward shift
  when a term leaves, and the table is rebuilt after the rare moves done by helpers
  (reductions, plus transitions, splits). Measured on one core from the standard algorithm:
  1.2x (3x3x3) to 1.6-2x (4x4x4) more flips per second than the scan;
- the *half-edge list* ``HS, HT`` of every ``(s, t)`` in a class of two or more terms and its
  inverse ``pos``; a flip samples a half-edge uniformly, then a partner uniformly in its
  class.

Reference: M. Kauers, J. Moosbauer, "Flip graphs for matrix multiplication", ISSAC 2023;
Y. Arai, Y. Ichikawa, K. Hukushima, "Adaptive flip graph algorithm for matrix
multiplication", ISSAC 2024 (plus transitions);
"Some new non-commutative matrix multiplication algorithms of size (n,m,6)", 2025.
"""

from __future__ import annotations

import numpy as np

from engine._numba import kernel

# One signature per kernel (engine._numba.kernel): callers pass these dtypes, C-contiguous.
_F = "uint64[:, ::1]"  # factor bitmasks P, N (also bestP, bestN) and keys K
_ST = "uint64[::1]"  # generator state
_I1 = "int64[::1]"
_I2 = "int64[:, ::1]"
_PNK = f"{_F}, {_F}, {_F}"  # P, N, K
_LINKS = f"{_I2}, {_I2}, {_I1}, {_I1}, {_I2}"  # NX, PV, HS, HT, pos

U0 = np.uint64(0)
U1 = np.uint64(1)
U3 = np.uint64(3)
U255 = np.uint64(255)
U12 = np.uint64(12)
U25 = np.uint64(25)
U27 = np.uint64(27)
U32 = np.uint64(32)
UMUL = np.uint64(2685821657736338717)

STATUS_TARGET = 0
STATUS_BUDGET = 1
STATUS_STUCK = 2


@kernel(f"uint64({_ST})", no_cpython_wrapper=True, no_cfunc_wrapper=True)
def _next(st):
    x = st[0]
    x ^= x >> U12
    x ^= x << U25
    x ^= x >> U27
    st[0] = x
    return x * UMUL


@kernel(f"int64({_ST}, int64)", no_cpython_wrapper=True, no_cfunc_wrapper=True)
def _randint(st, n):
    """Uniform integer in [0, n) for n < 2**32 (Lemire's multiply-shift)."""
    r = _next(st) >> U32
    return np.int64((r * np.uint64(n)) >> U32)


@kernel("int64(uint64, uint64, uint64, uint64, int64)", no_cpython_wrapper=True, no_cfunc_wrapper=True)
def _eq(p1, n1, p2, n2, mode):
    """+1 if equal, -1 if negatives of each other (not over F2), 0 otherwise."""
    if p1 == p2 and n1 == n2:
        return 1
    if mode != 0 and p1 == n2 and n1 == p2:
        return -1
    return 0


@kernel("Tuple((uint64, uint64, boolean))(uint64, uint64, uint64, uint64, int64)", no_cpython_wrapper=True, no_cfunc_wrapper=True)
def _add(xp, xn, yp, yn, mode):
    """x + y; returns (p, n, safe). ``safe`` is False (modes 1, 2) on a coordinate where the
    integers would give +-2: ZT refuses such a move, F3 takes it as 1 + 1 = -1 only with the
    walk's ``wrap`` probability."""
    if mode == 0:
        return xp ^ yp, U0, True
    xa = xp | xn
    ya = yp | yn
    p = (xp & ~ya) | (yp & ~xa) | (xn & yn)
    n = (xn & ~ya) | (yn & ~xa) | (xp & yp)
    safe = True
    if mode != 0:
        safe = ((xp & yp) | (xn & yn)) == U0
    return p, n, safe


@kernel("uint64(uint64, uint64, int64)", no_cpython_wrapper=True, no_cfunc_wrapper=True)
def _key(p, n, mode):
    """Sign-canonical key of a factor (equal for x and -x when mode != 0)."""
    if mode == 0:
        return p
    a = p | n
    low = a & (~a + U1)
    if n & low:
        p, n = n, p
    return p ^ ((n << U32) | (n >> U32))


# ---------------------------------------------------------------- classes and half-edges


@kernel(f"boolean({_PNK}, int64, int64, uint64, uint64, uint64, int64, boolean)", no_cpython_wrapper=True, no_cfunc_wrapper=True)
def _same(P, N, K, s, k, key, p, n, mode, exact):
    """Factor s of term k equals (p, n) up to sign (key = _key(p, n))."""
    if K[s, k] != key:
        return False
    if exact:
        return True
    return _eq(P[s, k], N[s, k], p, n, mode) != 0


@kernel(f"int64({_I1}, {_I1}, {_I2}, int64, int64, int64)", no_cpython_wrapper=True, no_cfunc_wrapper=True)
def _h_add(HS, HT, pos, hl, s, t):
    pos[s, t] = hl
    HS[hl] = s
    HT[hl] = t
    return hl + 1


@kernel(f"int64({_I1}, {_I1}, {_I2}, int64, int64, int64)", no_cpython_wrapper=True, no_cfunc_wrapper=True)
def _h_del(HS, HT, pos, hl, s, t):
    q = pos[s, t]
    hl -= 1
    es = HS[hl]
    et = HT[hl]
    HS[q] = es
    HT[q] = et
    pos[es, et] = q
    pos[s, t] = -1
    return hl


@kernel(f"int64({_LINKS}, int64, int64, int64)", no_cpython_wrapper=True, no_cfunc_wrapper=True)
def _unlink(NX, PV, HS, HT, pos, hl, s, t):
    """Take term t out of its class of slot s (circular list); keep the half-edges right."""
    nx = NX[s, t]
    if nx == t:
        return hl
    pv = PV[s, t]
    NX[s, pv] = nx
    PV[s, nx] = pv
    if nx == pv:
        hl = _h_del(HS, HT, pos, hl, s, nx)
    hl = _h_del(HS, HT, pos, hl, s, t)
    NX[s, t] = t
    PV[s, t] = t
    return hl


@kernel(f"int64({_LINKS}, int64, int64, int64, int64)", no_cpython_wrapper=True, no_cfunc_wrapper=True)
def _link(NX, PV, HS, HT, pos, hl, s, t, k):
    """Put the single term t into the class of term k (slot s)."""
    nx = NX[s, k]
    if nx == k:
        hl = _h_add(HS, HT, pos, hl, s, k)
    NX[s, k] = t
    PV[s, t] = k
    NX[s, t] = nx
    PV[s, nx] = t
    return _h_add(HS, HT, pos, hl, s, t)


@kernel(f"UniTuple(int64, 2)({_PNK}, {_LINKS}, int64, int64, int64, boolean, int64, int64, uint64, uint64)", no_cpython_wrapper=True, no_cfunc_wrapper=True)
def _set(P, N, K, NX, PV, HS, HT, pos, hl, r, mode, exact, s, t, np_, nn_):
    """Set factor ``s`` of term ``t`` to ``(np_, nn_)`` and update its class and half-edges.

    One scan of slot ``s`` (stopping at the first equal factor). Returns ``(hl, cand)``:
    ``cand >= 0`` is a term sharing this factor and a second one with ``t`` (a reduction).
    """
    hl = _unlink(NX, PV, HS, HT, pos, hl, s, t)
    kn = _key(np_, nn_, mode)
    P[s, t] = np_
    N[s, t] = nn_
    K[s, t] = kn
    if (np_ | nn_) == U0:
        return hl, -1
    found = -1
    for k in range(r):
        if K[s, k] == kn and k != t:
            if exact or _eq(P[s, k], N[s, k], np_, nn_, mode) != 0:
                found = k
                break
    if found < 0:
        return hl, -1
    hl = _link(NX, PV, HS, HT, pos, hl, s, t, found)
    s1 = s + 1
    if s1 == 3:
        s1 = 0
    s2 = 3 - s - s1
    k = NX[s, t]
    while k != t:
        if _same(P, N, K, s1, k, K[s1, t], P[s1, t], N[s1, t], mode, exact) or _same(
            P, N, K, s2, k, K[s2, t], P[s2, t], N[s2, t], mode, exact
        ):
            return hl, k
        k = NX[s, k]
    return hl, -1


@kernel(f"UniTuple(int64, 2)({_PNK}, {_LINKS}, int64, int64, int64)", no_cpython_wrapper=True, no_cfunc_wrapper=True)
def _remove(P, N, K, NX, PV, HS, HT, pos, hl, r, k):
    """Delete term k (the last term moves into its place); returns (r, hl)."""
    for s in range(3):
        hl = _unlink(NX, PV, HS, HT, pos, hl, s, k)
    last = r - 1
    if k != last:
        for s in range(3):
            P[s, k] = P[s, last]
            N[s, k] = N[s, last]
            K[s, k] = K[s, last]
            nx = NX[s, last]
            if nx == last:
                NX[s, k] = k
                PV[s, k] = k
            else:
                pv = PV[s, last]
                NX[s, k] = nx
                PV[s, k] = pv
                NX[s, pv] = k
                PV[s, nx] = k
            q = pos[s, last]
            pos[s, k] = q
            if q >= 0:
                HT[q] = k
            NX[s, last] = last
            PV[s, last] = last
            pos[s, last] = -1
    return r - 1, hl


@kernel("int64(int64, int64, int64)", no_cpython_wrapper=True, no_cfunc_wrapper=True)
def _track(x, k, last):
    """Index of a tracked term after term k was removed (the last term moved to k)."""
    if x == k:
        return -1
    if x == last:
        return k
    return x


@kernel(f"UniTuple(int64, 2)({_PNK}, {_I2}, int64, boolean, int64, int64)", no_cpython_wrapper=True, no_cfunc_wrapper=True)
def _find_reduction(P, N, K, NX, mode, exact, t, s):
    """A term k sharing factor s and a second factor x with t: returns (k, x) or (-1, -1)."""
    k = NX[s, t]
    while k != t:
        for d in range(1, 3):
            x = (s + d) % 3
            if _same(P, N, K, x, k, K[x, t], P[x, t], N[x, t], mode, exact):
                return k, x
        k = NX[s, k]
    return -1, -1


@kernel(f"UniTuple(int64, 4)({_PNK}, {_LINKS}, int64, int64, int64, boolean, int64, int64, int64, boolean)")
def _chain(P, N, K, NX, PV, HS, HT, pos, hl, r, mode, exact, t, s, other, take):
    """Apply the reductions enabled by factor s of term t (and those they enable in turn).

    A merge whose sum would leave {-1, 0, 1} is never taken in ZT mode; over F3 (where it
    wraps, ``1 + 1 = -1``) it is taken when ``take`` is True.

    Returns ``(r, hl, t, other)`` with the tracked indices updated (-1: removed).
    """
    while t >= 0:
        if (P[s, t] | N[s, t]) == U0:
            last = r - 1
            r, hl = _remove(P, N, K, NX, PV, HS, HT, pos, hl, r, t)
            other = _track(other, t, last)
            return r, hl, -1, other
        k, x = _find_reduction(P, N, K, NX, mode, exact, t, s)
        if k < 0:
            return r, hl, t, other
        e1 = _eq(P[s, k], N[s, k], P[s, t], N[s, t], mode)
        e2 = _eq(P[x, k], N[x, k], P[x, t], N[x, t], mode)
        z = 3 - s - x
        # k = (e1 t_s)(e2 t_x) k_z  ->  t_z += e1 e2 k_z
        zp = P[z, k]
        zn = N[z, k]
        if e1 * e2 < 0:
            zp, zn = zn, zp
        np_, nn_, safe = _add(P[z, t], N[z, t], zp, zn, mode)
        if not safe and (mode == 2 or not take):
            return r, hl, t, other
        last = r - 1
        r, hl = _remove(P, N, K, NX, PV, HS, HT, pos, hl, r, k)
        t = _track(t, k, last)
        other = _track(other, k, last)
        hl, _c = _set(P, N, K, NX, PV, HS, HT, pos, hl, r, mode, exact, z, t, np_, nn_)
        s = z
    return r, hl, t, other


@kernel(f"Tuple((int64, boolean))({_PNK}, {_LINKS}, int64, int64)")
def _build(P, N, K, NX, PV, HS, HT, pos, r, mode):
    """Keys, classes and the half-edge list of a scheme; returns (hl, exact)."""
    allbits = U0
    for s in range(3):
        for t in range(r):
            allbits |= P[s, t] | N[s, t]
    exact = mode == 0 or (allbits >> U32) == U0
    for s in range(3):
        for t in range(P.shape[1]):
            K[s, t] = _key(P[s, t], N[s, t], mode)
            NX[s, t] = t
            PV[s, t] = t
            pos[s, t] = -1
    hl = 0
    for s in range(3):
        for t in range(r):
            for k in range(t):
                if _same(P, N, K, s, k, K[s, t], P[s, t], N[s, t], mode, exact):
                    hl = _link(NX, PV, HS, HT, pos, hl, s, t, k)
                    break
    return hl, exact


def reduce_scheme(P: np.ndarray, N: np.ndarray, r: int, mode: int) -> int:
    """Apply every reduction of a scheme in place (a start scheme, before a walk); returns the rank.

    Terms with a zero factor vanish; two terms sharing two factors up to sign (over F3 also
    ``y = 2x = -x``) merge into one, and the merges this enables follow. In ZT mode a merge whose
    sum would leave {-1, 0, 1} is not taken (it would not be an integer identity); over F2 and
    F3 every one is (a start scheme is taken as it is, whatever the walk's ``wrap``). The walk
    itself reduces after each flip; this pass covers a start scheme that is reducible already
    (a hand-made or converted scheme).

    A loop in Python over the walk's own kernels (:func:`_build`, :func:`_chain`): once per
    start scheme, so nothing more to compile on a first run than the walk needs.

    Args:
        P, N: ``(3, cap)`` C-contiguous ``uint64`` factor bitmasks (modified in place).
        r: the rank; mode: 0 F2, 1 F3, 2 ZT.
    """
    cap = P.shape[1]
    K = np.empty((3, cap), dtype=np.uint64)
    NX = np.empty((3, cap), dtype=np.int64)
    PV = np.empty((3, cap), dtype=np.int64)
    pos = np.empty((3, cap), dtype=np.int64)
    HS = np.empty(3 * cap, dtype=np.int64)
    HT = np.empty(3 * cap, dtype=np.int64)
    r = int(r)
    mode = int(mode)
    hl, exact = _build(P, N, K, NX, PV, HS, HT, pos, r, mode)
    t = 0
    while t < r:
        moved = False
        for s in range(3):
            r0 = r
            r, hl, _t, _o = _chain(P, N, K, NX, PV, HS, HT, pos, hl, r, mode, exact, t, s, -1, True)
            if r < r0:
                moved = True
                break
        t = 0 if moved else t + 1
    P[:, r:] = U0  # columns past the rank hold no stale factors
    N[:, r:] = U0
    return r


@kernel(f"none({_PNK}, {_I2}, {_I2}, {_I2}, int64)", no_cpython_wrapper=True, no_cfunc_wrapper=True)
def _blank_term(P, N, K, NX, PV, pos, k):
    """Slot k as an empty term of its own classes (before a rank-increasing move fills it)."""
    for q in range(3):
        P[q, k] = U0
        N[q, k] = U0
        K[q, k] = U0
        NX[q, k] = k
        PV[q, k] = k
        pos[q, k] = -1


@kernel(f"UniTuple(int64, 2)({_PNK}, {_LINKS}, int64, int64, int64, int64, boolean, {_ST}, int64)", no_cpython_wrapper=True, no_cfunc_wrapper=True)
def _plus(P, N, K, NX, PV, HS, HT, pos, hl, r, rmax, mode, exact, st, wrap):
    """One plus transition on a random pair without common factors; returns (r, hl)."""
    if r + 1 > rmax or r < 2:
        return r, hl
    for _ in range(64):
        i = _randint(st, r)
        j = _randint(st, r - 1)
        if j >= i:
            j += 1
        share = False
        for s in range(3):
            if K[s, i] == K[s, j] and _eq(P[s, i], N[s, i], P[s, j], N[s, j], mode) != 0:
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
            if not (s1 and s2 and s3) and (mode != 1 or _randint(st, 256) >= wrap):
                continue
            if (a_p | a_n) == U0 or (b_p | b_n) == U0 or (c_p | c_n) == U0:
                continue
            k = r
            izp = P[z, i]
            izn = N[z, i]
            # term i = (x_i - jx, y_i, z_i); term j = (jx, y_j, z_i + jz)
            hl, _c = _set(P, N, K, NX, PV, HS, HT, pos, hl, r, mode, exact, x, i, a_p, a_n)
            hl, _c = _set(P, N, K, NX, PV, HS, HT, pos, hl, r, mode, exact, x, j, jxp, jxn)
            hl, _c = _set(P, N, K, NX, PV, HS, HT, pos, hl, r, mode, exact, z, j, c_p, c_n)
            # new term k = (jx, y_i - y_j, z_i)
            _blank_term(P, N, K, NX, PV, pos, k)
            r += 1
            hl, _c = _set(P, N, K, NX, PV, HS, HT, pos, hl, r, mode, exact, x, k, jxp, jxn)
            hl, _c = _set(P, N, K, NX, PV, HS, HT, pos, hl, r, mode, exact, y, k, b_p, b_n)
            hl, _c = _set(P, N, K, NX, PV, HS, HT, pos, hl, r, mode, exact, z, k, izp, izn)
            return r, hl
    return r, hl


@kernel(f"UniTuple(int64, 2)({_PNK}, {_LINKS}, int64, int64, int64, int64, boolean, {_ST}, int64)")
def _split(P, N, K, NX, PV, HS, HT, pos, hl, r, rmax, mode, exact, st, wrap):
    """One split transition (rank + 1); returns (r, hl).

    For terms i != j and a slot s where their factors differ (up to sign), write
    ``x_i y_i z_i = (sg x_j) y_i z_i + (x_i - sg x_j) y_i z_i`` (sg = +-1 at random over
    F3/ZT): term i now shares factor s with term j, so flips between them become possible
    (the "split" expansion of the C++ ternary flip-graph framework, A. I. Perminov, "Fast
    matrix multiplication via ternary meta flip graphs", arXiv:2511.20317).
    """
    if r + 1 > rmax or r < 2:
        return r, hl
    for _ in range(64):
        i = _randint(st, r)
        j = _randint(st, r - 1)
        if j >= i:
            j += 1
        s = _randint(st, 3)
        if K[s, i] == K[s, j] and _eq(P[s, i], N[s, i], P[s, j], N[s, j], mode) != 0:
            continue
        jp = P[s, j]
        jn = N[s, j]
        if mode != 0 and _randint(st, 2) == 1:
            jp, jn = jn, jp
        # d = x_i - sg x_j
        if mode != 0:
            d_p, d_n, safe = _add(P[s, i], N[s, i], jn, jp, mode)
        else:
            d_p, d_n, safe = _add(P[s, i], N[s, i], jp, U0, mode)
        if (d_p | d_n) == U0 or (not safe and (mode != 1 or _randint(st, 256) >= wrap)):
            continue
        k = r
        s1 = s + 1
        if s1 == 3:
            s1 = 0
        s2 = 3 - s - s1
        y_p, y_n, z_p, z_n = P[s1, i], N[s1, i], P[s2, i], N[s2, i]
        hl, _c = _set(P, N, K, NX, PV, HS, HT, pos, hl, r, mode, exact, s, i, jp, jn)
        _blank_term(P, N, K, NX, PV, pos, k)
        r += 1
        hl, _c = _set(P, N, K, NX, PV, HS, HT, pos, hl, r, mode, exact, s, k, d_p, d_n)
        hl, _c = _set(P, N, K, NX, PV, HS, HT, pos, hl, r, mode, exact, s1, k, y_p, y_n)
        hl, _c = _set(P, N, K, NX, PV, HS, HT, pos, hl, r, mode, exact, s2, k, z_p, z_n)
        return r, hl
    return r, hl


UHASH = np.uint64(0x9E3779B97F4A7C15)


@kernel(f"none({_F}, {_F}, {_F}, {_I2}, int64, uint64)", no_cpython_wrapper=True, no_cfunc_wrapper=True)
def _tab_build(P, N, K, TAB, r, shift):
    """Per slot, an open-addressing table (linear probing) from a factor's key to one term of
    its class (exact keys only): the walk finds the class of a new factor without scanning
    the terms."""
    mask = TAB.shape[1] - 1
    for s in range(3):
        for h in range(TAB.shape[1]):
            TAB[s, h] = -1
        for t in range(r):
            if (P[s, t] | N[s, t]) == U0:
                continue
            kt = K[s, t]
            h = np.int64((kt * UHASH) >> shift)
            while TAB[s, h] >= 0 and K[s, TAB[s, h]] != kt:
                h = (h + 1) & mask
            if TAB[s, h] < 0:
                TAB[s, h] = t


@kernel("UniTuple(uint64, 2)(uint64)", no_cpython_wrapper=True, no_cfunc_wrapper=True)
def _xs(x):
    """One xorshift64* step on a scalar state: returns (new state, 64 random bits)."""
    x ^= x >> U12
    x ^= x << U25
    x ^= x >> U27
    return x, x * UMUL


@kernel("int64(uint64, int64)", no_cpython_wrapper=True, no_cfunc_wrapper=True)
def _below(bits32, n):
    """Map 32 random bits to [0, n) (Lemire's multiply-shift)."""
    return np.int64((bits32 * np.uint64(n)) >> U32)


@kernel(f"UniTuple(int64, 3)({_F}, {_F}, int64, int64, int64, int64, int64, int64, {_ST}, {_F}, {_F}, {_I1}, int64, int64)")
def walk(P, N, r, mode, max_flips, target, plus_after, rmax, st, bestP, bestN, best, split, wrap):
    """Random flip-graph walk with reductions and plus transitions.

    A flip picks a half-edge ``(slot, term)`` uniformly among the factors shared with another
    term, a partner uniformly in that class, then the two other slots' roles, the order of
    the pair and (over F3/ZT) the unit ``mu`` at random. Plus transitions happen after a
    random number of flips in ``[plus_after / 16, plus_after]`` without a rank decrease,
    while the rank stays below ``best + (rmax - best at entry)``.

    The hot loop uses no helper that takes an array (numba would reference-count every
    array argument of an inlined call, which costs more than the flip itself).

    Args:
        P, N: ``(3, cap)`` factor bitmasks (modified in place); ``r`` the current rank.
        mode: 0 F2, 1 F3, 2 ZT.
        max_flips: flips to perform at most in this call.
        target: stop once ``r <= target``.
        plus_after: largest plus period (0: never).
        rmax: largest rank a plus transition may create at entry; the margin
            ``rmax - best[0]`` follows the best rank when it improves.
        st: one-element ``uint64`` xorshift state (advanced in place).
        bestP, bestN, best: best scheme seen so far and ``best[0]`` its rank (updated).
        split: a rank-increasing move is a split (:func:`_split`) with probability
            ``split / 256``, else a plus transition (0: always plus, the old behaviour,
            with an unchanged random stream).
        wrap: (F3 only) a flip, plus transition, split or reduction whose sum wraps modulo 3
            is taken with probability ``wrap / 256`` (0: never, the F3 walk keeps the ternary
            safety of ZT; 256: always). Ignored over F2 and ZT (same random stream).

    Returns:
        ``(r, flips, status)``: status 0 target reached, 1 flip budget used, 2 stuck.
    """
    cap = P.shape[1]
    K = np.empty((3, cap), dtype=np.uint64)
    NX = np.empty((3, cap), dtype=np.int64)
    PV = np.empty((3, cap), dtype=np.int64)
    pos = np.empty((3, cap), dtype=np.int64)
    HS = np.empty(3 * cap, dtype=np.int64)
    HT = np.empty(3 * cap, dtype=np.int64)
    hl, exact = _build(P, N, K, NX, PV, HS, HT, pos, r, mode)
    # key -> class table per slot (exact keys only; otherwise the join scans the terms)
    tbits = 3
    while (1 << tbits) < 4 * cap:
        tbits += 1
    TAB = np.empty((3, 1 << tbits), dtype=np.int64)
    tmask = (1 << tbits) - 1
    tshift = np.uint64(64 - tbits)
    if exact:
        _tab_build(P, N, K, TAB, r, tshift)
    if r < best[0]:
        best[0] = r
        for s in range(3):
            for t in range(r):
                bestP[s, t] = P[s, t]
                bestN[s, t] = N[s, t]
    margin = rmax - best[0]
    if margin < 0:
        margin = 0
    top = cap - 1
    x = st[0]
    plo = plus_after // 16 + 1
    period = plus_after
    if plus_after > 0:
        x, y = _xs(x)
        period = plo + _below(y >> U32, plus_after - plo + 1)
    flips = 0
    since = 0
    fails = 0
    M32 = np.uint64(0xFFFFFFFF)
    status = STATUS_BUDGET
    while flips < max_flips:
        if r <= target:
            status = STATUS_TARGET
            break
        lim = best[0] + margin
        if lim > top:
            lim = top
        if hl == 0 or fails > 4 * hl + 64:
            # no (safe) flip available
            if plus_after > 0 and r < lim:
                st[0] = x
                if split > 0 and _randint(st, 256) < split:
                    r2, hl = _split(P, N, K, NX, PV, HS, HT, pos, hl, r, lim, mode, exact, st, wrap)
                else:
                    r2, hl = _plus(P, N, K, NX, PV, HS, HT, pos, hl, r, lim, mode, exact, st, wrap)
                x = st[0]
                if exact:
                    _tab_build(P, N, K, TAB, r2, tshift)
                if r2 != r:
                    r = r2
                    fails = 0
                    since = 0
                    continue
            status = STATUS_STUCK
            break
        x, rb = _xs(x)
        q = _below(rb >> U32, hl)
        s = HS[q]
        i = HT[q]
        # partner: uniform in the class of (s, i)
        deg = 0
        k = NX[s, i]
        while k != i:
            deg += 1
            k = NX[s, k]
        m = _below(rb & M32, deg)
        j = NX[s, i]
        while m > 0:
            j = NX[s, j]
            m -= 1
        x, rb = _xs(x)
        if rb & U1:
            i, j = j, i
        sg = 1
        if not (P[s, j] == P[s, i] and N[s, j] == N[s, i]):
            sg = -1
        a = s + 1
        if a == 3:
            a = 0
        b = 3 - s - a
        if (rb >> U1) & U1:
            a, b = b, a
        mu = 1
        if mode != 0 and (rb >> np.uint64(2)) & U1:
            mu = -1
        # y_i += mu y_j   (slot a)
        yp = P[a, j]
        yn = N[a, j]
        if mu < 0:
            yp, yn = yn, yp
        na_p, na_n, s1 = _add(P[a, i], N[a, i], yp, yn, mode)
        if mode == 2 and not s1:  # ZT refuses it whatever the second sum (same outcome, less work)
            fails += 1
            continue
        # z_j -= sg mu z_i  (slot b)
        zp = P[b, i]
        zn = N[b, i]
        if mode != 0 and sg * mu > 0:
            zp, zn = zn, zp
        nb_p, nb_n, s2 = _add(P[b, j], N[b, j], zp, zn, mode)
        if not (s1 and s2) and (mode != 1 or np.int64((rb >> U3) & U255) >= wrap):
            fails += 1
            continue
        fails = 0
        flips += 1
        since += 1
        rare = (na_p | na_n) == U0 or (nb_p | nb_n) == U0
        for u in range(2):
            if u == 0:
                ss = a
                t = i
                np_ = na_p
                nn_ = na_n
            else:
                ss = b
                t = j
                np_ = nb_p
                nn_ = nb_n
            # leave the old class (O(1))
            nx = NX[ss, t]
            if exact and (P[ss, t] | N[ss, t]) != U0:
                # the table entry of the old key: hand it to a class mate, or delete it
                ko = K[ss, t]
                h = np.int64((ko * UHASH) >> tshift)
                while TAB[ss, h] >= 0 and K[ss, TAB[ss, h]] != ko:
                    h = (h + 1) & tmask
                if TAB[ss, h] == t:
                    if nx != t:
                        TAB[ss, h] = nx
                    else:  # backward-shift deletion (linear probing)
                        hi = h
                        hj = (h + 1) & tmask
                        while True:
                            e = TAB[ss, hj]
                            if e < 0:
                                TAB[ss, hi] = -1
                                break
                            home = np.int64((K[ss, e] * UHASH) >> tshift)
                            if (hj > hi and (home <= hi or home > hj)) or (hj < hi and home <= hi and home > hj):
                                TAB[ss, hi] = e
                                hi = hj
                            hj = (hj + 1) & tmask
            if nx != t:
                pv = PV[ss, t]
                NX[ss, pv] = nx
                PV[ss, nx] = pv
                if nx == pv:  # nx is alone now: drop its half-edge
                    qq = pos[ss, nx]
                    hl -= 1
                    HS[qq] = HS[hl]
                    HT[qq] = HT[hl]
                    pos[HS[hl], HT[hl]] = qq
                    pos[ss, nx] = -1
                qq = pos[ss, t]
                hl -= 1
                HS[qq] = HS[hl]
                HT[qq] = HT[hl]
                pos[HS[hl], HT[hl]] = qq
                pos[ss, t] = -1
                NX[ss, t] = t
                PV[ss, t] = t
            kn = _key(np_, nn_, mode)
            P[ss, t] = np_
            N[ss, t] = nn_
            K[ss, t] = kn
            if (np_ | nn_) == U0:
                continue
            # join the new class: the first (lowest) term with an equal factor
            found = -1
            k0 = r
            if exact:
                k0 = r  # no scan
                h = np.int64((kn * UHASH) >> tshift)
                while TAB[ss, h] >= 0:
                    e = TAB[ss, h]
                    if K[ss, e] == kn:
                        found = e
                        k = NX[ss, e]
                        while k != e:
                            if k < found:
                                found = k
                            k = NX[ss, k]
                        break
                    h = (h + 1) & tmask
                if found < 0:
                    TAB[ss, h] = t
            else:
                k0 = 0
            while k0 < r:
                k1 = k0 + 4
                if k1 <= r:
                    if not ((K[ss, k0] == kn) | (K[ss, k0 + 1] == kn) | (K[ss, k0 + 2] == kn) | (K[ss, k0 + 3] == kn)):
                        k0 = k1
                        continue
                else:
                    k1 = r
                for k in range(k0, k1):
                    if K[ss, k] == kn and k != t:
                        if exact or _eq(P[ss, k], N[ss, k], np_, nn_, mode) != 0:
                            found = k
                            break
                if found >= 0:
                    break
                k0 = k1
            if found < 0:
                continue
            nx = NX[ss, found]
            if nx == found:  # found was alone: add its half-edge
                pos[ss, found] = hl
                HS[hl] = ss
                HT[hl] = found
                hl += 1
            NX[ss, found] = t
            PV[ss, t] = found
            NX[ss, t] = nx
            PV[ss, nx] = t
            pos[ss, t] = hl
            HS[hl] = ss
            HT[hl] = t
            hl += 1
            # a class mate sharing a second factor: reduction
            if not rare:
                o1 = ss + 1
                if o1 == 3:
                    o1 = 0
                o2 = 3 - ss - o1
                k1 = K[o1, t]
                k2 = K[o2, t]
                k = nx
                while k != t:
                    if K[o1, k] == k1 and (exact or _eq(P[o1, k], N[o1, k], P[o1, t], N[o1, t], mode) != 0):
                        rare = True
                        break
                    if K[o2, k] == k2 and (exact or _eq(P[o2, k], N[o2, k], P[o2, t], N[o2, t], mode) != 0):
                        rare = True
                        break
                    k = NX[ss, k]
        if rare:
            r0 = r
            take = wrap >= 256
            if mode == 1 and 0 < wrap < 256:  # one draw per flip; F2 and ZT streams unchanged
                x, y = _xs(x)
                take = np.int64(y >> np.uint64(56)) < wrap
            r, hl, i, j = _chain(P, N, K, NX, PV, HS, HT, pos, hl, r, mode, exact, i, a, j, take)
            if j >= 0:
                r, hl, j, i = _chain(P, N, K, NX, PV, HS, HT, pos, hl, r, mode, exact, j, b, i, take)
            if exact:
                _tab_build(P, N, K, TAB, r, tshift)
            if r < r0:
                since = 0
            if r < best[0]:
                best[0] = r
                for s2_ in range(3):
                    for t in range(r):
                        bestP[s2_, t] = P[s2_, t]
                        bestN[s2_, t] = N[s2_, t]
        if plus_after > 0 and since >= period and r < lim:
            st[0] = x
            if split > 0 and _randint(st, 256) < split:
                r, hl = _split(P, N, K, NX, PV, HS, HT, pos, hl, r, lim, mode, exact, st, wrap)
            else:
                r, hl = _plus(P, N, K, NX, PV, HS, HT, pos, hl, r, lim, mode, exact, st, wrap)
            x = st[0]
            if exact:
                _tab_build(P, N, K, TAB, r, tshift)
            since = 0
            x, y = _xs(x)
            period = plo + _below(y >> U32, plus_after - plo + 1)
    st[0] = x
    if status == STATUS_BUDGET and r <= target:
        status = STATUS_TARGET
    return r, flips, status


@kernel(f"int64({_F}, {_F}, int64, int64)")
def count_flippable(P, N, r, mode):
    """Number of unordered pairs of terms sharing a factor (up to sign), over all slots."""
    c = 0
    for s in range(3):
        for i in range(r):
            for j in range(i + 1, r):
                if _eq(P[s, i], N[s, i], P[s, j], N[s, j], mode) != 0:
                    c += 1
    return c
