"""The search runner: budgets, verification before storage, checkpoints, resume, bad input.

The oracle is arithmetic: walker ``i`` of :class:`search.runner.ExampleCountSpec` counts in
steps of ``i + 1``, so after ``k`` steps it is at ``k (i + 1)`` and has reported every multiple
of 5 up to there.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from engine.errors import CheckpointError, InvalidInputError, StoreError
from search.core import Budget, StopReason
from search.runner import ExampleCountSpec, run_search
from search.store import ResultsStore


def test_steps_are_split_evenly_and_the_best_is_the_largest_multiple():
    out = run_search(ExampleCountSpec(walkers=2), Budget(steps=21), seed=0)
    assert out.stop_reason is StopReason.STEP_BUDGET
    assert out.walker_steps == (11, 10)
    assert [s["x"] for s in out.states] == [11, 20]
    assert out.best == 20 and out.best_score == 20.0


def test_target_stops_the_run_and_counts_only_verified_candidates(tmp_path):
    spec = ExampleCountSpec(walkers=1, reject=[10, 15])
    out = run_search(spec, Budget(steps=100, target=12), seed=0, store=tmp_path / "s.db")
    assert out.stop_reason is StopReason.TARGET_REACHED
    assert out.best == 20
    assert out.n_rejected == 2
    keys = {r.key for r in ResultsStore(tmp_path / "s.db").results()}
    assert keys == {"5", "20"}  # rejected candidates never reach the store


def test_share_moves_the_other_walkers_to_a_new_best():
    plain = run_search(ExampleCountSpec(walkers=2), Budget(steps=20), seed=0)
    shared = run_search(ExampleCountSpec(walkers=2, share=True), Budget(steps=20), seed=0)
    assert [s["x"] for s in plain.states] == [10, 20]
    assert shared.states[0]["x"] > 10 and shared.best_score >= plain.best_score


def test_collect_all_keeps_every_distinct_hit():
    out = run_search(ExampleCountSpec(walkers=2, collect="all"), Budget(steps=20), seed=0)
    assert sorted(out.hits) == [5, 10, 20]  # walker 0 reaches 10, walker 1 reaches 20
    assert out.stop_reason is StopReason.STEP_BUDGET


def test_each_result_is_in_the_store_before_it_is_reported(tmp_path):
    store = ResultsStore(tmp_path / "s.db")
    seen = []

    def on_result(f):
        row = store.find("generic", f.key)
        seen.append(row is not None and row.run_id is not None)

    run_search(ExampleCountSpec(walkers=2, collect="all"), Budget(steps=30), seed=0,
               store=store, on_result=on_result)
    assert seen and all(seen)


def test_progress_lines_name_each_result(capsys):
    run_search(ExampleCountSpec(walkers=1), Budget(steps=10), seed=0, progress=True)
    err = capsys.readouterr().err
    assert "example.count: score 5" in err and "score 10" in err


def test_resume_continues_to_the_same_end(tmp_path):
    ck = tmp_path / "ck.json"
    spec = ExampleCountSpec(walkers=2, collect="all")
    full = run_search(spec, Budget(steps=60), seed=3)
    part = run_search(spec, Budget(steps=20), seed=3, checkpoint=ck)
    assert part.stop_reason is StopReason.STEP_BUDGET
    rest = run_search(spec, Budget(steps=60), checkpoint=ck, resume=True)
    assert rest.resumed and rest.seed == 3
    assert sorted(rest.hits) == sorted(full.hits)
    assert rest.walker_steps == full.walker_steps


def test_checkpoint_is_json_with_the_run_header(tmp_path):
    ck = tmp_path / "ck.json"
    run_search(ExampleCountSpec(walkers=1), Budget(steps=10), seed=1, checkpoint=ck)
    env = json.loads(ck.read_text())
    assert env["magic"] == "disco-checkpoint" and env["kind"] == "example.count"
    assert env["header"]["walker_steps"] == [10]
    assert env["seed"] == "1"


# -- bad input ---------------------------------------------------------------------------
def test_resume_without_a_checkpoint_path_is_refused():
    with pytest.raises(InvalidInputError, match="checkpoint=PATH"):
        run_search(ExampleCountSpec(), Budget(steps=5), resume=True)


def test_an_existing_checkpoint_is_not_overwritten_without_resume_or_force(tmp_path):
    ck = tmp_path / "ck.json"
    run_search(ExampleCountSpec(), Budget(steps=5), seed=0, checkpoint=ck)
    before = ck.read_bytes()
    with pytest.raises(InvalidInputError, match="already exists"):
        run_search(ExampleCountSpec(), Budget(steps=5), seed=0, checkpoint=ck)
    assert ck.read_bytes() == before
    run_search(ExampleCountSpec(), Budget(steps=5), seed=0, checkpoint=ck, force=True)


def test_a_missing_checkpoint_file_starts_fresh_on_resume(tmp_path, capsys):
    out = run_search(ExampleCountSpec(), Budget(steps=10), seed=0,
                     checkpoint=tmp_path / "none.json", resume=True)
    assert not out.resumed and out.steps == 10
    assert "no checkpoint" in capsys.readouterr().err


@pytest.mark.parametrize("damage", ["truncate", "garbage", "edit", "version", "kind", "params",
                                    "pickle"])
def test_bad_checkpoints_are_refused_and_nothing_stored_changes(tmp_path, damage):
    ck, db = tmp_path / "ck.json", tmp_path / "s.db"
    spec = ExampleCountSpec(walkers=1, collect="all")
    run_search(spec, Budget(steps=10), seed=0, checkpoint=ck, store=db)
    text = ck.read_text()
    env = json.loads(text)
    if damage == "truncate":
        ck.write_text(text[: len(text) // 2])
    elif damage == "garbage":
        ck.write_bytes(os.urandom(64))
    elif damage == "edit":
        env["header"]["walker_steps"] = [5]
        ck.write_text(json.dumps(env))
    elif damage == "version":
        env["package"] = "99.0"
        ck.write_text(json.dumps(env))
    elif damage == "kind":
        env["kind"] = "flipgraph.walk"
        ck.write_text(json.dumps(env))
    elif damage == "params":
        spec = ExampleCountSpec(walkers=3, collect="all")
    elif damage == "pickle":
        import pickle

        ck.write_bytes(pickle.dumps({"x": 1}))
    before_db, before_ck = db.read_bytes(), ck.read_bytes()
    with pytest.raises(CheckpointError) as info:
        run_search(spec, Budget(steps=20), checkpoint=ck, resume=True, store=db)
    assert "\n" not in str(info.value) and str(ck) in str(info.value)
    assert db.read_bytes() == before_db and ck.read_bytes() == before_ck


def test_seed_that_contradicts_the_checkpoint_is_refused(tmp_path):
    ck = tmp_path / "ck.json"
    run_search(ExampleCountSpec(), Budget(steps=5), seed=1, checkpoint=ck)
    with pytest.raises(CheckpointError, match="seed"):
        run_search(ExampleCountSpec(), Budget(steps=10), seed=2, checkpoint=ck, resume=True)


def test_a_foreign_store_is_refused_before_anything_runs(tmp_path):
    import sqlite3

    db = tmp_path / "other.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError):
        run_search(ExampleCountSpec(), Budget(steps=5), seed=0, store=db)


def test_bad_arguments_name_themselves():
    with pytest.raises(InvalidInputError, match="checkpoint_every"):
        run_search(ExampleCountSpec(), Budget(steps=5), checkpoint_every=0)
    with pytest.raises(InvalidInputError, match="workers"):
        run_search(ExampleCountSpec(), Budget(steps=5), workers=0)
    with pytest.raises(InvalidInputError, match="budget"):
        run_search(ExampleCountSpec(), {"steps": 5})


def test_process_backend_gives_the_serial_answer():
    spec = ExampleCountSpec(walkers=3, collect="all")
    serial = run_search(spec, Budget(steps=90), seed=0)
    pooled = run_search(spec, Budget(steps=90), seed=0, workers=2, backend="process")
    assert sorted(pooled.hits) == sorted(serial.hits)
    assert pooled.walker_steps == serial.walker_steps


# -- kill -9 ---------------------------------------------------------------------------------
_RUN = """
import sys
from search.core import Budget
from search.runner import ExampleCountSpec, run_search
ck, db, collect = sys.argv[1], sys.argv[2], sys.argv[3]
resume = len(sys.argv) > 4
out = run_search(ExampleCountSpec(walkers=2, collect=collect, delay=0.002), Budget(steps=1500),
                 seed=5, checkpoint=ck, checkpoint_every=0.05, resume=resume, store=db,
                 progress=True)
print("DONE", out.best, len(out.hits))
"""


def _env():
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    return env


@pytest.mark.parametrize("collect", ["all", "best"])
def test_kill_9_at_random_moments_loses_nothing(tmp_path, collect):
    import random

    rnd = random.Random(7)
    ck, db = str(tmp_path / "ck.json"), str(tmp_path / "s.db")
    ref_db = str(tmp_path / "ref.db")
    ref = subprocess.run([sys.executable, "-c", _RUN, str(tmp_path / "ref.json"), ref_db, collect],
                         env=_env(), capture_output=True, text=True, timeout=120)
    assert ref.returncode == 0, ref.stderr
    reported_best, reported = 0, set()
    for _ in range(3):
        args = [sys.executable, "-c", _RUN, ck, db, collect] + (["resume"] if os.path.exists(ck) else [])
        proc = subprocess.Popen(args, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        time.sleep(rnd.uniform(0.5, 1.2))
        proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate()
        for line in err.splitlines():  # what the killed run printed
            if line.startswith("example.count: score "):
                value = int(float(line.split()[2]))
                reported.add(str(value))
                reported_best = max(reported_best, value)
        stored = {r.key for r in ResultsStore(db).results()} if os.path.exists(db) else set()
        assert reported <= stored  # everything printed was committed first
    fin = subprocess.run([sys.executable, "-c", _RUN, ck, db, collect, "resume"], env=_env(),
                         capture_output=True, text=True, timeout=120)
    assert fin.returncode == 0, fin.stderr
    assert int(fin.stdout.split()[1]) >= reported_best  # never worse than what was printed
    if collect == "all":  # a deterministic enumeration ends exactly as an uninterrupted run
        assert fin.stdout.split() == ref.stdout.split()
        got = {r.key for r in ResultsStore(db).results()}
        assert got == {r.key for r in ResultsStore(ref_db).results()}


def test_an_unreachable_cluster_is_refused_before_anything_is_written(tmp_path):
    ck, db = tmp_path / "ck.json", tmp_path / "s.db"
    store = ResultsStore(db)
    with pytest.raises(InvalidInputError, match="tcp://127.0.0.1:9"):
        run_search(ExampleCountSpec(), Budget(steps=5), seed=0, cluster="tcp://127.0.0.1:9",
                   checkpoint=ck, store=store)
    assert not ck.exists() and store.runs() == []
