"""Generic search drivers for problems with moves, scores and incremental deltas.

Every driver runs on the one search runner (:func:`search.runner.run_search`), which owns
seeding, budgets, backends, progress, checkpoints, resume, stop reasons and the results
store: each verified improvement is committed to the store before it is printed or returned,
and after ``kill -9`` a run continued with ``resume=True`` loses nothing verified.

- tabu search (:func:`tabu_search`, :class:`TabuProposer`): tenure, aspiration;
- simulated annealing (:func:`annealing_search`, :class:`AnnealingProposer`): schedules,
  reheats;
- MAP-Elites (:func:`map_elites`, :class:`GridArchive`, :class:`Descriptor`): only verified
  elites enter the archive (table and heat map);
- curriculum (:func:`curriculum`): sizes seeded from neighbouring sizes, one stage a chunk;
- portfolio (:func:`run_portfolio`, :class:`PortfolioTask`): tasks as walkers, best kept;
- :func:`check_delta`: tests a problem's ``delta`` against its ``score``.

**One vocabulary.** Every driver takes ``budget=Budget(time_limit=, steps=, target=)`` (the
keywords ``steps=``, ``time_limit=``, ``target_score=`` are shorthands), ``seed``, ``initial``
(a warm start), ``checkpoint``, ``checkpoint_every``, ``resume``, ``force``, ``store`` and
``progress``; every result records its :class:`~search.core.StopReason`.

**One step** is one candidate move or child evaluated by the driver, the same unit in every
driver: a tabu iteration (the best of ``sample`` moves scored with ``delta`` and applied), an
annealing proposal (one move scored with ``delta``, accepted or not), a MAP-Elites child
(generated, evaluated and, if it would enter the archive, verified). A curriculum or a
portfolio counts the steps of its stages or tasks (their ``steps``; 1 for a stage or task
that reports none).

A problem implements :class:`LocalSearchProblem` (``initial``, ``score``, ``copy``,
``sample_moves``, ``delta``, ``apply``; optional ``tabu_attributes``, ``as_candidate``,
``from_json``, ``describe``) plus the core protocol (``evaluate``, ``verify``, ``key``,
``to_json``) on candidates (``as_candidate(state)``).
:class:`search.graphs.ForbiddenCyclesProblem` and the toy :class:`OneMaxFlips` are examples.

**The process pool.** ``tabu_search``/``annealing_search`` with ``workers=N`` (or
``backend="process"``) run ``N`` walkers on a pool of worker processes, and ``run_portfolio``
runs its tasks there by default. The pool starts its workers with ``spawn`` (the same on
Linux, macOS and Windows): each worker imports the problem's module afresh, so the problem
class (and a task's function) must be defined at the top level of an importable module or
script (no lambdas, closures or classes defined inside functions), and a script must start
the search under ``if __name__ == "__main__":`` (a spawned worker imports the script, and
without the guard it would start the search again)::

    # my_search.py
    from search.drivers import OneMaxFlips, tabu_search

    class MyProblem(OneMaxFlips):          # top level: workers can import it
        pass

    if __name__ == "__main__":             # workers import this file without running it
        res = tabu_search(MyProblem([5, 1, 4, 2, 3], cap=2), steps=4000, workers=2, seed=1)
        print(res.best_score)

``backend="serial"`` (the default for one walker) needs neither. MAP-Elites and the
curriculum run in this process.

Examples:
    >>> from search.drivers import OneMaxFlips, tabu_search
    >>> tabu_search(OneMaxFlips([2, 7, 1], cap=1), steps=20, seed=0).best
    (0, 1, 0)
"""

from search.drivers._local import LocalSearchProblem, OneMaxFlips, check_local_problem
from search.drivers.annealing import SCHEDULES, AnnealingProposer, annealing_search
from search.drivers.curriculum import CurriculumResult, CurriculumStage, curriculum
from search.drivers.delta import DeltaReport, check_delta
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
    "check_delta",
    "DeltaReport",
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
