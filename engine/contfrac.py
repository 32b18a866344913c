"""Polynomial continued fractions (PCFs): exact convergents, certified limits, convergence.

Convention: ``PCF(a, b)`` with integer polynomials ``a(n)``, ``b(n)`` has value

    a(0) + b(1)/(a(1) + b(2)/(a(2) + b(3)/(a(3) + ...)))

Its convergents ``p_N/q_N`` are read off the matrix product

    [[p_N, p_{N-1}], [q_N, q_{N-1}]] = M_0 M_1 ... M_N,   M_n = [[a(n), 1], [b(n), 0]],

with ``b(0) := 1``; so ``p_N q_{N-1} - p_{N-1} q_N = (-1)^(N+1) b(1) ... b(N)`` (up to the sign
convention of ``M_0``), the determinant identity the tests check. The product is formed by a
balanced product tree: blocks of consecutive terms multiplied with machine-size Python
integers, then python-flint ``fmpz_mat`` products, whose entries grow to ``O(N log N)`` bits.

Limits are *certified* (:meth:`PCF.evaluate`), and the certificate says how:

- ``"exact"``: the fraction terminates (``b(k) = 0`` for some ``k >= 1``); the value is a rational.
- ``"bracket"`` (rigorous): ``b(n) > 0`` and ``a(n)`` of constant sign for all ``n >= 1``
  (checked exactly on the polynomials); then consecutive convergents bracket every limit
  point of the sequence, so ``|L - p_N/q_N| <= |p_N/q_N - p_{N-1}/q_{N-1}|``. The same holds
  when the signs are fixed only from some ``N0`` on (:meth:`PCF.eventual_bracket`, proved by
  Taylor coefficients), as soon as ``N > N0`` and ``q_{N-1}, q_N`` show that no pole of
  ``t -> (p_{N-2} + t p_{N-3})/(q_{N-2} + t q_{N-3})`` lies between the tail's first two
  approximants.
- ``"worpitzky"`` (rigorous, any sign of ``b``): with ``beta_n = b(n)/(a(n-1) a(n))`` the tail
  ``b(N+1)/(a(N+1) + b(N+2)/(...))`` equals ``a(N) K_{n>N}(beta_n/1)`` (equivalence
  transformation). When ``|beta_n| <= M <= 1/4`` for all ``n > N0`` (proved exactly: after
  ``n = N0 + 1 + t`` the polynomials ``M a(n-1)a(n) -+ b(n)`` have nonnegative coefficients in
  ``t``, see :func:`worpitzky_bound`), Worpitzky's theorem gives convergence and a tail in
  ``a(N) [-r, r]``, ``r = M/(1-2M)``; ``L`` lies in the image of that interval under
  ``t -> (p_N + t p_{N-1})/(q_N + t q_{N-1})``, whose distance to ``p_N/q_N`` is bounded in
  arb. Apery's fraction has ``lim |beta_n| = 1/1156``: the bound costs under one digit.
- ``"tail-estimate"`` (empirical): otherwise the error of ``x_{2N}`` is bounded by
  ``|x_{2N} - x_N|``; this is valid whenever the error at least halves when the depth doubles
  (true for exponential and factorial convergence once the asymptotic regime is reached), which
  is *assumed*, not proved; the result says so.
- ``"accelerated"`` (empirical): logarithmically converging fractions (Brouncker's ``4/pi``) are
  accelerated: by Euler's repeated averaging of consecutive exact convergents when the errors
  alternate (``b(n) > 0``; this works for any power ``n^-g``), else by Richardson's polynomial
  extrapolation in ``1/n`` over same-parity convergents; the digits claimed are those on which
  three accelerations from different depths/orders agree, minus two.

In every case the rational ``p/q`` is converted with python-flint ``arb`` ball arithmetic, and
digits are only claimed when the total error bound is below ``10^-(digits+2) |L|``; otherwise
:class:`~engine.errors.PrecisionExhaustedError` is raised. A wrong digit is never returned
knowingly.

References:
    L. Lorentzen, H. Waadeland, *Continued Fractions with Applications*, North-Holland 1992
    (convergents, equivalence transformations, Seidel-Stern bracketing).
    G. Raayoni et al., "Generating conjectures on fundamental constants with the Ramanujan
    Machine", Nature 590 (2021) 67-73 (PCF convention, the irrationality measure ``delta``).
    L. F. Richardson, "The deferred approach to the limit", Phil. Trans. R. Soc. A 226 (1927).
    L. Lorentzen, H. Waadeland, *Continued Fractions*, vol. 1, Atlantis Press 2008 (Worpitzky's
    theorem and value sets); W. B. Jones, W. J. Thron, *Continued Fractions*, Addison-Wesley 1980.

Examples:
    >>> from engine.contfrac import PCF
    >>> f = PCF("34n^3+51n^2+27n+5", "-n^6")
    >>> p, q = f.convergent(3)
    >>> (p, q)
    (456205824, 91397560)
    >>> import mpmath
    >>> print(mpmath.nstr(f.limit(digits=20), 20))     # 6/zeta(3)
    4.9914442354842448121
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

import flint
import mpmath

from engine.errors import (
    EngineError,
    InfeasibleError,
    InvalidInputError,
    NoConvergenceError,
    PrecisionExhaustedError,
    VerificationError,
)
from engine.results import Result

__all__ = [
    "PCF",
    "DivergenceError",
    "DivergenceProof",
    "DeltaEstimate",
    "DeltaPrediction",
    "format_significant",
    "MAX_DEGREE",
    "MAX_COEFFICIENT_DIGITS",
    "MAX_DEPTH",
    "LimitResult",
    "ConvergenceInfo",
    "parse_polynomial",
    "polynomial_to_string",
    "matrix_sequence_to_pcf",
    "WorpitzkyBound",
    "worpitzky_bound",
]

_LOG10_2 = math.log10(2.0)
_BLOCK = 32  # leaves multiplied with plain Python ints before going to fmpz_mat
_ALLOWED = re.compile(r"^[0-9n\s+\-*^()]*$")

Kind = Literal["exact", "factorial", "exponential", "sub-exponential", "logarithmic", "divergent"]


# --------------------------------------------------------------------------- polynomials
#: The largest degree of ``a(n)`` or ``b(n)`` accepted (larger ones are refused, not truncated).
MAX_DEGREE = 200
#: The most decimal digits of one coefficient of ``a(n)`` or ``b(n)``.
MAX_COEFFICIENT_DIGITS = 1000
#: The longest polynomial text accepted.
MAX_TEXT_LENGTH = 10000
#: The largest depth a caller may ask for (``max_depth``, ``depth``); exact convergents are
#: formed to at most ``4 * MAX_DEPTH`` internally.
MAX_DEPTH = 1 << 22
_MAX_BITS = int(MAX_COEFFICIENT_DIGITS / _LOG10_2) + 1
_MAX_NESTING = 100
_TOKEN = re.compile(r"\s*(?:(?P<int>[0-9]+)|(?P<n>n)|(?P<op>\*\*|[-+*^()]))")
_EXAMPLE = "write e.g. '34n^3+51n^2+27n+5' or '(2n+1)*(n^2+1)'"


def _n_symbol():
    import sympy

    return sympy.Symbol("n")


def _shown(text: str, limit: int = 60) -> str:
    """``text`` for an error message: repr, cut to ``limit`` characters (one line always)."""
    return repr(text if len(text) <= limit else text[:limit] + "...")


def _check_int(name: str, value: Any, minimum: int, maximum: int | None = None) -> int:
    """``value`` as an int in ``[minimum, maximum]``, else :class:`InvalidInputError` naming it."""
    import numbers

    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum or (
            maximum is not None and value > maximum):
        rng = f">= {minimum}" if maximum is None else f"between {minimum} and {maximum}"
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:40] + "..."
        raise InvalidInputError(f"{name}={shown} must be an integer {rng}")
    return int(value)


class _PolyParser:
    """Recursive descent over ``+ - * ^ ** ( )``, integers and ``n`` (implicit products such as
    ``34n^3``, ``2(n+1)``, ``(n+1)(n+2)``), with exact ``fmpz_poly`` arithmetic and the
    :data:`MAX_DEGREE` / :data:`MAX_COEFFICIENT_DIGITS` limits checked *before* each product or
    power is formed (so ``n^100000`` or ``10^10^10`` are refused at once)."""

    def __init__(self, text: str, name: str, spec: str):
        self.text, self.name, self.spec = text, name, spec
        self.toks: list[tuple[str, str, int]] = []
        pos = 0
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if m is None:
                if text[pos:].strip() == "":
                    break
                self.fail(f"unexpected {text[pos]!r} at position {pos}")
            kind = m.lastgroup or "op"
            self.toks.append((kind, m.group(kind), m.start(kind)))
            pos = m.end()
        self.i = 0
        self.depth = 0

    def fail(self, what: str):
        raise InvalidInputError(
            f"{self.name}={_shown(self.spec)} is not an integer polynomial in n: {what}; {_EXAMPLE}"
        )

    def peek(self) -> tuple[str, str, int] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def where(self) -> str:
        t = self.peek()
        return f"at position {t[2]}" if t else "at the end"

    def check(self, poly: flint.fmpz_poly) -> flint.fmpz_poly:
        if poly.degree() > MAX_DEGREE:
            self.fail(f"degree {poly.degree()} exceeds {MAX_DEGREE}")
        if poly.height_bits() > _MAX_BITS:
            self.fail(f"a coefficient has more than {MAX_COEFFICIENT_DIGITS} digits")
        return poly

    def parse(self) -> flint.fmpz_poly:
        if not self.toks:
            self.fail("no terms")
        poly = self.expr()
        if self.peek() is not None:
            t = self.peek()
            self.fail(f"unexpected {t[1]!r} at position {t[2]}")
        return poly

    def expr(self) -> flint.fmpz_poly:
        acc = self.term()
        while (t := self.peek()) is not None and t[1] in "+-":
            self.i += 1
            rhs = self.term()
            acc = self.check(acc + rhs if t[1] == "+" else acc - rhs)
        return acc

    def starts_factor(self, t) -> bool:
        return t is not None and (t[0] in ("int", "n") or t[1] == "(")

    def term(self) -> flint.fmpz_poly:
        acc = self.unary()
        while True:
            t = self.peek()
            if t is not None and t[1] == "*":
                self.i += 1
                rhs = self.unary()
            elif self.starts_factor(t):
                prev = self.toks[self.i - 1]
                if prev[0] == "int" and t[0] == "int":
                    self.fail(f"two numbers in a row at position {t[2]} (write 2*3 or 23)")
                rhs = self.unary()
            else:
                return acc
            acc = self.mul(acc, rhs)

    def mul(self, x: flint.fmpz_poly, y: flint.fmpz_poly) -> flint.fmpz_poly:
        if x.degree() + y.degree() > MAX_DEGREE:
            self.fail(f"degree {x.degree() + y.degree()} exceeds {MAX_DEGREE}")
        if x.height_bits() + y.height_bits() > _MAX_BITS + 16:
            self.fail(f"a coefficient has more than {MAX_COEFFICIENT_DIGITS} digits")
        return self.check(x * y)

    def unary(self) -> flint.fmpz_poly:
        signs = 1
        while (t := self.peek()) is not None and t[1] in "+-":
            self.i += 1
            if t[1] == "-":
                signs = -signs
        base = self.power()
        return base if signs > 0 else -base

    def power(self) -> flint.fmpz_poly:
        base = self.atom()
        t = self.peek()
        if t is None or t[1] not in ("^", "**"):
            return base
        self.i += 1
        where = t[2]
        self.depth += 1
        if self.depth > _MAX_NESTING:
            self.fail(f"powers nested deeper than {_MAX_NESTING}")
        expo = self.unary_exponent()
        self.depth -= 1
        if expo.degree() > 0:
            self.fail(f"the exponent after position {where} is not a constant")
        e = int(expo.coeffs()[0]) if expo.degree() == 0 else 0
        if e < 0:
            self.fail(f"negative exponent {e} after position {where}")
        d = base.degree()
        if d >= 1 and d * e > MAX_DEGREE:
            self.fail(f"degree {d * e} exceeds {MAX_DEGREE}")
        if d <= 0:
            c = int(base.coeffs()[0]) if d == 0 else 0
            if abs(c) >= 2 and e * max(1, abs(c).bit_length() - 1) > _MAX_BITS:
                self.fail(f"{c}^{e} has more than {MAX_COEFFICIENT_DIGITS} digits")
            if abs(c) <= 1:
                return flint.fmpz_poly([1 if e == 0 else (c if c >= 0 or e % 2 else -c)])
        elif e * base.height_bits() > _MAX_BITS + 16 * e:
            self.fail(f"a coefficient of the power after position {where} has more than "
                      f"{MAX_COEFFICIENT_DIGITS} digits")
        return self.check(base**e)

    def unary_exponent(self) -> flint.fmpz_poly:
        # right associative: n^2^3 = n^(2^3); a sign may precede the exponent (n^-1 is refused)
        return self.unary()

    def atom(self) -> flint.fmpz_poly:
        t = self.peek()
        if t is None:
            self.fail("the text ends where a number, n or '(' is expected")
        kind, val, pos = t
        if kind == "int":
            self.i += 1
            if len(val.lstrip("0")) > MAX_COEFFICIENT_DIGITS:
                self.fail(f"the number at position {pos} has more than {MAX_COEFFICIENT_DIGITS} digits")
            return flint.fmpz_poly([flint.fmpz(val)])
        if kind == "n":
            self.i += 1
            return flint.fmpz_poly([0, 1])
        if val == "(":
            self.i += 1
            self.depth += 1
            if self.depth > _MAX_NESTING:
                self.fail(f"parentheses nested deeper than {_MAX_NESTING}")
            if (u := self.peek()) is not None and u[1] == ")":
                self.fail(f"empty parentheses at position {pos}")
            inner = self.expr()
            u = self.peek()
            if u is None or u[1] != ")":
                self.fail(f"the '(' at position {pos} is not closed")
            self.i += 1
            self.depth -= 1
            return inner
        self.fail(f"unexpected {val!r} at position {pos}")


def _parse_text(spec: str, name: str) -> list[int]:
    text = spec.strip()
    if not text:
        raise InvalidInputError(f"{name}={_shown(spec)} is empty; give a polynomial in n such as '2n+1'")
    if len(text) > MAX_TEXT_LENGTH:
        raise InvalidInputError(
            f"{name}={_shown(spec)} has {len(text)} characters, more than {MAX_TEXT_LENGTH}; "
            "give the polynomial in a shorter form (e.g. factored, or as a coefficient list)"
        )
    if not _ALLOWED.match(text):
        bad = sorted(set(re.sub(r"[0-9n\s+\-*^()]", "", text)))
        raise InvalidInputError(
            f"{name}={_shown(spec)} is not an integer polynomial in n (unexpected "
            f"{''.join(bad)[:20]!r}); {_EXAMPLE}, with integer coefficients"
        )
    poly = _PolyParser(text, name, spec).parse()
    coeffs = [int(c) for c in poly.coeffs()]
    return coeffs or [0]


def _sympy_too_big(expr: Any, n: Any) -> bool:
    """Whether a sympy expression has a power of ``n`` above :data:`MAX_DEGREE` (checked before
    ``expand``, which would build it)."""
    import sympy

    for p in expr.atoms(sympy.Pow):
        e = p.exp
        if p.base.has(n) and e.is_Integer and abs(int(e)) > MAX_DEGREE:
            return True
    return False


def _check_coefficients(coeffs: list[int], name: str) -> list[int]:
    while len(coeffs) > 1 and coeffs[-1] == 0:
        coeffs.pop()
    if len(coeffs) - 1 > MAX_DEGREE:
        raise InvalidInputError(
            f"{name} has degree {len(coeffs) - 1}, more than {MAX_DEGREE}; PCFs of such degree "
            "are not supported"
        )
    for i, c in enumerate(coeffs):
        if c.bit_length() > _MAX_BITS:
            raise InvalidInputError(
                f"{name}: the coefficient of n^{i} has more than {MAX_COEFFICIENT_DIGITS} digits; "
                "give smaller coefficients"
            )
    return coeffs


def parse_polynomial(spec: Any, name: str = "a") -> list[int]:
    """Parse an integer polynomial in ``n`` into its coefficient list (lowest degree first).

    Text is read by a small exact parser (integers, ``n``, ``+ - * ^ **``, parentheses,
    implicit products such as ``34n^3`` or ``(n+1)(n+2)``), never by ``eval``; degrees above
    :data:`MAX_DEGREE` and coefficients above :data:`MAX_COEFFICIENT_DIGITS` digits are refused
    before they are built.

    Args:
        spec: a string in ``n`` (``"34n^3+51n^2+27n+5"``, ``"(2n+1)*(3n^2+3n+1)"``), an int,
            a sequence of ints (lowest degree first) or a sympy expression in ``n``.
        name: the argument name used in error messages.

    Returns:
        The coefficients ``[c0, c1, ...]`` with trailing zeros removed (``[0]`` for zero).

    Raises:
        InvalidInputError: unparseable text, other symbols, non-integer coefficients, or a
            degree / coefficient beyond the limits (one line, naming ``name`` and the fix).

    Examples:
        >>> from engine.contfrac import parse_polynomial
        >>> parse_polynomial("(2n+1)*(n-3)")
        [-3, -5, 2]
        >>> parse_polynomial([5, 0, 1, 0])
        [5, 0, 1]
        >>> parse_polynomial("n^-1")
        Traceback (most recent call last):
        ...
        engine.errors.InvalidInputError: a='n^-1' is not an integer polynomial in n: negative exponent -1 after position 1; write e.g. '34n^3+51n^2+27n+5' or '(2n+1)*(n^2+1)'
    """
    if type(spec) in (list, tuple) and spec and len(spec) <= MAX_DEGREE + 1 \
            and all(type(c) is int for c in spec):  # fast path: a list of Python ints
        return _check_coefficients(list(spec), name)
    import numbers

    import sympy

    n = _n_symbol()
    coeffs: list[int]
    if isinstance(spec, bool):
        raise InvalidInputError(f"{name}={spec!r} is not a polynomial; give e.g. '2n+1' or [1, 2]")
    if isinstance(spec, numbers.Integral | flint.fmpz):
        coeffs = [int(spec)]
    elif isinstance(spec, str):
        return _check_coefficients(_parse_text(spec, name), name)
    elif isinstance(spec, sympy.Basic):
        extra = spec.free_symbols - {n}
        if extra:
            raise InvalidInputError(
                f"{name}={_shown(str(spec))} uses symbols {sorted(map(str, extra))[:5]}; only n is allowed"
            )
        if _sympy_too_big(spec, n):
            raise InvalidInputError(f"{name}={_shown(str(spec))} has degree above {MAX_DEGREE}")
        try:
            poly = sympy.Poly(sympy.expand(spec), n)
        except (sympy.PolynomialError, sympy.SympifyError, TypeError, ValueError):
            raise InvalidInputError(f"{name}={_shown(str(spec))} is not a polynomial in n") from None
        if poly.degree() > MAX_DEGREE:
            raise InvalidInputError(f"{name}={_shown(str(spec))} has degree {poly.degree()} > {MAX_DEGREE}")
        raw = list(reversed(poly.all_coeffs()))
        coeffs = []
        for c in raw:
            if not (c.is_Integer):
                raise InvalidInputError(
                    f"{name}={_shown(str(spec))} has the non-integer coefficient {_shown(str(c), 30)}; "
                    "PCFs need integer polynomials (multiply a and b by a common factor to clear "
                    "denominators)"
                )
            coeffs.append(int(c))
    elif isinstance(spec, Sequence | range) and not isinstance(spec, bytes | bytearray) or (
            hasattr(spec, "tolist") and not isinstance(spec, Sequence)):
        seq = spec if isinstance(spec, Sequence | range) else spec.tolist()
        if not isinstance(seq, Sequence | range):  # a numpy scalar
            seq = [seq]
        if len(seq) > 4 * MAX_DEGREE + 64:
            raise InvalidInputError(
                f"{name} has {len(seq)} coefficients; the degree may be at most {MAX_DEGREE}")
        coeffs = []
        for i, c in enumerate(seq):
            if isinstance(c, bool) or not isinstance(c, numbers.Integral | flint.fmpz):
                if isinstance(c, float) and c.is_integer():
                    c = int(c)
                elif isinstance(c, numbers.Rational) and c.denominator == 1:
                    c = int(c.numerator)
                elif hasattr(c, "is_Integer") and c.is_Integer:
                    c = int(c)
                else:
                    raise InvalidInputError(
                        f"{name}[{i}]={_shown(repr(c), 30)} is not an integer; PCF coefficients must "
                        "be integers"
                    )
            coeffs.append(int(c))
        if not coeffs:
            raise InvalidInputError(f"{name}=[] is empty; give at least one coefficient")
    else:
        raise InvalidInputError(
            f"{name} of type {type(spec).__name__} is not a polynomial; "
            "give a string in n, a coefficient list or a sympy expression"
        )
    return _check_coefficients(coeffs, name)


def polynomial_to_string(coeffs: Sequence[int]) -> str:
    """Render a coefficient list (lowest degree first) as ``"34n^3 + 51n^2 + 27n + 5"``.

    Examples:
        >>> from engine.contfrac import polynomial_to_string
        >>> polynomial_to_string([5, 27, 51, 34])
        '34n^3 + 51n^2 + 27n + 5'
        >>> polynomial_to_string([0, 0, 0, 0, 0, 0, -1])
        '-n^6'
    """
    if not (isinstance(coeffs, list | tuple) and coeffs and all(
            isinstance(c, int) and not isinstance(c, bool) for c in coeffs)):
        coeffs = parse_polynomial(coeffs, "coeffs")
    terms = []
    for k in range(len(coeffs) - 1, -1, -1):
        c = int(coeffs[k])
        if c == 0:
            continue
        mag = abs(c)
        mono = "" if k == 0 else ("n" if k == 1 else f"n^{k}")
        body = (str(mag) if (mag != 1 or k == 0) else "") + mono
        if not terms:
            terms.append(("-" if c < 0 else "") + body)
        else:
            terms.append(("- " if c < 0 else "+ ") + body)
    return " ".join(terms) if terms else "0"


def _horner(coeffs: Sequence[int], x: int) -> int:
    acc = 0
    for c in reversed(coeffs):
        acc = acc * x + c
    return acc


_COMPILED: dict[tuple[int, ...], Any] = {}


def _compiled(coeffs: Sequence[int]):
    """A fast Python function ``n -> P(n)`` (Horner form, integer coefficients only)."""
    key = tuple(int(c) for c in coeffs)
    fn = _COMPILED.get(key)
    if fn is None:
        expr = str(key[-1])
        for c in reversed(key[:-1]):
            expr = f"({expr}) * n + ({c})"
        fn = eval(f"lambda n: {expr}", {"__builtins__": {}})  # only ints: safe
        if len(_COMPILED) > 4096:
            _COMPILED.clear()
        _COMPILED[key] = fn
    return fn


def _positive_for_all_n(coeffs: Sequence[int], sign: int) -> bool:
    """Exactly decide whether ``sign * P(n) > 0`` for every integer ``n >= 1``."""
    c = [sign * int(x) for x in coeffs]
    if c[-1] <= 0:
        return False
    if len(c) == 1:
        return True
    # Cauchy bound: every real root r has |r| < 1 + max |c_i / c_lead|.
    bound = 1 + max(abs(x) for x in c[:-1]) // c[-1] + 1
    return all(_horner(c, k) > 0 for k in range(1, bound + 1))


#: Factors of the beta form's denominator further apart than this are not merged into one
#: shift orbit by :meth:`PCF.canonical` (so huge shifts cannot make it loop for long).
_MAX_ORBIT_SHIFT = 4096


def _shift_between(base: flint.fmpz_poly, f: flint.fmpz_poly) -> int | None:
    """The integer ``k`` with ``f(n) = base(n + k)``, or None (both of degree >= 1)."""
    d = base.degree()
    if f.degree() != d or f.leading_coefficient() != base.leading_coefficient():
        return None
    diff = int(f.coeffs()[d - 1]) - int(base.coeffs()[d - 1])
    lead = d * int(base.leading_coefficient())
    if diff % lead:
        return None
    k = diff // lead
    if abs(k) > _MAX_ORBIT_SHIFT:  # factors this far apart are kept in separate orbits
        return None
    return k if base(flint.fmpz_poly([k, 1])) == f else None


def _log10_abs(x: int | flint.fmpz) -> float:
    """log10 |x| of a (possibly huge) nonzero integer, to double accuracy."""
    x = int(x)
    x = -x if x < 0 else x
    bl = x.bit_length()
    if bl <= 1000:
        return math.log10(x)
    shift = bl - 64
    return math.log10(x >> shift) + shift * _LOG10_2


def _mpf_from_arb(x: flint.arb) -> mpmath.mpf:
    man, exp = x.mid().man_exp()
    return mpmath.mpf((int(man), int(exp)))


@dataclass(frozen=True)
class WorpitzkyBound(Result):
    """A proved bound ``|beta_n| <= M`` for ``n > N0``, ``beta_n = b(n) / (a(n-1) a(n))``.

    Then the tail ``K_{n>N}(beta_n/1)`` (any ``N >= N0``) converges and lies in ``[-r, r]``,
    ``r = M/(1-2M) <= 1/2`` (Worpitzky's theorem; the disk ``|w| <= r`` is mapped into itself by
    ``w -> beta/(1+w)`` since ``r(1-r) >= M``).

    Attributes:
        n0: the threshold ``N0`` (``a(n) != 0`` with constant sign for ``n >= N0``).
        m: the bound ``M`` (a ``fractions.Fraction``, ``0 < M <= 1/4``).
        radius: ``r = M/(1-2M)``.
        limit: ``lim |beta_n|`` (a ``Fraction``).
        a, b: the coefficient lists the bound is about (recorded by :func:`worpitzky_bound`;
            empty when built by hand, and then :meth:`check` cannot re-prove it).
    """

    n0: int
    m: Fraction
    radius: Fraction
    limit: Fraction
    a: tuple[int, ...] = field(default=(), repr=False, compare=False)
    b: tuple[int, ...] = field(default=(), repr=False, compare=False)

    def check(self) -> None:
        """Re-prove the bound exactly: ``0 < M <= 1/4``, ``r = M/(1-2M)``, ``limit`` the exact
        ``lim |beta_n|``, and the nonnegative-coefficient test of :func:`worpitzky_bound` at
        ``N0`` (which proves ``|b(n)| <= M a(n-1) a(n)`` for every ``n > N0``).

        Raises:
            VerificationError: a claim fails, or the fraction is not recorded.
        """
        m = Fraction(self.m)
        if not (0 < m <= Fraction(1, 4)) or Fraction(self.radius) != m / (1 - 2 * m):
            raise VerificationError(f"M={self.m}, r={self.radius}: need 0 < M <= 1/4 and r = M/(1-2M)")
        if not self.a or not self.b:
            raise VerificationError("the fraction (a, b) is not recorded: the bound cannot be re-proved")
        a, b = [int(c) for c in self.a], [int(c) for c in self.b]
        lim = Fraction(abs(b[-1]), a[-1] ** 2) if len(b) - 1 == 2 * (len(a) - 1) else Fraction(0)
        if Fraction(self.limit) != lim:
            raise VerificationError(f"limit={self.limit}, but lim |beta_n| = {lim}")
        if isinstance(self.n0, bool) or not isinstance(self.n0, int) or self.n0 < 0 or not _worpitzky_holds(a, b, self.n0, m):
            raise VerificationError(f"|b(n)/(a(n-1)a(n))| <= {m} for n > {self.n0} could not be proved")

    def to_json(self) -> dict:
        """JSON form (fractions as ``"p/q"`` strings)."""
        return {"n0": self.n0, "M": str(self.m), "radius": str(self.radius), "lim_abs_beta": str(self.limit),
                "a": list(self.a), "b": list(self.b)}

    @classmethod
    def from_json(cls, d: dict) -> WorpitzkyBound:
        """Rebuild from :meth:`to_json`."""
        return cls(int(d["n0"]), Fraction(d["M"]), Fraction(d["radius"]), Fraction(d["lim_abs_beta"]),
                   tuple(int(c) for c in d.get("a", ())), tuple(int(c) for c in d.get("b", ())))

    @classmethod
    def example(cls) -> WorpitzkyBound:
        """Apery's fraction ``(34n^3 + 51n^2 + 27n + 5, -n^6)``: ``beta_n -> -1/34^2``, so
        ``lim |beta_n| = 1/1156``, and ``|beta_n| <= 1/578`` holds for every ``n >= 1``,
        by :func:`worpitzky_bound`.

        Examples:
            >>> from engine.contfrac import WorpitzkyBound
            >>> w = WorpitzkyBound.example()
            >>> w.limit, w.m, w.n0
            (Fraction(1, 1156), Fraction(1, 578), 0)
        """
        return worpitzky_bound([5, 27, 51, 34], [0, 0, 0, 0, 0, 0, -1])

    @classmethod
    def tampered(cls) -> WorpitzkyBound:
        """:meth:`example` claiming ``M = 1/2000``, below ``lim |beta_n| = 1/1156``."""
        import dataclasses

        m = Fraction(1, 2000)
        return dataclasses.replace(cls.example(), m=m, radius=m / (1 - 2 * m))


def _shift(coeffs: Sequence[int], s: int) -> flint.fmpz_poly:
    """``P(s + t)`` as a polynomial in ``t``."""
    return flint.fmpz_poly([int(c) for c in coeffs])(flint.fmpz_poly([s, 1]))


def _nonneg(poly: flint.fmpz_poly) -> bool:
    return all(c >= 0 for c in poly.coeffs())


def _worpitzky_holds(a: Sequence[int], b: Sequence[int], N: int, m: Fraction) -> bool:
    """Exactly decide a sufficient condition for ``|b(n)| <= m a(n-1) a(n)``, all ``n >= N+1``.

    With ``n = N + 1 + t``: every coefficient (in ``t``) of ``s a(N + t)`` is ``>= 0`` with
    ``s a(N) > 0`` (so ``a`` has the constant sign ``s`` and no zero for ``n >= N``), and both
    ``m A(t) - b(N+1+t)`` and ``m A(t) + b(N+1+t)`` have coefficients ``>= 0``, where
    ``A(t) = a(N+t) a(N+1+t) > 0``. A polynomial with nonnegative coefficients is nonnegative
    for ``t >= 0``. Once true at ``N``, it stays true at every larger ``N`` (a shift by a
    positive amount keeps coefficients nonnegative).
    """
    an = _shift(a, N)
    s = 1 if int(an.coeffs()[0] if an.coeffs() else 0) > 0 else -1
    if not _nonneg(s * an) or int((s * an).coeffs()[0]) <= 0:
        return False
    A = an * _shift(a, N + 1)
    B = _shift(b, N + 1)
    P, Q = m.numerator, m.denominator
    return _nonneg(P * A - Q * B) and _nonneg(P * A + Q * B)


def _fixed_signs_from(b: Sequence[int], sa: Sequence[int], N: int) -> bool:
    """Exactly decide a sufficient condition for ``b(n) > 0`` and ``sa(n) > 0`` for every
    ``n >= N``: after ``n = N + t`` both have nonnegative coefficients in ``t`` and positive
    constant terms (see :meth:`PCF.eventual_bracket`)."""
    for poly in (_shift(b, N), _shift(sa, N)):
        cs = poly.coeffs()
        if not cs or cs[0] <= 0 or not _nonneg(poly):
            return False
    return True


def worpitzky_bound(a: Sequence[int], b: Sequence[int], max_n0: int = 1 << 20) -> WorpitzkyBound | None:
    """Prove ``|b(n)/(a(n-1)a(n))| <= M < 1/4``-type bounds for all large ``n``, or return None.

    Tries ``M`` from just above ``lim |beta_n|`` up to ``1/4`` (only ``M = 1/4`` when the
    limit is exactly ``1/4``); for each, the smallest threshold ``N0 <= max_n0`` (by doubling
    then bisection) at which :func:`_worpitzky_holds` proves the bound. None when
    ``deg b > 2 deg a``, ``lim |beta_n| > 1/4`` or no threshold is found.

    Args:
        a, b: coefficient lists (lowest degree first) of ``a(n)`` and ``b(n)``.
        max_n0: the largest threshold tried.

    Returns:
        A :class:`WorpitzkyBound` or None.

    References:
        L. Lorentzen, H. Waadeland, *Continued Fractions*, vol. 1, Atlantis 2008 (Worpitzky's
        theorem; value sets); W. B. Jones, W. J. Thron, *Continued Fractions: Analytic Theory
        and Applications*, Addison-Wesley 1980 (Worpitzky's theorem).

    Examples:
        >>> from engine.contfrac import worpitzky_bound
        >>> w = worpitzky_bound([5, 27, 51, 34], [0, 0, 0, 0, 0, 0, -1])   # Apery
        >>> w.limit, w.m, w.n0
        (Fraction(1, 1156), Fraction(1, 578), 0)
        >>> worpitzky_bound([1, 2], [0, 0, -1]) is None     # |beta_n| = n^2/(4n^2 - 1) > 1/4
        True
        >>> worpitzky_bound([2, 2], [0, 0, -1]).m           # |beta_n| = n/(4n + 4) <= 1/4
        Fraction(1, 4)
    """
    a = parse_polynomial(a, "a")
    b = parse_polynomial(b, "b")
    _check_int("max_n0", max_n0, 1, 1 << 30)
    if a == [0]:
        return None
    da, db = len(a) - 1, len(b) - 1
    if b == [0] or db > 2 * da:
        return None
    lim = Fraction(abs(b[-1]), a[-1] ** 2) if db == 2 * da else Fraction(0)
    quarter = Fraction(1, 4)
    if lim > quarter:
        return None
    if lim == quarter:  # parabolic case: only |beta_n| <= 1/4 itself can hold
        ms = [quarter]
    elif lim > 0:
        ms = [min(2 * lim, (lim + quarter) / 2), (lim + quarter) / 2, quarter]
    else:
        ms = [Fraction(1, 64), Fraction(1, 16), quarter]
    for m in dict.fromkeys(ms):
        if _worpitzky_holds(a, b, 0, m):
            n0 = 0
        else:
            hi = 1
            while hi <= max_n0 and not _worpitzky_holds(a, b, hi, m):
                hi *= 2
            if hi > max_n0:
                continue
            lo = hi // 2  # fails at lo (or lo = 0 failed), holds at hi
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if _worpitzky_holds(a, b, mid, m):
                    hi = mid
                else:
                    lo = mid
            n0 = hi
        return WorpitzkyBound(n0, m, m / (1 - 2 * m), lim, tuple(a), tuple(b))
    return None


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class ConvergenceInfo:
    """How fast ``p_n/q_n`` approaches the limit.

    Attributes:
        kind: ``"factorial"``, ``"exponential"``, ``"sub-exponential"``, ``"logarithmic"``,
            ``"divergent"`` or ``"exact"`` (terminating fraction).
        digits_per_term: local slope of ``-log10 |x_n - x_{n-1}|`` at the largest depth.
        depth: the largest depth sampled.
        samples: ``(n, -log10 |x_n - x_{n-1}|)`` pairs used for the classification.
    """

    kind: str
    digits_per_term: float
    depth: int
    samples: tuple[tuple[int, float], ...] = ()

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "digits_per_term": self.digits_per_term,
            "depth": self.depth,
            "samples": [list(s) for s in self.samples],
        }


class DivergenceError(InfeasibleError, NoConvergenceError):
    """It is *proved* that the fraction diverges (an :class:`~engine.errors.InfeasibleError`:
    no limit exists; the CLI exits with code 3). It is also a
    :class:`~engine.errors.NoConvergenceError`, so callers that catch the latter keep working.

    Attributes:
        reason: the reason code of the :class:`DivergenceProof` (``"a_zero"``,
            ``"stern_stolz"``, ``"elliptic"``, ``"elliptic_infinite"``), or ``"zero_denominator"``
            (the fraction terminates with ``q = 0``: its value is infinite or undefined).
        certificate: the proof's :meth:`DivergenceProof.to_json`.
    """


@dataclass(frozen=True)
class DivergenceProof:
    """Why a polynomial continued fraction diverges, proved from its polynomials alone.

    With ``da = deg a``, ``db = deg b``, ``k = db - 2 da``, leading coefficients ``la``, ``lb``
    and a fraction that does not terminate (``b(n) != 0`` for every ``n >= 1``):

    - ``"a_zero"``: ``a = 0``. Then ``q_1 = 0`` and ``q_n = b(n) q_{n-2}``: every odd
      approximant is infinite and every even one is ``a(0)``; the approximants alternate.
    - ``"stern_stolz"``: ``k >= 3``. The equivalence transformation with ``c_n c_{n-1} b(n) = 1``
      turns the fraction into ``K(1/d_n)``, ``d_n = c_n a(n)``, and
      ``|c_n| = |c_{n-2}| |b(n-1)/b(n)|`` gives ``|d_n| ~ C n^(-k/2)``, so ``sum |d_n| < inf``:
      by the Stern-Stolz theorem the even and the odd approximants converge to two different
      values.
    - ``"elliptic"``: ``k = 0`` and ``c = lb/la^2 < -1/4`` (``b(n)/(a(n-1)a(n)) -> c``). After
      ``y_n = la^n (n!)^da w_n`` the recurrence ``y_n = a(n) y_{n-1} + b(n) y_{n-2}`` has
      rational coefficients tending to ``1`` and ``c``; the characteristic roots of
      ``x^2 - x - c`` are complex conjugates of equal modulus, so by Birkhoff's theorem (normal
      case, distinct roots) there are solutions ``~ lambda^n n^r`` and their conjugates, of
      equal modulus. No solution is minimal, so by Pincherle's theorem the fraction diverges.
    - ``"elliptic_infinite"``: ``k = 2`` and ``lb < 0``: the same argument after
      ``y_n = (n!)^(db/2) w_n`` (characteristic roots ``+-i sqrt(-lb)``).

    References:
        W. B. Jones, W. J. Thron, *Continued Fractions: Analytic Theory and Applications*,
        Addison-Wesley 1980 (the Stern-Stolz theorem; Pincherle's theorem on minimal
        solutions). W. Gautschi, "Computational aspects of three-term recurrence relations",
        SIAM Review 9 (1967) 24-82 (Pincherle's theorem). G. D. Birkhoff, "General theory of
        linear difference equations", Trans. AMS 12 (1911) 243-284 (asymptotic solutions).
        L. Lorentzen, H. Waadeland, *Continued Fractions*, vol. 1, Atlantis 2008, ch. 3-4.

    Attributes:
        reason: the reason code (above).
        statement: one sentence: the fact about ``a``, ``b`` and the theorem it rests on.
    """

    reason: str
    statement: str

    def to_json(self) -> dict:
        return {"reason": self.reason, "statement": self.statement}


@dataclass(frozen=True)
class DeltaEstimate:
    """The irrationality-measure exponent ``delta`` of a PCF, with ``|L - p_N/q_N| = q_N^-(1+delta)``
    (``q_N`` reduced), extrapolated to ``N -> inf`` from exact convergents at fixed depths.

    The depths depend only on the fraction (never on the digits asked for its limit), so the
    estimate is the same whatever precision the limit is evaluated to.

    Attributes:
        value: the extrapolated ``delta = lim delta(N)``.
        uncertainty: the difference between the extrapolations from ``[D/4, D]`` and from
            ``[D/8, D/2]`` (at least ``1e-6``): an empirical error estimate, not a bound.
        depth: ``D``, the deepest convergent used (``L`` itself is the convergent at ``2 D``).
        at_depth: ``delta(D)`` itself (no extrapolation).
        samples: how many depths entered the fits.
        method: how ``value`` was obtained.
    """

    value: float
    uncertainty: float
    depth: int
    at_depth: float
    samples: int
    method: str

    def to_json(self) -> dict:
        return {"value": self.value, "uncertainty": self.uncertainty, "depth": self.depth,
                "at_depth": self.at_depth, "samples": self.samples, "method": self.method}


@dataclass(frozen=True)
class DeltaPrediction:
    """``delta`` predicted from the characteristic roots (:meth:`PCF.predicted_delta`).

    Attributes:
        value: ``log|lambda1/lambda2| / rho - 1``.
        ratio_log: ``log|lambda1/lambda2|`` (the error decays like ``e^(-ratio_log n)``).
        reduced_growth: ``rho``, the growth rate of ``log(q_n / gcd(p_n, q_n))``.
        root1, root2: ``lambda1``, ``lambda2``; slope: their factorial exponent ``s``.
        method: how ``rho`` was obtained.
    """

    value: float
    ratio_log: float
    reduced_growth: float
    root1: complex
    root2: complex
    slope: Fraction
    method: str

    def to_json(self) -> dict:
        return {"value": self.value, "ratio_log": self.ratio_log,
                "reduced_growth": self.reduced_growth,
                "root1": [self.root1.real, self.root1.imag], "root2": [self.root2.real, self.root2.imag],
                "slope": str(self.slope), "method": self.method}


def _nstr(x: Any, n: int) -> str:
    """``mpmath.nstr(x, n)`` for messages, rounded to ``n + 5`` digits first (mpmath converts
    the whole mantissa of a high-precision mpf to decimal, which Python refuses beyond 4300
    digits)."""
    with mpmath.workdps(int(n) + 5):
        return mpmath.nstr(+x, n)


def format_significant(x: Any, digits: int) -> str:
    """``x`` rounded to exactly ``digits`` significant digits, trailing zeros kept.

    Fixed-point notation while every significant digit lies before ``10^-5``, otherwise
    scientific (``1.2346e+11``); an exact zero is ``"0"``.

    Examples:
        >>> import mpmath
        >>> from engine.contfrac import format_significant
        >>> format_significant(mpmath.mpf(2), 10)
        '2.000000000'
        >>> format_significant(mpmath.mpf("1.61803"), 1), format_significant(mpmath.mpf(-0.2), 3)
        ('2', '-0.200')
        >>> format_significant(mpmath.mpf("123456789012"), 5)
        '1.2346e+11'
    """
    digits = _check_int("digits", digits, 1, 10**6)
    if isinstance(x, bool) or not isinstance(x, mpmath.mpf | int | float | Fraction):
        raise InvalidInputError(f"x of type {type(x).__name__} must be a real number (an mpf)")
    x = _exact_mpf(x) if not isinstance(x, Fraction) else mpmath.mpf(x.numerator) / x.denominator
    if not mpmath.isfinite(x):
        raise InvalidInputError(f"x={x!r} must be finite")
    if x == 0:
        return "0"
    with mpmath.workdps(digits + 10):
        text = mpmath.nstr(x, digits, strip_zeros=False, min_fixed=-5, max_fixed=min(digits, 20))
    if "e" not in text and text.endswith("."):
        text = text[:-1]
    return text.replace(".e", "e")


#: Keys of :meth:`LimitResult.to_json` that are fields (every other key comes from ``extra``).
_LIMIT_KEYS = frozenset({
    "a", "b", "value", "digits", "error_bound", "depth", "certification", "rigorous",
    "statement", "method", "rational", "value_dyadic", "error_bound_dyadic",
})
_CERTIFICATIONS = {"exact": True, "bracket": True, "worpitzky": True, "tail-estimate": False,
                   "accelerated": False}


def _exact_mpf(x: Any) -> Any:
    """``x`` as an mpf without rounding (``mpmath.mpf(x)`` rounds to the working precision)."""
    return x if isinstance(x, mpmath.mpf) else mpmath.mpf(x)


def _man_exp(x: Any) -> tuple[int, int]:
    """``(m, e)`` with ``x = m 2^e`` exactly (``m`` signed; ``mpf.man_exp`` drops the sign)."""
    sign, man, exp, _ = _exact_mpf(x)._mpf_
    return (-int(man) if sign else int(man)), int(exp)


def _dyadic(x: Any) -> list:
    """An mpf as ``[mantissa (decimal string), binary exponent]``: exact, JSON-safe."""
    man, exp = _man_exp(x)
    man = int(man)
    return [str(man) if man.bit_length() < 13000 else hex(man), int(exp)]


def _from_dyadic(d: Sequence) -> Any:
    """The mpf ``man * 2^exp`` of :func:`_dyadic`, exactly (no rounding)."""
    man, exp = _int_from_json(d[0]), int(d[1])
    with mpmath.workprec(max(53, abs(man).bit_length() + 8)):
        return mpmath.mpf(man) * mpmath.mpf(2) ** exp if man else mpmath.mpf(0)


def _arb_of_mpf(x: Any) -> flint.arb:
    """The mpf ``x`` as an exact arb (radius 0)."""
    man, exp = _man_exp(x)
    return flint.arb(int(man)) * flint.arb(2) ** int(exp) if man else flint.arb(0)


def _int_to_json(x: int) -> int | str:
    """An int for JSON: itself, or a ``"0x..."`` hex string beyond 4000 decimal digits (Python
    refuses to write longer ints in decimal)."""
    x = int(x)
    return x if x.bit_length() < 13000 else hex(x)


def _int_text(x: int) -> str:
    """``str(x)``, or ``"<N-digit integer>"`` where the decimal text would be too long."""
    x = int(x)
    if x.bit_length() < 3000:
        return str(x)
    return f"<{int(x.bit_length() * _LOG10_2) + 1}-digit integer>"


def _int_from_json(v: Any) -> int:
    """Inverse of :func:`_int_to_json`."""
    if isinstance(v, str) and v.lstrip("-").startswith("0x"):
        return int(v, 16)
    return int(v)


def _json_safe(v: Any) -> Any:
    """Non-finite floats (an ``error_log10`` of ``-inf``) as strings; containers recursively."""
    if isinstance(v, float) and not math.isfinite(v):
        return str(v)
    if isinstance(v, dict):
        return {k: _json_safe(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_json_safe(x) for x in v]
    return v


@dataclass(frozen=True)
class LimitResult(Result):
    """A certified limit of a PCF.

    Attributes:
        a, b: the coefficient lists of the fraction.
        value: the limit as an mpmath ``mpf`` (carrying ``digits + 10`` digits).
        digits: significant digits certified (``|value - L| <= error_bound``).
        error_bound: the bound on ``|value - L|`` (an ``mpf``).
        depth: the depth of the convergent used.
        certification: ``"exact"``, ``"bracket"`` or ``"worpitzky"`` (rigorous),
            ``"tail-estimate"`` or ``"accelerated"`` (empirical).
        rigorous: whether ``error_bound`` is proved (``exact``/``bracket``/``worpitzky``) or
            estimated.
        statement: one sentence saying what was proved and what was assumed.
        method: ``"product-tree"`` or ``"richardson"``.
        rational: ``(p, q)`` when the limit is exactly rational (terminating fraction), else None.
    """

    a: tuple[int, ...]
    b: tuple[int, ...]
    value: Any
    digits: int
    error_bound: Any
    depth: int
    certification: str
    rigorous: bool
    statement: str
    method: str
    rational: tuple[int, int] | None = None
    extra: dict = field(default_factory=dict)

    def check(self) -> None:
        """Re-verify the certified digits from the fraction itself.

        First the claim: ``error_bound <= 10^-digits |value|`` and ``rigorous`` matching the
        certification. Then a fresh :class:`PCF` recomputes what the certificate rests on,
        in python-flint (exact integers, arb balls):

        - ``"exact"``: the fraction terminates at ``depth`` and its convergent, reduced, is
          ``rational``; ``value`` equals it to ``digits`` digits;
        - ``"bracket"``: the sign conditions are proved again (for every ``n >= 1``, or from
          ``bracket_from`` by nonnegative Taylor coefficients, with no pole between
          ``q_{N-1}`` and ``q_N``), and ``|value - p_N/q_N| + |p_N/q_N - p_{N-1}/q_{N-1}|``
          (in arb) is at most ``error_bound``;
        - ``"worpitzky"``: the recorded bound ``|beta_n| <= M`` for ``n > N0`` is proved again
          (:func:`worpitzky_bound`'s exact test), and ``|value - p_N/q_N|`` plus the value-set
          bound (in arb) is at most ``error_bound``;
        - ``"tail-estimate"`` (empirical): ``value`` is ``p_N/q_N`` to within the bound, and
          the exact convergent at twice the depth also lies within ``error_bound`` of it;
        - ``"accelerated"`` (empirical): a fresh :meth:`PCF.evaluate` to ``digits`` digits
          agrees with ``value`` within both error bounds.

        Raises:
            VerificationError: a claim above fails (the message names it).
        """
        cert = self.certification
        if cert not in _CERTIFICATIONS:
            raise VerificationError(f"unknown certification {cert!r}; expected one of {sorted(_CERTIFICATIONS)}")
        if bool(self.rigorous) != _CERTIFICATIONS[cert]:
            raise VerificationError(f"rigorous={self.rigorous} contradicts the certification {cert!r}")
        if isinstance(self.digits, bool) or not isinstance(self.digits, int) or self.digits < 1:
            raise VerificationError(f"digits={self.digits!r} is not a positive integer")
        value, err = _exact_mpf(self.value), _exact_mpf(self.error_bound)
        if not (mpmath.isfinite(value) and mpmath.isfinite(err) and err >= 0):
            raise VerificationError(f"value {value} or error bound {err} is not finite and nonnegative")
        if self.rational is None:
            with mpmath.workdps(self.digits + 20):  # slack: the bound |value| 10^-digits is rounded
                scale = abs(value) if value != 0 else mpmath.mpf(1)
                ok = err <= scale * mpmath.mpf(10) ** (-self.digits) * (1 + mpmath.mpf(10) ** -10)
            if not ok:
                raise VerificationError(
                    f"error bound {_nstr(err, 5)} does not certify "
                    f"{self.digits} digits of {_nstr(value, 20)}"
                )
        f = PCF(list(self.a), list(self.b))
        if cert == "exact":
            self._check_exact(f, value)
        elif cert == "accelerated":
            self._check_fresh(f, value, err)
        else:
            self._check_convergent(f, value, err)

    def _check_exact(self, f: PCF, value: Any) -> None:
        term = f.terminating_depth()
        if term is None or term != self.depth:
            raise VerificationError(f"the fraction does not terminate at depth {self.depth} (it stops at {term})")
        if self.rational is None:
            raise VerificationError("an exact limit needs its rational value")
        p, q = f.convergent(term)
        if q == 0:
            raise VerificationError(f"q_{term} = 0: the terminating fraction has no value")
        g = math.gcd(p, q)
        p, q = (p // g, q // g) if q > 0 else (-p // g, -q // g)
        if (p, q) != tuple(self.rational):
            raise VerificationError(f"the fraction's value is {_int_text(p)}/{_int_text(q)}, not "
                                    f"{_int_text(self.rational[0])}/{_int_text(self.rational[1])}")
        with mpmath.workdps(self.digits + 10):
            exact = mpmath.mpf(p) / q
            tol = (abs(exact) if p else mpmath.mpf(1)) * mpmath.mpf(10) ** (-self.digits)
            if abs(value - exact) > tol:
                raise VerificationError(
                    f"value {_nstr(value, 20)} differs from {_int_text(p)}/{_int_text(q)} beyond {self.digits} digits")

    def _check_fresh(self, f: PCF, value: Any, err: Any) -> None:
        try:
            fresh = f.evaluate(self.digits)
        except EngineError as exc:
            raise VerificationError(
                f"{self.digits} digits of {f!r} could not be reproduced by a fresh evaluation: {exc}") from None
        with mpmath.workdps(self.digits + 10):
            gap = abs(fresh.value - value)
            if gap > err + fresh.error_bound:
                raise VerificationError(
                    f"value {_nstr(value, 20)} and a fresh evaluation "
                    f"{_nstr(fresh.value, 20)} differ by {_nstr(gap, 3)}, more than "
                    "both error bounds")

    def _check_convergent(self, f: PCF, value: Any, err: Any) -> None:
        from engine.precision import precision

        N, cert = self.depth, self.certification
        if isinstance(N, bool) or not isinstance(N, int) or N < 1:
            raise VerificationError(f"depth={N!r} must be a positive integer")
        m = f.matrix(N)
        p, pp, q, qq = int(m[0, 0]), int(m[0, 1]), int(m[1, 0]), int(m[1, 1])
        if q == 0 or qq == 0:
            raise VerificationError(f"q_{N} or q_{N - 1} vanishes: no convergent to certify")
        bits = int((self.digits + 12) / _LOG10_2) + 16
        with precision(bits=bits):
            x = flint.arb(p) / flint.arb(q)
            gap = abs(_arb_of_mpf(value) - x)
            if cert == "bracket":
                start = self.extra.get("bracket_from")
                if start is None:
                    if not f._bracket_ok():
                        raise VerificationError("b(n) > 0 with a(n) of constant sign for n >= 1 does not hold")
                else:
                    s = 1 if f.a[-1] > 0 else -1
                    if not (isinstance(start, int) and 1 <= start <= N - 1
                            and _fixed_signs_from(f.b, [s * c for c in f.a], start) and s * q * qq > 0):
                        raise VerificationError(
                            f"the fixed signs of b(n) and a(n) from n = {start} (or the absence of a "
                            f"pole between q_{N - 1} and q_{N}) could not be proved")
                tail = flint.arb(abs(p * qq - pp * q)) / (flint.arb(abs(q)) * abs(qq))
            elif cert == "worpitzky":
                w = self._worpitzky_record()
                if N < w.n0 or not _worpitzky_holds(f.a, f.b, w.n0, w.m):
                    raise VerificationError(
                        f"|b(n)/(a(n-1)a(n))| <= {w.m} for n > {w.n0} could not be proved (or depth "
                        f"{N} < {w.n0})")
                tail = f._worpitzky_arb_bound(N, p, pp, q, qq, w)
                if tail is None:
                    raise VerificationError(f"the Worpitzky value set at depth {N} reaches a pole")
            else:  # tail-estimate: the deeper convergent must agree within the bound
                m2 = f.matrix(2 * N)
                if m2[1, 0] == 0:
                    raise VerificationError(f"q_{2 * N} = 0: the tail estimate cannot be re-checked")
                x2 = flint.arb(int(m2[0, 0])) / flint.arb(int(m2[1, 0]))
                tail = abs(x2 - x)
            total = gap + tail
            bound = _arb_of_mpf(err)
            if not total < bound:
                with mpmath.workdps(self.digits + 10):
                    raise VerificationError(
                        f"|value - p_{N}/q_{N}| + the {cert} tail bound = "
                        f"{_nstr(_mpf_from_arb(total), 5)} "
                        f"exceeds the error bound {_nstr(err, 5)}")

    def _worpitzky_record(self) -> WorpitzkyBound:
        rec = self.extra.get("worpitzky")
        try:
            m = Fraction(rec["M"])
            w = WorpitzkyBound(int(rec["n0"]), m, Fraction(rec["radius"]), Fraction(rec["lim_abs_beta"]))
        except (TypeError, KeyError, ValueError, ZeroDivisionError):
            raise VerificationError(f"the Worpitzky record {rec!r} is missing or malformed") from None
        if not (0 < m <= Fraction(1, 4)) or w.radius != m / (1 - 2 * m) or w.n0 < 0:
            raise VerificationError(f"the Worpitzky record {rec!r} is inconsistent (0 < M <= 1/4, r = M/(1-2M))")
        return w

    def to_json(self) -> dict:
        """JSON form: the value rounded to ``digits`` digits for reading, and exactly
        (``value_dyadic``, ``error_bound_dyadic``: mantissa and binary exponent) for
        :meth:`from_json`; ``extra``'s keys at the top level."""
        val = format_significant(self.value, self.digits)
        return {
            "a": list(self.a),
            "b": list(self.b),
            "value": val,
            "digits": self.digits,
            "error_bound": _nstr(self.error_bound, 5),
            "depth": self.depth,
            "certification": self.certification,
            "rigorous": self.rigorous,
            "statement": self.statement,
            "method": self.method,
            "rational": [_int_to_json(x) for x in self.rational] if self.rational else None,
            **{k: _json_safe(v) for k, v in self.extra.items()},
            "value_dyadic": _dyadic(self.value),
            "error_bound_dyadic": _dyadic(self.error_bound),
        }

    @classmethod
    def from_json(cls, d: dict) -> LimitResult:
        """Rebuild from :meth:`to_json` (exactly, from the dyadic fields; a record without
        them gets the decimal ``value`` and ``error_bound``, whose rounding the bound does not
        cover, so its :meth:`check` may fail)."""
        digits = int(d["digits"])
        if "value_dyadic" in d:
            value, err = _from_dyadic(d["value_dyadic"]), _from_dyadic(d["error_bound_dyadic"])
        else:
            with mpmath.workdps(digits + 10):
                value, err = mpmath.mpf(d["value"]), mpmath.mpf(d["error_bound"])
        rat = d.get("rational")
        return cls(
            tuple(int(c) for c in d["a"]), tuple(int(c) for c in d["b"]), value, digits, err,
            int(d["depth"]), d["certification"], bool(d["rigorous"]), d["statement"], d["method"],
            None if rat is None else (_int_from_json(rat[0]), _int_from_json(rat[1])),
            {k: v for k, v in d.items() if k not in _LIMIT_KEYS},
        )

    @classmethod
    def example(cls) -> LimitResult:
        """Apery's fraction ``PCF(34n^3 + 51n^2 + 27n + 5, -n^6)`` to 30 digits: its limit is
        ``6/zeta(3) = 4.99144423548424481210...`` (Apery 1979; van der Poorten, "A proof that
        Euler missed", Math. Intelligencer 1 (1979)), certified by the Worpitzky bound.

        Examples:
            >>> from engine.contfrac import LimitResult
            >>> r = LimitResult.example()
            >>> r.certification, r.digits, r.to_json()["value"][:12]
            ('worpitzky', 30, '4.9914442354')
        """
        return PCF("34n^3+51n^2+27n+5", "-n^6").evaluate(30)

    @classmethod
    def tampered(cls) -> LimitResult:
        """:meth:`example` with its 25th digit changed (``value`` moved by ``10^-24``)."""
        import dataclasses

        r = cls.example()
        with mpmath.workdps(r.digits + 10):
            return dataclasses.replace(r, value=r.value + mpmath.mpf(10) ** -24)


def product_tree(mats: list) -> Any:
    """``mats[0] mats[1] ... mats[-1]`` multiplied pairwise in a balanced tree (exact products
    of similar size, much faster than left to right for long products); ``mats`` non-empty."""
    while len(mats) > 1:
        nxt = [mats[i] * mats[i + 1] for i in range(0, len(mats) - 1, 2)]
        if len(mats) % 2:
            nxt.append(mats[-1])
        mats = nxt
    return mats[0]


def first_column(mats: list) -> tuple:
    """The first column ``(x, y)`` of ``mats[0] ... mats[-1]`` (2x2, non-empty): the right half's
    column first, then the left half's product applied to it, so the largest products are
    matrix-vector (half the multiplications of :func:`product_tree` at each level of the
    right spine)."""
    if len(mats) == 1:
        m = mats[0]
        return m[0, 0], m[1, 0]
    half = len(mats) // 2
    x, y = first_column(mats[half:])
    left = product_tree(mats[:half])
    return left[0, 0] * x + left[0, 1] * y, left[1, 0] * x + left[1, 1] * y


# --------------------------------------------------------------------------- the PCF class
class PCF:
    """A polynomial continued fraction ``a(0) + b(1)/(a(1) + b(2)/(a(2) + ...))``.

    Args:
        a: the partial denominators ``a(n)``: a string in ``n``, an int, a coefficient list
            (lowest degree first) or a sympy expression.
        b: the partial numerators ``b(n)``, same forms.

    Raises:
        InvalidInputError: unparseable or non-integer polynomials, or ``a = b = 0``.

    Examples:
        >>> from engine.contfrac import PCF
        >>> f = PCF("n+3", "-n")
        >>> f.a, f.b
        ([3, 1], [0, -1])
        >>> PCF(1, 1).limit(digits=15)     # golden ratio 1 + 1/(1 + 1/(1 + ...))
        mpf('1.61803398874989...')
    """

    def __init__(self, a: Any, b: Any):
        self._a = tuple(parse_polynomial(a, "a"))
        self._b = tuple(parse_polynomial(b, "b"))
        if self._a == (0,) and self._b == (0,):
            raise InvalidInputError("a(n) = b(n) = 0 is not a continued fraction; give nonzero a or b")
        self._cache: dict[int, flint.fmpz_mat] = {}
        self._terminating: int | None | bool = False  # False = not yet computed

    # ---- basic data
    @property
    def a(self) -> list[int]:
        """Coefficients of ``a(n)``, lowest degree first."""
        return list(self._a)

    @property
    def b(self) -> list[int]:
        """Coefficients of ``b(n)``, lowest degree first."""
        return list(self._b)

    def a_at(self, n: int) -> int:
        """``a(n)`` as an exact integer."""
        return _horner(self._a, n)

    def b_at(self, n: int) -> int:
        """``b(n)`` as an exact integer (the convention ``b(0) = 1`` is *not* applied here)."""
        return _horner(self._b, n)

    def __repr__(self) -> str:
        return f"PCF({polynomial_to_string(self._a)!r}, {polynomial_to_string(self._b)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PCF) and (self._a, self._b) == (other._a, other._b)

    def __hash__(self) -> int:
        return hash((self._a, self._b))

    def to_json(self) -> dict:
        return {
            "a": list(self._a),
            "b": list(self._b),
            "a_str": polynomial_to_string(self._a),
            "b_str": polynomial_to_string(self._b),
        }

    def latex(self, depth: int = 3) -> str:
        r"""LaTeX of the first terms: ``a_0 + \cfrac{b_1}{a_1 + \cfrac{b_2}{\ddots}}``."""
        _check_int("depth", depth, 0, 50)

        def poly_tex(c: Sequence[int]) -> str:
            return polynomial_to_string(c).replace("n^", "n^").replace(" ", "")

        inner = rf"\ddots + \cfrac{{{poly_tex(self._b)}}}{{{poly_tex(self._a)}}}"
        for k in range(depth, 0, -1):
            inner = rf"{self.a_at(k)} + \cfrac{{{self.b_at(k + 1)}}}{{{inner}}}"
        return rf"{self.a_at(0)} + \cfrac{{{self.b_at(1)}}}{{{inner}}}"

    def _repr_latex_(self) -> str:
        """Jupyter display: the first terms and the general term."""
        return f"$\\displaystyle {self.latex(2)}$"

    def terminating_depth(self) -> int | None:
        """The depth ``k-1`` at which the fraction stops (``b(k) = 0``, ``k >= 1``), or None."""
        if self._terminating is False:
            term: int | None = None
            if self._b == (0,):
                term = 0
            else:
                c = self._b
                k_low = next(i for i, v in enumerate(c) if v != 0)
                if k_low > 0:  # b(n) = n^k_low * r(n); n >= 1 is never a root of n^k_low
                    c = c[k_low:]
                # an integer root k >= 1 divides the constant term c[0] (nonzero here)
                c0 = abs(c[0])
                cauchy = 1 + max(abs(v) for v in c[:-1]) // abs(c[-1]) + 1 if len(c) > 1 else 0
                bound = min(c0, cauchy)
                roots = []
                if len(c) > 1:
                    k = 1
                    while k <= bound:
                        if c0 % k == 0 and _horner(c, k) == 0:
                            roots.append(k)
                            break
                        k += 1
                term = roots[0] - 1 if roots else None
            self._terminating = term
        return self._terminating  # type: ignore[return-value]

    # ---- exact convergents
    def _segment(self, lo: int, hi: int) -> flint.fmpz_mat:
        """Exact product ``M_lo M_{lo+1} ... M_{hi-1}`` (``b(0) := 1``) by a product tree."""
        blocks = self._blocks(lo, hi)
        if not blocks:
            return flint.fmpz_mat(2, 2, [1, 0, 0, 1])
        return product_tree(blocks)

    def _blocks(self, lo: int, hi: int) -> list:
        """``M_lo ... M_{hi-1}`` multiplied in runs of :data:`_BLOCK` (Python ints: small
        numbers), as a list of ``fmpz_mat`` whose product is the segment."""
        fa, fb = _compiled(self._a), _compiled(self._b)
        avals = list(map(fa, range(lo, hi)))
        bvals = list(map(fb, range(lo, hi)))
        if lo == 0 and hi > 0:
            bvals[0] = 1
        blocks = []
        for s in range(0, hi - lo, _BLOCK):
            p, pp, q, qq = 1, 0, 0, 1
            for an, bn in zip(avals[s : s + _BLOCK], bvals[s : s + _BLOCK], strict=True):
                p, pp = p * an + pp * bn, p
                q, qq = q * an + qq * bn, q
            blocks.append(flint.fmpz_mat(2, 2, [p, pp, q, qq]))
        return blocks

    def matrix(self, depth: int) -> flint.fmpz_mat:
        """``[[p_N, p_{N-1}], [q_N, q_{N-1}]]`` for ``N = depth`` as an ``fmpz_mat``.

        Raises:
            InvalidInputError: a negative or non-integer depth.
        """
        if isinstance(depth, bool) or not isinstance(depth, int) or not 0 <= depth <= 4 * MAX_DEPTH:
            raise InvalidInputError(
                f"depth={_shown(repr(depth), 40)[1:-1]} must be an integer between 0 and {4 * MAX_DEPTH}")
        if depth in self._cache:
            return self._cache[depth]
        below = [d for d in self._cache if d < depth]
        if below:
            d0 = max(below)
            mat = self._cache[d0] * self._segment(d0 + 1, depth + 1)
        else:
            mat = self._segment(0, depth + 1)
        if len(self._cache) > 64:
            self._cache.clear()
        self._cache[depth] = mat
        return mat

    def convergent(self, depth: int) -> tuple[int, int]:
        """The convergent ``(p_N, q_N)`` as Python ints (not reduced), ``N = depth``.

        Examples:
            >>> from engine.contfrac import PCF
            >>> PCF("n+1", "n").convergent(2)   # 1 + 1/(2 + 2/3)
            (11, 8)
        """
        if not self._cache and isinstance(depth, int) and not isinstance(depth, bool) \
                and 0 <= depth <= 4 * MAX_DEPTH:
            # nothing to extend: only the first column of the product is needed
            blocks = self._blocks(0, depth + 1)
            if blocks:
                p, q = first_column(blocks)
                return int(p), int(q)
        m = self.matrix(depth)
        return int(m[0, 0]), int(m[1, 0])

    def gcd_reduction(self, depth: int) -> dict:
        """gcd of ``p_N, q_N`` and the factorial-reduction statistic.

        The statistic is ``log gcd(p_N, q_N) / log N!``: a fraction has "factorial reduction"
        (Ben David et al. 2023) when it tends to a positive constant, typically an integer.

        Examples:
            >>> from engine.contfrac import PCF
            >>> r = PCF("34n^3+51n^2+27n+5", "-n^6").gcd_reduction(100)
            >>> r["reduction"] > 2      # tends to 3: gcd(p_N, q_N) ~ (N!)^3 / lcm(1..N)^3
            True
        """
        p, q = self.convergent(depth)
        g = math.gcd(p, q)
        logfact = math.lgamma(depth + 1) / math.log(10) if depth > 1 else 0.0
        lg = _log10_abs(g) if g else 0.0
        return {
            "depth": depth,
            "gcd_log10": lg,
            "reduction": (lg / logfact) if logfact > 0 else 0.0,
            "reduced_q_log10": _log10_abs(q // g) if q and g else float("-inf"),
        }

    # ---- convergence analysis
    def _neg_log_diff(self, depth: int) -> float | None:
        """``-log10 |x_N - x_{N-1}|`` exactly from the matrix (None when q vanishes)."""
        m = self.matrix(depth)
        p, pp, q, qq = m[0, 0], m[0, 1], m[1, 0], m[1, 1]
        if q == 0 or qq == 0:
            return None
        det = p * qq - pp * q
        if det == 0:
            return math.inf
        return -(_log10_abs(det) - _log10_abs(q) - _log10_abs(qq))

    def convergence(self, depth: int = 2048) -> ConvergenceInfo:
        """Classify the speed of convergence from the exact differences ``x_n - x_{n-1}``.

        Samples ``y(n) = -log10 |x_n - x_{n-1}|`` at ``n = depth/8, depth/4, depth/2, depth``;
        the ratio of the local slopes over the last two octaves is about 1 for exponential
        convergence, above 1 for factorial (``n log n``), ``2^(alpha-1)`` for
        ``exp(-c n^alpha)`` and 1/2 for power-law (logarithmic) convergence.

        Examples:
            >>> from engine.contfrac import PCF
            >>> PCF("34n^3+51n^2+27n+5", "-n^6").convergence(256).kind
            'exponential'
            >>> PCF("n", "n").convergence(256).kind
            'factorial'
        """
        _check_int("depth", depth, 1, MAX_DEPTH)
        if self.terminating_depth() is not None:
            return ConvergenceInfo("exact", math.inf, 0)
        depth = max(int(depth), 64)
        pts = [depth // 8, depth // 4, depth // 2, depth]
        ys: list[tuple[int, float]] = []
        for n in pts:
            y = self._neg_log_diff(n)
            if y is None:
                y = self._neg_log_diff(n + 1)
                n += 1
            if y is not None:
                ys.append((n, y))
        if len(ys) < 3:
            return ConvergenceInfo("divergent", 0.0, depth, tuple(ys))
        (n1, y1), (n2, y2), (n3, y3) = ys[-3:]
        s1 = (y2 - y1) / (n2 - n1)
        s2 = (y3 - y2) / (n3 - n2)
        if any(math.isinf(y) for _, y in ys):
            return ConvergenceInfo("exact", math.inf, depth, tuple(ys))
        if s2 <= 0 or y3 - ys[0][1] < 0.3:
            return ConvergenceInfo("divergent", s2, depth, tuple(ys))
        ratio = s2 / s1 if s1 > 0 else math.inf
        if ratio > 1.04 and s2 > 0.05:
            kind = "factorial"
        elif ratio >= 0.85:
            kind = "exponential"
        elif ratio > 0.56:
            kind = "sub-exponential"
        else:
            kind = "logarithmic"
        return ConvergenceInfo(kind, s2, depth, tuple(ys))

    def delta(self, depth: int = 256, reference_depth: int | None = None) -> float:
        """Irrationality-measure estimate ``delta`` at one depth: ``|p_N/q_N - L| = q_N^-(1+delta)``.

        ``q_N`` is reduced by ``gcd(p_N, q_N)``; ``L`` is the convergent at ``reference_depth``
        (default ``2 * depth``, which must be far more accurate than depth ``N``). The value
        depends on ``N`` and tends to its limit slowly (``O(log N / N)``, with arithmetic
        fluctuations of the gcd): use :meth:`delta_estimate` for the extrapolated value.

        Raises:
            InvalidInputError: a depth that is not a positive integer.
            NoConvergenceError: a zero denominator at either depth.
            PrecisionExhaustedError: the reduced ``q_N`` is 1 (depth too small).

        Examples:
            >>> from engine.contfrac import PCF
            >>> round(PCF("34n^3+51n^2+27n+5", "-n^6").delta(400), 2)   # -> 0.080529 slowly
            0.08
        """
        _check_int("depth", depth, 1, MAX_DEPTH)
        if reference_depth is not None:
            _check_int("reference_depth", reference_depth, depth + 1, 2 * MAX_DEPTH)
        ref = reference_depth or 2 * depth
        p, q = self.convergent(depth)
        P, Q = self.convergent(ref)
        if q == 0 or Q == 0:
            raise NoConvergenceError(f"zero denominator at depth {depth} or {ref}; try another depth")
        num = p * Q - P * q
        if num == 0:
            return math.inf
        g = math.gcd(p, q)
        log_err = _log10_abs(num) - _log10_abs(q) - _log10_abs(Q)
        log_q = _log10_abs(q // g)
        if log_q <= 0:
            raise PrecisionExhaustedError(f"reduced q_N = 1 at depth {depth}; use a larger depth")
        return -log_err / log_q - 1.0

    def delta_sequence(self, depths: Sequence[int] = (64, 128, 256, 512, 1024)) -> list[tuple[int, float]]:
        """``(N, delta(N))`` for each depth ``N`` (:meth:`delta`, ``L`` = the convergent at
        ``2 max(depths)``): the delta sequence with the depth of each value.

        Raises:
            InvalidInputError: depths that are not positive integers (at most 64 of them).

        Examples:
            >>> from engine.contfrac import PCF
            >>> [(n, round(d, 3)) for n, d in PCF("34n^3+51n^2+27n+5", "-n^6").delta_sequence((100, 400))]
            [(100, 0.122), (400, 0.084)]
        """
        if isinstance(depths, str | bytes) or not isinstance(depths, Sequence) or \
                not 1 <= len(depths) <= 64:
            raise InvalidInputError(f"depths={_shown(repr(depths), 40)} must be a list of 1 to 64 "
                                    "positive integers")
        ds = [_check_int("depths", d, 1, MAX_DEPTH) for d in depths]
        ref = 2 * max(ds)
        return [(d, self.delta(d, ref)) for d in ds]

    def predicted_delta(self, reduced_growth: float | None = None, depth: int = 1024) -> DeltaPrediction:
        """``delta`` predicted from the characteristic polynomial of the recurrence
        ``u(n) = a(n) u(n-1) + b(n) u(n-2)``: ``delta = log|lambda1/lambda2| / rho - 1``.

        ``lambda1``, ``lambda2`` are the roots of the dominant Newton-polygon edge
        (:meth:`engine.recurrence.LinearRecurrence.asymptotics`: both families must grow like
        ``(n!)^s`` with the same ``s``, and ``|lambda1| > |lambda2|``), so ``|L - p_n/q_n|``
        decays like ``|lambda2/lambda1|^n``; ``rho`` is the exponential growth rate of the
        reduced denominators ``q_n / gcd(p_n, q_n)``: given, or measured from the exact
        convergents at ``depth`` and ``2 depth`` (factorial reduction, Apery's
        ``lcm(1..n)^3``, included). For Apery's fraction ``lambda = 17 +- 12 sqrt 2`` and
        ``rho = log lambda1 + 3`` give ``delta = 0.0805`` (the measured ``rho`` carries the
        fluctuations of ``log lcm(1..n)``: about 0.005 in ``delta`` at the default depth).

        Raises:
            InvalidInputError: bad arguments; NoConvergenceError: no two dominant roots of
                distinct moduli on one edge (the prediction does not apply).

        Examples:
            >>> from engine.contfrac import PCF
            >>> p = PCF("34n^3+51n^2+27n+5", "-n^6").predicted_delta()
            >>> abs(p.value - 0.0805) < 0.01, round(p.ratio_log, 4)
            (True, 7.051)
        """
        from engine.recurrence import LinearRecurrence

        depth = _check_int("depth", depth, 8, MAX_DEPTH // 2)
        if self._b == (0,):
            raise NoConvergenceError("b = 0: the fraction terminates; delta is not defined")
        rec = LinearRecurrence.from_pcf(list(self._a), list(self._b))
        growth = [g for g in rec.asymptotics() if g.root != 0]
        if len(growth) < 2 or growth[0].slope != growth[1].slope or \
                abs(growth[0].root) <= abs(growth[1].root) * (1 + 1e-12):
            raise NoConvergenceError(
                "the dominant solutions of the recurrence do not separate by a ratio |lambda1| > "
                f"|lambda2| on one Newton-polygon edge ({[str(g) for g in growth]}); the "
                "characteristic-polynomial prediction of delta does not apply")
        g1, g2 = growth[0], growth[1]
        ratio_log = math.log(abs(g1.root) / abs(g2.root))
        method = "given"
        if reduced_growth is None:
            def lq(N: int) -> float:
                p, q = self.convergent(N)
                g = math.gcd(p, q)
                return _log10_abs(q // g) * math.log(10) if q else float("nan")

            ns = [depth + k * depth // 8 for k in range(25)]  # depth .. 4 depth
            ys = [lq(n) for n in ns]
            mx, my = sum(ns) / len(ns), sum(ys) / len(ys)
            reduced_growth = sum((x - mx) * (y - my) for x, y in zip(ns, ys, strict=True)) / \
                sum((x - mx) ** 2 for x in ns)
            method = (f"rho: least-squares slope of log(q_n/gcd(p_n, q_n)) over 25 exact "
                      f"convergents at depths {depth}..{4 * depth}")
        elif isinstance(reduced_growth, bool) or not isinstance(reduced_growth, int | float) or \
                not math.isfinite(reduced_growth) or reduced_growth <= 0:
            raise InvalidInputError(
                f"reduced_growth={reduced_growth!r:.30} must be a positive real (the rate rho of "
                "log(q_n / gcd(p_n, q_n)) ~ rho n), or None to measure it")
        if not math.isfinite(reduced_growth) or reduced_growth <= 0:
            raise NoConvergenceError(f"the reduced denominators do not grow (rho = {reduced_growth})")
        value = ratio_log / reduced_growth - 1.0
        return DeltaPrediction(value, ratio_log, float(reduced_growth), complex(g1.root),
                               complex(g2.root), g1.slope, method)

    def _delta_samples(self, D: int, count: int) -> list[tuple[int, float]]:
        """``(N, delta(N))`` at ``count`` depths spread over ``[D/8, D]``, ``L = x_{2D}``
        (exact python-flint integers; the product is extended from depth to depth)."""
        M = self.matrix(2 * D)
        P, Q = flint.fmpz(M[0, 0]), flint.fmpz(M[1, 0])
        if Q == 0:
            return []
        lQ = _log10_abs(Q)
        lo = max(2, D // 8)
        depths = sorted({lo + (D - lo) * i // (count - 1) for i in range(count)})
        out = []
        cur, d = None, -1
        for N in depths:
            seg = self._segment(d + 1, N + 1)
            cur = seg if cur is None else cur * seg
            d = N
            p, q = cur[0, 0], cur[1, 0]
            if q == 0:
                continue
            num = p * Q - P * q
            if num == 0:
                continue
            qr = q // q.gcd(p)
            lq = _log10_abs(qr)
            if lq <= 0.5:
                continue
            le = _log10_abs(num) - _log10_abs(q) - lQ
            out.append((N, -le / lq - 1.0))
        return out

    @staticmethod
    def _delta_fit(pts: Sequence[tuple[int, float]]) -> float:
        """``delta_inf`` of the least-squares fit ``delta(N) = delta_inf + c/N``, weights ``N``."""
        import numpy as np

        N = np.array([p[0] for p in pts], dtype=float)
        y = np.array([p[1] for p in pts], dtype=float)
        w = N / N.max()
        A = np.stack([np.ones_like(N), 1.0 / N], axis=1) * w[:, None]
        coef, *_ = np.linalg.lstsq(A, y * w, rcond=None)
        return float(coef[0])

    def delta_estimate(self, max_depth: int = 4096, *, max_digits: int = 200_000) -> DeltaEstimate:
        """``delta`` extrapolated to infinite depth from exact convergents (empirical).

        ``delta(N) = -log|x_N - L| / log q_N' - 1`` (``q_N'`` the reduced denominator, ``L`` the
        convergent at ``2D``) is computed at 96 depths in ``[D/8, D]``; the weighted
        least-squares fit ``delta(N) = delta + c/N`` over ``[D/4, D]`` gives the value, the same
        fit over ``[D/8, D/2]`` the uncertainty. ``D`` is the largest power of two
        ``<= max_depth`` whose convergents have at most ``max_digits`` digits, so it depends
        only on the fraction: the estimate does not change with the digits asked for the limit.

        For Apery's fraction ``delta(N)`` is 0.155 at ``N = 64``, 0.0836 at 1024, 0.0806 at 4096
        and fluctuates with ``gcd(p_N, q_N)``; the extrapolation gives 0.0805, the exact value
        ``(log alpha - 3)/(log alpha + 3) = 0.080529...``, ``alpha = (1 + sqrt 2)^4``.

        Args:
            max_depth: the deepest ``D`` used (>= 64).
            max_digits: the largest size of ``q_{2D}`` (decimal digits) allowed.

        Returns:
            A :class:`DeltaEstimate`.

        Raises:
            InvalidInputError: bad ``max_depth`` / ``max_digits``.
            PrecisionExhaustedError: the fraction terminates (rational value: no delta), or
                too few depths have a usable convergent.

        References:
            G. Raayoni et al., Nature 590 (2021) 67-73 (``delta``); R. Apery, Asterisque 61
            (1979) and A. van der Poorten, Math. Intelligencer 1 (1979) 195-203 (the
            irrationality measure of zeta(3)); L. F. Richardson (1927) (extrapolation in 1/N).

        Examples:
            >>> from engine.contfrac import PCF
            >>> est = PCF("34n^3+51n^2+27n+5", "-n^6").delta_estimate(2048)
            >>> abs(est.value - 0.080529) < 0.003, est.depth
            (True, 2048)
            >>> round(PCF(1, 1).delta_estimate(1024).value, 6)   # the golden ratio: delta = 1
            1.0
        """
        _check_int("max_depth", max_depth, 64, MAX_DEPTH)
        _check_int("max_digits", max_digits, 100, 10**7)
        if self.terminating_depth() is not None:
            raise PrecisionExhaustedError(
                f"{self!r} terminates: its value is rational and has no irrationality measure delta")
        D = 1 << (int(max_depth).bit_length() - 1)
        probe = self.matrix(256)[1, 0]
        size = max(_log10_abs(probe), 1.0) if probe != 0 else 1.0
        while D > 64 and size * (2 * D / 256) * max(1.0, math.log(2 * D) / math.log(256)) > max_digits:
            D //= 2
        pts = self._delta_samples(D, 96)
        hi = [p for p in pts if p[0] >= D // 4]
        lo = [p for p in pts if p[0] <= D // 2]
        if len(hi) < 8 or len(lo) < 8:
            raise PrecisionExhaustedError(
                f"delta of {self!r} cannot be estimated: only {len(pts)} depths up to {D} have a "
                "nonzero denominator and a nonzero error")
        value = self._delta_fit(hi)
        other = self._delta_fit(lo)
        if not (math.isfinite(value) and math.isfinite(other)):
            raise PrecisionExhaustedError(f"delta of {self!r} cannot be estimated (no finite fit)")
        unc = max(abs(value - other), 1e-6)
        at_depth = pts[-1][1]
        return DeltaEstimate(
            round(value, 6), float(f"{unc:.2g}"), D, round(at_depth, 6), len(pts),
            f"least-squares fit delta(N) = delta + c/N (weights N) over {len(hi)} exact "
            f"convergents at depths {D // 4}..{D}, L = x_{2 * D}; uncertainty: the same fit over "
            f"{D // 8}..{D // 2}",
        )

    def deflate(self) -> tuple[PCF, int]:
        """Remove a common factor: ``(PCF(a/g, b/(g(n) g(n-1))), g(0))`` for the largest ``g``
        found (greedily over the irreducible factors of ``a`` and the primes below 4096 of its
        content)
        with ``g(n) | a(n)`` and ``g(n) g(n-1) | b(n)`` in ``Z[n]``.

        The equivalence transformation ``c_n = 1/g(n)`` maps every tail ``T_n`` of this
        fraction to ``g(n) T'_n``; so the approximants satisfy ``x_N = g(0) x'_N`` and the
        limits ``L = g(0) L'`` (for a fraction that does not terminate, ``g(n) != 0`` for
        ``n >= 0``). Returns ``(self, 1)`` when there is nothing to remove.

        Reference: L. Lorentzen, H. Waadeland, *Continued Fractions*, vol. 1, Atlantis 2008,
        section 1.4 (equivalence transformations).

        Examples:
            >>> from engine.contfrac import PCF
            >>> PCF("2n^2+2n", "4n^4-4n^2").deflate()     # g(n) = 2n... but g(0) = 0: kept
            (PCF('2n^2 + 2n', '4n^4 - 4n^2'), 1)
            >>> PCF("6n+3", "9n^2").deflate()             # g = 3(2n+1)? g(n)g(n-1) = 9(4n^2-1) no; g = 3
            (PCF('2n + 1', 'n^2'), 3)
        """
        if self.terminating_depth() is not None or self._a == (0,):
            return self, 1
        A = flint.fmpz_poly(list(self._a))
        B = flint.fmpz_poly(list(self._b))
        shift = flint.fmpz_poly([-1, 1])

        def ok(g: flint.fmpz_poly) -> bool:
            qa, ra = divmod(A, g)
            if ra != 0 or qa * g != A:
                return False
            gg = g * g(shift)
            qb, rb = divmod(B, gg)
            return rb == 0 and qb * gg == B

        g = flint.fmpz_poly([1])
        content, factors = A.factor()
        cands = [f for f, e in factors for _ in range(int(e))]
        changed = True
        while changed:
            changed = False
            for f in list(cands):
                if ok(g * f):
                    g = g * f
                    cands.remove(f)
                    changed = True
        c = abs(int(content))
        pr = 2
        while c > 1 and pr < 4096:  # small primes only: never factor a large content
            while c % pr == 0:
                c //= pr
                if ok(g * pr):
                    g = g * pr
            pr += 1 if pr == 2 else 2
        if g.degree() == 0 and int(g.coeffs()[0]) == 1:
            return self, 1
        g0 = int(g(0))
        if g0 == 0 or any(int(g(k)) == 0 for k in range(1, 3)):
            return self, 1
        a2 = [int(x) for x in divmod(A, g)[0].coeffs()]
        b2 = [int(x) for x in divmod(B, g * g(shift))[0].coeffs()]
        return PCF(a2 or [0], b2 or [0]), g0

    # ---- equivalence: inflation, the beta form, the canonical form
    def inflate(self, c: Any) -> PCF:
        """The inflation by the polynomial ``c(n)``: ``PCF(c(n) a(n), c(n) c(n-1) b(n))``.

        Every tail ``T_n`` of this fraction becomes ``c(n) T_n``, so the limit is multiplied by
        ``c(0)`` when ``c(n) != 0`` for all ``n >= 0`` (Lorentzen-Waadeland, vol. 1, section
        1.4). Inflations share :meth:`canonical_key`.

        Raises:
            InvalidInputError: ``c`` is not an integer polynomial, or is zero.

        Examples:
            >>> from engine.contfrac import PCF
            >>> PCF("2n+1", "n^2").inflate("n+1")
            PCF('2n^2 + 3n + 1', 'n^4 + n^3')
        """
        cc = parse_polynomial(c, "c")
        if cc == [0]:
            raise InvalidInputError("c=0 is not an inflation; give a nonzero polynomial c(n)")
        C = flint.fmpz_poly(cc)
        A = flint.fmpz_poly(list(self._a)) * C
        B = flint.fmpz_poly(list(self._b)) * C * C(flint.fmpz_poly([-1, 1]))
        return PCF([int(x) for x in A.coeffs()] or [0], [int(x) for x in B.coeffs()] or [0])

    def beta_form(self) -> tuple[Fraction, list[int], list[int]] | None:
        """The beta form ``beta(n) = b(n)/(a(n) a(n-1)) = r N(n)/D(n)`` in lowest terms.

        ``N`` and ``D`` are primitive integer polynomials (coefficients lowest degree first),
        ``D`` with a positive leading coefficient, and ``r`` a nonzero rational (``r = 0``,
        ``N = D = [1]`` when ``b = 0``). The value is ``a(0) (1 + K_{n>=1} beta(n)/1)``, so
        ``beta`` is invariant under every inflation and every sign or scale change of ``a``
        (LIReC's "beta form"). None when ``a = 0``.

        Examples:
            >>> from engine.contfrac import PCF
            >>> PCF("2n+1", "n^2").beta_form()      # n^2/((2n+1)(2n-1))
            (Fraction(1, 1), [0, 0, 1], [-1, 0, 4])
        """
        if self._a == (0,):
            return None
        if self._b == (0,):
            return Fraction(0), [1], [1]
        A = flint.fmpz_poly(list(self._a))
        num = flint.fmpz_poly(list(self._b))
        den = A * A(flint.fmpz_poly([-1, 1]))
        g = num.gcd(den)
        num, den = num // g, den // g
        cn, cd = int(num.content()), int(den.content())
        num, den = num // cn, den // cd
        r = Fraction(cn, cd)
        if int(den.leading_coefficient()) < 0:
            den, r = -den, -r
        return r, [int(x) for x in num.coeffs()], [int(x) for x in den.coeffs()]

    def canonical_key(self) -> str:
        """A key shared exactly by the fractions with the same :meth:`beta_form`: those that
        differ by an inflation ``a' = c(n) a(n)``, ``b' = c(n) c(n-1) b(n)`` (any nonzero
        rational ``c``: signs, scales, common polynomial factors).

        Examples:
            >>> from engine.contfrac import PCF
            >>> PCF("2n+1", "n^2").canonical_key()
            'beta=1*[0, 0, 1]/[-1, 0, 4]'
            >>> PCF("-6n-3", "9n^2").canonical_key() == PCF("2n+1", "n^2").canonical_key()
            True
        """
        form = self.beta_form()
        if form is None:
            return f"a=0;b={list(self._b)}"
        r, num, den = form
        if r == 0:
            return "beta=0"
        return f"beta={r}*{num}/{den}"

    def canonical(self) -> PCF:
        """The canonical representative of this fraction's inflation class.

        From the beta form ``r N/D`` (:meth:`beta_form`): ``a(n)`` is the product of shifts
        ``p(n+j)^{e_j}`` of the irreducible factors ``p`` of ``D`` with the least total degree
        such that ``D | a(n) a(n-1)`` (per shift orbit ``p(n+k)^{m_k}``: ``e_k + e_{k+1} >=
        m_k``, solved greedily from the lowest shift, which is optimal), times the least
        positive integer ``s`` that makes ``b(n) = r N(n) a(n) a(n-1)/D(n)`` integral. So the
        result depends on the class alone, ``a`` has a positive leading coefficient, and
        ``f.canonical().canonical_key() == f.canonical_key()``. A fraction with ``a = 0`` is
        its own representative.

        Examples:
            >>> from engine.contfrac import PCF
            >>> PCF("-6n-3", "9n^2").canonical()
            PCF('2n + 1', 'n^2')
            >>> PCF("2n^2+3n+1", "n^4+n^3").canonical()     # the inflation of 2n+1, n^2 by n+1
            PCF('2n + 1', 'n^2')
            >>> PCF(2, 4).canonical()                       # 2 + 4/(2 + ...) = 2 (1 + 1/(1 + ...))
            PCF('1', '1')
        """
        form = self.beta_form()
        if form is None:
            return self
        r, num, den = form
        if r == 0:
            return PCF(1, 0)
        D = flint.fmpz_poly(den)
        _, factors = D.factor()
        orbits: list[tuple[flint.fmpz_poly, dict[int, int]]] = []
        for f, e in factors:
            if f.degree() < 1:
                continue
            if int(f.leading_coefficient()) < 0:
                f = -f
            for base, mult in orbits:
                k = _shift_between(base, f)
                if k is not None:
                    mult[k] = mult.get(k, 0) + int(e)
                    break
            else:
                orbits.append((f, {0: int(e)}))
        a = flint.fmpz_poly([1])
        for base, mult in orbits:
            lo, hi = min(mult), max(mult)
            e_prev = 0  # e_lo = 0
            for k in range(lo, hi + 1):
                e_next = max(0, mult.get(k, 0) - e_prev)
                if e_next:
                    a *= base(flint.fmpz_poly([k + 1, 1])) ** e_next
                e_prev = e_next
        q = a * a(flint.fmpz_poly([-1, 1]))
        quo, rem = divmod(q, D)
        assert rem == 0  # D | a(n) a(n-1) by construction
        bq = flint.fmpz_poly(num) * quo  # b = r * bq
        v = r.denominator
        s = 1
        for p, e in flint.fmpz(v).factor():
            s *= int(p) ** ((int(e) + 1) // 2)
        b = bq * (r.numerator * s * s // v)
        a = a * s
        return PCF([int(x) for x in a.coeffs()], [int(x) for x in b.coeffs()])

    def divergence(self) -> DivergenceProof | None:
        """A proof that the fraction diverges, from its polynomials alone, or None.

        See :class:`DivergenceProof` for the four cases (``a = 0``; the Stern-Stolz case
        ``deg b >= 2 deg a + 3``; the elliptic case ``b(n)/(a(n-1)a(n)) -> c < -1/4``; and
        ``deg b = 2 deg a + 2`` with ``lead b < 0``). None also for a terminating fraction and
        for the cases where divergence is expected but not proved here (``deg b = 2 deg a + 1``
        with ``lead b < 0``; the parabolic-elliptic case ``beta_n = -1/4 - c/n + ...``).

        Examples:
            >>> from engine.contfrac import PCF
            >>> PCF("n", "-n^2").divergence().reason         # beta_n -> -1 < -1/4
            'elliptic'
            >>> PCF(1, "n^3").divergence().reason            # sum |d_n| < inf
            'stern_stolz'
            >>> PCF("34n^3+51n^2+27n+5", "-n^6").divergence() is None
            True
        """
        if self.terminating_depth() is not None or self._b == (0,):
            return None
        a, b = self._a, self._b
        if a == (0,):
            return DivergenceProof(
                "a_zero",
                "a(n) = 0, so q_1 = 0 and q_n = b(n) q_(n-2): every odd approximant is infinite "
                "and every even one is 0; the approximants alternate",
            )
        da, db = len(a) - 1, len(b) - 1
        la, lb = a[-1], b[-1]
        k = db - 2 * da
        if k >= 3:
            return DivergenceProof(
                "stern_stolz",
                f"deg b = {db} >= 2 deg a + 3 = {2 * da + 3}: after the equivalence transformation "
                "to K(1/d_n) the terms satisfy |d_n| ~ C n^(-"
                f"{Fraction(k, 2)}), so sum |d_n| < inf and by the Stern-Stolz theorem the even and "
                "the odd approximants converge to two different values",
            )
        if k == 0 and Fraction(lb, la * la) < Fraction(-1, 4):
            c = Fraction(lb, la * la)
            return DivergenceProof(
                "elliptic",
                f"elliptic case: b(n)/(a(n-1)a(n)) -> {c} < -1/4, so the characteristic roots of "
                f"x^2 - x {'+' if c < 0 else '-'} {abs(c)} are complex conjugates of equal modulus; by Birkhoff's theorem "
                "the recurrence has two solutions of equal modulus, none is minimal, and by "
                "Pincherle's theorem the fraction diverges",
            )
        if k == 2 and lb < 0:
            return DivergenceProof(
                "elliptic_infinite",
                f"deg b = 2 deg a + 2 with lead b = {lb} < 0: after y_n = (n!)^{db // 2} w_n the "
                f"characteristic roots are +-i sqrt({-lb}), of equal modulus; by Birkhoff's "
                "theorem no solution is minimal, and by Pincherle's theorem the fraction diverges",
            )
        return None

    def _divergence_hint(self) -> str:
        """Why the fraction is expected to diverge where :meth:`divergence` proves nothing."""
        a, b = self._a, self._b
        if a == (0,) or b == (0,):
            return ""
        da, db = len(a) - 1, len(b) - 1
        if db == 2 * da + 1 and b[-1] < 0:
            return ("b(n)/(a(n-1)a(n)) -> -inf like -n: divergence is expected (elliptic type) "
                    "but not proved")
        if db == 2 * da and Fraction(b[-1], a[-1] ** 2) == Fraction(-1, 4):
            _, c1, c2 = self.beta_series()
            if c1 < 0 or (c1 == 0 and 1 + 16 * c2 < 0):
                return ("b(n)/(a(n-1)a(n)) tends to -1/4 from below (parabolic-elliptic): the "
                        "approximants are expected to oscillate, but divergence is not proved")
            return ("b(n)/(a(n-1)a(n)) -> -1/4 (parabolic): convergence, if any, is too slow to "
                    "observe")
        return ""

    def _no_convergence(self, observed: str) -> str:
        """The message of a :class:`NoConvergenceError`: what was observed, and why."""
        hint = self._divergence_hint()
        growth = self._growth_hint()
        if growth:
            observed = growth
        return (f"{self!r} does not converge numerically: {observed}"
                + (f"; {hint}" if hint else "; divergence is not proved")
                + "; no digits are certified")

    def _growth_hint(self) -> str:
        """"the approximants grow without bound ..." when ``|x_N|`` increases steadily over
        depths 256, 512, 1024 (the fraction then tends to infinity, or its value lies beyond
        every bound that can be certified), else ``""``."""
        mags = []
        for N in (256, 512, 1024):
            p, q = self.convergent(N)
            if p == 0:
                return ""
            mags.append(math.inf if q == 0 else _log10_abs(p) - _log10_abs(q))
        if math.isfinite(mags[-1]) and mags[0] > 10 and mags[1] > mags[0] + 5 and mags[2] > mags[1] + 5:
            return (f"the approximants grow without bound (|x_N| is about 10^{int(mags[-1])} at "
                    "N = 1024): the fraction appears to tend to infinity, which has no digits")
        return ""

    # ---- limits
    def _exact_fraction(self, num: int, den: int, digits: int, depth: int, cert: str) -> LimitResult:
        if den == 0:
            what = "is infinite" if num else "is undefined (p = q = 0)"
            raise DivergenceError(
                f"{self!r} has no finite value (proved): it terminates (b({depth + 1}) = 0) and its "
                f"last convergent has the denominator q_{depth} = 0, so its value {what}",
                reason="zero_denominator",
                certificate={"reason": "zero_denominator", "depth": depth},
            )
        with mpmath.workdps(digits + 10):
            val = mpmath.mpf(num) / den
        g = math.gcd(num, den)
        num, den = num // g, den // g
        if den < 0:
            num, den = -num, -den
        return LimitResult(
            self._a, self._b, val, digits, mpmath.mpf(0), depth, cert, True,
            f"the fraction terminates (b({depth + 1}) = 0); its value is the rational "
            + (f"{_int_text(num)}/{_int_text(den)}" if den != 1 else _int_text(num)),
            "product-tree", (num, den),
        )

    def _bracket_ok(self) -> bool:
        if not _positive_for_all_n(self._b, 1):
            return False
        return _positive_for_all_n(self._a, 1) or _positive_for_all_n(self._a, -1)

    def eventual_bracket(self, max_n0: int = 1 << 16) -> tuple[int, int] | None:
        """``(N0, s)`` with ``b(n) > 0`` and ``s a(n) > 0`` for every ``n >= N0`` (proved), or None.

        Proof: after ``n = N0 + t`` the polynomials ``b`` and ``s a`` have nonnegative
        coefficients in ``t`` and positive constant terms (then they stay so for every larger
        ``N0``). Beyond ``N0`` the tail is a fraction with terms of fixed signs, whose
        approximants alternate around its value (Seidel-Stern), so consecutive convergents
        bracket the limit as soon as no pole separates them (see :meth:`evaluate`).

        Examples:
            >>> from engine.contfrac import PCF
            >>> PCF("2n-5", "n^2").eventual_bracket()      # a(n) > 0 from n = 3 on
            (3, 1)
            >>> PCF("2n+1", "-n^2").eventual_bracket() is None
            True
        """
        _check_int("max_n0", max_n0, 1, 1 << 30)
        if not hasattr(self, "_evb"):
            self._evb = None
            a, b = self._a, self._b
            if a != (0,) and b != (0,) and b[-1] > 0:
                s = 1 if a[-1] > 0 else -1
                sa = [s * c for c in a]

                def ok(N: int) -> bool:
                    return _fixed_signs_from(b, sa, N)

                hi = 1
                while hi <= max_n0 and not ok(hi):
                    hi *= 2
                if hi <= max_n0:
                    lo = hi // 2
                    while hi - lo > 1 and lo >= 1:
                        mid = (lo + hi) // 2
                        lo, hi = (lo, mid) if ok(mid) else (mid, hi)
                    self._evb = (hi, s)
        return self._evb

    def worpitzky(self) -> WorpitzkyBound | None:
        """The proved Worpitzky bound of this fraction (cached), see :func:`worpitzky_bound`.

        Examples:
            >>> from engine.contfrac import PCF
            >>> PCF("3n+2", "-2n^2").worpitzky().limit     # log 2: beta_n -> -2/9
            Fraction(2, 9)
        """
        if not hasattr(self, "_worp"):
            self._worp = worpitzky_bound(self._a, self._b)
        return self._worp

    @staticmethod
    def _worpitzky_err_log(an: int, p, pp, q, qq, w: WorpitzkyBound) -> float | None:
        """log10 of the Worpitzky error bound at depth N (float estimate), None if undefined."""
        det = p * qq - pp * q
        if an == 0 or det == 0 or q == 0:
            return None
        ltau = _log10_abs(an) + math.log10(w.radius)
        lr = ltau + (_log10_abs(qq) - _log10_abs(q) if qq else -math.inf)
        if lr > -0.05:  # tau |q_{N-1}| / |q_N| >= 0.89: too close to the pole, go deeper
            return None
        return ltau + _log10_abs(det) - 2 * _log10_abs(q) - math.log10(1 - 10**lr)

    def _worpitzky_arb_bound(self, N: int, p, pp, q, qq, w: WorpitzkyBound):
        """Rigorous arb upper bound on ``|L - p_N/q_N|`` (current ``flint.ctx.prec``), or None.

        ``L = T(t)``, ``T(t) = (p_N + t p_{N-1})/(q_N + t q_{N-1})``, with the tail
        ``t = a(N) w``, ``|w| <= r``; so ``|L - p_N/q_N| = |t| |det| / (|q_N| |q_N + t q_{N-1}|)
        <= tau |det| / (|q_N| (|q_N| - tau |q_{N-1}|))``, ``tau = |a(N)| r``.
        """
        an = abs(self.a_at(N))
        tau = flint.arb(an * w.radius.numerator) / w.radius.denominator
        gap = flint.arb(abs(int(q))) - tau * abs(int(qq))
        if not gap > 0:
            return None
        det = flint.arb(abs(int(p * qq - pp * q)))
        return tau * det / (flint.arb(abs(int(q))) * gap)

    def evaluate(
        self,
        digits: int = 50,
        *,
        max_depth: int = 1 << 17,
        accelerate: bool = True,
    ) -> LimitResult:
        """Certified limit to ``digits`` significant digits, with a statement of how.

        Doubles the depth ``N`` (from 32, or from the Worpitzky threshold) until the error
        bound of a certificate (see the module docstring; rigorous ``bracket``, then rigorous
        ``worpitzky``, then the empirical ``tail-estimate``) is below ``10^-(digits+2) |L|``;
        for logarithmic convergence it switches to acceleration (``accelerate=True``).

        Args:
            digits: significant digits wanted (1 to 100000).
            max_depth: the deepest convergent allowed.
            accelerate: allow Richardson extrapolation for slowly converging fractions.

        Returns:
            A :class:`LimitResult`.

        Raises:
            InvalidInputError: bad ``digits`` or ``max_depth``.
            DivergenceError: divergence is proved (:meth:`divergence`: an
                :class:`~engine.errors.InfeasibleError`, also a ``NoConvergenceError``).
            NoConvergenceError: the differences do not decrease (divergence, oscillation) or
                a terminating fraction has a zero denominator; the message says what was
                observed and why divergence is expected where it is not proved.
            PrecisionExhaustedError: the digits cannot be certified within ``max_depth``.

        Examples:
            >>> from engine.contfrac import PCF
            >>> r = PCF(2, "(2n-1)^2").evaluate(30)   # 2 + 1/(2 + 9/(2 + ...)) = 1 + 4/pi (Brouncker)
            >>> r.certification, r.digits >= 30
            ('accelerated', True)
        """
        digits = _check_int("digits", digits, 1, 100000)
        max_depth = _check_int("max_depth", max_depth, 2, MAX_DEPTH)
        term = self.terminating_depth()
        if term is not None:
            p, q = self.convergent(term)
            return self._exact_fraction(p, q, digits, term, "exact")
        proof = self.divergence()
        if proof is not None:
            raise DivergenceError(f"{self!r} diverges (proved): {proof.statement}",
                                  reason=proof.reason, certificate=proof.to_json())
        res = self._evaluate(digits, max_depth, accelerate)
        if res.digits > digits:  # acceleration may support more: the answer has the digits asked
            import dataclasses

            res = dataclasses.replace(res, digits=digits,
                                      extra={**res.extra, "digits_supported": res.digits})
        return res

    def _evaluate(self, digits: int, max_depth: int, accelerate: bool) -> LimitResult:
        bracket = self._bracket_ok()
        eventual = None if bracket else self.eventual_bracket()
        worp = None if bracket else self.worpitzky()
        if worp is not None and worp.n0 + 1 > max_depth:
            worp = None
        target = digits + 2
        N = 32 if worp is None else max(32, worp.n0 + 1)
        prev_gain: list[float] = []
        prev = None  # (N, p, q) of the previous checkpoint
        last_err_digits = None
        while True:
            N = min(N, max_depth)
            m = self.matrix(N)
            p, pp, q, qq = int(m[0, 0]), int(m[0, 1]), int(m[1, 0]), int(m[1, 1])
            # bracketing: from n = 1 on, or for a tail whose terms have fixed signs (n >= N0)
            # when T_{N-2} has no pole between the tail's first two approximants
            use_bracket = bracket or (
                eventual is not None and N - 1 >= eventual[0] and eventual[1] * q * qq > 0
            )
            if q != 0 and qq != 0:
                mag = _log10_abs(p) - _log10_abs(q) if p else -math.inf
                if use_bracket:
                    det = p * qq - pp * q
                    err_log = _log10_abs(det) - _log10_abs(q) - _log10_abs(qq)
                    cert = "bracket"
                    if mag > -math.inf and err_log < mag - target and abs(mag - err_log) > 0:
                        return self._finish(p, q, err_log, digits, N, cert, (pp, qq, None),
                                            None if bracket else eventual[0])
                    if prev is not None:
                        gain = last_err_digits - err_log if last_err_digits is not None else 0
                        prev_gain.append(gain)
                    last_err_digits = err_log
                if not use_bracket and worp is not None:
                    # rigorous Worpitzky value-set bound first; the empirical tail estimate
                    # below only where it does not certify yet (near-parabolic fractions)
                    w_log = self._worpitzky_err_log(self.a_at(N), p, pp, q, qq, worp)
                    if w_log is not None and mag > -math.inf and w_log < mag - target:
                        res = self._finish(p, q, w_log, digits, N, "worpitzky", (pp, qq, worp))
                        if res is not None:
                            return res
                if not use_bracket and prev is not None and prev[2] != 0:
                    _, P0, Q0 = prev
                    num = p * Q0 - P0 * q
                    err_log = (_log10_abs(num) - _log10_abs(q) - _log10_abs(Q0)) if num else -math.inf
                    # require the sequence to be contracting: the last difference shrinks
                    det = p * qq - pp * q
                    dlast = _log10_abs(det) - _log10_abs(q) - _log10_abs(qq) if det else -math.inf
                    if (
                        mag > -math.inf
                        and err_log < mag - target
                        and dlast <= err_log + 1e-9
                        and len(prev_gain) >= 1
                        and prev_gain[-1] > 0
                    ):
                        return self._finish(p, q, err_log, digits, N, "tail-estimate")
                    if last_err_digits is not None:
                        prev_gain.append(last_err_digits - err_log)
                    last_err_digits = err_log
                prev = (N, p, q)
                if (
                    last_err_digits is not None
                    and math.isfinite(last_err_digits)
                    and last_err_digits < -target
                    and mag < -target
                ):
                    raise PrecisionExhaustedError(
                        f"the limit of {self!r} is 0 to within 1e{int(last_err_digits)} (absolute) "
                        f"at depth {N}; significant digits of a zero limit cannot be certified"
                    )
            if N >= max_depth:
                break
            # divergence / slow convergence detection after a few doublings
            if len(prev_gain) >= 3 and N >= 1024:
                g = prev_gain[-3:]
                if all(x <= 0.01 for x in g) and worp is None:  # Worpitzky proves convergence
                    raise NoConvergenceError(self._no_convergence(f"|x_2N - x_N| stopped decreasing by depth {N}"))
                if last_err_digits is not None:
                    doublings_left = math.log2(max_depth / N)
                    reachable = (-last_err_digits) + max(g[-1], 0) * doublings_left * 1.5
                    need = target + (mag if q else 0)
                    if accelerate and reachable < need and g[-1] < 1.0:
                        break
            N *= 2
        if accelerate:
            return self._accelerated(digits, max_depth)
        raise PrecisionExhaustedError(
            f"{digits} digits of {self!r} cannot be certified within max_depth={max_depth}; "
            "raise max_depth or ask for fewer digits"
        )

    def _finish(
        self, p: int, q: int, err_log: float, digits: int, depth: int, cert: str,
        neighbours: tuple | None = None, bracket_from: int | None = None,
    ) -> LimitResult | None:
        """Round ``p/q`` in arb and attach the certificate's error bound.

        ``neighbours = (p_{N-1}, q_{N-1}, worpitzky_bound_or_None)`` makes the bound an arb
        upper bound (``"bracket"``: ``|det|/|q_N q_{N-1}|``; ``"worpitzky"``: the value-set
        bound); otherwise ``10^err_log`` (empirical certificates). Returns None when the
        Worpitzky bound is not yet small enough at this depth.
        """
        bits = int((digits + 12) / _LOG10_2) + 16
        old = flint.ctx.prec
        worp = neighbours[2] if neighbours else None
        try:
            flint.ctx.prec = bits
            ball = flint.arb(p) / flint.arb(q)
            rad = ball.rad()
            proved = None
            if neighbours is not None:
                pp, qq = int(neighbours[0]), int(neighbours[1])
                if worp is not None:
                    proved = self._worpitzky_arb_bound(depth, p, pp, q, qq, worp)
                    if proved is None:
                        return None
                else:
                    proved = flint.arb(abs(p * qq - pp * q)) / (flint.arb(abs(q)) * abs(qq))
            with mpmath.workdps(digits + 10):
                val = _mpf_from_arb(ball)
                if proved is not None:
                    tail = (_mpf_from_arb(flint.arb(proved.mid())) + _mpf_from_arb(
                        flint.arb(proved.rad()))) * mpmath.mpf(1.0001)
                else:
                    tail = mpmath.mpf(10) ** mpmath.mpf(err_log) * mpmath.mpf(1.0001)
                # + the rounding of the ball's midpoint to the mpf working precision
                err = tail + _mpf_from_arb(flint.arb(rad)) * 2 + abs(val) * mpmath.eps
                if err >= abs(val) * mpmath.mpf(10) ** (-digits - 1):
                    if worp is not None:
                        return None
                    raise PrecisionExhaustedError(
                        f"arb check failed: error {_nstr(err, 3)} too large for {digits} digits"
                    )
        finally:
            flint.ctx.prec = old
        rigorous = cert in ("bracket", "worpitzky")
        extra: dict = {"error_log10": err_log}
        if cert == "bracket" and bracket_from is not None:
            extra["bracket_from"] = bracket_from
            stmt = (
                f"rigorous: b(n) > 0 and a(n) has constant sign for n >= {bracket_from} (proved "
                "by nonnegative Taylor coefficients), so the tail from n = "
                f"{depth - 1} is a fraction with positive terms whose approximants alternate "
                f"around its value, and q_{depth - 1}, q_{depth} show no pole in between: "
                f"|L - p_{depth}/q_{depth}| <= |p_{depth}/q_{depth} - p_{depth - 1}/q_{depth - 1}| "
                "(bounded in arb), and p/q was rounded in arb ball arithmetic"
            )
        elif cert == "bracket":
            stmt = (
                "rigorous: b(n) > 0 and a(n) has constant sign for n >= 1, so consecutive convergents "
                f"bracket the limit; |L - p_{depth}/q_{depth}| <= |p_{depth}/q_{depth} - "
                f"p_{depth - 1}/q_{depth - 1}| (bounded in arb), and p/q was rounded in arb ball "
                "arithmetic"
            )
        elif cert == "worpitzky":
            extra["worpitzky"] = {
                "n0": worp.n0, "M": str(worp.m), "radius": str(worp.radius),
                "lim_abs_beta": str(worp.limit),
            }
            stmt = (
                f"rigorous: |b(n)/(a(n-1)a(n))| <= M = {worp.m} for all n > {worp.n0} (proved by "
                f"nonnegative coefficients in t after n = {worp.n0} + 1 + t), so by Worpitzky's "
                f"theorem the tail a({depth}) K_{{n>{depth}}}(beta_n/1) converges and lies in "
                f"a({depth})*[-r, r], r = {worp.radius}; the limit lies in the image of that "
                f"interval under t -> (p_{depth} + t p_{depth - 1})/(q_{depth} + t q_{depth - 1}), "
                "whose distance to p/q was bounded in arb; p/q was rounded in arb ball arithmetic"
            )
        else:
            stmt = (
                f"empirical: the error of x_{depth} is bounded by |x_{depth} - x_{depth // 2}|, "
                "assuming the error at least halves when the depth doubles (observed: the "
                "differences shrink); p/q was rounded in arb ball arithmetic"
            )
        return LimitResult(
            self._a, self._b, val, digits, err, depth, cert, rigorous, stmt, "product-tree", None,
            extra,
        )

    def beta_series(self) -> tuple[Fraction, Fraction, Fraction]:
        """``(c0, c1, c2)`` with ``beta_n = b(n)/(a(n-1)a(n)) = c0 + c1/n + c2/n^2 + O(n^-3)``
        when ``deg b = 2 deg a`` (exact rationals).

        Raises:
            InvalidInputError: ``deg b != 2 deg a`` or ``a = 0``.

        Examples:
            >>> from engine.contfrac import PCF
            >>> PCF("2n+1", "-n^2").beta_series()      # -n^2/(4n^2 - 1)
            (Fraction(-1, 4), Fraction(0, 1), Fraction(-1, 16))
        """
        a, b = self._a, self._b
        da, db = len(a) - 1, len(b) - 1
        if a == (0,) or db != 2 * da:
            raise InvalidInputError(
                f"beta_series needs deg b = 2 deg a, got deg a = {da}, deg b = {db} for {self!r}"
            )
        # in powers of x = 1/n: (b_m + b_{m-1} x + ...)/(d_m + d_{m-1} x + ...)
        d = [int(c) for c in (_shift(a, -1) * flint.fmpz_poly(list(a))).coeffs()]
        m = 2 * da

        def co(c, k):
            return Fraction(c[k]) if 0 <= k < len(c) else Fraction(0)

        c0 = co(b, m) / d[m]
        c1 = (co(b, m - 1) - c0 * co(d, m - 1)) / d[m]
        c2 = (co(b, m - 2) - c0 * co(d, m - 2) - c1 * co(d, m - 1)) / d[m]
        return c0, c1, c2

    def power_exponent(self) -> tuple[Fraction, str] | None:
        """``(G, kind)``: the convergents approach the limit like ``n^-g``, ``g = sqrt(G)``.

        Two families converge with a power law whose exponent follows from the polynomials:

        - ``"brouncker"``: ``deg b = 2 deg a + 2`` with ``lead b > 0``. The two solutions of
          ``y_n = a(n) y_{n-1} + b(n) y_{n-2}`` differ by ``(-1)^n exp(sum a(k)/sqrt(b(k)))
          ~ (-1)^n n^g``, so ``g = |lead a| / sqrt(lead b)``, ``G = lead(a)^2 / lead(b)``
          (``g = 1`` for Brouncker's ``4/pi``).
        - ``"parabolic"``: ``beta_n = b(n)/(a(n-1)a(n)) = -1/4 + k/n^2 + O(n^-3)`` (no ``1/n``
          term): the characteristic exponents at infinity differ by ``sqrt(1 + 16 k)``, so
          ``G = 1 + 16 k`` (must be > 0; ``G <= 0`` is logarithmic or oscillating).

        Corrections come as ``n^-(i g + j)`` (``i >= 1``, ``j >= 0``). None otherwise.

        Examples:
            >>> from engine.contfrac import PCF
            >>> PCF(1, "2n^2+1").power_exponent()           # g = 1/sqrt(2)
            (Fraction(1, 2), 'brouncker')
            >>> PCF("2n+2", "-n^2-n+1").power_exponent()    # g = sqrt(5)
            (Fraction(5, 1), 'parabolic')
            >>> PCF("2n+1", "n^2").power_exponent() is None
            True
        """
        a, b = self._a, self._b
        if a == (0,) or b == (0,):
            return None
        da, db = len(a) - 1, len(b) - 1
        if db == 2 * da + 2 and b[-1] > 0:
            return Fraction(a[-1] ** 2, b[-1]), "brouncker"
        if db != 2 * da or Fraction(b[-1], a[-1] ** 2) != Fraction(-1, 4):
            return None
        _, c1, c2 = self.beta_series()
        G = 1 + 16 * c2
        if c1 != 0 or G <= 0:
            return None
        return G, "parabolic"

    def _power_extrapolated(
        self, digits: int, max_depth: int
    ) -> tuple[LimitResult | None, int]:
        """Extrapolation with the exponents ``i g + j`` of a power-law fraction (empirical).

        Per parity, ``x_n = L + sum_k c_k n^-e_k`` over the ``K`` smallest exponents
        ``e = i g + j`` (``i >= 1``, ``j >= 0``, ``g`` from :meth:`power_exponent`; ``g``
        may be irrational, e.g. ``1/sqrt 2`` or ``sqrt 5``), fitted through ``K + 1`` exact
        convergents at geometrically spaced depths ``D, D/r, D/r^2, ...`` (python-flint
        ``arb_mat.solve``). The digits claimed are those on which the even-depth, odd-depth
        and a shorter (``K - 2``) fit agree, minus two. Returns ``(result or None, the most
        digits the fits supported)``.

        Reference: C. Brezinski, M. Redivo Zaglia, *Extrapolation Methods*, North-Holland
        1991, ch. 2 (the E-algorithm / Richardson with general exponents).
        """
        pe = self.power_exponent()
        best = 0
        if pe is None:
            return None, best
        G, family = pe
        rn, rd = math.isqrt(G.numerator), math.isqrt(G.denominator)
        rational = rn * rn == G.numerator and rd * rd == G.denominator
        gf = math.sqrt(G)
        gtxt = str(Fraction(rn, rd)) if rational else f"sqrt({G})"
        for D, K, ratio in ((8192, 16, 1.3), (16384, 22, 1.22), (32768, 28, 1.17)):
            if D > max_depth:
                continue
            dps = 3 * digits + 60
            old = flint.ctx.prec
            try:
                flint.ctx.prec = int(dps / _LOG10_2) + 32
                if rational:  # merge equal exponents exactly
                    gq = Fraction(rn, rd)
                    eq = sorted({i * gq + j for i in range(1, K + 2) for j in range(K + 1)})[:K]
                    es = [flint.arb(e.numerator) / e.denominator for e in eq]
                else:
                    g = (flint.arb(G.numerator) / G.denominator).sqrt()
                    pairs = sorted((i * gf + j, i, j)
                                   for i in range(1, K + 2) for j in range(K + 1))[:K]
                    es = [i * g + j for _, i, j in pairs]
                depths = {par: [int(D / ratio**k) // 2 * 2 - par for k in range(K + 1)]
                          for par in (0, 1)}
                try:
                    xs = self._convergents_at(sorted(set(depths[0] + depths[1])))
                    fits_arb = [
                        _power_fit([(n, xs[n]) for n in depths[0]], es),
                        _power_fit([(n, xs[n]) for n in depths[1]], es),
                        _power_fit([(n, xs[n]) for n in depths[0][: K - 1]], es[: K - 2]),
                    ]
                except ZeroDivisionError:
                    return None, best
            finally:
                flint.ctx.prec = old
            with mpmath.workdps(dps):
                fits = [_mpf_from_arb(v) for v in fits_arb]
                v = fits[0]
                if v == 0:
                    return None, best
                agree = _agreement_digits(v, fits[1:], dps)
                claimed = min(agree - 2, dps - 10)
                best = max(best, claimed)
                if claimed >= digits:
                    return LimitResult(
                        self._a, self._b, +v, claimed, abs(v) * mpmath.mpf(10) ** (-claimed), D,
                        "accelerated", False,
                        f"empirical: {family} fraction, x_n - L ~ n^-g with g = {gtxt}; "
                        f"extrapolation with the {K} exponents i*g + j through exact convergents "
                        f"at depths {D}/{ratio}^k; even-depth, odd-depth and order-{K - 2} fits "
                        f"agree to {agree} digits, {claimed} are claimed",
                        "power-extrapolation", None, {"exponent_g": gtxt},
                    ), best
        return None, best

    def _convergents_at(self, depths: Sequence[int]) -> dict:
        """Exact ``x_n = p_n/q_n`` as arb balls (current ``flint.ctx.prec``) at sorted depths."""
        out = {}
        cur, d = None, -1
        for n in depths:
            seg = self._segment(d + 1, n + 1)
            cur = seg if cur is None else cur * seg
            d = n
            if cur[1, 0] == 0:
                raise ZeroDivisionError
            out[n] = flint.arb(cur[0, 0]) / flint.arb(cur[1, 0])
        return out

    def _accelerated(self, digits: int, max_depth: int = 1 << 17) -> LimitResult:
        """Acceleration of slowly converging fractions (empirical; see :meth:`evaluate`)."""
        info = self.convergence(min(1024, max(64, max_depth)))
        if info.kind == "divergent":
            raise NoConvergenceError(self._no_convergence(
                f"the differences |x_n - x_(n-1)| do not decrease up to depth {info.depth}"))
        if info.kind in ("exponential", "factorial") or max_depth < 1000:
            raise PrecisionExhaustedError(
                f"{digits} digits of {self!r} cannot be certified within max_depth={max_depth} "
                f"({info.kind} convergence, {info.digits_per_term:.3g} digits/term); raise "
                "max_depth or ask for fewer digits"
            )
        pe = self.power_exponent()
        if pe is not None and not (pe[0].denominator == 1 and math.isqrt(pe[0].numerator) ** 2
                                   == pe[0].numerator):
            # non-integer exponent g: Richardson in 1/n and Euler averaging cannot remove n^-g
            res, reached = self._power_extrapolated(digits, max_depth)
            if res is not None:
                return res
            if max_depth < 8192:
                raise PrecisionExhaustedError(
                    f"{digits} digits of {self!r} cannot be certified: {pe[1]} convergence "
                    f"x_n - L ~ n^-g, g = sqrt({pe[0]}), needs the power extrapolation, which "
                    f"uses depths up to 8192 > max_depth={max_depth}; raise max_depth"
                )
            raise PrecisionExhaustedError(
                f"{digits} digits of {self!r} cannot be certified: {pe[1]} convergence "
                f"x_n - L ~ n^-g, g = sqrt({pe[0]}), and the power extrapolation up to "
                f"depth {min(max_depth, 32768)} supports only {max(reached, 0)} digits; ask "
                "for at most that many digits"
            )
        K = min(60, max(12, digits // 2 + 8))
        best = 0
        for M in (1000, 2000, 4000, 0):
            if M > max_depth:
                continue
            if M == 0:
                if self._bracket_ok():
                    res, reached = self._averaged(digits, info, max_depth)
                    if res is not None:
                        return res
                    best = max(best, reached)
                continue
            # Neville weights on equally spaced n grow like (M/2)^K / K!: carry those digits too
            dps = 2 * digits + 20 + int(K * math.log10(M))
            M2 = (7 * M // 10) & ~1
            with mpmath.workdps(dps):
                try:
                    s1 = self._exact_samples(M, K, dps)
                    s2 = self._exact_samples(M2, K, dps)
                    s3 = self._exact_samples(M - 1, K, dps)
                except ZeroDivisionError:
                    raise NoConvergenceError(
                        f"{self!r} has zero denominators q_n near depth {M}"
                    ) from None
                r1, r2, r3 = _neville0(s1), _neville0(s2), _neville0(s3)
                agree = 0 if r1 == 0 else _agreement_digits(r1, (r2, r3), dps)
                claimed = min(agree - 2, dps - 10)
                best = max(best, claimed)
                if claimed >= digits:
                    err = abs(r1) * mpmath.mpf(10) ** (-claimed)
                    return LimitResult(
                        self._a, self._b, +r1, claimed, err, M, "accelerated", False,
                        f"empirical: Richardson extrapolation in 1/n of order {K} over exact "
                        f"same-parity convergents at depths <= {M}; three extrapolations "
                        f"(depths {M}, {M2}, {M - 1}) agree to {agree} digits, "
                        f"{claimed} are claimed",
                        "richardson", None, {"convergence": info.kind},
                    )
        if best < 1:
            raise PrecisionExhaustedError(
                f"{digits} digits of {self!r} cannot be certified: convergence is {info.kind} "
                "and the extrapolations do not agree on any digit (too slow to accelerate)"
            )
        raise PrecisionExhaustedError(
            f"{digits} digits of {self!r} cannot be certified: convergence is {info.kind} and "
            f"extrapolation supports only {best} digits; ask for at most that many digits"
        )

    def _averaged(
        self, digits: int, info: ConvergenceInfo, max_depth: int
    ) -> tuple[LimitResult | None, int]:
        """Euler's repeated averaging of consecutive exact convergents (alternating errors).

        For ``b(n) > 0`` the errors alternate, ``x_n - L = (-1)^n n^-g (c_0 + c_1/n + ...)`` with
        ``g`` possibly irrational; each averaging ``(x_n + x_{n+1})/2`` gains a factor ``~g/(2n)``
        whatever ``g`` is. Claimed digits: agreement of three averagings, minus two (empirical).
        Returns ``(result or None, the most digits the averagings supported)``; depths too
        small for ``digits + 13`` consecutive convergents are skipped.
        """
        k = digits + 12
        dps = 2 * digits + 30
        best = 0
        for M in (1000, 4000):
            # the three averagings need k + 1 consecutive convergents ending at M // 2 (>= 1)
            if M > max_depth or k + 1 > M // 2:
                continue
            with mpmath.workdps(dps):
                try:
                    v1 = _euler_average(self._consecutive(M, k + 1))
                    v2 = _euler_average(self._consecutive(M // 2, k + 1))
                    v3 = _euler_average(self._consecutive(M, k))
                except ZeroDivisionError:
                    return None, best
                if v1 == 0:
                    return None, best
                agree = _agreement_digits(v1, (v2, v3), dps)
                claimed = min(agree - 2, dps - 10)
                best = max(best, claimed)
                if claimed >= digits:
                    err = abs(v1) * mpmath.mpf(10) ** (-claimed)
                    return LimitResult(
                        self._a, self._b, +v1, claimed, err, M, "accelerated", False,
                        f"empirical: {k}-fold Euler averaging of consecutive exact convergents "
                        f"(errors alternate since b(n) > 0) at depth {M}; averagings at depths "
                        f"{M}, {M // 2} and of order {k - 1} agree to {agree} digits, "
                        f"{claimed} are claimed",
                        "euler-averaging", None, {"convergence": info.kind},
                    ), best
        return None, best

    def _consecutive(self, M: int, count: int) -> list:
        """Exact convergents ``x_{M-count+1}, ..., x_M`` as mpf (current precision)."""
        start = M - count + 1
        if start < 1:  # internal: callers choose M >= count
            raise PrecisionExhaustedError(f"depth {M} too small for {count} consecutive convergents")
        m = self.matrix(start - 1)
        p, pp, q, qq = int(m[0, 0]), int(m[0, 1]), int(m[1, 0]), int(m[1, 1])
        out = []
        for n in range(start, M + 1):
            an, bn = self.a_at(n), self.b_at(n)
            p, pp = an * p + bn * pp, p
            q, qq = an * q + bn * qq, q
            if q == 0:
                raise ZeroDivisionError
            out.append(mpmath.mpf(p) / q)
        return out

    def _exact_samples(self, M: int, K: int, dps: int) -> list:
        """``(1/n, x_n)`` for ``n = M, M-2, ..., M-2(K-1)`` from exact convergents."""
        start = M - 2 * (K - 1)
        if start < 2:
            raise PrecisionExhaustedError(f"depth {M} too small for {K} extrapolation points")
        m = self.matrix(start - 1)
        p, pp, q, qq = int(m[0, 0]), int(m[0, 1]), int(m[1, 0]), int(m[1, 1])
        out = []
        for n in range(start, M + 1):
            an, bn = self.a_at(n), self.b_at(n)
            p, pp = an * p + bn * pp, p
            q, qq = an * q + bn * qq, q
            if (M - n) % 2 == 0:
                if q == 0:
                    raise ZeroDivisionError
                out.append((mpmath.mpf(1) / n, mpmath.mpf(p) / q))
        return out

    def limit(self, digits: int = 50, *, max_depth: int = 1 << 17, accelerate: bool = True):
        """The limit as an mpmath ``mpf`` correct to ``digits`` significant digits, else raise.

        See :meth:`evaluate` for the certificate (use it to know *how* the digits were
        certified) and the errors raised.

        Examples:
            >>> from engine.contfrac import PCF
            >>> import mpmath
            >>> x = PCF("34n^3+51n^2+27n+5", "-n^6").limit(digits=50)
            >>> with mpmath.workdps(60):
            ...     abs(x - 6 / mpmath.zeta(3)) < mpmath.mpf(10) ** -49
            True
        """
        return self.evaluate(digits, max_depth=max_depth, accelerate=accelerate).value


def _agreement_digits(x, others: Sequence, dps: int) -> int:
    """Significant digits to which the nonzero estimate ``x`` agrees with each of ``others``
    (``dps - 10`` when they are all equal at working precision ``dps``)."""
    spread = max(abs(x - y) for y in others)
    return dps - 10 if spread == 0 else int(mpmath.floor(-mpmath.log10(spread / abs(x))))


def _power_fit(pts: Sequence, exponents: Sequence) -> flint.arb:
    """``L`` of the fit ``x = L + sum_k c_k n^-e_k`` through ``len(exponents) + 1`` points
    (arb balls; python-flint ``arb_mat.solve`` at the current precision)."""
    m = len(exponents) + 1
    rows: list = []
    ys: list = []
    for n, x in pts[:m]:
        ln = flint.arb(n).log()
        rows.extend([flint.arb(1)] + [(-e * ln).exp() for e in exponents])
        ys.append(x)
    return flint.arb_mat(m, m, rows).solve(flint.arb_mat(m, 1, ys))[0, 0]


def _euler_average(xs: Sequence) -> Any:
    """Repeated averaging of consecutive terms down to one value (Euler's transform)."""
    y = list(xs)
    while len(y) > 1:
        y = [(y[i] + y[i + 1]) / 2 for i in range(len(y) - 1)]
    return y[0]


def _neville0(pts: Sequence) -> Any:
    """Neville's polynomial extrapolation of the points ``(h_i, x_i)`` to ``h = 0``."""
    H = [h for h, _ in pts]
    P = [x for _, x in pts]
    k = len(P)
    for m in range(1, k):
        for i in range(k - m):
            P[i] = (H[i + m] * P[i] - H[i] * P[i + 1]) / (H[i + m] - H[i])
    return P[0]


def matrix_sequence_to_pcf(alpha, beta, gamma, delta_) -> tuple[Any, Any]:
    """Turn the matrix recurrence ``Y_m = Y_{m-1} [[alpha, beta], [gamma, delta]](m)`` into a PCF.

    The first-row sequence satisfies ``gamma_m p_{m+1} = (alpha_{m+1} gamma_m + delta_m
    gamma_{m+1}) p_m - gamma_{m+1} det(M_m) p_{m-1}``; an equivalence transformation by
    ``gamma_m`` clears denominators, giving ``a(m) = alpha(m+1) gamma(m) + delta(m) gamma(m+1)``
    and ``b(m) = -gamma(m-1) gamma(m+1) det M(m)`` as sympy polynomials in ``n``
    (Lorentzen-Waadeland, section 2.3).

    Args:
        alpha, beta, gamma, delta_: sympy expressions in ``n``.

    Returns:
        ``(a, b)`` sympy expressions in ``n``.

    Examples:
        >>> import sympy
        >>> from engine.contfrac import matrix_sequence_to_pcf
        >>> n = sympy.Symbol("n")
        >>> matrix_sequence_to_pcf(n, sympy.Integer(1), sympy.Integer(1), sympy.Integer(0))
        (n + 1, 1)
    """
    import sympy

    n = _n_symbol()
    args = []
    for name, x in (("alpha", alpha), ("beta", beta), ("gamma", gamma), ("delta", delta_)):
        if isinstance(x, int | str | Sequence) and not isinstance(x, bool):
            x = sympy.Poly(list(reversed(parse_polynomial(x, name))), n).as_expr()
        if not isinstance(x, sympy.Basic) or (x.free_symbols - {n}):
            raise InvalidInputError(
                f"{name}={_shown(repr(x), 40)} must be a polynomial in n (sympy expression, text "
                "or coefficient list)")
        args.append(x)
    alpha, beta, gamma, delta_ = args
    det = sympy.expand(alpha * delta_ - beta * gamma)
    a = sympy.expand(alpha.subs(n, n + 1) * gamma + delta_ * gamma.subs(n, n + 1))
    b = sympy.expand(-gamma.subs(n, n - 1) * gamma.subs(n, n + 1) * det)
    return a, b
