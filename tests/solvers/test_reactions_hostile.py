"""Hostile inputs to reaction balancing: every answer right, or a clear refusal.

Each class of input from the issue "Every answer right, or a clear refusal" has a table of
hand-checked cases, each with its source (the chemistry that fixes the answer), and, where
the class is infinite, a property test. The coefficients were checked by hand: every
element and the charge summed on both sides.

Sources cited in the tables:

- [GE] Greenwood and Earnshaw, *Chemistry of the Elements*, 2nd ed. (1997): triiodide and
  tribromide (ch. 17), azide and nitride (ch. 11), oxide, superoxide, peroxide, ozonide
  (ch. 14), dimercury(I) (ch. 29), vanadyl and dioxovanadium(V) (ch. 22).
- [RB] IUPAC *Nomenclature of Inorganic Chemistry* (Red Book, 2005): ion names (Table IX),
  isotope symbols D, T and isotope labels [13C] (IR-3.3), radical dots (IR-4.6.2).
- [GB] IUPAC *Quantities, Units and Symbols in Physical Chemistry* (Green Book, 3rd ed.,
  2007), sec. 2.11: phase labels (s), (l), (g), (aq), (cr), (sln), (am), ...
- [AJ] Atkins and Jones, *Chemical Principles*: textbook balances and the ion-electron
  method; [Z] Zumdahl, *Chemistry*, sec. 4.10/18.1.
- [NS] Non-stoichiometric compounds: wuestite Fe0.95O (GE ch. 25), YBa2Cu3O6.5/O7
  (GE ch. 28, superconducting cuprates), the spinel Mn1.5Co1.5O4 and the magnetite-like
  Fe2.5O4 of the issue; LiNi0.8Co0.15Al0.05O2 (NCA cathode).
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import EngineError, InfeasibleError, InvalidInputError
from solvers.reactions import (
    BalanceResult,
    balance,
    balance_network,
    balance_species,
    conservation_laws,
    dissociate,
    elementary_reactions,
    half_reactions,
    parse_equation,
    parse_species,
    stoichiometric_matrix,
)
from solvers.reactions.formula import species_readings

# (equation, expected coefficients, expected readings of the named species, source)
NOTATION = [
    ("I2 + I- -> I3-", (1, 1, 1), {"I3-": "I3^-"}, "[GE] triiodide equilibrium I2 + I^- = I3^-"),
    ("Br2 + Br- -> Br3-", (1, 1, 1), {"Br3-": "Br3^-"}, "[GE] tribromide"),
    ("Br3- -> Br2 + Br-", (1, 1, 1), {"Br3-": "Br3^-"}, "[GE] tribromide; Br^3- does not exist"),
    ("Cl2 + e- -> Cl2-", (1, 1, 1), {"Cl2-": "Cl2^-"}, "[GE] dichloride radical anion; Cl^2- does not exist"),
    ("Li3N -> Li+ + N3-", (1, 3, 1), {"N3-": "N^3-"}, "[GE] lithium nitride is 3 Li^+ + N^3-"),
    ("NaN3 -> Na+ + N3-", (1, 1, 1), {"N3-": "N3^-"}, "[GE] sodium azide is Na^+ + N3^-"),
    ("KO2 -> K+ + O2-", (1, 1, 1), {"O2-": "O2^-"}, "[GE] potassium superoxide is K^+ + O2^-"),
    ("CaO -> Ca2+ + O2-", (1, 1, 1), {"O2-": "O^2-"}, "[GE] calcium oxide is Ca^2+ + O^2-"),
    ("Na2O2 -> Na+ + O22-", (1, 2, 1), {"O22-": "O2^2-"}, "[GE] sodium peroxide is 2 Na^+ + O2^2-"),
    ("O3 + e- -> O3-", (1, 1, 1), {"O3-": "O3^-"}, "[GE] ozonide"),
    ("Hg22+ -> Hg + Hg2+", (1, 1, 1), {"Hg22+": "Hg2^2+"}, "[GE] disproportionation of dimercury(I)"),
    ("H2 -> H2+ + e-", (1, 1, 1), {"H2+": "H2^+"}, "dihydrogen cation; H^2+ exceeds Z = 1"),
    ("VO2+ + Fe2+ + H+ -> VO2+ + Fe3+ + H2O", (1, 1, 2, 1, 1, 1), {},
     "[GE] VO2^+ + Fe^2+ + 2 H^+ -> VO^2+ + Fe^3+ + H2O (vanadium(V) titration): the same text "
     "VO2+ reads VO2^+ on the left and vanadyl VO^2+ on the right"),
    ("Fe3+ + e- -> Fe2+", (1, 1, 1), {"Fe3+": "Fe^3+"}, "[AJ] iron(III)/iron(II) couple"),
    ("Cr2O72- + Fe2+ + H+ -> Cr3+ + Fe3+ + H2O", (1, 6, 14, 2, 6, 7), {}, "[Z] dichromate-iron(II), sec. 4.10"),
    ("SO4 2- + Ba2+ -> BaSO4", (1, 1, 1), {"SO4 2-": "SO4^2-"}, "precipitation of barium sulfate"),
]

# both readings balance: the smaller balance is answered and the warning names the other
AMBIGUOUS = [
    ("N3- -> N2 + e-", (2, 3, 2), "N3^-", "N^3-", "[GE] azide oxidation 2 N3^- -> 3 N2 + 2 e^- (nitride: 2, 1, 6)"),
    ("O2 + e- -> O2-", (1, 1, 1), "O2^-", "O^2-", "[GE] one-electron reduction of O2 to superoxide (oxide: 1, 4, 2)"),
    ("O2- -> O2 + e-", (1, 1, 1), "O2^-", "O^2-", "[GE] superoxide oxidation (oxide: 2, 1, 4)"),
]

DECIMALS = [
    ("Mn1.5Co1.5O4 + H2 -> Mn + Co + H2O", (2, 8, 3, 3, 8), "[NS] the issue's spinel: 2 Mn1.5Co1.5O4 = Mn3Co3O8"),
    ("Fe2.5O4 + CO -> Fe + CO2", (2, 8, 5, 8), "[NS] the issue: 2 Fe2.5O4 = Fe5O8"),
    ("Fe0.95O + CO -> Fe + CO2", (20, 20, 19, 20), "[NS] wuestite: 20 Fe0.95O = Fe19O20"),
    ("Fe0.95O + O2 -> Fe2O3", (80, 17, 38), "[NS] Fe: 76 = 76, O: 80 + 34 = 114"),
    ("YBa2Cu3O6.5 + O2 -> YBa2Cu3O7", (4, 1, 4), "[NS] oxygen loading of YBCO: O 26 + 2 = 28"),
    ("(Mn0.5Fe0.5)2O3 + H2 -> Mn + Fe + H2O", (1, 3, 1, 1, 3), "decimals inside a group: MnFeO3"),
    ("LiNi0.8Co0.15Al0.05O2 -> Li2O + NiO + CoO + Al2O3 + O2", (80, 40, 64, 12, 2, 19),
     "[NS] NCA: Li 80, Ni 64, Co 12, Al 4, O 160 = 40 + 64 + 12 + 6 + 38"),
    ("CuSO4.5H2O -> CuSO4 + H2O", (1, 1, 5), "[AJ] copper sulfate pentahydrate (a hydrate dot, not a decimal)"),
    ("CaSO4·0.5H2O + H2O -> CaSO4·2H2O", (2, 3, 2), "[AJ] setting of plaster (hemihydrate to gypsum)"),
    ("CaSO4.0.5H2O + H2O -> CaSO4.2H2O", (2, 3, 2), "the same with ASCII dots"),
]

NOTATIONS = [
    ("H₂ + O₂ -> H₂O", (2, 1, 2), "[AJ] water synthesis, Unicode subscripts"),
    ("Fe³⁺ + e⁻ → Fe²⁺", (1, 1, 1), "Unicode superscript charges"),
    ("SO₄²⁻ + H⁺ → HSO₄⁻", (1, 1, 1), "protonation of sulfate"),
    ("Cl. + CH4 -> HCl + CH3.", (1, 1, 1, 1), "[RB] radicals: chlorination chain step"),
    ("Cl• + CH4 -> HCl + CH3•", (1, 1, 1, 1), "[RB] the same with the radical dot"),
    ("O2•- + H+ -> H2O2 + O2", (2, 2, 1, 1), "[GE] superoxide dismutation; O2•- is O2^- (dot before the charge)"),
    ("1/2 O2 + H2 -> H2O", (1, 2, 2), "a fractional coefficient written by the user is ignored"),
    ("0.5 O2 + H2 -> H2O", (1, 2, 2), "a decimal coefficient written by the user is ignored"),
    ("NaCl(s) -> NaCl(sln)", (1, 1), "[GB] dissolution; (sln) is a phase"),
    ("H2O(ℓ) -> H2O(g)", (1, 1), "[GB] evaporation; (ℓ) is (l)"),
    ("D2O + Na -> NaOD + D2", (2, 2, 2, 1), "[RB] D is 2H: heavy water and sodium"),
    ("H2O + D2O -> HDO", (1, 1, 2), "isotope exchange"),
    ("[13C]O2 + H2O -> H2[13C]O3", (1, 1, 1), "[RB] isotope label [13C]"),
    ("¹³CO₂ + H₂O → H₂¹³CO₃", (1, 1, 1), "[RB] isotope label as a superscript mass number"),
    ("[13C]H4 + O2 -> [13C]O2 + H2O", (1, 2, 1, 2), "labelled methane combustion"),
    ("AgNO3 + NaCl -> AgCl↓ + NaNO3", (1, 1, 1, 1), "precipitation; ↓ marks the solid"),
    ("CaCO3 -> CaO + CO2↑", (1, 1, 1), "[AJ] lime burning; ↑ marks the gas"),
    ("Ca(IO3)2 -> CaO + I2 + O2", (2, 2, 2, 5), "iodate decomposition: an (IO3) group is not Stock notation"),
]

# (call, expected error class, fragments of the message, source / why)
REFUSALS = [
    (lambda: balance("->"), InvalidInputError, ["no species"], "a bare arrow"),
    (lambda: balance("H2O -> H2O"), InvalidInputError, ["nothing reacts", "H2O"], "no reaction"),
    (lambda: balance("2 H2O -> H2O + H2O"), InvalidInputError, ["nothing reacts"], "no reaction"),
    (lambda: balance("MnO4- + Fe2+ + H+ -> Mn2+ + Fe3+ + H2O", medium="basic"), InvalidInputError,
     ["medium='basic'", "H+", "acidic"], "H+ in a basic medium would answer with both H+ and OH-"),
    (lambda: balance("Fe3+ + OH- -> Fe(OH)3", medium="acidic"), InvalidInputError,
     ["medium='acidic'", "OH-"], "OH- in an acidic medium"),
    (lambda: balance("Fe2O3.xH2O -> Fe2O3 + H2O"), InvalidInputError, ["'x'", "number"], "variable multiplier"),
    (lambda: balance("YBa2Cu3O7-δ -> Y2O3"), InvalidInputError, ["number"], "variable subscript"),
    (lambda: balance("Fe0O -> Fe"), InvalidInputError, ["zero count"], "a zero count"),
    (lambda: balance("[1C]O2 -> C + O2"), InvalidInputError, ["mass number 1"], "impossible mass number"),
    (lambda: balance("CH4 + O2 -> [13C]O2 + H2O"), InfeasibleError, ["'C'"], "isotopes are not interconverted"),
    (lambda: balance("Xx2O -> O2"), InvalidInputError, ["unknown element 'Xx'"], "unknown element"),
    (lambda: balance("Fe3- -> Fe + e-"), InvalidInputError, ["Fe^3-", "Fe3^-", "not a known ion", "'Fe3^-'"],
     "[GE] Fe^3- does not exist and Fe3^- is no known ion"),
    (lambda: balance("Fe(III) + e- -> Fe(II)"), InvalidInputError, ["Stock notation '(III)'", "Fe3+"],
     "Stock numerals would read as iodine (FeI3)"),
    (lambda: balance(None), InvalidInputError, ["equation=None"], "not a string"),
    (lambda: balance("H2 + O2 -> H2O", medium="neutral"), InvalidInputError, ["medium='neutral'"], "bad medium"),
    (lambda: balance_network(3), InvalidInputError, ["equations=3"], "not a list"),
    (lambda: balance_network(["H2 + O2 -> H2O", 3]), InvalidInputError, ["reaction #2"], "not a string"),
    (lambda: balance_network(["H2 + O2 -> H2O", "H2 -> O2"]), InfeasibleError, ["reaction #2", "'H2 -> O2'"],
     "the failing reaction is named"),
    (lambda: balance_network(["H2 + O2 -> H2O", "Xx -> H2"]), InvalidInputError, ["reaction #2", "Xx"],
     "the failing reaction is named"),
    (lambda: balance_species(["H2", "O2", "H2O"], max_reactions=0), InvalidInputError, ["max_reactions=0"],
     "bad limit"),
    (lambda: BalanceResult.from_json({"species": 3}), InvalidInputError, ["BalanceResult.from_json"],
     "malformed document"),
    (lambda: BalanceResult.from_json(None), InvalidInputError, ["not a dict"], "malformed document"),
]


def _reading(r, text):
    return next(sp.reading() for t, sp in zip(r.species, r.readings, strict=True) if t == text)


@pytest.mark.parametrize("eq, coeffs, readings, source", NOTATION, ids=[c[0] for c in NOTATION])
def test_notation_read_two_ways(eq, coeffs, readings, source):
    r = balance(eq)
    assert r.coefficients == coeffs, source
    assert not r.warnings
    for text, reading in readings.items():
        assert _reading(r, text) == reading, source
    r.check()


@pytest.mark.parametrize("eq, coeffs, chosen, other, source", AMBIGUOUS, ids=[c[0] for c in AMBIGUOUS])
def test_real_ambiguity_is_answered_with_a_warning(eq, coeffs, chosen, other, source):
    r = balance(eq)
    assert r.coefficients == coeffs, source
    (w,) = r.warnings
    assert "ambiguous" in w and chosen in w and other in w
    text = next(t for t, sp in zip(r.species, r.readings, strict=True) if sp.reading() == chosen)
    assert repr(text) in w


def test_nonexistent_ions_are_not_read():
    """[GE] I^3-, Br^3-, Cl^2- do not exist; the homonuclear ions do."""
    for text, reading in (("I3-", "I3^-"), ("Br3-", "Br3^-"), ("Cl2-", "Cl2^-"), ("H2+", "H2^+")):
        assert [r.reading() for r in species_readings(text)] == [reading]
    assert [r.reading() for r in species_readings("O2-")] == ["O^2-", "O2^-"]
    assert [r.reading() for r in species_readings("N3-")] == ["N^3-", "N3^-"]
    assert [r.reading() for r in species_readings("Fe3+")] == ["Fe^3+"]


@pytest.mark.parametrize("eq, coeffs, source", DECIMALS, ids=[c[0] for c in DECIMALS])
def test_decimal_subscripts(eq, coeffs, source):
    r = balance(eq)
    assert r.coefficients == coeffs, source
    r.check()
    back = BalanceResult.from_json(json.loads(json.dumps(r.to_json())))
    back.check()
    assert back.to_json() == r.to_json()


def test_hydrate_read_as_decimal_warns_when_both_balance():
    # CuSO4.5H2O as the hydrate CuSO9H10 gives 2, 2, 2, 1, 10; read with a decimal subscript
    # (CuSO5.5H2) the equation balances too (4, 4, 4, 3, 4): the hydrate is kept, with a warning
    r = balance("CuSO4.5H2O -> CuO + SO2 + O2 + H2O")
    assert r.coefficients == (2, 2, 2, 1, 10)
    assert any("decimal subscripts" in w for w in r.warnings)


@pytest.mark.parametrize("eq, coeffs, source", NOTATIONS, ids=[c[0] for c in NOTATIONS])
def test_other_notations(eq, coeffs, source):
    r = balance(eq)
    assert r.coefficients == coeffs, source
    r.check()


@pytest.mark.parametrize("call, exc, fragments, why", REFUSALS, ids=[c[3] for c in REFUSALS])
def test_refusals_name_the_problem(call, exc, fragments, why):
    with pytest.raises(exc) as info:
        call()
    assert type(info.value).__module__ == "engine.errors", why
    for f in fragments:
        assert f in str(info.value), (why, str(info.value))


def test_network_identifies_species_by_composition_charge_phase():
    net = balance_network(["Fe3+ + e- -> Fe2+", "Fe^2+ -> Fe^3+ + e-"])
    assert net.species == ("Fe3+", "e-", "Fe2+") and net.rank == 1
    net = balance_network(["H2O(l) -> H2O(g)", "H2O(g) -> H2O(l)"])
    assert len(net.species) == 2 and net.rank == 1
    species, _ = stoichiometric_matrix([{"Fe3+": 1, "e-": 1, "Fe2+": -1}, {"Fe^2+": 1, "Fe^{3+}": -1, "e-": -1}])
    assert species == ("Fe3+", "e-", "Fe2+")
    assert conservation_laws([{"A": 1, "B": -1}, {"B": 1, "C": -1}]) == ({"A": 1, "B": 1, "C": 1},)


def test_redox_not_unique_says_so_with_the_oxidation_state_consistent_balance():
    """The issue's case: the minimum-total balance has 1 H2O2 giving 3 O2; the ion-electron
    balance [AJ] is 5 H2O2 + 2 KMnO4 + 3 H2SO4 -> 5 O2 + 2 MnSO4 + K2SO4 + 8 H2O; they differ
    by twice the disproportionation 2 H2O2 -> O2 + 2 H2O."""
    r = balance("H2O2 + KMnO4 + H2SO4 -> O2 + MnSO4 + K2SO4 + H2O")
    assert not r.unique and r.coefficients == (1, 2, 3, 3, 2, 1, 4)
    assert r.ion_electron == (5, 2, 3, 5, 2, 1, 8)
    (w,) = r.warnings
    assert "not unique" in w and "oxidation-state-consistent" in w and "2 H2O2 -> O2 + 2 H2O" in w
    assert r.to_json()["warnings"] == [w]


def test_half_reactions_choose_the_reading_like_balance():
    """[GE] azide reduces copper(II): 2 N3^- + Cu^2+ -> 3 N2 + Cu (nitride: 2, 3, 1, 3)."""
    h = half_reactions("N3- + Cu2+ -> N2 + Cu")
    assert h.overall.coefficients == (2, 1, 3, 1)
    (w,) = h.warnings
    assert "N^3- (nitride)" in w
    h.check()
    h = half_reactions("VO2+ + Fe2+ -> VO2+ + Fe3+")
    assert [r.text() for r in h.reduction] == ["VO2+ + 2 H+ + e- -> VO2+ + H2O"]
    assert [sp.reading() for sp in h.reduction[0].readings][0] == "VO2^+"


def test_species_list_size_guard():
    # 20 small molecules over C, H, O have 2775 elementary reactions (tests/benchmarks)
    sp = ["CH4", "C2H6", "C2H4", "C2H2", "C3H8", "CO", "CO2", "H2O", "H2", "O2", "CH3OH",
          "HCHO", "HCOOH", "C2H5OH", "CH3CHO", "CH3COOH", "H2O2", "C", "C6H6", "C4H10"]
    with pytest.raises(InvalidInputError, match="2,775 elementary reactions"):
        elementary_reactions(sp, max_reactions=1000)
    assert len(elementary_reactions(sp, max_reactions=2775).vectors) == 2775


def test_readings_and_warnings_round_trip():
    r = balance("N3- -> N2 + e-")
    d = r.to_json()
    assert [x["reading"] for x in d["readings"]] == ["N3^-", "N2", "e^-"]
    assert d["readings"][0]["note"] == "azide"
    back = BalanceResult.from_json(json.loads(json.dumps(d)))
    assert back.readings[0].reading() == "N3^-" and back.warnings == r.warnings
    back.check()


def test_tampered_reading_is_caught():
    import dataclasses

    from engine.errors import VerificationError
    from solvers.reactions.formula import Species

    r = balance("KO2 -> K+ + O2-")
    fake = Species(text="O2-", composition=(("O", 1),), charge=-2, body="O")
    bad = dataclasses.replace(r, readings=r.readings[:2] + (fake,))
    with pytest.raises(VerificationError):
        bad.check()


# ----------------------------------------------------------------------------- properties

_CHARS = st.sampled_from(list("HCONSFeClKMnaglq()[]{}0123456789.+-^ ·•∙*/½₂₃⁺⁻²³⁴eδxℓ,;→=<>")
                         + ["->", " + ", "(aq)", "(s)", "[13C]", "D", "e-", "2-", "3+", "(sln)", ".5"])
_TEXTS = st.one_of(st.text(max_size=30), st.lists(_CHARS, max_size=16).map("".join))


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_parsers_never_crash(text):
    """Every parser and entry point raises only the project's errors, on any text."""
    for fn in (parse_species, species_readings, parse_equation, dissociate):
        try:
            fn(text)
        except EngineError:
            pass


@settings(max_examples=150, deadline=None)
@given(_TEXTS, _TEXTS, st.sampled_from([None, "acidic", "basic"]))
def test_balance_never_crashes_and_every_answer_is_exact(left, right, medium):
    eq = f"{left} -> {right}"
    for call in (lambda: balance(eq, medium=medium), lambda: half_reactions(eq),
                 lambda: balance_network([eq]), lambda: balance_species(f"{left}, {right}")):
        try:
            r = call()
        except EngineError:
            continue
        if isinstance(r, BalanceResult):
            r.check()
            BalanceResult.from_json(r.to_json()).check()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["Fe", "Mn", "Co", "Ni", "Li", "Al", "Cu"]),
                          st.integers(1, 399)), min_size=1, max_size=3, unique_by=lambda t: t[0]),
       st.integers(1, 6))
def test_decimal_subscripts_are_exact(parts, oxygen):
    """M_a1 M_a2 ... O_k -> metals + O2 with decimal a_i: the balance is exact in rationals."""
    from fractions import Fraction

    body = "".join(f"{el}{n // 100}.{n % 100:02d}" if n % 100 else f"{el}{n // 100 or ''}"
                   for el, n in parts if n >= 100 or n % 100) + f"O{oxygen}"
    if "O" == body[0]:
        return
    eq = f"{body} -> {' + '.join(el for el, _ in parts)} + O2"
    r = balance(eq)
    c = r.coefficients
    sp = parse_species(body)
    for j, (el, _) in enumerate(parts):
        assert Fraction(c[0]) * Fraction(sp.counts[el]) == c[1 + j]
    assert Fraction(c[0]) * oxygen == 2 * c[-1]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["Fe", "Cu", "Mn", "Cr", "Co", "Sn"]), st.integers(1, 4), st.integers(1, 4))
def test_charge_spellings_are_one_species(el, q1, q2):
    """Fe3+, Fe^3+, Fe^{3+}, Fe+3 and Fe³⁺ are one species to a network."""
    if q1 == q2:
        return
    sup = str.maketrans("0123456789+", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺")
    spell = [f"{el}{q}+" if q > 1 else f"{el}+" for q in (q1, q2)]
    alt = [f"{el}^{{{q}+}}" if q % 2 else (f"{el}+{q}" if q > 1 else f"{el}+") for q in (q1, q2)]
    sups = [f"{el}{(str(q) if q > 1 else '') + '+'}".translate(sup) for q in (q1, q2)]
    sups = [el + s[len(el):] for s in sups]
    for a, b in ((spell, alt), (spell, sups), (alt, sups)):
        hi, lo = (0, 1) if q1 > q2 else (1, 0)
        e = q1 - q2 if q1 > q2 else q2 - q1
        net = balance_network([f"{a[hi]} + {e} e- -> {a[lo]}", f"{b[lo]} -> {b[hi]} + {e} e-"])
        assert len(net.species) == 3 and net.rank == 1


# ----------------------------------------------------------------- coefficients as written
@pytest.mark.parametrize("text, answer, fragment", [
    ("2 H2 + O2 -> H2O", (2, 1, 2), "unbalanced: H, O"),
    ("13CO2 -> 13C + O2", (1, 1, 1), "(13, 13, 1) do not balance"),
    ("2CaSO4·H2O + H2O -> CaSO4·2H2O", (1, 1, 1), "write it as '(CaSO4)2·H2O'"),
    ("4 C + 3 O2 -> 2 CO + 2 CO2", (3, 2, 2, 1), "are another balance"),
])
def test_written_coefficients_that_disagree_are_named(text, answer, fragment):
    """Written coefficients are ignored; when they disagree with the answer a warning says so
    (a plain misbalance, a hydrate multiplier read as a coefficient, another balance)."""
    r = balance(text)
    assert r.coefficients == answer
    assert any(fragment in w for w in r.warnings), r.warnings


@pytest.mark.parametrize("text", ["2 H2 + O2 -> 2 H2O", "4 H2 + 2 O2 -> 4 H2O", "H2 + O2 -> H2O",
                                  "(CaSO4)2·H2O + 3 H2O -> 2 CaSO4·2H2O"])
def test_written_coefficients_that_agree_give_no_warning(text):
    assert not any("as written" in w for w in balance(text).warnings)


# ----------------------------------------------------------------- species lists read two ways
@pytest.mark.parametrize("species, text, chosen, other", [
    (["N3-", "N2", "e-"], "2 N3- -> 3 N2 + 2 e-", "N3^- (azide)", "N^3- (nitride)"),
    (["O2", "e-", "O2-"], "O2 + e- -> O2-", "O2^- (superoxide)", "O^2- (oxide)"),
])
def test_species_lists_choose_readings_as_balance_does(species, text, chosen, other):
    """A species list reads an ambiguous ion the way ``balance`` reads it in the equation
    (smallest reactions) and warns with the other reading; the result re-checks from the
    recorded readings, also after a JSON round trip."""
    from solvers.reactions.species import ElementaryReactions, elementary_reactions

    r = elementary_reactions(species)
    assert r.texts() == [text]
    assert any(chosen in w and other in w for w in r.warnings), r.warnings
    assert balance(text).coefficients == tuple(abs(c) for c in r.vectors[0])
    back = ElementaryReactions.from_json(r.to_json())
    assert back == r
    back.check()


def test_species_lists_without_ambiguity_record_no_readings():
    from solvers.reactions.species import elementary_reactions

    r = elementary_reactions(["I2", "I-", "I3-"])
    assert r.readings == () and r.warnings == () and r.texts() == ["I2 + I- -> I3-"]
