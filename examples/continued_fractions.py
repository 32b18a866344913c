"""Evaluate, identify and search polynomial continued fractions (the Ramanujan Machine line).

Run: ``python examples/continued_fractions.py`` (scale up ``budget`` and the box for real searches).
"""

from __future__ import annotations

import argparse


def main(seed: int = 0, budget: float = 30.0) -> dict:
    """Identify Apery's continued fraction and run a small enumeration.

    Args:
        seed: unused by the deterministic enumeration (kept for a uniform interface).
        budget: rough wall-clock budget in seconds; small budgets use a smaller box.

    Returns:
        A summary dict: the identification of Apery's fraction and the enumeration hits.
    """
    from engine.contfrac import PCF
    from search.pcf import enumerate_pcfs
    from solvers.constants import identify

    apery = PCF("34n^3+51n^2+27n+5", "-n^6")
    ev = apery.evaluate(40)
    ident = identify(ev.value, digits=ev.digits)
    print(f"Apery: {ev.value} ({ev.digits} digits, {ev.certification}) = {ident.expression}")
    box = 1 if budget < 10 else 2
    hits = enumerate_pcfs(a_degree=1, b_degree=2, coefficient_range=box,
                          constants=["e", "pi", "log(2)"], workers=1)
    for h in hits:
        print(f"  a={list(h.a)} b={list(h.b)} -> {h.expression}")
    return {"apery": str(ident.expression), "hits": len(hits)}


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--budget", type=float, default=30.0)
    a = ap.parse_args()
    main(seed=a.seed, budget=a.budget)
