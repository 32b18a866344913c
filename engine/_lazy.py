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


class LazyModule:
    """A module imported on its first attribute access, then bound in place of this proxy.

    For a dependency that only some paths of a module need (``np = lazy_module("numpy",
    globals(), "np")``): importing the module stays cheap (a first ``balance()`` does not
    pay 0.1 s for numpy when no path of it uses numpy), and after the first use the global
    name is the real module, so later accesses cost nothing extra.

    Examples:
        >>> from engine._lazy import lazy_module
        >>> ns = {}
        >>> ns["m"] = lazy_module("math", ns, "m")
        >>> ns["m"].sqrt(4.0), type(ns["m"]).__name__
        (2.0, 'module')
    """

    def __init__(self, name: str, namespace: dict[str, Any], alias: str) -> None:
        self._lazy_target = (name, namespace, alias)

    def __getattr__(self, attribute: str) -> Any:
        name, namespace, alias = object.__getattribute__(self, "_lazy_target")
        module = importlib.import_module(name)
        if namespace.get(alias) is self:
            namespace[alias] = module
        return getattr(module, attribute)


def lazy_module(name: str, namespace: dict[str, Any], alias: str) -> Any:
    """A :class:`LazyModule` for ``name`` that rebinds ``namespace[alias]`` on first use."""
    return LazyModule(name, namespace, alias)
