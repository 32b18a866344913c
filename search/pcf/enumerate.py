"""Enumeration search for polynomial continued fractions whose limits are Mobius forms of constants.

:func:`search_pcfs` scans a box of integer coefficients ``a(n) = c0 + c1 n + ...`` (degree
``a_degree``) and ``b(n) = d0 + d1 n + ...`` (degree ``b_degree``), every coefficient in
``[-R, R]``, and returns every fraction whose limit is ``(c0 + c1 K)/(c2 + c3 K)`` for a constant
``K`` of the chosen set, with ``|c_i| <= max_height``. The pipeline, per block of
:data:`BLOCK` candidates (:func:`process_range`, the kernel the runner calls):

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
   put in a hash grid once per constant; for each distinct value ``x`` of a block and each
   denominator ``(c2, c3)`` the fractional part of ``y`` is looked up, which yields ``c1`` and
   then ``c0 = round(y - c1 K)``. Degenerate forms (``c0 c3 = c1 c2``, i.e. rational limits)
   are skipped.
4. **Verification** of every hit: :meth:`engine.contfrac.PCF.evaluate` computes the limit to
   ``verify_digits`` digits from exact python-flint convergents (certificate recorded), and the
   Mobius form is re-checked to that many digits; unverified candidates are dropped. Each hit
   records the digits verified, the convergence class and rate, and ``delta``.

The enumeration runs on :func:`search.runner.run_search` (:class:`search.pcf.spec.PCFEnumerationSpec`):
serial, a local process pool or Dask; every hit is committed to the results store (domain
``"contfrac"``, key :func:`search.pcf.pcf_key`) when the runner accepts it, before it is printed
or returned; checkpoints every ``checkpoint_every`` seconds; ``resume=True`` continues a killed
run. What a block yields depends on the block alone (values are de-duplicated within a block,
never across blocks, and chunks always hold whole blocks), so the hits are the same for any
number of workers, any chunk size, and any number of kills and resumes.

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

import contextlib
import functools
import itertools
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from engine.contfrac import PCF, format_significant
from engine.errors import EngineError, InvalidInputError, VerificationError
from engine.results import Result
from search.core import Budget, StopReason, resolve_budget
from search.pcf._kernels import _SAMPLES, _float_eval, _mobius_lookup, _mobius_scan, _mobius_tables
from search.pcf.hit import PCFHit, mobius_expression
from solvers.constants import check_mobius, constant_value, resolve_constant
from solvers.pcf_classify import classify_fraction

__all__ = [
    "PCFHit",
    "EnumerationResult",
    "enumerate_pcfs",
    "search_pcfs",
    "evaluate_box",
    "process_range",
    "box_size",
    "BLOCK",
]

#: Candidates per block: values are de-duplicated within a block and chunks hold whole blocks,
#: so what the enumeration finds never depends on how the box is cut into chunks.
BLOCK = 256

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


# --------------------------------------------------------------------------- the result
_COUNTS = ("n_candidates", "n_evaluated", "n_converged", "n_slow", "n_slow_resolved",
           "n_divergent", "n_candidates_hashed", "n_rejected")


@dataclass(frozen=True)
class EnumerationResult(Result):
    """Outcome of :func:`search_pcfs`: the hits and what happened to every candidate.

    Attributes:
        hits: the verified :class:`PCFHit` s, sorted by (constant, a, b).
        params: the box and the options (``a_degree``, ``b_degree``, ``R``, ``constants``,
            ``max_height``, ``depth``, ``verify_digits``, ``block``).
        n_candidates: fractions in the box; ``n_evaluated`` those evaluated (after the
            ``a -> -a`` symmetry); ``n_converged``, ``n_slow`` (``n_slow_resolved`` of them
            extrapolated), ``n_divergent`` their fates; ``n_candidates_hashed`` those matched by
            the hash; ``n_rejected`` matches that failed verification.
        elapsed: wall seconds (resumed parts included).
        stop_reason: :class:`search.core.StopReason`: ``EXHAUSTED`` when the whole box was
            enumerated (then no other fraction of the box has such a limit, up to the float
            stage's tolerances), else ``TIME_LIMIT``, ``STEP_BUDGET``, ``TARGET_REACHED`` or
            ``INTERRUPTED``.
        run_id: the store's run id (None without a store).
        unresolved: each slow fraction whose extrapolations did not agree, as
            ``{"a", "b", "kind", "reason"}`` (see :func:`classify_fraction`).
        divergent_by_reason: the fractions the float stage rejected, counted by
            classification.
        seed: the run's seed (recorded; the enumeration is deterministic and does not use it).
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
    stop_reason: StopReason
    run_id: int | None = None
    unresolved: list = field(default_factory=list)
    divergent_by_reason: dict = field(default_factory=dict)
    seed: int | None = None

    @property
    def complete(self) -> bool:
        """Whether the whole box was enumerated."""
        return self.stop_reason is StopReason.EXHAUSTED

    @property
    def classes(self) -> list:
        """The hits grouped into equivalence classes (:func:`search.pcf.classes.group_hits`):
        one representative per class, each other member with its proved relation."""
        from search.pcf.classes import group_hits

        return group_hits(self.hits)

    def check(self) -> None:
        """Re-verify every hit (:meth:`PCFHit.check`) and the bookkeeping: hits are distinct
        fractions of the box, each for one of the constants, and the counts add up.

        Raises:
            VerificationError: naming the hit or the count that fails.
        """
        p = self.params
        try:
            R, da, db, consts = int(p["R"]), int(p["a_degree"]), int(p["b_degree"]), list(p["constants"])
        except (KeyError, TypeError, ValueError):
            raise VerificationError(f"params {p!r} do not describe a box") from None
        if self.n_candidates != (2 * R + 1) ** (da + db + 2):
            raise VerificationError(
                f"n_candidates={self.n_candidates} is not the size {(2 * R + 1) ** (da + db + 2)} "
                "of the box")
        n_canon = box_size(da, db, R)
        if not 0 <= self.n_evaluated <= n_canon or (
                self.complete and self.n_evaluated != n_canon):
            raise VerificationError(
                f"n_evaluated={self.n_evaluated} does not fit the {n_canon} fractions left by "
                f"the symmetry (stop reason {self.stop_reason.value})")
        if self.n_converged + self.n_slow + self.n_divergent != self.n_evaluated or \
                self.n_slow_resolved > self.n_slow:
            raise VerificationError("converged + slow + divergent fractions do not add up to "
                                    f"n_evaluated={self.n_evaluated}")
        seen = set()
        for h in self.hits:
            if len(h.a) > da + 1 or len(h.b) > db + 1 or \
                    any(abs(int(c)) > R for c in list(h.a) + list(h.b)):
                raise VerificationError(f"hit {h.key()} lies outside the box")
            if h.constant not in consts:
                raise VerificationError(f"hit {h.key()} is for {h.constant!r}, not one of {consts}")
            if h.key() in seen:
                raise VerificationError(f"hit {h.key()} is listed twice")
            seen.add(h.key())
            h.check()

    def _repr_latex_(self) -> str:
        """Jupyter display: one line per class representative (new ones first) with its label."""
        rows = []
        for c in self.classes[:50]:
            h = c.representative
            kind = c.label.kind if c.label is not None else "new"
            rows.append(rf"\text{{{kind}}} & {h.pcf.latex(1)} = {h.latex} & \times {c.size} \\")
        head = (rf"\text{{{len(self.hits)} hits in {len(self.classes)} classes "
                rf"({self.stop_reason.value})}}")
        return "$\\begin{array}{lll}" + head + r" \\ " + "".join(rows) + r"\end{array}$"

    def to_json(self) -> dict:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "hits"}
        d["stop_reason"] = StopReason(self.stop_reason).value
        d["hits"] = [h.to_json() for h in self.hits]
        d["classes"] = [c.to_json() for c in self.classes]
        return d

    @classmethod
    def from_json(cls, d: dict) -> EnumerationResult:
        return cls(
            hits=[PCFHit.from_json(h) for h in d["hits"]], params=dict(d["params"]),
            **{k: int(d[k]) for k in _COUNTS}, elapsed=float(d["elapsed"]),
            stop_reason=StopReason(d["stop_reason"]),
            run_id=None if d.get("run_id") is None else int(d["run_id"]),
            unresolved=list(d.get("unresolved", [])),
            divergent_by_reason=dict(d.get("divergent_by_reason", {})),
            seed=None if d.get("seed") is None else int(d["seed"]),
        )

    @classmethod
    def example(cls) -> EnumerationResult:
        """The complete box ``a = c0 + c1 n``, ``b = d0 + d1 n``, coefficients in ``[-1, 1]``
        (81 fractions) against ``e``: six hits, among them Euler's ``PCF(n, n) = 1/(e - 1)``
        (Euler 1744) and its mirror ``PCF(-n, n) = -1/(e - 1)``.

        Examples:
            >>> from search.pcf import EnumerationResult
            >>> r = EnumerationResult.example()
            >>> r.stop_reason.value, r.n_candidates, len(r.hits)
            ('exhausted', 81, 6)
        """
        return search_pcfs(1, 1, 1, ["e"], workers=1)

    @classmethod
    def tampered(cls) -> EnumerationResult:
        """:meth:`example` with one hit's Mobius form changed (``c0`` plus one)."""
        import dataclasses

        r = cls.example()
        h = r.hits[0]
        bad = dataclasses.replace(h, mobius=(h.mobius[0] + 1,) + tuple(h.mobius[1:]))
        return dataclasses.replace(r, hits=[bad] + list(r.hits[1:]))


# --------------------------------------------------------------------------- the box
def box_size(a_degree: int, b_degree: int, R: int) -> int:
    """Fractions of the box left by the symmetry ``a -> -a`` (those evaluated).

    Examples:
        >>> from search.pcf import box_size
        >>> box_size(1, 2, 3)                # 25 canonical a(n) times 7^3 b(n)
        8575
    """
    return _count_canonical(a_degree, R) * (2 * R + 1) ** (b_degree + 1)


def _count_canonical(a_degree: int, R: int) -> int:
    total = (2 * R + 1) ** (a_degree + 1)
    return (total - 1) // 2 + 1


@functools.lru_cache(maxsize=4)
def _canonical_box(a_degree: int, b_degree: int, R: int) -> tuple[np.ndarray, np.ndarray]:
    """The canonical box in its fixed (seeded) order; cached per process, read-only."""
    rng = range(-R, R + 1)
    As = [a for a in itertools.product(rng, repeat=a_degree + 1) if _is_canonical(a)]
    Bs = list(itertools.product(rng, repeat=b_degree + 1))
    A = np.array(As, dtype=np.int64).reshape(len(As), a_degree + 1)
    B = np.array(Bs, dtype=np.int64).reshape(len(Bs), b_degree + 1)
    ia = np.repeat(np.arange(len(A)), len(B))
    ib = np.tile(np.arange(len(B)), len(A))
    # a fixed permutation spreads slow fractions and hits evenly over contiguous chunks
    perm = np.random.default_rng(12345).permutation(len(ia))
    A, B = A[ia[perm]], B[ib[perm]]
    A.flags.writeable = False
    B.flags.writeable = False
    return A, B


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


# --------------------------------------------------------------------------- the kernel
@functools.lru_cache(maxsize=32)
def _tables(cname: str, H: int) -> tuple:
    """``K`` as a float and its :func:`_mobius_tables` (once per process)."""
    K = float(constant_value(cname, 20))
    return (K, *_mobius_tables(K, H))


def _scan(reps: np.ndarray, rtol: np.ndarray, cname: str, H: int) -> np.ndarray:
    """The Mobius lookup with a hit buffer that grows until nothing is cut off (matches are
    rare: a small first buffer keeps the fixed cost of a call low)."""
    K, *tables = _tables(cname, H)
    cap = 1 << 10
    while True:
        rows = _mobius_lookup(reps, rtol, K, H, cap, *tables)
        if len(rows) < cap:
            return rows
        cap *= 4


def _new_stats() -> dict[str, Any]:
    return {"evaluated": 0, "converged": 0, "slow": 0, "slow_resolved": 0, "divergent": 0,
            "hashed": 0, "rejected": 0, "rational": 0, "unresolved": []}


def merge_stats(total: dict[str, Any], part: dict[str, Any]) -> dict[str, Any]:
    """``total`` plus ``part`` (counts added, lists concatenated), as a new dict."""
    out = dict(total)
    for k, v in part.items():
        out[k] = out.get(k, [] if isinstance(v, list) else 0) + v
    return out


def process_range(spec: dict, lo: int, hi: int) -> tuple[list[dict], dict]:
    """Evaluate, hash-match and verify candidates ``lo:hi`` of the canonical box.

    The kernel of the enumeration (what a chunk of the runner does). Values are de-duplicated
    only within a block of :data:`BLOCK` candidates (absolute positions), so the hits of a
    range are the union of the hits of its blocks: the same however the box is cut, as long as
    ``lo`` and ``hi`` are block boundaries (or the end of the box).

    Args:
        spec: ``{"a_degree", "b_degree", "R", "constants", "max_height", "depth",
            "verify_digits"}`` (constants as catalogue names).
        lo, hi: candidate positions in the canonical box.

    Returns:
        ``(payloads, stats)``: the :meth:`PCFHit.to_json` payloads of the verified hits (each
        followed by its mirror ``a -> -a``), and the counts of the range.
    """
    A, B = _canonical_box(spec["a_degree"], spec["b_degree"], spec["R"])
    A, B = A[lo:hi], B[lo:hi]
    ev = evaluate_box(A, B, spec["depth"])
    value, status = ev["value"], ev["status"]
    stats = _new_stats()
    stats.update(
        evaluated=int(hi - lo),
        converged=int((status == 0).sum()),
        slow=int(((status == 1) | (status == 2)).sum()),
        slow_resolved=int((status == 1).sum()),
        divergent=int((status == 3).sum()),
    )
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
    # distinct values (bucketed) within each block, so each limit of a block is matched once
    block = (lo + good) // BLOCK
    keys = np.stack([block.astype(np.float64), np.round(value[good] * 1e9)], axis=1)
    if len(good):
        _, first, inv = np.unique(keys, axis=0, return_index=True, return_inverse=True)
        inv = np.asarray(inv).reshape(-1)
    else:
        first = inv = np.zeros(0, dtype=np.int64)
    reps = value[good[first]]
    rtol = ev["tol"][good[first]]
    irr = ~_rational_mask(reps)  # rational limits are never non-degenerate Mobius forms
    stats["rational"] = int((~irr).sum())
    keep = np.where(irr)[0]
    reps, rtol = reps[keep], rtol[keep]
    cand: dict[int, tuple] = {}  # index into A -> (height, const, coeffs)
    for cname in spec["constants"]:
        for r in _scan(reps, rtol, cname, spec["max_height"]):
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
            hits.append(_mirror(hit))
    return hits, stats


#: The depth of the ``delta`` recorded with a hit (fixed: it must not depend on the digits).
DELTA_DEPTH = 512


def _payload(a, b, cname, c, value: str, ver: int, cert: str, conv: str, rate: float,
             delta: float | None, delta_depth: int | None = DELTA_DEPTH) -> dict:
    import sympy

    expr = mobius_expression(cname, c)
    return PCFHit(list(a), list(b), cname, tuple(int(v) for v in c), str(expr), sympy.latex(expr),
                  value, int(ver), cert, conv, float(rate), delta,
                  None if delta is None else delta_depth).to_json()


def _mirror(hit: dict) -> dict:
    """The payload of ``PCF(-a, b) = -PCF(a, b)`` from that of ``PCF(a, b)``."""
    c0, c1, c2, c3 = hit["mobius"]
    v = hit["value"]
    return _payload([-x for x in hit["a"]], hit["b"], hit["constant"], (-c0, -c1, c2, c3),
                    v[1:] if v.startswith("-") else "-" + v, hit["digits_verified"],
                    hit["certification"], hit["convergence"], hit["digits_per_term"],
                    hit["delta"], hit.get("delta_depth"))


def _verify_hit(a, b, cname, c, digits, status) -> dict | None:
    """High-precision verification of a hash match; the hit's payload, or None.

    The limit is certified by :meth:`engine.contfrac.PCF.evaluate` to ``digits`` digits (20 for
    a slow fraction, extrapolated) and must equal the Mobius form to all but 3 of them;
    ``digits_verified`` is the agreement, at most the digits asked for, so
    :meth:`PCFHit.check` (a fresh evaluation to ``digits_verified`` digits) reproduces it.
    """
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
            digits = max(16, digits * 2 // 3)
            res = f.evaluate(digits, max_depth=1 << 15)
        except EngineError:
            return None
    want = min(res.digits, digits)
    ver = check_mobius(res.value, cname, c, want)
    if ver < want - 3:
        return None
    info = f.convergence(256)
    delta: float | None
    try:
        delta = round(f.delta(DELTA_DEPTH), 6)
        if not math.isfinite(delta):
            delta = None
    except EngineError:
        delta = None
    val = format_significant(res.value, max(ver, 5))
    return _payload(a, b, cname, c, val, ver, res.certification, info.kind,
                    round(float(info.digits_per_term), 6), delta)


# --------------------------------------------------------------------------- the search
BackendName = Literal["process", "serial", "dask"]


def _check_box(a_degree, b_degree, coefficient_range, constants, max_height, depth,
               verify_digits) -> list[str]:
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
    if box_size(a_degree, b_degree, coefficient_range) > 5_000_000:
        n_box = (2 * coefficient_range + 1) ** (a_degree + b_degree + 2)
        raise InvalidInputError(
            f"the box has {n_box} fractions; more than 10^7 is not supported in one call, "
            "lower coefficient_range or the degrees"
        )
    return cnames


def search_pcfs(
    a_degree: int = 1,
    b_degree: int = 2,
    coefficient_range: int = 3,
    constants: Sequence[str] = ("e", "pi", "log(2)"),
    budget: Budget | None = None,
    *,
    time_limit: float | None = None,
    workers: int | None = None,
    backend: BackendName | Any = None,
    cluster: str | None = None,
    address: str | None = None,
    max_height: int = 64,
    depth: int = 4096,
    verify_digits: int = 30,
    store: Any = None,
    checkpoint: str | os.PathLike | None = None,
    checkpoint_every: float = 30.0,
    resume: bool = False,
    force: bool = False,
    seed: int | None = None,
    chunk_size: int | None = None,
    progress: bool | None = False,
    on_result: Any = None,
) -> EnumerationResult:
    """Run the enumeration on :func:`search.runner.run_search` and return every verified hit.

    Every hit is committed to ``store`` (domain ``"contfrac"``, key :func:`search.pcf.pcf_key`)
    when it is found, before it is printed or returned. With ``checkpoint=`` the run is
    checkpointed at least every ``checkpoint_every`` seconds; after a kill, the same call with
    ``resume=True`` continues it, and ends with exactly the hits of an uninterrupted run.

    Args:
        a_degree, b_degree: degrees of ``a(n)`` and ``b(n)`` (0 to 6).
        coefficient_range: every coefficient ranges over ``[-R, R]`` (1 to 10).
        constants: catalogue names (``"e"``, ``"pi"``, ``"log(2)"``, ``"zeta(3)"``, ...).
        budget: ``Budget(time_limit=, steps=, target=)``: wall seconds (resumed parts
            included), fractions evaluated (counted in whole blocks of :data:`BLOCK`), and a
            number of hits to stop at. Default: none (the whole box).
        time_limit: shorthand for ``budget.time_limit``.
        workers: parallel workers (default: all cores; 1 runs in this process).
        backend: ``"serial"`` (default for one worker), ``"process"`` (default for several) or
            ``"dask"``.
        cluster: a Dask scheduler address ``tcp://host:8786`` (implies ``backend="dask"``);
            ``address`` is its former name.
        max_height: bound on the Mobius coefficients ``|c_i|``.
        depth: float evaluation depth (slow fractions are extrapolated from it).
        verify_digits: digits of the high-precision verification of each hit.
        store: a ``search.store.ResultsStore``, a path, True (the default store) or None.
        checkpoint, checkpoint_every, resume, force: the run's checkpoint file, seconds between
            checkpoints (default 30), continue it, or start over an existing one.
        seed: recorded with the run (the enumeration is deterministic and does not use it).
        chunk_size: fractions per chunk of one worker, rounded up to whole blocks (default:
            4096 in this process; on a parallel backend as many as fill
            :data:`CHUNK_SECONDS`, from the measured cost per fraction); chunks also end in
            time for the next checkpoint. On a parallel backend the box is cut into
            :data:`PIECES_PER_WORKER` pieces per worker, so a worker that finishes early
            takes another piece.
        progress: a line on stderr per hit (True), on a terminal only (None), never (False).
        on_result: called with each :class:`search.runner.Found` after it is stored.

    Returns:
        An :class:`EnumerationResult`; ``stop_reason`` is ``StopReason.EXHAUSTED`` when the
        box is complete, else ``TIME_LIMIT`` / ``STEP_BUDGET`` / ``TARGET_REACHED`` /
        ``INTERRUPTED`` (the hits found so far are stored and returned).

    Raises:
        InvalidInputError: bad degrees, range, constants or options; ``resume`` without a
            checkpoint; an unreachable Dask scheduler.
        CheckpointError: a checkpoint that is corrupt or belongs to another search (nothing
            stored is modified).
        StoreError: a locked, foreign or corrupt store.

    Examples:
        >>> from search.core import Budget
        >>> from search.pcf import search_pcfs
        >>> r = search_pcfs(1, 1, 1, ["e"], workers=1)
        >>> r.n_candidates, len(r.hits) > 0, r.stop_reason.value
        (81, True, 'exhausted')
        >>> search_pcfs(1, 2, 3, ["e"], Budget(steps=256), workers=1).stop_reason.value
        'step_budget'
    """
    cnames = _check_box(a_degree, b_degree, coefficient_range, constants, max_height, depth,
                        verify_digits)
    budget = resolve_budget(budget, what="search_pcfs", time_limit=time_limit)
    if address is not None and cluster is not None and address != cluster:
        raise InvalidInputError(
            f"address={address!r} and cluster={cluster!r}: address is the former name of "
            "cluster; give one")
    cluster = cluster if cluster is not None else address
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int)
                                or workers < 1):
        raise InvalidInputError(f"workers={workers!r} must be a positive integer")
    if chunk_size is not None and (isinstance(chunk_size, bool) or not isinstance(chunk_size, int)
                                   or chunk_size < 1):
        raise InvalidInputError(f"chunk_size={chunk_size!r} must be a positive integer")
    if isinstance(backend, str) and backend not in ("serial", "process", "dask"):
        raise InvalidInputError(
            f"backend={backend!r} must be 'serial', 'process' or 'dask'")
    nworkers = workers if workers is not None else (os.cpu_count() or 1)
    if backend is None and cluster is None:
        backend = "serial" if nworkers == 1 else "process"
    elif backend == "process" and nworkers == 1:
        backend = "serial"
    from search.pcf.spec import PCFEnumerationSpec
    from search.runner import run_search

    _warm_kernels()  # compiled once here, before a process pool forks
    with _dask_first(backend, cluster, workers) as (backend, cluster):
        pieces = _pieces(backend, nworkers)
        spec = PCFEnumerationSpec(a_degree, b_degree, coefficient_range, cnames,
                                  max_height=max_height, depth=depth,
                                  verify_digits=verify_digits, walkers=pieces)
        chunk_steps, chunk_time = _chunking(spec, pieces, chunk_size)
        out = run_search(
            spec, budget, seed=seed, workers=None if backend == "serial" else nworkers,
            backend=backend, cluster=cluster, checkpoint=checkpoint,
            checkpoint_every=checkpoint_every, resume=resume, force=force, store=store,
            progress=progress, on_result=on_result, chunk_steps=chunk_steps,
            chunk_time=chunk_time,
        )
    return _result(spec, out)


#: Pieces of the box per worker on a parallel backend: the workers take the next piece as
#: they finish one, so the run ends at most about one chunk after the work runs out.
PIECES_PER_WORKER = 4
#: Seconds of one chunk on a parallel backend (default chunk size): long enough that the
#: scheduler's round trip (milliseconds) is a small share, short enough to balance the end.
CHUNK_SECONDS = 0.3


def _pieces(backend: Any, nworkers: int) -> int:
    """Walkers (contiguous pieces of the box) for ``backend``: 1 in this process, else
    :data:`PIECES_PER_WORKER` per worker (a Backend instance counts its own workers).

    Examples:
        >>> from search.pcf.enumerate import _pieces
        >>> _pieces("serial", 4), _pieces("process", 2)
        (1, 8)
    """
    if backend == "serial" or getattr(backend, "name", None) == "serial":
        return 1
    return PIECES_PER_WORKER * max(1, int(getattr(backend, "workers", None) or nworkers))


def _chunking(spec: Any, pieces: int, chunk_size: int | None) -> tuple[int | None, float | None]:
    """``(chunk_steps, chunk_time)`` for :func:`search.runner.run_search`.

    A given ``chunk_size`` is used as it is. In this process (one piece) the spec's default
    (4096 fractions) stands. On a parallel backend a chunk is sized by time instead: the step
    measures its seconds per fraction and takes the blocks that fill :data:`CHUNK_SECONDS`
    (:func:`search.pcf.spec.enumeration_step`), so a task neither drowns in scheduler overhead
    (a cheap box) nor leaves one worker busy long after the other (a deep or costly one).
    The hits do not depend on the chunking (chunks hold whole blocks).
    """
    if chunk_size is not None or pieces == 1:
        return chunk_size, None
    return max(spec.chunk_steps, -(-spec.total // pieces)), CHUNK_SECONDS


@contextlib.contextmanager
def _dask_first(backend: Any, cluster: str | None, workers: int | None):
    """Connect to a Dask scheduler ``cluster`` before the run starts, so an address that does
    not answer is refused (one line, :class:`InvalidInputError`) before the store records a
    run; yields the ``(backend, cluster)`` to hand to :func:`search.runner.run_search`."""
    if cluster is None:
        yield backend, cluster
        return
    if backend not in (None, "dask"):
        raise InvalidInputError(
            f"cluster={cluster!r} runs on Dask; backend={backend!r} contradicts it (drop it)")
    from search.backends import get_backend

    be = get_backend("dask", workers=workers, address=cluster)
    try:
        yield be, None
    finally:
        be.close()


def _result(spec: Any, out: Any) -> EnumerationResult:
    """The :class:`EnumerationResult` of a :class:`search.runner.RunOutcome`."""
    stats: dict[str, Any] = {}
    for s in out.states:
        stats = merge_stats(stats, s.get("stats", {}))
    box = spec.box
    hits = sorted(out.hits, key=lambda h: (h.constant, list(h.a), list(h.b)))
    return EnumerationResult(
        hits=hits, params=spec.params(),
        n_candidates=(2 * box["R"] + 1) ** (box["a_degree"] + box["b_degree"] + 2),
        n_evaluated=stats.get("evaluated", 0), n_converged=stats.get("converged", 0),
        n_slow=stats.get("slow", 0), n_slow_resolved=stats.get("slow_resolved", 0),
        n_divergent=stats.get("divergent", 0), n_candidates_hashed=stats.get("hashed", 0),
        n_rejected=stats.get("rejected", 0) + out.n_rejected, elapsed=out.elapsed,
        stop_reason=out.stop_reason, run_id=out.run_id,
        unresolved=sorted(stats.get("unresolved", []), key=lambda d: (d["kind"], d["a"], d["b"])),
        divergent_by_reason={k.split(":", 1)[1]: v for k, v in sorted(stats.items())
                             if k.startswith("divergent:")},
        seed=out.seed,
    )


def _warm_kernels() -> None:
    """Load (or compile) the numba kernels once in this process, before workers fork."""
    evaluate_box(np.array([[1, 1]]), np.array([[0, 1]]), 64)
    _mobius_scan(np.array([0.5]), np.array([1e-12]), 2.0, 1, 4)
    _scan(np.array([0.5]), np.array([1e-12]), "e", 1)


def enumerate_pcfs(
    a_degree: int = 1,
    b_degree: int = 2,
    coefficient_range: int = 3,
    constants: Sequence[str] = ("e", "pi", "log(2)"),
    budget: Budget | None = None,
    *,
    workers: int | None = None,
    **options: Any,
) -> list[PCFHit]:
    """All verified PCFs in the box whose limit is a Mobius form of one of ``constants``.

    A thin wrapper of :func:`search_pcfs` returning only the hits (``.a``, ``.b``,
    ``.expression``, ...); see there for the options (``budget``, ``workers``, ``backend``,
    ``cluster``, ``store``, ``checkpoint``, ``resume`` ...) and errors.

    Examples:
        >>> from search.pcf import enumerate_pcfs
        >>> hits = enumerate_pcfs(1, 1, 1, ["e"], workers=1)
        >>> all(h.digits_verified >= 25 for h in hits)
        True
    """
    return search_pcfs(a_degree, b_degree, coefficient_range, constants, budget,
                       workers=workers, **options).hits
