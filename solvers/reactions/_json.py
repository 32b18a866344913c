"""Guard for the ``from_json`` of the reaction results: a malformed document is an input error.

Examples:
    >>> from solvers.reactions import BalanceResult
    >>> BalanceResult.from_json({"species": 3})
    Traceback (most recent call last):
    ...
    engine.errors.InvalidInputError: BalanceResult.from_json: the document is malformed (TypeError: ...); pass the dict written by to_json()
"""

from __future__ import annotations

import functools

from engine.errors import EngineError, InvalidInputError

__all__ = ["json_guard"]


def json_guard(fn):
    """Decorate a ``from_json(cls, d)``: a non-dict ``d``, a missing key or a wrong type
    raises :class:`~engine.errors.InvalidInputError` naming the class and the problem."""

    @functools.wraps(fn)
    def wrapper(cls, d, *args, **kwargs):
        if not isinstance(d, dict):
            raise InvalidInputError(
                f"{cls.__name__}.from_json: d={d!r} (of type {type(d).__name__}) is not a dict; pass the "
                "dict written by to_json()")
        try:
            return fn(cls, d, *args, **kwargs)
        except EngineError:
            raise
        except (KeyError, TypeError, ValueError, IndexError, AttributeError, ArithmeticError) as exc:
            raise InvalidInputError(
                f"{cls.__name__}.from_json: the document is malformed ({type(exc).__name__}: {exc}); pass "
                "the dict written by to_json()") from None

    return wrapper
