"""The scheme-file readers never crash: any input gives a scheme or a one-line InvalidInputError.

Property tests (hypothesis) over the four readers of :mod:`engine.scheme_formats`: the JSON
form (``Scheme.from_json``, and the ternary flip-graph framework's JSON), the product-per-line
text (``.exp``) form (``Scheme.from_text``), the flat ``n m p r`` form (``Scheme.from_flat``)
and ``Scheme.load`` on files of any content and suffix, ``.npz`` archives included. Inputs are
random text and bytes, and mutations of valid files (Strassen's scheme, V. Strassen,
"Gaussian elimination is not optimal", Numer. Math. 13, 1969), which reach deeper into the
parsers than random text does.
"""

import io
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.errors import InvalidInputError, VerificationError
from engine.schemes import Scheme

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

RINGS = st.sampled_from([None, "ZT", "Z", "Q", "F2", "F3", "f3", "", "R", "F5", " F2 "])
FORMATS = st.one_of(st.none(), st.sampled_from(["2x2x2", "1x1x1", "2x3x4", "0x2x2", "axbxc", "2x2", "99999x99999x9"]),
                    st.tuples(st.integers(-3, 5), st.integers(-3, 5), st.integers(-3, 5)))

#: pieces of the text forms: variables, coefficients, separators, comments, headers
TEXT_TOKENS = st.sampled_from([
    "(", ")", "*", "+", "-", " ", "\n", "\t", "a", "b", "c", "A", "B", "C", "1", "2", "0", "9", "11", "12",
    "21", "22", "1_2", "{1,2}", "_", "/", "1/2", "0/1", "1/0", "3", "#", "# ring: F3", "# ring: F2", "# ring: X",
    "=", "m1 =", "a11", "b22", "c21", "a99999_99999", "a1_100000", "e", ".", "1e9", "2**3", "\x00", "\u00e9",
    "2 2 2 7", "1 1 1 1", "-1", "99999999999999999999", "nan", "inf",
])

STRASSEN = Scheme.strassen()


def _assert_clean(fn, *args, **kwargs):
    """``fn`` returns (a scheme) or raises InvalidInputError with a one-line message."""
    return _assert_clean_as((InvalidInputError,), fn, *args, **kwargs)


def _assert_loads_clean(path, **kwargs):
    """``Scheme.load`` returns a scheme or raises a one-line InvalidInputError; a file that parses
    but records no ring and is valid in none is the documented VerificationError."""
    return _assert_clean_as((InvalidInputError, VerificationError), Scheme.load, path, **kwargs)


def _assert_clean_as(errors, fn, *args, **kwargs):
    try:
        out = fn(*args, **kwargs)
    except errors as exc:
        msg = str(exc)
        assert msg and "\n" not in msg, f"multi-line or empty message: {msg!r}"
        assert len(msg) < 2000, f"message of {len(msg)} characters"
        return None
    return out


def _mutate(text: str, data) -> str:
    """A few random edits (delete, insert, replace) of ``text``."""
    chars = list(text)
    for _ in range(data.draw(st.integers(1, 6))):
        op = data.draw(st.sampled_from(["del", "ins", "rep"]))
        i = data.draw(st.integers(0, max(0, len(chars) - 1)))
        piece = data.draw(st.sampled_from(list("()*+-0123456789abc/ \n#_,{}[]\":.e") + ["", "-1", "2", "x"]))
        if op == "del" and chars:
            del chars[i]
        elif op == "ins":
            chars[i:i] = list(piece)
        elif chars:
            chars[i:i + 1] = list(piece)
    return "".join(chars)


# ----------------------------------------------------------------------------- text (.exp) form
@FUZZ
@given(st.text(max_size=200), FORMATS, RINGS)
def test_text_reader_never_crashes_on_random_text(text, fmt, ring):
    s = _assert_clean(Scheme.from_text, text, format=fmt, ring=ring)
    assert s is None or isinstance(s, Scheme)


@FUZZ
@given(st.lists(TEXT_TOKENS, max_size=60).map("".join), FORMATS, RINGS)
def test_text_reader_never_crashes_on_token_soup(text, fmt, ring):
    _assert_clean(Scheme.from_text, text, format=fmt, ring=ring)


@FUZZ
@given(st.data())
def test_text_reader_never_crashes_on_edited_strassen(data):
    text = _mutate(STRASSEN.to_text(), data)
    s = _assert_clean(Scheme.from_text, text)
    if s is not None:
        _assert_clean(s.first_failure, s.ring)  # verifying what was read never crashes either


# ----------------------------------------------------------------------------- flat form
@FUZZ
@given(st.text(max_size=200), RINGS)
def test_flat_reader_never_crashes_on_random_text(text, ring):
    _assert_clean(Scheme.from_flat, text, ring=ring)


@FUZZ
@given(st.lists(st.integers(-3, 4), min_size=4, max_size=4),
       st.lists(st.sampled_from(["0", "1", "-1", "2", "1/2", "x", "1/0", "1e3", "99999999999999999999"]), max_size=80),
       RINGS)
def test_flat_reader_never_crashes_on_headers_and_coefficients(header, coeffs, ring):
    text = " ".join(str(x) for x in header) + "\n" + " ".join(coeffs)
    _assert_clean(Scheme.from_flat, text, ring=ring)


@FUZZ
@given(st.data())
def test_flat_reader_never_crashes_on_edited_strassen(data):
    _assert_clean(Scheme.from_flat, _mutate(STRASSEN.to_flat(), data))


# ----------------------------------------------------------------------------- JSON forms
JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True, allow_infinity=True),
              st.text(max_size=8)),
    lambda inner: st.lists(inner, max_size=6) | st.dictionaries(st.text(max_size=6), inner, max_size=6),
    max_leaves=30,
)


@FUZZ
@given(JSON_VALUES)
def test_json_reader_never_crashes_on_random_json(value):
    _assert_clean(Scheme.from_json, value)
    _assert_clean(Scheme.from_json, json.dumps(value))


@FUZZ
@given(st.text(max_size=200))
def test_json_reader_never_crashes_on_random_strings(text):
    _assert_clean(Scheme.from_json, text)


@FUZZ
@given(st.sampled_from(["format", "rank", "ring", "u", "v", "w"]), JSON_VALUES)
def test_json_reader_never_crashes_when_one_key_of_strassen_is_replaced(key, value):
    d = STRASSEN.to_json()
    d[key] = value
    _assert_clean(Scheme.from_json, d)
    del d[key]
    _assert_clean(Scheme.from_json, d)


@FUZZ
@given(st.sampled_from(["n", "m", "z2", "ring", "u", "v", "w"]), JSON_VALUES)
def test_framework_json_reader_never_crashes(key, value):
    flat = STRASSEN.to_flat().split()
    n, m, p, r = (int(x) for x in flat[:4])
    vals = [int(x) for x in flat[4:]]
    a, b = r * n * m, r * n * m + r * m * p
    d = {"n": [n, m, p], "m": r, "z2": False, "u": [vals[t * 4:(t + 1) * 4] for t in range(r)],
         "v": [vals[a + t * 4:a + (t + 1) * 4] for t in range(r)], "w": [vals[b + t * 4:b + (t + 1) * 4] for t in range(r)]}
    assert Scheme.from_json(d) == STRASSEN
    d[key] = value
    _assert_clean(Scheme.from_json, d)


@FUZZ
@given(st.data())
def test_json_reader_never_crashes_on_edited_strassen(data):
    _assert_clean(Scheme.from_json, _mutate(json.dumps(STRASSEN.to_json()), data))


# ----------------------------------------------------------------------------- files (load)
@FUZZ
@given(st.binary(max_size=300), st.sampled_from([".json", ".txt", ".exp", ".flat", ".npz", "", ".dat"]),
       st.sampled_from([None, "json", "npz", "text", "flat"]), RINGS)
def test_load_never_crashes_on_random_bytes(tmp_path_factory, raw, suffix, fmt, ring):
    path = tmp_path_factory.mktemp("fuzz") / f"s{suffix}"
    path.write_bytes(raw)
    _assert_loads_clean(path, fmt=fmt, ring=ring)


@FUZZ
@given(st.data(), st.sampled_from(["json", "text", "flat"]))
def test_load_never_crashes_on_edited_files(tmp_path_factory, data, fmt):
    path = tmp_path_factory.mktemp("fuzz") / {"json": "s.json", "text": "s.exp", "flat": "s.flat"}[fmt]
    path.write_text(_mutate(STRASSEN.dumps(fmt), data))
    _assert_loads_clean(path)


NPZ_ARRAYS = st.one_of(
    st.builds(np.array, st.lists(st.integers(-3, 3), max_size=8)),
    st.builds(lambda r, c, seed: np.random.default_rng(seed).integers(-2, 3, (r, c)),
              st.integers(0, 8), st.integers(0, 5), st.integers(0, 99)),
    st.builds(np.array, st.lists(st.floats(allow_nan=True), max_size=4)),
    st.builds(np.array, st.text(max_size=4)),
    st.builds(np.array, st.lists(st.text(max_size=3), max_size=4)),
    st.just(np.zeros((0,), dtype=np.int64)),
    st.just(np.array([[1, 2], [3, 4]], dtype=np.uint8)),
    st.just(np.array(2**62, dtype=np.int64)),
    st.just(np.array([2, 2, 2])),
    st.just(np.array([2, 2])),
    st.just(np.array([1.5, 2, 2])),
    st.just(np.array([[1, 0]], dtype=bool)),
    st.just(np.array([1 + 2j, 2, 2])),
)


@FUZZ
@given(st.dictionaries(st.sampled_from(["u", "v", "w", "format", "ring", "u_den", "v_den", "w_den", "x"]),
                       NPZ_ARRAYS, max_size=9))
def test_load_never_crashes_on_random_npz(tmp_path_factory, arrays):
    path = tmp_path_factory.mktemp("fuzz") / "s.npz"
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)
    _assert_loads_clean(path)


@FUZZ
@given(st.sampled_from(["u", "v", "w", "format", "ring", "u_den"]), NPZ_ARRAYS)
def test_load_never_crashes_when_one_npz_array_of_strassen_is_replaced(tmp_path_factory, key, arr):
    path = tmp_path_factory.mktemp("fuzz") / "s.npz"
    data = {"format": np.array([2, 2, 2]), "ring": np.array("ZT"), "u": np.array(STRASSEN.u, dtype=np.int64),
            "v": np.array(STRASSEN.v, dtype=np.int64), "w": np.array(STRASSEN.w, dtype=np.int64)}
    data[key] = arr
    with open(path, "wb") as fh:
        np.savez(fh, **data)
    _assert_loads_clean(path)


def test_npz_with_pickled_objects_is_refused_without_unpickling(tmp_path):
    """An object array in an .npz would need pickle to load; it is refused, never unpickled."""
    path = tmp_path / "s.npz"
    buf = io.BytesIO()
    np.savez(buf, u=np.array([object()], dtype=object), v=np.array([1]), w=np.array([1]), format=np.array([1, 1, 1]))
    path.write_bytes(buf.getvalue())
    with pytest.raises(InvalidInputError):
        Scheme.load(path)


# ----------------------------------------------------------------------------- regressions found by the fuzzing
@pytest.mark.parametrize("text", [
    "(a100000_100000)*(b1_1)*(c1_1)",  # MemoryError while allocating the rows of a 10^10-entry factor
    "(a99999_99999)*(b1_1)*(c1_1)\n(a1_1)*(b1_1)*(c1_1)",
])
def test_text_with_huge_indices_is_refused_before_allocating(text):
    with pytest.raises(InvalidInputError, match="too large|beyond"):
        Scheme.from_text(text)

