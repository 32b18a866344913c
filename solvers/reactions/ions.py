"""Tables of known ions, used to read a trailing digit-and-sign (``O2-``, ``I3-``, ``VO2+``).

``O2-`` reads two ways: the oxide ion O^2- or the superoxide ion O2^-. The formula parser
asks :func:`classify` how each reading stands:

- ``"known"``: the ion is in these tables (with its name);
- ``"impossible"``: a monatomic charge no element takes (an anion beyond the octet, such
  as I^3- or Cl^2-; a metal anion of charge -2 or less; a cation above the element's
  highest oxidation state or its atomic number);
- ``"possible"``: anything else.

Sources: the common monatomic ions and their charges are those of the IUPAC *Nomenclature
of Inorganic Chemistry* (Red Book, 2005), Table IX, and of Greenwood and Earnshaw,
*Chemistry of the Elements* (2nd ed., 1997), ch. 1 and the element chapters; the
homonuclear and polyatomic ions (superoxide, peroxide, ozonide, azide, triiodide,
tribromide, the dihalide radical anions X2^-, dimercury(I), the vanadium oxo cations
VO^2+ and VO2^+, ...) are from the same two books (Greenwood and Earnshaw, ch. 14
(O2^-, O2^2-, O3^-), 11 (N3^-), 17 (X3^-, X2^-), 29 (Hg2^2+), 22 (VO^2+, VO2^+)).

Examples:
    >>> from solvers.reactions.ions import classify
    >>> classify({"O": 1}, -2), classify({"O": 2}, -1), classify({"I": 1}, -3)[0]
    (('known', 'oxide'), ('known', 'superoxide'), 'impossible')
"""

from __future__ import annotations

from solvers.reactions.elements import ATOMIC_NUMBER

__all__ = ["MONATOMIC", "POLYATOMIC", "classify", "ion_name"]

#: element -> the charges of its common monatomic ions (IUPAC Red Book Table IX;
#: Greenwood and Earnshaw).
MONATOMIC: dict[str, tuple[int, ...]] = {
    "H": (1, -1), "He": (1, 2), "Li": (1,), "Be": (2,), "B": (3,), "C": (-4,), "N": (-3,),
    "O": (-2,), "F": (-1,), "Na": (1,), "Mg": (2,), "Al": (3,), "Si": (4, -4), "P": (-3,),
    "S": (-2,), "Cl": (-1,), "K": (1,), "Ca": (2,), "Sc": (3,), "Ti": (2, 3, 4),
    "V": (2, 3, 4, 5), "Cr": (2, 3, 6), "Mn": (2, 3, 4, 7), "Fe": (2, 3), "Co": (2, 3),
    "Ni": (2, 3), "Cu": (1, 2), "Zn": (2,), "Ga": (3,), "Ge": (2, 4), "As": (-3, 3, 5),
    "Se": (-2,), "Br": (-1,), "Rb": (1,), "Sr": (2,), "Y": (3,), "Zr": (4,), "Nb": (3, 5),
    "Mo": (3, 6), "Tc": (4, 7), "Ru": (2, 3), "Rh": (3,), "Pd": (2, 4), "Ag": (1, 2),
    "Cd": (2,), "In": (1, 3), "Sn": (2, 4), "Sb": (3, 5, -3), "Te": (-2,), "I": (-1,),
    "Cs": (1,), "Ba": (2,), "La": (3,), "Ce": (3, 4), "Pr": (3,), "Nd": (3,), "Pm": (3,),
    "Sm": (2, 3), "Eu": (2, 3), "Gd": (3,), "Tb": (3, 4), "Dy": (3,), "Ho": (3,), "Er": (3,),
    "Tm": (3,), "Yb": (2, 3), "Lu": (3,), "Hf": (4,), "Ta": (5,), "W": (6,), "Re": (7,),
    "Os": (4, 8), "Ir": (3, 4), "Pt": (2, 4), "Au": (1, 3), "Hg": (1, 2), "Tl": (1, 3),
    "Pb": (2, 4), "Bi": (3, 5), "Po": (2, 4), "At": (-1,), "Fr": (1,), "Ra": (2,), "Ac": (3,),
    "Th": (4,), "Pa": (5,), "U": (3, 4), "Np": (3, 4), "Pu": (3, 4), "Am": (3,), "Cm": (3,),
    "D": (1, -1), "T": (1, -1),
}

_ANION_NAMES = {
    ("H", -1): "hydride", ("C", -4): "carbide (methanide)", ("N", -3): "nitride",
    ("O", -2): "oxide", ("F", -1): "fluoride", ("Si", -4): "silicide", ("P", -3): "phosphide",
    ("S", -2): "sulfide", ("Cl", -1): "chloride", ("As", -3): "arsenide", ("Se", -2): "selenide",
    ("Br", -1): "bromide", ("Te", -2): "telluride", ("I", -1): "iodide", ("Sb", -3): "antimonide",
    ("At", -1): "astatide", ("He", 2): "alpha particle", ("D", 1): "deuteron",
    ("D", -1): "deuteride", ("T", 1): "triton", ("H", 1): "proton",
}

#: (composition, charge, name): homonuclear and polyatomic ions whose written
#: form can also be read another way (Greenwood and Earnshaw, chapters cited above).
POLYATOMIC: tuple[tuple[dict[str, int], int, str], ...] = (
    ({"O": 2}, -1, "superoxide"), ({"O": 2}, -2, "peroxide"), ({"O": 2}, 1, "dioxygenyl"),
    ({"O": 3}, -1, "ozonide"), ({"N": 3}, -1, "azide"), ({"N": 2}, -2, "diazenide"),
    ({"I": 3}, -1, "triiodide"), ({"I": 5}, -1, "pentaiodide"), ({"Br": 3}, -1, "tribromide"),
    ({"Cl": 3}, -1, "trichloride"), ({"Cl": 2}, -1, "dichloride radical anion"),
    ({"Br": 2}, -1, "dibromide radical anion"), ({"I": 2}, -1, "diiodide radical anion"),
    ({"F": 2}, -1, "difluoride radical anion"),
    ({"Hg": 2}, 2, "dimercury(I)"), ({"S": 2}, -2, "disulfide"), ({"S": 3}, -1, "trisulfur radical anion"),
    ({"S": 3}, -2, "trisulfide"), ({"S": 4}, -2, "tetrasulfide"), ({"S": 5}, -2, "pentasulfide"),
    ({"Se": 2}, -2, "diselenide"), ({"C": 2}, -2, "acetylide"), ({"H": 2}, 1, "dihydrogen cation"),
    ({"H": 3}, 1, "trihydrogen cation"), ({"V": 1, "O": 1}, 2, "vanadyl (oxovanadium(IV))"),
    ({"V": 1, "O": 2}, 1, "dioxovanadium(V)"), ({"U": 1, "O": 2}, 2, "uranyl(VI)"),
    ({"U": 1, "O": 2}, 1, "uranyl(V)"), ({"N": 1, "O": 2}, 1, "nitronium"),
    ({"N": 1, "O": 2}, -1, "nitrite"), ({"N": 1, "O": 3}, -1, "nitrate"), ({"N": 1, "O": 1}, 1, "nitrosonium"),
    ({"N": 1, "H": 4}, 1, "ammonium"), ({"H": 3, "O": 1}, 1, "oxonium"), ({"O": 1, "H": 1}, -1, "hydroxide"),
    ({"H": 1, "O": 2}, -1, "hydroperoxide"), ({"C": 1, "N": 1}, -1, "cyanide"),
    ({"S": 1, "O": 4}, -2, "sulfate"), ({"S": 1, "O": 3}, -2, "sulfite"), ({"P": 1, "O": 4}, -3, "phosphate"),
    ({"C": 1, "O": 3}, -2, "carbonate"), ({"C": 1, "O": 3}, -1, "carbonate radical anion"),
    ({"Mn": 1, "O": 4}, -1, "permanganate"), ({"Mn": 1, "O": 4}, -2, "manganate"),
    ({"Cr": 1, "O": 4}, -2, "chromate"), ({"Cr": 2, "O": 7}, -2, "dichromate"),
    ({"Cl": 1, "O": 1}, -1, "hypochlorite"), ({"Cl": 1, "O": 2}, -1, "chlorite"),
    ({"Cl": 1, "O": 3}, -1, "chlorate"), ({"Cl": 1, "O": 4}, -1, "perchlorate"),
    ({"Fe": 1, "O": 4}, -2, "ferrate(VI)"),
)

_GROUP = {}
for _els, _g in (
    ("H Li Na K Rb Cs Fr", 1), ("Be Mg Ca Sr Ba Ra", 2), ("Sc Y", 3), ("Ti Zr Hf Rf", 4),
    ("V Nb Ta Db", 5), ("Cr Mo W Sg", 6), ("Mn Tc Re Bh", 7), ("Fe Ru Os Hs", 8), ("Co Rh Ir Mt", 9),
    ("Ni Pd Pt Ds", 10), ("Cu Ag Au Rg", 11), ("Zn Cd Hg Cn", 12), ("B Al Ga In Tl Nh", 13),
    ("C Si Ge Sn Pb Fl", 14), ("N P As Sb Bi Mc", 15), ("O S Se Te Po Lv", 16),
    ("F Cl Br I At Ts", 17), ("He Ne Ar Kr Xe Rn Og", 18),
):
    for _e in _els.split():
        _GROUP[_e] = _g
_GROUP["D"] = _GROUP["T"] = 1
_NONMETAL_ANION = {"H": 1, "D": 1, "T": 1, "B": 3, "C": 4, "Si": 4, "Ge": 4, "N": 3, "P": 3, "As": 3,
                   "Sb": 3, "O": 2, "S": 2, "Se": 2, "Te": 2, "Po": 2, "F": 1, "Cl": 1, "Br": 1,
                   "I": 1, "At": 1}
_POLY = {(tuple(sorted(c.items())), q): name for c, q, name in POLYATOMIC if name}


def _max_cation(el: str) -> int:
    """Highest oxidation state as a bound on a monatomic cation's charge (Greenwood and
    Earnshaw: group number for groups 1-12 (at most 8), group - 10 for groups 13-18,
    4 for the lanthanides, 7 for the actinides)."""
    z = ATOMIC_NUMBER.get(el, 1 if el in ("D", "T") else 0)
    if el in ("D", "T"):
        return 1
    g = _GROUP.get(el)
    if g is None:  # lanthanides and actinides
        return 4 if 57 <= z <= 71 else 7
    bound = min(g, 8) if g <= 12 else g - 10
    if el == "F":
        bound = 1
    return min(bound, z)


def classify(composition, charge: int) -> tuple[str, str]:
    """How a reading stands: ``("known", name)``, ``("possible", "")`` or
    ``("impossible", why)``.

    Args:
        composition: ``{element: count}`` (or ``(element, count)`` pairs).
        charge: the net charge.

    Examples:
        >>> from solvers.reactions.ions import classify
        >>> classify({"N": 3}, -1), classify({"Cl": 1}, -2)[0], classify({"Fe": 1}, 3)
        (('known', 'azide'), 'impossible', ('known', ''))
    """
    comp = dict(composition)
    if len(comp) == 1:
        ((el, k),) = comp.items()
        if k == 1:
            if charge in MONATOMIC.get(el, ()):
                return "known", _ANION_NAMES.get((el, charge), "")
            if charge < 0:
                limit = 0 if _GROUP.get(el) == 18 else _NONMETAL_ANION.get(el, 1)
                if el == "Pt":
                    limit = 2
                if -charge > limit:
                    return "impossible", f"{el} takes at most {limit} extra electron(s)" if limit else \
                        f"{el} forms no anions"
            elif charge > _max_cation(el):
                return "impossible", f"{el} has no oxidation state above +{_max_cation(el)}"
            return "possible", ""
    name = _POLY.get((tuple(sorted(comp.items())), charge))
    if name is not None:
        return "known", name
    return "possible", ""


def ion_name(composition, charge: int) -> str:
    """The name of a known ion, or ``''``.

    Examples:
        >>> from solvers.reactions.ions import ion_name
        >>> ion_name({"I": 3}, -1)
        'triiodide'
    """
    kind, name = classify(composition, charge)
    return name if kind == "known" else ""
