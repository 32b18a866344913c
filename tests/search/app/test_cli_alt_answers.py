"""``disco alt`` says what the library knows: exit codes per answer, the largest verified space
and whether it is proved, the table, help text without markup, F4/F8/F9 input.

Oracles: a(4, 2; F2) = 3 (exhaustive), a(7, 4; Q) = 8 (Rubei; de Seguins Pazzis), the
Frobenius space over F3 (dimension 7 at (6, 4)) and over F4 (Pfaffian t^4 - t), the quaternion
plane (Pfaffian 1 + t^2 + u^2 > 0)."""

from __future__ import annotations

import json

import pytest

from search.cli import main
from solvers.constant_rank import frobenius_space, quaternion_plane


def run(capsys, argv):
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def write(tmp_path, name, obj):
    p = tmp_path / name
    p.write_text(json.dumps(obj))
    return str(p)


def test_no_subcommand_prints_help_and_exits_2(capsys):
    code, out, _ = run(capsys, ["alt"])
    assert code == 2 and "SUBCOMMAND" in out and "extremal" in out


@pytest.mark.parametrize("sub", [[], ["check"], ["extremal"], ["table"], ["search"], ["rank"]])
def test_help_has_no_markup(capsys, sub):
    try:
        code = main(["alt", *sub, "--help"])
    except SystemExit as exc:  # argparse's own exit, where main does not catch it
        code = exc.code
    out = capsys.readouterr().out
    assert code == 0 and "usage:" in out
    assert "``" not in out and ":func:" not in out and ":class:" not in out and ":mod:" not in out


def test_check_exit_codes(tmp_path, capsys):
    const = write(tmp_path, "q.json", quaternion_plane().to_json())
    code, out, _ = run(capsys, ["alt", "check", const])
    assert code == 0 and "constant rank 4" in out and "anisotropic over R" in out
    E = [[0, 1], [-1, 0]]
    notc = write(tmp_path, "n.json", {"field": "Q", "base": E, "directions": [E]})  # rank 0 at t = -1
    code, out, _ = run(capsys, ["alt", "check", notc])
    assert code == 3 and "NOT constant" in out
    code, out, _ = run(capsys, ["alt", "check", notc, "--field", "F5", "--method", "exhaustive", "--max-points", "1"])
    assert code == 1 and "undecided" in out
    code, out, _ = run(capsys, ["alt", "check", const, "--json"])
    assert code == 0 and json.loads(out)["status"] == "constant"


def test_check_symbolic_uses_pointwise_vanishing(tmp_path, capsys):
    f = write(tmp_path, "f4.json", frobenius_space(6, 4).to_json())
    code, out, _ = run(capsys, ["alt", "check", f, "--method", "symbolic"])
    assert code == 0 and "constant rank 6" in out and "vanish at every point" in out
    f3 = write(tmp_path, "f3.json", frobenius_space(4, 3).to_json())
    code, out, _ = run(capsys, ["alt", "check", f3])
    assert code == 0 and "exhaustive: all 2187 points" in out and "exhaustive: exhaustive" not in out


def test_extremal_prints_largest_verified_and_proof_status(tmp_path, capsys):
    code, out, _ = run(capsys, ["alt", "extremal", "--n", "6", "--r", "4", "--field", "F3"])
    assert code == 0 and "dimension 7" in out and "Frobenius" in out and "not proved: 7 <= a(6, 4)" in out
    code, out, _ = run(capsys, ["alt", "extremal", "--n", "4", "--r", "2", "--field", "F2"])
    assert code == 0 and "proved: a(4, 2) over F2 = 3" in out
    code, out, _ = run(capsys, ["alt", "extremal", "--n", "7", "--r", "4", "--field", "Q", "--json"])
    data = json.loads(out)
    assert data["dimension"] == 8 and data["proved"] is True and data["verification"]["status"] == "constant"
    code, out, _ = run(capsys, ["alt", "extremal", "--n", "5", "--r", "4", "--field", "F9"])
    assert code == 0 and "over F9: dimension 6" in out and "None" not in out
    assert "proved: a(5, 4) over F9 = 6" in out  # deletion bound a(4, 4) + 4 = 2 + 4
    printed = out.strip().splitlines()[-1].split(": ", 1)[1]
    f = tmp_path / "printed.json"
    f.write_text(printed)
    code, out, _ = run(capsys, ["alt", "check", str(f)])
    assert code == 0 and "constant rank 4" in out and "over F9" in out


def test_search_text_has_no_none(tmp_path, capsys):
    code, out, _ = run(capsys, ["alt", "search", "--n", "4", "--r", "2", "--field", "F3", "--steps", "5",
                                "-q", "--db", str(tmp_path / "s.db")])
    assert "maximal: None" not in out and "None" not in out


def test_table_sorted_proved_apart_and_exports(tmp_path, capsys):
    csvf, tex, sage = tmp_path / "t.csv", tmp_path / "t.tex", tmp_path / "t.sage"
    code, out, _ = run(capsys, ["alt", "table", "--fields", "4,2,Q", "--max-n", "4", "--csv", str(csvf),
                                "--latex", str(tex), "--sage", str(sage)])
    assert code == 0
    head = out.splitlines()[0]
    assert head.index("Q") < head.index("F2") < head.index("F4")
    assert "proved values:" in out and "bounds only" in out and "F2:4:2: 3 > 2" in out
    assert csvf.read_text().startswith("field,n,r") and "tabular" in tex.read_text() and "check_space" in sage.read_text()
    code, out, err = run(capsys, ["alt", "table", "--fields", "2", "--max-n", "3", "--csv", str(csvf)])
    assert code == 2 and "--force" in err  # never overwritten without --force
    code, out, _ = run(capsys, ["alt", "table", "--fields", "2", "--max-n", "7", "--json"])
    rows = json.loads(out)
    assert code == 0 and any(r["n"] == 8 and r["r"] == 6 for r in rows)  # stored results are covered
    assert [(r["n"], r["r"]) for r in rows] == sorted((r["n"], r["r"]) for r in rows)


@pytest.mark.parametrize("argv, words", [
    (["alt", "table", "--fields", "6"], "not a prime power"),
    (["alt", "table", "--fields", "16"], "prime power above 9"),
    (["alt", "table", "--max-n", "0"], "--max-n"),
    (["alt", "extremal", "--n", "4", "--r", "2", "--field", "27"], "prime power above 9"),
])
def test_bad_input_one_line(capsys, argv, words):
    code, _, err = run(capsys, argv)
    assert code == 2 and words in err and len(err.strip().splitlines()) == 1


def test_bad_elements_over_f9_named(tmp_path, capsys):
    f = write(tmp_path, "bad.json", {"field": 9, "base": [[0, 9], [0, 0]], "directions": []})
    code, _, err = run(capsys, ["alt", "check", f])
    assert code == 2 and "entry (0, 1) = 9 is not an element of F9" in err
    g = write(tmp_path, "bad2.json", {"field": "F4", "base": [[0, 1], [2, 0]], "directions": []})
    code, _, err = run(capsys, ["alt", "check", g])
    assert code == 2 and "not alternating over F4" in err
    m = write(tmp_path, "m.json", [[0, 3], [3, 0]])
    code, out, _ = run(capsys, ["alt", "rank", m, "--field", "F4", "--json"])
    assert code == 0 and json.loads(out)["rank"] == 2
