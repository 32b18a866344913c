"""Known theory: the greatest dimension of an affine space of rank-r alternating matrices.

Notation: ``A_n(F)`` is the space of ``n x n`` alternating matrices over ``F``, ``r = 2s`` an
even integer with ``0 <= r <= n``, and ``a(n, r; F)`` the greatest dimension of an affine
subspace of ``A_n(F)`` in which every matrix has rank exactly ``r``.

The formula we use (Rubei over the reals; de Seguins Pazzis for general fields)::

    a(n, r) = s (n - s - 1)   if n != r + 1        (n = r gives s (s - 1))
    a(n, r) = s (s + 1)       if n = r + 1
    a(n, 0) = 0

It is attained by the explicit spaces of :func:`extremal_space` (the block construction
``[[A, B], [-B^T, 0]]``, ``A`` a free alternating block, ``B`` of full rank ``s`` with a unit
triangular ``s x s`` block), whose constant rank we verify with
:meth:`~solvers.constant_rank.AffineAlternatingSpace.constant_rank` in the tests.

Field conditions (when we call a case *covered*):

- ``F = Q`` (and every field of characteristic 0): always covered.
- ``F = F_p``, ``n >= r + 3``: covered when ``p >= min(r - 1, r/2 + 2)``, the hypothesis under
  which de Seguins Pazzis (2023) determines the extremal spaces (hence the dimension).
- ``F = F_p``, ``n <= r + 2``: the paper proves the dimension for fields of "large enough
  cardinality"; we claim coverage only for ``p >= r/2 + 2`` (then a polynomial of degree
  ``r/2 + 1``, the degree of the order-``(r+2)`` Pfaffian minors, that vanishes on ``F_p^d``
  vanishes identically, the step from points to polynomials used in these proofs). This is a
  conservative reading; the classification of the extremal spaces for ``n <= r + 2`` is
  not covered by any theorem.

Elsewhere (very small fields) the answer is an explicit "not covered" with the best
dimension our searches found (``solvers/data/altspaces_best.json``); the formula's value is
then only a lower bound (the construction is valid over every field).

References:
    E. Rubei, "Affine subspaces of antisymmetric matrices with constant rank",
    arXiv:2209.07633 (2022); Linear Multilinear Algebra (2023).
    C. de Seguins Pazzis, "On affine spaces of alternating matrices with constant rank",
    arXiv:2307.10347 (2023).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from engine.alternating import parse_field
from engine.errors import EngineError, InvalidInputError
from solvers.constant_rank.space import AffineAlternatingSpace

__all__ = [
    "ConstantRankTheory",
    "NotCoveredError",
    "constant_rank_theory",
    "max_constant_rank_dimension",
    "extremal_space",
    "formula_dimension",
    "best_found",
]

RUBEI = "E. Rubei, Affine subspaces of antisymmetric matrices with constant rank, arXiv:2209.07633"
DSP = "C. de Seguins Pazzis, On affine spaces of alternating matrices with constant rank, arXiv:2307.10347 (2023)"

_DATA_FILE = "altspaces_best.json"


class NotCoveredError(EngineError, LookupError):
    """No published theorem determines the requested value for this field.

    Attributes:
        theory: the full :class:`ConstantRankTheory` answer (lower bound, best found, reason).
    """

    exit_code = 1

    def __init__(self, message: str, theory: ConstantRankTheory):
        super().__init__(message)
        self.theory = theory


@dataclass(frozen=True)
class ConstantRankTheory:
    """What the literature says about ``a(n, r; F)``.

    Attributes:
        n, r, field: the question.
        covered: whether a theorem determines ``a(n, r; F)`` for this field.
        dimension: the value when covered, else ``None``.
        lower_bound: the dimension of our explicit construction (valid over every field).
        best_found: the best dimension found by our searches over this field (stored data),
            or ``None``.
        classified: whether the extremal spaces are classified (n >= r + 3 and the field
            condition).
        reference: the theorem(s) used.
        condition: the field condition the answer relies on.
        reason: why the case is not covered (else ``None``).
    """

    n: int
    r: int
    field: str | int
    covered: bool
    dimension: int | None
    lower_bound: int
    best_found: int | None
    classified: bool
    reference: str
    condition: str
    reason: str | None = None

    def to_json(self) -> dict:
        """JSON-ready dict."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    def is_valid(self) -> bool:
        """Covered answers have a dimension >= the construction; others explain why."""
        if self.covered:
            return self.dimension is not None and self.dimension >= self.lower_bound
        return self.dimension is None and bool(self.reason)


def _check_nr(n: Any, r: Any) -> tuple[int, int]:
    for name, v in (("n", n), ("r", r)):
        if isinstance(v, bool) or not isinstance(v, int):
            raise InvalidInputError(f"{name}={v!r} must be an int")
    if n < 1:
        raise InvalidInputError(f"n={n} must be >= 1")
    if r < 0 or r % 2:
        raise InvalidInputError(f"r={r} must be even and >= 0 (alternating matrices have even rank)")
    if r > n:
        raise InvalidInputError(f"r={r} exceeds n={n}; an n x n matrix has rank <= n")
    return n, r


def formula_dimension(n: int, r: int) -> int:
    """The Rubei / de Seguins Pazzis value ``s(n-s-1)`` (``s(s+1)`` when ``n = r+1``).

    Raises:
        InvalidInputError: ``r`` odd, negative or ``> n``.

    Examples:
        >>> from solvers.constant_rank import formula_dimension
        >>> formula_dimension(7, 4), formula_dimension(5, 4), formula_dimension(4, 4)
        (8, 6, 2)
    """
    n, r = _check_nr(n, r)
    s = r // 2
    if r == 0:
        return 0
    if n == r + 1:
        return s * (s + 1)
    return s * (n - s - 1)


@lru_cache(maxsize=1)
def _best_table() -> dict:
    try:
        text = resources.files("solvers").joinpath("data", _DATA_FILE).read_text()
    except (FileNotFoundError, OSError):
        return {}
    return json.loads(text)


def best_found(n: int, r: int, field: Any) -> dict | None:
    """The best space our searches stored for ``(n, r, F_p)``: ``{"dimension", "space", ...}``.

    Returns ``None`` when nothing is stored (over Q nothing is stored: the theorem applies).
    """
    n, r = _check_nr(n, r)
    f = parse_field(field)
    if f == "Q":
        return None
    return _best_table().get(f"F{f}", {}).get(f"{n},{r}")


def _covered(n: int, r: int, f: str | int) -> tuple[bool, str, str | None]:
    s = r // 2
    if f == "Q":
        return True, "characteristic 0 (Rubei over R; de Seguins Pazzis: every field of large enough cardinality, in particular every infinite field)", None
    p = int(f)
    if r == 0:
        return True, "trivial (the only rank-0 matrix is 0)", None
    if n >= r + 3:
        need = min(r - 1, s + 2)
        cond = f"|F| >= min(r-1, r/2+2) = {need} (de Seguins Pazzis 2023, n >= r+3)"
        if p >= need:
            return True, cond, None
        return False, cond, f"F{p} has fewer than {need} elements; no theorem covers it"
    need = s + 2
    cond = f"|F| >= r/2+2 = {need} (conservative reading of 'large enough cardinality' for n <= r+2)"
    if p >= need:
        return True, cond, None
    return False, cond, f"F{p} has fewer than {need} elements; no theorem covers it for n <= r+2"


def constant_rank_theory(n: int, r: int, field: Any = "Q") -> ConstantRankTheory:
    """Everything known about ``a(n, r; F)``: covered or not, value, bounds, references.

    Never raises for valid input; see :func:`max_constant_rank_dimension` for the strict form.

    Raises:
        InvalidInputError: ``r`` odd or ``> n``, unsupported field.

    Examples:
        >>> from solvers.constant_rank import constant_rank_theory
        >>> th = constant_rank_theory(4, 2, field=2)
        >>> th.covered, th.lower_bound
        (False, 2)
    """
    n, r = _check_nr(n, r)
    f = parse_field(field)
    covered, cond, reason = _covered(n, r, f)
    lb = formula_dimension(n, r)
    bf = best_found(n, r, f)
    best = None if bf is None else int(bf["dimension"])
    classified = covered and (n >= r + 3 or r == 0)
    ref = DSP + "; " + RUBEI
    return ConstantRankTheory(
        n, r, f, covered, lb if covered else None, lb, best, classified, ref, cond, reason
    )


def max_constant_rank_dimension(n: int, r: int, field: Any = "Q") -> int:
    """Greatest dimension of an affine subspace of ``A_n(F)`` with all ranks equal to ``r``.

    Args:
        n: matrix size (>= 1).
        r: the rank (even, ``0 <= r <= n``).
        field: ``"Q"`` or a prime ``p``.

    Returns:
        ``a(n, r; F)`` when a theorem covers the field (see the module docstring).

    Raises:
        InvalidInputError: ``r`` odd or ``> n``, unsupported field.
        NotCoveredError: no theorem covers this field; ``exc.theory`` carries the explicit
            answer (construction lower bound and best dimension found by our searches).

    Examples:
        >>> from solvers.constant_rank import max_constant_rank_dimension
        >>> max_constant_rank_dimension(7, 4, field="Q")
        8
    """
    th = constant_rank_theory(n, r, field)
    if not th.covered:
        raise NotCoveredError(
            f"not covered: a({n}, {r}) over F{th.field} is not determined by a published theorem "
            f"({th.reason}); construction gives >= {th.lower_bound}, best found by search: "
            f"{th.best_found if th.best_found is not None else 'none stored'}",
            th,
        )
    assert th.dimension is not None
    return th.dimension


def _E(n: int, i: int, j: int) -> list[list[int]]:
    m = [[0] * n for _ in range(n)]
    m[i][j] = 1
    m[j][i] = -1
    return m


def extremal_space(n: int, r: int, field: Any = "Q", *, best_known: bool = False) -> AffineAlternatingSpace:
    """An explicit affine space of rank-``r`` alternating matrices of dimension ``a(n, r)``.

    With ``s = r/2``: for ``n != r+1``, ``M = [[A, B], [-B^T, 0]]`` with ``A`` a free ``s x s``
    alternating block and ``B = [U | C]`` (``U`` unit upper triangular, ``C`` free
    ``s x (n-2s)``), so ``Pf_{0..2s-1}(M) = +-det U = +-1`` and ``rank M = 2 rank B = r``; for
    ``n = r+1``, ``A`` is a free ``(s+1) x (s+1)`` block and ``B = [U; c]`` is ``(s+1) x s``
    (the extra row ``c`` free). The construction has constant rank ``r`` over every field.

    Args:
        n, r: size and rank (``r`` even, ``0 <= r <= n``).
        field: ``"Q"`` or a prime ``p``.
        best_known: over F_p, return the stored search result instead when it is larger.

    Returns:
        An :class:`~solvers.constant_rank.AffineAlternatingSpace` of dimension
        ``formula_dimension(n, r)`` (or the stored best).

    Raises:
        InvalidInputError: ``r`` odd or ``> n``, unsupported field.

    Examples:
        >>> from solvers.constant_rank import extremal_space
        >>> sp = extremal_space(7, 4, field="Q")
        >>> sp.dimension, sp.constant_rank().rank
        (8, 4)
    """
    n, r = _check_nr(n, r)
    f = parse_field(field)
    if best_known and f != "Q":
        bf = best_found(n, r, f)
        if bf is not None and int(bf["dimension"]) > formula_dimension(n, r):
            return AffineAlternatingSpace.from_json(bf["space"])
    s = r // 2
    base = [[0] * n for _ in range(n)]
    dirs: list[list[list[int]]] = []
    if r == 0:
        return AffineAlternatingSpace(base, [], field=f)
    if n == r + 1:
        a = s + 1  # rows of the A block; B occupies columns a..a+s-1
        for i in range(a):
            for j in range(i + 1, a):
                dirs.append(_E(n, i, j))  # free A block
        for k in range(s):
            base[k][a + k] = 1
            base[a + k][k] = -1  # unit diagonal of U
            for j in range(k + 1, s):
                dirs.append(_E(n, k, a + j))  # strictly upper part of U
        for j in range(s):
            dirs.append(_E(n, s, a + j))  # free last row c of B
    else:
        for i in range(s):
            for j in range(i + 1, s):
                dirs.append(_E(n, i, j))  # free A block
        for k in range(s):
            base[k][s + k] = 1
            base[s + k][k] = -1
            for j in range(k + 1, s):
                dirs.append(_E(n, k, s + j))  # strictly upper part of U
            for j in range(2 * s, n):
                dirs.append(_E(n, k, j))  # free block C
    sp = AffineAlternatingSpace(base, dirs, field=f)
    assert sp.dimension == formula_dimension(n, r)
    return sp
