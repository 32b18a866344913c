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
import sqlite3
import subprocess
import sys
import time

from search.cli import main
from search.pcf import pcf_key

_BOX = ["cf", "search", "--a-degree", "1", "--b-degree", "2", "--range", "4",
        "--constants", "e,pi,log(2)", "--backend", "serial"]
_LINE = re.compile(r"^contfrac\.enumerate: a=(\[[^\]]*\]) b=(\[[^\]]*\])")


def _env() -> dict:
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _rows(db: str) -> set[tuple[str, str, str]]:
    if not os.path.exists(db):
        return set()
    conn = sqlite3.connect(db)
    try:
        return set(conn.execute("SELECT domain, key, payload FROM results").fetchall())
    finally:
        conn.close()


def _printed(stderr: str) -> set[str]:
    keys = set()
    for line in stderr.splitlines():
        m = _LINE.match(line)
        if m:
            keys.add(pcf_key(eval(m.group(1)), eval(m.group(2))))  # noqa: S307 - our own lists
    return keys


def _wait_for_new_checkpoint(ck: str, since: float | None, proc, timeout: float = 60.0) -> None:
    t0 = time.time()
    while time.time() - t0 < timeout and proc.poll() is None:
        if os.path.exists(ck) and (since is None or os.path.getmtime(ck) != since):
            return
        time.sleep(0.02)


def test_kill_9_at_random_moments_then_resume_gives_the_uninterrupted_store(tmp_path):
    ref = str(tmp_path / "ref.db")
    assert main(_BOX + ["--db", ref, "-q"]) == 0  # the uninterrupted run
    ref_rows = _rows(ref)
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
        proc = subprocess.Popen(cmd + (["--resume"] if since is not None else []), env=_env(),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        _wait_for_new_checkpoint(ck, since, proc)  # the run has started (and checkpointed)
        time.sleep(rnd.uniform(0.6, 1.8))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        _, err = proc.communicate(timeout=60)
        assert "Traceback" not in err, err
        printed |= _printed(err)
        rows = _rows(db)
        assert printed <= {k for _, k, _ in rows}  # every printed hit was committed first
        assert stored_before <= rows  # nothing committed before a kill is lost
        stored_before = rows
    assert kills >= 2
    assert os.path.exists(ck)
    fin = subprocess.run(cmd + ["--resume"], env=_env(), capture_output=True, text=True,
                         timeout=120)
    assert fin.returncode == 0, fin.stderr
    assert stored_before <= _rows(db)
    assert _rows(db) == ref_rows  # exactly the uninterrupted run's results (keys and payloads)
