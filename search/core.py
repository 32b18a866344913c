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

from engine.errors import InvalidInputError, VerificationError, check_seed
from engine.results import Result

__all__ = [
    "StopReason",
    "Budget",
    "resolve_budget",
    "interrupt_requested",
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


@dataclass(frozen=True, init=False)
class Budget:
    """Limits of a search: ``Budget(time_limit=, steps=, target=)``; any may be None (no limit).

    Every public search takes ``budget=Budget(...)``; the keyword arguments users already
    call (``time_limit=``, ``steps=``/``max_flips=``, ``target_rank=``, ``target_score=``)
    keep working as shorthands for the same fields.

    Args:
        time_limit: maximum wall time in seconds, over the whole run including resumed parts.
        steps: maximum units of work over all walkers (the unit is the search's own, the same
            in every driver: flips of a flip walk, fractions of an enumeration, moves of a
            local search, evaluated candidates of an ask/tell driver).
        target: stop as soon as a verified result reaches it, in the search's own terms (a
            rank for a scheme search, a number of edges for a graph search, a score for a
            generic problem, a number of hits for an enumeration).
        target_score: the former name of ``target`` (accepted; give one of the two).

    Raises:
        InvalidInputError: negative steps or time, NaN target, both target and target_score.

    Examples:
        >>> from search.core import Budget
        >>> Budget(steps=100).steps
        100
        >>> Budget(time_limit=60, target=47)
        Budget(time_limit=60.0, steps=None, target=47.0)
        >>> Budget(steps=-1)
        Traceback (most recent call last):
        ...
        engine.errors.InvalidInputError: steps=-1 must be an integer >= 0 or None
    """

    time_limit: float | None
    steps: int | None
    target: float | None

    def __init__(self, steps: int | None = None, time_limit: float | None = None,
                 target: float | None = None, *, target_score: float | None = None) -> None:
        if target is not None and target_score is not None:
            raise InvalidInputError(
                f"target={target!r} and target_score={target_score!r}: give only target"
            )
        if target is None:
            target = target_score
        if steps is not None:
            if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or steps < 0:
                raise InvalidInputError(f"steps={steps!r} must be an integer >= 0 or None")
            steps = int(steps)
        if time_limit is not None:
            try:
                t = float(time_limit)
            except (TypeError, ValueError):
                t = float("nan")
            if not t >= 0 or isinstance(time_limit, bool):
                raise InvalidInputError(
                    f"time_limit={time_limit!r} must be a number of seconds >= 0 or None"
                )
            time_limit = t
        if target is not None:
            try:
                s = float(target)
            except (TypeError, ValueError):
                s = float("nan")
            if math.isnan(s) or isinstance(target, bool):
                raise InvalidInputError(f"target={target!r} must be a number or None")
            target = s
        object.__setattr__(self, "time_limit", time_limit)
        object.__setattr__(self, "steps", steps)
        object.__setattr__(self, "target", target)

    @property
    def target_score(self) -> float | None:
        """The former name of :attr:`target`."""
        return self.target

    def replace(self, **changes: Any) -> Budget:
        """A copy with some fields changed (``budget.replace(steps=10)``)."""
        fields = {"steps": self.steps, "time_limit": self.time_limit, "target": self.target}
        fields.update(changes)
        return Budget(**fields)

    def to_json(self) -> dict[str, Any]:
        """The budget as a JSON dict."""
        return {"time_limit": self.time_limit, "steps": self.steps, "target": self.target}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Budget:
        """Inverse of :meth:`to_json` (also reads the former key ``target_score``)."""
        return cls(steps=d.get("steps"), time_limit=d.get("time_limit"),
                   target=d.get("target", d.get("target_score")))


def resolve_budget(budget: Budget | None = None, *, what: str = "search", **shorthands: Any) -> Budget:
    """Merge ``budget=`` with the shorthand keywords of a public search function.

    ``shorthands`` maps field names (``time_limit``, ``steps``, ``target``) to the values of
    the function's own keywords (None: not given). A shorthand that contradicts ``budget``
    is refused, so a value is never silently dropped.

    Raises:
        InvalidInputError: ``budget`` is not a Budget, or a shorthand contradicts it.

    Examples:
        >>> from search.core import Budget, resolve_budget
        >>> resolve_budget(Budget(time_limit=5), steps=100)
        Budget(time_limit=5.0, steps=100, target=None)
        >>> resolve_budget(None, time_limit=3, target=47)
        Budget(time_limit=3.0, steps=None, target=47.0)
    """
    if budget is None:
        budget = Budget()
    if not isinstance(budget, Budget):
        raise InvalidInputError(
            f"budget={budget!r} must be a search.core.Budget(time_limit=, steps=, target=)"
        )
    changes = {}
    for name, value in shorthands.items():
        if value is None:
            continue
        current = getattr(budget, name)
        probe = Budget(**{name: value})
        if current is not None and getattr(probe, name) != current:
            raise InvalidInputError(
                f"{what}: {name}={value!r} contradicts budget.{name}={current!r}; give it once"
            )
        changes[name] = value
    return budget.replace(**changes) if changes else budget


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
class DriverResult(Result):
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
        problem: the problem that was searched (not serialised); with it :meth:`check`
            re-verifies the best candidate and recomputes its score.
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
    problem: Any = field(default=None, repr=False, compare=False)

    def check(self) -> DriverResult:
        """Re-verify: the record is consistent (a best exactly when its score is finite, the
        history increases and ends at the best score) and, when the problem is known, the best
        candidate passes ``problem.verify`` and scores ``best_score`` again.

        Raises:
            VerificationError: naming what fails.
        """
        has_best = self.best is not None or self.best_json is not None
        if not isinstance(self.stop_reason, StopReason):
            raise VerificationError(f"stop_reason={self.stop_reason!r} is not a StopReason")
        if self.steps < 0 or has_best != (self.best_score > -math.inf):
            raise VerificationError("a best candidate must exist exactly when best_score is finite")
        scores = [float(h[1]) for h in self.history]
        if any(b <= a for a, b in zip(scores, scores[1:], strict=False)):
            raise VerificationError(f"history scores {scores} do not increase")
        if scores and scores[-1] != self.best_score:
            raise VerificationError(
                f"the history ends at {scores[-1]}, not at best_score={self.best_score}")
        if self.problem is not None and self.best is not None:
            if not self.problem.verify(self.best):
                raise VerificationError(f"the best candidate fails {type(self.problem).__name__}.verify")
            again = _finite_score(self.problem.evaluate(self.best))
            if again != self.best_score:
                raise VerificationError(f"the best candidate scores {again}, not {self.best_score}")
        return self

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

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> DriverResult:
        """Rebuild from :meth:`to_json` (the candidate as its JSON form, without the problem)."""
        score = d.get("best_score")
        return cls(
            best=d.get("best"), best_score=-math.inf if score is None else float(score),
            stop_reason=StopReason(d["stop_reason"]), steps=int(d["steps"]),
            elapsed=float(d["elapsed"]), seed=int(d["seed"]), run_id=d.get("run_id"),
            n_improvements=int(d.get("n_improvements", 0)), n_rejected=int(d.get("n_rejected", 0)),
            best_json=d.get("best"),
            history=tuple((int(a), float(b)) for a, b in d.get("history", [])),
        )

    @classmethod
    def example(cls) -> DriverResult:
        """A random-restart search for 12 ones in 12 bits (the optimum is all ones).

        Examples:
            >>> from search.core import DriverResult
            >>> DriverResult.example().best_score
            12.0
        """
        problem = ExampleMaxOnes(n=12)
        proposer = RandomRestartProposer(problem.sample, problem.mutate)
        return Driver(problem, proposer, budget=Budget(steps=2000, target=12), seed=7,
                      progress=False).run()

    @classmethod
    def tampered(cls) -> DriverResult:
        """The example with a best score its candidate does not have."""
        import dataclasses

        ex = cls.example()
        return dataclasses.replace(ex, best_score=ex.best_score + 1,
                                   history=ex.history[:-1] + ((ex.steps, ex.best_score + 1),))


def _finite_score(value: Any) -> float:
    try:
        s = float(value)
    except (TypeError, ValueError):
        return -math.inf
    return s if not math.isnan(s) else -math.inf


def interrupt_requested() -> bool:
    """Whether a Ctrl-C is waiting for the current chunk to end (a step running in the
    runner's process checks this between units of work and returns early).

    Examples:
        >>> from search.core import interrupt_requested
        >>> interrupt_requested()
        False
    """
    return _SigintDeferral.pending


class _SigintDeferral:
    """Defer the first SIGINT to a batch boundary; a second SIGINT interrupts at once.

    ``_SigintDeferral.pending`` is True while a deferred SIGINT waits, so a step running in
    this process can end its chunk early at its next boundary.
    """

    pending = False

    def __init__(self) -> None:
        self.requested = False
        self._old: Any = None
        self._active = False

    def _handler(self, signum: int, frame: Any) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        _SigintDeferral.pending = True

    def __enter__(self) -> _SigintDeferral:
        _SigintDeferral.pending = False
        if threading.current_thread() is threading.main_thread():
            try:
                self._old = signal.signal(signal.SIGINT, self._handler)
                self._active = True
            except ValueError:  # pragma: no cover - not the main interpreter
                self._active = False
        return self

    def __exit__(self, *exc: object) -> None:
        _SigintDeferral.pending = False
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

    # -- the runner's view of the driver ---------------------------------------------------
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
            "problem": type(self.problem).__name__,
            "proposer": type(self.proposer).__name__,
            "archive": type(self.archive).__name__,
            "batch_size": self.batch_size,
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

        The driver is the single-walker case of :func:`search.runner.run_search`: the runner
        owns the budget, checkpoints, resume, the store and the stop reason; one chunk of the
        walker is a sequence of ask/evaluate/verify/archive/tell batches.

        Args:
            resume: continue from ``checkpoint`` if that file exists (else start fresh).

        Returns:
            A :class:`DriverResult`.

        Raises:
            InvalidInputError: ``resume=True`` without a checkpoint path.
            CheckpointError: the checkpoint is corrupt or of another search or seed.
            StoreError: the store cannot be read or written.
        """
        from search.runner import run_search

        if resume and self.checkpoint is None:
            raise InvalidInputError("resume=True needs checkpoint=PATH in the Driver")
        spec = _DriverSpec(self)
        own = self._backend_name is not None
        if own:
            from search.backends import get_backend

            self.backend = get_backend(self._backend_name)
        try:
            out = run_search(
                spec, self.budget, seed=self.seed, backend="serial", checkpoint=self.checkpoint,
                checkpoint_every=max(self.checkpoint_every, 1e-3), resume=resume, force=True,
                store=self.store, progress=False if self.progress is False else None,
                chunk_steps=self.batch_size * 64,
            )
        finally:
            if own:
                self.backend.close()
                self.backend = None
        state = out.states[0]
        best = self.archive.best
        best_json = self.problem.to_json(best) if best is not None else None
        top = tuple(self.archive.top()) if callable(getattr(self.archive, "top", None)) else ()
        return DriverResult(
            best=best, best_score=float(self.archive.best_score), stop_reason=out.stop_reason,
            steps=state.steps, elapsed=out.elapsed, seed=self.seed, run_id=out.run_id,
            n_improvements=state.n_improvements, n_rejected=state.n_rejected,
            best_json=best_json, history=tuple(tuple(h) for h in state.history), top=top,
            problem=self.problem,
        )

    def _process(self, candidates: list, scores: list[float], state: _DriverState) -> list:
        """Verify and archive the candidates of one batch that enter the archive; returns
        the entries that entered (the runner re-verifies and stores them)."""
        entered = []
        for c, score in zip(candidates, scores, strict=True):
            state.steps += 1
            # cheap score gate first; the (possibly costly) canonical key only for survivors
            if not score > -math.inf or not self._accepts(score, None):
                continue
            key = self.problem.key(c)
            if not self._accepts(score, key):
                continue
            if not self.problem.verify(c):
                state.n_rejected += 1
                continue
            previous = self.archive.best_score
            if not self.archive.add(c, score, {"key": key, "step": state.steps}):
                continue
            if score > previous:
                state.n_improvements += 1
                state.history.append((state.steps, float(score)))
            entered.append(_Entry(c, float(score), key, True))
        return entered


@dataclass(frozen=True)
class _Entry:
    """A candidate that entered a driver's archive, with its score and key."""

    candidate: Any
    score: float
    key: str
    verified: bool = False  # True: problem.verify passed in this process


class _DriverState:
    """The driver's single walker: live references to the generator, proposer and archive.

    Pickled (into a checkpoint) it becomes a snapshot of their states, which the driver's step
    restores into the live objects when a run resumes.
    """

    def __init__(self, driver: Driver) -> None:
        self.driver: Driver | None = driver
        self.snapshot: dict[str, Any] | None = None
        self.steps = 0
        self.n_improvements = 0
        self.n_rejected = 0
        self.history: list[tuple[int, float]] = []

    def __getstate__(self) -> dict[str, Any]:
        d = self.driver
        snap = self.snapshot if d is None else {
            "rng": d.rng.bit_generator.state, "proposer": d.proposer.state(),
            "archive": d.archive.state(),
        }
        return {"snapshot": snap, "steps": self.steps, "n_improvements": self.n_improvements,
                "n_rejected": self.n_rejected, "history": list(self.history)}

    def __setstate__(self, data: dict[str, Any]) -> None:
        self.driver = None
        self.snapshot = data["snapshot"]
        self.steps = data["steps"]
        self.n_improvements = data["n_improvements"]
        self.n_rejected = data["n_rejected"]
        self.history = [tuple(h) for h in data["history"]]


class _DriverSpec:
    """The :class:`search.runner.SearchSpec` of a :class:`Driver` (one walker, run inline)."""

    def __new__(cls, driver: Driver) -> Any:
        from search.runner import SearchSpec

        class DriverSpec(SearchSpec):
            collect = "all"
            checkpoint_candidates = "pickle"  # a problem need not offer from_json

            def __init__(self, d: Driver) -> None:
                self.d = d
                self.kind = d.kind
                self.domain = d.domain
                self.verification_method = d.verification_method

            def params(self) -> dict[str, Any]:
                return self.d._params()

            def initial_states(self, seed: int) -> list[Any]:
                bind = getattr(self.d.proposer, "bind", None)
                if callable(bind):
                    bind(self.d.rng)
                return [_DriverState(self.d)]

            def step(self, state: _DriverState, budget: Budget) -> tuple:
                return _driver_step(self.d, state, budget)

            def score(self, e: _Entry) -> float:
                return e.score

            def verify(self, e: _Entry) -> bool:  # entries of this run were verified once
                return e.verified or bool(self.d.problem.verify(e.candidate))

            def key(self, e: _Entry) -> str:
                return e.key

            def to_json(self, e: _Entry) -> Any:
                return self.d.problem.to_json(e.candidate)

            def from_json(self, payload: Any) -> _Entry:
                from_json = getattr(self.d.problem, "from_json", None)
                if not callable(from_json):
                    raise NotImplementedError
                c = from_json(payload)
                return _Entry(c, _finite_score(self.d.problem.evaluate(c)), self.d.problem.key(c))

            def is_reached(self, best_score: float, n_hits: int, target: float) -> bool:
                return self.d.archive.best_score >= target

            def adopt(self, state: _DriverState, best: _Entry) -> _DriverState:
                _restore_driver(self.d, state)
                if self.d.archive.add(best.candidate, best.score, {"key": best.key}):
                    state.history.append((state.steps, best.score))
                return state

            def describe(self, e: _Entry) -> str:
                return f"score {e.score:g} ({e.key:.40})"

        return DriverSpec(driver)


def _restore_driver(d: Driver, state: _DriverState) -> None:
    """Bring the live generator, proposer and archive to the state's snapshot (once)."""
    if state.driver is None:
        bind = getattr(d.proposer, "bind", None)
        if callable(bind):
            bind(d.rng)
        snap = state.snapshot
        d.rng.bit_generator.state = snap["rng"]
        d.proposer.restore(snap["proposer"])
        d.archive.restore(snap["archive"])
        state.driver, state.snapshot = d, None


def _driver_step(d: Driver, state: _DriverState, budget: Budget) -> tuple:
    """One chunk of the driver's walker: ask/evaluate/verify/archive/tell batches."""
    from search.runner import Exhausted

    _restore_driver(d, state)
    t0 = time.perf_counter()
    entered: list = []
    used = 0
    limit = budget.steps
    while limit is None or used < limit:
        if budget.target is not None and d.archive.best_score >= budget.target:
            break
        if budget.time_limit is not None and used and \
                time.perf_counter() - t0 >= budget.time_limit:
            break
        n = d.batch_size if limit is None else min(d.batch_size, limit - used)
        candidates = list(d.proposer.ask(n))
        if not candidates:
            return Exhausted(state), entered, used
        scores = d._evaluate(candidates)
        entered += d._process(candidates, scores, state)
        d.proposer.tell(candidates, scores)
        used += len(candidates)
        if _SigintDeferral.pending:  # Ctrl-C: end the chunk at this batch boundary
            break
    return state, entered, used


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
