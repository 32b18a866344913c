"""Tests for search.altspaces: the constant-rank space search on the search core.

Search-quality tests use fixed seeds and step budgets (not wall time). Oracles: exact
re-verification with constant_rank(), the theorem's value (the search may not beat it where
the theorem covers the field: F2 for n >= r+3 with r = 2), and the known small value
a(3, 2) = 2 (an affine plane of A_3 missing 0 is the largest: A_3 itself contains 0).
"""

import json
from pathlib import Path

import numpy as np
import pytest

from engine.errors import InvalidInputError
from search.altspaces import (
    DEFAULT_TABLE,
    AltSpaceProblem,
    comparison_table,
    exact_max_dimension,
    family_key,
    format_table,
    is_maximal,
    save_best_table,
    save_exact_table,
    search_constant_rank,
)
from search.altspaces.search import _Family
from solvers.constant_rank import (
    AffineAlternatingSpace,
    extremal_space,
    max_constant_rank_dimension,
)


def test_search_small_case_is_verified_and_reproducible():
    # stop_at_bound=False: run the whole step budget (a(4, 2; F2) = 3 is a proved maximum)
    a = search_constant_rank(n=4, r=2, field=2, seed=1, time_limit=None, steps=30, stop_at_bound=False)
    b = search_constant_rank(n=4, r=2, field=2, seed=1, time_limit=None, steps=30, stop_at_bound=False)
    assert isinstance(a.space, AffineAlternatingSpace)
    res = a.space.constant_rank()
    assert res.is_constant and res.rank == 2 and a.dimension == a.space.dimension
    assert a.dimension >= 2 and a.dimension == b.dimension and a.space == b.space
    a.check()
    js = a.to_json()
    assert js["space"]["n"] == 4 and js["formula"] == 2 and js["stop_reason"] == "step_budget"


def test_search_known_maximum_a32():
    best = search_constant_rank(n=3, r=2, field=3, seed=0, time_limit=None, steps=20)
    assert best.dimension == 2 and best.maximal is True  # dim A_3 = 3 and A_3 contains 0


def test_search_never_beats_covered_theorem():
    # F2, n = 5 >= r + 3, r = 2: covered (|F| >= min(r-1, r/2+2) = 1), a(5, 2) = 3
    best = search_constant_rank(n=5, r=2, field=2, seed=3, time_limit=None, steps=60)
    assert best.covered and best.dimension <= best.formula == 3


def test_store_integration(tmp_path):
    from search.store import ResultsStore

    store = ResultsStore(tmp_path / "t.db")
    best = search_constant_rank(n=4, r=4, field=3, seed=2, time_limit=None, steps=15, store=store)
    rows = store.results(domain="altspaces")
    assert rows and best.run_id is not None
    payload = rows[0]["payload"] if isinstance(rows[0], dict) else rows[0].payload
    if isinstance(payload, str):
        payload = json.loads(payload)
    sp = AffineAlternatingSpace.from_json(payload["space"])
    assert sp.constant_rank().rank == 4
    store.close()


def test_family_key_is_canonical():
    sp = extremal_space(5, 2, 3)
    base = np.array(sp.base, dtype=np.int64)
    dirs = np.array(sp.directions, dtype=np.int64)
    f1 = _Family(5, 3, base, dirs)
    moved = (base + dirs[0] + 2 * dirs[1]) % 3  # another point of the same affine space
    mixed = dirs.copy()
    mixed[0] = (dirs[0] + dirs[1]) % 3
    f2 = _Family(5, 3, moved, mixed[::-1].copy())
    assert family_key(f1) == family_key(f2)
    f3 = _Family(5, 3, base, dirs[:-1])
    assert family_key(f3) != family_key(f1)
    prob = AltSpaceProblem(5, 2, 3)
    assert prob.verify(f1) and prob.evaluate(f1) == sp.dimension


def test_is_maximal_and_table(tmp_path):
    assert is_maximal(extremal_space(3, 2, 2), 2) is True
    assert is_maximal(AffineAlternatingSpace(extremal_space(3, 2, 2).base, [], field=2), 2) is False
    assert is_maximal(extremal_space(8, 4, 2), 4) is None  # 2^28 candidates: not enumerated
    best = search_constant_rank(n=4, r=2, field=2, seed=1, time_limit=None, steps=10)
    path = save_best_table([best], tmp_path / "best.json")
    data = json.loads(path.read_text())
    assert data["F2"]["4,2"]["dimension"] == best.dimension
    rows = comparison_table(fields=(2, 3), cases=[(4, 2), (7, 4)])
    assert len(rows) == 4 and {r["formula"] for r in rows} == {2, 8}
    assert "| F2 | 4 | 2 | 2 |" in format_table(rows)


def test_tables_are_written_to_a_user_file_never_into_the_package(tmp_path, monkeypatch):
    """save_best_table / save_exact_table write ./altspaces_best.json by default and refuse a
    path inside the installed package (the shipped table is read-only reference data)."""
    import solvers

    shipped = Path(solvers.__file__).parent / "data" / "altspaces_best.json"
    before = shipped.read_bytes()
    monkeypatch.chdir(tmp_path)
    best = search_constant_rank(n=4, r=2, field=2, seed=1, time_limit=None, steps=10)
    path = save_best_table([best])
    assert path == Path(DEFAULT_TABLE) and (tmp_path / DEFAULT_TABLE).is_file()
    path = save_exact_table([exact_max_dimension(3, 2, 2)])
    data = json.loads((tmp_path / DEFAULT_TABLE).read_text())
    assert data["F2"]["4,2"]["dimension"] == best.dimension
    assert data["F2"]["3,2"]["proved"] is True and data["F2"]["3,2"]["dimension"] == 2
    for save, results in ((save_best_table, [best]), (save_exact_table, [exact_max_dimension(3, 2, 2)])):
        with pytest.raises(InvalidInputError, match="inside the installed package"):
            save(results, shipped)
        with pytest.raises(InvalidInputError, match="is a directory"):
            save(results, tmp_path)
    assert shipped.read_bytes() == before


def test_bad_arguments():
    for kw in ({"n": 4, "r": 3}, {"n": 4, "r": 6}, {"n": 4, "r": 2, "field": "Q"}, {"n": 4, "r": 2, "field": 16}):
        with pytest.raises(InvalidInputError):
            search_constant_rank(seed=0, steps=1, **{"field": 2, **kw})
    with pytest.raises(InvalidInputError):
        search_constant_rank(4, 2, 2, time_limit=None, steps=None)


def test_stored_best_table_is_verified():
    """Every family shipped in solvers/data/altspaces_best.json has the stated dimension and
    constant rank (exhaustive or certificate), and none beats a covered theorem."""
    from solvers.constant_rank import constant_rank_theory
    from solvers.constant_rank.theory import _best_table

    for fkey, slot in _best_table().items():
        p = int(fkey[1:])
        for nr, entry in slot.items():
            n, r = map(int, nr.split(","))
            sp = AffineAlternatingSpace.from_json(entry["space"])
            assert sp.dimension == entry["dimension"] and sp.field == p
            if p**sp.dimension <= 3 * 10**5:
                res = sp.constant_rank(max_points=3 * 10**5)
                assert res.is_constant and res.rank == r, (fkey, nr)
            th = constant_rank_theory(n, r, p)
            if th.covered:
                assert entry["dimension"] <= th.dimension


def test_exact_maxima_tiny_cases():
    """Proved maxima by exhaustive branch and bound (base point J_r + 0 by congruence).

    a(3, 2) = 2 over every field; over F2, a(4, 2) = 3 exceeds the formula value 2 (F2 is
    outside the theorem's field condition for n <= r + 2), while a(4, 4) = 2 matches it.
    """
    assert exact_max_dimension(3, 2, 3).dimension == 2
    e = exact_max_dimension(4, 2, 2)
    assert e.dimension == 3 and e.space.constant_rank().rank == 2
    assert exact_max_dimension(4, 4, 2).dimension == 2
    # over F3 the maximum is the formula value, as the elementary Klein-quadric argument of
    # solvers.constant_rank.theory proves for every field with |F| >= 3
    assert exact_max_dimension(4, 2, 3).dimension == 2 == max_constant_rank_dimension(4, 2, field=3)
    with pytest.raises(InvalidInputError):
        exact_max_dimension(6, 4, 3)  # 3^15 elements: too large


@pytest.mark.parametrize("method", ["tabu", "annealing"])
def test_generic_drivers(method):
    """The generic tabu / annealing drivers (search.drivers) run on the same problem."""
    best = search_constant_rank(n=4, r=2, field=2, seed=1, time_limit=None, steps=30, method=method)
    assert best.method == method and best.space.constant_rank().rank == 2 and best.dimension >= 2
    with pytest.raises(InvalidInputError):
        search_constant_rank(n=4, r=2, field=2, seed=1, steps=1, method="magic")
