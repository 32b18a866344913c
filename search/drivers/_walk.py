"""The runner spec of the single-walk drivers (tabu search, simulated annealing).

:func:`run_walk` hands a :class:`WalkSpec` to :func:`search.runner.run_search`, which owns
seeding, the budget, backends, checkpoints, resume, progress and the results store. Each
walker is one walk (a :class:`~search.drivers._local.WalkProposer`) with its own generator;
its state (the generator and the walk's ``state()``) is plain picklable data, so a chunk can
run in another process and a checkpoint can be resumed.

One step is one iteration of the walk (one move proposed, scored with the problem's exact
``delta`` and applied or rejected). Every ``moves_per_ask`` iterations, and at the end of each
chunk, the walk's best state is reported when it has improved: the runner scores it with
``problem.evaluate`` (on ``problem.as_candidate(state)``), verifies it exactly with
``problem.verify`` and commits it to the store before it is printed or returned.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine._args import check_seed, short_repr
from engine.errors import InvalidInputError
from engine.jsonable import to_jsonable
from search.core import Budget, DriverResult, StopReason, _SigintDeferral, resolve_budget
from search.drivers._local import candidate_of, check_local_problem
from search.runner import RunOutcome, SearchSpec, run_search

__all__ = ["Scored", "WalkSpec", "run_walk", "driver_budget", "finite_score", "driver_result"]


@dataclass(frozen=True)
class Scored:
    """A candidate with its score (``problem.evaluate``), as the runner sees it."""

    candidate: Any
    score: float


def finite_score(value: Any) -> float:
    """``float(value)``, with NaN and non-numbers as ``-inf`` (an invalid candidate)."""
    try:
        s = float(value)
    except (TypeError, ValueError):
        return -math.inf
    return -math.inf if math.isnan(s) else s


#: Most independent walkers of one driver run.
MAX_WALKERS = 1024


def check_kind(kind: Any) -> str | None:
    """A run kind: a non-empty string or None."""
    if kind is not None and (not isinstance(kind, str) or not kind):
        raise InvalidInputError(f"kind={short_repr(kind)} must be a non-empty string (the run kind) or None")
    return kind


def driver_budget(budget: Budget | None, *, steps: Any = None, time_limit: Any = None,
                  target_score: Any = None, what: str = "search",
                  required: bool = True) -> Budget:
    """``budget`` merged with the shorthand keywords; refuses an empty budget if ``required``.

    Raises:
        InvalidInputError: a shorthand contradicts ``budget``, or no limit at all is set.
    """
    from search.drivers._options import check_run_options

    check_run_options(budget=budget, steps=steps, time_limit=time_limit, target_score=target_score)
    b = resolve_budget(budget, what=what, steps=steps, time_limit=time_limit,
                       target=target_score)
    if required and b.steps is None and b.time_limit is None and b.target is None:
        raise InvalidInputError(
            f"{what}: no budget set; give budget=Budget(steps=, time_limit=, target=) or "
            "steps=, time_limit= or target_score="
        )
    return b


def problem_params(problem: Any) -> dict[str, Any]:
    """What identifies a problem in a run's parameters (its class and ``params``)."""
    out: dict[str, Any] = {"problem": type(problem).__name__}
    extra = getattr(problem, "params", None)
    if isinstance(extra, dict):
        try:
            out["problem_params"] = json.loads(json.dumps(to_jsonable(extra), sort_keys=True))
        except (TypeError, ValueError):
            out["problem_params"] = repr(extra)
    return out


def initial_tag(problem: Any, initial: Any) -> str | None:
    """A short digest of a warm start (recorded in the run's parameters), or None."""
    if initial is None:
        return None
    try:
        text = str(problem.key(candidate_of(problem, initial)))
    except Exception:  # noqa: BLE001 - any state the problem cannot key is described by repr
        text = repr(initial)
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def check_initial(problem: Any, initial: Any, what: str) -> Any:
    """Refuse a warm start the problem cannot score."""
    if initial is None:
        return None
    try:
        score = float(problem.score(problem.copy(initial)))
    except Exception as exc:  # noqa: BLE001 - name the problem's complaint
        raise InvalidInputError(
            f"{what}: initial={short_repr(initial, 60)} is not a state of {type(problem).__name__} "
            f"(score() raised {type(exc).__name__}: {exc}); pass a state like "
            "problem.initial(rng) returns"
        ) from exc
    if math.isnan(score):
        raise InvalidInputError(f"{what}: initial={short_repr(initial, 60)} scores NaN")
    if isinstance(initial, np.ndarray) and hasattr(problem, "initial"):
        try:  # an array state must look like the problem's own (the moves rely on its dtype)
            ref = problem.initial(np.random.default_rng(0))
        except Exception:  # noqa: BLE001 - nothing to compare with
            ref = None
        if isinstance(ref, np.ndarray) and (ref.shape != initial.shape or ref.dtype != initial.dtype):
            raise InvalidInputError(
                f"{what}: initial={short_repr(initial, 60)} has shape {initial.shape} and dtype "
                f"{initial.dtype}; {type(problem).__name__} states have shape {ref.shape} and dtype "
                f"{ref.dtype} (pass a state like problem.initial(rng) returns)")
    return initial


def check_walkers(walkers: Any, workers: Any) -> int:
    """The number of walkers: ``walkers``, else ``workers``, else 1."""
    for name, v in (("walkers", walkers), ("workers", workers)):
        if v is not None and (isinstance(v, bool) or not isinstance(v, int | np.integer)
                              or v < 1):
            raise InvalidInputError(f"{name}={short_repr(v)} must be a positive integer or None")
        if v is not None and v > MAX_WALKERS:
            raise InvalidInputError(f"{name}={v} exceeds MAX_WALKERS={MAX_WALKERS}; use fewer")
    return int(walkers if walkers is not None else (workers or 1))


class ProblemSpec(SearchSpec):
    """What every driver spec asks of its problem: scores, exact verification, keys, JSON."""

    checkpoint_candidates = "pickle"  # user problems need not offer from_json

    problem: Any

    def decode(self, raw: Any) -> Scored:
        if isinstance(raw, Scored):
            return raw
        return Scored(raw, finite_score(self.problem.evaluate(raw)))

    def score(self, c: Scored) -> float:
        return c.score

    def verify(self, c: Scored) -> bool:
        return c.score > -math.inf and bool(self.problem.verify(c.candidate))

    def key(self, c: Scored) -> str:
        return str(self.problem.key(c.candidate))

    def to_json(self, c: Scored) -> Any:
        return self.problem.to_json(c.candidate)

    def from_json(self, payload: Any) -> Scored:
        fn = getattr(self.problem, "from_json", None)
        if not callable(fn):
            raise NotImplementedError
        c = fn(payload)
        return Scored(c, finite_score(self.problem.evaluate(c)))

    def describe(self, c: Scored) -> str:
        fn = getattr(self.problem, "describe", None)
        if callable(fn):
            return str(fn(c.candidate))
        return f"score {c.score:g}"


class WalkSpec(ProblemSpec):
    """The :class:`search.runner.SearchSpec` of tabu search and simulated annealing.

    Args:
        name: ``"tabu"`` or ``"annealing"`` (part of the run kind).
        proposer: the walk class (:class:`~search.drivers.TabuProposer`,
            :class:`~search.drivers.AnnealingProposer`).
        problem: the local-search problem.
        options: the walk's parameters (JSON; recorded with the run).
        walkers: independent walks (each with its own generator and a share of the steps).
        initial: a warm-start state for every walker (None: ``problem.initial(rng)``).
        kind: the run kind (default ``"{name}:{problem class}"``).
    """

    collect = "best"
    chunk_steps = 1000

    def __init__(self, name: str, proposer: type, problem: Any, options: dict[str, Any],
                 walkers: int = 1, initial: Any = None, kind: str | None = None) -> None:
        check_local_problem(problem)
        self.name, self.proposer, self.problem = name, proposer, problem
        self.options = dict(options)
        self.walkers = int(walkers)
        self.initial = initial
        self.kind = kind or f"{name}:{type(problem).__name__}"
        self.domain = getattr(problem, "domain", "generic")
        self.verification_method = getattr(problem, "verification_method", "problem.verify")
        self.report_every = self._walk(None).moves_per_ask  # validates the options too

    def _walk(self, rng: np.random.Generator | None) -> Any:
        w = self.proposer(self.problem, initial=self.initial, **self.options)
        if rng is not None:
            w.bind(rng)
        return w

    def params(self) -> dict[str, Any]:
        return {"driver": self.name, **problem_params(self.problem),
                "options": to_jsonable(self.options), "walkers": self.walkers,
                "initial": initial_tag(self.problem, self.initial)}

    def initial_states(self, seed: int) -> list[Any]:
        if self.walkers == 1:
            rngs = [np.random.default_rng(seed)]
        else:
            rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(self.walkers)]
        states = []
        for rng in rngs:
            w = self._walk(rng)
            w.start()
            states.append({"rng": rng, "walk": w.state(), "reported": -math.inf})
        return states

    def step(self, state: dict[str, Any], budget: Budget) -> tuple:
        w = self._walk(state["rng"])
        w.restore(state["walk"])
        found, used, reported = walk_chunk(self.problem, w, budget, state["reported"],
                                           self.report_every)
        return {"rng": state["rng"], "walk": w.state(), "reported": reported}, found, used


def walk_chunk(problem: Any, walk: Any, budget: Budget, reported: float,
               report_every: int) -> tuple[list, int, float]:
    """Run one chunk of a walk: up to ``budget.steps`` iterations within ``budget.time_limit``
    seconds; stops early once a reported best reaches ``budget.target``.

    Returns:
        ``(found, iterations, best score reported)``; ``found`` lists the walk's best (as a
        candidate) each time it improved, at most once per ``report_every`` iterations.
    """
    t0 = time.perf_counter()
    found: list = []
    used = 0
    limit, target = budget.steps, budget.target

    def report() -> None:
        nonlocal reported
        found.append(candidate_of(problem, walk.best))
        reported = walk.best_score

    while limit is None or used < limit:
        if budget.time_limit is not None and used and \
                time.perf_counter() - t0 >= budget.time_limit:
            break
        walk.step()
        used += 1
        if walk.best_score > reported:
            hit = target is not None and walk.best_score >= target
            if hit or walk.iteration % report_every == 0:
                report()
                if hit:
                    break
        if _SigintDeferral.pending:  # Ctrl-C: end the chunk now, the runner checkpoints
            break
    if walk.best_score > reported:
        report()
    return found, used, reported


def driver_result(out: RunOutcome, problem: Any, top: int = 10) -> DriverResult:
    """The :class:`search.core.DriverResult` of a run of a :class:`ProblemSpec`."""
    best = out.best.candidate if out.best is not None else None
    ranked, seen = [], set()
    for f in sorted(out.found, key=lambda f: -f.score):
        if f.key not in seen:
            seen.add(f.key)
            ranked.append((f.score, f.candidate.candidate))
    return DriverResult(
        best=best, best_score=float(out.best_score), stop_reason=StopReason(out.stop_reason),
        steps=int(out.steps), elapsed=float(out.elapsed), seed=int(out.seed), run_id=out.run_id,
        n_improvements=len(out.found), n_rejected=int(out.n_rejected),
        best_json=problem.to_json(best) if best is not None else None,
        history=tuple((int(st), float(sc)) for st, _, sc in out.history),
        top=tuple(ranked[:top]),
    )


def run_walk(name: str, proposer: type, problem: Any, *, budget: Budget, seed: Any,
             initial: Any, walkers: int, workers: int | None, backend: Any, cluster: str | None,
             checkpoint: str | os.PathLike[str] | None, checkpoint_every: float, resume: bool,
             force: bool, store: Any, progress: bool | None, kind: str | None,
             options: dict[str, Any]) -> DriverResult:
    """Run a :class:`WalkSpec` on the runner and return its :class:`DriverResult`."""
    from search.drivers._options import check_run_options

    check_seed(seed)
    check_kind(kind)
    check_run_options(workers=workers, backend=backend, cluster=cluster, checkpoint=checkpoint,
                      checkpoint_every=checkpoint_every, resume=resume, force=force, store=store,
                      progress=progress)
    spec = WalkSpec(name, proposer, problem, options, walkers=walkers,
                    initial=check_initial(problem, initial, f"{name}_search"), kind=kind)
    out = run_search(spec, budget, seed=seed, workers=workers, backend=backend, cluster=cluster,
                     checkpoint=checkpoint, checkpoint_every=checkpoint_every, resume=resume,
                     force=force, store=store, progress=progress)
    return driver_result(out, problem)
