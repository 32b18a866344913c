"""Generic search drivers for problems with moves, scores and incremental deltas.

Every driver is a proposer of the ask/tell core (:mod:`search.core`), so the core
:class:`~search.core.Driver` supplies budgets, seeding, exact verification, checkpoints
(resume) and the results store:

- tabu search (:class:`TabuProposer`, :func:`tabu_search`): tenure, aspiration;
- simulated annealing (:class:`AnnealingProposer`, :func:`annealing_search`): schedules,
  reheats;
- MAP-Elites (:class:`MapElitesProposer`, :func:`map_elites`, :class:`GridArchive`,
  :class:`Descriptor`): archive table and heat map;
- curriculum (:func:`curriculum`): sizes seeded from neighbouring sizes;
- portfolio (:func:`run_portfolio`, :class:`PortfolioTask`): several drivers/seeds in
  parallel, keep the best.

A problem implements :class:`LocalSearchProblem` (``initial``, ``score``, ``copy``,
``sample_moves``, ``delta``, ``apply``; optional ``tabu_attributes`` and ``as_candidate``)
plus the core protocol (``evaluate``, ``verify``, ``key``, ``to_json``).
:class:`search.graphs.ForbiddenCyclesProblem` and the toy :class:`OneMaxFlips` are examples.

Examples:
    >>> from search.drivers import OneMaxFlips, tabu_search
    >>> tabu_search(OneMaxFlips([2, 7, 1], cap=1), steps=20, seed=0).best
    (0, 1, 0)
"""

from search.drivers._local import LocalSearchProblem, OneMaxFlips, check_local_problem
from search.drivers.annealing import SCHEDULES, AnnealingProposer, annealing_search
from search.drivers.curriculum import CurriculumResult, CurriculumStage, curriculum
from search.drivers.mapelites import (
    Descriptor,
    GridArchive,
    MapElitesProposer,
    MapElitesResult,
    map_elites,
)
from search.drivers.portfolio import (
    PortfolioEntry,
    PortfolioResult,
    PortfolioTask,
    default_score,
    run_portfolio,
    seed_tasks,
)
from search.drivers.tabu import TabuProposer, tabu_search

__all__ = [
    # protocol and example
    "LocalSearchProblem",
    "check_local_problem",
    "OneMaxFlips",
    # tabu
    "TabuProposer",
    "tabu_search",
    # annealing
    "AnnealingProposer",
    "annealing_search",
    "SCHEDULES",
    # MAP-Elites
    "Descriptor",
    "GridArchive",
    "MapElitesProposer",
    "MapElitesResult",
    "map_elites",
    # curriculum
    "curriculum",
    "CurriculumStage",
    "CurriculumResult",
    # portfolio
    "PortfolioTask",
    "PortfolioEntry",
    "PortfolioResult",
    "run_portfolio",
    "seed_tasks",
    "default_score",
]
