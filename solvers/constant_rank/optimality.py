"""Optimality of constant-rank spaces over F_p: maximality, proved upper bounds, exact maxima.

For an affine space of alternating ``n x n`` matrices over ``F_p`` whose every point has rank
``r``:

- :func:`is_maximal`: no single direction extends it (exhaustive over ``A_n(F_p)``; maximal
  for inclusion, which does not prove that no larger family exists);
- :func:`proved_upper_bound`: the proved greatest dimension ``a(n, r; F_p)`` with its
  source, from a covered theorem (:func:`solvers.constant_rank.constant_rank_theory`) or a
  stored exact maximum (the shipped table ``solvers/data/altspaces_best.json``);
- :func:`exact_max_dimension` / :class:`ExactMaximum`: the exact greatest dimension of tiny
  cases, by an exhaustive branch and bound over all of ``A_n(F_p)``.

The search for large families is :func:`search.altspaces.search_constant_rank`.

References:
    E. Rubei, "Affine subspaces of antisymmetric matrices with constant rank",
    arXiv:2209.07633 (v3), Theorem 6; C. de Seguins Pazzis, "On affine spaces of alternating
    matrices with constant rank", arXiv:2307.10347 (2023) (the covered cases of
    :func:`solvers.constant_rank.constant_rank_theory`).

Examples:
    >>> from solvers.constant_rank.optimality import exact_max_dimension, proved_upper_bound
    >>> exact_max_dimension(3, 2, 2).dimension, proved_upper_bound(4, 2, 2)[0]
    (2, 3)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine._args import check_int, short_repr
from engine.alternating import _is_fq, parse_field
from engine.errors import InvalidInputError, VerificationError
from engine.results import Result
from solvers.constant_rank._coords import _FULL_ENUM, _all_vectors, _mat, _reduce, _rref, _vec
from solvers.constant_rank.space import AffineAlternatingSpace
from solvers.constant_rank.theory import constant_rank_theory

__all__ = ["is_maximal", "proved_upper_bound", "exact_max_dimension", "ExactMaximum"]


def _check_args(n: Any, r: Any, field: Any, allow_fq: bool = False) -> tuple[int, int, int]:
    """``(n, r, p)`` checked: ``n >= 2``, ``r`` even in ``2..n``, ``p`` a prime below 2^31
    (or, with ``allow_fq``, 4, 8 or 9)."""
    for name, v in (("n", n), ("r", r)):
        if isinstance(v, bool) or not isinstance(v, int):
            raise InvalidInputError(f"{name}={short_repr(v)} must be an int")
    if n < 2:
        raise InvalidInputError(f"n={n} must be >= 2")
    if r <= 0 or r % 2 or r > n:
        raise InvalidInputError(f"r={r} must be even with 2 <= r <= n={n}")
    f = parse_field(field)
    if f == "Q":
        raise InvalidInputError("field='Q': the search runs over finite fields (F2, F3, F5, ...); over Q use extremal_space()")
    if _is_fq(f) and not allow_fq:
        raise InvalidInputError(
            f"field=F{f}: the search runs over prime fields (F2, F3, F5, ...); over F4, F8, F9 use "
            "exact_max_dimension, is_maximal or the constant-rank table")
    if f >= 2**31:
        raise InvalidInputError(f"field={f} is too large for the exhaustive kernels (p < 2^31)")
    return n, r, int(f)


def is_maximal(space: AffineAlternatingSpace, r: int) -> bool | None:
    """Whether no direction ``D`` extends ``space`` keeping constant rank ``r`` (F_p only).

    Every ``D`` in ``A_n(F_p)`` modulo the span of the directions is tried (exhaustively), so
    ``True`` is a proof that the family is not contained in a larger one; ``None`` when
    ``p^{n(n-1)/2}`` exceeds 2^15 (too many candidates).

    Examples:
        >>> from solvers.constant_rank import extremal_space, formula_space
        >>> from solvers.constant_rank.optimality import is_maximal
        >>> is_maximal(extremal_space(3, 2, field=2), 2)     # a(3, 2; F2) = 2
        True
        >>> is_maximal(formula_space(4, 2, field=2), 2)      # dimension 2 < a(4, 2; F2) = 3
        False
    """
    from solvers.constant_rank._kernels import first_extension
    from solvers.constant_rank.theory import _check_space

    space = _check_space(space)
    if space.field == "Q":
        raise InvalidInputError("space is over Q; is_maximal enumerates A_n(F_p), so it needs a family over F_p")
    n = space.n
    if isinstance(r, bool) or not isinstance(r, int) or r < 0 or r % 2 or r > n:
        raise InvalidInputError(f"r={short_repr(r)} must be an even int with 0 <= r <= n={n}")
    p = int(space.field)
    m = n * (n - 1) // 2
    if m * math.log2(p) > math.log2(_FULL_ENUM) + 1 or p**m > _FULL_ENUM:
        return None
    base = np.array(space.base, dtype=np.int64)
    dirs = np.array(space.directions, dtype=np.int64).reshape(-1, n, n)
    C = _all_vectors(m, p)
    if dirs.shape[0]:
        basis, piv = _rref(_vec(dirs), p)
        C = _reduce(C, basis, piv, p)
    C = C[C.any(axis=1)]
    if C.shape[0] == 0:
        return True
    if _is_fq(p):
        from solvers.constant_rank._kernels_fq import first_extension_fq, tables

        add, mul, neg, inv = tables(p)
        return bool(first_extension_fq(base, dirs, _mat(C, n, p), add, mul, neg, inv, p, r) < 0)
    return bool(first_extension(base, dirs, _mat(C, n, p), p, r) < 0)


def proved_upper_bound(n: int, r: int, field: Any) -> tuple[int, str] | None:
    """The proved greatest dimension ``a(n, r; F_p)``, with its source, or None if unknown.

    Sources: a theorem or elementary argument that covers the case
    (:func:`solvers.constant_rank.constant_rank_theory`, ``covered``), or our own proofs
    (``proved``, :mod:`solvers.constant_rank.bounds`): an exact maximum proved by the
    exhaustive branch and bound (:func:`exact_max_dimension`, run when tiny or stored in
    ``solvers/data/altspaces_best.json``), or the deletion or counting bound met by a
    verified space. A search that reaches this
    dimension cannot do better, so :func:`search_constant_rank` stops there.

    Raises:
        InvalidInputError: bad ``n``, ``r`` or field.

    Examples:
        >>> from solvers.constant_rank.optimality import proved_upper_bound
        >>> proved_upper_bound(4, 2, 2)[0], proved_upper_bound(5, 2, 2)[0]
        (3, 3)
        >>> proved_upper_bound(6, 4, 2) is None     # open: 7 <= a(6, 4; F2) <= 10
        True
    """
    n, r, p = _check_args(n, r, field, allow_fq=True)
    th = constant_rank_theory(n, r, p)
    if th.covered and th.dimension is not None:
        return int(th.dimension), f"theorem: {th.reference} ({th.condition})"
    if th.proved and th.value is not None:
        if th.proved_by == "exact":
            return int(th.value), f"exact maximum: {th.upper_detail} (exact_max_dimension)"
        return int(th.value), f"{th.proved_by} bound met by a verified space: {th.upper_detail}"
    return None


# --------------------------------------------------------------------------- exact maxima (tiny cases)
@dataclass(frozen=True)
class ExactMaximum(Result):
    """Proved greatest dimension for a tiny ``(n, r, p)`` (branch and bound over all of A_n(F_p)).

    Attributes:
        n, r, field: the question.
        dimension: the greatest dimension of an affine subspace of constant rank ``r``.
        space: a family attaining it (verified exactly).
        nodes: branch-and-bound nodes explored.

    Examples:
        >>> from solvers.constant_rank.optimality import ExactMaximum
        >>> ex = ExactMaximum.example()
        >>> (ex.n, ex.r, ex.field, ex.dimension), ex.is_valid()
        ((3, 2, 2, 2), True)
    """

    n: int
    r: int
    field: int
    dimension: int
    space: AffineAlternatingSpace
    nodes: int

    def to_json(self) -> dict:
        return {"n": self.n, "r": self.r, "field": self.field, "dimension": self.dimension,
                "space": self.space.to_json(), "nodes": self.nodes, "method": "exhaustive branch and bound"}

    @classmethod
    def from_json(cls, d: dict) -> ExactMaximum:
        return cls(int(d["n"]), int(d["r"]), int(d["field"]), int(d["dimension"]),
                   AffineAlternatingSpace.from_json(d["space"]), int(d["nodes"]))

    def check(self) -> None:
        """Re-verify exactly: the family is ``n x n`` over ``F_field`` of the recorded
        dimension with rank ``r`` at every point, and the branch and bound, run again, proves
        the same greatest dimension.

        Raises:
            VerificationError: naming what fails.
        """
        sp = self.space
        if (sp.n, sp.field, sp.dimension) != (self.n, self.field, self.dimension):
            raise VerificationError(
                f"the family is {sp.n}x{sp.n} over {sp.field} of dimension {sp.dimension}, not "
                f"{self.n}x{self.n} over F{self.field} of dimension {self.dimension}")
        res = sp.constant_rank()
        if not (res.is_constant and res.rank == self.r):
            raise VerificationError(f"the family does not have constant rank {self.r} ({res.status})")
        again = exact_max_dimension(self.n, self.r, self.field).dimension
        if again != self.dimension:
            raise VerificationError(
                f"dimension {self.dimension} is not the greatest: the branch and bound proves {again}")

    @classmethod
    def example(cls) -> ExactMaximum:
        """``a(3, 2; F2) = 2``: ``A_3(F2)`` has dimension 3 and contains 0 (rank 0)."""
        return exact_max_dimension(3, 2, 2)

    @classmethod
    def tampered(cls) -> ExactMaximum:
        """:meth:`example` claiming the family of a smaller maximum."""
        ex = cls.example()
        return cls(ex.n, ex.r, ex.field, ex.dimension - 1,
                   AffineAlternatingSpace(ex.space.base, ex.space.directions[:-1], field=ex.field),
                   ex.nodes)


def exact_max_dimension(n: int, r: int, field: Any = 2, *, max_elements: int = 1 << 12) -> ExactMaximum:
    """The exact greatest dimension of an affine subspace of ``A_n(F_p)`` with all ranks ``r``.

    Exhaustive: every rank-``r`` alternating matrix is congruent to ``b = J_r (+) 0`` and
    congruence preserves ranks and affine subspaces, so it suffices to find the largest linear
    subspace ``L`` with ``b + L`` inside the rank-``r`` set ``S``: a branch and bound (branch on
    the smallest remaining candidate: in ``L`` or not; bound ``|L_final| <= |L| + |candidates|``).
    Only for tiny cases (``p^{n(n-1)/2} <= max_elements``).

    Raises:
        InvalidInputError: bad ``n``, ``r``, field, or too large a case.

    Examples:
        >>> from solvers.constant_rank.optimality import exact_max_dimension
        >>> exact_max_dimension(3, 2, 2).dimension
        2
    """
    from solvers.constant_rank._kernels import alt_rank_mod_p

    n, r, p = _check_args(n, r, field, allow_fq=True)
    max_elements = check_int(max_elements, "max_elements", low=1)
    m = n * (n - 1) // 2
    if m * math.log2(p) > math.log2(max_elements) + 1:  # never form a huge p**m
        raise InvalidInputError(f"A_{n}(F{p}) has {p}^{m} elements > max_elements={max_elements}; too large for the exact method")
    total = p**m
    if total > max_elements:
        raise InvalidInputError(f"A_{n}(F{p}) has {total} elements > max_elements={max_elements}; too large for the exact method")
    vecs = [tuple((k // p**i) % p for i in range(m)) for k in range(total)]
    if _is_fq(p):
        from solvers.constant_rank._kernels_fq import alt_rank_fq, tables

        T = tables(p)
        S = {v for v in vecs if alt_rank_fq(_mat(np.array(v, dtype=np.int64), n, p), *T) == r}
        AT, MT = T[0], T[1]
        add = lambda a, b: tuple(int(AT[x, y]) for x, y in zip(a, b, strict=True))  # noqa: E731
        mul = lambda t, a: tuple(int(MT[t, x]) for x in a)  # noqa: E731
        minus_one = int(T[2][1])
    else:
        S = {v for v in vecs if alt_rank_mod_p(_mat(np.array(v, dtype=np.int64), n, p), p) == r}
        add = lambda a, b: tuple((x + y) % p for x, y in zip(a, b, strict=True))  # noqa: E731
        mul = lambda t, a: tuple(t * x % p for x in a)  # noqa: E731
        minus_one = p - 1
    zero = tuple([0] * m)
    best = {"dim": -1, "base": None, "basis": None}
    nodes = 0

    def span_add(L: set, c: tuple) -> set:
        out = set(L)
        for t in range(1, p):
            tc = mul(t, c)
            out |= {add(x, tc) for x in L}
        return out

    def dfs(b, L: set, basis: list, cands: list) -> None:
        nonlocal nodes
        nodes += 1
        dim = len(basis)
        if dim > best["dim"]:
            best.update(dim=dim, base=b, basis=list(basis))
        # branch "c = cands[i] is the next basis vector, cands[:i] are not in L": the same
        # search tree as include/exclude on cands[0], with recursion depth = the dimension
        for i, c in enumerate(cands):
            bound = math.floor(math.log(len(L) + len(cands) - i, p) + 1e-9)
            if bound <= best["dim"]:
                return
            nodes += 1
            L2 = span_add(L, c)
            if all(add(b, x) in S for x in L2):
                rest = cands[i + 1:]
                keep = [x for x in rest if x not in L2]
                keep = [x for x in keep if all(add(add(b, y), mul(t, x)) in S for y in L2 for t in range(1, p))]
                dfs(b, L2, basis + [c], keep)

    # every rank-r alternating matrix is congruent to J_r (+) 0 and congruence preserves ranks
    # and affine subspaces, so the base point can be taken to be J_r (+) 0
    J = np.zeros((n, n), dtype=np.int64)
    for k in range(0, r, 2):
        J[k, k + 1] = 1
    b = tuple(int(x) for x in _vec(J) % p)
    cands = sorted(add(s, mul(minus_one, b)) for s in S if s != b)
    dfs(b, {zero}, [], cands)
    if best["base"] is None:  # pragma: no cover - S is never empty for 2 <= r <= n
        raise VerificationError("no rank-r point found")
    base = _mat(np.array(best["base"], dtype=np.int64), n, p)
    dirs = [_mat(np.array(v, dtype=np.int64), n, p).tolist() for v in best["basis"]]
    space = AffineAlternatingSpace(base.tolist(), dirs, field=p)
    res = space.constant_rank()
    if not (res.is_constant and res.rank == r):  # pragma: no cover
        raise VerificationError("exact maximum failed verification")
    return ExactMaximum(n, r, p, best["dim"], space, nodes)
