"""The continued-fraction searches on the one runner: determinism, budgets and stop reasons,
store-first commits, ESMA batches, and bad input (one line on stderr, exit 2, nothing stored
modified).

Oracles: the enumeration is deterministic, so the payloads of a run cut into other chunks, run
on other workers or resumed must equal those of one serial run; Euler's PCF(n, n) = 1/(e - 1)
(Euler 1744) and the ESMA identifications of e (period-3 expansion, Euler 1737) and
(e+1)/(e-1) = [2; 6, 10, 14, ...] (PCF(4n + 2, 1)).
"""

from __future__ import annotations

import json

import pytest

from search.cli import main
from search.core import Budget, StopReason
from search.pcf import (
    PCFHit,
    esma_batch,
    esma_key,
    pcf_key,
    search_pcfs,
)
from search.store import ResultsStore

CONSTS = ["e", "pi", "log(2)"]
_TINY = ["cf", "search", "--a-degree", "1", "--b-degree", "1", "--range", "1", "--constants",
         "e", "-q"]


def _payloads(res):
    return [json.dumps(h.to_json(), sort_keys=True) for h in res.hits]


def test_hits_do_not_depend_on_chunks_or_workers():
    serial = search_pcfs(1, 2, 2, CONSTS, workers=1)
    assert serial.stop_reason is StopReason.EXHAUSTED and len(serial.hits) > 20
    small = search_pcfs(1, 2, 2, CONSTS, workers=1, chunk_size=300)
    pooled = search_pcfs(1, 2, 2, CONSTS, workers=2, backend="process")
    assert _payloads(small) == _payloads(serial) == _payloads(pooled)
    assert small.n_evaluated == serial.n_evaluated == pooled.n_evaluated == 1625


def test_time_and_step_budgets_stop_the_run_and_resume_completes_it(tmp_path):
    full = search_pcfs(1, 2, 2, CONSTS, workers=1)
    ck, db = tmp_path / "ck.json", tmp_path / "s.db"
    part = search_pcfs(1, 2, 2, CONSTS, Budget(steps=512), workers=1, checkpoint=ck, store=db)
    assert part.stop_reason is StopReason.STEP_BUDGET and not part.complete
    assert part.n_evaluated == 512
    timed = search_pcfs(1, 2, 2, CONSTS, time_limit=1e-9, workers=1)
    assert timed.stop_reason is StopReason.TIME_LIMIT
    rest = search_pcfs(1, 2, 2, CONSTS, workers=1, checkpoint=ck, resume=True, store=db)
    assert rest.stop_reason is StopReason.EXHAUSTED
    assert _payloads(rest) == _payloads(full)
    rows = ResultsStore(db).results(domain="contfrac")
    assert sorted(r.key for r in rows) == sorted(h.key() for h in full.hits)


def test_target_counts_hits():
    r = search_pcfs(1, 2, 2, CONSTS, Budget(target=3), workers=1, chunk_size=256)
    assert r.stop_reason is StopReason.TARGET_REACHED and len(r.hits) >= 3


def test_each_hit_is_stored_before_it_is_reported(tmp_path):
    store = ResultsStore(tmp_path / "s.db")
    seen = []

    def on_result(found):
        row = store.find("contfrac", found.key)
        seen.append(row is not None and PCFHit.from_json(row.payload) == found.candidate)

    r = search_pcfs(1, 1, 2, ["e"], workers=1, store=store, on_result=on_result)
    assert seen and all(seen) and len(seen) == len(r.hits)


def test_the_key_is_canonical_and_stored_payloads_reverify(tmp_path):
    assert pcf_key([3, 0], [1, 2, 0]) == pcf_key("3", "2n+1") == "a=[3];b=[1, 2]"
    db = tmp_path / "s.db"
    search_pcfs(1, 1, 1, ["e"], workers=1, store=db)
    rows = ResultsStore(db).results(domain="contfrac")
    assert rows
    for row in rows:
        hit = PCFHit.from_json(row.payload)
        assert row.key == hit.key() == pcf_key(hit.a, hit.b)
        hit.check()
    from search.app.verify import verify_rows

    assert {c.status for c in verify_rows(rows)} == {"ok"}


def test_the_quick_check_rejects_a_wrong_value_and_accepts_an_accelerated_limit():
    import dataclasses

    h = PCFHit.example()
    h.check(fresh=False)
    v = str(h.value)
    bad = dataclasses.replace(h, value=v[:15] + str((int(v[15]) + 1) % 10) + v[16:])
    with pytest.raises(Exception, match="recorded value"):
        bad.check(fresh=False)
    # 1 + 4/pi = 2 + 1/(2 + 9/(2 + 25/...)) converges logarithmically (Brouncker)
    from search.pcf.enumerate import _verify_hit

    slow = PCFHit.from_json(_verify_hit([2, 0], [1, -4, 4], "pi", (4, 1, 0, 1), 30, 1))
    assert slow.certification == "accelerated"
    slow.check(fresh=False)
    off = dataclasses.replace(slow, mobius=(4, 1, 0, 1), value=str(slow.value)[:-6] + "123456")
    assert not off.is_valid()


def test_esma_batch_stores_each_identification(tmp_path):
    db = tmp_path / "s.db"
    r = esma_batch(["e", "pi", "(e+1)/(e-1)", "1/3"], n_terms=100, store=db)
    assert [o["status"] for o in r.outcomes][:3] == ["identified", "no pattern", "identified"]
    assert r.stop_reason is StopReason.EXHAUSTED
    rows = ResultsStore(db).results(domain="esma")
    assert sorted(x.key for x in rows) == sorted([esma_key("e"), esma_key("(e+1)/(e-1)")])
    from solvers.esma import ESMAResult

    for row in rows:
        ESMAResult.from_json(row.payload).check()
    assert str(r.identified[1].pcf) == "PCF('4n + 2', '1')"


def test_esma_batch_resumes(tmp_path):
    ck, db = tmp_path / "ck.json", tmp_path / "s.db"
    part = esma_batch(["e", "sqrt(2)", "(e+1)/(e-1)"], Budget(steps=1), n_terms=80,
                      checkpoint=ck, store=db)
    assert part.stop_reason is StopReason.STEP_BUDGET
    assert [o["status"] for o in part.outcomes] == ["identified", "pending", "pending"]
    rest = esma_batch(["e", "sqrt(2)", "(e+1)/(e-1)"], n_terms=80, checkpoint=ck, resume=True,
                      store=db)
    assert [o["status"] for o in rest.outcomes] == ["identified"] * 3
    assert ResultsStore(db).count(domain="esma") == 3


def test_cli_esma_batch_file(tmp_path, capsys):
    batch = tmp_path / "batch.txt"
    batch.write_text("# constants\ne\n\ntan(1)   # a Mobius link, no catalogue identification\n")
    db = str(tmp_path / "s.db")
    assert main(["cf", "esma", "--batch", str(batch), "--terms", "100", "--db", db, "-q"]) == 0
    out = capsys.readouterr().out
    assert "2 of 2 identified" in out
    assert ResultsStore(db).count(domain="esma") == 2


def test_cli_search_json_output_and_exit_codes(tmp_path, capsys):
    db, out = str(tmp_path / "s.db"), tmp_path / "r.json"
    assert main(_TINY + ["--db", db, "-o", str(out)]) == 0
    assert json.loads(out.read_text())["stop_reason"] == "exhausted"
    capsys.readouterr()
    ck = str(tmp_path / "ck.json")
    code = main(["cf", "search", "--a-degree", "1", "--b-degree", "2", "--range", "3",
                 "--constants", "e", "--steps", "256", "--checkpoint", ck, "--db", db, "--json",
                 "-q"])
    assert code == 1  # the budget ran out before the end of the box
    assert json.loads(capsys.readouterr().out)["stop_reason"] == "step_budget"
    code = main(["cf", "search", "--a-degree", "1", "--b-degree", "2", "--range", "3",
                 "--constants", "e", "--checkpoint", ck, "--resume", "--db", db, "-q"])
    assert code == 0


# -- bad input: one line on stderr, exit 2, nothing stored modified ---------------------------
def _snapshot(db):
    """Every row of the store's tables (read-only), so "nothing stored modified" does not
    depend on SQLite moving its write-ahead log into the file."""
    import sqlite3

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: sorted(map(repr, conn.execute(f"SELECT * FROM {t}"))) for t in tables}
    finally:
        conn.close()


def _one_line_error(capsys, code, expect):
    err = capsys.readouterr().err
    assert code == 2, err
    assert expect in err and err.count("\n") == 1 and "Traceback" not in err


@pytest.fixture
def run_with_checkpoint(tmp_path, capsys):
    db, ck = tmp_path / "s.db", tmp_path / "ck.json"
    assert main(_TINY + ["--db", str(db), "--checkpoint", str(ck)]) == 0
    capsys.readouterr()
    return db, ck


@pytest.mark.parametrize("damage, expect", [
    ("truncate", "truncated or corrupt"),
    ("box", "belongs to another"),
    ("kind", "belongs to another search"),
])
def test_bad_checkpoints_are_refused(run_with_checkpoint, tmp_path, capsys, damage, expect):
    db, ck = run_with_checkpoint
    argv = _TINY + ["--db", str(db), "--checkpoint", str(ck), "--resume"]
    if damage == "truncate":
        text = ck.read_text()
        ck.write_text(text[: len(text) // 2])
    elif damage == "box":
        argv[argv.index("--range") + 1] = "2"
    else:
        ck.unlink()
        assert main(["cf", "esma", "e", "--terms", "50", "--db", str(tmp_path / "o.db"),
                     "--checkpoint", str(ck), "-q"]) == 0
        capsys.readouterr()
    before_db, before_ck = _snapshot(db), ck.read_bytes()
    _one_line_error(capsys, main(argv), expect)
    assert _snapshot(db) == before_db and ck.read_bytes() == before_ck


def test_resume_without_checkpoint_and_existing_files_are_refused(run_with_checkpoint, tmp_path,
                                                                   capsys):
    db, ck = run_with_checkpoint
    before = _snapshot(db)
    _one_line_error(capsys, main(_TINY + ["--db", str(db), "--resume"]), "--checkpoint PATH")
    _one_line_error(capsys, main(_TINY + ["--db", str(db), "--checkpoint", str(ck)]),
                    "already exists")
    out = tmp_path / "r.json"
    out.write_text("keep me")
    _one_line_error(capsys, main(_TINY + ["--db", str(db), "-o", str(out)]), "--force")
    assert out.read_text() == "keep me" and _snapshot(db) == before
    assert main(_TINY + ["--db", str(db), "-o", str(out), "--force"]) == 0
    assert json.loads(out.read_text())["n_candidates"] == 81


def test_a_foreign_store_and_a_bad_box_are_refused(tmp_path, capsys):
    import sqlite3

    db = tmp_path / "other.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    code = main(_TINY + ["--db", str(db)])
    assert code == 2 and "Traceback" not in capsys.readouterr().err
    assert db.read_bytes() == before
    _one_line_error(capsys, main(["cf", "search", "--range", "0", "--db", str(db)]),
                    "coefficient_range")
    _one_line_error(capsys, main(["cf", "esma", "x+1", "--db", str(db)]), "free symbols")
    assert db.read_bytes() == before


def test_an_unreachable_dask_scheduler_is_refused(run_with_checkpoint, capsys):
    db, _ = run_with_checkpoint
    before = _snapshot(db)
    # --address is the hidden former name of --cluster
    _one_line_error(capsys, main(_TINY + ["--db", str(db), "--address", "tcp://127.0.0.1:9"]),
                    "Dask scheduler")
    assert _snapshot(db) == before
