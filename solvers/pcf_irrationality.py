"""Irrationality certificates for polynomial continued fractions (Legendre's and Tietze's
criteria), proved exactly from the polynomials.

- ``"legendre"``: if ``a(n) >= b(n) > 0`` are integers for all ``n >= N``, the tail
  ``K_{n>=N}(b(n)/a(n))`` converges to an irrational number (Legendre's criterion).
- ``"tietze"``: if ``b(n) < 0`` and ``a(n) >= |b(n)| + 2`` for all ``n >= N``, the tail converges
  to an irrational number (Tietze's criterion; the strict ``+2`` excludes the rational
  exception ``a(n) = |b(n)| + 1``).

The inequalities are proved for every ``n >= N`` by Taylor shifts: the polynomials
``a(N + t) - b(N + t)``, ``b(N + t)`` (resp. ``a(N+t) + b(N+t) - 2``, ``-b(N+t)``) have
nonnegative integer coefficients in ``t``, with a positive constant term where strictness is
needed. The limit is the image of the tail under the exact head matrix ``M_0 ... M_{N-1}``,
a Mobius map with integer coefficients and determinant ``+- b(1) ... b(N) != 0``, which maps
irrationals to irrationals. So ``check()`` is a complete proof.

This covers Euler's ``1/(e-1) = PCF(n, n)``, ``e = PCF(n+3, -n)``, Lambert's ``cot 1 =
PCF(2n+1, -1)`` and ``coth 1 = PCF(2n+1, 1)``, but not fractions with ``deg b > deg a`` such
as Apery's; there ``delta > 0`` (:meth:`engine.contfrac.PCF.predicted_delta`) is evidence,
not a proof.

References:
    O. Perron, *Die Lehre von den Kettenbruechen*, Bd. II, 3. Aufl., Teubner 1957, section 2
    (criteria of Legendre and Tietze); L. Lorentzen, H. Waadeland, *Continued Fractions*,
    vol. 1, Atlantis 2008.

Examples:
    >>> from engine.contfrac import PCF
    >>> from solvers.pcf_irrationality import irrationality_certificate
    >>> c = irrationality_certificate(PCF("2n+1", -1))         # cot(1): Lambert 1768
    >>> c.method, c.start, c.is_valid()
    ('tietze', 1, True)
    >>> irrationality_certificate(PCF("34n^3+51n^2+27n+5", "-n^6")) is None
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import flint

from engine.contfrac import PCF
from engine.errors import InvalidInputError, VerificationError
from engine.results import Result

__all__ = ["IrrationalityCertificate", "irrationality_certificate"]


def _taylor(coeffs, s: int) -> flint.fmpz_poly:
    return flint.fmpz_poly([int(c) for c in coeffs])(flint.fmpz_poly([s, 1]))


def _nonneg(p: flint.fmpz_poly) -> bool:
    return all(int(c) >= 0 for c in p.coeffs())


def _holds(a, b, method: str, N: int) -> str | None:
    """None when the criterion holds for all ``n >= N``, else what fails."""
    A, B = _taylor(a, N), _taylor(b, N)
    if method == "legendre":
        if B.is_zero() or not _nonneg(B) or int(B(0)) <= 0:
            return f"b(n) > 0 for n >= {N} is not shown (b({N} + t) = {B})"
        if not _nonneg(A - B):
            return f"a(n) >= b(n) for n >= {N} is not shown (a - b at {N} + t: {A - B})"
        return None
    if method == "tietze":
        if B.is_zero() or not _nonneg(-B) or int(B(0)) >= 0:
            return f"b(n) < 0 for n >= {N} is not shown (b({N} + t) = {B})"
        if not _nonneg(A + B - 2):
            return f"a(n) >= |b(n)| + 2 for n >= {N} is not shown (a + b - 2 at {N} + t: {A + B - 2})"
        return None
    return f"unknown method {method!r}"


def _head_det_nonzero(f: PCF, N: int) -> bool:
    return all(f.b_at(k) != 0 for k in range(1, N + 1))


@dataclass(frozen=True)
class IrrationalityCertificate(Result):
    """A proof that the limit of ``PCF(a, b)`` is irrational.

    Attributes:
        a, b: the fraction.
        method: ``"legendre"`` or ``"tietze"`` (module docstring).
        start: ``N``: the criterion holds for every ``n >= N``.
        statement: the claim in words.
    """

    a: tuple
    b: tuple
    method: str
    start: int
    statement: str = ""

    def check(self) -> None:
        """Re-prove the criterion's inequalities (Taylor shifts) and the head's
        non-degeneracy exactly.

        Raises:
            VerificationError: an inequality or ``b(k) != 0`` (``k <= N``) fails.
        """
        if isinstance(self.start, bool) or not isinstance(self.start, int) or self.start < 1:
            raise VerificationError(f"start={self.start!r} must be a positive integer")
        why = _holds(self.a, self.b, self.method, self.start)
        if why:
            raise VerificationError(why)
        f = PCF(list(self.a), list(self.b))
        if not _head_det_nonzero(f, self.start):
            raise VerificationError(f"b(k) = 0 for some 1 <= k <= {self.start}: the fraction stops")

    def to_json(self) -> dict:
        return {"a": [int(c) for c in self.a], "b": [int(c) for c in self.b],
                "method": self.method, "start": int(self.start), "statement": self.statement}

    @classmethod
    def from_json(cls, d: dict) -> IrrationalityCertificate:
        return cls(tuple(int(c) for c in d["a"]), tuple(int(c) for c in d["b"]), str(d["method"]),
                   int(d["start"]), str(d.get("statement", "")))

    @classmethod
    def example(cls) -> IrrationalityCertificate:
        """Euler's ``1/(e - 1) = PCF(n, n)`` (Euler 1744): Legendre's criterion from ``n = 1``."""
        cert = irrationality_certificate(PCF("n", "n"))
        assert cert is not None
        return cert

    @classmethod
    def tampered(cls) -> IrrationalityCertificate:
        """:meth:`example` with ``b`` replaced by ``2n`` (then ``a >= b`` fails)."""
        import dataclasses

        return dataclasses.replace(cls.example(), b=(0, 2))


def irrationality_certificate(f: Any, max_start: int = 1 << 16) -> IrrationalityCertificate | None:
    """A Legendre or Tietze certificate for ``f`` (the least ``N`` found by doubling), or None.

    Raises:
        InvalidInputError: ``f`` is not a PCF or pair, or a bad ``max_start``.
    """
    from engine._args import check_int

    if isinstance(f, tuple | list) and len(f) == 2:
        f = PCF(*f)
    if not isinstance(f, PCF):
        raise InvalidInputError(f"f={f!r:.60} must be a PCF or a pair (a, b)")
    max_start = check_int(max_start, "max_start", low=1, high=1 << 30)
    if f.terminating_depth() is not None or f.b == [0] or f.a == [0]:
        return None
    lead_b = f.b[-1]
    method = "legendre" if lead_b > 0 else "tietze"
    if len(f.a) < len(f.b):
        return None
    N = 1
    while N <= max_start:
        if _holds(f.a, f.b, method, N) is None:
            # refine: the least N' in (N/2, N] that works
            lo = N // 2 + 1 if N > 1 else 1
            for M in range(lo, N + 1):
                if _holds(f.a, f.b, method, M) is None:
                    N = M
                    break
            if not _head_det_nonzero(f, N):
                return None
            what = "a(n) >= b(n) > 0" if method == "legendre" else "b(n) < 0, a(n) >= |b(n)| + 2"
            return IrrationalityCertificate(
                tuple(f.a), tuple(f.b), method, N,
                f"{what} for all n >= {N} ({method.capitalize()}'s criterion): the tail from {N} is "
                f"irrational, and the limit is its image under an integer Mobius map of "
                f"determinant +-b(1)...b({N}) != 0")
        N *= 2
    return None
