"""Graphs without short cycles: forbidden cycle sets, exact verification, known values, I/O.

The mathematics behind the extremal-graph search (:mod:`search.graphs`), independent of it:

- forbidden cycle sets (:func:`parse_forbidden`, :func:`forbidden_label`): ``(3, 4)`` is
  girth at least 5, Erdos' problem ex(n; {C3, C4}) (OEIS A006856);
- verification (:func:`verify_graph`, :func:`find_forbidden_cycle`,
  :func:`is_forbidden_free`, :func:`matrix_check_girth5`): networkx and an independent
  adjacency-matrix check, no numba;
- the table of known values with sources (:func:`known_value`, :func:`known_table`,
  :func:`gap_report`, :class:`KnownValue`; ``solvers/data/girth5_extremal.csv``);
- graph6 and edge-list I/O (:func:`read_graph`, :func:`write_graph`, :func:`to_graph6`,
  :func:`from_graph6`, :func:`to_edgelist`, :func:`from_edgelist`).

Examples:
    >>> import networkx as nx
    >>> from solvers.graphs import known_value, verify_graph
    >>> verify_graph(nx.petersen_graph(), (3, 4), edges=known_value(10).edges) is None
    True
"""

from solvers.graphs.forbidden import MAX_CYCLE_LENGTH, forbidden_label, parse_forbidden
from solvers.graphs.io import (
    GraphFormat,
    from_edgelist,
    from_graph6,
    read_graph,
    to_edgelist,
    to_graph6,
    write_graph,
)
from solvers.graphs.known import SOURCES, KnownValue, gap_report, known_table, known_value
from solvers.graphs.verify import (
    find_forbidden_cycle,
    is_forbidden_free,
    matrix_check_girth5,
    verify_graph,
)

__all__ = [
    # forbidden cycle sets
    "MAX_CYCLE_LENGTH",
    "parse_forbidden",
    "forbidden_label",
    # verification
    "verify_graph",
    "find_forbidden_cycle",
    "is_forbidden_free",
    "matrix_check_girth5",
    # known values
    "known_value",
    "known_table",
    "gap_report",
    "KnownValue",
    "SOURCES",
    # I/O
    "read_graph",
    "write_graph",
    "to_graph6",
    "from_graph6",
    "to_edgelist",
    "from_edgelist",
    "GraphFormat",
]
