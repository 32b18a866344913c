"""The runner on every backend: stop reasons, exceptions, lost workers, pickling, chunking.

Oracle: walker ``i`` of :func:`search.runner.example_count_step` counts in steps of ``i + 1``,
and a step budget is split evenly (walker ``i`` gets ``steps // n + (i < steps % n)``).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import InvalidInputError
from search.backends import get_backend
from search.core import Budget, StopReason
from search.runner import ExampleCountSpec, Exhausted, example_count_step, run_search


class FnSpec(ExampleCountSpec):
    """ExampleCountSpec with another step function and initial states."""

    def __init__(self, step, states, **kw):
        super().__init__(walkers=len(states), **kw)
        self.step = step
        self._states = states

    def initial_states(self, seed):
        return [dict(s) for s in self._states]


def _states(n=3):
    return [{"x": 0, "mult": m + 1} for m in range(n)]


def _expected_x(total_steps, n=3):
    return [(total_steps // n + (i < total_steps % n)) * (i + 1) for i in range(n)]


def test_time_limit_stops_a_slow_run():
    out = run_search(ExampleCountSpec(walkers=2, delay=0.01), Budget(time_limit=0.3), seed=0)
    assert out.stop_reason is StopReason.TIME_LIMIT and 0 < out.steps < 200


def exhausting_step(state, budget):
    new, found, used = example_count_step(state, budget)
    if new["x"] >= 20:
        return Exhausted(new), found, used
    return new, found, used


def test_walkers_that_finish_exhaust_the_run():
    out = run_search(FnSpec(exhausting_step, _states(2)), Budget(), seed=0, chunk_steps=5)
    assert out.stop_reason is StopReason.EXHAUSTED
    assert [s["x"] for s in out.states] == [20, 20]


class Boom(RuntimeError):
    pass


def failing_step(state, budget):
    raise Boom("step failed")


def test_an_exception_in_a_step_propagates_after_a_checkpoint(tmp_path):
    ck = tmp_path / "ck.json"
    with pytest.raises(Boom):
        run_search(FnSpec(failing_step, [{}]), Budget(steps=5), seed=0, checkpoint=ck)
    assert ck.exists()


def bad_return_step(state, budget):
    return state


def test_a_step_that_returns_the_wrong_shape_is_named():
    with pytest.raises(InvalidInputError, match="must return"):
        run_search(FnSpec(bad_return_step, [{}]), Budget(steps=1), seed=0)


def interrupting_step(state, budget):
    if state["x"] >= 10:
        raise KeyboardInterrupt
    return example_count_step(state, budget)


def test_ctrl_c_keeps_everything_found(tmp_path):
    out = run_search(FnSpec(interrupting_step, [{"x": 0, "mult": 1}]), Budget(steps=100),
                     seed=0, chunk_steps=5, checkpoint=tmp_path / "i.json")
    assert out.stop_reason is StopReason.INTERRUPTED and out.states[0]["x"] == 10
    assert out.best_score == 10.0


def die_once_step(state, budget):
    """Kills its worker process the first time it sees its flag file (then runs normally)."""
    flag = state.get("flag")
    if flag and os.path.exists(flag):
        os.remove(flag)
        os._exit(13)
    return example_count_step(state, budget)


def test_a_dead_process_worker_is_replaced_and_its_chunk_redone(tmp_path):
    flag = tmp_path / "die"
    flag.write_text("1")
    states = _states(3)
    states[1]["flag"] = str(flag)
    with get_backend("process", workers=1) as backend:  # 1 worker: cheaper pool restarts
        out = run_search(FnSpec(die_once_step, states), Budget(steps=60), seed=0,
                         backend=backend, chunk_steps=5)
    assert out.resubmitted >= 1 and not flag.exists()
    assert [s["x"] for s in out.states] == _expected_x(60)


def test_an_unpicklable_step_is_a_clear_error():
    with get_backend("process", workers=1) as backend:
        with pytest.raises(InvalidInputError, match="cannot be pickled"):
            run_search(FnSpec(lambda s, b: (s, []), [{}]), Budget(steps=2), seed=0,
                       backend=backend)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 5), st.integers(0, 200), st.integers(1, 40))
def test_property_final_states_do_not_depend_on_chunking(n, steps, chunk):
    a = run_search(FnSpec(example_count_step, _states(n)), Budget(steps=steps), seed=0,
                   chunk_steps=chunk)
    b = run_search(FnSpec(example_count_step, _states(n)), Budget(steps=steps), seed=0,
                   chunk_steps=1000)
    assert a.states == b.states and a.steps == steps == sum(a.walker_steps)
    assert [s["x"] for s in a.states] == _expected_x(steps, n)
