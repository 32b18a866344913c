"""Graphs without short cycles of given lengths: the state, its moves and the problem object.

The forbidden set ``F`` is a set of cycle lengths (each between 3 and 10): ``(3, 4)`` asks for
girth at least 5, ``(4,)`` for C4-free graphs (triangles allowed), ``(3, 4, 5)`` for girth 6.
:class:`GraphState` keeps an ``F``-free graph together with the incremental conflict counts
of :mod:`search.graphs._kernels`, so "can ``uv`` be added?" is ``O(1)`` and an edge flip costs
``O(deg^2)`` for ``F = {3, 4}``. :class:`ForbiddenCyclesProblem` exposes the state to the
generic drivers of :mod:`search.drivers` (moves, exact score deltas, tabu attributes) and to
the ask/tell :class:`search.core.Driver` (evaluate/verify/key/to_json on edge tuples).

Reference: A. Mehrabian et al., "Finding increasingly large extremal graphs with AlphaZero
and tabu search", IJCAI 2024 (arXiv:2311.03583) (the edge-flip formulation).

Examples:
    >>> from search.graphs.problem import GraphState
    >>> s = GraphState(5)
    >>> for u in range(5):
    ...     s.add_edge(u, (u + 1) % 5)
    >>> s.num_edges, s.can_add(0, 2), s.free_pairs()
    (5, False, [])
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import networkx as nx
import numpy as np

from engine._args import check_int, check_items, short_repr
from engine.errors import InvalidInputError
from search.graphs import _kernels as K
from search.graphs.record import GraphRecord, describe_graph, graph_key
from solvers.graphs.forbidden import forbidden_label, parse_forbidden

__all__ = [
    "GraphState",
    "ForbiddenCyclesProblem",
    "max_degree",
    "c5_count",
    "graph_descriptors",
]

def _lmask(forbidden: Sequence[int]) -> tuple[np.ndarray, int]:
    maxlen = max(forbidden) - 1
    mask = np.zeros(maxlen + 2, dtype=np.bool_)
    for k in forbidden:
        mask[k - 1] = True
    return mask, maxlen


#: Most vertices of a search state (its arrays take about 13 n^2 bytes per walker).
MAX_N = 4096


def check_n(n: Any) -> int:
    """Validate a vertex count (an integer with ``1 <= n <= MAX_N``)."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise InvalidInputError(f"n={short_repr(n)} must be an integer >= 1 (the number of vertices)")
    if n > MAX_N:
        raise InvalidInputError(
            f"n={n} is too large for a search state (limit n <= {MAX_N}: its arrays take "
            "about 13 n^2 bytes per walker)")
    return int(n)


def _is_state(s: Any, name: str = "s") -> GraphState:
    if not isinstance(s, GraphState):
        raise InvalidInputError(f"{name}={short_repr(s)} must be a GraphState")
    return s


def _edge_pairs(edges: Any, name: str) -> list[tuple[int, int]]:
    """An iterable of vertex pairs as a list of int pairs (else one clear error)."""
    edges = check_items(edges, name, "an iterable of vertex pairs (u, v)", exclude=(nx.Graph,))
    out = []
    for i, e in enumerate(edges):
        if isinstance(e, str | bytes) or not isinstance(e, Sequence | np.ndarray) or len(e) != 2:
            raise InvalidInputError(f"{name}[{i}]={short_repr(e)} must be a vertex pair (u, v)")
        u, v = e
        if any(isinstance(w, bool) or not isinstance(w, int | np.integer) for w in (u, v)):
            raise InvalidInputError(f"{name}[{i}]={short_repr(e)}: vertices are integers 0..n-1")
        if u == v:
            raise InvalidInputError(f"{name}[{i}]={short_repr(e)} is a loop; a simple graph has none")
        out.append((int(u), int(v)))
    return out


class GraphState:
    """An ``F``-free graph on ``n`` vertices with incremental conflict counts.

    Args:
        n: number of vertices (>= 1).
        forbidden: forbidden cycle lengths (see :func:`parse_forbidden`), default ``(3, 4)``.
        edges: optional initial edges; each must keep the graph ``F``-free.

    Raises:
        InvalidInputError: bad ``n``/``forbidden``, a vertex out of range, a loop, or an edge
            that would close a forbidden cycle.
    """

    def __init__(self, n: int, forbidden: Any = (3, 4), edges: Iterable[tuple[int, int]] = ()):
        self.n = check_n(n)
        self.forbidden = parse_forbidden(forbidden)
        self.lmask, self.maxlen = _lmask(self.forbidden)
        (self.A, self.C, self.nb, self.deg, self.nfree,
         (self._mark, self._stk)) = K.new_state_arrays(self.n, self.maxlen)
        for i, (u, v) in enumerate(_edge_pairs(edges, "edges")):
            if not (0 <= u < self.n and 0 <= v < self.n):
                raise InvalidInputError(f"edges[{i}]=({u}, {v}): vertices are integers 0..{self.n - 1}")
            self.add_edge(u, v)

    # -- construction -------------------------------------------------------------------
    @classmethod
    def from_arrays(cls, adjacency: np.ndarray, forbidden: Any = (3, 4)) -> GraphState:
        """State from a 0/1 adjacency matrix (must be ``F``-free).

        Raises:
            InvalidInputError: not a square numeric matrix, or an edge closes a forbidden cycle.
        """
        try:
            A = np.asarray(adjacency)
        except (TypeError, ValueError):
            A = np.zeros(0)
        if A.ndim != 2 or A.shape[0] != A.shape[1] or A.dtype.kind not in "biuf":
            raise InvalidInputError(
                f"adjacency={short_repr(adjacency)} must be a square 0/1 matrix (numpy array)")
        if A.shape[0] and np.any(np.diag(A)):
            raise InvalidInputError("adjacency has a nonzero diagonal entry (a loop); a simple graph has none")
        if not np.array_equal(A != 0, (A != 0).T):
            raise InvalidInputError("adjacency is not symmetric; an undirected graph has A[u][v] == A[v][u]")
        s = cls(A.shape[0], forbidden)
        s.A[:, :] = (A != 0).astype(np.int8)
        dropped = K.k_recount(s.A, s.C, s.nb, s.deg, s.nfree, s.lmask, s.maxlen, s._mark, s._stk)
        if dropped:
            raise InvalidInputError(
                f"adjacency matrix has {dropped} edge(s) closing a forbidden cycle "
                f"({forbidden_label(s.forbidden)}); run verify_graph to see which cycle"
            )
        return s

    @classmethod
    def from_networkx(cls, G: nx.Graph, forbidden: Any = (3, 4), n: int | None = None):
        """State from a networkx graph with nodes ``0..n-1`` (must be ``F``-free)."""
        from solvers.graphs.forbidden import check_graph

        G = check_graph(G)
        n = check_n(G.number_of_nodes() if n is None else n)
        A = np.zeros((n, n), dtype=np.int8)
        for u, v in G.edges():
            if not all(isinstance(w, int | np.integer) and not isinstance(w, bool) for w in (u, v)) \
                    or not (0 <= u < n and 0 <= v < n) or u == v:
                raise InvalidInputError(
                    f"edge ({u}, {v}) is not between distinct vertices 0..{n - 1}"
                )
            A[u, v] = A[v, u] = 1
        return cls.from_arrays(A, forbidden)

    def copy(self) -> GraphState:
        """Independent copy."""
        s = object.__new__(GraphState)
        s.n, s.forbidden, s.lmask, s.maxlen = self.n, self.forbidden, self.lmask, self.maxlen
        s.A, s.C, s.nb, s.deg = self.A.copy(), self.C.copy(), self.nb.copy(), self.deg.copy()
        s.nfree = self.nfree.copy()
        s._mark, s._stk = self._mark.copy(), self._stk.copy()
        return s

    # -- queries ------------------------------------------------------------------------
    @property
    def num_edges(self) -> int:
        return int(self.deg.sum()) // 2

    @property
    def num_free(self) -> int:
        """Number of non-edges that can be added without a forbidden cycle."""
        return int(self.nfree[0])

    def _pair(self, u: Any, v: Any) -> tuple[int, int]:
        for name, w in (("u", u), ("v", v)):
            if isinstance(w, bool) or not isinstance(w, int | np.integer) or not 0 <= w < self.n:
                raise InvalidInputError(f"vertex {name}={short_repr(w)} must be an integer in 0..{self.n - 1}")
        if u == v:
            raise InvalidInputError(f"u=v={u}: loops are not allowed in a simple graph")
        return int(u), int(v)

    def has_edge(self, u: int, v: int) -> bool:
        u, v = self._pair(u, v)
        return bool(self.A[u, v])

    def can_add(self, u: int, v: int) -> bool:
        """Whether ``uv`` is a non-edge whose addition creates no forbidden cycle (``O(1)``)."""
        u, v = self._pair(u, v)
        return bool(self.A[u, v] == 0 and self.C[u, v] == 0)

    def edges(self) -> list[tuple[int, int]]:
        us, vs = np.nonzero(np.triu(self.A, 1))
        return [(int(a), int(b)) for a, b in zip(us, vs, strict=True)]

    def free_pairs(self) -> list[tuple[int, int]]:
        """All non-edges that can be added."""
        free = (self.A == 0) & (self.C == 0)
        us, vs = np.nonzero(np.triu(free, 1))
        return [(int(a), int(b)) for a, b in zip(us, vs, strict=True)]

    def to_networkx(self) -> nx.Graph:
        G = nx.Graph()
        G.add_nodes_from(range(self.n))
        G.add_edges_from(self.edges())
        return G

    # -- moves --------------------------------------------------------------------------
    def add_edge(self, u: int, v: int) -> None:
        """Add ``uv``; raises if it is present or closes a forbidden cycle."""
        u, v = self._pair(u, v)
        if self.A[u, v]:
            raise InvalidInputError(f"edge ({u}, {v}) is already present")
        if self.C[u, v]:
            raise InvalidInputError(
                f"adding edge ({u}, {v}) would close a forbidden cycle "
                f"({forbidden_label(self.forbidden)}); remove an edge of the blocking path first"
            )
        K.k_add_edge(self.A, self.C, self.nb, self.deg, self.nfree, u, v, self.lmask,
                     self.maxlen, self._mark, self._stk)

    def remove_edge(self, u: int, v: int) -> None:
        """Remove the edge ``uv``; raises if absent."""
        u, v = self._pair(u, v)
        if not self.A[u, v]:
            raise InvalidInputError(f"edge ({u}, {v}) is not present")
        K.k_remove_edge(self.A, self.C, self.nb, self.deg, self.nfree, u, v, self.lmask,
                        self.maxlen, self._mark, self._stk)

    def _flip_raw(self, u: int, v: int) -> None:
        if self.A[u, v]:
            K.k_remove_edge(self.A, self.C, self.nb, self.deg, self.nfree, u, v, self.lmask,
                            self.maxlen, self._mark, self._stk)
        else:
            K.k_add_edge(self.A, self.C, self.nb, self.deg, self.nfree, u, v, self.lmask,
                         self.maxlen, self._mark, self._stk)


class ForbiddenCyclesProblem:
    """The edge-maximisation problem, for the generic drivers and for the ask/tell core.

    Local-search view (:mod:`search.drivers`): a state is a :class:`GraphState`; a move is
    ``("add", u, v)``, ``("remove", u, v)`` or ``("swap", a, b, u, v)`` (remove ``ab``, add
    ``uv``). :meth:`score` is the number of edges plus a tie-break below 1 that rewards keeping
    pairs addable (``num_free / n^2``); :meth:`delta` is exact and incremental (flip, read,
    undo). Infeasible moves are never proposed.

    Core view (:class:`search.core.Driver`): a candidate is a sorted tuple of edges;
    ``evaluate`` is the number of edges (``-inf`` if it has a forbidden cycle), ``verify``
    checks with networkx, ``key`` is :func:`search.graphs.record.graph_key`, ``to_json`` /
    ``from_json`` the self-contained :class:`search.graphs.record.GraphRecord` payload.

    Args:
        n: number of vertices.
        forbidden: forbidden cycle lengths (default ``(3, 4)``: girth >= 5).

    Raises:
        InvalidInputError: bad ``n`` or ``forbidden``.

    Examples:
        >>> import numpy as np
        >>> from search.graphs.problem import ForbiddenCyclesProblem
        >>> p = ForbiddenCyclesProblem(6)
        >>> s = p.initial(np.random.default_rng(0))
        >>> moves = p.sample_moves(s, np.random.default_rng(1), 3)
        >>> all(p.delta(s, m) > 0.5 for m in moves)  # adding an edge gains one
        True
    """

    domain = "graphs"
    verification_method = "networkx-cycles"

    def __init__(self, n: int, forbidden: Any = (3, 4)) -> None:
        self.n = check_n(n)
        self.forbidden = parse_forbidden(forbidden)
        self.params = {"n": self.n, "forbidden": list(self.forbidden)}

    # -- local-search protocol ----------------------------------------------------------
    def initial(self, rng: np.random.Generator) -> GraphState:
        """The empty graph (drivers fill it greedily)."""
        return GraphState(self.n, self.forbidden)

    def score(self, s: GraphState) -> float:
        return s.num_edges + s.num_free / (self.n * self.n + 1.0)

    def copy(self, s: GraphState) -> GraphState:
        return s.copy()

    def sample_moves(self, s: GraphState, rng: np.random.Generator, k: int) -> list[tuple]:
        """Up to ``k`` feasible moves: additions if any exist, else swaps and removals."""
        free = s.free_pairs()
        if free:
            idx = rng.choice(len(free), size=min(k, len(free)), replace=False)
            return [("add", *free[i]) for i in idx]
        moves: list[tuple] = []
        crit = np.argwhere(np.triu((s.A == 0) & (s.C == 1), 1))
        if len(crit):
            pick = rng.choice(len(crit), size=min(k, len(crit)), replace=False)
            out = np.zeros(s.maxlen + 2, dtype=np.int32)
            for i in pick:
                u, v = int(crit[i][0]), int(crit[i][1])
                ln = K._find_path_edge(s.A, s.nb, s.deg, u, v, s.lmask, s.maxlen, s._mark,
                                       s._stk, out)
                if ln > 0:
                    e = int(rng.integers(ln))
                    moves.append(("swap", int(out[e]), int(out[e + 1]), u, v))
        edges = s.edges()
        if edges and len(moves) < k:
            for i in rng.choice(len(edges), size=min(k - len(moves), len(edges)), replace=False):
                moves.append(("remove", *edges[i]))
        return moves

    def apply(self, s: GraphState, move: tuple) -> GraphState:
        """Apply ``move`` in place (and return ``s``)."""
        kind = move[0]
        if kind == "add":
            s.add_edge(move[1], move[2])
        elif kind == "remove":
            s.remove_edge(move[1], move[2])
        elif kind == "swap":
            s.remove_edge(move[1], move[2])
            s.add_edge(move[3], move[4])
        else:
            raise InvalidInputError(f"move={short_repr(move)} is not an add/remove/swap move")
        return s

    def delta(self, s: GraphState, move: tuple) -> float:
        """Exact score change of ``move`` (computed incrementally, state left unchanged)."""
        before = self.score(s)
        kind = move[0]
        if kind == "add":
            if not s.can_add(move[1], move[2]):
                return -math.inf
            s._flip_raw(move[1], move[2])
            after = self.score(s)
            s._flip_raw(move[1], move[2])
        elif kind == "remove":
            s._flip_raw(move[1], move[2])
            after = self.score(s)
            s._flip_raw(move[1], move[2])
        else:
            a, b, u, v = move[1:]
            s._flip_raw(a, b)
            if s.A[u, v] or s.C[u, v]:
                s._flip_raw(a, b)
                return -math.inf
            s._flip_raw(u, v)
            after = self.score(s)
            s._flip_raw(u, v)
            s._flip_raw(a, b)
        return after - before

    def tabu_attributes(self, move: tuple) -> tuple:
        """Edges a move touches (made tabu for a while after the move)."""
        if move[0] == "swap":
            return (tuple(sorted(move[1:3])), tuple(sorted(move[3:5])))
        return (tuple(sorted(move[1:3])),)

    def is_feasible(self, s: GraphState) -> bool:
        return True  # states are F-free by construction

    def descriptor_values(self, s: GraphState) -> dict[str, float]:
        """Candidate MAP-Elites descriptors: max degree, min degree, edges, number of C5s."""
        c5 = 0 if 5 in self.forbidden else c5_count(s)
        return {"max_degree": float(s.deg.max(initial=0)), "min_degree": float(s.deg.min(initial=0)),
                "edges": float(s.num_edges), "c5": float(c5)}

    # -- core (ask/tell) protocol -------------------------------------------------------
    def as_candidate(self, s: GraphState) -> tuple[tuple[int, int], ...]:
        return tuple(s.edges())

    def evaluate(self, c: Any) -> float:
        from solvers.graphs.verify import find_forbidden_cycle

        G = self._graph(c)
        return -math.inf if find_forbidden_cycle(G, self.forbidden) else float(G.number_of_edges())

    def verify(self, c: Any) -> bool:
        from solvers.graphs.verify import is_forbidden_free

        return is_forbidden_free(self._graph(c), self.forbidden)

    def record(self, c: Any) -> GraphRecord:
        """The :class:`search.graphs.record.GraphRecord` of a candidate."""
        G = self._graph(c)
        H = nx.Graph()
        H.add_nodes_from(range(self.n))
        H.add_edges_from(G.edges())
        return GraphRecord.of(H, self.forbidden)

    def key(self, c: Any) -> str:
        return graph_key(self.record(c))

    def to_json(self, c: Any) -> dict:
        return self.record(c).to_json()

    def from_json(self, payload: Any) -> tuple[tuple[int, int], ...]:
        """The candidate (sorted edge tuple) of a stored payload (:meth:`to_json`).

        Raises:
            InvalidInputError: a payload of another problem (vertex count or cycle set).
        """
        rec = GraphRecord.from_json(payload)
        if rec.n != self.n or tuple(rec.forbidden) != self.forbidden:
            raise InvalidInputError(
                f"payload of n={rec.n}, forbidden={forbidden_label(rec.forbidden)} given to the "
                f"problem of n={self.n}, forbidden={forbidden_label(self.forbidden)}")
        return tuple(sorted((min(u, v), max(u, v)) for u, v in rec.graph.edges()))

    def describe(self, c: Any) -> str:
        """``"21 edges (n=12, no C3,C4)"``."""
        return describe_graph(self.n, self.forbidden, self._graph(c).number_of_edges())

    def _graph(self, c: Any) -> nx.Graph:
        if isinstance(c, GraphState):
            return c.to_networkx()
        if isinstance(c, nx.Graph):
            return c
        G = nx.Graph()
        G.add_nodes_from(range(self.n))
        for u, v in _edge_pairs(c, "candidate"):
            if not (0 <= u < self.n and 0 <= v < self.n):
                raise InvalidInputError(
                    f"candidate edge ({u}, {v}) is not between vertices 0..{self.n - 1}")
            G.add_edge(u, v)
        return G


def max_degree(s: GraphState) -> float:
    """Largest vertex degree of a state (a MAP-Elites descriptor)."""
    return float(_is_state(s).deg.max(initial=0))


def c5_count(s: GraphState) -> float:
    """Number of 5-cycles of a state (exact; a MAP-Elites descriptor)."""
    s = _is_state(s)
    if 3 in s.forbidden:  # triangle-free: every closed 5-walk traces a 5-cycle, 10 walks each
        A = s.A.astype(np.int64)
        return float(int(np.trace(np.linalg.matrix_power(A, 5))) // 10)
    G = s.to_networkx()
    return float(sum(1 for c in nx.simple_cycles(G, length_bound=5) if len(c) == 5))


def graph_descriptors(n: int, *, degree_bins: int | None = None, c5_max: int | None = None,
                      c5_bins: int = 8) -> list:
    """MAP-Elites descriptors for graphs on ``n`` vertices: max degree and number of 5-cycles.

    Examples:
        >>> from search.drivers import map_elites
        >>> from search.graphs import ForbiddenCyclesProblem, graph_descriptors
        >>> res = map_elites(ForbiddenCyclesProblem(8), graph_descriptors(8), steps=40, seed=0)
        >>> len(res.table()) > 1 and max(r["score"] for r in res.table()) <= 10
        True
    """
    from search.drivers.mapelites import Descriptor

    n = check_n(n)
    if degree_bins is not None:
        degree_bins = check_int(degree_bins, "degree_bins", low=1, high=1 << 16)
    if c5_max is not None:
        c5_max = check_int(c5_max, "c5_max", low=1)
    c5_bins = check_int(c5_bins, "c5_bins", low=1, high=1 << 16)
    dmax = max(2, n - 1)
    c5_max = c5_max if c5_max is not None else max(4, n * n // 8)
    return [Descriptor("max degree", max_degree, 0, dmax + 1, degree_bins or dmax + 1),
            Descriptor("5-cycles", c5_count, 0, c5_max, c5_bins)]
