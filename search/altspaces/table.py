"""The small-case table of ``a_F(n, r)``: every ``n <= 7``, even ``r <= n``, eight fields.

``a_F(n, r)`` is the greatest dimension of an affine space of ``n x n`` alternating matrices over
``F`` whose every point has rank ``r``. For each ``(n, r, F)`` with ``F`` in
``Q, F2, F3, F4, F5, F7, F8, F9`` the table gives either the value (proved: lower bound =
upper bound) or the best bounds, and always the space that attains the lower bound.

Lower bounds (each space verified exactly: :meth:`AffineAlternatingSpace.constant_rank`,
exhaustive over F_q when small, else the symbolic Pfaffian-minor certificate):

- ``"formula"``: :func:`~solvers.constant_rank.extremal_space`, dimension ``s(n-s-1)``
  (``s(s+1)`` for ``n = r+1``), over every field;
- ``"frobenius"``: :func:`~solvers.constant_rank.frobenius_space` for ``n = r+2`` and
  ``q <= r/2+1``, one more (the generalised Frobenius construction, proof in its docstring);
- ``"stored search"``: the best family of our searches (``solvers/data/altspaces_best.json``);
- ``"exact"``: the branch and bound (:func:`~solvers.constant_rank.optimality.exact_max_dimension`).

Upper bounds (each re-derived by :meth:`TableEntry.check`):

- ``"theorem"``: a covered case of :func:`~solvers.constant_rank.constant_rank_theory`
  (Rubei, Theorem 6; de Seguins Pazzis 2023; elementary cases);
- ``"exact"``: the exhaustive branch and bound over all of ``A_n(F_q)``, reduced by congruence
  (the base point is ``J_r (+) 0``), run when ``q^{n(n-1)/2} <= exact_limit``, or its stored
  result;
- ``"deletion"``: for ``r < n``, congruence moves a kernel vector of the base point to
  ``e_0``; the directions with zero first row and column (codimension ``<= n - 1``: ``l e_0``
  has first coordinate 0) keep the first row zero, and deleting it gives a constant-rank-``r``
  space in ``A_{n-1}``: ``a(n, r) <= a(n - 1, r) + n - 1``. For ``r = n`` the directions with
  ``l e_0 = 0`` keep ``M e_0`` fixed, and deleting row and column 0 leaves an odd-size matrix of
  rank exactly ``n - 2`` (at most ``n - 2``, and a deletion drops the rank by at most 2), on an
  injective image: ``a(n, n) <= a(n - 1, n - 2) + n - 1``. The smaller case's best bound is used;
- ``"incidence"``: double counting of (point, kernel line) pairs for ``r < n``,
  ``a(n, r) <= a(n-1, r) + e`` with ``q^e (q^{n-r} - 1) <= q^n - 1``, and of (point, hyperplane)
  pairs with the radical line of the restriction for ``r = n``,
  ``a(n, n) <= a(n-1, n-2) + n - 2`` (proofs in :mod:`solvers.constant_rank.bounds`);
- ``"counting"``: the ``(q - 1) q^d`` points ``c x`` (``c != 0``, ``x`` in the space) are
  distinct rank-``r`` matrices, so ``(q - 1) q^d <= N_q(n, r)``, the number of alternating ``n x n`` matrices of rank ``r`` over
  ``F_q`` (MacWilliams 1969, :func:`count_rank_matrices`).

The computation is a deterministic enumeration on the search runner
(:class:`SmallCaseTableSpec`, ``collect="all"``): entries are committed to the results store,
checkpointed, and a killed run resumes where it stopped (:func:`compute_table`). Exports:
:func:`table_to_latex`, :func:`table_to_csv`, :func:`table_to_sage` (a Sage script that rebuilds
every space and checks its rank at every point, or at random points when there are many).

References:
    F. J. MacWilliams, "Orthogonal matrices over finite fields", Amer. Math. Monthly 76 (1969)
    152-164 (the number of alternating matrices of given rank); E. Rubei, arXiv:2209.07633;
    C. de Seguins Pazzis, arXiv:2307.10347.

Examples:
    >>> from search.altspaces.table import compute_entry
    >>> e = compute_entry(4, 2, 2)
    >>> (e.lower, e.upper, e.proved, e.beats_formula)
    (3, 3, True, True)
"""

from __future__ import annotations

import csv
import dataclasses
import io
import time
from dataclasses import dataclass
from typing import Any

from engine._args import check_int, short_repr
from engine.alternating import _is_fq, parse_field
from engine.alternating_fields import MODULI
from engine.errors import InvalidInputError, VerificationError
from engine.results import Result
from search.runner import Exhausted, SearchSpec, run_search
from solvers.constant_rank import (
    AffineAlternatingSpace,
    best_found,
    constant_rank_theory,
    extremal_space,
    formula_dimension,
    frobenius_space,
)
from solvers.constant_rank.bounds import (
    EXACT_LIMIT,
    UPPER_METHODS,
    best_upper_bound,
    count_rank_matrices,
    upper_bound_by,
)
from solvers.constant_rank.bounds import counting_bound as _counting_bound  # noqa: F401
from solvers.constant_rank.optimality import exact_max_dimension

__all__ = [
    "TableEntry",
    "SmallCaseTableSpec",
    "compute_entry",
    "compute_table",
    "count_rank_matrices",
    "table_cases",
    "table_to_latex",
    "table_to_csv",
    "table_to_sage",
    "format_small_table",
    "TABLE_FIELDS",
    "EXACT_LIMIT",
    "UPPER_METHODS",
]

#: The fields of the table, in its order.
TABLE_FIELDS: tuple = ("Q", 2, 3, 4, 5, 7, 8, 9)
#: Largest number of points scanned exhaustively when verifying a space.
VERIFY_POINTS = 2 * 10**5


def _fname(f: Any) -> str:
    return "Q" if f == "Q" else f"F{f}"


@dataclass(frozen=True)
class TableEntry(Result):
    """One entry of the small-case table.

    Attributes:
        n, r, field: the case (``field`` is ``"Q"`` or ``q``).
        lower: the dimension of the verified space :attr:`space`.
        upper: the best proved upper bound (``None``: none known).
        proved: ``lower == upper`` (the value ``a_F(n, r)`` is determined).
        formula: the generic value ``s(n-s-1)`` (``s(s+1)`` for ``n = r+1``).
        lower_method: ``"formula"``, ``"frobenius"``, ``"stored search"`` or ``"exact"``.
        upper_method: ``"theorem"``, ``"exact"``, ``"deletion"``, ``"incidence"``, ``"counting"``
            or ``None``.
        upper_detail: the theorem cited, or the computation behind the bound.
        certificate: the kind of constant-rank certificate of :attr:`space`.
        space: the space attaining ``lower`` (an :class:`AffineAlternatingSpace`).
        elapsed: seconds spent on the entry.
    """

    n: int
    r: int
    field: str | int
    lower: int
    upper: int | None
    proved: bool
    formula: int
    lower_method: str
    upper_method: str | None
    upper_detail: str
    certificate: str
    space: AffineAlternatingSpace
    elapsed: float = 0.0

    @property
    def beats_formula(self) -> bool:
        """The verified space is larger than the generic formula."""
        return self.lower > self.formula

    @property
    def key(self) -> str:
        """``"F4:6:4"``: the entry's key in the store and the checkpoint."""
        return f"{_fname(self.field)}:{self.n}:{self.r}"

    def to_json(self) -> dict:
        """JSON-ready dict (the space in the format of ``disco alt check``)."""
        return {"n": self.n, "r": self.r, "field": self.field, "lower": self.lower, "upper": self.upper,
                "proved": self.proved, "formula": self.formula, "lower_method": self.lower_method,
                "upper_method": self.upper_method, "upper_detail": self.upper_detail,
                "certificate": self.certificate, "beats_formula": self.beats_formula,
                "space": self.space.to_json(), "elapsed": self.elapsed}

    @classmethod
    def from_json(cls, d: dict) -> TableEntry:
        """Rebuild from :meth:`to_json`."""
        f = d["field"]
        return cls(int(d["n"]), int(d["r"]), f if f == "Q" else int(f), int(d["lower"]),
                   None if d.get("upper") is None else int(d["upper"]), bool(d["proved"]), int(d["formula"]),
                   str(d["lower_method"]), d.get("upper_method"), str(d.get("upper_detail", "")),
                   str(d.get("certificate", "")), AffineAlternatingSpace.from_json(d["space"]),
                   float(d.get("elapsed", 0.0)))

    def check(self, *, exact_limit: int = EXACT_LIMIT) -> None:
        """Re-verify the entry exactly from its own data.

        The space is ``n x n`` over the field, of dimension ``lower``, and of constant rank
        ``r`` (decided again); the upper bound is derived again by its method (the theorem's
        answer recomputed; the branch and bound run again; ``N_q(n, r)`` recomputed);
        ``proved`` and ``formula`` are recomputed.

        Raises:
            VerificationError: naming what fails.
        """
        sp = self.space
        if (sp.n, sp.field, sp.dimension) != (self.n, self.field, self.lower):
            raise VerificationError(
                f"the space is {sp.n}x{sp.n} over {_fname(sp.field)} of dimension {sp.dimension}, not "
                f"{self.n}x{self.n} over {_fname(self.field)} of dimension {self.lower}")
        if self.formula != formula_dimension(self.n, self.r):
            raise VerificationError(f"formula={self.formula}, but s(n-s-1) gives {formula_dimension(self.n, self.r)}")
        res = _decide(sp, self.r)
        if res is None:
            raise VerificationError(f"the space is not (provably) of constant rank {self.r}")
        if self.proved != (self.upper is not None and self.lower == self.upper):
            raise VerificationError(f"proved={self.proved} but lower={self.lower}, upper={self.upper}")
        if self.upper is None:
            return
        if self.upper < self.lower:
            raise VerificationError(f"upper={self.upper} is below the verified lower bound {self.lower}")
        got = _upper_by(self.upper_method, self.n, self.r, self.field, exact_limit)
        if got is None or got[0] != self.upper:
            raise VerificationError(
                f"the {self.upper_method} bound is {None if got is None else got[0]}, not {self.upper}")

    @classmethod
    def example(cls) -> TableEntry:
        """``a_{F2}(4, 2) = 3`` (exhaustive branch and bound; beats the formula 2)."""
        return compute_entry(4, 2, 2)

    @classmethod
    def tampered(cls) -> TableEntry:
        """:meth:`example` claiming the upper bound 4."""
        return dataclasses.replace(cls.example(), upper=4, proved=False)


def _decide(sp: AffineAlternatingSpace, r: int):
    """The constant-rank result of ``sp`` when it proves rank ``r`` everywhere, else None."""
    res = sp.constant_rank(max_points=VERIFY_POINTS)
    if res.status == "unknown" and sp.field != "Q":
        res = sp.constant_rank(method="symbolic")
    return res if res.status == "constant" and res.rank == r else None


def _upper_by(method: str | None, n: int, r: int, f: Any, exact_limit: int) -> tuple[int, str] | None:
    """The upper bound that ``method`` gives for ``(n, r, F)`` (None: not applicable); the
    proofs live in :mod:`solvers.constant_rank.bounds`."""
    if method not in UPPER_METHODS:
        return None
    return upper_bound_by(method, n, r, f, exact_limit)


def _best_upper(n: int, r: int, f: Any, exact_limit: int) -> tuple[int, str, str] | None:
    """``(bound, method, detail)``: the smallest upper bound of :data:`UPPER_METHODS`."""
    return best_upper_bound(n, r, f, exact_limit)


def compute_entry(n: int, r: int, field: Any, *, exact_limit: int = EXACT_LIMIT) -> TableEntry:
    """Compute one entry: the largest verified space and the best proved upper bound.

    Raises:
        InvalidInputError: ``r`` odd or ``> n``, a bad field.
    """
    t0 = time.perf_counter()
    n = check_int(n, "n", low=1, high=12)
    r = check_int(r, "r", low=0, high=n)
    if r % 2:
        raise InvalidInputError(f"r={r} must be even (alternating matrices have even rank)")
    f = parse_field(field)
    exact_limit = check_int(exact_limit, "exact_limit", low=0, high=1 << 14)
    formula = formula_dimension(n, r)
    s = r // 2
    # candidate spaces, largest first
    cands: list[tuple[int, str, Any]] = [(formula, "formula", lambda: extremal_space(n, r, f))]
    if f != "Q":
        q = int(f)
        if n == r + 2 and r >= 2 and q <= s + 1:
            cands.append((formula + 1, "frobenius", lambda: frobenius_space(r, q)))
        bf = best_found(n, r, q) if not _is_fq(q) else None
        if bf is not None and int(bf["dimension"]) > formula:
            cands.append((int(bf["dimension"]), "stored search", lambda: AffineAlternatingSpace.from_json(bf["space"])))
    exact = None
    covered = constant_rank_theory(n, r, f).covered  # then the formula space is extremal
    if not covered and f != "Q" and r >= 2 and int(f) ** (n * (n - 1) // 2) <= exact_limit:
        exact = exact_max_dimension(n, r, int(f), max_elements=max(exact_limit, 1))
        cands.append((exact.dimension, "exact", lambda: exact.space))
    cands.sort(key=lambda c: -c[0])
    space = method = cert = None
    for _dim, meth, build in cands:
        sp = build()
        res = _decide(sp, r)
        if res is not None:
            space, method, cert = sp, meth, str(res.certificate.get("kind"))
            break
    if space is None:  # pragma: no cover - the formula space is always of constant rank r
        raise VerificationError(f"no candidate space for ({n}, {r}) over {_fname(f)} verified")
    # upper bounds: the smallest that applies
    upper = _best_upper(n, r, f, exact_limit)  # the smallest bound; on ties in UPPER_METHODS order
    lower = space.dimension
    return TableEntry(n, r, f, lower, None if upper is None else upper[0],
                      upper is not None and upper[0] == lower, formula, method,
                      None if upper is None else upper[1], "" if upper is None else upper[2], cert, space,
                      round(time.perf_counter() - t0, 3))


def table_cases(fields: Any = TABLE_FIELDS, max_n: int = 7, stored: bool = False) -> list[tuple[Any, int, int]]:
    """``(field, n, r)`` for every field, ``1 <= n <= max_n``, even ``0 <= r <= n``, sorted
    in the table's order (fields as in :data:`TABLE_FIELDS`, then ``n``, then ``r``); with
    ``stored``, also the larger cases (``n <= 12``) stored by the searches for these fields.

    Raises:
        InvalidInputError: a bad field or ``max_n``.
    """
    max_n = check_int(max_n, "max_n", low=1, high=10)
    if isinstance(fields, str | bytes) or not isinstance(fields, list | tuple):
        raise InvalidInputError(f"fields={short_repr(fields)} must be a list of fields (Q, 2, 3, 4, ...)")
    fs = []
    for x in fields:
        f = parse_field(x, "fields")
        if f not in fs:
            fs.append(f)
    order = {f: i for i, f in enumerate(TABLE_FIELDS)}
    fs.sort(key=lambda f: (order.get(f, len(order)), 0 if f == "Q" else int(f)))
    out = [(f, n, r) for f in fs for n in range(1, max_n + 1) for r in range(0, n + 1, 2)]
    if stored:
        from solvers.constant_rank.theory import _best_table

        table = _best_table()
        for f in fs:
            for key in table.get(_fname(f), {}) if f != "Q" else ():
                n, r = (int(x) for x in key.split(","))
                if max_n < n <= 12 and (f, n, r) not in out:
                    out.append((f, n, r))
    return sorted(out, key=lambda c: (order.get(c[0], len(order)), 0 if c[0] == "Q" else int(c[0]), c[1], c[2]))


# --------------------------------------------------------------------------- on the runner
def table_step(state: dict, budget: Any) -> tuple:
    """Walker step: compute the next entries of this walker's share of the cases."""
    cases, pos = state["cases"], state["pos"]
    steps = max(1, int(getattr(budget, "steps", None) or 1))
    found = []
    used = 0
    while used < steps and pos < len(cases):
        f, n, r = cases[pos]
        found.append(compute_entry(n, r, f, exact_limit=state["exact_limit"]).to_json())
        pos += 1
        used += 1
    new = {**state, "pos": pos}
    return (Exhausted(new) if pos >= len(cases) else new), found, used


class SmallCaseTableSpec(SearchSpec):
    """The table as a deterministic enumeration on the runner: walker ``i`` computes the cases
    ``i, i + W, i + 2W, ...``; every entry is a hit (``collect="all"``), verified by
    :meth:`TableEntry.check` and committed to the store before it is reported."""

    kind = "altspaces.table"
    domain = "altspaces"
    verification_method = "constant-rank decision + upper-bound recomputation"
    chunk_steps = 1
    collect = "all"

    def __init__(self, fields: Any = TABLE_FIELDS, max_n: int = 7, walkers: int = 1,
                 exact_limit: int = EXACT_LIMIT, stored: bool = False) -> None:
        self.cases = [(f, n, r) for f, n, r in table_cases(fields, max_n, stored=bool(stored))]
        self.stored = bool(stored)
        self.fields = sorted({str(f) for f, _, _ in self.cases})
        self.max_n = max_n
        self.walkers = check_int(walkers, "walkers", low=1, high=64)
        self.exact_limit = check_int(exact_limit, "exact_limit", low=0, high=1 << 14)

    step = staticmethod(table_step)

    def params(self) -> dict[str, Any]:
        return {"fields": self.fields, "max_n": self.max_n, "walkers": self.walkers,
                "exact_limit": self.exact_limit, "stored": self.stored}

    def initial_states(self, seed: int) -> list[Any]:
        return [{"cases": [list(c) for c in self.cases[i::self.walkers]], "pos": 0, "exact_limit": self.exact_limit}
                for i in range(self.walkers)]

    def decode(self, raw: Any) -> TableEntry:
        return TableEntry.from_json(raw)

    def score(self, c: TableEntry) -> float:
        return float(c.lower)

    def verify(self, c: TableEntry) -> bool:
        return c.is_valid()

    def key(self, c: TableEntry) -> str:
        return c.key

    def to_json(self, c: TableEntry) -> dict:
        return c.to_json()

    def from_json(self, payload: Any) -> TableEntry:
        return TableEntry.from_json(payload)

    def describe(self, c: TableEntry) -> str:
        return f"{c.key}: {c.lower}" + ("" if c.proved else f"..{c.upper}")


def compute_table(fields: Any = TABLE_FIELDS, max_n: int = 7, *, workers: int = 1,
                  checkpoint: Any = None, resume: bool = False, force: bool = False,
                  store: Any = None, progress: bool | None = False, time_limit: float | None = None,
                  exact_limit: int = EXACT_LIMIT, seed: int = 0, stored: bool = False,
                  checkpoint_every: float = 30.0) -> tuple[list[TableEntry], Any]:
    """Compute the table on the runner (checkpoint, resume, store); return the sorted entries
    and the :class:`~search.runner.RunOutcome`.

    Raises:
        InvalidInputError: bad fields, ``max_n``, ``workers``, or runner arguments.
    """
    from search.core import Budget

    workers = check_int(workers, "workers", low=1, high=64)
    spec = SmallCaseTableSpec(fields, max_n, walkers=workers, exact_limit=exact_limit, stored=stored)
    budget = Budget(time_limit=time_limit) if time_limit is not None else None
    out = run_search(spec, budget, seed=seed, workers=workers,
                     backend="serial" if workers == 1 else "process", checkpoint=checkpoint,
                     resume=resume, force=force, store=store, progress=progress,
                     checkpoint_every=checkpoint_every)
    order = {(str(f), n, r): i for i, (f, n, r) in enumerate(spec.cases)}
    entries = sorted(out.hits, key=lambda e: order.get((str(e.field), e.n, e.r), 1 << 30))
    return entries, out


# --------------------------------------------------------------------------- exports
def _entries(entries: Any) -> list[TableEntry]:
    if isinstance(entries, str | bytes | dict) or not isinstance(entries, list | tuple):
        raise InvalidInputError(f"entries={short_repr(entries)} must be a list of TableEntry (from compute_table)")
    for i, e in enumerate(entries):
        if not isinstance(e, TableEntry):
            raise InvalidInputError(f"entries[{i}]={short_repr(e)} is not a TableEntry (from compute_table)")
    return list(entries)


def _cell(e: TableEntry) -> str:
    if e.proved:
        return str(e.lower)
    return f"{e.lower}..{e.upper if e.upper is not None else '?'}"


def format_small_table(entries: list[TableEntry]) -> str:
    """Plain-text table: one row per ``(n, r)``, one column per field; proved values as a
    number, bounds as ``lower..upper``; ``*`` marks values above the generic formula."""
    entries = _entries(entries)
    fields = []
    for e in entries:
        if e.field not in fields:
            fields.append(e.field)
    cases = sorted({(e.n, e.r) for e in entries})
    by = {(e.field, e.n, e.r): e for e in entries}
    head = f"{'n':>2} {'r':>2} {'formula':>7} | " + " ".join(f"{_fname(f):>8}" for f in fields)
    lines = [head, "-" * len(head)]
    for n, r in cases:
        cells = []
        for f in fields:
            e = by.get((f, n, r))
            cells.append(f"{'-' if e is None else _cell(e) + ('*' if e.beats_formula else ''):>8}")
        lines.append(f"{n:>2} {r:>2} {formula_dimension(n, r):>7} | " + " ".join(cells))
    lines.append("value: proved a_F(n, r); lo..up: bounds (lo attained by a verified space); "
                 "*: above the generic formula")
    return "\n".join(lines)


def table_to_csv(entries: list[TableEntry]) -> str:
    """CSV with one line per entry."""
    entries = _entries(entries)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["field", "n", "r", "formula", "lower", "upper", "proved", "beats_formula",
                "lower_method", "upper_method", "certificate", "upper_detail"])
    for e in entries:
        w.writerow([_fname(e.field), e.n, e.r, e.formula, e.lower, "" if e.upper is None else e.upper,
                    e.proved, e.beats_formula, e.lower_method, e.upper_method or "", e.certificate, e.upper_detail])
    return buf.getvalue()


def table_to_latex(entries: list[TableEntry]) -> str:
    """A LaTeX ``tabular``: rows ``(n, r)``, columns the fields; bold values beat the formula,
    ``[lo, up]`` are bounds."""
    entries = _entries(entries)
    fields = []
    for e in entries:
        if e.field not in fields:
            fields.append(e.field)
    cases = sorted({(e.n, e.r) for e in entries})
    by = {(e.field, e.n, e.r): e for e in entries}

    def cell(e: TableEntry | None) -> str:
        if e is None:
            return "--"
        txt = str(e.lower) if e.proved else f"[{e.lower}, {e.upper if e.upper is not None else '?'}]"
        return f"\\textbf{{{txt}}}" if e.beats_formula else txt

    cols = " ".join(("$\\mathbb{Q}$" if f == "Q" else f"$\\mathbb{{F}}_{{{f}}}$") for f in fields)
    out = ["% a_F(n, r): proved values; [lo, up]: bounds; bold: above the formula s(n-s-1)",
           "\\begin{tabular}{rr|r|" + "r" * len(fields) + "}",
           "$n$ & $r$ & formula & " + " & ".join(cols.split(" ")) + " \\\\ \\hline"]
    for n, r in cases:
        out.append(f"{n} & {r} & {formula_dimension(n, r)} & " + " & ".join(cell(by.get((f, n, r))) for f in fields) + " \\\\")
    out.append("\\end{tabular}")
    return "\n".join(out) + "\n"


def table_to_sage(entries: list[TableEntry]) -> str:
    """A Sage script that rebuilds every space over ``QQ`` or ``GF(q)`` (the modulus of
    :mod:`engine.alternating_fields`; element ``k`` is ``sum_i d_i g^i`` for the base-``p``
    digits ``d_i`` of ``k``) and checks the rank at every point (random points when there are
    more than 4096, and over Q)."""
    entries = _entries(entries)
    lines = [
        "# Generated by disco (search.altspaces.table): rebuild each extremal space and check its rank.",
        "def field_of(f):",
        "    if f == 'Q':",
        "        return QQ, None",
        "    moduli = " + repr({q: list(m) for q, m in MODULI.items()}),
        "    if f in moduli:",
        "        p = {4: 2, 8: 2, 9: 3}[f]",
        "        R = PolynomialRing(GF(p), 'x')",
        "        F = GF(f, 'g', modulus=R(moduli[f]))",
        "        g = F.gen()",
        "        conv = lambda k: sum(((k // p**i) % p) * g**i for i in range(len(moduli[f]) - 1))",
        "        return F, conv",
        "    return GF(f), None",
        "",
        "def check_space(f, n, r, base, dirs):",
        "    F, conv = field_of(f)",
        "    c = (lambda k: F(k)) if conv is None else conv",
        "    B = matrix(F, [[c(x) for x in row] for row in base])",
        "    D = [matrix(F, [[c(x) for x in row] for row in M]) for M in dirs]",
        "    import itertools",
        "    if f != 'Q' and f ** len(D) <= 4096:",
        "        pts = itertools.product(list(F), repeat=len(D))",
        "    else:",
        "        pts = [[F.random_element() for _ in D] for _ in range(200)]",
        "    for t in pts:",
        "        M = B + sum((ti * Di for ti, Di in zip(t, D)), matrix(F, n, n))",
        "        assert M.rank() == r, (f, n, r, t)",
        "    return True",
        "",
    ]
    for e in entries:
        js = e.space.to_json()
        base = js["base"] if e.field == "Q" or not isinstance(e.field, int) or _is_fq(e.field) else \
            [[x % e.field for x in row] for row in js["base"]]
        dirs = js["directions"] if e.field == "Q" or _is_fq(e.field) else \
            [[[x % e.field for x in row] for row in D] for D in js["directions"]]
        f = "'Q'" if e.field == "Q" else str(e.field)
        lines.append(f"# {e.key}: dimension {e.lower} ({'proved' if e.proved else f'upper bound {e.upper}'})")
        lines.append(f"check_space({f}, {e.n}, {e.r}, {base!r}, {dirs!r})")
    lines.append("print('all spaces verified')")
    return "\n".join(lines) + "\n"
