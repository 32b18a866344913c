"""Curriculum driver: solve a sequence of sizes, seeding each from its solved neighbours.

For each size ``n`` (ascending), the seeds are the best solutions at ``n-1, ..., n-lookback``
carried up with ``grow(solution, from_size, to_size)`` and, when already solved (a second
pass, or sizes given out of order), the best at ``n+1, ...`` carried down with
``shrink``. ``solve(size, seeds, seed)`` returns ``(solution, score)`` (or ``(solution,
score, steps)``); the stage keeps the better of it and its previous best.

The curriculum runs on :func:`search.runner.run_search`: one walker, one stage per chunk. Each
stage is checked (a finite score and the optional ``verify(size, solution)``) before it seeds
another size, is committed to the store (domain ``domain``) and only then passed to
``on_stage``; the runner checkpoints (at least every ``checkpoint_every`` seconds and at the
end), and a resumed curriculum (``resume=True``, same sizes) skips the stages done before its
last checkpoint. One step of a curriculum is one step of its stages: the ``steps`` that
``solve`` returns, or 1 per stage that returns none; a step or time budget is checked between
stages (a stage is never cut short), a target stops the curriculum once a stage scores it.

Reference: A. Mehrabian et al., "Finding increasingly large extremal graphs with AlphaZero
and tabu search", IJCAI 2024 (curriculum: jump-starting larger sizes from smaller ones);
Y. Bengio et al., "Curriculum learning", ICML 2009.

Examples:
    >>> from search.drivers import curriculum
    >>> solve = lambda size, seeds, seed: (max(seeds, default=0) + 1, float(max(seeds, default=0) + 1))
    >>> grow = lambda sol, a, b: sol
    >>> res = curriculum([1, 2, 3], solve, grow=grow)
    >>> [(s.size, s.score, s.n_seeds) for s in res.stages], res.stop_reason.value
    ([(1, 1.0, 0), (2, 2.0, 1), (3, 3.0, 2)], 'exhausted')
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import numbers
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine._args import check_items, short_repr
from engine.errors import InvalidInputError, VerificationError
from engine.jsonable import to_jsonable
from engine.results import Result
from search.core import Budget, StopReason
from search.drivers._local import check_int
from search.drivers._walk import driver_budget
from search.runner import Exhausted, SearchSpec, run_search

__all__ = ["CurriculumStage", "CurriculumResult", "curriculum"]

_KIND = "drivers:curriculum"


@dataclass(frozen=True)
class CurriculumStage:
    """One solved size: its best solution and score, seeds used, pass number, seconds, steps."""

    size: int
    score: float
    solution: Any = field(repr=False)
    n_seeds: int
    pass_index: int
    elapsed: float
    steps: int = 1


def _jsonable(obj: Any) -> Any:
    try:
        return json.loads(json.dumps(to_jsonable(obj), sort_keys=True, allow_nan=False))
    except (TypeError, ValueError):
        return {"repr": repr(obj)[:500]}


def _stage_json(s: CurriculumStage) -> dict[str, Any]:
    return {"size": s.size, "score": s.score, "n_seeds": s.n_seeds, "pass": s.pass_index,
            "elapsed": round(s.elapsed, 4), "steps": s.steps, "solution": _jsonable(s.solution)}


def _stage_from_json(d: dict[str, Any]) -> CurriculumStage:
    return CurriculumStage(int(d["size"]), float(d["score"]), d.get("solution"),
                           int(d["n_seeds"]), int(d["pass"]), float(d["elapsed"]),
                           int(d.get("steps", 1)))


@dataclass(frozen=True)
class CurriculumResult(Result):
    """All stages in the order run, and the best per size.

    Attributes:
        stages: the stages, in the order run.
        best: the best stage per size (sizes that ran).
        stop_reason: ``exhausted`` when every stage ran (a :class:`search.core.StopReason`).
        steps: steps of all stages; elapsed: wall seconds (including resumed parts).
        seed: the master seed; run_id: the store's run id (None without a store).
    """

    stages: tuple[CurriculumStage, ...]
    best: dict[int, CurriculumStage] = field(repr=False)
    stop_reason: StopReason = StopReason.EXHAUSTED
    steps: int = 0
    elapsed: float = 0.0
    seed: int = 0
    run_id: int | None = None

    def check(self) -> None:
        """Re-verify: every stage scores a number, a size's best is its highest-scoring
        stage (stages never lose their size's best), and every best is one of the stages.

        Raises:
            VerificationError: naming the size.
        """
        if not isinstance(self.stop_reason, StopReason):
            raise VerificationError(f"stop_reason={short_repr(self.stop_reason)} is not a StopReason")
        top: dict[int, float] = {}
        for s in self.stages:
            if math.isnan(s.score) or s.pass_index < 0 or s.n_seeds < 0:
                raise VerificationError(f"stage of size {s.size} is malformed: {_stage_json(s)}")
            if s.size in top and s.score < top[s.size]:
                raise VerificationError(
                    f"stage of size {s.size} (pass {s.pass_index}) scores {s.score}, below the "
                    f"{top[s.size]} the size already had")
            top[s.size] = max(top.get(s.size, -math.inf), s.score)
        if set(self.best) != set(top):
            raise VerificationError(f"best holds sizes {sorted(self.best)}, stages ran {sorted(top)}")
        for size, st in self.best.items():
            if st.score != top[size] or st not in self.stages:
                raise VerificationError(
                    f"best[{size}] scores {st.score}, but the best stage of size {size} scores "
                    f"{top[size]}")

    def to_json(self) -> dict[str, Any]:
        return {"stages": [_stage_json(s) for s in self.stages],
                "best": {str(k): v.score for k, v in sorted(self.best.items())},
                "stop_reason": StopReason(self.stop_reason).value, "steps": self.steps,
                "elapsed": round(self.elapsed, 6), "seed": self.seed, "run_id": self.run_id}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> CurriculumResult:
        stages = tuple(_stage_from_json(s) for s in d["stages"])
        return cls(stages, _best_of(stages), StopReason(d["stop_reason"]), int(d["steps"]),
                   float(d["elapsed"]), int(d["seed"]), d.get("run_id"))

    @classmethod
    def example(cls) -> CurriculumResult:
        """A toy curriculum over sizes 1..3 whose ``solve`` returns one more than its best
        seed (so size ``n`` scores ``n`` when seeded from ``n - 1``).

        Examples:
            >>> from search.drivers import CurriculumResult
            >>> [(s.size, s.score) for s in CurriculumResult.example().stages]
            [(1, 1.0), (2, 2.0), (3, 3.0)]
        """
        return curriculum([1, 2, 3], _toy_solve, grow=_toy_grow)

    @classmethod
    def tampered(cls) -> CurriculumResult:
        """:meth:`example` claiming a worse stage as the best of size 3."""
        ex = cls.example()
        worse = dataclasses.replace(ex.best[3], score=0.0)
        return dataclasses.replace(ex, best={**ex.best, 3: worse})


def _toy_solve(size: int, seeds: list, seed: int) -> tuple[int, float]:
    v = max(seeds, default=0) + 1
    return v, float(v)


def _toy_grow(sol: Any, a: int, b: int) -> Any:
    return sol


def _best_of(stages: Sequence[CurriculumStage]) -> dict[int, CurriculumStage]:
    best: dict[int, CurriculumStage] = {}
    for s in stages:
        if s.size not in best or s.score >= best[s.size].score:
            best[s.size] = s
    return best


class CurriculumSpec(SearchSpec):
    """The :class:`search.runner.SearchSpec` of a curriculum: one walker, one stage a chunk."""

    checkpoint_candidates = "pickle"  # user problems need not offer from_json

    collect = "all"
    chunk_steps = 1 << 62

    def __init__(self, order: list[int], solve: Callable, grow: Callable | None,
                 shrink: Callable | None, lookback: int, passes: int, seed: int,
                 verify: Callable | None, initial: dict[int, CurriculumStage],
                 domain: str, kind: str) -> None:
        self.order, self.solve, self.grow, self.shrink = order, solve, grow, shrink
        self.lookback, self.passes, self.master_seed = lookback, passes, seed
        self.verify_fn, self.initial = verify, initial
        self.domain, self.kind = domain, kind
        self.verification_method = "curriculum: finite score" + (" + verify()" if verify else "")
        stage_seeds = np.random.SeedSequence(seed).generate_state(passes * len(order),
                                                                  dtype=np.uint64)
        self.stage_seeds = [int(x % (2**63)) for x in stage_seeds]

    def params(self) -> dict[str, Any]:
        return {"sizes": self.order, "lookback": self.lookback, "passes": self.passes,
                "grow": self.grow is not None, "shrink": self.shrink is not None,
                "initial": sorted(self.initial)}

    def initial_states(self, seed: int) -> list[Any]:
        return [{"best": dict(self.initial), "stages": [], "done": [], "n_rejected": 0}]

    def _next(self, done: list) -> tuple[int, int] | None:
        seen = {tuple(x) for x in done}
        for p in range(self.passes):
            for j in range(len(self.order)):
                if (p, j) not in seen:
                    return p, j
        return None

    def step(self, state: dict[str, Any], budget: Budget) -> tuple:
        nxt = self._next(state["done"])
        if nxt is None:
            return Exhausted(state), [], 0
        p, j = nxt
        size = self.order[j]
        best = dict(state["best"])
        seeds: list[Any] = []
        for k in range(1, self.lookback + 1):
            if self.grow is not None and size - k in best:
                seeds.append(self.grow(best[size - k].solution, size - k, size))
            if self.shrink is not None and size + k in best:
                seeds.append(self.shrink(best[size + k].solution, size + k, size))
        if size in best:
            seeds.append(best[size].solution)
        t0 = time.perf_counter()
        out = self.solve(size, seeds, self.stage_seeds[p * len(self.order) + j])
        if not isinstance(out, tuple | list) or len(out) not in (2, 3):
            raise InvalidInputError(
                f"solve({size}, ...) returned {type(out).__name__}; it must return "
                "(solution, score) or (solution, score, steps)")
        sol, score = out[0], out[1]
        steps = int(out[2]) if len(out) == 3 else 1
        try:
            score = float(score)
        except (TypeError, ValueError):
            score = math.nan
        ok = not math.isnan(score) and (self.verify_fn is None or bool(self.verify_fn(size, sol)))
        found = []
        new = {"best": best, "stages": list(state["stages"]), "done": state["done"] + [[p, j]],
               "n_rejected": state["n_rejected"] + (0 if ok else 1)}
        if ok:
            prev = best.get(size)
            if prev is not None and not score > prev.score:
                sol, score = prev.solution, prev.score
            st = CurriculumStage(size, score, sol, len(seeds), p, time.perf_counter() - t0, steps)
            best[size] = st
            new["stages"].append(st)
            found.append(st)
        done = self._next(new["done"]) is None
        return (Exhausted(new) if done else new), found, steps

    def score(self, s: CurriculumStage) -> float:
        return s.score

    def verify(self, s: CurriculumStage) -> bool:  # checked in the step before it seeds others
        return not math.isnan(s.score)

    def key(self, s: CurriculumStage) -> str:
        text = json.dumps(_jsonable(s.solution), sort_keys=True)
        return f"size={s.size}:pass={s.pass_index}:{hashlib.sha1(text.encode()).hexdigest()[:16]}"

    def to_json(self, s: CurriculumStage) -> Any:
        return _stage_json(s)

    def from_json(self, payload: Any) -> CurriculumStage:
        return _stage_from_json(payload)

    def is_reached(self, best_score: float, n_hits: int, target: float) -> bool:
        return best_score >= target

    def describe(self, s: CurriculumStage) -> str:
        return f"size {s.size} (pass {s.pass_index}): score {s.score:g}"


def _initial_stages(initial: Any) -> dict[int, CurriculumStage]:
    if initial is None:
        return {}
    if isinstance(initial, CurriculumResult):
        return dict(initial.best)
    if not isinstance(initial, Mapping):
        raise InvalidInputError(
            "initial= must be a CurriculumResult or a mapping {size: (solution, score)}")
    out = {}
    for size, v in initial.items():
        if isinstance(v, CurriculumStage):
            out[int(size)] = v
            continue
        try:
            sol, score = v
            score = float(score)
        except (TypeError, ValueError):
            raise InvalidInputError(
                f"initial[{short_repr(size)}] must be (solution, score) or a CurriculumStage") from None
        out[int(size)] = CurriculumStage(int(size), score, sol, 0, -1, 0.0, 0)
    return out


def curriculum(sizes: Sequence[int], solve: Callable[[int, list, int], tuple], *,
               grow: Callable[[Any, int, int], Any] | None = None,
               shrink: Callable[[Any, int, int], Any] | None = None, lookback: int = 2,
               passes: int = 1, seed: int = 0, budget: Budget | None = None,
               steps: int | None = None, time_limit: float | None = None,
               target_score: float | None = None, initial: Any = None,
               verify: Callable[[int, Any], bool] | None = None,
               checkpoint: str | os.PathLike[str] | None = None, checkpoint_every: float = 30.0,
               resume: bool = False, force: bool = False, store: Any = None,
               progress: bool | None = False, domain: str = "curriculum",
               kind: str = _KIND,
               on_stage: Callable[[CurriculumStage], None] | None = None) -> CurriculumResult:
    """Run the curriculum on the runner (see module docstring).

    Args:
        sizes: the sizes to solve (solved in ascending order, each pass).
        solve: ``solve(size, seeds, seed) -> (solution, score)`` or ``(solution, score,
            steps)``.
        grow: carries a solution of a smaller size up (None: no upward seeding).
        shrink: carries a solution of a larger size down (None: no downward seeding).
        lookback: how many smaller (and larger) neighbours seed a size.
        passes: passes over all sizes (later passes also seed from larger sizes).
        seed: master seed; stage ``(pass, size)`` gets its own derived integer seed.
        budget: ``Budget(time_limit=, steps=, target=)`` checked between stages
            (``steps``/``time_limit``/``target_score`` are shorthands); default: none.
        initial: a warm start: a :class:`CurriculumResult` or ``{size: (solution, score)}``;
            these solutions seed their neighbours and are the sizes' bests to beat.
        verify: ``verify(size, solution) -> bool``: a stage that fails it is dropped (it
            neither seeds nor is stored).
        checkpoint, checkpoint_every, resume, force: the runner's checkpoint (a resume must
            use the same sizes; it skips the stages done before the last checkpoint).
        store: results store: every stage (domain ``domain``).
        progress: a line on stderr per stage.
        domain, kind: store domain of the stages and run kind.
        on_stage: called with each stage after it is stored.

    Returns:
        :class:`CurriculumResult`.

    Raises:
        InvalidInputError: empty or invalid sizes, bad lookback/passes/seed/budget/initial,
            resume without a checkpoint, ``solve`` returning something else than a pair or
            triple.
    """
    from search.drivers._options import check_run_options

    sizes = check_items(sizes, "sizes", "a non-empty list of integers")
    if any(isinstance(s, bool) for s in sizes):
        raise InvalidInputError(f"sizes={short_repr(sizes)} must be a non-empty list of integers")
    try:
        if not all(isinstance(s, numbers.Integral) or (isinstance(s, float) and s.is_integer())
                   for s in sizes):
            raise TypeError
        order = sorted({int(s) for s in sizes})
    except (TypeError, ValueError, OverflowError):
        raise InvalidInputError(f"sizes={short_repr(sizes)} must be integers") from None
    if not order:
        raise InvalidInputError(f"sizes={short_repr(sizes)} must be a non-empty list of integers")
    if not callable(solve):
        raise InvalidInputError(f"solve={short_repr(solve)} must be a function solve(size, seeds, seed)")
    for name, fn in (("grow", grow), ("shrink", shrink), ("verify", verify), ("on_stage", on_stage)):
        if fn is not None and not callable(fn):
            raise InvalidInputError(f"{name}={short_repr(fn)} must be a function or None")
    check_int("lookback", lookback)
    check_int("passes", passes)
    if lookback > 1 << 16 or passes > 1 << 16:
        raise InvalidInputError(f"lookback={lookback}, passes={passes}: each must be at most {1 << 16}")
    check_int("seed", seed, 0)
    for name, text in (("domain", domain), ("kind", kind)):
        if not isinstance(text, str) or not text:
            raise InvalidInputError(f"{name}={short_repr(text)} must be a non-empty string")
    check_run_options(checkpoint=checkpoint, checkpoint_every=checkpoint_every, resume=resume,
                      force=force, store=store, progress=progress)
    b = driver_budget(budget, steps=steps, time_limit=time_limit, target_score=target_score,
                      what="curriculum", required=False)
    spec = CurriculumSpec(order, solve, grow, shrink, lookback, passes, seed, verify,
                          _initial_stages(initial), domain, kind)

    def stored(f: Any) -> None:
        if on_stage is not None:
            on_stage(f.candidate)

    out = run_search(spec, b, seed=seed, backend="serial", checkpoint=checkpoint,
                     checkpoint_every=checkpoint_every, resume=resume, force=force, store=store,
                     progress=progress, on_result=stored)
    state = out.states[0]
    stages = tuple(state["stages"])
    return CurriculumResult(stages, _best_of(stages), StopReason(out.stop_reason),
                            int(out.steps), float(out.elapsed), int(seed), out.run_id)
