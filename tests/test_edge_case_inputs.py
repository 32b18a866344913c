"""Edge-case inputs across the capabilities (first found by rare property-test draws), as plain examples.

Each case is a known right answer (a balance checked by hand, a root of a quadratic) or a
refusal that must name the argument the user gave.
"""

from __future__ import annotations

import numpy as np
import pytest

from engine._args import check_path
from engine.errors import InvalidInputError


@pytest.mark.parametrize("bad", ["", "a\x00b", b"out.json", 3, None])
def test_a_path_argument_refuses_what_cannot_be_a_file_name(bad):
    with pytest.raises(InvalidInputError, match="^db="):
        check_path(bad, "db")


def test_a_path_argument_passes_paths_and_optional_none(tmp_path):
    assert check_path(tmp_path / "x.json") == tmp_path / "x.json"
    assert check_path(None, allow_none=True) is None


def test_store_export_and_graph_files_refuse_a_nul_path(tmp_path):
    from search.store import ResultsStore
    from solvers.graphs.io import read_graph

    with ResultsStore(tmp_path / "s.db") as store, pytest.raises(InvalidInputError, match="path="):
        store.export("a\x00.json")
    with pytest.raises(InvalidInputError, match="path="):
        read_graph("a\x00.g6")


def test_decimal_subscript_that_looks_like_a_hydrate_multiplier_balances():
    from solvers.reactions import balance

    r = balance("Fe0.01Al2O3 -> Fe + Al + O2")
    # Fe 1/100, Al 2, O 3 per unit: 100 units give 1 Fe, 200 Al and 300 O = 150 O2
    assert list(r.coefficients) == [100, 1, 200, 150]


def test_hydrate_dot_is_still_a_hydrate():
    from solvers.reactions import balance

    assert list(balance("CuSO4.5H2O -> CuSO4 + H2O").coefficients) == [1, 1, 5]


def test_characteristic_roots_of_very_different_sizes():
    from engine.recurrence import LinearRecurrence

    big = 10**20 - 1
    # u(n) = big u(n-1) + u(n-2): lambda^2 - big lambda - 1, roots near 1e20 and -1e-20
    growth = LinearRecurrence([1, -big, -1]).asymptotics()
    roots = sorted(abs(g.root) for g in growth)
    assert roots[1] == pytest.approx(float(big), rel=1e-12)
    assert roots[0] == pytest.approx(1 / float(big), rel=1e-9)


def test_graph_state_edges_out_of_range_name_edges():
    from search.graphs.problem import GraphState

    with pytest.raises(InvalidInputError, match=r"^edges\[0\]"):
        GraphState(5, edges=np.array([[0, -1]]))


def test_size_above_the_state_limit_names_sizes():
    from search.graphs.curriculum import curriculum_graph_search

    with pytest.raises(InvalidInputError, match="in sizes"):
        curriculum_graph_search(sizes=[5, 10**30])


def test_warm_start_of_another_dtype_is_refused_before_the_walk():
    from search.drivers import OneMaxFlips, tabu_search

    with pytest.raises(InvalidInputError, match="initial=.*dtype float64.*int8"):
        tabu_search(OneMaxFlips([1, 2, 3]), steps=3, initial=np.zeros(3))


def test_store_export_to_a_folder_and_an_endless_lock_wait_are_refused(tmp_path):
    from search.store import ResultsStore

    with ResultsStore(tmp_path / "s.db") as store:
        for folder in ("/", tmp_path):
            with pytest.raises(InvalidInputError, match="is a folder"):
                store.export(folder)
    with pytest.raises(InvalidInputError, match="^timeout="):
        ResultsStore(tmp_path / "t.db", timeout=1e305)


def test_campaign_file_with_a_nul_path_is_refused():
    from search.app.discover import load_campaign

    with pytest.raises(InvalidInputError, match="^path="):
        load_campaign("c\x00.toml")
