"""Results store: schema, de-duplication, queries, export, bad files, concurrency, SIGKILL."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import pickle
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import InvalidInputError, StoreError
from search.store import SCHEMA_VERSION, ResultsStore


def _digest(path):
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


@pytest.fixture
def store(tmp_path):
    s = ResultsStore(tmp_path / "disco.db")
    yield s
    s.close()


def test_schema_tables_and_wal(store):
    conn = sqlite3.connect(store.path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"runs", "results", "disco_schema"} <= tables
    assert conn.execute("SELECT version FROM disco_schema").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    cols = {r[1] for r in conn.execute("PRAGMA table_info(results)")}
    assert cols == {"id", "run_id", "domain", "key", "payload", "score", "verified",
                    "verification_method", "created", "updated"}
    cols = {r[1] for r in conn.execute("PRAGMA table_info(runs)")}
    assert cols == {"id", "kind", "params", "seed", "code_version", "started", "ended",
                    "stop_reason", "summary"}
    conn.close()


def test_runs_roundtrip(store):
    big_seed = 2**100 + 7  # SeedSequence entropy is 128-bit: must survive the round trip
    rid = store.start_run("flipgraph", {"n": 3, "ring": "F2"}, seed=big_seed)
    run = store.get_run(rid)
    assert run.seed == big_seed and run.params == {"n": 3, "ring": "F2"}
    assert run.ended is None and run.code_version
    store.end_run(rid, "step_budget", {"best": 23})
    run = store.runs()[0]
    assert run.stop_reason == "step_budget" and run.summary == {"best": 23} and run.ended
    with pytest.raises(InvalidInputError, match="run_id"):
        store.end_run(999, "x")
    with pytest.raises(InvalidInputError, match="seed"):
        store.start_run("k", {}, seed="abc")


def test_dedup_and_upgrade(store):
    rid = store.start_run("t", {}, 1)
    assert store.add_result("graphs", "a", {"v": 1}, verified=False, run_id=rid, score=1.0) == (1, True)
    assert store.add_result("graphs", "b", {"v": 2}, verified=True, method="m") == (2, True)
    # same key again: same id, not new; a better (verified) entry replaces the payload
    assert store.add_result("graphs", "a", {"v": 3}, verified=True, method="exact", score=0.5) == (1, False)
    row = store.get(1)
    assert row.verified and row.payload == {"v": 3} and row.verification_method == "exact"
    assert row.run_id == rid  # the first finder is kept
    # a worse duplicate changes nothing
    assert store.add_result("graphs", "a", {"v": 4}, verified=False, score=9.0) == (1, False)
    assert store.get(1).payload == {"v": 3}
    # same key in another domain is a different result
    assert store.add_result("schemes", "a", {}, verified=True)[1] is True
    assert store.count() == 3 and store.count(domain="graphs") == 2
    assert [r.key for r in store.results(verified=True, domain="graphs")] == ["a", "b"]
    assert [r.id for r in store.results(run_id=rid)] == [1]
    assert len(store.results(limit=1)) == 1
    assert store.find("graphs", "b").payload == {"v": 2} and store.find("graphs", "zz") is None
    assert store.get(1)["payload"] == {"v": 3}


def test_bulk_add(store):
    items = [{"domain": "contfrac", "key": f"k{i}", "payload": {"i": i}, "verified": True,
              "score": float(i)} for i in range(100)]
    out = store.add_results(items + items[:10])
    assert len(out) == 110 and sum(new for _, new in out) == 100
    assert out[100:] == [(i + 1, False) for i in range(10)]
    assert [r.key for r in store.results(order="score", limit=2)] == ["k99", "k98"]
    with pytest.raises(InvalidInputError, match="lacks field 'verified'"):
        store.add_results([{"domain": "x", "key": "y", "payload": {}}])


@pytest.mark.parametrize("kwargs, match", [
    ({"domain": "", "key": "k", "payload": {}}, "domain"),
    ({"domain": "d", "key": "", "payload": {}}, "key"),
    ({"domain": "d", "key": "k", "payload": {"x": object()}}, None),
    ({"domain": "d", "key": "k", "payload": {"x": float("nan")}}, "JSON"),
    ({"domain": "d", "key": "k", "payload": {}, "score": float("nan")}, "score"),
    ({"domain": "d", "key": 5, "payload": {}}, "key"),
])
def test_bad_result_input(store, kwargs, match):
    if match is None:  # unknown objects are stored via str(); must not fail
        store.add_result(verified=True, **kwargs)
        return
    with pytest.raises(InvalidInputError, match=match):
        store.add_result(verified=True, **kwargs)


def test_get_unknown_and_bad_limit(store):
    with pytest.raises(InvalidInputError, match="result_id=42"):
        store.get(42)
    with pytest.raises(InvalidInputError, match="limit"):
        store.results(limit=-1)
    with pytest.raises(InvalidInputError, match="order"):
        store.results(order="random")


@settings(max_examples=15)
@given(st.lists(st.tuples(st.sampled_from(["graphs", "schemes"]), st.text(min_size=1, max_size=5),
                          st.booleans()), max_size=30))
def test_property_rows_equal_distinct_keys(tmp_path_factory, entries):
    path = tmp_path_factory.mktemp("prop") / "p.db"
    with ResultsStore(path) as s:
        for dom, key, ver in entries:
            s.add_result(dom, key, {"k": key}, verified=ver)
        assert s.count() == len({(d, k) for d, k, _ in entries})
        # verified is the OR over all insertions of the key (upgrades only)
        for dom, key, _ in entries:
            assert s.find(dom, key).verified == any(v for d, k, v in entries if (d, k) == (dom, key))


def test_export_json_and_csv(store, tmp_path):
    store.add_result("graphs", "a,b", {"edges": [[0, 1]]}, verified=True, method="nx", score=2)
    store.add_result("reactions", "r", {"x": "y"}, verified=False)
    assert store.export(tmp_path / "out.json") == 2
    data = json.loads((tmp_path / "out.json").read_text())
    assert data[0]["payload"] == {"edges": [[0, 1]]} and data[0]["key"] == "a,b"
    assert store.export(tmp_path / "out.csv", domain="graphs") == 1
    rows = list(csv.DictReader(open(tmp_path / "out.csv", newline="")))
    assert rows[0]["key"] == "a,b" and json.loads(rows[0]["payload"]) == {"edges": [[0, 1]]}
    with pytest.raises(InvalidInputError, match="fmt"):
        store.export(tmp_path / "o.x", fmt="xml")


def test_not_sqlite_file_untouched(tmp_path):
    bad = tmp_path / "disco.db"
    bad.write_bytes(b"this is not a database at all" * 20)
    before = _digest(bad)
    with pytest.raises(StoreError, match="not an SQLite database"):
        ResultsStore(bad)
    assert _digest(bad) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["disco.db"]


def test_foreign_sqlite_file_untouched(tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE customers (id INTEGER, name TEXT)")
    conn.commit()
    conn.close()
    before = _digest(other)
    with pytest.raises(StoreError, match="another program"):
        ResultsStore(other)
    assert _digest(other) == before
    conn = sqlite3.connect(other)
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["customers"]
    conn.close()


def test_truncated_sqlite_file(tmp_path):
    path = tmp_path / "t.db"
    with ResultsStore(path) as s:
        s.add_results([{"domain": "d", "key": str(i), "payload": {"x": "y" * 500}, "verified": True}
                       for i in range(200)])
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    blob = path.read_bytes()
    path.write_bytes(blob[:100] + b"\x00" * 50 + blob[150:4096])  # damaged header and pages
    before = _digest(path)
    with pytest.raises(StoreError):
        s = ResultsStore(path)
        s.results()
    assert _digest(path) == before


def test_newer_schema_refused(tmp_path):
    path = tmp_path / "n.db"
    ResultsStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE disco_schema SET version = 99")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="schema version 99"):
        ResultsStore(path)


def test_locked_file(tmp_path):
    path = tmp_path / "l.db"
    ResultsStore(path).close()
    locker = sqlite3.connect(path, isolation_level=None)
    locker.execute("PRAGMA locking_mode=EXCLUSIVE")
    locker.execute("BEGIN EXCLUSIVE")
    try:
        before = _digest(path)
        with pytest.raises(StoreError, match="locked"):
            s = ResultsStore(path, timeout=0.2)
            s.add_result("d", "k", {}, verified=True)
        assert _digest(path) == before
    finally:
        locker.execute("ROLLBACK")
        locker.close()


def test_missing_directory_and_no_create(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        ResultsStore(tmp_path / "nope" / "x.db")
    with pytest.raises(StoreError, match="does not exist"):
        ResultsStore(tmp_path / "y.db", create=False)
    assert not (tmp_path / "y.db").exists()


def test_default_path_env(tmp_path, monkeypatch):
    monkeypatch.setenv("DISCO_DB", str(tmp_path / "env.db"))
    with ResultsStore() as s:
        assert s.path == tmp_path / "env.db"
    monkeypatch.delenv("DISCO_DB")
    monkeypatch.chdir(tmp_path)
    with ResultsStore() as s:
        assert s.path.name == "disco.db" and s.path.parent == tmp_path


def test_pickle_reopens(store):
    store.add_result("d", "k", {}, verified=True)
    clone = pickle.loads(pickle.dumps(store))
    assert clone.count() == 1
    clone.close()


_WRITER = textwrap.dedent("""
    import sys
    from search.store import ResultsStore
    path, tag, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    s = ResultsStore(path)
    for i in range(n):
        s.add_result("graphs", f"{tag}-{i}", {"i": i}, verified=True, method="t")
    print("done", flush=True)
""")

_SLOW_WRITER = textwrap.dedent("""
    import sys
    from search.store import ResultsStore
    s = ResultsStore(sys.argv[1])
    i = 0
    while True:
        s.add_result("graphs", f"k-{i}", {"i": i, "pad": "x" * 200}, verified=True)
        i += 1
        if i == 50:
            print("ready", flush=True)
""")


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.getcwd() + os.pathsep + env.get("PYTHONPATH", "")
    return env


def test_two_processes_write_concurrently(tmp_path):
    path = tmp_path / "c.db"
    ResultsStore(path).close()
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, str(path), tag, "300"],
                              env=_env(), stdout=subprocess.PIPE, text=True)
             for tag in ("a", "b")]
    for p in procs:
        out, _ = p.communicate(timeout=120)
        assert p.returncode == 0 and "done" in out
    with ResultsStore(path) as s:
        assert s.count() == 600
        assert len({r.key for r in s.results()}) == 600


def test_sigkill_mid_run_keeps_file_valid(tmp_path):
    path = tmp_path / "k.db"
    ResultsStore(path).close()
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_WRITER, str(path)], env=_env(),
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    with ResultsStore(path) as s:
        rows = s.results()
        n = len(rows)
        assert n >= 50
        # committed results are contiguous: nothing but (at most) the one in flight is lost
        assert sorted(r.payload["i"] for r in rows) == list(range(n))
        s.add_result("graphs", "after-kill", {}, verified=True)
        assert s.count() == n + 1
