"""Fault tolerance of the graph search on the runner: ``kill -9`` of ``disco graphs search``
loses nothing it printed, ``--resume`` ends exactly as an uninterrupted run (the walk is a
function of its checkpointed state), and a killed worker process costs at most one chunk.

Oracle for the resumed run: the same search run uninterrupted in this process (same seed and
step budget); every stored record is re-verified from its payload alone
(:func:`search.graphs.verify_payload`).
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from search.backends import get_backend
from search.graphs import extremal_graph_search, verify_payload
from search.store import ResultsStore

ROOT = Path(__file__).resolve().parents[3]
LINE = re.compile(r"^graphs\.extremal: (\d+) edges \(n=45, no C4\)")


def _env(tmp_path):
    return dict(os.environ, DISCO_DB=str(tmp_path / "unused.db"),
                PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))


def _header(ck: Path) -> dict:
    try:
        return json.loads(ck.read_text())["header"]
    except (OSError, ValueError, KeyError):
        return {}


def test_kill_9_then_resume_loses_nothing_and_ends_as_an_uninterrupted_run(tmp_path):
    db, ck, err = tmp_path / "k.db", tmp_path / "ck.json", tmp_path / "err.txt"
    steps = 120_000
    cmd = [sys.executable, "-m", "search.cli", "graphs", "search", "--n", "45", "--forbid", "4",
           "--steps", str(steps), "--checkpoint", str(ck), "--checkpoint-every", "0.1",
           "--db", str(db)]
    with open(err, "w") as fh:
        proc = subprocess.Popen(cmd + ["--seed", "2"], env=_env(tmp_path), cwd=tmp_path,
                                stdout=subprocess.DEVNULL, stderr=fh)
        deadline = time.time() + 90
        # kill once a progress line is out and a checkpoint holds at least one result
        while time.time() < deadline and proc.poll() is None:
            if LINE.match(err.read_text()) and _header(ck).get("n_found", 0) >= 1:
                break
            time.sleep(0.02)
        assert proc.poll() is None, f"the run ended before it could be killed: {err.read_text()}"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    printed = [int(m.group(1)) for m in map(LINE.match, err.read_text().splitlines()) if m]
    assert printed and _header(ck)["walker_steps"][0] < steps
    rows = ResultsStore(db).results(domain="graphs")
    assert set(printed) <= {int(r.score) for r in rows}  # everything printed was stored first
    for r in rows:
        verify_payload(r.payload, r.key)

    out = subprocess.run(cmd + ["--resume", "--json", "-q"], env=_env(tmp_path), cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 1, out.stderr  # C4-free: no known value, the trivial bound is missed
    data = json.loads(out.stdout)
    assert data["resumed"] and data["steps"] == steps and data["seed"] == 2
    assert data["edges"] >= max(printed)  # never worse than what the killed run printed
    ref = extremal_graph_search(45, forbidden=(4,), seed=2, steps=steps)
    assert (data["graph6"], data["edges"]) == (ref.graph6, ref.edges)
    rows = ResultsStore(db).results(domain="graphs")
    assert max(int(r.score) for r in rows) == ref.edges
    for r in rows:
        verify_payload(r.payload, r.key)


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
def test_kill_9_of_a_curriculum_keeps_its_stages(tmp_path):
    db, ck, err = tmp_path / "c.db", tmp_path / "cur.json", tmp_path / "err.txt"
    cmd = [sys.executable, "-m", "search.cli", "graphs", "curriculum", "--from", "40", "--to",
           "44", "--forbid", "4", "--steps-per-size", "60000", "--checkpoint", str(ck),
           "--checkpoint-every", "0.1", "--db", str(db)]
    with open(err, "w") as fh:
        proc = subprocess.Popen(cmd, env=_env(tmp_path), cwd=tmp_path,
                                stdout=subprocess.DEVNULL, stderr=fh)
        deadline = time.time() + 120
        while time.time() < deadline and proc.poll() is None:
            if "n=41:" in err.read_text():  # one stage done, the next under way
                break
            time.sleep(0.05)
        assert proc.poll() is None, err.read_text()
        time.sleep(0.5)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    done = [int(x) for x in re.findall(r"^n=\d+: (\d+) edges", err.read_text(), re.M)]
    out = subprocess.run(cmd + ["--resume", "--json", "-q"], env=_env(tmp_path), cwd=tmp_path,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 1, out.stderr
    data = json.loads(out.stdout)
    assert [r["n"] for r in data["sizes"]] == [40, 41, 42, 43, 44]
    assert [r["edges"] for r in data["sizes"]][:len(done)] == done
    assert not list(tmp_path.glob("cur.json.stage-*"))  # removed once the curriculum completed
