"""Linear recurrences with polynomial coefficients, their asymptotics, and coboundaries.

:class:`LinearRecurrence` is the relation

    c_0(n) u(n) + c_1(n) u(n-1) + ... + c_r(n) u(n-r) = 0

of any order ``r`` with integer polynomial coefficients (a PCF's ``p_n`` and ``q_n`` satisfy
``u(n) - a(n) u(n-1) - b(n) u(n-2) = 0``, :meth:`LinearRecurrence.from_pcf`). It offers exact
terms (fractions), the companion matrices, inflation ``u'(n) = c(0) c(1) ... c(n) u(n)`` and
its inverse (deflation), operator composition, folding (the recurrence of ``u(k m + s)``),
and the growth of its solutions from the Newton polygon: each edge of slope ``s`` with
characteristic roots ``lambda`` gives solutions ``u(n) ~ lambda^n (n!)^s`` (Poincare's theorem
for ``s = 0`` edges when the roots have distinct moduli; Perron-Kreuser in general).

:func:`find_coboundary` solves ``M1(n) U(n+1) = s(n) U(n) M2(n)`` for a polynomial matrix
``U`` of bounded degree (exact linear algebra over Q, python-flint), and
:class:`CoboundaryCertificate` re-verifies the polynomial identity exactly.

References:
    H. Poincare, "Sur les equations lineaires aux differentielles ordinaires et aux
    differences finies", Amer. J. Math. 7 (1885); O. Perron, J. reine angew. Math. 136 (1909)
    (Poincare-Perron); M. Kreuser (1914); S. Elaydi, *An Introduction to Difference
    Equations*, Springer 2005, chapter 8 (asymptotics, Newton polygon).
    R. Elimelech, O. David, ... I. Kaminer, "Algorithm-assisted discovery of an intrinsic
    order among mathematical constants", PNAS 2024 (conservative matrix fields, coboundaries).

Examples:
    >>> from engine.recurrence import LinearRecurrence
    >>> r = LinearRecurrence.from_pcf("34n^3+51n^2+27n+5", "-n^6")     # Apery
    >>> [str(g) for g in r.asymptotics()]
    ['u(n) ~ 33.97056274847714^n (n!)^3', 'u(n) ~ 0.02943725152285941^n (n!)^3']
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import flint

from engine.errors import InvalidInputError, VerificationError
from engine.results import Result

__all__ = ["LinearRecurrence", "Growth", "find_coboundary", "CoboundaryCertificate", "FoldCertificate",
           "fold_certificate"]

#: The largest order accepted.
MAX_ORDER = 50


def _poly(c: Sequence[int]) -> flint.fmpz_poly:
    return flint.fmpz_poly([int(x) for x in c])


def _coeffs(p: flint.fmpz_poly) -> list[int]:
    return [int(x) for x in p.coeffs()] or [0]


def _parse(c: Any, name: str) -> list[int]:
    from engine.contfrac import parse_polynomial

    if type(c) in (list, tuple) and c and all(type(x) is int for x in c):  # fast path
        out = list(c)
        while len(out) > 1 and out[-1] == 0:
            out.pop()
        return out

    return parse_polynomial(c, name)


@dataclass(frozen=True)
class Growth:
    """One family of solutions ``u(n) ~ root^n (n!)^slope`` (Newton polygon edge and root).

    Attributes:
        slope: the factorial exponent (a Fraction: an edge of the Newton polygon).
        root: the characteristic root (a complex number; real ones as floats).
        multiplicity: how often the root occurs on the edge.
    """

    slope: Fraction
    root: complex
    multiplicity: int = 1

    def __str__(self) -> str:
        r = self.root
        rt = f"{r.real!r}" if abs(r.imag) < 1e-12 * max(1.0, abs(r)) else f"({r})"
        fact = "" if self.slope == 0 else (f" (n!)^{self.slope}" if self.slope != 1 else " n!")
        return f"u(n) ~ {rt}^n{fact}" + (f" (x{self.multiplicity})" if self.multiplicity > 1 else "")


class LinearRecurrence:
    """``sum_{i=0}^{r} c_i(n) u(n-i) = 0`` with integer polynomial coefficients.

    Args:
        coefficients: ``[c_0, c_1, ..., c_r]``, each a polynomial in ``n`` (text, int, list of
            coefficients lowest degree first, or sympy); ``c_0`` and ``c_r`` nonzero, ``r >= 1``.

    Raises:
        InvalidInputError: fewer than two coefficients, more than :data:`MAX_ORDER` + 1, a
            zero ``c_0`` or ``c_r``, or a coefficient that is not an integer polynomial.

    Examples:
        >>> from engine.recurrence import LinearRecurrence
        >>> fib = LinearRecurrence([1, -1, -1])            # u(n) = u(n-1) + u(n-2)
        >>> fib.terms([0, 1], 10)
        [0, 1, 1, 2, 3, 5, 8, 13, 21, 34]
    """

    def __init__(self, coefficients: Sequence[Any]):
        if isinstance(coefficients, str | bytes) or not isinstance(coefficients, Sequence):
            raise InvalidInputError(
                f"coefficients={coefficients!r:.60} must be a list [c_0, ..., c_r] of polynomials")
        if not 2 <= len(coefficients) <= MAX_ORDER + 1:
            raise InvalidInputError(
                f"coefficients has {len(coefficients)} entries; give 2 to {MAX_ORDER + 1} "
                "(order 1 to {MAX_ORDER})")
        cs = tuple(tuple(_parse(c, f"coefficients[{i}]")) for i, c in enumerate(coefficients))
        if cs[0] == (0,) or cs[-1] == (0,):
            raise InvalidInputError("coefficients: c_0 and c_r must be nonzero polynomials "
                                    "(drop trailing zeros to lower the order)")
        self._c = cs

    # ---- data
    @property
    def order(self) -> int:
        return len(self._c) - 1

    @property
    def coefficients(self) -> list[list[int]]:
        return [list(c) for c in self._c]

    def __repr__(self) -> str:
        from engine.contfrac import polynomial_to_string

        return f"LinearRecurrence({[polynomial_to_string(c) for c in self._c]!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LinearRecurrence) and self._c == other._c

    def __hash__(self) -> int:
        return hash(self._c)

    def to_json(self) -> dict:
        return {"coefficients": self.coefficients}

    @classmethod
    def from_json(cls, d: dict) -> LinearRecurrence:
        return cls(d["coefficients"])

    def _repr_latex_(self) -> str:
        from engine.contfrac import polynomial_to_string

        parts = []
        for i, c in enumerate(self._c):
            arg = "n" if i == 0 else f"n-{i}"
            parts.append(rf"\left({polynomial_to_string(c).replace(' ', '')}\right) u({arg})")
        return "$" + " + ".join(parts) + " = 0$"

    @classmethod
    def from_pcf(cls, a: Any, b: Any = None) -> LinearRecurrence:
        """The recurrence ``u(n) = a(n) u(n-1) + b(n) u(n-2)`` of a PCF's ``p_n`` and ``q_n``.

        Examples:
            >>> from engine.recurrence import LinearRecurrence
            >>> LinearRecurrence.from_pcf("2n+1", "n^2").coefficients
            [[1], [-1, -2], [0, 0, -1]]
        """
        from engine.contfrac import PCF

        f = a if isinstance(a, PCF) and b is None else PCF(a, b)
        if f.b == [0]:
            raise InvalidInputError("b=0: the fraction has no order-2 recurrence; give b != 0")
        return cls([[1], [-c for c in f.a], [-c for c in f.b]])

    # ---- evaluation
    def coefficient_at(self, i: int, n: int) -> int:
        c = self._c[i]
        v = 0
        for x in reversed(c):
            v = v * n + x
        return v

    def terms(self, initial: Sequence[Any], count: int, start: int = 0) -> list:
        """``u(start), ..., u(start + count - 1)`` from the ``r`` initial values, exactly
        (ints when every division is exact, else Fractions).

        Raises:
            InvalidInputError: wrong number of initial values, bad ``count``/``start``, or
                ``c_0(n) = 0`` at an ``n`` that is needed.
        """
        from engine._args import check_int

        count = check_int(count, "count", low=0, high=10**6)
        start = check_int(start, "start", low=-(10**9), high=10**9)
        if isinstance(initial, str | bytes) or not isinstance(initial, Sequence) or \
                len(initial) != self.order:
            raise InvalidInputError(f"initial must hold {self.order} values u({start}), ..., "
                                    f"u({start + self.order - 1})")
        u = [Fraction(x) for x in initial]
        r = self.order
        for n in range(start + r, start + count):
            c0 = self.coefficient_at(0, n)
            if c0 == 0:
                raise InvalidInputError(f"c_0({n}) = 0: u({n}) is not determined by the recurrence; "
                                        "start past the roots of c_0")
            s = sum(self.coefficient_at(i, n) * u[n - start - i] for i in range(1, r + 1))
            u.append(-s / c0)
        out = u[:count]
        return [int(x) if x.denominator == 1 else x for x in out]

    def residual(self, u: Sequence[Any], start: int = 0) -> list:
        """``sum_i c_i(n) u(n-i)`` for every ``n`` the list ``u(start), u(start+1), ...`` covers."""
        r = self.order
        return [sum(self.coefficient_at(i, n) * u[n - start - i] for i in range(r + 1))
                for n in range(start + r, start + len(u))]

    def companion(self, n: int) -> flint.fmpq_mat:
        """``C(n)`` with ``(u(n), ..., u(n-r+1)) = C(n) (u(n-1), ..., u(n-r))``."""
        r = self.order
        c0 = self.coefficient_at(0, n)
        if c0 == 0:
            raise InvalidInputError(f"c_0({n}) = 0: the companion matrix is not defined at n={n}")
        rows = [[Fraction(-self.coefficient_at(i, n), c0) for i in range(1, r + 1)]]
        for k in range(1, r):
            rows.append([Fraction(int(j == k - 1)) for j in range(r)])
        return flint.fmpq_mat(r, r, [flint.fmpq(x.numerator, x.denominator) for row in rows for x in row])

    # ---- transformations
    def inflate(self, c: Any) -> LinearRecurrence:
        """The recurrence of ``u'(n) = c(0) c(1) ... c(n) u(n)``: ``c'_i(n) = c_i(n) c(n) c(n-1)
        ... c(n-i+1)`` (for a PCF: ``a' = c a``, ``b' = c(n) c(n-1) b``).

        Examples:
            >>> from engine.recurrence import LinearRecurrence
            >>> LinearRecurrence.from_pcf("2n+1", "n^2").inflate("n+1").coefficients
            [[1], [-1, -3, -2], [0, 0, 0, -1, -1]]
        """
        C = _poly(_parse(c, "c"))
        if C.is_zero():
            raise InvalidInputError("c=0 is not an inflation; give a nonzero polynomial")
        out = []
        prod = flint.fmpz_poly([1])
        for i, ci in enumerate(self._c):
            out.append(_coeffs(_poly(ci) * prod))
            prod = prod * C(flint.fmpz_poly([-i, 1]))
        return LinearRecurrence(out)

    def deflate(self) -> tuple[LinearRecurrence, list[int]]:
        """Remove a common polynomial factor of all coefficients, then the largest inflation
        ``c`` (greedily over the irreducible factors of ``c_1`` and ``c_r``): returns
        ``(recurrence, c)`` with ``self`` equal to ``recurrence.inflate(c)`` up to that
        common factor.

        Examples:
            >>> from engine.recurrence import LinearRecurrence
            >>> r = LinearRecurrence.from_pcf("2n+1", "n^2")
            >>> r.inflate("n+1").deflate() == (r, [1, 1])
            True
        """
        polys = [_poly(c) for c in self._c]
        g = polys[0]
        for p in polys[1:]:
            g = g.gcd(p)
        if int(g.leading_coefficient()) < 0:
            g = -g
        polys = [p // g for p in polys]
        if int(polys[0].leading_coefficient()) < 0:
            polys = [-p for p in polys]

        def divisible(cand: flint.fmpz_poly) -> bool:
            prod = flint.fmpz_poly([1])
            for i, p in enumerate(polys):
                if i:
                    q, rem = divmod(p, prod)
                    if rem != 0:
                        return False
                prod = prod * cand(flint.fmpz_poly([-i, 1]))
            return True

        cands = []
        for p in (polys[1], polys[-1]):
            if p.degree() >= 1:
                _, fac = p.factor()
                cands += [f for f, e in fac for _ in range(int(e))]
            content = abs(int(p.content())) if not p.is_zero() else 0
            pr = 2
            while content > 1 and pr < 1000:
                while content % pr == 0:
                    content //= pr
                    cands.append(flint.fmpz_poly([pr]))
                pr += 1
        c = flint.fmpz_poly([1])
        changed = True
        while changed:
            changed = False
            for f in list(cands):
                if divisible(c * f):
                    c = c * f
                    cands.remove(f)
                    changed = True
        if int(c.leading_coefficient()) < 0:
            c = -c
        out = []
        prod = flint.fmpz_poly([1])
        for i, p in enumerate(polys):
            out.append(_coeffs(p // prod))
            prod = prod * c(flint.fmpz_poly([-i, 1]))
        return LinearRecurrence(out), _coeffs(c)

    def compose(self, other: LinearRecurrence) -> LinearRecurrence:
        """The operator product ``self o other``: its solutions include every ``u`` with
        ``other(u)`` a solution of ``self`` (so every solution of ``other``).

        Examples:
            >>> from engine.recurrence import LinearRecurrence
            >>> LinearRecurrence([1, -1]).compose(LinearRecurrence([1, -2])).coefficients
            [[1], [-3], [2]]
        """
        if not isinstance(other, LinearRecurrence):
            raise InvalidInputError(f"other={other!r:.60} must be a LinearRecurrence")
        out = [flint.fmpz_poly([0])] * (self.order + other.order + 1)
        for i, ci in enumerate(self._c):
            for j, dj in enumerate(other._c):
                out[i + j] = out[i + j] + _poly(ci) * _poly(dj)(flint.fmpz_poly([-i, 1]))
        return LinearRecurrence([_coeffs(p) for p in out])

    def fold(self, k: int, offset: int = 0) -> LinearRecurrence:
        """The recurrence of ``w(m) = u(k m + offset)`` (order at most ``r``), from the
        companion matrices: the ``r + 1`` functionals ``w(m), ..., w(m - r)`` of the state at
        ``k (m - r) + offset`` are linearly dependent over ``Q(m)`` (sympy nullspace, then
        denominators cleared).

        Raises:
            InvalidInputError: ``k`` not in ``[1, 8]`` or ``offset`` not in ``[0, k)``.

        Examples:
            >>> from engine.recurrence import LinearRecurrence
            >>> fib = LinearRecurrence([1, -1, -1])
            >>> fib.fold(2).coefficients               # F(2m) = 3 F(2m-2) - F(2m-4)
            [[1], [-3], [1]]
        """
        import sympy

        from engine._args import check_int

        k = check_int(k, "k", low=1, high=8)
        offset = check_int(offset, "offset", low=0, high=k - 1)
        if k == 1:
            return self
        m = sympy.Symbol("m")
        r = self.order

        def C(n_expr):
            rows = [[-self._sym(i, n_expr) / self._sym(0, n_expr) for i in range(1, r + 1)]]
            for t in range(1, r):
                rows.append([sympy.Integer(int(j == t - 1)) for j in range(r)])
            return sympy.Matrix(rows)

        def T(mm):  # state at k mm + offset from the state at k (mm - 1) + offset
            n0 = k * mm + offset
            out = sympy.eye(r)
            for t in range(k):
                out = out * C(n0 - t)
            return out

        rows = []
        for j in range(r + 1):
            acc = sympy.eye(r)
            for t in range(j, r):
                acc = acc * T(m - t)
            rows.append(acc[0, :])
        R = sympy.Matrix.vstack(*rows).T.applyfunc(sympy.cancel)
        ns = R.nullspace(simplify=sympy.cancel)
        if not ns:  # pragma: no cover - r functionals in r+1 vectors are always dependent
            raise VerificationError("folding found no relation")
        v = ns[0].applyfunc(sympy.cancel)
        den = sympy.lcm([sympy.fraction(x)[1] for x in v])
        coeffs = [sympy.Poly(sympy.cancel(x * den), m) for x in v]
        g = coeffs[0]
        for p in coeffs[1:]:
            g = sympy.gcd(g, p)
        coeffs = [sympy.Poly(sympy.div(p, g)[0], m) for p in coeffs]
        ints = []
        for p in coeffs:
            cs = [sympy.Rational(c) for c in reversed(p.all_coeffs())] if not p.is_zero else [0]
            ints.append(cs)
        dens = [sympy.fraction(c)[1] for cs in ints for c in cs]
        L = sympy.ilcm(*dens) if dens else 1
        out = [[int(c * L) for c in cs] for cs in ints]
        while len(out) > 2 and all(x == 0 for x in out[-1]):
            out.pop()
        g2 = 0
        for cs in out:
            for x in cs:
                g2 = math.gcd(g2, x)
        out = [[x // g2 for x in cs] for cs in out]
        if out[0][-1] < 0:
            out = [[-x for x in cs] for cs in out]
        return LinearRecurrence(out)

    def _sym(self, i: int, n_expr):
        import sympy

        return sum(sympy.Integer(c) * n_expr**j for j, c in enumerate(self._c[i]))

    # ---- asymptotics
    def newton_polygon(self) -> list[tuple[Fraction, list[int]]]:
        """The edges of the upper Newton polygon of the points ``(i, deg c_i)``: each as
        ``(slope, indices on the edge)``; an edge of slope ``s`` carries solutions growing
        like ``(n!)^s``.

        Examples:
            >>> from engine.recurrence import LinearRecurrence
            >>> LinearRecurrence.from_pcf("n", "n").newton_polygon()      # Euler's 1/(e-1)
            [(Fraction(1, 1), [0, 1]), (Fraction(0, 1), [1, 2])]
        """
        pts = [(i, len(c) - 1) for i, c in enumerate(self._c) if c != (0,)]
        hull: list[tuple[int, int]] = []
        for p in pts:  # upper hull, left to right
            while len(hull) >= 2:
                (x1, y1), (x2, y2) = hull[-2], hull[-1]
                if (y2 - y1) * (p[0] - x1) <= (p[1] - y1) * (x2 - x1):
                    hull.pop()
                else:
                    break
            hull.append(p)
        edges = []
        for (x1, y1), (x2, y2) in zip(hull, hull[1:], strict=False):
            slope = Fraction(y2 - y1, x2 - x1)
            on = [i for i, d in pts if x1 <= i <= x2 and Fraction(d - y1) == slope * (i - x1)]
            edges.append((slope, on))
        return edges

    def asymptotics(self) -> list[Growth]:
        """The growth families ``u(n) ~ lambda^n (n!)^s``, largest first: per Newton-polygon
        edge of slope ``s`` through indices ``i0 < ... < i1``, the roots of
        ``sum_{i on the edge} lead(c_i) lambda^(i1 - i) = 0``.

        Examples:
            >>> from engine.recurrence import LinearRecurrence
            >>> [str(g) for g in LinearRecurrence([1, -1, -1]).asymptotics()]
            ['u(n) ~ 1.618033988749895^n', 'u(n) ~ -0.6180339887498949^n']
        """
        out = []
        for slope, on in self.newton_polygon():
            i0, i1 = on[0], on[-1]
            poly = [0] * (i1 - i0 + 1)  # coefficients of lambda^(i1 - i), highest first
            for i in on:
                poly[i - i0] = int(self._c[i][-1])
            # isolated exactly (python-flint): distinct roots with multiplicities, robust where a
            # numerical root finder fails (coefficients of very different sizes)
            roots = flint.fmpz_poly(poly[::-1]).complex_roots() if len(poly) > 1 else []
            seen = [(complex(float(rt.real.mid()), float(rt.imag.mid())), mult) for rt, mult in roots]
            for z, mult in seen:
                zr = z.real if abs(z.imag) < 1e-12 * max(1.0, abs(z)) else z
                out.append(Growth(slope, zr, mult))
        out.sort(key=lambda g: (-g.slope, -abs(g.root)))
        return out

    def growth_rates(self) -> list[tuple[Fraction, float]]:
        """``(s, log|lambda|)`` per growth family, largest first (the ``log u(n) ~ s n log n +
        (log|lambda| - s) n`` leading terms)."""
        return [(g.slope, math.log(abs(g.root))) for g in self.asymptotics() if g.root != 0]


# --------------------------------------------------------------------------- coboundaries
def _mat_polys(M: Any, name: str) -> list[list[list[int]]]:
    if isinstance(M, str | bytes) or not isinstance(M, Sequence) or not M:
        raise InvalidInputError(f"{name} must be a square matrix (list of rows) of polynomials")
    rows = []
    for i, row in enumerate(M):
        if isinstance(row, str | bytes) or not isinstance(row, Sequence) or len(row) != len(M):
            raise InvalidInputError(f"{name} row {i} must have {len(M)} polynomial entries")
        rows.append([_parse(x, f"{name}[{i}]") for x in row])
    if len(rows) > 6:
        raise InvalidInputError(f"{name} is {len(rows)}x{len(rows)}; at most 6x6 is supported")
    return rows


def _eval(c: Sequence[int], n: int) -> int:
    v = 0
    for x in reversed(c):
        v = v * n + x
    return v


def _identity_holds(M1, M2, U, s, g=(1,)) -> tuple[bool, str]:
    """Exact check of ``g(n) M1(n) U(n+1) = s(n) U(n) M2(n)`` as polynomial matrices."""
    d = len(M1)
    sh = flint.fmpz_poly([1, 1])
    S = _poly(s)
    G = _poly(g)
    for i in range(d):
        for j in range(d):
            lhs = flint.fmpz_poly([0])
            rhs = flint.fmpz_poly([0])
            for k in range(d):
                lhs += _poly(M1[i][k]) * _poly(U[k][j])(sh)
                rhs += _poly(U[i][k]) * _poly(M2[k][j])
            if G * lhs != S * rhs:
                return False, f"entry ({i}, {j}) differs"
    return True, ""


@dataclass(frozen=True)
class CoboundaryCertificate(Result):
    """``g(n) M1(n) U(n+1) = s(n) U(n) M2(n)`` for polynomial matrices (a gauge equivalence
    of the two matrix recurrences: their products telescope, ``g(0)...g(N) M1(0)...M1(N)
    U(N+1) = s(0)...s(N) U(0) M2(0)...M2(N)``). With ``g(n) = d(n)``, ``s(n) = d(n+1)`` this
    is the rational coboundary ``M1(n) V(n+1) = V(n) M2(n)`` of ``V(n) = U(n)/d(n)``.

    Attributes:
        M1, M2, U: square matrices of coefficient lists (lowest degree first).
        scalar: ``s(n)`` (default ``[1]``); left: ``g(n)`` (default ``[1]``).
    """

    M1: tuple
    M2: tuple
    U: tuple
    scalar: tuple = (1,)
    left: tuple = (1,)

    def check(self) -> None:
        """Re-verify the polynomial identity exactly (python-flint).

        Raises:
            VerificationError: the identity fails (naming the entry) or ``U`` is zero.
        """
        if all(_poly(x).is_zero() for row in self.U for x in row):
            raise VerificationError("U is the zero matrix")
        ok, why = _identity_holds(self.M1, self.M2, self.U, self.scalar, self.left)
        if not ok:
            raise VerificationError(f"g(n) M1(n) U(n+1) != s(n) U(n) M2(n): {why}")

    def to_json(self) -> dict:
        def m(x):
            return [[[int(c) for c in p] for p in row] for row in x]

        return {"M1": m(self.M1), "M2": m(self.M2), "U": m(self.U),
                "scalar": [int(c) for c in self.scalar], "left": [int(c) for c in self.left]}

    @classmethod
    def from_json(cls, d: dict) -> CoboundaryCertificate:
        def m(x):
            return tuple(tuple(tuple(int(c) for c in p) for p in row) for row in x)

        return cls(m(d["M1"]), m(d["M2"]), m(d["U"]), tuple(int(c) for c in d.get("scalar", [1])),
                   tuple(int(c) for c in d.get("left", [1])))

    def _repr_latex_(self) -> str:
        return r"$M_1(n)\,U(n+1) = s(n)\,U(n)\,M_2(n)$ (verified exactly)"

    @classmethod
    def example(cls) -> CoboundaryCertificate:
        """The PCF matrix of Euler's ``1/(e-1) = PCF(n, n)`` and that of its tail ``n -> n+1``:
        ``U = M1`` (found by :func:`find_coboundary`)."""
        M1 = [[[0, 1], [1]], [[0, 1], [0]]]
        M2 = [[[1, 1], [1]], [[1, 1], [0]]]
        cert = find_coboundary(M1, M2, max_degree=1)
        assert cert is not None
        return cert

    @classmethod
    def tampered(cls) -> CoboundaryCertificate:
        """:meth:`example` with one entry of ``U`` changed."""
        import dataclasses

        ex = cls.example()
        U = [list(r) for r in ex.U]
        U[0][0] = tuple(_coeffs(_poly(U[0][0]) + 1))
        return dataclasses.replace(ex, U=tuple(tuple(r) for r in U))


def find_coboundary(M1: Any, M2: Any, max_degree: int = 2, scalar: Any = 1, left: Any = 1,
                    denominator: Any = None) -> CoboundaryCertificate | None:
    """A polynomial matrix ``U`` of degree ``<= max_degree`` with ``g(n) M1(n) U(n+1) = s(n)
    U(n) M2(n)``, or None when there is none of that degree. ``denominator=d`` looks for the
    rational ``V(n) = U(n)/d(n)`` with ``M1(n) V(n+1) = s(n) V(n) M2(n)`` (``g = s d(n)``
    moved: ``d(n) M1 U(n+1) = s(n) d(n+1) U(n) M2``).

    The identity is linear in the coefficients of ``U``; it is imposed at enough integer
    points ``n`` to force the polynomial identity, the nullspace is computed exactly over Q
    (python-flint ``fmpz_mat.nullspace``), and the first basis vector, made primitive, is
    returned as a certificate (which :meth:`CoboundaryCertificate.check` re-verifies).

    Args:
        M1, M2: square matrices (lists of rows) of polynomials in ``n``, same size.
        max_degree: the largest degree of an entry of ``U`` (0 to 12).
        scalar: ``s(n)``, a polynomial (default 1); left: ``g(n)`` (default 1).
        denominator: ``d(n)`` of a rational ``V = U/d`` (sets ``g = g d(n)``, ``s = s d(n+1)``).

    Raises:
        InvalidInputError: malformed matrices, sizes that differ, or a bad degree.

    Examples:
        >>> from engine.recurrence import find_coboundary
        >>> c = find_coboundary([[1, 1], [1, 0]], [[1, 1], [1, 0]], max_degree=0)
        >>> c.U                     # a constant matrix that commutes with Fibonacci's
        (((1,), (1,)), ((1,), (0,)))
        >>> c.is_valid()
        True
    """
    from engine._args import check_int

    A, B = _mat_polys(M1, "M1"), _mat_polys(M2, "M2")
    if len(A) != len(B):
        raise InvalidInputError(f"M1 is {len(A)}x{len(A)} but M2 is {len(B)}x{len(B)}; give "
                                "matrices of one size")
    max_degree = check_int(max_degree, "max_degree", low=0, high=12)
    S = _parse(scalar, "scalar")
    G = _parse(left, "left")
    if S == [0] or G == [0]:
        raise InvalidInputError("scalar=0 or left=0 makes the identity trivial; give nonzero "
                                "polynomials")
    if denominator is not None:
        Dd = _poly(_parse(denominator, "denominator"))
        if Dd.is_zero():
            raise InvalidInputError("denominator=0 is not a rational matrix; give d(n) != 0")
        G = _coeffs(_poly(G) * Dd)
        S = _coeffs(_poly(S) * Dd(flint.fmpz_poly([1, 1])))
    d = len(A)
    D = max_degree
    degM = max(len(p) - 1 for M in (A, B) for row in M for p in row) + max(len(S), len(G)) - 1
    npts = D + degM + 2
    nunk = d * d * (D + 1)
    entries: list[int] = []
    w = D + 1
    for n in range(npts):
        sv = _eval(S, n)
        gv = _eval(G, n)
        ga = [[gv * _eval(p, n) for p in row] for row in A]
        sb = [[sv * _eval(p, n) for p in row] for row in B]
        pw0 = [n**t for t in range(w)]
        pw1 = [(n + 1) ** t for t in range(w)]
        for i in range(d):
            for j in range(d):
                row = [0] * nunk
                # (g M1 U(n+1))_{ij} = g sum_k a_ik U_kj(n+1): one block of U per k, no overlap
                for k in range(d):
                    c = ga[i][k]
                    if c:
                        base = (k * d + j) * w
                        row[base:base + w] = [c * x for x in pw1]
                # - s (U(n) M2)_{ij} = - s sum_k U_ik(n) b_kj
                for k in range(d):
                    c = sb[k][j]
                    if c:
                        base = (i * d + k) * w
                        for t in range(w):
                            row[base + t] -= c * pw0[t]
                entries.extend(row)
    mat = flint.fmpz_mat(len(entries) // nunk, nunk, entries)
    ns, rank = mat.nullspace()
    if rank == 0:
        return None
    vec = [int(ns[i, 0]) for i in range(nunk)]
    g = 0
    for x in vec:
        g = math.gcd(g, x)
    vec = [x // g for x in vec]
    first = next(x for x in vec if x)
    if first < 0:
        vec = [-x for x in vec]
    U = tuple(tuple(tuple(_coeffs(_poly(vec[(i * d + j) * (D + 1):(i * d + j + 1) * (D + 1)])))
                    for j in range(d)) for i in range(d))

    def t(M):
        return tuple(tuple(tuple(p) for p in row) for row in M)

    cert = CoboundaryCertificate(t(A), t(B), U, tuple(S), tuple(G))
    cert.check()
    return cert


@dataclass(frozen=True)
class FoldCertificate(Result):
    """``folded`` annihilates ``w(m) = u(k m + offset)`` for every solution ``u`` of
    ``recurrence`` (:meth:`LinearRecurrence.fold`).

    Attributes:
        recurrence, folded: coefficient lists of the two recurrences.
        k, offset: the fold.
    """

    recurrence: tuple
    folded: tuple
    k: int
    offset: int = 0

    def check(self) -> None:
        """Re-derive the fold exactly (same linear algebra) and compare; then check that the
        folded recurrence annihilates ``order`` independent solutions on 40 terms.

        Raises:
            VerificationError: the folded recurrence differs or a residual is nonzero.
        """
        r = LinearRecurrence([list(c) for c in self.recurrence])
        f = LinearRecurrence([list(c) for c in self.folded])
        if r.fold(self.k, self.offset) != f:
            raise VerificationError(f"the fold by {self.k} (offset {self.offset}) of {r!r} is not {f!r}")
        n0 = _roots_past(r)
        for j in range(r.order):
            init = [int(i == j) for i in range(r.order)]
            u = r.terms(init, self.k * 40 + self.offset + n0 + 1, start=n0)
            shift = (-(n0 - self.offset)) % self.k
            w = u[shift::self.k]
            m0 = (n0 + shift - self.offset) // self.k
            if any(x != 0 for x in f.residual(w, start=m0)):
                raise VerificationError(f"{f!r} does not annihilate u(k m + {self.offset})")

    def to_json(self) -> dict:
        return {"recurrence": [list(c) for c in self.recurrence],
                "folded": [list(c) for c in self.folded], "k": self.k, "offset": self.offset}

    @classmethod
    def from_json(cls, d: dict) -> FoldCertificate:
        return cls(tuple(tuple(int(x) for x in c) for c in d["recurrence"]),
                   tuple(tuple(int(x) for x in c) for c in d["folded"]), int(d["k"]),
                   int(d.get("offset", 0)))

    @classmethod
    def example(cls) -> FoldCertificate:
        """Brouncker's ``4/pi`` recurrence ``u(n) = (2n+1) u(n-1) + n^2 u(n-2)`` folded by 2."""
        r = LinearRecurrence.from_pcf("2n+1", "n^2")
        return fold_certificate(r, 2)

    @classmethod
    def tampered(cls) -> FoldCertificate:
        import dataclasses

        ex = cls.example()
        bad = [list(c) for c in ex.folded]
        bad[-1][0] += 1
        return dataclasses.replace(ex, folded=tuple(tuple(c) for c in bad))


def _roots_past(r: LinearRecurrence) -> int:
    """A start past every non-negative integer root of ``c_0`` (so the terms are defined)."""
    top = 0
    for root, _ in _poly(r.coefficients[0]).roots():
        top = max(top, int(root) + 1)
    return top


def fold_certificate(r: LinearRecurrence, k: int, offset: int = 0) -> FoldCertificate:
    """The fold of ``r`` by ``k`` as a :class:`FoldCertificate` (checked before it is returned).

    Examples:
        >>> from engine.recurrence import LinearRecurrence, fold_certificate
        >>> fold_certificate(LinearRecurrence([1, -1, -1]), 3).folded   # F(3m) = 4F(3m-3) + F(3m-6)
        ((1,), (-4,), (-1,))
    """
    if not isinstance(r, LinearRecurrence):
        raise InvalidInputError(f"r={r!r:.60} must be a LinearRecurrence")
    f = r.fold(k, offset)
    cert = FoldCertificate(tuple(tuple(c) for c in r.coefficients),
                           tuple(tuple(c) for c in f.coefficients), k, offset)
    cert.check()
    return cert
