"""A verified continued-fraction conjecture (:class:`PCFHit`) and the one store key of a fraction.

:func:`pcf_key` is the only place the store key of a fraction is built: the enumeration
(:func:`search.pcf.search_pcfs`), ``disco cf search`` and ``disco discover`` all call it, so the
same fraction found by any of them is one row of the results store (domain ``"contfrac"``).

A :class:`PCFHit` is self-contained: its JSON payload (:meth:`PCFHit.to_json`) carries the
fraction, the constant, the Mobius coefficients and the verified value, so
``PCFHit.from_json(payload).check()`` re-verifies a stored record from nothing else
(``disco results verify``).

Examples:
    >>> from search.pcf import PCFHit, pcf_key
    >>> pcf_key([0, 1], "n")
    'a=[0, 1];b=[0, 1]'
    >>> pcf_key([3, 0], [1, 0, 0])                  # trailing zero coefficients are dropped
    'a=[3];b=[1]'
    >>> h = PCFHit.example()                        # Euler: PCF(n, n) = 1/(e - 1)
    >>> h.key(), str(h.expression), h.is_valid()
    ('a=[0, 1];b=[0, 1]', '1/(-1 + E)', True)
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import mpmath

from engine.contfrac import PCF, parse_polynomial, polynomial_to_string
from engine.errors import EngineError, InvalidInputError, VerificationError
from engine.results import Result
from solvers.constants import CATALOGUE, check_mobius, check_mobius_coefficients, resolve_constant

__all__ = ["PCFHit", "pcf_key", "mobius_expression"]

#: Certifications whose limit is re-proved cheaply at the recorded digits (exact convergents).
_RIGOROUS_OR_CHEAP = ("exact", "bracket", "worpitzky", "tail-estimate")
#: Depth of the exact convergents of the quick tail check of an accelerated limit.
_TAIL_DEPTH = 256


def pcf_key(a: Any, b: Any) -> str:
    """The canonical store key of ``PCF(a, b)``: ``"a=[c0, c1, ...];b=[d0, d1, ...]"``.

    The coefficient lists are those of :func:`engine.contfrac.parse_polynomial` (lowest
    degree first, trailing zeros removed), so ``a`` and ``b`` may be lists, strings in ``n``
    or sympy expressions and the same fraction always has the same key.

    Raises:
        InvalidInputError: ``a`` or ``b`` is not an integer polynomial.

    Examples:
        >>> from search.pcf import pcf_key
        >>> pcf_key("2n+1", "n^2") == pcf_key([1, 2], [0, 0, 1, 0])
        True
    """
    return f"a={parse_polynomial(a, 'a')};b={parse_polynomial(b, 'b')}"


def mobius_expression(constant: str, mobius: Sequence[int]) -> Any:
    """The sympy expression ``(c0 + c1 K)/(c2 + c3 K)`` (denominator's leading sign positive).

    Examples:
        >>> from search.pcf import mobius_expression
        >>> mobius_expression("e", (1, 0, -1, 1))
        1/(-1 + E)
    """
    import sympy

    K = CATALOGUE[resolve_constant(constant)][0]
    c0, c1, c2, c3 = check_mobius_coefficients(mobius)
    if (c3 if c3 else c2) < 0:
        c0, c1, c2, c3 = -c0, -c1, -c2, -c3
    return sympy.together((c0 + c1 * K) / (c2 + c3 * K))


#: Names a stored expression text may use (what :func:`mobius_expression` and sympy print).
_SAFE_NAMES = frozenset({"E", "pi", "zeta", "Catalan", "EulerGamma", "GoldenRatio", "log", "sqrt",
                         "exp", "Ei", "besseli", "I", "oo"})
_SAFE_TEXT = re.compile(r"^[A-Za-z0-9_+\-*/(). ,^]*$")


@functools.lru_cache(maxsize=4096)
def _sympify(text: str) -> Any:
    """A stored expression text as a sympy expression; only sympy's printed forms of the
    catalogue's constants are read (the text is checked before sympy parses it).

    Raises:
        InvalidInputError: other characters or names, or text sympy cannot read.
    """
    import sympy

    names = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))
    if len(text) > 2000 or not _SAFE_TEXT.match(text) or "__" in text or not names <= _SAFE_NAMES:
        raise InvalidInputError(
            f"expression {text[:60]!r} is not a sympy expression in the catalogue constants")
    try:
        return sympy.sympify(text.replace("^", "**"))
    except (sympy.SympifyError, SyntaxError, TypeError, ValueError) as exc:
        raise InvalidInputError(f"expression {text[:60]!r} cannot be read ({type(exc).__name__})") from None


def _mpf(text: str, digits: int) -> Any:
    with mpmath.workdps(digits + 15):
        return mpmath.mpf(text)


@functools.lru_cache(maxsize=256)
def _constant(name: str, dps: int) -> Any:
    with mpmath.workdps(dps):
        return +CATALOGUE[name][1]()


def _agreement(x: Any, constant: str, mobius: Sequence[int], digits: int) -> bool:
    """Whether ``x = (c0 + c1 K)/(c2 + c3 K)`` to ``digits - 2`` significant digits (relative
    to ``max(1, |value|)``, as :func:`solvers.constants.check_mobius` counts them), with ``K``
    at ``digits + 15`` digits."""
    c0, c1, c2, c3 = (int(c) for c in mobius)
    dps = digits + 15
    K = _constant(constant, dps)
    with mpmath.workdps(dps):
        den = c2 + c3 * K
        if den == 0:
            return False
        m = (c0 + c1 * K) / den
        return abs(x - m) <= max(abs(m), 1) * mpmath.mpf(10) ** (2 - digits)


@dataclass(frozen=True)
class PCFHit(Result):
    """A verified conjecture ``PCF(a, b) = (c0 + c1 K)/(c2 + c3 K)``.

    Attributes:
        a, b: coefficient lists (lowest degree first) as enumerated.
        constant: catalogue name of ``K`` (:data:`solvers.constants.CATALOGUE`).
        mobius: ``(c0, c1, c2, c3)`` with ``c0 c3 != c1 c2``.
        expression_text: the limit as text (``"1/(-1 + E)"``); :attr:`expression` is the
            sympy expression, ``latex`` its LaTeX.
        value: the limit, a decimal string of ``digits_verified`` significant digits.
        digits_verified: digits to which the certified limit and the Mobius form agree.
        certification: how the limit's digits were certified (``"bracket"``, ``"worpitzky"``,
            ``"tail-estimate"``, ``"exact"`` or ``"accelerated"``; see :mod:`engine.contfrac`).
        convergence: convergence class; ``digits_per_term`` its rate; ``delta`` the
            irrationality-measure estimate ``delta(N)`` at the depth ``delta_depth`` (a fixed
            depth, so it does not depend on the digits verified; None when not computable;
            :meth:`engine.contfrac.PCF.delta_estimate` extrapolates it).
    """

    a: list
    b: list
    constant: str
    mobius: tuple
    expression_text: str
    latex: str
    value: str
    digits_verified: int
    certification: str
    convergence: str
    digits_per_term: float
    delta: float | None
    delta_depth: int | None = None

    @property
    def expression(self) -> Any:
        """The limit as a sympy expression (parsed from :attr:`expression_text` on first use;
        for catalogue constants sympy prints in other names (``tan(1)``, L-values) it is the
        Mobius form itself when that prints as the recorded text)."""
        try:
            return _sympify(str(self.expression_text))
        except InvalidInputError:
            if self.constant in CATALOGUE:
                expr = mobius_expression(self.constant, self.mobius)
                if str(expr) == str(self.expression_text):
                    return expr
            raise

    @property
    def pcf(self) -> PCF:
        """The fraction as a :class:`engine.contfrac.PCF`."""
        return PCF(self.a, self.b)

    def key(self) -> str:
        """The store key (:func:`pcf_key`)."""
        return pcf_key(self.a, self.b)

    @property
    def class_key(self) -> str:
        """The key of the fraction's equivalence class
        (:meth:`engine.contfrac.PCF.canonical_key`); stored with the hit."""
        return self.pcf.canonical_key()

    # -- verification ---------------------------------------------------------------------
    def _check_record(self) -> tuple[Any, int]:
        """The record's own consistency; returns (PCF, digits)."""
        try:
            f = PCF(list(self.a), list(self.b))
        except InvalidInputError as exc:
            raise VerificationError(f"the fraction a={self.a} b={self.b} is malformed: {exc}") from None
        if self.constant not in CATALOGUE:
            raise VerificationError(f"constant {self.constant!r} is not in the catalogue")
        try:
            c0, c1, c2, c3 = (int(c) for c in self.mobius)
        except (TypeError, ValueError):
            raise VerificationError(f"mobius={self.mobius!r} is not four integers") from None
        if c0 * c3 - c1 * c2 == 0:
            raise VerificationError(f"the Mobius map {tuple(self.mobius)} is degenerate (c0 c3 = c1 c2)")
        d = self.digits_verified
        if isinstance(d, bool) or not isinstance(d, int) or not 6 <= d <= 10000:
            raise VerificationError(f"digits_verified={d!r} must be an integer in [6, 10000]")
        try:
            v = _mpf(str(self.value), d)
        except (TypeError, ValueError):
            raise VerificationError(f"value {self.value!r} is not a decimal number") from None
        if not _agreement(v, self.constant, self.mobius, d):
            raise VerificationError(
                f"the recorded value {str(self.value)[:25]} is not ({c0} + {c1} K)/({c2} + {c3} K) "
                f"with K = {self.constant} to {d} digits")
        return f, d

    def _check_fresh(self, f: PCF, d: int) -> None:
        try:
            res = f.evaluate(d, max_depth=1 << 15)
        except EngineError as exc:
            raise VerificationError(
                f"{d} digits of the limit of {f!r} could not be certified again: {exc}") from None
        if not _agreement(res.value, self.constant, self.mobius, d):
            got = check_mobius(res.value, self.constant, self.mobius, d)
            raise VerificationError(
                f"the limit of {f!r} equals {self.expression_text} to {got} digits only, "
                f"not {d}")

    def _check_tail(self, f: PCF, d: int) -> None:
        """Quick check of an accelerated (logarithmically converging) limit: the exact
        convergents at depths N/4, N/2, N approach the recorded value, and their distance to
        it is at most 4 times the geometric tail estimate ``|x_N - x_N/2| rho / (1 - rho)``,
        ``rho = |x_N - x_N/2| / |x_N/2 - x_N/4|`` (exact for errors ``c n^-g``)."""
        N = _TAIL_DEPTH
        xs = []
        with mpmath.workdps(max(30, d + 10)):
            for n in (N // 4, N // 2, N):
                p, q = f.convergent(n)
                if q == 0:
                    raise VerificationError(f"q_{n} = 0 for {f!r}: no convergent to compare")
                xs.append(mpmath.mpf(p) / q)
            v = _mpf(str(self.value), d)
            d1, d2 = abs(xs[2] - xs[1]), abs(xs[1] - xs[0])
            ok = 0 < d1 < d2
            if ok:
                rho = d1 / d2
                tail = d1 * rho / (1 - rho)
                ok = abs(xs[2] - v) <= 4 * tail + abs(v) * mpmath.mpf(10) ** (1 - d)
        if not ok:
            raise VerificationError(
                f"the exact convergents of {f!r} at depths {N // 4}, {N // 2}, {N} do not approach "
                f"the recorded value {str(self.value)[:25]}")

    def check(self, *, fresh: bool = True) -> None:
        """Re-verify the hit from its own data.

        Always: the fraction, the constant and the Mobius coefficients are well formed
        (``c0 c3 != c1 c2``) and the recorded ``value`` equals ``(c0 + c1 K)/(c2 + c3 K)`` to
        ``digits_verified`` digits (``K`` computed at ``digits_verified + 15`` digits).

        ``fresh=True`` (the full check: :meth:`is_valid`, ``disco results verify``): the
        expression text has that value, and a fresh :meth:`engine.contfrac.PCF.evaluate`
        certifies the limit to ``digits_verified`` digits and it equals the Mobius form to
        them (two digits of slack for the rounding of both sides).

        ``fresh=False`` (the quick check the runner makes before it stores a hit that a worker
        has just verified with the fresh evaluation): the same fresh evaluation where it is
        cheap (certifications ``exact``, ``bracket``, ``worpitzky``, ``tail-estimate``:
        exact convergents to depth ~100); for an ``accelerated`` limit the exact convergents
        at depths 64, 128, 256 must approach the recorded value within four times their
        geometric tail estimate.

        Raises:
            VerificationError: naming what fails.
        """
        f, d = self._check_record()
        if fresh:
            import sympy

            try:
                with mpmath.workdps(d + 15):
                    e = mpmath.mpf(sympy.N(self.expression, d + 15))
            except (TypeError, ValueError, sympy.SympifyError):
                raise VerificationError(
                    f"expression {self.expression_text!r} is not a real number") from None
            if not _agreement(e, self.constant, self.mobius, d):
                raise VerificationError(
                    f"expression {self.expression_text!r} is not the Mobius form {tuple(self.mobius)} "
                    f"of {self.constant}")
            self._check_fresh(f, d)
        elif self.certification in _RIGOROUS_OR_CHEAP:
            self._check_fresh(f, d)
        else:
            self._check_tail(f, d)

    # -- JSON --------------------------------------------------------------------------------
    def to_json(self) -> dict:
        return {
            "a": [int(c) for c in self.a],
            "b": [int(c) for c in self.b],
            "a_str": polynomial_to_string(self.a),
            "b_str": polynomial_to_string(self.b),
            "constant": self.constant,
            "mobius": [int(c) for c in self.mobius],
            "expression": str(self.expression_text),
            "latex": self.latex,
            "value": self.value,
            "digits_verified": int(self.digits_verified),
            "certification": self.certification,
            "convergence": self.convergence,
            "digits_per_term": float(self.digits_per_term),
            "delta": None if self.delta is None else float(self.delta),
            "delta_depth": None if self.delta_depth is None else int(self.delta_depth),
            "class_key": self.class_key,
            "class_canonical": {"a": self.pcf.canonical().a, "b": self.pcf.canonical().b},
        }

    @classmethod
    def from_json(cls, d: dict) -> PCFHit:
        delta = d.get("delta")
        return cls(
            [int(c) for c in d["a"]], [int(c) for c in d["b"]], str(d["constant"]),
            tuple(int(c) for c in d["mobius"]), str(d["expression"]), str(d.get("latex", "")),
            str(d["value"]), int(d["digits_verified"]), str(d["certification"]),
            str(d["convergence"]), float(d["digits_per_term"]),
            None if delta is None or not math.isfinite(float(delta)) else float(delta),
            None if d.get("delta_depth") is None else int(d["delta_depth"]),
        )

    @classmethod
    def example(cls) -> PCFHit:
        """Euler's fraction ``1/(e - 1) = 0 + 1/(1 + 2/(2 + 3/(3 + ...)))``, i.e.
        ``PCF(a = n, b = n)`` (Euler, "De fractionibus continuis dissertatio", 1744; it is in
        the degree-1 box of :func:`search.pcf.search_pcfs`), verified to 30 digits by the
        enumeration's own verification step.

        Examples:
            >>> from search.pcf import PCFHit
            >>> h = PCFHit.example()
            >>> h.mobius, h.value[:12], h.digits_verified
            ((1, 0, -1, 1), '0.5819767068', 30)
        """
        from search.pcf.enumerate import _verify_hit

        payload = _verify_hit([0, 1], [0, 1], "e", (1, 0, -1, 1), 30, 0)
        assert payload is not None
        return cls.from_json(payload)

    @classmethod
    def tampered(cls) -> PCFHit:
        """:meth:`example` with the Mobius form changed to ``1/(e - 2)``."""
        import dataclasses

        return dataclasses.replace(cls.example(), mobius=(1, 0, -2, 1))
