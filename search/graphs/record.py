"""One graph found by a search: its stored record, its store key, and its exact re-verification.

A :class:`GraphRecord` is what the graph searches report, store and rebuild: ``n``, the
forbidden cycle lengths, the number of edges and the graph6 string of the labelled graph. Its
JSON payload is self-contained, so ``disco results verify`` rebuilds it with
:meth:`GraphRecord.from_json` and re-checks it exactly (:func:`verify_payload`): networkx
finds no forbidden cycle (girth, then ``simple_cycles`` with a length bound), and for girth 5
an adjacency-matrix check agrees (``trace(A^3) = 0``, ``(A^2)_uv <= 1``).

:func:`graph_key` is the only place a store key of a graph is built
(``n=12;F=C3,C4;g6=K...``): the search specs, the ask/tell problem and ``disco discover`` all
call it.

Reference: B. McKay, graph6 format, https://users.cecs.anu.edu.au/~bdm/data/formats.txt;
OEIS A006856 (ex(n; {C3, C4})).

Examples:
    >>> from search.graphs.record import GraphRecord, graph_key
    >>> rec = GraphRecord.example()          # the Petersen graph: 15 edges, girth 5
    >>> rec.edges, rec.is_valid(), graph_key(rec)
    (15, True, 'n=10;F=C3,C4;g6=IheA@GUAo')
    >>> GraphRecord.tampered().is_valid()     # one more edge closes a short cycle
    False
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx

from engine._args import short_repr
from engine.errors import EngineError, InvalidInputError, VerificationError
from engine.results import Result
from solvers.graphs.forbidden import forbidden_label, parse_forbidden
from solvers.graphs.io import from_graph6, to_graph6
from solvers.graphs.verify import verify_graph

__all__ = ["GraphRecord", "graph_key", "verify_payload", "describe_graph"]


def graph_key(record: GraphRecord) -> str:
    """The store key of a graph record: ``n=N;F=C3,C4;g6=GRAPH6`` (the labelled graph).

    This is the only place a graph's store key is built.

    Examples:
        >>> from search.graphs.record import GraphRecord, graph_key
        >>> graph_key(GraphRecord(5, (3, 4), 5, "Dhc"))
        'n=5;F=C3,C4;g6=Dhc'

    Raises:
        InvalidInputError: ``record`` is not a :class:`GraphRecord`.
    """
    if not isinstance(record, GraphRecord):
        raise InvalidInputError(f"record={short_repr(record)} must be a GraphRecord (GraphRecord.of(G))")
    return f"n={record.n};F={forbidden_label(record.forbidden)};g6={record.graph6}"


def describe_graph(n: int, forbidden: Any, edges: int) -> str:
    """One line for progress output: ``"21 edges (n=12, no C3,C4)"``."""
    return f"{edges} edges (n={n}, no {forbidden_label(parse_forbidden(forbidden))})"


@dataclass(frozen=True)
class GraphRecord(Result):
    """A graph on ``n`` vertices claimed to have ``edges`` edges and no forbidden cycle.

    Attributes:
        n: number of vertices.
        forbidden: forbidden cycle lengths (sorted, e.g. ``(3, 4)`` for girth >= 5).
        edges: number of edges.
        graph6: graph6 string of the labelled graph (vertices ``0..n-1``).
    """

    n: int
    forbidden: tuple[int, ...]
    edges: int
    graph6: str

    @classmethod
    def of(cls, G: nx.Graph, forbidden: Any = (3, 4)) -> GraphRecord:
        """The record of a networkx graph (nodes taken in sorted order)."""
        from solvers.graphs.forbidden import check_graph

        G = check_graph(G)
        return cls(G.number_of_nodes(), parse_forbidden(forbidden), G.number_of_edges(),
                   to_graph6(G))

    @property
    def graph(self) -> nx.Graph:
        """The graph as a fresh :class:`networkx.Graph` on nodes ``0..n-1``.

        Raises:
            VerificationError: the graph6 string is malformed.
        """
        try:
            return from_graph6(self.graph6)
        except (InvalidInputError, ValueError, TypeError, AttributeError) as exc:
            raise VerificationError(f"graph6 string {str(self.graph6)[:40]!r} is malformed "
                                    f"({exc})") from exc

    @property
    def score(self) -> float:
        """The number of edges, as the search's score."""
        return float(self.edges)

    def key(self) -> str:
        """:func:`graph_key` of this record."""
        return graph_key(self)

    def describe(self) -> str:
        """``"21 edges (n=12, no C3,C4)"``."""
        return describe_graph(self.n, self.forbidden, self.edges)

    def check(self) -> None:
        """Re-verify exactly from the record's own data.

        Raises:
            VerificationError: a malformed graph6 string, another vertex or edge count than
                claimed, an unknown cycle set, or a forbidden cycle (named).
        """
        try:
            F = parse_forbidden(self.forbidden)
        except InvalidInputError as exc:
            raise VerificationError(f"forbidden={short_repr(self.forbidden)} is not a cycle set") from exc
        for name in ("n", "edges"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise VerificationError(f"{name}={short_repr(v)} is not a non-negative integer")
        verify_graph(self.graph, F, n=self.n, edges=self.edges)

    def to_json(self) -> dict[str, Any]:
        return {"n": int(self.n), "forbidden": [int(k) for k in self.forbidden],
                "edges": int(self.edges), "graph6": str(self.graph6)}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> GraphRecord:
        """Rebuild from :meth:`to_json` (also reads the payloads of :class:`GraphSearchResult`
        and of earlier versions, which carry the same four fields among others).

        Raises:
            InvalidInputError: a payload without ``n``, ``forbidden``, ``edges`` and ``graph6``.
        """
        if not isinstance(d, dict):
            raise InvalidInputError(f"graph payload {short_repr(d, 60)} is not a JSON object")
        missing = [k for k in ("n", "edges", "graph6") if k not in d]
        if missing:
            raise InvalidInputError(f"graph payload lacks {', '.join(missing)}: it needs n, "
                                    "forbidden, edges and graph6")
        try:
            return cls(int(d["n"]), parse_forbidden(d.get("forbidden", (3, 4))), int(d["edges"]),
                       str(d["graph6"]))
        except (TypeError, ValueError, OverflowError) as exc:
            raise InvalidInputError(f"graph payload {short_repr(d, 80)} is malformed ({exc})") from exc

    @classmethod
    def example(cls) -> GraphRecord:
        """The Petersen graph: ex(10; {C3, C4}) = 15 edges (OEIS A006856)."""
        return cls.of(nx.petersen_graph(), (3, 4))

    @classmethod
    def tampered(cls) -> GraphRecord:
        """:meth:`example` with one more edge, which closes a 3- or 4-cycle (the Petersen graph
        has diameter 2), its counts updated so that only the cycle check fails."""
        G = nx.petersen_graph()
        u, v = next((u, v) for u in G for v in G if u < v and not G.has_edge(u, v))
        G.add_edge(u, v)
        return cls.of(G, (3, 4))


def verify_payload(payload: Any, key: str) -> str:
    """Rebuild a stored ``"graphs"`` record and re-verify it exactly (``disco results verify``).

    The key of a search record must be :func:`graph_key` of the payload (keys written by
    ``disco discover``, ``discover:...``, are not recomputed).

    Returns:
        What was verified, in words.

    Raises:
        VerificationError: a forbidden cycle, wrong counts, a malformed graph6, or a key that
            is not the graph's key (a payload edited after it was stored).
        InvalidInputError: a payload without the graph's fields.

    Examples:
        >>> from search.graphs.record import GraphRecord, verify_payload
        >>> rec = GraphRecord.example()
        >>> verify_payload(rec.to_json(), rec.key())
        '15 edges on n=10 vertices, no C3,C4 (networkx cycles; adjacency matrix)'
    """
    if not isinstance(key, str):
        raise InvalidInputError(f"key={short_repr(key)} must be the stored record's key (a string)")
    rec = GraphRecord.from_json(payload)
    try:
        rec.check()
    except VerificationError:
        raise
    except EngineError as exc:  # pragma: no cover - check() converts what it raises
        raise VerificationError(str(exc)) from exc
    if key != rec.key() and not str(key).startswith("discover:"):
        raise VerificationError(f"the key is not the graph's key {rec.key()[:60]!r} (payload "
                                "edited after it was stored?)")
    how = "networkx cycles" + ("; adjacency matrix" if rec.forbidden == (3, 4) else "")
    return (f"{rec.edges} edges on n={rec.n} vertices, no {forbidden_label(rec.forbidden)} "
            f"({how})")
