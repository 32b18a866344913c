"""Independent verification of graphs with forbidden cycle lengths (networkx and numpy).

Nothing here uses the numba kernels of the search (:mod:`search.graphs`): a cycle is looked
up with networkx (``girth`` and ``simple_cycles`` with a length bound), and the girth-5 case
is checked a second, independent way from the adjacency matrix (``trace(A^3) == 0`` means no
triangle, ``(A^2)[u, v] <= 1`` for ``u != v`` means no 4-cycle). A record is announced only
after both checks pass.

Reference: networkx documentation, ``girth`` and ``simple_cycles(G, length_bound)``;
N. Biggs, *Algebraic Graph Theory*, 2nd ed., Cambridge 1993 (walk counts from powers of A).

Examples:
    >>> import networkx as nx
    >>> from solvers.graphs.verify import find_forbidden_cycle, verify_graph
    >>> find_forbidden_cycle(nx.petersen_graph(), (3, 4)) is None
    True
    >>> find_forbidden_cycle(nx.cycle_graph(4), (3, 4))
    [0, 1, 2, 3]
    >>> verify_graph(nx.complete_graph(3))
    Traceback (most recent call last):
    ...
    engine.errors.VerificationError: graph has a forbidden 3-cycle 0-1-2-0 (forbidden: C3,C4)
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np

from engine._args import check_int
from engine.errors import VerificationError
from solvers.graphs.forbidden import check_graph, forbidden_label, node_order, parse_forbidden

__all__ = ["find_forbidden_cycle", "is_forbidden_free", "verify_graph", "matrix_check_girth5"]


def find_forbidden_cycle(G: nx.Graph, forbidden: Any = (3, 4)) -> list | None:
    """A cycle of ``G`` whose length is forbidden (as a vertex list), or None.

    Raises:
        InvalidInputError: unknown cycle set.
    """
    F = parse_forbidden(forbidden)
    H = nx.Graph(check_graph(G))
    H.remove_edges_from(nx.selfloop_edges(H))
    if H.number_of_edges() == 0:
        return None
    g = nx.girth(H)
    if g == float("inf") or g > max(F):
        return None
    for k in F:
        if k < g:
            continue
        for comp in nx.biconnected_components(H):
            if len(comp) < k:
                continue
            sub = H.subgraph(comp)
            for cyc in nx.simple_cycles(sub, length_bound=k):
                if len(cyc) == k:
                    return _rotate(cyc)
    return None


def _rotate(cyc: list) -> list:
    try:
        i = cyc.index(min(cyc))
    except TypeError:  # labels of several types: start anywhere
        return cyc
    c = cyc[i:] + cyc[:i]
    if len(c) > 2 and c[-1] < c[1]:
        c = [c[0]] + c[1:][::-1]
    return c


def matrix_check_girth5(G: nx.Graph) -> bool:
    """Second, independent girth-5 check from the adjacency matrix (exact integers).

    No loop, ``trace(A^3) = 0`` (no triangle) and every off-diagonal entry of ``A^2`` at most 1
    (no two vertices with two common neighbours: no 4-cycle). Sparse integer matrices, so large
    sparse graphs cost ``O(sum of deg^2)``.

    Raises:
        InvalidInputError: ``G`` is not a networkx graph.
    """
    G = check_graph(G)
    nodes = node_order(G)
    if not nodes:
        return True
    A = nx.to_scipy_sparse_array(G, nodelist=nodes, dtype=np.int64, weight=None, format="csr")
    if A.diagonal().any():
        return False
    A2 = (A @ A).tocsr()
    if int(A2.multiply(A.T).sum()) != 0:  # trace(A^3) = sum_ij (A^2)_ij A_ji
        return False
    C = A2.tocoo()
    off = C.data[C.row != C.col]
    return bool(off.size == 0 or off.max() <= 1)


def is_forbidden_free(G: nx.Graph, forbidden: Any = (3, 4)) -> bool:
    """Whether ``G`` has no cycle with a forbidden length."""
    return find_forbidden_cycle(G, forbidden) is None


def verify_graph(G: nx.Graph, forbidden: Any = (3, 4), *, n: int | None = None,
                 edges: int | None = None) -> None:
    """Raise :class:`VerificationError` naming the cycle if ``G`` has a forbidden one.

    Args:
        G: the graph.
        forbidden: forbidden cycle lengths.
        n: expected number of vertices (checked if given).
        edges: expected number of edges (checked if given).

    Raises:
        VerificationError: a forbidden cycle (named), a loop, or a wrong vertex/edge count.
        InvalidInputError: unknown cycle set.
    """
    F = parse_forbidden(forbidden)
    label = forbidden_label(F)
    G = check_graph(G)
    if n is not None:
        n = check_int(n, "n", low=0, what="a number of vertices")
    if edges is not None:
        edges = check_int(edges, "edges", low=0, what="a number of edges")
    if nx.number_of_selfloops(G):
        raise VerificationError(f"graph has a loop at vertex {next(nx.nodes_with_selfloops(G))}")
    if n is not None and G.number_of_nodes() != n:
        raise VerificationError(f"graph has {G.number_of_nodes()} vertices, expected n={n}")
    if edges is not None and G.number_of_edges() != edges:
        raise VerificationError(f"graph has {G.number_of_edges()} edges, expected {edges}")
    cyc = find_forbidden_cycle(G, F)
    if cyc is not None:
        path = "-".join(str(v) for v in cyc + cyc[:1])
        raise VerificationError(
            f"graph has a forbidden {len(cyc)}-cycle {path} (forbidden: {label})"
        )
    if F == (3, 4) and not matrix_check_girth5(G):  # pragma: no cover - checks disagree
        raise VerificationError("adjacency-matrix check found a 3- or 4-cycle networkx missed")
