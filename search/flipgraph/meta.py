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

import time
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from engine.errors import InfeasibleError, InvalidInputError, check_seed
from engine.schemes import Scheme
from engine.tensors import parse_format
from solvers.scheme_moves import extend, kronecker, project

__all__ = ["meta_search", "MetaSearchResult", "META_METHODS"]

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
class MetaSearchResult:
    """Outcome of :func:`meta_search`: the best verified scheme and the route that found it
    (``walks``: walks from extensions made by ``method="extend"``, 0 for ``"routes"``)."""

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

    def is_valid(self) -> bool:
        """Exact re-verification over the ring."""
        return self.scheme.is_valid(self.ring)

    def to_json(self) -> dict:
        """JSON form."""
        return {
            "format": list(self.format), "ring": self.ring, "target_rank": self.target_rank,
            "seed": self.seed, "rank": self.rank, "reached": self.reached, "route": list(self.route),
            "elapsed": round(self.elapsed, 3), "walks": self.walks, "scheme": self.scheme.to_json(),
        }


def meta_search(fmt: Any, ring: str = "ZT", target_rank: int | None = None, seed: int | None = 0,
                time_limit: float = 60.0, max_flips: int | None = None, *,
                method: MetaMethod = "routes", hop_flips: int = 4_000_000, hop_plus: int = 50_000,
                walk_flips: int = 8_000_000, finish_flips: int = 16_000_000,
                source_flips: int = 60_000_000, source_hops: int = 4, split: float | None = 0.0) -> MetaSearchResult:
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

    Args:
        fmt: target format ``(n, m, p)`` or ``"nxmxp"``.
        ring: ``"ZT"``, ``"F2"`` or ``"F3"``.
        target_rank: stop when reached (default: the best known rank).
        seed: seed of every random choice.
        time_limit: wall-clock seconds for the whole search.
        max_flips: flip budget of each walk of the ``"routes"`` method.
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

    Returns:
        :class:`MetaSearchResult` with the best verified scheme and the route that found it.

    Raises:
        InvalidInputError: bad format, ring, method or budgets.
        InfeasibleError: target below a proved lower bound.

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
    from search.flipgraph.walk import flip_search
    from solvers.known_ranks import known_rank, lower_bound

    fmt = parse_format(fmt)
    if method not in META_METHODS:
        raise InvalidInputError(f"method={method!r} is unknown; use one of {sorted(META_METHODS)}")
    seed = check_seed(seed)
    for name, val in (("hop_flips", hop_flips), ("walk_flips", walk_flips), ("finish_flips", finish_flips),
                      ("source_flips", source_flips), ("source_hops", source_hops)):
        if isinstance(val, bool) or not isinstance(val, int | np.integer) or val < 1:
            raise InvalidInputError(f"{name}={val!r} must be a positive number of flips")
    if isinstance(hop_plus, bool) or not isinstance(hop_plus, int | np.integer) or hop_plus < 0:
        raise InvalidInputError(f"hop_plus={hop_plus!r} must be a plus period in flips (0: rank-preserving hops)")
    if isinstance(time_limit, bool) or not isinstance(time_limit, int | float) or not time_limit > 0:
        raise InvalidInputError(f"time_limit={time_limit!r} must be a positive number of seconds")
    t0 = time.perf_counter()
    if target_rank is None:
        target_rank = known_rank(fmt, ring) or lower_bound(fmt)  # beyond the table: the proved lower bound
    rng = np.random.default_rng(seed)
    if method == "extend":
        return _extend_descend(fmt, ring, int(target_rank), seed, rng, t0, float(time_limit),
                               int(hop_flips), int(hop_plus), int(walk_flips), int(finish_flips), int(source_flips),
                               int(source_hops), split)

    def left() -> float:
        return max(0.0, time_limit - (time.perf_counter() - t0))

    routes: list[tuple[str, Any]] = [("walk", None)]
    for f1 in _factorisations(fmt):
        routes.append((f"kronecker <{f1[0]},{f1[1]},{f1[2]}> x <{fmt[0] // f1[0]},{fmt[1] // f1[1]},{fmt[2] // f1[2]}>", ("kron", f1)))
    for axis in range(3):
        routes.append((f"project from axis {axis} + 1", ("up", axis)))
    for axis in range(3):
        if fmt[axis] > 1:
            routes.append((f"extend from axis {axis} - 1", ("down", axis)))
    best: Scheme | None = None
    route_used: tuple[str, ...] = ()
    for k, (name, spec) in enumerate(routes):
        share = left() / max(1, len(routes) - k)
        if share <= 0.05:
            break
        sd = int(rng.integers(1 << 31))
        try:
            if spec is None:
                res = flip_search(fmt, ring=ring, target_rank=target_rank, seed=sd, time_limit=share, max_flips=max_flips)
                cand, steps = res.scheme, ("walk",)
            elif spec[0] == "kron":
                f1 = spec[1]
                f2 = tuple(fmt[a] // f1[a] for a in range(3))
                parts = []
                for f in (f1, f2):
                    kr = known_rank(f, ring) or lower_bound(f)
                    parts.append(flip_search(f, ring=ring, target_rank=kr, seed=sd, time_limit=share / 4, max_flips=max_flips).scheme)
                start = kronecker(parts[0], parts[1])
                r2 = flip_search(fmt, ring=ring, target_rank=target_rank, seed=sd + 1, time_limit=share / 2,
                                 max_flips=max_flips, start=start)
                cand, steps = r2.scheme, (f"{name}: ranks {parts[0].rank} x {parts[1].rank} = {start.rank}", f"flip -> rank {r2.rank}")
            else:
                kind, axis = spec
                nb = tuple(fmt[a] + (1 if kind == "up" else -1) * (a == axis) for a in range(3))
                kr = known_rank(nb, ring) or lower_bound(nb)
                r1 = flip_search(nb, ring=ring, target_rank=kr, seed=sd, time_limit=share / 2, max_flips=max_flips)
                start = project(r1.scheme, axis) if kind == "up" else extend(r1.scheme, axis)
                if ring == "ZT" and start.ring != "ZT":
                    continue
                r2 = flip_search(fmt, ring=ring, target_rank=target_rank, seed=sd + 1, time_limit=max(0.05, left() / max(1, len(routes) - k) / 2 if False else share / 2),
                                 max_flips=max_flips, start=start.with_ring(ring) if ring in ("F2", "F3") else start)
                cand, steps = r2.scheme, (f"search <{nb[0]},{nb[1]},{nb[2]}> -> rank {r1.rank}", name, f"flip -> rank {r2.rank}")
        except (InvalidInputError, InfeasibleError):
            continue
        if best is None or cand.rank < best.rank:
            best, route_used = cand, steps
        if best.rank <= target_rank:
            break
    if best is None:
        best = Scheme.standard(*fmt) if ring != "F2" and ring != "F3" else Scheme.standard(*fmt).with_ring(ring)
        route_used = ("standard",)
    best.check(ring)
    return MetaSearchResult(fmt, ring, int(target_rank), seed, best, best.rank, best.rank <= target_rank,
                            route_used, time.perf_counter() - t0)


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


def _extend_descend(fmt, ring, target_rank, seed, rng, t0, time_limit, hop_flips, hop_plus, walk_flips, finish_flips,
                    source_flips, source_hops, split):
    """``meta_search(method="extend")``: see its docstring."""
    from search.flipgraph.walk import FlipWalker, bits_to_scheme, flip_search
    from solvers.known_ranks import lower_bound

    lb = lower_bound(fmt)
    if target_rank < lb:
        raise InfeasibleError(
            f"target_rank={target_rank} is below the proved lower bound {lb} for <{fmt[0]},{fmt[1]},{fmt[2]}>",
            reason="below_lower_bound", certificate={"lower_bound": lb},
        )
    sources = _extend_sources(fmt, ring)
    if not sources:
        raise InvalidInputError(f"format {fmt} has no smaller neighbour with a known rank over {ring}; use method='routes'")

    def left() -> float:
        return time_limit - (time.perf_counter() - t0)

    def sub_seed() -> int:
        return int(rng.integers(1 << 62))

    best: Scheme | None = None
    route: tuple[str, ...] = ()
    walkers: list[dict[str, Any]] = []

    def source(nb: tuple[int, int, int], axis: int, kr: int) -> dict[str, Any]:
        res = flip_search(nb, ring=ring, target_rank=kr, seed=sub_seed(), time_limit=max(0.01, left()),
                          max_flips=source_flips, split=split)
        return dict(walker=FlipWalker.start(res.scheme, ring, sub_seed()), scheme=res.scheme, axis=axis, nb=nb, kr=kr,
                    hops=0, reached=res.reached, how=f"search <{nb[0]},{nb[1]},{nb[2]}> -> rank {res.rank}")

    for nb, axis, kr in sources:
        for _ in range(3):  # a source walk that stalls above the known rank is retried with a new seed
            if left() <= 0:
                break
            cand = source(nb, axis, kr)
            if not walkers or walkers[-1]["nb"] != nb or cand["reached"]:
                if walkers and walkers[-1]["nb"] == nb:
                    walkers.pop()
                walkers.append(cand)
            if cand["reached"]:
                break
    if any(w["reached"] for w in walkers):  # a source above its known rank extends to a worse start: drop it
        walkers = [w for w in walkers if w["reached"]]
    rounds = 0
    while walkers and left() > 0:
        k = rounds % len(walkers)
        src = walkers[k]
        if rounds >= len(walkers) and src["hops"] >= source_hops:  # replace a worn-out source by a fresh one
            fresh = source(src["nb"], src["axis"], src["kr"])
            if fresh["reached"] or not src["reached"]:
                walkers[k] = src = fresh
            else:
                src["hops"] = 0
        elif rounds >= len(walkers):  # the first extension of each source is of the walked scheme itself
            w = src["walker"]
            r0 = w.r
            w.run(hop_flips, r0 - 1, hop_plus, 2 if hop_plus else 0, 0)
            for _ in range(8):  # after plus transitions: walk back down to the source rank
                if w.r <= r0:
                    break
                w.run(hop_flips, r0 - 1, 0, 0, 0)
            if w.r > r0:
                w.adopt(w)  # still above: back to the walker's best scheme
            src["scheme"] = bits_to_scheme(w.P, w.N, w.r, src["scheme"].target, ring)
            src["hops"] += 1
        rounds += 1
        start = extend(src["scheme"], src["axis"])
        if ring in ("F2", "F3"):
            start = start.with_ring(ring)
        # stage 1: a walk that does not reach target + 1 within walk_flips is abandoned
        res = flip_search(fmt, ring=ring, target_rank=target_rank + 1, seed=sub_seed(), time_limit=max(0.01, left()),
                          max_flips=walk_flips, start=start, split=split)
        if res.reached and res.rank > target_rank and left() > 0:  # stage 2: from there to the target
            res = flip_search(fmt, ring=ring, target_rank=target_rank, seed=sub_seed(), time_limit=max(0.01, left()),
                              max_flips=finish_flips, start=res.scheme, split=split)
        if best is None or res.rank < best.rank:
            best = res.scheme
            route = (src["how"], f"{src['hops']} hops of {hop_flips} flips" + (f" (plus period {hop_plus})" if hop_plus else ""),
                     f"extend axis {src['axis']} -> rank {start.rank}", f"flip ({rounds} walks) -> rank {res.rank}")
        if best.rank <= target_rank:
            break
    if best is None:
        best = Scheme.standard(*fmt) if ring not in ("F2", "F3") else Scheme.standard(*fmt).with_ring(ring)
        route = ("standard",)
    best.check(ring)
    return MetaSearchResult(fmt, ring, int(target_rank), seed, best, best.rank, best.rank <= target_rank,
                            route, time.perf_counter() - t0, walks=rounds)
