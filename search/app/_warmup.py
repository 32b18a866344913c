"""Compile the numba kernels of a campaign's later sections in a background process.

``disco discover`` starts this module (``python -m search.app._warmup SPEC``), one process per
later section, when it begins a campaign whose kernels are not cached yet. While the first
sections run (reactions needs no kernel), each
process calls its section's searches once on a miniature input, so numba
compiles exactly the kernels that section uses and writes them to its cache (the folder
:mod:`engine._numba` chose, inherited through ``NUMBA_CACHE_DIR``). It prints one line per
section, ``ready SECTION SECONDS`` or ``failed SECTION MESSAGE``, so the campaign waits for a
section's kernels only when it reaches that section before they are ready, and then loads
them from the cache instead of compiling them itself.

When every section has been warmed, a stamp file is written next to the cache; a later
campaign with the same sources, numba and Python skips the background process.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

__all__ = ["KERNEL_SECTIONS", "stamp_path", "is_warm", "warm_section", "write_stamp", "main"]

#: Sections whose searches run numba kernels (reactions balances with exact integer algebra).
KERNEL_SECTIONS = ("contfrac", "matmul", "altspaces", "graphs")

_ROOT = Path(__file__).resolve().parents[2]


def _sources_digest() -> str:
    """A digest of the package sources (path, size, mtime), numba's and Python's versions."""
    h = hashlib.sha256()
    try:
        import numba

        h.update(numba.__version__.encode())
    except ImportError:  # pragma: no cover - numba is a dependency
        pass
    h.update(sys.version.encode())
    for pkg in ("engine", "solvers", "search"):
        for p in sorted((_ROOT / pkg).rglob("*.py")):
            try:
                st = p.stat()
            except OSError:
                continue
            h.update(f"{p.relative_to(_ROOT)}:{st.st_size}:{st.st_mtime_ns};".encode())
    return h.hexdigest()[:24]


def stamp_path(sections: Any) -> Path | None:
    """Where the "kernels of these sections are cached" stamp lives (None: no writable cache).

    Examples:
        >>> from search.app._warmup import stamp_path
        >>> stamp_path(["graphs"]) is None or stamp_path(["graphs"]).name.startswith("disco-warm-")
        True
    """
    from engine._args import short_repr
    from engine._numba import cache_dir
    from engine.errors import InvalidInputError

    if isinstance(sections, str) or not all(s in KERNEL_SECTIONS for s in sections):
        raise InvalidInputError(
            f"sections={short_repr(sections)} must list names from {', '.join(KERNEL_SECTIONS)}")
    where = cache_dir()
    if where == "none":
        return None
    folder = _ROOT / "engine" / "__pycache__" if where == "in-tree" else Path(where)
    key = hashlib.sha256((_sources_digest() + ",".join(sorted(set(sections)))).encode()).hexdigest()[:24]
    return folder / f"disco-warm-{key}"


def is_warm(sections: Any) -> bool:
    """Whether a background warm-up of ``sections`` completed with the current sources."""
    p = stamp_path(sections)
    return (p is not None and p.exists()) or _compiled_at_install()


def _compiled_at_install() -> bool:
    """Whether every kernel module was compiled when the package was installed, by this
    numba (:mod:`engine._kernel_build`): then no section has anything to warm."""
    from engine._kernel_build import KERNEL_MODULES
    from engine._numba import shipped_manifest

    manifest = shipped_manifest()
    if manifest is None or manifest.get("failed"):
        return False
    return {m.get("module") for m in manifest.get("modules", [])} >= set(KERNEL_MODULES)


def warm_section(name: str, cfg: dict[str, Any]) -> None:
    """Call section ``name``'s searches once on a miniature input, serially, storing nothing
    (compiling, or loading from the cache, every kernel the section uses).

    Raises:
        InvalidInputError: ``name`` is not a kernel section or ``cfg`` is not a mapping.
    """
    from engine._args import short_repr
    from engine.errors import InvalidInputError

    if name not in KERNEL_SECTIONS:
        raise InvalidInputError(f"name={short_repr(name)} must be one of {', '.join(KERNEL_SECTIONS)}")
    if not isinstance(cfg, dict):
        raise InvalidInputError(f"cfg={short_repr(cfg)} must be the section's configuration (a dict)")
    if name == "contfrac":
        from search.pcf import enumerate_pcfs

        enumerate_pcfs(1, 1, 1, ["e"], workers=1)
    elif name == "matmul":
        from search.flipgraph import flip_search

        rings = [str(cfg.get("ring", "ZT"))] + ([str(cfg["lift_ring"])] if cfg.get("lift_ring") else [])
        for rg in dict.fromkeys(rings):
            res = flip_search((2, 2, 2), ring=rg, target_rank=7, seed=1, max_flips=20_000,
                              time_limit=5.0)
            if rg in ("F2", "F3"):
                from solvers.lifting import lift_scheme

                lift_scheme(res.scheme, to="Z", seed=1)
        for code, n, field, lift_to, rank in cfg.get("structured", []):
            from engine.structured import structured_tensor
            from search.flipgraph.bilinear import bilinear_search

            bilinear_search(structured_tensor(str(code), int(n)), field=str(field),
                            target_rank=int(rank), seed=1, lift_to=str(lift_to), time_limit=1.0)
    elif name == "altspaces":
        from search.altspaces import search_constant_rank
        from solvers.constant_rank import extremal_space

        for field in cfg.get("fields", ["Q"]):
            extremal_space(4, 2, field).constant_rank()
        scfg = dict(cfg.get("search", {}))
        if scfg:
            search_constant_rank(n=4, r=2, field=scfg.get("field", 2), seed=1, steps=50,
                                 time_limit=2.0)
    elif name == "graphs":
        from search.graphs import extremal_graph_search

        extremal_graph_search(n=8, seed=1, steps=200, time_limit=2.0, progress=False)
        if cfg.get("mapelites_n"):
            from search.drivers import map_elites
            from search.graphs import ForbiddenCyclesProblem, graph_descriptors

            map_elites(ForbiddenCyclesProblem(8), graph_descriptors(8), steps=20, time_limit=2.0,
                       seed=1, local_steps=4)


def main(argv: list[str] | None = None) -> int:
    """``python -m search.app._warmup '{"sections": [...], "config": {...}}'``."""
    argv = sys.argv[1:] if argv is None else argv
    spec = json.loads(argv[0])
    sections = [s for s in spec["sections"] if s in KERNEL_SECTIONS]
    if spec.get("nice") and hasattr(os, "nice"):  # kernels needed later yield the CPU to earlier ones
        try:
            os.nice(int(spec["nice"]))
        except OSError:  # pragma: no cover - not permitted here
            pass
    ok = True
    for name in sections:
        t = time.perf_counter()
        try:
            warm_section(name, spec.get("config", {}).get(name, {}))
        except Exception as exc:  # noqa: BLE001 - the campaign then compiles in-process
            ok = False
            print(f"failed {name} {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
                  flush=True)
            continue
        print(f"ready {name} {time.perf_counter() - t:.2f}", flush=True)
    if ok and sections and spec.get("stamp", True):
        write_stamp(sections)
    return 0


def write_stamp(sections: Any) -> None:
    """Record that the kernels of ``sections`` are cached for the current sources."""
    p = stamp_path(sections)
    if p is not None:
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(f"{os.getpid()} {time.time():.0f}\n")
        except OSError:
            pass


if __name__ == "__main__":
    sys.exit(main())
