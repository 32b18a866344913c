"""search_constant_rank stops once the dimension found is a proved maximum (QA finding, #6).

``search_constant_rank(n=4, r=2, field=2, time_limit=30)`` used to run the full 30 s although
its family already had the greatest possible dimension. Proved values used as oracles:
``a(4, 2; F2) = 3`` and ``a(4, 4; F3) = 2`` by the exhaustive branch and bound
(``exact_max_dimension``, recomputed in ``test_stored_maxima_are_exact`` below);
``a(5, 2; F2) = 3`` by de Seguins Pazzis (2023) (n >= r + 3, classified); ``a(3, 2; F3) = 2``
(elementary: A_3 has dimension 3 and contains 0). ``(6, 4)`` over F2 is open (no bound).
"""

import pytest

from search.altspaces import exact_max_dimension, proved_upper_bound, search_constant_rank


def test_issue_example_stops_early():
    best = search_constant_rank(n=4, r=2, field=2, seed=1, time_limit=30, steps=100_000)
    assert best.stop_reason == "target_reached"
    assert best.dimension == best.upper_bound == 3 and best.optimal
    assert best.steps < 1000 and best.elapsed < 20
    assert "proved greatest dimension" in best.stop_detail and "branch and bound" in best.stop_detail
    best.check()
    js = best.to_json()
    assert js["optimal"] is True and js["upper_bound"] == 3 and js["stop_detail"] == best.stop_detail


@pytest.mark.parametrize(
    "n, r, p, dim, source",
    [(4, 4, 2, 2, "branch and bound"), (4, 4, 3, 2, "theorem"), (5, 2, 2, 3, "theorem"), (3, 2, 3, 2, "theorem")],
)
def test_stops_at_theorem_or_exact_maximum(n, r, p, dim, source):
    assert proved_upper_bound(n, r, p)[0] == dim and source in proved_upper_bound(n, r, p)[1]
    best = search_constant_rank(n=n, r=r, field=p, seed=0, time_limit=None, steps=10_000)
    assert best.stop_reason == "target_reached" and best.dimension == dim and best.optimal
    assert best.steps < 10_000


@pytest.mark.parametrize("method", ["tabu", "annealing"])
def test_generic_drivers_stop_too(method):
    best = search_constant_rank(n=5, r=2, field=2, seed=0, time_limit=None, steps=5_000, method=method)
    assert best.stop_reason == "target_reached" and best.dimension == 3 and best.steps < 5_000


def test_full_budget_when_asked_or_open():
    best = search_constant_rank(n=4, r=2, field=2, seed=1, time_limit=None, steps=12, stop_at_bound=False)
    assert best.stop_reason == "step_budget" and best.steps == 12 and best.upper_bound == 3
    assert "proved greatest dimension is 3" in best.stop_detail
    open_case = search_constant_rank(n=6, r=4, field=2, seed=0, time_limit=None, steps=3,
                                     check_maximal=False)
    assert proved_upper_bound(6, 4, 2) is None
    assert open_case.stop_reason == "step_budget" and open_case.upper_bound is None
    assert not open_case.optimal and "no proved upper bound" in open_case.stop_detail


def test_stored_maxima_are_exact():
    # the stored "proved" values the search stops at, recomputed by the branch and bound
    for n, r, p in [(4, 2, 2), (4, 4, 2), (3, 2, 2)]:
        assert exact_max_dimension(n, r, p).dimension == proved_upper_bound(n, r, p)[0]
