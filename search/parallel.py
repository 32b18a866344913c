"""Multi-walker searches in chunks: the same code serially, on a process pool or on Dask.

:func:`run_chunked` advances independent, seeded walkers. Each walker's state is advanced by a
picklable top-level function ``step_fn(state, slice_budget) -> (new_state, improvements)``
(optionally ``(new_state, improvements, steps_used)``) where ``slice_budget`` is a
:class:`search.core.Budget` with ``steps`` (the walker's step allowance for this chunk),
``time_limit`` (seconds for this chunk, or None) and ``target_score`` (the global target).
Returning ``new_state=Exhausted(final_state)`` (or ``None``, which keeps the previous state)
means the walker has exhausted its space and gets no more chunks.

Improvements are any picklable objects; the coordinator reads a score from a
``(score, candidate)`` pair, a dict with a ``"score"`` key or an object with a ``score``
attribute. It calls ``on_improvement(walker_id, improvement)`` for each one, in the order the
chunks complete; the callback verifies and stores it and returns ``False`` to reject it
(rejected improvements never count for the global best or the target).
:class:`ImprovementRecorder` is a ready-made callback that verifies exactly and writes to a
:class:`search.store.ResultsStore`.

Budget: ``budget.steps`` is the total over all walkers, split evenly and deterministically
(walker ``i`` gets ``steps // n + (i < steps % n)``), so the final walker states do not depend
on the scheduling or the backend; ``time_limit`` is wall time for the whole run (including
resumed parts); ``target_score`` stops the run once an accepted improvement reaches it.

Checkpoints: after every completed chunk the walker states, step counts and the global best
are written atomically, so ``resume=True`` after a crash or SIGKILL continues with at most the
chunks that were in flight redone (their improvements may be reported again; the store
de-duplicates them). A chunk whose worker dies (a broken process pool, Dask ``KilledWorker``)
is resubmitted from the walker's last state, up to ``max_retries`` times.

Reference: J. Dean and S. Ghemawat, "MapReduce: simplified data processing on large clusters",
OSDI 2004 (re-execution of tasks from lost workers); the walker layout follows the flip-graph
searches of Kauers and Moosbauer, "Flip graphs for matrix multiplication", ISSAC 2023.

Examples:
    >>> from search.core import Budget
    >>> from search.parallel import run_chunked, example_count_walker
    >>> found = []
    >>> res = run_chunked(example_count_walker, [{"x": 0, "mult": 1}, {"x": 0, "mult": 2}],
    ...                   backend="serial", budget=Budget(steps=20),
    ...                   on_improvement=lambda w, imp: found.append((w, imp[0])),
    ...                   chunk_steps=5)
    >>> res.stop_reason.value, res.steps, [s["x"] for s in res.states], res.best_score
    ('step_budget', 20, [10, 20], 20.0)
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from engine.errors import EngineError, InvalidInputError
from search.backends import Backend, get_backend, is_pickling_error, is_worker_lost
from search.checkpoint import load_checkpoint, save_checkpoint
from search.core import Budget, StopReason
from search.progress import SearchProgress, progress_wanted

__all__ = [
    "run_chunked",
    "ChunkedResult",
    "Exhausted",
    "ImprovementRecorder",
    "improvement_score",
    "example_count_walker",
]


@dataclass(frozen=True)
class Exhausted:
    """Returned by a ``step_fn`` as its new state: the walker is done; ``state`` is final.

    Examples:
        >>> from search.parallel import Exhausted
        >>> Exhausted({"x": 3}).state
        {'x': 3}
    """

    state: Any


def improvement_score(improvement: Any) -> float | None:
    """The score carried by an improvement, or None if it carries none.

    Examples:
        >>> from search.parallel import improvement_score
        >>> improvement_score((3, "abc")), improvement_score({"score": 2.5}), improvement_score("x")
        (3.0, 2.5, None)
    """
    value: Any = None
    if isinstance(improvement, tuple | list) and len(improvement) == 2:
        value = improvement[0]
    elif isinstance(improvement, dict):
        value = improvement.get("score")
    else:
        value = getattr(improvement, "score", None)
    if isinstance(value, bool) or value is None:
        return None
    try:
        score = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(score) else score


@dataclass(frozen=True)
class ChunkedResult:
    """Outcome of :func:`run_chunked`.

    Attributes:
        states: final walker states (the final state of an exhausted walker).
        stop_reason: why the run stopped.
        steps: walker steps done in total (including resumed parts).
        elapsed: wall seconds in total (including resumed parts).
        best: the accepted improvement with the highest score (None if none).
        best_score: its score (``-inf`` if none).
        best_walker: the walker that found it (None if none).
        n_improvements: accepted improvements.
        n_rejected: improvements the callback rejected.
        chunks: chunks completed.
        resubmitted: chunks resubmitted after a worker died.
        walker_steps: steps done by each walker.
        run_id: the store's run id (None without a store).
    """

    states: tuple
    stop_reason: StopReason
    steps: int
    elapsed: float
    best: Any
    best_score: float
    best_walker: int | None
    n_improvements: int
    n_rejected: int
    chunks: int
    resubmitted: int
    walker_steps: tuple[int, ...]
    run_id: int | None = None

    def is_valid(self) -> bool:
        """Consistency: steps add up and a best exists exactly when its score is finite."""
        return sum(self.walker_steps) == self.steps and (
            (self.best_walker is not None) == (self.best_score > -math.inf)
        )

    def to_json(self) -> dict[str, Any]:
        """JSON summary (without the walker states)."""
        from engine.jsonable import to_jsonable

        return {
            "stop_reason": self.stop_reason.value,
            "steps": self.steps,
            "elapsed": round(self.elapsed, 6),
            "best": to_jsonable(self.best),
            "best_score": self.best_score if self.best_score > -math.inf else None,
            "best_walker": self.best_walker,
            "n_improvements": self.n_improvements,
            "n_rejected": self.n_rejected,
            "chunks": self.chunks,
            "resubmitted": self.resubmitted,
            "walker_steps": list(self.walker_steps),
            "run_id": self.run_id,
        }


class ImprovementRecorder:
    """An ``on_improvement`` callback: verify exactly, then store with ``verified=True``.

    Improvements must be ``(score, candidate)`` pairs (or carry ``score`` and ``candidate``
    fields). ``verify(candidate) -> bool`` is the exact check; failures are rejected (never
    stored). :func:`run_chunked` sets :attr:`run_id` when it records the run in a store.

    Args:
        verify: exact check of a candidate.
        key: canonical string of a candidate (de-duplication key in the store).
        to_json: JSON payload of a candidate.
        store: a :class:`search.store.ResultsStore` (None: verify only).
        domain: store domain (``"schemes"``, ``"graphs"``, ...).
        method: verification method recorded with each result.

    Examples:
        >>> from search.parallel import ImprovementRecorder
        >>> rec = ImprovementRecorder(lambda c: c % 2 == 0, str, lambda c: {"c": c},
        ...                           domain="generic", method="parity")
        >>> rec(0, (1.0, 4)), rec(0, (2.0, 5)), rec.accepted
        (True, False, [(0, 1.0, 4)])
    """

    def __init__(self, verify: Callable[[Any], bool], key: Callable[[Any], str],
                 to_json: Callable[[Any], Any], *, store: Any = None, domain: str = "generic",
                 method: str = "verify") -> None:
        self.verify, self.key, self.to_json = verify, key, to_json
        self.store, self.domain, self.method = store, domain, method
        self.run_id: int | None = None
        self.accepted: list[tuple[int, float | None, Any]] = []
        self.rejected = 0

    def __call__(self, walker_id: int, improvement: Any) -> bool:
        score = improvement_score(improvement)
        if isinstance(improvement, tuple | list) and len(improvement) == 2:
            candidate = improvement[1]
        elif isinstance(improvement, dict):
            candidate = improvement.get("candidate")
        else:
            candidate = getattr(improvement, "candidate", improvement)
        if not self.verify(candidate):
            self.rejected += 1
            return False
        self.accepted.append((walker_id, score, candidate))
        if self.store is not None:
            self.store.add_result(self.domain, self.key(candidate), self.to_json(candidate),
                                  verified=True, method=self.method, run_id=self.run_id,
                                  score=score)
        return True


def _quotas(total: int | None, n: int) -> list[int | None]:
    if total is None:
        return [None] * n
    return [total // n + (1 if i < total % n else 0) for i in range(n)]


def _pickling_error(w: int, be: Any, exc: BaseException) -> InvalidInputError:
    return InvalidInputError(
        f"step_fn or the state of walker {w} cannot be pickled for the "
        f"{getattr(be, 'name', '?')} backend ({exc}); define step_fn and state classes at "
        "module top level (no lambdas or closures), or use backend='serial'"
    )


def run_chunked(step_fn: Callable[[Any, Budget], tuple], states: Sequence[Any], *,
                backend: Backend | str = "process", budget: Budget,
                on_improvement: Callable[[int, Any], Any] | None = None,
                checkpoint: str | os.PathLike[str] | None = None, resume: bool = False,
                chunk_steps: int = 1000, chunk_time: float | None = None,
                max_retries: int = 3, store: Any = None, kind: str | None = None,
                params: dict | None = None, seed: int | None = None,
                progress: bool | None = None) -> ChunkedResult:
    """Advance independent walkers chunk by chunk on a backend until a stop condition.

    Args:
        step_fn: picklable top-level ``step_fn(state, slice_budget)`` returning
            ``(new_state, improvements)`` or ``(new_state, improvements, steps_used)``.
        states: initial walker states (seeded by the caller: put a seed or a
            ``numpy.random.Generator`` in each state).
        backend: a :class:`search.backends.Backend` or its name (``"process"`` by default; a
            backend created here from a name is closed at the end).
        budget: total steps over all walkers / wall time / target score.
        on_improvement: ``f(walker_id, improvement)``; return ``False`` to reject.
        checkpoint: file for walker-state checkpoints (atomic, after each chunk).
        resume: continue from ``checkpoint`` if it exists (else start fresh).
        chunk_steps: steps per chunk (a walker's last chunk may be shorter).
        chunk_time: seconds per chunk (passed as ``slice_budget.time_limit``), or None.
        max_retries: resubmissions of one walker's chunk after its worker died.
        store: a :class:`search.store.ResultsStore` to record the run in (default: the
            ``store`` attribute of ``on_improvement`` if it has one).
        kind, params, seed: recorded with the run in the store.
        progress: progress bar (None/True: only on a terminal; False: never).

    Returns:
        A :class:`ChunkedResult`.

    Raises:
        InvalidInputError: no walkers, bad ``chunk_steps``/``max_retries``, ``resume`` without a
            checkpoint, or a checkpoint with another number of walkers.
        EngineError: a walker's chunk failed ``max_retries`` times because its worker died.
        Exception: an exception raised inside ``step_fn`` propagates (after a checkpoint).
    """
    states = list(states)
    n = len(states)
    if n == 0:
        raise InvalidInputError("states=[] is empty; pass one initial state per walker")
    if not isinstance(budget, Budget):
        raise InvalidInputError(f"budget={budget!r} must be a search.core.Budget")
    if isinstance(chunk_steps, bool) or not isinstance(chunk_steps, int) or chunk_steps < 1:
        raise InvalidInputError(f"chunk_steps={chunk_steps!r} must be a positive integer")
    if chunk_time is not None and not float(chunk_time) > 0:
        raise InvalidInputError(f"chunk_time={chunk_time!r} must be positive seconds or None")
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise InvalidInputError(f"max_retries={max_retries!r} must be an integer >= 0")
    if resume and checkpoint is None:
        raise InvalidInputError("resume=True needs checkpoint=PATH")
    if not callable(step_fn):
        raise InvalidInputError(f"step_fn={step_fn!r} must be a top-level function")
    ckpt_kind = f"chunked:{getattr(step_fn, '__module__', '?')}.{getattr(step_fn, '__qualname__', '?')}"

    s: dict[str, Any] = {
        "n": n, "states": states, "walker_steps": [0] * n, "finished": [False] * n,
        "best": None, "best_score": -math.inf, "best_walker": None, "n_improvements": 0,
        "n_rejected": 0, "chunks": 0, "resubmitted": 0, "elapsed": 0.0, "run_id": None,
    }
    if resume:
        loaded = load_checkpoint(checkpoint, kind=ckpt_kind)
        if loaded is not None:
            if loaded["n"] != n:
                raise InvalidInputError(
                    f"checkpoint {str(checkpoint)!r} holds {loaded['n']} walkers but states has "
                    f"{n}; pass the same number of walkers or resume=False"
                )
            s.update(loaded)
            s["states"] = list(s["states"])
    if store is None:
        store = getattr(on_improvement, "store", None)
    if store is not None and s["run_id"] is None:
        run_params = {"budget": budget.to_json(), "walkers": n, "chunk_steps": chunk_steps,
                      "step_fn": ckpt_kind.split(":", 1)[1], **(params or {})}
        s["run_id"] = store.start_run(kind or "run_chunked", run_params, seed)
    if s["run_id"] is not None and hasattr(on_improvement, "run_id"):
        on_improvement.run_id = s["run_id"]

    own_backend = isinstance(backend, str)
    be = get_backend(backend) if own_backend else backend
    quotas = _quotas(budget.steps, n)
    t0 = time.perf_counter() - s["elapsed"]
    generation = 0
    retries = [0] * n
    inflight: dict[Any, tuple[int, int, int]] = {}  # future -> (walker, steps, generation)
    stop: StopReason | None = None

    def save() -> None:
        if checkpoint is not None:
            s["elapsed"] = time.perf_counter() - t0
            save_checkpoint(checkpoint, s, kind=ckpt_kind)

    def remaining_time() -> float | None:
        if budget.time_limit is None:
            return None
        return budget.time_limit - (time.perf_counter() - t0)

    def target_hit() -> bool:
        return budget.target_score is not None and s["best_score"] >= budget.target_score

    def submit(w: int) -> bool:
        if s["finished"][w]:
            return False
        left = None if quotas[w] is None else quotas[w] - s["walker_steps"][w]
        if left is not None and left <= 0:
            return False
        rt = remaining_time()
        if rt is not None and rt <= 0:
            return False
        steps = chunk_steps if left is None else min(chunk_steps, left)
        limit = chunk_time
        if rt is not None:
            limit = rt if limit is None else min(limit, rt)
        slice_budget = Budget(steps=steps, time_limit=limit, target_score=budget.target_score)
        nonlocal generation
        try:
            future = be.submit(step_fn, s["states"][w], slice_budget)
        except Exception as exc:
            if is_pickling_error(exc):
                raise _pickling_error(w, be, exc) from exc
            if not is_worker_lost(exc):
                raise
            # the pool broke (a worker died) before its failed future was collected: replace
            # it now; the old pool's futures fail and are resubmitted without another restart
            be.restart()
            generation += 1
            future = be.submit(step_fn, s["states"][w], slice_budget)
        inflight[future] = (w, steps, generation)
        return True

    def absorb(w: int, steps: int, out: Any) -> None:
        if not isinstance(out, tuple | list) or len(out) not in (2, 3):
            raise InvalidInputError(
                f"step_fn returned {type(out).__name__}; it must return "
                "(new_state, improvements) or (new_state, improvements, steps_used)"
            )
        new_state, improvements = out[0], out[1]
        used = int(out[2]) if len(out) == 3 else steps
        if new_state is None:
            s["finished"][w] = True
        elif isinstance(new_state, Exhausted):
            s["finished"][w] = True
            s["states"][w] = new_state.state
        else:
            s["states"][w] = new_state
        s["walker_steps"][w] += used
        s["chunks"] += 1
        retries[w] = 0
        for imp in improvements or ():
            verdict = on_improvement(w, imp) if on_improvement is not None else None
            if verdict is False:
                s["n_rejected"] += 1
                continue
            s["n_improvements"] += 1
            score = improvement_score(imp)
            if score is not None and score > s["best_score"]:
                s["best"], s["best_score"], s["best_walker"] = imp, score, w

    show = progress_wanted(progress)
    try:
        with SearchProgress(show, budget.steps, kind or "walkers") as bar:
            try:
                if not target_hit():
                    for w in range(n):
                        submit(w)
                while inflight:
                    done, _ = be.wait_any(list(inflight))
                    for fut in done:
                        w, steps, gen = inflight.pop(fut)
                        try:
                            out = fut.result()
                        except Exception as exc:
                            if is_pickling_error(exc):
                                save()
                                raise _pickling_error(w, be, exc) from exc
                            if not is_worker_lost(exc):
                                save()
                                raise
                            retries[w] += 1
                            if retries[w] > max_retries:
                                save()
                                raise EngineError(
                                    f"walker {w}: its chunk was lost {retries[w]} times "
                                    f"({type(exc).__name__}: a worker died, or could not "
                                    "unpickle step_fn/the state: define them at module top "
                                    "level); checkpoint kept, rerun with resume=True"
                                ) from exc
                            if gen == generation:
                                be.restart()
                                generation += 1
                            s["resubmitted"] += 1
                            if stop is None:
                                submit(w)
                            continue
                        absorb(w, steps, out)
                        save()
                        if stop is None and target_hit():
                            stop = StopReason.TARGET_REACHED
                            for f in inflight:
                                f.cancel()
                            inflight.clear()
                            break
                        if stop is None:
                            submit(w)
                    bar.update(sum(s["walker_steps"]),
                               s["best_score"] if s["best_score"] > -math.inf else None)
            except KeyboardInterrupt:
                stop = StopReason.INTERRUPTED
                for f in inflight:
                    f.cancel()
                inflight.clear()
    finally:
        if own_backend:
            be.close()
    if stop is None:
        if target_hit():
            stop = StopReason.TARGET_REACHED
        elif all(s["finished"]):
            stop = StopReason.EXHAUSTED
        elif all(q is not None and (done or ws >= q)
                 for q, ws, done in zip(quotas, s["walker_steps"], s["finished"], strict=True)):
            stop = StopReason.STEP_BUDGET
        else:
            stop = StopReason.TIME_LIMIT
    save()
    result = ChunkedResult(
        states=tuple(s["states"]), stop_reason=stop, steps=sum(s["walker_steps"]),
        elapsed=time.perf_counter() - t0, best=s["best"], best_score=s["best_score"],
        best_walker=s["best_walker"], n_improvements=s["n_improvements"],
        n_rejected=s["n_rejected"], chunks=s["chunks"], resubmitted=s["resubmitted"],
        walker_steps=tuple(s["walker_steps"]), run_id=s["run_id"],
    )
    if store is not None:
        store.end_run(s["run_id"], stop.value, result.to_json())
    return result


def example_count_walker(state: dict, budget: Budget) -> tuple[dict, list]:
    """Toy walker for tests and examples: ``x`` grows by ``mult`` per step; every new value of
    ``x`` that is a multiple of 5 is an improvement ``(x, x)``. Deterministic and picklable.

    Examples:
        >>> from search.core import Budget
        >>> from search.parallel import example_count_walker
        >>> example_count_walker({"x": 0, "mult": 1}, Budget(steps=10))
        ({'x': 10, 'mult': 1}, [(5, 5), (10, 10)])
    """
    x, mult = state["x"], state["mult"]
    improvements = []
    for _ in range(budget.steps or 0):
        x += mult
        if x % 5 == 0:
            improvements.append((x, x))
    return {**state, "x": x}, improvements
