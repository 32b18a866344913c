"""Generic drivers (tabu, annealing, MAP-Elites, curriculum, portfolio) on two problems:
the toy weighted OneMax (optimum: the ``cap`` heaviest items) and a Max-Cut problem with
single-vertex moves (optimum of the 5-cycle: 4 edges cut; of K_{3,3}: all 9 edges), plus the
girth-5 graph problem (OEIS A006856 values)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import InvalidInputError
from search.core import StopReason
from search.drivers import (
    AnnealingProposer,
    Descriptor,
    OneMaxFlips,
    PortfolioTask,
    TabuProposer,
    annealing_search,
    curriculum,
    map_elites,
    run_portfolio,
    seed_tasks,
    tabu_search,
)
from search.graphs import ForbiddenCyclesProblem


class MaxCut:
    """Max-Cut on an edge list; a move flips one vertex's side (exact O(deg) delta)."""

    def __init__(self, n, edges):
        self.n, self.edges = n, list(edges)
        self.adj = [[] for _ in range(n)]
        for u, v in self.edges:
            self.adj[u].append(v)
            self.adj[v].append(u)

    def initial(self, rng):
        return rng.integers(0, 2, self.n).astype(np.int8)

    def score(self, s):
        return float(sum(s[u] != s[v] for u, v in self.edges))

    def copy(self, s):
        return s.copy()

    def sample_moves(self, s, rng, k):
        return list(range(self.n))

    def delta(self, s, v):
        same = sum(1 for w in self.adj[v] if s[w] == s[v])
        return float(2 * same - len(self.adj[v]))

    def apply(self, s, v):
        s[v] ^= 1
        return s

    def as_candidate(self, s):
        return tuple(int(x) for x in s)

    def evaluate(self, c):
        return self.score(np.asarray(c))

    def verify(self, c):
        return len(c) == self.n

    def key(self, c):
        return "".join(map(str, c))

    def to_json(self, c):
        return {"sides": list(c)}


def top_level_tabu(seed):
    return tabu_search(OneMaxFlips([5, 1, 4, 2, 3], cap=2), steps=40, seed=seed)


def failing_task(seed):
    raise RuntimeError("boom")


C5 = MaxCut(5, [(i, (i + 1) % 5) for i in range(5)])
K33 = MaxCut(6, [(a, b) for a in range(3) for b in range(3, 6)])


@pytest.mark.parametrize("problem,best", [(C5, 4.0), (K33, 9.0)])
def test_tabu_and_annealing_reach_maxcut_optimum(problem, best):
    assert tabu_search(problem, steps=30, seed=0).best_score == best
    assert annealing_search(problem, steps=30, seed=0, t_start=1.0).best_score == best


@settings(max_examples=15, deadline=None)
@given(w=st.lists(st.integers(1, 50), min_size=2, max_size=9), seed=st.integers(0, 1000))
def test_tabu_finds_heaviest_items(w, seed):
    cap = max(1, len(w) // 2)
    r = tabu_search(OneMaxFlips(w, cap=cap, penalty=100.0), steps=40, seed=seed)
    assert r.best_score == sum(sorted(w)[-cap:])


def test_seeded_runs_are_reproducible():
    p = ForbiddenCyclesProblem(12)
    a = annealing_search(p, steps=6, seed=9, t_start=0.5)
    b = annealing_search(p, steps=6, seed=9, t_start=0.5)
    assert a.best == b.best and a.best_score == b.best_score


@pytest.mark.parametrize("kind", ["tabu", "annealing"])
def test_resume_matches_uninterrupted(tmp_path, kind):
    fn = tabu_search if kind == "tabu" else annealing_search
    p = ForbiddenCyclesProblem(13, forbidden=(4,))
    full = fn(p, steps=30, seed=4)
    ck = tmp_path / f"{kind}.ckpt"
    fn(p, steps=15, seed=4, checkpoint=ck)
    rest = fn(p, steps=30, seed=4, checkpoint=ck, resume=True)
    assert rest.best == full.best and rest.steps == 30


def test_tabu_on_graphs_reaches_known_value():
    r = tabu_search(ForbiddenCyclesProblem(15), steps=300, seed=1, target_score=26)
    assert r.stop_reason is StopReason.TARGET_REACHED and r.best_score == 26  # A006856(15)


def test_tabu_proposer_tenure_blocks_reversal():
    p = OneMaxFlips([1.0, 1.0], cap=2)
    prop = TabuProposer(p, tenure=5, tenure_jitter=0, sample=2, aspiration=False)
    prop.bind(np.random.default_rng(0))
    prop.step()
    first = prop.current.copy()
    prop.step()
    prop.step()
    assert first.sum() == 1 and prop.current.sum() == 2  # flipped bits stay flipped


def test_annealing_schedules_and_reheats():
    p = OneMaxFlips([3, 2, 1])
    for sched in ("geometric", "linear", "logarithmic"):
        a = AnnealingProposer(p, schedule=sched, t_start=2.0, t_end=0.1, period=10)
        temps = []
        a.bind(np.random.default_rng(0))
        for _ in range(10):
            temps.append(a.temperature)
            a.step()
        assert temps[0] == pytest.approx(2.0) and all(x >= y for x, y in zip(temps, temps[1:], strict=False))
        assert a.reheats == 1
    with pytest.raises(InvalidInputError, match="schedule"):
        AnnealingProposer(p, schedule="cubic")
    with pytest.raises(InvalidInputError, match="t_end"):
        AnnealingProposer(p, t_start=0.1, t_end=1.0)


def test_map_elites_on_graphs_table_and_heatmap(tmp_path):
    n = 10
    p = ForbiddenCyclesProblem(n)
    d = [Descriptor("max degree", lambda s: float(s.deg.max()), 0, 6, 6),
         Descriptor("C5 count", lambda s: p.descriptor_values(s)["c5"], 0, 12, 6)]
    res = map_elites(p, d, steps=240, seed=0, local_steps=3)
    rows = res.table()
    assert len(rows) >= 4 and {"cell", "max degree", "C5 count", "score"} <= set(rows[0])
    assert max(r["score"] for r in rows) <= 15  # A006856(10)
    grid = res.archive.grid()
    assert grid.shape == (6, 6) and np.nanmax(grid) == max(r["score"] for r in rows)
    png = tmp_path / "me.png"
    fig = res.heatmap(png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and fig.axes
    assert 0 < res.archive.coverage <= 1 and res.to_json()["table"]


def test_descriptor_validation():
    with pytest.raises(InvalidInputError, match="high"):
        Descriptor("x", float, 1, 1, 3)
    with pytest.raises(InvalidInputError, match="bins"):
        Descriptor("x", float, 0, 1, 0)
    d = Descriptor("x", float, 0, 10, 5)
    assert [d.index(v) for v in (-5, 0, 1.99, 2, 9.99, 10, 50)] == [0, 0, 0, 1, 4, 4, 4]


def test_curriculum_seeds_and_resume(tmp_path):
    calls = []

    def solve(size, seeds, seed):
        calls.append((size, len(seeds)))
        return size * 10, float(size + max([s for s in seeds], default=0) / 1000)

    grow = lambda sol, a, b: sol  # noqa: E731
    ck = tmp_path / "cur.ckpt"
    res = curriculum([3, 1, 2], solve, grow=grow, lookback=2, checkpoint=ck)
    assert [s.size for s in res.stages] == [1, 2, 3] and calls == [(1, 0), (2, 1), (3, 2)]
    assert res.stop_reason is StopReason.EXHAUSTED and res.steps == 3
    calls.clear()
    again = curriculum([1, 2, 3], solve, grow=grow, checkpoint=ck, resume=True)
    assert calls == [] and again.stages == res.stages  # every stage was done: nothing reruns
    # a larger curriculum warm-started from the first one: 1..3 seed their neighbours
    more = curriculum([1, 2, 3, 4], solve, grow=grow, initial=res)
    assert [(s.size, s.n_seeds) for s in more.stages] == [(1, 1), (2, 2), (3, 3), (4, 2)]
    two = curriculum([1, 2], solve, grow=grow, shrink=grow, passes=2)
    assert [(s.size, s.n_seeds, s.pass_index) for s in two.stages] == [
        (1, 0, 0), (2, 1, 0), (1, 2, 1), (2, 2, 1)]
    with pytest.raises(InvalidInputError, match="sizes"):
        curriculum([], solve)


def test_portfolio_keeps_best_and_reports_failures():
    tasks = seed_tasks("tabu", top_level_tabu, [1, 2]) + [PortfolioTask("bad", failing_task,
                                                                        {"seed": 0})]
    res = run_portfolio(tasks, backend="serial")
    assert res.best_score == 9.0 and res.best_name.startswith("tabu/seed=")
    assert res.entries[-1].name == "bad" and "boom" in res.entries[-1].error
    assert res.entries[-1].score == -math.inf
    with pytest.raises(InvalidInputError, match="PortfolioTask"):
        run_portfolio([], backend="serial")


@pytest.mark.slow
def test_portfolio_on_process_pool():
    res = run_portfolio(seed_tasks("t", top_level_tabu, [0, 1]), backend="process", workers=2)
    assert res.best_score == 9.0 and len(res.entries) == 2


def test_bad_problems_and_options():
    with pytest.raises(InvalidInputError, match="lacks method"):
        TabuProposer(object())
    with pytest.raises(InvalidInputError, match="tenure"):
        TabuProposer(OneMaxFlips([1]), tenure=0)
    for fn in (tabu_search, annealing_search):
        with pytest.raises(InvalidInputError, match="budget"):
            fn(OneMaxFlips([1]))
    with pytest.raises(InvalidInputError, match="budget"):
        map_elites(OneMaxFlips([1]), [Descriptor("x", float, 0, 1, 2)])
