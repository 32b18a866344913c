"""Half-reactions of molecular redox equations, the canonical balance under ``medium=``,
and argument validation of the reaction-balancing functions (QA defects of issue #3).

Expected values are the textbook answers: Atkins and Jones, *Chemical Principles*, sec. K
(ion-electron method); Zumdahl, *Chemistry*, ch. 4 and 18 (permanganate, dichromate,
oxalate, peroxide, copper with nitric acid, chlorine in hot base). The two "hard" equations
are from the chemical-education literature quoted by the issue (K4Fe(CN)6 / KMnO4:
10, 122, 299, 162, 5, 122, 60, 60, 188 with 61 electrons per Fe(CN)6^4-; the
[Cr(N2H4CO)6]4[Cr(CN)6]3 / KMnO4 equation: 10, 1176, 1399, 35, 1176, 420, 660, 223, 1879,
e.g. Risteski, J. Chin. Chem. Soc. 56 (2009) 65).
"""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import InvalidInputError, VerificationError
from search.cli import main
from solvers.reactions import balance, balance_species, elementary_reactions, half_reactions
from solvers.reactions.balance import balance_parsed, balance_with_helpers
from solvers.reactions.canonical import min_sum_balance
from solvers.reactions.equation import parse_equation
from solvers.reactions.formula import parse_species
from solvers.reactions.lattice import composition_matrix, mat_vec
from solvers.reactions.redox import dissociate
from solvers.reactions.render import latex_species

# equation, oxidation, reduction, net ionic, molecular overall
MOLECULAR = [
    ("KMnO4 + HCl -> KCl + MnCl2 + Cl2 + H2O",
     "2 Cl- -> Cl2 + 2 e-", "MnO4- + 8 H+ + 5 e- -> Mn2+ + 4 H2O",
     "2 MnO4- + 10 Cl- + 16 H+ -> 2 Mn2+ + 5 Cl2 + 8 H2O",
     "2 KMnO4 + 16 HCl -> 2 KCl + 2 MnCl2 + 5 Cl2 + 8 H2O"),
    ("Cu + HNO3 -> Cu(NO3)2 + NO + H2O",
     "Cu -> Cu2+ + 2 e-", "NO3- + 4 H+ + 3 e- -> NO + 2 H2O",
     "3 Cu + 2 NO3- + 8 H+ -> 3 Cu2+ + 2 NO + 4 H2O",
     "3 Cu + 8 HNO3 -> 3 Cu(NO3)2 + 2 NO + 4 H2O"),
    ("Cu + HNO3 -> Cu(NO3)2 + NO2 + H2O",
     "Cu -> Cu2+ + 2 e-", "NO3- + 2 H+ + e- -> NO2 + H2O",
     "Cu + 2 NO3- + 4 H+ -> Cu2+ + 2 NO2 + 2 H2O",
     "Cu + 4 HNO3 -> Cu(NO3)2 + 2 NO2 + 2 H2O"),
    ("K2Cr2O7 + FeSO4 + H2SO4 -> K2SO4 + Cr2(SO4)3 + Fe2(SO4)3 + H2O",
     "Fe2+ -> Fe3+ + e-", "Cr2O7^2- + 14 H+ + 6 e- -> 2 Cr3+ + 7 H2O",
     "Cr2O7^2- + 6 Fe2+ + 14 H+ -> 2 Cr3+ + 6 Fe3+ + 7 H2O",
     "K2Cr2O7 + 6 FeSO4 + 7 H2SO4 -> K2SO4 + Cr2(SO4)3 + 3 Fe2(SO4)3 + 7 H2O"),
    ("KMnO4 + H2C2O4 + H2SO4 -> K2SO4 + MnSO4 + CO2 + H2O",
     "H2C2O4 -> 2 CO2 + 2 H+ + 2 e-", "MnO4- + 8 H+ + 5 e- -> Mn2+ + 4 H2O",
     "2 MnO4- + 5 H2C2O4 + 6 H+ -> 2 Mn2+ + 10 CO2 + 8 H2O",
     "2 KMnO4 + 5 H2C2O4 + 3 H2SO4 -> K2SO4 + 2 MnSO4 + 10 CO2 + 8 H2O"),
    ("KMnO4 + H2O2 + H2SO4 -> K2SO4 + MnSO4 + O2 + H2O",
     "H2O2 -> O2 + 2 H+ + 2 e-", "MnO4- + 8 H+ + 5 e- -> Mn2+ + 4 H2O",
     "2 MnO4- + 5 H2O2 + 6 H+ -> 2 Mn2+ + 5 O2 + 8 H2O",
     "2 KMnO4 + 5 H2O2 + 3 H2SO4 -> K2SO4 + 2 MnSO4 + 5 O2 + 8 H2O"),
    ("KMnO4 + KI + H2O -> MnO2 + I2 + KOH",
     "2 I- -> I2 + 2 e-", "MnO4- + 2 H2O + 3 e- -> MnO2 + 4 OH-",
     "2 MnO4- + 6 I- + 4 H2O -> 2 MnO2 + 3 I2 + 8 OH-",
     "2 KMnO4 + 6 KI + 4 H2O -> 2 MnO2 + 3 I2 + 8 KOH"),
    ("Cl2 + NaOH -> NaCl + NaClO3 + H2O",  # disproportionation in hot base
     "Cl2 + 12 OH- -> 2 ClO3- + 6 H2O + 10 e-", "Cl2 + 2 e- -> 2 Cl-",
     "3 Cl2 + 6 OH- -> 5 Cl- + ClO3- + 3 H2O",
     "3 Cl2 + 6 NaOH -> 5 NaCl + NaClO3 + 3 H2O"),
    ("Zn + HCl -> ZnCl2 + H2",
     "Zn -> Zn2+ + 2 e-", "2 H+ + 2 e- -> H2", "Zn + 2 H+ -> Zn2+ + H2",
     "Zn + 2 HCl -> ZnCl2 + H2"),
    ("FeCl3 + SnCl2 -> FeCl2 + SnCl4",
     "Sn2+ -> Sn4+ + 2 e-", "Fe3+ + e- -> Fe2+", "2 Fe3+ + Sn2+ -> 2 Fe2+ + Sn4+",
     "2 FeCl3 + SnCl2 -> 2 FeCl2 + SnCl4"),
    ("Cu + H2SO4 -> CuSO4 + SO2 + H2O",
     "Cu -> Cu2+ + 2 e-", "SO4^2- + 4 H+ + 2 e- -> SO2 + 2 H2O",
     "Cu + SO4^2- + 4 H+ -> Cu2+ + SO2 + 2 H2O",
     "Cu + 2 H2SO4 -> CuSO4 + SO2 + 2 H2O"),
    ("K4Fe(CN)6 + KMnO4 + H2SO4 -> KHSO4 + Fe2(SO4)3 + MnSO4 + HNO3 + CO2 + H2O",
     "Fe(CN)6^4- + 30 H2O -> Fe3+ + 6 NO3- + 6 CO2 + 60 H+ + 61 e-",
     "MnO4- + 8 H+ + 5 e- -> Mn2+ + 4 H2O",
     "5 Fe(CN)6^4- + 61 MnO4- + 188 H+ -> 5 Fe3+ + 61 Mn2+ + 30 NO3- + 30 CO2 + 94 H2O",
     "10 K4Fe(CN)6 + 122 KMnO4 + 299 H2SO4 -> 162 KHSO4 + 5 Fe2(SO4)3 + 122 MnSO4 + 60 HNO3"
     " + 60 CO2 + 188 H2O"),
]


def _assert_consistent(h):
    h.check()
    assert h.is_valid()
    for r in h.oxidation + h.reduction:
        r.check()
    json.dumps(h.to_json())


@pytest.mark.parametrize("eq, ox, red, ionic, overall", MOLECULAR)
def test_molecular_half_reactions(eq, ox, red, ionic, overall):
    h = half_reactions(eq)
    assert [r.text() for r in h.oxidation] == [ox]
    assert [r.text() for r in h.reduction] == [red]
    assert h.ionic is not None and h.ionic.ion_electron_text() == ionic
    assert h.overall.ion_electron_text() == overall
    assert h.method == "ion-electron (dissociated)"
    _assert_consistent(h)
    # the molecular balance is a balance of the equation as written; when it is the only
    # one, it is what balance() returns
    b = balance(eq)
    if b.unique:
        assert h.overall.text() == b.text() == overall


# more textbook molecular redox equations: each splits, verifies, and its overall is the
# unique balance (the expected coefficients are those of balance(), itself checked exactly)
MORE = """KMnO4 + FeSO4 + H2SO4 -> K2SO4 + MnSO4 + Fe2(SO4)3 + H2O
K2Cr2O7 + HCl -> KCl + CrCl3 + Cl2 + H2O
MnO2 + HCl -> MnCl2 + Cl2 + H2O
Ag + HNO3 -> AgNO3 + NO + H2O
Zn + HNO3 -> Zn(NO3)2 + NH4NO3 + H2O
KClO3 -> KCl + O2
NH3 + O2 -> NO + H2O
Na2S2O3 + I2 -> Na2S4O6 + NaI
H2S + HNO3 -> S + NO + H2O
As2S3 + HNO3 + H2O -> H3AsO4 + H2SO4 + NO
KMnO4 + Na2SO3 + H2O -> MnO2 + Na2SO4 + KOH
CuS + HNO3 -> Cu(NO3)2 + S + NO + H2O
Cu2S + HNO3 -> Cu(NO3)2 + H2SO4 + NO + H2O
FeS2 + O2 -> Fe2O3 + SO2
KI + H2SO4 -> K2SO4 + I2 + H2S + H2O
P + HNO3 -> H3PO4 + NO2 + H2O
K2Cr2O7 + H2SO4 + C2H5OH -> Cr2(SO4)3 + K2SO4 + CH3COOH + H2O
I2 + HNO3 -> HIO3 + NO2 + H2O
Al + NaOH + H2O -> NaAlO2 + H2
Cr2O3 + KNO3 + KOH -> K2CrO4 + KNO2 + H2O
Na + H2O -> NaOH + H2
Pb + PbO2 + H2SO4 -> PbSO4 + H2O
Br2 + NaOH -> NaBr + NaBrO3 + H2O
NH4NO3 -> N2O + H2O
Ca3(PO4)2 + SiO2 + C -> CaSiO3 + P4 + CO""".splitlines()


@pytest.mark.parametrize("eq", MORE)
def test_more_molecular(eq):
    h = half_reactions(eq)
    _assert_consistent(h)
    assert len(h.oxidation) == len(h.reduction) == 1
    b = balance(eq)
    assert b.unique and h.overall.coefficients == b.coefficients


def test_issue_example_with_and_without_medium():
    for medium in (None, "acidic"):
        h = half_reactions("KMnO4 + HCl -> KCl + MnCl2 + Cl2 + H2O", medium=medium)
        assert h.overall.text() == "2 KMnO4 + 16 HCl -> 2 KCl + 2 MnCl2 + 5 Cl2 + 8 H2O"
        assert h.electrons == 10 and h.medium == "acidic"
    h = half_reactions("Cu + HNO3 -> Cu(NO3)2 + NO + H2O", medium="acidic")
    assert h.electrons == 6
    h = half_reactions("KMnO4 + KI + H2O -> MnO2 + I2 + KOH", medium="basic")
    assert h.medium == "basic"


def test_hard_chromium_complex():
    eq = ("[Cr(N2H4CO)6]4[Cr(CN)6]3 + KMnO4 + H2SO4 -> K2Cr2O7 + MnSO4 + CO2 + KNO3 + K2SO4"
          " + H2O")
    h = half_reactions(eq)
    assert h.overall.coefficients == (10, 1176, 1399, 35, 1176, 420, 660, 223, 1879)
    assert h.reduction[0].text() == "MnO4- + 8 H+ + 5 e- -> Mn2+ + 4 H2O"
    assert h.electrons == 5880
    _assert_consistent(h)


def test_water_added_when_missing():
    # no H2O written: the medium supplies it (recorded in overall.added)
    h = half_reactions("Cu + HNO3 -> Cu(NO3)2 + NO")
    assert h.overall.text() == "3 Cu + 8 HNO3 -> 3 Cu(NO3)2 + 2 NO + 4 H2O"
    assert h.overall.added == ("H2O",)


def test_ionic_forms_unchanged():
    h = half_reactions("Cl2 -> Cl- + ClO3-", medium="basic")
    assert h.overall.text() == "3 Cl2 + 6 OH- -> 5 Cl- + ClO3- + 3 H2O"
    h = half_reactions("P4 -> H2PO2- + PH3", medium="basic")
    assert h.overall.text() == "P4 + 3 OH- + 3 H2O -> 3 H2PO2- + PH3"  # textbook
    h = half_reactions("H2O -> H2 + O2")
    assert h.overall.text() == "2 H2O -> 2 H2 + O2"
    assert h.ionic is None and h.method == "ion-electron"


@pytest.mark.parametrize("eq, word", [
    ("Cu + HNO3 -> Cu(NO3)2 + NO + NO2 + H2O", "ambiguous"),
    ("NaOH + HCl -> NaCl + H2O", "no electrons"),
    ("H2O2 -> H2O + O2", "no reduction"),
    ("Cu + NO3- -> Cu2+ + NO + NO2", "ambiguous"),
])
def test_ambiguous_or_not_redox(eq, word):
    with pytest.raises(InvalidInputError, match=word):
        half_reactions(eq)


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(MOLECULAR[:7]), st.randoms(use_true_random=False))
def test_species_order_does_not_matter(case, rnd):
    """Shuffling the species on each side permutes the answer and nothing else."""
    eq = case[0]
    left, right = (s.split(" + ") for s in eq.split(" -> "))
    rnd.shuffle(left)
    rnd.shuffle(right)
    h = half_reactions(" + ".join(left) + " -> " + " + ".join(right))
    want = dict(zip(half_reactions(eq).overall.species, half_reactions(eq).overall.ion_electron
                    or half_reactions(eq).overall.coefficients, strict=True))
    got = dict(zip(h.overall.species, h.overall.ion_electron or h.overall.coefficients, strict=True))
    assert got == want


def test_check_rejects_tampering():
    import dataclasses

    h = half_reactions("Cu + HNO3 -> Cu(NO3)2 + NO + H2O")
    other = half_reactions("Cu + HNO3 -> Cu(NO3)2 + NO2 + H2O")
    bad = dataclasses.replace(h, overall=other.overall)
    with pytest.raises(VerificationError):
        bad.check()
    assert not bad.is_valid()


# --- dissociation -----------------------------------------------------------------------

@pytest.mark.parametrize("formula, ions", [
    ("KMnO4", [("K+", 1), ("MnO4-", 1)]),
    ("Fe2(SO4)3", [("Fe3+", 2), ("SO4^2-", 3)]),
    ("K4Fe(CN)6", [("K+", 4), ("Fe(CN)6^4-", 1)]),
    ("K3Fe(CN)6", [("K+", 3), ("Fe(CN)6^3-", 1)]),
    ("KHSO4", [("K+", 1), ("H+", 1), ("SO4^2-", 1)]),
    ("(NH4)2SO4", [("NH4+", 2), ("SO4^2-", 1)]),
    ("CuSO4.5H2O", [("Cu2+", 1), ("SO4^2-", 1), ("H2O", 5)]),
    ("HCl", [("H+", 1), ("Cl-", 1)]),
    ("H2SO4", [("H+", 2), ("SO4^2-", 1)]),
    ("NaOH", [("Na+", 1), ("OH-", 1)]),
    ("K2MnO4", [("K+", 2), ("MnO4^2-", 1)]),
    ("H2C2O4", [("H2C2O4", 1)]),       # weak acid: stays whole
    ("H3PO4", [("H3PO4", 1)]),
    ("Cr(OH)3", [("Cr(OH)3", 1)]),     # insoluble hydroxide: stays whole
    ("MnO2", [("MnO2", 1)]),           # oxide
    ("C2H5OH", [("C2H5OH", 1)]),
    ("MnO4-", [("MnO4-", 1)]),         # already an ion
])
def test_dissociate(formula, ions):
    got = [(u.text, k) for u, k in dissociate(formula)]
    assert got == ions
    # the ions add up to the formula: every element and the charge
    sp = parse_species(formula)
    total: dict = {}
    charge = 0
    for u, k in dissociate(sp):
        for el, c in u.composition:
            total[el] = total.get(el, 0) + k * c
        charge += k * u.charge
    assert total == sp.counts and charge == sp.charge


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["Na", "K", "Mg", "Ca", "Al", "Fe", "Cu", "Mn", "Zn", "Ag"]),
       st.sampled_from(["Cl", "NO3", "SO4", "CO3", "PO4", "ClO3", "Cr2O7", "C2O4"]),
       st.integers(1, 3))
def test_dissociate_conserves(metal, anion, k):
    """Any formula M_a(X)_b: whatever dissociate does, the ions add up to it."""
    text = f"{metal}{'' if k == 1 else k}({anion})2"
    sp = parse_species(text)
    units = dissociate(sp)
    total: dict = {}
    for u, c in units:
        for el, n in u.composition:
            total[el] = total.get(el, 0) + c * n
    assert total == sp.counts
    assert sum(u.charge * c for u, c in units) == 0
    if len(units) > 1:
        assert all(u.charge > 0 for u, _ in units[:-1])


def test_dissociate_bad_input():
    with pytest.raises(InvalidInputError, match="sp=None"):
        dissociate(None)


# --- canonical under medium= (defect 2) -------------------------------------------------

def _brute_min(M, n, max_total):
    """Exhaustive oracle: every positive vector with total <= max_total (stars and bars),
    by total then lexicographically; the first balance found is the canonical one."""
    for total in range(n, max_total + 1):
        for bars in itertools.combinations(range(1, total), n - 1):
            cuts = (0,) + bars + (total,)
            x = tuple(cuts[i + 1] - cuts[i] for i in range(n))
            if not any(mat_vec(M, x)):
                return x
    return None


def test_medium_canonical_is_minimum_and_ion_electron_kept():
    r = balance("MnO4- + H2O2 -> Mn2+ + O2", medium="acidic")
    assert not r.unique
    assert r.coefficients == r.canonical == (2, 1, 6, 2, 3, 4)
    assert r.ion_electron == (2, 5, 6, 2, 5, 8)  # the textbook answer
    assert r.ion_electron_text() == "2 MnO4- + 5 H2O2 + 6 H+ -> 2 Mn2+ + 5 O2 + 8 H2O"
    _, M = composition_matrix(r.parsed, r.signs)
    assert _brute_min(M, 6, 28) == r.canonical   # exhaustive up to the textbook total
    # the family 2 MnO4- + (1 + 2k) H2O2 + 6 H+ -> 2 Mn2+ + (3 + k) O2 + (4 + 2k) H2O
    for k in range(5):
        assert not any(mat_vec(M, (2, 1 + 2 * k, 6, 2, 3 + k, 4 + 2 * k)))
    d = r.to_json()
    assert d["coefficients"] == d["canonical"] == [2, 1, 6, 2, 3, 4]
    assert d["ion_electron"] == [2, 5, 6, 2, 5, 8]
    r.check()


@pytest.mark.parametrize("eq, medium, ion_electron", [
    ("Cr2O7^2- + H2O2 -> Cr3+ + O2", "acidic", "Cr2O7^2- + 3 H2O2 + 8 H+ -> 2 Cr3+ + 3 O2 + 7 H2O"),
    ("KMnO4 + H2O2 + H2SO4 -> K2SO4 + MnSO4 + O2 + H2O", "acidic",
     "2 KMnO4 + 5 H2O2 + 3 H2SO4 -> K2SO4 + 2 MnSO4 + 5 O2 + 8 H2O"),
])
def test_medium_not_unique_reports_both(eq, medium, ion_electron):
    r = balance(eq, medium=medium)
    assert not r.unique and r.coefficients == r.canonical
    assert r.ion_electron_text() == ion_electron
    assert sum(r.coefficients) <= sum(r.ion_electron)
    sol = min_sum_balance(r.matrix(), [1] * len(r.species))
    assert sol.x == r.canonical


def test_unique_results_have_no_ion_electron():
    r = balance("MnO4- + Fe2+ -> Mn2+ + Fe3+", medium="acidic")
    assert r.unique and r.ion_electron is None
    assert r.ion_electron_text() == r.text()


def test_check_rejects_non_canonical_coefficients():
    import dataclasses

    r = balance("MnO4- + H2O2 -> Mn2+ + O2", medium="acidic")
    bad = dataclasses.replace(r, coefficients=r.ion_electron)
    with pytest.raises(VerificationError):
        bad.check()


@pytest.mark.parametrize("eq, helpers", [
    ("MnO4- + H2O2 -> Mn2+ + O2", ("H+", "H2O")),
    ("MnO4- + Fe2+ -> Mn2+ + Fe3+", ("H+", "H2O")),
    ("Cr(OH)3 + ClO3- -> CrO42- + Cl-", ("OH-", "H2O")),
    ("Fe3+ -> Fe2+", ("e-",)),
    ("Cr2O7^2- + H2O2 -> Cr3+ + O2", ("H+", "H2O")),
])
def test_helpers_match_split_column_program(eq, helpers):
    """Oracle: the helpers as two non-negative columns each, one exact integer program."""
    e = parse_equation(eq)
    r = balance_with_helpers(e, helpers)
    hs = [parse_species(h) for h in helpers]
    cols = list(e.species) + hs + hs
    signs = list(e.signs) + [1] * len(hs) + [-1] * len(hs)
    _, M = composition_matrix(cols, signs)
    x = min_sum_balance(M, [1] * len(e.species) + [0] * (2 * len(hs))).x
    n0 = len(e.species)
    net = {h.text: x[n0 + i] - x[n0 + len(hs) + i] for i, h in enumerate(hs)}
    got = {s: (c if j < r.n_reactants else -c) for j, (c, s) in enumerate(zip(r.coefficients, r.species,
                                                                               strict=True))}
    for h, v in net.items():
        assert got.get(h, 0) == v


# --- argument validation (defect 3) -----------------------------------------------------

@pytest.mark.parametrize("bad", [None, 5, {"H2", "O2"}, b"H2, O2", [None, "H2"], ["H2", 3], [], ""])
def test_species_list_validation(bad):
    for f in (balance_species, elementary_reactions):
        with pytest.raises(InvalidInputError, match="species"):
            f(bad)


def test_species_list_accepts_sequences():
    assert balance_species(("H2", "O2", "H2O")) == [{"H2": 2, "O2": 1, "H2O": -2}]
    assert balance_species(iter(["H2", "O2", "H2O"])) == [{"H2": 2, "O2": 1, "H2O": -2}]


@pytest.mark.parametrize("call", [
    lambda: balance(None),
    lambda: balance(["H2 + O2 -> H2O"]),
    lambda: balance("H2 + O2 -> H2O", medium=[]),
    lambda: balance("H2 + O2 -> H2O", medium="neutral"),
    lambda: balance_parsed(None),
    lambda: balance_with_helpers(None, ["H+"]),
    lambda: balance_with_helpers("Fe3+ -> Fe2+", "e-"),
    lambda: half_reactions(None),
    lambda: half_reactions(5),
    lambda: half_reactions("Cu + Ag+ -> Cu2+ + Ag", medium=["acidic"]),
    lambda: half_reactions("Cu + Ag+ -> Cu2+ + Ag", medium="neutral"),
    lambda: latex_species(None),
])
def test_public_functions_raise_invalid_input(call):
    with pytest.raises(InvalidInputError):
        call()


# --- CLI --------------------------------------------------------------------------------

def test_cli_half_molecular(capsys):
    assert main(["balance", "Cu + HNO3 -> Cu(NO3)2 + NO + H2O", "--half"]) == 0
    out = capsys.readouterr().out
    assert "reduction: NO3- + 4 H+ + 3 e- -> NO + 2 H2O" in out
    assert "overall: 3 Cu + 8 HNO3 -> 3 Cu(NO3)2 + 2 NO + 4 H2O" in out
    assert main(["balance", "KMnO4 + HCl -> KCl + MnCl2 + Cl2 + H2O", "--half", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["overall"]["coefficients"] == [2, 16, 2, 2, 5, 8]
    assert d["ionic"]["coefficients"] == [2, 10, 16, 2, 5, 8]
    assert d["method"] == "ion-electron (dissociated)"


def test_cli_medium_not_unique(capsys):
    assert main(["balance", "MnO4- + H2O2 -> Mn2+ + O2", "--medium", "acidic"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "2 MnO4- + H2O2 + 6 H+ -> 2 Mn2+ + 3 O2 + 4 H2O"
    assert ("oxidation-state-consistent (ion-electron) balance: "
            "2 MnO4- + 5 H2O2 + 6 H+ -> 2 Mn2+ + 5 O2 + 8 H2O") in out.splitlines()[1]


def test_cli_errors_exit_2(capsys):
    assert main(["balance", "Cu + HNO3 -> Cu(NO3)2 + NO + NO2 + H2O", "--half"]) == 2
    assert "ambiguous" in capsys.readouterr().err
    assert main(["balance", "--species", ""]) == 2
