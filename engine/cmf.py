"""Conservative matrix fields (CMFs): :class:`CMF` in two variables, :class:`MatrixField` in any
number, and the hypergeometric fields of ``pFq`` (:func:`hypergeometric_pfq_field`, any small
``p, q``; 3F2 at ``z = 1`` is a 2x2 field in five variables).

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

from engine.contfrac import PCF, matrix_sequence_to_pcf, product_tree
from engine.errors import InvalidInputError, NoConvergenceError, VerificationError

__all__ = ["CMF", "MatrixField", "e_cmf", "pi_cmf", "zeta3_cmf", "KNOWN_CMFS",
           "hypergeometric_2f1_field", "hypergeometric_1f1_field", "PFQ_FIELDS",
           "hypergeometric_pfq_field", "pfq_symbols", "pfq_rank", "pfq_divergence_reason",
           "DivergentSeriesWarning"]

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
        return product_tree(mats)

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
        if not syms or len(syms) != len(self.matrices) or len(syms) > 8:
            raise InvalidInputError(
                f"{len(self.matrices)} matrices for {len(syms)} symbols: give one matrix per "
                "variable (1 to 8 variables)")
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
        """Exact check of every pair ``i < j``: with each ``M_i = N_i / d_i`` (polynomial matrix
        over a common denominator, python-flint's ``fmpq_mpoly``) the condition is the polynomial
        identity ``N_i N_j(x+e_i) d_j(x) d_i(x+e_j) = N_j N_i(x+e_j) d_i(x) d_j(x+e_i)``; entries
        that are not rational functions with rational coefficients fall back to sympy."""
        fl = self._flint()
        if fl is not None:
            return not _flint_conservative(fl[1], fl[0])
        d = self.dimension
        return all(all(e == 0 for e in self.defect(i, j)) for i in range(d) for j in range(i + 1, d))

    def _flint(self) -> tuple | None:
        """``(ctx, [(N_i, d_i)])`` (cached), or None when an entry is not a rational function
        with rational coefficients."""
        cache = self.__dict__.get("_flint_cache")
        if cache is None:
            try:
                ctx = _flint_ctx(self.symbols)
                cache = (ctx, [_rational_matrix(m, self.symbols, ctx) for m in self.matrices])
            except (sympy.PolynomialError, sympy.SympifyError, ValueError, TypeError,
                    AttributeError):
                cache = False
            object.__setattr__(self, "_flint_cache", cache)
        return cache or None

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

    def _start(self, start: Any) -> tuple:
        """``start`` as exact numbers: ints, or python-flint rationals (``"1/2"``, Fractions,
        sympy rationals: hypergeometric parameters need not be integers)."""
        import fractions
        import numbers

        try:
            vals = list(start)
        except TypeError:
            raise InvalidInputError(f"start={start!r:.40} must be integers or rationals") from None
        out = []
        for v in vals:
            try:
                if isinstance(v, bool):
                    raise TypeError
                if isinstance(v, float):
                    if not v.is_integer():
                        raise TypeError
                    v = int(v)
                if isinstance(v, flint.fmpq):
                    v = fractions.Fraction(int(v.p), int(v.q))
                r = sympy.Rational(v.strip()) if isinstance(v, str) else \
                    sympy.Rational(v) if isinstance(v, numbers.Rational | fractions.Fraction |
                                                    sympy.Rational) else None
                if r is None:
                    raise TypeError
            except (TypeError, ValueError, sympy.SympifyError):
                raise InvalidInputError(f"start={start!r:.40} must be integers or rationals "
                                        "(e.g. '1/2')") from None
            out.append(int(r) if r.q == 1 else flint.fmpq(int(r.p), int(r.q)))
        if len(out) != self.dimension:
            raise InvalidInputError(f"start={start!r:.40} must have {self.dimension} coordinates")
        return tuple(out)

    def walk(self, start: Sequence[int], direction: Sequence[int], depth: int) -> flint.fmpq_mat:
        """Exact product of ``depth`` trajectory steps from ``start``.

        Raises:
            NoConvergenceError: the trajectory meets a pole (named: step, point, entry).
        """
        if isinstance(depth, bool) or not isinstance(depth, int) or not 1 <= depth <= 10**5:
            raise InvalidInputError(f"depth={depth!r} must be an integer in [1, 100000]")
        x0, dirs, fl = self._walk_setup(start, direction)
        mats = (self._walk_steps(fl, x0, dirs, depth) if fl is not None
                else self._walk_steps_sympy(x0, dirs, depth))
        return product_tree(mats)

    def _walk_setup(self, start: Any, direction: Any) -> tuple[tuple, tuple, tuple | None]:
        """``(start point, direction, flint form of the matrices or None)`` of a walk; a rational
        start is refused for fields whose entries are not rational functions over Q."""
        x0 = self._start(start)
        dirs = self._direction(direction)
        fl = self._flint()
        if fl is None and not all(isinstance(v, int) for v in x0):
            raise InvalidInputError(f"start={start!r:.40}: rational starts need a field with "
                                    "rational-function entries over Q; start at integers")
        return x0, dirs, fl

    def _walk_steps(self, fl: tuple, x0: tuple, dirs: tuple, depth: int) -> list:
        """The ``depth`` step matrices, each the product of the axis matrices evaluated exactly
        at the lattice points passed. The unit moves of a step are taken in axis order, except
        that a move whose matrix has a pole at the current point waits for the others (the field
        is conservative, so any order gives the same product): a pole is reported only when
        every remaining move meets one."""
        ctx, parts = fl
        n = self.size
        out = []
        for step in range(depth):
            pt = [x0[i] + dirs[i] * step for i in range(self.dimension)]
            start_pt = tuple(pt)
            left = list(dirs)
            T = None
            while any(left):
                for i in range(self.dimension):
                    if left[i] and parts[i][1](*pt) != 0:
                        break
                else:
                    i = next(i for i in range(self.dimension) if left[i])
                    d = parts[i][1]
                    fac = [f for f, _ in d.factor()[1] if f(*pt) == 0]
                    what = _flint_to_sympy(fac[0], self.symbols) if fac else d
                    raise NoConvergenceError(
                        f"{self.name}: the trajectory from {x0} along {dirs} meets a pole at "
                        f"step {step} (from {start_pt}): M_{self.symbols[i]} at {tuple(pt)} has "
                        f"the denominator factor {what} = 0 (and every other move of the step "
                        "meets one too); start elsewhere")
                N, d = parts[i]
                den = d(*pt)
                M = flint.fmpq_mat(n, n, [N[r][c](*pt) / den for r in range(n) for c in range(n)])
                T = M if T is None else T * M
                pt[i] += 1
                left[i] -= 1
            out.append(T)
        return out

    def _walk_steps_sympy(self, x0: tuple, dirs: tuple, depth: int) -> list:
        """The step matrices through the symbolic trajectory matrix (entries that are not
        rational functions over Q)."""
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
        return mats

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
                rational in the step index (a rational one is first multiplied by its common
                denominator, which keeps the limit).

        Examples:
            >>> from engine.cmf import hypergeometric_1f1_field
            >>> hypergeometric_1f1_field(1).to_pcf((1, 1), (1, 0))
            PCF('2n + 4', '-n^2 - 2n - 1')
        """
        if self.size != 2:
            raise InvalidInputError(f"{self.name} is {self.size}x{self.size}; a PCF needs 2x2")
        x0, dirs, fl = self._walk_setup(start, direction)
        if fl is not None:
            T = self._trajectory_polynomial(fl, x0, dirs)
        else:
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

    def _trajectory_polynomial(self, fl: tuple, x0: tuple, dirs: tuple) -> Any:
        """The step matrix along the trajectory as a polynomial matrix in ``n``: the product of
        the axis numerators ``N_i`` at ``x0 + n dirs`` (plus the moves already made), divided by
        the gcd of its entries. It is the true step matrix times a scalar polynomial ``c(n)``,
        so every product along the trajectory has the same ratios (the same limit)."""
        ctx, parts = fl
        n = ctx.gens()[0]
        pos = [x0[i] + dirs[i] * n for i in range(self.dimension)]
        T = None
        for i, k in enumerate(dirs):
            for _ in range(k):
                Ni = [[e.compose(*pos) for e in row] for row in parts[i][0]]
                T = Ni if T is None else _matmul(T, Ni)
                pos[i] = pos[i] + 1
        g = None
        for row in T:
            for e in row:
                if not e.is_zero():
                    g = e if g is None else g.gcd(e)
        if g is not None:
            T = [[e / g for e in row] for row in T]
        gens = [N] + [sympy.Integer(0)] * (self.dimension - 1)
        return sympy.Matrix([[sympy.expand(_flint_to_sympy(e, gens)) for e in row] for row in T])

    def _repr_latex_(self) -> str:
        parts = [rf"M_{{{sympy.latex(s)}}} = {sympy.latex(m)}"
                 for s, m in zip(self.symbols, self.matrices, strict=True)]
        return "$" + r",\ ".join(parts) + f"$ ({self.name})"


# --------------------------------------------------------------------------- pFq fields
A_, B_, C_ = sympy.symbols("a b c")


def _rational_or_symbol(z: Any, name: str = "z") -> Any:
    if isinstance(z, sympy.Symbol):
        return z
    try:
        v = sympy.Rational(str(z)) if isinstance(z, str) else sympy.Rational(z)
    except (TypeError, ValueError, ZeroDivisionError, sympy.SympifyError):
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


# --------------------------------------------------------------------------- exact rational matrices
# Matrices with entries rational in the field's variables, held as (polynomial matrix N, common
# denominator d) over python-flint's fmpq_mpoly: conservativity is then a polynomial identity
# checked exactly, and a walk evaluates each step matrix at lattice points in exact rationals.

def _flint_ctx(symbols: Sequence[Any]) -> Any:
    return flint.fmpq_mpoly_ctx.get(tuple(str(s) for s in symbols), "lex")


def _poly_to_flint(expr: Any, symbols: Sequence[Any], ctx: Any) -> Any:
    d = sympy.Poly(expr, *symbols).as_dict() if symbols else {(): expr}
    out = {}
    for mon, c in d.items():
        c = sympy.Rational(c)
        out[tuple(int(e) for e in mon)] = flint.fmpq(int(c.p), int(c.q))
    return ctx.from_dict(out) if out else ctx.from_dict({})


def _flint_to_sympy(poly: Any, symbols: Sequence[Any]) -> Any:
    terms = []
    for mon, c in poly.to_dict().items():
        term = sympy.Rational(int(c.p), int(c.q))
        for s, e in zip(symbols, mon, strict=True):
            if e:
                term *= s ** int(e)
        terms.append(term)
    return sympy.Add(*terms)


def _flint_lcm(a: Any, b: Any) -> Any:
    return a * (b / a.gcd(b))


def _rational_matrix(m: Any, symbols: Sequence[Any], ctx: Any) -> tuple[list, Any]:
    """``(N, d)``: a sympy matrix with rational entries as a polynomial matrix ``N`` (lists of
    fmpq_mpoly) over one common denominator ``d`` (the lcm of the reduced entry denominators).

    Raises:
        sympy.PolificationFailed, ValueError, TypeError: entries that are not rational functions
            with rational coefficients (the caller falls back to sympy).
    """
    nums, dens = [], []
    for e in m:
        nu, de = sympy.together(sympy.sympify(e)).as_numer_denom()
        fn, fd = _poly_to_flint(sympy.expand(nu), symbols, ctx), \
            _poly_to_flint(sympy.expand(de), symbols, ctx)
        if fd.is_zero():
            raise ValueError("zero denominator")
        g = fn.gcd(fd)
        if not g.is_zero():
            fn, fd = fn / g, fd / g
        nums.append(fn)
        dens.append(fd)
    d = ctx.from_dict({tuple(0 for _ in symbols): 1})
    for de in dens:
        d = _flint_lcm(d, de)
    rows, cols = m.shape
    N = [[nums[r * cols + c] * (d / dens[r * cols + c]) for c in range(cols)] for r in range(rows)]
    return N, d


def _shift(poly: Any, ctx: Any, axis: int, k: int = 1) -> Any:
    gens = list(ctx.gens())
    gens[axis] = gens[axis] + k
    return poly.compose(*gens)


def _matmul(A: list, B: list) -> list:
    n, m = len(A), len(B[0])
    return [[sum((A[i][t] * B[t][j] for t in range(1, len(B))), A[i][0] * B[0][j])
              for j in range(m)] for i in range(n)]


def _flint_conservative(fields: list, ctx: Any) -> list[tuple[int, int]]:
    """The pairs ``(i, j)`` whose condition ``M_i(x) M_j(x+e_i) = M_j(x) M_i(x+e_j)`` fails, for
    ``M_i = N_i / d_i`` (cleared of denominators: an exact polynomial identity)."""
    bad = []
    for i in range(len(fields)):
        for j in range(i + 1, len(fields)):
            (Ni, di), (Nj, dj) = fields[i], fields[j]
            Nj_i = [[_shift(e, ctx, i) for e in row] for row in Nj]
            Ni_j = [[_shift(e, ctx, j) for e in row] for row in Ni]
            lhs_s = dj * _shift(di, ctx, j)     # d_i(x) d_j(x+e_i) times these
            rhs_s = di * _shift(dj, ctx, i)
            L, R = _matmul(Ni, Nj_i), _matmul(Nj, Ni_j)
            if any(L[r][c] * lhs_s != R[r][c] * rhs_s for r in range(len(L)) for c in range(len(L))):
                bad.append((i, j))
    return bad


def _det(M: list, one: Any) -> Any:
    """Determinant of a small square matrix of polynomials (Laplace expansion, memoised)."""
    n = len(M)
    memo: dict = {}

    def minor(row: int, cols: tuple) -> Any:
        if row == n:
            return one
        key = (row, cols)
        if key not in memo:
            total = one * 0
            for t, c in enumerate(cols):
                if M[row][c].is_zero():
                    continue
                term = M[row][c] * minor(row + 1, cols[:t] + cols[t + 1:])
                total = total + term if t % 2 == 0 else total - term
            memo[key] = total
        return memo[key]

    return minor(0, tuple(range(n)))


# --------------------------------------------------------------------------- general pFq fields
THETA = sympy.Symbol("theta")

#: Size limits of :func:`hypergeometric_pfq_field` (matrix size max(p, q + 1) <= 6).
PFQ_MAX_PARAMETERS = 8


class DivergentSeriesWarning(UserWarning):
    """The hypergeometric series does not converge at this ``z`` (or at this start point): the
    field (built from the contiguous relations) is still exact, but its trajectories are those of
    the analytic continuation or of a formal series."""


def pfq_symbols(p: int, q: int) -> tuple:
    """The variables ``(a1, ..., ap, b1, ..., bq)`` of the ``pFq`` field.

    Examples:
        >>> from engine.cmf import pfq_symbols
        >>> pfq_symbols(3, 2)
        (a1, a2, a3, b1, b2)
    """
    p, q = _check_pq(p, q)
    a = sympy.symbols(f"a1:{p + 1}") if p else ()
    b = sympy.symbols(f"b1:{q + 1}") if q else ()
    return tuple(a) + tuple(b)


def _check_pq(p: Any, q: Any) -> tuple[int, int]:
    from engine._args import check_int

    p = check_int(p, "p", low=0, high=6, what="a non-negative integer (numerator parameters)")
    q = check_int(q, "q", low=0, high=5, what="a non-negative integer (denominator parameters)")
    if p + q == 0 or p + q > PFQ_MAX_PARAMETERS:
        raise InvalidInputError(f"p={p}, q={q}: a pFq field needs 1 to {PFQ_MAX_PARAMETERS} "
                                "parameters (p + q)")
    if max(p, q + 1) > 6:
        raise InvalidInputError(f"p={p}, q={q}: matrices of size max(p, q+1) = {max(p, q + 1)}; "
                                "at most 6 are supported")
    return p, q


def pfq_rank(p: int, q: int, z: Any) -> int:
    """The matrix size of the ``pFq`` field at ``z``: ``max(p, q + 1)``, the order of the
    hypergeometric equation, one less at ``z = 1`` when ``p = q + 1`` (there the equation's
    leading coefficient ``1 - z`` vanishes and the values ``theta^k F(1)`` satisfy a relation
    of order ``q``).

    Examples:
        >>> from engine.cmf import pfq_rank
        >>> pfq_rank(3, 2, "1/2"), pfq_rank(3, 2, 1), pfq_rank(1, 1, 1)
        (3, 2, 2)
    """
    p, q = _check_pq(p, q)
    z = _pfq_z(z)
    return max(p, q + 1) - (1 if p == q + 1 and z == 1 else 0)


def _pfq_z(z: Any) -> Any:
    if isinstance(z, sympy.Symbol):
        return z
    if not isinstance(z, sympy.Basic) and str(z).strip() == "1":
        return sympy.Integer(1)
    if isinstance(z, sympy.Basic) and z == 1:
        return sympy.Integer(1)
    return _rational_or_symbol(z)


def pfq_divergence_reason(p: int, q: int, z: Any, start: Sequence[Any] | None = None
                          ) -> str | None:
    """Why the series ``pFq(a; b; z)`` does not converge, or None when it does.

    It converges for every ``z`` when ``p <= q``; for ``|z| < 1`` when ``p = q + 1``, and on
    ``|z| = 1`` when ``Re(s) > 0`` (``z = 1``) or ``Re(s) > -1`` (``z != 1``), where ``s =
    sum(b) - sum(a)`` (DLMF 16.2); never (for ``z != 0``) when ``p > q + 1``. With ``start``
    (the parameters ``a1..ap, b1..bq``) the boundary cases are decided; without it they count as
    convergent.

    Examples:
        >>> from engine.cmf import pfq_divergence_reason
        >>> pfq_divergence_reason(3, 2, 1, (1, 1, 1, 2, 2)) is None
        True
        >>> pfq_divergence_reason(3, 2, 1, (1, 1, 1, 1, 2))
        '3F2 at z = 1 needs s = sum(b) - sum(a) > 0 to converge; here s = 0: the field is exact, its values are the analytic continuation'
    """
    p, q = _check_pq(p, q)
    z = _pfq_z(z)
    if isinstance(z, sympy.Symbol):
        return None
    name = f"{p}F{q}"
    if p > q + 1:
        return (f"{name} diverges for every z != 0 (p > q + 1): the field is that of the formal "
                "series (its contiguous relations still hold exactly)")
    if p <= q:
        return None
    if abs(z) > 1:
        return (f"{name} converges only for |z| <= 1, not at z = {z}: the field is exact, its "
                "values are the analytic continuation")
    if abs(z) < 1 or start is None:
        return None
    try:
        vals = [sympy.Rational(str(v).strip()) for v in start]
    except (TypeError, ValueError, ZeroDivisionError, sympy.SympifyError):
        raise InvalidInputError(f"start={start!r:.40} must be rational parameters") from None
    if len(vals) != p + q:
        raise InvalidInputError(f"start={start!r:.40} must have p + q = {p + q} parameters")
    s = sum(vals[p:]) - sum(vals[:p])
    bound = 0 if z == 1 else -1
    if s > bound:
        return None
    return (f"{name} at z = {z} needs s = sum(b) - sum(a) > {bound} to converge; here s = {s}: "
            "the field is exact, its values are the analytic continuation")


def _pfq_operator(p: int, q: int, z: Any, syms: tuple) -> list:
    """Coefficients (low to high) in ``theta`` of ``theta prod(theta + b_j - 1) - z prod(theta +
    a_i)`` (the hypergeometric operator, DLMF 16.8.3), trailing zeros dropped (``z = 1``)."""
    a, b = syms[:p], syms[p:]
    L = THETA * sympy.prod([THETA + bj - 1 for bj in b]) - z * sympy.prod([THETA + ai for ai in a])
    c = [sympy.expand(e) for e in sympy.Poly(sympy.expand(L), THETA).all_coeffs()[::-1]]
    while c and c[-1] == 0:
        c.pop()
    return c


def _theta_rows(shift: Any, L: list) -> Any:
    """Row ``k`` (``k < r``): the coefficients of ``theta^k (theta + shift)`` in the basis
    ``1, theta, ..., theta^(r-1)`` after one reduction by ``L`` (degree ``r``): the matrix ``A`` with
    ``(theta^k (theta + shift) F)_k = A (theta^k F)_k``."""
    r = len(L) - 1
    A = sympy.zeros(r, r)
    for k in range(r):
        A[k, k] += shift
        if k + 1 < r:
            A[k, k + 1] += 1
        else:                                   # theta^r F = -sum_m L_m / L_r theta^m F
            for m in range(r):
                A[k, m] += -L[m] / L[r]
    return A


def _pfq_matrices(p: int, q: int, z: Any) -> tuple:
    """``(M_a1, ..., M_ap, M_b1, ..., M_bq)`` of :func:`hypergeometric_pfq_field` for a rational
    or symbolic ``z`` (as sympy matrices with factored entries)."""
    p, q = _check_pq(p, q)
    z = _pfq_z(z)
    syms = pfq_symbols(p, q)
    L = _pfq_operator(p, q, z, syms)
    r = len(L) - 1
    if r < 2:
        raise InvalidInputError(
            f"p={p}, q={q}, z={z}: the field has rank {r} (1x1 matrices: "
            + ("Gauss's theorem gives 2F1 at z = 1 in closed form" if (p, q) == (2, 1) else
               "a closed form") + "); choose a larger p or q, or z != 1")
    lead = L[r]
    ctx = _flint_ctx(syms + ((z,) if isinstance(z, sympy.Symbol) else ()))
    allsyms = syms + ((z,) if isinstance(z, sympy.Symbol) else ())
    constant_lead = not (set(sympy.sympify(lead).free_symbols) & set(syms))
    out = []
    for i in range(p):
        ai = syms[i]
        A = _theta_rows(ai, L) / ai                          # w(x + e_ai) = A w(x)
        scale = ai * (lead if constant_lead else 1)
        out.append(_tidy(scale * A.T, allsyms, ctx))
    for j in range(q):
        bj = syms[p + j]
        B = _theta_rows(bj - 1, L) / (bj - 1)                # w(x - e_bj) = B(x) w(x)
        N, d = _rational_matrix(B, allsyms, ctx)             # B = N / d
        k = p + j
        N = [[_shift(e, ctx, k) for e in row] for row in N]  # B(x + e_bj)
        d = _shift(d, ctx, k)
        one = ctx.from_dict({tuple(0 for _ in allsyms): 1})
        det = _det(N, one)
        if det.is_zero():
            raise InvalidInputError(f"p={p}, q={q}, z={z}: the b{j + 1} step is singular")
        adj = [[None] * r for _ in range(r)]
        for u in range(r):
            for v in range(r):
                minor = [[N[s][t] for t in range(r) if t != u] for s in range(r) if s != v]
                adj[u][v] = (_det(minor, one) if minor else one) * (-1 if (u + v) % 2 else 1)
        # A_bj(x) = B(x + e_bj)^-1 = d adj(N) / det(N); M_bj = A_bj^T
        out.append(sympy.Matrix([[_frac_to_sympy(d * adj[v][u], det, allsyms) for v in range(r)]
                                 for u in range(r)]))
    return tuple(out)


def _frac_to_sympy(num: Any, den: Any, symbols: Sequence[Any]) -> Any:
    """``num / den`` (fmpq_mpoly) reduced and factored, as a sympy expression."""
    if num.is_zero():
        return sympy.Integer(0)
    g = num.gcd(den)
    num, den = num / g, den / g

    def fac(poly: Any) -> Any:
        c, fs = poly.factor()
        out = sympy.Rational(int(c.p), int(c.q))
        for f, e in fs:
            out *= _flint_to_sympy(f, symbols) ** int(e)
        return out

    return fac(num) / fac(den)


def _tidy(m: Any, symbols: Sequence[Any], ctx: Any) -> Any:
    """Each entry reduced and factored (through flint)."""
    out = sympy.zeros(*m.shape)
    for r in range(m.shape[0]):
        for c in range(m.shape[1]):
            nu, de = sympy.together(m[r, c]).as_numer_denom()
            out[r, c] = _frac_to_sympy(_poly_to_flint(sympy.expand(nu), symbols, ctx),
                                       _poly_to_flint(sympy.expand(de), symbols, ctx), symbols)
    return out


def hypergeometric_pfq_field(p: int, q: int, z: Any = "1/2") -> MatrixField:
    """The conservative matrix field of ``pFq(a1..ap; b1..bq; z)`` in its ``p + q`` parameters.

    Derivation (the "pFq" fields of the Ramanujan Machine, Elimelech et al. 2024; derived here
    from the contiguous relations and re-proved exactly by :meth:`MatrixField.check`). With
    ``theta = z d/dz``, ``F`` satisfies ``L F = 0`` for ``L = theta prod_j (theta + b_j - 1) - z
    prod_i (theta + a_i)`` (DLMF 16.8.3), of order ``r = max(p, q + 1)``, and the contiguous
    relations ``(theta + a_i) F = a_i F(a_i + 1)``, ``(theta + b_j - 1) F = (b_j - 1) F(b_j - 1)``
    (DLMF 16.3.7). On the state ``w = (F, theta F, ..., theta^(r-1) F)`` the shift ``a_i -> a_i +
    1`` is ``w(x + e_ai) = A_ai(x) w(x)`` (row ``k`` of ``A_ai``: ``theta^k (theta + a_i)/a_i``,
    ``theta^r F`` eliminated once by ``L``), and ``b_j -> b_j + 1`` inverts the ``b_j - 1`` step.
    Then ``M_i = c_i A_i^T`` with ``c_ai = a_i`` times ``L``'s (constant) leading coefficient
    (clearing the denominators of the ``a`` steps; a factor in one variable keeps the field
    conservative) and ``c_bj = 1``. Both sides of ``M_i(x) M_j(x + e_i) = M_j(x) M_i(x + e_j)``
    carry ``w(x)^T`` to ``c w(x + e_i + e_j)^T``.

    At ``z = 1`` with ``p = q + 1`` the leading coefficient ``1 - z`` vanishes: the values
    ``theta^k F(1)`` (``k < q``) obey the order-``q`` relation ``L|_{z=1} F(1) = 0`` (valid when
    ``s = sum(b) - sum(a) > q - 1`` and by analytic continuation elsewhere), so the field is
    ``q x q``; its leading coefficient ``s - q`` is not constant and the ``a`` steps stay
    rational. For ``p = 2, q = 1`` and ``p = 1, q = 1`` this is the field of
    :func:`hypergeometric_2f1_field` and :func:`hypergeometric_1f1_field` (variables renamed).

    Args:
        p, q: numbers of numerator and denominator parameters (``p + q <= 8``, ``max(p, q+1)
            <= 6``).
        z: a rational (``"1/2"``, ``-1``, ``1``...), not 0.

    Raises:
        InvalidInputError: bad ``p``, ``q`` or ``z``, or a rank-1 field (2F1 at ``z = 1``).

    Warns:
        DivergentSeriesWarning: the series diverges at ``z`` (``p > q + 1``, or ``|z| > 1``
            with ``p = q + 1``).

    Examples:
        >>> from engine.cmf import hypergeometric_pfq_field
        >>> f = hypergeometric_pfq_field(3, 2, 1)
        >>> f.dimension, f.size, f.is_conservative()
        (5, 2, True)
        >>> import mpmath       # the limit is -theta F / F at the start, F = 3F2(1,1,1;2,3;1)
        >>> v = f.limit((1, 1, 1, 2, 3), (0, 0, 0, 1, 1), depth=150)     # = 2 zeta(2) - 2
        >>> with mpmath.workdps(30):
        ...     bool(abs(v - (mpmath.pi**2 - 12) / (mpmath.pi**2 - 6)) < mpmath.mpf(10) ** -25)
        True
    """
    import warnings

    p, q = _check_pq(p, q)
    z = _pfq_z(z)
    if isinstance(z, sympy.Symbol):
        raise InvalidInputError("z must be a rational number here (a symbolic z: "
                                "engine.cmf._pfq_matrices)")
    reason = pfq_divergence_reason(p, q, z)
    if reason is not None:
        warnings.warn(reason, DivergentSeriesWarning, stacklevel=2)
    return MatrixField(_pfq_matrices(p, q, z), pfq_symbols(p, q), f"{p}F{q}(a;b;{z})")
