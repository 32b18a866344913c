"""Kill -9 and resume of the flip-graph searches on the search runner; bad input of ``disco mm search``.

The oracle for "nothing verified is lost": every rank a killed run printed on stderr has a
scheme in the store that re-verifies exactly (Brent equations over its ring), and the resumed
run never returns a rank above one printed before the kill. ``<4,4,4>`` over F2 towards 47
(the record, Kauers-Moosbauer / Fawzi et al. 2022) is out of reach of a few seconds of
walking, so the run is still going when it is killed; it passes rank 49 (Strassen x
Strassen) within about a second.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from engine.schemes import Scheme
from search.cli import main
from search.flipgraph.spec import scheme_from_json
from search.store import ResultsStore

ROOT = Path(__file__).resolve().parents[3]
CLI = "import sys; from search.cli import main; sys.exit(main(sys.argv[1:]))"
RANK = re.compile(r"rank (\d+) over (\w+)")


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _kill_when(proc: subprocess.Popen, err: Path, ck: Path, extra: float, limit: float = 60.0) -> str:
    """SIGKILL ``proc`` ``extra`` seconds after it printed a rank line and wrote a checkpoint."""
    t0 = time.time()
    while time.time() - t0 < limit:
        if proc.poll() is not None:
            break
        if ck.exists() and RANK.search(err.read_text()):
            time.sleep(extra)
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return err.read_text()


def _stored(db: Path) -> list:
    return ResultsStore(db).results(domain="schemes")


def _assert_printed_are_stored(printed: list[tuple[int, str]], db: Path) -> None:
    rows = _stored(db)
    by_rank: dict[tuple[int, str], list] = {}
    for r in rows:
        s = scheme_from_json(r.payload)
        assert s.is_valid(s.ring) and r.verified
        by_rank.setdefault((s.rank, s.ring), []).append(s)
    missing = [p for p in printed if p not in by_rank]
    assert not missing, f"printed but not stored: {missing}"


# ----------------------------------------------------------------------------- the CLI
def test_kill_9_mid_search_then_resume_loses_nothing(tmp_path):
    ck, db, out, err = tmp_path / "ck.json", tmp_path / "s.db", tmp_path / "out.json", tmp_path / "err.txt"
    argv = ["mm", "search", "4x4x4", "--ring", "F2", "--target", "47", "--seed", "1", "--time-limit", "6",
            "--checkpoint", str(ck), "--checkpoint-every", "0.3", "--db", str(db)]
    with open(err, "w") as fh:
        proc = subprocess.Popen([sys.executable, "-c", CLI, *argv], env=_env(), cwd=tmp_path,
                                stdout=subprocess.DEVNULL, stderr=fh)
        text = _kill_when(proc, err, ck, extra=0.7)
    assert proc.returncode == -signal.SIGKILL
    printed = [(int(r), ring) for r, ring in RANK.findall(text)]
    assert printed and all(ring == "F2" for _, ring in printed)
    _assert_printed_are_stored(printed, db)  # every line was committed before it was printed

    fin = subprocess.run([sys.executable, "-c", CLI, *argv, "--resume", "--json", "-o", str(out)], env=_env(),
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert fin.returncode in (0, 1), fin.stderr
    rep = json.loads(fin.stdout)
    assert rep["rank"] <= min(r for r, _ in printed)  # never worse than what was reported
    assert rep["stop_reason"] == "time_limit" and rep["elapsed"] >= 5.9  # the time limit spans both parts
    written = Scheme.load(out)
    assert written.rank == rep["rank"] and written.is_valid("F2")
    _assert_printed_are_stored(printed + [(rep["rank"], "F2")], db)
    runs = ResultsStore(db).runs("flipgraph.search")
    assert len(runs) == 1 and runs[0].stop_reason == "time_limit"  # the resumed run is the same run


def _rows(db: Path) -> tuple:
    con = sqlite3.connect(db)
    try:
        return (con.execute("SELECT * FROM results ORDER BY id").fetchall(),
                con.execute("SELECT * FROM runs ORDER BY id").fetchall())
    finally:
        con.close()


@pytest.fixture()
def stored_run(tmp_path):
    """A finished 2x2x2 search (store and checkpoint) to damage."""
    ck, db = tmp_path / "ck.json", tmp_path / "s.db"
    code = main(["mm", "search", "2x2x2", "--ring", "F2", "--target", "7", "--seed", "1", "--steps", "200000",
                 "--checkpoint", str(ck), "--db", str(db), "--quiet"])
    assert code == 0
    return ck, db


def _one_line(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return err


@pytest.mark.parametrize("damage", ["garbage", "truncate", "other-params", "other-search", "no-checkpoint-flag",
                                    "existing-output"])
def test_bad_input_is_one_line_exit_2_and_the_store_is_unchanged(tmp_path, stored_run, capsys, damage):
    ck, db = stored_run
    capsys.readouterr()
    argv_extra: list[str] = ["--checkpoint", str(ck), "--resume"]
    if damage == "garbage":
        ck.write_bytes(os.urandom(200))
    elif damage == "truncate":
        text = ck.read_text()
        ck.write_text(text[: len(text) // 3])
    elif damage == "other-params":  # the same search kind, other parameters
        argv_extra += ["--walkers", "3"]
    elif damage == "other-search":  # a checkpoint of meta_search
        from search.flipgraph.meta import meta_search

        other = tmp_path / "meta.json"
        meta_search((2, 2, 2), ring="F2", target_rank=7, seed=1, time_limit=5, checkpoint=other)
        argv_extra = ["--checkpoint", str(other), "--resume"]
    elif damage == "no-checkpoint-flag":
        argv_extra = ["--resume"]
    elif damage == "existing-output":
        out = tmp_path / "out.json"
        out.write_text("keep me")
        argv_extra = ["-o", str(out)]
    before_db, before_ck = _rows(db), ck.read_bytes()
    code = main(["mm", "search", "2x2x2", "--ring", "F2", "--target", "7", "--seed", "1", "--steps", "300000",
                 "--db", str(db), *argv_extra])
    assert code == 2
    err = _one_line(capsys)
    assert err.startswith("disco: error: ")
    assert _rows(db) == before_db and ck.read_bytes() == before_ck
    if damage == "existing-output":
        assert (tmp_path / "out.json").read_text() == "keep me" and "--force" in err
    if damage in ("garbage", "truncate", "other-params", "other-search"):
        assert "checkpoint" in err


def test_target_below_the_lower_bound_exits_3_before_anything_opens(tmp_path, capsys):
    db = tmp_path / "s.db"
    assert main(["mm", "search", "2x2x2", "--ring", "F2", "--target", "6", "--db", str(db)]) == 3
    assert "lower bound 7" in _one_line(capsys) and not db.exists()


def test_resume_continues_the_budget_with_the_best_so_far(tmp_path, capsys):
    """Stopped by its flip budget and resumed with a larger one: one run, flips counted over
    both parts, the best never worse, the same seed."""
    ck, db = tmp_path / "ck.json", tmp_path / "s.db"
    common = ["mm", "search", "3x3x3", "--ring", "ZT", "--target", "20", "--seed", "4", "--checkpoint", str(ck),
              "--db", str(db), "--json", "-q"]
    assert main([*common, "--steps", "2000000"]) == 1
    first = json.loads(capsys.readouterr().out)
    assert main([*common, "--steps", "4000000", "--resume"]) == 1
    second = json.loads(capsys.readouterr().out)
    assert first["flips"] == 2_000_000 and second["flips"] == 4_000_000
    assert second["rank"] <= first["rank"] and second["seed"] == 4
    assert len(ResultsStore(db).runs("flipgraph.search")) == 1


# ----------------------------------------------------------------------------- the library
def test_resume_adopts_a_better_scheme_stored_after_the_checkpoint(tmp_path):
    """What the run committed after its last checkpoint (here: Laderman's rank-23 scheme,
    Laderman 1976) is merged on resume and the walkers move to it (SearchSpec.adopt)."""
    from search.flipgraph import flip_search

    ck, db = tmp_path / "ck.json", tmp_path / "s.db"
    first = flip_search((3, 3, 3), ring="ZT", target_rank=19, seed=2, max_flips=20_000, checkpoint=ck, store=db)
    assert first.rank > 23
    st = ResultsStore(db)
    run = st.runs("flipgraph.search")[0]
    lad = Scheme.laderman()
    st.add_result("schemes", lad.store_key("ZT"), lad.to_json(), verified=True, run_id=run.id, score=-23.0)
    again = flip_search((3, 3, 3), ring="ZT", target_rank=19, seed=2, max_flips=40_000, checkpoint=ck, store=db,
                        resume=True)
    assert again.rank <= 23 and again.scheme.is_valid("ZT")


def test_budget_and_its_shorthands():
    from engine.errors import InvalidInputError
    from search.core import Budget, StopReason
    from search.flipgraph import flip_search
    from search.flipgraph.bilinear import bilinear_search

    res = flip_search((2, 2, 2), ring="F2", seed=1, budget=Budget(steps=1_000_000, target=7))
    assert res.reached and res.stop_reason is StopReason.TARGET_REACHED and res.target_rank == 7
    with pytest.raises(InvalidInputError, match="contradicts"):
        flip_search((2, 2, 2), ring="F2", seed=1, max_flips=10, budget=Budget(steps=20))
    res = bilinear_search("ug", n=2, field="F2", seed=0, budget=Budget(steps=20_000, target=6))
    assert res.reached and res.stop_reason is StopReason.TARGET_REACHED


_META = """
import sys
from search.flipgraph.meta import meta_search
ck, db = sys.argv[1], sys.argv[2]
res = meta_search((2, 3, 3), ring="ZT", target_rank=14, seed=2, time_limit=5, method="extend", hop_flips=5_000,
                  walk_flips=100_000, finish_flips=100_000, source_flips=5_000_000, checkpoint=ck,
                  checkpoint_every=0.2, store=db, progress=True, resume=len(sys.argv) > 3)
print("DONE", res.rank, res.walks)
"""


def test_meta_search_killed_and_resumed_loses_nothing(tmp_path):
    """<2,3,3> towards 14, below its best known rank 15 (Hopcroft-Kerr 1971): the extend method
    keeps walking from extensions of rank-11 <2,2,3>/<2,3,2> schemes until its time is spent."""
    from search.flipgraph.meta import meta_search

    ck, db, err = tmp_path / "ck.json", tmp_path / "s.db", tmp_path / "err.txt"
    with open(err, "w") as fh:
        proc = subprocess.Popen([sys.executable, "-c", _META, str(ck), str(db)], env=_env(), cwd=tmp_path,
                                stdout=subprocess.DEVNULL, stderr=fh)
        text = _kill_when(proc, err, ck, extra=0.8)
    printed = [(int(r), ring) for r, ring in RANK.findall(text)]
    assert printed
    _assert_printed_are_stored(printed, db)
    res = meta_search((2, 3, 3), ring="ZT", target_rank=14, seed=2, time_limit=5, method="extend", hop_flips=5_000,
                      walk_flips=100_000, finish_flips=100_000, source_flips=5_000_000, checkpoint=ck,
                      checkpoint_every=0.2, store=db, resume=True)
    assert res.rank <= min(r for r, _ in printed) and res.scheme.is_valid("ZT")
    assert res.walks >= 1 and res.elapsed >= 4.9
    _assert_printed_are_stored(printed + [(res.rank, "ZT")], db)


def test_bilinear_search_resumes_its_attempts(tmp_path):
    """2x2 symmetric x symmetric has no rank-5 scheme over Z (Khoruzhii-Gelss-Pokutta 2025:
    rank 5 needs 1/2): every rank-5 scheme over F3 fails to lift, so the search keeps starting
    new walks. Stopped on its flip budget and resumed, it continues the attempt count, keeps
    the reasons and never reports a worse scheme; every scheme it reported is in the store."""
    from search.core import StopReason
    from search.flipgraph.bilinear import bilinear_search

    ck, db = tmp_path / "ck.json", tmp_path / "s.db"
    kw = dict(n=2, field="F3", target_rank=5, seed=1, lift_to="Z", checkpoint=ck, store=db)
    first = bilinear_search("ss", max_flips=200_000, **kw)
    again = bilinear_search("ss", max_flips=400_000, resume=True, **kw)
    assert not first.reached and not again.reached and again.stop_reason is StopReason.STEP_BUDGET
    assert again.rank <= first.rank and again.attempts >= first.attempts and again.flips == 400_000
    assert "not to Z" in again.lift_reason or "does not lift" in again.lift_reason
    ranks = sorted(scheme_from_json(r.payload).rank for r in _stored(db))
    assert ranks[0] == again.scheme.rank == 5 and all(r.verified for r in _stored(db))


def test_resume_with_its_time_spent_returns_the_checkpointed_best(tmp_path, capsys):
    """The reported bug: ``--resume --time-limit 3`` after a long run returned the standard
    algorithm (rank 64). A resumed run whose time is already spent runs no chunk and returns
    the best of its checkpoint."""
    ck, db = tmp_path / "ck.json", tmp_path / "s.db"
    common = ["mm", "search", "4x4x4", "--ring", "F2", "--target", "47", "--seed", "1", "--checkpoint", str(ck),
              "--db", str(db), "--json", "-q"]
    assert main([*common, "--steps", "6000000"]) == 1
    first = json.loads(capsys.readouterr().out)
    assert first["rank"] < 64
    assert main([*common, "--time-limit", "0.001", "--resume"]) == 1
    again = json.loads(capsys.readouterr().out)
    assert again["rank"] == first["rank"] and again["flips"] == first["flips"]


def test_every_stored_scheme_reverifies_from_its_payload(tmp_path):
    """``search.flipgraph.verify_payload`` (what ``disco results verify`` needs for schemes):
    matrix and structured schemes, field and lifted, rebuilt from the payload alone; an edited
    payload or key is caught."""
    from engine.errors import VerificationError
    from search.flipgraph import verify_payload
    from search.flipgraph.bilinear import bilinear_search

    db = tmp_path / "s.db"
    bilinear_search("ss", n=2, field="F3", target_rank=6, seed=0, max_flips=300_000, lift_to="Z", store=db)
    rows = _stored(db)
    rings = {r.payload["ring"] for r in rows}
    assert "F3" in rings and rings & {"Z", "ZT"}
    for r in rows:
        assert "Brent equations exact" in verify_payload(r.payload, r.key)
    bad = dict(rows[-1].payload)
    bad["u"] = [[0] * len(bad["u"][0])] + bad["u"][1:]
    with pytest.raises(VerificationError):
        verify_payload(bad, rows[-1].key)
    with pytest.raises(VerificationError, match="key"):
        verify_payload(rows[-1].payload, rows[0].key)


def test_share_moves_the_walkers_of_another_group_to_a_new_best():
    """On a process pool each walker is a walker group of its own; the runner's population move
    (SearchSpec.share) moves the others to a new best with probability copy_best, drawn from
    each group's own generator. Oracle: Strassen's rank 7 (Strassen 1969)."""
    from search.core import Budget
    from search.flipgraph.spec import SchemeSearchSpec
    from search.flipgraph.walk import walk_config

    s = Scheme.standard(2, 2, 2)
    spec = SchemeSearchSpec(kind="flipgraph.search", target=s.target, start=s, field="ZT", method="walk",
                            walkers=2, teams=2, walk=walk_config("ZT", copy_best=1.0), target_rank=7)
    states = spec.initial_states(3)
    assert len(states) == 2 and len(states[0]["inner"].members if states[0]["inner"] else []) == 0
    spec.step(states[1], Budget(steps=1))  # group 1 starts: one walker at rank 8, one flip
    moved = spec.share(states[1], Scheme.strassen())
    assert moved is states[1] and states[1]["inner"].best[2] == 7
    assert all(w.best_r == 7 for w in states[1]["inner"].members)
    assert spec.share(states[0], Scheme.strassen()) is None  # a group that has not started keeps its state
    assert spec.adopt(states[1], Scheme.strassen().with_ring("F2")) is None  # another ring: not adopted


def test_target_below_the_flattening_bound_exits_3_in_disco_bilinear(tmp_path, capsys):
    db = tmp_path / "s.db"
    assert main(["bilinear", "search", "--structure", "ss", "--n", "2", "--field", "F3", "--target", "2",
                 "--db", str(db)]) == 3
    assert "flattening lower bound" in _one_line(capsys) and not db.exists()
