"""``disco cf``: negative polynomials and numbers are positionals; large --digits requests.

Regression tests for QA findings: ``disco cf eval "34n^3+51n^2+27n+5" "-n^6"`` failed with
"unrecognized arguments: -n^6" (argparse read the polynomial as an option), and
``disco cf eval --digits 500 -- 2 "(2n-1)^2"`` blamed the input ("depth=-13"). Expected values:
Apery's fraction 6/zeta(3) = 4.99144423548424481209875767... (Apery 1979) and log 2.
"""

import json
import subprocess
import sys

import pytest

from search.cli import main

APERY_A = "34n^3+51n^2+27n+5"
APERY_DIGITS = "4.99144423548424481209875767"
LOG2 = "0.69314718055994530941723212145817656807550013436"


def _json(capsys):
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    "argv",
    [
        ["cf", "eval", APERY_A, "-n^6", "--digits", "30", "--json"],
        ["cf", "eval", "--digits", "30", APERY_A, "-n^6", "--json"],
        ["cf", "eval", "--json", "--digits", "30", "--", APERY_A, "-n^6"],  # "--" still works
        ["cf", "eval", APERY_A, "--b=-n^6", "--digits", "30", "--json"],
        ["cf", "eval", APERY_A, "-(n^2)^3", "--digits", "30", "--json"],
        ["cf", "eval", APERY_A, "- n^6", "--digits", "30", "--json"],
    ],
)
def test_eval_negative_b(argv, capsys):
    assert main(argv) == 0
    d = _json(capsys)
    assert d["pcf"]["b"] == [0, 0, 0, 0, 0, 0, -1]
    assert d["limit"]["value"].startswith(APERY_DIGITS) and d["limit"]["digits"] >= 30


def test_eval_negative_a_and_b(capsys):
    # -3 - 2/(-3 - 2/(-3 - ...)): the root of x^2 + 3x + 2 of larger modulus, -2
    assert main(["cf", "eval", "-3", "-2", "--digits", "10", "--json"]) == 0
    d = _json(capsys)
    assert (d["pcf"]["a"], d["pcf"]["b"]) == ([-3], [-2])
    assert float(d["limit"]["value"]) == -2.0
    # a negated fraction: PCF(-a, b) has limit -L; Apery negated
    assert main(["cf", "eval", "-34n^3-51n^2-27n-5", "-n^6", "--digits", "20", "--json"]) == 0
    assert _json(capsys)["limit"]["value"].startswith("-" + APERY_DIGITS[:18])


def test_identify_negative_number_and_pcf(capsys):
    assert main(["cf", "identify", "-" + LOG2, "--json"]) == 0
    assert _json(capsys)["expression"] == "-log(2)"
    assert main(["cf", "identify", "--pcf", APERY_A, "-n^6", "--digits", "20", "--json"]) == 0
    assert _json(capsys)["expression"] == "6/zeta(3)"


def test_report_negative_pcf(tmp_path, capsys):
    out = tmp_path / "r.md"
    assert main(["cf", "report", "--pcf", APERY_A, "-n^6", "-o", str(out), "--json"]) == 0
    assert _json(capsys)["conjectures"] == 1 and out.exists()


def test_real_options_still_options(capsys):
    # unknown short options are still errors, -q and -o are still options
    assert main(["cf", "eval", "1", "n^2", "-q", "--digits", "10", "--json"]) == 0
    capsys.readouterr()
    assert main(["cf", "eval", "1", "n^2", "-z"]) == 2
    assert "unrecognized arguments: -z" in capsys.readouterr().err


def test_subprocess_entry_point():
    # the installed entry point, exactly as the QA report ran it
    r = subprocess.run(
        [sys.executable, "-m", "search.cli", "cf", "eval", APERY_A, "-n^6", "--digits", "20",
         "--json"],
        capture_output=True, text=True, timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["limit"]["value"].startswith(APERY_DIGITS[:20])


def test_eval_beyond_reach_is_one_line_precision_error(capsys):
    code = main(["cf", "eval", "--digits", "500", "--max-depth", "1000", "--", "2", "(2n-1)^2"])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "cannot be certified" in err and "supports only" in err
    assert "depth=-" not in err and err.count("\n") == 1
