"""Bilinear schemes for matrix multiplication: representation, exact verification, symmetries, invariants.

Convention (also the JSON format). A scheme for ``<n,m,p>`` of rank ``r`` is three
coefficient arrays ``u`` (r x n*m), ``v`` (r x m*p), ``w`` (r x n*p), row-major, with::

    C[i][k] = sum_t w[t][i*p+k] * (sum_{i',j} u[t][i'*m+j] A[i'][j])
                                * (sum_{j',k'} v[t][j'*p+k'] B[j'][k'])

for all ``A`` (n x m) and ``B`` (m x p). Equivalently the Brent equations
``sum_t u[t,a] v[t,b] w[t,c] = T[a,b,c]`` hold for the tensor ``T`` of
:func:`engine.tensors.matmul_tensor`. JSON::

    {"format": [n, m, p], "rank": r, "ring": "ZT"|"Z"|"Q"|"F2"|"F3",
     "u": [[...], ...], "v": [...], "w": [...]}      (Q entries as "a/b" strings)

Rings: ``ZT`` integers in {-1, 0, 1}, ``Z`` integers, ``Q`` rationals, ``F2``/``F3`` the prime
fields (entries stored as 0/1 resp. -1/0/1). A scheme may be valid over F2 only (the 4x4
rank-47 scheme), so :meth:`BilinearScheme.verification_report` reports every ring and the
smallest one it is valid in.

File forms (JSON, ``.npz``, the product-per-line text and ``.exp`` form, the flat form of the
ternary flip-graph framework) are read and written by :mod:`engine.scheme_formats`, code
export (readable formulas, Python source, addition counts) is :mod:`engine.scheme_codegen`;
the methods :meth:`Scheme.load`, :meth:`Scheme.save`, :meth:`Scheme.to_python` ... call them.

References:
    V. Strassen, "Gaussian elimination is not optimal", Numer. Math. 13 (1969).
    J. D. Laderman, "A noncommutative algorithm for multiplying 3x3 matrices using 23
    multiplications", Bull. AMS 82 (1976).
    M. Kauers, J. Moosbauer, "Flip graphs for matrix multiplication", ISSAC 2023.

Examples:
    >>> from engine.schemes import Scheme
    >>> s = Scheme.strassen()
    >>> s.rank, s.is_valid("ZT"), s.is_valid("F2"), s.smallest_ring()
    (7, True, True, 'ZT')
"""

from __future__ import annotations

import json
import os
from fractions import Fraction
from typing import Any, Literal

import numpy as np

from engine.errors import InvalidInputError, VerificationError
from engine.tensors import TargetTensor, matmul_tensor, parse_format

__all__ = [
    "RINGS",
    "BilinearScheme",
    "Scheme",
    "VerificationReport",
    "brent_residual",
]

Ring = Literal["ZT", "Z", "Q", "F2", "F3"]
#: Supported coefficient rings, ``ZT`` = integers in {-1, 0, 1}.
RINGS: tuple[str, ...] = ("ZT", "Z", "Q", "F2", "F3")
_PRIME = {"F2": 2, "F3": 3}
_INT64_SAFE = 1 << 20


# ----------------------------------------------------------------------------- coefficients
def _parse_coeff(x: Any, where: str) -> int | Fraction:
    if isinstance(x, bool):
        raise InvalidInputError(f"{where}={x!r} is a boolean; coefficients are integers or 'a/b'")
    if isinstance(x, int | np.integer):
        return int(x)
    if isinstance(x, Fraction):
        return int(x) if x.denominator == 1 else x
    if isinstance(x, float | np.floating):
        if float(x).is_integer():
            return int(x)
        raise InvalidInputError(f"{where}={x!r} is a float; write rationals as 'a/b' strings")
    if isinstance(x, str):
        try:
            q = Fraction(x.strip())
        except (ValueError, ZeroDivisionError):
            raise InvalidInputError(f"{where}={x!r} is not an integer or a rational 'a/b'") from None
        return int(q) if q.denominator == 1 else q
    try:  # flint numbers
        q = Fraction(str(x))
        return int(q) if q.denominator == 1 else q
    except (ValueError, ZeroDivisionError):
        raise InvalidInputError(f"{where}={x!r} is not an integer or a rational 'a/b'") from None


def _coeff_array(data: Any, name: str, ncols: int | None = None) -> np.ndarray:
    """Nested rows -> int64 array if integral (and small) else object array of Fractions."""
    if isinstance(data, np.ndarray) and data.dtype.kind in "iu":
        arr = data.astype(np.int64)
        if arr.ndim != 2:
            raise InvalidInputError(f"{name} has shape {arr.shape}; expected a 2-D array (rank x dim)")
        if ncols is not None and arr.shape[1] != ncols:
            raise InvalidInputError(f"{name} has {arr.shape[1]} columns; expected {ncols} (rank x dim)")
        return np.ascontiguousarray(arr)
    rows = data.tolist() if isinstance(data, np.ndarray) else data
    if not isinstance(rows, list | tuple):
        raise InvalidInputError(f"{name}={rows!r} is not a list of rows")
    out = []
    for t, row in enumerate(rows):
        if not isinstance(row, list | tuple):
            raise InvalidInputError(f"{name}[{t}]={row!r} is not a list of coefficients")
        if ncols is not None and len(row) != ncols:
            raise InvalidInputError(
                f"{name}[{t}] has {len(row)} entries; expected {ncols} (row-major, see the format)"
            )
        out.append([_parse_coeff(x, f"{name}[{t}][{j}]") for j, x in enumerate(row)])
    if out and len({len(r) for r in out}) != 1:
        raise InvalidInputError(f"{name} has rows of different lengths")
    flat = [x for r in out for x in r]
    if all(isinstance(x, int) and abs(x) < (1 << 62) for x in flat):
        arr = np.array(out, dtype=np.int64).reshape(len(out), ncols if ncols is not None else (len(out[0]) if out else 0))
    else:
        arr = np.empty((len(out), len(out[0]) if out else (ncols or 0)), dtype=object)
        for t, r in enumerate(out):
            for j, x in enumerate(r):
                arr[t, j] = x
    return arr


def _is_integral(arr: np.ndarray) -> bool:
    if arr.dtype.kind in "iu":
        return True
    return all(isinstance(x, int) or (isinstance(x, Fraction) and x.denominator == 1) for x in arr.flat)


def _lcm_den(arr: np.ndarray) -> int:
    from math import lcm

    if arr.dtype.kind in "iu":
        return 1
    d = 1
    for x in arr.flat:
        if isinstance(x, Fraction):
            d = lcm(d, x.denominator)
    return d


def _scaled_int(arr: np.ndarray, den: int) -> np.ndarray:
    """``arr * den`` as integers: int64 when they fit (the fast residual), else Python ints."""
    if arr.dtype.kind in "iu":
        if den == 1:
            return arr
        if int(np.abs(arr).max(initial=0)) * den < (1 << 62):
            return arr * den
    out = np.empty(arr.shape, dtype=object)
    for idx, x in np.ndenumerate(arr):
        q = _F(x) * den
        out[idx] = int(q)
    return out


def _mod_array(arr: np.ndarray, p: int) -> np.ndarray | None:
    """Reduce coefficients mod ``p`` (rationals need a denominator prime to p), else None."""
    if arr.dtype.kind in "iu":
        return np.mod(arr, p).astype(np.int64)
    out = np.zeros(arr.shape, dtype=np.int64)
    for idx, x in np.ndenumerate(arr):
        q = _F(x)
        if q.denominator % p == 0:
            return None
        out[idx] = (q.numerator * pow(q.denominator, -1, p)) % p
    return out


def brent_residual(u: np.ndarray, v: np.ndarray, w: np.ndarray, T: np.ndarray, modulus: int | None = None) -> np.ndarray:
    """Exact residual ``sum_t u[t,a] v[t,b] w[t,c] - T[a,b,c]`` (reduced mod ``modulus``).

    Integer inputs whose terms sum below ``2^53`` in absolute value (every ternary or
    mod-p scheme of rank < 2^50) go through a float64 BLAS product, exact because every
    partial sum is an integer below ``2^53``; larger ones use int64 when no overflow is
    possible and Python integers otherwise. The rank is processed in chunks, so memory stays
    bounded for large formats. Rational inputs must be scaled to integers by the caller.

    Examples:
        >>> from engine.schemes import Scheme, brent_residual
        >>> s = Scheme.strassen()
        >>> int(abs(brent_residual(s.u, s.v, s.w, s.target.array)).sum())
        0
    """
    r = u.shape[0]
    I, J, K = T.shape  # noqa: E741 (tensor dimensions I, J, K)
    if r == 0:
        res = -np.asarray(T, dtype=np.int64)
        return np.mod(res, modulus) if modulus else res
    small = all(a.dtype.kind in "iu" for a in (u, v, w))
    bound = 1 << 64
    if small:
        bound = int(max(1, np.abs(u).max())) * int(max(1, np.abs(v).max())) * int(max(1, np.abs(w).max())) * r
        small = bound < (1 << 60)
    if small:
        exact_float = bound < (1 << 53)
        dt = np.float64 if exact_float else np.int64
        step = max(1, (1 << 22) // max(1, I * J))  # products per chunk: about 32 MB of u*v
        acc = np.zeros((I * J, K), dtype=dt)
        for lo in range(0, r, step):
            uc, vc, wc = (a[lo:lo + step].astype(dt) for a in (u, v, w))
            acc += (uc[:, :, None] * vc[:, None, :]).reshape(-1, I * J).T @ wc
        if exact_float:
            acc = np.rint(acc).astype(np.int64)
        res = acc.reshape(I, J, K) - T
    else:
        uo, vo, wo = (np.asarray(a, dtype=object) for a in (u, v, w))
        uv = (uo[:, :, None] * vo[:, None, :]).reshape(r, I * J)
        res = uv.T.dot(wo).reshape(I, J, K) - np.asarray(T, dtype=object)
    if modulus:
        res = np.mod(res, modulus)
    return res


# ----------------------------------------------------------------------------- report
class VerificationReport(dict):
    """Outcome of verifying a scheme over every ring (a dict, JSON-ready).

    Keys: ``valid`` (ring -> bool), ``smallest_ring`` (``ZT``/``Z``/``Q``, else a prime field
    where it holds, else ``None``), ``coefficients`` (sorted coefficient set as strings),
    ``first_failure`` (ring -> description of the first failing Brent equation or None).
    """

    @property
    def smallest_ring(self) -> str | None:
        return self["smallest_ring"]


# ----------------------------------------------------------------------------- scheme
class BilinearScheme:
    """A rank-``r`` decomposition ``(u, v, w)`` of a target 3-way tensor (any bilinear map).

    Args:
        target: the :class:`~engine.tensors.TargetTensor`.
        u, v, w: coefficient rows (``r x I``, ``r x J``, ``r x K``): ints, Fractions or "a/b".
        ring: the ring the scheme claims (``"ZT"``, ``"Z"``, ``"Q"``, ``"F2"``, ``"F3"``);
            ``None`` infers it from the coefficients (``ZT``, ``Z`` or ``Q``).

    Raises:
        InvalidInputError: wrong shapes, unknown ring, coefficients outside the claimed ring.

    Examples:
        >>> from engine.tensors import complex_multiplication_tensor
        >>> from engine.schemes import BilinearScheme
        >>> T = complex_multiplication_tensor()  # Gauss: (a0+a1)(b0+b1), a0 b0, a1 b1
        >>> s = BilinearScheme(T, [[1, 1], [1, 0], [0, 1]], [[1, 1], [1, 0], [0, 1]],
        ...                    [[0, 1], [1, -1], [-1, -1]])
        >>> s.rank, s.is_valid("ZT")
        (3, True)
    """

    def __init__(self, target: TargetTensor, u: Any, v: Any, w: Any, ring: str | None = None):
        if not isinstance(target, TargetTensor):
            raise InvalidInputError(f"target={target!r} must be an engine.tensors.TargetTensor")
        I, J, K = target.shape  # noqa: E741 (tensor dimensions I, J, K)
        self._target = target
        self._u = _coeff_array(u, "u", I)
        self._v = _coeff_array(v, "v", J)
        self._w = _coeff_array(w, "w", K)
        if not (self._u.shape[0] == self._v.shape[0] == self._w.shape[0]):
            raise InvalidInputError(
                f"u, v, w have {self._u.shape[0]}, {self._v.shape[0]}, {self._w.shape[0]} rows; "
                "they must have one row per product (the rank)"
            )
        self._ring = self._check_ring(ring)
        for a in (self._u, self._v, self._w):
            a.setflags(write=False)

    # -- basic properties
    def _check_ring(self, ring: str | None) -> str:
        ring = _norm_ring(ring)
        coeffs = {_F(x) for a in (self._u, self._v, self._w) for x in np.unique(a) if True} if self.rank else set()
        if ring is None:
            if coeffs <= {-1, 0, 1}:
                return "ZT"
            if all(q.denominator == 1 for q in coeffs):
                return "Z"
            return "Q"
        if ring not in RINGS:
            raise InvalidInputError(f"ring={ring!r} is not supported; use one of {', '.join(RINGS)}")
        bad: set = set()
        if ring == "ZT":
            bad = coeffs - {-1, 0, 1}
        elif ring == "Z":
            bad = {q for q in coeffs if q.denominator != 1}
        elif ring == "F2":
            bad = coeffs - {0, 1}
        elif ring == "F3":
            bad = coeffs - {-1, 0, 1, 2}
            if not bad and 2 in coeffs:  # normalise 2 -> -1
                self._u, self._v, self._w = (np.where(a == 2, -1, a).astype(np.int64) for a in (self._u, self._v, self._w))
        if bad:
            shown = ", ".join(str(b) for b in sorted(bad)[:5])
            allowed = {"ZT": "{-1, 0, 1}", "Z": "integers", "F2": "{0, 1}", "F3": "{-1, 0, 1} (or 2)"}[ring]
            raise InvalidInputError(
                f"coefficients {shown} are outside the claimed ring {ring} ({allowed}); "
                "fix the entries or claim a larger ring"
            )
        return ring

    @property
    def target(self) -> TargetTensor:
        """The target tensor."""
        return self._target

    @property
    def u(self) -> np.ndarray:
        """Read-only ``r x I`` coefficient array of the first factors."""
        return self._u

    @property
    def v(self) -> np.ndarray:
        """Read-only ``r x J`` coefficient array of the second factors."""
        return self._v

    @property
    def w(self) -> np.ndarray:
        """Read-only ``r x K`` coefficient array of the output factors."""
        return self._w

    @property
    def rank(self) -> int:
        """Number of products."""
        return int(self._u.shape[0])

    @property
    def ring(self) -> str:
        """The claimed ring."""
        return self._ring

    def coefficient_set(self) -> list:
        """Sorted set of coefficient values (ints and Fractions).

        Examples:
            >>> from engine.schemes import Scheme
            >>> Scheme.strassen().coefficient_set()
            [-1, 0, 1]
        """
        arrs = (self._u, self._v, self._w)
        if all(a.dtype.kind in "iu" for a in arrs):  # fast path: int64 arrays
            return sorted({int(x) for a in arrs for x in np.unique(a)})
        vals = {_parse_coeff(x, "c") for a in arrs for x in a.flat}
        return sorted(vals, key=Fraction)

    # -- verification
    def _residual(self, ring: str) -> np.ndarray | None:
        """Residual tensor over ``ring``; None when coefficients are not in the ring."""
        T = self._target.array
        if ring in _PRIME:
            p = _PRIME[ring]
            mods = [_mod_array(a, p) for a in (self._u, self._v, self._w)]
            if any(m is None for m in mods):
                return None
            return brent_residual(*mods, np.mod(T, p), modulus=p)
        coeffs = self.coefficient_set()
        if ring == "ZT" and not set(coeffs) <= {-1, 0, 1}:
            return None
        if ring in ("ZT", "Z"):
            if not all(_is_integral(a) for a in (self._u, self._v, self._w)):
                return None
            arrs = [a if a.dtype.kind in "iu" else a.astype(object) for a in (self._u, self._v, self._w)]
            arrs = [np.array([[int(x) for x in row] for row in a], dtype=object) if a.dtype == object else a for a in arrs]
            return brent_residual(*arrs, T)
        dens = [_lcm_den(a) for a in (self._u, self._v, self._w)]
        scaled = [_scaled_int(a, d) for a, d in zip((self._u, self._v, self._w), dens, strict=True)]
        D = dens[0] * dens[1] * dens[2]
        if D == 1 and all(a.dtype.kind in "iu" for a in scaled):
            return brent_residual(*scaled, T)
        return brent_residual(*scaled, np.asarray(T, dtype=object) * D)

    def first_failure(self, ring: str | None = None) -> str | None:
        """Describe the first failing Brent equation over ``ring`` (None when valid).

        Examples:
            >>> from engine.schemes import Scheme
            >>> s = Scheme.strassen()
            >>> s.first_failure("Z") is None
            True
        """
        ring = self._ring if ring is None else _norm_ring(ring)
        if ring not in RINGS:
            raise InvalidInputError(f"ring={ring!r} is not supported; use one of {', '.join(RINGS)}")
        res = self._residual(ring)
        if res is None:
            return f"coefficients {self.coefficient_set()} are not in {ring}"
        nz = np.argwhere(res != 0)
        if len(nz) == 0:
            return None
        a, b, c = (int(x) for x in nz[0])
        T = self._target
        want = int(T.array[a, b, c])
        if ring in _PRIME:
            want %= _PRIME[ring]
        got = res[a, b, c] + want
        if ring in _PRIME:
            got %= _PRIME[ring]
        if ring == "Q":
            dens = [_lcm_den(x) for x in (self._u, self._v, self._w)]
            got = Fraction(int(res[a, b, c]), dens[0] * dens[1] * dens[2]) + want
        where = f" mod {_PRIME[ring]}" if ring in _PRIME else ""
        return (
            f"Brent equation ({T.a_names[a]}, {T.b_names[b]}, {T.c_names[c]}) fails over {ring}: "
            f"sum_t u*v*w = {got}{where}, expected {want} ({len(nz)} equations fail)"
        )

    def is_valid(self, ring: str | None = None) -> bool:
        """True when the Brent equations hold exactly over ``ring`` (default: the claimed ring).

        ``ZT`` additionally requires every coefficient in {-1, 0, 1}; ``F2``/``F3`` reduce the
        coefficients mod p (rationals need denominators prime to p).

        Raises:
            InvalidInputError: an unknown ring.

        Examples:
            >>> from engine.schemes import Scheme
            >>> Scheme.standard(2, 2, 2).is_valid("Q")
            True
        """
        return self.first_failure(ring) is None

    def check(self, ring: str | None = None) -> BilinearScheme:
        """Raise :class:`VerificationError` naming the first failing equation; else return self.

        Raises:
            VerificationError: the scheme is not valid over ``ring``.

        Examples:
            >>> from engine.schemes import Scheme
            >>> Scheme.laderman().check("ZT").rank
            23
        """
        msg = self.first_failure(ring)
        if msg is not None:
            raise VerificationError(msg)
        return self

    def verification_report(self) -> VerificationReport:
        """Verify over every ring; report validity, the smallest ring and the coefficient set.

        Examples:
            >>> from engine.schemes import Scheme
            >>> rep = Scheme.strassen().verification_report()
            >>> rep["smallest_ring"], rep["valid"]["F3"]
            ('ZT', True)
        """
        fails = {ring: self.first_failure(ring) for ring in RINGS}
        valid = {ring: fails[ring] is None for ring in RINGS}
        smallest = next((r for r in ("ZT", "Z", "Q", "F2", "F3") if valid[r]), None)
        return VerificationReport(
            rank=self.rank,
            valid=valid,
            smallest_ring=smallest,
            coefficients=[str(c) for c in self.coefficient_set()],
            first_failure=fails,
        )

    def smallest_ring(self) -> str | None:
        """The smallest ring among ZT < Z < Q it is valid in, else F2 or F3, else None."""
        return self.verification_report()["smallest_ring"]

    def evaluate(self, x: Any, y: Any, modulus: int | None = None) -> list:
        """Evaluate the bilinear map through the scheme on coordinate vectors (exactly).

        Examples:
            >>> from engine.tensors import complex_multiplication_tensor
            >>> from engine.schemes import BilinearScheme
            >>> s = BilinearScheme(complex_multiplication_tensor(), [[1, 1], [1, 0], [0, 1]],
            ...                    [[1, 1], [1, 0], [0, 1]], [[0, 1], [1, -1], [-1, -1]])
            >>> s.evaluate([1, 2], [3, 4])   # (1+2i)(3+4i) = -5+10i
            [-5, 10]
        """
        x = [Fraction(_parse_coeff(t, "x")) for t in x]
        y = [Fraction(_parse_coeff(t, "y")) for t in y]
        I, J, K = self._target.shape  # noqa: E741 (tensor dimensions I, J, K)
        if len(x) != I or len(y) != J:
            raise InvalidInputError(f"x, y have lengths {len(x)}, {len(y)}; expected {I}, {J}")
        out = [Fraction(0)] * K
        for t in range(self.rank):
            s1 = sum((_F(self._u[t, a]) * x[a] for a in range(I) if self._u[t, a] != 0), Fraction(0))
            if s1 == 0:
                continue
            s2 = sum((_F(self._v[t, b]) * y[b] for b in range(J) if self._v[t, b] != 0), Fraction(0))
            if s2 == 0:
                continue
            prod = s1 * s2
            for c in range(K):
                if self._w[t, c] != 0:
                    out[c] += _F(self._w[t, c]) * prod
        res = [q % modulus if modulus else q for q in out]
        return [int(q) if q.denominator == 1 else q for q in res]

    def spot_check(self, trials: int = 5, seed: int | None = 0, ring: str | None = None, bound: int = 10) -> bool:
        """Random numeric check: evaluate on random integer inputs and compare with the target.

        A fast sanity test (probabilistic); :meth:`is_valid` is the exact proof.

        Examples:
            >>> from engine.schemes import Scheme
            >>> Scheme.laderman().spot_check(trials=3, seed=1)
            True
        """
        ring = self._ring if ring is None else _norm_ring(ring)
        if ring not in RINGS:
            raise InvalidInputError(f"ring={ring!r} is not supported; use one of {', '.join(RINGS)}")
        if isinstance(trials, bool) or not isinstance(trials, int | np.integer) or trials < 0:
            raise InvalidInputError(f"trials={trials!r} must be a non-negative integer")
        rng = np.random.default_rng(seed)
        I, J, K = self._target.shape  # noqa: E741 (tensor dimensions I, J, K)
        mod = _PRIME.get(ring)
        if mod and any(_mod_array(a, mod) is None for a in (self._u, self._v, self._w)):
            return False
        T = self._target.array
        for _ in range(trials):
            x = [int(t) for t in rng.integers(-bound, bound + 1, I)]
            y = [int(t) for t in rng.integers(-bound, bound + 1, J)]
            got = self.evaluate(x, y, modulus=mod)
            want = [sum(int(T[a, b, c]) * x[a] * y[b] for a in range(I) for b in range(J) if T[a, b, c]) for c in range(K)]
            if mod:
                want = [q % mod for q in want]
                got = [_F(q) % mod for q in got]
            if [_F(q) for q in got] != [_F(q) for q in want]:
                return False
        return True

    # -- JSON of a generic scheme
    @staticmethod
    def _rows_json(arr: np.ndarray) -> list:
        return [[int(x) if _F(x).denominator == 1 else str(_F(x)) for x in row] for row in arr]

    def to_json(self) -> dict:
        """JSON form (target entries, ring, rank, u, v, w)."""
        return {
            "target": self._target.to_json(),
            "rank": self.rank,
            "ring": self._ring,
            "u": self._rows_json(self._u),
            "v": self._rows_json(self._v),
            "w": self._rows_json(self._w),
        }

    def store_key(self, ring: str | None = None) -> str:
        """Key of this scheme in the results store (stable across processes and runs).

        Matrix-multiplication schemes use :meth:`Scheme.invariant` (equal up to symmetry);
        other targets the target name, rank, ring and a SHA-1 of the coefficients.

        Examples:
            >>> from engine.schemes import BilinearScheme
            >>> from engine.tensors import complex_multiplication_tensor
            >>> s = BilinearScheme(complex_multiplication_tensor(), [[1, 1], [1, 0], [0, 1]],
            ...                    [[1, 1], [1, 0], [0, 1]], [[0, 1], [1, -1], [-1, -1]])
            >>> s.store_key().startswith(s.target.name + ":r3:")
            True
        """
        import hashlib

        if hasattr(self, "invariant"):
            return self.invariant()
        digest = hashlib.sha1(json.dumps(self.to_json(), sort_keys=True).encode()).hexdigest()[:16]
        return f"{self._target.name}:r{self.rank}:{ring or self._ring}:{digest}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._target.name}, rank={self.rank}, ring={self._ring!r})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, BilinearScheme)
            and self._target == other._target
            and self._ring == other._ring
            and all(
                a.shape == b.shape and all(_F(x) == _F(y) for x, y in zip(a.flat, b.flat, strict=True))
                for a, b in ((self._u, other._u), (self._v, other._v), (self._w, other._w))
            )
        )

    __hash__ = None  # type: ignore[assignment]


class Scheme(BilinearScheme):
    """A bilinear scheme for ``<n,m,p>`` matrix multiplication (see the module docstring).

    Args:
        format: ``(n, m, p)`` or ``"nxmxp"``.
        u, v, w: ``r x nm``, ``r x mp``, ``r x np`` coefficient rows (ints, Fractions, "a/b").
        ring: claimed ring (``None`` infers ``ZT``/``Z``/``Q`` from the coefficients).

    Raises:
        InvalidInputError: a bad format, wrong shapes, coefficients outside the ring.

    Examples:
        >>> from engine.schemes import Scheme
        >>> s = Scheme((1, 1, 1), [[1]], [[1]], [[1]])
        >>> s.format, s.rank, s.ring
        ((1, 1, 1), 1, 'ZT')
    """

    def __init__(self, format: Any, u: Any, v: Any, w: Any, ring: str | None = None):
        n, m, p = parse_format(format)
        super().__init__(matmul_tensor(n, m, p), u, v, w, ring)
        self._format = (n, m, p)

    @property
    def format(self) -> tuple[int, int, int]:
        """``(n, m, p)``."""
        return self._format

    def with_ring(self, ring: str) -> Scheme:
        """The same coefficients claimed over another ring (reduced mod p for F2/F3).

        Raises:
            InvalidInputError: coefficients that do not fit ``ring``.
        """
        ring = _norm_ring(ring)
        if ring in _PRIME:
            mods = [_mod_array(a, _PRIME[ring]) for a in (self._u, self._v, self._w)]
            if any(m is None for m in mods):
                raise InvalidInputError(f"coefficients {self.coefficient_set()} have denominators divisible by {_PRIME[ring]}")
            if ring == "F3":
                mods = [np.where(m == 2, -1, m) for m in mods]
            return Scheme(self._format, *mods, ring=ring)
        return Scheme(self._format, self._u, self._v, self._w, ring=ring)

    # -- known schemes
    @classmethod
    def standard(cls, n: int, m: int, p: int) -> Scheme:
        """The standard algorithm (rank ``n*m*p``), one product ``A[i][j] B[j][k]`` each.

        Examples:
            >>> from engine.schemes import Scheme
            >>> Scheme.standard(2, 3, 4).rank
            24
        """
        T = matmul_tensor(n, m, p)
        u, v, w = T.trivial_scheme()
        return cls((n, m, p), u, v, w, ring="ZT")

    @classmethod
    def strassen(cls) -> Scheme:
        """Strassen's rank-7 scheme for ``<2,2,2>`` (Strassen 1969), valid over ZT."""
        return cls.from_text(_STRASSEN, format=(2, 2, 2), transposed_c=False)

    @classmethod
    def laderman(cls) -> Scheme:
        """Laderman's rank-23 scheme for ``<3,3,3>`` (Laderman 1976), valid over ZT."""
        return cls.from_text(_LADERMAN, format=(3, 3, 3), transposed_c=False)

    # -- symmetries
    def transpose(self) -> Scheme:
        """The scheme for ``<p,m,n>`` from ``(A B)^T = B^T A^T``.

        Examples:
            >>> from engine.schemes import Scheme
            >>> s = Scheme.standard(2, 3, 4).transpose()
            >>> s.format, s.is_valid()
            ((4, 3, 2), True)
        """
        n, m, p = self._format
        r = self.rank
        u = self._v.reshape(r, m, p).transpose(0, 2, 1).reshape(r, p * m)
        v = self._u.reshape(r, n, m).transpose(0, 2, 1).reshape(r, m * n)
        w = self._w.reshape(r, n, p).transpose(0, 2, 1).reshape(r, p * n)
        return Scheme((p, m, n), u, v, w, ring=self._ring)

    def cyclic(self) -> Scheme:
        """The scheme for ``<m,p,n>`` from the cyclic symmetry of ``sum a_ij b_jk c_ki``.

        Examples:
            >>> from engine.schemes import Scheme
            >>> s = Scheme.standard(2, 3, 4).cyclic()
            >>> s.format, s.is_valid()
            ((3, 4, 2), True)
        """
        n, m, p = self._format
        r = self.rank
        u = self._v.copy()  # m x p
        v = self._w.reshape(r, n, p).transpose(0, 2, 1).reshape(r, p * n)  # p x n
        w = self._u.reshape(r, n, m).transpose(0, 2, 1).reshape(r, m * n)  # m x n
        return Scheme((m, p, n), u, v, w, ring=self._ring)

    def permute(self, perm: tuple[int, int, int]) -> Scheme:
        """Scheme for the format permuted by ``perm`` (a permutation of (0, 1, 2)).

        ``perm=(2, 1, 0)`` is :meth:`transpose`, ``(1, 2, 0)`` is :meth:`cyclic`.

        Raises:
            InvalidInputError: ``perm`` is not a permutation of (0, 1, 2).
        """
        if sorted(perm) != [0, 1, 2]:
            raise InvalidInputError(f"perm={perm!r} must be a permutation of (0, 1, 2)")
        # BFS over words in transpose / cyclic, tracking which base axes the format holds
        seen = {(0, 1, 2): self}
        frontier = [(0, 1, 2)]
        while frontier and tuple(perm) not in seen:
            nxt = []
            for key in frontier:
                s = seen[key]
                x, y, z = key
                for k2, fn in (((z, y, x), Scheme.transpose), ((y, z, x), Scheme.cyclic)):
                    if k2 not in seen:
                        seen[k2] = fn(s)
                        nxt.append(k2)
            frontier = nxt
        return seen[tuple(perm)]

    def sandwich(self, P: Any, Q: Any, R: Any) -> Scheme:
        """Apply ``A -> P A Q^-1``, ``B -> Q B R^-1`` (invertible ``P, Q, R``): a new valid scheme.

        The products become ``U' = P^T U Q^-T``, ``V' = Q^T V R^-T``, ``W' = P^-1 W R``.
        Unimodular integer matrices keep integrality; others may give rational coefficients.

        Raises:
            InvalidInputError: wrong sizes or a singular matrix (over F2/F3: a matrix whose
                determinant is not invertible mod p).

        Examples:
            >>> from engine.schemes import Scheme
            >>> s = Scheme.strassen().sandwich([[1, 1], [0, 1]], [[0, 1], [1, 0]], [[1, 0], [-1, 1]])
            >>> s.is_valid("Z")
            True
        """
        import flint

        n, m, p = self._format
        mats = []
        for name, M, d in (("P", P, n), ("Q", Q, m), ("R", R, p)):
            try:
                F = flint.fmpq_mat([[str(_parse_coeff(x, name)) for x in row] for row in np.asarray(M, dtype=object).tolist()])
            except (TypeError, ValueError) as exc:
                raise InvalidInputError(f"{name} is not a matrix of rationals: {exc}") from None
            if F.nrows() != d or F.ncols() != d:
                raise InvalidInputError(f"{name} is {F.nrows()}x{F.ncols()}; expected {d}x{d} for format {self._format}")
            det = F.det()
            if det == 0:
                raise InvalidInputError(f"{name} is singular; sandwiching needs invertible matrices")
            if self._ring in _PRIME:
                pr = _PRIME[self._ring]
                q = Fraction(int(det.p), int(det.q))
                if q.numerator % pr == 0 or q.denominator % pr == 0:
                    raise InvalidInputError(
                        f"{name} has determinant {q}, which is not invertible mod {pr}; a scheme over "
                        f"{self._ring} needs matrices invertible over {self._ring}"
                    )
            mats.append(F)
        Pm, Qm, Rm = mats

        def conv(arr: np.ndarray, a: int, b: int) -> list:
            out = []
            for row in arr:
                out.append(flint.fmpq_mat(a, b, [str(_F(x)) for x in row]))
            return out

        def back(ms: list) -> list:
            return [[Fraction(int(x.p), int(x.q)) for x in M.entries()] for M in ms]

        U = [Pm.transpose() * X * Qm.inv().transpose() for X in conv(self._u, n, m)]
        V = [Qm.transpose() * X * Rm.inv().transpose() for X in conv(self._v, m, p)]
        W = [Pm.inv() * X * Rm for X in conv(self._w, n, p)]
        new = Scheme(self._format, back(U), back(V), back(W))
        if self._ring in _PRIME:
            return new.with_ring(self._ring)
        return new

    def normalized(self) -> Scheme:
        """Sign-normalised, sorted copy: the first nonzero of each ``u`` and ``v`` row is positive.

        Examples:
            >>> from engine.schemes import Scheme
            >>> Scheme.strassen().normalized().is_valid()
            True
        """
        rows = []
        for t in range(self.rank):
            a, b, c = list(self._u[t]), list(self._v[t]), list(self._w[t])
            for vec, other in ((a, c), (b, c)):
                lead = next((x for x in vec if x != 0), 0)
                if _F(lead) < 0:
                    vec[:] = [-x for x in vec]
                    other[:] = [-x for x in other]
            rows.append((a, b, c))
        rows.sort(key=lambda t: [tuple(_F(x) for x in z) for z in t])
        s = Scheme(self._format, [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], ring=None if self._ring not in _PRIME else "Q")
        return s.with_ring(self._ring) if self._ring in _PRIME else Scheme(self._format, s.u, s.v, s.w, ring=self._ring)

    def invariant(self) -> str:
        """De-duplication key, invariant under sandwiching and format permutations.

        The multiset of the ranks of the matrices ``U_t``, ``V_t``, ``W_t`` of every product
        (over Q, or over F_p for F2/F3 schemes), minimised over the six permutations of the
        format, together with the rank and the field. Equal schemes up to symmetry have equal
        keys (the converse need not hold).

        Examples:
            >>> from engine.schemes import Scheme
            >>> s = Scheme.strassen()
            >>> s.invariant() == s.sandwich([[1, 1], [0, 1]], [[1, 0], [0, 1]], [[0, 1], [1, 0]]).transpose().invariant()
            True
        """
        n, m, p = self._format
        field = self._ring if self._ring in _PRIME else "Q"
        triples = [
            (
                _mat_rank(self._u[t].reshape(n, m), field),
                _mat_rank(self._v[t].reshape(m, p), field),
                _mat_rank(self._w[t].reshape(n, p), field),
            )
            for t in range(self.rank)
        ]
        best = None
        fmt = (n, m, p)
        # group generated by transpose: fmt (n,m,p)->(p,m,n), triple (x,y,z)->(y,x,z)
        # and cyclic: fmt (n,m,p)->(m,p,n), triple (x,y,z)->(y,z,x)
        states = {(fmt, tuple(sorted(triples)))}
        frontier = list(states)
        while frontier:
            nxt = []
            for f, tr in frontier:
                for g in (
                    ((f[2], f[1], f[0]), tuple(sorted((b, a, c) for a, b, c in tr))),
                    ((f[1], f[2], f[0]), tuple(sorted((b, c, a) for a, b, c in tr))),
                ):
                    if g not in states:
                        states.add(g)
                        nxt.append(g)
            frontier = nxt
        best = min(states)
        f, tr = best
        body = ",".join(f"{a}{b}{c}" for a, b, c in tr)
        return f"{f[0]}x{f[1]}x{f[2]}:r{self.rank}:{field}:{body}"

    # -- addition counts
    def naive_additions(self) -> int:
        """Additions of the straightforward evaluation (each linear form and each output sum).

        Examples:
            >>> from engine.schemes import Scheme
            >>> Scheme.strassen().naive_additions()   # Strassen 1969: 18
            18
        """
        from engine import scheme_codegen

        return scheme_codegen.naive_additions(self)

    def cse_additions(self) -> int:
        """Additions after greedy common-subexpression elimination of pairs.

        Repeatedly replaces the most frequent pair ``x + c*y`` (same ratio) shared by at least
        two linear forms by a new variable (one addition), separately for the ``u`` forms,
        the ``v`` forms and the output sums (columns of ``w``). Upper bound on the optimum.

        Examples:
            >>> from engine.schemes import Scheme
            >>> Scheme.strassen().cse_additions() <= 18
            True
        """
        from engine import scheme_codegen

        return scheme_codegen.cse_additions(self)

    # -- I/O
    def to_json(self) -> dict:
        """The issue-5 JSON form: format, rank, ring, u, v, w (Q entries as "a/b")."""
        return {
            "format": list(self._format),
            "rank": self.rank,
            "ring": self._ring,
            "u": self._rows_json(self._u),
            "v": self._rows_json(self._v),
            "w": self._rows_json(self._w),
        }

    @classmethod
    def from_json(cls, data: dict | str) -> Scheme:
        """Build from the JSON form (a dict or a JSON string).

        Raises:
            InvalidInputError: missing keys, a rank that does not match the rows, wrong shapes.

        Examples:
            >>> from engine.schemes import Scheme
            >>> s = Scheme.strassen()
            >>> Scheme.from_json(s.to_json()) == s
            True
        """
        from engine import scheme_formats

        return scheme_formats.from_json(cls, data)

    @classmethod
    def load(cls, path: str | os.PathLike, fmt: str | None = None, format: Any = None, ring: str | None = None) -> Scheme:
        """Load a scheme file: ``.json``, ``.npz``, product-per-line text or the flat form.

        The ring is the file's own (the ``"ring"`` of JSON/npz, a ``# ring: F3`` comment line
        written by :meth:`save` in text and flat files). A file that records no ring (text or
        flat files of other tools) gets the smallest ring it is valid in, ``ZT < Z < Q < F2 <
        F3`` (:meth:`smallest_ring`), so a scheme found mod 2 or mod 3 loads as an F2/F3 scheme.

        Args:
            path: the file.
            fmt: ``"json"``, ``"npz"``, ``"text"`` or ``"flat"`` (default: from the suffix,
                else guessed from the content).
            format: ``(n, m, p)`` for text files whose indices do not determine it.
            ring: claim this ring instead (F2/F3 reduce the coefficients mod p); the scheme
                is then not verified on loading (use :meth:`check`).

        Raises:
            InvalidInputError: a missing or malformed file, an unknown ``fmt`` or ``ring``,
                coefficients that do not fit ``ring``.
            VerificationError: the file records no ring and the scheme is valid in none of
                ZT, Z, Q, F2, F3 (the message names the first failing Brent equation).

        Examples:
            >>> import os, tempfile
            >>> from engine.schemes import Scheme
            >>> d = tempfile.mkdtemp(); f = os.path.join(d, "s.json")
            >>> Scheme.strassen().save(f)
            >>> Scheme.load(f).rank
            7
            >>> g = os.path.join(d, "f2.flat")              # a scheme valid only mod 2
            >>> _ = open(g, "w").write(Scheme.strassen().with_ring("F2").to_flat())
            >>> Scheme.load(g).ring, Scheme.load(g, ring="F3").is_valid()
            ('F2', False)
        """
        from engine import scheme_formats

        return scheme_formats.load(cls, path, fmt=fmt, format=format, ring=ring)

    def _with_smallest_ring(self, where: str) -> Scheme:
        """This scheme claimed over the smallest ring it is valid in (for files without a ring)."""
        for r in ("ZT", "Z", "Q", "F2", "F3"):
            if self.is_valid(r):
                return self if r == self._ring else self.with_ring(r)
        probe = self._ring
        raise VerificationError(
            f"{where}: the scheme records no ring and is valid in none of ZT, Z, Q, F2, F3 "
            f"(over {probe}: {self.first_failure(probe)}); fix the coefficients or pass ring= (--ring) "
            "to load it unverified"
        )

    def dumps(self, fmt: str = "json") -> str:
        """The file content :meth:`save` writes in ``fmt`` (``"json"``, ``"text"`` or ``"flat"``).

        Text and flat forms carry the ring as a ``# ring: F3`` comment line (first line of
        the text form, last line of the flat form, after the coefficients that a reader of
        the plain format consumes), so that they round-trip; :meth:`from_text` and
        :meth:`from_flat` read it back.

        Raises:
            InvalidInputError: an unknown ``fmt`` (``"npz"`` is binary: use :meth:`save`).

        Examples:
            >>> from engine.schemes import Scheme
            >>> print(Scheme.standard(1, 1, 1).with_ring("F3").dumps("flat"))
            1 1 1 1
            1
            1
            1
            # ring: F3
            <BLANKLINE>
        """
        from engine import scheme_formats

        return scheme_formats.dumps(self, fmt)

    def save(self, path: str | os.PathLike, fmt: str | None = None, force: bool = False) -> None:
        """Write the scheme; the format comes from ``fmt`` or the suffix.

        Suffixes: ``.json`` (JSON), ``.npz`` (numpy: int64 arrays, ``u_den``... for rationals,
        ``"a/b"`` string arrays for coefficients beyond int64), ``.txt`` or ``.exp`` (product-per-line
        text), ``.flat`` (flat ``n m p r`` form, the ternary framework's convention). Every form records the ring (see
        :meth:`dumps`). Nothing is written when an argument is rejected.

        Raises:
            InvalidInputError: the file exists and ``force`` is False, an unknown ``fmt``, or
                no ``fmt`` and a suffix other than the supported ones.

        Examples:
            >>> import os, tempfile
            >>> from engine.schemes import Scheme
            >>> f = os.path.join(tempfile.mkdtemp(), "s.txt")
            >>> Scheme.strassen().save(f)
            >>> Scheme.load(f) == Scheme.strassen()
            True
        """
        from engine import scheme_formats

        return scheme_formats.save(self, path, fmt=fmt, force=force)

    def to_text(self, transposed_c: bool = True) -> str:
        """Product-per-line text ``(a11+a12)*(b12-b22)*(c21)`` (c indices transposed by default).

        Examples:
            >>> from engine.schemes import Scheme
            >>> print(Scheme.standard(1, 1, 2).to_text())
            (a11)*(b11)*(c11)
            (a11)*(b12)*(c21)
        """
        from engine import scheme_formats

        return scheme_formats.to_text(self, transposed_c)

    @classmethod
    def from_text(cls, text: str, format: Any = None, transposed_c: bool = True, ring: str | None = None) -> Scheme:
        """Parse the product-per-line text form (one ``(...)*(...)*(...)`` per line).

        Indices: ``a12``, ``a1_12`` or ``a_{1,12}`` (1-based). ``c`` indices are transposed
        (``c21`` is ``C[1][2]``) unless ``transposed_c=False``. Coefficients: ``-a11``,
        ``2*a11``, ``1/2*a11``. ``format`` is inferred from the largest indices if omitted.
        ``#`` starts a comment; a ``# ring: F3`` comment line sets the ring when ``ring`` is
        None (else it is inferred from the coefficients: ``ZT``, ``Z`` or ``Q``).

        Raises:
            InvalidInputError: a line that is not three factors, unknown variables, indices
                beyond the format, an unknown ring in the comment.

        Examples:
            >>> from engine.schemes import Scheme
            >>> Scheme.from_text("(a11)*(b11)*(c11)").format
            (1, 1, 1)
            >>> Scheme.from_text("a11*b11*c11\\n-a12*(-b21)*c11", format=(1, 2, 1)).is_valid()
            True
        """
        from engine import scheme_formats

        return scheme_formats.from_text(cls, text, format=format, transposed_c=transposed_c, ring=ring)

    def to_flat(self, transposed_c: bool = True) -> str:
        """The flat form: ``n m p r`` then one line each of the u, v, w coefficients.

        As in the open-source ternary flip-graph framework, ``u`` rows are ``A`` row-major
        (``i*m + j``), ``v`` rows ``B`` row-major (``j*p + k``) and ``w`` rows the *transposed*
        ``C`` (``k*n + i``: the tensor ``sum a_ij b_jk c_ki``, like the ``c`` index of the text
        form); ``transposed_c=False`` writes ``w`` in our row-major JSON convention instead.

        Examples:
            >>> from engine.schemes import Scheme
            >>> print(Scheme.standard(1, 1, 2).to_flat())
            1 1 2 2
            1 1
            1 0 0 1
            1 0 0 1
        """
        from engine import scheme_formats

        return scheme_formats.to_flat(self, transposed_c)

    @classmethod
    def from_flat(cls, text: str, ring: str | None = None, transposed_c: bool | None = None) -> Scheme:
        """Parse the flat ``n m p r`` + u/v/w coefficient form (any whitespace layout).

        The ``w`` coefficients are read as the transposed ``C`` (``k*n + i``), the convention
        of the open-source ternary flip-graph framework and of :meth:`to_flat`;
        ``transposed_c=False`` reads them row-major (``i*p + k``, our JSON convention). The
        default ``None`` reads the framework's convention and falls back to row-major only when
        that one satisfies the Brent equations and the framework reading does not (files
        written row-major by other scripts or by versions of this package before 2026-11).

        ``#`` starts a comment; a ``# ring: F3`` comment line sets the ring when ``ring`` is
        None (else the ring is inferred from the coefficients: ``ZT``, ``Z`` or ``Q``;
        :meth:`load` infers the smallest ring the scheme is valid in instead).

        Raises:
            InvalidInputError: a wrong number of coefficients, a malformed header, an unknown
                ring in the comment.

        Examples:
            >>> from engine.schemes import Scheme
            >>> s = Scheme.from_flat("1 1 2 2  1 1  1 0 0 1  1 0 0 1")
            >>> s.rank, s.is_valid()
            (2, True)
        """
        from engine import scheme_formats

        return scheme_formats.from_flat(cls, text, ring=ring, transposed_c=transposed_c)

    # -- code export
    def to_readable(self) -> str:
        """Readable form: ``m1 = (a11 + a22)*(b11 + b22)`` lines, then ``c11 = m1 + m4 - ...``.

        For a scheme claimed over F2 or F3 a first line ``# over F3: ... modulo 3`` says that
        the formulas hold only modulo p.

        Examples:
            >>> from engine.schemes import Scheme
            >>> print(Scheme.standard(1, 1, 1).to_readable())
            m1 = (a11)*(b11)
            c11 = m1
        """
        from engine import scheme_codegen

        return scheme_codegen.to_readable(self)

    def to_python(self, name: str | None = None) -> str:
        """Python source of a function ``name(A, B)`` computing ``A @ B`` with the scheme.

        ``A`` and ``B`` are indexable 2-D objects (lists or numpy arrays); the result is a
        numpy array (object dtype when the scheme has rational coefficients). A scheme
        claimed over F2 or F3 is correct only modulo p, so its code reduces the result
        ``% p`` (entries in ``0..p-1``) and says so in a comment: it computes ``(A @ B) % p``.

        Raises:
            InvalidInputError: ``name`` is not a Python identifier (or is a keyword).

        Examples:
            >>> import numpy as np
            >>> from engine.schemes import Scheme
            >>> ns = {}; exec(Scheme.strassen().to_python("f"), ns)
            >>> A = np.array([[1, 2], [3, 4]]); B = np.array([[5, 6], [7, 8]])
            >>> bool((ns["f"](A, B) == A @ B).all())
            True
            >>> exec(Scheme.strassen().with_ring("F2").to_python("g"), ns)
            >>> bool((ns["g"](A, B) == (A @ B) % 2).all())
            True
        """
        from engine import scheme_codegen

        return scheme_codegen.to_python(self, name)

    def to_numpy_function(self) -> Any:
        """Compile :meth:`to_python` and return the function.

        Examples:
            >>> import numpy as np
            >>> from engine.schemes import Scheme
            >>> f = Scheme.laderman().to_numpy_function()
            >>> A = np.arange(9).reshape(3, 3); B = np.arange(9, 18).reshape(3, 3)
            >>> bool((f(A, B) == A @ B).all())
            True
        """
        from engine import scheme_codegen

        return scheme_codegen.to_numpy_function(self)


# ----------------------------------------------------------------------------- helpers
def _norm_ring(ring: Any) -> Any:
    """``ring`` with a lower-case name (``"zt"``, ``"f2"``) mapped to its canonical spelling."""
    if isinstance(ring, str) and ring.strip().upper() in RINGS:
        return ring.strip().upper()
    return ring


def _mat_rank(mat: np.ndarray, field: str) -> int:
    import flint

    if field in _PRIME:
        pr = _PRIME[field]
        M = flint.nmod_mat([[int(_F(x).numerator * pow(_F(x).denominator, -1, pr)) % pr for x in row] for row in mat], pr)
        return int(M.rank())
    M = flint.fmpq_mat([[str(_F(x)) for x in row] for row in mat])
    return int(M.rank())


_STRASSEN = """
(a11+a22)*(b11+b22)*(c11+c22)
(a21+a22)*(b11)*(c21-c22)
(a11)*(b12-b22)*(c12+c22)
(a22)*(b21-b11)*(c11+c21)
(a11+a12)*(b22)*(-c11+c12)
(a21-a11)*(b11+b12)*(c22)
(a12-a22)*(b21+b22)*(c11)
"""

_LADERMAN = """
(a11+a12+a13-a21-a22-a32-a33)*(b22)*(c12)
(a11-a21)*(-b12+b22)*(c21+c22)
(a22)*(-b11+b12+b21-b22-b23-b31+b33)*(c21)
(-a11+a21+a22)*(b11-b12+b22)*(c12+c21+c22)
(a21+a22)*(-b11+b12)*(c12+c22)
(a11)*(b11)*(c11+c12+c13+c21+c22+c31+c33)
(-a11+a31+a32)*(b11-b13+b23)*(c13+c31+c33)
(-a11+a31)*(b13-b23)*(c31+c33)
(a31+a32)*(-b11+b13)*(c13+c33)
(a11+a12+a13-a22-a23-a31-a32)*(b23)*(c13)
(a32)*(-b11+b13+b21-b22-b23-b31+b32)*(c31)
(-a13+a32+a33)*(b22+b31-b32)*(c12+c31+c32)
(a13-a33)*(b22-b32)*(c31+c32)
(a13)*(b31)*(c11+c12+c13+c21+c23+c31+c32)
(a32+a33)*(-b31+b32)*(c12+c32)
(-a13+a22+a23)*(b23+b31-b33)*(c13+c21+c23)
(a13-a23)*(b23-b33)*(c21+c23)
(a22+a23)*(-b31+b33)*(c13+c23)
(a12)*(b21)*(c11)
(a23)*(b32)*(c22)
(a21)*(b13)*(c23)
(a31)*(b12)*(c32)
(a33)*(b33)*(c33)
"""


def _F(x: Any) -> Fraction:
    """Exact Fraction of an int, numpy integer, Fraction or 'a/b' string."""
    if isinstance(x, np.integer):
        return Fraction(int(x))
    return Fraction(x)
