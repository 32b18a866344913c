"""Flip-graph search for any bilinear map (structured products, polynomial, complex, ...).

:func:`bilinear_search` runs the flip-graph walk of :mod:`search.flipgraph` (F2/F3 kernels,
reductions, plus transitions, pool strategy) on a target tensor, optionally lifts every
scheme that reaches the target rank to Z or Q (Hensel lifting + rational reconstruction,
see :mod:`solvers.lifting`) and verifies the result exactly against the target (Brent
equations). A scheme that does not lift is not discarded at once: its neighbours at the same
rank (fixed-rank flips) are tried too, since liftability differs between them; only then
does the search continue from a fresh seed. For structured targets the result reports the
recursive cost (:mod:`solvers.recursive_cost`) and the gap to the best known rank
(:func:`solvers.known_ranks.known_structured_rank`); a rank below the record is flagged only after it
has been re-verified.

Two routes the plain walk misses:

- ``method="paths"``: many short walks (300 000 flips, a plus transition after 20 000 flips
  without progress, at most 2 above the start) out of a pool of schemes one above the
  target rank, as in Khoruzhii-Gelss-Pokutta. 3x3 skew x general has rank-14 schemes over
  F3 only in small flip-graph components (7 directions of the skew operand, each used
  twice, 7 flippable pairs): long walks at rank 15 (the old default) did not reach them in
  25 minutes, while short paths from many rank-15 schemes reach one every ~4-6e9 flips
  (8 of 16 seeds within 540 s, one core each of a 16-core machine), and 13 of the 16 rank-14
  schemes tried lifted to Q after the lift walk (3 of them directly).
- ``corners=`` / ``fixed=`` (:func:`corner_split`): outputs or single entries computed by
  their naive products, the rest searched. For ``X X^T`` the naive squares are recursive
  calls: 4x4 ``A A^T`` rank 34 with ``c11, c44`` and two more squares naive has 10
  recursive calls (factor 8/13), the published record.

Reference: K. Khoruzhii, P. Gelss, S. Pokutta, "Faster algorithms for structured matrix
multiplication via flip graph search", arXiv:2511.10786 (2025); M. Kauers, J. Moosbauer,
"Flip graphs for matrix multiplication", ISSAC 2023.

Examples:
    >>> from search.flipgraph.bilinear import bilinear_search
    >>> res = bilinear_search("ss", n=2, field="F3", target_rank=6, seed=0,
    ...                       max_flips=200_000, lift_to="Z")
    >>> res.reached, res.lifted is not None, res.lifted.is_valid("Z")
    (True, True, True)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from engine.errors import InvalidInputError, VerificationError, check_seed
from engine.results import Result
from engine.schemes import BilinearScheme, Scheme
from engine.structured import StructuredTarget, structured_tensor
from engine.tensors import TargetTensor
from search.core import Budget, StopReason, resolve_budget
from solvers.known_ranks import known_rank, known_structured_rank

__all__ = [
    "BilinearSearchResult",
    "bilinear_search",
    "lift_bilinear",
    "FIELDS",
    "more_recursive_calls",
    "CornerSplit",
    "corner_split",
]

#: Search methods of :func:`bilinear_search`.
METHODS: dict[str, str] = {
    "walk": "independent flip-graph walkers with plus transitions and restarts (search.flipgraph)",
    "pool": "Kauers-Moosbauer pool strategy (search.flipgraph)",
    "paths": "many short plus-transition walks out of a pool of rank target+1 schemes (Khoruzhii-Gelss-Pokutta)",
}

#: Walk policy of ``method="walk"`` unless ``flip_options`` override it: a plus transition
#: after 100 000 flips without a new best, at most one above the best rank, a restart from
#: the best scheme after 3 000 000 flips (the policy the structured targets were measured
#: with; flip_search's own defaults are tuned for matrix multiplication).
WALK_POLICY: dict[str, int] = {"plus_after": 100_000, "plus_limit": 1, "restart_after": 3_000_000}

#: The kernel's ``wrap`` of the walks here (unless ``flip_options`` set ``wrap``): over F3 every
#: move that wraps modulo 3 (``1 + 1 = -1``) is taken. Lifting to Q needs schemes that hold only
#: modulo 3 (``ss`` n=2 at rank 5: 6 of 6 seeds reach it in 2e6 flips with wrapping moves, 0 of
#: 6 without); flip_search's matrix formats mix safe and wrapping walkers instead.
WRAP: dict[str, int] = {"F2": 0, "F3": 256}

#: Fields the search runs over (the flip-graph kernels' modes).
FIELDS: tuple[str, ...] = ("F2", "F3")
Field = Literal["F2", "F3"]
LiftTo = Literal["Z", "Q", "ZT"]
_P = {"F2": 2, "F3": 3}


# ----------------------------------------------------------------------------- lifting
def lift_bilinear(scheme: BilinearScheme, to: LiftTo = "Q", attempts: int = 4, seed: int | None = 0) -> Any:
    """Lift an F2/F3 scheme of any target to Z or Q and verify it exactly.

    A thin name for :func:`solvers.lifting.lift_scheme`, which is generic in the target tensor
    (Hensel steps, symmetric representatives tried after every step, then rational
    reconstruction mod ``p^k``, exact verification).

    Returns:
        :class:`solvers.lifting.LiftResult` (``lifted=False`` with a reason otherwise).

    Raises:
        InvalidInputError: not an F2/F3 scheme, invalid over its field, bad ``to``.

    Examples:
        >>> from engine.tensors import complex_multiplication_tensor
        >>> from engine.schemes import BilinearScheme
        >>> from search.flipgraph.bilinear import lift_bilinear
        >>> s = BilinearScheme(complex_multiplication_tensor(), [[1, 1], [1, 0], [0, 1]],
        ...                    [[1, 1], [1, 0], [0, 1]], [[0, 1], [1, 2], [2, 2]], ring="F3")
        >>> res = lift_bilinear(s, to="Z")
        >>> res.lifted, res.ring
        (True, 'ZT')
    """
    from solvers.lifting import lift_scheme

    return lift_scheme(scheme, to=to, attempts=attempts, seed=seed)


# ----------------------------------------------------------------------------- corners
@dataclass(frozen=True)
class CornerSplit:
    """A target split into a searched part and naive products kept out of the search.

    The naive products are those of the *corner* outputs (every nonzero entry of their
    slices) and the *fixed* entries ``T[a, b, c] x_a y_b z_c``; the searched target
    :attr:`sub` is the rest (``target`` minus the naive products, without the corner
    outputs). A scheme for :attr:`sub` plus the naive products is a scheme for ``target``.

    Attributes:
        target: the full target; sub: the searched target.
        corners: output indices computed naively; keep: the remaining output indices
            (column ``j`` of ``sub`` is output ``keep[j]`` of ``target``).
        fixed: ``(a, b, c)`` entries computed naively outside the corner outputs.
        u, v, w: the naive products (written for the full target).
    """

    target: TargetTensor
    sub: TargetTensor
    corners: tuple[int, ...]
    keep: tuple[int, ...]
    fixed: tuple[tuple[int, int, int], ...]
    u: np.ndarray
    v: np.ndarray
    w: np.ndarray

    @property
    def corner_rank(self) -> int:
        """Number of naive products (corner outputs and fixed entries)."""
        return int(self.u.shape[0])

    def assemble(self, sub_scheme: BilinearScheme, ring: str | None = None) -> BilinearScheme:
        """The full-target scheme: ``sub_scheme`` (outputs re-indexed) plus the naive products.

        Raises:
            InvalidInputError: ``sub_scheme`` does not decompose :attr:`sub`.
            VerificationError: the assembled scheme fails over ``ring`` (cannot happen for a
                valid ``sub_scheme``; checked anyway).
        """
        if sub_scheme.target.shape != self.sub.shape or not np.array_equal(sub_scheme.target.array, self.sub.array):
            raise InvalidInputError("sub_scheme does not decompose this split's sub-target")
        K = self.target.shape[2]
        w = np.zeros((sub_scheme.rank, K), dtype=object)
        w[:, list(self.keep)] = np.asarray(sub_scheme.w, dtype=object)
        u = np.vstack([np.asarray(sub_scheme.u, dtype=object), self.u.astype(object)])
        v = np.vstack([np.asarray(sub_scheme.v, dtype=object), self.v.astype(object)])
        w = np.vstack([w, self.w.astype(object)])
        ring = ring or sub_scheme.ring
        s = BilinearScheme(self.target, u.tolist(), v.tolist(), w.tolist(), ring=ring)
        s.check(ring)
        return s


def _index_of(names: tuple, item: Any, what: str, size: int) -> int:
    if isinstance(item, str):
        if item not in names:
            raise InvalidInputError(f"{what} {item!r} is not a coordinate of the target; coordinates: {list(names)}")
        return names.index(item)
    if isinstance(item, int | np.integer) and not isinstance(item, bool) and 0 <= int(item) < size:
        return int(item)
    raise InvalidInputError(f"{what} {item!r} must be a coordinate name or an index in 0..{size - 1}")


def corner_split(target: TargetTensor, corners: Any = None, fixed: Any = ()) -> CornerSplit:
    """Split off naive products: whole output coordinates ("corners") and single entries.

    For ``X X^T`` the diagonal outputs ``c_ii = sum_j X_ij X_ij`` are sums of squares and
    every square is a recursive ``X X^T`` call. Searching the remaining outputs and adding
    the naive corner products trades rank for recursive calls (Khoruzhii-Gelss-Pokutta 2025:
    a rank-26 scheme for 4x4 ``A A^T`` without ``c11`` and ``c44`` plus the 8 corner
    products is a rank-34 scheme with 10 recursive calls, factor 8/13). Fixing single
    squares (``fixed=[("a21", "b21", "c22")]``) keeps further recursive calls out of the
    walk, which would otherwise destroy them.

    Args:
        target: any target tensor.
        corners: None, an int ``k`` (for a structured target: the first ``k`` of the
            diagonal outputs in the order ``c11, cnn, c22, c(n-1)(n-1), ...``) or a sequence
            of output names (``"c11"``) or indices.
        fixed: entries ``(a, b, c)`` (names or indices) with ``T[a, b, c] != 0`` outside the
            corner outputs, each computed by its naive product.

    Returns:
        :class:`CornerSplit`.

    Raises:
        InvalidInputError: unknown names, repeated or out-of-range indices, a fixed entry
            that is zero or inside a corner output, all outputs removed, nothing split off,
            or an int ``k`` for a target without diagonal outputs.

    Examples:
        >>> from engine.structured import structured_tensor
        >>> from search.flipgraph.bilinear import corner_split
        >>> sp = corner_split(structured_tensor("gt", 4), 2, fixed=[("a21", "b21", "c22")])
        >>> [sp.target.c_names[c] for c in sp.corners], sp.corner_rank, sp.sub.shape, sp.sub.nnz
        (['c11', 'c44'], 9, (16, 16, 8), 31)
    """
    K = target.shape[2]
    idx: list[int] = []
    if corners is None:
        pass
    elif isinstance(corners, bool):
        raise InvalidInputError(f"corners={corners!r} must be an int or a list of output names/indices")
    elif isinstance(corners, int | np.integer):
        k = int(corners)
        if not isinstance(target, StructuredTarget):
            raise InvalidInputError("corners=<int> needs a structured target; give output names such as ['c11']")
        n = target.n
        order: list[int] = []
        lo, hi = 0, n - 1
        while lo <= hi:
            order.append(lo)
            if hi != lo:
                order.append(hi)
            lo, hi = lo + 1, hi - 1
        diag = [target.c_coords.index((i, i)) for i in order if (i, i) in target.c_coords]
        if not 0 < k <= len(diag):
            raise InvalidInputError(f"corners={k} must lie in 1..{len(diag)} (the diagonal outputs of {target.name})")
        idx = diag[:k]
    else:
        if isinstance(corners, str):
            corners = [corners]
        try:
            items = list(corners)
        except TypeError:
            raise InvalidInputError(f"corners={corners!r} must be an int or a list of output names/indices") from None
        idx = [_index_of(target.c_names, c, "corner output", K) for c in items]
    if len(set(idx)) != len(idx):
        raise InvalidInputError(f"corners={corners!r} must name distinct outputs")
    A = target.array
    fx: list[tuple[int, int, int]] = []
    for e in fixed or ():
        try:
            a, b, c = e
        except (TypeError, ValueError):
            raise InvalidInputError(f"fixed entry {e!r} must be a triple (a, b, c) of names or indices") from None
        t = (_index_of(target.a_names, a, "input", A.shape[0]), _index_of(target.b_names, b, "input", A.shape[1]),
             _index_of(target.c_names, c, "output", K))
        if A[t] == 0 or t[2] in idx or t in fx:
            raise InvalidInputError(f"fixed entry {e!r} must be a nonzero entry outside the corner outputs, given once")
        fx.append(t)
    if not idx and not fx:
        raise InvalidInputError("nothing to split off: give corners and/or fixed entries")
    keep = tuple(c for c in range(K) if c not in idx)
    if not keep:
        raise InvalidInputError("corners cover every output; nothing is left to search")
    entries = [(int(a), int(b), c) for c in idx for a, b in zip(*np.nonzero(A[:, :, c]), strict=True)] + fx
    R = A.copy()
    us, vs, ws = [], [], []
    for a, b, c in entries:
        uu = np.zeros(A.shape[0], dtype=np.int64)
        vv = np.zeros(A.shape[1], dtype=np.int64)
        ww = np.zeros(K, dtype=np.int64)
        uu[a], vv[b], ww[c] = 1, 1, A[a, b, c]
        R[a, b, c] = 0
        us.append(uu)
        vs.append(vv)
        ws.append(ww)
    label = [target.c_names[c] for c in idx] + [f"{target.a_names[a]}*{target.b_names[b]}->{target.c_names[c]}" for a, b, c in fx]
    sub = TargetTensor(np.ascontiguousarray(R[:, :, list(keep)]), target.a_names, target.b_names,
                       tuple(target.c_names[c] for c in keep), name=f"{target.name} without {', '.join(label)}")
    return CornerSplit(target, sub, tuple(idx), keep, tuple(fx), np.array(us), np.array(vs), np.array(ws))


# ----------------------------------------------------------------------------- recursive calls
def more_recursive_calls(
    scheme: BilinearScheme,
    field: str,
    flips: int = 1_000_000,
    seed: int | None = 0,
    step: int = 500,
    patience: int = 200,
    *,
    structure_of: StructuredTarget | None = None,
) -> BilinearScheme:
    """Walk the flip graph at the scheme's rank and keep the scheme with most recursive calls.

    Flips keep the rank (a reduction, if one occurs, is kept too); after every ``step`` flips
    the current scheme is read as in :func:`solvers.recursive_cost.classify_products` and the
    one with the lowest rank, then the most recursive calls, is kept; after ``patience``
    samples without progress the walk returns to it (greedy restarts). The result is
    verified over ``field``. Only structured targets have recursive calls.

    Args:
        scheme: a scheme over ``field`` (or reducible to it).
        field: ``"F2"`` or ``"F3"``.
        flips, step, patience: budget, sampling interval and greedy-restart patience.
        seed: walk seed.
        structure_of: read the products as calls of this structured target (for a scheme
            of a sub-target with the same inputs, e.g. :attr:`CornerSplit.sub`).

    Raises:
        InvalidInputError: a field other than F2/F3, a non-structured target, bad budgets.

    Examples:
        >>> from engine.structured import structured_tensor
        >>> from engine.schemes import BilinearScheme
        >>> from search.flipgraph.bilinear import more_recursive_calls
        >>> from solvers.recursive_cost import recursive_cost
        >>> T = structured_tensor("ug", 2)
        >>> s = BilinearScheme(T, *T.trivial_scheme(), ring="F2")
        >>> t = more_recursive_calls(s, "F2", flips=20_000, seed=1)
        >>> t.is_valid("F2"), recursive_cost(t).recursive_calls >= 0
        (True, True)
    """
    from search.flipgraph.walk import FlipWalker, _unpack, bits_to_scheme

    if field not in FIELDS:
        raise InvalidInputError(f"field={field!r} must be 'F2' or 'F3'")
    S = structure_of if structure_of is not None else scheme.target
    if not isinstance(S, StructuredTarget):
        raise InvalidInputError("more_recursive_calls needs a scheme of a structured target (engine.structured)")
    if S.shape[:2] != scheme.target.shape[:2]:
        raise InvalidInputError(f"structure_of has inputs of shape {S.shape[:2]}, the scheme {scheme.target.shape[:2]}")
    for nm, val in (("flips", flips), ("step", step), ("patience", patience)):
        if isinstance(val, bool) or not isinstance(val, int) or val < 1:
            raise InvalidInputError(f"{nm}={val!r} must be a positive integer")
    T = scheme.target
    p = _P[field]
    base = BilinearScheme(T, *(np.mod(np.asarray(a, dtype=object), p).tolist() for a in (scheme.u, scheme.v, scheme.w)),
                          ring=field)
    base.check(field)
    count = _self_counter(S)
    w = FlipWalker.start(base, field, 0 if seed is None else int(seed), rmax=base.rank + 1)
    w.wrap = WRAP[field]

    def score() -> tuple[int, int]:
        u, v, _ = _unpack(w.P, w.N, w.r, T.shape)
        return (-w.r, count(u, v))

    best_bits = (w.P.copy(), w.N.copy(), w.r)
    best_score = score()
    done = 0
    stale = 0
    while done < flips:
        f0 = w.flips
        w.run(min(step, flips - done), w.r - 1, 0, 0, 0)
        done += max(1, w.flips - f0)
        sc = score()
        if sc > best_score:
            best_bits, best_score, stale = (w.P.copy(), w.N.copy(), w.r), sc, 0
        else:
            stale += 1
            if stale >= patience:  # back to the best scheme (greedy restarts)
                w.P[:], w.N[:], w.r = best_bits[0], best_bits[1], best_bits[2]
                stale = 0
    return bits_to_scheme(best_bits[0], best_bits[1], best_bits[2], T, field)


def _self_counter(T: StructuredTarget) -> Any:
    """Vectorised count of recursive calls (same reading as solvers.recursive_cost)."""
    x, y = T.operands
    a_off = np.array([i != j for i, j in T.a_coords], dtype=bool)
    b_off = np.array([i != j for i, j in T.b_coords], dtype=bool)

    def count(u: np.ndarray, v: np.ndarray) -> int:
        lt_ok = np.ones(u.shape[0], dtype=bool) if x == "g" else ~((u != 0) & a_off).any(axis=1)
        if T.transposed:
            same = (u == v).all(axis=1) | (u == -v).all(axis=1)
            return int((lt_ok & same & (u != 0).any(axis=1)).sum())
        rt_ok = np.ones(v.shape[0], dtype=bool) if y == "g" else ~((v != 0) & b_off).any(axis=1)
        return int((lt_ok & rt_ok).sum())

    return count


# ----------------------------------------------------------------------------- lift walks
def _lift_with_walk(scheme: BilinearScheme, field: str, lift_to: str, tries: int, step: int, seed: int,
                    lift_attempts: int) -> Any:
    """Lift ``scheme``; when it does not lift, walk at its rank and retry on neighbours.

    Schemes joined by flips over F2/F3 differ in whether they lift (the Hensel systems
    differ), so a scheme that does not lift is kept and its flip-graph neighbourhood at the
    same rank is tried (``tries`` schemes, ``step`` flips apart) before it is discarded.
    Returns the last :class:`solvers.lifting.LiftResult` and the scheme it belongs to.
    """
    from search.flipgraph.walk import FlipWalker, bits_to_scheme

    lr = lift_bilinear(scheme, to=lift_to, attempts=lift_attempts, seed=seed)
    if lr.lifted or tries <= 0:
        return lr, scheme
    w = FlipWalker.start(scheme, field, seed, rmax=scheme.rank + 1)
    w.wrap = WRAP.get(field, 0)
    cur = scheme
    for _ in range(tries):
        w.run(step, w.r - 1, 0, 0, 0)
        cur = bits_to_scheme(w.P, w.N, w.r, scheme.target, field)
        lr2 = lift_bilinear(cur, to=lift_to, attempts=2, seed=seed)
        if lr2.lifted:
            return lr2, cur
    return lr, scheme


# ----------------------------------------------------------------------------- result
@dataclass(frozen=True)
class BilinearSearchResult(Result):
    """Outcome of :func:`bilinear_search`.

    Attributes:
        target: the target's name; structure, n: the format (None for other targets).
        field, lift_to, target_rank, seed, method: the inputs (``seed``: the run's seed).
        scheme: best scheme over ``field`` (verified exactly over ``field``; with a lift, the
            field scheme that lifted); rank: the rank of :attr:`final`.
        lifted: the lifted scheme (verified exactly over ``lift_to``) or None;
        lift_ring: the smallest ring it is valid in; lift_reason: why nothing lifted.
        reached: a scheme of rank ``<= target_rank`` was found (and lifted, if asked).
        stop_reason: a :class:`search.core.StopReason` (``STEP_BUDGET`` also when
            ``max_attempts`` walks were spent).
        flips, elapsed, attempts: total flips, wall seconds, walks from the start run.
        known_rank: best known rank for the format and ring; gap: ``rank - known_rank``;
        improves_record: rank below the record, re-verified exactly.
        cost: :class:`solvers.recursive_cost.RecursiveCost` of the final scheme (structured
            targets only). verification: how the reported scheme was verified.
    """

    target: str
    structure: str | None
    n: int | None
    field: str
    lift_to: str | None
    target_rank: int
    seed: int | None
    method: str
    scheme: BilinearScheme
    rank: int
    lifted: BilinearScheme | None
    lift_ring: str | None
    lift_reason: str | None
    reached: bool
    stop_reason: StopReason
    flips: int
    elapsed: float
    attempts: int
    known_rank: int | None
    gap: int | None
    improves_record: bool
    cost: Any
    verification: str
    run_id: int | None = field(default=None, compare=False)

    @property
    def final(self) -> BilinearScheme:
        """The lifted scheme when there is one, else the field scheme."""
        return self.lifted if self.lifted is not None else self.scheme

    @property
    def final_ring(self) -> str:
        """Ring the final scheme is verified over."""
        return self.lift_to if self.lifted is not None else self.field  # type: ignore[return-value]

    def check(self) -> BilinearSearchResult:
        """Re-verify exactly: the field scheme over the field, the lifted scheme over
        ``lift_to`` (same target and rank), the recorded rank, ``reached``, ``gap`` and the
        recursive cost against the schemes; returns self.

        Raises:
            VerificationError: naming the failing equation or the inconsistent field.

        Examples:
            >>> from search.flipgraph.bilinear import BilinearSearchResult
            >>> BilinearSearchResult.example().check().rank
            3
        """
        self.scheme.check(self.field)
        if self.lifted is not None:
            if self.lift_to is None:
                raise VerificationError("a lifted scheme is recorded without lift_to")
            self.lifted.check(self.lift_to)
            if self.lifted.target != self.scheme.target:
                raise VerificationError("the lifted scheme decomposes another target than the field scheme")
        final = self.final
        if final.target.name != self.target and self.scheme.target.name != self.target:
            raise VerificationError(f"target={self.target!r} is recorded, but the scheme is for {final.target.name!r}")
        if final.rank != self.rank:
            raise VerificationError(f"rank={self.rank} is recorded, but the final scheme has rank {final.rank}")
        want = self.rank <= self.target_rank and (self.lift_to is None or self.lifted is not None)
        if bool(self.reached) != want:
            raise VerificationError(f"reached={self.reached} contradicts rank {self.rank}, target {self.target_rank}"
                                    f" and lift {self.lift_to}")
        if self.known_rank is not None and self.gap != self.rank - self.known_rank:
            raise VerificationError(f"gap={self.gap} but rank {self.rank} - known rank {self.known_rank}")
        if bool(self.improves_record) != (self.known_rank is not None and self.rank < self.known_rank):
            raise VerificationError(f"improves_record={self.improves_record} contradicts the ranks")
        if self.cost is not None:
            self.cost.check()
            if self.cost.rank != self.rank:
                raise VerificationError(f"the recursive cost is of a rank-{self.cost.rank} scheme, not {self.rank}")
        return self

    def to_json(self) -> dict:
        """JSON form (schemes as ``BilinearScheme.to_json``, the stop reason by its value)."""
        return {
            "target": self.target,
            "structure": self.structure,
            "n": self.n,
            "field": self.field,
            "lift_to": self.lift_to,
            "target_rank": self.target_rank,
            "seed": self.seed,
            "method": self.method,
            "rank": self.rank,
            "reached": self.reached,
            "stop_reason": StopReason(self.stop_reason).value,
            "flips": self.flips,
            "elapsed": round(self.elapsed, 4),
            "attempts": self.attempts,
            "known_rank": self.known_rank,
            "gap": self.gap,
            "improves_record": self.improves_record,
            "lift_ring": self.lift_ring,
            "lift_reason": self.lift_reason,
            "verification": self.verification,
            "cost": None if self.cost is None else self.cost.to_json(),
            "scheme": self.scheme.to_json(),
            "lifted": None if self.lifted is None else self.lifted.to_json(),
        }

    @classmethod
    def from_json(cls, d: dict) -> BilinearSearchResult:
        """Rebuild from :meth:`to_json`.

        Raises:
            InvalidInputError: a document that is not a bilinear-search result.
        """
        from search.flipgraph.spec import scheme_from_json
        from solvers.recursive_cost import RecursiveCost

        try:
            return cls(
                target=str(d["target"]), structure=d["structure"], n=d["n"], field=str(d["field"]),
                lift_to=d["lift_to"], target_rank=int(d["target_rank"]), seed=d["seed"], method=str(d["method"]),
                scheme=scheme_from_json(d["scheme"]), rank=int(d["rank"]),
                lifted=None if d["lifted"] is None else scheme_from_json(d["lifted"]), lift_ring=d["lift_ring"],
                lift_reason=d["lift_reason"], reached=bool(d["reached"]), stop_reason=StopReason(d["stop_reason"]),
                flips=int(d["flips"]), elapsed=float(d["elapsed"]), attempts=int(d["attempts"]),
                known_rank=d["known_rank"], gap=d["gap"], improves_record=bool(d["improves_record"]),
                cost=None if d["cost"] is None else RecursiveCost.from_json(d["cost"]),
                verification=str(d["verification"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInputError(f"not a bilinear-search result document ({type(exc).__name__}: {exc})") from None

    @classmethod
    def example(cls) -> BilinearSearchResult:
        """Gauss's three-multiplication complex product ``(a0+a1)(b0+b1), a0 b0, a1 b1``
        found over F3 and lifted to Z (the rank-3 optimum; the flattening bound is 2, the
        border rank argument gives 3: P. Buergisser, M. Clausen, M. A. Shokrollahi,
        "Algebraic Complexity Theory", Springer 1997, Sec. 17.1).

        Examples:
            >>> from search.flipgraph.bilinear import BilinearSearchResult
            >>> r = BilinearSearchResult.example()
            >>> r.rank, r.lifted.evaluate([1, 2], [3, 4]), r.is_valid()
            (3, [-5, 10], True)
        """
        from engine.tensors import complex_multiplication_tensor

        T = complex_multiplication_tensor()
        u, v, w = [[1, 1], [1, 0], [0, 1]], [[1, 1], [1, 0], [0, 1]], [[0, 1], [1, -1], [-1, -1]]
        lifted = BilinearScheme(T, u, v, w, ring="ZT")
        field = BilinearScheme(T, u, v, w, ring="F3")
        return cls(target=T.name, structure=None, n=None, field="F3", lift_to="Z", target_rank=3, seed=1,
                   method="walk", scheme=field, rank=3, lifted=lifted, lift_ring="ZT", lift_reason=None, reached=True,
                   stop_reason=StopReason.TARGET_REACHED, flips=0, elapsed=0.0, attempts=1, known_rank=None, gap=None,
                   improves_record=False, cost=None, verification="Brent equations exact over Z (lifted from F3)")

    @classmethod
    def tampered(cls) -> BilinearSearchResult:
        """:meth:`example` with one coefficient of the lifted scheme changed."""
        from search.flipgraph.walk import _tamper

        ex = cls.example()
        return dataclasses.replace(ex, lifted=_tamper(ex.lifted))


# ----------------------------------------------------------------------------- search
def _resolve_target(target: Any, n: int | None) -> TargetTensor:
    if isinstance(target, TargetTensor):
        if n is not None and isinstance(target, StructuredTarget) and target.n != n:
            raise InvalidInputError(f"n={n!r} does not match the target's size {target.n}")
        return target
    if isinstance(target, BilinearScheme):
        return target.target
    if isinstance(target, str):
        if n is None:
            raise InvalidInputError(f"target={target!r} is a structure code; give the size n=... as well")
        return structured_tensor(target, n)
    raise InvalidInputError(
        f"target={target!r} must be a TargetTensor (engine.tensors / engine.structured) or a structure code with n"
    )


#: The ``"paths"`` policy of :func:`bilinear_search` (``flip_options`` override it).
PATHS_POLICY: dict[str, float] = {"pool_size": 50, "path_length": 300_000, "plus_after": 20_000, "plus_limit": 2,
                                  "refresh": 0.05}


def bilinear_search(
    target: Any,
    field: str = "F2",
    target_rank: int | None = None,
    seed: int | None = None,
    time_limit: float | None = None,
    lift_to: str | None = None,
    *,
    n: int | None = None,
    max_flips: int | None = None,
    budget: Budget | None = None,
    method: str = "walk",
    walkers: int = 1,
    backend: Any = None,
    workers: int | None = None,
    cluster: str | None = None,
    max_attempts: int | None = None,
    lift_attempts: int = 4,
    lift_walk: int = 60,
    gammas: dict | None = None,
    flip_options: dict | None = None,
    recursive_flips: int = 0,
    corners: Any = None,
    fixed: Any = (),
    store: Any = None,
    checkpoint: Any = None,
    checkpoint_every: float = 30.0,
    resume: bool = False,
    force: bool = False,
    progress: bool = False,
) -> BilinearSearchResult:
    """Flip-graph search for a low-rank scheme of any target tensor over F2 or F3.

    Runs on :func:`search.runner.run_search` (spec :class:`search.flipgraph.spec.SchemeSearchSpec`,
    kind ``"flipgraph.bilinear"``): every verified improvement over the field and every
    verified lift is committed to ``store`` when found; ``checkpoint``/``resume`` continue a
    killed run with its best scheme, its walkers and its attempt count.

    Args:
        target: a :class:`~engine.tensors.TargetTensor` (e.g. from
            :func:`engine.structured.structured_tensor`), a starting scheme, or a structure
            code such as ``"kg"`` together with ``n``.
        field: ``"F2"`` or ``"F3"`` (F3 finds schemes that need 1/2 over Q).
        target_rank: stop when a scheme of this rank (lifted, if ``lift_to``) is found;
            default: the best known rank for structured and matrix-multiplication targets, else
            the flattening bound; the shorthand of ``budget.target``.
        seed: seed of every random choice (recorded; None: drawn and recorded).
        time_limit: wall-clock seconds for the whole search (flips and lifting); the shorthand
            of ``budget.time_limit``.
        lift_to: ``"Z"``, ``"Q"``, ``"ZT"`` (matrix-multiplication targets: the Z lift made
            ternary by a unimodular sandwich, :func:`solvers.ternary.ternarize`) or None.
        n: matrix size when ``target`` is a structure code.
        max_flips: total flip budget over all attempts; the shorthand of ``budget.steps``.
        budget: ``Budget(time_limit=, steps=, target=)`` (steps are flips, the target a rank).
        method: ``"walk"`` or ``"pool"`` (see :func:`search.flipgraph.flip_search`), or
            ``"paths"``: many short walks (``path_length`` flips, plus transitions after
            ``plus_after`` flips, at most ``plus_limit`` above the start) out of a pool of
            ``pool_size`` schemes of rank ``target_rank + 1`` (flip_options set these; the
            route to 3x3 skew x general rank 14, see the module docstring).
        walkers: walkers per attempt (on a process pool or Dask cluster, each one a walker of
            the runner with its own attempts).
        backend, workers, cluster: where the walkers run (``"serial"``, ``"process"``,
            ``"dask"``; see :func:`search.runner.run_search`).
        max_attempts: walks from the start per walker group at most (a new one after a scheme
            fails to lift); then the search stops with ``StopReason.STEP_BUDGET``.
        lift_attempts: Hensel attempts per scheme.
        lift_walk: when a scheme at the target rank does not lift, try this many
            neighbours at the same rank (300 flips apart) before a new search.
        gammas: factors of other formats for the recursive cost.
        flip_options: further keyword arguments of :func:`search.flipgraph.flip_search`
            (``plus_after``, ``plus_limit``, ``restart_after``, ``pool_size``, ``chunk``,
            ``split``, ``restart``, ``restart_base``, ``adaptive_plus``;
            for ``"walk"`` the defaults are :data:`WALK_POLICY`, except for matrix-multiplication
            targets, which keep flip_search's own defaults), or
            for ``"paths"``: ``plus_after`` (20 000), ``plus_limit`` (2), ``pool_size`` (50),
            ``path_length`` (300 000), ``refresh`` (0.05).
        recursive_flips: for structured targets, flips spent at the reached rank looking for
            a scheme with more recursive calls (:func:`more_recursive_calls`) before lifting;
            the original scheme is kept when the improved one does not lift.
        corners: output coordinates computed by their naive products (see
            :func:`corner_split`): an int ``k`` (the first ``k`` diagonal outputs ``c11, cnn,
            ...`` of a structured target) or output names. The flip search then runs on the
            remaining outputs with rank ``target_rank - (corner products)``, and every
            reported scheme is the assembled full scheme. For ``X X^T`` formats the corner
            products are recursive calls (``corners=2``: the rank-34, 10-call route for 4x4
            ``A A^T``).
        fixed: single entries ``(a, b, c)`` computed by their naive products (see
            :func:`corner_split`), e.g. squares ``("a21", "b21", "c22")`` of ``X X^T``
            formats, kept as recursive calls.
        store: a :class:`search.store.ResultsStore`, a path, or None.
        checkpoint, checkpoint_every, resume, force: checkpoints of the run (see
            :func:`search.runner.run_search`).
        progress: one line per improvement on stderr, and one per scheme that does not lift.

    Returns:
        :class:`BilinearSearchResult`, every reported scheme verified exactly.

    Raises:
        InvalidInputError: a field other than F2/F3, a bad target, lift ring or budget.
        InfeasibleError: ``target_rank`` below the flattening lower bound of the target.
        CheckpointError: ``resume`` with a corrupt checkpoint or one of another search.
        StoreError: the store is locked, foreign or corrupt.

    Examples:
        >>> from engine.tensors import complex_multiplication_tensor
        >>> from search.flipgraph.bilinear import bilinear_search
        >>> res = bilinear_search(complex_multiplication_tensor(), field="F3", target_rank=3,
        ...                       seed=1, max_flips=100_000, lift_to="Z")
        >>> res.rank, res.lifted.is_valid("Z")
        (3, True)
    """
    from search.flipgraph.spec import SchemeSearchSpec
    from search.flipgraph.walk import (
        _positive_keywords,
        _target_rank,
        _warm_kernels,
        check_path_argument,
        check_target_rank,
        is_serial,
        walk_config,
    )
    from search.runner import run_search

    if field not in FIELDS:
        raise InvalidInputError(
            f"field={field!r} cannot be searched; use 'F2' or 'F3' (lift_to='Z' or 'Q' for integer/rational schemes)"
        )
    if isinstance(lift_to, str) and lift_to.strip().upper() in ("Z", "Q", "ZT"):
        lift_to = lift_to.strip().upper()
    if lift_to is not None and lift_to not in ("Z", "Q", "ZT"):
        raise InvalidInputError(f"lift_to={lift_to!r} must be 'Z', 'Q', 'ZT' (matrix formats) or None")
    seed = check_seed(seed)
    if method not in METHODS:
        raise InvalidInputError(f"method={method!r} is unknown; use one of {sorted(METHODS)}")
    for nm, val in (("time_limit", time_limit), ("max_flips", max_flips)):
        if val is not None and (isinstance(val, bool) or not isinstance(val, int | float) or val <= 0):
            raise InvalidInputError(f"{nm}={val!r} must be a positive number")
    _positive_keywords(time_limit, max_flips)
    check_path_argument(checkpoint, "checkpoint")
    budget = resolve_budget(budget, what="bilinear_search", time_limit=time_limit, steps=max_flips,
                            target=target_rank)
    if budget.time_limit is None and budget.steps is None:
        raise InvalidInputError("give time_limit (seconds) or max_flips: a search needs a budget")
    if isinstance(walkers, bool) or not isinstance(walkers, int) or walkers < 1:
        raise InvalidInputError(f"walkers={walkers!r} must be a positive integer")
    if max_attempts is not None and (isinstance(max_attempts, bool) or not isinstance(max_attempts, int)
                                     or max_attempts < 1):
        raise InvalidInputError(f"max_attempts={max_attempts!r} must be a positive integer or None")
    allowed = {"plus_after", "plus_limit", "restart_after", "pool_size", "chunk", "split", "restart",
               "restart_base", "adaptive_plus", "wrap"} if method != "paths" else set(PATHS_POLICY)
    if flip_options is not None and not isinstance(flip_options, dict):
        raise InvalidInputError(f"flip_options={str(flip_options)[:40]!r} must be a dict of flip_search keywords or None")
    extra = dict(flip_options or {})
    if set(extra) - allowed:
        raise InvalidInputError(f"flip_options has unknown keys {sorted(set(extra) - allowed)}; allowed: {sorted(allowed)}")
    T = _resolve_target(target, n)
    matmul_fmt = getattr(T, "format", None)
    if lift_to == "ZT" and (matmul_fmt is None or corners is not None or fixed):
        raise InvalidInputError(
            "lift_to='ZT' (a ternary form by sandwiching) needs a matrix-multiplication target without corners/fixed; "
            "use lift_to='Z'"
        )
    if method == "walk" and matmul_fmt is None:  # matrix formats keep flip_search's own (tuned) defaults
        for key, val in WALK_POLICY.items():
            extra.setdefault(key, val)
    start = target if isinstance(target, BilinearScheme) else None
    split = None
    if corners is not None or fixed:
        if start is not None:
            raise InvalidInputError("corners/fixed search a sub-target; pass the target (not a start scheme)")
        split = corner_split(T, corners, fixed)
    structure = T.structure if isinstance(T, StructuredTarget) else None
    size = T.n if isinstance(T, StructuredTarget) else None
    known_ring = lift_to if lift_to is not None else field
    krank = known_structured_rank(structure, size, known_ring) if structure else None
    if krank is None and matmul_fmt is not None and corners is None and not fixed:
        krank = known_rank(matmul_fmt, known_ring)
    target_rank = _target_rank(budget.target, T, krank if krank is not None else max(T.flattening_ranks()))
    T_search = T if split is None else split.sub
    search_rank = target_rank if split is None else target_rank - split.corner_rank
    if search_rank < 1:
        raise InvalidInputError(
            f"target_rank={target_rank} leaves no products for the searched outputs ({split.corner_rank} corner products)"
        )
    check_target_rank(T_search, search_rank)
    if start is None:
        u, v, w = T_search.trivial_scheme()
        start = Scheme(T_search.format, u, v, w) if T_search.format is not None else BilinearScheme(T_search, u, v, w)
    if not start.is_valid(field):
        raise InvalidInputError(f"the start scheme is not valid over {field}: {start.first_failure(field)}")
    if method == "paths":
        paths = dict(PATHS_POLICY, **extra)
        for key, low in (("pool_size", 1), ("path_length", 1), ("plus_after", 0), ("plus_limit", 0)):
            if isinstance(paths[key], bool) or not isinstance(paths[key], int) or paths[key] < low:
                raise InvalidInputError(f"flip_options[{key!r}]={paths[key]!r} must be an integer >= {low}")
        if not 0.0 <= float(paths["refresh"]) <= 1.0:
            raise InvalidInputError(f"flip_options['refresh']={paths['refresh']!r} must be a probability in [0, 1]")
        walk = walk_config(field, "walk", wrap=WRAP[field] / 256)
    else:
        paths = None
        extra.setdefault("wrap", WRAP.get(field, 0) / 256)
        walk = walk_config(field, method, **extra)
    spec = SchemeSearchSpec(
        kind="flipgraph.bilinear", target=T, start=start, field=field, method=method, walkers=walkers,
        teams=1 if is_serial(backend, workers, cluster) else walkers, walk=walk, paths=paths,
        target_rank=target_rank, split=split, lift_to=lift_to, lift_attempts=lift_attempts, lift_walk=lift_walk,
        recursive_flips=recursive_flips if structure is not None else 0,
        structure_of=T if structure is not None else None, max_attempts=max_attempts, progress=progress,
    )
    _warm_kernels()
    out = run_search(spec, budget.replace(target=target_rank), seed=seed, workers=workers, backend=backend,
                     cluster=cluster, checkpoint=checkpoint, checkpoint_every=checkpoint_every, resume=resume,
                     force=force, store=store, progress=progress)
    return _bilinear_result(out, spec, T, structure, size, krank, gammas)


def _bilinear_result(out: Any, spec: Any, T: TargetTensor, structure: str | None, size: int | None,
                     krank: int | None, gammas: dict | None) -> BilinearSearchResult:
    """The result of a bilinear search from the runner's outcome, re-verified exactly."""
    from search.flipgraph.spec import outcome_best

    field, lift_to, target_rank = spec.field, spec.lift_to, spec.target_rank
    field_best = max((f for f in out.found if not spec.is_lifted(f.candidate)), key=lambda f: f.score, default=None)
    lifted_found = max((f for f in out.found if spec.is_lifted(f.candidate)), key=lambda f: f.score, default=None)
    lifted = lifted_found.candidate if lifted_found is not None else None
    best_field = field_best.candidate if field_best is not None else outcome_best(out, spec)
    lift_ring = None
    if lifted is not None:
        for st in out.states:
            src = st.get("lifted_from")
            if src is not None and st.get("lift_ring") is not None:
                full = src if spec.split is None else spec.split.assemble(src, field)
                if full.rank == lifted.rank:
                    best_field, lift_ring = full, st["lift_ring"]
                    break
        if lift_ring is None:
            lift_ring = lifted.smallest_ring()
    best_field.check(field)
    if lifted is not None:
        lifted.check(lift_to)
    final = lifted if lifted is not None else best_field
    final_ring = lift_to if lifted is not None else field
    reached = final.rank <= target_rank and (lift_to is None or lifted is not None)
    gap = None if krank is None else final.rank - krank
    improves = bool(krank is not None and final.rank < krank and final.is_valid(final_ring))
    if improves and not final.spot_check(trials=5, seed=0, ring=final_ring):
        raise VerificationError("an apparent record failed the numeric spot check; not reported")  # pragma: no cover
    cost = None
    if structure is not None:
        from solvers.recursive_cost import recursive_cost

        cost = recursive_cost(final, gammas=gammas)
    reasons = [r for st in out.states for r in st.get("reasons", ())]
    lift_reason = None
    if lift_to is not None and lifted is None:
        lift_reason = "; ".join(dict.fromkeys(reasons)) if reasons else f"no scheme of rank {target_rank} found to lift"
    stop = out.stop_reason
    if stop is StopReason.EXHAUSTED and not reached:  # max_attempts spent: a budget, not a proof
        stop = StopReason.STEP_BUDGET
    split = spec.split
    return BilinearSearchResult(
        target=T.name, structure=structure, n=size, field=field, lift_to=lift_to, target_rank=target_rank,
        seed=out.seed, method=spec.method if split is None else f"{spec.method}+naive({split.corner_rank})",
        scheme=best_field, rank=final.rank, lifted=lifted, lift_ring=lift_ring, lift_reason=lift_reason,
        reached=reached, stop_reason=stop, flips=int(out.steps), elapsed=round(out.elapsed, 4),
        attempts=sum(int(st.get("attempt", 0)) for st in out.states), known_rank=krank, gap=gap,
        improves_record=improves, cost=cost,
        verification=f"Brent equations exact over {final_ring}" + (f" (lifted from {field})" if lifted is not None else ""),
        run_id=out.run_id,
    )
