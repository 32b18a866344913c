"""Lift campaigns: many distinct rank-r schemes mod 2 or 3, each tried for Hensel lifting to Z or Q.

A scheme found over F2 or F3 may or may not lift to the integers or the rationals (Kauers and
Moosbauer's 4x4x4 rank-47 scheme over F2 does not; a rank-55 3x3x8 scheme mod 2 is known not to).
Where a record over Z or Q is one rank away from what the flip graph reaches mod p, a campaign
walks the flip graph *at fixed rank* from a start scheme (flips and reductions, no plus
transitions: the rank never grows), and every ``between`` flips takes the walker's current scheme;
each distinct one (by :meth:`engine.schemes.Scheme.invariant`, so schemes equal up to symmetry
count once) is tried by :func:`solvers.lifting.lift_scheme`. A lifted scheme is a hit of the
runner: verified exactly over Z/Q, stored, reported. Every failed attempt is recorded with its
reason, so a campaign that lifts nothing says how many distinct schemes it tried and why each
failed.

The campaign runs on the search runner (:func:`search.runner.run_search`, ``collect="all"``):
seeds, budgets, the results store, checkpoints and resume (``--checkpoint``, ``--resume``) work as
for every search, on the serial, process or Dask backends.

Targets of issue 17 (each a record if reached): 2x4x5 at rank 32 over Z, 3x3x8 at rank 55 over Z,
4x4x5 at rank 60 over Q, 3x3x6 at rank 41 or 40 over Z.

Examples:
    >>> from engine.schemes import Scheme
    >>> from search.flipgraph.lift_campaign import lift_campaign
    >>> res = lift_campaign(Scheme.strassen().with_ring("F2"), to="Z", seed=1, max_flips=3000, between=500,
    ...                     progress=False)
    >>> res.tried >= 1, res.lifted >= 1, all(s.is_valid("Z") for s in res.schemes)
    (True, True, True)
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine.errors import InvalidInputError, VerificationError, check_seed
from engine.results import Result
from engine.schemes import Scheme
from search.core import StopReason, resolve_budget
from search.flipgraph.walk import MODES, FlipWalker, bits_to_scheme
from search.runner import SearchSpec, run_search
from solvers.lifting import lift_scheme

__all__ = ["LiftCampaignSpec", "LiftCampaignResult", "campaign_step", "lift_campaign"]

_TO = ("Z", "Q", "ZT")


def _reason_class(reason: str | None) -> str:
    """A short class of a lifting failure reason (for the report's counts); the classes of the
    attempts (:func:`solvers.lifting.lift_scheme` joins them with ``; ``) are joined with `` / ``."""
    if not reason:
        return "unknown"
    classes = []
    for part in reason.removeprefix("does not lift: ").split("; "):
        r = part.lower()
        if "lifted to q" in r:
            c = "lifts to Q only (with denominators), not to Z"
        elif "no solution" in r or "inconsistent" in r:
            c = "a Hensel step has no solution (holds mod p only)"
        elif "reconstruction" in r:
            c = "rational reconstruction failed"
        elif "brent" in r:
            c = "the reconstructed candidate fails the Brent equations"
        elif "sandwich" in r or "ternary" in r:
            c = "lifts to Z but not to ternary form"
        else:
            c = part[:80]
        if c not in classes:
            classes.append(c)
    return " / ".join(classes)


class LiftCampaignSpec(SearchSpec):
    """The campaign for the runner: walkers at fixed rank, each distinct scheme tried for lifting."""

    kind = "flipgraph.lift_campaign"
    domain = "schemes"
    verification_method = "Brent equations, exact over Z or Q (lifted from F2/F3)"
    collect = "all"
    chunk_steps = 200_000
    state_version = 1

    def __init__(self, start: Scheme, field: str, to: str, walkers: int, between: int, attempts: int):
        self.start = start
        self.field = field
        self.to = to
        self.walkers = walkers
        self.between = between
        self.attempts = attempts

    def params(self) -> dict[str, Any]:
        return {"start": self.start.store_key(self.field), "format": list(self.start.format), "rank": self.start.rank,
                "field": self.field, "to": self.to, "walkers": self.walkers, "between": self.between,
                "attempts": self.attempts}

    def initial_states(self, seed: int) -> list[Any]:
        ss = np.random.SeedSequence(int(seed))
        seeds = [int(x) for x in ss.generate_state(self.walkers, dtype=np.uint32)]
        return [{"walker": FlipWalker.start(self.start, self.field, sd, rmax=self.start.rank + 2), "seed": sd,
                 "format": tuple(self.start.format), "field": self.field, "to": self.to, "between": self.between,
                 "attempts": self.attempts, "rank": self.start.rank, "tried": {}, "start_pending": i == 0}
                for i, sd in enumerate(seeds)]

    def decode(self, raw: dict) -> Scheme:
        return Scheme(tuple(raw["format"]), raw["u"], raw["v"], raw["w"], ring=raw["ring"])

    def score(self, c: Scheme) -> float:
        return -float(c.rank)

    def verify(self, c: Scheme) -> bool:
        ok_rings = {"Z": ("ZT", "Z"), "ZT": ("ZT",), "Q": ("ZT", "Z", "Q")}[self.to]
        return (isinstance(c, Scheme) and tuple(c.format) == tuple(self.start.format) and c.ring in ok_rings
                and c.is_valid(c.ring))

    def key(self, c: Scheme) -> str:
        return c.store_key(c.ring)

    def to_json(self, c: Scheme) -> dict:
        return c.to_json()

    def from_json(self, payload: Any) -> Scheme:
        return Scheme.from_json(payload)

    def describe(self, c: Scheme) -> str:
        return f"rank {c.rank} lifted from {self.field} to {c.ring}"

    step = None  # set below


def campaign_step(state: dict, budget: Any) -> tuple[dict, list, int]:
    """Runner step: walk ``between`` flips at fixed rank, try the current scheme when it is new."""
    w: FlipWalker = state["walker"]
    steps = getattr(budget, "steps", None) or 10 * state["between"]
    t_lim = getattr(budget, "time_limit", None)
    t0 = time.perf_counter()
    done = 0
    found = []
    fmt = state["format"]
    from engine.tensors import matmul_tensor

    T = matmul_tensor(*fmt)
    first = state.pop("start_pending", False)
    while done < steps:
        if first:  # the start scheme is the campaign's first candidate
            first = False
            s = bits_to_scheme(w.startP, w.startN, w.start_r, T, state["field"], verify=True)
            _try(state, s, found, fmt)
            continue
        n = min(state["between"], steps - done)
        # flips at the campaign's rank; a plus transition (one rank up) only where no flip is left
        w.run(n, 0, 1 << 40, 1, 0)
        done += n
        extra = 0
        while w.r > state["rank"] and extra < state["between"]:  # back down to the rank before sampling
            w.run(64, 0, 1 << 40, 1, 0)
            extra += 64
        done += extra
        if w.r > state["rank"]:
            continue
        s = bits_to_scheme(w.P, w.N, w.r, T, state["field"], verify=True)  # exact, over the field
        _try(state, s, found, fmt)
        if t_lim is not None and time.perf_counter() - t0 > t_lim:  # the runner's time slice
            break
    return state, found, max(done, 1)


def _try(state: dict, s: Scheme, found: list, fmt: tuple) -> None:
    """Lift ``s`` unless a scheme equal to it up to symmetry was tried; record the outcome."""
    key = s.store_key(state["field"])
    if key in state["tried"]:
        return
    res = lift_scheme(s, to=state["to"], attempts=state["attempts"], seed=state["seed"])
    state["tried"][key] = {"rank": s.rank, "lifted": bool(res.lifted),
                           "reason": None if res.lifted else (res.reason or "does not lift")}
    if res.lifted:
        ls = res.scheme
        found.append({"format": list(fmt), "ring": ls.ring, "u": ls._rows_json(ls.u), "v": ls._rows_json(ls.v),
                      "w": ls._rows_json(ls.w)})


LiftCampaignSpec.step = staticmethod(campaign_step)


@dataclass(frozen=True)
class LiftCampaignResult(Result):
    """Outcome of :func:`lift_campaign`.

    Attributes:
        format, field, to, rank: the campaign (schemes of rank <= ``rank`` over ``field``, lifted to ``to``).
        seed, walkers, flips, elapsed, stop_reason: the run.
        tried: distinct schemes (up to symmetry) tried for lifting; lifted: how many lifted.
        reasons: ``{reason class: count}`` of the failures; failures: ``(key, rank, reason)`` of each.
        schemes: the lifted schemes (each verified exactly over Z/Q).
    """

    format: tuple[int, int, int]
    field: str
    to: str
    rank: int
    seed: int | None
    walkers: int
    flips: int
    elapsed: float
    stop_reason: StopReason
    tried: int
    lifted: int
    reasons: dict = field(default_factory=dict)
    failures: tuple = ()
    schemes: tuple = ()
    run_id: int | None = field(default=None, compare=False)

    def check(self) -> LiftCampaignResult:
        """Re-verify every lifted scheme exactly over its ring and the counts.

        Raises:
            VerificationError: a lifted scheme that fails, of another format or above the rank,
                or counts that do not add up.
        """
        ok_rings = {"Z": ("ZT", "Z"), "ZT": ("ZT",), "Q": ("ZT", "Z", "Q")}.get(self.to, ())
        for s in self.schemes:
            if tuple(s.format) != tuple(self.format) or s.rank > self.rank or s.ring not in ok_rings:
                raise VerificationError(f"a lifted scheme ({s.format}, rank {s.rank}, {s.ring}) is not a {self.to} "
                                        f"scheme of {self.format} at rank <= {self.rank}")
            s.check(s.ring)
        if len(self.failures) + self.lifted != self.tried or sum(self.reasons.values()) != len(self.failures):
            raise VerificationError(f"counts do not add up: tried {self.tried}, lifted {self.lifted}, "
                                    f"{len(self.failures)} failures, reasons {sum(self.reasons.values())}")
        if self.lifted and not self.schemes:
            raise VerificationError(f"lifted={self.lifted} but no lifted scheme is recorded")
        return self

    def is_valid(self) -> bool:
        try:
            self.check()
        except VerificationError:
            return False
        return True

    def to_json(self) -> dict:
        return {"format": list(self.format), "field": self.field, "to": self.to, "rank": self.rank, "seed": self.seed,
                "walkers": self.walkers, "flips": self.flips, "elapsed": self.elapsed,
                "stop_reason": self.stop_reason.value, "tried": self.tried, "lifted": self.lifted,
                "reasons": dict(self.reasons), "failures": [list(f) for f in self.failures],
                "schemes": [s.to_json() for s in self.schemes], "run_id": self.run_id}

    @classmethod
    def from_json(cls, d: dict) -> LiftCampaignResult:
        return cls(format=tuple(d["format"]), field=d["field"], to=d["to"], rank=int(d["rank"]), seed=d["seed"],
                   walkers=int(d["walkers"]), flips=int(d["flips"]), elapsed=float(d["elapsed"]),
                   stop_reason=StopReason(d["stop_reason"]), tried=int(d["tried"]), lifted=int(d["lifted"]),
                   reasons=dict(d["reasons"]), failures=tuple(tuple(f) for f in d["failures"]),
                   schemes=tuple(Scheme.from_json(s) for s in d["schemes"]), run_id=d.get("run_id"))

    @classmethod
    def example(cls) -> LiftCampaignResult:
        """Strassen mod 2, lifted to Z (a short campaign)."""
        return lift_campaign(Scheme.strassen().with_ring("F2"), to="Z", seed=1, max_flips=2000, between=500,
                             progress=False)

    @classmethod
    def tampered(cls) -> LiftCampaignResult:
        ex = cls.example()
        s = ex.schemes[0]
        u = s.u.tolist()
        u[0][0] = int(u[0][0]) + 1
        bad = Scheme(s.format, u, s.v.tolist(), s.w.tolist())
        return cls(**{**{f: getattr(ex, f) for f in ex.__dataclass_fields__}, "schemes": (bad, *ex.schemes[1:])})

    def report(self) -> str:
        """The campaign in a few lines: what was tried, what lifted, why the rest failed."""
        n, m, p = self.format
        lines = [f"<{n},{m},{p}> rank <= {self.rank} over {self.field} -> {self.to}: {self.tried} distinct schemes "
                 f"(up to symmetry) tried, {self.lifted} lifted, in {self.flips} flips and {self.elapsed:.1f} s "
                 f"[{self.stop_reason.value}]"]
        for reason, count in sorted(self.reasons.items(), key=lambda kv: -kv[1]):
            lines.append(f"  {count} failed: {reason}")
        for s in self.schemes:
            lines.append(f"  lifted: rank {s.rank} over {s.ring}")
        return "\n".join(lines)


def lift_campaign(start: Scheme, to: str = "Z", *, walkers: int = 1, between: int = 20_000, attempts: int = 2,
                  seed: int | None = None, time_limit: float | None = None, max_flips: int | None = None,
                  budget: Any = None, workers: int | None = None, backend: Any = None, cluster: str | None = None,
                  store: Any = None, checkpoint: Any = None, checkpoint_every: float = 30.0, resume: bool = False,
                  force: bool = False, progress: bool | None = None) -> LiftCampaignResult:
    """Walk the flip graph at the rank of ``start`` (an F2/F3 scheme) and try each distinct scheme
    for lifting to ``to``; resumable on the runner.

    Args:
        start: a matrix-multiplication scheme valid over F2 or F3 (its ring).
        to: ``"Z"``, ``"Q"`` or ``"ZT"``.
        walkers: independent walkers; between: flips between two schemes taken for lifting.
        attempts: lifting attempts per scheme (:func:`solvers.lifting.lift_scheme`).
        seed, time_limit, max_flips, budget, workers, backend, cluster, store, checkpoint,
            checkpoint_every, resume, force, progress: the runner's (as for
            :func:`search.flipgraph.flip_search`).

    Returns:
        :class:`LiftCampaignResult` (every lifted scheme verified exactly; the reasons of the failures).

    Raises:
        InvalidInputError: a start that is not an F2/F3 matrix scheme valid over its ring, a bad argument.
    """
    if not isinstance(start, Scheme):
        raise InvalidInputError(f"start={str(start)[:40]!r} must be a matrix-multiplication Scheme over F2 or F3")
    if start.ring not in ("F2", "F3"):
        raise InvalidInputError(f"start is over {start.ring}; a campaign lifts F2 or F3 schemes "
                                "(load it with ring='F2' or 'F3')")
    if not start.is_valid(start.ring):
        raise InvalidInputError(f"start is not valid over {start.ring}: {start.first_failure(start.ring)}")
    if to not in _TO:
        raise InvalidInputError(f"to={to!r} must be one of {', '.join(_TO)}")
    for name, x in (("walkers", walkers), ("between", between), ("attempts", attempts)):
        if isinstance(x, bool) or not isinstance(x, int) or x < 1:
            raise InvalidInputError(f"{name}={x!r} must be a positive integer")
    assert start.ring in MODES
    seed = check_seed(seed)
    budget = resolve_budget(budget, what="lift_campaign", time_limit=time_limit, steps=max_flips)
    if budget.time_limit is None and budget.steps is None:
        budget = budget.replace(time_limit=600.0)
    spec = LiftCampaignSpec(start, start.ring, to, walkers, between, attempts)
    out = run_search(spec, budget, seed=seed, workers=workers, backend=backend, cluster=cluster, store=store,
                     checkpoint=checkpoint, checkpoint_every=checkpoint_every, resume=resume, force=force,
                     progress=progress, chunk_steps=max(between, 10 * between))
    tried: dict[str, dict] = {}
    for st in out.states:
        if isinstance(st, dict):
            tried.update(st.get("tried", {}))
    failures = tuple((k, v["rank"], v["reason"]) for k, v in tried.items() if not v["lifted"])
    reasons = dict(Counter(_reason_class(f[2]) for f in failures))
    schemes = tuple(out.hits)
    for s in schemes:
        s.check(s.ring)  # exact re-verification before anything is reported
    n_lifted = sum(1 for v in tried.values() if v["lifted"])
    return LiftCampaignResult(format=tuple(start.format), field=start.ring, to=to, rank=start.rank, seed=out.seed,
                              walkers=walkers, flips=int(out.steps), elapsed=round(out.elapsed, 3),
                              stop_reason=out.stop_reason, tried=len(tried), lifted=n_lifted, reasons=reasons,
                              failures=failures, schemes=schemes if n_lifted else (), run_id=out.run_id)
