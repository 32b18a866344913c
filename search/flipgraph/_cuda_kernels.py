"""CUDA kernels (numba.cuda) of the flip-graph walk: one thread walks one scheme.

The scheme layout is the CPU walk's (:mod:`search.flipgraph.walk`) with the walker index last
(structure of arrays, so the 32 threads of a warp read 32 neighbouring words): factor ``s`` of
term ``t`` of walker ``w`` is the pair of ``uint64`` bitmasks ``P[s, t, w]`` (coordinates equal to
+1) and ``N[s, t, w]`` (coordinates equal to -1); over F2 ``N`` stays 0. Modes: 0 = F2, 1 = F3,
2 = ZT (F3 arithmetic, and a move is taken only when no coordinate leaves {-1, 0, 1}, so the
integer identity holds exactly; over F3 a move whose sum wraps modulo 3 is refused too, as the CPU
walk does by default).

Moves, each an exact identity of tensors (validity is kept):

- flip: terms ``i, j`` with ``x_i = g x_j`` (``g = +-1``) in a slot ``s``, a unit ``mu``:
  ``y_i <- y_i + mu y_j`` and ``z_j <- z_j - g mu z_i`` in the other two slots;
- reduction: a term with a zero factor vanishes; two terms sharing two factors up to sign
  merge (``x y z + (g1 x)(g2 y) z' = x y (z + g1 g2 z')``);
- plus transition (rank + 1): ``x_i y_i z_i + x_j y_j z_j = (x_i - x_j) y_i z_i
  + x_j (y_i - y_j) z_i + x_j y_j (z_i + z_j)``;
- split (rank + 1): ``x_i y_i z_i = (g x_j) y_i z_i + (x_i - g x_j) y_i z_i`` for another term
  ``j`` (``g = +-1`` at random over F3/ZT), so term ``i`` now shares a factor with term ``j``;
- a rank-increasing move (a split with probability ``split / 256``, else a plus transition) after
  every ``plus_after`` flip attempts without improvement, while the rank stays below
  ``best + plus_limit``;
- reset to the walker's best after ``reset_after`` flip attempts without improvement.

A flip samples a term and a slot uniformly and a partner uniformly among the terms whose factor
in that slot is equal up to sign (one O(r) scan; a GPU thread keeps no linked lists). Every thread
owns a xorshift64 generator seeded from the run's seed, so a walker's path depends on its seed
alone. A walker that reaches the target at step ``k`` of a launch lowers ``DONE[0]`` to ``k``
(atomic minimum) and records ``k`` in ``HIT[w]``; the others stop only after step ``DONE[0]``, so
every walker that reaches the target by then does so and the first one (fewest steps, then lowest
index) is the same whatever the order in which the threads ran: a run is reproducible per seed.

The device functions are written once, as Python: :func:`walk_kernel` compiles them for CUDA and
:func:`cpu_walk` compiles the very same source for one CPU core (numba), which takes the same steps
and serves to measure and tune the GPU walk without a GPU.

These kernels run on a GPU, or on the CPU through the CUDA simulator (``NUMBA_ENABLE_CUDASIM=1``,
used by the tests). Nothing a kernel reports is trusted: :mod:`search.flipgraph.gpu` re-verifies
every scheme exactly on the CPU (Brent equations) before the runner stores or reports it.

Reference: M. Kauers, J. Moosbauer, "Flip graphs for matrix multiplication", ISSAC 2023; Y. Arai,
Y. Ichikawa, K. Hukushima, "Adaptive flip graph algorithm for matrix multiplication", ISSAC 2024
(plus transitions); A. I. Perminov, "Fast matrix multiplication via ternary meta flip graphs",
arXiv:2511.20317 (splits; walks of thousands of walkers on one GPU).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

__all__ = ["walk_kernel", "cpu_walk", "THREADS_PER_BLOCK", "STAT_ROWS", "TRIES"]

THREADS_PER_BLOCK = 128
#: rows of ``STATS``: flips taken, attempts since the last improvement, plus transitions, resets,
#: flips at the walker's best, splits.
STAT_ROWS = 6
#: random draws a plus transition or a split makes before it gives up (its sums must stay in range).
TRIES = 8

#: the device functions, and their Python source functions (see :func:`cpu_walk`).
_DEVICE = ("_rand", "_randint", "_add", "_neg", "_sign", "_remove", "_reduce_term", "_find", "_plus", "_split",
           "_done_min", "_walker")
_PY: dict = {}

_Z = np.uint64(0)
_S12 = np.uint64(12)
_S25 = np.uint64(25)
_S27 = np.uint64(27)
_S32 = np.uint64(32)


@lru_cache(maxsize=1)
def walk_kernel():
    """The CUDA kernel ``walk(P, N, R, BP, BN, BR, RNG, STATS, DONE, HIT, mode, target, steps,
    plus_after, plus_limit, reset_after, split)``, built on first use: numba.cuda is imported only
    then, so importing this module never fixes whether the GPU or the simulator
    (``NUMBA_ENABLE_CUDASIM=1``) runs it."""
    # Module globals, as if defined at the top level: the simulator swaps the global ``cuda`` of
    # a kernel, and numba resolves device functions as globals.
    global cuda, int64, uint64, _rand, _randint, _add, _neg, _sign, _remove, _reduce_term, _find, _plus, _split
    global _walker, _done_min
    from numba import cuda, int64, uint64

    def _rand(st):
        """One xorshift64 step of the thread's generator (``st``: a one-element local array)."""
        x = st[0]
        x ^= x >> _S12
        x ^= x << _S25
        x ^= x >> _S27
        st[0] = x
        return x

    def _randint(st, n):
        """Uniform in [0, n) for 1 <= n < 2**32 (Lemire's multiply-shift on the high 32 bits: no
        64-bit division, which a GPU emulates slowly)."""
        return int64(((_rand(st) >> _S32) * uint64(n)) >> _S32)

    def _add(p1, n1, p2, n2, mode):
        """(p, n, wraps) of x + y; ``wraps`` is True when a coordinate wraps modulo 3 (F3/ZT)."""
        if mode == 0:
            return p1 ^ p2, _Z, False
        z1 = ~(p1 | n1)
        z2 = ~(p2 | n2)
        p = (p1 & z2) | (p2 & z1) | (n1 & n2)
        n = (n1 & z2) | (n2 & z1) | (p1 & p2)
        return p, n, ((p1 & p2) | (n1 & n2)) != _Z

    def _neg(p, n, mode):
        """-x (over F2 the same factor)."""
        if mode == 0:
            return p, n
        return n, p

    def _sign(pa, na, pb, nb, mode):
        """+1 or -1 when factor a = +-b (nonzero), else 0."""
        if pa == pb and na == nb and (pa | na) != _Z:
            return 1
        if mode != 0 and pa == nb and na == pb and (pa | na) != _Z:
            return -1
        return 0

    def _remove(P, N, w, t, r):
        """Drop term t (the last term moves into its place); returns the new rank."""
        last = r - 1
        for s in range(3):
            P[s, t, w] = P[s, last, w]
            N[s, t, w] = N[s, last, w]
            P[s, last, w] = _Z
            N[s, last, w] = _Z
        return last

    def _reduce_term(P, N, w, t, r, mode, c):
        """Reductions around term t whose factor in slot c just changed (-1: any slot): a zero factor
        drops it; a term sharing that factor and a second one with it up to sign merges into it, and
        the merges this enables follow (as the CPU walk, which looks for a second shared factor in the
        class of the new factor only). Returns the new rank (the terms after t may have moved)."""
        while t < r:
            if ((P[0, t, w] | N[0, t, w]) == _Z or (P[1, t, w] | N[1, t, w]) == _Z
                    or (P[2, t, w] | N[2, t, w]) == _Z):
                return _remove(P, N, w, t, r)
            merged = False
            for k in range(r):
                if k == t:
                    continue
                if c >= 0 and _sign(P[c, t, w], N[c, t, w], P[c, k, w], N[c, k, w], mode) == 0:
                    continue  # one load pair per term for most k
                g0 = _sign(P[0, t, w], N[0, t, w], P[0, k, w], N[0, k, w], mode)
                g1 = _sign(P[1, t, w], N[1, t, w], P[1, k, w], N[1, k, w], mode)
                g2 = _sign(P[2, t, w], N[2, t, w], P[2, k, w], N[2, k, w], mode)
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
                pk = P[f, k, w]
                nk = N[f, k, w]
                if g < 0:
                    pk, nk = _neg(pk, nk, mode)
                p, n, wraps = _add(P[f, t, w], N[f, t, w], pk, nk, mode)
                if wraps:
                    continue
                P[f, t, w] = p
                N[f, t, w] = n
                c = f  # the next merge must share the new factor
                last = r - 1
                r = _remove(P, N, w, k, r)
                if t == last:  # t was the last term: it moved into k's place
                    t = k
                merged = True
                break
            if not merged:
                return r
        return r

    def _find(P, N, w, r, p0, n0, p1, n1, p2, n2):
        """Index of the term with exactly these factors, or -1."""
        for k in range(r):
            if (P[0, k, w] == p0 and N[0, k, w] == n0 and P[1, k, w] == p1 and N[1, k, w] == n1
                    and P[2, k, w] == p2 and N[2, k, w] == n2):
                return k
        return -1

    def _plus(P, N, w, r, rmax, mode, st):
        """A plus transition on two random terms (rank + 1); returns the new rank (unchanged when
        ``TRIES`` draws all give a sum out of range or a zero factor)."""
        if r < 2 or r >= rmax:
            return r
        for _ in range(TRIES):
            i = _randint(st, r)
            j = _randint(st, r - 1)
            if j >= i:
                j += 1
            s = _randint(st, 3)
            a = (s + 1) % 3
            b = (s + 2) % 3
            if _randint(st, 2) == 1:
                a, b = b, a
            # x_i - x_j, y_i - y_j, z_i + z_j
            qp, qn = _neg(P[s, j, w], N[s, j, w], mode)
            xp, xn, xw = _add(P[s, i, w], N[s, i, w], qp, qn, mode)
            qp, qn = _neg(P[a, j, w], N[a, j, w], mode)
            yp, yn, yw = _add(P[a, i, w], N[a, i, w], qp, qn, mode)
            zp, zn, zw = _add(P[b, i, w], N[b, i, w], P[b, j, w], N[b, j, w], mode)
            if xw or yw or zw:
                continue
            if (xp | xn) == _Z or (yp | yn) == _Z or (zp | zn) == _Z:
                continue
            # new term r: (x_j, y_j, z_i + z_j)
            P[s, r, w] = P[s, j, w]
            N[s, r, w] = N[s, j, w]
            P[a, r, w] = P[a, j, w]
            N[a, r, w] = N[a, j, w]
            P[b, r, w] = zp
            N[b, r, w] = zn
            # term j: (x_j, y_i - y_j, z_i)
            P[a, j, w] = yp
            N[a, j, w] = yn
            P[b, j, w] = P[b, i, w]
            N[b, j, w] = N[b, i, w]
            # term i: (x_i - x_j, y_i, z_i)
            P[s, i, w] = xp
            N[s, i, w] = xn
            return r + 1
        return r

    def _split(P, N, w, r, rmax, mode, st):
        """A split of a random term ``i`` along another term ``j`` in a random slot ``s`` (rank + 1):
        ``x_i y_i z_i = (g x_j) y_i z_i + (x_i - g x_j) y_i z_i``. Term ``i`` becomes the first,
        the new term ``r`` the second. Returns the new rank (unchanged when ``TRIES`` draws all
        give factors already equal up to sign or a sum out of range)."""
        if r < 2 or r >= rmax:
            return r
        for _ in range(TRIES):
            i = _randint(st, r)
            j = _randint(st, r - 1)
            if j >= i:
                j += 1
            s = _randint(st, 3)
            jp = P[s, j, w]
            jn = N[s, j, w]
            if mode != 0 and _randint(st, 2) == 1:
                jp, jn = jn, jp
            ip = P[s, i, w]
            iN = N[s, i, w]
            if _sign(ip, iN, jp, jn, mode) != 0:
                continue  # x_i = +-x_j already: nothing to split off
            qp, qn = _neg(jp, jn, mode)
            dp, dn, wraps = _add(ip, iN, qp, qn, mode)
            if wraps or (dp | dn) == _Z:
                continue
            for q in range(3):  # new term r: (x_i - g x_j, y_i, z_i)
                P[q, r, w] = P[q, i, w]
                N[q, r, w] = N[q, i, w]
            P[s, r, w] = dp
            N[s, r, w] = dn
            P[s, i, w] = jp  # term i: (g x_j, y_i, z_i)
            N[s, i, w] = jn
            return r + 1
        return r

    def _done_min(DONE, step):
        """``DONE[0] = min(DONE[0], step)`` for every thread at once."""
        cuda.atomic.min(DONE, 0, step)

    def _walker(P, N, R, BP, BN, BR, RNG, STATS, DONE, HIT, mode, target, steps, plus_after, plus_limit,
                reset_after, split, w, st):
        """Walker ``w``'s part of a launch (``st``: its one-element generator state, in registers).

        ``STATS[:, w]``: 0 flips taken, 1 attempts since the last improvement, 2 plus transitions,
        3 resets, 4 flips at the walker's best, 5 splits. The generator, the counters and the ranks
        live in registers during the launch and go back to ``RNG``, ``STATS``, ``R``, ``BR`` at its end.
        """
        rmax = P.shape[1]
        st[0] = RNG[w]
        r = R[w]
        best = BR[w]
        flips = STATS[0, w]
        since = STATS[1, w]
        pluses = STATS[2, w]
        resets = STATS[3, w]
        at_best = STATS[4, w]
        splits = STATS[5, w]
        for step in range(steps + 1):
            if best <= target:  # reached at the end of step - 1 (or before the launch: step 0)
                _done_min(DONE, step)
                HIT[w] = step
                break
            if step == steps or step > DONE[0]:
                break
            if since >= reset_after:  # back to the best scheme
                for s in range(3):
                    for t in range(rmax):
                        P[s, t, w] = BP[s, t, w]
                        N[s, t, w] = BN[s, t, w]
                r = best
                since = 0
                resets += 1
            if since >= plus_after and since % plus_after == 0 and r < best + plus_limit:
                if split > 0 and _randint(st, 256) < split:
                    r2 = _split(P, N, w, r, rmax, mode, st)
                    if r2 != r:
                        splits += 1
                else:
                    r2 = _plus(P, N, w, r, rmax, mode, st)
                    if r2 != r:
                        pluses += 1
                r = r2
            since += 1
            if r < 2:
                continue
            i = _randint(st, r)
            s = _randint(st, 3)
            pi = P[s, i, w]
            ni = N[s, i, w]
            j = -1
            g = 0
            cnt = 0
            for k in range(r):
                if k == i:
                    continue
                gk = _sign(pi, ni, P[s, k, w], N[s, k, w], mode)
                if gk == 0:
                    continue
                cnt += 1
                if cnt == 1 or _randint(st, cnt) == 0:  # reservoir sampling: uniform among the partners
                    j = k
                    g = gk
            if j < 0:
                continue
            a = (s + 1) % 3
            b = (s + 2) % 3
            if _randint(st, 2) == 1:
                a, b = b, a
            mu = 1
            if mode != 0 and _randint(st, 2) == 1:
                mu = -1
            # y_i + mu y_j
            yp = P[a, j, w]
            yn = N[a, j, w]
            if mu < 0:
                yp, yn = _neg(yp, yn, mode)
            np_, nn_, wy = _add(P[a, i, w], N[a, i, w], yp, yn, mode)
            # z_j - g mu z_i
            zp = P[b, i, w]
            zn = N[b, i, w]
            if g * mu > 0:
                zp, zn = _neg(zp, zn, mode)
            mp_, mn_, wz = _add(P[b, j, w], N[b, j, w], zp, zn, mode)
            if wy or wz:
                continue
            P[a, i, w] = np_
            N[a, i, w] = nn_
            P[b, j, w] = mp_
            N[b, j, w] = mn_
            flips += 1
            # reductions around the two changed terms (find j again after those around i)
            q0 = P[0, j, w]
            m0 = N[0, j, w]
            q1 = P[1, j, w]
            m1 = N[1, j, w]
            q2 = P[2, j, w]
            m2 = N[2, j, w]
            r0 = r
            r = _reduce_term(P, N, w, i, r, mode, a)
            if r != r0:  # something merged or vanished: j may have moved or gone
                j = _find(P, N, w, r, q0, m0, q1, m1, q2, m2)
            if j >= 0:
                r = _reduce_term(P, N, w, j, r, mode, b)
            if r < best:
                for s2 in range(3):
                    for t in range(rmax):
                        BP[s2, t, w] = P[s2, t, w]
                        BN[s2, t, w] = N[s2, t, w]
                best = r
                since = 0
                at_best = flips
        R[w] = r
        BR[w] = best
        RNG[w] = st[0]
        STATS[0, w] = flips
        STATS[1, w] = since
        STATS[2, w] = pluses
        STATS[3, w] = resets
        STATS[4, w] = at_best
        STATS[5, w] = splits

    for name in _DEVICE:
        _PY[name] = globals()[name]
        globals()[name] = cuda.jit(device=True)(_PY[name])

    @cuda.jit
    def walk_kernel(P, N, R, BP, BN, BR, RNG, STATS, DONE, HIT, mode, target, steps, plus_after, plus_limit,
                    reset_after, split):
        """``steps`` flip attempts of every walker (one thread each); every walker stops soon after one
        reaches ``target`` (see the module docstring for ``DONE`` and ``HIT``)."""
        w = cuda.grid(1)
        if w < P.shape[2]:
            st = cuda.local.array(1, uint64)
            _walker(P, N, R, BP, BN, BR, RNG, STATS, DONE, HIT, mode, target, steps, plus_after, plus_limit,
                    reset_after, split, w, st)

    return walk_kernel


def _done_min_cpu(DONE, step):
    if step < DONE[0]:
        DONE[0] = step


def _cpu_run(P, N, R, BP, BN, BR, RNG, STATS, DONE, HIT, mode, target, steps, plus_after, plus_limit, reset_after,
             split):
    st = np.empty(1, dtype=np.uint64)
    for w in range(P.shape[2]):
        _walker(P, N, R, BP, BN, BR, RNG, STATS, DONE, HIT, mode, target, steps, plus_after, plus_limit,
                reset_after, split, w, st)


@lru_cache(maxsize=1)
def cpu_walk():
    """The same walk compiled for the CPU by numba (``walk(...)`` with the kernel's arguments; the
    walkers one after another on one core), from the very Python source of the device functions.

    It takes the same steps as the kernel for the same generator states (a test holds this against
    the CUDA simulator), so it measures on a CPU how many flip attempts a GPU walker needs to reach
    a rank, and tunes the GPU walk's parameters without a GPU.
    """
    import types

    from numba import njit

    walk_kernel()  # the Python functions of the device code (and numba's int64, uint64)
    g = dict(globals())
    g["_done_min"] = njit(types.FunctionType(_done_min_cpu.__code__, g, "_done_min"))
    for name in _DEVICE:
        if name != "_done_min":
            g[name] = njit(types.FunctionType(_PY[name].__code__, g, name))
    return njit(types.FunctionType(_cpu_run.__code__, g, "walk"))
