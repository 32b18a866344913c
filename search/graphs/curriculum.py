"""Curriculum search for extremal graphs: size ``n`` starts from the best graphs at ``n-1``,
``n-2`` (a vertex added) and, on later passes, ``n+1`` (a minimum-degree vertex deleted).

Built on the generic :func:`search.drivers.curriculum`; each stage runs
:func:`search.graphs.extremal_graph_search` with the carried graphs as walker starts.

Reference: A. Mehrabian et al., "Finding increasingly large extremal graphs with AlphaZero
and tabu search", IJCAI 2024, arXiv:2311.03583 (curriculum over graph sizes).

Examples:
    >>> from search.graphs import curriculum_graph_search
    >>> res = curriculum_graph_search([9, 10, 11], seed=0, steps_per_size=3000)
    >>> [(s.size, int(s.score)) for s in res.stages]
    [(9, 12), (10, 15), (11, 16)]
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

import networkx as nx

from engine.errors import InvalidInputError
from search.drivers.curriculum import CurriculumResult, CurriculumStage, curriculum
from search.graphs.search import extremal_graph_search
from solvers.graphs.forbidden import parse_forbidden
from solvers.graphs.io import from_graph6, to_graph6

__all__ = ["grow_graph", "shrink_graph", "curriculum_graph_search"]


def grow_graph(G: nx.Graph, to_size: int) -> nx.Graph:
    """Add isolated vertices ``n..to_size-1``."""
    H = nx.Graph(G)
    H.add_nodes_from(range(G.number_of_nodes(), to_size))
    return H


def shrink_graph(G: nx.Graph, to_size: int) -> nx.Graph:
    """Delete minimum-degree vertices (smallest label first) until ``to_size`` remain;
    relabel to ``0..to_size-1`` keeping the order."""
    H = nx.Graph(G)
    while H.number_of_nodes() > to_size:
        v = min(H.nodes(), key=lambda x: (H.degree(x), x))
        H.remove_node(v)
    return nx.convert_node_labels_to_integers(H, ordering="sorted")


def curriculum_graph_search(
    sizes: Sequence[int], *, forbidden: Any = (3, 4), seed: int = 0,
    time_per_size: float | None = None, steps_per_size: int | None = None, passes: int = 1,
    lookback: int = 2, walkers: int = 1, backend: Any = "auto", workers: int | None = None,
    address: str | None = None, store: Any = None,
    checkpoint: str | os.PathLike[str] | None = None, resume: bool = False,
    on_stage: Callable[[CurriculumStage], None] | None = None, **options: Any,
) -> CurriculumResult:
    """Run extremal graph searches over ``sizes`` with curriculum seeding.

    Stage solutions are graph6 strings (verified by :func:`extremal_graph_search`); scores are
    edge counts.

    Args:
        sizes: vertex counts (each >= 1).
        forbidden, walkers, backend, workers, address, store: as for
            :func:`extremal_graph_search`.
        seed: master seed (each stage derives its own).
        time_per_size, steps_per_size: budget per stage (default 200 000 steps).
        passes, lookback: see :func:`search.drivers.curriculum`.
        checkpoint, resume: stage-level checkpoint (finished sizes are skipped on resume).
        on_stage: callback after each stage.
        **options: more :func:`extremal_graph_search` options (tenure, sample_k, ...).

    Returns:
        :class:`search.drivers.CurriculumResult` (``best[n].solution`` is graph6).

    Raises:
        InvalidInputError: bad sizes or options (as for :func:`extremal_graph_search`).
    """
    F = parse_forbidden(forbidden)
    for s in sizes:
        if isinstance(s, bool) or not isinstance(s, int) or s < 1:
            raise InvalidInputError(f"size {s!r} in sizes must be an integer >= 1")

    def solve(size: int, seeds: list, stage_seed: int) -> tuple[str, float]:
        inits = [from_graph6(g) for g in seeds] or None
        res = extremal_graph_search(size, forbidden=F, seed=stage_seed % (2**31),
                                    time_limit=time_per_size, steps=steps_per_size,
                                    walkers=walkers, backend=backend, workers=workers,
                                    address=address, initial=inits, store=store, **options)
        return res.graph6, float(res.edges)

    def grow(sol: str, a: int, b: int) -> str:
        return to_graph6(grow_graph(from_graph6(sol), b))

    def shrink(sol: str, a: int, b: int) -> str:
        return to_graph6(shrink_graph(from_graph6(sol), b))

    from search.backends import Backend, get_backend

    own = None
    if not isinstance(backend, Backend) and (address is not None or backend in ("process", "dask")
                                             or (backend == "auto" and walkers > 1)):
        # one pool/cluster for every stage (starting worker processes is slow)
        name = "dask" if address is not None else ("process" if backend == "auto" else backend)
        own = backend = get_backend(name, workers=workers, address=address)
        address = None
    try:
        return curriculum(sizes, solve, grow=grow, shrink=shrink, lookback=lookback,
                          passes=passes, seed=seed, checkpoint=checkpoint, resume=resume,
                          on_stage=on_stage)
    finally:
        if own is not None:
            own.close()
