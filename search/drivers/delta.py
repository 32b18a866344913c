"""Check a local-search problem's incremental ``delta`` against its ``score``.

Tabu search and annealing choose moves by ``delta(s, m)`` alone, so a delta that disagrees
with the score sends them the wrong way without any error (verification only catches an
infeasible result, not a misled search). :func:`check_delta` walks random states with random
moves and compares ``score(apply(copy(s), m)) - score(s)`` with ``delta(s, m)`` at each one;
it also checks that ``delta`` leaves the state unchanged.

Examples:
    >>> from search.drivers import OneMaxFlips, check_delta
    >>> report = check_delta(OneMaxFlips([5, 1, 4, 2, 3], cap=2), samples=200, seed=0)
    >>> report.ok, report.checked
    (True, 200)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine._args import check_flag, check_real, check_seed, short_repr
from engine.errors import VerificationError
from search.drivers._local import candidate_of, check_int, check_local_problem

__all__ = ["DeltaReport", "check_delta"]


@dataclass(frozen=True)
class DeltaReport:
    """What :func:`check_delta` found.

    Attributes:
        ok: every checked move's delta equals the change of score.
        checked: moves compared.
        infeasible: moves whose delta was ``-inf`` (not applied, not compared).
        sample: the index of the first mismatch (None when ok).
        move: the first move whose delta is wrong (None when ok).
        delta: what ``delta`` claimed for it; change: the actual change of score.
        message: a one-line description of the mismatch ("" when ok).
    """

    ok: bool
    checked: int
    infeasible: int
    sample: int | None = None
    move: Any = None
    delta: float | None = None
    change: float | None = None
    message: str = ""


def check_delta(problem: Any, *, samples: int = 500, seed: int | None = 0,
                restart_every: int = 50, moves: int = 8, tol: float = 1e-9,
                raise_on_error: bool = True) -> DeltaReport:
    """Compare ``delta(s, m)`` with ``score(apply(copy(s), m)) - score(s)`` on random moves.

    Starting from ``problem.initial(rng)``, each sample draws up to ``moves`` moves with
    ``sample_moves``, picks one at random, compares its delta with the exact change of score,
    and continues the walk from the moved state (restarting from a fresh initial state every
    ``restart_every`` samples), so the moves are tried on many different states.

    Args:
        problem: a :class:`~search.drivers.LocalSearchProblem`.
        samples: moves to check.
        seed: seed of the walk (reproducible).
        restart_every: samples between fresh initial states.
        moves: moves drawn per sample.
        tol: allowed difference, relative to ``1 + |change|`` (0 for exact equality; scores
            that are integers compare exactly either way).
        raise_on_error: raise on the first mismatch (else return it in the report).

    Returns:
        A :class:`DeltaReport`.

    Raises:
        VerificationError: a delta differs from the change of score, or ``delta`` changed the
            state (when ``raise_on_error``); the message names the move, both values and the
            sample.
        InvalidInputError: a problem without the local-search methods, or bad arguments.
    """
    check_local_problem(problem)
    check_int("samples", samples)
    check_int("restart_every", restart_every)
    check_int("moves", moves)
    tol = check_real(tol, "tol", low=0, what="a tolerance")
    raise_on_error = check_flag(raise_on_error, "raise_on_error")
    seed = check_seed(seed)
    rng = np.random.default_rng(seed)
    name = type(problem).__name__
    s = problem.initial(rng)
    checked = infeasible = 0

    def fail(i: int, m: Any, d: float | None, change: float | None, msg: str) -> DeltaReport:
        rep = DeltaReport(False, checked, infeasible, i, m, d, change, msg)
        if raise_on_error:
            raise VerificationError(msg)
        return rep

    for i in range(samples):
        if i and i % restart_every == 0:
            s = problem.initial(rng)
        options = list(problem.sample_moves(s, rng, moves))
        if not options:
            s = problem.initial(rng)
            continue
        m = options[int(rng.integers(len(options)))]
        before = float(problem.score(s))
        key_before = _key(problem, s)
        d = float(problem.delta(s, m))
        if float(problem.score(s)) != before or _key(problem, s) != key_before:
            return fail(i, m, d, None,
                        f"{name}.delta({short_repr(m)}) changed the state (sample {i}); delta must not "
                        "modify it")
        if not d > -math.inf:
            infeasible += 1
            continue
        after_state = problem.apply(problem.copy(s), m)
        after = float(problem.score(after_state))
        change = after - before
        if math.isnan(d) or abs(change - d) > tol * (1.0 + abs(change)):
            return fail(i, m, d, change,
                        f"{name}.delta({short_repr(m)}) = {short_repr(d)} but the score changes by {short_repr(change)} "
                        f"({short_repr(before)} -> {short_repr(after)}) at sample {i} (seed {seed}); fix "
                        f"{name}.delta or {name}.apply")
        checked += 1
        s = after_state
    return DeltaReport(True, checked, infeasible)


def _key(problem: Any, s: Any) -> Any:
    try:
        return problem.key(candidate_of(problem, s))
    except Exception:  # noqa: BLE001 - a problem without key(): compare the score only
        return None
