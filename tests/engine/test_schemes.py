"""Tests of engine.schemes: exact verification, I/O round trips, symmetries, code export.

Oracles: Strassen's rank-7 and Laderman's rank-23 schemes (valid over Z with coefficients in
{-1, 0, 1}); the standard algorithm; numpy matmul for exported code; Strassen's 18 additions.
"""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import InvalidInputError, VerificationError
from engine.schemes import BilinearScheme, Scheme
from engine.tensors import (
    TargetTensor,
    complex_multiplication_tensor,
    matmul_tensor,
    parse_format,
    polynomial_multiplication_tensor,
)


def test_known_schemes_valid_everywhere():
    for s, r in ((Scheme.strassen(), 7), (Scheme.laderman(), 23), (Scheme.standard(2, 3, 4), 24)):
        assert s.rank == r
        rep = s.verification_report()
        assert rep["smallest_ring"] == "ZT"
        assert all(rep["valid"].values())
        assert rep["coefficients"] in (["-1", "0", "1"], ["0", "1"])


def test_f2_only_scheme_reports_f2_and_first_failure():
    s = Scheme.strassen()
    u = np.array(s.u)
    u[0, 0] = -u[0, 0]  # -a11 instead of a11: still valid mod 2, not over Z
    bad = Scheme((2, 2, 2), u, s.v, s.w)
    assert not bad.is_valid("Z") and not bad.is_valid("ZT") and not bad.is_valid("Q")
    assert bad.is_valid("F2") and not bad.is_valid("F3")
    assert bad.smallest_ring() == "F2"
    msg = bad.first_failure("Z")
    assert "Brent equation (a11" in msg and "expected" in msg
    with pytest.raises(VerificationError, match="Brent equation"):
        bad.check("Z")


def test_rational_scheme_and_ring_claims():
    s = Scheme.strassen()
    u = [[x * 2 for x in row] for row in s.u.tolist()]
    w = [[f"{x}/2" for x in row] for row in s.w.tolist()]
    q = Scheme((2, 2, 2), u, s.v, w)
    assert q.ring == "Q" and q.is_valid("Q") and not q.is_valid("Z")
    assert q.is_valid("F3") and not q.is_valid("F2")  # 1/2 exists mod 3 only
    with pytest.raises(InvalidInputError, match="outside the claimed ring ZT"):
        Scheme((2, 2, 2), u, s.v, s.w, ring="ZT")
    with pytest.raises(InvalidInputError, match="outside the claimed ring F2"):
        Scheme((2, 2, 2), s.u, s.v, s.w, ring="F2")


def test_bad_shapes_and_formats():
    with pytest.raises(InvalidInputError, match="expected 4"):
        Scheme((2, 2, 2), [[1, 0, 0]], [[1, 0, 0, 0]], [[1, 0, 0, 0]])
    with pytest.raises(InvalidInputError, match="one row per product"):
        Scheme((2, 2, 2), [[1, 0, 0, 0]], [[1, 0, 0, 0]] * 2, [[1, 0, 0, 0]])
    with pytest.raises(InvalidInputError, match="format"):
        parse_format("2x2")
    with pytest.raises(InvalidInputError, match="non-integer"):
        TargetTensor(np.full((1, 1, 1), 0.5))
    with pytest.raises(InvalidInputError, match="ring"):
        Scheme.strassen().is_valid("R")


@pytest.mark.parametrize("fmt", ["json", "text", "flat", "npz"])
def test_round_trips(tmp_path, fmt):
    s = Scheme.laderman()
    path = tmp_path / f"s.{ {'json': 'json', 'text': 'txt', 'flat': 'flat', 'npz': 'npz'}[fmt] }"
    s.save(path)
    assert Scheme.load(path) == s
    with pytest.raises(InvalidInputError, match="already exists"):
        s.save(path)
    s.save(path, force=True)


def test_rational_round_trip_npz_json(tmp_path):
    s = Scheme((1, 1, 1), [["2"]], [["1/4"]], [[2]])
    assert s.is_valid("Q")
    for name in ("q.json", "q.npz"):
        s.save(tmp_path / name)
        assert Scheme.load(tmp_path / name) == s
    assert json.loads((tmp_path / "q.json").read_text())["v"] == [["1/4"]]


def test_text_format_transposed_c():
    # (a11)*(b12)*(c21): the product goes to C[1][2] (transposed c index)
    s = Scheme.from_text("(a11)*(b11)*(c11)\n(a11)*(b12)*(c21)\n", format=(1, 1, 2))
    assert s.is_valid()
    assert s.to_text().splitlines()[1] == "(a11)*(b12)*(c21)"
    with pytest.raises(InvalidInputError, match="three factors"):
        Scheme.from_text("(a11)*(b11)")
    with pytest.raises(InvalidInputError, match="outside the format"):
        Scheme.from_text("(a31)*(b11)*(c11)", format=(2, 2, 2))


def test_malformed_files(tmp_path):
    p = tmp_path / "bad.json"
    p.write_text("{not json")
    with pytest.raises(InvalidInputError, match="malformed"):
        Scheme.load(p)
    p.write_text(json.dumps({"format": [2, 2, 2], "rank": 3, "u": [[1, 0, 0, 0]], "v": [[1, 0, 0, 0]], "w": [[1, 0, 0, 0]]}))
    with pytest.raises(InvalidInputError, match="rank=3"):
        Scheme.load(p)
    p.write_text(json.dumps({"format": [2, 2, 2]}))
    with pytest.raises(InvalidInputError, match="lacks the keys"):
        Scheme.load(p)
    with pytest.raises(InvalidInputError, match="does not exist"):
        Scheme.load(tmp_path / "missing.json")
    f = tmp_path / "bad.flat"
    f.write_text("2 2 2 1\n1 0 0 0\n")
    with pytest.raises(InvalidInputError, match="needs 12 coefficients"):
        Scheme.load(f)


def test_symmetries_keep_validity_and_invariant():
    s = Scheme.laderman()
    key = s.invariant()
    for t in (s.transpose(), s.cyclic(), s.cyclic().cyclic(), s.permute((1, 0, 2))):
        assert t.is_valid("ZT")
        assert t.invariant() == key
    g = s.sandwich([[1, 1, 0], [0, 1, 0], [0, 0, 1]], [[0, 1, 0], [1, 0, 0], [0, 0, -1]], [[1, 0, 0], [1, 1, 0], [0, 1, 1]])
    assert g.is_valid("Z") and g.invariant() == key
    r = s.sandwich([[2, 0, 0], [0, 1, 0], [0, 0, 1]], np.eye(3, dtype=int), np.eye(3, dtype=int))
    assert r.is_valid("Q")
    assert Scheme.standard(3, 3, 3).invariant() != key
    with pytest.raises(InvalidInputError, match="singular"):
        s.sandwich(np.zeros((3, 3), dtype=int), np.eye(3, dtype=int), np.eye(3, dtype=int))
    nonsq = Scheme.standard(2, 3, 4)
    assert nonsq.transpose().format == (4, 3, 2) and nonsq.cyclic().format == (3, 4, 2)
    assert nonsq.permute((2, 0, 1)).is_valid()


def test_additions():
    s = Scheme.strassen()
    assert s.naive_additions() == 18  # Strassen 1969: 18 additions
    assert s.cse_additions() <= 18
    assert Scheme.standard(2, 2, 2).naive_additions() == 4
    assert Scheme.laderman().cse_additions() <= Scheme.laderman().naive_additions()


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(["strassen", "laderman", "std234"]))
def test_exported_code_matches_numpy(seed, which):
    s = {"strassen": Scheme.strassen, "laderman": Scheme.laderman, "std234": lambda: Scheme.standard(2, 3, 4)}[which]()
    n, m, p = s.format
    rng = np.random.default_rng(seed)
    A = rng.integers(-50, 50, (n, m))
    B = rng.integers(-50, 50, (m, p))
    f = s.to_numpy_function()
    assert np.array_equal(np.asarray(f(A, B), dtype=np.int64), A @ B)


def test_rational_exported_code():
    s = Scheme((1, 1, 1), [["2"]], [["1/4"]], [[2]])
    f = s.to_numpy_function()
    assert f([[3]], [[5]])[0, 0] == 15


def test_readable_export():
    txt = Scheme.strassen().to_readable()
    assert txt.splitlines()[0] == "m1 = (a11 + a22)*(b11 + b22)"
    assert "c11 = m1 + m4 - m5 + m7" in txt


def test_generic_targets():
    T = complex_multiplication_tensor()
    s = BilinearScheme(T, [[1, 1], [1, 0], [0, 1]], [[1, 1], [1, 0], [0, 1]], [[0, 1], [1, -1], [-1, -1]])
    assert s.is_valid("ZT") and s.spot_check(trials=5, seed=3)
    P = polynomial_multiplication_tensor(1, 2)
    u, v, w = P.trivial_scheme()
    assert BilinearScheme(P, u, v, w).is_valid("ZT")
    assert matmul_tensor(2, 3, 4).flattening_ranks() == (6, 12, 8)


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3))
def test_standard_algorithm_property(n, m, p):
    s = Scheme.standard(n, m, p)
    assert s.is_valid("ZT") and s.rank == n * m * p
    assert s.spot_check(trials=2, seed=0)
