"""extremal_graph_search: known optima (OEIS A006856) with fixed seeds/step budgets,
verification, resume, store, backends and bad input."""

import networkx as nx
import pytest

from engine.errors import InvalidInputError
from search.core import StopReason
from search.graphs import extremal_graph_search, find_forbidden_cycle, known_value
from search.graphs.search import new_walker, verify_improvement, walker_chunk
from search.store import ResultsStore


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 10, 13, 16, 20, 24])
def test_reaches_known_optimum_small_n(n):
    res = extremal_graph_search(n=n, seed=1, steps=40_000)
    assert res.edges == known_value(n).edges  # OEIS A006856
    assert res.gap == 0 and res.stop_reason is StopReason.TARGET_REACHED
    res.check()
    G = res.graph
    assert isinstance(G, nx.Graph) and G.number_of_nodes() == n
    assert n < 5 or nx.girth(G) >= 5


def test_acceptance_interface_n30():
    res = extremal_graph_search(n=30, seed=1, time_limit=10)
    assert res.graph.number_of_nodes() == 30
    assert res.graph.number_of_edges() == res.edges == 76  # OEIS A006856(30)
    assert res.verified and res.is_valid() and not res.is_record
    assert res.to_json()["graph6"] == res.graph6


def test_same_seed_same_graph_and_other_cycle_sets():
    a = extremal_graph_search(n=14, forbidden=(4,), seed=5, steps=6000)
    b = extremal_graph_search(n=14, forbidden=(4,), seed=5, steps=6000)
    assert a.graph6 == b.graph6 and a.known is None and a.gap is None
    assert a.stop_reason is StopReason.STEP_BUDGET and a.steps == 6000
    a.check()


# ex(n; C4) for n = 10..14 is 16, 18, 21, 24, 27 (OEIS A006855); ex(n; C3, C4, C5) for
# n = 10..14 is 12, 14, 16, 18, 21 (OEIS A006787).
@pytest.mark.parametrize("forbidden,n,value", [((4,), 10, 16), ((4,), 12, 21), ((4,), 14, 27),
                                               ("girth6", 10, 12), ("girth6", 14, 21)])
def test_other_cycle_sets_reach_oeis_values(forbidden, n, value):
    res = extremal_graph_search(n=n, forbidden=forbidden, seed=5, steps=40_000, target=value)
    assert res.edges == value and res.stop_reason is StopReason.TARGET_REACHED
    assert find_forbidden_cycle(res.graph, forbidden) is None


def test_resume_equals_uninterrupted(tmp_path):
    ck = tmp_path / "run.ckpt"
    full = extremal_graph_search(n=16, forbidden=(4,), seed=3, steps=8000)
    part = extremal_graph_search(n=16, forbidden=(4,), seed=3, steps=4000, checkpoint=ck)
    assert part.steps == 4000 and ck.exists()
    rest = extremal_graph_search(n=16, forbidden=(4,), seed=3, steps=8000, checkpoint=ck,
                                 resume=True)
    assert rest.steps == 8000 and rest.graph6 == full.graph6
    with pytest.raises(InvalidInputError, match="belongs to"):
        extremal_graph_search(n=17, forbidden=(4,), seed=3, steps=100, checkpoint=ck, resume=True)


def test_store_gets_verified_improvements(tmp_path):
    store = ResultsStore(tmp_path / "r.db")
    res = extremal_graph_search(n=12, seed=2, steps=5000, store=store)
    rows = store.results(domain="graphs")
    assert rows and all(r.verified for r in rows)
    assert max(r.score for r in rows) == res.edges == 18
    assert res.run_id is not None


def test_initial_graph_and_curriculum_seed():
    P = nx.petersen_graph()
    P.add_node(10)
    res = extremal_graph_search(n=11, seed=0, steps=2000, initial=P)
    assert res.edges == 16
    with pytest.raises(InvalidInputError, match="forbidden 4-cycle"):
        extremal_graph_search(n=4, steps=10, initial=nx.cycle_graph(4))
    with pytest.raises(InvalidInputError, match="needs n=12"):
        extremal_graph_search(n=12, steps=10, initial=nx.petersen_graph())


def test_coordinator_rejects_unverified_improvements():
    st = new_walker(9, (3, 4), __import__("numpy").random.SeedSequence(0))
    st, imps = walker_chunk(st, 500)
    assert imps and verify_improvement(imps[-1], 9, (3, 4)) is not None
    bad = dict(imps[-1], graph6="HFzf~z{")  # a dense graph claimed by a lying worker
    assert verify_improvement(bad, 9, (3, 4)) is None
    assert verify_improvement(dict(imps[-1], edges=99), 9, (3, 4)) is None
    assert verify_improvement({"graph6": "!!"}, 9, (3, 4)) is None


@pytest.mark.parametrize("kw,msg", [
    ({"n": 0}, "n=0"), ({"n": -3}, "n=-3"), ({"n": 2.5}, "n=2.5"),
    ({"n": 5, "forbidden": "C2"}, "forbidden"), ({"n": 5, "forbidden": []}, "empty"),
    ({"n": 5, "seed": -1}, "seed"), ({"n": 5, "method": "magic"}, "method"),
    ({"n": 5, "steps": 0}, "steps"), ({"n": 5, "time_limit": -1.0}, "time_limit"),
    ({"n": 5, "walkers": 0}, "walkers"), ({"n": 5, "resume": True}, "checkpoint"),
])
def test_bad_input(kw, msg):
    with pytest.raises(InvalidInputError, match=msg):
        extremal_graph_search(**kw)


def test_unreachable_cluster_is_a_clear_error():
    with pytest.raises(InvalidInputError, match="cannot reach the Dask scheduler"):
        extremal_graph_search(n=10, steps=100, address="tcp://127.0.0.1:9")
    with pytest.raises(InvalidInputError, match="tcp://host:port"):
        extremal_graph_search(n=10, steps=100, address="not-an-address")


def test_dask_local_cluster_two_walkers(tmp_path):
    pytest.importorskip("distributed")
    from search.backends import get_backend

    store = ResultsStore(tmp_path / "d.db")
    with get_backend("dask", workers=2) as be:
        res = extremal_graph_search(n=18, seed=4, steps=20_000, walkers=2, backend=be,
                                    store=store)
    assert res.edges == 34 and res.walkers == 2 and res.backend == "dask"  # A006856(18)
    assert all(r.verified for r in store.results(domain="graphs"))


@pytest.mark.parametrize("method", ["generic-tabu", "annealing"])
def test_generic_driver_methods_reach_small_optima(method, tmp_path):
    store = ResultsStore(tmp_path / "g.db")
    res = extremal_graph_search(n=12, seed=1, steps=20_000, method=method, store=store)
    assert res.method == method and res.edges == 18 and res.is_valid()  # A006856(12)
    assert all(r.verified for r in store.results(domain="graphs"))
