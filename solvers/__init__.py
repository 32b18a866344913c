"""solvers: one module per domain problem, built on ``engine``.

- :mod:`solvers.reactions`: chemical reaction balancing (equations, species lists, redox
  media, half-reactions, networks), exact over the integers.
- :mod:`solvers.constants`: identification of real numbers against a catalogue of constants
  (Mobius forms, integer relations), re-verified at twice the precision.
- :mod:`solvers.esma`: continued-fraction expansions and Berlekamp-Massey pattern detection.
- :mod:`solvers.pcf_classify`: why a polynomial continued fraction is slow or divergent;
  :mod:`solvers.pcf_equivalence`: proved relations between fractions (inflation, tail
  shift, coboundary); :mod:`solvers.pcf_known`: the database of known formulas and the
  known / equivalent / new labeller; :mod:`solvers.pcf_euler`: Euler-form fractions, their
  series and proved values; :mod:`solvers.pcf_irrationality`: exact
  irrationality certificates (Legendre, Tietze).
- :mod:`solvers.lifting`: Hensel lifting of F2/F3 bilinear schemes to Z or Q;
  :mod:`solvers.ternary`: integer schemes made ternary by unimodular sandwiches.
- :mod:`solvers.scheme_moves`: format moves between matrix-multiplication schemes (project,
  extend, direct sum, Kronecker product).
- :mod:`solvers.known_ranks`: best known ranks (matrix multiplication and structured
  products) and proved lower bounds.
- :mod:`solvers.recursive_cost`: recursive cost of structured bilinear schemes.
- :mod:`solvers.constant_rank`: affine spaces of alternating matrices of constant rank, and
  their optimality over F_p (:mod:`solvers.constant_rank.optimality`).
- :mod:`solvers.graphs`: graphs without short cycles: forbidden cycle sets, exact
  verification, known extremal values, graph6/edge-list I/O.

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
    "continued fractions": {"classify_fraction": "solvers.pcf_classify"}
    | {name: "solvers.pcf_equivalence" for name in ("PCFRelation", "relate", "inflation_relation",
                                                     "tail_shift_relation", "pcf_coboundary",
                                                     "coboundary_relation")}
    | {name: "solvers.pcf_hypergeometric" for name in ("gauss_pcf", "contiguous_pcf",
                                                        "hypergeometric_pcf")}
    | {name: "solvers.pcf_known" for name in ("KnownFormula", "KNOWN_FORMULAS", "PCFLabel", "label")}
    | {name: "solvers.pcf_euler" for name in ("EulerForm", "PCFSeries", "ProvedValue", "euler_form",
                                               "pcf_series", "proved_value", "euler_pcf")}
    | {name: "solvers.pcf_irrationality" for name in ("IrrationalityCertificate",
                                                       "irrationality_certificate")},
    "schemes": {name: "solvers.lifting" for name in ("lift_scheme", "hensel_lift", "LiftResult")}
    | {name: "solvers.recursive_cost" for name in ("recursive_cost", "RecursiveCost", "classify_products")}
    | {name: "solvers.scheme_moves" for name in ("project", "extend", "direct_sum", "kronecker")}
    | {name: "solvers.known_ranks" for name in ("known_rank", "known_ranks_table", "lower_bound",
                                                 "known_structured_rank", "structured_known_ranks")},
    "constant rank": {
        name: "solvers.constant_rank"
        for name in ("AffineAlternatingSpace", "ConstantRankResult", "ConstantRankTheory",
                     "NotCoveredError", "constant_rank_theory", "max_constant_rank_dimension",
                     "extremal_space", "formula_dimension", "pointwise_vanishing_certificate",
                     "frobenius_space", "constant_rank_by_slices", "best_found", "is_maximal",
                     "proved_upper_bound", "exact_max_dimension", "ExactMaximum")
    },
    "graphs": {
        name: "solvers.graphs"
        for name in ("parse_forbidden", "verify_graph", "find_forbidden_cycle", "is_forbidden_free",
                     "known_value", "gap_report", "read_graph", "write_graph")
    },
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _GROUPS)
