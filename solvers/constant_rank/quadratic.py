"""Rational quadratic forms: diagonalisation, Hilbert symbols and anisotropy (Hasse-Minkowski).

Used by the constant-rank decision over Q: a Pfaffian minor ``f(t)`` of total degree 2 is the
dehomogenisation ``f(t) = Q(1, t)`` of a quadratic form ``Q(x_0, t)`` in ``x_0`` and the
variables that occur in ``f``. When ``Q`` is nondegenerate, ``f`` has a rational zero iff
``Q`` is isotropic over Q (an isotropic nondegenerate form has isotropic vectors spanning the
space, so one has ``x_0 != 0``). By the Hasse-Minkowski theorem ``Q`` is isotropic over Q iff it
is isotropic over R and over every ``Q_p``; for a diagonal form ``<a_1, ..., a_n>`` with
squarefree integer ``a_i`` only ``p = 2`` and the primes dividing some ``a_i`` can fail.

Local criterion (J.-P. Serre, *A Course in Arithmetic*, Ch. IV, Thm 6): with ``d`` the
discriminant and ``e = prod_{i<j} (a_i, a_j)_p`` the Hasse invariant, ``Q`` is isotropic over
``Q_p`` iff ``n = 2`` and ``d = -1``; ``n = 3`` and ``(-1, -d)_p = e``; ``n = 4`` and
(``d != 1`` or ``e = (-1, -1)_p``); ``n >= 5``. Hilbert symbols: Serre Ch. III, Thm 1.
Over R: isotropic iff the diagonal has both signs.

A certificate names the place where ``Q`` is anisotropic: ``"infinity"`` (definite: also the
"positive definite polynomial" case, no real zero at all) or a prime ``p``;
:func:`check_anisotropy` re-derives it from the Gram matrix.

Examples:
    >>> from fractions import Fraction
    >>> from solvers.constant_rank.quadratic import anisotropy_certificate
    >>> anisotropy_certificate([[1, 0, 0], [0, 1, 0], [0, 0, -3]])     # x^2 + y^2 - 3 z^2
    {'diagonal': [1, 1, -3], 'place': 2}
    >>> anisotropy_certificate([[1, 0, 0], [0, 1, 0], [0, 0, -2]]) is None       # (1, 1, 1) is a zero
    True
"""

from __future__ import annotations

import numbers
from fractions import Fraction
from typing import Any

import flint

from engine._args import short_repr
from engine.errors import InvalidInputError, VerificationError

__all__ = [
    "hilbert_symbol",
    "diagonalize",
    "is_isotropic_at",
    "anisotropy_certificate",
    "check_anisotropy",
    "quadratic_form_of_polynomial",
    "sos_certificate",
    "check_sos",
]


def _rat(x: Any, where: str) -> Fraction:
    if isinstance(x, bool):
        raise InvalidInputError(f"{where}={short_repr(x)} is a bool; give a rational number")
    if isinstance(x, numbers.Rational):
        return Fraction(x)
    if isinstance(x, str):
        try:
            return Fraction(x)
        except (ValueError, ZeroDivisionError):
            pass
    raise InvalidInputError(f"{where}={short_repr(x)} is not a rational number; use ints, Fractions or '3/4'")


def _gram(gram: Any) -> list[list[Fraction]]:
    if isinstance(gram, str | bytes) or not isinstance(gram, list | tuple):
        raise InvalidInputError(f"gram={short_repr(gram)} must be a symmetric matrix (list of rows)")
    n = len(gram)
    G = []
    for i, row in enumerate(gram):
        if isinstance(row, str | bytes) or not isinstance(row, list | tuple) or len(row) != n:
            raise InvalidInputError(f"gram row {i} = {short_repr(row)} must be a list of {n} numbers")
        G.append([_rat(x, f"gram[{i}][{j}]") for j, x in enumerate(row)])
    for i in range(n):
        for j in range(i):
            if G[i][j] != G[j][i]:
                raise InvalidInputError(f"gram is not symmetric: entry ({i}, {j}) = {G[i][j]} but ({j}, {i}) = {G[j][i]}")
    return G


def diagonalize(gram: Any) -> list[Fraction]:
    """Diagonal entries of a form congruent to the symmetric ``gram`` (Lagrange reduction).

    Raises:
        InvalidInputError: not a symmetric rational matrix.

    Examples:
        >>> from solvers.constant_rank.quadratic import diagonalize
        >>> [str(x) for x in diagonalize([[0, 1], [1, 0]])]     # 2xy = (x+y)^2/2 - (x-y)^2/2
        ['2', '-1/2']
    """
    A = _gram(gram)
    n = len(A)
    diag: list[Fraction] = []
    for k in range(n):
        if A[k][k] == 0:
            j = next((j for j in range(k + 1, n) if A[j][j] != 0), None)
            if j is not None:  # swap k and j
                A[k], A[j] = A[j], A[k]
                for row in A:
                    row[k], row[j] = row[j], row[k]
            else:
                j = next((j for j in range(k + 1, n) if A[k][j] != 0), None)
                if j is not None:  # e_k += e_j makes A[k][k] = 2 A[k][j] != 0
                    for c in range(n):
                        A[k][c] += A[j][c]
                    for r in range(n):
                        A[r][k] += A[r][j]
        piv = A[k][k]
        diag.append(piv)
        if piv == 0:
            continue  # row k is zero on k..n-1: a radical direction
        for i in range(k + 1, n):
            f = A[i][k] / piv
            if f:
                for c in range(k, n):
                    A[i][c] -= f * A[k][c]
                for r in range(k, n):
                    A[r][i] -= f * A[r][k]
    return diag


def _squarefree(x: Fraction) -> int:
    """The squarefree integer in the square class of the nonzero rational ``x``."""
    v = x.numerator * x.denominator
    sign = -1 if v < 0 else 1
    out = 1
    for pr, e in flint.fmpz(abs(v)).factor():
        if e % 2:
            out *= int(pr)
    return sign * out


def _legendre(a: int, p: int) -> int:
    a %= p
    if a == 0:
        return 0
    return 1 if pow(a, (p - 1) // 2, p) == 1 else -1


def _split(a: int, p: int) -> tuple[int, int]:
    k = 0
    while a % p == 0:
        a //= p
        k += 1
    return k, a


def hilbert_symbol(a: Any, b: Any, p: Any) -> int:
    """The Hilbert symbol ``(a, b)_p`` of nonzero rationals (``p`` a prime or ``"infinity"``).

    ``(a, b)_p = 1`` iff ``a x^2 + b y^2 = z^2`` has a nonzero solution over ``Q_p`` (Serre,
    *A Course in Arithmetic*, Ch. III, Thm 1).

    Raises:
        InvalidInputError: ``a`` or ``b`` zero or not rational, ``p`` not a prime.

    Examples:
        >>> from solvers.constant_rank.quadratic import hilbert_symbol
        >>> hilbert_symbol(-1, -1, 2), hilbert_symbol(-1, -1, "infinity"), hilbert_symbol(2, 3, 3)
        (-1, -1, -1)
    """
    a, b = _rat(a, "a"), _rat(b, "b")
    if a == 0 or b == 0:
        raise InvalidInputError("the Hilbert symbol needs nonzero a and b")
    if p == "infinity":
        return -1 if a < 0 and b < 0 else 1
    if isinstance(p, bool) or not isinstance(p, int) or p < 2 or not flint.fmpz(p).is_prime():
        raise InvalidInputError(f"p={short_repr(p)} must be a prime or 'infinity'")
    a, b = _squarefree(a), _squarefree(b)
    al, u = _split(a, p)
    be, v = _split(b, p)
    if p != 2:
        eps = (p - 1) // 2
        s = (-1) ** (al * be * eps)
        return s * (_legendre(u, p) ** be) * (_legendre(v, p) ** al)
    e = lambda x: ((x - 1) // 2) % 2  # noqa: E731
    w = lambda x: ((x * x - 1) // 8) % 2  # noqa: E731
    return (-1) ** ((e(u) * e(v) + al * w(v) + be * w(u)) % 2)


def _is_square_qp(d: int, p: int) -> bool:
    k, u = _split(d, p)
    if k % 2:
        return False
    return u % 8 == 1 if p == 2 else _legendre(u, p) == 1


def is_isotropic_at(diagonal: list[int], place: Any) -> bool:
    """Whether the nondegenerate diagonal form ``<a_1, ..., a_n>`` (nonzero squarefree ints)
    is isotropic over ``Q_p`` (``place = p``) or R (``place = "infinity"``)."""
    n = len(diagonal)
    if place == "infinity":
        return any(a > 0 for a in diagonal) and any(a < 0 for a in diagonal)
    p = place
    if n <= 1:
        return False
    d = 1
    for a in diagonal:
        d *= a
    d = _squarefree(Fraction(d))
    e = 1
    for i in range(n):
        for j in range(i + 1, n):
            e *= hilbert_symbol(diagonal[i], diagonal[j], p)
    if n == 2:
        return _is_square_qp(-d, p)
    if n == 3:
        return hilbert_symbol(-1, -d, p) == e
    if n == 4:
        return not _is_square_qp(d, p) or e == hilbert_symbol(-1, -1, p)
    return True


def _places(diagonal: list[int]) -> list[Any]:
    primes = {2}
    for a in diagonal:
        for pr, _ in flint.fmpz(abs(a)).factor():
            primes.add(int(pr))
    return ["infinity"] + sorted(primes)


def anisotropy_certificate(gram: Any) -> dict | None:
    """A proof that the quadratic form with Gram matrix ``gram`` has no nonzero rational zero.

    Returns:
        ``{"diagonal": [squarefree ints], "place": "infinity" or p}`` when the form is
        nondegenerate and anisotropic over Q (anisotropic at that place, Hasse-Minkowski);
        ``None`` when it is isotropic over Q or degenerate (a nonzero radical vector is a zero).

    Raises:
        InvalidInputError: not a symmetric rational matrix.
    """
    diag = diagonalize(gram)
    if not diag or any(a == 0 for a in diag):
        return None
    sq = [_squarefree(a) for a in diag]
    for place in _places(sq):
        if not is_isotropic_at(sq, place):
            return {"diagonal": sq, "place": place}
    return None


def check_anisotropy(gram: Any, cert: dict) -> None:
    """Re-derive an :func:`anisotropy_certificate` from the Gram matrix.

    Raises:
        VerificationError: the diagonal does not match or the form is isotropic at the place.
    """
    diag = [_squarefree(a) if a else 0 for a in diagonalize(gram)]
    if diag != list(cert.get("diagonal", [])) or 0 in diag:
        raise VerificationError(f"the form diagonalises to {diag}, not {cert.get('diagonal')}")
    place = cert.get("place")
    if place != "infinity" and (isinstance(place, bool) or not isinstance(place, int) or place < 2
                                or not flint.fmpz(place).is_prime()):
        raise VerificationError(f"place={short_repr(place)} is not 'infinity' or a prime")
    if is_isotropic_at(diag, place):
        raise VerificationError(f"the form {diag} is isotropic over Q_{place}")


def quadratic_form_of_polynomial(terms: list[tuple[tuple[int, ...], Fraction]]) -> tuple[list[int], list[list[Fraction]]] | None:
    """The homogenisation ``Q(x_0, t_I)`` of a polynomial of total degree 2.

    Args:
        terms: ``(exponents, coefficient)`` pairs of ``f(t_0, ..., t_{d-1})``.

    Returns:
        ``(I, gram)``: the indices ``I`` of the variables that occur and the Gram matrix of
        ``Q`` in the variables ``(x_0, t_I)`` (``Q(x) = x^T gram x``), or ``None`` when ``f``
        has total degree other than 2.
    """
    if not terms or max(sum(e) for e, _ in terms) != 2:
        return None
    used = sorted({i for e, _ in terms for i, k in enumerate(e) if k})
    pos = {v: k + 1 for k, v in enumerate(used)}
    m = len(used) + 1
    G = [[Fraction(0)] * m for _ in range(m)]
    for e, c in terms:
        idx = [pos[i] for i, k in enumerate(e) for _ in range(k)]
        idx += [0] * (2 - len(idx))  # homogenise with x_0
        a, b = idx
        if a == b:
            G[a][a] += c
        else:
            G[a][b] += c / 2
            G[b][a] += c / 2
    return used, G


# --------------------------------------------------------------------------- sums of squares
def _check_terms(terms: Any, nvars: Any) -> list[tuple[tuple[int, ...], Fraction]]:
    if isinstance(nvars, bool) or not isinstance(nvars, int) or not 1 <= nvars <= 64:
        raise InvalidInputError(f"nvars={short_repr(nvars)} must be an int in 1..64")
    if isinstance(terms, str | bytes | dict) or not isinstance(terms, list | tuple):
        raise InvalidInputError(f"terms={short_repr(terms)} must be a list of (exponents, coefficient) pairs")
    out = []
    for i, t in enumerate(terms):
        ok = isinstance(t, list | tuple) and len(t) == 2 and isinstance(t[0], list | tuple) and len(t[0]) == nvars \
            and all(not isinstance(x, bool) and isinstance(x, int) and 0 <= x <= 64 for x in t[0])
        if not ok:
            raise InvalidInputError(
                f"terms[{i}]={short_repr(t)} must be (exponents, coefficient) with {nvars} exponents in 0..64")
        c = _rat(t[1], f"terms[{i}] coefficient")
        if c:
            out.append((tuple(int(x) for x in t[0]), c))
    return out



def _monomials(nvars: int, k: int) -> list[tuple[int, ...]]:
    import itertools

    out = [e for e in itertools.product(range(k + 1), repeat=nvars) if sum(e) <= k]
    return sorted(out, key=lambda e: (sum(e), tuple(-x for x in e)))


def _gram_coefficients(basis: list[tuple[int, ...]], G: list[list[Fraction]]) -> dict[tuple[int, ...], Fraction]:
    out: dict[tuple[int, ...], Fraction] = {}
    for i, a in enumerate(basis):
        for j, b in enumerate(basis):
            if G[i][j]:
                m = tuple(x + y for x, y in zip(a, b, strict=True))
                out[m] = out.get(m, Fraction(0)) + G[i][j]
    return {m: c for m, c in out.items() if c}


def _is_positive_definite(G: list[list[Fraction]]) -> bool:
    """Exact LDL^T: every pivot positive."""
    A = [list(r) for r in G]
    n = len(A)
    for k in range(n):
        if A[k][k] <= 0:
            return False
        for i in range(k + 1, n):
            f = A[i][k] / A[k][k]
            if f:
                for j in range(k, n):
                    A[i][j] -= f * A[k][j]
    return True


def sos_certificate(terms: list[tuple[tuple[int, ...], Fraction]], nvars: int) -> dict | None:
    """A proof that a polynomial is positive on all of R^d: ``f = z^T G z`` with ``G`` positive
    definite and ``z`` the monomials of degree ``<= deg f / 2`` (``1`` among them, so ``z != 0``).

    The Gram matrix is found numerically (maximising its least eigenvalue over the affine space
    of Gram matrices of ``f``, scipy) and then made exact: the free entries are rounded to
    rationals and the others solved exactly, and positive definiteness is checked by an exact
    LDL^T. ``None`` when no certificate is found (``f`` of odd degree, not a sum of squares, or
    the numerical search failed).

    Reference: P. A. Parrilo, "Semidefinite programming relaxations for semialgebraic
    problems", Math. Program. 96 (2003) 293-320 (Gram matrices of sums of squares).

    Examples:
        >>> from fractions import Fraction
        >>> from solvers.constant_rank.quadratic import sos_certificate
        >>> f = [((0,), Fraction(1)), ((4,), Fraction(1))]                  # 1 + t^4
        >>> sos_certificate(f, 1)["monomials"]
        [[0], [1], [2]]
        >>> sos_certificate([((0,), Fraction(-1)), ((2,), Fraction(1))], 1) is None   # t^2 - 1
        True
    """
    import numpy as np

    terms = _check_terms(terms, nvars)
    if not terms:
        return None
    deg = max(sum(e) for e, _ in terms)
    if deg % 2 or deg > 8 or nvars > 6:
        return None
    basis = _monomials(nvars, deg // 2)
    support = {e for e, _ in terms}
    while True:  # drop z-monomials a whose square a + a cannot appear (Newton polytope pruning)
        keep = [a for a in basis if tuple(2 * x for x in a) in support or any(
            b != c and tuple(x + y for x, y in zip(b, c, strict=True)) == tuple(2 * x for x in a)
            for b in basis for c in basis)]
        if len(keep) == len(basis):
            break
        basis = keep
    if not basis or sum(basis[0]):
        return None  # the constant term of f must be positive (1 in z)
    N = len(basis)
    if N > 40:
        return None
    unknowns = [(i, j) for i in range(N) for j in range(i, N)]
    mons: dict[tuple[int, ...], int] = {}
    rows: list[dict[int, int]] = []
    for u, (i, j) in enumerate(unknowns):
        m = tuple(x + y for x, y in zip(basis[i], basis[j], strict=True))
        if m not in mons:
            mons[m] = len(rows)
            rows.append({})
        rows[mons[m]][u] = 1 if i == j else 2
    target = dict(terms)
    if any(m not in mons for m in target):
        return None
    M = len(rows)
    A = np.zeros((M, len(unknowns)))
    for r, row in enumerate(rows):
        for u, c in row.items():
            A[r, u] = c
    c = np.array([float(target.get(m, 0)) for m in sorted(mons, key=mons.get)])
    x0 = np.linalg.lstsq(A, c, rcond=None)[0]
    _, sv, vt = np.linalg.svd(A)
    rank = int((sv > 1e-9).sum())
    Z = vt[rank:].T

    def gram(x):
        G = np.zeros((N, N))
        for u, (i, j) in enumerate(unknowns):
            G[i, j] = G[j, i] = x[u]
        return G

    def neg_min_eig(y):
        return -float(np.linalg.eigvalsh(gram(x0 + Z @ y))[0])

    y = np.zeros(Z.shape[1])
    if Z.shape[1]:
        from scipy.optimize import minimize

        best = minimize(neg_min_eig, y, method="Powell", options={"maxiter": 4000, "xtol": 1e-8})
        y = best.x
    if -neg_min_eig(y) <= 1e-9:
        return None
    xf = x0 + Z @ y
    # exact: pivots of the (rational) constraint system solved from rounded free unknowns
    Aq = flint.fmpq_mat([[int(v) for v in row] for row in A.astype(int)])
    R, rk = Aq.rref()
    piv = []
    for r in range(rk):
        piv.append(next(u for u in range(len(unknowns)) if R[r, u] != 0))
    free = [u for u in range(len(unknowns)) if u not in piv]
    # the right-hand side, transformed like A: solve A x = c with x_free fixed
    cq = flint.fmpq_mat([[flint.fmpq(target.get(m, Fraction(0)).numerator, target.get(m, Fraction(0)).denominator)]
                         for m in sorted(mons, key=mons.get)])
    for den in (10**3, 10**6, 10**9):
        x = [Fraction(0)] * len(unknowns)
        for u in free:
            x[u] = Fraction(float(xf[u])).limit_denominator(den)
        # A_piv x_piv = c - A_free x_free (square, invertible after choosing pivot columns)
        rhs = cq - flint.fmpq_mat([[sum((flint.fmpq(int(A[r, u])) * flint.fmpq(x[u].numerator, x[u].denominator)
                                         for u in free), flint.fmpq(0))] for r in range(M)])
        Ap = flint.fmpq_mat([[int(A[r, u]) for u in piv] for r in range(M)])
        try:
            sol = Ap.solve(rhs) if Ap.nrows() == Ap.ncols() else _least_exact(Ap, rhs)
        except (ZeroDivisionError, ValueError):
            return None
        if sol is None:
            return None
        for k, u in enumerate(piv):
            v = sol[k, 0]
            x[u] = Fraction(int(v.p), int(v.q))
        G = [[Fraction(0)] * N for _ in range(N)]
        for u, (i, j) in enumerate(unknowns):
            G[i][j] = G[j][i] = x[u]
        if _gram_coefficients(basis, G) == {m: v for m, v in target.items() if v} and _is_positive_definite(G):
            return {"monomials": [list(b) for b in basis], "gram": [[str(v) for v in row] for row in G]}
    return None


def _least_exact(Ap, rhs):
    """Exact solution of an overdetermined consistent system (normal equations), or None."""
    AtA = Ap.transpose() * Ap
    sol = AtA.solve(Ap.transpose() * rhs)
    return sol if Ap * sol == rhs else None


def check_sos(terms: list[tuple[tuple[int, ...], Fraction]], cert: dict) -> None:
    """Re-verify a :func:`sos_certificate`: ``z^T G z`` equals the polynomial, ``G`` is positive
    definite (exact LDL^T) and the constant monomial is in ``z``.

    Raises:
        VerificationError: naming what fails.
    """
    try:
        basis = [tuple(int(x) for x in b) for b in cert["monomials"]]
        G = [[Fraction(v) for v in row] for row in cert["gram"]]
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        raise VerificationError("a sum-of-squares certificate needs 'monomials' and a rational 'gram'") from None
    if len(G) != len(basis) or any(len(r) != len(basis) for r in G) or any(G[i][j] != G[j][i] for i in range(len(G)) for j in range(i)):
        raise VerificationError("the Gram matrix is not a symmetric matrix on the monomials")
    if not basis or any(sum(b) for b in basis[:1]):
        raise VerificationError("the monomials must start with 1 (so that z is never 0)")
    want = {tuple(int(x) for x in e): Fraction(c) for e, c in terms if c}
    if _gram_coefficients(basis, G) != want:
        raise VerificationError("z^T G z is not the certified polynomial")
    if not _is_positive_definite(G):
        raise VerificationError("the Gram matrix is not positive definite")
