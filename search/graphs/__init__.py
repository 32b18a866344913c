"""Extremal graphs: the most edges on n vertices with no cycle of a forbidden length.

The flagship case forbids 3- and 4-cycles (girth >= 5), Erdos' problem ex(n; {C3, C4})
(OEIS A006856). Any set of cycle lengths 3..10 can be forbidden through the same API.

- :func:`extremal_graph_search` / :class:`GraphSearchResult`: numba tabu walkers with
  incremental O(deg^2) edge flips on the search runner (serial/process/Dask backends,
  checkpoints, resume, the store), every graph verified with networkx before it is kept;
- :func:`curriculum_graph_search` / :class:`GraphCurriculumResult`: sizes seeded from the best
  graphs at neighbouring sizes, one runner spec whose walker carries the stages;
- :class:`ExtremalGraphSpec`, :class:`GraphCurriculumSpec`: the specs the runner runs;
  :class:`GraphRecord`: one graph as it is stored (:func:`graph_key` builds its store key,
  :func:`verify_payload` re-verifies a stored record for ``disco results verify``);
- :class:`GraphState`, :class:`ForbiddenCyclesProblem`: the state and the problem object for
  the generic drivers of :mod:`search.drivers`;
- re-exported from :mod:`solvers.graphs` (the mathematics, independent of the search): I/O
  (:func:`read_graph`, :func:`write_graph`, graph6, edge lists), verification
  (:func:`verify_graph`, :func:`find_forbidden_cycle`), the table of known values
  (:func:`known_value`, :func:`gap_report`) and forbidden cycle sets (:func:`parse_forbidden`).

Examples:
    >>> from search.graphs import extremal_graph_search
    >>> extremal_graph_search(n=8, seed=0, steps=2000).edges
    10
"""

from search.graphs.curriculum import (
    GraphCurriculumResult,
    GraphCurriculumSpec,
    GraphStage,
    curriculum_graph_search,
    grow_graph,
    shrink_graph,
)
from search.graphs.problem import (
    ForbiddenCyclesProblem,
    GraphState,
    c5_count,
    graph_descriptors,
    max_degree,
)
from search.graphs.record import GraphRecord, graph_key, verify_payload
from search.graphs.search import GraphSearchResult, extremal_graph_search
from search.graphs.spec import ExtremalGraphSpec
from solvers.graphs import (
    KnownValue,
    find_forbidden_cycle,
    forbidden_label,
    from_edgelist,
    from_graph6,
    gap_report,
    is_forbidden_free,
    known_table,
    known_value,
    parse_forbidden,
    read_graph,
    to_edgelist,
    to_graph6,
    verify_graph,
    write_graph,
)

__all__ = [
    # search
    "extremal_graph_search",
    "GraphSearchResult",
    "curriculum_graph_search",
    "GraphCurriculumResult",
    "GraphStage",
    "grow_graph",
    "shrink_graph",
    # runner specs and stored records
    "ExtremalGraphSpec",
    "GraphCurriculumSpec",
    "GraphRecord",
    "graph_key",
    "verify_payload",
    # problem
    "GraphState",
    "ForbiddenCyclesProblem",
    "parse_forbidden",
    "forbidden_label",
    "graph_descriptors",
    "max_degree",
    "c5_count",
    # verification (solvers.graphs)
    "verify_graph",
    "find_forbidden_cycle",
    "is_forbidden_free",
    # known values (solvers.graphs)
    "known_value",
    "known_table",
    "gap_report",
    "KnownValue",
    # I/O (solvers.graphs)
    "read_graph",
    "write_graph",
    "to_graph6",
    "from_graph6",
    "to_edgelist",
    "from_edgelist",
]
