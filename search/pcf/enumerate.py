"""Enumeration search for polynomial continued fractions whose limits are Mobius forms of constants.

:func:`enumerate_pcfs` scans a box of integer coefficients ``a(n) = c0 + c1 n + ...`` (degree
``a_degree``) and ``b(n) = d0 + d1 n + ...`` (degree ``b_degree``), every coefficient in
``[-R, R]``, and returns every fraction whose limit is ``(c0 + c1 K)/(c2 + c3 K)`` for a constant
``K`` of the chosen set, with ``|c_i| <= max_height``. The pipeline, per chunk of candidates:

1. **Symmetry de-duplication.** ``PCF(-a, b) = -PCF(a, b)`` (every convergent changes sign), so
   only fractions whose ``a`` has a positive leading coefficient are evaluated; each hit is
   reported together with its mirror (with the Mobius form negated).
2. **Float evaluation** (numba): the three-term recurrence in float64 with rescaling, stopped
   per fraction as soon as ``|x_n - x_{n-1}| <= 1e-14 |x_n|`` three times in a row. Fractions
   still moving at ``depth`` but with shrinking differences are *slow* (logarithmic, e.g.
   Brouncker-type): they are extrapolated by Richardson in ``1/n`` over geometric samples of
   both parities, by Euler averaging, and, where the exponent of ``x_n - L ~ n^-g`` is known
   from the polynomials (Brouncker-type ``g = |lead a|/sqrt(lead b)``, parabolic
   ``g = sqrt(1 + 16k)``; :meth:`engine.contfrac.PCF.power_exponent`), by a power fit with the
   exponents ``i g + j``; a value is kept only when its extrapolations agree (``1e-10``,
   ``1e-9`` for power fits). Fractions whose differences do not shrink are counted as
   divergent. Every fraction left over gets a reason
   (:func:`solvers.pcf_classify.classify_fraction`: elliptic or
   parabolic divergence, ``1/log n`` convergence, termination) in
   :attr:`EnumerationResult.unresolved` / ``divergent_by_reason``.
3. **Meet-in-the-middle hashing** (numba): ``x = (c0 + c1 K)/(c2 + c3 K)`` iff
   ``y = x (c2 + c3 K)`` lies in ``Z + Z K``. The fractional parts ``{c1 K}`` (``|c1| <= H``) are
   put in a hash grid once per constant; for each distinct value ``x`` and each denominator
   ``(c2, c3)`` the fractional part of ``y`` is looked up, which yields ``c1`` and then
   ``c0 = round(y - c1 K)``. Degenerate forms (``c0 c3 = c1 c2``, i.e. rational limits) are
   skipped.
4. **Verification** of every hit: :meth:`engine.contfrac.PCF.evaluate` computes the limit to
   ``verify_digits`` digits from exact python-flint convergents (certificate recorded), and the
   Mobius form is re-checked to that many digits; unverified candidates are dropped. Each hit
   records the digits verified, the convergence class and rate, and ``delta``.

The chunks run through :func:`search.parallel.run_chunked` (serial, local process pool or
Dask; resumable from a checkpoint) and hits go to the results store (domain ``"contfrac"``).

References:
    G. Raayoni et al., "Generating conjectures on fundamental constants with the Ramanujan
    Machine", Nature 590 (2021) 67-73 (MITM-RF hashing of Mobius transforms).
    L. F. Richardson, "The deferred approach to the limit" (1927) (extrapolation).

Examples:
    >>> from search.pcf import enumerate_pcfs
    >>> hits = enumerate_pcfs(a_degree=1, b_degree=1, coefficient_range=1, constants=["e"],
    ...                       workers=1)
    >>> sorted((h.a, h.b, str(h.expression)) for h in hits)[:3]     # doctest: +NORMALIZE_WHITESPACE
    [([-1, -1], [0, 1], '-1/(-2 + E)'), ([-1, -1], [1, 1], '1 - E'), ([0, -1], [0, 1], '-1/(-1 + E)')]
"""

from __future__ import annotations

import itertools
import math
import multiprocessing
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import mpmath
import numpy as np

from engine.contfrac import PCF, polynomial_to_string
from engine.errors import EngineError, InvalidInputError
from search.pcf._kernels import _SAMPLES, _float_eval, _mobius_scan
from solvers.constants import CATALOGUE, check_mobius, constant_value, resolve_constant
from solvers.pcf_classify import classify_fraction

__all__ = ["PCFHit", "EnumerationResult", "enumerate_pcfs", "search_pcfs", "evaluate_box"]

_GRATIO = 1.4  # depth ratio of the samples of the power fit (Brouncker-type fractions)
_GK = 10  # exponents in the power fit


def _sample_layout(depth: int) -> tuple[np.ndarray, int, list[list[int]]]:
    """Where the float kernel records convergents.

    Columns ``2k + par`` (``k < _SAMPLES``): ``n = depth/2^k - par`` (Richardson in ``1/n``);
    then, for the power fit, ``n = round_even(depth/_GRATIO^k) - par`` (``k <= _GK``).
    Returns ``(slot, ncols, power_depths)`` with ``power_depths[par]`` the fit's depths.
    """
    slot = np.full((depth + 1, 2), -1, dtype=np.int64)

    def put(n: int, c: int) -> None:
        slot[n, 0 if slot[n, 0] < 0 else 1] = c

    for k in range(_SAMPLES):
        for par in (0, 1):
            put((depth >> k) - par, 2 * k + par)
    base = 2 * _SAMPLES
    power: list[list[int]] = [[], []]
    for k in range(_GK + 1):
        for par in (0, 1):
            n = int(depth / _GRATIO**k) // 2 * 2 - par
            put(n, base + 2 * k + par)
            power[par].append(n)
    return slot, base + 2 * (_GK + 1), power


def _power_g(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Power-law exponent ``g`` of each row (``x_n - L ~ n^-g``), nan where none applies
    (Brouncker-type and parabolic fractions, see :meth:`engine.contfrac.PCF.power_exponent`)."""
    g = np.full(len(A), np.nan)
    for r in range(len(A)):
        a, b = [int(v) for v in A[r]], [int(v) for v in B[r]]
        if not any(a) or not any(b):
            continue
        pe = PCF(a, b).power_exponent()
        if pe is not None:
            g[r] = math.sqrt(pe[0])
    return g


def _power_fit(samples: np.ndarray, g: np.ndarray, depths: list[list[int]], base: int):
    """Float power fits ``x_n = L + sum_k c_k n^-(i g + j)`` per parity; value and spread."""
    m = len(g)
    fits = []
    for par, K in ((0, _GK), (1, _GK), (0, _GK - 2)):
        ns = np.array(depths[par][: K + 1], dtype=np.float64)
        es = np.empty((m, K))
        gu, inv = np.unique(np.round(g, 12), return_inverse=True)
        for u, gv in enumerate(gu.tolist()):  # few distinct exponents: |lead a|/sqrt(lead b)
            cand = sorted({round(i * gv + j, 12) for i in range(1, K + 2) for j in range(K + 1)})
            es[inv == u] = cand[:K]
        M = np.ones((m, K + 1, K + 1))
        M[:, :, 1:] = ns[None, :, None] ** (-es[:, None, :])
        y = samples[:, base + par: base + par + 2 * (K + 1): 2]
        with np.errstate(all="ignore"):
            try:
                sol = np.linalg.solve(M, y[:, :, None])[:, 0, 0]
            except np.linalg.LinAlgError:
                sol = np.full(m, np.nan)
        fits.append(sol)
    spread = np.maximum(np.abs(fits[0] - fits[1]), np.abs(fits[0] - fits[2]))
    return fits[0], spread


def _extrapolate(samples: np.ndarray, depth: int) -> tuple[np.ndarray, np.ndarray]:
    """Richardson values and the spread between three extrapolations (both parities)."""
    res = []
    for parity, K in ((0, _SAMPLES), (0, _SAMPLES - 1), (1, _SAMPLES)):
        hs = [1.0 / ((depth >> k) - parity) for k in range(K)]
        P = [samples[:, 2 * k + parity].copy() for k in range(K)]
        for mm in range(1, K):
            for i in range(K - mm):
                P[i] = (hs[i + mm] * P[i] - hs[i] * P[i + 1]) / (hs[i + mm] - hs[i])
        res.append(P[0])
    val = res[0]
    spread = np.maximum(np.abs(res[0] - res[1]), np.abs(res[0] - res[2]))
    return val, spread


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class PCFHit:
    """A verified conjecture ``PCF(a, b) = (c0 + c1 K)/(c2 + c3 K)``.

    Attributes:
        a, b: coefficient lists (lowest degree first).
        constant: catalogue name of ``K``.
        mobius: ``(c0, c1, c2, c3)``.
        expression: the limit as a sympy expression; ``latex`` its LaTeX.
        value: the limit (decimal string, ``digits_verified`` digits).
        digits_verified: digits to which limit and expression agree (high-precision check).
        certification: how the limit's digits were certified (see ``engine.contfrac``).
        convergence: convergence class; ``digits_per_term`` its rate; ``delta`` the
            irrationality-measure estimate (None when not computable).
    """

    a: list
    b: list
    constant: str
    mobius: tuple
    expression: Any
    latex: str
    value: str
    digits_verified: int
    certification: str
    convergence: str
    digits_per_term: float
    delta: float | None
    extra: dict = field(default_factory=dict)

    @property
    def pcf(self) -> PCF:
        return PCF(self.a, self.b)

    def key(self) -> str:
        return f"a={list(self.a)};b={list(self.b)}"

    def is_valid(self, digits: int = 20) -> bool:
        """Re-check the Mobius form to ``digits`` digits from a fresh evaluation."""
        try:
            x = self.pcf.evaluate(digits).value
        except EngineError:
            return False
        return check_mobius(x, self.constant, self.mobius, digits) >= digits - 2

    def check(self) -> None:
        if not self.is_valid():
            from engine.errors import VerificationError

            raise VerificationError(f"{self.key()} does not equal {self.expression}")

    def to_json(self) -> dict:
        return {
            "a": list(self.a),
            "b": list(self.b),
            "a_str": polynomial_to_string(self.a),
            "b_str": polynomial_to_string(self.b),
            "constant": self.constant,
            "mobius": list(self.mobius),
            "expression": str(self.expression),
            "latex": self.latex,
            "value": self.value,
            "digits_verified": self.digits_verified,
            "certification": self.certification,
            "convergence": self.convergence,
            "digits_per_term": self.digits_per_term,
            "delta": self.delta,
        }

    @classmethod
    def from_json(cls, d: dict) -> PCFHit:
        import sympy

        return cls(
            list(d["a"]), list(d["b"]), d["constant"], tuple(d["mobius"]),
            sympy.sympify(d["expression"]), d["latex"], d["value"], int(d["digits_verified"]),
            d["certification"], d["convergence"], float(d["digits_per_term"]), d.get("delta"),
        )


@dataclass(frozen=True)
class EnumerationResult:
    """Outcome of :func:`search_pcfs`: the hits and what happened to every candidate.

    ``unresolved`` lists each slow fraction whose extrapolations did not agree, as
    ``{"a", "b", "kind", "reason"}`` (see :func:`classify_fraction`); ``divergent_by_reason``
    counts the fractions the float stage rejected (status 3) by the same classification.
    """

    hits: list
    params: dict
    n_candidates: int
    n_evaluated: int
    n_converged: int
    n_slow: int
    n_slow_resolved: int
    n_divergent: int
    n_candidates_hashed: int
    n_rejected: int
    elapsed: float
    stop_reason: str
    run_id: int | None = None
    unresolved: list = field(default_factory=list)
    divergent_by_reason: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "hits"}
        d["hits"] = [h.to_json() for h in self.hits]
        return d


# --------------------------------------------------------------------------- the box
def _canonical_box(a_degree: int, b_degree: int, R: int) -> tuple[np.ndarray, np.ndarray]:
    rng = range(-R, R + 1)
    As = [a for a in itertools.product(rng, repeat=a_degree + 1) if _is_canonical(a)]
    Bs = list(itertools.product(rng, repeat=b_degree + 1))
    A = np.array(As, dtype=np.int64).reshape(len(As), a_degree + 1)
    B = np.array(Bs, dtype=np.int64).reshape(len(Bs), b_degree + 1)
    ia = np.repeat(np.arange(len(A)), len(B))
    ib = np.tile(np.arange(len(B)), len(A))
    # a fixed permutation spreads slow fractions and hits evenly over contiguous chunks
    perm = np.random.default_rng(12345).permutation(len(ia))
    return A[ia[perm]], B[ib[perm]]


def _is_canonical(a: Sequence[int]) -> bool:
    for c in reversed(a):
        if c != 0:
            return c > 0
    return True  # a = 0 is its own mirror


def evaluate_box(A: np.ndarray, B: np.ndarray, depth: int = 4096) -> dict:
    """Float evaluation of many PCFs (rows of coefficient arrays), with slow-case extrapolation.

    Returns a dict of arrays: ``value``, ``status`` (0 converged, 1 slow resolved by
    extrapolation, 2 slow unresolved, 3 divergent), ``steps``.

    Examples:
        >>> import numpy as np
        >>> from search.pcf import evaluate_box
        >>> r = evaluate_box(np.array([[1, 2]]), np.array([[0, 0, 1]]))   # 2n+1, n^2: 4/pi
        >>> round(float(r["value"][0]), 12), int(r["status"][0])
        (1.273239544735, 0)
    """
    A = np.ascontiguousarray(A, dtype=np.float64)
    B = np.ascontiguousarray(B, dtype=np.float64)
    slot, ncols, pdepths = _sample_layout(int(depth))
    value, status, steps, samples, averaged = _float_eval(A, B, int(depth), slot, ncols)
    status = status.astype(np.int64)
    out_status = np.where(status == 0, 0, 3)
    slow = np.where(status == 1)[0]
    tol = np.where(status == 0, 2e-12, np.nan)
    if len(slow):
        val_r, spread_r = _extrapolate(samples[slow], int(depth))
        av = averaged[slow]
        val_a = av[:, 0]
        spread_a = np.maximum(np.abs(av[:, 0] - av[:, 1]), np.abs(av[:, 0] - av[:, 2]))
        spread_r = np.where(np.isfinite(spread_r), spread_r, np.inf)
        spread_a = np.where(np.isfinite(spread_a), spread_a, np.inf)
        use_a = spread_a < spread_r
        val = np.where(use_a, val_a, val_r)
        spread = np.where(use_a, spread_a, spread_r)
        thr = np.full(len(slow), 1e-10)
        g = _power_g(A[slow], B[slow])
        bro = np.where(np.isfinite(g))[0]
        if len(bro):  # x_n - L ~ n^-g: power fit with the exponents i g + j
            val_p, spread_p = _power_fit(samples[slow[bro]], g[bro], pdepths, 2 * _SAMPLES)
            spread_p = np.where(np.isfinite(spread_p), spread_p, np.inf)
            use_p = spread_p < spread[bro]
            val[bro] = np.where(use_p, val_p, val[bro])
            spread[bro] = np.where(use_p, spread_p, spread[bro])
            # float rounding limits a 10-exponent fit to ~1e-10: accept spreads up to 1e-9
            thr[bro[use_p]] = 1e-9
        ok = np.isfinite(val) & (spread <= thr * np.maximum(1.0, np.abs(val)))
        tol[slow] = np.maximum(10 * spread / np.maximum(1.0, np.abs(val)), 2e-12)
        value = value.copy()
        value[slow[ok]] = val[ok]
        out_status[slow[ok]] = 1
        out_status[slow[~ok]] = 2
        value[slow[~ok]] = np.nan
    value = np.where(out_status <= 1, value, np.nan)
    last = np.abs(samples[:, 0] - samples[:, 1])  # |x_depth - x_(depth-1)| (nan: not reached)
    return {"value": value, "status": out_status, "steps": steps, "tol": tol, "last_diff": last}


def _rational_mask(x: np.ndarray, kmax: int = 5000, tol: float = 1e-13) -> np.ndarray:
    """True where ``x`` is within ``tol`` (relative) of a fraction with denominator <= kmax.

    Uses the regular continued-fraction convergents (best approximations), vectorised. An
    irrational number is flagged only if a partial quotient exceeds ``~1/(tol kmax^2)``.
    """
    x = np.asarray(x, dtype=np.float64)
    out = np.zeros(len(x), dtype=bool)
    h0, h1 = np.zeros(len(x)), np.ones(len(x))
    k0, k1 = np.ones(len(x)), np.zeros(len(x))
    y = x.copy()
    with np.errstate(all="ignore"):
        for _ in range(40):
            a = np.floor(y)
            h0, h1 = h1, a * h1 + h0
            k0, k1 = k1, a * k1 + k0
            ok = np.isfinite(k1) & (np.abs(k1) <= kmax) & (k1 != 0)
            err = np.abs(h1 / k1 - x)
            out |= ok & (err <= tol * np.maximum(1.0, np.abs(x)))
            frac = y - a
            y = np.where(frac > 0, 1.0 / np.where(frac > 0, frac, 1.0), np.inf)
            if not np.isfinite(y).any():
                break
    return out


# --------------------------------------------------------------------------- a chunk of work
def _process_chunk(spec: dict, lo: int, hi: int) -> tuple[list[dict], dict]:
    """Evaluate, hash-match and verify candidates ``lo:hi`` of the canonical box."""
    A, B = _canonical_box(spec["a_degree"], spec["b_degree"], spec["R"])
    A, B = A[lo:hi], B[lo:hi]
    ev = evaluate_box(A, B, spec["depth"])
    value, status = ev["value"], ev["status"]
    stats = {
        "evaluated": int(hi - lo),
        "converged": int((status == 0).sum()),
        "slow": int(((status == 1) | (status == 2)).sum()),
        "slow_resolved": int((status == 1).sum()),
        "divergent": int((status == 3).sum()),
        "hashed": 0,
        "rejected": 0,
    }
    stats["unresolved"] = []
    for i in np.where(status == 2)[0]:
        a, b = [int(v) for v in A[i]], [int(v) for v in B[i]]
        kind, why = classify_fraction(a, b)
        last = float(ev["last_diff"][i])
        why += f"; |x_N - x_(N-1)| = {last:.2g} at N = {spec['depth']}" if math.isfinite(last) \
            else ""
        stats["unresolved"].append({"a": a, "b": b, "kind": kind, "reason": why})
    for i in np.where(status == 3)[0]:
        key = "divergent:" + classify_fraction([int(v) for v in A[i]], [int(v) for v in B[i]])[0]
        stats[key] = stats.get(key, 0) + 1
    good = np.where(np.isfinite(value))[0]
    # distinct values (bucketed) so each limit is matched once
    keys = np.round(value[good] * 1e9)
    _, first, inv = np.unique(keys, return_index=True, return_inverse=True)
    reps = value[good[first]]
    rtol = ev["tol"][good[first]]
    irr = ~_rational_mask(reps)  # rational limits are never non-degenerate Mobius forms
    stats["rational"] = int((~irr).sum())
    keep = np.where(irr)[0]
    reps, rtol = reps[keep], rtol[keep]
    cand: dict[int, tuple] = {}  # index into A -> (height, const, coeffs)
    for cname in spec["constants"]:
        K = float(constant_value(cname, 20))
        rows = _mobius_scan(reps, rtol, K, spec["max_height"], 1 << 16)
        for r in rows:
            j, c = int(keep[int(r[0])]), tuple(int(v) for v in r[1:])
            g = math.gcd(*c)
            c = tuple(v // g for v in c)
            hgt = max(abs(v) for v in c)
            for idx in good[np.where(inv == j)[0]]:
                old = cand.get(int(idx))
                if old is None or hgt < old[0]:
                    cand[int(idx)] = (hgt, cname, c)
    stats["hashed"] = len(cand)
    hits: list[dict] = []
    for idx, (_, cname, c) in sorted(cand.items()):
        a = [int(v) for v in A[idx]]
        b = [int(v) for v in B[idx]]
        hit = _verify_hit(a, b, cname, c, spec["verify_digits"], int(status[idx]))
        if hit is None:
            stats["rejected"] += 1
            continue
        hits.append(hit)
        if any(a):
            mirror = dict(hit)
            mirror["a"] = [-v for v in a]
            mirror["mobius"] = [-c[0], -c[1], c[2], c[3]]
            mirror["value"] = hit["value"][1:] if hit["value"].startswith("-") else "-" + hit["value"]
            mirror["expression"] = f"-({hit['expression']})"
            mirror["mirror_of"] = [a, b]
            hits.append(mirror)
    return hits, stats


def _verify_hit(a, b, cname, c, digits, status) -> dict | None:
    f = PCF(a, b)
    if status == 1:  # slow (logarithmic) fraction: verified through acceleration
        digits = max(16, min(digits, 20))
        try:  # cheap pre-check at 12 digits rejects hash collisions before the deep fit
            pre = f.evaluate(12, max_depth=1 << 13)
        except EngineError:
            pre = None
        if pre is not None and check_mobius(pre.value, cname, c, pre.digits) < pre.digits - 3:
            return None
    try:
        res = f.evaluate(digits, max_depth=1 << 15)
    except EngineError:
        try:
            res = f.evaluate(max(16, digits * 2 // 3), max_depth=1 << 15)
        except EngineError:
            return None
    ver = check_mobius(res.value, cname, c, res.digits)
    if ver < min(res.digits, digits) - 3:
        return None
    info = f.convergence(256)
    delta: float | None
    try:
        d_depth = max(16, min(res.depth, 1000) // 2) if res.certification != "accelerated" else 256
        delta = round(f.delta(d_depth), 6)
        if not math.isfinite(delta):
            delta = None
    except EngineError:
        delta = None
    with mpmath.workdps(ver + 5):
        val = mpmath.nstr(res.value, max(ver, 5))
    return {
        "a": a, "b": b, "constant": cname, "mobius": list(c), "value": val,
        "digits_verified": int(ver), "certification": res.certification,
        "convergence": info.kind, "digits_per_term": round(float(info.digits_per_term), 6),
        "delta": delta, "expression": None,
    }


def _chunk_step(state: dict, slice_budget: Any):
    """``run_chunked`` step: process up to ``slice_budget.steps`` candidates of the walker."""
    from search.parallel import Exhausted

    pos, hi = state["pos"], state["hi"]
    n = hi - pos
    if slice_budget is not None and getattr(slice_budget, "steps", None):
        n = min(n, int(slice_budget.steps))
    if n <= 0:
        return Exhausted(state), [], 0
    hits, stats = _process_chunk(state["spec"], pos, pos + n)
    new = dict(state)
    new["pos"] = pos + n
    tot = dict(new.get("stats", {}))
    for k, v in stats.items():
        tot[k] = tot.get(k, [] if isinstance(v, list) else 0) + v
    new["stats"] = tot
    imps = [(float(h["digits_verified"]), h) for h in hits]
    if new["pos"] >= hi:
        return Exhausted(new), imps, n
    return new, imps, n


def _expression(cname: str, c: Sequence[int]):
    import sympy

    K = CATALOGUE[cname][0]
    c0, c1, c2, c3 = c
    if (c3 if c3 else c2) < 0:
        c0, c1, c2, c3 = -c0, -c1, -c2, -c3
    return sympy.together((c0 + c1 * K) / (c2 + c3 * K))


def _to_hit(d: dict) -> PCFHit:
    import sympy

    expr = _expression(d["constant"], d["mobius"])
    return PCFHit(
        list(d["a"]), list(d["b"]), d["constant"], tuple(d["mobius"]), expr, sympy.latex(expr),
        d["value"], d["digits_verified"], d["certification"], d["convergence"],
        d["digits_per_term"], d["delta"],
    )


Backend = Literal["process", "serial", "dask"]


def search_pcfs(
    a_degree: int = 1,
    b_degree: int = 2,
    coefficient_range: int = 3,
    constants: Sequence[str] = ("e", "pi", "log(2)"),
    *,
    workers: int | None = None,
    backend: Backend | Any = "process",
    address: str | None = None,
    max_height: int = 64,
    depth: int = 4096,
    verify_digits: int = 30,
    store: Any = None,
    checkpoint: str | os.PathLike | None = None,
    resume: bool = False,
    chunk_size: int | None = None,
    progress: bool | None = False,
) -> EnumerationResult:
    """Run the enumeration and return every verified hit with statistics.

    Args:
        a_degree, b_degree: degrees of ``a(n)`` and ``b(n)`` (0 to 6).
        coefficient_range: every coefficient ranges over ``[-R, R]`` (1 to 10).
        constants: catalogue names (``"e"``, ``"pi"``, ``"log(2)"``, ``"zeta(3)"``, ...).
        workers: parallel workers (default: all cores; 1 runs in this process).
        backend: ``"process"`` (default), ``"serial"`` or ``"dask"`` (``address`` optional).
        max_height: bound on the Mobius coefficients ``|c_i|``.
        depth: float evaluation depth (slow fractions are extrapolated from it).
        verify_digits: digits of the high-precision verification of each hit.
        store: a ``search.store.ResultsStore``, a path, or None (no storage).
        checkpoint, resume: checkpoint file for :func:`search.parallel.run_chunked`.
        chunk_size: candidates per chunk (default: an even split over the workers).
        progress: show a progress bar.

    Returns:
        An :class:`EnumerationResult`.

    Raises:
        InvalidInputError: bad degrees, range, constants or options.

    Examples:
        >>> from search.pcf import search_pcfs
        >>> r = search_pcfs(1, 1, 1, ["e"], workers=1)
        >>> r.n_candidates, len(r.hits) > 0
        (81, True)
    """
    for name, v, lo, hi in (
        ("a_degree", a_degree, 0, 6), ("b_degree", b_degree, 0, 6),
        ("coefficient_range", coefficient_range, 1, 10), ("max_height", max_height, 1, 1000),
        ("depth", depth, 64, 1 << 20), ("verify_digits", verify_digits, 12, 2000),
    ):
        if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
            raise InvalidInputError(f"{name}={v!r} must be an integer in [{lo}, {hi}]")
    if depth & (depth - 1):
        raise InvalidInputError(f"depth={depth} must be a power of two (e.g. 4096)")
    if isinstance(constants, str):
        constants = [constants]
    if not constants:
        raise InvalidInputError("constants=[] is empty; name at least one, e.g. ['e', 'pi']")
    cnames = list(dict.fromkeys(resolve_constant(c) for c in constants))
    total_canon = _count_canonical(a_degree, coefficient_range) * (2 * coefficient_range + 1) ** (
        b_degree + 1
    )
    n_box = (2 * coefficient_range + 1) ** (a_degree + b_degree + 2)
    if total_canon > 5_000_000:
        raise InvalidInputError(
            f"the box has {n_box} fractions; more than 10^7 is not supported in one call, "
            "lower coefficient_range or the degrees"
        )
    spec = {
        "a_degree": a_degree, "b_degree": b_degree, "R": coefficient_range,
        "constants": cnames, "max_height": max_height, "depth": depth,
        "verify_digits": verify_digits,
    }
    from search.core import Budget
    from search.parallel import run_chunked

    nworkers = workers if workers is not None else (os.cpu_count() or 1)
    if isinstance(nworkers, bool) or not isinstance(nworkers, int) or nworkers < 1:
        raise InvalidInputError(f"workers={workers!r} must be a positive integer")
    nwalk = max(1, min(nworkers, total_canon))
    bounds = np.linspace(0, total_canon, nwalk + 1).astype(int)
    states = [
        {"spec": spec, "lo": int(bounds[i]), "hi": int(bounds[i + 1]), "pos": int(bounds[i])}
        for i in range(nwalk)
    ]
    per = int(bounds[1] - bounds[0]) if nwalk else total_canon
    chunk = chunk_size or max(1, per)
    st = _open_store(store)
    collected: list[dict] = []
    t0 = time.perf_counter()

    def on_improvement(walker: int, imp: Any) -> bool:
        collected.append(imp[1])
        return True

    if isinstance(backend, str) and backend == "process" and nworkers == 1:
        backend = "serial"
    from search.backends import get_backend

    opts: dict[str, Any] = {}
    _warm_kernels()
    if backend == "process" and "fork" in multiprocessing.get_all_start_methods():
        # forked workers inherit the loaded modules and compiled kernels (spawned ones would
        # re-import sympy/numba, seconds per worker); the kernels start no threads
        opts["start_method"] = "fork"
    be = get_backend(backend, workers=nworkers, address=address, **opts) \
        if isinstance(backend, str) else backend
    try:
        res = run_chunked(
            _chunk_step, states, backend=be, budget=Budget(), on_improvement=on_improvement,
            checkpoint=checkpoint, resume=resume, chunk_steps=chunk, store=st,
            kind="contfrac.enumerate", params={k: v for k, v in spec.items()}, seed=0,
            progress=progress,
        )
    finally:
        if isinstance(backend, str):
            be.close()
    stats: dict[str, Any] = {}
    for s in res.states:
        for k, v in s.get("stats", {}).items():
            stats[k] = stats.get(k, [] if isinstance(v, list) else 0) + v
    uniq: dict[str, PCFHit] = {}
    for d in collected:
        h = _to_hit(d)
        uniq.setdefault(h.key(), h)
    hits = sorted(uniq.values(), key=lambda h: (h.constant, h.a, h.b))
    if st is not None:
        for h in hits:
            st.add_result(
                "contfrac", h.key(), h.to_json(), verified=True,
                method=f"mitm-hash+{h.certification}", run_id=res.run_id,
                score=float(h.digits_verified),
            )
    return EnumerationResult(
        hits=hits, params=spec, n_candidates=n_box, n_evaluated=stats.get("evaluated", 0),
        n_converged=stats.get("converged", 0), n_slow=stats.get("slow", 0),
        n_slow_resolved=stats.get("slow_resolved", 0), n_divergent=stats.get("divergent", 0),
        n_candidates_hashed=stats.get("hashed", 0), n_rejected=stats.get("rejected", 0),
        elapsed=time.perf_counter() - t0, stop_reason=str(res.stop_reason), run_id=res.run_id,
        unresolved=sorted(stats.get("unresolved", []), key=lambda d: (d["kind"], d["a"], d["b"])),
        divergent_by_reason={k.split(":", 1)[1]: v for k, v in sorted(stats.items())
                             if k.startswith("divergent:")},
    )


def _warm_kernels() -> None:
    """Load (or compile) the numba kernels once in this process, before workers fork."""
    evaluate_box(np.array([[1, 1]]), np.array([[0, 1]]), 64)
    _mobius_scan(np.array([0.5]), np.array([1e-12]), 2.0, 1, 4)


def _count_canonical(a_degree: int, R: int) -> int:
    total = (2 * R + 1) ** (a_degree + 1)
    return (total - 1) // 2 + 1


def _open_store(store: Any):
    if store is None or store is False:
        return None
    if hasattr(store, "add_result"):
        return store
    from search.store import ResultsStore

    return ResultsStore(None if store is True else store)


def enumerate_pcfs(
    a_degree: int = 1,
    b_degree: int = 2,
    coefficient_range: int = 3,
    constants: Sequence[str] = ("e", "pi", "log(2)"),
    *,
    workers: int | None = None,
    **options: Any,
) -> list[PCFHit]:
    """All verified PCFs in the box whose limit is a Mobius form of one of ``constants``.

    A thin wrapper of :func:`search_pcfs` returning only the hits (``.a``, ``.b``,
    ``.expression``, ...); see there for the options and errors.

    Examples:
        >>> from search.pcf import enumerate_pcfs
        >>> hits = enumerate_pcfs(1, 1, 1, ["e"], workers=1)
        >>> all(h.digits_verified >= 25 for h in hits)
        True
    """
    return search_pcfs(a_degree, b_degree, coefficient_range, constants, workers=workers,
                       **options).hits
