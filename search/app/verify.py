"""Re-verify stored results exactly, from their payloads alone (``disco results verify``).

Each store domain has a verifier that rebuilds the object from the stored JSON payload with the
capability's own ``from_json``, re-checks it exactly (Brent equations of a scheme over its ring,
the certified limit of a continued fraction against its Mobius form, the girth or forbidden
cycles of a graph, the rank of an alternating space at every point, the element and charge
balance of a reaction) and checks that the stored key is the key the capability builds for it,
so a payload edited after it was stored is caught.

A domain without a verifier (``"generic"``: payloads of user-defined problems) is reported as
*not re-verifiable*, never as verified.

Examples:
    >>> import os, tempfile
    >>> from engine.schemes import Scheme
    >>> from search.store import ResultsStore
    >>> from search.app.verify import verify_rows
    >>> store = ResultsStore(os.path.join(tempfile.mkdtemp(), "s.db"))
    >>> s = Scheme.strassen()
    >>> _ = store.add_result("schemes", s.store_key("ZT"), s.to_json(), verified=True)
    >>> [(c.status, c.what) for c in verify_rows(store.results())]
    [('ok', 'Brent equations exact over ZT (rank 7, <2,2,2>)')]
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from engine.errors import EngineError, VerificationError

__all__ = ["RecordCheck", "verify_row", "verify_rows", "VERIFIERS"]


@dataclass(frozen=True)
class RecordCheck:
    """The re-verification of one stored record.

    Attributes:
        id, domain, key: the record.
        status: ``"ok"`` (re-verified exactly), ``"failed"`` (the payload does not rebuild, does
            not verify, or does not match its key) or ``"skipped"`` (no verifier for the domain).
        what: what was verified, or why it failed / was skipped.
    """

    id: int
    domain: str
    key: str
    status: Literal["ok", "failed", "skipped"]
    what: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "domain": self.domain, "key": self.key, "status": self.status,
                "what": self.what}


def _contfrac(payload: Any, key: str) -> str:
    from search.pcf import PCFHit, pcf_key

    if isinstance(payload, dict) and {"pcf", "limit", "identification"} <= set(payload):
        return _identified_fraction(payload, key)
    hit = PCFHit.from_json(payload)
    hit.check()
    want = pcf_key(hit.a, hit.b)
    if key != want and not key.startswith(("pcf:", "discover:")):
        raise VerificationError(f"the key is not the fraction's key {want!r}")
    return f"PCF(a={list(hit.a)}, b={list(hit.b)}) = {hit.expression} to {hit.digits_verified} digits"


def _identified_fraction(payload: dict, key: str) -> str:
    """A fraction with a certified limit and an identification of it (``disco discover``):
    the limit's certificate is re-proved from fresh convergents, the identification re-checked
    at its verified precision, and the two values compared."""
    import mpmath

    from engine.contfrac import LimitResult
    from search.pcf import pcf_key
    from solvers.constants import IdentifyResult

    a, b = payload["pcf"]["a"], payload["pcf"]["b"]
    want = pcf_key(a, b)
    if key != want and not key.startswith(("pcf:", "discover:")):
        raise VerificationError(f"the key is not the fraction's key {want!r}")
    limit = LimitResult.from_json(payload["limit"])
    limit.check()
    ident = IdentifyResult.from_json(payload["identification"])
    ident.check()
    digits = min(limit.digits, ident.digits_verified)
    with mpmath.workdps(digits + 10):
        gap = abs(mpmath.mpf(limit.value) - mpmath.mpf(ident.value))
        if gap > mpmath.mpf(10) ** (-(digits - 2)) * max(1, abs(mpmath.mpf(limit.value))):
            raise VerificationError("the identified value is not the fraction's limit")
    return f"PCF(a={a}, b={b}) = {ident.expression} to {digits} digits (limit {limit.certification})"


def _reactions(payload: Any, key: str) -> str:
    from solvers.reactions.balance import BalanceResult

    if isinstance(payload, dict) and "reaction" in payload and "species_list" in payload:
        from solvers.reactions.formula import parse_species

        totals: dict[str, int] = {}
        charge = 0
        for species, coeff in payload["reaction"].items():
            sp = parse_species(species)
            q = sp.charge
            for el, k in sp.counts.items():
                totals[el] = totals.get(el, 0) + int(coeff) * k
            charge += int(coeff) * q
        if any(totals.values()) or charge:
            raise VerificationError(f"the reaction does not conserve {sorted(k for k, v in totals.items() if v)} "
                                    f"or charge ({charge})")
        return "elementary reaction conserves every element and charge"
    r = BalanceResult.from_json(payload)
    r.check()
    return f"balance {r} conserves every element and charge"


def _from_capability(module: str, name: str) -> Callable[[Any, str], str]:
    """A verifier that a capability package offers as ``name(payload, key) -> str``."""

    def verify(payload: Any, key: str) -> str:
        fn = getattr(importlib.import_module(module), name, None)
        if fn is None:
            raise LookupError(f"{module}.{name} is not available")
        return fn(payload, key)

    return verify


#: Verifier of each store domain: ``f(payload, key) -> what was verified`` (raises
#: VerificationError or an EngineError when the record does not re-verify).
VERIFIERS: dict[str, Callable[[Any, str], str]] = {
    "schemes": _from_capability("search.flipgraph", "verify_payload"),
    "contfrac": _contfrac,
    "reactions": _reactions,
    "esma": _from_capability("search.pcf", "verify_esma_payload"),
    "graphs": _from_capability("search.graphs", "verify_payload"),
    "altspaces": _from_capability("search.altspaces", "verify_payload"),
}


def verify_row(row: Any) -> RecordCheck:
    """Re-verify one stored record (a :class:`search.store.StoredResult`)."""
    fn = VERIFIERS.get(row.domain)
    if fn is None:
        return RecordCheck(row.id, row.domain, row.key, "skipped",
                           f"no exact verifier for domain {row.domain!r} (user-defined payload)")
    try:
        what = fn(row.payload, row.key)
    except LookupError as exc:
        return RecordCheck(row.id, row.domain, row.key, "skipped", str(exc))
    except (VerificationError, EngineError, ValueError, KeyError, TypeError, IndexError) as exc:
        msg = " ".join(str(exc).split()) or type(exc).__name__
        return RecordCheck(row.id, row.domain, row.key, "failed", msg)
    return RecordCheck(row.id, row.domain, row.key, "ok", what)


def verify_rows(rows: Iterable[Any]) -> list[RecordCheck]:
    """Re-verify every record of ``rows``, in order."""
    return [verify_row(r) for r in rows]
