"""kill -9 and resume for every generic driver (tabu, annealing, MAP-Elites, curriculum,
portfolio): a real subprocess is killed after it has checkpointed, resumed (tabu: killed and
resumed twice), and compared with an uninterrupted run of the same seed and step budget.

The drivers are deterministic given the seed and the step budget (chunk boundaries do not
change a walk), so the resumed run must end with exactly the uninterrupted result; and every
result a killed run printed must already be in the store (it is committed before it is
printed).
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time

import pytest

from search.store import ResultsStore

_SCRIPT = r"""
import json, sys, time
from search.drivers import (Descriptor, OneMaxFlips, annealing_search, curriculum, map_elites,
                            run_portfolio, seed_tasks, tabu_search)


class SlowOneMax(OneMaxFlips):
    def sample_moves(self, s, rng, k):
        time.sleep(0.0005)
        return super().sample_moves(s, rng, k)


def ones(s):
    return float(sum(s))


def solve(size, seeds, seed):
    time.sleep(0.1)
    v = size * 10 + max(seeds, default=0) % 7 + seed % 5
    return v, float(v)


def grow(sol, a, b):
    return sol


W = [((7 * i) % 23) + 1 for i in range(24)]
which, ck, db = sys.argv[1:4]
run = dict(checkpoint=ck, checkpoint_every=0.05, resume=len(sys.argv) > 4, store=db,
           progress=True)
p = SlowOneMax(W, cap=12)
if which == "tabu":
    r = tabu_search(p, steps=1200, seed=3, tenure=3, restart_after=40, **run)
    out = {"best": list(r.best), "score": r.best_score, "steps": r.steps}
elif which == "annealing":
    r = annealing_search(p, steps=1200, seed=3, t_start=3.0, period=300, **run)
    out = {"best": list(r.best), "score": r.best_score, "steps": r.steps}
elif which == "map_elites":
    r = map_elites(p, [Descriptor("ones", ones, 0, 24, 25)], steps=600, seed=3, **run)
    out = {"table": [dict(row, cell=list(row["cell"])) for row in r.table()], "steps": r.steps}
elif which == "curriculum":
    r = curriculum(list(range(1, 11)), solve, grow=grow, seed=3, **run)
    out = {"stages": [[s.size, s.score, s.solution] for s in r.stages]}
else:
    tasks = seed_tasks("tabu", tabu_search, [1, 2, 3, 4], problem=p, steps=400)
    r = run_portfolio(tasks, backend="serial", **run)
    out = {"entries": [[e.name, e.score] for e in r.entries]}
print("RESULT", json.dumps(out, sort_keys=True))
"""

#: what a progress line of each driver starts with, and how to read its score
_PREFIX = {"tabu": "tabu:SlowOneMax: score ", "annealing": "annealing:SlowOneMax: score ",
           "map_elites": "map-elites:SlowOneMax: elite score ",
           "curriculum": "drivers:curriculum: size ", "portfolio": "portfolio: task "}


def _env():
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _printed_scores(which: str, err: str) -> list[float]:
    out = []
    for line in err.splitlines():
        if line.startswith(_PREFIX[which]):
            out.append(float(re.search(r"scored? (-?[0-9.]+)", line).group(1)))
    return out


def _wait_for_progress(ck: str, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    """Until the checkpoint records some work (or the process ends)."""
    t0 = time.time()
    while time.time() - t0 < timeout and proc.poll() is None:
        try:
            with open(ck) as fh:
                header = json.load(fh)["header"]
            if sum(header["walker_steps"]) > 0 and header["n_found"] > 0:
                return
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.02)


def _result(stdout: str) -> dict:
    line = next(x for x in stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line[len("RESULT "):])


@pytest.mark.parametrize("which", [
    "tabu", pytest.param("annealing", marks=pytest.mark.slow), "map_elites", "curriculum",
    "portfolio"])
def test_kill_9_and_resume_match_an_uninterrupted_run(tmp_path, which):
    rnd = random.Random(which)
    ref = subprocess.run([sys.executable, "-c", _SCRIPT, which, str(tmp_path / "ref.json"),
                          str(tmp_path / "ref.db")], env=_env(), capture_output=True, text=True,
                         timeout=120)
    assert ref.returncode == 0, ref.stderr
    ck, db = str(tmp_path / "ck.json"), str(tmp_path / "s.db")
    printed: list[float] = []
    for _ in range(2 if which == "tabu" else 1):
        args = [sys.executable, "-c", _SCRIPT, which, ck, db] + (["resume"] if os.path.exists(ck) else [])
        proc = subprocess.Popen(args, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        _wait_for_progress(ck, proc)
        time.sleep(rnd.uniform(0.02, 0.1))
        proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate()
        assert proc.returncode == -signal.SIGKILL, err  # killed mid-run, not finished
        printed += _printed_scores(which, err)
        stored = {r.score for r in ResultsStore(db).results() if r.score is not None}
        assert set(printed) <= stored  # everything printed was committed first
    fin = subprocess.run([sys.executable, "-c", _SCRIPT, which, ck, db, "resume"], env=_env(),
                         capture_output=True, text=True, timeout=120)
    assert fin.returncode == 0, fin.stderr
    assert _result(fin.stdout) == _result(ref.stdout)
    if which in ("tabu", "annealing"):
        assert _result(fin.stdout)["score"] >= max(printed, default=0)
    stored = {r.score for r in ResultsStore(db).results() if r.score is not None}
    assert set(printed) <= stored
