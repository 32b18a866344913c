"""Forbidden cycle sets: the lengths ``F`` a graph must avoid, parsed and labelled.

``(3, 4)`` asks for girth at least 5, ``(4,)`` for C4-free graphs (triangles allowed),
``(3, 4, 5)`` for girth 6; every length lies between 3 and :data:`MAX_CYCLE_LENGTH`.

Examples:
    >>> from solvers.graphs.forbidden import forbidden_label, parse_forbidden
    >>> forbidden_label(parse_forbidden("girth5"))
    'C3,C4'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from engine._args import short_repr
from engine.errors import InvalidInputError

__all__ = ["MAX_CYCLE_LENGTH", "MAX_VERTICES", "parse_forbidden", "forbidden_label", "check_graph"]

#: Largest forbidden cycle length supported (path enumeration grows like deg^(k-2)).
MAX_CYCLE_LENGTH = 10

#: Most vertices of a graph read, written or verified (graph6 files of this size are ~350 MB).
MAX_VERTICES = 1 << 16


def check_graph(G: Any, name: str = "G") -> Any:
    """``G`` if it is a networkx graph of at most :data:`MAX_VERTICES` vertices.

    Raises:
        InvalidInputError: anything else (an edge list, a matrix, None...).
    """
    import networkx as nx

    if not isinstance(G, nx.Graph):
        raise InvalidInputError(
            f"{name}={short_repr(G)} is not a networkx graph; build one with networkx.Graph(edges) "
            "or read_graph(path)")
    if G.number_of_nodes() > MAX_VERTICES:
        raise InvalidInputError(
            f"{name} has {G.number_of_nodes()} vertices, more than MAX_VERTICES={MAX_VERTICES}")
    return G


def node_order(G: Any) -> list:
    """The vertices of ``G`` sorted (by type name, then value, when labels of several types
    cannot be compared)."""
    try:
        return sorted(G.nodes())
    except TypeError:
        return sorted(G.nodes(), key=lambda v: (type(v).__name__, repr(v)))


def parse_forbidden(forbidden: Any) -> tuple[int, ...]:
    """Normalise a forbidden cycle set: ``(3, 4)``, ``"3,4"``, ``"C3,C4"`` or ``"girth5"``.

    Args:
        forbidden: an iterable of cycle lengths, or a string of lengths separated by commas
            (an optional ``C`` prefix each), or ``"girthG"`` meaning every length ``< G``.

    Returns:
        The sorted tuple of distinct lengths.

    Raises:
        InvalidInputError: empty set, a length outside ``3..10``, or an unreadable string.

    Examples:
        >>> from solvers.graphs import parse_forbidden
        >>> parse_forbidden("C4,C3"), parse_forbidden("girth6"), parse_forbidden([4])
        ((3, 4), (3, 4, 5), (4,))
        >>> parse_forbidden("C2")
        Traceback (most recent call last):
        ...
        engine.errors.InvalidInputError: forbidden='C2': cycle length 2 is not supported; use lengths between 3 and 10, e.g. '3,4' (girth 5) or '4' (C4-free)
    """
    orig = forbidden
    hint = "use lengths between 3 and 10, e.g. '3,4' (girth 5) or '4' (C4-free)"
    if isinstance(forbidden, str):
        text = forbidden.strip().lower().replace(" ", "")
        if text.startswith("girth"):
            try:
                g = int(text[5:])
            except ValueError:
                raise InvalidInputError(f"forbidden={short_repr(orig)} is not a cycle set; {hint}") from None
            if not 4 <= g <= MAX_CYCLE_LENGTH + 1:
                raise InvalidInputError(f"forbidden={short_repr(orig)}: girth must be 4..11; {hint}")
            return tuple(range(3, g))
        items: list[Any] = [t[1:] if t.startswith("c") else t for t in text.split(",") if t]
    else:
        try:
            items = list(forbidden)
        except TypeError:
            raise InvalidInputError(f"forbidden={short_repr(orig)} is not a cycle set; {hint}") from None
    out = set()
    for it in items:
        if isinstance(it, bool):
            raise InvalidInputError(f"forbidden={short_repr(orig)} is not a cycle set; {hint}")
        try:
            k = int(it)
        except (TypeError, ValueError, OverflowError):
            raise InvalidInputError(
                f"forbidden={short_repr(orig)}: {short_repr(it)} is not a cycle length; {hint}"
            ) from None
        if isinstance(it, float) and it != k:
            raise InvalidInputError(f"forbidden={short_repr(orig)}: {short_repr(it)} is not a cycle length; {hint}")
        if not 3 <= k <= MAX_CYCLE_LENGTH:
            raise InvalidInputError(
                f"forbidden={short_repr(orig)}: cycle length {k} is not supported; {hint}"
            )
        out.add(k)
    if not out:
        raise InvalidInputError(f"forbidden={short_repr(orig)} is empty; {hint}")
    return tuple(sorted(out))


def forbidden_label(forbidden: Sequence[int]) -> str:
    """``(3, 4) -> "C3,C4"`` (any form :func:`parse_forbidden` reads).

    Raises:
        InvalidInputError: not a cycle set.
    """
    return ",".join(f"C{k}" for k in parse_forbidden(forbidden))
