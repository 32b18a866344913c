"""Curriculum driver: solve a sequence of sizes, seeding each from its solved neighbours.

For each size ``n`` (ascending), the seeds are the best solutions at ``n-1, ..., n-lookback``
carried up with ``grow(solution, from_size, to_size)`` and, when already solved (a second
pass, or sizes given out of order), the best at ``n+1, ...`` carried down with
``shrink``. ``solve(size, seeds, seed)`` returns ``(solution, score)``; the stage keeps the
better of it and its previous best. Every finished stage is checkpointed, so a resumed
curriculum skips the stages already done.

Reference: A. Mehrabian et al., "Finding increasingly large extremal graphs with AlphaZero
and tabu search", IJCAI 2024 (curriculum: jump-starting larger sizes from smaller ones);
Y. Bengio et al., "Curriculum learning", ICML 2009.

Examples:
    >>> from search.drivers import curriculum
    >>> solve = lambda size, seeds, seed: (max(seeds, default=0) + 1, float(max(seeds, default=0) + 1))
    >>> grow = lambda sol, a, b: sol
    >>> res = curriculum([1, 2, 3], solve, grow=grow)
    >>> [(s.size, s.score, s.n_seeds) for s in res.stages]
    [(1, 1.0, 0), (2, 2.0, 1), (3, 3.0, 2)]
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine.errors import InvalidInputError
from search.drivers._local import check_int

__all__ = ["CurriculumStage", "CurriculumResult", "curriculum"]

_KIND = "drivers:curriculum"


@dataclass(frozen=True)
class CurriculumStage:
    """One solved size: its best solution and score, seeds used, pass number, seconds."""

    size: int
    score: float
    solution: Any = field(repr=False)
    n_seeds: int
    pass_index: int
    elapsed: float


@dataclass(frozen=True)
class CurriculumResult:
    """All stages in the order run, and the best per size."""

    stages: tuple[CurriculumStage, ...]
    best: dict[int, CurriculumStage] = field(repr=False)

    def to_json(self) -> dict[str, Any]:
        return {"stages": [{"size": s.size, "score": s.score, "n_seeds": s.n_seeds,
                            "pass": s.pass_index, "elapsed": round(s.elapsed, 4)}
                           for s in self.stages],
                "best": {str(k): v.score for k, v in sorted(self.best.items())}}


def curriculum(sizes: Sequence[int], solve: Callable[[int, list, int], tuple[Any, float]], *,
               grow: Callable[[Any, int, int], Any] | None = None,
               shrink: Callable[[Any, int, int], Any] | None = None, lookback: int = 2,
               passes: int = 1, seed: int = 0, checkpoint: str | os.PathLike[str] | None = None,
               resume: bool = False, on_stage: Callable[[CurriculumStage], None] | None = None
               ) -> CurriculumResult:
    """Run the curriculum (see module docstring).

    Args:
        sizes: the sizes to solve (solved in ascending order, each pass).
        solve: ``solve(size, seeds, seed) -> (solution, score)``.
        grow: carries a solution of a smaller size up (None: no upward seeding).
        shrink: carries a solution of a larger size down (None: no downward seeding).
        lookback: how many smaller (and larger) neighbours seed a size.
        passes: passes over all sizes (later passes also seed from larger sizes).
        seed: master seed; stage ``(pass, size)`` gets its own derived integer seed.
        checkpoint, resume: stage results are saved after each stage; resume skips them.
        on_stage: callback after each stage.

    Returns:
        :class:`CurriculumResult`.

    Raises:
        InvalidInputError: empty or invalid sizes, bad lookback/passes/seed, resume without a
            checkpoint.
    """
    try:
        order = sorted({int(s) for s in sizes})
    except (TypeError, ValueError):
        raise InvalidInputError(f"sizes={sizes!r} must be integers") from None
    if not order or any(isinstance(s, bool) for s in sizes):
        raise InvalidInputError(f"sizes={sizes!r} must be a non-empty list of integers")
    check_int("lookback", lookback)
    check_int("passes", passes)
    check_int("seed", seed, 0)
    if resume and checkpoint is None:
        raise InvalidInputError("resume=True needs checkpoint=PATH")
    best: dict[int, CurriculumStage] = {}
    stages: list[CurriculumStage] = []
    done: set[tuple[int, int]] = set()
    if resume:
        from search.checkpoint import load_checkpoint

        data = load_checkpoint(checkpoint, kind=_KIND)
        if data is not None:
            if data["seed"] != seed:
                raise InvalidInputError(
                    f"seed={seed} differs from the checkpoint's seed {data['seed']}"
                )
            best, stages, done = dict(data["best"]), list(data["stages"]), set(data["done"])
    seeds_tree = np.random.SeedSequence(seed)
    stage_seeds = seeds_tree.generate_state(passes * len(order), dtype=np.uint64)
    for p in range(passes):
        for j, size in enumerate(order):
            if (p, size) in done:
                continue
            seeds: list[Any] = []
            for k in range(1, lookback + 1):
                if grow is not None and size - k in best:
                    seeds.append(grow(best[size - k].solution, size - k, size))
                if shrink is not None and size + k in best:
                    seeds.append(shrink(best[size + k].solution, size + k, size))
            if size in best:
                seeds.append(best[size].solution)
            t0 = time.perf_counter()
            sol, score = solve(size, seeds, int(stage_seeds[p * len(order) + j] % (2**63)))
            score = float(score)
            prev = best.get(size)
            if prev is not None and not score > prev.score:
                sol, score = prev.solution, prev.score
            st = CurriculumStage(size, score, sol, len(seeds), p, time.perf_counter() - t0)
            if not math.isnan(score):
                best[size] = st
            stages.append(st)
            done.add((p, size))
            if checkpoint is not None:
                from search.checkpoint import save_checkpoint

                save_checkpoint(checkpoint, {"seed": seed, "best": best, "stages": stages,
                                             "done": sorted(done)}, kind=_KIND)
            if on_stage is not None:
                on_stage(st)
    return CurriculumResult(tuple(stages), best)
