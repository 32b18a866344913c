"""The project's error hierarchy.

Every error the engine raises on purpose derives from :class:`EngineError`. Each subclass
also mixes in the builtin exception a generic caller would expect, so ``except ValueError``
keeps working around our code.

- :class:`InvalidInputError` (``ValueError``): the caller passed something malformed.
  The message names the argument, the offending value and the fix.
- :class:`InfeasibleError` (``ValueError``): it is *proved* that no solution exists
  (for instance a reaction that cannot be balanced with positive coefficients).
- :class:`NoConvergenceError` (``ArithmeticError``): an iterative or limiting process did
  not converge (a divergent continued fraction, a zero denominator).
- :class:`PrecisionExhaustedError` (``ArithmeticError``): the requested accuracy cannot be
  certified with the precision or depth allowed.
- :class:`StoreError` (``OSError``): the results store is corrupt, locked, foreign or
  unwritable; the file is left untouched.
- :class:`CheckpointError` (an :class:`InvalidInputError`): a checkpoint cannot be resumed (missing,
  truncated, corrupt, written by another search or another version); nothing is modified.

A search that runs out of budget is *not* an error: drivers return a stop reason.

Examples:
    >>> from engine.errors import EngineError, InvalidInputError
    >>> try:
    ...     raise InvalidInputError("ring='R' is not supported; use 'Z', 'Q' or a prime p")
    ... except ValueError as exc:
    ...     isinstance(exc, EngineError)
    True
"""

from __future__ import annotations

__all__ = [
    "EngineError",
    "InvalidInputError",
    "InfeasibleError",
    "NoConvergenceError",
    "PrecisionExhaustedError",
    "StoreError",
    "CheckpointError",
    "VerificationError",
    "check_seed",
]


class EngineError(Exception):
    """Base class of every error raised on purpose by engine, solvers and search."""

    #: Exit code the ``disco`` CLI uses for this kind of error.
    exit_code: int = 1


class InvalidInputError(EngineError, ValueError):
    """Malformed input: the message names the argument, the value and the fix."""

    exit_code = 2


class InfeasibleError(EngineError, ValueError):
    """It is proved that no solution exists; the message says why.

    Attributes:
        reason: short machine-readable reason code (for example ``"one_side_only"``).
        certificate: optional data supporting the proof (a balance, a witness, ...).
    """

    exit_code = 3

    def __init__(self, message: str, *, reason: str | None = None, certificate: object = None):
        super().__init__(message)
        self.reason = reason
        self.certificate = certificate


class NoConvergenceError(EngineError, ArithmeticError):
    """An iterative or limiting process did not converge."""


class PrecisionExhaustedError(EngineError, ArithmeticError):
    """The requested accuracy cannot be certified with the precision or depth allowed."""


class VerificationError(EngineError, ArithmeticError):
    """An exact verification failed (for example a Brent equation of a scheme)."""


class StoreError(EngineError, OSError):
    """The results store is corrupt, locked, foreign or unwritable (the file is left untouched).

    The CLI exits with code 2: the store named by ``--db`` is an input that cannot be used.
    """

    exit_code = 2


class CheckpointError(InvalidInputError):
    """A checkpoint that cannot be resumed: the message names the file, what is wrong and the fix."""


def check_seed(seed: object, *, allow_none: bool = True) -> int | None:
    """Validate a ``seed`` argument at a public boundary and return it as an ``int`` (or None).

    Seeds are non-negative integers (numpy's ``SeedSequence`` rejects the rest with an error
    that does not name the argument); ``None`` means "fresh entropy" where ``allow_none``.

    Raises:
        InvalidInputError: a bool, a non-integer, a negative integer, or None when not allowed.

    Examples:
        >>> from engine.errors import check_seed
        >>> check_seed(3), check_seed(None)
        (3, None)
        >>> check_seed(-1)
        Traceback (most recent call last):
        ...
        engine.errors.InvalidInputError: seed=-1 must be a non-negative integer or None
    """
    import numbers

    if seed is None and allow_none:
        return None
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        what = "a non-negative integer or None" if allow_none else "a non-negative integer"
        raise InvalidInputError(f"seed={seed!r} must be {what}")
    return int(seed)
