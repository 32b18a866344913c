"""The continued-fraction searches as specs of the one runner (:func:`search.runner.run_search`).

- :class:`PCFEnumerationSpec` (kind ``"contfrac.enumerate"``, domain ``"contfrac"``,
  ``collect="all"``): walker ``i`` owns a contiguous range of whole blocks of the canonical
  box; a step (:func:`enumeration_step`) runs :func:`search.pcf.enumerate.process_range` over
  the next blocks (as many as fit in the chunk's time, at least one) and reports the verified
  hits as :meth:`search.pcf.PCFHit.to_json` payloads. One step is one fraction.
- :class:`ESMABatchSpec` (kind ``"contfrac.esma"``, domain ``"esma"``, ``collect="all"``):
  walker ``i`` owns the expressions ``i, i + W, i + 2W, ...`` of the batch; a step
  (:func:`esma_step`) analyses one (:func:`solvers.esma.analyze`) and reports it when it found
  a PCF with a Mobius link to the expression (an identification). One step is one expression.

The runner verifies every reported candidate (:meth:`SearchSpec.verify`), commits it to the
store under the spec's :meth:`key` before printing or returning it, checkpoints and resumes.

Examples:
    >>> from search.core import Budget
    >>> from search.pcf.spec import PCFEnumerationSpec
    >>> from search.runner import run_search
    >>> spec = PCFEnumerationSpec(1, 1, 1, ["e"])
    >>> out = run_search(spec, Budget(), seed=0)
    >>> out.stop_reason.value, out.steps, len(out.hits)
    ('exhausted', 45, 6)
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from engine.errors import EngineError, InvalidInputError, VerificationError
from search.core import Budget
from search.pcf.hit import PCFHit, pcf_key
from search.runner import Exhausted, SearchSpec

__all__ = [
    "PCFEnumerationSpec",
    "ESMABatchSpec",
    "enumeration_step",
    "esma_step",
    "esma_key",
    "pcf_key",
]

#: Rows per batch inside one step (memory of the float stage: ~300 bytes per row).
_MAX_BATCH = 1 << 15
#: Seconds per fraction measured in this process, per box (sizes the batches of a timed step).
_RATE: dict[tuple, float] = {}


# ----------------------------------------------------------------------------- enumeration
def enumeration_step(state: dict, budget: Budget) -> tuple[Any, list, int]:
    """Step of :class:`PCFEnumerationSpec`: process the walker's next whole blocks.

    At most ``budget.steps`` fractions (rounded up to a whole block), and as many blocks as fit
    in ``budget.time_limit`` seconds (measured rate; at least one block per call). Returns
    ``(new_state, payloads, fractions_done)``; the state is ``Exhausted`` at the walker's end.
    """
    from search.pcf.enumerate import BLOCK, merge_stats, process_range

    spec, pos, hi = state["spec"], state["pos"], state["hi"]
    if pos >= hi:
        return Exhausted(state), [], 0
    limit = hi - pos if not budget.steps else min(hi - pos, int(budget.steps))
    t0 = time.perf_counter()
    deadline = None if budget.time_limit is None else t0 + float(budget.time_limit)
    rate_key = (spec["a_degree"], spec["b_degree"], spec["R"], len(spec["constants"]),
                spec["depth"])
    found: list[dict] = []
    stats = state.get("stats", {})
    done = 0
    while done < limit:
        start = pos + done
        want = limit - done
        if deadline is not None:
            rate = _RATE.get(rate_key)
            left = deadline - time.perf_counter()
            if done and (rate is None or left < rate * BLOCK):
                break
            if rate is None:
                want = min(want, BLOCK)
            else:
                want = min(want, max(1, int(0.8 * left / rate)))
        want = min(want, _MAX_BATCH)
        end = min(hi, -(-(start + want) // BLOCK) * BLOCK)  # up to a block boundary
        t1 = time.perf_counter()
        hits, st = process_range(spec, start, end)
        dt = time.perf_counter() - t1
        old = _RATE.get(rate_key)
        _RATE[rate_key] = dt / (end - start) if old is None else \
            0.5 * old + 0.5 * dt / (end - start)
        found += hits
        stats = merge_stats(stats, st)
        done = end - pos
    new = {**state, "pos": pos + done, "stats": stats}
    return (Exhausted(new) if new["pos"] >= hi else new), found, done


class PCFEnumerationSpec(SearchSpec):
    """The box enumeration of :func:`search.pcf.search_pcfs` as a runner spec.

    Args:
        a_degree, b_degree, coefficient_range: the box (validated by
            :func:`search.pcf.search_pcfs`).
        constants: catalogue names.
        max_height, depth, verify_digits: see :func:`search.pcf.search_pcfs`.
        walkers: how many contiguous ranges of whole blocks the box is cut into (one per
            worker); the hits do not depend on it.

    Examples:
        >>> from search.pcf.spec import PCFEnumerationSpec
        >>> spec = PCFEnumerationSpec(1, 2, 3, ["e", "pi", "log(2)"], walkers=2)
        >>> [(s["lo"], s["hi"]) for s in spec.initial_states(0)]
        [(0, 4352), (4352, 8575)]
    """

    kind = "contfrac.enumerate"
    domain = "contfrac"
    verification_method = "pcf-evaluate+mobius"
    collect = "all"
    state_version = 2
    chunk_steps = 4096
    start_method = "fork"  # workers inherit the compiled kernels (spawned ones recompile)
    step = staticmethod(enumeration_step)

    def __init__(self, a_degree: int, b_degree: int, coefficient_range: int,
                 constants: Sequence[str], *, max_height: int = 64, depth: int = 4096,
                 verify_digits: int = 30, walkers: int = 1) -> None:
        from search.pcf.enumerate import BLOCK

        self.box = {
            "a_degree": int(a_degree), "b_degree": int(b_degree), "R": int(coefficient_range),
            "constants": list(constants), "max_height": int(max_height), "depth": int(depth),
            "verify_digits": int(verify_digits),
        }
        self.block = BLOCK
        self.walkers = max(1, int(walkers))
        self._verified: dict[str, PCFHit] = {}  # hits this coordinator has verified

    def params(self) -> dict[str, Any]:
        return {**self.box, "block": self.block}

    @property
    def total(self) -> int:
        """Fractions evaluated (the box after the symmetry ``a -> -a``)."""
        from search.pcf.enumerate import box_size

        return box_size(self.box["a_degree"], self.box["b_degree"], self.box["R"])

    def initial_states(self, seed: int) -> list[dict]:
        total, blk = self.total, self.block
        nblocks = -(-total // blk)
        w = max(1, min(self.walkers, nblocks))
        cuts = np.linspace(0, nblocks, w + 1).astype(int)
        return [
            {"spec": dict(self.box), "lo": int(min(total, cuts[i] * blk)),
             "hi": int(min(total, cuts[i + 1] * blk)), "pos": int(min(total, cuts[i] * blk)),
             "stats": {}}
            for i in range(w)
        ]

    def decode(self, raw: dict) -> PCFHit:
        return PCFHit.from_json(raw)

    def score(self, c: PCFHit) -> float:
        return float(c.digits_verified)

    def verify(self, c: PCFHit) -> bool:
        """Re-check a hit the worker has just verified with a fresh high-precision evaluation.

        The mirror ``PCF(-a, b)`` of a hit this run has verified is verified exactly by the
        identity ``p_n(-a) = (-1)^(n+1) p_n(a)``, ``q_n(-a) = (-1)^n q_n(a)`` (so
        ``PCF(-a, b) = -PCF(a, b)``): its record must be the negated record (value, Mobius
        form). Any other hit gets the quick re-check :meth:`PCFHit.check` ``(fresh=False)``;
        where that fails, the full check decides.
        """
        if c.constant not in self.box["constants"]:
            return False
        partner = self._verified.get(pcf_key([-x for x in c.a], c.b))
        if partner is None or not _is_mirror(c, partner):
            try:
                c.check(fresh=False)
            except VerificationError:
                if not c.is_valid():
                    return False
        self._verified[c.key()] = c
        return True

    def key(self, c: PCFHit) -> str:
        return c.key()

    def to_json(self, c: PCFHit) -> dict:
        return c.to_json()

    def from_json(self, payload: dict) -> PCFHit:
        return PCFHit.from_json(payload)

    def describe(self, c: PCFHit) -> str:
        return (f"a={list(c.a)} b={list(c.b)} = {c.expression_text} "
                f"({c.digits_verified} digits, {c.certification})")


def _is_mirror(c: PCFHit, p: PCFHit) -> bool:
    """Whether ``c`` is exactly the record of ``PCF(-a, b) = -PCF(a, b)`` for the hit ``p``."""
    pm = [int(x) for x in p.mobius]
    neg = str(p.value)[1:] if str(p.value).startswith("-") else "-" + str(p.value)
    return (list(c.b) == list(p.b) and [int(x) for x in c.a] == [-int(x) for x in p.a]
            and c.constant == p.constant and str(c.value) == neg
            and c.digits_verified <= p.digits_verified
            and [int(x) for x in c.mobius] in ([-pm[0], -pm[1], pm[2], pm[3]],
                                               [pm[0], pm[1], -pm[2], -pm[3]]))


# ----------------------------------------------------------------------------- ESMA batches
def esma_key(expression: Any, kind: str = "simple") -> str:
    """The store key of the ESMA analysis of ``expression`` (domain ``"esma"``):
    ``"<kind>:<expression>"``, the expression in sympy's canonical text (a catalogue name in
    its catalogue spelling), so ``"(e+1)/(e-1)"`` and ``"(1+e)/(e - 1)"`` share one key.

    Examples:
        >>> from search.pcf.spec import esma_key
        >>> esma_key("(e+1)/(e-1)"), esma_key("Log 2", "nearest")
        ('simple:(1 + E)/(-1 + E)', 'nearest:log(2)')
    """
    from solvers.constants import resolve_constant

    text = str(expression).strip()
    try:
        return f"{kind}:{resolve_constant(text)}"
    except InvalidInputError:
        pass
    from solvers.constants import parse_expression

    try:  # the checked parser (never eval); sympy's canonical text of the expression
        canon = str(parse_expression(text).sympy())
    except InvalidInputError:
        canon = " ".join(text.split())
    return f"{kind}:{canon}"


def esma_step(state: dict, budget: Budget) -> tuple[Any, list, int]:
    """Step of :class:`ESMABatchSpec`: analyse the walker's next expression(s).

    Records an outcome line per expression in the state and reports the
    :meth:`solvers.esma.ESMAResult.to_json` of each identification (a PCF with a Mobius link).
    """
    from solvers.esma import analyze

    items, pos = state["items"], state["pos"]
    n = min(len(items) - pos, max(1, int(budget.steps or 1)))
    outcomes = list(state["outcomes"])
    found = []
    for index, expr in items[pos:pos + n]:
        o = state["options"]
        try:
            r = analyze(expr, n_terms=o["n_terms"], kind=o["kind"],
                        identify_digits=o["identify_digits"])
        except EngineError as exc:
            outcomes.append({"index": index, "expression": expr, "status": "failed",
                             "message": " ".join(str(exc).split()), "result": None})
            continue
        identified = r.pcf is not None and r.mobius is not None
        status = "identified" if identified else (
            "pattern" if r.pattern is not None else "no pattern")
        outcomes.append({"index": index, "expression": expr, "status": status, "message": "",
                         "result": None if identified else r.to_json()})
        if identified:
            found.append(r.to_json())
    new = {**state, "pos": pos + n, "outcomes": outcomes}
    return (Exhausted(new) if new["pos"] >= len(items) else new), found, n


class ESMABatchSpec(SearchSpec):
    """A batch of ESMA analyses (:func:`solvers.esma.analyze`) as a runner spec.

    Args:
        expressions: the expressions (catalogue names, ``"(e+1)/(e-1)"``, ``"tan(1)"`` ...).
        n_terms, kind, identify_digits: options of :func:`solvers.esma.analyze`.
        walkers: walker ``i`` takes the expressions ``i, i + walkers, ...``.

    Examples:
        >>> from search.pcf.spec import ESMABatchSpec
        >>> spec = ESMABatchSpec(["e", "pi", "tan(1)"], walkers=2)
        >>> [[e for _, e in s["items"]] for s in spec.initial_states(0)]
        [['e', 'tan(1)'], ['pi']]
    """

    kind = "contfrac.esma"
    domain = "esma"
    verification_method = "esma-check"
    collect = "all"
    chunk_steps = 1
    start_method = "fork"
    step = staticmethod(esma_step)

    def __init__(self, expressions: Sequence[str], *, n_terms: int = 1000, kind: str = "simple",
                 identify_digits: int = 40, walkers: int = 1) -> None:
        self.expressions = [str(e) for e in expressions]
        self.options = {"n_terms": int(n_terms), "kind": str(kind),
                        "identify_digits": int(identify_digits)}
        self.walkers = max(1, min(int(walkers), len(self.expressions)))

    def params(self) -> dict[str, Any]:
        return {"expressions": list(self.expressions), **self.options}

    def initial_states(self, seed: int) -> list[dict]:
        w = self.walkers
        return [{"items": [(i, e) for i, e in enumerate(self.expressions) if i % w == k],
                 "pos": 0, "outcomes": [], "options": dict(self.options)} for k in range(w)]

    def decode(self, raw: dict) -> Any:
        from solvers.esma import ESMAResult

        return ESMAResult.from_json(raw)

    def score(self, c: Any) -> float:
        return float(c.pattern.verified_terms) if c.pattern is not None else 0.0

    def verify(self, c: Any) -> bool:
        """:meth:`solvers.esma.ESMAResult.check` (expansion recomputed, recurrence checked on
        every term, PCF rebuilt, Mobius link re-evaluated) on an identification."""
        return c.pcf is not None and c.mobius is not None and c.is_valid()

    def key(self, c: Any) -> str:
        return esma_key(c.expansion.expression, c.expansion.kind)

    def to_json(self, c: Any) -> dict:
        return c.to_json()

    def from_json(self, payload: dict) -> Any:
        from solvers.esma import ESMAResult

        return ESMAResult.from_json(payload)

    def describe(self, c: Any) -> str:
        from solvers.esma import mobius_text

        return (f"PCF {c.pcf} = {mobius_text(c.mobius, 'x')}, x = {c.expansion.expression}")
