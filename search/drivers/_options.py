"""One-line checks of the runner options every search entry point takes.

The drivers of :mod:`search.drivers` and the capability searches (extremal graphs, constant-
rank spaces) hand ``seed``, the budget shorthands, ``checkpoint``, ``store``, ``backend``...
to :func:`search.runner.run_search`. Checking them here, where the user called, means a bad
value is refused with one line that names the argument (a numpy array or a float where a path
belongs would otherwise fail deep inside with a ``TypeError`` or a multi-line message), and
before anything is created or written.

Examples:
    >>> from search.drivers._options import check_run_options
    >>> check_run_options(seed=1, steps=10, checkpoint=None)
    >>> check_run_options(steps=-1)
    Traceback (most recent call last):
    ...
    engine.errors.InvalidInputError: steps=-1 must be a number of steps >= 0
"""

from __future__ import annotations

import os
from typing import Any

from engine._args import check_flag, check_int, check_path, check_real, check_seed, short_repr
from engine.errors import InvalidInputError

__all__ = ["check_run_options"]

_NUMBER = ("time_limit", "target", "target_score")


def check_run_options(**options: Any) -> None:
    """Check the runner options given (by keyword); unknown keywords are ignored.

    ``seed`` (an integer >= 0 or None), ``budget`` (a :class:`search.core.Budget` or None), ``steps`` (an integer >= 0 or None), ``time_limit``
    (seconds >= 0 or None), ``target``/``target_score`` (a finite number or None), ``workers``
    (an integer >= 1 or None), ``checkpoint`` (a path or None), ``store`` (a store, a path,
    True/False or None), ``backend`` (a name, a Backend or None), ``cluster``/``address`` (a
    string or None), ``checkpoint_every`` (seconds > 0), ``resume``/``force`` (bools),
    ``progress`` (a bool, None or a callable).

    Raises:
        InvalidInputError: naming the first bad option, its value and what it must be.
    """
    for name, value in options.items():
        if value is None and name not in ("checkpoint_every", "resume", "force"):
            continue
        if name == "seed":
            check_seed(value)
        elif name == "budget":
            from search.core import Budget

            if not isinstance(value, Budget):
                raise InvalidInputError(
                    f"budget={short_repr(value)} must be a search.core.Budget(time_limit=, steps=, target=)")
        elif name == "steps":
            check_int(value, name, low=0, what="a number of steps")
        elif name in _NUMBER:
            check_real(value, name, low=0 if name == "time_limit" else None,
                       what="a finite number of seconds" if name == "time_limit" else "a finite number")
        elif name == "workers":
            check_int(value, name, low=1, what="a positive integer")
        elif name == "checkpoint":
            check_path(value, "checkpoint")
        elif name == "store":
            if not (isinstance(value, bool | str | os.PathLike) or hasattr(value, "add_result")):
                raise InvalidInputError(
                    f"store={short_repr(value)} must be a ResultsStore, a file path, True or None")
        elif name == "backend":
            if not isinstance(value, str) and not hasattr(value, "map"):
                raise InvalidInputError(
                    f"backend={short_repr(value)} must be 'serial', 'process', 'dask', a Backend or None")
        elif name in ("cluster", "address"):
            if not isinstance(value, str):
                raise InvalidInputError(f"{name}={short_repr(value)} must be a scheduler address (a string)")
        elif name == "checkpoint_every":
            check_real(value, name, low=0, low_open=True, what="a number of seconds")
        elif name in ("resume", "force"):
            check_flag(value, name)
        elif name == "progress":
            if not (callable(value) or isinstance(value, bool)):
                raise InvalidInputError(f"progress={short_repr(value)} must be True, False, None or a callable")
