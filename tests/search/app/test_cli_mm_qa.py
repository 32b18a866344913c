"""QA regressions for ``disco mm`` (rings, file forms, mod-p export, ``--structure``) and ``flip_search`` input checks."""

import json

import numpy as np
import pytest

from engine.errors import InvalidInputError
from engine.schemes import Scheme
from search.cli import main
from search.flipgraph import flip_search


@pytest.mark.parametrize("kw", [
    {"time_limit": -1}, {"time_limit": 0}, {"time_limit": float("nan")}, {"time_limit": "5"},
    {"seed": "a"}, {"seed": -3}, {"seed": 1.5}, {"max_flips": 0}, {"max_flips": -10}, {"max_flips": 2.5},
])
def test_flip_search_rejects_bad_budget_and_seed(kw):
    args = dict(ring="ZT", target_rank=7, seed=1, max_flips=1000)
    args.update(kw)
    with pytest.raises(InvalidInputError) as exc:
        flip_search((2, 2, 2), **args)
    name = next(iter(kw))
    assert name in str(exc.value)


# ----------------------------------------------------------------------------- CLI

def _f3_only():
    # Strassen (1969) mod 3, sandwiched by matrices invertible mod 3 only: valid over F3 alone
    s = Scheme.strassen().with_ring("F3").sandwich([[2, 0], [0, 1]], [[1, 1], [0, 2]], [[1, 0], [0, 1]])
    assert s.smallest_ring() == "F3"
    return s


def _one_line_error(capsys, *parts):
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    for part in parts:
        assert part in err, err
    return err


@pytest.mark.parametrize("cmd", ["verify", "convert", "export", "lift"])
@pytest.mark.parametrize("ring", ["F5", "R"])
def test_bad_ring_is_one_line_exit_2(tmp_path, capsys, cmd, ring):
    f = tmp_path / "s.json"
    Scheme.strassen().save(f)
    argv = ["mm", cmd, str(f)] + ([str(tmp_path / "o.json")] if cmd == "convert" else []) + ["--ring", ring]
    assert main(argv) == 2
    _one_line_error(capsys, "--ring", repr(ring))
    assert not (tmp_path / "o.json").exists()


def test_search_bad_ring_and_budget(capsys):
    assert main(["mm", "search", "2x2x2", "--ring", "F5", "--no-store"]) == 2
    _one_line_error(capsys, "--ring")
    assert main(["mm", "search", "2x2x2", "--time-limit", "-5", "--no-store", "--quiet"]) == 2
    _one_line_error(capsys, "time_limit=-5")


def test_convert_and_verify_keep_the_ring_of_text_files(tmp_path, capsys):
    s = _f3_only()
    txt = tmp_path / "f3.txt"
    txt.write_text(s.to_text())  # as another tool writes it: no ring recorded
    out = tmp_path / "out.json"
    assert main(["mm", "convert", str(txt), str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["ring"] == "F3"
    assert json.loads(out.read_text())["ring"] == "F3" and Scheme.load(out).is_valid()
    assert main(["mm", "verify", str(txt), "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["claimed_ring"] == "F3" and rep["smallest_ring"] == "F3"
    # explicit --ring: refused as invalid (first failing equation), or with --no-verify
    # the claim is written as given, and verify reports it invalid
    q = tmp_path / "q.json"
    assert main(["mm", "convert", str(txt), str(q), "--ring", "Q"]) == 1
    _one_line_error(capsys, "Brent equation")
    assert not q.exists()
    assert main(["mm", "convert", str(txt), str(q), "--ring", "Q", "--no-verify"]) == 0
    capsys.readouterr()
    assert json.loads(q.read_text())["ring"] == "Q"
    assert main(["mm", "verify", str(q)]) == 1
    _one_line_error(capsys, "Brent equation")
    # text -> flat -> npz keeps F3
    flat = tmp_path / "f3.flat"
    assert main(["mm", "convert", str(txt), str(flat)]) == 0
    assert flat.read_text().splitlines()[-1] == "# ring: F3"
    assert main(["mm", "convert", str(flat), str(tmp_path / "f3.npz")]) == 0
    assert Scheme.load(tmp_path / "f3.npz") == s


def test_convert_f2_flat_and_unknown_suffix(tmp_path, capsys):
    flat = tmp_path / "f2.flat"
    flat.write_text(Scheme.strassen().with_ring("F2").to_flat() + "\n")
    out = tmp_path / "f2.json"
    assert main(["mm", "convert", str(flat), str(out)]) == 0
    assert json.loads(out.read_text())["ring"] == "F2"
    bad = tmp_path / "x.xyz"
    assert main(["mm", "convert", str(flat), str(bad)]) == 2
    _one_line_error(capsys, ".xyz", ".json", ".npz", ".txt", ".flat")
    assert not bad.exists()
    assert main(["mm", "convert", str(flat), str(bad), "--to", "json"]) == 0
    assert Scheme.load(bad).ring == "F2"


def test_invalid_ringless_file_reports_the_brent_equation(tmp_path, capsys):
    s = Scheme.strassen()
    u = s.u.copy()
    u[0, 0] = 0
    txt = tmp_path / "bad.txt"
    txt.write_text(Scheme((2, 2, 2), u, s.v, s.w).to_text())
    assert main(["mm", "verify", str(txt)]) == 1
    _one_line_error(capsys, "Brent equation", "valid in none")


@pytest.mark.parametrize("p", [2, 3])
def test_export_of_prime_field_scheme_reduces_mod_p(tmp_path, capsys, p):
    s = Scheme.strassen().with_ring("F2") if p == 2 else _f3_only()
    txt = tmp_path / "s.txt"
    txt.write_text(s.to_text())  # ring-less: inferred F2 / F3
    assert main(["mm", "export", str(txt), "--lang", "python", "--name", "mult"]) == 0
    code = capsys.readouterr().out
    assert f"(A @ B) % {p}" in code
    ns: dict = {}
    exec(code, ns)
    rng = np.random.default_rng(p)
    for _ in range(5):
        A, B = rng.integers(-20, 20, (2, 2)), rng.integers(-20, 20, (2, 2))
        assert (ns["mult"](A, B) == (A @ B) % p).all()
    out = tmp_path / "e.txt"
    assert main(["mm", "export", str(txt), "--lang", "text", "-o", str(out)]) == 0
    assert Scheme.load(out) == s and out.read_text().startswith(f"# ring: F{p}")


def test_structure_search_forwards_to_bilinear_search(tmp_path, capsys):
    # 2x2 symmetric x symmetric: rank 5 over Q via F3 and lifting (issue 9's first target)
    common = ["--structure", "ss", "--n", "2", "--field", "F3", "--target", "5", "--lift", "Q",
              "--seed", "1", "--max-flips", "2000000", "--no-store", "--json"]
    o1, o2 = tmp_path / "mm.json", tmp_path / "bl.json"
    assert main(["mm", "search", *common, "-o", str(o1)]) == 0
    via_mm = json.loads(capsys.readouterr().out)
    assert main(["bilinear", "search", *common, "-o", str(o2)]) == 0
    via_bl = json.loads(capsys.readouterr().out)
    via_mm.pop("elapsed", None)
    via_bl.pop("elapsed", None)
    assert via_mm == via_bl and via_mm["rank"] == 5 and via_mm["reached"]
    assert json.loads(o1.read_text()) == json.loads(o2.read_text())


def test_issue_9_literal_command_is_accepted(capsys):
    code = main(["mm", "search", "--structure", "kg", "--n", "3", "--field", "F3", "--target", "14",
                 "--max-flips", "20000", "--no-store", "--quiet"])
    assert code in (0, 1)  # reached or not within the tiny budget, never a usage error
    out, err = capsys.readouterr()
    assert "kg3" in out and "verified exactly" in out and "error" not in err


@pytest.mark.parametrize("argv,part", [
    (["3x3x3", "--structure", "kg", "--n", "3"], "not both"),
    (["3x3x3", "--n", "3"], "--n"),
    (["3x3x3", "--ring", "ZT", "--lift", "Z"], "F2 or F3"),  # a format lifts from F2/F3 only
    (["--structure", "kg", "--n", "3", "--ring", "ZT"], "F2 or F3"),
    (["--structure", "kg", "--n", "3", "--ring", "F2", "--field", "F3"], "disagree"),
    (["--structure", "kg", "--n", "3", "--start", "x.json"], "--start"),
    (["--structure", "zz", "--n", "3", "--field", "F3"], "zz"),
    (["--structure", "ss", "--n", "2", "--field", "F3", "--seed=-1"], "--seed -1"),
    (["2x2x2", "--seed=-1"], "seed=-1"),
    (["2x2x2", "--method", "paths"], "--method paths"),
    ([], "format"),
])
def test_structure_search_bad_combinations(capsys, argv, part):
    assert main(["mm", "search", *argv, "--no-store", "--max-flips", "1000"]) == 2
    _one_line_error(capsys, part)


@pytest.mark.parametrize("abbrev", ["--no", "--time", "--max", "--fie"])
def test_no_abbreviated_options(capsys, abbrev):
    assert main(["mm", "search", "2x2x2", abbrev, "5"]) == 2
    _one_line_error(capsys, "unrecognized arguments")


def test_field_without_structure_is_the_ring(tmp_path, capsys):
    assert main(["mm", "search", "2x2x2", "--field", "F2", "--target", "7", "--seed", "2", "--json",
                 "--max-flips", "2000000", "--no-store"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["ring"] == "F2" and rep["reached"]


def test_lift_reads_ringless_f2_text_and_rejects_negative_seed(tmp_path, capsys):
    txt = tmp_path / "f2.txt"
    txt.write_text(Scheme.strassen().with_ring("F2").to_text())  # inferred F2 on reading
    assert main(["mm", "lift", str(txt), "--to", "Z", "--seed=-1"]) == 2
    _one_line_error(capsys, "--seed -1")
    z = tmp_path / "z.json"
    assert main(["mm", "lift", str(txt), "--to", "Z", "-o", str(z)]) == 0
    assert Scheme.load(z).is_valid("Z")
