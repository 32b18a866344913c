"""A constant-rank walk does not depend on where its chunks end, so the time-cut chunks of a
parallel run (``CHUNK_SECONDS``, walkers taking turns on the workers) find what one serial run
finds: the same walker states, the same best dimension, the same step count.

Oracle: the serial run with the default chunks (200 proposals); A_6(F_3) has constant-rank-4
families of dimension 3 at least (the theorem's construction, ``formula_dimension``).
"""

from __future__ import annotations

import pytest

from search.altspaces.search import (
    CHUNK_SECONDS,
    AltSpaceSpec,
    _chunk_time,
    search_constant_rank,
)
from search.core import Budget
from search.runner import run_search


def _walks(out):
    return [(s["reported"], s["proposer"], s["rng"].bit_generator.state) for s in out.states]


@pytest.mark.parametrize("chunk_steps, chunk_time", [(7, None), (200, 1e-4), (1, None)])
def test_walk_states_do_not_depend_on_where_chunks_end(chunk_steps, chunk_time):
    spec = AltSpaceSpec(6, 4, 3, walkers=3)
    ref = run_search(spec, Budget(steps=90), seed=2, backend="serial")
    cut = run_search(spec, Budget(steps=90), seed=2, backend="serial", chunk_steps=chunk_steps,
                     chunk_time=chunk_time)
    assert cut.chunks > ref.chunks
    assert _walks(cut) == _walks(ref) and cut.best_score == ref.best_score >= 3


def test_time_chunks_only_on_parallel_backends():
    assert _chunk_time(None, 1, None) is None and _chunk_time("serial", 4, None) is None
    assert _chunk_time(None, 2, None) == _chunk_time("process", None, None) == CHUNK_SECONDS
    assert _chunk_time(None, None, "tcp://127.0.0.1:8786") == CHUNK_SECONDS


@pytest.mark.slow
def test_process_pool_walk_finds_what_the_serial_walk_finds():
    kw = dict(n=6, r=4, field=3, seed=4, steps=160, time_limit=None, walkers=4,
              check_maximal=False, stop_at_bound=False)
    serial = search_constant_rank(**kw, backend="serial")
    pooled = search_constant_rank(**kw, backend="process", workers=2)
    assert (pooled.dimension, pooled.steps) == (serial.dimension, serial.steps)
    assert pooled.space.constant_rank().is_constant
