"""``disco cf``: a hostile-input corpus. Every input gets a right answer or one clear line on
stderr with the documented exit code (0 answer, 1 not converged / not certified, 2 bad input,
3 proved impossible: a proved divergence); never a traceback.

Expected values: Apery 6/zeta(3) = 4.99144423548424481209875767... (Apery 1979), the golden
ratio, Brouncker 4/pi = PCF(2n+1, n^2), e^2's simple continued fraction
[7; 2, 1, 1, 3, 18, 5, 1, 1, 6, 30, ...] (Euler; Perron, *Die Lehre von den Kettenbruechen*).
"""

from __future__ import annotations

import json
import re

import mpmath
import pytest

from search.cli import main

APERY = ("34n^3+51n^2+27n+5", "-n^6")

# (argv, exit code, a substring of stdout (code 0) or of the one stderr line)
CORPUS = [
    # proved divergence: exit 3 with the reason
    (["cf", "eval", "n", "-n^2"], 3, "elliptic case: b(n)/(a(n-1)a(n)) -> -1 < -1/4"),
    (["cf", "eval", "1", "n^3"], 3, "Stern-Stolz"),
    (["cf", "eval", "0", "1"], 3, "a(n) = 0"),
    (["cf", "eval", "1", "-n^2"], 3, "Pincherle"),
    (["cf", "eval", "2n-2", "n^2-n-2"], 3, "no finite value"),
    (["cf", "identify", "--pcf", "n", "-n^2"], 3, "diverges (proved)"),
    # unproved: exit 1 with the reason
    (["cf", "eval", "1", "-n"], 1, "divergence is expected (elliptic type) but not proved"),
    (["cf", "eval", "n+1", "-n-1"], 1, "grow without bound"),
    (["cf", "eval", "3n+1", "-2n^2"], 1, "is 0 to within"),
    (["cf", "eval", "--digits", "400", "--max-depth", "64", *APERY], 1, "cannot be certified"),
    # bad input: exit 2, the argument named
    (["cf", "eval", "n^100000", "1"], 2, "a='n^100000'"),
    (["cf", "eval", "10^10^10", "1"], 2, "more than 1000 digits"),
    (["cf", "eval", "1", "((((((((((n"], 2, "b='((((((((((n'"),
    (["cf", "eval", "1", "1", "--digits", "0"], 2, "digits=0"),
    (["cf", "eval", "1", "1", "--max-depth", "1"], 2, "max_depth=1"),
    (["cf", "eval", "1", "1", "--max-depth", str(10**12)], 2, "max_depth="),
    (["cf", "eval", "0", "0"], 2, "a(n) = b(n) = 0"),
    (["cf", "identify", "nan"], 2, "not finite"),
    (["cf", "identify", "0"], 2, "at least 8"),
    (["cf", "identify", "1" * 6000 + "x"], 2, "not a decimal number"),
    (["cf", "esma", "1/0"], 2, "division by zero"),
    (["cf", "esma", "zeta(1)"], 2, "zeta"),
    (["cf", "esma", "log(0)"], 2, "log(0)"),
    (["cf", "esma", "__import__('os')"], 2, "cannot be parsed"),
    (["cf", "esma", "10**10**10"], 2, "exceeds"),
    (["cf", "esma", "e", "--digits", "5"], 2, "identify_digits=5"),
    # answers
    (["cf", "eval", "3", "-2", "--digits", "50"], 0,
     "limit  = 2.0000000000000000000000000000000000000000000000000\n"),
    (["cf", "eval", "n+1", "n-3", "--identify"], 0, "identified: the rational -1/5"),
    (["cf", "eval", "1000000n^200", "1", "--digits", "20"], 0, "1.0000000000000000000e-6"),
    (["cf", "identify", "2.718281828459045235360287471352662497757247093699959574966967627724"], 0,
     "e\n"),
    (["cf", "identify", "--pcf", "1", "1"], 0, "phi"),
]


@pytest.mark.parametrize("argv, code, text", CORPUS, ids=[" ".join(c[0])[:50] for c in CORPUS])
def test_corpus(argv, code, text, capsys):
    got = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    assert got == code, (out, err)
    if code == 0:
        assert text in out
    else:
        assert err.count("\n") == 1 and text in err, err


@pytest.mark.parametrize("digits", [1, 2, 15, 50, 137])
def test_value_has_exactly_the_digits_asked_for(digits, capsys):
    assert main(["cf", "eval", "--digits", str(digits), "--json", *APERY]) == 0
    d = json.loads(capsys.readouterr().out)
    value = d["limit"]["value"]
    assert len(re.sub(r"[^0-9]", "", value.split("e")[0]).lstrip("0")) == digits, value
    with mpmath.workdps(digits + 20):
        exact = 6 / mpmath.zeta(3)
        assert abs(mpmath.mpf(value) - exact) <= mpmath.mpf(10) ** (1 - digits) * exact


def test_trailing_zeros_of_an_exact_value_are_kept(capsys):
    assert main(["cf", "eval", "--digits", "50", "--json", "n+1", "n-3"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["limit"]["value"] == "-0." + "2" + "0" * 49


def test_values_agree_across_digits(capsys):
    """The value at D digits is the value at 3D digits rounded (to one unit of the last digit)."""
    for a, b in [APERY, ("2n+1", "n^2"), ("2", "(2n-1)^2"), ("3n+2", "-2n^2")]:
        vals = {}
        for digits in (20, 60):
            assert main(["cf", "eval", "--digits", str(digits), "--json", a, b]) == 0
            vals[digits] = json.loads(capsys.readouterr().out)["limit"]["value"]
        with mpmath.workdps(80):
            x, y = mpmath.mpf(vals[20]), mpmath.mpf(vals[60])
            assert abs(x - y) <= mpmath.mpf(10) ** -19 * abs(y), (a, b, vals)


def test_esma_e_squared_is_identified(capsys):
    assert main(["cf", "esma", "e^2", "--terms", "300"]) == 0
    out = capsys.readouterr().out
    assert "identification: PCF = " in out and "e^2" in out and "E" not in out.split("PCF:")[0]
    pcf_line = next(line for line in out.splitlines() if line.startswith("PCF: "))
    assert "15552" not in pcf_line  # the removable factor 8 is divided out


def test_esma_digits_flag(capsys):
    assert main(["cf", "esma", "e", "--terms", "200", "--digits", "60", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["digits_checked"] == 60 and d["identification"]["digits_available"] >= 60


def test_report_titles_by_kind(tmp_path, capsys):
    out = tmp_path / "r.md"
    assert main(["cf", "report", "--pcf", "n", "-n^2", "--pcf", *APERY, "--pcf", "1", "-n",
                 "--pcf", "n+1", "n-3", "-o", str(out), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert (d["conjectures"], d["divergent"], d["no_value"], d["rational"]) == (1, 1, 1, 1)
    text = out.read_text()
    assert text.count("## Conjecture") == 1
    assert "## Divergent fraction 1" in text and "value | none" in text
    assert "## Fraction without a certified value 3" in text
    assert "None" not in text


def test_report_of_only_a_divergent_fraction_has_no_conjecture(tmp_path, capsys):
    out = tmp_path / "r.md"
    assert main(["cf", "report", "--pcf", "n", "-n^2", "-o", str(out)]) == 0
    assert "0 conjecture" not in capsys.readouterr().out
    text = out.read_text()
    assert "Conjecture" not in text and "diverges (proved)" in text


@pytest.mark.parametrize("a, b, expected", [("2n+1", "n^2", "4/pi"), ("3n+1", "2n^2", None)])
def test_eval_identify_does_not_depend_on_digits(a, b, expected, capsys):
    """``cf eval --identify``: the identification is the same for every --digits (only the
    printed digits change); 4/pi (Brouncker's fraction for 4/pi, via the arctangent
    fraction) used to be found at 30 digits but not at 10 or 15."""
    found = set()
    for d in (10, 15, 30, 60):
        assert main(["cf", "eval", a, b, "--identify", "--digits", str(d), "--json"]) == 0
        data = json.loads(capsys.readouterr().out)
        ident = data["identification"]
        found.add(None if ident is None else ident["expression"])
        assert data["identification_digits"] >= 40
    assert found == {expected}
