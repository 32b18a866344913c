"""Search for large affine spaces of alternating matrices of constant rank over small fields.

Given ``(n, r, p)`` the search looks for an affine subspace of ``A_n(F_p)`` of the largest
dimension in which every matrix has rank exactly ``r``. It runs on the one search runner
(:func:`search.runner.run_search`: budgets, seeds, backends, checkpoints, resume, progress,
stop reasons and the results store, domain ``"altspaces"``) through :class:`AltSpaceSpec`:

- :class:`AltSpaceProblem` scores a family by its dimension and *verifies* it exactly with
  :meth:`solvers.constant_rank.AffineAlternatingSpace.constant_rank` (every point over F_p,
  or the symbolic Pfaffian-minor certificate when ``p^d`` is too large); its ``key``
  (:func:`family_key`) is the only place the store key is built, its ``to_json`` /
  ``from_json`` the self-contained payload (``n``, ``r``, ``field``, ``dimension``, the
  space) that ``disco results verify`` rebuilds (:func:`verify_payload`);
- :class:`AltSpaceProposer` is a tabu / simulated-annealing walk over constant-rank
  families: the main move extends the current family by one direction ``D``, checked
  exhaustively (all points ``x + tD``, ``x`` in the family, ``t != 0``, numba kernel
  :func:`solvers.constant_rank._kernels.first_extension`) over candidate directions reduced
  modulo the current span (all of ``A_n(F_p)`` when it is small, else random dense and
  sparse samples); when no candidate extends the family it drops a direction and moves the
  base point (annealing acceptance of the lower dimension, recently visited families tabu),
  with occasional restarts from the theorem's construction, a random congruent copy of it,
  or a single random rank-``r`` point. One step is one proposal (one family evaluated).

Every family reported is verified exactly and committed to the store before it is printed or
returned; :func:`search_constant_rank` also checks (exhaustively over all directions when
``p^{n(n-1)/2}`` is small) whether the best family is *maximal*
(:func:`solvers.constant_rank.optimality.is_maximal`: no single direction extends it, maximal
for inclusion, which does not prove that no larger family exists). It stops as soon as the
dimension found equals a proved upper bound
(:func:`solvers.constant_rank.optimality.proved_upper_bound`: a covered theorem or a stored
exhaustive maximum), with stop reason ``target_reached`` and the bound's source in
``stop_detail``. :func:`comparison_table` lines up the best dimensions found against
:func:`solvers.constant_rank.formula_dimension`; :func:`save_best_table` and
:func:`save_exact_table` record results in a JSON table of the user's (default
``./altspaces_best.json``), never in the installed package.

References:
    F. Glover, "Tabu search - Part I", ORSA J. Computing 1 (1989) 190-206.
    S. Kirkpatrick, C. D. Gelatt, M. P. Vecchi, "Optimization by simulated annealing",
    Science 220 (1983) 671-680.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from engine._args import check_flag, check_int, check_path, check_real, short_repr
from engine.errors import InfeasibleError, InvalidInputError, VerificationError
from engine.results import Result
from search.core import Budget, StopReason
from search.drivers._options import check_run_options
from search.runner import SearchSpec, run_search
from solvers.constant_rank import (
    AffineAlternatingSpace,
    constant_rank_theory,
    formula_dimension,
    formula_space,
)
from solvers.constant_rank._coords import (
    _FULL_ENUM,
    _all_vectors,
    _alt_rank,
    _combine,
    _congruent,
    _first_extension,
    _mat,
    _rank,
    _reduce,
    _rref,
    _vec,
)
from solvers.constant_rank.optimality import (
    ExactMaximum,
    _check_args,
    is_maximal,
    proved_upper_bound,
)

__all__ = [
    "AltSpaceSpec",
    "verify_payload",
    "AltSpaceProblem",
    "AltSpaceLocalProblem",
    "AltSpaceProposer",
    "AltSpaceSearchResult",
    "search_constant_rank",
    "comparison_table",
    "format_table",
    "save_best_table",
    "save_exact_table",
    "DEFAULT_TABLE",
]

#: The file :func:`save_best_table` and :func:`save_exact_table` write by default: in the
#: working directory, never inside the installed package.
DEFAULT_TABLE = "altspaces_best.json"

#: Largest matrix size a search takes: its exact verifications (Pfaffian-minor certificates
#: of families of dimension ~ n r / 2) stay within seconds up to here.
MAX_N = 16
#: Most independent walkers (and worker processes) of one search.
MAX_WALKERS = 1024
#: Most random candidate directions per extension attempt.
MAX_CANDIDATES = 1 << 20
#: Seconds of one chunk of a walk on a parallel backend. A walk's proposals get dearer as its
#: family grows (an extension is checked at every point), so chunks are cut by time, not by
#: proposals: walkers take turns on the workers in pieces of this length, and with several
#: walkers per worker no worker idles while another finishes a long walk. The walk itself does
#: not depend on where its chunks end.
CHUNK_SECONDS = 0.5


def _check_search_args(n: Any, r: Any, field: Any) -> tuple[int, int, int]:
    """``(n, r, p)`` of a search: :func:`_check_args` and ``n <= MAX_N``."""
    n, r, p = _check_args(n, r, field, allow_fq=True)
    if n > MAX_N:
        raise InvalidInputError(
            f"n={n} is too large for the search (limit n <= {MAX_N}: every family found is verified "
            f"exactly); constant_rank_theory({n}, {r}, {p}) gives what is known")
    return n, r, p


def _check_family(fam: Any, name: str = "fam") -> Any:
    if not isinstance(fam, _Family):
        raise InvalidInputError(
            f"{name}={short_repr(fam)} is not a search family; build one from a space with "
            "AltSpaceProblem(n, r, p).from_json(payload)")
    return fam

SearchMethod = Literal["walk", "tabu", "annealing"]
_SEARCH_METHODS: dict[str, str] = {
    "walk": "AltSpaceProposer: extension / tabu drop / annealing acceptance / restarts",
    "tabu": "search.drivers.TabuProposer on AltSpaceLocalProblem",
    "annealing": "search.drivers.AnnealingProposer on AltSpaceLocalProblem",
}


# --------------------------------------------------------------------------- candidates
@dataclass(frozen=True)
class _Family:
    """A light, picklable constant-rank family (int64 arrays mod p)."""

    n: int
    p: int
    base: np.ndarray
    dirs: np.ndarray  # (d, n, n)

    @property
    def dim(self) -> int:
        return int(self.dirs.shape[0])

    def space(self) -> AffineAlternatingSpace:
        return AffineAlternatingSpace(self.base.tolist(), [D.tolist() for D in self.dirs], field=self.p)


def family_key(fam: _Family) -> str:
    """Canonical key of the affine subspace (as a set): RREF of the directions and the base
    reduced modulo their span."""
    fam = _check_family(fam)
    vb = _vec(fam.base)[None, :]
    if fam.dim:
        basis, piv = _rref(_vec(fam.dirs), fam.p)
        vb = _reduce(vb, basis, piv, fam.p)
    else:
        basis = np.zeros((0, vb.shape[1]), dtype=np.int64)
    h = hashlib.sha1()
    h.update(json.dumps([fam.n, fam.p, basis.tolist(), vb.tolist()]).encode())
    return f"n{fam.n}-F{fam.p}-d{fam.dim}-{h.hexdigest()[:16]}"


# --------------------------------------------------------------------------- problem
def _family_from_space(sp: AffineAlternatingSpace) -> _Family:
    n, p = sp.n, int(sp.field)
    base = np.array(sp.base, dtype=np.int64) % p
    dirs = np.array(sp.directions, dtype=np.int64).reshape(-1, n, n) % p
    return _Family(n, p, base, dirs)


class AltSpaceProblem:
    """Score = dimension of a constant-rank-``r`` family; exact verification.

    ``key`` (:func:`family_key`) is the store key of a family, ``to_json`` its self-contained
    payload and ``from_json`` rebuilds the family from it.

    Args:
        n, r, p: size, target rank (even), prime.

    Examples:
        >>> from search.altspaces import AltSpaceProblem
        >>> from search.altspaces.search import _family_from_space
        >>> from solvers.constant_rank import formula_space
        >>> prob = AltSpaceProblem(4, 2, 2)
        >>> fam = _family_from_space(formula_space(4, 2, field=2))
        >>> prob.params, prob.verify(fam), prob.describe(fam)
        ({'n': 4, 'r': 2, 'field': 2}, True, 'dimension 2 (rank 2 in A_4(F2))')
        >>> prob.key(prob.from_json(prob.to_json(fam))) == prob.key(fam)
        True
    """

    domain = "altspaces"
    verification_method = "constant_rank(exhaustive or Pfaffian-minor certificate)"

    def __init__(self, n: int, r: int, p: int):
        n, r, p = _check_search_args(n, r, p)
        self.n, self.r, self.p = n, r, p
        self.params = {"n": n, "r": r, "field": p}

    def evaluate(self, c: _Family) -> float:
        return float(c.dim)

    def verify(self, c: _Family) -> bool:
        if (c.n, c.p) != (self.n, self.p):
            return False
        res = c.space().constant_rank()
        return bool(res.is_constant) and res.rank == self.r

    def key(self, c: _Family) -> str:
        return family_key(c)

    def to_json(self, c: _Family) -> dict:
        return {"n": self.n, "r": self.r, "field": self.p, "dimension": c.dim,
                "space": c.space().to_json()}

    def from_json(self, d: dict) -> _Family:
        """The family of a payload of :meth:`to_json`.

        Raises:
            InvalidInputError: the payload is of another ``(n, r, field)`` or malformed.
        """
        if not isinstance(d, dict) or "space" not in d:
            raise InvalidInputError(f"payload={short_repr(d)} must be a dict with a 'space' (from to_json)")
        sp = AffineAlternatingSpace.from_json(d["space"])
        r = d.get("r", self.r)
        if sp.field == "Q" or (sp.n, int(sp.field)) != (self.n, self.p) or \
                isinstance(r, bool) or not isinstance(r, int) or r != self.r:
            raise InvalidInputError(
                f"payload of n={sp.n}, r={d.get('r')}, field={sp.field} given to the search of "
                f"n={self.n}, r={self.r}, field={self.p}")
        return _family_from_space(sp)

    def describe(self, c: _Family) -> str:
        return f"dimension {c.dim} (rank {self.r} in A_{self.n}(F{self.p}))"


def verify_payload(payload: Any, key: str) -> str:
    """Rebuild a stored ``"altspaces"`` record and re-verify it exactly (``disco results verify``).

    The payload's space must have constant rank at every point (its ``r`` / ``dimension``
    when recorded), and a search record's key must be :func:`family_key` of the family (keys
    written by ``disco discover``, ``extremal:...`` and ``discover:...``, are not recomputed).

    Returns:
        What was verified, in words.

    Raises:
        VerificationError: a point of another rank, an undecided family, a wrong dimension,
            rank or key.

    Examples:
        >>> from search.altspaces import AltSpaceProblem, verify_payload
        >>> from search.altspaces.search import _family_from_space
        >>> from solvers.constant_rank import formula_space
        >>> prob = AltSpaceProblem(4, 2, 2)
        >>> fam = _family_from_space(formula_space(4, 2, field=2))
        >>> verify_payload(prob.to_json(fam), prob.key(fam))
        'constant rank 2 at every point of a 2-dimensional family in A_4(F2) (exhaustive)'
    """
    if not isinstance(key, str):
        raise InvalidInputError(f"key={short_repr(key)} must be the stored record's key (a string)")
    if not isinstance(payload, dict) or not isinstance(payload.get("space"), dict):
        raise VerificationError("the payload holds no space {n, field, base, directions}")
    sp = AffineAlternatingSpace.from_json(payload["space"])
    res = sp.constant_rank()
    if res.is_constant is not True:
        what = "is undecided" if res.is_constant is None else \
            f"has a point of rank {res.witness_rank} (t = {list(res.witness)}), not {res.rank}"
        raise VerificationError(f"the family does not have constant rank: it {what}")
    decision = payload.get("decision")
    rank = payload.get("r", decision.get("rank") if isinstance(decision, dict) else None)
    if rank is not None and rank != res.rank:
        raise VerificationError(f"the payload claims rank {short_repr(rank)}, the family has rank {res.rank}")
    if payload.get("dimension") is not None and payload["dimension"] != sp.dimension:
        raise VerificationError(
            f"the payload claims dimension {short_repr(payload['dimension'])}, the family has {sp.dimension}")
    fname = "Q" if sp.field == "Q" else f"F{sp.field}"
    if not str(key).startswith(("extremal:", "discover:")):
        if sp.field == "Q":
            raise VerificationError(f"key {short_repr(key)}: search records are over F_p, this family is over Q")
        want = family_key(_family_from_space(sp))
        if key != want:
            raise VerificationError(f"the key is not the family's key {short_repr(want)} (payload edited "
                                    "after it was stored?)")
    return (f"constant rank {res.rank} at every point of a {sp.dimension}-dimensional family "
            f"in A_{sp.n}({fname}) ({res.method})")


# --------------------------------------------------------------------------- proposer
class AltSpaceProposer:
    """Tabu / annealing walk over constant-rank families (see the module docstring).

    Args:
        n, r, p: the problem.
        candidates: random candidate directions per extension attempt (ignored when the
            whole space ``A_n(F_p)`` is enumerated).
        temperature: initial annealing temperature (dimension units); multiplied by
            ``cooling`` at every ``tell``.
        restart_prob: probability of a restart per proposal.
        tabu: number of recent family keys kept tabu.
        max_points: no extension is attempted once ``p^(d+1)`` exceeds this (the exhaustive
            check of one candidate would be too long).
    """

    def __init__(self, n: int, r: int, p: int, *, candidates: int = 512, temperature: float = 1.0,
                 cooling: float = 0.995, restart_prob: float = 0.02, tabu: int = 64,
                 max_points: int = 5 * 10**5):
        n, r, p = _check_search_args(n, r, p)
        candidates = check_int(candidates, "candidates", low=1, high=MAX_CANDIDATES)
        temperature = check_real(temperature, "temperature", low=0, low_open=True)
        cooling = check_real(cooling, "cooling", low=0, high=1, low_open=True)
        restart_prob = check_real(restart_prob, "restart_prob", low=0, high=1)
        tabu = check_int(tabu, "tabu", low=0, high=1 << 20)
        max_points = check_int(max_points, "max_points", low=1)
        self.n, self.r, self.p = n, r, p
        self.m = n * (n - 1) // 2
        self.max_points = max_points
        self.candidates = candidates
        self.T = temperature
        self.cooling = cooling
        self.restart_prob = restart_prob
        self.tabu: deque[str] = deque(maxlen=tabu)
        self.current: _Family | None = None
        self.rng = np.random.default_rng(0)
        self.full = p**self.m <= _FULL_ENUM
        self.starts = 0
        self._all = _all_vectors(self.m, p) if self.full else None

    def bind(self, rng: np.random.Generator) -> None:
        self.rng = rng

    # -- starting points
    def _start(self) -> _Family:
        self.starts += 1
        n, r, p = self.n, self.r, self.p
        kind = self.starts % 3
        if kind == 1:  # the theorem's construction
            sp = formula_space(n, r, p)
            return _Family(n, p, np.array(sp.base, dtype=np.int64), np.array(sp.directions, dtype=np.int64).reshape(-1, n, n))
        if kind == 2:  # a random congruent copy X^T S X of the construction
            sp = formula_space(n, r, p)
            while True:
                X = self.rng.integers(0, p, (n, n))
                if _rank(X, p) == n:
                    break
            conj = lambda M: _congruent(X, M, p)  # noqa: E731
            dirs = np.array([conj(D) for D in sp.directions], dtype=np.int64).reshape(-1, n, n)
            return _Family(n, p, conj(sp.base), dirs)
        # a single random point of rank r
        while True:
            B = _mat(self.rng.integers(0, p, self.m), n, p)
            if _alt_rank(B, p) == r:
                return _Family(n, p, B, np.zeros((0, n, n), dtype=np.int64))

    # -- moves
    def _candidate_dirs(self, fam: _Family) -> np.ndarray:
        if self.full:
            C = self._all[self.rng.permutation(self._all.shape[0])]
        else:
            k = self.candidates
            dense = self.rng.integers(0, self.p, (k // 2, self.m))
            sparse = np.zeros((k - k // 2, self.m), dtype=np.int64)
            for row in sparse:
                idx = self.rng.choice(self.m, size=int(self.rng.integers(1, 4)), replace=False)
                row[idx] = self.rng.integers(1, self.p, idx.size)
            C = np.vstack([dense, sparse])
        if fam.dim:
            basis, piv = _rref(_vec(fam.dirs), self.p)
            C = _reduce(C, basis, piv, self.p)
        C = C[C.any(axis=1)]
        return C

    def _extend(self, fam: _Family) -> _Family | None:
        if self.p ** (fam.dim + 1) > self.max_points:
            return None  # each candidate would need more than max_points rank computations

        C = self._candidate_dirs(fam)
        if C.shape[0] == 0:
            return None
        mats = _mat(C, self.n, self.p)
        k = _first_extension(fam.base, fam.dirs.reshape(-1, self.n, self.n), mats, self.p, self.r)
        if k < 0:
            return None
        dirs = np.concatenate([fam.dirs.reshape(-1, self.n, self.n), mats[k : k + 1]], axis=0)
        return _Family(self.n, self.p, fam.base, dirs)

    def _perturb(self, fam: _Family) -> _Family:
        """Drop a random direction and move the base to a random point of the family."""
        if fam.dim == 0:
            return self._start()
        t = self.rng.integers(0, self.p, fam.dim)
        base = _combine(fam.base, t, fam.dirs, self.p)
        keep = np.delete(np.arange(fam.dim), int(self.rng.integers(0, fam.dim)))
        return _Family(self.n, self.p, base, fam.dirs[keep])

    def ask(self, n: int) -> list:
        out = []
        for _ in range(n):
            cur = self.current
            if cur is None or self.rng.random() < self.restart_prob:
                out.append(self._start())
                continue
            ext = self._extend(cur)
            if ext is not None and family_key(ext) not in self.tabu:
                out.append(ext)
                continue
            # stuck (a local maximum for this candidate set): tabu move down
            cand = self._perturb(cur)
            for _ in range(3):
                if family_key(cand) not in self.tabu:
                    break
                cand = self._perturb(cur)
            out.append(cand)
        return out

    def tell(self, candidates, scores) -> None:
        if not candidates:
            return
        i = int(np.argmax(scores))
        cand, score = candidates[i], float(scores[i])
        cur_score = -math.inf if self.current is None else float(self.current.dim)
        if score >= cur_score or self.rng.random() < math.exp((score - cur_score) / max(self.T, 1e-9)):
            self.current = cand
            self.tabu.append(family_key(cand))
        self.T *= self.cooling

    def state(self) -> dict:
        cur = self.current
        return {
            "current": None if cur is None else (cur.base.tolist(), cur.dirs.tolist()),
            "T": self.T, "tabu": list(self.tabu), "starts": self.starts,
        }

    def restore(self, state: dict) -> None:
        cur = state["current"]
        self.current = None if cur is None else _Family(
            self.n, self.p, np.array(cur[0], dtype=np.int64),
            np.array(cur[1], dtype=np.int64).reshape(-1, self.n, self.n))
        self.T = state["T"]
        self.tabu = deque(state["tabu"], maxlen=self.tabu.maxlen)
        self.starts = state["starts"]


class AltSpaceLocalProblem(AltSpaceProblem):
    """The same problem with moves, for the generic tabu / annealing drivers (:mod:`search.drivers`).

    State: a mutable ``[base, dirs]`` pair (constant rank ``r`` by construction). Moves:
    ``("add", D)`` (delta ``+1`` when every new point ``x + tD`` has rank ``r``, checked
    exhaustively, else ``-inf``) and ``("drop", k, shift)`` (delta ``-1``: remove direction
    ``k`` and move the base by ``shift``, a point of the family). The start is the theorem's
    construction.
    """

    def __init__(self, n: int, r: int, p: int, *, candidates: int = 64, max_points: int = 5 * 10**5):
        super().__init__(n, r, p)
        n, r, p = self.n, self.r, self.p
        self._prop = AltSpaceProposer(n, r, p, candidates=candidates, max_points=max_points)

    def initial(self, rng):
        self._prop.starts = 0  # first start: the theorem's construction
        fam = self._prop._start()
        return [fam.base.copy(), fam.dirs.copy()]

    def score(self, s) -> float:
        return float(s[1].shape[0])

    def copy(self, s):
        return [s[0].copy(), s[1].copy()]

    def as_candidate(self, s) -> _Family:
        return _Family(self.n, self.p, s[0].copy(), s[1].copy())

    def sample_moves(self, s, rng, k):
        self._prop.rng = rng
        fam = self.as_candidate(s)
        moves: list = []
        if self.p ** (fam.dim + 1) <= self._prop.max_points:
            C = self._prop._candidate_dirs(fam)[: max(1, k - 2)]
            moves += [("add", _mat(c, self.n, self.p)) for c in C]
        for _ in range(min(2, fam.dim)):
            t = rng.integers(0, self.p, fam.dim)
            moves.append(("drop", int(rng.integers(0, fam.dim)), t))
        return moves

    def delta(self, s, move) -> float:
        if move[0] == "drop":
            return -1.0
        ok = _first_extension(s[0], s[1].reshape(-1, self.n, self.n), move[1][None, :, :], self.p, self.r)
        return 1.0 if ok == 0 else -math.inf

    def apply(self, s, move):
        if move[0] == "add":
            s[1] = np.concatenate([s[1].reshape(-1, self.n, self.n), move[1][None, :, :]], axis=0)
        else:
            _, k, t = move
            s[0] = _combine(s[0], t, s[1], self.p)
            s[1] = np.delete(s[1], k, axis=0)
        return s

    def tabu_attributes(self, move) -> tuple:
        if move[0] == "add":
            return (("dir", hashlib.sha1(move[1].tobytes()).hexdigest()[:12]),)
        return (("drop", move[1]),)


# --------------------------------------------------------------------------- the runner's spec
class AltSpaceSpec(SearchSpec):
    """The :class:`search.runner.SearchSpec` of the walk (``method="walk"``).

    Each walker is an :class:`AltSpaceProposer` with its own generator; its state (the
    generator and the proposer's ``state()``) is plain data. One step is one proposal (one
    family evaluated); each family of a higher dimension than the walker reported before is
    reported, verified exactly by the runner (:meth:`AltSpaceProblem.verify`) and committed to
    the store (domain ``"altspaces"``, key :func:`family_key`) before it is printed.

    Args:
        n, r, p: the problem.
        candidates: random candidate directions per extension attempt.
        walkers: independent walks (each with a share of the steps).
        initial: a warm-start family (a :class:`_Family` of constant rank ``r``) or None.
    """

    kind = "altspaces-walk"
    domain = "altspaces"
    verification_method = AltSpaceProblem.verification_method
    collect = "best"
    chunk_steps = 200

    def __init__(self, n: int, r: int, p: int, *, candidates: int = 512, walkers: int = 1,
                 initial: _Family | None = None) -> None:
        self.problem = AltSpaceProblem(n, r, p)
        candidates = check_int(candidates, "candidates", low=1, high=MAX_CANDIDATES)
        walkers = check_int(walkers, "walkers", low=1, high=MAX_WALKERS)
        if initial is not None:
            initial = _check_family(initial, "initial")
        self.candidates, self.walkers, self.initial = candidates, walkers, initial
        self._prop: AltSpaceProposer | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_prop"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._prop = None

    def _proposer(self, rng: np.random.Generator) -> AltSpaceProposer:
        if self._prop is None:
            pr = self.problem
            self._prop = AltSpaceProposer(pr.n, pr.r, pr.p, candidates=self.candidates)
        self._prop.bind(rng)
        return self._prop

    def params(self) -> dict[str, Any]:
        return {**self.problem.params, "method": "walk", "candidates": self.candidates,
                "walkers": self.walkers,
                "initial": None if self.initial is None else family_key(self.initial)}

    def initial_states(self, seed: int) -> list[Any]:
        if self.walkers == 1:
            rngs = [np.random.default_rng(seed)]
        else:
            rngs = [np.random.default_rng(x) for x in np.random.SeedSequence(seed).spawn(self.walkers)]
        cur = None if self.initial is None else (self.initial.base.tolist(), self.initial.dirs.tolist())
        return [{"rng": rng, "reported": -math.inf,
                 "proposer": {"current": cur, "T": 1.0, "tabu": [], "starts": 0}} for rng in rngs]

    def step(self, state: dict[str, Any], budget: Any) -> tuple:
        from search.core import _SigintDeferral

        prop = self._proposer(state["rng"])
        prop.restore(state["proposer"])
        t0 = time.perf_counter()
        found: list = []
        used = 0
        reported = state["reported"]
        if reported == -math.inf and prop.current is not None:  # the warm start
            found.append(prop.current)
            reported = float(prop.current.dim)
        while budget.steps is None or used < budget.steps:
            if budget.time_limit is not None and used and \
                    time.perf_counter() - t0 >= budget.time_limit:
                break
            cand = prop.ask(1)[0]
            score = float(cand.dim)
            prop.tell([cand], [score])
            used += 1
            if score > reported:
                found.append(cand)
                reported = score
                if budget.target is not None and score >= budget.target:
                    break
            if _SigintDeferral.pending:
                break
        return {"rng": state["rng"], "reported": reported, "proposer": prop.state()}, found, used

    def score(self, c: _Family) -> float:
        return float(c.dim)

    def verify(self, c: _Family) -> bool:
        return self.problem.verify(c)

    def key(self, c: _Family) -> str:
        return self.problem.key(c)

    def to_json(self, c: _Family) -> dict:
        return self.problem.to_json(c)

    def from_json(self, payload: Any) -> _Family:
        return self.problem.from_json(payload)

    def describe(self, c: _Family) -> str:
        return self.problem.describe(c)


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class AltSpaceSearchResult(Result):
    """Best family found by :func:`search_constant_rank`.

    Attributes:
        n, r, field, seed: the question and the seed.
        space: the best :class:`~solvers.constant_rank.AffineAlternatingSpace` (verified).
        dimension: its dimension.
        formula: the Rubei / de Seguins Pazzis value ``formula_dimension(n, r)``.
        covered: whether a theorem covers ``F_p`` (then ``dimension <= formula`` must hold).
        maximal: ``True`` when no single direction extends the best family (checked over all
            of ``A_n(F_p)``), ``None`` when that enumeration was too large or not asked for.
        stop_reason: why the run stopped (a :class:`search.core.StopReason`).
        steps, elapsed, run_id: from the runner (steps are proposals for ``"walk"``, walk
            iterations for ``"tabu"``/``"annealing"``).
        verification: the exact :class:`~solvers.constant_rank.ConstantRankResult` as JSON.
        method: the search method (``"walk"``, ``"tabu"`` or ``"annealing"``).
        upper_bound, upper_bound_source: the proved greatest dimension used as the stopping
            target (:func:`proved_upper_bound`) and where it comes from; ``None`` when none
            is known.
        stop_detail: why the search stopped, in words (e.g. the proved maximum it reached).
    """

    n: int
    r: int
    field: int
    seed: int
    space: AffineAlternatingSpace
    dimension: int
    formula: int
    covered: bool
    maximal: bool | None
    stop_reason: StopReason
    steps: int
    elapsed: float
    run_id: int | None
    verification: dict = dataclasses.field(default_factory=dict)
    method: str = "walk"
    upper_bound: int | None = None
    upper_bound_source: str | None = None
    stop_detail: str = ""

    @property
    def optimal(self) -> bool:
        """Whether the dimension equals a proved upper bound (a greatest dimension)."""
        return self.upper_bound is not None and self.dimension == self.upper_bound

    @property
    def beats_formula(self) -> bool:
        """Whether the family is larger than the theorem's value (possible only when not covered)."""
        return self.dimension > self.formula

    def to_json(self) -> dict:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "space"}
        d["stop_reason"] = StopReason(self.stop_reason).value
        d["elapsed"] = round(self.elapsed, 6)
        d["space"] = self.space.to_json()
        d["beats_formula"] = self.beats_formula
        d["optimal"] = self.optimal
        return d

    @classmethod
    def from_json(cls, d: dict) -> AltSpaceSearchResult:
        """Rebuild from :meth:`to_json` (``beats_formula`` / ``optimal`` are recomputed)."""
        names = [k for k in cls.__dataclass_fields__ if k != "space"]
        kw = {k: d[k] for k in names if k in d}
        kw["stop_reason"] = StopReason(d["stop_reason"])
        kw["space"] = AffineAlternatingSpace.from_json(d["space"])
        kw["verification"] = dict(d.get("verification") or {})
        return cls(**kw)

    def check(self) -> None:
        """Re-verify exactly from the result's own data.

        The family is over ``F_field``, of size ``n`` and of the recorded dimension, and has
        rank ``r`` at every point (:meth:`AffineAlternatingSpace.constant_rank`); the formula,
        the theorem's coverage and the proved upper bound are recomputed from ``(n, r,
        field)``; the dimension exceeds neither the bound nor, in a covered case, the formula;
        a recorded ``maximal`` is decided again (:func:`is_maximal`).

        Raises:
            VerificationError: naming what fails.
        """
        n, r, p = _check_args(self.n, self.r, self.field, allow_fq=True)
        sp = self.space
        fail = VerificationError
        if not isinstance(self.stop_reason, StopReason):
            raise fail(f"stop_reason={short_repr(self.stop_reason)} is not a StopReason")
        if (sp.n, sp.field, sp.dimension) != (n, p, self.dimension):
            raise fail(f"the family is {sp.n}x{sp.n} over {sp.field} of dimension {sp.dimension}, "
                       f"not {n}x{n} over F{p} of dimension {self.dimension}")
        res = sp.constant_rank()
        if not (res.is_constant and res.rank == r):
            raise fail(f"the family does not have constant rank {r}: {res.status}, rank {res.rank}, "
                       f"witness rank {res.witness_rank}")
        if self.formula != formula_dimension(n, r):
            raise fail(f"formula={self.formula}, but formula_dimension({n}, {r}) = {formula_dimension(n, r)}")
        th = constant_rank_theory(n, r, p)
        if bool(self.covered) != bool(th.covered):
            raise fail(f"covered={self.covered}, but the theorem {'covers' if th.covered else 'does not cover'} F{p}")
        bound = proved_upper_bound(n, r, p)
        if (None if bound is None else bound[0]) != self.upper_bound:
            raise fail(f"upper_bound={self.upper_bound}, but the proved bound is {bound}")
        if self.upper_bound is not None and self.dimension > self.upper_bound:
            raise fail(f"dimension {self.dimension} exceeds the proved greatest dimension {self.upper_bound}")
        if self.covered and self.dimension > self.formula:
            raise fail(f"dimension {self.dimension} exceeds the covered theorem's {self.formula}")
        if self.maximal is not None and is_maximal(sp, r) != self.maximal:
            raise fail(f"maximal={self.maximal}, but is_maximal says {is_maximal(sp, r)}")

    @classmethod
    def example(cls) -> AltSpaceSearchResult:
        """A search for ``n = 4, r = 2`` over F2 (seed 1): it reaches the proved greatest
        dimension ``a(4, 2; F2) = 3`` (exhaustive branch and bound) and stops.

        Examples:
            >>> from search.altspaces import AltSpaceSearchResult
            >>> ex = AltSpaceSearchResult.example()
            >>> ex.dimension, ex.optimal, ex.stop_reason.value
            (3, True, 'target_reached')
        """
        return search_constant_rank(4, 2, 2, seed=1, time_limit=None, steps=200)

    @classmethod
    def tampered(cls) -> AltSpaceSearchResult:
        """:meth:`example` claiming a dimension above the proved maximum."""
        ex = cls.example()
        return dataclasses.replace(ex, dimension=ex.dimension + 1)


def _initial_family(initial: Any, n: int, r: int, p: int) -> _Family | None:
    """A warm start (a space, its JSON, or a search result) as a verified family."""
    if initial is None:
        return None
    if isinstance(initial, AltSpaceSearchResult):
        initial = initial.space
    if isinstance(initial, dict):
        initial = AffineAlternatingSpace.from_json(initial)
    if not isinstance(initial, AffineAlternatingSpace):
        raise InvalidInputError(
            f"initial={short_repr(initial, 60)} must be an AffineAlternatingSpace (or its JSON)")
    if initial.field == "Q" or (initial.n, int(initial.field)) != (n, p):
        raise InvalidInputError(
            f"initial is {initial.n}x{initial.n} over {initial.field}; the search is {n}x{n} over F{p}")
    fam = _family_from_space(initial)
    if not AltSpaceProblem(n, r, p).verify(fam):
        raise InvalidInputError(f"initial does not have constant rank {r}; give a constant-rank family")
    return fam


def search_constant_rank(n: int, r: int, field: Any = 2, *, budget: Budget | None = None,
                         seed: int | None = 0, time_limit: Any = ..., steps: int | None = None,
                         target: int | None = None, initial: Any = None,
                         walkers: int | None = None, workers: int | None = None,
                         backend: Any = None, cluster: str | None = None, store: Any = None,
                         checkpoint: Any = None, checkpoint_every: float = 30.0,
                         resume: bool = False, force: bool = False, progress: bool | None = False,
                         candidates: int = 512, check_maximal: bool = True,
                         method: SearchMethod = "walk", stop_at_bound: bool = True
                         ) -> AltSpaceSearchResult:
    """Search for a large affine space of constant rank ``r`` in ``A_n(F_p)`` (on the runner).

    Args:
        n: matrix size (>= 2).
        r: target rank (even, ``2 <= r <= n``).
        field: a prime ``p`` (``"F2"`` accepted).
        budget: ``Budget(time_limit=, steps=, target=)``; ``time_limit`` (default 30 s when no
            budget is given), ``steps`` (proposals for ``"walk"``, iterations for
            ``"tabu"``/``"annealing"``) and ``target`` (a dimension) are shorthands.
        seed: the run's seed (the run is reproducible with a step budget).
        initial: a warm start: a constant-rank family (an
            :class:`~solvers.constant_rank.AffineAlternatingSpace`, its JSON, or an earlier
            :class:`AltSpaceSearchResult`) the walk starts from.
        walkers, workers, backend, cluster: independent walks, on the process pool or Dask
            (in chunks of :data:`CHUNK_SECONDS`). A walk's proposals get dearer as its family
            grows, so walks of equal step shares take unequal times: give several walkers per
            worker (e.g. 4) for the workers to stay equally busy.
        store: a :class:`search.store.ResultsStore` or path; every verified improvement is
            stored under domain ``"altspaces"`` before it is printed or returned.
        checkpoint, checkpoint_every, resume, force: the runner's checkpoint file, seconds
            between checkpoints, continue it, start over an existing one.
        progress: a line on stderr per improvement (None: on a terminal).
        candidates: random candidate directions per extension attempt.
        check_maximal: test whether the best family is maximal (small cases).
        method: ``"walk"`` (the tabu/annealing :class:`AltSpaceProposer`, with restarts),
            ``"tabu"`` or ``"annealing"`` (the generic drivers of :mod:`search.drivers` on
            :class:`AltSpaceLocalProblem`).
        stop_at_bound: stop as soon as a verified family reaches the proved greatest
            dimension (:func:`proved_upper_bound`; stop reason ``"target_reached"``).

    Returns:
        An :class:`AltSpaceSearchResult` whose ``space`` has been verified exactly.

    Raises:
        InvalidInputError: ``r`` odd, ``> n`` or 0, ``field`` not a prime, no step or time
            budget, a bad method or warm start.
        InfeasibleError: ``target`` exceeds the proved greatest dimension (no such family).
        CheckpointError: a checkpoint of another search, or a damaged one.

    Examples:
        >>> from search.altspaces import search_constant_rank
        >>> best = search_constant_rank(n=4, r=2, field=2, seed=1, time_limit=None, steps=40)
        >>> best.space.constant_rank().is_constant, best.dimension >= 2
        (True, True)
    """
    from search.core import resolve_budget

    check_run_options(seed=seed, budget=budget, time_limit=None if time_limit is ... else time_limit, steps=steps,
                      target=target, workers=workers, backend=backend, cluster=cluster, store=store,
                      checkpoint=checkpoint, checkpoint_every=checkpoint_every, resume=resume,
                      force=force, progress=progress)
    n, r, p = _check_search_args(n, r, field)
    if not isinstance(method, str) or method not in _SEARCH_METHODS:
        raise InvalidInputError(f"method={short_repr(method)} is not one of {sorted(_SEARCH_METHODS)}")
    candidates = check_int(candidates, "candidates", low=1, high=MAX_CANDIDATES)
    check_maximal = check_flag(check_maximal, "check_maximal")
    stop_at_bound = check_flag(stop_at_bound, "stop_at_bound")
    if time_limit is ...:
        time_limit = None if budget is not None else 30.0
    b = resolve_budget(budget, what="search_constant_rank", time_limit=time_limit, steps=steps,
                       target=target)
    if b.time_limit is None and b.steps is None:
        raise InvalidInputError("give time_limit or steps (or both); an unbounded search never returns")
    bound = proved_upper_bound(n, r, p)
    if b.target is not None:
        if bound is not None and b.target > bound[0]:
            raise InfeasibleError(
                f"target dimension {b.target:g} exceeds the proved greatest dimension "
                f"a({n}, {r}; F{p}) = {bound[0]} ({bound[1]}); no such family exists")
    elif bound is not None and stop_at_bound:
        b = b.replace(target=bound[0])
    n_walkers = _check_walkers(walkers, workers)
    fam0 = _initial_family(initial, n, r, p)
    run = dict(seed=seed, workers=workers, backend=backend, cluster=cluster,
               checkpoint=checkpoint, checkpoint_every=checkpoint_every, resume=resume,
               force=force, store=store, progress=progress)
    if method == "walk":
        spec = AltSpaceSpec(n, r, p, candidates=candidates, walkers=n_walkers, initial=fam0)
        out = run_search(spec, b, chunk_time=_chunk_time(backend, workers, cluster), **run)
        if out.best is None:  # pragma: no cover - the first proposal is always a valid family
            raise VerificationError("the search produced no verified family")
        fam, stop, steps_done = out.best, StopReason(out.stop_reason), int(out.steps)
        elapsed, run_id, seed_used = float(out.elapsed), out.run_id, int(out.seed)
    else:
        from search.drivers import annealing_search, tabu_search

        problem = AltSpaceLocalProblem(n, r, p, candidates=min(candidates, 64))
        start = None if fam0 is None else [fam0.base.copy(), fam0.dirs.copy()]
        if method == "tabu":
            res = tabu_search(problem, budget=b, initial=start, walkers=n_walkers,
                              kind="altspaces-tabu", sample=16, moves_per_ask=2, **run)
        else:
            res = annealing_search(problem, budget=b, initial=start, walkers=n_walkers,
                                   kind="altspaces-annealing", moves_per_ask=2, **run)
        if res.best is None:  # pragma: no cover
            raise VerificationError("the search produced no verified family")
        fam, stop, steps_done = res.best, StopReason(res.stop_reason), int(res.steps)
        elapsed, run_id, seed_used = float(res.elapsed), res.run_id, int(res.seed)
    space = fam.space()
    ver = space.constant_rank()
    if not (ver.is_constant and ver.rank == r):  # pragma: no cover - verified by the runner already
        raise VerificationError("best family failed the final exact check")
    th = constant_rank_theory(n, r, p)
    if bound is not None and fam.dim > bound[0]:  # pragma: no cover - would contradict a proof
        raise VerificationError(
            f"search found dimension {fam.dim} > the proved maximum {bound[0]} for n={n}, r={r} "
            f"over F{p} ({bound[1]})"
        )
    if stop is StopReason.TARGET_REACHED and bound is not None and fam.dim == bound[0]:
        detail = (f"dimension {fam.dim} equals the proved greatest dimension a({n}, {r}; F{p}) "
                  f"= {bound[0]} ({bound[1]}); no larger family exists")
    else:
        detail = f"{stop.value.replace('_', ' ')} after {steps_done} steps"
        if bound is not None:
            detail += (f"; the proved greatest dimension is {bound[0]}"
                       + (" (reached)" if fam.dim == bound[0] else ""))
        else:
            detail += "; no proved upper bound is known for this case"
    out_res = AltSpaceSearchResult(
        n, r, p, seed_used, space, fam.dim, formula_dimension(n, r), th.covered,
        is_maximal(space, r) if check_maximal else None, stop, steps_done, round(elapsed, 6), run_id,
        ver.to_json(), method, None if bound is None else bound[0],
        None if bound is None else bound[1], detail,
    )
    if th.covered and out_res.dimension > out_res.formula:
        raise VerificationError(
            f"search found dimension {out_res.dimension} > {out_res.formula} for n={n}, r={r} "
            f"over F{p}, contradicting the covered theorem: the field condition used is wrong"
        )
    return out_res


def _chunk_time(backend: Any, workers: Any, cluster: Any) -> float | None:
    """:data:`CHUNK_SECONDS` when the walk runs on a parallel backend, else None (in this
    process the walkers take turns after every ``chunk_steps`` proposals).

    Examples:
        >>> from search.altspaces.search import _chunk_time
        >>> _chunk_time(None, None, None), _chunk_time("dask", 2, None)
        (None, 0.5)
    """
    if cluster is not None:
        return CHUNK_SECONDS
    name = getattr(backend, "name", backend)
    if name == "serial" or (name is None and workers in (None, 1)):
        return None
    return CHUNK_SECONDS


def _check_walkers(walkers: Any, workers: Any) -> int:
    for name, v in (("walkers", walkers), ("workers", workers)):
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 1):
            raise InvalidInputError(f"{name}={short_repr(v)} must be a positive integer or None")
        if v is not None and v > MAX_WALKERS:
            raise InvalidInputError(f"{name}={v} exceeds MAX_WALKERS={MAX_WALKERS}; use fewer")
    return int(walkers if walkers is not None else (workers or 1))


# --------------------------------------------------------------------------- table
def comparison_table(fields=(2, 3, 5), cases=None) -> list[dict]:
    """Rows ``{n, r, field, formula, covered, best_found, status}`` comparing the stored best
    search results (``solvers/data/altspaces_best.json``) with the theorem's value.

    ``cases`` defaults to ``n = r, r+1, r+2`` for ``r = 2, 4, 6`` plus ``n = r+3``, ``r = 2, 4``.

    Examples:
        >>> from search.altspaces import comparison_table
        >>> row = comparison_table(fields=(2,), cases=[(4, 2)])[0]
        >>> row["formula"], row["covered"]
        (2, False)
    """
    if cases is None:
        cases = [(r + k, r) for r in (2, 4, 6) for k in (0, 1, 2)] + [(5, 2), (7, 4)]
    fields = _table_list(fields, "fields")
    cases = _table_list(cases, "cases")
    for i, c in enumerate(cases):
        if isinstance(c, str | bytes) or not isinstance(c, list | tuple) or len(c) != 2:
            raise InvalidInputError(f"cases[{i}]={short_repr(c)} must be a pair (n, r)")
    rows = []
    for f in fields:
        for n, r in cases:
            th = constant_rank_theory(n, r, f)
            best = th.best_found
            from solvers.constant_rank import best_found as _bf

            entry = _bf(n, r, f)
            proved = bool(entry and entry.get("proved"))
            if best is None:
                status = "no search stored"
            elif best > th.lower_bound:
                status = "BEATS FORMULA"
            elif best == th.lower_bound:
                status = "matches formula"
            else:
                status = "below formula"
            if proved:
                status += " (proved maximum)"
            rows.append({"n": n, "r": r, "field": f, "formula": th.lower_bound, "covered": th.covered,
                         "best_found": best, "proved": proved, "status": status})
    return rows


def _table_list(x: Any, name: str) -> list:
    if isinstance(x, str | bytes | dict) or not isinstance(x, list | tuple):
        raise InvalidInputError(f"{name}={short_repr(x)} must be a list")
    return list(x)


def format_table(rows: list[dict]) -> str:
    """Markdown table of :func:`comparison_table` rows.

    Raises:
        InvalidInputError: ``rows`` is not a list of such rows.
    """
    want = ("field", "n", "r", "formula", "covered", "best_found", "status")
    for i, row in enumerate(_table_list(rows, "rows")):
        if not isinstance(row, dict) or any(k not in row for k in want):
            raise InvalidInputError(
                f"rows[{i}]={short_repr(row)} is not a row of comparison_table() (keys {', '.join(want)})")
    lines = ["| field | n | r | formula s(n-s-1) / s(s+1) | theorem covers field | best found | status |",
             "|---|---|---|---|---|---|---|"]
    for row in rows:
        lines.append(f"| F{row['field']} | {row['n']} | {row['r']} | {row['formula']} | "
                     f"{'yes' if row['covered'] else 'no'} | {row['best_found'] if row['best_found'] is not None else '-'} | {row['status']} |")
    return "\n".join(lines)


def _user_table(path: Any) -> Path:
    """``path`` (default :data:`DEFAULT_TABLE` in the working directory), refused when it lies
    inside an installed package: the shipped ``solvers/data/altspaces_best.json`` is
    read-only reference data."""
    import engine
    import search
    import solvers

    check_path(path, allow_none=True)
    out = Path(DEFAULT_TABLE if path is None else path)
    where = out.resolve()
    for pkg in (engine, solvers, search):
        root = Path(pkg.__file__).resolve().parent
        if where.is_relative_to(root):
            raise InvalidInputError(
                f"path={str(out)!r} lies inside the installed package {short_repr(pkg.__name__)} ({root}); "
                f"write your results to a file of your own (default ./{DEFAULT_TABLE})"
            )
    if where.is_dir():
        raise InvalidInputError(f"path={str(out)!r} is a directory; give a JSON file name")
    return out


def _read_table(path: Path) -> dict:
    """The JSON table at ``path`` ({} when it does not exist), else one clear error."""
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInputError(f"path={str(path)!r} is not a readable JSON table ({exc}); "
                                "give another file") from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise InvalidInputError(f"path={str(path)!r} is not a table {{'F2': {{'n,r': entry}}}}; "
                                "give another file")
    return data


def save_exact_table(results: list[ExactMaximum], path: Any = None) -> Path:
    """Record proved maxima (:func:`exact_max_dimension`) in a JSON table of your own.

    The table has the layout of the shipped reference data ``solvers/data/altspaces_best.json``
    (``{"F2": {"n,r": entry}}``); an existing file is updated. The entry's ``proved`` flag is
    set and its space replaced by the exact maximiser.

    Args:
        results: the exact maxima (each re-verified before it is written).
        path: the JSON file (default :data:`DEFAULT_TABLE`, ``./altspaces_best.json`` in the
            working directory).

    Returns:
        The path written.

    Raises:
        InvalidInputError: ``path`` lies inside the installed package or is a directory.
        VerificationError: a result fails its exact re-verification (nothing is written).

    Examples:
        >>> import os, tempfile
        >>> from search.altspaces import exact_max_dimension, save_exact_table
        >>> path = save_exact_table([exact_max_dimension(3, 2, 2)], os.path.join(tempfile.mkdtemp(), "t.json"))
        >>> path.name
        't.json'
    """
    results = _table_list(results, "results")
    for i, ex in enumerate(results):
        if not isinstance(ex, ExactMaximum):
            raise InvalidInputError(f"results[{i}]={short_repr(ex)} must be an ExactMaximum")
    path = _user_table(path)
    data = _read_table(path)
    for ex in results:
        res = ex.space.constant_rank()
        if not (res.is_constant and res.rank == ex.r and ex.space.dimension == ex.dimension):
            raise VerificationError(f"exact maximum for n={ex.n} r={ex.r} F{ex.field} failed verification")
        slot = data.setdefault(f"F{ex.field}", {})
        slot[f"{ex.n},{ex.r}"] = {"dimension": ex.dimension, "formula": formula_dimension(ex.n, ex.r),
                                  "maximal": True, "proved": True, "method": "exact_max_dimension",
                                  "nodes": ex.nodes, "space": ex.space.to_json()}
    path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    return path


def save_best_table(results: list[AltSpaceSearchResult], path: Any = None) -> Path:
    """Merge verified search results into a JSON table of your own (keeps the larger).

    The table has the layout of the shipped reference data ``solvers/data/altspaces_best.json``
    (``{"F2": {"n,r": entry}}``); an existing file is updated, an entry marked ``proved`` is
    never replaced. Each result is re-verified (:meth:`AltSpaceSearchResult.check`) before it
    is written.

    Args:
        results: the search results.
        path: the JSON file (default :data:`DEFAULT_TABLE`, ``./altspaces_best.json`` in the
            working directory).

    Returns:
        The path written.

    Raises:
        InvalidInputError: ``path`` lies inside the installed package or is a directory.
        VerificationError: a result fails its exact re-verification.
    """
    results = _table_list(results, "results")
    for i, res in enumerate(results):
        if not isinstance(res, AltSpaceSearchResult):
            raise InvalidInputError(f"results[{i}]={short_repr(res)} must be an AltSpaceSearchResult")
    path = _user_table(path)
    data = _read_table(path)
    for res in results:
        res.check()
        slot = data.setdefault(f"F{res.field}", {})
        key = f"{res.n},{res.r}"
        old = slot.get(key)
        if old is not None and (not isinstance(old, dict) or isinstance(old.get("dimension"), bool)
                                or not isinstance(old.get("dimension"), int)):
            raise InvalidInputError(f"path={str(path)!r}: entry F{res.field} {key} = {short_repr(old)} "
                                    "has no integer 'dimension'; repair or move the file")
        if old is not None and old.get("proved"):
            if res.dimension > int(old["dimension"]):  # pragma: no cover - would contradict a proof
                raise VerificationError(f"search beat a proved maximum for {key} over F{res.field}")
            continue
        if old is None or int(old["dimension"]) < res.dimension or (
                int(old["dimension"]) == res.dimension and res.maximal and not old.get("maximal")):
            slot[key] = {"dimension": res.dimension, "formula": res.formula, "maximal": res.maximal,
                         "seed": res.seed, "steps": res.steps, "space": res.space.to_json()}
    path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    return path
