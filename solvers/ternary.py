"""Ternary coefficients by sandwiching: make an integer scheme's coefficients lie in {-1, 0, 1}.

A scheme for ``<n,m,p>`` stays valid under the sandwich symmetry ``A -> P A Q^-1``,
``B -> Q B R^-1`` (:meth:`engine.schemes.Scheme.sandwich`); with unimodular integer ``P, Q, R``
it stays integral, and its coefficients change. :func:`ternarize` searches the products of
elementary transvections ``I +- E_ij`` by simulated annealing for a sandwich that brings every
coefficient into ``{-1, 0, 1}`` (the ZT ring of the ternary flip-graph framework), so a
scheme found mod 2 and lifted to Z becomes a ternary scheme. Measured: every rank-38 3x4x4
scheme lifted from F2 to Z in three runs (largest coefficients 3 and 4) became ternary within
60-360 moves (0.02-0.06 s); one other lift kept an excess of 2 after 800 000 moves.

References: H. F. de Groote, "On varieties of optimal algorithms for the computation of
bilinear mappings I. The isotropy group of a bilinear mapping", Theoret. Comput. Sci. 7
(1978) (the sandwich symmetries); S. Kirkpatrick, C. D. Gelatt, M. P. Vecchi, "Optimization by
simulated annealing", Science 220 (1983); A. I. Perminov, "Fast matrix multiplication via
ternary meta flip graphs", arXiv:2511.20317 (ternary schemes; sandwiching as a move).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine._args import check_seed, short_repr
from engine.errors import InvalidInputError, VerificationError
from engine.results import Result
from engine.schemes import Scheme

__all__ = ["TernarizeResult", "ternarize", "excess"]


@dataclass(frozen=True)
class TernarizeResult(Result):
    """Outcome of :func:`ternarize`.

    Attributes:
        scheme: the sandwiched scheme (ring ``"ZT"`` when ``ternary``), verified exactly over Z;
            the input itself when it already was ternary.
        ternary: every coefficient is in {-1, 0, 1}.
        P, Q, R: the unimodular integer matrices with ``scheme == input.sandwich(P, Q, R)``.
        excess: ``sum(max(|c| - 1, 0))`` over the coefficients of ``scheme`` (0 iff ternary);
            start_excess: the same for the input.
        moves: transvections tried; restarts: annealing runs; seed: the seed.
        verification: how the result was checked.
    """

    scheme: Scheme
    ternary: bool
    P: np.ndarray
    Q: np.ndarray
    R: np.ndarray
    excess: int
    start_excess: int
    moves: int
    restarts: int
    seed: int | None
    verification: str

    def check(self) -> None:
        """Re-verify exactly: the Brent equations of ``scheme`` over ZT when ``ternary``, else
        over Z (its ring must say so); ``excess`` recomputed and ``ternary == (excess == 0)``;
        ``P, Q, R`` integer matrices of the format's sizes with determinant +-1; and the
        input, recovered as ``scheme.sandwich(P^-1, Q^-1, R^-1)``, integral, valid over Z and
        of excess ``start_excess``.

        Raises:
            VerificationError: a claim above fails (the message names it).
        """
        import flint

        s = self.scheme
        ring = "ZT" if self.ternary else "Z"
        if not isinstance(s, Scheme) or s.ring != ring:
            raise VerificationError(f"the scheme's ring is {short_repr(getattr(s, 'ring', None))}, expected {short_repr(ring)}")
        s.check(ring)
        exc = excess(s)
        if exc != self.excess or (exc == 0) != bool(self.ternary):
            raise VerificationError(f"excess={self.excess}, ternary={self.ternary}, but the scheme's excess is {exc}")
        invs = []
        for name, M, d in (("P", self.P, s.format[0]), ("Q", self.Q, s.format[1]), ("R", self.R, s.format[2])):
            A = np.asarray(M, dtype=object)
            if A.shape != (d, d) or any(int(x) != x for x in A.ravel()):
                raise VerificationError(f"{name} is not a {d}x{d} integer matrix")
            F = flint.fmpz_mat([[int(x) for x in row] for row in A.tolist()])
            if abs(int(F.det())) != 1:
                raise VerificationError(f"{name} has determinant {F.det()}, not +-1 (not unimodular)")
            inv = F.inv()  # an fmpq_mat with integer entries
            invs.append([[int(inv[i, j].p) for j in range(d)] for i in range(d)])
        src = s.sandwich(*invs)
        msg = src.first_failure("Z")
        if msg is not None:
            raise VerificationError(f"the input recovered from (P, Q, R) is not valid over Z: {msg}")
        if excess(src) != self.start_excess:
            raise VerificationError(
                f"start_excess={self.start_excess}, but the input recovered from (P, Q, R) has excess {excess(src)}")
        if min(self.moves, self.restarts) < 0:
            raise VerificationError(f"moves={self.moves}, restarts={self.restarts} must be >= 0")

    def to_json(self) -> dict:
        """JSON form (the scheme in the issue-5 JSON format)."""
        return {
            "ternary": self.ternary, "excess": self.excess, "start_excess": self.start_excess,
            "moves": self.moves, "restarts": self.restarts, "seed": self.seed,
            "P": self.P.tolist(), "Q": self.Q.tolist(), "R": self.R.tolist(),
            "verification": self.verification, "scheme": self.scheme.to_json(),
        }

    @classmethod
    def from_json(cls, d: dict) -> TernarizeResult:
        """Rebuild from :meth:`to_json`."""
        mats = [np.asarray(d[k], dtype=np.int64) for k in ("P", "Q", "R")]
        return cls(Scheme.from_json(d["scheme"]), bool(d["ternary"]), *mats, int(d["excess"]),
                   int(d["start_excess"]), int(d["moves"]), int(d["restarts"]), d.get("seed"),
                   d["verification"])

    @classmethod
    def example(cls) -> TernarizeResult:
        """Strassen's scheme (rank 7, coefficients in {-1, 0, 1}: Strassen 1969) spoiled by the
        sandwich ``([[1, 2], [0, 1]], [[1, 0], [1, 1]], [[1, 1], [0, 1]])`` (coefficients up
        to 2), brought back to a ternary form by :func:`ternarize` (seed 1).

        Examples:
            >>> from solvers.ternary import TernarizeResult
            >>> r = TernarizeResult.example()
            >>> r.ternary, r.excess, r.start_excess > 0, r.scheme.rank
            (True, 0, True, 7)
        """
        s = Scheme.strassen().sandwich([[1, 2], [0, 1]], [[1, 0], [1, 1]], [[1, 1], [0, 1]])
        return ternarize(s, seed=1)

    @classmethod
    def tampered(cls) -> TernarizeResult:
        """:meth:`example` with the sign of one coefficient of its scheme flipped."""
        import dataclasses

        r = cls.example()
        s = r.scheme
        u = np.asarray(s.u, dtype=np.int64).copy()
        j = int(np.flatnonzero(u[0])[0])
        u[0, j] = -u[0, j]
        return dataclasses.replace(r, scheme=Scheme(s.format, u, s.v, s.w, ring=s.ring))


def excess(scheme: Scheme) -> int:
    """``sum(max(|c| - 1, 0))`` over all coefficients of an integer scheme (0 iff ternary).

    Examples:
        >>> from engine.schemes import Scheme
        >>> from solvers.ternary import excess
        >>> excess(Scheme.strassen())
        0

    Raises:
        InvalidInputError: ``scheme`` is not a scheme.
    """
    from engine.schemes import BilinearScheme

    if not isinstance(scheme, BilinearScheme):
        raise InvalidInputError(f"scheme={short_repr(scheme)} must be an engine.schemes.Scheme")
    return int(sum(max(abs(int(x)) - 1, 0) for a in (scheme.u, scheme.v, scheme.w)
                   for x in np.asarray(a, dtype=object).ravel()))


def _cost(U: np.ndarray, V: np.ndarray, W: np.ndarray) -> int:
    return int(np.maximum(np.abs(U) - 1, 0).sum() + np.maximum(np.abs(V) - 1, 0).sum()
               + np.maximum(np.abs(W) - 1, 0).sum())


def _apply(U, V, W, which: int, i: int, j: int, c: int) -> None:
    """In place: the sandwich by the transvection ``I + c E_ij`` in slot P (0), Q (1) or R (2)."""
    if which == 0:  # U <- P^T U, W <- P^-1 W
        U[:, j, :] += c * U[:, i, :]
        W[:, i, :] -= c * W[:, j, :]
    elif which == 1:  # U <- U Q^-T, V <- Q^T V
        U[:, :, i] -= c * U[:, :, j]
        V[:, j, :] += c * V[:, i, :]
    else:  # V <- V R^-T, W <- W R
        V[:, :, i] -= c * V[:, :, j]
        W[:, :, j] += c * W[:, :, i]


def ternarize(scheme: Scheme, seed: int | None = 0, max_moves: int = 5_000, restarts: int = 4,
              temperature: float = 2.0) -> TernarizeResult:
    """Search a unimodular sandwich that makes an integer scheme ternary (coefficients in {-1,0,1}).

    Simulated annealing on ``(P, Q, R)``: a move multiplies one of them by a random
    transvection ``I +- E_ij``; the cost is :func:`excess`; a worse move is taken with
    probability ``exp(-delta / T)``, ``T`` falling geometrically from ``temperature`` to 0.05.
    Up to ``restarts`` runs of ``max_moves`` moves from the input (fresh seeded streams); the
    best sandwich found is returned. The result is recomputed with exact arithmetic by
    :meth:`Scheme.sandwich` and verified over Z (over ZT when ternary).

    Args:
        scheme: a matrix-multiplication :class:`~engine.schemes.Scheme` valid over Z.
        seed: seed of the random moves (recorded).
        max_moves: moves per annealing run.
        restarts: annealing runs at most (it stops at the first ternary sandwich).
        temperature: starting temperature.

    Returns:
        :class:`TernarizeResult` (``ternary=False`` with the smallest excess reached when no
        ternary sandwich was found; a scheme with no ternary form under these symmetries, for
        instance one with a coefficient 2 that every sandwich keeps, stays non-ternary).

    Raises:
        InvalidInputError: not a matrix-multiplication scheme, not valid over Z, coefficients
            beyond 2^20, or bad ``max_moves`` / ``restarts`` / ``temperature``.

    Examples:
        >>> from engine.schemes import Scheme
        >>> from solvers.ternary import excess, ternarize
        >>> s = Scheme.strassen().sandwich([[1, 2], [0, 1]], [[1, 0], [1, 1]], [[1, 1], [0, 1]])
        >>> excess(s) > 0
        True
        >>> res = ternarize(s, seed=1)
        >>> res.ternary, res.scheme.is_valid("ZT"), res.scheme.rank
        (True, True, 7)
    """
    if not isinstance(scheme, Scheme) or getattr(scheme, "format", None) is None:
        raise InvalidInputError(
            f"scheme={short_repr(scheme)} must be a matrix-multiplication engine.schemes.Scheme (sandwiching needs a format)"
        )
    if not scheme.is_valid("Z"):
        raise InvalidInputError(
            f"the scheme is not valid over Z ({scheme.first_failure('Z')}); lift it first (solvers.lifting.lift_scheme)"
        )
    for name, val, hi in (("max_moves", max_moves, 10**8), ("restarts", restarts, 10**5)):
        if isinstance(val, bool) or not isinstance(val, int | np.integer) or not 1 <= val <= hi:
            raise InvalidInputError(f"{name}={short_repr(val)} must be an integer in 1..{hi}")
    if isinstance(temperature, bool) or not isinstance(temperature, int | float) or not 0 < temperature < float("inf"):
        raise InvalidInputError(f"temperature={short_repr(temperature)} must be a positive number")
    seed = check_seed(seed)
    big = max(abs(int(x)) for a in (scheme.u, scheme.v, scheme.w) for x in np.asarray(a, dtype=object).ravel())
    if big > 2**20:
        raise InvalidInputError(f"coefficients up to {big} are too large for a ternary form by sandwiching (limit 2^20)")
    n, m, p = scheme.format
    r = scheme.rank
    U0 = np.asarray(scheme.u, dtype=np.int64).reshape(r, n, m)
    V0 = np.asarray(scheme.v, dtype=np.int64).reshape(r, m, p)
    W0 = np.asarray(scheme.w, dtype=np.int64).reshape(r, n, p)
    dims = (n, m, p)
    start = _cost(U0, V0, W0)
    eye = [np.eye(d, dtype=np.int64) for d in dims]
    best = (start, [e.copy() for e in eye])
    moves = 0
    runs = 0
    ss = np.random.SeedSequence(seed)
    while best[0] > 0 and runs < restarts:
        rng = np.random.default_rng(ss.spawn(1)[0])
        runs += 1
        U, V, W = U0.copy(), V0.copy(), W0.copy()
        mats = [e.copy() for e in eye]
        cur = start
        T = float(temperature)
        decay = (0.05 / T) ** (1.0 / max_moves)
        for _ in range(max_moves):
            moves += 1
            which = int(rng.integers(3))
            d = dims[which]
            if d < 2:
                continue
            i, j = (int(x) for x in rng.choice(d, 2, replace=False))
            c = 1 if rng.random() < 0.5 else -1
            _apply(U, V, W, which, i, j, c)
            new = _cost(U, V, W)
            if new <= cur or rng.random() < np.exp((cur - new) / T):
                cur = new
                mats[which][:, j] += c * mats[which][:, i]  # M <- M (I + c E_ij)
                if cur < best[0]:
                    best = (cur, [M.copy() for M in mats])
                    if cur == 0:
                        break
            else:
                _apply(U, V, W, which, i, j, -c)
            T *= decay
    P, Q, R = best[1]
    out = scheme.sandwich(P.tolist(), Q.tolist(), R.tolist())  # exact recomputation
    exc = excess(out)
    if exc != best[0]:  # pragma: no cover - the integer bookkeeping and the exact sandwich disagree
        raise InvalidInputError("internal error: sandwich bookkeeping mismatch")
    ternary = exc == 0
    ring = "ZT" if ternary else "Z"
    out = Scheme(out.format, out.u, out.v, out.w, ring=ring)
    out.check(ring)
    return TernarizeResult(out, ternary, P, Q, R, exc, start, moves, runs, seed,
                           f"Brent equations exact over {ring}; equal to the input sandwiched by (P, Q, R)")
