"""Parametric families of continued fractions: search, identify, rank by delta.

A family is a pair of polynomial templates in ``n`` and integer parameters, e.g. Apery's

    a(n) = (2n+1)(c1 n^2 + c1 n + c2),    b(n) = c3 n^6,

with a range for each parameter. :func:`search_family` substitutes every parameter tuple
(the templates are read by :func:`engine.contfrac.parse_polynomial` after each parameter name
is replaced by its integer value: no ``eval``), evaluates all members with the float kernel of
the enumeration (:func:`search.pcf.evaluate_box`), matches Mobius forms of the constants by the
same meet-in-the-middle hashing, verifies every match with certified digits, and ranks the
converging members by the irrationality-measure estimate ``delta`` (a factorial-reduction /
delta filter: Apery-like fractions stand out with ``delta > 0``). The hits are grouped into
classes and labelled (known / equivalent / new) like those of :func:`search.pcf.search_pcfs`.

It runs in this process (no store or checkpoint): families are small (at most
:data:`MAX_FAMILY` members).

References:
    G. Raayoni et al., Nature 590 (2021) 67-73 (parametric PCF families, MITM-RF);
    R. Apery, Asterisque 61 (1979) (the family above holds 6/zeta(3) at c1 = 17, c2 = 5, c3 = -1).

Examples:
    >>> from search.pcf.family import search_family
    >>> r = search_family("(2n+1)(c1 n^2 + c1 n + c2)", "c3 n^6",
    ...                   {"c1": range(16, 19), "c2": range(4, 7), "c3": [-1]}, ["zeta(3)"])
    >>> [(h.a, str(h.expression)) for h in r.hits]
    [([5, 27, 51, 34], '6/zeta(3)')]
    >>> r.ranked[0]["params"], r.ranked[0]["delta"] > 0.05
    ({'c1': 17, 'c2': 5, 'c3': -1}, True)
"""

from __future__ import annotations

import itertools
import math
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine.contfrac import PCF, parse_polynomial
from engine.errors import EngineError, InvalidInputError, VerificationError
from engine.results import Result
from search.pcf.hit import PCFHit
from solvers.constants import resolve_constant

__all__ = ["search_family", "FamilySearchResult", "family_member", "MAX_FAMILY"]

#: The most members one family search evaluates.
MAX_FAMILY = 200_000
_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")


def family_member(template: str, params: Mapping[str, int], name: str = "a") -> list[int]:
    """The coefficients of ``template`` with the parameters substituted.

    Raises:
        InvalidInputError: a bad template or parameter name (the message names it).

    Examples:
        >>> from search.pcf.family import family_member
        >>> family_member("(2n+1)(c1 n^2 + c1 n + c2)", {"c1": 17, "c2": 5})
        [5, 27, 51, 34]
    """
    if not isinstance(template, str):
        raise InvalidInputError(f"{name}={template!r:.40} must be a template string in n and the "
                                "parameters, e.g. '(2n+1)(c1 n^2 + c1 n + c2)'")
    text = template
    for p in sorted(params, key=len, reverse=True):
        text = re.sub(rf"(?<![A-Za-z0-9_]){re.escape(p)}(?![A-Za-z0-9_])", f"({int(params[p])})", text)
    left = [t for t in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text) if t != "n"]
    if left:
        raise InvalidInputError(
            f"{name}={template!r:.60}: unknown name {left[0]!r}; give it a range in parameters "
            "(or write the polynomial in n only)")
    return parse_polynomial(text, name)


def _check_params(parameters: Any) -> dict[str, list[int]]:
    if not isinstance(parameters, Mapping) or not parameters:
        raise InvalidInputError("parameters must be a non-empty dict name -> integer values, e.g. "
                                "{'c1': range(1, 10)}")
    out: dict[str, list[int]] = {}
    for k, v in parameters.items():
        if not isinstance(k, str) or not _NAME.match(k) or k == "n":
            raise InvalidInputError(f"parameter name {k!r:.30} must be an identifier other than n")
        try:
            vals = list(v)
        except TypeError:
            raise InvalidInputError(f"parameters[{k!r}] must be a range or a list of integers") from None
        if not vals or any(isinstance(x, bool) or not isinstance(x, int | np.integer) or
                           abs(int(x)) > 10**6 for x in vals):
            raise InvalidInputError(
                f"parameters[{k!r}] must hold integers of absolute value <= 10^6 (got "
                f"{vals[:5]!r:.40})")
        out[k] = [int(x) for x in dict.fromkeys(vals)]
    return out


@dataclass(frozen=True)
class FamilySearchResult(Result):
    """Outcome of :func:`search_family`.

    Attributes:
        a_template, b_template, parameters: the family (parameter value lists).
        constants: the catalogue names matched.
        hits: verified :class:`~search.pcf.PCFHit` s, by descending ``delta``.
        hit_params: the parameter tuple of each hit.
        ranked: up to ``top`` converging members by descending ``delta`` (``{"params", "a",
            "b", "delta", "reduction"}``; ``reduction``: ``log gcd(p_N, q_N) / log N!``).
        n_candidates, n_converged: members evaluated and converging.
        elapsed: wall seconds.
    """

    a_template: str
    b_template: str
    parameters: dict
    constants: tuple
    hits: list
    hit_params: list
    ranked: list
    n_candidates: int
    n_converged: int
    elapsed: float = 0.0
    extra: dict = field(default_factory=dict)

    @property
    def classes(self) -> list:
        from search.pcf.classes import group_hits

        return group_hits(self.hits)

    def check(self) -> None:
        """Each hit is the family member of its parameters and re-verifies
        (:meth:`PCFHit.check`, quick form).

        Raises:
            VerificationError: naming the hit.
        """
        if len(self.hits) != len(self.hit_params):
            raise VerificationError("hits and hit_params differ in length")
        for h, p in zip(self.hits, self.hit_params, strict=True):
            for k, vals in self.parameters.items():
                if p.get(k) not in vals:
                    raise VerificationError(f"hit {h.key()}: parameter {k}={p.get(k)} is outside "
                                            "the family's range")
            if family_member(self.a_template, p, "a") != list(h.a) or \
                    family_member(self.b_template, p, "b") != list(h.b):
                raise VerificationError(f"hit {h.key()} is not the family member at {p}")
            h.check(fresh=False)

    def to_json(self) -> dict:
        return {"a_template": self.a_template, "b_template": self.b_template,
                "parameters": {k: list(v) for k, v in self.parameters.items()},
                "constants": list(self.constants), "hits": [h.to_json() for h in self.hits],
                "hit_params": [dict(p) for p in self.hit_params], "ranked": list(self.ranked),
                "n_candidates": self.n_candidates, "n_converged": self.n_converged,
                "elapsed": self.elapsed, "extra": dict(self.extra),
                "classes": [c.to_json() for c in self.classes]}

    @classmethod
    def from_json(cls, d: dict) -> FamilySearchResult:
        return cls(d["a_template"], d["b_template"],
                   {k: [int(x) for x in v] for k, v in d["parameters"].items()},
                   tuple(d["constants"]), [PCFHit.from_json(h) for h in d["hits"]],
                   [{k: int(x) for k, x in p.items()} for p in d["hit_params"]],
                   list(d["ranked"]), int(d["n_candidates"]), int(d["n_converged"]),
                   float(d.get("elapsed", 0.0)), dict(d.get("extra", {})))

    @classmethod
    def example(cls) -> FamilySearchResult:
        """Apery's family ``(2n+1)(c1 n^2 + c1 n + c2)``, ``c3 n^6`` around ``(17, 5, -1)``
        against zeta(3): one hit, Apery's ``6/zeta(3)`` (Apery 1979)."""
        return search_family("(2n+1)(c1 n^2 + c1 n + c2)", "c3 n^6",
                             {"c1": [16, 17, 18], "c2": [4, 5, 6], "c3": [-1]}, ["zeta(3)"])

    @classmethod
    def tampered(cls) -> FamilySearchResult:
        """:meth:`example` with the hit's parameters changed."""
        import dataclasses

        ex = cls.example()
        return dataclasses.replace(ex, hit_params=[{"c1": 16, "c2": 5, "c3": -1}])


def search_family(
    a: str,
    b: str,
    parameters: Mapping[str, Sequence[int]],
    constants: Sequence[str] = ("zeta(3)",),
    *,
    max_height: int = 64,
    depth: int = 4096,
    verify_digits: int = 30,
    top: int = 20,
    delta_depth: int = 256,
    store: Any = None,
) -> FamilySearchResult:
    """Search the family ``PCF(a(params), b(params))`` for Mobius forms of ``constants`` and
    rank its members by ``delta``.

    Args:
        a, b: templates in ``n`` and the parameter names (``"(2n+1)(c1 n^2 + c1 n + c2)"``).
        parameters: name -> integer values (a range or list).
        constants: catalogue names.
        max_height, depth, verify_digits: as in :func:`search.pcf.search_pcfs`.
        top: how many members the delta ranking keeps (0 to 1000).
        delta_depth: the depth of the ranking's ``delta(N)`` (64 to 4096).
        store: a ``search.store.ResultsStore`` or a path: every verified hit is recorded
            there (domain ``"contfrac"``, key :func:`search.pcf.pcf_key`, one run of kind
            ``"contfrac.family"``); None stores nothing.

    Raises:
        InvalidInputError: bad templates, parameters (naming them), constants, or a family of
            more than :data:`MAX_FAMILY` members.
    """
    from engine._args import check_int
    from search.pcf.enumerate import (
        _rational_mask,
        _scan,
        _verify_hit,
        evaluate_box,
    )

    t0 = time.perf_counter()
    params = _check_params(parameters)
    if isinstance(constants, str):
        constants = [constants]
    if not constants:
        raise InvalidInputError("constants=[] is empty; name at least one, e.g. ['zeta(3)']")
    cnames = list(dict.fromkeys(resolve_constant(c) for c in constants))
    max_height = check_int(max_height, "max_height", low=1, high=1000)
    depth = check_int(depth, "depth", low=64, high=1 << 20)
    verify_digits = check_int(verify_digits, "verify_digits", low=12, high=2000)
    top = check_int(top, "top", low=0, high=1000)
    delta_depth = check_int(delta_depth, "delta_depth", low=64, high=4096)
    names = list(params)
    total = math.prod(len(v) for v in params.values())
    if total > MAX_FAMILY:
        raise InvalidInputError(f"the family has {total} members; at most {MAX_FAMILY} per call: "
                                "narrow the parameter ranges")
    first = dict(zip(names, (v[0] for v in params.values()), strict=True))
    family_member(a, first, "a")
    family_member(b, first, "b")
    combos, As, Bs = [], [], []
    for vals in itertools.product(*params.values()):
        p = dict(zip(names, vals, strict=True))
        ca, cb = family_member(a, p, "a"), family_member(b, p, "b")
        if ca == [0]:
            continue
        combos.append(p)
        As.append(ca)
        Bs.append(cb)
    da = max((len(x) for x in As), default=1)
    db = max((len(x) for x in Bs), default=1)
    A = np.zeros((len(As), da), dtype=np.float64)
    B = np.zeros((len(Bs), db), dtype=np.float64)
    for i, (x, y) in enumerate(zip(As, Bs, strict=True)):
        A[i, :len(x)] = x
        B[i, :len(y)] = y
    hits: list[PCFHit] = []
    hit_params: list[dict] = []
    ranked: list[dict] = []
    n_conv = 0
    if len(As):
        ev = evaluate_box(A, B, depth)
        value, status = ev["value"], ev["status"]
        good = np.where(np.isfinite(value))[0]
        n_conv = int(len(good))
        irr = good[~_rational_mask(value[good])] if len(good) else good
        cand: dict[int, tuple] = {}
        for cname in cnames:
            for r in _scan(value[irr], ev["tol"][irr], cname, max_height):
                idx = int(irr[int(r[0])])
                c = tuple(int(v) for v in r[1:])
                g = math.gcd(*c)
                c = tuple(v // g for v in c)
                if idx not in cand or max(map(abs, c)) < cand[idx][0]:
                    cand[idx] = (max(map(abs, c)), cname, c)
        for idx, (_, cname, c) in sorted(cand.items()):
            payload = _verify_hit(As[idx], Bs[idx], cname, c, verify_digits, int(status[idx]))
            if payload is not None:
                hits.append(PCFHit.from_json(payload))
                hit_params.append(combos[idx])
        scored = []
        for idx in good:
            f = PCF(As[idx], Bs[idx])
            try:
                d = f.delta(delta_depth)
            except EngineError:
                continue
            if not math.isfinite(d):
                continue
            red = f.gcd_reduction(delta_depth)["reduction"]
            scored.append((d, int(idx), red))
        scored.sort(key=lambda t: -t[0])
        for d, idx, red in scored[:top]:
            ranked.append({"params": combos[idx], "a": As[idx], "b": Bs[idx],
                           "delta": round(float(d), 6), "reduction": round(float(red), 4)})
    order = sorted(range(len(hits)), key=lambda i: -(hits[i].delta if hits[i].delta is not None
                                                      else -math.inf))
    hits, hit_params = [hits[i] for i in order], [hit_params[i] for i in order]
    extra: dict[str, Any] = {}
    if store is not None:
        extra["run_id"] = _store_hits(store, a, b, params, cnames, hits)
    return FamilySearchResult(
        a, b, params, tuple(cnames), hits, hit_params, ranked, len(As), n_conv,
        round(time.perf_counter() - t0, 3), extra)


def _store_hits(store: Any, a: str, b: str, params: dict, cnames: list, hits: list) -> int:
    """Record the verified hits in the results store (one run); returns the run id."""
    from search.core import StopReason
    from search.pcf.hit import pcf_key
    from search.store import ResultsStore

    st = store if isinstance(store, ResultsStore) else ResultsStore(store)
    rid = st.start_run("contfrac.family", {"a": a, "b": b, "parameters": params,
                                            "constants": cnames})
    for h in hits:
        st.add_result("contfrac", pcf_key(h.a, h.b), h.to_json(), verified=True,
                      method=f"family:{h.certification}", run_id=rid,
                      score=float(h.digits_verified))
    st.end_run(rid, StopReason.EXHAUSTED, {"hits": len(hits)})
    return rid
