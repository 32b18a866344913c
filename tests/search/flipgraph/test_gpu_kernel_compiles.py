"""The CUDA walk kernel compiles for a real GPU (sm_90, an H100) on a machine without one.

The CUDA simulator runs the kernels as Python, so it never types them; numba's CUDA compiler does
(typing, lowering, NVVM to PTX), and a kernel the simulator runs could still fail to compile on a
GPU. This test compiles it to PTX in a child process without the simulator, answering numba's
question for the current device with compute capability 9.0. Skipped where NVVM (the CUDA
toolkit's compiler library) is absent.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

CODE = textwrap.dedent('''
    import sys
    try:
        import numba.cuda.dispatcher as disp
        from numba import cuda, types
    except Exception as exc:
        print("SKIP numba.cuda:", exc); sys.exit(0)

    class _Device:
        compute_capability = (9, 0)

    disp.get_current_device = lambda: _Device()  # device functions ask for it; there is no GPU
    from search.flipgraph import _cuda_kernels as ck

    k = ck.walk_kernel()
    u3 = types.Array(types.uint64, 3, "C")
    i1 = types.Array(types.int64, 1, "C")
    u1 = types.Array(types.uint64, 1, "C")
    i2 = types.Array(types.int64, 2, "C")
    sig = (u3, u3, i1, u3, u3, i1, u1, i2, i1, i1) + (types.int64,) * 7
    try:
        ptx, resty = cuda.compile_ptx(k.py_func, sig, cc=(9, 0))
    except Exception as exc:
        if "NVVM" in type(exc).__name__ or "libNVVM" in str(exc) or "nvvm" in str(exc).lower():
            print("SKIP no NVVM:", str(exc).splitlines()[0]); sys.exit(0)
        raise
    print("PTX", len(ptx))
    print("U64DIV", sum(ptx.count(op) for op in ("div.u64", "rem.u64")))
    print("LOCAL", ptx.count("ld.local") + ptx.count("st.local"))
''')


def test_the_walk_kernel_compiles_to_ptx_for_sm90():
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_ENABLE_CUDASIM"}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run([sys.executable, "-c", CODE], env=env, capture_output=True, text=True, timeout=600,
                          cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = dict(line.split(" ", 1) for line in proc.stdout.strip().splitlines())
    if "SKIP" in out:
        pytest.skip(out["SKIP"])
    assert int(out["PTX"]) > 1000
    assert int(out["U64DIV"]) == 0  # the generator draws by multiply-shift, no emulated 64-bit division
    assert int(out["LOCAL"]) == 0  # the thread's generator state stays in registers
