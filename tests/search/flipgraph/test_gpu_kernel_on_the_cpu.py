"""The GPU walk's code compiled for the CPU (``_cuda_kernels.cpu_walk``, used to tune the GPU walk's
defaults without a GPU) takes exactly the steps the CUDA kernel takes (run here through the CUDA
simulator): same generator states in, same walkers, best schemes, counters and generators out.
Oracle: the simulator's run of the kernel; and every walker satisfies the Brent equations.
"""

from __future__ import annotations

import os

os.environ["NUMBA_ENABLE_CUDASIM"] = "1"  # before numba.cuda is first imported

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from numba.core import config  # noqa: E402

config.reload_config()

from engine.schemes import Scheme  # noqa: E402
from search.flipgraph import _cuda_kernels as ck  # noqa: E402
from search.flipgraph import gpu  # noqa: E402
from search.flipgraph.walk import bits_to_scheme  # noqa: E402


@pytest.mark.slow
@pytest.mark.parametrize("ring", ["ZT", "F2", "F3"])
def test_the_cpu_build_walks_as_the_kernel(ring):
    from numba import cuda

    if "simulator" not in cuda.to_device.__module__:
        pytest.skip("numba.cuda was imported without the simulator before this module")
    start = Scheme.standard(2, 2, 3)
    spec = gpu.GpuFlipSpec(start.target, start, ring, walkers=5, target_rank=9, plus_after=15, plus_limit=3,
                           reset_after=300, launch_steps=300, split=128)
    a = spec.initial_states(4)[0]
    b = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in a.items()}
    gpu._launch(a, 300)
    c = b["cfg"]
    done = np.array([300], dtype=np.int64)
    hit = np.full(5, 301, dtype=np.int64)
    ck.cpu_walk()(b["P"], b["N"], b["R"], b["BP"], b["BN"], b["BR"], b["RNG"], b["STATS"], done, hit, c["mode"],
                  c["target"], 300, c["plus_after"], c["plus_limit"], c["reset_after"], c["split"])
    for k in ("P", "N", "R", "BP", "BN", "BR", "RNG", "STATS"):
        assert np.array_equal(a[k], b[k]), k
    assert b["STATS"][0].sum() > 0 and b["STATS"][2].sum() + b["STATS"][5].sum() > 0
    for w in range(5):
        s = bits_to_scheme(b["P"][:, :, w], b["N"][:, :, w], int(b["R"][w]), start.target, ring, verify=False)
        assert s.is_valid(ring)
