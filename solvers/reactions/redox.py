"""Redox helpers: half-reactions with electrons, in acidic or basic solution.

The species other than ``H+``, ``OH-``, ``H2O`` and ``e-`` are grouped into *couples*: two
species belong together when they share an element other than H and O (connected
components of that graph). Each couple is balanced on its own with the medium's species
and electrons free to join either side (:func:`~solvers.reactions.balance.balance_with_helpers`);
electrons on the product side make it the oxidation, on the reactant side the reduction.
This is the textbook ion-electron method (e.g. Atkins and Jones, *Chemical Principles*,
sec. K); it needs couples that share no element other than H and O, as in ionic equations.

Examples:
    >>> from solvers.reactions import half_reactions
    >>> h = half_reactions("MnO4- + Fe2+ -> Mn2+ + Fe3+", medium="acidic")
    >>> h.oxidation[0].text(), h.reduction[0].text(), h.electrons
    ('Fe2+ -> Fe3+ + e-', 'MnO4- + 8 H+ + 5 e- -> Mn2+ + 4 H2O', 5)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from engine.errors import InvalidInputError, VerificationError
from solvers.reactions.balance import MEDIA, BalanceResult, result_from_vector
from solvers.reactions.equation import Equation, parse_equation
from solvers.reactions.formula import parse_species
from solvers.reactions.lattice import composition_matrix, kernel_basis

__all__ = ["HalfReactions", "half_reactions"]

_HELPER_KEYS = {((("H", 1),), 1), ((("O", 1), ("H", 1)), -1), ((("H", 2), ("O", 1)), 0),
                ((("H", 1), ("O", 1)), -1), ((("H", 3), ("O", 1)), 1)}


@dataclass(frozen=True)
class HalfReactions:
    """Oxidation and reduction half-reactions and the overall balanced equation.

    Attributes:
        equation: the input text.
        medium: ``"acidic"``, ``"basic"`` or ``None``.
        oxidation: half-reactions losing electrons (``e-`` among the products).
        reduction: half-reactions gaining electrons (``e-`` among the reactants).
        electrons: electrons transferred in the overall reaction (lcm of the half-reaction
            electron counts when there is one couple of each).
        overall: the overall balance (with the medium).
    """

    equation: str
    medium: str | None
    oxidation: tuple[BalanceResult, ...]
    reduction: tuple[BalanceResult, ...]
    electrons: int
    overall: BalanceResult
    method: str = "ion-electron"
    verified: bool = True

    def check(self) -> None:
        """Re-verify every half-reaction and the overall balance exactly.

        Raises:
            VerificationError: if one fails or an electron is on the wrong side.
        """
        for r in self.oxidation + self.reduction + (self.overall,):
            r.check()
        for r in self.oxidation:
            if not any(s in ("e-", "e") for _, s in r.products):
                raise VerificationError("an oxidation must release electrons")
        for r in self.reduction:
            if not any(s in ("e-", "e") for _, s in r.reactants):
                raise VerificationError("a reduction must take electrons")

    def to_json(self) -> dict:
        """JSON form."""
        return {
            "equation": self.equation,
            "medium": self.medium,
            "oxidation": [r.to_json() for r in self.oxidation],
            "reduction": [r.to_json() for r in self.reduction],
            "electrons": self.electrons,
            "overall": self.overall.to_json(),
            "method": self.method,
        }

    def __str__(self) -> str:
        lines = [f"oxidation: {r.text()}" for r in self.oxidation]
        lines += [f"reduction: {r.text()}" for r in self.reduction]
        lines.append(f"overall ({self.electrons} e-): {self.overall.text()}")
        return "\n".join(lines)


def _is_helper(sp) -> bool:
    return sp.is_electron or (sp.composition, sp.charge) in _HELPER_KEYS


def half_reactions(equation: str | Equation, *, medium: str | None = None) -> HalfReactions:
    """Split a redox equation into its oxidation and reduction half-reactions.

    Args:
        equation: the (unbalanced) redox equation; ``H+``, ``OH-``, ``H2O`` and ``e-`` may
            be omitted.
        medium: ``"acidic"`` or ``"basic"``; by default basic if ``OH-`` is written,
            acidic if H or O occurs, else no medium.

    Returns:
        :class:`HalfReactions`, verified.

    Raises:
        InvalidInputError: the equation is not a redox equation that splits into couples
            (no electron transfer, or a couple on one side only).
        InfeasibleError: a half-reaction cannot be balanced.

    Examples:
        >>> from solvers.reactions import half_reactions
        >>> print(half_reactions("Cu + Ag+ -> Cu2+ + Ag"))
        oxidation: Cu -> Cu2+ + 2 e-
        reduction: Ag+ + e- -> Ag
        overall (2 e-): Cu + 2 Ag+ -> Cu2+ + 2 Ag
    """
    eq = equation if isinstance(equation, Equation) else parse_equation(equation)
    core_r = [s for s in eq.reactants if not _is_helper(s)]
    core_p = [s for s in eq.products if not _is_helper(s)]
    if medium is None:
        if any(s.charge == -1 and s.counts == {"O": 1, "H": 1} for s in eq.species):
            medium = "basic"
        elif any(el in ("H", "O") for s in core_r + core_p for el, _ in s.composition):
            medium = "acidic"
    elif medium not in MEDIA:
        raise InvalidInputError(f"medium={medium!r} is not supported; use 'acidic' or 'basic'")
    core = [(s, 1) for s in core_r] + [(s, -1) for s in core_p]
    n = len(core)
    parent = list(range(n))

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for i in range(n):
        ei = {el for el, _ in core[i][0].composition} - {"H", "O"}
        for j in range(i + 1, n):
            ej = {el for el, _ in core[j][0].composition} - {"H", "O"}
            if ei & ej or (not ei and not ej):
                parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    helper_texts = (MEDIA[medium] if medium else ()) + ("e-",)
    ox, red = [], []
    for members in sorted(groups.values()):
        left = tuple(core[i][0] for i in members if core[i][1] > 0)
        right = tuple(core[i][0] for i in members if core[i][1] < 0)
        names = ", ".join(core[i][0].text for i in members)
        if not left or not right:
            raise InvalidInputError(
                f"cannot split '{eq.text}' into half-reactions: the couple ({names}) has species "
                "on one side only; write both forms of each redox couple"
            )
        r = _half(left, right, helper_texts, medium, names, eq.text)
        e_left = any(s in ("e-", "e") for _, s in r.reactants)
        e_right = any(s in ("e-", "e") for _, s in r.products)
        if e_right:
            ox.append(r)
        elif e_left:
            red.append(r)
        else:
            raise InvalidInputError(
                f"the couple ({names}) in '{eq.text}' exchanges no electrons, so the equation "
                "does not split into oxidation and reduction; balance it with balance() instead"
            )
    if not ox or not red:
        raise InvalidInputError(
            f"'{eq.text}' has no {'oxidation' if not ox else 'reduction'} half-reaction; "
            "check that both redox couples are written"
        )
    overall = _combine(eq, ox, red, medium)
    e_counts = [_electrons(r) for r in ox + red]
    electrons = 1
    for k in e_counts:
        electrons = electrons * k // math.gcd(electrons, k)
    res = HalfReactions(equation=eq.text, medium=medium, oxidation=tuple(ox), reduction=tuple(red),
                        electrons=electrons, overall=overall)
    res.check()
    return res


def _half(left, right, helper_texts, medium, names, text) -> BalanceResult:
    """Ion-electron balance of one couple: the couple's own atoms (other than H and O; O if
    it has no other) fix its coefficients; then H2O, H+ / OH- and e- follow."""
    core = list(left) + list(right)
    signs = [1] * len(left) + [-1] * len(right)
    els = [el for s in core for el, _ in s.composition if el not in ("H", "O")]
    rows_of = list(dict.fromkeys(els)) or ["O"]
    labels, M = composition_matrix(core, signs)
    sub = [M[labels.index(el)] for el in rows_of if el in labels]
    K = kernel_basis(sub, len(core)) if sub else ()
    if len(K) != 1 or not (all(a > 0 for a in K[0]) or all(a < 0 for a in K[0])):
        raise InvalidInputError(
            f"cannot balance the couple ({names}) of '{text}' on its own atoms; "
            "use balance(..., medium=...) for the whole equation"
        )
    c = [abs(a) for a in K[0]]
    helpers = [parse_species(h) for h in helper_texts]
    combined = [sum(signs[j] * c[j] * dict(core[j].composition).get(el, 0) for j in range(len(core)))
                for el in ("H", "O")] + [sum(signs[j] * c[j] * core[j].charge for j in range(len(core)))]

    def vec(sp):
        d = dict(sp.composition)
        return [d.get("H", 0), d.get("O", 0), sp.charge]

    cols = [combined] + [vec(h) for h in helpers]
    A = [[cols[k][i] for k in range(len(cols))] for i in range(3)]
    Kh = kernel_basis(A, len(cols))
    Kh = [v for v in Kh]
    if len(Kh) != 1 or Kh[0][0] == 0:
        raise InvalidInputError(f"the couple ({names}) of '{text}' has no unique half-reaction")
    v = Kh[0] if Kh[0][0] > 0 else tuple(-a for a in Kh[0])
    k = v[0]
    L = [s for s in left]
    R = [s for s in right]
    coefL = [k * c[j] for j in range(len(left))]
    coefR = [k * c[len(left) + j] for j in range(len(right))]
    added = []
    for h, a in zip(helpers, v[1:], strict=False):
        if a > 0:
            L.append(h)
            coefL.append(a)
            added.append(h.text)
        elif a < 0:
            R.append(h)
            coefR.append(-a)
            added.append(h.text)
    t = f"{' + '.join(s.text for s in left)} -> {' + '.join(s.text for s in right)}"
    return result_from_vector(t, L, R, coefL + coefR, medium=medium, added=added)


def _combine(eq, ox, red, medium) -> BalanceResult:
    """Overall equation: electrons cancelled, species on both sides netted."""
    e_total = 1
    for r in ox + red:
        k = _electrons(r)
        e_total = e_total * k // math.gcd(e_total, k)
    net: dict = {}
    order: list = []
    spmap: dict = {}
    for r in ox + red:
        mult = e_total // _electrons(r)
        for j, (c, sp) in enumerate(zip(r.coefficients, r.parsed, strict=False)):
            key = (sp.composition, sp.charge, sp.is_electron)
            if key not in net:
                net[key] = 0
                order.append(key)
                spmap[key] = sp
            net[key] += (1 if j < r.n_reactants else -1) * mult * c
    # keep the species as written in the equation where possible
    written = {(s.composition, s.charge, s.is_electron): s for s in eq.species}
    left = [written.get(k, spmap[k]) for k in order if net[k] > 0]
    right = [written.get(k, spmap[k]) for k in order if net[k] < 0]
    coefs = [net[k] for k in order if net[k] > 0] + [-net[k] for k in order if net[k] < 0]
    # reorder: reactants as written first, then added species; same for products
    def _key(sp):
        idx = [i for i, s in enumerate(eq.species) if s is sp]
        return idx[0] if idx else len(eq.species)
    pl = sorted(zip(left, coefs[: len(left)], strict=False), key=lambda t: _key(t[0]))
    pr = sorted(zip(right, coefs[len(left):], strict=False), key=lambda t: _key(t[0]))
    added = [s.text for s, _ in pl + pr if _key(s) == len(eq.species)]
    return result_from_vector(eq.text, [s for s, _ in pl], [s for s, _ in pr],
                              [c for _, c in pl] + [c for _, c in pr], medium=medium, added=added)


def _electrons(r: BalanceResult) -> int:
    for c, s in r.reactants + r.products:
        if s in ("e-", "e"):
            return c
    return 0  # pragma: no cover
