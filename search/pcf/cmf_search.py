"""Trajectory searches in a conservative matrix field: walk every direction of a box, identify
each limit, contract each trajectory to its canonical PCF, label it and rank by delta.

The fields are the known two-variable ones (``e``, ``pi``, ``zeta(3)``) and the hypergeometric
fields ``pFq`` (:func:`engine.cmf.hypergeometric_pfq_field`, named ``"3F2"`` and so on, at a
rational ``z``) in their ``p + q`` parameters.

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
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any

import mpmath

from engine.cmf import CMF, KNOWN_CMFS, DivergentSeriesWarning, MatrixField
from engine.contfrac import format_significant
from engine.errors import EngineError, InvalidInputError, VerificationError
from engine.results import Result

__all__ = ["trajectory_search", "TrajectorySearchResult", "pfq_default_start"]

_PFQ = re.compile(r"([0-9])F([0-9])")


def pfq_default_start(p: int, q: int) -> tuple[int, ...]:
    """``a_i = 1``, ``b_j = j + 2``: every series converges there at ``z = 1`` and the steps of
    the ``b`` (upward) directions meet no pole.

    Examples:
        >>> from search.pcf.cmf_search import pfq_default_start
        >>> pfq_default_start(3, 2)
        (1, 1, 1, 2, 3)
    """
    return (1,) * p + tuple(j + 2 for j in range(q))


def _field(field: Any, z: Any = None) -> tuple[str, CMF | MatrixField]:
    from engine.cmf import hypergeometric_pfq_field

    if isinstance(field, CMF):
        return field.name, field
    if isinstance(field, str) and field in KNOWN_CMFS:
        if z is not None:
            raise InvalidInputError(f"z={z!r:.20} applies to the pFq fields, not to {field}")
        return field, KNOWN_CMFS[field]()
    if isinstance(field, str) and _PFQ.fullmatch(field.strip()):
        m = _PFQ.fullmatch(field.strip())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DivergentSeriesWarning)
            return field.strip(), hypergeometric_pfq_field(int(m[1]), int(m[2]),
                                                           "1/2" if z is None else z)
    raise InvalidInputError(f"field={field!r:.40} must be a CMF, one of {sorted(KNOWN_CMFS)} "
                            "or a hypergeometric field such as '3F2'")


@dataclass(frozen=True)
class TrajectorySearchResult(Result):
    """Rows ``{"start", "direction", "value", "expression", "digits_verified", "identification",
    "pcf", "label", "delta"}`` of :func:`trajectory_search`, ranked identified first, then by
    ``delta`` (descending).

    Attributes:
        field: the known field's name (``"zeta(3)"``, or ``"3F2"`` with ``z``); constant: the
            constants identified against (comma-separated).
        depth, digits: the walk's steps and the digits of each limit.
        rows: one per trajectory.
        z: the argument of a pFq field (None for the known fields).
    """

    field: str
    constant: str
    depth: int
    digits: int
    rows: list
    z: str | None = None

    def check(self) -> None:
        """Re-walk every identified trajectory and re-verify its identification.

        Raises:
            VerificationError: a limit moved or an identification fails.
        """
        from solvers.constants import IdentifyResult

        try:
            _, f = _field(self.field, self.z)
        except InvalidInputError:
            raise VerificationError(f"field {self.field!r} is not a known field") from None
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
                "digits": self.digits, "rows": list(self.rows), "z": self.z}

    @classmethod
    def from_json(cls, d: dict) -> TrajectorySearchResult:
        z = d.get("z")
        return cls(str(d["field"]), str(d["constant"]), int(d["depth"]), int(d["digits"]),
                   list(d["rows"]), None if z is None else str(z))

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


def trajectory_search(field: Any, *, max_step: int = 2, starts: Sequence[Sequence[Any]] | None = None,
                      depth: int = 200, digits: int = 30, delta_depth: int = 128,
                      z: Any = None, constants: Sequence[str] | None = None
                      ) -> TrajectorySearchResult:
    """Walk every primitive direction with steps ``0..max_step`` in each variable (not all 0)
    from each start; identify the limit against the field's constant (or ``constants``),
    contract each 2x2 trajectory to its canonical PCF (:meth:`engine.contfrac.PCF.canonical`),
    label it against the known formulas and estimate its ``delta``.

    Args:
        field: ``"e"``, ``"pi"``, ``"zeta(3)"``, a :class:`~engine.cmf.CMF`, or ``"pFq"`` (e.g.
            ``"3F2"``) with ``z``.
        max_step: largest step per variable (1 to 4; 1 to 2 for fields in more than 2
            variables).
        starts: lattice points (default ``(1, 1)``; pFq: :func:`pfq_default_start`); pFq starts
            may be rational (``"1/2"``).
        z: the pFq field's argument (default ``1/2``).
        constants: constants to identify with (default: the known field's constant; pFq:
            ``zeta(2), zeta(3), catalan`` at ``z = 1``, else ``pi, log(2)``).

    Raises:
        InvalidInputError: an unknown field or bad numbers.

    Examples:
        >>> from search.pcf.cmf_search import trajectory_search
        >>> r = trajectory_search("3F2", z=1, max_step=1, depth=120, constants=["zeta(2)"])
        >>> any(row["expression"] and "pi" in row["expression"] for row in r.rows)
        True
    """
    from engine._args import check_int
    from solvers.constants import identify
    from solvers.pcf_known import label

    name, f = _field(field, z)
    dim = 2 if isinstance(f, CMF) else f.dimension
    max_step = check_int(max_step, "max_step", low=1, high=4 if dim == 2 else 2)
    depth = check_int(depth, "depth", low=8, high=5000)
    digits = check_int(digits, "digits", low=10, high=500)
    delta_depth = check_int(delta_depth, "delta_depth", low=16, high=2048)
    pfq = _PFQ.fullmatch(name) if isinstance(f, MatrixField) else None
    if constants is None:
        consts = ([name] if pfq is None else
                  ["zeta(2)", "zeta(3)", "catalan"] if f.name.endswith(";1)") else ["pi", "log(2)"])
    else:
        consts = [str(c).strip() for c in constants if str(c).strip()]
        if not consts:
            raise InvalidInputError("constants must name at least one constant")
    if starts is None:
        starts = [pfq_default_start(int(pfq[1]), int(pfq[2]))] if pfq else [(1, 1)]
    f.check()
    rows = []
    dirs = [d for d in itertools.product(range(max_step + 1), repeat=dim)
            if any(d) and reduce(math.gcd, d) == 1]
    for start in starts:
        try:
            s0 = tuple(int(v) for v in start) if isinstance(f, CMF) else f._start(start)
        except (TypeError, ValueError):
            raise InvalidInputError(f"starts must be pairs of integers, not {start!r:.30}") from None
        if len(s0) != dim:
            raise InvalidInputError(f"starts must have {dim} coordinates, not {start!r:.30}")
        s_json = [v if isinstance(v, int) else str(v) for v in s0]
        for d in dirs:
            row: dict[str, Any] = {"start": s_json, "direction": list(d), "value": None,
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
            ident = identify(row["value"], digits=digits, constants=consts)
            if ident is not None and pfq is not None and ident.expression.is_Rational:
                row["rational"] = str(ident.expression)       # a degenerate (rational) limit
                ident = None
            if ident is not None:
                row.update(expression=str(ident.expression), digits_verified=ident.digits_verified,
                           identification=ident.to_json())
            try:
                if isinstance(f, MatrixField) and f.size != 2:
                    raise InvalidInputError("no PCF for a field larger than 2x2")
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
    zs = None if pfq is None else str(f.name.rsplit(";", 1)[1].rstrip(")"))
    return TrajectorySearchResult(name, ",".join(consts), depth, digits, rows, zs)
