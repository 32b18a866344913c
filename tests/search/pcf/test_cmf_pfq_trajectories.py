"""Trajectory searches and `disco cf cmf pFq` on the hypergeometric fields of any (p, q):
3F2 at z = 1 finds its zeta(2) trajectory (3F2(1,1,1;2,3;1) = 2 zeta(2) - 2) and, from the
rational start (1, 1, 1/2, 3/2, 3/2), a Catalan one (3F2(1,1,1/2;3/2,3/2;1) = 2G); bad input
is one line and exit 2, a pole names itself, a divergent series is warned about."""

from __future__ import annotations

import json

import pytest

from engine.errors import InvalidInputError
from search.app.cli import main
from search.pcf.cmf_search import TrajectorySearchResult, pfq_default_start, trajectory_search


def test_3f2_search_finds_the_zeta2_trajectory_and_round_trips():
    r = trajectory_search("3F2", z=1, max_step=1, depth=100, constants=["zeta(2)"])
    assert r.field == "3F2" and r.z == "1" and len(r.rows) == 31
    top = r.rows[0]
    assert top["direction"] == [0, 0, 0, 1, 1] and "pi" in top["expression"]
    assert top["pcf"] is not None
    # trajectories whose limit is a plain rational are kept, flagged, not counted
    assert all(row["identification"] is None for row in r.rows[1:])
    assert any(row.get("rational") for row in r.rows)
    r.check()
    back = TrajectorySearchResult.from_json(json.loads(json.dumps(r.to_json())))
    assert back == r and back.is_valid()
    bad = dict(r.to_json())
    bad["rows"] = [dict(row) for row in r.rows]
    bad["rows"][0]["value"] = "0.5" + bad["rows"][0]["value"][3:]
    assert not TrajectorySearchResult.from_json(bad).is_valid()


@pytest.mark.slow
def test_rational_start_gives_catalan():
    r = trajectory_search("3F2", z=1, max_step=1, depth=80, digits=20, constants=["catalan"],
                          starts=[(1, 1, "1/2", "3/2", "3/2")])
    hits = [row for row in r.rows if row["identification"]]
    assert hits and hits[0]["start"] == [1, 1, "1/2", "3/2", "3/2"]
    assert "catalan" in hits[0]["expression"].lower()
    assert r.is_valid()


def test_search_hostile_input():
    with pytest.raises(InvalidInputError, match="max_step"):
        trajectory_search("3F2", z=1, max_step=3)
    with pytest.raises(InvalidInputError, match="field"):
        trajectory_search("3G2")
    with pytest.raises(InvalidInputError, match="starts"):
        trajectory_search("3F2", z=1, max_step=1, starts=[(1, 2)])
    with pytest.raises(InvalidInputError, match="z"):
        trajectory_search("zeta(3)", z=1)
    assert pfq_default_start(4, 3) == (1, 1, 1, 1, 2, 3, 4)


def test_cli_3f2_default_is_zeta2(capsys):
    assert main(["cf", "cmf", "3F2", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["field"] == "3F2(a;b;1)" and d["conservative"]
    assert d["start"] == [1, 1, 1, 2, 3] and d["direction"] == [0, 0, 0, 1, 1]
    assert "pi" in d["identification"]["expression"] and d["pcf"] is not None


def test_cli_catalan_from_a_rational_start(capsys):
    assert main(["cf", "cmf", "3F2", "--start", "1,1,1/2,3/2,3/2", "--constants",
                 "catalan"]) == 0
    out = capsys.readouterr().out
    assert "(1, 1, 1/2, 3/2, 3/2)" in out and "catalan" in out.split("identified:")[1]


def test_cli_larger_fields_and_search(capsys):
    assert main(["cf", "cmf", "4F3", "--depth", "60"]) in (0, 1)
    out = capsys.readouterr().out
    assert "4F3(a;b;1): conservative" in out and "3x3" in out
    assert main(["cf", "cmf", "3F2", "--z", "1/2", "--depth", "60"]) in (0, 1)
    assert "PCF: none (3x3 field)" in capsys.readouterr().out
    assert main(["cf", "cmf", "3F2", "--search", "1", "--depth", "80", "--constants",
                 "zeta(2)"]) == 0
    assert "direction (0, 0, 0, 1, 1)" in capsys.readouterr().out


def test_cli_errors_are_one_line(capsys):
    for argv in (["9F9"], ["3F2", "--z", "0"], ["3F2", "--z", "pi"], ["3F2", "--start", "1,2"],
                 ["3F2", "--start", "1,1,1,2,x"], ["3F2", "--direction", "0,0,0,-1,1"],
                 ["3F2", "--search", "3"], ["2F1", "--z", "1"], ["0F0"]):
        assert main(["cf", "cmf", *argv]) == 2, argv
    err = capsys.readouterr().err
    assert all(line.startswith("disco: error:") and len(line) < 400 for line in err.splitlines())
    # a trajectory through a pole: exit 1, naming the matrix, the point and the factor
    assert main(["cf", "cmf", "3F2", "--start", "1,1,1,1,2", "--direction", "1,1,1,1,1"]) == 1
    err = capsys.readouterr().err
    assert "pole" in err and "(2, 2, 2, 2, 2)" in err and "a3 - b" in err
    # outside the disc of convergence: warned (with the reason), still walked
    assert main(["cf", "cmf", "3F2", "--z", "2", "--depth", "40"]) in (0, 1)
    err = capsys.readouterr().err
    assert "warning" in err and "|z| <= 1" in err
