"""The walk's key -> class hash table changes the speed of a flip, never the walk.

Oracle: the fingerprints below were taken with the kernel that scanned every term to find the
class of a new factor (commit 4db8a6b); the table must find the same (lowest) class mate, so
the same seed gives bit-for-bit the same walk, and every best scheme a walk keeps still
satisfies the Brent equations exactly.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from engine.schemes import Scheme
from search.flipgraph import _kernels as K
from search.flipgraph.walk import FlipWalker, bits_to_scheme

# (format, ring) -> (rank, flips, status, best rank, sha1 prefix of P, N, bestP and the rng state)
SCAN_KERNEL = {
    ((3, 3, 3), "ZT"): (24, 300000, 1, 24, "58fcb58e253f"),
    ((3, 3, 3), "F2"): (23, 300000, 1, 23, "e2c205670fc3"),
    ((4, 4, 4), "ZT"): (63, 300000, 1, 63, "f22db2207cbc"),
    ((4, 4, 4), "F2"): (58, 300000, 1, 57, "68ae444d691e"),
    ((3, 3, 3), "F3"): (25, 300000, 1, 23, "e4a0e2b7bc09"),
    ((2, 3, 4), "ZT"): (22, 300000, 1, 22, "cc02c8b58ade"),
}


def _walk(fmt, ring, flips=300_000):
    s = Scheme.standard(*fmt)
    w = FlipWalker.start(s, ring, 7, rmax=s.rank + 4)
    best = np.array([w.best_r], dtype=np.int64)
    r, done, status = K.walk(w.P, w.N, w.r, w.mode, flips, 0, 20000, w.best_r + 4, w.rng, w.bestP, w.bestN,
                             best, 40, 0)
    return s, w, best, (int(r), int(done), int(status), int(best[0]))


@pytest.mark.parametrize("case", sorted(SCAN_KERNEL), ids=lambda c: f"{c[0][0]}x{c[0][1]}x{c[0][2]}-{c[1]}")
def test_walk_is_the_scan_kernels_walk(case):
    fmt, ring = case
    s, w, best, head = _walk(fmt, ring)
    digest = hashlib.sha1(w.P.tobytes() + w.N.tobytes() + w.bestP.tobytes() + w.rng.tobytes()).hexdigest()[:12]
    assert (*head, digest) == SCAN_KERNEL[case]
    check_ring = "F3" if ring == "F3" else ring
    # bits_to_scheme verifies the Brent equations exactly (raises otherwise)
    best_scheme = bits_to_scheme(w.bestP, w.bestN, int(best[0]), s.target, check_ring)
    assert best_scheme.rank == int(best[0]) < s.rank
    current = bits_to_scheme(w.P, w.N, head[0], s.target, check_ring)
    assert current.rank == head[0]


def test_walk_beyond_32_coordinates_stays_exact_and_deterministic():
    # <2,6,6>: 36 coordinates in B, so keys are hashes and the join scans the terms (no table)
    fmt = (2, 6, 6)
    s, w, best, (r, done, status, b) = _walk(fmt, "F2", flips=200_000)
    assert done == 200_000 and r > s.rank  # plus transitions fired (no reduction within 2e5 flips)
    assert bits_to_scheme(w.P, w.N, r, s.target, "F2").rank == r  # verified exactly
    _s2, w2, _b2, head2 = _walk(fmt, "F2", flips=200_000)
    assert head2 == (r, done, status, b)
    assert np.array_equal(w2.P, w.P) and np.array_equal(w2.rng, w.rng)
