"""search: problem-independent search drivers, the results store, concrete searches and the CLI.

- The driver core (:mod:`search.core`): Problem / Proposer / Archive protocols in ask/tell
  form, :class:`Driver` with budgets, stop reasons, recorded seeds, checkpoints and resume.
- Parallel backends (:mod:`search.backends`, :mod:`search.parallel`): serial, a local process
  pool (the default) or a Dask cluster behind one interface; chunked multi-walker searches.
- The results store (:mod:`search.store`): SQLite, de-duplicated, safe with many writers.
- Generic drivers (:mod:`search.drivers`): tabu, annealing, MAP-Elites, curriculum, portfolio.
- Concrete searches: extremal graphs (:mod:`search.graphs`), flip graphs of bilinear schemes
  (:mod:`search.flipgraph`, :mod:`search.bilinear`), continued-fraction enumeration
  (:mod:`search.pcf`), constant-rank spaces (:mod:`search.altspaces`).
- Campaigns and reports (:mod:`search.discover`, :mod:`search.report`) and the ``disco`` CLI
  (:mod:`search.cli`).

Names are re-exported lazily (imported on first use).

Examples:
    >>> import search
    >>> search.StopReason.TARGET_REACHED == "target_reached"
    True
"""

from engine._lazy import lazy_exports


def _names(module: str, names: str) -> dict[str, str]:
    return {name: module for name in names.split()}


_GROUPS = {
    "core": _names("search.core", "StopReason Budget Problem Proposer Archive TopKArchive "
                   "RandomRestartProposer EnumerationProposer Driver DriverResult"),
    "backends": _names("search.backends", "Backend get_backend add_backend_flags backend_from_args"),
    "parallel": _names("search.parallel", "run_chunked ChunkedResult Exhausted ImprovementRecorder"),
    "store": _names("search.store", "ResultsStore StoredResult RunRecord"),
    "drivers": _names("search.drivers", "LocalSearchProblem TabuProposer tabu_search "
                      "AnnealingProposer annealing_search Descriptor GridArchive MapElitesProposer "
                      "MapElitesResult map_elites curriculum CurriculumResult run_portfolio "
                      "PortfolioTask PortfolioResult"),
    "graphs": _names("search.graphs", "extremal_graph_search GraphSearchResult "
                     "curriculum_graph_search ForbiddenCyclesProblem verify_graph "
                     "find_forbidden_cycle known_value read_graph write_graph"),
    "flip graphs": _names("search.flipgraph", "flip_search FlipSearchResult known_rank")
    | _names("search.bilinear", "bilinear_search BilinearSearchResult lift_bilinear more_recursive_calls "
                          "corner_split CornerSplit METHODS WALK_POLICY"),
    "continued fractions": _names("search.pcf", "enumerate_pcfs search_pcfs PCFHit EnumerationResult classify_fraction")
    | _names("search.cf_report", "conjecture_report"),
    "constant rank": _names("search.altspaces", "search_constant_rank AltSpaceSearchResult "
                            "exact_max_dimension comparison_table proved_upper_bound"),
    "campaigns": _names("search.discover", "run_campaign load_campaign campaign_from_dict Campaign "
                        "CampaignResult")
    | _names("search.report", "ReportSection write_report"),
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _GROUPS)
