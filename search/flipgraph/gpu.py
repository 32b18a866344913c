"""Flip-graph walks of thousands of walkers at once on a CUDA GPU (numba.cuda), on the search runner.

:func:`gpu_flip_search` runs ``walkers`` flip-graph walks (one CUDA thread each, the kernels of
:mod:`search.flipgraph._cuda_kernels`: flips, reductions, plus transitions, splits, resets to the
best) over ZT, F2 or F3, from the standard algorithm or a start scheme. The whole batch is one walker
of the search runner (:func:`search.runner.run_search`), so budgets, seeds, progress, the
results store and checkpoints work as for the CPU walks; a step copies the walkers to the GPU,
launches the kernel until its flip budget or time slice is spent (only the best ranks come back
between launches), copies them back and reports the batch's best scheme when it improved. With
a flip budget (``max_flips``) a run is reproducible per seed: every walker's path depends on its
own generator, and of the walkers that reach the target the first one (fewest steps, then lowest
index) is reported, whatever the order in which the GPU ran the threads.

Nothing the GPU reports is trusted: every scheme is rebuilt on the CPU and verified exactly
(Brent equations over the ring, :meth:`engine.schemes.BilinearScheme.is_valid`) by the runner
before it is stored or reported, and the final scheme once more before the result is built.

Without a GPU, :func:`require_gpu` raises :class:`~engine.errors.InvalidInputError` (the CLI's
``--device gpu`` prints one line and exits 2). The tests run the kernels on the CPU through the
CUDA simulator (``NUMBA_ENABLE_CUDASIM=1``), with a few walkers.

Examples:
    >>> from search.flipgraph.gpu import cuda_available
    >>> isinstance(cuda_available(), bool)
    True
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np

from engine.errors import InvalidInputError, check_seed
from engine.schemes import BilinearScheme, Scheme
from search.core import resolve_budget
from search.flipgraph._cuda_kernels import STAT_ROWS
from search.flipgraph.spec import scheme_from_json
from search.flipgraph.walk import (
    MODES,
    FlipSearchResult,
    _resolve_target,
    _target_rank,
    _unpack,
    check_target_rank,
    scheme_to_bits,
)
from search.runner import SearchSpec, run_search
from solvers.known_ranks import known_rank, lower_bound

__all__ = ["cuda_available", "require_gpu", "GpuFlipSpec", "gpu_step", "gpu_flip_search", "gpu_flip_rate"]


def cuda_available() -> bool:
    """Whether numba finds a CUDA GPU (or runs the CUDA simulator, ``NUMBA_ENABLE_CUDASIM=1``)."""
    try:
        from numba import cuda
    except ImportError:  # pragma: no cover - numba is a dependency
        return False
    try:
        return bool(cuda.is_available())
    except Exception:  # a driver that fails to load counts as no GPU
        return False


def require_gpu(what: str = "device='gpu'") -> None:
    """Raise :class:`InvalidInputError` (one line) when no CUDA GPU is available."""
    if not cuda_available():
        raise InvalidInputError(
            f"{what}: no CUDA GPU is available (numba.cuda finds no device or driver); "
            "use the CPU walks (--device cpu) or run on a machine with an NVIDIA GPU"
        )


def _pos_int(x: Any, name: str, lo: int = 1) -> int:
    if isinstance(x, bool) or not isinstance(x, int | np.integer) or x < lo:
        raise InvalidInputError(f"{name}={x!r} must be an integer >= {lo}")
    return int(x)


def _split_level(split: Any, ring: str) -> int:
    """The kernel's split level (0..256) of a probability ``split`` (None: 0.5 over ZT, else 0)."""
    if split is None:
        split = 0.5 if ring == "ZT" else 0.0
    if (isinstance(split, bool) or not isinstance(split, int | float | np.integer | np.floating)
            or not 0.0 <= float(split) <= 1.0):
        raise InvalidInputError(f"split={split!r} must be a probability in [0, 1] (0: plus transitions only)")
    return int(round(float(split) * 256))


class GpuFlipSpec(SearchSpec):
    """The GPU batch as one walker of the runner (kind ``"flipgraph.gpu"``).

    Args:
        target: the target tensor; start: the start scheme (valid over ``ring``).
        ring: ``"ZT"``, ``"F2"`` or ``"F3"``; walkers: GPU walkers (threads).
        target_rank: stop when a walker reaches it.
        plus_after, plus_limit, reset_after: flips without improvement before a plus
            transition, how far above its best a walker may climb, flips before a reset to the best.
        launch_steps: flip attempts per thread per kernel launch.
        split: a rank-increasing move is a split with probability ``split / 256`` (0..256),
            else a plus transition.
    """

    kind = "flipgraph.gpu"
    domain = "schemes"
    verification_method = "Brent equations, exact, re-verified on the CPU"
    collect = "best"
    chunk_steps = 50_000_000
    state_version = 2  # walker index last (P[s, t, w]); STATS of 6 rows; HIT

    def __init__(self, target: Any, start: BilinearScheme, ring: str, walkers: int, target_rank: int,
                 plus_after: int, plus_limit: int, reset_after: int, launch_steps: int, split: int = 0):
        self.T = target
        self.start = start
        self.ring = ring
        self.walkers = walkers
        self.target_rank = target_rank
        self.cfg = {"plus_after": plus_after, "plus_limit": plus_limit, "reset_after": reset_after,
                    "launch_steps": launch_steps, "split": int(split), "mode": MODES[ring],
                    "target": target_rank, "dims": tuple(target.shape)}
        P, N, r = scheme_to_bits(start, ring, rmax=start.rank + plus_limit + 1)
        self.start_bits = (P, N, r)

    def params(self) -> dict[str, Any]:
        return {"target": self.T.name, "ring": self.ring, "walkers": self.walkers, "target_rank": self.target_rank,
                "start": self.start.store_key(self.ring), **{k: v for k, v in self.cfg.items() if k != "dims"}}

    def initial_states(self, seed: int) -> list[Any]:
        P0, N0, r = self.start_bits
        W = self.walkers
        rng = np.random.default_rng([int(seed), 0x6755])
        P = np.ascontiguousarray(np.broadcast_to(P0[:, :, None], (*P0.shape, W)))
        N = np.ascontiguousarray(np.broadcast_to(N0[:, :, None], (*N0.shape, W)))
        return [{"cfg": self.cfg, "P": P, "N": N, "R": np.full(W, r, dtype=np.int64),
                 "BP": P.copy(), "BN": N.copy(), "BR": np.full(W, r, dtype=np.int64),
                 "RNG": rng.integers(1, 2**63 - 1, size=W, dtype=np.uint64),
                 "STATS": np.zeros((STAT_ROWS, W), dtype=np.int64), "HIT": np.full(W, -1, dtype=np.int64),
                 "reported": None}]

    def decode(self, raw: dict) -> BilinearScheme:
        if self.T.format is not None:
            return Scheme(self.T.format, raw["u"], raw["v"], raw["w"], ring=self.ring)
        return BilinearScheme(self.T, raw["u"], raw["v"], raw["w"], ring=self.ring)

    def score(self, c: BilinearScheme) -> float:
        return -float(c.rank)

    def target_score(self, target: float) -> float:
        return -float(target)

    def verify(self, c: BilinearScheme) -> bool:
        """Exact Brent equations on the CPU (the GPU's arithmetic is not trusted)."""
        return isinstance(c, BilinearScheme) and c.target == self.T and c.ring == self.ring and c.is_valid(self.ring)

    def key(self, c: BilinearScheme) -> str:
        return c.store_key(c.ring)

    def to_json(self, c: BilinearScheme) -> dict:
        return c.to_json()

    def from_json(self, payload: Any) -> BilinearScheme:
        return scheme_from_json(payload)

    def describe(self, c: BilinearScheme) -> str:
        return f"rank {c.rank} over {c.ring} (GPU, re-verified on the CPU)"

    def adopt(self, state: dict, best: BilinearScheme) -> dict | None:
        """Walkers behind a better stored scheme (resume) restart from it."""
        try:
            P, N, r = scheme_to_bits(best, self.ring, rmax=state["P"].shape[1] - 1)
        except InvalidInputError:
            return None
        if P.shape[1] != state["P"].shape[1]:
            return None
        worse = state["BR"] > r
        for name, arr in (("P", P), ("N", N)):
            state[name][:, :, worse] = arr[:, :, None]
            state["B" + name][:, :, worse] = arr[:, :, None]
        state["R"][worse] = r
        state["BR"][worse] = r
        return state

    step = None  # set below (a module-level function, pickled by reference)


_NAMES = ("P", "N", "R", "BP", "BN", "BR", "RNG", "STATS")


def _to_device(state: dict) -> dict:
    """The walkers' arrays on the GPU (one copy in; they stay there across launches)."""
    from numba import cuda

    return {k: cuda.to_device(np.ascontiguousarray(state[k])) for k in _NAMES}


def _to_host(state: dict, dev: dict) -> None:
    for k in _NAMES:
        state[k] = dev[k].copy_to_host()


def _run(dev: dict, cfg: dict, steps: int) -> np.ndarray:
    """One kernel launch of ``steps`` flip attempts per thread on arrays already on the GPU.

    Returns ``HIT`` (host): the step at which each walker reached the target, -1 if it did not.
    """
    from numba import cuda

    from search.flipgraph._cuda_kernels import THREADS_PER_BLOCK, walk_kernel

    W = dev["P"].shape[2]
    done = cuda.to_device(np.array([steps], dtype=np.int64))
    hit = cuda.to_device(np.full(W, steps + 1, dtype=np.int64))
    blocks = (W + THREADS_PER_BLOCK - 1) // THREADS_PER_BLOCK
    walk_kernel()[blocks, THREADS_PER_BLOCK](dev["P"], dev["N"], dev["R"], dev["BP"], dev["BN"], dev["BR"], dev["RNG"],
                                           dev["STATS"], done, hit, cfg["mode"], cfg["target"], steps,
                                           cfg["plus_after"], cfg["plus_limit"], cfg["reset_after"],
                                           cfg.get("split", 0))
    cuda.synchronize()
    h = hit.copy_to_host()
    h[h > steps] = -1
    return h


def _launch(state: dict, steps: int) -> None:
    """One kernel launch of ``steps`` flip attempts per thread (arrays copied in and out)."""
    dev = _to_device(state)
    state["HIT"] = _run(dev, state["cfg"], steps)
    _to_host(state, dev)


def _first_reached(state: dict) -> int:
    """The walker reported: of those at the target, the first to reach it in the last launch (fewest
    steps, then lowest index); else the lowest index of the best rank."""
    cfg = state["cfg"]
    BR = state["BR"]
    at = np.flatnonzero(BR <= cfg["target"])
    if at.size:
        hit = state.get("HIT")
        if hit is not None and hit.shape == BR.shape:
            steps = np.where(hit[at] >= 0, hit[at], np.iinfo(np.int64).max)
            return int(at[np.lexsort((at, steps))[0]])
        return int(at[0])
    return int(np.argmin(BR))


def gpu_step(state: dict, budget: Any) -> tuple[dict, list, int]:
    """Runner step: launch the kernel until ``budget.steps`` flip attempts (over all walkers) or
    ``budget.time_limit`` seconds are spent; report the batch's best scheme when it improved."""
    cfg = state["cfg"]
    W = state["P"].shape[2]
    total = getattr(budget, "steps", None) or W * cfg["launch_steps"]
    per_thread = max(1, math.ceil(total / W))
    t_lim = getattr(budget, "time_limit", None)
    t0 = time.perf_counter()
    done = 0
    if int(state["BR"].min()) > cfg["target"]:
        dev = _to_device(state)
        while done < per_thread:
            n = min(cfg["launch_steps"], per_thread - done)
            state["HIT"] = _run(dev, cfg, n)
            done += n
            if int(dev["BR"].copy_to_host().min()) <= cfg["target"]:
                break
            if t_lim is not None and time.perf_counter() - t0 > t_lim:
                break
        _to_host(state, dev)
    found = []
    w = _first_reached(state)
    r = int(state["BR"][w])
    if state["reported"] is None or r < state["reported"]:
        state["reported"] = r
        u, v, wm = _unpack(state["BP"][:, :, w], state["BN"][:, :, w], r, cfg["dims"])
        found.append({"rank": r, "u": u.tolist(), "v": v.tolist(), "w": wm.tolist()})
    return state, found, max(1, done * W)


GpuFlipSpec.step = staticmethod(gpu_step)


def gpu_flip_search(target: Any, ring: str = "ZT", target_rank: int | None = None, *, walkers: int = 4096,
                    start: BilinearScheme | None = None, seed: int | None = None, time_limit: float | None = None,
                    max_flips: int | None = None, budget: Any = None, plus_after: int | None = None,
                    plus_limit: int = 4, reset_after: int | None = None, launch_steps: int = 20_000,
                    split: float | None = None, store: Any = None, checkpoint: Any = None, checkpoint_every: float = 30.0, resume: bool = False,
                    force: bool = False, progress: bool | None = None) -> FlipSearchResult:
    """Flip-graph search with ``walkers`` CUDA walkers; the scheme is verified exactly on the CPU.

    Args:
        target: a format ``(n, m, p)`` / ``"3x3x3"`` or a start scheme.
        ring: ``"ZT"``, ``"F2"`` or ``"F3"``.
        target_rank: stop at this rank (default: the best known rank, else the proved lower bound).
        walkers: CUDA threads, one walk each (thousands on a GPU; a few in the simulator).
        start: start scheme (default: the standard algorithm of the format).
        seed: the run's seed (drawn and recorded when None).
        time_limit, max_flips, budget: the budget (flip attempts over all walkers).
        plus_after: flip attempts without improvement before a rank-increasing move (default
            ``200 * rank``); plus_limit: how far above its best a walker may climb (default 4);
            reset_after: attempts without improvement before a walker returns to its best
            (default ``40 * plus_after``); launch_steps: attempts per thread per kernel launch.
        split: probability in [0, 1] that a rank-increasing move is a split (``x_i y_i z_i =
            (g x_j) y_i z_i + (x_i - g x_j) y_i z_i``: term ``i`` joins the class of ``x_j``)
            rather than a plus transition; default 0.5 over ZT, 0 over F2/F3, as the CPU walk
            (:func:`search.flipgraph.flip_search`).

    The defaults were measured with the kernel's own code compiled for one CPU core
    (:func:`search.flipgraph._cuda_kernels.cpu_walk`), 64 walkers, 3x3x3 -> 23 in ZT, seeds 1-3:
    attempts per walker until the first walker reaches 23, median of three (range):
    ``plus_after = 200 * rank`` 277k (263k-352k) against 752k (505k-862k) at ``50 * rank``,
    390k at ``500 * rank``, 490k at ``1000 * rank``; without splits (200 * rank) 619k; resets at
    ``10 * plus_after`` 543k. With 1024 walkers (seed 1): 249k at ``200 * rank``, 369k at
    ``50 * rank``; so many more walkers shorten the walk only a little, and the GPU's time to
    23 is about 250k attempts over its rate per thread.
        store, checkpoint, checkpoint_every, resume, force, progress: as for
            :func:`search.flipgraph.flip_search` (the runner's).

    Returns:
        :class:`~search.flipgraph.walk.FlipSearchResult` with ``method="gpu"`` and a scheme
        re-verified exactly on the CPU.

    Raises:
        InvalidInputError: no CUDA GPU, a bad argument.
        InfeasibleError: ``target_rank`` below a proved lower bound over ``ring``.
    """
    require_gpu()
    if isinstance(ring, str) and ring.strip().upper() in MODES:
        ring = ring.strip().upper()
    if ring not in MODES:
        raise InvalidInputError(f"ring={ring!r} cannot be searched on the GPU; use 'ZT', 'F2' or 'F3'")
    seed = check_seed(seed)
    walkers = _pos_int(walkers, "walkers")
    launch_steps = _pos_int(launch_steps, "launch_steps")
    plus_limit = _pos_int(plus_limit, "plus_limit", 0)
    split = _split_level(split, ring)
    budget = resolve_budget(budget, what="gpu_flip_search", time_limit=time_limit, steps=max_flips, target=target_rank)
    T, start_scheme = _resolve_target(target if start is None else start)
    if T.format is None:
        raise InvalidInputError("gpu_flip_search searches matrix formats; give (n, m, p) or a matrix scheme")
    fmt = T.format
    krank = known_rank(fmt, ring)
    target_rank = _target_rank(budget.target, T, krank)
    check_target_rank(T, target_rank)
    lb = lower_bound(fmt, ring)
    if target_rank < lb:
        from engine.errors import InfeasibleError

        raise InfeasibleError(f"target_rank={target_rank} is below the proved lower bound {lb} for "
                              f"<{fmt[0]},{fmt[1]},{fmt[2]}> over {ring}; no scheme of that rank exists",
                              reason="below_lower_bound", certificate={"lower_bound": lb, "ring": ring})
    if not start_scheme.is_valid(ring):
        raise InvalidInputError(f"the start scheme is not valid over {ring}: {start_scheme.first_failure(ring)}")
    if max(T.shape) > 64:
        raise InvalidInputError(f"format {fmt} has factors of more than 64 coordinates; the GPU walk packs <= 64")
    plus_after = _pos_int(plus_after if plus_after is not None else 200 * start_scheme.rank, "plus_after")
    reset_after = _pos_int(reset_after if reset_after is not None else 40 * plus_after, "reset_after")
    if budget.time_limit is None and budget.steps is None:
        budget = budget.replace(time_limit=600.0)
    spec = GpuFlipSpec(T, start_scheme, ring, walkers, target_rank, plus_after, plus_limit, reset_after, launch_steps,
                       split=split)
    out = run_search(spec, budget.replace(target=target_rank), seed=seed, checkpoint=checkpoint,
                     checkpoint_every=checkpoint_every, resume=resume, force=force, store=store, progress=progress,
                     chunk_steps=max(walkers * launch_steps, spec.chunk_steps))
    best = out.best if out.best is not None else start_scheme.with_ring(ring) if start_scheme.ring != ring else start_scheme
    best.check(ring)  # exact re-verification on the CPU before anything is reported
    stats = out.states[0]["STATS"] if out.states and isinstance(out.states[0], dict) else None
    flips = int(stats[0].sum()) if stats is not None else int(out.steps)
    return FlipSearchResult(
        target=T.name, format=fmt, ring=ring, target_rank=target_rank, seed=out.seed, method="gpu",
        scheme=best, rank=best.rank, reached=best.rank <= target_rank, stop_reason=out.stop_reason,
        flips=flips, elapsed=round(out.elapsed, 4), walkers=walkers, known_rank=krank,
        beats_record=bool(krank is not None and best.rank < krank),
        verification=f"Brent equations exact over {ring} (GPU result re-verified on the CPU)",
        history=tuple((f.candidate.rank, int(f.steps), round(f.elapsed, 4)) for f in out.found),
        restart="reset-to-best", restarts=int(stats[3].sum()) if stats is not None else 0, run_id=out.run_id,
        split=split / 256,
    )


def gpu_flip_rate(fmt: Any = (3, 3, 3), ring: str = "ZT", *, walkers: int = 16384, launch_steps: int = 2000,
                  launches: int = 3, seed: int = 1, split: float | None = None) -> dict:
    """Flips per second of the GPU walk (a warm-up launch, then ``launches`` timed launches with the
    walkers kept on the GPU; flips are the moves taken, as the CPU walk counts them).

    Returns:
        ``{"flips", "seconds", "flips_per_second", "walkers", "best_rank", "plus", "splits"}``.

    Raises:
        InvalidInputError: no CUDA GPU, a bad argument.
    """
    require_gpu()
    walkers = _pos_int(walkers, "walkers")
    launch_steps = _pos_int(launch_steps, "launch_steps")
    launches = _pos_int(launches, "launches")
    T, start = _resolve_target(fmt)
    if ring not in MODES:
        raise InvalidInputError(f"ring={ring!r} cannot be searched on the GPU; use 'ZT', 'F2' or 'F3'")
    spec = GpuFlipSpec(T, start, ring, walkers, 0, 200 * start.rank, 4, 8000 * start.rank, launch_steps,
                       split=_split_level(split, ring))
    state = spec.initial_states(check_seed(seed))[0]
    dev = _to_device(state)
    _run(dev, state["cfg"], min(launch_steps, 100))  # compile and warm up
    f0 = int(dev["STATS"].copy_to_host()[0].sum())
    t0 = time.perf_counter()
    for _ in range(launches):
        _run(dev, state["cfg"], launch_steps)
    dt = time.perf_counter() - t0
    _to_host(state, dev)
    flips = int(state["STATS"][0].sum()) - f0
    return {"flips": flips, "seconds": round(dt, 4), "flips_per_second": flips / dt if dt > 0 else 0.0,
            "walkers": walkers, "best_rank": int(state["BR"].min()), "plus": int(state["STATS"][2].sum()),
            "splits": int(state["STATS"][5].sum())}


def bench_gpu(argv: list[str] | None = None) -> dict:
    """``disco bench flipgraph --device gpu``: GPU flips per second and time to the target rank
    (3x3x3 -> 23 and 4x4x4 -> 49 over ZT by default) against one CPU core, in the same run.

    For each ``FORMAT:TARGET``: the GPU's flip rate (:func:`gpu_flip_rate`, ``--walkers`` walkers)
    and one CPU core's (:func:`search.flipgraph.flip_search`, one walker, ``--cpu-flips`` flips),
    then the time to the target rank of the GPU walks (``--limit`` seconds at most) and of one CPU
    core (``--cpu-limit`` seconds at most; 0 skips it), with the ratios. Every scheme either side
    reports is verified exactly on the CPU. The defaults take about 5 minutes at most, compile
    times included (about 2 x (60 + 60) s of walks and a few seconds of rates).

    Returns:
        ``{"rows": [...], "device": ...}``; each row holds the rates, their ratio, the times to the
        target and their ratio (``None`` where a side did not reach it).

    Raises:
        InvalidInputError: no CUDA GPU, a bad argument.
    """
    import argparse

    from search.flipgraph.walk import flip_search

    ap = argparse.ArgumentParser(prog="disco bench flipgraph --device gpu", exit_on_error=False)
    ap.add_argument("--walkers", type=int, default=16384)
    ap.add_argument("--limit", type=float, default=60.0, help="time limit of each GPU time-to-target run (s)")
    ap.add_argument("--cpu-limit", type=float, default=60.0,
                    help="time limit of each one-core CPU time-to-target run (s; 0 skips it)")
    ap.add_argument("--cpu-flips", type=int, default=3_000_000, help="flips of the one-core CPU rate")
    ap.add_argument("--ring", default="ZT", choices=["ZT", "F2", "F3"])
    ap.add_argument("--formats", default="3x3x3:23,4x4x4:49", help="FORMAT:TARGET,... (default 3x3x3:23,4x4x4:49)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--launch-steps", type=int, default=2000, help="flip attempts per thread per timed launch")
    ap.add_argument("--split", type=float, default=None, help="split probability (default 0.5 in ZT, else 0)")
    try:
        args = ap.parse_args(argv or [])
    except (argparse.ArgumentError, SystemExit) as exc:
        raise InvalidInputError(f"disco bench flipgraph --device gpu: {exc}; see --help") from None
    for name in ("limit", "cpu_limit"):
        v = getattr(args, name)
        if not math.isfinite(v) or v < 0:
            raise InvalidInputError(f"--{name.replace('_', '-')} {v} must be a number of seconds >= 0")
    _split_level(args.split, args.ring)
    require_gpu("disco bench flipgraph --device gpu")
    items = []
    for item in args.formats.split(","):
        try:
            f, tgt = item.split(":")
            fmt = tuple(int(x) for x in f.lower().split("x"))
            tgt = int(tgt)
        except ValueError:
            raise InvalidInputError(f"--formats item {item!r} is not FORMAT:TARGET like 3x3x3:23") from None
        if len(fmt) != 3:
            raise InvalidInputError(f"--formats item {item!r} is not FORMAT:TARGET like 3x3x3:23")
        items.append((fmt, tgt))
    rows = []
    for fmt, tgt in items:
        rate = gpu_flip_rate(fmt, args.ring, walkers=args.walkers, seed=args.seed, launch_steps=args.launch_steps,
                             split=args.split)
        # one CPU core, same format and ring, aimed at the proved bound (not reached: it runs its flips)
        cpu = flip_search(fmt, ring=args.ring, target_rank=lower_bound(fmt), walkers=1, seed=args.seed,
                          max_flips=args.cpu_flips, split=args.split, progress=False)
        run = gpu_flip_search(fmt, ring=args.ring, target_rank=tgt, walkers=args.walkers, seed=args.seed,
                              time_limit=max(args.limit, 0.01), launch_steps=args.launch_steps, split=args.split,
                              progress=False)
        row = {"format": "x".join(map(str, fmt)), "ring": args.ring, "walkers": args.walkers,
               "gpu_flips_per_second": rate["flips_per_second"], "cpu_core_flips_per_second": cpu.flips_per_second,
               "ratio": rate["flips_per_second"] / cpu.flips_per_second if cpu.flips_per_second else None,
               "target": tgt, "gpu_rank": run.rank, "gpu_reached": run.reached, "gpu_seconds": run.elapsed,
               "cpu_rank": None, "cpu_reached": None, "cpu_seconds": None, "time_ratio": None}
        if args.cpu_limit > 0:
            ct = flip_search(fmt, ring=args.ring, target_rank=tgt, walkers=1, seed=args.seed,
                             time_limit=args.cpu_limit, split=args.split, progress=False)
            row.update(cpu_rank=ct.rank, cpu_reached=ct.reached, cpu_seconds=ct.elapsed)
            if ct.reached and run.reached and run.elapsed > 0:
                row["time_ratio"] = ct.elapsed / run.elapsed
        rows.append(row)

        def _tt(reached, seconds, rank):
            return f"{seconds:.2f} s" if reached else f"not reached in {seconds:.1f} s (rank {rank})"

        ratio = f"x{row['ratio']:.1f}" if row["ratio"] is not None else "x?"
        line = (f"{row['format']} {args.ring}: GPU {row['gpu_flips_per_second'] / 1e6:.2f} M flips/s "
                f"({args.walkers} walkers) vs one CPU core {row['cpu_core_flips_per_second'] / 1e6:.2f} M flips/s "
                f"({ratio}); time to rank {tgt}: GPU {_tt(run.reached, run.elapsed, run.rank)}")
        if row["cpu_seconds"] is not None:
            line += f", one CPU core {_tt(row['cpu_reached'], row['cpu_seconds'], row['cpu_rank'])}"
            if row["time_ratio"] is not None:
                line += f" (x{row['time_ratio']:.1f})"
        print(line, flush=True)
    return {"rows": rows, "device": _device_name()}


def _device_name() -> str:
    """The GPU's name, or ``"CUDA simulator"``."""
    from numba import config, cuda

    if config.ENABLE_CUDASIM:
        return "CUDA simulator"
    try:
        name = cuda.get_current_device().name
        return name.decode() if isinstance(name, bytes) else str(name)
    except Exception:  # pragma: no cover - a driver that answers oddly
        return "CUDA GPU"
