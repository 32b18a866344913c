"""Search core: budgets, stop reasons, verification gate, store, checkpoint/resume, interrupts."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import CheckpointError, InvalidInputError
from search.backends import get_backend
from search.core import (
    Archive,
    Budget,
    Driver,
    DriverResult,
    EnumerationProposer,
    ExampleMaxOnes,
    Problem,
    Proposer,
    RandomRestartProposer,
    StopReason,
    TopKArchive,
)
from search.store import ResultsStore


def _driver(n=16, **kw):
    problem = kw.pop("problem", None) or ExampleMaxOnes(n=n)
    proposer = RandomRestartProposer(problem.sample, problem.mutate)
    kw.setdefault("progress", False)
    return Driver(problem, proposer, **kw)


def test_protocols_are_satisfied():
    p = ExampleMaxOnes(4)
    assert isinstance(p, Problem)
    assert isinstance(RandomRestartProposer(p.sample), Proposer)
    assert isinstance(EnumerationProposer(lambda: []), Proposer)
    assert isinstance(TopKArchive(), Archive)


def test_budget_validation():
    assert Budget(steps=5, time_limit=1, target_score=2).to_json() == {
        "steps": 5, "time_limit": 1.0, "target": 2.0}
    for kw in ({"steps": 1.5}, {"steps": True}, {"time_limit": -1}, {"time_limit": "x"},
               {"target_score": float("nan")}):
        with pytest.raises(InvalidInputError):
            Budget(**kw)


def test_target_reached_and_reproducible():
    r1 = _driver(budget=Budget(steps=5000, target_score=16), seed=3).run()
    r2 = _driver(budget=Budget(steps=5000, target_score=16), seed=3).run()
    assert r1.stop_reason is StopReason.TARGET_REACHED
    assert r1.best == (1,) * 16 and r1.best_score == 16.0 and r1.is_valid()
    assert (r1.steps, r1.history, r1.best) == (r2.steps, r2.history, r2.best)
    # history is strictly increasing in score and step
    scores = [s for _, s in r1.history]
    assert scores == sorted(set(scores)) and r1.n_improvements == len(scores)
    assert r1.to_json()["stop_reason"] == "target_reached" and r1.to_json()["seed"] == 3


def test_step_budget_exact():
    r = _driver(budget=Budget(steps=37), seed=1, batch_size=5).run()
    assert r.stop_reason is StopReason.STEP_BUDGET and r.steps == 37


def test_time_limit():
    r = _driver(n=400, budget=Budget(time_limit=0.2), seed=1).run()
    assert r.stop_reason is StopReason.TIME_LIMIT and 0.2 <= r.elapsed < 5


def test_exhausted_enumeration_finds_optimum():
    problem = ExampleMaxOnes(n=4)
    space = lambda: [tuple((i >> j) & 1 for j in range(4)) for i in range(16)]  # noqa: E731
    r = Driver(problem, EnumerationProposer(space), budget=Budget(), seed=0,
               progress=False).run()
    assert r.stop_reason is StopReason.EXHAUSTED and r.steps == 16 and r.best == (1, 1, 1, 1)


def test_seed_none_is_drawn_and_recorded():
    r = _driver(budget=Budget(steps=10)).run()
    assert isinstance(r.seed, int) and r.seed >= 0


class LyingProblem(ExampleMaxOnes):
    """Claims a huge score for candidates starting with 0; verification exposes the lie."""

    def evaluate(self, c):
        return 1000.0 if c[0] == 0 else float(sum(c))

    def verify(self, c):
        return c[0] == 1


def test_unverified_improvements_are_rejected(tmp_path):
    store = ResultsStore(tmp_path / "s.db")
    r = _driver(problem=LyingProblem(8), budget=Budget(steps=300), seed=5, store=store).run()
    assert r.n_rejected > 0
    assert r.best[0] == 1 and r.best_score <= 8
    rows = store.results()
    assert rows and all(row.verified and row.payload["bits"][0] == 1 for row in rows)
    assert all(row.verification_method == "recount" for row in rows)


def test_store_records_run_and_results(tmp_path):
    store = ResultsStore(tmp_path / "s.db")
    r = _driver(n=10, budget=Budget(steps=2000, target_score=10), seed=11, store=store).run()
    run = store.get_run(r.run_id)
    assert run.kind == "ExampleMaxOnes" and run.seed == 11
    assert run.stop_reason == "target_reached" and run.summary["best_score"] == 10.0
    assert run.params["problem_params"] == {"n": 10}
    best = store.find("generic", "1" * 10)
    assert best is not None and best.verified and best.score == 10.0 and best.run_id == r.run_id


def test_store_given_as_path(tmp_path):
    r = _driver(n=6, budget=Budget(steps=50), seed=2, store=str(tmp_path / "p.db")).run()
    assert ResultsStore(tmp_path / "p.db").get_run(r.run_id).stop_reason == "step_budget"


@pytest.mark.parametrize("split, batch", [(3, 3), (21, 3), (201, 3), (7, 1), (1, 1)])
def test_resume_equals_uninterrupted(tmp_path, split, batch):
    # the split falls on a batch boundary of the uninterrupted run (as periodic checkpoints do)
    full = _driver(n=40, budget=Budget(steps=400), seed=9, batch_size=batch).run()
    ckpt = tmp_path / f"run{split}.ckpt"
    part = _driver(n=40, budget=Budget(steps=split), seed=9, batch_size=batch,
                   checkpoint=ckpt).run()
    assert part.stop_reason is StopReason.STEP_BUDGET and ckpt.exists()
    resumed = _driver(n=40, budget=Budget(steps=400), seed=9, batch_size=batch,
                      checkpoint=ckpt).run(resume=True)
    assert resumed.steps == full.steps == 400
    assert resumed.best == full.best and resumed.history == full.history
    assert [s for s, _ in resumed.top] == [s for s, _ in full.top]


def test_resume_keeps_run_id(tmp_path):
    store = ResultsStore(tmp_path / "s.db")
    ckpt = tmp_path / "r.ckpt"
    a = _driver(budget=Budget(steps=20), seed=1, checkpoint=ckpt, store=store).run()
    b = _driver(budget=Budget(steps=40), seed=1, checkpoint=ckpt, store=store).run(resume=True)
    assert a.run_id == b.run_id and len(store.runs()) == 1 and b.steps == 40


def test_resume_without_file_starts_fresh(tmp_path):
    r = _driver(budget=Budget(steps=10), seed=1, checkpoint=tmp_path / "none.ckpt").run(resume=True)
    assert r.steps == 10


def test_resume_errors(tmp_path):
    with pytest.raises(InvalidInputError, match="checkpoint"):
        _driver(budget=Budget(steps=1), seed=1).run(resume=True)
    ckpt = tmp_path / "c.ckpt"
    _driver(budget=Budget(steps=5), seed=1, checkpoint=ckpt).run()
    with pytest.raises(InvalidInputError, match="seed=2 differs"):
        _driver(budget=Budget(steps=5), seed=2, checkpoint=ckpt).run(resume=True)
    ckpt.write_bytes(b"garbage")
    with pytest.raises(CheckpointError, match="corrupt"):
        _driver(budget=Budget(steps=5), seed=1, checkpoint=ckpt).run(resume=True)


class InterruptingProblem(ExampleMaxOnes):
    def __init__(self, n, after):
        super().__init__(n)
        self.calls, self.after = 0, after

    def evaluate(self, c):
        self.calls += 1
        if self.calls == self.after:
            raise KeyboardInterrupt
        return super().evaluate(c)


def test_keyboard_interrupt_keeps_best():
    r = _driver(problem=InterruptingProblem(20, after=150), budget=Budget(steps=10_000),
                seed=4).run()
    assert r.stop_reason is StopReason.INTERRUPTED
    assert r.best is not None and r.steps == 149 and r.is_valid()


class SigintProblem(ExampleMaxOnes):
    """Sends SIGINT to its own process once, in the middle of a batch."""

    def __init__(self, n, after):
        super().__init__(n)
        self.calls, self.after = 0, after

    def evaluate(self, c):
        self.calls += 1
        if self.calls == self.after:
            os.kill(os.getpid(), signal.SIGINT)
        return super().evaluate(c)


def test_sigint_is_deferred_to_batch_end_and_checkpointed(tmp_path):
    ckpt = tmp_path / "s.ckpt"
    r = _driver(problem=SigintProblem(20, after=52), budget=Budget(steps=10_000), seed=4,
                batch_size=10, checkpoint=ckpt).run()
    assert r.stop_reason is StopReason.INTERRUPTED and r.steps == 60  # batch finished first
    resumed = _driver(problem=SigintProblem(20, after=-1), budget=Budget(steps=300), seed=4,
                      batch_size=10, checkpoint=ckpt).run(resume=True)
    full = _driver(n=20, budget=Budget(steps=300), seed=4, batch_size=10).run()
    assert resumed.history == full.history and resumed.best == full.best
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_serial_backend_same_as_inline():
    a = _driver(budget=Budget(steps=200), seed=8, batch_size=4).run()
    b = _driver(budget=Budget(steps=200), seed=8, batch_size=4, backend="serial").run()
    assert a.history == b.history and a.best == b.best


def test_process_backend_same_as_inline():
    a = _driver(budget=Budget(steps=120), seed=8, batch_size=8).run()
    with get_backend("process", workers=2) as backend:
        b = _driver(budget=Budget(steps=120), seed=8, batch_size=8, backend=backend).run()
    assert a.history == b.history and a.best == b.best


def test_driver_bad_arguments():
    p = ExampleMaxOnes(3)
    prop = RandomRestartProposer(p.sample)
    with pytest.raises(InvalidInputError, match="lacks method evaluate"):
        Driver(object(), prop)
    with pytest.raises(InvalidInputError, match="lacks method ask"):
        Driver(p, object())
    with pytest.raises(InvalidInputError, match="seed"):
        Driver(p, prop, seed=-1)
    with pytest.raises(InvalidInputError, match="batch_size"):
        Driver(p, prop, batch_size=0)
    with pytest.raises(InvalidInputError, match="budget"):
        Driver(p, prop, budget={"steps": 3})
    with pytest.raises(InvalidInputError, match="restart_prob"):
        RandomRestartProposer(p.sample, restart_prob=2)


def test_nan_scores_never_accepted():
    class NaNProblem(ExampleMaxOnes):
        def evaluate(self, c):
            return float("nan")

    r = _driver(problem=NaNProblem(4), budget=Budget(steps=20), seed=0).run()
    assert r.best is None and r.best_score == -math.inf and r.is_valid()
    assert r.to_json()["best_score"] is None


@given(st.lists(st.tuples(st.integers(0, 30), st.integers(-5, 5)), max_size=60),
       st.integers(1, 6))
def test_topk_archive_keeps_k_best_distinct(entries, k):
    a = TopKArchive(k=k)
    for key, score in entries:
        a.add(key, float(score), {"key": str(key)})
    kept = [s for s, _ in a.top()]
    assert kept == sorted(kept, reverse=True)
    assert len({c for _, c in a.top()}) == len(kept) == min(k, len({key for key, _ in entries}))
    if entries:
        assert a.best_score == max(kept)
        # the first entry with the overall maximum score always enters and is never evicted
        # by a lower score, so the best score is the overall maximum
        assert a.best_score == max(float(s) for _, s in entries)
    b = TopKArchive(k=1)
    b.restore(a.state())
    assert b.top() == a.top() and b.best == a.best


def test_driver_result_is_frozen():
    r = _driver(budget=Budget(steps=3), seed=0).run()
    assert isinstance(r, DriverResult)
    with pytest.raises(AttributeError):
        r.steps = 5


class SlowMaxOnes(ExampleMaxOnes):
    """Same scores as ExampleMaxOnes; the subprocess version below sleeps in evaluate."""


_KILLED_DRIVER = textwrap.dedent("""
    import sys, time
    from search.core import Budget, Driver, ExampleMaxOnes, RandomRestartProposer
    from search.store import ResultsStore

    class SlowMaxOnes(ExampleMaxOnes):
        calls = 0
        def evaluate(self, c):
            SlowMaxOnes.calls += 1
            if SlowMaxOnes.calls == 120:
                print("ready", flush=True)
            time.sleep(0.002)
            return super().evaluate(c)

    p = SlowMaxOnes(40)
    Driver(p, RandomRestartProposer(p.sample, p.mutate), budget=Budget(steps=600), seed=21,
           batch_size=4, checkpoint=sys.argv[1], checkpoint_every=0, store=sys.argv[2],
           progress=False).run(resume=True)
""")


def test_sigkill_then_resume_equals_uninterrupted(tmp_path):
    ckpt, db = tmp_path / "d.ckpt", tmp_path / "d.db"
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_DRIVER, str(ckpt), str(db)], env=env,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    store = ResultsStore(db)
    [run] = store.runs()
    assert run.ended is None  # killed: the run was never closed
    p = SlowMaxOnes(40)
    resumed = Driver(p, RandomRestartProposer(p.sample, p.mutate), budget=Budget(steps=600),
                     seed=21, batch_size=4, checkpoint=ckpt, checkpoint_every=0, store=store,
                     progress=False).run(resume=True)
    full = _driver(n=40, budget=Budget(steps=600), seed=21, batch_size=4).run()
    assert resumed.history == full.history and resumed.best == full.best
    assert resumed.run_id == run.id and store.get_run(run.id).stop_reason == "step_budget"
    # every archived candidate of the uninterrupted run is in the store exactly once
    keys = {r.key for r in store.results()}
    assert {p.key(c) for _, c in full.top} <= keys


def test_progress_off_without_tty(monkeypatch):
    from search.progress import SearchProgress, progress_wanted

    assert progress_wanted(False) is False
    assert progress_wanted(None) is False  # pytest captures stdout: not a terminal
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert progress_wanted(None) is True and progress_wanted(False) is False
    with SearchProgress(True, total=10, description="t", delay=0) as bar:  # draws to stderr
        bar.update(5, best=2.0)
        bar.update(10)
        assert bar._progress is not None
    with SearchProgress(True, total=10, delay=60) as bar:  # a short run never draws
        bar.update(5)
        assert bar._progress is None


def test_duplicates_are_verified_once():
    class Counting(ExampleMaxOnes):
        verified = 0

        def verify(self, c):
            Counting.verified += 1
            return super().verify(c)

    p = Counting(3)
    r = Driver(p, EnumerationProposer(lambda: [(1, 0, 1)] * 50), budget=Budget(), seed=0,
               progress=False).run()
    assert r.steps == 50 and Counting.verified == 1 and len(r.top) == 1


def test_unpicklable_problem_on_process_backend_is_clear_error():
    class Local(ExampleMaxOnes):  # a local class cannot be pickled
        pass

    p = Local(4)
    with get_backend("process", workers=1) as backend:
        with pytest.raises(InvalidInputError, match="cannot be pickled"):
            Driver(p, RandomRestartProposer(p.sample, p.mutate), budget=Budget(steps=4),
                   seed=0, backend=backend, progress=False).run()


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 2**64), st.integers(0, 300), st.integers(1, 9), st.integers(2, 12))
def test_property_driver_invariants(seed, steps, batch, n):
    r = _driver(n=n, budget=Budget(steps=steps), seed=seed, batch_size=batch).run()
    p = ExampleMaxOnes(n)
    assert r.is_valid() and r.seed == seed
    assert r.steps == steps or r.stop_reason is StopReason.TARGET_REACHED
    if r.best is not None:
        assert p.verify(r.best) and p.evaluate(r.best) == r.best_score
        assert r.history[-1][1] == r.best_score and r.history[-1][0] <= r.steps


class DieOnceMaxOnes(ExampleMaxOnes):
    """Kills its worker process the first time it sees its flag file."""

    def __init__(self, n, flag):
        super().__init__(n)
        self.flag = flag

    def evaluate(self, c):
        if os.path.exists(self.flag):
            os.remove(self.flag)
            os._exit(13)
        return super().evaluate(c)


@pytest.mark.slow  # two process pools importing this test module: ~15 s on a loaded machine
def test_dead_worker_batch_is_retried(tmp_path):
    flag = tmp_path / "die"
    flag.write_text("1")
    p = DieOnceMaxOnes(10, str(flag))
    with get_backend("process", workers=2) as backend:
        r = Driver(p, RandomRestartProposer(p.sample, p.mutate), budget=Budget(steps=64),
                   seed=3, batch_size=8, backend=backend, progress=False).run()
    full = _driver(n=10, budget=Budget(steps=64), seed=3, batch_size=8).run()
    assert not flag.exists() and r.history == full.history and r.best == full.best
