"""Extremal graph search: as many edges as possible with no cycle of a forbidden length.

:func:`extremal_graph_search` runs on the search runner (:func:`search.runner.run_search`):
``method="tabu"`` hands it :class:`search.graphs.spec.ExtremalGraphSpec` (independent seeded
numba tabu walkers, serially, on the local process pool or on a Dask cluster); the generic
methods run the drivers of :mod:`search.drivers` (themselves specs of the runner) on
:class:`search.graphs.problem.ForbiddenCyclesProblem`. The runner verifies every graph a walker
reports (networkx, plus an adjacency-matrix check for girth 5) and commits it to the store
(domain ``"graphs"``) before it is printed or returned; it checkpoints the walkers atomically
at least every ``checkpoint_every`` seconds, and ``resume=True`` continues a killed run with
everything it had.

The tabu walk: add a feasible edge while one exists (choosing, among a sample, the one that
keeps the most pairs addable); otherwise swap (remove one edge of the unique blocking path
of a "critical" non-edge and add that non-edge), with tabu tenures on the edges just
touched; perturb (drop a few random edges) after a stall.

Reference: A. Mehrabian et al., "Finding increasingly large extremal graphs with AlphaZero
and tabu search", IJCAI 2024 (arXiv:2311.03583); F. Glover, "Tabu search - Part I", ORSA
J. Computing 1 (1989); OEIS A006856 for the exact values.

Examples:
    >>> from search.core import Budget
    >>> from search.graphs import extremal_graph_search
    >>> res = extremal_graph_search(10, Budget(steps=5000), seed=1)
    >>> res.edges, res.known, res.gap, res.verified, res.stop_reason.value
    (15, 15, 0, True, 'target_reached')
    >>> sorted(res.graph.nodes()) == list(range(10))
    True
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import networkx as nx
import numpy as np

from engine._args import check_flag, check_int, check_seed, short_repr
from engine.errors import InfeasibleError, InvalidInputError, VerificationError
from engine.results import Result
from search.core import Budget, StopReason, resolve_budget
from search.drivers._options import check_run_options
from search.graphs.problem import GraphState, check_n
from search.graphs.record import GraphRecord
from search.graphs.spec import (
    MAX_WALKERS,
    ExtremalGraphSpec,
    check_tabu_params,
    new_walker,
    verify_improvement,
    walker_chunk,
    warm_up,
)
from solvers.graphs.forbidden import forbidden_label, parse_forbidden
from solvers.graphs.io import from_graph6, to_graph6
from solvers.graphs.known import gap_report
from solvers.graphs.verify import find_forbidden_cycle, verify_graph

__all__ = [
    "GraphSearchResult",
    "extremal_graph_search",
    "new_walker",
    "walker_chunk",
    "verify_improvement",
    "METHODS",
    "DEFAULT_STEPS",
]

Method = Literal["tabu", "generic-tabu", "annealing"]
#: Search methods: the numba tabu walk (fast, parallel), or a generic driver of
#: :mod:`search.drivers` on :class:`ForbiddenCyclesProblem` (slower; shows that the generic
#: drivers run on this problem).
METHODS: dict[str, str] = {
    "tabu": "numba tabu walk over edge additions/swaps (walkers on serial/process/Dask)",
    "generic-tabu": "search.drivers.tabu_search on ForbiddenCyclesProblem",
    "annealing": "search.drivers.annealing_search on ForbiddenCyclesProblem",
}

#: The step budget when neither steps nor a time limit is given (tabu iterations).
DEFAULT_STEPS = 200_000

_VERIFICATION = "networkx: no forbidden cycle (girth + simple_cycles)"
_VERIFICATION_MATRIX = "; adjacency matrix: trace(A^3)=0 and (A^2)_uv<=1"


@dataclass(frozen=True)
class GraphSearchResult(Result):
    """Outcome of :func:`extremal_graph_search` (every field JSON-friendly except ``graph``).

    Attributes:
        n, forbidden, seed, method: the inputs echoed.
        edges: edges of the best verified graph (0 for the empty graph).
        edge_list: its edges.
        graph6: its graph6 string.
        known, known_status, gap: the table value (exact or lower bound) and ``known - edges``
            (None when the cycle set is not tabulated).
        is_record: ``edges`` beats a known *lower bound* (verified twice).
        verified: the best graph passed the independent networkx check.
        verification: how it was verified.
        stop_reason: why the run stopped (a :class:`search.core.StopReason`).
        steps, elapsed, walkers, backend, run_id: run details (steps and seconds include
            resumed parts).
        history: ``((steps, edges), ...)`` at each verified improvement.
        target: the number of edges the run stopped at (the known value when exact, else the
            trivial bound ``n(n-1)/2``, unless given).
        resumed: whether the run continued a checkpoint.
    """

    n: int
    forbidden: tuple[int, ...]
    seed: int
    method: str
    edges: int
    edge_list: tuple[tuple[int, int], ...] = field(repr=False)
    graph6: str
    known: int | None
    known_status: str | None
    gap: int | None
    is_record: bool
    verified: bool
    verification: str
    stop_reason: StopReason
    steps: int
    elapsed: float
    walkers: int
    backend: str
    run_id: int | None = None
    history: tuple[tuple[int, int], ...] = field(default=(), repr=False)
    target: int | None = None
    resumed: bool = False

    @property
    def graph(self) -> nx.Graph:
        """The best graph as a fresh :class:`networkx.Graph` on nodes ``0..n-1``."""
        G = nx.Graph()
        G.add_nodes_from(range(self.n))
        G.add_edges_from(self.edge_list)
        return G

    @property
    def record(self) -> GraphRecord:
        """The best graph as a :class:`search.graphs.record.GraphRecord` (what the store holds)."""
        return GraphRecord(self.n, tuple(self.forbidden), self.edges, self.graph6)

    @property
    def reached(self) -> bool:
        """Whether the run reached its target."""
        return self.stop_reason is StopReason.TARGET_REACHED

    def check(self) -> None:
        """Re-verify independently from the result's own data.

        Raises:
            VerificationError: a forbidden cycle, wrong counts, a graph6 string that is not
                the edge list's, a gap that is not ``known - edges``, or a stop reason that is
                not a StopReason.
        """
        if not isinstance(self.stop_reason, StopReason):
            raise VerificationError(f"stop_reason={short_repr(self.stop_reason)} is not a StopReason")
        verify_graph(self.graph, self.forbidden, n=self.n, edges=self.edges)
        if to_graph6(self.graph) != self.graph6:
            raise VerificationError("graph6 string does not match the edge list")
        rep = gap_report(self.n, self.edges, self.forbidden)
        if rep["impossible"]:
            raise VerificationError(f"{self.edges} edges beat the proved optimum {rep['known']} "
                                    f"at n={self.n}")
        if (self.known, self.gap) != (rep["known"], rep["gap"]):
            raise VerificationError(f"known={self.known}, gap={self.gap} disagree with the table "
                                    f"(known {rep['known']}, gap {rep['gap']})")

    def to_json(self) -> dict[str, Any]:
        return {
            "n": self.n, "forbidden": list(self.forbidden), "seed": self.seed,
            "method": self.method, "edges": self.edges, "graph6": self.graph6,
            "known": self.known, "known_status": self.known_status, "gap": self.gap,
            "is_record": self.is_record, "verified": self.verified,
            "verification": self.verification, "stop_reason": self.stop_reason.value,
            "steps": self.steps, "elapsed": round(self.elapsed, 4), "walkers": self.walkers,
            "backend": self.backend, "run_id": self.run_id,
            "history": [list(h) for h in self.history], "target": self.target,
            "resumed": self.resumed,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> GraphSearchResult:
        """Rebuild from :meth:`to_json` (the edge list from the graph6 string).

        Raises:
            InvalidInputError: a malformed document.
        """
        try:
            G = from_graph6(str(d["graph6"]))
            return cls(
                n=int(d["n"]), forbidden=parse_forbidden(d["forbidden"]), seed=int(d["seed"]),
                method=str(d["method"]), edges=int(d["edges"]),
                edge_list=tuple(sorted((min(u, v), max(u, v)) for u, v in G.edges())),
                graph6=str(d["graph6"]), known=d.get("known"),
                known_status=d.get("known_status"), gap=d.get("gap"),
                is_record=bool(d.get("is_record", False)), verified=bool(d["verified"]),
                verification=str(d.get("verification", "")),
                stop_reason=StopReason(d["stop_reason"]), steps=int(d["steps"]),
                elapsed=float(d["elapsed"]), walkers=int(d.get("walkers", 1)),
                backend=str(d.get("backend", "serial")), run_id=d.get("run_id"),
                history=tuple(tuple(int(x) for x in h) for h in d.get("history", ())),
                target=d.get("target"), resumed=bool(d.get("resumed", False)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInputError(f"not a GraphSearchResult document ({short_repr(exc)})") from exc

    @classmethod
    def example(cls) -> GraphSearchResult:
        """A real search: n = 10 without C3, C4 reaches ex(10) = 15 edges (OEIS A006856)."""
        return extremal_graph_search(10, Budget(steps=5000), seed=1)

    @classmethod
    def tampered(cls) -> GraphSearchResult:
        """:meth:`example` with one more edge, which closes a 3- or 4-cycle."""
        ex = cls.example()
        G = ex.graph
        u, v = next((u, v) for u in G for v in G if u < v and not G.has_edge(u, v))
        G.add_edge(u, v)
        return dataclasses.replace(ex, edges=ex.edges + 1, edge_list=_edges_of(G),
                                   graph6=to_graph6(G), gap=ex.gap - 1)


def _edges_of(G: nx.Graph) -> tuple[tuple[int, int], ...]:
    return tuple(sorted((min(u, v), max(u, v)) for u, v in G.edges()))


def _check_positive(name: str, value: Any, *, allow_none: bool = True, integer: bool = True):
    if value is None and allow_none:
        return None
    ok = not isinstance(value, bool) and isinstance(value, (int, np.integer) if integer
                                                    else (int, float, np.integer, np.floating))
    if not ok or not value > 0 or (not integer and not math.isfinite(float(value))):
        raise InvalidInputError(f"{name}={short_repr(value)} must be a positive "
                                f"{'integer' if integer else 'number'}"
                                f"{' or None' if allow_none else ''}")
    return value


def _cluster(cluster: str | None, address: str | None) -> str | None:
    if address is not None and cluster is not None and address != cluster:
        raise InvalidInputError(f"cluster={short_repr(cluster)} and address={short_repr(address)}: give the Dask "
                                "scheduler once (address= is the former name of cluster=)")
    return cluster if cluster is not None else address


def search_budget(n: int, forbidden: tuple[int, ...], budget: Budget | None, *,
                  steps: Any = None, time_limit: Any = None, target: Any = None,
                  what: str = "extremal_graph_search") -> Budget:
    """The budget of a graph search: ``budget`` merged with the shorthands, ``DEFAULT_STEPS``
    when no limit is given, and the default target (the known value when exact, else the
    trivial bound ``n(n-1)/2``).

    Raises:
        InvalidInputError: a zero or negative limit, a fractional or negative target.
        InfeasibleError: a target above a proved maximum (the table's exact value, or
            ``n(n-1)/2``).
    """
    b = resolve_budget(budget, what=what, steps=steps, time_limit=time_limit, target=target)
    if b.steps is not None and b.steps < 1:
        raise InvalidInputError(f"steps={short_repr(b.steps)} must be a positive integer or None")
    if b.time_limit is not None and not b.time_limit > 0:
        raise InvalidInputError(f"time_limit={short_repr(b.time_limit)} must be a positive number or None")
    if b.steps is None and b.time_limit is None:
        b = b.replace(steps=DEFAULT_STEPS)
    max_edges = n * (n - 1) // 2
    rep = gap_report(n, 0, forbidden)
    if b.target is None:
        return b.replace(target=rep["known"] if rep["status"] == "exact" else max_edges)
    t = b.target
    if not math.isfinite(t) or t != int(t) or t < 0:
        raise InvalidInputError(f"target={t:g} must be a whole number of edges >= 0")
    if t > max_edges:
        raise InfeasibleError(f"target={int(t)} edges: a graph on n={n} vertices has at most "
                              f"{max_edges}", reason="above_complete_graph")
    if rep["status"] == "exact" and t > rep["known"]:
        raise InfeasibleError(f"target={int(t)} edges exceeds the proved maximum "
                              f"ex({n}; {forbidden_label(forbidden)}) = {rep['known']} "
                              f"({rep['source']})", reason="above_proved_maximum")
    return b


def check_initial_graphs(initial: Any, n: int, F: tuple[int, ...], walkers: int
                         ) -> list[nx.Graph | None]:
    """One start graph per walker from ``initial`` (a graph, a list of graphs, or None),
    each checked (``n`` vertices, ``F``-free).

    Raises:
        InvalidInputError: a graph of another size, or with a forbidden cycle (named).
    """
    if initial is None:
        inits: list = [None]
    elif isinstance(initial, nx.Graph):
        inits = [initial]
    elif isinstance(initial, str | bytes | dict) or not isinstance(initial, list | tuple):
        raise InvalidInputError(
            f"initial={short_repr(initial)} must be a networkx graph, a list of graphs (one per "
            "walker) or None")
    else:
        inits = list(initial) or [None]
    out = [inits[i % len(inits)] for i in range(walkers)]
    for i, g in enumerate(out):
        if g is None:
            continue
        if not isinstance(g, nx.Graph):
            raise InvalidInputError(f"initial[{i % len(inits)}]={short_repr(g)} must be a networkx graph or None")
        if g.number_of_nodes() != n:
            raise InvalidInputError(
                f"initial graph has {g.number_of_nodes()} vertices; it needs n={n} "
                "(nodes 0..n-1)"
            )
        cyc = find_forbidden_cycle(g, F)
        if cyc is not None:
            raise InvalidInputError(
                f"initial graph has a forbidden {len(cyc)}-cycle "
                f"{'-'.join(map(str, cyc + cyc[:1]))}; it must avoid {forbidden_label(F)}"
            )
    return out


def _backend_name(backend: Any, cluster: str | None, walkers: int, workers: int | None) -> Any:
    if not isinstance(backend, str | type(None)):
        if not hasattr(backend, "map"):
            raise InvalidInputError(
                f"backend={short_repr(backend)} is unknown; use 'auto', 'serial', 'process', 'dask' or a Backend")
        return backend  # a Backend instance
    if cluster is not None:
        if backend not in (None, "auto", "dask"):
            raise InvalidInputError(
                f"cluster={short_repr(cluster)} runs on Dask; backend={short_repr(backend)} contradicts it (drop it)")
        return "dask"
    if backend in (None, "auto"):
        return "serial" if walkers == 1 and workers in (None, 1) else "process"
    if backend not in ("serial", "process", "dask"):
        raise InvalidInputError(
            f"backend={short_repr(backend)} is unknown; use 'auto', 'serial', 'process', 'dask' or a Backend")
    return backend


def extremal_graph_search(
    n: int,
    budget: Budget | None = None,
    *,
    forbidden: Any = (3, 4),
    seed: int | None = 0,
    time_limit: float | None = None,
    steps: int | None = None,
    target: int | None = None,
    method: Method = "tabu",
    walkers: int = 1,
    backend: Any = "auto",
    workers: int | None = None,
    cluster: str | None = None,
    address: str | None = None,
    initial: nx.Graph | list[nx.Graph] | None = None,
    store: Any = None,
    checkpoint: str | os.PathLike[str] | None = None,
    checkpoint_every: float = 30.0,
    resume: bool = False,
    force: bool = False,
    progress: bool | Callable[[dict], None] | None = False,
    chunk_steps: int | None = None,
    tenure: int = 5,
    stall: int | None = None,
    sample_k: int = 20,
) -> GraphSearchResult:
    """Search for an ``n``-vertex graph with the most edges and no forbidden cycle.

    Args:
        n: number of vertices (>= 1).
        budget: ``Budget(time_limit=, steps=, target=)``: wall seconds (resumed parts
            included; the one-time numba compilation in this process is not counted), tabu
            iterations over all walkers (moves for the generic methods), and the number of
            edges to stop at. ``time_limit=``, ``steps=`` and ``target=`` are shorthands. With
            neither steps nor a time limit the budget is :data:`DEFAULT_STEPS` iterations;
            the default target is the known value when it is exact (so a run stops at the
            optimum), else ``n(n-1)/2``.
        forbidden: forbidden cycle lengths, default ``(3, 4)`` (girth >= 5); e.g. ``(4,)``,
            ``"C3,C4,C5"``, ``"girth6"`` (see :func:`solvers.graphs.parse_forbidden`).
        seed: seed of the run (walker ``i`` uses child ``i`` of ``SeedSequence(seed)``); None
            draws one (recorded); on resume, None takes the checkpoint's.
        method: ``"tabu"`` (default), ``"generic-tabu"`` or ``"annealing"`` (see
            :data:`METHODS`).
        walkers: number of independent walkers.
        backend: ``"auto"`` (serial for one walker and one worker, else the process pool),
            ``"serial"``, ``"process"``, ``"dask"`` or a :class:`search.backends.Backend`.
        workers: pool/cluster size for ``"process"``/``"dask"``.
        cluster: Dask scheduler ``tcp://host:port`` (implies ``backend="dask"``);
            ``address=`` is its former name.
        initial: a start graph (``F``-free, nodes ``0..n-1``) or one per walker (curriculum).
        store: a :class:`search.store.ResultsStore` or path: every verified improvement is
            committed there (domain ``"graphs"``) when it is found, with the run.
        checkpoint: checkpoint file (atomic, written at least every ``checkpoint_every``
            seconds); ``resume=True`` continues it.
        checkpoint_every: seconds between checkpoints (default 30).
        resume: continue ``checkpoint`` (a missing file starts a fresh run).
        force: start over an existing checkpoint file (otherwise refused).
        progress: True for a line on stderr per verified improvement, or a callable receiving
            ``{"elapsed", "steps", "best", "walker"}`` after each one is stored (tabu only).
        chunk_steps: iterations per chunk of a walker (default ``2000``; ``8000`` on Dask,
            where each chunk costs a scheduler round trip).
        tenure, stall, sample_k: tabu tenure, stall length before a perturbation (default
            ``max(500, 40 n)``) and number of sampled moves per iteration.

    Returns:
        A :class:`GraphSearchResult` whose graph has been verified independently.

    Raises:
        InvalidInputError: ``n < 1``, an unknown cycle set, a bad budget/seed/method, an
            invalid ``initial`` graph, an unreachable cluster address, ``resume`` without a
            checkpoint, an existing checkpoint without ``resume``/``force``.
        CheckpointError: a checkpoint of another search, version, or a corrupt one.
        InfeasibleError: a target above a proved maximum.
        StoreError: the store is locked, foreign or corrupt.
        VerificationError: the final graph failed verification (never expected).

    Examples:
        >>> from search.graphs import extremal_graph_search
        >>> r = extremal_graph_search(12, forbidden=(4,), seed=3, steps=3000)
        >>> r.verified, r.edges >= 12, r.known is None, r.stop_reason.value
        (True, True, True, 'step_budget')
    """
    n = check_n(n)
    F = parse_forbidden(forbidden)
    seed = check_seed(seed)
    if not isinstance(method, str) or method not in METHODS:
        raise InvalidInputError(f"method={short_repr(method)} is unknown; use one of {sorted(METHODS)}")
    check_run_options(budget=budget, time_limit=time_limit, steps=steps, target=target, workers=workers,
                      store=store, checkpoint=checkpoint, checkpoint_every=checkpoint_every,
                      resume=resume, force=force, progress=progress)
    if cluster is not None or address is not None:
        check_run_options(cluster=cluster, address=address)
    check_int(walkers, "walkers", low=1, high=MAX_WALKERS, what="a number of walkers")
    if workers is not None:
        check_int(workers, "workers", low=1, high=MAX_WALKERS, what="a number of workers")
    _check_positive("chunk_steps", chunk_steps)
    tenure, stall, sample_k, _, _ = check_tabu_params(tenure=tenure, stall=stall, sample_k=sample_k)
    resume, force = check_flag(resume, "resume"), check_flag(force, "force")
    cluster = _cluster(cluster, address)
    b = search_budget(n, F, budget, steps=steps, time_limit=time_limit, target=target)
    walkers = int(walkers)
    inits = check_initial_graphs(initial, n, F, walkers)
    be = _backend_name(backend, cluster, walkers, workers)
    be_label = be if isinstance(be, str) else str(getattr(be, "name", type(be).__name__))
    run_opts = {"seed": seed, "workers": workers, "backend": be, "cluster": cluster,
                "checkpoint": checkpoint, "checkpoint_every": checkpoint_every,
                "resume": resume, "force": force, "store": store}
    if method != "tabu":
        resumed = bool(resume) and checkpoint is not None and os.path.exists(checkpoint)
        return _generic_search(n, F, method, b, inits, walkers, be_label, resumed,
                               progress=progress is True, **run_opts)
    from search.runner import run_search

    spec = ExtremalGraphSpec(n, F, walkers=walkers, initial=inits, tenure=tenure, stall=stall,
                             sample_k=sample_k)
    chunk = int(chunk_steps or (8000 if be_label == "dask" else 2000))
    if be_label == "serial":
        warm_up(F)  # one-time JIT compilation (or cache load) is not charged to the time limit
    on_result = None
    if callable(progress):
        report = progress

        def on_result(f: Any) -> None:
            report({"elapsed": f.elapsed, "steps": f.steps, "best": int(f.score),
                    "walker": f.walker})

    out = run_search(spec, b, chunk_steps=chunk, on_result=on_result,
                     progress=progress if isinstance(progress, bool) or progress is None
                     else False, **run_opts)
    best = out.best if out.best is not None else GraphRecord.of(nx.empty_graph(n), F)
    verification = _VERIFICATION + (_VERIFICATION_MATRIX if F == (3, 4) else "")
    return _result(best, F, out.seed, "tabu", b, out.stop_reason, out.steps, out.elapsed,
                   walkers, be_label, out.run_id, verification, out.resumed,
                   tuple((int(st), int(sc)) for st, _, sc in out.history))


def _result(best: GraphRecord, F: tuple[int, ...], seed: int, method: str, b: Budget,
            stop_reason: StopReason, steps: int, elapsed: float, walkers: int, backend: str,
            run_id: int | None, verification: str, resumed: bool, history: tuple
            ) -> GraphSearchResult:
    best.check()  # the runner verified it; the result is re-checked from its own data
    G = best.graph
    rep = gap_report(best.n, best.edges, F)
    if rep["impossible"]:  # pragma: no cover - would contradict a proved value
        raise VerificationError(
            f"{best.edges} edges beat the proved optimum {rep['known']} at n={best.n}: a bug")
    return GraphSearchResult(
        n=best.n, forbidden=F, seed=int(seed), method=method, edges=best.edges,
        edge_list=_edges_of(G), graph6=best.graph6, known=rep["known"],
        known_status=rep["status"], gap=rep["gap"], is_record=bool(rep["is_record"]),
        verified=True, verification=verification, stop_reason=StopReason(stop_reason),
        steps=int(steps), elapsed=float(elapsed), walkers=walkers, backend=backend,
        run_id=run_id, history=history,
        target=None if b.target is None else int(b.target), resumed=bool(resumed),
    )


def _generic_search(n: int, F: tuple[int, ...], method: str, b: Budget, inits: list,
                    walkers: int, backend_label: str, resumed: bool, *, progress: bool,
                    seed: Any, **run_opts: Any) -> GraphSearchResult:
    """``method="generic-tabu"``/``"annealing"``: a driver of :mod:`search.drivers` (a spec
    of the runner) on :class:`ForbiddenCyclesProblem`; one step is one move."""
    from search.drivers import annealing_search, tabu_search
    from search.graphs.problem import ForbiddenCyclesProblem

    problem = ForbiddenCyclesProblem(n, F)
    start = next((g for g in inits if g is not None), None)
    state = None if start is None else GraphState.from_networkx(start, F, n=n)
    opts: dict[str, Any] = {"moves_per_ask": 20}
    if method == "annealing":
        opts.update(t_start=0.6, t_end=0.02, period=max(2000, 100 * n))
    fn = tabu_search if method == "generic-tabu" else annealing_search
    r = fn(problem, budget=b, seed=seed, initial=state, walkers=walkers, progress=progress,
           kind=f"graphs.extremal.{method}", **run_opts, **opts)
    G = problem._graph(r.best) if r.best is not None else nx.empty_graph(n)
    H = nx.Graph()
    H.add_nodes_from(range(n))
    H.add_edges_from(G.edges())
    best = GraphRecord.of(H, F)
    ver = "generic driver: networkx (problem.verify) before storing; " + _VERIFICATION + (
        _VERIFICATION_MATRIX if F == (3, 4) else "")
    return _result(best, F, r.seed, method, b, r.stop_reason, r.steps, r.elapsed, walkers,
                   backend_label, r.run_id, ver, resumed,
                   tuple((int(st), int(sc)) for st, sc in r.history))
