"""Proved upper bounds for ``a(n, r; F)`` and the cases our own computations decide.

``a(n, r; F)`` is the greatest dimension of an affine subspace of ``A_n(F)`` (``n x n``
alternating matrices) whose every point has rank ``r``. This module collects the upper bounds
that are cheap and deterministic to derive (each re-derived by the same call), and combines
them with the dimensions of verified spaces:

- ``"theorem"``: a case covered by a published theorem or an elementary argument
  (:func:`solvers.constant_rank.constant_rank_theory`, ``covered``);
- ``"exact"``: the exhaustive branch and bound
  (:func:`solvers.constant_rank.optimality.exact_max_dimension`) over all of ``A_n(F_q)``,
  run when ``q^{n(n-1)/2} <= exact_limit`` (tiny cases, under a second), or its result stored
  with ``"proved": true`` in ``solvers/data/altspaces_best.json`` (re-checkable by rerunning it);
- ``"deletion"``: for ``r < n``, congruence moves a kernel vector of the base point to ``e_0``;
  the directions with zero first row (codimension ``<= n - 1``: ``l e_0`` has first coordinate
  0) keep the first row zero, and deleting it gives a constant-rank-``r`` space in
  ``A_{n-1}``: ``a(n, r) <= a(n - 1, r) + n - 1``. For ``r = n`` the directions with
  ``l e_0 = 0`` keep ``M e_0`` fixed, and deleting row and column 0 leaves a matrix of odd
  size ``n - 1`` and rank exactly ``n - 2`` on an injective image:
  ``a(n, n) <= a(n - 1, n - 2) + n - 1``. The smaller case's best bound is used (recursively);
- ``"incidence"`` (double counting point-line incidences; sharper than the deletion bound by
  ``n - r - 1`` for ``r < n`` and by 1 for ``r = n``):

  * ``r < n``: every point ``x`` has a kernel of dimension ``k = n - r``, with
    ``K = (q^k - 1)/(q - 1)`` lines. For a line ``<v>``, ``S_v = {x in b + L : x v = 0}`` is an
    affine subspace; congruence by ``P`` with ``P e_0 = v`` clears row and column 0, and
    deleting them maps ``S_v`` injectively to a constant-rank-``r`` space in ``A_{n-1}``, so
    ``|S_v| <= q^{a(n-1, r)}``. Counting the pairs ``(x, <v>)`` with ``x v = 0`` over the
    ``(q^n - 1)/(q - 1)`` lines: ``q^d K <= (q^n - 1)/(q - 1) q^{a(n-1, r)}``, i.e.
    ``a(n, r) <= a(n-1, r) + e`` with ``e`` the largest integer such that
    ``q^e (q^k - 1) <= q^n - 1``;
  * ``r = n``: for a nonsingular ``x`` and a hyperplane ``H = ker(phi)``, the restriction of
    ``x`` to ``H`` has a radical of dimension exactly 1, the line ``<w>`` with ``w^T x = c phi``
    (``w`` lies in ``H`` since ``phi(w) = w^T x w = 0``). For a hyperplane ``H`` and a line
    ``<w>`` in it, ``T = {x in b + L : w^T x in F phi}`` is an affine subspace on which the
    affine function ``c`` never vanishes (``x`` is nonsingular), so ``c`` is constant (a
    non-constant affine function on an ``F_q``-affine space takes the value 0). Congruence
    sends ``w`` to ``e_0`` and ``phi`` to ``e_1^*``; then row and column 0 are constant on
    ``T`` and deleting them is injective, onto a space in ``A_{n-1}`` of constant rank
    ``n - 2`` (odd size; one deletion lowers the rank by at most 2). Every pair ``(x, H)``
    gives one ``<w>``, so ``q^d P <= P (q^{n-1} - 1)/(q - 1) q^{a(n-1, n-2)}`` (``P`` the
    number of hyperplanes): ``a(n, n) <= a(n-1, n-2) + n - 2``;
- ``"counting"``: the ``(q - 1) q^d`` points ``c x`` (``c != 0``, ``x`` in the space) are
  distinct rank-``r`` matrices (the space misses 0 when ``r > 0``), so
  ``(q - 1) q^d <= N_q(n, r)``, the number of alternating matrices of rank ``r`` over ``F_q``
  (MacWilliams 1969, :func:`count_rank_matrices`).

A value is *proved* (:func:`proved_value`) when the smallest of these bounds equals the
dimension of a verified space: the generic construction, the Frobenius construction
(``n = r + 2``, ``q <= r/2 + 1``), a stored search result, or the branch and bound's witness.

References:
    F. J. MacWilliams, "Orthogonal matrices over finite fields", Amer. Math. Monthly 76 (1969)
    152-164; E. Rubei, arXiv:2209.07633; C. de Seguins Pazzis, arXiv:2307.10347.

Examples:
    >>> from solvers.constant_rank.bounds import best_upper_bound, proved_value
    >>> best_upper_bound(5, 4, 7)[:2]          # a(4, 4) = 2 (theorem) plus n - 1 = 4
    (6, 'deletion')
    >>> pv = proved_value(4, 2, 2)             # a(4, 2; F2) = 3, the exhaustive search
    >>> pv["value"], pv["upper_method"], pv["lower_method"]
    (3, 'exact', 'exact')
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from engine._args import check_int
from engine.alternating import parse_field
from engine.errors import InvalidInputError

__all__ = [
    "UPPER_METHODS",
    "EXACT_LIMIT",
    "count_rank_matrices",
    "counting_bound",
    "upper_bound_by",
    "best_upper_bound",
    "lower_bound_candidates",
    "proved_value",
]

#: the upper-bound methods, in the order preferred on ties
UPPER_METHODS = ("theorem", "exact", "deletion", "incidence", "counting")
#: Largest ``n`` for the computed bounds (beyond it only the theorem applies).
MAX_N = 64
#: Default largest ``q^{n(n-1)/2}`` for running the exhaustive branch and bound (A_4(F3): 729).
EXACT_LIMIT = 729


def count_rank_matrices(n: int, r: int, q: int) -> int:
    """The number ``N_q(n, r)`` of alternating ``n x n`` matrices of rank ``r`` over ``F_q``.

    ``N_q(n, 2s) = prod_{i=0}^{s-1} q^{2i} / (q^{2i+2} - 1) * prod_{i=0}^{2s-1} (q^{n-i} - 1)``
    (MacWilliams 1969).

    Raises:
        InvalidInputError: ``r`` odd or out of range, ``q < 2``.

    Examples:
        >>> from solvers.constant_rank.bounds import count_rank_matrices
        >>> [count_rank_matrices(4, r, 2) for r in (0, 2, 4)]      # 1 + 35 + 28 = 2^6
        [1, 35, 28]
    """
    n = check_int(n, "n", low=0, high=64)
    r = check_int(r, "r", low=0, high=n)
    q = check_int(q, "q", low=2, high=10**6)
    if r % 2:
        raise InvalidInputError(f"r={r} must be even (alternating matrices have even rank)")
    s = r // 2
    num, den = 1, 1
    for i in range(s):
        num *= q ** (2 * i)
        den *= q ** (2 * i + 2) - 1
    for i in range(2 * s):
        num *= q ** (n - i) - 1
    assert num % den == 0
    return num // den


def counting_bound(n: int, r: int, q: int) -> int:
    """Largest ``d`` with ``(q - 1) q^d <= N_q(n, r)``: the points ``c (b + l)`` (``c != 0``,
    ``l`` in the direction space ``L``) of ``span(b, L)`` are ``(q - 1) q^d`` distinct rank-``r``
    matrices (``b`` is not in ``L``: the space does not contain 0).

    Examples:
        >>> from solvers.constant_rank.bounds import counting_bound
        >>> counting_bound(4, 4, 2)        # 28 rank-4 matrices: (2 - 1) 2^d <= 28
        4
    """
    N = count_rank_matrices(n, r, q)
    d = 0
    while (q - 1) * q ** (d + 1) <= N:
        d += 1
    return d


@lru_cache(maxsize=64)
def _exact(n: int, r: int, q: int, limit: int) -> Any:
    from solvers.constant_rank.optimality import exact_max_dimension

    return exact_max_dimension(n, r, q, max_elements=max(limit, 1))


def upper_bound_by(method: str, n: int, r: int, field: Any, exact_limit: int = EXACT_LIMIT) -> tuple[int, str] | None:
    """The upper bound ``(bound, detail)`` that ``method`` gives for ``a(n, r; F)``.

    Args:
        method: one of :data:`UPPER_METHODS`.
        n, r, field: the case (``field``: ``"Q"``, a prime, or 4, 8, 9).
        exact_limit: largest ``q^{n(n-1)/2}`` for which the branch and bound is run.

    Returns:
        ``(bound, detail)``, or None when the method does not apply.

    Raises:
        InvalidInputError: an unknown method, bad ``n``, ``r``, field or ``exact_limit``.

    Examples:
        >>> from solvers.constant_rank.bounds import upper_bound_by
        >>> upper_bound_by("incidence", 6, 6, 5)[0], upper_bound_by("deletion", 6, 6, 5)[0]
        (10, 11)
    """
    if not isinstance(method, str) or method not in UPPER_METHODS:
        raise InvalidInputError(f"method={method!r} must be one of {', '.join(UPPER_METHODS)}")
    n, r, f = _nrf(n, r, field)
    exact_limit = check_int(exact_limit, "exact_limit", low=0, high=1 << 14)
    return _upper_by(method, n, r, f, exact_limit)


def _upper_by(method: str, n: int, r: int, f: Any, exact_limit: int) -> tuple[int, str] | None:
    from solvers.constant_rank.theory import _covered, best_found, formula_dimension

    if method == "theorem":
        covered, cond, _reason, ref, _cl = _covered(n, r, f)
        return (formula_dimension(n, r), f"{ref} [{cond}]") if covered else None
    if f == "Q" or n > MAX_N:
        return None
    q = int(f)
    m = n * (n - 1) // 2
    if method == "exact":
        if r >= 2 and q**m <= exact_limit:
            return _exact(n, r, q, exact_limit).dimension, \
                f"exhaustive branch and bound over the {q}^{m} elements of A_{n}(F{q})"
        bf = best_found(n, r, q)
        if bf is not None and bf.get("proved"):
            return int(bf["dimension"]), "exhaustive branch and bound, stored in solvers/data/altspaces_best.json"
        return None
    if method == "counting":
        if r < 2:
            return None
        N = count_rank_matrices(n, r, q)
        return counting_bound(n, r, q), f"(q-1) q^d <= N_q({n}, {r}) = {N} rank-{r} matrices in A_{n}(F{q})"
    if method == "incidence":
        if n < 3 or r < 2:
            return None
        if r < n:
            k = n - r
            e = 0
            while q ** (e + 1) * (q**k - 1) <= q**n - 1:
                e += 1
            n1, r1, why = n - 1, r, (f"each point has {(q**k - 1) // (q - 1)} kernel lines, each of the "
                                     f"{(q**n - 1) // (q - 1)} lines lies in the kernels of at most "
                                     f"q^a({n - 1}, {r}) points: q^d ({q}^{k} - 1) <= ({q}^{n} - 1) q^a({n - 1}, {r})")
        else:
            e = n - 2
            n1, r1, why = n - 1, n - 2, (f"each point and hyperplane give one radical line; the points with a "
                                         f"given (hyperplane, radical line) embed in A_{n - 1} with constant rank "
                                         f"{n - 2}: q^d <= ({q}^{n - 1} - 1)/({q} - 1) q^a({n - 1}, {n - 2})")
        sub = best_upper_bound(n1, r1, q, exact_limit)
        if sub is None:
            return None
        return sub[0] + e, (f"a({n}, {r}) <= a({n1}, {r1}) + {e} <= {sub[0]} + {e} (incidence count: {why}; "
                            f"a({n1}, {r1}) <= {sub[0]} by {sub[1]})")
    if method == "deletion":
        if n < 3 or r < 2:
            return None
        n1, r1 = (n - 1, r) if r < n else (n - 1, n - 2)
        sub = best_upper_bound(n1, r1, q, exact_limit)
        if sub is None:
            return None
        return sub[0] + n - 1, (f"a({n}, {r}) <= a({n1}, {r1}) + {n - 1} <= {sub[0]} + {n - 1} "
                                f"(deletion of a row and column; a({n1}, {r1}) <= {sub[0]} by {sub[1]})")
    return None


@lru_cache(maxsize=4096)
def _best_upper(n: int, r: int, f: Any, exact_limit: int) -> tuple[int, str, str] | None:
    best = None
    for prio, meth in enumerate(UPPER_METHODS):
        if best is not None and best[1] == "theorem":
            break  # a covered case: the theorem's value is attained, no bound is smaller
        u = _upper_by(meth, n, r, f, exact_limit)
        if u is not None and (best is None or (u[0], prio) < best[0]):
            best = ((u[0], prio), meth, u[1])
    return None if best is None else (best[0][0], best[1], best[2])


def _nrf(n: Any, r: Any, field: Any) -> tuple[int, int, Any]:
    from solvers.constant_rank.theory import _check_nr

    n, r = _check_nr(n, r)
    return n, r, parse_field(field)


def best_upper_bound(n: int, r: int, field: Any, exact_limit: int = EXACT_LIMIT) -> tuple[int, str, str] | None:
    """``(bound, method, detail)``: the smallest upper bound of :data:`UPPER_METHODS` for
    ``a(n, r; F)`` (on ties the earlier method), or None when none applies.

    Raises:
        InvalidInputError: ``r`` odd or ``> n``, a bad field or ``exact_limit``.

    Examples:
        >>> from solvers.constant_rank.bounds import best_upper_bound
        >>> best_upper_bound(6, 4, 2)[:2]       # a(5, 4; F2) <= 6, plus 4 (kernel-line count)
        (10, 'incidence')
    """
    n, r, f = _nrf(n, r, field)
    exact_limit = check_int(exact_limit, "exact_limit", low=0, high=1 << 14)
    return _best_upper(n, r, f, exact_limit)


def lower_bound_candidates(n: int, r: int, field: Any, exact_limit: int = EXACT_LIMIT) -> list[tuple[int, str, Any]]:
    """Verified-space candidates ``(dimension, method, build)``, largest first: ``build()``
    returns the space (an :class:`~solvers.constant_rank.AffineAlternatingSpace`). Methods:
    ``"formula"`` (:func:`~solvers.constant_rank.extremal_space`'s generic construction),
    ``"frobenius"`` (``n = r + 2``, ``q <= r/2 + 1``), ``"stored search"``, ``"exact"`` (the
    branch and bound's witness, when it runs within ``exact_limit``). The dimension of each is
    known without building it; the caller decides its constant rank.

    Raises:
        InvalidInputError: ``r`` odd or ``> n``, a bad field.
    """
    from solvers.constant_rank.space import AffineAlternatingSpace
    from solvers.constant_rank.theory import (
        _covered,
        best_found,
        formula_dimension,
        formula_space,
        frobenius_space,
    )

    n, r, f = _nrf(n, r, field)
    exact_limit = check_int(exact_limit, "exact_limit", low=0, high=1 << 14)
    formula = formula_dimension(n, r)
    s = r // 2
    cands: list[tuple[int, str, Any]] = [(formula, "formula", lambda: formula_space(n, r, f))]
    if f != "Q" and n <= MAX_N:
        q = int(f)
        if n == r + 2 and r >= 2 and q <= s + 1:
            cands.append((formula + 1, "frobenius", lambda: frobenius_space(r, q)))
        bf = best_found(n, r, q)
        if bf is not None and int(bf["dimension"]) > formula:
            cands.append((int(bf["dimension"]), "stored search",
                          lambda: AffineAlternatingSpace.from_json(bf["space"])))
        if r >= 2 and q ** (n * (n - 1) // 2) <= exact_limit and not _covered(n, r, f)[0]:
            ex = _exact(n, r, q, exact_limit)
            cands.append((ex.dimension, "exact", lambda: ex.space))
    order = {"exact": 0, "frobenius": 1, "formula": 2, "stored search": 3}
    cands.sort(key=lambda c: (-c[0], order[c[1]]))
    return cands


@lru_cache(maxsize=4096)
def _proved(n: int, r: int, f: Any, exact_limit: int) -> dict:
    cands = lower_bound_candidates(n, r, f, exact_limit)
    lower, lmeth = cands[0][0], cands[0][1]
    up = _best_upper(n, r, f, exact_limit)
    if up is not None and up[0] < lower:  # pragma: no cover - would contradict a proof
        from engine.errors import VerificationError

        raise VerificationError(f"a({n}, {r}): a verified space of dimension {lower} ({lmeth}) exceeds "
                                f"the proved bound {up[0]} ({up[1]}: {up[2]})")
    return {"n": n, "r": r, "field": f, "lower": lower, "lower_method": lmeth,
            "upper": None if up is None else up[0], "upper_method": None if up is None else up[1],
            "upper_detail": "" if up is None else up[2],
            "value": lower if up is not None and up[0] == lower else None}


def proved_value(n: int, r: int, field: Any, exact_limit: int = EXACT_LIMIT) -> dict:
    """The best bounds for ``a(n, r; F)`` and the value when they meet.

    Returns:
        ``{"n", "r", "field", "lower", "lower_method", "upper", "upper_method",
        "upper_detail", "value"}``: ``lower`` the largest candidate space
        (:func:`lower_bound_candidates`), ``upper`` the smallest bound
        (:func:`best_upper_bound`, None if none), ``value`` their common value or None (open).

    Raises:
        InvalidInputError: ``r`` odd or ``> n``, a bad field or ``exact_limit``.

    Examples:
        >>> from solvers.constant_rank.bounds import proved_value
        >>> pv = proved_value(5, 4, 3)      # a(4, 4; F3) = 2 (elementary) + 4 = the formula 6
        >>> pv["value"], pv["upper_method"]
        (6, 'deletion')
        >>> proved_value(6, 4, 2)["value"] is None      # open: 7 <= a(6, 4; F2) <= 10
        True
    """
    n, r, f = _nrf(n, r, field)
    exact_limit = check_int(exact_limit, "exact_limit", low=0, high=1 << 14)
    return dict(_proved(n, r, f, exact_limit))
