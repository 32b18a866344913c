"""Flip-graph search for bilinear schemes: matrix multiplication and any target tensor.

- :func:`flip_search` (:mod:`search.flipgraph.walk`): random walks in the flip graph over F2,
  F3 or ZT ({-1, 0, 1} with ternary safety), reductions, plus transitions, restarts and the
  pool strategy; numba kernels on bit-packed factors; every reported scheme verified exactly.
- :func:`meta_search` (:mod:`search.flipgraph.meta`): moves between neighbouring formats
  (search a neighbour, project or extend, then flip).
- :func:`bilinear_search` (:mod:`search.flipgraph.bilinear`): the same walk on any bilinear
  map (structured products, polynomial, complex), with lifting to Z or Q and corner splits.
- Every search runs on :func:`search.runner.run_search` (budgets ``Budget(time_limit=,
  steps=, target=)``, seeds, backends, checkpoints and resume, the results store):
  :class:`SchemeSearchSpec` (:mod:`search.flipgraph.spec`) for the walks and the bilinear
  searches, :class:`MetaSpec` for the meta search.
- Re-exported from :mod:`solvers`: the format moves (:func:`project`, :func:`extend`,
  :func:`direct_sum`, :func:`kronecker`; :mod:`solvers.scheme_moves`) and the best known
  ranks and lower bounds (:func:`known_rank`, :func:`lower_bound`,
  :func:`known_structured_rank`; :mod:`solvers.known_ranks`).

Examples:
    >>> from search.flipgraph import flip_search
    >>> res = flip_search((2, 2, 2), ring="F2", target_rank=7, seed=3, max_flips=1_000_000)
    >>> res.reached, res.scheme.is_valid("F2")
    (True, True)
"""

from search.flipgraph.bilinear import (
    FIELDS,
    BilinearSearchResult,
    CornerSplit,
    bilinear_search,
    corner_split,
    lift_bilinear,
    more_recursive_calls,
)
from search.flipgraph.meta import META_METHODS, MetaSearchResult, MetaSpec, meta_search
from search.flipgraph.spec import SchemeSearchSpec, scheme_from_json, verify_payload
from search.flipgraph.walk import (
    MODES,
    FlipSearchResult,
    FlipWalker,
    bits_to_scheme,
    flip_search,
    scheme_to_bits,
    walker_step,
)
from solvers.known_ranks import (
    known_rank,
    known_ranks_table,
    known_structured_rank,
    lower_bound,
    structured_known_ranks,
)
from solvers.scheme_moves import direct_sum, extend, kronecker, project

__all__ = [
    # the flip-graph walk
    "flip_search",
    "FlipSearchResult",
    "FlipWalker",
    "walker_step",
    "scheme_to_bits",
    "bits_to_scheme",
    "MODES",
    # the meta search over formats
    "meta_search",
    "MetaSearchResult",
    "META_METHODS",
    # the specs the runner runs
    "SchemeSearchSpec",
    "MetaSpec",
    # stored schemes (disco results verify)
    "scheme_from_json",
    "verify_payload",
    # any bilinear map
    "bilinear_search",
    "BilinearSearchResult",
    "lift_bilinear",
    "more_recursive_calls",
    "corner_split",
    "CornerSplit",
    "FIELDS",
    # format moves (solvers.scheme_moves)
    "project",
    "extend",
    "direct_sum",
    "kronecker",
    # known ranks (solvers.known_ranks)
    "known_rank",
    "known_ranks_table",
    "lower_bound",
    "structured_known_ranks",
    "known_structured_rank",
]
