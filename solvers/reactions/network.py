"""Reaction networks: balance several reactions, the stoichiometric matrix, conservation laws.

The stoichiometric matrix ``N`` has one row per species and one column per reaction, with
the *net production* of the species (products positive, reactants negative). A
conservation law is a vector ``w`` with ``w^T N = 0``: the quantity ``sum_i w_i n_i`` is
invariant under every reaction. They form a lattice (the integer left nullspace of ``N``);
we return an LLL-reduced basis of it (Feinberg, *Foundations of Chemical Reaction Network
Theory*, 2019, ch. 3; Famili and Palsson, Biophys. J. 85 (2003) 16-26).

Species are identified by what they are, not by how they are spelled: composition, charge
and phase (``Fe3+`` and ``Fe^3+`` are one species, ``H2O(l)`` and ``H2O(g)`` two); the
first spelling met names the species. Keys of ``{species: coefficient}`` dicts that are not
formulas (``"A"``, ``"B"``) are names.

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

from engine._lazy import lazy_module
from engine.errors import InfeasibleError, InvalidInputError, VerificationError
from engine.results import Result
from solvers.reactions._json import json_guard
from solvers.reactions.balance import BalanceResult, balance
from solvers.reactions.lattice import kernel_basis, rank

np = lazy_module("numpy", globals(), "np")  # imported on first use: most balances never need it

__all__ = ["NetworkResult", "balance_network", "stoichiometric_matrix", "conservation_laws"]


@dataclass(frozen=True)
class NetworkResult(Result):
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
        """Exact re-verification of every balance and of the network built from them.

        Every balance is re-checked (:meth:`BalanceResult.check`); ``species`` and ``matrix``
        must be the stoichiometric matrix of those balances (recomputed), ``rank`` its rank;
        each conservation law must satisfy ``w^T N = 0``, and the laws must be
        ``len(species) - rank`` independent vectors spanning a saturated lattice (Smith form
        all ones), i.e. a basis of every integer conservation law.

        Raises:
            VerificationError: if one fails.
        """
        import flint

        for r in self.reactions:
            r.check()
        if len(self.equations) != len(self.reactions):
            raise VerificationError(
                f"{len(self.equations)} equations but {len(self.reactions)} balances")
        species, N = stoichiometric_matrix(self.reactions)
        if tuple(species) != tuple(self.species) or tuple(map(tuple, N)) != tuple(map(tuple, self.matrix)):
            raise VerificationError("matrix is not the stoichiometric matrix of the balances")
        ncol = len(self.reactions)
        NT = [[N[i][k] for i in range(len(species))] for k in range(ncol)]
        if rank(NT, len(species)) != self.rank:
            raise VerificationError(f"rank {self.rank} differs from the matrix's {rank(NT, len(species))}")
        for w in self.conservation:
            if len(w) != len(self.species):
                raise VerificationError(f"conservation law {w} has {len(w)} entries for {len(self.species)} species")
            for k in range(ncol):
                if sum(w[i] * self.matrix[i][k] for i in range(len(self.species))):
                    raise VerificationError(f"conservation law {w} fails for reaction {k}")
        if len(self.conservation) != len(self.species) - self.rank:
            raise VerificationError("wrong number of conservation laws")
        if self.conservation:
            C = flint.fmpz_mat([list(w) for w in self.conservation])
            if C.rank() != len(self.conservation):
                raise VerificationError("the conservation laws are linearly dependent")
            S = C.snf()
            if any(abs(int(S[i, i])) != 1 for i in range(len(self.conservation))):
                raise VerificationError(
                    "the conservation laws do not span every integer conservation law (their "
                    "lattice is not saturated)")

    def to_json(self) -> dict:
        """JSON form."""
        return {
            "equations": list(self.equations),
            "reactions": [r.to_json() for r in self.reactions],
            "species": list(self.species),
            "matrix": [list(r) for r in self.matrix],
            "rank": self.rank,
            "conservation_laws": list(self.conservation_laws()),
            "method": self.method,
            "verified": self.verified,
        }

    @classmethod
    @json_guard
    def from_json(cls, d: dict) -> NetworkResult:
        """Rebuild from :meth:`to_json` (the balances by :meth:`BalanceResult.from_json`)."""
        species = tuple(d["species"])
        return cls(
            equations=tuple(d["equations"]),
            reactions=tuple(BalanceResult.from_json(r) for r in d["reactions"]),
            species=species,
            matrix=tuple(tuple(int(c) for c in row) for row in d["matrix"]),
            rank=int(d["rank"]),
            conservation=tuple(tuple(int(law.get(s, 0)) for s in species) for law in d["conservation_laws"]),
            method=d.get("method", "exact"),
            verified=bool(d.get("verified", True)),
        )

    @classmethod
    def example(cls) -> NetworkResult:
        """Hydrogen combustion and peroxide decomposition, ``2 H2 + O2 -> 2 H2O`` and
        ``2 H2O2 -> 2 H2O + O2``: rank 2, so 4 - 2 = 2 conservation laws, H and O atoms
        (``H2 + H2O + H2O2`` and ``H2 - 2 O2 - H2O2`` after lattice reduction), computed by
        :func:`balance_network`.

        Examples:
            >>> from solvers.reactions.network import NetworkResult
            >>> NetworkResult.example().rank
            2
        """
        return balance_network(["H2 + O2 -> H2O", "H2O2 -> H2O + O2"])

    @classmethod
    def tampered(cls) -> NetworkResult:
        """:meth:`example` with one weight of the first conservation law changed."""
        import dataclasses

        r = cls.example()
        w = (r.conservation[0][0] + 1,) + r.conservation[0][1:]
        return dataclasses.replace(r, conservation=(w,) + r.conservation[1:])


def _species_key(text: str):
    """Identity of a species named in a network: its parsed key, or the name itself."""
    from solvers.reactions.formula import parse_species

    try:
        return parse_species(text).key
    except InvalidInputError:
        return ("name", text)


def _as_columns(reactions) -> list[dict]:
    """Each reaction as ``{key: net production}``, and the first spelling of each key in
    ``_as_columns.names`` (returned as the second item)."""
    if reactions is None or isinstance(reactions, str | bytes | dict) or not hasattr(reactions, "__iter__"):
        raise InvalidInputError(
            f"reactions={reactions!r} must be a list of equation strings, BalanceResults or "
            f"{{species: coefficient}} dicts, e.g. ['N2 + H2 -> NH3']"
        )
    cols = []
    names: dict = {}
    for i, r in enumerate(reactions):
        where = f"reaction #{i + 1}"
        if isinstance(r, str):
            r = _balance_named(r, i, None)
        if isinstance(r, BalanceResult):
            col: dict = {}
            sp = r.readings or tuple(_parse(s) for s in r.species)
            for j, (c, s, sign) in enumerate(zip(r.coefficients, sp, r.signs, strict=True)):
                k = s.key
                names.setdefault(k, r.species[j])
                col[k] = col.get(k, 0) - sign * c
            cols.append(col)
        elif isinstance(r, dict):
            # balance_species convention: positive = reactant
            if not r:
                raise InvalidInputError(f"{where} is an empty dict; give at least one species with a nonzero "
                                        "coefficient")
            col = {}
            for sp, c in r.items():
                if not isinstance(sp, str) or isinstance(c, bool) or not isinstance(c, int | np.integer) or c == 0:
                    raise InvalidInputError(
                        f"{where} {r!r}: entry {sp!r}: {c!r} must map a species string to a nonzero integer"
                    )
                k = _species_key(sp)
                names.setdefault(k, sp)
                col[k] = col.get(k, 0) - int(c)
            cols.append(col)
        else:
            raise InvalidInputError(
                f"{where} ({r!r}, of type {type(r).__name__}) is not an equation string, a BalanceResult or a "
                "dict"
            )
    return cols, names


def _parse(text):
    from solvers.reactions.formula import parse_species

    return parse_species(text)


def _balance_named(e, i: int, medium) -> BalanceResult:
    """:func:`balance`, with errors naming the reaction."""
    try:
        return balance(e, medium=medium)
    except InfeasibleError as exc:
        raise InfeasibleError(f"reaction #{i + 1} ({e!r}): {exc}", reason=exc.reason,
                              certificate=exc.certificate) from None
    except InvalidInputError as exc:
        raise InvalidInputError(f"reaction #{i + 1} ({e!r}): {exc}") from None


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
    if isinstance(reactions, str | bytes) or not hasattr(reactions, "__len__") or not reactions:
        raise InvalidInputError(f"reactions={reactions!r} must be a non-empty list of reactions, e.g. "
                                "['N2 + H2 -> NH3']")
    cols, names = _as_columns(reactions)
    keys: list = []
    for col in cols:
        for k in col:
            if k not in keys:
                keys.append(k)
    matrix = tuple(tuple(col.get(k, 0) for col in cols) for k in keys)
    out: list[str] = []
    for k in keys:  # one text read two ways (VO2+ as VO2^+ and VO^2+): name the second by its reading
        name = names[k]
        if name in out and k[0] != "name":
            name = _reading_name(k)
        out.append(name)
    return tuple(out), matrix


def _reading_name(key) -> str:
    from solvers.reactions.formula import Species, reading_text

    comp, charge, phase, is_e = key
    return reading_text(Species(text="", composition=comp, charge=charge, phase=phase, is_electron=is_e)) + (
        f"({phase})" if phase else "")


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
        InvalidInputError: not a non-empty list of strings, or an unparseable equation (the
            message names the reaction by its number and text).
        InfeasibleError: an equation cannot be balanced (the message names it).

    Examples:
        >>> from solvers.reactions import balance_network
        >>> balance_network(["N2 + H2 -> NH3", "NH3 + O2 -> NO + H2O"]).rank
        2
    """
    if isinstance(equations, str | bytes | dict) or not isinstance(equations, Sequence) or not equations:
        raise InvalidInputError(
            f"equations={equations!r} must be a non-empty list of equation strings, e.g. "
            "['N2 + H2 -> NH3', 'NH3 + O2 -> NO + H2O']")
    results = []
    for i, e in enumerate(equations):
        if not isinstance(e, str):
            raise InvalidInputError(f"reaction #{i + 1} ({e!r}, of type {type(e).__name__}) is not an equation "
                                    "string; pass e.g. 'N2 + H2 -> NH3'")
        results.append(_balance_named(e, i, medium))
    species, N = stoichiometric_matrix(results)
    NT = [[N[i][k] for i in range(len(species))] for k in range(len(results))]
    basis = kernel_basis(NT, len(species))
    res = NetworkResult(equations=tuple(equations), reactions=tuple(results), species=species,
                        matrix=N, rank=rank(NT, len(species)), conservation=basis)
    res.check()
    return res
