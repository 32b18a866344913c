"""solvers: one module per domain problem, built on ``engine``.

- :mod:`solvers.reactions`: chemical reaction balancing (equations, species lists, redox
  media, half-reactions, networks), exact over the integers.
- :mod:`solvers.constants`: identification of real numbers against a catalogue of constants
  (Mobius forms, integer relations), re-verified at twice the precision.
- :mod:`solvers.esma`: continued-fraction expansions and Berlekamp-Massey pattern detection.
- :mod:`solvers.lifting`: Hensel lifting of F2/F3 bilinear schemes to Z or Q.
- :mod:`solvers.constant_rank`: affine spaces of alternating matrices of constant rank.
- :mod:`solvers.recursive_cost`: recursive cost of structured bilinear schemes.

Names are re-exported lazily (imported on first use).

Examples:
    >>> import solvers
    >>> solvers.balance("H2 + O2 -> H2O").coefficients
    (2, 1, 2)
"""

from engine._lazy import lazy_exports

_GROUPS = {
    "reactions": {
        name: "solvers.reactions"
        for name in ("balance", "balance_species", "elementary_reactions", "half_reactions",
                     "balance_network", "stoichiometric_matrix", "conservation_laws",
                     "parse_species", "parse_equation", "BalanceResult", "ElementaryReactions",
                     "HalfReactions", "NetworkResult", "Species", "Equation")
    },
    "constants": {
        name: "solvers.constants"
        for name in ("identify", "IdentifyResult", "CATALOGUE", "constant_value")
    },
    "integer sequences": {
        "cf_expansion": "solvers.esma",
        "berlekamp_massey": "solvers.esma",
        "find_pattern": "solvers.esma",
        "pattern_to_pcf": "solvers.esma",
        "esma_analyze": "solvers.esma:analyze",
    },
    "schemes": {name: "solvers.lifting" for name in ("lift_scheme", "hensel_lift", "LiftResult")}
    | {name: "solvers.recursive_cost" for name in ("recursive_cost", "RecursiveCost", "classify_products")},
    "constant rank": {
        name: "solvers.constant_rank"
        for name in ("AffineAlternatingSpace", "ConstantRankResult", "ConstantRankTheory",
                     "NotCoveredError", "constant_rank_theory", "max_constant_rank_dimension",
                     "extremal_space", "formula_dimension", "pointwise_vanishing_certificate",
                     "frobenius_space", "constant_rank_by_slices", "best_found")
    },
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _GROUPS)
