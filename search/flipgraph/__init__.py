"""Flip-graph search for bilinear schemes (matrix multiplication and any target tensor).

- :func:`flip_search`: random walks in the flip graph over F2, F3 or ZT ({-1, 0, 1} with
  ternary safety), reductions, plus transitions, restarts and the pool strategy; numba
  kernels on bit-packed factors; every reported scheme verified exactly.
- :mod:`search.flipgraph.moves`: format moves (project, extend, direct sum, Kronecker
  product) and the meta search between neighbouring formats.
- :mod:`search.flipgraph.known`: the best known ranks table and lower bounds.

Examples:
    >>> from search.flipgraph import flip_search
    >>> res = flip_search((2, 2, 2), ring="F2", target_rank=7, seed=3, max_flips=1_000_000)
    >>> res.reached, res.scheme.is_valid("F2")
    (True, True)
"""

from search.flipgraph.known import known_rank, known_ranks_table, lower_bound
from search.flipgraph.moves import (
    META_METHODS,
    MetaSearchResult,
    direct_sum,
    extend,
    kronecker,
    meta_search,
    project,
)
from search.flipgraph.walk import (
    MODES,
    FlipSearchResult,
    FlipWalker,
    bits_to_scheme,
    flip_search,
    scheme_to_bits,
    walker_step,
)

__all__ = [
    "flip_search",
    "FlipSearchResult",
    "FlipWalker",
    "walker_step",
    "scheme_to_bits",
    "bits_to_scheme",
    "MODES",
    "known_rank",
    "known_ranks_table",
    "lower_bound",
    "meta_search",
    "MetaSearchResult",
    "META_METHODS",
    "project",
    "extend",
    "direct_sum",
    "kronecker",
]
