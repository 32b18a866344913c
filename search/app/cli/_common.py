"""Helpers shared by the ``disco`` subcommands: JSON/plain output and one-line errors."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from engine.jsonable import package_version, to_jsonable

__all__ = ["add_common_flags", "emit", "fail", "to_jsonable", "package_version"]


def add_common_flags(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add ``--json``, ``--quiet`` and ``--db`` to a subcommand parser."""
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress output")
    parser.add_argument(
        "--db", default=None, help="results store file (default: ./disco.db or $DISCO_DB)"
    )
    return parser


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
