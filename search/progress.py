"""Progress display for long searches (rich), off when not on a terminal or when quiet.

The bar is drawn on stderr, only after the run has lasted ``delay`` seconds (1 s by default).

Examples:
    >>> from search.progress import SearchProgress
    >>> with SearchProgress(enabled=False, total=10) as bar:
    ...     bar.update(5, best=1.0)
    >>> bar.enabled
    False
"""

from __future__ import annotations

import sys
import time
from typing import Any

__all__ = ["SearchProgress", "progress_wanted"]


def progress_wanted(progress: bool | None) -> bool:
    """Whether to draw a bar: never for ``False``; otherwise only when stdout and stderr are TTYs.

    ``True`` asks for a bar but still respects a non-terminal output (logs, pipes, CI).

    Examples:
        >>> from search.progress import progress_wanted
        >>> progress_wanted(False)
        False
    """
    if progress is False:
        return False
    try:
        return bool(sys.stdout.isatty() and sys.stderr.isatty())
    except (AttributeError, ValueError):  # closed or replaced streams
        return False


class SearchProgress:
    """A rich progress bar (on stderr) showing steps and the best score so far.

    Args:
        enabled: draw the bar (see :func:`progress_wanted`).
        total: expected number of steps (None: indeterminate).
        description: label in front of the bar.
        delay: seconds before the bar appears (so short runs print nothing).
    """

    def __init__(self, enabled: bool, total: int | None = None, description: str = "search",
                 *, delay: float = 1.0) -> None:
        self.enabled = bool(enabled)
        self.total = total
        self.description = description
        self.delay = float(delay)
        self._progress: Any = None
        self._task: Any = None
        self._t0 = 0.0

    def __enter__(self) -> SearchProgress:
        self._t0 = time.perf_counter()
        if self.enabled and self.delay <= 0:
            self._start()
        return self

    def _start(self) -> None:
        if self._progress is None:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self._progress = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("best={task.fields[best]}"),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task(self.description, total=self.total, best="-")

    def update(self, completed: int, best: float | None = None) -> None:
        """Set the number of completed steps and the best score shown.

        The bar appears only once the run has lasted ``delay`` seconds (short runs stay quiet).
        """
        if not self.enabled:
            return
        if self._progress is None and time.perf_counter() - self._t0 >= self.delay:
            self._start()
        if self._progress is not None:
            self._progress.update(
                self._task, completed=completed, best="-" if best is None else f"{best:.6g}"
            )

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
