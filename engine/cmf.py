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

from dataclasses import dataclass
from typing import Any

import flint
import mpmath
import sympy

from engine.contfrac import PCF, matrix_sequence_to_pcf
from engine.errors import InvalidInputError, NoConvergenceError, VerificationError

__all__ = ["CMF", "e_cmf", "pi_cmf", "zeta3_cmf", "KNOWN_CMFS"]

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
