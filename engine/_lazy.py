"""Lazy re-exports for the top-level package ``__init__`` files (PEP 562).

The packages re-export their public names explicitly (a grouped ``__all__``), but importing
``engine`` must stay cheap: ``disco --version`` and ``import engine.errors`` should not pay
for sympy, numba and every kernel module. Each name is imported from its module on first use.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import engine._numba  # noqa: F401  (points numba's cache at a writable folder before any kernel module; no numba import)


def lazy_exports(package: str, groups: dict[str, dict[str, str]]) -> tuple[list[str], Callable[[str], Any], Callable[[], list[str]]]:
    """Build ``__all__``, ``__getattr__`` and ``__dir__`` for a package.

    Args:
        package: the package's ``__name__`` (for error messages).
        groups: ``{group: {name: target}}`` where ``target`` is ``"module"`` (same name there)
            or ``"module:attribute"`` (exported under another name); the group is documentation.

    Returns:
        ``(__all__, __getattr__, __dir__)``.
    """
    where = {name: module for group in groups.values() for name, module in group.items()}
    names = list(where)

    def __getattr__(name: str) -> Any:
        target = where.get(name)
        if target is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, _, attribute = target.partition(":")
        return getattr(importlib.import_module(module), attribute or name)

    def __dir__() -> list[str]:
        return sorted(set(names) | {"__all__"})

    return names, __getattr__, __dir__
