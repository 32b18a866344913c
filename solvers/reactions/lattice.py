"""Exact integer linear algebra for balancing: composition matrices and balance lattices.

The *balances* of species with signed composition matrix ``M`` (one row per element plus
one for charge; reactant columns positive, product columns negative) are the integer
vectors of ``ker M``. That set is a lattice; :func:`kernel_basis` returns a basis of it
(saturated: every integer balance is an integer combination), LLL-reduced so that the
basis vectors are short (Cohen, *A Course in Computational Algebraic Number Theory*,
Alg. 2.4.10 via the Hermite normal form of ``[M^T | I]``; Lenstra-Lenstra-Lovasz 1982).

Examples:
    >>> from solvers.reactions.lattice import kernel_basis
    >>> kernel_basis([[1, 0, -1, -1], [0, 2, -1, -2]])       # C + O2 -> CO + CO2
    ((1, 1, 0, 1), (1, 0, 2, -1))
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

import flint

__all__ = ["composition_matrix", "kernel_basis", "rank", "primitive", "mat_vec"]


def composition_matrix(species: Sequence, signs: Sequence[int] | None = None):
    """Rows (elements in order of first appearance, then ``'charge'`` if any) and the matrix.

    Args:
        species: parsed :class:`~solvers.reactions.formula.Species`.
        signs: +1 / -1 per column (default all +1).

    Returns:
        ``(labels, rows)`` with ``rows[i][j]`` = signed count of ``labels[i]`` in species j;
        a row with rational counts (decimal subscripts such as ``Fe0.95O``) is multiplied by
        the lcm of its denominators, which leaves the balances unchanged.

    Examples:
        >>> from solvers.reactions.formula import parse_species
        >>> from solvers.reactions.lattice import composition_matrix
        >>> composition_matrix([parse_species("H2"), parse_species("H2O")], [1, -1])
        (('H', 'O'), ((2, -2), (0, -1)))
    """
    signs = [1] * len(species) if signs is None else list(signs)
    labels: list[str] = []
    for sp in species:
        for el, _ in sp.composition:
            if el not in labels:
                labels.append(el)
    rows = [[0] * len(species) for _ in labels]
    idx = {el: i for i, el in enumerate(labels)}
    for j, sp in enumerate(species):
        for el, k in sp.composition:
            rows[idx[el]][j] += signs[j] * k
    rational = any(type(k) is not int for sp in species for _, k in sp.composition)
    for r in rows if rational else ():  # rational counts (Fe0.95O): scale the row to integers
        if any(not isinstance(a, int) for a in r):
            den = 1
            for a in r:
                den = math.lcm(den, Fraction(a).denominator)
            r[:] = [int(Fraction(a) * den) for a in r]
    if any(sp.charge for sp in species):
        labels.append("charge")
        rows.append([signs[j] * sp.charge for j, sp in enumerate(species)])
    return tuple(labels), tuple(tuple(r) for r in rows)


def primitive(v: Sequence[int]) -> tuple[int, ...]:
    """Divide an integer vector by the gcd of its entries (zero vector unchanged)."""
    g = 0
    for a in v:
        g = math.gcd(g, int(a))
    return tuple(int(a) // g for a in v) if g > 1 else tuple(int(a) for a in v)


def mat_vec(rows: Sequence[Sequence[int]], x: Sequence[int]) -> tuple[int, ...]:
    """Exact integer product ``M x``."""
    if len(x) > 40 and rows:  # long rows: numpy int64 when no overflow is possible
        import numpy as np

        A = np.asarray(rows, dtype=object)
        amax = max(abs(int(a)) for a in A.ravel()) if A.size else 0
        xmax = max(abs(int(a)) for a in x)
        if amax * xmax * len(x) < (1 << 62):
            v = np.asarray(rows, dtype=np.int64) @ np.asarray(x, dtype=np.int64)
            return tuple(int(a) for a in v)
    return tuple(sum(a * b for a, b in zip(r, x, strict=False) if a) for r in rows)


_P = (1 << 61) - 1  # a Mersenne prime: rank mod p is a lower bound for the rank over Q


def rank(rows: Sequence[Sequence[int]], n: int) -> int:
    """Rank over Q of the integer matrix (``n`` columns)."""
    if not rows:
        return 0
    return flint.fmpz_mat([list(r) for r in rows]).rank()


def independent_columns(rows: Sequence[Sequence[int]], order: Sequence[int], size: int) -> list[int] | None:
    """The first ``size`` columns, taken greedily in ``order``, that are linearly independent.

    Returns None when fewer than ``size`` independent columns occur in ``order``.

    Examples:
        >>> from solvers.reactions.lattice import independent_columns
        >>> independent_columns([[1, 2, 0], [0, 0, 1]], [0, 1, 2], 2)
        [0, 2]
    """
    basis: list[int] = []
    for j in order:
        trial = basis + [j]
        if flint.fmpz_mat([[row[k] for k in trial] for row in rows]).rank() == len(trial):
            basis = trial
            if len(basis) == size:
                return basis
    return basis if len(basis) == size else None


def rank_mod_p(rows: Sequence[Sequence[int]], n: int) -> int:
    """Rank modulo the prime ``2^61 - 1``; never exceeds the rank over Q (a minor that is
    non-zero mod p is non-zero), so it certifies lower bounds cheaply."""
    if not rows:
        return 0
    return flint.nmod_mat([[int(a) % _P for a in r] for r in rows], _P).rank()


def kernel_basis(rows: Sequence[Sequence[int]], n: int | None = None, *, reduce: bool = True
                 ) -> tuple[tuple[int, ...], ...]:
    """A basis of the lattice ``{x in Z^n : M x = 0}``, LLL-reduced, deterministic.

    Args:
        rows: the integer matrix ``M`` as rows.
        n: number of columns (needed when ``rows`` is empty).
        reduce: LLL-reduce the basis (default) for short vectors.

    Returns:
        A tuple of integer vectors (empty when only the zero vector solves ``M x = 0``).
        Each vector is oriented so that its first non-zero entry is positive.

    Examples:
        >>> from solvers.reactions.lattice import kernel_basis
        >>> kernel_basis([[2, 0, -2], [0, 2, -1]])      # 2 H2 + O2 -> 2 H2O
        ((2, 1, 2),)
    """
    rows = [list(map(int, r)) for r in rows]
    if n is None:
        n = len(rows[0])
    if not rows or all(not any(r) for r in rows):
        basis = [tuple(1 if i == j else 0 for i in range(n)) for j in range(n)]
        return tuple(basis)
    M = flint.fmpz_mat(rows)
    X, nullity = M.nullspace()
    if nullity == 0:
        return ()
    if nullity == 1:
        v = primitive([int(X[i, 0]) for i in range(n)])
        return (_orient(v),)
    m = len(rows)
    # Z-basis of the kernel: rows of the unimodular transform in the HNF of [M^T | I].
    aug = flint.fmpz_mat([[rows[i][j] for i in range(m)] + [1 if k == j else 0 for k in range(n)]
                          for j in range(n)])
    H = aug.hnf()
    basis = []
    for i in range(n):
        if all(H[i, k] == 0 for k in range(m)):
            basis.append([int(H[i, m + k]) for k in range(n)])
    if len(basis) != nullity:  # pragma: no cover - HNF guarantees this
        raise ArithmeticError("kernel_basis: HNF did not expose the kernel")
    if reduce:
        L = flint.fmpz_mat(basis).lll()
        basis = [[int(L[i, k]) for k in range(n)] for i in range(L.nrows())]
    out = tuple(_orient(tuple(v)) for v in basis)
    for v in out:  # exact verification
        if any(mat_vec(rows, v)):
            raise ArithmeticError("kernel_basis: verification failed")
    return out


def _orient(v: tuple[int, ...]) -> tuple[int, ...]:
    for a in v:
        if a:
            return v if a > 0 else tuple(-b for b in v)
    return v
