"""QA regressions for engine.schemes: rings of ring-less files, save suffixes, mod-p export.

Oracles: Strassen's scheme (Strassen 1969) reduced mod 2 is valid over F2 only; sandwiching
it by matrices invertible mod 3 but not over Z (de Groote's symmetry, reduced mod 3) gives
schemes valid over F3 only; the flip-graph F3 scheme for <3,3,3> of rank 23 (the issue's
reproduction) is valid mod 3 only. Every expected ring is re-checked by ``verification_report``.
"""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import InvalidInputError, VerificationError
from engine.schemes import Scheme

SUFFIXES = {"json": ".json", "text": ".txt", "flat": ".flat", "npz": ".npz"}


def _f2_strassen():
    return Scheme.strassen().with_ring("F2")


def _f3_only():
    s = Scheme.strassen().with_ring("F3").sandwich([[2, 0], [0, 1]], [[1, 1], [0, 2]], [[1, 0], [0, 1]])
    valid = s.verification_report()["valid"]
    assert valid["F3"] and not any(valid[r] for r in ("ZT", "Z", "Q", "F2"))
    return s


def _strip_ring_comment(path):
    lines = [ln for ln in path.read_text().splitlines() if not ln.lstrip().startswith("#")]
    path.write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize("fmt", ["json", "text", "flat", "npz"])
@pytest.mark.parametrize("make", [_f2_strassen, _f3_only, Scheme.laderman])
def test_ring_round_trips_in_every_format(tmp_path, fmt, make):
    s = make()
    path = tmp_path / f"s{SUFFIXES[fmt]}"
    s.save(path)
    back = Scheme.load(path)
    assert back == s and back.ring == s.ring and back.is_valid()


@pytest.mark.parametrize("fmt", ["text", "flat"])
def test_ringless_files_get_the_smallest_valid_ring(tmp_path, fmt):
    for s, ring in ((_f2_strassen(), "F2"), (_f3_only(), "F3"), (Scheme.laderman(), "ZT")):
        path = tmp_path / f"{ring}{SUFFIXES[fmt]}"
        path.write_text(s.to_text() if fmt == "text" else s.to_flat())  # as another tool writes it
        x = Scheme.load(path)
        assert (x.ring, x.is_valid(), x.smallest_ring()) == (ring, True, ring)
        # an explicit ring overrides the inference (and is not verified on loading)
        y = Scheme.load(path, ring="Q")
        assert y.ring == "Q" and y.is_valid() == (ring == "ZT")


def test_json_without_ring_gets_the_smallest_ring(tmp_path):
    d = _f3_only().to_json()
    del d["ring"]
    path = tmp_path / "noring.json"
    path.write_text(json.dumps(d))
    assert Scheme.load(path).ring == "F3"


def test_explicit_ring_replaces_a_wrong_json_claim(tmp_path):
    d = Scheme.standard(1, 1, 1).to_json()
    d["w"] = [[2]]  # valid nowhere, and 2 is outside the claimed ZT
    path = tmp_path / "s.json"
    path.write_text(json.dumps(d))
    with pytest.raises(InvalidInputError, match="outside the claimed ring ZT"):
        Scheme.load(path)
    x = Scheme.load(path, ring="Z")
    assert x.ring == "Z" and not x.is_valid()
    assert Scheme.load(path, ring="F3").u.tolist() == [[1]] and Scheme.load(path, ring="F3").w.tolist() == [[-1]]


def test_issue_reproduction_flip_search_f3(tmp_path):
    from search.flipgraph import flip_search

    # wrap=1: every move that wraps mod 3 is taken, so the scheme holds only mod 3 (the default
    # F3 walk refuses them and finds schemes valid over the integers too)
    r = flip_search((3, 3, 3), ring="F3", target_rank=23, seed=2, time_limit=60, max_flips=20_000_000, wrap=1.0)
    assert r.reached
    for suffix in (".txt", ".flat"):
        path = tmp_path / f"f3{suffix}"
        r.scheme.save(path)
        x = Scheme.load(path)
        assert (x.ring, x.is_valid(), x.smallest_ring()) == ("F3", True, "F3")
        _strip_ring_comment(path)  # a file written by another tool has no ring line
        x = Scheme.load(path)
        assert (x.ring, x.is_valid()) == ("F3", True)


def test_scheme_valid_nowhere_is_a_clear_error(tmp_path):
    s = Scheme.strassen()
    u = s.u.copy()
    u[0, 0] = 0
    bad = Scheme((2, 2, 2), u, s.v, s.w)
    for suffix in (".txt", ".flat"):
        path = tmp_path / f"bad{suffix}"
        path.write_text(bad.to_text() if suffix == ".txt" else bad.to_flat())
        with pytest.raises(VerificationError, match="valid in none of ZT, Z, Q, F2, F3.*Brent equation"):
            Scheme.load(path)
        assert Scheme.load(path, ring="ZT").first_failure() is not None


def test_ring_comment_errors(tmp_path):
    path = tmp_path / "s.txt"
    path.write_text("# ring: F5\n" + Scheme.strassen().to_text())
    with pytest.raises(InvalidInputError, match="F5"):
        Scheme.load(path)
    path.write_text("# ring: F2\n# ring: F3\n" + Scheme.strassen().to_text())
    with pytest.raises(InvalidInputError, match="several rings"):
        Scheme.load(path)
    with pytest.raises(InvalidInputError, match="ring='R'"):
        Scheme.load(path, ring="R")
    with pytest.raises(InvalidInputError, match="fmt='xml'"):
        Scheme.load(path, fmt="xml")


def test_flat_file_stays_readable_as_plain_tokens(tmp_path):
    # a reader of the plain flat form takes n m p r and then exactly r(nm + mp + np) numbers
    s = _f3_only()
    path = tmp_path / "s.flat"
    s.save(path)
    toks = path.read_text().split()
    n, m, p, r = (int(x) for x in toks[:4])
    nums = [int(x) for x in toks[4:4 + r * (n * m + m * p + n * p)]]
    # w rows hold the transposed C (k*n + i), the convention of the ternary flip-graph framework
    w_cki = s.w.reshape(r, n, p).transpose(0, 2, 1)
    assert nums == [int(x) for a in (s.u, s.v, w_cki) for x in a.flat]
    assert path.read_text().splitlines()[-1] == "# ring: F3"


@pytest.mark.parametrize("name", ["x.xyz", "x", "x.json.bak", "x.py"])
def test_save_rejects_unknown_suffixes(tmp_path, name):
    path = tmp_path / name
    with pytest.raises(InvalidInputError) as exc:
        Scheme.strassen().save(path)
    msg = str(exc.value)
    assert all(sfx in msg for sfx in (".json", ".npz", ".txt", ".flat")) and "fmt=" in msg
    assert not path.exists()
    Scheme.strassen().save(path, fmt="json")  # an explicit fmt is fine
    assert Scheme.load(path, fmt="json") == Scheme.strassen()
    with pytest.raises(InvalidInputError, match="fmt='yaml'"):
        Scheme.strassen().save(tmp_path / "y.json", fmt="yaml")


def test_load_guesses_the_format_of_unknown_suffixes(tmp_path):
    s = _f3_only()
    for fmt in ("json", "text", "flat", "npz"):
        path = tmp_path / f"s_{fmt}.dat"
        s.save(path, fmt=fmt)
        assert Scheme.load(path) == s


@pytest.mark.parametrize("make,p", [(_f2_strassen, 2), (_f3_only, 3)])
def test_exported_code_of_prime_field_schemes_reduces_mod_p(make, p):
    s = make()
    code = s.to_python("f")
    assert f"% {p}" in code and f"(A @ B) % {p}" in code  # the reduction and the comment
    f = s.to_numpy_function()
    rng = np.random.default_rng(5)
    for _ in range(10):
        A = rng.integers(-50, 50, (2, 2))
        B = rng.integers(-50, 50, (2, 2))
        assert (f(A, B) == (A @ B) % p).all()
        assert (f(A.tolist(), B.tolist()) == (A @ B) % p).all()
    assert s.to_readable().startswith(f"# over F{p}: every formula holds modulo {p} only")
    # integer schemes are not reduced
    assert "%" not in Scheme.strassen().to_python("g")


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(["F2", "F3"]), st.integers(0, 10**6), st.sampled_from(["text", "flat", "json", "npz"]))
def test_random_sandwich_mod_p_round_trips(tmp_path_factory, ring, seed, fmt):
    # property: a scheme valid mod p (a random sandwich of Strassen mod p) keeps its ring and
    # validity through save/load, and its exported code computes (A @ B) mod p
    p = {"F2": 2, "F3": 3}[ring]
    rng = np.random.default_rng(seed)

    def invertible_mod_p():
        while True:
            M = rng.integers(0, p, (2, 2))
            if round(np.linalg.det(M)) % p:
                return M.tolist()

    s = Scheme.strassen().with_ring(ring).sandwich(invertible_mod_p(), invertible_mod_p(), invertible_mod_p())
    assert s.is_valid(ring)
    path = tmp_path_factory.mktemp("s") / f"s{SUFFIXES[fmt]}"
    s.save(path)
    back = Scheme.load(path)
    assert back.ring == ring and back.is_valid() and back == s
    A = rng.integers(-9, 9, (2, 2))
    B = rng.integers(-9, 9, (2, 2))
    assert (back.to_numpy_function()(A, B) == (A @ B) % p).all()
