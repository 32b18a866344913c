"""search: the search framework, one subpackage per capability, and the application.

The layout follows the import direction (engine -> solvers -> framework -> capabilities ->
application; ``tests/test_layering.py`` holds it):

- The framework (knows nothing about matrices, graphs or continued fractions): the ask/tell
  driver core (:mod:`search.core`: Problem / Proposer / Archive protocols, :class:`Driver`
  with budgets, stop reasons, recorded seeds, checkpoints and resume); backends
  (:mod:`search.backends`, :mod:`search.parallel`: serial, a local process pool or a Dask
  cluster behind one interface, chunked multi-walker searches); checkpoints and progress
  (:mod:`search.checkpoint`, :mod:`search.progress`); the results store (:mod:`search.store`:
  SQLite, de-duplicated, safe with many writers); generic drivers (:mod:`search.drivers`:
  tabu, annealing, MAP-Elites, curriculum, portfolio); benchmark timing
  (:mod:`search.benchmarking`).
- Capability searches, one subpackage each: flip graphs of matrix-multiplication and other
  bilinear schemes (:mod:`search.flipgraph`), extremal graphs (:mod:`search.graphs`),
  continued-fraction enumeration and conjecture reports (:mod:`search.pcf`), constant-rank
  spaces of alternating matrices (:mod:`search.altspaces`). The mathematics they verify
  against lives in :mod:`solvers` (scheme moves, known ranks, graph verification, constant-rank
  optimality proofs, PCF classification).
- The application (:mod:`search.app`): the ``disco`` CLI (:mod:`search.app.cli`, also
  ``python -m search.cli``), discovery campaigns (:mod:`search.app.discover`) and their
  HTML/Markdown reports (:mod:`search.app.report`).

Names are re-exported lazily (imported on first use).

Examples:
    >>> import search
    >>> search.StopReason.TARGET_REACHED == "target_reached"
    True
"""

from typing import TYPE_CHECKING

from engine._lazy import lazy_exports

if TYPE_CHECKING:
    from search.altspaces import (
        AltSpaceSearchResult,
        comparison_table,
        exact_max_dimension,
        proved_upper_bound,
        search_constant_rank,
    )
    from search.app.discover import (
        Campaign,
        CampaignResult,
        campaign_from_dict,
        load_campaign,
        run_campaign,
    )
    from search.app.report import ReportSection, write_report
    from search.backends import Backend, add_backend_flags, backend_from_args, get_backend
    from search.core import (
        Archive,
        Budget,
        Driver,
        DriverResult,
        EnumerationProposer,
        Problem,
        Proposer,
        RandomRestartProposer,
        StopReason,
        TopKArchive,
    )
    from search.drivers import (
        AnnealingProposer,
        CurriculumResult,
        Descriptor,
        GridArchive,
        LocalSearchProblem,
        MapElitesProposer,
        MapElitesResult,
        PortfolioResult,
        PortfolioTask,
        TabuProposer,
        annealing_search,
        curriculum,
        map_elites,
        run_portfolio,
        tabu_search,
    )
    from search.flipgraph import (
        BilinearSearchResult,
        CornerSplit,
        FlipSearchResult,
        bilinear_search,
        corner_split,
        flip_search,
        known_rank,
        lift_bilinear,
        more_recursive_calls,
    )
    from search.flipgraph.bilinear import METHODS, WALK_POLICY
    from search.graphs import (
        ForbiddenCyclesProblem,
        GraphSearchResult,
        curriculum_graph_search,
        extremal_graph_search,
        find_forbidden_cycle,
        known_value,
        read_graph,
        verify_graph,
        write_graph,
    )
    from search.parallel import ChunkedResult, Exhausted, ImprovementRecorder, run_chunked
    from search.pcf import (
        EnumerationResult,
        PCFHit,
        classify_fraction,
        conjecture_report,
        enumerate_pcfs,
        search_pcfs,
    )
    from search.store import ResultsStore, RunRecord, StoredResult


def _names(module: str, names: str) -> dict[str, str]:
    return {name: module for name in names.split()}


_GROUPS = {
    # the framework
    "core": _names("search.core", "StopReason Budget Problem Proposer Archive TopKArchive "
                   "RandomRestartProposer EnumerationProposer Driver DriverResult"),
    "backends": _names("search.backends", "Backend get_backend add_backend_flags backend_from_args"),
    "parallel": _names("search.parallel", "run_chunked ChunkedResult Exhausted ImprovementRecorder"),
    "store": _names("search.store", "ResultsStore StoredResult RunRecord"),
    "drivers": _names("search.drivers", "LocalSearchProblem TabuProposer tabu_search "
                      "AnnealingProposer annealing_search Descriptor GridArchive MapElitesProposer "
                      "MapElitesResult map_elites curriculum CurriculumResult run_portfolio "
                      "PortfolioTask PortfolioResult"),
    # capability searches
    "graphs": _names("search.graphs", "extremal_graph_search GraphSearchResult "
                     "curriculum_graph_search ForbiddenCyclesProblem verify_graph "
                     "find_forbidden_cycle known_value read_graph write_graph"),
    "flip graphs": _names("search.flipgraph", "flip_search FlipSearchResult known_rank "
                          "bilinear_search BilinearSearchResult lift_bilinear more_recursive_calls "
                          "corner_split CornerSplit")
    | _names("search.flipgraph.bilinear", "METHODS WALK_POLICY"),
    "continued fractions": _names("search.pcf", "enumerate_pcfs search_pcfs PCFHit EnumerationResult "
                                  "classify_fraction conjecture_report"),
    "constant rank": _names("search.altspaces", "search_constant_rank AltSpaceSearchResult "
                            "exact_max_dimension comparison_table proved_upper_bound"),
    # the application
    "campaigns": _names("search.app.discover", "run_campaign load_campaign campaign_from_dict Campaign "
                        "CampaignResult")
    | _names("search.app.report", "ReportSection write_report"),
}

_lazy_all, __getattr__, __dir__ = lazy_exports(__name__, _GROUPS)

__all__ = [
    # core
    "StopReason",
    "Budget",
    "Problem",
    "Proposer",
    "Archive",
    "TopKArchive",
    "RandomRestartProposer",
    "EnumerationProposer",
    "Driver",
    "DriverResult",
    # backends
    "Backend",
    "get_backend",
    "add_backend_flags",
    "backend_from_args",
    # parallel
    "run_chunked",
    "ChunkedResult",
    "Exhausted",
    "ImprovementRecorder",
    # store
    "ResultsStore",
    "StoredResult",
    "RunRecord",
    # drivers
    "LocalSearchProblem",
    "TabuProposer",
    "tabu_search",
    "AnnealingProposer",
    "annealing_search",
    "Descriptor",
    "GridArchive",
    "MapElitesProposer",
    "MapElitesResult",
    "map_elites",
    "curriculum",
    "CurriculumResult",
    "run_portfolio",
    "PortfolioTask",
    "PortfolioResult",
    # graphs
    "extremal_graph_search",
    "GraphSearchResult",
    "curriculum_graph_search",
    "ForbiddenCyclesProblem",
    "verify_graph",
    "find_forbidden_cycle",
    "known_value",
    "read_graph",
    "write_graph",
    # flip graphs
    "flip_search",
    "FlipSearchResult",
    "known_rank",
    "bilinear_search",
    "BilinearSearchResult",
    "lift_bilinear",
    "more_recursive_calls",
    "corner_split",
    "CornerSplit",
    "METHODS",
    "WALK_POLICY",
    # continued fractions
    "enumerate_pcfs",
    "search_pcfs",
    "PCFHit",
    "EnumerationResult",
    "classify_fraction",
    "conjecture_report",
    # constant rank
    "search_constant_rank",
    "AltSpaceSearchResult",
    "exact_max_dimension",
    "comparison_table",
    "proved_upper_bound",
    # campaigns
    "run_campaign",
    "load_campaign",
    "campaign_from_dict",
    "Campaign",
    "CampaignResult",
    "ReportSection",
    "write_report",
]
