"""graph6/edge-list I/O, independent verification and the known-values table.

Oracles: the Petersen graph (10 vertices, 15 edges, girth 5: ex(10; C3, C4) = 15), the
Hoffman-Singleton graph (50 vertices, 175 edges, girth 5: ex(50; C3, C4) = 175), OEIS A006856.
"""

import networkx as nx
import pytest

from engine.errors import InvalidInputError, VerificationError
from solvers.graphs import (
    find_forbidden_cycle,
    from_edgelist,
    from_graph6,
    gap_report,
    known_table,
    known_value,
    matrix_check_girth5,
    read_graph,
    to_edgelist,
    to_graph6,
    verify_graph,
    write_graph,
)


def test_graph6_roundtrip_and_petersen():
    P = nx.petersen_graph()
    g6 = to_graph6(P)
    assert g6 == "IheA@GUAo"  # networkx/nauty encoding of the Petersen graph
    assert nx.is_isomorphic(from_graph6(g6), P)
    assert from_graph6(">>graph6<<" + g6).number_of_edges() == 15


def test_edgelist_roundtrip_keeps_isolated_vertices():
    G = nx.Graph()
    G.add_nodes_from(range(7))
    G.add_edges_from([(0, 1), (2, 5)])
    H = from_edgelist(to_edgelist(G))
    assert H.number_of_nodes() == 7 and sorted(H.edges()) == [(0, 1), (2, 5)]


@pytest.mark.parametrize("text,msg", [
    ("0 1\n1 x\n", "line 2"),
    ("0 0\n", "loop"),
    ("0 1\n1 0\n", "repeated"),
    ("# n=3\n0 5\n", "exceeds"),
])
def test_malformed_edgelists(text, msg):
    with pytest.raises(InvalidInputError, match=msg):
        from_edgelist(text)


def test_files(tmp_path):
    p = tmp_path / "g.g6"
    write_graph(nx.petersen_graph(), p)
    assert read_graph(p).number_of_edges() == 15
    with pytest.raises(InvalidInputError, match="exists"):
        write_graph(nx.cycle_graph(5), p)
    write_graph(nx.cycle_graph(5), p, force=True)
    assert read_graph(p).number_of_edges() == 5
    e = tmp_path / "g.txt"
    write_graph(nx.petersen_graph(), e)
    assert read_graph(e).number_of_edges() == 15
    for name, data, msg in [("missing.g6", None, "does not exist"), ("empty.g6", "", "empty"),
                            ("bad.g6", "not graph6!!\n", "malformed"),
                            ("bin.g6", b"\xff\xfe", "malformed")]:
        f = tmp_path / name
        if isinstance(data, bytes):
            f.write_bytes(data)
        elif data is not None:
            f.write_text(data)
        with pytest.raises(InvalidInputError, match=msg):
            read_graph(f)


def test_verification_names_the_cycle():
    with pytest.raises(VerificationError, match="4-cycle 0-1-2-3-0"):
        verify_graph(nx.cycle_graph(4))
    with pytest.raises(VerificationError, match="3-cycle"):
        verify_graph(nx.complete_graph(4))
    verify_graph(nx.complete_graph(4), forbidden=(5,))  # K4 has no 5-cycle
    assert find_forbidden_cycle(nx.cycle_graph(6), (4,)) is None
    assert len(find_forbidden_cycle(nx.cycle_graph(6), (6,))) == 6
    with pytest.raises(VerificationError, match="edges"):
        verify_graph(nx.petersen_graph(), edges=14)


def test_second_check_agrees_on_known_graphs():
    for G in (nx.petersen_graph(), nx.hoffman_singleton_graph(), nx.heawood_graph()):
        assert matrix_check_girth5(G) and find_forbidden_cycle(G) is None
    for G in (nx.cycle_graph(4), nx.complete_graph(3), nx.complete_bipartite_graph(2, 3)):
        assert not matrix_check_girth5(G) and find_forbidden_cycle(G) is not None


def test_known_table_against_classical_graphs():
    t = known_table()
    assert sorted(t) == list(range(1, 65))
    assert all(t[n].status == "exact" for n in range(1, 54))
    assert all(t[n].status == "lower_bound" for n in range(54, 65))
    assert all(t[n].edges <= t[n + 1].edges for n in range(1, 64))  # monotone
    assert known_value(10).edges == nx.petersen_graph().number_of_edges()
    assert known_value(50).edges == nx.hoffman_singleton_graph().number_of_edges()
    assert (known_value(20).edges, known_value(30).edges, known_value(64).edges) == (41, 76, 230)
    assert known_value(10, forbidden=(4,)) is None


def test_gap_and_record_flags():
    assert gap_report(50, 175)["gap"] == 0
    r = gap_report(64, 231)
    assert r["is_record"] and r["gap"] == -1
    r = gap_report(30, 77)
    assert r["impossible"] and not r["is_record"]  # beating an exact value is a bug
    assert gap_report(12, 5, forbidden=(4,))["known"] is None
