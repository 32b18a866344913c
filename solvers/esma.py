"""ESMA-style integer-sequence analysis of continued-fraction expansions.

Given a constant (or a rational function of catalogue constants, e.g. ``"(e+1)/(e-1)"``), this
module

1. expands it as a simple (``floor``) or signed nearest-integer continued fraction, keeping only
   the partial quotients that agree between two working precisions (so every term is correct);
2. runs Berlekamp-Massey over a prime field ``F_p`` on the partial quotients (after skipping a
   short irregular prefix) to find the shortest linear recurrence with constant coefficients;
3. lifts the recurrence to the integers and **verifies it exactly on all terms** (1000 by
   default); a characteristic polynomial ``(x^k - 1)^d`` means the quotients are a
   quasi-polynomial of period ``k`` and degree ``d-1``;
4. turns that pattern into a PCF (period 1: ``a(n)`` directly; period ``k``: the product of ``k``
   consecutive matrices contracted to a polynomial continued fraction), checks numerically that
   the PCF's limit is a Mobius transform of the constant, and hands the PCF to
   :func:`solvers.constants.identify`.

References:
    J. L. Massey, "Shift-register synthesis and BCH decoding", IEEE Trans. Inf. Theory 15
    (1969) 122-127 (Berlekamp-Massey).
    O. Razon et al., "Automated search for conjectures on mathematical constants using analysis
    of integer sequences" (ESMA), ICML 2023.

Examples:
    >>> from solvers.esma import analyze
    >>> r = analyze("e", n_terms=300)
    >>> r.pattern.period, r.pattern.degree, r.pattern.verified_terms >= 290
    (3, 1, True)
    >>> r.pcf                                        # the contracted period-3 pattern
    PCF('8n^2 + 32n + 28', '4n^2 + 12n + 5')
    >>> r.identification.constants                   # its limit is a Mobius form of e
    ('e',)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import flint
import mpmath
import sympy

from engine.contfrac import PCF, matrix_sequence_to_pcf
from engine.errors import EngineError, InvalidInputError, PrecisionExhaustedError, VerificationError
from engine.results import Result
from solvers.constants import (
    IdentifyResult,
    check_mobius_coefficients,
    identify,
    parse_expression,
    resolve_constant,
)

__all__ = [
    "cf_expansion",
    "berlekamp_massey",
    "find_pattern",
    "pattern_to_pcf",
    "analyze",
    "CFExpansion",
    "SequencePattern",
    "ESMAResult",
    "mobius_text",
]

Kind = Literal["simple", "nearest"]


@dataclass(frozen=True)
class CFExpansion:
    """Partial quotients of a constant.

    Attributes:
        expression: the expanded expression (text).
        kind: ``"simple"`` (``x = a0 + 1/(a1 + 1/(a2 + ...))``, ``a_i >= 1``) or ``"nearest"``
            (``x = a0 + s1/(a1 + s2/(a2 + ...))``, ``s_i = +-1``, ``|a_i| >= 2``).
        terms: the partial quotients ``a_i`` (all certified).
        signs: the numerators ``s_i`` (all 1 for ``"simple"``), ``signs[0]`` unused (0).
        digits: working precision of the expansion.
    """

    expression: str
    kind: str
    terms: tuple[int, ...]
    signs: tuple[int, ...]
    digits: int

    def to_json(self) -> dict:
        return {
            "expression": self.expression,
            "kind": self.kind,
            "terms": list(self.terms),
            "signs": list(self.signs),
            "digits": self.digits,
        }


def _evaluate_expression(expr: Any, dps: int):
    """mpmath value of a constant name or an expression over the catalogue
    (:func:`solvers.constants.parse_expression`: checked, never ``eval``-ed)."""
    if isinstance(expr, mpmath.mpf):
        return expr
    return parse_expression(str(expr)).value(dps)


def _is_name(text: str) -> bool:
    try:
        resolve_constant(text)
        return True
    except InvalidInputError:
        return False


def _expand(x, n_terms: int, kind: str) -> tuple[list[int], list[int]]:
    """The partial quotients of the exact (dyadic rational) value of the mpmath number ``x``,
    by Euclid's algorithm on integers: each step costs a small-quotient division of the
    remaining numbers, where a floating division at the full precision per term made long
    expansions quadratic (12,000 terms of e: 50 s, now well under a second)."""
    sign, man, exp, _bc = mpmath.mpf(x)._mpf_  # x = (-1)^sign man 2^exp exactly
    man, exp = (-int(man) if sign else int(man)), int(exp)
    if exp >= 0:
        return _expand_rational(man << exp, 1, n_terms, kind)
    return _expand_rational(man, 1 << (-exp), n_terms, kind)


def _exact_rational(expression: Any) -> tuple[int, int] | None:
    """``(p, q)`` when the expression is an exact rational (``"1/3"``, ``"2^-3"``), else None."""
    if isinstance(expression, mpmath.mpf):
        return None
    rat = parse_expression(str(expression)).rational
    return None if rat is None else (rat.numerator, rat.denominator)


def _expand_rational(p: int, q: int, n_terms: int, kind: str) -> tuple[list[int], list[int]]:
    terms, signs = [], [0]
    while q != 0 and len(terms) < n_terms:
        if kind == "simple":
            a = p // q
            p, q = q, p - a * q
            terms.append(a)
            if q:
                signs.append(1)
        else:
            a = (2 * p + q) // (2 * q)  # nearest integer (ties up)
            r_num = p - a * q
            terms.append(a)
            if r_num == 0:
                break
            signs.append(1 if (r_num > 0) == (q > 0) else -1)
            p, q = q, abs(r_num)
            if q < 0:
                p, q = -p, -q
    return terms, signs[: len(terms)]


def cf_expansion(expression: Any, n_terms: int = 1000, kind: Kind = "simple") -> CFExpansion:
    """The first ``n_terms`` certified partial quotients of a constant.

    The expansion is computed at two precisions (about ``1.3 n_terms + 60`` and 1.5 times
    that); only the common prefix is kept, and if it is shorter than ``n_terms`` the
    precision is raised.

    Args:
        expression: a catalogue name (``"e"``) or an expression (``"(e+1)/(e-1)"``,
            ``"tan(1)"``), or an mpmath ``mpf`` (then the terms are those it determines).
        n_terms: number of partial quotients (1 to 20000).
        kind: ``"simple"`` or ``"nearest"`` (signed nearest-integer CF).

    Raises:
        InvalidInputError: unparseable expression, bad ``n_terms`` or ``kind``.
        PrecisionExhaustedError: the terms could not be certified (e.g. a rational number).

    Examples:
        >>> from solvers.esma import cf_expansion
        >>> cf_expansion("e", 10).terms
        (2, 1, 2, 1, 1, 4, 1, 1, 6, 1)
        >>> cf_expansion("sqrt(2)", 5, kind="nearest").terms
        (1, 2, 2, 2, 2)
    """
    if isinstance(n_terms, bool) or not isinstance(n_terms, int) or not 1 <= n_terms <= 20000:
        raise InvalidInputError(f"n_terms={n_terms!r} must be an integer in [1, 20000]")
    if kind not in ("simple", "nearest"):
        raise InvalidInputError(f"kind={kind!r} must be 'simple' or 'nearest'")
    rat = _exact_rational(expression)
    if rat is not None:
        terms, signs = _expand_rational(rat[0], rat[1], n_terms, kind)
        return CFExpansion(str(expression), kind, tuple(terms), tuple(signs), 0)
    dps = int(1.3 * n_terms) + 60
    for _ in range(4):
        with mpmath.workdps(dps):
            t1, s1 = _expand(_evaluate_expression(expression, dps), n_terms + 2, kind)
        with mpmath.workdps(int(1.5 * dps)):
            t2, s2 = _expand(_evaluate_expression(expression, int(1.5 * dps)), n_terms + 2, kind)
        common = 0
        for u, v, su, sv in zip(t1, t2, s1, s2, strict=False):
            if u != v or su != sv:
                break
            common += 1
        # the last agreeing term may still be wrong in both; drop it unless the CF terminated
        if len(t1) == len(t2) and t1 == t2 and len(t1) < n_terms + 2:
            common = len(t1)
        else:
            common = max(0, common - 1)
        if common >= n_terms or (common == len(t1) and t1 == t2):
            k = min(common, n_terms)
            return CFExpansion(str(expression), kind, tuple(t1[:k]), tuple(s1[:k]), dps)
        dps *= 2
    raise PrecisionExhaustedError(
        f"only {common} partial quotients of {expression!r} could be certified; lower n_terms"
    )


def _int_terms(seq: Any, name: str) -> list[int]:
    """``seq`` as a list of ints, else :class:`InvalidInputError` naming ``name``."""
    import numbers

    if not isinstance(seq, Sequence) or isinstance(seq, str | bytes):
        raise InvalidInputError(f"{name} of type {type(seq).__name__} must be a sequence of integers")
    for i, t in enumerate(seq):
        if isinstance(t, bool) or not isinstance(t, numbers.Integral):
            raise InvalidInputError(f"{name}[{i}]={t!r:.30} is not an integer")
    return [int(t) for t in seq]


def berlekamp_massey(seq: Sequence[int], p: int) -> list[int]:
    """Shortest connection polynomial of ``seq`` over ``F_p`` (Berlekamp-Massey).

    Returns ``C = [1, c1, ..., cL]`` with ``s_i + c1 s_{i-1} + ... + cL s_{i-L} = 0 (mod p)``
    for all ``L <= i < len(seq)``.

    Raises:
        InvalidInputError: ``p`` not a prime.

    Examples:
        >>> from solvers.esma import berlekamp_massey
        >>> berlekamp_massey([1, 1, 2, 3, 5, 8, 13, 21], 101)   # Fibonacci: s_i - s_{i-1} - s_{i-2}
        [1, 100, 100]
    """
    if isinstance(p, bool) or not isinstance(p, int) or p < 2 or not flint.fmpz(p).is_prime():
        raise InvalidInputError(f"p={p!r:.40} must be a prime")
    seq = _int_terms(seq, "seq")
    s = [int(v) % p for v in seq]
    C, B = [1], [1]
    L, m, b = 0, 1, 1
    for i in range(len(s)):
        d = s[i]
        for j in range(1, L + 1):
            d = (d + C[j] * s[i - j]) % p
        if d == 0:
            m += 1
            continue
        coef = d * pow(b, p - 2, p) % p
        T = C[:]
        if len(C) < len(B) + m:
            C = C + [0] * (len(B) + m - len(C))
        for j in range(len(B)):
            C[j + m] = (C[j + m] - coef * B[j]) % p
        if 2 * L <= i:
            L, B, b, m = i + 1 - L, T, d, 1
        else:
            m += 1
    C = C[: L + 1] + [0] * max(0, L + 1 - len(C))
    return C


@dataclass(frozen=True)
class SequencePattern:
    """A linear recurrence found in partial quotients and verified exactly.

    Attributes:
        offset: number of leading (irregular) terms skipped.
        recurrence: integer coefficients ``[1, c1, ..., cL]`` (``s_i + sum c_j s_{i-j} = 0``).
        order: ``L``.
        period, degree: when the characteristic polynomial is ``(x^period - 1)^(degree+1)``,
            the terms are a quasi-polynomial; else ``period = 0``.
        polynomials: for a quasi-polynomial, ``period`` coefficient lists (lowest first) in
            the block index ``m`` (term ``offset + period*m + j`` is ``polynomials[j](m)``).
        verified_terms: number of terms the integer recurrence was checked on.
        prime: the prime used by Berlekamp-Massey.
    """

    offset: int
    recurrence: tuple[int, ...]
    order: int
    period: int
    degree: int
    polynomials: tuple[tuple[int, ...], ...]
    verified_terms: int
    prime: int

    def to_json(self) -> dict:
        return {
            "offset": self.offset,
            "recurrence": list(self.recurrence),
            "order": self.order,
            "period": self.period,
            "degree": self.degree,
            "polynomials": [list(p) for p in self.polynomials],
            "verified_terms": self.verified_terms,
            "prime": self.prime,
        }


def _symmetric(c: int, p: int) -> int:
    return c - p if c > p // 2 else c


def find_pattern(
    terms: Sequence[int], *, prime: int = 2_147_483_647, max_offset: int = 8, max_order: int = 40
) -> SequencePattern | None:
    """Find and exactly verify a linear recurrence in ``terms`` (after a short prefix).

    Berlekamp-Massey runs over ``F_prime`` on a window; the recurrence (coefficients lifted to
    symmetric residues) is then checked over the integers on every term. A recurrence is only
    accepted if ``2 L + 10 <= len(terms) - offset`` (enough terms to be meaningful).

    Examples:
        >>> from solvers.esma import find_pattern
        >>> pat = find_pattern([2] + [4 * n + 2 for n in range(1, 60)])
        >>> pat.offset, pat.period, pat.polynomials
        (0, 1, ((2, 4),))
    """
    terms = _int_terms(terms, "terms")
    if isinstance(prime, bool) or not isinstance(prime, int) or prime < 3 or \
            not flint.fmpz(prime).is_prime():
        raise InvalidInputError(f"prime={prime!r:.40} must be an odd prime")
    for name, v in (("max_offset", max_offset), ("max_order", max_order)):
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 10000:
            raise InvalidInputError(f"{name}={v!r:.40} must be an integer between 0 and 10000")
    first: SequencePattern | None = None
    for off0 in range(0, min(max_offset, len(terms)) + 1):
        seq = terms[off0:]
        if len(seq) < 20:
            break
        C = berlekamp_massey(seq, prime)
        L = len(C) - 1
        if L > max_order or 2 * L + 10 > len(seq):
            continue
        rec = [_symmetric(c, prime) for c in C]
        ok = all(
            sum(rec[j] * seq[i - j] for j in range(L + 1)) == 0 for i in range(L, len(seq))
        )
        if not ok:
            continue
        # a factor x^z of the characteristic polynomial = z irregular leading terms
        off = off0
        while len(rec) > 1 and rec[-1] == 0:
            rec.pop()
            off += 1
        seq = terms[off:]
        L = len(rec) - 1
        period, degree, polys = _quasi_polynomial(rec, seq)
        pat = SequencePattern(off, tuple(rec), L, period, degree, polys, len(seq), prime)
        if period > 0:
            return pat
        first = first or pat
    return first


def _quasi_polynomial(rec: list[int], seq: list[int]) -> tuple[int, int, tuple]:
    """Detect ``(x^k - 1)^d`` and fit one polynomial per residue class (exact)."""
    x = sympy.Symbol("x")
    L = len(rec) - 1
    if L == 0:
        return 0, 0, ()
    charpoly = sympy.Poly([c for c in rec], x)  # x^L + c1 x^(L-1) + ... + cL
    for k in range(1, L + 1):
        if L % k:
            continue
        d = L // k
        if sympy.Poly((x**k - 1) ** d, x) == charpoly:
            m = sympy.Symbol("m")
            polys = []
            for j in range(k):
                pts = [(i, seq[j + k * i]) for i in range(d + 2) if j + k * i < len(seq)]
                poly = sympy.interpolate(pts, m)
                coeffs = sympy.Poly(poly, m).all_coeffs()[::-1] if poly != 0 else [0]
                if not all(sympy.Rational(c).q == 1 for c in coeffs):
                    return 0, 0, ()
                polys.append(tuple(int(c) for c in coeffs))
            return k, d - 1, tuple(polys)
    return 0, 0, ()


def pattern_to_pcf(pattern: SequencePattern, terms: Sequence[int], signs: Sequence[int] | None = None,
                   *, deflate: bool = True) -> PCF:
    """The PCF of the tail ``[a_offset; a_offset+1, ...]`` given by a quasi-polynomial pattern.

    Period 1: ``PCF(a(n), s)`` directly. Period ``k``: the ``k``-fold products of
    ``[[a_j, 1], [s_j, 0]]`` form a polynomial matrix sequence, contracted to a PCF by
    :func:`engine.contfrac.matrix_sequence_to_pcf`; its limit is a Mobius transform (integer
    coefficients) of the tail's value. With ``deflate`` (the default) a removable common
    factor ``g(n) | a(n)``, ``g(n) g(n-1) | b(n)`` is divided out
    (:meth:`engine.contfrac.PCF.deflate`: the limit is divided by ``g(0)``, so it stays a
    Mobius transform of the tail's value).

    Raises:
        InvalidInputError: the pattern is not a quasi-polynomial, or signs vary within a class.

    Examples:
        >>> from solvers.esma import find_pattern, pattern_to_pcf
        >>> terms = [2] + [4 * n + 2 for n in range(1, 60)]      # coth(1/2) = (e+1)/(e-1)
        >>> pattern_to_pcf(find_pattern(terms), terms)
        PCF('4n + 2', '1')
    """
    if pattern.period == 0:
        raise InvalidInputError("the pattern is not a quasi-polynomial; no PCF can be formed")
    k, off = pattern.period, pattern.offset
    sg = list(signs) if signs is not None else [0] + [1] * (len(terms) - 1)
    n = sympy.Symbol("n")

    def sign_of(j: int) -> int:
        vals = {sg[i] for i in range(off + j, len(sg), k) if i > 0}
        if len(vals) != 1:
            raise InvalidInputError("the signs of the expansion are not periodic; no PCF formed")
        return vals.pop()

    polys = [sum(int(c) * n**i for i, c in enumerate(p)) for p in pattern.polynomials]
    if k == 1:
        s = sign_of(1) if len(sg) > off + 1 else 1
        return PCF(sympy.expand(polys[0]), s)
    M = sympy.eye(2)
    for j in range(k):
        s = sign_of(j) if off + j > 0 else 1
        M = M * sympy.Matrix([[polys[j], 1], [s, 0]])
    M = M.applyfunc(sympy.expand)
    a, b = matrix_sequence_to_pcf(M[0, 0], M[0, 1], M[1, 0], M[1, 1])
    return PCF(a, b).deflate()[0] if deflate else PCF(a, b)


@dataclass(frozen=True)
class ESMAResult(Result):
    """Outcome of :func:`analyze`: expansion, pattern, PCF, Mobius link and identification."""

    expansion: CFExpansion
    pattern: SequencePattern | None
    pcf: PCF | None
    mobius: tuple[int, int, int, int] | None
    identification: IdentifyResult | None
    digits_checked: int

    def check(self) -> None:
        """Re-verify every link of the chain from the result's own data.

        - the expansion: recomputed by :func:`cf_expansion` (same kind, as many terms) and
          equal term by term, sign by sign (when ``expression`` is exact: a rational, a
          catalogue name or an expression without decimal numbers; the expansion of a bare
          ``mpf`` cannot be recomputed from its text, so only its shape is checked);
        - the pattern: the integer recurrence holds on every term after ``offset``
          (``verified_terms`` of them), and for a quasi-polynomial the characteristic
          polynomial is ``(x^period - 1)^(degree+1)`` and the polynomials give every term;
        - the PCF: rebuilt from the pattern by :func:`pattern_to_pcf`;
        - the Mobius link: the PCF's limit (a fresh :meth:`PCF.evaluate`) equals
          ``(c0 + c1 x)/(c2 + c3 x)`` for the constant ``x`` to ``digits_checked - 5``
          digits (to the digits of ``expression`` less 5 when it is a decimal text), with
          ``c0 c3 - c1 c2 != 0``;
        - the identification: its own :meth:`IdentifyResult.check`, and its value is the
          PCF's limit.

        Raises:
            VerificationError: a link above fails (the message names it).
        """
        exp = self.expansion
        terms, signs = list(exp.terms), list(exp.signs)
        if exp.kind not in ("simple", "nearest") or not terms or len(signs) != len(terms):
            raise VerificationError(
                f"expansion of kind {exp.kind!r} with {len(terms)} terms and {len(signs)} signs is malformed")
        if signs[0] != 0 or any(sg not in (1, -1) for sg in signs[1:]) or (
                exp.kind == "simple" and (any(sg != 1 for sg in signs[1:]) or any(a < 1 for a in terms[1:]))):
            raise VerificationError(f"the {exp.kind} expansion has impossible terms or signs")
        if _recomputable(exp.expression):
            try:
                again = cf_expansion(exp.expression, len(terms), exp.kind)
            except EngineError as exc:
                raise VerificationError(f"the expansion of {exp.expression!r} cannot be recomputed: {exc}") from None
            if list(again.terms) != terms or list(again.signs) != signs:
                k = next((i for i, (u, v) in enumerate(zip(again.terms, terms, strict=False)) if u != v),
                         min(len(again.terms), len(terms)))
                raise VerificationError(
                    f"partial quotient {k} of {exp.expression!r} is "
                    f"{again.terms[k] if k < len(again.terms) else 'absent'}, not "
                    f"{terms[k] if k < len(terms) else 'absent'} (or a sign differs)")
        pat = self.pattern
        if pat is not None:
            _check_pattern(pat, terms)
        if pat is None or pat.period == 0:
            if self.pcf is not None or self.mobius is not None or self.identification is not None:
                raise VerificationError("a PCF, Mobius link or identification without a quasi-polynomial pattern")
            if self.digits_checked:
                raise VerificationError(f"digits_checked={self.digits_checked} without a Mobius link")
            return
        try:
            pcf = pattern_to_pcf(pat, terms, signs)
        except InvalidInputError as exc:
            raise VerificationError(f"the pattern gives no PCF: {exc}") from None
        if pcf != self.pcf and pattern_to_pcf(pat, terms, signs, deflate=False) != self.pcf:
            raise VerificationError(f"the pattern gives {pcf!r}, not {self.pcf!r}")
        if self.mobius is None:
            if self.digits_checked:
                raise VerificationError(f"digits_checked={self.digits_checked} without a Mobius link")
        else:
            self._check_mobius(pcf)
        if self.identification is not None:
            ident = self.identification
            ident.check()
            d = ident.digits_available
            try:
                y = pcf.evaluate(d).value
            except EngineError as exc:
                raise VerificationError(f"the limit of {pcf!r} cannot be evaluated to {d} digits: {exc}") from None
            with mpmath.workdps(d + 10):
                if abs(mpmath.mpf(ident.value) - y) > abs(y) * mpmath.mpf(10) ** (-(d - 2)):
                    raise VerificationError(
                        f"the identified value {ident.value[:30]} is not the limit of {pcf!r}")

    def _check_mobius(self, pcf: PCF) -> None:
        c0, c1, c2, c3 = (int(c) for c in self.mobius)
        d = self.digits_checked
        if c0 * c3 - c1 * c2 == 0 or d < 6:
            raise VerificationError(f"Mobius coefficients {self.mobius} are degenerate or digits_checked={d} < 6")
        try:
            y = pcf.evaluate(d).value
        except EngineError as exc:
            raise VerificationError(f"the limit of {pcf!r} cannot be evaluated to {d} digits: {exc}") from None
        with mpmath.workdps(d + 20):
            x = _evaluate_expression(self.expansion.expression, d + 20)
            den = c2 + c3 * x
            if den == 0:
                raise VerificationError(f"c2 + c3 x vanishes for the Mobius coefficients {self.mobius}")
            gap = abs(y - (c0 + c1 * x) / den)
            known = d
            if not _recomputable(self.expansion.expression):  # a decimal text: its own digits
                mant = str(self.expansion.expression).strip().lower().split("e")[0].lstrip("+-")
                known = min(d, len(mant.replace(".", "").lstrip("0")) or 1)
            if gap > mpmath.mpf(10) ** (-(known - 5)) * max(1, abs(y)):
                raise VerificationError(
                    f"the limit of {pcf!r} differs from ({c0} + {c1} x)/({c2} + {c3} x) by "
                    f"{mpmath.nstr(gap, 3)} (x = {self.expansion.expression})")

    def to_json(self) -> dict:
        """JSON form; ``expansion.terms`` shows the first 50 terms, ``all_terms`` has them all."""
        return {
            "expansion": {**self.expansion.to_json(), "terms": list(self.expansion.terms[:50])},
            "n_terms": len(self.expansion.terms),
            "all_terms": list(self.expansion.terms),
            "pattern": self.pattern.to_json() if self.pattern else None,
            "pcf": self.pcf.to_json() if self.pcf else None,
            "mobius": list(self.mobius) if self.mobius else None,
            "identification": self.identification.to_json() if self.identification else None,
            "digits_checked": self.digits_checked,
        }

    @classmethod
    def from_json(cls, d: dict) -> ESMAResult:
        """Rebuild from :meth:`to_json` (a record without ``all_terms`` and more than 50 terms
        gets its expansion recomputed by :func:`cf_expansion`)."""
        e = d["expansion"]
        terms = d.get("all_terms")
        if terms is None:
            terms = e["terms"]
            if int(d.get("n_terms", len(terms))) > len(terms):
                terms = cf_expansion(e["expression"], int(d["n_terms"]), e["kind"]).terms
        expansion = CFExpansion(e["expression"], e["kind"], tuple(int(t) for t in terms),
                                tuple(int(t) for t in e["signs"]), int(e["digits"]))
        p = d.get("pattern")
        pattern = None if p is None else SequencePattern(
            int(p["offset"]), tuple(int(c) for c in p["recurrence"]), int(p["order"]), int(p["period"]),
            int(p["degree"]), tuple(tuple(int(c) for c in q) for q in p["polynomials"]),
            int(p["verified_terms"]), int(p["prime"]))
        pcf = None if d.get("pcf") is None else PCF(list(d["pcf"]["a"]), list(d["pcf"]["b"]))
        mob = d.get("mobius")
        ident = d.get("identification")
        return cls(expansion, pattern, pcf, None if mob is None else tuple(int(c) for c in mob),
                   None if ident is None else IdentifyResult.from_json(ident), int(d["digits_checked"]))

    @classmethod
    def example(cls) -> ESMAResult:
        """Euler's continued fraction ``e = [2; 1, 2, 1, 1, 4, 1, 1, 6, ...]`` (period 3,
        degree 1: Euler 1737; Perron, *Die Lehre von den Kettenbruechen*), 300 terms, analysed
        by :func:`analyze`: the contracted PCF ``(8n^2 + 32n + 28, 4n^2 + 12n + 5)`` whose limit
        is a Mobius form of e.

        Examples:
            >>> from solvers.esma import ESMAResult
            >>> r = ESMAResult.example()
            >>> r.pattern.period, r.pattern.polynomials, r.pcf
            (3, ((1,), (2, 2), (1,)), PCF('8n^2 + 32n + 28', '4n^2 + 12n + 5'))
        """
        return analyze("e", n_terms=300)

    @classmethod
    def tampered(cls) -> ESMAResult:
        """:meth:`example` with the partial quotient ``a_8 = 6`` of e changed to 7."""
        import dataclasses

        r = cls.example()
        t = list(r.expansion.terms)
        t[8] += 1
        return dataclasses.replace(r, expansion=dataclasses.replace(r.expansion, terms=tuple(t)))


def _recomputable(expression: str) -> bool:
    """Whether ``expression`` names its value exactly (so its expansion can be recomputed):
    a rational, a catalogue name, or an expression without decimal numbers."""
    try:
        return not parse_expression(str(expression)).has_decimal
    except InvalidInputError:
        return False


def _check_pattern(pat: SequencePattern, terms: list[int]) -> None:
    """Raise :class:`VerificationError` unless ``pat`` holds exactly on ``terms``."""
    rec = list(pat.recurrence)
    seq = terms[pat.offset:]
    L = len(rec) - 1
    if not rec or rec[0] != 1 or pat.order != L or pat.offset < 0:
        raise VerificationError(f"recurrence {pat.recurrence} of order {pat.order} is malformed")
    if pat.verified_terms != len(seq):
        raise VerificationError(
            f"verified_terms={pat.verified_terms}, but {len(seq)} terms follow the offset {pat.offset}")
    for i in range(L, len(seq)):
        if sum(rec[j] * seq[i - j] for j in range(L + 1)):
            raise VerificationError(f"the recurrence fails at term {pat.offset + i}")
    if pat.period > 0:
        k, dg = pat.period, pat.degree
        xs = sympy.Symbol("x")
        if L != k * (dg + 1) or sympy.Poly(rec, xs) != sympy.Poly((xs**k - 1) ** (dg + 1), xs):
            raise VerificationError(
                f"the characteristic polynomial is not (x^{k} - 1)^{dg + 1}")
        if len(pat.polynomials) != k:
            raise VerificationError(f"{len(pat.polynomials)} polynomials for period {k}")
        for i, t in enumerate(seq):
            m, j = divmod(i, k)
            if sum(int(c) * m**e for e, c in enumerate(pat.polynomials[j])) != t:
                raise VerificationError(f"the quasi-polynomial gives a wrong term {pat.offset + i}")


def _mobius_link(y, x, digits: int) -> tuple[int, int, int, int] | None:
    """Small integers with ``y = (c0 + c1 x)/(c2 + c3 x)`` to ``digits`` digits (LLL)."""
    with mpmath.workdps(digits + 10):
        vec = [y, y * x, mpmath.mpf(1), x]
        scale = mpmath.mpf(10) ** (digits // 2)
        rows = [[1 if j == i else 0 for j in range(4)] + [int(mpmath.nint(v * scale))] for i, v in enumerate(vec)]
        red = flint.fmpz_mat(rows).lll()
        for r in range(4):
            c = [int(red[r, j]) for j in range(4)]
            if not any(c):
                continue
            resid = abs(c[0] * y + c[1] * y * x + c[2] + c[3] * x)
            if resid < mpmath.mpf(10) ** (-(digits - 5)) * max(1, max(abs(v) for v in c)):
                # c0 y + c1 y x + c2 + c3 x = 0  ->  y = -(c2 + c3 x)/(c0 + c1 x)
                if c[0] * c[3] - c[1] * c[2] != 0:
                    return (-c[2], -c[3], c[0], c[1])
    return None


def mobius_text(mobius: Sequence[int], x: str = "x") -> str:
    """``(c0 + c1 x)/(c2 + c3 x)`` as readable text (signs folded, zero terms dropped).

    Examples:
        >>> from solvers.esma import mobius_text
        >>> mobius_text((343, -49, -2431, 329)), mobius_text((0, -1, -1, 0))
        ('(343 - 49x)/(-2431 + 329x)', 'x')
    """
    def lin(c: int, d: int) -> str:
        parts = []
        if c:
            parts.append(str(c))
        if d:
            coef = "" if abs(d) == 1 else str(abs(d))
            if parts:
                parts.append(("- " if d < 0 else "+ ") + coef + x)
            else:
                parts.append(("-" if d < 0 else "") + coef + x)
        text = " ".join(parts) or "0"
        return f"({text})" if " " in text else text

    c0, c1, c2, c3 = check_mobius_coefficients(mobius)
    if (c3 if c3 else c2) < 0:
        c0, c1, c2, c3 = -c0, -c1, -c2, -c3
    num, den = lin(c0, c1), lin(c2, c3)
    return num if den == "1" else f"{num}/{den}"


def _digits_to_identify(mobius: Sequence[int], y: Any) -> int:
    """Digits :func:`solvers.constants.identify` needs to find ``y = (c0 + c1 K)/(c2 + c3 K)``:
    it searches with half the digits, and the relation ``[y, yK, 1, K]`` with these
    coefficients needs about ``sum log10 |c_i| + log10 |y|`` of them, plus a margin."""
    import math

    size = sum(math.log10(abs(int(c)) + 1) for c in mobius)
    with mpmath.workdps(20):
        mag = float(mpmath.log10(max(abs(y), 1)))
    return int(2 * (size + mag) + 16)


def analyze(
    expression: Any, n_terms: int = 1000, kind: Kind = "simple", *, identify_digits: int = 40
) -> ESMAResult:
    """Expansion -> Berlekamp-Massey pattern (verified on all terms) -> PCF -> identification.

    The PCF's limit is evaluated to ``identify_digits`` digits for the Mobius link to the
    expression; the identification over the catalogue (:func:`solvers.constants.identify`)
    uses at least ``identify_digits`` digits, and more when the Mobius link shows that the
    relation needs them (up to ``max(2 identify_digits, 400)``), so a link that is found is
    also identified.

    Raises:
        InvalidInputError: bad arguments (see :func:`cf_expansion`).

    Examples:
        >>> from solvers.esma import analyze
        >>> r = analyze("(e+1)/(e-1)", n_terms=200)
        >>> r.pcf, r.pattern.verified_terms
        (PCF('4n + 2', '1'), 200)
    """
    if isinstance(identify_digits, bool) or not isinstance(identify_digits, int) or \
            not 10 <= identify_digits <= 2000:
        raise InvalidInputError(f"identify_digits={identify_digits!r} must be an integer in [10, 2000]")
    exp = cf_expansion(expression, n_terms, kind)
    pat = find_pattern(exp.terms)
    pcf = mob = ident = None
    checked = 0
    if pat is not None and pat.period > 0:
        pcf = pattern_to_pcf(pat, exp.terms, exp.signs)
        digits = identify_digits
        try:
            res = pcf.evaluate(digits)
        except EngineError:  # a PCF whose limit cannot be certified has no link to report
            res = None
        if res is not None:
            with mpmath.workdps(digits + 20):
                x = _evaluate_expression(expression, digits + 20)
            mob = _mobius_link(res.value, x, min(digits, res.digits))
            checked = min(digits, res.digits) if mob else 0
            want = digits
            if mob is not None:
                want = min(max(digits, _digits_to_identify(mob, res.value)), max(2 * digits, 400))
            if want > res.digits:
                try:
                    res = pcf.evaluate(want)
                except EngineError:
                    want = res.digits
            ident = identify(res.value, digits=min(want, res.digits))
    return ESMAResult(exp, pat, pcf, mob, ident, checked)
