"""Chemical reaction balancing: exact, complete, and honest about impossibility.

Parse formulas (118 elements, nested groups, hydrates, charges, phases, electrons), balance
equations over the integers (unique balance, canonical minimum-sum balance, lattice basis
of all balances), enumerate the elementary reactions of a species list, balance redox
equations in acidic or basic solution and split them into half-reactions, analyse
reaction networks (stoichiometric matrix, conservation laws), and render text, LaTeX and
JSON. Impossible input raises :class:`engine.errors.InfeasibleError` with the reason.

Examples:
    >>> from solvers.reactions import balance, balance_species
    >>> balance("KMnO4 + HCl -> KCl + MnCl2 + Cl2 + H2O").coefficients
    (2, 16, 2, 2, 5, 8)
    >>> len(balance_species(["Cu", "HNO3", "Cu(NO3)2", "NO", "NO2", "H2O"]))
    4
"""

from solvers.reactions.balance import MEDIA, BalanceResult, balance, balance_parsed
from solvers.reactions.elements import ATOMIC_NUMBER, SYMBOLS
from solvers.reactions.equation import Equation, parse_equation
from solvers.reactions.formula import Species, parse_species
from solvers.reactions.network import (
    NetworkResult,
    balance_network,
    conservation_laws,
    stoichiometric_matrix,
)
from solvers.reactions.redox import HalfReactions, dissociate, half_reactions
from solvers.reactions.species import ElementaryReactions, balance_species, elementary_reactions

__all__ = [
    # parsing
    "SYMBOLS",
    "ATOMIC_NUMBER",
    "Species",
    "parse_species",
    "Equation",
    "parse_equation",
    # balancing
    "BalanceResult",
    "balance",
    "balance_parsed",
    "MEDIA",
    "balance_species",
    "elementary_reactions",
    "ElementaryReactions",
    # redox
    "half_reactions",
    "dissociate",
    "HalfReactions",
    # networks
    "balance_network",
    "stoichiometric_matrix",
    "conservation_laws",
    "NetworkResult",
]
