"""Alternating matrices of constant rank: theory, extremal spaces, and a search over a small field.

Run: ``python examples/constant_rank.py --budget 30``.
"""

from __future__ import annotations

import argparse


def main(seed: int = 0, budget: float = 30.0) -> dict:
    """Check the extremal space for (n, r) = (7, 4) over Q and F3, then search (4, 2) over F2.

    Args:
        seed: seed of the search.
        budget: wall-clock seconds for the search.

    Returns:
        A summary dict with the dimensions found.
    """
    from search.altspaces import search_constant_rank
    from solvers.constant_rank import constant_rank_theory, extremal_space

    out = {}
    for field in ("Q", 3):
        sp = extremal_space(7, 4, field=field)
        res = sp.constant_rank()
        th = constant_rank_theory(7, 4, field)
        print(f"(7,4) over {field}: dim {sp.dimension}, {res.status} rank {res.rank} "
              f"[{res.method}]; theorem: {th.dimension if th.covered else 'not covered'}")
        out[str(field)] = sp.dimension
    best = search_constant_rank(n=4, r=2, field=2, seed=seed, time_limit=max(1.0, budget))
    print(f"search (4,2) over F2: dimension {best.space.dimension}")
    out["search_F2"] = best.space.dimension
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--budget", type=float, default=30.0)
    a = ap.parse_args()
    main(seed=a.seed, budget=a.budget)
