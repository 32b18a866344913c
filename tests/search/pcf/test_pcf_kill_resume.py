"""``disco cf search`` killed with ``kill -9`` at random moments and resumed loses nothing and
ends with exactly the store of an uninterrupted run.

The oracle is the uninterrupted run itself (same box, same code): the enumeration is
deterministic, so the ``results`` rows (domain, key, payload text) of the killed-and-resumed
run must equal its rows, and every hit a killed run printed must be in the store (it is
committed before it is printed).
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time

from search.cli import main
from search.pcf import pcf_key
from search.testing import stored_results, subprocess_env, wait_for_new_checkpoint

_BOX = ["cf", "search", "--a-degree", "1", "--b-degree", "2", "--range", "4",
        "--constants", "e,pi,log(2)", "--backend", "serial"]
_LINE = re.compile(r"^contfrac\.enumerate: a=(\[[^\]]*\]) b=(\[[^\]]*\])")


def _printed(stderr: str) -> set[str]:
    keys = set()
    for line in stderr.splitlines():
        m = _LINE.match(line)
        if m:
            keys.add(pcf_key(eval(m.group(1)), eval(m.group(2))))  # noqa: S307 - our own lists
    return keys


def test_kill_9_at_random_moments_then_resume_gives_the_uninterrupted_store(tmp_path):
    ref = str(tmp_path / "ref.db")
    assert main(_BOX + ["--db", ref, "-q"]) == 0  # the uninterrupted run
    ref_rows = stored_results(ref)
    assert len(ref_rows) > 100

    db, ck = str(tmp_path / "s.db"), str(tmp_path / "ck.json")
    cmd = [sys.executable, "-m", "search.cli", *_BOX, "--db", db, "--checkpoint", ck,
           "--checkpoint-every", "0.5"]
    rnd = random.Random(20240607)
    printed: set[str] = set()
    stored_before: set = set()
    kills = 0
    for _ in range(3):
        since = os.path.getmtime(ck) if os.path.exists(ck) else None
        proc = subprocess.Popen(cmd + (["--resume"] if since is not None else []), env=subprocess_env(),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_for_new_checkpoint(ck, since, proc)  # the run has started (and checkpointed)
        time.sleep(rnd.uniform(0.6, 1.8))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        _, err = proc.communicate(timeout=60)
        assert "Traceback" not in err, err
        printed |= _printed(err)
        rows = stored_results(db)
        assert printed <= {k for _, k, _ in rows}  # every printed hit was committed first
        assert stored_before <= rows  # nothing committed before a kill is lost
        stored_before = rows
    assert kills >= 2
    assert os.path.exists(ck)
    fin = subprocess.run(cmd + ["--resume"], env=subprocess_env(), capture_output=True, text=True,
                         timeout=120)
    assert fin.returncode == 0, fin.stderr
    assert stored_before <= stored_results(db)
    assert stored_results(db) == ref_rows  # exactly the uninterrupted run's results (keys and payloads)
