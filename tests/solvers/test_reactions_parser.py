"""Formula and equation parser (issue #3, deliverables 1-2).

Expected compositions are read off the formulas by hand (IUPAC notation)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.errors import InvalidInputError
from solvers.reactions import SYMBOLS, parse_equation, parse_species


@pytest.mark.parametrize(
    "text, counts, charge",
    [
        ("H2O", {"H": 2, "O": 1}, 0),
        ("Ca(OH)2", {"Ca": 1, "O": 2, "H": 2}, 0),
        ("K4[Fe(CN)6]", {"K": 4, "Fe": 1, "C": 6, "N": 6}, 0),
        ("K4Fe(CN)6", {"K": 4, "Fe": 1, "C": 6, "N": 6}, 0),
        ("[Cr(N2H4CO)6]4[Cr(CN)6]3", {"Cr": 7, "N": 66, "H": 96, "C": 42, "O": 24}, 0),
        ("{[Co(NH3)5]Cl}Cl2", {"Co": 1, "N": 5, "H": 15, "Cl": 3}, 0),
        ("CuSO4·5H2O", {"Cu": 1, "S": 1, "O": 9, "H": 10}, 0),
        ("CuSO4*5H2O", {"Cu": 1, "S": 1, "O": 9, "H": 10}, 0),
        ("CuSO4.5H2O", {"Cu": 1, "S": 1, "O": 9, "H": 10}, 0),
        ("Na2CO3·10H2O", {"Na": 2, "C": 1, "O": 13, "H": 20}, 0),
        ("Fe+3", {"Fe": 1}, 3),
        ("Fe3+", {"Fe": 1}, 3),
        ("Fe^3+", {"Fe": 1}, 3),
        ("Fe^{3+}", {"Fe": 1}, 3),
        ("Fe³⁺", {"Fe": 1}, 3),
        ("Fe+++", {"Fe": 1}, 3),
        ("SO4^2-", {"S": 1, "O": 4}, -2),
        ("SO4-2", {"S": 1, "O": 4}, -2),
        ("SO42-", {"S": 1, "O": 4}, -2),
        ("MnO4-", {"Mn": 1, "O": 4}, -1),
        ("NH4+", {"N": 1, "H": 4}, 1),
        ("H3O+", {"H": 3, "O": 1}, 1),
        ("O2-", {"O": 1}, -2),
        ("Hg22+", {"Hg": 2}, 2),
        ("[Fe(CN)6]4-", {"Fe": 1, "C": 6, "N": 6}, -4),
        ("Cr2O72-", {"Cr": 2, "O": 7}, -2),
        ("C60", {"C": 60}, 0),
        ("Og", {"Og": 1}, 0),
    ],
)
def test_formulas(text, counts, charge):
    sp = parse_species(text)
    assert sp.counts == counts
    assert sp.charge == charge


def test_electron_phase_coefficient():
    e = parse_species("e-")
    assert e.is_electron and e.charge == -1 and e.counts == {}
    s = parse_species("2 H2O(l)")
    assert s.phase == "l" and s.coefficient == 2 and s.text == "H2O(l)" and s.counts == {"H": 2, "O": 1}
    s = parse_species("NO3-(aq)")
    assert s.phase == "aq" and s.charge == -1


def test_all_118_elements():
    assert len(SYMBOLS) == 118 and len(set(SYMBOLS)) == 118
    for _z, sym in enumerate(SYMBOLS, start=1):
        assert parse_species(f"{sym}2").counts == {sym: 2}


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("Xx2O", "unknown element 'Xx' at column 1"),
        ("H2Xx", "unknown element 'Xx' at column 3"),
        ("Ca(OH2", "unbalanced bracket '(' at column 3"),
        ("CaOH)2", "unbalanced bracket ')' at column 5"),
        ("Na+-", "cannot read the charge"),
        ("Fe^x", "cannot read the charge"),
        ("()", "empty group"),
        ("+", "charge without a formula"),
        ("", "empty"),
        ("H0", "zero count"),
        ("hO", "lowercase"),
        ("CuSO4..5H2O", "empty part"),
    ],
)
def test_bad_formulas(text, fragment):
    with pytest.raises(InvalidInputError, match=None) as exc:
        parse_species(text)
    assert fragment in str(exc.value)


@pytest.mark.parametrize("arrow", ["->", "=", "→", "⇌", "<=>", "=>"])
def test_arrows(arrow):
    eq = parse_equation(f"H2 + O2 {arrow} H2O")
    assert [s.text for s in eq.reactants] == ["H2", "O2"] and [s.text for s in eq.products] == ["H2O"]


def test_charge_sign_is_not_a_separator():
    eq = parse_equation("Fe3+ + e- -> Fe2+")
    assert [s.text for s in eq.species] == ["Fe3+", "e-", "Fe2+"]
    eq = parse_equation("H++OH-=H2O")
    assert [s.charge for s in eq.species] == [1, -1, 0]
    eq = parse_equation("NH4+(aq) + OH-(aq) ⇌ NH3(aq) + H2O(l)")
    assert [s.text for s in eq.species] == ["NH4+(aq)", "OH-(aq)", "NH3(aq)", "H2O(l)"]
    eq = parse_equation("H2+O2=H2O")
    assert len(eq.reactants) == 2


def test_same_species_both_sides():
    eq = parse_equation("H2O + Na -> NaOH + H2 + H2O")
    assert eq.species[0].text == eq.species[-1].text


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("-> H2O", "empty reactant side"),
        ("H2 + O2 ->", "empty product side"),
        ("H2 + O2", "no arrow"),
        ("A -> B -> C", "several arrows"),
        ("H2 + + O2 -> H2O", "column"),
        ("H2 + -> H2O", "empty species"),
        ("H2 + Xx -> H2", "unknown element 'Xx'"),
    ],
)
def test_bad_equations(text, fragment):
    with pytest.raises(InvalidInputError) as exc:
        parse_equation(text)
    assert fragment in str(exc.value)


_els = st.sampled_from(["H", "C", "N", "O", "Fe", "Cl", "S", "Og", "K", "Mn"])


@given(st.lists(st.tuples(_els, st.integers(1, 12)), min_size=1, max_size=5), st.integers(1, 5))
def test_roundtrip_groups(parts, mult):
    """Counts of a generated formula, with a bracketed group and a multiplier, are additive."""
    body = "".join(f"{e}{k}" for e, k in parts)
    expected = {}
    for e, k in parts:
        expected[e] = expected.get(e, 0) + k
    assert parse_species(body).counts == expected
    grouped = parse_species(f"({body}){mult}").counts
    assert grouped == {e: mult * k for e, k in expected.items()}
    hyd = parse_species(f"{body}.{mult}H2O").counts
    exp2 = dict(expected)
    exp2["H"] = exp2.get("H", 0) + 2 * mult
    exp2["O"] = exp2.get("O", 0) + mult
    assert hyd == exp2
