"""Best known ranks of ``<n,m,p>`` matrix multiplication and structured products, lower bounds.

The table ``solvers/data/known_ranks.csv`` (copied from the project's reference data, with its
source comments) lists, for every format up to 6x6x6 (up to permutation of ``n, m, p``),
the best known rank over characteristic 0 (``Q``), with integer coefficients (``Z``), with
coefficients in {-1, 0, 1} (``ZT``) and over ``F2``. ``F3`` uses the ``Q`` column's integer
schemes as the best known upper bound (a Z scheme is valid over every prime field).

Lower bounds (valid over every field): the flattening bound ``max(nm, mp, np)``,
``R(<2,2,2>) = 7`` (Winograd 1971), ``R(<2,2,3>) = 11`` (Alekseyev 1985),
``R(<3,3,3>) >= 19`` (Blaeser 2003) and ``R(<n,n,n>) >= 5/2 n^2 - 3n`` (Blaeser 1999).
Lower bounds mod 2 (``solvers/data/lower_bounds_mod2.csv``, with their sources: the 2026 bounds
``<3,3,3> >= 21``, ``<2,3,4> = 20``, ``<3,3,4> >= 25``, ``<3,4,4> >= 29``): ``lower_bound(fmt, "F2")``
uses them (:func:`lower_bounds_mod2`). An integer scheme reduces mod 2 to an F2 scheme of no
larger rank, so they would bound Z and ZT schemes too; the table applies them to F2 only, as
they are stated (the 3x3x3 value 21 is cited from the issue, the paper at hand proves 20).

Structured products and other bilinear maps (:mod:`engine.structured`): the table
``solvers/data/structured_ranks.csv`` (:func:`structured_known_ranks`,
:func:`known_structured_rank`), with the source of each rank (Khoruzhii-Gelss-Pokutta,
arXiv:2511.10786, and the references there).

Examples:
    >>> from solvers.known_ranks import known_rank, lower_bound
    >>> known_rank((3, 3, 3), "ZT"), known_rank((4, 4, 4), "F2"), lower_bound((2, 2, 2))
    (23, 47, 7)
"""

from __future__ import annotations

import csv
import numbers
from functools import lru_cache
from importlib import resources

from engine._args import short_repr
from engine.errors import InvalidInputError
from engine.structured import parse_structure
from engine.tensors import parse_format

__all__ = [
    # matrix multiplication
    "known_ranks_table",
    "known_rank",
    "lower_bound",
    "lower_bounds_mod2",
    "KNOWN_RANKS_SOURCES",
    # structured products
    "structured_known_ranks",
    "known_structured_rank",
]

_COLUMNS = ("Q", "Z", "ZT", "F2")


@lru_cache(maxsize=1)
def _load() -> tuple[dict, str]:
    text = resources.files("solvers").joinpath("data/known_ranks.csv").read_text()
    comments = "\n".join(line[1:].strip() for line in text.splitlines() if line.startswith("#"))
    rows = [line for line in text.splitlines() if line and not line.startswith("#")]
    table = {}
    for rec in csv.DictReader(rows):
        key = tuple(sorted((int(rec["n"]), int(rec["m"]), int(rec["p"]))))
        table[key] = {c: int(rec[c]) for c in _COLUMNS}
    return table, comments


def known_ranks_table() -> dict[tuple[int, int, int], dict[str, int]]:
    """The table as ``{(n, m, p) sorted: {"Q": r, "Z": r, "ZT": r, "F2": r}}``.

    Examples:
        >>> from solvers.known_ranks import known_ranks_table
        >>> known_ranks_table()[(2, 2, 2)]["ZT"]
        7
    """
    return dict(_load()[0])


#: The source notes of the table (its comment lines).
KNOWN_RANKS_SOURCES: str = ""


def known_rank(fmt, ring: str = "ZT") -> int | None:
    """Best known rank of the format over ``ring`` (None when beyond the table).

    ``F3`` uses the ``Q`` column (the schemes behind it have small integer or 1/2
    coefficients; treat it as an indication, not a certified F3 record). A format with a
    dimension 1 (a matrix-vector, vector-matrix, inner or outer product) has rank exactly
    ``n*m*p`` over every ring: the standard algorithm, optimal by the flattening bound.

    Raises:
        InvalidInputError: an unknown ring or a bad format.

    Examples:
        >>> from solvers.known_ranks import known_rank
        >>> known_rank("2x3x4", "Z"), known_rank((7, 7, 7), "Z"), known_rank((1, 3, 1), "F2")
        (20, None, 3)
    """
    n, m, p = parse_format(fmt)
    ring = ring.strip().upper() if isinstance(ring, str) else ring
    col = {"ZT": "ZT", "Z": "Z", "Q": "Q", "F2": "F2", "F3": "Q"}.get(ring) if isinstance(ring, str) else None
    if col is None:
        raise InvalidInputError(f"ring={short_repr(ring)} is not supported; use ZT, Z, Q, F2 or F3")
    if 1 in (n, m, p):
        return n * m * p
    row = _load()[0].get(tuple(sorted((n, m, p))))
    return None if row is None else row[col]


#: Rings the bounds mod 2 are applied to (as stated: F2; see the module docstring for Z and ZT).
_MOD2_RINGS = ("F2",)


@lru_cache(maxsize=1)
def _load_mod2() -> dict[tuple[int, int, int], tuple[int, str]]:
    text = resources.files("solvers").joinpath("data/lower_bounds_mod2.csv").read_text()
    rows = [line for line in text.splitlines() if line and not line.startswith("#")]
    out = {}
    for rec in csv.DictReader(rows):
        key = tuple(sorted((int(rec["n"]), int(rec["m"]), int(rec["p"]))))
        out[key] = (int(rec["bound"]), rec["source"])
    return out


def lower_bounds_mod2() -> dict[tuple[int, int, int], dict]:
    """The proved lower bounds mod 2 as ``{(n, m, p) sorted: {"bound": r, "source": text}}``.

    Examples:
        >>> from solvers.known_ranks import lower_bounds_mod2
        >>> lower_bounds_mod2()[(3, 3, 3)]["bound"], "arXiv:2603.07280" in lower_bounds_mod2()[(3, 3, 4)]["source"]
        (21, True)
    """
    return {k: {"bound": b, "source": src} for k, (b, src) in _load_mod2().items()}


def lower_bound(fmt, ring: str | None = None) -> int:
    """A proved lower bound for the rank of ``<n,m,p>`` over any field, or over ``ring``.

    With ``ring="F2"`` the bounds mod 2 (:func:`lower_bounds_mod2`) count too; ``None`` and the
    other rings get the bounds valid over every field.

    Raises:
        InvalidInputError: a bad format or an unknown ring.

    Examples:
        >>> from solvers.known_ranks import lower_bound
        >>> lower_bound((3, 3, 3)), lower_bound((2, 3, 4))
        (19, 12)
        >>> lower_bound((3, 3, 3), "F2"), lower_bound((3, 3, 3), "ZT"), lower_bound((3, 3, 3), "Q")
        (21, 19, 19)
    """
    n, m, p = parse_format(fmt)
    if ring is not None:
        key_ring = ring.strip().upper() if isinstance(ring, str) else ring
        if key_ring not in ("ZT", "Z", "Q", "F2", "F3"):
            raise InvalidInputError(f"ring={short_repr(ring)} is not supported; use ZT, Z, Q, F2 or F3 (or None)")
        general = lower_bound((n, m, p))
        if key_ring in _MOD2_RINGS:
            mod2 = _load_mod2().get(tuple(sorted((n, m, p))))
            if mod2 is not None:
                return max(general, mod2[0])
        return general
    key = tuple(sorted((n, m, p)))
    lb = max(n * m, m * p, n * p)
    if 1 in key:  # <1,m,p> etc.: the rank equals the number of entries of the product
        a, b, c = key
        lb = max(lb, a * b * c)
    if key == (2, 2, 2):
        lb = max(lb, 7)
    if key == (2, 2, 3):
        lb = max(lb, 11)
    if key == (3, 3, 3):
        lb = max(lb, 19)
    if n == m == p:
        lb = max(lb, (5 * n * n + 1) // 2 - 3 * n)  # ceil(2.5 n^2 - 3n), exact for every n
    return lb


KNOWN_RANKS_SOURCES = _load()[1]


# ----------------------------------------------------------------------------- structured products
def structured_known_ranks() -> list[dict]:
    """Rows of ``solvers/data/structured_ranks.csv`` (structure, n, ring, rank, source, note).

    Examples:
        >>> from solvers.known_ranks import structured_known_ranks
        >>> any(r["structure"] == "kg" and r["n"] == 3 and r["rank"] == 14 for r in structured_known_ranks())
        True
    """
    text = resources.files("solvers").joinpath("data/structured_ranks.csv").read_text()
    rows = []
    for row in csv.DictReader(line for line in text.splitlines() if line and not line.startswith("#")):
        rows.append(
            {
                "structure": row["structure"],
                "n": int(row["n"]),
                "ring": row["ring"],
                "rank": int(row["rank"]),
                "kind": row["kind"],
                "source": row["source"],
                "note": row.get("note", ""),
            }
        )
    return rows


def known_structured_rank(structure: str, n: int, ring: str = "Q") -> int | None:
    """Best known rank of a structured format over ``ring`` (None when not tabulated).

    A scheme over Z is valid over Q and mod p, so the Q bound uses Z/Q rows and the F2/F3
    bounds use every row valid there (Z rows, and Q rows whose denominators are prime to p:
    the table's Q rows need only 1/2, so they count for F3).

    Raises:
        InvalidInputError: unknown structure or ring.

    Examples:
        >>> from solvers.known_ranks import known_structured_rank
        >>> known_structured_rank("ss", 2, "Q"), known_structured_rank("ss", 2, "Z")
        (5, 6)
    """
    code = parse_structure(structure)
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise InvalidInputError(f"n={short_repr(n)} must be a positive integer (the block size)")
    if not isinstance(ring, str) or ring not in ("Z", "Q", "F2", "F3", "ZT"):
        raise InvalidInputError(f"ring={short_repr(ring)} must be one of Z, Q, F2, F3, ZT")
    ok = {
        "ZT": {"ZT"},
        "Z": {"ZT", "Z"},
        "Q": {"ZT", "Z", "Q"},
        "F2": {"ZT", "Z", "F2"},
        "F3": {"ZT", "Z", "Q", "F3"},
    }[ring]
    vals = [r["rank"] for r in structured_known_ranks() if r["structure"] == code and r["n"] == int(n) and r["ring"] in ok]
    return min(vals) if vals else None
