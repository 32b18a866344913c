"""Hensel lifting of F2/F3 schemes to Z/p^k and rational reconstruction to Z or Q.

A scheme found over ``F_p`` (p = 2, 3) is a solution mod p of the Brent equations
``F(x) = sum_t u[t,a] v[t,b] w[t,c] - T[a,b,c] = 0``. Hensel lifting (Newton's method in the
p-adic numbers) turns a solution mod ``p^k`` into one mod ``p^(k+1)``: with the Jacobian
``J`` of ``F`` at the base solution (mod p), solve ``J d = -F(x)/p^k (mod p)`` and set
``x <- x + p^k d``. The linear system is solved with a fixed invertible square block of
``J`` (free variables zero, or random ones in the first step for further attempts). After
lifting to ``p^k`` (``p^k < 2^20``), every coefficient is mapped back to a rational
``a/b`` with ``|a|, |b| <= sqrt(p^k/2)`` (rational reconstruction, Wang's algorithm) and the
candidate is verified exactly over Z or Q. When a step has no solution, or the
reconstructed scheme fails the Brent equations, the result says "does not lift" with the
reason: a scheme can be genuinely mod-p only (the 4x4 rank-47 scheme over F2).

References:
    M. Kauers, J. Moosbauer, "Flip graphs for matrix multiplication", ISSAC 2023 (Sec. 5:
    Hensel lifting and rational reconstruction of F2 schemes).
    J. von zur Gathen, J. Gerhard, "Modern Computer Algebra", 3rd ed., Sec. 5.10 (rational
    reconstruction) and Sec. 15.4 (Hensel lifting).

Examples:
    >>> from engine.schemes import Scheme
    >>> from solvers.lifting import lift_scheme
    >>> s = Scheme.strassen().with_ring("F2")      # Strassen reduced mod 2
    >>> res = lift_scheme(s, to="Z")
    >>> res.lifted, res.scheme.is_valid("Z"), res.ring
    (True, True, 'ZT')
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

import flint
import numpy as np

from engine._args import check_seed, short_repr
from engine.errors import InvalidInputError, VerificationError
from engine.results import Result
from engine.schemes import BilinearScheme, Scheme
from engine.tensors import TargetTensor
from solvers._gf2 import echelon_gf2, inverse_gf2
from solvers._modp import echelon_mod_p as _echelon_mod_p

__all__ = ["LiftResult", "HenselLift", "hensel_lift", "lift_scheme", "rational_reconstruction"]

Target = Literal["Z", "Q", "ZT"]
_P = {"F2": 2, "F3": 3}
_MAX_MODULUS = 1 << 20
#: Most randomised lifting attempts of one :func:`lift_scheme` call.
_MAX_ATTEMPTS = 10_000


def rational_reconstruction(a: int, m: int) -> Fraction | None:
    """The unique ``n/d`` with ``n = a d (mod m)``, ``|n|, d <= sqrt((m-1)/2)``, or None.

    A thin wrapper of :func:`engine.linalg.rational_reconstruction` that returns None
    instead of raising when no such fraction exists.

    Examples:
        >>> from solvers.lifting import rational_reconstruction
        >>> m = 2**20; a = (3 * pow(5, -1, m)) % m
        >>> rational_reconstruction(a, m), rational_reconstruction(2**19 + 1, m) is None
        (Fraction(3, 5), True)
    """
    from engine.errors import InfeasibleError
    from engine.linalg import rational_reconstruction as _rr

    if isinstance(m, int) and not isinstance(m, bool) and m == 2:
        return None  # sqrt((m-1)/2) < 1: no denominator is allowed, so no fraction exists
    try:
        return _rr(a, m)
    except InfeasibleError:
        return None


@dataclass(frozen=True)
class HenselLift(Result):
    """Coefficients of a scheme mod ``p^k`` solving the Brent equations mod ``p^k``.

    Attributes:
        p, k, modulus: the prime, the exponent and ``p^k``.
        u, v, w: integer arrays with entries in ``[0, p^k)``.
        verified: the Brent equations were re-checked mod ``p^k``.
        target: the target tensor whose Brent equations are solved (recorded by
            :func:`hensel_lift`; None when built by hand, and then :meth:`check` cannot
            re-verify).
    """

    p: int
    k: int
    modulus: int
    u: np.ndarray
    v: np.ndarray
    w: np.ndarray
    verified: bool
    target: TargetTensor | None = field(default=None, repr=False, compare=False)

    def check(self) -> None:
        """Re-verify exactly: ``modulus = p^k`` (p = 2 or 3), entries in ``[0, p^k)`` and the
        Brent equations ``sum_t u v w = T`` modulo ``p^k``.

        Raises:
            VerificationError: a claim above fails, or no target tensor is recorded.
        """
        if self.p not in (2, 3) or self.k < 1 or self.modulus != self.p**self.k or self.modulus > _MAX_MODULUS:
            raise VerificationError(f"modulus={self.modulus} is not p^k for p={self.p}, k={self.k} (<= 2^20)")
        if self.target is None:
            raise VerificationError("no target tensor recorded: the Brent equations cannot be re-checked")
        arrs = [np.asarray(a, dtype=np.int64) for a in (self.u, self.v, self.w)]
        I, J, K = self.target.shape  # noqa: E741 (tensor dimensions I, J, K)
        r = arrs[0].shape[0]
        if [a.shape for a in arrs] != [(r, I), (r, J), (r, K)]:
            raise VerificationError(f"u, v, w have shapes {[a.shape for a in arrs]}, not r x {I}, {J}, {K}")
        if any(a.size and (a.min() < 0 or a.max() >= self.modulus) for a in arrs):
            raise VerificationError(f"coefficients lie outside [0, {self.modulus})")
        res = _residual_mod(*arrs, np.mod(self.target.array, self.modulus), self.modulus)
        if np.any(res):
            a, b, c = (int(x) for x in np.argwhere(res)[0])
            raise VerificationError(
                f"Brent equation ({a}, {b}, {c}) fails mod {self.modulus} ({int(np.count_nonzero(res))} fail)")

    def to_json(self) -> dict:
        """JSON form (the target as :meth:`TargetTensor.to_json`)."""
        return {
            "p": self.p, "k": self.k, "modulus": self.modulus,
            "u": np.asarray(self.u).tolist(), "v": np.asarray(self.v).tolist(), "w": np.asarray(self.w).tolist(),
            "verified": self.verified,
            "target": None if self.target is None else self.target.to_json(),
        }

    @classmethod
    def from_json(cls, d: dict) -> HenselLift:
        """Rebuild from :meth:`to_json`."""
        arrs = [np.asarray(d[k], dtype=np.int64) for k in ("u", "v", "w")]
        t = d.get("target")
        return cls(int(d["p"]), int(d["k"]), int(d["modulus"]), *arrs, bool(d["verified"]),
                   None if t is None else _target_from_json(t))

    @classmethod
    def example(cls) -> HenselLift:
        """Strassen's scheme reduced mod 2 (Strassen 1969; valid mod 2 since it is valid over
        Z) lifted by :func:`hensel_lift` to a solution of the Brent equations mod 2^8 = 256.

        Examples:
            >>> from solvers.lifting import HenselLift
            >>> h = HenselLift.example()
            >>> h.modulus, h.verified
            (256, True)
        """
        return hensel_lift(Scheme.strassen().with_ring("F2"), k=8)

    @classmethod
    def tampered(cls) -> HenselLift:
        """:meth:`example` with one coefficient of ``u`` increased by 1 (mod 256)."""
        h = cls.example()
        u = np.asarray(h.u, dtype=np.int64).copy()
        u[0, 0] = (u[0, 0] + 1) % h.modulus
        return dataclasses.replace(h, u=u)


@dataclass(frozen=True)
class LiftResult(Result):
    """Outcome of :func:`lift_scheme`.

    Attributes:
        source_ring: ``"F2"`` or ``"F3"``; to: the requested ring (``"Z"``, ``"Q"`` or ``"ZT"``).
        lifted: True when a scheme valid over ``to`` was found and verified exactly.
        scheme: that scheme (None when it does not lift).
        ring: the smallest ring the lifted scheme is valid in (``ZT``, ``Z`` or ``Q``).
        modulus: ``p^k`` reached by Hensel lifting; method: ``"hensel+ratrec"`` (plus
            ``"+sandwich"`` when a ternary form was made by :func:`solvers.ternary.ternarize`).
        reason: why it does not lift (None on success); attempts: attempts used; seed.
        verification: how the scheme was verified.
        source: the scheme that was lifted (recorded by :func:`lift_scheme`; None when the
            result was built by hand).
    """

    source_ring: str
    to: str
    lifted: bool
    scheme: Scheme | None
    ring: str | None
    modulus: int
    method: str
    reason: str | None
    attempts: int
    seed: int | None
    verification: str
    source: BilinearScheme | None = field(default=None, repr=False, compare=False)

    def is_valid(self) -> bool:
        """Whether a scheme was lifted and :meth:`check` passes (False when nothing lifted,
        although :meth:`check` accepts such a result: it claims nothing to verify)."""
        return self.lifted and super().is_valid()

    def check(self) -> LiftResult:
        """Re-verify exactly; raise VerificationError when a claim fails, else return self.

        A lifted result: the scheme satisfies the Brent equations over ``to`` and ``ring`` is
        its smallest ring (fitting ``to``: ZT for ``"ZT"``, ZT or Z for ``"Z"``); ``modulus``
        is a power of ``p``; with ``source`` recorded, the scheme has its target and rank,
        ``source`` is valid over its field, and (unless a sandwich changed it, ``method``
        ``"...+sandwich"``) the scheme reduces to ``source`` mod ``p`` coefficient by
        coefficient. A result that did not lift has no scheme, no ring and a reason.

        Raises:
            VerificationError: a claim above fails (the message names it).
        """
        if self.source_ring not in _P or self.to not in ("Z", "Q", "ZT"):
            raise VerificationError(f"source_ring={short_repr(self.source_ring)} / to={short_repr(self.to)} are not F2/F3 -> Z/Q/ZT")
        p = _P[self.source_ring]
        k = 0
        while p ** (k + 1) <= self.modulus:
            k += 1
        if k < 1 or p**k != self.modulus:
            raise VerificationError(f"modulus={self.modulus} is not a power of {p}")
        if not self.lifted:
            if self.scheme is not None or self.ring is not None or not self.reason:
                raise VerificationError("a result that did not lift must have no scheme, no ring and a reason")
            return self
        if self.scheme is None:
            raise VerificationError("lifted=True but there is no scheme")
        self.scheme.check(self.to)
        ring = self.scheme.smallest_ring()
        allowed = {"ZT": ("ZT",), "Z": ("ZT", "Z"), "Q": ("ZT", "Z", "Q")}[self.to]
        if ring != self.ring or ring not in allowed:
            raise VerificationError(f"ring={short_repr(self.ring)}, but the scheme's smallest ring is {short_repr(ring)} (to={short_repr(self.to)})")
        src = self.source
        if src is not None:
            if src.ring != self.source_ring:
                raise VerificationError(f"the source is over {src.ring}, not {self.source_ring}")
            src.check(src.ring)
            if src.target != self.scheme.target or src.rank != self.scheme.rank:
                raise VerificationError("the lifted scheme has another target or rank than the source")
            if "sandwich" not in self.method and not _reduces_to(self.scheme, src, p):
                raise VerificationError(f"the lifted scheme does not reduce to the source mod {p}")
        return self

    def to_json(self) -> dict:
        """JSON form (the schemes in the issue-5 JSON format)."""
        return {
            "source_ring": self.source_ring,
            "to": self.to,
            "lifted": self.lifted,
            "ring": self.ring,
            "modulus": self.modulus,
            "method": self.method,
            "reason": self.reason,
            "attempts": self.attempts,
            "seed": self.seed,
            "verification": self.verification,
            "scheme": None if self.scheme is None else self.scheme.to_json(),
            "source": None if self.source is None else self.source.to_json(),
        }

    @classmethod
    def from_json(cls, d: dict) -> LiftResult:
        """Rebuild from :meth:`to_json`."""
        sch, src = d.get("scheme"), d.get("source")
        return cls(
            d["source_ring"], d["to"], bool(d["lifted"]), None if sch is None else _scheme_from_json(sch),
            d.get("ring"), int(d["modulus"]), d["method"], d.get("reason"), int(d["attempts"]),
            d.get("seed"), d["verification"], None if src is None else _scheme_from_json(src),
        )

    @classmethod
    def example(cls) -> LiftResult:
        """Strassen's scheme reduced mod 2 lifted back to Z by :func:`lift_scheme`: the lift is
        a rank-7 scheme with coefficients in {-1, 0, 1} (Strassen 1969) that reduces to the
        input mod 2 (Kauers and Moosbauer, ISSAC 2023, Sec. 5).

        Examples:
            >>> from solvers.lifting import LiftResult
            >>> r = LiftResult.example()
            >>> r.lifted, r.ring, r.scheme.rank
            (True, 'ZT', 7)
        """
        return lift_scheme(Scheme.strassen().with_ring("F2"), to="Z")

    @classmethod
    def tampered(cls) -> LiftResult:
        """:meth:`example` with the sign of one coefficient of the lifted scheme flipped."""
        r = cls.example()
        s = r.scheme
        u = np.asarray(s.u, dtype=np.int64).copy()
        j = int(np.flatnonzero(u[0])[0])
        u[0, j] = -u[0, j]
        return dataclasses.replace(r, scheme=Scheme(s.format, u, s.v, s.w))


def _target_from_json(d: dict) -> TargetTensor:
    """The :class:`TargetTensor` of :meth:`TargetTensor.to_json` (a structured product's
    :class:`~engine.structured.StructuredTarget` when the JSON names its structure)."""
    if d.get("structure") is not None:
        from engine.structured import structured_tensor

        return structured_tensor(d["structure"], int(d["n"]))
    arr = np.zeros(tuple(int(x) for x in d["shape"]), dtype=np.int64)
    for a, b, c, val in d["entries"]:
        arr[a, b, c] = val
    fmt = d.get("format")
    return TargetTensor(arr, tuple(d.get("a_names", ())), tuple(d.get("b_names", ())),
                        tuple(d.get("c_names", ())), d.get("name", "bilinear map"),
                        None if fmt is None else tuple(fmt))


def _scheme_from_json(d: dict) -> BilinearScheme:
    """A :class:`Scheme` (``format`` key) or :class:`BilinearScheme` (``target`` key) from JSON."""
    if "format" in d:
        return Scheme.from_json(d)
    return BilinearScheme(_target_from_json(d["target"]), d["u"], d["v"], d["w"], ring=d.get("ring"))


# ----------------------------------------------------------------------------- internals
def _residual_mod(u: np.ndarray, v: np.ndarray, w: np.ndarray, T: np.ndarray, M: int) -> np.ndarray:
    """``F(x) mod M`` with int64 arithmetic (entries of u, v, w in [0, M), M < 2^20)."""
    r = u.shape[0]
    I, J, K = T.shape  # noqa: E741 (tensor dimensions I, J, K)
    uv = (u[:, :, None] * v[:, None, :]).reshape(r, I * J) % M
    res = (uv.T @ w) % M
    return (res.reshape(I, J, K) - T) % M


def _jacobian(u: np.ndarray, v: np.ndarray, w: np.ndarray, p: int) -> np.ndarray:
    r, I = u.shape  # noqa: E741 (tensor dimensions I, J, K)
    J = v.shape[1]
    K = w.shape[1]
    nvar = r * (I + J + K)
    Jm = np.zeros((I, J, K, nvar), dtype=np.int64)
    for t in range(r):
        vw = np.outer(v[t], w[t]) % p
        uw = np.outer(u[t], w[t]) % p
        uv = np.outer(u[t], v[t]) % p
        for a in range(I):
            Jm[a, :, :, t * I + a] = vw
        for b in range(J):
            Jm[:, b, :, r * I + t * J + b] = uw
        for c in range(K):
            Jm[:, :, c, r * (I + J) + t * K + c] = uv
    return Jm.reshape(I * J * K, nvar)


def _inverse_mod_p(B: np.ndarray, p: int) -> np.ndarray:
    """Inverse of the square matrix ``B`` mod p (p prime; B must be invertible), entries in
    ``[0, p)`` as ``int64``: python-flint's ``nmod_mat`` (unique, so the same matrix the
    numba Gauss-Jordan gave, faster, and nothing to compile on a first run)."""
    B = np.asarray(B, dtype=np.int64)
    n = B.shape[0]
    inv = flint.nmod_mat((B % p).tolist(), int(p)).inv()
    return np.array([[int(x) for x in row] for row in inv.tolist()], dtype=np.int64).reshape(n, n)


class _Solver:
    """Solves ``J d = b (mod p)`` with a fixed invertible block ``J[R, C]`` (numba elimination)."""

    def __init__(self, Jm: np.ndarray, p: int):
        self.p = p
        self.J = Jm
        nz_rows = np.nonzero(Jm.any(axis=1))[0]
        A = np.ascontiguousarray(Jm[nz_rows] % p, dtype=np.int64)
        if p == 2:  # bit-packed elimination: 64 columns per word (3x4x4 rank 38: 0.4 s, was 9 s)
            rk, cols, rows = echelon_gf2(A)
        else:
            rk, cols, rows = _echelon_mod_p(A, p)
        self.rank = int(rk)
        self.cols = cols
        self.rows = nz_rows[rows]
        if rk:
            B = np.ascontiguousarray(Jm[np.ix_(self.rows, self.cols)] % p, dtype=np.int64)
            self.Binv = inverse_gf2(B) if p == 2 else _inverse_mod_p(B, p)
        else:
            self.Binv = np.zeros((0, 0), dtype=np.int64)

    def solve(self, b: np.ndarray, free: np.ndarray | None = None) -> np.ndarray | None:
        p = self.p
        nvar = self.J.shape[1]
        d = np.zeros(nvar, dtype=np.int64) if free is None else free.copy() % p
        rhs = b
        if free is not None:  # solve J[:, cols] d_cols = b - J d_free
            d[self.cols] = 0
            rhs = (b - self.J @ d) % p
        if self.rank:
            d[self.cols] = (self.Binv @ rhs[self.rows]) % p
        if np.any((self.J @ d - b) % p):  # the whole d (free part included) must solve J d = b
            return None
        return d


def _check_k(k: object, p: int) -> None:
    """``k`` an integer >= 1 with ``p^k <= 2^20`` (checked before ``p**k`` is formed)."""
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= 20 or p**k > _MAX_MODULUS:
        raise InvalidInputError(f"k={short_repr(k)} must be an integer >= 1 with {p}^k <= 2^20")


def _check_input(scheme: BilinearScheme) -> int:
    if not isinstance(scheme, BilinearScheme):
        raise InvalidInputError(f"scheme={short_repr(scheme)} must be an engine.schemes.Scheme")
    if scheme.ring not in _P:
        raise InvalidInputError(
            f"scheme ring is {short_repr(scheme.ring)}; lifting starts from an F2 or F3 scheme (Scheme.with_ring('F2'))"
        )
    msg = scheme.first_failure(scheme.ring)
    if msg is not None:
        raise InvalidInputError(f"the scheme to lift is not valid over {scheme.ring}: {msg}")
    return _P[scheme.ring]


def _split(x: np.ndarray, r: int, dims: tuple[int, int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    I, J, K = dims  # noqa: E741 (tensor dimensions I, J, K)
    return x[: r * I].reshape(r, I), x[r * I: r * (I + J)].reshape(r, J), x[r * (I + J):].reshape(r, K)


def _lift_once(scheme: BilinearScheme, p: int, k: int, solver: _Solver, rng: np.random.Generator | None, on_step=None,
               symmetric: bool = True):
    """One Hensel lift; coordinates the solver leaves free (d = 0) keep their base value.

    ``symmetric``: the base values are the symmetric representatives (-1 rather than p - 1)
    and stay symmetric, so a free coordinate stays at its small integer value and the p-adic
    point reached is the one on the slice through those integers; else the representatives
    in ``[0, p)`` (a different slice: each one lifts some schemes the other does not).
    """
    T = scheme.target.array
    r = scheme.rank
    dims = scheme.target.shape
    red = _symmetric if symmetric else np.mod
    x = np.concatenate([red(np.asarray(a, dtype=np.int64), p).ravel() for a in (scheme.u, scheme.v, scheme.w)])
    mod = p
    for step in range(1, k):
        nxt = mod * p
        u, v, w = _split(x, r, dims)
        res = _residual_mod(u, v, w, T, nxt)
        if np.any(res % mod):
            return None, step, "internal error: residual not divisible by p^k"  # pragma: no cover
        b = (-(res // mod)).ravel() % p
        free = None
        if rng is not None and step == 1:
            free = rng.integers(0, p, x.size)
        d = solver.solve(b, free)
        if d is None:
            return None, step, f"Hensel step to mod {p}^{step + 1} has no solution (the linear system is inconsistent)"
        x = red(x + mod * d, nxt)
        mod = nxt
        if on_step is not None and on_step(x, mod):
            return x, step + 1, None
    return x, k, None


def hensel_lift(scheme: BilinearScheme, k: int = 10) -> HenselLift:
    """Lift an F2/F3 scheme to a solution of the Brent equations mod ``p^k``.

    Args:
        scheme: a scheme valid over ``F2`` or ``F3`` (its ``ring``).
        k: exponent (``p^k`` below 2^20).

    Returns:
        :class:`HenselLift` (entries in ``[0, p^k)``), re-verified mod ``p^k``.

    Raises:
        InvalidInputError: not an F2/F3 scheme, invalid over its field, k out of range.
        InfeasibleError: a Hensel step has no solution ("does not lift" with this base).

    Examples:
        >>> from engine.schemes import Scheme
        >>> from solvers.lifting import hensel_lift
        >>> h = hensel_lift(Scheme.strassen().with_ring("F2"), k=8)
        >>> h.modulus, h.verified
        (256, True)
    """
    from engine.errors import InfeasibleError

    p = _check_input(scheme)
    _check_k(k, p)
    solver = _Solver(_jacobian(*(np.mod(np.asarray(a, dtype=np.int64), p) for a in (scheme.u, scheme.v, scheme.w)), p), p)
    x, steps, reason = _lift_once(scheme, p, k, solver, None)
    if x is None:
        raise InfeasibleError(f"scheme does not lift: {reason}", reason="hensel_inconsistent")
    M = p**k
    x = np.mod(x, M)
    u, v, w = _split(x, scheme.rank, scheme.target.shape)
    ok = not np.any(_residual_mod(u, v, w, scheme.target.array, M))
    return HenselLift(p, k, M, u.copy(), v.copy(), w.copy(), ok, scheme.target)


def _symmetric(x: np.ndarray, M: int) -> np.ndarray:
    y = x % M
    return np.where(y > M // 2, y - M, y)


def _reduces_to(cand: BilinearScheme, scheme: BilinearScheme, p: int) -> bool:
    """Whether every coefficient of ``cand`` (an integer or a fraction prime to p) is congruent
    mod ``p`` to the matching coefficient of ``scheme``; works for any target tensor."""
    for a, b in ((cand.u, scheme.u), (cand.v, scheme.v), (cand.w, scheme.w)):
        for x, y in zip(np.asarray(a).flat, np.asarray(b).flat, strict=True):
            q = Fraction(x)
            if q.denominator % p == 0 or (q.numerator * pow(q.denominator, -1, p) - int(y)) % p:
                return False
    return True


def _make(scheme: BilinearScheme, rows: list, ring: str | None) -> BilinearScheme:
    r = scheme.rank
    I, J, K = scheme.target.shape  # noqa: E741 (tensor dimensions I, J, K)
    u = [rows[t * I:(t + 1) * I] for t in range(r)]
    off = r * I
    v = [rows[off + t * J: off + (t + 1) * J] for t in range(r)]
    off += r * J
    w = [rows[off + t * K: off + (t + 1) * K] for t in range(r)]
    if isinstance(scheme, Scheme):
        return Scheme(scheme.format, u, v, w, ring=ring)
    return BilinearScheme(scheme.target, u, v, w, ring=ring)


def lift_scheme(
    scheme: BilinearScheme,
    to: Target = "Q",
    k: int | None = None,
    attempts: int = 4,
    seed: int | None = 0,
) -> LiftResult:
    """Lift an F2/F3 scheme to Z or Q: Hensel lifting, rational reconstruction, exact check.

    After every Hensel step the symmetric representatives are tried as an integer scheme
    (this finds sign lifts such as Strassen's at once); at the end each coefficient is
    rationally reconstructed. The coordinates the linear solver leaves free keep their base
    values: the first attempt starts from the symmetric representatives (``-1`` rather than
    ``2`` mod 3), over F3 the second from those in ``[0, p)``, further ones add random free
    variables in the first step (seeded). Measured on twelve 3x3x3 rank-23 schemes found by
    :func:`search.flipgraph.flip_search` (seeds 0-5 over F2 and F3): F3 -> Q lifts 6 of 6
    (the ``[0, p)`` base alone: 3 of 6, the symmetric one alone: 5 of 6), F2 -> Q 6 of 6.

    Args:
        scheme: scheme valid over F2 or F3 (``scheme.ring``).
        to: ``"Z"`` (integer coefficients), ``"Q"`` (rationals, denominators prime to p) or
            ``"ZT"`` (coefficients in {-1, 0, 1}: the Z lift brought into ternary form by a
            unimodular sandwich, :func:`solvers.ternary.ternarize`; matrix schemes only).
        k: Hensel exponent (default: the largest with ``p^k <= 2^20``).
        attempts: number of lifting attempts (default 4: the base(s), then random ones).
        seed: seed of the random choices of the further attempts.

    Returns:
        :class:`LiftResult`; ``lifted=False`` with a reason when it does not lift.

    Raises:
        InvalidInputError: not an F2/F3 scheme, invalid over its field, bad ``to`` or ``k``.

    Examples:
        >>> from engine.schemes import Scheme
        >>> from solvers.lifting import lift_scheme
        >>> res = lift_scheme(Scheme.laderman().with_ring("F3"), to="Z")
        >>> res.lifted, res.scheme.is_valid("Z")
        (True, True)
    """
    p = _check_input(scheme)
    if isinstance(to, str) and to.strip().upper() in ("Z", "Q", "ZT"):
        to = to.strip().upper()  # type: ignore[assignment]
    if not isinstance(to, str) or to not in ("Z", "Q", "ZT"):
        raise InvalidInputError(f"to={short_repr(to)} must be 'Z', 'Q' or 'ZT'")
    want_zt = to == "ZT"
    if want_zt and (not isinstance(scheme, Scheme) or getattr(scheme, "format", None) is None):
        raise InvalidInputError("to='ZT' sandwiches a matrix-multiplication scheme; lift other bilinear maps to 'Z'")
    if k is None:
        k = 1
        while p ** (k + 1) <= _MAX_MODULUS:
            k += 1
    _check_k(k, p)
    if isinstance(attempts, bool) or not isinstance(attempts, int) or not 1 <= attempts <= _MAX_ATTEMPTS:
        raise InvalidInputError(f"attempts={short_repr(attempts)} must be an integer in 1..{_MAX_ATTEMPTS}")
    seed = check_seed(seed)
    base = [np.mod(np.asarray(a, dtype=np.int64), p) for a in (scheme.u, scheme.v, scheme.w)]
    solver = _Solver(_jacobian(*base, p), p)
    rng = np.random.default_rng(seed)
    T = scheme.target.array
    r = scheme.rank
    dims = scheme.target.shape
    reasons = []
    M_reached = p
    for att in range(attempts):
        found: dict[str, Any] = {}

        def try_integer(x: np.ndarray, M: int, found: dict = found) -> bool:
            y = _symmetric(x, M)
            u, v, w = _split(y, r, dims)
            from engine.schemes import brent_residual

            if not np.any(brent_residual(u, v, w, T)):
                found["rows"] = [int(t) for t in y]
                return True
            return False

        if try_integer(np.concatenate([b.ravel() for b in base]), p):
            x, steps, reason = np.concatenate([b.ravel() for b in base]), 1, None
        else:
            second_base = p > 2 and att == 1  # mod 2 both bases are {0, 1}
            x, steps, reason = _lift_once(scheme, p, k, solver, rng if att and not second_base else None,
                                          on_step=try_integer, symmetric=not second_base)
        if x is None:
            reasons.append(reason)
            continue
        M = p**steps
        M_reached = max(M_reached, M)
        if "rows" in found:
            cand = _make(scheme, found["rows"], None)
        else:
            rows = []
            for t in x:
                q = rational_reconstruction(int(t), M)
                if q is None:
                    rows = None
                    break
                rows.append(q)
            if rows is None:
                reasons.append(f"rational reconstruction failed mod {p}^{steps}")
                continue
            cand = _make(scheme, rows, None)
        ring = cand.smallest_ring()
        if ring not in ("ZT", "Z", "Q"):
            reasons.append(f"reconstructed candidate mod {p}^{steps} fails the Brent equations over Q")
            continue
        if to in ("Z", "ZT") and ring == "Q":
            reasons.append(f"lifted to Q (denominators {sorted({c.denominator for c in map(Fraction, cand.coefficient_set())} - {1})}) but not to Z")
            continue
        cand.check("Q")
        if not _reduces_to(cand, scheme, p):
            reasons.append("lifted scheme does not reduce to the input mod p")  # pragma: no cover
            continue
        final = cand if isinstance(cand, Scheme) and ring == cand.ring else (
            Scheme(cand.format, cand.u, cand.v, cand.w, ring=ring) if isinstance(cand, Scheme) else cand
        )
        method = "hensel+ratrec"
        if want_zt and ring != "ZT":
            from solvers.ternary import ternarize

            tr = ternarize(final, seed=seed)
            if not tr.ternary:
                reasons.append(f"lifted to Z, but no sandwich found that makes it ternary (excess {tr.excess})")
                continue
            final, ring, method = tr.scheme, "ZT", "hensel+ratrec+sandwich"
        return LiftResult(scheme.ring, to, True, final, ring, M, method, None, att + 1, seed,
                          f"Brent equations exact over {ring}", scheme)
    return LiftResult(scheme.ring, to, False, None, None, M_reached, "hensel+ratrec",
                      "does not lift: " + "; ".join(dict.fromkeys(reasons)), attempts, seed, "none", scheme)
