"""Private argument checks shared by the public boundaries of engine, solvers and search.

Every public function validates its arguments where they enter (house style: "validate at
the public boundary") and raises :class:`~engine.errors.InvalidInputError` with a one-line
message that names the argument, the value and the fix. These helpers keep those messages
uniform and one line long, whatever the value is (a numpy array's ``repr`` spans several
lines; a huge list or string is cut short).

Examples:
    >>> import numpy as np
    >>> from engine._args import check_int, short_repr
    >>> short_repr(np.zeros((2, 2)))
    'array(shape=(2, 2), dtype=float64)'
    >>> check_int(3, "n", low=1)
    3
    >>> check_int(0, "n", low=1)
    Traceback (most recent call last):
    ...
    engine.errors.InvalidInputError: n=0 must be an integer >= 1
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Iterable
from typing import Any

from engine.errors import InvalidInputError

__all__ = ["short_repr", "check_int", "check_flag", "check_choice", "check_real", "check_seed",
           "check_items", "check_path", "type_name"]

#: Longest ``repr`` quoted in an error message.
_REPR_LIMIT = 120


def type_name(x: Any) -> str:
    """The bare type name of ``x`` (``'ndarray'``, ``'NoneType'``...)."""
    return type(x).__name__


def short_repr(x: Any, limit: int = _REPR_LIMIT) -> str:
    """A one-line ``repr`` of ``x`` for an error message, at most about ``limit`` characters.

    Numpy arrays are described by shape and dtype (their repr spans lines); any other value's
    repr has its whitespace collapsed and is cut with ``...`` past ``limit`` characters.
    """
    shape = getattr(x, "shape", None)
    if type(x).__module__.startswith("numpy") and isinstance(shape, tuple) and shape:
        return f"array(shape={shape}, dtype={getattr(x, 'dtype', '?')})"
    try:
        text = repr(x)
    except Exception:  # a broken __repr__ must not hide the real error
        text = f"<{type_name(x)} object>"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _out_of_range(x: Any, name: str, what: str, fix: str | None, low: str | None,
                  high: str | None) -> InvalidInputError:
    """``name=x must be {what} >= low and <= high; fix`` (the bounds already as text)."""
    bounds = [b for b in (low, high) if b is not None]
    rng = (" " + " and ".join(bounds)) if bounds else ""
    tail = f"; {fix}" if fix else ""
    return InvalidInputError(f"{name}={short_repr(x)} must be {what}{rng}{tail}")


def _is_int(x: Any) -> bool:
    return isinstance(x, numbers.Integral) and not isinstance(x, bool) and \
        type(x).__name__ not in ("bool_", "bool")


def check_int(x: Any, name: str, *, low: int | None = None, high: int | None = None,
              what: str = "an integer", fix: str = "") -> int:
    """``x`` as a Python ``int`` if it is an integer (not a bool) in ``[low, high]``.

    Raises:
        InvalidInputError: ``name={x} must be {what} >= low`` (and ``<= high``), plus ``fix``.
    """
    ok = _is_int(x)
    v = int(x) if ok else None
    if ok and (low is None or v >= low) and (high is None or v <= high):
        return v
    raise _out_of_range(x, name, what, fix, None if low is None else f">= {low}",
                        None if high is None else f"<= {high}")


def check_flag(x: Any, name: str) -> bool:
    """``x`` as a ``bool``: True/False (numpy booleans and the integers 0 and 1 too).

    Raises:
        InvalidInputError: any other value (an array's truth value is ambiguous; a string
            such as ``'False'`` would be true).
    """
    if isinstance(x, bool) or type(x).__name__ == "bool_":
        return bool(x)
    if _is_int(x) and int(x) in (0, 1):
        return bool(x)
    raise InvalidInputError(f"{name}={short_repr(x)} must be True or False")


def check_choice(x: Any, name: str, choices: Iterable[Any]) -> Any:
    """``x`` if it is one of ``choices`` (compared as hashable values).

    Raises:
        InvalidInputError: naming the choices.
    """
    options = list(choices)
    try:
        hash(x)
    except TypeError:
        ok = False
    else:
        ok = any(type(x) is type(c) and x == c for c in options)
    if ok:
        return x
    raise InvalidInputError(
        f"{name}={short_repr(x)} is unknown; choose one of {', '.join(repr(c) for c in options)}"
    )


def check_real(x: Any, name: str, *, low: float | None = None, high: float | None = None,
               low_open: bool = False, what: str = "a finite number", fix: str = "") -> float:
    """``x`` as a finite ``float`` (ints and numpy reals too, not bools) in the given range.

    Args:
        low_open: ``x`` must be strictly greater than ``low``.

    Raises:
        InvalidInputError: NaN, infinities, non-numbers and values out of range.
    """
    ok = isinstance(x, numbers.Real) and not isinstance(x, bool) and \
        type(x).__name__ not in ("bool_",)
    v = None
    if ok:
        try:
            v = float(x)
        except (OverflowError, ValueError, TypeError):
            ok = False
    if ok and math.isfinite(v):
        if (low is None or (v > low if low_open else v >= low)) and (high is None or v <= high):
            return v
    raise _out_of_range(x, name, what, fix,
                        None if low is None else f"{'>' if low_open else '>='} {low:g}",
                        None if high is None else f"<= {high:g}")


def check_seed(seed: Any, name: str = "seed", *, allow_none: bool = True) -> int | None:
    """:func:`engine.errors.check_seed` with a one-line message for any value (arrays too).

    Raises:
        InvalidInputError: a bool, a non-integer, a negative integer, or None when not allowed.
    """
    if seed is None and allow_none:
        return None
    if not _is_int(seed) or seed < 0:
        what = "a non-negative integer or None" if allow_none else "a non-negative integer"
        raise InvalidInputError(f"{name}={short_repr(seed)} must be {what}")
    return int(seed)


def check_items(x: Any, name: str, what: str, *, exclude: tuple[type, ...] = ()) -> list[Any]:
    """``x`` as a list of its items, or one clear error if it is not a list-like collection.

    Strings, bytes and mappings are refused (iterating them is never what is meant), as are
    ``exclude`` types and objects that claim to be iterable but are not (a 0-d numpy array).
    ``what`` completes the message: ``f"{name}=... must be {what}"``.

    Examples:
        >>> from engine._args import check_items
        >>> check_items((1, 2), "seeds", "a list of seeds")
        [1, 2]
        >>> import numpy as np
        >>> check_items(np.array(0.0), "seeds", "a list of seeds")
        Traceback (most recent call last):
        ...
        engine.errors.InvalidInputError: seeds=array(0.) must be a list of seeds
    """
    from collections.abc import Mapping

    if isinstance(x, (str, bytes, bytearray, Mapping, *exclude)) or not isinstance(x, Iterable):
        raise InvalidInputError(f"{name}={short_repr(x)} must be {what}")
    try:
        return list(x)
    except TypeError:  # e.g. a 0-d numpy array, or a generator that raises TypeError
        raise InvalidInputError(f"{name}={short_repr(x)} must be {what}") from None


def check_path(x: Any, name: str = "path", *, allow_none: bool = False) -> Any:
    """``x`` if it is a usable file path (a non-empty ``str`` or ``os.PathLike`` without NUL
    characters), else one clear error naming ``name``; ``None`` passes when ``allow_none``.

    Examples:
        >>> from engine._args import check_path
        >>> check_path("out.json")
        'out.json'
        >>> check_path("a\\x00b", "db")
        Traceback (most recent call last):
        ...
        engine.errors.InvalidInputError: db='a\\x00b' is not a usable file name (a NUL character); pass a file path
    """
    if x is None and allow_none:
        return None
    if isinstance(x, bytes | bytearray) or not isinstance(x, str | os.PathLike):
        tail = " or None" if allow_none else ""
        raise InvalidInputError(f"{name}={short_repr(x)} must be a file path (str or pathlib.Path){tail}")
    text = os.fspath(x)
    if isinstance(text, bytes) or text == "":
        raise InvalidInputError(f"{name}={short_repr(x)} must be a non-empty file path (str or pathlib.Path)")
    if "\x00" in text:
        raise InvalidInputError(f"{name}={short_repr(x)} is not a usable file name (a NUL character); "
                                "pass a file path")
    return x
