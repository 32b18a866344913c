"""Search for large affine spaces of alternating matrices of constant rank over small fields.

- :func:`search_constant_rank` / :class:`AltSpaceSearchResult`: a tabu / annealing walk over
  constant-rank families on the search runner (:class:`AltSpaceSpec`: budgets, checkpoints,
  resume, the results store with domain ``"altspaces"``), every family verified exactly and
  stored before it is reported; :class:`AltSpaceProblem` (score, exact verify, the store key
  :func:`family_key`, ``to_json``/``from_json``), :class:`AltSpaceProposer` and
  :class:`AltSpaceLocalProblem` (for the generic drivers); :func:`verify_payload` re-verifies
  a stored record (``disco results verify``).
- :func:`comparison_table` / :func:`format_table`: the best dimensions found against the
  theorem's value; :func:`save_best_table` / :func:`save_exact_table`: results into a JSON
  table of your own (default ``./altspaces_best.json``).
- :mod:`search.altspaces.table`: the small-case table of ``a_F(n, r)`` (``n <= 7``; Q, F2, F3,
  F4, F5, F7, F8, F9) on the runner: :func:`compute_table`, :func:`compute_entry`,
  :class:`TableEntry` (re-checkable), exports :func:`table_to_latex`, :func:`table_to_csv`,
  :func:`table_to_sage`.
- Re-exported from :mod:`solvers.constant_rank.optimality` (the proofs, independent of the
  search): :func:`is_maximal`, :func:`proved_upper_bound`, :func:`exact_max_dimension`,
  :class:`ExactMaximum`.

Examples:
    >>> from search.altspaces import proved_upper_bound, search_constant_rank
    >>> best = search_constant_rank(n=4, r=2, field=2, seed=1, time_limit=None, steps=40)
    >>> best.dimension == proved_upper_bound(4, 2, 2)[0]
    True
"""

from search.altspaces.search import (
    DEFAULT_TABLE,
    AltSpaceLocalProblem,
    AltSpaceProblem,
    AltSpaceProposer,
    AltSpaceSearchResult,
    AltSpaceSpec,
    comparison_table,
    family_key,
    format_table,
    save_best_table,
    save_exact_table,
    search_constant_rank,
    verify_payload,
)
from search.altspaces.table import (
    SmallCaseTableSpec,
    TableEntry,
    compute_entry,
    compute_table,
    count_rank_matrices,
    format_small_table,
    table_to_csv,
    table_to_latex,
    table_to_sage,
)
from solvers.constant_rank.optimality import (
    ExactMaximum,
    exact_max_dimension,
    is_maximal,
    proved_upper_bound,
)

__all__ = [
    # the search
    "search_constant_rank",
    "AltSpaceSearchResult",
    "AltSpaceSpec",
    "AltSpaceProblem",
    "AltSpaceProposer",
    "AltSpaceLocalProblem",
    "family_key",
    "verify_payload",
    # tables
    "comparison_table",
    "format_table",
    "save_best_table",
    "save_exact_table",
    "DEFAULT_TABLE",
    # the small-case table
    "compute_table",
    "compute_entry",
    "TableEntry",
    "SmallCaseTableSpec",
    "count_rank_matrices",
    "format_small_table",
    "table_to_latex",
    "table_to_csv",
    "table_to_sage",
    # optimality (solvers.constant_rank.optimality)
    "is_maximal",
    "proved_upper_bound",
    "exact_max_dimension",
    "ExactMaximum",
]
