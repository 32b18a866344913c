"""``disco graphs`` end to end: search writes graph6 and the store, verify names cycles."""

import json

import networkx as nx
import pytest

from search.cli import main
from search.graphs import read_graph
from search.store import ResultsStore


@pytest.fixture()
def db(tmp_path, monkeypatch):
    path = tmp_path / "disco.db"
    monkeypatch.setenv("DISCO_DB", str(path))
    monkeypatch.chdir(tmp_path)
    return path


def test_search_writes_graph6_and_store(db, tmp_path, capsys):
    out = tmp_path / "g.g6"
    assert main(["graphs", "search", "--n", "30", "--seed", "1", "--time-limit", "10",
                 "-o", str(out), "--db", str(db)]) == 0
    G = read_graph(out)
    assert G.number_of_nodes() == 30 and G.number_of_edges() == 76 and nx.girth(G) >= 5
    assert "76 edges" in capsys.readouterr().out
    rows = ResultsStore(db).results(domain="graphs")
    assert rows and all(r.verified for r in rows)
    # never overwrite without --force
    assert main(["graphs", "search", "--n", "10", "--time", "5", "-o", str(out)]) == 2
    assert "exists" in capsys.readouterr().err
    assert read_graph(out).number_of_nodes() == 30
    assert main(["graphs", "search", "--n", "10", "--time", "5", "-o", str(out), "--force",
                 "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["edges"] == 15 and data["gap"] == 0 and data["verified"]
    assert read_graph(out).number_of_nodes() == 10


def test_verify_command(db, tmp_path, capsys):
    good = tmp_path / "p.g6"
    good.write_text("IheA@GUAo\n")  # Petersen graph
    assert main(["graphs", "verify", str(good), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["valid"] and data["edges"] == 15 and data["gap"] == 0
    bad = tmp_path / "c4.txt"
    bad.write_text("0 1\n1 2\n2 3\n3 0\n")
    assert main(["graphs", "verify", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "4-cycle 0-1-2-3-0" in err and "Traceback" not in err
    assert main(["graphs", "verify", str(bad), "--forbid", "3"]) == 0
    junk = tmp_path / "junk.g6"
    junk.write_text("this is not graph6\n")
    assert main(["graphs", "verify", str(junk)]) == 2
    assert "malformed" in capsys.readouterr().err
    assert main(["graphs", "verify", str(tmp_path / "nope.g6")]) == 2


@pytest.mark.parametrize("argv,msg", [
    (["--n", "0"], "n=0"),
    (["--n", "5", "--forbid", "C1"], "forbidden"),
    (["--n", "5", "--cluster", "127.0.0.1:9"], "tcp://host:port"),
    (["--n", "5", "--workers", "0"], "--workers"),
])
def test_search_bad_input(db, capsys, argv, msg):
    assert main(["graphs", "search", *argv, "--steps", "100"]) == 2
    err = capsys.readouterr().err
    assert msg in err and err.count("\n") == 1


def test_resume_and_known(db, tmp_path, capsys):
    # no known value for C4-free graphs: the target is the trivial bound n(n-1)/2, missed (exit 1)
    ck = str(tmp_path / "ck.json")
    assert main(["graphs", "search", "--n", "14", "--forbid", "4", "--steps", "4000",
                 "--seed", "2", "--checkpoint", ck, "--json"]) == 1
    first = json.loads(capsys.readouterr().out)
    assert main(["graphs", "search", "--n", "14", "--forbid", "4", "--steps", "6000",
                 "--checkpoint", ck, "--resume", "--json"]) == 1
    second = json.loads(capsys.readouterr().out)
    assert first["steps"] == 4000 and second["steps"] == 6000 and second["seed"] == 2
    assert second["edges"] >= first["edges"] and second["resumed"]
    assert main(["graphs", "known", "--n", "50", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["edges"] == 175
    assert main(["graphs", "known", "--n", "999"]) == 2
