"""Split transitions and reductions of the GPU flip-graph kernels, run through the CUDA simulator.

Oracle: exact mathematics. A split ``x_i y_i z_i = (g x_j) y_i z_i + (x_i - g x_j) y_i z_i`` is an
identity of tensors, so after it every walker still satisfies the Brent equations over its ring
(``Scheme.is_valid``) with rank ``r + 1``, and the split term and the new one share two factors.
Walks that climb only by splits still reach Strassen's rank 7 for <2,2,2> and the known rank 11 of
<2,2,3> (Hopcroft and Kerr 1971). A walker's path depends on its own seed alone, so a run is the
same whatever order the (simulated) GPU threads ran in.
"""

from __future__ import annotations

import os

os.environ["NUMBA_ENABLE_CUDASIM"] = "1"  # before numba.cuda is first imported

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from numba.core import config  # noqa: E402

config.reload_config()

from engine.errors import InvalidInputError  # noqa: E402
from engine.schemes import Scheme  # noqa: E402
from search.flipgraph import _cuda_kernels as ck  # noqa: E402
from search.flipgraph import gpu  # noqa: E402
from search.flipgraph.walk import _unpack, bits_to_scheme  # noqa: E402


@pytest.fixture(autouse=True)
def _simulator_or_gpu():
    simulated = "simulator" in cuda.to_device.__module__
    if not simulated and not gpu.cuda_available():
        pytest.skip("numba.cuda was imported without the simulator before this module and there is no GPU")


from numba import cuda  # noqa: E402

ck.walk_kernel()  # defines the device functions (module globals of ck)


@cuda.jit
def _move(P, N, R, RNG, mode, which):
    """A test kernel: one rank-increasing move (1 = split, 0 = plus) on every walker."""
    w = cuda.grid(1)
    if w < R.shape[0]:
        if which == 1:
            R[w] = ck._split(P, N, w, R[w], P.shape[1], mode, RNG)
        else:
            R[w] = ck._plus(P, N, w, R[w], P.shape[1], mode, RNG)


@cuda.jit
def _reduce(P, N, R, t, mode, c):
    """A test kernel: the reductions around term t (factor c changed) of every walker."""
    w = cuda.grid(1)
    if w < R.shape[0]:
        R[w] = ck._reduce_term(P, N, w, t, R[w], mode, c)


def _walker(state, w, target, ring, best=False):
    p, n, r = ("BP", "BN", "BR") if best else ("P", "N", "R")
    return bits_to_scheme(state[p][:, :, w], state[n][:, :, w], int(state[r][w]), target, ring, verify=False)


def _state(ring, walkers=8, fmt=(2, 2, 3), seed=3, split=256, plus_after=20, plus_limit=4):
    start = Scheme.standard(*fmt)
    spec = gpu.GpuFlipSpec(start.target, start, ring, walkers=walkers, target_rank=0, plus_after=plus_after,
                           plus_limit=plus_limit, reset_after=40 * plus_after, launch_steps=100, split=split)
    return start, spec.initial_states(seed)[0]


@pytest.mark.parametrize("ring", ["ZT", "F2", "F3"])
def test_a_split_raises_the_rank_by_one_and_keeps_every_walker_valid(ring):
    start, st = _state(ring)
    W = st["R"].shape[0]
    for k in range(1, 4):
        P, N, R, RNG = (cuda.to_device(st[x]) for x in ("P", "N", "R", "RNG"))
        _move[1, 32](P, N, R, RNG, gpu.MODES[ring], 1)
        st["P"], st["N"], st["R"], st["RNG"] = P.copy_to_host(), N.copy_to_host(), R.copy_to_host(), RNG.copy_to_host()
        assert (st["R"] == start.rank + k).all()  # every walker split once more (8 tries each)
        for w in range(W):
            s = _walker(st, w, start.target, ring)
            assert s.rank == start.rank + k and s.is_valid(ring), s.first_failure(ring)
            # the new term (last) shares the two factors it did not split with some other term
            u, v, wm = _unpack(st["P"][:, :, w], st["N"][:, :, w], s.rank, start.target.shape)
            last = s.rank - 1
            assert any(sum(np.array_equal(f[last], f[t]) for f in (u, v, wm)) == 2 for t in range(last))


def test_a_split_is_refused_without_room():
    start, st = _state("ZT", walkers=2, plus_limit=0)  # columns for rank + 2 at most
    assert st["P"].shape[1] == start.rank + 2
    for expected in (start.rank + 1, start.rank + 2, start.rank + 2):  # the third split finds no room
        P, N, R, RNG = (cuda.to_device(st[x]) for x in ("P", "N", "R", "RNG"))
        _move[1, 32](P, N, R, RNG, 2, 1)
        st["P"], st["R"] = P.copy_to_host(), R.copy_to_host()
        assert (st["R"] == expected).all()


@pytest.mark.parametrize("ring", ["ZT", "F2", "F3"])
def test_walks_climbing_only_by_splits_keep_every_walker_valid(ring):
    start, st = _state(ring, walkers=6, split=256)
    gpu._launch(st, 250)
    gpu._launch(st, 250)
    stats = st["STATS"]
    assert stats[0].sum() > 0 and stats[5].sum() > 0 and stats[2].sum() == 0  # flips and splits, no plus
    for w in range(6):
        for best in (False, True):
            s = _walker(st, w, start.target, ring, best)
            assert s.is_valid(ring), s.first_failure(ring)
    assert st["R"].max() > start.rank or stats[5].sum() > 0


@pytest.mark.parametrize("ring", ["ZT", "F2", "F3"])
def test_walks_mixing_plus_and_split_keep_every_walker_valid(ring):
    start, st = _state(ring, walkers=6, split=128, seed=5)
    gpu._launch(st, 400)
    assert st["STATS"][2].sum() > 0 and st["STATS"][5].sum() > 0
    for w in range(6):
        assert _walker(st, w, start.target, ring).is_valid(ring)
        assert _walker(st, w, start.target, ring, best=True).is_valid(ring)


@pytest.mark.parametrize("changed,rank", [(-1, 2), (0, 2), (1, 2), (2, 4)])
def test_reductions_chain_around_a_term_that_is_not_last(changed, rank):
    """x y z1 + x y z2 + x w (z1 + z2) + d d d, around the second term: the first two merge into
    x y (z1 + z2), which then merges with the third into x (y + w) (z1 + z2): rank 4 -> 2, the
    same tensor. Only merges through the factor that changed are looked for (as the CPU walk):
    when that is z2, no other term shares it with a second factor and nothing merges."""
    e = [np.uint64(1 << c) for c in range(4)]
    terms = [(e[0], e[1], e[2]), (e[0], e[1], e[3]), (e[0], e[2], e[2] | e[3]), (e[3], e[3], e[3])]
    P = np.zeros((3, 5, 1), dtype=np.uint64)
    for t, fs in enumerate(terms):
        for s in range(3):
            P[s, t, 0] = fs[s]
    N = np.zeros_like(P)

    def tensor(P, N, r):
        u, v, w = _unpack(P[:, :, 0], N[:, :, 0], r, (4, 4, 4))
        return np.einsum("ri,rj,rk->ijk", u, v, w)

    before = tensor(P, N, 4)
    dP, dN, dR = cuda.to_device(P), cuda.to_device(N), cuda.to_device(np.array([4], dtype=np.int64))
    _reduce[1, 1](dP, dN, dR, 1, 2, changed)  # around term 1, in ZT
    r = int(dR.copy_to_host()[0])
    P2 = dP.copy_to_host()
    assert r == rank
    assert np.array_equal(tensor(P2, dN.copy_to_host(), r), before)
    assert not P2[:, r:, 0].any()  # removed terms leave no stale factors


@pytest.mark.parametrize("ring", ["ZT", "F2", "F3"])
def test_launches_are_deterministic_per_seed(ring):
    a = _state(ring, walkers=5, seed=11, split=128)[1]
    b = _state(ring, walkers=5, seed=11, split=128)[1]
    c = _state(ring, walkers=5, seed=12, split=128)[1]
    for st in (a, b, c):
        gpu._launch(st, 200)
    for k in ("P", "N", "R", "BP", "BN", "BR", "RNG", "STATS"):
        assert np.array_equal(a[k], b[k]), k
    assert not np.array_equal(a["RNG"], c["RNG"]) and not np.array_equal(a["P"], c["P"])


@pytest.mark.parametrize("fmt,rank,ring,seed", [
    ((2, 2, 2), 7, "ZT", 1),
    ((2, 2, 2), 7, "F3", 1),
    ((2, 2, 3), 11, "F2", 3),
    pytest.param((2, 2, 3), 11, "ZT", 3, marks=pytest.mark.slow),
])
def test_walks_with_splits_reach_the_known_rank(fmt, rank, ring, seed):
    """Splits only (split=1): Strassen's 7 for <2,2,2> and Hopcroft-Kerr's 11 for <2,2,3>."""
    res = gpu.gpu_flip_search(fmt, ring=ring, target_rank=rank, walkers=4, seed=seed, max_flips=600_000,
                              launch_steps=500, plus_after=60, split=1.0, progress=False)
    assert res.reached and res.rank == rank and res.split == 1.0
    assert res.scheme.is_valid(ring) and res.is_valid()
    again = gpu.gpu_flip_search(fmt, ring=ring, target_rank=rank, walkers=4, seed=seed, max_flips=600_000,
                                launch_steps=500, plus_after=60, split=1.0, progress=False)
    assert np.array_equal(again.scheme.u, res.scheme.u) and np.array_equal(again.scheme.w, res.scheme.w)


@pytest.mark.parametrize("bad", [-0.1, 1.5, "half", True, float("nan")])
def test_split_is_validated(bad):
    with pytest.raises(InvalidInputError, match="split"):
        gpu.gpu_flip_search((2, 2, 2), ring="ZT", target_rank=7, walkers=2, max_flips=10, split=bad)


def test_the_default_split_follows_the_cpu_walk():
    assert gpu._split_level(None, "ZT") == 128 and gpu._split_level(None, "F2") == 0
    assert gpu._split_level(1, "F3") == 256
