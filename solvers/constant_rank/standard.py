"""Standard constant-rank spaces over Q whose decision rests on quadratic forms.

The Pfaffian of a 4 x 4 alternating matrix is the quadratic form
``Pf = a_01 a_23 - a_02 a_13 + a_03 a_12`` of Witt index 3 on ``A_4`` (the Klein quadric), so
every ternary form ``<a, b, c>`` is the restriction of ``Pf`` to a 3-dimensional subspace:
``a_01 = a x_0, a_23 = x_0, a_02 = b t_1, a_13 = -t_1, a_03 = c t_2, a_12 = t_2``. On the affine
plane ``x_0 = 1`` the Pfaffian is ``a + b t_1^2 + c t_2^2``, so the plane has constant rank 4
over Q exactly when the form ``<a, b, c>`` is anisotropic over Q (Hasse-Minkowski:
:mod:`solvers.constant_rank.quadratic`).

- :func:`anisotropic_plane`: that plane for a given ``(a, b, c)``;
- :func:`quaternion_plane`: ``(1, 1, 1)``, the norm form of the Hamilton quaternions on
  ``1, i, j`` (positive definite: no real zero at all);
- :func:`bordered_space`: the ``(n+1) x (n+1)`` space ``[[A, c], [-c^T, 0]]`` with a free last
  column ``c`` (``n`` more dimensions): for ``n = r`` its rank stays ``r`` (the order-``r``
  minor ``Pf(A)`` is the quadratic one), the compression-type extension of a full-rank space;
- :func:`padded_space`: ``A (+) 0_k`` (same ranks, larger matrices);
- :func:`direct_sum`: ``A(t) (+) B(t)`` with shared parameters (Pfaffian ``Pf(A) Pf(B)``, a
  product of anisotropic quadratics, decided through its factorisation);
- :func:`continuant_space`: an 8 x 8 plane whose Pfaffian is the irreducible positive quartic
  ``(1 + t^2)^2 + u^2`` (a sum-of-squares certificate: "positive definite => no rational zero");
- :func:`standard_spaces`: the named catalogue with the rank each must have, used by the tests
  ("no standard space answers unknown") and the table.

Reference:
    J.-P. Serre, *A Course in Arithmetic*, Springer (1973), Ch. IV (Hasse-Minkowski);
    D. E. Taylor, *The Geometry of the Classical Groups*, Heldermann (1992), Ch. 12 (Klein
    quadric).

Examples:
    >>> from solvers.constant_rank.standard import quaternion_plane
    >>> res = quaternion_plane().constant_rank()
    >>> res.status, res.rank, res.certificate["kind"], res.certificate["place"]
    ('constant', 4, 'anisotropic_quadratic_minor', 'infinity')
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from engine._args import check_int, short_repr
from engine.errors import InvalidInputError
from solvers.constant_rank.space import AffineAlternatingSpace

__all__ = ["anisotropic_plane", "quaternion_plane", "bordered_space", "padded_space", "direct_sum",
           "continuant_space", "standard_spaces"]


def _alt(n: int, upper: dict) -> list[list[Any]]:
    m: list[list[Any]] = [[0] * n for _ in range(n)]
    for (i, j), v in upper.items():
        m[i][j], m[j][i] = v, -v
    return m


def anisotropic_plane(a: Any, b: Any, c: Any) -> AffineAlternatingSpace:
    """The affine plane of 4 x 4 alternating matrices over Q with ``Pf = a + b t_1^2 + c t_2^2``.

    Raises:
        InvalidInputError: ``a``, ``b`` or ``c`` zero or not rational.

    Examples:
        >>> from solvers.constant_rank.standard import anisotropic_plane
        >>> anisotropic_plane(1, 1, -3).constant_rank().certificate["diagonal"]
        [1, 1, -3]
        >>> anisotropic_plane(1, 1, -2).constant_rank().status      # 1 + 1 - 2 = 0
        'not_constant'
    """
    vals = []
    for name, x in (("a", a), ("b", b), ("c", c)):
        if isinstance(x, bool) or not isinstance(x, int | Fraction) or x == 0:
            raise InvalidInputError(f"{name}={short_repr(x)} must be a nonzero int or Fraction")
        vals.append(Fraction(x))
    a, b, c = vals
    base = _alt(4, {(0, 1): a, (2, 3): 1})
    d1 = _alt(4, {(0, 2): b, (1, 3): -1})
    d2 = _alt(4, {(0, 3): c, (1, 2): 1})
    return AffineAlternatingSpace(base, [d1, d2], field="Q")


def quaternion_plane() -> AffineAlternatingSpace:
    """:func:`anisotropic_plane` ``(1, 1, 1)``: ``Pf = 1 + t_1^2 + t_2^2 > 0`` (rank 4 everywhere)."""
    return anisotropic_plane(1, 1, 1)


def bordered_space(space: AffineAlternatingSpace) -> AffineAlternatingSpace:
    """``[[A(t), c], [-c^T, 0]]``: the space with a free last column (``n`` more directions).

    Every point has rank ``>=`` the rank of ``A(t)``; for a full-rank (``n = r``) space the rank
    stays ``r`` (an ``(r+1) x (r+1)`` alternating matrix has rank ``<= r``).

    Raises:
        InvalidInputError: ``space`` is not an :class:`AffineAlternatingSpace` over Q.
    """
    if not isinstance(space, AffineAlternatingSpace) or space.field != "Q":
        raise InvalidInputError(f"space={short_repr(space)} must be an AffineAlternatingSpace over Q")
    n = space.n

    def grow(M: list[list[Any]]) -> list[list[Any]]:
        return [list(r) + [0] for r in M] + [[0] * (n + 1)]

    dirs = [grow(D) for D in space.directions]
    for i in range(n):
        dirs.append(_alt(n + 1, {(i, n): 1}))
    return AffineAlternatingSpace(grow(space.base), dirs, field="Q")


def padded_space(space: AffineAlternatingSpace, k: int = 1) -> AffineAlternatingSpace:
    """``A(t) (+) 0_k``: the same ranks in ``(n + k) x (n + k)`` matrices.

    Raises:
        InvalidInputError: bad ``space`` or ``k``.
    """
    if not isinstance(space, AffineAlternatingSpace):
        raise InvalidInputError(f"space={short_repr(space)} must be an AffineAlternatingSpace")
    k = check_int(k, "k", low=0, high=64)
    n = space.n

    def grow(M: list[list[Any]]) -> list[list[Any]]:
        return [list(r) + [0] * k for r in M] + [[0] * (n + k) for _ in range(k)]

    return AffineAlternatingSpace(grow(space.base), [grow(D) for D in space.directions], field=space.field)


def direct_sum(first: AffineAlternatingSpace, second: AffineAlternatingSpace) -> AffineAlternatingSpace:
    """``A(t) (+) B(t)`` with shared parameters (same dimension): rank = rank A + rank B, and
    over Q the Pfaffian is the product ``Pf(A) Pf(B)`` (decided by factorisation).

    Raises:
        InvalidInputError: not two spaces over Q of the same dimension.
    """
    for name, sp in (("first", first), ("second", second)):
        if not isinstance(sp, AffineAlternatingSpace) or sp.field != "Q":
            raise InvalidInputError(f"{name}={short_repr(sp)} must be an AffineAlternatingSpace over Q")
    if first.dimension != second.dimension:
        raise InvalidInputError(
            f"the spaces have dimensions {first.dimension} and {second.dimension}; direct_sum shares the parameters")
    a, b = first.n, second.n

    def block(M: list[list[Any]], N: list[list[Any]]) -> list[list[Any]]:
        return [list(r) + [0] * b for r in M] + [[0] * a + list(r) for r in N]

    return AffineAlternatingSpace(block(first.base, second.base),
                                  [block(D, E) for D, E in zip(first.directions, second.directions, strict=True)],
                                  field="Q")


def continuant_space() -> AffineAlternatingSpace:
    """The 8 x 8 plane ``[[0, B], [-B^T, 0]]`` with ``B`` tridiagonal (ones on the diagonal,
    ``t, u, t`` above it, ``-t, -u, -t`` below): ``Pf = +- det B = +-((1 + t^2)^2 + u^2)``, an
    irreducible positive definite quartic (decided by a sum-of-squares certificate).

    Examples:
        >>> from solvers.constant_rank.standard import continuant_space
        >>> continuant_space().constant_rank().certificate["kind"]
        'positive_definite_minor'
    """
    def blk(upper: dict) -> list[list[int]]:
        m = [[0] * 8 for _ in range(8)]
        for (i, j), v in upper.items():  # B[i][j] = v: entry (i, 4 + j)
            m[i][4 + j], m[4 + j][i] = v, -v
        return m

    base = blk({(k, k): 1 for k in range(4)})
    dt = blk({(0, 1): 1, (1, 0): -1, (2, 3): 1, (3, 2): -1})
    du = blk({(1, 2): 1, (2, 1): -1})
    return AffineAlternatingSpace(base, [dt, du], field="Q")


def standard_spaces() -> dict[str, tuple[AffineAlternatingSpace, int]]:
    """The named standard spaces over Q with the constant rank each has.

    The anisotropic forms: ``<1, 1, 1>`` (definite), ``<1, 1, -3>`` (anisotropic at 2 and 3),
    ``<1, -2, -5>`` (at 2 and 5), ``<3, 5, -15>`` (at 3 and 5), ``<1, 1, -7>`` (at 2 and 7).

    Examples:
        >>> from solvers.constant_rank.standard import standard_spaces
        >>> sorted(standard_spaces())[:3]
        ['anisotropic <1,-2,-5>', 'anisotropic <1,1,-3>', 'anisotropic <1,1,-7>']
    """
    out: dict[str, tuple[AffineAlternatingSpace, int]] = {}
    q = quaternion_plane()
    out["quaternion plane"] = (q, 4)
    for form in ((1, 1, -3), (1, -2, -5), (3, 5, -15), (1, 1, -7)):
        out[f"anisotropic <{','.join(map(str, form))}>"] = (anisotropic_plane(*form), 4)
    out["bordered quaternion plane"] = (bordered_space(q), 4)
    out["bordered anisotropic <1,1,-3>"] = (bordered_space(anisotropic_plane(1, 1, -3)), 4)
    out["padded quaternion plane"] = (padded_space(q, 2), 4)
    out["quaternion plane doubled"] = (direct_sum(q, q), 8)
    out["quaternion (+) anisotropic <1,1,-3>"] = (direct_sum(q, anisotropic_plane(1, 1, -3)), 8)
    out["continuant plane, Pf = (1 + t^2)^2 + u^2"] = (continuant_space(), 8)
    return out
