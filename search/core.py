"""The problem-independent search core: ask/tell protocols, budgets, stop reasons, the Driver.

A search is four parts (the separation pyribs uses for archive/emitter/scheduler):

- a :class:`Problem`: ``evaluate(c) -> float`` (higher is better, cheap, may be approximate),
  ``verify(c) -> bool`` (exact), ``key(c) -> str`` (canonical form for de-duplication) and
  ``to_json(c) -> dict``; optional attributes ``domain`` (store domain, default
  ``"generic"``), ``verification_method`` (default ``"problem.verify"``) and ``params``
  (a JSON dict recorded with the run);
- a :class:`Proposer`: ``ask(n) -> list`` of candidates (an empty list means the candidate
  space is exhausted), ``tell(candidates, scores)``, ``state()`` / ``restore(state)``;
- an :class:`Archive`: ``add(c, score, meta) -> bool``, ``best``, ``best_score``,
  ``state()`` / ``restore(state)``; the default is :class:`TopKArchive`;
- the :class:`Driver`, which runs the ask/evaluate/tell loop under a :class:`Budget`.

Randomness: the Driver owns ``numpy.random.default_rng(seed)`` (a fresh 128-bit seed is drawn
and recorded when ``seed`` is None) and hands that generator to the proposer by calling
``proposer.bind(rng)`` before the first ``ask``; proposers draw every random number from it.
The generator's state is saved in checkpoints, so a resumed run continues the same stream.

Verification: every candidate that would enter the archive (a new best, or a top-k entry) is
first checked with ``problem.verify``; only verified candidates are archived and written to
the store (with ``verified=True``). Candidates whose verification fails are counted in
``DriverResult.n_rejected`` and dropped.

Checkpoints are pickles written atomically (temp file + ``os.replace``) at batch boundaries,
every ``checkpoint_every`` seconds and at the end of the run. ``run(resume=True)`` restores
steps, elapsed time, the generator, the proposer and the archive, so with the same seed,
batch size and budget a resumed run returns the same result as an uninterrupted one whenever
the checkpoint lies on a batch boundary of the uninterrupted run (periodic and interrupt
checkpoints always do; a step budget that is not a multiple of ``batch_size`` shortens the
last batch and so shifts later boundaries). Budgets are totals over the whole run including
resumed parts (steps and elapsed seconds). Without a checkpoint file, ``resume=True`` starts
fresh; the checkpoint is tied to the problem and proposer classes and the seed.

An interrupt (Ctrl-C) stops the run with :attr:`StopReason.INTERRUPTED` and keeps the best so
far: the first SIGINT in the main thread is deferred to the end of the current batch (so the
final checkpoint is consistent), a second one interrupts at once.

Reference: D. H. Tjanaka et al., "pyribs: A Bare-Bones Python Library for Quality Diversity
Optimization", GECCO 2023 (ask/tell separation of archive, emitter and scheduler).

Examples:
    >>> from search.core import Budget, Driver, RandomRestartProposer, StopReason
    >>> from search.core import ExampleMaxOnes
    >>> problem = ExampleMaxOnes(n=12)
    >>> proposer = RandomRestartProposer(problem.sample, problem.mutate)
    >>> result = Driver(problem, proposer, budget=Budget(steps=2000, target_score=12),
    ...                 seed=7, progress=False).run()
    >>> result.stop_reason is StopReason.TARGET_REACHED, result.best_score
    (True, 12.0)
"""

from __future__ import annotations

import heapq
import itertools
import math
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

import numpy as np

from engine.errors import InvalidInputError, check_seed
from search.checkpoint import load_checkpoint, save_checkpoint
from search.progress import SearchProgress, progress_wanted

__all__ = [
    "StopReason",
    "Budget",
    "Problem",
    "Proposer",
    "Archive",
    "TopKArchive",
    "RandomRestartProposer",
    "EnumerationProposer",
    "Driver",
    "DriverResult",
    "ExampleMaxOnes",
]


class StopReason(StrEnum):
    """Why a search stopped (a ``str`` enum: ``StopReason.EXHAUSTED == "exhausted"``).

    Running out of budget is a normal outcome, not an error; only ``EXHAUSTED`` after a
    complete enumeration proves that nothing better exists in the enumerated space.
    """

    TARGET_REACHED = "target_reached"
    STEP_BUDGET = "step_budget"
    TIME_LIMIT = "time_limit"
    EXHAUSTED = "exhausted"
    INTERRUPTED = "interrupted"


@dataclass(frozen=True)
class Budget:
    """Limits of a search; any of them may be None (no limit).

    Args:
        steps: maximum number of evaluated candidates (or walker steps in ``run_chunked``).
        time_limit: maximum wall time in seconds.
        target_score: stop as soon as a verified score ``>= target_score`` is found.

    Raises:
        InvalidInputError: negative steps or time, NaN target.

    Examples:
        >>> from search.core import Budget
        >>> Budget(steps=100).steps
        100
        >>> Budget(steps=-1)
        Traceback (most recent call last):
        ...
        engine.errors.InvalidInputError: steps=-1 must be an integer >= 0 or None
    """

    steps: int | None = None
    time_limit: float | None = None
    target_score: float | None = None

    def __post_init__(self) -> None:
        if self.steps is not None:
            if isinstance(self.steps, bool) or not isinstance(self.steps, int | np.integer) \
                    or self.steps < 0:
                raise InvalidInputError(f"steps={self.steps!r} must be an integer >= 0 or None")
            object.__setattr__(self, "steps", int(self.steps))
        if self.time_limit is not None:
            try:
                t = float(self.time_limit)
            except (TypeError, ValueError):
                t = float("nan")
            if not t >= 0:
                raise InvalidInputError(
                    f"time_limit={self.time_limit!r} must be a number of seconds >= 0 or None"
                )
            object.__setattr__(self, "time_limit", t)
        if self.target_score is not None:
            try:
                s = float(self.target_score)
            except (TypeError, ValueError):
                s = float("nan")
            if math.isnan(s):
                raise InvalidInputError(
                    f"target_score={self.target_score!r} must be a number or None"
                )
            object.__setattr__(self, "target_score", s)

    def to_json(self) -> dict[str, Any]:
        """The budget as a JSON dict."""
        return {"steps": self.steps, "time_limit": self.time_limit,
                "target_score": self.target_score}


@runtime_checkable
class Problem(Protocol):
    """What the driver needs to know about a problem (and nothing more)."""

    def evaluate(self, c: Any) -> float:
        """Score of candidate ``c``; higher is better (NaN or -inf: invalid candidate)."""
        ...

    def verify(self, c: Any) -> bool:
        """Exact check that ``c`` is what its score claims."""
        ...

    def key(self, c: Any) -> str:
        """Canonical string of ``c`` (equal for equivalent candidates)."""
        ...

    def to_json(self, c: Any) -> dict:
        """JSON-ready description of ``c``."""
        ...


@runtime_checkable
class Proposer(Protocol):
    """Ask/tell candidate generator. Optionally ``bind(rng)`` receives the driver's generator."""

    def ask(self, n: int) -> list:
        """Up to ``n`` new candidates; an empty list means the space is exhausted."""
        ...

    def tell(self, candidates: Sequence[Any], scores: Sequence[float]) -> None:
        """Scores of the candidates returned by the last ``ask``."""
        ...

    def state(self) -> Any:
        """Picklable state (excluding the bound generator, which the driver saves)."""
        ...

    def restore(self, state: Any) -> None:
        """Restore a state returned by :meth:`state`."""
        ...


@runtime_checkable
class Archive(Protocol):
    """Keeps the best candidates found. ``add`` returns whether ``c`` entered the archive.

    An archive may also offer ``accepts(score, key=None) -> bool`` (would a candidate with
    this score and canonical key enter?) so the driver verifies only candidates that matter,
    and ``top() -> [(score, c), ...]``. Without ``accepts`` only new bests are verified.
    """

    def add(self, c: Any, score: float, meta: dict | None = None) -> bool: ...

    @property
    def best(self) -> Any: ...

    @property
    def best_score(self) -> float: ...

    def state(self) -> Any: ...

    def restore(self, state: Any) -> None: ...


class TopKArchive:
    """Best-so-far plus the ``k`` best distinct candidates (distinct by ``meta["key"]``).

    A candidate whose key is already archived replaces the entry only with a higher score.

    Args:
        k: how many entries to keep (>= 1).

    Raises:
        InvalidInputError: ``k < 1``.

    Examples:
        >>> from search.core import TopKArchive
        >>> a = TopKArchive(k=2)
        >>> [a.add(c, s, {"key": c}) for c, s in [("x", 1.0), ("y", 3.0), ("x", 1.0), ("z", 2.0)]]
        [True, True, False, True]
        >>> a.best, a.best_score, [c for _, c in a.top()]
        ('y', 3.0, ['y', 'z'])
    """

    def __init__(self, k: int = 10) -> None:
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise InvalidInputError(f"k={k!r} must be an integer >= 1")
        self.k = k
        self._heap: list[tuple[float, int, str, Any]] = []  # min-heap of (score, order, key, c)
        self._keys: dict[str, float] = {}  # key -> score of the archived entry
        self._order = 0
        self._best: Any = None
        self._best_score = -math.inf

    def accepts(self, score: float, key: str | None = None) -> bool:
        """Whether a candidate with this score (and canonical ``key``) would enter the archive."""
        if not score > -math.inf:
            return False
        if key is not None and key in self._keys:
            return score > self._keys[key]
        return len(self._heap) < self.k or score > self._heap[0][0]

    def add(self, c: Any, score: float, meta: dict | None = None) -> bool:
        key = (meta or {}).get("key")
        key = repr(c) if key is None else str(key)
        score = float(score)
        if key in self._keys:  # same canonical candidate: keep its best score only
            if not score > self._keys[key]:
                return False
            old = next(item for item in self._heap if item[2] == key)
            self._heap.remove(old)
            heapq.heapify(self._heap)
            del self._keys[key]
        if not self.accepts(score):
            return False
        self._order += 1
        item = (score, -self._order, key, c)
        if len(self._heap) < self.k:
            heapq.heappush(self._heap, item)
        else:
            _, _, old_key, _ = heapq.heapreplace(self._heap, item)
            del self._keys[old_key]
        self._keys[key] = score
        if score > self._best_score:
            self._best, self._best_score = c, score
        return True

    @property
    def best(self) -> Any:
        return self._best

    @property
    def best_score(self) -> float:
        return self._best_score

    def top(self) -> list[tuple[float, Any]]:
        """``[(score, candidate), ...]`` best first (earliest first among equal scores)."""
        return [(s, c) for s, _, _, c in sorted(self._heap, key=lambda t: (-t[0], -t[1]))]

    def __len__(self) -> int:
        return len(self._heap)

    def state(self) -> dict[str, Any]:
        return {"k": self.k, "heap": list(self._heap), "order": self._order,
                "best": self._best, "best_score": self._best_score}

    def restore(self, state: dict[str, Any]) -> None:
        self.k = state["k"]
        self._heap = list(state["heap"])
        heapq.heapify(self._heap)
        self._keys = {item[2]: item[0] for item in self._heap}
        self._order = state["order"]
        self._best, self._best_score = state["best"], state["best_score"]


class RandomRestartProposer:
    """Hill climbing with random restarts: mutate the incumbent, sometimes sample afresh.

    Args:
        sample: ``sample(rng) -> candidate``, a fresh random candidate.
        mutate: ``mutate(c, rng) -> candidate``, a random neighbour; None means pure random
            sampling.
        restart_prob: probability that a proposal is a fresh sample instead of a mutation.
        patience: restart after this many non-improving tells (None: never force it).

    Raises:
        InvalidInputError: ``restart_prob`` outside [0, 1] or bad ``patience``.

    Examples:
        >>> import numpy as np
        >>> from search.core import RandomRestartProposer
        >>> p = RandomRestartProposer(lambda rng: int(rng.integers(100)))
        >>> p.bind(np.random.default_rng(0))
        >>> len(p.ask(3))
        3
    """

    def __init__(self, sample: Callable[[np.random.Generator], Any],
                 mutate: Callable[[Any, np.random.Generator], Any] | None = None, *,
                 restart_prob: float = 0.05, patience: int | None = 200) -> None:
        if not 0.0 <= float(restart_prob) <= 1.0:
            raise InvalidInputError(f"restart_prob={restart_prob!r} must lie in [0, 1]")
        if patience is not None and (not isinstance(patience, int) or patience < 1):
            raise InvalidInputError(f"patience={patience!r} must be a positive integer or None")
        self.sample, self.mutate = sample, mutate
        self.restart_prob, self.patience = float(restart_prob), patience
        self.rng: np.random.Generator | None = None
        self.incumbent: Any = None
        self.incumbent_score = -math.inf
        self.stale = 0

    def bind(self, rng: np.random.Generator) -> None:
        """Use the driver's generator for every random choice."""
        self.rng = rng

    def ask(self, n: int) -> list:
        if self.rng is None:
            raise InvalidInputError("RandomRestartProposer has no generator; call bind(rng) first")
        out = []
        for _ in range(n):
            fresh = (self.mutate is None or self.incumbent is None
                     or self.rng.random() < self.restart_prob)
            out.append(self.sample(self.rng) if fresh else self.mutate(self.incumbent, self.rng))
        return out

    def tell(self, candidates: Sequence[Any], scores: Sequence[float]) -> None:
        improved = False
        for c, s in zip(candidates, scores, strict=True):
            if s >= self.incumbent_score and s > -math.inf:
                improved = improved or s > self.incumbent_score
                self.incumbent, self.incumbent_score = c, float(s)
        self.stale = 0 if improved else self.stale + len(candidates)
        if self.patience is not None and self.stale >= self.patience:
            self.incumbent, self.incumbent_score, self.stale = None, -math.inf, 0

    def state(self) -> dict[str, Any]:
        return {"incumbent": self.incumbent, "score": self.incumbent_score, "stale": self.stale}

    def restore(self, state: dict[str, Any]) -> None:
        self.incumbent, self.incumbent_score = state["incumbent"], state["score"]
        self.stale = state["stale"]


class EnumerationProposer:
    """Proposes the items of a deterministic enumeration in order; exhausted at its end.

    Args:
        factory: ``factory() -> iterable``; called again on restore, which skips the items
            already proposed (so the enumeration must be deterministic).

    Examples:
        >>> from search.core import EnumerationProposer
        >>> p = EnumerationProposer(lambda: range(5))
        >>> p.ask(3), p.ask(3), p.ask(3)
        ([0, 1, 2], [3, 4], [])
    """

    def __init__(self, factory: Callable[[], Iterable[Any]]) -> None:
        self.factory = factory
        self._it = iter(factory())
        self.position = 0

    def ask(self, n: int) -> list:
        out = list(itertools.islice(self._it, n))
        self.position += len(out)
        return out

    def tell(self, candidates: Sequence[Any], scores: Sequence[float]) -> None:
        """Enumeration ignores scores."""

    def state(self) -> dict[str, int]:
        return {"position": self.position}

    def restore(self, state: dict[str, int]) -> None:
        self._it = iter(self.factory())
        self.position = int(state["position"])
        for _ in itertools.islice(self._it, self.position):
            pass


@dataclass(frozen=True)
class DriverResult:
    """Outcome of :meth:`Driver.run`.

    Attributes:
        best: best verified candidate (None if none was found).
        best_score: its score (``-inf`` if none).
        stop_reason: why the run stopped.
        steps: candidates evaluated in total (including resumed parts).
        elapsed: wall seconds in total (including resumed parts).
        seed: the seed of the driver's generator (reproduces the run).
        run_id: id of the run in the results store, or None without a store.
        n_improvements: how many times the best score improved.
        n_rejected: candidates that failed ``problem.verify``.
        best_json: ``problem.to_json(best)`` (None if no best).
        history: ``((step, score), ...)`` at each improvement.
        top: ``((score, candidate), ...)`` of the archive, best first, when it offers ``top()``.
    """

    best: Any
    best_score: float
    stop_reason: StopReason
    steps: int
    elapsed: float
    seed: int
    run_id: int | None = None
    n_improvements: int = 0
    n_rejected: int = 0
    best_json: Any = None
    history: tuple[tuple[int, float], ...] = ()
    top: tuple[tuple[float, Any], ...] = field(default=(), repr=False)

    def is_valid(self) -> bool:
        """Consistency of the record (a best exactly when its score is finite)."""
        has_best = self.best is not None
        return isinstance(self.stop_reason, StopReason) and self.steps >= 0 and (
            has_best == (self.best_score > -math.inf)
        )

    def to_json(self) -> dict[str, Any]:
        """JSON form (the best candidate as ``problem.to_json``)."""
        return {
            "best": self.best_json,
            "best_score": self.best_score if self.best_score > -math.inf else None,
            "stop_reason": self.stop_reason.value,
            "steps": self.steps,
            "elapsed": round(self.elapsed, 6),
            "seed": self.seed,
            "run_id": self.run_id,
            "n_improvements": self.n_improvements,
            "n_rejected": self.n_rejected,
            "history": [list(h) for h in self.history],
        }


def _finite_score(value: Any) -> float:
    try:
        s = float(value)
    except (TypeError, ValueError):
        return -math.inf
    return s if not math.isnan(s) else -math.inf


class _SigintDeferral:
    """Defer the first SIGINT to a batch boundary; a second SIGINT interrupts at once."""

    def __init__(self) -> None:
        self.requested = False
        self._old: Any = None
        self._active = False

    def _handler(self, signum: int, frame: Any) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True

    def __enter__(self) -> _SigintDeferral:
        if threading.current_thread() is threading.main_thread():
            try:
                self._old = signal.signal(signal.SIGINT, self._handler)
                self._active = True
            except ValueError:  # pragma: no cover - not the main interpreter
                self._active = False
        return self

    def __exit__(self, *exc: object) -> None:
        if self._active:
            signal.signal(signal.SIGINT, self._old)
            self._active = False


class Driver:
    """Runs ask -> evaluate -> verify -> archive/store -> tell under a budget.

    Args:
        problem: a :class:`Problem`.
        proposer: a :class:`Proposer` (``bind(rng)`` is called if it has one).
        archive: an :class:`Archive` (default ``TopKArchive(k=10)``).
        budget: the :class:`Budget` (steps / time_limit / target_score).
        seed: seed of the driver's generator; None draws one (recorded in the result).
        checkpoint: checkpoint file path (None: no checkpoints).
        store: a :class:`search.store.ResultsStore` or a path; verified results and the run are
            recorded there.
        progress: None/True: a progress bar when on a terminal; False: never.
        backend: a :class:`search.backends.Backend` to evaluate batches on, or a backend name
            (then each ``run`` creates the backend and closes it at the end); None: evaluate
            in this process.
        batch_size: candidates per ask (default 1 in-process, ``4 * workers`` on a backend).
        checkpoint_every: seconds between checkpoints.
        kind: run kind recorded in the store (default the problem's class name).

    Raises:
        InvalidInputError: missing protocol methods, bad budget/batch/seed.

    Examples:
        >>> from search.core import Budget, Driver, EnumerationProposer, StopReason
        >>> from search.core import ExampleMaxOnes
        >>> problem = ExampleMaxOnes(n=3)
        >>> space = lambda: [tuple(int(b) for b in f"{i:03b}") for i in range(8)]
        >>> r = Driver(problem, EnumerationProposer(space), budget=Budget(), seed=0,
        ...            progress=False).run()
        >>> r.stop_reason.value, r.best, r.steps
        ('exhausted', (1, 1, 1), 8)
    """

    def __init__(self, problem: Problem, proposer: Proposer, archive: Archive | None = None, *,
                 budget: Budget | None = None, seed: int | None = None,
                 checkpoint: str | os.PathLike[str] | None = None, store: Any = None,
                 progress: bool | None = None, backend: Any = None,
                 batch_size: int | None = None, checkpoint_every: float = 30.0,
                 kind: str | None = None) -> None:
        for name in ("evaluate", "verify", "key", "to_json"):
            if not callable(getattr(problem, name, None)):
                raise InvalidInputError(f"problem={problem!r:.60} lacks method {name}(c)")
        for name in ("ask", "tell", "state", "restore"):
            if not callable(getattr(proposer, name, None)):
                raise InvalidInputError(f"proposer={proposer!r:.60} lacks method {name}()")
        if budget is None:
            budget = Budget()
        if not isinstance(budget, Budget):
            raise InvalidInputError(f"budget={budget!r} must be a search.core.Budget")
        if seed is None:
            seed = int(np.random.SeedSequence().entropy)
        seed = check_seed(seed)
        if batch_size is not None and (isinstance(batch_size, bool)
                                       or not isinstance(batch_size, int) or batch_size < 1):
            raise InvalidInputError(f"batch_size={batch_size!r} must be a positive integer")
        if not float(checkpoint_every) >= 0:
            raise InvalidInputError(f"checkpoint_every={checkpoint_every!r} must be >= 0 seconds")
        self.problem = problem
        self.proposer = proposer
        self.archive = archive if archive is not None else TopKArchive(k=10)
        self.budget = budget
        self.seed = int(seed)
        self.checkpoint = checkpoint
        if store is not None and not hasattr(store, "add_result"):
            from search.store import ResultsStore

            store = ResultsStore(store)
        self.store = store
        self.progress = progress
        self._backend_name: str | None = None
        if isinstance(backend, str):  # created (and closed) by run(); workers known up front
            from search.backends import BACKENDS, default_workers

            if backend not in BACKENDS:
                raise InvalidInputError(
                    f"backend={backend!r} is unknown; use one of {sorted(BACKENDS)} or a Backend"
                )
            self._backend_name = backend
            workers = 1 if backend == "serial" else default_workers()
            backend = None
        else:
            workers = getattr(backend, "workers", 1) if backend is not None else 1
        self.backend = backend
        inline = backend is None and self._backend_name is None
        self.batch_size = batch_size or (1 if inline else 4 * workers)
        self.checkpoint_every = float(checkpoint_every)
        self.kind = kind or type(problem).__name__
        self.domain = getattr(problem, "domain", "generic")
        self.verification_method = getattr(problem, "verification_method", "problem.verify")
        self.rng = np.random.default_rng(self.seed)

    # -- state --------------------------------------------------------------------------
    @property
    def _ckpt_kind(self) -> str:
        return f"driver:{type(self.problem).__qualname__}:{type(self.proposer).__qualname__}"

    def _save(self, s: dict[str, Any]) -> None:
        if self.checkpoint is None:
            return
        data = dict(s)
        data["rng"] = self.rng.bit_generator.state
        data["proposer"] = self.proposer.state()
        data["archive"] = self.archive.state()
        save_checkpoint(self.checkpoint, data, kind=self._ckpt_kind)

    def _load(self) -> dict[str, Any] | None:
        data = load_checkpoint(self.checkpoint, kind=self._ckpt_kind)
        if data is None:
            return None
        if data["seed"] != self.seed:
            raise InvalidInputError(
                f"seed={self.seed} differs from the checkpoint's seed {data['seed']}; pass "
                f"seed={data['seed']} to resume, or resume=False to start over"
            )
        self.rng.bit_generator.state = data["rng"]
        self.proposer.restore(data["proposer"])
        self.archive.restore(data["archive"])
        return data

    def _evaluate(self, candidates: list) -> list[float]:
        if self.backend is None:
            return [_finite_score(self.problem.evaluate(c)) for c in candidates]
        from search.backends import is_pickling_error, is_worker_lost

        for attempt in range(3):
            try:
                scores = self.backend.map(self.problem.evaluate, candidates)
                break
            except Exception as exc:
                if is_worker_lost(exc) and attempt < 2:  # a worker died: new pool, same batch
                    self.backend.restart()
                    continue
                if not is_pickling_error(exc):
                    raise
                raise InvalidInputError(
                    f"problem {type(self.problem).__name__} or its candidates cannot be pickled "
                    f"for the {getattr(self.backend, 'name', '?')} backend ({exc}); define them "
                    "at module top level, or use backend=None/'serial'"
                ) from exc
        return [_finite_score(s) for s in scores]

    def _params(self) -> dict[str, Any]:
        params = {
            "budget": self.budget.to_json(),
            "problem": type(self.problem).__name__,
            "proposer": type(self.proposer).__name__,
            "archive": type(self.archive).__name__,
            "batch_size": self.batch_size,
            "backend": self._backend_name or getattr(self.backend, "name", "inline"),
        }
        extra = getattr(self.problem, "params", None)
        if isinstance(extra, dict):
            params["problem_params"] = extra
        return params

    def _accepts(self, score: float, key: str | None) -> bool:
        """Archive gate: ``accepts(score, key)`` when the archive has it, else a new best."""
        accepts = getattr(self.archive, "accepts", None)
        if callable(accepts):
            if key is None:
                return bool(accepts(score))
            try:
                return bool(accepts(score, key))
            except TypeError:  # an archive whose accepts(score) takes no key
                return bool(accepts(score))
        return score > self.archive.best_score

    # -- the loop -----------------------------------------------------------------------
    def run(self, resume: bool = False) -> DriverResult:
        """Run until a budget, the target, exhaustion or an interrupt stops the search.

        Args:
            resume: continue from ``checkpoint`` if that file exists (else start fresh).

        Returns:
            A :class:`DriverResult`.

        Raises:
            InvalidInputError: ``resume=True`` without a checkpoint path, or a seed mismatch.
            StoreError: the checkpoint or the store cannot be read or written.
        """
        if resume and self.checkpoint is None:
            raise InvalidInputError("resume=True needs checkpoint=PATH in the Driver")
        if self._backend_name is not None:
            from search.backends import get_backend

            self.backend = get_backend(self._backend_name)
            try:
                return self._run(resume)
            finally:
                self.backend.close()
                self.backend = None
        return self._run(resume)

    def _run(self, resume: bool) -> DriverResult:
        bind = getattr(self.proposer, "bind", None)
        if callable(bind):
            bind(self.rng)
        s: dict[str, Any] = {"seed": self.seed, "steps": 0, "elapsed": 0.0, "run_id": None,
                             "n_improvements": 0, "n_rejected": 0, "history": [],
                             "exhausted": False}
        if resume:
            loaded = self._load()
            if loaded is not None:
                s.update({k: loaded[k] for k in s})
        if self.store is not None and s["run_id"] is None:
            s["run_id"] = self.store.start_run(self.kind, self._params(), self.seed)
        budget = self.budget
        t0 = time.perf_counter() - s["elapsed"]
        last_ckpt = time.perf_counter()
        stop: StopReason | None = None
        consistent = True
        total = budget.steps
        show = progress_wanted(self.progress)
        with SearchProgress(show, total, self.kind) as bar, _SigintDeferral() as sigint:
            try:
                while True:
                    s["elapsed"] = time.perf_counter() - t0
                    best = self.archive.best_score
                    if budget.target_score is not None and best >= budget.target_score:
                        stop = StopReason.TARGET_REACHED
                    elif s["exhausted"]:
                        stop = StopReason.EXHAUSTED
                    elif budget.steps is not None and s["steps"] >= budget.steps:
                        stop = StopReason.STEP_BUDGET
                    elif budget.time_limit is not None and s["elapsed"] >= budget.time_limit:
                        stop = StopReason.TIME_LIMIT
                    elif sigint.requested:
                        stop = StopReason.INTERRUPTED
                    if stop is not None:
                        break
                    if self.checkpoint is not None and \
                            time.perf_counter() - last_ckpt >= self.checkpoint_every:
                        self._save(s)
                        last_ckpt = time.perf_counter()
                    n = self.batch_size
                    if budget.steps is not None:
                        n = min(n, budget.steps - s["steps"])
                    consistent = False
                    candidates = list(self.proposer.ask(n))
                    if not candidates:
                        s["exhausted"] = True
                        consistent = True
                        continue
                    scores = self._evaluate(candidates)
                    self._process(candidates, scores, s)
                    self.proposer.tell(candidates, scores)
                    consistent = True
                    bar.update(s["steps"], self.archive.best_score
                               if self.archive.best_score > -math.inf else None)
            except KeyboardInterrupt:
                stop = StopReason.INTERRUPTED
        s["elapsed"] = time.perf_counter() - t0
        if consistent:
            self._save(s)
        best = self.archive.best
        best_score = float(self.archive.best_score)
        best_json = self.problem.to_json(best) if best is not None else None
        top = tuple(self.archive.top()) if callable(getattr(self.archive, "top", None)) else ()
        result = DriverResult(
            best=best, best_score=best_score, stop_reason=stop, steps=s["steps"],
            elapsed=s["elapsed"], seed=self.seed, run_id=s["run_id"],
            n_improvements=s["n_improvements"], n_rejected=s["n_rejected"],
            best_json=best_json, history=tuple(tuple(h) for h in s["history"]), top=top,
        )
        if self.store is not None:
            summary = result.to_json()
            summary.pop("history")
            self.store.end_run(s["run_id"], stop.value, summary)
        return result

    def _process(self, candidates: list, scores: list[float], s: dict[str, Any]) -> None:
        """Verify, archive and store the candidates of one batch that enter the archive."""
        for c, score in zip(candidates, scores, strict=True):
            s["steps"] += 1
            # cheap score gate first; the (possibly costly) canonical key only for survivors
            if not score > -math.inf or not self._accepts(score, None):
                continue
            key = self.problem.key(c)
            if not self._accepts(score, key):
                continue
            if not self.problem.verify(c):
                s["n_rejected"] += 1
                continue
            previous = self.archive.best_score
            if not self.archive.add(c, score, {"key": key, "step": s["steps"]}):
                continue
            if score > previous:
                s["n_improvements"] += 1
                s["history"].append((s["steps"], float(score)))
            if self.store is not None:
                self.store.add_result(
                    self.domain, key, self.problem.to_json(c), verified=True,
                    method=self.verification_method, run_id=s["run_id"], score=score,
                )


class ExampleMaxOnes:
    """Toy problem for tests and examples: maximise the number of ones in a 0/1 tuple.

    ``evaluate`` counts ones; ``verify`` recounts them exactly (``sum(c) == len(c) - zeros``)
    and checks the entries are 0/1. Picklable, so it also runs on process/Dask backends.

    Examples:
        >>> from search.core import ExampleMaxOnes
        >>> p = ExampleMaxOnes(n=4)
        >>> p.evaluate((1, 0, 1, 1)), p.verify((1, 0, 1, 1)), p.key((1, 0, 1, 1))
        (3.0, True, '1011')
    """

    domain = "generic"
    verification_method = "recount"

    def __init__(self, n: int = 16) -> None:
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise InvalidInputError(f"n={n!r} must be a positive integer")
        self.n = n
        self.params = {"n": n}

    def sample(self, rng: np.random.Generator) -> tuple[int, ...]:
        return tuple(int(b) for b in rng.integers(0, 2, self.n))

    def mutate(self, c: tuple[int, ...], rng: np.random.Generator) -> tuple[int, ...]:
        i = int(rng.integers(self.n))
        return c[:i] + (1 - c[i],) + c[i + 1:]

    def evaluate(self, c: tuple[int, ...]) -> float:
        return float(sum(c))

    def verify(self, c: tuple[int, ...]) -> bool:
        return len(c) == self.n and all(b in (0, 1) for b in c) and \
            sum(c) == len(c) - c.count(0)

    def key(self, c: tuple[int, ...]) -> str:
        return "".join(map(str, c))

    def to_json(self, c: tuple[int, ...]) -> dict[str, Any]:
        return {"bits": list(c), "ones": sum(c)}
