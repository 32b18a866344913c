"""Ahead-of-time compilation of the package's numba kernels, run when the package is installed.

``pip install .`` builds a wheel; its ``build_py`` step (:mod:`engine._install_hook`) runs
``python -m engine._kernel_build BUILD_DIR`` on the copied sources, which compiles every
kernel of :data:`KERNEL_MODULES` for this machine into ``engine/_compiled`` (numba's own
cache format, keyed on each source file's content, numba's version and the CPU). At run time
:func:`engine._numba.kernel` loads a kernel from there before it looks in the user's numba
cache, so the first call of each capability on a fresh install, with an empty user cache,
compiles nothing.

Where the files do not fit (another numba, a wheel built on another CPU, an editable install,
a kernel not listed here) the kernel is compiled on first use as before and cached in the
user's folder: the install-time files only ever save time, never change a result (they are
the same compiled code numba would produce here).

Each module is compiled in its own process (several at once), imported without running its
parent packages' ``__init__`` so that the build needs only numba and numpy. A module that
fails to compile is reported and left to compile on first use; the install goes on.

Usage: ``python -m engine._kernel_build [ROOT] [--jobs N] [--quiet]`` where ``ROOT`` holds
the ``engine``, ``solvers`` and ``search`` folders (default: this package's root; in a source
checkout that writes ``engine/_compiled`` there, which git ignores).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
import time
import types
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

__all__ = ["KERNEL_MODULES", "build", "compile_module"]

#: modules whose kernels are compiled at install: each capability's first call (issue #18);
#: the test ``tests/engine/test_kernels_compiled_at_install.py`` holds that every module
#: defining a kernel is here or in :data:`JIT_ONLY`.
KERNEL_MODULES = (
    "search.flipgraph._kernels",
    "search.graphs._kernels",
    "search.pcf._kernels",
    "solvers.constant_rank._kernels",
    "solvers.constant_rank._kernels_fq",
    "solvers._gf2",
    "solvers._modp",
)

#: modules with kernels left to compile on first use, and why
JIT_ONLY: dict[str, str] = {}


def _import_without_parents(name: str, root: Path) -> types.ModuleType:
    """Import ``name`` with each parent package (other than ``engine``) as an empty stub, so
    no package ``__init__`` (and none of its imports: python-flint, networkx...) runs."""
    parts = name.split(".")
    for i in range(1, len(parts)):
        parent = ".".join(parts[:i])
        if parent in sys.modules or parent == "engine":
            continue
        stub = types.ModuleType(parent)
        stub.__path__ = [str(root.joinpath(*parts[:i]))]
        stub.__package__ = parent
        sys.modules[parent] = stub
    return importlib.import_module(name)


def compile_module(name: str, root: Path) -> dict:
    """Compile (into ``engine/_compiled`` under ``root``) every kernel of module ``name``;
    return ``{"module", "kernels", "seconds"}``. Call in a process started with
    ``DISCO_KERNEL_BUILD=1`` and ``root`` first on ``sys.path``."""
    t0 = time.perf_counter()
    module = _import_without_parents(name, root)
    names = []
    for attr, value in sorted(vars(module).items()):
        signature = getattr(value, "_disco_signature", None)
        if signature is not None and getattr(value, "py_func", None) is not None \
                and value.py_func.__module__ == name:
            value._disco_ensure()  # compiles once (saved by the install-time cache, engine._numba)
            names.append(attr)
        elif type(value).__name__ == "CPUDispatcher" and getattr(value, "py_func", None) is not None \
                and value.py_func.__module__ == name and value.signatures:
            names.append(attr)  # an eager njit(signature, cache=True): compiled at import
    return {"module": name, "kernels": names, "seconds": round(time.perf_counter() - t0, 2)}


def _child(name: str, root: Path, env: dict[str, str]) -> dict:
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c",
                          "import json, sys; from pathlib import Path; "
                          f"sys.path.insert(0, {str(root)!r}); "
                          "from engine._kernel_build import compile_module; "
                          f"print(json.dumps(compile_module({name!r}, Path({str(root)!r}))))"],
                         env=env, cwd=str(root), capture_output=True, text=True)
    if out.returncode != 0:
        lines = out.stderr.strip().splitlines()
        return {"module": name, "error": lines[-1] if lines else f"exit status {out.returncode}",
                "seconds": round(time.perf_counter() - t0, 2)}
    return json.loads(out.stdout.strip().splitlines()[-1])


def build(root: Path | str | None = None, jobs: int | None = None, quiet: bool = False) -> dict:
    """Compile every module of :data:`KERNEL_MODULES` under ``root`` into
    ``root/engine/_compiled`` and write its ``manifest.json`` (numba, numpy and Python
    versions, the CPU, per-module kernels and seconds, failures). Returns the manifest."""
    root = Path(root) if root is not None else Path(__file__).resolve().parent.parent
    jobs = max(1, jobs or min(len(KERNEL_MODULES), os.cpu_count() or 1))
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env.update({"DISCO_KERNEL_BUILD": "1", "PYTHONPATH": os.pathsep.join([str(root), env.get("PYTHONPATH", "")])})
    shipped = root / "engine" / "_compiled"
    if shipped.exists():  # a build folder reused: no file of an earlier build stays behind
        import shutil

        shutil.rmtree(shipped)
    shipped.mkdir(parents=True)
    t0 = time.perf_counter()
    if not quiet:
        print(f"disco: compiling numba kernels for this machine ({len(KERNEL_MODULES)} modules, "
              f"{jobs} at a time)...", flush=True)
    with ThreadPoolExecutor(jobs) as pool:
        rows = list(pool.map(lambda m: _child(m, root, env), KERNEL_MODULES))
    import numba
    import numpy
    from numba.core.registry import cpu_target

    manifest = {
        "numba": numba.__version__, "numpy": numpy.__version__,
        "python": ".".join(map(str, sys.version_info[:3])),
        "cpu": cpu_target.target_context.codegen().magic_tuple()[1],
        "modules": [r for r in rows if "error" not in r],
        "failed": [r for r in rows if "error" in r],
        "seconds": round(time.perf_counter() - t0, 2),
    }
    (shipped / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    if not quiet:
        done = sum(len(r["kernels"]) for r in manifest["modules"])
        print(f"disco: {done} kernels compiled in {manifest['seconds']:.1f} s into {shipped}", flush=True)
        for r in manifest["failed"]:
            print(f"disco: warning: {r['module']} not compiled ({r['error']}); it compiles on first use",
                  flush=True)
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m engine._kernel_build", description=__doc__.splitlines()[0])
    ap.add_argument("root", nargs="?", default=None, help="folder holding engine/, solvers/, search/")
    ap.add_argument("--jobs", type=int, default=None, help="modules compiled at once (default: cores)")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    root = Path(args.root) if args.root else None
    if root is not None and not (root / "engine" / "_numba.py").is_file():
        print(f"root {str(root)!r} holds no engine/_numba.py; give the folder with engine/, solvers/, search/",
              file=sys.stderr)
        return 2
    manifest = build(root, jobs=args.jobs, quiet=args.quiet)
    return 0 if not manifest["failed"] else 1


if __name__ == "__main__":  # pragma: no cover - command line
    raise SystemExit(main())
