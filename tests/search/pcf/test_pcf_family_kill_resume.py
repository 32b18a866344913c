"""``disco cf family`` on the runner: killed with ``kill -9`` at random moments and resumed it
loses nothing and ends with exactly the store of an uninterrupted run; a run stopped by its
step budget and resumed gives the uninterrupted result (hits, parameters, delta ranking).

The oracle is the uninterrupted run (the family search is deterministic)."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time

import pytest

from search.cli import main
from search.core import Budget
from search.pcf import pcf_key
from search.pcf.family import FamilySpec, search_family
from search.testing import stored_results, subprocess_env, wait_for_new_checkpoint

_FAM = ["cf", "family", "--a", "c1 n + c2", "--b", "c3 n + c4", "--param", "c1=1..4",
        "--param", "c2=-4..4", "--param", "c3=-4..4", "--param", "c4=-4..4",
        "--constants", "e,pi", "--backend", "serial"]
_LINE = re.compile(r"^contfrac\.family: .*?a=(\[[^\]]*\]) b=(\[[^\]]*\])")


def _printed(stderr: str) -> set[str]:
    keys = set()
    for line in stderr.splitlines():
        m = _LINE.match(line)
        if m:
            keys.add(pcf_key(eval(m.group(1)), eval(m.group(2))))  # noqa: S307 - our own lists
    return keys


def test_budget_stop_then_resume_equals_the_uninterrupted_run(tmp_path):
    args = ("c1 n + c2", "c3 n + c4", {"c1": [1, 2], "c2": range(-3, 4), "c3": range(-3, 4),
                                       "c4": [-1, 0, 1]}, ["e"])
    ref = search_family(*args, top=5)
    assert ref.hits and ref.extra["stop_reason"] == "exhausted"
    ck = str(tmp_path / "ck.json")
    part = search_family(*args, top=5, budget=Budget(steps=100), checkpoint=ck,
                         checkpoint_every=0.01, chunk_size=50)
    assert part.extra["stop_reason"] == "step_budget" and part.n_candidates < ref.n_candidates
    done = search_family(*args, top=5, checkpoint=ck, resume=True, chunk_size=50)
    assert done.extra["stop_reason"] == "exhausted"
    assert [h.to_json() for h in done.hits] == [h.to_json() for h in ref.hits]
    assert done.hit_params == ref.hit_params and done.ranked == ref.ranked
    assert (done.n_candidates, done.n_converged) == (ref.n_candidates, ref.n_converged)
    done.check()


def test_spec_states_cover_the_family_once():
    spec = FamilySpec("n + c1", "c2", {"c1": list(range(7)), "c2": [1, 2, 3]}, ["e"], walkers=4)
    st = spec.initial_states(0)
    assert st[0]["lo"] == 0 and st[-1]["hi"] == 21
    assert all(a["hi"] == b["lo"] for a, b in zip(st, st[1:], strict=False))


@pytest.mark.slow
def test_kill_9_at_random_moments_then_resume_gives_the_uninterrupted_store(tmp_path):
    ref = str(tmp_path / "ref.db")
    assert main(_FAM + ["--db", ref, "-q"]) == 0  # the uninterrupted run
    ref_rows = stored_results(ref)
    assert len(ref_rows) >= 10

    db, ck = str(tmp_path / "s.db"), str(tmp_path / "ck.json")
    cmd = [sys.executable, "-m", "search.cli", *_FAM, "--db", db, "--checkpoint", ck,
           "--checkpoint-every", "0.3"]
    rnd = random.Random(16)
    printed: set[str] = set()
    stored_before: set = set()
    kills = 0
    for _ in range(3):
        since = os.path.getmtime(ck) if os.path.exists(ck) else None
        proc = subprocess.Popen(cmd + (["--resume"] if since is not None else []), env=subprocess_env(),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_for_new_checkpoint(ck, since, proc)
        time.sleep(rnd.uniform(0.3, 1.0))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        _, err = proc.communicate(timeout=120)
        assert "Traceback" not in err, err
        printed |= _printed(err)
        rows = stored_results(db)
        assert printed <= {k for _, k, _ in rows}  # every printed hit was committed first
        assert stored_before <= rows  # nothing committed before a kill is lost
        stored_before = rows
    assert kills >= 2
    fin = subprocess.run(cmd + ["--resume"], env=subprocess_env(), capture_output=True, text=True,
                         timeout=300)
    assert fin.returncode == 0, fin.stderr
    assert stored_results(db) == ref_rows  # exactly the uninterrupted run's results (keys and payloads)


def test_two_workers_give_the_serial_result():
    args = ("c1 n + c2", "c3 n + c4", {"c1": [1, 2], "c2": range(-3, 4), "c3": range(-3, 4),
                                       "c4": [-1, 0, 1]}, ["e"])
    a, b = search_family(*args, top=5), search_family(*args, top=5, workers=2)
    assert a.hit_params == b.hit_params and a.ranked == b.ranked
    assert [h.to_json() for h in a.hits] == [h.to_json() for h in b.hits]
