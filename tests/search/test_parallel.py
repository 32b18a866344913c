"""run_chunked: quotas, stop reasons, improvements, checkpoint/resume, SIGKILL, dead workers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import CheckpointError, InvalidInputError
from search.backends import get_backend
from search.core import Budget, StopReason
from search.parallel import (
    Exhausted,
    ImprovementRecorder,
    example_count_walker,
    improvement_score,
    run_chunked,
)
from search.store import ResultsStore


def _states(n=3):
    return [{"x": 0, "mult": m + 1} for m in range(n)]


def _expected_x(total_steps, n=3):
    # walker i gets total // n (+1 for the first total % n walkers) steps of size i + 1
    return [(total_steps // n + (i < total_steps % n)) * (i + 1) for i in range(n)]


def test_serial_quotas_and_improvements():
    seen = []
    res = run_chunked(example_count_walker, _states(), backend="serial", budget=Budget(steps=31),
                      on_improvement=lambda w, imp: seen.append((w, imp)), chunk_steps=4)
    assert res.stop_reason is StopReason.STEP_BUDGET
    assert [s["x"] for s in res.states] == _expected_x(31)
    assert res.walker_steps == (11, 10, 10) and res.steps == 31 and res.is_valid()
    # oracle: every multiple of 5 passed by walker i (x = k*(i+1), k <= quota) is reported once
    expected = sorted((i, (x, x)) for i, q in enumerate((11, 10, 10))
                      for k in range(1, q + 1) if (x := k * (i + 1)) % 5 == 0)
    assert sorted(seen) == expected
    assert res.best_score == 30.0 and res.best_walker == 2 and res.n_improvements == len(expected)


def test_process_backend_matches_serial():
    serial = run_chunked(example_count_walker, _states(4), backend="serial",
                         budget=Budget(steps=80), chunk_steps=7)
    with get_backend("process", workers=2) as backend:
        seen = []
        par = run_chunked(example_count_walker, _states(4), backend=backend,
                          budget=Budget(steps=80), chunk_steps=7,
                          on_improvement=lambda w, imp: seen.append((w, imp)))
    assert par.states == serial.states and par.best_score == serial.best_score
    assert par.n_improvements == serial.n_improvements == len(seen)


def test_target_reached():
    res = run_chunked(example_count_walker, _states(), backend="serial",
                      budget=Budget(steps=10_000, target_score=50), chunk_steps=5)
    assert res.stop_reason is StopReason.TARGET_REACHED and res.best_score >= 50
    assert res.steps < 10_000


def sleepy_walker(state, budget):
    """Sleeps 10 ms per step and honours the slice time limit."""
    t0 = time.perf_counter()
    x = state["x"]
    for _ in range(budget.steps):
        if budget.time_limit is not None and time.perf_counter() - t0 >= budget.time_limit:
            break
        time.sleep(0.01)
        x += 1
    return {**state, "x": x}, [], x - state["x"]


def test_time_limit():
    t0 = time.perf_counter()
    res = run_chunked(sleepy_walker, [{"x": 0}, {"x": 0}], backend="serial",
                      budget=Budget(time_limit=0.3), chunk_steps=5)
    assert res.stop_reason is StopReason.TIME_LIMIT
    assert time.perf_counter() - t0 < 3 and res.steps == sum(s["x"] for s in res.states)


def finite_walker(state, budget):
    """Enumerates x up to state['stop'] and then reports exhaustion."""
    x = state["x"]
    used = 0
    for _ in range(budget.steps):
        if x >= state["stop"]:
            final = {**state, "x": x}
            return (None if state.get("none") else Exhausted(final)), [], used
        x += 1
        used += 1
    return {**state, "x": x}, [], used


def test_exhausted():
    res = run_chunked(finite_walker, [{"x": 0, "stop": 7}, {"x": 0, "stop": 3}],
                      backend="serial", budget=Budget(), chunk_steps=2)
    assert res.stop_reason is StopReason.EXHAUSTED
    assert [s["x"] for s in res.states] == [7, 3] and res.steps == 10
    # None as the new state: the previous state is kept
    res = run_chunked(finite_walker, [{"x": 0, "stop": 3, "none": True}], backend="serial",
                      budget=Budget(steps=100), chunk_steps=2)
    assert res.stop_reason is StopReason.EXHAUSTED and res.states[0]["x"] == 2


def test_rejections_do_not_count():
    res = run_chunked(example_count_walker, _states(2), backend="serial", budget=Budget(steps=40),
                      on_improvement=lambda w, imp: imp[0] % 10 != 0, chunk_steps=5)
    assert res.n_rejected > 0 and res.best_score % 10 != 0


def test_checkpoint_resume_equals_uninterrupted(tmp_path):
    full = run_chunked(example_count_walker, _states(), backend="serial", budget=Budget(steps=60),
                       chunk_steps=4)
    ckpt = tmp_path / "w.ckpt"
    first = run_chunked(example_count_walker, _states(), backend="serial", budget=Budget(steps=30),
                        chunk_steps=4, checkpoint=ckpt)
    assert first.steps == 30
    resumed = run_chunked(example_count_walker, _states(), backend="serial",
                          budget=Budget(steps=60), chunk_steps=4, checkpoint=ckpt, resume=True)
    assert resumed.states == full.states and resumed.steps == 60
    assert resumed.best_score == full.best_score
    with pytest.raises(InvalidInputError, match="holds 3 walkers"):
        run_chunked(example_count_walker, _states(2), backend="serial", budget=Budget(steps=60),
                    checkpoint=ckpt, resume=True)


def test_recorder_and_store(tmp_path):
    store = ResultsStore(tmp_path / "s.db")
    rec = ImprovementRecorder(lambda c: c % 10 == 0, lambda c: f"x={c}", lambda c: {"x": c},
                              store=store, domain="generic", method="mod10")
    res = run_chunked(example_count_walker, _states(2), backend="serial", budget=Budget(steps=40),
                      on_improvement=rec, chunk_steps=5, kind="toy", seed=123)
    run = store.get_run(res.run_id)
    assert run.kind == "toy" and run.seed == 123 and run.stop_reason == "step_budget"
    rows = store.results(run_id=res.run_id)
    assert {r.payload["x"] for r in rows} == {10, 20, 30, 40}  # walker 1 reaches 40
    assert all(r.verified and r.verification_method == "mod10" for r in rows)
    assert rec.rejected == res.n_rejected > 0


class Boom(RuntimeError):
    pass


def failing_walker(state, budget):
    raise Boom("bug in the walker")


def test_step_fn_exception_propagates(tmp_path):
    with pytest.raises(Boom):
        run_chunked(failing_walker, [{}], backend="serial", budget=Budget(steps=5))


def bad_return_walker(state, budget):
    return state


def test_bad_inputs(tmp_path):
    with pytest.raises(InvalidInputError, match="states"):
        run_chunked(example_count_walker, [], backend="serial", budget=Budget(steps=1))
    with pytest.raises(InvalidInputError, match="chunk_steps"):
        run_chunked(example_count_walker, _states(), backend="serial", budget=Budget(steps=1),
                    chunk_steps=0)
    with pytest.raises(InvalidInputError, match="resume"):
        run_chunked(example_count_walker, _states(), backend="serial", budget=Budget(steps=1),
                    resume=True)
    with pytest.raises(InvalidInputError, match="budget"):
        run_chunked(example_count_walker, _states(), backend="serial", budget=10)
    with pytest.raises(InvalidInputError, match="must return"):
        run_chunked(bad_return_walker, [{}], backend="serial", budget=Budget(steps=1))
    with pytest.raises(InvalidInputError, match="backend name"):
        run_chunked(example_count_walker, _states(), backend="cuda", budget=Budget(steps=1))
    bad = tmp_path / "bad.ckpt"
    bad.write_bytes(b"{not json")
    with pytest.raises(CheckpointError, match="corrupt"):
        run_chunked(example_count_walker, _states(), backend="serial", budget=Budget(steps=1),
                    checkpoint=bad, resume=True)


def interrupting_walker(state, budget):
    if state["x"] >= 10:
        raise KeyboardInterrupt
    return example_count_walker(state, budget)


def test_keyboard_interrupt(tmp_path):
    res = run_chunked(interrupting_walker, [{"x": 0, "mult": 1}], backend="serial",
                      budget=Budget(steps=100), chunk_steps=5, checkpoint=tmp_path / "i.ckpt")
    assert res.stop_reason is StopReason.INTERRUPTED and res.states[0]["x"] == 10
    assert res.best_score == 10.0


def die_once_walker(state, budget):
    """Kills its worker process the first time it sees its flag file (then runs normally)."""
    flag = state.get("flag")
    if flag and os.path.exists(flag):
        os.remove(flag)
        os._exit(13)
    return example_count_walker(state, budget)


def test_dead_process_worker_is_resubmitted(tmp_path):
    flag = tmp_path / "die"
    flag.write_text("1")
    states = _states(3)
    states[1]["flag"] = str(flag)
    with get_backend("process", workers=1) as backend:  # 1 worker: cheaper pool restarts
        res = run_chunked(die_once_walker, states, backend=backend, budget=Budget(steps=60),
                          chunk_steps=5)
    assert res.resubmitted >= 1 and not flag.exists()
    assert [s["x"] for s in res.states] == _expected_x(60)


_KILLED_RUN = textwrap.dedent("""
    import sys
    from search.core import Budget
    from search.parallel import ImprovementRecorder, run_chunked
    from search.store import ResultsStore
    sys.path.insert(0, sys.argv[3])
    from test_parallel import slow_count_walker
    store = ResultsStore(sys.argv[1])
    rec = ImprovementRecorder(lambda c: True, str, lambda c: {"x": c}, store=store)
    states = [{"x": 0, "mult": m + 1} for m in range(3)]
    run_chunked(slow_count_walker, states, backend="serial", budget=Budget(steps=600),
                on_improvement=rec, chunk_steps=10, checkpoint=sys.argv[2], resume=True)
""")


def slow_count_walker(state, budget):
    time.sleep(0.01)
    new, imps = example_count_walker(state, budget)
    if new["mult"] == 1 and new["x"] == 50:
        print("ready", flush=True)
    return new, imps


def test_sigkill_then_resume(tmp_path):
    db, ckpt = tmp_path / "k.db", tmp_path / "k.ckpt"
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLED_RUN, str(db), str(ckpt), os.path.dirname(__file__)],
        env=env, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert ckpt.exists()
    store = ResultsStore(db)
    before = store.count()
    assert before > 0
    rec = ImprovementRecorder(lambda c: True, str, lambda c: {"x": c}, store=store)
    res = run_chunked(slow_count_walker, _states(), backend="serial",
                      budget=Budget(steps=600), on_improvement=rec, chunk_steps=10,
                      checkpoint=ckpt, resume=True)
    assert res.steps == 600 and res.chunks == 60
    full = run_chunked(example_count_walker, _states(), backend="serial",
                       budget=Budget(steps=600), chunk_steps=10)
    assert res.states == full.states
    # every improvement is in the store exactly once (chunks in flight at the kill are redone;
    # the store de-duplicates what they report again)
    keys = {r.key for r in store.results()}
    expected = {str(x) for i in range(3) for k in range(1, 201) if (x := k * (i + 1)) % 5 == 0}
    assert keys == expected and store.count() == len(expected)


def test_improvement_score_forms():
    class Imp:
        score = 4

    assert improvement_score(Imp()) == 4.0
    assert improvement_score([1, "a"]) == 1.0
    assert improvement_score({"x": 1}) is None
    assert improvement_score((float("nan"), 1)) is None
    assert improvement_score((True, 1)) is None


def test_unpicklable_step_fn_is_clear_error():
    with get_backend("process", workers=1) as backend:
        with pytest.raises(InvalidInputError, match="cannot be pickled"):
            run_chunked(lambda s, b: (s, []), [{}], backend=backend, budget=Budget(steps=2))


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 5), st.integers(0, 200), st.integers(1, 40))
def test_property_final_states_do_not_depend_on_chunking(n, steps, chunk):
    a = run_chunked(example_count_walker, _states(n), backend="serial", budget=Budget(steps=steps),
                    chunk_steps=chunk)
    b = run_chunked(example_count_walker, _states(n), backend="serial", budget=Budget(steps=steps),
                    chunk_steps=1000)
    assert a.states == b.states and a.steps == steps == sum(a.walker_steps)
    assert [s["x"] for s in a.states] == _expected_x(steps, n)
    assert a.best_score == b.best_score and a.n_improvements == b.n_improvements
