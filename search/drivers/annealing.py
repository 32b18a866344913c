"""Simulated annealing as an ask/tell proposer: temperature schedules and reheats.

Each iteration samples one move, reads its exact incremental ``delta`` and accepts it with
the Metropolis probability ``min(1, exp(delta / T))``. The temperature follows a schedule
over a cycle of ``period`` iterations from ``t_start`` down to ``t_end``:

- ``"geometric"``: ``T = t_start (t_end / t_start)^(k / period)``;
- ``"linear"``: ``T = t_start + (t_end - t_start) k / period``;
- ``"logarithmic"``: ``T = t_start / (1 + log(1 + k))`` (floored at ``t_end``).

When a cycle ends, or after ``reheat_after`` iterations without a new best, the schedule
restarts (a reheat) from the best state found so far.

Reference: S. Kirkpatrick, C. D. Gelatt, M. P. Vecchi, "Optimization by simulated
annealing", Science 220 (1983) 671-680; B. Hajek, "Cooling schedules for optimal annealing",
Math. Oper. Res. 13 (1988) (logarithmic schedule).

The search runs on :func:`search.runner.run_search` (:mod:`search.drivers._walk`): one step
is one Metropolis proposal.

Examples:
    >>> from search.drivers import OneMaxFlips, annealing_search
    >>> r = annealing_search(OneMaxFlips([5, 1, 4, 2, 3], cap=2), steps=500, seed=0)
    >>> r.best_score
    9.0
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from typing import Any, Literal

import numpy as np

from engine._args import short_repr
from engine.errors import InvalidInputError
from search.core import Budget, DriverResult
from search.drivers._local import WalkProposer, check_float, check_int, check_local_problem
from search.drivers._walk import check_walkers, driver_budget, run_walk

__all__ = ["AnnealingProposer", "annealing_search", "SCHEDULES"]

Schedule = Literal["geometric", "linear", "logarithmic"]


def _geometric(t0: float, t1: float, k: int, period: int) -> float:
    return t0 * (t1 / t0) ** (min(k, period) / period)


def _linear(t0: float, t1: float, k: int, period: int) -> float:
    return t0 + (t1 - t0) * min(k, period) / period


def _logarithmic(t0: float, t1: float, k: int, period: int) -> float:
    return max(t1, t0 / (1.0 + math.log1p(k)))


#: Temperature schedules ``T(t_start, t_end, k, period)``.
SCHEDULES: dict[str, Callable[[float, float, int, int], float]] = {
    "geometric": _geometric,
    "linear": _linear,
    "logarithmic": _logarithmic,
}


class AnnealingProposer(WalkProposer):
    """Simulated annealing over a :class:`~search.drivers._local.LocalSearchProblem`.

    Args:
        problem: the local-search problem.
        t_start, t_end: temperatures at the start and end of a cycle (``t_start >= t_end > 0``).
        schedule: ``"geometric"`` (default), ``"linear"`` or ``"logarithmic"``.
        period: iterations per cooling cycle (a reheat follows).
        reheat_after: reheat after this many iterations without a new best (None: only at
            the end of each cycle).
        moves_per_ask: iterations between reports of the walk's best (and per candidate
            returned by ``ask``).
        initial: a warm-start state (default ``problem.initial(rng)``).

    Raises:
        InvalidInputError: a problem without the local-search methods or bad parameters.
    """

    def __init__(self, problem: Any, *, t_start: float = 2.0, t_end: float = 0.01,
                 schedule: Schedule = "geometric", period: int = 5000,
                 reheat_after: int | None = None, moves_per_ask: int = 50,
                 initial: Any = None) -> None:
        check_local_problem(problem)
        if not isinstance(schedule, str) or schedule not in SCHEDULES:
            raise InvalidInputError(f"schedule={short_repr(schedule)} is unknown; use one of {sorted(SCHEDULES)}")
        self.t_start, self.t_end = check_float("t_start", t_start), check_float("t_end", t_end)
        if self.t_end > self.t_start:
            raise InvalidInputError(f"t_end={short_repr(t_end)} must not exceed t_start={short_repr(t_start)}")
        self.problem, self.schedule = problem, schedule
        self.period = check_int("period", period)
        self.reheat_after = None if reheat_after is None else check_int("reheat_after", reheat_after)
        self.moves_per_ask = check_int("moves_per_ask", moves_per_ask)
        self.initial = initial
        self.rng: np.random.Generator | None = None
        self.current: Any = None
        self.current_score = -math.inf
        self.best: Any = None
        self.best_score = -math.inf
        self.k = 0  # iteration within the cycle
        self.iteration = 0
        self.last_improvement = 0
        self.reheats = 0
        self.accepted = 0

    @property
    def temperature(self) -> float:
        return SCHEDULES[self.schedule](self.t_start, self.t_end, self.k, self.period)

    def step(self) -> None:
        """One Metropolis step."""
        p = self.problem
        if self.current is None:
            self.start()
        moves = p.sample_moves(self.current, self.rng, 1)
        self.iteration += 1
        self.k += 1
        if moves:
            m = moves[int(self.rng.integers(len(moves)))] if len(moves) > 1 else moves[0]
            d = float(p.delta(self.current, m))
            T = self.temperature
            if d >= 0 or (d > -math.inf and self.rng.random() < math.exp(d / T)):
                p.apply(self.current, m)
                self.current_score = float(p.score(self.current))
                self.accepted += 1
        self._keep_best()
        stalled = self.reheat_after is not None and \
            self.iteration - self.last_improvement >= self.reheat_after
        if self.k >= self.period or stalled:
            self.k = 0
            self.reheats += 1
            self.last_improvement = self.iteration
            self.current, self.current_score = p.copy(self.best), self.best_score

    def state(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("current", "current_score", "best", "best_score",
                                              "k", "iteration", "last_improvement", "reheats",
                                              "accepted")}

    def restore(self, state: dict[str, Any]) -> None:
        for k, v in state.items():
            setattr(self, k, v)


def annealing_search(problem: Any, *, budget: Budget | None = None, steps: int | None = None,
                     time_limit: float | None = None, target_score: float | None = None,
                     seed: int | None = 0, initial: Any = None, walkers: int | None = None,
                     workers: int | None = None, backend: Any = None, cluster: str | None = None,
                     checkpoint: str | os.PathLike[str] | None = None,
                     checkpoint_every: float = 30.0, resume: bool = False, force: bool = False,
                     store: Any = None, progress: bool | None = False, kind: str | None = None,
                     **options: Any) -> DriverResult:
    """Simulated annealing on the runner (:func:`search.runner.run_search`).

    One step is one Metropolis proposal (one move scored with the exact ``delta``, accepted
    or not). Every ``moves_per_ask`` iterations (and at the end of each chunk) the walk's
    best state, if it improved, is evaluated, verified exactly and committed to the store
    before it is reported.

    Args:
        problem: a local-search problem with the core protocol too.
        budget: ``Budget(time_limit=, steps=, target=)``; ``steps``, ``time_limit`` and
            ``target_score`` are shorthands for its fields (give at least one limit).
        seed, initial, walkers, workers, backend, cluster, checkpoint, checkpoint_every,
            resume, force, store, progress, kind: as for :func:`~search.drivers.tabu_search`.
        **options: :class:`AnnealingProposer` parameters.

    Returns:
        The :class:`~search.core.DriverResult` (verified best; ``steps`` = proposals).

    Raises:
        InvalidInputError: bad problem, budget, warm start or options.
        CheckpointError: a checkpoint of another search, or a damaged one.
    """
    b = driver_budget(budget, steps=steps, time_limit=time_limit, target_score=target_score,
                      what="annealing_search")
    return run_walk("annealing", AnnealingProposer, problem, budget=b, seed=seed,
                    initial=initial, walkers=check_walkers(walkers, workers), workers=workers,
                    backend=backend, cluster=cluster, checkpoint=checkpoint,
                    checkpoint_every=checkpoint_every, resume=resume, force=force, store=store,
                    progress=progress, kind=kind, options=options)
