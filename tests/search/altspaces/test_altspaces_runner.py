"""search_constant_rank on the runner: budgets, warm starts, the store key and payloads that
rebuild and re-verify, and what a tampered payload looks like to verify_payload.

Oracles: a(4, 2; F2) = 3 (exhaustive branch and bound, ``exact_max_dimension``), the
theorem's construction ``extremal_space`` (constant rank by the theorem, re-decided
exhaustively here).
"""

from __future__ import annotations

import copy

import pytest

from engine.errors import InfeasibleError, InvalidInputError, VerificationError
from search.altspaces import (
    AltSpaceProblem,
    AltSpaceSearchResult,
    exact_max_dimension,
    family_key,
    search_constant_rank,
    verify_payload,
)
from search.altspaces.search import _family_from_space
from search.core import Budget, StopReason
from search.store import ResultsStore
from solvers.constant_rank import AffineAlternatingSpace, extremal_space


def test_budget_and_shorthands_agree():
    a = search_constant_rank(6, 6, 2, budget=Budget(steps=25), seed=4, check_maximal=False)
    b = search_constant_rank(6, 6, 2, steps=25, time_limit=None, seed=4, check_maximal=False)
    assert a.steps == b.steps == 25 and a.space == b.space
    assert a.stop_reason is StopReason.STEP_BUDGET
    with pytest.raises(InvalidInputError, match="contradicts"):
        search_constant_rank(5, 4, 2, budget=Budget(steps=25), steps=30)
    with pytest.raises(InfeasibleError, match="proved greatest dimension"):
        search_constant_rank(4, 2, 2, steps=10, target=4)


def test_warm_start_from_a_known_maximum():
    best = exact_max_dimension(4, 2, 2).space  # dimension 3 = a(4, 2; F2)
    for method in ("walk", "tabu", "annealing"):
        res = search_constant_rank(4, 2, 2, steps=5, time_limit=None, seed=0, initial=best,
                                   method=method)
        assert res.dimension == 3 and res.stop_reason is StopReason.TARGET_REACHED, method
    with pytest.raises(InvalidInputError, match="initial is 4x4 over 3"):
        search_constant_rank(4, 2, 2, steps=5, initial=extremal_space(4, 2, field=3))
    E01 = [[0, 1, 0, 0], [-1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]
    with_zero = AffineAlternatingSpace([[0] * 4 for _ in range(4)], [E01], field=2)
    with pytest.raises(InvalidInputError, match="constant rank 2"):
        search_constant_rank(4, 2, 2, steps=5, initial=with_zero)


def test_stored_payloads_rebuild_and_reverify(tmp_path):
    db = tmp_path / "a.db"
    res = search_constant_rank(5, 4, 2, steps=40, time_limit=None, seed=1, store=db)
    rows = ResultsStore(db).results(domain="altspaces")
    assert rows and max(r.score for r in rows) == res.dimension
    prob = AltSpaceProblem(5, 4, 2)
    for r in rows:
        fam = prob.from_json(r.payload)
        assert family_key(fam) == r.key and prob.verify(fam)
        verify_payload(r.payload, r.key)
    edited = copy.deepcopy(rows[0].payload)
    edited["dimension"] += 1
    with pytest.raises(VerificationError, match="dimension"):
        verify_payload(edited, rows[0].key)
    with pytest.raises(VerificationError, match="key"):
        verify_payload(rows[0].payload, "n5-F2-d6-0000000000000000")
    zero = dict(rows[0].payload)
    sp = AffineAlternatingSpace.from_json(zero["space"])
    zero["space"] = AffineAlternatingSpace([[0] * 5 for _ in range(5)], sp.directions,
                                           field=2).to_json()  # contains the zero matrix
    with pytest.raises(VerificationError, match="constant rank"):
        verify_payload(zero, rows[0].key)


def test_result_json_round_trip_and_exact_check():
    res = search_constant_rank(4, 2, 2, steps=200, time_limit=None, seed=1)
    back = AltSpaceSearchResult.from_json(res.to_json())
    assert back == res and back.stop_reason is StopReason.TARGET_REACHED
    back.check()
    fam = _family_from_space(res.space)
    assert family_key(fam) == AltSpaceProblem(4, 2, 2).key(fam)
    with pytest.raises(VerificationError):
        AltSpaceSearchResult.tampered().check()
