"""Reaction networks: balance several reactions, the stoichiometric matrix, conservation laws.

The stoichiometric matrix ``N`` has one row per species and one column per reaction, with
the *net production* of the species (products positive, reactants negative). A
conservation law is a vector ``w`` with ``w^T N = 0``: the quantity ``sum_i w_i n_i`` is
invariant under every reaction. They form a lattice (the integer left nullspace of ``N``);
we return an LLL-reduced basis of it (Feinberg, *Foundations of Chemical Reaction Network
Theory*, 2019, ch. 3; Famili and Palsson, Biophys. J. 85 (2003) 16-26).

Examples:
    >>> from solvers.reactions import balance_network
    >>> net = balance_network(["H2 + O2 -> H2O", "H2O2 -> H2O + O2"])
    >>> net.species, net.matrix
    (('H2', 'O2', 'H2O', 'H2O2'), ((-2, 0), (-1, 1), (2, 2), (0, -2)))
    >>> net.conservation_laws()
    ({'H2': 1, 'H2O': 1, 'H2O2': 1}, {'H2': 1, 'O2': -2, 'H2O2': -1})
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from engine.errors import InvalidInputError, VerificationError
from solvers.reactions.balance import BalanceResult, balance
from solvers.reactions.lattice import kernel_basis, rank

__all__ = ["NetworkResult", "balance_network", "stoichiometric_matrix", "conservation_laws"]


@dataclass(frozen=True)
class NetworkResult:
    """A balanced reaction network.

    Attributes:
        equations: the input equations.
        reactions: the balance of each (verified).
        species: every species, in order of first appearance.
        matrix: stoichiometric matrix, rows ``species``, columns ``reactions``.
        rank: rank of ``matrix`` (number of independent reactions).
        conservation: integer basis of the conservation laws (vectors over ``species``).
    """

    equations: tuple[str, ...]
    reactions: tuple[BalanceResult, ...]
    species: tuple[str, ...]
    matrix: tuple[tuple[int, ...], ...]
    rank: int
    conservation: tuple[tuple[int, ...], ...]
    method: str = "exact"
    verified: bool = True

    def conservation_laws(self) -> tuple[dict[str, int], ...]:
        """Conservation laws as ``{species: weight}`` (zero weights left out)."""
        return tuple({s: w for s, w in zip(self.species, v, strict=False) if w} for v in self.conservation)

    def check(self) -> None:
        """Exact re-verification of every balance and every conservation law.

        Raises:
            VerificationError: if one fails.
        """
        for r in self.reactions:
            r.check()
        ncol = len(self.reactions)
        for w in self.conservation:
            for k in range(ncol):
                if sum(w[i] * self.matrix[i][k] for i in range(len(self.species))):
                    raise VerificationError(f"conservation law {w} fails for reaction {k}")
        if len(self.conservation) != len(self.species) - self.rank:
            raise VerificationError("wrong number of conservation laws")

    def to_json(self) -> dict:
        """JSON form."""
        return {
            "equations": list(self.equations),
            "reactions": [r.to_json() for r in self.reactions],
            "species": list(self.species),
            "matrix": [list(r) for r in self.matrix],
            "rank": self.rank,
            "conservation_laws": list(self.conservation_laws()),
        }


def _as_columns(reactions) -> list[dict[str, int]]:
    if reactions is None or isinstance(reactions, str | bytes | dict) or not hasattr(reactions, "__iter__"):
        raise InvalidInputError(
            f"reactions={reactions!r} must be a list of equation strings, BalanceResults or "
            f"{{species: coefficient}} dicts, e.g. ['N2 + H2 -> NH3']"
        )
    cols = []
    for r in reactions:
        if isinstance(r, str):
            r = balance(r)
        if isinstance(r, BalanceResult):
            col: dict[str, int] = {}
            for c, s in r.reactants:
                col[s] = col.get(s, 0) - c
            for c, s in r.products:
                col[s] = col.get(s, 0) + c
            cols.append(col)
        elif isinstance(r, dict):
            # balance_species convention: positive = reactant
            if not r:
                raise InvalidInputError("reaction {} is empty; give at least one species with a nonzero coefficient")
            for sp, c in r.items():
                if not isinstance(sp, str) or isinstance(c, bool) or not isinstance(c, int | np.integer) or c == 0:
                    raise InvalidInputError(
                        f"reaction {r!r}: entry {sp!r}: {c!r} must map a species string to a nonzero integer"
                    )
            cols.append({s: -int(c) for s, c in r.items()})
        else:
            raise InvalidInputError(
                f"reaction {r!r} is not an equation string, a BalanceResult or a dict"
            )
    return cols


def stoichiometric_matrix(reactions: Sequence) -> tuple[tuple[str, ...], tuple[tuple[int, ...], ...]]:
    """Species (first appearance order) and the net-production matrix of ``reactions``.

    Args:
        reactions: equation strings (balanced here), :class:`BalanceResult` objects, or
            ``{species: coefficient}`` dicts with reactants positive (as from
            :func:`~solvers.reactions.species.balance_species`).

    Raises:
        InvalidInputError: an empty list or an item of an unknown kind.

    Examples:
        >>> from solvers.reactions import stoichiometric_matrix
        >>> stoichiometric_matrix(["N2 + H2 -> NH3"])
        (('N2', 'H2', 'NH3'), ((-1,), (-3,), (2,)))
    """
    if not reactions:
        raise InvalidInputError("reactions is empty; give at least one reaction")
    cols = _as_columns(reactions)
    species: list[str] = []
    for col in cols:
        for s in col:
            if s not in species:
                species.append(s)
    matrix = tuple(tuple(col.get(s, 0) for col in cols) for s in species)
    return tuple(species), matrix


def conservation_laws(reactions: Sequence) -> tuple[dict[str, int], ...]:
    """Integer basis (LLL-reduced) of the conservation laws of a network.

    Raises:
        InvalidInputError: as :func:`stoichiometric_matrix`.

    Examples:
        >>> from solvers.reactions import conservation_laws
        >>> conservation_laws([{"A": 1, "B": -1}, {"B": 1, "C": -1}])
        ({'A': 1, 'B': 1, 'C': 1},)
    """
    species, N = stoichiometric_matrix(reactions)
    NT = [[N[i][k] for i in range(len(species))] for k in range(len(N[0]))]
    basis = kernel_basis(NT, len(species))
    return tuple({s: w for s, w in zip(species, v, strict=False) if w} for v in basis)


def balance_network(equations: Sequence[str], *, medium: str | None = None) -> NetworkResult:
    """Balance each equation and analyse the network they form.

    Args:
        equations: unbalanced equations.
        medium: passed to :func:`~solvers.reactions.balance.balance` for every equation.

    Returns:
        :class:`NetworkResult`, verified exactly.

    Raises:
        InvalidInputError: an empty list or an unparseable equation.
        InfeasibleError: an equation cannot be balanced (the message names it).

    Examples:
        >>> from solvers.reactions import balance_network
        >>> balance_network(["N2 + H2 -> NH3", "NH3 + O2 -> NO + H2O"]).rank
        2
    """
    if isinstance(equations, str) or not equations:
        raise InvalidInputError("equations must be a non-empty list of equation strings")
    results = []
    for i, e in enumerate(equations):
        try:
            results.append(balance(e, medium=medium))
        except InvalidInputError as exc:
            raise InvalidInputError(f"reaction #{i + 1}: {exc}") from None
    species, N = stoichiometric_matrix(results)
    NT = [[N[i][k] for i in range(len(species))] for k in range(len(results))]
    basis = kernel_basis(NT, len(species))
    res = NetworkResult(equations=tuple(equations), reactions=tuple(results), species=species,
                        matrix=N, rank=rank(NT, len(species)), conservation=basis)
    res.check()
    return res
