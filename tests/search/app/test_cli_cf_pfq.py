"""disco cf cmf 2F1 / 1F1: the hypergeometric fields from the command line (exact
conservativity, a trajectory identified with log 2 or e, one-line errors)."""

from __future__ import annotations

import json

from search.app.cli import main


def test_cmf_2f1_log2(capsys):
    assert main(["cf", "cmf", "2F1", "--z", "-1", "--start", "1,1,3", "--direction", "1,1,1",
                 "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["conservative"] and "log(2)" in d["identification"]["expression"]
    assert d["pcf"]["a"] == [9, 3] and d["label"]["kind"] in ("known", "equivalent")


def test_cmf_1f1_e(capsys):
    assert main(["cf", "cmf", "1F1", "--depth", "120"]) == 0
    out = capsys.readouterr().out
    assert "1F1(a;c;1): conservative" in out and "e" in out.split("identified:")[1]


def test_cmf_pfq_errors(capsys):
    assert main(["cf", "cmf", "2F1", "--start", "1,1"]) == 2
    assert main(["cf", "cmf", "2F1", "--z", "1"]) == 2
    assert main(["cf", "cmf", "2F1", "--z", "pi"]) == 2
    assert main(["cf", "cmf", "1F1", "--search", "1"]) == 2
    assert main(["cf", "cmf", "e", "--z", "1/2"]) == 2
    assert main(["cf", "cmf", "1F1", "--start", "1,2", "--direction", "1,1"]) == 1
    err = capsys.readouterr().err
    assert all(len(line) < 400 for line in err.splitlines())
