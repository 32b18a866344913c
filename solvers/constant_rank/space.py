"""Affine families of alternating matrices and the exact constant-rank decision.

An affine family is ``S = {B + t_1 D_1 + ... + t_d D_d : t in F^d}`` with ``B`` and the
``D_i`` alternating ``n x n`` matrices over ``F = Q`` or ``F_p`` and the ``D_i`` linearly
independent (so ``d = dim S``). :meth:`AffineAlternatingSpace.constant_rank` decides whether
every point of ``S`` has the same rank:

- ``"exhaustive"`` (F_p): every one of the ``p^d`` points, numba skew elimination
  (``solvers.constant_rank._kernels``); a point of another rank is returned as witness.
- ``"symbolic"`` (Q, and F_p when ``p^d`` is too large): with ``R`` the generic rank,
  (a) every principal Pfaffian minor of order ``R + 2`` of ``A(t)`` vanishes identically as a
  polynomial in ``t`` (so every point has rank ``<= R``), and (b) the order-``R`` principal
  Pfaffian minors have no common zero over ``F``: certified by a nonzero constant minor, or
  (over Q) by a Groebner basis equal to ``[1]`` (Buchberger; no common zero even over the
  algebraic closure); otherwise a rational common zero is looked for by triangular
  back-substitution on a lex Groebner basis (rational roots of univariate eliminants). When
  neither a certificate nor a witness can be produced, the answer is ``"unknown"`` with the
  reason (deciding rational points of varieties is not possible in general).

References:
    D. Cox, J. Little, D. O'Shea, *Ideals, Varieties, and Algorithms*, 4th ed., Springer
    2015 (Groebner bases, elimination, weak Nullstellensatz, Ch. 2-4).
    M. Mahajan, P. R. Subramanya, V. Vinay, Discrete Appl. Math. 143 (2004) 1-16
    (division-free Pfaffians, used for the Pfaffian minors as polynomials).
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import numbers
import time
from dataclasses import dataclass
from dataclasses import field as dc_field
from fractions import Fraction
from typing import Any, Literal

import flint
import numpy as np

from engine._args import check_int, check_real, check_seed, short_repr
from engine.alternating import (
    AlternatingMatrix,
    _is_fq,
    check_alternating,
    parse_field,
    pfaffian_division_free,
)
from engine.alternating_fields import small_field
from engine.errors import InvalidInputError, VerificationError
from engine.results import Result

__all__ = ["AffineAlternatingSpace", "ConstantRankResult", "ConstantRankMethod"]

ConstantRankMethod = Literal["auto", "exhaustive", "symbolic"]

_METHODS: dict[str, str] = {
    "auto": "exhaustive over F_p when p^d <= max_points, else symbolic",
    "exhaustive": "every point of the family over F_p (numba batched skew elimination)",
    "symbolic": "Pfaffian minors as polynomials + certificate (constant minor / Groebner basis)",
}

#: Largest prime for the numba kernels (products must fit in int64).
_KERNEL_PRIME = 2**31


def _field_name(field: str | int) -> str:
    return "Q" if field == "Q" else f"F{field}"


def _jsonable_scalar(x: Any) -> Any:
    if isinstance(x, Fraction):
        return x.numerator if x.denominator == 1 else str(x)
    return int(x)


@dataclass(frozen=True)
class ConstantRankResult(Result):
    """Outcome of :meth:`AffineAlternatingSpace.constant_rank`.

    Attributes:
        status: ``"constant"``, ``"not_constant"`` or ``"unknown"``.
        is_constant: ``True``/``False``, or ``None`` when unknown.
        rank: the common rank when constant; otherwise the reference rank (generic rank or
            the rank of the base point) that the witness differs from.
        witness: parameter vector ``t`` (ints mod p or Fractions) of a point whose rank
            differs from ``rank``; ``None`` when constant or unknown.
        witness_rank: rank of the witness point.
        field: ``"Q"`` or the prime ``p``.
        n: matrix size.
        dimension: ``d``, the number of directions.
        method: ``"exhaustive"`` or ``"symbolic"``.
        certificate: how the answer was proved (a dict; see the module docstring).
        reason: why the answer is ``"unknown"`` (else ``None``).
        points_checked: number of points whose rank was computed.
        elapsed: seconds.
        space: the family decided (recorded by :meth:`AffineAlternatingSpace.constant_rank`;
            ``None`` when built by hand, and then :meth:`check` tests consistency only).
    """

    status: str
    is_constant: bool | None
    rank: int | None
    witness: tuple | None
    witness_rank: int | None
    field: str | int
    n: int
    dimension: int
    method: str
    certificate: dict = dc_field(default_factory=dict)
    reason: str | None = None
    points_checked: int = 0
    elapsed: float = 0.0
    space: AffineAlternatingSpace | None = dc_field(default=None, repr=False, compare=False)

    def to_json(self) -> dict:
        """JSON-ready dict (with the family, when recorded, under ``"space"``)."""
        return {
            "status": self.status,
            "is_constant": self.is_constant,
            "rank": self.rank,
            "witness": None if self.witness is None else [_jsonable_scalar(x) for x in self.witness],
            "witness_rank": self.witness_rank,
            "field": self.field,
            "n": self.n,
            "dimension": self.dimension,
            "method": self.method,
            "certificate": _json_cert(self.certificate),
            "reason": self.reason,
            "points_checked": self.points_checked,
            "elapsed": round(self.elapsed, 6),
            "space": None if self.space is None else self.space.to_json(),
        }

    @classmethod
    def from_json(cls, d: dict) -> ConstantRankResult:
        """Rebuild from :meth:`to_json` (witness entries as Fractions over Q, ints mod p)."""
        field = d["field"]
        field = field if field == "Q" else int(field)
        w = d.get("witness")
        if w is not None:
            w = tuple(Fraction(x) if field == "Q" else int(x) for x in w)
        sp = d.get("space")
        return cls(
            d["status"], d.get("is_constant"), d.get("rank"), w, d.get("witness_rank"), field,
            int(d["n"]), int(d["dimension"]), d["method"], dict(d.get("certificate") or {}),
            d.get("reason"), int(d.get("points_checked", 0)), float(d.get("elapsed", 0.0)),
            None if sp is None else AffineAlternatingSpace.from_json(sp),
        )

    def _consistent(self) -> str | None:
        """Why the fields contradict each other (None when they agree)."""
        if self.status == "constant":
            ok = self.is_constant is True and self.witness is None and self.rank is not None
        elif self.status == "not_constant":
            ok = self.is_constant is False and self.witness is not None and self.witness_rank != self.rank
        else:
            ok = self.status == "unknown" and self.is_constant is None and bool(self.reason)
        return None if ok else f"inconsistent constant-rank result: {self.to_json()}"

    def check(self, *, recompute: bool = True) -> None:
        """Re-verify exactly.

        Always: the fields agree (a witness iff not constant, a reason iff unknown). With the
        family recorded and ``recompute``: its size, dimension and field are the result's;
        the reference rank is the rank at ``t = 0``; a witness has ``witness_rank`` (exact
        rank); and a ``"constant"`` answer is proved again from its certificate: every point
        scanned again (``"exhaustive"``), or every principal Pfaffian minor of order
        ``rank + 2`` recomputed as a polynomial and zero, plus the order-``rank`` certificate
        (the constant minor nonzero, the Groebner basis ``[1]``, or no rational common zero
        of a zero-dimensional system). :meth:`AffineAlternatingSpace.constant_rank` passes
        ``recompute=False`` (it has just computed all of this).

        Raises:
            VerificationError: a claim above fails (the message names it).
        """
        msg = self._consistent()
        if msg is not None:
            raise VerificationError(msg)
        sp = self.space
        if sp is None or not recompute:
            return
        if (sp.n, sp.dimension, sp.field) != (self.n, self.dimension, self.field):
            raise VerificationError(
                f"the family is {sp.n}x{sp.n}, dimension {sp.dimension} over {sp.field}, not "
                f"{self.n}x{self.n}, dimension {self.dimension} over {self.field}")
        if self.status == "unknown":
            return
        zero = tuple(0 if self.field != "Q" else Fraction(0) for _ in range(self.dimension))
        r0 = sp.rank_at(zero)
        if self.rank != r0:
            raise VerificationError(f"rank={self.rank}, but the point t = 0 has rank {r0}")
        if self.status == "not_constant":
            if len(self.witness) != self.dimension:
                raise VerificationError(f"the witness has {len(self.witness)} parameters, not {self.dimension}")
            wr = sp.rank_at(self.witness)
            if wr != self.witness_rank:
                raise VerificationError(f"the witness has rank {wr}, not {self.witness_rank}")
            return
        _verify_constant(sp, self.rank, self.certificate)

    @classmethod
    def example(cls) -> ConstantRankResult:
        """``E01 + t1 E02 + t2 E12`` over F3: every point is a nonzero 3x3 alternating matrix
        (its (0, 1) entry is 1), so every point has rank 2 (an alternating matrix has even
        rank, at most 2 when 3x3), found by the exhaustive scan of the 9 points.

        Examples:
            >>> from solvers.constant_rank.space import ConstantRankResult
            >>> r = ConstantRankResult.example()
            >>> r.is_constant, r.rank, r.method, r.points_checked
            (True, 2, 'exhaustive', 9)
        """
        E = [[[(1 if (a, b) == (i, j) else -1 if (a, b) == (j, i) else 0) for b in range(3)] for a in range(3)]
             for i, j in ((0, 1), (0, 2), (1, 2))]
        return AffineAlternatingSpace(E[0], E[1:], field=3).constant_rank()

    @classmethod
    def tampered(cls) -> ConstantRankResult:
        """:meth:`example` claiming the constant rank 0."""
        return dataclasses.replace(cls.example(), rank=0)


def _verify_constant(sp: AffineAlternatingSpace, R: int, cert: dict) -> None:
    """Re-prove that every point of ``sp`` has rank ``R`` from the certificate ``cert``."""
    kind = cert.get("kind")
    d, n = sp.dimension, sp.n
    if kind == "single_point":
        if d != 0:
            raise VerificationError(f"a single-point certificate for a family of dimension {d}")
        return
    if kind == "exhaustive":
        if sp.field == "Q":
            raise VerificationError("an exhaustive certificate over Q (infinitely many points)")
        total = int(sp.field) ** d
        prof = sp.rank_profile(max_points=max(total, 1))
        if prof != {R: total} or cert.get("points") != total:
            raise VerificationError(f"the {total} points have the ranks {prof}, not all {R}")
        return
    if kind not in ("all_upper_minors_vanish", "nonzero_constant_minor", "constant_minor_per_value", "groebner_unit",
                    "no_rational_common_zero", "anisotropic_quadratic_minor", "positive_definite_minor",
                    "anisotropic_quadratic_ideal_element"):
        raise VerificationError(f"unknown certificate kind {short_repr(kind)}")
    minor, is_const = sp._minor_functions()

    pointwise_ok = sp.field != "Q" and bool(cert.get("upper_minors_vanish_pointwise"))
    if R + 2 <= n:
        for idx in itertools.combinations(range(n), R + 2):
            f = minor(idx)
            if not f.is_zero() and not (pointwise_ok and sp._vanishes_pointwise(f)):
                raise VerificationError(f"the order-{R + 2} Pfaffian minor on {list(idx)} is not zero")
    if kind == "all_upper_minors_vanish":
        if R != 0:
            raise VerificationError(f"'all_upper_minors_vanish' certifies rank 0 only, not {R}")
        return
    if kind == "constant_minor_per_value":
        v, per, q = cert.get("variable"), cert.get("minors") or {}, int(sp.field)
        if sp.field == "Q" or not isinstance(v, int) or not 0 <= v < d or sorted(per) != sorted(str(a) for a in range(q)):
            raise VerificationError("a per-value certificate needs a finite field, a parameter and one minor per value")
        for a in range(q):
            idx = [int(i) for i in per[str(a)]]
            h = sp._substitute(minor(idx), v, a) if len(idx) == R and len(set(idx)) == R and all(0 <= i < n for i in idx) else None
            if h is None or h.is_zero() or not is_const(h):
                raise VerificationError(f"on the slice t{v} = {a} the minor on {idx} is not a nonzero constant")
        return
    if kind == "nonzero_constant_minor":
        idx = [int(i) for i in cert.get("indices", ())]
        f = minor(idx) if len(idx) == R and len(set(idx)) == R and all(0 <= i < n for i in idx) else None
        if f is None or f.is_zero() or not is_const(f):
            raise VerificationError(f"the order-{R} Pfaffian minor on {idx} is not a nonzero constant")
        return
    if sp.field != "Q":
        raise VerificationError(f"a Groebner or quadratic-form certificate over F_{sp.field}")
    if kind == "positive_definite_minor":
        from solvers.constant_rank.quadratic import check_sos

        idx = [int(i) for i in cert.get("indices", ())]
        if len(idx) != R or len(set(idx)) != R or not all(0 <= i < n for i in idx):
            raise VerificationError(f"the indices {idx} are not an order-{R} principal minor")
        check_sos(_mpoly_terms(minor(idx)), cert)
        return
    if kind == "anisotropic_quadratic_minor":
        idx = [int(i) for i in cert.get("indices", ())]
        if len(idx) != R or len(set(idx)) != R or not all(0 <= i < n for i in idx):
            raise VerificationError(f"the indices {idx} are not an order-{R} principal minor")
        f = minor(idx)
        if "factors" in cert:
            _, facs = f.factor()
            got = sorted((str(g), int(e)) for g, e in facs)
            want = sorted((str(c.get("factor")), int(c.get("multiplicity", 0))) for c in cert["factors"])
            if got != want:
                raise VerificationError(f"the minor on {idx} factors as {got}, not {want}")
            by = {str(g): g for g, _ in facs}
            for c in cert["factors"]:
                _check_anisotropic(_mpoly_terms(by[str(c["factor"])]), c)
            return
        _check_anisotropic(_mpoly_terms(f), cert)
        return
    import sympy

    syms = sympy.symbols(f"t0:{d}")
    polys = [f for f in (minor(idx) for idx in itertools.combinations(range(n), R)) if not f.is_zero()]
    exprs = [_to_sympy(f, syms) for f in polys]
    G = sympy.groebner(exprs, *syms, order="grevlex", domain="QQ")
    if kind == "anisotropic_quadratic_ideal_element":
        k = cert.get("element_index")
        if not isinstance(k, int) or not 0 <= k < len(G.exprs) or str(G.exprs[k]) != cert.get("element"):
            raise VerificationError(f"{short_repr(cert.get('element'))} is not element {k} of the Groebner basis")
        _check_anisotropic(_sympy_terms(G.exprs[k], syms), cert)
        return
    if kind == "groebner_unit":
        if list(G.exprs) != [1]:
            raise VerificationError(f"the order-{R} Pfaffian minors have a common zero (Groebner basis is not [1])")
        return
    if list(G.exprs) == [1]:
        return  # no common zero at all, even stronger
    if not _is_zero_dimensional(G, syms) or _rational_zero(list(G.exprs), list(syms), depth=0) is not None:
        raise VerificationError(f"the order-{R} Pfaffian minors have a rational common zero (or infinitely many zeros)")


def _json_cert(c: Any) -> Any:
    if isinstance(c, dict):
        return {k: _json_cert(v) for k, v in c.items()}
    if isinstance(c, (list, tuple)):
        return [_json_cert(v) for v in c]
    if isinstance(c, Fraction):
        return _jsonable_scalar(c)
    if isinstance(c, (int, str, float, bool)) or c is None:
        return c
    return str(c)


class AffineAlternatingSpace:
    """The affine family ``{B + sum_i t_i D_i}`` of alternating matrices over Q, F_p or F4, F8, F9.

    Args:
        base: the base point ``B`` (square alternating matrix).
        directions: the direction matrices ``D_1..D_d`` (same size, alternating, linearly
            independent over the field); may be empty.
        field: ``"Q"``, a prime ``p`` (``"F3"``, ``"GF(5)"`` are accepted) or ``q`` in 4, 8, 9
            (entries are then element codes ``0..q-1``: :mod:`engine.alternating_fields`;
            the parameters ``t_i`` too).

    Attributes:
        n, field, dimension: size, field and ``d``.
        base: ``B`` as a list of rows (ints, Fractions over Q; residues in ``[0, p)`` over F_p;
            :meth:`to_json` writes balanced residues so the JSON matrix is alternating over Z).
        directions: list of the ``D_i`` in the same form.

    Raises:
        InvalidInputError: non-alternating input (names the matrix and entry), sizes that do
            not match, linearly dependent directions (names the first dependent one), or an
            unsupported field.

    Examples:
        >>> from solvers.constant_rank import AffineAlternatingSpace
        >>> E = lambda i, j, n=3: [[(1 if (a, b) == (i, j) else -1 if (a, b) == (j, i) else 0) for b in range(n)] for a in range(n)]
        >>> sp = AffineAlternatingSpace(E(0, 1), [E(0, 2), E(1, 2)], field=3)
        >>> res = sp.constant_rank()
        >>> res.is_constant, res.rank, res.method
        (True, 2, 'exhaustive')
        >>> AffineAlternatingSpace(E(0, 1), [E(0, 2), E(1, 2)], field="Q").constant_rank().certificate["kind"]
        'nonzero_constant_minor'
    """

    def __init__(self, base: Any, directions: Any = (), field: Any = "Q"):
        self.field: str | int = parse_field(field, "field")
        try:
            b = check_alternating(base, self.field)
        except InvalidInputError as exc:
            raise InvalidInputError(f"base: {exc}") from None
        self.n = len(b)
        if isinstance(directions, np.ndarray):
            directions = list(directions) if directions.ndim == 3 else directions
        if isinstance(directions, str | bytes | dict) or not isinstance(directions, list | tuple):
            raise InvalidInputError(
                f"directions={short_repr(directions)} must be a list of n x n alternating matrices "
                "(possibly empty)"
            )
        dirs = []
        for k, D in enumerate(directions):
            try:
                m = check_alternating(D, self.field)
            except InvalidInputError as exc:
                raise InvalidInputError(f"directions[{k}]: {exc}") from None
            if len(m) != self.n:
                raise InvalidInputError(
                    f"directions[{k}] is {len(m)}x{len(m)} but the base is {self.n}x{self.n}; "
                    "all matrices must have the same size"
                )
            dirs.append(m)
        self.base = b
        self.directions = dirs
        self.dimension = len(dirs)
        self._check_independent()

    # ------------------------------------------------------------------ basics
    def _upper(self, m: list[list[Any]]) -> list[Any]:
        return [m[i][j] for i in range(self.n) for j in range(i + 1, self.n)]

    def _check_independent(self) -> None:
        if not self.directions:
            return
        every = [self._upper(D) for D in self.directions]
        if _rank_rows(every, self.field) == len(every):  # one rank for the usual, independent case
            return
        vecs: list[list[Any]] = []
        for k, D in enumerate(self.directions):
            vecs.append(self._upper(D))
            if _rank_rows(vecs, self.field) < len(vecs):
                raise InvalidInputError(
                    f"directions are linearly dependent over {_field_name(self.field)}: "
                    f"directions[{k}] lies in the span of directions[0..{k - 1}]"
                    if k
                    else "directions[0] is the zero matrix; directions must be linearly independent"
                )

    def __repr__(self) -> str:
        return f"AffineAlternatingSpace(n={self.n}, dimension={self.dimension}, field={self.field!r})"

    def point(self, params: Any) -> AlternatingMatrix:
        """The matrix ``B + sum t_i D_i`` at the parameter vector ``params``.

        Raises:
            InvalidInputError: wrong number of parameters.
        """
        if isinstance(params, np.ndarray):
            params = params.tolist()
        if isinstance(params, str | bytes | dict) or not isinstance(params, list | tuple):
            raise InvalidInputError(
                f"params={short_repr(params)} must be a list of {self.dimension} numbers (one per direction)")
        t = list(params)
        if len(t) != self.dimension:
            raise InvalidInputError(f"params has {len(t)} entries; the family has dimension {self.dimension}")
        if _is_fq(self.field):
            F = small_field(int(self.field))
            vals = [F.element(x.item() if isinstance(x, np.integer) else x, f"params[{i}]") for i, x in enumerate(t)]
            M = [list(row) for row in self.base]
            for c, D in zip(vals, self.directions, strict=True):
                if c:
                    for i in range(self.n):
                        for j in range(self.n):
                            if D[i][j]:
                                M[i][j] = F.add_elem(M[i][j], F.mul_elem(c, D[i][j]))
            return AlternatingMatrix(M, self.field)
        vals = [_param(x, i) for i, x in enumerate(t)]
        M = [[Fraction(x) for x in row] for row in self.base]
        for c, D in zip(vals, self.directions, strict=True):
            if c:
                for i in range(self.n):
                    for j in range(self.n):
                        if D[i][j]:
                            M[i][j] += c * D[i][j]
        return AlternatingMatrix(M, self.field)

    def rank_at(self, params: Any) -> int:
        """Exact rank at the parameter vector ``params``."""
        return self.point(params).rank()

    def to_json(self) -> dict:
        """The JSON form ``{"n", "field", "base", "directions"}`` (see the README)."""
        if self.field == "Q":
            conv = lambda m: [[_jsonable_scalar(x) for x in row] for row in m]  # noqa: E731
        elif _is_fq(self.field):
            conv = lambda m: [[int(x) for x in row] for row in m]  # noqa: E731  (element codes 0..q-1)
        else:
            conv = lambda m: _balanced(m, int(self.field))  # noqa: E731
        return {
            "n": self.n,
            "field": self.field if self.field == "Q" else int(self.field),
            "base": conv(self.base),
            "directions": [conv(D) for D in self.directions],
        }

    @classmethod
    def from_json(cls, data: Any) -> AffineAlternatingSpace:
        """Build a family from its JSON form (a dict or a JSON string).

        Raises:
            InvalidInputError: missing keys or an ``n`` that does not match the matrices.
        """
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except json.JSONDecodeError as exc:
                raise InvalidInputError(f"space JSON is not valid JSON: {exc}") from None
        if not isinstance(data, dict) or "base" not in data:
            raise InvalidInputError("space JSON needs keys 'base', 'directions' and optionally 'n', 'field'")
        field = data.get("field", "Q")
        if isinstance(field, str) and field.isascii() and field.isdigit():
            field = int(field)
        sp = cls(data["base"], data.get("directions", []), field=field)
        if "n" in data and (isinstance(data["n"], bool) or not isinstance(data["n"], int)):
            raise InvalidInputError(f"space JSON says n={short_repr(data['n'])}; n must be an integer (the matrix size)")
        if "n" in data and int(data["n"]) != sp.n:
            raise InvalidInputError(f"space JSON says n={data['n']} but the base is {sp.n}x{sp.n}")
        return sp

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AffineAlternatingSpace) and self.to_json() == other.to_json()

    def __hash__(self) -> int:
        return hash(json.dumps(self.to_json(), sort_keys=True))

    # ------------------------------------------------------------------ exhaustive
    def _arrays(self) -> tuple[np.ndarray, np.ndarray]:
        p = int(self.field)
        base = np.array(self.base, dtype=np.int64).reshape(self.n, self.n) % p
        dirs = np.array(self.directions, dtype=np.int64).reshape(self.dimension, self.n, self.n) % p
        return base, dirs

    def _digits(self, k: int) -> tuple[int, ...]:
        p = int(self.field)
        out = []
        for _ in range(self.dimension):
            out.append(k % p)
            k //= p
        return tuple(out)

    def rank_profile(self, *, max_points: int = 10**7) -> dict[int, int]:
        """Number of points of each rank (F_p, exhaustive).

        Raises:
            InvalidInputError: over Q (infinitely many points; use :meth:`constant_rank`) or
                when ``p^d > max_points``.

        Examples:
            >>> from solvers.constant_rank import AffineAlternatingSpace
            >>> AffineAlternatingSpace([[0, 0], [0, 0]], [[[0, 1], [1, 0]]], field=2).rank_profile()
            {0: 1, 2: 1}
        """
        max_points = check_int(max_points, "max_points", low=0)
        if self.field == "Q":
            raise InvalidInputError("rank_profile() counts points, so it needs a finite field; over Q use constant_rank()")
        p = int(self.field)
        total = p**self.dimension
        if total > max_points:
            raise InvalidInputError(f"the family has {p}^{self.dimension} = {total} points > max_points={max_points}")
        if p >= _KERNEL_PRIME:
            raise InvalidInputError(f"p={p} is too large for the exhaustive kernels (p < 2^31)")
        base, dirs = self._arrays()
        counts = np.zeros(self.n + 1, dtype=np.int64)
        self._scan(base, dirs, 0, total, 0, False, counts)
        return {r: int(c) for r, c in enumerate(counts) if c}

    def _scan(self, base, dirs, start, count, target, stop_on_diff, counts) -> int:
        """The numba scan of points ``start..start+count-1`` (prime fields: residues mod p;
        F4, F8, F9: the table kernels of ``_kernels_fq``)."""
        q = int(self.field)
        if _is_fq(q):
            from solvers.constant_rank._kernels_fq import scan_family_fq, tables

            add, mul, neg, inv = tables(q)
            return int(scan_family_fq(base, dirs, add, mul, neg, inv, q, int(start), int(count), int(target),
                                      bool(stop_on_diff), counts))
        from solvers.constant_rank._kernels import scan_family

        return int(scan_family(base, dirs, q, start, count, target, stop_on_diff, counts))

    def _exhaustive(self, max_points: int, time_limit: float | None) -> ConstantRankResult:
        t0 = time.perf_counter()
        p = int(self.field)
        total = p**self.dimension
        base, dirs = self._arrays()
        counts = np.zeros(self.n + 1, dtype=np.int64)
        target = int(self.rank_at([0] * self.dimension))
        chunk = 1 << 16
        start = 0
        while start < total:
            cnt = min(chunk, total - start)
            bad = self._scan(base, dirs, start, cnt, target, True, counts)
            if bad >= 0:
                w = self._digits(int(bad))
                wr = self.rank_at(w)
                return ConstantRankResult(
                    "not_constant", False, target, w, wr, self.field, self.n, self.dimension,
                    "exhaustive", {"kind": "witness_point", "reference_point": [0] * self.dimension},
                    None, int(counts.sum()), time.perf_counter() - t0,
                )
            start += cnt
            if time_limit is not None and time.perf_counter() - t0 > time_limit and start < total:
                return ConstantRankResult(
                    "unknown", None, target, None, None, self.field, self.n, self.dimension,
                    "exhaustive", {}, f"time_limit={time_limit}s reached after {start} of {total} points",
                    int(counts.sum()), time.perf_counter() - t0,
                )
        return ConstantRankResult(
            "constant", True, target, None, None, self.field, self.n, self.dimension, "exhaustive",
            {"kind": "exhaustive", "points": total}, None, int(counts.sum()), time.perf_counter() - t0,
        )

    # ------------------------------------------------------------------ symbolic
    def _poly_matrix(self):
        """``(ctx, M)``: the family as a matrix of polynomials in ``t_0..t_{d-1}``.

        Over F4, F8, F9 the ring is ``F_p[t_0, .., t_{d-1}, g]`` with the generator ``g`` as the
        last variable; :meth:`_minor_functions` reduces modulo the modulus ``m(g)``.
        """
        d = max(self.dimension, 1)
        if _is_fq(self.field):
            F = small_field(int(self.field))
            names = tuple(f"t{i}" for i in range(d)) + ("g",)
            ctx = flint.nmod_mpoly_ctx.get(names, ordering="degrevlex", modulus=F.p)
            g = ctx.gens()[-1]
            cache: dict[int, Any] = {}

            def conv(x):  # element code -> polynomial in g
                x = int(x)
                if x not in cache:
                    e = ctx.constant(0)
                    for i, c in enumerate(F.digits(x)):
                        if c:
                            e = e + g**i * c
                    cache[x] = e
                return cache[x]
            gens = ctx.gens()[:-1]
            zero = ctx.constant(0)
            M = [[zero for _ in range(self.n)] for _ in range(self.n)]
            for i in range(self.n):
                for j in range(i + 1, self.n):
                    e = conv(self.base[i][j]) if self.base[i][j] else zero
                    for k, D in enumerate(self.directions):
                        if D[i][j]:
                            e = e + gens[k] * conv(D[i][j])
                    M[i][j] = e
                    M[j][i] = -e
            return ctx, M
        if self.field == "Q":
            ctx = flint.fmpq_mpoly_ctx.get(("t", d), ordering="degrevlex")
            conv = lambda x: flint.fmpq(x.numerator, x.denominator) if isinstance(x, Fraction) else flint.fmpq(int(x))  # noqa: E731
        else:
            ctx = flint.nmod_mpoly_ctx.get(("t", d), ordering="degrevlex", modulus=int(self.field))
            conv = lambda x: int(x)  # noqa: E731
        gens = ctx.gens()
        zero = ctx.constant(0)
        M = [[zero for _ in range(self.n)] for _ in range(self.n)]
        for i in range(self.n):
            for j in range(i + 1, self.n):
                e = ctx.constant(conv(self.base[i][j])) if self.base[i][j] else zero
                for k, D in enumerate(self.directions):
                    if D[i][j]:
                        e = e + gens[k] * conv(D[i][j])
                M[i][j] = e
                M[j][i] = -e
        return ctx, M

    def _minor_functions(self):
        """``(minor, is_const)``: ``minor(idx)`` is the principal Pfaffian minor on ``idx`` as a
        polynomial in the parameters (over F4, F8, F9: reduced modulo ``m(g)``, so zero iff zero
        over F_q); ``is_const(f)`` says whether it involves no parameter."""
        ctx, M = self._poly_matrix()
        zero, one = ctx.constant(0), ctx.constant(1)
        if _is_fq(self.field):
            F = small_field(int(self.field))
            g = ctx.gens()[-1]
            mg = ctx.constant(0)
            for i, c in enumerate(F.modulus):
                if c:
                    mg = mg + g**i * c

            def minor(idx):
                f = pfaffian_division_free([[M[i][j] for j in idx] for i in idx], zero, one)
                return divmod(f, mg)[1]

            def is_const(f):
                return all(all(e == 0 for e in exps[:-1]) for exps, _ in f.terms())
            return minor, is_const

        def minor(idx):
            return pfaffian_division_free([[M[i][j] for j in idx] for i in idx], zero, one)
        return minor, (lambda f: f.is_constant())

    def _random_point(self, rng: np.random.Generator, bound: int = 50) -> tuple:
        if self.field == "Q":
            return tuple(Fraction(int(v)) for v in rng.integers(-bound, bound + 1, self.dimension))
        return tuple(int(v) for v in rng.integers(0, int(self.field), self.dimension))

    def _symbolic(self, seed: int, groebner_max_vars: int) -> ConstantRankResult:
        t0 = time.perf_counter()
        rng = np.random.default_rng(seed)
        d, n = self.dimension, self.n
        ref = tuple([0] * d) if self.field != "Q" else tuple(Fraction(0) for _ in range(d))
        ref_rank = self.rank_at(ref)
        done = lambda *a, **k: self._result(t0, *a, **k)  # noqa: E731
        if d == 0:
            return done("constant", ref_rank, None, None, {"kind": "single_point"}, None, 1)
        # generic rank from random points (a lower bound; certified below)
        samples = [self._random_point(rng) for _ in range(4)]
        checked = 1
        for pt in samples:
            r = self.rank_at(pt)
            checked += 1
            if r != ref_rank:
                return done("not_constant", ref_rank, pt, r, {"kind": "witness_point", "reference_point": list(ref)}, None, checked)
        R = ref_rank
        minor, is_const = self._minor_functions()
        # (a) all principal Pfaffian minors of order R+2 vanish identically
        n_upper = pointwise = 0
        if R + 2 <= n:
            for idx in itertools.combinations(range(n), R + 2):
                f = minor(idx)
                n_upper += 1
                if not f.is_zero() and self.field != "Q" and self._vanishes_pointwise(f):
                    pointwise += 1  # zero at every F_q-point (reduced modulo t^q - t), not as a polynomial
                    continue
                if not f.is_zero():
                    pt = self._nonzero_point(f, rng, R)
                    if pt is None:
                        return done("unknown", R, None, None, {}, (
                            f"the order-{R + 2} Pfaffian minor on {list(idx)} is a nonzero polynomial "
                            f"but no point where it is nonzero was found (it may vanish on all of F_{self.field}^d)"), checked)
                    wr = self.rank_at(pt)
                    return done("not_constant", R, pt, wr, {"kind": "nonvanishing_upper_minor", "indices": list(idx)}, None, checked + 1)
        # (b) the order-R minors have no common zero over the field
        extra = {"upper_minors_vanish_pointwise": pointwise} if pointwise else {}
        if R == 0:
            return done("constant", 0, None, None, {"kind": "all_upper_minors_vanish", "order": 2, "count": n_upper,
                                                    **extra}, None, checked)
        lower, lower_idx = [], []
        for idx in itertools.combinations(range(n), R):
            f = minor(idx)
            if f.is_zero():
                continue
            if is_const(f):
                cert = {"kind": "nonzero_constant_minor", "indices": list(idx), "value": _coef_str(f),
                        "upper_minors_vanishing": n_upper, "upper_order": R + 2, **extra}
                return done("constant", R, None, None, cert, None, checked)
            lower.append(f)
            lower_idx.append(idx)
        if self.field != "Q":
            per = self._constant_minor_per_value(lower, lower_idx)
            if per is not None:
                cert = {"kind": "constant_minor_per_value", **per, "upper_minors_vanishing": n_upper,
                        "upper_order": R + 2, **extra}
                return done("constant", R, None, None, cert, None, checked)
            return done("unknown", R, None, None, {}, (
                f"no order-{R} Pfaffian minor is a nonzero constant; over F_{self.field} the "
                "exhaustive method decides (raise max_points)"), checked)
        if d > groebner_max_vars:
            cert = _anisotropic_minor(lower, lower_idx)
            if cert is not None:  # a quadratic minor without rational zeros (Hasse-Minkowski)
                cert.update(upper_minors_vanishing=n_upper, upper_order=R + 2)
                return done("constant", R, None, None, cert, None, checked)
            return done("unknown", R, None, None, {}, (
                f"Groebner basis in {d} variables exceeds groebner_max_vars={groebner_max_vars}"), checked)
        return self._groebner_decide(lower, lower_idx, R, n_upper, t0, checked)

    def _vanishes_pointwise(self, f) -> bool:
        """Whether the polynomial ``f`` (from :meth:`_minor_functions`) is zero at every point
        of ``F_q^d``: its reduction modulo ``t_i^q - t_i`` is zero (reduced polynomials are
        the functions on ``F_q^d``; Lidl-Niederreiter, Section 7.1)."""
        q = int(self.field)
        fq = _is_fq(q)
        char = small_field(q).p if fq else q
        reduced: dict[tuple[int, ...], int] = {}
        for exps, c in f.terms():
            ts = exps[:-1] if fq else exps
            key = tuple(0 if e == 0 else (e - 1) % (q - 1) + 1 for e in ts) + ((exps[-1],) if fq else ())
            reduced[key] = (reduced.get(key, 0) + int(c)) % char
        return not any(reduced.values())

    def _substitute(self, f, var: int, value: int):
        """``f`` with the parameter ``t_var`` set to the element ``value`` (reduced over F4, F8, F9)."""
        q = int(self.field)
        if not _is_fq(q):
            return f.subs({f"t{var}": int(value)})
        ctx = f.context()
        gens = list(ctx.gens())
        F = small_field(q)
        g = gens[-1]
        val = ctx.constant(0)
        for i, c in enumerate(F.digits(int(value))):
            if c:
                val = val + g**i * c
        mg = ctx.constant(0)
        for i, c in enumerate(F.modulus):
            if c:
                mg = mg + g**i * c
        gens[var] = val
        return divmod(f.compose(*gens), mg)[1]

    def _constant_minor_per_value(self, lower, lower_idx) -> dict | None:
        """A parameter ``t_v`` such that for each value ``a`` of ``F_q`` some order-``R`` minor
        becomes a nonzero constant on the slice ``t_v = a`` (so no point has rank ``< R``)."""
        q = int(self.field)
        _, is_const = self._minor_functions()
        for v in range(self.dimension):
            if not any(f.degrees()[v] for f in lower):
                continue
            per: dict[str, list[int]] = {}
            for a in range(q):
                hit = None
                for f, idx in zip(lower, lower_idx, strict=True):
                    h = self._substitute(f, v, a)
                    if not h.is_zero() and is_const(h):
                        hit = list(idx)
                        break
                if hit is None:
                    break
                per[str(a)] = hit
            if len(per) == q:
                return {"variable": v, "minors": per}
        return None

    def _nonzero_point(self, f, rng: np.random.Generator, R: int) -> tuple | None:
        d = self.dimension
        if _is_fq(self.field):  # evaluate through the rank (the minor has order R + 2)
            q = int(self.field)
            for _ in range(200):
                pt = self._random_point(rng)
                if self.rank_at(pt) > R:
                    return pt
            if q**d <= 10**6:
                for k in range(q**d):
                    pt = self._digits(k)
                    if self.rank_at(pt) > R:
                        return pt
            return None
        for _ in range(200):
            pt = self._random_point(rng, 10**6)
            vals = [flint.fmpq(x.numerator, x.denominator) if isinstance(x, Fraction) else int(x) for x in pt]
            if f(*vals) != 0:
                return pt
        if self.field != "Q" and int(self.field) ** d <= 10**6:
            for k in range(int(self.field) ** d):
                pt = self._digits(k)
                if f(*pt) != 0:
                    return pt
        return None

    def _result(self, t0, status, rank, witness, wrank, cert, reason, checked) -> ConstantRankResult:
        is_c = {"constant": True, "not_constant": False}.get(status)
        return ConstantRankResult(
            status, is_c, rank, None if witness is None else tuple(witness), wrank, self.field,
            self.n, self.dimension, "symbolic", cert, reason, checked, time.perf_counter() - t0,
        )

    def _groebner_decide(self, polys, idxs, R, n_upper, t0, checked) -> ConstantRankResult:
        import sympy

        d = self.dimension
        syms = sympy.symbols(f"t0:{d}")
        exprs = [_to_sympy(f, syms) for f in polys]
        G = sympy.groebner(exprs, *syms, order="grevlex", domain="QQ")
        if list(G.exprs) == [1]:
            cert = {"kind": "groebner_unit", "order": R, "generators": len(exprs),
                    "upper_minors_vanishing": n_upper, "upper_order": R + 2}
            return self._result(t0, "constant", R, None, None, cert, None, checked)
        sol = _rational_zero(list(G.exprs), list(syms), depth=0)
        if sol is not None:
            pt = tuple(Fraction(int(sympy.fraction(v)[0]), int(sympy.fraction(v)[1])) for v in sol)
            wr = self.rank_at(pt)
            if wr < R:
                return self._result(t0, "not_constant", R, pt, wr, {"kind": "rational_common_zero", "order": R}, None, checked + 1)
        if sol is None and _is_zero_dimensional(G, syms):
            # all complex common zeros were enumerated by back-substitution: none is rational
            cert = {"kind": "no_rational_common_zero", "order": R, "groebner_basis": [str(g) for g in G.exprs]}
            return self._result(t0, "constant", R, None, None, cert, None, checked)
        if sol is None:
            # a minor, or an element of the ideal, of degree 2 without rational zeros (Hasse-Minkowski)
            cert = _anisotropic_minor(polys, idxs)
            if cert is not None:
                cert.update(upper_minors_vanishing=n_upper, upper_order=R + 2)
                return self._result(t0, "constant", R, None, None, cert, None, checked)
            for k, g in enumerate(G.exprs):
                qc = _anisotropic_terms(_sympy_terms(g, syms))
                if qc is not None:
                    cert = {"kind": "anisotropic_quadratic_ideal_element", "order": R, "element": str(g),
                            "element_index": k, **qc, "upper_minors_vanishing": n_upper, "upper_order": R + 2}
                    return self._result(t0, "constant", R, None, None, cert, None, checked)
        return self._result(t0, "unknown", R, None, None, {"groebner_basis": [str(g) for g in G.exprs][:20]}, (
            f"the order-{R} Pfaffian minors have common complex zeros on a positive-dimensional "
            "variety and no rational point was found; rational points of varieties are not decidable in general"), checked)

    # ------------------------------------------------------------------ public decision
    def constant_rank(self, *, method: ConstantRankMethod = "auto", max_points: int = 10**7,
                      seed: int = 0, time_limit: float | None = None,
                      groebner_max_vars: int = 10) -> ConstantRankResult:
        """Decide whether every point of the family has the same rank.

        Args:
            method: ``"auto"``, ``"exhaustive"`` (F_p only) or ``"symbolic"``.
            max_points: largest ``p^d`` for the exhaustive scan (``"auto"`` switches to the
                symbolic certificate above it; ``"exhaustive"`` answers "unknown").
            seed: seed of the random sample points (symbolic method).
            time_limit: optional wall-clock limit for the exhaustive scan (answer "unknown").
            groebner_max_vars: largest ``d`` for which a Groebner basis is attempted over Q.

        Returns:
            A :class:`ConstantRankResult` (verified: a witness's rank is recomputed exactly).

        Raises:
            InvalidInputError: unknown method, or ``"exhaustive"`` over Q.
        """
        if not isinstance(method, str) or method not in _METHODS:
            raise InvalidInputError(f"method={short_repr(method)} is not one of {sorted(_METHODS)}")
        max_points = check_int(max_points, "max_points", low=0, what="a number of points")
        seed = check_seed(seed, allow_none=False)
        if time_limit is not None:
            time_limit = check_real(time_limit, "time_limit", low=0, low_open=True,
                                    what="a number of seconds")
        groebner_max_vars = check_int(groebner_max_vars, "groebner_max_vars", low=0)
        if method == "exhaustive" and self.field == "Q":
            raise InvalidInputError("method='exhaustive' needs a finite field; over Q use 'symbolic' or 'auto'")
        use_exh = False
        if self.field != "Q":
            p = int(self.field)
            feasible = p < _KERNEL_PRIME and p**self.dimension <= max_points
            if method == "exhaustive":
                if not feasible:
                    return ConstantRankResult(
                        "unknown", None, None, None, None, self.field, self.n, self.dimension,
                        "exhaustive", {}, f"{p}^{self.dimension} points exceed max_points={max_points}",
                        space=self,
                    )
                use_exh = True
            elif method == "auto":
                use_exh = feasible
        res = self._exhaustive(max_points, time_limit) if use_exh else self._symbolic(seed, groebner_max_vars)
        if res.witness is not None and self.rank_at(res.witness) != res.witness_rank:  # exact re-check
            raise VerificationError("witness rank changed on recomputation")  # pragma: no cover
        res = dataclasses.replace(res, space=self)
        res.check(recompute=False)
        return res


def _param(x: Any, i: int) -> Fraction:
    """One parameter of :meth:`AffineAlternatingSpace.point`: an exact number (or ``'3/4'``)."""
    if not isinstance(x, bool) and isinstance(x, numbers.Rational | str):
        try:
            return Fraction(x)
        except (ValueError, ZeroDivisionError):
            pass
    raise InvalidInputError(
        f"params[{i}]={short_repr(x)} is not an exact number; use ints, Fractions or strings like '3/4'")


def _balanced(m: list[list[int]], p: int) -> list[list[int]]:
    """Residues as integers in (-p/2, p/2], upper triangle first, lower = -upper: the JSON
    matrix is then alternating over Z as well as over F_p."""
    n = len(m)
    out = [[0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            v = int(m[i][j]) % p
            if v > p // 2:
                v -= p
            out[i][j], out[j][i] = v, -v
    return out


def _rank_rows(rows: list[list[Any]], field: str | int) -> int:
    if not rows or not rows[0]:
        return 0
    if _is_fq(field):
        return small_field(int(field)).rank(rows)
    if field == "Q":
        return int(flint.fmpq_mat([[flint.fmpq(x.numerator, x.denominator) for x in r] for r in rows]).rank())
    p = int(field)
    if p < 2**63:
        return int(flint.nmod_mat(rows, p).rank())
    return int(flint.fmpz_mod_mat(rows, flint.fmpz_mod_ctx(p)).rank())


def _coef_str(f) -> Any:
    c = f.coefficient(0) if hasattr(f, "coefficient") else f
    try:
        return int(c)
    except (TypeError, ValueError):
        return str(c)


def _to_sympy(f, syms):
    import sympy

    expr = sympy.Integer(0)
    for monom, c in f.terms():
        term = sympy.Rational(int(c.p), int(c.q)) if hasattr(c, "p") else sympy.Integer(int(c))
        for s, e in zip(syms, monom, strict=True):
            if e:
                term *= s**e
        expr += term
    return expr


def _is_zero_dimensional(G, syms) -> bool:
    """Finitely many complex common zeros (a pure power of every variable leads some element)."""
    return bool(G.is_zero_dimensional)


def _rational_zero(polys: list, syms: list, depth: int):
    """A rational common zero of ``polys`` (found by lex elimination + rational roots), or None.

    Complete for zero-dimensional systems (every rational zero is reached by back-substituting
    rational roots of the univariate eliminant); for positive-dimensional ones it returns None
    when a free variable appears (the caller then answers "unknown" unless zero-dimensional).
    """
    import sympy

    polys = [sympy.expand(p) for p in polys if sympy.expand(p) != 0]
    if not syms:
        return [] if not polys else None
    if not polys:
        return [sympy.Integer(0)] * len(syms)
    G = sympy.groebner(polys, *syms, order="lex", domain="QQ")
    if list(G.exprs) == [1]:
        return None
    last = syms[-1]
    uni = [g for g in G.exprs if g.free_symbols <= {last}]
    if not uni:
        # ``last`` is free on some component: try a few rational values (finds points, proves nothing)
        if depth > 8:
            return None
        for r in (0, 1, -1, 2, -2, 3):
            sub = [sympy.expand(p.subs(last, r)) for p in G.exprs]
            if any(s.is_number and s != 0 for s in sub):
                continue
            rest = _rational_zero([s for s in sub if s != 0], syms[:-1], depth + 1)
            if rest is not None:
                return list(rest) + [sympy.Integer(r)]
        return None
    g = uni[0]
    roots = [r for r in sympy.roots(sympy.Poly(g, last), filter="Q").keys()]
    if not roots:
        # rational roots via factorisation (roots() may miss some with filter)
        roots = [-f.as_poly(last).all_coeffs()[1] / f.as_poly(last).all_coeffs()[0]
                 for f, _ in sympy.factor_list(g, last)[1] if sympy.degree(f, last) == 1]
    for r in roots:
        sub = [sympy.expand(p.subs(last, r)) for p in G.exprs]
        if any(s.is_number and s != 0 for s in sub):
            continue
        rest = _rational_zero([s for s in sub if s != 0], syms[:-1], depth + 1)
        if rest is not None:
            return list(rest) + [r]
    return None


# --------------------------------------------------------------------------- quadratic forms
def _mpoly_terms(f) -> list[tuple[tuple[int, ...], Fraction]]:
    return [(tuple(int(e) for e in exps), Fraction(int(c.p), int(c.q))) for exps, c in f.terms()]


def _sympy_terms(g, syms) -> list[tuple[tuple[int, ...], Fraction]]:
    import sympy

    P = sympy.Poly(g, *syms)
    return [(tuple(int(e) for e in m), Fraction(int(sympy.fraction(c)[0]), int(sympy.fraction(c)[1])))
            for m, c in P.terms()]


def _anisotropic_terms(terms) -> dict | None:
    """``{"variables", "gram", "diagonal", "place"}`` when the degree-2 polynomial has no
    rational zero (its homogenisation is nondegenerate and anisotropic), else ``None``."""
    from solvers.constant_rank.quadratic import anisotropy_certificate, quadratic_form_of_polynomial

    qf = quadratic_form_of_polynomial(terms)
    if qf is None:
        return None
    used, G = qf
    c = anisotropy_certificate(G)
    if c is None:
        return None
    return {"variables": [f"t{i}" for i in used], "gram": [[str(x) for x in row] for row in G], **c}


def _anisotropic_minor(polys, idxs) -> dict | None:
    """The first order-R minor without rational zeros, as a certificate: a quadratic whose form
    is anisotropic (Hasse-Minkowski), or a product of such quadratics (its factorisation over Q;
    a product vanishes only where a factor does)."""
    for f, idx in zip(polys, idxs, strict=True):
        if f.total_degree() == 2:
            qc = _anisotropic_terms(_mpoly_terms(f))
            if qc is not None:
                return {"kind": "anisotropic_quadratic_minor", "indices": list(idx), "polynomial": str(f), **qc}
            continue
        if f.total_degree() < 4 or f.total_degree() % 2:
            continue
        factors = _quadratic_factor_certificates(f)
        if factors is not None:
            return {"kind": "anisotropic_quadratic_minor", "indices": list(idx), "polynomial": str(f),
                    "factors": factors}
    for f, idx in zip(polys, idxs, strict=True):  # positive definite: a sum of squares with 1
        if f.total_degree() >= 4 and f.total_degree() % 2 == 0:
            from solvers.constant_rank.quadratic import sos_certificate

            sos = sos_certificate(_mpoly_terms(f), len(f.context().gens()))
            if sos is not None:
                return {"kind": "positive_definite_minor", "indices": list(idx), "polynomial": str(f), **sos}
    return None


def _quadratic_factor_certificates(f) -> list[dict] | None:
    """Per irreducible factor of ``f`` over Q, its anisotropy certificate (None unless every
    non-constant factor is a quadratic without rational zeros)."""
    _, facs = f.factor()
    out = []
    for g, e in facs:
        if g.total_degree() != 2:
            return None
        qc = _anisotropic_terms(_mpoly_terms(g))
        if qc is None:
            return None
        out.append({"factor": str(g), "multiplicity": int(e), **qc})
    return out or None


def _check_anisotropic(terms, cert: dict) -> None:
    """Recompute the quadratic form of ``terms`` and re-derive the local obstruction of ``cert``."""
    from solvers.constant_rank.quadratic import check_anisotropy, quadratic_form_of_polynomial

    qf = quadratic_form_of_polynomial(terms)
    if qf is None:
        raise VerificationError("the certified polynomial does not have total degree 2")
    used, G = qf
    if [str(x) for row in G for x in row] != [str(x) for row in cert.get("gram", []) for x in row]:
        raise VerificationError("the certified Gram matrix is not the polynomial's quadratic form")
    check_anisotropy(G, cert)
