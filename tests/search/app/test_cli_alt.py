"""Tests for the ``disco alt`` CLI (exit codes: 0 ok, 2 bad input)."""

import json

from search.cli import main


def run(capsys, argv):
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_rank_and_pfaffian(tmp_path, capsys):
    f = tmp_path / "m.json"
    f.write_text("[[0,1,2,3],[-1,0,4,5],[-2,-4,0,6],[-3,-5,-6,0]]")
    code, out, _ = run(capsys, ["alt", "rank", str(f), "--json"])
    assert code == 0 and json.loads(out) == {"n": 4, "field": "Q", "rank": 4, "pfaffian": 8}
    code, out, _ = run(capsys, ["alt", "rank", str(f), "--field", "F2", "--json"])
    assert json.loads(out)["rank"] == 2


def test_check_extremal_search_table(tmp_path, capsys):
    sp = tmp_path / "s.json"
    code, out, _ = run(capsys, ["alt", "extremal", "--n", "5", "--r", "2", "--field", "3", "--verify", "-o", str(sp), "--json"])
    data = json.loads(out)
    assert code == 0 and data["theory"]["dimension"] == 3 and data["verification"]["status"] == "constant"
    code, out, _ = run(capsys, ["alt", "check", str(sp), "--field", "F3", "--json"])
    assert code == 0 and json.loads(out)["is_constant"] is True
    code, out, _ = run(capsys, ["alt", "check", str(sp), "--field", "Q"])
    assert code == 0 and "constant rank 2" in out
    code, out, _ = run(capsys, ["alt", "extremal", "--n", "4", "--r", "2", "--field", "F2"])
    assert code == 0 and "not covered" in out
    db = tmp_path / "d.db"
    code, out, _ = run(capsys, ["alt", "search", "--n", "4", "--r", "2", "--field", "F2", "--steps", "10",
                                "--time-limit", "60", "--db", str(db), "--json"])
    res = json.loads(out)
    assert code == 0 and res["dimension"] >= 2 and res["space"]["n"] == 4
    code, out, _ = run(capsys, ["alt", "table", "--fields", "2", "--json"])
    assert code == 0 and any(row["n"] == 7 and row["r"] == 4 for row in json.loads(out))


def test_bad_input_exit_codes(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("[[0,1],[2,0]]")
    code, _, err = run(capsys, ["alt", "rank", str(bad)])
    assert code == 2 and "entry (1, 0)" in err and "Traceback" not in err
    code, _, err = run(capsys, ["alt", "extremal", "--n", "4", "--r", "3"])
    assert code == 2 and "even" in err
    code, _, err = run(capsys, ["alt", "check", str(tmp_path / "missing.json")])
    assert code == 2 and "does not exist" in err
    code, _, err = run(capsys, ["alt", "search", "--n", "4", "--r", "2", "--field", "F25", "--steps", "1"])
    assert code == 2 and "prime power above 9" in err
    dep = tmp_path / "dep.json"
    dep.write_text(json.dumps({"n": 3, "field": "Q", "base": [[0, 1, 0], [-1, 0, 0], [0, 0, 0]],
                               "directions": [[[0, 0, 1], [0, 0, 0], [-1, 0, 0]], [[0, 0, 2], [0, 0, 0], [-2, 0, 0]]]}))
    code, _, err = run(capsys, ["alt", "check", str(dep)])
    assert code == 2 and "linearly dependent" in err
