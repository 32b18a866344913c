"""Tests of the ``disco cf`` commands (JSON output, exit codes, one-line errors)."""

import json

import pytest

from search.cli import main


def _json(capsys):
    out = capsys.readouterr().out
    return json.loads(out)


def test_eval_apery_json(capsys):
    assert main(["cf", "eval", "--digits", "30", "--identify", "--json", "--",
                 "34n^3+51n^2+27n+5", "-n^6"]) == 0
    d = _json(capsys)
    assert d["limit"]["value"].startswith("4.99144423548424481209875767")
    assert d["limit"]["digits"] >= 30
    assert d["identification"]["expression"] == "6/zeta(3)"
    assert d["convergence"]["kind"] == "exponential"


def test_eval_b_option_and_text(capsys):
    assert main(["cf", "eval", "2n+1", "--b=n^2", "--digits", "20"]) == 0
    out = capsys.readouterr().out
    assert "1.2732395447351626862" in out and "bracket" in out


@pytest.mark.parametrize(
    "argv, code, msg",
    [
        (["cf", "eval", "n^2.5", "1"], 2, "not an integer polynomial"),
        (["cf", "eval", "0", "0"], 2, "a(n) = b(n) = 0"),
        (["cf", "eval", "1", "--b=-1"], 3, "diverges (proved)"),  # beta_n = -1 < -1/4
        (["cf", "eval", "1", "-n"], 1, "does not converge"),      # expected, not proved
        (["cf", "eval", "--digits", "400", "--max-depth", "64", "--", "34n^3+51n^2+27n+5", "-n^6"], 1,
         "cannot be certified"),
        (["cf", "identify", "abc"], 2, "not a decimal number"),
        (["cf", "search", "--range", "0"], 2, "coefficient_range"),
        (["cf", "esma", "x+1"], 2, "free symbols"),
    ],
)
def test_errors_are_one_line(argv, code, msg, capsys):
    assert main(argv) == code
    err = capsys.readouterr().err
    assert msg in err and err.count("\n") == 1 and "Traceback" not in err


def test_identify(capsys):
    assert main(["cf", "identify", "0.69314718055994530941723212145817656807550013436", "--json"]) == 0
    assert _json(capsys)["expression"] == "log(2)"
    assert main(["cf", "identify", "1.2345678901234567890123456789"]) == 1


def test_search_store_and_report(tmp_path, capsys):
    db = str(tmp_path / "d.db")
    assert main(["cf", "search", "--a-degree", "1", "--b-degree", "1", "--range", "1",
                 "--constants", "e", "--workers", "1", "--db", db, "--json", "-q"]) == 0
    d = _json(capsys)
    assert len(d["hits"]) == 6 and d["n_candidates"] == 81
    out = tmp_path / "r.md"
    assert main(["cf", "report", "--from-db", "--db", db, "-o", str(out)]) == 0
    text = out.read_text()
    # one representative per equivalence class: the six hits are Euler's 1/(e-1), its tails,
    # mirrors and inflations
    assert text.count("## Conjecture") == 1 and "data:image/png;base64," in text
    assert "6 fractions" in text
    html = tmp_path / "r.html"
    assert main(["cf", "report", "--pcf", "2n+1", "n^2", "-o", str(html), "--json"]) == 0
    assert "<img" in html.read_text() and "\\frac{4}{\\pi}" in html.read_text()
    before = html.read_bytes()  # never overwritten without --force
    assert main(["cf", "report", "--pcf", "n", "1", "-o", str(html)]) == 2
    assert html.read_bytes() == before and "--force" in capsys.readouterr().err
    assert main(["cf", "report", "--pcf", "n", "1", "-o", str(html), "--force"]) == 0


def test_esma(capsys):
    assert main(["cf", "esma", "(e+1)/(e-1)", "--terms", "200", "--json"]) == 0
    d = _json(capsys)
    assert d["pcf"]["a"] == [2, 4] and d["pattern"]["verified_terms"] == 200
