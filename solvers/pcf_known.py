"""A database of known polynomial continued fractions, and a labeller: known / equivalent / new.

:data:`KNOWN_FORMULAS` holds formulas ``PCF(a, b) = value`` from classical continued fractions
and published families, each with its source (:class:`KnownFormula`): Brouncker's and Euler's
``4/pi`` and ``1/(e-1)``, Apery's ``zeta(2)`` and ``zeta(3)`` fractions, Euler's fractions of
``zeta(s)``, the arctangent and area-tanh (logarithm) fractions of Euler and Gauss at rational
points, Lambert's ``tan`` and ``tanh`` fractions at rational points, and Lehmer's fractions
with arithmetic-progression partial denominators (Bessel ratios). Every entry is a member of a
family whose value the source proves; the test-suite re-evaluates every entry to 20+ digits.

:func:`label` classifies a fraction (or a search hit) against the database:

- ``"known"``: it is a database formula, or its value is proved outright by
  :mod:`solvers.pcf_euler` (an Euler form after a small inflation, and a classical summation
  theorem of its hypergeometric series; :attr:`PCFLabel.proof` holds the certificate and
  ``formula`` names the theorem, ``"Euler series (gauss_second)"``); or, for a fraction with a
  constant ``a``, the value of its even or odd part is proved so (``relation`` is then the
  contraction to that part, :func:`solvers.pcf_equivalence.contraction_relation`, and
  ``formula`` says which part: ``"Euler series (gauss), even part"``);
- ``"equivalent"``: it is related to a database formula by a proved relation
  (:class:`solvers.pcf_equivalence.PCFRelation`: same beta form, a tail shift, or both; or a
  coboundary ``g M1(n) U(n+1) = s U(n) M2(n)`` with a gauge ``U`` of degree <= 4, searched
  only among formulas with the same growth invariant whose limit PSLQ finds Mobius-related,
  bounded work, with :data:`LABEL_COBOUNDARY_SECONDS` as a guard), so its limit is an exact Mobius
  transform of the known value;
- ``"new"``: none of these (up to tail shifts of at most
  :data:`~solvers.pcf_equivalence.MAX_SHIFT`).

The result (:class:`PCFLabel`) re-verifies itself: ``check()`` re-derives the relation exactly
and, for ``"new"``, repeats the lookup.

References:
    W. Brouncker (1655), in J. Wallis, *Arithmetica infinitorum*; L. Euler, "De fractionibus
    continuis dissertatio" (1744) and *Introductio in analysin infinitorum* (1748), ch. 18;
    J. H. Lambert, "Memoire sur quelques proprietes remarquables des quantites transcendantes"
    (1768); R. Apery, "Irrationalite de zeta(2) et zeta(3)", Asterisque 61 (1979) 11-13;
    D. H. Lehmer, "Continued fractions containing arithmetic progressions", Scripta Math. 29
    (1973) 17-24; L. Lorentzen, H. Waadeland, *Continued Fractions*, vol. 1, Atlantis 2008
    (the Gauss and Euler fractions of arctan, artanh, tan, tanh).

Examples:
    >>> from engine.contfrac import PCF
    >>> from solvers.pcf_known import label, KNOWN_FORMULAS
    >>> len(KNOWN_FORMULAS) >= 200
    True
    >>> label(PCF("2n+1", "n^2")).kind                 # Brouncker/Euler: 4/pi
    'known'
    >>> lab = label(PCF("-6n-9", "9(n+1)^2"))           # a tail of it, inflated by -3
    >>> lab.kind, str(lab.expression)
    ('equivalent', '-3*pi/(4 - pi)')
    >>> label(PCF("3n^2+1", "n")).kind
    'new'
"""

from __future__ import annotations

import functools
import math
import os
from dataclasses import dataclass
from typing import Any

import mpmath
import sympy

from engine.contfrac import PCF
from engine.errors import InvalidInputError, VerificationError
from engine.results import Result
from solvers.pcf_equivalence import MAX_SHIFT, PCFRelation, relate, shifted
from solvers.pcf_hypergeometric import SOURCES as _HYPERGEOMETRIC_SOURCES

__all__ = ["KnownFormula", "KNOWN_FORMULAS", "PCFLabel", "label", "known_index", "SOURCES"]

#: Sources of the families (cited by :attr:`KnownFormula.source`).
SOURCES = {
    **_HYPERGEOMETRIC_SOURCES,
    "brouncker": "W. Brouncker (1655) / L. Euler (1744): 4/pi = 1 + 1/(3 + 4/(5 + 9/(7 + ...)))",
    "brouncker_original": "W. Brouncker (1655), in J. Wallis, Arithmetica infinitorum: "
                          "4/pi = 1 + 1/(2 + 9/(2 + 25/(2 + ...)))",
    "lange": "L. J. Lange, 'An elegant continued fraction for pi', Amer. Math. Monthly 106 (1999) "
             "456-458: pi = 3 + 1/(6 + 9/(6 + 25/(6 + ...)))",
    "ramanujan_machine": "G. Raayoni et al., 'Generating conjectures on fundamental constants "
                         "with the Ramanujan Machine', Nature 590 (2021) 67-73, Fig. 1",
    "incomplete_gamma_e": "continued fractions of the incomplete gamma function at x = +-1 "
                          "(Legendre; Lorentzen-Waadeland vol. 1): a(n) = n + k, b(n) = -+n; the "
                          "Mobius forms in e identified and verified to 60 digits by disco",
    "euler_e": "L. Euler, 'De fractionibus continuis dissertatio' (1744): e - 1 = 1 + 2/(2 + 3/(3 + ...))",
    "euler_series_e": "L. Euler (1748), continued fraction of the series e = sum 1/k!",
    "apery3": "R. Apery, Asterisque 61 (1979) 11-13: 6/zeta(3) = 5 - 1/(117 - 64/(535 - ...))",
    "apery2": "R. Apery, Asterisque 61 (1979) 11-13: 5/zeta(2) = 3 + 1/(25 + 16/(69 + ...))",
    "euler_log2": "L. Euler (1748), continued fraction of the series log 2 = 1 - 1/2 + 1/3 - ...: "
                  "log 2 = 1/(1 + 1/(1 + 4/(1 + 9/(1 + ...))))",
    "euler_zeta": "L. Euler (1748), continued fraction of the series zeta(s) = sum 1/k^s",
    "arctan": "L. Euler (1744) / C. F. Gauss (1813): arctan z = z/(1 + z^2/(3 + 4z^2/(5 + ...))), "
              "z = m/k (Lorentzen-Waadeland vol. 1)",
    "artanh": "L. Euler (1744) / C. F. Gauss (1813): log((1+z)/(1-z)) = 2z/(1 - z^2/(3 - 4z^2/(5 - "
              "...))), z = m/k (Lorentzen-Waadeland vol. 1)",
    "tan": "J. H. Lambert (1768): tan z = z/(1 - z^2/(3 - z^2/(5 - ...))), z = m/k",
    "tanh": "J. H. Lambert (1768): tanh z = z/(1 + z^2/(3 + z^2/(5 + ...))), z = m/k",
    "lehmer_i": "D. H. Lehmer, Scripta Math. 29 (1973): d + 1/((c+d) + 1/((2c+d) + ...)) = "
                "I_{d/c-1}(2/c)/I_{d/c}(2/c)",
    "lehmer_j": "D. H. Lehmer, Scripta Math. 29 (1973): d - 1/((c+d) - 1/((2c+d) - ...)) = "
                "J_{d/c-1}(2/c)/J_{d/c}(2/c)",
    # --- Euler-form proofs (solvers.pcf_euler), not database entries
    "euler_series": "L. Euler (1748): in Euler form (after an inflation) the convergents are "
                    "partial sums of a hypergeometric series, summed by a classical theorem "
                    "(solvers.pcf_euler)",
}


@dataclass(frozen=True)
class KnownFormula:
    """``PCF(a, b) = value`` with its source.

    Attributes:
        name: a short unique name (``"arctan(1/3)"``).
        a, b: coefficient lists (lowest degree first).
        value: the limit as a sympy expression (``value_expr``, or ``value_text`` parsed on
            first use for the stored hypergeometric table).
        family: the key of :data:`SOURCES`; ``source`` its citation.
    """

    name: str
    a: tuple
    b: tuple
    value_expr: Any
    family: str
    value_text: str = ""

    @property
    def value(self) -> Any:
        """The limit (a sympy expression; table entries are parsed on first use)."""
        if self.value_expr is not None:
            return self.value_expr
        return _parse_value(self.value_text)

    @property
    def source(self) -> str:
        return SOURCES[self.family]

    @property
    def pcf(self) -> PCF:
        return PCF(list(self.a), list(self.b))

    def to_json(self) -> dict:
        return {"name": self.name, "a": list(self.a), "b": list(self.b), "value": str(self.value),
                "latex": sympy.latex(self.value), "family": self.family, "source": self.source}


@functools.cache
def _parse_value(text: str) -> Any:
    return sympy.sympify(text)


def _f(name: str, a: Any, b: Any, value: Any, family: str) -> KnownFormula:
    f = PCF(a, b)
    return KnownFormula(name, tuple(f.a), tuple(f.b), value, family)


def _odd(k: int) -> list[int]:
    """``(2n+1) k`` as coefficients."""
    return [k, 2 * k]


@functools.lru_cache(maxsize=1)
def _build() -> tuple[KnownFormula, ...]:
    R, S = sympy.Rational, sympy
    out = [
        _f("4/pi (Brouncker)", "2n+1", "n^2", 4 / S.pi, "brouncker"),
        _f("1 + 4/pi (Brouncker)", 2, "(2n-1)^2", 1 + 4 / S.pi, "brouncker_original"),
        _f("3 + pi (Lange)", 6, "(2n-1)^2", 3 + S.pi, "lange"),
        _f("1/(e-1) (Euler)", "n", "n", 1 / (S.E - 1), "euler_e"),
        _f("e/(e-2) (Ramanujan Machine)", "n+4", "-n", S.E / (S.E - 2), "ramanujan_machine"),
        _f("4/(3pi-8) (Ramanujan Machine)", "3n+3", "-n(2n-1)", 4 / (3 * S.pi - 8),
           "ramanujan_machine"),
        _f("e (Euler series)", "n+3", "-n", S.E, "euler_series_e"),
        _f("1/log(2) (Euler)", 1, "n^2", 1 / S.log(2), "euler_log2"),
        _f("6/zeta(3) (Apery)", "34n^3+51n^2+27n+5", "-n^6", 6 / S.zeta(3), "apery3"),
        _f("5/zeta(2) (Apery)", "11n^2+11n+3", "n^4", 5 / S.zeta(2), "apery2"),
    ]
    E = S.E
    for k, v in ((2, E / (E - 1)), (5, -E / (2 * (E - 3))), (6, E / (3 * (3 * E - 8))),
                 (7, -E / (4 * (11 * E - 30))), (8, E / (5 * (53 * E - 144))),
                 (9, -E / (18 * (103 * E - 280)))):
        out.append(_f(f"K -n/(n+{k})", [k, 1], [0, -1], v, "incomplete_gamma_e"))
    for k, v in ((2, 1 / (2 * E - 5)), (3, 1 / (2 * (3 * E - 8))), (4, 1 / (24 * E - 65)),
                 (5, 1 / (2 * (60 * E - 163))), (6, 1 / (720 * E - 1957)),
                 (7, 1 / (20 * (252 * E - 685)))):
        out.append(_f(f"K n/(n+{k})", [k, 1], [0, 1], v, "incomplete_gamma_e"))
    for s in (2, 3, 4, 5):
        a = PCF(f"n^{s}+(n+1)^{s}", 1).a
        out.append(_f(f"1/zeta({s}) (Euler)", a, [0] * (2 * s) + [-1], 1 / S.zeta(s), "euler_zeta"))
    for k in range(1, 16):
        for m in range(1, 5):
            if math.gcd(k, m) != 1:
                continue
            z = R(m, k)
            # arctan: PCF((2n+1)k, m^2 n^2) = m / arctan(m/k)
            out.append(_f(f"arctan({z})", _odd(k), [0, 0, m * m], m / S.atan(z), "arctan"))
            # Lambert: PCF((2n+1)k, -m^2) = m cot(m/k); PCF((2n+1)k, m^2) = m coth(m/k)
            out.append(_f(f"tan({z})", _odd(k), [-m * m], m / S.tan(z), "tan"))
            out.append(_f(f"tanh({z})", _odd(k), [m * m], m / S.tanh(z), "tanh"))
            if k > m:  # log((k+m)/(k-m)) = 2m / PCF((2n+1)k, -m^2 n^2)
                out.append(_f(f"log({k + m}/{k - m})", _odd(k), [0, 0, -m * m],
                              2 * m / S.log(R(k + m, k - m)), "artanh"))
    for c in range(1, 5):
        for d in range(1, 9):
            if math.gcd(c, d) != 1:
                continue
            nu = R(d, c)
            out.append(_f(f"K 1/({c}n+{d})", [d, c], [1],
                          S.besseli(nu - 1, R(2, c)) / S.besseli(nu, R(2, c)), "lehmer_i"))
            out.append(_f(f"K -1/({c}n+{d})", [d, c], [-1],
                          S.besselj(nu - 1, R(2, c)) / S.besselj(nu, R(2, c)), "lehmer_j"))
    out += _hypergeometric()
    seen: set = set()
    uniq = []
    for f in out:
        if (f.a, f.b) not in seen:
            seen.add((f.a, f.b))
            uniq.append(f)
    return tuple(uniq)


def _hypergeometric() -> list[KnownFormula]:
    """The stored Gauss / contiguous-relation fractions of 2F1, 1F1 and 0F1
    (:mod:`solvers.pcf_hypergeometric`), each checked to 50 digits when generated."""
    from solvers.pcf_hypergeometric import load_table

    out = []
    for row in load_table():
        out.append(KnownFormula(row["name"], tuple(int(c) for c in row["a"]),
                                tuple(int(c) for c in row["b"]), None, row["family"],
                                row["value"]))
    return out


#: The database (built on first use of :func:`known_index`; a tuple of :class:`KnownFormula`).
KNOWN_FORMULAS: tuple[KnownFormula, ...] = _build()


@functools.lru_cache(maxsize=1)
def known_index() -> dict[str, list[KnownFormula]]:
    """Canonical key (of the canonical form shifted by ``0..MAX_SHIFT``) -> formulas."""
    idx: dict[str, list[KnownFormula]] = {}
    for f in KNOWN_FORMULAS:
        c = f.pcf.canonical()
        for s in range(MAX_SHIFT + 1):
            try:
                k = (shifted(c, s) if s else c).canonical_key()
            except InvalidInputError:
                break
            idx.setdefault(k, []).append(f)
    return idx


@functools.lru_cache(maxsize=1)
def _exact() -> dict[tuple, KnownFormula]:
    return {(f.a, f.b): f for f in KNOWN_FORMULAS}


def _lookup(f: PCF, value: Any = None) -> tuple[KnownFormula | None, PCFRelation | None]:
    exact = _exact().get((tuple(f.a), tuple(f.b)))
    if exact is not None:
        return exact, None
    idx = known_index()
    keys = [f.canonical_key()]
    c = f.canonical()
    for s in range(1, MAX_SHIFT + 1):
        try:
            keys.append(shifted(c, s).canonical_key())
        except InvalidInputError:
            break
    for key in keys:
        for kf in idx.get(key, []):
            r = relate(kf.pcf, f, max_shift=2 * MAX_SHIFT, max_degree=-1)
            if r is not None:
                return kf, r
    return _coboundary_lookup(f, value)


#: Wall-time guard (seconds) of the coboundary phase of one :func:`label` call. The work is
#: bounded by itself (gauges of degree <= :data:`LABEL_GAUGE_DEGREE`, at most 10 candidate
#: factors, only formulas with the same growth invariant that PSLQ finds Mobius-related), so
#: a label does not depend on the machine's load: the default degree-1/2 box needs at most
#: about 0.5 s per fraction; the guard only stops a pathological case.
LABEL_COBOUNDARY_SECONDS = 10.0
#: Largest gauge degree the labeller tries.
LABEL_GAUGE_DEGREE = 4

def _invariant(f: PCF) -> tuple | None:
    """``(2 deg a - deg b, lc(b)/lc(a)^2)`` when ``deg b <= 2 deg a``, else ``(2 deg a - deg b,
    the square-free part of lc(b))``: unchanged by inflations, tail shifts and polynomial or
    rational gauges (the leading asymptotics of the two solutions depend on it alone)."""
    from fractions import Fraction

    if f.a == [0] or f.b == [0]:
        return None
    gap = 2 * (len(f.a) - 1) - (len(f.b) - 1)
    if gap >= 0:
        return (gap, Fraction(f.b[-1], f.a[-1] ** 2))
    lc = int(f.b[-1])
    core = 1
    for p, e in sympy.factorint(abs(lc)).items():
        if e % 2:
            core *= p
    return (gap, core if lc > 0 else -core)


@functools.lru_cache(maxsize=1)
def _invariant_index() -> dict[tuple, list[KnownFormula]]:
    idx: dict[tuple, list[KnownFormula]] = {}
    for kf in KNOWN_FORMULAS:
        key = _invariant(kf.pcf)
        if key is not None:
            idx.setdefault(key, []).append(kf)
    return idx


#: 45-digit values of the database's formulas (``solvers/data/pcf_known_values.json``: name ->
#: [the value's text, its digits]), so a label evaluates no special function (elliptic
#: integrals, Bessel functions: 5-20 ms each in sympy); written by :func:`write_known_values`,
#: and the test suite recomputes every entry from its expression.
VALUES_PATH = os.path.join(os.path.dirname(__file__), "data", "pcf_known_values.json")
_VALUE_DIGITS = 45


def _value_text(kf: KnownFormula) -> str:
    return kf.value_text or str(kf.value_expr)


def write_known_values(path: str | os.PathLike = VALUES_PATH) -> int:
    """Evaluate every formula's value to 45 digits (sympy) and store them at ``path`` (the
    shipped table by default); returns the count.

    Examples:
        >>> import json, os, tempfile
        >>> from solvers.pcf_known import write_known_values, KNOWN_FORMULAS
        >>> path = os.path.join(tempfile.mkdtemp(), "values.json")
        >>> write_known_values(path) == len(KNOWN_FORMULAS)
        True
    """
    import json

    table = {}
    for kf in KNOWN_FORMULAS:
        table[kf.name] = [_value_text(kf), str(sympy.N(kf.value, _VALUE_DIGITS + 5))[: _VALUE_DIGITS + 8]]
    with open(path, "w") as fh:
        json.dump(table, fh, indent=0, sort_keys=True)
        fh.write("\n")
    return len(table)


@functools.lru_cache(maxsize=1)
def _stored_values() -> dict[str, list[str]]:
    import json

    try:
        with open(VALUES_PATH) as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return {}


@functools.cache
def _known_value(name: str):
    """The formula's value to 40 digits: from the stored table when its text matches the
    formula's (so an edited formula is never given a stale value), else from sympy."""
    kf = next(k for k in KNOWN_FORMULAS if k.name == name)
    stored = _stored_values().get(name)
    with mpmath.workdps(40):
        if stored is not None and stored[0] == _value_text(kf):
            return mpmath.mpf(stored[1])
        return mpmath.mpf(sympy.N(kf.value, 40))


def _coboundary_lookup(f: PCF, value: Any = None
                       ) -> tuple[KnownFormula | None, PCFRelation | None]:
    """A known formula with the same :func:`_invariant` whose limit is a Mobius image of
    ``f``'s (PSLQ on ``L1 L2, L1, L2, 1`` at the hit's verified digits, 20 to 30, or at 30
    digits of a fresh evaluation, coefficients up to ``10^((digits-4)/4)``: a prefilter only) and a coboundary
    certificate linking them (:func:`solvers.pcf_equivalence.coboundary_relation`), within
    :data:`LABEL_COBOUNDARY_SECONDS` and gauges of degree <= :data:`LABEL_GAUGE_DEGREE`."""
    import time

    from solvers.pcf_equivalence import coboundary_relation

    key = _invariant(f)
    cands = _invariant_index().get(key, []) if key is not None else []
    if not cands:
        return None, None
    t0 = time.perf_counter()
    if value is not None:  # a search hit's verified limit and its digits (20 or more)
        digits = value[1]
        with mpmath.workdps(digits):
            lf = mpmath.mpf(value[0])
    else:
        digits = 30
        try:
            lf = f.evaluate(30).value
        except (ArithmeticError, InvalidInputError):
            return None, None
    digits = min(digits, 24)       # a prefilter: 24 digits and heights <= 10^5 suffice
    height = 10 ** ((digits - 4) // 4)
    for kf in cands:
        left = LABEL_COBOUNDARY_SECONDS - (time.perf_counter() - t0)
        if left <= 0:
            break
        with mpmath.workdps(digits - 2):
            lk = +_known_value(kf.name)
            if not lk or not lf:  # a zero limit: PSLQ needs nonzero numbers (and 0 is rational)
                continue
            rel = mpmath.pslq([lk * lf, lk, lf, 1], maxcoeff=height, maxsteps=500)
        if rel is None:
            continue
        r = coboundary_relation(kf.pcf, f, LABEL_GAUGE_DEGREE, max(left, 0.0))
        if r is not None:
            return kf, r
    return None, None


@dataclass(frozen=True)
class PCFLabel(Result):
    """How a fraction stands against :data:`KNOWN_FORMULAS`.

    Attributes:
        a, b: the fraction.
        kind: ``"known"``, ``"equivalent"`` or ``"new"``.
        formula: the name of the database formula (None for ``"new"``).
        relation: the certificate linking the formula and the fraction (``"equivalent"``).
        proof: for a ``"known"`` fraction outside the database, the proof of its value
            (:class:`solvers.pcf_euler.ProvedValue`: an Euler form and a summation theorem);
            ``formula`` then names the theorem.
    """

    a: tuple
    b: tuple
    kind: str
    formula: str | None = None
    relation: PCFRelation | None = None
    proof: Any = None

    @property
    def pcf(self) -> PCF:
        return PCF(list(self.a), list(self.b))

    @property
    def known(self) -> KnownFormula | None:
        if self.formula is None:
            return None
        if self.proof is not None:  # a proved value (of the fraction or of its part), not a database entry
            pcf = self.proof.pcf
            return KnownFormula(self.formula, tuple(pcf.a), tuple(pcf.b), self.proof.value, "euler_series")
        return next((f for f in KNOWN_FORMULAS if f.name == self.formula), None)

    @property
    def expression(self) -> Any:
        """The fraction's value from the known formula and the relation (None for new)."""
        kf = self.known
        if kf is None:
            return None
        if self.kind == "known" and self.relation is None:  # a database formula or a proved value
            return kf.value
        r = self.relation  # to a database formula, or to the part whose value self.proof proves
        m0, m1, m2, m3 = r.mobius
        if r.pcf1 == kf.pcf:  # L_hit = m(L_known)
            return sympy.together((m0 * kf.value + m1) / (m2 * kf.value + m3))
        # the relation runs from the hit to the formula: invert it
        return sympy.together((m3 * kf.value - m1) / (-m2 * kf.value + m0))

    def check(self) -> None:
        """Re-verify: the formula exists, the relation is exact and links the two fractions,
        and a ``"new"`` fraction is still not found in the database.

        Raises:
            VerificationError: naming what fails.
        """
        f = self.pcf
        if self.kind not in ("known", "equivalent", "new"):
            raise VerificationError(f"kind={self.kind!r} is not known/equivalent/new")
        if self.kind == "new":
            kf, _ = _lookup(f)
            if kf is not None:
                raise VerificationError(f"{f!r} is related to the known formula {kf.name!r}")
            if _euler_proof(f) is not None:
                raise VerificationError(f"{f!r} has a proved value (Euler form)")
            if _part_proof(f) is not None:
                raise VerificationError(f"{f!r} has a part with a proved value (Euler form)")
            return
        if self.proof is not None and self.relation is None:
            _check_euler_proof(self, f)
            return
        if self.proof is not None:  # the value of a part of f, and the contraction to it
            r = self.relation
            if self.kind != "known" or r.kind != "contraction" or r.pcf1 != f or r.pcf2 != self.proof.pcf:
                raise VerificationError("a proof of a part needs the contraction from this fraction to it")
            if self.formula != _part_name(self.proof, r):
                raise VerificationError(f"formula {self.formula!r} does not name the proof's theorem and part")
            r.check()
            self.proof.check()
            return
        kf = self.known
        if kf is None:
            raise VerificationError(f"formula {self.formula!r} is not in the database")
        if self.kind == "known":
            if kf.pcf != f:
                raise VerificationError(f"{f!r} is not the formula {kf.name!r}")
            return
        r = self.relation
        if r is None:
            raise VerificationError("an 'equivalent' label needs its relation")
        if {r.pcf1, r.pcf2} != {kf.pcf, f}:
            raise VerificationError(f"the relation does not link {kf.name!r} and {f!r}")
        r.check()

    def to_json(self) -> dict:
        kf = self.known
        return {"a": list(self.a), "b": list(self.b), "kind": self.kind, "formula": self.formula,
                "source": None if kf is None else kf.source,
                "expression": None if self.expression is None else str(self.expression),
                "relation": None if self.relation is None else self.relation.to_json(),
                "proof": None if self.proof is None else self.proof.to_json()}

    @classmethod
    def from_json(cls, d: dict) -> PCFLabel:
        rel, proof = d.get("relation"), d.get("proof")
        if proof is not None:
            from solvers.pcf_euler import ProvedValue

            proof = ProvedValue.from_json(proof)
        return cls(tuple(int(c) for c in d["a"]), tuple(int(c) for c in d["b"]), str(d["kind"]),
                   d.get("formula"), None if rel is None else PCFRelation.from_json(rel), proof)

    @classmethod
    def example(cls) -> PCFLabel:
        """A tail of Brouncker's ``4/pi`` fraction inflated by ``-3``: equivalent to it."""
        return label(PCF("-6n-9", "9(n+1)^2"))

    @classmethod
    def tampered(cls) -> PCFLabel:
        """:meth:`example` relabelled ``"known"``."""
        import dataclasses

        return dataclasses.replace(cls.example(), kind="known")


def prepare_labels() -> None:
    """Build the lookup tables :func:`label` uses (indexes of the database, stored values,
    the Euler-form machinery) now: before worker processes are forked, so each does not build
    its own (about 0.1 s).

    Examples:
        >>> from solvers.pcf_known import prepare_labels, known_index
        >>> prepare_labels()
        >>> known_index.cache_info().currsize
        1
    """
    known_index()
    _exact()
    _invariant_index()
    _stored_values()
    import solvers.pcf_equivalence  # noqa: F401
    import solvers.pcf_euler  # noqa: F401


def label(item: Any) -> PCFLabel:
    """Label a fraction (a :class:`~engine.contfrac.PCF`, a pair ``(a, b)`` or anything with
    ``.pcf``, such as a search hit) against :data:`KNOWN_FORMULAS`; a fraction related to none
    of them is still ``"known"`` when :func:`solvers.pcf_euler.proved_value` proves its value
    (inflations of degree <= :data:`LABEL_EULER_DEGREE`, tails from depth <=
    :data:`LABEL_EULER_SHIFT`; about 20 ms a fraction).

    Examples:
        >>> from engine.contfrac import PCF
        >>> from solvers.pcf_known import label
        >>> lab = label(PCF("3n", "3+n-2n^2"))     # not in the database; its value is proved
        >>> lab.kind, lab.formula, str(lab.expression)
        ('known', 'Euler series (gauss_second)', '(8 + 3*pi)/(3*pi + 10)')

    Raises:
        InvalidInputError: ``item`` is not a fraction.
    """
    value = None
    if isinstance(item, PCF):
        f = item
    elif isinstance(item, tuple | list) and len(item) == 2:
        f = PCF(*item)
    elif isinstance(getattr(item, "pcf", None), PCF):
        f = item.pcf
        try:
            dv = int(getattr(item, "digits_verified", 0))
            if dv >= 20:
                value = (str(item.value), min(dv, 30))
                mpmath.mpf(value[0])
        except (TypeError, ValueError):
            value = None
    else:
        raise InvalidInputError(f"item={item!r:.60} is not a PCF, a pair (a, b) or a hit")
    if f.a == [0]:
        return PCFLabel(tuple(f.a), tuple(f.b), "new")
    kf, rel = _lookup(f, value)
    if kf is None:
        proof = _euler_proof(f)
        if proof is not None:
            return PCFLabel(tuple(f.a), tuple(f.b), "known", _euler_name(proof), None, proof)
        part = _part_proof(f)
        if part is not None:
            rel, proof = part
            return PCFLabel(tuple(f.a), tuple(f.b), "known", _part_name(proof, rel), rel, proof)
        return PCFLabel(tuple(f.a), tuple(f.b), "new")
    if rel is None:
        return PCFLabel(tuple(f.a), tuple(f.b), "known", kf.name)
    return PCFLabel(tuple(f.a), tuple(f.b), "equivalent", kf.name, rel)


# ---- Euler-form proofs (solvers.pcf_euler): "known" with a proved value outside the database
#: Largest inflation degree the labeller's Euler-form search tries (bounded work per label).
LABEL_EULER_DEGREE = 2
#: Largest tail shift of the labeller's Euler-form search.
LABEL_EULER_SHIFT = 1


def _euler_proof(f: PCF) -> Any:
    """:func:`solvers.pcf_euler.proved_value` of ``f`` (None when it has none)."""
    from solvers.pcf_euler import proved_value

    return proved_value(f, LABEL_EULER_DEGREE, LABEL_EULER_SHIFT)


def _euler_name(proof: Any) -> str:
    return f"Euler series ({proof.theorem})"


#: Largest degree of ``b`` of a fraction whose even and odd parts the labeller tries.
LABEL_PART_DEGREE = 3


def _part_proof(f: PCF) -> tuple[PCFRelation, Any] | None:
    """A proved value of the even or odd part of ``f`` (:func:`solvers.pcf_equivalence.
    contraction_relation`, then :func:`solvers.pcf_euler.proved_value` of the part): the
    Stieltjes-type fractions (``a`` constant, ``b`` quadratic) have no Euler form themselves,
    but their parts do. Only for a constant ``a`` and ``deg b <=`` :data:`LABEL_PART_DEGREE`
    (bounded work: about 0.1 s a fraction)."""
    from solvers.pcf_equivalence import contraction_relation

    if len(f.b) - 1 > LABEL_PART_DEGREE or len(f.a) != 1 or f.a == [0] or f.b == [0]:
        return None
    for parity in (0, 1):
        rel = contraction_relation(f, parity)
        if rel is None:
            continue
        proof = _euler_proof(rel.pcf2)
        if proof is not None:
            return rel, proof
    return None


def _part_name(proof: Any, rel: PCFRelation) -> str:
    return f"{_euler_name(proof)}, {('even', 'odd')[rel.shift % 2]} part"


def _check_euler_proof(lab: PCFLabel, f: PCF) -> None:
    if lab.kind != "known":
        raise VerificationError(f"a proved value labels a fraction 'known', not {lab.kind!r}")
    if lab.proof.pcf != f:
        raise VerificationError(f"the proof is about {lab.proof.pcf!r}, not {f!r}")
    if lab.formula != _euler_name(lab.proof):
        raise VerificationError(f"formula {lab.formula!r} does not name the proof's theorem")
    lab.proof.check()
