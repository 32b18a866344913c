"""Largest graphs with no 3- or 4-cycles: a seeded, verified, stored tabu search.

Run: ``python examples/extremal_graphs.py --budget 60`` (results go to ./disco.db).
"""

from __future__ import annotations

import argparse


def main(seed: int = 0, budget: float = 30.0, sizes: tuple[int, ...] = (10, 20, 30)) -> dict:
    """Search each size for ``budget / len(sizes)`` seconds and report the gap to the known values.

    Args:
        seed: seed of every run (reproducible).
        budget: total wall-clock seconds.
        sizes: numbers of vertices.

    Returns:
        ``{n: edges}`` for each size.
    """
    from search.graphs import extremal_graph_search

    out = {}
    for n in sizes:
        res = extremal_graph_search(n=n, seed=seed, time_limit=budget / len(sizes))
        print(f"n={n}: {res.edges} edges (known {res.known}, gap {res.gap}), verified={res.verified}")
        out[n] = res.edges
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--budget", type=float, default=30.0)
    a = ap.parse_args()
    main(seed=a.seed, budget=a.budget)
