"""Redox helpers: half-reactions with electrons, in acidic or basic solution.

Method (the ion-electron method; Atkins and Jones, *Chemical Principles*, sec. K; Zumdahl,
*Chemistry*, sec. 4.10 / 18.1):

1. **Ionic equations as written.** The species other than ``H+``, ``OH-``, ``H2O`` and
   ``e-`` are grouped into *couples*: two species belong together when they share an
   element other than H and O (connected components of that graph); a species of H and O
   only (``H2O2``, ``O2``, ``H2``) joins one on the other side, and ``H2`` or ``O2`` alone
   pairs with the medium's ``H+`` / ``H2O``. Each couple is balanced on its own atoms
   (other than H and O), then H2O, ``H+`` (acidic) or ``OH-`` (basic) and ``e-`` are added
   (:func:`_half`): electrons among the products make it the oxidation, among the
   reactants the reduction. A couple of one species and several forms on the other side
   (``Cl2 -> Cl- + ClO3-``) is a disproportionation and splits into one half per form.
2. **Molecular equations** (``KMnO4 + HCl -> KCl + MnCl2 + Cl2 + H2O``) are first
   rewritten in ions (:func:`dissociate`: salts, strong acids and strong bases; KMnO4 ->
   K+ + MnO4-, HCl -> H+ + Cl-, Cu(NO3)2 -> Cu2+ + 2 NO3-). An ion found on both sides
   (K+, Cl-, NO3-, SO4^2-) is either a spectator or takes part on one side; the choices
   are tried in a fixed order (spectator first) and the first whose couples split as in
   step 1 *and* lift back is taken. *Lifting*: the molecular balance ``x`` whose ions net
   to a positive multiple of the sum of the two halves (electrons cancelled), the medium's
   species allowed on either side, with the smallest total (an exact integer program,
   :func:`~solvers.reactions.canonical.min_sum_balance`). The result keeps the net ionic
   equation in ``ionic`` and the molecular balance in ``overall``.

Every answer is verified exactly (:meth:`HalfReactions.check`): each half conserves every
element and the charge with electrons on the right side, the halves add up (electrons
cancelled) to a multiple of the ionic equation, and ``overall`` is a balance of the
equation as written whose ions net to that multiple.

Limits (each raises :class:`~engine.errors.InvalidInputError` saying why): an equation
with no electron transfer; several oxidations or several reductions (``Cu + HNO3 ->
Cu(NO3)2 + NO + NO2 + H2O``: the NO : NO2 ratio is not fixed by the electrons); a couple
whose own atoms balance in several ways; a species that is oxidised and reduced into a
form shared with water only (``H2O2 -> H2O + O2``); salts outside the ion table of
:func:`dissociate` (the species then stays whole, which often still works, as for
``[Cr(N2H4CO)6]4[Cr(CN)6]3``); more than six ions on both sides.

Examples:
    >>> from solvers.reactions import half_reactions
    >>> h = half_reactions("MnO4- + Fe2+ -> Mn2+ + Fe3+", medium="acidic")
    >>> h.oxidation[0].text(), h.reduction[0].text(), h.electrons
    ('Fe2+ -> Fe3+ + e-', 'MnO4- + 8 H+ + 5 e- -> Mn2+ + 4 H2O', 5)
    >>> print(half_reactions("Cu + HNO3 -> Cu(NO3)2 + NO + H2O"))
    oxidation: Cu -> Cu2+ + 2 e-
    reduction: NO3- + 4 H+ + 3 e- -> NO + 2 H2O
    ionic (6 e-): 3 Cu + 2 NO3- + 8 H+ -> 3 Cu2+ + 2 NO + 4 H2O
    overall: 3 Cu + 8 HNO3 -> 3 Cu(NO3)2 + 2 NO + 4 H2O
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass

from engine.errors import InfeasibleError, InvalidInputError, VerificationError
from engine.results import Result
from solvers.reactions._json import json_guard
from solvers.reactions.balance import MEDIA, BalanceResult, result_from_vector
from solvers.reactions.equation import Equation, parse_equation
from solvers.reactions.formula import Species, parse_species
from solvers.reactions.lattice import composition_matrix, kernel_basis

__all__ = ["HalfReactions", "half_reactions", "dissociate"]

_HELPER_KEYS = {((("H", 1),), 1), ((("O", 1), ("H", 1)), -1), ((("H", 2), ("O", 1)), 0),
                ((("H", 1), ("O", 1)), -1), ((("H", 3), ("O", 1)), 1)}


@dataclass(frozen=True)
class HalfReactions(Result):
    """Oxidation and reduction half-reactions and the overall balanced equation.

    Attributes:
        equation: the input text.
        medium: ``"acidic"``, ``"basic"`` or ``None``.
        oxidation: half-reactions losing electrons (``e-`` among the products).
        reduction: half-reactions gaining electrons (``e-`` among the reactants).
        electrons: electrons transferred in the overall (ionic) reaction: the lcm of the
            two halves' electron counts.
        overall: the overall balance of the equation as written (with the medium); its
            ``ion_electron`` (or ``coefficients`` when unique) is the sum of the halves.
        method: ``"ion-electron"`` (the couples as written) or ``"ion-electron
            (dissociated)"`` (a molecular equation, split through its ions).
        ionic: for the dissociated method, the net ionic equation that the halves add up
            to (spectator ions cancelled); ``overall`` dissociates into a multiple of it.
        warnings: as :attr:`BalanceResult.warnings <solvers.reactions.balance.BalanceResult>`:
            a species text read several ways under which the equation splits (the other
            reading and its overall balance are named).
    """

    equation: str
    medium: str | None
    oxidation: tuple[BalanceResult, ...]
    reduction: tuple[BalanceResult, ...]
    electrons: int
    overall: BalanceResult
    method: str = "ion-electron"
    verified: bool = True
    ionic: BalanceResult | None = None
    warnings: tuple[str, ...] = ()

    def check(self) -> None:
        """Re-verify every half-reaction and the overall balance exactly.

        Each balance is re-checked (:meth:`BalanceResult.check`), electrons must be released
        by every oxidation and taken by every reduction, ``electrons`` must be the lcm of the
        halves' electron counts, and the halves (scaled to that lcm, electrons cancelled)
        must add up to a positive multiple of the ionic equation (of ``overall``, or of
        ``ionic`` into which ``overall`` dissociates).

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
        if not self.oxidation or not self.reduction:
            raise VerificationError("need an oxidation and a reduction")
        e = _lcm_electrons(self.oxidation + self.reduction)
        if self.electrons != e:
            raise VerificationError(
                f"electrons={self.electrons}, but the half-reactions transfer lcm = {e} electrons")
        halves = _halves_net(self.oxidation, self.reduction)
        if self.ionic is None:
            if not _proportional(_net([self.overall], [_vector(self.overall)]), halves):
                raise VerificationError("the half-reactions do not add up to the overall balance")
        else:
            self.ionic.check()
            if not _proportional(_net([self.ionic], [_vector(self.ionic)]), halves):
                raise VerificationError("the half-reactions do not add up to the ionic equation")
            if not _proportional(_dissociated_net(self.overall, _vector(self.overall)), halves):
                raise VerificationError(
                    "the overall balance does not dissociate into a multiple of the half-reactions")

    def to_json(self) -> dict:
        """JSON form."""
        return {
            "equation": self.equation,
            "medium": self.medium,
            "oxidation": [r.to_json() for r in self.oxidation],
            "reduction": [r.to_json() for r in self.reduction],
            "electrons": self.electrons,
            "overall": self.overall.to_json(),
            "ionic": None if self.ionic is None else self.ionic.to_json(),
            "method": self.method,
            "verified": self.verified,
            "warnings": list(self.warnings),
        }

    @classmethod
    @json_guard
    def from_json(cls, d: dict) -> HalfReactions:
        """Rebuild from :meth:`to_json` (each balance by :meth:`BalanceResult.from_json`)."""
        return cls(
            equation=d["equation"],
            medium=d.get("medium"),
            oxidation=tuple(BalanceResult.from_json(r) for r in d["oxidation"]),
            reduction=tuple(BalanceResult.from_json(r) for r in d["reduction"]),
            electrons=int(d["electrons"]),
            overall=BalanceResult.from_json(d["overall"]),
            method=d.get("method", "ion-electron"),
            verified=bool(d.get("verified", True)),
            ionic=None if d.get("ionic") is None else BalanceResult.from_json(d["ionic"]),
            warnings=tuple(str(w) for w in d.get("warnings", ())),
        )

    @classmethod
    def example(cls) -> HalfReactions:
        """Permanganate oxidising iron(II) in acid: ``Fe2+ -> Fe3+ + e-`` and
        ``MnO4- + 8 H+ + 5 e- -> Mn2+ + 4 H2O``, 5 electrons, overall
        ``MnO4- + 5 Fe2+ + 8 H+ -> Mn2+ + 5 Fe3+ + 4 H2O`` (the textbook ion-electron
        example, Zumdahl, *Chemistry*, sec. 4.10), computed by :func:`half_reactions`.

        Examples:
            >>> from solvers.reactions.redox import HalfReactions
            >>> HalfReactions.example().electrons
            5
        """
        return half_reactions("MnO4- + Fe2+ -> Mn2+ + Fe3+", medium="acidic")

    @classmethod
    def tampered(cls) -> HalfReactions:
        """:meth:`example` claiming 6 electrons transferred instead of 5."""
        import dataclasses

        return dataclasses.replace(cls.example(), electrons=6)

    def __str__(self) -> str:
        lines = [f"oxidation: {r.text()}" for r in self.oxidation]
        lines += [f"reduction: {r.text()}" for r in self.reduction]
        if self.ionic is not None:
            lines.append(f"ionic ({self.electrons} e-): {self.ionic.ion_electron_text()}")
            lines.append(f"overall: {self.overall.ion_electron_text()}")
        else:
            lines.append(f"overall ({self.electrons} e-): {self.overall.ion_electron_text()}")
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def _is_helper(sp) -> bool:
    return sp.is_electron or (sp.composition, sp.charge) in _HELPER_KEYS


def half_reactions(equation: str | Equation, *, medium: str | None = None) -> HalfReactions:
    """Split a redox equation into its oxidation and reduction half-reactions.

    Ionic equations are split as written; molecular ones (salts, strong acids and bases)
    through their ions, with the net ionic equation in ``ionic`` and the molecular balance
    in ``overall`` (see the module docstring for the method and its limits).

    Args:
        equation: the (unbalanced) redox equation, ionic or molecular; ``H+``, ``OH-``,
            ``H2O`` and ``e-`` may be omitted.
        medium: ``"acidic"`` or ``"basic"``; by default basic if ``OH-`` is written (or a
            strong base such as KOH, for a molecular equation), acidic if H or O occurs,
            else no medium.

    Returns:
        :class:`HalfReactions`, verified.

    Raises:
        InvalidInputError: the equation is not a redox equation that splits into one
            oxidation and one reduction (no electron transfer, a couple on one side only,
            an ambiguous couple, several oxidations or reductions; the message says
            which), or ``medium`` is unknown.
        InfeasibleError: a half-reaction cannot be balanced.

    Examples:
        >>> from solvers.reactions import half_reactions
        >>> print(half_reactions("Cu + Ag+ -> Cu2+ + Ag"))
        oxidation: Cu -> Cu2+ + 2 e-
        reduction: Ag+ + e- -> Ag
        overall (2 e-): Cu + 2 Ag+ -> Cu2+ + 2 Ag
        >>> h = half_reactions("KMnO4 + HCl -> KCl + MnCl2 + Cl2 + H2O")
        >>> [r.text() for r in h.oxidation + h.reduction]
        ['2 Cl- -> Cl2 + 2 e-', 'MnO4- + 8 H+ + 5 e- -> Mn2+ + 4 H2O']
        >>> h.overall.text()
        '2 KMnO4 + 16 HCl -> 2 KCl + 2 MnCl2 + 5 Cl2 + 8 H2O'
    """
    if medium is not None and (not isinstance(medium, str) or medium not in MEDIA):
        raise InvalidInputError(f"medium={medium!r} is not supported; use 'acidic', 'basic' or None")
    if not isinstance(equation, (str, Equation)):
        raise InvalidInputError(
            f"equation={equation!r} (of type {type(equation).__name__}) is not an equation string; "
            "pass e.g. 'Cu + HNO3 -> Cu(NO3)2 + NO + H2O'")
    eq = equation if isinstance(equation, Equation) else parse_equation(equation)
    alts = eq.alternatives()
    if all(len(a) == 1 for a in alts):
        return _half_one(eq, medium)
    import dataclasses

    from solvers.reactions.balance import resolve_readings

    best, warnings = resolve_readings(
        eq, alts, lambda e: _half_one(e, medium), catch=(InvalidInputError, InfeasibleError),
        total=lambda h: sum(_vector(h.overall)), text=lambda h: h.overall.ion_electron_text())
    return dataclasses.replace(best, warnings=tuple(warnings))


def _half_one(eq: Equation, medium: str | None) -> HalfReactions:
    """:func:`half_reactions` for one reading of every species."""
    mol_exc = None
    if any(len(dissociate(s)) > 1 for s in eq.species):
        try:
            return _split_molecular(eq, medium)
        except (InvalidInputError, InfeasibleError) as exc:
            mol_exc = exc
    try:
        ox, red, med = _split_ionic(eq, medium)
    except (InvalidInputError, InfeasibleError) as exc:
        if mol_exc is None:
            raise
        raise InvalidInputError(f"{mol_exc}; and as written: {exc}") from None
    overall = _combine(eq, ox, red, med)
    res = HalfReactions(equation=eq.text, medium=med, oxidation=tuple(ox), reduction=tuple(red),
                        electrons=_lcm_electrons(ox + red), overall=overall)
    res.check()
    return res


def _auto_medium(species) -> str | None:
    if any(s.charge == -1 and s.counts == {"O": 1, "H": 1} for s in species):
        return "basic"
    if any(el in ("H", "O") for s in species if not _is_helper(s) for el, _ in s.composition):
        return "acidic"
    return None


def _lcm_electrons(halves) -> int:
    electrons = 1
    for r in halves:
        k = _electrons(r)
        electrons = electrons * k // math.gcd(electrons, k)
    return electrons


def _split_ionic(eq: Equation, medium: str | None):
    """Couples of the equation as written; ``(oxidations, reductions, medium)``."""
    core_r = [s for s in eq.reactants if not _is_helper(s)]
    core_p = [s for s in eq.products if not _is_helper(s)]
    if medium is None:
        medium = _auto_medium(eq.species)
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
            # shared element; or H2O2 -> O2 style (H/O only, opposite sides)
            if ei & ej or (not ei and not ej and core[i][1] != core[j][1]):
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
        h_or_o = len(members) == 1 and medium is not None and not (
            {el for el, _ in core[members[0]][0].composition} - {"H", "O"})
        if (not left or not right) and not h_or_o:
            raise InvalidInputError(
                f"cannot split '{eq.text}' into half-reactions: the couple ({names}) has species "
                "on one side only; write both forms of each redox couple"
            )
        try:
            halves = [_half(left, right, helper_texts, medium, names, eq.text)]
        except InvalidInputError:
            # disproportionation (Cl2 -> Cl- + ClO3-): one species, several forms on the
            # other side; one half per form, accepted when they go opposite ways
            if not (len(left) == 1 < len(right) or len(right) == 1 < len(left)):
                raise
            src, forms = (left, right) if len(left) == 1 else (right, left)
            try:
                halves = [_half(src, (f,), helper_texts, medium, names, eq.text) if src is left
                          else _half((f,), src, helper_texts, medium, names, eq.text) for f in forms]
            except InvalidInputError:
                halves = []
            kinds = {_direction(r) for r in halves}
            if len(halves) != 2 or kinds != {"ox", "red"}:
                raise
        for r in halves:
            d = _direction(r)
            if d == "ox":
                ox.append(r)
            elif d == "red":
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
    if len(ox) > 1 or len(red) > 1:
        many = "oxidations" if len(ox) > 1 else "reductions"
        raise InvalidInputError(
            f"'{eq.text}' splits into {len(ox)} oxidation(s) and {len(red)} reduction(s): with "
            f"several {many} the electron balance does not fix their ratio, so the overall "
            "reaction is not determined by half-reactions; split it into separate equations"
        )
    return ox, red, medium


def _direction(r: BalanceResult) -> str | None:
    if any(s in ("e-", "e") for _, s in r.products):
        return "ox"
    if any(s in ("e-", "e") for _, s in r.reactants):
        return "red"
    return None


def _half(left, right, helper_texts, medium, names, text) -> BalanceResult:
    """Ion-electron balance of one couple: the couple's own atoms (other than H and O; O if
    it has no other) fix its coefficients; then H2O, H+ / OH- and e- follow."""
    core = list(left) + list(right)
    signs = [1] * len(left) + [-1] * len(right)
    els = [el for s in core for el, _ in s.composition if el not in ("H", "O")]
    rows_of = list(dict.fromkeys(els)) or ["O"]
    labels, M = composition_matrix(core, signs)
    sub = [M[labels.index(el)] for el in rows_of if el in labels]
    # H2 or O2 alone (partner H+ or H2O is the medium's): one of it
    K = ((1,),) if len(core) == 1 and not els else kernel_basis(sub, len(core)) if sub else ()
    if len(K) > 1:
        raise InvalidInputError(
            f"the couple ({names}) of '{text}' is ambiguous: its own atoms balance in "
            f"{len(K)} independent ways (e.g. one element with several oxidised or reduced "
            "forms), so the split into half-reactions is not determined; write one "
            "equation per product"
        )
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


# --- molecular equations: dissociate salts, strong acids and strong bases into ions -----------

#: Anions recognised in salts (a formula = cations + one kind of these anions).
_ANIONS = (
    "F-", "Cl-", "Br-", "I-", "OH-", "CN-", "SCN-", "NO3-", "NO2-", "SO4^2-", "SO3^2-",
    "S2O3^2-", "S2O8^2-", "S4O6^2-", "PO4^3-", "CO3^2-", "C2O4^2-", "CH3COO-", "ClO-",
    "ClO2-", "ClO3-", "ClO4-", "BrO3-", "IO3-", "IO4-", "MnO4-", "MnO4^2-", "CrO4^2-",
    "Cr2O7^2-", "AsO4^3-", "AsO3^3-", "SiO3^2-", "H2PO2-", "Fe(CN)6^4-", "Fe(CN)6^3-",
)
#: Anions of the strong acids, the only acids ``H_k A`` written as ``k H+ + A``.
_STRONG_ACID = {"Cl-", "Br-", "I-", "NO3-", "SO4^2-", "ClO4-", "ClO3-", "MnO4-", "BrO3-"}
_NONMETALS = {"H", "He", "B", "C", "N", "O", "F", "Ne", "Si", "P", "S", "Cl", "Ar", "As", "Se",
              "Br", "Kr", "Te", "I", "Xe", "At", "Rn", "Ge", "Sb"}
_GROUP1 = {"Li", "Na", "K", "Rb", "Cs", "Fr"}
_GROUP2 = {"Be", "Mg", "Ca", "Sr", "Ba", "Ra"}
_FIXED_CHARGE = {**{m: 1 for m in _GROUP1}, **{m: 2 for m in _GROUP2}, "Al": 3, "Ag": 1, "Zn": 2}
_MAX_FREE = 6
_anion_cache: list = []


def _anions():
    if not _anion_cache:
        for t in _ANIONS:
            sp = parse_species(t)
            _anion_cache.append((t, dict(sp.composition), sp.charge))
    return _anion_cache


def _cation_text(el: str, q: int) -> str:
    return f"{el}+" if q == 1 else f"{el}{q}+"


def _cations(rem: dict, charge: int, anion: str):
    """The cations making up ``rem`` with total charge ``charge``, or ``None``."""
    rem = dict(rem)
    if set(rem) <= {"N", "H"} and "N" in rem:  # ammonium (and hydrogen) salts
        k, h = rem["N"], rem.get("H", 0) - 4 * rem["N"]
        if h < 0 or k + h != charge:
            return None
        return [("NH4+", k)] + ([("H+", h)] if h else [])
    h = rem.pop("H", 0)
    if not rem:  # an acid
        if anion not in _STRONG_ACID or h != charge:
            return None
        return [("H+", h)]
    if len(rem) != 1:
        return None
    (m, a), = rem.items()
    if m in _NONMETALS:
        return None
    if anion == "OH-" and m not in _GROUP1 | _GROUP2:  # only the strong bases dissociate
        return None
    left = charge - h
    if left <= 0 or left % a:
        return None
    q = left // a
    if q != _FIXED_CHARGE.get(m, q) or q > 4:
        return None
    return [(_cation_text(m, q), a)] + ([("H+", h)] if h else [])


def dissociate(sp) -> tuple[tuple[object, int], ...]:
    """Ions of a neutral salt, strong acid or strong base: ``((Species, count), ...)``.

    A formula is split when it is, in exactly one way, a whole number of one anion of
    ``_ANIONS`` plus cations: one metal (alkali metals +1, alkaline-earth metals +2, Al +3,
    Ag +1, Zn +2, others from +1 to +4 as the anion's charge requires), ``NH4+``, or
    ``H+`` (acids only when strong: HCl, HBr, HI, HNO3, H2SO4, HClO4, HClO3, HMnO4, HBrO3;
    hydrogen salts such as KHSO4 give ``H+`` too); hydroxides only of the alkali and
    alkaline-earth metals; water of hydration (``CuSO4.5H2O``) becomes ``H2O``. Anything
    else (charged species, oxides, weak acids such as H2C2O4, molecules) is its own unit.

    Examples:
        >>> from solvers.reactions.formula import parse_species
        >>> from solvers.reactions.redox import dissociate
        >>> [(u.text, k) for u, k in dissociate(parse_species("Fe2(SO4)3"))]
        [('Fe3+', 2), ('SO4^2-', 3)]
        >>> [(u.text, k) for u, k in dissociate(parse_species("H2C2O4"))]
        [('H2C2O4', 1)]
    """
    if isinstance(sp, str):
        sp = parse_species(sp)
    elif not isinstance(sp, Species):
        raise InvalidInputError(
            f"sp={sp!r} (of type {type(sp).__name__}) is not a species; pass a formula such as 'KMnO4'")
    if sp.charge or sp.is_electron or len(sp.composition) < 2 or any(
            not isinstance(k, int) for _, k in sp.composition):
        return ((sp, 1),)
    counts = dict(sp.composition)
    water = 0
    if any(c in sp.body for c in "·•∙*.") and counts.get("O", 0):
        # water of hydration: the part after the separator that is k H2O
        for part in re.split(r"[·•∙*.]", sp.body)[1:]:
            mm = re.fullmatch(r"(\d*)H2O", part.strip())
            if mm:
                water += int(mm.group(1) or 1)
        if water:
            counts["H"] -= 2 * water
            counts["O"] -= water
            counts = {k: v for k, v in counts.items() if v}
    found = []
    for text, comp, z in _anions():
        if not set(comp) <= set(counts):
            continue
        bmax = min(counts[el] // k for el, k in comp.items())
        for b in range(1, bmax + 1):
            rem = {el: counts[el] - b * comp.get(el, 0) for el in counts}
            rem = {el: v for el, v in rem.items() if v}
            if not rem:
                continue
            cat = _cations(rem, -z * b, text)
            if cat is not None:
                found.append(cat + [(text, b)])
    if len(found) != 1:
        return ((sp, 1),)
    units = tuple((parse_species(t), k) for t, k in found[0])
    if water:
        units += ((parse_species("H2O"), water),)
    return units


def _key(sp):
    return (sp.composition, sp.charge, sp.is_electron)


def _net(results, vectors) -> dict:
    """Net (reactants positive) amount of each species key over several equations."""
    out: dict = {}
    for r, v in zip(results, vectors, strict=True):
        sp = r.parsed or tuple(parse_species(s) for s in r.species)
        for j, (c, s) in enumerate(zip(v, sp, strict=True)):
            k = _key(s)
            out[k] = out.get(k, 0) + (c if j < r.n_reactants else -c)
    return {k: v for k, v in out.items() if v}


def _dissociated_net(r: BalanceResult, vec) -> dict:
    sp = r.parsed or tuple(parse_species(s) for s in r.species)
    out: dict = {}
    for j, (c, s) in enumerate(zip(vec, sp, strict=True)):
        sign = 1 if j < r.n_reactants else -1
        for u, k in dissociate(s):
            out[_key(u)] = out.get(_key(u), 0) + sign * c * k
    return {k: v for k, v in out.items() if v}


def _proportional(a: dict, b: dict) -> bool:
    """Whether ``a = t b`` for a rational ``t > 0`` (both non-empty)."""
    if not a or not b or set(a) != set(b):
        return False
    k0 = next(iter(b))
    return all(a[k] * b[k0] == b[k] * a[k0] for k in a) and a[k0] * b[k0] > 0


def _vector(r: BalanceResult) -> tuple[int, ...]:
    return r.ion_electron if r.ion_electron is not None else r.coefficients


def _halves_net(ox, red) -> dict:
    e = _lcm_electrons(ox + red)
    halves = list(ox + red)
    return _net(halves, [tuple(c * (e // _electrons(r)) for c in r.coefficients) for r in halves])


def _split_molecular(eq: Equation, medium: str | None) -> HalfReactions:
    """Half-reactions of a molecular equation through its ions.

    Raises:
        InvalidInputError: no choice of the ions on both sides gives halves that lift.
    """
    units = [dissociate(s) for s in eq.species]
    signs = eq.signs
    order: list = []
    sides: dict = {}
    rep: dict = {}
    for u, sg in zip(units, signs, strict=True):
        for sp, _ in u:
            if _is_helper(sp):
                continue
            k = _key(sp)
            if k not in sides:
                order.append(k)
                sides[k] = set()
                rep[k] = sp
            sides[k].add(sg)
    if medium is None:
        medium = _auto_medium([sp for u in units for sp, _ in u]) or "acidic"
    fixed = {k: next(iter(v)) for k, v in sides.items() if len(v) == 1}
    free = [k for k in order if len(sides[k]) == 2]
    names = ", ".join(rep[k].text for k in order)
    if len(free) > _MAX_FREE:
        raise InvalidInputError(
            f"cannot split '{eq.text}' into half-reactions: {len(free)} ions occur on both "
            f"sides after dissociation ({', '.join(rep[k].text for k in free)}), too many "
            f"to decide which take part (at most {_MAX_FREE}); write the ionic equation"
        )
    reasons: list[str] = []
    for choice in itertools.product((0, 1, -1), repeat=len(free)):
        side = dict(fixed)
        side.update({k: c for k, c in zip(free, choice, strict=True) if c})
        left = tuple(rep[k] for k in order if side.get(k) == 1)
        right = tuple(rep[k] for k in order if side.get(k) == -1)
        if not left or not right:
            continue
        text = f"{' + '.join(s.text for s in left)} -> {' + '.join(s.text for s in right)}"
        ionic_eq = Equation(text=text, reactants=left, products=right)
        try:
            ox, red, med = _split_ionic(ionic_eq, medium)
            ionic = _combine(ionic_eq, ox, red, med)
            overall = _lift(eq, ionic, med)
        except (InvalidInputError, InfeasibleError) as exc:
            msg = str(exc)
            if msg not in reasons:
                reasons.append(msg)
            continue
        res = HalfReactions(equation=eq.text, medium=med, oxidation=tuple(ox), reduction=tuple(red),
                            electrons=_lcm_electrons(ox + red), overall=overall,
                            method="ion-electron (dissociated)", ionic=ionic)
        res.check()
        return res
    # the most telling reason first: an ambiguity beats a couple missing on one side
    reasons.sort(key=lambda m: (0 if ("ambiguous" in m or "several" in m) else
                                1 if "no electrons" in m else 2))
    why = reasons[0] if reasons else "no ionic equation has species on both sides"
    raise InvalidInputError(
        f"cannot split '{eq.text}' into half-reactions: after "
        f"dissociation into ions ({names}) no choice of the ions that occur on both sides "
        f"gives an oxidation and a reduction that add up to a balance of the equation ({why})"
    )


def _lift(eq: Equation, ionic: BalanceResult, medium: str) -> BalanceResult:
    """The molecular balance whose ions net to a multiple of ``ionic`` (the sum of the
    half-reactions), the medium's species allowed on either side; smallest total."""
    from solvers.reactions.canonical import min_sum_balance

    target = _net([ionic], [_vector(ionic)])
    present = {_key(s) for s in eq.species}
    helpers = [h for h in (parse_species(t) for t in MEDIA[medium]) if _key(h) not in present]
    base = []
    for s, sg in zip(eq.species, eq.signs, strict=True):
        d: dict = {}
        for u, k in dissociate(s):
            d[_key(u)] = d.get(_key(u), 0) + sg * k
        base.append(d)
    tcol = {k: -v for k, v in target.items()}
    n0, nh = len(eq.species), len(helpers)

    def rows_for(pat):
        cols = base + [{_key(h): p} for h, p in zip(helpers, pat, strict=True)] + [tcol]
        keys = list(dict.fromkeys(k for c in cols for k in c))
        return [[c.get(k, 0) for c in cols] for k in keys]

    net = None
    K = kernel_basis(rows_for((1,) * nh), n0 + nh + 1)
    if len(K) == 1:
        v = K[0] if K[0][-1] > 0 else tuple(-a for a in K[0])
        if v[-1] > 0 and all(a > 0 for a in v[:n0]):  # one lift: the helpers' sides follow
            x, net = v[:n0], list(v[n0:n0 + nh])
    if net is None:
        # several lifts: the smallest total over the helpers' sides (as balance_with_helpers)
        best = None
        for pat in itertools.product((1, -1), repeat=nh):
            try:
                y = min_sum_balance(rows_for(pat), [1] * n0 + [0] * nh + [1]).x
            except InfeasibleError:
                continue
            split = (tuple(y[:n0]) + tuple(y[n0 + i] if pat[i] > 0 else 0 for i in range(nh))
                     + tuple(y[n0 + i] if pat[i] < 0 else 0 for i in range(nh)) + (y[-1],))
            if best is None or (sum(split), split) < (sum(best), best):
                best = split
        if best is None:
            raise InfeasibleError(
                f"no balance of '{eq.text}' dissociates into a multiple of the half-reactions' "
                f"sum '{ionic.ion_electron_text()}'", reason="no_positive")
        x, net = best[:n0], [best[n0 + i] - best[n0 + nh + i] for i in range(nh)]
    left = list(eq.reactants) + [helpers[i] for i in range(nh) if net[i] > 0]
    right = list(eq.products) + [helpers[i] for i in range(nh) if net[i] < 0]
    coef = (list(x[: len(eq.reactants)]) + [net[i] for i in range(nh) if net[i] > 0]
            + list(x[len(eq.reactants): n0]) + [-net[i] for i in range(nh) if net[i] < 0])
    added = [h.text for i, h in enumerate(helpers) if net[i]]
    return result_from_vector(eq.text, left, right, coef, medium=medium, added=added)
