"""The meta flip-graph search: moves between neighbouring formats to reach low ranks.

:func:`meta_search` combines the format moves of :mod:`solvers.scheme_moves` (project,
extend, Kronecker product) with the flip-graph walk of :mod:`search.flipgraph.walk`: search a
neighbouring format, move the scheme to the target format, then flip. ``method="extend"``
walks from many extensions of fresh best-known-rank schemes of the cheapest smaller
neighbours; it takes ``<3,4,4>`` to rank 38 over ZT within 120 s for most seeds, where the
plain walk stops at 39 (or, with splits, reaches 38 in 3 of 39 runs of 120-270 s).

Every result is verified exactly over the ring.

Reference: M. Kauers, I. Wood, "Exploring the meta flip graph for matrix multiplication",
arXiv:2510.19787 (2025) (extension and projection edges between formats); A. I. Perminov,
"Fast matrix multiplication via ternary meta flip graphs", arXiv:2511.20317 (meta operators
over {-1, 0, 1}); M. Kauers, J. Moosbauer, "Some new non-commutative matrix multiplication
algorithms of size (n,m,6)", ACM Comm. Computer Algebra 2025 (flip graphs with format
transitions); Arai, Ichikawa, Hukushima, "Adaptive flip graph algorithm for matrix
multiplication", ISSAC 2024 (plus transitions and restrictions).

Examples:
    >>> from search.flipgraph.meta import META_METHODS
    >>> sorted(META_METHODS)
    ['extend', 'routes']
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from engine.errors import InfeasibleError, InvalidInputError, check_seed
from engine.results import Result
from engine.schemes import Scheme
from engine.tensors import matmul_tensor, parse_format
from search.core import Budget, StopReason, resolve_budget
from search.runner import Exhausted, SearchSpec
from solvers.scheme_moves import extend, kronecker, project

__all__ = ["meta_search", "MetaSearchResult", "MetaSpec", "META_METHODS"]

#: methods of :func:`meta_search`: what each one does
META_METHODS: dict[str, str] = {
    "routes": "plain walk, Kronecker products, projections and extensions, each once, equal time shares",
    "extend": "repeated walks from extensions of fresh best-known-rank schemes of the cheapest smaller neighbours",
}
MetaMethod = Literal["routes", "extend"]


def _factorisations(fmt: tuple[int, int, int]) -> list[tuple[int, int, int]]:
    """Formats ``f1`` with ``f1 | fmt`` componentwise, both factors non-trivial (rank > 1)."""
    out = []
    for a in range(1, fmt[0] + 1):
        for b in range(1, fmt[1] + 1):
            for c in range(1, fmt[2] + 1):
                if fmt[0] % a or fmt[1] % b or fmt[2] % c:
                    continue
                f1, f2 = (a, b, c), (fmt[0] // a, fmt[1] // b, fmt[2] // c)
                if f1 == (1, 1, 1) or f2 == (1, 1, 1) or f2 < f1:
                    continue
                out.append(f1)
    return out


@dataclass(frozen=True)
class MetaSearchResult(Result):
    """Outcome of :func:`meta_search`: the best verified scheme and the route that found it
    (``walks``: walks from extensions made by ``method="extend"``, 0 for ``"routes"``;
    ``flips``: flips of every walk; ``stop_reason``: a :class:`search.core.StopReason`)."""

    format: tuple[int, int, int]
    ring: str
    target_rank: int
    seed: int | None
    scheme: Scheme
    rank: int
    reached: bool
    route: tuple[str, ...]
    elapsed: float
    walks: int = 0
    stop_reason: StopReason = StopReason.TIME_LIMIT
    flips: int = 0

    def check(self) -> MetaSearchResult:
        """Re-verify exactly: the Brent equations over the ring, the recorded format, rank and
        ``reached``; returns self.

        Raises:
            VerificationError: naming the first failing equation or the inconsistent field.

        Examples:
            >>> from search.flipgraph.meta import MetaSearchResult
            >>> MetaSearchResult.example().check().rank
            7
        """
        from search.flipgraph.walk import _check_claims

        self.scheme.check(self.ring)
        _check_claims(self.scheme, self.rank, self.format, self.target_rank, self.reached)
        return self

    def to_json(self) -> dict:
        """JSON form."""
        return {
            "format": list(self.format), "ring": self.ring, "target_rank": self.target_rank,
            "seed": self.seed, "rank": self.rank, "reached": self.reached, "route": list(self.route),
            "elapsed": round(self.elapsed, 3), "walks": self.walks,
            "stop_reason": StopReason(self.stop_reason).value, "flips": self.flips,
            "scheme": self.scheme.to_json(),
        }

    @classmethod
    def from_json(cls, d: dict) -> MetaSearchResult:
        """Rebuild from :meth:`to_json`.

        Raises:
            InvalidInputError: a document that is not a meta-search result.
        """
        try:
            return cls(tuple(int(x) for x in d["format"]), str(d["ring"]), int(d["target_rank"]), d["seed"],
                       Scheme.from_json(d["scheme"]), int(d["rank"]), bool(d["reached"]),
                       tuple(str(x) for x in d["route"]), float(d["elapsed"]), int(d.get("walks", 0)),
                       StopReason(d.get("stop_reason", "time_limit")), int(d.get("flips", 0)))
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInputError(f"not a meta-search result document ({type(exc).__name__}: {exc})") from None

    @classmethod
    def example(cls) -> MetaSearchResult:
        """Strassen's rank-7 scheme for ``<2,2,2>`` (Strassen 1969; rank 7 is optimal,
        Winograd 1971) as the ``"routes"`` method reports it when its plain walk reaches 7.

        Examples:
            >>> from search.flipgraph.meta import MetaSearchResult
            >>> MetaSearchResult.example().route
            ('walk',)
        """
        s = Scheme.strassen()
        return cls((2, 2, 2), "ZT", 7, 1, s, 7, True, ("walk",), 0.0, 0, StopReason.TARGET_REACHED, 0)

    @classmethod
    def tampered(cls) -> MetaSearchResult:
        """:meth:`example` with one coefficient of the scheme changed."""
        from search.flipgraph.walk import _tamper

        ex = cls.example()
        return dataclasses.replace(ex, scheme=_tamper(ex.scheme))


def meta_search(fmt: Any, ring: str = "ZT", target_rank: int | None = None, seed: int | None = 0,
                time_limit: float | None = None, max_flips: int | None = None, *,
                budget: Budget | None = None, method: MetaMethod = "routes", hop_flips: int = 4_000_000,
                hop_plus: int = 50_000, walk_flips: int = 8_000_000, finish_flips: int = 16_000_000,
                source_flips: int = 60_000_000, source_hops: int = 4, split: float | None = 0.0,
                store: Any = None, backend: Any = None, workers: int | None = None, cluster: str | None = None,
                checkpoint: Any = None, checkpoint_every: float = 30.0, resume: bool = False, force: bool = False,
                progress: bool = False) -> MetaSearchResult:
    """Meta flip-graph search: moves between neighbouring formats to reach low ranks.

    ``method="routes"`` (default) tries, in turn until the target is reached or time runs
    out: (1) the plain walk from the standard algorithm; (2) for each factorisation
    ``<n,m,p> = <n1,m1,p1> x <n2,m2,p2>``, search both factors, take the Kronecker product
    and flip from it; (3) for each axis, search ``<.., d+1, ..>`` to its best known rank,
    project back and flip; (4) for each axis with ``d > 1``, search ``<.., d-1, ..>``, extend
    and flip. Each route gets an equal share of the remaining time.

    ``method="extend"`` (extend and descend, Kauers-Wood's extension edge used as a restart
    operator): the *sources* are the neighbours ``<.., d-1, ..>`` whose best known rank plus
    the products of the added slice (``m p``, ``n p`` or ``n m``) is smallest (for
    ``<3,4,4>``: ``<3,3,4>`` and ``<3,4,3>``, rank 29 + 12 = 41). Each source is walked
    from its standard algorithm to its best known rank (at most ``source_flips`` flips, up to
    three tries with new seeds; a source that stays above it is dropped unless all do); then, in rounds over the sources, the source walker makes ``hop_flips`` rank-preserving
    flips (no plus transitions) to a fresh scheme of the same rank, which is extended and
    walked at ``fmt`` (:func:`~search.flipgraph.walk.flip_search` with ``start=``): for at
    most ``walk_flips`` flips towards ``target_rank + 1``, and only when that is reached, for
    at most ``finish_flips`` more towards ``target_rank``. A walk from a fresh extension
    either gets near the target within a few million flips or stalls, so many short walks
    from distinct extensions beat one long walk.
    Measured on ``<3,4,4>`` over ZT, 120 s on one core per seed: the plain walk from the
    standard algorithm and the projection routes (from ``<4,4,4>`` Strassen x Strassen, from
    walked ``<3,4,5>`` or ``<4,4,4>`` schemes, or cycling extend/walk/project) stop at 39 or
    40; this method reaches 38 for seeds 1, 2, 4, 5 in 23, 56, 5, 78 CPU-s (median over seeds
    1-5: 56; seed 3 stops at 39) and for seeds 6, 8 of 6-10 in 54, 17 CPU-s (load 1-2 on a
    shared 2-core machine), as a walk from an extension of a rank-29 ``<3,3,4>``/``<3,4,3>``
    scheme (rank 41) reaches 38 with probability about 1/10; with ``split=0.5`` it reached 38
    for seeds 1, 2, 3, 5 in 100, 103, 114, 91 CPU-s (median over seeds 1-5: 103) and for 4 of
    seeds 6-10 in 41-96 CPU-s: more seeds, more slowly.

    Every walk is seeded from ``seed`` and budgeted in flips, so a run that stops on its
    flip budgets (not on ``time_limit``) is reproducible; every scheme is verified exactly.

    The search runs on :func:`search.runner.run_search` as one walker whose state carries the
    stage (route, phase, the walks in progress, the extension sources): every scheme of
    ``fmt`` that improves the best is committed to ``store`` when found, and with
    ``checkpoint`` a killed run resumes with its best scheme, its route and its walks.

    Args:
        fmt: target format ``(n, m, p)`` or ``"nxmxp"``.
        ring: ``"ZT"``, ``"F2"`` or ``"F3"``.
        target_rank: stop when reached (default: the best known rank).
        seed: seed of every random choice (None: drawn and recorded).
        time_limit: wall-clock seconds for the whole search (default 60; the routes share it);
            the shorthand of ``budget.time_limit``.
        max_flips: flip budget of each walk of the ``"routes"`` method (not a total: the total
            is ``budget.steps``).
        budget: ``Budget(time_limit=, steps=, target=)``: ``steps`` caps the flips of the
            whole search, ``target`` is the target rank.
        method: ``"routes"`` or ``"extend"`` (:data:`META_METHODS`).
        hop_flips: ``"extend"``: flips of a source walker between extensions.
        hop_plus: ``"extend"``: plus period of those hops (0: rank-preserving flips only;
            otherwise plus transitions up to 2 above the source rank, then flips without plus
            transitions back down to it).
        walk_flips: ``"extend"``: flip budget of each walk at ``fmt`` from an extension
            towards ``target_rank + 1`` (a walk that does not get there is abandoned).
        finish_flips: ``"extend"``: flip budget from a scheme of rank ``target_rank + 1``
            towards ``target_rank``.
        source_flips: ``"extend"``: flip budget of each source walk from the standard algorithm.
        source_hops: ``"extend"``: hops from one source scheme before it is replaced by a
            fresh source walk (new seed) from the standard algorithm.
        split: ``"extend"``: split probability of every walk
            (:func:`~search.flipgraph.walk.flip_search`'s ``split``; None: its default, 0.5
            over ZT). Default 0: with splits, ``<3,4,4>`` -> 38 took a median of 103 CPU-s over
            seeds 1-5 against 56 (see above).
        store, backend, workers, cluster, checkpoint, checkpoint_every, resume, force,
            progress: the runner's options (see :func:`search.runner.run_search`).

    Returns:
        :class:`MetaSearchResult` with the best verified scheme and the route that found it.

    Raises:
        InvalidInputError: bad format, ring, method or budgets.
        InfeasibleError: target below a proved lower bound.
        CheckpointError: ``resume`` with a corrupt checkpoint or one of another search.
        StoreError: the store is locked, foreign or corrupt.

    Reference: M. Kauers, I. Wood, "Exploring the meta flip graph for matrix
    multiplication", arXiv:2510.19787 (2025) (extension and projection edges);
    A. I. Perminov, "Fast matrix multiplication via ternary meta flip graphs",
    arXiv:2511.20317 (meta operators over the ternary coefficient set).

    Examples:
        >>> from search.flipgraph.meta import meta_search
        >>> res = meta_search((2, 2, 3), ring="ZT", target_rank=11, seed=1, time_limit=30)
        >>> res.reached, res.scheme.is_valid("ZT")
        (True, True)
        >>> res = meta_search((2, 2, 3), ring="ZT", target_rank=11, seed=1, time_limit=30, method="extend",
        ...                   walk_flips=2_000_000, source_flips=2_000_000)
        >>> res.reached, res.route[0]
        (True, 'search <2,2,2> -> rank 7')
    """
    from search.flipgraph.walk import (
        MODES,
        _warm_kernels,
        check_rank_value,
        check_target_rank,
        walk_config,
    )
    from search.runner import run_search
    from solvers.known_ranks import known_rank, lower_bound

    fmt = parse_format(fmt)
    if isinstance(ring, str) and ring.strip().upper() in MODES:
        ring = ring.strip().upper()
    if ring not in MODES:
        raise InvalidInputError(f"ring={ring!r} cannot be searched; use 'ZT', 'F2' or 'F3'")
    if method not in META_METHODS:
        raise InvalidInputError(f"method={method!r} is unknown; use one of {sorted(META_METHODS)}")
    seed = check_seed(seed)
    for name, val in (("hop_flips", hop_flips), ("walk_flips", walk_flips), ("finish_flips", finish_flips),
                      ("source_flips", source_flips), ("source_hops", source_hops)):
        if isinstance(val, bool) or not isinstance(val, int | np.integer) or val < 1:
            raise InvalidInputError(f"{name}={val!r} must be a positive number of flips")
    if isinstance(hop_plus, bool) or not isinstance(hop_plus, int | np.integer) or hop_plus < 0:
        raise InvalidInputError(f"hop_plus={hop_plus!r} must be a plus period in flips (0: rank-preserving hops)")
    if time_limit is not None and (isinstance(time_limit, bool) or not isinstance(time_limit, int | float)
                                   or not time_limit > 0):
        raise InvalidInputError(f"time_limit={time_limit!r} must be a positive number of seconds")
    if max_flips is not None and (isinstance(max_flips, bool) or not isinstance(max_flips, int | np.integer)
                                  or max_flips < 1):
        raise InvalidInputError(f"max_flips={max_flips!r} must be a positive integer (or None)")
    from search.flipgraph.walk import check_path_argument

    check_path_argument(checkpoint, "checkpoint")
    budget = resolve_budget(budget, what="meta_search", time_limit=time_limit, target=target_rank)
    if budget.time_limit is None:
        budget = budget.replace(time_limit=60.0)
    if budget.target is None:
        target_rank = known_rank(fmt, ring) or lower_bound(fmt)  # beyond the table: the proved lower bound
    else:
        target_rank = check_rank_value(budget.target)
    target_rank = int(target_rank)
    walk_config(ring, split=split)  # checks split
    if method == "extend":
        check_target_rank(matmul_tensor(*fmt), target_rank)
        if not _extend_sources(fmt, ring):
            raise InvalidInputError(f"format {fmt} has no smaller neighbour with a known rank over {ring}; use method='routes'")
    spec = MetaSpec(fmt, ring, target_rank, method, float(budget.time_limit), dict(
        max_flips=None if max_flips is None else int(max_flips), hop_flips=int(hop_flips), hop_plus=int(hop_plus),
        walk_flips=int(walk_flips), finish_flips=int(finish_flips), source_flips=int(source_flips),
        source_hops=int(source_hops), split=None if split is None else float(split)))
    _warm_kernels()
    out = run_search(spec, budget.replace(target=target_rank), seed=seed, workers=workers, backend=backend,
                     cluster=cluster, checkpoint=checkpoint, checkpoint_every=checkpoint_every, resume=resume,
                     force=force, store=store, progress=progress)
    best = out.best if out.best is not None else spec.standard()
    best.check(ring)
    state = out.states[0]
    route = tuple(state.get("route") or ("standard",)) if out.best is not None else ("standard",)
    return MetaSearchResult(fmt, ring, target_rank, out.seed, best, best.rank, best.rank <= target_rank, route,
                            round(out.elapsed, 3), int(state.get("walks", 0)), out.stop_reason, int(out.steps))


def _extend_sources(fmt: tuple[int, int, int], ring: str) -> list[tuple[tuple[int, int, int], int, int]]:
    """Smaller neighbours ``(nb, axis, known rank)`` of ``fmt`` whose known rank plus the
    products of the added slice is smallest."""
    from solvers.known_ranks import known_rank

    cands = []
    for axis in range(3):
        if fmt[axis] < 2:
            continue
        nb = tuple(fmt[a] - (a == axis) for a in range(3))
        kr = known_rank(nb, ring)
        if kr is None:
            continue
        added = int(np.prod([fmt[a] for a in range(3) if a != axis]))
        cands.append((kr + added, nb, axis, kr))
    if not cands:
        return []
    low = min(c[0] for c in cands)
    return [(nb, axis, kr) for cost, nb, axis, kr in cands if cost == low]



# ----------------------------------------------------------------------------- the spec
class _Walk:
    """One flip search of the meta search in progress (what :func:`flip_search` with a time
    limit, a flip budget and a start does), advanced in slices: a walker group of two
    walkers with flip_search's default policy (``split`` aside)."""

    def __init__(self, fmt: tuple[int, int, int], ring: str, target: int, seed: int, t_left: float,
                 flips_left: int | None, start: Scheme | None = None, split: float | None = None,
                 report: tuple[str, ...] | None = None, flip_text: bool = True) -> None:
        from search.flipgraph.spec import WalkerGroup, trim_bits
        from search.flipgraph.walk import MODES, check_target_rank, walk_config

        self.fmt = tuple(fmt)
        self.T = matmul_tensor(*fmt)
        check_target_rank(self.T, target)
        start = Scheme.standard(*fmt) if start is None else start
        if not start.is_valid(ring):
            raise InvalidInputError(f"the start scheme is not valid over {ring}: {start.first_failure(ring)}")
        if tuple(start.format) != self.fmt:
            raise InvalidInputError(f"start scheme of format {start.format}, not {self.fmt}")
        self.ring = ring
        self.target = int(target)
        self.t_left = float(t_left)
        self.flips_left = flips_left
        params = walk_config(ring, "walk", split=split)
        seeds = [int(x) for x in np.random.SeedSequence(int(seed)).generate_state(2, dtype=np.uint64)]
        bits = trim_bits(start, ring)
        self.group = WalkerGroup(bits, MODES[ring], seeds, [False, True], params, seeds[0])
        self.report = report  # the route so far when this walk is at the searched format, else None
        self.flip_text = flip_text  # the route ends with "flip -> rank r"
        self.pending = [bits] if report is not None else []  # the start is reported like a new best

    def run(self, flips: int, t_end: float | None) -> tuple[int, list, bool]:
        """Advance by about ``flips`` flips (whole kernel calls: the calls are those of an
        uninterrupted :func:`flip_search`, wherever the runner's slices end) and until
        ``t_end``; returns ``(flips used, new bests, over)`` (over: target reached or the
        walk's own budgets spent)."""
        limit = self.flips_left if self.flips_left is not None else 1 << 62
        t0 = time.perf_counter()
        end = t0 + max(0.0, self.t_left)
        if t_end is not None:
            end = min(end, t_end)
        used, bests, reached = self.group.advance(max(1, min(flips, limit)), end, self.target, limit=limit)
        bests, self.pending = self.pending + bests, []
        self.t_left -= time.perf_counter() - t0
        if self.flips_left is not None:
            self.flips_left -= used
        over = reached or self.t_left <= 0 or (self.flips_left is not None and self.flips_left <= 0)
        return used, bests, over

    @property
    def rank(self) -> int:
        return int(self.group.best[2])

    @property
    def reached(self) -> bool:
        return self.rank <= self.target

    def scheme(self) -> Scheme:
        """The walk's best scheme (verified)."""
        from search.flipgraph.walk import bits_to_scheme

        return bits_to_scheme(*self.group.best, self.T, self.ring)


class _MetaStep:
    """The step of :class:`MetaSpec`: a picklable callable that knows the whole run's time
    limit (the routes share it; the step's own budget is only its slice)."""

    def __init__(self, time_limit: float) -> None:
        self.time_limit = float(time_limit)

    def __call__(self, state: dict, budget: Any) -> tuple[Any, list, int]:
        return meta_step(state, budget, self.time_limit)


class MetaSpec(SearchSpec):
    """The runner's spec of :func:`meta_search`: one walker whose state is the stage machine of
    the method (see :func:`meta_step`); candidates are schemes of the searched format."""

    kind = "flipgraph.meta"
    domain = "schemes"
    collect = "best"
    state_version = 1
    chunk_steps = 2_000_000

    def __init__(self, fmt: tuple[int, int, int], ring: str, target_rank: int, method: str, time_limit: float,
                 options: dict) -> None:
        self.fmt = tuple(fmt)
        self.ring = ring
        self.target_rank = int(target_rank)
        self.method = method
        self.options = options
        self.verification_method = f"brent-equations/{ring}"
        self.step = _MetaStep(time_limit)

    def standard(self) -> Scheme:
        s = Scheme.standard(*self.fmt)
        return s.with_ring(self.ring) if self.ring in ("F2", "F3") else s

    def params(self) -> dict[str, Any]:
        return {"format": list(self.fmt), "ring": self.ring, "target_rank": self.target_rank,
                "method": self.method, **self.options}

    def initial_states(self, seed: int) -> list[Any]:
        cfg = {"fmt": self.fmt, "ring": self.ring, "target": self.target_rank, "method": self.method,
               **self.options}
        state: dict[str, Any] = {"cfg": cfg, "rng": np.random.default_rng(int(seed)), "elapsed": 0.0,
                                 "started": False, "reported": None, "route": ("standard",), "walks": 0,
                                 "sub": None, "done": False}
        if self.method == "routes":
            routes: list[tuple[str, Any]] = [("walk", None)]
            fmt = self.fmt
            for f1 in _factorisations(fmt):
                routes.append((f"kronecker <{f1[0]},{f1[1]},{f1[2]}> x <{fmt[0] // f1[0]},{fmt[1] // f1[1]},"
                               f"{fmt[2] // f1[2]}>", ("kron", f1)))
            for axis in range(3):
                routes.append((f"project from axis {axis} + 1", ("up", axis)))
            for axis in range(3):
                if fmt[axis] > 1:
                    routes.append((f"extend from axis {axis} - 1", ("down", axis)))
            state.update(routes=routes, k=0, phase=0, share=0.0, sd=0, parts=[], r1=None)
        else:
            state.update(stage="sources", sources=_extend_sources(self.fmt, self.ring), si=0, tries=0,
                         sources_walked=[], rounds=0, k=0, fresh=None, src=None)
        return [state]

    def decode(self, raw: dict) -> Scheme:
        return Scheme(self.fmt, raw["u"], raw["v"], raw["w"], ring=self.ring)

    def score(self, c: Scheme) -> float:
        return -float(c.rank)

    def target_score(self, target: float) -> float:
        return -float(target)

    def verify(self, c: Scheme) -> bool:
        return isinstance(c, Scheme) and tuple(c.format) == self.fmt and c.ring == self.ring and c.is_valid(self.ring)

    def key(self, c: Scheme) -> str:
        return c.store_key(c.ring)

    def to_json(self, c: Scheme) -> dict:
        return c.to_json()

    def from_json(self, payload: Any) -> Scheme:
        from search.flipgraph.spec import scheme_from_json

        return scheme_from_json(payload)

    def describe(self, c: Scheme) -> str:
        return f"rank {c.rank} over {c.ring}"

    def adopt(self, state: dict, best: Scheme) -> dict | None:
        from search.flipgraph.spec import trim_bits

        if best.ring != self.ring or tuple(best.format) != self.fmt:
            return None
        if state["reported"] is None or best.rank < state["reported"]:
            state["reported"] = best.rank
            state["route"] = (f"stored by this run before it was resumed: rank {best.rank}",)
        sub = state.get("sub")
        if sub is not None and sub.report is not None:
            sub.group.adopt(trim_bits(best, self.ring))
        return state


def _raw(bits: tuple, fmt: tuple[int, int, int]) -> dict:
    from search.flipgraph.walk import _unpack

    u, v, w = _unpack(bits[0], bits[1], bits[2], matmul_tensor(*fmt).shape)
    return {"u": u, "v": v, "w": w}


def meta_step(state: dict, budget: Any, time_limit: float) -> tuple[Any, list, int]:
    """Step of :class:`MetaSpec`: advance the stage machine of the method by at most
    ``budget.steps`` flips (a hop of ``method="extend"`` is done whole) and
    ``budget.time_limit`` seconds; report every scheme of the searched format that improves
    the state's best. ``time_limit`` is the whole run's (the routes share it)."""
    cfg = state["cfg"]
    t0 = time.perf_counter()
    t_end = None if budget.time_limit is None else t0 + float(budget.time_limit)
    flips = int(budget.steps) if budget.steps is not None else MetaSpec.chunk_steps
    elapsed0 = state["elapsed"]

    def left() -> float:
        return time_limit - (elapsed0 + time.perf_counter() - t0)

    found: list[dict] = []
    used = 0
    if not state["started"]:
        state["started"] = True
        std = Scheme.standard(*cfg["fmt"])
        state["reported"] = std.rank
        u, v, w = (np.asarray(a, dtype=np.int64) for a in (std.u, std.v, std.w))
        found.append({"u": u, "v": v, "w": w})
    try:
        while not state["done"]:
            if used >= flips or (t_end is not None and time.perf_counter() >= t_end):
                break
            if state["sub"] is None:
                used += _next_walk(state, left)
                continue
            sub = state["sub"]
            n, bests, over = sub.run(flips - used, t_end)
            used += n
            if sub.report is not None:
                for bits in bests:
                    if bits[2] < state["reported"]:
                        state["reported"] = bits[2]
                        state["route"] = sub.report + ((_flip_text(state, bits[2]),) if sub.flip_text else ())
                        found.append(_raw(bits, cfg["fmt"]))
            if over:
                state["sub"] = None
                _walk_done(state, sub, left)
    finally:
        state["elapsed"] = elapsed0 + time.perf_counter() - t0
    if state["done"]:
        return Exhausted(state), found, used
    return state, found, used


def _flip_text(state: dict, rank: int) -> str:
    if state["cfg"]["method"] == "extend":
        return f"flip ({state['rounds']} walks) -> rank {rank}"
    return f"flip -> rank {rank}"


def _sub_seed(state: dict) -> int:
    return int(state["rng"].integers(1 << 62))


def _next_walk(state: dict, left: Any) -> int:
    """Set up the next walk of the stage machine (or mark the search done); returns flips spent
    on the way (the hops of ``method="extend"``)."""
    if state["cfg"]["method"] == "routes":
        _routes_next(state, left)
        return 0
    return _extend_next(state, left)


def _walk_done(state: dict, sub: _Walk, left: Any) -> None:
    if state["cfg"]["method"] == "routes":
        _routes_done(state, sub)
    else:
        _extend_done(state, sub, left)


# -- method="routes"
def _routes_next(state: dict, left: Any) -> None:
    routes = state["routes"]
    while True:
        if state["k"] >= len(routes):
            state["done"] = True
            return
        name, spec = routes[state["k"]]
        if state["phase"] == 0:
            share = left() / max(1, len(routes) - state["k"])
            if share <= 0.05:
                state["done"] = True
                return
            state["share"] = share
            state["sd"] = int(state["rng"].integers(1 << 31))
            state["parts"] = []
        try:
            sub = _routes_walk(state, name, spec)
        except (InvalidInputError, InfeasibleError):
            sub = None
        if sub is not None:
            state["sub"] = sub
            return
        state["k"] += 1
        state["phase"] = 0


def _routes_walk(state: dict, name: str, spec: Any) -> _Walk | None:
    """The walk of the current phase of route ``name`` (None: the route is skipped)."""
    from solvers.known_ranks import known_rank, lower_bound

    cfg = state["cfg"]
    fmt, ring, target, mf = cfg["fmt"], cfg["ring"], cfg["target"], cfg["max_flips"]
    ph, share, sd = state["phase"], state["share"], state["sd"]
    if spec is None:
        return _Walk(fmt, ring, target, sd, share, mf, report=("walk",), flip_text=False)
    if spec[0] == "kron":
        f1 = spec[1]
        f2 = tuple(fmt[a] // f1[a] for a in range(3))
        if ph < 2:
            f = (f1, f2)[ph]
            return _Walk(f, ring, known_rank(f, ring) or lower_bound(f), sd, share / 4, mf)
        p0, p1 = state["parts"]
        start = kronecker(p0, p1)
        return _Walk(fmt, ring, target, sd + 1, share / 2, mf, start=start,
                     report=(f"{name}: ranks {p0.rank} x {p1.rank} = {start.rank}",))
    kind, axis = spec
    nb = tuple(fmt[a] + (1 if kind == "up" else -1) * (a == axis) for a in range(3))
    if ph == 0:
        return _Walk(nb, ring, known_rank(nb, ring) or lower_bound(nb), sd, share / 2, mf)
    r1 = state["r1"]
    start = project(r1, axis) if kind == "up" else extend(r1, axis)
    if ring == "ZT" and start.ring != "ZT":
        return None
    start = start.with_ring(ring) if ring in ("F2", "F3") else start
    return _Walk(fmt, ring, target, sd + 1, share / 2, mf, start=start,
                 report=(f"search <{nb[0]},{nb[1]},{nb[2]}> -> rank {r1.rank}", name))


def _routes_done(state: dict, sub: _Walk) -> None:
    spec = state["routes"][state["k"]][1]
    ph = state["phase"]
    if spec is not None and spec[0] == "kron" and ph < 2:
        state["parts"].append(sub.scheme())
        state["phase"] += 1
        return
    if spec is not None and spec[0] != "kron" and ph == 0:
        state["r1"] = sub.scheme()
        state["phase"] = 1
        return
    if state["reported"] <= state["cfg"]["target"]:
        state["done"] = True
    state["k"] += 1
    state["phase"] = 0


# -- method="extend"
def _source_walk(state: dict, nb: tuple, axis: int, kr: int, left: Any) -> _Walk:
    cfg = state["cfg"]
    sub = _Walk(nb, cfg["ring"], kr, _sub_seed(state), max(0.01, left()), cfg["source_flips"], split=cfg["split"])
    sub.source = (nb, axis, kr, _sub_seed(state))  # the second seed: the hop walker's
    return sub


def _source_entry(state: dict, sub: _Walk) -> dict:
    from search.flipgraph.walk import FlipWalker

    nb, axis, kr, seed = sub.source
    s = sub.scheme()
    return dict(walker=FlipWalker.start(s, state["cfg"]["ring"], seed), scheme=s, axis=axis, nb=nb, kr=kr, hops=0,
                reached=sub.reached, how=f"search <{nb[0]},{nb[1]},{nb[2]}> -> rank {s.rank}")


def _extend_next(state: dict, left: Any) -> int:
    cfg = state["cfg"]
    if state["stage"] == "sources":
        while state["si"] < len(state["sources"]):
            if state["tries"] >= 3 or left() <= 0:
                state["si"] += 1
                state["tries"] = 0
                continue
            nb, axis, kr = state["sources"][state["si"]]
            state["sub"] = _source_walk(state, nb, axis, kr, left)
            state["kind"] = "source"
            return 0
        walked = state["sources_walked"]
        if any(w["reached"] for w in walked):  # a source above its known rank extends to a worse start
            state["sources_walked"] = [w for w in walked if w["reached"]]
        state["stage"] = "rounds"
    walked = state["sources_walked"]
    if not walked or left() <= 0:
        state["done"] = True
        return 0
    k = state["rounds"] % len(walked)
    src = walked[k]
    state["k"] = k
    if state["rounds"] >= len(walked) and src["hops"] >= cfg["source_hops"]:  # a worn-out source: a fresh one
        state["sub"] = _source_walk(state, src["nb"], src["axis"], src["kr"], left)
        state["kind"] = "fresh"
        return 0
    spent = 0
    if state["rounds"] >= len(walked):  # the first extension of each source is of the walked scheme itself
        spent = _hop(state, src)
    _start_round(state, src, left)
    return spent


def _hop(state: dict, src: dict) -> int:
    """Rank-preserving flips of a source walker to a fresh scheme of the same rank."""
    from search.flipgraph.walk import bits_to_scheme

    cfg = state["cfg"]
    w = src["walker"]
    f0 = w.flips
    r0 = w.r
    hop, plus = cfg["hop_flips"], cfg["hop_plus"]
    w.run(hop, r0 - 1, plus, 2 if plus else 0, 0)
    for _ in range(8):  # after plus transitions: walk back down to the source rank
        if w.r <= r0:
            break
        w.run(hop, r0 - 1, 0, 0, 0)
    if w.r > r0:
        w.adopt(w)  # still above: back to the walker's best scheme
    src["scheme"] = bits_to_scheme(w.P, w.N, w.r, src["scheme"].target, cfg["ring"])
    src["hops"] += 1
    return int(w.flips - f0)


def _start_round(state: dict, src: dict, left: Any) -> None:
    cfg = state["cfg"]
    state["rounds"] += 1
    state["walks"] = state["rounds"]
    start = extend(src["scheme"], src["axis"])
    if cfg["ring"] in ("F2", "F3"):
        start = start.with_ring(cfg["ring"])
    hops = f"{src['hops']} hops of {cfg['hop_flips']} flips" + (f" (plus period {cfg['hop_plus']})" if cfg["hop_plus"] else "")
    report = (src["how"], hops, f"extend axis {src['axis']} -> rank {start.rank}")
    state["sub"] = _Walk(cfg["fmt"], cfg["ring"], cfg["target"] + 1, _sub_seed(state), max(0.01, left()),
                         cfg["walk_flips"], start=start, split=cfg["split"], report=report)
    state["kind"] = "stage1"


def _extend_done(state: dict, sub: _Walk, left: Any) -> None:
    cfg = state["cfg"]
    kind = state["kind"]
    if kind == "source":
        cand = _source_entry(state, sub)
        walked = state["sources_walked"]
        nb = cand["nb"]
        if not walked or walked[-1]["nb"] != nb or cand["reached"]:
            if walked and walked[-1]["nb"] == nb:
                walked.pop()
            walked.append(cand)
        if cand["reached"]:
            state["si"] += 1
            state["tries"] = 0
        else:
            state["tries"] += 1
        return
    if kind == "fresh":
        fresh = _source_entry(state, sub)
        walked = state["sources_walked"]
        src = walked[state["k"]]
        if fresh["reached"] or not src["reached"]:
            walked[state["k"]] = src = fresh
        else:
            src["hops"] = 0
        _start_round(state, src, left)
        return
    if kind == "stage1" and sub.reached and sub.rank > cfg["target"] and left() > 0:  # stage 2: on to the target
        state["sub"] = _Walk(cfg["fmt"], cfg["ring"], cfg["target"], _sub_seed(state), max(0.01, left()),
                             cfg["finish_flips"], start=sub.scheme(), split=cfg["split"], report=sub.report)
        state["kind"] = "stage2"
        return
    if state["reported"] <= cfg["target"]:
        state["done"] = True
