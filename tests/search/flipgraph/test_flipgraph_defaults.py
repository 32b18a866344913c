"""flip_search defaults the QA pass flagged: ring spelling and the default target beyond the table."""

from search.flipgraph import flip_search
from solvers.known_ranks import known_rank, lower_bound


def test_ring_is_case_insensitive():
    r = flip_search((2, 2, 2), ring=" zt ", target_rank=7, seed=1, max_flips=200_000)
    assert r.ring == "ZT" and r.scheme.is_valid("ZT")


def test_default_target_beyond_the_table_is_the_lower_bound():
    r = flip_search((2, 2, 7), ring="ZT", seed=0, max_flips=50_000)
    expect = known_rank((2, 2, 7), "ZT") or lower_bound((2, 2, 7))
    assert r.target_rank == expect and r.rank >= expect
