"""Graph I/O: graph6 and edge lists, read and written with clear errors.

graph6 (B. McKay's format, https://users.cecs.anu.edu.au/~bdm/data/formats.txt) is encoded
and decoded by networkx. An edge list is one edge ``u v`` per line (vertices ``0..n-1``),
``#`` comments allowed; a comment ``# n=NN`` fixes the vertex count (isolated vertices),
otherwise it is ``max label + 1``.

Examples:
    >>> import networkx as nx
    >>> from solvers.graphs.io import to_graph6, from_graph6
    >>> to_graph6(nx.petersen_graph())
    'IheA@GUAo'
    >>> from_graph6('IheA@GUAo').number_of_edges()
    15
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal

import networkx as nx

from engine._args import check_flag, check_path, short_repr
from engine.errors import InvalidInputError
from solvers.graphs.forbidden import MAX_VERTICES, check_graph, node_order

__all__ = ["to_graph6", "from_graph6", "to_edgelist", "from_edgelist", "read_graph",
           "write_graph", "GraphFormat"]

GraphFormat = Literal["graph6", "edgelist"]


def _relabelled(G: nx.Graph) -> nx.Graph:
    G = check_graph(G)
    nodes = node_order(G)
    if nodes != list(range(len(nodes))):
        G = nx.relabel_nodes(G, {v: i for i, v in enumerate(nodes)})
    return G


def _text(text: object, name: str = "text") -> str:
    if not isinstance(text, str):
        raise InvalidInputError(f"{name}={short_repr(text)} must be a string")
    return text


def _path(path: object) -> Path:
    return Path(check_path(path))


def _fmt(fmt: object) -> None:
    if fmt is not None and (not isinstance(fmt, str) or fmt not in ("graph6", "edgelist")):
        raise InvalidInputError(f"fmt={short_repr(fmt)} is unknown; use 'graph6' or 'edgelist'")


def _graph6_order(s: str) -> int:
    """The vertex count a graph6 string declares (its first 1, 4 or 8 characters)."""
    if s[0] != "~":
        return ord(s[0]) - 63
    digits = s[1:4] if len(s) < 2 or s[1] != "~" else s[2:8]
    n = 0
    for ch in digits:
        n = (n << 6) | (ord(ch) - 63)
    return n


def to_graph6(G: nx.Graph) -> str:
    """The graph6 string of ``G`` (nodes taken in sorted order), without header."""
    G = _relabelled(G)
    H = nx.Graph()
    H.add_nodes_from(range(G.number_of_nodes()))
    H.add_edges_from(G.edges())
    return nx.to_graph6_bytes(H, header=False).decode("ascii").strip()


def from_graph6(text: str) -> nx.Graph:
    """Decode one graph6 string (an optional ``>>graph6<<`` header is accepted).

    Raises:
        InvalidInputError: the string is not valid graph6.
    """
    s = _text(text).strip()
    if s.startswith(">>graph6<<"):
        s = s[len(">>graph6<<"):]
    if not s or any(not 63 <= ord(ch) <= 126 for ch in s):
        raise InvalidInputError(
            f"graph6 string {text[:40]!r} is malformed: graph6 uses characters '?'..'~' only"
        )
    if _graph6_order(s) > MAX_VERTICES:
        raise InvalidInputError(
            f"graph6 string {text[:40]!r} declares {_graph6_order(s)} vertices, more than "
            f"MAX_VERTICES={MAX_VERTICES}")
    try:
        G = nx.from_graph6_bytes(s.encode("ascii"))
    except (nx.NetworkXError, ValueError, IndexError) as exc:
        raise InvalidInputError(f"graph6 string {text[:40]!r} is malformed: {exc}") from None
    return nx.Graph(G)


def to_edgelist(G: nx.Graph) -> str:
    """Edge-list text with a ``# n=NN`` header."""
    G = _relabelled(G)
    lines = [f"# n={G.number_of_nodes()} m={G.number_of_edges()}"]
    lines += [f"{min(u, v)} {max(u, v)}" for u, v in sorted(G.edges(), key=lambda e: sorted(e))]
    return "\n".join(lines) + "\n"


def from_edgelist(text: str, source: str = "<text>") -> nx.Graph:
    """Parse edge-list text (see module docstring).

    Raises:
        InvalidInputError: a line that is not two non-negative integers, a loop, a repeated
            edge, or a label beyond the declared ``n``.
    """
    text = _text(text)
    source = _text(source, "source")
    n_decl = None
    edges = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            m = re.search(r"\bn\s*=\s*(\d+)", line)
            if m and n_decl is None:
                n_decl = int(m.group(1))
            continue
        parts = line.split()
        if len(parts) < 2 or not (parts[0].isascii() and parts[0].isdigit()) or not (parts[1].isascii() and parts[1].isdigit()):
            raise InvalidInputError(
                f"{source} line {lineno}: {short_repr(raw)} is not an edge 'u v' of non-negative integers"
            )
        u, v = int(parts[0]), int(parts[1])
        if u == v:
            raise InvalidInputError(f"{source} line {lineno}: loop ({u}, {v}) is not allowed")
        edges.append((u, v, lineno))
    n = n_decl if n_decl is not None else (max((max(u, v) for u, v, _ in edges), default=-1) + 1)
    if n > MAX_VERTICES:
        raise InvalidInputError(
            f"{source}: the graph has {n} vertices ({'declared n' if n_decl is not None else 'largest label + 1'}), "
            f"more than MAX_VERTICES={MAX_VERTICES}; number the vertices 0..n-1")
    G = nx.Graph()
    G.add_nodes_from(range(n))
    for u, v, lineno in edges:
        if max(u, v) >= n:
            raise InvalidInputError(
                f"{source} line {lineno}: vertex {max(u, v)} exceeds the declared n={n}"
            )
        if G.has_edge(u, v):
            raise InvalidInputError(f"{source} line {lineno}: edge ({u}, {v}) is repeated")
        G.add_edge(u, v)
    return G


def _detect(path: Path, text: str) -> GraphFormat:
    if path.suffix.lower() in (".g6", ".graph6"):
        return "graph6"
    if path.suffix.lower() in (".txt", ".edges", ".edgelist", ".el"):
        return "edgelist"
    first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    if first.startswith(">>graph6<<") or (
        first and not first.startswith("#") and " " not in first and not first.isdigit()
    ):
        return "graph6"
    return "edgelist"


def read_graph(path: str | os.PathLike[str], fmt: GraphFormat | None = None) -> nx.Graph:
    """Read a graph from a graph6 file (first graph) or an edge-list file.

    Args:
        path: the file.
        fmt: ``"graph6"`` or ``"edgelist"``; None detects from the suffix/content.

    Raises:
        InvalidInputError: missing/empty/malformed file or unknown ``fmt``.

    Examples:
        >>> import os, tempfile, networkx as nx
        >>> from solvers.graphs.io import read_graph, write_graph
        >>> p = os.path.join(tempfile.mkdtemp(), "c5.g6")
        >>> write_graph(nx.cycle_graph(5), p)
        >>> read_graph(p).number_of_edges()
        5
    """
    p = _path(path)
    _fmt(fmt)
    try:
        text = p.read_text(encoding="ascii")
    except FileNotFoundError:
        raise InvalidInputError(f"graph file {str(p)!r} does not exist") from None
    except UnicodeDecodeError:
        raise InvalidInputError(
            f"graph file {str(p)!r} is malformed: not ASCII text (graph6 or edge list)"
        ) from None
    except OSError as exc:
        raise InvalidInputError(f"graph file {str(p)!r} cannot be read: {exc}") from None
    if not text.strip():
        raise InvalidInputError(f"graph file {str(p)!r} is empty")
    fmt = fmt or _detect(p, text)
    if fmt == "graph6":
        first = next(ln for ln in text.splitlines() if ln.strip())
        return from_graph6(first)
    return from_edgelist(text, source=str(p))


def write_graph(G: nx.Graph, path: str | os.PathLike[str], fmt: GraphFormat | None = None, *,
                force: bool = False) -> None:
    """Write ``G`` as graph6 (suffix ``.g6``, default) or an edge list (``.txt``/``.edges``).

    Raises:
        InvalidInputError: the file exists and ``force`` is False, or unknown ``fmt``.
    """
    G = check_graph(G)
    p = _path(path)
    _fmt(fmt)
    force = check_flag(force, "force")
    if p.is_dir():
        raise InvalidInputError(f"output file {str(p)!r} is a directory; give a file name")
    if p.exists() and not force:
        raise InvalidInputError(f"output file {str(p)!r} exists; pass force=True (--force) to overwrite")
    if fmt is None:
        fmt = "edgelist" if p.suffix.lower() in (".txt", ".edges", ".edgelist", ".el") else "graph6"
    if fmt == "graph6":
        data = to_graph6(G) + "\n"
    elif fmt == "edgelist":
        data = to_edgelist(G)
    else:
        raise InvalidInputError(f"fmt={short_repr(fmt)} is unknown; use 'graph6' or 'edgelist'")
    try:
        p.write_text(data, encoding="ascii")
    except OSError as exc:
        raise InvalidInputError(f"output file {str(p)!r} cannot be written: {exc.strerror or exc}") from None
