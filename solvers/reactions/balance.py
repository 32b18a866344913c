"""Balancing chemical equations exactly: unique, canonical, redox media, honest infeasibility.

The composition matrix has one row per element plus one for charge; reactant columns are
positive and product columns negative, so the balances are the integer kernel vectors.
``balance`` returns the balance with positive coefficients and gcd 1 (the *canonical* one,
smallest total, when several independent balances exist), the lattice basis of all
balances, and how the answer was verified. When no all-positive balance exists it raises
:class:`~engine.errors.InfeasibleError` with a reason and a certificate:

- ``"one_side_only"``: an element (or the charge) appears on one side only;
- ``"zero_only"``: only the zero vector balances the species;
- ``"wrong_side"``: balances exist but need the named species on the other side (the
  balance is shown);
- ``"not_involved"``: some species takes part in no balance at all;
- ``"no_positive"``: any other case, with an exact Stiemke certificate.

Examples:
    >>> from solvers.reactions import balance
    >>> r = balance("KMnO4 + HCl -> KCl + MnCl2 + Cl2 + H2O")
    >>> r.coefficients, r.unique
    ((2, 16, 2, 2, 5, 8), True)
    >>> str(r)
    '2 KMnO4 + 16 HCl -> 2 KCl + 2 MnCl2 + 5 Cl2 + 8 H2O'
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

from engine.errors import InfeasibleError, InvalidInputError, VerificationError
from engine.results import Result
from solvers.reactions._json import json_guard
from solvers.reactions.canonical import (
    min_sum_balance,
    positive_point,
    stiemke_certificate,
)
from solvers.reactions.equation import Equation, parse_equation
from solvers.reactions.formula import Species, parse_species
from solvers.reactions.lattice import composition_matrix, kernel_basis, mat_vec, primitive

__all__ = ["BalanceResult", "balance", "Medium", "MEDIA", "balance_parsed", "balance_with_helpers"]

Medium = Literal["acidic", "basic"]
#: Species a medium may add (each may end up on either side, or not at all).
MEDIA: dict[str, tuple[str, ...]] = {"acidic": ("H+", "H2O"), "basic": ("OH-", "H2O")}


@dataclass(frozen=True)
class BalanceResult(Result):
    """A verified balance of one equation.

    Attributes:
        equation: the input text.
        species: species as written, reactants then products.
        n_reactants: how many of ``species`` are reactants.
        coefficients: positive integers, gcd 1, aligned with ``species`` (canonical if not
            unique).
        unique: whether all balances are multiples of one.
        basis: a basis of the lattice of all balances (signed vectors, same order as
            ``species``: a positive entry keeps the species on its written side).
        canonical: the minimum-total balance (equal to ``coefficients``; among balances of
            equal total the lexicographically smallest in ``species`` order).
        elements: the rows of the composition matrix (elements, then ``'charge'``).
        method: how the coefficients were found (``"unique"``, ``"line"``,
            ``"branch-and-bound"``, ``"group-enumeration"`` (all proved exactly), or the
            labelled HiGHS fallbacks ``"milp-certified"`` (total proved) / ``"milp"``).
        medium: ``"acidic"``, ``"basic"`` or ``None``.
        added: species added by the medium (already included in ``species``).
        verified: ``True`` once :meth:`check` passed (always, for returned results).
        seed: ``None`` (the algorithms are deterministic).
        ion_electron: for a redox equation whose balance is not unique, the balance the
            ion-electron (half-reaction) method gives, aligned with ``species``: the
            oxidation-state-consistent answer, in which the electrons given up by the
            reductant equal those taken by the oxidant. It differs from ``canonical`` when
            a second reaction among the same species (such as the disproportionation
            ``2 H2O2 -> O2 + 2 H2O``) can be added or subtracted; see :func:`balance`.
            ``None`` otherwise.
        readings: how each species was read (aligned with ``species``): the parsed
            :class:`~solvers.reactions.formula.Species` with its composition, charge and
            phase (``reading()`` gives e.g. ``'I3^-'``). When a text reads several ways
            (``O2-``: oxide or superoxide) this is the reading that was balanced.
        warnings: what the user should know about the answer: a species text that reads
            several ways under which the equation balances (the other reading and its
            balance are named), or a balance that is not unique (with the
            oxidation-state-consistent balance when it differs).
    """

    equation: str
    species: tuple[str, ...]
    n_reactants: int
    coefficients: tuple[int, ...]
    unique: bool
    basis: tuple[tuple[int, ...], ...]
    canonical: tuple[int, ...]
    elements: tuple[str, ...]
    method: str
    medium: str | None = None
    added: tuple[str, ...] = ()
    verified: bool = True
    seed: None = None
    ion_electron: tuple[int, ...] | None = None
    readings: tuple[Species, ...] = field(default=(), repr=False, compare=False)
    warnings: tuple[str, ...] = ()

    @property
    def parsed(self) -> tuple[Species, ...]:
        """The former name of :attr:`readings`."""
        return self.readings

    @property
    def reactants(self) -> tuple[tuple[int, str], ...]:
        """``(coefficient, species)`` pairs on the left."""
        k = self.n_reactants
        return tuple(zip(self.coefficients[:k], self.species[:k], strict=False))

    @property
    def products(self) -> tuple[tuple[int, str], ...]:
        """``(coefficient, species)`` pairs on the right."""
        k = self.n_reactants
        return tuple(zip(self.coefficients[k:], self.species[k:], strict=False))

    @property
    def signs(self) -> tuple[int, ...]:
        """+1 per reactant, -1 per product."""
        return (1,) * self.n_reactants + (-1,) * (len(self.species) - self.n_reactants)

    def matrix(self) -> tuple[tuple[int, ...], ...]:
        """The signed composition matrix (rows ``elements``, columns ``species``)."""
        sp = self.readings or tuple(parse_species(s) for s in self.species)
        return composition_matrix(sp, self.signs)[1]

    def check(self, *, nullity: bool = True) -> None:
        """Re-verify exactly: the composition matrix rebuilt from the readings (its rows
        are ``elements``), every element and the charge conserved, coefficients positive,
        gcd 1, basis vectors balanced and (with ``nullity``) of the right number, and (with
        ``nullity``) every reading one of the readings of its species text.

        ``balance`` itself passes ``nullity=False``: the number of basis vectors was just
        computed by an exact nullspace, and recomputing the rank is the costliest step.

        Raises:
            VerificationError: if any check fails.
        """
        sp = self.readings or tuple(parse_species(s) for s in self.species)
        if len(sp) != len(self.species):
            raise VerificationError(f"{len(sp)} readings for {len(self.species)} species")
        if not 0 <= self.n_reactants <= len(self.species):
            raise VerificationError(
                f"n_reactants={self.n_reactants} does not fit the {len(self.species)} species")
        labels, M = composition_matrix(sp, self.signs)
        if tuple(self.elements) != tuple(labels):
            raise VerificationError(
                f"elements {self.elements} differ from the rows {labels} of the composition matrix")
        x = self.coefficients
        if len(x) != len(self.species) or any(c <= 0 for c in x):
            raise VerificationError(f"coefficients {x} are not all positive")
        if any(mat_vec(M, x)):
            raise VerificationError(f"coefficients {x} do not conserve every element and charge")
        g = 0
        for c in x:
            g = math.gcd(g, c)
        if g != 1:
            raise VerificationError(f"coefficients {x} have common factor {g}")
        for v in self.basis:
            if len(v) != len(x) or any(mat_vec(M, v)) or not any(v):
                raise VerificationError(f"basis vector {v} is not a non-zero balance")
        if self.unique != (len(self.basis) == 1):
            raise VerificationError("unique flag inconsistent with the basis")
        if tuple(self.canonical) != tuple(x):
            raise VerificationError(f"coefficients {x} differ from the canonical balance {self.canonical}")
        if self.ion_electron is not None:
            ie = tuple(self.ion_electron)
            if len(ie) != len(x) or any(c <= 0 for c in ie) or any(mat_vec(M, ie)):
                raise VerificationError(f"ion-electron balance {ie} is not a positive balance")
            if sum(ie) < sum(x):
                raise VerificationError(
                    f"ion-electron balance {ie} has a smaller total than the canonical {x}")
        if not nullity:
            return
        from solvers.reactions.formula import species_readings

        for text, r in zip(self.species, sp, strict=True):
            try:
                ok = any(o.key == r.key for o in species_readings(text))
            except InvalidInputError as exc:
                raise VerificationError(f"species {text!r} does not parse: {exc}") from None
            if not ok:
                raise VerificationError(f"species {text!r} cannot be read as {r.reading()}")
        from solvers.reactions.lattice import rank, rank_mod_p

        n, d = len(self.species), len(self.basis)
        # nullity <= d because rank >= rank mod p = n - d; nullity >= d because the basis
        # vectors are independent balances (rank of the basis mod p = d)
        if not (rank_mod_p(M, n) == n - d and rank_mod_p(self.basis, n) == d):
            if d != n - rank(M, n) or rank(self.basis, n) != d:
                raise VerificationError("basis size differs from the nullity")
        if self.unique != (len(self.basis) == 1):
            raise VerificationError("unique flag inconsistent with the basis")

    def text(self, arrow: str = "->") -> str:
        """Plain text, coefficient 1 omitted: ``'2 H2 + O2 -> 2 H2O'``."""
        from solvers.reactions.render import format_equation

        return format_equation(self.reactants, self.products, arrow=arrow)

    def latex(self, *, ion_electron: bool = False) -> str:
        r"""LaTeX for mhchem: ``'\ce{2 H2 + O2 -> 2 H2O}'`` (of ``ion_electron`` when asked
        and present)."""
        from solvers.reactions.render import latex_equation

        sp = self.readings or tuple(parse_species(s) for s in self.species)
        k = self.n_reactants
        c = self.ion_electron if (ion_electron and self.ion_electron is not None) else self.coefficients
        return latex_equation(list(zip(c[:k], sp[:k], strict=False)),
                              list(zip(c[k:], sp[k:], strict=False)))

    def ion_electron_text(self, arrow: str = "->") -> str:
        """Plain text of the ion-electron balance (of ``coefficients`` when there is none)."""
        from solvers.reactions.render import format_equation

        c = self.ion_electron if self.ion_electron is not None else self.coefficients
        k = self.n_reactants
        return format_equation(list(zip(c[:k], self.species[:k], strict=False)),
                               list(zip(c[k:], self.species[k:], strict=False)), arrow=arrow)

    def __str__(self) -> str:
        return self.text()

    def to_json(self) -> dict:
        """JSON-ready dict with every field and the text/LaTeX forms."""
        return {
            "equation": self.equation,
            "species": list(self.species),
            "reactants": [s for _, s in self.reactants],
            "products": [s for _, s in self.products],
            "coefficients": list(self.coefficients),
            "unique": self.unique,
            "basis": [list(v) for v in self.basis],
            "canonical": list(self.canonical),
            "elements": list(self.elements),
            "method": self.method,
            "medium": self.medium,
            "added": list(self.added),
            "verified": self.verified,
            "seed": self.seed,
            "ion_electron": None if self.ion_electron is None else list(self.ion_electron),
            "ion_electron_text": None if self.ion_electron is None else self.ion_electron_text(),
            "readings": [_reading_json(r) for r in (self.readings or
                                                    tuple(parse_species(s) for s in self.species))],
            "warnings": list(self.warnings),
            "text": self.text(),
            "latex": self.latex(),
        }

    @classmethod
    @json_guard
    def from_json(cls, d: dict) -> BalanceResult:
        """Rebuild a result from :meth:`to_json` (the species are parsed again from their text).

        Raises:
            InvalidInputError: a species text that does not parse.
        """
        species = tuple(d["species"])
        ie = d.get("ion_electron")
        readings = d.get("readings")
        return cls(
            equation=d["equation"],
            species=species,
            n_reactants=len(d["reactants"]),
            coefficients=tuple(int(c) for c in d["coefficients"]),
            unique=bool(d["unique"]),
            basis=tuple(tuple(int(c) for c in v) for v in d["basis"]),
            canonical=tuple(int(c) for c in d["canonical"]),
            elements=tuple(d["elements"]),
            method=d["method"],
            medium=d.get("medium"),
            added=tuple(d.get("added", ())),
            verified=bool(d.get("verified", True)),
            seed=d.get("seed"),
            ion_electron=None if ie is None else tuple(int(c) for c in ie),
            readings=(tuple(parse_species(s) for s in species) if readings is None
                      else tuple(_reading_from_json(s, r) for s, r in zip(species, readings, strict=True))),
            warnings=tuple(d.get("warnings", ())),
        )

    @classmethod
    def example(cls) -> BalanceResult:
        """The permanganate-hydrochloric acid balance
        ``2 KMnO4 + 16 HCl -> 2 KCl + 2 MnCl2 + 5 Cl2 + 8 H2O`` (the textbook redox balance,
        e.g. Atkins and Jones, *Chemical Principles*, sec. K), computed by :func:`balance`.

        Examples:
            >>> from solvers.reactions.balance import BalanceResult
            >>> BalanceResult.example().coefficients
            (2, 16, 2, 2, 5, 8)
        """
        return balance("KMnO4 + HCl -> KCl + MnCl2 + Cl2 + H2O")

    @classmethod
    def tampered(cls) -> BalanceResult:
        """:meth:`example` with 4 Cl2 instead of 5: chlorine is no longer conserved."""
        r = cls.example()
        x = r.coefficients[:4] + (4,) + r.coefficients[5:]
        return dataclasses.replace(r, coefficients=x, canonical=x)


def _reading_json(sp: Species) -> dict:
    d = sp.to_json()
    d["reading"] = sp.reading()
    return d


def _reading_from_json(text: str, d: dict) -> Species:
    """The reading of ``text`` that :func:`_reading_json` wrote (its composition, charge
    and phase); a reading that is not one of the text's is rebuilt as given, so that
    :meth:`BalanceResult.check` reports it."""
    from solvers.reactions.formula import species_readings

    try:
        comp = tuple((str(el), _count(k)) for el, k in dict(d["composition"]).items())
        charge, phase = int(d.get("charge", 0)), d.get("phase")
    except (KeyError, TypeError, ValueError, ZeroDivisionError, AttributeError) as exc:
        raise InvalidInputError(f"reading {d!r} of species {text!r} is malformed ({exc}); expected "
                                "{'composition': {...}, 'charge': int, 'phase': ...}") from None
    key = (tuple(sorted(comp)), charge, phase, not comp)
    for r in species_readings(text):
        if r.key == key:
            return r
    return Species(text=text, composition=comp, charge=charge, phase=phase, body=text,
                   is_electron=not comp, note=str(d.get("note", "")))


def _count(k):
    from fractions import Fraction

    if isinstance(k, bool):
        raise ValueError(f"count {k!r} is not a number")
    x = Fraction(k) if isinstance(k, int | str) else None
    if x is None:
        raise ValueError(f"count {k!r} is not an integer or 'p/q' string")
    return int(x) if x.denominator == 1 else x


def _fmt_side(pairs) -> str:
    from solvers.reactions.render import format_side

    return format_side(pairs)


def _one_side_check(labels, M, species, n_react):
    for lab, row in zip(labels, M, strict=False):
        lo, hi = min(row), max(row)
        if lo >= 0 or hi <= 0:
            if lo == hi == 0:
                continue
            if lab == "charge":
                where = [species[j].text for j, a in enumerate(row) if a]
                raise InfeasibleError(
                    "the charge cannot balance: the charged species "
                    f"({', '.join(where)}) leave a net charge of one sign on one side only; "
                    "add the missing ions or electrons (e-), or use medium='acidic'/'basic'",
                    reason="one_side_only",
                    certificate={"row": "charge", "vector": list(row)},
                )
            side = "reactants" if any(a > 0 for a in row) else "products"
            holders = [species[j].text for j, a in enumerate(row) if a]
            raise InfeasibleError(
                f"element '{lab}' appears only among the {side} ({', '.join(holders)}); "
                "add a species containing it to the other side",
                reason="one_side_only",
                certificate={"row": lab, "vector": list(row)},
            )


def _explain_no_positive(eq_text, species, signs, M, K):
    """Raise the most informative InfeasibleError when no positive balance exists."""
    n = len(species)
    names = [s.text for s in species]
    dead = [j for j in range(n) if all(v[j] == 0 for v in K)]
    if dead:
        raise InfeasibleError(
            f"species {', '.join(repr(names[j]) for j in dead)} take part in no balance: "
            "every balance of the others leaves them out; check those formulas",
            reason="not_involved",
            certificate={"species": [names[j] for j in dead], "basis": [list(v) for v in K]},
        )
    # a balance with every species present, with as few sign flips as possible
    if len(K) == 1:
        v = K[0]
    else:
        v = _full_support_vector(M, n)
    if v is not None:
        if sum(1 for a in v if a < 0) > sum(1 for a in v if a > 0):
            v = tuple(-a for a in v)
        flip = [j for j in range(n) if v[j] < 0]
        if flip:
            new_signs = [(-s if j in flip else s) for j, s in enumerate(signs)]
            x = tuple(abs(a) for a in v)
            # show the canonical balance of the corrected equation when it is cheap
            try:
                sol = min_sum_balance([[a * (1 if j not in flip else -1) for j, a in enumerate(r)] for r in M],
                                      [1] * n)
                x = sol.x
            except Exception:  # noqa: BLE001 - the shown balance is only illustrative
                pass
            left = [(x[j], names[j]) for j in range(n) if new_signs[j] > 0]
            right = [(x[j], names[j]) for j in range(n) if new_signs[j] < 0]
            shown = f"{_fmt_side(left)} -> {_fmt_side(right)}"
            moved = ", ".join(repr(names[j]) for j in flip)
            raise InfeasibleError(
                f"no balance with all coefficients positive for '{eq_text}': balances exist but "
                f"need species {moved} on the other side: {shown}",
                reason="wrong_side",
                certificate={"move": [names[j] for j in flip], "balance": shown,
                             "basis": [list(b) for b in K]},
            )
    y = stiemke_certificate(M, n)
    raise InfeasibleError(
        f"no balance with all coefficients positive for '{eq_text}' (proved by a Stiemke "
        "certificate y: M^T y >= 0 and non-zero, so every balance has a non-positive entry)",
        reason="no_positive",
        certificate={"y": [str(c) for c in y] if y else None, "basis": [list(b) for b in K]},
    )


def _full_support_vector(M, n):
    """An integer kernel vector with no zero entry, few negatives (LP), or None."""
    import numpy as np
    from scipy.optimize import linprog

    m = len(M)
    # variables x (free, |x_j| <= big), t >= 0: min sum t, x_j + t_j >= 1 ... and |x_j| >= 1
    # is not convex; use: x_j >= 1 - BIG*t_j with t in [0, 1]
    big = 1e4
    A_eq = np.hstack([np.asarray(M, float).reshape(m, n), np.zeros((m, n))])
    A_ub = np.hstack([-np.eye(n), -big * np.eye(n)])
    b_ub = -np.ones(n)
    res = linprog(np.concatenate([np.zeros(n), np.ones(n)]), A_ub=A_ub, b_ub=b_ub, A_eq=A_eq,
                  b_eq=np.zeros(m), bounds=[(-big, big)] * n + [(0, 1)] * n, method="highs")
    if res.status != 0:
        return None
    flip = [j for j in range(n) if res.x[j] < 0.5]
    signs = [-1 if j in flip else 1 for j in range(n)]
    Mf = [[a * signs[j] for j, a in enumerate(r)] for r in M]
    p = positive_point(Mf, [1] * n)
    if p is None:
        return None
    return tuple(a * s for a, s in zip(p, signs, strict=False))


def _as_equation(eq) -> Equation:
    if isinstance(eq, Equation):
        return eq
    if isinstance(eq, str):
        return parse_equation(eq)
    raise InvalidInputError(
        f"equation={eq!r} (of type {type(eq).__name__}) is neither an equation string nor a "
        "parsed Equation; pass e.g. 'H2 + O2 -> H2O'")


def balance_parsed(eq: Equation, *, medium: str | None = None) -> BalanceResult:
    """Balance an already parsed :class:`~solvers.reactions.equation.Equation`.

    See :func:`balance` for the arguments, result and errors.

    Examples:
        >>> from solvers.reactions.balance import balance_parsed
        >>> from solvers.reactions.equation import parse_equation
        >>> balance_parsed(parse_equation("H2 + O2 -> H2O")).coefficients
        (2, 1, 2)
    """
    eq = _as_equation(eq)
    if medium is not None and (not isinstance(medium, str) or medium not in MEDIA):
        raise InvalidInputError(f"medium={medium!r} is not supported; use 'acidic', 'basic' or None")
    alts = eq.alternatives()
    try:
        if all(len(a) == 1 for a in alts):
            r = _balance_one(eq, medium)
        else:
            r = _resolve_readings(eq, alts, medium)
    except _NoReaction as exc:
        raise InvalidInputError(str(exc)) from None
    r = _finish(r, eq, medium)
    note = _written_coefficients_note(r, eq)
    return r if note is None else dataclasses.replace(r, warnings=r.warnings + (note,))


def _written_coefficients_note(r: BalanceResult, eq: Equation) -> str | None:
    """A warning when the coefficients written in the input disagree with the answer.

    Written coefficients are ignored by the balance; when the user wrote some and they are
    not proportional to the answer, say so: either they are not a balance at all, or (when
    the balance is not unique) they are another balance than the minimum-total one.
    """
    written = [sp.coefficient for sp in eq.species]
    if all(c is None for c in written) or len(r.coefficients) != len(written):
        return None
    w = [Fraction(1) if c is None else Fraction(c) for c in written]
    got = [Fraction(c) for c in r.coefficients]
    ratio = got[0] / w[0]
    if all(g == ratio * x for g, x in zip(got, w, strict=True)):
        return None
    shown = ", ".join(str(x) for x in w)
    totals: dict[tuple[str, ...] | str, Fraction] = {}
    for x, sg, sp in zip(w, r.signs, r.readings, strict=True):
        for el, cnt in sp.composition:
            totals[el] = totals.get(el, Fraction(0)) + sg * x * Fraction(cnt)
        totals["charge"] = totals.get("charge", Fraction(0)) + sg * x * sp.charge
    if all(v == 0 for v in totals.values()):
        return (f"the coefficients as written ({shown}) are another balance; the answer is the "
                "minimum-total one (written coefficients are not used)")
    off = sorted(str(k) for k, v in totals.items() if v != 0)
    note = (f"the coefficients as written ({shown}) do not balance the equation (unbalanced: "
            f"{', '.join(off)}); they were ignored")
    hydrates = [sp for sp in eq.species if sp.coefficient is not None and any(
        dot in sp.text for dot in ("·", "•", "*", "."))]
    if hydrates:
        sp = hydrates[0]
        cut = min(i for i in (sp.text.find(d) for d in ("·", "•", "*", ".")) if i >= 0)
        note += (f"; if '{sp.coefficient}{sp.text}' is one formula unit, write it as "
                 f"'({sp.text[:cut]}){sp.coefficient}{sp.text[cut:]}'")
    return note


#: at most this many combinations of readings are balanced (then one change at a time)
_MAX_READING_COMBOS = 64


def _with_species(eq: Equation, species) -> Equation:
    k = len(eq.reactants)
    return Equation(text=eq.text, reactants=tuple(species[:k]), products=tuple(species[k:]), arrow=eq.arrow)


def _resolve_readings(eq: Equation, alts, medium) -> BalanceResult:
    """Balance every combination of the readings of the species that read several ways;
    keep the one with the smallest total (then the fewest non-first readings; a decimal
    reading of a usual hydrate only when nothing else balances) and warn, naming the
    species and the other reading, when another combination balances too."""
    best, warnings = resolve_readings(
        eq, alts, lambda e: _balance_one(e, medium), catch=(InfeasibleError, _NoReaction),
        total=lambda r: sum(r.coefficients), text=lambda r: r.text())
    return dataclasses.replace(best, warnings=best.warnings + tuple(warnings))


def resolve_readings(eq: Equation, alts, attempt, *, catch, total, text):
    """Run ``attempt`` on every combination of the readings ``alts`` of ``eq``'s species.

    Args:
        eq: the equation (its first readings).
        alts: every reading of each species (:meth:`Equation.alternatives`).
        attempt: ``Equation -> result``; raises one of ``catch`` when a reading fails.
        catch: the exception classes that mean "this reading does not balance".
        total: ``result -> int``, the size compared (smallest wins).
        text: ``result -> str``, the answer shown in a warning.

    Returns:
        ``(best result, warnings)``.

    Raises:
        InfeasibleError or InvalidInputError: no combination succeeds (the first readings'
            error, naming the other readings tried).
    """
    amb = [i for i, a in enumerate(alts) if len(a) > 1]
    sizes = [len(alts[i]) for i in amb]
    if math.prod(sizes) <= _MAX_READING_COMBOS:
        combos = sorted(itertools.product(*(range(n) for n in sizes)),
                        key=lambda c: (sum(1 for x in c if x), c))
    else:  # the first readings, then one species read another way at a time
        combos = [tuple(0 for _ in amb)] + [tuple(c if j == i else 0 for j in range(len(amb)))
                                             for i in range(len(amb)) for c in range(1, sizes[i])]
    first = [a[0] for a in alts]
    found = []
    primary_exc = None
    for combo in combos:
        species = list(first)
        for i, c in zip(amb, combo, strict=True):
            species[i] = alts[i][c]
        try:
            r = attempt(_with_species(eq, species))
        except catch as exc:
            if not any(combo):
                primary_exc = exc
            continue
        # a decimal reading of a usual hydrate (CuSO4.5H2O) is a fallback: it is taken
        # only when no combination without one balances
        fallback = sum(1 for i, c in zip(amb, combo, strict=True) if "decimal subscripts" in alts[i][c].note)
        found.append(((fallback, total(r)), sum(1 for x in combo if x), combo, r))
    if not found:
        tried = "; ".join(
            f"{alts[i][0].text!r} was also read as " + " and as ".join(_describe(o) for o in alts[i][1:])
            for i in amb)
        if isinstance(primary_exc, InfeasibleError):
            raise InfeasibleError(f"{primary_exc} ({tried}: no reading balances)",
                                  reason=primary_exc.reason, certificate=primary_exc.certificate)
        raise InvalidInputError(f"{primary_exc} ({tried}: no reading balances)")
    found.sort(key=lambda t: (t[0], t[1], t[2]))
    _, _, combo, best = found[0]
    warnings = []
    for _, _, other_combo, other in found[1:4]:
        diffs = [(alts[i][c], alts[i][o]) for i, c, o in zip(amb, combo, other_combo, strict=True) if c != o]
        which = "; ".join(f"{ch.text!r} was read as {_describe(ch)}" for ch, _ in diffs)
        others = " and ".join(f"{ot.text!r} as {_describe(ot)}" for _, ot in diffs)
        warnings.append(f"ambiguous notation: {which} (the reading with the smallest balance); read with "
                        f"{others}, the equation also balances: {text(other)}")
    if len(found) > 4:
        warnings.append(f"{len(found) - 4} further combinations of readings also balance")
    return best, warnings


def _describe(sp: Species) -> str:
    return sp.reading() + (f" ({sp.note})" if sp.note else "")


class _NoReaction(InvalidInputError):
    """Every species stands on both sides: nothing reacts."""


def _no_reaction_check(eq: Equation) -> None:
    left = {s.key for s in eq.reactants}
    right = {s.key for s in eq.products}
    if left == right:
        names = ", ".join(dict.fromkeys(s.text for s in eq.species))
        raise _NoReaction(
            f"nothing reacts in '{eq.text}': the same species ({names}) stand on both sides, so the "
            "only balances are the trivial ones; write the reactants and the products of a reaction")


def _balance_one(eq: Equation, medium: str | None) -> BalanceResult:
    """Balance one reading of the equation (no choice among readings, no warnings)."""
    _no_reaction_check(eq)
    if medium is not None:
        return _balance_medium(eq, medium)
    species = eq.species
    signs = eq.signs
    n = len(species)
    labels, M = composition_matrix(species, signs)
    _one_side_check(labels, M, species, len(eq.reactants))
    K = kernel_basis(M, n)
    if not K:
        raise InfeasibleError(
            f"only the zero solution balances '{eq.text}': the species are independent, so no "
            "reaction among them conserves every element and the charge; a species is missing "
            "or a formula is wrong",
            reason="zero_only",
            certificate={"rank": n},
        )
    try:
        sol = min_sum_balance(M, [1] * n, basis=K)
    except InfeasibleError:
        _explain_no_positive(eq.text, species, signs, M, K)
        raise  # pragma: no cover - _explain always raises
    x = primitive(sol.x)
    if sol.method == "unique":
        basis = (x,)
    else:
        basis = K
    res = BalanceResult(
        equation=eq.text,
        species=tuple(s.text for s in species),
        n_reactants=len(eq.reactants),
        coefficients=x,
        unique=len(K) == 1,
        basis=basis,
        canonical=x,
        elements=labels,
        method=sol.method,
        readings=tuple(species),
    )
    res.check(nullity=False)
    return res


#: the ion-electron balance is sought for equations of at most this many species (redox
#: equations of textbooks and of the chemical-education literature have at most 12)
_MAX_REDOX_SPECIES = 16


def _finish(r: BalanceResult, eq: Equation, medium: str | None) -> BalanceResult:
    """Add the oxidation-state-consistent balance and the not-unique warning."""
    if r.unique:
        return r
    if (r.ion_electron is None and len(r.species) <= _MAX_REDOX_SPECIES
            and not any(s.is_electron for s in r.readings)):
        from solvers.reactions.redox import half_reactions

        k = r.n_reactants
        try:
            chosen = Equation(text=eq.text, reactants=r.readings[:k], products=r.readings[k:], arrow=eq.arrow)
            ov = half_reactions(chosen, medium=medium).overall
            ie = ov.ion_electron if ov.ion_electron is not None else ov.coefficients
            aligned = _align(r, ov, ie)
        except (InvalidInputError, InfeasibleError):
            aligned = None
        if aligned is not None:
            r = dataclasses.replace(r, ion_electron=aligned)
            r.check(nullity=False)
    note = (f"not unique: {len(r.basis)} independent balances; the coefficients are the "
            "minimum-total (canonical) balance")
    ie = r.ion_electron
    if ie is not None and tuple(ie) != tuple(r.coefficients):
        d = [a - b for a, b in zip(ie, r.coefficients, strict=True)]
        g = math.gcd(*d)
        d = [a // g for a in d]
        signs = r.signs
        left = [(abs(a), s) for a, s, sg in zip(d, r.species, signs, strict=True) if a * sg > 0]
        right = [(abs(a), s) for a, s, sg in zip(d, r.species, signs, strict=True) if a * sg < 0]
        times = "" if g == 1 else f"{g} x "
        note += (f"; the oxidation-state-consistent (ion-electron) balance is {r.ion_electron_text()}; "
                 f"the two differ by {times}({_fmt_side(left)} -> {_fmt_side(right)}), a reaction "
                 "without electron transfer between the redox couples")
    return dataclasses.replace(r, warnings=r.warnings + (note,))


def result_from_vector(text, left, right, coeffs, *, medium=None, added=(), method="ion-electron"
                       ) -> BalanceResult:
    """Build and verify a :class:`BalanceResult` for given sides and coefficients.

    When the species admit several independent balances, ``coeffs`` is kept as
    ``ion_electron`` and ``coefficients`` = ``canonical`` is the minimum-total balance
    (:func:`~solvers.reactions.canonical.min_sum_balance`), as for :func:`balance`.

    Raises:
        VerificationError: the coefficients do not balance the species.
    """
    species = tuple(left) + tuple(right)
    signs = [1] * len(left) + [-1] * len(right)
    labels, M = composition_matrix(species, signs)
    K = kernel_basis(M, len(species))
    x = primitive(coeffs)
    ion_electron = None
    if len(K) > 1:
        if any(mat_vec(M, x)) or any(c <= 0 for c in x):
            raise VerificationError(f"coefficients {x} do not balance '{text}'")
        ion_electron = x
        sol = min_sum_balance(M, [1] * len(species), basis=K)
        x, method = primitive(sol.x), sol.method
    res = BalanceResult(
        equation=text, species=tuple(s.text for s in species), n_reactants=len(left),
        coefficients=x, unique=len(K) == 1, basis=(x,) if len(K) == 1 else K, canonical=x,
        elements=labels, method=method, medium=medium, added=tuple(added), readings=species,
        ion_electron=ion_electron,
    )
    res.check()
    return res


def _balance_medium(eq: Equation, medium: str) -> BalanceResult:
    if not isinstance(medium, str) or medium not in MEDIA:
        raise InvalidInputError(f"medium={medium!r} is not supported; use 'acidic' or 'basic'")
    clash = {"basic": ((("H", 1),), 1, "H+"), "acidic": ((("H", 1), ("O", 1)), -1, "OH-")}[medium]
    for sp in eq.species:
        if tuple(sorted(sp.composition)) == clash[0] and sp.charge == clash[1]:
            supplies = " and ".join(MEDIA[medium])
            other = "acidic" if medium == "basic" else "basic"
            raise InvalidInputError(
                f"medium={medium!r} but '{eq.text}' contains {sp.text!r} ({clash[2]}): a {medium} solution "
                f"supplies {supplies}, so the answer would hold both H+ and OH-; remove {sp.text!r} "
                f"(the medium adds what is needed) or use medium={other!r}")
    return balance_with_helpers(eq, MEDIA[medium], medium=medium)


def _align(r: BalanceResult, other: BalanceResult, coeffs) -> tuple[int, ...] | None:
    """``coeffs`` (a balance of ``other``) re-indexed by the species of ``r``, or ``None``
    when the two equations do not have the same species on the same sides."""
    def keys(res):
        sp = res.readings or tuple(parse_species(s) for s in res.species)
        return [((s.composition, s.charge, s.is_electron), sg) for s, sg in zip(sp, res.signs, strict=False)]

    kr, ko = keys(r), keys(other)
    if sorted(map(repr, kr)) != sorted(map(repr, ko)) or len(set(map(repr, kr))) != len(kr):
        return None
    pos = {repr(k): i for i, k in enumerate(ko)}
    return tuple(coeffs[pos[repr(k)]] for k in kr)


def balance_with_helpers(eq: Equation, helper_texts, *, medium: str | None = None) -> BalanceResult:
    """Balance ``eq`` letting each helper species (e.g. ``H+``, ``H2O``, ``e-``) join either side.

    Helpers already in the equation are not added twice; a helper whose net coefficient is
    zero is left out. The result is then re-balanced with the helpers on their sides, so
    its ``basis``/``unique`` describe that final equation.

    Raises:
        InfeasibleError: as :func:`balance`.

    Examples:
        >>> from solvers.reactions.balance import balance_with_helpers
        >>> from solvers.reactions.equation import parse_equation
        >>> balance_with_helpers(parse_equation("Fe3+ -> Fe2+"), ["e-"]).text()
        'Fe3+ + e- -> Fe2+'
    """
    eq = _as_equation(eq)
    if (isinstance(helper_texts, str) or not isinstance(helper_texts, list | tuple)
            or not all(isinstance(h, str) for h in helper_texts)):
        raise InvalidInputError(
            f"helper_texts={helper_texts!r} must be a list of formula strings such as ['H+', 'H2O']")
    present = {(s.formula if s.phase else s.text) for s in eq.species}
    present_comp = {(s.composition, s.charge) for s in eq.species}
    helpers = []
    for h in helper_texts:
        sp = parse_species(h)
        if h in present or (sp.composition, sp.charge) in present_comp:
            continue
        helpers.append(sp)
    has_e = any(s.is_electron for s in eq.species)
    base = list(eq.species)
    signs = list(eq.signs)
    n0 = len(base)
    nh = len(helpers)
    # net formulation: helpers free in sign
    _, Mnet = composition_matrix(base + helpers, signs + [1] * nh)
    Knet = kernel_basis(Mnet, n0 + nh)
    if not Knet:
        raise InfeasibleError(
            f"only the zero solution balances '{eq.text}' even with {', '.join(helper_texts)} "
            "added" + ("" if has_e else "; a redox half-reaction needs e-"),
            reason="zero_only",
        )
    v = Knet[0] if len(Knet) == 1 else None
    if v is not None and all(a < 0 for a in v[:n0]):
        v = tuple(-a for a in v)
    if v is not None and all(a > 0 for a in v[:n0]):
        # one balance with the helpers free in sign: their sides follow from it (the
        # minimum of the split formulation never uses a helper on both sides)
        net = list(v[n0:])
    else:
        # the split problem (each helper as a reactant column and a product column, >= 0)
        # has an optimum that uses each helper on one side at most, so it is the best of
        # the 2^nh problems with each helper's side fixed: same minimum total, and the
        # lexicographically smallest split vector among the patterns' own smallest ones
        best = None
        for pat in itertools.product((1, -1), repeat=nh):
            cols_p = base + helpers
            _, Mp = composition_matrix(cols_p, signs + list(pat))
            try:
                sol = min_sum_balance(Mp, [1] * n0 + [0] * nh)
            except InfeasibleError:
                continue
            x = sol.x
            split = tuple(x[:n0]) + tuple(x[n0 + i] if pat[i] > 0 else 0 for i in range(nh)) + tuple(
                x[n0 + i] if pat[i] < 0 else 0 for i in range(nh))
            if best is None or (sum(split), split) < (sum(best), best):
                best = split
        if best is None:
            # explain on the equation with helpers placed as the net kernel suggests
            _explain_no_positive(eq.text, base + helpers, signs + [1] * nh, Mnet, Knet)
            raise InfeasibleError("no balance with all coefficients positive",  # pragma: no cover
                                  reason="no_positive")
        net = [best[n0 + i] - best[n0 + nh + i] for i in range(nh)]
    left = [s for s in eq.reactants] + [helpers[i] for i in range(nh) if net[i] > 0]
    right = [s for s in eq.products] + [helpers[i] for i in range(nh) if net[i] < 0]
    new_eq = Equation(text=eq.text, reactants=tuple(left), products=tuple(right), arrow=eq.arrow)
    r = _balance_one(new_eq, None)
    added = tuple(h.text for i, h in enumerate(helpers) if net[i] != 0)
    return BalanceResult(
        equation=eq.text, species=r.species, n_reactants=r.n_reactants,
        coefficients=r.coefficients, unique=r.unique, basis=r.basis, canonical=r.canonical,
        elements=r.elements, method=r.method, medium=medium, added=added, readings=r.readings,
    )


def balance(equation: str | Equation, *, medium: Medium | None = None) -> BalanceResult:
    """Balance a chemical equation exactly.

    Args:
        equation: e.g. ``"KMnO4 + HCl -> KCl + MnCl2 + Cl2 + H2O"`` (arrows ``->``, ``=``,
            ``→``, ``⇌``, ``<=>``; leading coefficients are ignored), or a parsed
            :class:`~solvers.reactions.equation.Equation`.
        medium: ``"acidic"`` adds ``H+`` and ``H2O``, ``"basic"`` adds ``OH-`` and ``H2O``,
            each on whichever side the balance needs (or left out). Electrons are kept
            as written (write ``e-`` for a half-reaction). When the balance with the
            medium is not unique, ``coefficients`` is still the minimum-total
            ``canonical`` balance, and the ion-electron balance (from
            :func:`~solvers.reactions.redox.half_reactions`, the textbook answer) is
            reported in ``ion_electron``. They differ when the species also admit a
            reaction without electron transfer between the couples: for
            ``MnO4- + H2O2 -> Mn2+ + O2`` (acidic) the textbook
            ``2 MnO4- + 5 H2O2 + 6 H+ -> 2 Mn2+ + 5 O2 + 8 H2O`` (total 28) minus twice
            the disproportionation ``2 H2O2 -> O2 + 2 H2O`` is
            ``2 MnO4- + H2O2 + 6 H+ -> 2 Mn2+ + 3 O2 + 4 H2O`` (total 18), also a
            balance and the minimum; every ``(2, 1 + 2k, 6, 2, 3 + k, 4 + 2k)`` is one.

    A species text that reads several ways (``O2-``: oxide O^2- or superoxide O2^-;
    ``N3-``: nitride or azide; ``VO2+``: VO2^+ or vanadyl VO^2+; ``CuSO4.5H2O`` read with a
    decimal subscript) is balanced under each reading; the answer is the smallest balance
    (a decimal reading of a usual hydrate only when nothing else balances), its
    ``readings`` say how each species was read, and when another reading balances too a
    warning names the species, the other reading and its balance.

    Returns:
        A :class:`BalanceResult`, verified exactly (:meth:`BalanceResult.check`), with
        ``readings`` and ``warnings`` (also the not-unique note).

    Raises:
        InvalidInputError: the equation or a species cannot be parsed, the medium is
            unknown, the medium clashes with a written ``H+``/``OH-``, or nothing reacts
            (the same species on both sides).
        InfeasibleError: no balance with all coefficients positive exists; ``reason`` is
            ``"one_side_only"``, ``"zero_only"``, ``"wrong_side"``, ``"not_involved"`` or
            ``"no_positive"`` and ``certificate`` holds the evidence.

    Examples:
        >>> from solvers.reactions import balance
        >>> balance("MnO4- + Fe2+ -> Mn2+ + Fe3+", medium="acidic").text()
        'MnO4- + 5 Fe2+ + 8 H+ -> Mn2+ + 5 Fe3+ + 4 H2O'
        >>> r = balance("MnO4- + H2O2 -> Mn2+ + O2", medium="acidic")
        >>> r.unique, r.coefficients, r.ion_electron
        (False, (2, 1, 6, 2, 3, 4), (2, 5, 6, 2, 5, 8))
        >>> r = balance("C + O2 -> CO + CO2")
        >>> r.unique, r.coefficients, r.basis
        (False, (3, 2, 2, 1), ((1, 1, 0, 1), (1, 0, 2, -1)))
        >>> r = balance("N3- -> N2 + e-")
        >>> r.coefficients, [sp.reading() for sp in r.readings], "N^3- (nitride)" in r.warnings[0]
        ((2, 3, 2), ['N3^-', 'N2', 'e^-'], True)
        >>> balance("Fe0.95O + CO -> Fe + CO2").coefficients
        (20, 20, 19, 20)
    """
    return balance_parsed(_as_equation(equation), medium=medium)
