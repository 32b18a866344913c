"""The 118 chemical elements: symbols and atomic numbers.

Symbols follow IUPAC (2016 names for Nh, Mc, Ts, Og). The table is the only data the
formula parser needs; atomic masses are not used by balancing.

Examples:
    >>> from solvers.reactions.elements import ATOMIC_NUMBER, SYMBOLS
    >>> len(SYMBOLS), ATOMIC_NUMBER["Fe"], SYMBOLS[-1]
    (118, 26, 'Og')
"""

from __future__ import annotations

__all__ = ["SYMBOLS", "ATOMIC_NUMBER", "is_element"]

#: Element symbols in order of atomic number (index 0 is hydrogen, Z = 1).
SYMBOLS: tuple[str, ...] = tuple(
    """
    H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As
    Se Br Kr Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd
    Tb Dy Ho Er Tm Yb Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am
    Cm Bk Cf Es Fm Md No Lr Rf Db Sg Bh Hs Mt Ds Rg Cn Nh Fl Mc Lv Ts Og
    """.split()
)

#: Symbol -> atomic number.
ATOMIC_NUMBER: dict[str, int] = {s: z for z, s in enumerate(SYMBOLS, start=1)}

assert len(SYMBOLS) == 118 and len(ATOMIC_NUMBER) == 118


def is_element(symbol: str) -> bool:
    """Whether ``symbol`` is one of the 118 element symbols (case-sensitive).

    Examples:
        >>> from solvers.reactions.elements import is_element
        >>> is_element("Cl"), is_element("CL")
        (True, False)
    """
    return symbol in ATOMIC_NUMBER
