"""The import direction of the package layout: engine -> solvers -> search framework ->
capability searches -> application (STYLE.md, "Layout and layering").

Every module under ``engine/``, ``solvers/`` and ``search/`` is parsed with :mod:`ast` (never
imported) and every ``import``/``from ... import`` in it is checked, including the imports
inside functions (lazy imports) and inside ``if TYPE_CHECKING:`` blocks:

- ``engine`` imports nothing from ``solvers`` or ``search``;
- ``solvers`` imports nothing from ``search``;
- the search framework (the runner, flags, backends, checkpoints, store, progress,
  benchmarking and the generic drivers) imports no capability subpackage and not the
  application;
- a capability subpackage never imports the application (``search.app``, ``search.cli``).

``search/__init__.py`` is not checked as framework: its lazy exports name their modules in
strings, which are not imports.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("engine", "solvers", "search")

#: Modules of the search framework (present or not yet written), relative to the repository root.
FRAMEWORK_FILES = tuple(
    f"search/{name}.py"
    for name in ("core", "runner", "flags", "parallel", "checkpoint", "store", "backends", "progress",
                 "benchmarking")
)
FRAMEWORK_DIRS = ("search/drivers",)
CAPABILITIES = ("search.pcf", "search.flipgraph", "search.graphs", "search.altspaces")
APPLICATION = ("search.app", "search.cli")


def _modules() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py") if "__pycache__" not in p.parts)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """``(line, module)`` for every import in ``path``, at any depth of the syntax tree.

    ``from a.b import c`` yields both ``a.b`` and ``a.b.c`` (``c`` may be a submodule);
    relative imports are resolved against the module's own package.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                name = _module_name(path)
                package = name if path.name == "__init__.py" else name.rpartition(".")[0]
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            out.append((node.lineno, module))
            out += [(node.lineno, f"{module}.{alias.name}") for alias in node.names if alias.name != "*"]
    return out


def _within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _is_framework(rel: str) -> bool:
    return rel in FRAMEWORK_FILES or any(rel.startswith(d + "/") for d in FRAMEWORK_DIRS)


def _capability_of(module: str) -> str | None:
    return next((c for c in CAPABILITIES if _within(module, (c,))), None)


def _forbidden(rel: str, module_name: str) -> tuple[str, tuple[str, ...]] | None:
    """The rule that applies to the file ``rel``: ``(layer, forbidden import prefixes)``."""
    if rel.startswith("engine/"):
        return "engine", ("solvers", "search")
    if rel.startswith("solvers/"):
        return "solvers", ("search",)
    if _is_framework(rel):
        return "the search framework", CAPABILITIES + APPLICATION
    if _capability_of(module_name):
        return f"the capability {_capability_of(module_name)}", APPLICATION
    return None


MODULES = _modules()


def test_the_layout_is_found():
    rels = {p.relative_to(ROOT).as_posix() for p in MODULES}
    assert "search/core.py" in rels and "search/drivers/__init__.py" in rels
    for cap in CAPABILITIES:
        assert cap.replace(".", "/") + "/__init__.py" in rels, cap
    assert "search/app/cli/__init__.py" in rels and "search/cli/__init__.py" in rels


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_imports_flow_one_way(path: Path):
    rel = path.relative_to(ROOT).as_posix()
    rule = _forbidden(rel, _module_name(path))
    if rule is None:  # the application, search/__init__.py
        return
    layer, forbidden = rule
    bad = sorted({(line, mod) for line, mod in imported_modules(path) if _within(mod, forbidden)})
    assert not bad, f"{rel} ({layer}) imports " + ", ".join(f"{mod} (line {line})" for line, mod in bad)


def test_the_checker_sees_lazy_and_type_checking_imports(tmp_path):
    """The checker reads imports inside functions and TYPE_CHECKING blocks, and resolves
    ``from package import submodule``."""
    f = tmp_path / "m.py"
    f.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from search.app import cli\n"
        "def f():\n    import search.pcf.enumerate\n    from search import flipgraph\n"
    )
    mods = {m for _, m in imported_modules(f)}
    assert {"search.app.cli", "search.pcf.enumerate", "search.flipgraph"} <= mods
