"""``disco mm search FORMAT --ring F2 --lift Z|Q`` (search mod p, then Hensel lifting) and ``--split``."""

import json

import pytest

from engine.schemes import Scheme
from search.cli import main
from search.store import ResultsStore


def test_search_and_lift_to_z_writes_a_verified_integer_scheme(tmp_path, capsys):
    out = tmp_path / "s.json"
    db = tmp_path / "d.db"
    code = main(["mm", "search", "2x2x3", "--ring", "F2", "--lift", "Z", "--target", "11", "--seed", "1",
                 "--time-limit", "60", "-o", str(out), "--db", str(db), "--quiet"])
    assert code == 0
    s = Scheme.load(out)
    assert s.rank == 11 and s.is_valid("Z") and s.ring in ("Z", "ZT")
    assert "lifted to Z" in capsys.readouterr().out
    st = ResultsStore(str(db))
    runs = st.runs("flipgraph.bilinear")
    assert len(runs) == 1 and runs[0].params["lift_to"] == "Z"
    rows = st.run_results(runs[0].id)  # each improvement over F2 and the lifted scheme
    lifted = [r for r in rows if r.payload["ring"] in ("Z", "ZT") and r.payload["rank"] == 11]
    assert rows and all(r.verified for r in rows) and lifted


def test_search_and_lift_json_default_target_is_the_record(tmp_path, capsys):
    code = main(["mm", "search", "2x2x2", "--lift", "q", "--seed", "3", "--time-limit", "60", "--json", "--no-store"])
    assert code == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["target_rank"] == 7 and rep["reached"] and rep["field"] == "F2" and rep["lift_to"] == "Q"


@pytest.mark.parametrize("argv, msg", [
    (["mm", "search", "3x3x3", "--ring", "ZT", "--lift", "Z"], "F2 or F3"),
    (["mm", "search", "3x3x3", "--split", "1.5"], "--split"),
    (["mm", "search", "--lift", "Z"], "format"),
    (["mm", "search", "3x3x3", "--lift", "Z", "--resume"], "--checkpoint"),
])
def test_lift_and_split_bad_input_is_one_line(argv, msg, capsys):
    assert main([*argv, "--no-store"]) == 2
    err = capsys.readouterr().err
    assert msg in err and "Traceback" not in err and err.count("\n") == 1


def test_split_option_reaches_the_search(tmp_path, capsys):
    code = main(["mm", "search", "2x2x3", "--ring", "ZT", "--target", "11", "--seed", "1", "--split", "0.5",
                 "--json", "--no-store"])
    assert code == 0
    assert json.loads(capsys.readouterr().out)["split"] == 0.5


def test_search_and_lift_to_zt(tmp_path, capsys):
    out = tmp_path / "t.json"
    code = main(["mm", "search", "3x3x3", "--ring", "F2", "--lift", "ZT", "--target", "23", "--seed", "1",
                 "--time-limit", "120", "-o", str(out), "--no-store", "--quiet"])
    assert code == 0
    s = Scheme.load(out)
    assert s.rank == 23 and s.ring == "ZT" and s.is_valid("ZT")
    assert main(["mm", "search", "--structure", "kg", "--n", "3", "--lift", "ZT", "--no-store"]) == 2
    assert "matrix formats" in capsys.readouterr().err


def test_mm_lift_to_zt(tmp_path):
    src = tmp_path / "f2.json"
    Scheme.laderman().with_ring("F2").save(src)
    out = tmp_path / "zt.json"
    assert main(["mm", "lift", str(src), "--to", "ZT", "-o", str(out)]) == 0
    assert Scheme.load(out).is_valid("ZT")
