"""Hostile inputs to the flip-graph searches: only one-line InvalidInputErrors naming the argument.

Each call below raised a bare OverflowError, MemoryError, TypeError, ValueError or
AttributeError from deep inside before (numpy, the kernels, the runner's file handling).
"""

import numpy as np
import pytest

from engine.errors import InvalidInputError
from engine.schemes import Scheme
from search.flipgraph import flip_search
from search.flipgraph.bilinear import bilinear_search
from search.flipgraph.meta import meta_search
from search.flipgraph.walk import (
    FlipWalker,
    bits_to_scheme,
    check_target_rank,
    luby,
    scheme_to_bits,
    walk_config,
)

Z = np.zeros((3, 2), dtype=np.uint64)

CASES = [
    ("target_rank=inf", lambda: flip_search((2, 2, 2), target_rank=float("inf"), max_flips=1000)),
    ("=nan", lambda: flip_search((2, 2, 2), target_rank=float("nan"), max_flips=1000)),
    ("target_rank=inf", lambda: meta_search((2, 2, 2), target_rank=float("inf"), max_flips=10)),
    ("plus_limit=", lambda: flip_search((2, 2, 2), plus_limit=10**12, max_flips=1000)),
    ("pool_size=", lambda: walk_config("ZT", pool_size=10**12)),
    ("checkpoint=5", lambda: flip_search((2, 2, 2), checkpoint=5, max_flips=1000)),
    ("checkpoint=5", lambda: meta_search((2, 2, 2), checkpoint=5, max_flips=10)),
    ("checkpoint=5", lambda: bilinear_search("ss", n=2, field="F3", checkpoint=5, max_flips=10)),
    ("scheme=", lambda: scheme_to_bits("strassen", "ZT")),
    ("rmax=", lambda: scheme_to_bits(Scheme.strassen(), "ZT", rmax="5")),
    ("r=5", lambda: bits_to_scheme(Z, Z, 5, Scheme.strassen().target, "ZT")),
    ("P must be", lambda: bits_to_scheme([[1]], Z, 1, Scheme.strassen().target, "ZT")),
    ("target=", lambda: bits_to_scheme(Z, Z, 1, "2x2x2", "ZT")),
    ("ring=", lambda: bits_to_scheme(Z, Z, 1, Scheme.strassen().target, "Q")),
    ("seed=-1", lambda: FlipWalker.start(Scheme.strassen(), "ZT", -1)),
    ("seed='a'", lambda: FlipWalker.start(Scheme.strassen(), "ZT", "a")),
    ("seed=-1", lambda: FlipWalker.from_bits(Z, Z, 1, 2, -1, rmax=2)),
    ("mode=7", lambda: FlipWalker.from_bits(Z, Z, 1, 7, 1, rmax=2)),
    ("k='a'", lambda: luby("a")),
    ("k=1.5", lambda: luby(1.5)),
    ("target_rank='7'", lambda: check_target_rank(Scheme.strassen().target, "7")),
    ("T=", lambda: check_target_rank("2x2x2", 7)),
    ("flip_options=", lambda: bilinear_search("ss", n=2, field="F3", max_flips=10, flip_options="x")),
    ("wrap=0.5 applies to F3", lambda: bilinear_search("ss", n=2, field="F2", max_flips=10, flip_options={"wrap": 0.5})),
    ("wrap=", lambda: flip_search((2, 2, 2), ring="F3", wrap=float("nan"), max_flips=1000)),
    ("wrap=", lambda: flip_search((2, 2, 2), ring="ZT", wrap=0.5, max_flips=1000)),
]


@pytest.mark.parametrize("match, call", CASES, ids=[f"{i}-{c[0]}" for i, c in enumerate(CASES)])
def test_bad_input_is_one_clear_line(match, call):
    with pytest.raises(InvalidInputError) as exc:
        call()
    msg = str(exc.value)
    assert match in msg and "\n" not in msg
