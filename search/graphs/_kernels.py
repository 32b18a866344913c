"""Numba kernels for the forbidden-short-cycles edge-maximisation problem.

State of a graph on ``n`` vertices (every array is owned by the caller, so a walker's
state is a handful of numpy arrays that pickle, checkpoint and travel to workers):

- ``A``: ``(n, n)`` int8 adjacency matrix;
- ``nb``/``deg``: neighbour lists (``nb[v, :deg[v]]``), kept in step with ``A``;
- ``C``: ``(n, n)`` int32 *conflict counts*: ``C[u, v]`` is the number of simple paths from
  ``u`` to ``v`` whose length ``l`` has ``l + 1`` in the forbidden cycle set ``F``. In an
  ``F``-free graph, the non-edge ``uv`` can be added without creating a forbidden cycle iff
  ``C[u, v] == 0`` (a new cycle through ``uv`` is exactly such a path plus ``uv``);
- ``nfree``: two-element array: the number of non-edges ``uv`` with ``C[u, v] == 0``
  (addable pairs) and with ``C[u, v] == 1`` ("critical" pairs, addable after one removal).

Flipping one edge ``xy`` updates ``C`` by enumerating the simple paths with lengths in
``F - 1`` that use ``xy``: a path ``s ... x y ... t`` is a simple path ending at ``x``
(avoiding ``y``) joined to a disjoint simple path starting at ``y``. For the girth-5 case
``F = {3, 4}`` that is ``O(deg^2)`` work per flip, and the feasibility test of a move is
``O(1)``. The enumeration is allocation-free (explicit DFS stacks of depth ``max(F) - 1``).

``Lmask[l]`` is true iff ``l + 1`` is a forbidden cycle length; ``maxlen = max(F) - 1``.

Randomness inside the kernels comes from a SplitMix64 generator whose whole state is one
``uint64`` (``rs``, an array of length 1 owned by the walker), so a walk is a function of its
state alone: cutting it into chunks of any lengths (a checkpoint, a time limit, a resumed run)
gives the same walk, and walkers running in threads never share a generator.

Reference for the generator: G. L. Steele, D. Lea, C. H. Flood, "Fast splittable
pseudorandom number generators", OOPSLA 2014 (SplitMix64).

Reference for the search strategy (tabu over edge flips with feasible additions and
swaps, curriculum seeding): A. Mehrabian et al., "Finding increasingly large extremal
graphs with AlphaZero and tabu search", IJCAI 2024 (arXiv:2311.03583); F. Glover,
"Tabu search - Part I", ORSA J. Computing 1 (1989).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from engine._numba import kernel

# One signature per kernel (engine._numba.kernel): callers pass these dtypes, C-contiguous.
_A = "int8[:, ::1]"  # adjacency matrix (also best_A)
_C = "int32[:, ::1]"  # conflict counts
_NB = "int32[:, ::1]"  # neighbour lists
_DEG = "int32[::1]"
_GRAPH = f"{_A}, {_C}, {_NB}, {_DEG}"
_NF = "int64[::1]"  # nfree
_LM = "boolean[::1]"  # Lmask
_WORK = "int8[::1], int32[:, ::1]"  # mark, stk

__all__ = [
    "new_state_arrays",
    "k_add_edge",
    "k_remove_edge",
    "k_recount",
    "k_tabu_run",
    "new_rng_state",
]


def new_state_arrays(n: int, maxlen: int):
    """Empty-graph state arrays for ``n`` vertices (see module docstring)."""
    A = np.zeros((n, n), dtype=np.int8)
    C = np.zeros((n, n), dtype=np.int32)
    nb = np.zeros((n, max(n, 1)), dtype=np.int32)
    deg = np.zeros(n, dtype=np.int32)
    nfree = np.array([n * (n - 1) // 2, 0], dtype=np.int64)
    work = _new_work(n, maxlen)
    return A, C, nb, deg, nfree, work


def _new_work(n: int, maxlen: int):
    mark = np.zeros(max(n, 1), dtype=np.int8)
    stk = np.zeros((4, maxlen + 2), dtype=np.int32)  # left vertices/idx, right vertices/idx
    return mark, stk


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def new_rng_state(seed: int) -> np.ndarray:
    """The kernels' generator state (SplitMix64) for an integer ``seed``."""
    return np.array([int(seed) % (1 << 64)], dtype=np.uint64)


# The small helpers below are kernels of their own, not ``@njit(inline="always")``: numba
# inlines the latter into its typed IR at every call site (about twenty in the tabu walk),
# so each copy is typed and lowered again on a first run; a kernel is compiled once and LLVM
# still inlines it (measured: the same walk, the same speed, ~0.4 CPU-s less compiling).
@kernel("int64(uint64[::1], int64)", no_cpython_wrapper=True, no_cfunc_wrapper=True)
def _rand_below(rs, m):
    """A uniform integer in ``0..m-1`` (``m >= 1``) from the SplitMix64 state ``rs[0]``."""
    z = rs[0] + _GOLDEN
    rs[0] = z
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    z = z ^ (z >> np.uint64(31))
    return np.int64(z % np.uint64(m))


@njit(inline="always")
def _bump(A, C, s, t, delta, nfree):
    if delta > 0:
        if A[s, t] == 0:
            if C[s, t] == 0:
                nfree[0] -= 1
                nfree[1] += 1
            elif C[s, t] == 1:
                nfree[1] -= 1
        C[s, t] += 1
        C[t, s] += 1
    else:
        C[s, t] -= 1
        C[t, s] -= 1
        if A[s, t] == 0:
            if C[s, t] == 0:
                nfree[0] += 1
                nfree[1] -= 1
            elif C[s, t] == 1:
                nfree[1] += 1


@kernel(f"none({_GRAPH}, int64, int64, int64, {_LM}, int64, int64, {_WORK}, {_NF})", no_cpython_wrapper=True, no_cfunc_wrapper=True)
def _right_paths(A, C, nb, deg, y, s, i, Lmask, maxlen, delta, mark, stk, nfree):
    # right part of length j = 0 (t = y)
    if Lmask[i + 1]:
        _bump(A, C, s, y, delta, nfree)
    jmax = maxlen - 1 - i
    if jmax <= 0:
        return
    stk[2, 0] = y
    stk[3, 0] = 0
    d = 0
    while d >= 0:
        v = stk[2, d]
        if stk[3, d] < deg[v]:
            w = nb[v, stk[3, d]]
            stk[3, d] += 1
            if mark[w]:
                continue
            j = d + 1
            if Lmask[i + j + 1]:
                _bump(A, C, s, w, delta, nfree)
            if j < jmax:
                mark[w] = 1
                d += 1
                stk[2, d] = w
                stk[3, d] = 0
        else:
            if d > 0:
                mark[v] = 0
            d -= 1


@kernel(f"none({_GRAPH}, int64, int64, {_LM}, int64, int64, {_WORK}, {_NF})", no_cpython_wrapper=True, no_cfunc_wrapper=True)
def _paths_through(A, C, nb, deg, x, y, Lmask, maxlen, delta, mark, stk, nfree):
    """Add ``delta`` to ``C`` for every counted simple path that uses the edge ``xy``."""
    mark[x] = 1
    mark[y] = 1
    # left part of length 0 (s = x)
    _right_paths(A, C, nb, deg, y, x, 0, Lmask, maxlen, delta, mark, stk, nfree)
    imax = maxlen - 1
    if imax > 0:
        stk[0, 0] = x
        stk[1, 0] = 0
        d = 0
        while d >= 0:
            v = stk[0, d]
            if stk[1, d] < deg[v]:
                w = nb[v, stk[1, d]]
                stk[1, d] += 1
                if mark[w]:
                    continue
                i = d + 1
                mark[w] = 1
                _right_paths(A, C, nb, deg, y, w, i, Lmask, maxlen, delta, mark, stk, nfree)
                if i < imax:
                    d += 1
                    stk[0, d] = w
                    stk[1, d] = 0
                else:
                    mark[w] = 0
            else:
                if d > 0:
                    mark[v] = 0
                d -= 1
    mark[x] = 0
    mark[y] = 0


@kernel(f"none({_GRAPH}, {_NF}, int64, int64, {_LM}, int64, {_WORK})", no_cpython_wrapper=True, no_cfunc_wrapper=True)
def _add_edge(A, C, nb, deg, nfree, x, y, Lmask, maxlen, mark, stk):
    """Add the edge ``xy`` (caller checked ``A[x,y] == 0``) and update the counts."""
    if C[x, y] == 0:
        nfree[0] -= 1
    elif C[x, y] == 1:
        nfree[1] -= 1
    A[x, y] = 1
    A[y, x] = 1
    nb[x, deg[x]] = y
    deg[x] += 1
    nb[y, deg[y]] = x
    deg[y] += 1
    _paths_through(A, C, nb, deg, x, y, Lmask, maxlen, 1, mark, stk, nfree)


@kernel(f"none({_NB}, {_DEG}, int64, int64)", no_cpython_wrapper=True, no_cfunc_wrapper=True)
def _drop_nb(nb, deg, v, w):
    for k in range(deg[v]):
        if nb[v, k] == w:
            deg[v] -= 1
            nb[v, k] = nb[v, deg[v]]
            return


@kernel(f"none({_GRAPH}, {_NF}, int64, int64, {_LM}, int64, {_WORK})", no_cpython_wrapper=True, no_cfunc_wrapper=True)
def _remove_edge(A, C, nb, deg, nfree, x, y, Lmask, maxlen, mark, stk):
    """Remove the edge ``xy`` (caller checked ``A[x,y] == 1``) and update the counts."""
    _paths_through(A, C, nb, deg, x, y, Lmask, maxlen, -1, mark, stk, nfree)
    A[x, y] = 0
    A[y, x] = 0
    _drop_nb(nb, deg, x, y)
    _drop_nb(nb, deg, y, x)
    if C[x, y] == 0:
        nfree[0] += 1
    elif C[x, y] == 1:
        nfree[1] += 1


@kernel(f"none({_A}, {_A}, int64)", no_cpython_wrapper=True, no_cfunc_wrapper=True)
def _copy_square(dst, src, n):
    """``dst[:n, :n] = src[:n, :n]`` as loops (see :func:`_recount`)."""
    for u in range(n):
        for v in range(n):
            dst[u, v] = src[u, v]


@kernel(f"int64({_GRAPH}, {_NF}, {_LM}, int64, {_WORK})", no_cpython_wrapper=True, no_cfunc_wrapper=True)
def _recount(A, C, nb, deg, nfree, Lmask, maxlen, mark, stk):
    """Rebuild ``nb``, ``deg``, ``C`` and ``nfree`` from ``A`` (edges re-added one by one).

    Returns the number of edges that had to be dropped because they closed a forbidden
    cycle with the edges kept before them (0 for an ``F``-free input).
    """
    n = A.shape[0]
    B = A.copy()
    for u in range(n):  # loops, not slice assignment: numba 0.6x compiles a shape-mismatch
        deg[u] = 0  # error formatter (seconds of string code) for every ``X[:, :] = Y``
        for v in range(n):
            A[u, v] = 0
            C[u, v] = 0
    nfree[0] = n * (n - 1) // 2
    nfree[1] = 0
    dropped = 0
    for u in range(n):
        for v in range(u + 1, n):
            if B[u, v]:
                if C[u, v] == 0:
                    _add_edge(A, C, nb, deg, nfree, u, v, Lmask, maxlen, mark, stk)
                else:
                    dropped += 1
    return dropped


@kernel(f"int64({_A}, {_NB}, {_DEG}, int64, int64, {_LM}, int64, {_WORK}, int32[::1])", no_cpython_wrapper=True, no_cfunc_wrapper=True)
def _find_path(A, nb, deg, u, v, Lmask, maxlen, mark, stk, out):
    """Find one counted simple path ``u -> v``; store its vertices in ``out``; return its length."""
    mark[u] = 1
    stk[0, 0] = u
    stk[1, 0] = 0
    d = 0
    found = -1
    while d >= 0:
        w0 = stk[0, d]
        if stk[1, d] < deg[w0]:
            w = nb[w0, stk[1, d]]
            stk[1, d] += 1
            if mark[w]:
                continue
            ln = d + 1
            if w == v:
                if Lmask[ln]:
                    for k in range(d + 1):
                        out[k] = stk[0, k]
                    out[d + 1] = v
                    found = ln
                    break
                continue
            if ln < maxlen:
                mark[w] = 1
                d += 1
                stk[0, d] = w
                stk[1, d] = 0
        else:
            if d > 0:
                mark[w0] = 0
            d -= 1
    # clear marks left on the current stack
    for k in range(d + 1 if d > 0 else 1):
        mark[stk[0, k]] = 0
    mark[u] = 0
    return found


@kernel("UniTuple(int64, 2)(int32[:, ::1], int64, int64, uint64[::1])", no_cpython_wrapper=True, no_cfunc_wrapper=True)
def _draw_pair(buf, t, m, rs):
    """Partial Fisher-Yates step: move a uniform pick of ``buf[t:m]`` to row ``t``; return it."""
    r = t + _rand_below(rs, m - t)
    u = buf[r, 0]
    v = buf[r, 1]
    buf[r, 0] = buf[t, 0]
    buf[r, 1] = buf[t, 1]
    buf[t, 0] = u
    buf[t, 1] = v
    return u, v


@kernel(f"UniTuple(int64, 2)({_A}, {_NB}, {_DEG}, int64, uint64[::1])", no_cpython_wrapper=True, no_cfunc_wrapper=True)
def _rand_edge(A, nb, deg, n, rs):
    """Uniform random edge (by picking an endpoint proportional to degree); (-1,-1) if none."""
    total = 0
    for v in range(n):
        total += deg[v]
    if total == 0:
        return -1, -1
    r = _rand_below(rs, total)
    for v in range(n):
        if r < deg[v]:
            return v, nb[v, r]
        r -= deg[v]
    return -1, -1


@kernel(f"int64({_GRAPH}, {_NF}, {_LM}, int64, {_WORK}, {_A}, int64[::1], int64[:, ::1], int64[:, ::1], "
    "int64, int64, int64, int64, int64, int32[:, ::1], int32[::1], uint64[::1], int64, int64)", nogil=True)
def k_tabu_run(
    A, C, nb, deg, nfree, Lmask, maxlen, mark, stk,
    best_A, info, tabu_add, tabu_rem, steps, tenure, stall, sample_k, target, buf, out, rs,
    restart_pct, crit_weight,
):
    """Run ``steps`` tabu iterations in place; returns the number of iterations done.

    ``info`` (int64, length 8) carries the persistent counters:
    ``[iteration, edges, best_edges, last_improvement_iteration, perturbations, moves_tried,
    improvements_this_call, best_found_at_iteration]``. The walk stops early once
    ``best_edges >= target`` (``target <= 0`` disables). ``rs`` is the walker's generator
    state (:func:`new_rng_state`), advanced in place.

    Each iteration: if a non-tabu feasible edge exists, add the one (among ``sample_k``
    sampled) that keeps the most pairs addable; otherwise swap: pick a critical non-edge
    ``uv`` (exactly one blocking path), remove a non-tabu edge of that path and add ``uv``,
    choosing among ``sample_k`` candidates the one that leaves the most addable pairs.
    Candidate moves are ranked by ``4096 * addable + crit_weight * critical`` pairs left.
    After ``stall`` iterations without a new best, a few random edges are removed (first
    returning to the best graph found, with probability ``restart_pct`` percent).
    """
    n = A.shape[0]
    done = 0
    info[6] = 0
    while done < steps:
        if target > 0 and info[2] >= target:
            break
        it = info[0]
        done += 1
        info[0] += 1
        # ---- feasible additions
        m = 0
        if nfree[0] > 0:
            for u in range(n):
                for v in range(u + 1, n):
                    if A[u, v] == 0 and C[u, v] == 0:
                        if tabu_add[u, v] <= it or info[1] + 1 > info[2]:
                            buf[m, 0] = u
                            buf[m, 1] = v
                            m += 1
        if m > 0:
            kk = sample_k if sample_k < m else m
            bestv = -1
            bu = -1
            bv = -1
            ties = 0
            for t in range(kk):
                u, v = _draw_pair(buf, t, m, rs)
                _add_edge(A, C, nb, deg, nfree, u, v, Lmask, maxlen, mark, stk)
                val = nfree[0] * 4096 + crit_weight * nfree[1]
                _remove_edge(A, C, nb, deg, nfree, u, v, Lmask, maxlen, mark, stk)
                info[5] += 1
                if val > bestv:
                    bestv = val
                    bu = u
                    bv = v
                    ties = 1
                elif val == bestv:
                    ties += 1
                    if _rand_below(rs, ties) == 0:
                        bu = u
                        bv = v
            _add_edge(A, C, nb, deg, nfree, bu, bv, Lmask, maxlen, mark, stk)
            tabu_rem[bu, bv] = it + tenure
            tabu_rem[bv, bu] = it + tenure
            info[1] += 1
        else:
            # ---- swap: critical non-edges (exactly one blocking path)
            m = 0
            for u in range(n):
                for v in range(u + 1, n):
                    if A[u, v] == 0 and C[u, v] == 1 and tabu_add[u, v] <= it:
                        buf[m, 0] = u
                        buf[m, 1] = v
                        m += 1
            kk = sample_k if sample_k < m else m
            bestv = -(1 << 60)
            bu = -1
            bv = -1
            ba = -1
            bb = -1
            ties = 0
            for t in range(kk):
                u, v = _draw_pair(buf, t, m, rs)
                ln = _find_path(A, nb, deg, u, v, Lmask, maxlen, mark, stk, out)
                if ln <= 0:
                    continue
                # choose a non-tabu edge of the path at random
                start = _rand_below(rs, ln)
                a = -1
                b = -1
                for q in range(ln):
                    e = (start + q) % ln
                    if tabu_rem[out[e], out[e + 1]] <= it:
                        a = out[e]
                        b = out[e + 1]
                        break
                if a < 0:
                    continue
                _remove_edge(A, C, nb, deg, nfree, a, b, Lmask, maxlen, mark, stk)
                _add_edge(A, C, nb, deg, nfree, u, v, Lmask, maxlen, mark, stk)
                val = nfree[0]
                if A[a, b] == 0 and C[a, b] == 0:
                    val -= 1  # re-adding the removed edge is tabu
                val = val * 4096 + crit_weight * nfree[1]
                _remove_edge(A, C, nb, deg, nfree, u, v, Lmask, maxlen, mark, stk)
                _add_edge(A, C, nb, deg, nfree, a, b, Lmask, maxlen, mark, stk)
                info[5] += 1
                val = val * 64 + _rand_below(rs, 64)  # random tie-break
                if val > bestv:
                    bestv = val
                    bu = u
                    bv = v
                    ba = a
                    bb = b
            if bu >= 0:
                _remove_edge(A, C, nb, deg, nfree, ba, bb, Lmask, maxlen, mark, stk)
                _add_edge(A, C, nb, deg, nfree, bu, bv, Lmask, maxlen, mark, stk)
                tt = tenure + _rand_below(rs, tenure + 1)
                tabu_add[ba, bb] = it + tt
                tabu_add[bb, ba] = it + tt
                tabu_rem[bu, bv] = it + tenure
                tabu_rem[bv, bu] = it + tenure
            else:
                # nothing to swap: drop a random edge
                a, b = _rand_edge(A, nb, deg, n, rs)
                if a >= 0:
                    _remove_edge(A, C, nb, deg, nfree, a, b, Lmask, maxlen, mark, stk)
                    tabu_add[a, b] = it + tenure
                    tabu_add[b, a] = it + tenure
                    info[1] -= 1
        # ---- bookkeeping
        if info[1] > info[2]:
            info[2] = info[1]
            info[3] = info[0]
            info[6] += 1
            info[7] = info[0]
            _copy_square(best_A, A, n)
        elif info[0] - info[3] > stall:
            # perturbation: (maybe return to the best graph, then) remove a few random edges
            if restart_pct > 0 and _rand_below(rs, 100) < restart_pct:
                _copy_square(A, best_A, n)
                _recount(A, C, nb, deg, nfree, Lmask, maxlen, mark, stk)
                info[1] = info[2]
            kdrop = 1 + _rand_below(rs, n // 8 if n >= 16 else 2)
            for _ in range(kdrop):
                a, b = _rand_edge(A, nb, deg, n, rs)
                if a < 0:
                    break
                _remove_edge(A, C, nb, deg, nfree, a, b, Lmask, maxlen, mark, stk)
                tabu_add[a, b] = info[0] + tenure
                tabu_add[b, a] = info[0] + tenure
                info[1] -= 1
            info[3] = info[0]
            info[4] += 1
    return done


# Entry points from Python (:class:`search.graphs.problem.GraphState`): thin kernels over the
# ones above, compiled only when Python calls them. A kernel callable from Python carries a
# wrapper that unboxes each of its ten array arguments (~0.1 CPU-s of compiling each); the
# tabu walk calls the inner kernels, so a search compiles none of these wrappers.


@kernel(f"none({_GRAPH}, {_NF}, int64, int64, {_LM}, int64, {_WORK})")
def k_add_edge(A, C, nb, deg, nfree, x, y, Lmask, maxlen, mark, stk):
    """Add the edge ``xy`` (caller checked ``A[x,y] == 0``) and update the counts."""
    _add_edge(A, C, nb, deg, nfree, x, y, Lmask, maxlen, mark, stk)


@kernel(f"none({_GRAPH}, {_NF}, int64, int64, {_LM}, int64, {_WORK})")
def k_remove_edge(A, C, nb, deg, nfree, x, y, Lmask, maxlen, mark, stk):
    """Remove the edge ``xy`` (caller checked ``A[x,y] == 1``) and update the counts."""
    _remove_edge(A, C, nb, deg, nfree, x, y, Lmask, maxlen, mark, stk)


@kernel(f"int64({_GRAPH}, {_NF}, {_LM}, int64, {_WORK})")
def k_recount(A, C, nb, deg, nfree, Lmask, maxlen, mark, stk):
    """Rebuild ``nb``, ``deg``, ``C`` and ``nfree`` from ``A`` (edges re-added one by one).

    Returns the number of edges that had to be dropped because they closed a forbidden
    cycle with the edges kept before them (0 for an ``F``-free input).
    """
    return _recount(A, C, nb, deg, nfree, Lmask, maxlen, mark, stk)


@kernel(f"int64({_A}, {_NB}, {_DEG}, int64, int64, {_LM}, int64, {_WORK}, int32[::1])")
def _find_path_edge(A, nb, deg, u, v, Lmask, maxlen, mark, stk, out):
    """Find one counted simple path ``u -> v``; store its vertices in ``out``; return its length."""
    return _find_path(A, nb, deg, u, v, Lmask, maxlen, mark, stk, out)
