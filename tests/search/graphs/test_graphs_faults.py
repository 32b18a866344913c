"""Fault tolerance of the graph search: a killed worker process costs at most one chunk, a
killed coordinator loses nothing already verified (the store keeps it) and --resume goes on.

Both tests start processes and wait for checkpoints, so they are marked slow.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from search.backends import get_backend
from search.checkpoint import load_checkpoint
from search.graphs import extremal_graph_search, find_forbidden_cycle, from_graph6
from search.store import ResultsStore

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.slow
def test_killed_worker_is_replaced_and_run_completes():
    killed = []
    with get_backend("process", workers=2) as be:

        def progress(event):
            procs = getattr(be.executor, "_processes", None) or {}
            if not killed and procs and event["steps"] > 0:
                pid = next(iter(procs))
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

        res = extremal_graph_search(n=22, forbidden=(4,), seed=1, steps=16_000, walkers=2,
                                    backend=be, chunk_steps=1000, progress=progress)
    assert killed, "the test did not manage to kill a worker"
    assert res.steps == 16_000 and res.is_valid()


@pytest.mark.slow
def test_killed_coordinator_keeps_verified_results_and_resumes(tmp_path):
    db = tmp_path / "k.db"
    env = dict(os.environ, DISCO_DB=str(db), PYTHONPATH=str(ROOT))
    cmd = [sys.executable, "-m", "search.cli", "graphs", "search", "--n", "45", "--forbid", "4", "--seed", "2",
           "--steps", "100000000", "--quiet"]
    proc = subprocess.Popen(cmd, env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    ckpt = tmp_path / ".k.db.graphs-n45-C4-seed2.ckpt"
    deadline = time.time() + 90
    while time.time() < deadline and not ckpt.exists():
        time.sleep(0.5)
    time.sleep(0.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert ckpt.exists(), proc.stderr.read().decode()
    rows = ResultsStore(db).results(domain="graphs")
    assert rows and all(r.verified for r in rows)
    for r in rows:  # what was stored before the kill is really valid
        G = from_graph6(r.payload["graph6"])
        assert find_forbidden_cycle(G, (4,)) is None and G.number_of_edges() == r.payload["edges"]
    saved = load_checkpoint(ckpt, kind="graphs:extremal")
    goal = saved["steps"] + 2000
    out = subprocess.run(cmd[:-3] + ["--steps", str(goal), "--resume", "--json"], env=env,
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["steps"] == goal and data["edges"] >= max(r.payload["edges"] for r in rows)
