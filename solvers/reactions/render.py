r"""Output forms: plain text, LaTeX (mhchem ``\ce{}``), JSON.

Examples:
    >>> from solvers.reactions.render import format_equation
    >>> format_equation([(2, "H2"), (1, "O2")], [(2, "H2O")])
    '2 H2 + O2 -> 2 H2O'
"""

from __future__ import annotations

import json

from solvers.reactions.formula import Species

__all__ = ["format_side", "format_equation", "latex_species", "latex_equation", "to_json_text"]


def format_side(pairs) -> str:
    """``[(2, 'H2'), (1, 'O2')]`` -> ``'2 H2 + O2'`` (coefficient 1 omitted)."""
    return " + ".join(s if c == 1 else f"{c} {s}" for c, s in pairs)


def format_equation(reactants, products, arrow: str = "->") -> str:
    """Plain-text equation from ``(coefficient, species)`` pairs.

    Examples:
        >>> from solvers.reactions.render import format_equation
        >>> format_equation([(1, "Fe3+"), (1, "e-")], [(1, "Fe2+")], arrow="=")
        'Fe3+ + e- = Fe2+'
    """
    return f"{format_side(reactants)} {arrow} {format_side(products)}"


def latex_species(sp: Species) -> str:
    r"""mhchem notation for one species: charge as ``^{n+}``, hydrate dot as ``*``.

    Examples:
        >>> from solvers.reactions.formula import parse_species
        >>> from solvers.reactions.render import latex_species
        >>> latex_species(parse_species("SO42-(aq)")), latex_species(parse_species("CuSO4.5H2O"))
        ('SO4^{2-}(aq)', 'CuSO4*5H2O')

    Raises:
        InvalidInputError: ``sp`` is neither a parsed species nor a formula string.
    """
    if isinstance(sp, str):
        from solvers.reactions.formula import parse_species

        sp = parse_species(sp)
    elif not isinstance(sp, Species):
        from engine.errors import InvalidInputError

        raise InvalidInputError(
            f"sp={sp!r} (of type {type(sp).__name__}) is not a species; pass a formula such as 'H2O'")
    if sp.is_electron:
        out = "e-"
    else:
        body = sp.body
        for sep in "·•∙.":
            body = body.replace(sep, "*")
        out = body
        if sp.charge:
            q = abs(sp.charge)
            sign = "+" if sp.charge > 0 else "-"
            out += "^{" + (str(q) if q != 1 else "") + sign + "}"
    if sp.phase:
        out += f"({sp.phase})"
    return out


def latex_equation(reactants, products) -> str:
    r"""``\ce{...}`` from ``(coefficient, Species)`` pairs.

    Examples:
        >>> from solvers.reactions.formula import parse_species as p
        >>> from solvers.reactions.render import latex_equation
        >>> latex_equation([(2, p("H2")), (1, p("O2"))], [(2, p("H2O"))])
        '\\ce{2 H2 + O2 -> 2 H2O}'
    """
    def side(pairs):
        return " + ".join((latex_species(s) if c == 1 else f"{c} {latex_species(s)}") for c, s in pairs)

    return r"\ce{" + f"{side(reactants)} -> {side(products)}" + "}"


def to_json_text(result) -> str:
    """JSON text of any result with ``to_json()``."""
    return json.dumps(result.to_json(), indent=2, ensure_ascii=False)
