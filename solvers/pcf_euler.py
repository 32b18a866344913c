"""Euler-form continued fractions: exact series for their convergents, and proved values.

A fraction ``PCF(a, b)`` (value ``a(0) + b(1)/(a(1) + b(2)/(a(2) + ...))``) is in *Euler form*
when there are polynomials ``h1``, ``h2`` (rational coefficients) with::

    a(n) = h1(n) + h2(n),        b(n) = -h1(n-1) h2(n).

Then ``y(n) = a(n) y(n-1) + b(n) y(n-2)`` factors as ``y(n) - h1(n) y(n-1) = h2(n) (y(n-1) -
h1(n-1) y(n-2))``, and solving the first-order recurrences from ``p(-1) = 1, p(0) = a(0)``,
``q(-1) = 0, q(0) = 1`` gives, for every ``N >= 0`` (Euler's continued fraction formula)::

    q(N) = H1(N) S(N),   p(N) = h2(0) q(N) + h1(0) H1(N),   H1(N) = h1(1) ... h1(N),
    S(N) = sum_{k=0}^{N} prod_{j=1}^{k} h2(j)/h1(j),      so  p(N)/q(N) = h2(0) + h1(0)/S(N),

whenever ``h1(j) != 0`` for ``j >= 1``. Many fractions take this form only after an
*inflation* (equivalence transformation) by a rational function ``c(n)`` without zeros or
poles at ``n >= 0``: ``PCF(c a, c(n) c(n-1) b)`` has convergents ``c(0) p(N)/q(N)``.
:func:`euler_form` searches small inflations and returns a certificate (:class:`EulerForm`)
whose ``check()`` re-proves the polynomial identities and the convergent identity exactly.

The series ``S = sum_k t_k`` is hypergeometric (``t_k/t_{k-1} = h2(k)/h1(k)``); when its
ratio splits into linear factors over Q, :func:`proved_value` writes it as ``pFq(A; B; z)`` and
sums it with a classical theorem, recorded by name in the result (:class:`ProvedValue`):

- ``"gauss"``: Gauss's summation ``2F1(a, b; c; 1) = G(c) G(c-a-b)/(G(c-a) G(c-b))``,
  ``c - a - b > 0``;
- ``"gauss_second"``: ``2F1(a, b; (a+b+1)/2; 1/2) = sqrt(pi) G((a+b+1)/2)/(G((a+1)/2)
  G((b+1)/2))``;
- ``"bailey"``: ``2F1(a, 1-a; c; 1/2) = G(c/2) G((c+1)/2)/(G((c+a)/2) G((c-a+1)/2))``;
- ``"kummer"``: ``2F1(a, b; 1+a-b; -1) = G(1+a-b) G(1+a/2)/(G(1+a) G(1+a/2-b))``, ``b < 1``;
- ``"binomial"``: ``1F0(a;; z) = (1-z)^(-a)``, ``|z| < 1``;
- ``"exponential"``: ``sum z^k/(m)_k = (m-1)! z^(1-m) (e^z - sum_{i<m-1} z^i/i!)``, ``m >= 1``
  an integer (a tail of the exponential series);
- ``"logarithm"``: ``sum m z^k/(k+m) = m z^(-m) (-log(1-z) - sum_{i<m} z^i/i)``, ``-1 <= z <
  1``, ``m >= 1`` an integer (a tail of Mercator's series);
- ``"terminating"``: an upper parameter is a non-positive integer, the sum is finite.

When no theorem applies to the series itself, two exact reductions are tried: a *tail step*
(an upper ``1`` and a lower integer ``m``: the series is a tail of one with a parameter pair
fewer) and a *contiguity*: a base series whose parameters differ by integers and which a
theorem sums, with ``t_k = lam u_k + g(k+1) u_{k+1} - g(k) u_k`` for a polynomial or rational
``g`` found by linear algebra (Gosper-style telescoping, checked as a polynomial identity; the
boundary term ``g(k) u_k`` must tend to 0), so ``S = lam U - g(0)``. Every inflation giving
the same series is summed once. When the fraction itself has no Euler form, its tail from
depth 1 (up to ``max_shift``) is tried, the value following through the exact head. On the 545
formulas of :mod:`solvers.pcf_known` this proves 86 values, all equal to the database's.

Gamma values at rational points are left to sympy's exact simplification (``Gamma(1/2) =
sqrt(pi)``, ``Gamma(n + 1/2)``, reflection), so the closed form is an exact expression.

References:
    L. Euler, *Introductio in analysin infinitorum* (1748), ch. 18 (series as continued
    fractions); L. Lorentzen, H. Waadeland, *Continued Fractions*, vol. 1, Atlantis 2008,
    sections 1.4 (equivalence transformations) and 1.6 (Euler's formula); G. E. Andrews,
    R. Askey, R. Roy, *Special Functions*, CUP 1999, Thm 2.2.2 (Gauss), Cor. 3.1.2 (Kummer),
    and ex. 3.19 / W. N. Bailey, *Generalized Hypergeometric Series* (1935), 2.4 (Gauss's second
    theorem, Bailey's theorem); S. Razon, O. David, ..., I. Kaminer, "Automated search for
    conjectures on mathematical constants using analysis of integer sequences" and the
    euler2ai project of the Ramanujan Machine group (Euler-form unification of formulas).

Examples:
    >>> from engine.contfrac import PCF
    >>> from solvers.pcf_euler import euler_form, proved_value
    >>> cert = euler_form(PCF("n", "n"))              # Euler: 1/(e - 1)
    >>> cert.h1, cert.h2
    ((Fraction(1, 1), Fraction(1, 1)), (Fraction(-1, 1),))
    >>> pv = proved_value(PCF("n", "n"))
    >>> pv.theorem, str(pv.value)
    ('exponential', '1/(-1 + E)')
    >>> pv = proved_value(PCF("3n", "3+n-2n^2"))     # a Ramanujan Machine "new" fraction
    >>> pv.theorem, str(pv.value)
    ('gauss_second', '(8 + 3*pi)/(3*pi + 10)')
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import flint
import mpmath
import sympy

from engine.contfrac import PCF
from engine.errors import InvalidInputError, VerificationError
from engine.results import Result

__all__ = ["EulerForm", "PCFSeries", "ProvedValue", "euler_form", "pcf_series", "proved_value",
           "euler_pcf", "THEOREMS", "INFLATION_ROOTS"]

#: The summation theorems :func:`proved_value` may cite (key -> statement and source).
THEOREMS = {
    "gauss": "Gauss's summation theorem 2F1(a,b;c;1) = G(c)G(c-a-b)/(G(c-a)G(c-b)), c-a-b > 0 "
             "(C. F. Gauss 1813; Andrews-Askey-Roy, Special Functions, Thm 2.2.2)",
    "gauss_second": "Gauss's second summation theorem 2F1(a,b;(a+b+1)/2;1/2) = "
                    "sqrt(pi)G((a+b+1)/2)/(G((a+1)/2)G((b+1)/2)) (W. N. Bailey, Generalized "
                    "Hypergeometric Series, 1935, 2.4)",
    "bailey": "Bailey's summation theorem 2F1(a,1-a;c;1/2) = G(c/2)G((c+1)/2)/(G((c+a)/2)"
              "G((c-a+1)/2)) (W. N. Bailey, Generalized Hypergeometric Series, 1935, 2.4)",
    "kummer": "Kummer's summation theorem 2F1(a,b;1+a-b;-1) = G(1+a-b)G(1+a/2)/(G(1+a)"
              "G(1+a/2-b)), b < 1 (Andrews-Askey-Roy, Special Functions, Cor. 3.1.2)",
    "binomial": "the binomial theorem 1F0(a;;z) = (1-z)^(-a), |z| < 1",
    "exponential": "a tail of the exponential series: sum_k z^k/(m)_k = (m-1)! z^(1-m) "
                   "(e^z - sum_{i<m-1} z^i/i!)",
    "logarithm": "a tail of Mercator's series: sum_k m z^k/(k+m) = m z^(-m) (-log(1-z) - "
                 "sum_{0<i<m} z^i/i), -1 <= z < 1",
    "terminating": "a terminating hypergeometric series (a finite sum)",
}

#: Roots ``r`` of the linear factors ``n + r`` that :func:`euler_form` tries in inflations.
INFLATION_ROOTS = (Fraction(1), Fraction(1, 2), Fraction(2), Fraction(3, 2), Fraction(3),
                   Fraction(5, 2))

_N = flint.fmpq_poly([0, 1])
_NM1 = flint.fmpq_poly([-1, 1])
_NP1 = flint.fmpq_poly([1, 1])


# ---------------------------------------------------------------- polynomial helpers
def _q(coeffs) -> flint.fmpq_poly:
    return flint.fmpq_poly([flint.fmpq(Fraction(c).numerator, Fraction(c).denominator)
                            for c in coeffs]) if coeffs else flint.fmpq_poly([])


def _fr(p: flint.fmpq_poly) -> tuple[Fraction, ...]:
    return tuple(Fraction(int(c.p), int(c.q)) for c in p.coeffs()) or (Fraction(0),)


def _at(p: flint.fmpq_poly, n: int) -> Fraction:
    v = p(flint.fmpq(n))
    return Fraction(int(v.p), int(v.q))


def _nonneg_int_roots(p: flint.fmpq_poly) -> list[int]:
    """The roots of ``p`` in ``{0, 1, 2, ...}`` (``p != 0``)."""
    num = flint.fmpz_poly([int(c) for c in (p * p.denom()).coeffs()])
    return sorted(int(r) for r, _ in num.roots() if int(r) >= 0)


def _linear_roots(p: flint.fmpq_poly) -> list[Fraction] | None:
    """The rational roots of ``p`` with multiplicity when ``p`` splits into linear factors over
    Q, else None."""
    out: list[Fraction] = []
    _, facs = p.factor()
    for f, e in facs:
        c = f.coeffs()
        if len(c) != 2:
            return None
        r = -Fraction(int(c[0].p), int(c[0].q)) / Fraction(int(c[1].p), int(c[1].q))
        out += [r] * e
    return out


def _frac_text(x: Fraction) -> str:
    return str(x)


def _fracs_json(xs) -> list[str]:
    return [_frac_text(Fraction(x)) for x in xs]


def _fracs_from(xs) -> tuple[Fraction, ...]:
    return tuple(Fraction(str(x)) for x in xs)


def _check_pcf(f: Any, name: str = "pcf") -> PCF:
    if isinstance(f, PCF):
        return f
    if isinstance(f, tuple | list) and len(f) == 2:
        return PCF(*f)
    if isinstance(getattr(f, "pcf", None), PCF):
        return f.pcf
    raise InvalidInputError(f"{name}={f!r:.60} is not a PCF, a pair (a, b) or a hit; "
                            "give engine.contfrac.PCF(a, b)")


# ---------------------------------------------------------------- the Euler form
def _convergents(a: flint.fmpq_poly, b: flint.fmpq_poly, depth: int) -> list[tuple[Fraction, Fraction]]:
    out = []
    p0, q0 = Fraction(1), Fraction(0)
    p1, q1 = _at(a, 0), Fraction(1)
    out.append((p1, q1))
    for n in range(1, depth + 1):
        an, bn = _at(a, n), _at(b, n)
        p0, q0, p1, q1 = p1, q1, an * p1 + bn * p0, an * q1 + bn * q0
        out.append((p1, q1))
    return out


@dataclass(frozen=True)
class EulerForm(Result):
    """A certificate that ``PCF(a, b)``, inflated by ``c(n) = num(n)/den(n)``, is in Euler form.

    States: ``num(n) a(n) = den(n) (h1(n) + h2(n))`` and ``num(n) num(n-1) b(n) = -den(n)
    den(n-1) h1(n-1) h2(n)`` as polynomials, ``num``, ``den`` and ``h1`` have no roots in ``n >=
    0`` (``h1`` none in ``n >= 1``). Hence (module docstring) ``c(0) p(N)/q(N) = h2(0) +
    h1(0)/S(N)`` for every ``N``, with ``S(N)`` the partial sums of ``sum_k prod_{j<=k}
    h2(j)/h1(j)``.

    Attributes:
        a, b: the fraction (integer coefficients, lowest degree first).
        num, den: the inflation ``c(n) = num(n)/den(n)`` (rational coefficients).
        h1, h2: the Euler-form polynomials of the inflated fraction.
    """

    a: tuple
    b: tuple
    num: tuple
    den: tuple
    h1: tuple
    h2: tuple

    @property
    def pcf(self) -> PCF:
        return PCF(list(self.a), list(self.b))

    @property
    def c0(self) -> Fraction:
        """``c(0) = num(0)/den(0)``."""
        return _at(_q(self.num), 0) / _at(_q(self.den), 0)

    @property
    def inflation(self) -> str:
        """``c(n)`` as text (``"1"`` when there is none)."""
        num, den = _q(self.num), _q(self.den)
        if den == 1:
            return str(num).replace("x", "n")
        return f"({num})/({den})".replace("x", "n")

    def check(self, depth: int = 12) -> None:
        """Re-prove the certificate: the two polynomial identities, no zeros or poles of ``c``
        at ``n >= 0`` and of ``h1`` at ``n >= 1``; then confirm ``c(0) p(N) S(N) = h2(0)
        q(N) S(N) + h1(0) q(N)`` exactly for ``N <= depth`` (a consequence, re-checked).

        Raises:
            VerificationError: naming what fails.
        """
        a, b = _q(self.a), _q(self.b)
        num, den, h1, h2 = _q(self.num), _q(self.den), _q(self.h1), _q(self.h2)
        if num == 0 or den == 0 or h1 == 0:
            raise VerificationError("the inflation or h1 is the zero polynomial")
        if _nonneg_int_roots(num) or _nonneg_int_roots(den):
            raise VerificationError(f"the inflation c(n) = {self.inflation} vanishes or has a "
                                    "pole at some n >= 0")
        if any(r >= 1 for r in _nonneg_int_roots(h1)):
            raise VerificationError(f"h1 = {h1} vanishes at some n >= 1")
        if num * a != den * (h1 + h2):
            raise VerificationError("num(n) a(n) != den(n) (h1(n) + h2(n))")
        if num * num(_NM1) * b != -(den * den(_NM1) * h1(_NM1) * h2):
            raise VerificationError("num(n) num(n-1) b(n) != -den(n) den(n-1) h1(n-1) h2(n)")
        c0 = self.c0
        h10, h20 = _at(h1, 0), _at(h2, 0)
        s, t = Fraction(0), Fraction(1)
        for n, (p, q) in enumerate(_convergents(a, b, depth)):
            if n:
                t *= _at(h2, n) / _at(h1, n)
            s += t
            if c0 * p * s != h20 * q * s + h10 * q:
                raise VerificationError(f"the convergent identity fails at N = {n}")

    def to_json(self) -> dict:
        return {"a": list(self.a), "b": list(self.b), "num": _fracs_json(self.num),
                "den": _fracs_json(self.den), "h1": _fracs_json(self.h1),
                "h2": _fracs_json(self.h2), "inflation": self.inflation}

    @classmethod
    def from_json(cls, d: dict) -> EulerForm:
        return cls(tuple(int(c) for c in d["a"]), tuple(int(c) for c in d["b"]),
                   _fracs_from(d["num"]), _fracs_from(d["den"]), _fracs_from(d["h1"]),
                   _fracs_from(d["h2"]))

    @classmethod
    def example(cls) -> EulerForm:
        """Euler's ``1/(e-1) = PCF(n, n)``: ``h1 = n + 1``, ``h2 = -1``."""
        return euler_form(PCF("n", "n"))

    @classmethod
    def tampered(cls) -> EulerForm:
        """:meth:`example` with ``h2 = -2``."""
        import dataclasses

        return dataclasses.replace(cls.example(), h2=(Fraction(-2),))


def euler_pcf(h1: Any, h2: Any) -> PCF:
    """The fraction ``a = h1 + h2``, ``b(n) = -h1(n-1) h2(n)`` of two integer polynomials.

    Raises:
        InvalidInputError: ``h1`` or ``h2`` is not an integer polynomial, or both vanish.

    Examples:
        >>> from solvers.pcf_euler import euler_pcf
        >>> euler_pcf("n+1", -1)         # the series of 1 - 1/e
        PCF('n', 'n')
    """
    from engine.contfrac import parse_polynomial

    p1 = flint.fmpz_poly(parse_polynomial(h1, "h1"))
    p2 = flint.fmpz_poly(parse_polynomial(h2, "h2"))
    a = p1 + p2
    b = -(p1(flint.fmpz_poly([-1, 1])) * p2)
    return PCF([int(c) for c in a.coeffs()] or [0], [int(c) for c in b.coeffs()] or [0])


def _split(a: flint.fmpq_poly, b: flint.fmpq_poly):
    """All ``(h1, h2)`` with ``a = h1 + h2``, ``b(n) = -h1(n-1) h2(n)`` (rational ``h1``,
    ``h2``; ``b != 0``)."""
    lc, facs = b.factor()
    items = [(f, e) for f, e in facs]
    for mult in itertools.product(*(range(e + 1) for _, e in items)):
        F = flint.fmpq_poly([1])
        for (f, _), m in zip(items, mult, strict=True):
            F *= f ** m
        G = -b / F  # exact: F divides b
        F1 = F(_NP1)      # h1 = c F(n+1), h2 = G/c:   c^2 F1 - c a + G = 0
        for c in _scalars(F1, a, G):
            h1, h2 = F1 * c, G / c
            if h1 + h2 == a:
                yield h1, h2


def _scalars(F1, a, G) -> list:
    n = max(F1.degree(), a.degree(), G.degree())
    for d in range(n, -1, -1):
        x, y, z = F1[d], -a[d], G[d]
        if x == 0 and y == 0:
            if z != 0:
                return []
            continue
        if x == 0:
            return [-z / y] if z != 0 else []
        disc = y * y - 4 * x * z
        if disc < 0:
            return []
        rp, rq = math.isqrt(int(disc.p)), math.isqrt(int(disc.q))
        if rp * rp != int(disc.p) or rq * rq != int(disc.q):
            return []
        r = flint.fmpq(rp, rq)
        return [c for c in {(-y + r) / (2 * x), (-y - r) / (2 * x)} if c != 0]
    return []


def _monic_products(roots, max_degree: int):
    yield flint.fmpq_poly([1])
    for d in range(1, max_degree + 1):
        for combo in itertools.combinations_with_replacement(roots, d):
            p = flint.fmpq_poly([1])
            for r in combo:
                p *= flint.fmpq_poly([flint.fmpq(r.numerator, r.denominator), 1])
            yield p


def euler_form(pcf: Any, max_inflation_degree: int = 2) -> EulerForm | None:
    """An :class:`EulerForm` certificate for ``pcf``, or None when none is found among the
    inflations ``c(n) = num(n)/den(n)``, ``num`` a product of at most ``max_inflation_degree``
    and ``den`` of at most one factor ``n + r``, ``r`` in :data:`INFLATION_ROOTS`.

    The search is bounded (at most a few hundred inflations, each a factorisation of ``b``).

    Raises:
        InvalidInputError: ``pcf`` is not a fraction, or ``max_inflation_degree`` is not an
            integer in ``0..3``.

    Examples:
        >>> from engine.contfrac import PCF
        >>> from solvers.pcf_euler import euler_form
        >>> cert = euler_form(PCF(2, "(2n-1)^2"))       # Brouncker: 1 + 4/pi, Leibniz's series
        >>> cert.inflation, cert.h1, cert.h2
        ('1', (Fraction(1, 1), Fraction(2, 1)), (Fraction(1, 1), Fraction(-2, 1)))
    """
    from engine._args import check_int

    f = _check_pcf(pcf)
    max_inflation_degree = check_int(max_inflation_degree, "max_inflation_degree", low=0, high=3)
    return next(_forms(f, max_inflation_degree), None)


def _forms(f: PCF, max_inflation_degree: int):
    """Every Euler form of ``f`` among the inflations of :func:`euler_form` (a generator)."""
    if f.b == [0]:
        return
    a, b = _q(f.a), _q(f.b)
    for den in _monic_products(INFLATION_ROOTS, 1):
        for num in _monic_products(INFLATION_ROOTS, max_inflation_degree):
            if num != 1 and den != 1 and num % den == 0:
                continue
            an, ar = divmod(num * a, den)
            if ar != 0:
                continue
            bn, br = divmod(num * num(_NM1) * b, den * den(_NM1))
            if br != 0:
                continue
            for h1, h2 in _split(an, bn):
                if any(r >= 1 for r in _nonneg_int_roots(h1)):
                    continue
                yield EulerForm(tuple(f.a), tuple(f.b), _fr(num), _fr(den), _fr(h1), _fr(h2))


# ---------------------------------------------------------------- the series
@dataclass(frozen=True)
class PCFSeries(Result):
    """``c(0) L = h2(0) + h1(0)/S`` with ``S = sum_{k>=0} t_k``, ``t_0 = 1``, ``t_k/t_{k-1} =
    h2(k)/h1(k)``: convergent by convergent, ``c(0) p(N)/q(N) = h2(0) + h1(0)/S(N)``.

    Attributes:
        form: the :class:`EulerForm` behind it.
    """

    form: EulerForm

    @property
    def offset(self) -> Fraction:
        """``h2(0)/c(0)``: ``L = offset + scale/S``."""
        return _at(_q(self.form.h2), 0) / self.form.c0

    @property
    def scale(self) -> Fraction:
        """``h1(0)/c(0)``."""
        return _at(_q(self.form.h1), 0) / self.form.c0

    def term(self, k: int) -> Fraction:
        """``t_k`` exactly."""
        h1, h2 = _q(self.form.h1), _q(self.form.h2)
        t = Fraction(1)
        for j in range(1, k + 1):
            t *= _at(h2, j) / _at(h1, j)
        return t

    def partial_sum(self, n: int) -> Fraction:
        """``S(n) = t_0 + ... + t_n`` exactly."""
        return sum((self.term(k) for k in range(n + 1)), Fraction(0))

    def convergent_from_series(self, n: int) -> Fraction:
        """``p(n)/q(n)`` computed from the series: ``offset + scale/S(n)``."""
        return self.offset + self.scale / self.partial_sum(n)

    def check(self) -> None:
        """Re-prove the Euler form (:meth:`EulerForm.check`).

        Raises:
            VerificationError: naming what fails.
        """
        self.form.check()

    def to_json(self) -> dict:
        h1, h2 = _q(self.form.h1), _q(self.form.h2)
        return {"form": self.form.to_json(), "offset": str(self.offset), "scale": str(self.scale),
                "ratio": f"({h2})/({h1})".replace("x", "k")}

    @classmethod
    def from_json(cls, d: dict) -> PCFSeries:
        return cls(EulerForm.from_json(d["form"]))

    @classmethod
    def example(cls) -> PCFSeries:
        """Euler's ``1/log 2 = PCF(1, n^2)``: the series of ``log 2``."""
        return pcf_series(PCF(1, "n^2"))

    @classmethod
    def tampered(cls) -> PCFSeries:
        import dataclasses

        ex = cls.example()
        return cls(dataclasses.replace(ex.form, h1=tuple(x + 1 for x in ex.form.h1)))


def pcf_series(pcf: Any, max_inflation_degree: int = 2) -> PCFSeries | None:
    """The series of ``pcf`` (:class:`PCFSeries`) through :func:`euler_form`, or None.

    Raises:
        InvalidInputError: as :func:`euler_form`.

    Examples:
        >>> from engine.contfrac import PCF
        >>> from solvers.pcf_euler import pcf_series
        >>> s = pcf_series(PCF(1, "n^2"))               # 1/log 2 = PCF(1, n^2)
        >>> [str(s.term(k)) for k in range(4)], s.offset, s.scale
        (['1', '-1/2', '1/3', '-1/4'], Fraction(0, 1), Fraction(1, 1))
        >>> s.convergent_from_series(3) == Fraction(*PCF(1, "n^2").convergent(3))
        True
    """
    form = euler_form(pcf, max_inflation_degree)
    return None if form is None else PCFSeries(form)


# ---------------------------------------------------------------- hypergeometric sums
def _hyper_params(h1: flint.fmpq_poly, h2: flint.fmpq_poly):
    """``(upper, lower, z)`` with ``S = pFq(upper; lower; z)`` (``t_k = z^k prod (A)_k / prod
    (B)_k``, a ``1`` added above for the ``k!``), or None when the ratio does not split."""
    ra, rb = _linear_roots(h2), _linear_roots(h1)
    if ra is None or rb is None:
        return None
    z = Fraction(int(h2.coeffs()[-1].p), int(h2.coeffs()[-1].q)) / \
        Fraction(int(h1.coeffs()[-1].p), int(h1.coeffs()[-1].q))
    upper = sorted([1 - r for r in ra] + [Fraction(1)])
    lower = sorted(1 - r for r in rb)
    for x in list(upper):
        if x in lower and x in upper:
            upper.remove(x)
            lower.remove(x)
    return tuple(upper), tuple(lower), z


def _R(x: Fraction) -> Any:
    return sympy.Rational(x.numerator, x.denominator)


def _sum_closed_form(upper, lower, z) -> tuple[str, Any] | None:
    """``(theorem, exact sum)`` of ``pFq(upper; lower; z)`` by a theorem of :data:`THEOREMS`
    (None when none applies or the closed form is not finite: a pole of Gamma)."""
    up, lo = list(upper), list(lower)
    for x in list(up):
        if x in lo:
            up.remove(x)
            lo.remove(x)
    got = _closed_form(tuple(sorted(up)), tuple(sorted(lo)), z)
    if got is None or got[1].has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        return None
    return got


def _closed_form(upper, lower, z) -> tuple[str, Any] | None:
    G = sympy.gamma
    if any(b <= 0 and b.denominator == 1 for b in lower):
        return None
    neg = [a for a in upper if a <= 0 and a.denominator == 1]
    if neg:  # a finite sum
        total, t = sympy.Integer(0), sympy.Integer(1)
        for k in range(int(-max(neg)) + 1):
            total += t
            num = math.prod((_R(a) + k for a in upper), start=sympy.Integer(1))
            den = math.prod((_R(b) + k for b in lower), start=sympy.Integer(1)) * (k + 1)
            t = t * num * _R(z) / den
        return "terminating", total
    p, q = len(upper), len(lower)
    Z = _R(z)
    if p == 0 and q == 0:
        return "exponential", sympy.exp(Z)
    if p == 1 and q == 0 and abs(z) < 1:
        return "binomial", (1 - Z) ** (-_R(upper[0]))
    if p == 1 and q == 1 and upper[0] == 1 and lower[0].denominator == 1 and z != 0:
        m = int(lower[0])
        head = sum((Z ** i / sympy.factorial(i) for i in range(m - 1)), sympy.Integer(0))
        return "exponential", sympy.factorial(m - 1) * Z ** (1 - m) * (sympy.exp(Z) - head)
    if p == 2 and q == 1:
        a, b = upper
        (c,) = lower
        if z == 1 and c - a - b > 0:
            return "gauss", G(_R(c)) * G(_R(c - a - b)) / (G(_R(c - a)) * G(_R(c - b)))
        if z == Fraction(1, 2) and c == (a + b + 1) / 2:
            return "gauss_second", (sympy.sqrt(sympy.pi) * G(_R(c))
                                    / (G(_R((a + 1) / 2)) * G(_R((b + 1) / 2))))
        if z == Fraction(1, 2) and a + b == 1:
            return "bailey", (G(_R(c / 2)) * G(_R((c + 1) / 2))
                              / (G(_R((c + a) / 2)) * G(_R((c - a + 1) / 2))))
        if z == -1:
            for x, y in ((a, b), (b, a)):
                if c == 1 + x - y and y < 1:
                    return "kummer", (G(_R(1 + x - y)) * G(_R(1 + x / 2))
                                      / (G(_R(1 + x)) * G(_R(1 + x / 2 - y))))
        if -1 <= z < 1 and z != 0:
            for x, y in ((a, b), (b, a)):
                if x == 1 and y.denominator == 1 and y >= 1 and c == y + 1:
                    m = int(y)
                    head = sum((Z ** i / i for i in range(1, m)), sympy.Integer(0))
                    return "logarithm", m * Z ** (-m) * (-sympy.log(1 - Z) - head)
    return None


def _poly_k(roots_shift) -> flint.fmpq_poly:
    p = flint.fmpq_poly([1])
    for x in roots_shift:
        p *= flint.fmpq_poly([flint.fmpq(x.numerator, x.denominator), 1])
    return p


def _pochhammer_ratio(actual, base, upper: bool) -> flint.fmpq_poly | None:
    """``prod (x)_k/(x')_k`` (upper) or ``prod (x')_k/(x)_k`` (lower) as a polynomial in ``k``
    when every shift ``x - x'`` (upper) or ``x' - x`` (lower) is a non-negative integer."""
    p = flint.fmpq_poly([1])
    for x, y in zip(actual, base, strict=True):
        d = (x - y) if upper else (y - x)
        if d.denominator != 1 or d < 0:
            return None
        lo, hi = (y, x) if upper else (x, y)
        # (hi)_k/(lo)_k = (lo+k)...(lo+k+d-1) / ((lo)...(lo+d-1))
        for i in range(int(d)):
            p *= flint.fmpq_poly([flint.fmpq((lo + i).numerator, (lo + i).denominator), 1])
            p /= flint.fmpq((lo + i).numerator, (lo + i).denominator)
    return p


def _pochhammer_fraction(actual, base, upper: bool) -> tuple[flint.fmpq_poly, flint.fmpq_poly] | None:
    """``prod (x)_k/(x')_k`` (upper) or ``prod (x')_k/(x)_k`` (lower) as ``(num, den)``
    polynomials in ``k`` when every shift is an integer (either sign)."""
    num, den = flint.fmpq_poly([1]), flint.fmpq_poly([1])
    for x, y in zip(actual, base, strict=True):
        d = x - y
        if d.denominator != 1:
            return None
        hi, lo = (x, y) if d >= 0 else (y, x)
        # (hi)_k/(lo)_k = (lo+k)...(lo+k+|d|-1) / ((lo)...(lo+|d|-1))
        p = flint.fmpq_poly([1])
        for i in range(abs(int(d))):
            c = flint.fmpq((lo + i).numerator, (lo + i).denominator)
            if c == 0:
                return None
            p *= flint.fmpq_poly([c, 1]) / c
        if (d >= 0) == upper:
            num *= p
        else:
            den *= p
    return num, den


def _rational_contiguity(upper, lower, z, base_upper, base_lower, extra: int = 2):
    """``(lam, gn, gd)`` with ``t_k = lam u_k + g(k+1) u_{k+1} - g(k) u_k``, ``g = gn/gd`` a
    rational function without poles at ``k >= 0``, ``gd = lcm(Rd(k), Rd(k-1))`` for ``t_k/u_k =
    Rn/Rd``; None when there is none."""
    fu = _pochhammer_fraction(upper, base_upper, True)
    fl = _pochhammer_fraction(lower, base_lower, False)
    if fu is None or fl is None:
        return None
    Rn, Rd = fu[0] * fl[0], fu[1] * fl[1]
    gcd = Rn.gcd(Rd)
    Rn, Rd = Rn / gcd, Rd / gcd
    D = Rd * Rd(_NM1)
    D = D / D.gcd(Rd) if Rd.degree() > 0 else Rd
    rn = _poly_k(base_upper) * flint.fmpq(z.numerator, z.denominator)
    rd = _poly_k(base_lower) * flint.fmpq_poly([1, 1])
    degree = D.degree() + max(Rn.degree() - Rd.degree(), 0) + extra
    # Rn D(k+1) D rd = lam Rd D(k+1) D rd + A(k+1) Rd D rn - A(k) Rd D(k+1) rd
    D1 = D(_NP1)
    rhs = Rn * D1 * D * rd
    cols = [Rd * D1 * D * rd]
    for j in range(degree + 1):
        mono = flint.fmpq_poly([0] * j + [1])
        cols.append(mono(_NP1) * Rd * D * rn - mono * Rd * D1 * rd)
    sol = _solve_columns(cols, rhs)
    if sol is None:
        return None
    vals = [sol[i, 0] for i in range(len(cols))]
    lam, A = vals[0], flint.fmpq_poly(vals[1:])
    if rhs != cols[0] * lam + A(_NP1) * Rd * D * rn - A * Rd * D1 * rd:
        return None
    g = A.gcd(D) if A != 0 else D
    gn, gd = (A / g, D / g) if A != 0 else (flint.fmpq_poly([]), flint.fmpq_poly([1]))
    if gd.degree() > 0 and _nonneg_int_roots(gd):
        return None
    return Fraction(int(lam.p), int(lam.q)), gn, gd


def _contiguity(upper, lower, z, base_upper, base_lower, degree: int = 4):
    """``(lam, g)`` with ``t_k = lam u_k + g(k+1) u_{k+1} - g(k) u_k`` (``t``, ``u`` the terms of
    ``pFq(upper; lower; z)`` and of the base series), ``g`` a polynomial of degree <=
    ``degree``; None when there is none."""
    Ru = _pochhammer_ratio(upper, base_upper, True)
    Rl = _pochhammer_ratio(lower, base_lower, False)
    if Ru is None or Rl is None:
        return None
    R = Ru * Rl
    rn = _poly_k(base_upper) * flint.fmpq(z.numerator, z.denominator)
    rd = _poly_k(base_lower) * flint.fmpq_poly([1, 1])
    # R rd = lam rd + g(k+1) rn - g(k) rd; unknowns lam, g_0..g_degree
    cols = [rd] + [flint.fmpq_poly([0] * j + [1])(_NP1) * rn - flint.fmpq_poly([0] * j + [1]) * rd
                   for j in range(degree + 1)]
    rhs = R * rd
    sol = _solve_columns(cols, rhs)
    if sol is None:
        return None
    vals = [Fraction(int(sol[i, 0].p), int(sol[i, 0].q)) for i in range(len(cols))]
    lam, g = vals[0], _q(vals[1:])
    if _q([0]) != _q([lam]) * rd + g(_NP1) * rn - g * rd - rhs:
        return None
    return lam, g


def _solve_columns(cols: list, rhs: Any) -> Any:
    """A solution ``x`` (an ``fmpq_mat`` column) of ``sum_j x_j cols[j] = rhs``, polynomials
    compared coefficient by coefficient (:func:`_least_solution`); None when there is none."""
    rows = max(max(c.degree() for c in cols), rhs.degree()) + 1
    M = flint.fmpq_mat(rows, len(cols), [cols[j][i] for i in range(rows) for j in range(len(cols))])
    v = flint.fmpq_mat(rows, 1, [rhs[i] for i in range(rows)])
    return _least_solution(M, v)


def _least_solution(M, v):
    """A solution of ``M x = v`` over Q (free variables 0), or None."""
    import sympy as _sp

    A = _sp.Matrix(M.nrows(), M.ncols(), lambda i, j: _sp.Rational(int(M[i, j].p), int(M[i, j].q)))
    b = _sp.Matrix(v.nrows(), 1, lambda i, j: _sp.Rational(int(v[i, 0].p), int(v[i, 0].q)))
    try:
        x, params = A.gauss_jordan_solve(b)
    except ValueError:
        return None
    x = x.subs({p: 0 for p in params})
    return flint.fmpq_mat(len(x), 1, [flint.fmpq(int(_sp.fraction(e)[0]), int(_sp.fraction(e)[1]))
                                       for e in x])


def _tail_vanishes(g: flint.fmpq_poly, base_upper, base_lower, z: Fraction,
                   gd: flint.fmpq_poly | None = None) -> bool:
    """Whether ``g(k) u_k -> 0`` (``u`` the base terms, ``g`` or ``g/gd``)."""
    p, q = len(base_upper), len(base_lower)
    if g == 0 or p <= q:               # terms decay faster than any geometric sequence
        return True
    if p != q + 1 or abs(z) > 1:
        return False
    deg = g.degree() - (0 if gd is None else gd.degree())
    return abs(z) < 1 or deg + sum(base_upper) - sum(base_lower) - 1 < 0


def _reduced_sum(upper, lower, z, span: int = 2):
    """``(theorem, S, base_upper, base_lower, lam, g)``: ``S = lam U - g(0)`` with ``U`` a base
    series summed by a theorem and the contiguity ``t_k = lam u_k + g(k+1) u_{k+1} - g(k)
    u_k`` (:func:`_contiguity`); None when none is found."""
    shifts_u = [range(-span, 1)] * len(upper)
    shifts_l = [range(0, span + 1)] * len(lower)
    best = None
    for du in itertools.product(*shifts_u):
        bu = tuple(sorted(x + d for x, d in zip(upper, du, strict=True)))
        if any(x <= 0 and x.denominator == 1 for x in bu):
            continue
        for dl in itertools.product(*shifts_l):
            if not any(du) and not any(dl):
                continue
            bl = tuple(sorted(x + d for x, d in zip(lower, dl, strict=True)))
            got = _sum_closed_form(bu, bl, z)
            if got is None or got[0] == "terminating":
                continue
            pu = tuple(x + d for x, d in zip(upper, du, strict=True))
            pl = tuple(x + d for x, d in zip(lower, dl, strict=True))
            cg = _contiguity(upper, lower, z, pu, pl)
            if cg is None:
                continue
            lam, g = cg
            if not _tail_vanishes(g, pu, pl, z):
                continue
            S = _R(lam) * got[1] - _R(_at(g, 0))
            cand = (got[0], S, pu, pl, lam, _fr(g), ())
            if best is None or sum(map(abs, du)) + sum(dl) < best[0]:
                best = (sum(map(abs, du)) + sum(dl), cand)
    return None if best is None else best[1]


def _rational_reduced_sum(upper, lower, z, span: int = 2):
    """As :func:`_reduced_sum` with shifts of either sign and a rational ``g``
    (:func:`_rational_contiguity`)."""
    params = list(upper) + list(lower)
    if len(params) > 5:
        return None
    if len(params) > 3:
        span = 1
    p = len(upper)
    for total in range(1, span * len(params) + 1):
        for ds in itertools.product(range(-span, span + 1), repeat=len(params)):
            if sum(map(abs, ds)) != total:
                continue
            pu = tuple(x + d for x, d in zip(upper, ds[:p], strict=True))
            pl = tuple(x + d for x, d in zip(lower, ds[p:], strict=True))
            if any(b <= 0 and b.denominator == 1 for b in pl):
                continue
            if any(a <= 0 and a.denominator == 1 for a in pu):
                continue
            got = _sum_closed_form(pu, pl, z)
            if got is None or got[0] == "terminating":
                continue
            cg = _rational_contiguity(upper, lower, z, pu, pl)
            if cg is None:
                continue
            lam, gn, gd = cg
            if not _tail_vanishes(gn, pu, pl, z, gd):
                continue
            S = _R(lam) * got[1] - _R(_at(gn, 0) / _at(gd, 0))
            return got[0], S, pu, pl, lam, _fr(gn), _fr(gd)
    return None


def _tail_params(upper, lower):
    """``(m, upper', lower')`` when ``1`` is an upper and an integer ``m >= 2`` a lower
    parameter: ``pFq(upper; lower; z)`` is then a tail (from ``j = m-1``) of ``pFq(upper';
    lower'; z)``, every other parameter lowered by ``m - 1`` and the pair removed; else None."""
    if Fraction(1) not in upper:
        return None
    ms = [b for b in lower if b.denominator == 1 and b >= 2]
    if not ms:
        return None
    m = int(min(ms))
    up, lo = list(upper), list(lower)
    up.remove(Fraction(1))
    lo.remove(Fraction(m))
    up = [a - (m - 1) for a in up]
    lo = [b - (m - 1) for b in lo]
    if any(b <= 0 and b.denominator == 1 for b in lo):
        return None
    if any(a <= 0 and a.denominator == 1 and a > -(m - 1) for a in up):
        return None
    return m, tuple(sorted(up)), tuple(sorted(lo))


def _from_tail(m: int, upper1, lower1, z: Fraction, full: Any) -> Any:
    """``pFq(upper; lower; z)`` from the sum ``full`` of ``pFq(upper1; lower1; z)`` (the
    series of :func:`_tail_params`): ``(m-1)! z^(1-m) prod (lower1)_(m-1)/prod (upper1)_(m-1)
    (full - sum_{j<m-1} u_j)``."""
    head, u = sympy.Integer(0), sympy.Integer(1)
    for j in range(m - 1):
        head += u
        num = math.prod((_R(a) + j for a in upper1), start=sympy.Integer(1))
        den = math.prod((_R(b) + j for b in lower1), start=sympy.Integer(1)) * (j + 1)
        u = u * num * _R(z) / den
    # u is now u_{m-1} = z^(m-1) prod (upper1)_(m-1) / (prod (lower1)_(m-1) (m-1)!)
    return (full - head) / u


def _series_sum(upper, lower, z):
    """``(theorem, S, base_upper, base_lower, lam, g, g_den, tail_m)``: directly by a theorem
    (``lam = 1``, ``g = ()``), else through :func:`_reduced_sum`, possibly after :func:`_tail_params`
    (``tail_m > 0``); None when nothing applies."""
    got = _sum_closed_form(upper, lower, z)
    if got is not None:
        return got[0], got[1], tuple(upper), tuple(lower), Fraction(1), (), (), 0
    tp = _tail_params(upper, lower) if z != 0 else None
    for reduce in (_reduced_sum, _rational_reduced_sum):
        red = reduce(upper, lower, z)
        if red is not None:
            return (*red, 0)
        if tp is None:
            continue
        m, up1, lo1 = tp
        got = _sum_closed_form(up1, lo1, z)
        if got is not None and got[0] != "terminating":
            return got[0], _from_tail(m, up1, lo1, z, got[1]), up1, lo1, Fraction(1), (), (), m
        red = reduce(up1, lo1, z)
        if red is not None:
            return (red[0], _from_tail(m, up1, lo1, z, red[1]), *red[2:], m)
    return None


@dataclass(frozen=True)
class ProvedValue(Result):
    """A proved limit: ``PCF(a, b) = value``, by an :class:`EulerForm` and a summation theorem.

    The limit is ``h2(0)/c(0) + h1(0)/(c(0) S)`` with ``S = pFq(upper; lower; z)``. The series
    is summed by ``theorem`` (a key of :data:`THEOREMS`) directly, or, when ``g`` is not empty,
    through a base series ``U = pFq(base_upper; base_lower; z)`` (the parameters shifted by
    integers) that the theorem sums, and the exact contiguity ``t_k = lam u_k + g(k+1) u_{k+1}
    - g(k) u_k`` (telescoping, ``g(k) u_k -> 0``): ``S = lam U - g(0)``. When ``tail_m > 0``
    the series (with an upper ``1`` and a lower integer ``m``) is first rewritten as a tail,
    from index ``m - 1``, of a series with one parameter pair fewer (:func:`_tail_params`), and
    that one is summed.

    Attributes:
        form: the Euler-form certificate.
        upper, lower, z: the hypergeometric parameters of the series.
        theorem: the key of :data:`THEOREMS` used.
        value: the exact limit (a sympy expression).
        base_upper, base_lower, lam, g: the contiguity (``g = ()`` when the theorem applies
            directly).
        tail_m: the tail step (0 when none).
        g_den: the denominator of a rational ``g`` (``()``: ``g`` is a polynomial).
        shift: the Euler form is about the fraction's tail from depth ``shift`` (0: the
            fraction itself); the value follows through the exact head (a Mobius map).
    """

    form: EulerForm
    upper: tuple
    lower: tuple
    z: Fraction
    theorem: str
    value: Any
    base_upper: tuple = ()
    base_lower: tuple = ()
    lam: Fraction = Fraction(1)
    g: tuple = ()
    tail_m: int = 0
    g_den: tuple = ()
    shift: int = 0

    @property
    def pcf(self) -> PCF:
        """The fraction whose value is proved (``form`` is about its tail from ``shift``)."""
        if not self.shift:
            return self.form.pcf
        from solvers.pcf_equivalence import shifted

        return shifted(self.form.pcf, -self.shift)

    def _tail_mobius(self) -> tuple[int, int, int, int]:
        """``m`` with ``L(tail) = m(L)`` (:func:`solvers.pcf_equivalence.tail_shift_relation`),
        re-proved."""
        from solvers.pcf_equivalence import tail_shift_relation

        try:
            r = tail_shift_relation(self.pcf, self.shift)
        except InvalidInputError as exc:
            raise VerificationError(f"no tail from depth {self.shift}: {exc}") from exc
        if r.pcf2 != self.form.pcf:
            raise VerificationError(f"the Euler form is not the tail from depth {self.shift}")
        r.check()
        return r.mobius

    @property
    def statement(self) -> str:
        """The theorem's statement (and the contiguity, when used)."""
        text = THEOREMS.get(self.theorem, self.theorem)
        if self.g:
            text += "; applied to a contiguous series (exact telescoping certificate)"
        if self.tail_m:
            text += f"; the series is a tail (from index {self.tail_m - 1}) of the summed one"
        return text

    def series_sum(self) -> Any:
        """The exact sum ``S`` of the series, re-derived from the certificate.

        Raises:
            VerificationError: the theorem or the contiguity does not apply.
        """
        up, lo = tuple(self.upper), tuple(self.lower)
        if self.tail_m:
            tp = _tail_params(up, lo)
            if tp is None or tp[0] != self.tail_m:
                raise VerificationError(f"the series is not a tail from m = {self.tail_m}")
            _, up, lo = tp
        bu = tuple(self.base_upper) if self.g else up
        bl = tuple(self.base_lower) if self.g else lo
        got = _sum_closed_form(bu, bl, self.z)
        if got is None or got[0] != self.theorem:
            raise VerificationError(f"the theorem {self.theorem!r} does not apply to the series")
        S = got[1]
        if self.g:
            g = _q(self.g)
            gd = _q(self.g_den) if self.g_den else flint.fmpq_poly([1])
            fu = _pochhammer_fraction(up, bu, True)
            fl = _pochhammer_fraction(lo, bl, False)
            if fu is None or fl is None or not _tail_vanishes(g, bu, bl, self.z, gd):
                raise VerificationError("the contiguity to the base series does not hold")
            if gd == 0 or _nonneg_int_roots(gd):
                raise VerificationError("g has a pole at some k >= 0")
            Rn, Rd = fu[0] * fl[0], fu[1] * fl[1]
            rn = _poly_k(bu) * flint.fmpq(self.z.numerator, self.z.denominator)
            rd = _poly_k(bl) * flint.fmpq_poly([1, 1])
            lam = flint.fmpq(self.lam.numerator, self.lam.denominator)
            gd1 = gd(_NP1)
            # Rn/Rd = lam + (g(k+1)/gd(k+1)) rn/rd - g(k)/gd(k), cleared of denominators
            if Rn * gd1 * gd * rd != Rd * (lam * gd1 * gd * rd + g(_NP1) * gd * rn - g * gd1 * rd):
                raise VerificationError("t_k != lam u_k + g(k+1) u_(k+1) - g(k) u_k")
            S = _R(self.lam) * S - _R(_at(g, 0) / _at(gd, 0))
        if self.tail_m:
            S = _from_tail(self.tail_m, up, lo, self.z, S)
        return S

    def check(self) -> None:
        """Re-prove: the Euler form, the hypergeometric parameters from ``h1``, ``h2``, the
        theorem's hypotheses and its closed form (and the contiguity), that ``value`` equals
        ``offset + scale/S`` exactly (sympy), and, as a guard, agreement with the fraction to
        20 digits.

        Raises:
            VerificationError: naming what fails.
        """
        self.form.check()
        params = _hyper_params(_q(self.form.h1), _q(self.form.h2))
        if params != (tuple(self.upper), tuple(self.lower), self.z):
            raise VerificationError("the hypergeometric parameters do not match h1, h2")
        S = self.series_sum()
        if S == 0:
            raise VerificationError("the series sums to 0: the fraction diverges")
        s = PCFSeries(self.form)
        expect = _R(s.offset) + _R(s.scale) / S
        if self.shift:
            expect = _untail(self._tail_mobius(), expect)
            if expect is None:
                raise VerificationError("the head maps the tail's value to infinity")
        if _tidy(expect - self.value) != 0 and sympy.simplify(expect - self.value) != 0:
            raise VerificationError(f"value {self.value} != {_tidy(expect)}")
        try:
            lim = self.pcf.evaluate(25).value
        except (ArithmeticError, InvalidInputError) as exc:
            raise VerificationError(f"the fraction does not evaluate: {exc}") from exc
        with mpmath.workdps(30):
            v = mpmath.mpf(sympy.N(self.value, 30))
            if abs(v - lim) > mpmath.mpf(10) ** -20 * max(1, abs(v)):
                raise VerificationError(f"value {self.value} disagrees with the fraction {lim}")

    def to_json(self) -> dict:
        return {"form": self.form.to_json(), "upper": _fracs_json(self.upper),
                "lower": _fracs_json(self.lower), "z": str(self.z), "theorem": self.theorem,
                "statement": self.statement, "value": str(self.value),
                "latex": sympy.latex(self.value), "base_upper": _fracs_json(self.base_upper),
                "base_lower": _fracs_json(self.base_lower), "lam": str(self.lam),
                "g": _fracs_json(self.g), "tail_m": self.tail_m, "g_den": _fracs_json(self.g_den),
                "shift": self.shift}

    @classmethod
    def from_json(cls, d: dict) -> ProvedValue:
        return cls(EulerForm.from_json(d["form"]), _fracs_from(d["upper"]),
                   _fracs_from(d["lower"]), Fraction(d["z"]), str(d["theorem"]),
                   sympy.sympify(d["value"]), _fracs_from(d.get("base_upper", ())),
                   _fracs_from(d.get("base_lower", ())), Fraction(d.get("lam", "1")),
                   _fracs_from(d.get("g", ())), int(d.get("tail_m", 0)),
                   _fracs_from(d.get("g_den", ())), int(d.get("shift", 0)))

    @classmethod
    def example(cls) -> ProvedValue:
        """``PCF(3n, 3 + n - 2n^2) = (3 pi + 8)/(3 pi + 10)`` by Gauss's second theorem and a
        contiguity."""
        return proved_value(PCF("3n", "3+n-2n^2"))

    @classmethod
    def tampered(cls) -> ProvedValue:
        import dataclasses

        ex = cls.example()
        return dataclasses.replace(ex, value=ex.value + 1)


def _tidy(x: Any) -> Any:
    """``x`` over one denominator, common factors cancelled (cheaper than ``sympy.simplify``,
    which imports sympy.physics on first use)."""
    return sympy.cancel(sympy.together(x))


def _untail(m, tail_value) -> Any:
    """``L`` from ``L(tail) = m(L)``: ``L = (m3 T - m1)/(m0 - m2 T)`` (None at infinity)."""
    m0, m1, m2, m3 = (sympy.Integer(x) for x in m)
    den = _tidy(m0 - m2 * tail_value)
    if den == 0:
        return None
    return (m3 * tail_value - m1) / den


def proved_value(pcf: Any, max_inflation_degree: int = 2, max_shift: int = 1
                 ) -> ProvedValue | None:
    """The limit of ``pcf`` proved by an Euler form (of the fraction, or else of its tail from
    depth ``<= max_shift``) and a summation theorem, or None.

    Raises:
        InvalidInputError: as :func:`euler_form`, or ``max_shift`` not an integer in ``0..4``.

    Examples:
        >>> from engine.contfrac import PCF
        >>> from solvers.pcf_euler import proved_value
        >>> pv = proved_value(PCF(1, "n^2"))              # Euler: 1/log 2
        >>> pv.theorem, str(pv.value)
        ('logarithm', '1/log(2)')
        >>> pv = proved_value(PCF("n+3", "-n"))           # Euler: e, through its tail
        >>> pv.shift, pv.theorem, str(pv.value)
        (1, 'exponential', 'E')
    """
    from engine._args import check_int
    from solvers.pcf_equivalence import _vanishes, shifted, tail_shift_relation

    f = _check_pcf(pcf)
    max_inflation_degree = check_int(max_inflation_degree, "max_inflation_degree", low=0, high=3)
    max_shift = check_int(max_shift, "max_shift", low=0, high=4)
    tried: set = set()      # inflations often give the same series: sum each one once
    for k in range(max_shift + 1):
        if k and _vanishes(f.b, k):
            break
        tail = shifted(f, k) if k else f
        for form in _forms(tail, max_inflation_degree):
            params = _hyper_params(_q(form.h1), _q(form.h2))
            if params is None or params in tried:
                continue
            tried.add(params)
            got = _series_sum(*params)
            if got is None or got[1] == 0:
                continue
            theorem, S, bu, bl, lam, g, gd, m = got
            s = PCFSeries(form)
            value = _R(s.offset) + _R(s.scale) / S
            if k:
                value = _untail(tail_shift_relation(f, k).mobius, value)
                if value is None:
                    continue
            return ProvedValue(form, params[0], params[1], params[2], theorem,
                               _tidy(value), tuple(bu) if g else (),
                               tuple(bl) if g else (), lam, tuple(g), m, tuple(gd), k)
    return None
