"""The flip-graph searches as specs of the search runner (:func:`search.runner.run_search`).

:class:`SchemeSearchSpec` is the spec of :func:`search.flipgraph.flip_search` (kind
``"flipgraph.search"``) and of :func:`search.flipgraph.bilinear.bilinear_search` (kind
``"flipgraph.bilinear"``); :mod:`search.flipgraph.meta` builds its own spec on the same walker
groups. The runner owns seeding, budgets, backends, progress, checkpoints, resume and the
store; this module supplies what is specific to schemes:

- a walker of the runner is a *walker group* (:class:`WalkerGroup`: flip-graph walkers taking
  turns in kernel calls of ``chunk`` flips and sharing a new best with probability
  ``copy_best``, as in the in-process strategy of Kauers-Moosbauer), a *pool*
  (:class:`PoolSearch`, Kauers-Moosbauer's pool strategy) or *short paths*
  (:class:`PathsSearch`, Khoruzhii-Gelss-Pokutta); on the serial backend one group holds
  every walker, on a process pool or Dask cluster each walker is a group of one, and
  :meth:`SchemeSearchSpec.share` makes the copy-the-best move between them;
- a step (:func:`scheme_step`) advances a group by a flip budget and a time slice and
  reports each new best as raw factor rows; the start scheme is reported first, so the best
  so far always exists (a resumed run never returns anything worse);
- a ``bilinear_search`` step also lifts a scheme that reaches the target rank (Hensel lifting,
  :func:`search.flipgraph.bilinear.lift_bilinear`) and, when it does not lift, starts a new
  attempt from a fresh seed; lifted schemes score half a rank better than the field scheme
  of the same rank, so the runner keeps (and stores) both;
- ``verify`` is the exact Brent equations over the ring (:meth:`BilinearScheme.is_valid`),
  ``key`` is :meth:`BilinearScheme.store_key` (the only place a store key of a scheme search
  is built), ``to_json``/``from_json`` the scheme's self-contained JSON (``format, ring, u,
  v, w``, or ``target, ring, u, v, w`` for other bilinear maps).

Reference: M. Kauers, J. Moosbauer, "Flip graphs for matrix multiplication", ISSAC 2023 (walks,
pool strategy); K. Khoruzhii, P. Gelss, S. Pokutta, "Faster algorithms for structured matrix
multiplication via flip graph search", arXiv:2511.10786 (2025) (short paths, lifting).

Examples:
    >>> from engine.schemes import Scheme
    >>> from search.core import Budget
    >>> from search.flipgraph.spec import SchemeSearchSpec
    >>> from search.flipgraph.walk import walk_config
    >>> from search.runner import run_search
    >>> s = Scheme.standard(2, 2, 2)
    >>> spec = SchemeSearchSpec(kind="flipgraph.search", target=s.target, start=s, field="F2",
    ...                         method="walk", walkers=2, teams=1, walk=walk_config("F2"), target_rank=7)
    >>> out = run_search(spec, Budget(steps=2_000_000, target=7), seed=1)
    >>> out.best.rank, out.stop_reason.value, spec.describe(out.best)
    (7, 'target_reached', 'rank 7 over F2')
"""

from __future__ import annotations

import hashlib
import sys
import time
from typing import Any

import numpy as np

from engine.errors import InvalidInputError
from engine.schemes import BilinearScheme, Scheme
from engine.tensors import TargetTensor
from search.flipgraph import _kernels as K
from search.flipgraph.walk import (
    MODES,
    FlipWalker,
    _unpack,
    bits_to_scheme,
    scheme_to_bits,
)
from search.runner import Exhausted, RunOutcome, SearchSpec

__all__ = [
    "SchemeSearchSpec",
    "WalkerGroup",
    "PoolSearch",
    "PathsSearch",
    "scheme_step",
    "scheme_from_json",
    "verify_payload",
    "outcome_best",
    "trim_bits",
]

#: Flips per runner chunk, in kernel calls of ``chunk`` flips.
CALLS_PER_CHUNK = 4


def trim_bits(scheme: BilinearScheme, ring: str) -> tuple[np.ndarray, np.ndarray, int]:
    """``(P, N, r)`` of ``scheme`` over ``ring`` with exactly ``r`` columns.

    Examples:
        >>> from engine.schemes import Scheme
        >>> from search.flipgraph.spec import trim_bits
        >>> P, N, r = trim_bits(Scheme.strassen(), "F2")
        >>> P.shape, r
        ((3, 7), 7)
    """
    P, N, r = scheme_to_bits(scheme, ring)
    return P[:, :r].copy(), N[:, :r].copy(), r


def scheme_from_json(payload: Any) -> BilinearScheme:
    """The scheme of a stored payload: :meth:`Scheme.to_json` (``format, ring, u, v, w``) or
    :meth:`BilinearScheme.to_json` (``target, ring, u, v, w``). Not verified here.

    Raises:
        InvalidInputError: a payload that is not a scheme.

    Examples:
        >>> from engine.schemes import Scheme
        >>> from search.flipgraph.spec import scheme_from_json
        >>> scheme_from_json(Scheme.strassen().to_json()) == Scheme.strassen()
        True
    """
    from solvers.lifting import _scheme_from_json

    if not isinstance(payload, dict) or not ({"format", "target"} & set(payload)):
        raise InvalidInputError(f"payload {str(payload)[:60]!r} is not a scheme (needs format or target, u, v, w)")
    try:
        return _scheme_from_json(payload)
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInputError(f"payload is not a scheme ({type(exc).__name__}: {exc})") from None


def verify_payload(payload: Any, key: str) -> str:
    """Re-verify a stored scheme from its payload alone (``disco results verify``): rebuild it
    (:func:`scheme_from_json`: matrix-multiplication and any other bilinear map), check the
    Brent equations exactly over the payload's ring, and check that ``key`` is the key this
    package builds for it (:meth:`BilinearScheme.store_key`; keys written by ``disco
    discover`` start with ``discover:``).

    Returns:
        What was verified (one line).

    Raises:
        VerificationError: a failing equation, or a key that is not the scheme's.
        InvalidInputError: a payload that is not a scheme.

    Examples:
        >>> from engine.tensors import complex_multiplication_tensor
        >>> from engine.schemes import BilinearScheme
        >>> from search.flipgraph.spec import verify_payload
        >>> s = BilinearScheme(complex_multiplication_tensor(), [[1, 1], [1, 0], [0, 1]],
        ...                    [[1, 1], [1, 0], [0, 1]], [[0, 1], [1, -1], [-1, -1]], ring="F3")
        >>> verify_payload(s.to_json(), s.store_key("F3"))
        'Brent equations exact over F3 (rank 3, complex multiplication)'
    """
    from engine.errors import VerificationError

    s = scheme_from_json(payload)
    ring = s.ring
    s.check(ring)
    if key != s.store_key(ring) and not key.startswith("discover:"):
        raise VerificationError(f"the key is not the scheme's key {s.store_key(ring)!r} "
                                "(payload edited after it was stored?)")
    what = f"<{s.format[0]},{s.format[1]},{s.format[2]}>" if isinstance(s, Scheme) else s.target.name
    return f"Brent equations exact over {ring} (rank {s.rank}, {what})"


# ----------------------------------------------------------------------------- walker groups
class WalkerGroup:
    """Flip-graph walkers that take turns (kernel calls of ``chunk`` flips) and share their best.

    The in-process strategy of :func:`search.flipgraph.flip_search`: after a kernel call that
    lowers the group's best rank, every other walker moves to the new best with probability
    ``copy_best`` (drawn from the group's own generator); then the walker may restart from
    the start scheme (:meth:`FlipWalker.maybe_restart`). Picklable (numpy arrays, a numpy
    generator).

    Args:
        start: ``(P, N, r)`` of the start scheme.
        mode: kernel mode (0 F2, 1 F3, 2 ZT).
        seeds: one xorshift seed per walker.
        adapt: per walker, whether it tunes its plus period.
        params: :func:`search.flipgraph.walk.walk_config`.
        copy_seed: seed of the copy-the-best generator.
    """

    kind = "walk"

    def __init__(self, start: tuple, mode: int, seeds: list[int], adapt: list[bool], params: dict,
                 copy_seed: int) -> None:
        P, N, r = start
        rmax = r + params["plus_limit"] + 4
        self.members = [FlipWalker.from_bits(P, N, r, mode, int(s), rmax=rmax) for s in seeds]
        for w in self.members:
            w.split = params["split"]
            w.wrap = int(params.get("wrap", 0))
        self.adapt = [bool(a) for a in adapt]
        self.params = params
        self.next = 0
        self.copy_rng = np.random.default_rng(int(copy_seed))
        self.best = (P[:, :r].copy(), N[:, :r].copy(), int(r))

    def advance(self, flips: int, t_end: float | None, target: int,
                limit: int | None = None) -> tuple[int, list, bool]:
        """Kernel calls in turn until ``flips`` are used, ``t_end`` passes or the best reaches
        ``target``. Returns ``(flips used, new bests (P, N, r), reached)``.

        A kernel call is ``chunk`` flips, or what is left of ``limit`` (default ``flips``); a
        ``limit`` above ``flips`` lets the last call overrun ``flips`` so that the calls do not
        depend on where a caller's slices end."""
        p = self.params
        limit = flips if limit is None else limit
        done = 0
        found: list[tuple] = []
        if self.best[2] <= target:
            return 0, found, True
        while done < flips and done < limit:
            i = self.next
            w = self.members[i]
            f0 = w.flips
            w.run(min(p["chunk"], limit - done), target, p["plus_after"], p["plus_limit"], p["restart_after"],
                  self.adapt[i])
            done += max(1, w.flips - f0)
            self.next = (i + 1) % len(self.members)
            if w.best_r < self.best[2]:  # report before a restart can forget it
                self.best = w.best_bits()
                found.append(self.best)
                for w2 in self.members:
                    if w2 is not w and w2.best_r > w.best_r and self.copy_rng.random() < p["copy_best"]:
                        w2.adopt(w)
            if self.best[2] <= target:
                return done, found, True
            w.maybe_restart(p["restart"], p["restart_base"])
            if t_end is not None and time.perf_counter() >= t_end:
                break
        return done, found, False

    def adopt(self, bits: tuple) -> bool:
        """Every walker behind ``bits`` moves to it (resume with a better stored scheme)."""
        moved = [w.adopt_bits(*bits) for w in self.members]
        if bits[2] < self.best[2]:
            self.best = bits
        return any(moved)

    def share(self, bits: tuple) -> bool:
        """Each walker behind ``bits`` moves to it with probability ``copy_best``."""
        moved = False
        for w in self.members:
            if w.best_r > bits[2] and self.copy_rng.random() < self.params["copy_best"]:
                moved = w.adopt_bits(*bits) or moved
        if moved and bits[2] < self.best[2]:
            self.best = bits
        return moved

    @property
    def restarts(self) -> int:
        """Restarts of the walkers from the start scheme."""
        return sum(w.cycles for w in self.members)


class PoolSearch:
    """The pool strategy (Kauers-Moosbauer 2022): from random members of the rank-``r`` pool,
    walk at most ``path_len`` flips towards rank ``r - 1``; keep up to ``pool_size`` distinct
    schemes found (a round ends after that many, or ``4 pool_size`` walks), then descend.
    A round without any enables plus transitions and lengthens the walks by half. A walk
    continues across runner chunks (its walker is part of the state)."""

    kind = "pool"

    def __init__(self, start: tuple, mode: int, seed: int, params: dict) -> None:
        self.rng = np.random.default_rng(int(seed))
        self.mode = int(mode)
        self.params = params
        self.pool = [start]
        self.best = start
        self.r0 = int(start[2])
        self.plus_after = 0
        self.path_len = 40 * self.r0 + 20_000
        self.found: dict[bytes, tuple] = {}
        self.attempts = 0
        self.cur: list | None = None  # [walker, flips left, base rank]

    def _end_round(self) -> None:
        size = self.params["pool_size"]
        if self.found:
            pool = sorted(self.found.values(), key=lambda b: b[2])
            minr = pool[0][2]
            self.pool = [b for b in pool if b[2] == minr][:size]
            self.plus_after = 0
        else:  # plateau: plus transitions in the next round, longer paths
            self.plus_after = 50 * self.r0 + 2000
            self.path_len = int(self.path_len * 1.5)
        self.found = {}
        self.attempts = 0

    def advance(self, flips: int, t_end: float | None, target: int,
                limit: int | None = None) -> tuple[int, list, bool]:
        """Walks until ``flips`` are used or ``t_end`` passes; see :meth:`WalkerGroup.advance`."""
        size = self.params["pool_size"]
        limit = flips if limit is None else limit
        done = 0
        out: list[tuple] = []
        while True:
            if self.best[2] <= target:
                return done, out, True
            if done >= flips or done >= limit or (t_end is not None and time.perf_counter() >= t_end):
                return done, out, False
            if self.cur is None:
                if len(self.found) >= size or self.attempts >= 4 * size:
                    self._end_round()
                    continue
                self.attempts += 1
                base = self.pool[int(self.rng.integers(len(self.pool)))]
                w = FlipWalker.from_bits(*base, self.mode, int(self.rng.integers(1 << 62)),
                                         rmax=base[2] + self.params["plus_limit"] + 4)
                w.split = self.params["split"]
                w.wrap = int(self.params.get("wrap", 0))
                self.cur = [w, self.path_len, base[2]]
            w, left, base_r = self.cur
            f0 = w.flips
            status = w.run(min(left, limit - done), base_r - 1, self.plus_after, self.params["plus_limit"], 0)
            used = max(1, w.flips - f0)
            done += used
            self.cur[1] = left - used
            if status == K.STATUS_BUDGET and self.cur[1] > 0:
                continue
            self.cur = None
            if w.best_r < base_r:
                bits = w.best_bits()
                self.found[bits[0].tobytes() + bits[1].tobytes()] = bits
                if bits[2] < self.best[2]:
                    self.best = bits
                    out.append(bits)
                if bits[2] <= target:
                    self._end_round()

    def adopt(self, bits: tuple) -> bool:
        """Continue from ``bits`` when it is better than the pool's best."""
        if bits[2] >= self.best[2]:
            return False
        self.best = bits
        self.pool = [bits]
        self.found, self.attempts, self.cur = {}, 0, None
        return True

    share = adopt
    restarts = 0


class PathsSearch:
    """Many short walks out of a pool of rank ``target + 1`` schemes (Khoruzhii-Gelss-Pokutta).

    Pool members come from walks from the start scheme down to ``target + 1`` (kernel calls of
    at most 100 000 flips, at most ``10 path_length`` flips); each path starts at a random
    member, walks at most ``path_length`` flips with a plus transition after ``plus_after``
    flips without progress (rank at most member + ``plus_limit``) and stops at the target.
    With probability ``refresh`` (or while the pool is not full) a new member is made instead.
    """

    kind = "paths"

    def __init__(self, start: tuple, mode: int, seed: int, params: dict) -> None:
        self.rng = np.random.default_rng(int(seed))
        self.mode = int(mode)
        self.params = params
        self.start = start
        self.pool: list[tuple] = []
        self.best = start
        self.cur: dict | None = None
        # the paths policy is bilinear_search's: over F3 every wrapping move is taken
        self.wrap = int(params.get("wrap", 256 if self.mode == 1 else 0))

    def advance(self, flips: int, t_end: float | None, target: int,
                limit: int | None = None) -> tuple[int, list, bool]:
        """Paths until ``flips`` are used or ``t_end`` passes; see :meth:`WalkerGroup.advance`."""
        p = self.params
        length = p["path_length"]
        limit = flips if limit is None else limit
        done = 0
        out: list[tuple] = []
        while True:
            if self.best[2] <= target:
                return done, out, True
            if done >= flips or done >= limit or (t_end is not None and time.perf_counter() >= t_end):
                return done, out, False
            if self.cur is None:
                if len(self.pool) < p["pool_size"] or self.rng.random() < p["refresh"]:
                    w = FlipWalker.from_bits(*self.start, self.mode, int(self.rng.integers(1 << 62)),
                                             rmax=self.start[2] + 2)
                    w.wrap = getattr(self, "wrap", 256 if self.mode == 1 else 0)  # older checkpoints: no attribute
                    self.cur = {"w": w, "new": True, "done": 0, "left": length}
                else:
                    P, N, r = self.pool[int(self.rng.integers(len(self.pool)))]
                    cols = r + p["plus_limit"] + 2
                    P2 = np.zeros((3, cols), dtype=np.uint64)
                    N2 = np.zeros((3, cols), dtype=np.uint64)
                    P2[:, :r], N2[:, :r] = P, N
                    w = FlipWalker(P2, N2, r, self.mode, P2.copy(), N2.copy(), r,
                                   np.array([np.uint64(self.rng.integers(1, 1 << 62))], dtype=np.uint64))
                    w.wrap = getattr(self, "wrap", 256 if self.mode == 1 else 0)  # older checkpoints: no attribute
                    self.cur = {"w": w, "new": False, "done": 0, "left": length}
            cur = self.cur
            w = cur["w"]
            f0 = w.flips
            if cur["new"]:
                goal = target + 1
                w.run(min(length, 100_000, limit - done), goal, 100_000, 1, 0)
                used = max(1, w.flips - f0)
                cur["done"] += used
                over = not (w.best_r > goal and cur["done"] < 10 * length)
            else:
                w.run(min(cur["left"], limit - done), target, p["plus_after"], p["plus_limit"], 0)
                used = max(1, w.flips - f0)
                cur["left"] -= used
                over = cur["left"] <= 0 or w.best_r <= target
            done += used
            if w.best_r < self.best[2]:
                self.best = w.best_bits()
                out.append(self.best)
            if over:
                self.cur = None
                if cur["new"] and w.best_r == target + 1:
                    self.pool.append(w.best_bits())

    def adopt(self, bits: tuple) -> bool:
        """Record a better best (the pool of rank ``target + 1`` schemes is kept)."""
        if bits[2] >= self.best[2]:
            return False
        self.best = bits
        return True

    def share(self, bits: tuple) -> bool:
        """No population move between path searches."""
        return False

    restarts = 0


# ----------------------------------------------------------------------------- the spec
def _seeds(seed: int, n: int) -> list[int]:
    return [int(x) for x in np.random.SeedSequence(int(seed)).generate_state(n, dtype=np.uint64)]


def _new_inner(cfg: dict, team: int, seed: int) -> Any:
    """The walker group / pool / paths search of one attempt, seeded like the former
    in-process searches (``SeedSequence(seed)`` streams per walker)."""
    method, mode, start = cfg["method"], cfg["mode"], cfg["start_bits"]
    if method == "walk":
        seeds = _seeds(seed, cfg["walkers"])
        flags = [(i % 2 == 1) if cfg["walk"]["adapt"] == "mixed" else bool(cfg["walk"]["adapt"])
                 for i in range(cfg["walkers"])]
        if cfg["teams"] == 1:
            return WalkerGroup(start, mode, seeds, flags, cfg["walk"], seeds[0])
        return WalkerGroup(start, mode, [seeds[team]], [flags[team]], cfg["walk"], seeds[team])
    if method == "pool":
        return PoolSearch(start, mode, _seeds(seed, max(cfg["walkers"], 1))[team], cfg["walk"])
    sd = seed if team == 0 else _seeds(seed, cfg["teams"])[team]
    return PathsSearch(start, mode, sd, cfg["paths"])


def _attempt_seed(cfg: dict, seed: int, attempt: int) -> int:
    """The seed of attempt ``attempt``: the run's seed for a flip search; for a
    bilinear search the attempt-th spawned child (as ``SeedSequence(seed).spawn``)."""
    if not cfg["spawn"]:
        return int(seed)
    return int(np.random.SeedSequence(int(seed), spawn_key=(int(attempt),)).generate_state(1)[0] >> 1)


def _raw(bits: tuple, dims: tuple[int, int, int]) -> dict:
    u, v, w = _unpack(bits[0], bits[1], bits[2], dims)
    return {"u": u, "v": v, "w": w}


def scheme_step(state: dict, budget: Any) -> tuple[Any, list, int]:
    """Step of :class:`SchemeSearchSpec` (module level: pickled by reference).

    Advances the state's walker group (or pool, or paths search) by at most ``budget.steps``
    flips and ``budget.time_limit`` seconds, and returns ``(state, found, flips used)``:
    ``found`` lists each new best of the group as factor rows (the start scheme first, in the
    first chunk). A bilinear-search state lifts a scheme that reaches the target rank and
    reports the lifted scheme; when it does not lift, a new attempt starts from a fresh seed.
    A walker group that is done returns :class:`search.runner.Exhausted`.
    """
    cfg = state["cfg"]
    flips = int(budget.steps) if budget.steps is not None else cfg["chunk_steps"]
    # a full chunk may end inside a kernel call (the calls then do not depend on where chunks
    # end); a shorter one is the end of the flip budget, which no call passes
    hard = flips if flips < cfg["chunk_steps"] else 1 << 62
    t_end = None if budget.time_limit is None else time.perf_counter() + float(budget.time_limit)
    dims = cfg["dims"]
    found: list[dict] = []
    used = 0
    if not state["started"]:
        state["started"] = True
        state["reported"] = cfg["start_bits"][2]
        found.append(_raw(cfg["start_bits"], dims))
    while True:
        if used >= flips or (t_end is not None and time.perf_counter() >= t_end):
            return state, found, used
        if state["inner"] is None:
            if cfg["max_attempts"] is not None and state["attempt"] >= cfg["max_attempts"]:
                return Exhausted(state), found, used
            state["attempt_seed"] = _attempt_seed(cfg, state["seed"], state["attempt"])
            state["inner"] = _new_inner(cfg, state["team"], state["attempt_seed"])
            state["attempt"] += 1
        inner = state["inner"]
        n, bests, reached = inner.advance(flips - used, t_end, cfg["search_rank"], limit=hard - used)
        used += n
        for bits in bests:
            if bits[2] < state["reported"]:
                state["reported"] = bits[2]
                found.append(_raw(bits, dims))
        if not reached:
            continue
        if _finish_attempt(state, found):
            return Exhausted(state), found, used


def _finish_attempt(state: dict, found: list) -> bool:
    """The attempt reached the search rank: more recursive calls, lifting. Returns whether
    the group is done (no lifting asked, or lifted); otherwise a new attempt follows."""
    cfg = state["cfg"]
    field = cfg["field"]
    if cfg["lift_to"] is None and not cfg["recursive_flips"]:
        return True
    from search.flipgraph.bilinear import _lift_with_walk, more_recursive_calls

    seed = state["attempt_seed"]
    s = bits_to_scheme(*state["inner"].best, cfg["T_search"], field)
    cands = [s]
    if cfg["recursive_flips"] and cfg["structure_of"] is not None:
        better = more_recursive_calls(s, field, flips=int(cfg["recursive_flips"]), seed=seed,
                                      structure_of=cfg["structure_of"])
        if better.rank <= s.rank:
            cands.insert(0, better)
            found.append({"scheme": better})  # accepted when it has more recursive calls
    if cfg["lift_to"] is None:
        return True
    for s in cands:
        lr, s = _lift_with_walk(s, field, cfg["lift_to"], cfg["lift_walk"], 300, seed, cfg["lift_attempts"])
        if lr.lifted:
            state["lifted_from"] = s
            state["lift_ring"] = lr.ring
            found.append({"scheme": lr.scheme})
            return True
    state["reasons"].append(lr.reason or "does not lift")
    if cfg["progress"]:
        print(f"bilinear: rank {s.rank} over {field} does not lift to {cfg['lift_to']}; new walk",
              file=sys.stderr, flush=True)
    state["inner"] = None
    return False


class SchemeSearchSpec(SearchSpec):
    """The runner's spec of a flip-graph scheme search (see the module docstring).

    Args:
        kind: ``"flipgraph.search"`` or ``"flipgraph.bilinear"`` (the run kind; checkpoints of
            one are refused by the other).
        target: the full target tensor (what every reported scheme decomposes).
        start: the start scheme of the searched target (``split.sub`` with corners), valid
            over ``field``.
        field: the search ring (``F2``, ``F3`` or ``ZT``).
        method: ``"walk"``, ``"pool"`` or ``"paths"``.
        walkers: walkers; teams: walker groups (1: every walker in one group, as on the
            serial backend; ``walkers``: one group each).
        walk: :func:`search.flipgraph.walk.walk_config`; paths: the ``"paths"`` policy.
        target_rank: the rank to reach (full target).
        split: a :class:`search.flipgraph.bilinear.CornerSplit` (naive products kept out).
        lift_to, lift_attempts, lift_walk: lifting of schemes at the target rank.
        recursive_flips, structure_of: more recursive calls before lifting.
        max_attempts: attempts (walks from the start) per group at most (None: no limit).
        progress: print a line when a scheme does not lift.
    """

    domain = "schemes"
    collect = "best"
    state_version = 1
    chunk_steps = CALLS_PER_CHUNK * 500_000
    step = staticmethod(scheme_step)

    def __init__(self, *, kind: str, target: TargetTensor, start: BilinearScheme, field: str, method: str,
                 walkers: int, teams: int, walk: dict, target_rank: int, paths: dict | None = None,
                 split: Any = None, lift_to: str | None = None, lift_attempts: int = 4, lift_walk: int = 60,
                 recursive_flips: int = 0, structure_of: Any = None, max_attempts: int | None = None,
                 progress: bool = False) -> None:
        self.kind = kind
        self.target = target
        self.field = field
        self.method = method
        self.split = split
        self.lift_to = lift_to
        self.target_rank = int(target_rank)
        self.calls = structure_of if recursive_flips and structure_of is not None else None
        self.verification_method = f"brent-equations/{field}" + (f"+lift/{lift_to}" if lift_to else "")
        T_search = target if split is None else split.sub
        self.T_search = T_search
        self.chunk_steps = CALLS_PER_CHUNK * int(walk["chunk"])
        start_bits = trim_bits(start, field)
        corner_rank = 0 if split is None else split.corner_rank
        self.cfg = {
            "method": method, "mode": MODES[field], "field": field, "dims": T_search.shape,
            "chunk_steps": self.chunk_steps,
            # the target only where a step needs it (lifting, recursive calls): states stay small
            "T_search": T_search if lift_to is not None or recursive_flips else None, "start_bits": start_bits, "walkers": int(walkers), "teams": int(teams),
            "walk": dict(walk), "paths": dict(paths or {}), "search_rank": self.target_rank - corner_rank,
            "spawn": kind == "flipgraph.bilinear", "max_attempts": max_attempts, "lift_to": lift_to,
            "lift_attempts": int(lift_attempts), "lift_walk": int(lift_walk),
            "recursive_flips": int(recursive_flips or 0), "structure_of": structure_of,
            "progress": bool(progress),
        }
        digest = hashlib.sha1(start_bits[0].tobytes() + start_bits[1].tobytes()).hexdigest()[:16]
        self._params = {
            "target": target.name, "shape": list(target.shape), "field": field, "method": method,
            "walkers": int(walkers), "teams": int(teams), "target_rank": self.target_rank,
            "start": f"r{start_bits[2]}:{digest}",
            # wrap only where it is used (F3, wrap > 0): checkpoints of other runs stay resumable
            "walk": {k: v for k, v in walk.items() if k not in ("split_p", "wrap_p") and (k != "wrap" or v)},
            "paths": dict(paths or {}),
            "corners": None if split is None else [list(split.corners), [list(f) for f in split.fixed]],
            "lift_to": lift_to, "lift_attempts": int(lift_attempts), "lift_walk": int(lift_walk),
            "recursive_flips": int(recursive_flips or 0), "max_attempts": max_attempts,
        }

    # -- the runner's protocol
    def params(self) -> dict[str, Any]:
        return self._params

    def initial_states(self, seed: int) -> list[Any]:
        return [{"cfg": self.cfg, "team": t, "seed": int(seed), "attempt": 0, "attempt_seed": None,
                 "inner": None, "started": False, "reported": None, "reasons": [], "lifted_from": None,
                 "lift_ring": None} for t in range(self.cfg["teams"])]

    def decode(self, raw: dict) -> BilinearScheme:
        if "scheme" in raw:
            s = raw["scheme"]
        else:
            T = self.T_search
            if T.format is not None:
                s = Scheme(T.format, raw["u"], raw["v"], raw["w"], ring=self.field)
            else:
                s = BilinearScheme(T, raw["u"], raw["v"], raw["w"], ring=self.field)
        if self.split is not None:
            s = self.split.assemble(s, s.ring)
        return s

    def is_lifted(self, c: BilinearScheme) -> bool:
        """Whether ``c`` is a lifted scheme (over Z, Q or ZT while the search ring is F2/F3)."""
        return self.lift_to is not None and c.ring != self.field

    def score(self, c: BilinearScheme) -> float:
        """``-rank``; a lifted scheme half a rank better; with recursive flips, a bonus below a
        quarter rank for the share of recursive calls."""
        s = -float(c.rank) + (0.5 if self.is_lifted(c) else 0.0)
        if self.calls is not None:
            from solvers.recursive_cost import recursive_cost

            try:
                s += 0.25 * recursive_cost(c).recursive_calls / (c.rank + 1)
            except InvalidInputError:
                pass
        return s

    def target_score(self, target: float) -> float:
        return -float(target) + (0.5 if self.lift_to is not None else 0.0)

    def verify(self, c: BilinearScheme) -> bool:
        if not isinstance(c, BilinearScheme) or c.target != self.target:
            return False
        if c.ring != self.field and self.lift_to is None:
            return False
        return c.is_valid(self.lift_to if self.is_lifted(c) else self.field)

    def key(self, c: BilinearScheme) -> str:
        return c.store_key(c.ring)

    def to_json(self, c: BilinearScheme) -> dict:
        return c.to_json()

    def from_json(self, payload: Any) -> BilinearScheme:
        return scheme_from_json(payload)

    def describe(self, c: BilinearScheme) -> str:
        return f"rank {c.rank} over {c.ring}" + (f" (lifted from {self.field})" if self.is_lifted(c) else "")

    def _bits_of(self, c: BilinearScheme) -> tuple | None:
        """``(P, N, r)`` of the searched part of a field scheme ``c`` (None if it has none)."""
        if c.ring != self.field:
            return None
        try:
            if self.split is not None:
                r = c.rank - self.split.corner_rank
                if r < 1:
                    return None
                w = np.asarray(c.w, dtype=object)[:r][:, list(self.split.keep)]
                c = BilinearScheme(self.T_search, np.asarray(c.u, dtype=object)[:r].tolist(),
                                   np.asarray(c.v, dtype=object)[:r].tolist(), w.tolist(), ring=self.field)
                if not c.is_valid(self.field):
                    return None
            return trim_bits(c, self.field)
        except InvalidInputError:
            return None

    def adopt(self, state: dict, best: BilinearScheme) -> dict | None:
        bits = self._bits_of(best)
        if bits is None:
            return None
        if state["reported"] is not None:
            state["reported"] = min(state["reported"], bits[2])
        if state["inner"] is not None:
            state["inner"].adopt(bits)
        return state

    def share(self, state: dict, best: BilinearScheme) -> dict | None:
        if state["inner"] is None:
            return None
        bits = self._bits_of(best)
        if bits is None or not state["inner"].share(bits):
            return None
        return state

    # -- reading the outcome
    def restarts(self, state: dict) -> int:
        """Restarts from the start scheme in a final state."""
        inner = state.get("inner")
        return int(getattr(inner, "restarts", 0) or 0)


def outcome_best(out: RunOutcome, spec: SchemeSearchSpec) -> BilinearScheme:
    """The best scheme of a run (the start scheme when the run stopped before its first chunk)."""
    if out.best is not None:
        return out.best
    bits = spec.cfg["start_bits"]
    return spec.decode(_raw(bits, spec.cfg["dims"]))
