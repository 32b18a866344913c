"""search: the search framework, one subpackage per capability, and the application.

The layout follows the import direction (engine -> solvers -> framework -> capabilities ->
application; ``tests/test_layering.py`` holds it):

- The framework (knows nothing about matrices, graphs or continued fractions): **the runner**
  (:mod:`search.runner`: :func:`run_search` runs every search of disco from a
  :class:`SearchSpec`, and owns seeding, budgets, backends, progress, checkpoints, resume and
  the store), its vocabulary (:mod:`search.core`: :class:`Budget`, :class:`StopReason`, the
  ask/tell protocols and :class:`Driver`, the single-walker case of the runner), the shared
  command-line flags and exit codes (:mod:`search.flags`), backends (:mod:`search.backends`:
  serial, a local process pool or a Dask cluster), checkpoints and progress
  (:mod:`search.checkpoint`, :mod:`search.progress`), the results store (:mod:`search.store`),
  the generic drivers (:mod:`search.drivers`: tabu, annealing, MAP-Elites, curriculum,
  portfolio) and benchmark timing (:mod:`search.benchmarking`).
- Capability searches, one subpackage each, each a spec the runner runs: flip graphs of
  matrix-multiplication and other bilinear schemes (:mod:`search.flipgraph`), extremal graphs
  (:mod:`search.graphs`), continued-fraction enumeration, ESMA batches and conjecture reports
  (:mod:`search.pcf`), constant-rank spaces of alternating matrices (:mod:`search.altspaces`).
  The mathematics they verify against lives in :mod:`solvers`.
- The application (:mod:`search.app`): the ``disco`` CLI (:mod:`search.app.cli`, also
  ``python -m search.cli``), discovery campaigns (:mod:`search.app.discover`), their
  HTML/Markdown reports (:mod:`search.app.report`) and the re-verification of stored results
  (:mod:`search.app.verify`).

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
    from search.app.report import (
        ReportSection,
        write_report,
    )
    from search.backends import (
        Backend,
        add_backend_flags,
        backend_from_args,
        get_backend,
    )
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
        interrupt_requested,
        resolve_budget,
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
        check_delta,
        curriculum,
        map_elites,
        run_portfolio,
        tabu_search,
    )
    from search.flags import (
        add_search_flags,
        check_output,
        exit_code,
        runner_options,
    )
    from search.flipgraph import (
        BilinearSearchResult,
        CornerSplit,
        FlipSearchResult,
        MetaSearchResult,
        bilinear_search,
        corner_split,
        flip_search,
        known_rank,
        lift_bilinear,
        meta_search,
        more_recursive_calls,
    )
    from search.flipgraph.bilinear import (
        METHODS,
        WALK_POLICY,
    )
    from search.graphs import (
        ForbiddenCyclesProblem,
        GraphSearchResult,
        curriculum_graph_search,
        extremal_graph_search,
        find_forbidden_cycle,
        graph_key,
        known_value,
        read_graph,
        verify_graph,
        write_graph,
    )
    from search.pcf import (
        EnumerationResult,
        ESMABatchResult,
        PCFHit,
        classify_fraction,
        conjecture_report,
        enumerate_pcfs,
        esma_batch,
        pcf_key,
        search_pcfs,
    )
    from search.runner import (
        Exhausted,
        Found,
        RunOutcome,
        SearchSpec,
        open_store,
        run_search,
    )
    from search.store import (
        ResultsStore,
        RunRecord,
        StoredResult,
    )


def _names(module: str, names: str) -> dict[str, str]:
    return {name: module for name in names.split()}


_GROUPS = {
    "the framework: the runner and its vocabulary":
    _names("search.runner", "run_search SearchSpec RunOutcome Found Exhausted open_store")
    | _names("search.core",
               "StopReason Budget resolve_budget interrupt_requested Problem Proposer "
               "Archive TopKArchive RandomRestartProposer EnumerationProposer Driver "
               "DriverResult")
    | _names("search.flags", "add_search_flags runner_options check_output exit_code")
    | _names("search.backends", "Backend get_backend add_backend_flags backend_from_args")
    | _names("search.store", "ResultsStore StoredResult RunRecord"),
    "generic drivers":
    _names("search.drivers",
               "LocalSearchProblem check_delta TabuProposer tabu_search "
               "AnnealingProposer annealing_search Descriptor GridArchive "
               "MapElitesProposer MapElitesResult map_elites curriculum "
               "CurriculumResult run_portfolio PortfolioTask PortfolioResult"),
    "capability: extremal graphs":
    _names("search.graphs",
               "extremal_graph_search GraphSearchResult curriculum_graph_search "
               "ForbiddenCyclesProblem verify_graph find_forbidden_cycle known_value "
               "read_graph write_graph graph_key"),
    "capability: matrix multiplication and bilinear schemes":
    _names("search.flipgraph",
               "flip_search FlipSearchResult meta_search MetaSearchResult known_rank "
               "bilinear_search BilinearSearchResult lift_bilinear "
               "more_recursive_calls corner_split CornerSplit")
    | _names("search.flipgraph.bilinear", "METHODS WALK_POLICY"),
    "capability: continued fractions":
    _names("search.pcf",
               "enumerate_pcfs search_pcfs PCFHit EnumerationResult pcf_key esma_batch "
               "ESMABatchResult classify_fraction conjecture_report"),
    "capability: alternating matrices of constant rank":
    _names("search.altspaces",
               "search_constant_rank AltSpaceSearchResult exact_max_dimension "
               "comparison_table proved_upper_bound"),
    "the application":
    _names("search.app.discover", "run_campaign load_campaign campaign_from_dict Campaign CampaignResult")
    | _names("search.app.report", "ReportSection write_report"),
}

_lazy_all, __getattr__, __dir__ = lazy_exports(__name__, _GROUPS)

__all__ = [
    # the framework: the runner and its vocabulary
    "run_search",
    "SearchSpec",
    "RunOutcome",
    "Found",
    "Exhausted",
    "open_store",
    "StopReason",
    "Budget",
    "resolve_budget",
    "interrupt_requested",
    "Problem",
    "Proposer",
    "Archive",
    "TopKArchive",
    "RandomRestartProposer",
    "EnumerationProposer",
    "Driver",
    "DriverResult",
    "add_search_flags",
    "runner_options",
    "check_output",
    "exit_code",
    "Backend",
    "get_backend",
    "add_backend_flags",
    "backend_from_args",
    "ResultsStore",
    "StoredResult",
    "RunRecord",
    # generic drivers
    "LocalSearchProblem",
    "check_delta",
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
    # capability: extremal graphs
    "extremal_graph_search",
    "GraphSearchResult",
    "curriculum_graph_search",
    "ForbiddenCyclesProblem",
    "verify_graph",
    "find_forbidden_cycle",
    "known_value",
    "read_graph",
    "write_graph",
    "graph_key",
    # capability: matrix multiplication and bilinear schemes
    "flip_search",
    "FlipSearchResult",
    "meta_search",
    "MetaSearchResult",
    "known_rank",
    "bilinear_search",
    "BilinearSearchResult",
    "lift_bilinear",
    "more_recursive_calls",
    "corner_split",
    "CornerSplit",
    "METHODS",
    "WALK_POLICY",
    # capability: continued fractions
    "enumerate_pcfs",
    "search_pcfs",
    "PCFHit",
    "EnumerationResult",
    "pcf_key",
    "esma_batch",
    "ESMABatchResult",
    "classify_fraction",
    "conjecture_report",
    # capability: alternating matrices of constant rank
    "search_constant_rank",
    "AltSpaceSearchResult",
    "exact_max_dimension",
    "comparison_table",
    "proved_upper_bound",
    # the application
    "run_campaign",
    "load_campaign",
    "campaign_from_dict",
    "Campaign",
    "CampaignResult",
    "ReportSection",
    "write_report",
]
