"""Extremal graph search: as many edges as possible with no cycle of a forbidden length.

:func:`extremal_graph_search` runs independent seeded tabu walkers (numba kernel of
:mod:`search.graphs._kernels`) in chunks of iterations, serially, on the local process pool
or on a Dask cluster (:mod:`search.backends`). Each finished chunk streams the walker's
best graph to the coordinator, which verifies it with networkx (and, for girth 5, a second
adjacency-matrix check) before it is kept, stored (domain ``"graphs"``) or reported. Walker
states are checkpointed atomically after chunks, so a killed worker costs at most one chunk
(its task is resubmitted from the last state) and ``resume=True`` continues a killed run.

The tabu walk: add a feasible edge while one exists (choosing, among a sample, the one that
keeps the most pairs addable); otherwise swap (remove one edge of the unique blocking path
of a "critical" non-edge and add that non-edge), with tabu tenures on the edges just
touched; perturb (drop a few random edges) after a stall.

Reference: A. Mehrabian et al., "Finding increasingly large extremal graphs with AlphaZero
and tabu search", IJCAI 2024 (arXiv:2311.03583); F. Glover, "Tabu search - Part I", ORSA
J. Computing 1 (1989); OEIS A006856 for the exact values.

Examples:
    >>> from search.graphs import extremal_graph_search
    >>> res = extremal_graph_search(n=10, seed=1, steps=5000)
    >>> res.edges, res.known, res.gap, res.verified
    (15, 15, 0, True)
    >>> sorted(res.graph.nodes()) == list(range(10))
    True
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import networkx as nx
import numpy as np

from engine.errors import InvalidInputError, VerificationError, check_seed
from engine.results import Checked
from search.core import StopReason
from search.graphs import _kernels as K
from search.graphs.problem import GraphState, check_n
from solvers.graphs.forbidden import forbidden_label, parse_forbidden
from solvers.graphs.io import from_graph6, to_graph6
from solvers.graphs.known import gap_report
from solvers.graphs.verify import find_forbidden_cycle, matrix_check_girth5

__all__ = [
    "GraphSearchResult",
    "extremal_graph_search",
    "new_walker",
    "walker_chunk",
    "verify_improvement",
    "METHODS",
]

Method = Literal["tabu", "generic-tabu", "annealing"]
#: Search methods: the numba tabu walk (fast, parallel), or a generic driver of
#: :mod:`search.drivers` on :class:`ForbiddenCyclesProblem` (serial, slower; shows that the
#: generic drivers run on this problem).
METHODS: dict[str, str] = {
    "tabu": "numba tabu walk over edge additions/swaps (walkers on serial/process/Dask)",
    "generic-tabu": "search.drivers.TabuProposer on ForbiddenCyclesProblem (serial)",
    "annealing": "search.drivers.AnnealingProposer on ForbiddenCyclesProblem (serial)",
}

_CKPT_KIND = "graphs:extremal"


@dataclass(frozen=True)
class GraphSearchResult(Checked):
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
        stop_reason, steps, elapsed, walkers, backend, run_id: run details.
        history: ``((elapsed_seconds, edges), ...)`` at each verified improvement.
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
    history: tuple[tuple[float, int], ...] = field(default=(), repr=False)

    @property
    def graph(self) -> nx.Graph:
        """The best graph as a fresh :class:`networkx.Graph` on nodes ``0..n-1``."""
        G = nx.Graph()
        G.add_nodes_from(range(self.n))
        G.add_edges_from(self.edge_list)
        return G

    def check(self) -> None:
        """Re-verify independently; raises :class:`VerificationError` on any mismatch."""
        from solvers.graphs.verify import verify_graph

        verify_graph(self.graph, self.forbidden, n=self.n, edges=self.edges)
        if to_graph6(self.graph) != self.graph6:
            raise VerificationError("graph6 string does not match the edge list")

    def to_json(self) -> dict[str, Any]:
        return {
            "n": self.n, "forbidden": list(self.forbidden), "seed": self.seed,
            "method": self.method, "edges": self.edges, "graph6": self.graph6,
            "known": self.known, "known_status": self.known_status, "gap": self.gap,
            "is_record": self.is_record, "verified": self.verified,
            "verification": self.verification, "stop_reason": self.stop_reason.value,
            "steps": self.steps, "elapsed": round(self.elapsed, 4), "walkers": self.walkers,
            "backend": self.backend, "run_id": self.run_id,
            "history": [list(h) for h in self.history],
        }


# ----------------------------------------------------------------------------------------
# walkers (plain dicts of numpy arrays: picklable, checkpointable, shippable to workers)


def new_walker(n: int, forbidden: tuple[int, ...], seed_seq: np.random.SeedSequence, *,
               index: int = 0, initial: nx.Graph | None = None, tenure: int = 5,
               stall: int | None = None, sample_k: int = 20, target: int = 0,
               restart_pct: int = 50, crit_weight: int = 1) -> dict:
    """A fresh walker state (optionally starting from an ``F``-free ``initial`` graph)."""
    if initial is not None:
        s = GraphState.from_networkx(initial, forbidden, n=n)
    else:
        s = GraphState(n, forbidden)
    rng = np.random.default_rng(seed_seq)
    return {
        "index": index, "n": n, "forbidden": tuple(forbidden), "A": s.A, "C": s.C,
        "nb": s.nb, "deg": s.deg, "nfree": s.nfree, "best_A": s.A.copy(),
        "info": np.array([0, s.num_edges, s.num_edges, 0, 0, 0, 0, 0], dtype=np.int64),
        "tabu_add": np.zeros((n, n), dtype=np.int64),
        "tabu_rem": np.zeros((n, n), dtype=np.int64),
        "rng": rng.bit_generator.state, "tenure": int(tenure),
        "stall": int(stall if stall is not None else max(500, 40 * n)),
        "sample_k": int(sample_k), "target": int(target), "reported": -1,
        "restart_pct": int(restart_pct), "crit_weight": int(crit_weight),
    }


def walker_chunk(state: dict, steps: int) -> tuple[dict, list[dict]]:
    """Advance one walker by ``steps`` tabu iterations (top-level: runs on any backend).

    Returns:
        ``(new_state, improvements)``: improvements hold the walker's best graph (graph6)
        when it beat the last one reported. Nothing in them is trusted by the coordinator.
    """
    st = dict(state)
    n = st["n"]
    mask = np.zeros(max(st["forbidden"]) + 1, dtype=np.bool_)
    for k in st["forbidden"]:
        mask[k - 1] = True
    maxlen = max(st["forbidden"]) - 1
    for key in ("A", "C", "nb", "deg", "nfree", "best_A", "info", "tabu_add", "tabu_rem"):
        st[key] = np.array(st[key], copy=True)
    rng = np.random.default_rng()
    rng.bit_generator.state = st["rng"]
    K.k_seed(int(rng.integers(2**62)))
    mark, stk = K._new_work(n, maxlen)
    buf = np.zeros((n * (n - 1) // 2 + 1, 2), dtype=np.int32)
    out = np.zeros(maxlen + 2, dtype=np.int32)
    done = int(steps)
    if steps > 0 and n >= 2:
        done = K.k_tabu_run(st["A"], st["C"], st["nb"], st["deg"], st["nfree"], mask, maxlen, mark,
                     stk, st["best_A"], st["info"], st["tabu_add"], st["tabu_rem"], int(steps),
                     st["tenure"], st["stall"], st["sample_k"], st["target"], buf, out,
                                st.get("restart_pct", 0), st.get("crit_weight", 0))
    st["done"] = int(done)
    st["rng"] = rng.bit_generator.state
    improvements = []
    best = int(st["info"][2])
    if best > st["reported"]:
        G = nx.from_numpy_array(st["best_A"].astype(np.int64))
        improvements.append({"walker": st["index"], "edges": best, "graph6": to_graph6(G),
                             "iteration": int(st["info"][7])})
        st["reported"] = best
    return st, improvements


def verify_improvement(imp: dict, n: int, forbidden: tuple[int, ...]) -> nx.Graph | None:
    """Decode and verify a streamed improvement; None if it is malformed or invalid."""
    try:
        G = from_graph6(str(imp["graph6"]))
    except (InvalidInputError, KeyError):
        return None
    if G.number_of_nodes() != n or G.number_of_edges() != int(imp.get("edges", -1)):
        return None
    if find_forbidden_cycle(G, forbidden) is not None:
        return None
    return G


_WARM: set[tuple[int, ...]] = set()


def warm_up(forbidden: tuple[int, ...] = (3, 4)) -> None:
    """Compile (or load from numba's cache) the kernels for ``forbidden`` in this process."""
    if tuple(forbidden) in _WARM:
        return
    st = new_walker(6, tuple(forbidden), np.random.SeedSequence(0))
    walker_chunk(st, 3)
    _WARM.add(tuple(forbidden))


# ----------------------------------------------------------------------------------------


def _generic_search(n, F, seed, method, steps, time_limit, target, initial, store, checkpoint,
                    resume) -> GraphSearchResult:
    """``method="generic-tabu"``/``"annealing"``: a driver of search.drivers on the problem."""
    from search.drivers import annealing_search, tabu_search
    from search.graphs.problem import ForbiddenCyclesProblem

    class _Seeded(ForbiddenCyclesProblem):
        def initial(self, rng):
            if isinstance(initial, nx.Graph):
                return GraphState.from_networkx(initial, F, n=n)
            return super().initial(rng)

    if initial is not None and not isinstance(initial, nx.Graph):
        initial = next((g for g in initial if g is not None), None)
    problem = _Seeded(n, F)
    per = 20
    fn = tabu_search if method == "generic-tabu" else annealing_search
    opts = {"moves_per_ask": per}
    if method == "annealing":
        opts.update(t_start=0.6, t_end=0.02, period=max(2000, 100 * n))
    r = fn(problem, steps=None if steps is None else max(1, steps // per), time_limit=time_limit,
           target_score=target, seed=seed, checkpoint=checkpoint, resume=resume, store=store,
           **opts)
    G = problem._graph(r.best) if r.best is not None else nx.empty_graph(n)
    cyc = find_forbidden_cycle(G, F)
    if cyc is not None:  # pragma: no cover - the core driver verified it
        raise VerificationError(f"best graph failed verification: cycle {cyc}")
    edges = G.number_of_edges()
    rep = gap_report(n, edges, F)
    ver = "core driver: networkx (problem.verify)"
    if F == (3, 4) and not matrix_check_girth5(G):  # pragma: no cover
        raise VerificationError("second (adjacency-matrix) verification failed")
    return GraphSearchResult(
        n=n, forbidden=F, seed=seed, method=method, edges=edges,
        edge_list=tuple(sorted((min(u, v), max(u, v)) for u, v in G.edges())),
        graph6=to_graph6(G), known=rep["known"], known_status=rep["status"], gap=rep["gap"],
        is_record=bool(rep["is_record"]), verified=True, verification=ver,
        stop_reason=r.stop_reason, steps=r.steps * per, elapsed=r.elapsed, walkers=1,
        backend="serial", run_id=r.run_id,
        history=tuple((float(st), int(sc)) for st, sc in r.history),
    )


def _check_positive(name: str, value: Any, *, allow_none: bool = True, integer: bool = True):
    if value is None and allow_none:
        return None
    ok = not isinstance(value, bool) and isinstance(value, (int, np.integer) if integer
                                                    else (int, float, np.integer, np.floating))
    if not ok or not value > 0 or (not integer and not math.isfinite(float(value))):
        raise InvalidInputError(f"{name}={value!r} must be a positive "
                                f"{'integer' if integer else 'number'}{' or None' if allow_none else ''}")
    return value


def extremal_graph_search(
    n: int,
    *,
    forbidden: Any = (3, 4),
    seed: int = 0,
    time_limit: float | None = None,
    steps: int | None = None,
    target: int | None = None,
    method: Method = "tabu",
    walkers: int = 1,
    backend: Any = "auto",
    workers: int | None = None,
    address: str | None = None,
    initial: nx.Graph | list[nx.Graph] | None = None,
    store: Any = None,
    checkpoint: str | os.PathLike[str] | None = None,
    resume: bool = False,
    progress: bool | Callable[[dict], None] | None = False,
    chunk_steps: int | None = None,
    tenure: int = 5,
    stall: int | None = None,
    sample_k: int = 20,
    checkpoint_every: float = 5.0,
) -> GraphSearchResult:
    """Search for an ``n``-vertex graph with the most edges and no forbidden cycle.

    Args:
        n: number of vertices (>= 1).
        forbidden: forbidden cycle lengths, default ``(3, 4)`` (girth >= 5); e.g. ``(4,)``,
            ``"C3,C4,C5"``, ``"girth6"`` (see :func:`solvers.graphs.parse_forbidden`).
        seed: seed of the run (walker ``i`` uses ``SeedSequence(seed).spawn`` child ``i``).
        time_limit: wall-clock seconds (checked between chunks; the one-time numba
            compilation in this process is not counted).
        steps: total tabu iterations over all walkers; with neither ``steps`` nor
            ``time_limit`` the budget is ``200_000`` iterations.
        target: stop once a verified graph has this many edges (default: the known value
            when it is exact, so a run stops at the optimum).
        method: ``"tabu"`` (default), ``"generic-tabu"`` or ``"annealing"`` (see
            :data:`METHODS`; the generic ones run one serial walk, ``steps`` counting moves).
        walkers: number of independent walkers.
        backend: ``"auto"`` (serial for one walker, else the process pool), ``"serial"``,
            ``"process"``, ``"dask"`` or a :class:`search.backends.Backend`.
        workers: pool/cluster size for ``"process"``/``"dask"``.
        address: Dask scheduler ``tcp://host:port`` (implies ``backend="dask"``).
        initial: a start graph (``F``-free, nodes ``0..n-1``) or one per walker (curriculum).
        store: a :class:`search.store.ResultsStore` or path: verified improvements are
            written there (domain ``"graphs"``) together with the run.
        checkpoint: file for walker states; ``resume=True`` continues from it.
        resume: continue from ``checkpoint`` (fresh start when the file does not exist).
        progress: True for a progress line on stderr, or a callable receiving dicts.
        chunk_steps: iterations per chunk (default ``2000``; ``8000`` on Dask, where each
            chunk costs a scheduler round trip).
        tenure, stall, sample_k: tabu tenure, stall length before a perturbation (default
            ``max(500, 40 n)``) and number of sampled moves per iteration.
        checkpoint_every: seconds between checkpoints.

    Returns:
        A :class:`GraphSearchResult` whose graph has been verified independently.

    Raises:
        InvalidInputError: ``n < 1``, an unknown cycle set, a bad budget/seed/method, an
            invalid ``initial`` graph, an unreachable cluster address, or a checkpoint of
            another search.
        VerificationError: the final graph failed verification (never expected).

    Examples:
        >>> from search.graphs import extremal_graph_search
        >>> r = extremal_graph_search(12, forbidden=(4,), seed=3, steps=3000, target=None)
        >>> r.verified, r.edges >= 12, r.known is None
        (True, True, True)
    """
    n = check_n(n)
    F = parse_forbidden(forbidden)
    seed = check_seed(seed, allow_none=False)
    if method not in METHODS:
        raise InvalidInputError(f"method={method!r} is unknown; use one of {sorted(METHODS)}")
    _check_positive("walkers", walkers, allow_none=False)
    _check_positive("steps", steps)
    _check_positive("time_limit", time_limit, integer=False)
    _check_positive("chunk_steps", chunk_steps)
    _check_positive("tenure", tenure, allow_none=False)
    _check_positive("sample_k", sample_k, allow_none=False)
    _check_positive("stall", stall)
    if target is not None:
        _check_positive("target", target)
    if resume and checkpoint is None:
        raise InvalidInputError("resume=True needs checkpoint=PATH")
    if steps is None and time_limit is None:
        steps = 200_000
    rep0 = gap_report(n, 0, F)
    if target is None and rep0["status"] == "exact":
        target = rep0["known"]
    if method != "tabu":
        return _generic_search(n, F, int(seed), method, steps, time_limit, target, initial,
                               store, checkpoint, resume)
    max_edges = n * (n - 1) // 2
    is_dask = address is not None or backend == "dask" or getattr(backend, "name", "") == "dask"
    chunk = int(chunk_steps or (8000 if is_dask else 2000))
    walkers = int(walkers)

    inits: list[nx.Graph | None]
    if initial is None:
        inits = [None] * walkers
    elif isinstance(initial, nx.Graph):
        inits = [initial] * walkers
    else:
        inits = list(initial)
        if not inits:
            inits = [None]
        inits = [inits[i % len(inits)] for i in range(walkers)]
    for g in inits:
        if g is not None:
            if sorted(g.nodes()) != list(range(n)) and g.number_of_nodes() != n:
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

    # ---- store / checkpoint
    if store is not None and not hasattr(store, "add_result"):
        from search.store import ResultsStore

        store = ResultsStore(store)
    loaded = None
    if resume and checkpoint is not None:
        from search.checkpoint import load_checkpoint

        loaded = load_checkpoint(checkpoint, kind=_CKPT_KIND)
        if loaded is not None and (loaded["n"] != n or tuple(loaded["forbidden"]) != F
                                   or loaded["seed"] != seed):
            raise InvalidInputError(
                f"checkpoint {str(checkpoint)!r} belongs to n={loaded['n']}, "
                f"forbidden={forbidden_label(loaded['forbidden'])}, seed={loaded['seed']}; "
                "pass the same arguments to resume or resume=False to start over"
            )
    if loaded is not None:
        states = loaded["states"]
        done_steps, elapsed0 = loaded["steps"], loaded["elapsed"]
        best_edges, best_g6, history = loaded["best_edges"], loaded["best_g6"], loaded["history"]
        run_id = loaded.get("run_id")
        walkers = len(states)
    else:
        seqs = np.random.SeedSequence(int(seed)).spawn(walkers)
        states = [new_walker(n, F, seqs[i], index=i, initial=inits[i], tenure=tenure,
                             stall=stall, sample_k=sample_k, target=int(target or 0))
                  for i in range(walkers)]
        done_steps, elapsed0 = 0, 0.0
        start = GraphState(n, F)
        best_edges, best_g6, history = 0, to_graph6(start.to_networkx()), []
        run_id = None
        for g in inits:  # a verified initial graph is a valid answer already
            if g is not None and g.number_of_edges() > best_edges:
                best_edges, best_g6 = g.number_of_edges(), to_graph6(g)
    if store is not None and run_id is None:
        run_id = store.start_run(
            "graphs.extremal",
            {"n": n, "forbidden": list(F), "method": method, "walkers": walkers,
             "steps": steps, "time_limit": time_limit, "target": target, "tenure": tenure,
             "sample_k": sample_k},
            int(seed),
        )

    def report(event: dict) -> None:
        if callable(progress):
            progress(event)
        elif progress:
            import sys

            print(f"\r[graphs n={n}] {event['elapsed']:7.1f}s steps={event['steps']} "
                  f"best={event['best']}" + (f"/{target}" if target else ""),
                  end="", file=sys.stderr, flush=True)

    warm_up(F)  # one-time JIT compilation is not charged to the time limit
    t0 = time.perf_counter() - elapsed0
    last_ckpt = time.perf_counter()

    def save() -> None:
        if checkpoint is None:
            return
        from search.checkpoint import save_checkpoint

        save_checkpoint(checkpoint, {
            "n": n, "forbidden": F, "seed": int(seed), "states": states, "steps": done_steps,
            "elapsed": time.perf_counter() - t0, "best_edges": best_edges, "best_g6": best_g6,
            "history": history, "run_id": run_id}, kind=_CKPT_KIND)

    def accept(imp: dict) -> None:
        nonlocal best_edges, best_g6
        if int(imp.get("edges", -1)) <= best_edges:
            return
        G = verify_improvement(imp, n, F)
        if G is None:  # never trust a worker: drop what does not verify
            return
        best_edges, best_g6 = G.number_of_edges(), to_graph6(G)
        history.append((round(time.perf_counter() - t0, 4), best_edges))
        if store is not None:
            rep = gap_report(n, best_edges, F)
            store.add_result(
                "graphs", f"n={n};F={forbidden_label(F)};g6={best_g6}",
                {"n": n, "forbidden": list(F), "edges": best_edges, "graph6": best_g6,
                 "known": rep["known"], "gap": rep["gap"], "seed": int(seed),
                 "walker": imp.get("walker")},
                verified=True, method="networkx-cycles", run_id=run_id, score=float(best_edges))

    def stop_reason() -> StopReason | None:
        if best_edges >= max_edges or (target is not None and best_edges >= target):
            return StopReason.TARGET_REACHED
        if steps is not None and done_steps >= steps:
            return StopReason.STEP_BUDGET
        if time_limit is not None and time.perf_counter() - t0 >= time_limit:
            return StopReason.TIME_LIMIT
        return None

    def next_slice() -> int:
        if steps is None:
            return chunk
        return max(0, min(chunk, steps - done_steps - inflight_steps))

    if address is not None:
        backend = "dask"
    if backend == "auto":
        backend = "serial" if walkers == 1 else "process"
    from search.backends import get_backend, is_worker_lost

    inflight_steps = 0
    lost_workers = 0
    reason: StopReason | None = stop_reason()
    be = get_backend(backend, workers=workers, address=address) if reason is None else None
    backend_name = getattr(be, "name", str(backend)) if be is not None else str(backend)
    try:
        if be is not None and be.name == "serial":
            while reason is None:
                for i in range(walkers):
                    sl = next_slice()
                    if sl == 0:
                        break
                    states[i], imps = walker_chunk(states[i], sl)
                    done_steps += states[i].get("done", sl)
                    for imp in imps:
                        accept(imp)
                    reason = stop_reason()
                    if reason is not None:
                        break
                report({"elapsed": time.perf_counter() - t0, "steps": done_steps,
                        "best": best_edges})
                if checkpoint is not None and time.perf_counter() - last_ckpt >= checkpoint_every:
                    save()
                    last_ckpt = time.perf_counter()
                reason = reason or stop_reason()
        elif be is not None:
            pending: dict[Any, tuple[int, int]] = {}

            def launch(i: int) -> None:
                nonlocal inflight_steps
                sl = next_slice()
                if sl > 0:
                    pending[be.submit(walker_chunk, states[i], sl)] = (i, sl)
                    inflight_steps += sl

            for i in range(walkers):
                launch(i)
            while pending:
                done, _ = be.wait_any(list(pending), timeout=1.0)
                for fut in done:
                    i, sl = pending.pop(fut)
                    inflight_steps -= sl
                    try:
                        new_state, imps = fut.result()
                    except Exception as exc:  # noqa: BLE001 - a lost worker is retried
                        if not is_worker_lost(exc):
                            raise
                        lost_workers += 1
                        if be.name == "process":  # the whole pool is broken: restart it
                            lost = [i] + [j for j, _ in pending.values()]
                            pending.clear()
                            inflight_steps = 0
                            be.restart()
                            for j in lost:  # resubmit every chunk from its last state
                                launch(j)
                            break
                        launch(i)  # resubmit the chunk from the walker's last state
                        continue
                    states[i] = new_state
                    done_steps += new_state.get("done", sl)
                    for imp in imps:
                        accept(imp)
                    if reason is None:
                        reason = stop_reason()
                    if reason is None:
                        launch(i)
                if reason is None:
                    reason = stop_reason()
                if reason is not None:
                    for fut in list(pending):
                        fut.cancel()
                    pending.clear()
                report({"elapsed": time.perf_counter() - t0, "steps": done_steps,
                        "best": best_edges, "lost_workers": lost_workers})
                if checkpoint is not None and time.perf_counter() - last_ckpt >= checkpoint_every:
                    save()
                    last_ckpt = time.perf_counter()
            reason = reason or stop_reason() or StopReason.STEP_BUDGET
    except KeyboardInterrupt:
        reason = StopReason.INTERRUPTED
    finally:
        if be is not None and backend is not be:
            be.close()
        if progress is True:
            import sys

            print(file=sys.stderr)
    save()
    elapsed = time.perf_counter() - t0
    G = from_graph6(best_g6)
    cyc = find_forbidden_cycle(G, F)
    if cyc is not None or G.number_of_nodes() != n:  # pragma: no cover - accept() verified it
        raise VerificationError(f"best graph failed verification: cycle {cyc}")
    rep = gap_report(n, best_edges, F)
    verification = "networkx: no forbidden cycle (girth + simple_cycles)"
    is_record = bool(rep["is_record"])
    if F == (3, 4):
        second = matrix_check_girth5(G)
        verification += "; adjacency matrix: trace(A^3)=0 and (A^2)_uv<=1"
        if not second:  # pragma: no cover - the two checks disagree
            raise VerificationError("second (adjacency-matrix) verification failed")
    if rep["impossible"]:  # pragma: no cover - would contradict a proved value
        raise VerificationError(
            f"{best_edges} edges beat the proved optimum {rep['known']} at n={n}: a bug"
        )
    if store is not None and run_id is not None:
        store.end_run(run_id, reason.value if reason else "step_budget",
                      {"edges": best_edges, "gap": rep["gap"], "is_record": is_record})
    return GraphSearchResult(
        n=n, forbidden=F, seed=int(seed), method=method, edges=best_edges,
        edge_list=tuple(sorted((min(u, v), max(u, v)) for u, v in G.edges())),
        graph6=best_g6, known=rep["known"], known_status=rep["status"], gap=rep["gap"],
        is_record=is_record, verified=True, verification=verification,
        stop_reason=reason or StopReason.STEP_BUDGET, steps=done_steps, elapsed=elapsed,
        walkers=walkers, backend=backend_name, run_id=run_id, history=tuple(history),
    )
