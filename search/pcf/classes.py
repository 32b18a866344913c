"""Equivalence classes of continued-fraction hits: one representative per class, with proofs.

Two hits are in one class when their fractions share
:meth:`engine.contfrac.PCF.canonical_key` (the same beta form ``b(n)/(a(n) a(n-1))``: they
differ by an inflation, a sign or a scale), or when the canonical form of one is a tail
(``n -> n + k``, ``k <= shift``, default :data:`solvers.pcf_equivalence.MAX_SHIFT`) of the
canonical form of the other. The representative is the member equal to its canonical form
(:meth:`engine.contfrac.PCF.canonical`) with the smallest coefficients (else the smallest
member); every other member carries a certificate
(:class:`solvers.pcf_equivalence.PCFRelation`) relating its limit to the representative's by
an exact Mobius map; :meth:`PCFClass.mobius_to` gives ``L_member = m(L_representative)``.

Examples:
    >>> from search.pcf import enumerate_pcfs
    >>> from search.pcf.classes import group_hits
    >>> hits = enumerate_pcfs(1, 1, 1, ["e"], workers=1)
    >>> classes = group_hits(hits)
    >>> len(hits), len(classes)
    (6, 1)
    >>> all(r.is_valid() for c in classes for r in c.relations)
    True
    >>> classes[0].label.kind, classes[0].label.formula      # Euler (1744)
    ('known', '1/(e-1) (Euler)')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from engine.errors import InvalidInputError
from solvers.pcf_equivalence import MAX_SHIFT, PCFRelation, relate, shifted

__all__ = ["PCFClass", "group_hits", "class_key_of"]


def class_key_of(item: Any) -> str:
    """The class key of a hit, a PCF or a stored payload (``{"a": ..., "b": ...}``).

    Raises:
        InvalidInputError: ``item`` has no fraction.
    """
    from engine.contfrac import PCF

    if isinstance(item, PCF):
        return item.canonical_key()
    if isinstance(item, dict) and "a" in item and "b" in item:
        return PCF(item["a"], item["b"]).canonical_key()
    pcf = getattr(item, "pcf", None)
    if isinstance(pcf, PCF):
        return pcf.canonical_key()
    raise InvalidInputError(f"item {item!r:.60} has no continued fraction (a, b)")


@dataclass(frozen=True)
class PCFClass:
    """One equivalence class of hits.

    Attributes:
        key: the shared :meth:`engine.contfrac.PCF.canonical_key`.
        canonical: ``(a, b)`` of the canonical form of the class.
        representative: the member shown in reports.
        members: the other members (in the order given).
        relations: ``relations[i]`` proves ``L(members[i]) = m(L(representative))``.
        label: the representative's :class:`solvers.pcf_known.PCFLabel` (``"known"``,
            ``"equivalent"`` with its certificate, or ``"new"``); None when not labelled.
    """

    key: str
    canonical: tuple
    representative: Any
    members: tuple
    relations: tuple
    label: Any = None

    @property
    def size(self) -> int:
        return 1 + len(self.members)

    def mobius_to(self, i: int) -> tuple[int, int, int, int]:
        """``m`` with ``L(members[i]) = (m0 L + m1)/(m2 L + m3)``, ``L`` the representative's
        limit (the certificate may be stated the other way round: then it is inverted)."""
        r = self.relations[i]
        if r.pcf1 == self.representative.pcf:
            return tuple(r.mobius)  # type: ignore[return-value]
        m0, m1, m2, m3 = r.mobius
        return (m3, -m1, -m2, m0)

    def to_json(self) -> dict:
        return {
            "key": self.key,
            "canonical": {"a": list(self.canonical[0]), "b": list(self.canonical[1])},
            "representative": _fraction_json(self.representative),
            "members": [_fraction_json(m) for m in self.members],
            "relations": [r.to_json() for r in self.relations],
            "label": None if self.label is None else self.label.to_json(),
        }


def label_of(item: Any) -> Any:
    """:func:`solvers.pcf_known.label` of ``item``."""
    from solvers.pcf_known import label

    return label(item)


#: Fewest classes labelled in worker processes (below: one by one, in this process).
PARALLEL_LABELS_FROM = 8


def _labels(reps: list[Any]) -> list[Any]:
    """:func:`solvers.pcf_known.label` of each representative, in order. With two cores or
    more and :data:`PARALLEL_LABELS_FROM` classes or more, in forked worker processes (up to
    4): a label is a deterministic function of its fraction, so the labels are those of one
    by one. One by one where fork is not available or not safe (not Linux, a process with
    other threads, a daemonic worker) or ``DISCO_SERIAL_LABELS=1``."""
    import multiprocessing as mp
    import os
    import sys
    import threading

    workers = min(os.cpu_count() or 1, 4, len(reps))
    if (len(reps) < PARALLEL_LABELS_FROM or workers < 2 or os.environ.get("DISCO_SERIAL_LABELS")
            or not sys.platform.startswith("linux") or "fork" not in mp.get_all_start_methods()
            or threading.active_count() > 1
            or mp.current_process().daemon):
        return [label_of(r) for r in reps]
    from concurrent.futures import ProcessPoolExecutor

    from solvers.pcf_known import prepare_labels

    prepare_labels()  # the tables once, here, not in every worker
    # the likely expensive ones first (no database formula shares their canonical key: they go
    # on to coboundary and Euler-form searches), so that no worker is left with one at the end
    from solvers.pcf_known import known_index

    index = known_index()
    order = sorted(range(len(reps)), key=lambda i: reps[i].pcf.canonical_key() in index)
    try:
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
            done = list(pool.map(label_of, [reps[i] for i in order]))
        out: list[Any] = [None] * len(reps)
        for i, lab in zip(order, done, strict=True):
            out[i] = lab
        return out
    except Exception:  # noqa: BLE001 - no process could start, or a hit would not pickle:
        return [label_of(r) for r in reps]  # one by one (a genuine error is raised here again)


def _fraction_json(item: Any) -> dict:
    pcf = item.pcf if hasattr(item, "pcf") else item
    return {"a": list(pcf.a), "b": list(pcf.b)}


def _size(item: Any) -> tuple:
    pcf = item.pcf
    return (len(pcf.a) + len(pcf.b), sum(abs(c) for c in pcf.a + pcf.b),
            [c < 0 for c in pcf.a[::-1]], pcf.a[::-1], pcf.b[::-1])


def group_hits(hits: Sequence[Any], shift: int = MAX_SHIFT, *, labels: bool = True
               ) -> list[PCFClass]:
    """Group hits (anything with a ``.pcf``) into classes: new classes first, then those
    equivalent to a known formula, then the known ones (:func:`solvers.pcf_known.label`,
    ``labels=True``); within each, larger classes first, then by key.

    Raises:
        InvalidInputError: ``hits`` is not a sequence of hits, or a bad ``shift``.
    """
    from engine._args import check_int

    if isinstance(hits, str | bytes | dict) or not isinstance(hits, Sequence):
        raise InvalidInputError(f"hits of type {type(hits).__name__} must be a list of hits")
    shift = check_int(shift, "shift", low=0, high=100)
    groups: dict[str, list[Any]] = {}
    for h in hits:
        groups.setdefault(class_key_of(h), []).append(h)
    canon = {k: items[0].pcf.canonical() for k, items in groups.items()}
    parent = {k: k for k in groups}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for k, c in canon.items():
        for s in range(1, shift + 1):
            try:
                k2 = shifted(c, s).canonical_key()
            except InvalidInputError:
                break
            if k2 in groups and find(k2) != find(k):
                parent[find(k2)] = find(k)
    merged: dict[str, list[str]] = {}
    for k in groups:
        merged.setdefault(find(k), []).append(k)
    out = []
    for keys in merged.values():
        items = [h for k in keys for h in groups[k]]
        exact = [h for h in items if h.pcf == canon[class_key_of(h)]]
        rep = min(exact or items, key=_size)
        key = class_key_of(rep)
        members_l: list[Any] = []
        rels: list[PCFRelation] = []
        alone: list[Any] = []
        for m in (h for h in items if h is not rep):
            r = relate(rep.pcf, m.pcf, max_shift=max(shift, 1) * max(1, len(keys)), max_degree=-1)
            if r is None:  # no exact certificate (a root of a or b beyond solvers'
                alone.append(m)  # MAX_HEAD): the member stands alone
            else:
                members_l.append(m)
                rels.append(r)
        out.append(PCFClass(key, (tuple(canon[key].a), tuple(canon[key].b)), rep,
                            tuple(members_l), tuple(rels), None))
        for m in alone:
            mk = class_key_of(m)
            mc = m.pcf.canonical()
            out.append(PCFClass(mk, (tuple(mc.a), tuple(mc.b)), m, (), (), None))
    if labels:
        import dataclasses

        out = [dataclasses.replace(c, label=lab)
               for c, lab in zip(out, _labels([c.representative for c in out]), strict=True)]
    order = {"new": 0, "equivalent": 1, "known": 2}
    out.sort(key=lambda c: (order.get(getattr(c.label, "kind", "new"), 0), -c.size, c.key))
    return out
