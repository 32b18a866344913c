"""Tests of the ``disco mm`` CLI (search, verify, lift, export, convert, known)."""

import json

import numpy as np

from engine.schemes import Scheme
from search.cli import main


def test_search_writes_json_and_refuses_overwrite(tmp_path, capsys):
    out = tmp_path / "s.json"
    db = str(tmp_path / "d.db")
    code = main(["mm", "search", "3x3x3", "--ring", "ZT", "--target", "23", "--seed", "1",
                 "--time-limit", "60", "--max-flips", "5000000", "-o", str(out), "--db", db, "--quiet"])
    assert code == 0
    data = json.loads(out.read_text())
    assert data["format"] == [3, 3, 3] and data["rank"] == 23 and data["ring"] == "ZT"
    assert Scheme.load(out).is_valid("ZT")
    before = out.read_text()
    code = main(["mm", "search", "3x3x3", "--target", "23", "-o", str(out), "--db", db])
    assert code == 2 and out.read_text() == before
    assert "already exists" in capsys.readouterr().err


def test_search_json_and_unreached(tmp_path, capsys):
    code = main(["mm", "search", "2x2x2", "--ring", "F2", "--target", "7", "--seed", "2", "--json",
                 "--db", str(tmp_path / "d.db")])
    assert code == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["reached"] and rep["scheme"]["rank"] == 7
    code = main(["mm", "search", "3x3x3", "--target", "22", "--max-flips", "1000", "--no-store", "--quiet"])
    assert code == 1


def test_impossible_target_exit_code(capsys):
    assert main(["mm", "search", "2x2x2", "--target", "6", "--no-store"]) == 3
    err = capsys.readouterr().err
    assert "lower bound 7" in err and "Traceback" not in err


def test_verify_lift_export_convert(tmp_path, capsys):
    f2 = tmp_path / "f2.json"
    Scheme.strassen().with_ring("F2").save(f2)
    assert main(["mm", "verify", str(f2), "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["valid"]["F2"] and rep["smallest_ring"] == "ZT" or rep["valid"]["F2"]
    z = tmp_path / "z.json"
    assert main(["mm", "lift", str(f2), "--to", "Z", "-o", str(z)]) == 0
    assert Scheme.load(z).is_valid("Z")
    capsys.readouterr()
    assert main(["mm", "export", str(z), "--lang", "python", "--name", "mult"]) == 0
    code = capsys.readouterr().out
    ns = {}
    exec(code, ns)
    A, B = np.array([[1, -2], [3, 4]]), np.array([[5, 6], [-7, 8]])
    assert (ns["mult"](A, B) == A @ B).all()
    assert main(["mm", "export", str(z), "--lang", "readable"]) == 0
    assert capsys.readouterr().out.startswith("m1 = ")
    txt = tmp_path / "z.txt"
    assert main(["mm", "convert", str(z), str(txt)]) == 0
    assert main(["mm", "convert", str(txt), str(tmp_path / "z.npz"), "--json"]) == 0
    assert Scheme.load(tmp_path / "z.npz") == Scheme.load(z)
    assert main(["mm", "convert", str(z), str(txt)]) == 2  # exists, no --force


def test_verify_failure_and_malformed(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    s = Scheme.strassen()
    u = s.u.tolist()
    u[0][0] = -1
    bad.write_text(json.dumps({"format": [2, 2, 2], "rank": 7, "ring": "ZT", "u": u, "v": s.v.tolist(), "w": s.w.tolist()}))
    assert main(["mm", "verify", str(bad)]) == 1
    assert "Brent equation" in capsys.readouterr().err
    assert main(["mm", "verify", str(bad), "--ring", "F2"]) == 0
    junk = tmp_path / "junk.json"
    junk.write_text("{")
    assert main(["mm", "verify", str(junk)]) == 2
    assert main(["mm", "lift", str(tmp_path / "nope.json")]) == 2


def test_known(capsys):
    assert main(["mm", "known", "4x4x4", "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["F2"] == 47 and rep["ZT"] == 49


def test_targets_below_the_mod2_bounds(capsys):
    """3x3x3: the cited 2026 bound mod 2 is 21. Over F2 a target of 20 is refused (exit 3);
    over ZT the search runs to its budget (exit 1) after a warning that reduction mod 2 makes
    the target unreachable."""
    assert main(["mm", "search", "3x3x3", "--ring", "F2", "--target", "20", "--no-store"]) == 3
    assert "lower bound 21" in capsys.readouterr().err
    assert main(["mm", "search", "3x3x3", "--ring", "ZT", "--target", "20", "--seed", "1",
                 "--max-flips", "200000", "--no-store"]) == 1
    out = capsys.readouterr()
    assert "warning: --target 20 is below 21" in out.err and "M flips/s" in out.out + out.err
