"""Known theory: the greatest dimension of an affine space of rank-r alternating matrices.

Notation: ``A_n(F)`` is the space of ``n x n`` alternating matrices over ``F``, ``r = 2s`` an
even integer with ``0 <= r <= n``, and ``a(n, r; F)`` the greatest dimension of an affine
subspace of ``A_n(F)`` in which every matrix has rank exactly ``r``.

The formula (our three-case form of the value of Rubei and de Seguins Pazzis)::

    a(n, r) = s (n - s - 1)   if n != r + 1        (n = r gives s (s - 1))
    a(n, r) = s (s + 1)       if n = r + 1          (equal to the n = r + 2 value)
    a(n, 0) = 0

It is attained over *every* field by the explicit spaces of :func:`extremal_space`, whose
constant rank the tests verify with
:meth:`~solvers.constant_rank.AffineAlternatingSpace.constant_rank`; so it is always a lower
bound. That it is also the upper bound is what the papers prove, under field conditions.

What the papers state (read from the accessible text: the abstract of [DSP] and, for [R],
a fragment of the arXiv v3 HTML; the full statements with their theorem numbers in [DSP]
could not be read, so nothing here relies on a condition we did not see):

- [R], Theorem 6 (its main theorem, over ``F = R``): the greatest dimension, proved by an
  explicit space in each of three ranges of ``n`` and matching upper bounds.
- [DSP], abstract: (i) [R]'s value holds over every field "with large enough cardinality"
  (the bound itself is in the body, not in the abstract), in particular over every infinite
  field; (ii) if ``n >= r + 3`` and ``|F| >= min(r - 1, r/2 + 2)``, the affine subspaces of
  rank-``r`` matrices with the greatest dimension are determined (classified), which
  includes determining that dimension; (iii) the classification problem for ``n <= r + 2``
  meets difficulties that the paper points out, without a classification.

When we call a case *covered* (``max_constant_rank_dimension`` returns a value):

- ``F = Q``: by [DSP](i) (Q is infinite) and [R] Theorem 6; classified when ``n >= r + 3``.
- ``F = F_p``, ``n >= r + 3``, ``p >= min(r - 1, r/2 + 2)``: by [DSP](ii); classified.
- Elementary cases, valid over every field (proofs here, not from the papers): ``r = 0``;
  ``n <= 3`` (``A_2`` and ``A_3`` have dimension 1 and 3 and all their nonzero matrices have
  rank 2, so ``a = dim A_n - 1`` by a hyperplane missing 0); ``(n, r) = (4, 2)`` with
  ``|F| >= 3``: on ``a + W`` (``dim W = d``) the Pfaffian, a quadratic form on ``A_4``,
  vanishes at every point; since its degree 2 is ``< |F|`` it vanishes identically in the
  parameters, so ``span(a, W)`` is totally singular for the split (Klein) quadric of Witt
  index 3, and ``a`` is not in ``W``, whence ``d + 1 <= 3``.
- ``(n, r) = (4, 4)`` over a finite field ``F_q`` with ``q >= 3``: ``a = 2``. Let ``b + L`` be
  nonsingular everywhere, ``Q = Pf`` (a nondegenerate quadratic form of Witt index 3 on the
  6-dimensional ``A_4``, whose totally singular 3-spaces include ``U_u = u ^ F^4``), and
  suppose ``dim L >= 3``; take ``L' <= L`` of dimension 3 and ``W = span(b, L')`` (dimension 4).
  The singular vectors of ``W`` lie in ``L'`` (the others are multiples of points of
  ``b + L'``). For each of the ``q^3 + q^2 + q + 1`` lines ``<u>`` of ``F^4``,
  ``dim(W meet U_u) >= 4 + 3 - 6 = 1``, so ``L'`` holds a nonzero ``u ^ x``, which serves only
  the ``q + 1`` lines of ``span(u, x)``: ``P(L')`` has at least ``q^2 + 1`` singular points.
  A nonzero ternary quadratic form over ``F_q`` has at most ``2q + 1`` projective zeros (a pair
  of lines), fewer than ``q^2 + 1`` when ``q >= 3``; so ``Q`` vanishes on ``L'``. Then
  ``Q(b + l) = Q(b) + B(b, l)`` on ``L'``, so ``B(b, L') = 0`` (else some ``l`` gives
  ``Q(b + l) = 0``), i.e. ``L'`` is in ``b^perp``; ``L'`` is a maximal totally singular subspace,
  equal to its own orthogonal, so ``b`` is in ``L'`` and ``Q(b) = 0``, against ``rank b = 4``.
  The construction attains 2. (Over F2 the exhaustive branch and bound gives 2 as well.)

Everything else is *not covered* by a theorem: ``F_q`` below [DSP](ii)'s bound when
``n >= r + 3``, and ``F_q`` for ``n <= r + 2`` (``n >= 4``), where the field bound of [DSP](i)
was not confirmed. Many of these values are still *proved* by our own computations
(:mod:`solvers.constant_rank.bounds`: the exhaustive branch and bound, the deletion bound, the
incidence counts, the counting bound, met by a verified space); then
:func:`constant_rank_theory` has ``proved``, ``value`` and ``proved_by``,
:func:`max_constant_rank_dimension` returns the value and :func:`extremal_space` the space.
Otherwise the answer carries both bounds, the space attaining the lower one and the best
dimension our searches stored (``solvers/data/altspaces_best.json``).

Small fields, ``n = r + 2`` (our result, exact): for every prime ``p <= r/2 + 1``,
:func:`frobenius_space` gives a space of constant rank ``r`` in ``A_{r+2}(F_p)`` of dimension
``s(s+1) + 1``, one more than the formula: its Pfaffian is ``+-(t^p - t)``, a nonzero
polynomial of degree ``p <= r/2 + 1`` that vanishes at every ``F_p``-point. So the dimension
theorem for ``n = r + 2`` cannot hold over any field with ``|F| <= r/2 + 1``: its
"large enough cardinality" must include ``|F| >= r/2 + 2``. The searches had found the same
value first (over F2: ``a(4, 2) = 3`` proved, ``a(6, 4) >= 7``, ``a(8, 6) >= 13``; over F3:
``a(6, 4) >= 7``), each with a Pfaffian vanishing pointwise but not identically
(:func:`pointwise_vanishing_certificate`). For ``p >= r/2 + 2`` this mechanism is impossible
and no search beat the formula, but the rank-``>= r`` half of the argument over a finite
field is not covered by anything we read, so these cases stay "not covered" too.

References:
    [R] E. Rubei, "Affine subspaces of antisymmetric matrices with constant rank",
    arXiv:2209.07633 (v3), Theorem 6; Linear Multilinear Algebra (2023).
    [DSP] C. de Seguins Pazzis, "On affine spaces of alternating matrices with constant
    rank", arXiv:2307.10347 (2023), abstract.
    Witt index of the Klein quadric: D. E. Taylor, "The Geometry of the Classical Groups",
    Heldermann (1992), chapters 11-12.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from engine._args import check_flag, short_repr
from engine.alternating import _is_fq, parse_field
from engine.alternating_fields import small_field
from engine.errors import EngineError, InvalidInputError, VerificationError
from engine.results import Result
from solvers.constant_rank.space import AffineAlternatingSpace

__all__ = [
    "ConstantRankTheory",
    "NotCoveredError",
    "constant_rank_theory",
    "max_constant_rank_dimension",
    "extremal_space",
    "formula_space",
    "formula_dimension",
    "best_found",
    "pointwise_vanishing_certificate",
    "frobenius_space",
    "constant_rank_by_slices",
]

RUBEI = ("E. Rubei, Affine subspaces of antisymmetric matrices with constant rank, "
         "arXiv:2209.07633 (v3), Theorem 6 (over R)")
DSP = ("C. de Seguins Pazzis, On affine spaces of alternating matrices with constant rank, "
       "arXiv:2307.10347 (2023)")
DSP_DIMENSION = DSP + ", abstract: Rubei's value over every field of large enough cardinality"
DSP_CLASSIFICATION = (DSP + ", abstract: extremal spaces determined for n >= r+3 and "
                      "|F| >= min(r-1, r/2+2)")
ELEMENTARY = "elementary argument (see solvers.constant_rank.theory)"

_DATA_FILE = "altspaces_best.json"

#: Largest size of an explicit space (:func:`extremal_space`, :func:`frobenius_space`): its
#: O(n^2) directions are n x n matrices (n = 64: 752 directions, about 2 s).
MAX_EXPLICIT_N = 64


def _check_space(space: Any, name: str = "space") -> AffineAlternatingSpace:
    if not isinstance(space, AffineAlternatingSpace):
        raise InvalidInputError(
            f"{name}={short_repr(space)} must be an AffineAlternatingSpace (build one with "
            "AffineAlternatingSpace(base, directions, field) or .from_json)")
    return space


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
class ConstantRankTheory(Result):
    """What the literature says about ``a(n, r; F)``.

    Attributes:
        n, r, field: the question.
        covered: whether a theorem determines ``a(n, r; F)`` for this field.
        dimension: the value when covered, else ``None``.
        lower_bound: the dimension of our explicit construction (valid over every field).
        best_found: the best dimension found by our searches over this field (stored data)
            or by :func:`frobenius_space` (``n = r + 2``, ``p <= r/2 + 1``), or ``None``.
        classified: whether the extremal spaces are classified (n >= r + 3 and the field
            condition).
        reference: the theorem(s) used.
        condition: the field condition the answer relies on.
        reason: why the case is not covered (else ``None``).
        best_found_proved: ``best_found`` was proved maximal by an exhaustive branch and bound
            (``solvers.constant_rank.optimality.exact_max_dimension``), not only found by a search.
        proved: ``a(n, r; F)`` is determined: by a theorem (``covered``) or by our own proofs
            (:mod:`solvers.constant_rank.bounds`: an upper bound met by a verified space).
        value: ``a(n, r; F)`` when ``proved`` (may exceed the formula over small fields), else
            ``None``.
        proved_by: how the upper bound is proved: ``"theorem"`` (published), ``"elementary"``
            (the elementary arguments above), ``"exact"`` (exhaustive branch and bound, run or
            stored), ``"incidence"``, ``"deletion"`` or ``"counting"``; ``None`` when open.
        best_lower: the dimension of the largest verified space we can build (the value
            when proved, else the best lower bound).
        value_space: how that space is built: ``"formula"``, ``"frobenius"``,
            ``"stored search"`` or ``"exact"``.
        upper_bound: the best proved upper bound (``None``: none known).
        upper_method: its method (``"theorem"``, ``"exact"``, ``"incidence"``, ``"deletion"``,
            ``"counting"``).
        upper_detail: the argument behind ``upper_bound``.
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
    best_found_proved: bool = False
    proved: bool = False
    value: int | None = None
    proved_by: str | None = None
    best_lower: int | None = None
    value_space: str = "formula"
    upper_bound: int | None = None
    upper_method: str | None = None
    upper_detail: str = ""

    def to_json(self) -> dict:
        """JSON-ready dict."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    @classmethod
    def from_json(cls, d: dict) -> ConstantRankTheory:
        """Rebuild from :meth:`to_json`."""
        f = d["field"]
        return cls(**{**{k: d[k] for k in cls.__dataclass_fields__ if k in d}, "field": f if f == "Q" else int(f)})

    def check(self) -> None:
        """Re-verify: covered answers have a dimension >= the construction, others say why;
        the theorem part (``covered``, ``dimension``, ``lower_bound``, ``classified``,
        ``reference``, ``condition``, ``reason``) is what the cited theorems give for
        ``(n, r, F)`` (recomputed); and the lower bound is realised: :func:`extremal_space`
        has dimension ``lower_bound`` and its constant rank ``r`` is decided exactly
        (:meth:`~solvers.constant_rank.AffineAlternatingSpace.constant_rank`). ``best_found``
        rests on the search results it was read from (``solvers/data/altspaces_best.json``,
        verified when stored) and is not re-proved here.

        Raises:
            VerificationError: a claim above fails (the message names it).
        """
        if self.covered:
            ok = self.dimension is not None and self.dimension >= self.lower_bound
        else:
            ok = self.dimension is None and bool(self.reason)
        if not ok:
            raise VerificationError(f"inconsistent answer: covered={self.covered}, dimension={self.dimension}, "
                                    f"lower_bound={self.lower_bound}, reason={short_repr(self.reason)}")
        try:
            n, r = _check_nr(self.n, self.r)
            f = parse_field(self.field)
        except InvalidInputError as exc:
            raise VerificationError(f"not a valid question: {exc}") from None
        covered, cond, reason, ref, classified = _covered(n, r, f)
        lb = formula_dimension(n, r)
        want = {"covered": covered, "dimension": lb if covered else None, "lower_bound": lb,
                "classified": covered and classified, "reference": ref, "condition": cond, "reason": reason}
        for k, v in want.items():
            if getattr(self, k) != v:
                raise VerificationError(f"{k}={short_repr(getattr(self, k))}, but the theorems give {short_repr(v)}")
        sp = formula_space(n, r, f)
        res = sp.constant_rank(max_points=2 * 10**5)
        if sp.dimension != lb or res.status != "constant" or res.rank != r:
            raise VerificationError(
                f"the construction of dimension {sp.dimension} is not of constant rank {r} ({res.status}, rank {res.rank})")
        # our own proofs: the bounds derived again, and the space attaining the value verified
        again = constant_rank_theory(n, r, f)
        for k in ("proved", "value", "proved_by", "best_lower", "value_space", "upper_bound", "upper_method",
                  "upper_detail"):
            if getattr(self, k) != getattr(again, k):
                raise VerificationError(
                    f"{k}={short_repr(getattr(self, k))}, but the proofs give {short_repr(getattr(again, k))}")
        if self.proved != (self.covered or (self.upper_bound is not None and self.value == self.upper_bound)):
            raise VerificationError(f"proved={self.proved} but upper_bound={self.upper_bound}, value={self.value}")
        if self.proved and self.value is not None and self.value > lb:
            w = extremal_space(n, r, f)
            if w.dimension != self.value:
                raise VerificationError(f"the witness has dimension {w.dimension}, not the value {self.value}")

    @classmethod
    def example(cls) -> ConstantRankTheory:
        """``a(6, 2; Q) = s(n - s - 1) = 1 * 4 = 4`` (Rubei, arXiv:2209.07633, Theorem 6; de
        Seguins Pazzis, arXiv:2307.10347), by :func:`constant_rank_theory`.

        Examples:
            >>> from solvers.constant_rank.theory import ConstantRankTheory
            >>> th = ConstantRankTheory.example()
            >>> th.covered, th.dimension
            (True, 4)
        """
        return constant_rank_theory(6, 2, "Q")

    @classmethod
    def tampered(cls) -> ConstantRankTheory:
        """:meth:`example` claiming ``a(6, 2; Q) = 5``."""
        return dataclasses.replace(cls.example(), dimension=5)


def _check_nr(n: Any, r: Any) -> tuple[int, int]:
    for name, v in (("n", n), ("r", r)):
        if isinstance(v, bool) or not isinstance(v, int):
            raise InvalidInputError(f"{name}={short_repr(v)} must be an int")
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


def _covered(n: int, r: int, f: Any) -> tuple[bool, str, str | None, str, bool]:
    """``(covered, condition, reason_if_not, reference, classified)`` for ``a(n, r; F)``."""
    s = r // 2
    if f == "Q":
        return (True, "characteristic 0: Q is infinite, so of 'large enough cardinality'", None,
                DSP_DIMENSION + "; " + RUBEI, n >= r + 3 or r == 0)
    p = int(f)
    if r == 0:
        return True, "every field (the only rank-0 matrix is 0)", None, ELEMENTARY, True
    if n <= 3:
        return (True, "every field (A_2, A_3: every nonzero matrix has rank 2; a hyperplane missing 0)",
                None, ELEMENTARY, False)
    if n >= r + 3:
        need = min(r - 1, s + 2)
        cond = f"|F| >= min(r-1, r/2+2) = {need}, n >= r+3 (de Seguins Pazzis 2023, abstract)"
        if p >= need:
            return True, cond, None, DSP_CLASSIFICATION, True
        return (False, cond, f"F{p} has fewer than min(r-1, r/2+2) = {need} elements, the hypothesis of "
                "de Seguins Pazzis' classification for n >= r+3; the field bound of his dimension "
                "theorem was not confirmed", DSP_CLASSIFICATION, False)
    if (n, r) == (4, 2) and p >= 3:
        return (True, "|F| >= 3 (the Pfaffian, of degree 2 < |F|, vanishes identically; Witt index 3)",
                None, ELEMENTARY, False)
    if (n, r) == (4, 4) and p >= 3:
        return (True, "|F| = q >= 3 (a 3-dimensional direction space would meet q^2 + 1 > 2q + 1 "
                "singular points of the Klein quadric; see solvers.constant_rank.theory)",
                None, ELEMENTARY, False)
    cond = "n <= r+2: de Seguins Pazzis (2023) covers fields of 'large enough cardinality' (bound not confirmed)"
    why = "the field bound of de Seguins Pazzis' dimension theorem for n <= r+2 was not confirmed"
    if n == r + 2 and p <= s + 1:
        why = (f"F{p} has at most r/2+1 = {s + 1} elements, and then the formula value is exceeded: "
               f"frobenius_space({r}, {p}) has dimension {s * (s + 1) + 1} (its Pfaffian t^p - t, of "
               f"degree {p} <= {s + 1}, vanishes at every point but not identically)")
    return False, cond, f"n <= r+2 over F{p}: {why}", DSP_DIMENSION, False


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
    covered, cond, reason, ref, classified = _covered(n, r, f)
    lb = formula_dimension(n, r)
    bf = best_found(n, r, f)
    best = None if bf is None else int(bf["dimension"])
    proved = bool(bf and bf.get("proved"))
    s = r // 2
    if f != "Q" and n == r + 2 and r >= 2 and int(f) <= s + 1 and (best is None or best <= s * (s + 1)):
        best, proved = s * (s + 1) + 1, False  # frobenius_space, verified in the tests
    from solvers.constant_rank.bounds import proved_value

    pv = proved_value(n, r, f)
    value = pv["value"]
    if covered:
        by = "elementary" if ref == ELEMENTARY else "theorem"
    else:
        by = pv["upper_method"] if value is not None else None
    return ConstantRankTheory(
        n, r, f, covered, lb if covered else None, lb, best, covered and classified, ref, cond,
        reason, proved, value is not None, value, by, pv["lower"], pv["lower_method"], pv["upper"],
        pv["upper_method"], pv["upper_detail"],
    )


def max_constant_rank_dimension(n: int, r: int, field: Any = "Q") -> int:
    """Greatest dimension of an affine subspace of ``A_n(F)`` with all ranks equal to ``r``.

    Args:
        n: matrix size (>= 1).
        r: the rank (even, ``0 <= r <= n``).
        field: ``"Q"``, a prime ``p``, or ``q`` in 4, 8, 9 (the fields F4, F8, F9; elements
            ``0..q-1`` as in :mod:`engine.alternating_fields`).

    Returns:
        ``a(n, r; F)`` whenever it is proved (``constant_rank_theory(n, r, field).proved``):

        - by a theorem or an elementary argument: over Q always (de Seguins Pazzis 2023,
          abstract; Rubei, Theorem 6 over R); over F_q when ``n >= r + 3`` and
          ``q >= min(r - 1, r/2 + 2)`` (de Seguins Pazzis 2023, abstract); the elementary
          cases of the module docstring;
        - by our own proofs (:mod:`solvers.constant_rank.bounds`): an upper bound (the
          exhaustive branch and bound over ``A_n(F_q)``, run when tiny or stored; the deletion
          bound ``a(n, r) <= a(n-1, r) + n - 1``; counting) equal to the dimension of a verified
          space (the generic construction, :func:`frobenius_space`, a stored search result, the
          branch and bound's witness). :func:`extremal_space` returns that space.

    Raises:
        InvalidInputError: ``r`` odd or ``> n``, unsupported field.
        NotCoveredError: the value is open; ``exc.theory`` carries the explicit answer (the
            best lower bound with the space attaining it, the best proved upper bound and
            its argument, the best dimension found by our searches).

    Examples:
        >>> from solvers.constant_rank import max_constant_rank_dimension
        >>> max_constant_rank_dimension(7, 4, field="Q")
        8
        >>> max_constant_rank_dimension(4, 2, field=2)     # exhaustive: above the formula 2
        3
        >>> max_constant_rank_dimension(5, 4, field=9)     # a(4, 4) = 2 and the deletion bound
        6
    """
    th = constant_rank_theory(n, r, field)
    if not th.proved:
        F = "Q" if th.field == "Q" else f"F{th.field}"
        up = "no upper bound known" if th.upper_bound is None else \
            f"<= {th.upper_bound} ({th.upper_method}: {th.upper_detail})"
        raise NotCoveredError(
            f"not covered: a({n}, {r}) over {F} is open: >= {th.best_lower} ({th.value_space}), {up}; "
            f"no published theorem ({th.reason}); best found by search: "
            f"{th.best_found if th.best_found is not None else 'none stored'}",
            th,
        )
    assert th.value is not None
    return th.value


def _in_field(M: list[list[int]], f: str | int) -> list[list[int]]:
    """An integer matrix mapped into the field: over F4, F8, F9 by ``Z -> F_q`` (``x mod p``,
    the code of an element of the prime subfield); elsewhere unchanged."""
    if _is_fq(f):
        p = small_field(int(f)).p
        return [[x % p for x in row] for row in M]
    return M


def _E(n: int, i: int, j: int) -> list[list[int]]:
    m = [[0] * n for _ in range(n)]
    m[i][j] = 1
    m[j][i] = -1
    return m


def extremal_space(n: int, r: int, field: Any = "Q", *, best_known: bool = False) -> AffineAlternatingSpace:
    """An explicit affine space of rank-``r`` alternating matrices of the greatest dimension.

    When ``a(n, r; F)`` is proved (:func:`constant_rank_theory`, ``proved``), a verified space
    of that dimension: the generic construction (:func:`formula_space`) when the value is the
    formula ``s(n-s-1)`` (``s(s+1)`` for ``n = r+1``), else the space that attains the larger
    value over the small field (:func:`frobenius_space`, a stored search result, or the
    witness of the exhaustive branch and bound), whose constant rank ``r`` is decided again
    here. When the value is open, the generic construction (a lower bound), or with
    ``best_known`` the largest verified space known (``constant_rank_theory(...).best_lower``).

    Args:
        n, r: size and rank (``r`` even, ``0 <= r <= n``).
        field: ``"Q"``, a prime ``p``, or ``q`` in 4, 8, 9 (F4, F8, F9: elements ``0..q-1``,
            see :mod:`engine.alternating_fields`).
        best_known: in an open case, return the largest verified space known instead of the
            generic construction (the stored search result or the Frobenius construction).

    Returns:
        An :class:`~solvers.constant_rank.AffineAlternatingSpace` of dimension ``a(n, r; F)``
        when proved, else of dimension ``formula_dimension(n, r)`` (or the best known).

    Raises:
        InvalidInputError: ``r`` odd or ``> n``, unsupported field, ``n > 64``.
        VerificationError: the stored space fails its constant-rank decision (a corrupted
            data file).

    Examples:
        >>> from solvers.constant_rank import extremal_space
        >>> sp = extremal_space(7, 4, field="Q")
        >>> sp.dimension, sp.constant_rank().rank
        (8, 4)
        >>> extremal_space(4, 2, field=2).dimension     # a(4, 2; F2) = 3 > the formula 2
        3
    """
    n, r = _check_nr(n, r)
    f = parse_field(field)
    best_known = check_flag(best_known, "best_known")
    if n > MAX_EXPLICIT_N:
        return formula_space(n, r, f)  # raises the size error
    th = constant_rank_theory(n, r, f)
    if th.best_lower is None or th.best_lower <= th.lower_bound or not (th.proved or best_known):
        return formula_space(n, r, f)
    from solvers.constant_rank.bounds import lower_bound_candidates

    for dim, meth, build in lower_bound_candidates(n, r, f):
        if dim != th.best_lower or meth == "formula":
            continue
        sp = build()
        if not th.proved:
            return sp  # best_known in an open case: verified when stored or constructed
        res = sp.constant_rank(max_points=2 * 10**5)
        if res.status == "unknown" and meth == "frobenius":
            res_ok = all(x.is_constant for x in constant_rank_by_slices(sp, r, method="symbolic"))
        elif res.status == "unknown":
            res = sp.constant_rank(method="symbolic")
            res_ok = res.is_constant and res.rank == r
        else:
            res_ok = res.is_constant and res.rank == r
        if res_ok and sp.dimension == dim:
            return sp
    raise VerificationError(  # pragma: no cover - the stored data and constructions are verified
        f"no space of dimension {th.best_lower} for ({n}, {r}) over {f} passed its constant-rank decision")


def formula_space(n: int, r: int, field: Any = "Q") -> AffineAlternatingSpace:
    """The generic construction: an affine space of rank-``r`` alternating matrices of
    dimension ``formula_dimension(n, r)``, over every field.

    With ``s = r/2``: for ``n != r+1``, ``M = [[A, B], [-B^T, 0]]`` with ``A`` a free ``s x s``
    alternating block and ``B = [U | C]`` (``U`` unit upper triangular, ``C`` free
    ``s x (n-2s)``), so ``Pf_{0..2s-1}(M) = +-det U = +-1`` and ``rank M = 2 rank B = r``; for
    ``n = r+1``, ``A`` is a free ``(s+1) x (s+1)`` block and ``B = [U; c]`` is ``(s+1) x s``
    (the extra row ``c`` free). The construction has constant rank ``r`` over every field
    (Rubei, arXiv:2209.07633; de Seguins Pazzis, arXiv:2307.10347).

    Args:
        n, r: size and rank (``r`` even, ``0 <= r <= n``).
        field: ``"Q"``, a prime ``p``, or ``q`` in 4, 8, 9.

    Raises:
        InvalidInputError: ``r`` odd or ``> n``, unsupported field, ``n > 64``.

    Examples:
        >>> from solvers.constant_rank import formula_space
        >>> formula_space(4, 2, field=2).dimension
        2
    """
    n, r = _check_nr(n, r)
    f = parse_field(field)
    if n > MAX_EXPLICIT_N:
        raise InvalidInputError(
            f"n={n} is too large for an explicit space (limit n <= {MAX_EXPLICIT_N}: it has "
            f"{formula_dimension(n, r)} directions of size {n} x {n}); constant_rank_theory({n}, {r}) "
            "gives the dimension without building it")
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
    sp = AffineAlternatingSpace(_in_field(base, f), [_in_field(D, f) for D in dirs], field=f)
    assert sp.dimension == formula_dimension(n, r)
    return sp


def pointwise_vanishing_certificate(space: AffineAlternatingSpace, order: int) -> dict:
    """Exactly compare "vanishes at every point" with "vanishes identically" for Pfaffian minors.

    For a family ``{B + sum t_i D_i}`` over ``F_p``, computes every principal Pfaffian minor of
    the given ``order`` as a polynomial in ``t_1..t_d`` (division-free, python-flint
    ``nmod_mpoly``) and reduces it modulo ``t_i^p - t_i``; the reduced polynomial is zero iff
    the minor vanishes at all ``p^d`` points (reduced polynomials represent functions on
    ``F_p^d`` uniquely). A minor that vanishes at every point but is a nonzero polynomial
    needs some variable of degree ``>= p``; it means the rank stays ``< order`` on the
    ``F_p``-points while it reaches ``order`` over an extension field. This is how our spaces
    beat the formula over F2 and F3 for ``n = r + 2`` (``order = r + 2``).

    Args:
        space: a family over ``F_p``.
        order: an even minor order, ``2 <= order <= n``.

    Returns:
        ``{"field", "order", "minors", "nonzero_polynomials", "vanish_at_every_point",
        "max_variable_degree", "example"}`` (``example``: the indices of a nonzero minor, or
        ``None``).

    Raises:
        InvalidInputError: the family is over Q, or ``order`` is odd or out of range.

    Examples:
        >>> from solvers.constant_rank import AffineAlternatingSpace, pointwise_vanishing_certificate
        >>> E = lambda i, j: [[(a, b) == (i, j) or -((a, b) == (j, i)) for b in range(4)] for a in range(4)]
        >>> sp = AffineAlternatingSpace(E(0, 1), [E(2, 3)], field=2)   # Pf = t
        >>> pointwise_vanishing_certificate(sp, 4)["vanish_at_every_point"]
        False

    Reference:
        R. Lidl, H. Niederreiter, "Finite Fields", Cambridge (1997), Section 7.1 (reduced
        polynomials and functions on F_q^d).
    """
    from itertools import combinations

    space = _check_space(space)
    if space.field == "Q":
        raise InvalidInputError("space is over Q; pointwise_vanishing_certificate needs a family over F_p")
    if isinstance(order, bool) or not isinstance(order, int) or order % 2 or not 2 <= order <= space.n:
        raise InvalidInputError(f"order={short_repr(order)} must be an even int with 2 <= order <= n={space.n}")
    p = int(space.field)
    fq = _is_fq(p)
    minor, _ = space._minor_functions()
    total = nonzero = maxdeg = 0
    everywhere = True
    example = None
    for idx in combinations(range(space.n), order):
        f = minor(idx)
        total += 1
        if f.is_zero():
            continue
        nonzero += 1
        degs = f.degrees()
        maxdeg = max(maxdeg, max(degs[:-1] if fq else degs))
        if example is None:
            example = list(idx)
        reduced: dict[tuple[int, ...], int] = {}
        char = small_field(p).p if fq else p
        for exps, c in f.terms():
            # t^q = t on F_q; over F4, F8, F9 the last variable is the generator g (kept as is)
            key = tuple(0 if e == 0 else (e - 1) % (p - 1) + 1 for e in (exps[:-1] if fq else exps))
            key = key + ((exps[-1],) if fq else ())
            reduced[key] = (reduced.get(key, 0) + int(c)) % char
        if any(reduced.values()):
            everywhere = False
    return {"field": p, "order": order, "minors": total, "nonzero_polynomials": nonzero,
            "vanish_at_every_point": everywhere, "max_variable_degree": maxdeg, "example": example}


def frobenius_space(r: int, field: Any) -> AffineAlternatingSpace:
    """A space of constant rank ``r`` in ``A_{r+2}(F_q)`` of dimension ``s(s+1) + 1 > a(r+2, r)``.

    The generalised Frobenius construction, over every finite field ``F_q`` with
    ``q <= s + 1`` (``s = r/2``), i.e. exactly when ``F_q`` fails ``|F| >= r/2 + 2``; ``q`` a
    prime or 4, 8, 9.

    Construction. Start from the extremal space of :func:`extremal_space` for ``n = r + 2``:
    ``M = [[A, B], [-B^T, 0]]`` with ``A`` free alternating ``s x s``, ``B = [U | C]``, ``U``
    unit upper triangular (free above the diagonal), ``C`` free ``s x 2``. Number the nonzero
    elements ``a_1, ..., a_{q-1}`` of ``F_q`` (codes ``1..q-1``). Add one parameter ``t`` that
    replaces the first ``q - 1`` diagonal entries of ``U`` by ``t - a_1, ..., t - a_{q-1}``
    (the others stay 1) and puts ``t`` at the entry ``(r, r+1)`` of the zero block.

    Proof that every point has rank exactly ``r``:

    1. rank ``<= r``. In a perfect matching of the ``r + 2`` indices the ``s`` top indices
       ``0..s-1`` can serve only ``s`` of the ``s + 2`` bottom indices (the bottom block is
       zero except ``(r, r+1)``), so ``r`` is matched with ``r + 1``, and
       ``Pf(M) = +- t det U = +- t prod_{a != 0} (t - a) = +- (t^q - t)``, which vanishes at
       every ``t`` in ``F_q`` (Lidl-Niederreiter, Thm 2.8: the roots of ``x^q - x`` are the
       elements of ``F_q``). For ``n = r + 2`` this is rank ``<= r``.
    2. rank ``>= r``. At ``t = 0`` the order-``r`` minor on ``0..r-1`` is ``+- det U =
       +- prod_a (-a) != 0``. At ``t = a_j`` the diagonal entry ``j`` of ``U`` vanishes; the minor
       on all indices but ``j - 1`` and ``s + j - 1`` matches ``r`` with ``r + 1`` again (same
       counting) and equals ``+- a_j`` times the other diagonal entries ``a_j - a_i`` (``i != j``)
       and ones, which is nonzero.

    So the dimension ``s(s+1) + 1`` exceeds the formula ``s(s+1)``: the Pfaffian ``t^q - t`` is
    a nonzero polynomial of degree ``q <= s + 1`` vanishing at every point.

    Args:
        r: even rank ``>= 2``.
        field: a prime ``p`` or ``q`` in (4, 8, 9), with ``q <= r/2 + 1``.

    Returns:
        An :class:`~solvers.constant_rank.AffineAlternatingSpace` over ``F_q`` of size
        ``r + 2`` and dimension ``s(s+1) + 1`` (the formula value plus one).

    Raises:
        InvalidInputError: ``r`` odd or ``< 2``, field Q, or ``q > r/2 + 1``.

    Examples:
        >>> from solvers.constant_rank import frobenius_space
        >>> sp = frobenius_space(4, 3)
        >>> sp.n, sp.dimension, sp.constant_rank().rank
        (6, 7, 4)
        >>> frobenius_space(6, 4).dimension            # over F4: 3 * 4 + 1
        13

    Reference:
        The block form is the extremal space of E. Rubei, arXiv:2209.07633, and C. de Seguins
        Pazzis, arXiv:2307.10347; ``t^q - t = prod_a (t - a)`` over F_q: R. Lidl,
        H. Niederreiter, "Finite Fields", Cambridge (1997), Theorem 2.8 (the roots of x^q - x).
    """
    if isinstance(r, bool) or not isinstance(r, int) or r < 2 or r % 2 or r + 2 > MAX_EXPLICIT_N:
        raise InvalidInputError(
            f"r={short_repr(r)} must be an even int with 2 <= r <= {MAX_EXPLICIT_N - 2} (the space is "
            "(r+2) x (r+2))")
    f = parse_field(field)
    s = r // 2
    if f == "Q" or int(f) > s + 1:
        raise InvalidInputError(
            f"field={short_repr(field)}: the construction needs a finite field F_q with q <= r/2 + 1 = {s + 1} "
            "(over larger fields t^q - t has degree > r/2 + 1)")
    q = int(f)
    n = r + 2
    if _is_fq(q):
        F = small_field(q)
        neg, one = (lambda x: int(F.neg[x])), 1
    else:
        neg, one = (lambda x: (-x) % q), 1

    def alt(upper: dict) -> list[list[int]]:
        m = [[0] * n for _ in range(n)]
        for (i, j), v in upper.items():
            m[i][j], m[j][i] = v, neg(v)
        return m

    dirs: list[list[list[int]]] = []
    for i in range(s):
        for j in range(i + 1, s):
            dirs.append(alt({(i, j): one}))  # free A block
    base_upper = {}
    for k in range(s):
        # diagonal of U at t = 0: -a_1, ..., -a_{q-1}, then 1, ..., 1
        base_upper[(k, s + k)] = neg(k + 1) if k < q - 1 else one
        for j in range(k + 1, s):
            dirs.append(alt({(k, s + j): one}))  # strictly upper part of U
        for j in (2 * s, 2 * s + 1):
            dirs.append(alt({(k, j): one}))  # free block C
    last = {(2 * s, 2 * s + 1): one}
    for k in range(q - 1):
        last[(k, s + k)] = one
    dirs.append(alt(last))
    return AffineAlternatingSpace(alt(base_upper), dirs, field=q)


def constant_rank_by_slices(space: AffineAlternatingSpace, r: int, param: int = -1, **kwargs: Any) -> list:
    """Exact constant-rank check over ``F_p`` by fixing one parameter to each of its ``p`` values.

    The points of the family are the union of the ``p`` slices ``t_param = a``; each slice is a
    family of dimension ``d - 1`` decided by
    :meth:`~solvers.constant_rank.AffineAlternatingSpace.constant_rank` (exhaustive when small,
    else the symbolic Pfaffian-minor certificate). Useful when the whole family has too many
    points and its order-``(r+2)`` minors vanish only pointwise (as in :func:`frobenius_space`),
    which the symbolic certificate cannot use, while on each slice they vanish identically.

    Args:
        space: a family over ``F_p``.
        r: the rank every point must have.
        param: index of the parameter to fix.
        **kwargs: passed to ``constant_rank`` (``method``, ``max_points``, ...).

    Returns:
        The ``p`` :class:`~solvers.constant_rank.ConstantRankResult` of the slices, in order of
        ``a = 0..p-1``.

    Raises:
        InvalidInputError: family over Q, or ``param`` out of range.
        VerificationError: a slice is not of constant rank ``r`` (or undecided).

    Examples:
        >>> from solvers.constant_rank import constant_rank_by_slices, frobenius_space
        >>> [res.certificate["kind"] for res in constant_rank_by_slices(frobenius_space(2, 2), 2, method="symbolic")]
        ['nonzero_constant_minor', 'nonzero_constant_minor']
    """
    from engine.errors import VerificationError

    space = _check_space(space)
    if isinstance(r, bool) or not isinstance(r, int) or r < 0 or r % 2 or r > space.n:
        raise InvalidInputError(f"r={short_repr(r)} must be an even int with 0 <= r <= n={space.n}")
    if space.field == "Q":
        raise InvalidInputError("space is over Q; slicing needs a finite field")
    d = space.dimension
    if isinstance(param, bool) or not isinstance(param, int) or not -d <= param < d:
        raise InvalidInputError(f"param={short_repr(param)} must index one of the {d} parameters")
    p = int(space.field)
    k = param % d
    D = space.directions[k]
    rest = [M for i, M in enumerate(space.directions) if i != k]
    out = []
    for a in range(p):
        base = [[(space.base[i][j] + a * D[i][j]) % p for j in range(space.n)] for i in range(space.n)]
        res = AffineAlternatingSpace(base, rest, field=p).constant_rank(**kwargs)
        if not (res.is_constant and res.rank == r):
            raise VerificationError(
                f"slice t_{k} = {a} is not of constant rank {r}: {res.status} "
                f"(rank {res.rank}, witness rank {res.witness_rank}, reason {res.reason})")
        out.append(res)
    return out
