"""CUDA kernels (numba.cuda) of the flip-graph walk: one thread walks one scheme.

The scheme layout is the CPU walk's (:mod:`search.flipgraph.walk`): factor ``s`` of term ``t`` of
walker ``w`` is the pair of ``uint64`` bitmasks ``P[w, s, t]`` (coordinates equal to +1) and
``N[w, s, t]`` (coordinates equal to -1); over F2 ``N`` stays 0. Modes: 0 = F2, 1 = F3, 2 = ZT
(F3 arithmetic, and a move is taken only when no coordinate leaves {-1, 0, 1}, so the integer
identity holds exactly; over F3 a move whose sum wraps modulo 3 is refused too, as the CPU walk
does by default).

Moves, each an exact identity of tensors (validity is kept):

- flip: terms ``i, j`` with ``x_i = g x_j`` (``g = +-1``) in a slot ``s``, a unit ``mu``:
  ``y_i <- y_i + mu y_j`` and ``z_j <- z_j - g mu z_i`` in the other two slots;
- reduction: a term with a zero factor vanishes; two terms sharing two factors up to sign
  merge (``x y z + (g1 x)(g2 y) z' = x y (z + g1 g2 z')``);
- plus transition (rank + 1) after ``plus_after`` flips without improvement, below
  ``best + plus_limit``: ``x_i y_i z_i + x_j y_j z_j = (x_i - x_j) y_i z_i + x_j (y_i - y_j) z_i
  + x_j y_j (z_i + z_j)``;
- reset to the walker's best after ``reset_after`` flips without improvement.

A flip samples a term and a slot uniformly and a partner uniformly among the terms whose factor
in that slot is equal up to sign (one O(r) scan; a GPU thread keeps no linked lists). Every thread
owns a xorshift64 generator seeded from the run's seed.

These kernels run on a GPU, or on the CPU through the CUDA simulator (``NUMBA_ENABLE_CUDASIM=1``,
used by the tests). Nothing a kernel reports is trusted: :mod:`search.flipgraph.gpu` re-verifies
every scheme exactly on the CPU (Brent equations) before the runner stores or reports it.

Reference: M. Kauers, J. Moosbauer, "Flip graphs for matrix multiplication", ISSAC 2023; Y. Arai,
Y. Ichikawa, K. Hukushima, "Adaptive flip graph algorithm for matrix multiplication", ISSAC 2024
(plus transitions); the ternary meta flip graph paper (arXiv:2511.20317) for walks of thousands of
walkers on one GPU.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

__all__ = ["walk_kernel", "THREADS_PER_BLOCK"]

THREADS_PER_BLOCK = 128

_Z = np.uint64(0)
_S12 = np.uint64(12)
_S25 = np.uint64(25)
_S27 = np.uint64(27)
_S33 = np.uint64(33)


@lru_cache(maxsize=1)
def walk_kernel():
    """The CUDA kernel ``walk(P, N, R, BP, BN, BR, RNG, STATS, DONE, mode, target, steps, plus_after,
    plus_limit, reset_after)``, built on first use: numba.cuda is imported only then, so importing
    this module never fixes whether the GPU or the simulator (``NUMBA_ENABLE_CUDASIM=1``) runs it."""
    # Module globals, as if defined at the top level: the simulator swaps the global ``cuda`` of
    # a kernel, and numba resolves device functions as globals.
    global cuda, int64, uint64, _rand, _randint, _add, _neg, _sign, _remove, _reduce_term, _find, _plus
    from numba import cuda, int64, uint64

    @cuda.jit(device=True)
    def _rand(rng, w):
        x = rng[w]
        x ^= x >> _S12
        x ^= x << _S25
        x ^= x >> _S27
        rng[w] = x
        return x


    @cuda.jit(device=True)
    def _randint(rng, w, n):
        """Uniform in [0, n) (n >= 1)."""
        return int64((_rand(rng, w) >> _S33) % uint64(n))


    @cuda.jit(device=True)
    def _add(p1, n1, p2, n2, mode):
        """(p, n, wraps) of x + y; ``wraps`` is True when a coordinate wraps modulo 3 (F3/ZT)."""
        if mode == 0:
            return p1 ^ p2, _Z, False
        z1 = ~(p1 | n1)
        z2 = ~(p2 | n2)
        p = (p1 & z2) | (p2 & z1) | (n1 & n2)
        n = (n1 & z2) | (n2 & z1) | (p1 & p2)
        return p, n, ((p1 & p2) | (n1 & n2)) != _Z


    @cuda.jit(device=True)
    def _neg(p, n, mode):
        """-x (over F2 the same factor)."""
        if mode == 0:
            return p, n
        return n, p


    @cuda.jit(device=True)
    def _sign(pa, na, pb, nb, mode):
        """+1 or -1 when factor a = +-b (nonzero), else 0."""
        if pa == pb and na == nb and (pa | na) != _Z:
            return 1
        if mode != 0 and pa == nb and na == pb and (pa | na) != _Z:
            return -1
        return 0


    @cuda.jit(device=True)
    def _remove(P, N, w, t, r):
        """Drop term t (the last term moves into its place); returns the new rank."""
        last = r - 1
        for s in range(3):
            P[w, s, t] = P[w, s, last]
            N[w, s, t] = N[w, s, last]
            P[w, s, last] = _Z
            N[w, s, last] = _Z
        return last


    @cuda.jit(device=True)
    def _reduce_term(P, N, w, t, r, mode):
        """Reductions around term t: a zero factor drops it; a term sharing two factors with it up to
        sign merges into it. Returns the new rank (the terms after t may have moved)."""
        while t < r:
            if ((P[w, 0, t] | N[w, 0, t]) == _Z or (P[w, 1, t] | N[w, 1, t]) == _Z
                    or (P[w, 2, t] | N[w, 2, t]) == _Z):
                return _remove(P, N, w, t, r)
            merged = False
            for k in range(r):
                if k == t:
                    continue
                g0 = _sign(P[w, 0, t], N[w, 0, t], P[w, 0, k], N[w, 0, k], mode)
                g1 = _sign(P[w, 1, t], N[w, 1, t], P[w, 1, k], N[w, 1, k], mode)
                g2 = _sign(P[w, 2, t], N[w, 2, t], P[w, 2, k], N[w, 2, k], mode)
                f = -1
                g = 0
                if g0 != 0 and g1 != 0:
                    f = 2
                    g = g0 * g1
                elif g0 != 0 and g2 != 0:
                    f = 1
                    g = g0 * g2
                elif g1 != 0 and g2 != 0:
                    f = 0
                    g = g1 * g2
                if f < 0:
                    continue
                pk = P[w, f, k]
                nk = N[w, f, k]
                if g < 0:
                    pk, nk = _neg(pk, nk, mode)
                p, n, wraps = _add(P[w, f, t], N[w, f, t], pk, nk, mode)
                if wraps:
                    continue
                P[w, f, t] = p
                N[w, f, t] = n
                r = _remove(P, N, w, k, r)
                if k < t:  # t was the last term and moved into k's place
                    t = k
                merged = True
                break
            if not merged:
                return r
        return r


    @cuda.jit(device=True)
    def _find(P, N, w, r, p0, n0, p1, n1, p2, n2):
        """Index of the term with exactly these factors, or -1."""
        for k in range(r):
            if (P[w, 0, k] == p0 and N[w, 0, k] == n0 and P[w, 1, k] == p1 and N[w, 1, k] == n1
                    and P[w, 2, k] == p2 and N[w, 2, k] == n2):
                return k
        return -1


    @cuda.jit(device=True)
    def _plus(P, N, w, r, rmax, mode, rng):
        """A plus transition on two random terms (rank + 1); returns the new rank (unchanged when refused)."""
        if r < 2 or r >= rmax:
            return r
        i = _randint(rng, w, r)
        j = _randint(rng, w, r - 1)
        if j >= i:
            j += 1
        s = _randint(rng, w, 3)
        a = (s + 1) % 3
        b = (s + 2) % 3
        if _randint(rng, w, 2) == 1:
            a, b = b, a
        # x_i - x_j, y_i - y_j, z_i + z_j
        qp, qn = _neg(P[w, s, j], N[w, s, j], mode)
        xp, xn, xw = _add(P[w, s, i], N[w, s, i], qp, qn, mode)
        qp, qn = _neg(P[w, a, j], N[w, a, j], mode)
        yp, yn, yw = _add(P[w, a, i], N[w, a, i], qp, qn, mode)
        zp, zn, zw = _add(P[w, b, i], N[w, b, i], P[w, b, j], N[w, b, j], mode)
        if mode != 0 and (xw or yw or zw):
            return r
        if (xp | xn) == _Z or (yp | yn) == _Z or (zp | zn) == _Z:
            return r
        # new term r: (x_j, y_j, z_i + z_j)
        P[w, s, r] = P[w, s, j]
        N[w, s, r] = N[w, s, j]
        P[w, a, r] = P[w, a, j]
        N[w, a, r] = N[w, a, j]
        P[w, b, r] = zp
        N[w, b, r] = zn
        # term j: (x_j, y_i - y_j, z_i)
        P[w, a, j] = yp
        N[w, a, j] = yn
        P[w, b, j] = P[w, b, i]
        N[w, b, j] = N[w, b, i]
        # term i: (x_i - x_j, y_i, z_i)
        P[w, s, i] = xp
        N[w, s, i] = xn
        return r + 1


    @cuda.jit
    def walk_kernel(P, N, R, BP, BN, BR, RNG, STATS, DONE, mode, target, steps, plus_after, plus_limit, reset_after):
        """``steps`` flip attempts of every walker (one thread each); every walker stops soon after one
        reaches ``target`` (it sets ``DONE[0]``).

        ``STATS[w]``: 0 flips taken, 1 flips since the last improvement, 2 plus transitions,
        3 resets, 4 flips at the walker's best.
        """
        w = cuda.grid(1)
        if w >= P.shape[0]:
            return
        rmax = P.shape[2]
        r = R[w]
        for _ in range(steps):
            if BR[w] <= target:
                DONE[0] = 1
                break
            if DONE[0] != 0:
                break
            if STATS[w, 1] >= reset_after:  # back to the best scheme
                for s in range(3):
                    for t in range(rmax):
                        P[w, s, t] = BP[w, s, t]
                        N[w, s, t] = BN[w, s, t]
                r = BR[w]
                STATS[w, 1] = 0
                STATS[w, 3] += 1
            if STATS[w, 1] >= plus_after and STATS[w, 1] % plus_after == 0 and r < BR[w] + plus_limit:
                r2 = _plus(P, N, w, r, rmax, mode, RNG)
                if r2 != r:
                    STATS[w, 2] += 1
                    r = r2
            if r < 2:
                STATS[w, 1] += 1
                continue
            i = _randint(RNG, w, r)
            s = _randint(RNG, w, 3)
            pi = P[w, s, i]
            ni = N[w, s, i]
            j = -1
            g = 0
            cnt = 0
            for k in range(r):
                if k == i:
                    continue
                gk = _sign(pi, ni, P[w, s, k], N[w, s, k], mode)
                if gk == 0:
                    continue
                cnt += 1
                if _randint(RNG, w, cnt) == 0:
                    j = k
                    g = gk
            STATS[w, 1] += 1
            if j < 0:
                continue
            a = (s + 1) % 3
            b = (s + 2) % 3
            if _randint(RNG, w, 2) == 1:
                a, b = b, a
            mu = 1
            if mode != 0 and _randint(RNG, w, 2) == 1:
                mu = -1
            # y_i + mu y_j
            yp = P[w, a, j]
            yn = N[w, a, j]
            if mu < 0:
                yp, yn = _neg(yp, yn, mode)
            np_, nn_, wy = _add(P[w, a, i], N[w, a, i], yp, yn, mode)
            # z_j - g mu z_i
            zp = P[w, b, i]
            zn = N[w, b, i]
            if g * mu > 0:
                zp, zn = _neg(zp, zn, mode)
            mp_, mn_, wz = _add(P[w, b, j], N[w, b, j], zp, zn, mode)
            if wy or wz:
                continue
            P[w, a, i] = np_
            N[w, a, i] = nn_
            P[w, b, j] = mp_
            N[w, b, j] = mn_
            STATS[w, 0] += 1
            # reductions around the two changed terms (find j again after those around i)
            q0 = P[w, 0, j]
            m0 = N[w, 0, j]
            q1 = P[w, 1, j]
            m1 = N[w, 1, j]
            q2 = P[w, 2, j]
            m2 = N[w, 2, j]
            r = _reduce_term(P, N, w, i, r, mode)
            j = _find(P, N, w, r, q0, m0, q1, m1, q2, m2)
            if j >= 0:
                r = _reduce_term(P, N, w, j, r, mode)
            if r < BR[w]:
                for s2 in range(3):
                    for t in range(rmax):
                        BP[w, s2, t] = P[w, s2, t]
                        BN[w, s2, t] = N[w, s2, t]
                BR[w] = r
                STATS[w, 1] = 0
                STATS[w, 4] = STATS[w, 0]
        R[w] = r

    return walk_kernel
