"""The search runner: every search in disco runs on it.

A capability describes its search as a :class:`SearchSpec`: a picklable ``step`` function that
advances independent *walkers* (a flip walk, a slice of an enumeration box, a tabu walk, the
ask/tell loop of a :class:`search.core.Driver`), ``verify`` (exact), ``key`` (the only place a
store key is built), ``to_json`` / ``from_json`` of what it finds, and how to build its result
from the :class:`RunOutcome`. :func:`run_search` owns everything else, the same way for every
capability:

- **seeding**: one seed (drawn and recorded when not given) from which the spec derives the
  walkers' streams;
- **budgets**: :class:`search.core.Budget` ``(time_limit=, steps=, target=)``; steps are
  split evenly and deterministically over the walkers, time is wall time over the whole run
  including resumed parts, the target is in the spec's own terms (:meth:`SearchSpec.target_score`);
- **backends**: serial (in this process), a local process pool, or a Dask cluster
  (``cluster="tcp://host:8786"``), with chunks of a lost worker resubmitted from the walker's
  last state;
- **the store, first**: every verified improvement (``collect="best"``) or hit
  (``collect="all"``) is committed to the results store, linked to the run, the moment the
  coordinator accepts it, before it is printed, passed to ``on_result`` or returned;
- **checkpoints**: written atomically (:mod:`search.checkpoint`) when the run starts, at least
  every ``checkpoint_every`` seconds (chunks are cut so that they end in time) and at the end;
- **resume**: the walker states, counters, best and hits of the checkpoint, plus everything
  the run committed to the store after it (:meth:`search.store.ResultsStore.run_results`), so
  after ``kill -9`` at any moment nothing verified is lost and no result is worse than one
  already reported; walkers behind the best are moved to it (:meth:`SearchSpec.adopt`). A
  deterministic enumeration resumed after any number of kills ends with exactly the results
  of an uninterrupted run;
- **progress**: a line on stderr per accepted result (``progress=True``), a bar on a terminal;
- **stop reasons**: one :class:`search.core.StopReason` for all.

Walker protocol: ``step(state, budget) -> (new_state, found)`` or ``(new_state, found,
steps_used)``, where ``budget`` is this chunk's :class:`search.core.Budget` (``steps`` for the
walker in this chunk, ``time_limit`` in seconds, ``target`` as :meth:`SearchSpec.target_score`
of the run's target) and ``found`` lists raw
candidates (:meth:`SearchSpec.decode` turns each into a candidate in the coordinator). A walker
that is done returns ``Exhausted(final_state)`` (or None) as its new state. ``step`` must be a
module-level function (it is pickled by reference for the process and Dask backends).

Reference: J. Dean and S. Ghemawat, "MapReduce: simplified data processing on large clusters",
OSDI 2004 (re-execution of lost tasks); D. H. Tjanaka et al., "pyribs", GECCO 2023 (the ask/tell
separation kept by :class:`search.core.Driver`, the single-walker case of this runner).

Examples:
    >>> from search.core import Budget
    >>> from search.runner import ExampleCountSpec, run_search
    >>> out = run_search(ExampleCountSpec(walkers=2), Budget(steps=20), seed=0)
    >>> out.stop_reason.value, out.steps, out.best_score, len(out.hits)
    ('step_budget', 20, 20.0, 0)
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from engine._args import short_repr
from engine.errors import (
    CheckpointError,
    EngineError,
    InvalidInputError,
    check_seed,
)
from search.backends import Backend, get_backend, is_pickling_error, is_worker_lost
from search.checkpoint import check_checkpoint_path, read_envelope, write_envelope
from search.core import Budget, StopReason, _SigintDeferral
from search.progress import SearchProgress, progress_wanted

__all__ = [
    "SearchSpec",
    "RunOutcome",
    "Exhausted",
    "Found",
    "run_search",
    "open_store",
    "ExampleCountSpec",
]


@dataclass(frozen=True)
class Exhausted:
    """Returned by a step function as its new state: the walker is done; ``state`` is final.

    Examples:
        >>> from search.runner import Exhausted
        >>> Exhausted({"x": 3}).state
        {'x': 3}
    """

    state: Any


@dataclass(frozen=True)
class Found:
    """A candidate the runner accepted: verified, stored, and reported in this order.

    Attributes:
        candidate: the decoded candidate.
        key: its canonical key (the store key).
        score: its score (higher is better).
        walker: the walker that found it (None when merged from the store on resume).
        steps: steps done in total when it was accepted.
        elapsed: wall seconds when it was accepted.
        result_id: its id in the store (None without a store).
    """

    candidate: Any
    key: str
    score: float
    walker: int | None
    steps: int
    elapsed: float
    result_id: int | None = None


class SearchSpec:
    """What a capability hands the runner. Subclass it and override what applies.

    Class attributes:
        kind: the run kind (``runs.kind`` in the store; identifies checkpoints).
        domain: store domain of the results (``"schemes"``, ``"contfrac"``, ``"graphs"``...).
        verification_method: recorded with every stored result.
        collect: ``"best"``: walkers report improvements, the run keeps the best (a walk);
            ``"all"``: walkers report hits, the run keeps every distinct one (an enumeration).
        state_version: layout version of the walker states (bump it when it changes: older
            checkpoints are then refused with a clear message).
        chunk_steps: default steps per chunk of one walker.
        start_method: process-pool start method (``"fork"`` lets workers inherit compiled
            kernels; None: the backend's default ``"spawn"``).
        checkpoint_candidates: how checkpoints keep what the run found: ``"json"`` (the
            default: :meth:`to_json` payloads, rebuilt with :meth:`from_json`; small and
            independent of class layouts) or ``"pickle"`` (for candidates without
            ``from_json``).
        step: the module-level step function (see the module docstring).
    """

    kind: str = "search"
    domain: str = "generic"
    verification_method: str = "verify"
    collect: Literal["best", "all"] = "best"
    state_version: int = 1
    chunk_steps: int = 1000
    start_method: str | None = None
    checkpoint_candidates: Literal["json", "pickle"] = "json"
    step: Callable[..., Any] | None = None

    def params(self) -> dict[str, Any]:
        """JSON parameters that identify this search (recorded; a checkpoint must match them)."""
        return {}

    def initial_states(self, seed: int) -> list[Any]:
        """The walkers' initial states, seeded from ``seed``."""
        raise NotImplementedError

    def decode(self, raw: Any) -> Any:
        """The candidate a step reported (default: as it is)."""
        return raw

    def score(self, c: Any) -> float:
        """Score of a candidate; higher is better."""
        raise NotImplementedError

    def verify(self, c: Any) -> bool:
        """Exact check of a candidate (nothing unverified is stored, counted or returned)."""
        raise NotImplementedError

    def key(self, c: Any) -> str:
        """Canonical string of a candidate: its key in the store."""
        raise NotImplementedError

    def to_json(self, c: Any) -> Any:
        """The JSON payload stored for a candidate."""
        raise NotImplementedError

    def from_json(self, payload: Any) -> Any:
        """Inverse of :meth:`to_json` (used on resume and by ``disco results verify``)."""
        raise NotImplementedError

    def target_score(self, target: float) -> float:
        """The score a ``Budget.target`` given in the spec's own terms stands for."""
        return float(target)

    def is_reached(self, best_score: float, n_hits: int, target: float) -> bool:
        """Whether the run has reached ``Budget.target`` (default: the best score reaches
        :meth:`target_score` for ``collect="best"``; ``target`` hits for ``collect="all"``)."""
        if self.collect == "all":
            return n_hits >= target
        return best_score >= self.target_score(target)

    def adopt(self, state: Any, best: Any) -> Any:
        """A walker state moved to ``best`` (on resume, when ``best`` is better than the
        walker's own); None keeps the state."""
        return None

    def share(self, state: Any, best: Any) -> Any:
        """A walker state after another walker found the new best ``best`` (a population
        move, e.g. "move to the best with probability p", drawn from the state's own
        generator); None keeps the state. Called before the walker's next chunk whenever
        another walker improved the best since its last one (so also on process and Dask
        backends), in a fixed order on the serial backend, so serial runs stay reproducible."""
        return None

    def describe(self, c: Any) -> str:
        """One-line description for progress output (``"rank 50 over F2"``)."""
        return f"score {self.score(c):g}"


@dataclass(frozen=True)
class RunOutcome:
    """What :func:`run_search` returns; a capability builds its own result from it.

    Attributes:
        spec: the spec that ran.
        states: final walker states (the final state of an exhausted walker).
        stop_reason: why the run stopped.
        steps: steps done over all walkers (including resumed parts).
        elapsed: wall seconds (including resumed parts).
        seed: the run's seed.
        best: the accepted candidate with the highest score (None if none).
        best_score: its score (``-inf`` if none).
        hits: every accepted candidate (``collect="all"``), in the order accepted.
        found: :class:`Found` records of every accepted candidate (improvements or hits).
        n_rejected: candidates that failed verification.
        chunks, resubmitted: chunks completed; chunks resubmitted after a worker died.
        walker_steps: steps per walker.
        run_id: the store's run id (None without a store).
        resumed: whether the run continued a checkpoint.
        history: ``((steps, elapsed, score), ...)`` at each improvement of the best.
    """

    spec: Any
    states: tuple
    stop_reason: StopReason
    steps: int
    elapsed: float
    seed: int
    best: Any
    best_score: float
    hits: tuple
    found: tuple
    n_rejected: int
    chunks: int
    resubmitted: int
    walker_steps: tuple[int, ...]
    run_id: int | None = None
    resumed: bool = False
    history: tuple = field(default=(), repr=False)

    @property
    def n_improvements(self) -> int:
        """Accepted candidates (improvements of the best, or hits)."""
        return len(self.found)

    @property
    def reached(self) -> bool:
        """Whether the run stopped because it reached the target."""
        return self.stop_reason is StopReason.TARGET_REACHED

    def to_json(self) -> dict[str, Any]:
        """JSON summary (without the walker states)."""
        spec = self.spec
        return {
            "kind": spec.kind, "stop_reason": self.stop_reason.value, "steps": self.steps,
            "elapsed": round(self.elapsed, 6), "seed": self.seed,
            "best": None if self.best is None else spec.to_json(self.best),
            "best_score": self.best_score if self.best_score > -math.inf else None,
            "n_found": len(self.found), "n_rejected": self.n_rejected, "chunks": self.chunks,
            "resubmitted": self.resubmitted, "walker_steps": list(self.walker_steps),
            "run_id": self.run_id, "resumed": self.resumed,
            "history": [list(h) for h in self.history],
        }


def open_store(store: Any) -> Any:
    """A :class:`search.store.ResultsStore` from a store, a path, True (the default path) or None.

    Examples:
        >>> from search.runner import open_store
        >>> open_store(None) is None
        True
    """
    if store is None or store is False:
        return None
    if hasattr(store, "add_result"):
        return store
    import os

    from search.store import ResultsStore

    if store is not True and (not isinstance(store, str | os.PathLike) or isinstance(store, bytes)
                              or (isinstance(store, str) and (not store.strip() or "\x00" in store))):
        raise InvalidInputError(f"store={short_repr(store)} must be a ResultsStore, a file path, "
                                "True (the default store) or None (no store)")
    return ResultsStore(None if store is True else store)


def _quotas(total: int | None, n: int) -> list[int | None]:
    if total is None:
        return [None] * n
    return [total // n + (1 if i < total % n else 0) for i in range(n)]


def _pickling_error(w: int, be: Any, exc: BaseException) -> InvalidInputError:
    return InvalidInputError(
        f"the step function or the state of walker {w} cannot be pickled for the "
        f"{getattr(be, 'name', '?')} backend ({exc}); define them at module top level (no "
        "lambdas or closures), or use backend='serial'"
    )


def _check_spec(spec: Any) -> None:
    if not isinstance(spec, SearchSpec):
        raise InvalidInputError(f"spec={spec!r:.60} must be a search.runner.SearchSpec")
    if not callable(spec.step):
        raise InvalidInputError(f"spec {type(spec).__name__} has no step function")
    if spec.collect not in ("best", "all"):
        raise InvalidInputError(f"spec.collect={spec.collect!r} must be 'best' or 'all'")


def _make_backend(backend: Any, workers: int | None, cluster: str | None,
                  start_method: str | None) -> tuple[Backend, bool]:
    if isinstance(backend, Backend):
        if cluster is not None:
            raise InvalidInputError("cluster= names a Dask scheduler; do not pass a backend too")
        return backend, False
    if cluster is not None:
        if backend not in (None, "dask"):
            raise InvalidInputError(
                f"cluster={cluster!r} runs on Dask; backend={backend!r} contradicts it (drop it)"
            )
        backend = "dask"
    if backend is None:
        backend = "serial" if workers in (None, 1) else "process"
    opts: dict[str, Any] = {}
    if backend == "process" and start_method is not None:
        import multiprocessing

        if start_method in multiprocessing.get_all_start_methods():
            opts["start_method"] = start_method
    return get_backend(backend, workers=workers, address=cluster, **opts), True


def run_search(spec: SearchSpec, budget: Budget | None = None, *, seed: int | None = None,
               workers: int | None = None, backend: Any = None, cluster: str | None = None,
               checkpoint: str | os.PathLike[str] | None = None, checkpoint_every: float = 30.0,
               resume: bool = False, force: bool = False, store: Any = None,
               progress: bool | None = None,
               on_result: Callable[[Found], None] | None = None,
               chunk_steps: int | None = None, chunk_time: float | None = None,
               max_retries: int = 3) -> RunOutcome:
    """Run ``spec`` to a stop reason: the one loop every search of disco uses.

    Args:
        spec: the :class:`SearchSpec`.
        budget: ``Budget(time_limit=, steps=, target=)`` (default: none; then the walkers must
            exhaust, or the target be reached).
        seed: the run's seed (None: fresh entropy, recorded; on resume, the checkpoint's).
        workers: parallel workers for the process / Dask backends.
        backend: ``"serial"`` (default for one worker), ``"process"`` (default for several),
            ``"dask"`` or a :class:`search.backends.Backend`.
        cluster: a Dask scheduler address ``tcp://host:8786`` (implies ``backend="dask"``).
        checkpoint: checkpoint file (None: no checkpoints).
        checkpoint_every: seconds between checkpoints (at least this often; default 30).
        resume: continue ``checkpoint`` (a missing file starts a fresh run, with a note on
            stderr, so a run killed before its first checkpoint can be resumed too).
        force: start a fresh run over an existing checkpoint file (else that is refused, so a
            forgotten ``resume`` never destroys a run).
        store: a :class:`search.store.ResultsStore`, a path, or None (no store).
        progress: True: one line on stderr per accepted result (and a bar on a terminal);
            None: the same, on a terminal only; False: silent.
        on_result: called with each :class:`Found` after it is stored.
        chunk_steps: steps per walker chunk (default ``spec.chunk_steps``).
        chunk_time: seconds per chunk (default: none beyond ``checkpoint_every``).
        max_retries: resubmissions of one walker's chunk after its worker died.

    Returns:
        A :class:`RunOutcome`.

    Raises:
        InvalidInputError: a bad argument (named, with the fix); ``resume`` without a
            checkpoint path; an existing checkpoint without ``resume`` or ``force``; an
            unreachable Dask scheduler.
        CheckpointError: a checkpoint that is corrupt, truncated, or of another search,
            parameters or version (checked before anything is written).
        StoreError: the store is locked, foreign or corrupt.
        EngineError: a walker's chunk was lost ``max_retries`` times.
    """
    _check_spec(spec)
    if budget is None:
        budget = Budget()
    if not isinstance(budget, Budget):
        raise InvalidInputError(f"budget={budget!r} must be a search.core.Budget")
    seed = check_seed(seed)
    if not isinstance(checkpoint_every, int | float) or isinstance(checkpoint_every, bool) \
            or not checkpoint_every > 0 or not math.isfinite(checkpoint_every):
        raise InvalidInputError(
            f"checkpoint_every={checkpoint_every!r} must be a positive number of seconds"
        )
    chunk_steps = spec.chunk_steps if chunk_steps is None else chunk_steps
    if isinstance(chunk_steps, bool) or not isinstance(chunk_steps, int) or chunk_steps < 1:
        raise InvalidInputError(f"chunk_steps={chunk_steps!r} must be a positive integer")
    if chunk_time is not None and not float(chunk_time) > 0:
        raise InvalidInputError(f"chunk_time={chunk_time!r} must be positive seconds or None")
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise InvalidInputError(f"max_retries={max_retries!r} must be an integer >= 0")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int)
                                or workers < 1):
        raise InvalidInputError(f"workers={workers!r} must be a positive integer")
    if resume and checkpoint is None:
        raise InvalidInputError(
            "resume=True continues a checkpoint; give its path with checkpoint=PATH (--checkpoint)"
        )
    params = spec.params()

    # -- checkpoint first: every check happens before anything is written -----------------
    loaded = None
    if checkpoint is not None:
        check_checkpoint_path(checkpoint)
        if resume:
            loaded = read_envelope(checkpoint, kind=spec.kind, params=params,
                                   state_version=spec.state_version)
            if loaded is None:
                print(f"disco: note: no checkpoint at {str(checkpoint)!r} yet; starting the run "
                      "from the beginning", file=sys.stderr)
        elif Path(checkpoint).exists() and not force:
            raise InvalidInputError(
                f"checkpoint={str(checkpoint)!r} already exists; pass resume=True (--resume) to "
                "continue that run, or force=True (--force) to start over and replace it"
            )
    if loaded is not None:
        envelope, _ = loaded
        ck_seed = int(envelope["seed"]) if envelope.get("seed") is not None else None
        if seed is not None and ck_seed is not None and seed != ck_seed:
            raise CheckpointError(
                f"seed={seed} differs from the seed {ck_seed} of checkpoint {str(checkpoint)!r}; "
                f"resume with seed {ck_seed} (or no seed), or start without --resume"
            )
        seed = ck_seed
    if seed is None:
        seed = int(np.random.SeedSequence().entropy)
    st = open_store(store)
    # the backend before anything is written: an unreachable Dask scheduler leaves no run row
    # and no checkpoint behind
    be, own_backend = _make_backend(backend, workers, cluster, spec.start_method)
    try:
        return _run(spec, budget, seed, params, loaded, st, be, checkpoint, checkpoint_every,
                    progress, on_result, chunk_steps, chunk_time, max_retries)
    finally:
        if own_backend:
            be.close()


def _run(spec: SearchSpec, budget: Budget, seed: int, params: dict[str, Any], loaded: Any,
         st: Any, be: Backend, checkpoint: Any, checkpoint_every: float, progress: bool | None,
         on_result: Callable[[Found], None] | None, chunk_steps: int, chunk_time: float | None,
         max_retries: int) -> RunOutcome:
    """The loop of :func:`run_search` (arguments already checked, backend open)."""
    envelope, blob = loaded if loaded is not None else (None, None)

    # -- the run's state ----------------------------------------------------------------
    s: dict[str, Any] = {
        "walker_steps": [], "finished": [], "elapsed": 0.0, "run_id": None, "chunks": 0,
        "resubmitted": 0, "n_rejected": 0, "history": [],
    }
    found: list[Found] = []
    hits: dict[str, tuple[Any, float]] = {}  # key -> (candidate, score) (collect="all")
    best: dict[str, Any] = {"c": None, "score": -math.inf, "key": None, "walker": None}
    if loaded is not None:
        header = envelope["header"]
        s.update({k: header[k] for k in s if k in header})
        states = list(blob["states"])
        records = blob.get("found")
        if records is None:  # JSON records in the header
            records = [Found(spec.from_json(r["payload"]), r["key"], float(r["score"]),
                             r.get("walker"), int(r["steps"]), float(r["elapsed"]), r.get("id"))
                       for r in header.get("found", [])]
        for f in records:
            _absorb_found(spec, found, hits, best, f)
    else:
        states = list(spec.initial_states(seed))
        if not states:
            raise InvalidInputError(f"{spec.kind}: the spec made no walkers")
        s["walker_steps"] = [0] * len(states)
        s["finished"] = [False] * len(states)
    n = len(states)
    if st is not None:
        if s["run_id"] is None or not st.has_run(s["run_id"]):
            s["run_id"] = st.start_run(spec.kind, {"budget": budget.to_json(), **params}, seed)
        elif loaded is not None:  # merge what the run committed after its last checkpoint
            ck_best = best["score"]
            known = {f.key for f in found}
            for row in st.run_results(s["run_id"]):
                if row.domain != spec.domain or row.key in known:
                    continue
                try:
                    c = spec.from_json(row.payload)
                except NotImplementedError:  # the spec cannot rebuild candidates: keep the
                    break                    # checkpoint's (the store still holds the rows)
                score = float(spec.score(c))
                if spec.collect == "best" and score <= best["score"]:
                    continue
                _absorb_found(spec, found, hits, best,
                              Found(c, row.key, score, None, sum(s["walker_steps"]),
                                    s["elapsed"], row.id))
            if spec.collect == "best" and best["score"] > ck_best:
                for w in range(n):
                    if not s["finished"][w]:
                        moved = spec.adopt(states[w], best["c"])
                        if moved is not None:
                            states[w] = moved

    def save() -> None:
        if checkpoint is None:
            return
        s["elapsed"] = time.perf_counter() - t0
        header = dict(s, best_score=best["score"] if best["score"] > -math.inf else None,
                      best_key=best["key"], n_found=len(found))
        blob: dict[str, Any] = {"states": states}
        if spec.checkpoint_candidates == "pickle":
            blob["found"] = found
        else:
            header["found"] = [
                {"key": f.key, "score": f.score, "walker": f.walker, "steps": f.steps,
                 "elapsed": f.elapsed, "id": f.result_id, "payload": spec.to_json(f.candidate)}
                for f in found]
        write_envelope(checkpoint, kind=spec.kind, params=params, seed=seed,
                       state_version=spec.state_version, header=header, states=blob)

    target = budget.target
    step_target = None if target is None else float(spec.target_score(target))
    quotas = _quotas(budget.steps, n)
    show_lines = progress is True or (progress is None and progress_wanted(None))
    t0 = time.perf_counter() - s["elapsed"]
    save()  # the run id and the initial states are on disk before any work is done
    last_save = time.perf_counter()

    def target_hit() -> bool:
        return target is not None and bool(spec.is_reached(best["score"], len(hits), target))

    def accept(w: int, raw: Any) -> None:
        c = spec.decode(raw)
        score = float(spec.score(c))
        if spec.collect == "best" and not score > best["score"]:
            return
        key = spec.key(c)
        if spec.collect == "all" and key in hits and not score > hits[key][1]:
            return
        if not spec.verify(c):
            s["n_rejected"] += 1
            return
        elapsed = time.perf_counter() - t0
        rid = None
        if st is not None:  # committed before it is printed, passed on or returned
            rid, _ = st.add_result(spec.domain, key, spec.to_json(c), verified=True,
                                   method=spec.verification_method, run_id=s["run_id"],
                                   score=score if math.isfinite(score) else None)
        f = Found(c, key, score, w, sum(s["walker_steps"]), elapsed, rid)
        improved = _absorb_found(spec, found, hits, best, f)
        if improved:
            s["history"].append((f.steps, round(elapsed, 6), score))
            shared["version"] += 1
        if show_lines:
            print(f"{spec.kind}: {spec.describe(c)} (walker {w}, {f.steps} steps, "
                  f"{elapsed:.1f} s)", file=sys.stderr, flush=True)
        if on_result is not None:
            on_result(f)

    generation = 0
    retries = [0] * n
    inflight: dict[Any, tuple[int, int, int, int]] = {}  # future -> (walker, steps, gen, order)
    order = 0
    shared = {"version": 0, "seen": [0] * n}  # improvements of the best, and what each walker saw
    stop: StopReason | None = None
    def remaining_time() -> float | None:
        if budget.time_limit is None:
            return None
        return budget.time_limit - (time.perf_counter() - t0)

    def catch_up(w: int) -> None:
        """Offer walker ``w`` the best another walker found since its last chunk (``share``)."""
        if shared["seen"][w] < shared["version"] and best["walker"] not in (None, w):
            moved = spec.share(states[w], best["c"])
            if moved is not None:
                states[w] = moved
        shared["seen"][w] = shared["version"]

    def chunk_budget(w: int) -> Budget | None:
        """The next chunk's budget for walker ``w`` (None: the walker has nothing left)."""
        if s["finished"][w]:
            return None
        left = None if quotas[w] is None else quotas[w] - s["walker_steps"][w]
        if left is not None and left <= 0:
            return None
        rt = remaining_time()
        if rt is not None and rt <= 0:
            return None
        steps = chunk_steps if left is None else min(chunk_steps, left)
        limits = [x for x in (rt, chunk_time, checkpoint_every if checkpoint else None)
                  if x is not None]
        return Budget(steps=steps, time_limit=min(limits) if limits else None,
                      target=step_target)

    def submit(w: int) -> bool:
        nonlocal generation, order
        slice_budget = chunk_budget(w)
        if slice_budget is None:
            return False
        catch_up(w)
        try:
            future = be.submit(spec.step, states[w], slice_budget)
        except Exception as exc:
            if is_pickling_error(exc):
                raise _pickling_error(w, be, exc) from exc
            if not is_worker_lost(exc):
                raise
            be.restart()
            generation += 1
            future = be.submit(spec.step, states[w], slice_budget)
        order += 1
        inflight[future] = (w, slice_budget.steps, generation, order)
        return True

    def run_serial() -> StopReason | None:
        """Walkers in turn, in this process: every chunk sees the results of the chunks
        before it (``share``), so a serial run is reproducible."""
        nonlocal last_save
        while True:
            ran = False
            for w in range(n):
                slice_budget = chunk_budget(w)
                if slice_budget is None:
                    continue
                catch_up(w)
                try:
                    out = spec.step(states[w], slice_budget)
                except BaseException:
                    save()
                    raise
                ran = True
                absorb(w, slice_budget.steps, out)
                if target_hit():
                    return StopReason.TARGET_REACHED
                if sigint.requested:
                    return StopReason.INTERRUPTED
                if checkpoint is not None and time.perf_counter() - last_save >= checkpoint_every:
                    save()
                    last_save = time.perf_counter()
                bar.update(sum(s["walker_steps"]),
                           best["score"] if best["score"] > -math.inf else None)
            if not ran:
                return None

    def absorb(w: int, steps: int, out: Any) -> None:
        if not isinstance(out, tuple | list) or len(out) not in (2, 3):
            raise InvalidInputError(
                f"{spec.kind}: the step function returned {type(out).__name__}; it must return "
                "(new_state, found) or (new_state, found, steps_used)"
            )
        new_state, raws = out[0], out[1]
        used = int(out[2]) if len(out) == 3 else steps
        if new_state is None:
            s["finished"][w] = True
        elif isinstance(new_state, Exhausted):
            s["finished"][w] = True
            states[w] = new_state.state
        else:
            states[w] = new_state
        s["walker_steps"][w] += used
        s["chunks"] += 1
        retries[w] = 0
        for raw in raws or ():
            accept(w, raw)

    show_bar = progress is not False and progress_wanted(progress)
    with SearchProgress(show_bar, budget.steps, spec.kind) as bar, \
            _SigintDeferral() as sigint:
        try:
            if target_hit():
                stop = StopReason.TARGET_REACHED
            elif getattr(be, "name", None) == "serial":
                stop = run_serial()
            else:
                for w in range(n):
                    submit(w)
            while inflight:
                done, _ = be.wait_any(list(inflight))
                for fut in sorted(done, key=lambda f: inflight[f][3]):
                    w, steps, gen, _ = inflight.pop(fut)
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
                                f"{spec.kind}: the chunk of walker {w} was lost "
                                f"{retries[w]} times ({type(exc).__name__}: a worker died); "
                                "the checkpoint is kept: rerun with --resume"
                            ) from exc
                        if gen == generation:
                            be.restart()
                            generation += 1
                        s["resubmitted"] += 1
                        if stop is None:
                            submit(w)
                        continue
                    absorb(w, steps, out)
                    if stop is None and target_hit():
                        stop = StopReason.TARGET_REACHED
                    elif stop is None and sigint.requested:
                        stop = StopReason.INTERRUPTED
                    if stop is not None:
                        for f in inflight:
                            f.cancel()
                        inflight.clear()
                        break
                    submit(w)
                if checkpoint is not None and \
                        time.perf_counter() - last_save >= checkpoint_every:
                    save()
                    last_save = time.perf_counter()
                bar.update(sum(s["walker_steps"]),
                           best["score"] if best["score"] > -math.inf else None)
        except KeyboardInterrupt:
            stop = StopReason.INTERRUPTED
            for f in inflight:
                f.cancel()
            inflight.clear()
    if stop is None:
        if target_hit():
            stop = StopReason.TARGET_REACHED
        elif all(s["finished"]):
            stop = StopReason.EXHAUSTED
        elif all(q is not None and (fin or ws >= q)
                 for q, ws, fin in zip(quotas, s["walker_steps"], s["finished"], strict=True)):
            stop = StopReason.STEP_BUDGET
        else:
            stop = StopReason.TIME_LIMIT
    save()
    outcome = RunOutcome(
        spec=spec, states=tuple(states), stop_reason=stop, steps=sum(s["walker_steps"]),
        elapsed=time.perf_counter() - t0, seed=int(seed), best=best["c"],
        best_score=best["score"], hits=tuple(c for c, _ in hits.values()), found=tuple(found),
        n_rejected=s["n_rejected"], chunks=s["chunks"], resubmitted=s["resubmitted"],
        walker_steps=tuple(s["walker_steps"]), run_id=s["run_id"], resumed=loaded is not None,
        history=tuple(tuple(h) for h in s["history"]),
    )
    if st is not None:
        summary = outcome.to_json()
        summary.pop("history")
        st.end_run(s["run_id"], stop.value, summary)
    return outcome


def _absorb_found(spec: SearchSpec, found: list, hits: dict, best: dict, f: Found) -> bool:
    """Record an accepted candidate; returns whether it improved the best."""
    found.append(f)
    if spec.collect == "all":
        hits[f.key] = (f.candidate, f.score)
    if f.score > best["score"]:
        best.update(c=f.candidate, score=f.score, key=f.key, walker=f.walker)
        return True
    return False


# ----------------------------------------------------------------------------- example
def example_count_step(state: dict, budget: Budget) -> tuple[dict, list, int]:
    """Step of :class:`ExampleCountSpec`: ``x`` grows by ``mult`` per step; each new multiple
    of 5 is reported. Deterministic and picklable.

    Examples:
        >>> from search.core import Budget
        >>> from search.runner import example_count_step
        >>> example_count_step({"x": 0, "mult": 1}, Budget(steps=10))
        ({'x': 10, 'mult': 1}, [5, 10], 10)
    """
    x, mult = state["x"], state["mult"]
    found = []
    n = budget.steps or 0
    delay = state.get("delay", 0.0)
    for _ in range(n):
        x += mult
        if x % 5 == 0:
            found.append(x)
        if delay:
            time.sleep(delay)
    return {**state, "x": x}, found, n


class ExampleCountSpec(SearchSpec):
    """Toy spec for tests and examples: walker ``i`` counts up in steps of ``i + 1``; the
    score of a multiple of 5 is its value (``collect="best"``), or every multiple of 5 is a hit
    (``collect="all"``). ``verify`` rejects the multiples in ``reject``; ``delay`` seconds are
    slept per step (for tests that kill a run); with ``share`` a walker behind a new best
    jumps to it.

    Examples:
        >>> from search.core import Budget
        >>> from search.runner import ExampleCountSpec, run_search
        >>> out = run_search(ExampleCountSpec(walkers=1, collect="all"), Budget(steps=12), seed=0)
        >>> sorted(out.hits)
        [5, 10]
    """

    kind = "example.count"
    domain = "generic"
    verification_method = "divisibility"
    chunk_steps = 5

    def __init__(self, walkers: int = 2, collect: str = "best",
                 reject: Sequence[int] = (), delay: float = 0.0, share: bool = False) -> None:
        self.walkers = walkers
        self.sharing = bool(share)
        self.collect = collect  # type: ignore[assignment]
        self.reject = frozenset(reject)
        self.delay = float(delay)

    step = staticmethod(example_count_step)

    def params(self) -> dict[str, Any]:
        return {"walkers": self.walkers, "collect": self.collect}

    def initial_states(self, seed: int) -> list[Any]:
        return [{"x": 0, "mult": i + 1, "delay": self.delay} for i in range(self.walkers)]

    def score(self, c: int) -> float:
        return float(c)

    def verify(self, c: int) -> bool:
        return c % 5 == 0 and c not in self.reject

    def key(self, c: int) -> str:
        return str(c)

    def to_json(self, c: int) -> dict[str, int]:
        return {"x": int(c)}

    def from_json(self, payload: dict[str, int]) -> int:
        return int(payload["x"])

    def adopt(self, state: dict, best: int) -> dict:
        return {**state, "x": max(state["x"], best)}

    def share(self, state: dict, best: int) -> dict | None:
        return self.adopt(state, best) if self.sharing else None
