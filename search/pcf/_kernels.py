"""numba kernels of the continued-fraction enumeration (:mod:`search.pcf.enumerate`).

- :func:`_float_eval`: the three-term recurrence of many fractions in float64 with
  rescaling, stopped per fraction once it has converged, with the geometric samples
  (Richardson in ``1/n``, power fits) and the Euler averages of the slow ones;
- :func:`_mobius_scan`: the meet-in-the-middle hash lookup of Mobius forms
  ``(c0 + c1 K)/(c2 + c3 K)`` (:func:`_try_hit` records one hit); its tables
  (:func:`_mobius_tables`) depend only on ``K`` and the height, so the enumeration builds them
  once per process and calls :func:`_mobius_lookup`.

Reference: G. Raayoni et al., "Generating conjectures on fundamental constants with the
Ramanujan Machine", Nature 590 (2021) 67-73 (MITM-RF hashing of Mobius transforms).
"""

from __future__ import annotations

import math

import numpy as np

from engine._numba import kernel, kernel_array

_SAMPLES = 6  # geometric sample points n = depth / 2^k, k < _SAMPLES, for Richardson
_RING = 16  # last convergents kept for Euler averaging (alternating slow fractions)


def _float_eval(A: np.ndarray, B: np.ndarray, depth: int, slot: np.ndarray, ncols: int) -> tuple[np.ndarray, ...]:
    """Float64 convergents of many PCFs; early stop when converged.

    Returns (value, status, steps, samples, averaged): status 0 converged, 1 slow (still
    moving with shrinking differences), 2 divergent / undefined; ``samples[i, c]`` is x at the
    depth ``n`` with ``slot[n, 0] == c`` or ``slot[n, 1] == c`` (see :func:`_sample_layout`:
    columns 2k, 2k+1 hold n = depth/2^k and depth/2^k - 1).

    The arrays are allocated here, in numpy: inside a kernel every ``np.full``/``np.zeros``
    is one more function for numba to compile on a first run.
    """
    A = kernel_array(A, np.float64)
    B = kernel_array(B, np.float64)
    m = A.shape[0]
    value = np.full(m, np.nan)
    status = np.full(m, 2, dtype=np.int8)
    steps = np.zeros(m, dtype=np.int64)
    samples = np.full((m, int(ncols)), np.nan)
    averaged = np.full((m, 3), np.nan)
    work = np.zeros((3, _RING))  # ring, half, last
    _float_eval_kernel(A, B, int(depth), kernel_array(slot, np.int64), value, status, steps,
                       samples, averaged, work)
    return value, status, steps, samples, averaged


@kernel("none(float64[:, ::1], float64[:, ::1], int64, int64[:, ::1], float64[::1], int8[::1], int64[::1], "
        "float64[:, ::1], float64[:, ::1], float64[:, ::1])")
def _float_eval_kernel(A, B, depth, slot, value, status, steps, samples, averaged, work):  # pragma: no cover
    """The loop of :func:`_float_eval`, filling the arrays it allocated."""
    m = A.shape[0]
    da = A.shape[1]
    db = B.shape[1]
    ring = work[0]
    half = work[1]
    last = work[2]
    for i in range(m):
        a0 = A[i, 0]
        p0, p1 = 1.0, a0
        q0, q1 = 0.0, 1.0
        xprev = a0
        good = 0
        done = False
        xp2 = np.nan  # x at the previous power of two
        dp2 = np.inf  # |x_{2^k} - x_{2^(k-1)}|
        for n in range(1, depth + 1):
            an = 0.0
            for k in range(da - 1, -1, -1):
                an = an * n + A[i, k]
            bn = 0.0
            for k in range(db - 1, -1, -1):
                bn = bn * n + B[i, k]
            p0, p1 = p1, an * p1 + bn * p0
            q0, q1 = q1, an * q1 + bn * q0
            s = max(abs(p1), abs(q1))
            if s == 0.0 or not np.isfinite(s):
                break
            p0 /= s
            p1 /= s
            q0 /= s
            q1 /= s
            if q1 != 0.0:
                x = p1 / q1
                d = abs(x - xprev)
                if d <= 1e-14 * max(abs(x), 1e-2):
                    good += 1
                else:
                    good = 0
                xprev = x
                if good >= 3 and n >= 6:
                    value[i] = x
                    status[i] = 0
                    steps[i] = n
                    done = True
                    break
            else:
                good = 0
                xprev = np.inf
            if n >= 64 and (n & (n - 1)) == 0:
                xn = p1 / q1 if q1 != 0.0 else np.nan
                dn = abs(xn - xp2)
                if n >= 512 and not (dn < dp2):
                    break  # differences at powers of two stopped shrinking: divergent
                xp2 = xn
                dp2 = dn if np.isfinite(dn) else np.inf
            ring[n % _RING] = p1 / q1 if q1 != 0.0 else np.nan
            if n == depth // 2:
                for k in range(_RING):
                    half[k] = ring[(n + 1 + k) % _RING]
            c0 = slot[n, 0]
            if c0 >= 0:
                xs = p1 / q1 if q1 != 0.0 else np.nan
                samples[i, c0] = xs
                c1 = slot[n, 1]
                if c1 >= 0:
                    samples[i, c1] = xs
        if not done:
            steps[i] = depth
            ok = True
            for k in range(2 * _SAMPLES):
                if not np.isfinite(samples[i, k]):
                    ok = False
            if ok:
                d0 = abs(samples[i, 0] - samples[i, 2])
                d1 = abs(samples[i, 2] - samples[i, 4])
                d2 = abs(samples[i, 4] - samples[i, 6])
                if d0 < d1 and d1 < d2:
                    status[i] = 1
                    value[i] = samples[i, 0]
                    # Euler averaging of the last _RING convergents (alternating errors)
                    for k in range(_RING):
                        last[k] = ring[(depth + 1 + k) % _RING]
                    averaged[i, 0] = _average(last, _RING - 1)
                    averaged[i, 1] = _average(half, _RING - 1)
                    averaged[i, 2] = _average(last[1:], _RING - 2)


@kernel("float64(float64[:], int64)", no_cpython_wrapper=True, no_cfunc_wrapper=True)
def _average(x, k):  # pragma: no cover - compiled
    y = x.copy()
    for r in range(k):
        for j in range(len(y) - 1 - r):
            y[j] = 0.5 * (y[j] + y[j + 1])
    return y[0]


@kernel("int64(int64[:, ::1], int64, int64, float64, int64, float64, float64, int64, int64, int64)", no_cpython_wrapper=True, no_cfunc_wrapper=True)
def _try_hit(out, h, i, y, c1, K, eps, H, c2, c3):  # pragma: no cover - compiled
    """Record ``(i, c0, c1, c2, c3)`` when ``y = c0 + c1 K`` within ``eps`` with ``|c0| <= H``
    and the Mobius map is non-degenerate; returns the new hit count (capped by ``out``)."""
    r = y - c1 * K
    c0 = round(r)
    if abs(r - c0) <= eps and abs(c0) <= H and c0 * c3 - c1 * c2 != 0 and h < out.shape[0]:
        out[h, 0] = i
        out[h, 1] = c0
        out[h, 2] = c1
        out[h, 3] = c2
        out[h, 4] = c3
        return h + 1
    return h


def _mobius_tables(K: float, H: int) -> tuple[np.ndarray, ...]:
    """The hash grid of the fractional parts {c1 K} (``head``, ``nxt``: M = 2^16 buckets) and
    the denominators d = c2 + c3 K sorted by |d| (``ds``, ``c2s``, ``c3s``) for
    :func:`_mobius_lookup`; they depend only on K and H, so callers may reuse them.

    One-shot work, so plain numpy (nothing to compile): ``head[b]`` is the largest ``j``
    whose bucket is ``b`` and ``nxt[j]`` the next smaller ``j`` in the same bucket (-1: none),
    the lists a loop over ``j = 0, 1, ...`` pushing onto bucket heads builds.

    Examples:
        >>> from search.pcf._kernels import _mobius_tables
        >>> head, nxt, ds, c2s, c3s = _mobius_tables(0.5, 1)
        >>> [float(d) for d in ds], c2s.tolist(), c3s.tolist()
        ([-0.5, 0.5, 1.0, 1.5], [-1, 0, 1, 1], [1, 1, 0, 1])
    """
    M = 1 << 16
    H = int(H)
    K = float(K)
    nc = 2 * H + 1
    c1 = np.arange(-H, H + 1, dtype=np.int64)
    x = c1 * K
    bkt = ((x - np.floor(x)) * M).astype(np.int64) % M
    order = np.lexsort((np.arange(nc), bkt))  # by bucket, then j
    sb = bkt[order]
    nxt = np.full(nc, -1, dtype=np.int64)
    same = sb[1:] == sb[:-1]
    nxt[order[1:][same]] = order[:-1][same]
    head = np.full(M, -1, dtype=np.int64)
    head[sb] = order  # the last (largest j) of each bucket wins
    c3g, c2g = np.meshgrid(np.arange(0, H + 1, dtype=np.int64), np.arange(-H, H + 1, dtype=np.int64), indexing="ij")
    c2s = c2g.ravel()
    c3s = c3g.ravel()
    keep = ~((c3s == 0) & (c2s <= 0))
    c2s = c2s[keep]
    c3s = c3s[keep]
    ds = c2s + c3s * K
    # sort denominators by |d|: since |y| = |c0 + c1 K| <= H (1 + |K|), the loop over d stops
    # as soon as |x d| exceeds that bound (ties, only for a rational K, keep the loop order)
    order = np.argsort(np.abs(ds), kind="stable")
    return (head, nxt, np.ascontiguousarray(ds[order]), np.ascontiguousarray(c2s[order]),
            np.ascontiguousarray(c3s[order]))


def _mobius_lookup(xs: np.ndarray, tols: np.ndarray, K: float, H: int, max_hits: int, head: np.ndarray,
                   nxt: np.ndarray, ds: np.ndarray, c2s: np.ndarray, c3s: np.ndarray) -> np.ndarray:
    """The lookup of :func:`_mobius_scan` with precomputed :func:`_mobius_tables`: an ``(h, 5)``
    int64 array of hit rows (index into xs, c0, c1, c2, c3), at most ``max_hits``."""
    out = np.zeros((int(max_hits), 5), dtype=np.int64)
    h = _mobius_lookup_kernel(kernel_array(xs, np.float64), kernel_array(tols, np.float64), float(K), int(H),
                              head, nxt, ds, c2s, c3s, out)
    return out[:h]


@kernel("int64(float64[:], float64[:], float64, int64, int64[::1], int64[::1], float64[::1], int64[::1], "
        "int64[::1], int64[:, ::1])")
def _mobius_lookup_kernel(xs, tols, K, H, head, nxt, ds, c2s, c3s, out):  # pragma: no cover
    """The loop of :func:`_mobius_lookup`; returns the number of rows of ``out`` filled."""
    M = 1 << 16
    nc = 2 * H + 1
    t = ds.shape[0]
    ymax = H * (1.0 + abs(K)) * (1.0 + 1e-9) + 1.0
    h = 0
    for i in range(xs.shape[0]):
        x = xs[i]
        if not np.isfinite(x):
            continue
        ax = abs(x)
        for u in range(t):
            d = ds[u]
            if ax * abs(d) > ymax:
                break
            y = x * d
            f = y - math.floor(y)
            eps = tols[i] * max(1.0, abs(y)) + 3e-14 * abs(d)
            if eps * M >= nc:  # huge |y|: scan every c1 directly
                lo, hi = 0, -1
                for j0 in range(nc):
                    h = _try_hit(out, h, i, y, j0 - H, K, eps, H, c2s[u], c3s[u])
            else:
                lo = int(math.floor((f - eps) * M))
                hi = int(math.floor((f + eps) * M))
            for bb in range(lo, hi + 1):
                j = head[bb % M]
                while j >= 0:
                    h = _try_hit(out, h, i, y, j - H, K, eps, H, c2s[u], c3s[u])
                    j = nxt[j]
    return h


def _mobius_scan(xs: np.ndarray, tols: np.ndarray, K: float, H: int, max_hits: int) -> np.ndarray:
    """Meet-in-the-middle search of x = (c0 + c1 K)/(c2 + c3 K), |c_i| <= H.

    The fractional parts {c1 K} are hashed into a grid of M buckets; for each x and each
    denominator d = c2 + c3 K, the bucket of {x d} gives the candidate c1 (usually none).
    Returns an (h, 5) int64 array of rows (index into xs, c0, c1, c2, c3).
    """
    head, nxt, ds, c2s, c3s = _mobius_tables(K, H)
    xs = np.asarray(xs, dtype=np.float64)
    tols = np.asarray(tols, dtype=np.float64)
    return _mobius_lookup(xs, tols, float(K), int(H), int(max_hits), head, nxt, ds, c2s, c3s)
