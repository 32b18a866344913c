"""The peer helpers of ``disco bench flipgraph`` refuse bad input and never build inside the repo."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from engine.errors import InvalidInputError
from search.benchmarking import PeerRun, build_peer, find_cxx, peer_cache_dir, run_flip_graph_peer

REPO = Path(__file__).resolve().parents[3]


def test_build_peer_refuses_a_missing_archive(tmp_path):
    with pytest.raises(InvalidInputError, match="archive="):
        build_peer(tmp_path / "nope.tar.gz", cache=tmp_path)


def test_build_peer_refuses_a_bad_target_and_jobs(tmp_path):
    arc = tmp_path / "x.tar.gz"
    arc.write_bytes(b"")
    with pytest.raises(InvalidInputError, match="target="):
        build_peer(arc, "../evil", cache=tmp_path)
    with pytest.raises(InvalidInputError, match="jobs="):
        build_peer(arc, "flip_graph", cache=tmp_path, jobs=0)


def test_peer_cache_is_outside_the_repository(monkeypatch):
    monkeypatch.delenv("DISCO_PEER_CACHE", raising=False)
    assert REPO not in peer_cache_dir().resolve().parents


def test_build_peer_reuses_a_cached_binary(tmp_path):
    arc = tmp_path / "peer-1.tar.gz"
    arc.write_bytes(b"")
    exe = tmp_path / "cache" / "peer-1" / "build" / "flip_graph"
    exe.parent.mkdir(parents=True)
    exe.write_text("#!/bin/sh\n")
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
    assert build_peer(arc, cache=tmp_path / "cache") == exe


def _fake_peer(tmp_path: Path) -> Path:
    """A stand-in for the peer's binary printing two reports (checks the parsing, not the peer)."""
    exe = tmp_path / "flip_graph"
    exe.write_text("#!/bin/sh\n"
                   "echo '| dimension: 3x3x3   seed: 1   best rank: 25 |'\n"
                   "echo '- iteration time (last / min / max / mean): 0.01 / 0.01 / 0.01 / 0.01'\n"
                   "echo '| dimension: 3x3x3   seed: 1   best rank: 23 |'\n"
                   "echo '- iteration time (last / min / max / mean): 0.01 / 0.01 / 0.01 / 0.01'\n")
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
    return exe


def test_run_flip_graph_peer_parses_reports(tmp_path):
    run = run_flip_graph_peer(_fake_peer(tmp_path), (3, 3, 3), "ZT", seed=1, target_rank=23, time_limit=10,
                              flip_iterations=1000)
    assert isinstance(run, PeerRun)
    assert (run.best_rank, run.flips, run.reports, run.reached) == (23, 2000, 2, True)


@pytest.mark.parametrize("kw, name", [
    ({"fmt": (3, 3)}, "fmt="), ({"fmt": (3, 0, 3)}, "fmt="), ({"ring": "Q"}, "ring="),
    ({"seed": 0}, "seed="), ({"target_rank": -1}, "target_rank="), ({"time_limit": -1.0}, "time_limit="),
    ({"flip_iterations": 5}, "flip_iterations="),
])
def test_run_flip_graph_peer_refuses_bad_input(tmp_path, kw, name):
    args = {"fmt": (3, 3, 3), "ring": "ZT", "seed": 1, "target_rank": 0, "time_limit": 1.0, "flip_iterations": 1000}
    args.update(kw)
    fmt = args.pop("fmt")
    ring = args.pop("ring")
    with pytest.raises(InvalidInputError, match=name):
        run_flip_graph_peer(_fake_peer(tmp_path), fmt, ring, **args)


def test_run_flip_graph_peer_refuses_a_non_executable(tmp_path):
    with pytest.raises(InvalidInputError, match="binary="):
        run_flip_graph_peer(tmp_path / "missing", (2, 2, 2))


def test_find_cxx_returns_an_executable_or_none():
    cxx = find_cxx()
    assert cxx is None or os.access(cxx, os.X_OK)
