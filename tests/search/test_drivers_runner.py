"""The generic drivers on the search runner: the step unit, budgets, warm starts, MAP-Elites
verification before archiving, candidates everywhere, check_delta, the store and the process
pool.

Oracles: the toy weighted OneMax (optimum = the ``cap`` heaviest items) and exact counts
(a step budget of ``N`` is ``N`` walk iterations / children).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from engine.errors import InvalidInputError, VerificationError
from search.core import Budget, StopReason
from search.drivers import (
    Descriptor,
    OneMaxFlips,
    annealing_search,
    check_delta,
    map_elites,
    run_portfolio,
    seed_tasks,
    tabu_search,
)
from search.drivers.tabu import TabuProposer
from search.store import ResultsStore

W = [5, 1, 4, 2, 3, 8, 7, 6]


class AtMostTwo(OneMaxFlips):
    """OneMax whose verify refuses more than two ones (the reported MAP-Elites bug)."""

    def verify(self, c):
        return super().verify(c) and sum(c) <= 2


class CandidatesOnly(OneMaxFlips):
    """Refuses anything but a candidate (a tuple) in evaluate/verify/key/to_json."""

    def _need(self, c):
        assert isinstance(c, tuple), f"got {type(c).__name__}, not a candidate"

    def evaluate(self, c):
        self._need(c)
        return super().evaluate(c)

    def verify(self, c):
        self._need(c)
        return super().verify(c)

    def key(self, c):
        self._need(c)
        return super().key(c)

    def to_json(self, c):
        self._need(c)
        return super().to_json(c)


class WrongDelta(OneMaxFlips):
    """A delta that forgets the cap penalty: wrong as soon as a flip crosses the cap."""

    def delta(self, s, i):
        return -self.w[i] if s[i] else self.w[i]


class IterationCounter(TabuProposer):
    calls = 0

    def step(self):
        IterationCounter.calls += 1
        super().step()


def ones(s):
    return float(sum(s))


# -- the step unit and the budget ------------------------------------------------------------
@pytest.mark.parametrize("fn", [tabu_search, annealing_search])
def test_a_step_is_one_walk_iteration(fn):
    p = OneMaxFlips(W, cap=3)
    r = fn(p, budget=Budget(steps=137), seed=2)
    assert r.steps == 137 and r.stop_reason is StopReason.STEP_BUDGET
    assert fn(p, steps=137, seed=2).best == r.best  # the shorthand is the same budget
    with pytest.raises(InvalidInputError, match="contradicts"):
        fn(p, budget=Budget(steps=10), steps=20)


def test_tabu_runs_exactly_the_budget_of_iterations():
    from search.drivers._walk import WalkSpec
    from search.runner import run_search

    IterationCounter.calls = 0
    spec = WalkSpec("tabu", IterationCounter, OneMaxFlips(W, cap=3), {}, walkers=3)
    out = run_search(spec, Budget(steps=100), seed=0)
    assert IterationCounter.calls == 100 and out.walker_steps == (34, 33, 33)


def test_map_elites_step_is_one_child_and_target_stops():
    p = OneMaxFlips(W, cap=8)
    res = map_elites(p, [Descriptor("ones", ones, 0, 8, 9)], steps=123, seed=0)
    assert res.steps == 123 and res.stop_reason is StopReason.STEP_BUDGET
    hit = map_elites(p, [Descriptor("ones", ones, 0, 8, 9)], budget=Budget(steps=5000, target=20),
                     seed=0)
    assert hit.stop_reason is StopReason.TARGET_REACHED and hit.best_score >= 20
    assert hit.steps < 5000


def test_target_stops_tabu_with_several_walkers():
    r = tabu_search(OneMaxFlips(W, cap=3), steps=3000, target_score=21, walkers=3, seed=1)
    assert r.stop_reason is StopReason.TARGET_REACHED and r.best_score == 21.0 and r.steps < 3000


# -- MAP-Elites: verified elites, candidates ----------------------------------------------------
def test_map_elites_archives_only_verified_elites(tmp_path):
    db = tmp_path / "me.db"
    p = AtMostTwo([1, 2, 3, 4, 5, 6], cap=6)
    res = map_elites(p, [Descriptor("ones", ones, 0, 6, 7)], steps=400, seed=0, store=db)
    rows = res.archive.table()
    assert rows and all(row["ones"] <= 2 for row in rows)  # verify refuses 3..6 ones
    assert [row["score"] for row in rows] == [0.0, 6.0, 11.0]  # the best 0, 1, 2 items
    assert res.n_rejected > 0 and res.best == (0, 0, 0, 0, 1, 1)
    stored = ResultsStore(db).results()
    assert stored and all(sum(r.payload["bits"]) <= 2 and r.verified for r in stored)
    res.check()


def test_map_elites_passes_candidates_to_the_problem():
    p = CandidatesOnly([3, 1, 2], cap=3)
    res = map_elites(p, [Descriptor("ones", ones, 0, 3, 4)], steps=60, seed=0)
    assert isinstance(res.best, tuple) and res.best_score == 6.0
    tabu_search(p, steps=20, seed=0)
    annealing_search(p, steps=20, seed=0)


# -- warm starts ----------------------------------------------------------------------------------
def test_initial_is_a_warm_start():
    p = OneMaxFlips(W, cap=3)
    opt = np.array([0, 0, 0, 0, 0, 1, 1, 1], dtype=np.int8)  # 8 + 7 + 6 = 21
    for fn in (tabu_search, annealing_search):
        r = fn(p, steps=1, seed=0, initial=opt, moves_per_ask=1)
        assert r.best_score == 21.0 and r.best == (0, 0, 0, 0, 0, 1, 1, 1)
        assert opt.tolist() == [0, 0, 0, 0, 0, 1, 1, 1]  # the caller's state is not moved
    me = map_elites(p, [Descriptor("ones", ones, 0, 8, 9)], steps=1, seed=0, initial=opt)
    assert me.best_score == 21.0 and me.table() == [{"cell": (3,), "ones": 3.0, "score": 21.0}]
    with pytest.raises(InvalidInputError, match="initial"):
        tabu_search(p, steps=1, initial="not a state")


# -- check_delta ------------------------------------------------------------------------------------
def test_check_delta_accepts_a_correct_delta():
    rep = check_delta(OneMaxFlips(W, cap=3), samples=300, seed=1)
    assert rep.ok and rep.checked == 300 and rep.move is None


def test_check_delta_names_the_first_wrong_move():
    p = WrongDelta(W, cap=1)
    with pytest.raises(VerificationError, match=r"WrongDelta\.delta\(\d+\) = .* but the score changes by"):
        check_delta(p, samples=200, seed=0)
    rep = check_delta(p, samples=200, seed=0, raise_on_error=False)
    assert not rep.ok and rep.move is not None and rep.delta != rep.change
    s = np.zeros(len(W), dtype=np.int8)  # the reported move really is wrong from the zero state
    assert p.delta(s, 0) == 5.0 and rep.sample is not None


# -- the store ----------------------------------------------------------------------------------
def test_every_reported_improvement_is_stored_and_verified(tmp_path):
    db = tmp_path / "s.db"
    r = tabu_search(OneMaxFlips(W, cap=3), steps=200, seed=0, store=db, moves_per_ask=1)
    rows = ResultsStore(db).results()
    assert r.run_id is not None and r.n_improvements == len(rows) >= 1
    assert max(row.score for row in rows) == r.best_score and all(row.verified for row in rows)


def test_portfolio_budget_is_shared_and_tasks_use_the_store(tmp_path):
    db = tmp_path / "p.db"
    tasks = seed_tasks("tabu", tabu_search, [1, 2], problem=OneMaxFlips(W, cap=3))
    res = run_portfolio(tasks, backend="serial", budget=Budget(steps=60), store=db)
    assert [e.result.steps for e in res.entries] == [30, 30] and res.steps == 60
    st = ResultsStore(db)
    assert st.count(domain="portfolio") == 2 and st.count(domain="generic") >= 1
    res.check()


# -- the process pool -----------------------------------------------------------------------------
_POOL_SCRIPT = textwrap.dedent("""
    from search.drivers import OneMaxFlips, tabu_search


    class MyProblem(OneMaxFlips):  # top level: spawned workers import it
        pass


    if __name__ == "__main__":  # spawned workers import this file without running the search
        res = tabu_search(MyProblem([5, 1, 4, 2, 3], cap=2), steps=400, workers=2,
                          backend="process", seed=1)
        print(res.best_score, res.steps)
""")


def test_process_pool_with_the_main_guard(tmp_path):
    script = tmp_path / "my_search.py"
    script.write_text(_POOL_SCRIPT)
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    out = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True,
                         timeout=120, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["9.0", "400"]
