"""The small-case table of a_F(n, r): entries, certificates, exports, checkpoint and resume.

Oracles: the number of alternating matrices of each rank counted by brute force (and the
total q^{n(n-1)/2}); a(4, 2; F2) = 3 (exhaustive branch and bound, stored); a(7, 4; Q) = 8
(Rubei, Theorem 6; de Seguins Pazzis); the Frobenius space over F3 at (6, 4) (dimension 7)."""

from __future__ import annotations

import csv
import dataclasses
import io
import itertools

import pytest

from engine.alternating import alternating_rank
from engine.alternating_fields import small_field
from engine.errors import InvalidInputError, VerificationError
from search.altspaces.table import (
    TableEntry,
    compute_entry,
    compute_table,
    count_rank_matrices,
    format_small_table,
    table_cases,
    table_to_csv,
    table_to_latex,
    table_to_sage,
)


@pytest.mark.parametrize("n, q", [(2, 2), (3, 3), (4, 2), (4, 3), (3, 4), (4, 4)])
def test_rank_counts_match_brute_force(n, q):
    F = small_field(q)
    m = n * (n - 1) // 2
    counts: dict[int, int] = {}
    pairs = list(itertools.combinations(range(n), 2))
    for vals in itertools.product(range(q), repeat=m):
        A = [[0] * n for _ in range(n)]
        for (i, j), v in zip(pairs, vals, strict=True):
            A[i][j], A[j][i] = v, int(F.neg[v])
        r = alternating_rank(A, ring=q)
        counts[r] = counts.get(r, 0) + 1
    assert {r: count_rank_matrices(n, r, q) for r in range(0, n + 1, 2)} == counts
    assert sum(counts.values()) == q**m


def test_known_entries():
    e = compute_entry(4, 2, 2)
    assert (e.lower, e.upper, e.proved, e.beats_formula, e.lower_method) == (3, 3, True, True, "frobenius")
    e = compute_entry(7, 4, "Q")
    assert (e.lower, e.upper, e.proved, e.upper_method) == (8, 8, True, "theorem")
    e = compute_entry(6, 4, 3)
    assert e.lower == 7 and e.lower_method == "frobenius" and e.beats_formula and not e.proved
    assert (e.upper, e.upper_method) == (10, "incidence")  # a(5, 4) + 4 = 6 + 4 (deletion: 6 + 5)
    e = compute_entry(4, 4, 2)  # exhaustive branch and bound over the 64 elements of A_4(F2)
    assert (e.lower, e.upper, e.upper_method) == (2, 2, "exact")
    e = compute_entry(5, 4, 9)
    assert e.space.field == 9 and e.lower == 6 and e.certificate == "nonzero_constant_minor"


@pytest.mark.parametrize("q", [2, 3, 4, 9])
def test_a54_is_proved_six_by_deletion(q):
    """a(5, 4) <= a(4, 4) + 4 = 2 + 4 = 6 over every F_q, attained by the generic space."""
    e = compute_entry(5, 4, q)
    assert (e.lower, e.upper, e.proved, e.upper_method) == (6, 6, True, "deletion") and e.is_valid()


@pytest.mark.parametrize("n, r, q", [(3, 2, 2), (3, 2, 3), (4, 2, 2), (4, 2, 3), (4, 4, 2), (4, 4, 3)])
def test_deletion_and_counting_bounds_hold_on_exact_maxima(n, r, q):
    from search.altspaces.table import _upper_by
    from solvers.constant_rank.optimality import exact_max_dimension

    exact = exact_max_dimension(n, r, q, max_elements=729).dimension
    for meth in ("deletion", "counting"):
        u = _upper_by(meth, n, r, q, 729)
        assert u is None or u[0] >= exact


def test_entry_check_catches_tampering():
    e = compute_entry(4, 2, 2)
    assert e.is_valid()
    assert TableEntry.from_json(e.to_json()).is_valid()
    with pytest.raises(VerificationError):
        dataclasses.replace(e, upper=4, proved=False).check()
    with pytest.raises(VerificationError):
        dataclasses.replace(e, lower=4).check()
    other = compute_entry(4, 2, 3)
    with pytest.raises(VerificationError):
        dataclasses.replace(e, space=other.space).check()


def test_cases_sorted_and_cover_stored_results():
    cases = table_cases(["F3", "Q", 2], 3)
    assert [c[0] for c in cases] == sorted((c[0] for c in cases), key=["Q", 2, 3].index)
    stored = table_cases([2], 7, stored=True)
    assert (2, 8, 6) in stored and (2, 10, 8) in stored
    with pytest.raises(InvalidInputError):
        table_cases([6], 3)


def test_tiny_table_exports_and_resume(tmp_path):
    ck = tmp_path / "ck"
    ents, out = compute_table(["Q", 2, 4], 4, checkpoint=ck, store=tmp_path / "s.db")
    assert out.stop_reason.value == "exhausted" and len(ents) == 3 * 8
    keys = [e.key for e in ents]
    assert keys[0] == "Q:1:0" and keys[-1] == "F4:4:4"
    text = format_small_table(ents)
    assert "3*" in text  # a(4, 2; F2) = 3 beats the formula 2
    rows = list(csv.DictReader(io.StringIO(table_to_csv(ents))))
    assert {r["field"] for r in rows} == {"Q", "F2", "F4"} and len(rows) == 24
    assert "\\textbf{3}" in table_to_latex(ents)
    sage = table_to_sage(ents)
    assert sage.count("check_space(") == 24 + 1 and "GF(f, 'g', modulus" in sage
    compile(sage.replace("^", "**"), "table.sage", "exec")
    # a run stopped by its time budget, then resumed, ends with the entries of a full run
    ck2 = tmp_path / "ck2"
    part, out1 = compute_table(["Q", 2, 4], 4, checkpoint=ck2, time_limit=1e-3)
    assert len(part) < len(ents) or out1.stop_reason.value == "exhausted"
    full, out2 = compute_table(["Q", 2, 4], 4, checkpoint=ck2, resume=True)
    assert [e.to_json() | {"elapsed": 0} for e in full] == [e.to_json() | {"elapsed": 0} for e in ents]


@pytest.mark.slow
def test_whole_table_fields_and_values():
    ents, out = compute_table(workers=2)
    assert len(ents) == 8 * 19 and all(e.proved for e in ents if e.field == "Q")
    beats = {e.key for e in ents if e.beats_formula}
    assert {"F2:4:2", "F2:6:4", "F3:6:4"} <= beats


@pytest.mark.parametrize("q, n, r, dim", [(4, 4, 2, 2), (9, 4, 2, 2), (8, 5, 2, 3)])
def test_search_over_f4_f8_f9_reaches_the_proved_value(q, n, r, dim):
    """The walk runs over F4, F8, F9 (table arithmetic) and stops at the proved value."""
    from search.altspaces import search_constant_rank

    best = search_constant_rank(n=n, r=r, field=q, seed=0, time_limit=None, steps=300)
    assert best.dimension == dim and best.optimal and best.space.field == q and best.is_valid()


@pytest.mark.slow
def test_kill9_and_resume_gives_the_uninterrupted_table(tmp_path):
    """A table run killed with SIGKILL mid-run and resumed ends with exactly the entries of an
    uninterrupted run (the checkpoint plus the entries committed to the store after it)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    fields, max_n = ["Q", 2, 3, 4, 5], 7
    ck, db = tmp_path / "ck", tmp_path / "s.db"
    code = ("from search.altspaces.table import compute_table; "
            f"compute_table({fields!r}, {max_n}, checkpoint={str(ck)!r}, store={str(db)!r}, checkpoint_every=0.2)")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=os.getcwd())
    t0 = time.time()
    while not ck.exists() and time.time() - t0 < 60:
        time.sleep(0.05)
    time.sleep(1.0)
    killed_mid_run = proc.poll() is None
    if killed_mid_run:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    resumed, out = compute_table(fields, max_n, checkpoint=ck, store=db, resume=True)
    full, _ = compute_table(fields, max_n)
    strip = lambda es: [e.to_json() | {"elapsed": 0} for e in es]  # noqa: E731
    assert strip(resumed) == strip(full)
    assert out.resumed and len(full) == 5 * 19


def test_hostile_arguments_are_named():
    for call, words in [
        (lambda: compute_entry(13, 2, 2), "n="),
        (lambda: compute_entry(5, 3, 2), "even"),
        (lambda: compute_entry(5, 2, 16), "prime power above 9"),
        (lambda: table_cases("Q,2", 3), "fields"),
        (lambda: table_cases([2], 11), "max_n"),
        (lambda: count_rank_matrices(4, 3, 2), "even"),
        (lambda: table_to_csv([{"n": 1}]), r"entries\[0\]"),
        (lambda: table_to_latex("x"), "entries"),
        (lambda: compute_table([2], 3, workers=0), "workers"),
    ]:
        with pytest.raises(InvalidInputError, match=words):
            call()
