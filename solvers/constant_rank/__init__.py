"""Affine spaces of alternating matrices of constant rank.

- :class:`AffineAlternatingSpace`: the family ``{B + sum t_i D_i}`` over Q or F_p, with the
  exact decision :meth:`~AffineAlternatingSpace.constant_rank` (exhaustive over F_p with
  numba, symbolic over Q with a certificate) and :meth:`~AffineAlternatingSpace.rank_profile`.
- :func:`max_constant_rank_dimension`, :func:`constant_rank_theory`, :func:`extremal_space`:
  the published theorems (Rubei, Theorem 6; de Seguins Pazzis 2023) with the field
  conditions we could confirm, our own proofs (:mod:`solvers.constant_rank.bounds`: the
  exhaustive branch and bound, the deletion bound, counting, met by a verified space:
  :func:`proved_value`, :func:`best_upper_bound`), and an explicit "not covered" answer
  (with both bounds) in the open cases.
- :func:`pointwise_vanishing_certificate`: why small fields allow larger spaces (a Pfaffian
  minor that vanishes at every F_p-point without vanishing identically).
- :mod:`solvers.constant_rank.standard`: standard spaces over Q decided through quadratic
  forms (:func:`quaternion_plane`, :func:`anisotropic_plane`, :func:`standard_spaces`), with
  Hasse-Minkowski certificates from :mod:`solvers.constant_rank.quadratic`.
- Fields: ``"Q"``, a prime ``p``, or ``q`` in 4, 8, 9 (elements ``0..q-1``, see
  :mod:`engine.alternating_fields`).
- :mod:`solvers.constant_rank.optimality`: :func:`is_maximal`, :func:`proved_upper_bound`,
  :func:`exact_max_dimension` (:class:`ExactMaximum`): maximality and proved greatest
  dimensions over F_p.

Examples:
    >>> from solvers.constant_rank import extremal_space, max_constant_rank_dimension
    >>> max_constant_rank_dimension(6, 2, field="Q"), extremal_space(6, 2, field=3).constant_rank().is_constant
    (4, True)
"""

from solvers.constant_rank.bounds import best_upper_bound, count_rank_matrices, proved_value
from solvers.constant_rank.optimality import (
    ExactMaximum,
    exact_max_dimension,
    is_maximal,
    proved_upper_bound,
)
from solvers.constant_rank.space import (
    AffineAlternatingSpace,
    ConstantRankMethod,
    ConstantRankResult,
)
from solvers.constant_rank.standard import (
    anisotropic_plane,
    bordered_space,
    continuant_space,
    direct_sum,
    padded_space,
    quaternion_plane,
    standard_spaces,
)
from solvers.constant_rank.theory import (
    ConstantRankTheory,
    NotCoveredError,
    best_found,
    constant_rank_by_slices,
    constant_rank_theory,
    extremal_space,
    formula_dimension,
    formula_space,
    frobenius_space,
    max_constant_rank_dimension,
    pointwise_vanishing_certificate,
)

__all__ = [
    # families and the decision
    "AffineAlternatingSpace",
    "ConstantRankResult",
    "ConstantRankMethod",
    # known theory
    "ConstantRankTheory",
    "NotCoveredError",
    "constant_rank_theory",
    "max_constant_rank_dimension",
    "extremal_space",
    "formula_dimension",
    "formula_space",
    "best_found",
    "pointwise_vanishing_certificate",
    "frobenius_space",
    "constant_rank_by_slices",
    # standard spaces over Q (quadratic forms)
    "standard_spaces",
    "quaternion_plane",
    "anisotropic_plane",
    "bordered_space",
    "padded_space",
    "direct_sum",
    "continuant_space",
    # optimality over F_p
    "is_maximal",
    "proved_upper_bound",
    "exact_max_dimension",
    "ExactMaximum",
    # proved bounds and values (theorem, exhaustive, deletion, counting)
    "best_upper_bound",
    "proved_value",
    "count_rank_matrices",
]
