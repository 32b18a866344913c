"""Atomic checkpoints: round trip, atomic replacement, corrupt/foreign/versioned files."""

from __future__ import annotations

import os
import pickle

import numpy as np
import pytest

from engine.errors import CheckpointError, InvalidInputError, StoreError
from search.checkpoint import CHECKPOINT_FORMAT, load_checkpoint, save_checkpoint


def test_roundtrip_with_numpy_and_generator_state(tmp_path):
    rng = np.random.default_rng(5)
    data = {"a": np.arange(4), "rng": rng.bit_generator.state, "nested": [1, (2, 3)]}
    save_checkpoint(tmp_path / "c", data, kind="k")
    back = load_checkpoint(tmp_path / "c", kind="k")
    assert (back["a"] == np.arange(4)).all() and back["nested"] == [1, (2, 3)]
    fresh = np.random.default_rng(0)
    fresh.bit_generator.state = back["rng"]
    assert fresh.integers(1 << 30) == rng.integers(1 << 30)


def test_missing_file_is_none(tmp_path):
    assert load_checkpoint(tmp_path / "nope", kind="k") is None


def test_replacement_leaves_no_temp_files(tmp_path):
    for i in range(5):
        save_checkpoint(tmp_path / "c", {"i": i}, kind="k")
    assert os.listdir(tmp_path) == ["c"]
    assert load_checkpoint(tmp_path / "c", kind="k") == {"i": 4}


def test_failed_write_keeps_previous(tmp_path):
    save_checkpoint(tmp_path / "c", {"i": 1}, kind="k")
    with pytest.raises(InvalidInputError, match="cannot be pickled"):
        save_checkpoint(tmp_path / "c", {"f": lambda: 0}, kind="k")
    assert load_checkpoint(tmp_path / "c", kind="k") == {"i": 1}
    with pytest.raises(StoreError, match="cannot write checkpoint"):
        save_checkpoint(tmp_path / "missing-dir" / "c", {"i": 2}, kind="k")


def _envelope(tmp_path, **changes):
    import json

    save_checkpoint(tmp_path / "good", {"x": 1}, kind="k")
    env = json.loads((tmp_path / "good").read_text())
    env.update(changes)
    return json.dumps(env).encode()


@pytest.mark.parametrize("make, match", [
    (lambda p: b"", "truncated or corrupt"),
    (lambda p: b"not json", "truncated or corrupt"),
    (lambda p: pickle.dumps({"hello": 1}), "old binary"),
    (lambda p: b'{"hello": 1}', "not a disco checkpoint"),
    (lambda p: _envelope(p, format=CHECKPOINT_FORMAT + 1), "another version"),
    (lambda p: _envelope(p, package="0.0.1"), "another version"),
    (lambda p: _envelope(p, kind="other"), "another search"),
    (lambda p: _envelope(p, header={"steps": 7}), "checksum"),
])
def test_bad_files(tmp_path, make, match):
    blob = make(tmp_path)
    path = tmp_path / "c"
    path.write_bytes(blob)
    with pytest.raises(CheckpointError, match=match):
        load_checkpoint(path, kind="k")
    assert path.read_bytes() == blob


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                               max_size=4),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(blob=st.binary(max_size=200))
def test_property_random_bytes_never_crash_the_reader(tmp_path, blob):
    path = tmp_path / "c"
    path.write_bytes(blob)
    try:
        load_checkpoint(path, kind="k")
    except CheckpointError as exc:
        assert "\n" not in str(exc)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(["magic", "format", "package", "kind", "state_version", "params",
                              "seed", "header", "blob", "sha256", "written"]),
       value=_JSON)
def test_property_an_edited_envelope_is_refused_cleanly(tmp_path, field, value):
    import json

    save_checkpoint(tmp_path / "good", {"x": 1}, kind="k")
    env = json.loads((tmp_path / "good").read_text())
    if env.get(field) == value:
        return
    env[field] = value
    path = tmp_path / "c"
    path.write_text(json.dumps(env))
    with pytest.raises(CheckpointError):
        load_checkpoint(path, kind="k")
