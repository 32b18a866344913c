"""Helpers for testing searches the way the house rule asks: kill -9 a run mid-search, resume
it, and compare its store with an uninterrupted run's.

A capability built on the runner can use them in its own tests (as ``numpy.testing``):
start the search in a subprocess (:func:`subprocess_env` makes the checkout importable there),
wait until it has written a (new) checkpoint (:func:`wait_for_new_checkpoint`), send SIGKILL,
resume, and compare :func:`stored_results` of both stores.

Examples:
    >>> from search.testing import stored_results
    >>> stored_results("/nonexistent/store.db")
    set()
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Any

__all__ = ["subprocess_env", "stored_results", "wait_for_new_checkpoint"]

#: The checkout (the folder holding ``engine``, ``solvers`` and ``search``).
_ROOT = Path(__file__).resolve().parent.parent


def subprocess_env() -> dict[str, str]:
    """``os.environ`` with this checkout first on ``PYTHONPATH`` (for ``python -m search.cli``)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def stored_results(db: str | os.PathLike[str]) -> set[tuple[str, str, str]]:
    """Every ``(domain, key, payload)`` row of a results store (empty if the file is absent)."""
    if not os.path.exists(db):
        return set()
    conn = sqlite3.connect(db)
    try:
        return set(conn.execute("SELECT domain, key, payload FROM results").fetchall())
    finally:
        conn.close()


def wait_for_new_checkpoint(path: str | os.PathLike[str], since: float | None, proc: Any,
                            timeout: float = 60.0) -> None:
    """Wait until the checkpoint at ``path`` exists and its mtime differs from ``since`` (None:
    until it exists), the process ``proc`` (a ``subprocess.Popen``) ends, or ``timeout``
    seconds pass."""
    t0 = time.time()
    while time.time() - t0 < timeout and proc.poll() is None:
        if os.path.exists(path) and (since is None or os.path.getmtime(path) != since):
            return
        time.sleep(0.02)
