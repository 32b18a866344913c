"""JSON conversion of results and the package version, shared by every layer.

:func:`to_jsonable` turns result objects (anything with ``to_json()``), ``Fraction``\\ s, numpy
scalars and arrays, tuples and sets into plain JSON data; :func:`package_version` is the
installed version of ``disco-engine``.

Examples:
    >>> from fractions import Fraction
    >>> from engine.jsonable import to_jsonable
    >>> to_jsonable({"x": Fraction(1, 2), "y": (1, 2), 3: Fraction(4)})
    {'x': '1/2', 'y': [1, 2], '3': 4}
"""

from __future__ import annotations

from fractions import Fraction
from importlib import metadata
from typing import Any

__all__ = ["to_jsonable", "package_version"]


def package_version() -> str:
    """The installed package version, or the source version when run from a checkout.

    Examples:
        >>> from engine.jsonable import package_version
        >>> package_version().startswith("0.")
        True
    """
    try:
        return metadata.version("disco-engine")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from source only
        return "0.1.0+source"


def to_jsonable(obj: Any) -> Any:
    """Convert results (objects with ``to_json``, Fractions, numpy scalars...) to JSON data."""
    if hasattr(obj, "to_json") and callable(obj.to_json):
        return to_jsonable(obj.to_json())
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, Fraction):
        return str(obj) if obj.denominator != 1 else obj.numerator
    if isinstance(obj, bool | int | float | str) or obj is None:
        return obj
    try:  # numpy scalars and arrays
        import numpy as np

        if isinstance(obj, np.ndarray):
            return obj.tolist()
        if isinstance(obj, np.generic):
            return obj.item()
    except ImportError:  # pragma: no cover
        pass
    return str(obj)
