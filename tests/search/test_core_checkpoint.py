"""Atomic checkpoints: round trip, atomic replacement, corrupt/foreign/versioned files."""

from __future__ import annotations

import os
import pickle

import numpy as np
import pytest

from engine.errors import InvalidInputError, StoreError
from search.checkpoint import CHECKPOINT_VERSION, load_checkpoint, save_checkpoint


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


@pytest.mark.parametrize("blob, match", [
    (b"", "corrupt"),
    (b"not a pickle", "corrupt"),
    (pickle.dumps({"hello": 1}), "not a disco checkpoint"),
    (pickle.dumps({"magic": "disco-checkpoint", "version": CHECKPOINT_VERSION + 1,
                   "kind": "k", "data": {}}), "version"),
    (pickle.dumps({"magic": "disco-checkpoint", "version": CHECKPOINT_VERSION,
                   "kind": "other", "data": {}}), "written by 'other'"),
])
def test_bad_files(tmp_path, blob, match):
    path = tmp_path / "c"
    path.write_bytes(blob)
    with pytest.raises(StoreError, match=match):
        load_checkpoint(path, kind="k")
    assert path.read_bytes() == blob
