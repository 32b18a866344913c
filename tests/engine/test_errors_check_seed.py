"""The shared seed check: one clear InvalidInputError at every public boundary that takes a seed."""

from __future__ import annotations

import numpy as np
import pytest

from engine.errors import InvalidInputError, check_seed


@pytest.mark.parametrize("bad", [-1, 1.5, "a", True, [1]])
def test_check_seed_rejects(bad):
    with pytest.raises(InvalidInputError, match="seed="):
        check_seed(bad)


def test_check_seed_accepts_and_normalises():
    assert check_seed(np.int64(7)) == 7 and type(check_seed(np.int64(7))) is int
    assert check_seed(None) is None
    with pytest.raises(InvalidInputError, match="non-negative integer$"):
        check_seed(None, allow_none=False)


def test_lift_and_bilinear_search_name_a_bad_seed():
    from engine.schemes import Scheme
    from search.flipgraph.bilinear import bilinear_search
    from solvers.lifting import lift_scheme

    s = Scheme.strassen()
    with pytest.raises(InvalidInputError, match="seed=-1"):
        lift_scheme(Scheme(s.format, s.u % 2, s.v % 2, s.w % 2, ring="F2"), to="Z", seed=-1)
    with pytest.raises(InvalidInputError, match="seed=-1"):
        bilinear_search("ss", n=2, field="F3", target_rank=6, seed=-1, max_flips=1000)
