"""`disco results ...` and `disco bench ...` through the CLI entry point."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from search.cli import main
from search.store import ResultsStore


@pytest.fixture
def populated(tmp_path):
    path = tmp_path / "disco.db"
    with ResultsStore(path) as s:
        run = s.start_run("toy", {"n": 4}, seed=42)
        s.add_result("graphs", "C5", {"edges": 5}, verified=True, method="networkx", run_id=run,
                     score=5.0)
        s.add_result("schemes", "strassen", {"rank": 7}, verified=True, method="brent",
                     run_id=run, score=-7.0)
        s.add_result("graphs", "K4", {"edges": 6}, verified=False, score=6.0)
        s.end_run(run, "step_budget", {"found": 2})
    return path


def _json(capsys, argv):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_list_json_empty_in_fresh_directory(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DISCO_DB", raising=False)
    assert _json(capsys, ["results", "list", "--json"]) == []
    assert not (tmp_path / "disco.db").exists()  # read-only commands never create the store
    assert _json(capsys, ["results", "runs", "--json"]) == []
    assert main(["results", "list"]) == 0 and "no results" in capsys.readouterr().out


def test_list_subprocess_fresh_directory(tmp_path):
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    env.pop("DISCO_DB", None)
    out = subprocess.run([sys.executable, "-c", "import sys; from search.cli import main; "
                          "sys.exit(main(['results', 'list', '--json']))"],
                         cwd=tmp_path, env=env, capture_output=True, text=True)
    assert out.returncode == 0 and json.loads(out.stdout) == [] and out.stderr == ""


def test_list_filters(populated, capsys):
    db = ["--db", str(populated)]
    rows = _json(capsys, ["results", "list", "--json", *db])
    assert [r["key"] for r in rows] == ["C5", "strassen", "K4"]
    assert rows[0]["payload"] == {"edges": 5} and rows[0]["verified"] is True
    rows = _json(capsys, ["results", "list", "--json", "--domain", "graphs", "--verified", *db])
    assert [r["key"] for r in rows] == ["C5"]
    rows = _json(capsys, ["results", "list", "--json", "--unverified", *db])
    assert [r["key"] for r in rows] == ["K4"]
    rows = _json(capsys, ["results", "list", "--json", "--order", "score", "--limit", "2", *db])
    assert [r["key"] for r in rows] == ["K4", "C5"]
    rows = _json(capsys, ["results", "list", "--json", "--run", "1", *db])
    assert {r["key"] for r in rows} == {"C5", "strassen"}
    assert main(["results", "list", *db]) == 0
    table = capsys.readouterr().out
    assert "strassen" in table and "brent" in table


def test_list_csv(populated, capsys):
    assert main(["results", "list", "--csv", "--db", str(populated)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["key"] for r in rows] == ["C5", "strassen", "K4"]
    assert json.loads(rows[1]["payload"]) == {"rank": 7}


def test_show(populated, capsys):
    data = _json(capsys, ["results", "show", "2", "--json", "--db", str(populated)])
    assert data["key"] == "strassen" and data["run"]["seed"] == 42
    assert data["run"]["stop_reason"] == "step_budget"
    assert main(["results", "show", "1", "--db", str(populated)]) == 0
    assert "C5" in capsys.readouterr().out


def test_show_unknown_id_is_exit_2(populated, tmp_path, capsys):
    assert main(["results", "show", "99", "--db", str(populated)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("disco: error:") and "99" in err and err.count("\n") == 1
    assert main(["results", "show", "1", "--db", str(tmp_path / "none.db")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()


def test_export_files(populated, tmp_path, capsys):
    out_json, out_csv = tmp_path / "r.json", tmp_path / "r.csv"
    assert main(["results", "export", "--json", "-o", str(out_json), "--db", str(populated)]) == 0
    assert [r["key"] for r in json.loads(out_json.read_text())] == ["C5", "strassen", "K4"]
    assert main(["results", "export", "--csv", "-o", str(out_csv), "--domain", "graphs",
                 "--db", str(populated)]) == 0
    rows = list(csv.DictReader(open(out_csv, newline="")))
    assert [r["key"] for r in rows] == ["C5", "K4"]
    assert "exported 2 results" in capsys.readouterr().err
    assert main(["results", "export", "--csv", "--json", "--db", str(populated)]) == 2


def test_runs(populated, capsys):
    runs = _json(capsys, ["results", "runs", "--json", "--db", str(populated)])
    assert len(runs) == 1 and runs[0]["kind"] == "toy" and runs[0]["params"] == {"n": 4}
    assert runs[0]["code_version"]


def test_corrupt_store_is_one_line_error(tmp_path, capsys):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"garbage" * 100)
    assert main(["results", "list", "--json", "--db", str(bad)]) == 2  # a store that cannot be used is bad input
    err = capsys.readouterr().err
    assert "not an SQLite database" in err and err.count("\n") == 1
    assert bad.read_bytes() == b"garbage" * 100


def test_bad_limit_is_usage_error(populated):
    assert main(["results", "list", "--limit", "-3", "--db", str(populated)]) == 2


def test_results_without_action_prints_help(capsys):
    assert main(["results"]) == 0
    assert "list" in capsys.readouterr().out


def test_bench_lists_and_rejects_unknown(capsys):
    assert main(["bench", "--json"]) == 0
    available = json.loads(capsys.readouterr().out)
    assert "store" in available
    assert main(["bench", "no_such_bench"]) == 2
    err = capsys.readouterr().err
    assert "unknown benchmark 'no_such_bench'" in err and "store" in err
    assert main(["bench", "../etc"]) == 2


def test_bench_store_runs_small(capsys):
    assert main(["bench", "store", "--n", "200", "--modes", "single,raw",
                 "--start-delay", "0.3"]) == 0
    out = capsys.readouterr().out
    assert "lost=0" in out and "ratio single/raw" in out and "integrity=ok" in out
