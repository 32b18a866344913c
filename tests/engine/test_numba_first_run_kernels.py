"""What a search compiles on its first run (issue #18): each kernel it calls once, nothing
else; the graph walk calls wrapper-less inner kernels, and the Python entry points over them
compile only when Python calls them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _compiled_in_fresh_process(code: str, cache: Path) -> list[str]:
    """Names of the functions numba compiled while a fresh interpreter ran ``code``."""
    probe = code + ("\nfrom engine._numba import compile_report\nimport json\n"
                    "print(json.dumps([name for name, wall, cpu in compile_report()]))\n")
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"} | {"NUMBA_CACHE_DIR": str(cache)}
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    return [n.rsplit(".", 1)[-1] for n in json.loads(out.stdout.strip().splitlines()[-1])]


@pytest.mark.slow
def test_a_graph_search_compiles_no_python_entry_points(tmp_path):
    names = _compiled_in_fresh_process("from search.graphs.spec import warm_up\nwarm_up((3, 4))", tmp_path)
    assert {"k_tabu_run", "_add_edge", "_remove_edge", "_recount", "_find_path"} <= set(names), names
    assert not {"k_add_edge", "k_remove_edge", "k_recount", "_find_path_edge"} & set(names), names
    assert len(names) == len(set(names))  # one specialisation each


@pytest.mark.slow
def test_a_flip_walk_compiles_what_it_calls_once_and_nothing_else(tmp_path):
    names = _compiled_in_fresh_process("from search.flipgraph.walk import _warm_kernels\n_warm_kernels()", tmp_path)
    assert {"walk", "_split", "_plus", "_chain", "_build", "_set"} <= set(names), names
    assert "count_flippable" not in names, names  # compiled on first use only
    kernels = [n for n in names if n != "impl"]  # (numba's own array constructors)
    assert len(kernels) == len(set(kernels)), names  # one specialisation each


def test_the_graph_entry_points_agree_with_the_walks_inner_kernels():
    """k_add_edge / k_remove_edge / k_recount / _find_path_edge (Python entry points) on the
    5-cycle with forbidden lengths {3, 4}: a chord closes a triangle or a 4-cycle."""
    from search.graphs import _kernels as K

    n, maxlen = 5, 3
    A, C, nb, deg, nfree, (mark, stk) = K.new_state_arrays(n, maxlen)
    lmask = np.zeros(5, dtype=np.bool_)
    lmask[2] = lmask[3] = True  # cycle lengths 3 and 4: counted paths of lengths 2 and 3
    for u in range(n):
        K.k_add_edge(A, C, nb, deg, nfree, u, (u + 1) % n, lmask, maxlen, mark, stk)
    assert A.sum() == 2 * n and nfree[0] == 0  # C5 has girth 5: every chord is blocked
    assert all(C[u, (u + 2) % n] >= 1 for u in range(n))
    out = np.zeros(maxlen + 2, dtype=np.int32)
    ln = K._find_path_edge(A, nb, deg, 0, 2, lmask, maxlen, mark, stk, out)
    assert ln == 2 and out[:3].tolist() == [0, 1, 2]  # the blocking path 0-1-2
    K.k_remove_edge(A, C, nb, deg, nfree, 0, 1, lmask, maxlen, mark, stk)
    assert A[0, 1] == 0 and C[0, 2] == 1  # 0-1-2 is gone, 0-4-3-2 (length 3) still blocks
    assert C[0, 1] == 0 and nfree[0] >= 1  # 0-4-3-2-1 has length 4: the edge 01 may return
    A[0, 1] = A[1, 0] = 1
    A[0, 2] = A[2, 0] = 1  # C5 plus the chord 02: a triangle 0-1-2 and a 4-cycle 0-2-3-4
    # edges re-added in order 01, 02, 04, 12, 23, 34: 12 closes the triangle, 34 the 4-cycle
    assert K.k_recount(A, C, nb, deg, nfree, lmask, maxlen, mark, stk) == 2
    assert A.sum() == 2 * 4 and A[1, 2] == 0 and A[3, 4] == 0
