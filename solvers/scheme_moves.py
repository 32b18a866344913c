"""Format moves between matrix-multiplication schemes: restrictions, extensions, sums, products.

- :func:`project`: delete a row/column (``<n,m,p> -> <n-1,m,p>`` etc.): restrict the scheme;
  products that vanish are dropped, so a good scheme of a bigger format gives one of the
  smaller format.
- :func:`extend`: add a row/column with the standard products (rank ``+ m p``, ``+ n p`` or
  ``+ n m``), a starting point for flips in the bigger format.
- :func:`direct_sum`: two schemes glued along a dimension (rank ``r1 + r2``).
- :func:`kronecker`: ``<n1 n2, m1 m2, p1 p2>`` of rank ``r1 r2`` (Strassen x Strassen = 49).

Every result is verified exactly over the ring of the inputs. The search that moves between
neighbouring formats with these moves is :func:`search.flipgraph.meta_search`.

Reference: M. Kauers, I. Wood, "Exploring the meta flip graph for matrix multiplication",
arXiv:2510.19787 (2025) (extension and projection edges between formats); A. I. Perminov,
"Fast matrix multiplication via ternary meta flip graphs", arXiv:2511.20317 (meta operators
over {-1, 0, 1}); Arai, Ichikawa, Hukushima, "Adaptive flip graph algorithm for matrix
multiplication", ISSAC 2024 (restrictions).

Examples:
    >>> from engine.schemes import Scheme
    >>> from solvers.scheme_moves import kronecker, project
    >>> s = kronecker(Scheme.strassen(), Scheme.strassen())
    >>> s.format, s.rank, s.is_valid("ZT")
    ((4, 4, 4), 49, True)
    >>> project(Scheme.standard(3, 3, 3), axis=0).format
    (2, 3, 3)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.errors import InvalidInputError
from engine.schemes import Scheme

__all__ = ["project", "extend", "direct_sum", "kronecker"]


def _ring_of(*schemes: Scheme) -> str:
    rings = {s.ring for s in schemes}
    if len(rings) == 1:
        return rings.pop()
    if rings <= {"ZT", "Z", "Q"}:
        return "Q" if "Q" in rings else "Z"
    raise InvalidInputError(f"schemes over different rings {sorted(rings)} cannot be combined")


def _finish(fmt: tuple[int, int, int], u: Any, v: Any, w: Any, ring: str) -> Scheme:
    keep = [t for t in range(len(u)) if any(u[t]) and any(v[t]) and any(w[t])]
    s = Scheme(fmt, [u[t] for t in keep], [v[t] for t in keep], [w[t] for t in keep],
               ring=None if ring not in ("F2", "F3") else ring)
    if ring == "ZT" and s.ring != "ZT":
        ring = s.ring
    s = Scheme(fmt, s.u, s.v, s.w, ring=ring if ring in ("F2", "F3", "ZT") and s.ring == ring or ring in ("F2", "F3") else s.ring)
    s.check(s.ring)
    return s


def _common(s1: Scheme, s2: Scheme) -> tuple[Scheme, Scheme, str]:
    """The two schemes over one ring: an integer (ZT/Z) scheme joins an F2/F3 one by reduction mod p."""
    fields = {s1.ring, s2.ring} & {"F2", "F3"}
    if len(fields) == 1 and s1.ring != s2.ring:
        f = fields.pop()
        out = []
        for s in (s1, s2):
            if s.ring != f:
                if s.ring not in ("ZT", "Z") or not s.is_valid(f):
                    raise InvalidInputError(
                        f"schemes over {s1.ring} and {s2.ring} cannot be combined: the {s.ring} scheme is not valid over {f}"
                    )
                s = s.with_ring(f)
            out.append(s)
        return out[0], out[1], f
    return s1, s2, _ring_of(s1, s2)


def _check_axis(axis: int) -> None:
    if isinstance(axis, bool) or axis not in (0, 1, 2):
        raise InvalidInputError(f"axis={axis!r} must be 0 (n), 1 (m) or 2 (p)")


def project(scheme: Scheme, axis: int, index: int | None = None) -> Scheme:
    """Delete row/column ``index`` along ``axis`` (0: rows of A and C, 1: columns of A and rows
    of B, 2: columns of B and C). Default ``index``: the one giving the smallest rank.

    Raises:
        InvalidInputError: bad axis/index or a dimension of 1.

    Examples:
        >>> from engine.schemes import Scheme
        >>> from solvers.scheme_moves import project
        >>> project(Scheme.laderman(), axis=2).rank <= 23
        True
    """
    _check_axis(axis)
    n, m, p = scheme.format
    size = scheme.format[axis]
    if size < 2:
        raise InvalidInputError(f"dimension {axis} of {scheme.format} is 1; nothing to delete")
    if index is None:
        cands = [project(scheme, axis, i) for i in range(size)]
        return min(cands, key=lambda s: s.rank)
    if not 0 <= index < size:
        raise InvalidInputError(f"index={index!r} must be in [0, {size})")
    r = scheme.rank
    U = np.asarray(scheme.u, dtype=object).reshape(r, n, m)
    V = np.asarray(scheme.v, dtype=object).reshape(r, m, p)
    W = np.asarray(scheme.w, dtype=object).reshape(r, n, p)
    if axis == 0:
        U, W = np.delete(U, index, 1), np.delete(W, index, 1)
    elif axis == 1:
        U, V = np.delete(U, index, 2), np.delete(V, index, 1)
    else:
        V, W = np.delete(V, index, 2), np.delete(W, index, 2)
    fmt = (U.shape[1], U.shape[2], V.shape[2])
    return _finish(fmt, U.reshape(r, -1).tolist(), V.reshape(r, -1).tolist(), W.reshape(r, -1).tolist(), scheme.ring)


def direct_sum(s1: Scheme, s2: Scheme, axis: int) -> Scheme:
    """Glue two schemes along ``axis``: ``<n1,m,p> + <n2,m,p> -> <n1+n2,m,p>`` (axis 0), etc.

    Raises:
        InvalidInputError: the other two dimensions differ, or incompatible rings.

    Examples:
        >>> from engine.schemes import Scheme
        >>> from solvers.scheme_moves import direct_sum
        >>> s = direct_sum(Scheme.strassen(), Scheme.standard(2, 2, 1), axis=2)
        >>> s.format, s.rank, s.is_valid()
        ((2, 2, 3), 11, True)
    """
    _check_axis(axis)
    f1, f2 = s1.format, s2.format
    if any(f1[a] != f2[a] for a in range(3) if a != axis):
        raise InvalidInputError(f"formats {f1} and {f2} differ outside axis {axis}; they cannot be summed")
    s1, s2, ring = _common(s1, s2)
    fmt = tuple(f1[a] + f2[a] if a == axis else f1[a] for a in range(3))
    n, m, p = fmt
    rows_u, rows_v, rows_w = [], [], []
    for s, off in ((s1, 0), (s2, f1[axis])):
        sn, sm, sp = s.format
        for t in range(s.rank):
            U = np.zeros((n, m), dtype=object)
            V = np.zeros((m, p), dtype=object)
            W = np.zeros((n, p), dtype=object)
            Us = np.asarray(s.u[t], dtype=object).reshape(sn, sm)
            Vs = np.asarray(s.v[t], dtype=object).reshape(sm, sp)
            Ws = np.asarray(s.w[t], dtype=object).reshape(sn, sp)
            oi = off if axis == 0 else 0
            oj = off if axis == 1 else 0
            ok = off if axis == 2 else 0
            U[oi:oi + sn, oj:oj + sm] = Us
            V[oj:oj + sm, ok:ok + sp] = Vs
            W[oi:oi + sn, ok:ok + sp] = Ws
            rows_u.append(U.ravel().tolist())
            rows_v.append(V.ravel().tolist())
            rows_w.append(W.ravel().tolist())
    return _finish(fmt, rows_u, rows_v, rows_w, ring)


def extend(scheme: Scheme, axis: int) -> Scheme:
    """Add one row/column along ``axis`` computed by standard products.

    Examples:
        >>> from engine.schemes import Scheme
        >>> from solvers.scheme_moves import extend
        >>> s = extend(Scheme.strassen(), axis=0)
        >>> s.format, s.rank
        ((3, 2, 2), 11)
    """
    _check_axis(axis)
    one = tuple(1 if a == axis else scheme.format[a] for a in range(3))
    std = Scheme.standard(*one)
    if scheme.ring in ("F2", "F3"):
        std = std.with_ring(scheme.ring)
    return direct_sum(scheme, std, axis)


def kronecker(s1: Scheme, s2: Scheme) -> Scheme:
    """Tensor (Kronecker) product: a scheme for ``<n1 n2, m1 m2, p1 p2>`` of rank ``r1 r2``.

    Block indices: ``A[(i1, i2), (j1, j2)] = A[i1*n2 + i2][j1*m2 + j2]``.

    Raises:
        InvalidInputError: schemes over incompatible rings.

    Examples:
        >>> from engine.schemes import Scheme
        >>> from solvers.scheme_moves import kronecker
        >>> kronecker(Scheme.standard(1, 2, 1), Scheme.strassen()).rank
        14
    """
    s1, s2, ring = _common(s1, s2)
    (n1, m1, p1), (n2, m2, p2) = s1.format, s2.format
    fmt = (n1 * n2, m1 * m2, p1 * p2)
    ru, rv, rw = [], [], []
    for t1 in range(s1.rank):
        U1 = np.asarray(s1.u[t1], dtype=object).reshape(n1, m1)
        V1 = np.asarray(s1.v[t1], dtype=object).reshape(m1, p1)
        W1 = np.asarray(s1.w[t1], dtype=object).reshape(n1, p1)
        for t2 in range(s2.rank):
            U2 = np.asarray(s2.u[t2], dtype=object).reshape(n2, m2)
            V2 = np.asarray(s2.v[t2], dtype=object).reshape(m2, p2)
            W2 = np.asarray(s2.w[t2], dtype=object).reshape(n2, p2)
            ru.append(np.kron(U1, U2).ravel().tolist())
            rv.append(np.kron(V1, V2).ravel().tolist())
            rw.append(np.kron(W1, W2).ravel().tolist())
    if ring in ("F2", "F3"):
        pr = 2 if ring == "F2" else 3
        ru, rv, rw = ([[int(x) % pr for x in row] for row in a] for a in (ru, rv, rw))
    return _finish(fmt, ru, rv, rw, ring)
