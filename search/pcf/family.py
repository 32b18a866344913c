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

It runs on the search runner (:func:`search.runner.run_search`, spec :class:`FamilySpec`,
kind ``"contfrac.family"``): every verified hit is committed to the store (when one is given)
before it is printed or returned, the run checkpoints (``checkpoint=``) and resumes
(``resume=True``) to exactly the result of an uninterrupted run. At most :data:`MAX_FAMILY`
members per call.

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
from search.runner import SearchSpec
from solvers.constants import resolve_constant

__all__ = ["search_family", "FamilySearchResult", "family_member", "MAX_FAMILY", "FamilySpec",
           "FamilyHit", "family_step"]

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
    budget: Any = None,
    time_limit: float | None = None,
    seed: int | None = 0,
    workers: int | None = None,
    backend: Any = None,
    checkpoint: Any = None,
    checkpoint_every: float = 30.0,
    resume: bool = False,
    force: bool = False,
    progress: bool | None = False,
    chunk_size: int | None = None,
) -> FamilySearchResult:
    """Search the family ``PCF(a(params), b(params))`` for Mobius forms of ``constants`` and
    rank its members by ``delta``, on the search runner.

    Args:
        a, b: templates in ``n`` and the parameter names (``"(2n+1)(c1 n^2 + c1 n + c2)"``).
        parameters: name -> integer values (a range or list).
        constants: catalogue names.
        max_height, depth, verify_digits: as in :func:`search.pcf.search_pcfs`.
        top: how many members the delta ranking keeps (0 to 1000).
        delta_depth: the depth of the ranking's ``delta(N)`` (64 to 4096).
        store: a ``search.store.ResultsStore`` or a path: every verified hit is committed
            there when found, before it is printed or returned (domain ``"contfrac"``, key
            :func:`search.pcf.pcf_key`, the payload a :class:`PCFHit` record with
            ``family_params``; one run of kind ``"contfrac.family"``); None stores nothing.
        budget, time_limit: a ``search.core.Budget`` (``steps`` counts members) or its time.
        seed, workers, backend, progress: as in :func:`search.runner.run_search` (walkers own
            contiguous ranges of members; the result does not depend on how many).
        checkpoint, checkpoint_every, resume, force: checkpoint file, seconds between
            checkpoints, continue it, start over an existing one.
        chunk_size: members per chunk of one walker (default :data:`FamilySpec.chunk_steps`).

    Raises:
        InvalidInputError: bad templates, parameters (naming them), constants, options, or a
            family of more than :data:`MAX_FAMILY` members.
        CheckpointError: a checkpoint of another search.
    """
    from engine._args import check_int
    from search.core import resolve_budget
    from search.runner import run_search

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
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int)
                                or workers < 1):
        raise InvalidInputError(f"workers={workers!r} must be a positive integer")
    nworkers = workers or 1
    if backend is None:
        backend = "serial" if nworkers == 1 else "process"
    budget = resolve_budget(budget, what="search_family", time_limit=time_limit)
    spec = FamilySpec(a, b, params, cnames, max_height=max_height, depth=depth,
                      verify_digits=verify_digits, top=top, delta_depth=delta_depth,
                      walkers=1 if backend == "serial" else nworkers)
    out = run_search(spec, budget, seed=seed, workers=None if backend == "serial" else nworkers,
                     backend=backend, checkpoint=checkpoint, checkpoint_every=checkpoint_every,
                     resume=resume, force=force, store=store, progress=progress,
                     chunk_steps=chunk_size)
    hits = sorted(out.hits, key=lambda c: (-(c.hit.delta if c.hit.delta is not None
                                              else -math.inf), list(c.hit.a), list(c.hit.b)))
    ranked = _merge_ranked([r for s in out.states for r in s.get("ranked", [])], top)
    n_cand = sum(int(s.get("n_candidates", 0)) for s in out.states)
    n_conv = sum(int(s.get("n_converged", 0)) for s in out.states)
    extra: dict[str, Any] = {"stop_reason": out.stop_reason.value}
    if out.run_id is not None:
        extra["run_id"] = out.run_id
    return FamilySearchResult(
        a, b, params, tuple(cnames), [c.hit for c in hits], [dict(c.params) for c in hits],
        [{k: v for k, v in r.items() if k != "index"} for r in ranked], n_cand, n_conv,
        round(max(out.elapsed, time.perf_counter() - t0), 3), extra)


def _member(params: dict, index: int) -> dict[str, int]:
    """The parameters of member ``index`` (the order of ``itertools.product``)."""
    out = {}
    for k in reversed(list(params)):
        vals = params[k]
        index, r = divmod(index, len(vals))
        out[k] = int(vals[r])
    return {k: out[k] for k in params}


def _merge_ranked(rows: list[dict], top: int) -> list[dict]:
    rows = sorted(rows, key=lambda r: (-r["delta"], r["index"]))
    return rows[:top]


def family_step(state: dict, budget: Any) -> tuple[Any, list, int]:
    """Step of :class:`FamilySpec`: evaluate, match, verify and rank the walker's next members
    (at most ``budget.steps``; sub-batches of 64 while ``budget.time_limit`` lasts, at least
    one). Returns ``(new_state, hit payloads, members done)``."""
    from search.pcf.enumerate import _rational_mask, _scan, _verify_hit, evaluate_box
    from search.runner import Exhausted

    sp, pos, hi = state["spec"], state["pos"], state["hi"]
    if pos >= hi:
        return Exhausted(state), [], 0
    limit = hi - pos if not budget.steps else min(hi - pos, int(budget.steps))
    t0 = time.perf_counter()
    deadline = None if budget.time_limit is None else t0 + float(budget.time_limit)
    found: list[dict] = []
    ranked = list(state.get("ranked", []))
    n_cand, n_conv = int(state.get("n_candidates", 0)), int(state.get("n_converged", 0))
    done = 0
    while done < limit and (done == 0 or deadline is None or time.perf_counter() < deadline):
        lo = pos + done
        hi_b = min(pos + limit, lo + 64)
        idxs, As, Bs = [], [], []
        for i in range(lo, hi_b):
            p = _member(sp["params"], i)
            ca, cb = family_member(sp["a"], p, "a"), family_member(sp["b"], p, "b")
            if ca == [0]:
                continue
            idxs.append(i)
            As.append(ca)
            Bs.append(cb)
        done = hi_b - pos
        n_cand += len(idxs)
        if not idxs:
            continue
        da, db = max(len(x) for x in As), max(len(x) for x in Bs)
        A = np.zeros((len(As), da), dtype=np.float64)
        B = np.zeros((len(Bs), db), dtype=np.float64)
        for j, (x, y) in enumerate(zip(As, Bs, strict=True)):
            A[j, :len(x)] = x
            B[j, :len(y)] = y
        ev = evaluate_box(A, B, sp["depth"])
        value, status = ev["value"], ev["status"]
        good = np.where(np.isfinite(value))[0]
        n_conv += int(len(good))
        irr = good[~_rational_mask(value[good])] if len(good) else good
        cand: dict[int, tuple] = {}
        for cname in sp["constants"]:
            for r in _scan(value[irr], ev["tol"][irr], cname, sp["max_height"]):
                j = int(irr[int(r[0])])
                c = tuple(int(v) for v in r[1:])
                g = math.gcd(*c)
                c = tuple(v // g for v in c)
                if j not in cand or max(map(abs, c)) < cand[j][0]:
                    cand[j] = (max(map(abs, c)), cname, c)
        for j, (_, cname, c) in sorted(cand.items()):
            payload = _verify_hit(As[j], Bs[j], cname, c, sp["verify_digits"], int(status[j]))
            if payload is not None:
                found.append({**payload, "family_params": _member(sp["params"], idxs[j])})
        for j in good:
            f = PCF(As[j], Bs[j])
            try:
                d = f.delta(sp["delta_depth"])
            except EngineError:
                continue
            if not math.isfinite(d):
                continue
            red = f.gcd_reduction(sp["delta_depth"])["reduction"]
            ranked.append({"params": _member(sp["params"], idxs[j]), "a": As[j], "b": Bs[j],
                           "delta": round(float(d), 6), "reduction": round(float(red), 4),
                           "index": idxs[j]})
        ranked = _merge_ranked(ranked, sp["top"])
    new = {**state, "pos": pos + done, "ranked": ranked, "n_candidates": n_cand,
           "n_converged": n_conv}
    return (Exhausted(new) if new["pos"] >= hi else new), found, done


@dataclass(frozen=True)
class FamilyHit:
    """A verified hit of a family and its parameters (the runner's candidate)."""

    hit: PCFHit
    params: dict


class FamilySpec(SearchSpec):
    """The family search of :func:`search_family` as a runner spec (kind
    ``"contfrac.family"``, domain ``"contfrac"``, ``collect="all"``): walker ``i`` owns a
    contiguous range of members (in the order of ``itertools.product`` over the parameter
    lists); a step (:func:`family_step`) evaluates, matches and verifies the next members and
    keeps the walker's ``top`` members by ``delta`` in its state. One step is one member.

    Examples:
        >>> from search.pcf.family import FamilySpec
        >>> spec = FamilySpec("n + c1", "c2 n", {"c1": [1, 2, 3], "c2": [1, 2]}, ["e"], walkers=2)
        >>> [(s["lo"], s["hi"]) for s in spec.initial_states(0)]
        [(0, 3), (3, 6)]
    """

    kind = "contfrac.family"
    domain = "contfrac"
    verification_method = "pcf-evaluate+mobius"
    collect = "all"
    state_version = 1
    chunk_steps = 256
    start_method = "fork"
    step = staticmethod(family_step)

    def __init__(self, a: str, b: str, parameters: Mapping[str, Sequence[int]],
                 constants: Sequence[str], *, max_height: int = 64, depth: int = 4096,
                 verify_digits: int = 30, top: int = 20, delta_depth: int = 256,
                 walkers: int = 1) -> None:
        params = _check_params(parameters)
        self.family = {"a": str(a), "b": str(b), "params": params,
                       "constants": [str(c) for c in constants], "max_height": int(max_height),
                       "depth": int(depth), "verify_digits": int(verify_digits), "top": int(top),
                       "delta_depth": int(delta_depth)}
        self.walkers = max(1, int(walkers))

    def params(self) -> dict[str, Any]:
        return dict(self.family)

    @property
    def total(self) -> int:
        return math.prod(len(v) for v in self.family["params"].values())

    def initial_states(self, seed: int) -> list[dict]:
        total = self.total
        w = max(1, min(self.walkers, total))
        cuts = np.linspace(0, total, w + 1).astype(int)
        return [{"spec": dict(self.family), "lo": int(cuts[i]), "hi": int(cuts[i + 1]),
                 "pos": int(cuts[i]), "ranked": [], "n_candidates": 0, "n_converged": 0}
                for i in range(w)]

    def decode(self, raw: dict) -> FamilyHit:
        return self.from_json(raw)

    def score(self, c: FamilyHit) -> float:
        return float(c.hit.digits_verified)

    def verify(self, c: FamilyHit) -> bool:
        """The hit is the family member of its parameters, of one of the constants, and
        re-verifies (:meth:`PCFHit.check`, quick form; the full check where that fails)."""
        fam = self.family
        try:
            if family_member(fam["a"], c.params, "a") != list(c.hit.a) or \
                    family_member(fam["b"], c.params, "b") != list(c.hit.b):
                return False
        except InvalidInputError:
            return False
        if c.hit.constant not in fam["constants"]:
            return False
        try:
            c.hit.check(fresh=False)
        except VerificationError:
            return c.hit.is_valid()
        return True

    def key(self, c: FamilyHit) -> str:
        return c.hit.key()

    def to_json(self, c: FamilyHit) -> dict:
        return {**c.hit.to_json(), "family_params": dict(c.params)}

    def from_json(self, payload: dict) -> FamilyHit:
        return FamilyHit(PCFHit.from_json(payload),
                         {str(k): int(v) for k, v in payload["family_params"].items()})

    def describe(self, c: FamilyHit) -> str:
        h = c.hit
        return (f"{c.params}: a={list(h.a)} b={list(h.b)} = {h.expression_text} "
                f"({h.digits_verified} digits, {h.certification})")
