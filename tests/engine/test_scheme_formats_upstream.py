"""Every upstream file form read and written: Kauers-Moosbauer ``.exp`` (with ``/3`` factors), the
collection's full and reduced JSON, the ternary framework's flat text (integer and rational pairs),
Maple/Mathematica ``.m`` nested lists and Maple ``.tensor.mpl`` TriadSets.

The files are built here, in each layout, from known schemes (Strassen, Laderman, the standard
algorithm); the oracle is the Brent equations and equality with the scheme the file was built from.
"""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.errors import InvalidInputError, VerificationError
from engine.scheme_formats import from_nested, from_tensor_mpl, to_collection_json
from engine.schemes import Scheme


def _schemes():
    return [Scheme.strassen(), Scheme.laderman(), Scheme.standard(2, 3, 4), Scheme.strassen().with_ring("F2")]


def _km_matrix(s: Scheme, t: int, which: str) -> list[list]:
    """Product ``t``'s U (n x m), V (m x p) or W (p x n, transposed C), by the definitions."""
    n, m, p = s.format
    if which == "u":
        return [[s.u[t][i * m + j] for j in range(m)] for i in range(n)]
    if which == "v":
        return [[s.v[t][j * p + k] for k in range(p)] for j in range(m)]
    return [[s.w[t][i * p + k] for i in range(n)] for k in range(p)]


def _m_file(s: Scheme) -> str:
    def lst(mat):
        return "{" + ", ".join("{" + ", ".join(str(x) for x in row) + "}" for row in mat) + "}"

    prods = ["{" + ", ".join(lst(_km_matrix(s, t, x)) for x in "uvw") + "}" for t in range(s.rank)]
    return "{" + ",\n ".join(prods) + "}\n"


def _mpl_file(s: Scheme) -> str:
    def mat(m_):
        return f"Matrix({len(m_)}, {len(m_[0])}, [" + ", ".join("[" + ", ".join(str(x) for x in r) + "]" for r in m_) + "])"

    triads = [f"Triad([{', '.join(mat(_km_matrix(s, t, x)) for x in 'uvw')}])" for t in range(s.rank)]
    return "Tensor:=TriadSet([" + ", ".join(triads) + "]):\n"


@pytest.mark.parametrize("s", _schemes(), ids=lambda s: f"{s.format}-{s.ring}")
def test_m_and_tensor_mpl_files_load_to_the_scheme_they_hold(tmp_path, s):
    for name, text in (("s.m", _m_file(s)), ("s.tensor.mpl", _mpl_file(s))):
        path = tmp_path / name
        path.write_text(text)
        back = Scheme.load(path)
        assert back == s and back.is_valid()


@pytest.mark.parametrize("s", _schemes(), ids=lambda s: f"{s.format}-{s.ring}")
@pytest.mark.parametrize("suffix", [".m", ".tensor.mpl", ".exp", ".flat"])
def test_our_writers_round_trip_every_upstream_form(tmp_path, s, suffix):
    path = tmp_path / f"s{suffix}"
    s.save(path)
    back = Scheme.load(path)
    assert back == s and back.ring == s.ring


def test_exp_written_has_one_product_per_line_and_the_ring_in_a_sidecar(tmp_path):
    s = Scheme.laderman()
    path = tmp_path / "s.exp"
    s.save(path)
    lines = path.read_text().splitlines()
    assert len(lines) == s.rank and not any(ln.lstrip().startswith("#") for ln in lines)
    assert (tmp_path / "s.exp.ring").read_text().strip() == "# ring: ZT"
    f2 = Scheme.strassen().with_ring("F2")
    f2.save(path, force=True)
    assert Scheme.load(path).ring == "F2"
    (tmp_path / "s.exp.ring").unlink()  # without the sidecar: the smallest ring it is valid in
    assert Scheme.load(path).ring == "F2" and not Scheme.load(path).is_valid("Z")
    Scheme.laderman().save(path, force=True)
    (tmp_path / "s.exp.ring").write_text("# ring: Q\n")
    assert Scheme.load(path).ring == "Q"


def test_kauers_moosbauer_exp_with_rational_factors_loads():
    # Strassen with product 1 scaled: 3*(a11+a22) in the a-factor and the whole product divided by 3
    s = Scheme.strassen()
    lines = s.to_text().splitlines()
    a, b, c = lines[0].split(")*(")
    lines[0] = f"(3*({a[1:]}))*({b})*({c}/3"
    lines[1] = lines[1].replace("*", " ")  # juxtaposed factors, as some collections write them
    back = Scheme.from_text("\n".join(lines) + "\n")
    assert back.ring == "Q" and back.is_valid("Q") and not back.is_valid("Z")
    assert back.u[0].tolist() == [3 * x for x in s.u[0].tolist()]
    assert [Fraction(x) for x in back.w[0].tolist()] == [Fraction(x, 3) for x in s.w[0].tolist()]


def test_exp_coefficients_written_like_2_b31_and_2a11_parse():
    text = "(2 a11 - a11)*(b11)*(c11)\n"
    assert Scheme.from_text(text).u.tolist() == [[1]]
    assert Scheme.from_text("(2a11-a11)*(1/2b11+1/2b11)*(c11)").v.tolist() == [[1]]


@pytest.mark.parametrize("s", _schemes(), ids=lambda s: f"{s.format}-{s.ring}")
def test_collection_json_is_read_the_way_the_collection_defines_it(tmp_path, s):
    d = to_collection_json(s)
    n, m, p = s.format
    assert d["n"] == [n, m, p] and d["m"] == s.rank and d["z2"] == (s.ring == "F2")
    # the collection's convention: w rows index the transposed C, k*n + i
    for t in range(s.rank):
        for i in range(n):
            for k in range(p):
                assert d["w"][t][k * n + i] == s.w[t][i * p + k]
    path = tmp_path / "c.json"
    s.save(path, fmt="collection")
    assert Scheme.load(path) == s
    d.pop("ring")
    path.write_text(json.dumps(d))
    assert Scheme.load(path) == s


def test_collection_json_with_binary_float_coefficients_loads():
    s = Scheme.strassen()
    d = to_collection_json(s)
    d.pop("ring")
    d["u"] = [[2 * x for x in row] for row in d["u"]]
    d["w"] = [[x / 2 for x in row] for row in d["w"]]  # 0.5, -0.5 as a collection may write them
    back = Scheme.from_json(d)
    assert back.is_valid("Q") and not back.is_valid("Z")
    d["w"][0][0] = 1 / 3  # not an exact binary fraction: refused by name
    with pytest.raises(InvalidInputError, match="float"):
        Scheme.from_json(d)


def _reduced_strassen() -> dict:
    """Strassen in the reduced layout, with one fresh variable per factor kind (a11+a22 etc.)."""
    s = Scheme.strassen()
    n, m, p = s.format

    def sparse(vec):
        return [{"index": j, "value": int(x)} for j, x in enumerate(vec) if x != 0]

    u = [sparse(r) for r in s.u.tolist()]
    v = [sparse(r) for r in s.v.tolist()]
    u[0] = [{"index": 4, "value": 1}]  # fresh u variable 0 = a11 + a22 (index n*m + 0)
    v[0] = [{"index": 4, "value": 1}]
    wt = [[s.w[t][i * p + k] for t in range(s.rank)] for k in range(p) for i in range(n)]
    w = [sparse(r) for r in wt]
    # the output rows reuse a fresh variable m1 + m4 (index rank + 0) where both appear with sign +1
    w_fresh = [[{"index": 0, "value": 1}, {"index": 3, "value": 1}]]
    for row in w:
        idx = {e["index"]: e["value"] for e in row}
        if idx.get(0) == 1 and idx.get(3) == 1:
            row[:] = [e for e in row if e["index"] not in (0, 3)] + [{"index": s.rank, "value": 1}]
    return {"n": [2, 2, 2], "m": 7, "z2": False, "complexity": {"naive": 18, "reduced": 15},
            "u_fresh": [[{"index": 0, "value": 1}, {"index": 3, "value": 1}]],
            "v_fresh": [[{"index": 0, "value": 1}, {"index": 3, "value": 1}]], "w_fresh": w_fresh,
            "u": u, "v": v, "w": w}


def test_reduced_json_with_fresh_variables_loads(tmp_path):
    path = tmp_path / "reduced.json"
    path.write_text(json.dumps(_reduced_strassen()))
    assert Scheme.load(path) == Scheme.strassen()


def test_ternary_framework_rational_flat_pairs_load(tmp_path):
    s = Scheme.strassen()
    u = [[2 * x for x in r] for r in s.u.tolist()]
    w = [[Fraction(x, 2) for x in r] for r in s.w.tolist()]
    q = Scheme((2, 2, 2), u, s.v.tolist(), w)
    path = tmp_path / "s_Q.txt"
    q.save(path, fmt="flat")
    head = path.read_text().split("\n")[1].split()
    assert len(head) == 2 * 7 * 4  # numerator denominator pairs
    back = Scheme.load(path)
    assert back == q and back.ring == "Q"


def test_unknown_layout_names_the_layouts_tried(tmp_path):
    path = tmp_path / "junk.dat"
    path.write_text("hello world\n")
    with pytest.raises(InvalidInputError) as err:
        Scheme.load(path)
    msg = str(err.value)
    assert "no known scheme layout" in msg and ".m nested lists" in msg and "TriadSet" in msg and "flat" in msg


def test_a_scheme_failing_brent_names_the_equation(tmp_path):
    text = _m_file(Scheme.strassen()).replace("{1, 0}", "{1, 1}", 1)
    path = tmp_path / "bad.m"
    path.write_text(text)
    with pytest.raises(VerificationError, match="Brent equation"):
        Scheme.load(path)


def test_a_parametric_tensor_mpl_is_refused():
    text = "Tensor:=TriadSet([Triad([Matrix(1, 1, [[1/l]]), Matrix(1, 1, [[l]]), Matrix(1, 1, [[1]])])]):"
    with pytest.raises(InvalidInputError, match="symbolic"):
        from_tensor_mpl(Scheme, text)


_ALPHABET = st.sampled_from(list("abcABC0123456789()+-*/ _{},[]\n=#;:") + ["a11", "b12", "c21", "Matrix(", "Triad(", "TriadSet(["])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_new_readers_never_crash(text):
    for reader in (Scheme.from_text, lambda t: from_nested(Scheme, t), lambda t: from_tensor_mpl(Scheme, t)):
        try:
            reader(text)
        except InvalidInputError:
            pass


_TERM = st.fixed_dictionaries({"index": st.one_of(st.integers(-2, 12), st.text(max_size=2)),
                               "value": st.one_of(st.integers(-3, 3), st.sampled_from(["1/2", "x", "1/0"]))})


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(_TERM, max_size=3), max_size=8), st.lists(st.lists(_TERM, max_size=3), max_size=3),
       st.integers(-1, 8))
def test_reduced_json_reader_never_crashes(rows, fresh, rank):
    data = {"n": [2, 2, 2], "m": rank, "z2": False, "u_fresh": fresh, "u": rows, "v": rows, "w": rows[:4]}
    try:
        Scheme.from_json(data)
    except InvalidInputError:
        pass
