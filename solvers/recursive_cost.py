"""Recursive cost of a structured scheme: recursive calls, general calls, asymptotic factor.

A scheme of rank ``r`` for an ``n x n`` structured format (see :mod:`engine.structured`) is
used block-recursively: the operands are split into ``n x n`` blocks and each product
``m_t = L_t R_t`` multiplies two linear combinations of blocks. A combination of *diagonal*
blocks of an upper-triangular (lower, symmetric, skew) operand has that structure again; a
combination involving an off-diagonal block is general. So each product is

- a **recursive call** to the format itself (e.g. upper x general for ``ug``, or ``L L^T``
  with ``L`` of the operand's structure for the ``xt`` formats, when ``u_t = +-v_t``),
- a call to **another structured format** (e.g. ``L L^T`` with a general ``L`` inside a
  ``ut`` scheme is a ``gt`` call), or
- a **general** multiplication (cost ``M(N) ~ C N^omega``).

With ``gamma_f`` the factor of format ``f`` relative to general multiplication
(``T_f(N) ~ gamma_f C N^omega``), the recursion ``T_f(N) = sum_t T_{kind(t)}(N/n)`` gives

``gamma_f (n^omega - R) = G + sum_{other kinds} gamma_kind``,

with ``R`` recursive calls and ``G`` general calls; ``omega = log2 7`` (Strassen-Winograd
as the general multiplication) by default, so ``n^omega = 7^(log2 n)`` is an integer for
``n = 2, 4`` and the factor is an exact fraction: a 4x4 rank-34 ``ug`` scheme with 12
recursive calls has ``gamma = (34 - 12)/(49 - 12) = 22/37``.

For symmetric and skew operands the block reading additionally needs the transposed
off-diagonal blocks (``A_ji = +-A_ij^T``) and, for skew operands, the diagonal blocks (zero
in the scalar tensor): the scalar Brent equations do not certify that; the result says so
(``block_exact=False``).

Reference: K. Khoruzhii, P. Gelss, S. Pokutta, "Faster algorithms for structured matrix
multiplication via flip graph search", arXiv:2511.10786 (2025), Sec. 2-3 (recursive calls
and multiplicative factors); J.-G. Dumas, C. Pernet, A. Sedoglavic, ISSAC 2020 (A A^T).

Examples:
    >>> from engine.structured import structured_tensor
    >>> from engine.schemes import BilinearScheme
    >>> from solvers.recursive_cost import recursive_cost
    >>> T = structured_tensor("ug", 2)
    >>> s = BilinearScheme(T, *T.trivial_scheme())       # the standard algorithm
    >>> c = recursive_cost(s)
    >>> c.rank, c.recursive_calls, c.general_calls, c.factor
    (6, 4, 2, Fraction(2, 3))
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from engine._args import short_repr
from engine.errors import InvalidInputError, VerificationError
from engine.results import Result
from engine.schemes import BilinearScheme
from engine.structured import StructuredTarget, parse_structure, structured_tensor

__all__ = ["RecursiveCost", "recursive_cost", "classify_products", "naive_additions"]

_TRANSPOSE = {"g": "g", "u": "l", "l": "u", "s": "s", "k": "k"}


@dataclass(frozen=True)
class RecursiveCost(Result):
    """Cost of a structured scheme used block-recursively.

    Attributes:
        structure, n, rank: the format, the block count per side and the rank.
        kinds: per product, ``"self"``, ``"general"`` or the format code it calls.
        recursive_calls, general_calls: counts of ``"self"`` and ``"general"`` products.
        structured_calls: other formats called, with counts.
        omega: exponent of the general multiplication; n_omega: ``n^omega``.
        factor: ``gamma`` (a Fraction when ``n^omega`` is an integer, else a float; None when
            ``recursive_calls >= n^omega``: the recursion then has a larger exponent).
        additions: naive addition count of one level (``sum (nnz - 1)`` over the forms).
        block_exact: False when the block reading needs transposed/diagonal blocks that the
            scalar tensor does not encode (symmetric or skew operands).
        gammas_used: factors assumed for the other formats called (default 1, general).
        scheme: the scheme read (recorded by :func:`recursive_cost`; None when built by
            hand, and then :meth:`check` tests the recursion formula only).
    """

    structure: str
    n: int
    rank: int
    kinds: tuple[str, ...]
    recursive_calls: int
    general_calls: int
    structured_calls: dict
    omega: float
    n_omega: Any
    factor: Any
    additions: int
    block_exact: bool
    gammas_used: dict
    scheme: BilinearScheme | None = field(default=None, repr=False, compare=False)

    @property
    def factor_float(self) -> float | None:
        """The factor as a float (None when undefined)."""
        return None if self.factor is None else float(self.factor)

    def to_json(self) -> dict:
        """JSON form (fractions as ``"a/b"`` strings)."""
        f = self.factor
        return {
            "structure": self.structure,
            "n": self.n,
            "rank": self.rank,
            "recursive_calls": self.recursive_calls,
            "general_calls": self.general_calls,
            "structured_calls": dict(self.structured_calls),
            "kinds": list(self.kinds),
            "omega": self.omega,
            "n_omega": str(self.n_omega),
            "factor": None if f is None else str(f),
            "factor_float": self.factor_float,
            "additions": self.additions,
            "block_exact": self.block_exact,
            "gammas_used": {k: str(v) for k, v in self.gammas_used.items()},
            "scheme": None if self.scheme is None else self.scheme.to_json(),
        }

    def check(self) -> None:
        """Re-verify exactly.

        The counts agree with ``kinds`` and ``rank``, and the factor solves the recursion
        ``gamma (n^omega - R) = G + sum_kind c_kind gamma_kind`` in exact rationals (floats
        when ``n^omega`` or a factor is a float; ``None`` iff ``R >= n^omega``). With the
        scheme recorded, :func:`recursive_cost` is run on it again (same ``omega`` and
        factors) and every field must come out the same. The scheme's Brent equations are
        not part of the claim (a cost can be read off any decomposition).

        Raises:
            VerificationError: a claim above fails (the message names it).
        """
        cnt = Counter(self.kinds)
        others = {k: c for k, c in cnt.items() if k not in ("self", "general")}
        if (len(self.kinds) != self.rank or cnt.get("self", 0) != self.recursive_calls
                or cnt.get("general", 0) != self.general_calls or others != dict(self.structured_calls)):
            raise VerificationError(
                f"the counts (rank {self.rank}, R {self.recursive_calls}, G {self.general_calls}, "
                f"{self.structured_calls}) do not match the kinds {self.kinds}")
        if set(self.gammas_used) != set(others):
            raise VerificationError(f"gammas_used {self.gammas_used} does not name the formats called {others}")
        den = self.n_omega - self.recursive_calls
        if den <= 0:
            if self.factor is not None:
                raise VerificationError(f"factor={self.factor}, but R >= n^omega leaves it undefined")
        else:
            rhs = self.general_calls + sum(c * self.gammas_used[k] for k, c in others.items())
            if self.factor is None:
                raise VerificationError("factor is None although R < n^omega")
            if isinstance(self.factor, float) or isinstance(rhs, float) or isinstance(den, float):
                ok = math.isclose(float(self.factor) * float(den), float(rhs), rel_tol=1e-12, abs_tol=1e-12)
            else:
                ok = Fraction(self.factor) * den == rhs
            if not ok:
                raise VerificationError(
                    f"factor={self.factor} does not solve gamma (n^omega - R) = G + sum gamma_k c_k "
                    f"({self.n_omega} - {self.recursive_calls}, right side {rhs})")
        if self.scheme is None:
            return
        exact = isinstance(self.n_omega, int)
        try:
            again = recursive_cost(self.scheme, structure=self.structure, n=self.n,
                                   omega=None if exact else self.omega, gammas=self.gammas_used or None)
        except InvalidInputError as exc:
            raise VerificationError(f"the recorded scheme cannot be read as {self.structure}: {exc}") from None
        for f in dataclasses.fields(self):
            if f.compare and getattr(again, f.name) != getattr(self, f.name):
                raise VerificationError(
                    f"{f.name}={short_repr(getattr(self, f.name))}, but the scheme gives {short_repr(getattr(again, f.name))}")

    @classmethod
    def from_json(cls, d: dict) -> RecursiveCost:
        """Rebuild from :meth:`to_json` (``"a/b"`` strings as Fractions, decimals as floats)."""
        from solvers.lifting import _scheme_from_json

        sch = d.get("scheme")
        f = d.get("factor")
        return cls(
            structure=d["structure"], n=int(d["n"]), rank=int(d["rank"]), kinds=tuple(d["kinds"]),
            recursive_calls=int(d["recursive_calls"]), general_calls=int(d["general_calls"]),
            structured_calls={k: int(v) for k, v in d["structured_calls"].items()},
            omega=float(d["omega"]), n_omega=_number(d["n_omega"]),
            factor=None if f is None else _number(f), additions=int(d["additions"]),
            block_exact=bool(d["block_exact"]),
            gammas_used={k: _number(v) for k, v in d["gammas_used"].items()},
            scheme=None if sch is None else _scheme_from_json(sch),
        )

    @classmethod
    def example(cls) -> RecursiveCost:
        """The standard 2x2 upper-triangular times general algorithm: 6 products, 4 of them
        recursive (a diagonal block of U times a block of B), 2 general, so
        ``gamma = 2/(7 - 4) = 2/3`` (hand-computed from the recursion; Khoruzhii, Gelss and
        Pokutta, arXiv:2511.10786, Sec. 3), computed by :func:`recursive_cost`.

        Examples:
            >>> from solvers.recursive_cost import RecursiveCost
            >>> RecursiveCost.example().factor
            Fraction(2, 3)
        """
        T = structured_tensor("ug", 2)
        return recursive_cost(BilinearScheme(T, *T.trivial_scheme()))

    @classmethod
    def tampered(cls) -> RecursiveCost:
        """:meth:`example` claiming the factor 3/4."""
        return dataclasses.replace(cls.example(), factor=Fraction(3, 4))


def _number(text: Any) -> Any:
    """``"2/3"`` or ``"49"`` as a Fraction or int, ``"0.59"`` as a float (as written by ``str``)."""
    if isinstance(text, int | float):
        return text
    t = str(text)
    if any(c in t.lower() for c in ".en"):
        return float(t)
    q = Fraction(t)
    return q.numerator if q.denominator == 1 and "/" not in t else q


def naive_additions(scheme: BilinearScheme) -> int:
    """Additions of the naive evaluation: ``sum_t (|u_t| - 1) + (|v_t| - 1)`` plus
    ``sum_c (|w_{.c}| - 1)`` (``|.|`` = number of nonzeros; empty forms count 0).

    Examples:
        >>> from engine.schemes import Scheme
        >>> from solvers.recursive_cost import naive_additions
        >>> naive_additions(Scheme.strassen())
        18
    """

    def cnt(arr: np.ndarray, axis: int) -> int:
        nz = np.count_nonzero(np.asarray(arr != 0), axis=axis)
        return int(np.maximum(nz - 1, 0).sum())

    scheme = _check_scheme(scheme)
    return cnt(scheme.u, 1) + cnt(scheme.v, 1) + cnt(scheme.w, 0)


def _form_type(struct: str, coords: tuple, support: np.ndarray) -> str:
    if struct == "g":
        return "g"
    if all(coords[a][0] == coords[a][1] for a in support):
        return struct
    return "g"


def _check_scheme(scheme: Any) -> BilinearScheme:
    if not isinstance(scheme, BilinearScheme):
        raise InvalidInputError(f"scheme={short_repr(scheme)} must be an engine.schemes.BilinearScheme")
    return scheme


def _resolve(scheme: BilinearScheme, structure: str | None, n: int | None) -> StructuredTarget:
    T = _check_scheme(scheme).target
    if isinstance(T, StructuredTarget) and structure is None:
        return T
    if structure is None or n is None:
        raise InvalidInputError(
            "the scheme's target is not a structured target; pass structure=... and n=... "
            "(for example structure='ug', n=4) to read it as one"
        )
    S = structured_tensor(structure, n)
    if S.shape != T.shape or not np.array_equal(S.array, T.array):
        raise InvalidInputError(
            f"the scheme's target (shape {T.shape}) is not the {S.structure} tensor of size {n} (shape {S.shape})"
        )
    return S


def classify_products(scheme: BilinearScheme, structure: str | None = None, n: int | None = None) -> list[str]:
    """Kind of every product: ``"self"`` (recursive call), ``"general"`` or a format code.

    Raises:
        InvalidInputError: the target is not (or does not match) a structured target.

    Examples:
        >>> from engine.structured import structured_tensor
        >>> from engine.schemes import BilinearScheme
        >>> from solvers.recursive_cost import classify_products
        >>> T = structured_tensor("gt", 2)
        >>> classify_products(BilinearScheme(T, *T.trivial_scheme()))
        ['self', 'general', 'self', 'general', 'self', 'self']
    """
    S = _resolve(scheme, structure, n)
    code = S.structure
    x, y = S.operands
    kinds = []
    u = np.asarray(scheme.u)
    v = np.asarray(scheme.v)
    for t in range(scheme.rank):
        su = np.nonzero(u[t] != 0)[0]
        sv = np.nonzero(v[t] != 0)[0]
        lt = _form_type(x, S.a_coords, su)
        rt = _form_type(y, S.b_coords, sv)
        if S.transposed:
            same = len(su) == len(sv) and (np.array_equal(u[t], v[t]) or np.array_equal(u[t], -v[t]))
            kind = lt + "t" if same else lt + _TRANSPOSE[rt]
        else:
            kind = lt + rt
        if kind == code:
            kinds.append("self")
        elif kind == "gg":
            kinds.append("general")
        else:
            kinds.append(kind)
    return kinds


def recursive_cost(
    scheme: BilinearScheme,
    *,
    structure: str | None = None,
    n: int | None = None,
    omega: float | None = None,
    gammas: dict | None = None,
) -> RecursiveCost:
    """Recursive calls, general calls and the asymptotic factor of a structured scheme.

    Args:
        scheme: a scheme whose target is a :class:`~engine.structured.StructuredTarget`
            (or any scheme, with ``structure`` and ``n`` naming the format it decomposes).
        structure, n: the format to read the scheme as (only for plain targets).
        omega: exponent of the general multiplication (default ``log2 7``, exact for n = 2, 4).
        gammas: known factors of other formats called by the scheme (format -> factor;
            default 1, i.e. done as a general multiplication).

    Returns:
        :class:`RecursiveCost`.

    Raises:
        InvalidInputError: not a structured scheme, bad ``omega`` or ``gammas``.

    Examples:
        >>> from engine.structured import structured_tensor
        >>> from engine.schemes import BilinearScheme
        >>> from solvers.recursive_cost import recursive_cost
        >>> T = structured_tensor("gt", 2)     # A A^T, the 6 naive products
        >>> recursive_cost(BilinearScheme(T, *T.trivial_scheme())).factor
        Fraction(2, 3)
    """
    S = _resolve(scheme, structure, n)
    code = S.structure
    if structure is not None:
        parse_structure(structure)
    k = S.n
    exact = omega is None
    if omega is None:
        omega = math.log2(7)
    if isinstance(omega, bool) or not isinstance(omega, int | float) or not 2 <= omega <= 3:
        raise InvalidInputError(f"omega={short_repr(omega)} must be a number in [2, 3]")
    gam: dict[str, Any] = {}
    if gammas is not None and not isinstance(gammas, dict):
        raise InvalidInputError(f"gammas={short_repr(gammas)} must be a dict format -> factor, or None")
    for key, val in (gammas or {}).items():
        kk = parse_structure(key)
        try:
            fv = Fraction(val) if not isinstance(val, float) else val
        except (TypeError, ValueError):
            raise InvalidInputError(f"gammas[{short_repr(key)}]={short_repr(val)} must be a number") from None
        if not 0 <= fv <= 1:
            raise InvalidInputError(f"gammas[{short_repr(key)}]={short_repr(val)} must lie in [0, 1] (a factor relative to general)")
        gam[kk] = fv
    kinds = classify_products(scheme, structure=code if structure is not None else None, n=k if structure is not None else None)
    cnt = Counter(kinds)
    R = cnt.get("self", 0)
    G = cnt.get("general", 0)
    others = {kd: c for kd, c in cnt.items() if kd not in ("self", "general")}
    used = {kd: gam.get(kd, Fraction(1)) for kd in others}
    if exact and (k & (k - 1)) == 0:
        n_omega: Any = 7 ** int(round(math.log2(k)))
    else:
        n_omega = float(k) ** omega
    num: Any = Fraction(G) + sum((Fraction(c) * (used[kd] if not isinstance(used[kd], float) else 1) for kd, c in others.items()), Fraction(0))
    if any(isinstance(v, float) for v in used.values()):
        num = float(G) + sum(c * float(used[kd]) for kd, c in others.items())
    den = n_omega - R
    if den <= 0:
        factor = None
    elif isinstance(n_omega, int) and not isinstance(num, float):
        factor = Fraction(num) / den
    else:
        factor = float(num) / float(den)
    x, y = S.operands
    block_exact = not ({x, y} & {"s", "k"})
    return RecursiveCost(
        structure=code, n=k, rank=scheme.rank, kinds=tuple(kinds), recursive_calls=R, general_calls=G,
        structured_calls=others, omega=float(omega), n_omega=n_omega, factor=factor,
        additions=naive_additions(scheme), block_exact=block_exact, gammas_used=used, scheme=scheme,
    )
