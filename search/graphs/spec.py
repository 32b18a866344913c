"""The extremal-graph tabu search as a spec of the search runner (:mod:`search.runner`).

:class:`ExtremalGraphSpec` hands :func:`search.runner.run_search` independent tabu walkers
(plain dicts of numpy arrays: picklable, checkpointable, shippable to process or Dask
workers) and a step function, :func:`tabu_step`, that advances one walker by a chunk of
iterations of the numba kernel (:func:`search.graphs._kernels.k_tabu_run`) and reports the
walker's best graph when it improved. The runner owns everything else: the seed, the budget
(``steps`` are tabu iterations over all walkers, ``target`` a number of edges), the backend,
verification before anything is kept, the store (domain ``"graphs"``, key
:func:`search.graphs.record.graph_key`), checkpoints and resume.

A walk is a function of its state alone (the kernels draw from a generator kept in the state),
so chunk boundaries do not change it: with a step budget a resumed run, after ``kill -9`` at
any moment, ends with exactly the graph of an uninterrupted run.

Reference: A. Mehrabian et al., "Finding increasingly large extremal graphs with AlphaZero
and tabu search", IJCAI 2024 (arXiv:2311.03583); F. Glover, "Tabu search - Part I", ORSA
J. Computing 1 (1989).

Examples:
    >>> from search.core import Budget
    >>> from search.graphs.spec import ExtremalGraphSpec
    >>> from search.runner import run_search
    >>> out = run_search(ExtremalGraphSpec(10, (3, 4)), Budget(steps=5000, target=15), seed=1)
    >>> out.stop_reason.value, out.best.edges, out.best.is_valid()
    ('target_reached', 15, True)
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import Any

import networkx as nx
import numpy as np

from engine._args import check_int, short_repr
from engine.errors import InvalidInputError
from search.core import Budget
from search.graphs import _kernels as K
from search.graphs.problem import GraphState
from search.graphs.record import GraphRecord, describe_graph, graph_key
from search.runner import Exhausted, SearchSpec
from solvers.graphs.forbidden import parse_forbidden
from solvers.graphs.io import from_graph6, to_graph6
from solvers.graphs.verify import find_forbidden_cycle

__all__ = [
    "ExtremalGraphSpec",
    "tabu_step",
    "new_walker",
    "walker_chunk",
    "verify_improvement",
    "warm_up",
]

_ARRAYS = ("A", "C", "nb", "deg", "nfree", "best_A", "info", "tabu_add", "tabu_rem", "rs")


def new_walker(n: int, forbidden: tuple[int, ...], seed_seq: np.random.SeedSequence, *,
               index: int = 0, initial: nx.Graph | None = None, tenure: int = 5,
               stall: int | None = None, sample_k: int = 20, target: int = 0,
               restart_pct: int = 50, crit_weight: int = 1) -> dict:
    """A fresh walker state (optionally starting from an ``F``-free ``initial`` graph).

    ``target`` is kept for callers of :func:`walker_chunk`; the runner passes the target of
    each chunk instead.
    """
    if initial is not None:
        s = GraphState.from_networkx(initial, forbidden, n=n)
    else:
        s = GraphState(n, forbidden)
    seed = int(seed_seq.generate_state(1, dtype=np.uint64)[0])
    return {
        "index": index, "n": n, "forbidden": tuple(forbidden), "A": s.A, "C": s.C,
        "nb": s.nb, "deg": s.deg, "nfree": s.nfree, "best_A": s.A.copy(),
        "info": np.array([0, s.num_edges, s.num_edges, 0, 0, 0, 0, 0], dtype=np.int64),
        "tabu_add": np.zeros((n, n), dtype=np.int64),
        "tabu_rem": np.zeros((n, n), dtype=np.int64),
        "rs": K.new_rng_state(seed), "tenure": int(tenure),
        "stall": int(stall if stall is not None else max(500, 40 * n)),
        "sample_k": int(sample_k), "target": int(target), "reported": -1,
        "restart_pct": int(restart_pct), "crit_weight": int(crit_weight),
    }


def _run_kernel(st: dict, steps: int, target: int, time_limit: float | None) -> int:
    """Advance the walker ``st`` (arrays owned by it) by up to ``steps`` iterations."""
    n = st["n"]
    mask = np.zeros(max(st["forbidden"]) + 1, dtype=np.bool_)
    for k in st["forbidden"]:
        mask[k - 1] = True
    maxlen = max(st["forbidden"]) - 1
    mark, stk = K._new_work(n, maxlen)
    buf = np.zeros((n * (n - 1) // 2 + 1, 2), dtype=np.int32)
    out = np.zeros(maxlen + 2, dtype=np.int32)

    def run(k: int) -> int:
        return int(K.k_tabu_run(st["A"], st["C"], st["nb"], st["deg"], st["nfree"], mask,
                                maxlen, mark, stk, st["best_A"], st["info"], st["tabu_add"],
                                st["tabu_rem"], int(k), st["tenure"], st["stall"],
                                st["sample_k"], int(target), buf, out, st["rs"],
                                st["restart_pct"], st["crit_weight"]))

    if time_limit is None:
        return run(steps)
    # within a time limit: blocks of iterations, the clock read between them (the walk is
    # the same whatever the blocks, as its generator lives in the state)
    t0 = time.perf_counter()
    block = max(16, steps // 8)
    done = 0
    while done < steps:
        k = min(block, steps - done)
        got = run(k)
        done += got
        if got < k or time.perf_counter() - t0 >= time_limit:
            break
    return done


def walker_chunk(state: dict, steps: int, *, target: int | None = None,
                 time_limit: float | None = None) -> tuple[dict, list[dict]]:
    """Advance one walker by ``steps`` tabu iterations (top-level: runs on any backend).

    Args:
        state: a walker state (:func:`new_walker`); it is not modified.
        steps: iterations to run.
        target: stop once the walker's best has this many edges (default: the state's).
        time_limit: seconds for the chunk (checked between blocks of iterations).

    Returns:
        ``(new_state, improvements)``: ``new_state["done"]`` is the number of iterations run;
        improvements hold the walker's best graph (graph6) when it beat the last one
        reported. Nothing in them is trusted by the coordinator.
    """
    st = dict(state)
    for key in _ARRAYS:
        st[key] = np.array(st[key], copy=True)
    goal = int(st.get("target", 0) if target is None else target)
    done = 0
    if steps > 0 and st["n"] >= 2:
        done = _run_kernel(st, int(steps), goal, time_limit)
    st["done"] = int(done)
    improvements = []
    best = int(st["info"][2])
    if best > st["reported"]:
        G = nx.from_numpy_array(st["best_A"].astype(np.int64))
        improvements.append({"walker": st["index"], "edges": best, "graph6": to_graph6(G),
                             "iteration": int(st["info"][7])})
        st["reported"] = best
    return st, improvements


def tabu_step(state: dict, budget: Budget) -> tuple[Any, list[dict], int]:
    """The runner's step of :class:`ExtremalGraphSpec`: one chunk of a tabu walker.

    A walker with fewer than two vertices (nothing to search), or whose best reaches the
    chunk's target, is done (:class:`search.runner.Exhausted`).
    """
    steps = int(budget.steps or 0)
    target = 0 if budget.target is None else max(1, math.ceil(budget.target))
    st, imps = walker_chunk(state, steps, target=target, time_limit=budget.time_limit)
    done = st.pop("done")
    if st["n"] < 2 or (budget.target is not None and int(st["info"][2]) >= budget.target):
        return Exhausted(st), imps, done
    return st, imps, done


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


class GraphRecordSpec(SearchSpec):
    """What every graph spec shares: candidates are :class:`GraphRecord` s (score = edges,
    verified exactly with networkx, key :func:`graph_key`, JSON round trip). Subclasses set
    ``forbidden`` (a tuple) and ``n`` (None: any size)."""

    domain = "graphs"
    verification_method = "networkx-cycles"
    n: int | None = None
    forbidden: tuple[int, ...] = ()

    def score(self, c: GraphRecord) -> float:
        return float(c.edges)

    def verify(self, c: GraphRecord) -> bool:
        return (self.n is None or c.n == self.n) and tuple(c.forbidden) == self.forbidden \
            and c.is_valid()

    def key(self, c: GraphRecord) -> str:
        return graph_key(c)

    def to_json(self, c: GraphRecord) -> dict[str, Any]:
        return c.to_json()

    def from_json(self, payload: Any) -> GraphRecord:
        return GraphRecord.from_json(payload)

    def describe(self, c: GraphRecord) -> str:
        return describe_graph(c.n, c.forbidden, c.edges)


#: Most independent walkers of one graph search.
MAX_WALKERS = 1024


def check_tabu_params(*, tenure: Any, stall: Any, sample_k: Any, restart_pct: Any = 50,
                      crit_weight: Any = 1) -> tuple[int, int | None, int, int, int]:
    """The tabu walk's parameters as ints in the ranges the compiled kernel takes.

    Raises:
        InvalidInputError: naming the first parameter out of range.
    """
    big = 1 << 30
    return (check_int(tenure, "tenure", low=1, high=big),
            None if stall is None else check_int(stall, "stall", low=1, high=big),
            check_int(sample_k, "sample_k", low=1, high=big),
            check_int(restart_pct, "restart_pct", low=0, high=100),
            check_int(crit_weight, "crit_weight", low=0, high=big))


class ExtremalGraphSpec(GraphRecordSpec):
    """The runner's spec of the extremal-graph tabu search (see the module docstring).

    Candidates are :class:`search.graphs.record.GraphRecord` s; the score is the number of
    edges, verification is exact (networkx, plus the adjacency matrix for girth 5), the key is
    :func:`search.graphs.record.graph_key`. ``adopt`` and ``share`` keep the walkers where
    they are: walkers are independent, and a resumed walker replays its walk from its
    checkpointed state, finding again (deterministically) what the killed run stored after
    that checkpoint, while the runner already holds it as the best.

    Args:
        n: number of vertices (>= 1).
        forbidden: forbidden cycle lengths (see :func:`solvers.graphs.parse_forbidden`).
        walkers: independent walkers (walker ``i`` seeded with child ``i`` of
            ``SeedSequence(seed)``).
        initial: start graphs, one per walker (None: the empty graph); ``F``-free, checked by
            the caller.
        tenure, stall, sample_k, restart_pct, crit_weight: the tabu walk's parameters
            (:func:`search.graphs._kernels.k_tabu_run`).

    Raises:
        InvalidInputError: a bad ``n`` or cycle set.
    """

    kind = "graphs.extremal"
    collect = "best"
    state_version = 2  # 2: the kernels' generator lives in the state ("rs")
    chunk_steps = 2000
    step = staticmethod(tabu_step)

    def __init__(self, n: int, forbidden: Any = (3, 4), *, walkers: int = 1,
                 initial: Sequence[nx.Graph | None] | None = None, tenure: int = 5,
                 stall: int | None = None, sample_k: int = 20, restart_pct: int = 50,
                 crit_weight: int = 1) -> None:
        from search.graphs.problem import check_n

        self.n = check_n(n)
        self.forbidden = parse_forbidden(forbidden)
        tenure, stall, sample_k, restart_pct, crit_weight = check_tabu_params(
            tenure=tenure, stall=stall, sample_k=sample_k, restart_pct=restart_pct,
            crit_weight=crit_weight)
        self.walkers = check_int(walkers, "walkers", low=1, high=MAX_WALKERS)
        if initial is not None and (isinstance(initial, str | bytes | nx.Graph)
                                    or not isinstance(initial, Sequence)):
            raise InvalidInputError(
                f"initial={short_repr(initial)} must be a list of start graphs (or None), one per walker")
        for i, g in enumerate(initial or ()):
            if g is not None and not isinstance(g, nx.Graph):
                raise InvalidInputError(f"initial[{i}]={short_repr(g)} must be a networkx graph or None")
        inits = list(initial) if initial is not None else [None] * self.walkers
        self.initial = [inits[i % len(inits)] if inits else None for i in range(self.walkers)]
        self.tenure, self.stall, self.sample_k = int(tenure), stall, int(sample_k)
        self.restart_pct, self.crit_weight = int(restart_pct), int(crit_weight)

    def params(self) -> dict[str, Any]:
        inits = [None if g is None else to_graph6(g) for g in self.initial]
        return {"n": self.n, "forbidden": list(self.forbidden), "method": "tabu",
                "walkers": self.walkers, "tenure": self.tenure, "stall": self.stall,
                "sample_k": self.sample_k, "restart_pct": self.restart_pct,
                "crit_weight": self.crit_weight,
                "initial": None if all(g is None for g in inits) else inits}

    def initial_states(self, seed: int) -> list[Any]:
        seqs = np.random.SeedSequence(int(seed)).spawn(self.walkers)
        return [new_walker(self.n, self.forbidden, seqs[i], index=i, initial=self.initial[i],
                           tenure=self.tenure, stall=self.stall, sample_k=self.sample_k,
                           restart_pct=self.restart_pct, crit_weight=self.crit_weight)
                for i in range(self.walkers)]

    def decode(self, raw: Any) -> GraphRecord:
        try:
            return GraphRecord(self.n, self.forbidden, int(raw["edges"]), str(raw["graph6"]))
        except (KeyError, TypeError, ValueError):  # a malformed report never verifies
            return GraphRecord(self.n, self.forbidden, -1, "")

