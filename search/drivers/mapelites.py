"""MAP-Elites: an archive of the best verified solution per cell of a user-chosen feature grid.

Each descriptor maps a state to a number and is binned uniformly on ``[low, high]`` into
``bins`` cells (values outside are clipped to the edge cells). The search mutates random
elites with a few random moves of the problem (optionally followed by ``local_steps`` greedy
improvement steps using the exact deltas). Each child is turned into a candidate
(``problem.as_candidate(state)``, as in the other drivers) and scored with
``problem.evaluate``; a child that would enter its cell (the cell is empty or the child scores
higher) is first verified exactly with ``problem.verify``: only verified elites ever enter the
archive and the results store (a rejected child is counted in ``n_rejected``). Descriptor
functions receive the state; ``evaluate``/``verify``/``key``/``to_json`` receive the candidate.

The search runs on :func:`search.runner.run_search` (one walker; one step is one child
evaluated), so budgets, checkpoints, resume, progress and the store are the runner's. The
archive is returned as a table (list of dicts, or a numpy score grid) and drawn as a heat map
(a matplotlib :class:`~matplotlib.figure.Figure`, optionally saved as PNG).

Reference: J.-B. Mouret, J. Clune, "Illuminating search spaces by mapping elites",
arXiv:1504.04909 (2015); D. H. Tjanaka et al., "pyribs", GECCO 2023 (ask/tell form).

Examples:
    >>> from search.drivers import Descriptor, OneMaxFlips, map_elites
    >>> p = OneMaxFlips([1, 2, 3, 4], cap=4)
    >>> d = [Descriptor("ones", lambda s: float(sum(s)), 0, 4, 5)]
    >>> res = map_elites(p, d, steps=200, seed=0)
    >>> [row["score"] for row in res.archive.table()]
    [0.0, 4.0, 7.0, 9.0, 10.0]
"""

from __future__ import annotations

import dataclasses
import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine._args import check_items, check_seed, short_repr
from engine.errors import InvalidInputError, VerificationError
from engine.jsonable import to_jsonable
from engine.results import Result
from search.core import Budget, DriverResult, StopReason, _SigintDeferral
from search.drivers._local import candidate_of, check_int, check_local_problem
from search.drivers._walk import (
    driver_budget,
    finite_score,
    initial_tag,
    problem_params,
)
from search.runner import RunOutcome, SearchSpec, run_search

__all__ = ["Descriptor", "GridArchive", "MapElitesProposer", "MapElitesResult", "map_elites"]


@dataclass(frozen=True)
class Descriptor:
    """A feature of a state, binned uniformly: ``bins`` cells on ``[low, high]``.

    ``fn`` receives the problem's state (not the candidate) and returns a number; it is None
    in a descriptor rebuilt from JSON (only the binning is recorded).

    Raises:
        InvalidInputError: ``bins < 1`` or ``high <= low``.

    Examples:
        >>> from search.drivers import Descriptor
        >>> d = Descriptor("x", float, 0, 10, 5)
        >>> [d.index(v) for v in (-1, 2, 9.9, 12)], d.to_json()
        ([0, 1, 4, 4], {'name': 'x', 'low': 0.0, 'high': 10.0, 'bins': 5})
    """

    name: str
    fn: Callable[[Any], float] | None
    low: float
    high: float
    bins: int

    def __post_init__(self) -> None:
        check_int(f"bins of descriptor {short_repr(self.name)}", self.bins)
        try:
            ok = float(self.high) > float(self.low)
        except (TypeError, ValueError):
            ok = False
        if not ok or not (math.isfinite(float(self.low)) and math.isfinite(float(self.high))):
            raise InvalidInputError(
                f"descriptor {short_repr(self.name)}: high={short_repr(self.high)} must exceed low={short_repr(self.low)} "
                "(both finite numbers)"
            )

    def index(self, value: float) -> int:
        """The bin of ``value`` (clipped to the edge bins)."""
        if self.bins == 1:
            return 0
        t = (float(value) - self.low) / (self.high - self.low)
        return int(min(self.bins - 1, max(0, math.floor(t * self.bins))))

    def to_json(self) -> dict[str, Any]:
        """The binning (the function is code, not data)."""
        return {"name": self.name, "low": float(self.low), "high": float(self.high),
                "bins": int(self.bins)}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Descriptor:
        """A descriptor with the recorded binning and no function."""
        return cls(str(d["name"]), None, float(d["low"]), float(d["high"]), int(d["bins"]))


class GridArchive:
    """Best verified solution per cell of the descriptor grid (the MAP-Elites archive).

    Each cell holds ``{"cell", "descriptors", "score", "solution", "candidate", "key",
    "json"}``: the state (the mutation source), its candidate, canonical key and JSON form
    (None where unknown, e.g. in an archive rebuilt from JSON).

    Args:
        descriptors: one or more :class:`Descriptor`.

    Raises:
        InvalidInputError: no descriptors.
    """

    def __init__(self, descriptors: Sequence[Descriptor]) -> None:
        self.descriptors = check_items(descriptors, "descriptors",
                                       "a non-empty list of Descriptor")
        if not self.descriptors or not all(isinstance(d, Descriptor) for d in self.descriptors):
            raise InvalidInputError("descriptors must be a non-empty list of Descriptor")
        self.shape = tuple(d.bins for d in self.descriptors)
        self.cells: dict[tuple[int, ...], dict[str, Any]] = {}

    def cell_of(self, values: Sequence[float]) -> tuple[int, ...]:
        """The cell of a vector of descriptor values."""
        return tuple(d.index(v) for d, v in zip(self.descriptors, values, strict=True))

    def values_of(self, state: Any) -> list[float]:
        """The descriptor values of a state."""
        return [float(d.fn(state)) for d in self.descriptors]

    def accepts(self, score: float, cell: tuple[int, ...]) -> bool:
        """Whether a solution with this score would enter ``cell``."""
        if not float(score) > -math.inf:
            return False
        old = self.cells.get(cell)
        return old is None or score > old["score"]

    def add(self, c: Any, score: float, meta: dict | None = None) -> bool:
        """File state ``c`` if it is an elite of its cell; returns whether it entered.

        ``meta`` may give ``"descriptors"`` (values; else computed from ``c``),
        ``"candidate"``, ``"key"`` and ``"json"``. The caller verifies first: the archive
        holds what it is given.
        """
        meta = meta or {}
        values = meta.get("descriptors")
        if values is None:
            values = self.values_of(c)
        cell = self.cell_of(values)
        if not self.accepts(score, cell):
            return False
        self.cells[cell] = {"cell": cell, "descriptors": [float(v) for v in values],
                            "score": float(score), "solution": c,
                            "candidate": meta.get("candidate"), "key": meta.get("key"),
                            "json": meta.get("json")}
        return True

    @property
    def best(self) -> Any:
        """The best elite's candidate (its state where no candidate is recorded)."""
        e = self._best_entry()
        if e is None:
            return None
        return e["candidate"] if e["candidate"] is not None else e["solution"]

    @property
    def best_score(self) -> float:
        e = self._best_entry()
        return -math.inf if e is None else e["score"]

    def _best_entry(self) -> dict | None:
        return max((self.cells[c] for c in sorted(self.cells)), key=lambda e: e["score"],
                   default=None)

    @property
    def coverage(self) -> float:
        """Fraction of cells holding an elite."""
        return len(self.cells) / float(np.prod(self.shape))

    @property
    def qd_score(self) -> float:
        """Sum of elite scores (the quality-diversity score)."""
        return float(sum(e["score"] for e in self.cells.values()))

    def table(self) -> list[dict[str, Any]]:
        """Elites as rows ``{cell, <descriptor names>, score}`` sorted by cell."""
        rows = []
        for cell in sorted(self.cells):
            e = self.cells[cell]
            row: dict[str, Any] = {"cell": cell}
            for d, v in zip(self.descriptors, e["descriptors"], strict=True):
                row[d.name] = v
            row["score"] = e["score"]
            rows.append(row)
        return rows

    def grid(self) -> np.ndarray:
        """Scores as a numpy array of shape ``shape`` (NaN for empty cells)."""
        g = np.full(self.shape, np.nan)
        for cell, e in self.cells.items():
            g[cell] = e["score"]
        return g

    def heatmap(self, path: str | os.PathLike[str] | None = None, *, x: int = 0, y: int = 1,
                title: str | None = None):
        """Heat map of the best score per cell (max over other descriptors).

        Args:
            path: save the figure as PNG there (optional).
            x, y: descriptor indices on the axes (``y`` ignored for a 1-D grid).
            title: figure title.

        Returns:
            The :class:`matplotlib.figure.Figure`.
        """
        from matplotlib.figure import Figure

        g = self.grid()
        k = len(self.shape)
        if k == 1:
            img = g[None, :]
        else:
            other = tuple(i for i in range(k) if i not in (x, y))
            with np.errstate(all="ignore"):
                red = g if not other else np.fmax.reduce(g, axis=other)
            img = red.T if x < y else red
        fig = Figure(figsize=(6, 4.5))
        ax = fig.add_subplot(1, 1, 1)
        dx = self.descriptors[x]
        extent = [dx.low, dx.high, 0, 1]
        if k > 1:
            dy = self.descriptors[y]
            extent = [dx.low, dx.high, dy.low, dy.high]
            ax.set_ylabel(dy.name)
        im = ax.imshow(np.ma.masked_invalid(img), origin="lower", aspect="auto", extent=extent,
                       cmap="viridis")
        ax.set_xlabel(dx.name)
        ax.set_title(title or f"MAP-Elites: {len(self.cells)} elites, "
                              f"coverage {100 * self.coverage:.0f}%")
        fig.colorbar(im, ax=ax, label="score")
        if path is not None:
            fig.savefig(path, format="png", dpi=100)
        return fig

    def state(self) -> dict[str, Any]:
        return {"cells": dict(self.cells)}

    def restore(self, state: dict[str, Any]) -> None:
        self.cells = dict(state["cells"])

    def to_json(self) -> dict[str, Any]:
        """Descriptors (binning) and elites (cell, values, score, key, candidate JSON)."""
        return {"descriptors": [d.to_json() for d in self.descriptors],
                "elites": [{"cell": list(cell), "descriptors": self.cells[cell]["descriptors"],
                            "score": self.cells[cell]["score"], "key": self.cells[cell]["key"],
                            "candidate": to_jsonable(self.cells[cell]["json"])}
                           for cell in sorted(self.cells)]}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> GridArchive:
        """Rebuild an archive from :meth:`to_json` (descriptors without functions, elites
        without states)."""
        a = cls([Descriptor.from_json(x) for x in d["descriptors"]])
        for e in d["elites"]:
            cell = tuple(int(i) for i in e["cell"])
            a.cells[cell] = {"cell": cell, "descriptors": [float(v) for v in e["descriptors"]],
                             "score": float(e["score"]), "solution": None, "candidate": None,
                             "key": e.get("key"), "json": e.get("candidate")}
        return a


@dataclass(frozen=True)
class _Elite:
    """A child that entered the archive: candidate, score, key, cell, values, verified."""

    candidate: Any
    score: float
    key: str
    cell: tuple[int, ...] | None = None
    descriptors: tuple[float, ...] | None = None
    verified: bool = False


class MapElitesProposer:
    """Children of random elites, filed in the grid after exact verification.

    As an ask/tell proposer, ``ask(n)`` returns ``n`` children as candidates
    (``problem.as_candidate``) and ``tell`` verifies and files those that are elites of their
    cells. :func:`map_elites` drives it one child at a time (:meth:`consider`).

    Args:
        problem: a local-search problem (moves are its ``sample_moves``/``apply``).
        descriptors: the feature grid.
        init_size: random starting solutions before mutation begins.
        mutation_moves: ``(lo, hi)``: each child takes a random number of random moves.
        local_steps: greedy improvement steps per child (exact deltas; 0 disables).
        initial: a warm-start state: the first child, and the start of the first
            ``init_size`` children (default ``problem.initial(rng)``).

    Raises:
        InvalidInputError: bad problem or parameters.
    """

    def __init__(self, problem: Any, descriptors: Sequence[Descriptor], *, init_size: int = 8,
                 mutation_moves: tuple[int, int] = (1, 4), local_steps: int = 0,
                 initial: Any = None) -> None:
        check_local_problem(problem)
        self.problem = problem
        self.archive = GridArchive(descriptors)
        if any(d.fn is None for d in self.archive.descriptors):
            raise InvalidInputError("every Descriptor needs a function fn(state) -> number")
        self.init_size = check_int("init_size", init_size)
        try:
            lo, hi = mutation_moves
        except (TypeError, ValueError):
            raise InvalidInputError(f"mutation_moves={short_repr(mutation_moves)} must be a pair (lo, hi)") from None
        if check_int("mutation_moves[0]", lo, 0) > check_int("mutation_moves[1]", hi, 0):
            raise InvalidInputError(f"mutation_moves={short_repr(mutation_moves)} must satisfy lo <= hi")
        self.mutation_moves = (int(lo), int(hi))
        self.local_steps = check_int("local_steps", local_steps, 0)
        self.initial = initial
        self.rng: np.random.Generator | None = None
        self.asked = 0
        self.n_rejected = 0
        self._pending: list = []

    def bind(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def _child(self) -> Any:
        p, rng = self.problem, self.rng
        if self.asked == 0 and self.initial is not None:
            return p.copy(self.initial)
        if self.asked < self.init_size or not self.archive.cells:
            s = p.initial(rng) if self.initial is None else p.copy(self.initial)
        else:
            keys = sorted(self.archive.cells)
            s = p.copy(self.archive.cells[keys[int(rng.integers(len(keys)))]]["solution"])
        for _ in range(int(rng.integers(self.mutation_moves[0], self.mutation_moves[1] + 1))):
            moves = [m for m in p.sample_moves(s, rng, 4) if p.delta(s, m) > -math.inf]
            if not moves:
                break
            p.apply(s, moves[int(rng.integers(len(moves)))])
        for _ in range(self.local_steps):
            moves = p.sample_moves(s, rng, 8)
            scored = [(p.delta(s, m), i) for i, m in enumerate(moves)]
            best = max(scored, default=(0.0, -1))
            if best[0] <= 0:
                break
            p.apply(s, moves[best[1]])
        return s

    def next_child(self) -> Any:
        """A new child state (one step of the search)."""
        if self.rng is None:
            self.rng = np.random.default_rng(0)
        s = self._child()
        self.asked += 1
        return s

    def consider(self, s: Any, candidate: Any = None, score: float | None = None) -> _Elite | None:
        """Score child ``s``; if it would enter its cell, verify it exactly and file it.

        Returns:
            The elite that entered, or None (not an elite, or rejected by ``verify``).
        """
        p = self.problem
        c = candidate_of(p, s) if candidate is None else candidate
        sc = finite_score(p.evaluate(c)) if score is None else finite_score(score)
        if not sc > -math.inf:
            return None
        values = self.archive.values_of(s)
        cell = self.archive.cell_of(values)
        if not self.archive.accepts(sc, cell):
            return None
        if not p.verify(c):
            self.n_rejected += 1
            return None
        key = str(p.key(c))
        self.archive.add(s, sc, {"descriptors": values, "candidate": c, "key": key})
        return _Elite(c, sc, key, cell, tuple(values), True)

    def ask(self, n: int) -> list:
        """``n`` children, as candidates."""
        self._pending = [self.next_child() for _ in range(n)]
        return [candidate_of(self.problem, s) for s in self._pending]

    def tell(self, candidates: Sequence[Any], scores: Sequence[float]) -> None:
        """Verify and file the children of the last :meth:`ask` that are elites."""
        for s, c, sc in zip(self._pending, candidates, scores, strict=True):
            self.consider(s, c, sc)
        self._pending = []

    def state(self) -> dict[str, Any]:
        return {"archive": self.archive.state(), "asked": self.asked,
                "n_rejected": self.n_rejected}

    def restore(self, state: dict[str, Any]) -> None:
        self.archive.restore(state["archive"])
        self.asked = state["asked"]
        self.n_rejected = state.get("n_rejected", 0)


class MapElitesSpec(SearchSpec):
    """The :class:`search.runner.SearchSpec` of MAP-Elites: one walker holding the archive;
    one step is one child; every elite that enters the archive (verified) is a hit."""

    checkpoint_candidates = "pickle"  # user problems need not offer from_json

    collect = "all"
    chunk_steps = 1000

    def __init__(self, problem: Any, descriptors: Sequence[Descriptor],
                 options: dict[str, Any], initial: Any = None, kind: str | None = None) -> None:
        descriptors = check_items(descriptors, "descriptors", "a non-empty list of Descriptor")
        self.problem, self.descriptors = problem, descriptors
        self.options, self.initial = dict(options), initial
        self.kind = kind or f"map-elites:{type(problem).__name__}"
        self.domain = getattr(problem, "domain", "generic")
        self.verification_method = getattr(problem, "verification_method", "problem.verify")
        self.target: float | None = None  # the run's target score (the runner hands a
        # collect="all" spec's chunks no target, so the spec carries it to stop mid-chunk)
        self._proposer(None)  # validates the problem, descriptors and options

    def _proposer(self, state: dict[str, Any] | None) -> MapElitesProposer:
        prop = MapElitesProposer(self.problem, self.descriptors, initial=self.initial,
                                 **self.options)
        if state is not None:
            prop.bind(state["rng"])
            prop.restore(state["proposer"])
        return prop

    def params(self) -> dict[str, Any]:
        return {"driver": "map-elites", **problem_params(self.problem),
                "descriptors": [d.to_json() for d in self.descriptors],
                "options": to_jsonable(self.options),
                "initial": initial_tag(self.problem, self.initial)}

    def initial_states(self, seed: int) -> list[Any]:
        return [{"rng": np.random.default_rng(seed), "proposer": self._proposer(None).state()}]

    def step(self, state: dict[str, Any], budget: Budget) -> tuple:
        prop = self._proposer(state)
        t0 = time.perf_counter()
        found: list = []
        used = 0
        target = budget.target if budget.target is not None else self.target
        while budget.steps is None or used < budget.steps:
            if budget.time_limit is not None and used and \
                    time.perf_counter() - t0 >= budget.time_limit:
                break
            e = prop.consider(prop.next_child())
            used += 1
            if e is not None:
                found.append(e)
                if target is not None and e.score >= target:
                    break
            if _SigintDeferral.pending:
                break
        return {"rng": state["rng"], "proposer": prop.state()}, found, used

    def score(self, e: _Elite) -> float:
        return e.score

    def verify(self, e: _Elite) -> bool:  # elites of this run were verified before filing
        return e.verified or bool(self.problem.verify(e.candidate))

    def key(self, e: _Elite) -> str:
        return e.key

    def to_json(self, e: _Elite) -> Any:
        return self.problem.to_json(e.candidate)

    def from_json(self, payload: Any) -> _Elite:
        fn = getattr(self.problem, "from_json", None)
        if not callable(fn):
            raise NotImplementedError
        c = fn(payload)
        return _Elite(c, finite_score(self.problem.evaluate(c)), str(self.problem.key(c)))

    def is_reached(self, best_score: float, n_hits: int, target: float) -> bool:
        return best_score >= target

    def describe(self, e: _Elite) -> str:
        cell = "" if e.cell is None else f" in cell {list(e.cell)}"
        return f"elite score {e.score:g}{cell}"


def ones_count(s: Any) -> float:
    """Number of ones of a 0/1 state (the descriptor of :meth:`MapElitesResult.example`)."""
    return float(sum(int(b) for b in s))


@dataclass(frozen=True)
class MapElitesResult(Result):
    """The MAP-Elites archive (table, grid, heat map) and how the run ended.

    Attributes:
        archive: the :class:`GridArchive` of verified elites.
        best: the best elite's candidate (its JSON form in a result rebuilt from JSON).
        best_score: its score (``-inf`` when the archive is empty).
        stop_reason: why the run stopped (a :class:`search.core.StopReason`).
        steps: children evaluated (including resumed parts).
        elapsed: wall seconds (including resumed parts).
        seed: the run's seed.
        run_id: the store's run id (None without a store).
        n_rejected: children that would have entered the archive but failed ``verify``.
        best_json: ``problem.to_json(best)``.
        problem: the problem (not serialised; with it :meth:`check` re-verifies every elite).
    """

    archive: GridArchive
    best: Any
    best_score: float
    stop_reason: StopReason
    steps: int
    elapsed: float
    seed: int
    run_id: int | None = None
    n_rejected: int = 0
    best_json: Any = None
    problem: Any = field(default=None, compare=False, repr=False)

    @property
    def result(self) -> DriverResult:
        """The run as a :class:`search.core.DriverResult` (the former ``result`` field)."""
        return DriverResult(best=self.best, best_score=self.best_score,
                            stop_reason=self.stop_reason, steps=self.steps,
                            elapsed=self.elapsed, seed=self.seed, run_id=self.run_id,
                            n_improvements=len(self.archive.cells), n_rejected=self.n_rejected,
                            best_json=self.best_json)

    def table(self) -> list[dict[str, Any]]:
        return self.archive.table()

    def heatmap(self, path: str | os.PathLike[str] | None = None, **kw: Any):
        return self.archive.heatmap(path, **kw)

    def check(self) -> None:
        """Re-verify: every elite lies in the cell its descriptor values bin to, scores are
        finite and the best is the highest; with the problem, every elite's candidate (or its
        JSON, through ``problem.from_json``) verifies exactly, scores what is recorded and has
        the recorded key.

        Raises:
            VerificationError: naming the elite and what fails.
        """
        if not isinstance(self.stop_reason, StopReason):
            raise VerificationError(f"stop_reason={short_repr(self.stop_reason)} is not a StopReason")
        if self.steps < 0 or self.n_rejected < 0:
            raise VerificationError(f"negative counters: steps={self.steps}, n_rejected={self.n_rejected}")
        a = self.archive
        top = -math.inf
        for cell, e in a.cells.items():
            if len(e["descriptors"]) != len(a.descriptors) or a.cell_of(e["descriptors"]) != cell \
                    or tuple(e["cell"]) != cell:
                raise VerificationError(
                    f"elite in cell {list(cell)} has descriptor values {e['descriptors']}, which "
                    f"bin to cell {list(a.cell_of(e['descriptors']))}")
            if not math.isfinite(e["score"]):
                raise VerificationError(f"elite in cell {list(cell)} has score {e['score']}")
            top = max(top, e["score"])
        if top != self.best_score:
            raise VerificationError(f"best_score={self.best_score} but the best elite scores {top}")
        p = self.problem
        if p is None:
            return
        for cell, e in a.cells.items():
            c = e["candidate"]
            if c is None:
                fn = getattr(p, "from_json", None)
                if not callable(fn) or e["json"] is None:
                    continue
                c = fn(e["json"])
            if not p.verify(c):
                raise VerificationError(f"elite in cell {list(cell)} fails {type(p).__name__}.verify")
            sc = finite_score(p.evaluate(c))
            if sc != e["score"]:
                raise VerificationError(f"elite in cell {list(cell)} scores {sc}, not {e['score']}")
            if e["key"] is not None and str(p.key(c)) != e["key"]:
                raise VerificationError(f"elite in cell {list(cell)} has key {short_repr(p.key(c))}, not {short_repr(e['key'])}")

    def to_json(self) -> dict[str, Any]:
        return {"archive": self.archive.to_json(), "best": to_jsonable(self.best_json),
                "best_score": self.best_score if self.best_score > -math.inf else None,
                "stop_reason": StopReason(self.stop_reason).value, "steps": self.steps,
                "elapsed": round(self.elapsed, 6), "seed": self.seed, "run_id": self.run_id,
                "n_rejected": self.n_rejected, "coverage": self.archive.coverage,
                "qd_score": self.archive.qd_score,
                "table": [dict(r, cell=list(r["cell"])) for r in self.archive.table()]}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> MapElitesResult:
        archive = GridArchive.from_json(d["archive"])
        best = d.get("best")
        score = d.get("best_score")
        return cls(archive, best, -math.inf if score is None else float(score),
                   StopReason(d["stop_reason"]), int(d["steps"]), float(d["elapsed"]),
                   int(d["seed"]), d.get("run_id"), int(d.get("n_rejected", 0)), best)

    @classmethod
    def example(cls) -> MapElitesResult:
        """MAP-Elites on :class:`~search.drivers.OneMaxFlips` with weights 1..4 (no cap),
        binned by the number of ones: cell ``k`` holds the ``k`` heaviest items, so the elite
        scores are the sums 0, 4, 7, 9, 10.

        Examples:
            >>> from search.drivers import MapElitesResult
            >>> [row["score"] for row in MapElitesResult.example().table()]
            [0.0, 4.0, 7.0, 9.0, 10.0]
        """
        from search.drivers._local import OneMaxFlips

        return map_elites(OneMaxFlips([1, 2, 3, 4], cap=4),
                          [Descriptor("ones", ones_count, 0, 4, 5)], steps=200, seed=0)

    @classmethod
    def tampered(cls) -> MapElitesResult:
        """:meth:`example` with one elite moved to a cell its descriptors do not bin to."""
        ex = cls.example()
        a = GridArchive(ex.archive.descriptors)
        for cell, e in ex.archive.cells.items():
            a.cells[cell] = dict(e)
        cell = max(a.cells)
        a.cells[cell] = dict(a.cells[cell], descriptors=[0.0])
        return dataclasses.replace(ex, archive=a)


def map_elites(problem: Any, descriptors: Sequence[Descriptor], *,
               budget: Budget | None = None, steps: int | None = None,
               time_limit: float | None = None, target_score: float | None = None,
               seed: int | None = 0, initial: Any = None,
               checkpoint: str | os.PathLike[str] | None = None, checkpoint_every: float = 30.0,
               resume: bool = False, force: bool = False, store: Any = None,
               progress: bool | None = False, batch_size: int | None = None,
               kind: str | None = None, **options: Any) -> MapElitesResult:
    """Run MAP-Elites on the runner; only verified elites enter the archive and the store.

    One step is one child generated, scored (``problem.evaluate`` of its candidate) and, if
    it would enter its cell, verified exactly (``problem.verify``) and filed. The search runs
    one walker in this process (descriptor functions need not be picklable).

    Args:
        problem: local-search problem with the core protocol (``evaluate`` scores children).
        descriptors: the feature grid (functions of the state).
        budget: ``Budget(time_limit=, steps=, target=)``; ``steps``, ``time_limit`` and
            ``target_score`` are shorthands (give at least one limit); the target is a score.
        seed: the run's seed.
        initial: a warm-start state (the first child; the start of the first ``init_size``).
        checkpoint, checkpoint_every, resume, force: as for
            :func:`~search.drivers.tabu_search`.
        store: results store: every elite that enters the archive.
        progress: a line on stderr per elite (None: on a terminal).
        batch_size: accepted for compatibility; children are filed one at a time (each sees
            the archive of all earlier ones), so it has no effect.
        kind: run kind (default ``"map-elites:<problem class>"``).
        **options: :class:`MapElitesProposer` parameters.

    Returns:
        :class:`MapElitesResult`.

    Raises:
        InvalidInputError: bad problem, descriptors, budget, warm start or options.
        CheckpointError: a checkpoint of another search, or a damaged one.
    """
    from search.drivers._options import check_run_options
    from search.drivers._walk import check_initial, check_kind

    check_seed(seed)
    check_kind(kind)
    check_run_options(checkpoint=checkpoint, checkpoint_every=checkpoint_every, resume=resume,
                      force=force, store=store, progress=progress)
    b = driver_budget(budget, steps=steps, time_limit=time_limit, target_score=target_score,
                      what="map_elites")
    if batch_size is not None:
        check_int("batch_size", batch_size)
    spec = MapElitesSpec(problem, descriptors, options,
                         initial=check_initial(problem, initial, "map_elites"), kind=kind)
    spec.target = b.target
    out = run_search(spec, b, seed=seed, backend="serial", checkpoint=checkpoint,
                     checkpoint_every=checkpoint_every, resume=resume, force=force, store=store,
                     progress=progress)
    return _result(spec, out)


def _result(spec: MapElitesSpec, out: RunOutcome) -> MapElitesResult:
    prop = spec._proposer(out.states[0])
    archive = prop.archive
    for e in archive.cells.values():
        e["json"] = spec.problem.to_json(e["candidate"])
    best = archive.best
    return MapElitesResult(
        archive=archive, best=best, best_score=float(archive.best_score),
        stop_reason=StopReason(out.stop_reason), steps=int(out.steps), elapsed=float(out.elapsed),
        seed=int(out.seed), run_id=out.run_id, n_rejected=prop.n_rejected + out.n_rejected,
        best_json=None if best is None else to_jsonable(spec.problem.to_json(best)),
        problem=spec.problem,
    )
