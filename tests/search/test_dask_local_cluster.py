"""Every parallel search runs on a real ``distributed.LocalCluster`` with 2 workers.

One cluster (two single-threaded worker processes) serves the whole module; each search is
sent there as a :class:`search.backends.DaskBackend` built on the cluster's client, with one
walker per worker, and its answer is checked against known mathematics: the PCF box contains
the continued fraction of e, the flip walk ends at a valid scheme for 2x2 matrices of rank at
most 7 (Strassen), girth-5 graphs on 10 vertices reach 15 edges (the Petersen graph, OEIS
A006856) by tabu walkers and by the simulated-annealing driver, and a constant-rank-2 space in
A_4(F_2) reaches dimension 3 (the theorem's bound). (MAP-Elites runs serially: not here.)
Also: ``disco discover --cluster`` charges no connection time to its budget.
"""

from __future__ import annotations

import pytest

distributed = pytest.importorskip("distributed")

from search.backends import DaskBackend  # noqa: E402


@pytest.fixture(scope="module")
def cluster():
    lc = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0")
    client = distributed.Client(lc)
    client.wait_for_workers(2, timeout=60)
    yield lc, client
    client.close()
    lc.close()


@pytest.fixture()
def backend(cluster):
    be = DaskBackend(client=cluster[1])
    assert be.workers == 2
    return be


def test_backend_by_address_waits_for_workers_and_times_startup(cluster):
    be = DaskBackend(address=cluster[0].scheduler_address, min_workers=2, worker_timeout=30)
    try:
        assert be.workers == 2 and be.startup_seconds >= 0.0
        assert sorted(be.map(abs, [-3, 1, -2])) == [1, 2, 3]
    finally:
        be.close()


def test_too_few_workers_is_a_one_line_error(cluster):
    from engine.errors import InvalidInputError

    with pytest.raises(InvalidInputError, match="min_workers=5: only 2 worker"):
        DaskBackend(address=cluster[0].scheduler_address, min_workers=5, worker_timeout=0.5)


def test_pcf_enumeration_on_two_workers_finds_e(backend):
    from search.pcf import search_pcfs

    res = search_pcfs(a_degree=1, b_degree=1, coefficient_range=2, constants=["e"],
                      backend=backend, workers=2, progress=False)
    assert res.hits and all("E" in str(h.expression) for h in res.hits)
    # the same box enumerated in this process finds exactly the same conjectures
    serial = search_pcfs(a_degree=1, b_degree=1, coefficient_range=2, constants=["e"],
                         workers=1, progress=False)
    assert sorted(h.key() for h in res.hits) == sorted(h.key() for h in serial.hits)


def test_flip_graph_walkers_on_two_workers_reach_strassen(backend):
    from search.flipgraph import flip_search

    res = flip_search((2, 2, 2), ring="ZT", target_rank=7, seed=1, time_limit=20,
                      backend=backend, workers=2, walkers=2)
    assert res.scheme.rank <= 7
    assert res.scheme.is_valid("Z")


def test_graph_walkers_on_two_workers_reach_petersen(backend):
    from search.graphs import extremal_graph_search
    from solvers.graphs.verify import find_forbidden_cycle

    res = extremal_graph_search(n=10, seed=1, time_limit=20, target=15, walkers=2,
                                backend=backend, progress=False)
    assert res.edges == 15
    assert find_forbidden_cycle(res.graph, res.forbidden) is None


def test_constant_rank_walkers_on_two_workers_reach_the_bound(backend):
    from search.altspaces.search import search_constant_rank

    best = search_constant_rank(n=4, r=2, field=2, seed=1, time_limit=20, walkers=2,
                                backend=backend)
    res = best.space.constant_rank()
    assert res.is_constant and res.rank == 2
    assert best.space.dimension == 3


@pytest.mark.slow
def test_discover_on_the_cluster_does_not_charge_startup(cluster, tmp_path):
    from search.app.discover import campaign_from_dict, run_campaign

    c = campaign_from_dict({
        "campaign": {"budget": 8, "sections": ["graphs", "altspaces"],
                     "cluster": cluster[0].scheduler_address, "min_workers": 2},
        "graphs": {"n": [10]},
        "altspaces": {"cases": [[4, 2]], "fields": [2], "search": {"n": 4, "r": 2, "field": 2}},
    })
    res = run_campaign(c, output=tmp_path / "report", db=tmp_path / "d.db", quiet=True)
    assert res.status == "completed"
    assert res.cluster == cluster[0].scheduler_address and res.cluster_workers == 2
    assert res.to_json()["startup_s"] >= 0.0
    graphs = next(s for s in res.sections if s.key == "graphs")
    assert graphs.status == "ok" and graphs.rows[0]["edges"] == 15
    assert "not charged" in (tmp_path / "report" / "report.md").read_text()


def test_annealing_driver_walkers_on_two_workers_reach_petersen(backend):
    from search.drivers.annealing import annealing_search
    from search.graphs import ForbiddenCyclesProblem

    res = annealing_search(ForbiddenCyclesProblem(10), time_limit=20, target_score=15, seed=1,
                           walkers=2, backend=backend)
    assert int(res.best_score) == 15  # ex(10; C3, C4) = 15, the Petersen graph
