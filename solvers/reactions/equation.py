"""Equation parser: sides split by an arrow, species by ``+``.

Arrows: ``->``, ``=>``, ``=``, ``==``, ``→``, ``⟶``, ``⇌``, ``⇄``, ``↔``, ``<=>``, ``<->``.
Species are separated by ``+`` with spaces around it; a ``+`` without spaces also separates
when a new formula follows it (``H2+O2``), so a charge sign (``Fe3+ + e-``, ``NH4+(aq)``)
is never taken for a separator. The same species may appear on both sides.

Examples:
    >>> from solvers.reactions.equation import parse_equation
    >>> eq = parse_equation("Fe3+ + e- -> Fe2+")
    >>> [s.text for s in eq.reactants], [s.charge for s in eq.species]
    (['Fe3+', 'e-'], [3, -1, 2])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from engine.errors import InvalidInputError
from solvers.reactions.formula import Species, parse_species, species_readings

__all__ = ["Equation", "parse_equation", "split_species_list"]

_ARROW = re.compile(r"<=>|<->|<-->|-+>|=+>|→|⟶|⇌|⇄|↔|⇋|=+")
# '+' glued to the next formula: followed by an optional coefficient and a capital letter,
# an opening bracket or an electron, and not by a phase tag.
_GLUED_PLUS = re.compile(r"(?<=[^\s^{(])\+(?=\d*\s*(?:[A-Z\[{]|\((?!(?:s|l|g|aq|cr)\))|e(?:-|\^-|$|\s)))")


@dataclass(frozen=True)
class Equation:
    """A parsed equation.

    Attributes:
        text: the equation as given.
        reactants: species on the left.
        products: species on the right.
        arrow: the arrow as written.
        readings: for each species (reactants then products) every reading of its text,
            the one in ``species`` first (see
            :func:`~solvers.reactions.formula.species_readings`); empty when the equation
            was built by hand (then each species has one reading).
    """

    text: str
    reactants: tuple[Species, ...]
    products: tuple[Species, ...]
    arrow: str = "->"
    readings: tuple[tuple[Species, ...], ...] = field(default=(), repr=False, compare=False)

    def alternatives(self) -> tuple[tuple[Species, ...], ...]:
        """Every reading of each species (one per species when none were recorded)."""
        if len(self.readings) == len(self.species):
            return self.readings
        return tuple((s,) for s in self.species)

    @property
    def species(self) -> tuple[Species, ...]:
        """Reactants then products."""
        return self.reactants + self.products

    @property
    def signs(self) -> tuple[int, ...]:
        """+1 for each reactant, -1 for each product."""
        return (1,) * len(self.reactants) + (-1,) * len(self.products)


def _split_side(side: str, what: str, text: str, col0: int) -> list[tuple[str, int]]:
    """Split one side into (species text, column) pairs."""
    if not side.strip():
        raise InvalidInputError(
            f"empty {what} side in equation '{text}'; write species on both sides of the arrow"
        )
    out: list[tuple[str, int]] = []
    pos = 0
    for chunk in re.split(r"(\s+\+\s+)", side):
        if re.fullmatch(r"\s+\+\s+", chunk):
            pos += len(chunk)
            continue
        start = 0
        for m in _GLUED_PLUS.finditer(chunk):
            out.append((chunk[start : m.start()], col0 + pos + start))
            start = m.end()
        out.append((chunk[start:], col0 + pos + start))
        pos += len(chunk)
    out = [(sp.strip(), col + len(sp) - len(sp.lstrip())) for sp, col in out]
    for sp, col in out:
        if not sp:
            raise InvalidInputError(
                f"empty species at column {col + 1} of the {what} side of '{text}'; "
                "remove the extra '+'"
            )
    return out


def _parse_in(sp: str, col: int, text: str) -> tuple[Species, ...]:
    try:
        return species_readings(sp)
    except InvalidInputError as exc:
        raise InvalidInputError(f"{exc} (species starting at column {col + 1} of '{text}')") from None


def parse_equation(text: str) -> Equation:
    """Parse ``'A + B -> C + D'`` (any of the arrows listed in the module docstring).

    Args:
        text: the equation.

    Returns:
        The :class:`Equation` (species kept as written, leading coefficients ignored).

    Raises:
        InvalidInputError: no arrow, several arrows, an empty side or an unparseable species.

    Examples:
        >>> from solvers.reactions.equation import parse_equation
        >>> eq = parse_equation("2 H2 + O2 = 2 H2O")
        >>> [s.text for s in eq.species], eq.arrow
        (['H2', 'O2', 'H2O'], '=')
    """
    if not isinstance(text, str):
        raise InvalidInputError(f"equation={text!r} (of type {type(text).__name__}) is not a string; "
                                "pass e.g. 'H2 + O2 -> H2O'")
    if len(text) > 100_000:
        raise InvalidInputError(f"equation of {len(text)} characters is too long (at most 100000)")
    arrows = list(_ARROW.finditer(text))
    if not arrows:
        raise InvalidInputError(
            f"no arrow in equation '{text}'; separate the sides with '->' or '='"
        )
    if len(arrows) > 1:
        raise InvalidInputError(
            f"several arrows in equation '{text}' (at columns "
            f"{', '.join(str(a.start() + 1) for a in arrows)}); use exactly one"
        )
    a = arrows[0]
    left, right = text[: a.start()], text[a.end() :]
    if not left.strip() and not right.strip():
        raise InvalidInputError(
            f"equation {text!r} has an arrow but no species; write reactants and products, "
            "e.g. 'H2 + O2 -> H2O'")
    lhs = [_parse_in(sp, c, text) for sp, c in _split_side(left, "reactant", text, 0)]
    rhs = [_parse_in(sp, c, text) for sp, c in _split_side(right, "product", text, a.end())]
    return Equation(text=text, reactants=tuple(r[0] for r in lhs), products=tuple(r[0] for r in rhs),
                    arrow=a.group(0), readings=tuple(lhs + rhs))


def split_species_list(text: str | list | tuple) -> list[Species]:
    """Parse a species list given as a sequence or as ``'A, B, C'`` (commas or semicolons).

    Raises:
        InvalidInputError: an empty list, an empty item or an unparseable species.

    Examples:
        >>> from solvers.reactions.equation import split_species_list
        >>> [s.text for s in split_species_list("Cu, HNO3; NO")]
        ['Cu', 'HNO3', 'NO']
    """
    if isinstance(text, str):
        items = [t for t in re.split(r"[,;]", text)]
    elif isinstance(text, list | tuple):
        items = list(text)
    else:
        raise InvalidInputError(
            f"species={text!r} must be a list of formulas or a string like 'H2, O2, H2O'"
        )
    if not items or all(isinstance(t, str) and not t.strip() for t in items):
        raise InvalidInputError("species list is empty; give at least two species, e.g. 'H2, O2, H2O'")
    out = []
    for i, t in enumerate(items):
        if not isinstance(t, str) or not t.strip():
            raise InvalidInputError(f"species #{i + 1} ({t!r}) in the list is empty or not a string")
        out.append(parse_species(t.strip()))
    return out
