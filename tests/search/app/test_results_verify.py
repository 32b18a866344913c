"""``disco results verify``: every stored record rebuilt from its payload and re-verified."""

from __future__ import annotations

import json

from engine.schemes import Scheme
from search.app.cli import main
from search.store import ResultsStore


def _store(tmp_path):
    db = tmp_path / "s.db"
    st = ResultsStore(db)
    s = Scheme.strassen()  # Strassen (1969): rank 7, valid over Z
    st.add_result("schemes", s.store_key("ZT"), s.to_json(), verified=True)
    return db, st, s


def test_all_valid_records_exit_0(tmp_path, capsys):
    db, _, _ = _store(tmp_path)
    assert main(["results", "verify", "--all", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "OK" in out and "1 re-verified exactly, 0 failed" in out


def test_a_tampered_payload_is_named_and_exits_1(tmp_path, capsys):
    db, st, s = _store(tmp_path)
    bad = s.to_json()
    bad["w"][0] = [1 - abs(x) for x in bad["w"][0]]
    st.add_result("schemes", "tampered", bad, verified=True)
    assert main(["results", "verify", "--all", "--db", str(db), "--json"]) == 1
    checks = json.loads(capsys.readouterr().out)
    assert [c["status"] for c in checks] == ["ok", "failed"]
    assert checks[1]["id"] == 2 and "Brent" in checks[1]["what"]


def test_a_payload_that_does_not_match_its_key_fails(tmp_path, capsys):
    db, st, s = _store(tmp_path)
    other = Scheme.standard(2, 2, 2)
    st.add_result("schemes", s.store_key("ZT") + "x", other.to_json(), verified=True)
    assert main(["results", "verify", "2", "--db", str(db)]) == 1
    assert "key" in capsys.readouterr().err


def test_unknown_domains_are_skipped_not_verified(tmp_path, capsys):
    db, st, _ = _store(tmp_path)
    st.add_result("generic", "x", {"bits": [1]}, verified=True)
    assert main(["results", "verify", "--all", "--db", str(db)]) == 0
    assert "SKIPPED" in capsys.readouterr().out


def test_bad_requests_are_one_line_exit_2(tmp_path, capsys):
    db, _, _ = _store(tmp_path)
    assert main(["results", "verify", "--db", str(db)]) == 2
    assert main(["results", "verify", "99", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 2 and "99" in err
