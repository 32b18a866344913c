"""Class labels computed in forked worker processes are exactly the labels computed one by
one (a label is a deterministic function of its fraction), and the one-by-one fallbacks."""

from __future__ import annotations

import sys

import pytest

from search.pcf import classes as C
from search.pcf import enumerate_pcfs


@pytest.fixture(scope="module")
def hits():
    return enumerate_pcfs(1, 1, 2, ["e", "pi"], workers=1)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="labels are forked on Linux only")
def test_labels_in_workers_equal_labels_one_by_one(hits, monkeypatch):
    reps = [c.representative for c in C.group_hits(hits, labels=False)]
    assert len(reps) >= 2
    monkeypatch.setattr(C, "PARALLEL_LABELS_FROM", 2)
    monkeypatch.setattr("os.cpu_count", lambda: 2)  # workers even on a one-core machine
    parallel = C._labels(reps)
    monkeypatch.setenv("DISCO_SERIAL_LABELS", "1")
    serial = C._labels(reps)
    assert [lab.to_json() for lab in parallel] == [lab.to_json() for lab in serial]
    assert all(lab.is_valid() for lab in parallel)


def test_group_hits_labels_every_class_whichever_way(hits, monkeypatch):
    monkeypatch.setattr(C, "PARALLEL_LABELS_FROM", 2)
    a = C.group_hits(hits)
    monkeypatch.setenv("DISCO_SERIAL_LABELS", "1")
    b = C.group_hits(hits)
    assert [(c.key, c.label.kind, c.label.formula) for c in a] == [(c.key, c.label.kind, c.label.formula) for c in b]
    assert all(c.label is not None for c in a)
