"""disco cf family / cmf / identify --constants: exit codes and one-line errors."""

from __future__ import annotations

import json

from search.app.cli import main


def test_family_finds_apery(capsys):
    rc = main(["cf", "family", "--a", "(2n+1)(c1 n^2 + c1 n + c2)", "--b", "c3 n^6",
               "--param", "c1=16..18", "--param", "c2=4..6", "--param", "c3=-1",
               "--constants", "zeta(3)", "--json"])
    assert rc == 0
    d = json.loads(capsys.readouterr().out)
    assert d["hits"][0]["a"] == [5, 27, 51, 34]
    assert d["classes"][0]["label"]["kind"] == "known"


def test_family_bad_input(capsys):
    assert main(["cf", "family", "--a", "c n", "--b", "1", "--param", "c=3..1"]) == 2
    err = capsys.readouterr().err
    assert "--param" in err and len(err.strip().splitlines()) == 1
    assert main(["cf", "family", "--a", "y n", "--b", "1", "--param", "c=1..2"]) == 2
    assert "'y'" in capsys.readouterr().err


def test_cmf_zeta3(capsys):
    assert main(["cf", "cmf", "zeta(3)", "--depth", "60", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["conservative"] and d["label"]["kind"] == "equivalent"
    assert "zeta(3)" in d["identification"]["expression"]
    assert main(["cf", "cmf", "nope"]) == 2
    assert main(["cf", "cmf", "e", "--start", "1"]) == 2


def test_identify_user_constant(capsys):
    rc = main(["cf", "identify", "0.64209261593433070300641998659427", "--constants", "tan(1)"])
    assert rc == 0 and "tan(1)" in capsys.readouterr().out
    assert main(["cf", "identify", "0.642092615934330703", "--constants", "tan(q)"]) == 2
    assert "'q'" in capsys.readouterr().err


def test_cmf_trajectory_search(capsys):
    assert main(["cf", "cmf", "zeta(3)", "--search", "1", "--depth", "80", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    first = d["rows"][0]
    assert first["direction"] == [1, 1] and "zeta(3)" in first["expression"]
    assert first["label"]["formula"] == "6/zeta(3) (Apery)"
    assert main(["cf", "cmf", "e", "--search", "9"]) == 2


def test_eval_reports_delta_sequence_prediction_and_irrationality(capsys):
    assert main(["cf", "eval", "34n^3+51n^2+27n+5", "-n^6", "--digits", "20", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert [x["depth"] for x in d["delta_sequence"]] == [128, 256, 512, 1024, 2048]
    assert abs(d["predicted_delta"]["value"] - 0.0805) < 0.006     # Apery
    assert d["irrationality"] is None
    assert main(["cf", "eval", "2n+1", "-1", "--digits", "20", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["irrationality"]["method"] == "tietze"                 # cot(1), Lambert
