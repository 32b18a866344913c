"""The graph searches on the search runner: the spec (key, JSON, exact verification), one
vocabulary (Budget, shorthands, stop reasons), chunking that cannot change a walk, the store,
the curriculum's resume, and the CLI's exit codes and bad input (one line, exit 2, nothing
stored changes).

Oracles: OEIS A006856 (ex(n; {C3, C4}): 15 at n = 10, 18 at n = 12, 76 at n = 30), the
Petersen graph, and uninterrupted runs with the same seed and step budget.
"""

import json
import os

import networkx as nx
import pytest

from engine.errors import InfeasibleError, InvalidInputError, VerificationError
from search.app.cli import main
from search.core import Budget, StopReason
from search.graphs import (
    ExtremalGraphSpec,
    ForbiddenCyclesProblem,
    GraphRecord,
    curriculum_graph_search,
    extremal_graph_search,
    graph_key,
    verify_payload,
)
from search.runner import ExampleCountSpec, run_search
from search.store import ResultsStore


# -- the spec -------------------------------------------------------------------------------
def test_spec_key_json_and_exact_verification():
    spec = ExtremalGraphSpec(10, "girth5")
    rec = GraphRecord.example()  # the Petersen graph
    assert spec.verify(rec) and spec.score(rec) == 15.0
    assert spec.key(rec) == graph_key(rec) == "n=10;F=C3,C4;g6=IheA@GUAo"
    assert spec.from_json(json.loads(json.dumps(spec.to_json(rec)))) == rec
    assert spec.describe(rec) == "15 edges (n=10, no C3,C4)"
    assert not spec.verify(GraphRecord.tampered())
    assert not spec.verify(GraphRecord(10, (3, 4), 16, rec.graph6))  # a false edge count
    assert not spec.verify(GraphRecord(10, (4,), 15, rec.graph6))  # another problem
    bad = spec.decode({"graph6": "not graph6!", "edges": "x"})  # a lying worker
    assert not spec.verify(bad)
    # the ask/tell problem builds the same key and payload
    p = ForbiddenCyclesProblem(10)
    c = tuple(sorted(nx.petersen_graph().edges()))
    assert p.key(c) == rec.key() and p.to_json(c) == rec.to_json() and p.from_json(p.to_json(c)) == c


def test_verify_payload_catches_edited_records():
    rec = GraphRecord.example()
    assert verify_payload(rec.to_json(), rec.key()).startswith("15 edges on n=10")
    with pytest.raises(VerificationError, match="forbidden 3-cycle|forbidden 4-cycle"):
        verify_payload(GraphRecord.tampered().to_json(), GraphRecord.tampered().key())
    with pytest.raises(VerificationError, match="not the graph's key"):
        verify_payload(rec.to_json(), "n=10;F=C3,C4;g6=other")
    with pytest.raises(VerificationError, match="edges"):
        verify_payload({**rec.to_json(), "edges": 14}, rec.key())
    with pytest.raises(VerificationError, match="malformed"):
        verify_payload({**rec.to_json(), "graph6": "!!"}, "discover:x")
    with pytest.raises(InvalidInputError, match="graph6"):
        verify_payload({"edges": 5}, "C5")


def test_chunk_lengths_and_time_slices_do_not_change_the_walk():
    spec = ExtremalGraphSpec(30, (4,))
    runs = [run_search(spec, Budget(steps=6000), seed=7, chunk_steps=c, chunk_time=t)
            for c, t in ((6000, None), (250, None), (2000, 1e-4))]
    assert {r.best.graph6 for r in runs} == {runs[0].best.graph6}
    assert all(r.steps == 6000 for r in runs)
    assert (runs[1].states[0]["A"] == runs[0].states[0]["A"]).all()


def test_budget_object_and_shorthands_are_one_vocabulary():
    a = extremal_graph_search(14, Budget(steps=3000), forbidden=(4,), seed=5)
    b = extremal_graph_search(14, forbidden=(4,), seed=5, steps=3000)
    assert a.graph6 == b.graph6 and a.stop_reason is StopReason.STEP_BUDGET
    assert a.target == 91  # no known value: the trivial bound n(n-1)/2
    with pytest.raises(InvalidInputError, match="contradicts"):
        extremal_graph_search(14, Budget(steps=3000), steps=10)
    with pytest.raises(InfeasibleError, match="proved maximum"):
        extremal_graph_search(10, target=16)  # ex(10; C3, C4) = 15
    with pytest.raises(InfeasibleError, match="at most 6"):
        extremal_graph_search(4, forbidden=(5,), target=7)
    with pytest.raises(InvalidInputError, match="give the Dask scheduler once"):
        extremal_graph_search(10, cluster="tcp://a:1", address="tcp://b:2")


def test_every_improvement_is_stored_with_the_run(tmp_path):
    store = ResultsStore(tmp_path / "r.db")
    seen = []
    res = extremal_graph_search(40, seed=3, steps=20_000, store=store,
                                progress=lambda e: seen.append(e["best"]))
    rows = store.run_results(res.run_id)
    assert seen and sorted(int(r.score) for r in rows) == sorted(seen)
    assert max(seen) == res.edges and res.record.key() in {r.key for r in rows}
    assert all(r.verified for r in rows)
    assert [e for _, e in res.history] == seen


def test_curriculum_resumes_after_a_crash_with_its_stages(tmp_path):
    full = curriculum_graph_search([12, 13, 14], forbidden=(4,), seed=1, steps_per_size=2000)
    ck = tmp_path / "cur.json"
    calls = []

    def crash(stage):
        calls.append(stage.size)
        if stage.size == 13:
            raise RuntimeError("crash after the stage of n=13")

    with pytest.raises(RuntimeError, match="crash"):
        curriculum_graph_search([12, 13, 14], forbidden=(4,), seed=1, steps_per_size=2000,
                                checkpoint=ck, on_stage=crash)
    assert list(tmp_path.glob("cur.json.stage-*"))  # the stages' own checkpoints are kept
    res = curriculum_graph_search([12, 13, 14], forbidden=(4,), seed=1, steps_per_size=2000,
                                  checkpoint=ck, resume=True)
    assert [(s.size, s.graph6) for s in res.stages] == [(s.size, s.graph6) for s in full.stages]
    assert res.stop_reason is StopReason.STEP_BUDGET and res.is_valid()
    assert not list(tmp_path.glob("cur.json.stage-*"))
    with pytest.raises(InvalidInputError, match="already exists"):
        curriculum_graph_search([12, 13], forbidden=(4,), steps_per_size=10, checkpoint=ck)
    with pytest.raises(InvalidInputError, match="checkpoint"):
        curriculum_graph_search([12], resume=True)


# -- the CLI --------------------------------------------------------------------------------
@pytest.fixture()
def db(tmp_path, monkeypatch):
    path = tmp_path / "disco.db"
    monkeypatch.setenv("DISCO_DB", str(path))
    monkeypatch.chdir(tmp_path)
    return path


def _snapshot(db):
    rows = [(r.key, r.payload) for r in ResultsStore(db).results()]
    return db.read_bytes(), rows, len(ResultsStore(db).runs())


def test_exit_codes_reached_missed_impossible(db, capsys):
    assert main(["graphs", "search", "--n", "12", "--steps", "5000", "-q"]) == 0
    assert main(["graphs", "search", "--n", "30", "--steps", "40", "-q"]) == 1  # 76 not reached
    assert main(["graphs", "search", "--n", "10", "--target", "16"]) == 3
    assert main(["graphs", "curriculum", "--from", "9", "--to", "10", "--steps-per-size",
                 "2000", "-q"]) == 0
    assert main(["graphs", "curriculum", "--from", "9", "--to", "10", "--forbid", "4",
                 "--steps", "400", "-q", "--json"]) == 1
    capsys.readouterr()


@pytest.mark.parametrize("damage", ["truncate", "other-size", "other-search", "no-checkpoint",
                                    "output-exists"])
def test_bad_input_is_one_line_exit_2_and_the_store_is_unchanged(db, tmp_path, capsys, damage):
    ck, out = tmp_path / "ck.json", tmp_path / "g.g6"
    base = ["graphs", "search", "--n", "14", "--forbid", "4", "--steps", "2000", "-q"]
    assert main(base + ["--checkpoint", str(ck), "-o", str(out)]) == 1
    argv = base + ["--checkpoint", str(ck), "--resume"]
    if damage == "truncate":
        ck.write_text(ck.read_text()[:200])
    elif damage == "other-size":
        argv[3] = "15"
    elif damage == "other-search":
        os.unlink(ck)
        run_search(ExampleCountSpec(), Budget(steps=5), seed=0, checkpoint=ck)
    elif damage == "no-checkpoint":
        argv = base + ["--resume"]
    elif damage == "output-exists":
        argv = base + ["-o", str(out)]
    before, ck_before, out_before = _snapshot(db), ck.read_bytes(), out.read_bytes()
    capsys.readouterr()
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("disco: error:") and "Traceback" not in err
    assert {"truncate": "corrupt", "other-size": "belongs to another",
            "other-search": "another search", "no-checkpoint": "--checkpoint",
            "output-exists": "already exists"}[damage] in err
    assert _snapshot(db) == before
    assert ck.read_bytes() == ck_before and out.read_bytes() == out_before


def test_curriculum_total_time_limit_bounds_the_whole_run():
    """``time_limit`` is the curriculum's total: with many sizes each stage's own work outside
    its stage budget (exact verification, storing) used to overrun it three times over
    (``--from 6 --to 129 --time-limit 2`` took 5.8 s); the run now stops at the limit with the
    stages done so far, each verified."""
    import time

    from search.core import StopReason
    from search.graphs import curriculum_graph_search

    t = time.perf_counter()
    res = curriculum_graph_search(list(range(6, 130)), time_limit=1.0, seed=1)
    elapsed = time.perf_counter() - t
    assert elapsed < 1.0 + 1.5, elapsed
    assert res.stop_reason is StopReason.TIME_LIMIT
    assert 0 < len(res.stages) < 124
    assert all(s.edges > 0 for s in res.stages)
