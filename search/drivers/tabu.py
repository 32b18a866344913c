"""Tabu search as an ask/tell proposer: best sampled move, tabu tenure, aspiration.

At each iteration the proposer samples ``sample`` moves, scores each with the problem's
exact incremental ``delta``, and takes the best one that is not tabu; a tabu move is still
allowed when it would beat the best score found (aspiration). The attributes a move touches
(``problem.tabu_attributes``) stay tabu for ``tenure`` iterations (plus a random extra of
up to ``tenure_jitter``). After ``restart_after`` iterations without a new best the walk
restarts from the best state found.

Reference: F. Glover, "Tabu search - Part I", ORSA J. Computing 1(3) (1989) 190-206;
F. Glover, M. Laguna, *Tabu Search*, Kluwer 1997 (aspiration criteria).

The search runs on :func:`search.runner.run_search` (:mod:`search.drivers._walk`): one step
is one iteration.

Examples:
    >>> from search.core import Budget
    >>> from search.drivers import OneMaxFlips, tabu_search
    >>> r = tabu_search(OneMaxFlips([3, 1, 2], cap=1), budget=Budget(steps=30), seed=1)
    >>> r.best, r.best_score, r.steps
    ((1, 0, 0), 3.0, 30)
"""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np

from engine._args import check_flag
from search.core import Budget, DriverResult
from search.drivers._local import (
    WalkProposer,
    attributes_of,
    check_int,
    check_local_problem,
)
from search.drivers._walk import check_walkers, driver_budget, run_walk

__all__ = ["TabuProposer", "tabu_search"]


class TabuProposer(WalkProposer):
    """Tabu search over a :class:`~search.drivers._local.LocalSearchProblem`.

    Each ``ask(n)`` runs ``moves_per_ask`` iterations per requested candidate and returns the
    best state of the walk (as ``problem.as_candidate``) after each block.

    Args:
        problem: the local-search problem.
        tenure: iterations an attribute stays tabu (>= 1).
        tenure_jitter: random extra tenure in ``0..tenure_jitter``.
        sample: moves sampled per iteration.
        moves_per_ask: iterations between reports of the walk's best (and per candidate
            returned by ``ask``).
        restart_after: restart from the best state after this many non-improving iterations
            (None: never).
        aspiration: allow tabu moves that beat the best score.
        initial: a warm-start state (default ``problem.initial(rng)``).

    Raises:
        InvalidInputError: a problem without the local-search methods or bad parameters.
    """

    def __init__(self, problem: Any, *, tenure: int = 7, tenure_jitter: int = 3,
                 sample: int = 20, moves_per_ask: int = 10, restart_after: int | None = 500,
                 aspiration: bool = True, initial: Any = None) -> None:
        check_local_problem(problem)
        self.problem = problem
        self.tenure = check_int("tenure", tenure)
        self.tenure_jitter = check_int("tenure_jitter", tenure_jitter, 0)
        self.sample = check_int("sample", sample)
        self.moves_per_ask = check_int("moves_per_ask", moves_per_ask)
        self.restart_after = None if restart_after is None else check_int("restart_after",
                                                                          restart_after)
        self.aspiration = check_flag(aspiration, "aspiration")
        self.initial = initial
        self.rng: np.random.Generator | None = None
        self.current: Any = None
        self.current_score = -math.inf
        self.best: Any = None
        self.best_score = -math.inf
        self.tabu: dict[Any, int] = {}
        self.iteration = 0
        self.last_improvement = 0

    def step(self) -> None:
        """One tabu iteration."""
        if self.current is None:
            self.start()
        p, rng = self.problem, self.rng
        it = self.iteration
        moves = p.sample_moves(self.current, rng, self.sample)
        chosen, chosen_delta = None, -math.inf
        for m in moves:
            d = float(p.delta(self.current, m))
            if not d > -math.inf:
                continue
            is_tabu = any(self.tabu.get(a, -1) > it for a in attributes_of(p, m))
            if is_tabu and not (self.aspiration and self.current_score + d > self.best_score):
                continue
            if d > chosen_delta or (d == chosen_delta and rng.random() < 0.5):
                chosen, chosen_delta = m, d
        self.iteration += 1
        if chosen is not None:
            p.apply(self.current, chosen)
            self.current_score = float(p.score(self.current))
            extra = int(rng.integers(self.tenure_jitter + 1)) if self.tenure_jitter else 0
            for a in attributes_of(p, chosen):
                self.tabu[a] = it + self.tenure + extra
            if len(self.tabu) > 4096:
                self.tabu = {a: t for a, t in self.tabu.items() if t > it}
        if not self._keep_best() and self.restart_after is not None and \
                self.iteration - self.last_improvement >= self.restart_after:
            self.current, self.current_score = p.copy(self.best), self.best_score
            self.tabu.clear()
            self.last_improvement = self.iteration

    def state(self) -> dict[str, Any]:
        return {"current": self.current, "current_score": self.current_score, "best": self.best,
                "best_score": self.best_score, "tabu": dict(self.tabu),
                "iteration": self.iteration, "last_improvement": self.last_improvement}

    def restore(self, state: dict[str, Any]) -> None:
        self.current, self.current_score = state["current"], state["current_score"]
        self.best, self.best_score = state["best"], state["best_score"]
        self.tabu = dict(state["tabu"])
        self.iteration, self.last_improvement = state["iteration"], state["last_improvement"]


def tabu_search(problem: Any, *, budget: Budget | None = None, steps: int | None = None,
                time_limit: float | None = None, target_score: float | None = None,
                seed: int | None = 0, initial: Any = None, walkers: int | None = None,
                workers: int | None = None, backend: Any = None, cluster: str | None = None,
                checkpoint: str | os.PathLike[str] | None = None, checkpoint_every: float = 30.0,
                resume: bool = False, force: bool = False, store: Any = None,
                progress: bool | None = False, kind: str | None = None, **options: Any
                ) -> DriverResult:
    """Tabu search on the runner (:func:`search.runner.run_search`).

    One step is one tabu iteration: ``sample`` moves scored with the exact ``delta``, the best
    admissible one applied. Every ``moves_per_ask`` iterations (and at the end of each chunk)
    the walk's best state, if it improved, is evaluated, verified exactly and committed to the
    store before it is reported.

    Args:
        problem: a local-search problem that also has ``evaluate``/``verify``/``key``/
            ``to_json`` (the core protocol); optional ``from_json`` lets a resumed run
            rebuild what it stored after its last checkpoint.
        budget: ``Budget(time_limit=, steps=, target=)``; ``steps``, ``time_limit`` and
            ``target_score`` are shorthands for its fields (give at least one limit).
        seed: the run's seed (walker ``i`` of several draws from ``SeedSequence(seed)``).
        initial: a warm start: a state (as ``problem.initial(rng)`` returns) every walker
            starts from (a copy of it).
        walkers: independent walks sharing the steps (default ``workers`` or 1).
        workers, backend, cluster: run the walkers on a process pool (``backend="process"``)
            or a Dask cluster; see :mod:`search.drivers` for what the pool needs.
        checkpoint, checkpoint_every, resume, force: checkpoint file, seconds between
            checkpoints, continue it, start over an existing one.
        store: results store (path or object): every verified improvement.
        progress: a line on stderr per improvement (None: on a terminal).
        kind: the run kind recorded in the store (default ``"tabu:<problem class>"``).
        **options: :class:`TabuProposer` parameters.

    Returns:
        The :class:`~search.core.DriverResult` (verified best; ``steps`` = iterations).

    Raises:
        InvalidInputError: bad problem, budget, warm start or options.
        CheckpointError: a checkpoint of another search, or a damaged one.
    """
    b = driver_budget(budget, steps=steps, time_limit=time_limit, target_score=target_score,
                      what="tabu_search")
    return run_walk("tabu", TabuProposer, problem, budget=b, seed=seed, initial=initial,
                    walkers=check_walkers(walkers, workers), workers=workers, backend=backend,
                    cluster=cluster, checkpoint=checkpoint, checkpoint_every=checkpoint_every,
                    resume=resume, force=force, store=store, progress=progress, kind=kind,
                    options=options)
