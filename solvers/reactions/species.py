"""The complete set of elementary reactions among a list of species.

Given unordered species, a *reaction* is an integer vector ``x != 0`` with ``M x = 0``
(``M`` the composition matrix, charge included); it is *elementary* when no non-zero
balance uses a strict subset of its species, i.e. its support is a circuit of the column
matroid of ``M`` (Smith and Missen, *Chemical Reaction Equilibrium Analysis*, 1982, ch. 2;
the "vector-based complete reaction set"). Each circuit carries a 1-dimensional space of
balances, so up to sign it is one reaction in lowest integer form.

Enumeration (exact and complete): depth-first over the independent column sets ``S`` in
increasing index order. For each ``j > max(S)`` that is dependent on ``S`` the unique
dependency is computed by fraction-free (Bareiss) elimination; it is recorded when it uses
every column of ``S`` -- then ``S + {j}`` is a circuit with maximum ``j``. Every circuit
``C`` is found exactly once, from ``S = C - {max C}`` (which is independent). The loop is
compiled with numba on int64 when a Hadamard bound proves that no intermediate can
overflow; otherwise the same algorithm runs on Python integers (Bareiss, *Math. Comp.* 22
(1968) 565-578).

Examples:
    >>> from solvers.reactions import balance_species
    >>> for r in balance_species(["Cu", "HNO3", "Cu(NO3)2", "NO", "NO2", "H2O"]):
    ...     print(r)
    {'Cu': 1, 'Cu(NO3)2': -1, 'NO': -2, 'NO2': 4}
    {'HNO3': 2, 'NO': 1, 'NO2': -3, 'H2O': -1}
    {'Cu': 3, 'HNO3': 8, 'Cu(NO3)2': -3, 'NO': -2, 'H2O': -4}
    {'Cu': 1, 'HNO3': 4, 'Cu(NO3)2': -1, 'NO2': -2, 'H2O': -2}
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.util
import math
from collections.abc import Sequence
from dataclasses import dataclass

from engine._lazy import lazy_module
from engine.errors import InvalidInputError, VerificationError
from engine.results import Result
from solvers.reactions._json import json_guard
from solvers.reactions.equation import split_species_list
from solvers.reactions.formula import reading_text, species_readings
from solvers.reactions.lattice import composition_matrix, mat_vec, primitive, rank

np = lazy_module("numpy", globals(), "np")  # imported on first use: most balances never need it

__all__ = ["ElementaryReactions", "elementary_reactions", "balance_species", "circuits", "MAX_REACTIONS"]

#: numba is a hard dependency of the project; it is imported only when a kernel is needed
_HAVE_NUMBA = importlib.util.find_spec("numba") is not None


@dataclass(frozen=True)
class ElementaryReactions(Result):
    """All elementary reactions of a species list.

    Attributes:
        species: the species as written.
        elements: composition-matrix rows.
        rank: rank of the composition matrix.
        vectors: one primitive signed vector per reaction (positive = reactant), in
            deterministic order: by number of species, then by the species' positions.
        method: ``"circuits-numba"`` or ``"circuits-python"``.
        verified: every vector re-checked exactly (conservation, primitivity, minimality).
        readings: how each species was read, in explicit notation (``'N3^-'`` for azide,
            ``'N^3-'`` for nitride); empty when every species reads one way only.
        warnings: a species that reads several ways, the reading chosen and the other one.
    """

    species: tuple[str, ...]
    elements: tuple[str, ...]
    rank: int
    vectors: tuple[tuple[int, ...], ...]
    method: str
    verified: bool = True
    seed: None = None
    readings: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def reactions(self) -> list[dict[str, int]]:
        """``[{species: signed coefficient}]`` with zero entries left out."""
        return [{s: c for s, c in zip(self.species, v, strict=False) if c} for v in self.vectors]

    def texts(self) -> list[str]:
        """Each reaction as text, reactants (positive) on the left."""
        from solvers.reactions.render import format_equation

        out = []
        for v in self.vectors:
            left = [(c, s) for s, c in zip(self.species, v, strict=False) if c > 0]
            right = [(-c, s) for s, c in zip(self.species, v, strict=False) if c < 0]
            out.append(format_equation(left, right))
        return out

    def check(self, *, complete: bool = True) -> None:
        """Exact re-verification from the species texts.

        The composition matrix is rebuilt (its rows must be ``elements``, its rank ``rank``);
        every vector must balance, be primitive, have a first non-zero entry > 0 and a
        circuit as support (its columns have rank one less than their number), each support
        listed once; with ``complete`` the circuits are enumerated again by the python-flint
        nullspace enumeration (:func:`_circuits_python`, independent of the numba kernel)
        and must be exactly the supports listed. :func:`elementary_reactions` passes
        ``complete=False``: it has just enumerated them.

        Raises:
            VerificationError: a datum above does not hold (the message names it).
        """
        from solvers.reactions.formula import parse_species

        if self.readings and len(self.readings) != len(self.species):
            raise VerificationError(f"{len(self.readings)} readings for {len(self.species)} species")
        sp = [parse_species(s) for s in (self.readings or self.species)]
        labels, M = composition_matrix(sp)
        n = len(sp)
        if tuple(labels) != tuple(self.elements):
            raise VerificationError(
                f"elements {self.elements} differ from the rows {labels} of the composition matrix")
        if rank(M, n) != self.rank:
            raise VerificationError(f"rank {self.rank} differs from the composition matrix's {rank(M, n)}")
        seen = set()
        for v in self.vectors:
            if len(v) != n:
                raise VerificationError(f"reaction {v} has {len(v)} entries for {n} species")
            if any(mat_vec(M, v)) or primitive(v) != tuple(v) or not any(v):
                raise VerificationError(f"reaction {v} does not balance or is not primitive")
            if next(a for a in v if a) < 0:
                raise VerificationError(f"reaction {v} is not oriented (first non-zero entry < 0)")
            supp = [j for j, c in enumerate(v) if c]
            sub = [[M[i][j] for j in supp] for i in range(len(M))]
            if rank(sub, len(supp)) != len(supp) - 1:
                raise VerificationError(f"reaction {v} is not elementary")
            key = tuple(supp)
            if key in seen:
                raise VerificationError(f"support {key} listed twice")
            seen.add(key)
        if complete:
            vecs = _circuits_python([list(r) for r in M], n) if M else circuits(M, n)[0]
            found = {tuple(j for j, c in enumerate(v) if c) for v in vecs}
            if found != seen:
                missing = sorted(found - seen)
                raise VerificationError(
                    f"the list of elementary reactions is incomplete: {len(missing)} missing "
                    f"(first on the species {[self.species[j] for j in missing[0]]})"
                    if missing else "a listed reaction is not among the circuits")

    def to_json(self) -> dict:
        """JSON form."""
        return {
            "species": list(self.species),
            "elements": list(self.elements),
            "rank": self.rank,
            "reactions": self.reactions,
            "texts": self.texts(),
            "method": self.method,
            "verified": self.verified,
            **({"readings": list(self.readings)} if self.readings else {}),
            **({"warnings": list(self.warnings)} if self.warnings else {}),
        }

    @classmethod
    @json_guard
    def from_json(cls, d: dict) -> ElementaryReactions:
        """Rebuild from :meth:`to_json` (the vectors from the ``reactions`` dicts)."""
        species = tuple(d["species"])
        vectors = tuple(tuple(int(r.get(s, 0)) for s in species) for r in d["reactions"])
        return cls(species=species, elements=tuple(d["elements"]), rank=int(d["rank"]),
                   vectors=vectors, method=d["method"], verified=bool(d.get("verified", True)),
                   readings=tuple(str(x) for x in d.get("readings", ())),
                   warnings=tuple(str(x) for x in d.get("warnings", ())))

    @classmethod
    def example(cls) -> ElementaryReactions:
        """The four elementary reactions of C, O2, CO, CO2 (``2 C + O2 -> 2 CO``,
        ``C + O2 -> CO2``, ``C + CO2 -> 2 CO`` (Boudouard), ``O2 + 2 CO -> 2 CO2``: the
        complete reaction set of Smith and Missen, *Chemical Reaction Equilibrium
        Analysis*, 1982, ch. 2), computed by :func:`elementary_reactions`.

        Examples:
            >>> from solvers.reactions.species import ElementaryReactions
            >>> len(ElementaryReactions.example().vectors)
            4
        """
        return elementary_reactions(["C", "O2", "CO", "CO2"])

    @classmethod
    def tampered(cls) -> ElementaryReactions:
        """:meth:`example` without its last reaction (``O2 + 2 CO -> 2 CO2``): incomplete."""
        r = cls.example()
        return dataclasses.replace(r, vectors=r.vectors[:-1])


def _circuits_kernel(M, store_limit, count_cap):  # pragma: no cover - compiled
    m, n = M.shape
    out = []
    count = 0
    # explicit DFS stack of subsets: sets[t, :k] with size ks[t]
    cap = 1 << 16
    sets = np.zeros((cap, n), dtype=np.int64)
    ks = np.zeros(cap, dtype=np.int64)
    top = 0
    ks[0] = 0
    top = 1
    A = np.zeros((m, n + 1), dtype=np.int64)
    piv_rows = np.zeros(n + 1, dtype=np.int64)
    while top > 0:
        top -= 1
        k = ks[top]
        S = sets[top, :k].copy()
        last = S[k - 1] if k > 0 else -1
        for j in range(last + 1, n):
            # Bareiss elimination on [S | j]
            for c in range(k):
                for r in range(m):
                    A[r, c] = M[r, S[c]]
            for r in range(m):
                A[r, k] = M[r, j]
            prev = 1
            row = 0
            ok = True
            for c in range(k):
                p = -1
                for r in range(row, m):
                    if A[r, c] != 0:
                        p = r
                        break
                if p < 0:
                    ok = False  # cannot happen: S independent
                    break
                if p != row:
                    for cc in range(k + 1):
                        t = A[p, cc]
                        A[p, cc] = A[row, cc]
                        A[row, cc] = t
                for r in range(row + 1, m):
                    for cc in range(c + 1, k + 1):
                        A[r, cc] = (A[row, c] * A[r, cc] - A[r, c] * A[row, cc]) // prev
                    A[r, c] = 0
                prev = A[row, c]
                piv_rows[c] = row
                row += 1
            if not ok:
                continue
            dependent = True
            for r in range(k, m):
                if A[r, k] != 0:
                    dependent = False
                    break
            if not dependent:
                if k + 1 <= m and top < cap:
                    sets[top, :k] = S
                    sets[top, k] = j
                    ks[top] = k + 1
                    top += 1
                elif top >= cap:
                    raise ValueError("stack overflow")
                continue
            # back substitution: y_i = D x_i, D = det of leading k x k = prev (or 1)
            D = prev if k > 0 else 1
            y = np.zeros(k, dtype=np.int64)
            full = True
            for i in range(k - 1, -1, -1):
                s = D * A[i, k]
                for lb in range(i + 1, k):
                    s -= A[i, lb] * y[lb]
                y[i] = s // A[i, i]
                if y[i] == 0:
                    full = False
            if not full:
                continue
            v = np.zeros(n, dtype=np.int64)
            for i in range(k):
                v[S[i]] = y[i]
            v[j] = -D
            count += 1
            if count <= store_limit:
                out.append(v)
            if count >= count_cap:
                return out, count, True
    return out, count, False


@functools.cache
def _circuits_jit():
    """:func:`_circuits_kernel` compiled (or loaded from numba's cache) on first use: importing
    this module does not import numba (a first ``balance()`` does not pay for it)."""
    from numba import njit

    return njit(cache=True)(_circuits_kernel)


def _circuits_numba(M, store_limit, count_cap):
    return _circuits_jit()(M, store_limit, count_cap)

class _TooMany(Exception):
    """More circuits than allowed: ``count`` found (all of them when ``exact``)."""

    def __init__(self, count: int, exact: bool):
        super().__init__(count)
        self.count, self.exact = count, exact


def _circuits_python(M: list[list[int]], n: int, limit: int | None = None) -> list[tuple[int, ...]]:
    """The same enumeration on Python integers (exact for any size of entries); raises
    :class:`_TooMany` as soon as more than ``limit`` are found."""
    import flint

    m = len(M)
    out = []
    stack: list[tuple[int, ...]] = [()]
    while stack:
        S = stack.pop()
        last = S[-1] if S else -1
        for j in range(last + 1, n):
            cols = list(S) + [j]
            sub = flint.fmpz_mat([[M[r][c] for c in cols] for r in range(m)])
            X, nullity = sub.nullspace()
            if nullity == 0:
                if len(S) + 1 <= m:
                    stack.append(tuple(cols))
                continue
            y = [int(X[i, 0]) for i in range(len(cols))]
            if all(y):
                v = [0] * n
                for c, a in zip(cols, y, strict=False):
                    v[c] = a
                out.append(tuple(v))
                if limit is not None and len(out) > limit:
                    raise _TooMany(len(out), False)
    return out


#: how many circuits past the limit are still counted (so a refusal can give the number)
_COUNT_FACTOR = 100


def circuits(M: Sequence[Sequence[int]], n: int, limit: int | None = None) -> tuple[list[tuple[int, ...]], str]:
    """Primitive vectors of all circuits of the integer matrix ``M`` (``n`` columns).

    Args:
        M: the matrix as rows.
        n: its number of columns.
        limit: at most this many circuits (None: no limit). Past it the compiled kernel goes
            on counting, without storing, up to ``100 * limit``.

    Returns:
        ``(vectors, method)``; vectors oriented with the first non-zero entry positive.

    Raises:
        _TooMany: more than ``limit`` circuits (with the count, exact or a lower bound).

    Examples:
        >>> from solvers.reactions.species import circuits
        >>> circuits([[1, 1, 2]], 3)[0]
        [(0, 2, -1), (1, -1, 0), (2, 0, -1)]
    """
    M = [list(map(int, r)) for r in M]
    m = len(M)
    if m == 0 or n == 0:
        vecs = [tuple(1 if i == j else 0 for i in range(n)) for j in range(n)]
        return vecs, "trivial"
    r = rank(M, n)
    norms = sorted((math.sqrt(sum(M[i][j] ** 2 for i in range(m))) for j in range(n)), reverse=True)
    logH = sum(math.log2(max(x, 1.0)) for x in norms[: r + 1])
    safe = _HAVE_NUMBA and 2 * logH + math.log2(r + 2) < 60
    if safe:
        store = (1 << 62) if limit is None else limit
        cap = (1 << 62) if limit is None else _COUNT_FACTOR * limit
        raw, count, stopped = _circuits_numba(np.asarray(M, dtype=np.int64), store, cap)
        if limit is not None and count > limit:
            raise _TooMany(int(count), not stopped)
        vecs = [tuple(int(a) for a in v) for v in raw]
        method = "circuits-numba"
    else:
        vecs = _circuits_python(M, n, limit)
        method = "circuits-python"
    out = []
    for v in vecs:
        v = primitive(v)
        first = next(a for a in v if a)
        out.append(v if first > 0 else tuple(-a for a in v))
    return out, method


def _species_arg(species):
    """Validate the ``species`` argument: a string or an ordered sequence of strings."""
    if isinstance(species, str):
        return species
    if species is None or isinstance(species, (bytes, set, frozenset, dict)) or not hasattr(species, "__iter__"):
        kind = type(species).__name__
        raise InvalidInputError(
            f"species={species!r} (of type {kind}) is not a species list; pass a list of formulas "
            "such as ['H2', 'O2', 'H2O'] or one string 'H2, O2, H2O'"
            + (" (a set has no order, so the result would not be deterministic)"
               if isinstance(species, (set, frozenset)) else "")
        )
    items = list(species)
    for i, t in enumerate(items):
        if not isinstance(t, str):
            raise InvalidInputError(
                f"species #{i + 1} in the list is {t!r} (of type {type(t).__name__}), not a formula "
                "string; pass strings such as 'H2O'"
            )
    return items


#: default bound on the number of elementary reactions returned (about 2 KB each)
MAX_REACTIONS = 20_000


def elementary_reactions(species: Sequence[str] | str, *, max_reactions: int | None = MAX_REACTIONS
                         ) -> ElementaryReactions:
    """Enumerate every elementary reaction among ``species`` (exact and complete).

    Their number grows exponentially with the number of species (40 small molecules over
    C, H, N, O, S have 389,928), so more than ``max_reactions`` is refused with the count
    rather than filling the memory.

    Args:
        species: a sequence of formulas, or one string ``"A, B, C"``.
        max_reactions: refuse when there are more elementary reactions than this
            (``None``: no limit).

    Returns:
        :class:`ElementaryReactions` (verified exactly).

    Raises:
        InvalidInputError: ``None`` or another non-list, a non-string item, an empty list,
            a repeated species, an unparseable formula, a bad ``max_reactions``, or more
            elementary reactions than ``max_reactions`` (the message gives their number).

    Examples:
        >>> from solvers.reactions import elementary_reactions
        >>> elementary_reactions(["C", "O2", "CO", "CO2"]).texts()
        ['2 C + O2 -> 2 CO', 'C + O2 -> CO2', 'C + CO2 -> 2 CO', 'O2 + 2 CO -> 2 CO2']
    """
    if max_reactions is not None and (isinstance(max_reactions, bool) or not isinstance(max_reactions, int)
                                      or max_reactions < 1):
        raise InvalidInputError(f"max_reactions={max_reactions!r} must be a positive integer or None")
    sp = split_species_list(_species_arg(species))
    texts = [s.text for s in sp]
    keys = [s.key for s in sp]
    for i, k in enumerate(keys):
        if k in keys[:i]:
            raise InvalidInputError(
                f"species {texts[i]!r} is listed twice (same as {texts[keys.index(k)]!r}); "
                "give each species once"
            )
    chosen, warnings = _choose_readings(sp, max_reactions)
    labels, M = composition_matrix(chosen)
    n = len(chosen)
    vecs, method = _enumerate(M, n, max_reactions)
    several = any(len(species_readings(t)) > 1 for t in texts)
    res = ElementaryReactions(species=tuple(texts), elements=labels, rank=rank(M, n),
                              vectors=tuple(vecs), method=method,
                              readings=tuple(reading_text(x) for x in chosen) if several else (),
                              warnings=tuple(warnings))
    res.check(complete=False)
    return res


def _enumerate(M, n: int, max_reactions: int | None):
    """The circuits of ``M`` in the documented order (else the count in one clear error)."""
    try:
        vecs, method = circuits(M, n, max_reactions)
    except _TooMany as exc:
        many = f"{exc.count:,}" if exc.exact else f"more than {exc.count - 1:,}"
        raise InvalidInputError(
            f"the {n} species have {many} elementary reactions, more than max_reactions={max_reactions:,}; "
            "give fewer species or raise the limit (max_reactions=..., or --max-reactions N on the "
            "command line)") from None
    vecs.sort(key=lambda v: (sum(1 for a in v if a), [j for j, a in enumerate(v) if a], v))
    return vecs, method


#: at most this many combinations of readings are compared for a species list
_MAX_LIST_COMBOS = 16


def _choose_readings(sp, max_reactions):
    """The reading of each species of a list under which the list reacts most simply.

    A species text that reads several ways (``N3-``: nitride or azide; ``O2-``: oxide or
    superoxide) is read, as :func:`~solvers.reactions.balance.balance` does, the way that
    gives reactions with the smallest total coefficient (fewer non-preferred readings on a
    tie; a reading under which nothing reacts only when no other reacts either), and a
    warning names the species, the reading chosen and the other reading under which the list
    also reacts. Only the first ``_MAX_LIST_COMBOS`` combinations are compared (one change at
    a time beyond that).
    """
    import itertools

    alts = [species_readings(x.text) if len(species_readings(x.text)) > 1 else (x,) for x in sp]
    ambiguous = [i for i, a in enumerate(alts) if len(a) > 1]
    if not ambiguous:
        return list(sp), []
    combos = list(itertools.islice(itertools.product(*[range(len(a)) for a in alts]), _MAX_LIST_COMBOS))
    for i in ambiguous:  # every single change from the preferred readings, whatever the count
        for j in range(1, len(alts[i])):
            c = tuple(j if k == i else 0 for k in range(len(alts)))
            if c not in combos:
                combos.append(c)
    scored = []
    for c in combos:
        chosen = [alts[k][j] for k, j in enumerate(c)]
        keys = [x.key for x in chosen]
        if len(set(keys)) != len(keys):
            continue
        _, M = composition_matrix(chosen)
        try:
            vecs, _ = _enumerate(M, len(chosen), max_reactions)
        except InvalidInputError:
            continue
        total = sum(abs(a) for v in vecs for a in v)
        scored.append(((not vecs, total, sum(1 for j in c if j)), c, vecs))
    if not scored:
        return list(sp), []
    scored.sort(key=lambda t: t[0])
    best = scored[0][1]
    warnings = []
    for i in ambiguous:
        others = [c for key, c, vecs in scored[1:] if vecs and c[i] != best[i]]
        if others:
            mine, other = alts[i][best[i]], alts[i][others[0][i]]
            def describe(x):
                return reading_text(x) + (f" ({x.note})" if x.note else "")
            warnings.append(
                f"ambiguous notation: '{sp[i].text}' was read as {describe(mine)} (the reading "
                f"with the smallest reactions); read as {describe(other)} the list also reacts")
    return [alts[k][j] for k, j in enumerate(best)], warnings


def balance_species(species: Sequence[str] | str, *, max_reactions: int | None = MAX_REACTIONS
                    ) -> list[dict[str, int]]:
    """Elementary reactions of a species list as ``{species: signed int}`` dicts.

    Positive coefficients are reactants, negative products; each reaction is in lowest
    integer form, listed once (up to sign), ordered by size then species positions.

    Args:
        species: a sequence of formulas or ``"A, B, C"``.
        max_reactions: as for :func:`elementary_reactions`.

    Returns:
        The complete list of elementary reactions.

    Raises:
        InvalidInputError: see :func:`elementary_reactions`.

    Examples:
        >>> from solvers.reactions import balance_species
        >>> balance_species(["H2", "O2", "H2O"])
        [{'H2': 2, 'O2': 1, 'H2O': -2}]
    """
    return elementary_reactions(species, max_reactions=max_reactions).reactions
