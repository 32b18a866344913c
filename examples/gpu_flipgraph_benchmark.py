"""GPU flip-graph walks against one CPU core: 3x3x3 -> 23 and 4x4x4 -> 49 in ZT, in one short run.

On a machine with an NVIDIA GPU (numba.cuda), one run of this script measures, for each format,
the GPU walk's flips per second with 16,384 walkers and one CPU core's (their ratio), then the time
to the target rank of the GPU walks and of one CPU core (their ratio), and prints one line per
format. Every scheme either side reports is verified exactly on the CPU (Brent equations). With the
default ``--budget 400`` the walks take at most 0.7 x 400 s; with compiling and the rate
measurements the whole run stays under 8 minutes.

Run: ``python examples/gpu_flipgraph_benchmark.py [--budget 400] [--walkers 16384] [--json out.json]``
(the same measurement as ``disco bench flipgraph --device gpu``, with limits taken from one budget).

On a machine lent with an H100 whose Python has numba and numba-cuda but not python-flint,
bring python-flint as a wheel and install it first; the script needs nothing else beyond the
project's own dependencies.

Without a GPU the script runs a tiny configuration (2 walkers, <2,2,2> over F2) on the CUDA
simulator (``NUMBA_ENABLE_CUDASIM=1``, in a child process when numba.cuda is already loaded
without it), so that what a GPU machine will run is known to work; its figures measure the
simulator, not a GPU.

Reference: A. I. Perminov, "Fast matrix multiplication via ternary meta flip graphs",
arXiv:2511.20317 (FlipGraphGPU: 3x3x3 -> 23 in about 4.4 s with 16,384 walkers on one H100).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

FULL = {"formats": "3x3x3:23,4x4x4:49", "ring": "ZT", "launch_steps": 2000, "cpu_flips": 3_000_000}
TINY = {"formats": "2x2x2:7", "ring": "F2", "walkers": 2, "launch_steps": 100, "cpu_flips": 20_000}


def _simulated() -> bool:
    from numba import config

    return bool(config.ENABLE_CUDASIM)


def main(seed: int = 1, budget: float = 400.0, walkers: int = 16384, tiny: bool | None = None) -> dict:
    """Measure the GPU walks against one CPU core (or a tiny run on the CUDA simulator).

    Args:
        seed: seed of every walk (GPU and CPU).
        budget: seconds for the walks: each format's GPU run gets ``0.2 * budget``, its one-core
            CPU run ``0.15 * budget`` (the rates take a few seconds more).
        walkers: GPU walkers (CUDA threads).
        tiny: the tiny configuration (default: when there is no GPU, on the simulator).

    Returns:
        ``{"device", "rows"}`` as :func:`search.flipgraph.gpu.bench_gpu` returns them.

    Raises:
        InvalidInputError: a bad argument.
    """
    from engine.errors import InvalidInputError
    from search.flipgraph.gpu import bench_gpu, cuda_available

    if isinstance(budget, bool) or not isinstance(budget, int | float) or not budget > 0:
        raise InvalidInputError(f"budget={budget!r} must be a positive number of seconds")
    if not cuda_available() and not _simulated():
        return _in_simulator(seed, budget)
    if tiny is None:
        tiny = _simulated()
    cfg = {**FULL, "walkers": walkers} if not tiny else TINY
    argv = ["--walkers", str(cfg["walkers"]), "--formats", cfg["formats"], "--ring", cfg["ring"],
            "--seed", str(seed), "--limit", str(round(0.2 * budget, 3)), "--cpu-limit", str(round(0.15 * budget, 3)),
            "--cpu-flips", str(cfg["cpu_flips"]), "--launch-steps", str(cfg["launch_steps"])]
    out = bench_gpu(argv)
    if tiny:
        print("(tiny configuration: these figures measure the CUDA simulator, not a GPU)")
    return {"device": out["device"], "rows": out["rows"]}


def _in_simulator(seed: int, budget: float) -> dict:
    """The tiny run in a child process with the CUDA simulator (numba.cuda is loaded without it here)."""
    env = {**os.environ, "NUMBA_ENABLE_CUDASIM": "1"}
    root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    cmd = [sys.executable, str(Path(__file__).resolve()), "--seed", str(seed), "--budget", str(budget), "--tiny",
           "--print-json"]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(f"the simulator run failed: {proc.stderr.strip().splitlines()[-1:]}")
    lines = proc.stdout.strip().splitlines()
    print("\n".join(lines[:-1]))
    return json.loads(lines[-1])


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--budget", type=float, default=400.0, help="seconds for the walks (see main)")
    ap.add_argument("--walkers", type=int, default=16384)
    ap.add_argument("--tiny", action="store_true", help="the tiny configuration (2 walkers, <2,2,2> over F2)")
    ap.add_argument("--json", type=Path, default=None, help="also write the rows to this JSON file")
    ap.add_argument("--print-json", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    result = main(seed=a.seed, budget=a.budget, walkers=a.walkers, tiny=a.tiny or None)
    if a.json is not None:
        a.json.write_text(json.dumps(result, indent=1))
    if a.print_json:
        print(json.dumps(result))
