"""The local-search problem protocol shared by the tabu and annealing drivers.

A :class:`LocalSearchProblem` adds moves and exact incremental score deltas to the ask/tell
:class:`search.core.Problem`:

- ``initial(rng) -> state``: a starting state (states are mutated in place by ``apply``);
- ``score(state) -> float`` (higher is better) and ``copy(state) -> state``;
- ``sample_moves(state, rng, k) -> list``: up to ``k`` candidate moves;
- ``delta(state, move) -> float``: exact score change of ``move`` (``-inf`` if infeasible),
  computed incrementally without changing ``state``;
- ``apply(state, move) -> state``: perform the move in place;
- optional ``tabu_attributes(move) -> tuple``: hashable attributes a move touches (default:
  the move itself); optional ``as_candidate(state)``: what the drivers evaluate, verify, key
  and store (default: a copy of the state); optional ``from_json(payload) -> candidate``
  (lets a resumed run rebuild what it stored after its last checkpoint) and
  ``describe(candidate) -> str`` (progress lines).

:func:`search.drivers.check_delta` tests a problem's ``delta`` against its ``score``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

from engine._args import short_repr
from engine.errors import InvalidInputError

__all__ = ["LocalSearchProblem", "check_local_problem", "candidate_of", "OneMaxFlips"]


@runtime_checkable
class LocalSearchProblem(Protocol):
    """A problem offering moves and incremental deltas (see module docstring)."""

    def initial(self, rng: np.random.Generator) -> Any: ...

    def score(self, s: Any) -> float: ...

    def copy(self, s: Any) -> Any: ...

    def sample_moves(self, s: Any, rng: np.random.Generator, k: int) -> list: ...

    def delta(self, s: Any, move: Any) -> float: ...

    def apply(self, s: Any, move: Any) -> Any: ...


def check_local_problem(problem: Any) -> None:
    """Raise :class:`InvalidInputError` naming the first missing method."""
    for name in ("initial", "score", "copy", "sample_moves", "delta", "apply"):
        if not callable(getattr(problem, name, None)):
            raise InvalidInputError(
                f"problem={type(problem).__name__} lacks method {name}(); local-search drivers "
                "need initial/score/copy/sample_moves/delta/apply"
            )


def candidate_of(problem: Any, s: Any) -> Any:
    """What the drivers evaluate, verify, key and store for state ``s``: the problem's
    ``as_candidate(s)``, else a copy of the state."""
    conv = getattr(problem, "as_candidate", None)
    return conv(s) if callable(conv) else problem.copy(s)


class WalkProposer:
    """Shared plumbing of the single-walk proposers (tabu, annealing).

    A subclass sets ``problem``, ``rng``, ``moves_per_ask``, ``initial``,
    ``current``/``current_score`` and ``best``/``best_score``/``iteration``/
    ``last_improvement``, and implements ``step()`` (one iteration: one step of the drivers'
    budget). ``start()`` places the walk on ``initial`` (a warm start) or on
    ``problem.initial(rng)``. As an ask/tell proposer, ``ask(n)`` runs ``moves_per_ask``
    iterations per requested candidate and returns the best state so far; ``tell`` has nothing
    to learn (moves are scored by the problem's exact deltas).
    """

    problem: Any
    rng: np.random.Generator | None
    moves_per_ask: int
    initial: Any = None

    def bind(self, rng: np.random.Generator) -> None:
        """Use the driver's generator."""
        self.rng = rng

    def start(self) -> None:
        """Place the walk on a copy of ``initial`` (or on ``problem.initial(rng)``)."""
        p = self.problem
        if self.rng is None:
            self.rng = np.random.default_rng(0)
        self.current = p.initial(self.rng) if self.initial is None else p.copy(self.initial)
        self.current_score = float(p.score(self.current))
        self.best, self.best_score = p.copy(self.current), self.current_score

    def step(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _keep_best(self) -> bool:
        """Record the current state as the best when it scores higher; True if it did."""
        if self.current_score > self.best_score:
            self.best, self.best_score = self.problem.copy(self.current), self.current_score
            self.last_improvement = self.iteration
            return True
        return False

    def ask(self, n: int) -> list:
        out = []
        for _ in range(n):
            for _ in range(self.moves_per_ask):
                self.step()
            out.append(candidate_of(self.problem, self.best))
        return out

    def tell(self, candidates: Sequence[Any], scores: Sequence[float]) -> None:
        """Nothing to learn: the walk scores its moves with the problem's exact deltas."""


def attributes_of(problem: Any, move: Any) -> tuple:
    fn = getattr(problem, "tabu_attributes", None)
    return tuple(fn(move)) if callable(fn) else (move,)


def check_int(name: str, value: Any, low: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
        raise InvalidInputError(f"{name}={short_repr(value)} must be an integer >= {low}")
    return int(value)


def check_float(name: str, value: Any, *, positive: bool = True) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        v = math.nan
    if not math.isfinite(v) or (positive and v <= 0):
        raise InvalidInputError(f"{name}={short_repr(value)} must be a finite {'positive ' if positive else ''}number")
    return v


class OneMaxFlips:
    """A tiny example problem: maximise the weighted number of ones with bit flips.

    ``score = sum(w_i x_i) - penalty * max(0, sum(x) - cap)``, so the optimum takes the
    ``cap`` heaviest items. Moves are single-bit flips with exact O(1) deltas.

    Examples:
        >>> from search.drivers import OneMaxFlips, tabu_search
        >>> p = OneMaxFlips([5, 1, 4, 2, 3], cap=2)
        >>> tabu_search(p, steps=60, seed=0).best_score
        9.0
    """

    domain = "generic"

    def __init__(self, weights: Any, cap: int | None = None, penalty: float = 10.0) -> None:
        try:
            self.w = np.asarray(weights, dtype=float)
        except (TypeError, ValueError, OverflowError):
            self.w = np.zeros(0)
        if self.w.ndim != 1 or self.w.size == 0 or not np.all(np.isfinite(self.w)):
            raise InvalidInputError(f"weights={short_repr(weights)} must be a non-empty list of numbers")
        self.cap = check_int("cap", cap, 0) if cap is not None else self.w.size
        self.penalty = check_float("penalty", penalty, positive=False)
        self.params = {"weights": self.w.tolist(), "cap": self.cap}

    def initial(self, rng):
        return np.zeros(self.w.size, dtype=np.int8)

    def score(self, s) -> float:
        return float(self.w @ s) - self.penalty * max(0, int(s.sum()) - self.cap)

    def copy(self, s):
        return s.copy()

    def sample_moves(self, s, rng, k):
        return [int(i) for i in rng.choice(self.w.size, size=min(k, self.w.size), replace=False)]

    def delta(self, s, i) -> float:
        ones = int(s.sum())
        if s[i]:
            return -self.w[i] + (self.penalty if ones > self.cap else 0.0)
        return self.w[i] - (self.penalty if ones >= self.cap else 0.0)

    def apply(self, s, i):
        s[i] ^= 1
        return s

    # ask/tell core protocol (candidates are tuples of bits)
    def as_candidate(self, s):
        return tuple(int(b) for b in s)

    def evaluate(self, c) -> float:
        return self.score(np.asarray(c, dtype=np.int8))

    def verify(self, c) -> bool:
        """Exact: ``c`` is a 0/1 tuple of the right length (every such tuple is feasible)."""
        return len(c) == self.w.size and all(b in (0, 1) for b in c)

    def key(self, c) -> str:
        return "".join(map(str, c))

    def to_json(self, c) -> dict:
        return {"bits": list(c), "score": self.evaluate(c)}

    def from_json(self, d: dict) -> tuple[int, ...]:
        return tuple(int(b) for b in d["bits"])
