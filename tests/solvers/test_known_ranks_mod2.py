"""The 2026 lower bounds mod 2 in the known-ranks table, and targets below them refused."""

from __future__ import annotations

import pytest

from engine.errors import InvalidInputError
from engine.schemes import Scheme
from search.app.cli import main
from solvers.known_ranks import known_rank, lower_bound, lower_bounds_mod2


@pytest.mark.parametrize("fmt,bound", [((3, 3, 3), 21), ((2, 3, 4), 20), ((3, 3, 4), 25), ((3, 4, 4), 29)])
def test_the_2026_bounds_mod_2_hold_over_f2_with_sources(fmt, bound):
    for perm in ((0, 1, 2), (2, 0, 1), (1, 0, 2)):
        f = tuple(fmt[i] for i in perm)
        assert lower_bound(f, "F2") == bound
        # applied to F2 only, as stated (not to char 0 or F3, nor, by choice, to Z/ZT)
        assert lower_bound(f, "Q") == lower_bound(f, "F3") == lower_bound(f, "ZT") == lower_bound(f) < bound
    assert "arXiv:2603.07280" in lower_bounds_mod2()[tuple(sorted(fmt))]["source"]
    # never above a known scheme: the best known F2 rank respects the bound
    assert known_rank(fmt, "F2") >= bound


def test_2x3x4_is_exact_mod_2():
    assert lower_bound((2, 3, 4), "F2") == known_rank((2, 3, 4), "F2") == 20


def test_known_schemes_respect_the_bounds():
    # Laderman's rank-23 scheme over Z reduces mod 2 to an F2 scheme: 23 >= 21
    s = Scheme.laderman()
    assert s.with_ring("F2").is_valid() and s.rank >= lower_bound((3, 3, 3), "F2")


def test_a_bad_ring_is_refused():
    with pytest.raises(InvalidInputError, match="ring"):
        lower_bound((3, 3, 3), "F5")


@pytest.mark.parametrize("ring,target,code", [("F2", 20, 3), ("ZT", 20, None), ("F3", 20, None)])
def test_cli_refuses_a_target_below_the_bound_mod_2(tmp_path, capsys, ring, target, code):
    argv = ["mm", "search", "3x3x3", "--ring", ring, "--target", str(target), "--seed", "1", "--steps", "2000",
            "--no-store", "-q"]
    rc = main(argv)
    err = capsys.readouterr().err
    if code is None:  # over ZT/F3 the general bound 19 applies: the search runs (and misses 20)
        assert rc in (0, 1)
    else:
        assert rc == code and "lower bound 21" in err and len(err.strip().splitlines()) == 1


def test_cli_known_shows_the_bound_mod_2(capsys):
    assert main(["mm", "known", "3x4x4", "--json"]) == 0
    assert '"lower_bound_mod2": 29' in capsys.readouterr().out
