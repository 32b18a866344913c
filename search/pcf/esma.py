"""Batches of ESMA analyses on the one runner: each identification stored when it is found.

:func:`esma_batch` analyses many expressions (:func:`solvers.esma.analyze`: certified
continued-fraction expansion, Berlekamp-Massey pattern verified on every term, contraction to
a PCF, Mobius link to the expression, identification) as walkers of
:func:`search.runner.run_search` (:class:`search.pcf.spec.ESMABatchSpec`). Every analysis that
finds a PCF with a Mobius link to its expression (an *identification*) is re-verified
(:meth:`solvers.esma.ESMAResult.check`) and committed to the results store the moment the
runner accepts it: domain ``"esma"``, key :func:`search.pcf.esma_key` (``"simple:(1 + E)/(-1 +
E)"``), payload :meth:`solvers.esma.ESMAResult.to_json` (self-contained: ``ESMAResult.from_json``
plus ``check()`` re-verify it). Analyses without an identification are reported in the
result, not stored. Checkpoints, resume, budgets and backends are the runner's.

Reference: O. Razon et al., "Automated search for conjectures on mathematical constants using
analysis of integer sequences" (ESMA), ICML 2023.

Examples:
    >>> from search.pcf import esma_batch
    >>> r = esma_batch(["(e+1)/(e-1)", "pi"], n_terms=100)
    >>> [(o["expression"], o["status"]) for o in r.outcomes]
    [('(e+1)/(e-1)', 'identified'), ('pi', 'no pattern')]
    >>> r.identified[0].pcf
    PCF('4n + 2', '1')
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from engine.errors import InvalidInputError, VerificationError
from engine.results import Result
from search.core import Budget, StopReason, resolve_budget

__all__ = ["esma_batch", "ESMABatchResult", "check_batch", "verify_esma_payload"]

_STATUSES = ("identified", "pattern", "no pattern", "failed", "pending")


@dataclass(frozen=True)
class ESMABatchResult(Result):
    """Outcome of :func:`esma_batch`.

    Attributes:
        expressions: the batch, in order.
        results: per expression its :class:`solvers.esma.ESMAResult` (None when the analysis
            failed or was not reached before the budget ran out).
        outcomes: per expression ``{"index", "expression", "status", "message"}``, status one
            of ``"identified"`` (a PCF with a Mobius link: stored), ``"pattern"`` (a
            recurrence but no PCF link), ``"no pattern"``, ``"failed"`` (``message`` says why)
            or ``"pending"`` (not analysed: the budget ran out).
        params: ``n_terms``, ``kind``, ``identify_digits``.
        stop_reason: :class:`search.core.StopReason` (``EXHAUSTED``: every expression done).
        elapsed: wall seconds (resumed parts included).
        run_id: the store's run id (None without a store).
        seed: the run's seed (recorded; the analyses are deterministic).
    """

    expressions: list
    results: list
    outcomes: list
    params: dict
    stop_reason: StopReason
    elapsed: float
    run_id: int | None = None
    seed: int | None = None

    @property
    def identified(self) -> list:
        """The identifications (results with a PCF and a Mobius link), in batch order."""
        return [r for r, o in zip(self.results, self.outcomes, strict=True)
                if o["status"] == "identified"]

    def check(self) -> None:
        """Re-verify every analysis (:meth:`solvers.esma.ESMAResult.check`) and that each
        outcome matches its result (an identification has a PCF and a Mobius link).

        Raises:
            VerificationError: naming the expression that fails.
        """
        if not (len(self.expressions) == len(self.results) == len(self.outcomes)):
            raise VerificationError("expressions, results and outcomes differ in length")
        for i, (e, r, o) in enumerate(zip(self.expressions, self.results, self.outcomes,
                                          strict=True)):
            if o["expression"] != e or o["index"] != i or o["status"] not in _STATUSES:
                raise VerificationError(f"outcome {i} {o!r} does not describe {e!r}")
            if r is None:
                if o["status"] not in ("failed", "pending"):
                    raise VerificationError(f"{e!r}: status {o['status']!r} without a result")
                continue
            if r.expansion.expression != e:
                raise VerificationError(f"the result for {e!r} expands {r.expansion.expression!r}")
            linked = r.pcf is not None and r.mobius is not None
            if linked != (o["status"] == "identified"):
                raise VerificationError(f"{e!r}: status {o['status']!r} contradicts the result")
            r.check()

    def to_json(self) -> dict:
        return {
            "expressions": list(self.expressions),
            "results": [None if r is None else r.to_json() for r in self.results],
            "outcomes": [dict(o) for o in self.outcomes],
            "params": dict(self.params),
            "stop_reason": StopReason(self.stop_reason).value,
            "elapsed": float(self.elapsed),
            "run_id": self.run_id,
            "seed": self.seed,
        }

    @classmethod
    def from_json(cls, d: dict) -> ESMABatchResult:
        from solvers.esma import ESMAResult

        return cls(
            list(d["expressions"]),
            [None if r is None else ESMAResult.from_json(r) for r in d["results"]],
            [dict(o) for o in d["outcomes"]], dict(d["params"]), StopReason(d["stop_reason"]),
            float(d["elapsed"]), None if d.get("run_id") is None else int(d["run_id"]),
            None if d.get("seed") is None else int(d["seed"]),
        )

    @classmethod
    def example(cls) -> ESMABatchResult:
        """``e`` (Euler's expansion ``[2; 1, 2, 1, 1, 4, 1, 1, 6, ...]``, period 3, Euler
        1737) and ``(e+1)/(e-1) = [2; 6, 10, 14, ...]`` (Euler; the PCF ``(4n + 2, 1)``), 120
        terms each: both identified.

        Examples:
            >>> from search.pcf import ESMABatchResult
            >>> [o["status"] for o in ESMABatchResult.example().outcomes]
            ['identified', 'identified']
        """
        return esma_batch(["e", "(e+1)/(e-1)"], n_terms=120)

    @classmethod
    def tampered(cls) -> ESMABatchResult:
        """:meth:`example` with the partial quotient ``a_8 = 6`` of e changed to 7."""
        import dataclasses

        r = cls.example()
        first = r.results[0]
        t = list(first.expansion.terms)
        t[8] += 1
        bad = dataclasses.replace(first, expansion=dataclasses.replace(first.expansion,
                                                                       terms=tuple(t)))
        return dataclasses.replace(r, results=[bad] + list(r.results[1:]))


def verify_esma_payload(payload: Any, key: str) -> str:
    """Re-verify a stored ``esma`` record from its payload alone (for ``disco results verify``):
    :meth:`solvers.esma.ESMAResult.from_json`, its exact :meth:`~solvers.esma.ESMAResult.check`,
    an identification (a PCF with a Mobius link), and the key :func:`search.pcf.esma_key`.

    Returns:
        What was verified (one line).

    Raises:
        VerificationError: the record does not re-verify or does not match its key.

    Examples:
        >>> from search.pcf import esma_batch, esma_key
        >>> from search.pcf.esma import verify_esma_payload
        >>> r = esma_batch(["(e+1)/(e-1)"], n_terms=60).identified[0]
        >>> verify_esma_payload(r.to_json(), esma_key("(e+1)/(e-1)"))
        "(e+1)/(e-1) = Mobius (0, -1, -1, 0) of PCF('4n + 2', '1'), pattern verified on 60 terms"
    """
    from search.pcf.spec import esma_key
    from solvers.esma import ESMAResult

    r = ESMAResult.from_json(payload)
    if r.pcf is None or r.mobius is None:
        raise VerificationError("the record is not an identification (no PCF with a Mobius link)")
    r.check()
    want = esma_key(r.expansion.expression, r.expansion.kind)
    if key != want:
        raise VerificationError(f"the key is not the analysis' key {want!r}")
    return (f"{r.expansion.expression} = Mobius {tuple(r.mobius)} of {r.pcf!r}, pattern verified "
            f"on {r.pattern.verified_terms} terms")


def check_batch(expressions: Sequence[str], n_terms: int = 1000, kind: str = "simple",
                identify_digits: int = 40) -> list[str]:
    """The batch of :func:`esma_batch`, checked (every expression parses, the options are in
    range) before anything runs; returns the expressions as stripped strings.

    Raises:
        InvalidInputError: naming the expression (and its position) or the option.
    """
    from solvers.esma import cf_expansion

    if isinstance(expressions, str):
        expressions = [expressions]
    exprs = [str(e).strip() for e in expressions]
    if not exprs:
        raise InvalidInputError("expressions=[] is empty; give at least one, e.g. ['e', 'tan(1)']")
    if isinstance(n_terms, bool) or not isinstance(n_terms, int) or not 1 <= n_terms <= 20000:
        raise InvalidInputError(f"n_terms={n_terms!r} must be an integer in [1, 20000]")
    if kind not in ("simple", "nearest"):
        raise InvalidInputError(f"kind={kind!r} must be 'simple' or 'nearest'")
    if isinstance(identify_digits, bool) or not isinstance(identify_digits, int) or \
            not 10 <= identify_digits <= 2000:
        raise InvalidInputError(f"identify_digits={identify_digits!r} must be an integer in "
                                "[10, 2000]")
    for i, e in enumerate(exprs):
        if not e:
            raise InvalidInputError(f"expression {i + 1} of the batch is empty")
        try:
            cf_expansion(e, 2, kind)
        except InvalidInputError as exc:
            raise InvalidInputError(f"expression {i + 1} of the batch ({e!r}): {exc}") from None
        except Exception:  # noqa: BLE001 - e.g. a rational: analyze reports it per expression
            pass
    return exprs


def esma_batch(
    expressions: Sequence[str],
    budget: Budget | None = None,
    *,
    n_terms: int = 1000,
    kind: str = "simple",
    identify_digits: int = 40,
    time_limit: float | None = None,
    workers: int | None = None,
    backend: Any = None,
    cluster: str | None = None,
    address: str | None = None,
    store: Any = None,
    checkpoint: str | os.PathLike | None = None,
    checkpoint_every: float = 30.0,
    resume: bool = False,
    force: bool = False,
    seed: int | None = None,
    progress: bool | None = False,
    on_result: Any = None,
) -> ESMABatchResult:
    """Analyse a batch of expressions with ESMA on the runner; store each identification.

    Args:
        expressions: catalogue names or expressions (``"e"``, ``"(e+1)/(e-1)"``, ``"tan(1)"``).
        budget: ``Budget(time_limit=, steps=, target=)``: seconds, expressions analysed, a
            number of identifications to stop at (default: the whole batch).
        n_terms, kind, identify_digits: options of :func:`solvers.esma.analyze`.
        time_limit: shorthand for ``budget.time_limit``.
        workers, backend, cluster: where the analyses run (default: serially, in this
            process); ``address`` is the former name of ``cluster``.
        store: a ``search.store.ResultsStore``, a path, True (the default store) or None.
        checkpoint, checkpoint_every, resume, force: the runner's checkpoint options.
        seed: recorded with the run (the analyses are deterministic).
        progress: a line on stderr per identification (True), on a terminal only (None).
        on_result: called with each :class:`search.runner.Found` after it is stored.

    Returns:
        An :class:`ESMABatchResult`.

    Raises:
        InvalidInputError: an empty batch, an expression that cannot be parsed (named, with
            its position), bad options; the runner's bad-input errors (checkpoint, store,
            Dask address).
    """
    exprs = check_batch(expressions, n_terms, kind, identify_digits)
    budget = resolve_budget(budget, what="esma_batch", time_limit=time_limit)
    if address is not None and cluster is not None and address != cluster:
        raise InvalidInputError(
            f"address={address!r} and cluster={cluster!r}: address is the former name of "
            "cluster; give one")
    cluster = cluster if cluster is not None else address
    from search.pcf.spec import ESMABatchSpec, esma_key
    from search.runner import run_search

    nworkers = 1 if workers is None else workers
    spec = ESMABatchSpec(exprs, n_terms=n_terms, kind=kind, identify_digits=identify_digits,
                         walkers=1 if backend in (None, "serial") and cluster is None
                         else nworkers)
    from search.pcf.enumerate import _dask_first

    with _dask_first(backend, cluster, workers) as (backend, cluster):
        out = run_search(spec, budget, seed=seed, workers=workers, backend=backend,
                         cluster=cluster, checkpoint=checkpoint,
                         checkpoint_every=checkpoint_every, resume=resume, force=force,
                         store=store, progress=progress, on_result=on_result)
    from solvers.esma import ESMAResult

    by_key = {f.key: f.candidate for f in out.found}
    done = {o["index"]: o for s in out.states for o in s["outcomes"]}
    results: list[Any] = []
    outcomes: list[dict] = []
    for i, e in enumerate(exprs):
        o = done.get(i)
        if o is None:
            results.append(None)
            outcomes.append({"index": i, "expression": e, "status": "pending", "message": ""})
            continue
        r = by_key.get(esma_key(e, kind)) if o["status"] == "identified" else (
            None if o["result"] is None else ESMAResult.from_json(o["result"]))
        if o["status"] == "identified" and r is None:  # verification refused it
            o = {**o, "status": "failed", "message": "the identification did not re-verify"}
        results.append(r)
        outcomes.append({k: o[k] for k in ("index", "expression", "status", "message")})
    return ESMABatchResult(exprs, results, outcomes,
                           {"n_terms": n_terms, "kind": kind, "identify_digits": identify_digits},
                           out.stop_reason, out.elapsed, out.run_id, out.seed)
