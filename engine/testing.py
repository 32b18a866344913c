"""Test helpers for code built on disco (as ``numpy.testing``): the hostile-input contract.

Every public function validates its arguments where they enter and refuses bad ones with one
:class:`~engine.errors.InvalidInputError` whose one-line message names the argument. The
property tests of engine, solvers and search call each public function with one argument
replaced by a hostile value and check that contract with :func:`assert_clean_refusal`; a
capability written on top of disco can check its own functions the same way.

Examples:
    >>> from engine.testing import assert_clean_refusal
    >>> from engine.linalg import rank
    >>> assert_clean_refusal(lambda: rank([[1, 2], [3, 4]], ring=None), "ring")
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.errors import EngineError, InvalidInputError

__all__ = ["assert_clean_refusal"]


def assert_clean_refusal(call: Callable[[], Any], arg: str, aliases: tuple[str, ...] = ()) -> None:
    """``call()`` succeeds, or raises a one-line project error naming ``arg`` (or an alias).

    Args:
        call: the call to make, with one hostile argument.
        arg: the name of that argument.
        aliases: other names the message may use for it (``"entry"`` for a matrix, ...).

    Raises:
        AssertionError: the call raised an error of another kind (a bare ``TypeError`` from
            deep inside propagates as it is), a message of several lines, or an
            :class:`~engine.errors.InvalidInputError` that names neither ``arg`` nor an alias.
    """
    try:
        call()
    except EngineError as exc:
        msg = str(exc)
        assert msg and "\n" not in msg.strip(), f"multi-line message: {msg!r}"
        if isinstance(exc, InvalidInputError):
            names = (arg, *aliases)
            assert any(n in msg for n in names), f"none of {names} named in: {msg}"
