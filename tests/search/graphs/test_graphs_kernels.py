"""Incremental conflict counts of the graph kernels against brute-force path counting.

Oracle: networkx ``all_simple_paths`` (a path of length l between u and v plus the edge uv is
a cycle of length l + 1), computed from scratch after every random sequence of flips.
"""

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import InvalidInputError
from search.graphs import GraphState, find_forbidden_cycle, parse_forbidden


def brute_counts(G, n, forbidden):
    C = np.zeros((n, n), dtype=int)
    for u in range(n):
        for v in range(u + 1, n):
            for p in nx.all_simple_paths(G, u, v, cutoff=max(forbidden) - 1):
                if len(p) in forbidden and len(p) >= 3:  # len(p) vertices = cycle length
                    C[u, v] += 1
                    C[v, u] += 1
    return C


@settings(max_examples=15, deadline=None)
@given(
    forbidden=st.sampled_from([(3, 4), (4,), (3,), (3, 4, 5), (5,), (4, 6)]),
    n=st.integers(2, 9),
    flips=st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), max_size=60),
)
def test_counts_match_bruteforce_after_random_flips(forbidden, n, flips):
    s = GraphState(n, forbidden)
    for u, v in flips:
        u, v = u % n, v % n
        if u == v:
            continue
        if s.has_edge(u, v):
            s.remove_edge(u, v)
        elif s.can_add(u, v):
            s.add_edge(u, v)
    G = s.to_networkx()
    assert find_forbidden_cycle(G, forbidden) is None  # the state stays F-free
    assert (brute_counts(G, n, forbidden) == s.C).all()
    free = sum(1 for u in range(n) for v in range(u + 1, n)
               if not G.has_edge(u, v) and s.C[u, v] == 0)
    assert free == s.num_free
    # can_add agrees with "adding creates no forbidden cycle"
    for u in range(n):
        for v in range(u + 1, n):
            if not G.has_edge(u, v):
                H = G.copy()
                H.add_edge(u, v)
                assert s.can_add(u, v) == (find_forbidden_cycle(H, forbidden) is None)


def test_add_then_remove_restores_state():
    s = GraphState(10, (3, 4), [(0, 1), (1, 2), (2, 3), (3, 4), (5, 6)])
    A, C, nf = s.A.copy(), s.C.copy(), s.num_free
    s.add_edge(6, 7)
    s.remove_edge(6, 7)
    assert (s.A == A).all() and (s.C == C).all() and s.num_free == nf


def test_from_arrays_and_copy_independent():
    P = nx.petersen_graph()
    s = GraphState.from_networkx(P)
    t = s.copy()
    t.remove_edge(0, 1)
    assert s.num_edges == 15 and t.num_edges == 14
    assert s.free_pairs() == []  # the Petersen graph is maximal with girth 5


def test_state_errors_name_the_problem():
    s = GraphState(5, (3, 4), [(0, 1), (1, 2)])
    with pytest.raises(InvalidInputError, match="close a forbidden cycle"):
        s.add_edge(0, 2)
    with pytest.raises(InvalidInputError, match="already present"):
        s.add_edge(0, 1)
    with pytest.raises(InvalidInputError, match="not present"):
        s.remove_edge(3, 4)
    with pytest.raises(InvalidInputError, match="loops"):
        s.add_edge(2, 2)
    with pytest.raises(InvalidInputError, match="0..4"):
        s.add_edge(0, 5)
    with pytest.raises(InvalidInputError, match="n=0"):
        GraphState(0)
    with pytest.raises(InvalidInputError, match="closing a forbidden cycle"):
        GraphState.from_networkx(nx.complete_graph(4))


@pytest.mark.parametrize("bad", ["", "C2", "3,x", [11], "girth2", [True], 3.5, None])
def test_unknown_cycle_sets_rejected(bad):
    with pytest.raises(InvalidInputError, match="forbidden="):
        parse_forbidden(bad)


def test_cycle_set_forms():
    assert parse_forbidden("3, 4") == (3, 4)
    assert parse_forbidden("C4") == (4,)
    assert parse_forbidden("girth5") == (3, 4)
    assert parse_forbidden((5, 3, 3)) == (3, 5)


def test_descriptors_match_classical_counts():
    from search.graphs import c5_count, graph_descriptors, max_degree

    P = GraphState.from_networkx(nx.petersen_graph())
    assert c5_count(P) == 12 and max_degree(P) == 3  # the Petersen graph has 12 pentagons
    T = GraphState(5, (4,), [(0, 1), (1, 2), (2, 0), (2, 3), (3, 4)])
    assert c5_count(T) == 0
    C5 = GraphState(5, (4,), [(i, (i + 1) % 5) for i in range(5)])
    assert c5_count(C5) == 1
    d = graph_descriptors(10)
    assert [x.name for x in d] == ["max degree", "5-cycles"]
