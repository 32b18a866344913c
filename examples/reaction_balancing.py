"""Balance chemical equations exactly: unique and non-unique balances, redox media, impossibility.

Run: ``python examples/reaction_balancing.py``.
"""

from __future__ import annotations

import argparse


def main(seed: int = 0, budget: float = 10.0) -> dict:
    """Balance a few textbook and hard equations, a redox equation in basic solution, and
    enumerate the elementary reactions of a species list.

    Args:
        seed: unused (balancing is deterministic); kept for a uniform interface.
        budget: unused (every step takes milliseconds); kept for a uniform interface.

    Returns:
        A summary dict of the balanced equations.
    """
    from engine.errors import InfeasibleError
    from solvers.reactions import balance, balance_species, half_reactions

    out = {}
    for eq in [
        "KMnO4 + HCl -> KCl + MnCl2 + Cl2 + H2O",
        "K4Fe(CN)6 + KMnO4 + H2SO4 -> KHSO4 + Fe2(SO4)3 + MnSO4 + HNO3 + CO2 + H2O",
        "H2O2 + KMnO4 + H2SO4 -> O2 + MnSO4 + K2SO4 + H2O",  # two independent reactions
    ]:
        r = balance(eq)
        print(r, "" if r.unique else f"   (not unique: basis {r.basis}, canonical = minimal sum)")
        out[eq] = r.coefficients
    r = balance("MnO4- + I- -> MnO2 + I2", medium="basic")
    print(r)
    print(half_reactions("MnO4- + I- -> MnO2 + I2", medium="basic"))
    try:
        balance("NaCl -> Na + Cl2 + O2")
    except InfeasibleError as exc:
        print("impossible:", exc)
    for reaction in balance_species(["Cu", "HNO3", "Cu(NO3)2", "NO", "NO2", "H2O"]):
        print("  elementary:", reaction)
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--budget", type=float, default=10.0)
    a = ap.parse_args()
    main(seed=a.seed, budget=a.budget)
