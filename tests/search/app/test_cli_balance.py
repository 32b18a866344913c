"""``disco balance`` (issue #3, deliverable 7): output, JSON fields, exit codes."""

import json

from search.cli import main


def test_text(capsys):
    assert main(["balance", "KMnO4 + HCl -> KCl + MnCl2 + Cl2 + H2O"]) == 0
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
    assert capsys.readouterr().out.strip() == "MnO4- + 5 Fe2+ + 8 H+ -> Mn2+ + 5 Fe3+ + 4 H2O"
    assert main(["balance", "Cu + Ag+ -> Cu2+ + Ag", "--half"]) == 0
    assert "oxidation: Cu -> Cu2+ + 2 e-" in capsys.readouterr().out
    assert main(["balance", "H2 + O2 -> H2O", "--latex"]) == 0
    assert capsys.readouterr().out.strip() == r"\ce{2 H2 + O2 -> 2 H2O}"
    assert main(["balance", "--network", "N2 + H2 -> NH3", "NH3 + O2 -> NO + H2O", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rank"] == 2
