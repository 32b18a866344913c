"""Lift campaigns: distinct rank-r schemes mod 2 / mod 3, each tried for Hensel lifting, on the runner."""

from __future__ import annotations

import json

import pytest

from engine.errors import InvalidInputError
from engine.schemes import Scheme
from search.app.cli import main
from search.flipgraph.lift_campaign import LiftCampaignResult, lift_campaign


def _f2_333_23() -> Scheme:
    from search.flipgraph import flip_search

    return flip_search((3, 3, 3), ring="F2", target_rank=23, seed=1, max_flips=20_000_000, progress=False).scheme


def test_strassen_mod_2_lifts_to_the_integers():
    res = lift_campaign(Scheme.strassen().with_ring("F2"), to="Z", seed=1, max_flips=4000, between=500,
                        progress=False)
    assert res.tried >= 1 and res.lifted >= 1 and res.is_valid()
    assert all(s.rank == 7 and s.is_valid("Z") for s in res.schemes)


def test_a_campaign_counts_distinct_schemes_and_says_why_each_failed():
    res = lift_campaign(_f2_333_23(), to="Z", seed=1, max_flips=60_000, between=2000, progress=False)
    assert res.tried >= 3  # several distinct rank-23 schemes up to symmetry
    assert res.lifted + len(res.failures) == res.tried == len({f[0] for f in res.failures}) + res.lifted
    assert all(reason for _, _, reason in res.failures)
    assert sum(res.reasons.values()) == len(res.failures)
    for s in res.schemes:  # the oracle: exact Brent equations over Z, rank 23
        assert s.rank == 23 and s.is_valid("Z")
    text = res.report()
    assert f"{res.tried} distinct schemes" in text and "lifted" in text
    back = LiftCampaignResult.from_json(json.loads(json.dumps(res.to_json())))
    assert back.is_valid() and back.tried == res.tried


def test_a_campaign_resumes_from_its_checkpoint(tmp_path):
    ck = tmp_path / "c.ck"
    start = _f2_333_23()
    a = lift_campaign(start, to="Q", seed=3, max_flips=20_000, between=2000, checkpoint=ck, progress=False)
    b = lift_campaign(start, to="Q", seed=3, max_flips=40_000, between=2000, checkpoint=ck, resume=True,
                      progress=False)
    assert b.flips >= a.flips and b.tried >= a.tried and b.is_valid()
    assert {f[0] for f in a.failures} <= {f[0] for f in b.failures}


@pytest.mark.parametrize("kw,match", [({"to": "F2"}, "to="), ({"walkers": 0}, "walkers"), ({"between": True}, "between")])
def test_bad_arguments_are_named(kw, match):
    with pytest.raises(InvalidInputError, match=match):
        lift_campaign(Scheme.strassen().with_ring("F2"), max_flips=10, **kw)


def test_a_start_over_the_integers_is_refused():
    with pytest.raises(InvalidInputError, match="F2 or F3"):
        lift_campaign(Scheme.strassen(), max_flips=10)


def test_cli_lift_campaign_reports_and_exits_0_when_a_scheme_lifts(tmp_path, capsys):
    f = tmp_path / "s.exp"
    Scheme.strassen().with_ring("F2").save(f)
    assert main(["mm", "lift-campaign", str(f), "--to", "Z", "--seed", "1", "--steps", "3000", "--between", "500",
                 "--no-store", "-q"]) == 0
    assert "distinct schemes (up to symmetry) tried" in capsys.readouterr().out
    assert main(["mm", "lift-campaign", str(f), "--target", "6", "--no-store"]) == 2


def test_a_campaign_keeps_its_time_limit():
    import time

    start = _f2_333_23()
    t0 = time.perf_counter()
    res = lift_campaign(start, to="Z", seed=5, time_limit=1.0, between=1000, progress=False)
    assert res.stop_reason.value == "time_limit" and time.perf_counter() - t0 < 6.0 and res.is_valid()
