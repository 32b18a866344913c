"""MAP-Elites: an archive of the best solution per cell of a user-chosen feature grid.

Each descriptor maps a state to a number and is binned uniformly on ``[low, high]`` into
``bins`` cells (values outside are clipped to the edge cells). The proposer mutates random
elites with a few random moves of the problem (optionally followed by ``local_steps`` greedy
improvement steps using the exact deltas), the core driver evaluates and verifies them, and
``tell`` files each child in its cell when the cell is empty or the child scores higher.
The archive is returned as a table (list of dicts, or a numpy score grid) and drawn as a
heat map (a matplotlib :class:`~matplotlib.figure.Figure`, optionally saved as PNG).

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

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.errors import InvalidInputError
from search.core import Budget, Driver, DriverResult
from search.drivers._local import check_int, check_local_problem

__all__ = ["Descriptor", "GridArchive", "MapElitesProposer", "MapElitesResult", "map_elites"]


@dataclass(frozen=True)
class Descriptor:
    """A feature of a state, binned uniformly: ``bins`` cells on ``[low, high]``.

    Raises:
        InvalidInputError: ``bins < 1`` or ``high <= low``.
    """

    name: str
    fn: Callable[[Any], float]
    low: float
    high: float
    bins: int

    def __post_init__(self) -> None:
        check_int(f"bins of descriptor {self.name!r}", self.bins)
        if not float(self.high) > float(self.low):
            raise InvalidInputError(
                f"descriptor {self.name!r}: high={self.high!r} must exceed low={self.low!r}"
            )

    def index(self, value: float) -> int:
        if self.bins == 1:
            return 0
        t = (float(value) - self.low) / (self.high - self.low)
        return int(min(self.bins - 1, max(0, math.floor(t * self.bins))))


class GridArchive:
    """Best state per cell of the descriptor grid (the MAP-Elites archive).

    Args:
        descriptors: one or more :class:`Descriptor`.

    Raises:
        InvalidInputError: no descriptors.
    """

    def __init__(self, descriptors: Sequence[Descriptor]) -> None:
        self.descriptors = list(descriptors)
        if not self.descriptors or not all(isinstance(d, Descriptor) for d in self.descriptors):
            raise InvalidInputError("descriptors must be a non-empty list of Descriptor")
        self.shape = tuple(d.bins for d in self.descriptors)
        self.cells: dict[tuple[int, ...], dict[str, Any]] = {}

    def cell_of(self, values: Sequence[float]) -> tuple[int, ...]:
        return tuple(d.index(v) for d, v in zip(self.descriptors, values, strict=True))

    def add(self, c: Any, score: float, meta: dict | None = None) -> bool:
        """File ``c`` (with ``meta["descriptors"]`` values, else computed) if it is an elite."""
        if not float(score) > -math.inf:
            return False
        values = (meta or {}).get("descriptors")
        if values is None:
            values = [float(d.fn(c)) for d in self.descriptors]
        cell = self.cell_of(values)
        old = self.cells.get(cell)
        if old is not None and old["score"] >= score:
            return False
        self.cells[cell] = {"cell": cell, "descriptors": [float(v) for v in values],
                            "score": float(score), "solution": c}
        return True

    @property
    def best(self) -> Any:
        e = self._best_entry()
        return None if e is None else e["solution"]

    @property
    def best_score(self) -> float:
        e = self._best_entry()
        return -math.inf if e is None else e["score"]

    def _best_entry(self) -> dict | None:
        return max(self.cells.values(), key=lambda e: e["score"], default=None)

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


class MapElitesProposer:
    """Ask: mutated copies of random elites; tell: file them in the grid.

    Args:
        problem: a local-search problem (moves are its ``sample_moves``/``apply``).
        descriptors: the feature grid.
        init_size: random starting solutions before mutation begins.
        mutation_moves: ``(lo, hi)``: each child takes a random number of random moves.
        local_steps: greedy improvement steps per child (exact deltas; 0 disables).

    Raises:
        InvalidInputError: bad problem or parameters.
    """

    def __init__(self, problem: Any, descriptors: Sequence[Descriptor], *, init_size: int = 8,
                 mutation_moves: tuple[int, int] = (1, 4), local_steps: int = 0) -> None:
        check_local_problem(problem)
        self.problem = problem
        self.archive = GridArchive(descriptors)
        self.init_size = check_int("init_size", init_size)
        lo, hi = mutation_moves
        if check_int("mutation_moves[0]", lo) > check_int("mutation_moves[1]", hi):
            raise InvalidInputError(f"mutation_moves={mutation_moves!r} must satisfy lo <= hi")
        self.mutation_moves = (int(lo), int(hi))
        self.local_steps = check_int("local_steps", local_steps, 0)
        self.rng: np.random.Generator | None = None
        self.asked = 0

    def bind(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def _child(self) -> Any:
        p, rng = self.problem, self.rng
        if self.asked < self.init_size or not self.archive.cells:
            s = p.initial(rng)
        else:
            keys = list(self.archive.cells)
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

    def ask(self, n: int) -> list:
        if self.rng is None:
            self.rng = np.random.default_rng(0)
        out = []
        for _ in range(n):
            out.append(self._child())
            self.asked += 1
        return out

    def tell(self, candidates: Sequence[Any], scores: Sequence[float]) -> None:
        for c, s in zip(candidates, scores, strict=True):
            self.archive.add(self.problem.copy(c), float(s))

    def state(self) -> dict[str, Any]:
        return {"archive": self.archive.state(), "asked": self.asked}

    def restore(self, state: dict[str, Any]) -> None:
        self.archive.restore(state["archive"])
        self.asked = state["asked"]


@dataclass(frozen=True)
class MapElitesResult:
    """The driver's result plus the MAP-Elites archive (table, grid, heat map)."""

    result: DriverResult
    archive: GridArchive

    def table(self) -> list[dict[str, Any]]:
        return self.archive.table()

    def heatmap(self, path: str | os.PathLike[str] | None = None, **kw: Any):
        return self.archive.heatmap(path, **kw)

    def to_json(self) -> dict[str, Any]:
        return {"result": self.result.to_json(), "coverage": self.archive.coverage,
                "qd_score": self.archive.qd_score, "table": self.archive.table()}


def map_elites(problem: Any, descriptors: Sequence[Descriptor], *, steps: int | None = None,
               time_limit: float | None = None, seed: int | None = 0,
               checkpoint: str | os.PathLike[str] | None = None, resume: bool = False,
               store: Any = None, progress: bool | None = False, batch_size: int = 8,
               **options: Any) -> MapElitesResult:
    """Run MAP-Elites under the core driver (evaluate + verify every candidate).

    Args:
        problem: local-search problem with the core protocol (``evaluate`` scores children).
        descriptors: the feature grid.
        steps, time_limit: budget (``steps`` counts children).
        seed, checkpoint, resume, store, progress: as for :class:`~search.core.Driver`.
        batch_size: children per ask.
        **options: :class:`MapElitesProposer` parameters.

    Returns:
        :class:`MapElitesResult`.

    Raises:
        InvalidInputError: bad problem, descriptors, budget or options.
    """
    if steps is None and time_limit is None:
        raise InvalidInputError("give steps= or time_limit= (no budget set)")
    proposer = MapElitesProposer(problem, descriptors, **options)
    res = Driver(problem, proposer, budget=Budget(steps, time_limit), seed=seed,
                 checkpoint=checkpoint, store=store, progress=progress, batch_size=batch_size,
                 kind=f"map-elites:{type(problem).__name__}").run(resume=resume)
    return MapElitesResult(res, proposer.archive)
