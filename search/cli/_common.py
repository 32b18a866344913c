"""Helpers shared by the ``disco`` subcommands: JSON/plain output and one-line errors."""

from __future__ import annotations

import argparse
import json
import sys
from fractions import Fraction
from importlib import metadata
from typing import Any

__all__ = ["add_common_flags", "emit", "fail", "to_jsonable", "package_version"]


def package_version() -> str:
    """The installed package version, or the source version when run from a checkout."""
    try:
        return metadata.version("disco-engine")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from source only
        return "0.1.0+source"


def add_common_flags(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add ``--json``, ``--quiet`` and ``--db`` to a subcommand parser."""
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress output")
    parser.add_argument(
        "--db", default=None, help="results store file (default: ./disco.db or $DISCO_DB)"
    )
    return parser


def to_jsonable(obj: Any) -> Any:
    """Convert results (dataclasses with ``to_json``, Fractions, numpy scalars...) to JSON data."""
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


def emit(obj: Any, as_json: bool, text: str | None = None) -> None:
    """Print ``obj`` as JSON (``as_json``) or ``text`` (default ``str(obj)``) on stdout."""
    if as_json:
        print(json.dumps(to_jsonable(obj), indent=2, sort_keys=False))
    else:
        print(text if text is not None else str(obj))


def fail(message: str, code: int) -> int:
    """Print ``disco: error: MESSAGE`` as one line on stderr and return ``code``."""
    one_line = " ".join(str(message).split())
    print(f"disco: error: {one_line}", file=sys.stderr)
    return code
