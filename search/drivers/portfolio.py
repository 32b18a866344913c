"""Portfolio runner: several drivers and seeds in parallel, keep the best.

A :class:`PortfolioTask` names a picklable top-level function and its keyword arguments;
:func:`run_portfolio` runs the tasks on a backend of :mod:`search.backends` (serial, the
local process pool, or Dask), scores each result and returns them ranked. A task that raises
is reported with its error instead of stopping the others.

Reference: C. P. Gomes, B. Selman, "Algorithm portfolios", Artificial Intelligence 126
(2001) 43-62.

Examples:
    >>> from search.drivers import PortfolioTask, run_portfolio, OneMaxFlips, tabu_search
    >>> from search.drivers import annealing_search
    >>> p = OneMaxFlips([5, 1, 4, 2, 3], cap=2)
    >>> tasks = [PortfolioTask("tabu", tabu_search, {"problem": p, "steps": 40, "seed": 1}),
    ...          PortfolioTask("sa", annealing_search, {"problem": p, "steps": 40, "seed": 1})]
    >>> res = run_portfolio(tasks, backend="serial")
    >>> res.best_score, sorted(e.name for e in res.entries)
    (9.0, ['sa', 'tabu'])
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.errors import InvalidInputError

__all__ = ["PortfolioTask", "PortfolioEntry", "PortfolioResult", "run_portfolio",
           "default_score", "seed_tasks"]


@dataclass(frozen=True)
class PortfolioTask:
    """``fn(**kwargs)`` under a name (``fn`` must be top-level for process/Dask backends)."""

    name: str
    fn: Callable[..., Any]
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PortfolioEntry:
    name: str
    score: float
    result: Any = field(repr=False)
    error: str | None = None
    elapsed: float = 0.0


@dataclass(frozen=True)
class PortfolioResult:
    """Entries ranked best first; ``best``/``best_score``/``best_name`` of the winner."""

    entries: tuple[PortfolioEntry, ...]

    @property
    def best(self) -> Any:
        return self.entries[0].result if self.entries else None

    @property
    def best_score(self) -> float:
        return self.entries[0].score if self.entries else -math.inf

    @property
    def best_name(self) -> str | None:
        return self.entries[0].name if self.entries else None

    def to_json(self) -> dict[str, Any]:
        return {"best": self.best_name, "best_score": self.best_score,
                "entries": [{"name": e.name, "score": e.score, "error": e.error,
                             "elapsed": round(e.elapsed, 4)} for e in self.entries]}


def default_score(result: Any) -> float:
    """``result.best_score``, else ``result.edges``, else ``float(result)``."""
    for attr in ("best_score", "edges", "score"):
        if hasattr(result, attr):
            return float(getattr(result, attr))
    return float(result)


def seed_tasks(name: str, fn: Callable[..., Any], seeds: Sequence[int], **kwargs: Any
               ) -> list[PortfolioTask]:
    """One task per seed: ``fn(seed=s, **kwargs)`` named ``"{name}/seed={s}"``."""
    return [PortfolioTask(f"{name}/seed={s}", fn, {**kwargs, "seed": int(s)}) for s in seeds]


def _run_task(fn: Callable[..., Any], kwargs: dict[str, Any]) -> tuple[Any, float]:
    t0 = time.perf_counter()
    return fn(**kwargs), time.perf_counter() - t0


def run_portfolio(tasks: Sequence[PortfolioTask], *, backend: Any = "process",
                  workers: int | None = None, address: str | None = None,
                  score: Callable[[Any], float] = default_score) -> PortfolioResult:
    """Run every task (in parallel on ``backend``) and rank the results by ``score``.

    Args:
        tasks: the portfolio.
        backend: ``"serial"``, ``"process"`` (default), ``"dask"`` or a Backend.
        workers: pool size; address: Dask scheduler address.
        score: maps a task's result to a number (higher is better).

    Returns:
        :class:`PortfolioResult` (failed tasks last, score ``-inf``, with their error).

    Raises:
        InvalidInputError: no tasks, a non-task item, or a bad backend.
    """
    tasks = list(tasks)
    if not tasks or not all(isinstance(t, PortfolioTask) for t in tasks):
        raise InvalidInputError("tasks must be a non-empty list of PortfolioTask")
    from search.backends import get_backend

    be = get_backend(backend, workers=workers, address=address)
    entries = []
    try:
        futs = [be.submit(_run_task, t.fn, t.kwargs) for t in tasks]
        for t, f in zip(tasks, futs, strict=True):
            try:
                res, el = f.result()
                entries.append(PortfolioEntry(t.name, float(score(res)), res, None, el))
            except Exception as exc:  # noqa: BLE001 - one failing task must not stop the rest
                entries.append(PortfolioEntry(t.name, -math.inf, None,
                                              f"{type(exc).__name__}: {exc}"))
    finally:
        if be is not backend:
            be.close()
    entries.sort(key=lambda e: -e.score if e.score > -math.inf else math.inf)
    return PortfolioResult(tuple(entries))
