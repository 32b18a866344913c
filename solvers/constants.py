"""Identify a real number as an expression in fundamental constants.

Given a value known to ``digits`` significant digits (or a :class:`engine.contfrac.PCF`, which
is evaluated first), :func:`identify` looks, in this order, for

1. a rational ``p/q``;
2. a Mobius form ``(c0 + c1 K)/(c2 + c3 K)`` of one catalogue constant ``K``;
3. a root of an integer quadratic (algebraic numbers such as the golden ratio);
4. a product of powers ``(p/q) K1^e1 K2^e2`` (``|e| <= 4``) of the main constants
   (:data:`MONOMIAL_BASE`: ``zeta(3)/pi^3``, ``Gamma(1/4)^4/pi^2``);
5. a small integer relation ``c x = d0 + d1 K1 + d2 K2`` with two catalogue constants;
6. a relation of total degree 2 in ``x`` and one constant (``x = (pi^2 + 1)/(pi + 3)``,
   ``x = sqrt(e + 2)``),

each found by PSLQ (mpmath) using only the *first half* of the digits, and then **re-checked**
with all of them (>= 2x the precision used to find it). One over-fitting rule holds for every
method: a relation with ``k`` nonzero integer coefficients of height ``H``, found among ``T``
candidate bases, is rejected unless ``k log10(H+1) + log10(T) <= digits_used - 4`` (a random
vector of ``digits_used`` digits has relations of height ``10^(digits_used/k)``, and ``T``
tries multiply the chance). The result records the digits used, the digits verified, the
relation, a sympy expression and its LaTeX.

The catalogue (:data:`CATALOGUE`, 68 constants, each with its source in
:data:`CATALOGUE_SOURCES`) holds pi and its powers, e, zeta(2), zeta(3), zeta(5), zeta(7),
zeta(9), zeta(1/2), Catalan, Dirichlet L-values (``L(2,chi_-3)``, ``L(2,chi_-7)``,
``L(2,chi_-8)``, ``L(2,chi_5)``, ``beta(4)``), logs, roots, Euler's gamma, Gompertz's constant,
the golden ratio, the plastic number, tan(1), tanh(1), sin(1), cos(1), Gamma(1/3), Gamma(1/4),
Gamma(1/5), Gamma(2/5), the lemniscate and Gauss constants, Bessel values and ratios
(``I1(2)/I0(2)``, ``J1(1)/J0(1)``, ...), Glaisher, Khinchin, the omega and Dottie constants,
e^pi, pi^e, Li3(1/2), Si(pi), Ei(1), li(2) ..., each evaluated by mpmath at any precision.
Any other constant can be given as an mpmath expression (``constants=["tan(2)"]``), read by
:func:`parse_expression` (never ``eval``).

References:
    H. R. P. Ferguson, D. H. Bailey, S. Arno, "Analysis of PSLQ, an integer relation finding
    algorithm", Math. Comp. 68 (1999) 351-369.
    G. Raayoni et al., "Generating conjectures on fundamental constants with the Ramanujan
    Machine", Nature 590 (2021) (Mobius-form identification of PCF limits).

Examples:
    >>> from engine.contfrac import PCF
    >>> from solvers.constants import identify
    >>> r = identify(PCF("34n^3+51n^2+27n+5", "-n^6").limit(digits=60), digits=60)
    >>> r.expression
    6/zeta(3)
    >>> r.digits_used, r.digits_verified >= 56
    (30, True)
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations
from typing import Any, Literal

import flint
import mpmath
import sympy

from engine.errors import InvalidInputError, VerificationError
from engine.precision import precision
from engine.results import Result

__all__ = [
    "CATALOGUE",
    "CATALOGUE_SOURCES",
    "MONOMIAL_BASE",
    "LINEAR_BASE",
    "IdentifyResult",
    "identify",
    "constant_value",
    "resolve_constant",
    "check_mobius",
    "check_mobius_coefficients",
    "parse_expression",
    "ParsedExpression",
    "expression_text",
]


def _bessel_ratio(x: int) -> Callable[[], Any]:
    return lambda: mpmath.besseli(1, x) / mpmath.besseli(0, x)


def _named_constant(name: str, tex: str, fn: Callable[[], Any]) -> Any:
    """A sympy number for a constant sympy does not know (an L-value, Khinchin's constant):
    it prints as ``name``, typesets as ``tex`` and evaluates through mpmath (``sympy.N``)."""

    def _as_mpf_val(self, prec):
        with mpmath.workprec(prec + 20):
            return mpmath.mpf(fn())._mpf_

    ns = {"__slots__": (), "is_real": True, "is_number": True, "is_commutative": True,
          "is_positive": None, "_as_mpf_val": _as_mpf_val,
          "_latex": lambda self, printer: tex, "_sympystr": lambda self, printer: name,
          "approximation_interval": lambda self, number_cls: None}
    cls = type(f"Catalogue_{re.sub(r'[^A-Za-z0-9]', '_', name)}", (sympy.NumberSymbol,), ns)
    return sympy.Expr.__new__(cls)


def _dirichlet(s: int, chi: Sequence[int]) -> Callable[[], Any]:
    return lambda: mpmath.dirichlet(s, list(chi))


def _r(p: int, q: int) -> Any:
    return sympy.Rational(p, q)


def _lemniscate() -> Any:
    return mpmath.gamma(mpmath.mpf(1) / 4) ** 2 / (2 * mpmath.sqrt(2 * mpmath.pi))


def _entries() -> dict[str, tuple[Any, Callable[[], Any], str]]:
    """name -> (sympy expression, mpmath evaluator, source)."""
    M, S = mpmath, sympy
    nc = _named_constant
    one = M.mpf(1)
    return {
        "pi": (S.pi, lambda: +M.pi, "Archimedes"),
        "e": (S.E, lambda: +M.e, "Euler 1737"),
        "zeta(3)": (S.zeta(3), lambda: M.zeta(3), "Apery's constant, OEIS A002117"),
        "zeta(5)": (S.zeta(5), lambda: M.zeta(5), "OEIS A013663"),
        "zeta(2)": (S.pi**2 / 6, lambda: M.zeta(2), "Euler 1734 (Basel problem)"),
        "catalan": (S.Catalan, lambda: +M.catalan, "OEIS A006752"),
        "log(2)": (S.log(2), lambda: M.log(2), "OEIS A002162"),
        "log(3)": (S.log(3), lambda: M.log(3), "OEIS A002391"),
        "euler_gamma": (S.EulerGamma, lambda: +M.euler, "OEIS A001620"),
        "gompertz": (-S.E * S.Ei(-1), lambda: -M.e * M.ei(-1), "OEIS A073003"),
        "sqrt(2)": (S.sqrt(2), lambda: M.sqrt(2), "OEIS A002193"),
        "sqrt(3)": (S.sqrt(3), lambda: M.sqrt(3), "OEIS A002194"),
        "golden_ratio": (S.GoldenRatio, lambda: +M.phi, "OEIS A001622"),
        "pi^2": (S.pi**2, lambda: M.pi**2, "OEIS A002388"),
        "e^2": (S.E**2, lambda: M.e**2, "OEIS A072334"),
        "I1(2)/I0(2)": (S.besseli(1, 2) / S.besseli(0, 2), _bessel_ratio(2), "Bessel ratio"),
        "I1(1)/I0(1)": (S.besseli(1, 1) / S.besseli(0, 1), _bessel_ratio(1), "Bessel ratio"),
        # -- zeta values, powers of pi, logs, roots
        "zeta(7)": (S.zeta(7), lambda: M.zeta(7), "OEIS A013665"),
        "zeta(9)": (S.zeta(9), lambda: M.zeta(9), "OEIS A013667"),
        "pi^3": (S.pi**3, lambda: M.pi**3, "OEIS A091925"),
        "pi^4": (S.pi**4, lambda: M.pi**4, "OEIS A092425"),
        "log(5)": (S.log(5), lambda: M.log(5), "OEIS A016628"),
        "log(7)": (S.log(7), lambda: M.log(7), "OEIS A016630"),
        "sqrt(5)": (S.sqrt(5), lambda: M.sqrt(5), "OEIS A002163"),
        "cbrt(2)": (S.cbrt(2), lambda: M.cbrt(2), "OEIS A002580"),
        "log(pi)": (S.log(S.pi), lambda: M.log(M.pi), "OEIS A053510"),
        "sqrt(pi)": (S.sqrt(S.pi), lambda: M.sqrt(M.pi), "OEIS A002161"),
        "log(2)^2": (S.log(2) ** 2, lambda: M.log(2) ** 2, "OEIS A253191"),
        "pi*log(2)": (S.pi * S.log(2), lambda: M.pi * M.log(2), "product"),
        "log(1+sqrt(2))": (S.log(1 + S.sqrt(2)), lambda: M.log(1 + M.sqrt(2)), "OEIS A091648"),
        "plastic": (S.CRootOf(S.Symbol("t") ** 3 - S.Symbol("t") - 1, 0),
                    lambda: M.findroot(lambda t: t**3 - t - 1, M.mpf("1.3247")), "OEIS A060006"),
        # -- exponentials and trigonometric values
        "tan(1)": (S.tan(1), lambda: M.tan(1), "OEIS A049471 (Lambert 1768: CF 1/(1 - 1/(3 - ...)))"),
        "tanh(1)": (S.tanh(1), lambda: M.tanh(1), "OEIS A073744"),
        "sin(1)": (S.sin(1), lambda: M.sin(1), "OEIS A049469"),
        "cos(1)": (S.cos(1), lambda: M.cos(1), "OEIS A049470"),
        "sinh(1)": (S.sinh(1), lambda: M.sinh(1), "OEIS A073742"),
        "atan(1/2)": (S.atan(_r(1, 2)), lambda: M.atan(one / 2), "OEIS A073000"),
        "sqrt(e)": (S.sqrt(S.E), lambda: M.sqrt(M.e), "OEIS A019774"),
        "e^pi": (S.exp(S.pi), lambda: M.exp(M.pi), "Gelfond's constant, OEIS A039661"),
        "pi^e": (S.pi**S.E, lambda: M.pi**M.e, "OEIS A059850"),
        "e^euler_gamma": (S.exp(S.EulerGamma), lambda: M.exp(M.euler), "OEIS A073004"),
        # -- Gamma values, lemniscate, Gauss, Airy
        "Gamma(1/3)": (S.gamma(_r(1, 3)), lambda: M.gamma(one / 3), "OEIS A073005"),
        "Gamma(1/4)": (S.gamma(_r(1, 4)), lambda: M.gamma(one / 4), "OEIS A068466"),
        "Gamma(1/5)": (S.gamma(_r(1, 5)), lambda: M.gamma(one / 5), "OEIS A175380"),
        "Gamma(2/5)": (S.gamma(_r(2, 5)), lambda: M.gamma(2 * one / 5), "OEIS A175379"),
        "lemniscate": (S.gamma(_r(1, 4)) ** 2 / (2 * S.sqrt(2 * S.pi)), _lemniscate,
                       "lemniscate constant varpi, OEIS A062539"),
        "gauss": (S.gamma(_r(1, 4)) ** 2 / (2 * S.sqrt(2 * S.pi) * S.pi),
                  lambda: 1 / M.agm(1, M.sqrt(2)), "Gauss's constant 1/agm(1, sqrt 2), OEIS A014549"),
        "Ai(0)": (S.airyai(0), lambda: M.airyai(0), "OEIS A284867"),
        # -- Bessel values and ratios
        "J1(2)/J0(2)": (S.besselj(1, 2) / S.besselj(0, 2),
                        lambda: M.besselj(1, 2) / M.besselj(0, 2), "Bessel ratio"),
        "J1(1)/J0(1)": (S.besselj(1, 1) / S.besselj(0, 1),
                        lambda: M.besselj(1, 1) / M.besselj(0, 1), "Bessel ratio"),
        "I0(1)": (S.besseli(0, 1), lambda: M.besseli(0, 1), "OEIS A197036"),
        "I0(2)": (S.besseli(0, 2), lambda: M.besseli(0, 2), "OEIS A070910"),
        "I1(1)": (S.besseli(1, 1), lambda: M.besseli(1, 1), "OEIS A096789"),
        # -- Dirichlet L-values (Catalan-like)
        "L(2,chi_-3)": (nc("L(2,chi_-3)", r"L(2,\chi_{-3})", _dirichlet(2, (0, 1, -1))),
                        _dirichlet(2, (0, 1, -1)), "OEIS A086724"),
        "L(2,chi_-7)": (nc("L(2,chi_-7)", r"L(2,\chi_{-7})", _dirichlet(2, (0, 1, 1, -1, 1, -1, -1))),
                        _dirichlet(2, (0, 1, 1, -1, 1, -1, -1)), "Dirichlet L-value"),
        "L(2,chi_-8)": (nc("L(2,chi_-8)", r"L(2,\chi_{-8})", _dirichlet(2, (0, 1, 0, 1, 0, -1, 0, -1))),
                        _dirichlet(2, (0, 1, 0, 1, 0, -1, 0, -1)), "Dirichlet L-value"),
        "L(2,chi_5)": (nc("L(2,chi_5)", r"L(2,\chi_{5})", _dirichlet(2, (0, 1, -1, -1, 1))),
                       _dirichlet(2, (0, 1, -1, -1, 1)), "Dirichlet L-value"),
        "beta(4)": (nc("beta(4)", r"\beta(4)", _dirichlet(4, (0, 1, 0, -1))),
                    _dirichlet(4, (0, 1, 0, -1)), "Dirichlet beta(4), OEIS A175572"),
        "li3(1/2)": (S.polylog(3, _r(1, 2)), lambda: M.polylog(3, one / 2), "OEIS A099218"),
        # -- other classical constants
        "glaisher": (nc("glaisher", "A", lambda: +M.glaisher), lambda: +M.glaisher,
                     "Glaisher-Kinkelin, OEIS A074962"),
        "khinchin": (nc("khinchin", "K_0", lambda: +M.khinchin), lambda: +M.khinchin,
                     "Khinchin's constant, OEIS A002210"),
        "omega": (S.LambertW(1), lambda: M.lambertw(1).real, "omega constant W(1), OEIS A030178"),
        "dottie": (nc("dottie", r"\mathrm{Dottie}", lambda: M.findroot(lambda t: M.cos(t) - t, M.mpf("0.739"))),
                   lambda: M.findroot(lambda t: M.cos(t) - t, M.mpf("0.739")),
                   "Dottie number cos(x) = x, OEIS A003957"),
        "levy": (S.pi**2 / (12 * S.log(2)), lambda: M.pi**2 / (12 * M.log(2)),
                 "Levy's constant (exponent), OEIS A100199"),
        "Si(pi)": (S.Si(S.pi), lambda: M.si(M.pi), "Wilbraham-Gibbs, OEIS A036792"),
        "Ei(1)": (S.Ei(1), lambda: M.ei(1), "OEIS A091725"),
        "li(2)": (S.li(2), lambda: M.li(2), "OEIS A069284"),
        "zeta(1/2)": (S.zeta(_r(1, 2)), lambda: M.zeta(one / 2), "OEIS A059750"),
    }


_ENTRIES = _entries()
#: name -> (sympy expression, mpmath evaluator at the current precision)
CATALOGUE: dict[str, tuple[Any, Callable[[], Any]]] = {k: (v[0], v[1]) for k, v in _ENTRIES.items()}
#: name -> where the constant comes from (OEIS entry or classical source)
CATALOGUE_SOURCES: dict[str, str] = {k: v[2] for k, v in _ENTRIES.items()}

#: The constants whose products and powers :func:`identify` tries (``zeta(3)/pi^3``);
#: square roots only to the first power (their squares are rational).
MONOMIAL_BASE: tuple[str, ...] = ("pi", "e", "zeta(3)", "zeta(5)", "zeta(7)", "catalan", "log(2)",
                                  "log(3)", "euler_gamma", "Gamma(1/3)", "Gamma(1/4)",
                                  "sqrt(2)", "sqrt(3)", "sqrt(5)")
#: The constants :func:`identify` pairs in linear relations when no constants are given.
LINEAR_BASE: tuple[str, ...] = ("pi", "e", "zeta(3)", "zeta(5)", "zeta(2)", "catalan", "log(2)",
                                "log(3)", "euler_gamma", "gompertz", "sqrt(2)", "sqrt(3)",
                                "golden_ratio", "pi^2", "e^2", "I1(2)/I0(2)", "I1(1)/I0(1)")

_ALIASES = {
    "pi": "pi", "π": "pi", "e": "e", "zeta3": "zeta(3)", "zeta(3)": "zeta(3)",
    "apery": "zeta(3)", "zeta5": "zeta(5)", "zeta(5)": "zeta(5)", "zeta2": "zeta(2)",
    "zeta(2)": "zeta(2)", "catalan": "catalan", "g": "catalan", "log(2)": "log(2)",
    "log2": "log(2)", "ln2": "log(2)", "ln(2)": "log(2)", "log(3)": "log(3)", "log3": "log(3)",
    "ln3": "log(3)", "ln(3)": "log(3)", "euler_gamma": "euler_gamma", "gamma": "euler_gamma",
    "euler": "euler_gamma", "eulergamma": "euler_gamma", "gompertz": "gompertz",
    "sqrt(2)": "sqrt(2)", "sqrt2": "sqrt(2)", "sqrt(3)": "sqrt(3)", "sqrt3": "sqrt(3)",
    "golden_ratio": "golden_ratio", "goldenratio": "golden_ratio", "phi": "golden_ratio",
    "golden": "golden_ratio", "pi^2": "pi^2", "pi**2": "pi^2", "pi2": "pi^2", "e^2": "e^2",
    "e**2": "e^2", "e2": "e^2", "i1(2)/i0(2)": "I1(2)/I0(2)", "i1(1)/i0(1)": "I1(1)/I0(1)",
    "bessel2": "I1(2)/I0(2)", "bessel1": "I1(1)/I0(1)",
    "zeta7": "zeta(7)", "zeta9": "zeta(9)", "pi3": "pi^3", "pi**3": "pi^3", "pi4": "pi^4",
    "pi**4": "pi^4", "ln5": "log(5)", "ln7": "log(7)", "log5": "log(5)", "log7": "log(7)",
    "sqrt5": "sqrt(5)", "2^(1/3)": "cbrt(2)", "tan1": "tan(1)", "tanh1": "tanh(1)",
    "exp(pi)": "e^pi", "exp(1/2)": "sqrt(e)", "e^(1/2)": "sqrt(e)", "gamma(1/3)": "Gamma(1/3)",
    "gamma(1/4)": "Gamma(1/4)", "gamma(1/5)": "Gamma(1/5)", "gamma(2/5)": "Gamma(2/5)",
    "beta4": "beta(4)", "dirichlet_beta(4)": "beta(4)", "w(1)": "omega", "lambertw(1)": "omega",
    "asinh(1)": "log(1+sqrt(2))", "airyai(0)": "Ai(0)", "exp(euler_gamma)": "e^euler_gamma",
}
_ALIASES.update({k.lower().replace(" ", ""): k for k in CATALOGUE})


def check_mobius_coefficients(coeffs: Any, name: str = "mobius") -> tuple[int, int, int, int]:
    """``coeffs`` as four ints ``(c0, c1, c2, c3)``, else :class:`InvalidInputError`.

    Examples:
        >>> from solvers.constants import check_mobius_coefficients
        >>> check_mobius_coefficients([1, 0, -1, 1])
        (1, 0, -1, 1)
    """
    import numbers

    ok = isinstance(coeffs, Sequence) and not isinstance(coeffs, str | bytes) and len(coeffs) == 4 \
        and all(isinstance(c, numbers.Integral) and not isinstance(c, bool) for c in coeffs)
    if not ok:
        shown = repr(coeffs) if len(repr(coeffs)) <= 40 else repr(coeffs)[:40] + "..."
        raise InvalidInputError(f"{name}={shown} must be four integers (c0, c1, c2, c3) of "
                                "(c0 + c1 K)/(c2 + c3 K)")
    return tuple(int(c) for c in coeffs)  # type: ignore[return-value]


def _check_int(name: str, value: Any, lo: int, hi: int) -> int:
    import numbers

    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not lo <= value <= hi:
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:40] + "..."
        raise InvalidInputError(f"{name}={shown} must be an integer between {lo} and {hi}")
    return int(value)


def resolve_constant(name: str) -> str:
    """Canonical catalogue name of ``name`` (case, spaces and common aliases ignored).

    Raises:
        InvalidInputError: an unknown constant.

    Examples:
        >>> from solvers.constants import resolve_constant
        >>> resolve_constant("Log 2"), resolve_constant("Catalan")
        ('log(2)', 'catalan')
    """
    if not isinstance(name, str):
        raise InvalidInputError(f"constant={name!r} must be a string such as 'pi' or 'log(2)'")
    key = name.strip().lower().replace(" ", "")
    if key in _ALIASES:
        return _ALIASES[key]
    raise InvalidInputError(
        f"unknown constant {name!r}; choose from {', '.join(CATALOGUE)}"
    )


def constant_value(name: str, dps: int):
    """The catalogue constant ``name`` as an mpmath ``mpf`` with ``dps`` digits.

    Examples:
        >>> from solvers.constants import constant_value
        >>> import mpmath
        >>> mpmath.nstr(constant_value("gompertz", 20), 15)
        '0.596347362323194'
    """
    key = resolve_constant(name)
    dps = _check_int("dps", dps, 1, 100000)
    with mpmath.workdps(dps + 10):
        return CATALOGUE[key][1]()


def expression_text(expr: Any) -> str:
    """A sympy expression as text for people: ``e`` (not sympy's ``E``), ``phi``, ``catalan``,
    ``euler_gamma``, ``e^2`` for ``exp(2)``, ``^`` for powers (LaTeX is left to ``sympy.latex``).

    Examples:
        >>> import sympy
        >>> from solvers.constants import expression_text
        >>> expression_text(1 / (sympy.E - 1)), expression_text(sympy.exp(2) / 7)
        ('1/(-1 + e)', 'e^2/7')
        >>> expression_text(6 / sympy.zeta(3)), expression_text(sympy.pi**2 / 6)
        ('6/zeta(3)', 'pi^2/6')
    """
    from sympy.printing.str import StrPrinter

    class _Text(StrPrinter):
        def _print_Exp1(self, e):
            return "e"

        def _print_GoldenRatio(self, e):
            return "phi"

        def _print_EulerGamma(self, e):
            return "euler_gamma"

        def _print_Catalan(self, e):
            return "catalan"

        def _print_exp(self, e):
            arg = e.args[0]
            if arg.is_Integer or arg.is_Rational:
                return f"e^{self.parenthesize(arg, 1000) if not arg.is_Integer or arg < 0 else arg}"
            return f"exp({self._print(arg)})"

        def _print_Pow(self, e, rational=False):
            return super()._print_Pow(e, rational).replace("**", "^")

    try:
        return _Text().doprint(expr).replace("**", "^")
    except Exception:  # noqa: BLE001 - printing must never fail: fall back to sympy's text
        return str(expr)


# --------------------------------------------------------------------------- expressions
#: The longest expression text :func:`parse_expression` accepts.
MAX_EXPRESSION_LENGTH = 1000
#: No value inside an expression may exceed ``10^MAX_EXPRESSION_EXPONENT`` in absolute value.
MAX_EXPRESSION_EXPONENT = 1000

_NAMED = {"e": "e", "E": "e", "pi": "pi", "π": "pi", "catalan": "catalan", "G": "catalan",
          "gamma": "euler_gamma", "euler": "euler_gamma", "euler_gamma": "euler_gamma",
          "phi": "golden_ratio", "golden_ratio": "golden_ratio"}


def _functions() -> dict[str, tuple[Any, Any, tuple[int, ...]]]:
    """name -> (sympy function, mpmath function, accepted numbers of arguments)."""
    return {
        "sqrt": (sympy.sqrt, mpmath.sqrt, (1,)), "exp": (sympy.exp, mpmath.exp, (1,)),
        "log": (sympy.log, mpmath.log, (1, 2)), "ln": (sympy.log, mpmath.log, (1,)),
        "sin": (sympy.sin, mpmath.sin, (1,)), "cos": (sympy.cos, mpmath.cos, (1,)),
        "tan": (sympy.tan, mpmath.tan, (1,)), "cot": (sympy.cot, mpmath.cot, (1,)),
        "asin": (sympy.asin, mpmath.asin, (1,)), "acos": (sympy.acos, mpmath.acos, (1,)),
        "atan": (sympy.atan, mpmath.atan, (1,)), "sinh": (sympy.sinh, mpmath.sinh, (1,)),
        "cosh": (sympy.cosh, mpmath.cosh, (1,)), "tanh": (sympy.tanh, mpmath.tanh, (1,)),
        "coth": (sympy.coth, mpmath.coth, (1,)), "asinh": (sympy.asinh, mpmath.asinh, (1,)),
        "acosh": (sympy.acosh, mpmath.acosh, (1,)), "atanh": (sympy.atanh, mpmath.atanh, (1,)),
        "zeta": (sympy.zeta, mpmath.zeta, (1,)), "gamma": (sympy.gamma, mpmath.gamma, (1,)),
        "besseli": (sympy.besseli, mpmath.besseli, (2,)),
        "besselj": (sympy.besselj, mpmath.besselj, (2,)),
    }


@dataclass(frozen=True)
class ParsedExpression:
    """A real constant expression checked by :func:`parse_expression`.

    Attributes:
        text: the expression as given (stripped).
        rational: its exact value when it is a rational number built from integers with
            ``+ - * /`` and integer powers (``"1/3"``, ``"2^-3"``), else None.
        has_decimal: it contains a decimal number (``"0.5"``): its value is then only as
            precise as that number's digits.
        constant: the catalogue name when the whole text names a catalogue constant
            (``"Log 2"``, ``"zeta3"``), else None.
    """

    text: str
    rational: Fraction | None
    has_decimal: bool
    constant: str | None = None

    def value(self, dps: int) -> Any:
        """The value as an mpmath ``mpf`` with ``dps`` digits (evaluated afresh)."""
        with mpmath.workdps(dps):
            if self.constant is not None:
                return +CATALOGUE[self.constant][1]()
            return +_ExprWalker(self.text).numeric(_parse_ast(self.text))

    def sympy(self) -> Any:
        """The sympy expression (catalogue constants as sympy's ``E``, ``pi``, ...)."""
        if self.constant is not None:
            return CATALOGUE[self.constant][0]
        return _ExprWalker(self.text).symbolic(_parse_ast(self.text))


def _parse_ast(text: str) -> Any:
    import ast

    try:
        return ast.parse(text.replace("^", "**"), mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        raise InvalidInputError(
            f"expression={_short(text)} cannot be parsed; write e.g. 'e', 'pi', '(e+1)/(e-1)', "
            "'sqrt(2)', 'tan(1)' (operators + - * / ^, catalogue constants, functions such as "
            "exp, log, sqrt, sin, zeta)"
        ) from None


def _short(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "...")


class _ExprWalker:
    """Walk a Python AST restricted to numbers, catalogue constants, ``+ - * / **`` and the
    functions of :func:`_functions`; anything else is an :class:`InvalidInputError`."""

    def __init__(self, text: str):
        self.text = text
        self.funcs = _functions()
        self.depth = 0

    def fail(self, what: str):
        raise InvalidInputError(f"expression={_short(self.text)}: {what}; use numbers, + - * / ^, "
                                "catalogue constants (e, pi, catalan, gamma, phi, ...) and "
                                "functions such as exp, log, sqrt, sin, zeta")

    def _kids(self, node):
        import ast

        self.depth += 1
        if self.depth > 200:
            self.fail("nested too deeply")
        if isinstance(node, ast.BinOp):
            if not isinstance(node.op, ast.Add | ast.Sub | ast.Mult | ast.Div | ast.Pow):
                self.fail(f"operator {type(node.op).__name__} is not allowed")
            return "bin", [node.left, node.right]
        if isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, ast.USub | ast.UAdd):
                self.fail(f"operator {type(node.op).__name__} is not allowed")
            return "un", [node.operand]
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, int | float):
                self.fail(f"{node.value!r} is not a real number")
            return "num", []
        if isinstance(node, ast.Name):
            return "name", []
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.keywords:
                self.fail("only calls such as sqrt(2) or zeta(3) are allowed")
            name = node.func.id
            if name not in self.funcs:
                self.fail(f"unknown function {name!r}")
            if len(node.args) not in self.funcs[name][2]:
                self.fail(f"{name} takes {' or '.join(map(str, self.funcs[name][2]))} argument(s)")
            return "call", list(node.args)
        self.fail(f"{type(node).__name__} is not allowed")

    def _literal(self, node) -> str:
        seg = None
        try:
            import ast

            seg = ast.get_source_segment(self.text.replace("^", "**"), node)
        except Exception:  # noqa: BLE001 - only used for the decimal text
            seg = None
        return seg if seg else repr(node.value)

    def _constant(self, name: str) -> str:
        key = _NAMED.get(name)
        if key is None:
            try:
                key = resolve_constant(name)
            except InvalidInputError:
                self.fail(f"unknown name {name!r} (free symbols are not allowed)")
        return key

    def numeric(self, node) -> Any:
        """The value at the current mpmath precision (every node finite, real, bounded)."""
        import ast

        kind, kids = self._kids(node)
        big = mpmath.mpf(10) ** MAX_EXPRESSION_EXPONENT
        try:
            if kind == "num":
                v = mpmath.mpf(node.value) if isinstance(node.value, int) else \
                    mpmath.mpf(self._literal(node))
            elif kind == "name":
                v = CATALOGUE[self._constant(node.id)][1]()
            elif kind == "un":
                v = self.numeric(kids[0])
                v = -v if isinstance(node.op, ast.USub) else v
            elif kind == "bin":
                x, y = self.numeric(kids[0]), self.numeric(kids[1])
                op = node.op
                if isinstance(op, ast.Div) and y == 0:
                    self.fail("division by zero")
                if isinstance(op, ast.Pow):
                    if x == 0 and y <= 0:
                        self.fail("0 raised to a power <= 0")
                    if x != 0 and abs(y) * abs(mpmath.log10(abs(x))) > MAX_EXPRESSION_EXPONENT:
                        self.fail(f"a power exceeds 10^{MAX_EXPRESSION_EXPONENT}")
                    v = mpmath.power(x, y)
                else:
                    v = {ast.Add: lambda: x + y, ast.Sub: lambda: x - y, ast.Mult: lambda: x * y,
                         ast.Div: lambda: x / y}[type(op)]()
            else:
                name = node.func.id
                args = [self.numeric(k) for k in kids]
                if name == "zeta" and (args[0] == 1 or abs(args[0]) > 1000):
                    self.fail("zeta(s) needs s != 1 and |s| <= 1000")
                if name in ("besseli", "besselj") and abs(args[0]) > 1000:
                    self.fail(f"{name}(nu, x) needs |nu| <= 1000")
                if name == "gamma" and args[0] <= 0 and args[0] == mpmath.floor(args[0]):
                    self.fail("gamma has a pole at 0, -1, -2, ...")
                if name in ("log", "ln") and any(a == 0 for a in args):
                    self.fail("log(0) is not finite")
                if name == "log" and len(args) == 2 and args[1] == 1:
                    self.fail("log base 1")
                v = self.funcs[name][1](*args)
        except (ValueError, ZeroDivisionError, OverflowError, TypeError, ArithmeticError) as exc:
            if isinstance(exc, InvalidInputError):
                raise
            self.fail(f"undefined value ({type(exc).__name__})")
        finally:
            self.depth -= 1
        if not isinstance(v, mpmath.mpf):
            if isinstance(v, mpmath.mpc) and v.imag == 0:
                v = v.real
            else:
                self.fail("the value is not a real number")
        if not mpmath.isfinite(v):
            self.fail("the value is not finite")
        if abs(v) > big:
            self.fail(f"a value exceeds 10^{MAX_EXPRESSION_EXPONENT}")
        return v

    def exact(self, node) -> Fraction | None:
        """The exact rational value, or None (constants, functions, decimals, big powers)."""
        import ast

        kind, kids = self._kids(node)
        try:
            if kind == "num":
                return Fraction(node.value) if isinstance(node.value, int) else None
            if kind == "un":
                x = self.exact(kids[0])
                return None if x is None else (-x if isinstance(node.op, ast.USub) else x)
            if kind == "bin":
                x, y = self.exact(kids[0]), self.exact(kids[1])
                if x is None or y is None:
                    return None
                op = node.op
                if isinstance(op, ast.Pow):
                    if y.denominator != 1 or abs(y) > 4096 or (x == 0 and y <= 0):
                        return None
                    return x ** int(y)
                if isinstance(op, ast.Div):
                    return None if y == 0 else x / y
                return {ast.Add: x + y, ast.Sub: x - y, ast.Mult: x * y}[type(op)]
            return None
        finally:
            self.depth -= 1

    def has_decimal(self, node) -> bool:
        kind, kids = self._kids(node)
        try:
            if kind == "num":
                return isinstance(node.value, float)
            return any(self.has_decimal(k) for k in kids)
        finally:
            self.depth -= 1

    def symbolic(self, node) -> Any:
        import ast

        kind, kids = self._kids(node)
        try:
            if kind == "num":
                return sympy.Integer(node.value) if isinstance(node.value, int) else \
                    sympy.Float(self._literal(node))
            if kind == "name":
                return CATALOGUE[self._constant(node.id)][0]
            if kind == "un":
                x = self.symbolic(kids[0])
                return -x if isinstance(node.op, ast.USub) else x
            if kind == "bin":
                x, y = self.symbolic(kids[0]), self.symbolic(kids[1])
                return {ast.Add: lambda: x + y, ast.Sub: lambda: x - y, ast.Mult: lambda: x * y,
                        ast.Div: lambda: x / y, ast.Pow: lambda: x ** y}[type(node.op)]()
            return self.funcs[node.func.id][0](*[self.symbolic(k) for k in kids])
        finally:
            self.depth -= 1


def parse_expression(text: Any) -> ParsedExpression:
    """Check a real constant expression such as ``"(e+1)/(e-1)"``, ``"tan(1)"``, ``"e^2"``.

    The text is read as a Python expression tree restricted to numbers, ``+ - * / ^ **``,
    catalogue constants (``e``, ``pi``, ``catalan``/``G``, ``gamma`` (Euler's constant),
    ``phi`` and every name :func:`resolve_constant` knows) and the functions ``sqrt exp log ln
    sin cos tan cot asin acos atan sinh cosh tanh coth asinh acosh atanh zeta gamma besseli
    besselj``; it is never passed to ``eval``. It is evaluated once at 30 digits: every
    intermediate value must be a finite real number of absolute value at most ``10^1000``
    (``1/0``, ``log(0)``, ``sqrt(-1)``, ``zeta(1)`` and ``10^10^10`` are refused).

    Raises:
        InvalidInputError: (one line) what is wrong, naming the expression.

    Examples:
        >>> from solvers.constants import parse_expression
        >>> p = parse_expression("(e+1)/(e-1)")
        >>> p.rational is None, str(p.sympy())
        (True, '(1 + E)/(-1 + E)')
        >>> parse_expression("2^-3").rational
        Fraction(1, 8)
        >>> parse_expression("1/0")
        Traceback (most recent call last):
        ...
        engine.errors.InvalidInputError: expression='1/0': division by zero; use numbers, + - * / ^, catalogue constants (e, pi, catalan, gamma, phi, ...) and functions such as exp, log, sqrt, sin, zeta
    """
    if not isinstance(text, str):
        raise InvalidInputError(f"expression={text!r} must be a string such as '(e+1)/(e-1)'")
    t = text.strip()
    if not t:
        raise InvalidInputError("expression='' is empty; give e.g. 'e' or '(e+1)/(e-1)'")
    if len(t) > MAX_EXPRESSION_LENGTH:
        raise InvalidInputError(
            f"expression={_short(t)} has {len(t)} characters, more than {MAX_EXPRESSION_LENGTH}")
    if "__" in t or any(ch in t for ch in "[]{};:=@&|~!`$\\'\"#<>"):
        raise InvalidInputError(
            f"expression={_short(t)} cannot be parsed; write e.g. 'e', 'pi', '(e+1)/(e-1)'")
    try:
        return ParsedExpression(t, None, False, resolve_constant(t))
    except InvalidInputError:
        pass
    node = _parse_ast(t)
    w = _ExprWalker(t)
    with mpmath.workdps(30):
        w.numeric(node)
    return ParsedExpression(t, w.exact(node), w.has_decimal(node))


Method = Literal["auto", "rational", "mobius", "algebraic", "linear", "monomial", "quadratic"]
_METHODS: dict[str, tuple[str, ...]] = {
    "auto": ("rational", "mobius", "algebraic", "monomial", "linear", "quadratic"),
    "rational": ("rational",),
    "mobius": ("rational", "mobius"),
    "algebraic": ("rational", "algebraic"),
    "linear": ("rational", "linear"),
    "monomial": ("rational", "monomial"),
    "quadratic": ("rational", "quadratic"),
}


def _user_constant(text: str) -> tuple[str, Any, Callable[[], Any], int | None]:
    """A constant given as an mpmath expression (``"tan(1)"``, ``"besseli(1,2)/besseli(0,2)"``):
    ``(name, sympy, evaluator, digits it carries or None for any)``; a catalogue name is
    returned as such."""
    try:
        key = resolve_constant(text)
        return key, CATALOGUE[key][0], CATALOGUE[key][1], None
    except InvalidInputError:
        pass
    parsed = parse_expression(text)
    carried = None
    if parsed.has_decimal:
        # the mantissas of the float literals ("2.5", ".5", "3.", and "1e-3", "0E0" without a
        # point); each carries its significant digits (at least one)
        carried = min((max(1, len(m.group(0).replace(".", "").lstrip("0"))) for m in
                       re.finditer(r"[0-9]*\.[0-9]+|[0-9]+\.[0-9]*|[0-9]+(?=[eE][+-]?[0-9])", parsed.text)),
                      default=None)
    name = parsed.text.replace(" ", "")
    return name, parsed.sympy(), lambda: parsed.value(mpmath.mp.dps), carried


def _constant_table(constants: Sequence[str] | None, digits: int) -> dict[str, tuple]:
    """name -> (sympy, evaluator) for ``constants`` (catalogue names or expressions)."""
    if constants is None:
        return {k: CATALOGUE[k] for k in CATALOGUE}
    out: dict[str, tuple] = {}
    for c in constants:
        if not isinstance(c, str):
            raise InvalidInputError(f"constant={c!r:.40} must be a string such as 'pi' or 'tan(1)'")
        name, sym, fn, carried = _user_constant(c)
        if carried is not None and carried < digits:
            raise InvalidInputError(
                f"constant {c!r:.60} carries only {carried} significant digits (its decimal "
                f"numbers), but {digits} are needed; give its decimals to >= {digits} digits or "
                f"identify with digits <= {carried}")
        out[name] = (sym, fn)
    return out


def _const_sym(name: str) -> Any:
    if name in CATALOGUE:
        return CATALOGUE[name][0]
    return _user_constant(name)[1]


def _const_val(name: str) -> Any:
    """The constant ``name`` (catalogue or expression) at the current precision."""
    if name in CATALOGUE:
        return CATALOGUE[name][1]()
    return _user_constant(name)[2]()


@dataclass(frozen=True)
class IdentifyResult(Result):
    """An identification ``value = expression``, verified at twice the precision used.

    Attributes:
        value: the input value (decimal string).
        expression: the sympy expression.
        latex: its LaTeX.
        method: ``"rational"``, ``"mobius"``, ``"algebraic"`` or ``"linear"``.
        constants: catalogue names involved.
        relation: the integer relation found, with ``basis`` the symbolic basis it applies to
            (``sum(relation[i] * basis[i]) = 0``).
        digits_used: digits of the value PSLQ saw.
        digits_verified: digits to which the relation holds when re-checked with all digits.
        digits_available: digits of the value given.
        height: the largest absolute coefficient of the relation.
    """

    value: str
    expression: Any
    latex: str
    method: str
    constants: tuple[str, ...]
    relation: tuple[int, ...]
    basis: tuple[str, ...]
    digits_used: int
    digits_verified: int
    digits_available: int
    height: int
    extra: dict = field(default_factory=dict)

    def check(self) -> None:
        """Re-verify the identification from the recorded value.

        The claim: ``digits_verified >= min(2 digits_used, digits_available) - 4`` (twice
        the precision PSLQ saw), ``height`` the largest coefficient, the basis the method's.
        Then, with the catalogue constants recomputed by mpmath at ``digits_available + 15``
        digits, the integer relation must hold for ``value`` to ``digits_verified - 2``
        digits, and the expression, evaluated afresh by sympy, must equal ``value`` to
        ``digits_verified - 2`` digits (the 2 digits cover the rounding of ``value`` to
        ``digits_available`` digits).

        Raises:
            VerificationError: a claim above fails (the message names it).
        """
        if self.digits_verified < min(2 * self.digits_used, self.digits_available) - 4:
            raise VerificationError(
                f"identification verified to {self.digits_verified} digits only "
                f"(used {self.digits_used})"
            )
        if self.digits_verified > self.digits_available:
            raise VerificationError(
                f"digits_verified={self.digits_verified} exceeds the {self.digits_available} digits available")
        rel = tuple(int(c) for c in self.relation)
        if not any(rel) or self.height != max(abs(c) for c in rel):
            raise VerificationError(f"height={self.height} is not the largest coefficient of {rel}")
        want = _basis_of(self.method, tuple(self.constants))
        if want is None or tuple(self.basis) != want or len(rel) != len(want):
            raise VerificationError(
                f"basis {self.basis} with relation {rel} does not fit method {self.method!r} and "
                f"constants {self.constants}")
        dv = self.digits_verified - 2
        with precision(dps=self.digits_available + 15):
            x = mpmath.mpf(self.value)
            if x == 0:
                if rel[1] != 0 or rel[0] == 0:
                    raise VerificationError(f"the relation {rel} does not say value = 0")
            else:
                consts = {k: _const_val(k) for k in self.constants}
                got = _verify(rel, self.method, tuple(self.constants), x, consts, self.digits_available)
                if got < dv:
                    raise VerificationError(
                        f"the relation {rel} over {self.basis} holds for {self.value[:30]} to {got} "
                        f"digits only, not {self.digits_verified}")
            expr_val = mpmath.mpf(sympy.N(self.expression, self.digits_available + 10))
            err = abs(expr_val - x)
            tol = mpmath.mpf(10) ** (-dv)
            if err > abs(x) * tol and err > tol:
                raise VerificationError(
                    f"{self.expression} differs from {self.value[:30]} by {mpmath.nstr(err, 3)}")

    def to_json(self) -> dict:
        out = {
            "value": self.value,
            "expression": str(self.expression),
            "latex": self.latex,
            "method": self.method,
            "constants": list(self.constants),
            "relation": list(self.relation),
            "basis": list(self.basis),
            "digits_used": self.digits_used,
            "digits_verified": self.digits_verified,
            "digits_available": self.digits_available,
            "height": self.height,
        }
        if self.extra:
            out["extra"] = dict(self.extra)
        return out

    @classmethod
    def from_json(cls, d: dict) -> IdentifyResult:
        """Rebuild from :meth:`to_json`; the expression is rebuilt from the relation (as
        :func:`identify` builds it), else parsed from its text."""
        rel = tuple(int(c) for c in d["relation"])
        cnames = tuple(d["constants"])
        avail = int(d["digits_available"])
        expr = None
        try:
            with precision(dps=avail + 15):
                x = mpmath.mpf(d["value"])
                expr = sympy.Integer(0) if x == 0 else _expression(d["method"], rel, cnames, x, avail)
        except (KeyError, IndexError, TypeError, ValueError, ZeroDivisionError):
            expr = None
        if expr is None or str(expr) != d["expression"]:
            expr = sympy.sympify(d["expression"])
        return cls(
            value=d["value"], expression=expr, latex=d["latex"], method=d["method"],
            constants=cnames, relation=rel, basis=tuple(d["basis"]),
            digits_used=int(d["digits_used"]), digits_verified=int(d["digits_verified"]),
            digits_available=avail, height=int(d["height"]), extra=dict(d.get("extra", {})),
        )

    @classmethod
    def example(cls) -> IdentifyResult:
        """``0.69314718055994530941723212145817656807...`` (40 digits of log 2, OEIS
        A002162) identified as ``log(2)`` by :func:`identify` (a Mobius form of the catalogue
        constant log 2, found with 20 digits, verified with all 40).

        Examples:
            >>> from solvers.constants import IdentifyResult
            >>> r = IdentifyResult.example()
            >>> r.expression, r.method, r.digits_verified >= 36
            (log(2), 'mobius', True)
        """
        return identify("0.6931471805599453094172321214581765680755", digits=40)

    @classmethod
    def tampered(cls) -> IdentifyResult:
        """:meth:`example` with the 29th digit of the value changed (5 -> 6)."""
        import dataclasses

        r = cls.example()
        v, k = r.value, 2 + 28  # v = "0.69314...": the 29th digit after the point
        return dataclasses.replace(r, value=v[:k] + str((int(v[k]) + 1) % 10) + v[k + 1:])

    def __str__(self) -> str:
        return f"{expression_text(self.expression)}  (verified to {self.digits_verified} digits)"


def _basis_of(method: str, cnames: tuple[str, ...]) -> tuple[str, ...] | None:
    """The symbolic basis :func:`identify` uses for ``method`` (None if they do not fit)."""
    if method == "rational" and not cnames:
        return ("x", "1")
    if method == "algebraic" and not cnames:
        return ("1", "x", "x^2")
    if method == "mobius" and len(cnames) == 1:
        k = cnames[0]
        return ("x", f"x*{k}", "1", k)
    if method == "linear" and len(cnames) == 2:
        return ("x", "1", cnames[0], cnames[1])
    if method == "monomial" and 1 <= len(cnames) <= 2:
        # q x = p K1^e1 K2^e2: relation (q, p, e1, e2)
        return ("q*x", "p") + tuple(f"exponent of {k}" for k in cnames)
    if method == "quadratic" and len(cnames) == 1:
        k = cnames[0]
        return ("1", "x", k, "x^2", f"x*{k}", f"{k}^2")
    return None


#: The most digits :func:`identify` works with (a longer value is used to this many digits).
MAX_IDENTIFY_DIGITS = 3000
_MAX_VALUE_CHARS = 1_000_000
_DECIMAL = re.compile(
    r"^(?P<sign>[+-]?)(?:(?P<int>[0-9]+)(?:\.(?P<frac>[0-9]*))?|\.(?P<frac2>[0-9]+))"
    r"(?:[eE](?P<exp>[+-]?[0-9]{1,12}))?$")


def _coerce_value(value: Any, digits: int | None) -> tuple[Any, int]:
    """Turn the input into an mpf with a number of trusted digits."""
    from engine.contfrac import PCF, LimitResult

    if isinstance(value, PCF):
        d = digits or 40
        res = value.evaluate(d)
        return res.value, min(d, res.digits)
    if isinstance(value, LimitResult):
        if digits is not None and digits > value.digits:
            raise InvalidInputError(
                f"digits={digits} exceeds the {value.digits} digits certified in the LimitResult "
                f"value; evaluate the fraction to >= {digits} digits (PCF.evaluate(digits)) or "
                "pass the PCF itself"
            )
        return value.value, digits or value.digits
    if isinstance(value, bool):
        raise InvalidInputError(f"value={value!r} is not a number")
    if isinstance(value, mpmath.mpf):
        if not mpmath.isfinite(value):
            raise InvalidInputError(f"value={value!r} is not finite; give a finite real number")
        bc = value._mpf_[3]
        if digits is not None:
            _check_mpf_digits(value, bc, digits)
            return value, digits
        # PCF.limit() and most producers carry ~10 guard digits beyond those certified
        carried = int(bc * math.log10(2)) - 12 if bc > 53 else 15
        return value, max(10, carried)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidInputError(f"value={value!r} is not finite")
        d = digits if digits is not None else 15
        if d > 16:
            raise InvalidInputError(
                f"digits={d} exceeds what a float carries (16); pass the value as a string or mpf"
            )
        return mpmath.mpf(value), d
    if isinstance(value, int | Fraction):
        with mpmath.workdps((digits or 50) + 10):
            return mpmath.mpf(value.numerator) / value.denominator, digits or 50
    if isinstance(value, str):
        txt = value.strip()
        shown = _short(txt, 40)
        if txt.lower().lstrip("+-") in ("nan", "inf", "infinity"):
            raise InvalidInputError(f"value={shown} is not finite; give a finite real number")
        m = _DECIMAL.match(txt)
        if m is None or len(txt) > _MAX_VALUE_CHARS:
            raise InvalidInputError(
                f"value={shown} is not a decimal number"
                + (f" of at most {_MAX_VALUE_CHARS} characters" if m is not None else "")
                + "; write e.g. '4.99144423548424481'")
        sign, whole, frac, expo = m.group("sign"), m.group("int") or "", \
            m.group("frac") or m.group("frac2") or "", \
            m.group("exp")
        digits_text = (whole + frac).lstrip("0")
        sig = len(digits_text) or 1
        e10 = (int(expo) if expo else 0) - len(frac)
        with mpmath.workdps(sig + 20):
            x = mpmath.mpf(int(flint.fmpz(digits_text))) if digits_text else mpmath.mpf(0)
            if e10:
                x = x * mpmath.power(10, e10)
            if sign == "-":
                x = -x
        if not mpmath.isfinite(x):
            raise InvalidInputError(f"value={shown} is not finite; give a finite real number")
        d = digits if digits is not None else min(sig, MAX_IDENTIFY_DIGITS)
        if d > sig:
            raise InvalidInputError(
                f"digits={d} exceeds the {sig} significant digits given in value={shown}; give "
                f"at least {d} digits (trailing zeros if the value is exact) or a Fraction"
            )
        return x, d
    raise InvalidInputError(
        f"value of type {type(value).__name__} is not supported; give an mpf, str, float or PCF"
    )


#: an mpf whose mantissa has at most this many bits is taken as the exact dyadic rational it
#: is (0.5, 3, 0.375): a value rounded to >= 53 bits ends in this many zero bits with
#: probability 2^-21 or less
_EXACT_MANTISSA_BITS = 32
#: bits of slack below digits*log2(10) (trailing zero bits of a correctly rounded mantissa)
_MANTISSA_SLACK_BITS = 10


def _check_mpf_digits(value: Any, bc: int, digits: int) -> None:
    """Raise unless the mpf ``value`` (mantissa of ``bc`` bits) can carry ``digits`` digits.

    An mpf does not record the precision it was computed at (``mpmath.mp.prec`` is global);
    its mantissa, stripped of trailing zero bits, is all there is. So a value rounded to
    ``P`` bits has ``bc <= P``, and ``bc`` falls far below ``P`` only by chance (``2^-k`` for
    ``k`` zero bits). The rule: ``bc >= digits*log2(10) - 10`` (enough bits), or
    ``bc <= 32`` (a short exact dyadic rational such as 0.5, taken as exact). Anything in
    between was rounded to fewer bits than ``digits`` need and is refused.
    """
    need = math.ceil(digits / math.log10(2))
    if bc >= need - _MANTISSA_SLACK_BITS or bc <= _EXACT_MANTISSA_BITS:
        return
    carried = int(bc * math.log10(2))
    raise InvalidInputError(
        f"value carries about {carried} significant digits (its mpf mantissa has {bc} bits, "
        f"{need} are needed) but digits={digits} were requested; compute the value at "
        f">= {digits} digits, e.g. under mpmath.workdps({digits + 10}), pass it as a string "
        f"with >= {digits} digits, a Fraction or the PCF, or lower digits to <= {carried}"
    )


def _pslq(vec: Sequence, dps: int, max_height: int) -> list[int] | None:
    """Smallest integer relation of ``vec`` (known to ``dps`` digits), or None.

    Uses LLL on the lattice ``[I | round(10^dps v)]`` (python-flint, fast), then keeps the
    relation only if it is small in the sense of PSLQ's output guarantee.
    """
    k = len(vec)
    scale = mpmath.mpf(10) ** dps
    big = [int(mpmath.nint(v * scale)) for v in vec]
    rows = []
    for i in range(k):
        rows.append([1 if j == i else 0 for j in range(k)] + [big[i]])
    try:
        red = flint.fmpz_mat(rows).lll()
    except Exception:  # pragma: no cover - flint refuses degenerate lattices
        return None
    vmax = max(abs(v) for v in vec)
    for r in range(red.nrows()):
        rel = [int(red[r, j]) for j in range(k)]
        if not any(rel):
            continue
        h = max(abs(c) for c in rel)
        if h > max_height:
            continue
        resid = abs(mpmath.fsum(c * v for c, v in zip(rel, vec, strict=False)))
        if resid <= vmax * h * k * mpmath.mpf(10) ** (-(dps - 3)):
            return rel
    return None


def _digits_ok(rel: Sequence[int], used: int, tries: int = 1) -> bool:
    """The one over-fitting rule of every method: a relation with ``k`` nonzero integers of
    height ``H``, found among ``tries`` candidate bases, is kept only when
    ``k log10(H + 1) + log10(tries) <= used - 4`` (a random vector of ``used`` digits has
    relations of height ``10^(used/k)``, and trying ``T`` bases multiplies the chance by ``T``)."""
    nz = [abs(int(c)) for c in rel if c]
    if not nz:
        return False
    return len(nz) * math.log10(max(nz) + 1) + math.log10(max(1, tries)) <= used - 4


def _exponents(name: str) -> tuple[int, ...]:
    if name.startswith("sqrt(") and name != "sqrt(pi)" and name != "sqrt(e)":
        return (1,)
    if name.startswith("cbrt("):
        return (1, 2)
    return (-4, -3, -2, -1, 1, 2, 3, 4)


def _monomials(x: Any, names: Sequence[str], consts: dict, used: int, cap: int) -> list:
    """Candidates ``q x = p K1^e1 K2^e2`` (float filter, then PSLQ at ``used`` digits)."""
    from fractions import Fraction as _F

    logs = {}
    for k in names:
        v = consts[k]
        if v == 0:
            continue
        logs[k] = (float(mpmath.log(abs(v))), 1 if v > 0 else -1)
    combos: list[tuple[tuple[str, ...], tuple[int, ...]]] = []
    keys = list(logs)
    for k in keys:
        combos += [((k,), (e,)) for e in _exponents(k) if e != 1]
    for i, k1 in enumerate(keys):
        for k2 in keys[i + 1:]:
            combos += [((k1, k2), (e1, e2)) for e1 in _exponents(k1) for e2 in _exponents(k2)]
    tries = max(1, len(combos))
    lx = float(mpmath.log(abs(x)))
    sx = 1 if x > 0 else -1
    qmax = max(2, min(10**4, cap, int(10 ** ((used - 4 - math.log10(tries)) / 4))))
    out = []
    for ks, es in combos:
        ly = lx - sum(e * logs[k][0] for k, e in zip(ks, es, strict=True))
        if abs(ly) > 30:
            continue
        sign = sx
        for k, e in zip(ks, es, strict=True):
            if logs[k][1] < 0 and e % 2:
                sign = -sign
        y = sign * math.exp(ly)
        fr = _F(y).limit_denominator(qmax)
        if fr == 0 or abs(y - fr.numerator / fr.denominator) > 1e-12 * abs(y):
            continue
        prod = mpmath.mpf(1)
        for k, e in zip(ks, es, strict=True):
            prod *= consts[k] ** e
        rel = _pslq([x, prod], used, qmax * 10)
        if not rel or not rel[0] or not rel[1]:
            continue
        q, p = rel[0], -rel[1]
        if q < 0:
            q, p = -q, -p
        full = (q, p) + tuple(es)
        if _digits_ok(full, used, tries):
            cost = sum(math.log10(abs(c) + 1) for c in full) + 1.5
            out.append((cost, "monomial", full, _basis_of("monomial", ks), ks))
    return out


def identify(
    value: Any,
    digits: int | None = None,
    *,
    constants: Sequence[str] | None = None,
    method: Method = "auto",
    max_height: int | None = None,
) -> IdentifyResult | None:
    """Find an expression for ``value`` over the constant catalogue, verified at 2x precision.

    Args:
        value: an mpmath ``mpf``, a decimal string, a float (15 digits), an int/Fraction, a
            :class:`~engine.contfrac.PCF` (evaluated to ``digits``) or a ``LimitResult``.
        digits: significant digits of ``value`` that are correct (default: all it carries).
            Half of them are used to find a relation, all of them to verify it.
        constants: catalogue names or constant expressions (``"tan(1)"``,
            ``"besseli(1,2)/besseli(0,2)"``, read by :func:`parse_expression`, never
            evaluated as code) to try; default: the whole catalogue (:data:`CATALOGUE`, 68
            constants) for Mobius forms, :data:`MONOMIAL_BASE` for products and powers,
            :data:`LINEAR_BASE` for linear relations.
        method: which searches to run (``"auto"`` = all, in the order of the module
            docstring): ``"rational"``, ``"mobius"`` (``(c0 + c1 K)/(c2 + c3 K)``),
            ``"algebraic"`` (a quadratic irrational), ``"monomial"`` (``r K1^e1 K2^e2``,
            ``|e| <= 4``), ``"linear"`` (``x = d0 + d1 K1 + d2 K2``), ``"quadratic"`` (a
            relation of total degree 2 in ``x`` and one constant ``K``: ``c1 + cx x + cK K +
            cxx x^2 + cxK x K + cKK K^2 = 0`` with ``x^2`` or ``K^2``).
        max_height: cap on the coefficients (default: the over-fitting bound).

    Returns:
        An :class:`IdentifyResult` (``digits_used``, ``digits_verified``), or None when no
        relation survives verification.

    One over-fitting rule for every method (:func:`_digits_ok`): a relation with ``k`` nonzero
    integers of height ``H`` found among ``T`` candidate bases is kept only when ``k
    log10(H+1) + log10(T) <= digits_used - 4``; and every relation must then hold to ``2 x
    digits_used - 4`` digits with all the digits (or all available).

    Precision of the value: ``digits`` may not exceed what the value carries. A string
    carries its significant digits; an int or Fraction is exact; a PCF is evaluated to
    ``digits``; a ``LimitResult`` carries its certified digits; a float 16. An mpmath ``mpf``
    does not record the precision it was computed at, so its mantissa decides: it must have
    at least ``digits*log2(10) - 10`` bits (compute it under ``mpmath.workdps(digits + 10)``),
    unless it is a short exact dyadic rational (at most 32 bits, e.g. ``mpf(0.5)``), which is
    taken as exact. A value rounded to fewer bits raises instead of returning None.

    Raises:
        InvalidInputError: unusable value (NaN, infinite, unsupported type), digits, an
            unknown constant or an unparsable constant expression (naming the token), a
            constant expression with fewer digits than needed, or ``digits`` beyond what the
            value carries.

    Examples:
        >>> from solvers.constants import identify
        >>> identify("0.6931471805599453094172321214581765680755", digits=40).expression
        log(2)
        >>> identify("1.2345678901234567890123456789") is None
        True
        >>> import mpmath
        >>> with mpmath.workdps(70):
        ...     x = mpmath.zeta(3) / mpmath.pi**3
        ...     y = (mpmath.tan(1) + 2) / (3 * mpmath.tan(1) - 1)
        >>> identify(x, digits=60).expression
        zeta(3)/pi**3
        >>> identify(y, digits=60, constants=["tan(1)"]).expression
        (tan(1) + 2)/(-1 + 3*tan(1))
        >>> with mpmath.workdps(20):
        ...     v = +mpmath.pi
        >>> identify(v, digits=60)
        Traceback (most recent call last):
        ...
        engine.errors.InvalidInputError: value carries about 21 significant digits (its mpf mantissa has 70 bits, 200 are needed) but digits=60 were requested; compute the value at >= 60 digits, e.g. under mpmath.workdps(70), pass it as a string with >= 60 digits, a Fraction or the PCF, or lower digits to <= 21
    """
    if not isinstance(method, str) or method not in _METHODS:
        raise InvalidInputError(f"method={method!r:.40} is not one of {sorted(_METHODS)}")
    if max_height is not None:
        _check_int("max_height", max_height, 1, 10**100)
    if isinstance(constants, str):
        constants = [c for c in re.split(r",(?![^()]*\))", constants) if c.strip()]
    if constants is not None and (not isinstance(constants, Sequence) or isinstance(constants, bytes)):
        raise InvalidInputError(
            f"constants of type {type(constants).__name__} must be a list of catalogue names such "
            "as ['pi', 'e'] or expressions such as ['tan(1)']")
    if constants is not None and len(constants) > 200:
        raise InvalidInputError(f"constants has {len(constants)} entries; give at most 200")
    if digits is not None and (isinstance(digits, bool) or not isinstance(digits, int) or
                               not 8 <= digits <= MAX_IDENTIFY_DIGITS):
        raise InvalidInputError(
            f"digits={digits!r} must be an integer between 8 and {MAX_IDENTIFY_DIGITS}")
    if constants is not None:
        for c in constants:  # names or expressions: refused before the value is evaluated
            if not isinstance(c, str):
                raise InvalidInputError(
                    f"constant={c!r:.40} must be a string such as 'pi' or 'tan(1)'")
            _user_constant(c)
    x_full, avail = _coerce_value(value, digits)
    avail = min(avail, MAX_IDENTIFY_DIGITS)
    if avail < 8:
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:40] + "..."
        raise InvalidInputError(
            f"value={shown} carries {avail} significant digit(s); identification needs at least "
            "8: give more digits of the number (or pass digits=8 or more with a value that has "
            "them)")
    table = _constant_table(constants, avail)
    names = list(table)
    used = max(6, avail // 2)
    cap = max_height or 10**9
    with precision(dps=avail + 15):
        x_full = +x_full
        value_str = mpmath.nstr(x_full, avail, min_fixed=-(10**6), max_fixed=10**6)
    steps = _METHODS[method]

    def height_bound(k: int, tries: int = 1) -> int:
        exponent = (used - 4 - math.log10(max(1, tries))) / k
        if exponent >= math.log10(cap):  # (and no float overflow for thousands of digits)
            return cap
        return max(1, min(cap, int(10**exponent)))

    with precision(dps=used + 5):
        x = +x_full
        consts = {k: +table[k][1]() for k in names}
    full_consts: dict[str, Any] = {}

    def settle(cands: list) -> IdentifyResult | None:
        """Verify the step's candidates (cheapest first) with all the digits."""
        cands.sort(key=lambda c: c[0])
        for _, meth, rel, basis, cnames in cands:
            with precision(dps=avail + 15):
                for k in cnames:
                    if k not in full_consts:
                        full_consts[k] = +table[k][1]()
            verified = _verify(rel, meth, cnames, x_full, full_consts, avail)
            if verified >= min(2 * used, avail) - 4:
                expr = _expression(meth, rel, cnames, x_full, avail)
                if expr is None:
                    continue
                return _make(value_str, expr, meth, cnames, rel, basis, used, verified, avail)
        return None

    with precision(dps=used):
        x = +x
        consts = {k: +v for k, v in consts.items()}
        if x == 0:
            return _make(value_str, sympy.Integer(0), "rational", (), (1, 0), ("x", "1"), used, avail, avail)
    for step in steps:
        candidates: list = []
        with precision(dps=used):
            if step == "rational":
                rel = _pslq([x, 1], used, height_bound(2))
                if rel and rel[0] and _digits_ok(rel, used):
                    candidates.append((0.0, "rational", tuple(rel), ("x", "1"), ()))
            elif step == "mobius":
                for k in names:
                    K = consts[k]
                    rel = _pslq([x, x * K, 1, K], used, height_bound(4, len(names)))
                    if rel and (rel[0] or rel[1]) and _digits_ok(rel, used, len(names)):
                        c0, c1, c2, c3 = rel
                        if c0 * c3 - c1 * c2 == 0:
                            continue  # degenerate: x rational
                        cost = sum(math.log10(abs(c) + 1) for c in rel)
                        candidates.append((cost, "mobius", tuple(rel), ("x", f"x*{k}", "1", k), (k,)))
            elif step == "algebraic":
                rel = _pslq([1, x, x * x], used, height_bound(3))
                if rel and rel[2] and _digits_ok(rel, used):
                    cost = sum(math.log10(abs(c) + 1) for c in rel) + 1
                    candidates.append((cost, "algebraic", tuple(rel), ("1", "x", "x^2"), ()))
            elif step == "monomial":
                base = names if constants is not None else [k for k in MONOMIAL_BASE if k in consts]
                candidates += _monomials(x, base, consts, used, cap)
            elif step == "linear":
                base = names if constants is not None else [k for k in LINEAR_BASE if k in consts]
                pairs = list(combinations(base, 2))
                for k1, k2 in pairs:
                    rel = _pslq([x, 1, consts[k1], consts[k2]], used, height_bound(4, len(pairs)))
                    if rel and rel[0] and rel[2] and rel[3] and _digits_ok(rel, used, len(pairs)):
                        cost = sum(math.log10(abs(c) + 1) for c in rel) + 2
                        candidates.append((cost, "linear", tuple(rel), ("x", "1", k1, k2), (k1, k2)))
            elif step == "quadratic":
                base = names if constants is not None else list(_QUADRATIC_BASE)
                for k in base:
                    K = consts[k]
                    rel = _pslq([1, x, K, x * x, x * K, K * K], used, height_bound(6, len(base)))
                    # a genuine degree-2 relation in (x, K): x^2 or K^2 occurs, and so do x and K
                    if not rel or not (rel[3] or rel[5]) or not (rel[2] or rel[4] or rel[5]) or \
                            not (rel[1] or rel[3] or rel[4]):
                        continue
                    if not _digits_ok(rel, used, len(base)):
                        continue
                    cost = sum(math.log10(abs(c) + 1) for c in rel) + 3
                    candidates.append((cost, "quadratic", tuple(rel), _basis_of("quadratic", (k,)), (k,)))
        found = settle(candidates)
        if found is not None:
            return found
    return None


#: The constants of degree-2 relations when no constants are given.
_QUADRATIC_BASE = ("pi", "e", "zeta(3)", "catalan", "log(2)", "euler_gamma")


def _verify(rel, meth, cnames, x, consts, avail) -> int:
    """Digits to which the relation holds with the full-precision value."""
    with precision(dps=avail + 15):
        if meth == "rational":
            terms = [rel[0] * x, mpmath.mpf(rel[1])]
        elif meth == "mobius":
            K = consts[cnames[0]]
            terms = [rel[0] * x, rel[1] * x * K, mpmath.mpf(rel[2]), rel[3] * K]
        elif meth == "algebraic":
            terms = [mpmath.mpf(rel[0]), rel[1] * x, rel[2] * x * x]
        elif meth == "monomial":
            prod = mpmath.mpf(rel[1])
            for k, e in zip(cnames, rel[2:], strict=True):
                prod *= consts[k] ** e
            terms = [rel[0] * x, -prod]
        elif meth == "quadratic":
            K = consts[cnames[0]]
            terms = [mpmath.mpf(rel[0]), rel[1] * x, rel[2] * K, rel[3] * x * x, rel[4] * x * K,
                     rel[5] * K * K]
        else:
            terms = [rel[0] * x, mpmath.mpf(rel[1]), rel[2] * consts[cnames[0]], rel[3] * consts[cnames[1]]]
        scale = max(abs(t) for t in terms)
        resid = abs(mpmath.fsum(terms))
        if scale == 0:
            return 0
        if resid == 0:
            return avail
        return max(0, min(avail, int(mpmath.floor(-mpmath.log10(resid / scale)))))


def _expression(meth, rel, cnames, x, avail):
    if meth == "rational":
        return sympy.Rational(-rel[1], rel[0])
    if meth == "mobius":
        K = _const_sym(cnames[0])
        c0, c1, c2, c3 = rel
        if (c1 if c1 else c0) < 0:
            c0, c1, c2, c3 = -c0, -c1, -c2, -c3
        return sympy.together(-(c2 + c3 * K) / (c0 + c1 * K))
    if meth == "linear":
        K1, K2 = _const_sym(cnames[0]), _const_sym(cnames[1])
        return -(rel[1] + rel[2] * K1 + rel[3] * K2) / sympy.Integer(rel[0])
    if meth == "monomial":
        out = sympy.Rational(rel[1], rel[0])
        for k, e in zip(cnames, rel[2:], strict=True):
            out *= _const_sym(k) ** e
        return out
    t = sympy.Symbol("t")
    if meth == "quadratic":
        K = _const_sym(cnames[0])
        c1, cx, ck, cxx, cxk, ckk = rel
        A, B, C = sympy.Integer(cxx), cx + cxk * K, c1 + ck * K + ckk * K**2
        if A == 0:
            if B == 0:
                return None
            num, den = sympy.fraction(sympy.together(-C / B))
            if den.could_extract_minus_sign():
                num, den = sympy.expand(-num), sympy.expand(-den)
            return num / den
        disc = B**2 - 4 * A * C
        roots = [(-B + sympy.sqrt(disc)) / (2 * A), (-B - sympy.sqrt(disc)) / (2 * A)]
        with mpmath.workdps(30):
            vals = []
            for r in roots:
                try:
                    vals.append(abs(complex(sympy.N(r, 30)) - complex(x)))
                except (TypeError, ValueError):
                    vals.append(float("inf"))
        best = roots[0] if vals[0] <= vals[1] else roots[1]
        return best
    # algebraic: pick the root closest to x
    roots = sympy.solve(rel[0] + rel[1] * t + rel[2] * t**2, t)
    with mpmath.workdps(30):
        best = min(roots, key=lambda r: abs(complex(sympy.N(r, 30)) - complex(x)))
    return sympy.nsimplify(best) if best.is_real else None


def _make(value_str, expr, meth, cnames, rel, basis, used, verified, avail) -> IdentifyResult:
    return IdentifyResult(
        value=value_str,
        expression=expr,
        latex=sympy.latex(expr),
        method=meth,
        constants=tuple(cnames),
        relation=tuple(int(c) for c in rel),
        basis=tuple(basis),
        digits_used=used,
        digits_verified=int(verified),
        digits_available=avail,
        height=max(abs(int(c)) for c in rel),
    )


def check_mobius(x, constant: str, coeffs: Sequence[int], digits: int) -> int:
    """Digits to which ``x = (c0 + c1 K)/(c2 + c3 K)`` holds (``coeffs = (c0, c1, c2, c3)``).

    Examples:
        >>> import mpmath
        >>> from solvers.constants import check_mobius
        >>> with mpmath.workdps(40):
        ...     x = 1 / (mpmath.e - 2)
        >>> check_mobius(x, "e", (1, 0, -2, 1), 30) >= 30
        True
    """
    c0, c1, c2, c3 = check_mobius_coefficients(coeffs, "coeffs")
    digits = _check_int("digits", digits, 1, 100000)
    if not isinstance(x, mpmath.mpf | int | float):
        raise InvalidInputError(f"x of type {type(x).__name__} must be a real number (an mpf)")
    key = resolve_constant(constant)
    with precision(dps=digits + 15):
        K = CATALOGUE[key][1]()
        num = c0 + c1 * K
        den = c2 + c3 * K
        if den == 0:
            return 0
        err = abs(+x - num / den)
        if err == 0:
            return digits
        scale = max(abs(num / den), mpmath.mpf(1))
        return max(0, min(digits, int(mpmath.floor(-mpmath.log10(err / scale)))))
