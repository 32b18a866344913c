"""Benchmark: the first call of each capability in a fresh interpreter (issue #18).

For each capability, two fresh interpreters in a row share a new, empty ``NUMBA_CACHE_DIR``:
the first compiles every kernel it uses (a fresh install), the second loads them from the
cache (every later run). Reported: wall seconds and CPU seconds (user + system of the child,
imports included; on a shared machine CPU time is the steadier figure), the part of the
first run spent compiling kernels, and the number of kernel specialisations compiled. The
issue's target is 3 s for each first call.

Two layouts are measured:

- **installed**: the package's files laid out as ``pip install .`` lays them out, with the
  kernels compiled by its build step (:mod:`engine._kernel_build`, whose time is reported:
  it is paid once, at install). This is a new user's first run.
- **JIT**: the checkout itself with an empty cache, as an editable install, or a wheel from
  another machine or numba, runs: every kernel a call uses is compiled on first use.

Usage: ``disco bench coldstart [--only graphs,pcf] [--json]`` or
``python tests/benchmarks/bench_coldstart.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

#: capability -> the first call (the acceptance interface of issue #18)
CALLS = {
    "balance": "from solvers.reactions import balance\n"
               "balance('KMnO4 + H2C2O4 + H2SO4 -> K2SO4 + MnSO4 + CO2 + H2O')",
    "constant_rank": "from solvers.constant_rank import extremal_space\n"
                     "extremal_space(7, 4, field=3).constant_rank()",
    "graphs": "from search.graphs import extremal_graph_search\n"
              "extremal_graph_search(n=24, seed=1, time_limit=5)",
    "pcf": "from search.pcf import enumerate_pcfs\n"
           "enumerate_pcfs(a_degree=1, b_degree=1, coefficient_range=2, constants=['e'], workers=1)",
    "flipgraph": "from search.flipgraph import flip_search\n"
                 "flip_search((3, 3, 3), ring='ZT', target_rank=23, seed=1, time_limit=20)",
}

_PROBE = """
import json, sys
try:
    from engine._numba import compile_seconds
except ImportError:  # a checkout from before issue #18
    compile_seconds = lambda cpu=False: float("nan")  # noqa: E731
try:
    from engine._numba import compile_report
except ImportError:  # a checkout from before the per-kernel report
    compile_report = lambda: []  # noqa: E731
{call}
specs = 0
if "numba" in sys.modules:  # (not imported here otherwise: its import would be counted)
    from numba.core.registry import CPUDispatcher
    specs = sum(len(v.signatures) for m in list(sys.modules.values()) for v in list(vars(m).values())
                if isinstance(v, CPUDispatcher)
                and str(getattr(m, '__name__', '')).startswith(('engine', 'solvers', 'search')))
try:
    compile_cpu = compile_seconds(cpu=True)
except TypeError:  # a checkout from before CPU accounting
    compile_cpu = float("nan")
print(json.dumps({{"compile_s": compile_seconds(), "compile_cpu_s": compile_cpu, "specialisations": specs,
                  "kernels": [list(r) for r in compile_report()]}}))
"""


def _run(code: str, cache: str, site: str | None = None) -> dict:
    env = dict(os.environ, NUMBA_CACHE_DIR=cache)
    if site is not None:  # the installed layout first on the path, run outside the checkout
        env["PYTHONPATH"] = site
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _PROBE.format(call=code)], env=env, capture_output=True,
                         text=True, timeout=600, cwd=site or cache)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode:
        raise RuntimeError(out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "failed")
    info = json.loads(out.stdout.strip().splitlines()[-1])
    info.update(wall_s=wall, cpu_s=(after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return info


def install_layout(folder: str) -> tuple[str, dict]:
    """Copy the package into ``folder`` as pip lays it out and run the install's kernel build
    there; return ``(folder, its manifest)``."""
    import shutil
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for package in ("engine", "solvers", "search"):
        shutil.copytree(root / package, Path(folder) / package,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "_compiled"))
    env = dict(os.environ, PYTHONPATH=folder)
    env.pop("NUMBA_CACHE_DIR", None)
    out = subprocess.run([sys.executable, "-m", "engine._kernel_build", "--quiet", folder], cwd=folder, env=env,
                         capture_output=True, text=True, timeout=1800)
    if out.returncode:
        raise RuntimeError("kernel build failed: " + (out.stderr.strip().splitlines() or ["?"])[-1])
    return folder, json.loads((Path(folder) / "engine" / "_compiled" / "manifest.json").read_text())


def measure(capability: str, site: str | None = None) -> dict:
    """First (empty cache) and second (cache written) run of one capability; ``site``: the
    installed layout (:func:`install_layout`), else the checkout (JIT)."""
    with tempfile.TemporaryDirectory() as cache:
        cold = _run(CALLS[capability], cache, site)
        warm = _run(CALLS[capability], cache, site)
    return {"capability": capability, "layout": "installed" if site else "JIT", "cold": cold, "warm": warm}


def main(argv: list[str] | None = None) -> int:
    from search.benchmarking import load_average

    ap = argparse.ArgumentParser(prog="bench_coldstart", description=__doc__.splitlines()[0])
    ap.add_argument("--only", default=None, help="comma-separated capabilities: " + ",".join(CALLS))
    ap.add_argument("--json", action="store_true", help="print one JSON document")
    ap.add_argument("--kernels", type=int, default=0, metavar="N",
                    help="also list the N kernels of each first run that cost most to compile")
    args = ap.parse_args(argv)
    names = list(CALLS) if args.only is None else [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = [n for n in names if n not in CALLS]
    if unknown:
        print(f"unknown capability {unknown[0]!r}; choose from {', '.join(CALLS)}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        t = time.perf_counter()
        site, manifest = install_layout(folder)
        build_s = time.perf_counter() - t
        rows = [measure(n, site) for n in names]
    rows += [measure(n) for n in names]
    if args.json:
        print(json.dumps({"load": load_average(), "install_build_s": build_s, "manifest": manifest,
                          "rows": rows}, indent=1))
        return 0
    print(f"first call in a fresh interpreter, empty numba cache, imports included ({load_average()})")
    print(f"installed: kernels compiled by the install step in {build_s:.1f} s wall "
          f"({sum(len(m['kernels']) for m in manifest['modules'])} kernels, paid once at pip install)")
    print(f"{'capability':<14} {'layout':<9} {'cold wall':>9} {'cold CPU':>9} {'compiling':>9} {'(CPU)':>7} "
          f"{'kernels':>7} {'cached wall':>11} {'cached CPU':>10}  target 3 s")
    for r in rows:
        c, w = r["cold"], r["warm"]
        ok = "met" if c["wall_s"] <= 3.0 else ("met (CPU)" if c["cpu_s"] <= 3.0 else "not met")
        print(f"{r['capability']:<14} {r['layout']:<9} {c['wall_s']:>8.2f}s {c['cpu_s']:>8.2f}s "
              f"{c['compile_s']:>8.2f}s {c.get('compile_cpu_s', float('nan')):>6.2f}s {c['specialisations']:>7d} "
              f"{w['wall_s']:>10.2f}s {w['cpu_s']:>9.2f}s  {ok}")
    for r in rows if args.kernels > 0 else []:
        listed = r["cold"].get("kernels", [])[: args.kernels]
        if not listed:
            continue
        print(f"\n{r['capability']} ({r['layout']}): compiling, own CPU seconds (without the callees each one "
              "compiled)")
        for name, _wall, cpu in listed:
            print(f"  {cpu:>6.2f}s  {name}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
