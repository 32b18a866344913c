"""Working precision for mpmath and python-flint together, and certified constants.

:func:`precision` is the one way library code changes precision: a ``with`` block that sets
mpmath's ``mp.prec`` and python-flint's ``ctx.prec`` to the same number of bits and restores
both afterwards (also when the block raises; blocks nest).

:func:`evaluate_constant` evaluates a named real constant with Arb ball arithmetic and raises
the working precision until the ball certifies the requested number of significant digits
(the decimal string is *correctly rounded*: the whole ball lies strictly inside its
rounding interval).

Examples:
    >>> import mpmath
    >>> from engine.precision import precision, evaluate_constant
    >>> with precision(dps=30):
    ...     print(mpmath.mp.dps)
    30
    >>> evaluate_constant("pi", 20).text
    '3.1415926535897932385'

References:
    F. Johansson, "Arb: efficient arbitrary-precision midpoint-radius interval arithmetic",
    IEEE Trans. Computers 66 (2017); the mpmath documentation (precision and ``workprec``).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import flint
import mpmath
from mpmath import libmp

from engine._args import check_flag, check_int, short_repr
from engine.errors import InvalidInputError, PrecisionExhaustedError, VerificationError
from engine.results import Result

__all__ = [
    "Precision",
    "precision",
    "ConstantValue",
    "CONSTANTS",
    "constant_names",
    "evaluate_constant",
]

#: Largest working precision (bits) :func:`precision` accepts.
MAX_BITS = 1 << 26


@dataclass(frozen=True)
class Precision:
    """The precision in force inside a :func:`precision` block."""

    bits: int
    dps: int


def _positive_int(x: Any, name: str) -> int:
    if isinstance(x, bool) or not isinstance(x, numbers.Integral) or int(x) < 1:
        raise InvalidInputError(f"{name}={short_repr(x)} must be a positive integer")
    return int(x)


@contextmanager
def precision(dps: int | None = None, bits: int | None = None) -> Iterator[Precision]:
    """Set mpmath and python-flint to the same working precision inside a ``with`` block.

    Give exactly one of ``dps`` (decimal digits, converted as mpmath does) or ``bits``. On exit
    (normal or by an exception) both libraries get back the precision they had on entry, so
    blocks nest.

    Args:
        dps: decimal digits of precision.
        bits: binary precision.

    Yields:
        A :class:`Precision` record with the bits and decimal digits in force.

    Raises:
        InvalidInputError: neither or both given, or a non-positive / absurd value.

    Examples:
        >>> import flint, mpmath
        >>> from engine.precision import precision
        >>> with precision(bits=200) as p:
        ...     (mpmath.mp.prec, flint.ctx.prec, p.dps)
        (200, 200, 59)
        >>> with precision(dps=50):
        ...     with precision(dps=20):
        ...         inner = (mpmath.mp.dps, flint.ctx.dps)
        ...     outer = (mpmath.mp.dps, flint.ctx.dps)
        >>> inner, outer
        ((20, 20), (50, 50))

    References:
        mpmath ``workprec``/``workdps``; python-flint ``ctx.prec``.
    """
    if (dps is None) == (bits is None):
        raise InvalidInputError(
            f"precision(dps={short_repr(dps)}, bits={short_repr(bits)}): give exactly one of dps or bits"
        )
    if dps is not None:
        d = _positive_int(dps, "dps")
        b = int(libmp.dps_to_prec(d))
    else:
        b = _positive_int(bits, "bits")
    if b > MAX_BITS:
        raise InvalidInputError(
            f"precision of {b} bits exceeds the limit MAX_BITS={MAX_BITS}; ask for less"
        )
    saved_mp, saved_flint = mpmath.mp.prec, flint.ctx.prec
    try:
        if dps is not None:
            mpmath.mp.dps = d
        else:
            mpmath.mp.prec = b
        flint.ctx.prec = b
        yield Precision(bits=b, dps=int(mpmath.mp.dps))
    finally:
        mpmath.mp.prec = saved_mp
        flint.ctx.prec = saved_flint


# ============================================================================================
# constants
# ============================================================================================


def _zeta(s: int) -> Callable[[], flint.arb]:
    return lambda: flint.arb(s).zeta()


def _golden() -> flint.arb:
    return (1 + flint.arb(5).sqrt()) / 2


#: Constants python-flint evaluates as rigorous balls (name -> (function, description)).
CONSTANTS: dict[str, tuple[Callable[[], flint.arb], str]] = {
    "pi": (flint.arb.pi, "pi"),
    "e": (flint.arb.const_e, "Euler's number exp(1)"),
    "euler_gamma": (flint.arb.const_euler, "Euler-Mascheroni constant gamma"),
    "catalan": (flint.arb.const_catalan, "Catalan's constant G"),
    "zeta2": (_zeta(2), "zeta(2) = pi^2/6"),
    "zeta3": (_zeta(3), "Apery's constant zeta(3)"),
    "zeta5": (_zeta(5), "zeta(5)"),
    "zeta7": (_zeta(7), "zeta(7)"),
    "log2": (flint.arb.const_log2, "log 2"),
    "log3": (lambda: flint.arb(3).log(), "log 3"),
    "log10": (flint.arb.const_log10, "log 10"),
    "sqrt2": (lambda: flint.arb(2).sqrt(), "sqrt 2"),
    "sqrt3": (lambda: flint.arb(3).sqrt(), "sqrt 3"),
    "sqrt5": (lambda: flint.arb(5).sqrt(), "sqrt 5"),
    "golden_ratio": (_golden, "golden ratio (1 + sqrt 5)/2"),
    "pi2": (lambda: flint.arb.pi() ** 2, "pi^2"),
    "e2": (lambda: flint.arb(2).exp(), "e^2"),
    "sqrt_pi": (flint.arb.const_sqrt_pi, "sqrt(pi)"),
    "1/pi": (lambda: 1 / flint.arb.pi(), "1/pi"),
    "glaisher": (flint.arb.const_glaisher, "Glaisher-Kinkelin constant A"),
    "khinchin": (flint.arb.const_khinchin, "Khinchin's constant K"),
}

_ALIASES = {
    "gamma": "euler_gamma",
    "euler": "euler_gamma",
    "euler-gamma": "euler_gamma",
    "g": "catalan",
    "zeta(2)": "zeta2",
    "zeta(3)": "zeta3",
    "zeta(5)": "zeta5",
    "zeta(7)": "zeta7",
    "apery": "zeta3",
    "log(2)": "log2",
    "ln2": "log2",
    "log(3)": "log3",
    "ln3": "log3",
    "log(10)": "log10",
    "sqrt(2)": "sqrt2",
    "sqrt(3)": "sqrt3",
    "sqrt(5)": "sqrt5",
    "phi": "golden_ratio",
    "golden": "golden_ratio",
    "pi^2": "pi2",
    "pi**2": "pi2",
    "e^2": "e2",
    "e**2": "e2",
    "sqrt(pi)": "sqrt_pi",
}


def constant_names() -> list[str]:
    """Canonical names accepted by :func:`evaluate_constant` (aliases are also accepted).

    Examples:
        >>> from engine.precision import constant_names
        >>> "zeta3" in constant_names()
        True
    """
    return sorted(CONSTANTS)


def _canonical(name: Any) -> str:
    if not isinstance(name, str):
        raise InvalidInputError(f"name={short_repr(name)} must be a constant name (a string)")
    key = name.strip().lower().replace(" ", "")
    key = _ALIASES.get(key, key)
    if key not in CONSTANTS:
        raise InvalidInputError(
            f"unknown constant name={short_repr(name)}; known: {', '.join(constant_names())}"
        )
    return key


def _exact(x: flint.arb) -> Fraction:
    """The exact binary value of an exact arb (a midpoint or radius)."""
    fman, fexp = x.man_exp()
    man, exp = int(fman), int(fexp)
    return Fraction(man * (1 << exp)) if exp >= 0 else Fraction(man, 1 << -exp)


def _to_mpf(x: flint.arb) -> mpmath.mpf:
    fman, fexp = x.man_exp()
    man, exp = int(fman), int(fexp)
    with mpmath.workprec(max(53, abs(man).bit_length() + 8)):
        return mpmath.mpf((man, exp))  # exact; mpf keeps its value outside the block


def _floor_log10(q: Fraction) -> int:
    """floor(log10(q)) for q > 0, exactly."""
    e = int(math.floor(math.log10(q.numerator) - math.log10(q.denominator)))
    while Fraction(10) ** e > q:
        e -= 1
    while Fraction(10) ** (e + 1) <= q:
        e += 1
    return e


def _round_sig(q: Fraction, digits: int) -> tuple[int, int]:
    """(N, e) with N * 10**(e - digits + 1) the value of q > 0 rounded to ``digits`` figures."""
    e = _floor_log10(q)
    scaled = q * Fraction(10) ** (digits - 1 - e)
    N = math.floor(scaled + Fraction(1, 2))
    if N >= 10**digits:
        e += 1
        scaled = q * Fraction(10) ** (digits - 1 - e)
        N = math.floor(scaled + Fraction(1, 2))
    return N, e


def _format(sign: int, N: int, e: int, digits: int) -> str:
    s = str(N).rjust(digits, "0")
    lead = "-" if sign < 0 else ""
    if 0 <= e < digits:
        body = s[: e + 1] + ("." + s[e + 1:] if e + 1 < digits else "")
    elif -6 <= e < 0:
        body = "0." + "0" * (-e - 1) + s
    else:
        body = s[0] + ("." + s[1:] if digits > 1 else "") + f"e{e:+d}"
    return lead + body


def _certify(ball: flint.arb, digits: int) -> tuple[str, bool]:
    """Correctly rounded decimal string of the ball's midpoint and whether it is certified."""
    mid = _exact(ball.mid())
    rad = _exact(ball.rad())
    if mid == 0:
        return "0", False
    sign = 1 if mid > 0 else -1
    amid = abs(mid)
    N, e = _round_sig(amid, digits)
    ulp = Fraction(10) ** (e - digits + 1)
    s = N * ulp
    lo, hi = amid - rad, amid + rad
    certified = lo > s - ulp / 2 and hi < s + ulp / 2 and lo > 0
    return _format(sign, N, e, digits), certified


def _mpf_man_exp(x: Any) -> tuple[int, int]:
    """``(m, e)`` with the mpf ``x = m 2^e`` exactly (signed ``m``)."""
    sign, man, exp, _ = x._mpf_
    return (-int(man) if sign else int(man)), int(exp)


def _mpf_from_man_exp(man: int, exp: int) -> mpmath.mpf:
    with mpmath.workprec(max(53, abs(man).bit_length() + 8)):
        return mpmath.mpf((man, exp)) if man else mpmath.mpf(0)


def _arb_of(x: Any) -> flint.arb:
    """The mpf ``x`` as an exact arb (call under a precision with enough bits)."""
    man, exp = _mpf_man_exp(x)
    return flint.arb(man) * flint.arb(2) ** exp if man else flint.arb(0)


@dataclass(frozen=True)
class ConstantValue(Result):
    """A real constant evaluated to ``digits`` significant digits with a rigorous bound.

    Attributes:
        name: canonical constant name.
        digits: requested significant decimal digits.
        ball: the python-flint ``arb`` ball (contains the true value).
        mid: the ball's midpoint as an exact ``mpmath.mpf``.
        radius: the ball's radius (a rigorous error bound) as an ``mpmath.mpf``.
        text: the value correctly rounded to ``digits`` significant digits.
        prec: working precision (bits) that certified it.
        is_certified: the whole ball lies strictly inside the rounding interval of ``text``.
    """

    name: str
    digits: int
    ball: Any
    mid: Any
    radius: Any
    text: str
    prec: int
    is_certified: bool

    def check(self) -> None:
        """Re-check the certificate exactly, from a fresh evaluation.

        The constant is evaluated again by python-flint at ``prec`` bits; that ball, and the
        ball ``mid +- radius`` recorded, must each lie strictly inside the rounding interval
        of ``text`` (checked in exact rationals) and the two must overlap. A value returned
        with ``is_certified=False`` (``strict=False``) fails.

        Raises:
            VerificationError: the balls do not certify ``text`` (or it was not certified).
        """
        if not self.is_certified:
            raise VerificationError(f"{self.name} was not certified to {self.digits} digits (is_certified=False)")
        fn = CONSTANTS.get(self.name, (None,))[0]
        if fn is None or isinstance(self.prec, bool) or not isinstance(self.prec, int) or self.prec < 2:
            raise VerificationError(f"unknown constant {short_repr(self.name)} or bad prec={short_repr(self.prec)}")
        bits = max(self.prec, *(abs(_mpf_man_exp(x)[0]).bit_length() + 16 for x in (self.mid, self.radius)))
        with precision(bits=bits):
            stored = flint.arb(_arb_of(self.mid), _arb_of(self.radius))
        with precision(bits=self.prec):
            fresh = fn()
        for what, ball in (("a fresh evaluation", fresh), ("the recorded ball", stored)):
            text, ok = _certify(ball, self.digits)
            if not ok or text != self.text:
                raise VerificationError(
                    f"{self.name} is not certified to {self.digits} digits at {self.prec} bits by "
                    f"{what} ({text} != {self.text} or not strictly inside its rounding interval)")
        if not fresh.overlaps(stored):
            raise VerificationError(f"the recorded ball of {self.name} misses a fresh evaluation")

    def to_json(self) -> dict[str, Any]:
        """JSON form; ``mid_dyadic`` and ``radius_dyadic`` (mantissa as a decimal string,
        binary exponent) keep the ball exactly for :meth:`from_json`."""
        return {
            "name": self.name,
            "digits": self.digits,
            "value": self.text,
            "radius": mpmath.nstr(self.radius, 5),
            "prec": self.prec,
            "is_certified": self.is_certified,
            "mid_dyadic": [str(m) for m in _mpf_man_exp(self.mid)],
            "radius_dyadic": [str(m) for m in _mpf_man_exp(self.radius)],
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ConstantValue:
        """Rebuild from :meth:`to_json` (the ball from its exact midpoint and radius)."""
        mid = _mpf_from_man_exp(*(int(x) for x in d["mid_dyadic"]))
        rad = _mpf_from_man_exp(*(int(x) for x in d["radius_dyadic"]))
        bits = max(int(d["prec"]), *(abs(_mpf_man_exp(x)[0]).bit_length() + 16 for x in (mid, rad)))
        with precision(bits=bits):
            ball = flint.arb(_arb_of(mid), _arb_of(rad))
        return cls(d["name"], int(d["digits"]), ball, mid, rad, d["value"], int(d["prec"]),
                   bool(d["is_certified"]))

    @classmethod
    def example(cls) -> ConstantValue:
        """Apery's constant ``zeta(3) = 1.20205690315959428539973816151...`` (OEIS A002117) to
        30 certified digits, by :func:`evaluate_constant`.

        Examples:
            >>> from engine.precision import ConstantValue
            >>> ConstantValue.example().text
            '1.20205690315959428539973816151'
        """
        return evaluate_constant("zeta3", 30)

    @classmethod
    def tampered(cls) -> ConstantValue:
        """:meth:`example` with its last digit changed (``...151`` -> ``...152``)."""
        import dataclasses

        v = cls.example()
        return dataclasses.replace(v, text=v.text[:-1] + str((int(v.text[-1]) + 1) % 10))

    def __str__(self) -> str:
        return self.text


def evaluate_constant(
    name: str, digits: int, *, max_prec: int | None = None, strict: bool = True
) -> ConstantValue:
    """Evaluate a named constant to ``digits`` correct significant digits (certified).

    The constant is computed as an Arb ball at a working precision of about
    ``digits * log2(10) + 32`` bits; while the ball is not strictly inside the rounding
    interval of the correctly rounded ``digits``-figure decimal, the precision is doubled.

    Args:
        name: a name from :func:`constant_names` or an alias (``"gamma"``, ``"zeta(3)"``,
            ``"phi"``, ``"pi^2"``, ...).
        digits: significant decimal digits wanted (``>= 1``).
        max_prec: largest working precision in bits (default ``16 * digits * log2(10) + 1024``).
        strict: raise if not certified within ``max_prec`` (otherwise return the last value
            with ``is_certified=False``).

    Returns:
        A :class:`ConstantValue`.

    Raises:
        InvalidInputError: unknown name, bad ``digits``/``max_prec``.
        PrecisionExhaustedError: ``strict`` and not certified within ``max_prec`` bits.

    Examples:
        >>> from engine.precision import evaluate_constant
        >>> v = evaluate_constant("zeta(3)", 30)
        >>> v.text, v.is_certified
        ('1.20205690315959428539973816151', True)
        >>> evaluate_constant("euler_gamma", 10).text
        '0.5772156649'

    References:
        F. Johansson, "Arb: efficient arbitrary-precision midpoint-radius interval arithmetic",
        IEEE Trans. Computers 66 (2017).
    """
    key = _canonical(name)
    strict = check_flag(strict, "strict")
    digits = _positive_int(digits, "digits")
    if digits > 10**6:
        raise InvalidInputError(f"digits={digits} is too large (limit 10**6)")
    start = int(digits * math.log2(10)) + 32
    limit = 16 * start + 1024 if max_prec is None else check_int(
        max_prec, "max_prec", low=2, high=MAX_BITS, what="a precision in bits")
    fn = CONSTANTS[key][0]
    prec = min(start, limit)
    while True:
        with precision(bits=prec):
            ball = fn()
        text, ok = _certify(ball, digits)
        if ok or prec >= limit:
            break
        prec = min(2 * prec, limit)
    if not ok and strict:
        raise PrecisionExhaustedError(
            f"{key} could not be certified to {digits} digits within max_prec={limit} bits "
            f"(ball {ball.str(10)}); raise max_prec or ask for fewer digits"
        )
    return ConstantValue(
        name=key,
        digits=digits,
        ball=ball,
        mid=_to_mpf(ball.mid()),
        radius=_to_mpf(ball.rad()),
        text=text,
        prec=prec,
        is_certified=ok,
    )
