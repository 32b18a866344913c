"""Known values of ex(n; {C3, C4}) with sources, gap reports and record flags.

The table ``solvers/data/girth5_extremal.csv`` lists, for ``n = 1..64``, the largest number
of edges of an ``n``-vertex graph with girth >= 5: exact values for ``n <= 53`` (OEIS
A006856; D. K. Garnick, Y. H. H. Kwong, F. Lazebnik, "Extremal graphs without three-cycles
or four-cycles", J. Graph Theory 17 (1993); B. McKay's computations 2022/2023) and best
known lower bounds for ``54 <= n <= 64`` (graphs of Afzaly-McKay; see also Mehrabian et al.,
arXiv:2311.03583, and Goedgebeur et al., arXiv:2508.05562, for larger n).

Examples:
    >>> from solvers.graphs.known import known_value, gap_report
    >>> known_value(10).edges, known_value(50).status
    (15, 'exact')
    >>> gap_report(64, 229)["gap"]
    1
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from engine._args import check_int
from solvers.graphs.forbidden import parse_forbidden

__all__ = ["KnownValue", "known_value", "known_table", "gap_report", "SOURCES"]

SOURCES = {
    "exact": "OEIS A006856 (Garnick-Kwong-Lazebnik 1993; McKay 2022/2023)",
    "lower_bound": "best known lower bound (Afzaly-McKay graphs; Mehrabian et al. 2024)",
}


@dataclass(frozen=True)
class KnownValue:
    """One table row: ``edges`` is exact or a lower bound (``status``), with its source."""

    n: int
    edges: int
    status: str
    source: str

    @property
    def is_exact(self) -> bool:
        return self.status == "exact"


@lru_cache(maxsize=1)
def known_table() -> dict[int, KnownValue]:
    """The whole table, ``{n: KnownValue}`` (read once from the package data)."""
    text = resources.files("solvers").joinpath("data/girth5_extremal.csv").read_text()
    rows = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    out = {}
    for row in csv.DictReader(rows):
        n = int(row["n"])
        status = row["status"].strip()
        out[n] = KnownValue(n, int(row["edges"]), status, SOURCES.get(status, status))
    return out


def known_value(n: int, forbidden: Any = (3, 4)) -> KnownValue | None:
    """The known value for ``n`` vertices (only tabulated for ``forbidden = (3, 4)``)."""
    n = check_int(n, "n", low=0, what="a number of vertices")
    if parse_forbidden(forbidden) != (3, 4):
        return None
    return known_table().get(n)


def gap_report(n: int, edges: int, forbidden: Any = (3, 4)) -> dict[str, Any]:
    """Compare ``edges`` with the table: known value, status, gap, whether it is a record.

    ``is_record`` is true only when ``edges`` exceeds a *lower bound* (beating an exact value
    is impossible and means a bug: ``impossible`` is set instead).
    """
    kv = known_value(n, forbidden)
    edges = check_int(edges, "edges", low=0, what="a number of edges")
    if kv is None:
        return {"known": None, "status": None, "gap": None, "is_record": False,
                "impossible": False, "source": None}
    return {"known": kv.edges, "status": kv.status, "gap": kv.edges - int(edges),
            "is_record": kv.status != "exact" and edges > kv.edges,
            "impossible": kv.status == "exact" and edges > kv.edges, "source": kv.source}
