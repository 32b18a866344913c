"""Flip-graph search: walkers, the pool strategy and :func:`flip_search`.

A walker holds one scheme as bit-packed factors (see :mod:`search.flipgraph._kernels`) and
performs random flips; reductions lower the rank. The default strategy (``method="walk"``)
follows the plus-transition policy of the adaptive flip-graph algorithm and of the C++
ternary framework: after a random number of flips in ``[plus_after / 16, plus_after]``
without a rank decrease the walker takes a plus transition (rank + 1), as long as its rank
stays below its best rank + ``plus_limit`` (4); a walker with no possible move restarts from
its best scheme, and several in-process walkers share a new best scheme with probability
``copy_best``. A walker that finds no new best for ``restart_base`` times a Luby-sequence
number of flips restarts from the start scheme with a fresh random stream (run times to a
target rank are heavy-tailed: a walk either gets there early or stalls on a plateau). The pool strategy (``method="pool"``, Kauers-Moosbauer) collects several
distinct schemes at rank ``r - 1`` from walks out of the rank-``r`` pool before descending.

:func:`flip_search` runs on the search runner (:func:`search.runner.run_search`, spec
:class:`search.flipgraph.spec.SchemeSearchSpec`): every scheme leaving this module is converted
back to integer coefficients and verified exactly (Brent equations over the search ring) before
it is stored, reported or returned; checkpoints and resume are the runner's.

Reference: M. Kauers, J. Moosbauer, "Flip graphs for matrix multiplication", ISSAC 2023;
M. Kauers, J. Moosbauer, "The FBHHRBNRSSSHK-algorithm for multiplication in Z_2^{5x5} is
still not the end of the story", 2022 (pool strategy); Y. Arai, Y. Ichikawa, K. Hukushima,
"Adaptive flip graph algorithm for matrix multiplication", ISSAC 2024 (plus transitions);
"Fast matrix multiplication via ternary meta flip graphs", arXiv:2511.20317 (the C++ ternary framework:
ternary coefficients, plus period and rank margin).
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from engine.errors import InfeasibleError, InvalidInputError, VerificationError, check_seed
from engine.results import Result
from engine.schemes import BilinearScheme, Scheme
from engine.tensors import TargetTensor, parse_format
from search.core import Budget, StopReason, resolve_budget
from search.flipgraph import _kernels as K
from solvers.known_ranks import known_rank, lower_bound

__all__ = [
    "FlipWalker",
    "FlipSearchResult",
    "flip_search",
    "walker_step",
    "scheme_to_bits",
    "bits_to_scheme",
    "MODES",
]

#: Search rings and their kernel modes.
MODES: dict[str, int] = {"F2": 0, "F3": 1, "ZT": 2}
Method = Literal["walk", "pool"]
#: adaptive plus period: kernel call length and the period's range (flips)
ADAPT_STEP = 100_000
ADAPT_MIN = 1_000
ADAPT_MAX = 2_000_000
ADAPT_DOWN = 0.9  # period factor when the walker is found at its best rank
ADAPT_UP = 1.1  # ... and when it is found above it
#: largest plus_limit / pool_size a walk takes (walkers allocate rank + plus_limit + 4 columns)
MAX_PLUS_LIMIT = 1000
MAX_POOL_SIZE = 100_000
#: restart policies of :func:`flip_search` (``restart=``): the factor of ``restart_base`` for the
#: k-th restart of a walker (k = 1, 2, ...)
RestartPolicy = Literal["none", "fixed", "geometric", "luby"]


def luby(k: int) -> int:
    """The k-th term (k >= 1) of the Luby sequence 1, 1, 2, 1, 1, 2, 4, 1, 1, 2, ...

    Reference: M. Luby, A. Sinclair, D. Zuckerman, "Optimal speedup of Las Vegas algorithms",
    Information Processing Letters 47 (1993).

    Raises:
        InvalidInputError: ``k < 1``.

    Examples:
        >>> from search.flipgraph.walk import luby
        >>> [luby(k) for k in range(1, 11)]
        [1, 1, 2, 1, 1, 2, 4, 1, 1, 2]
    """
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise InvalidInputError(f"k={k!r} must be a positive integer (the Luby sequence starts at k=1)")
    k = int(k)
    while True:
        i = k.bit_length()
        if k == (1 << i) - 1:
            return 1 << (i - 1)
        k -= (1 << (i - 1)) - 1


RESTART_FACTORS: dict[str, Any] = {
    "none": None,
    "fixed": lambda k: 1,
    "geometric": lambda k: 2 ** (k - 1),
    "luby": luby,
}


# ----------------------------------------------------------------------------- conversion
def scheme_to_bits(scheme: BilinearScheme, ring: str, rmax: int | None = None) -> tuple[np.ndarray, np.ndarray, int]:
    """Pack a scheme into ``(P, N, r)`` bitmask arrays of shape ``(3, rmax)``.

    Raises:
        InvalidInputError: a dimension above 64, or coefficients that do not fit ``ring``.

    Examples:
        >>> from engine.schemes import Scheme
        >>> from search.flipgraph.walk import scheme_to_bits
        >>> P, N, r = scheme_to_bits(Scheme.strassen(), "ZT")
        >>> r, P.shape[0]
        (7, 3)
    """
    if ring not in MODES:
        raise InvalidInputError(f"ring={ring!r} cannot be searched; use F2, F3 or ZT (lift F2/F3 results to Z or Q)")
    if not isinstance(scheme, BilinearScheme):
        raise InvalidInputError(f"scheme={str(scheme)[:40]!r} is not a scheme; pass an engine.schemes.Scheme or BilinearScheme")
    if rmax is not None and (isinstance(rmax, bool) or not isinstance(rmax, int | np.integer) or rmax < 0):
        raise InvalidInputError(f"rmax={rmax!r} must be a non-negative integer (the largest rank to make room for)")
    dims = scheme.target.shape
    if max(dims) > 64:
        raise InvalidInputError(f"target dimensions {dims} exceed 64 coordinates per factor; bit-packed search needs <= 64")
    r = scheme.rank
    rmax = max(rmax or 0, r) + 1
    P = np.zeros((3, rmax), dtype=np.uint64)
    N = np.zeros((3, rmax), dtype=np.uint64)
    p = 2 if ring == "F2" else 3
    for s, arr in enumerate((scheme.u, scheme.v, scheme.w)):
        for t in range(r):
            pb = 0
            nb = 0
            for c, x in enumerate(arr[t]):
                q = int(x) if not hasattr(x, "denominator") or x.denominator == 1 else None
                if q is None:
                    raise InvalidInputError(f"coefficient {x} is not an integer; cannot search over {ring}")
                if ring == "ZT" and q not in (-1, 0, 1):
                    raise InvalidInputError(f"coefficient {q} is outside {{-1, 0, 1}}; ZT search needs a ternary start scheme")
                q %= p
                if q == 1:
                    pb |= 1 << c
                elif q == 2:
                    nb |= 1 << c
            P[s, t] = np.uint64(pb)
            N[s, t] = np.uint64(nb)
    return P, N, r


def _unpack(P: np.ndarray, N: np.ndarray, r: int, dims: tuple[int, int, int]) -> list[np.ndarray]:
    out = []
    for s, d in enumerate(dims):
        arr = np.zeros((r, d), dtype=np.int64)
        bits = np.arange(d, dtype=np.uint64)
        if r:
            arr += ((P[s, :r, None] >> bits) & np.uint64(1)).astype(np.int64)
            arr -= ((N[s, :r, None] >> bits) & np.uint64(1)).astype(np.int64)
        out.append(arr)
    return out


def bits_to_scheme(P: np.ndarray, N: np.ndarray, r: int, target: TargetTensor, ring: str, verify: bool = True) -> BilinearScheme:
    """Unpack bitmasks into a (verified) :class:`Scheme` or :class:`BilinearScheme`.

    Raises:
        VerificationError: the unpacked scheme fails the Brent equations over ``ring``.

    Examples:
        >>> from engine.schemes import Scheme
        >>> from search.flipgraph.walk import scheme_to_bits, bits_to_scheme
        >>> s = Scheme.strassen(); P, N, r = scheme_to_bits(s, "ZT")
        >>> bits_to_scheme(P, N, r, s.target, "ZT") == s
        True
    """
    if not isinstance(target, TargetTensor):
        raise InvalidInputError(f"target={str(target)[:40]!r} is not a TargetTensor (scheme.target)")
    if ring not in MODES:
        raise InvalidInputError(f"ring={ring!r} is not a search ring; use F2, F3 or ZT")
    for name, a in (("P", P), ("N", N)):
        if not isinstance(a, np.ndarray) or a.dtype != np.uint64 or a.ndim != 2 or a.shape[0] != 3:
            raise InvalidInputError(f"{name} must be a uint64 array of shape (3, columns), got "
                                    f"{getattr(a, 'dtype', type(a).__name__)} {getattr(a, 'shape', '')}")
    if isinstance(r, bool) or not isinstance(r, int | np.integer) or not 0 <= r <= min(P.shape[1], N.shape[1]):
        raise InvalidInputError(f"r={r!r} must be a rank between 0 and the {min(P.shape[1], N.shape[1])} columns of P, N")
    u, v, w = _unpack(P, N, r, target.shape)
    if target.format is not None:
        s: BilinearScheme = Scheme(target.format, u, v, w, ring=ring)
    else:
        s = BilinearScheme(target, u, v, w, ring=ring)
    if verify:
        s.check(ring)
    return s


# ----------------------------------------------------------------------------- walker
@dataclass
class FlipWalker:
    """State of one random walker (picklable: plain numpy arrays and ints).

    Attributes:
        P, N: current factors; r: current rank.
        bestP, bestN: best factors seen; best_r: their rank.
        rng: one-element uint64 xorshift state; flips: flips done so far.
        since_best: flips since the last improvement (for restarts).
        split: a rank-increasing move is a split with probability ``split / 256``.
        wrap: (F3) a move whose sum wraps modulo 3 (``1 + 1 = -1``) is taken with probability
            ``wrap / 256`` (see :mod:`search.flipgraph._kernels`).

    A walker made by :meth:`start` or :meth:`from_bits` begins at its scheme with every
    reduction applied (zero terms dropped, terms sharing two factors merged), so a reducible
    start scheme is never searched above its reduced rank.
    """

    P: np.ndarray
    N: np.ndarray
    r: int
    mode: int
    bestP: np.ndarray
    bestN: np.ndarray
    best_r: int
    rng: np.ndarray
    flips: int = 0
    since_best: int = 0
    restarts: int = 0
    period: int = 0
    improvements: list = field(default_factory=list)
    seed: int | None = None
    startP: np.ndarray | None = None
    startN: np.ndarray | None = None
    start_r: int = 0
    cycles: int = 0
    split: int = 0
    wrap: int = 0

    @classmethod
    def start(cls, scheme: BilinearScheme, ring: str, seed: int, rmax: int | None = None) -> FlipWalker:
        """A walker at ``scheme`` with an xorshift state derived from ``seed``.

        Raises:
            InvalidInputError: a ring other than F2, F3, ZT, a bad seed, or a scheme that does not fit.
        """
        seed = check_seed(seed, allow_none=False)
        P, N, r = scheme_to_bits(scheme, ring, rmax=rmax or scheme.rank + 8)
        r = int(K.reduce_scheme(P, N, r, MODES[ring]))
        ss = np.random.SeedSequence(seed)
        st = np.array([ss.generate_state(1, dtype=np.uint64)[0] | np.uint64(1)], dtype=np.uint64)
        return cls(P, N, r, MODES[ring], P.copy(), N.copy(), r, st, seed=int(seed), startP=P.copy(),
                   startN=N.copy(), start_r=r)

    @classmethod
    def from_bits(cls, P: np.ndarray, N: np.ndarray, r: int, mode: int, seed: int, rmax: int) -> FlipWalker:
        """A walker at the bit-packed scheme ``(P, N, r)`` (columns ``:r`` are read), with room
        up to rank ``rmax``: the same walker as :meth:`start` of the unpacked scheme.

        Examples:
            >>> from engine.schemes import Scheme
            >>> from search.flipgraph.walk import FlipWalker, scheme_to_bits
            >>> P, N, r = scheme_to_bits(Scheme.strassen(), "F2")
            >>> a = FlipWalker.from_bits(P, N, r, 0, seed=3, rmax=11)
            >>> b = FlipWalker.start(Scheme.strassen(), "F2", 3, rmax=11)
            >>> bool((a.P == b.P).all() and a.rng[0] == b.rng[0]), a.P.shape
            (True, (3, 12))
        """
        seed = check_seed(seed, allow_none=False)
        if int(mode) not in MODES.values():
            raise InvalidInputError(f"mode={mode!r} must be 0 (F2), 1 (F3) or 2 (ZT)")
        cap = max(int(rmax), int(r)) + 1
        P2 = np.zeros((3, cap), dtype=np.uint64)
        N2 = np.zeros((3, cap), dtype=np.uint64)
        P2[:, :r] = P[:, :r]
        N2[:, :r] = N[:, :r]
        r = int(K.reduce_scheme(P2, N2, int(r), int(mode)))
        ss = np.random.SeedSequence(int(seed))
        st = np.array([ss.generate_state(1, dtype=np.uint64)[0] | np.uint64(1)], dtype=np.uint64)
        return cls(P2, N2, int(r), int(mode), P2.copy(), N2.copy(), int(r), st, seed=int(seed),
                   startP=P2.copy(), startN=N2.copy(), start_r=int(r))

    def best_bits(self) -> tuple[np.ndarray, np.ndarray, int]:
        """A copy ``(P, N, r)`` of the walker's best scheme (``r`` columns)."""
        r = self.best_r
        return self.bestP[:, :r].copy(), self.bestN[:, :r].copy(), r

    def adopt_bits(self, P: np.ndarray, N: np.ndarray, r: int) -> bool:
        """Continue from the bit-packed scheme ``(P, N, r)`` when it is better than the
        walker's best (population move; resume with a better stored scheme). Returns whether
        the walker moved."""
        if r >= self.best_r or r >= self.P.shape[1]:
            return False
        for A, B in ((self.P, P), (self.N, N), (self.bestP, P), (self.bestN, N)):
            A[:] = 0
            A[:, :r] = B[:, :r]
        self.r = self.best_r = int(r)
        self.since_best = 0
        return True

    def maybe_restart(self, policy: str, base: int) -> bool:
        """Restart from the start scheme when the walker has gone ``base * f(k)`` flips without
        a new best (``f`` from ``RESTART_FACTORS[policy]``, k the number of such restarts
        so far plus one), with a fresh xorshift stream derived from the walker's seed and k
        (so a run stays reproducible). Returns True when it restarted.

        Heavy-tailed run times (a walk that reaches the target early or stalls for a long
        time on a plateau) are what restarts cure: M. Luby, A. Sinclair, D. Zuckerman,
        "Optimal speedup of Las Vegas algorithms", IPL 1993; C. Gomes, B. Selman, N. Crato,
        H. Kautz, "Heavy-tailed phenomena in satisfiability and constraint satisfaction
        problems", J. Autom. Reasoning 2000.
        """
        fac = RESTART_FACTORS[policy]
        if fac is None or base <= 0 or getattr(self, "startP", None) is None:
            return False
        if self.since_best < base * fac(self.cycles + 1):
            return False
        self.cycles += 1
        r = self.start_r
        self.P[:] = 0
        self.N[:] = 0
        self.P[:, :r] = self.startP[:, :r]
        self.N[:, :r] = self.startN[:, :r]
        self.bestP[:] = self.P
        self.bestN[:] = self.N
        self.r = self.best_r = r
        self.since_best = 0
        self.period = 0
        ss = np.random.SeedSequence(entropy=int(self.seed or 0), spawn_key=(self.cycles,))
        self.rng[0] = ss.generate_state(1, dtype=np.uint64)[0] | np.uint64(1)
        return True

    def adopt(self, other: FlipWalker) -> None:
        """Continue from ``other``'s best scheme (population strategy: copy the best)."""
        r = other.best_r
        self.P[:, :r] = other.bestP[:, :r]
        self.N[:, :r] = other.bestN[:, :r]
        self.bestP[:, :r] = other.bestP[:, :r]
        self.bestN[:, :r] = other.bestN[:, :r]
        self.r = self.best_r = r
        self.since_best = 0

    def run(self, flips: int, target: int, plus_after: int, plus_limit: int, restart_after: int,
            adapt: bool = False) -> int:
        """Advance by at most ``flips`` flips; returns the kernel status.

        With ``adapt`` the plus period is tuned between kernel calls of ``ADAPT_STEP`` flips:
        multiplied by 0.9 when the walker is found at its best rank, by 1.1 otherwise, so
        that it spends about half of its flips at its best rank and half above it (too
        short a period lets the walker drift up to its rank limit, too long a period keeps
        it on one level; the best period depends on the format). ``plus_after`` is the
        starting period.
        """
        if not adapt or plus_after <= 0:
            return self._call(flips, target, plus_after, plus_limit, restart_after)
        if getattr(self, "period", 0) <= 0:  # also walkers restored from older checkpoints
            self.period = int(plus_after)
        done = 0
        status = K.STATUS_BUDGET
        while done < flips:
            n = min(ADAPT_STEP, flips - done)
            f0 = self.flips
            status = self._call(n, target, self.period, plus_limit, restart_after)
            done += max(1, self.flips - f0)
            if status != K.STATUS_BUDGET:
                break
            factor = ADAPT_DOWN if self.r == self.best_r else ADAPT_UP
            self.period = int(min(ADAPT_MAX, max(ADAPT_MIN, self.period * factor)))
        return status

    def _call(self, flips: int, target: int, plus_after: int, plus_limit: int, restart_after: int) -> int:
        best = np.array([self.best_r], dtype=np.int64)
        rmax = min(self.P.shape[1] - 1, self.best_r + plus_limit)
        r, done, status = K.walk(
            self.P, self.N, self.r, self.mode, flips, target, plus_after, rmax, self.rng, self.bestP, self.bestN, best,
            int(getattr(self, "split", 0)), int(getattr(self, "wrap", 0)),
        )
        self.r = int(r)
        self.flips += int(done)
        if int(best[0]) < self.best_r:
            self.best_r = int(best[0])
            self.since_best = 0
            self.improvements.append(self.best_r)
        else:
            self.since_best += int(done)
        if status == K.STATUS_STUCK or (restart_after and self.since_best >= restart_after):
            self.P[:, : self.best_r] = self.bestP[:, : self.best_r]
            self.N[:, : self.best_r] = self.bestN[:, : self.best_r]
            self.r = self.best_r
            self.since_best = 0
            self.restarts += 1
        return int(status)


def walker_step(state: dict, slice_budget: Any) -> tuple[dict, list, int]:
    """A step function of one :class:`FlipWalker` in the runner's walker protocol
    (``step(state, budget) -> (state, found, steps_used)``); the searches of this package use
    :func:`search.flipgraph.spec.scheme_step` (walker groups, pools, lifting).

    ``state`` holds a :class:`FlipWalker` under ``"walker"`` and the walk parameters. Returns
    ``(state, improvements, flips_used)``; an improvement is a dict with ``score = -rank``,
    ``rank`` and the integer ``u, v, w`` rows of the walker's new best scheme.

    Examples:
        >>> from engine.schemes import Scheme
        >>> from search.core import Budget
        >>> from search.flipgraph.walk import FlipWalker, walker_step
        >>> w = FlipWalker.start(Scheme.standard(2, 2, 2), "F2", seed=1)
        >>> st = dict(walker=w, target=7, plus_after=0, plus_limit=2, restart_after=0,
        ...           chunk=10_000, dims=(4, 4, 4))
        >>> st, imps, used = walker_step(st, Budget(steps=100_000))
        >>> imps[-1]["rank"]
        7
    """
    w: FlipWalker = state["walker"]
    steps = getattr(slice_budget, "steps", None) or state.get("chunk", 200_000)
    t_lim = getattr(slice_budget, "time_limit", None)
    t0 = time.perf_counter()
    rep = state.get("reported", w.best_r)
    done = 0
    imps = []
    while done < steps and w.best_r > state["target"]:
        n = min(state.get("chunk", 200_000), steps - done)
        f0 = w.flips
        w.run(n, state["target"], state["plus_after"], state["plus_limit"], state["restart_after"],
              state.get("adapt", False) is True)
        done += max(1, w.flips - f0)
        if w.best_r < rep:  # report before a restart can forget it
            rep = w.best_r
            u, v, wm = _unpack(w.bestP, w.bestN, w.best_r, state["dims"])
            imps = [{"score": -w.best_r, "rank": w.best_r, "u": u.tolist(), "v": v.tolist(), "w": wm.tolist()}]
        w.maybe_restart(state.get("restart", "none"), int(state.get("restart_base", 0)))
        if t_lim is not None and time.perf_counter() - t0 > t_lim:
            break
    state["reported"] = rep
    return state, imps, max(done, 1)


# ----------------------------------------------------------------------------- result
@dataclass(frozen=True)
class FlipSearchResult(Result):
    """Outcome of :func:`flip_search`; ``scheme`` is verified exactly over ``ring``.

    Attributes:
        target: the target tensor's name (for example ``"<3,3,3>"``); format: ``(n, m, p)`` or None.
        ring, target_rank, seed, method: the inputs (``seed``: the run's seed, drawn and
            recorded when none was given).
        scheme: best scheme found (verified); rank: its rank; reached: ``rank <= target_rank``.
        stop_reason: a :class:`search.core.StopReason` (``TARGET_REACHED``, ``TIME_LIMIT``,
            ``STEP_BUDGET``, ``INTERRUPTED``).
        flips, elapsed: total flips and wall seconds (resumed parts included); walkers:
            number of walkers.
        known_rank: best known rank for the format and ring (None if unknown);
        beats_record: True when the (re-verified) scheme beats that record.
        verification: how the scheme was verified.
        history: ``(rank, flips, seconds)`` at each accepted improvement (the start scheme
            first), flips counted when the runner accepted it (at the end of its chunk).
        restart: the restart policy used; restarts: restarts of walkers from the start scheme.
        split: probability of a split among rank-increasing moves.
        wrap: (F3) probability that a move wrapping modulo 3 is taken.
    """

    target: str
    format: tuple[int, int, int] | None
    ring: str
    target_rank: int | None
    seed: int | None
    method: str
    scheme: BilinearScheme
    rank: int
    reached: bool
    stop_reason: StopReason
    flips: int
    elapsed: float
    walkers: int
    known_rank: int | None
    beats_record: bool
    verification: str
    history: tuple = ()
    restart: str = "none"
    restarts: int = 0
    split: float = 0.0
    wrap: float = 0.0
    run_id: int | None = field(default=None, compare=False)

    @property
    def flips_per_second(self) -> float:
        """Flips per wall second over the whole search."""
        return self.flips / self.elapsed if self.elapsed > 0 else 0.0

    def check(self) -> FlipSearchResult:
        """Re-verify exactly: the Brent equations of the scheme over the ring, and the recorded
        rank, format, ``reached`` and ``beats_record`` against the scheme; returns self.

        Raises:
            VerificationError: naming the first failing equation or the inconsistent field.

        Examples:
            >>> from search.flipgraph.walk import FlipSearchResult
            >>> FlipSearchResult.example().check().rank
            7
        """
        self.scheme.check(self.ring)
        _check_claims(self.scheme, self.rank, self.format, self.target_rank, self.reached)
        beats = self.known_rank is not None and self.rank < self.known_rank
        if bool(self.beats_record) != beats:
            raise VerificationError(
                f"beats_record={self.beats_record} but rank {self.rank} vs known rank {self.known_rank}"
            )
        return self

    def to_json(self) -> dict:
        """JSON form (the scheme in the issue-5 JSON form, the stop reason by its value)."""
        return {
            "target": self.target,
            "format": list(self.format) if self.format else None,
            "ring": self.ring,
            "target_rank": self.target_rank,
            "seed": self.seed,
            "method": self.method,
            "rank": self.rank,
            "reached": self.reached,
            "stop_reason": StopReason(self.stop_reason).value,
            "flips": self.flips,
            "elapsed": round(self.elapsed, 4),
            "flips_per_second": round(self.flips_per_second),
            "walkers": self.walkers,
            "known_rank": self.known_rank,
            "beats_record": self.beats_record,
            "verification": self.verification,
            "history": [list(h) for h in self.history],
            "restart": self.restart,
            "restarts": self.restarts,
            "split": self.split,
            "wrap": self.wrap,
            "scheme": self.scheme.to_json(),
        }

    @classmethod
    def from_json(cls, d: dict) -> FlipSearchResult:
        """Rebuild from :meth:`to_json` (``flips_per_second`` is derived, not read).

        Raises:
            InvalidInputError: a document that is not a flip-search result.
        """
        from search.flipgraph.spec import scheme_from_json

        try:
            return cls(
                target=str(d["target"]), format=None if d["format"] is None else tuple(int(x) for x in d["format"]),
                ring=str(d["ring"]), target_rank=d["target_rank"], seed=d["seed"], method=str(d["method"]),
                scheme=scheme_from_json(d["scheme"]), rank=int(d["rank"]), reached=bool(d["reached"]),
                stop_reason=StopReason(d["stop_reason"]), flips=int(d["flips"]), elapsed=float(d["elapsed"]),
                walkers=int(d["walkers"]), known_rank=d["known_rank"], beats_record=bool(d["beats_record"]),
                verification=str(d["verification"]), history=tuple(tuple(h) for h in d.get("history", ())),
                restart=str(d.get("restart", "none")), restarts=int(d.get("restarts", 0)),
                split=float(d.get("split", 0.0)), wrap=float(d.get("wrap", 0.0)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInputError(f"not a flip-search result document ({type(exc).__name__}: {exc})") from None

    @classmethod
    def example(cls) -> FlipSearchResult:
        """Strassen's rank-7 scheme for ``<2,2,2>`` (V. Strassen, "Gaussian elimination is not
        optimal", Numer. Math. 13, 1969), the best known rank and Winograd's lower bound 7,
        as a flip search over ZT would report it.

        Examples:
            >>> from search.flipgraph.walk import FlipSearchResult
            >>> r = FlipSearchResult.example()
            >>> r.rank, r.reached, r.is_valid()
            (7, True, True)
        """
        s = Scheme.strassen()
        return cls(target=s.target.name, format=(2, 2, 2), ring="ZT", target_rank=7, seed=1, method="walk",
                   scheme=s, rank=7, reached=True, stop_reason=StopReason.TARGET_REACHED, flips=0, elapsed=0.0,
                   walkers=1, known_rank=7, beats_record=False, verification="Brent equations exact over ZT",
                   history=((7, 0, 0.0),))

    @classmethod
    def tampered(cls) -> FlipSearchResult:
        """:meth:`example` with one coefficient of the scheme changed (no longer valid)."""
        ex = cls.example()
        return dataclasses.replace(ex, scheme=_tamper(ex.scheme))


def _check_claims(scheme: BilinearScheme, rank: int, fmt: Any, target_rank: Any, reached: bool) -> None:
    """The recorded rank, format and ``reached`` of a result against its (verified) scheme."""
    if scheme.rank != rank:
        raise VerificationError(f"rank={rank} is recorded, but the scheme has rank {scheme.rank}")
    if fmt is not None and tuple(getattr(scheme, "format", ())) != tuple(fmt):
        raise VerificationError(f"format={tuple(fmt)} is recorded, but the scheme is for {scheme.target.name}")
    if target_rank is not None and bool(reached) != (rank <= target_rank):
        raise VerificationError(f"reached={reached} contradicts rank {rank} and target rank {target_rank}")


def _tamper(s: BilinearScheme) -> BilinearScheme:
    """``s`` with the first nonzero coefficient of ``u`` set to zero (a test helper)."""
    u = np.array(s.u, dtype=object)
    t, c = (int(x[0]) for x in np.nonzero(u != 0))
    u[t, c] = 0
    if isinstance(s, Scheme):
        return Scheme(s.format, u.tolist(), s.v, s.w, ring=s.ring)
    return BilinearScheme(s.target, u.tolist(), s.v, s.w, ring=s.ring)


# ----------------------------------------------------------------------------- search
def _resolve_target(target: Any) -> tuple[TargetTensor, BilinearScheme]:
    if isinstance(target, BilinearScheme):
        return target.target, target
    if isinstance(target, TargetTensor):
        u, v, w = target.trivial_scheme()
        if target.format is not None:
            return target, Scheme(target.format, u, v, w)
        return target, BilinearScheme(target, u, v, w)
    n, m, p = parse_format(target)
    s = Scheme.standard(n, m, p)
    return s.target, s


def check_target_rank(T: TargetTensor, target_rank: int) -> None:
    """Refuse a target rank below a proved lower bound of ``T`` (matrix formats: the table of
    :func:`solvers.known_ranks.lower_bound`; other tensors: the largest flattening rank).

    Raises:
        InfeasibleError: ``target_rank`` is below the bound (no scheme of that rank exists).

    Examples:
        >>> from engine.tensors import matmul_tensor
        >>> from search.flipgraph.walk import check_target_rank
        >>> check_target_rank(matmul_tensor(2, 2, 2), 7)
        >>> check_target_rank(matmul_tensor(2, 2, 2), 6)
        Traceback (most recent call last):
        ...
        engine.errors.InfeasibleError: target_rank=6 is below the proved lower bound 7 for <2,2,2>; no scheme of that rank exists
    """
    if not isinstance(T, TargetTensor):
        raise InvalidInputError(f"T={str(T)[:40]!r} is not a TargetTensor")
    target_rank = check_rank_value(target_rank)
    fmt = T.format
    if fmt is not None:
        lb = lower_bound(fmt)
        if target_rank < lb:
            raise InfeasibleError(
                f"target_rank={target_rank} is below the proved lower bound {lb} for <{fmt[0]},{fmt[1]},{fmt[2]}>; "
                f"no scheme of that rank exists",
                reason="below_lower_bound",
                certificate={"lower_bound": lb},
            )
    else:
        lb = max(T.flattening_ranks())
        if target_rank < lb:
            raise InfeasibleError(
                f"target_rank={target_rank} is below the flattening lower bound {lb} of {T.name}",
                reason="below_lower_bound",
                certificate={"lower_bound": lb},
            )


def walk_config(ring: str, method: str = "walk", *, plus_after: int | None = None, plus_limit: int = 4,
                restart_after: int | None = None, copy_best: float = 0.5, adaptive_plus: bool | str = "mixed",
                restart: str = "luby", restart_base: int = 20_000_000, split: float | None = None,
                pool_size: int = 20, chunk: int = 500_000, wrap: float | None = None) -> dict[str, Any]:
    """The walk policy of :func:`flip_search` with its defaults, checked (a JSON dict).

    Raises:
        InvalidInputError: naming the bad argument.

    Examples:
        >>> from search.flipgraph.walk import walk_config
        >>> c = walk_config("ZT")
        >>> c["plus_after"], c["split"], c["adapt"], c["restart"]
        (100000, 128, 'mixed', 'luby')
    """
    if adaptive_plus not in (True, False, "mixed"):
        raise InvalidInputError(f"adaptive_plus={adaptive_plus!r} must be True, False or 'mixed'")
    adapt: bool | str = ("mixed" if adaptive_plus == "mixed" else bool(adaptive_plus)) if method == "walk" else False
    if plus_after is None:
        plus_after = 0 if method == "pool" else (20_000 if adapt is True else 100_000)
    if restart_after is None:
        restart_after = 0
    for name, val, low in (("plus_after", plus_after, 0), ("plus_limit", plus_limit, 0),
                           ("restart_after", restart_after, 0), ("pool_size", pool_size, 1), ("chunk", chunk, 1)):
        if isinstance(val, bool) or not isinstance(val, int | np.integer) or val < low:
            raise InvalidInputError(f"{name}={val!r} must be an integer >= {low}")
    if plus_limit > MAX_PLUS_LIMIT:  # walkers hold rank + plus_limit + 4 columns
        raise InvalidInputError(f"plus_limit={plus_limit!r} must be at most {MAX_PLUS_LIMIT} (ranks above the best "
                                "that plus transitions may reach; the default is 4)")
    if pool_size > MAX_POOL_SIZE:
        raise InvalidInputError(f"pool_size={pool_size!r} must be at most {MAX_POOL_SIZE}")
    if restart not in RESTART_FACTORS:
        raise InvalidInputError(f"restart={restart!r} is unknown; use one of {sorted(RESTART_FACTORS)}")
    if isinstance(restart_base, bool) or not isinstance(restart_base, int | np.integer) or restart_base < 1:
        raise InvalidInputError(f"restart_base={restart_base!r} must be a positive number of flips")
    if split is None:
        split = 0.5 if ring == "ZT" else 0.0
    if isinstance(split, bool) or not isinstance(split, int | float | np.integer | np.floating) or not 0.0 <= float(split) <= 1.0:
        raise InvalidInputError(f"split={split!r} must be a probability in [0, 1]")
    if isinstance(copy_best, bool) or not isinstance(copy_best, int | float) or not 0.0 <= float(copy_best) <= 1.0:
        raise InvalidInputError(f"copy_best={copy_best!r} must be a probability in [0, 1]")
    if wrap is None:
        wrap = 0.0
    if isinstance(wrap, bool) or not isinstance(wrap, int | float | np.integer | np.floating) \
            or not 0.0 <= float(wrap) <= 1.0:
        raise InvalidInputError(f"wrap={wrap!r} must be a probability in [0, 1]")
    if float(wrap) > 0 and ring != "F3":
        raise InvalidInputError(f"wrap={wrap!r} applies to F3 walks only (ring={ring!r}); leave it out")
    return {
        "plus_after": int(plus_after), "plus_limit": int(plus_limit), "restart_after": int(restart_after),
        "restart": restart if method == "walk" else "none", "restart_base": int(restart_base),
        "copy_best": float(copy_best), "adapt": adapt, "split": min(256, int(round(float(split) * 256))),
        "split_p": float(split), "pool_size": int(pool_size), "chunk": int(chunk),
        "wrap": min(256, int(round(float(wrap) * 256))), "wrap_p": float(wrap),
    }


def _positive_keywords(time_limit: Any, max_flips: Any) -> None:
    """The keyword shorthands of a public search (their former, stricter checks)."""
    if time_limit is not None and (
        isinstance(time_limit, bool) or not isinstance(time_limit, int | float | np.integer | np.floating)
        or not np.isfinite(time_limit) or time_limit <= 0
    ):
        raise InvalidInputError(f"time_limit={time_limit!r} must be a positive number of seconds (or None)")
    if max_flips is not None and (isinstance(max_flips, bool) or not isinstance(max_flips, int | np.integer) or max_flips < 1):
        raise InvalidInputError(f"max_flips={max_flips!r} must be a positive integer (or None)")


def check_path_argument(path: Any, name: str) -> None:
    """A file argument is None, a string or an ``os.PathLike`` (the runner opens it later).

    Raises:
        InvalidInputError: anything else, naming ``name``.
    """

    from engine._args import check_path

    check_path(path, name, allow_none=True)


def is_serial(backend: Any, workers: int | None, cluster: str | None) -> bool:
    """Whether the runner will run the walkers in this process (one walker group then holds
    every walker, so the copy-the-best move acts between them after every kernel call)."""
    if cluster is not None:
        return False
    name = getattr(backend, "name", backend)
    return name == "serial" or (name is None and workers in (None, 1))


def flip_search(
    target: Any,
    ring: str = "ZT",
    target_rank: int | None = None,
    seed: int | None = None,
    time_limit: float | None = None,
    max_flips: int | None = None,
    *,
    budget: Budget | None = None,
    start: BilinearScheme | None = None,
    method: Method = "walk",
    walkers: int | None = None,
    plus_after: int | None = None,
    plus_limit: int = 4,
    restart_after: int | None = None,
    copy_best: float = 0.5,
    adaptive_plus: bool | str = "mixed",
    restart: RestartPolicy = "luby",
    restart_base: int = 20_000_000,
    split: float | None = None,
    wrap: float | None = None,
    pool_size: int = 20,
    chunk: int = 500_000,
    store: Any = None,
    backend: Any = None,
    workers: int | None = None,
    cluster: str | None = None,
    checkpoint: Any = None,
    checkpoint_every: float = 30.0,
    resume: bool = False,
    force: bool = False,
    progress: bool = False,
) -> FlipSearchResult:
    """Search the flip graph of a target tensor for a scheme of rank ``<= target_rank``.

    The search runs on :func:`search.runner.run_search` (spec
    :class:`search.flipgraph.spec.SchemeSearchSpec`): every verified improvement is committed
    to ``store`` when the runner accepts it, before it is printed or returned; with
    ``checkpoint`` the walkers are checkpointed atomically at least every ``checkpoint_every``
    seconds, and ``resume=True`` continues a killed run with its best scheme and walkers. The
    start scheme is the first result reported (so the best so far always exists).

    Args:
        target: a format ``(n, m, p)`` / ``"3x3x3"``, a :class:`~engine.tensors.TargetTensor`
            or a starting scheme.
        ring: ``"ZT"`` (coefficients in {-1,0,1}, valid over Z), ``"F2"`` or ``"F3"``.
        target_rank: stop when reached (default: the best known rank for the format; for a
            format beyond the table or a plain tensor, its proved lower bound); the shorthand
            of ``budget.target``.
        seed: seed of every random choice (recorded in the result; None: drawn and recorded).
        time_limit: wall-clock seconds (default 600 when no flip budget is given either); the
            shorthand of ``budget.time_limit``.
        max_flips: total flip budget over all walkers; the shorthand of ``budget.steps``.
        budget: ``Budget(time_limit=, steps=, target=)`` (steps are flips, the target a rank).
        start: starting scheme (default: the standard algorithm / trivial scheme).
        method: ``"walk"`` (independent walkers with plus transitions and restarts) or
            ``"pool"`` (collect ``pool_size`` schemes per rank before descending). Where the
            walk stalls one rank above the record (3x4x4 -> 38 in ZT: 3 of 39 runs), two other
            routes reach it: :func:`search.flipgraph.meta.meta_search` with
            ``method="extend"`` (format moves) and :func:`search.flipgraph.bilinear.bilinear_search` over
            F2 with ``lift_to="ZT"`` (Hensel lifting, then a ternary sandwich).
        walkers: independent walkers (default 2 for ``"walk"``: one with the fixed and one
            with the adaptive plus period, see ``adaptive_plus``; 1 for ``"pool"``). On the
            serial backend they take turns in this process (kernel calls of ``chunk`` flips)
            and share a new best with probability ``copy_best``; on the process or Dask
            backend each walker is a walker of the runner.
        plus_after: largest plus period: a plus transition follows a random number of flips
            in ``[plus_after / 16, plus_after]`` without a rank decrease (default 100 000 for
            ``"walk"``, as in the C++ ternary framework's 5k-100k; the pool strategy enables
            plus transitions only on a plateau).
        plus_limit: plus transitions never exceed the walker's best rank + ``plus_limit``
            (default 4: the walk may wander up to four above its best rank).
        restart_after: flips without a new best before restarting from the walker's best scheme
            (default 0: never; a walker with no possible move restarts from its best).
        copy_best: the probability that each other walker moves to a newly found best scheme.
        adaptive_plus: tune the plus period per walker (start ``plus_after``, default 20 000)
            so that it spends about half of its flips at its best rank
            (:meth:`FlipWalker.run`); ``"mixed"`` (default): every second walker does (a
            portfolio; with 2 walkers it reached 2x4x4 -> 26 ZT in 48-60 M flips and 4x4x4 -> 49
            over F2 in 7-13 M flips for every seed tried, where each policy alone failed
            some seeds within 150 M / 300 M flips). Measured: better on 4x4x4 over F2 (-> 49 in 19.5 M and
            58.7 M flips, seeds 1 and 0, against 110 M for the fixed period, seed 0) and 3x3x3,
            worse on 2x4x4 -> 26 (1 of 3 seeds within 150 M flips against 3 of 3), so it is
            not the default.
        restart: restart policy of the ``"walk"`` strategy (default ``"luby"``): ``"none"``, or restart a walker from
            the start scheme, with a fresh random stream derived from ``seed``, after
            ``restart_base * f(k)`` flips without a new best of its own (k-th restart;
            ``f = 1`` for ``"fixed"``, ``2**(k-1)`` for ``"geometric"``, the Luby sequence for
            ``"luby"``: :meth:`FlipWalker.maybe_restart`). The best scheme found so far is kept.
            Measured (one core, seeds 0-4, 120 s): 3x3x4 -> 29 ZT reached for 5 of 5 seeds, median
            11.9 CPU-s, against 4 of 5 and 21.5 CPU-s without restarts (the fifth seed sat at rank 30);
            3x3x3 -> 23 and 2x4x4 -> 26 still reached for 3 of 3 seeds (0.1-0.6 and 10-11 CPU-s).
        restart_base: flips of the restart unit (default 20 000 000, a few CPU-seconds).
        split: probability that a rank-increasing move is a *split*
            ``x_i y_i z_i = x_j y_i z_i + (x_i - x_j) y_i z_i`` (a factor of another term
            ``j`` is split off, so term ``i`` joins ``j``'s class and new flips open up)
            instead of a plus transition (default: 0.5 over ZT, as the C++ ternary framework's
            default, and 0 over F2/F3). Measured (one core, from the standard algorithm):
            4x4x4 -> 49 directly in ZT for seeds 1-4 in 4.8-87 CPU-s, median of seeds 1-5
            58 CPU-s (seed 5 at 50 after 124 CPU-s), against 86-148 CPU-s for seeds 1-3
            without splits; 3x4x4 -> 38 in ZT in 3 of 39 runs of 120-270 s (none without);
            over F2 splits slow 4x4x4 -> 49 down (3-86 CPU-s against 0.5-3), hence 0 there.
        wrap: over F3, the probability that a flip, plus transition, split or reduction whose
            sum *wraps* modulo 3 (a coordinate ``1 + 1 = -1``, where the integers would give 2)
            is taken (default 0: the F3 walk moves as the ZT walk does). Wrapping moves lead into
            schemes valid only modulo 3, where reductions are rare: taking all of them,
            ``<2,3,4>`` stayed at rank 21-24 after 2e7-3e7 flips (seeds 1-3; the issue's 23-24)
            where the default reaches 20 in a few million; even ``wrap=1/256`` left it at 21-22.
            Give ``wrap > 0`` to look for schemes that hold only modulo 3 (below the ZT records).
            Only for F3.
        pool_size: schemes kept per rank by the pool strategy.
        chunk: flips per kernel call (time checks happen between kernel calls; a runner chunk
            is four kernel calls).
        store: a :class:`search.store.ResultsStore`, a path, or None: every verified
            improvement is committed there (domain ``schemes``, key ``scheme.store_key(ring)``).
        backend: ``"serial"``, ``"process"``, ``"dask"`` or a :class:`search.backends.Backend`.
        workers: processes of the process / Dask backend.
        cluster: a Dask scheduler address ``tcp://host:8786``.
        checkpoint: checkpoint file (atomic JSON envelope, see :mod:`search.checkpoint`).
        checkpoint_every: seconds between checkpoints (default 30).
        resume: continue the run in ``checkpoint``.
        force: start over an existing ``checkpoint``.
        progress: one line per improvement on stderr (``"flipgraph.search: rank 50 over F2 ..."``).

    Returns:
        :class:`FlipSearchResult` with a verified scheme (the best found).

    Raises:
        InvalidInputError: unknown ring or method, a bad format or budget, a shorthand that
            contradicts ``budget``, a bad checkpoint path or backend.
        InfeasibleError: ``target_rank`` below a proved lower bound of the format.
        CheckpointError: ``resume`` with a corrupt checkpoint or one of another search.
        StoreError: the store is locked, foreign or corrupt.

    Examples:
        >>> from search.flipgraph import flip_search
        >>> res = flip_search((2, 2, 2), ring="ZT", target_rank=7, seed=1, max_flips=2_000_000)
        >>> res.rank, res.reached, res.scheme.is_valid("ZT"), res.stop_reason.value
        (7, True, True, 'target_reached')
    """
    from search.flipgraph.spec import SchemeSearchSpec, outcome_best
    from search.runner import run_search

    if isinstance(ring, str) and ring.strip().upper() in MODES:
        ring = ring.strip().upper()
    if ring not in MODES:
        raise InvalidInputError(
            f"ring={ring!r} cannot be searched; use 'ZT', 'F2' or 'F3' (lift F2/F3 schemes to Z/Q with solvers.lifting)"
        )
    if method not in ("walk", "pool"):
        raise InvalidInputError(f"method={method!r} is unknown; use 'walk' or 'pool'")
    seed = check_seed(seed)
    _positive_keywords(time_limit, max_flips)
    check_path_argument(checkpoint, "checkpoint")
    budget = resolve_budget(budget, what="flip_search", time_limit=time_limit, steps=max_flips, target=target_rank)
    T, start_scheme = _resolve_target(target if start is None else start)
    if start is not None and target is not None and not isinstance(target, BilinearScheme):
        T2, _ = _resolve_target(target)
        if T2 != T:
            raise InvalidInputError("start scheme does not decompose the given target; pass matching target and start")
    fmt = T.format
    krank = known_rank(fmt, ring) if fmt is not None else None
    target_rank = _target_rank(budget.target, T, krank)
    check_target_rank(T, target_rank)
    if budget.time_limit is None and budget.steps is None:
        budget = budget.replace(time_limit=600.0)  # never run unbounded: default ten minutes
    if walkers is None:
        walkers = 2 if method == "walk" else 1
    if isinstance(walkers, bool) or not isinstance(walkers, int) or walkers < 1:
        raise InvalidInputError(f"walkers={walkers!r} must be a positive integer")
    if not start_scheme.is_valid(ring):
        raise InvalidInputError(f"the start scheme is not valid over {ring}: {start_scheme.first_failure(ring)}")
    config = walk_config(ring, method, plus_after=plus_after, plus_limit=plus_limit, restart_after=restart_after,
                         copy_best=copy_best, adaptive_plus=adaptive_plus, restart=restart, restart_base=restart_base,
                         split=split, pool_size=pool_size, chunk=chunk, wrap=wrap)
    spec = SchemeSearchSpec(
        kind="flipgraph.search", target=T, start=start_scheme, field=ring, method=method, walkers=walkers,
        teams=1 if is_serial(backend, workers, cluster) else walkers, walk=config, target_rank=target_rank,
    )
    _warm_kernels()  # load/compile the numba kernels before the clock starts
    out = run_search(spec, budget.replace(target=target_rank), seed=seed, workers=workers, backend=backend,
                     cluster=cluster, checkpoint=checkpoint, checkpoint_every=checkpoint_every, resume=resume,
                     force=force, store=store, progress=progress)
    best = outcome_best(out, spec)
    best.check(ring)  # exact re-verification before anything is reported
    beats = bool(krank is not None and best.rank < krank)
    restarts = sum(spec.restarts(st) for st in out.states)
    return FlipSearchResult(
        target=T.name, format=fmt, ring=ring, target_rank=target_rank, seed=out.seed, method=method,
        scheme=best, rank=best.rank, reached=best.rank <= target_rank, stop_reason=out.stop_reason,
        flips=int(out.steps), elapsed=round(out.elapsed, 4), walkers=walkers, known_rank=krank,
        beats_record=beats, verification=f"Brent equations exact over {ring}",
        history=tuple((f.candidate.rank, int(f.steps), round(f.elapsed, 4)) for f in out.found),
        restart=config["restart"], restarts=int(restarts), split=config["split_p"],
        wrap=config["wrap_p"], run_id=out.run_id,
    )


def _target_rank(target: float | None, T: TargetTensor, krank: int | None) -> int:
    """The target rank: given, else the record, else the proved lower bound."""
    if target is None:
        if krank is not None:
            return int(krank)
        return lower_bound(T.format) if T.format is not None else max(T.flattening_ranks())
    return check_rank_value(target)


def check_rank_value(target: Any, name: str = "target_rank") -> int:
    """``target`` as a positive integer rank (an integral float such as ``20.0`` is accepted).

    Raises:
        InvalidInputError: anything else (a bool, a string, NaN, infinity, 2.5, 0).

    Examples:
        >>> from search.flipgraph.walk import check_rank_value
        >>> check_rank_value(20.0)
        20
    """
    if isinstance(target, bool) or not isinstance(target, int | float | np.integer | np.floating) \
            or not np.isfinite(float(target)) or float(target) != int(target) or target < 1:
        raise InvalidInputError(f"{name}={target!r} must be a positive integer")
    return int(target)


def _warm_kernels() -> None:
    P = np.zeros((3, 2), dtype=np.uint64)
    st = np.ones(1, dtype=np.uint64)
    K.walk(P, P.copy(), 0, 2, 0, 0, 0, 1, st, P.copy(), P.copy(), np.zeros(1, dtype=np.int64), 0, 0)
    K.reduce_scheme(P, P.copy(), 0, 2)
