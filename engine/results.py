"""One contract for every result object of disco.

Every solver and search returns a frozen result deriving from :class:`Result`:

- ``check()`` re-verifies the result *exactly, from its own data* (Brent equations of a scheme,
  ``A x = 0`` of a balance, certified digits of a limit, the girth of a graph, the rank at
  every point of a space) and raises :class:`engine.errors.VerificationError` naming what
  fails; it returns None (or ``self``) when everything holds;
- ``is_valid()`` is ``check()`` as a bool, so the two can never disagree;
- ``to_json()`` gives a JSON-ready dict and ``from_json(d)`` rebuilds an equal result from it,
  so any stored record can be rebuilt and re-verified (``disco results verify``).

:data:`Checked` is the former name of :class:`Result`.

Examples:
    >>> from dataclasses import dataclass
    >>> from engine.errors import VerificationError
    >>> from engine.results import Result
    >>> @dataclass(frozen=True)
    ... class Even(Result):
    ...     n: int
    ...     def check(self) -> None:
    ...         if self.n % 2:
    ...             raise VerificationError(f"{self.n} is odd")
    ...     def to_json(self) -> dict:
    ...         return {"n": self.n}
    ...     @classmethod
    ...     def from_json(cls, d: dict) -> "Even":
    ...         return cls(int(d["n"]))
    >>> Even(4).is_valid(), Even(3).is_valid(), Even.from_json(Even(4).to_json()) == Even(4)
    (True, False, True)
"""

from __future__ import annotations

from typing import Any

from engine.errors import VerificationError

__all__ = ["Result", "Checked"]


class Result:
    """Base class of every result: exact ``check()``, ``is_valid()``, JSON round trip."""

    __slots__ = ()

    def check(self) -> Any:  # pragma: no cover - every subclass defines it
        """Re-verify exactly from the result's own data; raise VerificationError if it fails."""
        raise NotImplementedError

    def is_valid(self) -> bool:
        """Whether :meth:`check` passes (the exact re-verification)."""
        try:
            self.check()
        except VerificationError:
            return False
        return True

    def to_json(self) -> dict[str, Any]:  # pragma: no cover - every subclass defines it
        """A JSON-ready dict that :meth:`from_json` turns back into an equal result."""
        raise NotImplementedError

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Result:  # pragma: no cover
        """Rebuild a result from :meth:`to_json`."""
        raise NotImplementedError


#: The former name of :class:`Result`.
Checked = Result
