"""Curriculum search for extremal graphs: size ``n`` starts from the best graphs at ``n-1``,
``n-2`` (a vertex added) and, on later passes, ``n+1`` (a minimum-degree vertex deleted).

The curriculum is one spec of the search runner, :class:`GraphCurriculumSpec`: a single walker
whose state carries the stages done and the best graph of each size; one chunk is one stage, a
run of :func:`search.graphs.extremal_graph_search` (itself on the runner) seeded with the
carried graphs. Every graph a stage verifies is committed to the store when it is found (by the
stage's run, domain ``"graphs"``), and the curriculum commits each stage's best again, linked
to the curriculum's run. With ``checkpoint=PATH`` the curriculum is checkpointed after every
stage and each stage in ``PATH.stage-p<pass>-n<size>``, so after ``kill -9`` and
``resume=True`` the finished stages are kept and the interrupted stage continues where its
checkpoint left it.

Reference: A. Mehrabian et al., "Finding increasingly large extremal graphs with AlphaZero
and tabu search", IJCAI 2024, arXiv:2311.03583 (curriculum over graph sizes); Y. Bengio et
al., "Curriculum learning", ICML 2009.

Examples:
    >>> from search.graphs import curriculum_graph_search
    >>> res = curriculum_graph_search([9, 10, 11], seed=0, steps_per_size=3000)
    >>> [(s.size, int(s.score)) for s in res.stages], res.stop_reason.value
    ([(9, 12), (10, 15), (11, 16)], 'target_reached')
"""

from __future__ import annotations

import dataclasses
import glob
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from engine._args import check_int, check_real, check_seed, short_repr
from engine.errors import InvalidInputError, VerificationError
from engine.results import Result
from search.core import Budget, StopReason, resolve_budget
from search.drivers._options import check_run_options
from search.graphs.record import GraphRecord
from search.graphs.search import (
    METHODS,
    _backend_name,
    _check_positive,
    _cluster,
    extremal_graph_search,
    search_budget,
)
from search.graphs.spec import GraphRecordSpec
from search.runner import Exhausted
from solvers.graphs.forbidden import parse_forbidden
from solvers.graphs.io import from_graph6

__all__ = [
    "grow_graph",
    "shrink_graph",
    "curriculum_graph_search",
    "GraphStage",
    "GraphCurriculumResult",
    "GraphCurriculumSpec",
]


def grow_graph(G: nx.Graph, to_size: int) -> nx.Graph:
    """Add isolated vertices ``n..to_size-1``.

    Raises:
        InvalidInputError: ``G`` is not a graph, or ``to_size`` is not a vertex count.
    """
    from search.graphs.problem import check_n
    from solvers.graphs.forbidden import check_graph

    G = check_graph(G)
    to_size = check_n(to_size)
    H = nx.Graph(G)
    H.add_nodes_from(range(G.number_of_nodes(), to_size))
    return H


def shrink_graph(G: nx.Graph, to_size: int) -> nx.Graph:
    """Delete minimum-degree vertices (smallest label first) until ``to_size`` remain;
    relabel to ``0..to_size-1`` keeping the order.

    Raises:
        InvalidInputError: ``G`` is not a graph, or ``to_size`` is not a vertex count.
    """
    from solvers.graphs.forbidden import check_graph

    G = check_graph(G)
    to_size = check_int(to_size, "to_size", low=0, what="a number of vertices")
    H = nx.Graph(G)
    while H.number_of_nodes() > to_size:
        v = min(H.nodes(), key=lambda x: (H.degree(x), x))
        H.remove_node(v)
    return nx.convert_node_labels_to_integers(H, ordering="sorted")


@dataclass(frozen=True)
class GraphStage:
    """One stage of a curriculum: the best graph of its size after it, and how it ran.

    Attributes:
        size: number of vertices.
        pass_index: the pass (0 for the first).
        edges, graph6: the size's best graph after the stage (the stage's own, or the best of an
            earlier stage of the size when the stage did not beat it).
        n_seeds: graphs carried from other sizes (and the size's own best) as starts.
        elapsed: wall seconds of the stage (resumed parts included); steps: its iterations.
        stop_reason: why the stage's search stopped.
        target: the number of edges the stage stopped at.
    """

    size: int
    pass_index: int
    edges: int
    graph6: str
    n_seeds: int
    elapsed: float
    steps: int
    stop_reason: StopReason
    target: int | None = None

    @property
    def score(self) -> float:
        """The number of edges (the score of the generic curriculum's stages)."""
        return float(self.edges)

    @property
    def solution(self) -> str:
        """The graph6 string (the solution of the generic curriculum's stages)."""
        return self.graph6

    @property
    def reached(self) -> bool:
        """Whether the size's best reaches the stage's target."""
        return self.target is not None and self.edges >= self.target

    def to_json(self) -> dict[str, Any]:
        return {"size": self.size, "pass": self.pass_index, "edges": self.edges,
                "graph6": self.graph6, "n_seeds": self.n_seeds,
                "elapsed": round(self.elapsed, 4), "steps": self.steps,
                "stop_reason": self.stop_reason.value, "target": self.target}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> GraphStage:
        return cls(int(d["size"]), int(d["pass"]), int(d["edges"]), str(d["graph6"]),
                   int(d["n_seeds"]), float(d["elapsed"]), int(d["steps"]),
                   StopReason(d["stop_reason"]), d.get("target"))


def _best_of(stages: Sequence[GraphStage]) -> dict[int, GraphStage]:
    best: dict[int, GraphStage] = {}
    for s in stages:
        if s.size not in best or s.edges >= best[s.size].edges:
            best[s.size] = s
    return best


@dataclass(frozen=True)
class GraphCurriculumResult(Result):
    """Outcome of :func:`curriculum_graph_search`.

    Attributes:
        sizes: the sizes, ascending; forbidden: the forbidden cycle lengths.
        seed: the master seed; passes: passes over the sizes.
        stages: the stages, in the order run (:class:`GraphStage`).
        stop_reason: ``target_reached`` when every size reached its target (the known value
            when exact), ``interrupted``, else the stop reason of the last stage that missed
            its target (``step_budget`` or ``time_limit``).
        steps, elapsed: iterations and wall seconds of all stages (resumed parts included).
        run_id: the curriculum's run in the store (None without a store).
    """

    sizes: tuple[int, ...]
    forbidden: tuple[int, ...]
    seed: int
    passes: int
    stages: tuple[GraphStage, ...]
    stop_reason: StopReason
    steps: int = 0
    elapsed: float = 0.0
    run_id: int | None = None

    @property
    def best(self) -> dict[int, GraphStage]:
        """The best stage of each size (the last among equals)."""
        return _best_of(self.stages)

    @property
    def reached(self) -> bool:
        """Whether every size reached its target."""
        return self.stop_reason is StopReason.TARGET_REACHED

    def graphs(self) -> dict[int, nx.Graph]:
        """The best graph of each size."""
        return {n: from_graph6(s.graph6) for n, s in sorted(self.best.items())}

    def check(self) -> None:
        """Re-verify every stage's graph exactly, and that no stage loses its size's best.

        Raises:
            VerificationError: naming the stage.
        """
        if not isinstance(self.stop_reason, StopReason):
            raise VerificationError(f"stop_reason={short_repr(self.stop_reason)} is not a StopReason")
        top: dict[int, int] = {}
        for s in self.stages:
            try:
                GraphRecord(s.size, self.forbidden, s.edges, s.graph6).check()
            except VerificationError as exc:
                raise VerificationError(f"stage n={s.size} (pass {s.pass_index}): {exc}") from exc
            if s.edges < top.get(s.size, -1):
                raise VerificationError(f"stage n={s.size} (pass {s.pass_index}) has {s.edges} "
                                        f"edges, below the {top[s.size]} its size had")
            top[s.size] = s.edges
            if not isinstance(s.stop_reason, StopReason):
                raise VerificationError(f"stage n={s.size}: stop_reason is not a StopReason")

    def to_json(self) -> dict[str, Any]:
        return {"sizes": list(self.sizes), "forbidden": list(self.forbidden), "seed": self.seed,
                "passes": self.passes, "stop_reason": self.stop_reason.value,
                "steps": self.steps, "elapsed": round(self.elapsed, 4), "run_id": self.run_id,
                "stages": [s.to_json() for s in self.stages],
                "best": {str(k): v.edges for k, v in sorted(self.best.items())}}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> GraphCurriculumResult:
        """Rebuild from :meth:`to_json` (``best`` is recomputed from the stages).

        Raises:
            InvalidInputError: a malformed document.
        """
        try:
            return cls(tuple(int(x) for x in d["sizes"]), parse_forbidden(d["forbidden"]),
                       int(d["seed"]), int(d["passes"]),
                       tuple(GraphStage.from_json(s) for s in d["stages"]),
                       StopReason(d["stop_reason"]), int(d.get("steps", 0)),
                       float(d.get("elapsed", 0.0)), d.get("run_id"))
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInputError(f"not a GraphCurriculumResult document ({short_repr(exc)})") from exc

    @classmethod
    def example(cls) -> GraphCurriculumResult:
        """A real curriculum over n = 9, 10 (girth 5): 12 and 15 edges (OEIS A006856)."""
        return curriculum_graph_search([9, 10], seed=0, steps_per_size=2000)

    @classmethod
    def tampered(cls) -> GraphCurriculumResult:
        """:meth:`example` claiming one more edge at its last stage than its graph has."""
        ex = cls.example()
        last = dataclasses.replace(ex.stages[-1], edges=ex.stages[-1].edges + 1)
        return dataclasses.replace(ex, stages=ex.stages[:-1] + (last,))


def _stage_paths(checkpoint: str | os.PathLike[str]) -> list[str]:
    base = os.fspath(checkpoint)
    return glob.glob(glob.escape(base) + ".stage-p*-n*")


class GraphCurriculumSpec(GraphRecordSpec):
    """The runner's spec of the graph curriculum: one walker, one stage a chunk.

    The walker state is ``{"seed": master seed, "stages": [GraphStage, ...], "best": {size:
    GraphStage}, "done": [[pass, index], ...]}``; a stage runs :func:`extremal_graph_search` in this process
    (its walkers on the given backend). Candidates are the stages' best graphs
    (:class:`search.graphs.record.GraphRecord`, key :func:`search.graphs.record.graph_key`).

    Args:
        order: the sizes, ascending; forbidden: the cycle set; passes, lookback: as in
            :func:`curriculum_graph_search`.
        stage_budget: the budget of one stage (its target is set per size).
        top_target: the target of the largest size (None: its default).
        search: keyword arguments of every stage's :func:`extremal_graph_search` (method,
            walkers, backend, store, options...).
        checkpoint: the curriculum's checkpoint (stages checkpoint next to it) or None.
        resume: whether the curriculum resumes (then a stage with a checkpoint resumes it).
        on_stage: called with each :class:`GraphStage` once its graph is stored.
    """

    kind = "graphs.curriculum"
    collect = "all"
    chunk_steps = 1 << 62  # one stage per chunk: a stage is never cut

    def __init__(self, order: list[int], forbidden: tuple[int, ...], *, passes: int,
                 lookback: int, stage_budget: Budget, top_target: int | None,
                 search: dict[str, Any], checkpoint: Any = None, resume: bool = False,
                 on_stage: Callable[[GraphStage], None] | None = None) -> None:
        self.order, self.forbidden = list(order), tuple(forbidden)
        self.passes, self.lookback = int(passes), int(lookback)
        self.stage_budget, self.top_target = stage_budget, top_target
        self.search, self.checkpoint, self.resume = dict(search), checkpoint, bool(resume)
        self.on_stage = on_stage

    def params(self) -> dict[str, Any]:
        opts = {k: v for k, v in self.search.items()
                if k in ("method", "walkers", "tenure", "stall", "sample_k", "chunk_steps")}
        return {"sizes": self.order, "forbidden": list(self.forbidden), "passes": self.passes,
                "lookback": self.lookback, "search": opts}

    def initial_states(self, seed: int) -> list[Any]:
        return [{"seed": int(seed), "stages": [], "best": {}, "done": []}]

    def _stage_seed(self, p: int, j: int, seed: int) -> int:
        seeds = np.random.SeedSequence(seed).generate_state(self.passes * len(self.order),
                                                            dtype=np.uint64)
        return int(seeds[p * len(self.order) + j] % (2**31))

    def _next(self, done: list) -> tuple[int, int] | None:
        seen = {tuple(x) for x in done}
        for p in range(self.passes):
            for j in range(len(self.order)):
                if (p, j) not in seen:
                    return p, j
        return None

    def stage_checkpoint(self, p: int, size: int) -> str | None:
        """The checkpoint file of stage ``(p, size)`` (None without a curriculum checkpoint)."""
        if self.checkpoint is None:
            return None
        return f"{os.fspath(self.checkpoint)}.stage-p{p}-n{size}"

    def step(self, state: dict[str, Any], budget: Budget) -> tuple:
        nxt = self._next(state["done"])
        if nxt is None:
            return Exhausted(state), [], 0
        p, j = nxt
        size = self.order[j]
        best: dict[int, GraphStage] = dict(state["best"])
        starts: list[nx.Graph] = []
        for k in range(1, self.lookback + 1):
            if size - k in best:
                starts.append(grow_graph(from_graph6(best[size - k].graph6), size))
            if size + k in best:
                starts.append(shrink_graph(from_graph6(best[size + k].graph6), size))
        if size in best:
            starts.append(from_graph6(best[size].graph6))
        ck = self.stage_checkpoint(p, size)
        target = self.top_target if size == self.order[-1] else None
        res = extremal_graph_search(
            size, self.stage_budget.replace(target=target), forbidden=self.forbidden,
            seed=self._stage_seed(p, j, state["seed"]), initial=starts or None,
            checkpoint=ck, resume=self.resume and ck is not None and os.path.exists(ck),
            force=True, **self.search)
        if res.stop_reason is StopReason.INTERRUPTED:  # Ctrl-C in the stage: stop the curriculum
            raise KeyboardInterrupt
        edges, g6 = res.edges, res.graph6
        prev = best.get(size)
        if prev is not None and not edges > prev.edges:
            edges, g6 = prev.edges, prev.graph6
        stage = GraphStage(size, p, edges, g6, len(starts), res.elapsed, res.steps,
                           res.stop_reason, res.target)
        best[size] = stage
        new = {"seed": state["seed"], "stages": state["stages"] + [stage], "best": best,
               "done": state["done"] + [[p, j]]}
        if self.on_stage is not None:  # the stage's run stored its graph already
            self.on_stage(stage)
        found = [GraphRecord(size, self.forbidden, edges, g6)]
        return (Exhausted(new) if self._next(new["done"]) is None else new), found, res.steps



def curriculum_graph_search(
    sizes: Sequence[int], budget: Budget | None = None, *, forbidden: Any = (3, 4),
    seed: int | None = 0, time_per_size: float | None = None,
    steps_per_size: int | None = None, time_limit: float | None = None,
    steps: int | None = None, target: int | None = None, passes: int = 1, lookback: int = 2,
    method: str = "tabu", walkers: int = 1, backend: Any = "auto", workers: int | None = None,
    cluster: str | None = None, address: str | None = None, store: Any = None,
    checkpoint: str | os.PathLike[str] | None = None, checkpoint_every: float = 30.0,
    resume: bool = False, force: bool = False, progress: bool | None = False,
    on_stage: Callable[[GraphStage], None] | None = None, **options: Any,
) -> GraphCurriculumResult:
    """Run extremal graph searches over ``sizes`` with curriculum seeding, on the runner.

    Args:
        sizes: vertex counts (each >= 1; run in ascending order, each pass).
        budget: ``Budget(time_limit=, steps=, target=)`` of the whole curriculum: the time and
            steps are split evenly over the stages (``passes * len(sizes)``), the target is
            the number of edges of the largest size (``time_limit=``, ``steps=``,
            ``target=`` are shorthands). Every other size stops at its known value when exact.
        forbidden, method, walkers, backend, workers, cluster (``address=``), store: as for
            :func:`extremal_graph_search`.
        seed: master seed (stage ``(pass, size)`` derives its own).
        time_per_size, steps_per_size: the budget of each stage instead (default: the budget
            split, else 200 000 steps).
        passes, lookback: passes over all sizes; how many smaller (and, on later passes,
            larger) sizes seed a size.
        checkpoint, checkpoint_every, resume, force: the curriculum's checkpoint (and its
            stages' next to it, ``PATH.stage-p<pass>-n<size>``, removed when it completes);
            ``resume=True`` keeps the stages done and continues the interrupted one.
        progress: a line on stderr per verified improvement of every stage.
        on_stage: called with each :class:`GraphStage` after its graph is stored.
        **options: more :func:`extremal_graph_search` options (tenure, sample_k, stall,
            chunk_steps).

    Returns:
        :class:`GraphCurriculumResult` (``best[n].graph6``, ``best[n].edges``).

    Raises:
        InvalidInputError: bad sizes or options (as for :func:`extremal_graph_search`),
            ``resume`` without a checkpoint, an existing checkpoint without ``resume`` or
            ``force``, a per-size budget given twice.
        CheckpointError: a checkpoint of another search or a corrupt one.
        InfeasibleError: a target above the proved maximum of the largest size.
    """
    from search.graphs.problem import MAX_N
    from search.graphs.spec import MAX_WALKERS, check_tabu_params
    from search.runner import run_search

    F = parse_forbidden(forbidden)
    seed = check_seed(seed)
    if isinstance(sizes, str | bytes | dict) or not isinstance(sizes, int | Sequence | range | set):
        raise InvalidInputError(f"sizes={short_repr(sizes)} must be a list of vertex counts")
    sizes = [sizes] if isinstance(sizes, int) else list(sizes)
    for s in sizes:
        if isinstance(s, bool) or not isinstance(s, int | np.integer) or s < 1:
            raise InvalidInputError(f"size {short_repr(s)} in sizes must be an integer >= 1")
        if s > MAX_N:
            raise InvalidInputError(
                f"size {short_repr(s)} in sizes is too large for a search state (limit {MAX_N} "
                "vertices: its arrays take about 13 n^2 bytes per walker)")
    check_int(passes, "passes", low=1, high=1000, what="a number of passes")
    check_int(lookback, "lookback", low=1, high=1 << 16, what="a number of sizes")
    check_int(walkers, "walkers", low=1, high=MAX_WALKERS, what="a number of walkers")
    if time_per_size is not None:
        check_real(time_per_size, "time_per_size", low=0, low_open=True, what="a number of seconds")
    if steps_per_size is not None:
        check_int(steps_per_size, "steps_per_size", low=1, what="a number of steps")
    check_tabu_params(tenure=options.get("tenure", 5), stall=options.get("stall"),
                      sample_k=options.get("sample_k", 20))
    check_run_options(budget=budget, time_limit=time_limit, steps=steps, target=target, workers=workers,
                      store=store, checkpoint=checkpoint, checkpoint_every=checkpoint_every,
                      resume=resume, force=force, progress=progress)
    order = sorted({int(s) for s in sizes})
    if not order:
        raise InvalidInputError("sizes=[] must name at least one vertex count")
    for name, v in (("passes", passes), ("lookback", lookback), ("walkers", walkers)):
        _check_positive(name, v, allow_none=False)
    if not isinstance(method, str) or method not in METHODS:
        raise InvalidInputError(f"method={short_repr(method)} is unknown; use one of {sorted(METHODS)}")
    unknown = sorted(set(options) - {"tenure", "sample_k", "stall", "chunk_steps"})
    if unknown:
        raise InvalidInputError(f"unknown option(s) {unknown} for curriculum_graph_search")
    cluster = _cluster(cluster, address)
    b = resolve_budget(budget, what="curriculum_graph_search", time_limit=time_limit,
                       steps=steps, target=target)
    n_stages = passes * len(order)
    if time_per_size is not None and b.time_limit is not None:
        raise InvalidInputError("time_per_size and time_limit: give the stage time or the total")
    if steps_per_size is not None and b.steps is not None:
        raise InvalidInputError("steps_per_size and steps: give the stage steps or the total")
    stage_time = time_per_size if time_per_size is not None else (
        None if b.time_limit is None else b.time_limit / n_stages)
    stage_steps = steps_per_size if steps_per_size is not None else (
        None if b.steps is None else max(1, b.steps // n_stages))
    stage_budget = Budget(steps=stage_steps, time_limit=stage_time)
    top = search_budget(order[-1], F, stage_budget, target=b.target)  # refuses a bad target
    top_target = None if b.target is None else int(top.target)
    if resume and checkpoint is None:
        raise InvalidInputError("resume=True continues a checkpoint; give its path with "
                                "checkpoint=PATH (--checkpoint)")
    if checkpoint is not None:
        from search.checkpoint import check_checkpoint_path

        check_checkpoint_path(checkpoint)
        if not resume and Path(checkpoint).exists() and not force:
            raise InvalidInputError(
                f"checkpoint={short_repr(os.fspath(checkpoint))} already exists; pass resume=True "
                "(--resume) to continue that run, or force=True (--force) to start over")
    be = _backend_name(backend, cluster, walkers, workers)
    own = None
    if isinstance(be, str) and be != "serial":  # one pool / cluster for every stage
        from search.backends import get_backend

        own = be = get_backend(be, workers=workers, address=cluster)
    search = {"method": method, "walkers": int(walkers), "backend": be, "workers": workers,
              "store": store, "checkpoint_every": checkpoint_every, "progress": progress,
              **options}
    if isinstance(store, str | os.PathLike):
        from search.runner import open_store

        search["store"] = store = open_store(store)
    spec = GraphCurriculumSpec(order, F, passes=passes, lookback=lookback,
                               stage_budget=stage_budget, top_target=top_target, search=search,
                               checkpoint=checkpoint, resume=resume, on_stage=on_stage)
    try:
        if checkpoint is not None and (not resume or not Path(checkpoint).exists()):
            # a fresh run: stage files of an earlier curriculum at this path go
            for path in _stage_paths(checkpoint):
                os.unlink(path)
        # The total time limit also bounds the whole curriculum: each stage has work outside
        # its own budget (exact verification, storing), so stage times alone can overrun it.
        out = run_search(spec, Budget(time_limit=b.time_limit), seed=seed, checkpoint=checkpoint,
                         checkpoint_every=1e-3, resume=resume, force=force, store=store,
                         progress=False)
    finally:
        if own is not None:
            own.close()
    state = out.states[0]
    stages = tuple(state["stages"])
    complete = out.stop_reason is StopReason.EXHAUSTED
    if complete and checkpoint is not None:
        for path in _stage_paths(checkpoint):
            os.unlink(path)
    return GraphCurriculumResult(tuple(order), F, int(out.seed), int(passes), stages,
                                 _stop_reason(stages, complete, out.stop_reason),
                                 int(out.steps), float(out.elapsed), out.run_id)


def _stop_reason(stages: Sequence[GraphStage], complete: bool, outer: StopReason) -> StopReason:
    if not complete:
        return StopReason.INTERRUPTED if outer is StopReason.INTERRUPTED else StopReason(outer)
    best = _best_of(stages)
    missed = [s for s in stages if not best[s.size].reached]
    if not missed:
        return StopReason.TARGET_REACHED
    reason = missed[-1].stop_reason
    return reason if reason in (StopReason.STEP_BUDGET, StopReason.TIME_LIMIT) else \
        StopReason.STEP_BUDGET

