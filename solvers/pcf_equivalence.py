"""Proved relations between polynomial continued fractions: inflations and tail shifts.

Two fractions ``f1 = PCF(a1, b1)`` and ``f2 = PCF(a2, b2)`` are related by a certificate
(:class:`PCFRelation`) that states ``L2 = (m00 L1 + m01)/(m10 L1 + m11)`` for their limits, with
an exact integer matrix ``m``, and whose :meth:`PCFRelation.check` re-proves it from the
polynomials alone:

- ``"inflation"``: the fractions have the same beta form (``b2(n) a1(n) a1(n-1) = b1(n) a2(n)
  a2(n-1)`` as polynomials, :meth:`engine.contfrac.PCF.canonical_key`). Past a depth ``n0``
  beyond every non-negative integer root of ``a1 a2 b1 b2``, the equivalence transformation
  ``c(n) = a2(n)/a1(n)`` maps every tail ``T1_n`` to ``T2_n = c(n) T1_n``
  (Lorentzen-Waadeland, vol. 1, section 1.4); the heads ``M_0 ... M_{n0-1}`` are exact integer
  matrices, so ``m = G2 diag(a2(n0), a1(n0)) adj(G1)`` with ``G = M_0 ... M_{n0-1}
  diag(1, b(n0))``.
- ``"tail-shift"``: ``f2(n) = f1(n + k)``: ``L1 = G1(L2)`` with the head ``G1`` of ``f1``.
- ``"composite"``: a tail shift of the canonical forms followed by inflations
  (:func:`relate`).
- ``"coboundary"``: a gauge equivalence ``g(n) M1(n) U(n+1) = s(n) U(n) M2(n)`` of the
  matrices ``M(n) = [[a(n), 1], [b(n), 0]]`` with a polynomial matrix ``U`` (found by
  :func:`coboundary_relation`: degree-bounded ``U``, scalars and rational denominators from the
  fractions' factors). Telescoping from a depth ``n0`` past every non-negative integer root of
  ``g``, ``s``, ``det U``, ``b1``, ``b2``, with the exact heads ``H = M(0) ... M(n0-1)``:
  ``m = H2 adj(U(n0)) adj(H1)``. ``check()`` re-proves the polynomial identity and the matrix.

- ``"contraction"``: ``f2`` is the even (``shift = 0``) or odd (``shift = 1``) part of ``f1``
  (:func:`contraction`): with ``n = 2m + shift``, eliminating ``u(n-1)`` and ``u(n-3)`` from the
  recurrence ``u(n) = a(n) u(n-1) + b(n) u(n-2)`` gives ``a(n-2) u(n) = A u(n-2) - a(n) b(n-1)
  b(n-2) u(n-4)`` with ``A = a(n) a(n-1) a(n-2) + a(n) b(n-1) + b(n) a(n-2)``, so ``f2 =
  PCF(A, -a(n) b(n-1) b(n-2) a(n-4))`` in ``m``. Past the depth ``m1`` (beyond every integer
  root of ``a(2m + shift - 2)``), ``f2``'s convergents are the scaled ``p_{2m+shift}``,
  ``q_{2m+shift}`` combined by one constant matrix, fixed by two exact terms; so ``L2`` is a
  Mobius image of ``L1`` (the even or odd convergents of a convergent ``f1`` have its limit).
  ``depth`` stores ``m1``. (Perron, vol. II, section 1; Lorentzen-Waadeland, section 1.4.)

Every statement is conditional on the convergence of ``f1`` (the transformations preserve it);
a coboundary relation also assumes the combination picked by ``U(N+1)^{-1}`` is not the
minimal solution (generic; :func:`coboundary_relation` confirms the relation to 30 digits
before it returns it).

References:
    L. Lorentzen, H. Waadeland, *Continued Fractions*, vol. 1, Atlantis Press 2008, section 1.4
    (equivalence transformations, tails).
    O. David, ... "The Conservative Matrix Field" / LIReC documentation (beta form of a PCF).

Examples:
    >>> from engine.contfrac import PCF
    >>> from solvers.pcf_equivalence import relate
    >>> r = relate(PCF("2n+1", "n^2"), PCF("-6n-3", "9n^2"))       # 4/pi and -12/pi
    >>> r.kind, r.mobius
    ('inflation', (-3, 0, 0, 1))
    >>> r.is_valid()
    True
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import flint
import mpmath

from engine.contfrac import PCF
from engine.errors import InvalidInputError, VerificationError
from engine.results import Result

__all__ = ["PCFRelation", "relate", "inflation_relation", "tail_shift_relation", "apply_mobius",
           "pcf_matrix", "pcf_coboundary", "coboundary_relation", "MAX_GAUGE_DEGREE",
           "shifted", "MAX_SHIFT", "contraction", "contraction_relation"]

_SHIFT = flint.fmpz_poly([-1, 1])
#: The largest tail shift :func:`relate` tries.
MAX_SHIFT = 8
#: The largest degree of a gauge matrix ``U`` that :func:`coboundary_relation` tries by default.
MAX_GAUGE_DEGREE = 2
#: The default time cap (seconds) of one :func:`coboundary_relation` search.
COBOUNDARY_SECONDS = 0.5


def _poly(c) -> flint.fmpz_poly:
    return flint.fmpz_poly([int(x) for x in c])


def _roots_bound(*polys) -> int:
    """1 + the largest non-negative integer root of the polynomials (0 when none)."""
    top = -1
    for p in polys:
        P = _poly(p)
        if P.is_zero():
            continue
        for r, _ in P.roots():
            if int(r) >= 0:
                top = max(top, int(r))
    return top + 1


def _vanishes(b, k: int) -> bool:
    """Whether ``b(n) = 0`` for some ``1 <= n <= k`` (the fraction stops before its tail ``k``)."""
    B = _poly(b)
    return B.is_zero() or any(1 <= int(r) <= k for r, _ in B.roots())


def _head(f: PCF, n0: int) -> list[int]:
    """``G = M_0 ... M_{n0-1} diag(1, b(n0))`` as ``[g00, g01, g10, g11]``: ``L = G(T_{n0})``."""
    if n0 == 0:
        return [1, 0, 0, 1]
    m = f.matrix(n0 - 1)
    bn = f.b_at(n0)
    return [int(m[0, 0]), int(m[0, 1]) * bn, int(m[1, 0]), int(m[1, 1]) * bn]


def _mul(x: list[int], y: list[int]) -> list[int]:
    return [x[0] * y[0] + x[1] * y[2], x[0] * y[1] + x[1] * y[3],
            x[2] * y[0] + x[3] * y[2], x[2] * y[1] + x[3] * y[3]]


def _adj(x: list[int]) -> list[int]:
    return [x[3], -x[1], -x[2], x[0]]


def _normal(m: list[int]) -> tuple[int, int, int, int]:
    g = math.gcd(*m)
    if g == 0:
        raise VerificationError("the Mobius matrix of the relation is zero")
    m = [v // g for v in m]
    lead = next(v for v in (m[2], m[3], m[0], m[1]) if v)
    if lead < 0:
        m = [-v for v in m]
    return tuple(m)  # type: ignore[return-value]


def apply_mobius(m, x):
    """``(m0 x + m1)/(m2 x + m3)`` for an mpmath number ``x`` (or a Fraction).

    Examples:
        >>> from fractions import Fraction
        >>> from solvers.pcf_equivalence import apply_mobius
        >>> apply_mobius((1, 1, 0, 2), Fraction(1, 3))
        Fraction(2, 3)
    """
    m0, m1, m2, m3 = m
    return (m0 * x + m1) / (m2 * x + m3)


#: The longest exact head an inflation certificate uses (a root of ``a`` or ``b`` beyond it:
#: no certificate).
MAX_HEAD = 100_000


def _inflation_matrix(f1: PCF, f2: PCF) -> tuple[int, list[int]]:
    n0 = max(1, _roots_bound(f1.a, f2.a, f1.b, f2.b) + 1)
    if n0 > MAX_HEAD:
        raise VerificationError(f"a root of a or b lies beyond depth {MAX_HEAD}: no exact head")
    g1, g2 = _head(f1, n0), _head(f2, n0)
    c = [f2.a_at(n0), 0, 0, f1.a_at(n0)]
    return n0, _mul(_mul(g2, c), _adj(g1))


def _same_beta(f1: PCF, f2: PCF) -> bool:
    A1, A2, B1, B2 = _poly(f1.a), _poly(f2.a), _poly(f1.b), _poly(f2.b)
    return B2 * A1 * A1(_SHIFT) == B1 * A2 * A2(_SHIFT)


@dataclass(frozen=True)
class PCFRelation(Result):
    """A proved relation ``L2 = (m0 L1 + m1)/(m2 L1 + m3)`` between the limits of two PCFs.

    Attributes:
        a1, b1, a2, b2: the two fractions (coefficients, lowest degree first).
        kind: ``"inflation"``, ``"tail-shift"``, ``"composite"``, ``"coboundary"`` or
            ``"contraction"`` (see the module docstring).
        mobius: ``(m0, m1, m2, m3)``, ``m0 m3 != m1 m2``.
        shift: the tail shift ``k`` (``"tail-shift"``: ``f2(n) = f1(n+k)``; ``"composite"``:
            ``canonical(f2)(n) = canonical(f1)(n+k)``); ``"contraction"``: 0 for the even part,
            1 for the odd part; else 0.
        depth: ``n0`` of the inflation or coboundary (the exact head's length), else 0.
        statement: the relation in words.
        gauge, scalar, left: ``"coboundary"`` only: the polynomial matrix ``U(n)`` (rows of
            coefficient lists) and the polynomials ``s(n)``, ``g(n)`` with ``g(n) M1(n) U(n+1)
            = s(n) U(n) M2(n)``.
    """

    a1: tuple
    b1: tuple
    a2: tuple
    b2: tuple
    kind: str
    mobius: tuple
    shift: int = 0
    depth: int = 0
    statement: str = ""
    gauge: tuple = ()
    scalar: tuple = (1,)
    left: tuple = (1,)

    @property
    def pcf1(self) -> PCF:
        return PCF(list(self.a1), list(self.b1))

    @property
    def pcf2(self) -> PCF:
        return PCF(list(self.a2), list(self.b2))

    def _recompute(self) -> tuple[int, int, int, int]:
        f1, f2 = self.pcf1, self.pcf2
        if self.kind == "inflation":
            if not _same_beta(f1, f2):
                raise VerificationError(
                    f"{f1!r} and {f2!r} do not have the same beta form: b2 a1 a1(n-1) != "
                    "b1 a2 a2(n-1)")
            n0, m = _inflation_matrix(f1, f2)
            if n0 != self.depth:
                raise VerificationError(f"depth={self.depth} is not the head length {n0}")
            return _normal(m)
        if self.kind == "tail-shift":
            k = self.shift
            if not isinstance(k, int) or not 1 <= k <= 10**4:
                raise VerificationError(f"shift={k!r} must be a positive integer")
            sh = _poly([k, 1])
            if _poly(f1.a)(sh) != _poly(f2.a) or _poly(f1.b)(sh) != _poly(f2.b):
                raise VerificationError(f"{f2!r} is not {f1!r} with n -> n + {k}")
            if _vanishes(f1.b, k):
                raise VerificationError(f"{f1!r} terminates before depth {k}")
            return _normal(_adj(_head(f1, k)))
        if self.kind == "composite":
            r = _composite(f1, f2, self.shift)
            if r is None:
                raise VerificationError(
                    f"the canonical forms of {f1!r} and {f2!r} are not related by the shift "
                    f"{self.shift}")
            return r[0]
        if self.kind == "coboundary":
            from engine.recurrence import _identity_holds

            U = self.gauge
            if (not isinstance(U, tuple | list) or len(U) != 2
                    or any(not isinstance(r, tuple | list) or len(r) != 2 for r in U)):
                raise VerificationError(f"gauge={U!r:.60} is not a 2x2 polynomial matrix")
            ok, why = _identity_holds(pcf_matrix(f1), pcf_matrix(f2), U, self.scalar, self.left)
            if not ok:
                raise VerificationError(f"g(n) M1(n) U(n+1) != s(n) U(n) M2(n): {why}")
            n0 = _coboundary_depth(f1, f2, U, self.scalar, self.left)
            if n0 != self.depth:
                raise VerificationError(f"depth={self.depth} is not the head length {n0}")
            return _normal(_coboundary_matrix(f1, f2, U, n0))
        if self.kind == "contraction":
            if isinstance(self.shift, bool) or not isinstance(self.shift, int) or not 0 <= self.shift <= 64:
                raise VerificationError(f"shift={self.shift!r} must be an offset from 0 to 64")
            part = contraction(f1, self.shift)
            if part != f2:
                raise VerificationError(f"{f2!r} is not the part {part!r} of {f1!r} at offset {self.shift}")
            m = _contraction_matrix(f1, f2, self.shift, self.depth)
            if m is None:
                raise VerificationError(f"depth={self.depth} is not a valid start of the contraction")
            return m
        raise VerificationError(f"unknown relation kind {self.kind!r}")

    def check(self) -> None:
        """Re-derive the relation from the polynomials (exact integers only) and compare.

        Raises:
            VerificationError: the polynomial identity fails or the matrix differs.
        """
        m = self._recompute()
        if tuple(int(v) for v in self.mobius) != m:
            raise VerificationError(f"mobius={tuple(self.mobius)} is not the relation {m}")
        if m[0] * m[3] - m[1] * m[2] == 0:
            raise VerificationError(f"the Mobius map {m} is degenerate")

    def check_numerically(self, digits: int = 30) -> int:
        """Digits to which the relation holds for the certified limits (a sanity check).

        Examples:
            >>> from solvers.pcf_equivalence import PCFRelation
            >>> PCFRelation.example().check_numerically(20) >= 18
            True
        """
        from engine._args import check_int

        digits = check_int(digits, "digits", low=8, high=2000)
        l1 = self.pcf1.evaluate(digits)
        l2 = self.pcf2.evaluate(digits)
        with mpmath.workdps(digits + 10):
            y = apply_mobius(self.mobius, l1.value)
            err = abs(y - l2.value)
            if err == 0:
                return digits
            return max(0, min(digits, int(-mpmath.log10(err / max(abs(y), 1)))))

    def to_json(self) -> dict:
        return {"a1": [int(c) for c in self.a1], "b1": [int(c) for c in self.b1],
                "a2": [int(c) for c in self.a2], "b2": [int(c) for c in self.b2],
                "kind": self.kind, "mobius": [int(c) for c in self.mobius],
                "shift": int(self.shift), "depth": int(self.depth), "statement": self.statement,
                "gauge": [[[int(c) for c in p] for p in row] for row in self.gauge],
                "scalar": [int(c) for c in self.scalar], "left": [int(c) for c in self.left]}

    @classmethod
    def from_json(cls, d: dict) -> PCFRelation:
        return cls(tuple(int(c) for c in d["a1"]), tuple(int(c) for c in d["b1"]),
                   tuple(int(c) for c in d["a2"]), tuple(int(c) for c in d["b2"]),
                   str(d["kind"]), tuple(int(c) for c in d["mobius"]), int(d.get("shift", 0)),
                   int(d.get("depth", 0)), str(d.get("statement", "")),
                   tuple(tuple(tuple(int(c) for c in p) for p in row) for row in d.get("gauge", [])),
                   tuple(int(c) for c in d.get("scalar", [1])),
                   tuple(int(c) for c in d.get("left", [1])))

    def _repr_latex_(self) -> str:
        m0, m1, m2, m3 = self.mobius
        return (rf"$L_2 = \frac{{{m0} L_1 + {m1}}}{{{m2} L_1 + {m3}}}$ ({self.kind}; "
                rf"$L_1 = {self.pcf1.latex(1)}$, $L_2 = {self.pcf2.latex(1)}$)")

    @classmethod
    def example(cls) -> PCFRelation:
        """Brouncker's ``4/pi = PCF(2n+1, n^2)`` (Wallis 1656) and its inflation by ``n+1``."""
        return inflation_relation(PCF("2n+1", "n^2"), PCF("2n+1", "n^2").inflate("n+1"))

    @classmethod
    def tampered(cls) -> PCFRelation:
        """:meth:`example` with the Mobius matrix changed."""
        import dataclasses

        ex = cls.example()
        m = list(ex.mobius)
        m[1] += 1
        return dataclasses.replace(ex, mobius=tuple(m))


def _check_pcf(f: Any, name: str) -> PCF:
    if isinstance(f, PCF):
        return f
    if isinstance(f, tuple | list) and len(f) == 2:
        return PCF(*f)
    raise InvalidInputError(f"{name}={f!r:.60} must be a PCF or a pair (a, b)")


def inflation_relation(f1: Any, f2: Any) -> PCFRelation | None:
    """The relation of two fractions with the same beta form, or None when they differ.

    Raises:
        InvalidInputError: an argument that is not a PCF or a pair ``(a, b)``.

    Examples:
        >>> from engine.contfrac import PCF
        >>> from solvers.pcf_equivalence import inflation_relation
        >>> inflation_relation(PCF(1, 1), PCF(2, 4)).mobius      # 2 (1 + 1/(1 + ...))
        (2, 0, 0, 1)
        >>> inflation_relation(PCF(1, 1), PCF(1, 2)) is None
        True
    """
    f1, f2 = _check_pcf(f1, "f1"), _check_pcf(f2, "f2")
    if f1.a == [0] or f2.a == [0] or not _same_beta(f1, f2):
        return None
    try:
        n0, m = _inflation_matrix(f1, f2)
        mob = _normal(m)
    except VerificationError:  # no exact head, or a head that vanishes (b(k) = 0: it stops)
        return None
    if mob[0] * mob[3] - mob[1] * mob[2] == 0:
        return None
    return PCFRelation(tuple(f1.a), tuple(f1.b), tuple(f2.a), tuple(f2.b), "inflation", mob, 0,
                       n0, f"same beta form: tails T2_n = (a2(n)/a1(n)) T1_n for n >= {n0}")


def tail_shift_relation(f: Any, k: int) -> PCFRelation:
    """The fraction ``f(n + k)`` and the relation ``L(f) = G(L(f(n+k)))`` as a certificate.

    Raises:
        InvalidInputError: ``k`` not in ``[1, 10^4]``, or ``f`` terminates before depth ``k``.

    Examples:
        >>> from engine.contfrac import PCF
        >>> from solvers.pcf_equivalence import tail_shift_relation
        >>> r = tail_shift_relation(PCF("n", "n"), 1)         # 1/(e-1) and its tail
        >>> r.pcf2, r.mobius
        (PCF('n + 1', 'n + 1'), (0, 1, 1, 0))
    """
    from engine._args import check_int

    f = _check_pcf(f, "f")
    k = check_int(k, "k", low=1, high=10**4)
    if _vanishes(f.b, k):
        raise InvalidInputError(f"k={k}: {f!r} terminates (b vanishes) before depth {k}; "
                                "choose a smaller shift")
    sh = _poly([k, 1])
    a2 = [int(c) for c in _poly(f.a)(sh).coeffs()] or [0]
    b2 = [int(c) for c in _poly(f.b)(sh).coeffs()] or [0]
    mob = _normal(_adj(_head(f, k)))
    return PCFRelation(tuple(f.a), tuple(f.b), tuple(a2), tuple(b2), "tail-shift", mob, k, 0,
                       f"the second fraction is the tail of the first from depth {k}")


def shifted(f: PCF, k: int) -> PCF:
    """``PCF(a(n + k), b(n + k))`` (no relation; see :func:`tail_shift_relation`).

    Raises:
        InvalidInputError: ``f`` is not a PCF or ``k`` is not an integer in ``[-10^4, 10^4]``.

    Examples:
        >>> from engine.contfrac import PCF
        >>> from solvers.pcf_equivalence import shifted
        >>> shifted(PCF("2n+1", "n^2"), 1)
        PCF('2n + 3', 'n^2 + 2n + 1')
    """
    from engine._args import check_int

    f = _check_pcf(f, "f")
    k = check_int(k, "k", low=-(10**4), high=10**4)
    sh = _poly([k, 1])
    return PCF([int(c) for c in _poly(f.a)(sh).coeffs()] or [0],
               [int(c) for c in _poly(f.b)(sh).coeffs()] or [0])


def _composite(f1: PCF, f2: PCF, k: int) -> tuple[tuple[int, int, int, int], int] | None:
    """f1 ~ c1 (inflation), c1 -> shift k -> c1' ~ f2 (inflation): the composed matrix."""
    if not isinstance(k, int) or not 0 <= k <= 10**4:
        return None
    c1 = f1.canonical()
    g = shifted(c1, k) if k else c1
    if g.canonical_key() != f2.canonical_key():
        return None
    r1 = inflation_relation(f1, c1)
    r3 = inflation_relation(g, f2)
    if r1 is None or r3 is None:
        return None
    m = list(r1.mobius)
    if k:
        if _vanishes(c1.b, k):
            return None
        m = _mul(_normal(_adj(_head(c1, k))), m)
    m = _mul(list(r3.mobius), m)
    try:
        return _normal(m), k
    except VerificationError:
        return None


def relate(f1: Any, f2: Any, max_shift: int = MAX_SHIFT, max_degree: int = MAX_GAUGE_DEGREE,
           seconds: float = COBOUNDARY_SECONDS) -> PCFRelation | None:
    """A proved relation between the limits of ``f1`` and ``f2``, or None.

    Tries, in order: the same beta form (``"inflation"``), ``f2`` a tail of ``f1``
    (``"tail-shift"``), and a tail shift ``k <= max_shift`` of the canonical form of ``f1``
    (either way round) equivalent to ``f2`` (``"composite"``), and last a coboundary
    ``g(n) M1(n) U(n+1) = s(n) U(n) M2(n)`` with a gauge ``U`` of degree ``<= max_degree``
    found within ``seconds`` (``"coboundary"``, :func:`coboundary_relation`; ``max_degree=-1``
    skips it). When ``f1`` is the shifted one, the certificate is stated from ``f2`` to ``f1``
    (its ``pcf1`` is ``f2``).

    Raises:
        InvalidInputError: bad fractions, ``max_shift``, ``max_degree`` or ``seconds``.

    Examples:
        >>> from engine.contfrac import PCF
        >>> from solvers.pcf_equivalence import relate
        >>> r = relate(PCF("n", "n"), PCF("2n+2", "4n+4"))     # a tail, inflated by 2
        >>> r.kind, r.mobius, r.is_valid()
        ('composite', (0, 2, 1, 0), True)
        >>> r = relate(PCF("2n+1", "n^2"), PCF("2n+3", "n(n+2)"))  # Bauer-Muir, U = [[3n+2, 1], [n^2, n]]
        >>> r.kind, r.gauge, r.is_valid()
        ('coboundary', (((2, 3), (1,)), ((0, 0, 1), (0, 1))), True)
    """
    from engine._args import check_int, check_real

    f1, f2 = _check_pcf(f1, "f1"), _check_pcf(f2, "f2")
    max_shift = check_int(max_shift, "max_shift", low=0, high=1000)
    max_degree = check_int(max_degree, "max_degree", low=-1, high=4)
    seconds = check_real(seconds, "seconds", low=0, high=60)
    r = inflation_relation(f1, f2)
    if r is not None:
        return r
    for k in range(1, max_shift + 1):
        if _vanishes(f1.b, k):
            continue
        if shifted(f1, k) == f2:
            return tail_shift_relation(f1, k)
    for k in range(1, max_shift + 1):
        out = _composite(f1, f2, k)
        if out is not None and out[0][0] * out[0][3] != out[0][1] * out[0][2]:
            return PCFRelation(tuple(f1.a), tuple(f1.b), tuple(f2.a), tuple(f2.b), "composite",
                               out[0], k, 0, f"canonical(f2) is equivalent to canonical(f1) "
                               f"shifted by {k}")
        back = _composite(f2, f1, k)
        if back is not None:
            m = _adj(list(back[0]))
            m = _normal(m)
            if m[0] * m[3] != m[1] * m[2]:
                # stored the other way round: f1 is a shift of f2; record as f2 -> f1 inverted
                rel = PCFRelation(tuple(f2.a), tuple(f2.b), tuple(f1.a), tuple(f1.b), "composite",
                                  back[0], k, 0, f"canonical(f1) is equivalent to canonical(f2) "
                                  f"shifted by {k}")
                return rel
    if max_degree >= 0:
        return coboundary_relation(f1, f2, max_degree, seconds)
    return None


def contraction(f: Any, offset: int) -> PCF:
    """The even (``offset`` even) or odd (``offset`` odd) part of ``f`` as a PCF in ``m``: its
    recurrence is that of ``u(2m + offset)`` (see the module docstring), so its limit is a
    Mobius image of ``f``'s (:func:`contraction_relation`). A larger ``offset`` of the same
    parity is a tail of the part (used where the part's ``b`` vanishes at a small ``m``).

    Raises:
        InvalidInputError: a bad fraction or ``offset`` not an integer in ``[0, 64]``.

    Examples:
        >>> from engine.contfrac import PCF
        >>> from solvers.pcf_equivalence import contraction
        >>> contraction(PCF(1, "n(n+1)"), 1)
        PCF('8n^2 + 8n + 3', '-16n^4 + 4n^2')
    """
    f = _check_pcf(f, "f")
    if isinstance(offset, bool) or not isinstance(offset, int) or not 0 <= offset <= 64:
        raise InvalidInputError(f"offset={offset!r} must be an integer from 0 to 64 (even: the even part, "
                                "odd: the odd part)")
    a, b = _poly(f.a), _poly(f.b)
    n = flint.fmpz_poly([offset, 2])  # n = 2m + offset

    def at(p: flint.fmpz_poly, k: int) -> flint.fmpz_poly:
        return p(n + k)

    big_a = at(a, 0) * at(a, -1) * at(a, -2) + at(a, 0) * at(b, -1) + at(b, 0) * at(a, -2)
    big_b = -(at(a, 0) * at(b, -1) * at(b, -2) * at(a, -4))
    return PCF([int(c) for c in big_a.coeffs()] or [0], [int(c) for c in big_b.coeffs()] or [0])


def _int_roots(p: flint.fmpz_poly) -> list[int]:
    """The integer roots of ``p`` (none for the zero polynomial)."""
    if p.is_zero():
        return []
    out = []
    for q, _e in p.factor()[1]:
        c = [int(x) for x in q.coeffs()]
        if len(c) == 2 and c[0] % c[1] == 0:
            out.append(-c[0] // c[1])
    return out


def _contraction_matrix(f1: PCF, f2: PCF, offset: int, m1: int) -> tuple[int, int, int, int] | None:
    """The Mobius ``(m0, m1, m2, m3)`` with ``L2 = M(L1)`` for ``f2`` the part of ``f1`` of
    ``offset``, matching ``f2``'s convergents at ``m1 - 2, m1 - 1`` with ``f1``'s at ``2m + offset``
    scaled by ``C(m) = prod_{j = m1-1}^{m} a(2j + offset - 2)``; None when ``m1`` is not a valid
    start (a root of ``a(2m + offset - 2)`` at or after ``m1 - 1``, ``m1 < 2`` or a singular match)."""
    from fractions import Fraction

    if not isinstance(m1, int) or m1 < 2 or m1 > 10**4:
        return None
    c0 = _poly(f1.a)(flint.fmpz_poly([offset - 2, 2]))
    if c0.is_zero() or any(r >= m1 - 1 for r in _int_roots(c0)):
        return None
    i0, i1 = 2 * (m1 - 2) + offset, 2 * (m1 - 1) + offset  # f1's indices matched

    def conv(f: PCF, k: int) -> tuple[int, int]:
        if k == -1:
            return 1, 0
        m = f.matrix(k)
        return int(m[0, 0]), int(m[1, 0])

    (p0, q0), (p1, q1) = conv(f1, i0), conv(f1, i1)
    s1 = int(c0(m1 - 1))
    p1, q1 = p1 * s1, q1 * s1  # scaled by C(m1 - 1); C(m1 - 2) = 1
    det = p0 * q1 - q0 * p1
    if det == 0:
        return None
    (P0, Q0), (P1, Q1) = conv(f2, m1 - 2), conv(f2, m1 - 1)
    # [P0, P1] = alpha [p0, p1] + beta [q0, q1] (and the same for Q)
    aP, bP = Fraction(P0 * q1 - q0 * P1, det), Fraction(p0 * P1 - P0 * p1, det)
    aQ, bQ = Fraction(Q0 * q1 - q0 * Q1, det), Fraction(p0 * Q1 - Q0 * p1, det)
    den = math.lcm(aP.denominator, bP.denominator, aQ.denominator, bQ.denominator)
    m = [int(aP * den), int(bP * den), int(aQ * den), int(bQ * den)]
    if m[0] * m[3] - m[1] * m[2] == 0:
        return None
    return _normal(m)


def contraction_relation(f: Any, parity: int) -> PCFRelation | None:
    """The proved relation ``L(part) = M(L(f))`` between ``f`` and its even (``parity=0``) or
    odd (``parity=1``) part (:func:`contraction`, at the smallest offset of that parity whose
    ``b`` has no root ``m >= 1``, so the part does not terminate), or None when there is none.

    Raises:
        InvalidInputError: a bad fraction or ``parity`` not 0 or 1.

    Examples:
        >>> from engine.contfrac import PCF
        >>> from solvers.pcf_equivalence import contraction_relation
        >>> r = contraction_relation(PCF("2n+1", "n^2"), 0)     # the even part of 4/pi
        >>> r.kind, r.shift, r.is_valid(), r.check_numerically(20) >= 18
        ('contraction', 2, True, True)
    """
    f = _check_pcf(f, "f")
    if isinstance(parity, bool) or parity not in (0, 1):
        raise InvalidInputError(f"parity={parity!r} must be 0 (the even part) or 1 (the odd part)")
    for offset in range(parity, 65, 2):
        part = contraction(f, offset)
        if part.b == [0] or part.a == [0] or any(r >= 1 for r in _int_roots(_poly(part.b))):
            continue
        c0 = _poly(f.a)(flint.fmpz_poly([offset - 2, 2]))
        if c0.is_zero():
            return None
        m1 = max([2] + [r + 2 for r in _int_roots(c0)])
        for start in range(m1, m1 + 4):
            m = _contraction_matrix(f, part, offset, start)
            if m is not None:
                return PCFRelation(tuple(f.a), tuple(f.b), tuple(part.a), tuple(part.b), "contraction", m,
                                   offset, start, f"the {('even', 'odd')[parity]} part of the first fraction "
                                   f"(its convergents 2m + {offset}, scaled)")
        return None
    return None


def pcf_matrix(f: Any) -> list[list[list[int]]]:
    """The matrix ``M(n) = [[a(n), 1], [b(n), 0]]`` of :mod:`engine.contfrac` (``[p_N, p_{N-1};
    q_N, q_{N-1}] = M(0) ... M(N)``, ``b(0) := 1``) as coefficient lists."""
    f = _check_pcf(f, "f")
    return [[f.a, [1]], [f.b, [0]]]


def pcf_coboundary(f1: Any, f2: Any, max_degree: int = 2, scalar: Any = 1):
    """A coboundary ``M1(n) U(n+1) = s(n) U(n) M2(n)`` between the matrices of two PCFs
    (:func:`engine.recurrence.find_coboundary`), or None.

    Examples:
        >>> from engine.contfrac import PCF
        >>> from solvers.pcf_equivalence import pcf_coboundary
        >>> c = pcf_coboundary(PCF("n", "n"), PCF("n+1", "n+1"), max_degree=1)   # a tail
        >>> c.is_valid()
        True
    """
    from engine.recurrence import find_coboundary

    return find_coboundary(pcf_matrix(f1), pcf_matrix(f2), max_degree=max_degree, scalar=scalar)


# --------------------------------------------------------------------------------------------
# coboundaries: M1(n) U(n+1) = s(n) U(n) M2(n) with a polynomial (or rational) gauge U



def _det_poly(U) -> flint.fmpz_poly:
    return _poly(U[0][0]) * _poly(U[1][1]) - _poly(U[0][1]) * _poly(U[1][0])


def _at(p, n: int) -> int:
    return int(_poly(p)(n))


def _coboundary_depth(f1: PCF, f2: PCF, U, s, g) -> int:
    """``n0``: 1 + the largest non-negative integer root of ``g``, ``s``, ``det U``, ``b1``,
    ``b2`` (at least 1): from ``n0`` on, every factor of the telescoped product is invertible."""
    polys = [list(g), list(s), _det_poly(U).coeffs() or [0], f1.b, f2.b]
    if any(_poly(p).is_zero() for p in polys):
        raise VerificationError("a scalar, det U or b(n) is identically zero: no gauge equivalence")
    return max(1, _roots_bound(*[[int(c) for c in (p.coeffs() if hasattr(p, "coeffs") else p)]
                                 for p in polys]))


def _coboundary_matrix(f1: PCF, f2: PCF, U, n0: int) -> list[int]:
    """``m = H2 adj(U(n0)) adj(H1)`` with the exact heads ``H = M(0) ... M(n0-1)``."""
    if n0 > MAX_HEAD:
        raise VerificationError(f"a root lies beyond depth {MAX_HEAD}: no exact head")
    h1, h2 = f1.matrix(n0 - 1), f2.matrix(n0 - 1)
    H1 = [int(h1[0, 0]), int(h1[0, 1]), int(h1[1, 0]), int(h1[1, 1])]
    H2 = [int(h2[0, 0]), int(h2[0, 1]), int(h2[1, 0]), int(h2[1, 1])]
    Un = [_at(U[0][0], n0), _at(U[0][1], n0), _at(U[1][0], n0), _at(U[1][1], n0)]
    return _mul(_mul(H2, _adj(Un)), _adj(H1))


def _factor_candidates(*polys, cap: int = 12) -> list[tuple[int, ...]]:
    """Primitive irreducible factors (degree <= 2) of the polynomials and their shifts by +-1,
    then the numerators and denominators of the ratios of leading coefficients (> 1) as
    constant scalars."""
    out: list[tuple[int, ...]] = []
    from fractions import Fraction

    lcs = [abs(int(_poly(p).coeffs()[-1])) for p in polys if not _poly(p).is_zero()]
    ratios = [Fraction(x, y) for x in lcs for y in lcs if y]
    consts = sorted(({r.numerator for r in ratios} | {r.denominator for r in ratios}) - {0, 1})
    for p in polys:
        P = _poly(p)
        if P.is_zero() or P.degree() < 1:
            continue
        for fac, _ in P.factor()[1]:
            if fac.degree() > 2:
                continue
            for k in (0, 1, -1):
                q = fac(flint.fmpz_poly([k, 1])) if k else fac
                c = [int(x) for x in q.coeffs()]
                g = math.gcd(*c)
                c = [x // g for x in c]
                if c[-1] < 0:
                    c = [-x for x in c]
                if tuple(c) not in out:
                    out.append(tuple(c))
    return (out + [(c,) for c in consts])[:cap]


def _coboundary_cert(f1: PCF, f2: PCF, U, s, g, statement: str) -> PCFRelation | None:
    try:
        n0 = _coboundary_depth(f1, f2, U, s, g)
        mob = _normal(_coboundary_matrix(f1, f2, U, n0))
    except VerificationError:
        return None
    if mob[0] * mob[3] - mob[1] * mob[2] == 0:
        return None
    return PCFRelation(tuple(f1.a), tuple(f1.b), tuple(f2.a), tuple(f2.b), "coboundary", mob, 0,
                       n0, statement, tuple(tuple(tuple(int(c) for c in p) for p in row)
                                            for row in U), tuple(s), tuple(g))


def coboundary_relation(f1: Any, f2: Any, max_degree: int = MAX_GAUGE_DEGREE,
                        seconds: float = COBOUNDARY_SECONDS, numeric_check: bool = True
                        ) -> PCFRelation | None:
    """A relation of ``f1`` and ``f2`` certified by a coboundary (gauge equivalence), or None.

    Looks for a polynomial matrix ``U(n)`` of degree ``<= max_degree`` and polynomials ``g``,
    ``s`` with ``g(n) M1(n) U(n+1) = s(n) U(n) M2(n)`` (:func:`engine.recurrence.find_coboundary`
    on the matrices ``M(n) = [[a(n), 1], [b(n), 0]]``), trying in order: ``g = s = 1``; a
    rational ``U/d(n)`` with ``d`` one of the irreducible factors (and their shifts by one) of
    ``a1, a2, b1, b2``; and ``g`` or ``s`` one of those factors. Telescoping from a depth ``n0``
    beyond every integer root of ``g``, ``s``, ``det U``, ``b1``, ``b2``: ``M1(n0) ... M1(N)
    U(N+1) = c U(n0) M2(n0) ... M2(N)``, so with the exact heads ``H = M(0) ... M(n0-1)`` the
    limits satisfy ``L2 = m(L1)`` with ``m = H2 adj(U(n0)) adj(H1)`` (when both fractions
    converge and ``U(N+1)^{-1}`` does not pick the minimal solution; with ``numeric_check``
    the relation is confirmed to 30 digits before it is returned).

    Bounded work: at most ``max_degree`` (0 to 4) and ``seconds`` of wall time (0 to 60), at
    most 10 candidate factors.

    Raises:
        InvalidInputError: bad fractions, ``max_degree`` or ``seconds``.

    Examples:
        >>> from engine.contfrac import PCF
        >>> from solvers.pcf_equivalence import coboundary_relation
        >>> r = coboundary_relation(PCF("n", "n"), PCF("n+1", "n+1"))     # a tail of 1/(e-1)
        >>> r.kind, r.mobius, r.is_valid()
        ('coboundary', (0, 1, 1, 0), True)
    """
    import time

    from engine._args import check_int, check_real
    from engine.recurrence import find_coboundary

    f1, f2 = _check_pcf(f1, "f1"), _check_pcf(f2, "f2")
    max_degree = check_int(max_degree, "max_degree", low=0, high=4)
    seconds = check_real(seconds, "seconds", low=0, high=60)
    if f1.a == [0] or f2.a == [0] or _poly(f1.b).is_zero() or _poly(f2.b).is_zero():
        return None
    t0 = time.perf_counter()
    M1, M2 = pcf_matrix(f1), pcf_matrix(f2)
    facs = _factor_candidates(f1.a, f2.a, f1.b, f2.b)
    tries: list[tuple[tuple, tuple, Any]] = [((1,), (1,), None)]
    tries += [((1,), (1,), d) for d in facs]
    tries += [(g, (1,), None) for g in facs] + [((1,), s, None) for s in facs]
    for g, s, d in tries:
        if time.perf_counter() - t0 > seconds:
            break
        cert = find_coboundary(M1, M2, max_degree=max_degree, scalar=list(s), left=list(g),
                               denominator=None if d is None else list(d))
        if cert is None:
            continue
        what = "polynomial" if d is None else f"rational (denominator {PCF(list(d), 1).a})"
        rel = _coboundary_cert(f1, f2, cert.U, cert.scalar, cert.left,
                               f"{what} gauge U of degree <= {max_degree}: g(n) M1(n) U(n+1) = "
                               "s(n) U(n) M2(n)")
        if rel is None:
            continue
        if numeric_check:
            try:
                if rel.check_numerically(30) < 25:
                    continue
            except ArithmeticError:
                continue
        return rel
    return None
