"""``disco alt search`` on the runner: the shared search flags, exit codes, bad input (one
line, exit 2, the store unchanged), -o without --force, and kill -9 / --resume of a real
process compared with an uninterrupted run.

Oracles: a(4, 2; F2) = 3 (exhaustive branch and bound, ``exact_max_dimension``); (6, 6) over
F2 is open (6 <= a <= 11; (5, 4) is proved, a = 6 by the deletion bound), so a search there
runs its whole step budget.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from search.altspaces import verify_payload
from search.cli import main
from search.store import ResultsStore


def run(capsys, argv):
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_target_reached_exit_0_and_everything_stored(tmp_path, capsys):
    db, out_file = tmp_path / "a.db", tmp_path / "best.json"
    code, out, err = run(capsys, ["alt", "search", "--n", "4", "--r", "2", "--field", "F2",
                                  "--steps", "500", "--seed", "1", "--db", str(db), "-o",
                                  str(out_file), "--json"])
    res = json.loads(out)
    assert code == 0 and res["dimension"] == 3 and res["stop_reason"] == "target_reached"
    assert "altspaces-walk: dimension 3" in err  # progress lines on stderr
    assert json.loads(out_file.read_text())["n"] == 4  # the best space, as `alt check` reads it
    rows = ResultsStore(db).results(domain="altspaces")
    assert rows and max(r.score for r in rows) == 3
    for r in rows:  # self-contained payloads: rebuilt and re-verified from JSON alone
        assert "constant rank 2" in verify_payload(r.payload, r.key)
    code, _, err = run(capsys, ["alt", "search", "--n", "4", "--r", "2", "--steps", "5",
                                "--db", str(db), "-o", str(out_file)])
    assert code == 2 and "--force" in err  # -o never overwritten without --force
    code, _, _ = run(capsys, ["alt", "search", "--n", "4", "--r", "2", "--steps", "5", "-q",
                              "--db", str(db), "-o", str(out_file), "--force"])
    assert code == 0


def test_budget_spent_exit_1_and_user_target(tmp_path, capsys):
    db = tmp_path / "b.db"
    code, out, _ = run(capsys, ["alt", "search", "--n", "6", "--r", "6", "--steps", "20", "-q",
                                "--db", str(db), "--json"])
    res = json.loads(out)
    assert code == 1 and res["stop_reason"] == "step_budget" and res["steps"] == 20
    code, out, _ = run(capsys, ["alt", "search", "--n", "6", "--r", "6", "--steps", "500", "-q",
                                "--target", "3", "--db", str(db), "--json"])
    assert code == 0 and json.loads(out)["stop_reason"] == "target_reached"


@pytest.mark.parametrize("argv, code, words", [
    (["--n", "4", "--r", "3"], 2, "even"),
    (["--n", "4", "--r", "2", "--field", "Q"], 2, "finite fields"),
    (["--n", "4", "--r", "2", "--field", "F16"], 2, "prime power above 9"),
    (["--n", "4", "--r", "2", "--steps", "-5"], 2, "--steps"),
    (["--n", "4", "--r", "2", "--seed", "-1"], 2, "--seed"),
    (["--n", "4", "--r", "2", "--resume"], 2, "--checkpoint"),
    (["--n", "4", "--r", "2", "--candidates", "0"], 2, "--candidates"),
    (["--n", "4", "--r", "2", "--method", "magic"], 2, "invalid choice"),
    (["--n", "4", "--r", "2", "--target", "4"], 3, "proved greatest dimension"),
])
def test_bad_input_is_one_line_and_leaves_the_store_alone(tmp_path, capsys, argv, code, words):
    db = tmp_path / "s.db"
    assert main(["alt", "search", "--n", "4", "--r", "2", "--steps", "5", "-q", "--db", str(db)]) == 0
    capsys.readouterr()
    before = db.read_bytes()
    got, out, err = run(capsys, ["alt", "search", *argv, "--db", str(db)])
    assert got == code and words in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err and not out
    assert db.read_bytes() == before


def test_a_damaged_checkpoint_is_refused(tmp_path, capsys):
    db, ck = tmp_path / "s.db", tmp_path / "ck.json"
    base = ["alt", "search", "--n", "6", "--r", "6", "--steps", "10", "-q", "--db", str(db),
            "--checkpoint", str(ck)]
    assert main(base) == 1
    capsys.readouterr()
    code, _, err = run(capsys, base)  # exists: --resume or --force
    assert code == 2 and "--resume" in err
    text = ck.read_text()
    ck.write_text(text[: len(text) // 2])
    before = db.read_bytes()
    code, _, err = run(capsys, base + ["--resume"])
    assert code == 2 and "truncated or corrupt" in err and len(err.strip().splitlines()) == 1
    assert db.read_bytes() == before
    code, _, err = run(capsys, ["alt", "search", "--n", "5", "--r", "2", "--steps", "10", "-q",
                                "--db", str(db), "--checkpoint", str(ck), "--force"])
    assert code == 0  # --force starts over


# -- kill -9 ------------------------------------------------------------------------------------
def _env():
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _cmd(ck, db, *extra):
    return [sys.executable, "-m", "search.app.cli", "alt", "search", "--n", "6", "--r", "6",
            "--field", "F2", "--steps", "60", "--seed", "2", "--checkpoint", ck,
            "--checkpoint-every", "0.05", "--db", db, "--json", *extra]


@pytest.mark.slow
def test_kill_9_and_resume_match_an_uninterrupted_run(tmp_path):
    ref_db = str(tmp_path / "ref.db")
    ref = subprocess.run(_cmd(str(tmp_path / "ref.json"), ref_db), env=_env(),
                         capture_output=True, text=True, timeout=120)
    assert ref.returncode == 1, ref.stderr  # (6, 6) over F2: open, the budget is spent
    ck, db = str(tmp_path / "ck.json"), str(tmp_path / "s.db")
    proc = subprocess.Popen(_cmd(ck, db), env=_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    t0 = time.time()
    while time.time() - t0 < 60 and proc.poll() is None:  # until a checkpoint records work
        try:
            with open(ck) as fh:
                if sum(json.load(fh)["header"]["walker_steps"]) > 20:
                    break
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.02)
    time.sleep(random.Random(0).uniform(0.05, 0.2))
    proc.send_signal(signal.SIGKILL)
    _, err = proc.communicate()
    assert proc.returncode == -signal.SIGKILL, err
    printed = [int(line.split("dimension ")[1].split()[0]) for line in err.splitlines()
               if line.startswith("altspaces-walk: dimension ")]
    stored = {int(r.score) for r in ResultsStore(db).results(domain="altspaces")}
    assert set(printed) <= stored  # each printed family was committed first
    fin = subprocess.run(_cmd(ck, db, "--resume"), env=_env(), capture_output=True, text=True,
                         timeout=120)
    assert fin.returncode == 1, fin.stderr
    got, want = json.loads(fin.stdout), json.loads(ref.stdout)
    for k in ("run_id", "elapsed", "verification"):  # verification: its own timing
        got.pop(k), want.pop(k)
    assert got == want  # deterministic: the resumed run ends exactly as the uninterrupted one
    keys = {r.key for r in ResultsStore(db).results(domain="altspaces")}
    assert keys == {r.key for r in ResultsStore(ref_db).results(domain="altspaces")}
