"""The mm search summary says where a default target comes from when no known rank is stored."""

from __future__ import annotations

from search.cli import main


def test_default_target_beyond_the_table_is_named_the_lower_bound(capsys):
    # <3,3,8> is not in the known-ranks table: the default target is the proved lower bound 24
    rc = main(["mm", "search", "3x3x8", "--ring", "F2", "--max-flips", "20000", "--no-store", "--seed", "1"])
    out = capsys.readouterr().out
    assert rc == 1
    assert "target 24 (the proved lower bound: no known rank is stored for this format) not reached" in out


def test_known_rank_or_explicit_target_has_no_such_note(capsys):
    assert main(["mm", "search", "2x2x2", "--ring", "F2", "--time-limit", "10", "--no-store", "--seed", "1"]) == 0
    assert main(["mm", "search", "3x3x8", "--ring", "F2", "--target", "70", "--max-flips", "20000", "--no-store",
                 "--seed", "1"]) == 1
    out = capsys.readouterr().out
    assert "best known 7" in out and "target 70 not reached" in out
    assert "no known rank is stored" not in out
