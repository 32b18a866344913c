"""Why a polynomial continued fraction is slow or divergent, from exact facts about ``a`` and ``b``.

:func:`classify_fraction` sorts a fraction ``a(0) + K(b(n)/a(n))`` with polynomial ``a`` and
``b`` into terminating (rational), divergent (elliptic), parabolic, Brouncker-type and
convergent cases from the limit ``beta_n = b(n)/(a(n-1) a(n))`` and its expansion in ``1/n``;
the continued-fraction enumeration (:mod:`search.pcf`) uses it to give every fraction it
could not evaluate a reason.

Reference: L. Lorentzen, H. Waadeland, *Continued Fractions*, vol. 1, 2nd ed., Atlantis
Press 2008, ch. 4 (limit-periodic continued fractions).

Examples:
    >>> from solvers.pcf_classify import classify_fraction
    >>> classify_fraction([2, 1], [0, 0, 1])[0]     # a(n) = n + 2, b(n) = n^2: beta_n -> 1
    'convergent'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

from engine.contfrac import PCF, parse_polynomial

__all__ = ["classify_fraction"]


def classify_fraction(a: Sequence[int], b: Sequence[int]) -> tuple[str, str]:
    """Why a fraction is slow or divergent, from exact facts about ``a`` and ``b``.

    With ``beta_n = b(n)/(a(n-1) a(n))`` (the tail is ``a(N) K(beta_n/1)``), the limit-periodic
    theory of continued fractions (Lorentzen-Waadeland vol. 1, ch. 4) separates:

    - ``"rational"``: ``b = 0`` or ``b(k) = 0`` for some ``k >= 1`` (the fraction terminates:
      a rational value or a zero denominator), never a non-degenerate Mobius form;
    - ``"divergent"``: proved by :meth:`engine.contfrac.PCF.divergence` (``a = 0``; Stern-Stolz
      ``deg b >= 2 deg a + 3``; the *elliptic* case ``beta_n -> c < -1/4``; ``deg b = 2 deg a
      + 2`` with ``lead b < 0``: the reason ends in "(divergence proved)"), or expected but not
      proved (``beta_n -> -inf`` like ``-n``; the parabolic-elliptic cases below): the maps
      ``w -> beta_n/(1+w)`` tend to a map without attracting fixed point and the convergents
      keep oscillating (the reason says "not proved");
    - ``"parabolic"``: ``beta_n -> -1/4``: convergence, if any, is sub-geometric (power or
      logarithmic) and the limit depends on the next terms of ``beta_n``;
    - ``"brouncker"``: ``deg b = 2 deg a + 2`` with ``b > 0`` eventually: convergent with
      ``x_n - L ~ n^-g``, ``g = |lead a| / sqrt(lead b)`` (power extrapolation);
    - ``"other"``: none of these (``"convergent"`` when ``|c| <= 1/4`` or ``beta_n -> 0``).

    Returns:
        ``(kind, reason)`` with a one-line reason.

    Examples:
        >>> from solvers.pcf_classify import classify_fraction
        >>> classify_fraction([0, 2], [1, 2, -2])[0]       # beta_n -> -1/2
        'divergent'
        >>> classify_fraction([1], [0, 0, 3])
        ('brouncker', 'Brouncker-type: x_n - L ~ n^-g, g = 1/sqrt(3)')
    """
    a, b = parse_polynomial(a, "a"), parse_polynomial(b, "b")
    if not any(a) and not any(b):
        return "divergent", "a = b = 0: not a continued fraction"
    f = PCF(a, b)
    a, b = f.a, f.b
    if b == [0]:
        return "rational", "b = 0: the value is a(0)"
    k = f.terminating_depth()
    if k is not None:
        return "rational", f"terminates: b({k + 1}) = 0, rational value or zero denominator"
    proof = f.divergence()
    if proof is not None:
        short = {"a_zero": "a = 0: every odd convergent has q = 0",
                 "stern_stolz": "deg b >= 2 deg a + 3: Stern-Stolz (even and odd approximants "
                                "converge to different values)",
                 "elliptic": "elliptic: beta_n -> {c} < -1/4",
                 "elliptic_infinite": "elliptic: beta_n -> -inf like -n^2 (deg b = 2 deg a + 2, "
                                      "lead b < 0)"}[proof.reason]
        if proof.reason == "elliptic":
            short = short.format(c=Fraction(f.b[-1], f.a[-1] ** 2))
        return "divergent", f"{short} (divergence proved)"
    da, db = len(a) - 1, len(b) - 1
    la, lb = a[-1], b[-1]
    pe = f.power_exponent()
    if pe is not None:
        G, kind = pe
        rn, rd = math.isqrt(G.numerator), math.isqrt(G.denominator)
        g = str(Fraction(rn, rd)) if rn * rn == G.numerator and rd * rd == G.denominator \
            else (f"1/sqrt({G.denominator})" if G.numerator == 1 else f"sqrt({G})")
        label = "Brouncker-type" if kind == "brouncker" else "parabolic (beta_n -> -1/4)"
        return kind, f"{label}: x_n - L ~ n^-g, g = {g}"
    if db > 2 * da:
        if lb < 0:
            return "divergent", ("elliptic: beta_n -> -inf (b(n) < 0 dominates a(n-1)a(n)); "
                                 "divergence expected, not proved")
        return "other", "beta_n -> +inf"
    if db < 2 * da:
        return "convergent", "beta_n -> 0 (Worpitzky: converges geometrically beyond N0)"
    c = Fraction(lb, la * la)
    if c == Fraction(-1, 4):
        _, c1, c2 = f.beta_series()
        if c1 > 0:
            return "parabolic", f"parabolic: beta_n = -1/4 + {c1}/n + ...: x_n - L ~ exp(-c sqrt n)"
        if c1 < 0:
            return "divergent", (f"parabolic-elliptic: beta_n = -1/4 - {-c1}/n + ... < -1/4: the "
                                 "convergents oscillate (like cos(c sqrt n)); not proved")
        G = 1 + 16 * c2
        if G < 0:
            return "divergent", (f"parabolic-elliptic: beta_n = -1/4 + {c2}/n^2 + ..., 1 + 16 k = {G}"
                                 " < 0: the convergents oscillate like cos(mu log n); not proved")
        return "parabolic", (f"parabolic: beta_n = -1/4 + {c2}/n^2 + ..., 1 + 16 k = 0: logarithmic"
                             " convergence x_n - L ~ 1/log n, no usable value")
    return "convergent", f"beta_n -> {c} > -1/4 (geometric convergence)"
