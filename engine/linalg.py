"""Exact linear algebra over Z, Q and F_p, backed by python-flint.

Every function takes a matrix in any of these forms: a list of rows (``int`` or
:class:`fractions.Fraction` entries), a numpy integer array, a sympy ``Matrix`` (integer or
rational entries), or a python-flint ``fmpz_mat`` / ``fmpq_mat`` / ``nmod_mat`` /
``fmpz_mod_mat``. The ring is ``"Z"``, ``"Q"`` or a prime ``p`` (any size: primes below
``2**63`` use word-size ``nmod_mat``, larger ones ``fmpz_mod_mat``; primality is checked).

Nothing is coerced silently: a floating-point entry, a non-integral entry with
``ring="Z"``, a residue matrix whose modulus differs from ``ring``, or a fraction whose
denominator vanishes mod ``p`` raise :class:`~engine.errors.InvalidInputError` naming the
argument and position. Results are plain Python ``int`` / :class:`fractions.Fraction`
values (lists of them).

Functions: :func:`rank`, :func:`det`, :func:`rref`, :func:`solve` (``method="flint"`` or
``"multimodular"``), :func:`particular_solution`, :func:`nullspace` (primitive integer basis,
LLL-reduced where that helps), :func:`left_nullspace`, :func:`hnf`, :func:`snf`,
:func:`rational_reconstruction`, :func:`crt`.

Examples:
    >>> from engine.linalg import rank, nullspace, solve
    >>> rank([[1, 2], [2, 4]], ring="Q")
    1
    >>> nullspace([[1, 2, 3]], ring="Q")
    [[1, 1, -1], [2, -1, 0]]
    >>> solve([[2, 1], [1, 3]], [1, 2], ring="Q")
    [Fraction(1, 5), Fraction(3, 5)]

References:
    H. Cohen, *A Course in Computational Algebraic Number Theory*, GTM 138, Springer 1993
    (Sections 2.2-2.4: echelon forms, kernels, HNF, SNF; 2.6: LLL).
    The FLINT team, *FLINT: Fast Library for Number Theory*, https://flintlib.org.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Literal, cast

import flint

from engine._args import check_flag, short_repr
from engine._matrices import (
    check_integral,
    check_modulus,
    has_fractions,
    integerize_rows,
    parse_ring,
    read_matrix,
    read_vector_or_matrix,
    reduce_rows_mod,
    ring_name,
    rows_to_fmpq,
    rows_to_mod,
)
from engine.errors import InfeasibleError, InvalidInputError, VerificationError

__all__ = [
    "Ring",
    "SolveMethod",
    "NullspaceBasis",
    "SOLVE_METHODS",
    "NULLSPACE_BASES",
    "rank",
    "det",
    "rref",
    "solve",
    "particular_solution",
    "nullspace",
    "left_nullspace",
    "hnf",
    "snf",
    "rational_reconstruction",
    "crt",
]

#: ``"Z"``, ``"Q"`` or a prime modulus ``p``.
Ring = Literal["Z", "Q"] | int

SolveMethod = Literal["auto", "flint", "multimodular"]
NullspaceBasis = Literal["auto", "echelon", "lll"]

#: Above this many columns ``nullspace(..., basis="auto")`` keeps the echelon basis (measured:
#: HNF-with-transform + LLL costs ~20 ms at 20x40 but ~120 ms at 30x60 and >1 s at 60x100).
LLL_AUTO_MAX_COLS = 40


# ============================================================================================
# input handling
# ============================================================================================


def _read(A: Any, ring: Any, name: str = "A") -> tuple[list[list[Any]], str | int]:
    R = parse_ring(ring)
    rows, modulus = read_matrix(A, name)
    check_modulus(modulus, R, name)
    if R == "Z":
        check_integral(rows, name, R)
    return rows, R


def _fmpz(rows: list[list[Any]]) -> flint.fmpz_mat:
    """Integer matrix with the same row space (rows scaled by their denominators)."""
    if has_fractions(rows):
        rows = integerize_rows(rows)
    return flint.fmpz_mat(rows)


def _fast_fmpz(X: Any, R: str | int) -> tuple[flint.fmpz_mat, int] | None:
    """``(numerator, denominator)`` of an fmpz_mat/fmpq_mat input over Z/Q, skipping the
    conversion to Python lists; ``None`` when the general path must run (and validate)."""
    if isinstance(R, int) or not isinstance(X, (flint.fmpz_mat, flint.fmpq_mat)):
        return None
    if X.nrows() == 0 or X.ncols() == 0:
        return None  # the general path raises the "empty" error
    if isinstance(X, flint.fmpz_mat):
        return X, 1
    num, den = X.numer_denom()
    if R == "Z" and int(den) != 1:
        return None  # the general path names the non-integral entry
    return num, int(den)


def _frac(x: Any) -> Fraction:
    return Fraction(int(x.p), int(x.q))


def _pivots(table: list[list[Any]], r: int) -> list[int]:
    piv = []
    for i in range(r):
        row = table[i]
        for j, x in enumerate(row):
            if x != 0:
                piv.append(j)
                break
    return piv


# ============================================================================================
# rank, determinant, rref
# ============================================================================================


def rank(A: Any, ring: Ring = "Q") -> int:
    """Rank of ``A`` over ``ring``.

    Over ``"Z"`` the rank (of the free module spanned by the rows) equals the rank over
    ``"Q"``; over ``F_p`` it can be smaller.

    Args:
        A: matrix (list of rows, numpy integer array, sympy or python-flint matrix).
        ring: ``"Z"``, ``"Q"`` or a prime ``p``.

    Returns:
        The rank, a Python ``int``.

    Raises:
        InvalidInputError: malformed matrix, unsupported ring, composite modulus, ring mismatch.

    Examples:
        >>> from engine.linalg import rank
        >>> rank([[1, 2], [2, 4]], ring="Q")
        1
        >>> rank([[1, 2], [3, 4]], ring=2)
        1

    References:
        Fraction-free Gaussian elimination / multimodular rank in FLINT (``fmpz_mat_rank``).
    """
    fast = _fast_fmpz(A, parse_ring(ring))
    if fast is not None:
        return int(fast[0].rank())
    rows, R = _read(A, ring)
    if isinstance(R, int):
        return int(rows_to_mod(rows, R).rank())
    return int(_fmpz(rows).rank())


def det(A: Any, ring: Ring = "Q") -> int | Fraction:
    """Determinant of a square matrix.

    Returns:
        ``int`` over ``"Z"``, :class:`~fractions.Fraction` over ``"Q"``, an ``int`` in
        ``[0, p)`` over ``F_p``.

    Raises:
        InvalidInputError: non-square or malformed matrix, bad ring, ring mismatch.

    Examples:
        >>> from fractions import Fraction
        >>> from engine.linalg import det
        >>> det([[1, 2], [3, 4]], ring="Z")
        -2
        >>> det([[Fraction(1, 2), 0], [0, 3]], ring="Q")
        Fraction(3, 2)
        >>> det([[1, 2], [3, 4]], ring=5)
        3

    References:
        Cohen 1993, Algorithm 2.2.6 (Gauss-Bareiss); FLINT ``fmpz_mat_det`` (multimodular).
    """
    rows, R = _read(A, ring)
    n = len(rows)
    if len(rows[0]) != n:
        raise InvalidInputError(
            f"A is {n}x{len(rows[0])}; the determinant needs a square matrix"
        )
    if isinstance(R, int):
        return int(rows_to_mod(rows, R).det())
    if R == "Z":
        return int(flint.fmpz_mat(rows).det())
    if has_fractions(rows):
        return _frac(rows_to_fmpq(rows).det())
    return Fraction(int(flint.fmpz_mat(rows).det()))


def rref(A: Any, ring: Ring = "Q") -> tuple[list[list[Any]], list[int]]:
    """Reduced row echelon form over a field (``"Q"`` or ``F_p``).

    Returns:
        ``(R, pivots)``: ``R`` as a list of rows (``Fraction`` over Q, ``int`` in ``[0, p)``
        over F_p), with the same shape as ``A`` (zero rows last), and the pivot columns.

    Raises:
        InvalidInputError: ``ring="Z"`` (Z is not a field: use :func:`hnf`), malformed input.

    Examples:
        >>> from engine.linalg import rref
        >>> R, piv = rref([[1, 2, 3], [2, 4, 7]], ring="Q")
        >>> [[str(x) for x in row] for row in R], piv
        ([['1', '2', '0'], ['0', '0', '1']], [0, 2])
        >>> rref([[2, 4], [1, 1]], ring=7)
        ([[1, 0], [0, 1]], [0, 1])

    References:
        Cohen 1993, Algorithm 2.3.1; FLINT ``fmpz_mat_rref`` (fraction-free).
    """
    rows, R = _read(A, ring)
    if R == "Z":
        raise InvalidInputError(
            "ring='Z' has no reduced row echelon form (Z is not a field); use hnf(A) for the "
            "Hermite normal form, or rref(A, ring='Q')"
        )
    if isinstance(R, int):
        M, r = rows_to_mod(rows, R).rref()
        table = [[int(x) for x in row] for row in M.table()]
        return table, _pivots(table, int(r))
    qtable: list[list[Any]]
    if has_fractions(rows):
        Q, r = rows_to_fmpq(rows).rref()
        qtable = [[_frac(x) for x in row] for row in Q.table()]
    else:
        B, den, r = flint.fmpz_mat(rows).rref()
        d = int(den)
        qtable = [[Fraction(int(x), d) for x in row] for row in B.table()]
    return qtable, _pivots(qtable, int(r))


# ============================================================================================
# nullspace
# ============================================================================================


def _primitive(v: list[int]) -> list[int]:
    g = 0
    for x in v:
        g = math.gcd(g, x)
    if g > 1:
        v = [x // g for x in v]
    for x in v:
        if x != 0:
            if x < 0:
                v = [-y for y in v]
            break
    return v


def _echelon_basis(M: flint.fmpz_mat) -> list[list[int]]:
    X, k = M.nullspace()
    k, n = int(k), M.ncols()
    if k == 0:
        return []
    ent = X.transpose().entries()[: k * n]
    # exact check on FLINT's vectors; dividing by the content and flipping signs keeps A v = 0
    if not (flint.fmpz_mat(k, n, ent) * M.transpose()).is_zero():  # pragma: no cover
        raise VerificationError("nullspace basis failed the exact check A*N == 0")
    vals = list(map(int, ent))
    return [_primitive(vals[i * n:(i + 1) * n]) for i in range(k)]


def _lattice_basis(M: flint.fmpz_mat) -> list[list[int]]:
    """LLL-reduced Z-basis of the integer kernel lattice {x in Z^n : M x = 0}."""
    n = M.ncols()
    r = int(M.rank())
    if r == n:
        return []
    if r == 0:
        return [[1 if i == j else 0 for j in range(n)] for i in range(n)]
    H, T = M.transpose().hnf(True)
    # H = T M^T, T unimodular; the zero rows of H are its last n - r rows.
    K = flint.fmpz_mat(T.table()[r:])
    L = K.lll()
    vecs = [_primitive([int(x) for x in row]) for row in L.table()]
    vecs.sort(key=lambda v: (sum(x * x for x in v), [-abs(x) for x in v], v))
    return vecs


def _mod_nullspace(rows: list[list[Any]], p: int) -> list[list[int]]:
    M = rows_to_mod(rows, p)
    n = M.ncols()
    Rm, r = M.rref()
    table = [[int(x) for x in row] for row in Rm.table()]
    piv = _pivots(table, int(r))
    free = [j for j in range(n) if j not in set(piv)]
    basis = []
    for f in free:
        v = [0] * n
        v[f] = 1
        for i, pc in enumerate(piv):
            v[pc] = (-table[i][f]) % p
        basis.append(v)
    return basis


NULLSPACE_BASES: dict[str, str] = {
    "auto": "lll when the matrix has at most LLL_AUTO_MAX_COLS columns, else echelon",
    "echelon": "one primitive vector per free column (from the fraction-free RREF)",
    "lll": "LLL-reduced Z-basis of the integer kernel lattice (HNF transform + LLL)",
}


def nullspace(A: Any, ring: Ring = "Q", *, basis: NullspaceBasis = "auto") -> list[list[int]]:
    """Basis of the right nullspace ``{x : A x = 0}``.

    Over ``"Q"`` and ``"Z"`` the basis consists of *primitive* integer vectors (gcd of the
    entries 1, first non-zero entry positive). With ``basis="lll"`` it is an LLL-reduced
    basis of the whole integer kernel lattice ``ker(A) ∩ Z^n`` (short vectors, sorted by
    length); with ``basis="echelon"`` it has one vector per free column of the RREF (cheap
    for large matrices; it spans the kernel over Q). ``"auto"`` uses ``"lll"`` up to
    ``LLL_AUTO_MAX_COLS`` columns. Over ``F_p`` the basis is the canonical RREF basis
    (entries in ``[0, p)``, a 1 in each free column); ``basis`` is ignored.

    Args:
        A: matrix; rational entries are allowed over ``"Q"`` (rows are scaled).
        ring: ``"Z"``, ``"Q"`` or a prime ``p``.
        basis: ``"auto"``, ``"echelon"`` or ``"lll"`` (see :data:`NULLSPACE_BASES`).

    Returns:
        A list of vectors (lists of Python ints); empty if ``A`` has full column rank.

    Raises:
        InvalidInputError: malformed input, bad ring or ring mismatch, unknown ``basis``.

    Examples:
        >>> from engine.linalg import nullspace
        >>> nullspace([[1, 2, 3]], ring="Q")
        [[1, 1, -1], [2, -1, 0]]
        >>> nullspace([[1, 2, 3]], ring="Q", basis="echelon")
        [[2, -1, 0], [3, 0, -1]]
        >>> nullspace([[1, 1], [1, 1]], ring=2)
        [[1, 1]]

    References:
        Cohen 1993, Algorithm 2.3.1 (kernel from echelon form), Algorithm 2.4.10 and
        Proposition 2.4.9 (integral kernel from the HNF transformation matrix), Section 2.6
        (LLL, Lenstra-Lenstra-Lovasz 1982).
    """
    if not isinstance(basis, str) or basis not in NULLSPACE_BASES:
        raise InvalidInputError(
            f"basis={short_repr(basis)} is unknown; choose one of {sorted(NULLSPACE_BASES)}"
        )
    fast = _fast_fmpz(A, parse_ring(ring))
    if fast is not None:
        M = fast[0]
    else:
        rows, R = _read(A, ring)
        if isinstance(R, int):
            return _mod_nullspace(rows, R)
        M = _fmpz(rows)
    if basis == "auto":
        basis = "lll" if M.ncols() <= LLL_AUTO_MAX_COLS else "echelon"
    if basis == "echelon":
        return _echelon_basis(M)
    out = _lattice_basis(M)
    if out and not (M * flint.fmpz_mat(out).transpose()).is_zero():  # pragma: no cover
        raise VerificationError("nullspace basis failed the exact check A*N == 0")
    return out


def left_nullspace(A: Any, ring: Ring = "Q", *, basis: NullspaceBasis = "auto") -> list[list[int]]:
    """Basis of the left nullspace ``{y : y A = 0}`` (the nullspace of ``A^T``).

    Raises:
        InvalidInputError: as :func:`nullspace`.

    Examples:
        >>> from engine.linalg import left_nullspace
        >>> left_nullspace([[1, 2], [2, 4], [0, 1]], ring="Q")
        [[2, -1, 0]]

    References:
        Cohen 1993, Section 2.3.
    """
    rows, R = _read(A, ring)
    T = [list(c) for c in zip(*rows, strict=True)]
    return nullspace(T, cast(Ring, R), basis=basis)


# ============================================================================================
# Hermite and Smith normal forms
# ============================================================================================


def hnf(A: Any, *, transform: bool = False) -> Any:
    """Hermite normal form of an integer matrix (row style: ``H = U A``, ``U`` unimodular).

    Args:
        A: integer matrix.
        transform: also return ``U``.

    Returns:
        ``H`` (list of rows of ints), or ``(H, U)`` when ``transform`` is true.

    Raises:
        InvalidInputError: non-integer or malformed input.

    Examples:
        >>> from engine.linalg import hnf
        >>> hnf([[2, 4], [3, 5]])
        [[1, 1], [0, 2]]

    References:
        Cohen 1993, Section 2.4.2; FLINT ``fmpz_mat_hnf`` (Pernet-Stein / Kannan-Bachem).
    """
    transform = check_flag(transform, "transform")
    rows, _ = _read(A, "Z")
    M = flint.fmpz_mat(rows)
    if transform:
        H, U = M.hnf(True)
        return _ints(H), _ints(U)
    return _ints(M.hnf())


def snf(A: Any) -> list[list[int]]:
    """Smith normal form ``diag(d_1, ..., d_r, 0, ...)`` with ``d_i | d_{i+1}``.

    Raises:
        InvalidInputError: non-integer or malformed input.

    Examples:
        >>> from engine.linalg import snf
        >>> snf([[2, 4], [6, 8]])
        [[2, 0], [0, 4]]

    References:
        Cohen 1993, Algorithm 2.4.14; FLINT ``fmpz_mat_snf`` (Kannan-Bachem / Iliopoulos).
    """
    rows, _ = _read(A, "Z")
    return _ints(flint.fmpz_mat(rows).snf())


def _ints(M: Any) -> list[list[int]]:
    return [[int(x) for x in row] for row in M.table()]


# ============================================================================================
# rational reconstruction and CRT
# ============================================================================================


def _check_int(x: Any, name: str) -> int:
    if isinstance(x, bool) or not isinstance(x, int):
        try:
            import numbers

            if isinstance(x, numbers.Integral) and not isinstance(x, bool):
                return int(x)
        except Exception:  # pragma: no cover
            pass
        raise InvalidInputError(f"{name}={short_repr(x)} is not an integer")
    return x


def _ratrec(a: int, m: int, N: int, D: int) -> Fraction | None:
    """Wang's rational reconstruction: r/s = a mod m with |r| <= N, 0 < s <= D."""
    r0, r1 = m, a % m
    s0, s1 = 0, 1
    while r1 > N:
        q = r0 // r1
        r0, r1 = r1, r0 - q * r1
        s0, s1 = s1, s0 - q * s1
    if s1 == 0 or abs(s1) > D:
        return None
    if s1 < 0:
        r1, s1 = -r1, -s1
    if math.gcd(r1, s1) != 1 or math.gcd(s1, m) != 1:
        return None
    return Fraction(r1, s1)


def _ratrec_vector(xs: list[int], m: int, N: int, D: int) -> list[Fraction] | None:
    """Reconstruct a vector sharing denominators (Monagan's common-denominator trick)."""
    d = 1
    half = m // 2
    out = []
    for a in xs:
        y = a * d % m
        if y > half:
            y -= m
        if abs(y) <= N:
            out.append(Fraction(y, d))
            continue
        f = _ratrec(y, m, N, D // d)
        if f is None:
            return None
        d *= f.denominator
        out.append(Fraction(f.numerator, d))
    return out


def rational_reconstruction(
    a: Any, m: int, *, num_bound: int | None = None, den_bound: int | None = None
) -> Fraction | list[Fraction]:
    """Find ``r/s`` with ``r ≡ a*s (mod m)``, ``|r| <= N``, ``0 < s <= D``.

    Defaults ``N = D = floor(sqrt((m - 1) / 2))``, for which the answer is unique. ``a`` may be
    an integer or a sequence of integers (a vector, reconstructed with a shared denominator).

    Args:
        a: residue(s) mod ``m``.
        m: modulus ``>= 2`` (need not be prime).
        num_bound: ``N``; den_bound: ``D`` (``2*N*D < m`` guarantees uniqueness).

    Returns:
        A :class:`~fractions.Fraction`, or a list of them for a vector.

    Raises:
        InvalidInputError: non-integer input, ``m < 2``, bounds with ``2*N*D >= m``.
        InfeasibleError: no fraction within the bounds is congruent to ``a``.

    Examples:
        >>> from engine.linalg import rational_reconstruction
        >>> m = 10**9 + 7
        >>> rational_reconstruction(2 * pow(3, -1, m) % m, m)
        Fraction(2, 3)
        >>> rational_reconstruction([pow(7, -1, m), 5 * pow(14, -1, m) % m], m)
        [Fraction(1, 7), Fraction(5, 14)]

    References:
        P. S. Wang, "A p-adic algorithm for univariate partial fractions", SYMSACS 1981;
        J. von zur Gathen and J. Gerhard, *Modern Computer Algebra*, Section 5.10;
        M. Monagan, "Maximal quotient rational reconstruction", ISSAC 2004.
    """
    m = _check_int(m, "m")
    if m < 2:
        raise InvalidInputError(f"m={m} must be at least 2")
    default = math.isqrt((m - 1) // 2)
    N = default if num_bound is None else _check_int(num_bound, "num_bound")
    D = default if den_bound is None else _check_int(den_bound, "den_bound")
    if N < 0 or D < 1:
        raise InvalidInputError(f"num_bound={N} must be >= 0 and den_bound={D} >= 1")
    if 2 * N * D >= m:
        raise InvalidInputError(
            f"num_bound={N} and den_bound={D} give 2*N*D >= m={m}; the reconstruction would not "
            f"be unique: lower the bounds or use a larger modulus"
        )
    if isinstance(a, (list, tuple)) or (hasattr(a, "tolist") and getattr(a, "ndim", 1) != 0):
        seq = a.tolist() if hasattr(a, "tolist") else a
        if not isinstance(seq, list | tuple):
            raise InvalidInputError(f"a={short_repr(a)} must be an integer or a vector of integers")
        xs = [_check_int(x, f"a[{i}]") % m for i, x in enumerate(seq)]
        out = _ratrec_vector(xs, m, N, D)
        if out is None:
            raise InfeasibleError(
                f"no vector of fractions with numerators <= {N} and common denominator <= {D} "
                f"matches a mod {m}; use a larger modulus (more primes)",
                reason="no_reconstruction",
            )
        return out
    x = _check_int(a, "a") % m
    f = _ratrec(x, m, N, D)
    if f is None:
        raise InfeasibleError(
            f"no fraction r/s with |r| <= {N}, 0 < s <= {D} is congruent to a={x} mod {m}; "
            f"use a larger modulus (more primes)",
            reason="no_reconstruction",
        )
    return f


def _as_list(x: Any, name: str) -> list[Any]:
    """A list/tuple/1-D array argument as a list, else one clear error."""
    if hasattr(x, "tolist") and getattr(x, "ndim", 1) != 0:
        x = x.tolist()
    if not isinstance(x, list | tuple):
        raise InvalidInputError(f"{name}={short_repr(x)} must be a list of integers")
    return list(x)


def crt(residues: Any, moduli: Any) -> tuple[Any, int]:
    """Chinese remaindering: ``x ≡ residues[i] (mod moduli[i])`` for all ``i``.

    Moduli need not be coprime; compatible residues are combined modulo the lcm.
    ``residues`` may also be a list of equal-length vectors (one per modulus).

    Returns:
        ``(x, M)`` with ``M = lcm(moduli)`` and ``0 <= x < M`` (``x`` a list for vectors).

    Raises:
        InvalidInputError: lengths differ, a modulus < 1, non-integer input.
        InfeasibleError: residues that contradict each other modulo a common factor.

    Examples:
        >>> from engine.linalg import crt
        >>> crt([2, 3, 2], [3, 5, 7])
        (23, 105)
        >>> crt([[1, 2], [0, 3]], [5, 7])
        ([21, 17], 35)

    References:
        von zur Gathen and Gerhard, *Modern Computer Algebra*, Section 5.4.
    """
    residues = _as_list(residues, "residues")
    moduli = [_check_int(q, f"moduli[{i}]") for i, q in enumerate(_as_list(moduli, "moduli"))]
    if len(residues) != len(moduli) or not moduli:
        raise InvalidInputError(
            f"residues has {len(residues)} entries and moduli {len(moduli)}; give one residue "
            f"per modulus (at least one)"
        )
    for i, q in enumerate(moduli):
        if q < 1:
            raise InvalidInputError(f"moduli[{i}]={q} must be a positive integer")
    vector = isinstance(residues[0], (list, tuple)) or (
        hasattr(residues[0], "tolist") and getattr(residues[0], "ndim", 1) != 0)
    if vector:
        vecs = [_as_list(v, f"residues[{i}]") for i, v in enumerate(residues)]
        k = len(vecs[0])
        for i, v in enumerate(vecs):
            if len(v) != k:
                raise InvalidInputError(
                    f"residues[{i}] has {len(v)} entries, residues[0] has {k}; vectors must "
                    f"have equal length"
                )
        cur = [_check_int(x, f"residues[0][{j}]") % moduli[0] for j, x in enumerate(vecs[0])]
    else:
        cur = [_check_int(residues[0], "residues[0]") % moduli[0]]
        vecs = [[_check_int(r, f"residues[{i}]")] for i, r in enumerate(residues)]
    M = moduli[0]
    for i in range(1, len(moduli)):
        q = moduli[i]
        g = math.gcd(M, q)
        Mg, qg = M // g, q // g
        inv = pow(Mg, -1, qg) if qg > 1 else 0
        L = M * qg
        nxt = []
        for j, x in enumerate(cur):
            r = _check_int(vecs[i][j], f"residues[{i}]") % q
            if (r - x) % g:
                raise InfeasibleError(
                    f"residues[{i}]={r} (mod {q}) contradicts the earlier residues modulo "
                    f"gcd={g}; no integer satisfies all congruences",
                    reason="incompatible_residues",
                )
            t = ((r - x) // g) * inv % qg if qg > 1 else 0
            nxt.append((x + M * t) % L)
        cur, M = nxt, L
    return (cur if vector else cur[0]), M


# ============================================================================================
# solving
# ============================================================================================


def _analyse_failure(Aq: flint.fmpz_mat, Aug: flint.fmpz_mat, ring: str | int) -> None:
    """Raise InfeasibleError (inconsistent) or InvalidInputError (singular, consistent)."""
    ra, rb = int(Aq.rank()), int(Aug.rank())
    n = Aq.ncols()
    if rb > ra:
        raise InfeasibleError(
            f"the system A x = b is inconsistent over {ring_name(ring)}: rank(A)={ra} < "
            f"rank([A|b])={rb}, so no solution exists",
            reason="inconsistent",
        )
    raise InvalidInputError(
        f"A is singular over {ring_name(ring)} (rank {ra} < {n} unknowns): the solutions form an "
        f"affine space of dimension {n - ra}; use particular_solution(A, b, ring) plus "
        f"nullspace(A, ring) for all of them"
    )


def _mod_solve(rows: list[list[Any]], brows: list[list[Any]], p: int) -> list[list[int]]:
    """Unique solution over F_p via RREF of [A | B]."""
    n = len(rows[0])
    k = len(brows[0])
    aug = [list(r) + list(b) for r, b in zip(rows, brows, strict=True)]
    M = rows_to_mod(aug, p, "[A|b]")
    Rm, r = M.rref()
    table = [[int(x) for x in row] for row in Rm.table()]
    piv = _pivots(table, int(r))
    if any(c >= n for c in piv):
        ra = sum(1 for c in piv if c < n)
        raise InfeasibleError(
            f"the system A x = b is inconsistent over F_{p}: rank(A)={ra} < rank([A|b])="
            f"{len(piv)}, so no solution exists",
            reason="inconsistent",
        )
    if len(piv) < n:
        raise InvalidInputError(
            f"A is singular over F_{p} (rank {len(piv)} < {n} unknowns): the solutions form an "
            f"affine space of dimension {n - len(piv)}; use particular_solution(A, b, {p}) plus "
            f"nullspace(A, {p})"
        )
    X = [[0] * k for _ in range(n)]
    for i, c in enumerate(piv):
        for j in range(k):
            X[c][j] = table[i][n + j]
    return X


def _to_fracs(X: flint.fmpq_mat) -> list[list[Fraction]]:
    return [[_frac(x) for x in row] for row in X.table()]


def _solve_flint(Ai: flint.fmpz_mat, Bi: flint.fmpz_mat, ring: str | int) -> list[list[Fraction]]:
    m, n = Ai.nrows(), Ai.ncols()
    if m == n:
        try:
            return _to_fracs(cast(flint.fmpq_mat, Ai.solve(Bi)))
        except ZeroDivisionError:
            _analyse_failure(Ai, _hcat(Ai, Bi), ring)
    # rectangular: fraction-free RREF of [A | B]
    aug = _hcat(Ai, Bi)
    E, den, r = aug.rref()
    r = int(r)
    table = E.table()
    piv = _pivots(table, r)
    if any(c >= n for c in piv) or len(piv) < n:
        _analyse_failure(Ai, aug, ring)
    d = int(den)
    k = Bi.ncols()
    X = [[Fraction(0)] * k for _ in range(n)]
    for i, c in enumerate(piv):
        for j in range(k):
            X[c][j] = Fraction(int(table[i][n + j]), d)
    return X


def _hcat(A: flint.fmpz_mat, B: flint.fmpz_mat) -> flint.fmpz_mat:
    return flint.fmpz_mat([ra + rb for ra, rb in zip(A.table(), B.table(), strict=True)])


_PRIME_CACHE: list[int] = []

#: Primes tried with rational reconstruction before switching to the known-determinant CRT.
RATREC_PRIMES = 3


def _word_primes():
    """Primes just below 2**62, descending (cached); word-size for ``nmod_mat``."""
    i = 0
    while True:
        while i >= len(_PRIME_CACHE):
            c = _PRIME_CACHE[-1] - 2 if _PRIME_CACHE else (1 << 62) - 1
            while not flint.fmpz(c).is_prime():
                c -= 2
            _PRIME_CACHE.append(c)
        yield _PRIME_CACHE[i]
        i += 1


def _hadamard_bits(Ai: flint.fmpz_mat, Bi: flint.fmpz_mat) -> int:
    """log2 of prod_i ||row_i of [A|B]||_2: bounds every Cramer determinant."""
    total = 0.0
    for ra, rb in zip(Ai.table(), Bi.table(), strict=True):
        s = sum(int(x) ** 2 for x in ra) + sum(int(x) ** 2 for x in rb)
        if s:
            total += 0.5 * math.log2(s)
    return int(total) + 2


def _solve_multimodular(
    Ai: flint.fmpz_mat, Bi: flint.fmpz_mat, ring: str | int
) -> list[list[Fraction]]:
    m, n = Ai.nrows(), Ai.ncols()
    k = Bi.ncols()
    A_sq, B_sq = Ai, Bi
    primes = _word_primes()
    if m != n:
        if m < n:
            return _solve_flint(Ai, Bi, ring)  # underdetermined: singular or flint explains
        # pick n rows independent mod a prime (then independent over Q)
        p0 = next(primes)
        T = flint.nmod_mat(Ai.transpose(), p0)
        Rt, rt = T.rref()
        rows_idx = _pivots(Rt.table(), int(rt))
        if len(rows_idx) < n:
            return _solve_flint(Ai, Bi, ring)
        A_sq = flint.fmpz_mat([Ai.table()[i] for i in rows_idx])
        B_sq = flint.fmpz_mat([Bi.table()[i] for i in rows_idx])
        primes = _word_primes()
    # Phase 1 (early termination for small solutions): CRT + rational reconstruction, tried
    # after each of the first RATREC_PRIMES primes and verified exactly.
    # Phase 2: d = det(A) from FLINT; y = d*x is an integer vector (Cramer) with |y_j| <= H
    # (Hadamard bound of [A|B]), so plain CRT of y mod p = d * x mod p needs about half the
    # primes of rational reconstruction; stop when y stops changing and A y == d b verifies,
    # at the latest when M > 2H.
    M = 1
    X: list[int] | None = None
    bad = 0
    used = 0
    d: int | None = None
    bound_bits: int | None = None
    prev: list[int] | None = None
    for p in primes:
        if d is not None and d % p == 0:
            continue
        Ap = flint.nmod_mat(A_sq, p)
        try:
            Xp = Ap.solve(flint.nmod_mat(B_sq, p))
        except ZeroDivisionError:
            bad += 1
            if bad >= 3 and int(A_sq.rank()) < n:
                _analyse_failure(Ai, _hcat(Ai, Bi), ring)
            continue
        res = [int(x) for x in Xp.entries()]
        if d is not None:
            dp = d % p
            res = [r * dp % p for r in res]
        used += 1
        if X is None:
            X, M = res, p
        else:
            inv = pow(M % p, -1, p)
            X = [x + M * ((r - x) * inv % p) for x, r in zip(X, res, strict=True)]
            M *= p
        if d is None:
            N = math.isqrt((M - 1) // 2)
            fr = _ratrec_vector(X, M, N, N)
            if fr is not None and _verify(A_sq, B_sq, fr, n, k):
                return _finish(Ai, Bi, fr, n, k, m)
            if used >= RATREC_PRIMES:
                d = int(A_sq.det())
                if d == 0:  # pragma: no cover - A_sq was checked nonsingular mod a prime
                    _analyse_failure(Ai, _hcat(Ai, Bi), ring)
                X = [x * d % M for x in X]
                bound_bits = _hadamard_bits(A_sq, B_sq) + 2
            continue
        half = M // 2
        Y = [x - M if x > half else x for x in X]
        if Y == prev or M.bit_length() > bound_bits:
            Yn = flint.fmpz_mat(n, k, Y)
            if A_sq * Yn == B_sq * d:
                return _finish(Ai, Bi, [Fraction(y, d) for y in Y], n, k, m)
            if M.bit_length() > bound_bits:
                raise VerificationError(  # pragma: no cover - would be a bug
                    "multimodular solve passed the Hadamard bound without a verified solution"
                )
        prev = Y
    raise AssertionError("unreachable")  # pragma: no cover


def _finish(Ai, Bi, fr: list[Fraction], n: int, k: int, m: int) -> list[list[Fraction]]:
    """Return the verified square-subsystem solution, or prove the full system inconsistent."""
    if m != n and not _verify(Ai, Bi, fr, n, k):
        # the square subsystem has full rank, so its solution is the only candidate
        raise InfeasibleError(
            "the system A x = b is inconsistent over Q: the unique solution of a full-rank "
            "square subsystem violates the remaining equations",
            reason="inconsistent",
        )
    return [fr[i * k:(i + 1) * k] for i in range(n)]


def _verify(Ai: flint.fmpz_mat, Bi: flint.fmpz_mat, fr: list[Fraction], n: int, k: int) -> bool:
    d = 1
    for f in fr:
        d = d * f.denominator // math.gcd(d, f.denominator)
    Xn = flint.fmpz_mat(n, k, [f.numerator * (d // f.denominator) for f in fr])
    return Ai * Xn == Bi * d


SOLVE_METHODS: dict[str, Any] = {
    "flint": _solve_flint,
    "multimodular": _solve_multimodular,
}
#: Chosen by measurement (tests/benchmarks/bench_linalg.py): FLINT's own solver (Dixon p-adic
#: lifting / multimodular in C) beats the Python-level multimodular loop on dense systems.
DEFAULT_SOLVE_METHOD = "flint"


def _prepare_system(A: Any, b: Any, ring: Any):
    R = parse_ring(ring)
    rows, modA = read_matrix(A, "A")
    check_modulus(modA, R, "A")
    brows, modB, is_vec = read_vector_or_matrix(b, "b")
    check_modulus(modB, R, "b")
    if len(brows) != len(rows):
        raise InvalidInputError(
            f"b has {len(brows)} rows but A has {len(rows)}; give one right-hand side entry per "
            f"equation"
        )
    if R == "Z":
        check_integral(rows, "A", R)
        check_integral(brows, "b", R)
    elif isinstance(R, int):
        return R, reduce_rows_mod(rows, R, "A"), reduce_rows_mod(brows, R, "b"), is_vec
    return R, rows, brows, is_vec


def _integer_system(rows, brows):
    """Scale each equation by the lcm of its denominators: same solutions, integer entries."""
    if not has_fractions(rows) and not has_fractions(brows):
        return flint.fmpz_mat(rows), flint.fmpz_mat(brows)
    aug = integerize_rows([list(r) + list(b) for r, b in zip(rows, brows, strict=True)])
    n = len(rows[0])
    return flint.fmpz_mat([r[:n] for r in aug]), flint.fmpz_mat([r[n:] for r in aug])


def solve(A: Any, b: Any, ring: Ring = "Q", *, method: SolveMethod = "auto") -> Any:
    """The unique solution of ``A x = b``.

    ``A`` may be rectangular (m >= n with full column rank). ``b`` is a vector (list or 1-D
    array; the result is a list) or a matrix of right-hand sides (the result is a list of
    rows, ``n x k``). Over ``"Q"`` the entries are :class:`~fractions.Fraction`; over ``"Z"``
    ints (an integer solution is required); over ``F_p`` ints in ``[0, p)``.

    Methods over Q/Z (see :data:`SOLVE_METHODS`): ``"flint"`` calls FLINT's solver
    (``fmpz_mat.solve``: Dixon p-adic lifting) or a fraction-free RREF for rectangular
    systems; ``"multimodular"`` solves modulo word-size primes (62 bits) with ``nmod_mat``
    and combines by CRT, in the spirit of FiniteFieldSolve: for the first
    :data:`RATREC_PRIMES` primes it tries rational reconstruction (early exit for solutions
    of small height), then it takes ``d = det(A)`` from FLINT and recovers the integer vector
    ``d x`` by CRT (half the primes), stopping when the residues stabilise; every candidate
    is verified exactly (``A x == b``) and the Hadamard bound caps the number of primes.
    Non-square systems are reduced to ``n`` rows independent mod a prime, and the answer is
    checked against all rows. ``"auto"`` uses :data:`DEFAULT_SOLVE_METHOD` (``"flint"``,
    measured faster on dense systems of full-height solution; see
    ``tests/benchmarks/bench_linalg.py``).

    Args:
        A: coefficient matrix; b: right-hand side(s); ring: ``"Z"``, ``"Q"`` or a prime.
        method: ``"auto"``, ``"flint"`` or ``"multimodular"``.

    Returns:
        The solution vector (list) or matrix (list of rows).

    Raises:
        InvalidInputError: malformed input, mismatched sizes, ring mismatch, unknown method,
            or a *singular* consistent system (the message gives the nullity and points to
            :func:`particular_solution` and :func:`nullspace`).
        InfeasibleError: the system is inconsistent (or, over Z, has no integer solution).

    Examples:
        >>> from engine.linalg import solve
        >>> solve([[2, 1], [1, 3]], [1, 2], ring="Q")
        [Fraction(1, 5), Fraction(3, 5)]
        >>> solve([[2, 1], [1, 3]], [1, 2], ring="Q", method="multimodular")
        [Fraction(1, 5), Fraction(3, 5)]
        >>> solve([[2, 1], [1, 3]], [1, 2], ring=7)
        [3, 2]
        >>> solve([[1, 1], [1, -1]], [4, 2], ring="Z")
        [3, 1]

    References:
        J. D. Dixon, "Exact solution of linear equations using p-adic expansions",
        Numer. Math. 40 (1982); von zur Gathen and Gerhard, *Modern Computer Algebra*,
        Sections 5.4-5.5 (CRT, small primes modular algorithm) and 5.10 (rational
        reconstruction); J. Mangan, "FiniteFieldSolve: exactly solving large linear systems
        in high-energy theory", arXiv:2311.01671.
    """
    if not isinstance(method, str) or (method != "auto" and method not in SOLVE_METHODS):
        raise InvalidInputError(
            f"method={short_repr(method)} is unknown; choose one of {['auto', *sorted(SOLVE_METHODS)]}"
        )
    R = parse_ring(ring)
    fast_a, fast_b = _fast_fmpz(A, R), _fast_fmpz(b, R)
    if fast_a is not None and fast_b is not None and fast_a[0].nrows() == fast_b[0].nrows():
        # flint matrices in, no conversion: (numA/dA) x = numB/dB  <=>  numA*dB x = numB*dA
        (na, da), (nb, db) = fast_a, fast_b
        Ai = na if db == 1 else na * db
        Bi = nb if da == 1 else nb * da
        is_vec = False
    else:
        R, rows, brows, is_vec = _prepare_system(A, b, ring)
        if not isinstance(R, int):
            Ai, Bi = _integer_system(rows, brows)
    if isinstance(R, int):
        X = _mod_solve(rows, brows, R)
    else:
        fn = SOLVE_METHODS[DEFAULT_SOLVE_METHOD if method == "auto" else method]
        X = fn(Ai, Bi, R)
        if R == "Z":
            bad = [(i, x) for i, row in enumerate(X) for x in row if x.denominator != 1]
            if bad:
                i, x = bad[0]
                raise InfeasibleError(
                    f"A x = b has no integer solution: its unique rational solution has "
                    f"x[{i}]={x}; use ring='Q' for the rational solution",
                    reason="no_integer_solution",
                    certificate=X,
                )
            X = [[x.numerator for x in row] for row in X]
    return [row[0] for row in X] if is_vec else X


def particular_solution(A: Any, b: Any, ring: Ring = "Q") -> list[Any]:
    """One solution of ``A x = b`` (not necessarily unique); ``b`` a vector.

    Over ``"Q"``/``F_p`` the free variables of the RREF are set to 0. Over ``"Z"`` an integer
    solution is found from the integer kernel lattice of ``[A | -b]`` (HNF transform), or its
    absence is proved. Add :func:`nullspace` vectors to get all solutions.

    Raises:
        InvalidInputError: malformed input or ring mismatch; ``b`` not a vector.
        InfeasibleError: no solution (over Z: no integer solution).

    Examples:
        >>> from engine.linalg import particular_solution
        >>> particular_solution([[1, 2, 3]], [6], ring="Q")
        [Fraction(6, 1), Fraction(0, 1), Fraction(0, 1)]
        >>> particular_solution([[2, 4]], [6], ring="Z")
        [3, 0]

    References:
        Cohen 1993, Sections 2.3 and 2.4.3 (HNF and linear Diophantine systems).
    """
    R, rows, brows, is_vec = _prepare_system(A, b, ring)
    if not is_vec and len(brows[0]) != 1:
        raise InvalidInputError("b must be a single right-hand side vector")
    n = len(rows[0])
    if isinstance(R, int):
        aug = [list(r) + [bb[0]] for r, bb in zip(rows, brows, strict=True)]
        M = rows_to_mod(aug, R, "[A|b]")
        Rm, r = M.rref()
        table = [[int(x) for x in row] for row in Rm.table()]
        piv = _pivots(table, int(r))
        if n in piv:
            raise InfeasibleError(
                f"the system A x = b is inconsistent over F_{R}", reason="inconsistent"
            )
        x = [0] * n
        for i, c in enumerate(piv):
            x[c] = table[i][n]
        return x
    Ai, Bi = _integer_system(rows, brows)
    Aug = _hcat(Ai, Bi)
    if R == "Q":
        E, den, r = Aug.rref()
        etable = E.table()
        piv = _pivots(etable, int(r))
        if n in piv:
            _analyse_failure(Ai, Aug, R)
        xq = [Fraction(0)] * n
        for i, c in enumerate(piv):
            xq[c] = Fraction(int(etable[i][n]), int(den))
        return xq
    # Z: kernel lattice of [A | -b]; need a lattice vector with last coordinate 1.
    Mneg = _hcat(Ai, -Bi)
    K = _lattice_kernel_rows(Mneg)
    g, coeffs = 0, cast(list[int], [])
    for v in K:
        g, coeffs = _xgcd_accumulate(g, coeffs, v[n])
    if g != 1:
        if int(Ai.rank()) < int(Aug.rank()):
            raise InfeasibleError("the system A x = b is inconsistent over Q (hence over Z)",
                                  reason="inconsistent")
        raise InfeasibleError(
            "A x = b has rational but no integer solutions (the last coordinates of the integer "
            f"kernel lattice of [A | -b] generate {g}Z, not Z)",
            reason="no_integer_solution",
        )
    x = [0] * (n + 1)
    for c, v in zip(coeffs, K, strict=True):
        if c:
            x = [xi + c * vi for xi, vi in zip(x, v, strict=True)]
    assert x[n] == 1
    xs = x[:n]
    if Ai * flint.fmpz_mat([[v] for v in xs]) != Bi:  # pragma: no cover
        raise VerificationError("integer particular solution failed the exact check")
    return xs


def _lattice_kernel_rows(M: flint.fmpz_mat) -> list[list[int]]:
    n = M.ncols()
    r = int(M.rank())
    if r == n:
        return []
    H, T = M.transpose().hnf(True)
    return [[int(x) for x in row] for row in T.table()[r:]]


def _xgcd_accumulate(g: int, coeffs: list[int], a: int) -> tuple[int, list[int]]:
    """Extend g = sum coeffs_i a_i to include a new a (Bezout coefficients kept)."""
    if not coeffs and g == 0:
        return (abs(a), [1 if a >= 0 else -1]) if a else (0, [0])
    # s*g + t*a = g'
    old_r, r = g, a
    old_s, s = 1, 0
    old_t, t = 0, 1
    while r:
        q = old_r // r
        old_r, r = r, old_r - q * r
        old_s, s = s, old_s - q * s
        old_t, t = t, old_t - q * t
    if old_r < 0:
        old_r, old_s, old_t = -old_r, -old_s, -old_t
    return old_r, [c * old_s for c in coeffs] + [old_t]
