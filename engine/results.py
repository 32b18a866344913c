"""Shared behaviour of result objects.

Every solver returns a frozen result that can re-verify itself exactly with ``check()``
(raising :class:`engine.errors.VerificationError`); :class:`Checked` derives the boolean
``is_valid()`` from it, so the two can never disagree.

Examples:
    >>> from dataclasses import dataclass
    >>> from engine.errors import VerificationError
    >>> from engine.results import Checked
    >>> @dataclass(frozen=True)
    ... class Even(Checked):
    ...     n: int
    ...     def check(self) -> None:
    ...         if self.n % 2:
    ...             raise VerificationError(f"{self.n} is odd")
    >>> Even(4).is_valid(), Even(3).is_valid()
    (True, False)
"""

from __future__ import annotations

from engine.errors import VerificationError

__all__ = ["Checked"]


class Checked:
    """Mixin: ``is_valid()`` is ``True`` exactly when ``check()`` raises no VerificationError."""

    __slots__ = ()

    def check(self) -> object:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def is_valid(self) -> bool:
        """Whether :meth:`check` passes (the exact re-verification)."""
        try:
            self.check()
        except VerificationError:
            return False
        return True
