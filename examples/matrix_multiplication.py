"""Matrix-multiplication schemes: flip-graph search, exact verification, lifting, code export.

Run: ``python examples/matrix_multiplication.py --budget 60`` (try ``fmt=(3, 3, 3), target=23``).
"""

from __future__ import annotations

import argparse

import numpy as np


def main(seed: int = 0, budget: float = 30.0, fmt: tuple[int, int, int] = (2, 2, 2), target: int = 7) -> dict:
    """Walk the flip graph over F2 from the standard algorithm, lift to Z, export and test the code.

    Args:
        seed: seed of the walk (the result records it).
        budget: wall-clock seconds for the search.
        fmt: the format ``(n, m, p)``.
        target: the rank to reach.

    Returns:
        A summary dict: ranks reached and the ring the lifted scheme is valid in.
    """
    from search.flipgraph import flip_search
    from solvers.lifting import lift_scheme

    res = flip_search(fmt, ring="F2", target_rank=target, seed=seed, time_limit=max(1.0, budget))
    print(f"F2 walk: rank {res.rank} after {res.flips} flips ({res.stop_reason})")
    lift = lift_scheme(res.scheme, to="Z", seed=seed)
    out = {"f2_rank": res.rank, "lifted": lift.lifted}
    if lift.lifted:
        scheme = lift.scheme
        scheme.check("Z")  # all Brent equations, exactly, over the integers
        print(f"lifted to {lift.ring}; smallest ring: {scheme.smallest_ring()}")
        multiply = scheme.to_numpy_function()
        rng = np.random.default_rng(seed)
        A = rng.integers(-9, 10, size=(fmt[0], fmt[1]))
        B = rng.integers(-9, 10, size=(fmt[1], fmt[2]))
        assert np.array_equal(multiply(A, B), A @ B)
        print(scheme.to_readable())
        out["ring"] = lift.ring
    else:
        print(f"does not lift: {lift.reason}")
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--budget", type=float, default=30.0)
    a = ap.parse_args()
    main(seed=a.seed, budget=a.budget)
