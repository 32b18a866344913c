"""Kill -9 and resume of the GPU walks (CUDA simulator, in a child process).

Oracle: every rank the killed run printed has a scheme in the store that re-verifies exactly
(Brent equations over ZT), and the resumed run (the same run, from its checkpoint: walkers,
generators and counters as they were) never returns a rank above one printed before the kill.
<2,2,4> towards 13 is out of reach (its rank is 14: Hopcroft and Kerr 1971, ceil(7n/2) for
<2,2,n>), so the run is still walking when it is killed.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from search.flipgraph.spec import scheme_from_json
from search.store import ResultsStore

ROOT = Path(__file__).resolve().parents[3]
RANK = re.compile(r"rank (\d+) over (\w+)")
SCRIPT = """
import json, sys
from search.flipgraph.gpu import gpu_flip_search
ck, db, limit = sys.argv[1], sys.argv[2], float(sys.argv[3])
r = gpu_flip_search((2, 2, 4), ring="ZT", target_rank=13, walkers=2, seed=1, time_limit=limit, launch_steps=40,
                    checkpoint=ck, checkpoint_every=0.3, store=db, resume=len(sys.argv) > 4, progress=True)
print(json.dumps({"rank": r.rank, "flips": r.flips, "elapsed": r.elapsed, "valid": r.scheme.is_valid("ZT")}))
"""


def _env() -> dict:
    env = dict(os.environ)
    env["NUMBA_ENABLE_CUDASIM"] = "1"
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


@pytest.mark.slow
def test_kill_9_mid_gpu_walk_then_resume_loses_nothing(tmp_path):
    ck, db, err = tmp_path / "ck.json", tmp_path / "s.db", tmp_path / "err.txt"
    args = [str(ck), str(db), "12"]
    with open(err, "w") as fh:
        proc = subprocess.Popen([sys.executable, "-c", SCRIPT, *args], env=_env(), cwd=tmp_path,
                                stdout=subprocess.DEVNULL, stderr=fh)
        t0 = time.time()
        while time.time() - t0 < 90 and proc.poll() is None:
            if ck.exists() and any(int(r) <= 16 for r, _ in RANK.findall(err.read_text())):
                time.sleep(1.0)
                break
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    printed = [int(r) for r, ring in RANK.findall(err.read_text()) if ring == "ZT"]
    assert printed and min(printed) <= 16  # the start (16) or better was reported before the kill
    stored = [scheme_from_json(r.payload) for r in ResultsStore(db).results(domain="schemes")]
    assert all(s.is_valid("ZT") for s in stored)
    assert set(printed) <= {s.rank for s in stored}  # committed before printed

    fin = subprocess.run([sys.executable, "-c", SCRIPT, *args, "resume"], env=_env(), cwd=tmp_path,
                         capture_output=True, text=True, timeout=180)
    assert fin.returncode == 0, fin.stderr[-2000:]
    rep = json.loads(fin.stdout.strip().splitlines()[-1])
    assert rep["valid"] and rep["rank"] <= min(printed)
    assert rep["elapsed"] >= 11.9  # the time limit spans both parts: the resumed run is the same run
    runs = ResultsStore(db).runs("flipgraph.gpu")
    assert len(runs) == 1
