"""``disco balance`` (issue #3, deliverable 7): output, JSON fields, exit codes."""

import json

import pytest

from search.cli import main


def test_text(capsys):
    assert main(["balance", "KMnO4 + HCl -> KCl + MnCl2 + Cl2 + H2O"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "2 KMnO4 + 16 HCl -> 2 KCl + 2 MnCl2 + 5 Cl2 + 8 H2O"
    assert out[1].startswith("read as: KMnO4 = KMnO4; HCl = HCl;")
    assert main(["balance", "-q", "KMnO4 + HCl -> KCl + MnCl2 + Cl2 + H2O"]) == 0
    assert capsys.readouterr().out.strip() == "2 KMnO4 + 16 HCl -> 2 KCl + 2 MnCl2 + 5 Cl2 + 8 H2O"


def test_json_fields(capsys):
    assert main(["balance", "C + O2 -> CO + CO2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["species"] == ["C", "O2", "CO", "CO2"]
    assert data["coefficients"] == [3, 2, 2, 1] and data["unique"] is False
    assert len(data["basis"]) == 2


def test_exit_codes(capsys):
    assert main(["balance", "Xx2O -> O2"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("disco: error:") and "Xx" in err and err.count("\n") == 1
    assert main(["balance", "H2 -> O2"]) == 3
    assert main(["balance", "H2(O -> H2O"]) == 2
    assert main(["balance", "-> H2O"]) == 2
    assert main(["balance"]) == 2


def test_species_medium_half_latex_network(capsys):
    assert main(["balance", "--species", "Cu, HNO3, Cu(NO3)2, NO, NO2, H2O", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["reactions"]) == 4
    assert main(["balance", "MnO4- + Fe2+ -> Mn2+ + Fe3+", "--medium", "acidic"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "MnO4- + 5 Fe2+ + 8 H+ -> Mn2+ + 5 Fe3+ + 4 H2O"
    assert main(["balance", "Cu + Ag+ -> Cu2+ + Ag", "--half"]) == 0
    assert "oxidation: Cu -> Cu2+ + 2 e-" in capsys.readouterr().out
    assert main(["balance", "H2 + O2 -> H2O", "--latex", "-q"]) == 0
    assert capsys.readouterr().out.strip() == r"\ce{2 H2 + O2 -> 2 H2O}"
    assert main(["balance", "--network", "N2 + H2 -> NH3", "NH3 + O2 -> NO + H2O", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rank"] == 2


def test_readings_and_warnings_are_printed(capsys):
    """The issue's cases: readings on a 'read as:' line, warnings always (also with -q)."""
    assert main(["balance", "I2 + I- -> I3-"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "I2 + I- -> I3-" and "I3- = I3^- (triiodide)" in out[1]
    for flags in ([], ["-q"]):
        assert main(["balance", *flags, "N3- -> N2 + e-"]) == 0
        out = capsys.readouterr().out.splitlines()
        assert out[0] == "2 N3- -> 3 N2 + 2 e-"
        assert any(line.startswith("warning: ambiguous") and "N^3- (nitride)" in line for line in out)
    assert main(["balance", "--json", "O2 + e- -> O2-"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["coefficients"] == [1, 1, 1] and data["readings"][2]["reading"] == "O2^-"
    assert data["warnings"] and "O^2-" in data["warnings"][0]


def test_not_unique_is_said_also_with_quiet(capsys):
    for flags in ([], ["-q"]):
        assert main(["balance", *flags, "H2O2 + KMnO4 + H2SO4 -> O2 + MnSO4 + K2SO4 + H2O"]) == 0
        out = capsys.readouterr().out.splitlines()
        assert out[0] == "H2O2 + 2 KMnO4 + 3 H2SO4 -> 3 O2 + 2 MnSO4 + K2SO4 + 4 H2O"
        assert out[1] == ("oxidation-state-consistent (ion-electron) balance: "
                          "5 H2O2 + 2 KMnO4 + 3 H2SO4 -> 5 O2 + 2 MnSO4 + K2SO4 + 8 H2O")
        assert any(line.startswith("warning: not unique") for line in out)
    assert main(["balance", "-q", "C + O2 -> CO + CO2"]) == 0
    assert "warning: not unique" in capsys.readouterr().out


def test_species_size_guard(capsys):
    sp = "CH4, C2H6, C2H4, C2H2, C3H8, CO, CO2, H2O, H2, O2, CH3OH, HCHO, HCOOH, C2H5OH"
    assert main(["balance", "--species", sp, "--max-reactions", "10"]) == 2
    err = capsys.readouterr().err
    assert "elementary reactions, more than max_reactions=10" in err and err.count("\n") == 1
    assert main(["balance", "--max-reactions", "10", "H2 + O2 -> H2O"]) == 2
    assert main(["balance", "--species", "H2, O2, H2O", "--max-reactions", "0"]) == 2


HOSTILE_ARGV = [
    ["I2 + I- -> I3-"], ["N3- -> N2 + e-"], ["O2 + e- -> O2-"], ["Br3- -> Br2 + Br-"], ["Cl2- -> Cl2 + e-"],
    ["Mn1.5Co1.5O4 + H2 -> Mn + Co + H2O"], ["Fe2.5O4 + CO -> Fe + CO2"], ["Fe0.95O + CO -> Fe + CO2"],
    ["H₂ + O₂ -> H₂O"], ["Cl. + H2 -> HCl + H."], ["Cl• + CH4 -> HCl + CH3•"], ["1/2 O2 + H2 -> H2O"],
    ["NaCl(s) -> NaCl(sln)"], ["H2O(ℓ) -> H2O(g)"], ["->"], ["D2O + Na -> NaOD + D2"], ["[13C]O2 + H2O -> H2[13C]O3"],
    ["H2O -> H2O"], ["MnO4- + Fe2+ + H+ -> Mn2+ + Fe3+ + H2O", "--medium", "basic"],
    ["--network", "Fe3+ + e- -> Fe2+", "Fe^2+ -> Fe^3+ + e-"], ["--network", "H2 -> O2"], ["--network"],
    ["--half", "H2O -> H2O"], ["--half", "N3- -> N2 + e-"], ["--latex", "Fe0.95O + CO -> Fe + CO2"],
    ["--species", ""], ["--species", "O2-, O2, e-"], ["--species", "Xx"], ["H2 + O2 -> H2O", "--species", "H2"],
    ["Fe2O3.xH2O -> Fe2O3 + H2O"], ["\x00 -> H2"], ["H2 + + -> H2O"], ["(((( -> H2"], ["H2^99999999999+ -> H2"],
    ["C99999999999999999999H2 + O2 -> CO2 + H2O"], ["e- -> e-"], ["H+ + OH- -> H2O", "--medium", "acidic"],
]


@pytest.mark.parametrize("argv", HOSTILE_ARGV, ids=[" ".join(a) for a in HOSTILE_ARGV])
def test_hostile_inputs_answer_or_refuse_in_one_line(argv, capsys):
    """No traceback: 0 with an answer, or 2/3 with one 'disco: error:' line on stderr."""
    code = main(["balance", *argv])
    out, err = capsys.readouterr()
    assert code in (0, 2, 3), (code, err)
    if code:
        assert err.startswith("disco: error:") and err.count("\n") == 1 and "Traceback" not in err
    else:
        assert out.strip() and not err
