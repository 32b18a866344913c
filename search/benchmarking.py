"""Timing helpers shared by the benchmark scripts in ``tests/benchmarks/`` (``disco bench``).

Benchmarks run our code and the peer in one process run and report ratios. On a shared
machine the *minimum* over repeats is the least disturbed wall time, and process CPU time is
less sensitive than wall time to other load; the load average is printed next to the figures.

Examples:
    >>> from search.benchmarking import best_wall_time, best_cpu_time, load_average
    >>> best_wall_time(lambda: sum(range(1000)), repeat=3) >= 0.0
    True
    >>> best_cpu_time(lambda: sum(range(1000)), repeat=3) >= 0.0
    True
    >>> "load average" in load_average()
    True

Peers (C++ programs kept as source archives in ``/work/shared/peers``) are built on demand
outside the repository, in a cache folder (``$DISCO_PEER_CACHE`` or
``~/.cache/disco/peers``), and run as subprocesses whose CPU time is measured with
``getrusage``: :func:`find_cxx`, :func:`build_peer`, :func:`run_flip_graph_peer`. Nothing of
a peer (source or binary) ever enters the repository.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import signal
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from engine._args import check_choice, check_int, check_real, short_repr
from engine.errors import InvalidInputError

__all__ = ["best_wall_time", "best_cpu_time", "load_average", "find_cxx", "peer_cache_dir",
           "build_peer", "PeerRun", "run_flip_graph_peer", "FLIP_GRAPH_PEER"]

#: The archive of the C++ ternary flip-graph framework (MIT licence), when present.
FLIP_GRAPH_PEER = Path("/work/shared/peers/ternary_flip_graph-9d8fcad.tar.gz")


def _best(clock: Callable[[], float], fn: Callable[[], object], repeat: int) -> float:
    if repeat < 1:
        raise ValueError(f"repeat={repeat!r} must be >= 1")
    times = []
    for _ in range(repeat):
        t = clock()
        fn()
        times.append(clock() - t)
    return min(times)


def best_wall_time(fn: Callable[[], object], repeat: int = 5) -> float:
    """Best wall-clock seconds of ``repeat`` calls of ``fn``."""
    return _best(time.perf_counter, fn, repeat)


def best_cpu_time(fn: Callable[[], object], repeat: int = 5) -> float:
    """Best process CPU seconds of ``repeat`` calls of ``fn`` (this process only)."""
    return _best(time.process_time, fn, repeat)


def load_average() -> str:
    """``"load average 1.2 0.9 0.7 on 2 cores"`` (or ``"load average unknown"``)."""
    try:
        la = os.getloadavg()
    except (OSError, AttributeError):  # pragma: no cover - platform without getloadavg
        return "load average unknown"
    return f"load average {la[0]:.1f} {la[1]:.1f} {la[2]:.1f} on {os.cpu_count() or 0} cores"


def find_cxx() -> str | None:
    """Path of a C++ compiler on PATH (``$CXX``, ``g++``, ``c++`` or ``clang++``), or None."""
    for name in (os.environ.get("CXX"), "g++", "c++", "clang++"):
        if name and (path := shutil.which(name)):
            return path
    return None


def peer_cache_dir() -> Path:
    """Folder where peers are unpacked and built (outside the repository)."""
    env = os.environ.get("DISCO_PEER_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "disco" / "peers"


def build_peer(archive: str | os.PathLike, target: str = "flip_graph", *, cache: str | os.PathLike | None = None,
               jobs: int = 2, log: Callable[[str], None] | None = None) -> Path | None:
    """Unpack a peer's source archive into the cache and ``make`` one program; its path or None.

    The build uses ``-O3 -march=native -fopenmp`` (the peer's makefile flags plus
    ``-march=native``) and is reused by later calls. Returns None (after ``log`` says why)
    when there is no C++ compiler, no ``make``, or the build fails.

    Raises:
        InvalidInputError: ``archive`` is not an existing ``.tar.gz`` file, ``target`` is not
            a plain program name, or ``jobs`` < 1.
    """
    say = log or (lambda _msg: None)
    path = Path(archive)
    if not path.is_file() or not path.name.endswith(".tar.gz"):
        raise InvalidInputError(f"archive={short_repr(str(archive))} must be an existing .tar.gz file of a peer's source")
    if not isinstance(target, str) or not re.fullmatch(r"[A-Za-z0-9_]+", target):
        raise InvalidInputError(f"target={short_repr(target)} must be a program name of the peer's makefile, e.g. 'flip_graph'")
    jobs = check_int(jobs, "jobs", low=1)
    root = Path(cache) if cache is not None else peer_cache_dir()
    stem = path.name[: -len(".tar.gz")]
    home = root / stem
    built = home / "build" / target
    if built.is_file() and os.access(built, os.X_OK):
        return built
    cxx = find_cxx()
    if cxx is None:
        say("no C++ compiler (g++/c++/clang++) on PATH: the peer cannot be built")
        return None
    if shutil.which("make") is None:
        say("no 'make' on PATH: the peer cannot be built")
        return None
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root) as tmp:
        with tarfile.open(path) as tar:
            tar.extractall(tmp, filter="data")
        tops = [p for p in Path(tmp).iterdir() if p.is_dir()]
        src = tops[0] if len(tops) == 1 else Path(tmp)
        say(f"building the peer {stem} ({target}) with {cxx} -O3 -march=native (a few minutes, once)")
        flags = "-Wall -O3 -march=native -std=c++17 -fopenmp"
        proc = subprocess.run(["make", f"-j{jobs}", target, f"CXX={cxx}", f"FLAGS={flags}"], cwd=src,
                              capture_output=True, text=True)
        if proc.returncode != 0 or not (src / target).is_file():
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["?"]
            say(f"the peer's build failed (make exit {proc.returncode}): {tail[0][:200]}")
            return None
        built.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src / target, built)
    return built


@dataclass(frozen=True)
class PeerRun:
    """One run of the peer's ``flip_graph`` (one runner, one thread).

    ``flips``: successful flips it reported (``--flip-iterations`` per report line; its
    loop counts a flip only when one was applied, as our walk does); ``cpu_s``: CPU seconds
    of the process; ``best_rank``: best rank it printed; ``reached``: it printed the target
    rank (or lower) and stopped; ``reports``: report lines seen.
    """

    best_rank: int
    flips: int
    cpu_s: float
    reached: bool
    reports: int

    @property
    def flips_per_cpu_s(self) -> float:
        return self.flips / self.cpu_s if self.cpu_s > 0 else 0.0


_RINGS = {"ZT": "ZT", "F2": "Z2", "F3": "Z3"}


def run_flip_graph_peer(binary: str | os.PathLike, fmt: tuple[int, int, int], ring: str = "ZT", *, seed: int = 1,
                        target_rank: int = 0, time_limit: float = 10.0, flip_iterations: int = 1_000_000) -> PeerRun:
    """Run the peer's ``flip_graph`` from the standard algorithm of ``fmt`` on one thread.

    It stops at ``target_rank`` (0: never) or after ``time_limit`` wall seconds (then it is
    killed; the flips of its last, unfinished report are not counted). CPU time is the
    child's ``getrusage`` time.

    Raises:
        InvalidInputError: a bad format, ring (ZT, F2, F3), seed, target, limit or period.
    """
    if not os.access(binary, os.X_OK):
        raise InvalidInputError(f"binary={short_repr(str(binary))} must be an executable (see build_peer)")
    if not (isinstance(fmt, tuple) and len(fmt) == 3):
        raise InvalidInputError(f"fmt={short_repr(fmt)} must be a tuple (n, m, p) of three integers >= 1")
    dims = [check_int(d, "fmt", low=1, high=16) for d in fmt]
    ring = check_choice(ring, "ring", tuple(_RINGS))
    seed = check_int(seed, "seed", low=1)
    target_rank = check_int(target_rank, "target_rank", low=0)
    time_limit = check_real(time_limit, "time_limit", low=0.0)
    flip_iterations = check_int(flip_iterations, "flip_iterations", low=1000)
    with tempfile.TemporaryDirectory(prefix="disco-peer-") as out:
        cmd = [str(binary), "-n1", str(dims[0]), "-n2", str(dims[1]), "-n3", str(dims[2]), "--ring", _RINGS[ring],
               "--threads", "1", "--count", "1", "--seed", str(seed),
               "--flip-iterations", str(flip_iterations), "--top-count", "1", "-o", out]
        if target_rank > 0:  # the peer refuses an explicit 0 (its default: search for the minimum)
            cmd += ["--target-rank", str(target_rank)]
        log_path = Path(out) / "stdout.txt"
        with open(log_path, "w") as fh:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, cwd=out)
            try:
                proc.wait(timeout=time_limit)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
        text = log_path.read_text(errors="replace")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    ranks = [int(m) for m in re.findall(r"best rank:\s*(\d+)", text)]
    best = min(ranks) if ranks else dims[0] * dims[1] * dims[2]
    reports = len(re.findall(r"iteration time", text))
    reached = target_rank > 0 and best <= target_rank
    return PeerRun(best_rank=best, flips=reports * flip_iterations, cpu_s=cpu, reached=reached, reports=reports)
