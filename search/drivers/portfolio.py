"""Portfolio: several drivers and seeds as walkers of one run, the best kept.

A :class:`PortfolioTask` names a picklable top-level function and its keyword arguments.
:func:`run_portfolio` runs the tasks as walkers of :func:`search.runner.run_search` (on the
process pool or Dask each task is a walker of its own and the tasks run in parallel; with the
serial backend one walker runs them one after another), so the runner owns the budget, the
checkpoints, resume, progress and the store: each finished task's result is checked
(``is_valid()`` when it has one), committed to the store (domain ``"portfolio"``) and only then
counted. After ``kill -9`` and ``resume=True`` the tasks finished before the last checkpoint are
not run again. A task that raises is reported with its error instead of stopping the others.

Budget: ``time_limit`` (no task starts after it), ``target`` (the portfolio stops once a task
scores it), ``steps`` (the total, split evenly over the tasks). A task whose function takes
``budget=`` and whose keyword arguments set no budget of their own (``budget``, ``steps``,
``time_limit``, ``target_score``) receives ``Budget(steps=its share, time_limit=the time left,
target=target)``; a task whose function takes ``store=`` receives the portfolio's store. One
step of a portfolio is a step of its tasks (``result.steps``; a task reporting none counts 1).

The process pool starts workers with ``spawn``: task functions and their arguments must be
importable at module top level, and a script must call :func:`run_portfolio` under
``if __name__ == "__main__":`` (see :mod:`search.drivers`).

Reference: C. P. Gomes, B. Selman, "Algorithm portfolios", Artificial Intelligence 126
(2001) 43-62.

Examples:
    >>> from search.drivers import PortfolioTask, run_portfolio, OneMaxFlips, tabu_search
    >>> from search.drivers import annealing_search
    >>> p = OneMaxFlips([5, 1, 4, 2, 3], cap=2)
    >>> tasks = [PortfolioTask("tabu", tabu_search, {"problem": p, "steps": 40, "seed": 1}),
    ...          PortfolioTask("sa", annealing_search, {"problem": p, "steps": 400, "seed": 1})]
    >>> res = run_portfolio(tasks, backend="serial")
    >>> res.best_score, sorted(e.name for e in res.entries), res.stop_reason.value
    (9.0, ['sa', 'tabu'], 'exhausted')
"""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
import json
import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine._args import check_items, short_repr
from engine.errors import InvalidInputError, VerificationError
from engine.jsonable import to_jsonable
from engine.results import Result
from search.core import Budget, StopReason
from search.drivers._walk import driver_budget
from search.runner import Exhausted, SearchSpec, open_store, run_search

__all__ = ["PortfolioTask", "PortfolioEntry", "PortfolioResult", "run_portfolio",
           "default_score", "seed_tasks"]

_BUDGET_KEYS = ("budget", "steps", "time_limit", "target_score", "target", "max_flips")


@dataclass(frozen=True)
class PortfolioTask:
    """``fn(**kwargs)`` under a name (``fn`` must be top-level for process/Dask backends)."""

    name: str
    fn: Callable[..., Any]
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PortfolioEntry:
    """One task's outcome: its score and result, or the error it raised (score ``-inf``)."""

    name: str
    score: float
    result: Any = field(repr=False)
    error: str | None = None
    elapsed: float = 0.0


def _jsonable(obj: Any) -> Any:
    try:
        return json.loads(json.dumps(to_jsonable(obj), sort_keys=True, allow_nan=False))
    except (TypeError, ValueError):
        return {"repr": repr(obj)[:500]}


def _entry_json(e: PortfolioEntry) -> dict[str, Any]:
    return {"name": e.name, "score": e.score if math.isfinite(e.score) else None,
            "error": e.error, "elapsed": round(e.elapsed, 4),
            "result": None if e.result is None else _jsonable(e.result)}


@dataclass(frozen=True)
class PortfolioResult(Result):
    """Entries ranked best first; ``best``/``best_score``/``best_name`` of the winner.

    Attributes:
        entries: one :class:`PortfolioEntry` per task, best first, failed tasks last.
        stop_reason: ``exhausted`` when every task ran, else the budget or target that
            stopped the portfolio (a :class:`search.core.StopReason`).
        steps: the steps of all tasks (``result.steps``, or 1 per task reporting none).
        elapsed: wall seconds (including resumed parts).
        run_id: the store's run id (None without a store).
    """

    entries: tuple[PortfolioEntry, ...]
    stop_reason: StopReason = StopReason.EXHAUSTED
    steps: int = 0
    elapsed: float = 0.0
    run_id: int | None = None

    @property
    def best(self) -> Any:
        return self.entries[0].result if self.entries else None

    @property
    def best_score(self) -> float:
        return self.entries[0].score if self.entries else -math.inf

    @property
    def best_name(self) -> str | None:
        return self.entries[0].name if self.entries else None

    def check(self) -> None:
        """Re-verify: names are distinct, entries are ranked best first with failed tasks
        (an error, score ``-inf``) last, and every result that can check itself does
        (``check()``, else ``is_valid()``).

        Raises:
            VerificationError: naming the entry.
        """
        if not isinstance(self.stop_reason, StopReason):
            raise VerificationError(f"stop_reason={short_repr(self.stop_reason)} is not a StopReason")
        names = [e.name for e in self.entries]
        if len(set(names)) != len(names):
            raise VerificationError(f"task names repeat: {names}")
        scores = [e.score for e in self.entries]
        if any(math.isnan(s) for s in scores) or scores != sorted(scores, reverse=True):
            raise VerificationError(f"entries are not ranked best first: {scores}")
        for e in self.entries:
            if (e.error is None) != (e.score > -math.inf):
                raise VerificationError(f"entry {short_repr(e.name)}: an error goes with score -inf only")
            res = e.result
            if e.error is not None or res is None or isinstance(res, dict):
                continue
            if callable(getattr(res, "check", None)):
                res.check()
            elif callable(getattr(res, "is_valid", None)) and not res.is_valid():
                raise VerificationError(f"the result of task {short_repr(e.name)} fails is_valid()")

    def to_json(self) -> dict[str, Any]:
        return {"best": self.best_name,
                "best_score": self.best_score if math.isfinite(self.best_score) else None,
                "stop_reason": StopReason(self.stop_reason).value, "steps": self.steps,
                "elapsed": round(self.elapsed, 6), "run_id": self.run_id,
                "entries": [_entry_json(e) for e in self.entries]}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> PortfolioResult:
        """Rebuild from :meth:`to_json` (task results stay in their JSON form)."""
        entries = tuple(
            PortfolioEntry(e["name"], -math.inf if e.get("score") is None else float(e["score"]),
                           e.get("result"), e.get("error"), float(e.get("elapsed", 0.0)))
            for e in d["entries"])
        return cls(entries, StopReason(d["stop_reason"]), int(d.get("steps", 0)),
                   float(d.get("elapsed", 0.0)), d.get("run_id"))

    @classmethod
    def example(cls) -> PortfolioResult:
        """Tabu search with two seeds on :class:`~search.drivers.OneMaxFlips` weights
        5, 1, 4, 2, 3 with cap 2: both reach the optimum 9 (the two heaviest items).

        Examples:
            >>> from search.drivers import PortfolioResult
            >>> r = PortfolioResult.example()
            >>> r.best_score, [e.name for e in r.entries]
            (9.0, ['tabu/seed=1', 'tabu/seed=2'])
        """
        from search.drivers._local import OneMaxFlips
        from search.drivers.tabu import tabu_search

        tasks = seed_tasks("tabu", tabu_search, [1, 2], problem=OneMaxFlips([5, 1, 4, 2, 3], cap=2),
                           steps=40)
        return run_portfolio(tasks, backend="serial")

    @classmethod
    def tampered(cls) -> PortfolioResult:
        """:meth:`example` with a failed task ranked first."""
        ex = cls.example()
        bad = PortfolioEntry("broken", -math.inf, None, "RuntimeError: boom")
        return dataclasses.replace(ex, entries=(bad,) + ex.entries)


def default_score(result: Any) -> float:
    """``result.best_score``, else ``result.edges``, else ``result.score``, else
    ``float(result)``."""
    for attr in ("best_score", "edges", "score"):
        if hasattr(result, attr):
            return _as_score(getattr(result, attr), f"result.{attr}")
    return _as_score(result, "result")


def _as_score(value: Any, name: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError):
        raise InvalidInputError(
            f"{name}={short_repr(value)} is not a number; give run_portfolio a score= function "
            "for results without best_score, edges or score") from None


def seed_tasks(name: str, fn: Callable[..., Any], seeds: Sequence[int], **kwargs: Any
               ) -> list[PortfolioTask]:
    """One task per seed: ``fn(seed=s, **kwargs)`` named ``"{name}/seed={s}"``.

    Raises:
        InvalidInputError: ``seeds`` is not a list of seeds, or ``fn`` is not callable.
    """
    from engine._args import check_seed

    if not callable(fn):
        raise InvalidInputError(f"fn={short_repr(fn)} must be a function")
    seeds = check_items(seeds, "seeds", "a list of seeds")
    seeds = [check_seed(s, f"seeds[{i}]", allow_none=False) for i, s in enumerate(seeds)]
    return [PortfolioTask(f"{name}/seed={s}", fn, {**kwargs, "seed": int(s)}) for s in seeds]


def _takes(fn: Callable[..., Any], name: str) -> bool:
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    p = params.get(name)
    return p is not None and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)


def _fn_name(fn: Any) -> str:
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"


@dataclass(frozen=True)
class _Done:
    """A finished task as a walker reports it (the coordinator scores and checks it)."""

    index: int
    result: Any
    elapsed: float


class PortfolioSpec(SearchSpec):
    """The :class:`search.runner.SearchSpec` of a portfolio (see the module docstring)."""

    checkpoint_candidates = "pickle"  # user problems need not offer from_json

    kind = "portfolio"
    domain = "portfolio"
    verification_method = "task result is_valid()"
    collect = "all"
    chunk_steps = 1 << 62

    def __init__(self, tasks: list[PortfolioTask], score: Callable[[Any], float], budget: Budget,
                 store: Any, parallel: bool) -> None:
        self.tasks, self.score_fn, self.budget = tasks, score, budget
        self.store, self.parallel = store, parallel
        n = len(tasks)
        total = budget.steps
        self.shares = [None] * n if total is None else \
            [total // n + (1 if i < total % n else 0) for i in range(n)]
        self.deadline: float | None = None

    def params(self) -> dict[str, Any]:
        return {"tasks": [[t.name, _fn_name(t.fn)] for t in self.tasks],
                "parallel": self.parallel, "score": _fn_name(self.score_fn)}

    def initial_states(self, seed: int) -> list[Any]:
        idx = list(range(len(self.tasks)))
        groups = [[i] for i in idx] if self.parallel else [idx]
        return [{"tasks": g, "next": 0, "done": {}} for g in groups]

    def _kwargs(self, i: int) -> dict[str, Any]:
        t = self.tasks[i]
        kw = dict(t.kwargs)
        b = self.budget
        if _takes(t.fn, "budget") and not any(k in kw for k in _BUDGET_KEYS):
            left = None if self.deadline is None else max(0.0, self.deadline - time.time())
            if self.shares[i] is not None or left is not None or b.target is not None:
                kw["budget"] = Budget(steps=self.shares[i], time_limit=left, target=b.target)
        if self.store is not None and "store" not in kw and _takes(t.fn, "store"):
            kw["store"] = self.store
        return kw

    def step(self, state: dict[str, Any], budget: Budget) -> tuple:
        i = state["tasks"][state["next"]]
        t0 = time.perf_counter()
        found, used = [], 1
        try:
            res = self.tasks[i].fn(**self._kwargs(i))
        except Exception as exc:  # noqa: BLE001 - one failing task must not stop the rest
            done = {"error": f"{type(exc).__name__}: {exc}", "elapsed": time.perf_counter() - t0}
        else:
            el = time.perf_counter() - t0
            done = {"error": None, "elapsed": el}
            found.append(_Done(i, res, el))
            steps = getattr(res, "steps", None)
            if isinstance(steps, int) and not isinstance(steps, bool) and steps >= 0:
                used = steps
        new = {"tasks": state["tasks"], "next": state["next"] + 1,
               "done": {**state["done"], i: done}}
        return (Exhausted(new) if new["next"] >= len(new["tasks"]) else new), found, used

    def decode(self, raw: _Done) -> PortfolioEntry:
        try:
            score = float(self.score_fn(raw.result))
        except Exception:  # noqa: BLE001 - an unscorable result ranks last
            score = -math.inf
        if math.isnan(score):
            score = -math.inf
        return PortfolioEntry(self.tasks[raw.index].name, score, raw.result, None, raw.elapsed)

    def score(self, e: PortfolioEntry) -> float:
        return e.score

    def verify(self, e: PortfolioEntry) -> bool:
        if not e.score > -math.inf:
            return False
        is_valid = getattr(e.result, "is_valid", None)
        return bool(is_valid()) if callable(is_valid) else True

    def key(self, e: PortfolioEntry) -> str:
        text = json.dumps(_jsonable(e.result), sort_keys=True)
        return f"{e.name}:{hashlib.sha1(text.encode()).hexdigest()[:16]}"

    def to_json(self, e: PortfolioEntry) -> Any:
        return _entry_json(e)

    def from_json(self, payload: Any) -> PortfolioEntry:
        raise NotImplementedError  # results of arbitrary tasks are not rebuilt from JSON

    def is_reached(self, best_score: float, n_hits: int, target: float) -> bool:
        return best_score >= target

    def describe(self, e: PortfolioEntry) -> str:
        return f"task {short_repr(e.name)} scored {e.score:g}"


def run_portfolio(tasks: Sequence[PortfolioTask], *, budget: Budget | None = None,
                  steps: int | None = None, time_limit: float | None = None,
                  target_score: float | None = None, backend: Any = "process",
                  workers: int | None = None, cluster: str | None = None,
                  address: str | None = None, score: Callable[[Any], float] = default_score,
                  checkpoint: str | os.PathLike[str] | None = None,
                  checkpoint_every: float = 30.0, resume: bool = False, force: bool = False,
                  store: Any = None, progress: bool | None = False) -> PortfolioResult:
    """Run every task as a walker of the runner and rank the results by ``score``.

    Args:
        tasks: the portfolio (distinct names).
        budget: ``Budget(time_limit=, steps=, target=)`` (see the module docstring);
            ``steps``, ``time_limit``, ``target_score`` are shorthands. Default: none (every
            task runs on its own budget).
        backend: ``"serial"``, ``"process"`` (default), ``"dask"`` or a Backend.
        workers: pool size; cluster (or its former name address): a Dask scheduler address.
        score: maps a task's result to a number (higher is better).
        checkpoint, checkpoint_every, resume, force: the runner's checkpoint (finished tasks
            are not run again on resume).
        store: results store: each task's entry (domain ``"portfolio"``), and the store of
            every task whose function takes ``store=``.
        progress: a line on stderr per finished task.

    Returns:
        :class:`PortfolioResult` (failed or unstarted tasks last, score ``-inf``, with the
        reason).

    Raises:
        InvalidInputError: no tasks, a non-task item, repeated names, or a bad backend or
            budget.
    """
    from search.drivers._options import check_run_options

    tasks = check_items(tasks, "tasks", "a non-empty list of PortfolioTask")
    if not tasks or not all(isinstance(t, PortfolioTask) for t in tasks):
        raise InvalidInputError("tasks must be a non-empty list of PortfolioTask")
    names = [t.name for t in tasks]
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise InvalidInputError(f"task names must be distinct; repeated: {dup}")
    if address is not None and cluster is not None and address != cluster:
        raise InvalidInputError(f"cluster={short_repr(cluster)} and address={short_repr(address)}: give one")
    cluster = cluster if cluster is not None else address
    if not callable(score):
        raise InvalidInputError(f"score={short_repr(score)} must be a function of a task's result")
    check_run_options(workers=workers, backend=backend, cluster=cluster, checkpoint=checkpoint,
                      checkpoint_every=checkpoint_every, resume=resume, force=force, store=store,
                      progress=progress)
    b = driver_budget(budget, steps=steps, time_limit=time_limit, target_score=target_score,
                      what="run_portfolio", required=False)
    from search.backends import Backend

    if cluster is not None and backend == "process":
        backend = "dask"
    name = getattr(backend, "name", backend) if isinstance(backend, Backend) else backend
    st = open_store(store)
    spec = PortfolioSpec(tasks, score, b, st, parallel=name != "serial")
    if b.time_limit is not None:
        spec.deadline = time.time() + b.time_limit
    out = run_search(spec, b, seed=0, workers=workers, backend=backend, cluster=cluster,
                     checkpoint=checkpoint, checkpoint_every=checkpoint_every, resume=resume,
                     force=force, store=st, progress=progress)
    accepted = {e.name: e for e in out.hits}
    done: dict[int, dict] = {}
    for s in out.states:
        done.update({int(k): v for k, v in s["done"].items()})
    entries = []
    for i, t in enumerate(tasks):
        if t.name in accepted:
            entries.append(accepted[t.name])
        elif i in done and done[i]["error"] is not None:
            entries.append(PortfolioEntry(t.name, -math.inf, None, done[i]["error"],
                                          done[i]["elapsed"]))
        elif i in done:
            entries.append(PortfolioEntry(t.name, -math.inf, None,
                                          "the result failed its check (is_valid() is False) "
                                          "or could not be scored", done[i]["elapsed"]))
        else:
            entries.append(PortfolioEntry(t.name, -math.inf, None,
                                          f"not started: the portfolio stopped "
                                          f"({out.stop_reason.value})"))
    entries.sort(key=lambda e: -e.score if e.score > -math.inf else math.inf)
    return PortfolioResult(tuple(entries), StopReason(out.stop_reason), int(out.steps),
                           float(out.elapsed), out.run_id)
