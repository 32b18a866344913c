"""Trajectory searches in a conservative matrix field: walk every direction of a box, identify
each limit, contract each trajectory to its canonical PCF, label it and rank by delta.

Examples:
    >>> from search.pcf.cmf_search import trajectory_search
    >>> r = trajectory_search("zeta(3)", max_step=1, depth=80)
    >>> [(row["direction"], row["expression"]) for row in r.rows if row["expression"]][:1]
    [([1, 1], '(1 - zeta(3))/zeta(3)')]
    >>> r.is_valid()
    True
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import mpmath

from engine.cmf import CMF, KNOWN_CMFS
from engine.contfrac import format_significant
from engine.errors import EngineError, InvalidInputError, VerificationError
from engine.results import Result

__all__ = ["trajectory_search", "TrajectorySearchResult"]


def _field(field: Any) -> tuple[str, CMF]:
    if isinstance(field, CMF):
        return field.name, field
    if isinstance(field, str) and field in KNOWN_CMFS:
        return field, KNOWN_CMFS[field]()
    raise InvalidInputError(f"field={field!r:.40} must be a CMF or one of {sorted(KNOWN_CMFS)}")


@dataclass(frozen=True)
class TrajectorySearchResult(Result):
    """Rows ``{"start", "direction", "value", "expression", "digits_verified", "identification",
    "pcf", "label", "delta"}`` of :func:`trajectory_search`, ranked identified first, then by
    ``delta`` (descending).

    Attributes:
        field: the known field's name; constant: the constant identified against.
        depth, digits: the walk's steps and the digits of each limit.
        rows: one per trajectory.
    """

    field: str
    constant: str
    depth: int
    digits: int
    rows: list

    def check(self) -> None:
        """Re-walk every identified trajectory and re-verify its identification.

        Raises:
            VerificationError: a limit moved or an identification fails.
        """
        from solvers.constants import IdentifyResult

        if self.field not in KNOWN_CMFS:
            raise VerificationError(f"field {self.field!r} is not a known field")
        f = KNOWN_CMFS[self.field]()
        f.check()
        for row in self.rows:
            if row.get("identification") is None:
                continue
            v = f.limit(tuple(row["start"]), tuple(row["direction"]), self.depth, self.digits + 10)
            with mpmath.workdps(self.digits + 10):
                if abs(v - mpmath.mpf(row["value"])) > mpmath.mpf(10) ** (2 - self.digits) * max(1, abs(v)):
                    raise VerificationError(f"the limit along {row['direction']} is not {row['value'][:20]}")
            IdentifyResult.from_json(row["identification"]).check()

    def to_json(self) -> dict:
        return {"field": self.field, "constant": self.constant, "depth": self.depth,
                "digits": self.digits, "rows": list(self.rows)}

    @classmethod
    def from_json(cls, d: dict) -> TrajectorySearchResult:
        return cls(str(d["field"]), str(d["constant"]), int(d["depth"]), int(d["digits"]),
                   list(d["rows"]))

    @classmethod
    def example(cls) -> TrajectorySearchResult:
        """The zeta(3) field (Elimelech et al. 2024), directions with steps <= 1, depth 80."""
        return trajectory_search("zeta(3)", max_step=1, depth=80)

    @classmethod
    def tampered(cls) -> TrajectorySearchResult:
        import dataclasses

        ex = cls.example()
        rows = [dict(r) for r in ex.rows]
        for r in rows:
            if r.get("identification"):
                r["value"] = "0.5" + r["value"][3:]
                break
        return dataclasses.replace(ex, rows=rows)


def trajectory_search(field: Any, *, max_step: int = 2, starts: Sequence[Sequence[int]] = ((1, 1),),
                      depth: int = 200, digits: int = 30, delta_depth: int = 128
                      ) -> TrajectorySearchResult:
    """Walk every direction ``(dx, dy)`` with ``0 <= dx, dy <= max_step`` (not both 0, primitive)
    from each start; identify the limit against the field's constant, contract the trajectory to
    its canonical PCF (:meth:`engine.contfrac.PCF.canonical`), label it against the known
    formulas and estimate its ``delta``.

    Raises:
        InvalidInputError: an unknown field or bad numbers.
    """
    from engine._args import check_int
    from solvers.constants import identify
    from solvers.pcf_known import label

    name, f = _field(field)
    max_step = check_int(max_step, "max_step", low=1, high=4)
    depth = check_int(depth, "depth", low=8, high=5000)
    digits = check_int(digits, "digits", low=10, high=500)
    delta_depth = check_int(delta_depth, "delta_depth", low=16, high=2048)
    f.check()
    rows = []
    dirs = [(dx, dy) for dx, dy in itertools.product(range(max_step + 1), repeat=2)
            if (dx or dy) and math.gcd(dx, dy) == 1]
    for start in starts:
        try:
            s0 = tuple(int(v) for v in start)
        except (TypeError, ValueError):
            raise InvalidInputError(f"starts must be pairs of integers, not {start!r:.30}") from None
        for d in dirs:
            row: dict[str, Any] = {"start": list(s0), "direction": list(d), "value": None,
                                   "expression": None, "digits_verified": 0,
                                   "identification": None, "pcf": None, "label": None,
                                   "delta": None}
            try:
                v = f.limit(s0, d, depth, digits + 10)
            except EngineError as exc:
                row["error"] = " ".join(str(exc).split())
                rows.append(row)
                continue
            row["value"] = format_significant(v, digits)
            ident = identify(row["value"], digits=digits, constants=[name])
            if ident is not None:
                row.update(expression=str(ident.expression), digits_verified=ident.digits_verified,
                           identification=ident.to_json())
            try:
                pcf = f.to_pcf(s0, d).canonical()
                row["pcf"] = {"a": pcf.a, "b": pcf.b}
                lab = label(pcf)
                row["label"] = {"kind": lab.kind, "formula": lab.formula}
                dl = pcf.delta(delta_depth)
                row["delta"] = round(dl, 6) if math.isfinite(dl) else None
            except EngineError:
                pass
            rows.append(row)
    rows.sort(key=lambda r: (r["identification"] is None,
                             -(r["delta"] if r["delta"] is not None else -math.inf)))
    return TrajectorySearchResult(name, name, depth, digits, rows)
