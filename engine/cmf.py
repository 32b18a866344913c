"""Conservative matrix fields (CMFs) in two variables.

A CMF is a pair of 2x2 matrices ``Mx(x, y)``, ``My(x, y)`` with polynomial (or rational) entries
satisfying the conservativity (flatness) condition

    Mx(x, y) My(x + 1, y) = My(x, y) Mx(x, y + 1),

so the product of step matrices along a lattice path from ``(x0, y0)`` to ``(x1, y1)`` depends
only on the end points. Walking a trajectory (a fixed step ``(dx, dy)``) gives a matrix
sequence; its limit ratio is evaluated exactly with integer matrix products and it can be
contracted to a polynomial continued fraction (:func:`engine.contfrac.matrix_sequence_to_pcf`).

The shipped fields :func:`e_cmf`, :func:`pi_cmf` and :func:`zeta3_cmf` are those of
Elimelech et al.; the tests check their conservativity symbolically and identify the limits of
their trajectories as Mobius forms of e, pi and zeta(3).

References:
    R. Elimelech, O. David, C. De la Cruz Mengual, R. Kalisch, W. Berndt, M. Shalyt,
    M. Silberstein, Y. Hadad, I. Kaminer, "Algorithm-assisted discovery of an intrinsic order
    among mathematical constants", PNAS 121 (2024) (conservative matrix fields).

Examples:
    >>> from engine.cmf import zeta3_cmf
    >>> field = zeta3_cmf()
    >>> field.is_conservative()
    True
    >>> import mpmath
    >>> v = field.limit(start=(1, 1), direction=(1, 1), depth=60)   # diagonal: fast
    >>> with mpmath.workdps(40):
    ...     bool(abs(v - (1 / mpmath.zeta(3) - 1)) < mpmath.mpf(10) ** -30)
    True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import flint
import mpmath
import sympy

from engine.contfrac import PCF, matrix_sequence_to_pcf
from engine.errors import InvalidInputError, NoConvergenceError, VerificationError

__all__ = ["CMF", "MatrixField", "e_cmf", "pi_cmf", "zeta3_cmf", "KNOWN_CMFS",
           "hypergeometric_2f1_field", "hypergeometric_1f1_field", "PFQ_FIELDS"]

X, Y = sympy.symbols("x y")
N = sympy.Symbol("n")


@dataclass(frozen=True)
class CMF:
    """A two-variable matrix field ``(Mx, My)`` in the symbols ``x`` and ``y``.

    Args:
        Mx, My: 2x2 sympy matrices (or nested lists) with entries in ``x``, ``y``.
        name: a label.

    Raises:
        InvalidInputError: not 2x2, or symbols other than ``x``, ``y``.
    """

    Mx: Any
    My: Any
    name: str = "cmf"

    def __post_init__(self) -> None:
        for attr in ("Mx", "My"):
            m = getattr(self, attr)
            try:
                m = sympy.Matrix(m)
            except (TypeError, ValueError, sympy.SympifyError):
                raise InvalidInputError(f"{attr}={m!r} is not a matrix") from None
            if m.shape != (2, 2):
                raise InvalidInputError(f"{attr} has shape {m.shape}; a CMF needs 2x2 matrices")
            extra = m.free_symbols - {X, Y}
            if extra:
                raise InvalidInputError(
                    f"{attr} uses symbols {sorted(map(str, extra))}; only x and y are allowed"
                )
            object.__setattr__(self, attr, m)

    def defect(self) -> Any:
        """``Mx(x,y) My(x+1,y) - My(x,y) Mx(x,y+1)``, simplified (zero iff conservative)."""
        lhs = self.Mx * self.My.subs(X, X + 1)
        rhs = self.My * self.Mx.subs(Y, Y + 1)
        return (lhs - rhs).applyfunc(lambda e: sympy.simplify(sympy.together(e)))

    def is_conservative(self) -> bool:
        """Exact (symbolic) check of the conservativity condition."""
        return all(e == 0 for e in self.defect())

    def failing_shift(self, search: int = 6) -> tuple[int, int] | None:
        """The first lattice point ``(x, y)`` (``0 <= x, y < search``, by ``x + y``) where
        ``Mx(x,y) My(x+1,y) != My(x,y) Mx(x,y+1)`` (skipping poles), or None."""
        d = self.defect()
        for t in range(2 * search):
            for x in range(max(0, t - search + 1), min(t, search - 1) + 1):
                y = t - x
                try:
                    vals = [sympy.nsimplify(e.subs({X: x, Y: y})) for e in d]
                except (ZeroDivisionError, TypeError, ValueError):
                    continue
                if any(v.has(sympy.zoo, sympy.nan) for v in vals):
                    continue
                if any(v != 0 for v in vals):
                    return x, y
        return None

    def check(self) -> None:
        """Raise :class:`VerificationError` unless conservative; the message names a lattice
        point ``(x, y)`` where the condition fails.

        Examples:
            >>> import sympy
            >>> from engine.cmf import CMF, X, Y
            >>> CMF([[0, -X], [1, X + Y]], [[1, Y], [1, X]], "bad").check()
            Traceback (most recent call last):
            ...
            engine.errors.VerificationError: bad: not conservative: Mx(x,y) My(x+1,y) != My(x,y) Mx(x,y+1) at (x, y) = (0, 0)
        """
        if not self.is_conservative():
            at = self.failing_shift()
            where = f"at (x, y) = {at}" if at is not None else f"(symbolic defect {self.defect()})"
            raise VerificationError(
                f"{self.name}: not conservative: Mx(x,y) My(x+1,y) != My(x,y) Mx(x,y+1) {where}")

    def _repr_latex_(self) -> str:
        return (rf"$M_x = {sympy.latex(self.Mx)},\ M_y = {sympy.latex(self.My)}$ "
                f"({self.name})")

    def trajectory_matrix(self, direction: tuple[int, int] = (1, 0)) -> Any:
        """One step along ``direction = (dx, dy)`` (``dx, dy >= 0``) as a matrix in ``x, y``.

        The step is ``dx`` moves in ``x`` then ``dy`` moves in ``y`` (any order gives the same
        product for a conservative field).
        """
        dx, dy = _direction(direction)
        M = sympy.eye(2)
        for i in range(dx):
            M = M * self.Mx.subs(X, X + i)
        for j in range(dy):
            M = M * self.My.subs({X: X + dx, Y: Y + j})
        return M.applyfunc(sympy.expand)

    def walk(self, start: tuple[int, int], direction: tuple[int, int], depth: int) -> flint.fmpq_mat:
        """Exact product of ``depth`` trajectory steps from ``start`` (rational matrix)."""
        if isinstance(depth, bool) or not isinstance(depth, int) or depth < 1:
            raise InvalidInputError(f"depth={depth!r} must be a positive integer")
        x0, y0 = (int(v) for v in start)
        dx, dy = _direction(direction)
        T = self.trajectory_matrix((dx, dy))
        k = sympy.Symbol("k")
        Tk = T.subs({X: x0 + dx * k, Y: y0 + dy * k}, simultaneous=True).applyfunc(sympy.expand)
        polys = [[sympy.Poly(sympy.together(e).as_numer_denom()[0], k) for e in row] for row in Tk.tolist()]
        dens = [[sympy.Poly(sympy.together(e).as_numer_denom()[1], k) for e in row] for row in Tk.tolist()]
        mats = []
        for step in range(depth):
            vals = []
            for r in range(2):
                for c in range(2):
                    num = int(polys[r][c].eval(step))
                    den = int(dens[r][c].eval(step))
                    if den == 0:
                        raise NoConvergenceError(
                            f"{self.name}: the trajectory from {(x0, y0)} along {(dx, dy)} "
                            f"meets a pole at step {step}: entry ({r}, {c}) of the step matrix "
                            f"at (x, y) = {(x0 + dx * step, y0 + dy * step)} has denominator "
                            f"{sympy.together(T[r, c]).as_numer_denom()[1]} = 0; start elsewhere")
                    vals.append(flint.fmpq(num, den))
            mats.append(flint.fmpq_mat(2, 2, vals))
        while len(mats) > 1:
            nxt = [mats[i] * mats[i + 1] for i in range(0, len(mats) - 1, 2)]
            if len(mats) % 2:
                nxt.append(mats[-1])
            mats = nxt
        return mats[0]

    def limit(self, start: tuple[int, int] = (1, 1), direction: tuple[int, int] = (1, 0),
              depth: int = 500, digits: int = 30) -> Any:
        """The ratio ``P[0,1]/P[1,1]`` of the walked product (the field's limit along the path).

        Raises:
            NoConvergenceError: a zero denominator or a pole on the path.
        """
        P = self.walk(start, direction, depth)
        num, den = P[0, 1], P[1, 1]
        if den == 0:
            raise NoConvergenceError(f"{self.name}: zero denominator after {depth} steps")
        q = num / den
        with mpmath.workdps(digits + 10):
            return mpmath.mpf(int(q.p)) / int(q.q)

    def to_pcf(self, start: tuple[int, int] = (1, 1), direction: tuple[int, int] = (1, 0)) -> PCF:
        """Contract the trajectory's matrix sequence to a PCF in the step index ``n``.

        The PCF's limit is a Mobius transform (integer coefficients set by the first steps) of
        :meth:`limit`; see :func:`engine.contfrac.matrix_sequence_to_pcf`.

        Raises:
            InvalidInputError: entries not polynomial along the trajectory.
        """
        x0, y0 = (int(v) for v in start)
        dx, dy = _direction(direction)
        T = self.trajectory_matrix((dx, dy)).subs({X: x0 + dx * N, Y: y0 + dy * N}, simultaneous=True)
        T = T.applyfunc(lambda e: sympy.expand(sympy.cancel(e)))
        if any(not e.is_polynomial(N) for e in T):
            raise InvalidInputError(f"{self.name}: the trajectory matrix is not polynomial in n")
        a, b = matrix_sequence_to_pcf(T[0, 0], T[0, 1], T[1, 0], T[1, 1])
        return PCF(a, b)


def _direction(direction: Any) -> tuple[int, int]:
    try:
        dx, dy = (int(v) for v in direction)
    except (TypeError, ValueError):
        raise InvalidInputError(f"direction={direction!r} must be a pair of integers") from None
    if dx < 0 or dy < 0 or dx + dy == 0:
        raise InvalidInputError(f"direction={direction!r} must be non-negative and nonzero")
    return dx, dy


def e_cmf() -> CMF:
    """The conservative matrix field of e (Elimelech et al. 2024)."""
    return CMF(
        sympy.Matrix([[1, -Y - 1], [-1, X + Y + 2]]),
        sympy.Matrix([[0, -Y - 1], [-1, X + Y + 1]]),
        "e",
    )


def pi_cmf() -> CMF:
    """The conservative matrix field of pi (Elimelech et al. 2024)."""
    return CMF(
        sympy.Matrix([[X, -X], [-Y, 2 * X + Y + 1]]),
        sympy.Matrix([[1 + Y, -X], [-1 - Y, X + 2 * Y + 1]]),
        "pi",
    )


def zeta3_cmf() -> CMF:
    """The conservative matrix field of zeta(3) (Elimelech et al. 2024); its diagonal walk
    from (1, 1) converges exponentially to 1/zeta(3) - 1."""
    return CMF(
        sympy.Matrix(
            [
                [0, -(X**3)],
                [(X + 1) ** 3, X**3 + (X + 1) ** 3 + 2 * Y * (Y - 1) * (2 * X + 1)],
            ]
        ),
        sympy.Matrix(
            [
                [-(X**3) + 2 * X**2 * Y - 2 * X * Y**2 + Y**3, -(X**3)],
                [X**3, X**3 + 2 * X**2 * Y + 2 * X * Y**2 + Y**3],
            ]
        ),
        "zeta(3)",
    )


KNOWN_CMFS = {"e": e_cmf, "pi": pi_cmf, "zeta(3)": zeta3_cmf}


# --------------------------------------------------------------------------- any dimension
@dataclass(frozen=True)
class MatrixField:
    """A matrix field in any number of variables: square matrices ``M_i(x)`` (one per variable
    ``x_i``) with entries rational in ``x = (x_1, ..., x_d)``. It is conservative when

        M_i(x) M_j(x + e_i) = M_j(x) M_i(x + e_j)    for all i < j,

    so the product of step matrices along a lattice path depends only on its end points.

    Args:
        matrices: one square matrix (sympy or nested lists) per variable, all of one size.
        symbols: the variables (sympy symbols or names), as many as matrices.
        name: a label.

    Raises:
        InvalidInputError: sizes that differ, non-square matrices, or foreign symbols.

    Examples:
        >>> from engine.cmf import MatrixField, zeta3_cmf
        >>> f = MatrixField.from_cmf(zeta3_cmf())
        >>> f.is_conservative(), f.dimension, f.size
        (True, 2, 2)
    """

    matrices: tuple
    symbols: tuple
    name: str = "field"

    def __post_init__(self) -> None:
        syms = tuple(sympy.Symbol(s) if isinstance(s, str) else s for s in self.symbols)
        if not syms or len(syms) != len(self.matrices) or len(syms) > 6:
            raise InvalidInputError(
                f"{len(self.matrices)} matrices for {len(syms)} symbols: give one matrix per "
                "variable (1 to 6 variables)")
        mats = []
        for i, m in enumerate(self.matrices):
            try:
                m = sympy.Matrix(m)
            except (TypeError, ValueError, sympy.SympifyError):
                raise InvalidInputError(f"matrices[{i}] is not a matrix") from None
            if m.shape[0] != m.shape[1] or (mats and m.shape != mats[0].shape) or m.shape[0] > 6:
                raise InvalidInputError(
                    f"matrices[{i}] has shape {m.shape}; all must be square, of one size <= 6")
            extra = m.free_symbols - set(syms)
            if extra:
                raise InvalidInputError(
                    f"matrices[{i}] uses symbols {sorted(map(str, extra))}; only "
                    f"{[str(s) for s in syms]} are allowed")
            mats.append(m)
        object.__setattr__(self, "matrices", tuple(mats))
        object.__setattr__(self, "symbols", syms)

    @classmethod
    def from_cmf(cls, f: CMF) -> MatrixField:
        """The two-variable field ``(Mx, My)`` as a :class:`MatrixField` in ``(x, y)``."""
        return cls((f.Mx, f.My), (X, Y), f.name)

    @property
    def dimension(self) -> int:
        return len(self.symbols)

    @property
    def size(self) -> int:
        return self.matrices[0].shape[0]

    def _shifted(self, m, i: int, k: int = 1):
        return m.subs(self.symbols[i], self.symbols[i] + k)

    def defect(self, i: int, j: int) -> Any:
        """``M_i(x) M_j(x + e_i) - M_j(x) M_i(x + e_j)``, simplified."""
        Mi, Mj = self.matrices[i], self.matrices[j]
        d = Mi * self._shifted(Mj, i) - Mj * self._shifted(Mi, j)
        return d.applyfunc(lambda e: sympy.simplify(sympy.together(e)))

    def is_conservative(self) -> bool:
        """Exact symbolic check of every pair ``i < j``."""
        d = self.dimension
        return all(all(e == 0 for e in self.defect(i, j)) for i in range(d) for j in range(i + 1, d))

    def failing_shift(self, search: int = 4) -> tuple[int, int, tuple[int, ...]] | None:
        """``(i, j, point)``: the first pair of axes and lattice point (coordinates in
        ``[0, search)``) where the condition fails (poles skipped), or None."""
        import itertools

        d = self.dimension
        for i in range(d):
            for j in range(i + 1, d):
                D = self.defect(i, j)
                if all(e == 0 for e in D):
                    continue
                for pt in sorted(itertools.product(range(search), repeat=d), key=sum):
                    sub = dict(zip(self.symbols, pt, strict=True))
                    try:
                        vals = [sympy.nsimplify(e.subs(sub)) for e in D]
                    except (ZeroDivisionError, TypeError, ValueError):
                        continue
                    if any(v.has(sympy.zoo, sympy.nan) for v in vals):
                        continue
                    if any(v != 0 for v in vals):
                        return i, j, tuple(pt)
        return None

    def check(self) -> None:
        """Raise :class:`VerificationError` unless conservative, naming the axes and point."""
        if not self.is_conservative():
            at = self.failing_shift()
            names = [str(s) for s in self.symbols]
            where = (f"for axes {names[at[0]]}, {names[at[1]]} at {dict(zip(names, at[2], strict=True))}"
                     if at is not None else "(symbolically)")
            raise VerificationError(f"{self.name}: not conservative: M_i(x) M_j(x+e_i) != "
                                    f"M_j(x) M_i(x+e_j) {where}")

    def trajectory_matrix(self, direction: Sequence[int]) -> Any:
        """One step along ``direction`` (non-negative integers): the moves along each axis in
        order (any order gives the same product for a conservative field)."""
        dirs = self._direction(direction)
        M = sympy.eye(self.size)
        offset = {s: s for s in self.symbols}
        for i, k in enumerate(dirs):
            for t in range(k):
                M = M * self.matrices[i].subs(
                    {s: offset[s] for s in self.symbols}, simultaneous=True).subs(
                    self.symbols[i], self.symbols[i] + t, simultaneous=True)
            offset[self.symbols[i]] = self.symbols[i] + k
        return M.applyfunc(sympy.expand)

    def _direction(self, direction: Any) -> tuple[int, ...]:
        try:
            dirs = tuple(int(v) for v in direction)
        except (TypeError, ValueError):
            raise InvalidInputError(f"direction={direction!r:.40} must be integers") from None
        if len(dirs) != self.dimension or any(v < 0 for v in dirs) or not any(dirs):
            raise InvalidInputError(
                f"direction={direction!r:.40} must be {self.dimension} non-negative integers, "
                "not all zero")
        return dirs

    def walk(self, start: Sequence[int], direction: Sequence[int], depth: int) -> flint.fmpq_mat:
        """Exact product of ``depth`` trajectory steps from ``start``.

        Raises:
            NoConvergenceError: the trajectory meets a pole (named: step, point, entry).
        """
        if isinstance(depth, bool) or not isinstance(depth, int) or not 1 <= depth <= 10**5:
            raise InvalidInputError(f"depth={depth!r} must be an integer in [1, 100000]")
        try:
            x0 = tuple(int(v) for v in start)
        except (TypeError, ValueError):
            raise InvalidInputError(f"start={start!r:.40} must be integers") from None
        if len(x0) != self.dimension:
            raise InvalidInputError(f"start={start!r:.40} must have {self.dimension} coordinates")
        dirs = self._direction(direction)
        T = self.trajectory_matrix(dirs)
        k = sympy.Symbol("k")
        Tk = T.subs({s: x0[i] + dirs[i] * k for i, s in enumerate(self.symbols)}, simultaneous=True)
        if any(e.has(sympy.zoo, sympy.nan, sympy.oo) for e in Tk):
            raise NoConvergenceError(
                f"{self.name}: the trajectory from {x0} along {dirs} meets a pole at every step "
                "(a denominator of the step matrix vanishes on the whole line); start elsewhere")
        n = self.size
        parts = [[sympy.together(Tk[r, c]).as_numer_denom() for c in range(n)] for r in range(n)]
        polys = [[(sympy.Poly(nu, k), sympy.Poly(de, k)) for nu, de in row] for row in parts]
        mats = []
        for step in range(depth):
            vals = []
            for r in range(n):
                for c in range(n):
                    nu, de = int(polys[r][c][0].eval(step)), int(polys[r][c][1].eval(step))
                    if de == 0:
                        pt = tuple(x0[i] + dirs[i] * step for i in range(self.dimension))
                        raise NoConvergenceError(
                            f"{self.name}: the trajectory from {x0} along {dirs} meets a pole at "
                            f"step {step}: entry ({r}, {c}) of the step matrix at {pt} has "
                            f"denominator {sympy.together(T[r, c]).as_numer_denom()[1]} = 0; "
                            "start elsewhere")
                    vals.append(flint.fmpq(nu, de))
            mats.append(flint.fmpq_mat(n, n, vals))
        while len(mats) > 1:
            nxt = [mats[i] * mats[i + 1] for i in range(0, len(mats) - 1, 2)]
            if len(mats) % 2:
                nxt.append(mats[-1])
            mats = nxt
        return mats[0]

    def limit(self, start: Sequence[int], direction: Sequence[int], depth: int = 200,
              digits: int = 30) -> Any:
        """``P[0, -1] / P[-1, -1]`` of the walked product (for 2x2 fields the same ratio as
        :meth:`CMF.limit`).

        Raises:
            NoConvergenceError: a pole on the path or a zero denominator.
        """
        P = self.walk(start, direction, depth)
        num, den = P[0, self.size - 1], P[self.size - 1, self.size - 1]
        if den == 0:
            raise NoConvergenceError(f"{self.name}: zero denominator after {depth} steps")
        q = num / den
        with mpmath.workdps(digits + 10):
            return mpmath.mpf(int(q.p)) / int(q.q)

    def to_pcf(self, start: Sequence[int], direction: Sequence[int]) -> PCF:
        """Contract a 2x2 field's trajectory to a PCF in the step index ``n`` (as
        :meth:`CMF.to_pcf`: its limit is a Mobius transform of :meth:`limit`).

        Raises:
            InvalidInputError: not 2x2, bad start/direction, or a step matrix that is not
                polynomial along the trajectory (a rational field: clear it by a start
                elsewhere or another direction).

        Examples:
            >>> from engine.cmf import hypergeometric_1f1_field
            >>> hypergeometric_1f1_field(1).to_pcf((1, 1), (1, 0))
            PCF('2n + 4', '-n^2 - 2n - 1')
        """
        if self.size != 2:
            raise InvalidInputError(f"{self.name} is {self.size}x{self.size}; a PCF needs 2x2")
        try:
            x0 = tuple(int(v) for v in start)
        except (TypeError, ValueError):
            raise InvalidInputError(f"start={start!r:.40} must be integers") from None
        if len(x0) != self.dimension:
            raise InvalidInputError(f"start={start!r:.40} must have {self.dimension} coordinates")
        dirs = self._direction(direction)
        T = self.trajectory_matrix(dirs).subs(
            {s: x0[i] + dirs[i] * N for i, s in enumerate(self.symbols)}, simultaneous=True)
        T = T.applyfunc(lambda e: sympy.expand(sympy.cancel(e)))
        if any(not e.is_polynomial(N) for e in T):
            raise InvalidInputError(f"{self.name}: the trajectory matrix is not polynomial in n; "
                                    "try another direction")
        a, b = matrix_sequence_to_pcf(T[0, 0], T[0, 1], T[1, 0], T[1, 1])
        # rational coefficients: the equivalence transformation a -> K a, b -> K^2 b
        dens = [sympy.Rational(c).q for e in (a, b) for c in sympy.Poly(e, N).all_coeffs()]
        K = 1
        for d in dens:
            K = K * d // math.gcd(K, d)
        return PCF(sympy.expand(K * a), sympy.expand(K * K * b))

    def _repr_latex_(self) -> str:
        parts = [rf"M_{{{s}}} = {sympy.latex(m)}" for s, m in zip(self.symbols, self.matrices,
                                                                   strict=True)]
        return "$" + r",\ ".join(parts) + f"$ ({self.name})"


# --------------------------------------------------------------------------- pFq fields
A_, B_, C_ = sympy.symbols("a b c")


def _rational_or_symbol(z: Any, name: str = "z") -> Any:
    if isinstance(z, sympy.Symbol):
        return z
    try:
        v = sympy.Rational(str(z)) if isinstance(z, str) else sympy.Rational(z)
    except (TypeError, ValueError, sympy.SympifyError):
        raise InvalidInputError(f"{name}={z!r:.40} must be a rational number (e.g. 1/2) or a "
                                "sympy symbol") from None
    if v == 0 or v == 1:
        raise InvalidInputError(f"{name}={v} is singular for the contiguous relations; "
                                "choose z other than 0 and 1")
    if abs(v.p) > 10**6 or v.q > 10**6:
        raise InvalidInputError(f"{name}={z!r:.40} is too large; use |numerator|, denominator "
                                "<= 10^6")
    return v


def _step_matrix(ab, base, shift_param):
    """``[[1, 1/p], [q0/p, 1 + q1/p]]`` for ``w = (F, z F')``: ``w(p + 1) = A w(p)`` where
    ``(D + p) F = p F(p + 1)`` and ``D^2 F = q0 F + q1 D F`` (``D = z d/dz``)."""
    q0, q1 = ab
    p = shift_param
    return sympy.Matrix([[1, 1 / p], [q0 / p, 1 + q1 / p]]) if base is None else base


def hypergeometric_2f1_field(z: Any = "1/2") -> MatrixField:
    """The conservative matrix field of ``2F1(a, b; c; z)`` in its parameters ``(a, b, c)``.

    With ``w = (F, z F')`` and ``D = z d/dz``, the hypergeometric equation gives ``D^2 F =
    (z a b F + (z(a+b) - c + 1) D F)/(1 - z)``, and the contiguous relations ``(D + a) F =
    a F(a+1)``, ``(D + b) F = b F(b+1)``, ``(D + c - 1) F = (c-1) F(c-1)`` (DLMF 15.5.2-15.5.6)
    give ``w(x + e_i) = A_i(x) w(x)``. The field is ``M_a = a (1-z) A_a^T``, ``M_b = b (1-z)
    A_b^T`` (polynomial) and ``M_c = A_c^T`` (rational: ``A_c`` inverts the ``c - 1`` step);
    ``M_i(x) M_j(x + e_i) = M_j(x) M_i(x + e_j)`` because both sides carry ``w(x)^T`` to
    ``w(x + e_i + e_j)^T`` (scalar factors in one variable each do not break it), and
    :meth:`MatrixField.check` re-proves it symbolically. These are the "pFq" fields of the
    Ramanujan Machine (Elimelech et al. 2024), derived here from the contiguous relations.

    Args:
        z: a rational, not 0 or 1 (``engine.cmf._2f1_matrices`` takes a symbol).

    Raises:
        InvalidInputError: a bad ``z``.

    Examples:
        >>> from engine.cmf import hypergeometric_2f1_field
        >>> f = hypergeometric_2f1_field("1/2")
        >>> f.dimension, f.is_conservative()
        (3, True)
    """
    z = _rational_or_symbol(z)
    if isinstance(z, sympy.Symbol):
        raise InvalidInputError("z must be a rational number here (a symbolic z: "
                                "engine.cmf._2f1_matrices)")
    return MatrixField(_2f1_matrices(z), (A_, B_, C_), f"2F1(a,b;c;{z})")


def _2f1_matrices(z: Any) -> tuple:
    """``(M_a, M_b, M_c)`` of :func:`hypergeometric_2f1_field` for a rational or symbolic z."""
    a, b, c = A_, B_, C_
    q0 = z * a * b / (1 - z)
    q1 = (z * (a + b) - c + 1) / (1 - z)
    Aa = _step_matrix((q0, q1), None, a)
    Ab = _step_matrix((q0, q1), None, b)
    Bc = _step_matrix((q0, q1), None, c - 1)            # w(c - 1) = Bc(c) w(c)
    Ac = Bc.subs(c, c + 1).inv()                         # w(c + 1) = Ac(c) w(c)
    Ma = (a * (1 - z) * Aa.T).applyfunc(sympy.factor)
    Mb = (b * (1 - z) * Ab.T).applyfunc(sympy.factor)
    Mc = Ac.T.applyfunc(sympy.factor)
    return Ma, Mb, Mc


def hypergeometric_1f1_field(z: Any = 1) -> MatrixField:
    """The conservative matrix field of Kummer's ``1F1(a; c; z)`` in ``(a, c)``: with ``w = (F,
    z F')``, ``D^2 F = z a F + (z - c + 1) D F`` (Kummer's equation), ``(D + a) F = a F(a+1)``
    and ``(D + c - 1) F = (c - 1) F(c - 1)`` (DLMF 13.3.3-13.3.7): ``M_a = a A_a^T``
    (polynomial) and ``M_c = A_c^T`` (rational).

    Args:
        z: a rational (not 0 or 1; use ``z = 1`` for e: 1F1(1; c; 1) are the incomplete-gamma
            fractions of e), not 0 (``engine.cmf._1f1_matrices`` takes a symbol).

    Raises:
        InvalidInputError: a bad ``z``.

    Examples:
        >>> from engine.cmf import hypergeometric_1f1_field
        >>> f = hypergeometric_1f1_field(1)
        >>> f.dimension, f.is_conservative()
        (2, True)
    """
    if not isinstance(z, sympy.Basic) and str(z).strip() == "1":
        z = sympy.Integer(1)
    else:
        z = _rational_or_symbol(z)
    if isinstance(z, sympy.Symbol):
        raise InvalidInputError("z must be a rational number here (a symbolic z: "
                                "engine.cmf._1f1_matrices)")
    return MatrixField(_1f1_matrices(z), (A_, C_), f"1F1(a;c;{z})")


def _1f1_matrices(z: Any) -> tuple:
    """``(M_a, M_c)`` of :func:`hypergeometric_1f1_field` for a rational or symbolic z."""
    a, c = A_, C_
    q0, q1 = z * a, z - c + 1
    Aa = _step_matrix((q0, q1), None, a)
    Bc = _step_matrix((q0, q1), None, c - 1)
    Ac = Bc.subs(c, c + 1).inv()
    Ma = (a * Aa.T).applyfunc(sympy.factor)
    Mc = Ac.T.applyfunc(sympy.factor)
    return Ma, Mc


#: The hypergeometric fields, by name: a function of ``z``.
PFQ_FIELDS = {"2F1": hypergeometric_2f1_field, "1F1": hypergeometric_1f1_field}
