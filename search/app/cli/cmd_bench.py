"""``disco bench NAME [ARGS...]``: run the benchmark script ``tests/benchmarks/bench_NAME.py``.

Benchmarks live in the source checkout, not in the installed package. The script is looked
up in ``./tests/benchmarks/`` (the current directory, normally a checkout) and then next to
the imported ``search`` package (an editable install). Its ``main(argv)`` runs with the
arguments after ``NAME``; ``disco`` flags go before ``NAME`` (``disco bench --json store``).
``disco bench`` without a name lists the available benchmarks; ``disco bench --scaling``
runs the scaling curves (``bench_scaling.py``: cost against work for every capability).

Examples:
    >>> from search.app.cli.cmd_bench import benchmark_dirs
    >>> all(d.name == "benchmarks" for d in benchmark_dirs())
    True
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
from pathlib import Path
from typing import Any

from engine.errors import InvalidInputError
from search.app.cli._common import add_common_flags, emit

__all__ = ["register", "benchmark_dirs", "available_benchmarks", "find_benchmark"]


def benchmark_dirs() -> list[Path]:
    """Existing benchmark directories: ``./tests/benchmarks`` then the checkout's."""
    candidates = [Path.cwd() / "tests" / "benchmarks",
                  Path(__file__).resolve().parents[3] / "tests" / "benchmarks"]
    out: list[Path] = []
    for d in candidates:
        if d.is_dir() and d.resolve() not in [o.resolve() for o in out]:
            out.append(d)
    return out


def available_benchmarks() -> dict[str, Path]:
    """Benchmark names mapped to their scripts (the first directory wins)."""
    found: dict[str, Path] = {}
    for d in benchmark_dirs():
        for path in sorted(d.glob("bench_*.py")):
            found.setdefault(path.stem[len("bench_"):], path)
    return dict(sorted(found.items()))


def find_benchmark(name: str) -> Path:
    """The script of benchmark ``name``.

    Raises:
        InvalidInputError: malformed or unknown name (the message lists the available ones).
    """
    available = available_benchmarks()
    if not re.fullmatch(r"[A-Za-z0-9_]+", name or ""):
        raise InvalidInputError(f"benchmark name={name!r} must be letters, digits or '_'")
    if name not in available:
        where = ", ".join(str(d) for d in benchmark_dirs()) or "no tests/benchmarks directory here"
        names = ", ".join(available) or "none"
        raise InvalidInputError(
            f"unknown benchmark {name!r}; available: {names} (searched {where}; run from the "
            "source checkout)"
        )
    return available[name]


def _run(args: argparse.Namespace) -> int:
    if getattr(args, "scaling", False):  # ``disco bench --scaling [ARGS]`` = ``disco bench scaling [ARGS]``
        if args.name:
            args.bench_args = [args.name, *args.bench_args]
        args.bench_args = ([*args.bench_args] + (["--out", args.out] if args.out else [])
                           + (["--quick"] if args.quick else []))
        args.name = "scaling"
    elif args.out or args.quick:
        raise InvalidInputError("--out and --quick go with --scaling (disco bench --scaling --out DIR)")
    if not args.name:
        available = available_benchmarks()
        emit({k: str(v) for k, v in available.items()}, args.json,
             "\n".join(available) if available else "no benchmarks found (run from a checkout)")
        return 0
    rest = list(args.bench_args)
    if args.name == "flipgraph" and "--device" in rest:  # the GPU walks (search.flipgraph.gpu.bench_gpu)
        i = rest.index("--device")
        device = rest[i + 1] if i + 1 < len(rest) else ""
        if device not in ("cpu", "gpu"):
            raise InvalidInputError(f"--device {device!r} must be cpu or gpu")
        del rest[i:i + 2]
        if device == "gpu":
            from search.flipgraph.gpu import bench_gpu

            result = bench_gpu(rest)
            if args.json:
                emit({"benchmark": "flipgraph", "device": "gpu", "result": result}, True)
            return 0
        args.bench_args = rest
    path = find_benchmark(args.name)
    spec = importlib.util.spec_from_file_location(f"disco_bench_{args.name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # so pickle finds the script's own classes in-process
    try:
        spec.loader.exec_module(module)
        main = getattr(module, "main", None)
        if not callable(main):
            raise InvalidInputError(f"benchmark script {str(path)!r} has no main(argv) function")
        result = main(list(args.bench_args))
    finally:
        sys.modules.pop(spec.name, None)
    if args.json:
        emit({"benchmark": args.name, "result": result if isinstance(result, dict) else None},
             True)
    return result if isinstance(result, int) else 0


def register(subparsers: Any) -> None:
    """Add ``disco bench [NAME] [ARGS...]``."""
    p = subparsers.add_parser(
        "bench", help="run a benchmark script tests/benchmarks/bench_NAME.py (from a checkout)"
    )
    add_common_flags(p)
    p.add_argument("--scaling", action="store_true",
                   help="scaling curves of every capability: a table and a log-log plot with growth "
                        "exponents (runs tests/benchmarks/bench_scaling.py)")
    p.add_argument("--out", default=None, help="with --scaling: folder for the table and plot (default ./scaling)")
    p.add_argument("--quick", action="store_true", help="with --scaling: fewer, smaller points (a smoke run)")
    p.add_argument("name", nargs="?", default=None, help="benchmark name; omit to list them")
    p.add_argument("bench_args", nargs=argparse.REMAINDER, help="arguments for the benchmark")
    p.set_defaults(handler=_run)
