"""Restart policy of the flip-graph walk (``flip_search(restart=...)``, ``FlipWalker.maybe_restart``).

Oracles: the Luby sequence (Luby, Sinclair, Zuckerman 1993; OEIS A182105) and the standard
algorithm's rank n*m*p as the rank a restarted walker is back at.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import InvalidInputError
from engine.schemes import Scheme
from search.core import Budget
from search.flipgraph import flip_search
from search.flipgraph.walk import RESTART_FACTORS, FlipWalker, luby, walker_step


def test_luby_sequence():
    # OEIS A182105: 1, 1, 2, 1, 1, 2, 4, 1, 1, 2, 1, 1, 2, 4, 8, ...
    assert [luby(k) for k in range(1, 16)] == [1, 1, 2, 1, 1, 2, 4, 1, 1, 2, 1, 1, 2, 4, 8]
    with pytest.raises(InvalidInputError):
        luby(0)
    assert [RESTART_FACTORS["geometric"](k) for k in (1, 2, 3)] == [1, 2, 4]


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 200))
def test_luby_self_similar(k):
    # luby(2^i - 1) = 2^(i-1); otherwise luby(k) = luby(k - 2^(i-1) + 1) with i = bit length
    i = k.bit_length()
    if k == (1 << i) - 1:
        assert luby(k) == 1 << (i - 1)
    else:
        assert luby(k) == luby(k - (1 << (i - 1)) + 1)


def _walk(seed: int, policy: str) -> FlipWalker:
    s = Scheme.standard(3, 3, 3)
    w = FlipWalker.start(s, "ZT", seed, rmax=s.rank + 8)
    for _ in range(40):
        w.run(20_000, 1, 5_000, 4, 0)
        w.maybe_restart(policy, 10_000)
    return w


def test_restarts_happen_and_are_reproducible():
    a, b = _walk(3, "luby"), _walk(3, "luby")
    assert a.cycles > 0  # a 10k-flip base on a tiny budget restarts
    assert a.cycles == b.cycles and a.r == b.r and a.best_r == b.best_r and a.flips == b.flips
    assert np.array_equal(a.P, b.P) and np.array_equal(a.N, b.N) and np.array_equal(a.rng, b.rng)
    assert _walk(3, "none").cycles == 0


def test_restart_returns_to_the_start_scheme():
    s = Scheme.standard(2, 2, 2)
    w = FlipWalker.start(s, "F2", 5, rmax=s.rank + 4)
    w.run(50_000, 7, 0, 2, 0)
    assert w.best_r == 7
    w.since_best = 10**9
    rng_before = w.rng.copy()
    assert w.maybe_restart("fixed", 1000)
    assert w.r == w.best_r == 8 and w.cycles == 1 and w.since_best == 0
    assert np.array_equal(w.P, w.startP) and np.array_equal(w.N, w.startN)
    assert not np.array_equal(w.rng, rng_before)  # a fresh stream
    assert not w.maybe_restart("fixed", 1000)  # no flips since: no restart


def test_flip_search_with_restarts_is_deterministic():
    kw = dict(ring="ZT", target_rank=22, seed=7, max_flips=1_500_000, restart="luby", restart_base=50_000, chunk=50_000)
    r1 = flip_search((3, 3, 3), **kw)
    r2 = flip_search((3, 3, 3), **kw)
    assert r1.rank == r2.rank and r1.flips == r2.flips
    assert [h[:2] for h in r1.history] == [h[:2] for h in r2.history]
    assert np.array_equal(r1.scheme.u, r2.scheme.u)
    assert r1.scheme.is_valid("ZT") and r1.rank <= 23


def test_walker_step_reports_before_restart():
    w = FlipWalker.start(Scheme.standard(2, 2, 2), "ZT", seed=1)
    state = dict(walker=w, target=6, plus_after=2_000, plus_limit=2, restart_after=0, chunk=10_000, dims=(4, 4, 4),
                 restart="fixed", restart_base=10_000)
    state, imps, used = walker_step(state, Budget(steps=200_000))
    assert imps and imps[-1]["rank"] == 7  # found, reported, then the walker restarted
    assert w.cycles > 0 and state["reported"] == 7


def test_default_policy_is_recorded():
    res = flip_search((2, 2, 2), ring="ZT", target_rank=7, seed=1, max_flips=2_000_000)
    assert res.restart == "luby" and res.to_json()["restart"] == "luby" and res.reached
    res = flip_search((3, 3, 3), ring="ZT", target_rank=19, seed=2, max_flips=600_000, restart="fixed",
                      restart_base=50_000, chunk=50_000)
    assert res.restarts > 0 and res.to_json()["restarts"] == res.restarts and res.scheme.is_valid("ZT")


def test_bad_restart_arguments():
    with pytest.raises(InvalidInputError, match="restart="):
        flip_search((2, 2, 2), restart="sometimes", max_flips=10)
    with pytest.raises(InvalidInputError, match="restart_base"):
        flip_search((2, 2, 2), restart="luby", restart_base=0, max_flips=10)
