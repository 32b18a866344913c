"""Third QA pass over issue 5 (matrix-multiplication schemes): regression tests.

Each test reproduces a defect found by exercising the issue's interfaces the way a
researcher would (files of the reference tools, malformed inputs, edge formats). The
expected values come from the conventions the issue names: the flat form of the
open-source ternary flip-graph framework stores ``w`` as the transposed ``C`` (its
``validateEquation`` pairs ``c`` index ``k*n + i`` with ``C[i][k]``), and the ``.exp`` files
of the flip-graph literature (Kauers-Moosbauer) are the product-per-line text form,
written with bare single-variable factors such as ``a44*(b12+b22)*c15``.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from engine.errors import InvalidInputError, VerificationError
from engine.schemes import Scheme
from engine.tensors import parse_format
from search.cli import main


def _asymmetric_235() -> Scheme:
    """A valid <2,3,5> scheme whose w is far from symmetric (unimodular sandwich)."""
    P = [[1, 1], [0, 1]]
    Q = [[1, 0, 1], [0, 1, 0], [0, 1, 1]]
    R = [[1, 1, 0, 0, 0], [0, 1, 0, 1, 0], [0, 0, 1, 0, 0], [0, 0, 0, 1, 1], [0, 0, 0, 0, 1]]
    return Scheme.standard(2, 3, 5).sandwich(P, Q, R)


def _framework_flat(s: Scheme) -> str:
    """The flat text as the ternary framework's saveTxt writes it (w index k*n + i), by loops."""
    n, m, p = s.format
    w_cki = [[s.w[t, i * p + k] for k in range(p) for i in range(n)] for t in range(s.rank)]
    lines = [f"{n} {m} {p} {s.rank}"]
    for rows in (s.u.tolist(), s.v.tolist(), w_cki):
        lines.append(" ".join(str(int(x)) for row in rows for x in row) + " ")
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- file forms
def test_flat_form_uses_the_framework_w_convention(tmp_path):
    s = _asymmetric_235()
    assert s.is_valid("Z")
    text = _framework_flat(s)
    path = tmp_path / "s.txt"  # the framework's own suffix for this form
    path.write_text(text)
    back = Scheme.load(path)
    assert back.is_valid() and back == s.with_ring(back.ring)
    # and what we write is what the framework writes (same token sequence)
    assert s.to_flat().split() == text.split()
    assert Scheme.from_flat(s.to_flat(), transposed_c=True) == s


def test_flat_files_written_row_major_still_load(tmp_path):
    s = _asymmetric_235()
    legacy = s.to_flat(transposed_c=False)
    assert Scheme.from_flat(legacy, transposed_c=False) == s
    assert Scheme.from_flat(legacy) == s  # falls back: only the row-major reading is valid
    path = tmp_path / "legacy.flat"
    path.write_text(legacy + "\n# ring: Z\n")
    assert Scheme.load(path) == s.with_ring("Z")


def test_exp_files_are_the_text_form_with_bare_factors(tmp_path):
    # Strassen's products with single-variable factors written bare, as in .exp files
    body = (
        "(a11+a22)*(b11+b22)*(c11+c22)\n"
        "(a21+a22)*b11*(c12-c22)\n"
        "a11*(b12-b22)*(c21+c22)\n"
        "a22*(b21-b11)*(c11+c12)\n"
        "(a11+a12)*b22*(-c11+c21)\n"
        "-(a11-a21)*(b11+b12)*c22\n"
        "(a12-a22)*(b21+b22)*c11\n"
    )
    path = tmp_path / "strassen.exp"
    path.write_text(body)
    s = Scheme.load(path)
    assert s.format == (2, 2, 2) and s.rank == 7 and s.ring == "ZT" and s.is_valid()
    assert s.u[5].tolist() == [-1, 0, 1, 0]  # the sign in front of the parentheses
    out = tmp_path / "out.exp"
    Scheme.strassen().save(out)
    assert "*(" in out.read_text() and Scheme.load(out) == Scheme.strassen()
    scaled = Scheme.from_text("2*a11*b11*(1/2*c11)", format=(1, 1, 1))
    assert scaled.is_valid() and scaled.u.tolist() == [[2]]


def test_text_with_a_vanishing_factor_round_trips(tmp_path):
    s = Scheme((1, 1, 1), [[1], [0]], [[1], [1]], [[1], [1]])
    assert s.is_valid()
    assert "(0)" in s.to_text()
    assert Scheme.from_text(s.to_text()) == s
    path = tmp_path / "z.txt"
    s.save(path)
    assert Scheme.load(path) == s


def test_framework_json_is_read(tmp_path):
    s = _asymmetric_235()
    n, m, p = s.format
    data = {"n": [n, m, p], "m": s.rank, "z2": False, "u": s.u.tolist(), "v": s.v.tolist(),
            "w": [[int(s.w[t, i * p + k]) for k in range(p) for i in range(n)] for t in range(s.rank)]}
    path = tmp_path / "peer.json"
    path.write_text(json.dumps(data))
    back = Scheme.load(path)
    assert back.is_valid() and back == s.with_ring(back.ring)
    data["m"] = s.rank + 1
    path.write_text(json.dumps(data))
    with pytest.raises(InvalidInputError, match="the rank"):
        Scheme.load(path)


# ----------------------------------------------------------------------------- bad input
def _npz(path, **arrays):
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)
    return path


@pytest.mark.parametrize("case", ["empty", "not_zip", "den_zero", "den_shape", "format_float", "truncated"])
def test_broken_npz_files_are_one_clear_error(tmp_path, capsys, case):
    s = Scheme.strassen()
    path = tmp_path / "bad.npz"
    if case == "empty":
        path.write_bytes(b"")
    elif case == "not_zip":
        path.write_bytes(b"PK\x03\x04 not really a zip archive")
    elif case == "den_zero":
        _npz(path, u=s.u, v=s.v, w=s.w, format=np.array([2, 2, 2]), u_den=np.zeros((7, 4), dtype=np.int64))
    elif case == "den_shape":
        _npz(path, u=s.u, v=s.v, w=s.w, format=np.array([2, 2, 2]), u_den=np.ones((3, 4), dtype=np.int64))
    elif case == "format_float":
        _npz(path, u=s.u, v=s.v, w=s.w, format=np.array([2.5, 2, 2]))
    else:
        good = tmp_path / "good.npz"
        s.save(good)
        path.write_bytes(good.read_bytes()[:60])
    with pytest.raises(InvalidInputError):
        Scheme.load(path)
    assert main(["mm", "verify", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("disco: error: ") and err.count("\n") == 1 and "Traceback" not in err


def test_directories_and_binary_files_are_bad_input(tmp_path, capsys):
    (tmp_path / "d.json").mkdir()
    with pytest.raises(InvalidInputError, match="directory"):
        Scheme.load(tmp_path / "d.json")
    binary = tmp_path / "b.txt"
    binary.write_bytes(b"\xff\xfe\x00\x81 garbage")
    with pytest.raises(InvalidInputError, match="not a text scheme file"):
        Scheme.load(binary)
    for path in (tmp_path / "d.json", binary):
        assert main(["mm", "verify", str(path)]) == 2
        assert "Traceback" not in capsys.readouterr().err


def test_save_refuses_directories_and_missing_parents(tmp_path):
    s = Scheme.strassen()
    (tmp_path / "out.json").mkdir()
    for force in (False, True):
        with pytest.raises(InvalidInputError, match="directory"):
            s.save(tmp_path / "out.json", force=force)
    with pytest.raises(InvalidInputError, match="does not exist"):
        s.save(tmp_path / "nodir" / "s.json")
    assert not (tmp_path / "nodir").exists()


def test_non_integral_format_is_rejected():
    for bad in ((2.5, 2, 2), [2, 2.0001, 2]):
        with pytest.raises(InvalidInputError, match="three positive integers"):
            parse_format(bad)
    assert parse_format((2.0, 3, 4)) == (2, 3, 4)
    s = Scheme.strassen().to_json()
    s["format"] = [2.5, 2, 2]
    with pytest.raises(InvalidInputError):
        Scheme.from_json(s)


def test_json_rank_true_is_not_rank_one():
    with pytest.raises(InvalidInputError, match="rank=True"):
        Scheme.from_json({"format": [1, 1, 1], "rank": True, "u": [[1]], "v": [[1]], "w": [[1]]})


# ----------------------------------------------------------------------------- verification
def test_first_failure_over_a_prime_field_is_reduced():
    data = Scheme.strassen().to_json()
    data["u"][0][0] = 0
    bad = Scheme.from_json(data)
    msg = bad.first_failure("F2")
    assert msg.startswith("Brent equation (a11, b11, c11) fails over F2")
    assert "= 0 mod 2, expected 1" in msg  # the sum of Strassen's other products is 2 = 0 mod 2


def test_sandwich_over_a_prime_field_needs_matrices_invertible_mod_p():
    s = Scheme.strassen().with_ring("F3")
    with pytest.raises(InvalidInputError, match="not invertible mod 3"):
        s.sandwich([[1, 1], [-1, 2]], [[1, 0], [0, 1]], [[1, 0], [0, 1]])  # det 3
    t = s.sandwich([[1, 1], [1, -1]], [[1, 0], [0, 1]], [[1, 0], [0, 1]])  # det -2, a unit mod 3
    assert t.ring == "F3" and t.is_valid()
    with pytest.raises(InvalidInputError, match="not invertible mod 2"):
        Scheme.strassen().with_ring("F2").sandwich([[1, 1], [1, -1]], [[1, 0], [0, 1]], [[1, 0], [0, 1]])


def test_lower_case_ring_names_are_accepted():
    s = Scheme.strassen()
    assert s.is_valid("zt") and s.is_valid("f2") and s.with_ring("f3").ring == "F3"
    assert Scheme.from_json(dict(s.to_json(), ring="z")).ring == "Z"
    assert s.spot_check(trials=1, ring="q")
    with pytest.raises(InvalidInputError, match="trials"):
        s.spot_check(trials=-1)


# ----------------------------------------------------------------------------- known ranks
def test_formats_with_a_dimension_one_have_a_known_rank(capsys):
    from solvers.known_ranks import known_rank, lower_bound

    for fmt in ((1, 1, 1), (1, 3, 1), (3, 1, 2), (1, 4, 5)):
        r = fmt[0] * fmt[1] * fmt[2]  # the standard algorithm, optimal (flattening bound)
        assert all(known_rank(fmt, ring) == r for ring in ("Q", "Z", "ZT", "F2", "F3", "f2"))
        assert lower_bound(fmt) == r
    assert main(["mm", "known", "1x3x1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ZT"] == out["F2"] == out["lower_bound"] == 3


# ----------------------------------------------------------------------------- CLI
def _broken_strassen(tmp_path):
    data = Scheme.strassen().to_json()
    data["u"][0][0] = 0  # claims ZT, fails (a11, b11, c11)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize("cmd", [["export", "--lang", "python", "-o"], ["export", "--lang", "readable", "-o"],
                                 ["convert"]])
def test_export_and_convert_refuse_an_invalid_scheme(tmp_path, capsys, cmd):
    src = _broken_strassen(tmp_path)
    with pytest.raises(VerificationError):
        Scheme.load(src).check()
    out = tmp_path / "out.txt"
    argv = ["mm", cmd[0], str(src), *cmd[1:], str(out)] if cmd[0] == "export" else ["mm", "convert", str(src), str(out)]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "Brent equation (a11, b11, c11) fails over ZT" in err and err.count("\n") == 1
    assert not out.exists()
    assert main([*argv, "--no-verify"]) == 0 and out.exists()  # the user's explicit choice


def test_cli_rings_in_lower_case(tmp_path, capsys):
    src = tmp_path / "s.json"
    Scheme.strassen().save(src)
    assert main(["mm", "verify", str(src), "--ring", "f3"]) == 0
    capsys.readouterr()
    out = tmp_path / "l.json"
    assert main(["mm", "lift", str(src), "--ring", "f2", "--to", "z", "-o", str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["lifted"] is True and Scheme.load(out).is_valid("Z")
    assert main(["mm", "convert", str(src), str(tmp_path / "s.flat"), "--ring", "zt"]) == 0


def test_cli_output_paths_and_negative_spot_checks(tmp_path, capsys):
    src = tmp_path / "s.json"
    Scheme.strassen().save(src)
    (tmp_path / "d").mkdir()
    for argv in (["mm", "export", str(src), "-o", str(tmp_path / "d"), "--force"],
                 ["mm", "convert", str(src), str(tmp_path / "d"), "--force"],
                 ["mm", "export", str(src), "-o", str(tmp_path / "no" / "f.py")],
                 ["mm", "verify", str(src), "--spot-checks", "-1"],
                 ["mm", "lift", str(src)]):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.startswith("disco: error: ") and err.count("\n") == 1
    assert not (tmp_path / "no").exists()


def test_cli_search_beyond_the_table_aims_at_the_lower_bound(capsys):
    # <2,2,7> is not in the known-ranks table: the default target is the proved lower bound 14
    # (was: target 1, rejected as 'below the proved lower bound')
    assert main(["mm", "search", "2x2x7", "--max-flips", "20000", "--seed", "1", "--no-store", "--json"]) == 1
    res = json.loads(capsys.readouterr().out)
    assert res["target_rank"] == 14 and res["reached"] is False
    assert Scheme.from_json(res["scheme"]).is_valid("ZT")


@pytest.mark.parametrize("name", ["my-func", "def", "1abc", "f x", ""])
def test_exported_function_name_must_be_an_identifier(tmp_path, capsys, name):
    s = Scheme.strassen()
    if name:
        with pytest.raises(InvalidInputError, match="not a Python function name"):
            s.to_python(name)
    src = tmp_path / "s.json"
    s.save(src)
    out = tmp_path / "f.py"
    code = main(["mm", "export", str(src), "--name", name, "-o", str(out)])
    if name:
        assert code == 2 and not out.exists()
    else:  # an empty name means the default name
        assert code == 0 and "def matmul_2x2x2_rank7(A, B):" in out.read_text()


def test_lift_target_ring_in_lower_case():
    from solvers.lifting import lift_scheme

    res = lift_scheme(Scheme.strassen().with_ring("f2"), to="z")
    assert res.lifted and res.to == "Z" and res.scheme.is_valid("Z")
    with pytest.raises(InvalidInputError, match="must be 'Z', 'Q' or 'ZT'"):
        lift_scheme(Scheme.strassen().with_ring("F2"), to="F3")
    assert lift_scheme(Scheme.strassen().with_ring("F2"), to="zt").ring == "ZT"  # ternary form by sandwiching


def test_verify_reports_both_addition_counts(tmp_path, capsys):
    src = tmp_path / "lad.json"
    Scheme.laderman().save(src)
    assert main(["mm", "verify", str(src), "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["naive_additions"] == 98  # Laderman 1976: 98 additions
    assert rep["cse_additions"] == Scheme.laderman().cse_additions() < 98
    assert main(["mm", "verify", str(src)]) == 0
    assert "additions 98 naive" in capsys.readouterr().out


@pytest.mark.parametrize("extra", [["--resume"], ["--checkpoint", "{d}"], ["--checkpoint", "{d}/no/ck.json"]])
def test_search_checkpoint_arguments_are_checked_before_searching(tmp_path, capsys, extra):
    argv = ["mm", "search", "2x2x2", "--max-flips", "1000", "--no-store", "--quiet"]
    argv += [x.format(d=tmp_path) for x in extra]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("disco: error: --") and err.count("\n") == 1


@pytest.mark.parametrize("suffix", [".json", ".txt", ".flat", ".dat"])
def test_files_with_a_utf8_byte_order_mark_load(tmp_path, suffix):
    s = _asymmetric_235()
    path = tmp_path / f"s{suffix}"
    body = s.dumps({".json": "json", ".txt": "text", ".flat": "flat", ".dat": "json"}[suffix])
    path.write_bytes(b"\xef\xbb\xbf" + body.encode())
    assert Scheme.load(path) == s


def test_npz_keeps_coefficients_beyond_int64(tmp_path):
    from fractions import Fraction

    big = 10**30
    s = Scheme((1, 1, 1), [[big], [1]], [[1], [1]], [[Fraction(1, big)], [0]])
    assert s.is_valid("Q")
    path = tmp_path / "big.npz"
    s.save(path)  # was an OverflowError (a traceback on the CLI)
    assert Scheme.load(path) == s
    with np.load(path, allow_pickle=False) as z:
        assert z["u"].dtype.kind == "U"


# ----------------------------------------------------------------------------- lifting
# Two <3,3,3> rank-23 schemes over F3 found by flip_search(ring="F3", target_rank=23) with
# seeds 1 and 4 (our own search output), one row of u, then v, then w per token ('-' = -1).
_F3_SEED1 = (
    "+00+0++0- -+-+-+000 +00+00000 0+00+0000 0++00-000 000000-00 ---+0+000 +-++-0+-- 00000+00- "
    "0000+00-0 0000000-0 00-00+000 --+--+--+ +0-+0-+0- +0-+0-000 000-0++0- ++-++--+- 000000+-+ "
    "+-++-++-+ 0+00+0000 +-+000000 +--00+000 000-0++0- 00+0+00+- 00000-000 0+-0000+- 0000-+000 "
    "0--0--000 ---000+++ 0--00+000 +-000-+-0 -++000-++ 000-++000 000++++++ 0000++0++ -+00+-+0- "
    "0000-+0-+ 0000000+- +-+00-000 -+0000+0- 000000--- +-0000+-0 000+0-+++ 0000000++ 0++0000-- "
    "-++000000 ++---++++ +000++--- ++-++---- 0000-0-+0 --0++0000 000000--0 ++-00---- +00-00+++ "
    "000000--- +00-00000 +00-00-00 ---++++++ +00-00+-0 0+-0-+0-+ 0-+0-+0-+ 0+-0-+000 -00-00+-0 "
    "-00-00-00 +00+00--- +00000000 --------- --------- -+-+-+000"
)
_F3_SEED4 = (
    "+---0+-0+ 00000+-+- 0000----+ +--00+00+ -0-0++0++ +-0-++00- 000-00+00 000+---++ 0-0-+++0- "
    "000-+--+- 000+-0+-0 -+0-+0-+0 ++-000--+ 000++-++- 000+0---+ -+-000+-+ 000++---+ -+0+0+0-- "
    "+-0+-0000 000--+--+ -++-++-++ 000-+0-+0 0000+-0-+ +-++-+--0 ++0---00- --0000--0 0+00+00-0 "
    "0-00-0000 -+0+0+0++ +++------ 000++-++- 0--0--000 -0--0-+0+ 000------ 0+00-00-0 +0++0+000 "
    "-0--0---0 --0--0++0 +0++0+-0- ++0--0--0 -000+0--0 000-0--0- 000000++0 +0++0+-+0 000+0++0+ "
    "--0---00+ 0+0+--+-- -0++--0+0 000--+++- +--+--+-- ++-000000 00-+-0-+0 00-00+00- -0+000+0- "
    "-0+000000 00+00+00+ --+000++- -+0+-0-+0 -00000000 0+-+-++-+ +0-+0-+0- 00+000000 +0--0++0- "
    "+0++-0-+0 000+-0-+0 -+-0-+0-+ -+++--+-- -+0+-0000 00+00-00+"
)


def _f3_scheme(code: str) -> Scheme:
    rows = [[{"-": -1, "0": 0, "+": 1}[c] for c in tok] for tok in code.split()]
    return Scheme((3, 3, 3), rows[:23], rows[23:46], rows[46:], ring="F3")


@pytest.mark.parametrize(("code", "attempts"), [(_F3_SEED4, 1), (_F3_SEED1, 2)])
def test_f3_schemes_lift_to_q_from_both_bases(code, attempts):
    # seed 4 lifts only from the symmetric representatives (-1), seed 1 only from those in
    # [0, 3) (the only base before this fix): the default attempts try both
    from solvers.lifting import lift_scheme

    s = _f3_scheme(code)
    assert s.is_valid("F3") and not s.is_valid("Q")
    res = lift_scheme(s, to="Q", attempts=attempts)
    assert res.lifted and res.attempts == attempts and res.scheme.is_valid("Q")
    assert res.scheme.with_ring("F3") == s  # it reduces to the input mod 3


def test_hensel_solver_with_free_variables_solves_the_system():
    # attempts after the base ones fix random free variables; the solver returned None
    # ("inconsistent") for nearly every choice, since it checked J d against b - J d_free
    from solvers.lifting import _jacobian, _Solver

    s = Scheme.laderman().with_ring("F3")
    J = _jacobian(*(np.mod(np.asarray(a, dtype=np.int64), 3) for a in (s.u, s.v, s.w)), 3)
    solver = _Solver(J, 3)
    rng = np.random.default_rng(0)
    assert solver.rank < J.shape[1]  # free variables exist
    for _ in range(5):
        b = (J @ rng.integers(0, 3, J.shape[1])) % 3  # a consistent right-hand side
        free = rng.integers(0, 3, J.shape[1])
        d = solver.solve(b, free)
        assert d is not None and not np.any((J @ d - b) % 3)
        free_cols = np.setdiff1d(np.arange(J.shape[1]), solver.cols)
        assert (d[free_cols] == free[free_cols] % 3).all()


def test_convert_to_a_format_contradicting_the_suffix_is_refused(tmp_path, capsys):
    src = tmp_path / "s.json"
    Scheme.strassen().save(src)
    out = tmp_path / "s.npz"
    assert main(["mm", "convert", str(src), str(out), "--to", "flat"]) == 2
    assert "contradicts the suffix" in capsys.readouterr().err and not out.exists()
    assert main(["mm", "convert", str(src), str(tmp_path / "s.scheme"), "--to", "flat"]) == 0  # no known suffix
    assert Scheme.load(tmp_path / "s.scheme") == Scheme.strassen()
    # the ternary framework names its flat files .txt: allowed, and sniffed on loading
    assert main(["mm", "convert", str(src), str(tmp_path / "2x2x2_m7.txt"), "--to", "flat"]) == 0
    assert (tmp_path / "2x2x2_m7.txt").read_text().startswith("2 2 2 7\n")
    assert Scheme.load(tmp_path / "2x2x2_m7.txt") == Scheme.strassen()


# ----------------------------------------------------------------------------- round trips
@pytest.mark.parametrize("make", [Scheme.strassen, Scheme.laderman, _asymmetric_235,
                                  lambda: Scheme.standard(1, 3, 1), lambda: Scheme.standard(1, 1, 1)])
def test_every_symmetry_through_every_file_form_and_code(tmp_path, make):
    import itertools

    base = make()
    rng = np.random.default_rng(7)
    variants = [base.permute(perm) for perm in itertools.permutations(range(3))]
    n, m, p = base.format
    unimodular = [np.eye(d, dtype=np.int64) + np.triu(np.ones((d, d), dtype=np.int64), 1) for d in (n, m, p)]
    variants.append(base.sandwich(*(M.tolist() for M in unimodular)))
    variants.append(base.sandwich([[2 if i == j == 0 else int(i == j) for j in range(n)] for i in range(n)],
                                  np.eye(m, dtype=np.int64).tolist(), np.eye(p, dtype=np.int64).tolist()))  # Q
    variants += [v.with_ring("F2") for v in variants[:2]] + [v.with_ring("F3") for v in variants[:2]]
    for i, s in enumerate(variants):
        assert s.is_valid(), (i, s)
        if s.ring not in ("F2", "F3"):
            assert s.invariant() == base.invariant()
        for suffix in (".json", ".npz", ".txt", ".exp", ".flat"):
            path = tmp_path / f"v{i}{suffix}"
            s.save(path)
            assert Scheme.load(path) == s, (i, suffix)
        f = s.to_numpy_function()
        nn, mm, pp = s.format
        A, B = rng.integers(-9, 10, (nn, mm)), rng.integers(-9, 10, (mm, pp))
        want = A @ B if s.ring not in ("F2", "F3") else (A @ B) % {"F2": 2, "F3": 3}[s.ring]
        assert (np.array(f(A, B)) == want).all(), (i, s)



def test_verification_of_an_8x8x8_scheme_is_fast():
    # the Q residual went through Python-int object arrays (15.6 CPU-s for the report of the
    # 8x8x8 standard algorithm, 49 s for 10x10x10); integer schemes now take the
    # float64-exact BLAS path (0.2 s)
    import time

    s = Scheme.standard(8, 8, 8)
    t0 = time.process_time()
    rep = s.verification_report()
    assert rep["smallest_ring"] == "ZT" and all(rep["valid"].values())
    assert time.process_time() - t0 < 5
    data = s.to_json()
    data["w"][511][63] = 0  # drop the last product's output: (a88, b88, c88) fails
    bad = Scheme.from_json(data)
    assert bad.first_failure("Q").startswith("Brent equation (a88, b88, c88) fails over Q")


def test_brent_residual_float_path_matches_exact_integers():
    from engine.schemes import brent_residual

    rng = np.random.default_rng(3)
    T = Scheme.standard(2, 3, 4).target.array
    for hi in (1, 1000, 2**17):  # float64-exact, then int64 (bound >= 2^53)
        u, v, w = (rng.integers(-hi, hi + 1, (30, d)) for d in (6, 12, 8))
        exact = np.einsum("ta,tb,tc->abc", *(a.astype(object) for a in (u, v, w))) - T.astype(object)
        assert (brent_residual(u, v, w, T).astype(object) == exact).all()


def _cse_program_is_exact(forms):
    """Run the greedy CSE and rebuild every linear form from its program (the oracle)."""
    from fractions import Fraction

    from engine.scheme_codegen import _greedy_cse

    program: list = []
    count = _greedy_cse(forms, program)
    *subs, final = program
    expand = {}
    for new, x, y, c in subs:  # new = x + c*y, over the original variables
        ex, ey = expand.get(x, {x: Fraction(1)}), expand.get(y, {y: Fraction(1)})
        e = dict(ex)
        for var, q in ey.items():
            e[var] = e.get(var, 0) + c * q
        expand[new] = {var: q for var, q in e.items() if q}
    for orig, fin in zip(forms, final, strict=True):
        rebuilt: dict = {}
        for var, q in fin.items():
            for base, b in expand.get(var, {var: Fraction(1)}).items():
                rebuilt[base] = rebuilt.get(base, 0) + q * b
        assert {k: v for k, v in rebuilt.items() if v} == orig
    assert count == len(subs) + sum(max(0, len(f) - 1) for f in final)
    return count


@pytest.mark.parametrize("make", [Scheme.strassen, Scheme.laderman, _asymmetric_235,
                                  lambda: Scheme.laderman().sandwich([[2, 1, 0], [0, 1, 1], [0, 0, 1]],
                                                                     [[1, 0, 1], [0, 1, 0], [0, 1, 1]],
                                                                     [[1, 1, 1], [0, 1, 0], [0, 0, 1]])])
def test_greedy_cse_count_is_a_valid_program(make):
    from engine.schemes import _F

    s = make()
    total = 0
    for arr in (s.u, s.v, s.w.T):
        total += _cse_program_is_exact([{j: _F(x) for j, x in enumerate(row) if x != 0} for row in arr])
    assert total == s.cse_additions() <= s.naive_additions()


@pytest.mark.slow
def test_greedy_cse_is_fast_on_a_dense_6x6x6_scheme():
    import time

    from solvers.scheme_moves import kronecker

    P = (np.eye(6, dtype=np.int64) + np.triu(np.ones((6, 6), dtype=np.int64), 1)).tolist()
    s = kronecker(Scheme.laderman(), Scheme.strassen()).sandwich(P, P, P)  # 3040 naive additions
    t0 = time.process_time()
    n = s.cse_additions()
    assert n < s.naive_additions() and time.process_time() - t0 < 8  # was ~15 CPU-s


def test_search_reports_the_distance_to_the_known_rank(capsys):
    argv = ["mm", "search", "2x2x3", "--target", "12", "--max-flips", "1000", "--no-store", "--quiet"]
    assert main(argv) == 0
    assert "(best known 11 over ZT, 1 above it)" in capsys.readouterr().out  # the standard algorithm: 12
    assert main([*argv, "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["known_rank"] == 11 and res["gap_to_known"] == res["rank"] - 11 == 1
